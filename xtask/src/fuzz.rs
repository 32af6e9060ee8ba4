//! `cargo xtask fuzz [--seconds N] [TARGET]`: the cargo-fuzz targets of `fuzz/` (YAML loading,
//! the whole analysis, routing on generated manifests), each run for a chosen time on a seed
//! corpus copied from `tests/fixtures`, failing on the first crash. `cargo xtask test` runs a
//! short bounded pass (`bounded`).
//!
//! Only the stable toolchain exists on these machines and cargo-fuzz needs nightly flags
//! (`-Zsanitizer`, `-Cpasses=sancov-module`), so every cargo-fuzz call runs with
//! `RUSTC_BOOTSTRAP=1`, which lets stable rustc accept them.

use std::path::{Path, PathBuf};

use crate::util::{self, cmd, exec, probe};

/// cargo-fuzz from the Rust package registry, installed with `--locked` at this version.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The targets, as named in fuzz/Cargo.toml.
pub const TARGETS: [&str; 3] = ["yaml_load", "analyze", "trace"];
/// Seconds per target in `cargo xtask fuzz` without `--seconds`.
const DEFAULT_SECONDS: u64 = 300;
/// Seconds per target in `cargo xtask test`: about a minute on CI, less on a workstation.
const CI_SECONDS: u64 = 60;
const LOCAL_SECONDS: u64 = 15;
/// libFuzzer's largest input: big enough for several manifests, small enough to stay fast (the
/// hostile-input tests cover the huge ones).
const MAX_LEN: usize = 16 * 1024;
/// Fixture files larger than this are not copied into the seed corpus.
const MAX_SEED_BYTES: u64 = 64 * 1024;

/// `cargo xtask fuzz [--seconds N] [TARGET]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a number")?;
                seconds = v.parse().map_err(|_| format!("--seconds: `{v}` is not a number of seconds"))?;
            }
            t if TARGETS.contains(&t) => targets.push(t),
            other => return Err(format!("unknown fuzz target or option `{other}` (targets: {})", TARGETS.join(", "))),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    fuzz(&targets, seconds)
}

/// The bounded pass of `cargo xtask test`: every target for a minute on CI (fewer seconds
/// locally; `KPLAY_FUZZ_SECONDS` overrides both, 0 skips).
pub fn bounded() -> Result<(), String> {
    let seconds = match std::env::var("KPLAY_FUZZ_SECONDS") {
        Ok(v) => v.parse().map_err(|_| format!("KPLAY_FUZZ_SECONDS=`{v}` is not a number"))?,
        Err(_) if util::is_ci() => CI_SECONDS,
        Err(_) => LOCAL_SECONDS,
    };
    if seconds == 0 {
        println!("KPLAY_FUZZ_SECONDS=0: fuzzing skipped");
        return Ok(());
    }
    let result = fuzz(&TARGETS, seconds);
    // On CI the instrumented build (0.4 GB) is not needed again: give its disk to the later
    // steps (a CI machine once ran out of disk in the last one). A failure keeps it for replay,
    // and a folder chosen with KPLAY_FUZZ_TARGET_DIR is left alone.
    if result.is_ok() && util::is_ci() && std::env::var_os("KPLAY_FUZZ_TARGET_DIR").is_none() {
        util::remove_build_dir(&target_dir());
    }
    result
}

fn fuzz(targets: &[&str], seconds: u64) -> Result<(), String> {
    install()?;
    let root = util::root();
    let mut total_execs: u64 = 0;
    let mut summary = Vec::new();
    for target in targets {
        let corpus = seed_corpus(&root, target)?;
        let (result, took) = util::timed(|| run_target(&root, target, &corpus, seconds));
        let execs = result?;
        total_execs += execs;
        summary.push(format!("   {target:<10} {execs:>10} executions in {}", util::fmt_duration(took)));
    }
    println!("\n== fuzz: no crash");
    for line in summary {
        println!("{line}");
    }
    println!("   total      {total_execs:>10} executions");
    Ok(())
}

/// Installs cargo-fuzz unless `cargo fuzz --version` already names the pinned version.
pub fn install() -> Result<(), String> {
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if probe(&mut cmd("cargo", ["fuzz", "--version"])).is_some_and(|v| v == want) {
        println!("   cargo-fuzz: {want} (already installed)");
        return Ok(());
    }
    exec(&mut cmd("cargo", ["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]))
}

/// `fuzz/corpus/<target>/` (git-ignored), filled with the YAML fixtures on first use. The
/// fuzzer adds what it finds there, so later runs start from where earlier ones got to.
fn seed_corpus(root: &Path, target: &str) -> Result<PathBuf, String> {
    let dir = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The trace target reads structured bytes, not YAML: fixtures would only be noise there.
    if target == "trace" {
        return Ok(dir);
    }
    let mut seeds = Vec::new();
    collect_yaml(&root.join("tests/fixtures"), &mut seeds);
    let mut copied = 0;
    for src in seeds {
        let Ok(text) = std::fs::read(&src) else { continue };
        let name = format!("seed-{:016x}", fnv64(&text));
        let dst = dir.join(name);
        if !dst.exists() {
            std::fs::write(&dst, &text).map_err(|e| format!("{}: {e}", dst.display()))?;
            copied += 1;
        }
    }
    println!("== fuzz {target}: corpus {} ({copied} new seed(s) from tests/fixtures)", dir.display());
    Ok(dir)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_yaml(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") && std::fs::metadata(&p).is_ok_and(|m| m.len() <= MAX_SEED_BYTES)
        {
            out.push(p);
        }
    }
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Runs one target for `seconds`; returns libFuzzer's execution count. A crash fails with the
/// artifact's path (fuzz/artifacts/<target>/) and the command that replays it.
fn run_target(root: &Path, target: &str, corpus: &Path, seconds: u64) -> Result<u64, String> {
    let target_dir = target_dir();
    let mut c = cmd("cargo", ["fuzz", "run", "-O"]);
    c.arg("--target-dir").arg(&target_dir);
    c.arg(target).arg(corpus).arg("--");
    c.arg(format!("-max_total_time={seconds}"));
    c.arg(format!("-max_len={MAX_LEN}"));
    // A single input slower than this is a hang worth reporting.
    c.arg("-timeout=20");
    c.arg("-rss_limit_mb=4096");
    c.arg("-print_final_stats=1");
    c.env("RUSTC_BOOTSTRAP", "1").current_dir(root);
    let line = util::display(&c);
    println!("$ RUSTC_BOOTSTRAP=1 {line}");
    let out = c.output().map_err(|e| format!("cannot run `{line}`: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    if !out.status.success() {
        let artifact = stderr.lines().find_map(|l| l.split("Test unit written to ").nth(1)).map_or("(no artifact)", str::trim);
        return Err(format!(
            "fuzz target `{target}` failed ({}):\n{}\n  artifact: {artifact}\n  replay: RUSTC_BOOTSTRAP=1 cargo fuzz run -O --target-dir {} {target} {artifact}",
            out.status,
            tail.join("\n"),
            target_dir.display()
        ));
    }
    let execs = execs(&stderr);
    println!("   {target}: {execs} executions, no crash");
    Ok(execs)
}

/// Outside the source tree: the build shares no lock with the workspace's target/.
fn target_dir() -> PathBuf {
    std::env::var_os("KPLAY_FUZZ_TARGET_DIR").map_or_else(|| util::root().join("fuzz/target"), PathBuf::from)
}

/// `stat::number_of_executed_units: N` from libFuzzer's final stats.
fn execs(stderr: &str) -> u64 {
    stderr.lines().rev().find_map(|l| l.strip_prefix("stat::number_of_executed_units:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_execution_count() {
        let log = "#1024\tpulse  cov: 10\nDone 51234 runs in 2 second(s)\nstat::number_of_executed_units: 51234\nstat::average_exec_per_sec:     25617\n";
        assert_eq!(execs(log), 51234);
        assert_eq!(execs("no stats"), 0);
    }

    #[test]
    fn parses_arguments() {
        assert!(run(&["--seconds".into()]).is_err());
        assert!(run(&["--seconds".into(), "x".into()]).is_err());
        assert!(run(&["nope".into()]).unwrap_err().contains("yaml_load"));
    }

    #[test]
    fn targets_match_the_fuzz_manifest() {
        let manifest = std::fs::read_to_string(util::root().join("fuzz/Cargo.toml")).expect("fuzz/Cargo.toml");
        for t in TARGETS {
            assert!(manifest.contains(&format!("name = \"{t}\"")), "fuzz/Cargo.toml has no [[bin]] {t}");
        }
    }

    #[test]
    fn the_seed_corpus_is_the_yaml_fixtures() {
        let mut seeds = Vec::new();
        collect_yaml(&util::root().join("tests/fixtures"), &mut seeds);
        assert!(seeds.len() > 10, "{} seeds", seeds.len());
        assert!(seeds.iter().all(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml")));
    }
}
