//! `cargo xtask test`: everything CI runs, in order, stopping at the first failure: install,
//! formatting, clippy, the workspace's tests, a bounded fuzz run, the generated-docs check, the
//! playground build and the browser end-to-end tests (Chromium, then smoke tests in Firefox and
//! WebKit), the WASI build with its launcher, parity and pre-commit tests, and the npm package
//! with its Node, Chromium and TypeScript tests. `.ci/run` runs exactly this; each step's time is
//! printed at the end.

use std::path::PathBuf;
use std::time::Duration;

use crate::util::{self, cmd, exec};
use crate::{docs, fuzz, install, npm, wasi, web};

/// Browser end-to-end tests: every `*.test.mjs` here runs under `node --test` against dist/.
const E2E_DIR: &str = "tests/e2e";
/// The smoke tests in Firefox ESR (through geckodriver) and WebKitGTK (through WebKitWebDriver),
/// on the same dist/.
const WEBDRIVER_DIR: &str = "tests/webdriver";

type StepFn = fn() -> Result<(), String>;

const STEPS: &[(&str, StepFn)] = &[
    ("install", install::run),
    ("fmt", fmt),
    ("clippy", clippy),
    ("cargo-test", cargo_test),
    // A bounded fuzz run: about a minute per target on CI (xtask/src/fuzz.rs).
    ("fuzz", fuzz::bounded),
    ("docs", docs_check),
    ("web-build", web::build_installed),
    ("web-e2e", web_e2e),
    // The same build in Firefox and WebKit: a smoke test of the main path (tests/webdriver/).
    ("web-webdriver", web_webdriver),
    // The WASI build: wheel, launcher tests, native-vs-wasm parity, pre-commit end to end.
    ("wasi", wasi::test),
    // The JavaScript library: npm package, wasm-bindgen tests in Node and Chromium, tsc.
    ("npm", npm::test),
];

pub fn run() -> Result<(), String> {
    if util::is_ci() {
        // A clean checkout gains nothing from incremental builds, and their caches took more
        // than a GB of disk (a CI machine once ran out of it in the last step).
        // Single-threaded here: nothing reads the environment concurrently.
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
    let mut times: Vec<(&str, Duration)> = Vec::new();
    let n = STEPS.len();
    for (i, (name, step)) in STEPS.iter().enumerate() {
        println!("\n== xtask test [{}/{n}] {name}{}", i + 1, disk_note());
        let (result, took) = util::timed(step);
        times.push((name, took));
        if let Err(e) = result {
            print_times(&times);
            return Err(format!("step `{name}` failed after {}: {e}", util::fmt_duration(took)));
        }
    }
    print_times(&times);
    let total: Duration = times.iter().map(|(_, d)| *d).sum();
    println!("xtask test: all {n} steps succeeded in {}", util::fmt_duration(total));
    Ok(())
}

/// ` (disk: 5.4 GiB free)`, so that a CI log shows how close a run came to filling the disk.
fn disk_note() -> String {
    util::free_disk().map_or(String::new(), |b| format!(" (disk: {} free)", util::fmt_gib(b)))
}

fn print_times(times: &[(&str, Duration)]) {
    println!("\n== xtask test: step times");
    for (name, d) in times {
        println!("   {name:<12} {:>8}", util::fmt_duration(*d));
    }
    if let Some(b) = util::free_disk() {
        println!("   (disk: {} free)", util::fmt_gib(b));
    }
}

/// `--locked` in CI: the committed Cargo.lock must be complete.
fn cargo(args: &[&str]) -> std::process::Command {
    let mut c = cmd("cargo", args);
    if util::is_ci() {
        c.arg("--locked");
    }
    c
}

fn fmt() -> Result<(), String> {
    exec(&mut cmd("cargo", ["fmt", "--all", "--check"])).map_err(|e| format!("{e}\n  fix: cargo fmt --all"))
}

/// The web crate compiles natively too (yew's csr renderer builds on every target), so one
/// native clippy run covers the whole workspace.
fn clippy() -> Result<(), String> {
    exec(cargo(&["clippy", "--workspace", "--all-targets"]).args(["--", "-D", "warnings"]))
}

/// `--no-fail-fast`: one run shows every failing test binary, not just the first.
fn cargo_test() -> Result<(), String> {
    exec(&mut cargo(&["test", "--workspace", "--no-fail-fast"]))
}

fn docs_check() -> Result<(), String> {
    docs::run(&["--check".to_owned()])
}

fn web_e2e() -> Result<(), String> {
    browser_tests(E2E_DIR, &[])
}

/// Under xvfb-run (`-a`: a free display number): WebKitGTK's MiniBrowser needs an X display.
fn web_webdriver() -> Result<(), String> {
    browser_tests(WEBDRIVER_DIR, &["xvfb-run", "-a"])
}

/// Runs the `*.test.mjs` files of `dir` with `node --test` against dist/, under `wrapper`.
fn browser_tests(dir: &str, wrapper: &[&str]) -> Result<(), String> {
    let files = test_files(dir);
    if files.is_empty() {
        return Err(format!("no {dir}/*.test.mjs files"));
    }
    let mut c = match wrapper.split_first() {
        Some((program, args)) => cmd(program, args.iter().copied().chain(["node"])),
        None => cmd("node", std::iter::empty::<&str>()),
    };
    c.arg("--test").args(&files).env("KPLAY_DIST", util::root().join("dist"));
    exec(&mut c)
}

/// The `*.test.mjs` files of `dir`, sorted.
fn test_files(dir: &str) -> Vec<PathBuf> {
    let dir = util::root().join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.mjs")))
        .collect();
    files.sort();
    files
}
