//! `statefulset-pod-invalid`: the pod-spec problems of a StatefulSet's template, up to
//! Kubernetes 1.33. Up to 1.33 the API server does not validate that template's pod spec, so the
//! StatefulSet is stored; the pods its controller creates from it are validated, and refused
//! (FailedCreate events). From 1.34 (kubernetes/kubernetes#131790, "Add podSpec validation for
//! create StatefulSet", CHANGELOG v1.34.0-alpha.3) `ValidateStatefulSetSpec` validates the
//! template's pod spec on create, after adding one volume per claim template
//! (`volumesToAddForTemplates`), so the pod rules' errors are the StatefulSet's own again and
//! this rule reports nothing ([`validated_on_create`]).
//!
//! How the pod rules get there: they run on every pod spec, StatefulSet templates included, and
//! report server errors as for any Pod. For a StatefulSet the pipeline (`analysis::check_object`)
//! hands each pod rule's diagnostics to [`relabel`], which turns the errors the server does not
//! return for the StatefulSet itself into warnings of this rule, on the same spans, with the
//! pod's field path and the original detail in the message, and without a `kubernetes` field
//! (the StatefulSet request gets no error). The object stays accepted; `Object::pods_refused`
//! tells the cluster simulation that its controller creates no pods.
//!
//! What `ValidateStatefulSetSpec` does check (`pkg/apis/apps/validation/validation.go`, pinned
//! blob `2dd1588c`) stays an error: `ValidatePodTemplateSpecForStatefulSet` runs only the
//! selector/labels match, `ValidateLabels`, `ValidateAnnotations` and
//! `ValidatePodSpecificAnnotations` (`pod-annotation-invalid`), and the spec adds `restartPolicy`
//! (NotSupported unless Always) and `activeDeadlineSeconds` (Forbidden), both in
//! `pod-template-invalid`. Its `TODO: Add validation for PodSpec` has stood since 2016
//! (kubernetes/kubernetes#81147).
//!
//! The pod rules check the pod as the controller builds it (`newStatefulSetPod` in
//! `pkg/controller/statefulset/stateful_set_utils.go`): `updateStorage` adds one
//! `persistentVolumeClaim` volume per `volumeClaimTemplates[].metadata.name`, replacing a
//! template volume of the same name ([`super::volume::claim_templates`]), and `initIdentity`
//! sets `hostname` to `<name>-<ordinal>` and `subdomain` to `spec.serviceName`
//! (`pod-spec-invalid`).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::pod::pod_annotations::POD_ANNOTATION_INVALID;
use crate::rules::workload::template::POD_TEMPLATE_INVALID;
use crate::rules::{Rule, Stage};

pub static STATEFULSET_POD_INVALID: Rule = Rule {
    name: "statefulset-pod-invalid",
    severity: Severity::Warning,
    stage: Stage::Lint,
    summary: "Up to Kubernetes 1.33: the API server accepts the StatefulSet, but refuses the pods its controller creates from the template (FailedCreate).",
    docs: rule_docs!(
        r#"## What it does
Runs the Pod checks (container names, images, ports, env, resources, probes, volumes, mounts,
security context, scheduling fields...) on the pod a StatefulSet's controller creates from its
template: the template's volumes plus one PersistentVolumeClaim volume per
`volumeClaimTemplates` entry (replacing a template volume of the same name), host name
`<name>-<ordinal>` and subdomain `spec.serviceName`. A problem is reported where it is written,
with the field path and message the API server gives for the Pod.

Up to Kubernetes 1.33 the API server does not validate a StatefulSet's pod spec: it stores the
StatefulSet (only the selector, the template's labels and annotations, `restartPolicy` and
`activeDeadlineSeconds` are checked, by the rules that report them as errors). So these are
warnings, not errors. From 1.34 (kubernetes/kubernetes#131790) the API server validates the
template's pod spec when the StatefulSet is created, with one volume per claim template added
first: the Pod checks then report their own errors on the StatefulSet, and this rule reports
nothing. In every version a mount of a `volumeClaimTemplates` name is valid.

## Why is this bad?
Every pod the controller creates is refused: `kubectl describe statefulset` shows
`FailedCreate` events such as `create Pod db-0 in StatefulSet db failed error: Pod "db-0" is
invalid: spec.containers[0].volumeMounts[0].name: Not found: "logs"`. The StatefulSet has no
pods, and the Services that select them have no endpoints.

## Example
```yaml
# kube-version: 1.33
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: postgres
          image: postgres:16
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: logs
              mountPath: /var/log/postgresql
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: postgres
          image: postgres:16
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: logs
              mountPath: /var/log/postgresql
      volumes:
        - name: logs
          emptyDir: {}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
```

## References
- StatefulSets, stable storage: <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage>
- `ValidatePodTemplateSpecForStatefulSet` in `pkg/apis/apps/validation/validation.go` (its `TODO: Add validation for PodSpec`)
- `newStatefulSetPod`, `updateStorage` and `initIdentity` in `pkg/controller/statefulset/stateful_set_utils.go`
- kubernetes/kubernetes#81147 (StatefulSets have no PodSpec validation)
"#
    ),
    spec: &[],
    check: None,
};

/// The pod rules: those that check a pod spec (the `pod` group and `pod-template-invalid`).
/// Whether the API server of `version` validates a StatefulSet's pod template spec on create
/// (from 1.34, kubernetes/kubernetes#131790; the claim templates count as volumes).
pub fn validated_on_create(version: crate::version::KubeVersion) -> bool {
    version.at_least(34)
}

fn is_pod_rule(rule: &Rule) -> bool {
    rule.name == POD_TEMPLATE_INVALID.name || super::RULES.iter().any(|r| r.name == rule.name)
}

/// True for a pod-rule error that `ValidateStatefulSet` returns for the StatefulSet itself.
fn checked_on_statefulset(rule: &Rule, field: &str) -> bool {
    rule.name == POD_ANNOTATION_INVALID.name
        || (rule.name == POD_TEMPLATE_INVALID.name
            && matches!(field, "spec.template.spec.restartPolicy" | "spec.template.spec.activeDeadlineSeconds"))
}

/// Turns the server errors of a pod rule on a StatefulSet that the server does not return for
/// the StatefulSet into warnings of this rule. Returns true when it turned any: the controller's
/// pods are refused.
pub fn relabel(rule: &Rule, out: &mut [Diagnostic]) -> bool {
    if !is_pod_rule(rule) {
        return false;
    }
    let mut any = false;
    for d in out.iter_mut() {
        let Some(k) = d.kubernetes.as_ref() else { continue };
        if d.severity != Severity::Error || checked_on_statefulset(rule, &k.field) {
            continue;
        }
        // The Pod's path: `spec.template.spec.x` is the pod's `spec.x` (a few errors are about
        // fields outside the template, e.g. `spec.serviceName` as the pods' subdomain; those are
        // reported with the pod's path already).
        let pod_field = k.field.strip_prefix("spec.template.").unwrap_or(&k.field);
        d.message = format!(
            "the API server accepts the StatefulSet but refuses the pods its controller creates from this template (FailedCreate): {pod_field}: {}",
            d.message
        );
        if d.primary.message.is_empty() {
            d.primary.message.clone_from(&k.field);
        }
        let original = d.rule;
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h} (the Pod check `{original}`)"),
            None => format!("fix the template: the Pod check `{original}` fails"),
        });
        d.rule = STATEFULSET_POD_INVALID.name;
        d.severity = STATEFULSET_POD_INVALID.severity;
        d.kubernetes = None;
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    fn sts(template_spec: &str, tail: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n{template_spec}{tail}"
        )
    }

    /// Analysed for 1.33, the last version whose API server does not validate the template.
    fn analyze(yaml: &str) -> crate::Analysis {
        at(33, yaml)
    }

    fn at(minor: u16, yaml: &str) -> crate::Analysis {
        let opts = crate::Options { kube_version: crate::KubeVersion::new(minor), ..Default::default() };
        crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts)
    }

    const CLAIM: &str = "  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n";

    #[test]
    fn pod_problems_are_warnings_and_the_statefulset_is_stored() {
        let y = sts(
            "      containers:\n      - name: Web_Server\n        image: nginx:1.27\n        volumeMounts:\n        - name: logs\n          mountPath: /logs\n",
            CLAIM,
        );
        let a = analyze(&y);
        assert!(a.objects[0].is_accepted(), "{:?}", a.objects[0].acceptance);
        assert!(a.objects[0].pods_refused);
        let d: Vec<_> = a.diagnostics.iter().filter(|d| d.rule == "statefulset-pod-invalid").collect();
        assert_eq!(d.len(), 2, "{:#?}", a.diagnostics);
        for x in &d {
            assert_eq!(x.severity, Severity::Warning);
            assert!(x.kubernetes.is_none());
            assert!(x.message.starts_with("the API server accepts the StatefulSet but refuses the pods"), "{}", x.message);
        }
        assert!(d.iter().any(|x| x.message.ends_with("(FailedCreate): spec.containers[0].volumeMounts[0].name: Not found: \"logs\"")));
        assert!(d.iter().any(|x| x.primary.message == "spec.template.spec.containers[0].name"));
        assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    }

    #[test]
    fn from_1_34_the_server_validates_the_template_with_its_claim_templates() {
        let bad = sts(
            "      containers:\n      - name: Web_Server\n        image: nginx:1.27\n        volumeMounts:\n        - name: logs\n          mountPath: /logs\n",
            CLAIM,
        );
        for minor in [34, 37] {
            let a = at(minor, &bad);
            assert!(!a.objects[0].is_accepted(), "1.{minor}: refused");
            assert!(a.diagnostics.iter().all(|d| d.rule != "statefulset-pod-invalid"), "{:#?}", a.diagnostics);
            let mut e: Vec<&str> = a.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.rule).collect();
            e.sort_unstable();
            assert_eq!(e, ["container-name-invalid", "volume-mount-invalid"], "1.{minor}");
            // A mount of a claim template is a volume the server adds before validating.
            let good = sts(
                "      containers:\n      - name: web\n        image: nginx:1.27\n        volumeMounts:\n        - name: data\n          mountPath: /data\n",
                CLAIM,
            );
            let a = at(minor, &good);
            assert!(a.objects[0].is_accepted() && !a.objects[0].pods_refused, "1.{minor}: {:#?}", a.diagnostics);
            assert!(!a.has_errors(), "1.{minor}: {:#?}", a.diagnostics);
            // The template as written: its own hostname, and ephemeral containers as in any template.
            let odd = sts(
                "      hostname: Not_A_Label\n      containers:\n      - name: web\n        image: nginx:1.27\n      ephemeralContainers:\n      - name: dbg\n        image: busybox:1.36\n",
                "",
            );
            let a = at(minor, &odd);
            let mut e: Vec<(&str, &str)> =
                a.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| (d.rule, d.message.as_str())).collect();
            e.sort_unstable();
            assert_eq!(e.len(), 2, "1.{minor}: {e:?}");
            assert_eq!(e[0].0, "pod-spec-invalid");
            assert_eq!(e[1], ("pod-template-invalid", "Forbidden: ephemeral containers not allowed in pod template"), "1.{minor}");
        }
    }

    #[test]
    fn checks_the_statefulset_runs_stay_errors() {
        let y = sts("      restartPolicy: Never\n      containers:\n      - name: web\n        image: nginx:1.27\n", "").replace(
            "        app: db\n    spec:",
            "        app: db\n      annotations:\n        controller.kubernetes.io/pod-deletion-cost: high\n    spec:",
        );
        let a = analyze(&y);
        assert!(!a.objects[0].is_accepted());
        let mut e: Vec<(&str, &str)> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.rule, d.kubernetes.as_ref().map_or("", |k| k.field.as_str())))
            .collect();
        e.sort_unstable();
        assert_eq!(
            e,
            [
                ("pod-annotation-invalid", "spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]"),
                ("pod-template-invalid", "spec.template.spec.restartPolicy"),
            ]
        );
    }

    #[test]
    fn the_pod_has_the_claim_template_volumes() {
        // A mount and a block device of claim templates; a template volume `data` with an error
        // is replaced by the claim template's PVC volume, so neither it nor the device is wrong.
        let y = sts(
            "      containers:\n      - name: web\n        image: nginx:1.27\n        volumeMounts:\n        - name: data\n          mountPath: /data\n        volumeDevices:\n        - name: raw\n          devicePath: /dev/xvdb\n      volumes:\n      - name: data\n        hostPath:\n          path: /a/../b\n",
            &format!("{CLAIM}  - metadata:\n      name: raw\n    spec:\n      volumeMode: Block\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"),
        );
        let a = analyze(&y);
        assert!(a.diagnostics.iter().all(|d| d.rule == "statefulset-service-not-found"), "{:#?}", a.diagnostics);
        // Without the claim templates, the same template is refused by the pods' checks.
        let a = analyze(&y[..y.find("  volumeClaimTemplates:").unwrap()]);
        let rules: Vec<&str> = a.diagnostics.iter().map(|d| d.rule).filter(|r| *r == "statefulset-pod-invalid").collect();
        assert_eq!(rules.len(), 3, "{:#?}", a.diagnostics);
    }

    #[test]
    fn service_name_is_the_pods_subdomain() {
        let y =
            sts("      containers:\n      - name: web\n        image: nginx:1.27\n", "").replace("serviceName: db", "serviceName: My_Svc");
        let run = |v: u16| {
            let opts = crate::Options { kube_version: crate::KubeVersion::new(v), ..Default::default() };
            crate::analyze(&[crate::SourceFile::new("t.yaml", &y)], &opts)
        };
        // Before 1.33: stored, the pods are refused on `spec.subdomain`.
        let a = run(32);
        assert!(a.objects[0].is_accepted() && a.objects[0].pods_refused);
        let d: Vec<_> = a.diagnostics.iter().filter(|d| d.rule == "statefulset-pod-invalid").collect();
        assert_eq!(d.len(), 1, "{:#?}", a.diagnostics);
        assert!(d[0].message.contains("(FailedCreate): spec.subdomain: Invalid value: \"My_Svc\""), "{}", d[0].message);
        assert_eq!(d[0].primary.message, "spec.serviceName");
        // From 1.33 (kubernetes/kubernetes#130233): the StatefulSet is refused.
        let a = run(33);
        assert!(!a.objects[0].is_accepted());
        assert!(a.diagnostics.iter().all(|d| d.rule != "statefulset-pod-invalid"), "{:#?}", a.diagnostics);
        let e: Vec<_> = a.diagnostics.iter().filter_map(|d| d.kubernetes.as_ref().map(|k| (d.rule, k.field.as_str()))).collect();
        assert_eq!(e, [("workload-spec-invalid", "spec.serviceName")]);
    }

    #[test]
    fn template_hostname_and_ephemeral_containers() {
        // The controller overwrites hostname and subdomain; ephemeral containers are refused on
        // the pods' create, not on the StatefulSet.
        let y = sts(
            "      hostname: Not_A_Label\n      subdomain: x.y\n      containers:\n      - name: web\n        image: nginx:1.27\n      ephemeralContainers:\n      - name: dbg\n        image: busybox:1.36\n",
            "",
        );
        let a = analyze(&y);
        assert!(a.objects[0].is_accepted());
        let d: Vec<&str> = a.diagnostics.iter().filter(|d| d.rule == "statefulset-pod-invalid").map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 1, "{:#?}", a.diagnostics);
        assert!(d[0].ends_with("(FailedCreate): spec.ephemeralContainers: Forbidden: cannot be set on create"), "{}", d[0]);
    }

    #[test]
    fn a_valid_template_gives_nothing() {
        let y = sts(
            "      containers:\n      - name: web\n        image: nginx:1.27\n        volumeMounts:\n        - name: data\n          mountPath: /data\n",
            CLAIM,
        );
        let a = analyze(&y);
        assert!(!a.objects[0].pods_refused);
        assert!(a.diagnostics.iter().all(|d| d.rule == "statefulset-service-not-found"), "{:#?}", a.diagnostics);
    }
}
