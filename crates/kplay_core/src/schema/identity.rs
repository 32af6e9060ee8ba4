//! Which type an object is: `apiVersion` and `kind` present, served by the chosen Kubernetes
//! version, or removed (with the migration), or a kind kplay does not model.
//!
//! kubectl maps `apiVersion`/`kind` to a resource before sending anything; a pair the server does
//! not serve fails there ("no matches for kind ... in version ..."), a missing one fails to decode
//! ("Object 'Kind' is missing"). kplay reports both as decode errors on `apiVersion` / `kind`.

use crate::diagnostic::{Diagnostic, ErrorType, Severity};
use crate::model::Object;
use crate::rules::decode as r;
use crate::rules::Rule;
use crate::source::Span;

use super::suggest;
use super::table::{group_of, Table};

/// What the identity check decided.
pub(super) enum Identity {
    /// A modelled kind served by this version: decode it against this root definition.
    Modelled(super::table::DefId),
    /// Served (or possibly a custom resource) but not modelled: not checked.
    NotModelled,
    /// Rejected; the diagnostics say why.
    Rejected(Vec<Diagnostic>),
}

/// API versions removed before the first release the schema package ships (1.25), from the
/// Kubernetes deprecated API migration guide. Removals from 1.26 on are derived from the OpenAPI
/// data by the generator.
const REMOVED_EARLY: &[(&str, &str, u16, Option<&str>)] = &[
    ("extensions/v1beta1", "Deployment", 16, Some("apps/v1")),
    ("apps/v1beta1", "Deployment", 16, Some("apps/v1")),
    ("apps/v1beta2", "Deployment", 16, Some("apps/v1")),
    ("extensions/v1beta1", "DaemonSet", 16, Some("apps/v1")),
    ("apps/v1beta2", "DaemonSet", 16, Some("apps/v1")),
    ("extensions/v1beta1", "ReplicaSet", 16, Some("apps/v1")),
    ("apps/v1beta1", "ReplicaSet", 16, Some("apps/v1")),
    ("apps/v1beta2", "ReplicaSet", 16, Some("apps/v1")),
    ("apps/v1beta1", "StatefulSet", 16, Some("apps/v1")),
    ("apps/v1beta2", "StatefulSet", 16, Some("apps/v1")),
    ("extensions/v1beta1", "NetworkPolicy", 16, Some("networking.k8s.io/v1")),
    ("extensions/v1beta1", "PodSecurityPolicy", 16, None),
    ("extensions/v1beta1", "Ingress", 22, Some("networking.k8s.io/v1")),
    ("networking.k8s.io/v1beta1", "Ingress", 22, Some("networking.k8s.io/v1")),
    ("networking.k8s.io/v1beta1", "IngressClass", 22, Some("networking.k8s.io/v1")),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 22, Some("admissionregistration.k8s.io/v1")),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 22, Some("admissionregistration.k8s.io/v1")),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 22, Some("apiextensions.k8s.io/v1")),
    ("apiregistration.k8s.io/v1beta1", "APIService", 22, Some("apiregistration.k8s.io/v1")),
    ("authentication.k8s.io/v1beta1", "TokenReview", 22, Some("authentication.k8s.io/v1")),
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview", 22, Some("authorization.k8s.io/v1")),
    ("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 22, Some("authorization.k8s.io/v1")),
    ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 22, Some("authorization.k8s.io/v1")),
    ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 22, Some("authorization.k8s.io/v1")),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", 22, Some("certificates.k8s.io/v1")),
    ("coordination.k8s.io/v1beta1", "Lease", 22, Some("coordination.k8s.io/v1")),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 22, Some("rbac.authorization.k8s.io/v1")),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 22, Some("rbac.authorization.k8s.io/v1")),
    ("rbac.authorization.k8s.io/v1beta1", "Role", 22, Some("rbac.authorization.k8s.io/v1")),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding", 22, Some("rbac.authorization.k8s.io/v1")),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", 22, Some("scheduling.k8s.io/v1")),
    ("storage.k8s.io/v1beta1", "CSIDriver", 22, Some("storage.k8s.io/v1")),
    ("storage.k8s.io/v1beta1", "CSINode", 22, Some("storage.k8s.io/v1")),
    ("storage.k8s.io/v1beta1", "StorageClass", 22, Some("storage.k8s.io/v1")),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", 22, Some("storage.k8s.io/v1")),
    ("batch/v1beta1", "CronJob", 25, Some("batch/v1")),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", 25, Some("discovery.k8s.io/v1")),
    ("events.k8s.io/v1beta1", "Event", 25, Some("events.k8s.io/v1")),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", 25, Some("autoscaling/v2")),
    ("policy/v1beta1", "PodDisruptionBudget", 25, Some("policy/v1")),
    ("policy/v1beta1", "PodSecurityPolicy", 25, None),
    ("node.k8s.io/v1beta1", "RuntimeClass", 25, Some("node.k8s.io/v1")),
];

/// What changes when moving a kind to its replacement API version (the migration guide's notes).
fn migration(kind: &str, from: &str) -> &'static str {
    match (kind, from) {
        ("Ingress", _) => {
            "; in networking.k8s.io/v1 `backend.serviceName`/`backend.servicePort` become `backend.service.name` and `backend.service.port.number` (or `.port.name`), `spec.backend` becomes `spec.defaultBackend`, and every path needs a `pathType` (Prefix, Exact or ImplementationSpecific)"
        }
        ("Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet", _) => {
            "; apps/v1 requires `spec.selector`, which must match `spec.template.metadata.labels` and cannot change later"
        }
        ("EndpointSlice", _) => "; in discovery.k8s.io/v1 `endpoints[].topology` is gone: use `endpoints[].nodeName` and `endpoints[].zone`",
        ("HorizontalPodAutoscaler", _) => "; autoscaling/v2 writes metric targets as `target: {type, averageUtilization | averageValue | value}`",
        ("PodDisruptionBudget", _) => "; in policy/v1 an empty `spec.selector` selects every Pod in the namespace",
        ("CronJob" | "IngressClass", _) => "; the fields are the same",
        _ => "",
    }
}

pub(super) fn identify(obj: &Object, table: &Table, minor: u16) -> Identity {
    let raw = &obj.raw;
    let first_key = raw.as_map().and_then(|m| m.first()).map_or(Span::point(raw.span.start), |e| e.key.span);
    let mut missing = Vec::new();
    let av_node = raw.get("apiVersion").filter(|n| !n.is_null() && n.text().is_some_and(|t| !t.is_empty()));
    let kind_node = raw.get("kind").filter(|n| !n.is_null() && n.text().is_some_and(|t| !t.is_empty()));
    if av_node.is_none() {
        missing.push(diag(
            obj,
            &r::API_VERSION_MISSING,
            first_key,
            "this object has no `apiVersion`, so kubectl cannot tell which API it belongs to".into(),
            hint_api_version(table, &obj.kind, minor),
            "apiVersion",
        ));
    }
    if kind_node.is_none() {
        missing.push(diag(
            obj,
            &r::KIND_MISSING,
            first_key,
            "this object has no `kind`, so kubectl cannot tell what it is (\"Object 'Kind' is missing\")".into(),
            "add the kind, e.g. `kind: Deployment`".into(),
            "kind",
        ));
    }
    let (Some(av_node), Some(kind_node)) = (av_node, kind_node) else {
        return Identity::Rejected(missing);
    };
    let (av, kind) = (obj.api_version.as_str(), obj.kind.as_str());
    if let Some(root) = table.root(av, kind, minor) {
        if crate::model::is_modelled(av, kind) {
            return Identity::Modelled(root);
        }
    }
    if table.served(av, kind).is_some_and(|m| m.contains(minor)) {
        return Identity::NotModelled;
    }
    // Removed API versions: from the data (1.26 on) or the early table.
    let removed = table
        .removed(av, kind)
        .map(|rm| (rm.minor, rm.replacement))
        .or_else(|| REMOVED_EARLY.iter().find(|(a, k, _, _)| *a == av && *k == kind).map(|&(_, _, minor, repl)| (minor, repl)));
    if let Some((removed_in, replacement)) = removed {
        if minor >= removed_in {
            // The replacement may itself be gone by now (flowcontrol v1beta1 -> v1beta3 -> v1).
            let now: Vec<&str> = table.api_versions_of(kind, minor);
            let target = replacement.filter(|r| now.contains(r)).or_else(|| now.first().copied());
            let help = match target {
                Some(t) => format!("change `apiVersion` to `{t}`{}", migration(kind, av)),
                None => format!("{kind} is no longer served by any API version; remove this object"),
            };
            let msg = format!("`{av}` {kind} was removed in Kubernetes 1.{removed_in}; Kubernetes 1.{minor} does not serve it");
            return Identity::Rejected(vec![diag(obj, &r::API_VERSION_REMOVED, av_node.span, msg, help, "apiVersion")]);
        }
    }
    if let Some(m) = table.served(av, kind) {
        // Served only by later versions than the chosen one.
        if let Some(from) = m.first().filter(|&f| f > minor) {
            let now = table.api_versions_of(kind, minor);
            let help = match now.first() {
                Some(t) => format!("use `apiVersion: {t}` for Kubernetes 1.{minor}, or check against Kubernetes 1.{from} or later"),
                None => format!("check against Kubernetes 1.{from} or later"),
            };
            let msg = format!("`{av}` {kind} is served from Kubernetes 1.{from} on, not by Kubernetes 1.{minor}");
            return Identity::Rejected(vec![diag(obj, &r::API_VERSION_UNKNOWN, av_node.span, msg, help, "apiVersion")]);
        }
    }
    let group = group_of(av);
    // Lists (`v1 List`, `PodList`) are unwrapped by kubectl; one without items sends nothing.
    if !table.knows_group(group) || kind.ends_with("List") {
        if let Some(why) = never_served(av) {
            let serving = table.api_versions_of(kind, minor);
            let help = match serving.first() {
                Some(best) if group == "core" => format!("the core API group has no name: write `apiVersion: {best}`"),
                Some(best) => format!("change `apiVersion` to `{best}`"),
                None => "a custom resource's `apiVersion` is `<group>/<version>`, its group a lowercase domain such as `example.com`"
                    .to_string(),
            };
            let msg = format!("no matches for kind \"{kind}\" in version \"{av}\": {why}");
            return Identity::Rejected(vec![diag(obj, &r::API_VERSION_UNKNOWN, av_node.span, msg, help, "apiVersion")]);
        }
        // Another API group: a custom resource or an aggregated API that kplay cannot know.
        return Identity::NotModelled;
    }
    let serving = table.api_versions_of(kind, minor);
    if let Some(best) = serving.first() {
        let msg = format!("`{av}` does not serve {kind}: no matches for kind \"{kind}\" in version \"{av}\"");
        let help = format!("change `apiVersion` to `{best}`");
        return Identity::Rejected(vec![diag(obj, &r::API_VERSION_UNKNOWN, av_node.span, msg, help, "apiVersion")]);
    }
    // A kind of a built-in group that nothing serves: a typo, or a kind of another group.
    let here: Vec<&str> = table.kinds_at(av, minor).collect();
    let guess = suggest::closest(kind, here.iter().copied());
    let msg = format!("no kind `{kind}` is served by `{av}`: no matches for kind \"{kind}\" in version \"{av}\"");
    let help = match guess {
        Some(g) => format!("did you mean `kind: {g}`?"),
        None if here.is_empty() => format!("`{av}` is not an API version of Kubernetes 1.{minor}; check `apiVersion` and `kind`"),
        None => format!("`{av}` serves {}", list(&here)),
    };
    Identity::Rejected(vec![diag(obj, &r::KIND_UNKNOWN, kind_node.span, msg, help, "kind")])
}

/// Why no API server could serve `api_version` when its group is not a built-in one, if so.
/// kubectl parses it with `schema.ParseGroupVersion` (at most one `/`). A custom resource's group
/// must be a lowercase DNS subdomain with at least one dot and its version a DNS label
/// (`ValidateCustomResourceDefinitionSpec`), so `core/v1`, `Apps/v1` or `example.com/V1` are
/// served by nothing: only an aggregated API server could take a group without a dot, which
/// no cluster kplay models has.
fn never_served(api_version: &str) -> Option<String> {
    let (group, version) = api_version.split_once('/')?;
    if version.contains('/') {
        return Some(format!("`{api_version}` is not a group/version (\"unexpected GroupVersion string\")"));
    }
    if !crate::rules::formats::dns1123_subdomain_msgs(group).is_empty() {
        return Some(format!("the API group `{group}` is not a lowercase domain name, which every API group is"));
    }
    if !group.contains('.') {
        return Some(format!("no built-in API group is named `{group}`, and a custom resource's group has a dot (`example.com`)"));
    }
    if !crate::rules::formats::dns1035_label_msgs(version).is_empty() {
        return Some(format!("the version `{version}` is not a lowercase DNS label, which every API version is"));
    }
    None
}

fn list(kinds: &[&str]) -> String {
    let mut v = kinds.to_vec();
    crate::sort::sort(&mut v);
    if v.len() > 8 {
        format!("{}, ...", v[..8].join(", "))
    } else {
        v.join(", ")
    }
}

fn hint_api_version(table: &Table, kind: &str, minor: u16) -> String {
    match table.api_versions_of(kind, minor).first() {
        Some(av) if !kind.is_empty() => format!("add `apiVersion: {av}` (the API version that serves {kind})"),
        _ => "add the API version, e.g. `apiVersion: apps/v1` for a Deployment or `apiVersion: v1` for a Service".into(),
    }
}

fn diag(obj: &Object, rule: &'static Rule, span: Span, message: String, help: String, field: &str) -> Diagnostic {
    debug_assert_eq!(rule.severity, Severity::Error);
    Diagnostic::new(rule.name, rule.severity, obj.file, span, message)
        .with_help(help)
        .with_object(Some(obj.object_ref.clone()))
        .with_kubernetes(field, ErrorType::Decode)
}
