//! Rules of the `cluster` group: what only shows when the objects meet in a cluster (Services
//! and the pods they select, Ingress backends, allocations, workloads sharing pods). Each rule is
//! one file; list it once in `RULES`. The checks run on the simulated [`Cluster`] after every
//! controller settled, called from [`check_all`].

mod cluster_ip_conflict;
mod config_key_not_found;
mod config_object_not_found;
mod ingress_backend_port_not_found;
mod ingress_backend_service_not_found;
mod ingress_class_not_found;
mod namespace_not_found;
mod node_port_conflict;
mod pod_unschedulable;
mod replicas_over_simulation_limit;
mod selector_matches_no_pods;
mod selectorless_service_has_no_endpoints;
mod service_selects_unrelated_workloads;
mod statefulset_service_not_found;
mod statefulset_service_not_headless;
mod target_port_not_declared;
mod target_port_not_found;
mod topology_hints_disabled;
mod workload_selectors_overlap;

pub use cluster_ip_conflict::CLUSTER_IP_CONFLICT;
pub use config_key_not_found::CONFIG_KEY_NOT_FOUND;
pub use config_object_not_found::CONFIG_OBJECT_NOT_FOUND;
pub use ingress_backend_port_not_found::INGRESS_BACKEND_PORT_NOT_FOUND;
pub use ingress_backend_service_not_found::INGRESS_BACKEND_SERVICE_NOT_FOUND;
pub use ingress_class_not_found::INGRESS_CLASS_NOT_FOUND;
pub use namespace_not_found::NAMESPACE_NOT_FOUND;
pub use node_port_conflict::NODE_PORT_CONFLICT;
pub use pod_unschedulable::POD_UNSCHEDULABLE;
pub use replicas_over_simulation_limit::REPLICAS_OVER_SIMULATION_LIMIT;
pub use selector_matches_no_pods::SELECTOR_MATCHES_NO_PODS;
pub use selectorless_service_has_no_endpoints::SELECTORLESS_SERVICE_HAS_NO_ENDPOINTS;
pub use service_selects_unrelated_workloads::SERVICE_SELECTS_UNRELATED_WORKLOADS;
pub use statefulset_service_not_found::STATEFULSET_SERVICE_NOT_FOUND;
pub use statefulset_service_not_headless::STATEFULSET_SERVICE_NOT_HEADLESS;
pub use target_port_not_declared::TARGET_PORT_NOT_DECLARED;
pub use target_port_not_found::TARGET_PORT_NOT_FOUND;
pub use topology_hints_disabled::TOPOLOGY_HINTS_DISABLED;
pub use workload_selectors_overlap::WORKLOAD_SELECTORS_OVERLAP;

use std::collections::{BTreeMap, HashMap};

use super::Rule;
use crate::cluster::config_refs::ConfigObjects;
use crate::cluster::state::{Cluster, Service};
use crate::diagnostic::Diagnostic;
use crate::model::typed::{Labels, Origin, PodSpec};
use crate::model::Object;
use crate::source::Span;

pub static RULES: &[&Rule] = &[
    &SELECTORLESS_SERVICE_HAS_NO_ENDPOINTS,
    &SELECTOR_MATCHES_NO_PODS,
    &TARGET_PORT_NOT_FOUND,
    &TARGET_PORT_NOT_DECLARED,
    &TOPOLOGY_HINTS_DISABLED,
    &SERVICE_SELECTS_UNRELATED_WORKLOADS,
    &WORKLOAD_SELECTORS_OVERLAP,
    &STATEFULSET_SERVICE_NOT_FOUND,
    &STATEFULSET_SERVICE_NOT_HEADLESS,
    &INGRESS_BACKEND_SERVICE_NOT_FOUND,
    &INGRESS_BACKEND_PORT_NOT_FOUND,
    &INGRESS_CLASS_NOT_FOUND,
    &CLUSTER_IP_CONFLICT,
    &NODE_PORT_CONFLICT,
    &POD_UNSCHEDULABLE,
    &CONFIG_KEY_NOT_FOUND,
    &CONFIG_OBJECT_NOT_FOUND,
    &NAMESPACE_NOT_FOUND,
    &REPLICAS_OVER_SIMULATION_LIMIT,
];

/// A diagnostic of `rule` about the object at `origin` (attaching its reference).
pub(crate) fn diag(rule: &'static Rule, objects: &[Object], origin: &Origin, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(rule.name, rule.severity, origin.file, span, message)
        .with_object(objects.get(origin.object).map(|o| o.object_ref.clone()))
}

/// What the cluster checks see.
pub(crate) struct Cx<'a> {
    pub cluster: &'a Cluster,
    pub objects: &'a [Object],
    /// Pods and workload templates the API server refused: not in the cluster, but what the
    /// user meant, so hints can still point at them.
    pub refused: Vec<Refused>,
    /// Services by (namespace, name), and the Services of each namespace: lookups stay O(1)
    /// with tens of thousands of objects.
    services: HashMap<(&'a str, &'a str), usize>,
    services_by_ns: HashMap<&'a str, Vec<usize>>,
    /// The ConfigMaps, Secrets and claims the input creates, for the rules on pods' references.
    pub config: ConfigObjects<'a>,
}

/// A refused Pod or workload, read from its manifest.
pub(crate) struct Refused {
    pub labels: Labels,
    pub label_spans: BTreeMap<String, Span>,
    pub labels_span: Option<Span>,
    pub origin: Origin,
    pub display: String,
    pub namespace: String,
}

fn refused(objects: &[Object]) -> Vec<Refused> {
    use crate::model::{typed, Acceptance};
    let mut v = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        // Refused at decoding too (an unknown field, a wrong type): the labels read as written.
        if !matches!(o.acceptance, Acceptance::Decode | Acceptance::Admission | Acceptance::Validation) || o.name.is_none() {
            continue;
        }
        let display = format!("{}/{}", o.kind.to_ascii_lowercase(), o.name.as_deref().unwrap_or_default());
        match o.kind.as_str() {
            "Pod" => {
                let p = typed::pod(i, o);
                v.push(Refused {
                    labels: p.template.labels,
                    label_spans: p.template.label_spans,
                    labels_span: p.template.labels_span,
                    origin: p.origin,
                    display,
                    namespace: p.meta.namespace,
                });
            }
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicationController" => {
                let w = typed::workload(i, o);
                v.push(Refused {
                    labels: w.template.labels,
                    label_spans: w.template.label_spans,
                    labels_span: w.template.labels_span,
                    origin: w.origin,
                    display,
                    namespace: w.meta.namespace,
                });
            }
            _ => {}
        }
    }
    v
}

/// A pod template a Service could select: a workload's template or a bare Pod.
pub(crate) struct Candidate<'a> {
    pub labels: &'a Labels,
    pub label_spans: &'a BTreeMap<String, Span>,
    pub labels_span: Option<Span>,
    pub origin: Origin,
    /// `deployment/web`, `pod/my-pod`.
    pub display: String,
    pub namespace: &'a str,
    /// Refused by the API server: not running, shown for hints only.
    pub refused: bool,
    /// Stored, but the pods its controller creates are refused (a StatefulSet whose template
    /// fails the Pod checks, `statefulset-pod-invalid`, or pods an admission plugin refuses,
    /// `rules::pod::admission`): runs no pods, shown for hints only.
    pub pods_refused: bool,
    /// A Deployment created paused that asks for pods: its controller creates no ReplicaSet,
    /// so it runs none. Where its `paused: true` is.
    pub paused: Option<Span>,
}

impl Candidate<'_> {
    /// Runs no pods because the API server refuses the object or its controller's pods, or
    /// because it is a paused Deployment.
    pub fn runs_no_pods(&self) -> bool {
        self.refused || self.pods_refused || self.paused.is_some()
    }

    /// Why a matching candidate runs no pods, for a secondary label: "" when it runs them.
    pub fn refusal(&self) -> &'static str {
        if self.refused {
            "the API server refuses it as written"
        } else if self.paused.is_some() {
            "it is paused: `spec.paused: true` keeps the Deployment controller from creating its ReplicaSet, so it runs no pods until it is resumed"
        } else if self.pods_refused {
            "the API server refuses the pods its controller creates from its template (FailedCreate)"
        } else {
            ""
        }
    }
}

impl<'a> Cx<'a> {
    pub fn new(cluster: &'a Cluster, objects: &'a [Object]) -> Self {
        let mut services = HashMap::new();
        let mut services_by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in cluster.services.iter().enumerate() {
            services.insert((s.namespace.as_str(), s.name.as_str()), i);
            services_by_ns.entry(s.namespace.as_str()).or_default().push(i);
        }
        Cx { cluster, objects, refused: refused(objects), services, services_by_ns, config: ConfigObjects::new(objects) }
    }

    /// The Service `namespace/name`.
    pub fn service(&self, namespace: &str, name: &str) -> Option<&'a Service> {
        self.services.get(&(namespace, name)).map(|&i| &self.cluster.services[i])
    }

    /// The user's Services of a namespace.
    pub fn user_services_in(&self, namespace: &str) -> impl Iterator<Item = &'a Service> + '_ {
        self.services_by_ns.get(namespace).into_iter().flatten().map(|&i| &self.cluster.services[i]).filter(|s| !s.builtin)
    }

    pub fn diag(&self, rule: &'static Rule, origin: &Origin, span: Span, message: impl Into<String>) -> Diagnostic {
        diag(rule, self.objects, origin, span, message)
    }

    /// Pod templates of the user's workloads and the user's bare Pods.
    pub fn candidates(&self) -> Vec<Candidate<'_>> {
        let mut v = Vec::new();
        for w in &self.cluster.workloads {
            if w.origin.is_builtin() || w.owner.is_some() {
                continue;
            }
            // Scaled to zero, it creates no pods to refuse, nor would it resumed.
            let paused = w.view.as_ref().and_then(|v| v.paused).filter(|_| w.paused && w.desired > 0);
            v.push(Candidate {
                labels: &w.template.labels,
                label_spans: &w.template.label_spans,
                labels_span: w.template.labels_span,
                origin: w.origin,
                display: format!("{}/{}", w.kind.to_ascii_lowercase(), w.name),
                namespace: &w.namespace,
                refused: false,
                // Paused, it creates none to refuse.
                pods_refused: w.desired > 0 && !w.paused && self.objects.get(w.origin.object).is_some_and(|o| o.pods_refused),
                paused,
            });
        }
        for p in &self.cluster.pods {
            if p.workload.is_some() || p.origin.is_builtin() {
                continue;
            }
            let Some(obj) = self.objects.get(p.origin.object) else { continue };
            let labels_span = obj.raw.path(&["metadata", "labels"]).map(|n| n.span);
            v.push(Candidate {
                labels: &p.labels,
                label_spans: &EMPTY_SPANS,
                labels_span,
                origin: p.origin,
                display: format!("pod/{}", p.name),
                namespace: &p.namespace,
                refused: false,
                pods_refused: false,
                paused: None,
            });
        }
        for r in &self.refused {
            v.push(Candidate {
                labels: &r.labels,
                label_spans: &r.label_spans,
                labels_span: r.labels_span,
                origin: r.origin,
                display: r.display.clone(),
                namespace: &r.namespace,
                refused: true,
                pods_refused: false,
                paused: None,
            });
        }
        v
    }

    /// Where a candidate's label `key` is written (bare pods: looked up in the manifest).
    pub fn label_span(&self, c: &Candidate<'_>, key: &str) -> Option<Span> {
        c.label_spans.get(key).copied().or_else(|| {
            let obj = self.objects.get(c.origin.object)?;
            obj.raw.path(&["metadata", "labels", key]).map(|n| n.span)
        })
    }
}

static EMPTY_SPANS: BTreeMap<String, Span> = BTreeMap::new();

/// A pod spec the user wrote: a workload's template (reported once, not once per pod) or a
/// bare Pod.
pub(crate) struct PodSource<'a> {
    pub spec: &'a PodSpec,
    pub namespace: &'a str,
    pub labels: &'a Labels,
    pub origin: Origin,
    /// `deployment/web`; the pod's name for a bare Pod.
    pub display: String,
    pub bare: bool,
}

impl PodSource<'_> {
    /// "pod `web`" or "the pods of deployment/web", as a sentence's subject.
    pub fn pods(&self) -> String {
        if self.bare {
            format!("pod `{}`", self.display)
        } else {
            format!("the pods of {}", self.display)
        }
    }

    /// The verb's `s` after [`pods`](Self::pods).
    pub fn verb_s(&self) -> &'static str {
        if self.bare {
            "s"
        } else {
            ""
        }
    }
}

impl Cx<'_> {
    /// The user's workload templates and bare Pods the cluster stored.
    pub fn pod_sources(&self) -> Vec<PodSource<'_>> {
        let mut v = Vec::new();
        for w in &self.cluster.workloads {
            if w.origin.is_builtin() || w.owner.is_some() {
                continue;
            }
            v.push(PodSource {
                spec: &w.template.spec,
                namespace: &w.namespace,
                labels: &w.template.labels,
                origin: w.origin,
                display: format!("{}/{}", w.kind.to_ascii_lowercase(), w.name),
                bare: false,
            });
        }
        for p in &self.cluster.pods {
            if p.workload.is_some() || p.origin.is_builtin() {
                continue;
            }
            v.push(PodSource {
                spec: &p.spec,
                namespace: &p.namespace,
                labels: &p.labels,
                origin: p.origin,
                display: p.name.clone(),
                bare: true,
            });
        }
        v
    }
}

/// Runs every cross-object check on the settled cluster.
pub(crate) fn check_all(cluster: &Cluster, objects: &[Object], out: &mut Vec<Diagnostic>) {
    let cx = Cx::new(cluster, objects);
    selectorless_service_has_no_endpoints::check(&cx, out);
    selector_matches_no_pods::check(&cx, out);
    target_port_not_found::check(&cx, out);
    target_port_not_declared::check(&cx, out);
    topology_hints_disabled::check(&cx, out);
    service_selects_unrelated_workloads::check(&cx, out);
    workload_selectors_overlap::check(&cx, out);
    statefulset_service_not_found::check(&cx, out);
    statefulset_service_not_headless::check(&cx, out);
    ingress_backend_service_not_found::check(&cx, out);
    ingress_backend_port_not_found::check(&cx, out);
    ingress_class_not_found::check(&cx, out);
    pod_unschedulable::check(&cx, out);
    config_key_not_found::check(&cx, out);
    config_object_not_found::check(&cx, out);
    namespace_not_found::check(&cx, out);
}

/// The user's Services (not the built-in ones).
pub(crate) fn user_services(c: &Cluster) -> impl Iterator<Item = &Service> {
    c.services.iter().filter(|s| !s.builtin)
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `names` to `name` when it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names.map(|n| (edit_distance(name, n), n)).filter(|(d, _)| *d > 0 && *d <= 2.max(name.len() / 4)).min().map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::source::SourceFile;

    /// The first ```yaml block after `heading`.
    fn block<'a>(docs: &'a str, heading: &str) -> &'a str {
        let at = docs.find(heading).expect("heading");
        let rest = &docs[at..];
        let start = rest.find("```yaml\n").expect("yaml block") + 8;
        let end = rest[start..].find("```").expect("closing fence");
        &rest[start..start + end]
    }

    #[test]
    fn examples_trigger_and_fixes_do_not() {
        for rule in super::RULES {
            let count = |text: &str| {
                let files = [SourceFile::new("example.yaml", text)];
                analyze(&files, &Options::default()).diagnostics.iter().filter(|d| d.rule == rule.name).count()
            };
            assert!(count(block(rule.docs, "## Example")) > 0, "the Example of {} does not trigger it", rule.name);
            assert_eq!(count(block(rule.docs, "## Use instead")), 0, "the fix of {} still triggers it", rule.name);
        }
    }
}
