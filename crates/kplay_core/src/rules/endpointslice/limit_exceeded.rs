//! `endpointslice-limit-exceeded`: more endpoints, addresses, ports or hints than allowed.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "endpointslice-limit-exceeded",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An EndpointSlice exceeds a size limit: 1000 endpoints, 100 addresses per endpoint, 20000 ports, 8 zone or node hints.",
    docs: rule_docs!(
        r#"## What it does
Checks the size limits of EndpointSlices: at most 1000 `endpoints` (beyond that nothing inside
is checked), 100 `addresses` per endpoint, 20000 `ports`, and 8 entries in each of
`hints.forZones` and `hints.forNodes`.

## Why is this bad?
The API server refuses the slice ("Too many"). Split large sets over several slices with the
same `kubernetes.io/service-name` label.

## Example
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses:
  - 10.244.1.5
  hints:
    forZones:
    - name: zone-a
    - name: zone-b
    - name: zone-c
    - name: zone-d
    - name: zone-e
    - name: zone-f
    - name: zone-g
    - name: zone-h
    - name: zone-i
ports:
- name: http
  port: 8080
```

## Use instead
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses:
  - 10.244.1.5
  hints:
    forZones:
    - name: zone-a
ports:
- name: http
  port: 8080
```

## References
- EndpointSlices: <https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/>
"#
    ),
    spec: &[],
    check: Some(check),
};

fn too_many(sink: &mut Sink<'_>, c: &Cur<'_>, max: usize, help: &str) {
    sink.field_error_at(c.key_span(), &c.path, ErrorType::TooMany, crate::rules::formats::too_many(c.len(), max)).help(help);
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(root) = super::root(ctx) else { return };
    if let Some(list) = root.field("endpoints") {
        if list.len() > super::MAX_ENDPOINTS {
            too_many(
                sink,
                &list,
                super::MAX_ENDPOINTS,
                "split the endpoints over several slices with the same `kubernetes.io/service-name` label",
            );
        }
    }
    for e in super::endpoints(&root) {
        if let Some(a) = e.field("addresses").filter(|a| a.len() > super::MAX_ADDRESSES) {
            too_many(sink, &a, super::MAX_ADDRESSES, "an endpoint is one backend: give each address its own endpoint");
        }
        let Some(hints) = e.field("hints") else { continue };
        for key in ["forZones", "forNodes"] {
            if let Some(l) = hints.field(key).filter(|l| l.len() > super::MAX_HINTS) {
                too_many(sink, &l, super::MAX_HINTS, "hint at most 8 zones or nodes");
                // The server returns after the first oversized hint list.
                break;
            }
        }
    }
    if let Some(p) = root.field("ports").filter(|p| p.len() > super::MAX_PORTS) {
        too_many(sink, &p, super::MAX_PORTS, "split the ports over several slices");
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::slice;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let addrs: Vec<String> = (0..101).map(|i| format!("10.0.{}.{}", i / 200, i % 200 + 1)).collect();
        let y = slice(&format!("addressType: IPv4\nendpoints:\n- addresses: [{}]\n", addrs.join(", ")));
        assert_eq!(hits(&y, r), pairs(&[("endpoints[0].addresses", "TooMany")]));
        let zones: Vec<String> = (0..9).map(|i| format!("{{name: z{i}}}")).collect();
        let y = slice(&format!("addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  hints:\n    forZones: [{}]\n", zones.join(", ")));
        assert_eq!(hits(&y, r), pairs(&[("endpoints[0].hints.forZones", "TooMany")]));
        assert!(hits(&slice("addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n"), r).is_empty());
    }
}
