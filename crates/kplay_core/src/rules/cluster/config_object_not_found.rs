//! `config-object-not-found`: a pod needs a ConfigMap, Secret or PersistentVolumeClaim that
//! the manifests do not create.

use std::collections::HashSet;

use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::RefUser;
use crate::rules::{Rule, Stage};

pub static CONFIG_OBJECT_NOT_FOUND: Rule = Rule {
    name: "config-object-not-found",
    severity: Severity::Info,
    stage: Stage::Cluster,
    summary: "A pod needs a ConfigMap, Secret or PersistentVolumeClaim that the manifests do not create.",
    docs: rule_docs!(
        r#"## What it does
Lists the ConfigMaps, Secrets and PersistentVolumeClaims a pod or pod template needs that the
manifests do not create in the pod's namespace: `env[].valueFrom.configMapKeyRef` and
`secretKeyRef`, `envFrom[].configMapRef` and `secretRef` (containers and init containers),
`configMap`, `secret` and `projected` volumes, and `persistentVolumeClaim.claimName`. A
reference marked `optional: true` is not listed. Each object is reported once per pod template,
at its first reference. Not listed: `kube-root-ca.crt` (every namespace has it), the claims a
StatefulSet of the manifests gets from its controller (`<template>-<statefulset>-<ordinal>`, one
per `volumeClaimTemplates` entry and pod), and references from pods in `kube-system` and
`kube-public`, whose objects kubeadm makes.

It is an info, not a warning: Secrets are often created outside the manifests (by hand, by a
secrets operator, by a Helm chart). The simulation assumes the object exists with the keys
the pod reads, so the pods run.

## Why is this bad?
If the object does not exist on the cluster either:
- an `env` or `envFrom` reference: the kubelet never creates the container (waiting
  `CreateContainerConfigError`, message `configmap "settings" not found` or
  `secret "db" not found`); the pod stays Pending and not Ready.
- a `configMap`, `secret` or `projected` volume: the volume never mounts (`FailedMount`, the
  same message), the containers wait `ContainerCreating`; the pod stays Pending and not Ready.
- a `persistentVolumeClaim`: the scheduler's VolumeBinding plugin refuses the pod in PreFilter
  (`persistentvolumeclaim "data" not found`, UnschedulableAndUnresolvable): it stays Pending
  with no node.

Its Services get no ready endpoint from such pods. Create the object before the pods that need
it, or add its manifest.

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
      envFrom:
        - secretRef:
            name: db-credentials
```

## Use instead
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
stringData:
  password: change-me
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      envFrom:
        - secretRef:
            name: db-credentials
```

## References
- Secrets: <https://kubernetes.io/docs/concepts/configuration/secret/>
- ConfigMaps: <https://kubernetes.io/docs/concepts/configuration/configmap/>
- Persistent volumes: <https://kubernetes.io/docs/concepts/storage/persistent-volumes/>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for src in cx.pod_sources() {
        if matches!(src.namespace, "kube-system" | "kube-public") {
            continue;
        }
        let mut seen = HashSet::new();
        for r in &src.spec.config_refs {
            if r.optional
                || (r.kind == "ConfigMap" && r.name == "kube-root-ca.crt")
                || cx.config.find(r.kind, src.namespace, &r.name).is_some()
                || !seen.insert((r.kind, r.name.as_str()))
            {
                continue;
            }
            let not_found = format!("{} \"{}\" not found", r.kind.to_ascii_lowercase(), r.name);
            let (pods, s) = (src.pods(), src.verb_s());
            let what = match (&r.user, r.kind) {
                (_, "PersistentVolumeClaim") => format!(
                    "the scheduler leaves {pods} Pending with no node (`FailedScheduling`: {not_found})"
                ),
                (RefUser::Env { container, init }, _) => format!(
                    "the kubelet never creates {}container `{container}` (`CreateContainerConfigError`: {not_found}) and {pods} stay{s} Pending and not Ready",
                    if *init { "init " } else { "" }
                ),
                (RefUser::Volume { name }, _) => format!(
                    "volume `{name}` never mounts (`FailedMount`: {not_found}) and {pods} stay{s} `ContainerCreating`, Pending and not Ready"
                ),
            };
            let mut d = cx.diag(
                &CONFIG_OBJECT_NOT_FOUND,
                &src.origin,
                r.name_span,
                format!(
                    "{} `{}` is not in the manifests: kplay assumes it exists in namespace `{}`. If it does not, {what}",
                    r.kind, r.name, src.namespace
                ),
            );
            d.primary.message = format!("no {} `{}` in the manifests", r.kind, r.name);
            let help = if r.kind == "PersistentVolumeClaim" {
                format!("create the PersistentVolumeClaim `{}` before the pods, or add its manifest", r.name)
            } else {
                format!(
                    "create the {} `{}` before the pods (or add its manifest); mark the reference `optional: true` if the pod can run without it",
                    r.kind, r.name
                )
            };
            out.push(d.with_help(help));
        }
    }
}
