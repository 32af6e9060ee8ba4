//! `matchLabelKeys` / `mismatchLabelKeys` on the Pod create path (`pkg/registry/core/pod/strategy.go`
//! and `pkg/api/pod/util.go`).
//!
//! - `dropDisabledMatchLabelKeysFieldInPodAffinity` (pods and templates): with the
//!   MatchLabelKeysInPodAffinity gate off (alpha, off in 1.30; beta on from 1.31, GA and locked
//!   from 1.33) a pod affinity term's `matchLabelKeys` and `mismatchLabelKeys` are dropped.
//!   MatchLabelKeysInPodTopologySpread is beta and on in every supported version: a spread
//!   constraint's `matchLabelKeys` stays.
//! - `PrepareForCreate` (Pods, those a controller creates included; never templates):
//!   `mutatePodAffinity` (same gate) and
//!   `mutateTopologySpreadConstraints` (MatchLabelKeysInPodTopologySpreadSelectorMerge, beta on
//!   from 1.34) add, for each key of the lists that the pod's own labels have, the requirement
//!   `key In (value)` (`NotIn` for `mismatchLabelKeys`) to the end of `labelSelector.matchExpressions`
//!   (`applyLabelKeysToLabelSelector`), only when the term has a `labelSelector`. Validation then
//!   sees the merged selector: a key also written in the selector is refused
//!   (`rules::pod::affinity::label_keys`), and the stored Pod shows the added requirements.

use super::pod::{child_mut, str_node};
use crate::analysis::Options;
use crate::yaml::{Entry, Node, ScalarStyle};

const AFFINITIES: [&str; 2] = ["podAffinity", "podAntiAffinity"];

/// Every pod affinity term of the spec: required terms and the preferred ones' `podAffinityTerm`.
fn affinity_terms(spec: &mut Node) -> Vec<&mut Node> {
    let mut out = Vec::new();
    let Some(aff) = spec.get_mut("affinity").filter(|a| a.as_map().is_some()) else { return out };
    let Some(entries) = aff.as_map_mut() else { return out };
    for e in entries.iter_mut().filter(|e| e.key.text().is_some_and(|k| AFFINITIES.contains(&k))) {
        let Some(arms) = e.value.as_map_mut() else { continue };
        for arm in arms.iter_mut() {
            let preferred = match arm.key.text() {
                Some("requiredDuringSchedulingIgnoredDuringExecution") => false,
                Some("preferredDuringSchedulingIgnoredDuringExecution") => true,
                _ => continue,
            };
            for item in arm.value.as_seq_mut().into_iter().flatten() {
                let term = if preferred { item.get_mut("podAffinityTerm") } else { Some(item) };
                if let Some(t) = term.filter(|t| t.as_map().is_some()) {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// `dropDisabledMatchLabelKeysFieldInPodAffinity`.
pub(super) fn drop_disabled(spec: &mut Node, opts: &Options) {
    if opts.kube_version.at_least(31) {
        return;
    }
    for t in affinity_terms(spec) {
        t.remove("matchLabelKeys");
        t.remove("mismatchLabelKeys");
    }
}

/// `mutatePodAffinity` and `mutateTopologySpreadConstraints` of the Pod strategy's
/// `PrepareForCreate`; `label` gives the value of one of the pod's labels.
pub(super) fn merge_into_selectors(spec: &mut Node, label: &dyn Fn(&str) -> Option<String>, opts: &Options) {
    let v = opts.kube_version;
    if v.at_least(31) {
        for t in affinity_terms(spec) {
            apply(t, &[("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn")], label);
        }
    }
    if v.at_least(34) {
        if let Some((_, list)) = child_mut(spec, "topologySpreadConstraints") {
            for c in list.as_seq_mut().into_iter().flatten().filter(|c| c.as_map().is_some()) {
                apply(c, &[("matchLabelKeys", "In")], label);
            }
        }
    }
}

/// `applyMatchLabelKeysAndMismatchLabelKeys` / `applyMatchLabelKeys`: nothing without a
/// `labelSelector` (a nil selector selects nothing); the added nodes hang from the list item
/// that asked for them.
fn apply(term: &mut Node, lists: &[(&str, &str)], label: &dyn Fn(&str) -> Option<String>) {
    let mut add = Vec::new();
    for (field, op) in lists {
        for k in term.get(field).and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(key) = k.as_str() else { continue };
            if let Some(value) = label(key) {
                add.push(requirement(k.span, key, op, &value));
            }
        }
    }
    if add.is_empty() {
        return;
    }
    let Some(sel) = term.get_mut("labelSelector").filter(|s| s.as_map().is_some()) else { return };
    let anchor = add[0].span;
    if sel.get("matchExpressions").is_none_or(|m| m.as_seq().is_none()) {
        sel.set("matchExpressions", Node::seq(anchor, Vec::new()).synthetic());
        if let Some(e) = sel.as_map_mut().and_then(|m| m.iter_mut().find(|e| e.key.text() == Some("matchExpressions"))) {
            e.key.span = anchor;
        }
    }
    if let Some(items) = sel.get_mut("matchExpressions").and_then(Node::as_seq_mut) {
        items.extend(add);
    }
}

/// `{key: <key>, operator: <op>, values: [<value>]}`, synthetic at `span`.
fn requirement(span: crate::source::Span, key: &str, op: &str, value: &str) -> Node {
    let entry = |k: &str, v: Node| Entry { key: Node::scalar(span, k, ScalarStyle::Plain).synthetic(), value: v };
    Node::map(
        span,
        vec![
            entry("key", str_node(span, key)),
            entry("operator", str_node(span, op)),
            entry("values", Node::seq(span, vec![str_node(span, value)]).synthetic()),
        ],
    )
    .synthetic()
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::source::SourceFile;
    use crate::yaml::Node;
    use crate::KubeVersion;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\n    hash: abc\n    empty:\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n  affinity:\n    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        podAffinityTerm:\n          topologyKey: zone\n          labelSelector:\n            matchLabels:\n              tier: web\n          matchLabelKeys: [hash, absent, empty]\n          mismatchLabelKeys: [app]\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: zone\n        matchLabelKeys: [hash]\n  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: zone\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector: {}\n    matchLabelKeys: [hash]\n";

    fn stored(yaml: &str, minor: u16) -> Node {
        let opts = Options { kube_version: KubeVersion::new(minor), ..Default::default() };
        analyze(&[SourceFile::new("t.yaml", yaml)], &opts).objects[0].stored.clone()
    }

    /// `(key, operator, value)` of each requirement of the selector at `path`.
    fn requirements(n: &Node, path: &[&str]) -> Vec<(String, String, String)> {
        let exprs = n.path(path).and_then(|s| s.get("matchExpressions")).and_then(Node::as_seq).unwrap_or(&[]);
        let text = |x: &Node, k: &str| x.get(k).and_then(Node::text).unwrap_or("").to_string();
        let value =
            |x: &Node| x.get("values").and_then(Node::as_seq).and_then(|v| v.first()).and_then(Node::text).unwrap_or("").to_string();
        exprs.iter().map(|x| (text(x, "key"), text(x, "operator"), value(x))).collect()
    }

    fn term(n: &Node) -> Node {
        let pref = n.path(&["spec", "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"]).unwrap();
        pref.as_seq().unwrap()[0].get("podAffinityTerm").unwrap().clone()
    }

    /// The first spread constraint of the object's (or template's) `spec`.
    fn spread(n: &Node) -> Node {
        spread_of(n.get("spec").unwrap())
    }

    fn spread_of(spec: &Node) -> Node {
        spec.get("topologySpreadConstraints").and_then(Node::as_seq).unwrap()[0].clone()
    }

    fn req(k: &str, op: &str, v: &str) -> (String, String, String) {
        (k.to_string(), op.to_string(), v.to_string())
    }

    #[test]
    fn a_pod_gets_its_label_keys_merged_into_the_selectors() {
        let s = stored(POD, 34);
        // matchLabelKeys first (In), then mismatchLabelKeys (NotIn); a key the pod has no label
        // for adds nothing; a null label counts as "".
        assert_eq!(
            requirements(&term(&s), &["labelSelector"]),
            [req("hash", "In", "abc"), req("empty", "In", ""), req("app", "NotIn", "web")]
        );
        assert_eq!(requirements(&spread(&s), &["labelSelector"]), [req("hash", "In", "abc")]);
        // No labelSelector, no merge (a nil selector selects nothing).
        let required = s.path(&["spec", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]).unwrap();
        assert!(required.as_seq().unwrap()[0].get("labelSelector").is_none());
    }

    #[test]
    fn versions_and_templates() {
        // 1.33: affinity merged, spread constraints not yet (SelectorMerge is 1.34).
        let s = stored(POD, 33);
        assert_eq!(requirements(&term(&s), &["labelSelector"]).len(), 3);
        assert!(requirements(&spread(&s), &["labelSelector"]).is_empty());
        // 1.30: MatchLabelKeysInPodAffinity is off: both lists are dropped, nothing is merged.
        let s = stored(POD, 30);
        assert!(term(&s).get("matchLabelKeys").is_none() && term(&s).get("mismatchLabelKeys").is_none());
        assert!(requirements(&term(&s), &["labelSelector"]).is_empty());
        assert_eq!(spread(&s).get("matchLabelKeys").and_then(Node::as_seq).map(<[Node]>::len), Some(1));
        // A template is never merged.
        let dep = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n        hash: abc\n    spec:\n{}",
            POD.split("spec:\n").nth(1).unwrap().lines().flat_map(|l| ["      ", l, "\n"]).collect::<String>()
        );
        let s = stored(&dep, 34);
        let spec = s.path(&["spec", "template"]).unwrap().clone();
        assert!(requirements(&spread(&spec), &["labelSelector"]).is_empty());
    }

    #[test]
    fn the_pods_a_controller_creates_are_merged_too() {
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n      topologySpreadConstraints:\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: ScheduleAnyway\n        labelSelector:\n          matchLabels:\n            app: web\n        matchLabelKeys: [pod-template-hash]\n";
        let (_, cluster) = crate::analysis::analyze_and_simulate(&[SourceFile::new("t.yaml", dep)], &Options::default());
        let pod = cluster.pods.iter().find(|p| p.name.starts_with("web-")).expect("a pod of the Deployment");
        let hash = pod.labels.get("pod-template-hash").expect("the ReplicaSet's hash label").clone();
        let spec = pod.stored_spec.as_ref().expect("the stored spec").for_pod(&pod.name);
        assert_eq!(requirements(&spread_of(&spec), &["labelSelector"]), [req("pod-template-hash", "In", &hash)]);
    }
}
