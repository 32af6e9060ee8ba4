//! `workload-selectors-overlap`: two workloads whose selectors match each other's pods.

use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static WORKLOAD_SELECTORS_OVERLAP: Rule = Rule {
    name: "workload-selectors-overlap",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "Two Deployments (or ReplicaSets, StatefulSets, DaemonSets) in a namespace have selectors that match each other's pods.",
    docs: rule_docs!(
        r#"## What it does
For each pair of workload controllers in a namespace, checks whether one's `spec.selector`
matches the labels of the other's pod template.

## Why is this bad?
Controllers should select disjoint sets of pods. Since owner references (ControllerRef), a
controller counts and deletes only the pods it owns, but it adopts any matching pod that has no
owner (after its own controller is deleted with `--cascade=orphan`, or a bare Pod), and what goes
by the selector alone (`kubectl get pods -l`, PodDisruptionBudgets,
Services selecting "the app") sees both workloads' pods. The Kubernetes documentation says
overlapping Deployments "might conflict and behave unexpectedly".

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
        component: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
        component: worker
    spec:
      containers:
        - name: worker
          image: busybox:1.36
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: shop
      component: web
  template:
    metadata:
      labels:
        app: shop
        component: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels:
      app: shop
      component: worker
  template:
    metadata:
      labels:
        app: shop
        component: worker
    spec:
      containers:
        - name: worker
          image: busybox:1.36
```

## References
- Deployments, label selector updates: <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    // Jobs get generated, unique selectors; CronJobs own Jobs, not pods.
    let ws: Vec<usize> = cx
        .cluster
        .workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            w.owner.is_none()
                && !w.origin.is_builtin()
                && matches!(w.kind.as_str(), "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController")
        })
        .map(|(i, _)| i)
        .collect();
    // Pairs within a namespace only: group first, so the cost is the sum of squares per namespace.
    let mut by_ns: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for &w in &ws {
        by_ns.entry(cx.cluster.workloads[w].namespace.as_str()).or_default().push(w);
    }
    for (b, a) in by_ns.values().flat_map(|g| g.iter().enumerate().flat_map(move |(bi, &b)| g[..bi].iter().map(move |&a| (b, a)))) {
        {
            let (wa, wb) = (&cx.cluster.workloads[a], &cx.cluster.workloads[b]);
            let (Some(sa), Some(sb)) = (&wa.selector, &wb.selector) else { continue };
            if sa.is_empty() || sb.is_empty() {
                continue;
            }
            let b_takes_a = sb.matches(&wa.template.labels);
            let a_takes_b = sa.matches(&wb.template.labels);
            if !(a_takes_b || b_takes_a) {
                continue;
            }
            let show = |w: &crate::cluster::state::Workload| format!("{}/{}", w.kind.to_ascii_lowercase(), w.name);
            let what = match (b_takes_a, a_takes_b) {
                (true, true) => format!("the selectors of {} and {} both match both pod templates", show(wb), show(wa)),
                (true, false) => format!("the selector of {} also matches the pods of {}", show(wb), show(wa)),
                _ => format!("the selector of {} matches the pods of {}", show(wa), show(wb)),
            };
            let d = cx
                .diag(&WORKLOAD_SELECTORS_OVERLAP, &wb.origin, sb.span, format!("{what}: each controller owns only the pods it created, but it adopts matching orphans, and tools and Services that go by the selector see both sets"))
                .with_secondary(wa.origin.file, sa.span, format!("the selector of {}", show(wa)))
                .with_help("give each workload a label of its own (e.g. `component: <name>`) in its template and in its selector");
            out.push(d);
        }
    }
}
