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
    /// The claims StatefulSets get from their controller, one family per
    /// `volumeClaimTemplates` entry.
    claim_families: Vec<ClaimFamily<'a>>,
}

/// The claims the StatefulSet controller creates for one `volumeClaimTemplates` entry:
/// `<template>-<statefulset>-<ordinal>` (`getPersistentVolumeClaimName`), one per pod, ordinals
/// from `spec.ordinals.start` for `spec.replicas` (default 1) pods.
struct ClaimFamily<'a> {
    namespace: &'a str,
    template: &'a str,
    statefulset: &'a str,
    ordinals: std::ops::Range<i64>,
    /// The StatefulSet's index in the objects.
    object: usize,
}

impl ClaimFamily<'_> {
    /// Whether `name` is one of the family's claims, read back from the name rather than
    /// listing them (a StatefulSet may ask for many replicas).
    fn contains(&self, namespace: &str, name: &str) -> bool {
        let ordinal = (namespace == self.namespace)
            .then(|| name.strip_prefix(self.template)?.strip_prefix('-')?.strip_prefix(self.statefulset)?.strip_prefix('-'))
            .flatten();
        // `strconv.Itoa` writes no sign and no leading zero.
        ordinal.and_then(|o| o.parse::<i64>().ok().filter(|n| n.to_string() == o)).is_some_and(|n| self.ordinals.contains(&n))
    }
}

/// The kinds a pod can reference.
const KINDS: [&str; 3] = ["ConfigMap", "Secret", "PersistentVolumeClaim"];

impl<'a> ConfigObjects<'a> {
    pub fn new(objects: &'a [Object]) -> Self {
        let mut by_name = HashMap::new();
        let mut claim_families = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            if o.kind == "StatefulSet" && matches!(o.acceptance, Acceptance::Accepted | Acceptance::Unknown) {
                claim_families.extend(claim_families_of(i, o));
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
        ConfigObjects { by_name, claim_families }
    }

    /// The index in the objects of `kind` `namespace/name`, when the input creates it; for a
    /// claim a StatefulSet's controller creates, the StatefulSet's.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<usize> {
        self.by_name.get(&(kind, namespace, name)).copied().or_else(|| {
            let mut generated = self.claim_families.iter().filter(|_| kind == "PersistentVolumeClaim");
            generated.find(|f| f.contains(namespace, name)).map(|f| f.object)
        })
    }
}

/// The claim families of StatefulSet `o` (index `i`), one per named `volumeClaimTemplates` entry.
fn claim_families_of(i: usize, o: &Object) -> Vec<ClaimFamily<'_>> {
    let (Some(statefulset), Some(templates)) =
        (o.name.as_deref(), o.stored.path(&["spec", "volumeClaimTemplates"]).and_then(crate::yaml::Node::as_seq))
    else {
        return Vec::new();
    };
    let replicas = o.stored.path(&["spec", "replicas"]).and_then(crate::yaml::Node::as_i64).unwrap_or(1).max(0);
    let start = o.stored.path(&["spec", "ordinals", "start"]).and_then(crate::yaml::Node::as_i64).unwrap_or(0).max(0);
    templates
        .iter()
        .filter_map(|t| t.path(&["metadata", "name"]).and_then(crate::yaml::Node::as_str))
        .map(|template| ClaimFamily {
            namespace: o.namespace.as_str(),
            template,
            statefulset,
            ordinals: start..start.saturating_add(replicas),
            object: i,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::ClaimFamily;

    /// The controller's names, `<template>-<statefulset>-<ordinal>`, read back: only the family's
    /// namespace, its ordinals, and the ordinal as `strconv.Itoa` writes it.
    #[test]
    fn claim_families_read_their_names_back() {
        let f = ClaimFamily { namespace: "default", template: "data", statefulset: "db", ordinals: 3..5, object: 7 };
        assert!(f.contains("default", "data-db-3"));
        assert!(f.contains("default", "data-db-4"));
        for name in ["data-db-2", "data-db-5", "data-db-03", "data-db-+3", "data-db-", "data-db3", "logs-db-3", "data-web-3"] {
            assert!(!f.contains("default", name), "{name}");
        }
        assert!(!f.contains("other", "data-db-3"));
        // A template and a StatefulSet whose names contain dashes.
        let g = ClaimFamily { namespace: "n", template: "data-x", statefulset: "my-db", ordinals: 0..1, object: 0 };
        assert!(g.contains("n", "data-x-my-db-0"));
        assert!(!g.contains("n", "data-x-my-db-1"));
    }
}
