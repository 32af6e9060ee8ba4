//! Rules about kplay's own suppressions (see `crate::suppress`).

use super::{Rule, Stage};
use crate::diagnostic::Severity;

pub static RULES: &[&Rule] = &[&UNKNOWN_RULE, &UNUSED, &MALFORMED];

pub static UNKNOWN_RULE: Rule = Rule {
    name: "suppression-unknown-rule",
    severity: Severity::Warning,
    stage: Stage::Meta,
    summary: "A suppression names a rule that does not exist.",
    docs: rule_docs!(
        r#"## What it does
Reports rule names in `# kplay: ignore[...]` comments and in the `kplay.dev/ignore` annotation
that are not kplay rules, with the closest real name.

## Why is this bad?
A misspelt suppression suppresses nothing, and the problem it was meant for is still reported,
or worse, it hides that a rule was renamed.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    kplay.dev/ignore: duplicate-kye
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```

## References
- `kplay rules` lists every rule; docs/rules.md documents them.
"#
    ),
    spec: &[],
    check: None,
};

pub static UNUSED: Rule = Rule {
    name: "suppression-unused",
    severity: Severity::Info,
    stage: Stage::Meta,
    summary: "A suppression suppresses nothing.",
    docs: rule_docs!(
        r#"## What it does
Reports suppressions of a real rule that matched no diagnostic.

## Why is this bad?
Stale suppressions make readers think something is wrong here, and would silently hide a new
problem of that rule later.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop # kplay: ignore[duplicate-key]
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```

## References
- docs/rules.md
"#
    ),
    spec: &[],
    check: None,
};

pub static MALFORMED: Rule = Rule {
    name: "suppression-malformed",
    severity: Severity::Warning,
    stage: Stage::Meta,
    summary: "A `# kplay:` comment is not a suppression kplay understands.",
    docs: rule_docs!(
        r#"## What it does
Reports `# kplay:` comments that are not of the form `# kplay: ignore[rule-a, rule-b]`.

## Why is this bad?
The comment was surely meant to suppress something, and it does not.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop # kplay: ignore duplicate-key
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```

## References
- docs/rules.md
"#
    ),
    spec: &[],
    check: None,
};
