//! `env-source-invalid`: where environment values come from: `env[].valueFrom` (fieldRef,
//! resourceFieldRef, configMapKeyRef, secretKeyRef, fileKeyRef from 1.35) and `envFrom[]`
//! (E-03..E-12, E-14, E-15).
//!
//! Ported from `validateEnvVarValueFrom`, `validateObjectFieldSelector`,
//! `validateContainerResourceFieldSelector` and `ValidateEnvFrom`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats::{self, NameFn};
use crate::rules::pod::quantity::Quantity;
use crate::rules::pod::util::{child_or_parent, containers, invalid_each, text, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static ENV_SOURCE_INVALID: Rule = Rule {
    name: "env-source-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An environment variable's `valueFrom` or an `envFrom` entry has no source, several sources, or a bad reference.",
    docs: rule_docs!(
        r#"## What it does
Checks `env[].valueFrom` and `envFrom[]` of every container: exactly one source, no `value`
next to `valueFrom`, `fieldRef.fieldPath` one of the fields the downward API exposes
(`metadata.name`, `metadata.namespace`, `metadata.uid`, `spec.nodeName`,
`spec.serviceAccountName`, `status.hostIP(s)`, `status.podIP(s)`, or
`metadata.labels['key']` / `metadata.annotations['key']`), `resourceFieldRef.resource` one of
`limits.*` / `requests.*` of cpu, memory, ephemeral-storage or hugepages with a supported
divisor, and ConfigMap/Secret names (DNS subdomains; an empty name is invalid) and keys.

## Why is this bad?
The API server rejects the object. A `valueFrom` with both `value` and a source, or with two
sources, is ambiguous; an unknown `fieldPath` has nothing to expose.

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
      env:
        - name: POD_NAME
          value: web
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
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
      env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
```

## References
- Expose pod information through environment variables: <https://kubernetes.io/docs/tasks/inject-data-application/environment-variable-expose-pod-information/>
- `validateEnvVarValueFrom` and `ValidateEnvFrom` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["E-03", "E-04", "E-05", "E-06", "E-07", "E-08", "E-09", "E-10", "E-11", "E-12", "E-14", "E-15"],
    check: Some(check),
};

/// `validEnvDownwardAPIFieldPathExpressions`, sorted as `sets.List` prints them.
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `validVolumeDownwardAPIFieldPathExpressions` (downward API volumes), sorted.
pub const VOLUME_FIELD_PATHS: &[&str] = &["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

/// Labels `ConvertDownwardAPIFieldLabel` knows for v1 pods.
const CONVERTIBLE: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

const RESOURCE_FIELD_PATHS: &[&str] =
    &["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

/// `fieldpath.SplitMaybeSubscriptedPath`: `path['subscript']`.
fn split_subscript(p: &str) -> Option<(&str, &str)> {
    let s = p.strip_suffix("']")?;
    let (path, sub) = s.split_once("['")?;
    (!path.is_empty()).then_some((path, sub))
}

/// `validateObjectFieldSelector` for `fieldRef` at `fr` with the allowed expressions.
pub fn object_field_selector(sink: &mut Sink<'_>, fr: &Cur<'_>, expressions: &[&str]) {
    let api = text(fr, "apiVersion");
    if api.is_empty() {
        sink.field_error(&child_or_parent(fr, "apiVersion"), ErrorType::Required, formats::required("")).help("set `apiVersion: v1`");
        return;
    }
    let fp = text(fr, "fieldPath");
    let fp_cur = child_or_parent(fr, "fieldPath");
    if fp.is_empty() {
        sink.field_error(&fp_cur, ErrorType::Required, formats::required("")).help("set `fieldPath`, e.g. `metadata.name`");
        return;
    }
    // ConvertDownwardAPIFieldLabel.
    let converted = if api != "v1" {
        Err(format!("unsupported pod version: {api}"))
    } else if let Some((path, _)) = split_subscript(fp) {
        if matches!(path, "metadata.annotations" | "metadata.labels") {
            Ok(fp.to_string())
        } else {
            Err(format!("field label does not support subscript: {fp}"))
        }
    } else if CONVERTIBLE.contains(&fp) {
        Ok(fp.to_string())
    } else if fp == "spec.host" {
        Ok("spec.nodeName".to_string())
    } else {
        Err(format!("field label not supported: {fp}"))
    };
    let internal = match converted {
        Ok(p) => p,
        Err(e) => {
            sink.field_error(&fp_cur, ErrorType::Invalid, formats::invalid(fp, &format!("error converting fieldPath: {e}")))
                .help(format!("use one of {}", crate::rules::pod::util::list(expressions)));
            return;
        }
    };
    if let Some((path, sub)) = split_subscript(&internal) {
        let msgs = match path {
            "metadata.annotations" => formats::qualified_name_msgs(&go_lower(sub)),
            "metadata.labels" => formats::qualified_name_msgs(sub),
            _ => vec!["does not support subscript".to_string()],
        };
        let shown = if matches!(path, "metadata.annotations" | "metadata.labels") { sub.to_string() } else { path.to_string() };
        invalid_each(sink, &whole(fr), &shown, msgs, "subscript with a valid label or annotation key, e.g. `metadata.labels['app']`");
    } else if !expressions.contains(&internal.as_str()) {
        sink.field_error(&fp_cur, ErrorType::NotSupported, formats::not_supported(&internal, expressions))
            .help(format!("use one of {}", crate::rules::pod::util::list(expressions)));
    }
}

/// Go's `strings.ToLower` as far as `IsQualifiedName` can tell, without Unicode's case tables
/// (`str::to_lowercase` links ~17 KB of them into the playground's wasm, ~8 KB gzipped): ASCII
/// letters, and the two non-ASCII letters whose simple lowercase in Go is ASCII (U+0130 'İ' to
/// 'i', U+212A KELVIN SIGN to 'k'), so a key is valid exactly when the API server finds it valid.
/// Other non-ASCII characters stay as written: the key is invalid either way (a qualified name
/// is ASCII); only the length message of a key over 63 (name) or 253 (prefix) bytes could
/// differ, when its lowercase has another UTF-8 length.
pub(crate) fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

const MEM: &[&str] = &["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];

/// `validateContainerResourceFieldSelector` (+ divisor); `volume` requires `containerName`.
pub fn resource_field_selector(sink: &mut Sink<'_>, rf: &Cur<'_>, volume: bool) {
    let res = text(rf, "resource");
    if volume && text(rf, "containerName").is_empty() {
        sink.field_error(&child_or_parent(rf, "containerName"), ErrorType::Required, formats::required(""))
            .help("name the container whose resources are exposed");
    } else if res.is_empty() {
        sink.field_error(&child_or_parent(rf, "resource"), ErrorType::Required, formats::required(""))
            .help("set `resource`, e.g. `limits.memory`");
    } else if !RESOURCE_FIELD_PATHS.contains(&res) && !res.starts_with("limits.hugepages-") && !res.starts_with("requests.hugepages-") {
        sink.field_error(&child_or_parent(rf, "resource"), ErrorType::NotSupported, formats::not_supported(res, RESOURCE_FIELD_PATHS))
            .help("use `limits.` or `requests.` followed by `cpu`, `memory`, `ephemeral-storage` or `hugepages-<size>`");
    }
    let Some(d) = rf.field("divisor") else { return };
    let Some(q) = d.text().and_then(Quantity::parse) else { return };
    if q.is_zero() {
        return;
    }
    let c = q.canonical();
    let msg = match res {
        "limits.cpu" | "requests.cpu" if !matches!(c.as_str(), "1m" | "1") => Some("only divisor's values 1m and 1 are supported with the cpu resource"),
        "limits.memory" | "requests.memory" if !MEM.contains(&c.as_str()) => {
            Some("only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource")
        }
        "limits.ephemeral-storage" | "requests.ephemeral-storage" if !MEM.contains(&c.as_str()) => Some(
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
        ),
        r if (r.starts_with("limits.hugepages-") || r.starts_with("requests.hugepages-")) && !MEM.contains(&c.as_str()) => {
            Some("only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource")
        }
        _ => None,
    };
    if let Some(m) = msg {
        sink.field_error(&d, ErrorType::Invalid, formats::invalid(res, m)).help("use a power-of-ten or power-of-two unit such as `1Mi`");
    }
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn key_selector(sink: &mut Sink<'_>, sel: &Cur<'_>) {
    let name = text(sel, "name");
    invalid_each(
        sink,
        &child_or_parent(sel, "name"),
        name,
        NameFn::Dns1123Subdomain.msgs(name, false),
        "name the ConfigMap or Secret (lowercase letters, digits, `-` and `.`)",
    );
    let key = text(sel, "key");
    if key.is_empty() {
        sink.field_error(&child_or_parent(sel, "key"), ErrorType::Required, formats::required("")).help("set `key` to the entry to read");
    } else if let Some(k) = sel.field("key") {
        invalid_each(sink, &k, key, formats::config_map_key_msgs(key), "use letters, digits, `-`, `_` and `.`");
    }
}

fn value_from(sink: &mut Sink<'_>, e: &Cur<'_>, vf: &Cur<'_>, file_key_ref: bool) {
    let mut n = 0;
    if let Some(fr) = vf.field("fieldRef") {
        n += 1;
        object_field_selector(sink, &fr, ENV_FIELD_PATHS);
    }
    if let Some(rf) = vf.field("resourceFieldRef") {
        n += 1;
        resource_field_selector(sink, &rf, false);
    }
    for k in ["configMapKeyRef", "secretKeyRef"] {
        if let Some(sel) = vf.field(k) {
            n += 1;
            key_selector(sink, &sel);
        }
    }
    if file_key_ref {
        if let Some(fk) = vf.field("fileKeyRef") {
            n += 1;
            file_key(sink, &fk);
        }
    }
    let value = text(e, "value");
    let none = if file_key_ref {
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"
    } else {
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
    };
    if n == 0 {
        sink.field_error(&whole(vf), ErrorType::Invalid, formats::invalid("", none))
            .help("add one source, e.g. `fieldRef: {fieldPath: metadata.name}`");
    } else if !value.is_empty() {
        sink.field_error(&whole(vf), ErrorType::Invalid, formats::invalid("", "may not be specified when `value` is not empty"))
            .help("remove `value` or `valueFrom`: a variable takes its value from one place");
    } else if n > 1 {
        sink.field_error(&whole(vf), ErrorType::Invalid, formats::invalid("", "may not have more than one field specified at a time"))
            .help("keep exactly one source under `valueFrom`");
    }
}

/// The `fileKeyRef` rules (EnvFiles, beta from 1.35); the volume cross-check is below.
fn file_key(sink: &mut Sink<'_>, fk: &Cur<'_>) {
    let key = text(fk, "key");
    if key.is_empty() {
        sink.field_error(&child_or_parent(fk, "key"), ErrorType::Required, formats::required("")).help("set `key`");
    } else if let Some(k) = fk.field("key") {
        invalid_each(sink, &k, key, formats::env_var_name_relaxed_msgs(key), "use printable ASCII characters other than `=`");
    }
    let vol = text(fk, "volumeName");
    if vol.is_empty() {
        sink.field_error(&child_or_parent(fk, "volumeName"), ErrorType::Required, formats::required("")).help("name an emptyDir volume");
    } else if let Some(v) = fk.field("volumeName") {
        invalid_each(sink, &v, vol, formats::dns1123_label_msgs(vol), "use a DNS-1123 label");
    }
    let path = text(fk, "path");
    if path.is_empty() {
        sink.field_error(&child_or_parent(fk, "path"), ErrorType::Required, formats::required("")).help("set `path`");
    } else if path.contains("..") {
        if let Some(p) = fk.field("path") {
            sink.field_error(&p, ErrorType::Invalid, formats::invalid(path, "must not contain '..'")).help("remove `..`");
        }
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let file_key_ref = ctx.opts.kube_version.at_least(35);
    for (_, c) in containers(&spec) {
        if let Some(env) = c.field("env") {
            for (_, e) in env.items() {
                if let Some(vf) = e.field("valueFrom") {
                    value_from(sink, &e, &vf, file_key_ref);
                    if file_key_ref {
                        file_key_volume(sink, &spec, &vf);
                    }
                }
            }
        }
        if let Some(env_from) = c.field("envFrom") {
            for (_, e) in env_from.items() {
                let mut n = 0;
                for k in ["configMapRef", "secretRef"] {
                    if let Some(r) = e.field(k) {
                        n += 1;
                        let name = text(&r, "name");
                        if name.is_empty() {
                            sink.field_error(&child_or_parent(&r, "name"), ErrorType::Required, formats::required(""))
                                .help("name the ConfigMap or Secret");
                        } else if let Some(nc) = r.field("name") {
                            invalid_each(
                                sink,
                                &nc,
                                name,
                                NameFn::Dns1123Subdomain.msgs(name, true),
                                "use lowercase letters, digits, `-` and `.`",
                            );
                        }
                    }
                }
                // The server reports these on `envFrom` without the index.
                let msg = match n {
                    0 => "must specify one of: `configMapRef` or `secretRef`",
                    1 => continue,
                    _ => "may not have more than one field specified at a time",
                };
                sink.field_error_at(e.span(), &env_from.path, ErrorType::Invalid, formats::invalid("", msg))
                    .help("give each `envFrom` entry exactly one of `configMapRef` or `secretRef`");
            }
        }
    }
}

/// `fileKeyRef.volumeName` must name an emptyDir volume of the pod (1.35+).
/// `validateFileKeyRefVolumes` looks every name up, the empty one too: a missing or empty
/// `volumeName` is NotFound here as well as Required above (unless a volume has no name).
fn file_key_volume(sink: &mut Sink<'_>, spec: &Cur<'_>, vf: &Cur<'_>) {
    let Some(fk) = vf.field("fileKeyRef") else { return };
    let v = child_or_parent(&fk, "volumeName");
    let name = text(&fk, "volumeName");
    let vol = spec.field("volumes").and_then(|vs| vs.items().map(|(_, x)| x).find(|x| text(x, "name") == name));
    match vol {
        None if name.is_empty() => {
            sink.field_error(&v, ErrorType::NotFound, formats::not_found(name)).help("name an emptyDir volume of the pod");
        }
        None => {
            sink.field_error(&v, ErrorType::NotFound, formats::not_found(name)).help("add an emptyDir volume with this name");
        }
        Some(x) if x.field("emptyDir").is_none() => {
            sink.field_error(&v, ErrorType::Invalid, formats::invalid(name, "referenced volume must be of type emptyDir"))
                .help("point `volumeName` at an emptyDir volume");
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs, pod_with};
    const R: &str = "env-source-invalid";

    fn env(e: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n    env:\n{e}"))
    }

    /// `validateFileKeyRefVolumes` (1.35+) looks up even an empty or missing `volumeName`, so
    /// that is NotFound besides the Required of `validateFileKeySelector`.
    #[test]
    fn file_key_ref_without_volume_name() {
        let v = crate::KubeVersion::new(35);
        let p = "spec.containers[0].env[0].valueFrom.fileKeyRef.volumeName";
        for vol in ["", "          volumeName: \"\"\n"] {
            let y = format!(
                "  volumes:\n  - name: config\n    emptyDir: {{}}\n  containers:\n  - name: web\n    image: nginx:1.27\n    env:\n    - name: A\n      valueFrom:\n        fileKeyRef:\n{vol}          path: env\n          key: A\n"
            );
            let y = pod_with(&y);
            assert_eq!(errors_of_version(R, &y, v), pairs(&[(p, "NotFound"), (p, "Required")]), "{vol:?}");
        }
    }

    #[test]
    fn value_from() {
        let p = "spec.containers[0].env[0].valueFrom";
        assert_eq!(
            errors_of(R, &env("    - name: A\n      value: x\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n")),
            pairs(&[(p, "Invalid")])
        );
        assert_eq!(errors_of(R, &env("    - name: A\n      valueFrom: {}\n")), pairs(&[(p, "Invalid")]));
        assert_eq!(
            errors_of(R, &env("    - name: A\n      valueFrom:\n        configMapKeyRef:\n          key: k\n")),
            pairs(&[("spec.containers[0].env[0].valueFrom.configMapKeyRef.name", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &env("    - name: A\n      valueFrom:\n        secretKeyRef:\n          name: s\n")),
            pairs(&[("spec.containers[0].env[0].valueFrom.secretKeyRef.key", "Required")])
        );
        assert_eq!(
            errors_of(
                R,
                &env("    - name: A\n      valueFrom:\n        secretKeyRef:\n          name: s\n          key: k\n        configMapKeyRef:\n          name: c\n          key: k\n")
            ),
            pairs(&[(p, "Invalid")])
        );
    }

    #[test]
    fn field_and_resource_refs() {
        let f = "spec.containers[0].env[0].valueFrom.fieldRef";
        let e = |fp: &str| env(&format!("    - name: A\n      valueFrom:\n        fieldRef:\n          fieldPath: {fp}\n"));
        assert_eq!(errors_of(R, &e("status.phase")), pairs(&[(&format!("{f}.fieldPath"), "NotSupported")]));
        assert_eq!(errors_of(R, &e("metadata.foo")), pairs(&[(&format!("{f}.fieldPath"), "Invalid")]));
        assert_eq!(errors_of(R, &e("\"metadata.labels['a b']\"")), pairs(&[(f, "Invalid")]));
        assert_eq!(errors_of(R, &e("\"metadata.labels['app']\"")), pairs(&[]));
        assert_eq!(errors_of(R, &e("status.podIP")), pairs(&[]));
        let r = |res: &str| env(&format!("    - name: A\n      valueFrom:\n        resourceFieldRef:\n{res}"));
        assert_eq!(
            errors_of(R, &r("          resource: limits.gpu\n")),
            pairs(&[("spec.containers[0].env[0].valueFrom.resourceFieldRef.resource", "NotSupported")])
        );
        assert_eq!(
            errors_of(R, &r("          resource: limits.cpu\n          divisor: 1Mi\n")),
            pairs(&[("spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor", "Invalid")])
        );
        assert_eq!(errors_of(R, &r("          resource: limits.memory\n          divisor: 1Mi\n")), pairs(&[]));
    }

    #[test]
    fn annotation_keys_are_lowered_as_go_does() {
        assert_eq!(super::go_lower("Example.COM/My-Key"), "example.com/my-key");
        // The two letters Go lowers to ASCII: a key with them is valid on the server.
        assert_eq!(super::go_lower("\u{212A}ey-\u{130}d"), "key-id");
        assert_eq!(super::go_lower("café"), "café");
        let f = "spec.containers[0].env[0].valueFrom.fieldRef";
        let e = |fp: &str| env(&format!("    - name: A\n      valueFrom:\n        fieldRef:\n          fieldPath: {fp}\n"));
        assert_eq!(errors_of(R, &e("\"metadata.annotations['\u{212A}EY']\"")), pairs(&[]));
        assert_eq!(errors_of(R, &e("\"metadata.annotations['Example.COM/Key']\"")), pairs(&[]));
        // Upper case is an error in a label key, not in an annotation key (lowered first).
        assert_eq!(errors_of(R, &e("\"metadata.labels['Example.COM/Key']\"")), pairs(&[(f, "Invalid")]));
        assert_eq!(errors_of(R, &e("\"metadata.annotations['caf\u{e9}']\"")), pairs(&[(f, "Invalid")]));
    }

    #[test]
    fn env_from() {
        let c = |e: &str| pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n    envFrom:\n{e}"));
        assert_eq!(errors_of(R, &c("    - prefix: A_\n")), pairs(&[("spec.containers[0].envFrom", "Invalid")]));
        assert_eq!(
            errors_of(R, &c("    - configMapRef:\n        name: Cfg\n      secretRef:\n        name: ''\n")),
            pairs(&[
                ("spec.containers[0].envFrom", "Invalid"),
                ("spec.containers[0].envFrom[0].configMapRef.name", "Invalid"),
                ("spec.containers[0].envFrom[0].secretRef.name", "Required")
            ])
        );
        assert_eq!(errors_of(R, &c("    - configMapRef:\n        name: cfg\n")), pairs(&[]));
    }
}
