//! The regex crate (Rust's regular-expression engine: lazy DFA, PikeVM, literal
//! optimizations, Unicode classes) on real text: counts, captures, replacements, splits and
//! a RegexSet over the files named on the command line. Every result is printed.
use regex::{Regex, RegexBuilder, RegexSet};
use std::fs;

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut text = String::new();
    for f in &files {
        let bytes = fs::read(f).unwrap_or_else(|e| panic!("{}: {}", f, e));
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    println!("input: {} files, {} bytes, {} lines", files.len(), text.len(), text.lines().count());

    let patterns = [
        r"\b[A-Z][a-z]+\b",
        r"\b\w+@\w+(?:\.\w+)+\b",
        r"\b(?:19|20)\d\d-\d\d-\d\d\b",
        r"(?i)\berror|warning|fail(?:ed|ure)?\b",
        r"\b0x[0-9a-fA-F]+\b",
        r"[[:punct:]]{3,}",
        r"\p{Greek}+|\p{Cyrillic}+",
        r"(?i)\bthe\s+(\w+)\s+(?:of|in|to)\b",
        r"^\s*$",
        r"\d+\.\d+(?:\.\d+)?",
    ];
    for p in &patterns {
        let re = RegexBuilder::new(p).multi_line(true).build().unwrap();
        let mut count = 0usize;
        let mut h = 0u64;
        let mut first = String::new();
        for m in re.find_iter(&text) {
            if count == 0 {
                first = m.as_str().chars().take(40).collect();
            }
            count += 1;
            h = h.wrapping_mul(31).wrapping_add(fnv(m.as_str().as_bytes()) ^ m.start() as u64);
        }
        println!("{:<40} {:>7} matches, first {:?}, hash {:016x}", p, count, first, h);
    }

    // Captures: "Version N.N" style headings, then the ten most frequent words.
    let version = Regex::new(r"(?m)^Version\s+(\d+)\.(\d+)(?:\.(\d+))?").unwrap();
    let mut versions = Vec::new();
    for c in version.captures_iter(&text) {
        let major: u32 = c[1].parse().unwrap();
        let minor: u32 = c[2].parse().unwrap();
        let patch: u32 = c.get(3).map_or(0, |m| m.as_str().parse().unwrap());
        versions.push((major, minor, patch));
    }
    versions.sort();
    println!("versions: {} (lowest {:?}, highest {:?})", versions.len(), versions.first(), versions.last());

    let word = Regex::new(r"\b[a-zA-Z]{4,}\b").unwrap();
    let mut counts = std::collections::HashMap::new();
    for m in word.find_iter(&text) {
        *counts.entry(m.as_str().to_lowercase()).or_insert(0usize) += 1;
    }
    let mut top: Vec<_> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (w, n) in top.iter().take(10) {
        println!("word {:<16} {}", w, n);
    }

    // Replacements with captures and a closure, and splitting.
    let swap = Regex::new(r"(\w+)@(\w+)").unwrap();
    let swapped = swap.replace_all(&text, "$2 at $1");
    let upper = Regex::new(r"\b[a-z]").unwrap().replace_all(&text, |c: &regex::Captures| c[0].to_uppercase());
    let fields = Regex::new(r"[\s,;:]+").unwrap().split(&text).filter(|s| !s.is_empty()).count();
    println!("replace: {} -> {} bytes, hash {:016x}; capitalized hash {:016x}; {} fields",
             text.len(), swapped.len(), fnv(swapped.as_bytes()), fnv(upper.as_bytes()), fields);

    // A RegexSet over every line.
    let set = RegexSet::new(&[r"\bfix", r"\badd", r"\bremove", r"\bbug", r"\bperformance", r"#\d+"]).unwrap();
    let mut per = [0usize; 6];
    for line in text.lines() {
        for i in set.matches(line).into_iter() {
            per[i] += 1;
        }
    }
    println!("set: {:?}", per);
}
