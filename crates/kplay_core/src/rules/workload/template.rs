//! `pod-template-invalid`: what a workload's pod template may not hold: a restart policy other
//! than the controller's, `activeDeadlineSeconds` (apps/v1), ephemeral containers (D-08..D-10).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::pod_spec;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static POD_TEMPLATE_INVALID: Rule = Rule {
    name: "pod-template-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The pod template has a restart policy the controller cannot use, or a field templates may not set.",
    docs: rule_docs!(
        r#"## What it does
Checks pod templates: Deployments, ReplicaSets, StatefulSets and DaemonSets need
`restartPolicy: Always` (the default) and may not set `activeDeadlineSeconds`; Jobs and CronJobs
need `OnFailure` or `Never` (the default `Always` is refused); no template may hold ephemeral
containers. (A StatefulSet's template is not checked for ephemeral containers, but the pods
made from it are refused: a `statefulset-pod-invalid` warning.)

## Why is this bad?
The API server rejects the object: a controller that keeps pods running cannot use pods that
stop for good, and a Job cannot finish with pods that always restart.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
        - name: pi
          image: perl:5.34
          command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: pi
          image: perl:5.34
          command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]
```

## References
- Jobs, pod template: <https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-template>
"#
    ),
    spec: &["D-08", "D-09", "D-10"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if !ctx.is_template() {
        return;
    }
    // A ReplicationController's template is a pointer (`ValidatePodTemplateSpecForRC`).
    if ctx.kind() == "ReplicationController" {
        if let Some(spec) = ctx.root().field("spec").filter(|s| s.field("template").is_none_or(|t| t.node.is_null())) {
            sink.required(&spec, "template", formats::required(""))
                .help("add `template:` with the pods' `metadata.labels` and `spec.containers`");
            return;
        }
    }
    // A StatefulSet's restartPolicy and activeDeadlineSeconds checks run even when its
    // selector cannot be converted (they follow the template function in `ValidateStatefulSetSpec`).
    let outer = if ctx.kind() == "StatefulSet" { ctx.pod_spec() } else { pod_spec(ctx) };
    let Some(spec) = outer else { return };
    let jobs = matches!(ctx.kind(), "Job" | "CronJob");
    let supported: &[&str] = if jobs { &["OnFailure", "Never"] } else { &["Always"] };
    let rp = spec.field("restartPolicy");
    let v = rp.as_ref().and_then(Cur::text).unwrap_or("");
    if !supported.contains(&v) {
        // `validateJobSpec`: the default `Always` (or none) is Required with the valid values;
        // only another value is NotSupported.
        let (ty, msg) = if jobs && matches!(v, "Always" | "") {
            (ErrorType::Required, formats::required(r#"valid values: "OnFailure", "Never""#))
        } else {
            (ErrorType::NotSupported, formats::not_supported(v, supported))
        };
        let help = if jobs {
            "set `restartPolicy: OnFailure` or `Never` in the template: a Job's pods must be able to finish"
        } else {
            "remove `restartPolicy` (it defaults to `Always`): this controller keeps its pods running"
        };
        match &rp {
            Some(r) if !r.node.synthetic => sink.field_error(r, ty, msg),
            _ => sink.field_error_at(spec.key_span(), &spec.child_path("restartPolicy"), ty, msg),
        }
        .help(help);
    }
    // `validateJobSpec`: with a podFailurePolicy, only `Never` (after the checks above).
    let job_spec = spec.path.strip_suffix(".template.spec").and_then(|_| match ctx.kind() {
        "Job" => ctx.root().field("spec"),
        "CronJob" => ctx.root().field("spec")?.field("jobTemplate")?.field("spec"),
        _ => None,
    });
    if v == "OnFailure" && job_spec.is_some_and(|j| j.field("podFailurePolicy").is_some_and(|p| !p.node.is_null())) {
        if let Some(r) = &rp {
            sink.field_error(r, ErrorType::Invalid, formats::invalid(v, r#"only "Never" is supported when podFailurePolicy is specified"#))
                .help("set `restartPolicy: Never`: a pod failure policy looks at failed pods, which OnFailure restarts in place");
        }
    }
    if !jobs {
        if let Some(a) = spec.field("activeDeadlineSeconds") {
            let kind = if ctx.kind() == "Deployment" { "ReplicaSet" } else { ctx.kind() };
            sink.field_error(&a, ErrorType::Forbidden, formats::forbidden(&format!("activeDeadlineSeconds in {kind} is not Supported")))
                .help("remove `activeDeadlineSeconds`: it would kill pods the controller must keep running");
        }
    }
    if let Some(e) = pod_spec(ctx).and_then(|s| s.field("ephemeralContainers")) {
        // `ValidatePodTemplateSpec` forbids them; up to 1.33 a StatefulSet's template is not
        // validated, but a Pod may not be created with them (`statefulset-pod-invalid`).
        let pods_only =
            ctx.kind() == "StatefulSet" && !crate::rules::pod::statefulset_pod_invalid::validated_on_create(ctx.opts.kube_version);
        let msg = if pods_only { "cannot be set on create" } else { "ephemeral containers not allowed in pod template" };
        sink.field_error(&e, ErrorType::Forbidden, formats::forbidden(msg))
            .help("add ephemeral containers to running pods with `kubectl debug`");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "pod-template-invalid";

    #[test]
    fn table() {
        let dep = |extra: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n{extra}      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        assert_eq!(errors_of(R, &dep("      restartPolicy: Never\n")), pairs(&[("spec.template.spec.restartPolicy", "NotSupported")]));
        assert_eq!(
            errors_of(R, &dep("      activeDeadlineSeconds: 5\n")),
            pairs(&[("spec.template.spec.activeDeadlineSeconds", "Forbidden")])
        );
        assert_eq!(errors_of(R, &dep("")), pairs(&[]));
        let job = |rp: &str| {
            format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n{rp}      containers:\n      - name: pi\n        image: perl:5.34\n")
        };
        assert_eq!(errors_of(R, &job("")), pairs(&[("spec.template.spec.restartPolicy", "Required")]));
        assert_eq!(errors_of(R, &job("      restartPolicy: Always\n")), pairs(&[("spec.template.spec.restartPolicy", "Required")]));
        assert_eq!(errors_of(R, &job("      restartPolicy: Sometimes\n")), pairs(&[("spec.template.spec.restartPolicy", "NotSupported")]));
        assert_eq!(errors_of(R, &job("      restartPolicy: OnFailure\n")), pairs(&[]));
        let pfp =
            job("      restartPolicy: OnFailure\n").replace("spec:\n  template:", "spec:\n  podFailurePolicy:\n    rules: []\n  template:");
        assert_eq!(errors_of(R, &pfp), pairs(&[("spec.template.spec.restartPolicy", "Invalid")]));
        let cj = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: t\n            image: busybox:1.36\n";
        assert_eq!(errors_of(R, cj), pairs(&[("spec.jobTemplate.spec.template.spec.restartPolicy", "Required")]));
    }
}
