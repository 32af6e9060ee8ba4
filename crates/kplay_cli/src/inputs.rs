//! Reading the inputs: files, directories (recursing into *.yaml, *.yml, *.json) and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use kplay_core::SourceFile;

/// The files to analyse, in a stable order: arguments in the order given, directory contents
/// sorted by path.
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
            for f in found.into_iter().filter(|f| !ignored(f)) {
                files.push(read(&f)?);
            }
        } else if !ignored(path) {
            files.push(read(path)?);
        }
    }
    Ok(files)
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
