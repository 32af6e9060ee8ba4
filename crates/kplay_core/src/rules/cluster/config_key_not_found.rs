//! `config-key-not-found`: a pod reads a key its ConfigMap or Secret (in the manifests) lacks.

use super::{Cx, PodSource};
use crate::cluster::config_refs::{keys, missing_key_message};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::RefUser;
use crate::rules::{Rule, Stage};

pub static CONFIG_KEY_NOT_FOUND: Rule = Rule {
    name: "config-key-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A pod reads a key that its ConfigMap or Secret in the manifests does not have.",
    docs: rule_docs!(
        r#"## What it does
Checks every key a pod or pod template reads from a ConfigMap or Secret that the manifests
create in the pod's namespace: `env[].valueFrom.configMapKeyRef.key` and `secretKeyRef.key` (in
containers and init containers), and the `items[].key` of `configMap`, `secret` and `projected`
volumes. A ConfigMap's keys are those of `data` and `binaryData`; a Secret's those of `data` and
`stringData` (which the API server merges into `data`). A reference marked `optional: true` is
not checked. A workload is reported once, on its template.

The simulation keeps such pods Pending and not Ready, as the kubelet does: `kplay get pods`
shows `CreateContainerConfigError` or `ContainerCreating`, `kplay get pods -o yaml` the
containers' waiting reason and message, and the Services that select the pods have no ready
endpoint from them.

A ConfigMap or Secret that the manifests do not create is assumed to exist with the keys the
pod reads (`config-object-not-found` says so).

## Why is this bad?
The API server accepts the pod, but the kubelet cannot start it:
- an `env` key that is missing: `makeEnvironmentVariables` fails with
  `couldn't find key mode in ConfigMap default/settings` (or `in Secret`), the container is never
  created and waits with reason `CreateContainerConfigError` and that message. The pod is
  Pending; an init container that fails holds the pod in `Init:CreateContainerConfigError`.
- a volume `items[].key` that is missing: the volume never mounts (event `FailedMount`,
  `configmap references non-existent config key: mode`, or `references non-existent secret
  key: mode`), so no container starts: they wait `ContainerCreating` and the pod has no IP.

Either way the pod never becomes Ready and its Services get no ready endpoint from it.
(Kubernetes: pkg/kubelet/kubelet_pods.go `makeEnvironmentVariables`, pkg/kubelet/kuberuntime
`ErrCreateContainerConfig`, pkg/volume/configmap and pkg/volume/secret `MakePayload`,
pkg/volume/projected.)

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      env:
        - name: MODE
          valueFrom:
            configMapKeyRef:
              name: settings
              key: speed
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      env:
        - name: MODE
          valueFrom:
            configMapKeyRef:
              name: settings
              key: mode
```

## References
- Configure a Pod to use a ConfigMap: <https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/>
- Secrets: <https://kubernetes.io/docs/concepts/configuration/secret/>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for src in cx.pod_sources() {
        for r in &src.spec.config_refs {
            let Some((key, key_span)) = r.key.as_ref().filter(|_| !r.optional && r.kind != "PersistentVolumeClaim") else { continue };
            let Some(obj) = cx.config.find(r.kind, src.namespace, &r.name).and_then(|i| cx.objects.get(i)) else { continue };
            let have = keys(obj);
            if have.contains(key.as_str()) {
                continue;
            }
            out.push(diagnostic(cx, &src, r, key, *key_span, obj, &have));
        }
    }
}

fn diagnostic(
    cx: &Cx<'_>,
    src: &PodSource<'_>,
    r: &crate::model::typed::ConfigRef,
    key: &str,
    key_span: crate::source::Span,
    obj: &crate::model::Object,
    have: &std::collections::BTreeSet<&str>,
) -> Diagnostic {
    let error = missing_key_message(r, src.namespace, key);
    let what = match &r.user {
        RefUser::Env { container, init } => format!(
            "the kubelet never creates {}container `{container}` (`CreateContainerConfigError`: {error}), so {} stay{} Pending and not Ready",
            if *init { "init " } else { "" },
            src.pods(),
            src.verb_s(),
        ),
        RefUser::Volume { name } => format!(
            "volume `{name}` never mounts (`FailedMount`: {error}), so {} stay{} `ContainerCreating`, Pending and not Ready",
            src.pods(),
            src.verb_s(),
        ),
    };
    let mut d = cx.diag(&CONFIG_KEY_NOT_FOUND, &src.origin, key_span, format!("{} `{}` has no key `{key}`: {what}", r.kind, r.name));
    d.primary.message = format!("no such key in {} `{}`", r.kind, r.name);
    let listed: Vec<String> = have.iter().map(|k| format!("`{k}`")).collect();
    let data_span = ["data", "binaryData", "stringData"].iter().find_map(|f| obj.raw.entry(f).map(|e| e.key.span));
    let has = if listed.is_empty() { "no keys".to_owned() } else { format!("the keys {}", listed.join(", ")) };
    d = d.with_secondary(obj.file, data_span.unwrap_or_else(|| obj.head_span()), format!("{} `{}` has {has}", r.kind, r.name));
    for svc in cx.user_services_in(src.namespace) {
        let Some(sel) = svc.selector.as_ref().filter(|s| !s.is_empty()) else { continue };
        if svc.type_ != "ExternalName" && sel.iter().all(|(k, v)| src.labels.get(k) == Some(v)) {
            let v = &svc.spec;
            d = d.with_secondary(
                v.origin.file,
                v.selector_span.unwrap_or(v.spec_span),
                format!("Service `{}` selects these pods: it gets no ready endpoint from them", svc.name),
            );
        }
    }
    let help = match super::did_you_mean(key, have.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("add `{key}` to {} `{}`, or mark the reference `optional: true` if the pod can run without it", r.kind, r.name),
    };
    d.with_help(help)
}

#[cfg(test)]
mod tests {
    /// The "not checked" note on a ConfigMap, a Secret or a claim says what still counts.
    #[test]
    fn the_note_on_a_config_object_says_its_keys_still_count() {
        for (kind, says) in [
            ("ConfigMap", "this ConfigMap's keys still count"),
            ("Secret", "this Secret's keys still count"),
            ("PersistentVolumeClaim", "this claim still counts"),
        ] {
            let files = [crate::SourceFile::new("a.yaml", format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: x\n"))];
            let a = crate::analyze(&files, &crate::Options::default());
            let d = a.diagnostics.iter().find(|d| d.rule == "kind-not-checked").expect("noted");
            assert!(d.help.as_deref().is_some_and(|h| h.contains(says)), "{kind}: {:?}", d.help);
        }
    }
}
