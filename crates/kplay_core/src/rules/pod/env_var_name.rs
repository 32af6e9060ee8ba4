//! `env-var-name-invalid`: environment variable names and `envFrom` prefixes (E-01, E-02, E-13).

use crate::diagnostic::Severity;
use crate::rules::formats;
use crate::rules::pod::util::{containers, invalid_each};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static ENV_VAR_NAME_INVALID: Rule = Rule {
    name: "env-var-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An environment variable name is empty or not allowed (e.g. it contains `=`).",
    docs: rule_docs!(
        r#"## What it does
Checks `env[].name` and `envFrom[].prefix` of every container, init container and ephemeral
container, in Pods and pod templates. Since Kubernetes 1.32 (GA in 1.34) a name may hold any
printable ASCII character except `=`; up to 1.31 it had to match `[-._a-zA-Z][-._a-zA-Z0-9]*`.

## Why is this bad?
The API server rejects the object (`spec.containers[0].env[0].name: Invalid value`). A name like
`MY_VARIABLE=value` usually means the name and the value were written in one field.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image:1.0
      env:
        - name: MY_VARIABLE=value
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image:1.0
      env:
        - name: MY_VARIABLE
          value: "value"
```

## References
- Define environment variables for a container: <https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/>
- `IsRelaxedEnvVarName` / `IsEnvVarName` in `k8s.io/apimachinery/pkg/util/validation`
"#
    ),
    spec: &["E-01", "E-02", "E-13"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    // RelaxedEnvironmentVariableValidation: beta (on) from 1.32, GA in 1.34.
    let relaxed = ctx.opts.kube_version.at_least(32);
    let name_msgs = |v: &str| if relaxed { formats::env_var_name_relaxed_msgs(v) } else { formats::env_var_name_strict_msgs(v) };
    for (_, c) in containers(&spec) {
        if let Some(env) = c.field("env") {
            for (_, e) in env.items() {
                match e.field("name").filter(|n| !n.text().unwrap_or("").is_empty()) {
                    None => {
                        sink.required(&e, "name", formats::required("")).help("give every `env` entry a `name`");
                    }
                    Some(n) => {
                        let v = n.text().unwrap_or("");
                        let help = match v.split_once('=') {
                            Some((name, value)) if relaxed => {
                                format!("write the name and the value as two fields: name: {name} / value: {value:?}")
                            }
                            _ if relaxed => "use printable ASCII characters other than `=`".to_string(),
                            _ => "use letters, digits, `_`, `-` and `.`, not starting with a digit (Kubernetes 1.31 and older)".to_string(),
                        };
                        invalid_each(sink, &n, v, name_msgs(v), &help);
                    }
                }
            }
        }
        if let Some(env_from) = c.field("envFrom") {
            for (_, e) in env_from.items() {
                if let Some(p) = e.field("prefix") {
                    let v = p.text().unwrap_or("");
                    if !v.is_empty() {
                        invalid_each(sink, &p, v, name_msgs(v), "use a prefix made of printable ASCII characters other than `=`");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs, pod_with};
    use crate::KubeVersion;

    const R: &str = "env-var-name-invalid";

    #[test]
    fn table() {
        let c = |env: &str| pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n    env:\n{env}"));
        assert_eq!(errors_of(R, &c("    - name: MY_VARIABLE=value\n")), pairs(&[("spec.containers[0].env[0].name", "Invalid")]));
        assert_eq!(errors_of(R, &c("    - name: MY VAR\n      value: '1'\n")), pairs(&[]));
        assert_eq!(errors_of(R, &c("    - value: x\n")), pairs(&[("spec.containers[0].env[0].name", "Required")]));
        assert_eq!(
            errors_of_version(R, &c("    - name: 1A\n"), KubeVersion::new(31)),
            pairs(&[("spec.containers[0].env[0].name", "Invalid")])
        );
        let from = pod_with(
            "  containers:\n  - name: web\n    image: nginx:1.27\n    envFrom:\n    - prefix: A=\n      configMapRef:\n        name: cfg\n",
        );
        assert_eq!(errors_of(R, &from), pairs(&[("spec.containers[0].envFrom[0].prefix", "Invalid")]));
    }

    #[test]
    fn seed_tutorial_help() {
        let y = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\nspec:\n  containers:\n    - name: my-container\n      image: my-image\n      env:\n        - name: MY_VARIABLE=value\n";
        let a = crate::analyze(&[crate::SourceFile::new("p.yaml", y)], &crate::Options::default());
        let d = a.diagnostics.iter().find(|d| d.rule == R).expect("env diagnostic");
        assert_eq!(d.help.as_deref(), Some("write the name and the value as two fields: name: MY_VARIABLE / value: \"value\""));
        assert_eq!(&y[d.primary.span.range()], "MY_VARIABLE=value");
    }
}
