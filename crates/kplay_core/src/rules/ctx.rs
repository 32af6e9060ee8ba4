//! What a rule's check sees ([`Ctx`], [`Cur`]) and how it reports ([`Sink`]).

use crate::admission::Lookups;
use crate::analysis::Options;
use crate::diagnostic::{Diagnostic, ErrorType, ObjectRef};
use crate::model::Object;
use crate::source::{FileId, Span};
use crate::yaml::Node;

use super::Rule;

/// The object under check, the analysis options, and what the admission plugins look up.
pub struct Ctx<'a> {
    pub obj: &'a Object,
    pub opts: &'a Options,
    pub lookups: &'a Lookups,
}

impl<'a> Ctx<'a> {
    /// The object as the server would validate it (after defaulting), with empty path.
    pub fn root(&self) -> Cur<'a> {
        Cur { node: &self.obj.stored, key: None, path: String::new() }
    }

    /// The object as written.
    pub fn raw(&self) -> Cur<'a> {
        Cur { node: &self.obj.raw, key: None, path: String::new() }
    }

    pub fn kind(&self) -> &str {
        &self.obj.kind
    }

    /// How the target version's `field.Error` prints struct, map and slice bad values.
    pub fn values(&self) -> crate::rules::formats::Values {
        crate::rules::formats::Values::of(self.opts.kube_version)
    }

    /// The pod spec of a Pod or of a workload's pod template (CronJob included), with the
    /// server's path (`spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`).
    /// A StatefulSet's template too, although the server validates only the pods made from it:
    /// the pipeline turns the pod rules' errors there into `statefulset-pod-invalid` warnings.
    pub fn pod_spec(&self) -> Option<Cur<'a>> {
        let root = self.root();
        match self.obj.kind.as_str() {
            "Pod" => root.field("spec"),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => {
                root.field("spec")?.field("template")?.field("spec")
            }
            "CronJob" => root.field("spec")?.field("jobTemplate")?.field("spec")?.field("template")?.field("spec"),
            _ => None,
        }
    }

    /// True when the pod spec is a template inside a workload rather than a Pod.
    pub fn is_template(&self) -> bool {
        self.obj.kind != "Pod"
    }
}

/// A cursor: a node, the key that led to it, and its field path in the server's notation.
#[derive(Debug, Clone)]
pub struct Cur<'a> {
    pub node: &'a Node,
    /// The mapping key this value hangs from (`None` for the root and list items).
    pub key: Option<&'a Node>,
    pub path: String,
}

impl<'a> Cur<'a> {
    pub fn new(node: &'a Node, path: impl Into<String>) -> Self {
        Cur { node, key: None, path: path.into() }
    }

    /// The path of child `name` (whether it exists or not).
    pub fn child_path(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// The child `name` of a mapping, if present and not null.
    pub fn field(&self, name: &str) -> Option<Cur<'a>> {
        let e = self.node.entry(name)?;
        if e.value.is_null() {
            return None;
        }
        Some(Cur { node: &e.value, key: Some(&e.key), path: self.child_path(name) })
    }

    /// Like [`Cur::field`] but null values are returned too.
    pub fn field_or_null(&self, name: &str) -> Option<Cur<'a>> {
        let e = self.node.entry(name)?;
        Some(Cur { node: &e.value, key: Some(&e.key), path: self.child_path(name) })
    }

    /// The list items with `path[i]`.
    pub fn items(&self) -> impl Iterator<Item = (usize, Cur<'a>)> + '_ {
        self.node
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(move |(i, n)| (i, Cur { node: n, key: None, path: format!("{}[{i}]", self.path) }))
    }

    /// The mapping entries with `path[key]`.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Cur<'a>)> + '_ {
        self.node.as_map().unwrap_or(&[]).iter().filter_map(move |e| {
            let k = e.key.text()?;
            Some((k, Cur { node: &e.value, key: Some(&e.key), path: format!("{}[{k}]", self.path) }))
        })
    }

    pub fn span(&self) -> Span {
        self.node.span
    }

    /// Where to point for a problem with this field as a whole: the key if there is one.
    pub fn key_span(&self) -> Span {
        self.key.map_or(self.node.span, |k| k.span)
    }

    pub fn str(&self) -> Option<&'a str> {
        self.node.as_str()
    }

    pub fn i64(&self) -> Option<i64> {
        self.node.as_i64()
    }

    pub fn bool(&self) -> Option<bool> {
        self.node.as_bool()
    }

    /// The scalar's text whatever it resolves to.
    pub fn text(&self) -> Option<&'a str> {
        self.node.text()
    }

    pub fn len(&self) -> usize {
        match &self.node.kind {
            crate::yaml::NodeKind::Seq(s) => s.len(),
            crate::yaml::NodeKind::Map(m) => m.len(),
            crate::yaml::NodeKind::Scalar(_) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// For a struct the manifest leaves out (the zero value kplay adds where the server's decoder
    /// would, see `cluster::defaults::zero`), a note saying so: diagnostics about its fields point
    /// at the key it hangs from, which does not say by itself what is missing.
    pub fn missing_note(&self) -> Option<String> {
        let added = self.node.synthetic && self.key.is_some_and(|k| k.synthetic) && self.node.as_map().is_some();
        added.then(|| format!(" (no `{}` in the manifest)", self.path))
    }
}

/// Collects a rule's diagnostics for one object.
pub struct Sink<'a> {
    pub rule: &'static Rule,
    pub file: FileId,
    pub object: Option<&'a ObjectRef>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static Rule, file: FileId, object: Option<&'a ObjectRef>) -> Self {
        Sink { rule, file, object, out: Vec::new() }
    }

    /// A diagnostic at `span` with the rule's severity.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::new(self.rule.name, self.rule.severity, self.file, span, message).with_object(self.object.cloned());
        self.out.push(d);
        self.out.last_mut().expect("just pushed")
    }

    /// An API-server field error at the value of `at`.
    pub fn field_error(&mut self, at: &Cur<'_>, error_type: ErrorType, message: impl Into<String>) -> &mut Diagnostic {
        self.field_error_at(at.span(), &at.path, error_type, message)
    }

    /// An API-server field error with an explicit span and path (for paths the server writes
    /// differently from where the problem is, e.g. `metadata.labels` for a bad label key).
    pub fn field_error_at(&mut self, span: Span, path: &str, error_type: ErrorType, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::new(self.rule.name, self.rule.severity, self.file, span, message)
            .with_object(self.object.cloned())
            .with_kubernetes(path, error_type);
        self.out.push(d);
        self.out.last_mut().expect("just pushed")
    }

    /// A `Required` error for the missing child `name` of `parent`, pointing at the parent's key.
    /// When the parent itself is missing from the manifest, the message says so.
    pub fn required(&mut self, parent: &Cur<'_>, name: &str, message: impl Into<String>) -> &mut Diagnostic {
        let path = parent.child_path(name);
        let message = message.into() + parent.missing_note().as_deref().unwrap_or("");
        self.field_error_at(parent.key_span(), &path, ErrorType::Required, message)
    }
}
