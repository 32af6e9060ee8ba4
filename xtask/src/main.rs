//! `cargo xtask`: the project's tasks (installing the pinned toolchain, serving the playground,
//! the whole test suite, benchmarks, generated docs), written as a plain Rust program so they
//! run the same on every machine and in CI.

mod bench;
mod docs;
mod fuzz;
mod gen_schema;
mod install;
mod npm;
mod test;
mod util;
mod wasi;
mod web;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  install              install the pinned tools the other tasks need (skips what is present)
  build                build the playground into dist/ (trunk build --release --offline) and print its download size
  serve [--port N]     serve the playground on http://127.0.0.1:N (default 8080) with trunk
  test                 everything CI runs: install, fmt, clippy, tests, fuzz, docs check, browser tests,
                       WASI build + pre-commit, npm package tests (step times at the end)
  bench                criterion benchmarks (kplay_tests) and the playground's wasm size
  fuzz [--seconds N] [TARGET]
                       run the cargo-fuzz targets (yaml_load, analyze, trace) N seconds each (default 300)
  docs [--check]       regenerate docs/rules.md from the rule registry (--check: fail if stale)
  gen-schema [...]     regenerate the field schema from Kubernetes' OpenAPI (see xtask/src/gen_schema.rs)
  npm                  build the JavaScript library's npm package folder (web + Node, not published) and its size
  wheel                build kplay.wasm (wasm32-wasip1) and the Python launcher wheel (packaging/python)
  help                 this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    util::prepare_env();
    let result = match task.as_str() {
        "install" => no_args(rest).and_then(|()| install::run()),
        "build" => no_args(rest).and_then(|()| web::build()),
        "serve" => web::serve(rest),
        "test" => no_args(rest).and_then(|()| test::run()),
        "bench" => no_args(rest).and_then(|()| bench::run()).and_then(|()| wasi::bench()).and_then(|()| npm::run()),
        "npm" => no_args(rest).and_then(|()| npm::run()),
        "wheel" => no_args(rest).and_then(|()| wasi::wheel()),
        "fuzz" => fuzz::run(rest),
        "docs" => docs::run(rest),
        "gen-schema" => gen_schema::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {task}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(a) => Err(format!("unexpected argument `{a}`")),
    }
}
