//! Runs the YAML examples of every rule's documentation: the `## Example` block must trigger the
//! rule, the `## Use instead` block must analyse without any error (and without the rule).

use kplay_tests::{analyze_one, vector_header};

/// Rules whose examples cannot be complete manifests run on their own, with the reason.
const SKIPPED: &[(&str, &str)] = &[
    ("yaml-invalid-utf8", "Load stage: invalid UTF-8 cannot be written in a Markdown document"),
    ("yaml-limit-exceeded", "Load stage: the examples are YAML fragments, not manifests"),
    ("yaml-complex-key", "Load stage: the examples are YAML fragments, not manifests"),
    ("yaml-merge-invalid", "Load stage: the examples are YAML fragments, not manifests"),
    ("yaml-unknown-tag", "Load stage: the examples are YAML fragments, not manifests"),
];

/// The fenced `yaml` blocks of the section that starts with `heading`.
fn yaml_blocks(docs: &str, heading: &str) -> Vec<String> {
    let Some(start) = docs.find(heading) else { return Vec::new() };
    let rest = &docs[start + heading.len()..];
    let section = rest.find("\n## ").map_or(rest, |end| &rest[..end]);
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("```yaml") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.trim_start().starts_with("```")).collect();
            out.push(body.join("\n") + "\n");
        }
    }
    out
}

#[test]
fn rule_doc_examples_behave_as_documented() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in kplay_core::rules::all() {
        if SKIPPED.iter().any(|(n, _)| *n == rule.name) {
            continue;
        }
        let examples = yaml_blocks(rule.docs, "## Example");
        let fixes = yaml_blocks(rule.docs, "## Use instead");
        if examples.is_empty() {
            failures.push(format!("{}: no ```yaml block under ## Example", rule.name));
        }
        if fixes.is_empty() {
            failures.push(format!("{}: no ```yaml block under ## Use instead", rule.name));
        }
        for (i, y) in examples.iter().enumerate() {
            // An example may start with `# kube-version: 1.NN` (a rule of some versions only).
            let (_, a) = analyze_one(&format!("{}-example-{i}.yaml", rule.name), y, vector_header(y).kube_version.as_deref());
            if !a.diagnostics.iter().any(|d| d.rule == rule.name) {
                let got: Vec<String> = a.diagnostics.iter().map(|d| format!("{}: {}", d.rule, d.message)).collect();
                failures.push(format!("{}: the Example does not trigger the rule; got {got:?}", rule.name));
            }
        }
        for (i, y) in fixes.iter().enumerate() {
            let (_, a) = analyze_one(&format!("{}-fix-{i}.yaml", rule.name), y, vector_header(y).kube_version.as_deref());
            let bad: Vec<String> = a
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule.name || d.severity == kplay_core::Severity::Error)
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect();
            if !bad.is_empty() {
                failures.push(format!("{}: the Use instead block still reports {bad:?}", rule.name));
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no rules checked");
    assert!(failures.is_empty(), "{} problems in rule docs:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn skipped_rules_exist() {
    for (name, why) in SKIPPED {
        assert!(kplay_core::rules::find(name).is_some(), "skipped rule {name} ({why}) does not exist");
    }
}
