//! `cargo xtask bench`: the criterion benchmarks (check throughput in kplay_tests; cluster
//! simulation and kube-proxy rule generation/evaluation in kplay_core), the playground's
//! download size (raw and gzipped bytes of its .wasm and .js) and its keystroke-to-underline
//! main-thread time in headless Chromium (tests/perf/keystroke.mjs).

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::util::{cmd, exec};
use crate::{install, web};

pub fn run() -> Result<(), String> {
    install::run()?;
    exec(&mut cmd("cargo", ["bench", "-p", "kplay_tests"]))?;
    exec(&mut cmd("cargo", ["bench", "-p", "kplay_core", "--bench", "cluster", "--bench", "proxy"]))?;
    web::build_installed()?;
    size_report()?;
    exec(&mut cmd("node", ["tests/perf/keystroke.mjs"]))
}

/// Prints the sizes of the built playground.
pub fn size_report() -> Result<(), String> {
    let (wasm, js) = web::dist_artifacts()?;
    println!("== playground size (dist/)");
    println!("   {:<34} {:>22} {:>22}", "file", "raw", "gzip -9");
    for p in [&wasm, &js] {
        let raw = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let gz = gzip_len(&raw)?;
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("   {name:<34} {:>22} {:>22}", bytes(raw.len()), bytes(gz));
    }
    Ok(())
}

/// Compressed size with the system's gzip (what web servers typically use).
fn gzip_len(data: &[u8]) -> Result<usize, String> {
    let mut child = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    // Write from another thread so a full stdout pipe cannot block the write.
    let mut stdin = child.stdin.take().ok_or("gzip has no stdin")?;
    let input = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(|e| format!("gzip: {e}"))?;
    writer.join().map_err(|_| "gzip writer panicked")?.map_err(|e| format!("gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed ({})", out.status));
    }
    Ok(out.stdout.len())
}

fn bytes(n: usize) -> String {
    format!("{n} B ({:.1} KiB)", n as f64 / 1024.0)
}
