//! `container-restart-policy-invalid`: container-level `restartPolicy` (and restart rules from
//! 1.35), what plain init containers may not have (probes, lifecycle), and `resizePolicy`
//! (C-09..C-13).
//!
//! Version behaviour (ContainerRestartRules): up to 1.33 a regular container's `restartPolicy`
//! is Forbidden and an init container's must be `Always`; in 1.34 (gate alpha, off) the
//! strategy drops those values before validation (done in `cluster/defaults/pod.rs`), so they
//! are accepted; from 1.35 (beta, on) `Always`, `OnFailure` and `Never` are accepted on both
//! and `restartPolicyRules` are validated.
//!
//! `resizePolicy` (InPlacePodVerticalScaling): dropped by the strategy up to 1.32 (gate off);
//! from 1.33 validated, and allowed on init containers, sidecar or not (C-12 cannot fire on
//! create); from 1.36 a plain init container may not use `RestartContainer`.

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, containers, is_sidecar, text, whole, ContainerKind};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static CONTAINER_RESTART_POLICY_INVALID: Rule = Rule {
    name: "container-restart-policy-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A container `restartPolicy`, restart rule or `resizePolicy` is not allowed, or a plain init container has probes.",
    docs: rule_docs!(
        r#"## What it does
Checks the container-level `restartPolicy` (only `Always`, which makes an init container a
sidecar, up to Kubernetes 1.33; silently dropped in 1.34 unless `Always` on an init container;
`Always`, `OnFailure` or `Never` with `restartPolicyRules` from 1.35), that init containers
which are not sidecars have no `lifecycle` and no probes, and `resizePolicy` entries
(`cpu`/`memory`, `NotRequired`/`RestartContainer`, each resource once, `NotRequired` when the
pod's `restartPolicy` is `Never`; from 1.36 not `RestartContainer` on a plain init container).
Up to 1.32 the in-place resize feature is off and `resizePolicy` is dropped unchecked.

## Why is this bad?
The API server rejects the object. An init container runs to completion before the app starts,
so probes on it mean nothing unless it is a sidecar (`restartPolicy: Always`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: migrate
      image: busybox:1.36
      command: ["sh", "-c", "echo migrate"]
      readinessProbe:
        exec:
          command: ["true"]
  containers:
    - name: web
      image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: proxy
      image: busybox:1.36
      command: ["sh", "-c", "sleep 3600"]
      restartPolicy: Always
      readinessProbe:
        exec:
          command: ["true"]
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Sidecar containers: <https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/>
- `validateInitContainers` and `validateResizePolicy` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["C-09", "C-10", "C-11", "C-12", "C-13"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let v = ctx.opts.kube_version;
    let rules_on = v.at_least(35);
    let pod_policy = text(&spec, "restartPolicy");
    for (kind, c) in containers(&spec) {
        if kind == ContainerKind::Ephemeral {
            // `validateContainerCommon` checks an ephemeral container's resizePolicy too (and
            // `validateEphemeralContainers` forbids it: `ephemeral-container-invalid`).
            if let Some(rp) = c.field("resizePolicy") {
                resize_policy(sink, &rp, pod_policy, false);
            }
            continue;
        }
        if let Some(rp) = c.field("restartPolicy") {
            let val = rp.text().unwrap_or("");
            match kind {
                // (1.34: already dropped by the strategy, so never reached.)
                ContainerKind::Regular if !rules_on => {
                    sink.field_error(&rp, ErrorType::Forbidden, formats::forbidden("may not be set for non-init containers"))
                        .help("remove `restartPolicy` from the container; the pod's `restartPolicy` applies");
                }
                ContainerKind::Init if !rules_on && val != "Always" => {
                    sink.field_error(&rp, ErrorType::NotSupported, formats::not_supported(val, &["Always"]))
                        .help("use `restartPolicy: Always` for a sidecar, or remove it for a plain init container");
                }
                _ if rules_on && !matches!(val, "Always" | "OnFailure" | "Never") => {
                    sink.field_error(&rp, ErrorType::NotSupported, formats::not_supported(val, &["Always", "Never", "OnFailure"]))
                        .help("use `Always`, `OnFailure` or `Never`");
                }
                _ => {}
            }
        }
        if rules_on {
            restart_rules(sink, &c, kind, v.at_least(36));
        }
        if kind == ContainerKind::Init && !is_sidecar(&c) {
            for f in ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"] {
                if let Some(x) = c.field(f) {
                    sink.field_error(
                        &whole(&x),
                        ErrorType::Forbidden,
                        formats::forbidden("may not be set for init containers without restartPolicy=Always"),
                    )
                    .help("remove it, or make the init container a sidecar with `restartPolicy: Always`");
                }
            }
        }
        if let Some(rp) = c.field("resizePolicy") {
            // C-12 ("must not be set for init containers") never fires on create: it needs
            // `!opts.AllowSidecarResizePolicy`, which is the InPlacePodVerticalScaling gate, on
            // from 1.33, and with the gate off (up to 1.32) the strategy drops every
            // `resizePolicy` before validation (`cluster/defaults/pod.rs`). The check ignores
            // the container's own restartPolicy, so plain init containers pass too.
            resize_policy(sink, &rp, pod_policy, kind == ContainerKind::Init && !is_sidecar(&c) && v.at_least(36));
        }
    }
}

/// `validateResizePolicy`.
fn resize_policy(sink: &mut Sink<'_>, list: &Cur<'_>, pod_policy: &str, plain_init_136: bool) {
    let mut seen = HashSet::new();
    for (_, p) in list.items() {
        let res = text(&p, "resourceName");
        if !seen.insert(res) {
            sink.field_error(&p, ErrorType::Duplicate, formats::duplicate(res)).help("list each resource once");
        }
        let at = Cur { path: list.path.clone(), ..p.clone() };
        match res {
            "cpu" | "memory" => {}
            "" => {
                sink.field_error(&at, ErrorType::Required, formats::required("")).help("set `resourceName` to `cpu` or `memory`");
            }
            _ => {
                sink.field_error(&at, ErrorType::NotSupported, formats::not_supported(res, &["cpu", "memory"]))
                    .help("use `cpu` or `memory`");
            }
        }
        let pol = text(&p, "restartPolicy");
        match pol {
            "NotRequired" | "RestartContainer" => {}
            "" => {
                sink.field_error(&at, ErrorType::Required, formats::required(""))
                    .help("set `restartPolicy` to `NotRequired` or `RestartContainer`");
            }
            _ => {
                sink.field_error(&at, ErrorType::NotSupported, formats::not_supported(pol, &["NotRequired", "RestartContainer"]))
                    .help("use `NotRequired` or `RestartContainer`");
            }
        }
        if pod_policy == "Never" && pol != "NotRequired" {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(pol, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
                .help("a pod that never restarts cannot restart a container to resize it");
        }
        if plain_init_136 && pol == "RestartContainer" {
            let rc = child_or_parent(&p, "restartPolicy");
            sink.field_error(
                &rc,
                ErrorType::Invalid,
                formats::invalid(pol, "must not be set to 'RestartContainer' for non-sidecar initContainers"),
            )
            .help("use `NotRequired`");
        }
    }
}

/// `restartPolicyRules` (ContainerRestartRules, 1.35+).
fn restart_rules(sink: &mut Sink<'_>, c: &Cur<'_>, kind: ContainerKind, v136: bool) {
    let Some(rules) = c.field("restartPolicyRules") else { return };
    let policy = text(c, "restartPolicy");
    if policy.is_empty() {
        sink.field_error(
            &child_or_parent(c, "restartPolicy"),
            ErrorType::Required,
            formats::required("must specify restartPolicy when restart rules are used"),
        )
        .help("set the container's `restartPolicy`");
    }
    if kind == ContainerKind::Init && policy == "Always" && !v136 {
        sink.field_error(
            &whole(&rules),
            ErrorType::Forbidden,
            formats::forbidden("restartPolicyRules are not allowed for init containers with restart policy Always"),
        )
        .help("remove the rules from the sidecar");
        return;
    }
    if rules.len() > 20 {
        let (t, m) = if v136 {
            (ErrorType::TooMany, formats::too_many(rules.len(), 20))
        } else {
            (ErrorType::TooLong, "Too long: may not be more than 20 bytes".to_string())
        };
        sink.field_error(&whole(&rules), t, m).help("use at most 20 rules");
    }
    let actions: &[&str] = if v136 { &["Restart", "RestartAllContainers"] } else { &["Restart"] };
    for (_, r) in rules.items() {
        let a = text(&r, "action");
        if !actions.contains(&a) {
            sink.field_error(&child_or_parent(&r, "action"), ErrorType::NotSupported, formats::not_supported(a, actions))
                .help("use `Restart`");
        }
        match r.field("exitCodes") {
            None => {
                sink.field_error(&child_or_parent(&r, "exitCodes"), ErrorType::Required, formats::required("must be specified"))
                    .help("add `exitCodes` with an operator and values");
            }
            Some(ec) => {
                let op = text(&ec, "operator");
                if !matches!(op, "In" | "NotIn") {
                    sink.field_error(
                        &child_or_parent(&ec, "operator"),
                        ErrorType::NotSupported,
                        formats::not_supported(op, &["In", "NotIn"]),
                    )
                    .help("use `In` or `NotIn`");
                }
                if let Some(vals) = ec.field("values").filter(|x| x.len() > 255) {
                    let (t, m) = if v136 {
                        (ErrorType::TooMany, formats::too_many(vals.len(), 255))
                    } else {
                        (ErrorType::TooLong, "Too long: may not be more than 255 bytes".to_string())
                    };
                    sink.field_error(&whole(&vals), t, m).help("list at most 255 exit codes");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs, pod_with};
    use crate::KubeVersion;
    const R: &str = "container-restart-policy-invalid";

    #[test]
    fn versions() {
        let regular = pod_with("  containers:\n  - name: web\n    image: nginx:1.27\n    restartPolicy: Always\n");
        assert_eq!(errors_of(R, &regular), pairs(&[]));
        assert_eq!(errors_of_version(R, &regular, KubeVersion::new(33)), pairs(&[("spec.containers[0].restartPolicy", "Forbidden")]));
        assert_eq!(errors_of_version(R, &regular, KubeVersion::new(35)), pairs(&[]));
        let init = pod_with(
            "  initContainers:\n  - name: init\n    image: busybox:1.36\n    restartPolicy: OnFailure\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
        assert_eq!(errors_of(R, &init), pairs(&[]));
        assert_eq!(errors_of_version(R, &init, KubeVersion::new(33)), pairs(&[("spec.initContainers[0].restartPolicy", "NotSupported")]));
        let bad = pod_with("  containers:\n  - name: web\n    image: nginx:1.27\n    restartPolicy: Sometimes\n");
        assert_eq!(errors_of_version(R, &bad, KubeVersion::new(35)), pairs(&[("spec.containers[0].restartPolicy", "NotSupported")]));
    }

    #[test]
    fn init_probes_and_resize() {
        let init = pod_with(
            "  initContainers:\n  - name: init\n    image: busybox:1.36\n    readinessProbe:\n      exec:\n        command: ['true']\n    lifecycle:\n      preStop:\n        exec:\n          command: ['true']\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
        assert_eq!(
            errors_of(R, &init),
            pairs(&[("spec.initContainers[0].lifecycle", "Forbidden"), ("spec.initContainers[0].readinessProbe", "Forbidden")])
        );
        let resize = pod_with(
            "  restartPolicy: Never\n  containers:\n  - name: web\n    image: nginx:1.27\n    resizePolicy:\n    - resourceName: cpu\n      restartPolicy: RestartContainer\n    - resourceName: cpu\n      restartPolicy: NotRequired\n    - resourceName: gpu\n      restartPolicy: NotRequired\n",
        );
        assert_eq!(
            errors_of(R, &resize),
            pairs(&[
                ("spec.containers[0].resizePolicy", "Invalid"),
                ("spec.containers[0].resizePolicy", "NotSupported"),
                ("spec.containers[0].resizePolicy[1]", "Duplicate")
            ])
        );
        // A plain init container's resizePolicy is accepted in every version: from 1.33
        // InPlacePodVerticalScaling is on (AllowSidecarResizePolicy, which does not look at the
        // container's restartPolicy); up to 1.32 the strategy drops every resizePolicy, so even
        // bad entries are not validated.
        let init = pod_with(
            "  initContainers:\n  - name: init\n    image: busybox:1.36\n    resizePolicy:\n    - resourceName: cpu\n      restartPolicy: NotRequired\n  containers:\n  - name: web\n    image: nginx:1.27\n    resizePolicy:\n    - resourceName: gpu\n      restartPolicy: NotRequired\n",
        );
        for v in [30, 32] {
            assert_eq!(errors_of_version(R, &init, KubeVersion::new(v)), pairs(&[]), "1.{v}");
        }
        for v in [33, 34] {
            assert_eq!(
                errors_of_version(R, &init, KubeVersion::new(v)),
                pairs(&[("spec.containers[0].resizePolicy", "NotSupported")]),
                "1.{v}"
            );
        }
    }

    /// `validateContainerCommon` checks an ephemeral container's resizePolicy too.
    #[test]
    fn ephemeral_resize_policy() {
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n  ephemeralContainers:\n  - name: debug\n    image: a:1\n    resizePolicy:\n    - resourceName: gpu\n      restartPolicy: NotRequired\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.ephemeralContainers[0].resizePolicy", "NotSupported")]));
    }

    /// More than 20 rules or 255 exit codes: TooLong with no value in 1.35 (a bug), then from
    /// 1.36 `field.TooMany(path, len, max)`, whose detail carries the actual count (#137136).
    #[test]
    fn too_many_rules_and_exit_codes() {
        let rules = "    - {action: Restart, exitCodes: {operator: In, values: [1]}}\n".repeat(21);
        let codes: Vec<String> = (0..256).map(|i| i.to_string()).collect();
        let y = pod_with(&format!(
            "  containers:\n  - name: web\n    image: nginx:1.27\n    restartPolicy: Never\n    restartPolicyRules:\n{rules}    - {{action: Restart, exitCodes: {{operator: In, values: [{}]}}}}\n",
            codes.join(", ")
        ));
        let msgs = |v: u16| {
            let opts = crate::Options { kube_version: KubeVersion::new(v), ..Default::default() };
            let a = crate::analyze(&[crate::SourceFile::new("t.yaml", &y)], &opts);
            a.diagnostics.iter().filter(|d| d.rule == R).map(|d| d.message.clone()).collect::<Vec<_>>()
        };
        assert_eq!(msgs(35), ["Too long: may not be more than 20 bytes", "Too long: may not be more than 255 bytes"]);
        assert_eq!(msgs(36), ["Too many: 22: must have at most 20 items", "Too many: 256: must have at most 255 items"]);
        assert_eq!(msgs(37), ["Too many: 22: must have at most 20 items", "Too many: 256: must have at most 255 items"]);
    }
}
