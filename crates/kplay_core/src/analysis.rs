//! The facade: `analyze(files, options)` runs the whole pipeline and returns everything a host
//! shows. The pipeline follows the API server's order for each object (decode, defaults,
//! admission, the Service allocation phase, validation) and then simulates the cluster.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Acceptance, Object};
use crate::rules::{self, Ctx, Sink, Stage};
use crate::source::{ColumnEncoding, LineIndex, Position, SourceFile, Span};
use crate::version::KubeVersion;
use crate::yaml::{self, Limits};

/// Everything that changes the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Options {
    pub kube_version: KubeVersion,
    /// Namespace for objects that name none (kubectl's context namespace).
    pub default_namespace: String,
    pub limits: Limits,
    /// Rules switched off by name.
    pub disabled_rules: Vec<String>,
    /// Severity overrides by rule name.
    pub severity_overrides: HashMap<String, Severity>,
    /// Honour `# kplay: ignore[...]` comments (CI that must not be bypassed turns this off).
    pub inline_ignores: bool,
    /// The simulated cluster the objects are applied to.
    pub cluster: crate::cluster::ClusterDescription,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            kube_version: KubeVersion::DEFAULT,
            default_namespace: "default".into(),
            limits: Limits::default(),
            disabled_rules: Vec::new(),
            severity_overrides: HashMap::new(),
            inline_ignores: true,
            cluster: crate::cluster::ClusterDescription::default(),
        }
    }
}

/// Per-file data kept for position conversion.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub name: String,
    pub line_index: LineIndex,
    pub documents: usize,
}

/// The result of one analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub files: Vec<FileInfo>,
    pub objects: Vec<Object>,
    /// Sorted by file, position and rule.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Converts a span of `file` to 1-based start and end positions.
pub fn span_positions(files: &[SourceFile], info: &[FileInfo], file: usize, span: Span, enc: ColumnEncoding) -> (Position, Position) {
    let text = &files[file].text;
    let idx = &info[file].line_index;
    (idx.position(text, span.start, enc), idx.position(text, span.end, enc))
}

/// Runs the whole analysis. Never panics on any input.
pub fn analyze(files: &[SourceFile], opts: &Options) -> Analysis {
    analyze_and_simulate(files, opts).0
}

/// [`analyze`], and the cluster it simulated to find the cross-object diagnostics: the same
/// [`Cluster`] as `cluster::simulate(files, &analysis.objects, opts)`, without simulating twice.
/// For hosts that show the cluster too (the playground, `api::Workspace`).
pub fn analyze_and_simulate(files: &[SourceFile], opts: &Options) -> (Analysis, Cluster) {
    let mut diagnostics = Vec::new();
    let mut objects = Vec::new();
    let mut infos = Vec::with_capacity(files.len());
    for (fid, file) in files.iter().enumerate() {
        let loaded = yaml::load_file(fid, file, &opts.limits);
        let first_load_diag = diagnostics.len();
        diagnostics.extend(loaded.diagnostics);
        infos.push(FileInfo { name: file.name.clone(), line_index: LineIndex::new(&file.text), documents: loaded.docs.len() });
        let first_object = objects.len();
        for doc in loaded.docs {
            let Some(root) = doc.root else { continue };
            crate::schema::split_objects(fid, doc.index, root, opts, &mut objects, &mut diagnostics);
        }
        attribute_duplicate_keys(&mut diagnostics[first_load_diag..], &objects[first_object..]);
    }
    let lookups = crate::admission::Lookups::new(&objects);
    for obj in &mut objects {
        check_object(obj, opts, &lookups, &mut diagnostics);
    }
    let cluster = crate::cluster::simulate(files, &objects, opts);
    crate::cluster::add_diagnostics(&cluster, &mut diagnostics);
    let lines: Vec<&LineIndex> = infos.iter().map(|i| &i.line_index).collect();
    crate::suppress::apply(files, &lines, &objects, opts.inline_ignores, &mut diagnostics);
    finish(&mut diagnostics, opts);
    (Analysis { files: infos, objects, diagnostics }, cluster)
}

/// A duplicate field is a strict decoding error on the server (the spec's DEC-dup): the
/// `duplicate-key` diagnostics inside an object name it and the field path (found from the first
/// definition, the one the mapping keeps).
fn attribute_duplicate_keys(diags: &mut [Diagnostic], objects: &[Object]) {
    for d in diags.iter_mut().filter(|d| d.rule == rules::yaml::DUPLICATE_KEY) {
        let Some(first) = d.secondary.first().map(|l| l.span) else { continue };
        let at = d.primary.span.start;
        let Some(obj) = objects.iter().find(|o| o.raw.span.start <= at && at <= o.raw.span.end) else { continue };
        let Some(path) = key_path(&obj.raw, first) else { continue };
        d.object = Some(obj.object_ref.clone());
        d.kubernetes = Some(crate::diagnostic::KubernetesError { field: path, error_type: crate::diagnostic::ErrorType::Decode });
    }
}

/// The field path (`spec.containers[0].name`) of the mapping key written at `key`.
fn key_path(node: &yaml::Node, key: Span) -> Option<String> {
    if let Some(entries) = node.as_map() {
        for e in entries {
            let name = e.key.text().unwrap_or("");
            if e.key.span == key {
                return Some(name.to_string());
            }
            if e.value.span.start <= key.start && key.start <= e.value.span.end {
                if let Some(rest) = key_path(&e.value, key) {
                    return Some(if rest.starts_with('[') { format!("{name}{rest}") } else { format!("{name}.{rest}") });
                }
            }
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            if item.span.start <= key.start && key.start <= item.span.end {
                if let Some(rest) = key_path(item, key) {
                    return Some(if rest.starts_with('[') { format!("[{i}]{rest}") } else { format!("[{i}].{rest}") });
                }
            }
        }
    }
    None
}

/// The per-object pipeline.
fn check_object(obj: &mut Object, opts: &Options, lookups: &crate::admission::Lookups, out: &mut Vec<Diagnostic>) {
    // Decode runs for every object: it rejects missing, removed or unserved apiVersion/kind pairs
    // and gives kinds kplay does not model their `kind-not-checked` note.
    let decode = crate::schema::decode(obj, opts);
    let decode_failed = decode.iter().any(|d| d.severity == Severity::Error && d.kubernetes.is_some());
    out.extend(decode);
    if decode_failed {
        obj.acceptance = Acceptance::Decode;
        return;
    }
    if !crate::model::is_modelled(&obj.api_version, &obj.kind) {
        obj.acceptance = Acceptance::Unknown;
        return;
    }
    crate::cluster::defaults::apply(obj, opts, lookups);
    let all = rules::all();
    let mut pods_refused = false;
    // The admission rules' warnings on a workload's template: kept only if the workload is
    // stored (a workload validation refuses has no pods for admission to refuse).
    let mut admission_warnings = Vec::new();
    for stage in [Stage::Admission, Stage::Allocation, Stage::Validation, Stage::Lint] {
        let mut rejected = false;
        // The rules that refused the object at this stage.
        let mut refusing: Vec<&str> = Vec::new();
        for rule in all.iter().filter(|r| r.stage == stage) {
            let Some(check) = rule.check else { continue };
            if opts.disabled_rules.iter().any(|d| d == rule.name) {
                continue;
            }
            let ctx = Ctx { obj, opts, lookups };
            let mut sink = Sink::new(rule, obj.file, Some(&obj.object_ref));
            check(&ctx, &mut sink);
            // Before 1.34 the server does not validate a StatefulSet's pod spec, only its
            // controller's pods (see `statefulset_pod_invalid::validated_on_create`).
            if obj.kind == "StatefulSet" && !rules::pod::statefulset_pod_invalid::validated_on_create(opts.kube_version) {
                pods_refused |= rules::pod::statefulset_pod_invalid::relabel(rule, &mut sink.out);
            }
            if sink.out.iter().any(|d| d.severity == Severity::Error && d.kubernetes.is_some()) {
                rejected = true;
                refusing.push(rule.name);
            }
            // On a workload's template the admission rules warn that the controller's pods are
            // refused (`rules::pod::admission`); the workload itself is stored.
            if stage == Stage::Admission && obj.kind != "Pod" {
                admission_warnings.extend(sink.out);
                continue;
            }
            out.extend(sink.out);
        }
        // The validating admission plugins run once validation has accepted the object.
        if stage == Stage::Validation
            && !rejected
            && !opts.disabled_rules.iter().any(|d| d == rules::pod::admission::RUNTIME_CLASS_REFUSED.name)
        {
            let ctx = Ctx { obj, opts, lookups };
            let mut sink = Sink::new(&rules::pod::admission::RUNTIME_CLASS_REFUSED, obj.file, Some(&obj.object_ref));
            rules::pod::admission::check_validating(&ctx, &mut sink);
            if obj.kind == "Pod" {
                if sink.out.iter().any(|d| d.severity == Severity::Error && d.kubernetes.is_some()) {
                    out.extend(sink.out);
                    obj.acceptance = Acceptance::Admission;
                    return;
                }
            } else {
                admission_warnings.extend(sink.out);
            }
        }
        if rejected {
            obj.allocation_retry = stage == Stage::Allocation && refusing.iter().all(|r| rules::service::allocation::RETRIED.contains(r));
            obj.acceptance = match stage {
                Stage::Admission => Acceptance::Admission,
                Stage::Allocation => Acceptance::Allocation,
                _ => Acceptance::Validation,
            };
            // The server stops at the first stage that refuses; lint still runs on objects
            // refused by validation, since what they say stays true after the fix.
            if stage != Stage::Validation {
                return;
            }
        }
    }
    if obj.is_accepted() && !admission_warnings.is_empty() {
        out.extend(admission_warnings);
        pods_refused = true;
    }
    obj.pods_refused = pods_refused;
    generate_name(obj);
}

/// Request step 4 (validation-rules.md §0.2): an object with `generateName` and no `name` is
/// stored as `generateName` (cut to 58 characters) plus 5 random characters. kplay derives the
/// characters from the object's kind, namespace, prefix and place in the input, so the same
/// input gives the same names and two such objects get two names (as two `kubectl create` do).
/// The rules have run by then (`metadata-name-invalid` checks the generated form itself).
fn generate_name(obj: &mut Object) {
    if obj.name.is_some() {
        return;
    }
    let prefix = obj.raw.path(&["metadata", "generateName"]).and_then(crate::yaml::Node::as_str).filter(|p| !p.is_empty());
    let Some(prefix) = prefix.map(str::to_string) else { return };
    let seed = crate::cluster::net::fnv64(&[
        &obj.kind,
        &obj.namespace,
        &prefix,
        &obj.file.to_string(),
        &obj.doc.to_string(),
        &format!("{:?}", obj.item),
    ]);
    let name = crate::cluster::net::generate_name(&prefix, seed);
    if let Some(meta) = obj.stored.get_mut("metadata").filter(|m| m.as_map().is_some()) {
        let span = meta.get("generateName").map_or(meta.span, |g| g.span);
        let mut v = crate::yaml::Node::scalar(span, name.clone(), crate::yaml::ScalarStyle::Plain).synthetic();
        v.span = span;
        meta.set("name", v);
    }
    obj.object_ref.name = Some(name.clone());
    obj.name = Some(name);
}

/// Applies configuration (disabled rules, severity overrides) and sorts.
fn finish(diags: &mut Vec<Diagnostic>, opts: &Options) {
    // Unreadable input is never switched off or downgraded (`rules::yaml::UNREADABLE`).
    diags.retain(|d| rules::yaml::is_unreadable(d.rule) || !opts.disabled_rules.iter().any(|r| r == d.rule));
    for d in diags.iter_mut().filter(|d| !rules::yaml::is_unreadable(d.rule)) {
        if let Some(&s) = opts.severity_overrides.get(d.rule) {
            d.severity = s;
        }
    }
    // A stable sort, and no de-duplication: the server may return the same error twice on one
    // path, and the spec's vectors count them.
    crate::sort::sort_by(diags, |a, b| a.sort_key().cmp(&b.sort_key()));
}
