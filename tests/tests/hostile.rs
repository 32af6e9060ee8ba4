//! Hostile inputs: each must give diagnostics at a position, leave the rest analysed where it
//! can, never panic or overflow the stack, and finish in bounded time and memory.

use kplay_core::{analyze, Options, Severity, SourceFile};

fn run(text: &str) -> kplay_core::Analysis {
    let files = vec![SourceFile::new("hostile.yaml", text)];
    analyze(&files, &Options::default())
}

fn rules(a: &kplay_core::Analysis) -> Vec<&'static str> {
    a.diagnostics.iter().map(|d| d.rule).collect()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";

#[test]
fn billion_laughs_is_cut_with_a_diagnostic() {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 x\n");
    let mut prev = "a0".to_string();
    for i in 1..=30 {
        let name = format!("a{i}");
        s.push_str(&format!("  {name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        prev = name;
    }
    let a = run(&s);
    let d = a.diagnostics.iter().find(|d| d.rule == "yaml-limit-exceeded").expect("limit diagnostic");
    assert!(
        d.message.contains("alias expansion exceeds 100000 nodes") || d.message.contains("100,000") || d.message.contains("alias"),
        "{}",
        d.message
    );
}

#[test]
fn merge_key_chains_and_self_references_terminate() {
    let s = "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: &c {<<: [*a, *b], z: 3}\nd: {<<: *d}\n";
    let a = run(s);
    assert!(a.diagnostics.iter().any(|d| d.severity == Severity::Error), "{:?}", rules(&a));
}

#[test]
fn deep_flow_and_block_nesting_is_bounded() {
    let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let a = run(&flow);
    assert!(rules(&a).contains(&"yaml-limit-exceeded"), "{:?}", rules(&a));
    let flow_map = "{a: ".repeat(100_000);
    assert!(!run(&flow_map).diagnostics.is_empty());
    let mut block = String::new();
    for i in 0..100_000 {
        block.push_str(&" ".repeat(i.min(2000)));
        block.push_str("- \n");
    }
    // Indentation-based nesting is bounded by the line length; it must simply finish.
    let _ = run(&block);
    let mut deep_block = String::new();
    for i in 0..400 {
        deep_block.push_str(&"  ".repeat(i));
        deep_block.push_str("k:\n");
    }
    assert!(rules(&run(&deep_block)).contains(&"yaml-limit-exceeded"));
}

#[test]
fn oversized_document_is_refused_at_its_start() {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let line = format!("  k{{}}: {}\n", "x".repeat(1000));
    let mut i = 0;
    while s.len() < 50 * 1024 * 1024 {
        s.push_str(&line.replace("{}", &i.to_string()));
        i += 1;
    }
    s.push_str("---\n");
    s.push_str(POD);
    let a = run(&s);
    let d = a.diagnostics.iter().find(|d| d.rule == "yaml-limit-exceeded").expect("size diagnostic");
    assert_eq!(d.primary.span.start, 0);
    // The document after it is still analysed.
    assert!(a.objects.iter().any(|o| o.kind == "Pod"), "the next document was not analysed");
}

#[test]
fn many_documents_are_all_read() {
    let mut s = String::new();
    for i in 0..100_000 {
        s.push_str(&format!("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n"));
    }
    let a = run(&s);
    assert_eq!(a.objects.len(), 100_000);
}

#[test]
fn a_one_megabyte_line() {
    let s = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n  k: {}\n", "y".repeat(1024 * 1024));
    let a = run(&s);
    assert_eq!(a.objects.len(), 1);
}

#[test]
fn invalid_utf8_nul_and_lone_surrogates() {
    let mut bytes = POD.as_bytes().to_vec();
    bytes.extend_from_slice(b"    env:\n    - name: A\n      value: \"\xff\xfe\"\n");
    let files = vec![SourceFile::from_bytes("bad.yaml", &bytes)];
    let a = analyze(&files, &Options::default());
    assert!(a.diagnostics.iter().any(|d| d.rule == "yaml-invalid-utf8"));
    let nul = format!("{POD}    args: [\"a\0b\"]\n\0\n");
    assert!(!run(&nul).diagnostics.is_empty());
    let surrogate = format!("{POD}    args: [\"\\ud800\"]\n");
    let _ = run(&surrogate);
}

/// kubectl decodes a file with a UTF-16 byte order mark (cli-runtime's FileVisitor); the
/// diagnostics' lines and columns are those of the file.
#[test]
fn utf16_files_are_read_like_kubectl_reads_them() {
    let text = POD.replace("name: web\nspec", "name: Web\nspec");
    for big_endian in [false, true] {
        let mut bytes = if big_endian { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
        for u in text.encode_utf16() {
            bytes.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        let files = vec![SourceFile::from_bytes("utf16.yaml", &bytes)];
        let a = analyze(&files, &Options::default());
        assert_eq!(a.objects.len(), 1);
        let d = a.diagnostics.iter().find(|d| d.rule == "metadata-name-invalid").expect("the invalid name is found");
        let (start, _) = kplay_core::analysis::span_positions(&files, &a.files, 0, d.primary.span, kplay_core::ColumnEncoding::Chars);
        assert_eq!((start.line, start.column), (4, 9));
    }
    // Without a byte order mark kubectl reads UTF-8, and the NUL bytes stop its YAML parser.
    let mut bytes = Vec::new();
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let a = analyze(&[SourceFile::from_bytes("utf16.yaml", &bytes)], &Options::default());
    assert_eq!(rules(&a), ["yaml-syntax"]);
}

/// Invalid UTF-8 is replaced with U+FFFD by kubectl's reader (a warning), except after a UTF-8
/// byte order mark, where its YAML parser meets the bytes and refuses them.
#[test]
fn invalid_utf8_is_replaced_unless_after_a_utf8_byte_order_mark() {
    let mut latin1 = POD.replace("name: web\nspec", "name: web\n  annotations: {note: \"caf\"}\nspec").into_bytes();
    let at = latin1.windows(3).position(|w| w == b"caf").expect("caf") + 3;
    latin1.insert(at, 0xe9);
    let a = analyze(&[SourceFile::from_bytes("latin1.yaml", &latin1)], &Options::default());
    assert_eq!(rules(&a), ["yaml-invalid-utf8"]);
    assert!(!a.has_errors());
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend(&latin1);
    let a = analyze(&[SourceFile::from_bytes("latin1.yaml", &with_bom)], &Options::default());
    assert!(rules(&a).contains(&"yaml-syntax"), "{:?}", rules(&a));
}

#[test]
fn huge_numbers_and_quantities() {
    let s = POD.replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    ports:\n    - containerPort: 99999999999999999999999999999\n    resources:\n      limits:\n        cpu: 9999999999999999999999999999999999999999999999999E999\n");
    let a = run(&s);
    assert!(a.has_errors(), "{:?}", rules(&a));
}

#[test]
fn unusual_tags() {
    let s = POD.replace("  name: web\n", "  name: web\n  annotations:\n    blob: !!binary aGVsbG8=\n    odd: !custom thing\n");
    let a = run(&s);
    assert!(rules(&a).contains(&"yaml-unknown-tag"), "{:?}", rules(&a));
}

#[test]
fn windows_line_endings_and_a_bom_mid_file() {
    let crlf = POD.replace('\n', "\r\n");
    let a = run(&crlf);
    assert!(!a.has_errors(), "{:?}", rules(&a));
    let bom = format!("{POD}---\n\u{feff}{POD}");
    let _ = run(&bom);
}
