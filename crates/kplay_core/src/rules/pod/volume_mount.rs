//! `volume-mount-invalid`: `volumeMounts` and `volumeDevices` of every container (C-18..C-23).
//!
//! Ported from `ValidateVolumeMounts`, `validateMountPropagation`,
//! `validateMountRecursiveReadOnly` and `ValidateVolumeDevices`. A mount of a volume that the
//! server did not register (because the volume itself has an error) is NotFound too.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, containers, has_backsteps, local_descending_path, text, ContainerKind};
use crate::rules::pod::volume::{claim_templates, valid_volumes, Owner};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static VOLUME_MOUNT_INVALID: Rule = Rule {
    name: "volume-mount-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A volume mount names no existing volume, repeats a mount path, or has an invalid subPath or propagation.",
    docs: rule_docs!(
        r#"## What it does
Checks `volumeMounts` and `volumeDevices` of every container: the name must be a volume of
`spec.volumes` (that is itself valid), `mountPath` must be set and unique in the container,
`subPath`/`subPathExpr` must be relative without `..` and not both set (on image volumes too:
their beta lifted the alpha's ban), `mountPropagation` must be
`None`, `HostToContainer` or `Bidirectional` (the latter only for privileged containers), and
devices must refer to PersistentVolumeClaim volumes with unique, non-overlapping paths.

## Why is this bad?
The API server rejects the object. A mount of an undeclared volume is the usual typo: the
`volumes` entry and the mount's `name` differ.

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
      volumeMounts:
        - name: config
          mountPath: /etc/app
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
      volumeMounts:
        - name: config
          mountPath: /etc/app
  volumes:
    - name: config
      configMap:
        name: web-config
```

## References
- Volumes: <https://kubernetes.io/docs/concepts/storage/volumes/>
- `ValidateVolumeMounts` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["C-18", "C-19", "C-20", "C-21", "C-22", "C-23"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    // A StatefulSet's pods also have a PVC volume per claim template, replacing the template's
    // volume of the same name.
    let claims = claim_templates(ctx);
    let vols = valid_volumes(&spec, &Owner::of(ctx), ctx.obj.file, &claims);
    // Name -> is a PVC or generic ephemeral volume (block devices need one).
    let mut pvc: HashMap<&str, bool> = spec
        .field("volumes")
        .map(|vs| {
            vs.items()
                .filter_map(|(_, v)| {
                    let n = v.field("name")?.str()?;
                    (vols.contains(n) && !claims.contains(&n))
                        .then(|| (n, v.field("persistentVolumeClaim").is_some() || v.field("ephemeral").is_some()))
                })
                .collect()
        })
        .unwrap_or_default();
    pvc.extend(claims.iter().filter(|n| vols.contains(*n)).map(|n| (*n, true)));
    let not_found_help = if ctx.kind() == "StatefulSet" {
        "add a volume with this name to `spec.template.spec.volumes` or a claim template to `spec.volumeClaimTemplates`, or fix the name (a volume with errors does not count)"
    } else {
        "add a volume with this name to `spec.volumes`, or fix the name (a volume with errors does not count)"
    };
    for (kind, c) in containers(&spec) {
        let devices: Vec<(&str, &str)> = c
            .field("volumeDevices")
            .map(|d| d.items().map(|(_, x)| (text(&x, "name"), text(&x, "devicePath"))).collect())
            .unwrap_or_default();
        let privileged = c.field("securityContext").and_then(|s| s.field("privileged")).and_then(|p| p.bool()) == Some(true);
        if let Some(mounts) = c.field("volumeMounts") {
            let mut paths = HashSet::new();
            for (_, m) in mounts.items() {
                let known = Known { names: &vols, not_found_help };
                // Image volumes take `subPath`/`subPathExpr` like any other since their beta (1.33,
                // kubernetes/kubernetes#130135 removed the alpha's "not allowed in image volume
                // sources"); kplay registers them from 1.35, where ImageVolume is on by default.
                mount(sink, &mounts, &m, &known, &devices, &mut paths, (kind != ContainerKind::Ephemeral).then_some(privileged));
            }
        }
        if let Some(devs) = c.field("volumeDevices") {
            let mounts: Vec<(&str, &str)> = c
                .field("volumeMounts")
                .map(|m| m.items().map(|(_, x)| (text(&x, "name"), text(&x, "mountPath"))).collect())
                .unwrap_or_default();
            device_list(sink, &devs, &pvc, &mounts, not_found_help);
        }
    }
}

const SUPPORTED: &[&str] = &["Bidirectional", "HostToContainer", "None"];

const RRO: &[&str] = &["Disabled", "Enabled", "IfPossible"];

/// The volumes a mount may name, and what to say when it names another.
struct Known<'v, 'a> {
    names: &'v HashSet<&'a str>,
    not_found_help: &'static str,
}

fn mount<'a>(
    sink: &mut Sink<'_>,
    list: &Cur<'_>,
    m: &Cur<'a>,
    known: &Known<'_, '_>,
    devices: &[(&str, &str)],
    paths: &mut HashSet<&'a str>,
    privileged: Option<bool>,
) {
    let name = text(m, "name");
    let name_cur = child_or_parent(m, "name");
    if name.is_empty() {
        sink.field_error(&name_cur, ErrorType::Required, formats::required("")).help("name the volume to mount");
    }
    if !known.names.contains(name) {
        sink.field_error(&name_cur, ErrorType::NotFound, formats::not_found(name)).help(known.not_found_help);
    }
    let mp = text(m, "mountPath");
    let mp_cur = child_or_parent(m, "mountPath");
    if mp.is_empty() {
        sink.field_error(&mp_cur, ErrorType::Required, formats::required(""))
            .help("set `mountPath`, where the volume appears in the container");
    }
    if !paths.insert(mp) {
        sink.field_error(&mp_cur, ErrorType::Invalid, formats::invalid(mp, "must be unique")).help("mount each path once per container");
    }
    if devices.iter().any(|(n, _)| *n == name) {
        sink.field_error(&name_cur, ErrorType::Invalid, formats::invalid(name, "must not already exist in volumeDevices"))
            .help("use a volume either as a mount or as a device");
    }
    if devices.iter().any(|(_, p)| *p == mp) {
        sink.field_error(&mp_cur, ErrorType::Invalid, formats::invalid(mp, "must not already exist as a path in volumeDevices"))
            .help("use another path");
    }
    let sub = text(m, "subPath");
    if !sub.is_empty() {
        // The server reports these on `volumeMounts.subPath`, without the index.
        let at = child_or_parent(m, "subPath");
        local_descending_path(sink, &at, &list.child_path("subPath"), sub);
    }
    let expr = text(m, "subPathExpr");
    if !expr.is_empty() {
        let at = child_or_parent(m, "subPathExpr");
        if !sub.is_empty() {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(expr, "subPathExpr and subPath are mutually exclusive"))
                .help("keep one of `subPath` and `subPathExpr`");
        }
        local_descending_path(sink, &at, &list.child_path("subPathExpr"), expr);
    }
    // The server reports `mountPropagation` and `recursiveReadOnly` without the index too.
    if let Some(p) = m.field("mountPropagation") {
        let p = Cur { path: list.child_path("mountPropagation"), ..p };
        let v = p.text().unwrap_or("");
        if !SUPPORTED.contains(&v) {
            sink.field_error(&p, ErrorType::NotSupported, formats::not_supported(v, SUPPORTED))
                .help("use `None`, `HostToContainer` or `Bidirectional`");
        }
        if v == "Bidirectional" && privileged == Some(false) {
            sink.field_error(
                &p,
                ErrorType::Forbidden,
                formats::forbidden("Bidirectional mount propagation is available only to privileged containers"),
            )
            .help("use `HostToContainer`, or run the container privileged");
        }
    }
    if let Some(r) = m.field("recursiveReadOnly") {
        let r = Cur { path: list.child_path("recursiveReadOnly"), ..r };
        let v = r.text().unwrap_or("");
        if !RRO.contains(&v) {
            sink.field_error(&r, ErrorType::NotSupported, formats::not_supported(v, RRO)).help("use `Disabled`, `IfPossible` or `Enabled`");
        } else if v != "Disabled" {
            if m.field("readOnly").and_then(|x| x.bool()) != Some(true) {
                sink.field_error(&r, ErrorType::Forbidden, formats::forbidden("may only be specified when readOnly is true"))
                    .help("add `readOnly: true`");
            }
            if m.field("mountPropagation").and_then(|x| x.text()).is_some_and(|p| p != "None") {
                sink.field_error(
                    &r,
                    ErrorType::Forbidden,
                    formats::forbidden("may only be specified when mountPropagation is None or not specified"),
                )
                .help("remove `mountPropagation`");
            }
        }
    }
}

fn device_list(sink: &mut Sink<'_>, devs: &Cur<'_>, pvc: &HashMap<&str, bool>, mounts: &[(&str, &str)], not_found_help: &str) {
    let mut names = HashSet::new();
    let mut paths = HashSet::new();
    for (_, d) in devs.items() {
        let name = text(&d, "name");
        let path = text(&d, "devicePath");
        let nc = child_or_parent(&d, "name");
        let pc = child_or_parent(&d, "devicePath");
        if name.is_empty() {
            sink.field_error(&nc, ErrorType::Required, formats::required("")).help("name a PersistentVolumeClaim volume");
        }
        if names.contains(name) {
            sink.field_error(&nc, ErrorType::Invalid, formats::invalid(name, "must be unique")).help("use each volume once");
        }
        match pvc.get(name) {
            Some(false) => {
                sink.field_error(
                    &nc,
                    ErrorType::Invalid,
                    formats::invalid(name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"),
                )
                .help("raw block devices come from PersistentVolumeClaims");
            }
            None => {
                sink.field_error(&nc, ErrorType::NotFound, formats::not_found(name)).help(not_found_help);
            }
            Some(true) => {}
        }
        if path.is_empty() {
            sink.field_error(&pc, ErrorType::Required, formats::required("")).help("set `devicePath`");
        }
        if paths.contains(path) {
            sink.field_error(&pc, ErrorType::Invalid, formats::invalid(path, "must be unique")).help("use each device path once");
        }
        if !path.is_empty() && has_backsteps(path) {
            sink.field_error(&pc, ErrorType::Invalid, formats::invalid(path, "can not contain backsteps ('..')")).help("remove `..`");
        } else {
            paths.insert(path);
        }
        if mounts.iter().any(|(n, _)| *n == name) {
            sink.field_error(&nc, ErrorType::Invalid, formats::invalid(name, "must not already exist in volumeMounts"))
                .help("use the volume once");
        }
        if mounts.iter().any(|(_, p)| *p == path) {
            sink.field_error(&pc, ErrorType::Invalid, formats::invalid(path, "must not already exist as a path in volumeMounts"))
                .help("use another path");
        }
        if !name.is_empty() {
            names.insert(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "volume-mount-invalid";

    fn c(mounts: &str, vols: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n    volumeMounts:\n{mounts}  volumes:\n{vols}"))
    }

    #[test]
    fn mounts() {
        let v = "  - name: data\n    emptyDir: {}\n";
        assert_eq!(
            errors_of(R, &c("    - name: config\n      mountPath: /etc/app\n", v)),
            pairs(&[("spec.containers[0].volumeMounts[0].name", "NotFound")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: data\n      mountPath: /d\n    - name: data\n      mountPath: /d\n", v)),
            pairs(&[("spec.containers[0].volumeMounts[1].mountPath", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: data\n      mountPath: /d\n      subPath: /abs/../x\n", v)),
            pairs(&[("spec.containers[0].volumeMounts.subPath", "Invalid"), ("spec.containers[0].volumeMounts.subPath", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: data\n      mountPath: /d\n      subPath: a\n      subPathExpr: b\n", v)),
            pairs(&[("spec.containers[0].volumeMounts[0].subPathExpr", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: data\n      mountPath: /d\n      mountPropagation: Bidirectional\n", v)),
            pairs(&[("spec.containers[0].volumeMounts.mountPropagation", "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: data\n      mountPath: /d\n      mountPropagation: bogus\n      recursiveReadOnly: Enabled\n", v)),
            pairs(&[
                ("spec.containers[0].volumeMounts.mountPropagation", "NotSupported"),
                ("spec.containers[0].volumeMounts.recursiveReadOnly", "Forbidden"),
                ("spec.containers[0].volumeMounts.recursiveReadOnly", "Forbidden")
            ])
        );
        assert_eq!(
            errors_of(R, &c("    - mountPath: /d\n", v)),
            pairs(&[("spec.containers[0].volumeMounts[0].name", "NotFound"), ("spec.containers[0].volumeMounts[0].name", "Required")])
        );
        // A volume with an error is not registered.
        assert_eq!(
            errors_of(R, &c("    - name: cfg\n      mountPath: /d\n", "  - name: cfg\n    configMap: {}\n")),
            pairs(&[("spec.containers[0].volumeMounts[0].name", "NotFound")])
        );
        assert_eq!(errors_of(R, &c("    - name: data\n      mountPath: /d\n      subPath: x/y\n", v)), pairs(&[]));
        // Image volumes take a subPath like other volumes (beta since 1.33, #130135; kplay
        // registers them from 1.35, in 1.34 they and their mounts are dropped); its rules still hold.
        let img = |sub: &str| {
            c(
                &format!("    - name: img\n      mountPath: /i\n      subPath: {sub}\n"),
                "  - name: img\n    image:\n      reference: registry.example/data:1\n",
            )
        };
        for v in [35, 37] {
            assert_eq!(crate::rules::pod::util::errors_of_version(R, &img("x"), crate::KubeVersion::new(v)), pairs(&[]), "1.{v}");
            assert_eq!(
                crate::rules::pod::util::errors_of_version(R, &img("/abs"), crate::KubeVersion::new(v)),
                pairs(&[("spec.containers[0].volumeMounts.subPath", "Invalid")]),
                "1.{v}"
            );
        }
        assert_eq!(errors_of(R, &img("x")), pairs(&[]));
    }

    #[test]
    fn devices() {
        let y = pod_with(
            "  containers:\n  - name: web\n    image: nginx:1.27\n    volumeDevices:\n    - name: data\n      devicePath: /dev/xvda\n    - name: blk\n      devicePath: /dev/xvda\n  volumes:\n  - name: data\n    emptyDir: {}\n  - name: blk\n    persistentVolumeClaim:\n      claimName: blk\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.containers[0].volumeDevices[0].name", "Invalid"),
                ("spec.containers[0].volumeDevices[1].devicePath", "Invalid")
            ])
        );
    }
}
