//! Times loading and analysing one file given on the command line.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let text = std::fs::read_to_string(&path).expect("readable");
    let f = kplay_core::SourceFile::new(path, text);
    let t = Instant::now();
    let l = kplay_core::yaml::load_file(0, &f, &kplay_core::yaml::Limits::default());
    println!("load: {:?} ({} docs, {} diagnostics)", t.elapsed(), l.docs.len(), l.diagnostics.len());
    let t = Instant::now();
    let a = kplay_core::analyze(std::slice::from_ref(&f), &kplay_core::Options::default());
    println!("analyze: {:?} ({} objects, {} diagnostics)", t.elapsed(), a.objects.len(), a.diagnostics.len());
}
