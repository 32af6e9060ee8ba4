//! `selector-matches-no-pods`: a Service selector no pod (or pod template) matches.

use std::collections::HashMap;

use super::{user_services, Candidate, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::labels_display;
use crate::rules::{Rule, Stage};

pub static SELECTOR_MATCHES_NO_PODS: Rule = Rule {
    name: "selector-matches-no-pods",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A Service's selector matches no pod and no pod template in its namespace.",
    docs: rule_docs!(
        r#"## What it does
Matches each Service's `selector` against the labels of every pod the simulated cluster runs
and every workload pod template, in the Service's namespace. When nothing matches, it points at
the closest template and at each label that differs, in whatever file it is. A matching template
whose workload the API server refuses, a StatefulSet whose pods it refuses
(`statefulset-pod-invalid`), or a Deployment created with `spec.paused: true` (its controller
creates no ReplicaSet, so no pods, until it is resumed), runs no pods: the warning names it and
says why.

## Why is this bad?
The Service gets no endpoints: connections to it are refused. The usual causes are a typo in a
label, a label on the Deployment's own `metadata` instead of its pod template, or pods in
another namespace (a Service only selects pods in its own namespace).

## Known limits
kplay does not run operators: pods that a controller makes from a custom resource (the
Prometheus operator's `Alertmanager`, a database operator's cluster) are not in the simulated
cluster. When such an object is in
the Service's namespace the warning names it, and if it does make the pods,
`# kplay: ignore[selector-matches-no-pods]` on the line of the Service's `selector:` (or the
`kplay.dev/ignore` annotation) silences the warning.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web-server
  template:
    metadata:
      labels:
        app: web-server
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web-server
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web-server
  template:
    metadata:
      labels:
        app: web-server
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- Labels and selectors: <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/>
- Service: <https://kubernetes.io/docs/concepts/services-networking/service/>
"#
    ),
    spec: &["routing-semantics §1.1"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let candidates = cx.candidates();
    // Candidates per namespace, and per `key=value` label (for matches in other namespaces), so
    // that many Services selecting nothing do not each scan every template.
    let mut by_ns: HashMap<&str, Vec<&Candidate<'_>>> = HashMap::new();
    let mut by_label: HashMap<(&str, &str), Vec<&Candidate<'_>>> = HashMap::new();
    for c in &candidates {
        by_ns.entry(c.namespace).or_default().push(c);
        if !c.refused {
            for (k, v) in c.labels {
                by_label.entry((k.as_str(), v.as_str())).or_default().push(c);
            }
        }
    }
    for svc in user_services(cx.cluster) {
        let Some(sel) = &svc.selector else { continue };
        if svc.type_ == "ExternalName" || !cx.cluster.select_pods(&svc.namespace, sel).is_empty() {
            continue;
        }
        let matches = |c: &Candidate<'_>| sel.iter().all(|(k, v)| c.labels.get(k) == Some(v));
        // A template that matches but runs no pods (0 replicas, a CronJob) is not this defect.
        let here: &[&Candidate<'_>] = by_ns.get(svc.namespace.as_str()).map_or(&[], Vec::as_slice);
        if here.iter().any(|c| !c.runs_no_pods() && matches(c)) {
            continue;
        }
        let v = &svc.spec;
        let mut d = cx.diag(
            &SELECTOR_MATCHES_NO_PODS,
            &v.origin,
            v.selector_span.unwrap_or(v.spec_span),
            format!(
                "Service `{}` selects no pods: no pod in namespace `{}` has the labels {}",
                svc.name,
                svc.namespace,
                labels_display(sel)
            ),
        );
        d.primary.message = "this selector matches nothing".into();
        let score = |c: &Candidate<'_>| sel.iter().filter(|(k, v)| c.labels.get(*k) == Some(*v)).count();
        let refused_match = here.iter().find(|c| c.runs_no_pods() && matches(c));
        if let Some(c) = refused_match {
            d = d.with_secondary(
                c.origin.file,
                c.paused.unwrap_or(c.origin.head),
                format!("{} would match, but {}", c.display, c.refusal()),
            );
        }
        let best = here
            .iter()
            .filter(|c| !c.refused)
            .max_by_key(|c| (score(c), sel.keys().filter(|k| c.labels.contains_key(*k)).count(), std::cmp::Reverse(c.origin.object)));
        let mut help = match refused_match {
            Some(c) if c.paused.is_some() => format!(
                "resume {} (`kubectl rollout resume {}`, or drop `paused: true` from its manifest) for its pods to be created: its labels already agree",
                c.display, c.display
            ),
            Some(c) if c.pods_refused => {
                format!("fix the pod template of {} (see its warnings about the pods it creates): the labels already agree", c.display)
            }
            Some(c) => format!("fix the errors of {} (the API server refuses it): its labels already agree", c.display),
            _ => "make the selector and the pod template's labels agree (labels on a Deployment's own metadata do not count)".to_string(),
        };
        if let Some(c) = best {
            for (k, want) in sel {
                match c.labels.get(k) {
                    Some(have) if have == want => {}
                    Some(have) => {
                        let span = cx.label_span(c, k).unwrap_or(c.origin.head);
                        d = d.with_secondary(
                            c.origin.file,
                            span,
                            format!("{} has `{k}: {have}`; the selector wants `{k}: {want}`", c.display),
                        );
                        // An exact match that is refused says more than a near one that runs.
                        if refused_match.is_none() {
                            help = format!("change the selector to `{k}: {have}`, or the label of {} to `{k}: {want}`", c.display);
                        }
                    }
                    None => {
                        let span = c.labels_span.unwrap_or(c.origin.head);
                        d = d.with_secondary(c.origin.file, span, format!("{} has no `{k}` label", c.display));
                    }
                }
            }
        }
        let elsewhere = sel.iter().next().and_then(|(k, v)| by_label.get(&(k.as_str(), v.as_str()))).map_or(&[][..], Vec::as_slice);
        for c in elsewhere.iter().filter(|c| c.namespace != svc.namespace && matches(c)).take(2) {
            d = d.with_secondary(
                c.origin.file,
                c.origin.head,
                format!("{} in namespace `{}` matches, but a Service selects pods only in its own namespace", c.display, c.namespace),
            );
        }
        // Pods kplay cannot foresee: an operator's custom resource, or a kind kplay does not
        // model that creates pods, in the same namespace.
        if let Some(o) = cx.objects.iter().find(|o| o.namespace == svc.namespace && may_make_pods(&o.api_version)) {
            let span = o.raw.get("kind").map_or(o.raw.span, |k| k.span);
            let name = o.name.as_deref().unwrap_or("");
            d = d.with_secondary(
                o.file,
                span,
                format!(
                    "kplay does not model `{}` `{name}`; if its controller creates pods with these labels, the Service gets them",
                    o.kind
                ),
            );
            help = format!(
                "{help}; if an operator makes the pods (here perhaps for `{}` `{name}`), silence this warning with `# kplay: ignore[selector-matches-no-pods]` on the line of the Service's `selector:`",
                o.kind
            );
        }
        out.push(d.with_help(help));
    }
}

/// Whether an object of a kind kplay does not model may create pods: a custom resource (an
/// API group that is not one of Kubernetes' own, e.g. `monitoring.coreos.com` for the
/// Prometheus operator's `Alertmanager`).
fn may_make_pods(api_version: &str) -> bool {
    let Some((group, _)) = api_version.split_once('/') else { return false };
    group.contains('.') && !group.ends_with(".k8s.io") && group != "k8s.io"
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    fn hits(texts: &[&str]) -> Vec<crate::Diagnostic> {
        hits_with(texts, &crate::Options::default())
    }

    fn hits_with(texts: &[&str], opts: &crate::Options) -> Vec<crate::Diagnostic> {
        sim_with(texts, opts).0.diagnostics.into_iter().filter(|d| d.rule == super::SELECTOR_MATCHES_NO_PODS.name).collect()
    }

    const SVC: &str =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: fe\n  ports:\n    - port: 80\n";

    fn deploy(labels: &str, replicas: u32) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n{labels}  template:\n    metadata:\n      labels:\n{labels}    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n")
            .replace("matchLabels:\n", "matchLabels:\n")
    }

    #[test]
    fn points_at_the_differing_label_across_files() {
        let d = deploy("        app: web\n        tier: backend\n", 2);
        let h = hits(&[SVC, &d]);
        assert_eq!(h.len(), 1);
        let l = &h[0].secondary;
        assert!(l.iter().any(|l| l.file == 1 && l.message.contains("`tier: backend`") && &d[l.span.range()] == "backend"), "{l:?}");
    }

    #[test]
    fn an_operator_resource_in_the_namespace_is_named_as_a_possible_pod_maker() {
        let cr = "apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata:\n  name: main\nspec:\n  replicas: 3\n";
        let h = hits(&[SVC, cr]);
        assert_eq!(h.len(), 1, "still a warning: kplay cannot know what the operator makes");
        let l = h[0].secondary.iter().find(|l| l.message.contains("`Alertmanager` `main`")).expect("the custom resource is named");
        assert_eq!(l.file, 1);
        assert_eq!(&cr[l.span.range()], "Alertmanager");
        assert!(h[0].help.as_deref().is_some_and(|t| t.contains("ignore[selector-matches-no-pods]")), "{:?}", h[0].help);
        // Kubernetes' own API groups do not make pods kplay does not know of.
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n";
        assert!(hits(&[SVC, cm])[0].secondary.iter().all(|l| !l.message.contains("does not model")));
        assert!(!super::may_make_pods("v1"), "a ReplicationController is modelled: its pods are simulated");
        assert!(!super::may_make_pods("apps/v1"));
        assert!(!super::may_make_pods("networking.k8s.io/v1"));
    }

    #[test]
    fn a_statefulset_whose_pods_are_refused_is_named_and_not_called_refused() {
        // Up to 1.33 the StatefulSet is stored, but its pods fail the Pod checks (a mount of no
        // volume); from 1.34 the StatefulSet itself is refused.
        let v133 = crate::Options { kube_version: crate::KubeVersion::new(33), ..Default::default() };
        let hits = |t: &[&str]| hits_with(t, &v133);
        let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  selector:\n    matchLabels:\n      app: web\n      tier: fe\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: fe\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          volumeMounts:\n            - name: logs\n              mountPath: /logs\n";
        let h = hits(&[SVC, sts]);
        assert_eq!(h.len(), 1);
        let l = &h[0].secondary;
        assert!(
            l.iter().any(|l| l.message
                == "statefulset/web would match, but the API server refuses the pods its controller creates from its template (FailedCreate)"),
            "{l:?}"
        );
        assert!(l.iter().all(|l| !l.message.contains("refuses it as written")), "{l:?}");
        // With the volume, the pods run and the Service has endpoints.
        let ok = format!("{sts}      volumes:\n        - name: logs\n          emptyDir: {{}}\n");
        assert!(hits(&[SVC, &ok]).is_empty());
        // Scaled to zero, it creates no pods to refuse: not this defect.
        assert!(hits(&[SVC, &sts.replace("  serviceName: web\n", "  serviceName: web\n  replicas: 0\n")]).is_empty());
        let h = hits_with(&[SVC, sts], &crate::Options::default());
        assert!(h[0].secondary.iter().any(|l| l.message.contains("refuses it as written")), "1.34: {:?}", h[0].secondary);
    }

    #[test]
    fn a_refused_exact_match_is_what_the_help_points_at() {
        // The Deployment matches but is refused (no containers); another one runs with other labels.
        let refused = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n      tier: fe\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: fe\n    spec:\n      containers: []\n";
        let near = deploy("        app: web\n        tier: backend\n", 1).replace("name: web", "name: near");
        let h = hits(&[SVC, refused, &near]);
        assert_eq!(h.len(), 1);
        let help = h[0].help.as_deref().unwrap_or("");
        assert!(help.starts_with("fix the errors of deployment/web (the API server refuses it)"), "{help}");
        // Refused when decoding (an unknown field): the same.
        let unknown = refused.replace(
            "      containers: []\n",
            "      containers:\n        - name: web\n          image: nginx:1.27\n          imagePullPolice: Always\n",
        );
        let h = hits(&[SVC, &unknown, &near]);
        assert_eq!(h.len(), 1);
        let help = h[0].help.as_deref().unwrap_or("");
        assert!(help.starts_with("fix the errors of deployment/web (the API server refuses it)"), "{help}");
    }

    #[test]
    fn matching_templates_and_pods_are_not_reported() {
        assert!(hits(&[SVC, &deploy("        app: web\n        tier: fe\n", 2)]).is_empty());
        assert!(hits(&[SVC, &deploy("        app: web\n        tier: fe\n", 0)]).is_empty(), "scaled to zero is not a selector defect");
        let other_ns = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  labels:\n    app: web\n    tier: fe\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n";
        let h = hits(&[SVC, other_ns]);
        assert_eq!(h.len(), 1);
        assert!(h[0].secondary.iter().any(|l| l.message.contains("namespace `shop`")));
    }
}
