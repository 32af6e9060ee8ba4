//! `update-strategy-invalid`: Deployment strategy, DaemonSet and StatefulSet update strategies,
//! int-or-percent values (D-11..D-15).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats::{self, IntOrString, Values};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::yaml::Resolved;

pub static UPDATE_STRATEGY_INVALID: Rule = Rule {
    name: "update-strategy-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The rollout strategy has an unknown type or invalid `maxSurge` / `maxUnavailable` values.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.strategy` of Deployments and `spec.updateStrategy` of DaemonSets and StatefulSets:
the type must be known, `rollingUpdate` may only go with the rolling type, `maxSurge` and
`maxUnavailable` must be non-negative integers or percents like `25%` (a quoted `"25"` is a
string without `%`), `maxUnavailable` may not exceed 100% and both may not be 0 (`maxSurge` may
exceed 100%). A missing value counts with its default (25% for Deployments).

## Why is this bad?
The API server rejects the object: with both 0 a rollout could never make progress.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- Deployment strategy: <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy>
"#
    ),
    spec: &["D-11", "D-12", "D-13", "D-14", "D-15"],
    check: Some(check),
};

/// `getIntOrPercentValue`: a valid percent's number, else the int (a numeric string counts).
fn value(c: Option<&Cur<'_>>) -> i64 {
    let Some(c) = c else { return 0 };
    match c.node.resolved() {
        Some(Resolved::Str(s)) => formats::parse_percent(s).map_or_else(|| s.parse().unwrap_or(0), |p| p.min(i64::MAX as u64) as i64),
        // kubectl's YAML reader writes a whole float (`1.0`, `1e0`) as a JSON integer.
        _ => c.node.as_i64().unwrap_or(0),
    }
}

/// An `intstr.IntOrString` as `field.Error` prints it: before 1.34 through its pointer's
/// `String()` (`25%`, `25`, `0` unquoted), from 1.34 through its `MarshalJSON` (`"25%"`
/// quoted, numbers bare): see [`formats::JSON_VALUES_FROM`].
fn int_or_string_text(values: Values, c: &Cur<'_>) -> String {
    match c.node.resolved() {
        Some(Resolved::Str(s)) => values.int_or_string(IntOrString::Str(s)),
        _ => c.node.as_i64().map_or_else(|| c.text().unwrap_or("").to_string(), |i| values.int_or_string(IntOrString::Int(i))),
    }
}

/// `Invalid value: <IntOrString>: <detail>`.
fn invalid_ios(values: Values, c: &Cur<'_>, detail: &str) -> String {
    format!("Invalid value: {}: {detail}", int_or_string_text(values, c))
}

/// `ValidatePositiveIntOrPercent` (+ `IsNotMoreThan100Percent` when `max100`).
fn int_or_percent(sink: &mut Sink<'_>, values: Values, c: Option<&Cur<'_>>, max100: bool) {
    let Some(c) = c else { return };
    match c.node.resolved() {
        Some(Resolved::Str(s)) => {
            for m in formats::percent_msgs(s) {
                sink.field_error(c, ErrorType::Invalid, invalid_ios(values, c, &m))
                    .help("write a percent like `25%` or an unquoted integer");
            }
            if max100 && formats::parse_percent(s).is_some_and(|p| p > 100) {
                sink.field_error(c, ErrorType::Invalid, invalid_ios(values, c, "must not be greater than 100%")).help("use at most `100%`");
            }
        }
        _ => {
            if let Some(i) = c.node.as_i64().filter(|&i| i < 0) {
                sink.field_error(c, ErrorType::Invalid, formats::invalid_num(i, "must be greater than or equal to 0"))
                    .help("use 0 or more");
            }
        }
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = ctx.root().field("spec") else { return };
    match ctx.kind() {
        "Deployment" => deployment(sink, ctx.values(), &spec),
        "DaemonSet" => daemon_set(sink, ctx.values(), &spec),
        "StatefulSet" => stateful_set(sink, ctx.values(), &spec, ctx.opts.kube_version.at_least(37)),
        _ => {}
    }
}

fn type_of<'a>(s: &Cur<'a>) -> &'a str {
    s.field("type").and_then(|t| t.text()).unwrap_or("")
}

fn deployment(sink: &mut Sink<'_>, values: Values, spec: &Cur<'_>) {
    let Some(st) = spec.field("strategy") else { return };
    match type_of(&st) {
        "Recreate" => {
            if let Some(ru) = st.field("rollingUpdate") {
                sink.field_error(&ru, ErrorType::Forbidden, formats::forbidden("may not be specified when strategy `type` is 'Recreate'"))
                    .help("remove `rollingUpdate` or use `type: RollingUpdate`");
            }
        }
        "RollingUpdate" => {
            let Some(ru) = st.field("rollingUpdate") else { return };
            let mu = ru.field("maxUnavailable");
            let ms = ru.field("maxSurge");
            int_or_percent(sink, values, mu.as_ref(), false);
            int_or_percent(sink, values, ms.as_ref(), false);
            if value(mu.as_ref()) == 0 && value(ms.as_ref()) == 0 {
                let at = mu.clone().unwrap_or_else(|| Cur::new(ru.node, ru.child_path("maxUnavailable")));
                let msg = if mu.is_some() {
                    invalid_ios(values, &at, "may not be 0 when `maxSurge` is 0")
                } else {
                    "Invalid value: 0: may not be 0 when `maxSurge` is 0".to_string()
                };
                sink.field_error(&at, ErrorType::Invalid, msg)
                    .help("let at least one of `maxSurge` and `maxUnavailable` be above 0, or the rollout cannot progress");
            }
            if let Some(m) = &mu {
                if let Some(Resolved::Str(s)) = m.node.resolved() {
                    if formats::parse_percent(s).is_some_and(|p| p > 100) {
                        sink.field_error(m, ErrorType::Invalid, invalid_ios(values, m, "must not be greater than 100%"))
                            .help("use at most `100%`");
                    }
                }
            }
        }
        other => {
            // The bad value is the whole `*apps.DeploymentStrategy`, which has no String(): `%#v`
            // before 1.34 (the `rollingUpdate` pointer as nil or an address), JSON from 1.34
            // (the internal `RollingUpdateDeployment`'s two IntOrStrings, zero when unset).
            let ru = st.field("rollingUpdate").filter(|r| !r.node.is_null()).map(|r| {
                let ios =
                    |k: &str| r.field(k).map_or_else(|| values.int_or_string(IntOrString::Int(0)), |c| int_or_string_text(values, &c));
                values
                    .go_struct("apps.RollingUpdateDeployment", &[("MaxUnavailable", ios("maxUnavailable")), ("MaxSurge", ios("maxSurge"))])
            });
            let value = values.go_struct(
                "apps.DeploymentStrategy",
                &[("Type", values.string(other)), ("RollingUpdate", values.pointer("*apps.RollingUpdateDeployment", ru))],
            );
            let supported: Vec<String> = ["Recreate", "RollingUpdate"].iter().map(|s| formats::quote(s)).collect();
            sink.field_error(
                &st,
                ErrorType::NotSupported,
                format!("Unsupported value: {value}: supported values: {}", supported.join(", ")),
            )
            .help("use `type: RollingUpdate` or `type: Recreate`");
        }
    }
}

fn daemon_set(sink: &mut Sink<'_>, values: Values, spec: &Cur<'_>) {
    let Some(st) = spec.field("updateStrategy") else { return };
    match type_of(&st) {
        "OnDelete" => {}
        "RollingUpdate" => {
            let Some(ru) = st.field("rollingUpdate") else {
                sink.required(&st, "rollingUpdate", formats::required("")).help("add `rollingUpdate`");
                return;
            };
            let mu = ru.field("maxUnavailable");
            let ms = ru.field("maxSurge");
            int_or_percent(sink, values, mu.as_ref(), true);
            int_or_percent(sink, values, ms.as_ref(), true);
            let (hu, hs) = (value(mu.as_ref()) != 0, value(ms.as_ref()) != 0);
            if hu && hs {
                if let Some(s) = &ms {
                    sink.field_error(s, ErrorType::Invalid, invalid_ios(values, s, "may not be set when maxUnavailable is non-zero"))
                        .help("a DaemonSet either surges or makes pods unavailable: set one of them to 0");
                }
            } else if !hu && !hs {
                sink.field_error_at(
                    mu.as_ref().map_or(ru.key_span(), Cur::span),
                    &ru.child_path("maxUnavailable"),
                    ErrorType::Required,
                    formats::required("cannot be 0 when maxSurge is 0"),
                )
                .help("set `maxUnavailable` (e.g. 1) or `maxSurge` above 0");
            }
        }
        other => {
            sink.field_error(&st, ErrorType::NotSupported, formats::not_supported(other, &["RollingUpdate", "OnDelete"]))
                .help("use `RollingUpdate` or `OnDelete`");
        }
    }
}

/// `max_unavailable`: MaxUnavailableStatefulSet is on (1.37); before, the field is dropped.
fn stateful_set(sink: &mut Sink<'_>, values: Values, spec: &Cur<'_>, max_unavailable: bool) {
    let Some(st) = spec.field("updateStrategy") else { return };
    match type_of(&st) {
        "OnDelete" => {
            if let Some(ru) = st.field("rollingUpdate") {
                sink.field_error(&ru, ErrorType::Invalid, "Invalid value: only allowed for updateStrategy 'RollingUpdate'")
                    .help("remove `rollingUpdate`");
            }
        }
        "RollingUpdate" => {
            let Some(ru) = st.field("rollingUpdate") else { return };
            if let Some(p) = ru.field("partition") {
                if let Some(n) = p.i64().filter(|n| *n < 0) {
                    sink.field_error(&p, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0"))
                        .help("use 0 or more");
                }
            }
            if let Some(m) = ru.field("maxUnavailable").filter(|_| max_unavailable) {
                int_or_percent(sink, values, Some(&m), true);
                if value(Some(&m)) == 0 {
                    sink.field_error(&m, ErrorType::Invalid, invalid_ios(values, &m, "cannot be 0")).help("use at least 1");
                }
            }
        }
        other => {
            sink.field_error(&st, ErrorType::Invalid, formats::invalid(other, "must be 'RollingUpdate' or 'OnDelete'"))
                .help("use `RollingUpdate` or `OnDelete`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "update-strategy-invalid";

    fn dep(strategy: &str) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  strategy:\n{strategy}  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
    }

    #[test]
    fn table() {
        let ru = |body: &str| dep(&format!("    type: RollingUpdate\n    rollingUpdate:\n{body}"));
        assert_eq!(errors_of(R, &ru("      maxSurge: '25'\n")), pairs(&[("spec.strategy.rollingUpdate.maxSurge", "Invalid")]));
        assert_eq!(
            errors_of(R, &ru("      maxSurge: 0\n      maxUnavailable: 0\n")),
            pairs(&[("spec.strategy.rollingUpdate.maxUnavailable", "Invalid")])
        );
        assert_eq!(errors_of(R, &ru("      maxSurge: 0\n      maxUnavailable: 100%\n")), pairs(&[]));
        assert_eq!(
            errors_of(R, &ru("      maxSurge: 200%\n      maxUnavailable: 101%\n")),
            pairs(&[("spec.strategy.rollingUpdate.maxUnavailable", "Invalid")])
        );
        assert_eq!(errors_of(R, &ru("      maxSurge: 0\n      maxUnavailable: 1\n")), pairs(&[]));
        assert_eq!(
            errors_of(R, &dep("    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n")),
            pairs(&[("spec.strategy.rollingUpdate", "Forbidden")])
        );
        assert_eq!(errors_of(R, &dep("    type: BlueGreen\n")), pairs(&[("spec.strategy", "NotSupported")]));
        // IntOrString values print through their String() before 1.34 (unquoted), as JSON from
        // 1.34 (a string quoted, a number bare).
        let msgs = |y: &str, minor| crate::rules::pod::util::messages_of_version(R, y, crate::KubeVersion::new(minor));
        for minor in [33, 34] {
            assert_eq!(
                msgs(&ru("      maxSurge: 0\n      maxUnavailable: 0\n"), minor),
                ["Invalid value: 0: may not be 0 when `maxSurge` is 0"]
            );
        }
        assert_eq!(msgs(&ru("      maxUnavailable: 150%\n"), 33), ["Invalid value: 150%: must not be greater than 100%"]);
        assert_eq!(msgs(&ru("      maxUnavailable: 150%\n"), 34), [r#"Invalid value: "150%": must not be greater than 100%"#]);
        assert!(msgs(&ru("      maxSurge: '25'\n"), 33)[0].starts_with("Invalid value: 25: a valid percent string"));
        assert!(msgs(&ru("      maxSurge: '25'\n"), 34)[0].starts_with(r#"Invalid value: "25": a valid percent string"#));
        // The value is the whole strategy: `%#v` before 1.34, JSON from 1.34.
        let supported = r#": supported values: "Recreate", "RollingUpdate""#;
        assert_eq!(
            msgs(&dep("    type: BlueGreen\n"), 33),
            [format!(
                r#"Unsupported value: apps.DeploymentStrategy{{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}}{supported}"#
            )]
        );
        assert_eq!(
            msgs(&dep("    type: BlueGreen\n"), 34),
            [format!(r#"Unsupported value: {{"Type":"BlueGreen","RollingUpdate":null}}{supported}"#)]
        );
        assert_eq!(
            msgs(&dep("    type: BlueGreen\n    rollingUpdate: {maxSurge: 25%}\n"), 33),
            [format!(
                r#"Unsupported value: apps.DeploymentStrategy{{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(0xc000…)}}{supported}"#
            )]
        );
        assert_eq!(
            msgs(&dep("    type: BlueGreen\n    rollingUpdate: {maxSurge: 25%}\n"), 34),
            [format!(r#"Unsupported value: {{"Type":"BlueGreen","RollingUpdate":{{"MaxUnavailable":0,"MaxSurge":"25%"}}}}{supported}"#)]
        );
        let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  updateStrategy:\n    rollingUpdate: {maxSurge: 1}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n      - name: agent\n        image: fluent/fluent-bit:3.1\n";
        assert_eq!(errors_of(R, ds), pairs(&[("spec.updateStrategy.rollingUpdate.maxSurge", "Invalid")]));
    }
}
