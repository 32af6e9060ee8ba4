//! Reading the inputs: files, directories (recursing into *.yaml, *.yml, *.json) and stdin.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use kplay_core::yaml::Node;
use kplay_core::SourceFile;

/// The files to analyse, in a stable order: arguments in the order given, directory contents
/// sorted by path. In a directory, kustomize's `kustomization.yaml` and the patch files it names
/// are left out (they are not objects), each with a note on stderr; a file given by name is
/// always read.
pub fn collect(paths: &[String], ignored: &dyn Fn(&Path) -> bool) -> Result<Vec<SourceFile>, String> {
    let mut files = Vec::new();
    let paths: Vec<String> = if paths.is_empty() { vec!["-".into()] } else { paths.to_vec() };
    for p in &paths {
        if p == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("cannot read stdin: {e}"))?;
            files.push(SourceFile::from_bytes("<stdin>", &buf));
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {p}: {e}"))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            let patches = kustomize_patches(&found);
            for f in found.into_iter().filter(|f| !ignored(f)) {
                if is_kustomization(&f) {
                    // kustomize's own file, not an object (`apiVersion` and `kind` are optional).
                    eprintln!("note: {} is not checked: a kustomize file, not a Kubernetes object", display(&f));
                    continue;
                }
                if let Some(k) = patches.get(&canonical(&f)) {
                    // Not objects but fragments kustomize merges into them: check the output of
                    // `kustomize build` instead. Said on stderr so that outputs stay parseable.
                    eprintln!(
                        "note: {} is not checked: {} names it as a patch (to check the result: `kustomize build {} | kplay check -`)",
                        display(&f),
                        display(k),
                        display(k.parent().unwrap_or(Path::new(".")))
                    );
                    continue;
                }
                files.push(read(&f)?);
            }
        } else if !ignored(path) {
            files.push(read(path)?);
        }
    }
    Ok(files)
}

/// The patch files that the kustomizations among `found` name (`patchesStrategicMerge`,
/// `patches[].path`, `patchesJson6902[].path`), by canonical path, with the kustomization that
/// names them. A kustomization that cannot be read or parsed names none.
fn kustomize_patches(found: &[PathBuf]) -> HashMap<PathBuf, PathBuf> {
    let mut out = HashMap::new();
    for k in found.iter().filter(|f| is_kustomization(f)) {
        let Ok(bytes) = std::fs::read(k) else { continue };
        let file = SourceFile::from_bytes(display(k), &bytes);
        let loaded = kplay_core::yaml::load_file(0, &file, &kplay_core::yaml::Limits::default());
        let Some(root) = loaded.docs.first().and_then(|d| d.root.as_ref()) else { continue };
        let dir = k.parent().unwrap_or(Path::new("."));
        let mut named: Vec<&str> = Vec::new();
        for item in root.get("patchesStrategicMerge").and_then(Node::as_seq).unwrap_or(&[]) {
            // An entry is a path, or an inline patch (YAML text with line breaks).
            named.extend(item.text().filter(|t| !t.contains('\n')));
        }
        for key in ["patches", "patchesJson6902"] {
            for item in root.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
                named.extend(item.get("path").and_then(Node::text));
            }
        }
        for n in named {
            out.insert(canonical(&dir.join(n)), k.clone());
        }
    }
    out
}

fn is_kustomization(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "kustomization.yaml" || n == "kustomization.yml")
}

/// `path` made absolute and resolved, for comparing paths written in different ways; where the
/// system cannot resolve it (WASI), `.` and `..` resolved in the text.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let mut out = PathBuf::new();
        for c in path.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir if out.file_name().is_some() => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    })
}

fn read(path: &Path) -> Result<SourceFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(SourceFile::from_bytes(display(path), &bytes))
}

/// Paths as the user wrote them, with `/` separators, without a leading `./`.
fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")) {
            out.push(path);
        }
    }
    Ok(())
}
