//! `service-load-balancer-source-range-invalid`: a source range that is not a CIDR.

use super::field_requires_load_balancer::SOURCE_RANGES_ANNOTATION;
use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};
use crate::source::Span;
use crate::yaml::ScalarStyle;

pub static RULE: Rule = Rule {
    name: "service-load-balancer-source-range-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A `loadBalancerSourceRanges` entry (or an entry of the source-ranges annotation) is not a CIDR.",
    docs: rule_docs!(
        r#"## What it does
Checks each entry of `spec.loadBalancerSourceRanges` (surrounding spaces are trimmed) and, when
the field is empty, each comma-separated entry of the
`service.beta.kubernetes.io/load-balancer-source-ranges` annotation: every entry must be a CIDR
such as `203.0.113.0/24`. From Kubernetes 1.36 leading zeros, IPv4-mapped IPv6 and host bits
set beyond the prefix (`192.168.0.5/24`) are rejected too.

## Why is this bad?
The API server refuses the Service. A bare address needs `/32` (or `/128`).

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  loadBalancerSourceRanges:
  - 203.0.113.7
  ports:
  - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  loadBalancerSourceRanges:
  - 203.0.113.7/32
  ports:
  - port: 80
```

## References
- Restricting load balancer access: <https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip>
"#
    ),
    spec: &["S-20", "S-21"],
    check: Some(check),
};

fn help_for(v: &str) -> String {
    if formats::parse_ip(v).is_some() {
        let bits = if v.contains(':') { 128 } else { 32 };
        format!("a single address needs a prefix length: `{v}/{bits}`")
    } else {
        "write a CIDR such as 203.0.113.0/24 (network address, `/`, prefix length)".to_string()
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let strict = ctx.opts.kube_version.at_least(36);
    if let Some(list) = spec.field("loadBalancerSourceRanges").filter(|r| !r.is_empty()) {
        for (i, c) in list.items() {
            let v = super::s(&c).trim();
            for m in formats::cidr_msgs(v, strict) {
                sink.field_error_at(c.span(), &format!("spec.LoadBalancerSourceRanges[{i}]"), ErrorType::Invalid, formats::invalid(v, &m))
                    .help(help_for(v));
            }
        }
        return;
    }
    let Some(ann) = ctx.root().field("metadata").and_then(|m| m.field("annotations")) else { return };
    let Some((_, a)) = ann.entries().find(|(k, _)| *k == SOURCE_RANGES_ANNOTATION) else { return };
    let raw = super::s(&a);
    if raw.trim().is_empty() {
        return;
    }
    let path = format!("metadata.annotations[{SOURCE_RANGES_ANNOTATION}]");
    let mut offset = 0;
    for part in raw.split(',') {
        let v = part.trim();
        let span = sub_span(&a, offset + (part.len() - part.trim_start().len()), v.len());
        offset += part.len() + 1;
        for m in formats::cidr_msgs(v, strict) {
            sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid(v, &m)).help(help_for(v));
        }
    }
}

/// The span of `len` bytes at byte `at` of a scalar's value, when the value is written verbatim
/// (plain or quoted on one line); else the whole scalar.
fn sub_span(c: &crate::rules::Cur<'_>, at: usize, len: usize) -> Span {
    let span = c.span();
    let Some(sc) = c.node.as_scalar() else { return span };
    let quote = match sc.style {
        ScalarStyle::Plain => 0,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1,
        _ => return span,
    };
    if span.len() as usize != sc.value.len() + 2 * quote || sc.value.contains('\n') {
        return span;
    }
    let start = span.start + (quote + at) as u32;
    Span::new(start, start + len as u32)
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, hits_at, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let lb = |ranges: &str| svc(&format!("  type: LoadBalancer\n  loadBalancerSourceRanges: [{ranges}]\n  ports:\n  - port: 80\n"));
        assert_eq!(hits(&lb("203.0.113.7, \" 10.0.0.0/8 \""), r), pairs(&[("spec.LoadBalancerSourceRanges[0]", "Invalid")]));
        assert!(hits(&lb("192.168.0.5/24"), r).is_empty());
        assert_eq!(hits_at(&lb("192.168.0.5/24"), r, 36), pairs(&[("spec.LoadBalancerSourceRanges[0]", "Invalid")]));
        let ann = |v: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: \"{v}\"\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n")
        };
        let p = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
        assert_eq!(hits(&ann("10.0.0.0/8, bad, 1.2.3.4"), r), pairs(&[(p, "Invalid"), (p, "Invalid")]));
        // The same bad entry twice gives two errors (distinct spans keep them apart).
        assert_eq!(hits(&ann("bad,bad"), r), pairs(&[(p, "Invalid"), (p, "Invalid")]));
        assert!(hits(&ann(" "), r).is_empty());
        assert_eq!(hits(&ann("10.0.0.0/8,"), r), pairs(&[(p, "Invalid")]));
    }
}
