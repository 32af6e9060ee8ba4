//! `service-topology-annotations-conflict`: topology-mode and topology-aware-hints disagree.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const MODE: &str = "service.kubernetes.io/topology-mode";
const HINTS: &str = "service.kubernetes.io/topology-aware-hints";

pub static RULE: Rule = Rule {
    name: "service-topology-annotations-conflict",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The `topology-mode` annotation and the deprecated `topology-aware-hints` annotation have different values.",
    docs: rule_docs!(
        r#"## What it does
Reports a Service that carries both `service.kubernetes.io/topology-mode` and its deprecated
predecessor `service.kubernetes.io/topology-aware-hints` with different values.

## Why is this bad?
The API server refuses the Service: it cannot tell which of the two settings you mean.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.kubernetes.io/topology-mode: Auto
    service.kubernetes.io/topology-aware-hints: Disabled
spec:
  selector:
    app: web
  ports:
  - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.kubernetes.io/topology-mode: Auto
spec:
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Topology Aware Routing: <https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/>
"#
    ),
    spec: &["S-02"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if super::spec(ctx).is_none() {
        return;
    }
    let Some(ann) = ctx.root().field("metadata").and_then(|m| m.field("annotations")) else { return };
    let (mut mode, mut hints) = (None, None);
    for (k, c) in ann.entries() {
        if k == MODE {
            mode = Some(c);
        } else if k == HINTS {
            hints = Some(c);
        }
    }
    let (Some(mode), Some(hints)) = (mode, hints) else { return };
    let (m, h) = (super::s(&mode), super::s(&hints));
    if m != h {
        let file = sink.file;
        sink.field_error_at(
            mode.span(),
            &format!("metadata.annotations[{MODE}]"),
            ErrorType::Invalid,
            formats::invalid(m, &format!("must match annotations[{HINTS}] when both are specified")),
        )
        .help(format!("remove the deprecated `{HINTS}` annotation and keep `{MODE}`"))
        .secondary(file, hints.span(), format!("{HINTS} is {h:?}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let m =
            |a: &str| format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n{a}spec:\n  ports:\n  - port: 80\n");
        let r = super::RULE.name;
        assert_eq!(
            hits(&m("    service.kubernetes.io/topology-mode: Auto\n    service.kubernetes.io/topology-aware-hints: \"off\"\n"), r),
            pairs(&[("metadata.annotations[service.kubernetes.io/topology-mode]", "Invalid")])
        );
        assert!(
            hits(&m("    service.kubernetes.io/topology-mode: Auto\n    service.kubernetes.io/topology-aware-hints: Auto\n"), r).is_empty()
        );
        assert!(hits(&m("    service.kubernetes.io/topology-mode: Auto\n"), r).is_empty());
    }
}
