//! `cargo xtask build` and `serve`: the playground through trunk, offline, with the pinned tools.

use crate::install;
use crate::util::{self, cmd, exec};

const DEFAULT_PORT: u16 = 8080;

/// `trunk build --release --offline` into dist/, then its size report. Installs what is missing
/// first.
pub fn build() -> Result<(), String> {
    install::run()?;
    build_installed()
}

/// The build and its size report, for callers that have installed already.
pub fn build_installed() -> Result<(), String> {
    fetch()?;
    editor_bundle()?;
    let (result, took) = util::timed(|| exec(&mut cmd("trunk", ["build", "--release", "--offline"])));
    result?;
    println!("== playground built into dist/ in {}", util::fmt_duration(took));
    size_report()
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

/// The aim for everything the page downloads, gzipped (issue #6: "under 600 KB").
const PAGE_GZIP_AIM: usize = 600_000;

/// Whether the page itself downloads `name` from dist/: its HTML, the wasm and every script and
/// stylesheet, but not the embed script (`embed.js`, loaded by other pages) and its demo page.
fn is_page_file(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    matches!(ext, Some("html" | "wasm" | "js" | "mjs" | "css")) && !name.starts_with("embed")
}

/// Sizes (raw and gzip -9) of every file of dist/ the page downloads, their total, and a warning
/// when the total is over the aim. Reported, not enforced.
pub fn size_report() -> Result<(), String> {
    let dist = util::root().join("dist");
    let entries = std::fs::read_dir(&dist).map_err(|e| format!("{}: {e} (build the playground first)", dist.display()))?;
    let mut names: Vec<String> =
        entries.filter_map(Result::ok).filter(|e| e.path().is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let (page, others): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| is_page_file(n));
    if !page.iter().any(|n| n.rsplit_once('.').is_some_and(|(_, e)| e == "wasm")) {
        return Err(format!("{} holds no .wasm (build the playground first)", dist.display()));
    }
    println!("== playground download size (dist/)");
    println!("   {:<40} {:>22} {:>22}", "file", "raw", "gzip -9");
    let (mut raw_total, mut gz_total) = (0, 0);
    for name in &page {
        let p = dist.join(name);
        let raw = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let gz = util::gzip_len(&raw)?;
        raw_total += raw.len();
        gz_total += gz;
        println!("   {name:<40} {:>22} {:>22}", util::fmt_bytes(raw.len()), util::fmt_bytes(gz));
    }
    println!("   {:<40} {:>22} {:>22}", "total", util::fmt_bytes(raw_total), util::fmt_bytes(gz_total));
    if !others.is_empty() {
        println!("   not downloaded by the page: {}", others.join(", "));
    }
    util::print_size_aim("the page downloads", gz_total, PAGE_GZIP_AIM);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_files_are_its_own_scripts_styles_and_wasm() {
        for page in ["index.html", "kplay_web-0123_bg.wasm", "kplay_web-0123.js", "kplay-editor.js", "style-0a.css", "kplay-worker.mjs"] {
            assert!(is_page_file(page), "{page}");
        }
        for other in ["embed.js", "embed-demo.html", "embed-demo.css", "README", "notes.txt", "kplay_web.wasm.map"] {
            assert!(!is_page_file(other), "{other}");
        }
    }
}
