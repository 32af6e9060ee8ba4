//! Output formats of `kplay check`: human, json, sarif, github, junit.

pub mod github;
pub mod human;
pub mod junit;
pub mod sarif;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style snippets with carets; colour on a terminal.
    Human,
    /// The JSON report (a stable contract, see README).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// JUnit XML, one test case per object.
    Junit,
}

#[cfg(test)]
mod tests;
