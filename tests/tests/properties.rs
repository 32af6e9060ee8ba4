//! Properties that hold for any input: no panic, spans inside the file on character boundaries,
//! and the same answer twice.

use kplay_core::{analyze, Options, SourceFile};
use proptest::prelude::*;

fn check_invariants(text: &str) {
    let files = vec![SourceFile::new("p.yaml", text)];
    let a = analyze(&files, &Options::default());
    for d in &a.diagnostics {
        for l in std::iter::once(&d.primary).chain(d.secondary.iter()) {
            let t = &files[l.file].text;
            assert!(l.span.start <= l.span.end, "inverted span in {d:?}");
            assert!((l.span.end as usize) <= t.len(), "span past the end in {d:?}");
            assert!(
                t.is_char_boundary(l.span.start as usize) && t.is_char_boundary(l.span.end as usize),
                "span not on a char boundary: {d:?}"
            );
        }
        assert!(!d.message.is_empty());
    }
    let again = analyze(&files, &Options::default());
    assert_eq!(a.diagnostics, again.diagnostics, "analysis is not deterministic");
}

/// Pieces of YAML that, shuffled together, reach the loader's and the rules' corners.
fn yaml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("apiVersion: v1\n".to_string()),
        Just("kind: Pod\n".to_string()),
        Just("kind: Service\n".to_string()),
        Just("apiVersion: apps/v1\nkind: Deployment\n".to_string()),
        Just("metadata:\n  name: web\n".to_string()),
        Just("spec:\n  containers:\n  - name: a\n    image: x\n".to_string()),
        Just("spec:\n  ports:\n  - port: 80\n    targetPort: http\n".to_string()),
        Just("---\n".to_string()),
        Just("  - ".to_string()),
        Just("&a ".to_string()),
        Just("*a\n".to_string()),
        Just("<<: *a\n".to_string()),
        Just("{a: [b, {c: d}]}\n".to_string()),
        Just("\t".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("é😀".to_string()),
        Just("'quoted".to_string()),
        Just("\"esc\\u00e9\"\n".to_string()),
        Just("!custom x\n".to_string()),
        Just("? [k]\n: v\n".to_string()),
        "[ -~]{0,12}".prop_map(|s| s),
        "[a-z]{1,8}: [a-z0-9.]{0,8}\n".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        check_invariants(&s);
    }

    #[test]
    fn yaml_like_text_never_panics(pieces in proptest::collection::vec(yaml_piece(), 0..24)) {
        check_invariants(&pieces.concat());
    }
}

#[test]
fn fixtures_with_bytes_cut_never_panic() {
    for path in kplay_tests::files_under(&kplay_tests::fixtures_dir()) {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        for cut in (0..text.len()).step_by(7) {
            if text.is_char_boundary(cut) {
                check_invariants(&text[..cut]);
            }
        }
    }
}

/// The objects as stored (defaults applied), written out and checked again, give no error that
/// the original did not have: defaulting never produces something the server would refuse.
#[test]
fn stored_objects_check_clean_again() {
    let mut failures = Vec::new();
    for path in kplay_tests::files_under(&kplay_tests::fixtures_dir()) {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let files = vec![SourceFile::new("f.yaml", text)];
        let a = analyze(&files, &Options::default());
        let mut out = String::new();
        // Kinds kplay does not model are stored as written (the ServiceAccounts and classes the
        // admission rules look up among them).
        for o in a.objects.iter().filter(|o| o.is_accepted() || o.acceptance == kplay_core::model::Acceptance::Unknown) {
            out.push_str("---\n");
            out.push_str(&kplay_core::yaml::emit::to_yaml(&o.stored));
        }
        if out.is_empty() {
            continue;
        }
        let again = analyze(&[SourceFile::new("stored.yaml", out.clone())], &Options::default());
        let before: std::collections::BTreeSet<(&str, String)> =
            a.diagnostics.iter().filter(|d| d.severity == kplay_core::Severity::Error).map(|d| (d.rule, d.message.clone())).collect();
        let new: Vec<String> = again
            .diagnostics
            .iter()
            .filter(|d| d.severity == kplay_core::Severity::Error && !before.contains(&(d.rule, d.message.clone())))
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        if !new.is_empty() {
            failures.push(format!("{}:\n    {}", path.display(), new.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "stored objects gained errors:\n{}", failures.join("\n"));
}
