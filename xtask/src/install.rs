//! `cargo xtask install`: idempotent, pinned installs of every tool the other tasks use. Each
//! tool is skipped when the installed version already matches; everything comes from the
//! package registries (Rust's, npm's, Python's, Debian's), never from a download of its own.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::util::{self, cmd, exec, probe};

/// trunk 0.22 needs a newer rustc than the machines have (see shared/design/toolchain.md).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The WebDriver server for Firefox (tests/webdriver/), a Rust crate.
pub const GECKODRIVER_VERSION: &str = "0.37.1";
const WASM_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "wasm32-wasip1"];
const VENV: &str = ".tools/venv";
const REQUIREMENTS: &str = "xtask/requirements.txt";
/// Copies of the lock files as last installed; equal contents mean nothing to do.
const NPM_STAMP: &str = "node_modules/.kplay-installed-package-lock.json";
const VENV_STAMP: &str = ".tools/venv/.kplay-installed-requirements.txt";

type Step<'a> = dyn Fn() -> Result<Outcome, String> + 'a;

enum Outcome {
    Present(String),
    Installed(String),
}

/// Installs what is missing; prints one line per tool and the time it took.
pub fn run() -> Result<(), String> {
    install(true)
}

/// What building, serving and benchmarking the playground need: everything but the browsers and
/// driver of the Firefox and WebKit smoke tests (`cargo xtask test` and `install` add those).
pub fn for_playground() -> Result<(), String> {
    install(false)
}

fn install(webdriver: bool) -> Result<(), String> {
    let pins = Pins::read()?;
    println!("== install: pinned tools (trunk {TRUNK_VERSION}, wasm-bindgen {}, binaryen {})", pins.wasm_bindgen, pins.binaryen);
    // The third field: only the smoke tests in Firefox and WebKit need it (tests/webdriver/).
    let steps: [(&str, &Step<'_>, bool); 8] = [
        ("rust wasm targets", &wasm_targets, false),
        ("trunk", &trunk, false),
        ("wasm-bindgen-cli", &|| wasm_bindgen(&pins.wasm_bindgen), false),
        ("npm packages", &npm_packages, false),
        ("chromium", &chromium, false),
        ("firefox, webkit", &webdriver_browsers, true),
        ("geckodriver", &geckodriver, true),
        ("python venv", &python_venv, false),
    ];
    let mut total = Duration::ZERO;
    for (name, step, webdriver_only) in steps {
        if webdriver_only && !webdriver {
            continue;
        }
        let (outcome, took) = util::timed(step);
        total += took;
        match outcome.map_err(|e| format!("installing {name}: {e}"))? {
            Outcome::Present(v) => println!("   {name}: {v} (already installed)"),
            Outcome::Installed(v) => println!("   {name}: installed {v} in {}", util::fmt_duration(took)),
        }
    }
    println!("== install: done in {}", util::fmt_duration(total));
    Ok(())
}

/// The versions the repository pins, cross-checked between the files that must agree.
struct Pins {
    wasm_bindgen: String,
    binaryen: String,
}

impl Pins {
    fn read() -> Result<Self, String> {
        let root = util::root();
        let read = |p: &str| std::fs::read_to_string(root.join(p)).map_err(|e| format!("{p}: {e}"));
        let cargo_lock = read("Cargo.lock")?;
        let npm_lock = read("package-lock.json")?;
        let trunk_toml = read("Trunk.toml")?;
        let wasm_bindgen = util::cargo_lock_version(&cargo_lock, "wasm-bindgen").ok_or("Cargo.lock has no wasm-bindgen")?;
        let binaryen = util::npm_lock_version(&npm_lock, "binaryen").ok_or("package-lock.json has no binaryen")?;
        // Trunk downloads any tool whose version differs from its pin, and downloads fail here.
        let trunk_bindgen = util::toml_string(&trunk_toml, "wasm_bindgen").ok_or("Trunk.toml pins no [tools] wasm_bindgen")?;
        if trunk_bindgen != wasm_bindgen {
            return Err(format!("Trunk.toml pins wasm_bindgen = \"{trunk_bindgen}\" but Cargo.lock has wasm-bindgen {wasm_bindgen}"));
        }
        let trunk_opt = util::toml_string(&trunk_toml, "wasm_opt").ok_or("Trunk.toml pins no [tools] wasm_opt")?;
        let major = binaryen.split('.').next().unwrap_or_default();
        if trunk_opt != format!("version_{major}") {
            return Err(format!(
                "Trunk.toml pins wasm_opt = \"{trunk_opt}\" but package-lock.json has binaryen {binaryen} (version_{major})"
            ));
        }
        Ok(Self { wasm_bindgen, binaryen })
    }
}

fn wasm_targets() -> Result<Outcome, String> {
    let installed = probe(&mut cmd("rustup", ["target", "list", "--installed"])).ok_or("`rustup` is needed to add the wasm targets")?;
    let missing: Vec<&str> = WASM_TARGETS.into_iter().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        return Ok(Outcome::Present(WASM_TARGETS.join(", ")));
    }
    exec(cmd("rustup", ["target", "add"]).args(&missing))?;
    Ok(Outcome::Installed(missing.join(", ")))
}

fn trunk() -> Result<Outcome, String> {
    let want = format!("trunk {TRUNK_VERSION}");
    if probe(&mut cmd("trunk", ["--version"])).is_some_and(|v| v == want) {
        return Ok(Outcome::Present(want));
    }
    exec(&mut cmd("cargo", ["install", "--locked", "trunk", "--version", TRUNK_VERSION]))?;
    Ok(Outcome::Installed(want))
}

fn wasm_bindgen(version: &str) -> Result<Outcome, String> {
    let want = format!("wasm-bindgen {version}");
    if probe(&mut cmd("wasm-bindgen", ["--version"])).is_some_and(|v| v == want) {
        return Ok(Outcome::Present(want));
    }
    // --locked uses the versions the release was tested with; some releases' lock files no
    // longer build, so fall back to a fresh resolution (toolchain.md).
    if exec(&mut cmd("cargo", ["install", "--locked", "wasm-bindgen-cli", "--version", version])).is_err() {
        println!("   retrying without --locked");
        exec(&mut cmd("cargo", ["install", "wasm-bindgen-cli", "--version", version]))?;
    }
    Ok(Outcome::Installed(want))
}

fn npm_packages() -> Result<Outcome, String> {
    let root = util::root();
    let lock = std::fs::read(root.join("package-lock.json")).map_err(|e| format!("package-lock.json: {e}"))?;
    let summary = npm_summary(&String::from_utf8_lossy(&lock));
    let stamp = root.join(NPM_STAMP);
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) && root.join("node_modules/.bin").is_dir() {
        return Ok(Outcome::Present(summary));
    }
    if probe(&mut cmd("npm", ["--version"])).is_none() {
        return Err("`npm` (Node.js 20 or newer) is needed".into());
    }
    // `npm ci` installs exactly the lock file and nothing else.
    exec(&mut cmd("npm", ["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(&stamp, &lock).map_err(|e| format!("{NPM_STAMP}: {e}"))?;
    Ok(Outcome::Installed(summary))
}

fn npm_summary(lock: &str) -> String {
    ["binaryen", "playwright-core", "typescript", "codemirror"]
        .iter()
        .filter_map(|p| util::npm_lock_version(lock, p).map(|v| format!("{p}@{v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn chromium() -> Result<Outcome, String> {
    let version = || {
        let browser = probe(&mut cmd("chromium", ["--version"]))?;
        let driver = probe(&mut cmd("chromedriver", ["--version"]))?;
        Some(format!("{browser}; {}", driver.split(" (").next().unwrap_or(&driver)))
    };
    if let Some(v) = version() {
        return Ok(Outcome::Present(v));
    }
    debian_packages("Chromium", &["chromium", "chromium-driver"])?;
    version().map(Outcome::Installed).ok_or_else(|| "chromium still reports no version after apt-get install".into())
}

/// What the smoke tests in the other browsers (tests/webdriver/) need from Debian: Firefox ESR,
/// WebKitGTK's WebDriver (its MiniBrowser comes with it), and Xvfb with xvfb-run, since
/// WebKitGTK draws into an X display.
const WEBDRIVER_PACKAGES: [&str; 4] = ["firefox-esr", "webkit2gtk-driver", "xvfb", "xauth"];

fn webdriver_browsers() -> Result<Outcome, String> {
    let versions = || WEBDRIVER_PACKAGES.iter().map(|p| debian_version(p).map(|v| format!("{p} {v}"))).collect::<Option<Vec<_>>>();
    if let Some(v) = versions() {
        return Ok(Outcome::Present(v.join(", ")));
    }
    debian_packages("Firefox or WebKitGTK", &WEBDRIVER_PACKAGES)?;
    versions()
        .map(|v| Outcome::Installed(v.join(", ")))
        .ok_or_else(|| format!("{} not all installed after apt-get install", WEBDRIVER_PACKAGES.join(", ")))
}

/// The installed version of a Debian package, if it is installed.
fn debian_version(package: &str) -> Option<String> {
    let out = probe(&mut cmd("dpkg-query", ["-W", "-f", "${Status}|${Version}", package]))?;
    let (status, version) = out.split_once('|')?;
    (status == "install ok installed" && !version.is_empty()).then(|| version.to_owned())
}

/// Whether this run has read Debian's package lists already: a fresh machine installs Chromium
/// and the WebDriver browsers in the same run, and a second `apt-get update` only costs time.
static LISTS_UPDATED: AtomicBool = AtomicBool::new(false);

/// Installs Debian packages (as root only). Their version is the release's, so there is
/// nothing to pin here.
fn debian_packages(what: &str, packages: &[&str]) -> Result<(), String> {
    let root_user = probe(&mut cmd("id", ["-u"])).is_some_and(|u| u == "0");
    if !root_user {
        return Err(format!(
            "{what} is missing: install Debian's {} (as root: apt-get install {})",
            packages.join(", "),
            packages.join(" ")
        ));
    }
    if !LISTS_UPDATED.load(Ordering::Relaxed) {
        exec(cmd("apt-get", ["update", "-q"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
        LISTS_UPDATED.store(true, Ordering::Relaxed);
    }
    exec(cmd("apt-get", ["install", "-y", "-q"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn geckodriver() -> Result<Outcome, String> {
    let want = format!("geckodriver {GECKODRIVER_VERSION}");
    // The first line is "geckodriver 0.37.1", then its source and licence.
    let installed = probe(&mut cmd("geckodriver", ["--version"])).is_some_and(|v| v.lines().next().is_some_and(|l| l.trim() == want));
    if installed {
        return Ok(Outcome::Present(want));
    }
    // --force: replaces another version, even one that cargo did not install.
    exec(&mut cmd("cargo", ["install", "--locked", "--force", "geckodriver", "--version", GECKODRIVER_VERSION]))?;
    Ok(Outcome::Installed(want))
}

fn python_venv() -> Result<Outcome, String> {
    let root = util::root();
    let requirements = std::fs::read(root.join(REQUIREMENTS)).map_err(|e| format!("{REQUIREMENTS}: {e}"))?;
    let pins = String::from_utf8_lossy(&requirements)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(", ");
    let python = root.join(VENV).join("bin/python");
    let stamp = root.join(VENV_STAMP);
    if python.is_file() && std::fs::read(&stamp).is_ok_and(|s| s == requirements) {
        return Ok(Outcome::Present(pins));
    }
    if !python.is_file() {
        exec(cmd("python3", ["-m", "venv"]).arg(root.join(VENV)))?;
    }
    exec(cmd(path_str(&python)?, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r"]).arg(root.join(REQUIREMENTS)))?;
    std::fs::write(&stamp, &requirements).map_err(|e| format!("{VENV_STAMP}: {e}"))?;
    Ok(Outcome::Installed(pins))
}

fn path_str(p: &Path) -> Result<&str, String> {
    p.to_str().ok_or_else(|| format!("{} is not UTF-8", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed pins agree with each other (what `install` checks before installing).
    #[test]
    fn committed_pins_agree() {
        let pins = Pins::read().expect("Cargo.lock, package-lock.json and Trunk.toml agree");
        assert!(pins.wasm_bindgen.starts_with("0.2."), "{}", pins.wasm_bindgen);
        let cargo_toml = std::fs::read_to_string(util::root().join("Cargo.toml")).expect("Cargo.toml");
        let pinned = util::toml_string(&cargo_toml, "wasm-bindgen").expect("wasm-bindgen in [workspace.dependencies]");
        assert_eq!(pinned, format!("={}", pins.wasm_bindgen), "pin wasm-bindgen exactly, equal to Cargo.lock");
    }
}
