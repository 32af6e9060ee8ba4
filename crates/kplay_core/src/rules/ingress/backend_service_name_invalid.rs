//! `ingress-backend-service-name-invalid`: a backend Service name missing or not a valid name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-backend-service-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An Ingress backend's `service.name` is empty or not a valid Service name (DNS-1035 label; DNS-1123 label from 1.36).",
    docs: rule_docs!(
        r#"## What it does
Checks `service.name` of each Ingress backend: required, and a valid Service name. Up to
Kubernetes 1.35 that is a DNS-1035 label (lowercase letters, digits and `-`, starting with a
letter, at most 63 characters); from 1.36 (RelaxedServiceNameValidation) a DNS-1123 label, which
may start with a digit.

## Why is this bad?
The API server refuses the Ingress; no Service could have such a name.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: Web_Frontend
      port:
        number: 80
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web-frontend
      port:
        number: 80
```

## References
- Ingress backends: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules>
"#
    ),
    spec: &["I-16", "I-17"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let relaxed = ctx.opts.kube_version.at_least(36);
    for (b, _, _) in super::backends(&spec) {
        let Some(b) = b else { continue };
        if b.field("resource").is_some() {
            continue;
        }
        let Some(svc) = b.field("service") else { continue };
        let name = svc.field("name");
        let v = name.as_ref().map_or("", super::s);
        if v.is_empty() {
            let d = match &name {
                Some(c) => sink.field_error(c, ErrorType::Required, formats::required("")),
                None => sink.required(&svc, "name", formats::required("")),
            };
            d.help("name the Service that receives the traffic");
            continue;
        }
        let Some(c) = name else { continue };
        let msgs = if relaxed { formats::dns1123_label_msgs(v) } else { formats::dns1035_label_msgs(v) };
        for m in msgs {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                .help("use the Service's `metadata.name`: lowercase letters, digits and `-`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ing, one_path};
    use crate::rules::service::testing::{hits, hits_at, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |n: &str| {
            one_path(&format!("      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {n}\n            port:\n              number: 80\n"))
        };
        let p = "spec.rules[0].http.paths[0].backend.service.name";
        // ing-122
        assert_eq!(hits(&t("Web_1"), r), pairs(&[(p, "Invalid")]));
        assert_eq!(hits(&t("1web"), r), pairs(&[(p, "Invalid")]));
        assert!(hits_at(&t("1web"), r, 36).is_empty());
        assert_eq!(hits(&t("\"\""), r), pairs(&[(p, "Required")]));
        assert!(hits(&t("web"), r).is_empty());
        let d = ing("  defaultBackend:\n    service:\n      port:\n        number: 80\n");
        assert_eq!(hits(&d, r), pairs(&[("spec.defaultBackend.service.name", "Required")]));
    }
}
