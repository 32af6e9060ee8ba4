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

/// The pod spec as the server validates it: `None` for workloads whose selector cannot be
/// converted (`LabelSelectorAsSelector` fails), because the server then skips the template.
pub fn pod_spec<'a>(ctx: &crate::rules::Ctx<'a>) -> Option<Cur<'a>> {
    if matches!(ctx.kind(), "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") {
        if let Some(sel) = ctx.root().field("spec").and_then(|s| s.field("selector")) {
            if crate::rules::workload::selector::selector_broken(&sel) {
                return None;
            }
        }
    }
    ctx.pod_spec()
}
