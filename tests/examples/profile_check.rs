//! Times the phases of `analyze` on the benchmark corpus (a quick look without criterion).
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let files = kplay_tests::corpus::generate(n);
    let t = Instant::now();
    let a = kplay_core::analyze(&files, &kplay_core::Options::default());
    println!("analyze: {:?} for {} objects, {} diagnostics", t.elapsed(), a.objects.len(), a.diagnostics.len());
    let t = Instant::now();
    for (i, f) in files.iter().enumerate() {
        let _ = kplay_core::yaml::load_file(i, f, &kplay_core::yaml::Limits::default());
    }
    println!("load only: {:?}", t.elapsed());
}
