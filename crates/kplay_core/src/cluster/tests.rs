//! Table tests of the whole simulation, driven by manifests.

use super::*;
use crate::analysis::{analyze, Options};
use crate::source::SourceFile;

pub(crate) fn sim_with(texts: &[&str], opts: &Options) -> (Cluster, Vec<crate::Diagnostic>) {
    let files: Vec<SourceFile> = texts.iter().enumerate().map(|(i, t)| SourceFile::new(format!("f{i}.yaml"), *t)).collect();
    let a = analyze(&files, opts);
    let c = simulate(&files, &a.objects, opts);
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
