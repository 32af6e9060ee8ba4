//! Decoding: from YAML documents to objects, as kubectl and the API server's strict decoder do,
//! against the field schema of each Kubernetes version (generated data, see [`table`]).

mod decode;
mod identity;
pub mod quantity;
pub mod suggest;
pub mod table;

use crate::analysis::Options;
use crate::diagnostic::{Diagnostic, ErrorType, Severity};
use crate::model::Object;
use crate::rules::objects;
use crate::source::FileId;
use crate::yaml::{Node, NodeKind};

/// Turns one document into objects: itself, or the `items` of a `List` (kubectl sends each item
/// on its own).
pub fn split_objects(file: FileId, doc: usize, root: Node, opts: &Options, objects: &mut Vec<Object>, out: &mut Vec<Diagnostic>) {
    if root.as_map().is_none() {
        out.push(
            Diagnostic::new(
                objects::NOT_AN_OBJECT.name,
                Severity::Error,
                file,
                root.span,
                "this document is not a mapping, so it is not a Kubernetes object",
            )
            .with_help("write one object per document: a mapping with `apiVersion`, `kind` and `metadata`")
            .with_kubernetes("", ErrorType::Decode),
        );
        return;
    }
    let kind = root.get("kind").and_then(Node::text).unwrap_or("");
    if kind.ends_with("List") && root.get("items").is_some_and(|i| matches!(i.kind, NodeKind::Seq(_))) {
        let items = root.get("items").and_then(Node::as_seq).map(<[Node]>::to_vec).unwrap_or_default();
        for (i, item) in items.into_iter().enumerate() {
            if item.as_map().is_none() {
                out.push(
                    Diagnostic::new(
                        objects::NOT_AN_OBJECT.name,
                        Severity::Error,
                        file,
                        item.span,
                        "this List item is not a mapping, so it is not a Kubernetes object",
                    )
                    .with_help("each item of `items` must be an object with `apiVersion`, `kind` and `metadata`")
                    .with_kubernetes(format!("items[{i}]"), ErrorType::Decode),
                );
                continue;
            }
            objects.push(Object::new(file, doc, Some(i), item, &opts.default_namespace));
        }
        return;
    }
    objects.push(Object::new(file, doc, None, root, &opts.default_namespace));
}

/// The decode stage for one object: is `apiVersion`/`kind` served by `opts.kube_version`, then
/// strict decoding into the versioned type. For kinds kplay does not model it returns the
/// [`not_checked`] note (or the reason the pair is not served at all).
pub fn decode(obj: &Object, opts: &Options) -> Vec<Diagnostic> {
    let table = table::Table::get();
    let minor = opts.kube_version.minor;
    let mut out = match identity::identify(obj, table, minor) {
        identity::Identity::Rejected(d) => d,
        identity::Identity::NotModelled => vec![not_checked(obj)],
        identity::Identity::Modelled(root) => {
            let mut d = decode::Decoder::new(table, minor, obj);
            d.run(root);
            d.out
        }
    };
    // A disabled decode rule lets the object through, like the server's `fieldValidation=Ignore`.
    out.retain(|d| !opts.disabled_rules.iter().any(|r| r == d.rule));
    out
}

/// The "not checked" note for kinds kplay does not model.
pub fn not_checked(obj: &Object) -> Diagnostic {
    Diagnostic::new(
        objects::KIND_NOT_CHECKED.name,
        Severity::Info,
        obj.file,
        obj.raw.get("kind").map_or(obj.head_span(), |k| k.span),
        format!("{} `{}` is not checked: kplay does not model this kind", obj.api_version, obj.kind),
    )
    .with_help({
        const CHECKED: &str =
            "kplay checks Pods, Services, EndpointSlices, Ingresses, IngressClasses, Namespaces, ReplicationControllers and the apps/v1 and batch/v1 workloads";
        match (obj.api_version.as_str(), obj.kind.as_str()) {
            ("v1", "Endpoints") => format!(
                "{CHECKED}; the addresses of an Endpoints named after a Service without a selector are still mirrored into EndpointSlices, as the mirroring controller does"
            ),
            ("v1", "ServiceAccount") | ("scheduling.k8s.io/v1", "PriorityClass") | ("node.k8s.io/v1", "RuntimeClass") => {
                format!("{CHECKED}; this {} still counts for the Pods that name it (the admission plugin looks it up)", obj.kind)
            }
            _ => CHECKED.to_string(),
        }
    })
    .with_object(Some(obj.object_ref.clone()))
}
