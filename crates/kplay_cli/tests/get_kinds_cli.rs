//! `kplay get all` and `kplay get pods,svc` end to end: one table per kind found, separated by a
//! blank line, names prefixed with their kind, as kubectl prints them.

use std::process::Command;

#[test]
fn get_all_prints_a_table_per_kind_with_kinds_in_the_names() {
    let dir = std::env::temp_dir().join(format!("kplay-get-all-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("web.yaml");
    std::fs::write(
        &file,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
    )
    .unwrap();
    let run = |kinds: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_kplay")).args(["get", kinds]).arg(&file).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, out, _) = run("all");
    assert_eq!(code, Some(0));
    let headers: Vec<&str> = out.split("\n\n").map(|t| t.lines().nth(1).unwrap().split('/').next().unwrap()).collect();
    assert_eq!(headers, ["pod", "service", "deployment.apps", "replicaset.apps"], "{out}");
    let (_, out, _) = run("svc,deploy");
    assert!(out.contains("\nservice/kubernetes ") && out.contains("\n\nNAME ") && out.contains("\ndeployment.apps/web "), "{out}");
    let (code, out, err) = run("jobs,ds");
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "", "No resources found in default namespace.\n"));
    let (code, _, err) = run("pods,widgets");
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown resource type `widgets`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
