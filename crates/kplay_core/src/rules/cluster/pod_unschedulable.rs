//! `pod-unschedulable`: pods the simulated scheduler could place on no node.

use std::collections::BTreeMap;

use super::Cx;
use crate::cluster::sim::{
    MISSING_NODE, NOT_AFFINITY, NO_CLAIMS, NO_FREE_PORTS, NO_SPREAD_LABEL, SPREAD_SKEW, TOO_MANY_PODS, UNREACHABLE_TAINT, UNTOLERATED_TAINT,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static POD_UNSCHEDULABLE: Rule = Rule {
    name: "pod-unschedulable",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "Pods stay Pending: no node of the simulated cluster satisfies their nodeName, nodeSelector, node affinity or topology spread constraints (or has room).",
    docs: rule_docs!(
        r#"## What it does
Runs a small scheduler over the simulated nodes (3 by default, labelled as the kubelet labels
them with `kubernetes.io/hostname`, `kubernetes.io/os: linux`, `kubernetes.io/arch: amd64`, the
legacy `beta.kubernetes.io/os` and `beta.kubernetes.io/arch`, and with
`topology.kubernetes.io/zone` and `topology.kubernetes.io/region`, plus what the `[cluster]`
settings add) honouring `nodeName`, `nodeSelector`, required node affinity, the per-node pod
limit, host ports (a `hostPort`, or on the host's network every container port, may be used by
one pod per node), the taints of the nodes described with `taints` (a pod needs a toleration
for each `NoSchedule` and `NoExecute` one), and the `topologySpreadConstraints` with
`whenUnsatisfiable: DoNotSchedule`: a node without the constraint's `topologyKey` label is
refused, and so is one where the pod would make its domain's matching pods exceed the least
populated domain's by more than `maxSkew` (counting the pods placed before it, in the order of
the objects, with `labelSelector`, `matchLabelKeys`, `minDomains`, `nodeAffinityPolicy` and
`nodeTaintsPolicy` as the scheduler reads them). One diagnostic per workload (or bare Pod) whose
pods could not be placed.

The message quotes the scheduler's, as `kubectl describe pod` shows it: `0/3 nodes are
available: 3 Too many pods. no new claims to deallocate, preemption: 0/3 nodes are available: 3
No preemption victims found for incoming pod.` From 1.34 the DynamicResources plugin's word on
a pod without resource claims ("no new claims to deallocate") comes first. The part after
`preemption:` is what DefaultPreemption found: "Preemption is
not helpful for scheduling" for nodes that refuse the pod whatever runs there (taints, node
affinity, a missing topology label), "No preemption victims found for incoming pod" for nodes
without pods of lower priority, or `not eligible due to preemptionPolicy=Never.` When evicting
pods of lower priority would make room, the message has no `preemption:` part: the scheduler
would preempt them, which kplay does not simulate (the pod stays Pending here).

## Why is this bad?
A Pending pod has no IP and is no endpoint of any Service. Node labels differ between clusters:
a `nodeSelector` copied from another cluster often matches nothing.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: gpu-job
spec:
  nodeSelector:
    accelerator: nvidia-a100
  containers:
    - name: main
      image: busybox:1.36
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: gpu-job
spec:
  nodeSelector:
    kubernetes.io/os: linux
  containers:
    - name: main
      image: busybox:1.36
```

## References
- Assigning pods to nodes: <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    // Group by origin: one diagnostic per workload template or bare Pod.
    // Per origin: pods, stuck pods, the (last) stuck pod's reason and refusing spread
    // constraint, and the first pod.
    let mut by_origin: BTreeMap<usize, (usize, usize, &str, Option<usize>, usize)> = BTreeMap::new();
    for (i, p) in cx.cluster.pods.iter().enumerate() {
        if p.origin.is_builtin() {
            continue;
        }
        let total = by_origin.entry(p.origin.object).or_insert((0, 0, "", None, i));
        total.0 += 1;
        if let Some(r) = &p.unschedulable {
            total.1 += 1;
            total.2 = r;
            total.3 = p.spread_refusal;
        }
    }
    for (obj, (total, stuck, reason, spread_refusal, first)) in by_origin {
        if stuck == 0 {
            continue;
        }
        let pod = &cx.cluster.pods[first];
        let owner = pod.workload.map_or(format!("pod/{}", pod.name), |w| {
            let w = &cx.cluster.workloads[w];
            format!("{}/{}", w.kind.to_ascii_lowercase(), w.name)
        });
        // A nodeName of no node: the pod is bound, never scheduled, and garbage-collected.
        let missing_node = reason.starts_with(MISSING_NODE);
        // The filters' reasons (the FitError before its `preemption:` part); a FitError without
        // that part: preemption found room (not simulated).
        let (filters, preempts) = match reason.split_once(" preemption: ") {
            // Without DynamicResources' part before DefaultPreemption's (1.34 and later).
            Some((f, _)) => (f.strip_suffix(&format!(" {NO_CLAIMS},")).unwrap_or(f), false),
            None => (reason, reason.starts_with("0/")),
        };
        // The scheduler's reasons, unless the node affinity (the generic help) is among them:
        // the topology spread constraints point at the refusing constraint, the host ports at
        // `hostNetwork` or the first `hostPort`.
        let reason_all = reason;
        let reason = filters;
        let affinity = reason.contains(NOT_AFFINITY);
        // `SPREAD_SKEW` starts `NO_SPREAD_LABEL`: either spread reason. The skew is what to fix
        // even where node affinity refuses the other nodes (it only narrows the choice).
        let skew = reason.contains(SPREAD_SKEW) && !reason.contains(NO_SPREAD_LABEL);
        let spread_only = (reason.contains(SPREAD_SKEW) && !affinity) || skew;
        // The refusing constraint (the first that refused a node).
        let constraint = spread_refusal.and_then(|i| pod.spec.placement.spread.iter().find(|c| c.index == i));
        let ports_only = reason.contains(NO_FREE_PORTS) && !affinity;
        // A taint of the user's nodes (a down node's `unreachable` taint is the cluster's doing).
        let taints = reason.split(UNTOLERATED_TAINT).skip(1).any(|t| !t.starts_with(UNREACHABLE_TAINT));
        let full = reason.contains(TOO_MANY_PODS) && !affinity;
        let down = reason.contains(&format!("{UNTOLERATED_TAINT}{UNREACHABLE_TAINT}")) && !affinity;
        // Node affinity refusing a pod that selects no nodes itself: its RuntimeClass's
        // `scheduling.nodeSelector`, which the admission plugin added.
        let written =
            cx.objects.get(obj).and_then(|o| if o.kind == "Pod" { o.raw.get("spec") } else { o.raw.path(&["spec", "template", "spec"]) });
        let runtime_class = (affinity && written.is_some_and(|s| s.get("nodeSelector").is_none() && s.get("affinity").is_none()))
            .then(|| crate::admission::Lookups::new(cx.objects))
            .and_then(|l| l.runtime_class(&pod.spec.runtime_class_name).map(|rc| rc.node_selector.clone()))
            .filter(|sel| !sel.is_empty());
        let span = cx
            .objects
            .get(obj)
            .and_then(|o| {
                let spec = if o.kind == "Pod" { o.raw.get("spec") } else { o.raw.path(&["spec", "template", "spec"]) }?;
                let first = if missing_node {
                    spec.entry("nodeName")
                } else if runtime_class.is_some() {
                    spec.entry("runtimeClassName")
                } else if spread_only {
                    // The refusing constraint's `maxSkew` (skew) or `topologyKey` (missing label).
                    let item = spread_refusal.and_then(|i| spec.get("topologySpreadConstraints")?.as_seq()?.get(i));
                    item.and_then(|c| c.entry(if skew { "maxSkew" } else { "topologyKey" }))
                        .or_else(|| spec.entry("topologySpreadConstraints"))
                } else if taints {
                    spec.entry("tolerations")
                } else if ports_only {
                    spec.entry("hostNetwork").filter(|e| e.value.as_bool() == Some(true)).or_else(|| first_host_port(spec))
                } else {
                    None
                };
                first
                    .or_else(|| spec.entry("nodeSelector"))
                    .or_else(|| spec.entry("affinity"))
                    .or_else(|| spec.entry("nodeName"))
                    .map(|e| e.key.span)
            })
            .unwrap_or(pod.origin.head);
        let count = if total == 1 { "its pod".to_string() } else { format!("{stuck} of its {total} pods") };
        let mut skew_help;
        let runtime_help;
        let (message, help) = if missing_node {
            (
                format!("{owner}: {count} never {} ({reason_all})", if total == 1 { "runs" } else { "run" }),
                "remove `nodeName` and let the scheduler place the pod (a `nodeSelector` on `kubernetes.io/hostname` pins it), or name a node of the cluster (kplay's are described in the `[cluster]` settings of kplay.toml)",
            )
        } else {
            (
                format!("{owner}: {count} cannot be scheduled and stay Pending ({reason_all})"),
                if taints {
                    "add a toleration for the node's taint (`tolerations` with its key and effect) if the pods may run there, or describe untainted nodes in the `[cluster]` settings of kplay.toml"
                } else if ports_only {
                    "a node runs one pod per host port (`hostPort`, or every container port on the host's network): use at most one replica per node (or a DaemonSet), or drop `hostPort`/`hostNetwork` and reach the pods through a Service"
                } else if skew {
                    skew_help = format!(
                        "the topology spread constraint on `{}` (`maxSkew: {}`) refuses every node where one more pod would leave its domain more than `maxSkew` pods above the least populated one{}: raise `maxSkew`, use `whenUnsatisfiable: ScheduleAnyway`, or describe more nodes or zones (`node-count`, `zones` in the `[cluster]` settings of kplay.toml)",
                        constraint.map_or("topologyKey", |c| c.topology_key.as_str()),
                        constraint.map_or(1, |c| c.max_skew),
                        if constraint.is_some_and(|c| c.min_domains > 1) { " (counted from 0 while fewer domains than `minDomains` exist)" } else { "" },
                    );
                    if down {
                        skew_help.push_str("; down nodes count as domains unless the constraint says `nodeTaintsPolicy: Honor`");
                    }
                    if affinity && constraint.is_some_and(|c| !c.honor_node_affinity) {
                        skew_help.push_str(
                            "; with `nodeAffinityPolicy: Ignore` the domains the pod's node selector and affinity leave out count too",
                        );
                    }
                    &skew_help
                } else if full {
                    "the nodes are full (`max-pods-per-node`, 110 by default): add nodes (`node-count` in the `[cluster]` settings of kplay.toml) or ask for fewer replicas"
                } else if down {
                    "the nodes are down (NotReady, tainted `node.kubernetes.io/unreachable`): bring them back (`nodes-down` or a node's `ready` in the `[cluster]` settings of kplay.toml)"
                } else if let Some(sel) = &runtime_class {
                    runtime_help = format!(
                        "the RuntimeClass `{}` adds {} to the pods' node selector (its `scheduling.nodeSelector`): describe nodes with those labels in the `[cluster]` settings of kplay.toml, or use another RuntimeClass",
                        pod.spec.runtime_class_name,
                        sel.iter().map(|(k, v)| format!("`{k}: {v}`")).collect::<Vec<_>>().join(", ")
                    );
                    &runtime_help
                } else if spread_only {
                    "use a `topologyKey` every node has (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`), `whenUnsatisfiable: ScheduleAnyway`, or describe nodes with that label in the `[cluster]` settings of kplay.toml"
                } else {
                    "match the labels of the nodes the pods should run on, or describe such nodes in the `[cluster]` settings of kplay.toml"
                },
            )
        };
        let help = if preempts {
            format!("{help} (the scheduler would preempt pods of lower priority to make room, which kplay does not simulate)")
        } else {
            help.to_string()
        };
        out.push(cx.diag(&POD_UNSCHEDULABLE, &pod.origin, span, message).with_help(help));
    }
}

/// The first `hostPort` key of the regular containers' ports.
fn first_host_port(spec: &crate::yaml::Node) -> Option<&crate::yaml::Entry> {
    spec.get("containers")?
        .as_seq()?
        .iter()
        .flat_map(|c| c.get("ports").and_then(crate::yaml::Node::as_seq).unwrap_or(&[]))
        .find_map(|p| p.entry("hostPort"))
}
