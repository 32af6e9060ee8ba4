//! Rules of the `ingress` group: API-server parity for `networking.k8s.io/v1` Ingress
//! (`ValidateIngressCreate`) and IngressClass (`ValidateIngressClass`). Each rule is one file;
//! list it once in `RULES`.

mod backend_invalid;
mod backend_resource_invalid;
mod backend_service_name_invalid;
mod backend_service_port_invalid;
mod class_annotation_mismatch;
mod class_name_invalid;
mod host_invalid;
mod ingressclass_controller_invalid;
mod ingressclass_parameters_invalid;
mod path_invalid;
mod path_type_required;
mod path_type_unsupported;
mod paths_required;
mod rules_or_default_backend_required;
mod tls_host_invalid;
mod tls_secret_name_invalid;

use super::{Ctx, Cur, Rule};

pub static RULES: &[&Rule] = &[
    &rules_or_default_backend_required::RULE,
    &host_invalid::RULE,
    &paths_required::RULE,
    &path_type_required::RULE,
    &path_type_unsupported::RULE,
    &path_invalid::RULE,
    &backend_invalid::RULE,
    &backend_service_name_invalid::RULE,
    &backend_service_port_invalid::RULE,
    &backend_resource_invalid::RULE,
    &tls_host_invalid::RULE,
    &tls_secret_name_invalid::RULE,
    &class_name_invalid::RULE,
    &class_annotation_mismatch::RULE,
    &ingressclass_controller_invalid::RULE,
    &ingressclass_parameters_invalid::RULE,
];

/// The `spec` of an Ingress; `None` for other kinds or when absent.
pub(crate) fn spec<'a>(ctx: &Ctx<'a>) -> Option<Cur<'a>> {
    if ctx.kind() != "Ingress" {
        return None;
    }
    ctx.root().field("spec")
}

/// The value of a Go `string` field.
pub(crate) fn s<'a>(c: &Cur<'a>) -> &'a str {
    c.str().or_else(|| c.text()).unwrap_or("")
}

/// The `rules[i].http.paths[j]` entries (mappings only).
pub(crate) fn http_paths<'a>(spec: &Cur<'a>) -> Vec<Cur<'a>> {
    let mut out = Vec::new();
    let Some(rules) = spec.field("rules") else { return out };
    for (_, rule) in rules.items() {
        let Some(paths) = rule.field("http").and_then(|h| h.field("paths")) else { continue };
        out.extend(paths.items().filter(|(_, p)| p.node.as_map().is_some()).map(|(_, p)| p));
    }
    out
}

/// Every backend the server validates, with the cursor of its mapping (or of the path entry
/// when `backend` is missing, with the path the backend would have): `spec.defaultBackend` and
/// the backends of paths that have a `pathType` (a missing pathType stops validation there).
pub(crate) fn backends<'a>(spec: &Cur<'a>) -> Vec<(Option<Cur<'a>>, String, crate::source::Span)> {
    let mut out = Vec::new();
    if let Some(b) = spec.field("defaultBackend") {
        let span = b.key_span();
        out.push((Some(b.clone()), b.path.clone(), span));
    }
    for p in http_paths(spec) {
        if p.field("pathType").is_none() {
            continue;
        }
        let path = p.child_path("backend");
        match p.field("backend") {
            Some(b) => {
                let span = b.key_span();
                out.push((Some(b), path, span));
            }
            None => out.push((None, path, super::service::item_head(&p))),
        }
    }
    out
}

/// `content.IsPathSegmentName`: `.` and `..` are refused alone; `/` and `%` anywhere.
pub(crate) fn path_segment_msgs(v: &str) -> Vec<String> {
    if v == "." || v == ".." {
        return vec![format!("may not be '{v}'")];
    }
    ["/", "%"].iter().filter(|c| v.contains(**c)).map(|c| format!("may not contain '{c}'")).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    /// An Ingress manifest with the given `spec` lines.
    pub fn ing(spec: &str) -> String {
        format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: default\nspec:\n{spec}")
    }

    /// An Ingress with one rule and one path whose lines (indented 6) are given.
    pub fn one_path(path: &str) -> String {
        ing(&format!("  rules:\n  - host: example.com\n    http:\n      paths:\n{path}"))
    }
}
