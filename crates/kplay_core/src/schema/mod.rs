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
/// on its own). Like cli-runtime's `StreamVisitor`, a document that is `null` is skipped; like
/// its `FlattenListVisitor`, an item that is itself a list (`meta.IsListType`: it has an `items`
/// array) is expanded in turn; like apimachinery's `unstructuredJSONScheme.decodeToList`, an item
/// of the top-level list with neither `kind` nor `apiVersion` gets the list's kind without its
/// `List` suffix and the list's `apiVersion` (a `PodList`'s items are Pods).
pub fn split_objects(file: FileId, doc: usize, root: Node, opts: &Options, objects: &mut Vec<Object>, out: &mut Vec<Diagnostic>) {
    if root.is_null() {
        return;
    }
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
    if kind.ends_with("List") && is_list(&root) {
        let item_kind = root.get("kind").map(|k| (k.span, kind.strip_suffix("List").unwrap_or(kind).to_string()));
        let item_version = root.get("apiVersion").and_then(|v| v.text().map(|t| (v.span, t.to_string())));
        let mut todo = std::collections::VecDeque::new();
        for (i, mut item) in items_of(root).into_iter().enumerate() {
            if item.as_map().is_some() && item.get("kind").is_none() && item.get("apiVersion").is_none() {
                if let Some((span, k)) = &item_kind {
                    item.set("kind", Node::scalar(*span, k.clone(), crate::yaml::ScalarStyle::Plain).synthetic());
                }
                if let Some((span, v)) = &item_version {
                    item.set("apiVersion", Node::scalar(*span, v.clone(), crate::yaml::ScalarStyle::Plain).synthetic());
                }
            }
            todo.push_back((format!("items[{i}]"), item));
        }
        // Nested lists are expanded in the order `FlattenListVisitor` does: breadth first.
        let mut n = 0;
        while let Some((path, item)) = todo.pop_front() {
            n += 1;
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
                    .with_kubernetes(path, ErrorType::Decode),
                );
                continue;
            }
            if is_list(&item) {
                for (i, inner) in items_of(item).into_iter().enumerate() {
                    todo.push_back((format!("{path}.items[{i}]"), inner));
                }
                continue;
            }
            // The position in the walk: a flat list's item index.
            objects.push(Object::new(file, doc, Some(n - 1), item, &opts.default_namespace));
        }
        return;
    }
    objects.push(Object::new(file, doc, None, root, &opts.default_namespace));
}

/// apimachinery's `Unstructured.IsList`: an `items` field that is an array.
fn is_list(node: &Node) -> bool {
    node.get("items").is_some_and(|i| matches!(i.kind, NodeKind::Seq(_)))
}

/// The `items` array, moved out of the list.
fn items_of(node: Node) -> Vec<Node> {
    let NodeKind::Map(entries) = node.kind else { return Vec::new() };
    let items = entries.into_iter().find(|e| e.key.text() == Some("items")).map(|e| e.value.kind);
    match items {
        Some(NodeKind::Seq(s)) => s,
        _ => Vec::new(),
    }
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
            let mut out = d.out;
            // Conversion to the internal type follows a decode that succeeded.
            if !out.iter().any(|d| d.severity == Severity::Error) {
                out.extend(rollback_annotation(obj));
            }
            out
        }
    };
    // A disabled decode rule lets the object through, like the server's `fieldValidation=Ignore`.
    out.retain(|d| !opts.disabled_rules.iter().any(|r| r == d.rule));
    out
}

/// `Convert_v1_Deployment_To_apps_Deployment`: a non-empty `deprecated.deployment.rollback.to`
/// annotation is read with `strconv.ParseInt(value, 10, 64)`; a value it refuses fails the
/// conversion, so the request fails to decode (HTTP 400, no field named). Rust's `i64` parser
/// takes what `ParseInt` takes in base 10: an optional sign, then digits only.
fn rollback_annotation(obj: &Object) -> Option<Diagnostic> {
    use crate::rules::workload::spec_fields::ROLLBACK_TO;
    if obj.api_version != "apps/v1" || obj.kind != "Deployment" {
        return None;
    }
    let node = obj.raw.get("metadata")?.get("annotations")?.get(ROLLBACK_TO)?;
    let value = node.as_str()?;
    if value.is_empty() || value.parse::<i64>().is_ok() {
        return None;
    }
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) { "value out of range" } else { "invalid syntax" };
    // Go's `strconv.Quote`, which Rust's `Debug` of a string matches for what a manifest holds.
    let quoted = format!("{value:?}");
    Some(
        Diagnostic::new(
            crate::rules::decode::ROLLBACK_ANNOTATION_INVALID.name,
            Severity::Error,
            obj.file,
            node.span,
            format!("failed to parse annotation[{ROLLBACK_TO}]={value} as int64: strconv.ParseInt: parsing {quoted}: {why}"),
        )
        .with_help("the annotation must be a revision number such as `2`; to roll a Deployment back, remove it and run `kubectl rollout undo deployment/<name>`")
        .with_object(Some(obj.object_ref.clone()))
        .with_kubernetes(format!("metadata.annotations.{ROLLBACK_TO}"), ErrorType::Decode),
    )
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
            ("v1", "ConfigMap" | "Secret") => format!(
                "{CHECKED}; this {}'s keys still count for the Pods that read them (`config-key-not-found`)",
                obj.kind
            ),
            ("v1", "PersistentVolumeClaim") => {
                format!("{CHECKED}; this claim still counts for the Pods that mount it (`config-object-not-found`)")
            }
            ("v1", "ServiceAccount") | ("scheduling.k8s.io/v1", "PriorityClass") | ("node.k8s.io/v1", "RuntimeClass") => {
                format!("{CHECKED}; this {} still counts for the Pods that name it (the admission plugin looks it up)", obj.kind)
            }
            _ => CHECKED.to_string(),
        }
    })
    .with_object(Some(obj.object_ref.clone()))
}

#[cfg(test)]
mod tests {
    use crate::{analyze, Options, SourceFile};

    fn run(text: &str) -> crate::Analysis {
        analyze(&[SourceFile::new("x.yaml", text)], &Options::default())
    }

    #[test]
    fn null_documents_are_skipped_like_stream_visitor() {
        let a = run("---\nnull\n---\n~\n---\n!!null ''\n");
        assert!(a.objects.is_empty());
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
        assert!(run("---\n\"just a string\"\n").diagnostics.iter().any(|d| d.rule == "not-an-object"));
    }

    const POD: &str = "{apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {containers: [{name: web, image: nginx}]}}";

    #[test]
    fn nested_lists_are_flattened() {
        let a = run(&format!("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {POD}\n- {POD}\n"));
        let kinds: Vec<_> = a.objects.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds, ["Pod", "Pod"]);
        assert!(a.diagnostics.iter().all(|d| d.rule != "kind-not-checked"), "{:?}", a.diagnostics);
        let bad = run("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [3]\n");
        let d = bad.diagnostics.iter().find(|d| d.rule == "not-an-object").expect("the nested item is reported");
        assert_eq!(d.kubernetes.as_ref().map(|k| k.field.as_str()), Some("items[0].items[0]"));
    }

    #[test]
    fn typed_list_items_get_the_lists_kind_and_version() {
        let a = run("apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: web}\n  spec: {containers: [{name: web, image: nginx}]}\n");
        assert_eq!(a.objects.len(), 1);
        assert_eq!((a.objects[0].api_version.as_str(), a.objects[0].kind.as_str()), ("v1", "Pod"));
        assert!(a.diagnostics.iter().all(|d| d.rule != "kind-missing" && d.rule != "api-version-missing"), "{:?}", a.diagnostics);
    }

    #[test]
    fn duplicate_keys_name_the_object_and_the_field() {
        let a = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n  containers:\n  - name: web\n    image: x\n    image: y\n",
        );
        let dups: Vec<_> = a.diagnostics.iter().filter(|d| d.rule == "duplicate-key").collect();
        let fields: Vec<_> = dups.iter().map(|d| d.kubernetes.as_ref().map(|k| (k.field.as_str(), k.error_type))).collect();
        assert_eq!(
            fields,
            [Some(("metadata.name", crate::ErrorType::Decode)), Some(("spec.containers[0].image", crate::ErrorType::Decode))]
        );
        assert!(dups.iter().all(|d| d.object.as_ref().is_some_and(|o| o.kind == "Pod")));
    }
}
