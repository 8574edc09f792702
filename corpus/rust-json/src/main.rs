//! serde_json with serde's derive macros: parses the JSON files named on the command line
//! into untyped values, walks them, writes them back compact and pretty and parses that
//! again; then round-trips generated records through derived (de)serializers.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

#[derive(Default, Debug)]
struct Stats {
    objects: usize,
    arrays: usize,
    strings: usize,
    string_bytes: usize,
    integers: usize,
    floats: usize,
    bools: usize,
    nulls: usize,
    max_depth: usize,
    int_sum: i128,
}

fn walk(v: &Value, depth: usize, s: &mut Stats) {
    s.max_depth = s.max_depth.max(depth);
    match v {
        Value::Null => s.nulls += 1,
        Value::Bool(_) => s.bools += 1,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                s.integers += 1;
                s.int_sum += i as i128;
            } else if let Some(u) = n.as_u64() {
                s.integers += 1;
                s.int_sum += u as i128;
            } else {
                s.floats += 1;
            }
        }
        Value::String(x) => {
            s.strings += 1;
            s.string_bytes += x.len();
        }
        Value::Array(a) => {
            s.arrays += 1;
            for x in a {
                walk(x, depth + 1, s);
            }
        }
        Value::Object(o) => {
            s.objects += 1;
            for x in o.values() {
                walk(x, depth + 1, s);
            }
        }
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Kind {
    Book { pages: u32 },
    Disc { minutes: f64, tracks: Vec<String> },
    Other,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Item {
    id: u64,
    title: String,
    price: f64,
    tags: Vec<String>,
    kind: Kind,
    ratings: BTreeMap<String, i32>,
    parent: Option<Box<Item>>,
}

fn item(i: u64) -> Item {
    let kind = match i % 3 {
        0 => Kind::Book { pages: (i * 37 % 900) as u32 },
        1 => Kind::Disc { minutes: i as f64 * 1.25, tracks: (0..i % 5).map(|t| format!("track \"{}\"", t)).collect() },
        _ => Kind::Other,
    };
    let mut ratings = BTreeMap::new();
    for r in 0..(i % 4) {
        ratings.insert(format!("user{}", (i * 7 + r) % 13), (i as i32 * 3 - r as i32) % 11 - 5);
    }
    Item {
        id: i,
        title: format!("Item №{} — \u{1F600} \\ \n", i),
        price: i as f64 / 8.0,
        tags: (0..i % 6).map(|t| format!("tag{}", t * i % 17)).collect(),
        kind,
        ratings,
        parent: if i % 10 == 0 && i > 0 { Some(Box::new(item(i / 10))) } else { None },
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let records: u64 = args[0].parse().unwrap();
    for f in &args[1..] {
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {}", f, e));
        let v: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                // sample.json nests deeper than serde_json's recursion limit (128).
                println!("{}: {} bytes: error {} (line {}, column {})", f, text.len(), e, e.line(), e.column());
                continue;
            }
        };
        let mut s = Stats::default();
        walk(&v, 0, &mut s);
        let compact = serde_json::to_string(&v).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let again: Value = serde_json::from_str(&pretty).unwrap();
        println!("{}: {} bytes -> compact {} ({:016x}), pretty {} ({:016x}), round trip {}",
                 f, text.len(), compact.len(), fnv(compact.as_bytes()), pretty.len(),
                 fnv(pretty.as_bytes()), again == v);
        println!("  {:?}", s);
    }

    let items: Vec<Item> = (0..records).map(item).collect();
    let text = serde_json::to_string(&items).unwrap();
    let back: Vec<Item> = serde_json::from_str(&text).unwrap();
    let value = serde_json::to_value(&items).unwrap();
    let from_value: Vec<Item> = serde_json::from_value(value.clone()).unwrap();
    let total: f64 = back.iter().map(|i| i.price).sum();
    println!("records: {} -> {} bytes ({:016x}), equal {}, via value {}, price sum {}",
             records, text.len(), fnv(text.as_bytes()), back == items, from_value == items, total);
    println!("last: {}", serde_json::to_string(&items[items.len() - 1]).unwrap());
    let pointer = value.pointer("/10/parent/title").and_then(|v| v.as_str()).unwrap_or("none");
    println!("pointer /10/parent/title: {:?}", pointer);
}
