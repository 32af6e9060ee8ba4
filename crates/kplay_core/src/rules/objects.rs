//! Rules about what a document is: an object kplay checks, one it does not model, or no object.

use super::{Rule, Stage};
use crate::diagnostic::Severity;

pub static RULES: &[&Rule] = &[&KIND_NOT_CHECKED, &NOT_AN_OBJECT];

pub static KIND_NOT_CHECKED: Rule = Rule {
    name: "kind-not-checked",
    severity: Severity::Info,
    stage: Stage::Decode,
    summary: "The object's kind is not modelled by kplay, so it was not checked.",
    docs: rule_docs!(
        r#"## What it does
Says once per object that kplay does not check this kind (custom resources, ConfigMaps, RBAC ...).
It is never an error: the object may well be valid.

## Why is this bad?
It is not bad; it tells you where kplay's answer stops, so that silence is not read as approval.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
```

## Use instead
```yaml
# nothing to change; switch the rule off in kplay.toml if the note is noise:
# [rules]
# kind-not-checked = "off"
```

## References
- Kubernetes API reference: <https://kubernetes.io/docs/reference/kubernetes-api/>
"#
    ),
    spec: &[],
    check: None,
};

pub static NOT_AN_OBJECT: Rule = Rule {
    name: "not-an-object",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A document is not a mapping, so it cannot be a Kubernetes object.",
    docs: rule_docs!(
        r#"## What it does
Reports documents whose top level is a list or a scalar, and `List` items that are not mappings.

## Why is this bad?
kubectl refuses them: every Kubernetes object is a mapping with `apiVersion`, `kind` and `metadata`.

## Example
```yaml
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```

## References
- Objects in Kubernetes: <https://kubernetes.io/docs/concepts/overview/working-with-objects/>
"#
    ),
    spec: &[],
    check: None,
};
