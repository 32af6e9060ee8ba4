//! `endpointslice-address-invalid`: an endpoint without addresses, or addresses that do not
//! fit the slice's addressType.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::service::special_ip_msgs;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "endpointslice-address-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An endpoint has no address, or an address is not of the slice's addressType (or is loopback, link-local, unspecified).",
    docs: rule_docs!(
        r#"## What it does
Checks `endpoints[].addresses` of EndpointSlices: at least one address per endpoint, and each
address fits `addressType`: an IPv4 or IPv6 address of that family that is not unspecified,
loopback, link-local or link-local multicast; or, for FQDN, a fully qualified lowercase domain
name with at least two labels.

## Why is this bad?
The API server refuses the slice. Loopback and link-local endpoints would send Service traffic
to whichever node handles it.

## Example
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: external-db-1
  labels:
    kubernetes.io/service-name: external-db
addressType: IPv4
endpoints:
- addresses:
  - 127.0.0.1
ports:
- name: postgres
  port: 5432
```

## Use instead
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: external-db-1
  labels:
    kubernetes.io/service-name: external-db
addressType: IPv4
endpoints:
- addresses:
  - 203.0.113.20
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

/// `IsFullyQualifiedDomainName`: at most one error, with the joined messages.
fn fqdn_msg(name: &str) -> Option<(String, String)> {
    if name.is_empty() {
        return None;
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errs = formats::dns1123_subdomain_msgs(name);
    if !errs.is_empty() {
        return Some((name.to_string(), errs.join(",")));
    }
    if name.split('.').count() < 2 {
        return Some((name.to_string(), "should be a domain with at least two segments separated by dots".into()));
    }
    name.split('.').find_map(|l| {
        let e = formats::dns1123_label_msgs(l);
        (!e.is_empty()).then(|| (l.to_string(), e.join(",")))
    })
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(root) = super::root(ctx) else { return };
    let ty = root.field("addressType").map_or("", |c| super::s(&c));
    for e in super::endpoints(&root) {
        let list = e.field("addresses");
        if list.as_ref().is_none_or(crate::rules::Cur::is_empty) {
            let path = e.child_path("addresses");
            let span = list.as_ref().map_or_else(|| crate::rules::service::item_head(&e), crate::rules::Cur::key_span);
            sink.field_error_at(span, &path, ErrorType::Required, formats::required("must contain at least 1 address"))
                .help("list the endpoint's address(es)");
            continue;
        }
        let Some(list) = list else { continue };
        for (_, a) in list.items() {
            let v = super::s(&a);
            let mut errs: Vec<(String, String)> = Vec::new();
            match ty {
                "IPv4" | "IPv6" => {
                    let parsed = formats::parse_ip(v);
                    let ok = parsed.is_some_and(|p| p.is_ipv4() == (ty == "IPv4"));
                    if !ok {
                        errs.push((v.to_string(), format!("must be a valid {ty} address")));
                    }
                    errs.extend(special_ip_msgs(v).into_iter().map(|m| (v.to_string(), m)));
                }
                "FQDN" => {
                    if v.is_empty() {
                        sink.field_error(&a, ErrorType::Required, formats::required("")).help("write the endpoint's host name");
                    }
                    errs.extend(fqdn_msg(v));
                }
                // Unknown types are not validated (addressType reports them).
                _ => {}
            }
            for (value, m) in errs {
                sink.field_error(&a, ErrorType::Invalid, formats::invalid(&value, &m))
                    .help(format!("this slice's addressType is {ty}: write a routable {ty} value"));
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
        let t = |ty: &str, a: &str| hits(&slice(&format!("addressType: {ty}\nendpoints:\n- addresses: [{a}]\n")), r);
        let p = "endpoints[0].addresses[0]";
        assert_eq!(t("IPv4", "127.0.0.1"), pairs(&[(p, "Invalid")]));
        // Not an IP at all: the IPv4 check and the endpoint-IP check both fail.
        assert_eq!(t("IPv4", "web"), pairs(&[(p, "Invalid"), (p, "Invalid")]));
        assert_eq!(t("IPv4", "\"2001:db8::1\""), pairs(&[(p, "Invalid")]));
        assert_eq!(t("IPv6", "10.0.0.1"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("FQDN", "localhost"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("FQDN", "DB.example.com"), pairs(&[(p, "Invalid")]));
        assert!(t("FQDN", "db.example.com.").is_empty());
        assert!(t("IPv4", "10.1.2.3").is_empty());
        assert!(t("IPv6", "\"2001:db8::1\"").is_empty());
        assert_eq!(hits(&slice("addressType: IPv4\nendpoints:\n- addresses: []\n"), r), pairs(&[("endpoints[0].addresses", "Required")]));
        assert_eq!(hits(&slice("addressType: IPv4\nendpoints:\n- nodeName: n1\n"), r), pairs(&[("endpoints[0].addresses", "Required")]));
    }
}
