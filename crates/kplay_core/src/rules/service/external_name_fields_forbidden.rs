//! `service-external-name-fields-forbidden`: cluster IPs or IP families on an ExternalName Service.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-external-name-fields-forbidden",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An ExternalName Service sets `clusterIP(s)`, `ipFamilies` or `ipFamilyPolicy`.",
    docs: rule_docs!(
        r#"## What it does
Reports `clusterIP`/`clusterIPs` (even `None`), `ipFamilies` and `ipFamilyPolicy` on a Service
of type ExternalName. A `clusterIP` is copied into `clusterIPs` first, so the error names
`spec.clusterIPs`.

## Why is this bad?
An ExternalName Service is only a DNS CNAME: it has no cluster IP and no IP family, and the API
server refuses these fields.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: db.example.com
  clusterIP: None
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: db.example.com
```

## References
- ExternalName: <https://kubernetes.io/docs/concepts/services-networking/service/#externalname>
"#
    ),
    spec: &["S-07", "S-08"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    if super::type_of(&spec) != "ExternalName" {
        return;
    }
    let help = "an ExternalName Service is a DNS alias without cluster IP: remove the field";
    if let Some(c) = spec.field("clusterIPs").filter(|c| !c.is_empty()) {
        sink.field_error_at(
            c.span(),
            "spec.clusterIPs",
            ErrorType::Forbidden,
            formats::forbidden("may not be set for ExternalName services"),
        )
        .help(help);
    }
    if let Some(c) = spec.field("ipFamilies").filter(|c| !c.is_empty()) {
        sink.field_error_at(
            c.key_span(),
            "spec.ipFamilies",
            ErrorType::Forbidden,
            formats::forbidden("may not be set for ExternalName services"),
        )
        .help(help);
    }
    if let Some(c) = spec.field("ipFamilyPolicy") {
        sink.field_error_at(
            c.key_span(),
            "spec.ipFamilyPolicy",
            ErrorType::Forbidden,
            formats::forbidden("may not be set for ExternalName services"),
        )
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let en = "  type: ExternalName\n  externalName: db.example.com\n";
        assert_eq!(hits(&svc(&format!("{en}  clusterIP: None\n")), r), pairs(&[("spec.clusterIPs", "Forbidden")]));
        assert_eq!(
            hits(&svc(&format!("{en}  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n")), r),
            pairs(&[("spec.ipFamilies", "Forbidden"), ("spec.ipFamilyPolicy", "Forbidden")])
        );
        assert!(hits(&svc(en), r).is_empty());
    }
}
