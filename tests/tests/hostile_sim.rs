//! Hostile inputs for the simulator: 100,000 endpoints behind one Service, selectors that match
//! everything, request loops between Ingresses and ExternalName Services, absurd replica counts
//! and many objects of one kind. Each must end with a clear diagnostic or trace outcome, in
//! bounded time, without panicking. The time bounds are generous (debug builds on a shared
//! machine); they catch quadratic blow-ups, which take minutes at these sizes, not seconds.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use kplay_core::cluster::{self, ClusterDescription};
use kplay_core::proxy::ingress::HttpRequest;
use kplay_core::proxy::input::{BackendPort, ProxyInput};
use kplay_core::proxy::trace::{Destination, Outcome, SimulateRequest, Source, TraceRequest, Tracer};
use kplay_core::{analyze, Analysis, Options, SourceFile};

/// Analyses `text`, checks that it took less than `limit`, and returns the analysis.
fn timed(what: &str, text: String, opts: &Options, limit: Duration) -> (Vec<SourceFile>, Analysis) {
    let files = vec![SourceFile::new("hostile.yaml", text)];
    let start = Instant::now();
    let a = analyze(&files, opts);
    let took = start.elapsed();
    eprintln!("{what}: analysed in {took:?} ({} objects, {} diagnostics)", a.objects.len(), a.diagnostics.len());
    assert!(took < limit, "{what}: analysis took {took:?} (limit {limit:?})");
    (files, a)
}

fn rules(a: &Analysis) -> Vec<&'static str> {
    a.diagnostics.iter().map(|d| d.rule).collect()
}

fn service(name: &str, selector: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{selector}  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n")
}

/// `labels`: lines indented for `matchLabels` (six spaces); the template's get two more.
fn deployment(name: &str, replicas: i64, labels: &str) -> String {
    let tpl: String = labels.lines().flat_map(|l| ["  ", l, "\n"]).collect();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n{labels}  template:\n    metadata:\n      labels:\n{tpl}    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 8080\n"
    )
}

/// `n` endpoints in user EndpointSlices of at most 1,000 endpoints each (the API server's
/// maximum per slice).
fn user_slices(service: &str, n: usize) -> String {
    let mut s = String::new();
    for (k, start) in (0..n).step_by(1000).enumerate() {
        let _ = write!(
            s,
            "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {service}-{k}\n  labels:\n    kubernetes.io/service-name: {service}\naddressType: IPv4\nports:\n  - name: http\n    port: 8080\nendpoints:\n"
        );
        for i in start..(start + 1000).min(n) {
            let _ = writeln!(s, "  - addresses: [\"10.{}.{}.{}\"]", 100 + i / 65536, (i / 256) % 256, i % 256);
        }
    }
    s
}

fn trace(input: &ProxyInput, to: Destination) -> kplay_core::proxy::trace::Trace {
    Tracer::new(input).trace(&TraceRequest::new(Source::External, to))
}

fn svc_dest(name: &str) -> Destination {
    Destination::Service { namespace: "default".into(), name: name.into(), port: BackendPort::Number(80) }
}

#[test]
fn a_hundred_thousand_user_endpoints_behind_one_service() {
    let mut text = service("big", "");
    text.push_str(&user_slices("big", 100_000));
    let opts = Options::default();
    let (files, a) = timed("100k user endpoints", text, &opts, Duration::from_mins(1));
    assert!(!a.has_errors(), "{:?}", &a.diagnostics[..a.diagnostics.len().min(5)]);
    let start = Instant::now();
    let cluster = cluster::simulate(&files, &a.objects, &opts);
    let input = ProxyInput::from_cluster(&cluster);
    let port = input.services.iter().find(|s| s.name == "big").expect("the Service's port");
    assert_eq!(port.endpoints.len(), 100_000);
    eprintln!("100k user endpoints: cluster and proxy input in {:?}", start.elapsed());
    let t = trace(&input, svc_dest("big"));
    assert_eq!(t.outcome, Outcome::Delivered, "{t:?}");
    let took = start.elapsed();
    eprintln!("100k user endpoints: simulated and traced in {took:?}");
    assert!(took < Duration::from_mins(1), "simulation and trace took {took:?}");
}

#[test]
fn many_requests_to_a_service_with_thousands_of_endpoints() {
    // `simulate` precomputes one branch per endpoint, each by a forced walk of the Service's
    // chain: quadratic in the endpoints, so this stays at a size that finishes in seconds.
    let mut text = service("big", "");
    text.push_str(&user_slices("big", 2_000));
    let opts = Options::default();
    let (files, a) = timed("2k user endpoints", text, &opts, Duration::from_secs(30));
    let input = ProxyInput::from_cluster(&cluster::simulate(&files, &a.objects, &opts));
    let start = Instant::now();
    let sim = Tracer::new(&input).simulate(&SimulateRequest {
        trace: TraceRequest::new(Source::External, svc_dest("big")),
        requests: 1000,
        clients: 4,
        interval_ms: 1,
    });
    assert_eq!(sim.delivered, 1000);
    eprintln!("2k user endpoints: 1000 requests simulated in {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_mins(1));
}

#[test]
fn a_deployment_of_a_hundred_thousand_replicas() {
    let labels = "      app: big\n";
    let mut text = service("big", "  selector:\n    app: big\n");
    text.push_str("---\n");
    text.push_str(&deployment("big", 100_000, labels));
    // Enough nodes and room for every pod: 1,000 nodes of 110 pods, and a cluster CIDR with a
    // /24 for each of them (the default /16 holds only 256: the other nodes would stay NotReady).
    let opts = Options {
        cluster: ClusterDescription {
            node_count: 1000,
            cluster_cidr: "10.244.0.0/14".into(),
            max_replicas_per_workload: 100_000,
            ..ClusterDescription::default()
        },
        ..Options::default()
    };
    let (files, a) = timed("100k replicas", text, &opts, Duration::from_mins(2));
    assert!(!rules(&a).contains(&"replicas-over-simulation-limit"), "{:?}", rules(&a));
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let cluster = cluster::simulate(&files, &a.objects, &opts);
    let pods = cluster.pods.iter().filter(|p| p.namespace == "default").count();
    assert_eq!(pods, 100_000);
    let input = ProxyInput::from_cluster(&cluster);
    let port = input.services.iter().find(|s| s.name == "big").expect("the Service's port");
    assert_eq!(port.endpoints.len(), 100_000);
    // One slice per 100 endpoints (`--max-endpoints-per-slice`).
    assert_eq!(cluster.slices_of("default", "big").count(), 1000);
    assert_eq!(trace(&input, svc_dest("big")).outcome, Outcome::Delivered);
}

#[test]
fn absurd_replica_counts_are_capped_with_a_diagnostic() {
    let text =
        [deployment("huge", i64::from(i32::MAX), "      app: huge\n"), deployment("big", 1_000_000, "      app: big\n")].join("---\n");
    let (files, a) = timed("absurd replicas", text, &Options::default(), Duration::from_mins(1));
    let capped: Vec<_> = a.diagnostics.iter().filter(|d| d.rule == "replicas-over-simulation-limit").collect();
    assert_eq!(capped.len(), 2, "{:?}", rules(&a));
    let d = capped[0];
    assert!(d.message.contains("2147483647") && d.message.contains("10000"), "{}", d.message);
    // The diagnostic points at the `replicas` value.
    assert_eq!(&files[0].text[d.primary.span.range()], "2147483647");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("max-replicas-per-workload")));
    let cluster = cluster::simulate(&files, &a.objects, &Options::default());
    // 2 x 10,000 simulated pods plus CoreDNS's 2, never the 2 billion asked for.
    assert_eq!(cluster.pods.len(), 20_002);
}

#[test]
fn the_builtin_coredns_deployment_is_capped_silently() {
    // Regression (found by the trace fuzz target): with a cap under CoreDNS's 2 replicas the
    // cap's diagnostic pointed into the built-in manifest, at a span of the user's file 0.
    let opts =
        Options { cluster: ClusterDescription { max_replicas_per_workload: 1, ..ClusterDescription::default() }, ..Options::default() };
    let files = vec![SourceFile::new("empty.yaml", "")];
    let a = analyze(&files, &opts);
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let cluster = cluster::simulate(&files, &a.objects, &opts);
    assert!(cluster.diagnostics.is_empty(), "{:?}", cluster.diagnostics);
}

#[test]
fn an_empty_service_selector_selects_nothing() {
    // `selector: {}` is not stored as a selector (routing-semantics §1.1): the Service is
    // selector-less and gets no endpoints, however many pods there are.
    let mut text = service("all", "  selector: {}\n");
    for i in 0..50 {
        text.push_str("---\n");
        text.push_str(&deployment(&format!("d{i}"), 3, &format!("      app: d{i}\n")));
    }
    let (files, a) = timed("selector: {}", text, &Options::default(), Duration::from_secs(30));
    let d = a.diagnostics.iter().find(|d| d.rule == "selectorless-service-has-no-endpoints").expect("a diagnostic for the Service");
    assert_eq!(&files[0].text[d.primary.span.range()], "{}");
    let cluster = cluster::simulate(&files, &a.objects, &Options::default());
    assert_eq!(cluster.slices_of("default", "all").count(), 0);
    let input = ProxyInput::from_cluster(&cluster);
    assert_eq!(trace(&input, svc_dest("all")).outcome, Outcome::Rejected);
}

#[test]
fn selectors_that_match_every_pod_of_many_workloads() {
    // 2,000 Deployments whose pods all carry `team: shop`, a Service selecting `team: shop`,
    // and one Deployment whose selector (`matchExpressions: app Exists`) matches every pod.
    let n = 2000;
    let mut text = service("everything", "  selector:\n    team: shop\n");
    for i in 0..n {
        text.push_str("---\n");
        text.push_str(&deployment(&format!("d{i}"), 1, &format!("      app: d{i}\n      team: shop\n")));
    }
    text.push_str(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: greedy\nspec:\n  replicas: 1\n  selector:\n    matchExpressions:\n      - {key: app, operator: Exists}\n  template:\n    metadata:\n      labels:\n        app: greedy\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n",
    );
    let opts = Options { cluster: ClusterDescription { node_count: 50, ..ClusterDescription::default() }, ..Options::default() };
    let (files, a) = timed("match-everything selectors", text, &opts, Duration::from_mins(1));
    let overlaps = a.diagnostics.iter().filter(|d| d.rule == "workload-selectors-overlap").count();
    assert!(overlaps >= 1, "the greedy selector is reported");
    // One report per pair with the greedy Deployment at most: no pairwise explosion.
    assert!(overlaps <= n, "{overlaps} overlap diagnostics");
    let cluster = cluster::simulate(&files, &a.objects, &opts);
    let input = ProxyInput::from_cluster(&cluster);
    let port = input.services.iter().find(|s| s.name == "everything").expect("port");
    assert_eq!(port.endpoints.len(), n);
}

#[test]
fn many_namespaces_and_services_are_linear() {
    // The lead measured 20 s for 40,000 Namespace objects before the registry used indexes.
    let mut text = String::new();
    for i in 0..40_000 {
        let _ = write!(text, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n");
    }
    for i in 0..5_000 {
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\n  namespace: ns-{i}\nspec:\n  clusterIP: 10.96.{}.{}\n  ports:\n    - port: 80\n",
            1 + i / 250,
            1 + i % 250
        );
    }
    let (_, a) = timed("40k namespaces, 5k services", text, &Options::default(), Duration::from_mins(1));
    assert!(!rules(&a).contains(&"cluster-ip-conflict"), "{:?}", &a.diagnostics[..a.diagnostics.len().min(3)]);
    assert_eq!(a.objects.len(), 45_000);
}

fn ingress(name: &str, host: &str, service: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: {host}\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {service}\n                port:\n                  number: 80\n"
    )
}

fn external_name(name: &str, target: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: ExternalName\n  externalName: {target}\n  ports:\n    - port: 80\n")
}

const INGRESS_CLASS: &str = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  annotations:\n    ingressclass.kubernetes.io/is-default-class: \"true\"\nspec:\n  controller: k8s.io/ingress-nginx\n";

fn cluster_input(docs: &[String]) -> ProxyInput {
    let text = docs.join("---\n");
    let opts = Options::default();
    let (files, a) = timed("ingress loop", text, &opts, Duration::from_secs(30));
    let cluster = cluster::simulate(&files, &a.objects, &opts);
    ProxyInput::from_cluster(&cluster)
}

#[test]
fn a_request_loop_between_ingresses_and_external_name_services_terminates() {
    // a.example.com -> Service a (ExternalName b.example.com) -> Ingress for b.example.com ->
    // Service b (ExternalName a.example.com) -> Ingress for a.example.com -> ...
    let input = cluster_input(&[
        INGRESS_CLASS.to_string(),
        ingress("a", "a.example.com", "a"),
        ingress("b", "b.example.com", "b"),
        external_name("a", "b.example.com"),
        external_name("b", "a.example.com"),
    ]);
    let start = Instant::now();
    let t = trace(&input, Destination::Url(HttpRequest::parse_url("http://a.example.com/").expect("url")));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_ne!(t.outcome, Outcome::Delivered, "{t:?}");
    let last = t.hops.last().expect("hops");
    assert!(last.detail.contains("loop"), "the last hop says it is a loop: {t:#?}");
    assert!(t.hops.len() < 50, "{} hops", t.hops.len());
}

#[test]
fn an_external_name_chain_through_the_cluster_dns_terminates() {
    // ExternalName Services pointing at each other's cluster DNS names: a CNAME loop.
    let input = cluster_input(&[
        external_name("a", "b.default.svc.cluster.local"),
        external_name("b", "a.default.svc.cluster.local"),
        INGRESS_CLASS.to_string(),
        ingress("front", "shop.example.com", "a"),
    ]);
    // Looked up from a node: a client outside the cluster does not ask the cluster's DNS.
    let to = Destination::Name { host: "a.default.svc.cluster.local".into(), port: 80 };
    let t = Tracer::new(&input).trace(&TraceRequest::new(Source::Node(input.nodes[0].name.clone()), to));
    assert_eq!(t.outcome, Outcome::NoRoute, "{t:?}");
    assert!(t.hops.iter().any(|h| h.detail.contains("loop")), "{t:#?}");
    let t = trace(&input, Destination::Url(HttpRequest::parse_url("http://shop.example.com/").expect("url")));
    assert_ne!(t.outcome, Outcome::Delivered, "{t:?}");
    assert!(t.hops.iter().any(|h| h.detail.contains("loop")), "{t:#?}");
}

#[test]
fn an_external_name_to_an_in_cluster_service_is_followed() {
    // The non-looping case the loop detection must not break: Ingress -> ExternalName
    // `web.default.svc.cluster.local` -> the `web` Service's pods.
    let input = cluster_input(&[
        INGRESS_CLASS.to_string(),
        ingress("front", "shop.example.com", "alias"),
        external_name("alias", "web.default.svc.cluster.local"),
        service("web", "  selector:\n    app: web\n"),
        deployment("web", 2, "      app: web\n"),
    ]);
    let t = trace(&input, Destination::Url(HttpRequest::parse_url("http://shop.example.com/").expect("url")));
    assert_eq!(t.outcome, Outcome::Delivered, "{t:#?}");
    assert!(t.hops.iter().any(|h| h.detail.contains("CNAME")), "{t:#?}");
}
