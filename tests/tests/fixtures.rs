//! Runs every fixture under tests/fixtures and reports all mismatches at once.

use kplay_tests::{actual_markers, analyze_one, expected_markers, files_under, fixtures_dir, k8s_pairs, vector_header};

/// Rule fixtures: `# expect: rule` markers must match the diagnostics exactly.
#[test]
fn rule_fixtures_match_their_markers() {
    let mut failures = Vec::new();
    let mut count = 0;
    for sub in ["rules", "seed", "yaml"] {
        for path in files_under(&fixtures_dir().join(sub)) {
            count += 1;
            let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
            let name = path.strip_prefix(fixtures_dir()).unwrap_or(&path).display().to_string();
            // A leading `# kube-version: 1.NN` line checks the fixture against that version.
            let (files, a) = analyze_one(&name, &text, vector_header(&text).kube_version.as_deref());
            let want = expected_markers(&text);
            let got = actual_markers(&files, &a);
            if want != got {
                let detail: Vec<String> = a
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let (s, _) =
                            kplay_core::analysis::span_positions(&files, &a.files, 0, d.primary.span, kplay_core::ColumnEncoding::Chars);
                        format!("    {}:{} {} {}", s.line, s.column, d.rule, d.message)
                    })
                    .collect();
                failures.push(format!("{name}\n  expected {want:?}\n  got      {got:?}\n{}", detail.join("\n")));
            }
        }
    }
    assert!(count > 0, "no rule fixtures found");
    assert!(failures.is_empty(), "{} of {count} fixtures failed:\n{}", failures.len(), failures.join("\n"));
}

/// Spec vectors and those derived from Kubernetes' tests: the (field, type) pairs must equal the API server's, no more and no fewer.
#[test]
fn spec_validation_vectors() {
    let mut failures = Vec::new();
    let spec = files_under(&fixtures_dir().join("spec/validation"));
    assert!(spec.len() >= 78, "the spec vectors are missing");
    // More vectors of the same form, each read from a case of Kubernetes' own tests or code
    // (its `# source:` line says which): facts about Kubernetes, like the spec's.
    let derived = files_under(&fixtures_dir().join("k8s/validation"));
    let paths: Vec<_> = spec.into_iter().chain(derived).collect();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let h = vector_header(&text);
        let (_files, a) = analyze_one(&h.id, &text, h.kube_version.as_deref());
        let got = k8s_pairs(&a);
        let errors: Vec<String> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == kplay_core::Severity::Error)
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        if h.valid {
            if !errors.is_empty() {
                failures.push(format!("{} should be valid, got:\n    {}", h.id, errors.join("\n    ")));
            }
        } else if got != h.errors {
            failures.push(format!("{}\n  expected {:?}\n  got      {:?}\n    {}", h.id, h.errors, got, errors.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}
