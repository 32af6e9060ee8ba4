//! Objects found in the input: where they came from, what they are, the tree as written and the
//! tree as the API server would store it (after defaulting).

pub mod typed;

use crate::diagnostic::ObjectRef;
use crate::source::{FileId, Span};
use crate::yaml::Node;

/// How far an object got through the API server's pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Acceptance {
    /// Rejected while decoding (HTTP 400).
    Decode,
    /// Refused by a default admission plugin (HTTP 403).
    Admission,
    /// Refused by the Service allocation phase.
    Allocation,
    /// Refused by validation (HTTP 422).
    Validation,
    /// Stored.
    Accepted,
    /// A kind kplay does not model: not checked, not simulated.
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Object {
    pub file: FileId,
    /// Index of the document in its file.
    pub doc: usize,
    /// Index inside a `List`'s `items`, if the object came from one.
    pub item: Option<usize>,
    pub api_version: String,
    pub kind: String,
    /// `metadata.name` (or `None` when missing).
    pub name: Option<String>,
    /// `metadata.namespace` as written, or the default namespace.
    pub namespace: String,
    /// The whole object node as written.
    pub raw: Node,
    /// The object as the server would store it: defaults applied, generated fields filled.
    pub stored: Node,
    pub acceptance: Acceptance,
    /// Stored, but the pods its controller creates are refused: a StatefulSet whose template's
    /// pod spec fails the Pod checks, which the server runs on the pods only
    /// (`statefulset-pod-invalid`), or a workload whose pods a default admission plugin refuses
    /// (`rules::pod::admission`). The simulated controller creates no pods for it.
    pub pods_refused: bool,
    /// A Service the allocation phase refused only for a requested address or port (out of
    /// range, or taken twice by the Service itself): Go tries the requests in order (ClusterIPs,
    /// nodePorts in port order, the health-check port) against every Service stored before it
    /// and returns the first failure, which may be a clash with another Service at an earlier
    /// step. The simulator tries it again among the others (`cluster::sim`).
    pub allocation_retry: bool,
    pub object_ref: ObjectRef,
}

impl Object {
    pub fn new(file: FileId, doc: usize, item: Option<usize>, node: Node, default_namespace: &str) -> Self {
        let s = |n: Option<&Node>| n.and_then(Node::text).map(str::to_owned);
        let api_version = s(node.get("apiVersion")).unwrap_or_default();
        let kind = s(node.get("kind")).unwrap_or_default();
        let meta = node.get("metadata");
        let name = s(meta.and_then(|m| m.get("name")));
        let namespace = s(meta.and_then(|m| m.get("namespace"))).filter(|n| !n.is_empty());
        let object_ref = ObjectRef {
            api_version: api_version.clone(),
            kind: kind.clone(),
            namespace: if is_cluster_scoped(&kind) {
                None
            } else {
                Some(namespace.clone().unwrap_or_else(|| default_namespace.to_string()))
            },
            name: name.clone(),
        };
        Object {
            file,
            doc,
            item,
            api_version,
            kind,
            name,
            namespace: namespace.unwrap_or_else(|| default_namespace.to_string()),
            stored: node.clone(),
            raw: node,
            acceptance: Acceptance::Accepted,
            pods_refused: false,
            allocation_retry: false,
            object_ref,
        }
    }

    /// The span of the whole object.
    pub fn span(&self) -> Span {
        self.raw.span
    }

    /// Where to point for the object as a whole: `metadata.name`'s value, else `kind`, else the
    /// start of the object.
    pub fn head_span(&self) -> Span {
        self.raw
            .path(&["metadata", "name"])
            .or_else(|| self.raw.get("kind"))
            .map_or(Span::new(self.raw.span.start, self.raw.span.start), |n| n.span)
    }

    /// `group/version` split.
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// `kind/name` as kubectl writes it (`service/web`).
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind.to_ascii_lowercase(), self.name.as_deref().unwrap_or("<unnamed>"))
    }

    pub fn is_accepted(&self) -> bool {
        self.acceptance == Acceptance::Accepted
    }

    pub fn is_namespaced(&self) -> bool {
        !is_cluster_scoped(&self.kind)
    }
}

/// Kinds without a namespace.
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "IngressClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "PersistentVolume"
            | "StorageClass"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "RuntimeClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "APIService"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
    )
}

/// The kinds kplay models: `(apiVersion, kind)`.
pub const MODELLED: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "Namespace"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "ReplicationController"),
];

pub fn is_modelled(api_version: &str, kind: &str) -> bool {
    MODELLED.iter().any(|&(a, k)| a == api_version && k == kind)
}
