//! `kplay check DIR` on a kustomize base: the files its kustomization.yaml names as patches are
//! fragments, not objects, and are left out with a note on stderr; the rest is checked as usual.

use std::path::PathBuf;
use std::process::Command;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
/// A strategic-merge patch: as an object it lacks the selector and the image.
const SMP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            limits:\n              memory: 128Mi\n";
/// A JSON 6902 patch: a list, not an object.
const JSON6902: &str = "- op: replace\n  path: /spec/replicas\n  value: 3\n";

struct Scratch(PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn patches_named_by_a_kustomization_are_not_checked_as_objects() {
    let dir = Scratch(std::env::temp_dir().join(format!("kplay-kustomize-{}", std::process::id())));
    let base = dir.0.join("base");
    std::fs::create_dir_all(base.join("patches")).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(base.join(name), text).expect("write");
    write("deployment.yaml", DEPLOYMENT);
    write("patches/memory.yaml", SMP);
    write("replicas.yaml", JSON6902);
    write("inline.yaml", SMP);
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\npatches:\n  - path: ./patches/memory.yaml\n  - path: replicas.yaml\n    target:\n      kind: Deployment\n      name: web\n";
    let run = |k: &str| {
        std::fs::write(base.join("kustomization.yaml"), k).expect("write");
        Command::new(env!("CARGO_BIN_EXE_kplay"))
            .args(["check", "base", "--format", "json"])
            .current_dir(&dir.0)
            .output()
            .expect("run kplay")
    };
    let o = run(kustomization);
    let err = String::from_utf8_lossy(&o.stderr);
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let files: Vec<String> = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["file"].as_str().unwrap_or_default().to_owned())
        .collect();
    // inline.yaml is not named by the kustomization: it is checked, and refused.
    assert!(files.iter().all(|f| f.ends_with("inline.yaml")), "only the unnamed patch has errors: {files:?}\n{err}");
    assert!(!files.is_empty(), "inline.yaml is still checked");
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("base/patches/memory.yaml is not checked: base/kustomization.yaml names it as a patch"), "{err}");
    assert!(err.contains("base/replicas.yaml is not checked"), "{err}");
    assert!(err.contains("kustomize build base | kplay check -"), "{err}");
    assert!(err.contains("base/kustomization.yaml is not checked: a kustomize file"), "{err}");
    // The older fields name patches too; an explicit file argument is always checked.
    let o = run("resources:\n  - deployment.yaml\npatchesStrategicMerge:\n  - patches/memory.yaml\n  - inline.yaml\npatchesJson6902:\n  - path: replicas.yaml\n");
    assert_eq!(o.status.code(), Some(0), "{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(["check", "base/patches/memory.yaml"])
        .current_dir(&dir.0)
        .output()
        .expect("run kplay");
    assert_eq!(o.status.code(), Some(1), "a file given by name is checked");
}
