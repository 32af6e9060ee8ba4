//! `statefulset-service-not-headless`: a StatefulSet's governing Service has a ClusterIP.

use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static STATEFULSET_SERVICE_NOT_HEADLESS: Rule = Rule {
    name: "statefulset-service-not-headless",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A StatefulSet's governing Service is not headless, so its pods get no per-pod DNS names.",
    docs: rule_docs!(
        r#"## What it does
Checks that the Service named by a StatefulSet's `serviceName` is headless (`clusterIP: None`).

## Why is this bad?
CoreDNS publishes `<hostname>.<service>` records only for headless Services. With a ClusterIP
Service the name resolves to the virtual IP and `db-0.db` does not resolve at all.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
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
  name: db
spec:
  selector:
    app: db
  ports:
    - name: postgres
      port: 5432
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
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
  name: db
spec:
  clusterIP: None
  selector:
    app: db
  ports:
    - name: postgres
      port: 5432
```

## References
- Headless Services: <https://kubernetes.io/docs/concepts/services-networking/service/#headless-services>
- DNS for Services and Pods: <https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/>
"#
    ),
    spec: &["routing-semantics §6"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for w in cx.cluster.workloads.iter().filter(|w| w.kind == "StatefulSet" && !w.origin.is_builtin()) {
        let Some(view) = &w.view else { continue };
        let (Some(name), Some(span)) = (&view.service_name, view.service_name_span) else { continue };
        let Some(svc) = cx.service(&w.namespace, name) else { continue };
        if svc.headless || svc.type_ == "ExternalName" {
            continue;
        }
        let mut d = cx.diag(
            &STATEFULSET_SERVICE_NOT_HEADLESS,
            &w.origin,
            span,
            format!(
                "StatefulSet `{}` is governed by Service `{name}`, which is not headless: names like `{}-0.{name}` do not resolve",
                w.name, w.name
            ),
        );
        d = d.with_secondary(
            svc.spec.origin.file,
            svc.spec.cluster_ips_span.unwrap_or(svc.spec.spec_span),
            format!("Service `{name}` gets a ClusterIP"),
        );
        out.push(d.with_help(format!(
            "set `clusterIP: None` on Service `{name}` (or add a separate headless Service and name it in `serviceName`)"
        )));
    }
}
