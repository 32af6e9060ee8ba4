//! The WASI build of `kplay` and what ships it: the wasm32-wasip1 build, the Python launcher
//! wheel (packaging/python), their tests (launcher unit tests, native-vs-wasm parity, the
//! pre-commit end-to-end test) and the native-vs-wasm benchmark on a generated corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, cmd, exec};

const TARGET: &str = "wasm32-wasip1";
/// A virtual environment of its own, so its pins never fight the one `install` keeps.
const VENV: &str = ".tools/wasi-venv";
const REQUIREMENTS: &str = "packaging/python/requirements-tools.txt";
const VENV_STAMP: &str = ".tools/wasi-venv/.kplay-installed-requirements.txt";
const PY_PACKAGE: &str = "packaging/python";
/// Where the build copies kplay.wasm for the wheel (git-ignored).
const PACKAGED_WASM: &str = "packaging/python/src/kplay/kplay.wasm";
const BENCH_FILES: usize = 1000;
const BENCH_RUNS: usize = 5;

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the root) or `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => util::root().join(d),
        _ => util::root().join("target"),
    }
}

/// `--locked` in CI: the committed Cargo.lock must be complete.
fn cargo(args: &[&str]) -> Command {
    let mut c = cmd("cargo", args);
    if util::is_ci() {
        c.arg("--locked");
    }
    c
}

/// Builds `kplay` for wasm32-wasip1 (release) and returns the module's path.
pub fn build_wasm() -> Result<PathBuf, String> {
    exec(&mut cargo(&["build", "-p", "kplay_cli", "--release", "--target", TARGET]))?;
    let wasm = target_dir().join(TARGET).join("release").join("kplay.wasm");
    if wasm.is_file() {
        Ok(wasm)
    } else {
        Err(format!("the build reported success but {} is missing", wasm.display()))
    }
}

/// Builds the native `kplay` (release) and returns the executable's path.
fn build_native() -> Result<PathBuf, String> {
    exec(&mut cargo(&["build", "-p", "kplay_cli", "--release"]))?;
    Ok(target_dir().join("release").join(format!("kplay{}", std::env::consts::EXE_SUFFIX)))
}

/// The tools' virtual environment with exactly the pinned requirements; skipped when the
/// requirements have not changed since the last install.
pub fn venv() -> Result<PathBuf, String> {
    let root = util::root();
    let dir = root.join(VENV);
    let requirements = std::fs::read(root.join(REQUIREMENTS)).map_err(|e| format!("{REQUIREMENTS}: {e}"))?;
    let stamp = root.join(VENV_STAMP);
    if python(&dir).is_file() && std::fs::read(&stamp).is_ok_and(|s| s == requirements) {
        return Ok(dir);
    }
    if !python(&dir).is_file() {
        exec(cmd("python3", ["-m", "venv"]).arg(&dir))?;
    }
    exec(cmd_path(&python(&dir), ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r"]).arg(root.join(REQUIREMENTS)))?;
    std::fs::write(&stamp, &requirements).map_err(|e| format!("{VENV_STAMP}: {e}"))?;
    Ok(dir)
}

fn bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{name}.exe"))
    } else {
        venv.join("bin").join(name)
    }
}

fn python(venv: &Path) -> PathBuf {
    bin(venv, "python")
}

fn cmd_path<I, S>(program: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString>,
{
    let mut c = Command::new(program);
    c.args(args.into_iter().map(Into::into));
    c
}

/// The wheel and where it was built: `target/kplay-wheelhouse/`.
pub struct Wheel {
    pub path: PathBuf,
    pub wheelhouse: PathBuf,
    pub wasm: PathBuf,
}

/// Builds kplay.wasm, then the platform-independent wheel with the pinned backend (no build
/// isolation: the backend comes from the tools' environment, nothing is downloaded), and
/// installs it into that environment, which gives it a `kplay` console script.
pub fn build_wheel(venv: &Path) -> Result<Wheel, String> {
    let wasm = build_wasm()?;
    let root = util::root();
    std::fs::copy(&wasm, root.join(PACKAGED_WASM)).map_err(|e| format!("copying {} to {PACKAGED_WASM}: {e}", wasm.display()))?;
    let wheelhouse = target_dir().join("kplay-wheelhouse");
    // Old wheels of the same version would shadow the new one in `--find-links` resolution.
    let _ = std::fs::remove_dir_all(&wheelhouse);
    std::fs::create_dir_all(&wheelhouse).map_err(|e| format!("{}: {e}", wheelhouse.display()))?;
    exec(
        cmd_path(
            &python(venv),
            ["-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w"],
        )
        .arg(&wheelhouse)
        .arg(root.join(PY_PACKAGE)),
    )?;
    let path = std::fs::read_dir(&wheelhouse)
        .map_err(|e| format!("{}: {e}", wheelhouse.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("no wheel in {}", wheelhouse.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !name.ends_with("-py3-none-any.whl") {
        return Err(format!("{name} is not a platform-independent wheel"));
    }
    exec(
        cmd_path(
            &python(venv),
            ["-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "--force-reinstall", "--no-index"],
        )
        .arg(&path),
    )?;
    Ok(Wheel { path, wheelhouse, wasm })
}

/// `cargo xtask wheel`: builds the wheel and prints what it holds.
pub fn wheel() -> Result<(), String> {
    let venv = venv()?;
    let w = build_wheel(&venv)?;
    println!("== wheel: {}", w.path.display());
    println!("   kplay.wasm {}", size(&w.wasm));
    println!("   wheel      {}", size(&w.path));
    println!("   launcher   {}", bin(&venv, "kplay").display());
    Ok(())
}

fn size(p: &Path) -> String {
    let n = std::fs::metadata(p).map_or(0, |m| m.len());
    format!("{n} B ({:.1} MiB)", n as f64 / (1024.0 * 1024.0))
}

/// The compiled-module cache the tests and the benchmark use (not the user's own).
fn wasm_cache() -> PathBuf {
    target_dir().join("kplay-wasm-cache")
}

/// Everything about the WASI build that CI checks: the launcher's unit tests, then the wheel,
/// then the native-vs-wasm parity tests and the pre-commit end-to-end test
/// (crates/kplay_cli/tests, `#[ignore]`d in plain `cargo test` because they need the wheel).
pub fn test() -> Result<(), String> {
    let venv = venv()?;
    exec(cmd_path(&python(&venv), ["-m", "unittest", "discover", "-s"]).arg(util::root().join(PY_PACKAGE).join("tests")))?;
    let w = build_wheel(&venv)?;
    println!("   kplay.wasm {}, wheel {}", size(&w.wasm), size(&w.path));
    let mut c = cargo(&["test", "-p", "kplay_cli", "--test", "wasi_parity", "--test", "precommit"]);
    c.args(["--", "--ignored"])
        .env("KPLAY_WASI_CMD", bin(&venv, "kplay"))
        .env("KPLAY_PRECOMMIT", bin(&venv, "pre-commit"))
        .env("KPLAY_WHEELHOUSE", &w.wheelhouse)
        .env("KPLAY_CACHE_DIR", wasm_cache());
    exec(&mut c)
}

/// `cargo xtask bench` part: native against wasm (wasmtime through the launcher, start-up
/// included) on a generated corpus of `BENCH_FILES` manifests; prints the medians and the ratio.
pub fn bench() -> Result<(), String> {
    let venv = venv()?;
    let w = build_wheel(&venv)?;
    let native = build_native()?;
    let launcher = bin(&venv, "kplay");
    let corpus = target_dir().join("kplay-bench");
    write_corpus(&corpus.join("corpus"), BENCH_FILES)?;
    let cache = target_dir().join("kplay-bench-cache");
    let _ = std::fs::remove_dir_all(&cache);

    let check = ["check", "--format", "json", "corpus"];
    let version = ["--version"];
    let exe = |p: &Path, args: &[&str]| {
        let mut c = cmd_path(p, args);
        c.current_dir(&corpus).env("KPLAY_CACHE_DIR", &cache);
        c
    };
    // The first wasm run compiles the module and fills the cache: what a user pays once.
    let (first, cold) = util::timed(|| output(&mut exe(&launcher, &check)));
    let wasm_out = first?;
    let native_out = output(&mut exe(&native, &check))?;
    let identical = wasm_out == native_out;

    let native_startup = median(BENCH_RUNS, || output(&mut exe(&native, &version)).map(drop))?;
    let wasm_startup = median(BENCH_RUNS, || output(&mut exe(&launcher, &version)).map(drop))?;
    let native_check = median(BENCH_RUNS, || output(&mut exe(&native, &check)).map(drop))?;
    let wasm_check = median(BENCH_RUNS, || output(&mut exe(&launcher, &check)).map(drop))?;
    let ratio = |w: Duration, n: Duration| w.as_secs_f64() / n.as_secs_f64().max(1e-3);
    let wall_ratio = ratio(wasm_check.wall, native_check.wall);

    println!("== native vs wasm (wasmtime 50.0.1 via the Python launcher), median of {BENCH_RUNS} runs");
    println!("   kplay.wasm {}, wheel {}", size(&w.wasm), size(&w.path));
    println!("   {:<44} {:>18} {:>18}", "wall (cpu = user + system)", "native", "wasm");
    println!("   {:<44} {:>18} {:>18}", "start-up (kplay --version)", native_startup, wasm_startup);
    println!("   {:<44} {:>18} {:>18}", format!("check --format json, {BENCH_FILES} files"), native_check, wasm_check);
    println!("   {:<44} {:>18} {:>18}", "first wasm run (compiles, fills the cache)", "", ms(cold));
    println!("   output identical: {}", if identical { "yes" } else { "NO" });
    println!("   ratio wasm/native, wall: {wall_ratio:.2}x ({} the 2x aim)", if wall_ratio <= 2.0 { "within" } else { "outside" });
    if let (Some(w), Some(n)) = (wasm_check.cpu, native_check.cpu) {
        // On a shared machine wall time includes waiting for a core; CPU time does not.
        println!("   ratio wasm/native, cpu:  {:.2}x", ratio(w, n));
    }
    if identical {
        Ok(())
    } else {
        Err("the wasm build's JSON report differs from the native build's on the bench corpus".into())
    }
}

/// Runs `c` to completion with its stdout captured; exit codes 0 and 1 (diagnostics found)
/// both count as success.
fn output(c: &mut Command) -> Result<Vec<u8>, String> {
    let line = util::display(c);
    let out = c.stdin(Stdio::null()).stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run `{line}`: {e}"))?;
    match out.status.code() {
        Some(0 | 1) => Ok(out.stdout),
        _ => Err(format!("`{line}` failed ({})", out.status)),
    }
}

/// Median wall time and, where the OS tells it, median CPU time of the child processes.
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self.cpu {
            Some(cpu) => format!("{} ({})", ms(self.wall), ms(cpu)),
            None => ms(self.wall),
        };
        f.pad(&text)
    }
}

fn median(runs: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<Timing, String> {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (start, cpu_start) = (Instant::now(), children_cpu());
        f()?;
        wall.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, children_cpu()) {
            cpu.push(b.saturating_sub(a));
        }
    }
    wall.sort();
    cpu.sort();
    Ok(Timing { wall: wall[wall.len() / 2], cpu: (cpu.len() == runs).then(|| cpu[cpu.len() / 2]) })
}

/// CPU time (user + system) of this process's finished children, from Linux's /proc (`None`
/// elsewhere): fields 16 and 17 (cutime, cstime) of /proc/self/stat, in ticks of 1/100 s.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some(Duration::from_millis((ticks(13)? + ticks(14)?) * 10))
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Writes `n` manifest files (a Deployment and its Service each, every 25th with an invalid
/// container port) into `dir`, replacing what was there.
pub fn write_corpus(dir: &Path, n: usize) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    for i in 0..n {
        // 10 folders of n/10 files, so directory walking is part of the run.
        let sub = dir.join(format!("team-{:02}", i % 10));
        std::fs::create_dir_all(&sub).map_err(|e| format!("{}: {e}", sub.display()))?;
        let path = sub.join(format!("app-{i:04}.yaml"));
        std::fs::write(&path, corpus_file(i)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn corpus_file(i: usize) -> String {
    let port = if i % 25 == 0 { 70000 } else { 8080 };
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i:04}
  namespace: team-{team:02}
  labels:
    app: web-{i:04}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web-{i:04}
  template:
    metadata:
      labels:
        app: web-{i:04}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.{i}
          ports:
            - containerPort: {port}
              name: http
          env:
            - name: INSTANCE
              value: \"{i}\"
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i:04}
  namespace: team-{team:02}
spec:
  selector:
    app: web-{i:04}
  ports:
    - port: 80
      targetPort: http
",
        team = i % 10
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: &str) -> String {
        std::fs::read_to_string(util::root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    /// The launcher, the pre-commit shim and the Rust workspace carry one version, and the shim
    /// pins the launcher to it, so the hook installs the kplay of the same commit.
    #[test]
    fn versions_agree() {
        let workspace = util::toml_string(&read("Cargo.toml"), "version").expect("workspace version");
        let launcher = read("packaging/python/pyproject.toml");
        let shim = read("pyproject.toml");
        assert_eq!(util::toml_string(&launcher, "version").as_deref(), Some(workspace.as_str()), "packaging/python/pyproject.toml");
        assert_eq!(util::toml_string(&shim, "version").as_deref(), Some(workspace.as_str()), "pyproject.toml");
        assert!(shim.contains(&format!("dependencies = [\"kplay=={workspace}\"]")), "pyproject.toml must pin kplay=={workspace}");
    }

    /// The launcher's runtime and build backend are the versions the tools environment tests.
    #[test]
    fn python_pins_agree() {
        let tools = read(REQUIREMENTS);
        let pin = |name: &str| tools.lines().find_map(|l| l.strip_prefix(&format!("{name}=="))).map(str::trim).map(str::to_owned);
        let wasmtime = pin("wasmtime").expect("wasmtime pinned in requirements-tools.txt");
        let hatchling = pin("hatchling").expect("hatchling pinned in requirements-tools.txt");
        for p in ["packaging/python/pyproject.toml", "pyproject.toml"] {
            assert!(read(p).contains(&format!("requires = [\"hatchling=={hatchling}\"]")), "{p} must build with hatchling=={hatchling}");
        }
        assert!(read("packaging/python/pyproject.toml").contains(&format!("dependencies = [\"wasmtime=={wasmtime}\"]")));
        let launcher = read("packaging/python/src/kplay/_launcher.py");
        assert!(launcher.contains(&format!("WASMTIME_VERSION = \"{wasmtime}\"")), "_launcher.py's WASMTIME_VERSION differs from the pin");
        assert!(read("xtask/requirements.txt").contains(&format!("wasmtime=={wasmtime}")), "xtask/requirements.txt pins another wasmtime");
    }

    #[test]
    fn corpus_files_are_manifests_with_some_defects() {
        assert!(corpus_file(0).contains("containerPort: 70000"));
        assert!(corpus_file(1).contains("containerPort: 8080"));
        assert!(corpus_file(7).contains("name: web-0007\n  namespace: team-07"));
        let dir = std::env::temp_dir().join(format!("kplay-xtask-corpus-{}", std::process::id()));
        write_corpus(&dir, 23).expect("writes");
        let count: usize = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|d| std::fs::read_dir(d.path()).map_or(0, Iterator::count))
            .sum();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(count, 23);
    }
}
