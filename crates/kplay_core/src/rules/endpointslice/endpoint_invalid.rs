//! `endpointslice-endpoint-invalid`: bad hostname, nodeName or topology hints of an endpoint.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "endpointslice-endpoint-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An endpoint's `hostname`, `nodeName` or `hints` (zone/node names) are invalid or repeated.",
    docs: rule_docs!(
        r#"## What it does
Checks the other fields of each EndpointSlice endpoint: `hostname` must be a DNS-1123 label,
`nodeName` a DNS-1123 subdomain, `hints.forZones[].name` label values without repeats and
`hints.forNodes[].name` node names without repeats. (`deprecatedTopology` is dropped from v1
requests and not checked.)

## Why is this bad?
The API server refuses the slice; DNS and kube-proxy rely on these fields.

## Example
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-1
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
endpoints:
- addresses:
  - 10.244.1.5
  hostname: db_0
ports:
- name: postgres
  port: 5432
```

## Use instead
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-1
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
endpoints:
- addresses:
  - 10.244.1.5
  hostname: db-0
ports:
- name: postgres
  port: 5432
```

## References
- EndpointSlices: <https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/>
"#
    ),
    spec: &[],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(root) = super::root(ctx) else { return };
    for e in super::endpoints(&root) {
        if let Some(n) = e.field("nodeName") {
            let v = super::s(&n);
            for m in formats::dns1123_subdomain_msgs(v) {
                sink.field_error(&n, ErrorType::Invalid, formats::invalid(v, &m)).help("use the Node's `metadata.name`");
            }
        }
        if let Some(h) = e.field("hostname") {
            let v = super::s(&h);
            for m in formats::dns1123_label_msgs(v) {
                sink.field_error(&h, ErrorType::Invalid, formats::invalid(v, &m))
                    .help("a hostname is one DNS label: lowercase letters, digits and `-`");
            }
        }
        let Some(hints) = e.field("hints") else { continue };
        for (key, node_names) in [("forZones", false), ("forNodes", true)] {
            let Some(list) = hints.field(key) else { continue };
            if list.len() > super::MAX_HINTS {
                // Reported by endpointslice-limit-exceeded; the server stops checking hints here.
                break;
            }
            let mut seen: Vec<&str> = Vec::new();
            for (_, item) in list.items() {
                let name = item.field("name");
                let v = name.as_ref().map_or("", super::s);
                let span = name.as_ref().map_or_else(|| crate::rules::service::item_head(&item), crate::rules::Cur::span);
                let path = item.child_path("name");
                if seen.contains(&v) {
                    sink.field_error_at(span, &path, ErrorType::Duplicate, formats::duplicate(v)).help("list each zone or node once");
                } else {
                    seen.push(v);
                }
                let msgs = if node_names { formats::dns1123_subdomain_msgs(v) } else { formats::label_value_msgs(v) };
                for m in msgs {
                    sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid(v, &m))
                        .help("use the zone (topology.kubernetes.io/zone) or Node name");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::slice;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |e: &str| hits(&slice(&format!("addressType: IPv4\nendpoints:\n- addresses: [10.1.2.3]\n{e}")), r);
        assert_eq!(
            t("  hostname: db_0\n  nodeName: Node_1\n"),
            pairs(&[("endpoints[0].hostname", "Invalid"), ("endpoints[0].nodeName", "Invalid")])
        );
        assert_eq!(
            t("  hints:\n    forZones:\n    - name: zone-a\n    - name: zone-a\n    forNodes:\n    - name: n_1\n"),
            pairs(&[("endpoints[0].hints.forNodes[0].name", "Invalid"), ("endpoints[0].hints.forZones[1].name", "Duplicate")])
        );
        assert!(t("  hostname: db-0\n  nodeName: node-1\n  zone: zone-a\n  hints:\n    forZones:\n    - name: zone-a\n").is_empty());
    }
}
