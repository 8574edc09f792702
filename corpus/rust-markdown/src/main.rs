//! pulldown-cmark (the CommonMark parser behind rustdoc and mdBook): renders each Markdown
//! file named on the command line to HTML with every extension on (tables, footnotes,
//! strikethrough, task lists, smart punctuation), writes NAME.html, and prints an event
//! census of the parse.
use pulldown_cmark::{html, Event, Options, Parser, Tag};
use std::fs;

fn main() {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let rounds: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    for f in std::env::args().skip(2) {
        let text = fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {}", f, e));
        let mut out = String::new();
        for _ in 0..rounds {
            out.clear();
            html::push_html(&mut out, Parser::new_ext(&text, opts));
        }
        fs::write(format!("{}.html", f), &out).unwrap();
        let (mut headings, mut links, mut code, mut tables, mut texts) = (0, 0, 0, 0, 0);
        for ev in Parser::new_ext(&text, opts) {
            match ev {
                Event::Start(Tag::Heading(..)) => headings += 1,
                Event::Start(Tag::Link(..)) => links += 1,
                Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => code += 1,
                Event::Start(Tag::Table(_)) => tables += 1,
                Event::Text(_) => texts += 1,
                _ => {}
            }
        }
        println!("{}: {} bytes -> {} bytes of HTML; {} headings, {} links, {} code, {} tables, {} texts",
                 f, text.len(), out.len(), headings, links, code, tables, texts);
    }
}
