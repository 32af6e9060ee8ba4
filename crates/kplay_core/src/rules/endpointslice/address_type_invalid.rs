//! `endpointslice-address-type-invalid`: a missing or unknown `addressType`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const TYPES: &[&str] = &["FQDN", "IPv4", "IPv6"];

pub static RULE: Rule = Rule {
    name: "endpointslice-address-type-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An EndpointSlice's `addressType` is missing or not IPv4, IPv6 or FQDN.",
    docs: rule_docs!(
        r#"## What it does
Checks `addressType` of EndpointSlices: required, and one of `IPv4`, `IPv6`, `FQDN` (the old
`IP` is refused on create).

## Why is this bad?
The API server refuses the slice; the address type decides how every address is read.

## Example
```yaml
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: external-db-1
  labels:
    kubernetes.io/service-name: external-db
addressType: IP
endpoints:
- addresses:
  - 203.0.113.20
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
- EndpointSlices, address types: <https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#address-types>
"#
    ),
    spec: &[],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(root) = super::root(ctx) else { return };
    let help = "set `addressType: IPv4` (or IPv6, FQDN) to match the addresses";
    match root.field("addressType") {
        None => {
            sink.field_error_at(ctx.obj.head_span(), "addressType", ErrorType::Required, formats::required("")).help(help);
        }
        Some(c) => {
            let v = super::s(&c);
            if v.is_empty() {
                sink.field_error(&c, ErrorType::Required, formats::required("")).help(help);
            } else if !TYPES.contains(&v) {
                sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, TYPES)).help(help);
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
        assert_eq!(hits(&slice("addressType: IP\n"), r), pairs(&[("addressType", "NotSupported")]));
        assert_eq!(hits(&slice("endpoints: []\n"), r), pairs(&[("addressType", "Required")]));
        assert!(hits(&slice("addressType: FQDN\n"), r).is_empty());
    }
}
