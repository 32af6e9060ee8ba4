//! Snapshots of every output format on the seed tutorial and on a file with a secondary label,
//! reviewed like code (`cargo insta review`).

use kplay_core::report::report;
use kplay_core::{analyze, ColumnEncoding, Options, SourceFile};

const SEED: &str = "apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: ClusterIP
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image
      env:
        - name: MY_VARIABLE=value
";

const DUPLICATE: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
  name: store
";

fn files() -> Vec<SourceFile> {
    vec![SourceFile::new("seed.yaml", SEED), SourceFile::new("ns.yaml", DUPLICATE)]
}

#[test]
fn human() {
    let files = files();
    let a = analyze(&files, &Options::default());
    insta::assert_snapshot!(super::human::render(&files, &a, false));
}

/// A file with a byte order mark (UTF-8 or UTF-16): the mark takes no column, as in an editor.
#[test]
fn human_columns_start_after_a_byte_order_mark() {
    for bytes in [b"\xef\xbb\xbfa\n".to_vec(), b"\xff\xfea\x00\n\x00".to_vec()] {
        let files = vec![SourceFile::from_bytes("bom.yaml", &bytes)];
        let a = analyze(&files, &Options::default());
        let out = super::human::render(&files, &a, false);
        assert!(out.contains("--> bom.yaml:1:1\n"), "{out}");
        assert!(out.contains("1 | a\n"), "{out}");
    }
}

#[test]
fn json() {
    let files = files();
    let a = analyze(&files, &Options::default());
    insta::assert_snapshot!(serde_json::to_string_pretty(&report(&files, &a, ColumnEncoding::Chars)).expect("serializable"));
}

#[test]
fn github() {
    let files = files();
    let a = analyze(&files, &Options::default());
    insta::assert_snapshot!(super::github::render(&report(&files, &a, ColumnEncoding::Chars)));
}

#[test]
fn sarif_is_valid_json_with_regions() {
    let files = files();
    let a = analyze(&files, &Options::default());
    let text = super::sarif::render(&report(&files, &a, ColumnEncoding::Chars)).expect("renders");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), a.diagnostics.len());
    let env = results.iter().find(|r| r["ruleId"] == "env-var-name-invalid").expect("env rule reported");
    let region = &env["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_i64(), region["startColumn"].as_i64()), (Some(21), Some(17)));
    insta::assert_snapshot!(text);
}

#[test]
fn junit() {
    let files = files();
    let a = analyze(&files, &Options::default());
    insta::assert_snapshot!(super::junit::render(&files, &a, &report(&files, &a, ColumnEncoding::Chars)).expect("renders"));
}

#[test]
fn sarif_uris_are_percent_encoded_and_columns_are_code_points() {
    let files = vec![SourceFile::new("dir/my file#1é.yaml", DUPLICATE), SourceFile::new("<stdin>", DUPLICATE)];
    let a = analyze(&files, &Options::default());
    let text = super::sarif::render(&report(&files, &a, ColumnEncoding::Chars)).expect("renders");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["runs"][0]["columnKind"], "unicodeCodePoints");
    let uris: Vec<_> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(uris.contains(&"dir/my%20file%231%C3%A9.yaml".to_string()), "{uris:?}");
    assert!(uris.contains(&"%3Cstdin%3E".to_string()), "{uris:?}");
}
