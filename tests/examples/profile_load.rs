//! Times raw saphyr-parser event iteration against kplay's loader on the corpus.
use std::time::Instant;

fn main() {
    let files = kplay_tests::corpus::generate(10_000);
    let t = Instant::now();
    let mut n = 0usize;
    for f in &files {
        let mut p = saphyr_parser::Parser::new_from_str(&f.text);
        while let Some(Ok(_)) = p.next_event() {
            n += 1;
        }
    }
    println!("saphyr events: {n} in {:?}", t.elapsed());
    let t = Instant::now();
    for (i, f) in files.iter().enumerate() {
        let _ = kplay_core::yaml::load_file(i, f, &kplay_core::yaml::Limits::default());
    }
    println!("load_file: {:?}", t.elapsed());
}
