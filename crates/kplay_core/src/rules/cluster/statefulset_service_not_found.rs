//! `statefulset-service-not-found`: a StatefulSet's `serviceName` names no Service.

use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static STATEFULSET_SERVICE_NOT_FOUND: Rule = Rule {
    name: "statefulset-service-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A StatefulSet's `serviceName` names a Service that does not exist in its namespace.",
    docs: rule_docs!(
        r#"## What it does
Looks up the StatefulSet's governing Service (`spec.serviceName`) in its namespace.

## Why is this bad?
The pods' stable DNS names (`<pod>.<serviceName>.<namespace>.svc.cluster.local`) come from that
headless Service. Without it they do not resolve, and peers that find each other by name (
databases, brokers) cannot start their cluster.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db-headless
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: postgres
          image: postgres:16
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db-headless
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: postgres
          image: postgres:16
---
apiVersion: v1
kind: Service
metadata:
  name: db-headless
spec:
  clusterIP: None
  selector:
    app: db
  ports:
    - name: postgres
      port: 5432
```

## References
- StatefulSet stable network ID: <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id>
"#
    ),
    spec: &["routing-semantics §6"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for w in cx.cluster.workloads.iter().filter(|w| w.kind == "StatefulSet" && !w.origin.is_builtin()) {
        let Some(view) = &w.view else { continue };
        let (Some(name), Some(span)) = (&view.service_name, view.service_name_span) else { continue };
        if cx.service(&w.namespace, name).is_some() {
            continue;
        }
        out.push(
            cx.diag(
                &STATEFULSET_SERVICE_NOT_FOUND,
                &w.origin,
                span,
                format!("StatefulSet `{}` is governed by Service `{name}`, which does not exist: its pods get no stable DNS names", w.name),
            )
            .with_help(format!("add a headless Service `{name}` (`clusterIP: None`) selecting the StatefulSet's pods")),
        );
    }
}
