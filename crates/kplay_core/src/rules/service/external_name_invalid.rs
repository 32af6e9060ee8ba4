//! `service-external-name-invalid`: an ExternalName Service without a valid DNS name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-external-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.externalName` of an ExternalName Service is missing or not a lowercase DNS name.",
    docs: rule_docs!(
        r#"## What it does
For Services of type ExternalName, checks that `spec.externalName` is set and is a DNS-1123
subdomain (lowercase letters, digits, `-` and `.`; one trailing `.` is allowed). Digits-only
names such as `1.2.3.4` pass, as on the server; for other types the field is not checked.

## Why is this bad?
The API server refuses the Service; the value becomes a DNS CNAME, so it must be a host name,
not a URL or a name with a port.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: https://db.example.com:5432
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
    spec: &["S-09", "S-10"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    if super::type_of(&spec) != "ExternalName" {
        return;
    }
    let field = super::field_str(&spec, "externalName");
    let cname = field.as_ref().map_or("", |(_, v)| v.strip_suffix('.').unwrap_or(v));
    match field {
        Some((c, _)) if !cname.is_empty() => {
            for m in formats::dns1123_subdomain_msgs(cname) {
                sink.field_error(&c, ErrorType::Invalid, formats::invalid(cname, &m))
                    .help("write a lowercase host name such as `db.example.com` (no scheme, port or path)");
            }
        }
        Some((c, _)) => {
            sink.field_error(&c, ErrorType::Required, formats::required("")).help("set `externalName` to the DNS name the Service aliases");
        }
        None => {
            sink.required(&spec, "externalName", formats::required("")).help("set `externalName` to the DNS name the Service aliases");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |v: &str| hits(&svc(&format!("  type: ExternalName\n{v}")), r);
        // svc-043
        assert_eq!(t("  externalName: DB_Host.example.com\n"), pairs(&[("spec.externalName", "Invalid")]));
        assert_eq!(t(""), pairs(&[("spec.externalName", "Required")]));
        assert_eq!(t("  externalName: \".\"\n"), pairs(&[("spec.externalName", "Required")]));
        assert!(t("  externalName: db.example.com.\n").is_empty());
        assert!(t("  externalName: 1.2.3.4\n").is_empty());
        assert!(hits(&svc("  externalName: NOT_CHECKED\n  ports:\n  - port: 80\n"), r).is_empty());
    }
}
