//! `affinity-invalid`: node affinity, pod affinity and anti-affinity (P-38), ported from
//! `validateAffinity`, `ValidateNodeSelector`, `ValidateNodeSelectorRequirement`,
//! `validatePodAffinityTerm` and `ValidateLabelSelector`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, invalid_each, label_selector, qualified_name, text, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static AFFINITY_INVALID: Rule = Rule {
    name: "affinity-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A node or pod affinity term has an invalid operator, values, key, weight or topology key.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.affinity`: node selector terms (at least one for required node affinity;
operators `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt` with the values each needs; label
keys and values; `matchFields` only on `metadata.name`, with node names as values), preference and pod-affinity weights
between 1 and 100, and pod (anti-)affinity terms with a valid label selector, namespaces and a
non-empty `topologyKey`.

A term's `matchLabelKeys` and `mismatchLabelKeys` need a `labelSelector` (Forbidden on the
list without one), hold label keys, and share no key (Invalid on `matchLabelKeys[i]`). On a
Pod the server first adds `key In (<the pod's value>)` (`NotIn` for `mismatchLabelKeys`) to the
selector for each key the Pod's labels have (`mutatePodAffinity` in the Pod strategy's
`PrepareForCreate`; the stored Pod shows it). A requirement on a key the selector already has,
in `matchLabels` or an earlier expression, is then refused on the term's path indexed by the
key's position in `matchLabelKeys` (`requiredDuringSchedulingIgnoredDuringExecution[0][0]`,
sic): so a Pod labelled `app: web` with `matchLabels: {app: web}` and `matchLabelKeys: [app]`,
or with a key listed twice. Templates get no merge. Both fields need the
MatchLabelKeysInPodAffinity gate: alpha and off in 1.30, where the server drops them before
validation; beta from 1.31, GA from 1.33.

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: disktype
                operator: Equals
                values: ["ssd"]
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: disktype
                operator: In
                values: ["ssd"]
```

## References
- Assigning pods to nodes: <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
- `validateAffinity` and `validateMatchLabelKeysAndMismatchLabelKeys` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-38"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let Some(aff) = spec.field("affinity") else { return };
    if let Some(na) = aff.field("nodeAffinity") {
        if let Some(req) = na.field("requiredDuringSchedulingIgnoredDuringExecution") {
            let terms = req.field("nodeSelectorTerms");
            if terms.as_ref().is_none_or(Cur::is_empty) {
                sink.field_error(
                    &child_or_parent(&req, "nodeSelectorTerms"),
                    ErrorType::Required,
                    formats::required("must have at least one node selector term"),
                )
                .help("add a `nodeSelectorTerms` entry");
            }
            if let Some(terms) = terms {
                for (_, t) in terms.items() {
                    node_selector_term(sink, &t, true);
                }
            }
        }
        if let Some(pref) = na.field("preferredDuringSchedulingIgnoredDuringExecution") {
            for (_, p) in pref.items() {
                weight(sink, &p);
                if let Some(t) = p.field("preference") {
                    // "we always allow invalid label-value for preferred affinity"
                    // (`ValidatePreferredSchedulingTerms`).
                    node_selector_term(sink, &t, false);
                }
            }
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(pa) = aff.field(kind) else { continue };
        if let Some(req) = pa.field("requiredDuringSchedulingIgnoredDuringExecution") {
            for (_, t) in req.items() {
                pod_affinity_term(sink, &t);
            }
        }
        if let Some(pref) = pa.field("preferredDuringSchedulingIgnoredDuringExecution") {
            for (_, p) in pref.items() {
                weight(sink, &p);
                if let Some(t) = p.field("podAffinityTerm") {
                    pod_affinity_term(sink, &t);
                }
            }
        }
    }
}

fn weight(sink: &mut Sink<'_>, p: &Cur<'_>) {
    let w = p.field("weight").and_then(|w| w.i64()).unwrap_or(0);
    if !(1..=100).contains(&w) {
        sink.field_error(&child_or_parent(p, "weight"), ErrorType::Invalid, formats::invalid_num(w, "must be in the range 1-100"))
            .help("use a weight from 1 to 100");
    }
}

/// `ValidateNodeSelectorTerm`; `check_values` is false for preferred terms, whose label
/// values the server never checks.
fn node_selector_term(sink: &mut Sink<'_>, t: &Cur<'_>, check_values: bool) {
    if let Some(me) = t.field("matchExpressions") {
        for (_, r) in me.items() {
            let n = r.field("values").map_or(0, |v| v.len());
            let op = text(&r, "operator");
            let values = child_or_parent(&r, "values");
            match op {
                "In" | "NotIn" if n == 0 => {
                    sink.field_error(
                        &values,
                        ErrorType::Required,
                        formats::required("must be specified when `operator` is 'In' or 'NotIn'"),
                    )
                    .help("list at least one value");
                }
                "Exists" | "DoesNotExist" if n > 0 => {
                    sink.field_error(
                        &values,
                        ErrorType::Forbidden,
                        formats::forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
                    )
                    .help("remove `values`");
                }
                "Gt" | "Lt" if n != 1 => {
                    sink.field_error(
                        &values,
                        ErrorType::Required,
                        formats::required("must be specified single value when `operator` is 'Lt' or 'Gt'"),
                    )
                    .help("give exactly one integer value");
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
                _ => {
                    sink.field_error(
                        &child_or_parent(&r, "operator"),
                        ErrorType::Invalid,
                        formats::invalid(op, "not a valid selector operator"),
                    )
                    .help("use `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`");
                }
            }
            qualified_name(sink, &child_or_parent(&r, "key"), text(&r, "key"));
            if let Some(vals) = r.field("values").filter(|_| check_values) {
                for (_, v) in vals.items() {
                    let t = v.text().unwrap_or("");
                    invalid_each(sink, &v, t, formats::label_value_msgs(t), "use a valid label value");
                }
            }
        }
    }
    if let Some(mf) = t.field("matchFields") {
        for (_, r) in mf.items() {
            // `ValidateNodeFieldSelectorRequirement`: `metadata.name` is the only key, and its
            // values are node names (`ValidateNodeName`, a DNS subdomain), whatever the operator.
            let key = text(&r, "key");
            if key != "metadata.name" {
                sink.field_error(&child_or_parent(&r, "key"), ErrorType::Invalid, formats::invalid(key, "not a valid field selector key"))
                    .help("`matchFields` supports only `metadata.name`");
            } else if let Some(vals) = r.field("values") {
                for (_, v) in vals.items() {
                    let name = v.text().unwrap_or("");
                    invalid_each(sink, &v, name, formats::dns1123_subdomain_msgs(name), "use a node name (a DNS subdomain)");
                }
            }
            let op = text(&r, "operator");
            match op {
                "In" | "NotIn" => {
                    if r.field("values").map_or(0, |v| v.len()) != 1 {
                        sink.field_error(
                            &child_or_parent(&r, "values"),
                            ErrorType::Required,
                            formats::required("must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
                        )
                        .help("give exactly one node name");
                    }
                }
                _ => {
                    sink.field_error(
                        &child_or_parent(&r, "operator"),
                        ErrorType::Invalid,
                        formats::invalid(op, "not a valid selector operator"),
                    )
                    .help("use `In` or `NotIn`");
                }
            }
        }
    }
}

fn pod_affinity_term(sink: &mut Sink<'_>, t: &Cur<'_>) {
    if let Some(sel) = t.field("labelSelector") {
        label_selector(sink, &sel);
    }
    if let Some(sel) = t.field("namespaceSelector") {
        label_selector(sink, &sel);
    }
    if let Some(ns) = t.field("namespaces") {
        // The server reports these on `namespace` (singular, no index).
        for (_, n) in ns.items() {
            let v = n.text().unwrap_or("");
            let at = Cur { path: t.child_path("namespace"), ..n.clone() };
            invalid_each(sink, &at, v, formats::dns1123_label_msgs(v), "use a namespace name");
        }
    }
    let key = text(t, "topologyKey");
    let at = child_or_parent(t, "topologyKey");
    if key.is_empty() {
        sink.field_error(&at, ErrorType::Required, formats::required("can not be empty"))
            .help("set a node label key such as `kubernetes.io/hostname`");
    }
    // The server also runs `ValidateLabelName` on an empty key (two more Invalid errors).
    qualified_name(sink, &at, key);
    label_keys(sink, t, true);
}

/// `ValidateMatchLabelKeysAndMismatchLabelKeys(fldPath, ...)` on a pod affinity term, or (with
/// `mismatch` false) on a topology spread constraint from 1.34. It sees the selector after the
/// Pod strategy merged the keys into it (`cluster::defaults::label_keys`; templates get no
/// merge):
/// - either list without a `labelSelector`: Forbidden on the list; else each key is a label name;
/// - a key of `matchLabelKeys` whose requirement repeats a key the selector already has (in
///   `matchLabels` or an earlier expression): Invalid on `fldPath[i]` (sic: `fldPath.Index(i)`,
///   `i` the key's last index in `matchLabelKeys`);
/// - a key in both lists: Invalid on `matchLabelKeys[i]`.
pub(super) fn label_keys(sink: &mut Sink<'_>, t: &Cur<'_>, mismatch: bool) {
    let selector = t.field("labelSelector");
    let lists: &[&str] = if mismatch { &["matchLabelKeys", "mismatchLabelKeys"] } else { &["matchLabelKeys"] };
    for f in lists {
        let Some(keys) = t.field(f).filter(|k| !k.is_empty()) else { continue };
        if selector.is_none() {
            sink.field_error(
                &whole(&keys),
                ErrorType::Forbidden,
                formats::forbidden("must not be specified when labelSelector is not set"),
            )
            .help(format!("add a `labelSelector` (the values of the `{f}` keys in the pod's labels are added to it), or remove `{f}`"));
            continue;
        }
        for (_, k) in keys.items() {
            qualified_name(sink, &k, k.text().unwrap_or(""));
        }
    }
    let matches: Vec<Cur<'_>> = t.field("matchLabelKeys").map(|m| m.items().map(|(_, k)| k).collect()).unwrap_or_default();
    let key_of = |k: &Cur<'_>| k.text().unwrap_or("").to_string();
    if let Some(sel) = &selector {
        let mut seen: std::collections::HashSet<String> =
            sel.field("matchLabels").map(|m| m.entries().map(|(k, _)| k.to_string()).collect()).unwrap_or_default();
        for (_, x) in sel.field("matchExpressions").iter().flat_map(Cur::items) {
            let key = text(&x, "key");
            if let Some((i, k)) = matches.iter().enumerate().rev().find(|(_, k)| key_of(k) == key).filter(|_| seen.contains(key)) {
                sink.field_error_at(k.span(), &format!("{}[{i}]", t.path), ErrorType::Invalid, formats::invalid(key, "exists in both matchLabelKeys and labelSelector"))
                    .help(format!("the API server adds `{key} In (<the pod's value>)` to `labelSelector` for this key, and the selector already has `{key}`: remove it from `labelSelector` or from `matchLabelKeys`"));
            }
            seen.insert(key.to_string());
        }
    }
    let mismatched: Vec<String> = t.field("mismatchLabelKeys").map(|m| m.items().map(|(_, k)| key_of(&k)).collect()).unwrap_or_default();
    for k in matches.iter().filter(|k| mismatched.contains(&key_of(k))) {
        sink.field_error(k, ErrorType::Invalid, formats::invalid(&key_of(k), "exists in both matchLabelKeys and mismatchLabelKeys"))
            .help("a key selects either the pod's value (`matchLabelKeys`) or the other values (`mismatchLabelKeys`): keep it in one list");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{deployment_with, errors_of, errors_of_version, messages_of, pairs, pod_with};
    use crate::KubeVersion;
    const R: &str = "affinity-invalid";

    fn p(aff: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n  affinity:\n{aff}"))
    }

    #[test]
    fn table() {
        let na = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
        assert_eq!(
            errors_of(R, &p("    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - key: disk\n            operator: Equals\n            values: [ssd]\n          - key: disk\n            operator: Exists\n            values: [ssd]\n")),
            pairs(&[(&format!("{na}[0].matchExpressions[0].operator"), "Invalid"), (&format!("{na}[0].matchExpressions[1].values"), "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &p("    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: []\n")),
            pairs(&[(na, "Required")])
        );
        assert_eq!(
            errors_of(R, &p("    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 0\n        podAffinityTerm:\n          labelSelector:\n            matchLabels:\n              app: web\n")),
            pairs(&[
                ("spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey", "Required"),
                // `ValidateLabelName("")`: "name part must be non-empty" and the regex message.
                ("spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey", "Invalid"),
                ("spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey", "Invalid"),
                ("spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "Invalid")
            ])
        );
        // Label values are checked in required node affinity terms, never in preferred ones.
        let term = "- key: disk\n            operator: In\n            values: [\"-bad\"]\n";
        assert_eq!(
            errors_of(R, &p(&format!("    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          {term}"))),
            pairs(&[(&format!("{na}[0].matchExpressions[0].values[0]"), "Invalid")])
        );
        assert_eq!(
            errors_of(R, &p(&format!("    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        preference:\n          matchExpressions:\n          {term}"))),
            pairs(&[])
        );
        assert_eq!(
            errors_of(R, &p("    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: kubernetes.io/hostname\n        labelSelector:\n          matchLabels:\n            app: db\n")),
            pairs(&[])
        );
    }

    #[test]
    fn match_label_keys() {
        let req = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
        let term = |body: &str| {
            p(&format!("    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: zone\n{body}"))
        };
        // Without a labelSelector both lists are Forbidden (and their keys not checked further).
        let no_sel = term("        matchLabelKeys: [pod-template-hash]\n        mismatchLabelKeys: [\"bad key\"]\n");
        assert_eq!(
            errors_of(R, &no_sel),
            pairs(&[(&format!("{req}.matchLabelKeys"), "Forbidden"), (&format!("{req}.mismatchLabelKeys"), "Forbidden")])
        );
        assert_eq!(
            messages_of(R, &no_sel),
            [
                "Forbidden: must not be specified when labelSelector is not set",
                "Forbidden: must not be specified when labelSelector is not set"
            ]
        );
        // The preferred terms and anti-affinity too.
        let pref = p("    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        podAffinityTerm:\n          topologyKey: zone\n          mismatchLabelKeys: [app]\n");
        assert_eq!(
            errors_of(R, &pref),
            pairs(&[(
                "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.mismatchLabelKeys",
                "Forbidden"
            )])
        );
        // A key in both lists.
        let both = term("        labelSelector: {}\n        matchLabelKeys: [x]\n        mismatchLabelKeys: [x]\n");
        assert_eq!(errors_of(R, &both), pairs(&[(&format!("{req}.matchLabelKeys[0]"), "Invalid")]));
        assert_eq!(messages_of(R, &both), ["Invalid value: \"x\": exists in both matchLabelKeys and mismatchLabelKeys"]);
        // A Pod: `app In (web)` is merged into the selector first, which already has `app`:
        // reported on `fldPath.Index(i)`, the key's index in matchLabelKeys.
        let merged = term("        labelSelector:\n          matchLabels:\n            app: web\n        matchLabelKeys: [app]\n");
        assert_eq!(errors_of(R, &merged), pairs(&[(&format!("{req}[0]"), "Invalid")]));
        assert_eq!(messages_of(R, &merged), ["Invalid value: \"app\": exists in both matchLabelKeys and labelSelector"]);
        // The same key twice: the second merged requirement repeats the first (kubernetes#130554).
        let twice = term("        labelSelector: {}\n        matchLabelKeys: [app, app]\n");
        assert_eq!(errors_of(R, &twice), pairs(&[(&format!("{req}[1]"), "Invalid")]));
        // A key the pod has no label for adds nothing.
        assert_eq!(
            errors_of(R, &term("        labelSelector:\n          matchLabels:\n            tier: db\n        matchLabelKeys: [tier]\n")),
            pairs(&[])
        );
        // Templates get no merge.
        let t = "  containers:\n  - name: web\n    image: nginx:1.27\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: zone\n        labelSelector:\n          matchLabels:\n            app: web\n        matchLabelKeys: [app]\n";
        assert_eq!(errors_of(R, &deployment_with(t)), pairs(&[]));
        // 1.31 has the gate on (beta); in 1.30 both fields are dropped before validation.
        assert_eq!(errors_of_version(R, &merged, KubeVersion::new(31)), pairs(&[(&format!("{req}[0]"), "Invalid")]));
        assert_eq!(errors_of_version(R, &merged, KubeVersion::new(30)), pairs(&[]));
        assert_eq!(errors_of_version(R, &no_sel, KubeVersion::new(30)), pairs(&[]));
    }

    #[test]
    fn match_fields_values_are_node_names() {
        let na = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0]";
        let term = |v: &str| {
            p(&format!("    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - key: metadata.name\n            operator: In\n            values: [{v}]\n"))
        };
        assert_eq!(errors_of(R, &term("Bad_Node")), pairs(&[(&format!("{na}.values[0]"), "Invalid")]));
        assert!(messages_of(R, &term("Bad_Node"))[0].starts_with("Invalid value: \"Bad_Node\": a lowercase RFC 1123 subdomain"));
        assert_eq!(errors_of(R, &term("worker-1.example.com")), pairs(&[]));
        // Preferred terms too (`ValidateNodeSelectorTerm` either way).
        let pref = p("    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        preference:\n          matchFields:\n          - key: metadata.name\n            operator: NotIn\n            values: [\"-x\"]\n");
        assert_eq!(
            errors_of(R, &pref),
            pairs(&[(
                "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchFields[0].values[0]",
                "Invalid"
            )])
        );
    }
}
