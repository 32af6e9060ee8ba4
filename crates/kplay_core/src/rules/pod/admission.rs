//! The default admission plugins that refuse a Pod before validation (HTTP 403 Forbidden,
//! validation-rules.md §0.2 step 5 and note 24): `ServiceAccount`, `Priority` and
//! `RuntimeClass`. What exists comes from [`crate::admission::Lookups`]: a fresh cluster's
//! accounts and classes and those the input creates.
//!
//! The plugins run one after the other (`ServiceAccount`, then `Priority`, then
//! `RuntimeClass`, the order of `AllOrderedPlugins` in `pkg/kubeapiserver/options/plugins.go`)
//! and the first refusal ends the request, so a Pod gets at most one of these errors and no
//! validation errors. On a Pod the diagnostic is an error of type `Admission` on the field, and
//! the Pod is refused (`Acceptance::Admission`). A workload's pod template is not admitted
//! itself (the workload is stored): the pods its controller creates are refused (FailedCreate
//! events), so on a template the diagnostic is a warning without a `kubernetes` field, and the
//! pipeline marks the workload's pods refused (`Object::pods_refused`): the simulated
//! controller creates none.
//!
//! Read from Kubernetes' source (`plugin/pkg/admission/serviceaccount/admission.go`,
//! `plugin/pkg/admission/priority/admission.go`, `plugin/pkg/admission/runtimeclass/admission.go`):
//! - ServiceAccount: an empty `serviceAccountName` becomes `default` (the deprecated
//!   `serviceAccount` is taken first, by conversion); an account not found refuses the Pod with
//!   `error looking up service account <ns>/<name>: serviceaccount "<name>" not found`. Mirror
//!   pods (annotation `kubernetes.io/config.mirror`) are the kubelet's: the plugin gives them no
//!   account and no token volume (`cluster::defaults::pod`) and looks no account up, but its
//!   `Admit` runs its `Validate` on them at once, which refuses a mirror pod that names an
//!   account (`a mirror pod may not reference service accounts`), references a Secret anywhere
//!   `podutil.VisitPodSecretNames` looks (`a mirror pod may not reference secrets`), or projects
//!   a ServiceAccount token (`a mirror pod may not use ServiceAccountToken volume projections`):
//!   rule `mirror-pod-refused`. A workload's template with the annotation is not checked (its
//!   pods would be mirror pods too; kplay treats them as ordinary ones).
//! - Priority, on create: a named class that does not exist refuses the Pod (`no PriorityClass
//!   with name <name> was found`); a `priority` written in the Pod that differs from the class's
//!   value refuses it, and so does a `preemptionPolicy` that differs from the class's. Without a
//!   class the global default class applies, else priority 0 and `PreemptLowerPriority`. The
//!   system classes are allowed in every namespace (the kube-system-only check was removed in
//!   1.17).
//! - RuntimeClass: a `runtimeClassName` naming no RuntimeClass refuses the Pod (`pod rejected:
//!   RuntimeClass "<name>" not found`); an empty one fails the plugin's lookup itself (HTTP 500,
//!   `resource name may not be empty`). Its mutating phase then sets the Pod's `overhead` from
//!   the class's `overhead.podFixed` (a Pod that wrote a different one is refused: `Pod's
//!   Overhead doesn't match RuntimeClass's defined Overhead`; quantities compare by value) and
//!   adds the class's `scheduling.nodeSelector` to the Pod's (a key the Pod gives another value
//!   refuses it: `conflict: runtimeClass.scheduling.nodeSelector[k] = v; pod.spec.nodeSelector[k]
//!   = w`; with several, Go's map order is random and kplay names the first in sorted order) and
//!   its tolerations (`MergeTolerations`). Its validating phase refuses an `overhead` without a
//!   class that defines one (`Pod Overhead set without corresponding RuntimeClass defined
//!   Overhead`). The server runs validating admission after the object's own validation, so a
//!   Pod with validation errors gets those (422) instead, and this 403 only when it is otherwise
//!   valid: the pipeline runs [`check_validating`] after the validation stage. The mutations are in
//!   `cluster::defaults::pod`; the simulated pods of a workload get the node selector and
//!   tolerations too (`PodSpec::add_runtime_class_scheduling`).
//! - The 403 names the Pod by `metadata.name`, else its `generateName` (the name is generated
//!   after admission), else "Unknown" (`admission.NewForbidden`).

use std::collections::BTreeMap;

use crate::admission::RuntimeClass;
use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats::{dns1123_subdomain_msgs, quote};
use crate::rules::pod::quantity::Quantity;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::source::Span;
use crate::yaml::Node;

pub static SERVICE_ACCOUNT_NOT_FOUND: Rule = Rule {
    name: "service-account-not-found",
    severity: Severity::Error,
    stage: Stage::Admission,
    summary: "The Pod's ServiceAccount does not exist: the ServiceAccount admission plugin refuses the Pod (403 Forbidden).",
    docs: rule_docs!(
        r#"## What it does
Checks that the ServiceAccount a Pod runs as exists in its namespace: one created by the
manifests, `default` (every namespace has it), or one a fresh kubeadm cluster has in
`kube-system` (CoreDNS's, kube-proxy's and the controllers'). An empty `serviceAccountName`
means `default`; the deprecated `serviceAccount` is read when `serviceAccountName` is empty.

On a Pod this is an error: the API server refuses it before validating anything. On the pod
template of a Deployment, StatefulSet, DaemonSet, Job or CronJob it is a warning: the workload
is stored, and every pod its controller creates is refused.

## Why is this bad?
`kubectl apply` fails with `pods "build" is forbidden: error looking up service account
default/builder: serviceaccount "builder" not found`. For a workload nothing fails at apply
time: the ReplicaSet shows `FailedCreate` events, no pod starts, and the Services that select
them have no endpoints. If the account already exists on the cluster you apply to, pass its
manifest to kplay too, or turn this rule off in kplay.toml.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: build
spec:
  serviceAccountName: builder
  containers:
    - name: build
      image: golang:1.23
```

## Use instead
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
---
apiVersion: v1
kind: Pod
metadata:
  name: build
spec:
  serviceAccountName: builder
  containers:
    - name: build
      image: golang:1.23
```

## References
- Service accounts: <https://kubernetes.io/docs/concepts/security/service-accounts/>
- Admission controllers, ServiceAccount: <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount>
"#
    ),
    spec: &[],
    check: Some(check),
};

pub static MIRROR_POD_REFUSED: Rule = Rule {
    name: "mirror-pod-refused",
    severity: Severity::Error,
    stage: Stage::Admission,
    summary: "A Pod marked as a kubelet's mirror pod (`kubernetes.io/config.mirror`) names a ServiceAccount, references a Secret or projects a token: the ServiceAccount admission plugin refuses it (403 Forbidden).",
    docs: rule_docs!(
        r#"## What it does
A Pod with the annotation `kubernetes.io/config.mirror` is a mirror pod: the API server's copy
of a static pod that a kubelet runs from a file on its node. The ServiceAccount admission
plugin gives a mirror pod no account and no token, and refuses one that:
- names a ServiceAccount (`serviceAccountName`, or the deprecated `serviceAccount`);
- references a Secret: `imagePullSecrets`, `envFrom[].secretRef` or
  `env[].valueFrom.secretKeyRef` in any container (init and ephemeral ones too), or a volume's
  `secret`, `projected.sources[].secret`, `azureFile.secretName`, `csi.nodePublishSecretRef` or
  the `secretRef` of `cephfs`, `cinder`, `flexVolume`, `rbd`, `scaleIO`, `iscsi` or
  `storageos`;
- projects a ServiceAccount token (`projected.sources[].serviceAccountToken`).

It checks them in that order and names the first.

## Why is this bad?
`kubectl apply` fails with `pods "etcd-node-1" is forbidden: a mirror pod may not reference
secrets`. Such a manifest is usually a copy of `kubectl get pod -o yaml` of a static pod (etcd,
kube-apiserver): the kubelet put the annotation there, and a Pod created through the API should
not carry it.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: etcd-node-1
  annotations:
    kubernetes.io/config.mirror: 3c1a6d2e
spec:
  serviceAccountName: etcd
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.21-0
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: etcd-node-1
spec:
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.21-0
```

## References
- Static pods and mirror pods: <https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/>
- Admission controllers, ServiceAccount: <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount>
"#
    ),
    spec: &[],
    check: Some(check),
};

pub static PRIORITY_CLASS_REFUSED: Rule = Rule {
    name: "priority-class-refused",
    severity: Severity::Error,
    stage: Stage::Admission,
    summary: "The Priority admission plugin refuses the Pod: its PriorityClass does not exist, or it sets `priority` or `preemptionPolicy` itself.",
    docs: rule_docs!(
        r#"## What it does
Checks a Pod's priority as the Priority admission plugin does on create:
- `priorityClassName` must name a PriorityClass that exists: `system-cluster-critical`,
  `system-node-critical` or one created by the manifests (`scheduling.k8s.io/v1`);
- `priority` may be written only with the value the class gives (without a class: the global
  default class's value, else 0);
- `preemptionPolicy` likewise only with the class's policy (without a class:
  `PreemptLowerPriority`, unless a global default class says otherwise).

On a Pod this is an error: the API server refuses it before validating anything. On a
workload's pod template it is a warning: the workload is stored, and every pod its controller
creates is refused.

## Why is this bad?
`kubectl apply` fails with `pods "web" is forbidden: no PriorityClass with name high was found`,
or `the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority
admission controller computed PreemptLowerPriority from the given PriorityClass name`. A pod
cannot choose its own priority: the policy belongs on the PriorityClass.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: batch
spec:
  preemptionPolicy: Never
  containers:
    - name: batch
      image: busybox:1.36
```

## Use instead
```yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: batch-no-preempt
value: 1000
preemptionPolicy: Never
---
apiVersion: v1
kind: Pod
metadata:
  name: batch
spec:
  priorityClassName: batch-no-preempt
  containers:
    - name: batch
      image: busybox:1.36
```

## References
- Pod priority and preemption: <https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/>
- Admission controllers, Priority: <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#priority>
"#
    ),
    spec: &[],
    check: Some(check),
};

pub static RUNTIME_CLASS_REFUSED: Rule = Rule {
    name: "runtime-class-refused",
    severity: Severity::Error,
    stage: Stage::Admission,
    summary: "The RuntimeClass admission plugin refuses the Pod (403 Forbidden): its RuntimeClass does not exist, or the Pod's `overhead` or node selector disagrees with it.",
    docs: rule_docs!(
        r#"## What it does
Checks a Pod as the RuntimeClass admission plugin does on create:
- `runtimeClassName` must name a RuntimeClass (`node.k8s.io/v1`) created by the manifests. A
  fresh cluster has none. An empty name fails too: the plugin's lookup of "" is an internal
  error (HTTP 500).
- `overhead` belongs to the RuntimeClass: the plugin copies the class's `overhead.podFixed`
  into the Pod. A Pod that writes a different overhead is refused, and so is one that writes an
  overhead without a class that defines one (that check comes after validation: a Pod with
  validation errors gets those instead).
- The class's `scheduling.nodeSelector` is added to the Pod's node selector: a Pod that gives
  one of its keys another value is refused. Its `scheduling.tolerations` are added to the Pod's.

A Pod the class sends to nodes that kplay's cluster does not have stays Pending
(`pod-unschedulable` names the class).

On a Pod this is an error: the API server refuses it before validating anything. On a
workload's pod template it is a warning: the workload is stored, and every pod its controller
creates is refused.

## Why is this bad?
`kubectl apply` fails with `pods "sandboxed" is forbidden: pod rejected: RuntimeClass "gvisor"
not found`, or `pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead`, or
`conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime]
= runc`. If the class already exists on the cluster you apply to (installed with its
runtime), pass its manifest to kplay too, or turn this rule off in kplay.toml.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: sandboxed
spec:
  runtimeClassName: gvisor
  containers:
    - name: app
      image: nginx:1.27
```

## Use instead
```yaml
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: gvisor
handler: runsc
---
apiVersion: v1
kind: Pod
metadata:
  name: sandboxed
spec:
  runtimeClassName: gvisor
  containers:
    - name: app
      image: nginx:1.27
```

## References
- Runtime Class: <https://kubernetes.io/docs/concepts/containers/runtime-class/>
- Admission controllers, RuntimeClass: <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#runtimeclass>
"#
    ),
    spec: &[],
    check: Some(check),
};

/// The first plugin's refusal of the pod: which rule reports it, where, and what it says.
struct Refusal {
    rule: &'static str,
    span: Span,
    path: String,
    reason: String,
    help: String,
    /// An internal error (HTTP 500) instead of the plugin's 403.
    internal: bool,
}

impl Refusal {
    fn new(rule: &Rule, at: &Cur<'_>, reason: String, help: impl Into<String>) -> Self {
        Refusal { rule: rule.name, span: at.span(), path: at.path.clone(), reason, help: help.into(), internal: false }
    }

    /// A refusal of a field as a whole (a mapping): at its key.
    fn at_key(rule: &Rule, at: &Cur<'_>, reason: String, help: impl Into<String>) -> Self {
        Refusal { span: at.key_span(), ..Refusal::new(rule, at, reason, help) }
    }
}

/// The rules share one check: the plugins run in order and the first refusal ends the request,
/// so each rule reports only a refusal of its own plugin.
fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(r) = first_refusal(ctx) else { return };
    report(ctx, sink, r);
}

/// The validating phase of admission, which the server runs after the object's own validation
/// (`Store.create`: `BeforeCreate`, then the validating admission plugins): the RuntimeClass
/// plugin's `validateOverhead`. The pipeline (`analysis::check_object`) calls it for an object
/// validation accepted, with a sink of `runtime-class-refused`.
pub(crate) fn check_validating(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = ctx.pod_spec() else { return };
    if let Some(r) = overhead_without_class(ctx, &spec) {
        report(ctx, sink, r);
    }
}

fn report(ctx: &Ctx<'_>, sink: &mut Sink<'_>, r: Refusal) {
    if r.rule != sink.rule.name {
        return;
    }
    if ctx.is_template() {
        let d = sink.report(
            r.span,
            format!(
                "the API server accepts the {} but refuses the pods created from this template (FailedCreate): {}",
                ctx.kind(),
                r.reason
            ),
        );
        d.severity = Severity::Warning;
        d.primary.message = r.path;
        d.help(r.help);
    } else if r.internal {
        sink.field_error_at(r.span, &r.path, ErrorType::InternalError, format!("Internal error occurred: {}", r.reason)).help(r.help);
    } else {
        // `admission.NewForbidden` names the object by its name, else (the name is generated
        // after admission) its generateName, else "Unknown".
        let meta = |k: &str| ctx.obj.raw.path(&["metadata", k]).and_then(crate::yaml::Node::as_str).filter(|n| !n.is_empty());
        let name = meta("name").or_else(|| meta("generateName")).unwrap_or("Unknown");
        sink.field_error_at(r.span, &r.path, ErrorType::Admission, format!("pods {} is forbidden: {}", quote(name), r.reason)).help(r.help);
    }
}

fn first_refusal(ctx: &Ctx<'_>) -> Option<Refusal> {
    let spec = ctx.pod_spec()?;
    service_account(ctx, &spec).or_else(|| priority(ctx, &spec)).or_else(|| runtime_class(ctx, &spec))
}

/// Whether a template's name is one validation already refuses (so the workload is refused as
/// written and a warning about its pods adds nothing). On a Pod admission runs first and its
/// refusal is the only error.
fn refused_by_validation(ctx: &Ctx<'_>, name: &str) -> bool {
    ctx.is_template() && !dns1123_subdomain_msgs(name).is_empty()
}

fn is_mirror_pod(ctx: &Ctx<'_>) -> bool {
    !ctx.is_template()
        && ctx.root().field("metadata").and_then(|m| m.field("annotations")).and_then(|a| a.field("kubernetes.io/config.mirror")).is_some()
}

fn service_account(ctx: &Ctx<'_>, spec: &Cur<'_>) -> Option<Refusal> {
    if is_mirror_pod(ctx) {
        return mirror_pod(spec);
    }
    // Defaulting has put the deprecated alias into `serviceAccountName` when that was empty.
    let c = spec.field("serviceAccountName")?;
    let name = c.str().filter(|n| !n.is_empty())?;
    let ns = &ctx.obj.namespace;
    if ctx.lookups.has_service_account(ns, name) || refused_by_validation(ctx, name) {
        return None;
    }
    Some(Refusal::new(
        &SERVICE_ACCOUNT_NOT_FOUND,
        &c,
        format!("error looking up service account {ns}/{name}: serviceaccount {} not found", quote(name)),
        format!(
            "create the ServiceAccount `{name}` in namespace `{ns}` (a `v1` ServiceAccount in these manifests), or remove `serviceAccountName` to run as `default`"
        ),
    ))
}

/// The ServiceAccount plugin's checks of a mirror pod (`Validate`, which its `Admit` runs for
/// mirror pods): no account, no Secret, no projected token, the first found in Go's order.
fn mirror_pod(spec: &Cur<'_>) -> Option<Refusal> {
    const HELP: &str =
        "the annotation `kubernetes.io/config.mirror` marks the kubelet's copy of a static pod; remove it to create an ordinary Pod";
    if let Some(c) = spec.field("serviceAccountName").filter(|c| c.str().is_some_and(|n| !n.is_empty())) {
        let reason = "a mirror pod may not reference service accounts".to_string();
        return Some(Refusal::new(&MIRROR_POD_REFUSED, &c, reason, format!("{HELP}, or remove `serviceAccountName`")));
    }
    if let Some(c) = first_secret_reference(spec) {
        let reason = "a mirror pod may not reference secrets".to_string();
        return Some(Refusal::at_key(&MIRROR_POD_REFUSED, &c, reason, format!("{HELP}, or remove the reference to the Secret")));
    }
    let token = volumes(spec)
        .filter_map(|v| v.field("projected")?.field("sources"))
        .find_map(|sources| sources.items().find_map(|(_, s)| s.field("serviceAccountToken")))?;
    let reason = "a mirror pod may not use ServiceAccountToken volume projections".to_string();
    Some(Refusal::at_key(&MIRROR_POD_REFUSED, &token, reason, format!("{HELP}, or remove the `serviceAccountToken` projection")))
}

fn volumes<'a>(spec: &Cur<'a>) -> impl Iterator<Item = Cur<'a>> {
    spec.field("volumes").into_iter().flat_map(|v| v.items().map(|(_, c)| c).collect::<Vec<_>>())
}

/// The first Secret the pod references, in the order of `podutil.VisitPodSecretNames`: image
/// pull secrets; each container's (init, then regular, then ephemeral) `envFrom` secretRefs and
/// `env` secretKeyRefs; then each volume, by the first volume source its `switch` finds (a
/// volume with two sources is invalid, but admission runs before validation).
fn first_secret_reference<'a>(spec: &Cur<'a>) -> Option<Cur<'a>> {
    if let Some(first) = spec.field("imagePullSecrets").and_then(|s| s.items().next().map(|(_, c)| c)) {
        return Some(first);
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (_, c) in spec.field(list).iter().flat_map(|l| l.items().collect::<Vec<_>>()) {
            let env_from = c.field("envFrom").and_then(|l| l.items().find_map(|(_, e)| e.field("secretRef")));
            let env = || c.field("env").and_then(|l| l.items().find_map(|(_, e)| e.field("valueFrom")?.field("secretKeyRef")));
            if let Some(r) = env_from.or_else(env) {
                return Some(r);
            }
        }
    }
    volumes(spec).find_map(|v| volume_secret(&v))
}

/// The Secret reference of a volume, by the first of its sources in the `switch` of
/// `VisitPodSecretNames`.
fn volume_secret<'a>(v: &Cur<'a>) -> Option<Cur<'a>> {
    const SOURCES: [&str; 11] =
        ["azureFile", "cephfs", "cinder", "flexVolume", "projected", "rbd", "secret", "scaleIO", "iscsi", "storageos", "csi"];
    let (kind, source) = SOURCES.iter().find_map(|k| v.field(k).map(|c| (*k, c)))?;
    match kind {
        "azureFile" => source.field("secretName").filter(|n| n.str().is_some_and(|n| !n.is_empty())),
        "projected" => source.field("sources").and_then(|l| l.items().find_map(|(_, s)| s.field("secret"))),
        "secret" => Some(source),
        "csi" => source.field("nodePublishSecretRef"),
        _ => source.field("secretRef"),
    }
}

fn priority(ctx: &Ctx<'_>, spec: &Cur<'_>) -> Option<Refusal> {
    let class = spec.field("priorityClassName").and_then(|c| c.str().map(|n| (c, n)));
    let name = class.as_ref().map_or("", |(_, n)| *n);
    let Some(p) = ctx.lookups.priority(name) else {
        let (c, _) = class?;
        if refused_by_validation(ctx, name) {
            return None;
        }
        return Some(Refusal::new(
            &PRIORITY_CLASS_REFUSED,
            &c,
            format!("no PriorityClass with name {name} was found"),
            format!("create the PriorityClass `{name}` (`scheduling.k8s.io/v1`), or use `system-cluster-critical`, `system-node-critical` or no class"),
        ));
    };
    // What the Pod says itself: only the values as written count (defaulting filled the rest
    // from the same class). A template is never given them, so it has only what was written.
    let written = |f: &str| spec.field(f).filter(|c| !c.node.synthetic);
    if let Some(c) = written("priority") {
        if let Some(v) = c.i64().filter(|v| *v != p.value) {
            return Some(Refusal::new(
                &PRIORITY_CLASS_REFUSED,
                &c,
                format!(
                    "the integer value of priority ({v}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name",
                    p.value
                ),
                "remove `priority`: it comes from the PriorityClass (`priorityClassName`)",
            ));
        }
    }
    let c = written("preemptionPolicy")?;
    let v = c.str().filter(|v| !v.is_empty() && *v != p.preemption_policy)?;
    Some(Refusal::new(
        &PRIORITY_CLASS_REFUSED,
        &c,
        format!(
            "the string value of PreemptionPolicy ({v}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name",
            p.preemption_policy
        ),
        "remove `preemptionPolicy` and set it on a PriorityClass (`preemptionPolicy: Never`) that the pod names in `priorityClassName`",
    ))
}

fn runtime_class(ctx: &Ctx<'_>, spec: &Cur<'_>) -> Option<Refusal> {
    // What the Pod wrote itself: the defaults copy the class's overhead into a Pod without one.
    let overhead = spec.field("overhead").filter(|c| !c.node.synthetic);
    let class = match spec.field("runtimeClassName") {
        None => None,
        Some(c) => match runtime_class_named(ctx, &c) {
            Ok(class) => class.map(|rc| (c.str().unwrap_or(""), rc)),
            Err(r) => return Some(r),
        },
    };
    // Admit: `setOverhead`, then `setScheduling`.
    if let Some((name, rc)) = class {
        if let (Some(fixed), Some(o)) = (&rc.overhead, &overhead) {
            if !same_resources(fixed, o.node) {
                return Some(Refusal::at_key(
                    &RUNTIME_CLASS_REFUSED,
                    o,
                    "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead".into(),
                    format!(
                        "remove `overhead`: the RuntimeClass admission plugin sets it from the RuntimeClass `{name}` (`overhead.podFixed`)"
                    ),
                ));
            }
        }
        // Go ranges over the class's map in random order; with several conflicts kplay reports
        // the first key in sorted order.
        let selector = spec.field("nodeSelector");
        for (key, want) in &rc.node_selector {
            let Some(pod_value) = selector.as_ref().and_then(|s| s.entries().find(|(k, _)| k == key)).map(|(_, v)| v) else { continue };
            let have = pod_value.node.text().unwrap_or("");
            if pod_value.node.synthetic || have == want {
                continue;
            }
            return Some(Refusal::new(
                &RUNTIME_CLASS_REFUSED,
                &pod_value,
                format!("conflict: runtimeClass.scheduling.nodeSelector[{key}] = {want}; pod.spec.nodeSelector[{key}] = {have}"),
                format!("remove `nodeSelector.{key}` or set it to `{want}`: the RuntimeClass `{name}` adds `{key}: {want}` to the pod's node selector"),
            ));
        }
    }
    None
}

/// `validateOverhead`: an `overhead` the Pod wrote without a RuntimeClass that defines one (with
/// one, the mutating phase has already compared them).
fn overhead_without_class(ctx: &Ctx<'_>, spec: &Cur<'_>) -> Option<Refusal> {
    let o = spec.field("overhead").filter(|c| !c.node.synthetic)?;
    let class = spec.field("runtimeClassName").and_then(|c| c.str().and_then(|n| ctx.lookups.runtime_class(n)));
    if class.is_some_and(|rc| rc.overhead.is_some()) {
        return None;
    }
    Some(Refusal::at_key(
        &RUNTIME_CLASS_REFUSED,
        &o,
        "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead".into(),
        "remove `overhead`: the RuntimeClass admission plugin sets it from the `overhead.podFixed` of the RuntimeClass the pod names in `runtimeClassName`",
    ))
}

/// `prepareObjects`: the RuntimeClass a `runtimeClassName` names (`Ok(None)` where kplay does
/// not judge a template's name), or the refusal when there is none.
fn runtime_class_named<'l>(ctx: &Ctx<'l>, c: &Cur<'_>) -> Result<Option<&'l RuntimeClass>, Refusal> {
    let Some(name) = c.str() else { return Ok(None) };
    if let Some(rc) = ctx.lookups.runtime_class(name) {
        return Ok(Some(rc));
    }
    if ctx.is_template() && (name.is_empty() || refused_by_validation(ctx, name)) {
        return Ok(None);
    }
    if name.is_empty() {
        // The plugin looks "" up with the API client, which fails before asking the server:
        // not a "not found" but an internal error (HTTP 500).
        let mut r = Refusal::new(
            &RUNTIME_CLASS_REFUSED,
            c,
            "resource name may not be empty".to_string(),
            "remove `runtimeClassName` to use the node's default runtime",
        );
        r.internal = true;
        return Err(r);
    }
    let help = format!(
        "create the RuntimeClass `{name}` (`node.k8s.io/v1`, with the `handler` the nodes' runtime knows), or remove `runtimeClassName`"
    );
    Err(Refusal::new(&RUNTIME_CLASS_REFUSED, c, format!("pod rejected: RuntimeClass {} not found", quote(name)), help))
}

/// `apiequality.Semantic.DeepEqual` of two resource lists: the same names, and quantities that
/// compare equal (`1` and `1000m`); a text that is not a quantity only equals itself.
fn same_resources(fixed: &BTreeMap<String, Node>, pod: &Node) -> bool {
    let entries = pod.as_map().unwrap_or(&[]);
    let value = |n: &Node| {
        let t = n.text().unwrap_or("");
        (Quantity::parse(t).map(|q| q.milli), t.to_string())
    };
    let same = |a: &Node, b: &Node| {
        let (qa, ta) = value(a);
        let (qb, tb) = value(b);
        match (qa, qb) {
            (Some(x), Some(y)) => x == y,
            _ => ta == tb,
        }
    };
    entries.len() == fixed.len() && entries.iter().all(|e| e.key.text().and_then(|k| fixed.get(k)).is_some_and(|f| same(f, &e.value)))
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{ErrorType, Severity};
    use crate::model::Acceptance;

    fn analyze(yaml: &str) -> crate::Analysis {
        crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &crate::Options::default())
    }

    fn pod(spec: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{spec}  containers:\n  - name: c\n    image: nginx:1.27\n")
    }

    fn deployment(spec: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n{spec}      containers:\n      - name: c\n        image: nginx:1.27\n"
        )
    }

    /// (rule, severity, field, message) of every diagnostic but the image note, the notes
    /// about the kinds kplay does not model and the namespaces it does not know, and the
    /// scheduler's (no node has a RuntimeClass's labels here; see cluster/tests.rs).
    fn found(a: &crate::Analysis) -> Vec<(&'static str, Severity, Option<String>, String)> {
        a.diagnostics
            .iter()
            .filter(|d| !matches!(d.rule, "image-tag-latest" | "kind-not-checked" | "namespace-not-found" | "pod-unschedulable"))
            .map(|d| {
                (d.rule, d.severity, d.kubernetes.as_ref().map(|k| format!("{}/{}", k.field, k.error_type.as_str())), d.message.clone())
            })
            .collect()
    }

    /// What `found` gives for a Pod refused with one error.
    fn refused(rule: &'static str, field: &str, message: &str) -> Vec<(&'static str, Severity, Option<String>, String)> {
        vec![(rule, Severity::Error, Some(format!("{field}/Admission")), format!("pods \"p\" is forbidden: {message}"))]
    }

    #[test]
    fn a_pod_with_an_unknown_account_is_refused_before_validation() {
        // `Bad_Name` is also an invalid name, but admission refuses first and alone (P-11).
        let a = analyze(&pod("  serviceAccountName: Bad_Name\n  dnsPolicy: Sometimes\n"));
        assert_eq!(
            found(&a),
            [(
                "service-account-not-found",
                Severity::Error,
                Some("spec.serviceAccountName/Admission".into()),
                "pods \"p\" is forbidden: error looking up service account default/Bad_Name: serviceaccount \"Bad_Name\" not found".into()
            )]
        );
        assert_eq!(a.objects[0].acceptance, Acceptance::Admission);
    }

    #[test]
    fn accounts_that_exist_pass() {
        for (ns, spec, extra) in [
            ("default", "", ""),
            ("default", "  serviceAccountName: default\n", ""),
            ("kube-system", "  serviceAccountName: coredns\n", ""),
            (
                "ci",
                "  serviceAccountName: builder\n",
                "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: ci\n---\n",
            ),
        ] {
            let y = format!("{extra}{}", pod(spec).replace("  name: p\n", &format!("  name: p\n  namespace: {ns}\n")));
            let a = analyze(&y);
            assert!(found(&a).iter().all(|f| f.0 != "service-account-not-found"), "{y}\n{:#?}", found(&a));
            assert!(a.objects.iter().all(|o| o.acceptance != Acceptance::Admission));
        }
        // The account of another namespace does not count.
        let y = format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: ci\n---\n{}",
            pod("  serviceAccountName: builder\n")
        );
        assert_eq!(found(&analyze(&y)).len(), 1);
    }

    #[test]
    fn the_note_on_an_account_says_it_still_counts() {
        let a = analyze("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n");
        let d = a.diagnostics.iter().find(|d| d.rule == "kind-not-checked").expect("noted");
        assert!(
            d.help.as_deref().is_some_and(|h| h.contains("this ServiceAccount still counts for the Pods that name it")),
            "{:?}",
            d.help
        );
    }

    #[test]
    fn the_deprecated_alias_is_checked_at_its_place() {
        let y = pod("  serviceAccount: builder\n");
        let a = analyze(&y);
        let d = a.diagnostics.iter().find(|d| d.rule == "service-account-not-found").expect("reported");
        assert_eq!(&y[d.primary.span.start as usize..d.primary.span.end as usize], "builder");
        assert_eq!(d.kubernetes.as_ref().unwrap().field, "spec.serviceAccountName");
        // serviceAccountName wins over the alias.
        assert!(found(&analyze(&pod("  serviceAccountName: default\n  serviceAccount: builder\n"))).is_empty());
    }

    #[test]
    fn a_template_warns_and_its_pods_are_refused() {
        let a = analyze(&deployment("      serviceAccountName: builder\n"));
        let f = found(&a);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].0, f[0].1, f[0].2.clone()), ("service-account-not-found", Severity::Warning, None));
        assert!(f[0].3.starts_with("the API server accepts the Deployment but refuses the pods created from this template (FailedCreate): error looking up service account default/builder"), "{}", f[0].3);
        assert!(a.objects[0].is_accepted() && a.objects[0].pods_refused);
        // A workload validation refuses has no pods for admission to refuse.
        let a =
            analyze(&deployment("      serviceAccountName: builder\n").replace("spec:\n  selector:", "spec:\n  replicas: -1\n  selector:"));
        assert_eq!(found(&a).iter().map(|f| f.0).collect::<Vec<_>>(), ["workload-spec-invalid"]);
        assert!(!a.objects[0].pods_refused);
        // An invalid name is validation's error, not a second warning.
        let a = analyze(&deployment("      serviceAccountName: Bad_Name\n"));
        assert_eq!(found(&a).iter().map(|f| f.0).collect::<Vec<_>>(), ["pod-spec-invalid"]);
        assert!(!a.objects[0].pods_refused);
    }

    #[test]
    fn a_service_over_refused_pods_says_why() {
        let y = format!(
            "{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
            deployment("      runtimeClassName: gvisor\n")
        );
        let a = analyze(&y);
        let d = a.diagnostics.iter().find(|d| d.rule == "selector-matches-no-pods").expect("the Service has no pods");
        assert!(d.secondary.iter().any(|l| l.message.contains("refuses the pods its controller creates")), "{d:#?}");
    }

    #[test]
    fn unknown_priority_classes_are_refused_and_known_ones_give_the_priority() {
        let a = analyze(&pod("  priorityClassName: high\n"));
        assert_eq!(
            found(&a),
            [(
                "priority-class-refused",
                Severity::Error,
                Some("spec.priorityClassName/Admission".into()),
                "pods \"p\" is forbidden: no PriorityClass with name high was found".into()
            )]
        );
        let pc =
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\npreemptionPolicy: Never\n---\n";
        let a = analyze(&format!("{pc}{}", pod("  priorityClassName: high\n")));
        assert!(found(&a).is_empty(), "{:#?}", found(&a));
        let spec = a.objects[1].stored.get("spec").unwrap();
        assert_eq!(spec.get("priority").and_then(crate::yaml::Node::as_i64), Some(1000));
        assert_eq!(spec.get("preemptionPolicy").and_then(crate::yaml::Node::as_str), Some("Never"));
        // System classes exist in every namespace.
        assert!(found(&analyze(&pod("  priorityClassName: system-node-critical\n"))).is_empty());
    }

    #[test]
    fn a_pod_may_not_choose_its_own_priority_or_preemption_policy() {
        let cases = [
            ("  priority: 5\n", "spec.priority", "the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"),
            (
                "  preemptionPolicy: Never\n",
                "spec.preemptionPolicy",
                "the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name",
            ),
            (
                "  priorityClassName: system-cluster-critical\n  priority: 0\n",
                "spec.priority",
                "the integer value of priority (0) must not be provided in pod spec; priority admission controller computed 2000000000 from the given PriorityClass name",
            ),
        ];
        for (spec, field, reason) in cases {
            let a = analyze(&pod(spec));
            assert_eq!(
                found(&a),
                [(
                    "priority-class-refused",
                    Severity::Error,
                    Some(format!("{field}/Admission")),
                    format!("pods \"p\" is forbidden: {reason}")
                )],
                "{spec}"
            );
        }
        // The values the class gives may be written.
        assert!(found(&analyze(&pod("  priority: 0\n  preemptionPolicy: PreemptLowerPriority\n"))).is_empty());
    }

    #[test]
    fn a_global_default_class_names_the_pod_and_gives_its_priority() {
        let pc = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: normal\nvalue: 100\nglobalDefault: true\n---\n";
        let a = analyze(&format!("{pc}{}", pod("")));
        assert!(found(&a).is_empty(), "{:#?}", found(&a));
        let spec = a.objects[1].stored.get("spec").unwrap();
        assert_eq!(spec.get("priorityClassName").and_then(crate::yaml::Node::as_str), Some("normal"));
        assert_eq!(spec.get("priority").and_then(crate::yaml::Node::as_i64), Some(100));
        let a = analyze(&format!("{pc}{}", pod("  priority: 0\n")));
        assert_eq!(found(&a)[0].2.as_deref(), Some("spec.priority/Admission"));
    }

    #[test]
    fn runtime_classes_must_exist() {
        let a = analyze(&pod("  runtimeClassName: gvisor\n"));
        assert_eq!(found(&a), refused("runtime-class-refused", "spec.runtimeClassName", "pod rejected: RuntimeClass \"gvisor\" not found"));
        // An empty name is looked up too, before validation could say it is invalid, and the
        // lookup fails with an internal error.
        let a = analyze(&pod("  runtimeClassName: \"\"\n"));
        assert_eq!(
            found(&a),
            [(
                "runtime-class-refused",
                Severity::Error,
                Some("spec.runtimeClassName/InternalError".into()),
                "Internal error occurred: resource name may not be empty".into()
            )]
        );
        let rc = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: gvisor\nhandler: runsc\n---\n";
        assert!(found(&analyze(&format!("{rc}{}", pod("  runtimeClassName: gvisor\n")))).is_empty());
    }

    #[test]
    fn a_pod_without_a_name_is_named_by_its_generate_name() {
        let y = pod("  serviceAccountName: builder\n").replace("  name: p\n", "  generateName: job-\n");
        assert!(found(&analyze(&y))[0].3.starts_with("pods \"job-\" is forbidden: "), "{:?}", found(&analyze(&y)));
    }

    #[test]
    fn the_first_plugin_to_refuse_is_the_only_error() {
        let a = analyze(&pod("  serviceAccountName: builder\n  priorityClassName: high\n  runtimeClassName: gvisor\n"));
        assert_eq!(found(&a).iter().map(|f| f.0).collect::<Vec<_>>(), ["service-account-not-found"]);
        let a = analyze(&pod("  priorityClassName: high\n  runtimeClassName: gvisor\n"));
        assert_eq!(found(&a).iter().map(|f| f.0).collect::<Vec<_>>(), ["priority-class-refused"]);
        assert!(found(&a).iter().all(|f| f.2.as_ref().is_some_and(|k| k.ends_with(ErrorType::Admission.as_str()))));
    }

    const KATA: &str = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata\nhandler: kata\noverhead:\n  podFixed:\n    cpu: 250m\n    memory: 120Mi\nscheduling:\n  nodeSelector:\n    runtime: kata\n  tolerations:\n  - key: sandbox\n    operator: Exists\n    effect: NoSchedule\n---\n";

    #[test]
    fn a_runtime_class_sets_the_overhead_and_refuses_another() {
        let a = analyze(&format!("{KATA}{}", pod("  runtimeClassName: kata\n")));
        assert!(found(&a).is_empty(), "{:?}", found(&a));
        let spec = a.objects[1].stored.get("spec").unwrap();
        let overhead = spec.get("overhead").unwrap();
        assert_eq!(overhead.get("cpu").and_then(crate::yaml::Node::as_str), Some("250m"));
        assert_eq!(overhead.get("memory").and_then(crate::yaml::Node::as_str), Some("120Mi"));
        // The same quantities written otherwise are the same overhead.
        let a = analyze(&format!("{KATA}{}", pod("  runtimeClassName: kata\n  overhead:\n    cpu: \"0.25\"\n    memory: 125829120\n")));
        assert!(found(&a).is_empty(), "{:?}", found(&a));
        let a = analyze(&format!("{KATA}{}", pod("  runtimeClassName: kata\n  overhead:\n    cpu: 500m\n    memory: 120Mi\n")));
        assert_eq!(
            found(&a),
            refused("runtime-class-refused", "spec.overhead", "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
        );
        // Without a class that has one, a Pod may not set an overhead (the validating phase).
        for spec in ["  overhead:\n    cpu: 250m\n", "  overhead: {}\n"] {
            let a = analyze(&pod(spec));
            assert_eq!(
                found(&a),
                refused(
                    "runtime-class-refused",
                    "spec.overhead",
                    "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"
                ),
                "{spec}"
            );
        }
        let plain = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: runc\nhandler: runc\n---\n";
        let a = analyze(&format!("{plain}{}", pod("  runtimeClassName: runc\n  overhead:\n    cpu: 250m\n")));
        assert_eq!(
            found(&a).iter().map(|f| f.3.as_str()).collect::<Vec<_>>(),
            ["pods \"p\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"]
        );
    }

    #[test]
    fn a_runtime_class_merges_its_scheduling_and_refuses_a_conflict() {
        let a = analyze(&format!(
            "{KATA}{}",
            pod("  runtimeClassName: kata\n  nodeSelector:\n    disk: ssd\n  tolerations:\n  - key: sandbox\n    operator: Equal\n    value: \"yes\"\n    effect: NoSchedule\n")
        ));
        assert!(found(&a).is_empty(), "{:?}", found(&a));
        let spec = a.objects[1].stored.get("spec").unwrap();
        let selector = spec.get("nodeSelector").unwrap();
        assert_eq!(selector.get("disk").and_then(crate::yaml::Node::as_str), Some("ssd"));
        assert_eq!(selector.get("runtime").and_then(crate::yaml::Node::as_str), Some("kata"));
        // MergeTolerations keeps the class's `Exists`, a superset of the Pod's `Equal` one, and
        // the two DefaultTolerationSeconds tolerations.
        let keys: Vec<(String, String)> = spec
            .get("tolerations")
            .and_then(crate::yaml::Node::as_seq)
            .unwrap()
            .iter()
            .map(|t| {
                let s = |k: &str| t.get(k).and_then(crate::yaml::Node::text).unwrap_or("").to_string();
                (s("key"), s("operator"))
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("node.kubernetes.io/not-ready".into(), "Exists".into()),
                ("node.kubernetes.io/unreachable".into(), "Exists".into()),
                ("sandbox".into(), "Exists".into())
            ]
        );
        // Every added node hangs from the Pod's own `spec`, not from the class's text.
        let pod_start = a.objects[1].stored.span.start;
        assert!(spec.get("nodeSelector").unwrap().get("runtime").unwrap().span.start >= pod_start);
        let a = analyze(&format!("{KATA}{}", pod("  runtimeClassName: kata\n  nodeSelector:\n    runtime: runc\n")));
        assert_eq!(
            found(&a),
            refused(
                "runtime-class-refused",
                "spec.nodeSelector[runtime]",
                "conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc"
            )
        );
        // The overhead is checked before the scheduling.
        let a =
            analyze(&format!("{KATA}{}", pod("  runtimeClassName: kata\n  overhead:\n    cpu: 1\n  nodeSelector:\n    runtime: runc\n")));
        assert_eq!(found(&a).iter().map(|f| f.2.as_deref().unwrap_or("")).collect::<Vec<_>>(), ["spec.overhead/Admission"]);
    }

    #[test]
    fn a_mirror_pod_gets_no_service_account_nor_token_volume() {
        let stored = |yaml: &str| analyze(yaml).objects[0].stored.get("spec").unwrap().clone();
        let plain = stored(&pod(""));
        assert_eq!(plain.get("serviceAccountName").and_then(crate::yaml::Node::as_str), Some("default"));
        assert!(plain.get("volumes").is_some());
        let mirror =
            pod("  nodeName: node-1\n").replace("  name: p\n", "  name: p\n  annotations:\n    kubernetes.io/config.mirror: abc\n");
        let spec = stored(&mirror);
        assert!(spec.get("serviceAccountName").is_none() && spec.get("serviceAccount").is_none(), "{spec:?}");
        assert!(spec.get("volumes").is_none(), "no kube-api-access volume");
        // The other plugins still apply (DefaultTolerationSeconds).
        assert!(spec.get("tolerations").is_some());
    }

    /// A Pod marked as a mirror pod, with `spec` (indented two spaces) before its container
    /// and `container` lines (indented four) in it.
    fn mirror(spec: &str, container: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    kubernetes.io/config.mirror: abc\nspec:\n  nodeName: node-1\n{spec}  containers:\n  - name: c\n    image: nginx:1.27\n{container}"
        )
    }

    #[test]
    fn a_mirror_pod_may_not_name_an_account_reference_a_secret_or_project_a_token() {
        let account = "a mirror pod may not reference service accounts";
        let secrets = "a mirror pod may not reference secrets";
        let token = "a mirror pod may not use ServiceAccountToken volume projections";
        for (spec, container, field, message) in [
            // `default` too: the plugin does not fill it in on a mirror pod, so any name is one.
            ("  serviceAccountName: default\n", "", "spec.serviceAccountName", account),
            // The deprecated alias, which conversion copies into serviceAccountName.
            ("  serviceAccount: builder\n", "", "spec.serviceAccountName", account),
            ("  imagePullSecrets:\n  - name: regcred\n", "", "spec.imagePullSecrets[0]", secrets),
            ("", "    envFrom:\n    - configMapRef:\n        name: c\n    - secretRef:\n        name: s\n", "spec.containers[0].envFrom[1].secretRef", secrets),
            ("", "    env:\n    - name: A\n      valueFrom:\n        secretKeyRef:\n          name: s\n          key: k\n", "spec.containers[0].env[0].valueFrom.secretKeyRef", secrets),
            (
                "  initContainers:\n  - name: i\n    image: busybox:1.36\n    envFrom:\n    - secretRef:\n        name: s\n",
                "",
                "spec.initContainers[0].envFrom[0].secretRef",
                secrets,
            ),
            ("  volumes:\n  - name: v\n    secret:\n      secretName: s\n", "", "spec.volumes[0].secret", secrets),
            ("  volumes:\n  - name: v\n    projected:\n      sources:\n      - configMap:\n          name: c\n      - secret:\n          name: s\n", "", "spec.volumes[0].projected.sources[1].secret", secrets),
            ("  volumes:\n  - name: v\n    csi:\n      driver: d\n      nodePublishSecretRef:\n        name: s\n", "", "spec.volumes[0].csi.nodePublishSecretRef", secrets),
            ("  volumes:\n  - name: v\n    rbd:\n      monitors: [m]\n      image: i\n      secretRef:\n        name: s\n", "", "spec.volumes[0].rbd.secretRef", secrets),
            ("  volumes:\n  - name: v\n    azureFile:\n      secretName: s\n      shareName: x\n", "", "spec.volumes[0].azureFile.secretName", secrets),
            (
                "  volumes:\n  - name: v\n    projected:\n      sources:\n      - serviceAccountToken:\n          path: token\n",
                "",
                "spec.volumes[0].projected.sources[0].serviceAccountToken",
                token,
            ),
            // The first in the plugin's order: the account before the secrets before the token,
            // image pull secrets before containers before volumes.
            ("  serviceAccountName: a\n  imagePullSecrets:\n  - name: r\n", "", "spec.serviceAccountName", account),
            (
                "  volumes:\n  - name: v\n    projected:\n      sources:\n      - serviceAccountToken:\n          path: t\n  - name: w\n    secret:\n      secretName: s\n",
                "",
                "spec.volumes[1].secret",
                secrets,
            ),
            ("  imagePullSecrets:\n  - name: r\n", "    envFrom:\n    - secretRef:\n        name: s\n", "spec.imagePullSecrets[0]", secrets),
        ] {
            let y = mirror(spec, container);
            let a = analyze(&y);
            assert_eq!(found(&a), refused("mirror-pod-refused", field, message), "{y}");
            assert_eq!(a.objects[0].acceptance, Acceptance::Admission, "{y}");
        }
        // What the plugin does not look at: an empty azureFile secret name, a volume whose first
        // source (in the plugin's switch) has no secret, a ConfigMap, a downward API projection.
        for (spec, container) in [
            ("  volumes:\n  - name: v\n    configMap:\n      name: c\n", ""),
            ("  volumes:\n  - name: v\n    projected:\n      sources:\n      - downwardAPI:\n          items:\n          - path: n\n            fieldRef:\n              fieldPath: metadata.name\n", ""),
            ("", "    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef:\n          name: c\n          key: k\n"),
        ] {
            let y = mirror(spec, container);
            let a = analyze(&y);
            assert!(found(&a).iter().all(|f| f.0 != "mirror-pod-refused"), "{y}\n{:?}", found(&a));
        }
        // Without the annotation the same Pod is an ordinary one.
        let plain = pod("  imagePullSecrets:\n  - name: regcred\n");
        assert!(found(&analyze(&plain)).iter().all(|f| f.0 != "mirror-pod-refused"));
    }

    #[test]
    fn an_overhead_without_a_class_is_refused_only_once_validation_accepts_the_pod() {
        // validateOverhead is validating admission: after the Pod's own validation.
        let a = analyze(&pod("  restartPolicy: Sometimes\n  overhead:\n    cpu: 250m\n"));
        let rules: Vec<&str> = found(&a).iter().map(|f| f.0).collect();
        assert_eq!(rules, ["pod-spec-invalid"], "{:?}", found(&a));
        assert_eq!(a.objects[0].acceptance, Acceptance::Validation);
        let a = analyze(&pod("  overhead:\n    cpu: 250m\n"));
        assert_eq!(found(&a).iter().map(|f| f.0).collect::<Vec<_>>(), ["runtime-class-refused"]);
        assert_eq!(a.objects[0].acceptance, Acceptance::Admission);
        // On a template: the workload is stored, its pods are refused.
        let a = analyze(&deployment("      overhead:\n        cpu: 250m\n"));
        let f = found(&a);
        assert_eq!((f.len(), f[0].0, f[0].1), (1, "runtime-class-refused", Severity::Warning), "{f:?}");
        assert!(a.objects[0].is_accepted() && a.objects[0].pods_refused);
    }

    #[test]
    fn a_runtime_class_with_scheduling_merges_the_pods_own_tolerations() {
        // Even without tolerations of its own, the class's `scheduling` runs MergeTolerations,
        // which drops the Pod's `Equal` toleration that its `Exists` one covers.
        let rc = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: linux\nhandler: runc\nscheduling:\n  nodeSelector:\n    kubernetes.io/os: linux\n---\n";
        let tols = "  tolerations:\n  - key: gpu\n    operator: Exists\n  - key: gpu\n    operator: Equal\n    value: \"true\"\n    effect: NoSchedule\n";
        let ops = |class: &str| -> Vec<String> {
            let a = analyze(&format!("{rc}{}", pod(&format!("  runtimeClassName: {class}\n{tols}"))));
            let spec = a.objects.last().unwrap().stored.get("spec").unwrap().clone();
            spec.get("tolerations")
                .and_then(crate::yaml::Node::as_seq)
                .unwrap()
                .iter()
                .filter(|t| t.get("key").and_then(crate::yaml::Node::as_str) == Some("gpu"))
                .map(|t| t.get("operator").and_then(crate::yaml::Node::as_str).unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(ops("linux"), ["Exists"]);
    }

    #[test]
    fn a_workload_whose_pods_a_runtime_class_refuses_gets_a_warning() {
        let a = analyze(&format!("{KATA}{}", deployment("      runtimeClassName: kata\n      nodeSelector:\n        runtime: runc\n")));
        let f = found(&a);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0, f[0].1, f[0].2.is_none()), ("runtime-class-refused", Severity::Warning, true));
        assert!(f[0].3.contains("conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata"), "{}", f[0].3);
    }
}
