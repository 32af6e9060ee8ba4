//! Throughput of `analyze` (the full rule set and the simulation) on a generated, realistic
//! corpus: Deployments with Services, Ingresses, StatefulSets, Jobs and bare Pods, with a few
//! mistakes sprinkled in. Reports objects/s and MB/s (criterion's throughput in bytes; objects
//! per second are printed once).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kplay_core::{analyze, Options, SourceFile};
use kplay_tests::corpus;

fn bench(c: &mut Criterion) {
    let files = corpus::generate(10_000);
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let a = analyze(&files, &Options::default());
    let objects = a.objects.len();
    eprintln!("corpus: {} files, {objects} objects, {bytes} bytes, {} diagnostics", files.len(), a.diagnostics.len());
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("analyze_10k_objects_bytes", |b| b.iter(|| analyze(std::hint::black_box(&files), &Options::default())));
    g.throughput(Throughput::Elements(objects as u64));
    g.bench_function("analyze_10k_objects_elements", |b| b.iter(|| analyze(std::hint::black_box(&files), &Options::default())));
    g.finish();
    let one: Vec<SourceFile> = files.iter().take(1).cloned().collect();
    c.bench_function("analyze_one_file", |b| b.iter(|| analyze(std::hint::black_box(&one), &Options::default())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
