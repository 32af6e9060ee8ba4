//! Simulates a generated cluster at Kubernetes' published scalability envelope (5,000 nodes,
//! 10,000 Services, 150,000 pods) and at a quarter of it, to show that the cost grows about
//! linearly with the number of objects (selectors go through the label index, never a
//! services x pods scan). Prints the peak resident memory of the process as well.
//!
//! A small case measures what a controller's pods cost beyond their number: 20 Deployments and
//! 20 StatefulSets (with a claim template) of 50 replicas, simulated, and their pods listed as
//! `kplay get pods -o yaml` does.

use std::fmt::Write as _;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use kplay_core::{analyze, cluster, Options, SourceFile};

/// `services` Services, each selecting a Deployment of `pods_per_service` replicas, spread over
/// 100 namespaces.
fn manifests(services: usize, pods_per_service: usize) -> SourceFile {
    let mut s = String::with_capacity(services * 900);
    for n in 0..100 {
        let _ = write!(s, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n---\n");
    }
    for i in 0..services {
        let ns = i % 100;
        let _ = write!(
            s,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: ns-{ns}\nspec:\n  replicas: {pods_per_service}\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n        tier: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n  namespace: ns-{ns}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n---\n"
        );
    }
    SourceFile::new("generated.yaml", s)
}

/// `count` Deployments and `count` StatefulSets of `replicas` replicas each, with an init
/// container, two containers and a volume, the StatefulSets with a volumeClaimTemplate.
fn controllers(count: usize, replicas: usize) -> SourceFile {
    let mut s = String::new();
    for kind in ["Deployment", "StatefulSet"] {
        for i in 0..count {
            let name = format!("{}-{i}", kind.to_ascii_lowercase());
            let service = if kind == "StatefulSet" { format!("  serviceName: {name}\n") } else { String::new() };
            let _ = write!(
                s,
                "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n{service}  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      initContainers:\n        - name: init\n          image: busybox:1.36\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 8080\n          resources:\n            limits:\n              cpu: 500m\n              memory: 256Mi\n          volumeMounts:\n            - name: cfg\n              mountPath: /etc/cfg\n        - name: side\n          image: envoy:1.30\n      volumes:\n        - name: cfg\n          configMap:\n            name: cfg\n"
            );
            if kind == "StatefulSet" {
                s.push_str("  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n            storage: 1Gi\n");
            }
            s.push_str("---\n");
        }
    }
    SourceFile::new("controllers.yaml", s)
}

fn options() -> Options {
    let mut o = Options::default();
    o.cluster.node_count = 5_000;
    o.cluster.cluster_cidr = "10.0.0.0/8".into();
    o
}

/// CPU time (user + system) this process used so far (Linux), in seconds. On a shared machine
/// wall time says little; CPU time does not depend on the other load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Peak resident set size of this process (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn bench_controller_pods(c: &mut Criterion) {
    let opts = Options::default();
    let files = [controllers(20, 50)];
    let analysis = analyze(&files, &opts);
    let mut group = c.benchmark_group("cluster");
    group.sample_size(20);
    let cl = cluster::simulate(&files, &analysis.objects, &opts);
    assert_eq!(cl.pods.iter().filter(|p| p.owner.is_some() && !p.origin.is_builtin()).count(), 2_000, "every pod is simulated");
    group.bench_function("simulate-40-controllers-2000-pods", |b| {
        b.iter(|| cluster::simulate(&files, &analysis.objects, &opts));
    });
    let all = cluster::view::Scope::All;
    group.bench_function("list-yaml-2000-controller-pods", |b| {
        b.iter(|| cluster::view::list(&cl, &analysis.objects, cluster::view::Kind::Pods, &all));
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let opts = options();
    let mut group = c.benchmark_group("cluster");
    group.sample_size(10);
    for (services, per) in [(2_500, 15), (10_000, 15)] {
        let files = [manifests(services, per)];
        let t = Instant::now();
        let analysis = analyze(&files, &opts);
        let analyzed = t.elapsed();
        let t = Instant::now();
        let cpu = cpu_seconds();
        let cl = cluster::simulate(&files, &analysis.objects, &opts);
        let once = t.elapsed();
        let cpu = cpu.zip(cpu_seconds()).map_or(f64::NAN, |(a, b)| b - a);
        let slices = cl.endpoint_slices.len();
        let eps: usize = cl.endpoint_slices.iter().map(|s| s.endpoints.len()).sum();
        println!(
            "cluster/{services}-services: {} nodes, {} pods, {} Services, {slices} EndpointSlices with {eps} endpoints; analyze (incl. simulation) {:.2?}, simulate {:.2?} ({cpu:.2} s CPU), peak RSS {:.0} MiB",
            cl.nodes.len(),
            cl.pods.len(),
            cl.services.len(),
            analyzed,
            once,
            peak_rss_mib().unwrap_or(f64::NAN)
        );
        assert!(cl.pods.len() >= services * per, "every pod is simulated");
        drop(cl);
        group.bench_function(format!("simulate-{services}-services-{}-pods", services * per), |b| {
            b.iter(|| cluster::simulate(&files, &analysis.objects, &opts));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_controller_pods, bench);
criterion_main!(benches);
