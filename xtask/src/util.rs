//! Helpers shared by the tasks: the repository root, the PATH the tools are found on, running
//! commands with their command line echoed, durations, and sizes (raw and gzipped) for the size
//! reports.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (the parent of `xtask/`). `cargo xtask` (`cargo run`) tells the binary
/// where its manifest is at run time; the path compiled in is only the fallback, because a
/// binary built by another checkout sharing the target directory looks fresh to cargo and would
/// otherwise build and test that checkout instead of this one.
pub fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map_or_else(|| manifest.clone(), Path::to_path_buf)
}

/// Cargo's bin folder, where `cargo install` puts trunk and wasm-bindgen.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// Puts the project's npm tools (wasm-opt, ...) and cargo's bin folder first on PATH, so every
/// child process (trunk looks for wasm-opt and wasm-bindgen there) finds the pinned versions.
pub fn prepare_env() {
    let mut dirs = vec![root().join("node_modules").join(".bin"), cargo_bin()];
    if let Some(old) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&old));
    }
    if let Ok(path) = std::env::join_paths(dirs) {
        // Single-threaded at this point: nothing reads the environment concurrently.
        std::env::set_var("PATH", path);
    }
    std::env::set_current_dir(root()).ok();
}

/// The command line as it would be typed.
pub fn display(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains([' ', '"', '\'']) {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

/// Runs `cmd` with inherited output; fails with the command line when it cannot start or exits
/// non-zero.
pub fn exec(cmd: &mut Command) -> Result<(), String> {
    let line = display(cmd);
    println!("$ {line}");
    let status = cmd.status().map_err(|e| format!("cannot run `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// The trimmed standard output of `cmd`, or `None` when it cannot start or fails. For version
/// probes: standard error is discarded.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `program args...` as a Command.
pub fn cmd<I, S>(program: &str, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let mut c = Command::new(program);
    c.args(args.into_iter().map(Into::into));
    c
}

/// `1m05s`, `3.2s`.
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// A file's raw and `gzip -9` sizes, for the size reports.
pub fn file_sizes(path: &std::path::Path) -> Result<(usize, usize), String> {
    let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((raw.len(), gzip_len(&raw)?))
}

/// Compressed size with the system's `gzip -9` (what web servers typically use).
pub fn gzip_len(data: &[u8]) -> Result<usize, String> {
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

/// `1234 B (1.2 KiB)`.
pub fn fmt_bytes(n: usize) -> String {
    format!("{n} B ({:.1} KiB)", n as f64 / 1024.0)
}

/// The last line of a size report: a warning when `what` (`gz` bytes gzipped) is over `aim`.
/// Reported, never enforced.
pub fn print_size_aim(what: &str, gz: usize, aim: usize) {
    if gz > aim {
        println!("   warning: {what} {} gzipped, over the aim of {}", fmt_bytes(gz), fmt_bytes(aim));
    } else {
        println!("   within the aim of {} gzipped", fmt_bytes(aim));
    }
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Removes a build folder that later steps do not need, saying how much disk that gave back.
/// Best effort: a folder that cannot be removed only costs disk.
pub fn remove_build_dir(dir: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return };
    if !meta.is_dir() {
        return;
    }
    let before = free_disk();
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {
            let freed = free_disk().zip(before).map(|(a, b)| a.saturating_sub(b));
            println!(
                "removed {} (not needed by later steps){}",
                dir.display(),
                freed.map_or(String::new(), |n| format!(": {} freed", fmt_gib(n)))
            );
        }
        Err(e) => println!("could not remove {}: {e}", dir.display()),
    }
}

/// Bytes free on the disk holding the repository, as `df -Pk` reports them (None where there is
/// no df or its output is not understood).
pub fn free_disk() -> Option<u64> {
    let out = Command::new("df").args(["-Pk"]).arg(root()).stderr(Stdio::null()).output().ok()?;
    parse_df_available(&String::from_utf8_lossy(&out.stdout))
}

/// The "Available" column (KiB) of `df -P`'s one data line, in bytes.
pub fn parse_df_available(text: &str) -> Option<u64> {
    let line = text.lines().nth(1)?;
    let kib: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(kib * 1024)
}

/// `5.4 GiB`.
pub fn fmt_gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// Whether we run in CI (`CI=true`, as CI systems set it).
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The value of `key = "value"` in a TOML-like text (first match, any table): enough for the
/// few pins xtask cross-checks, without a TOML parser.
pub fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        if k.trim() != key {
            return None;
        }
        let v = v.split('#').next()?.trim();
        Some(v.strip_prefix('"')?.strip_suffix('"')?.to_owned())
    })
}

/// The version of `package` in a Cargo.lock text.
pub fn cargo_lock_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            return lines.next().and_then(|l| toml_string(l, "version"));
        }
    }
    None
}

/// The version of `node_modules/<package>` recorded in a package-lock.json text (lockfile v2/v3).
pub fn npm_lock_version(lock: &str, package: &str) -> Option<String> {
    let key = format!("\"node_modules/{package}\"");
    let at = lock.find(&key)?;
    let rest = &lock[at + key.len()..];
    let v = rest.find("\"version\"")?;
    let rest = &rest[v + "\"version\"".len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_free_disk_from_df() {
        let df =
            "Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda        263174212 89014740  5662860      95% /\n";
        assert_eq!(parse_df_available(df), Some(5_662_860 * 1024));
        assert_eq!(parse_df_available("Filesystem\n"), None);
        assert_eq!(parse_df_available(""), None);
        assert_eq!(fmt_gib(5_662_860 * 1024), "5.4 GiB");
    }

    #[test]
    fn reads_pins_from_lock_files() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.129\"\n";
        assert_eq!(cargo_lock_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(cargo_lock_version(lock, "wasm-bindgen-macro").as_deref(), Some("0.2.129"));
        assert_eq!(cargo_lock_version(lock, "yew"), None);

        let npm = r#"{"packages": {"": {"devDependencies": {"binaryen": "132.0.0"}},
            "node_modules/binaryen": {"version": "132.0.0", "dev": true},
            "node_modules/playwright-core": {"version": "1.65.1"}}}"#;
        assert_eq!(npm_lock_version(npm, "binaryen").as_deref(), Some("132.0.0"));
        assert_eq!(npm_lock_version(npm, "playwright-core").as_deref(), Some("1.65.1"));
        assert_eq!(npm_lock_version(npm, "typescript"), None);

        let trunk = "[tools]\nwasm_bindgen = \"0.2.130\"   # equal to Cargo.lock\nwasm_opt = \"version_132\"\n";
        assert_eq!(toml_string(trunk, "wasm_bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(toml_string(trunk, "wasm_opt").as_deref(), Some("version_132"));
        assert_eq!(toml_string(trunk, "wasm"), None);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_millis(3200)), "3.2s");
        assert_eq!(fmt_duration(Duration::from_secs(65)), "1m05s");
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = b"kplay ".repeat(1000);
        let gz = gzip_len(&data).expect("gzip on PATH");
        assert!(gz > 0 && gz < 200, "{gz}");
        assert_eq!(fmt_bytes(2048), "2048 B (2.0 KiB)");
    }

    #[test]
    fn command_lines_quote_what_needs_it() {
        let c = cmd("cargo", ["clippy", "--", "-D", "warnings", "a b"]);
        assert_eq!(display(&c), "cargo clippy -- -D warnings 'a b'");
    }
}
