//! Rules reported while loading YAML (the loader in `crate::yaml` emits them; they have no
//! per-object check).

use super::{Rule, Stage};
use crate::diagnostic::Severity;

pub const SYNTAX: &str = "yaml-syntax";
pub const DUPLICATE_KEY: &str = "duplicate-key";
pub const LIMIT: &str = "yaml-limit-exceeded";
pub const INVALID_UTF8: &str = "yaml-invalid-utf8";
pub const COMPLEX_KEY: &str = "yaml-complex-key";
pub const NON_STRING_KEY: &str = "yaml-non-string-key";
pub const MERGE: &str = "yaml-merge-invalid";
pub const UNKNOWN_TAG: &str = "yaml-unknown-tag";

/// Rules that say a document could not be read at all. They cannot be switched off, downgraded
/// or suppressed: unreadable input never passes (kubectl cannot send it either).
pub const UNREADABLE: &[&str] = &[SYNTAX, LIMIT];

/// True for a rule of [`UNREADABLE`].
pub fn is_unreadable(rule: &str) -> bool {
    UNREADABLE.contains(&rule)
}

/// The error for a configuration that would switch off or downgrade an [`UNREADABLE`] rule.
pub fn unreadable_config_error(rule: &str, level: &str) -> Option<String> {
    (is_unreadable(rule) && level != "error").then(|| {
        format!("`{rule}` cannot be set to \"{level}\": input kplay cannot read is always an error (kubectl cannot send it either)")
    })
}

pub static RULES: &[&Rule] = &[
    &SYNTAX_RULE,
    &DUPLICATE_KEY_RULE,
    &LIMIT_RULE,
    &INVALID_UTF8_RULE,
    &COMPLEX_KEY_RULE,
    &NON_STRING_KEY_RULE,
    &MERGE_RULE,
    &UNKNOWN_TAG_RULE,
];

pub static SYNTAX_RULE: Rule = Rule {
    name: SYNTAX,
    severity: Severity::Error,
    stage: Stage::Load,
    summary: "The document is not valid YAML.",
    docs: rule_docs!(
        r#"## What it does
Reports the first YAML syntax error of a document, at the character where the parser stopped,
and aliases (`*name`) of anchors not defined before them, which go-yaml refuses too.

## Why is this bad?
kubectl cannot turn the document into JSON, so nothing in it reaches the API server. The other
documents of the file are still analysed.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
```

## References
- YAML 1.2 specification, <https://yaml.org/spec/1.2.2/>
"#
    ),
    spec: &[],
    check: None,
};

pub static DUPLICATE_KEY_RULE: Rule = Rule {
    name: DUPLICATE_KEY,
    severity: Severity::Error,
    stage: Stage::Load,
    summary: "A mapping defines the same key twice.",
    docs: rule_docs!(
        r#"## What it does
Reports a key that appears twice in one mapping, with the first definition as a secondary label.

## Why is this bad?
kubectl's default strict field validation makes the API server reject duplicate fields
(`json: duplicate field`); with lax validation the last one silently wins.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  name: web2
spec:
  ports:
  - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
```

## References
- Kubernetes API concepts, field validation: <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>
"#
    ),
    spec: &["DEC-dup"],
    check: None,
};

pub static LIMIT_RULE: Rule = Rule {
    name: LIMIT,
    severity: Severity::Error,
    stage: Stage::Load,
    summary: "The input exceeds a resource limit (file or document size, nesting, alias expansion).",
    docs: rule_docs!(
        r#"## What it does
Stops reading where the input exceeds one of kplay's limits, so hostile input cannot exhaust time
or memory: file size (64 MiB), document size (8 MiB), documents per file (100,000), nesting depth
(256) and nodes created by alias expansion (100,000). Each is configurable under `[limits]` in
`kplay.toml`.

## Why is this bad?
No real manifest comes near these limits; input that does is a mistake or an attack (an alias
"billion laughs" bomb). The API server itself refuses request bodies over 3 MiB.

## Example
```yaml
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
```

## Use instead
```yaml
a: [x, x]
```

## References
- Billion laughs attack: <https://en.wikipedia.org/wiki/Billion_laughs_attack>
"#
    ),
    spec: &[],
    check: None,
};

pub static INVALID_UTF8_RULE: Rule = Rule {
    name: INVALID_UTF8,
    severity: Severity::Warning,
    stage: Stage::Load,
    summary: "The file contains bytes that are not UTF-8; kubectl replaces them with U+FFFD.",
    docs: rule_docs!(
        r#"## What it does
Reports each invalid UTF-8 sequence of a file. kplay reads the file as kubectl does: kubectl's
file reader (cli-runtime's `FileVisitor`, golang.org/x/text's UTF-8 decoder) replaces each
invalid sequence with U+FFFD (�) and goes on, so the rest of the file is analysed with those
replacements. After a UTF-8 byte order mark the bytes reach kubectl's YAML parser unchanged and
it refuses them: that is reported as `yaml-syntax`. A file with a UTF-16 byte order mark is
decoded as UTF-16, as kubectl does.

## Why is this bad?
The object is accepted, but with U+FFFD where the file had other characters: a Latin-1 `é` in an
annotation is stored as `�`. The file is in some other encoding than the one kubectl reads.

## Example
```yaml
# (a file saved as Latin-1 with a byte 0xE9 in a value)
```

## Use instead
```yaml
# the same file saved as UTF-8
```

## References
- YAML 1.2 specification, character encodings: <https://yaml.org/spec/1.2.2/#52-character-encodings>
"#
    ),
    spec: &[],
    check: None,
};

pub static COMPLEX_KEY_RULE: Rule = Rule {
    name: COMPLEX_KEY,
    severity: Severity::Error,
    stage: Stage::Load,
    summary: "A mapping key is a list, a mapping, null, or an integer too large for JSON's conversion.",
    docs: rule_docs!(
        r#"## What it does
Reports mapping keys that kubectl cannot turn into JSON object keys: collections (`? [a, b]: c`),
null keys (`~: x`, `null: x`, an empty key) and integers above 9223372036854775807.

## Why is this bad?
JSON object keys are strings. kubectl's YAML library (sigs.k8s.io/yaml, `convertToJSONableObject`)
turns boolean, integer and float keys into strings (see `yaml-non-string-key`) but refuses the
document for any other key ("unsupported map key"), so nothing in it reaches the API server.

## Example
```yaml
? [a, b]
: c
```

## Use instead
```yaml
a-b: c
```

## References
- sigs.k8s.io/yaml: <https://github.com/kubernetes-sigs/yaml>
"#
    ),
    spec: &[],
    check: None,
};

pub static NON_STRING_KEY_RULE: Rule = Rule {
    name: NON_STRING_KEY,
    severity: Severity::Warning,
    stage: Stage::Load,
    summary: "An unquoted mapping key such as `yes`, `on`, `0755` or `1.10` is sent by kubectl as a different string.",
    docs: rule_docs!(
        r#"## What it does
Finds unquoted mapping keys that YAML 1.1 reads as booleans or numbers and that kubectl therefore
sends under another name: `yes`, `on`, `y` become the key `"true"`, `no`, `off`, `n` become
`"false"`, `0755` becomes `"493"`, `0x1F` `"31"`, `1.10` `"1.1"`, `1e3` `"1000"`. kplay reads the
manifest with the key kubectl sends (labels, annotations, ConfigMap data and field names all see
`"true"`), and points here at the key as written.

## Why is this bad?
kubectl's YAML library (go-yaml v2 through sigs.k8s.io/yaml) resolves the key to a boolean or a
number and then writes it back as a JSON string (`convertToJSONableObject`; floats through
`strconv.FormatFloat(f, 'g', -1, 32)`, so rounded to 32 bits). The object is stored with a key
nobody wrote: a label `on: "1"` becomes `true: "1"`, and a selector looking for `on` matches
nothing. Keys whose text does not change (`80`, `true`) are not reported.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  on: "enabled"
  0755: "mode"
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  "on": "enabled"
  "0755": "mode"
```

## References
- YAML 1.1 boolean type: <https://yaml.org/type/bool.html>
- sigs.k8s.io/yaml: <https://github.com/kubernetes-sigs/yaml>
"#
    ),
    spec: &[],
    check: None,
};

pub static MERGE_RULE: Rule = Rule {
    name: MERGE,
    severity: Severity::Error,
    stage: Stage::Load,
    summary: "A merge key (`<<`) is given something other than mappings.",
    docs: rule_docs!(
        r#"## What it does
Reports `<<` merge keys whose value is not a mapping or a list of mappings.

## Why is this bad?
Only mappings can be merged; the YAML library kubectl uses rejects anything else.

## Example
```yaml
base: &base x
svc:
  <<: *base
```

## Use instead
```yaml
base: &base {app: web}
svc:
  <<: *base
```

## References
- YAML merge key type: <https://yaml.org/type/merge.html>
"#
    ),
    spec: &[],
    check: None,
};

pub static UNKNOWN_TAG_RULE: Rule = Rule {
    name: UNKNOWN_TAG,
    severity: Severity::Warning,
    stage: Stage::Load,
    summary: "A node carries a tag that Kubernetes does not understand.",
    docs: rule_docs!(
        r#"## What it does
Reports custom tags such as `!custom` or `!Ref`.

## Why is this bad?
Tags from other tools (CloudFormation's `!Ref`, Ansible's `!vault`) are not processed by kubectl:
its YAML library cannot resolve them, so the value reaches the server as the string written after
the tag (`!custom 80` is `"80"`), which is rarely what was meant.

## Example
```yaml
value: !Ref MyParameter
```

## Use instead
```yaml
value: my-parameter
```

## References
- YAML tags: <https://yaml.org/spec/1.2.2/#tags>
"#
    ),
    spec: &[],
    check: None,
};
