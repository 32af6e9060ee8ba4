//! `service-external-ip-invalid`: an externalIP that is not a usable unicast address.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-external-ip-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A `spec.externalIPs` entry is not an IP address, or is unspecified, loopback or link-local.",
    docs: rule_docs!(
        r#"## What it does
Checks each `spec.externalIPs` entry: it must be an IP address (from 1.36 also without leading
zeros or IPv4-mapped form), and not `0.0.0.0`/`::`, loopback, link-local (`169.254.0.0/16`,
`fe80::/10`) or link-local multicast.

## Why is this bad?
The API server refuses the Service; such addresses would hijack node-local traffic.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  externalIPs:
  - 127.0.0.1
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
  selector:
    app: web
  externalIPs:
  - 203.0.113.10
  ports:
  - port: 80
```

## References
- External IPs: <https://kubernetes.io/docs/concepts/services-networking/service/#external-ips>
"#
    ),
    spec: &["S-15"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(list) = spec.field("externalIPs") else { return };
    let strict = ctx.opts.kube_version.at_least(36);
    for (_, c) in list.items() {
        let v = super::s(&c);
        let mut msgs = formats::ip_msgs(v, strict);
        let format_ok = msgs.is_empty();
        if format_ok {
            msgs = super::special_ip_msgs(v);
        }
        for m in msgs {
            let help = if format_ok {
                "use an address that routes to your nodes from outside, not a loopback, link-local or unspecified one"
            } else {
                "write a plain IPv4 or IPv6 address such as 203.0.113.10"
            };
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m)).help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, hits_at, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |ips: &str| hits(&svc(&format!("  externalIPs: [{ips}]\n  ports:\n  - port: 80\n")), r);
        assert_eq!(t("127.0.0.1, 1.2.3"), pairs(&[("spec.externalIPs[0]", "Invalid"), ("spec.externalIPs[1]", "Invalid")]));
        assert_eq!(t("0.0.0.0"), pairs(&[("spec.externalIPs[0]", "Invalid")]));
        assert!(t("203.0.113.10, 2001:db8::1").is_empty());
        // Leading zeros: accepted before 1.36, rejected from 1.36.
        assert!(t("203.0.113.010").is_empty());
        let y = svc("  externalIPs: [203.0.113.010]\n  ports:\n  - port: 80\n");
        assert_eq!(hits_at(&y, r, 36), pairs(&[("spec.externalIPs[0]", "Invalid")]));
    }
}
