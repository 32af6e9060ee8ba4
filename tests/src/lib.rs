//! The data-driven suite's helpers: reading fixtures and their expectations.
//!
//! Two fixture formats live under `tests/fixtures/`:
//! - rule fixtures (`rules/<rule>/*.yaml`, `seed/*.yaml`, ...): ordinary manifests where every
//!   line on which a diagnostic's primary span starts ends with `# expect: rule-a, rule-b`.
//!   A file without markers must produce no diagnostic at all.
//! - spec vectors (`spec/validation/*.yaml`, and `k8s/validation/*.yaml` derived from cases of
//!   Kubernetes' own tests, each naming its `# source:`): a header of `# expect-valid` or
//!   `# expect-k8s: <field path> <type>` lines, then the manifest. The diagnostics' `kubernetes`
//!   (field, type) pairs must equal the expected ones exactly (as a multiset).

pub mod corpus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kplay_core::{analyze, Analysis, Options, SourceFile};

/// The fixtures directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every `*.yaml`/`*.yml`/`*.json` file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Expected (line, rule) pairs from `# expect:` markers, as a multiset.
pub fn expected_markers(text: &str) -> BTreeMap<(u32, String), usize> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            for rule in line[pos + "# expect:".len()..].split(',') {
                let rule = rule.trim();
                if !rule.is_empty() {
                    *out.entry((i as u32 + 1, rule.to_string())).or_insert(0) += 1;
                }
            }
        }
    }
    out
}

/// Actual (line, rule) pairs of the diagnostics in file 0.
pub fn actual_markers(files: &[SourceFile], a: &Analysis) -> BTreeMap<(u32, String), usize> {
    let mut out = BTreeMap::new();
    for d in &a.diagnostics {
        let (start, _) =
            kplay_core::analysis::span_positions(files, &a.files, d.primary.file, d.primary.span, kplay_core::ColumnEncoding::Chars);
        *out.entry((start.line, d.rule.to_string())).or_insert(0) += 1;
    }
    out
}

/// A parsed spec-vector header.
#[derive(Debug, Default)]
pub struct VectorHeader {
    pub id: String,
    pub valid: bool,
    /// (field, type) multiset.
    pub errors: BTreeMap<(String, String), usize>,
    pub kube_version: Option<String>,
}

pub fn vector_header(text: &str) -> VectorHeader {
    let mut h = VectorHeader::default();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let l = line.trim_start_matches('#').trim();
        if let Some(id) = l.strip_prefix("id:") {
            h.id = id.trim().to_string();
        } else if l == "expect-valid" {
            h.valid = true;
        } else if let Some(rest) = l.strip_prefix("expect-k8s:") {
            let rest = rest.trim();
            let (field, ty) = rest.rsplit_once(' ').unwrap_or((rest, ""));
            *h.errors.entry((field.trim().to_string(), ty.trim().to_string())).or_insert(0) += 1;
        } else if let Some(v) = l.strip_prefix("kube-version:") {
            h.kube_version = Some(v.trim().to_string());
        }
    }
    h
}

/// Analyses one file with default options (or the given version).
pub fn analyze_one(name: &str, text: &str, kube_version: Option<&str>) -> (Vec<SourceFile>, Analysis) {
    let files = vec![SourceFile::new(name, text)];
    let mut opts = Options::default();
    if let Some(v) = kube_version.and_then(|v| kplay_core::KubeVersion::parse(v).ok()) {
        opts.kube_version = v;
    }
    let a = analyze(&files, &opts);
    (files, a)
}

/// The (field, type) multiset of an analysis.
pub fn k8s_pairs(a: &Analysis) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for d in &a.diagnostics {
        if let Some(k) = &d.kubernetes {
            *out.entry((k.field.clone(), k.error_type.as_str().to_string())).or_insert(0) += 1;
        }
    }
    out
}
