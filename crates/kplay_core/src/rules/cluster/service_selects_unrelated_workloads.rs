//! `service-selects-unrelated-workloads`: one Service selecting pods of unrelated workloads.

use std::collections::BTreeSet;

use super::{user_services, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static SERVICE_SELECTS_UNRELATED_WORKLOADS: Rule = Rule {
    name: "service-selects-unrelated-workloads",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A Service's selector picks pods of two workloads that share no container, so traffic is spread over different apps.",
    docs: rule_docs!(
        r#"## What it does
Groups the pods a Service selects by the workload that owns them (a Deployment rather than its
ReplicaSet). When two of those workloads run no container of the same name, they are taken to be
different applications.

## Why is this bad?
kube-proxy spreads connections over all endpoints: part of the requests for one app reach the
other. A selector that is too broad (`app: shop` on both the web and the database) is the usual
cause. Canary Deployments of the same app (same container names) are not reported.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    team: shop
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        team: shop
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
        team: shop
    spec:
      containers:
        - name: postgres
          image: postgres:16
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        team: shop
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
        team: shop
    spec:
      containers:
        - name: postgres
          image: postgres:16
```

## References
- Labels and selectors: <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for svc in user_services(cx.cluster) {
        let Some(sel) = &svc.selector else { continue };
        // Sets built by `insert`, not `collect`: collecting into a B-tree sorts first, one more
        // copy of the standard sort in the wasm per element type (crate::sort).
        let mut roots = BTreeSet::new();
        for w in cx.cluster.select_pods(&svc.namespace, sel).iter().filter_map(|&p| cx.cluster.pods[p].workload) {
            roots.insert(w);
        }
        let roots: Vec<usize> = roots.into_iter().filter(|&w| !cx.cluster.workloads[w].origin.is_builtin()).collect();
        let names = |w: usize| -> BTreeSet<&str> {
            let mut set = BTreeSet::new();
            for c in &cx.cluster.workloads[w].template.spec.containers {
                set.insert(c.name.as_str());
            }
            set
        };
        let Some(&first) = roots.first() else { continue };
        let unrelated: Vec<usize> = roots[1..].iter().copied().filter(|&w| names(first).is_disjoint(&names(w))).collect();
        if unrelated.is_empty() {
            continue;
        }
        let show = |w: usize| {
            let w = &cx.cluster.workloads[w];
            format!("{}/{}", w.kind.to_ascii_lowercase(), w.name)
        };
        let mut d = cx.diag(
            &SERVICE_SELECTS_UNRELATED_WORKLOADS,
            &svc.spec.origin,
            svc.spec.selector_span.unwrap_or(svc.spec.spec_span),
            format!(
                "Service `{}` selects the pods of {} and of {}, which run different containers: its traffic is split between them",
                svc.name,
                show(first),
                unrelated.iter().map(|&w| show(w)).collect::<Vec<_>>().join(", ")
            ),
        );
        for &w in std::iter::once(&first).chain(&unrelated) {
            let wl = &cx.cluster.workloads[w];
            d = d.with_secondary(
                wl.origin.file,
                wl.template.labels_span.unwrap_or(wl.origin.head),
                format!("the pods of {} carry these labels", show(w)),
            );
        }
        out.push(d.with_help("add a label that only the intended workload's pod template has (e.g. `app: <name>`) to the selector"));
    }
}
