//! `endpointslice-port-invalid`: bad port names, protocols or appProtocols of a slice.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

pub static RULE: Rule = Rule {
    name: "endpointslice-port-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An EndpointSlice port has a name that is not a DNS label or is repeated, an unknown protocol, or a bad appProtocol.",
    docs: rule_docs!(
        r#"## What it does
Checks `ports[]` of EndpointSlices: `name` (defaulted to `""`) is a DNS-1123 label when set and
unique within the slice (two unnamed ports clash too), `protocol` is TCP, UDP or SCTP, and
`appProtocol` is a qualified name. The names must equal the Service's port names for
kube-proxy to use the slice.

## Why is this bad?
The API server refuses the slice.

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
ports:
- name: HTTP
  port: 8080
  protocol: tcp
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
ports:
- name: http
  port: 8080
  protocol: TCP
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
    let Some(ports) = root.field("ports") else { return };
    if ports.len() > super::MAX_PORTS {
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (_, p) in ports.items() {
        let name = p.field("name");
        let v = name.as_ref().map_or("", super::s);
        let span = name.as_ref().map_or_else(|| crate::rules::service::item_head(&p), crate::rules::Cur::span);
        let path = p.child_path("name");
        if !v.is_empty() {
            for m in formats::dns1123_label_msgs(v) {
                sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid(v, &m))
                    .help("use the Service port's name: lowercase letters, digits and `-`");
            }
        }
        if seen.contains(&v) {
            sink.field_error_at(span, &path, ErrorType::Duplicate, formats::duplicate(v))
                .help("give each port of the slice its own name (one port may stay unnamed)");
        } else {
            seen.push(v);
        }
        match p.field("protocol") {
            None => {
                sink.required(&p, "protocol", formats::required("")).help("set `protocol: TCP`");
            }
            Some(c) => {
                let pv = super::s(&c);
                if !PROTOCOLS.contains(&pv) {
                    sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(pv, PROTOCOLS))
                        .help("use TCP, UDP or SCTP (uppercase)");
                }
            }
        }
        if let Some(c) = p.field("appProtocol") {
            let av = super::s(&c);
            for m in formats::qualified_name_msgs(av) {
                sink.field_error(&c, ErrorType::Invalid, formats::invalid(av, &m))
                    .help("use a protocol name such as `http` or `kubernetes.io/h2c`");
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
        let t = |p: &str| hits(&slice(&format!("addressType: IPv4\nports:\n{p}")), r);
        assert_eq!(
            t("- name: HTTP\n  port: 80\n  protocol: tcp\n"),
            pairs(&[("ports[0].name", "Invalid"), ("ports[0].protocol", "NotSupported")])
        );
        assert_eq!(t("- port: 80\n- port: 81\n"), pairs(&[("ports[1].name", "Duplicate")]));
        assert_eq!(t("- name: a\n  port: 80\n  appProtocol: \"a/b/c\"\n"), pairs(&[("ports[0].appProtocol", "Invalid")]));
        assert!(t("- name: http\n  port: 80\n- port: 81\n  appProtocol: kubernetes.io/h2c\n").is_empty());
    }
}
