//! `kplay get KIND -o yaml|json` end to end: the `v1` List with every mapping's keys sorted as
//! kubectl prints them (go-yaml v2's natural order for YAML, bytes for JSON), and the YAML laid
//! out as go-yaml v2 writes it.

use std::io::Write as _;
use std::process::{Command, Stdio};

use kplay_core::yaml::key_order::KeyOrder;
use kplay_core::yaml::{load_file, Limits, Node, NodeKind};
use kplay_core::SourceFile;

/// A Service and a Deployment whose annotation keys sort differently by bytes and naturally:
/// `aB` < `a_b` and `v10` < `v2` by bytes, `a_b` < `aB` and `v2` < `v10` naturally.
const MANIFESTS: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
  annotations:
    example.com/v10: ten
    example.com/v2: two
    example.com/aB: upper
    example.com/a_b: underscore
spec:
  selector:
    app: web
  ports:
    - targetPort: 8080
      port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations: {example.com/v10: ten, example.com/v2: two, example.com/aB: upper, example.com/a_b: underscore}
    spec:
      containers:
        - name: web
          image: nginx:1.27
";

/// `kplay get KIND - -o FORMAT` with [`MANIFESTS`] on stdin.
fn get(kind: &str, format: &str) -> String {
    get_from(MANIFESTS, kind, format)
}

/// `kplay get KIND - -o FORMAT` with `manifests` on stdin.
fn get_from(manifests: &str, kind: &str, format: &str) -> String {
    // An empty configuration directory, so a kplay.toml of the developer's does not apply.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(["get", kind, "-", "-o", format])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run kplay");
    child.stdin.take().expect("stdin").write_all(manifests.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("kplay output");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The printed list read back with its keys in the printed order (JSON is YAML).
fn load(text: &str) -> Node {
    let f = load_file(0, &SourceFile::new("out", text), &Limits::default());
    assert!(f.diagnostics.is_empty(), "{text}");
    f.docs[0].root.clone().expect("a document")
}

fn keys(n: &Node) -> Vec<&str> {
    n.as_map().expect("a mapping").iter().map(|e| e.key.text().unwrap_or("")).collect()
}

/// Every mapping under `n` has its keys strictly in `order`.
fn assert_sorted(n: &Node, order: KeyOrder, text: &str) {
    match &n.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for i in items {
                assert_sorted(i, order, text);
            }
        }
        NodeKind::Map(entries) => {
            let k = keys(n);
            assert!(k.windows(2).all(|w| order.less(w[0], w[1])), "{k:?} not sorted in {text}");
            for e in entries {
                assert_sorted(&e.value, order, text);
            }
        }
    }
}

/// The item of the list whose name starts with `prefix`.
fn item<'a>(list: &'a Node, prefix: &str) -> &'a Node {
    let items = list.get("items").and_then(Node::as_seq).expect("items");
    items
        .iter()
        .find(|i| i.path(&["metadata", "name"]).and_then(Node::as_str).is_some_and(|n| n.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no item {prefix}"))
}

/// `keys` of `n` that are among `expected`, in their printed order.
fn among<'a>(n: &'a Node, expected: &[&str]) -> Vec<&'a str> {
    keys(n).into_iter().filter(|k| expected.contains(k)).collect()
}

const METADATA: [&str; 7] = ["annotations", "labels", "name", "namespace", "ownerReferences", "resourceVersion", "uid"];

/// `kplay get KIND -o FORMAT`, and the list read back, every mapping checked sorted in `order`.
fn printed(kind: &str, format: &str, order: KeyOrder) -> (String, Node) {
    let text = get(kind, format);
    let list = load(&text);
    assert_sorted(&list, order, &text);
    (text, list)
}

/// The `metadata` of the Deployment's pod, the keys it has checked in [`METADATA`]'s order.
fn pod_metadata(list: &Node) -> &Node {
    let meta = item(list, "web-").get("metadata").expect("metadata");
    assert_eq!(among(meta, &METADATA), METADATA);
    meta
}

#[test]
fn yaml_prints_keys_in_go_yaml_v2_order() {
    let (y, list) = printed("services", "yaml", KeyOrder::GoYamlV2);
    // The List kubectl wraps the items in: apiVersion, items, kind, metadata.
    assert!(y.starts_with("apiVersion: v1\nitems:\n"), "{y}");
    assert!(y.ends_with("\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"), "{y}");
    let svc = item(&list, "web");
    assert_eq!(keys(svc), ["apiVersion", "kind", "metadata", "spec", "status"]);
    let meta = svc.get("metadata").unwrap();
    assert_eq!(among(meta, &METADATA), ["annotations", "labels", "name", "namespace", "resourceVersion", "uid"]);
    let annotations = keys(meta.get("annotations").unwrap());
    assert_eq!(annotations, ["example.com/a_b", "example.com/aB", "example.com/v2", "example.com/v10"]);
    let spec = svc.get("spec").unwrap();
    assert_eq!(
        keys(spec),
        [
            "clusterIP",
            "clusterIPs",
            "internalTrafficPolicy",
            "ipFamilies",
            "ipFamilyPolicy",
            "ports",
            "selector",
            "sessionAffinity",
            "type"
        ]
    );
    assert_eq!(keys(&spec.get("ports").unwrap().as_seq().unwrap()[0]), ["port", "protocol", "targetPort"]);
    // A sequence in a mapping at the key's column, as go-yaml v2 writes it.
    assert!(y.contains("\n    ports:\n    - port: 80\n      protocol: TCP\n      targetPort: 8080\n"), "{y}");

    let (y, list) = printed("pods", "yaml", KeyOrder::GoYamlV2);
    let meta = pod_metadata(&list);
    assert_eq!(keys(meta.get("annotations").unwrap()), annotations);
    let owner = &meta.get("ownerReferences").unwrap().as_seq().unwrap()[0];
    assert_eq!(keys(owner), ["apiVersion", "blockOwnerDeletion", "controller", "kind", "name", "uid"]);
    let container = &item(&list, "web-").path(&["spec", "containers"]).unwrap().as_seq().unwrap()[0];
    let fields = ["image", "imagePullPolicy", "name", "terminationMessagePath", "terminationMessagePolicy", "volumeMounts"];
    assert_eq!(among(container, &fields), fields);
    assert!(y.contains("  readOnly: true\n") && y.contains("  defaultMode: 420\n"), "{y}");
}

#[test]
fn json_prints_keys_in_byte_order() {
    let (j, list) = printed("pods", "json", KeyOrder::GoJson);
    assert!(j.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"), "{j}");
    assert!(j.ends_with("],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"), "{j}");
    let meta = pod_metadata(&list);
    assert_eq!(keys(meta.get("annotations").unwrap()), ["example.com/aB", "example.com/a_b", "example.com/v10", "example.com/v2"]);
    // Numbers, booleans and strings as before.
    assert!(j.contains("\"readOnly\": true") && j.contains("\"defaultMode\": 420") && j.contains("\"priority\": 0"), "{j}");
    let v: serde_json::Value = serde_json::from_str(&j).expect("JSON");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1), "the Deployment's pod (CoreDNS's are in kube-system)");
}

/// `-o yaml` as kubectl lays it out (go-yaml v2's emitter, `kplay_core::yaml::emit`'s
/// `to_yaml_kubectl`): sequences in a mapping at the key's column, each string in the style
/// go-yaml v2 picks for it, long values folded at column 80.
#[test]
fn yaml_is_laid_out_as_go_yaml_v2_writes_it() {
    let words: Vec<String> = (1..=16).map(|i| format!("word-{i:04}")).collect();
    let manifest = format!(
        "apiVersion: v1
kind: Service
metadata:
  name: styled
  annotations:
    example.com/long: {long}
    example.com/multi: \"line one\\nline two\\n\"
    example.com/number: \"108\"
    example.com/dash: \"- x\"
    example.com/tab: \"a\\tb\"
    example.com/plain: nginx:1.27
spec:
  selector:
    app: styled
  ports:
    - name: http
      port: 80
      targetPort: 8080
",
        long = words.join(" ")
    );
    let y = get_from(&manifest, "services", "yaml");
    // `      example.com/long: ` is 24 columns: the first space past column 80 follows the 6th
    // word; the continuation, at the value's indentation (8), holds 8 words.
    let annotations = format!(
        "
  metadata:
    annotations:
      example.com/dash: '- x'
      example.com/long: {}
        {}
        {}
      example.com/multi: |
        line one
        line two
      example.com/number: \"108\"
      example.com/plain: nginx:1.27
      example.com/tab: \"a\\tb\"
    name: styled
",
        words[..6].join(" "),
        words[6..14].join(" "),
        words[14..].join(" ")
    );
    assert!(y.contains(&annotations), "{y}");
    assert!(y.contains("\n- apiVersion: v1\n  kind: Service\n"), "{y}");
    assert!(y.contains("\n    ports:\n    - name: http\n      port: 80\n      protocol: TCP\n      targetPort: 8080\n"), "{y}");
    assert!(y.contains("\n    clusterIPs:\n    - 10.9"), "{y}");
    // And it reads back to the same values.
    let list = load(&y);
    let styled = item(&list, "styled");
    let a = styled.path(&["metadata", "annotations"]).unwrap();
    assert_eq!(a.get("example.com/long").and_then(Node::as_str), Some(words.join(" ").as_str()));
    assert_eq!(a.get("example.com/multi").and_then(Node::as_str), Some("line one\nline two\n"));
    assert_eq!(a.get("example.com/number").and_then(Node::as_str), Some("108"));
    assert_eq!(a.get("example.com/tab").and_then(Node::as_str), Some("a\tb"));
    assert_eq!(a.get("example.com/dash").and_then(Node::as_str), Some("- x"));
}
