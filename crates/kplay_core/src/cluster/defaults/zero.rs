//! Go zero values: what the API server's decoder makes of parts a manifest leaves out or sets to
//! `null`, before defaulting and validation see them.
//!
//! The server decodes JSON into Go structs. A struct field that is not a pointer (`metadata`, a
//! Pod's `spec`, a workload's `spec.template` and `spec.template.spec`, ...) is then the zero
//! struct whether it was missing, `null` or `{}`; a `null` item of a list of structs
//! (`ports: [null]`, `containers: [null]`) is a zero struct too. Defaulting and validation run on
//! those zero values: a Deployment without `spec` gets `spec.selector` Required, the template
//! label mismatch and `spec.template.spec.containers` Required. kplay writes the same empty
//! mappings into `Object::stored`, so that the rules see what the server sees:
//!
//! - a missing struct field gets a `synthetic` key and value at the span of the key it hangs
//!   from (for a missing top-level field, the object's head: `metadata.name`'s value, else
//!   `kind`), like every defaulted field;
//! - a `null` struct field or list item becomes an empty mapping at the null's own span (or, for
//!   an empty `spec:`, at its key), not synthetic: it is what the user wrote, decoded.

use crate::analysis::Options;
use crate::model::Object;
use crate::schema::table::{DefId, Lookup, Table, Ty};
use crate::source::Span;
use crate::yaml::{Entry, Node, ScalarStyle};

/// The chains of non-pointer struct fields, from the object's root, that the server validates
/// as zero values when they are missing or null.
fn struct_chains(kind: &str) -> &'static [&'static [&'static str]] {
    const TEMPLATE: &[&str] = &["spec", "template", "spec"];
    match kind {
        "Pod" | "Service" | "Ingress" | "IngressClass" => &[&["metadata"], &["spec"]],
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => &[&["metadata"], TEMPLATE],
        // A ReplicationController's template is a pointer: a missing one stays missing (Required).
        "ReplicationController" => &[&["metadata"], &["spec"]],
        "CronJob" => &[&["metadata"], &["spec", "jobTemplate", "spec", "template", "spec"]],
        _ => &[&["metadata"]],
    }
}

/// Fills in the zero values of `obj.stored` (see the module documentation).
pub fn apply(obj: &mut Object, opts: &Options) {
    let head = obj.head_span();
    for chain in struct_chains(&obj.kind) {
        let mut node = &mut obj.stored;
        let mut anchor = head;
        for key in *chain {
            let Some(next) = zero_field(node, key, anchor) else { break };
            (anchor, node) = next;
        }
    }
    // A ReplicationController's template is a pointer, but a template that is there has a
    // struct `spec`.
    if obj.kind == "ReplicationController" {
        if let Some(t) = obj.stored.get_mut("spec").and_then(|s| s.get_mut("template")).filter(|t| t.as_map().is_some()) {
            let anchor = t.span;
            zero_field(t, "spec", anchor);
        }
    }
    let table = Table::get();
    if let Some(root) = table.root(&obj.api_version, &obj.kind, opts.kube_version.minor) {
        null_items(table, opts.kube_version.minor, &mut obj.stored, root);
    }
}

/// Makes `key` of the mapping `map` a mapping when it is missing or null; returns its key's span
/// and the mapping (None when the value is something else, which decoding has refused).
fn zero_field<'a>(map: &'a mut Node, key: &str, anchor: Span) -> Option<(Span, &'a mut Node)> {
    let entries = map.as_map_mut()?;
    let i = match entries.iter().position(|e| e.key.text() == Some(key)) {
        Some(i) => {
            let e = &mut entries[i];
            if e.value.is_null() {
                let span = if e.value.span.is_empty() { e.key.span } else { e.value.span };
                e.value = Node::map(span, Vec::new());
            }
            i
        }
        None => {
            let key = Node::scalar(anchor, key, ScalarStyle::Plain).synthetic();
            entries.push(Entry { key, value: Node::map(anchor, Vec::new()).synthetic() });
            entries.len() - 1
        }
    };
    let e = &mut entries[i];
    e.value.as_map().is_some().then_some((e.key.span, &mut e.value))
}

/// Replaces `null` items of lists of structs with empty mappings, through the whole object.
fn null_items(table: &'static Table, minor: u16, node: &mut Node, def: DefId) {
    let Some(entries) = node.as_map_mut() else { return };
    for e in entries {
        let Some(name) = e.key.text() else { continue };
        if let Lookup::Found(p) = table.def(def).prop(name, minor) {
            value(table, minor, &mut e.value, &p.ty);
        }
    }
}

fn value(table: &'static Table, minor: u16, node: &mut Node, ty: &Ty) {
    match ty {
        Ty::Object(id) => null_items(table, minor, node, *id),
        Ty::Array(item) => {
            let Some(items) = node.as_seq_mut() else { return };
            for it in items {
                if matches!(**item, Ty::Object(_)) && it.is_null() {
                    *it = Node::map(it.span, Vec::new());
                }
                value(table, minor, it, item);
            }
        }
        Ty::Map(v) => {
            let Some(entries) = node.as_map_mut() else { return };
            for e in entries {
                value(table, minor, &mut e.value, v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::yaml::Node;

    fn stored(yaml: &str) -> Node {
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &crate::Options::default());
        a.objects[0].stored.clone()
    }

    #[test]
    fn missing_and_null_structs_become_empty_mappings() {
        let pod = stored("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
        let spec = pod.get("spec").expect("zero spec");
        assert!(spec.synthetic && spec.as_map().is_some());
        let dep = stored("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n");
        let spec = dep.get("spec").expect("spec");
        assert!(!spec.synthetic, "a null spec is the user's, decoded");
        assert!(dep.path(&["spec", "template", "spec"]).is_some_and(|s| s.synthetic && s.as_map().is_some()));
    }

    /// The API-server errors (field, type) of a manifest and their messages.
    fn errors(yaml: &str) -> Vec<(String, String, String)> {
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &crate::Options::default());
        let mut out: Vec<_> = a
            .diagnostics
            .iter()
            .filter_map(|d| d.kubernetes.as_ref().map(|k| (k.field.clone(), k.error_type.as_str().to_string(), d.message.clone())))
            .collect();
        out.sort();
        out
    }

    fn pairs(yaml: &str) -> Vec<(String, String)> {
        errors(yaml).into_iter().map(|(f, t, _)| (f, t)).collect()
    }

    fn want(p: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = p.iter().map(|(f, t)| ((*f).to_string(), (*t).to_string())).collect();
        v.sort();
        v
    }

    #[test]
    fn zero_values_are_validated_like_the_api_server() {
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
        let three = want(&[
            ("spec.selector", "Required"),
            ("spec.template.metadata.labels", "Invalid"),
            ("spec.template.spec.containers", "Required"),
        ]);
        assert_eq!(pairs(dep), three);
        assert_eq!(pairs(&format!("{dep}spec:\n")), three);
        assert_eq!(pairs(&format!("{dep}spec: {{}}\n")), three);
        let sel = format!("{dep}spec:\n  selector:\n    matchLabels: {{app: web}}\n");
        let two = want(&[("spec.template.metadata.labels", "Invalid"), ("spec.template.spec.containers", "Required")]);
        assert_eq!(pairs(&sel), two);
        assert_eq!(pairs(&format!("{sel}  template:\n")), two);
        assert_eq!(pairs(&format!("{sel}  template: {{}}\n")), two);
        let one = want(&[("spec.template.spec.containers", "Required")]);
        assert_eq!(pairs(&format!("{sel}  template:\n    metadata: {{labels: {{app: web}}}}\n")), one);
        assert_eq!(pairs(&format!("{sel}  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n")), one);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";
        assert_eq!(pairs(pod), want(&[("spec.containers", "Required")]));
        assert_eq!(pairs(&format!("{pod}spec:\n")), want(&[("spec.containers", "Required")]));
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
        assert_eq!(pairs(svc), want(&[("spec.ports", "Required")]));
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n";
        assert_eq!(pairs(ing), want(&[("spec", "Invalid")]));
        let no_meta = "apiVersion: v1\nkind: Service\nspec:\n  clusterIP: None\n";
        assert_eq!(pairs(no_meta), want(&[("metadata.name", "Required")]));
        assert_eq!(pairs("apiVersion: v1\nkind: Service\nmetadata:\nspec:\n  clusterIP: None\n"), want(&[("metadata.name", "Required")]));
    }

    #[test]
    fn messages_say_what_the_manifest_leaves_out() {
        let dep = errors("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n");
        let msgs: Vec<&str> = dep.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "Required value (no `spec` in the manifest)",
                "Invalid value: null: `selector` does not match template `labels` (no `spec.template` in the manifest)",
                "Required value (no `spec.template.spec` in the manifest)",
            ]
        );
        // A null `spec:` is pointed at; the message is the server's.
        let pod = errors("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n");
        assert_eq!(pod[0].2, "Required value");
    }

    #[test]
    fn null_list_items_are_validated_as_zero_structs() {
        let svc =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{name: a, port: 80}, null]\n";
        assert_eq!(
            pairs(svc),
            want(&[("spec.ports[1].name", "Required"), ("spec.ports[1].port", "Invalid"), ("spec.ports[1].targetPort", "Invalid")])
        );
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: [null]\n";
        assert_eq!(pairs(pod), want(&[("spec.containers[0].image", "Required"), ("spec.containers[0].name", "Required")]));
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls: [null]\n  rules: [null, {http: {paths: [null]}}]\n";
        assert_eq!(pairs(ing), want(&[("spec.rules[1].http.paths[0].pathType", "Required")]));
    }

    #[test]
    fn null_items_of_struct_lists_become_empty_mappings() {
        let svc = stored("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [null]\n  externalIPs: [null]\n");
        let port = &svc.path(&["spec", "ports"]).and_then(Node::as_seq).expect("ports")[0];
        assert!(port.as_map().is_some() && !port.synthetic);
        // Defaulting ran on the zero ServicePort.
        assert_eq!(port.get("protocol").and_then(Node::text), Some("TCP"));
        // A list of strings keeps its null.
        assert!(svc.path(&["spec", "externalIPs"]).and_then(Node::as_seq).expect("ips")[0].is_null());
    }
}
