//! Helpers shared by the pod, workload and meta rules: walking containers, reporting the
//! server's per-message errors, enum checks, and a table-test helper.

use crate::diagnostic::ErrorType;
use crate::rules::formats;
use crate::rules::{Cur, Sink};

/// The three container lists of a PodSpec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Regular,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub fn key(self) -> &'static str {
        match self {
            ContainerKind::Regular => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// Every container item (mapping) of the pod spec, in server order.
pub fn containers<'a>(spec: &Cur<'a>) -> Vec<(ContainerKind, Cur<'a>)> {
    let mut out = Vec::new();
    for kind in [ContainerKind::Regular, ContainerKind::Init, ContainerKind::Ephemeral] {
        if let Some(list) = spec.field(kind.key()) {
            out.extend(list.items().filter(|(_, c)| c.node.as_map().is_some()).map(|(_, c)| (kind, c)));
        }
    }
    out
}

/// A string field's value (JSON string only; other types were decode errors).
pub fn s<'a>(cur: &Cur<'a>, name: &str) -> Option<&'a str> {
    cur.field(name).and_then(|c| c.str())
}

/// One `Invalid` error per message, like the server's `for _, msg := range Is...(v)` loops.
pub fn invalid_each(sink: &mut Sink<'_>, at: &Cur<'_>, value: &str, msgs: Vec<String>, help: &str) {
    for m in msgs {
        sink.field_error(at, ErrorType::Invalid, formats::invalid(value, &m)).help(help);
    }
}

/// Same as [`invalid_each`] with an explicit path (quirky server paths).
pub fn invalid_each_at(sink: &mut Sink<'_>, at: &Cur<'_>, path: &str, value: &str, msgs: Vec<String>, help: &str) {
    for m in msgs {
        sink.field_error_at(at.span(), path, ErrorType::Invalid, formats::invalid(value, &m)).help(help);
    }
}

/// `NotSupported` unless the string value is one of `supported`; a missing/empty value gives
/// `Required` when `required` is set.
pub fn enum_field(sink: &mut Sink<'_>, parent: &Cur<'_>, name: &str, supported: &[&str], required: bool) {
    match parent.field(name) {
        None if required => {
            sink.required(parent, name, formats::required("")).help(format!("set `{name}` to one of {}", list(supported)));
        }
        None => {}
        Some(c) => {
            let v = c.str().or(c.text()).unwrap_or("");
            if v.is_empty() && required {
                sink.field_error(&c, ErrorType::Required, formats::required(""))
                    .help(format!("set `{name}` to one of {}", list(supported)));
            } else if !supported.contains(&v) {
                sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, supported))
                    .help(format!("use one of {} (values are case-sensitive)", list(supported)));
            }
        }
    }
}

/// `"a", "b"` for help texts.
pub fn list(values: &[&str]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

/// An integer field's value (`None` when missing, null or not an integer).
pub fn int(cur: &Cur<'_>, name: &str) -> Option<i64> {
    cur.field(name).and_then(|c| c.i64())
}

/// A string field's text, empty when missing (Go's zero value).
pub fn text<'a>(cur: &Cur<'a>, name: &str) -> &'a str {
    cur.field(name).and_then(|c| c.text()).unwrap_or("")
}

/// A cursor for a child that may be missing: the child itself, or else the parent's key (the
/// parent itself for list items) with the child's path, so an error about it points there.
pub fn child_or_parent<'a>(parent: &Cur<'a>, name: &str) -> Cur<'a> {
    parent
        .field_or_null(name)
        .map_or_else(|| Cur { node: parent.key.unwrap_or(parent.node), key: parent.key, path: parent.child_path(name) }, |c| whole(&c))
}

/// Where to point for an error about a whole mapping or list: its key (the value of a block
/// mapping starts on the next line); scalars and list items point at themselves.
pub fn whole<'a>(c: &Cur<'a>) -> Cur<'a> {
    match (&c.node.kind, c.key) {
        (crate::yaml::NodeKind::Map(_) | crate::yaml::NodeKind::Seq(_), Some(k)) => Cur { node: k, key: c.key, path: c.path.clone() },
        _ => c.clone(),
    }
}

/// `ValidateLabelName` / `ValidateQualifiedName`: one `Invalid` per message at `at`.
pub fn qualified_name(sink: &mut Sink<'_>, at: &Cur<'_>, value: &str) {
    invalid_each(
        sink,
        at,
        value,
        formats::qualified_name_msgs(value),
        "use an optional `prefix/` (DNS subdomain) and a name of letters, digits, `-`, `_` and `.` (at most 63)",
    );
}

/// `metav1validation.ValidateLabelSelector`: matchLabels (reported on the map) and
/// matchExpressions (operator, values, key).
pub fn label_selector(sink: &mut Sink<'_>, sel: &Cur<'_>) {
    if let Some(ml) = sel.field("matchLabels") {
        crate::rules::meta::labels::check_labels(sink, &ml, &ml.path);
    }
    let Some(me) = sel.field("matchExpressions") else { return };
    for (_, x) in me.items() {
        let n = x.field("values").map_or(0, |v| v.len());
        let op = text(&x, "operator");
        match op {
            "In" | "NotIn" if n == 0 => {
                sink.field_error(
                    &child_or_parent(&x, "values"),
                    ErrorType::Required,
                    formats::required("must be specified when `operator` is 'In' or 'NotIn'"),
                )
                .help("list at least one value");
            }
            "Exists" | "DoesNotExist" if n > 0 => {
                sink.field_error(
                    &child_or_parent(&x, "values"),
                    ErrorType::Forbidden,
                    formats::forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
                )
                .help("remove `values`");
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => {
                sink.field_error(
                    &child_or_parent(&x, "operator"),
                    ErrorType::Invalid,
                    formats::invalid(op, "not a valid selector operator"),
                )
                .help("use `In`, `NotIn`, `Exists` or `DoesNotExist`");
            }
        }
        qualified_name(sink, &child_or_parent(&x, "key"), text(&x, "key"));
        if let Some(vals) = x.field("values") {
            for (_, v) in vals.items() {
                let t = v.text().unwrap_or("");
                invalid_each(sink, &v, t, formats::label_value_msgs(t), "use a valid label value");
            }
        }
    }
}

/// `validatePathNoBacksteps`: one error when any `/`-separated element is `..`.
pub fn has_backsteps(p: &str) -> bool {
    p.split('/').any(|e| e == "..")
}

/// `validateLocalDescendingPath`: relative, no `..` elements.
pub fn local_descending_path(sink: &mut Sink<'_>, at: &Cur<'_>, path: &str, p: &str) {
    if p.starts_with('/') {
        sink.field_error_at(at.span(), path, ErrorType::Invalid, formats::invalid(p, "must be a relative path"))
            .help("write the path relative to the volume root");
    }
    if has_backsteps(p) {
        sink.field_error_at(at.span(), path, ErrorType::Invalid, formats::invalid(p, "must not contain '..'"))
            .help("remove the `..` elements");
    }
}

/// `ValidateLocalNonReservedPath`: a local descending path that does not start with `..`.
pub fn local_non_reserved_path(sink: &mut Sink<'_>, at: &Cur<'_>, p: &str) {
    local_descending_path(sink, at, &at.path, p);
    if p.starts_with("..") && !p.starts_with("../") {
        sink.field_error(at, ErrorType::Invalid, formats::invalid(p, "must not start with '..'")).help("do not start the path with `..`");
    }
}

/// Containers whose probes and lifecycle are validated: regular containers and sidecars
/// (init containers with `restartPolicy: Always`).
pub fn is_sidecar(c: &Cur<'_>) -> bool {
    text(c, "restartPolicy") == "Always"
}

/// The `(field, type)` pairs of `rule` diagnostics for a manifest (table tests).
#[cfg(test)]
pub fn errors_of(rule: &str, yaml: &str) -> Vec<(String, String)> {
    errors_of_version(rule, yaml, crate::KubeVersion::DEFAULT)
}

#[cfg(test)]
pub fn errors_of_version(rule: &str, yaml: &str, v: crate::KubeVersion) -> Vec<(String, String)> {
    let opts = crate::Options { kube_version: v, ..Default::default() };
    let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts);
    let mut out: Vec<(String, String)> = a
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d: &crate::diagnostic::Diagnostic| {
            d.kubernetes.as_ref().map_or((String::new(), String::new()), |k| (k.field.clone(), k.error_type.as_str().to_string()))
        })
        .collect();
    out.sort();
    out
}

/// The messages of `rule` diagnostics for a manifest, in output order (table tests).
#[cfg(test)]
pub fn messages_of(rule: &str, yaml: &str) -> Vec<String> {
    messages_of_version(rule, yaml, crate::KubeVersion::DEFAULT)
}

/// [`messages_of`] for Kubernetes `v`.
#[cfg(test)]
pub fn messages_of_version(rule: &str, yaml: &str, v: crate::KubeVersion) -> Vec<String> {
    let opts = crate::Options { kube_version: v, ..Default::default() };
    let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts);
    a.diagnostics.iter().filter(|d| d.rule == rule).map(|d| d.message.clone()).collect()
}

/// Builds expected pairs for [`errors_of`].
#[cfg(test)]
pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
    v.sort();
    v
}

/// A minimal Pod around `containers_yaml` (indented list items under `containers:`).
#[cfg(test)]
pub fn pod_with(spec_yaml: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n{spec_yaml}")
}

/// A Deployment whose pod template's spec is `spec_yaml`, written as for [`pod_with`] (two
/// spaces under `spec:`); the template is labelled `app: web`, like its selector.
#[cfg(test)]
pub fn deployment_with(spec_yaml: &str) -> String {
    let spec: String = spec_yaml.lines().flat_map(|l| ["    ", l, "\n"]).collect();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n{spec}"
    )
}

/// The pod spec as the server validates it: `None` for workloads whose selector cannot be
/// converted (`LabelSelectorAsSelector` fails), because the server then skips the template.
pub fn pod_spec<'a>(ctx: &crate::rules::Ctx<'a>) -> Option<Cur<'a>> {
    if crate::rules::workload::selector::template_skipped(ctx) {
        return None;
    }
    ctx.pod_spec()
}
