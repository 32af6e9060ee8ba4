//! `affinity-invalid`: node affinity, pod affinity and anti-affinity (P-38), ported from
//! `validateAffinity`, `ValidateNodeSelector`, `ValidateNodeSelectorRequirement`,
//! `validatePodAffinityTerm` and `ValidateLabelSelector`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, invalid_each, label_selector, qualified_name, text};
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
- `validateAffinity` in `pkg/apis/core/validation/validation.go`
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
    for f in ["matchLabelKeys", "mismatchLabelKeys"] {
        if let Some(keys) = t.field(f) {
            for (_, k) in keys.items() {
                qualified_name(sink, &k, k.text().unwrap_or(""));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, messages_of, pairs, pod_with};
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
