//! `cargo xtask build` and `serve`: the playground through trunk, offline, with the pinned tools.

use std::path::PathBuf;

use crate::install;
use crate::util::{self, cmd, exec};

const DEFAULT_PORT: u16 = 8080;

/// `trunk build --release --offline` into dist/. Installs what is missing first.
pub fn build() -> Result<(), String> {
    install::run()?;
    build_installed()
}

/// The build alone, for callers that have installed already.
pub fn build_installed() -> Result<(), String> {
    fetch()?;
    editor_bundle()?;
    let (result, took) = util::timed(|| exec(&mut cmd("trunk", ["build", "--release", "--offline"])));
    result?;
    println!("== playground built into dist/ in {}", util::fmt_duration(took));
    Ok(())
}

/// `trunk serve` on 127.0.0.1, rebuilding on change.
pub fn serve(args: &[String]) -> Result<(), String> {
    let mut port = DEFAULT_PORT;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                let v = it.next().ok_or("--port needs a number")?;
                port = v.parse().map_err(|_| format!("--port: `{v}` is not a port number"))?;
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    install::run()?;
    fetch()?;
    editor_bundle()?;
    println!("== serving the playground on http://127.0.0.1:{port}/ (Ctrl-C stops)");
    exec(&mut cmd("trunk", ["serve", "--release", "--offline", "--address", "127.0.0.1", "--port", &port.to_string()]))
}

/// The CodeMirror bundle (web/editor/index.js -> web/editor/dist/kplay-editor.js) with the
/// esbuild pinned in package-lock.json; index.html copies it into dist/.
fn editor_bundle() -> Result<(), String> {
    exec(cmd("node", ["web/editor/build.mjs"]).current_dir(util::root()))
}

/// `--offline` also makes trunk's cargo offline, so every crate must be fetched before.
fn fetch() -> Result<(), String> {
    let mut fetch = cmd("cargo", ["fetch"]);
    if util::is_ci() {
        fetch.arg("--locked");
    }
    exec(&mut fetch)
}

/// The playground's built files: (wasm, js) paths in dist/.
pub fn dist_artifacts() -> Result<(PathBuf, PathBuf), String> {
    let dist = util::root().join("dist");
    let entries = std::fs::read_dir(&dist).map_err(|e| format!("{}: {e} (build the playground first)", dist.display()))?;
    let (mut wasm, mut js) = (None, None);
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        let ours = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("kplay_web"));
        match p.extension().and_then(|e| e.to_str()) {
            Some("wasm") if ours => wasm = Some(p),
            Some("js") if ours => js = Some(p),
            _ => {}
        }
    }
    Ok((wasm.ok_or("dist/ holds no kplay_web*.wasm")?, js.ok_or("dist/ holds no kplay_web*.js")?))
}
