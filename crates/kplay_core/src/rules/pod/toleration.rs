//! `toleration-invalid`: `spec.tolerations[]` (P-19..P-25), ported from `ValidateTolerations`.
//! Note the server's paths: a bad `value` is reported on `operator`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, qualified_name, text};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::KubeVersion;

pub static TOLERATION_INVALID: Rule = Rule {
    name: "toleration-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A toleration has an invalid key, operator, value or effect combination.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.tolerations`: the key must be a label key; an empty key needs `operator: Exists`;
`Exists` takes no value and `Equal` a valid label value; `effect` must be `NoSchedule`,
`PreferNoSchedule` or `NoExecute`, and `tolerationSeconds` only goes with `NoExecute`.

## Why is this bad?
The API server rejects the object. A toleration with `Exists` and a value looks as if it only
tolerated that value, but `Exists` matches every value.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  tolerations:
    - key: dedicated
      operator: Exists
      value: gpu
      effect: NoSchedule
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  tolerations:
    - key: dedicated
      operator: Equal
      value: gpu
      effect: NoSchedule
```

## References
- Taints and tolerations: <https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>
- `ValidateTolerations` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-19", "P-20", "P-21", "P-22", "P-23", "P-24", "P-25"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let Some(tols) = spec.field("tolerations") else { return };
    validate(sink, &tols, ctx.opts.kube_version);
}

/// `ValidateTolerations` over the list `tols` (`spec.tolerations`, or the tolerations the
/// legacy annotation holds).
pub(crate) fn validate(sink: &mut Sink<'_>, tols: &Cur<'_>, version: KubeVersion) {
    // TaintTolerationComparisonOperators (off through 1.37) added Lt/Gt to the message in 1.35.
    let lt_gt = version.at_least(35);
    for (_, t) in tols.items() {
        let key = text(&t, "key");
        if let Some(k) = t.field("key").filter(|_| !key.is_empty()) {
            qualified_name(sink, &k, key);
        }
        let op = text(&t, "operator");
        let op_cur = child_or_parent(&t, "operator");
        if key.is_empty() && op != "Exists" {
            sink.field_error(
                &op_cur,
                ErrorType::Invalid,
                formats::invalid(op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""),
            )
            .help("set `operator: Exists` to tolerate every taint, or give a `key`");
        }
        let effect = text(&t, "effect");
        if t.field("tolerationSeconds").is_some() && effect != "NoExecute" {
            sink.field_error(
                &child_or_parent(&t, "effect"),
                ErrorType::Invalid,
                formats::invalid(effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
            )
            .help("use `effect: NoExecute` or remove `tolerationSeconds`");
        }
        let value = text(&t, "value");
        match op {
            "Equal" | "" => {
                let msgs = formats::label_value_msgs(value);
                if !msgs.is_empty() {
                    sink.field_error(&op_cur, ErrorType::Invalid, formats::invalid(value, &msgs.join(";")))
                        .help("use a label value: at most 63 letters, digits, `-`, `_` and `.`");
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    sink.field_error(
                        &op_cur,
                        ErrorType::Invalid,
                        formats::invalid(value, "value must be empty when `operator` is 'Exists'"),
                    )
                    .help("remove `value`, or use `operator: Equal` to match only that value");
                }
            }
            _ => {
                let supported: &[&str] =
                    if lt_gt && matches!(op, "Lt" | "Gt") { &["Equal", "Exists", "Lt", "Gt"] } else { &["Equal", "Exists"] };
                let help = if matches!(op, "Lt" | "Gt") {
                    "use `Equal` or `Exists`: `Lt` and `Gt` need the TaintTolerationComparisonOperators feature gate, off by default (alpha)"
                } else {
                    "use `Equal` or `Exists`"
                };
                sink.field_error(&op_cur, ErrorType::NotSupported, formats::not_supported(op, supported)).help(help);
            }
        }
        if let Some(e) = t.field("effect").filter(|_| !effect.is_empty()) {
            const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
            if !EFFECTS.contains(&effect) {
                sink.field_error(&e, ErrorType::NotSupported, formats::not_supported(effect, EFFECTS))
                    .help("use `NoSchedule`, `PreferNoSchedule` or `NoExecute` (or omit it to match every effect)");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "toleration-invalid";

    fn t(tol: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n  tolerations:\n{tol}"))
    }

    #[test]
    fn table() {
        let op = "spec.tolerations[0].operator";
        assert_eq!(errors_of(R, &t("  - key: dedicated\n    operator: Exists\n    value: gpu\n")), pairs(&[(op, "Invalid")]));
        assert_eq!(errors_of(R, &t("  - operator: Equal\n    value: x\n")), pairs(&[(op, "Invalid")]));
        assert_eq!(errors_of(R, &t("  - key: a\n    value: 'a b'\n")), pairs(&[(op, "Invalid")]));
        assert_eq!(errors_of(R, &t("  - key: a\n    operator: In\n")), pairs(&[(op, "NotSupported")]));
        assert_eq!(
            errors_of(R, &t("  - key: a\n    operator: Exists\n    effect: NoSchedule\n    tolerationSeconds: 10\n")),
            pairs(&[("spec.tolerations[0].effect", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &t("  - key: a\n    operator: Exists\n    effect: Never\n")),
            pairs(&[("spec.tolerations[0].effect", "NotSupported")])
        );
        assert_eq!(errors_of(R, &t("  - key: a/b/c\n    operator: Exists\n")), pairs(&[("spec.tolerations[0].key", "Invalid")]));
        assert_eq!(
            errors_of(R, &t("  - operator: Exists\n  - key: a\n    value: b\n    effect: NoExecute\n    tolerationSeconds: 5\n")),
            pairs(&[])
        );
    }
}
