//! End to end through pre-commit: a scratch git repository uses this repository's
//! `.pre-commit-hooks.yaml` (pre-commit clones it by path at a commit, like any hook repository,
//! and `pip install`s it, which pulls in the locally built `kplay` wheel). Committing a broken
//! manifest is refused with `file:line:column` in the output; the fixed manifest goes through.
//!
//! Needs pre-commit and the wheel, so plain `cargo test` skips it (`#[ignore]`); `cargo xtask
//! test` runs it with `KPLAY_PRECOMMIT` (the pinned pre-commit) and `KPLAY_WHEELHOUSE` (the
//! folder holding the wheel) set. Only PyPI is contacted, by pip, for the hook's environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name).map_or_else(|| panic!("set {name} (cargo xtask test does)"), PathBuf::from)
}

/// A scratch folder removed at the end, also when the test fails.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Git isolated from the user's and the system's configuration (a global `core.hooksPath`
/// would make `pre-commit install` refuse), with a fixed identity.
fn git(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir).args(args).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
    for who in ["AUTHOR", "COMMITTER"] {
        c.env(format!("GIT_{who}_NAME"), "kplay test").env(format!("GIT_{who}_EMAIL"), "test@kplay.invalid");
    }
    c
}

fn ok(mut c: Command) -> String {
    let out = c.output().unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"));
    assert!(out.status.success(), "{c:?} failed:\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A clone of this repository at HEAD with the working tree's hook files on top (committed), so
/// the test checks the hook as it is now, not as last committed. Returns the clone and its commit.
fn hook_repository(scratch: &Path) -> (PathBuf, String) {
    let root = repo_root();
    let clone = scratch.join("hook-repo");
    ok(git(scratch, &["clone", "-q", "--no-hardlinks", &root.to_string_lossy(), &clone.to_string_lossy()]));
    for f in [".pre-commit-hooks.yaml", "pyproject.toml"] {
        std::fs::copy(root.join(f), clone.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    ok(git(&clone, &["add", ".pre-commit-hooks.yaml", "pyproject.toml"]));
    if !ok(git(&clone, &["status", "--porcelain"])).is_empty() {
        ok(git(&clone, &["commit", "-q", "-m", "hook files from the working tree"]));
    }
    let rev = ok(git(&clone, &["rev-parse", "HEAD"]));
    (clone, rev)
}

/// The Deployment with `containerPort` on line 21, its value at column 30 when `port` is 5 digits.
fn manifest(port: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: {port}
              name: http
"
    )
}

#[test]
#[ignore = "needs pre-commit and the kplay wheel: run by `cargo xtask test`"]
fn precommit_refuses_a_broken_manifest_and_accepts_the_fix() {
    let pre_commit = env_path("KPLAY_PRECOMMIT");
    let wheelhouse = env_path("KPLAY_WHEELHOUSE");
    let scratch = Scratch(std::env::temp_dir().join(format!("kplay-precommit-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&scratch.0);
    std::fs::create_dir_all(&scratch.0).expect("scratch folder");
    let (hook_repo, rev) = hook_repository(&scratch.0);

    let project = scratch.0.join("project");
    std::fs::create_dir_all(project.join("k8s")).expect("project folder");
    ok(git(&project, &["init", "-q"]));
    let config = format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: kplay\n", hook_repo.display());
    std::fs::write(project.join(".pre-commit-config.yaml"), config).expect("writes the config");

    // pre-commit's own folder and pip's wheel source are the test's; the runtime's compiled
    // module cache (KPLAY_CACHE_DIR) passes through from xtask.
    let with_env = |mut c: Command| {
        c.env("PRE_COMMIT_HOME", scratch.0.join("pre-commit-home"))
            .env("PIP_FIND_LINKS", &wheelhouse)
            .env_remove("PRE_COMMIT_ALLOW_NO_CONFIG")
            .env_remove("SKIP");
        c
    };
    let mut install = Command::new(&pre_commit);
    install.current_dir(&project).args(["install"]).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
    ok(with_env(install));

    // A broken manifest: the commit is refused and the output points at the value.
    std::fs::write(project.join("k8s/app.yaml"), manifest(70000)).expect("writes the manifest");
    ok(git(&project, &["add", "."]));
    let refused = with_env(git(&project, &["commit", "-m", "broken"])).output().expect("runs git commit");
    let out = text(&refused);
    println!("refused commit:\n{out}");
    assert!(!refused.status.success(), "the commit of a broken manifest went through:\n{out}");
    assert!(out.contains("k8s/app.yaml:21:30"), "no file:line:column for the broken port in:\n{out}");
    assert!(out.contains("container-port-invalid") && out.contains("70000"), "{out}");
    assert!(git(&project, &["rev-parse", "--verify", "-q", "HEAD"]).output().is_ok_and(|o| !o.status.success()), "a commit was made");

    // The fix goes through; .pre-commit-config.yaml (YAML, not a manifest) is left alone.
    std::fs::write(project.join("k8s/app.yaml"), manifest(8080)).expect("writes the manifest");
    ok(git(&project, &["add", "."]));
    let accepted = with_env(git(&project, &["commit", "-m", "fixed"])).output().expect("runs git commit");
    let out = text(&accepted);
    assert!(accepted.status.success(), "the commit of a fixed manifest was refused:\n{out}");
    assert!(out.contains("Passed"), "the hook did not run:\n{out}");
    assert_eq!(ok(git(&project, &["log", "--format=%s"])), "fixed");
}
