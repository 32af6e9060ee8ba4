//! `service-ports-required`: a Service without ports that is neither headless nor ExternalName.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-ports-required",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The Service has no ports; only headless and ExternalName Services may omit them.",
    docs: rule_docs!(
        r#"## What it does
Reports a Service with an empty or missing `spec.ports` unless it is headless (`clusterIP: None`)
or of type ExternalName.

## Why is this bad?
The API server refuses it: a Service with a cluster IP forwards ports, and without ports there
is nothing to forward.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
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
  ports:
  - name: http
    port: 80
    targetPort: 8080
```

## References
- Defining a Service: <https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service>
"#
    ),
    spec: &["S-03"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let ports = spec.field("ports");
    if ports.as_ref().is_some_and(|p| !p.is_empty()) || super::is_headless(&spec) || super::type_of(&spec) == "ExternalName" {
        return;
    }
    let d = match &ports {
        Some(p) => sink.field_error_at(p.key_span(), "spec.ports", ErrorType::Required, formats::required("")),
        None => sink.required(&spec, "ports", formats::required("")),
    };
    d.help("list the ports the Service forwards (`ports: [{port: 80, targetPort: 8080}]`), or make it headless with `clusterIP: None`");
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(hits(&svc("  selector:\n    app: web\n"), r), pairs(&[("spec.ports", "Required")]));
        assert_eq!(hits(&svc("  ports: []\n"), r), pairs(&[("spec.ports", "Required")]));
        assert!(hits(&svc("  clusterIP: None\n"), r).is_empty());
        assert!(hits(&svc("  type: ExternalName\n  externalName: db.example.com\n"), r).is_empty());
    }
}
