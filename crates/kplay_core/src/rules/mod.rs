//! The rule registry: every diagnostic kplay can emit has one entry here, with its documentation.
//!
//! A rule lives in one file: a `pub static RULE: Rule` with its metadata, its documentation
//! (fixed headings: What it does / Why is this bad? / Example / Use instead / References), its
//! check (when the rule is checked per object) and a small table test. Each group module lists
//! its rules once in its `RULES` slice; [`all`] concatenates the groups. `docs/rules.md` is
//! generated from this registry (`cargo xtask docs`) and a test fails when it is stale.
//!
//! Each rule's documentation is wrapped in `rule_docs!`: with the `rule-docs` feature (on by
//! default) it is the Markdown literal, without it "" (the playground builds without the feature
//! and loads the text on demand from a script `cargo xtask build` generates, so the page's wasm
//! does not carry ~120 KB of Markdown).

/// A rule's documentation: the literal with the `rule-docs` feature, "" without it.
#[cfg(feature = "rule-docs")]
macro_rules! rule_docs {
    ($text:literal) => {
        $text
    };
}

/// A rule's documentation: the literal with the `rule-docs` feature, "" without it.
#[cfg(not(feature = "rule-docs"))]
macro_rules! rule_docs {
    ($text:literal) => {
        ""
    };
}

pub mod cluster;
pub mod ctx;
pub mod decode;
pub mod endpointslice;
pub mod formats;
pub mod ingress;
pub mod meta;
pub mod objects;
pub mod pod;
pub mod service;
pub mod suppress;
pub mod workload;
pub mod yaml;

pub use ctx::{Ctx, Cur, Sink};

use crate::diagnostic::Severity;

/// Where in the API server's pipeline (or after it) a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Loading YAML and turning it into JSON (kubectl's side).
    Load,
    /// Decoding JSON into the versioned type (HTTP 400 on failure).
    Decode,
    /// Default admission plugins that can refuse a request (HTTP 403).
    Admission,
    /// The Service allocation phase before validation; its errors are the only ones returned.
    Allocation,
    /// Field validation (HTTP 422).
    Validation,
    /// Accepted by the server; advice about the single object.
    Lint,
    /// Found by simulating the cluster: several objects together.
    Cluster,
    /// About kplay itself: configuration, suppressions.
    Meta,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Decode => "decode",
            Stage::Admission => "admission",
            Stage::Allocation => "allocation",
            Stage::Validation => "validation",
            Stage::Lint => "lint",
            Stage::Cluster => "cluster",
            Stage::Meta => "meta",
        }
    }
}

/// A check over one object. It reads the object through `ctx` and reports through `sink`.
pub type CheckFn = fn(&Ctx<'_>, &mut Sink<'_>);

#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name describing the defect.
    pub name: &'static str,
    /// The severity of its diagnostics. Two exceptions: on a StatefulSet, the pod rules' server
    /// errors that the server does not return for the StatefulSet are relabelled as
    /// `statefulset-pod-invalid` warnings (see `pod::statefulset_pod_invalid`); and the
    /// admission rules warn on a workload's pod template (see `pod::admission`).
    pub severity: Severity,
    pub stage: Stage,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown with the fixed headings; "" when kplay_core is built without the `rule-docs`
    /// feature.
    pub docs: &'static str,
    /// Ids of the rules in the specification (`validation-rules.md`, `routing-semantics.md`)
    /// that this rule implements.
    pub spec: &'static [&'static str],
    /// The per-object check, for rules of the Decode..Lint stages that are checked object by
    /// object. Rules emitted by the loader or the simulator have none.
    pub check: Option<CheckFn>,
}

/// Every rule, in a stable order.
pub fn all() -> Vec<&'static Rule> {
    let groups: &[&[&'static Rule]] = &[
        yaml::RULES,
        objects::RULES,
        decode::RULES,
        meta::RULES,
        pod::RULES,
        workload::RULES,
        service::RULES,
        ingress::RULES,
        endpointslice::RULES,
        cluster::RULES,
        suppress::RULES,
    ];
    groups.iter().flat_map(|g| g.iter().copied()).collect()
}

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.name == name)
}

/// The documentation link for a rule.
pub fn docs_url(name: &str) -> String {
    format!("https://kplay.dev/rules/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_names_are_unique_kebab_case_and_documented() {
        let mut seen = HashSet::new();
        for r in all() {
            assert!(seen.insert(r.name), "duplicate rule {}", r.name);
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", r.name);
            for h in ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"] {
                assert!(r.docs.contains(h), "rule {} lacks the heading {h}", r.name);
            }
            assert!(!r.summary.is_empty());
        }
    }
}
