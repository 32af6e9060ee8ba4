//! What the kubelet does with a pod's references to ConfigMaps and Secrets (kubernetes
//! pkg/kubelet): a volume whose object lacks an `items[].key` never mounts, so no container
//! starts (`ContainerCreating`); a container whose `env` reads a key the object lacks is never
//! created (`CreateContainerConfigError`). The pod stays Pending and not Ready.
//!
//! Only objects the manifests create are looked at: one the input does not create (a Secret
//! made outside git) is assumed to exist, with the keys the pod reads, so it changes nothing.
//! PersistentVolumeClaims have no keys: they only matter to `config-object-not-found`.

use std::collections::{BTreeSet, HashMap};

use crate::model::typed::{ConfigRef, RefUser};
use crate::model::{Acceptance, Object};

/// The ConfigMaps, Secrets and PersistentVolumeClaims the input creates, by kind, namespace
/// and name, and the claims its StatefulSets' controller creates.
pub(crate) struct ConfigObjects<'a> {
    by_name: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// `<template>-<statefulset>-<ordinal>` (namespace, claim) -> the StatefulSet's index.
    generated_claims: HashMap<(&'a str, String), usize>,
}

/// The kinds a pod can reference.
const KINDS: [&str; 3] = ["ConfigMap", "Secret", "PersistentVolumeClaim"];

impl<'a> ConfigObjects<'a> {
    pub fn new(objects: &'a [Object]) -> Self {
        let mut by_name = HashMap::new();
        let mut generated_claims = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            if o.kind == "StatefulSet" && matches!(o.acceptance, Acceptance::Accepted | Acceptance::Unknown) {
                for claim in statefulset_claims(o) {
                    generated_claims.entry((o.namespace.as_str(), claim)).or_insert(i);
                }
                continue;
            }
            if o.api_version != "v1"
                || !KINDS.contains(&o.kind.as_str())
                || !matches!(o.acceptance, Acceptance::Accepted | Acceptance::Unknown)
            {
                continue;
            }
            if let Some(name) = o.name.as_deref() {
                // The first of two with one name is the one created (the second is refused).
                by_name.entry((o.kind.as_str(), o.namespace.as_str(), name)).or_insert(i);
            }
        }
        ConfigObjects { by_name, generated_claims }
    }

    /// The index in the objects of `kind` `namespace/name`, when the input creates it; for a
    /// claim a StatefulSet's controller creates, the StatefulSet's.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<usize> {
        self.by_name.get(&(kind, namespace, name)).copied().or_else(|| {
            (kind == "PersistentVolumeClaim").then(|| self.generated_claims.get(&(namespace, name.to_string())).copied()).flatten()
        })
    }
}

/// The claims the StatefulSet controller creates for a StatefulSet's pods: one per
/// `volumeClaimTemplates` entry and ordinal, named `<template>-<statefulset>-<ordinal>`
/// (`getPersistentVolumeClaimName`), ordinals from `spec.ordinals.start` for `spec.replicas`
/// (default 1) pods. Bounded: at most 10,000 ordinals are named.
fn statefulset_claims(o: &Object) -> Vec<String> {
    let (Some(name), Some(templates)) =
        (o.name.as_deref(), o.stored.path(&["spec", "volumeClaimTemplates"]).and_then(crate::yaml::Node::as_seq))
    else {
        return Vec::new();
    };
    let replicas = o.stored.path(&["spec", "replicas"]).and_then(crate::yaml::Node::as_i64).unwrap_or(1).clamp(0, 10_000);
    let start = o.stored.path(&["spec", "ordinals", "start"]).and_then(crate::yaml::Node::as_i64).unwrap_or(0).max(0);
    let mut out = Vec::new();
    for t in templates {
        let Some(template) = t.path(&["metadata", "name"]).and_then(crate::yaml::Node::as_str) else { continue };
        out.extend((start..start + replicas).map(|i| format!("{template}-{name}-{i}")));
    }
    out
}

/// The keys of a ConfigMap (`data` and `binaryData`) or a Secret (`data` and `stringData`,
/// which the API server merges into `data`), in key order.
pub(crate) fn keys(o: &Object) -> BTreeSet<&str> {
    let fields: &[&str] = if o.kind == "Secret" { &["data", "stringData"] } else { &["data", "binaryData"] };
    fields.iter().filter_map(|f| o.stored.get(f).and_then(crate::yaml::Node::as_map)).flatten().filter_map(|e| e.key.text()).collect()
}

/// Why the kubelet does not run a pod's containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// A volume does not mount (`FailedMount`): no container is created, the pod gets no
    /// sandbox (so no IP), and its containers wait `ContainerCreating` (`PodInitializing`
    /// when it has init containers).
    Volume { volume: String, message: String },
    /// An init container (or sidecar) is not created (`CreateContainerConfigError`): the init
    /// containers after it and the containers wait `PodInitializing`.
    Init { container: String, message: String },
    /// These containers are not created (`CreateContainerConfigError`), each with its
    /// message; the others run.
    Containers(Vec<(String, String)>),
}

impl Held {
    /// The waiting reason of the held container(s).
    pub fn reason(&self) -> &'static str {
        match self {
            Held::Volume { .. } => "ContainerCreating",
            Held::Init { .. } | Held::Containers(_) => "CreateContainerConfigError",
        }
    }
}

/// The kubelet's error for a reference whose object exists but lacks the key: the env
/// message of `makeEnvironmentVariables`, or the volume plugins' `MakePayload` message.
pub(crate) fn missing_key_message(r: &ConfigRef, namespace: &str, key: &str) -> String {
    match (&r.user, r.kind) {
        (RefUser::Env { .. }, kind) => format!("couldn't find key {key} in {kind} {namespace}/{}", r.name),
        (RefUser::Volume { .. }, "Secret") => format!("references non-existent secret key: {key}"),
        (RefUser::Volume { .. }, _) => format!("configmap references non-existent config key: {key}"),
    }
}

/// The first reference of each kind the kubelet trips on, for a pod in `namespace`: see [`Held`].
/// None when every referenced key the input's objects could lack is there.
pub(crate) fn held(namespace: &str, refs: &[ConfigRef], objects: &[Object], index: &ConfigObjects<'_>) -> Option<Held> {
    let mut containers: Vec<(String, String)> = Vec::new();
    for r in refs {
        let Some((key, _)) = r.key.as_ref().filter(|_| !r.optional && r.kind != "PersistentVolumeClaim") else { continue };
        let Some(o) = index.find(r.kind, namespace, &r.name).and_then(|i| objects.get(i)) else { continue };
        if keys(o).contains(key.as_str()) {
            continue;
        }
        let message = missing_key_message(r, namespace, key);
        match &r.user {
            RefUser::Volume { name } => return Some(Held::Volume { volume: name.clone(), message }),
            RefUser::Env { container, init: true } => {
                // Volumes come first in `refs`: none failed. Init containers run in order.
                return Some(Held::Init { container: container.clone(), message });
            }
            RefUser::Env { container, init: false } => {
                // `makeEnvironmentVariables` stops at a container's first error.
                if !containers.iter().any(|(c, _)| c == container) {
                    containers.push((container.clone(), message));
                }
            }
        }
    }
    (!containers.is_empty()).then_some(Held::Containers(containers))
}
