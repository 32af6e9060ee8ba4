//! `metadata-invalid`: generation, ownerReferences and finalizers (M-06, M-11, M-12).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::invalid_each_at;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static METADATA_INVALID: Rule = Rule {
    name: "metadata-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`metadata.generation`, `ownerReferences` or `finalizers` hold values the API server refuses.",
    docs: rule_docs!(
        r#"## What it does
Checks the rarer metadata fields: `generation` may not be negative (on the kinds whose
registry sets it to 1 before validating, it is never checked: workloads, Ingress,
NetworkPolicy, PodDisruptionBudget, and Pods from 1.33); every owner reference needs
`apiVersion` (with a version; `a/b/c` does not parse), `kind`, `name` and `uid`, an Event
(`v1`, `Event`) may not be an owner, and at most one may be the controller;
finalizers must be qualified names, unqualified ones only `kubernetes`, `orphan` or
`foregroundDeletion`, and `orphan` and `foregroundDeletion` exclude each other. Up to
Kubernetes 1.36 the server reports owner-reference errors without an index
(`metadata.ownerReferences.uid`); from 1.37 with one (`metadata.ownerReferences[0].uid`,
Required when empty).

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  finalizers:
    - cleanup
spec:
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
  finalizers:
    - example.com/cleanup
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Finalizers: <https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/>
- Owners and dependents: <https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/>
"#
    ),
    spec: &["M-06", "M-11", "M-12"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(meta) = ctx.root().field("metadata") else { return };
    if let Some(g) = meta.field("generation").filter(|_| !generation_set_on_create(ctx.kind(), ctx.opts.kube_version)) {
        if let Some(n) = g.i64().filter(|n| *n < 0) {
            sink.field_error(&g, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0"))
                .help("remove `generation`: the server maintains it");
        }
    }
    if let Some(refs) = meta.field("ownerReferences") {
        let path = refs.path.clone();
        // 1.37 reports owner-reference errors per item, empty fields as Required, and checks
        // the apiVersion's format (vspec §1.2, M-11).
        let v137 = ctx.opts.kube_version.at_least(37);
        let mut first_controller: Option<String> = None;
        for (_, r) in refs.items() {
            let text = |k: &str| r.field(k).and_then(|c| c.text().map(str::to_string)).unwrap_or_default();
            let item_path = if v137 { r.path.clone() } else { path.clone() };
            let api = text("apiVersion");
            let kind = text("kind");
            // `schema.FromAPIVersionAndKind`: `ParseGroupVersion` fails on more than one `/`,
            // and the version is then empty.
            let (group, version, parses) = match api.matches('/').count() {
                0 => ("", api.as_str(), true),
                1 => api.split_once('/').map_or(("", "", false), |(g, v)| (g, v, true)),
                _ => ("", "", false),
            };
            let mut checks = vec![
                ("kind", kind.is_empty(), kind.clone(), "must not be empty"),
                ("name", text("name").is_empty(), text("name"), "must not be empty"),
                ("uid", text("uid").is_empty(), text("uid"), "must not be empty"),
            ];
            if v137 && !api.is_empty() {
                checks.insert(0, ("apiVersion", !parses || version.is_empty(), api.clone(), "must be <group>/<version> or <version>"));
            } else {
                let msg = if v137 { "must not be empty" } else { "version must not be empty" };
                checks.insert(0, ("apiVersion", version.is_empty(), api.clone(), msg));
            }
            for (field, bad, value, msg) in checks {
                if bad {
                    let span = r.field(field).map_or(r.span(), |c| c.span());
                    let (ty, message) = if v137 && value.is_empty() {
                        (ErrorType::Required, formats::required(msg))
                    } else {
                        (ErrorType::Invalid, formats::invalid(&value, msg))
                    };
                    sink.field_error_at(span, &format!("{item_path}.{field}"), ty, message)
                        .help("owner references need apiVersion, kind, name and uid of an existing object");
                }
            }
            // `BannedOwners`: an Event may not own anything.
            if group.is_empty() && version == "v1" && kind == "Event" {
                // The bad value is the `metav1.OwnerReference`, printed as JSON (its json tags;
                // `controller` and `blockOwnerDeletion` omitted when unset). Before 1.34 the
                // server printed it through its generated `String()`, which kplay does not copy.
                let j = formats::go_json_string;
                let mut value =
                    format!("{{\"apiVersion\":{},\"kind\":{},\"name\":{},\"uid\":{}", j(&api), j(&kind), j(&text("name")), j(&text("uid")));
                for k in ["controller", "blockOwnerDeletion"] {
                    if let Some(b) = r.field(k).and_then(|c| c.bool()) {
                        value.push_str(&format!(",{}:{b}", j(k)));
                    }
                }
                value.push('}');
                sink.field_error_at(
                    r.span(),
                    &item_path,
                    ErrorType::Invalid,
                    format!("Invalid value: {value}: {group}/{version}, Kind={kind} is disallowed from being an owner"),
                )
                .help("point the owner reference at the object that owns this one; Events cannot own objects");
            }
            if r.field("controller").and_then(|c| c.bool()) == Some(true) {
                let cur = format!("{}/{}", text("kind"), text("name"));
                if let Some(first) = &first_controller {
                    sink.field_error_at(
                        r.span(),
                        &path,
                        ErrorType::Invalid,
                        format!("Invalid value: Only one reference can have Controller set to true. Found \"true\" in references for {first} and {cur}"),
                    )
                    .help("set `controller: true` on one owner reference only");
                } else {
                    first_controller = Some(cur);
                }
            }
        }
    }
    if let Some(fins) = meta.field("finalizers") {
        let (mut orphan, mut foreground) = (false, false);
        for (_, f) in fins.items() {
            let v = f.text().unwrap_or("");
            invalid_each_at(sink, &f, &fins.path, v, formats::qualified_name_msgs(v), "use a qualified name such as `example.com/cleanup`");
            if !v.contains('/') && !matches!(v, "kubernetes" | "orphan" | "foregroundDeletion") {
                sink.field_error(
                    &f,
                    ErrorType::Invalid,
                    formats::invalid(v, "name is neither a standard finalizer name nor is it fully qualified"),
                )
                .help(format!("qualify the finalizer with a domain, e.g. `example.com/{v}`"));
            }
            orphan |= v == "orphan";
            foreground |= v == "foregroundDeletion";
        }
        if orphan && foreground {
            // The bad value is the whole `[]string` (`%#v` before 1.34, JSON from 1.34).
            let all = ctx.values().string_slice(fins.items().map(|(_, f)| f.text().unwrap_or("")).collect::<Vec<_>>());
            sink.field_error(
                &fins,
                ErrorType::Invalid,
                format!("Invalid value: {all}: finalizer orphan and foregroundDeletion cannot be both set"),
            )
            .help("keep only one of `orphan` and `foregroundDeletion`");
        }
    }
}

/// Kinds whose registry strategy sets `metadata.generation = 1` in `PrepareForCreate`, which
/// runs before validation, so a `generation` written in the manifest never reaches
/// `ValidateObjectMeta`. Pods do since 1.33 (k/k #130181, deliberately not behind the
/// PodObservedGenerationTracking gate); a Service, ConfigMap or Namespace keeps what it was sent.
fn generation_set_on_create(kind: &str, v: crate::KubeVersion) -> bool {
    match kind {
        "Pod" => v.at_least(33),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job"
        | "CronJob"
        | "Ingress"
        | "NetworkPolicy"
        | "PodDisruptionBudget" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs};
    use crate::KubeVersion;
    const R: &str = "metadata-invalid";

    #[test]
    fn table() {
        let pod = |m: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n{m}spec:\n  containers:\n  - name: web\n    image: a:1\n")
        };
        assert_eq!(errors_of(R, &pod("  finalizers:\n  - cleanup\n")), pairs(&[("metadata.finalizers[0]", "Invalid")]));
        assert_eq!(errors_of(R, &pod("  finalizers:\n  - orphan\n  - foregroundDeletion\n")), pairs(&[("metadata.finalizers", "Invalid")]));
        // The value printed is the whole list: `%#v` of the []string before 1.34, JSON from 1.34.
        let both = pod("  finalizers:\n  - orphan\n  - foregroundDeletion\n");
        let msgs = |minor| crate::rules::pod::util::messages_of_version(R, &both, KubeVersion::new(minor));
        assert_eq!(
            msgs(33),
            [r#"Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set"#]
        );
        assert_eq!(
            msgs(34),
            [r#"Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set"#]
        );
        // An Event owner: the `metav1.OwnerReference` as JSON (json tags, unset pointers omitted).
        let event = pod("  ownerReferences:\n  - {apiVersion: v1, kind: Event, name: a<b, uid: u1, controller: true}\n");
        assert_eq!(
            crate::rules::pod::util::messages_of(R, &event),
            [
                r#"Invalid value: {"apiVersion":"v1","kind":"Event","name":"a\u003cb","uid":"u1","controller":true}: /v1, Kind=Event is disallowed from being an owner"#
            ]
        );
        assert_eq!(
            errors_of(R, &pod("  ownerReferences:\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    name: web\n")),
            pairs(&[("metadata.ownerReferences.uid", "Invalid")])
        );
        // A Pod's generation is set to 1 before validation from 1.33 (`podStrategy.PrepareForCreate`);
        // a Service's is validated as sent.
        assert_eq!(errors_of(R, &pod("  generation: -1\n")), pairs(&[]));
        assert_eq!(errors_of_version(R, &pod("  generation: -1\n"), KubeVersion::new(32)), pairs(&[("metadata.generation", "Invalid")]));
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  generation: -1\nspec:\n  ports:\n  - port: 80\n";
        assert_eq!(errors_of(R, svc), pairs(&[("metadata.generation", "Invalid")]));
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  generation: -5\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: a:1\n";
        assert_eq!(errors_of(R, deploy), pairs(&[]));
        // A banned owner kind, and an apiVersion `ParseGroupVersion` cannot parse.
        let refs = "  ownerReferences:\n  - apiVersion: v1\n    kind: Event\n    name: e\n    uid: '1'\n  - apiVersion: a/b/c\n    kind: X\n    name: e\n    uid: '1'\n";
        assert_eq!(
            errors_of(R, &pod(refs)),
            pairs(&[("metadata.ownerReferences", "Invalid"), ("metadata.ownerReferences.apiVersion", "Invalid")])
        );
        // 1.37: indexed paths, Required for empty fields, the apiVersion's format.
        assert_eq!(
            errors_of_version(R, &pod(refs), KubeVersion::new(37)),
            pairs(&[("metadata.ownerReferences[0]", "Invalid"), ("metadata.ownerReferences[1].apiVersion", "Invalid")])
        );
        assert_eq!(
            errors_of_version(
                R,
                &pod("  ownerReferences:\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    name: web\n"),
                KubeVersion::new(37)
            ),
            pairs(&[("metadata.ownerReferences[0].uid", "Required")])
        );
    }
}
