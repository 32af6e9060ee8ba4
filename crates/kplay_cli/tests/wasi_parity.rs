//! The WebAssembly build of `kplay` (wasm32-wasip1), run under wasmtime by the Python launcher,
//! answers byte for byte like the native build: same standard output, standard error and exit
//! code, for every fixture, for directories, stdin, every output format and usage errors.
//!
//! These need the launcher, so plain `cargo test` skips them (`#[ignore]`); `cargo xtask test`
//! builds the wheel and runs them with `--ignored` and `KPLAY_WASI_CMD` set to its `kplay`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn native() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
}

fn wasm() -> Command {
    let launcher = std::env::var_os("KPLAY_WASI_CMD").expect("set KPLAY_WASI_CMD to the launcher's `kplay` (cargo xtask test does)");
    Command::new(launcher)
}

/// Runs `c` in `cwd` with `args` and `stdin`, in an environment without colour hints, so both
/// builds see the same thing.
fn output(mut c: Command, cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    c.args(args).current_dir(cwd).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn().unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        pipe.write_all(input).expect("writes stdin");
    }
    child.wait_with_output().expect("waits")
}

/// Compares both builds on one command line; returns a description of the difference, if any.
fn compare(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Option<String> {
    let n = output(native(), cwd, args, stdin);
    let w = output(wasm(), cwd, args, stdin);
    let mut diffs = Vec::new();
    if n.status.code() != w.status.code() {
        diffs.push(format!("exit code: native {:?}, wasm {:?}", n.status.code(), w.status.code()));
    }
    for (name, a, b) in [("stdout", &n.stdout, &w.stdout), ("stderr", &n.stderr, &w.stderr)] {
        if a != b {
            diffs.push(format!("{name} differs:\n--- native\n{}\n--- wasm\n{}", String::from_utf8_lossy(a), String::from_utf8_lossy(b)));
        }
    }
    (!diffs.is_empty()).then(|| format!("kplay {}: {}", args.join(" "), diffs.join("\n")))
}

/// Every *.yaml, *.yml and *.json under `dir`, relative to it, sorted.
fn manifest_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json") {
                if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn assert_all_equal(failures: &[String]) {
    assert!(failures.is_empty(), "{} command lines differ between native and wasm:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
#[ignore = "needs the WASI launcher: run by `cargo xtask test`"]
fn every_fixture_gives_identical_json() {
    let dir = fixtures();
    let files = manifest_files(&dir);
    assert!(files.len() >= 50, "expected the fixture suite under {}, found {} files", dir.display(), files.len());
    // Two workers: each comparison is two short processes, most of it start-up.
    let (a, b) = files.split_at(files.len() / 2);
    let run = |chunk: &[String]| chunk.iter().filter_map(|f| compare(&dir, &["check", "--format", "json", f], None)).collect::<Vec<_>>();
    let failures: Vec<String> = std::thread::scope(|s| {
        let second = s.spawn(|| run(b));
        let mut out = run(a);
        out.extend(second.join().expect("worker"));
        out
    });
    assert_all_equal(&failures);
}

#[test]
#[ignore = "needs the WASI launcher: run by `cargo xtask test`"]
fn directories_and_every_format_are_identical() {
    let dir = fixtures();
    let mut failures = Vec::new();
    for format in ["human", "json", "sarif", "github", "junit"] {
        failures.extend(compare(&dir, &["check", "--color", "never", "--format", format, "."], None));
    }
    // Colours forced on, the defaulted objects, and a directory named with a trailing slash.
    failures.extend(compare(&dir, &["check", "--color", "always", "spec/"], None));
    failures.extend(compare(&dir, &["check", "--show-defaulted", "spec"], None));
    assert_all_equal(&failures);
}

#[test]
#[ignore = "needs the WASI launcher: run by `cargo xtask test`"]
fn stdin_paths_outside_the_working_directory_and_absolute_paths_are_identical() {
    let dir = fixtures();
    let files = manifest_files(&dir.join("spec"));
    let first = files.first().expect("spec fixtures");
    let text = std::fs::read(dir.join("spec").join(first)).expect("reads a fixture");
    let sub = dir.join("spec");
    let outside = format!("../yaml/{}", manifest_files(&dir.join("yaml")).first().expect("yaml fixtures"));
    let absolute = dir.join("spec").join(first).canonicalize().expect("absolute path");
    let absolute = absolute.to_string_lossy();
    let mut failures = Vec::new();
    failures.extend(compare(&dir, &["check", "--format", "json"], Some(&text)));
    failures.extend(compare(&dir, &["check", "--format", "json", "-"], Some(&text)));
    failures.extend(compare(&sub, &["check", "--format", "json", &outside], None));
    failures.extend(compare(&sub, &["check", "--format", "json", "../yaml"], None));
    failures.extend(compare(&sub, &["check", "--format", "human", &absolute], None));
    assert_all_equal(&failures);
}

#[test]
#[ignore = "needs the WASI launcher: run by `cargo xtask test`"]
fn usage_errors_and_other_subcommands_are_identical() {
    let dir = fixtures();
    let mut failures = Vec::new();
    for args in
        [&["--version"][..], &["--help"], &["check", "--format", "bogus", "."], &["check", "--kube-version", "1.12", "."], &["rules"]]
    {
        failures.extend(compare(&dir, args, None));
    }
    assert_all_equal(&failures);
}

/// A missing file is a usage error (exit 2) in both builds. The message names the OS error
/// number, which differs between Linux (2) and WASI (44), so only that is left out.
#[test]
#[ignore = "needs the WASI launcher: run by `cargo xtask test`"]
fn a_missing_file_is_a_usage_error_in_both() {
    let dir = fixtures();
    let args = ["check", "no-such-file.yaml"];
    let n = output(native(), &dir, &args, None);
    let w = output(wasm(), &dir, &args, None);
    assert_eq!(n.status.code(), Some(2));
    assert_eq!(w.status.code(), Some(2));
    let strip = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).into_owned();
        s.split(" (os error").next().unwrap_or_default().to_owned()
    };
    assert_eq!(strip(&n.stderr), strip(&w.stderr));
    assert!(strip(&w.stderr).contains("no-such-file.yaml"), "{}", strip(&w.stderr));
}
