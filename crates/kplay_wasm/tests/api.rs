//! wasm-bindgen-test suite for the bindings, run in Node (default) and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`) by `cargo xtask test`: results arrive as plain JS objects in
//! the CLI's JSON shape, bad arguments throw with a clear message, bad manifests never throw.
#![cfg(target_arch = "wasm32")]

use kplay_wasm::Workspace;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const APP: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - containerPort: 8080\n";

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

/// A JS value as JSON data (through the JS engine's own JSON.stringify, so `undefined` fields
/// disappear exactly as they would for a JS caller).
fn data(v: &JsValue) -> Value {
    let text: String = js_sys::JSON::stringify(v).expect("stringify").into();
    serde_json::from_str(&text).expect("JSON")
}

fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

fn workspace(options: &str, text: &str) -> Workspace {
    let mut w = Workspace::new(js(options)).expect("valid options");
    w.set_file(JsValue::from_str("app.yaml"), JsValue::from_str(text)).expect("strings");
    w
}

#[wasm_bindgen_test]
fn check_reports_in_the_cli_shape() {
    let mut w = workspace("{}", "apiVersion: v1\nkind: Service\nmetadata:\n  name: Web\nspec:\n  ports:\n    - port: 80\n");
    let r = data(&w.check().expect("check"));
    let d = r["diagnostics"].as_array().expect("diagnostics");
    let bad_name = d.iter().find(|d| d["kubernetes"]["field"] == "metadata.name").expect("metadata.name diagnostic");
    assert_eq!(bad_name["kubernetes"]["type"], "Invalid");
    assert_eq!(bad_name["severity"], "error");
    assert_eq!(bad_name["file"], "app.yaml");
    assert_eq!(bad_name["range"]["start"], serde_json::json!({"line": 4, "column": 9}));
    // Absent values are null, as in the CLI's JSON, not missing.
    for key in ["help", "object", "kubernetes", "labels", "message", "rule"] {
        assert!(bad_name.as_object().expect("object").contains_key(key), "{key} missing in {bad_name}");
    }
    assert_eq!(r["summary"]["files"], 1);
    assert!(r["summary"]["errors"].as_u64().unwrap_or(0) >= 1);
}

#[wasm_bindgen_test]
fn utf16_columns_differ_from_character_columns_after_astral_characters() {
    // The label value is invalid; two emoji (two UTF-16 units, four bytes each) and a CJK
    // character (one unit, three bytes) precede it on its line.
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {note: \"\u{1F680}\u{1F680}\u{6F22}\"}, labels: {b: \"not valid!\"}}\nspec:\n  ports:\n    - port: 80\n";
    let col = |enc: &str| {
        let mut w = workspace(&format!(r#"{{"positionEncoding": "{enc}"}}"#), text);
        let r = data(&w.check().expect("check"));
        let d = r["diagnostics"].as_array().expect("diagnostics").iter().find(|d| d["kubernetes"]["field"] == "metadata.labels").cloned();
        d.map(|d| d["range"]["start"]["column"].as_u64().expect("column"))
    };
    let (chars, utf16, utf8) = (col("chars"), col("utf16"), col("utf8"));
    assert!(chars.is_some(), "a metadata.labels diagnostic");
    assert_eq!(utf16, chars.map(|c| c + 2));
    assert_eq!(utf8, chars.map(|c| c + 8));
    assert_eq!(chars, Some(63));
    assert_eq!(
        col("utf16"),
        {
            let mut w = workspace("{}", text);
            let r = data(&w.check().expect("check"));
            r["diagnostics"]
                .as_array()
                .expect("d")
                .iter()
                .find(|d| d["kubernetes"]["field"] == "metadata.labels")
                .map(|d| d["range"]["start"]["column"].as_u64().unwrap_or(0))
        },
        "UTF-16 is the default"
    );
}

#[wasm_bindgen_test]
fn bad_arguments_throw_with_a_clear_message() {
    let e = Workspace::new(js(r#"{"kubeVersion": "1.99"}"#)).err().expect("unsupported version");
    assert!(message(e).contains("1.99"));
    let e = Workspace::new(js(r#"{"positionEncoding": "utf32"}"#)).err().expect("bad encoding");
    assert!(message(e).contains("utf32"));
    let e = Workspace::new(js(r#"{"colour": "blue"}"#)).err().expect("unknown option");
    assert!(message(e).contains("colour"));
    let e = Workspace::new(js(r#"{"disabledRules": ["no-such-rule"]}"#)).err().expect("unknown rule");
    assert!(message(e).contains("no-such-rule"));
    let e = Workspace::new(JsValue::from_str("1.34")).err().expect("not an object");
    assert!(message(e).contains("must be an object"));
    assert!(Workspace::new(JsValue::UNDEFINED).is_ok(), "options are optional");

    let mut w = workspace("{}", APP);
    let e = w.set_file(JsValue::from_str("x.yaml"), JsValue::from_f64(3.0)).expect_err("text must be a string");
    assert!(message(e).contains("must be a string"));
    let e = w.trace(js(r#"{"to": "nowhere"}"#)).expect_err("bad destination");
    assert!(message(e).contains("not a destination"));
    let e = w.trace(JsValue::UNDEFINED).expect_err("a request is required");
    assert!(message(e).contains("required"));
    let e = w.simulate(js(r#"{"to": "svc/default/web:80", "requests": 0}"#)).expect_err("zero requests");
    assert!(message(e).contains("requests"));
    let e = w.proxy_rules(JsValue::from_str("userspace"), JsValue::UNDEFINED).expect_err("bad mode");
    assert!(message(e).contains("userspace"));
    let e = w.proxy_rules(JsValue::UNDEFINED, JsValue::from_str("node-99")).expect_err("bad node");
    assert!(message(e).contains("node-99"));
}

#[wasm_bindgen_test]
fn bad_manifests_are_diagnostics_never_exceptions() {
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    for text in
        ["", "\u{0}\u{1}garbage: [", "- - - -", "a: *nope", "apiVersion: v1\nkind: Pod\n", nested.as_str(), "\u{FEFF}kind: Service\n"]
    {
        let mut w = workspace("{}", text);
        let r = data(&w.check().expect("check never throws"));
        assert!(r["diagnostics"].is_array());
        assert!(w.objects().is_ok() && w.endpoint_slices().is_ok() && w.dns().is_ok());
        assert!(w.proxy_rules(JsValue::UNDEFINED, JsValue::UNDEFINED).is_ok());
    }
}

#[wasm_bindgen_test]
fn objects_are_stored_with_defaults_as_plain_objects() {
    let mut w = workspace("{}", APP);
    let objs = data(&w.objects().expect("objects"));
    let svc = &objs[0];
    assert_eq!(svc["kind"], "Service");
    assert_eq!(svc["acceptance"], "accepted");
    assert_eq!(svc["object"]["spec"]["type"], "ClusterIP");
    assert_eq!(svc["object"]["spec"]["ports"][0]["targetPort"], 8080);
    let dep = &objs[1];
    assert_eq!(dep["object"]["spec"]["strategy"]["type"], "RollingUpdate");
    // Maps are plain objects (not Map instances), so JSON.stringify sees their keys.
    assert_eq!(svc["object"]["spec"]["selector"]["app"], "web");
}

#[wasm_bindgen_test]
fn the_cluster_answers_slices_dns_traces_and_rules() {
    let mut w = workspace(r#"{"cluster": {"node-count": 2}}"#, APP);
    let slices = data(&w.endpoint_slices().expect("slices"));
    let web = slices.as_array().expect("array").iter().find(|s| s["service"] == "web").expect("web's slice");
    assert_eq!(web["endpoints"].as_array().map(Vec::len), Some(2));
    assert_eq!(web["ports"][0]["port"], 8080);
    let dns = data(&w.dns().expect("dns"));
    assert!(dns.as_array().expect("array").iter().any(|r| r["name"] == "web.default.svc.cluster.local" && r["type"] == "A"));
    let t = data(&w.trace(js(r#"{"from": "external", "to": "svc/default/web:80"}"#)).expect("trace"));
    assert_eq!(t["outcome"], "delivered", "{t}");
    assert_eq!(t["endpoint"]["port"], 8080);
    let s = data(&w.simulate(js(r#"{"to": "svc/default/web:80", "requests": 100, "clients": 3}"#)).expect("simulate"));
    assert_eq!(s["delivered"], 100);
    let per_client = s["per_client"].as_array().expect("per_client");
    assert_eq!(per_client.len(), 3);
    let hits: u64 = per_client.iter().flat_map(|c| c["hits"].as_array().into_iter().flatten()).filter_map(|h| h["count"].as_u64()).sum();
    assert_eq!(hits, 100, "{s}");
    let rules = w.proxy_rules(JsValue::from_str("iptables"), JsValue::from_str("node-2")).expect("rules");
    assert!(rules.contains("*nat") && rules.contains("default/web"), "{rules}");
}

#[wasm_bindgen_test]
fn registry_and_version() {
    let rules = data(&Workspace::rules().expect("rules"));
    let list = rules.as_array().expect("array");
    assert!(list.len() > 50);
    assert!(list.iter().all(|r| r["docs"].as_str().is_some_and(|d| d.contains("## What it does"))));
    assert_eq!(Workspace::version(), env!("CARGO_PKG_VERSION"));
}
