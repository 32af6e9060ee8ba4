//! `cargo xtask bench`: the criterion benchmarks (check throughput in kplay_tests; cluster
//! simulation and kube-proxy rule generation/evaluation in kplay_core), the playground's
//! download size (the release build's size report, xtask/src/web.rs) and its
//! keystroke-to-underline main-thread time in headless Chromium (tests/perf/keystroke.mjs).

use crate::util::{cmd, exec};
use crate::{install, web};

pub fn run() -> Result<(), String> {
    install::for_playground()?;
    exec(&mut cmd("cargo", ["bench", "-p", "kplay_tests"]))?;
    exec(&mut cmd("cargo", ["bench", "-p", "kplay_core", "--bench", "cluster", "--bench", "proxy"]))?;
    // Prints the page's download size after building.
    web::build_installed()?;
    exec(&mut cmd("node", ["tests/perf/keystroke.mjs"]))
}
