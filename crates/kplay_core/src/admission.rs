//! What the API server's default admission plugins look up when a Pod is created: its
//! ServiceAccount (plugin `ServiceAccount`), its PriorityClass (`Priority`) and its
//! RuntimeClass (`RuntimeClass`). A request naming one that does not exist is refused with
//! HTTP 403 before validation (validation-rules.md §0.2 step 5). The rules that report it are in
//! `rules::pod::admission`; the Pod's defaults (`cluster::defaults`) take the priority from here.
//!
//! [`Lookups`] holds what a fresh cluster has plus what the input creates. A fresh cluster, as
//! kubeadm sets one up: the ServiceAccount `default` in every namespace (the ServiceAccount
//! controller creates it with the namespace), the accounts of CoreDNS, kube-proxy and the
//! controller manager's controllers in `kube-system`, the two system PriorityClasses, and no
//! RuntimeClass. The order of the input does not matter: an account written after the Pod that
//! uses it counts, as it does when the manifests are applied a second time.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::Object;
use crate::yaml::Node;

/// The accounts in `kube-system` of a fresh kubeadm cluster (`kubectl get sa -n kube-system`;
/// the controllers' own accounts come from kube-controller-manager's
/// `--use-service-account-credentials`, which kubeadm sets).
const KUBE_SYSTEM_ACCOUNTS: &[&str] = &[
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "coredns",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "kube-proxy",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "service-account-controller",
    "service-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
];

/// The PriorityClasses every cluster has (`scheduling.SystemPriorityClasses`), with their values.
pub const SYSTEM_PRIORITY_CLASSES: &[(&str, i64)] = &[("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];

/// The preemption policy a PriorityClass without one gets (`SetDefaults_PriorityClass`), and a
/// Pod without a class when no class is the global default.
pub const PREEMPT_LOWER_PRIORITY: &str = "PreemptLowerPriority";

/// A PriorityClass of the input.
#[derive(Debug, Clone)]
struct PriorityClass {
    name: String,
    value: i64,
    preemption_policy: String,
    global_default: bool,
}

/// What a Pod's class resolves to: the class name the Pod ends up with ("" for none), its
/// priority and its preemption policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority<'a> {
    pub class: &'a str,
    pub value: i64,
    pub preemption_policy: &'a str,
}

/// What the RuntimeClass plugin takes from a RuntimeClass (`node.k8s.io/v1`): `overhead.podFixed`
/// (`Some` when the class has an `overhead`, the map empty when it has no `podFixed`) and
/// `scheduling` (its `nodeSelector`, and its `tolerations` as written).
#[derive(Debug, Clone, Default)]
pub struct RuntimeClass {
    pub overhead: Option<BTreeMap<String, Node>>,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Node>,
    /// The class has `scheduling`: the plugin then merges the tolerations even when the class
    /// adds none, which drops a Pod's tolerations that another of its own covers.
    pub scheduling: bool,
}

impl RuntimeClass {
    fn new(raw: &Node) -> Self {
        // Inserted one by one: `collect()` into a map sorts first, another copy of the sort.
        let mut rc = RuntimeClass::default();
        if let Some(o) = raw.get("overhead").filter(|o| !o.is_null()) {
            let mut fixed = BTreeMap::new();
            for e in o.get("podFixed").and_then(Node::as_map).unwrap_or(&[]) {
                if let Some(k) = e.key.text() {
                    fixed.insert(k.to_string(), e.value.clone());
                }
            }
            rc.overhead = Some(fixed);
        }
        let scheduling = raw.get("scheduling").filter(|s| !s.is_null());
        rc.scheduling = scheduling.is_some();
        for e in scheduling.and_then(|s| s.get("nodeSelector")).and_then(Node::as_map).unwrap_or(&[]) {
            if let (Some(k), Some(v)) = (e.key.text(), e.value.text()) {
                rc.node_selector.insert(k.to_string(), v.to_string());
            }
        }
        rc.tolerations = scheduling.and_then(|s| s.get("tolerations")).and_then(Node::as_seq).unwrap_or(&[]).to_vec();
        rc
    }
}

/// ServiceAccounts, PriorityClasses and RuntimeClasses: a fresh cluster's and the input's.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    service_accounts: HashSet<(String, String)>,
    priority_classes: Vec<PriorityClass>,
    runtime_classes: HashMap<String, RuntimeClass>,
}

impl Lookups {
    /// The lookups for `objects` (the whole input). Only the served versions count:
    /// `v1` ServiceAccount, `scheduling.k8s.io/v1` PriorityClass, `node.k8s.io/v1` RuntimeClass.
    pub fn new(objects: &[Object]) -> Self {
        let mut l = Lookups::default();
        for o in objects {
            // A name the server refuses (all three kinds' names are DNS subdomains) creates nothing.
            let Some(name) = o.name.clone().filter(|n| !n.is_empty() && crate::rules::formats::dns1123_subdomain_msgs(n).is_empty()) else {
                continue;
            };
            match (o.api_version.as_str(), o.kind.as_str()) {
                ("v1", "ServiceAccount") => {
                    l.service_accounts.insert((o.namespace.clone(), name));
                }
                ("scheduling.k8s.io/v1", "PriorityClass") => {
                    let get = |k: &str| o.raw.get(k);
                    l.priority_classes.push(PriorityClass {
                        name,
                        value: get("value").and_then(Node::as_i64).unwrap_or(0),
                        preemption_policy: get("preemptionPolicy")
                            .and_then(Node::as_str)
                            .filter(|p| !p.is_empty())
                            .unwrap_or(PREEMPT_LOWER_PRIORITY)
                            .to_string(),
                        global_default: get("globalDefault").and_then(Node::as_bool) == Some(true),
                    });
                }
                ("node.k8s.io/v1", "RuntimeClass") => {
                    l.runtime_classes.insert(name, RuntimeClass::new(&o.raw));
                }
                _ => {}
            }
        }
        l
    }

    /// Whether the ServiceAccount `namespace/name` exists.
    pub fn has_service_account(&self, namespace: &str, name: &str) -> bool {
        name == "default"
            || (namespace == "kube-system" && KUBE_SYSTEM_ACCOUNTS.contains(&name))
            || self.service_accounts.contains(&(namespace.to_string(), name.to_string()))
    }

    /// Whether the RuntimeClass `name` exists.
    pub fn has_runtime_class(&self, name: &str) -> bool {
        self.runtime_classes.contains_key(name)
    }

    /// The RuntimeClass `name`, when it exists.
    pub fn runtime_class(&self, name: &str) -> Option<&RuntimeClass> {
        self.runtime_classes.get(name)
    }

    /// What the Priority plugin computes for a Pod whose `priorityClassName` is `class` (""
    /// when unset): `None` when no such class exists (the plugin refuses the Pod). Without a
    /// class the global default class applies (the lowest value if several claim it, as the
    /// plugin picks), else priority 0 and `PreemptLowerPriority`.
    pub fn priority<'a>(&'a self, class: &'a str) -> Option<Priority<'a>> {
        if class.is_empty() {
            let default = self.priority_classes.iter().filter(|c| c.global_default).min_by_key(|c| c.value);
            return Some(match default {
                Some(c) => Priority { class: &c.name, value: c.value, preemption_policy: &c.preemption_policy },
                None => Priority { class: "", value: 0, preemption_policy: PREEMPT_LOWER_PRIORITY },
            });
        }
        if let Some(&(_, value)) = SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _)| *n == class) {
            return Some(Priority { class, value, preemption_policy: PREEMPT_LOWER_PRIORITY });
        }
        self.priority_classes.iter().find(|c| c.name == class).map(|c| Priority {
            class,
            value: c.value,
            preemption_policy: &c.preemption_policy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups(yaml: &str) -> Lookups {
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &crate::Options::default());
        Lookups::new(&a.objects)
    }

    #[test]
    fn a_fresh_cluster_has_default_accounts_and_system_classes_only() {
        let l = Lookups::default();
        assert!(l.has_service_account("shop", "default"));
        assert!(l.has_service_account("kube-system", "coredns"));
        assert!(!l.has_service_account("default", "coredns"));
        assert!(!l.has_service_account("default", "builder"));
        assert!(!l.has_runtime_class("gvisor"));
        assert_eq!(l.priority("system-node-critical").map(|p| p.value), Some(2_000_001_000));
        assert_eq!(l.priority("high"), None);
        assert_eq!(l.priority(""), Some(Priority { class: "", value: 0, preemption_policy: PREEMPT_LOWER_PRIORITY }));
    }

    #[test]
    fn the_input_adds_accounts_and_classes_of_served_versions() {
        let l = lookups(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: ci\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\npreemptionPolicy: Never\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: low\nvalue: -5\nglobalDefault: true\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: lower\nvalue: -10\nglobalDefault: true\n---\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: gvisor\nhandler: runsc\n---\napiVersion: node.k8s.io/v1beta1\nkind: RuntimeClass\nmetadata:\n  name: kata\nhandler: kata\n",
        );
        assert!(l.has_service_account("ci", "builder"));
        assert!(!l.has_service_account("default", "builder"));
        assert_eq!(l.priority("high"), Some(Priority { class: "high", value: 1000, preemption_policy: "Never" }));
        assert_eq!(l.priority(""), Some(Priority { class: "lower", value: -10, preemption_policy: PREEMPT_LOWER_PRIORITY }));
        assert!(l.has_runtime_class("gvisor"));
        assert!(!l.has_runtime_class("kata"), "node.k8s.io/v1beta1 is no longer served");
        let l = lookups("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: Builder\n");
        assert!(!l.has_service_account("default", "Builder"), "the server refuses that name");
    }
}
