//! The `kplay` command: argument parsing, file and stdin IO, exit codes and output formats.
//! All analysis happens in kplay_core.

mod cmd;
mod config;
mod inputs;
mod output;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, documented in the README.
pub mod exit {
    /// No diagnostic of error severity.
    pub const OK: u8 = 0;
    /// At least one error.
    pub const ERRORS: u8 = 1;
    /// Bad usage or an IO error.
    pub const USAGE: u8 = 2;
    /// A bug in kplay.
    pub const INTERNAL: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "kplay",
    version,
    about = "Checks Kubernetes manifests as the API server would, and simulates what the cluster does with them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate manifests and report every problem at its exact place.
    Check(cmd::check::Args),
    /// List the rules, or print one rule's documentation.
    Rules(cmd::rules::Args),
    /// Show what `kubectl get` would list after applying the manifests to a simulated cluster.
    Get(cmd::get::Args),
    /// List the DNS records the simulated cluster's CoreDNS would serve.
    Dns(cmd::dns::Args),
    /// Print the rules kube-proxy programs on one node (iptables-save, nft list ruleset or ipvsadm -Ln).
    ProxyRules(cmd::proxy_rules::Args),
    /// Follow one request from a client through DNS, Ingress and kube-proxy's rules to a pod.
    Trace(cmd::trace::Args),
    /// Send many requests and count where they land, beside the shares the rules imply.
    Simulate(cmd::simulate::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(|| run(cli));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln!("error: internal error in kplay (this is a bug; please report it with the input that caused it)");
            ExitCode::from(exit::INTERNAL)
        }
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Rules(args) => cmd::rules::run(&args),
        Command::Get(args) => cmd::get::run(&args),
        Command::Dns(args) => cmd::dns::run(&args),
        Command::ProxyRules(args) => cmd::proxy_rules::run(&args),
        Command::Trace(args) => cmd::trace::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
    }
}

/// Writes to stdout, ignoring a closed pipe (`kplay check | head`).
pub fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// True when colour should be used on stdout.
pub fn want_color(choice: cmd::ColorChoice) -> bool {
    match choice {
        cmd::ColorChoice::Always => true,
        cmd::ColorChoice::Never => false,
        cmd::ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}
