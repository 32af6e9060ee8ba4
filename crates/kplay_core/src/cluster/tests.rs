//! Table tests of the whole simulation, driven by manifests.

use super::*;
use crate::analysis::{analyze_and_simulate, Options};
use crate::source::SourceFile;

pub(crate) fn sim_with(texts: &[&str], opts: &Options) -> (Cluster, Vec<crate::Diagnostic>) {
    let files: Vec<SourceFile> = texts.iter().enumerate().map(|(i, t)| SourceFile::new(format!("f{i}.yaml"), *t)).collect();
    let (a, c) = analyze_and_simulate(&files, opts);
    // The cluster the analysis simulated is the one simulated again from its objects.
    assert_eq!(c, simulate(&files, &a.objects, opts));
    (c, a.diagnostics)
}

pub(crate) fn sim(texts: &[&str]) -> Cluster {
    sim_with(texts, &Options::default()).0
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
";

#[test]
fn builtins_exist_like_on_a_real_cluster() {
    let c = sim(&[]);
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(c.namespaces.iter().any(|n| n.name == ns), "{ns}");
    }
    let k = c.service("default", "kubernetes").expect("kubernetes Service");
    assert_eq!(k.cluster_ips[0].to_string(), "10.96.0.1");
    assert_eq!(k.ports[0].spec.port, 443);
    assert_eq!(c.service("kube-system", "kube-dns").unwrap().cluster_ips[0].to_string(), "10.96.0.10");
    assert_eq!(c.nodes.len(), 3);
    assert_eq!(c.nodes[0].internal_ip.to_string(), "172.18.0.2");
    assert_eq!(c.nodes[1].pod_cidrs[0], "10.244.1.0/24");
    assert_eq!(c.nodes[2].zone.as_deref(), Some("zone-c"));
}

#[test]
fn nodes_carry_the_kubelets_stable_and_beta_os_arch_labels() {
    // `initialNode` (pkg/kubelet/kubelet_node_status.go) sets both label sets.
    let c = sim(&[]);
    let l = &c.nodes[0].labels;
    for (k, v) in [
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", "node-1"),
    ] {
        assert_eq!(l.get(k).map(String::as_str), Some(v), "{k}");
    }
    // A node description's labels still win.
    let mut opts = Options::default();
    let mut arm = crate::cluster::state::NodeDescription::default();
    arm.labels.insert("beta.kubernetes.io/arch".into(), "arm64".into());
    arm.labels.insert("kubernetes.io/arch".into(), "arm64".into());
    opts.cluster.nodes = vec![arm];
    let (c, _) = sim_with(&[], &opts);
    assert_eq!(c.nodes[0].labels.get("beta.kubernetes.io/arch").map(String::as_str), Some("arm64"));
    assert_eq!(c.nodes[0].labels.get("kubernetes.io/arch").map(String::as_str), Some("arm64"));
}

fn kube_dns(cluster_ip: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\n  namespace: kube-system\nspec:\n  selector:\n    k8s-app: kube-dns\n{cluster_ip}  ports:\n    - name: dns\n      port: 53\n      protocol: UDP\n"
    )
}

#[test]
fn a_users_service_of_a_builtins_name_replaces_it() {
    let conflicts = |d: &[crate::Diagnostic]| d.iter().filter(|d| d.rule == "cluster-ip-conflict").count();
    let one = |c: &Cluster, ns: &str, name: &str| c.services.iter().filter(|s| s.namespace == ns && s.name == name).count();
    // The same address: one Service, the user's (its ports), no conflict with itself.
    let (c, d) = sim_with(&[&kube_dns("  clusterIP: 10.96.0.10\n")], &Options::default());
    assert_eq!(conflicts(&d), 0, "{d:?}");
    assert_eq!(one(&c, "kube-system", "kube-dns"), 1);
    let s = c.service("kube-system", "kube-dns").unwrap();
    assert!(!s.builtin);
    assert_eq!(s.ports.len(), 1);
    assert_eq!(s.cluster_ips[0].to_string(), "10.96.0.10");
    assert_eq!(c.dns_service_ip.map(|ip| ip.to_string()).as_deref(), Some("10.96.0.10"));
    // Without a clusterIP it keeps the built-in's address (an update keeps spec.clusterIP).
    let (c, _) = sim_with(&[&kube_dns("")], &Options::default());
    assert_eq!(c.service("kube-system", "kube-dns").unwrap().cluster_ips[0].to_string(), "10.96.0.10");
    // Another address: the DNS address follows it, and network + 10 is free for others.
    let other = "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  clusterIP: 10.96.0.10\n  ports:\n    - port: 80\n";
    let (c, d) = sim_with(&[&kube_dns("  clusterIP: 10.96.0.53\n"), other], &Options::default());
    assert_eq!(conflicts(&d), 0, "{d:?}");
    assert_eq!(one(&c, "kube-system", "kube-dns"), 1);
    assert_eq!(c.dns_service_ip.map(|ip| ip.to_string()).as_deref(), Some("10.96.0.53"));
    assert_eq!(c.service("default", "other").unwrap().cluster_ips[0].to_string(), "10.96.0.10");
    // A different Service asking for the user's kube-dns address still conflicts.
    let (_, d) = sim_with(&[&kube_dns(""), other], &Options::default());
    assert_eq!(conflicts(&d), 1, "{d:?}");
    // `default/kubernetes` likewise.
    let k = "apiVersion: v1\nkind: Service\nmetadata:\n  name: kubernetes\nspec:\n  clusterIP: 10.96.0.1\n  ports:\n    - name: https\n      port: 443\n      targetPort: 6443\n";
    let (c, d) = sim_with(&[k], &Options::default());
    assert_eq!(conflicts(&d), 0, "{d:?}");
    assert_eq!(one(&c, "default", "kubernetes"), 1);
    assert_eq!(c.service("default", "kubernetes").unwrap().cluster_ips[0].to_string(), "10.96.0.1");
    // And the CoreDNS Deployment: the user's `kube-system/coredns` is the only one.
    let coredns = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coredns\n  namespace: kube-system\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      k8s-app: kube-dns\n  template:\n    metadata:\n      labels:\n        k8s-app: kube-dns\n    spec:\n      containers:\n        - name: coredns\n          image: coredns/coredns:1.11.1\n";
    let (c, _) = sim_with(&[&kube_dns(""), coredns], &Options::default());
    let w: Vec<_> = c.workloads.iter().filter(|w| w.kind == "Deployment" && w.name == "coredns").collect();
    assert_eq!(w.len(), 1);
    assert!(!w[0].origin.is_builtin());
    assert_eq!(c.pods.iter().filter(|p| p.namespace == "kube-system").count(), 1);
}

#[test]
fn nodes_beyond_the_cluster_cidr_get_no_pod_cidr_and_take_no_pods() {
    // A /22 cluster CIDR holds four /24 node CIDRs: the fifth and sixth nodes stay NotReady.
    let mut opts = Options::default();
    opts.cluster.node_count = 6;
    opts.cluster.cluster_cidr = "10.244.0.0/22".into();
    let (c, _) = sim_with(&[WEB], &opts);
    let ready: Vec<bool> = c.nodes.iter().map(|n| n.ready).collect();
    assert_eq!(ready, [true, true, true, true, false, false]);
    assert!(c.nodes[4].pod_cidrs.is_empty());
    let web: Vec<&Pod> = c.pods.iter().filter(|p| p.namespace == "default").collect();
    assert_eq!(web.len(), 3);
    assert!(web.iter().all(|p| p.node.as_deref().is_some_and(|n| n != c.nodes[4].name && n != c.nodes[5].name)), "{web:?}");
    assert!(web.iter().all(|p| p.ready && !p.ips.is_empty()));
}

#[test]
fn deployment_pods_become_endpoints_with_resolved_named_ports() {
    let c = sim(&[WEB]);
    let rs = c.workloads.iter().find(|w| w.kind == "ReplicaSet" && w.owner.as_ref().is_some_and(|o| o.name == "web")).expect("rs");
    let hash = rs.pod_template_hash.clone().unwrap();
    assert_eq!(rs.name, format!("web-{hash}"));
    assert!(hash.chars().all(|ch| "bcdf456789".contains(ch)), "{hash}");
    let pods: Vec<&Pod> = c.pods.iter().filter(|p| p.namespace == "default").collect();
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert!(p.name.starts_with(&format!("web-{hash}-")) && p.name.len() == rs.name.len() + 6, "{}", p.name);
        assert_eq!(p.labels.get("pod-template-hash"), Some(&hash));
        assert!(p.ready && p.ip().is_some());
    }
    let nodes: std::collections::HashSet<_> = pods.iter().map(|p| p.node.clone()).collect();
    assert_eq!(nodes.len(), 3, "spread over the nodes");
    let svc = c.service("default", "web").unwrap();
    let ip = svc.cluster_ips[0];
    assert!(ip > "10.96.1.0".parse::<std::net::IpAddr>().unwrap(), "dynamic band: {ip}");
    let slices: Vec<&EndpointSlice> = c.slices_of("default", "web").collect();
    assert_eq!(slices.len(), 1);
    let s = slices[0];
    assert!(s.name.starts_with("web-") && s.name.len() == 9);
    assert_eq!(s.endpoints.len(), 3);
    assert_eq!(s.ports[0].port, Some(8080));
    assert_eq!(s.labels.get("endpointslice.kubernetes.io/managed-by").map(String::as_str), Some("endpointslice-controller.k8s.io"));
    // Same input, same answer.
    assert_eq!(sim(&[WEB]), c);
}

#[test]
fn overrides_toggle_readiness_nodes_and_scale() {
    let mut opts = Options::default();
    opts.cluster.overrides.scale.push(ScaleOverride { namespace: None, kind: "deployment".into(), name: "web".into(), replicas: 5 });
    opts.cluster.overrides.nodes_down.push("node-1".into());
    let (c, _) = sim_with(&[WEB], &opts);
    let pods: Vec<&Pod> = c.pods.iter().filter(|p| p.namespace == "default").collect();
    assert_eq!(pods.len(), 5);
    assert!(pods.iter().all(|p| p.node.as_deref() != Some("node-1")), "nothing new lands on a down node");
    let name = pods[0].name.clone();
    opts.cluster.overrides.pods.push(PodOverride { namespace: None, name: name.clone(), ready: Some(false), terminating: Some(true) });
    let (c, _) = sim_with(&[WEB], &opts);
    let s: Vec<&Endpoint> = c.slices_of("default", "web").flat_map(|s| &s.endpoints).collect();
    let e = s.iter().find(|e| e.target_ref.as_ref().is_some_and(|t| t.name == name)).unwrap();
    assert_eq!((e.conditions.ready, e.conditions.serving, e.conditions.terminating), (Some(false), Some(false), Some(true)));
}

/// A Deployment created with `spec.paused: true`: the controller's `sync` creates no
/// ReplicaSet (`createIfNotExisted` false), so there are no pods and its Service has no
/// endpoints, also once scaled; `selector-matches-no-pods` says why.
#[test]
fn a_paused_deployment_gets_no_replica_set_and_its_service_no_endpoints() {
    let paused = WEB.replace("  replicas: 3\n", "  replicas: 3\n  paused: true\n");
    let mut opts = Options::default();
    opts.cluster.overrides.scale.push(ScaleOverride { namespace: None, kind: "Deployment".into(), name: "web".into(), replicas: 5 });
    for opts in [Options::default(), opts] {
        let (c, d) = sim_with(&[&paused], &opts);
        let web: Vec<&Workload> = c.workloads.iter().filter(|w| w.namespace == "default").collect();
        assert_eq!(web.len(), 1, "the Deployment alone: {web:?}");
        assert!(web[0].paused && web[0].pod_template_hash.is_none());
        assert!(!web[0].annotations.contains_key("deployment.kubernetes.io/revision"));
        assert!(c.pods.iter().all(|p| p.namespace != "default"));
        assert!(c.slices_of("default", "web").all(|s| s.endpoints.is_empty()));
        let hit: Vec<&crate::Diagnostic> = d.iter().filter(|d| d.rule == "selector-matches-no-pods").collect();
        assert_eq!(hit.len(), 1, "{d:?}");
        let label =
            hit[0].secondary.iter().find(|l| l.message.starts_with("deployment/web would match, but it is paused")).expect("says why");
        assert_eq!(&paused[label.span.range()], "true");
        assert!(
            hit[0].help.as_deref().is_some_and(|h| h.starts_with("resume deployment/web (`kubectl rollout resume deployment/web`")),
            "{:?}",
            hit[0].help
        );
    }
    // Nothing is simulated, so nothing is capped.
    let mut opts = Options::default();
    opts.cluster.max_replicas_per_workload = 2;
    let (_, d) = sim_with(&[&paused], &opts);
    assert!(d.iter().all(|d| d.rule != "replicas-over-simulation-limit"), "{d:?}");
    // Paused at 0 replicas it would run none anyway: not a selector defect.
    let (_, d) = sim_with(&[&paused.replace("  replicas: 3\n", "  replicas: 0\n")], &Options::default());
    assert!(d.iter().all(|d| d.rule != "selector-matches-no-pods"), "{d:?}");
    // Not paused: the ReplicaSet and its pods.
    let c = sim(&[&WEB.replace("  replicas: 3\n", "  replicas: 3\n  paused: false\n")]);
    assert_eq!(c.pods.iter().filter(|p| p.namespace == "default").count(), 3);
}

fn node_ports_of(c: &Cluster, name: &str) -> Vec<Option<u16>> {
    c.service("default", name).expect(name).ports.iter().map(|p| p.node_port).collect()
}

#[test]
fn a_load_balancer_of_another_class_stays_pending() {
    let svc = |name: &str, extra: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: LoadBalancer\n{extra}  selector:\n    app: web\n  ports:\n    - port: 80\n---\n")
    };
    let text = [
        svc("plain", ""),
        svc("classed", "  loadBalancerClass: example.com/lb\n"),
        svc("asked", "  loadBalancerClass: example.com/lb\n  loadBalancerIP: 172.18.255.9\n"),
    ]
    .concat();
    let c = sim(&[&text]);
    let ips = |name: &str| c.service("default", name).expect(name).load_balancer_ips.len();
    assert_eq!((ips("plain"), ips("classed"), ips("asked")), (1, 0, 0));
}

#[test]
fn node_ports_follow_init_node_ports() {
    let svc = |name: &str, extra: &str, ports: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{extra}  selector:\n    app: web\n  ports:\n{ports}---\n")
    };
    let np = "  type: NodePort\n";
    let lb_no_alloc = "  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n";
    let text = [
        // The same `port` twice, each with its own nodePort: each keeps its own.
        svc("own", np, "    - {name: a, port: 80, nodePort: 30100}\n    - {name: b, port: 80, protocol: UDP, nodePort: 30101}\n"),
        // Only a port without a nodePort shares the one of its number, requested later or earlier.
        svc("share", np, "    - {name: a, port: 53}\n    - {name: b, port: 53, protocol: UDP, nodePort: 30053}\n    - {name: c, port: 53, protocol: SCTP}\n"),
        // No new nodePorts, but the requested ones are kept (also through findRequestedNodePort).
        svc(
            "keep",
            lb_no_alloc,
            "    - {name: a, port: 80, nodePort: 30007}\n    - {name: b, port: 81}\n    - {name: c, port: 81, protocol: UDP, nodePort: 30081}\n",
        ),
    ]
    .concat();
    let c = sim(&[&text]);
    assert_eq!(node_ports_of(&c, "own"), [Some(30100), Some(30101)]);
    assert_eq!(node_ports_of(&c, "share"), [Some(30053), Some(30053), Some(30053)]);
    assert_eq!(node_ports_of(&c, "keep"), [Some(30007), None, Some(30081)]);
    // Each of them is reserved: asking for it again is refused.
    for taken in [30101, 30007, 30081] {
        let other = svc("other", np, &format!("    - {{port: 80, nodePort: {taken}}}\n"));
        let (c, diags) = sim_with(&[&text, &other], &Options::default());
        assert!(c.service("default", "other").is_none(), "{taken}");
        assert!(diags.iter().any(|d| d.rule == "node-port-conflict"), "{taken}: {diags:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The EndpointSlice, allocator and DNS vectors of the spec, as fixtures.

use crate::yaml::Node;

fn t(n: &Node, path: &[&str]) -> String {
    n.path(path).and_then(Node::text).unwrap_or_default().to_string()
}

fn list(n: &Node, path: &[&str]) -> Vec<String> {
    n.path(path).and_then(Node::as_seq).unwrap_or(&[]).iter().filter_map(Node::text).map(str::to_owned).collect()
}

/// The answers for one name and type, sorted (DNS answers are a set).
fn records_named(c: &Cluster, name: &str, type_: &str) -> Vec<String> {
    let mut v: Vec<String> = c.dns_records().into_iter().filter(|r| r.name == name && r.type_ == type_).map(|r| r.data).collect();
    v.sort();
    v
}

/// A pod `client` in `default`, to trace from.
const CLIENT: &str = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec:\n  containers: [{name: c, image: nginx}]\n";

/// `kplay trace --from pod/<from> --to <to>` (`from` may be `namespace/name`).
fn trace_from(c: &Cluster, from: &str, to: &str) -> crate::proxy::trace::Trace {
    trace_in(c, from, to, crate::proxy::modes::Mode::Iptables)
}

/// [`trace_from`] in kube-proxy's `mode`.
fn trace_in(c: &Cluster, from: &str, to: &str, mode: crate::proxy::modes::Mode) -> crate::proxy::trace::Trace {
    use crate::proxy::trace::{trace, Destination, Source, TraceRequest};
    let (namespace, name) = match from.split_once('/') {
        Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
        None => (None, from.to_string()),
    };
    let input = crate::proxy::input::ProxyInput::from_cluster(c);
    let req = TraceRequest { mode, ..TraceRequest::new(Source::Pod { namespace, name }, Destination::parse(to).expect("dest")) };
    trace(&input, &req)
}

/// The detail of a trace's `dns` hop ("" without one).
fn dns_hop(t: &crate::proxy::trace::Trace) -> String {
    t.hops.iter().find(|h| h.kind == "dns").map(|h| h.detail.clone()).unwrap_or_default()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A Service and one Pod it selects; `pod_extra` is spliced into the Pod's top level.
fn svc_and_pod(svc_ports: &str, publish: bool, pod_meta: &str, pod_spec_ports: &str, pod_status: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  publishNotReadyAddresses: {publish}\n  selector:\n    app: x\n  ports:\n{svc_ports}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: x\n{pod_meta}spec:\n  containers:\n    - name: c\n      image: busybox:1.36\n{pod_spec_ports}{pod_status}"
    )
}

/// The options a vector runs with: the release its `kube_version` names (`"1.35"`, at the
/// vector's top level or in its `input`), else kplay's default release.
fn vector_options(v: &Node) -> Options {
    let version = v.get("kube_version").or_else(|| v.path(&["input", "kube_version"])).and_then(Node::text);
    let kube_version = version.map_or(crate::version::KubeVersion::DEFAULT, |s| {
        crate::version::KubeVersion::parse(s).unwrap_or_else(|e| panic!("kube_version {s}: {e}"))
    });
    Options { kube_version, ..Options::default() }
}

fn check_vector(v: &Node) {
    let id = t(v, &["id"]);
    let base = vector_options(v);
    let cat = t(v, &["category"]);
    let input = v.get("input").expect("input");
    let exp = v.get("expected").expect("expected");
    match cat.as_str() {
        "endpointslice_conditions" => {
            let pod = t(input, &["pod"]);
            let ready = if pod.contains("Ready=True") { "True" } else { "False" };
            let deleting = !pod.contains("not deleting");
            let publish = input.get("publishNotReadyAddresses").and_then(Node::as_bool).unwrap_or(false);
            let meta = if deleting { "  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n" } else { "" };
            let status = format!("status:\n  phase: Running\n  conditions:\n    - type: Ready\n      status: \"{ready}\"\n");
            let text = svc_and_pod("    - port: 80\n", publish, meta, "", &status);
            let (c, _) = sim_with(&[&text], &base);
            let ep = c.slices_of("default", "s").flat_map(|s| &s.endpoints).next().unwrap_or_else(|| panic!("{id}: no endpoint"));
            let want = |k: &str| exp.get(k).and_then(Node::as_bool);
            assert_eq!(ep.conditions.ready, want("ready"), "{id} ready");
            assert_eq!(ep.conditions.serving, want("serving"), "{id} serving");
            assert_eq!(ep.conditions.terminating, want("terminating"), "{id} terminating");
        }
        "endpointslice_addresses" => {
            let ips = list(input, &["podIPs"]);
            let status = format!(
                "status:\n  phase: Running\n  podIPs:\n{}",
                ips.iter().map(|ip| format!("    - ip: \"{ip}\"\n")).collect::<Vec<_>>().concat()
            );
            let families = list(input, &["ipFamilies"]);
            let mut text = svc_and_pod("    - port: 80\n", false, "", "", &status);
            let mut opts = base.clone();
            if !families.is_empty() {
                let fams = families.join(", ");
                text = text.replacen("spec:\n", &format!("spec:\n  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [{fams}]\n"), 1);
                opts.cluster.service_cidr_secondary = Some("fd00:10:96::/112".into());
                opts.cluster.cluster_cidr_v6 = Some("fd00:10:244::/56".into());
            }
            let (c, _) = sim_with(&[&text], &opts);
            let fam = t(input, &["slice_addressType"]);
            let got: Vec<String> = c
                .slices_of("default", "s")
                .filter(|s| s.address_type == fam)
                .flat_map(|s| &s.endpoints)
                .flat_map(|e| e.addresses.clone())
                .collect();
            assert_eq!(got, list(exp, &["addresses"]), "{id}");
        }
        "endpointslice_ports" if input.get("manifests").is_some() => check_slices(&id, input, exp, &base),
        "endpointslice_ports" => {
            let sp = input.get("service_port").expect("service_port");
            let mut svc_ports = format!("    - name: {}\n      protocol: {}\n", t(sp, &["name"]), t(sp, &["protocol"]));
            svc_ports.push_str(&format!("      port: {}\n", sp.get("port").and_then(Node::as_i64).unwrap_or(53)));
            svc_ports.push_str(&format!("      targetPort: {}\n", t(sp, &["targetPort"])));
            let mut pod_ports = String::new();
            for p in input.get("pod_container_ports").and_then(Node::as_seq).unwrap_or(&[]) {
                pod_ports.push_str(&format!(
                    "      ports:\n        - name: {}\n          containerPort: {}\n          protocol: {}\n",
                    t(p, &["name"]),
                    t(p, &["containerPort"]),
                    t(p, &["protocol"])
                ));
            }
            let text = svc_and_pod(&svc_ports, false, "", &pod_ports, "");
            let (c, _) = sim_with(&[&text], &base);
            let svc = c.service("default", "s").unwrap();
            let pod = c.pod("default", "p").unwrap();
            let got = crate::cluster::endpointslice::endpoint_ports(&svc.ports, pod);
            if let Some(one) = exp.get("endpoint_port") {
                assert_eq!(got.len(), 1, "{id}");
                assert_eq!(got[0].name.as_deref(), Some(t(one, &["name"]).as_str()), "{id}");
                assert_eq!(got[0].port, one.get("port").and_then(Node::as_i64), "{id}");
                assert_eq!(got[0].protocol.as_deref(), Some(t(one, &["protocol"]).as_str()), "{id}");
            } else {
                assert_eq!(got.len(), exp.get("endpoint_ports").and_then(Node::as_seq).map_or(0, <[Node]>::len), "{id}");
            }
        }
        "endpointslice_size" => {
            let n = input.get("ready_pods").and_then(Node::as_i64).unwrap();
            let mut opts = base.clone();
            opts.cluster.max_endpoints_per_slice = input.get("maxEndpointsPerSlice").and_then(Node::as_i64).unwrap() as usize;
            let text = format!("{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n", WEB.split("---").next().unwrap().replace("replicas: 3", &format!("replicas: {n}")));
            let (c, _) = sim_with(&[&text], &opts);
            let sizes: Vec<usize> = c.slices_of("default", "web").map(|s| s.endpoints.len()).collect();
            assert_eq!(sizes.len() as i64, exp.get("slices").and_then(Node::as_i64).unwrap(), "{id}");
            let want: Vec<usize> = match exp.get("slice_sizes").and_then(Node::as_seq) {
                Some(s) => s.iter().filter_map(Node::as_i64).map(|n| n as usize).collect(),
                None => vec![100, 100, 50],
            };
            assert_eq!(sizes, want, "{id}: fresh creation packs full slices");
        }
        "clusterip_bands" => {
            let p = super::net::Prefix::parse(&t(input, &["service_cidr"])).unwrap();
            let a = super::alloc::IpAllocator::new(p);
            assert_eq!(a.offset, exp.get("offset").and_then(Node::as_i64).unwrap() as u128, "{id}");
            let ((s0, s1), (d0, d1)) = a.bands();
            if a.offset > 0 || !list(exp, &["static_band"]).is_empty() {
                assert_eq!(vec![s0.to_string(), s1.to_string()], list(exp, &["static_band"]), "{id}");
            }
            assert_eq!(vec![d0.to_string(), d1.to_string()], list(exp, &["dynamic_band"]), "{id}");
            if exp.get("last_allocatable").is_some() {
                assert_eq!(d1.to_string(), t(exp, &["last_allocatable"]), "{id}");
            }
            // The `kubernetes` Service of a cluster with this CIDR gets network + 1.
            let mut opts = base.clone();
            opts.cluster.service_cidr = t(input, &["service_cidr"]);
            let (c, _) = sim_with(&[], &opts);
            assert_eq!(c.service("default", "kubernetes").unwrap().cluster_ips[0].to_string(), t(exp, &["kubernetes_service_ip"]), "{id}");
        }
        "nodeport_bands" => {
            let (a, b) = super::alloc::parse_port_range(&t(input, &["range"])).unwrap();
            let p = super::alloc::PortAllocator::new(a, b);
            assert_eq!(i64::from(p.offset), exp.get("offset").and_then(Node::as_i64).unwrap(), "{id}");
            let ((s0, s1), (d0, d1)) = p.bands();
            if p.offset > 0 || !t(exp, &["static_band"]).is_empty() {
                assert_eq!(format!("{s0}-{s1}"), t(exp, &["static_band"]), "{id}");
            }
            assert_eq!(format!("{d0}-{d1}"), t(exp, &["dynamic_band"]), "{id}");
        }
        "dns" => check_dns_vector(&id, input, exp, &base),
        "endpointslice_hints" => check_hints(&id, input, exp, &base),
        "kube_proxy_endpoints" => check_proxy_endpoints(&id, input, exp, &base),
        other => panic!("{id}: unexpected category {other}"),
    }
}

fn check_dns_vector(id: &str, input: &Node, exp: &Node, base: &Options) {
    let zone = input.get("zone").and_then(Node::text).unwrap_or("cluster.local").to_string();
    let mut opts = base.clone();
    opts.cluster.cluster_domain.clone_from(&zone);
    let ns = t(input, &["namespace"]);
    let case = t(input, &["case"]);
    if case.starts_with("A for ClusterIP") {
        let ip = t(input, &["clusterIP"]);
        opts.cluster.service_cidr = format!("{}/24", ip.rsplit_once('.').unwrap().0.to_string() + ".0");
        let (c, _) = sim_with(&[], &opts);
        let q = t(exp, &["query"]);
        let name = q.split_whitespace().next().unwrap().trim_end_matches('.');
        assert_eq!(records_named(&c, name, "A"), list(exp, &["answer"]), "{id}");
    } else if case.starts_with("A for headless") || case.starts_with("headless SRV") {
        // A selector-less headless Service with a user-supplied EndpointSlice.
        let svc = t(input, &["service"]);
        let (port_name, proto) = (t(input, &["port", "name"]), t(input, &["port", "protocol"]));
        let hostnames = list(input, &["endpoint_hostnames"]);
        let ips: Vec<String> = if hostnames.is_empty() {
            list(input, &["ready_endpoints"])
        } else {
            (1..=hostnames.len()).map(|i| format!("10.3.0.{i}")).collect()
        };
        let svc_ports = if port_name.is_empty() {
            String::new()
        } else {
            format!("  ports:\n    - name: {port_name}\n      protocol: {proto}\n      port: 443\n")
        };
        let mut eps = String::new();
        for (i, ip) in ips.iter().enumerate() {
            eps.push_str(&format!("  - addresses: [\"{ip}\"]\n    conditions:\n      ready: true\n"));
            if let Some(h) = hostnames.get(i) {
                eps.push_str(&format!("    hostname: {h}\n"));
            }
        }
        let slice_ports = if port_name.is_empty() {
            String::new()
        } else {
            format!("ports:\n  - name: {port_name}\n    protocol: {proto}\n    port: 443\n")
        };
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {svc}\n  namespace: {ns}\nspec:\n  clusterIP: None\n{svc_ports}---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {svc}-abcde\n  namespace: {ns}\n  labels:\n    kubernetes.io/service-name: {svc}\naddressType: IPv4\n{slice_ports}endpoints:\n{eps}"
        );
        let (c, _) = sim_with(&[&text], &opts);
        let q = t(exp, &["query"]);
        let mut parts = q.split_whitespace();
        let name = parts.next().unwrap().trim_end_matches('.');
        let qtype = parts.nth(1).unwrap();
        if qtype == "SRV" {
            let targets: Vec<String> = records_named(&c, name, "SRV").iter().map(|d| d.rsplit(' ').next().unwrap().to_string()).collect();
            assert_eq!(sorted(targets), sorted(list(exp, &["answer_targets"])), "{id}");
        } else {
            assert_eq!(records_named(&c, name, qtype), sorted(list(exp, &["answer"])), "{id}");
        }
    } else if case.starts_with("unnamed port") {
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {}\n  namespace: {ns}\nspec:\n  selector:\n    app: x\n  ports:\n    - port: {}\n",
            t(input, &["service"]),
            t(input, &["port", "port"])
        );
        let (c, _) = sim_with(&[&text], &opts);
        let srv: Vec<_> = c
            .dns_records()
            .into_iter()
            .filter(|r| r.type_ == "SRV" && r.name.ends_with(&format!("{}.{ns}.svc.{zone}", t(input, &["service"]))))
            .collect();
        assert_eq!(srv.len(), exp.get("srv_records").and_then(Node::as_seq).map_or(0, <[Node]>::len), "{id}");
    } else if case.starts_with("pod with subdomain") {
        let sub = t(input, &["pod", "subdomain"]);
        let svc = t(input, &["headless_service"]);
        let text = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {svc}\n  namespace: {ns}\nspec:\n  clusterIP: None\n  selector:\n    app: x\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: {ns}\n  labels:\n    app: x\nspec:\n  subdomain: {sub}\n  containers:\n    - name: c\n      image: busybox:1.36\n"
        );
        let (c, _) = sim_with(&[&text], &opts);
        let pod_ip = c.pod(&ns, "p").unwrap().ip().unwrap().to_string();
        let included = t(exp, &["included_in"]);
        assert_eq!(records_named(&c, &included, "A"), vec![pod_ip.clone()], "{id}");
        // No record of the pod's own under the subdomain except the address-derived one.
        let own: Vec<_> = c
            .dns_records()
            .into_iter()
            .filter(|r| r.name.ends_with(&format!(".{included}")) && !r.name.starts_with(&super::dns::dashed(&pod_ip)))
            .collect();
        assert!(own.is_empty() && exp.get("per_pod_record").is_some_and(Node::is_null), "{id}: {own:?}");
    } else if case.starts_with("SRV owner name") {
        let text = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\n  namespace: {ns}\nspec:\n  selector:\n    app: x\n  ports:\n    - name: {}\n      protocol: {}\n      port: 5432\n",
            t(input, &["service"]),
            t(input, &["port_name"]),
            t(input, &["protocol"])
        );
        let (c, _) = sim_with(&[&text], &opts);
        let srv = t(exp, &["srv_name"]);
        let a = t(exp, &["a_name"]);
        assert_eq!(records_named(&c, &srv, "SRV"), vec![format!("0 100 5432 {a}.")], "{id}");
        assert_eq!(records_named(&c, &a, "A").len(), 1, "{id}");
    } else if case.starts_with("records") {
        let (c, _) = sim_with(&[&t(input, &["manifests"])], &opts);
        for r in exp.get("records").and_then(Node::as_seq).expect("records") {
            let (name, type_) = (t(r, &["name"]), t(r, &["type"]));
            assert_eq!(records_named(&c, &name, &type_), sorted(list(r, &["data"])), "{id}: {name} {type_}");
        }
    } else {
        panic!("{id}: unhandled DNS case {case}");
    }
}

/// The slices of Service `input.service` after applying `input.manifests`, as a sorted list
/// of `(address type, ports "name:port/proto" in slice order, pod names sorted)`.
fn check_slices(id: &str, input: &Node, exp: &Node, base: &Options) {
    let (c, _) = sim_with(&[&t(input, &["manifests"])], base);
    // `ports_in_order: true` compares the ports in the order the slice lists them.
    let in_order = exp.get("ports_in_order").and_then(Node::as_bool).unwrap_or(false);
    let ns = input.get("namespace").and_then(Node::text).unwrap_or("default");
    let mut got: Vec<(Vec<String>, Vec<String>)> = c
        .slices_of(ns, &t(input, &["service"]))
        .map(|s| {
            let mut ports: Vec<String> = s
                .ports
                .iter()
                .map(|p| format!("{}:{}/{}", p.name.as_deref().unwrap_or(""), p.port.unwrap_or(0), p.protocol.as_deref().unwrap_or("")))
                .collect();
            if !in_order {
                ports.sort();
            }
            let pods = sorted(s.endpoints.iter().filter_map(|e| e.target_ref.as_ref().map(|r| r.name.clone())).collect());
            (ports, pods)
        })
        .collect();
    got.sort();
    let mut want: Vec<(Vec<String>, Vec<String>)> = exp
        .get("slices")
        .and_then(Node::as_seq)
        .expect("slices")
        .iter()
        .map(|s| (if in_order { list(s, &["ports"]) } else { sorted(list(s, &["ports"])) }, sorted(list(s, &["pods"]))))
        .collect();
    want.sort();
    assert_eq!(got, want, "{id}");
}

/// The topology hints of Service `input.service`'s endpoints after applying `input.manifests`:
/// `expected.endpoints` lists `{pod, forZones, forNodes}` (missing lists are empty).
fn check_hints(id: &str, input: &Node, exp: &Node, base: &Options) {
    let (c, _) = sim_with(&[&t(input, &["manifests"])], base);
    let ns = input.get("namespace").and_then(Node::text).unwrap_or("default");
    let mut got: Vec<(String, Vec<String>, Vec<String>)> = c
        .slices_of(ns, &t(input, &["service"]))
        .flat_map(|s| &s.endpoints)
        .map(|e| (e.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_default(), e.for_zones.clone(), e.for_nodes.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(String, Vec<String>, Vec<String>)> = exp
        .get("endpoints")
        .and_then(Node::as_seq)
        .expect("endpoints")
        .iter()
        .map(|e| (t(e, &["pod"]), list(e, &["forZones"]), list(e, &["forNodes"])))
        .collect();
    want.sort();
    assert_eq!(got, want, "{id}");
}

/// The endpoints kube-proxy reads for `input.service`'s port `input.port_name` (default "")
/// after applying `input.manifests` (pkg/proxy/endpointslicecache.go: joined by port name and
/// protocol, one per `ip:port`): `expected.endpoints` lists `{address: ip:port, ready,
/// serving, terminating, node}` in kube-proxy's `ip:port` order; omitted fields are not checked.
fn check_proxy_endpoints(id: &str, input: &Node, exp: &Node, base: &Options) {
    let (c, _) = sim_with(&[&t(input, &["manifests"])], base);
    let proxy = crate::proxy::input::ProxyInput::from_cluster(&c);
    let ns = input.get("namespace").and_then(Node::text).unwrap_or("default");
    let (name, port) = (t(input, &["service"]), t(input, &["port_name"]));
    let svc = proxy
        .services
        .iter()
        .find(|s| s.namespace == ns && s.name == name && s.port_name == port)
        .unwrap_or_else(|| panic!("{id}: no service port {ns}/{name}:{port}"));
    let got = svc.sorted_endpoints();
    let want = exp.get("endpoints").and_then(Node::as_seq).expect("endpoints");
    assert_eq!(got.iter().map(|e| e.addr()).collect::<Vec<_>>(), want.iter().map(|w| t(w, &["address"])).collect::<Vec<_>>(), "{id}");
    for (e, w) in got.iter().zip(want) {
        for (key, value) in [("ready", e.ready), ("serving", e.serving), ("terminating", e.terminating)] {
            if let Some(b) = w.get(key).and_then(Node::as_bool) {
                assert_eq!(value, b, "{id}: {} {key}", e.addr());
            }
        }
        if let Some(n) = w.get("node").and_then(Node::text) {
            assert_eq!(e.node_name.as_deref(), Some(n), "{id}: {} node", e.addr());
        }
    }
}

#[test]
fn vectors_from_the_spec() {
    let text = include_str!("../../../../tests/fixtures/cluster/routing-vectors.yaml");
    let file = SourceFile::new("routing-vectors.yaml", text);
    let loaded = crate::yaml::load_file(0, &file, &crate::yaml::Limits::default());
    let root = loaded.docs[0].root.as_ref().expect("document");
    let vectors = root.get("vectors").and_then(Node::as_seq).expect("vectors");
    assert!(vectors.len() >= 18);
    for v in vectors {
        check_vector(v);
    }
    // The vectors derived from Kubernetes' own tests.
    let text = include_str!("../../../../tests/fixtures/cluster/k8s-routing-vectors.yaml");
    let file = SourceFile::new("k8s-routing-vectors.yaml", text);
    let loaded = crate::yaml::load_file(0, &file, &crate::yaml::Limits::default());
    let root = loaded.docs[0].root.as_ref().expect("document");
    let vectors = root.get("vectors").and_then(Node::as_seq).expect("vectors");
    assert!(vectors.len() >= 20);
    let failed: Vec<String> =
        vectors.iter().filter(|v| std::panic::catch_unwind(|| check_vector(v)).is_err()).map(|v| t(v, &["id"])).collect();
    assert!(failed.is_empty(), "failed vectors: {failed:?}");
}

#[test]
fn pods_with_only_generate_name_get_a_name_and_run() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: worker-\n  labels:\n    app: worker\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: worker\nspec:\n  selector:\n    app: worker\n  ports:\n  - port: 80\n";
    let text = format!("{pod}---\n{pod}---\n{svc}");
    let (c, diags) = sim_with(&[&text], &Options::default());
    assert!(diags.iter().all(|d| d.rule != "selector-matches-no-pods"), "{diags:#?}");
    let names: Vec<&str> =
        c.pods.iter().filter(|p| p.namespace == "default" && p.name.starts_with("worker-")).map(|p| p.name.as_str()).collect();
    // Two creates, two names: the prefix and 5 characters of the name generator's alphabet.
    assert_eq!(names.len(), 2, "{names:?}");
    assert_ne!(names[0], names[1]);
    for n in &names {
        assert_eq!(n.len(), "worker-".len() + 5);
        assert!(n["worker-".len()..].bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)), "{n}");
    }
    // The same input gives the same names.
    let again = sim(&[&text]);
    let again: Vec<&str> = again.pods.iter().filter(|p| p.name.starts_with("worker-")).map(|p| p.name.as_str()).collect();
    assert_eq!(names, again);
}

#[test]
fn a_replication_controller_runs_its_pods_behind_a_service() {
    // The selector defaults to the template's labels (`SetDefaults_ReplicationController`).
    let rc = "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: nginx\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n";
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n";
    let (c, diags) = sim_with(&[rc, svc], &Options::default());
    assert!(diags.iter().all(|d| d.severity != crate::Severity::Error && d.rule != "selector-matches-no-pods"), "{diags:#?}");
    let pods: Vec<&Pod> = c.pods.iter().filter(|p| p.namespace == "default").collect();
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p.name.starts_with("nginx-") && p.owner.as_ref().is_some_and(|o| o.kind == "ReplicationController")));
    let slice = c.endpoint_slices.iter().find(|s| s.service.as_deref() == Some("nginx")).expect("a slice");
    assert_eq!(slice.endpoints.len(), 2);
}

#[test]
fn tainted_nodes_take_only_pods_that_tolerate_the_taint() {
    use crate::cluster::{NodeDescription, Taint};
    let mut opts = Options::default();
    let cp = NodeDescription {
        name: Some("control-plane".into()),
        labels: [("node-role.kubernetes.io/control-plane".to_string(), String::new())].into(),
        taints: vec![Taint { key: "node-role.kubernetes.io/control-plane".into(), value: String::new(), effect: "NoSchedule".into() }],
        ..NodeDescription::default()
    };
    opts.cluster.nodes = vec![cp, NodeDescription { name: Some("worker".into()), ..NodeDescription::default() }];
    // Pinned to the control plane without a toleration: Pending, with the scheduler's reason.
    let pinned = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: addon\nspec:\n  nodeSelector:\n    node-role.kubernetes.io/control-plane: \"\"\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    let (c, diags) = sim_with(&[pinned], &opts);
    let p = c.pods.iter().find(|p| p.name == "addon").unwrap();
    assert!(p.node.is_none());
    let d = diags.iter().find(|d| d.rule == "pod-unschedulable").expect("reported");
    assert!(d.message.contains("1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"), "{}", d.message);
    assert!(d.message.contains("1 node(s) didn't match Pod's node affinity/selector"), "{}", d.message);
    // With the toleration it runs there.
    let tolerated = pinned.replace(
        "  containers:",
        "  tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n  containers:",
    );
    let (c, diags) = sim_with(&[&tolerated], &opts);
    assert_eq!(c.pods.iter().find(|p| p.name == "addon").unwrap().node.as_deref(), Some("control-plane"));
    assert!(diags.iter().all(|d| d.rule != "pod-unschedulable"));
    // Unpinned pods avoid the tainted node; a DaemonSet without the toleration skips it.
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: a\n        image: busybox:1.36\n";
    let (c, _) = sim_with(&[ds, WEB], &opts);
    assert!(
        c.pods.iter().filter(|p| p.namespace == "default").all(|p| p.node.as_deref() == Some("worker")),
        "{:?}",
        c.pods.iter().map(|p| (&p.name, &p.node)).collect::<Vec<_>>()
    );
}

#[test]
fn pods_are_scheduled_in_the_order_of_the_objects_that_make_them() {
    let mut opts = Options::default();
    opts.cluster.node_count = 1;
    // CoreDNS's two pods, then room for two more.
    opts.cluster.max_pods_per_node = 4;
    let bare = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    let (c, _) = sim_with(&[&format!("{bare}---\n{WEB}")], &opts);
    let first = c.pods.iter().find(|p| p.name == "first").unwrap();
    assert!(first.node.is_some(), "the Pod listed first is created and bound first");
    let web: Vec<_> = c.pods.iter().filter(|p| p.name.starts_with("web-")).collect();
    assert_eq!(web.iter().filter(|p| p.node.is_some()).count(), 1, "one pod of the Deployment finds room");
    // Listed after the Deployment, the bare Pod is the one left Pending.
    let (c, _) = sim_with(&[&format!("{WEB}---\n{bare}")], &opts);
    assert!(c.pods.iter().find(|p| p.name == "first").unwrap().node.is_none());
}

#[test]
fn daemonset_pods_tolerate_the_node_condition_taints_their_controller_adds() {
    use crate::cluster::{NodeDescription, Taint};
    let mut opts = Options::default();
    let cordoned = NodeDescription {
        name: Some("cordoned".into()),
        taints: vec![Taint { key: "node.kubernetes.io/unschedulable".into(), value: String::new(), effect: "NoSchedule".into() }],
        ..NodeDescription::default()
    };
    opts.cluster.nodes = vec![cordoned, NodeDescription { name: Some("worker".into()), ..NodeDescription::default() }];
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: a\n        image: busybox:1.36\n";
    let (c, _) = sim_with(&[ds, WEB], &opts);
    let on = |prefix: &str| -> Vec<String> {
        let mut v: Vec<String> = c.pods.iter().filter(|p| p.name.starts_with(prefix)).filter_map(|p| p.node.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(on("agent-"), ["cordoned", "worker"], "AddOrUpdateDaemonPodTolerations tolerates unschedulable");
    assert!(on("web-").iter().all(|n| n == "worker"), "a Deployment's pods avoid the cordoned node");
}

#[test]
fn daemonset_pods_store_the_tolerations_their_controller_adds() {
    // `AddOrUpdateDaemonPodTolerations`: a matching toleration with `tolerationSeconds` is
    // replaced in place, the others appended; `network-unavailable` only on the host network;
    // DefaultTolerationSeconds then adds nothing (not-ready and unreachable are tolerated).
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      HOST\n      tolerations:\n      - key: node.kubernetes.io/unreachable\n        operator: Exists\n        effect: NoExecute\n        tolerationSeconds: 60\n      - key: dedicated\n        operator: Exists\n      containers:\n      - name: a\n        image: busybox:1.36\n";
    for (host, last) in
        [("hostNetwork: true", "node.kubernetes.io/network-unavailable"), ("hostNetwork: false", "node.kubernetes.io/unschedulable")]
    {
        let c = sim(&[&ds.replace("HOST", host)]);
        let pod = c.pods.iter().find(|p| p.name.starts_with("agent-")).expect("a pod");
        let spec = pod.stored_spec.as_ref().expect("stored").for_pod(&pod.name);
        let tolerations = spec.get("tolerations").and_then(crate::yaml::Node::as_seq).expect("tolerations");
        let keys: Vec<&str> = tolerations.iter().filter_map(|t| t.get("key").and_then(crate::yaml::Node::as_str)).collect();
        assert_eq!(keys[..3], ["node.kubernetes.io/unreachable", "dedicated", "node.kubernetes.io/not-ready"], "{host}");
        assert_eq!(keys.last(), Some(&last), "{host}");
        assert_eq!(keys.len(), if host.ends_with("true") { 8 } else { 7 });
        assert!(tolerations[0].get("tolerationSeconds").is_none(), "replaced by the controller's");
        assert!(tolerations.iter().all(|t| t.get("tolerationSeconds").is_none()), "DefaultTolerationSeconds adds nothing");
    }
}

#[test]
fn the_scheduler_says_why_no_node_takes_a_pod() {
    // Full nodes: NodeResourcesFit's "Too many pods".
    let mut opts = Options::default();
    opts.cluster.node_count = 1;
    opts.cluster.max_pods_per_node = 3;
    let (_, diags) = sim_with(&[WEB], &opts);
    let d = diags.iter().find(|d| d.rule == "pod-unschedulable").expect("reported");
    // FitError.Error(): the histogram ends with "."; DefaultPreemption found no pod of lower
    // priority on the node (the two CoreDNS pods are system-cluster-critical).
    assert!(
        d.message.contains(
            "(0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.)"
        ),
        "{}",
        d.message
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("the nodes are full")), "{:?}", d.help);
    // Down nodes carry the unreachable taint, which no pod tolerates for scheduling.
    let mut opts = Options::default();
    opts.cluster.overrides.nodes_down = vec!["node-1".into(), "node-2".into(), "node-3".into()];
    let (_, diags) = sim_with(&[WEB], &opts);
    let d = diags.iter().find(|d| d.rule == "pod-unschedulable").expect("reported");
    assert!(
        d.message.contains(
            "(0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.)"
        ),
        "{}",
        d.message
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("the nodes are down")), "{:?}", d.help);
}

/// A Deployment `name` of `replicas` pods labelled `app: web` (and `labels`), with one
/// `DoNotSchedule` zone constraint (maxSkew 1, selecting `app: web`) plus `constraint` lines,
/// and `spec` lines in the pod spec.
fn spread_deployment(name: &str, replicas: usize, labels: &str, constraint: &str, spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n      name: {name}\n  template:\n    metadata:\n      labels:\n        app: web\n        name: {name}\n{labels}    spec:\n{spec}      topologySpreadConstraints:\n      - maxSkew: 1\n        topologyKey: topology.kubernetes.io/zone\n        whenUnsatisfiable: DoNotSchedule\n        labelSelector:\n          matchLabels:\n            app: web\n{constraint}      containers:\n      - name: web\n        image: nginx:1.27\n"
    )
}

fn nodes_of(c: &Cluster, prefix: &str) -> Vec<Option<String>> {
    c.pods.iter().filter(|p| p.name.starts_with(prefix)).map(|p| p.node.clone()).collect()
}

fn unschedulable(diags: &[crate::Diagnostic]) -> Vec<&crate::Diagnostic> {
    diags.iter().filter(|d| d.rule == "pod-unschedulable").collect()
}

#[test]
fn the_spread_filter_refuses_nodes_past_max_skew() {
    // Two of three zones down: their nodes stay domains (nodeTaintsPolicy Ignore), with 0 pods,
    // so zone-a takes one pod (0 + 1 - 0 = 1) and no second (1 + 1 - 0 > 1).
    let mut opts = Options::default();
    opts.cluster.overrides.nodes_down = vec!["node-2".into(), "node-3".into()];
    let web = spread_deployment("web", 3, "", "", "");
    let (c, diags) = sim_with(&[&web], &opts);
    let placed: Vec<_> = nodes_of(&c, "web-").into_iter().flatten().collect();
    assert_eq!(placed, ["node-1"]);
    let d = unschedulable(&diags);
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(
        d[0].message.contains(
            "(0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.)"
        ),
        "{}",
        d[0].message
    );
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(help.contains("topology spread constraint on `topology.kubernetes.io/zone` (`maxSkew: 1`)"), "{help}");
    // The primary span is the refusing constraint's `maxSkew`.
    let at = d[0].primary.span.start as usize;
    assert!(web[at..].starts_with("maxSkew: 1"), "{}", &web[at..at + 20]);
    // nodeTaintsPolicy Honor leaves the down (tainted) nodes out: one domain, no skew.
    let honor = spread_deployment("web", 3, "", "        nodeTaintsPolicy: Honor\n", "");
    let (c, diags) = sim_with(&[&honor], &opts);
    assert_eq!(nodes_of(&c, "web-"), vec![Some("node-1".to_string()); 3]);
    assert!(unschedulable(&diags).is_empty(), "{diags:#?}");
    // Without constraints, the same nodes take all the pods.
    let (c, _) = sim_with(&[WEB], &opts);
    assert_eq!(nodes_of(&c, "web-"), vec![Some("node-1".to_string()); 3]);
}

#[test]
fn an_empty_label_selector_counts_no_pod() {
    // `labelSelector: {}` selects every pod, yet the filter counts none (only the pod itself
    // matches): with minDomains 4 over three zones every pod still runs.
    let web = spread_deployment("web", 4, "", "        minDomains: 4\n", "")
        .replace("        labelSelector:\n          matchLabels:\n            app: web\n", "        labelSelector: {}\n");
    assert!(web.contains("labelSelector: {}"));
    let (c, diags) = sim_with(&[&web], &Options::default());
    assert!(nodes_of(&c, "web-").iter().all(Option::is_some), "{:?}", nodes_of(&c, "web-"));
    assert!(unschedulable(&diags).is_empty());
}

#[test]
fn min_domains_counts_the_minimum_as_zero_while_domains_are_missing() {
    // Three zones, minDomains 4: every zone takes one pod, the fourth stays Pending.
    let web = spread_deployment("web", 4, "", "        minDomains: 4\n", "");
    let (c, diags) = sim_with(&[&web], &Options::default());
    let mut placed: Vec<_> = nodes_of(&c, "web-").into_iter().flatten().collect();
    placed.sort();
    assert_eq!(placed, ["node-1", "node-2", "node-3"]);
    let d = unschedulable(&diags);
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.contains("1 of its 4 pods cannot be scheduled and stay Pending (0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.)"),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().is_some_and(|h| h.contains("minDomains")), "{:?}", d[0].help);
    // minDomains 3 (as many zones as there are): the usual minimum, all four run.
    let web = spread_deployment("web", 4, "", "        minDomains: 3\n", "");
    let (c, diags) = sim_with(&[&web], &Options::default());
    assert!(nodes_of(&c, "web-").iter().all(Option::is_some));
    assert!(unschedulable(&diags).is_empty());
}

#[test]
fn node_affinity_policy_decides_which_zones_count() {
    let select = "      nodeSelector:\n        topology.kubernetes.io/zone: zone-a\n";
    // Honor (the default): only zone-a is a domain, so all pods go there.
    let honor = spread_deployment("web", 2, "", "", select);
    let (c, diags) = sim_with(&[&honor], &Options::default());
    assert_eq!(nodes_of(&c, "web-"), vec![Some("node-1".to_string()); 2]);
    assert!(unschedulable(&diags).is_empty(), "{diags:#?}");
    // Ignore: zone-b and zone-c count with 0 pods, so zone-a takes only one.
    let ignore = spread_deployment("web", 2, "", "        nodeAffinityPolicy: Ignore\n", select);
    let (c, diags) = sim_with(&[&ignore], &Options::default());
    assert_eq!(nodes_of(&c, "web-").iter().flatten().count(), 1);
    let d = unschedulable(&diags);
    assert!(
        d[0].message.contains("(0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.)"),
        "{}",
        d[0].message
    );
}

#[test]
fn match_label_keys_count_only_pods_with_the_same_values() {
    // Each Deployment's pods carry their own pod-template-hash. Both are kept to zone-a with
    // zone-b and zone-c counted (nodeAffinityPolicy Ignore), so zone-a holds one matching pod.
    let select = "      nodeSelector:\n        topology.kubernetes.io/zone: zone-a\n";
    let ignore = "        nodeAffinityPolicy: Ignore\n";
    let v1 = spread_deployment("v1", 1, "", ignore, select);
    // Counted with v1's pod: refused.
    let v2 = spread_deployment("v2", 1, "", ignore, select);
    let (c, _) = sim_with(&[&v1, &v2], &Options::default());
    assert_eq!(nodes_of(&c, "v1-").iter().flatten().count(), 1);
    assert_eq!(nodes_of(&c, "v2-").iter().flatten().count(), 0);
    // With `matchLabelKeys: [pod-template-hash]`, v1's pod has another hash: not counted.
    let keys = format!("{ignore}        matchLabelKeys:\n        - pod-template-hash\n");
    let v2 = spread_deployment("v2", 1, "", &keys, select);
    let (c, diags) = sim_with(&[&v1, &v2], &Options::default());
    assert_eq!(nodes_of(&c, "v2-").iter().flatten().count(), 1, "{diags:#?}");
    // A key the pod does not have adds nothing.
    let keys = format!("{ignore}        matchLabelKeys:\n        - track\n");
    let v2 = spread_deployment("v2", 1, "", &keys, select);
    let (c, _) = sim_with(&[&v1, &v2], &Options::default());
    assert_eq!(nodes_of(&c, "v2-").iter().flatten().count(), 0);
    // The pod's own `track` value: v1's pod (track: a) is not counted for track: b.
    let v1 = spread_deployment("v1", 1, "        track: a\n", ignore, select);
    let v2 = spread_deployment("v2", 1, "        track: b\n", &keys, select);
    let (c, _) = sim_with(&[&v1, &v2], &Options::default());
    assert_eq!(nodes_of(&c, "v2-").iter().flatten().count(), 1);
}

#[test]
fn terminating_pods_do_not_count_for_the_spread() {
    // A pod being deleted on node-1 (zone-a) is skipped by countPodsMatchSelector.
    let mut opts = Options::default();
    opts.cluster.overrides.nodes_down = vec!["node-2".into(), "node-3".into()];
    let old = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: old\n  labels:\n    app: web\n  deletionTimestamp: \"2024-01-01T00:00:00Z\"\nspec:\n  nodeName: node-1\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    let web = spread_deployment("web", 1, "", "", "");
    let (c, _) = sim_with(&[old, &web], &opts);
    assert_eq!(nodes_of(&c, "web-"), [Some("node-1".to_string())]);
    // Not being deleted, it counts: the Deployment's pod is refused.
    let (c, _) = sim_with(&[&old.replace("  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n", ""), &web], &opts);
    assert_eq!(nodes_of(&c, "web-"), [None]);
}

const PRIORITY_CLASSES: &str = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: polite\nvalue: 1000\npreemptionPolicy: Never\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: top\nvalue: 2000\n";

fn bare_pod(name: &str, class: &str, extra: &str) -> String {
    let class = if class.is_empty() { String::new() } else { format!("  priorityClassName: {class}\n") };
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{class}  containers:\n  - name: c\n    image: nginx:1.27\n{extra}"
    )
}

#[test]
fn the_preemption_part_of_the_message_follows_default_preemption() {
    // One node with room for the two CoreDNS pods and one more.
    let mut opts = Options::default();
    opts.cluster.node_count = 1;
    opts.cluster.max_pods_per_node = 3;
    let message = |texts: &[&str], pod: &str| -> String {
        let (c, diags) = sim_with(texts, &opts);
        assert!(c.pods.iter().find(|p| p.name == pod).is_some_and(|p| p.node.is_none()), "{pod} is Pending");
        let d = unschedulable(&diags).into_iter().find(|d| d.message.starts_with(&format!("pod/{pod}:"))).expect("reported").clone();
        d.message
    };
    let low = bare_pod("low", "", "");
    // Of equal priority: no victims.
    let same = bare_pod("same", "", "");
    let m = message(&[&low, &same], "same");
    assert!(m.ends_with("(0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.)"), "{m}");
    // Before 1.34 dynamic resource allocation is off by default: DefaultPreemption's part alone.
    let mut old = opts.clone();
    old.kube_version = crate::version::KubeVersion::new(33);
    let (_, diags) = sim_with(&[&low, &same], &old);
    let d = unschedulable(&diags).into_iter().find(|d| d.message.starts_with("pod/same:")).expect("reported");
    assert!(
        d.message.ends_with("1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.)"),
        "{}",
        d.message
    );
    // preemptionPolicy Never (from the class): not eligible.
    let polite = bare_pod("polite", "polite", "");
    let m = message(&[PRIORITY_CLASSES, &low, &polite], "polite");
    assert!(m.ends_with("(0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.)"), "{m}");
    // A victim whose eviction makes room: the scheduler preempts it, so no preemption part;
    // the help says what kplay leaves out.
    let high = bare_pod("high", "high", "");
    let (_, diags) = sim_with(&[PRIORITY_CLASSES, &low, &high], &opts);
    let d = unschedulable(&diags).into_iter().find(|d| d.message.starts_with("pod/high:")).expect("reported");
    assert!(d.message.ends_with("(0/1 nodes are available: 1 Too many pods.)"), "{}", d.message);
    assert!(d.help.as_deref().is_some_and(|h| h.contains("would preempt pods of lower priority")), "{:?}", d.help);
    // A victim whose eviction does not help: the host port is held by a pod of higher priority.
    let mut opts2 = Options::default();
    opts2.cluster.node_count = 1;
    let port = "    ports:\n    - containerPort: 80\n      hostPort: 80\n";
    let texts = [PRIORITY_CLASSES, &bare_pod("top", "top", port), &bare_pod("low", "", ""), &bare_pod("high", "high", port)];
    let (_, diags) = sim_with(&texts, &opts2);
    let d = unschedulable(&diags).into_iter().find(|d| d.message.starts_with("pod/high:")).expect("reported");
    assert!(
        d.message.ends_with("(0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. no new claims to deallocate, preemption: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.)"),
        "{}",
        d.message
    );
    // Unresolvable everywhere: preemption does not help.
    let lost = bare_pod("lost", "high", "  nodeSelector:\n    disk: ssd\n");
    let (_, diags) = sim_with(&[PRIORITY_CLASSES, &lost], &opts2);
    let d = unschedulable(&diags).into_iter().next().expect("reported");
    assert!(
        d.message.ends_with("(0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.)"),
        "{}",
        d.message
    );
}

#[test]
fn no_nodes_is_not_a_fit_error() {
    let mut opts = Options::default();
    opts.cluster.node_count = 0;
    let (_, diags) = sim_with(&[&bare_pod("p", "", "")], &opts);
    let d = unschedulable(&diags);
    assert!(d[0].message.ends_with("(no nodes available to schedule pods)"), "{}", d[0].message);
}

/// Nodes `a`, `sandbox` (labelled `runtime: kata`, with the given taints) and `b`.
fn sandbox_cluster(taints: Vec<crate::cluster::Taint>) -> Options {
    use crate::cluster::NodeDescription;
    let mut opts = Options::default();
    let sandbox = NodeDescription {
        name: Some("sandbox".into()),
        labels: [("runtime".to_string(), "kata".to_string())].into(),
        taints,
        ..NodeDescription::default()
    };
    let plain = |n: &str| NodeDescription { name: Some(n.into()), ..NodeDescription::default() };
    opts.cluster.nodes = vec![plain("a"), sandbox, plain("b")];
    opts
}

#[test]
fn a_runtime_class_sends_pods_to_its_nodes_with_its_tolerations() {
    use crate::cluster::{NodeDescription, Taint};
    let mut opts = sandbox_cluster(vec![Taint { key: "sandbox".into(), value: String::new(), effect: "NoSchedule".into() }]);
    let plain = |n: &str| NodeDescription { name: Some(n.into()), ..NodeDescription::default() };
    let rc = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata\nhandler: kata\nscheduling:\n  nodeSelector:\n    runtime: kata\n  tolerations:\n  - key: sandbox\n    operator: Exists\n    effect: NoSchedule\n";
    let web = WEB.replace("    spec:\n      containers:", "    spec:\n      runtimeClassName: kata\n      containers:");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: one\nspec:\n  runtimeClassName: kata\n  containers:\n  - name: c\n    image: nginx:1.27\n";
    let (c, diags) = sim_with(&[rc, &web, pod], &opts);
    let nodes: Vec<Option<&str>> =
        c.pods.iter().filter(|p| p.name == "one" || p.name.starts_with("web-")).map(|p| p.node.as_deref()).collect();
    assert_eq!(nodes.len(), 4);
    // The class's node selector sends every pod to the tainted node, which its toleration allows.
    assert!(nodes.iter().all(|n| *n == Some("sandbox")), "{nodes:?}");
    assert!(diags.iter().all(|d| d.rule != "pod-unschedulable"), "{diags:?}");
    // Without such a node the pods stay Pending, and the diagnostic names the class.
    opts.cluster.nodes = vec![plain("a"), plain("b")];
    let (c, diags) = sim_with(&[rc, &web], &opts);
    assert!(c.pods.iter().filter(|p| p.name.starts_with("web-")).all(|p| p.node.is_none()));
    let d = diags.iter().find(|d| d.rule == "pod-unschedulable").expect("reported");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("the RuntimeClass `kata` adds `runtime: kata`")), "{:?}", d.help);
    let at = d.primary.span;
    assert_eq!(&web[at.start as usize..at.end as usize], "runtimeClassName", "{at:?}");
}

#[test]
fn a_daemonset_whose_runtime_class_selects_some_nodes_leaves_pods_pending_on_the_others() {
    let opts = sandbox_cluster(Vec::new());
    let rc = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata\nhandler: kata\nscheduling:\n  nodeSelector:\n    runtime: kata\n";
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      runtimeClassName: kata\n      containers:\n      - name: a\n        image: busybox:1.36\n";
    let (c, diags) = sim_with(&[rc, ds], &opts);
    // The controller makes a pod for every node (it reads the template); the class's selector,
    // added at admission, lets only the labelled node's pod run. Each pod's `matchFields`
    // leaves the scheduler one candidate, its own node.
    let mut pods: Vec<(Option<String>, bool)> =
        c.pods.iter().filter(|p| p.name.starts_with("agent-")).map(|p| (p.node.clone(), p.ready)).collect();
    pods.sort();
    assert_eq!(pods, [(None, false), (None, false), (Some("sandbox".to_string()), true)]);
    let d = unschedulable(&diags);
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(
        d[0].message.contains("daemonset/agent: 2 of its 3 pods cannot be scheduled and stay Pending (0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().is_some_and(|h| h.contains("RuntimeClass `kata`")), "{:?}", d[0].help);
}

// ---------------------------------------------------------------------------------------------
// The allocation phase across Services (`allocateCreate`, which `BeginCreate` runs before
// validation).

fn service(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{spec}---\n")
}

/// `(service name, rule, field, type, message)` of every diagnostic about a Service, errors only.
fn service_errors(diags: &[crate::Diagnostic]) -> Vec<(String, String, String, String, String)> {
    diags
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .filter_map(|d| {
            let k = d.kubernetes.as_ref()?;
            let name = d.object.as_ref().and_then(|o| o.name.clone()).unwrap_or_default();
            Some((name, d.rule.to_string(), k.field.clone(), k.error_type.as_str().to_string(), d.message.clone()))
        })
        .collect()
}

fn row(name: &str, rule: &str, field: &str, type_: &str, message: &str) -> (String, String, String, String, String) {
    (name.into(), rule.into(), field.into(), type_.into(), message.into())
}

#[test]
fn conflicts_with_other_services_are_reported_as_the_allocators_report_them() {
    let text = [
        service("a", "  type: NodePort\n  clusterIP: 10.96.0.50\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
        service("b", "  clusterIP: 10.96.0.50\n  ports:\n  - {port: 80}\n"),
        service("c", "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
        service("d", "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30080\n  ports:\n  - {port: 80}\n"),
    ]
    .concat();
    let (c, diags) = sim_with(&[&text], &Options::default());
    assert_eq!(
        service_errors(&diags),
        [
            row(
                "b",
                "cluster-ip-conflict",
                "spec.clusterIPs",
                "Invalid",
                "Invalid value: [\"10.96.0.50\"]: failed to allocate IP 10.96.0.50: provided IP is already allocated"
            ),
            row("c", "node-port-conflict", "spec.ports[0].nodePort", "Invalid", "Invalid value: 30080: provided port is already allocated"),
            // `txnAllocNodePorts` wraps the health-check port's error in `errors.NewInternalError`.
            row(
                "d",
                "node-port-conflict",
                "spec.healthCheckNodePort",
                "InternalError",
                "Internal error occurred: failed to allocate requested HealthCheck NodePort 30080: provided port is already allocated"
            ),
        ]
    );
    assert!(["b", "c", "d"].iter().all(|n| c.service("default", n).is_none()));
}

#[test]
fn an_allocation_error_replaces_the_validation_errors_of_a_service() {
    let text = [
        service("a", "  type: NodePort\n  clusterIP: 10.96.0.50\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
        service("b", "  clusterIP: 10.96.0.50\n  sessionAffinity: Bad\n  ports:\n  - {port: 80}\n"),
        service("c", "  type: NodePort\n  sessionAffinity: Bad\n  ports:\n  - {port: 80, nodePort: 30080, name: HTTP}\n"),
        service("d", "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30080\n  sessionAffinity: Bad\n  ports:\n  - {port: 80}\n"),
        // Refused by validation with free requests: its own errors, and it holds nothing.
        service("e", "  type: NodePort\n  clusterIP: 10.96.0.60\n  sessionAffinity: Bad\n  ports:\n  - {port: 80, nodePort: 30090}\n"),
        service("f", "  type: NodePort\n  clusterIP: 10.96.0.60\n  ports:\n  - {port: 80, nodePort: 30090}\n"),
        // An update is validated before `BeginUpdate`: its validation errors stand.
        service("a", "  type: NodePort\n  clusterIP: 10.96.0.60\n  sessionAffinity: Bad\n  ports:\n  - {port: 80, nodePort: 30090}\n"),
    ]
    .concat();
    let (c, diags) = sim_with(&[&text], &Options::default());
    let got: Vec<(String, String)> = service_errors(&diags).into_iter().map(|r| (r.0, r.1)).collect();
    let want: Vec<(String, String)> = [
        ("b", "cluster-ip-conflict"),
        ("c", "node-port-conflict"),
        ("d", "node-port-conflict"),
        ("e", "service-session-affinity-invalid"),
        ("a", "service-session-affinity-invalid"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
    .collect();
    assert_eq!(got, want, "{diags:?}");
    assert!(c.service("default", "f").is_some());
    assert!(["b", "c", "d", "e"].iter().all(|n| c.service("default", n).is_none()));
}

#[test]
fn a_clash_at_an_earlier_request_comes_before_a_range_error_at_a_later_one() {
    // `allocateCreate`: ClusterIPs, then the nodePorts in port order, then the health-check
    // port; the first failure is returned alone, whether a clash or a range error.
    let text = [
        service("a", "  type: NodePort\n  clusterIP: 10.96.5.5\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
        service("b", "  type: NodePort\n  clusterIP: 10.96.5.5\n  ports:\n  - {port: 80, nodePort: 20}\n"),
        service("c", "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n  - {port: 81, nodePort: 29000, name: b}\n"),
        service("d", "  type: LoadBalancer\n  clusterIP: 10.96.5.5\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 5\n  ports:\n  - {port: 80}\n"),
        // The built-in `kubernetes` Service holds 10.96.0.1.
        service("e", "  type: NodePort\n  clusterIP: 10.96.0.1\n  ports:\n  - {port: 80, nodePort: 20}\n"),
        // No clash first: the range error stands, once.
        service("f", "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30081}\n  - {port: 81, nodePort: 20, name: b}\n"),
    ]
    .concat();
    let (c, diags) = sim_with(&[&text], &Options::default());
    let got: Vec<(String, String, String)> = service_errors(&diags).into_iter().map(|r| (r.0, r.1, r.2)).collect();
    let want = [
        ("b", "cluster-ip-conflict", "spec.clusterIPs"),
        ("c", "node-port-conflict", "spec.ports[0].nodePort"),
        ("d", "cluster-ip-conflict", "spec.clusterIPs"),
        ("e", "cluster-ip-conflict", "spec.clusterIPs"),
        ("f", "service-node-port-out-of-range", "spec.ports[1].nodePort"),
    ]
    .map(|(a, b, f)| (a.to_string(), b.to_string(), f.to_string()));
    assert_eq!(got, want, "{diags:?}");
    // Refused services hold nothing: a later request for their ports succeeds.
    assert!(["b", "c", "d", "e", "f"].iter().all(|n| c.service("default", n).is_none()));
    let (c, _) = sim_with(&[&text, &service("g", "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30081}\n")], &Options::default());
    assert!(c.service("default", "g").is_some());
}

#[test]
fn an_address_outside_every_service_cidr_is_a_mismatched_network_from_1_33() {
    // `allocIPs` (pkg/registry/core/service/storage/alloc.go) wraps the allocator's error in
    // "failed to allocate IP %v: %v". From 1.33 (MultiCIDRServiceAllocator GA) the
    // MetaAllocator's `getAllocator` finds no ServiceCIDR containing the address
    // (`PrefixContainsIP` leaves out the network and IPv4 broadcast addresses) and returns
    // ErrMismatchedNetwork; before, the bitmap allocator returned ErrNotInRange.
    let text = [
        service("a", "  clusterIP: 10.112.0.1\n  ports:\n  - {port: 80}\n"),
        service("b", "  clusterIP: 10.96.0.0\n  ports:\n  - {port: 80}\n"),
        service("c", "  clusterIP: 10.111.255.255\n  ports:\n  - {port: 80}\n"),
        // Retried after a clash with `d` would have come first: the same text from the simulator.
        service("d", "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
        service("e", "  type: NodePort\n  clusterIP: 10.112.0.2\n  ports:\n  - {port: 80, nodePort: 30080}\n"),
    ]
    .concat();
    let messages = |minor: u16| {
        let opts = Options { kube_version: crate::version::KubeVersion::new(minor), ..Options::default() };
        let (_, diags) = sim_with(&[&text], &opts);
        service_errors(&diags).into_iter().map(|r| (r.0, r.1, r.4)).collect::<Vec<_>>()
    };
    // The list prints as `%#v` before 1.34 and as JSON from 1.34 (`formats::JSON_VALUES_FROM`).
    let row = |minor: u16, n: &str, ip: &str, why: &str| {
        let list = if minor < 34 { format!("[]string{{\"{ip}\"}}") } else { format!("[\"{ip}\"]") };
        (n.to_string(), "service-cluster-ip-out-of-range".to_string(), format!("Invalid value: {list}: failed to allocate IP {ip}: {why}"))
    };
    let mismatch = "the provided network does not match the current range";
    for minor in [33, 34, 37] {
        let row = |n: &str, ip: &str, why: &str| row(minor, n, ip, why);
        assert_eq!(
            messages(minor),
            [
                row("a", "10.112.0.1", mismatch),
                row("b", "10.96.0.0", mismatch),
                row("c", "10.111.255.255", mismatch),
                row("e", "10.112.0.2", mismatch)
            ],
            "1.{minor}"
        );
    }
    let bitmap = |ip: &str| format!("the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12");
    assert_eq!(messages(32)[0], row(32, "a", "10.112.0.1", &bitmap("10.112.0.1")));
    assert_eq!(messages(32)[3], row(32, "e", "10.112.0.2", &bitmap("10.112.0.2")));
}

#[test]
fn a_service_whose_range_is_full_is_refused_with_an_internal_error() {
    let mut opts = Options::default();
    opts.cluster.node_port_range = "30000-30002".into();
    // 14 usable addresses, two of them the built-ins'.
    opts.cluster.service_cidr = "10.0.0.0/28".into();
    let np = "  type: NodePort\n  ports:\n  - {port: 80}\n";
    let mut text: Vec<String> = (0..3).map(|i| service(&format!("n{i}"), np)).collect();
    text.push(service("n3", np));
    // Refused by validation too: the allocation error is the one returned.
    text.push(service("n4", "  type: NodePort\n  sessionAffinity: Bad\n  ports:\n  - {port: 80}\n"));
    text.extend((0..9).map(|i| service(&format!("c{i}"), "  ports:\n  - {port: 80}\n")));
    text.push(service("c9", "  ports:\n  - {port: 80}\n"));
    let (c, diags) = sim_with(&[&text.concat()], &opts);
    let ip_full = "Internal error occurred: failed to allocate a serviceIP: range is full";
    let np_full = "Internal error occurred: failed to allocate a nodePort: range is full";
    assert_eq!(
        service_errors(&diags),
        [
            row("n3", "node-port-conflict", "spec.ports[0].nodePort", "InternalError", np_full),
            row("n4", "node-port-conflict", "spec.ports[0].nodePort", "InternalError", np_full),
            row("c9", "cluster-ip-conflict", "spec.clusterIPs", "InternalError", ip_full),
        ],
        "{diags:?}"
    );
    assert!(c.service("default", "n3").is_none() && c.service("default", "c9").is_none());
    assert!(c.service("default", "c8").is_some_and(|s| s.cluster_ips.len() == 1));
    // A refused Service gives back what it took: n3's ClusterIP went to c8.
    assert_eq!(c.services.len(), 2 + 3 + 9);

    // The health-check port: its range full after the nodePorts.
    opts.cluster.node_port_range = "30000-30001".into();
    let lb = "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - {port: 80}\n";
    let text = [
        service("l0", lb),
        service(
            "l1",
            "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  allocateLoadBalancerNodePorts: false\n  ports:\n  - {port: 80}\n",
        ),
    ]
    .concat();
    let (c, diags) = sim_with(&[&text], &opts);
    assert_eq!(
        service_errors(&diags),
        [row(
            "l1",
            "node-port-conflict",
            "spec.healthCheckNodePort",
            "InternalError",
            "Internal error occurred: failed to allocate a HealthCheck NodePort 0: range is full"
        )]
    );
    assert!(c.service("default", "l1").is_none());
}

/// A bare Pod `name` with `spec` lines (indented two spaces) before its container.
fn pod_with(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{spec}  containers:\n  - name: c\n    image: nginx:1.27\n")
}

#[test]
fn match_fields_on_the_node_name_place_a_pod_and_narrow_the_candidates() {
    let aff = |fields: &str| {
        format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n{fields}")
    };
    let one = |n: &str| format!("          - key: metadata.name\n            operator: In\n            values: [{n}]\n");
    let placed = pod_with("there", &aff(&one("node-2")));
    let nowhere = pod_with("nowhere", &aff(&one("zz")));
    let conflict = pod_with("conflict", &aff(&format!("{}{}", one("node-1"), one("node-2"))));
    let not_in = pod_with("notin", &aff("          - key: metadata.name\n            operator: NotIn\n            values: [node-1]\n"));
    let (c, diags) = sim_with(&[&placed, &nowhere, &conflict, &not_in], &Options::default());
    let node = |n: &str| c.pods.iter().find(|p| p.name == n).unwrap().node.clone();
    assert_eq!(node("there").as_deref(), Some("node-2"));
    assert!(node("notin").is_some_and(|n| n != "node-1"));
    let msg = |n: &str| c.pods.iter().find(|p| p.name == n).unwrap().unschedulable.clone().unwrap_or_default();
    // findNodesThatFitPod: the nodes the PreFilter left out get its plugins' status.
    assert!(
        msg("nowhere").starts_with("0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "),
        "{}",
        msg("nowhere")
    );
    assert!(msg("nowhere").ends_with("preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."));
    assert!(msg("conflict").starts_with("0/3 nodes are available: pod affinity terms conflict. "), "{}", msg("conflict"));
    assert_eq!(diags.iter().filter(|d| d.rule == "pod-unschedulable").count(), 2);
}

#[test]
fn gated_pods_and_pods_of_another_scheduler_stay_pending_without_a_fit_error() {
    let gated = pod_with("gated", "  schedulingGates:\n  - name: example.com/wait\n");
    let other = pod_with("other", "  schedulerName: my-scheduler\n");
    let default = pod_with("default", "  schedulerName: default-scheduler\n");
    let (c, diags) = sim_with(&[&gated, &other, &default], &Options::default());
    let pod = |n: &str| c.pods.iter().find(|p| p.name == n).unwrap();
    for n in ["gated", "other"] {
        assert_eq!((pod(n).node.as_deref(), pod(n).phase.as_str(), &pod(n).unschedulable), (None, "Pending", &None), "{n}");
    }
    assert!(pod("default").node.is_some());
    assert!(diags.iter().all(|d| d.rule != "pod-unschedulable"));
}

#[test]
fn a_daemonset_pod_goes_through_the_schedulers_filters_on_its_node() {
    let squat = pod_with("squat", "  nodeName: node-1\n")
        .replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    ports:\n    - containerPort: 80\n      hostPort: 9100\n");
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: exporter\nspec:\n  selector:\n    matchLabels:\n      app: ex\n  template:\n    metadata:\n      labels:\n        app: ex\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n        ports:\n        - containerPort: 9100\n          hostPort: 9100\n";
    let (c, diags) = sim_with(&[&squat, ds], &Options::default());
    let mut placed: Vec<Option<String>> = c.pods.iter().filter(|p| p.name.starts_with("exporter-")).map(|p| p.node.clone()).collect();
    placed.sort();
    assert_eq!(placed, [None, Some("node-2".into()), Some("node-3".into())]);
    let d = diags.iter().find(|d| d.rule == "pod-unschedulable").expect("reported");
    assert!(
        d.message.contains("(0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."),
        "{}",
        d.message
    );
}

#[test]
fn the_kubelet_rejects_a_pod_bound_by_node_name_that_its_filters_refuse() {
    let hp = |name: &str| {
        pod_with(name, "  nodeName: node-2\n")
            .replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    ports:\n    - containerPort: 80\n      hostPort: 8080\n")
    };
    let mismatch = pod_with("mismatch", "  nodeName: node-1\n  nodeSelector:\n    disk: ssd\n");
    let (c, _) = sim_with(&[&mismatch, &hp("hp1"), &hp("hp2")], &Options::default());
    let pod = |n: &str| c.pods.iter().find(|p| p.name == n).unwrap();
    assert_eq!(pod("hp1").phase, "Running");
    let rejected = |n: &str| (pod(n).phase.as_str(), pod(n).rejected.clone().unwrap_or_default(), pod(n).ips.is_empty());
    assert_eq!(
        rejected("mismatch"),
        (
            "Failed",
            (
                "NodeAffinity".into(),
                "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector".into()
            ),
            true
        )
    );
    let t = view::table(&c, view::Kind::Pods, &view::Scope::Namespace("default".into()), false);
    assert_eq!(t.rows.iter().find(|r| r[0] == "mismatch").unwrap()[2], "NodeAffinity", "kubectl shows the reason");
    assert_eq!(
        rejected("hp2").1,
        (
            "NodePorts".into(),
            "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports".into()
        )
    );
}

/// The pods of the input as `kplay get pods -o yaml` shows them, by name.
fn stored_pods(text: &str) -> Vec<(String, Node)> {
    let files = [SourceFile::new("f0.yaml", text)];
    let (a, c) = analyze_and_simulate(&files, &Options::default());
    let l = view::list(&c, &a.objects, view::Kind::Pods, &view::Scope::All);
    l.get("items")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(|p| t(p, &["metadata", "namespace"]) == "default")
        .map(|p| (t(p, &["metadata", "name"]), p.clone()))
        .collect()
}

const CONTROLLERS: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  ordinals: {start: 5}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16, volumeMounts: [{name: data, mountPath: /data}]}]
      volumes: [{name: cfg, emptyDir: {}}, {name: data, emptyDir: {}}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: work}
spec:
  completionMode: Indexed
  completions: 2
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: w, image: busybox}]
";

#[test]
fn controller_pods_get_the_pod_defaults_and_admission_of_the_create_path() {
    let pods = stored_pods(CONTROLLERS);
    assert_eq!(pods.len(), 5);
    for (name, p) in &pods {
        let spec = p.get("spec").expect("spec");
        assert_eq!(t(spec, &["enableServiceLinks"]), "true", "{name}");
        assert_eq!(t(spec, &["serviceAccountName"]), "default", "{name}");
        assert_eq!(t(spec, &["serviceAccount"]), "default", "{name}");
        assert_eq!(t(spec, &["priority"]), "0", "{name}");
        assert_eq!(t(spec, &["preemptionPolicy"]), "PreemptLowerPriority", "{name}");
        let tols: Vec<String> = spec.get("tolerations").and_then(Node::as_seq).unwrap_or(&[]).iter().map(|x| t(x, &["key"])).collect();
        assert_eq!(tols, ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"], "{name}");
        let vols: Vec<String> = spec.get("volumes").and_then(Node::as_seq).unwrap_or(&[]).iter().map(|x| t(x, &["name"])).collect();
        assert!(vols.last().is_some_and(|v| v.starts_with("kube-api-access-")), "{name}: {vols:?}");
        // The owner reference names the owner's uid (required).
        let owner = p.path(&["metadata", "ownerReferences"]).and_then(Node::as_seq).and_then(|o| o.first()).expect("owner");
        assert_eq!(t(owner, &["uid"]).len(), 36, "{name}");
    }
}

#[test]
fn statefulset_pods_start_at_the_first_ordinal_and_mount_their_claims() {
    let pods = stored_pods(CONTROLLERS);
    let db: Vec<&(String, Node)> = pods.iter().filter(|(n, _)| n.starts_with("db-")).collect();
    assert_eq!(db.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["db-5", "db-6"]);
    let (_, p) = db[1];
    assert_eq!(t(p, &["metadata", "labels", "apps.kubernetes.io/pod-index"]), "6");
    assert_eq!(t(p, &["spec", "hostname"]), "db-6");
    let vols = p.path(&["spec", "volumes"]).and_then(Node::as_seq).expect("volumes");
    // The claim's volume first, replacing the template's volume of its name, then the others.
    assert_eq!(t(&vols[0], &["name"]), "data");
    assert_eq!(t(&vols[0], &["persistentVolumeClaim", "claimName"]), "data-db-6");
    assert_eq!(t(&vols[1], &["name"]), "cfg");
    assert_eq!(vols.len(), 3);
}

/// The pods of one template share one defaulted spec; what derives from a pod's name stays its
/// own: the token volume, named as for a Pod of that name written by hand, and every
/// container's mount of it; a StatefulSet pod's claims.
#[test]
fn controller_pods_keep_what_derives_from_their_names() {
    let dep = "apiVersion: apps/v1
kind: Deployment
metadata: {name: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: front}}
  template:
    metadata: {labels: {app: front}}
    spec:
      initContainers: [{name: init, image: busybox}]
      containers: [{name: a, image: nginx}, {name: b, image: nginx}]
";
    let token = |p: &Node| {
        let vols = p.path(&["spec", "volumes"]).and_then(Node::as_seq).expect("volumes");
        let name = t(vols.last().expect("token volume"), &["name"]);
        assert!(name.starts_with("kube-api-access-"), "{name}");
        name
    };
    let pods = stored_pods(&format!("{dep}---\n{CONTROLLERS}"));
    let front: Vec<&(String, Node)> = pods.iter().filter(|(n, _)| n.starts_with("front-")).collect();
    assert_eq!(front.len(), 2);
    let tokens: Vec<String> = front.iter().map(|(_, p)| token(p)).collect();
    assert_ne!(tokens[0], tokens[1]);
    for ((name, p), tok) in front.iter().zip(&tokens) {
        for list in ["initContainers", "containers"] {
            for c in p.path(&["spec", list]).and_then(Node::as_seq).expect(list) {
                let mounts: Vec<String> =
                    c.get("volumeMounts").and_then(Node::as_seq).expect("mounts").iter().map(|m| t(m, &["name"])).collect();
                assert_eq!(mounts, [tok.as_str()], "{name} {list}");
            }
        }
        // A Pod of the same name written by hand gets the same token volume.
        let bare = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers: [{{name: a, image: nginx}}]\n");
        assert_eq!(&token(&stored_pods(&bare)[0].1), tok, "{name}");
    }
    let claims: Vec<String> = pods
        .iter()
        .filter(|(n, _)| n.starts_with("db-"))
        .map(|(_, p)| t(&p.path(&["spec", "volumes"]).and_then(Node::as_seq).expect("volumes")[0], &["persistentVolumeClaim", "claimName"]))
        .collect();
    assert_eq!(claims, ["data-db-5", "data-db-6"]);
}

#[test]
fn indexed_job_pods_carry_their_completion_index() {
    let pods = stored_pods(CONTROLLERS);
    let work: Vec<&(String, Node)> = pods.iter().filter(|(n, _)| n.starts_with("work-")).collect();
    assert_eq!(work.len(), 2);
    let (name, p) = work[1];
    assert!(name.starts_with("work-1-") && name.len() == "work-1-".len() + 5, "{name}");
    assert_eq!(t(p, &["metadata", "labels", "batch.kubernetes.io/job-completion-index"]), "1");
    assert_eq!(t(p, &["metadata", "annotations", "batch.kubernetes.io/job-completion-index"]), "1");
    assert_eq!(list(p, &["metadata", "finalizers"]), ["batch.kubernetes.io/job-tracking"]);
    assert_eq!(t(p, &["spec", "hostname"]), "work-1");
    let env = p.path(&["spec", "containers"]).and_then(Node::as_seq).and_then(|c| c[0].get("env")).and_then(Node::as_seq).expect("env");
    assert_eq!(t(&env[0], &["name"]), "JOB_COMPLETION_INDEX");
    assert_eq!(t(&env[0], &["valueFrom", "fieldRef", "fieldPath"]), "metadata.labels['batch.kubernetes.io/job-completion-index']");
}

#[test]
fn only_cluster_first_pods_resolve_cluster_names_in_a_trace() {
    let pod = |name: &str, spec: &str| {
        format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n{spec}  containers: [{{name: c, image: nginx}}]\n")
    };
    let text = [
        WEB.to_string(),
        pod("dflt", "  dnsPolicy: Default\n"),
        pod("host", "  hostNetwork: true\n"),
        pod("hostnet", "  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n"),
        pod("plain", ""),
        pod("none", "  dnsPolicy: None\n  dnsConfig: {nameservers: [1.1.1.1]}\n"),
    ]
    .concat();
    let c = sim(&[&text]);
    let dns = |from: &str| dns_hop(&trace_from(&c, from, "web:80"));
    for from in ["plain", "hostnet"] {
        assert!(dns(from).starts_with("web.default.svc.cluster.local A "), "{from}: {}", dns(from));
    }
    assert!(dns("dflt").contains("`dnsPolicy: Default`: it uses its node's resolv.conf"), "{}", dns("dflt"));
    assert!(dns("host").contains("falls back to `Default`"), "{}", dns("host"));
    assert!(dns("none").contains("`dnsPolicy: None`"), "{}", dns("none"));
}

#[test]
fn endpoint_names_of_a_service_with_a_cluster_ip_resolve() {
    let text = "apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16, ports: [{containerPort: 5432}]}]
";
    let c = sim(&[text, CLIENT]);
    let ip = c.pods.iter().find(|p| p.name == "db-0").and_then(super::state::Pod::ip).expect("db-0 runs").to_string();
    assert_eq!(records_named(&c, "db-0.db.default.svc.cluster.local", "A"), vec![ip.clone()]);
    let dns = dns_hop(&trace_from(&c, "client", "db-0.db:5432"));
    assert!(dns.starts_with(&format!("db-0.db.default.svc.cluster.local A {ip}: endpoint db-0 of Service default/db (")), "{dns}");
}

#[test]
fn coredns_pods_tolerate_the_control_plane_taint_as_kubeadms_do() {
    use crate::cluster::{NodeDescription, Taint};
    let mut opts = Options::default();
    opts.cluster.nodes = vec![NodeDescription {
        name: Some("control-plane".into()),
        taints: vec![Taint { key: "node-role.kubernetes.io/control-plane".into(), value: String::new(), effect: "NoSchedule".into() }],
        ..NodeDescription::default()
    }];
    let (c, _) = sim_with(&[], &opts);
    let dns: Vec<_> = c.pods.iter().filter(|p| p.namespace == "kube-system" && p.name.starts_with("coredns-")).collect();
    assert_eq!(dns.len(), 2);
    assert!(dns.iter().all(|p| p.node.as_deref() == Some("control-plane")));
    assert_eq!(dns[0].spec.priority_class_name, "system-cluster-critical");
    assert_eq!(dns[0].spec.dns_policy, "Default");
}

#[test]
fn a_readiness_gate_nothing_sets_keeps_the_pod_not_ready() {
    // GeneratePodReadyCondition (pkg/kubelet/status/generate.go): containers ready, but the
    // gate's condition does not exist, so Ready is False with ReadinessGatesNotReady.
    let text = "apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: hl}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: gate, labels: {app: web}}
spec:
  readinessGates: [{conditionType: example.com/ready}, {conditionType: example.com/other}]
  containers: [{name: c, image: nginx}]
";
    let c = sim(&[text, CLIENT]);
    let gate = c.pods.iter().find(|p| p.name == "gate").expect("gate");
    assert_eq!((gate.phase.as_str(), gate.ready), ("Running", false));
    let ep = c.endpoint_slices.iter().find(|s| s.service.as_deref() == Some("web")).and_then(|s| s.endpoints.first()).expect("endpoint");
    assert_eq!((ep.conditions.ready, ep.conditions.serving, ep.conditions.terminating), (Some(false), Some(false), Some(false)));
    assert!(records_named(&c, "hl.default.svc.cluster.local", "A").is_empty());
    assert_eq!(trace_from(&c, "client", "web:80").outcome, crate::proxy::trace::Outcome::Rejected);
    // kubectl counts ready containers: 1/1 Running.
    let table = view::table(&c, view::Kind::Pods, &view::Scope::Namespace("default".into()), false);
    assert_eq!(table.rows.iter().find(|r| r[0] == "gate").unwrap()[1..3], ["1/1", "Running"]);
    let (_, pod) = stored_pods(text).into_iter().find(|(n, _)| n == "gate").expect("gate");
    let status = crate::yaml::emit::to_yaml(pod.get("status").unwrap());
    assert!(
        status.contains(
            "  - type: Ready\n    status: \"False\"\n    reason: ReadinessGatesNotReady\n    message: corresponding condition of pod readiness gate \"example.com/ready\" does not exist., corresponding condition of pod readiness gate \"example.com/other\" does not exist.\n  - type: ContainersReady\n    status: \"True\"\n"
        ),
        "{status}"
    );
}

#[test]
fn a_pods_dns_config_search_path_and_ndots_decide_what_a_name_resolves_to() {
    use crate::proxy::trace::Outcome;
    // The kubelet's GetPodDNS (pkg/kubelet/network/dns/dns.go): ClusterFirst gets
    // `<ns>.svc.<zone> svc.<zone> <zone>` plus `dnsConfig.searches`; None gets only dnsConfig.
    let pod = |ns: &str, name: &str, spec: &str| {
        format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{spec}  containers: [{{name: c, image: busybox}}]\n")
    };
    let text = [
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web1, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx}]}\n".to_string(),
        pod("other", "extra", "  dnsConfig: {searches: [shop.svc.cluster.local]}\n"),
        pod("other", "plain", ""),
        pod("shop", "none", "  dnsPolicy: None\n  dnsConfig: {nameservers: [10.96.0.10]}\n"),
        pod("other", "none2", "  dnsPolicy: None\n  dnsConfig: {nameservers: [10.96.0.10], searches: [shop.svc.cluster.local]}\n"),
        pod("other", "dots", "  dnsConfig: {options: [{name: ndots, value: \"1\"}, {name: edns0}]}\n"),
    ]
    .concat();
    let c = sim(&[&text]);
    let t = trace_from(&c, "other/extra", "web:80");
    assert!(dns_hop(&t).starts_with("web.shop.svc.cluster.local A "), "{}", dns_hop(&t));
    assert_eq!(t.outcome, Outcome::Delivered);
    let t = trace_from(&c, "other/plain", "web:80");
    assert_eq!(t.outcome, Outcome::NoRoute);
    assert!(
        dns_hop(&t).starts_with(
            "no cluster DNS record for web.other.svc.cluster.local, web.svc.cluster.local, web.cluster.local, web (tried in this order: search other.svc.cluster.local svc.cluster.local cluster.local, ndots:5)"
        ),
        "{}",
        dns_hop(&t)
    );
    // dnsPolicy None without searches: the name is looked up as written, `web.`.
    let t = trace_from(&c, "shop/none", "web:80");
    assert_eq!(t.outcome, Outcome::NoRoute);
    assert!(dns_hop(&t).starts_with("no cluster DNS record for web (tried in this order: no search path, ndots:1)"), "{}", dns_hop(&t));
    let t = trace_from(&c, "other/none2", "web:80");
    assert!(dns_hop(&t).starts_with("web.shop.svc.cluster.local A "), "{}", dns_hop(&t));
    assert_eq!(t.outcome, Outcome::Delivered);
    // ndots:1: a name with a dot is tried as written first.
    let t = trace_from(&c, "other/dots", "web.nowhere:80");
    assert!(
        dns_hop(&t).starts_with("no cluster DNS record for web.nowhere, web.nowhere.other.svc.cluster.local, web.nowhere.svc.cluster.local, web.nowhere.cluster.local (tried in this order: search other.svc.cluster.local svc.cluster.local cluster.local, ndots:1)"),
        "{}",
        dns_hop(&t)
    );
    assert_eq!(trace_from(&c, "other/dots", "web.shop:80").outcome, Outcome::Delivered);
}

#[test]
fn a_single_stack_ipv6_service_gets_the_ipv6_proxiers_rules() {
    use crate::proxy::modes::Mode;
    use crate::proxy::trace::Outcome;
    // kube-proxy runs one proxier per family (ip6tables, nft table `ip6 kube-proxy`, IPVS);
    // a Service whose only ClusterIP is IPv6 is in the IPv6 proxier's rules.
    let mut opts = Options::default();
    opts.cluster.service_cidr = "fd00:30::/112".into();
    opts.cluster.service_cidr_secondary = Some("10.96.0.0/12".into());
    opts.cluster.cluster_cidr_v6 = Some("fd00:10::/56".into());
    let text =
        "apiVersion: v1\nkind: Service\nmetadata: {name: v6only}\nspec:\n  selector: {app: w}\n  ports: [{name: p80, port: 80}]\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata: {name: w, labels: {app: w}}\nspec:\n  containers: [{name: c, image: busybox}]\n";
    let (c, _) = sim_with(&[text, CLIENT], &opts);
    let w6 = c
        .pods
        .iter()
        .find(|p| p.name == "w")
        .and_then(|p| p.ips.iter().copied().find(std::net::IpAddr::is_ipv6))
        .expect("w has an IPv6 address");
    for mode in [Mode::Iptables, Mode::Nftables, Mode::Ipvs] {
        let t = trace_in(&c, "client", "v6only:80", mode);
        assert!(dns_hop(&t).starts_with("v6only.default.svc.cluster.local AAAA fd00:30::"), "{mode:?}: {}", dns_hop(&t));
        assert_eq!(t.outcome, Outcome::Delivered, "{mode:?}: {t:#?}");
        assert_eq!(t.endpoint.as_ref().map(|e| e.ip.clone()), Some(w6.to_string()), "{mode:?}");
    }
    let node = c.pods.iter().find(|p| p.name == "client").and_then(|p| p.node.clone()).expect("client runs");
    let v6 = crate::api::proxy_rules_for_family(&c, Mode::Iptables, &node, true).expect("rules");
    assert!(v6.contains(&format!("DNAT --to-destination [{w6}]:80")), "{v6}");
    let nft = crate::api::proxy_rules_for_family(&c, Mode::Nftables, &node, true).expect("rules");
    assert!(nft.contains("table ip6 kube-proxy") && nft.contains(&format!("__{}/80", w6.to_string().replace(':', "."))), "{nft}");
    let v4 = crate::api::proxy_rules(&c, Mode::Iptables, &node).expect("rules");
    assert!(!v4.contains("default/v6only"), "{v4}");
}

#[test]
fn ingress_nginx_service_upstream_goes_through_kube_proxy() {
    use crate::proxy::trace::{trace, Destination, Outcome, SimulateRequest, Source, TraceRequest, Tracer};
    // `nginx.ingress.kubernetes.io/service-upstream: "true"`: the upstream is the Service's
    // ClusterIP, so kube-proxy on the controller's node picks the endpoint; here
    // `internalTrafficPolicy: Local` and the only pod is on another node.
    let ingress = |name: &str, host: &str, ann: &str| {
        format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  annotations: {{{ann}}}\nspec:\n  rules:\n  - host: {host}\n    http:\n      paths:\n      - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}\n"
        )
    };
    let text = [
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  internalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {name: w, labels: {app: web}}\nspec:\n  nodeName: node-2\n  containers: [{name: c, image: nginx}]\n"
            .to_string(),
        ingress("direct", "direct.example.com", ""),
        ingress("upstream", "upstream.example.com", "nginx.ingress.kubernetes.io/service-upstream: \"true\""),
    ]
    .concat();
    let c = sim(&[&text]);
    let input = crate::proxy::input::ProxyInput::from_cluster(&c);
    let req = |url: &str| TraceRequest::new(Source::External, Destination::parse(url).expect("url"));
    let t = trace(&input, &req("http://direct.example.com/"));
    assert_eq!((t.outcome, t.http_status), (Outcome::Delivered, Some(200)), "{t:#?}");
    let t = trace(&input, &req("http://upstream.example.com/"));
    assert_eq!((t.outcome, t.http_status), (Outcome::Dropped, Some(504)), "{t:#?}");
    assert!(t.hops.iter().any(|h| h.detail.contains("service-upstream")), "{t:#?}");
    assert!(t.hops.iter().any(|h| h.detail.contains("has no local endpoints")), "{t:#?}");
    // Entering on node-2, the controller's kube-proxy has the local endpoint.
    let on_node2 = TraceRequest { entry_node: Some("node-2".into()), ..req("http://upstream.example.com/") };
    assert_eq!(trace(&input, &on_node2).outcome, Outcome::Delivered);
    let simulate = |r: TraceRequest| Tracer::new(&input).simulate(&SimulateRequest { trace: r, requests: 20, clients: 1, interval_ms: 0 });
    assert_eq!(simulate(req("http://upstream.example.com/")).dropped, 20);
    assert_eq!(simulate(on_node2).delivered, 20);
    assert_eq!(simulate(req("http://direct.example.com/")).delivered, 20);
}

/// `OrderedReady` (the default): the StatefulSet controller makes the next ordinal only once
/// the pods before it are Running and Ready, so a pod that never gets there is the last one.
/// `Parallel` makes them all; a what-if override on a made pod removes none.
#[test]
fn an_ordered_stateful_set_stops_at_its_first_pod_that_is_never_ready() {
    let sts = |policy: &str, pod_spec: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: w\nspec:\n  serviceName: w\n  replicas: 3\n{policy}  selector:\n    matchLabels:\n      app: w\n  template:\n    metadata:\n      labels:\n        app: w\n    spec:\n{pod_spec}      containers:\n        - name: w\n          image: nginx:1.27\n"
        )
    };
    let names = |c: &Cluster| {
        c.pods.iter().filter(|p| p.name.starts_with("w-")).map(|p| (p.name.clone(), p.phase.clone(), p.ready)).collect::<Vec<_>>()
    };
    let gated = "      readinessGates:\n        - conditionType: example.com/gate\n";
    let pending = "      nodeSelector:\n        disk: none\n";
    let all_ready = |c: &Cluster| names(c).iter().all(|(_, phase, ready)| phase == "Running" && *ready);
    let c = sim(&[&sts("", "")]);
    assert_eq!(names(&c).len(), 3);
    assert!(all_ready(&c));
    assert_eq!(names(&sim(&[&sts("", gated)])), vec![("w-0".to_string(), "Running".to_string(), false)]);
    assert_eq!(
        names(&sim(&[&sts("  podManagementPolicy: OrderedReady\n", pending)])),
        vec![("w-0".to_string(), "Pending".to_string(), false)]
    );
    let c = sim(&[&sts("  podManagementPolicy: Parallel\n", gated)]);
    assert_eq!(names(&c).iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["w-0", "w-1", "w-2"]);
    let w = c.workloads.iter().find(|w| w.name == "w").unwrap();
    assert_eq!((w.replicas, w.ready_replicas), (3, 0));
    let c = sim(&[&sts("", gated)]);
    let w = c.workloads.iter().find(|w| w.name == "w").unwrap();
    assert_eq!((w.replicas, w.ready_replicas, w.desired), (1, 0, 3));
    let mut opts = Options::default();
    opts.cluster.overrides.pods.push(PodOverride { namespace: None, name: "w-0".into(), ready: Some(false), terminating: None });
    assert_eq!(names(&sim_with(&[&sts("", "")], &opts).0).iter().map(|p| p.2).collect::<Vec<_>>(), [false, true, true]);
}

/// A Deployment `web` (2 pods, `app: web`) whose container and volumes are `spec`, its Service
/// `web`, a ConfigMap `settings` (`mode`, binaryData `logo`) and a Secret `db` (`user`,
/// stringData `password`).
fn config_case(spec: &str) -> String {
    format!(
        "apiVersion: v1
kind: ConfigMap
metadata: {{name: settings}}
data: {{mode: fast}}
binaryData: {{logo: aGk=}}
---
apiVersion: v1
kind: Secret
metadata: {{name: db}}
data: {{user: YQ==}}
stringData: {{password: x}}
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec: {{selector: {{app: web}}, ports: [{{port: 80}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{spec}"
    )
}

/// The pods' (STATUS, READY) in `kubectl get pods`, and whether each has an IP.
fn web_pods(c: &Cluster) -> Vec<(String, String, bool)> {
    let table = view::table(c, view::Kind::Pods, &view::Scope::Namespace("default".into()), false);
    c.pods
        .iter()
        .filter(|p| p.name.starts_with("web-"))
        .map(|p| {
            let row = table.rows.iter().find(|r| r[0] == p.name).expect("row");
            (row[2].clone(), row[1].clone(), p.ip().is_some())
        })
        .collect()
}

fn ready_endpoints(c: &Cluster, service: &str) -> usize {
    c.endpoint_slices
        .iter()
        .filter(|s| s.service.as_deref() == Some(service))
        .flat_map(|s| &s.endpoints)
        .filter(|e| e.conditions.ready == Some(true))
        .count()
}

#[test]
fn a_missing_config_key_in_env_keeps_the_pods_pending_with_create_container_config_error() {
    // makeEnvironmentVariables (pkg/kubelet/kubelet_pods.go) fails, the container is never
    // created: waiting CreateContainerConfigError, the pod Pending (it has its sandbox and IP).
    let text = config_case(
        "      containers:
        - name: app
          image: nginx
          env:
            - name: MODE
              valueFrom: {configMapKeyRef: {name: settings, key: speed}}
",
    );
    let c = sim(&[&text]);
    assert_eq!(web_pods(&c), vec![("CreateContainerConfigError".into(), "0/1".into(), true); 2]);
    assert!(c.pods.iter().filter(|p| p.name.starts_with("web-")).all(|p| p.phase == "Pending" && !p.ready));
    assert_eq!(ready_endpoints(&c, "web"), 0);
    let w = c.workloads.iter().find(|w| w.name == "web").expect("web");
    assert_eq!((w.replicas, w.ready_replicas), (2, 0));
    let (_, pod) = stored_pods(&text).into_iter().find(|(n, _)| n.starts_with("web-")).expect("pod");
    let status = crate::yaml::emit::to_yaml(pod.get("status").unwrap());
    assert!(status.contains("phase: Pending\n"), "{status}");
    assert!(
        status.contains(
            "  - name: app\n    state:\n      waiting:\n        reason: CreateContainerConfigError\n        message: couldn't find key speed in ConfigMap default/settings\n"
        ),
        "{status}"
    );
    assert!(status.contains("  - type: PodReadyToStartContainers\n    status: \"True\"\n"), "{status}");
    assert!(
        status.contains("  - type: Ready\n    status: \"False\"\n    reason: ContainersNotReady\n    message: \"containers with unready status: [app]\"\n"),
        "{status}"
    );
}

#[test]
fn keys_of_data_binary_data_and_string_data_are_found() {
    let text = config_case(
        "      containers:
        - name: app
          image: nginx
          env:
            - {name: A, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
            - {name: B, valueFrom: {configMapKeyRef: {name: settings, key: logo}}}
            - {name: C, valueFrom: {secretKeyRef: {name: db, key: user}}}
            - {name: D, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: E, valueFrom: {secretKeyRef: {name: db, key: nothing, optional: true}}}
            - {name: F, valueFrom: {secretKeyRef: {name: elsewhere, key: made-outside-git}}}
          envFrom:
            - configMapRef: {name: settings}
            - secretRef: {name: not-in-the-manifests}
      volumes:
        - name: v
          secret: {secretName: db, items: [{key: password, path: p}]}
        - name: claim
          persistentVolumeClaim: {claimName: data}
",
    );
    let c = sim(&[&text]);
    assert_eq!(web_pods(&c), vec![("Running".into(), "1/1".into(), true); 2]);
    assert_eq!(ready_endpoints(&c, "web"), 2);
}

#[test]
fn a_volume_item_whose_key_is_missing_never_mounts() {
    // The secret volume's MakePayload refuses the item ("references non-existent secret key"):
    // FailedMount, no sandbox, so no IP and no endpoint; the container waits ContainerCreating.
    let text = config_case(
        "      containers:
        - {name: app, image: nginx}
      volumes:
        - name: creds
          secret: {secretName: db, items: [{key: token, path: t}]}
",
    );
    let c = sim(&[&text]);
    assert_eq!(web_pods(&c), vec![("ContainerCreating".into(), "0/1".into(), false); 2]);
    assert!(c.endpoint_slices.iter().filter(|s| s.service.as_deref() == Some("web")).all(|s| s.endpoints.is_empty()));
    let (_, pod) = stored_pods(&text).into_iter().find(|(n, _)| n.starts_with("web-")).expect("pod");
    let status = crate::yaml::emit::to_yaml(pod.get("status").unwrap());
    assert!(status.contains("    state:\n      waiting:\n        reason: ContainerCreating\n"), "{status}");
    assert!(status.contains("  - type: PodReadyToStartContainers\n    status: \"False\"\n"), "{status}");
    assert!(!status.contains("podIP"), "{status}");
}

#[test]
fn a_projected_config_map_item_whose_key_is_missing_never_mounts() {
    let text = config_case(
        "      containers:
        - {name: app, image: nginx}
      volumes:
        - name: all
          projected:
            sources:
              - configMap: {name: settings, items: [{key: colour, path: c}]}
",
    );
    assert_eq!(web_pods(&sim(&[&text])), vec![("ContainerCreating".into(), "0/1".into(), false); 2]);
    // optional: the item is left out.
    let optional = text.replace("items: [{key: colour, path: c}]", "items: [{key: colour, path: c}], optional: true");
    assert_eq!(web_pods(&sim(&[&optional])), vec![("Running".into(), "1/1".into(), true); 2]);
}

#[test]
fn an_init_container_whose_key_is_missing_holds_the_pod_in_init() {
    let text = config_case(
        "      initContainers:
        - {name: first, image: busybox}
        - name: setup
          image: busybox
          env: [{name: K, valueFrom: {secretKeyRef: {name: db, key: token}}}]
      containers:
        - {name: app, image: nginx}
",
    );
    let c = sim(&[&text]);
    assert_eq!(web_pods(&c), vec![("Init:CreateContainerConfigError".into(), "0/1".into(), true); 2]);
    let (_, pod) = stored_pods(&text).into_iter().find(|(n, _)| n.starts_with("web-")).expect("pod");
    let status = crate::yaml::emit::to_yaml(pod.get("status").unwrap());
    assert!(status.contains("reason: ContainersNotInitialized\n    message: \"containers with incomplete status: [setup]\"\n"), "{status}");
    assert!(status.contains("message: couldn't find key token in Secret default/db\n"), "{status}");
    assert!(status.contains("  - name: app\n    state:\n      waiting:\n        reason: PodInitializing\n"), "{status}");
}

#[test]
fn only_the_container_whose_key_is_missing_waits() {
    let text = config_case(
        "      containers:
        - {name: app, image: nginx}
        - name: agent
          image: busybox
          env: [{name: K, valueFrom: {configMapKeyRef: {name: settings, key: colour}}}]
",
    );
    let c = sim(&[&text]);
    assert_eq!(web_pods(&c), vec![("CreateContainerConfigError".into(), "1/2".into(), true); 2]);
    assert_eq!(ready_endpoints(&c, "web"), 0);
}
