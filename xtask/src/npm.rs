//! The JavaScript library (crates/kplay_wasm) and its npm package: building the package folder
//! (web and Node targets, package.json, README, the generated `.d.ts`) without publishing it,
//! its tests (wasm-bindgen-test in Node and headless Chromium; the Node tests, the CLI
//! consistency check and the tsc-checked usage example in tests/js) and its size report.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, cmd, exec};

const CRATE: &str = "kplay_wasm";
const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// The package folder, relative to the root (git-ignored). `examples/node/package.json` points
/// here, so it does not follow CARGO_TARGET_DIR.
pub const PACKAGE_DIR: &str = "target/npm/kplay";
const TEMPLATE_DIR: &str = "packaging/npm";
const JS_TESTS: &str = "tests/js";
/// The file stem of the generated modules (`kplay.js`, `kplay_bg.wasm`, `kplay.d.ts`).
const OUT_NAME: &str = "kplay";
/// The aim for the library's download (gzipped wasm).
const GZIP_BUDGET: usize = 300 * 1024;

/// `--locked` in CI: the committed Cargo.lock must be complete.
fn cargo(args: &[&str]) -> Command {
    let mut c = cmd("cargo", args);
    if util::is_ci() {
        c.arg("--locked");
    }
    c
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => util::root().join(d),
        _ => util::root().join("target"),
    }
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

fn write(p: &Path, text: &str) -> Result<(), String> {
    std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))
}

/// `cargo xtask npm`: builds the package folder and prints where it is and its size.
pub fn run() -> Result<(), String> {
    let dir = build()?;
    println!("== npm package (not published) in {}", dir.display());
    size_report()
}

/// Builds the package folder: the wasm in the size profile, wasm-bindgen for the `web` (ES
/// module, explicit `init()`) and `nodejs` (CommonJS, ready on require) targets, `wasm-opt -Oz`
/// on each, then package.json (workspace version filled in) and the README.
pub fn build() -> Result<PathBuf, String> {
    exec(&mut cargo(&["build", "-p", CRATE, "--target", TARGET, "--profile", PROFILE]))?;
    let wasm = target_dir().join(TARGET).join(PROFILE).join(format!("{CRATE}.wasm"));
    if !wasm.is_file() {
        return Err(format!("the build reported success but {} is missing", wasm.display()));
    }
    let root = util::root();
    let pkg = root.join(PACKAGE_DIR);
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    }
    let mut modules = Vec::new();
    for (target, sub) in [("web", "web"), ("nodejs", "node")] {
        let out = pkg.join(sub);
        exec(cmd("wasm-bindgen", ["--target", target, "--out-name", OUT_NAME, "--out-dir"]).arg(&out).arg(&wasm))?;
        modules.push(out.join(format!("{OUT_NAME}_bg.wasm")));
    }
    // wasm-opt reads the features rustc enabled from the module's target_features section. The
    // two targets usually get the same module: optimise it once (it is the slow step).
    let first = std::fs::read(&modules[0]).map_err(|e| format!("{}: {e}", modules[0].display()))?;
    let same = std::fs::read(&modules[1]).is_ok_and(|m| m == first);
    for (i, bg) in modules.iter().enumerate() {
        if i > 0 && same {
            std::fs::copy(&modules[0], bg).map_err(|e| format!("{}: {e}", bg.display()))?;
        } else {
            exec(cmd("wasm-opt", ["-Oz", "--strip-debug", "--strip-producers", "-o"]).arg(bg).arg(bg))?;
        }
    }
    // The web build's .js files are ES modules; Node needs to be told so inside a package
    // whose root is CommonJS (the nodejs build).
    write(&pkg.join("web").join("package.json"), "{\n  \"type\": \"module\"\n}\n")?;
    let version = workspace_version()?;
    let template = read(&root.join(TEMPLATE_DIR).join("package.json"))?;
    write(&pkg.join("package.json"), &fill_version(&template, &version)?)?;
    std::fs::copy(root.join(TEMPLATE_DIR).join("README.md"), pkg.join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    Ok(pkg)
}

fn workspace_version() -> Result<String, String> {
    let cargo_toml = read(&util::root().join("Cargo.toml"))?;
    util::toml_string(&cargo_toml, "version").ok_or_else(|| "Cargo.toml has no version".into())
}

/// Replaces the template's `"version": "0.0.0"` with the workspace's version.
fn fill_version(template: &str, version: &str) -> Result<String, String> {
    const PLACEHOLDER: &str = "\"version\": \"0.0.0\"";
    if !template.contains(PLACEHOLDER) {
        return Err(format!("{TEMPLATE_DIR}/package.json must hold {PLACEHOLDER}"));
    }
    Ok(template.replacen(PLACEHOLDER, &format!("\"version\": \"{version}\""), 1))
}

/// Everything `cargo xtask test` runs for the library.
pub fn test() -> Result<(), String> {
    wasm_bindgen_tests()?;
    let pkg = build()?;
    link_package(&pkg)?;
    let kplay = build_cli()?;
    typescript()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(util::root().join(JS_TESTS))
        .map_err(|e| format!("{JS_TESTS}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.mjs")))
        .collect();
    files.sort();
    exec(cmd("node", ["--test"]).args(&files).env("KPLAY_BIN", &kplay))
}

/// The wasm-bindgen-test suite of the bindings in Node, then in headless Chromium.
pub fn wasm_bindgen_tests() -> Result<(), String> {
    let runner = "wasm-bindgen-test-runner";
    let mut node = cargo(&["test", "-p", CRATE, "--target", TARGET]);
    node.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner).env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    exec(&mut node)?;
    let mut chromium = cargo(&["test", "-p", CRATE, "--target", TARGET]);
    chromium
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
        .env("CHROMEDRIVER", chromedriver());
    // The runner reads webdriver.json (headless, --no-sandbox: mandatory as root) from the
    // crate's folder, where cargo starts it.
    exec(&mut chromium)
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// `tests/js/node_modules/kplay` and `examples/node/node_modules/kplay` point at the package
/// folder, as `npm install` of a `file:` dependency would make them (without npm).
fn link_package(pkg: &Path) -> Result<(), String> {
    let root = util::root();
    for dir in [JS_TESTS, "examples/node"] {
        let modules = root.join(dir).join("node_modules");
        std::fs::create_dir_all(&modules).map_err(|e| format!("{}: {e}", modules.display()))?;
        let link = modules.join("kplay");
        if link.symlink_metadata().is_ok() {
            let removed = if link.is_dir() && !link.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_dir_all(&link)
            } else {
                std::fs::remove_file(&link)
            };
            removed.map_err(|e| format!("{}: {e}", link.display()))?;
        }
        symlink_dir(pkg, &link)?;
    }
    Ok(())
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| format!("{}: {e}", link.display()))
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::windows::fs::symlink_dir(target, link).map_err(|e| format!("{}: {e}", link.display()))
}

#[cfg(not(any(unix, windows)))]
fn symlink_dir(_target: &Path, link: &Path) -> Result<(), String> {
    Err(format!("{}: symbolic links are not supported here", link.display()))
}

/// The native `kplay` the consistency test compares against.
fn build_cli() -> Result<PathBuf, String> {
    exec(&mut cargo(&["build", "-p", "kplay_cli"]))?;
    Ok(target_dir().join("debug").join(format!("kplay{}", std::env::consts::EXE_SUFFIX)))
}

/// Compiles tests/js/usage.ts with the pinned tsc against the package's declarations, then
/// runs it (it checks that the declared keys are the runtime keys).
fn typescript() -> Result<(), String> {
    let root = util::root();
    exec(&mut cmd("tsc", ["-p", JS_TESTS]))?;
    exec(&mut cmd("node", [root.join(JS_TESTS).join("build").join("usage.js")]))
}

/// Sizes of the package's wasm (raw, gzip -9) and generated JavaScript, against the aim.
pub fn size_report() -> Result<(), String> {
    let pkg = util::root().join(PACKAGE_DIR);
    println!("== npm package size ({PACKAGE_DIR})");
    println!("   {:<24} {:>22} {:>22}", "file", "raw", "gzip -9");
    let mut wasm_gz = 0;
    for rel in
        [format!("web/{OUT_NAME}_bg.wasm"), format!("web/{OUT_NAME}.js"), format!("node/{OUT_NAME}_bg.wasm"), format!("node/{OUT_NAME}.js")]
    {
        let (raw, gz) = util::file_sizes(&pkg.join(&rel)).map_err(|e| format!("{e} (run `cargo xtask npm` first)"))?;
        if rel == format!("web/{OUT_NAME}_bg.wasm") {
            wasm_gz = gz;
        }
        println!("   {rel:<24} {:>22} {:>22}", util::fmt_bytes(raw), util::fmt_bytes(gz));
    }
    // An aim, reported rather than enforced: the core's size is not this crate's to change.
    util::print_size_aim("the wasm is", wasm_gz, GZIP_BUDGET);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_gets_the_workspace_version() {
        let t = read(&util::root().join(TEMPLATE_DIR).join("package.json")).expect("template");
        let filled = fill_version(&t, "1.2.3").expect("placeholder present");
        assert!(filled.contains("\"version\": \"1.2.3\"") && !filled.contains("0.0.0"));
        assert!(fill_version("{}", "1.2.3").is_err());
        assert!(workspace_version().is_ok_and(|v| v.split('.').count() == 3));
    }
}
