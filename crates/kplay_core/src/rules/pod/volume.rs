//! `volume-invalid`: `spec.volumes[]`: names, exactly one source, and the common sources'
//! fields (V-01..V-07, P-37).
//!
//! Ported from `ValidateVolumes` and `validateVolumeSource` (with `validateEphemeralVolumeSource`,
//! `ValidatePersistentVolumeClaimTemplate` and `ValidatePersistentVolumeClaimSpec`). A volume with any error is not
//! registered by the server, so mounts of it are also reported (`volume-mount-invalid` uses
//! [`valid_volumes`]).

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::env_source::{object_field_selector, resource_field_selector, VOLUME_FIELD_PATHS};
use crate::rules::pod::quantity::Quantity;
use crate::rules::pod::util::{child_or_parent, has_backsteps, invalid_each, local_non_reserved_path, text, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::KubeVersion;

pub static VOLUME_INVALID: Rule = Rule {
    name: "volume-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A volume has a bad or duplicate name, several sources, or a source with missing or invalid fields.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.volumes`: names are unique DNS-1123 labels, each volume has one source, and the
sources' fields are set and valid: `configMap.name`, `secret.secretName`,
`persistentVolumeClaim.claimName`, `hostPath.path` (no `..`), `nfs.server` and an absolute
`nfs.path`, `csi.driver` (a DNS subdomain of at most 63 characters, in any case) and the name of
its `nodePublishSecretRef` (reported on `csi.name`, as the server does); the fields the in-tree
and legacy sources require (`gitRepo.repository`, `iscsi.targetPortal` and a well-formed `iqn`,
`rbd.monitors`, `azureDisk.diskURI` in the form its `kind` needs, ...), which the server still
checks although their drivers are gone; file modes between 0 and 0777; `items[].key`/`path` set, relative and without
`..`; `emptyDir.sizeLimit` not negative; projected sources with one source each, no file path
used twice across a projected volume's sources, and a service account token of at least 10
minutes. From Kubernetes 1.37 also the `clusterTrustBundle` sources (one of `name` or
`signerName`, a valid bundle name without `labelSelector` or a `<domain>/<path>` signer name,
and a relative `path`) and the `podCertificate` sources (a valid `signerName`, a supported
`keyType`, `maxExpirationSeconds` from 3600 up to 91 days, or 24 hours for `kubernetes.io`
signers, domain-prefixed `userAnnotations` keys, and at least one of `credentialBundlePath`,
`keyPath` and `certificateChainPath`); up to 1.36 their feature gates are off and the server
drops both sources on create without checking them. A generic `ephemeral` volume needs a `volumeClaimTemplate`, validated like a
PersistentVolumeClaim: only `labels` and `annotations` in its `metadata`; in its `spec` at least
one supported access mode, a positive `resources.requests.storage`, a DNS-subdomain
`storageClassName`, a `volumeMode` of `Filesystem` or `Block`, and a `dataSource` /
`dataSourceRef` with a name and a kind (`PersistentVolumeClaim` unless an `apiGroup`, a DNS
subdomain, is given; the ref's `namespace` a DNS label) that name the same object when both are
set (with a `namespace` in the ref, `dataSource` may not be set). In a Pod, the claim it creates
is named `<pod>-<volume>`: that name must be a valid object name (at most 253 characters), and
no `persistentVolumeClaim` volume may name it. As the server does, errors in `downwardAPI` items
are reported on the source's path (`…downwardAPI.path`, without `items[i]`), a projected
token's `path` on `projected.path`, and a claim template's storage request on
`…spec.resources[storage]`.

## Why is this bad?
The API server rejects the object, and mounts of a volume it rejected are reported as not
found as well.

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
        - name: tls
          mountPath: /etc/tls
  volumes:
    - name: tls
      secret:
        secretName: web-tls
        defaultMode: 999
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
        - name: tls
          mountPath: /etc/tls
  volumes:
    - name: tls
      secret:
        secretName: web-tls
        defaultMode: 0400
```

## References
- Volumes: <https://kubernetes.io/docs/concepts/storage/volumes/>
- `ValidateVolumes` in `pkg/apis/core/validation/validation.go`
- Projected volumes: <https://kubernetes.io/docs/concepts/storage/projected-volumes/>
"#
    ),
    spec: &["V-01", "V-02", "V-03", "V-04", "V-05", "V-06", "V-07", "P-37"],
    check: Some(check),
};

/// Volume source keys of `v1.VolumeSource`, in the order `validateVolumeSource` counts them
/// (the first one present is validated; each later one is Forbidden).
pub const VOLUME_SOURCES: &[&str] = &[
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
];

/// `supportedHostPathTypes`, in the sorted order `sets.List` gives the message.
const HOST_PATH_TYPES: &[&str] = &["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    volumes(sink, &spec, &Owner::of(ctx), &claim_templates(ctx));
}

/// What the volumes' checks need to know about the object that holds the pod spec.
pub struct Owner<'a> {
    /// A Pod rather than a workload's pod template.
    pub is_pod: bool,
    /// The Pod's name (`ValidateVolumes` gets `podMeta` only for Pods, and skips the checks of
    /// the claims an ephemeral volume creates when the name is empty).
    pub pod_name: &'a str,
    pub version: KubeVersion,
}

impl<'a> Owner<'a> {
    pub fn of(ctx: &Ctx<'a>) -> Owner<'a> {
        let is_pod = !ctx.is_template();
        let pod_name = if is_pod { ctx.root().field("metadata").map_or("", |m| text(&m, "name")) } else { "" };
        Owner { is_pod, pod_name, version: ctx.opts.kube_version }
    }
}

/// The `volumeClaimTemplates[].metadata.name`s of a StatefulSet (empty for other kinds). Its
/// controller gives every pod one `persistentVolumeClaim` volume per name, replacing a template
/// volume of the same name (`updateStorage` in
/// `pkg/controller/statefulset/stateful_set_utils.go`): the pod rules check that pod.
pub fn claim_templates<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    if ctx.kind() != "StatefulSet" {
        return Vec::new();
    }
    let Some(list) = ctx.root().field("spec").and_then(|s| s.field("volumeClaimTemplates")) else { return Vec::new() };
    list.items().filter_map(|(_, c)| c.field("metadata")?.field("name")?.str()).filter(|n| !n.is_empty()).collect()
}

/// Validates every volume; returns the names the server registers (volumes without errors).
/// `claims` are a StatefulSet's claim templates: PVC volumes the controller adds (registered
/// when their names are valid) in place of the template's volumes of the same names (not
/// checked: the pods do not have them).
fn volumes<'a>(sink: &mut Sink<'_>, spec: &Cur<'a>, owner: &Owner<'_>, claims: &[&'a str]) -> HashSet<&'a str> {
    let mut ok: HashSet<&str> = claims.iter().copied().filter(|n| formats::dns1123_label_msgs(n).is_empty()).collect();
    let mut all = HashSet::new();
    let Some(vs) = spec.field("volumes") else { return ok };
    let sa = text(spec, "serviceAccountName");
    // The claims the ephemeral volumes create, `<pod>-<volume>` (known only for a named Pod).
    let created: HashSet<String> = if owner.pod_name.is_empty() {
        HashSet::new()
    } else {
        vs.items()
            .filter(|(_, v)| v.field("ephemeral").is_some())
            .map(|(_, v)| format!("{}-{}", owner.pod_name, text(&v, "name")))
            .collect()
    };
    for (_, v) in vs.items() {
        let name = v.field("name").and_then(|n| n.str()).unwrap_or("");
        if claims.contains(&name) {
            continue;
        }
        let before = sink.out.len();
        source(sink, &v, owner, sa);
        let name_cur = child_or_parent(&v, "name");
        if name.is_empty() {
            sink.field_error(&name_cur, ErrorType::Required, formats::required("")).help("give the volume a name");
        } else {
            invalid_each(sink, &name_cur, name, formats::dns1123_label_msgs(name), "use lowercase letters, digits and `-` (at most 63)");
        }
        if all.contains(name) {
            sink.field_error(&name_cur, ErrorType::Duplicate, formats::duplicate(name)).help("give each volume its own name");
        }
        if sink.out.len() == before {
            all.insert(name);
            ok.insert(name);
        }
        // Reported after the registration: this error does not unregister the volume.
        if let Some(cn) = v.field("persistentVolumeClaim").and_then(|p| p.field("claimName")) {
            let claim = cn.text().unwrap_or("");
            if created.contains(claim) {
                sink.field_error(
                    &cn,
                    ErrorType::Invalid,
                    formats::invalid(claim, "must not reference a PVC that gets created for an ephemeral volume"),
                )
                .help("mount the ephemeral volume itself: the Pod creates and deletes that claim with it");
            }
        }
    }
    ok
}

/// The names of the volumes the server registers (for mount checks), with a StatefulSet's
/// claim templates (see [`volumes`]).
pub fn valid_volumes<'a>(spec: &Cur<'a>, owner: &Owner<'_>, file: crate::source::FileId, claims: &[&'a str]) -> HashSet<&'a str> {
    let mut scratch = Sink::new(&VOLUME_INVALID, file, None);
    volumes(&mut scratch, spec, owner, claims)
}

fn mode(sink: &mut Sink<'_>, parent: &Cur<'_>, key: &str) {
    if let Some(m) = parent.field(key) {
        if let Some(n) = m.i64().filter(|n| !(0..=0o777).contains(n)) {
            sink.field_error(&m, ErrorType::Invalid, formats::invalid_num(n, FILE_MODE_MSG))
                .help("use an octal mode such as 0644 (YAML 1.1 reads a leading 0 as octal) or a decimal up to 511");
        }
    }
}

/// Required when the string `key` of `parent` is empty; true then.
pub(super) fn required(sink: &mut Sink<'_>, parent: &Cur<'_>, key: &str, help: &str) -> bool {
    if text(parent, key).is_empty() {
        sink.field_error(&child_or_parent(parent, key), ErrorType::Required, formats::required("")).help(help);
        return true;
    }
    false
}

/// `validateKeyToPath` for each of `items`.
fn key_to_path_items(sink: &mut Sink<'_>, src: &Cur<'_>) {
    let Some(items) = src.field("items") else { return };
    for (_, kp) in items.items() {
        required(sink, &kp, "key", "set `key` to the entry to project");
        if !required(sink, &kp, "path", "set `path`, the file name inside the volume") {
            if let Some(p) = kp.field("path") {
                local_non_reserved_path(sink, &p, p.text().unwrap_or(""));
            }
        }
        mode(sink, &kp, "mode");
    }
}

/// `validateDownwardAPIVolumeFile` for each of `items`. The server passes the source's path,
/// not the item's: errors are on `…downwardAPI.path`, `…downwardAPI.fieldRef.fieldPath`, ...
/// (no `items[i]`), in a volume and in a projected source alike.
fn downward_items(sink: &mut Sink<'_>, src: &Cur<'_>) {
    let Some(items) = src.field("items") else { return };
    for (_, f) in items.items() {
        let f = Cur { path: src.path.clone(), ..f };
        if !required(sink, &f, "path", "set `path`, the file name inside the volume") {
            if let Some(p) = f.field("path") {
                local_non_reserved_path(sink, &p, p.text().unwrap_or(""));
            }
        }
        match (f.field("fieldRef"), f.field("resourceFieldRef")) {
            (Some(fr), None) => object_field_selector(sink, &fr, VOLUME_FIELD_PATHS),
            (None, Some(rf)) => resource_field_selector(sink, &rf, true),
            (Some(_), Some(_)) => {
                sink.field_error(
                    &f,
                    ErrorType::Invalid,
                    formats::invalid("", "fieldRef and resourceFieldRef can not be specified simultaneously"),
                )
                .help("keep one of `fieldRef` and `resourceFieldRef`");
            }
            (None, None) => {
                sink.field_error(&f, ErrorType::Required, formats::required("one of fieldRef and resourceFieldRef is required"))
                    .help("add `fieldRef` or `resourceFieldRef`");
            }
        }
        mode(sink, &f, "mode");
    }
}

fn source(sink: &mut Sink<'_>, v: &Cur<'_>, owner: &Owner<'_>, sa: &str) {
    let (is_pod, version) = (owner.is_pod, owner.version);
    let mut n = 0;
    for k in VOLUME_SOURCES {
        let Some(src) = v.field(k) else { continue };
        if *k == "iscsi" && src.field("initiatorName").is_some() {
            // Checked for iscsi in any place (the server does it outside its count of sources).
            let name = text(v, "name");
            if name.len() + 1 + text(&src, "targetPortal").len() > 64 {
                let at = Cur { path: v.child_path("name"), ..child_or_parent(v, "name") };
                let msg =
                    "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.";
                sink.field_error(&at, ErrorType::Invalid, formats::invalid(name, msg))
                    .help("shorten the volume's name or the target portal");
            }
        }
        if n > 0 {
            // The server's own spellings of two of these paths.
            let name = match *k {
                "cephfs" => "cephFS",
                "downwardAPI" => "downwarAPI",
                k => k,
            };
            let at = Cur { path: v.child_path(name), ..whole(&src) };
            sink.field_error(&at, ErrorType::Forbidden, formats::forbidden("may not specify more than 1 volume type"))
                .help("split the sources into separate volumes, or use a `projected` volume");
            continue;
        }
        n += 1;
        match *k {
            "hostPath" => {
                // `validateHostPathVolumeSource` returns after the Required: no type check then.
                if required(sink, &src, "path", "set the path on the node") {
                    continue;
                }
                if let Some(p) = src.field("path") {
                    let t = p.text().unwrap_or("");
                    if has_backsteps(t) {
                        sink.field_error(&p, ErrorType::Invalid, formats::invalid(t, "must not contain '..'")).help("remove `..`");
                    }
                }
                if let Some(t) = src.field("type") {
                    let ty = t.text().unwrap_or("");
                    if !HOST_PATH_TYPES.contains(&ty) {
                        sink.field_error(&t, ErrorType::NotSupported, formats::not_supported(ty, HOST_PATH_TYPES))
                            .help("use a hostPath type such as `Directory`");
                    }
                }
            }
            "emptyDir" => {
                if let Some(sl) = src.field("sizeLimit") {
                    if sl.text().and_then(Quantity::parse).is_some_and(|q| q.is_negative()) {
                        sink.field_error(
                            &sl,
                            ErrorType::Forbidden,
                            formats::forbidden("SizeLimit field must be a valid resource quantity"),
                        )
                        .help("use a positive size such as `1Gi`");
                    }
                }
            }
            "secret" => {
                required(sink, &src, "secretName", "name the Secret");
                mode(sink, &src, "defaultMode");
                key_to_path_items(sink, &src);
            }
            "configMap" => {
                required(sink, &src, "name", "name the ConfigMap");
                mode(sink, &src, "defaultMode");
                key_to_path_items(sink, &src);
            }
            "persistentVolumeClaim" => {
                required(sink, &src, "claimName", "name the PersistentVolumeClaim");
            }
            "nfs" => {
                // `validateNFSVolumeSource`: an empty path is also not absolute (two errors).
                required(sink, &src, "server", "set the NFS server");
                required(sink, &src, "path", "set the exported path");
                let t = text(&src, "path");
                if !t.starts_with('/') {
                    sink.field_error(&child_or_parent(&src, "path"), ErrorType::Invalid, formats::invalid(t, "must be an absolute path"))
                        .help("start the path with `/`");
                }
            }
            "downwardAPI" => {
                mode(sink, &src, "defaultMode");
                downward_items(sink, &src);
            }
            "projected" => projected(sink, &src, is_pod, sa, version),
            "csi" => csi(sink, &src),
            "ephemeral" => ephemeral(sink, v, &src, owner.pod_name),
            "image" => {
                // `validateImageVolumeSource` (image volumes are dropped before 1.35): the
                // reference is required in Pods, and in templates too from 1.37.
                if is_pod || version.at_least(37) {
                    required(sink, &src, "reference", "set `reference` to the image (or artifact) to mount");
                }
                if let Some(pp) = src.field("pullPolicy") {
                    let t = pp.text().unwrap_or("");
                    let supported = ["Always", "IfNotPresent", "Never"];
                    if !t.is_empty() && !supported.contains(&t) {
                        sink.field_error(&pp, ErrorType::NotSupported, formats::not_supported(t, &supported))
                            .help("use `Always`, `IfNotPresent` or `Never`");
                    }
                }
            }
            k => {
                super::volume_legacy::check(sink, k, &src, v, crate::rules::formats::Values::of(version));
            }
        }
    }
    if n == 0 {
        sink.field_error(v, ErrorType::Required, formats::required("must specify a volume type"))
            .help("add a source such as `emptyDir: {}`");
    }
}

/// `validateCSIVolumeSource`: `ValidateCSIDriverName` (Required, at most 63 characters, and a
/// DNS subdomain once lowered: so "" is Invalid too), then the node publish secret's name,
/// whose format errors the server reports on `csi.name`.
fn csi(sink: &mut Sink<'_>, src: &Cur<'_>) {
    let driver = text(src, "driver");
    let at = child_or_parent(src, "driver");
    if driver.is_empty() {
        sink.field_error(&at, ErrorType::Required, formats::required("")).help("name the CSI driver, e.g. `csi.example.com`");
    }
    if driver.len() > 63 {
        sink.field_error(&at, ErrorType::TooLong, "Too long: may not be more than 63 bytes")
            .help("use the driver's registered name (at most 63 characters)");
    }
    let lowered = crate::rules::pod::env_source::go_lower(driver);
    invalid_each(
        sink,
        &at,
        driver,
        formats::dns1123_subdomain_msgs(&lowered),
        "use the driver's registered name: letters, digits, `-` and `.`",
    );
    let Some(r) = src.field("nodePublishSecretRef") else { return };
    let name = text(&r, "name");
    if name.is_empty() {
        sink.field_error(&child_or_parent(&r, "name"), ErrorType::Required, formats::required("")).help("name the Secret");
    } else {
        let at = Cur { path: src.child_path("name"), ..child_or_parent(&r, "name") };
        invalid_each(sink, &at, name, formats::dns1123_subdomain_msgs(name), "use a Secret's name: lowercase letters, digits, `-` and `.`");
    }
}

/// `validateEphemeralVolumeSource`: a claim template is required and validated like a
/// PersistentVolumeClaim's; in a named Pod the claim it creates, `<pod>-<volume>`, must be a
/// valid object name (reported on the volume's name).
fn ephemeral(sink: &mut Sink<'_>, v: &Cur<'_>, src: &Cur<'_>, pod_name: &str) {
    match src.field("volumeClaimTemplate") {
        None => {
            sink.required(src, "volumeClaimTemplate", formats::required(""))
                .help("add `volumeClaimTemplate` with the claim's `spec` (access modes and a storage request)");
        }
        Some(t) => claim_template(sink, &t),
    }
    let vol = text(v, "name");
    if pod_name.is_empty() || vol.is_empty() {
        return;
    }
    let pvc = format!("{pod_name}-{vol}");
    let at = Cur { path: v.child_path("name"), ..child_or_parent(v, "name") };
    for m in formats::dns1123_subdomain_msgs(&pvc) {
        sink.field_error(&at, ErrorType::Invalid, formats::invalid(vol, &format!("PVC name {}: {m}", formats::quote(&pvc))))
            .help("shorten the Pod's or the volume's name: the claim is named `<pod>-<volume>`");
    }
}

/// The `ObjectMeta` fields a claim template may not set (`validateFieldAllowList` over the Go
/// struct, in its field order): the JSON key and the path the server reports (the Go field
/// name with its first letter lowered, hence `uID`).
const TEMPLATE_META_FORBIDDEN: &[(&str, &str)] = &[
    ("name", "name"),
    ("generateName", "generateName"),
    ("namespace", "namespace"),
    ("selfLink", "selfLink"),
    ("uid", "uID"),
    ("resourceVersion", "resourceVersion"),
    ("generation", "generation"),
    ("creationTimestamp", "creationTimestamp"),
    ("deletionTimestamp", "deletionTimestamp"),
    ("deletionGracePeriodSeconds", "deletionGracePeriodSeconds"),
    ("ownerReferences", "ownerReferences"),
    ("finalizers", "finalizers"),
    ("managedFields", "managedFields"),
];

/// `ValidatePersistentVolumeClaimTemplate`: `ValidateTemplateObjectMeta` (annotations, labels,
/// nothing else set) and `ValidatePersistentVolumeClaimSpec`.
fn claim_template(sink: &mut Sink<'_>, t: &Cur<'_>) {
    if let Some(m) = t.field("metadata") {
        if let Some(a) = m.field("annotations") {
            crate::rules::meta::annotations::check_annotations(sink, &a, &a.path);
        }
        if let Some(l) = m.field("labels") {
            crate::rules::meta::labels::check_labels(sink, &l, &l.path);
        }
        for (key, go) in TEMPLATE_META_FORBIDDEN {
            let Some(f) = m.field(key) else { continue };
            // Go compares with the zero value: "" and 0 are unset, an empty list is not.
            let zero = match f.str() {
                Some(s) => s.is_empty(),
                None => f.text() == Some("0"),
            };
            if !zero {
                let at = Cur { path: m.child_path(go), ..whole(&f) };
                sink.field_error(&at, ErrorType::Forbidden, formats::forbidden("cannot be set"))
                    .help("a claim template takes only `labels` and `annotations`: the claim is named after the Pod and the volume");
            }
        }
    }
    claim_spec(sink, t);
}

const ACCESS_MODES: &[&str] = &["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

/// `ValidatePersistentVolumeClaimSpec` (the create checks that apply to a template): access
/// modes, selector, a positive storage request, storage class name and volume mode. A missing
/// `spec` is Go's zero value, validated as empty.
fn claim_spec(sink: &mut Sink<'_>, t: &Cur<'_>) {
    // A missing spec stands at the template's key, where its fields' errors point; it has none.
    let spec = t.field("spec").unwrap_or_else(|| Cur { node: t.key.unwrap_or(t.node), key: t.key, path: t.child_path("spec") });
    let field = |name: &str| spec.field(name);
    let modes = field("accessModes");
    if modes.as_ref().is_none_or(Cur::is_empty) {
        let path = spec.child_path("accessModes");
        let at = modes.as_ref().map_or_else(|| spec.key_span(), |m| whole(m).span());
        sink.field_error_at(at, &path, ErrorType::Required, formats::required("at least 1 access mode is required"))
            .help("list the access modes, e.g. `accessModes: [ReadWriteOnce]`");
    }
    if let Some(sel) = field("selector") {
        crate::rules::pod::util::label_selector(sink, &sel);
    }
    if let Some(modes) = &modes {
        let (mut rwop, mut other) = (false, false);
        for (_, m) in modes.items() {
            let v = m.text().unwrap_or("");
            if !ACCESS_MODES.contains(&v) {
                sink.field_error_at(m.span(), &modes.path, ErrorType::NotSupported, formats::not_supported(v, ACCESS_MODES))
                    .help("use `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`");
            }
            if v == "ReadWriteOncePod" {
                rwop = true;
            } else if ACCESS_MODES.contains(&v) {
                other = true;
            }
        }
        if rwop && other {
            sink.field_error(
                &whole(modes),
                ErrorType::Forbidden,
                formats::forbidden("may not use ReadWriteOncePod with other access modes"),
            )
            .help("use `ReadWriteOncePod` alone");
        }
    }
    // The server's path has no `requests`: `…spec.resources[storage]`.
    let storage_path = format!("{}[storage]", spec.child_path("resources"));
    let resources = field("resources");
    let requests = resources.as_ref().and_then(|r| r.field("requests"));
    match requests.as_ref().and_then(|r| r.field("storage")) {
        None => {
            let at = requests.as_ref().or(resources.as_ref()).map_or_else(|| spec.key_span(), Cur::key_span);
            sink.field_error_at(at, &storage_path, ErrorType::Required, formats::required(""))
                .help("request the volume's size, e.g. `resources: {requests: {storage: 1Gi}}`");
        }
        Some(s) => {
            if let Some(q) = s.text().and_then(Quantity::parse).filter(|q| q.milli <= 0) {
                sink.field_error_at(
                    s.span(),
                    &storage_path,
                    ErrorType::Invalid,
                    formats::invalid(&q.canonical(), "must be greater than zero"),
                )
                .help("request a positive size such as `1Gi`");
            }
        }
    }
    if let Some(sc) = field("storageClassName") {
        let v = sc.text().unwrap_or("");
        if !v.is_empty() {
            invalid_each(
                sink,
                &sc,
                v,
                formats::dns1123_subdomain_msgs(v),
                "use the name of a StorageClass (lowercase letters, digits, `-` and `.`)",
            );
        }
    }
    if let Some(vm) = field("volumeMode") {
        let v = vm.text().unwrap_or("");
        if !matches!(v, "Block" | "Filesystem") {
            sink.field_error(&vm, ErrorType::NotSupported, formats::not_supported(v, &["Block", "Filesystem"]))
                .help("use `Filesystem` (the default) or `Block`");
        }
    }
    data_sources(sink, &spec);
}

/// The end of `ValidatePersistentVolumeClaimSpec`: `validateDataSource` and
/// `validateDataSourceRef` (a name and a kind; without an API group the kind must be
/// PersistentVolumeClaim, with one the group is a DNS subdomain; the ref's namespace a DNS
/// label), then the two together: with a namespace in the ref `dataSource` may not be set,
/// otherwise both set must name the same object (`isDataSourceEqualDataSourceRef`, where an
/// `apiGroup` left out differs from an empty one). The Pod strategy keeps the ref's namespace
/// whatever the CrossNamespaceVolumeDataSource gate says (only a PVC's strategy drops it), so
/// it is checked on every version. The spec-level errors print the `dataSource` path as their
/// value (`*field.Path` is a Stringer).
fn data_sources(sink: &mut Sink<'_>, spec: &Cur<'_>) {
    let ds = spec.field("dataSource");
    let dsr = spec.field("dataSourceRef");
    for r in [&ds, &dsr].into_iter().flatten() {
        data_source(sink, r);
    }
    let ds_path = spec.child_path("dataSource");
    let ns = dsr.as_ref().map_or("", |r| text(r, "namespace"));
    let (detail, help) = match (&ds, &dsr) {
        (Some(_), Some(_)) if !ns.is_empty() => (
            "may not be specified when dataSourceRef.namespace is specified",
            "leave out `dataSource` when `dataSourceRef` names another namespace",
        ),
        (Some(d), Some(r)) if !same_source(d, r) => {
            ("must match dataSourceRef", "set `dataSource` to the same apiGroup, kind and name as `dataSourceRef`, or leave it out")
        }
        _ => return,
    };
    let at = ds.as_ref().map_or_else(|| spec.key_span(), Cur::key_span);
    sink.field_error_at(at, &spec.path, ErrorType::Invalid, format!("Invalid value: {ds_path}: {detail}")).help(help);
}

/// `validateDataSource` / `validateDataSourceRef` for one reference.
fn data_source(sink: &mut Sink<'_>, r: &Cur<'_>) {
    let (name, kind) = (text(r, "name"), text(r, "kind"));
    if name.is_empty() {
        sink.field_error(&child_or_parent(r, "name"), ErrorType::Required, formats::required(""))
            .help("name the object to populate the volume from");
    }
    if kind.is_empty() {
        sink.field_error(&child_or_parent(r, "kind"), ErrorType::Required, formats::required(""))
            .help("set the kind of the source, e.g. `PersistentVolumeClaim` or `VolumeSnapshot`");
    }
    let group = text(r, "apiGroup");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        let at = Cur { path: r.path.clone(), ..child_or_parent(r, "kind") };
        sink.field_error(
            &at,
            ErrorType::Invalid,
            formats::invalid(kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"),
        )
        .help("set `apiGroup` for other kinds, e.g. `snapshot.storage.k8s.io` for a VolumeSnapshot");
    }
    if let Some(g) = r.field("apiGroup").filter(|_| !group.is_empty()) {
        invalid_each(sink, &g, group, formats::dns1123_subdomain_msgs(group), "use the API group's name, e.g. `snapshot.storage.k8s.io`");
    }
    if let Some(ns) = r.field("namespace") {
        let v = ns.text().unwrap_or("");
        if !v.is_empty() {
            invalid_each(sink, &ns, v, formats::dns1123_label_msgs(v), "use a namespace's name: lowercase letters, digits and `-`");
        }
    }
}

/// `isDataSourceEqualDataSourceRef`: the same kind and name, and `apiGroup` both left out or
/// both set to the same text (`reflect.DeepEqual` of the pointers).
fn same_source(ds: &Cur<'_>, dsr: &Cur<'_>) -> bool {
    let group = |c: &Cur<'_>| c.field("apiGroup").map(|g| g.text().unwrap_or("").to_string());
    group(ds) == group(dsr) && text(ds, "kind") == text(dsr, "kind") && text(ds, "name") == text(dsr, "name")
}

/// `validateProjectionSources`: every source of an item is validated, an item with several
/// gets one Forbidden on `sources[i]`, and a file path used twice across the sources is
/// Invalid on `projected` ("conflicting duplicate paths"). `clusterTrustBundle` and
/// `podCertificate` count only from 1.37: before, their gates are off and the server drops them
/// on create ([`projection`](super::projection)).
fn projected(sink: &mut Sink<'_>, p: &Cur<'_>, is_pod: bool, sa: &str, version: KubeVersion) {
    use super::projection;
    let gated_on = version.at_least(projection::VALIDATED_FROM);
    mode(sink, p, "defaultMode");
    let Some(sources) = p.field("sources") else { return };
    let mut all_paths: HashSet<String> = HashSet::new();
    let mut path_seen = |sink: &mut Sink<'_>, at: &Cur<'_>, path: &str, value: &str| {
        if !all_paths.insert(path.to_string()) {
            let at = Cur { path: p.path.clone(), ..at.clone() };
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(value, "conflicting duplicate paths"))
                .help("give each projected file its own path");
        }
    };
    for (_, s) in sources.items() {
        let mut extra: Option<Cur<'_>> = None;
        let mut n = 0;
        for k in ["secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate"] {
            let Some(src) = s.field(k) else { continue };
            if matches!(k, "clusterTrustBundle" | "podCertificate") && !gated_on {
                continue;
            }
            n += 1;
            if n == 2 {
                extra = Some(whole(&src));
            }
            match k {
                "secret" | "configMap" => {
                    required(sink, &src, "name", "name the object to project");
                    key_to_path_items(sink, &src);
                    let name = text(&src, "name");
                    if let Some(items) = src.field("items") {
                        for (_, kp) in items.items() {
                            let Some(pc) = kp.field("path") else { continue };
                            let t = pc.text().unwrap_or("");
                            if !t.is_empty() {
                                path_seen(sink, &pc, t, name);
                            }
                        }
                    }
                }
                "downwardAPI" => {
                    downward_items(sink, &src);
                    if let Some(items) = src.field("items") {
                        for (_, f) in items.items() {
                            let Some(pc) = f.field("path") else { continue };
                            let t = pc.text().unwrap_or("");
                            if !t.is_empty() {
                                path_seen(sink, &pc, t, t);
                            }
                        }
                    }
                }
                "clusterTrustBundle" | "podCertificate" => {
                    let paths = if k == "clusterTrustBundle" {
                        projection::cluster_trust_bundle(sink, &src)
                    } else {
                        projection::pod_certificate(sink, &src)
                    };
                    for (pc, t) in paths {
                        path_seen(sink, &pc, t, t);
                    }
                }
                "serviceAccountToken" => {
                    if is_pod && sa.is_empty() {
                        sink.field_error(
                            &whole(&src),
                            ErrorType::Forbidden,
                            formats::forbidden("must not be specified when serviceAccountName is not set"),
                        )
                        .help("set `serviceAccountName`");
                    }
                    if let Some(e) = src.field("expirationSeconds") {
                        match e.i64() {
                            Some(x) if x < 600 => {
                                sink.field_error(
                                    &e,
                                    ErrorType::Invalid,
                                    formats::invalid_num(x, "may not specify a duration less than 10 minutes"),
                                )
                                .help("use at least 600 seconds");
                            }
                            Some(x) if x > 1 << 32 => {
                                sink.field_error(
                                    &e,
                                    ErrorType::Invalid,
                                    formats::invalid_num(x, "may not specify a duration larger than 2^32 seconds"),
                                )
                                .help("use a shorter duration");
                            }
                            _ => {}
                        }
                    }
                    // The server reports the token's path on `projected.path`, not under the source.
                    let at = Cur { path: p.child_path("path"), ..child_or_parent(&src, "path") };
                    let t = text(&src, "path");
                    if t.is_empty() {
                        sink.field_error(&at, ErrorType::Required, formats::required("")).help("set `path`, the token's file name");
                    } else {
                        local_non_reserved_path(sink, &at, t);
                    }
                }
                _ => {}
            }
        }
        if let Some(extra) = extra {
            let at = Cur { path: s.path.clone(), ..extra };
            sink.field_error(&at, ErrorType::Forbidden, formats::forbidden("may not specify more than 1 volume type per source"))
                .help("give each projected source its own list item");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "volume-invalid";

    fn v(vols: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n{vols}"))
    }

    #[test]
    fn names_and_sources() {
        assert_eq!(
            errors_of(R, &v("  - name: tls\n    secret:\n      secretName: t\n      defaultMode: 999\n")),
            pairs(&[("spec.volumes[0].secret.defaultMode", "Invalid")])
        );
        assert_eq!(errors_of(R, &v("  - name: a\n  - name: a\n")), pairs(&[("spec.volumes[1].name", "Duplicate")]));
        assert_eq!(errors_of(R, &v("  - name: A_b\n")), pairs(&[("spec.volumes[0].name", "Invalid")]));
        assert_eq!(
            errors_of(R, &v("  - name: a\n    emptyDir: {}\n    configMap:\n      name: c\n")),
            pairs(&[("spec.volumes[0].configMap", "Forbidden")])
        );
        assert_eq!(errors_of(R, &v("  - name: a\n    configMap: {}\n")), pairs(&[("spec.volumes[0].configMap.name", "Required")]));
        assert_eq!(
            errors_of(R, &v("  - name: a\n    nfs:\n      server: s\n      path: data\n")),
            pairs(&[("spec.volumes[0].nfs.path", "Invalid")])
        );
        // `validateNFSVolumeSource`'s two checks are independent: "" is not absolute either.
        assert_eq!(
            errors_of(R, &v("  - name: a\n    nfs:\n      server: s\n      path: ''\n")),
            pairs(&[("spec.volumes[0].nfs.path", "Invalid"), ("spec.volumes[0].nfs.path", "Required")])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    nfs:\n      server: s\n")),
            pairs(&[("spec.volumes[0].nfs.path", "Invalid"), ("spec.volumes[0].nfs.path", "Required")])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    emptyDir:\n      sizeLimit: -1Gi\n")),
            pairs(&[("spec.volumes[0].emptyDir.sizeLimit", "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    emptyDir: {}\n  - name: b\n    configMap:\n      name: c\n      defaultMode: 0644\n")),
            pairs(&[])
        );
    }

    #[test]
    fn items() {
        assert_eq!(
            errors_of(R, &v("  - name: a\n    configMap:\n      name: c\n      items:\n      - key: k\n        path: /etc/x\n      - key: ''\n        path: ../x\n        mode: -1\n")),
            pairs(&[
                ("spec.volumes[0].configMap.items[0].path", "Invalid"),
                ("spec.volumes[0].configMap.items[1].key", "Required"),
                ("spec.volumes[0].configMap.items[1].mode", "Invalid"),
                ("spec.volumes[0].configMap.items[1].path", "Invalid")
            ])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - serviceAccountToken:\n          path: token\n          expirationSeconds: 60\n")),
            pairs(&[("spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", "Invalid")])
        );
    }

    /// `validateDownwardAPIVolumeFile` gets the source's path, not `items[i]`.
    #[test]
    fn downward_api_paths() {
        assert_eq!(
            errors_of(R, &v("  - name: a\n    downwardAPI:\n      items:\n      - path: ''\n        fieldRef:\n          fieldPath: spec.nodeName\n        mode: 01000\n")),
            pairs(&[
                ("spec.volumes[0].downwardAPI.fieldRef.fieldPath", "NotSupported"),
                ("spec.volumes[0].downwardAPI.mode", "Invalid"),
                ("spec.volumes[0].downwardAPI.path", "Required")
            ])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - downwardAPI:\n          items:\n          - path: x\n")),
            pairs(&[("spec.volumes[0].projected.sources[0].downwardAPI", "Required")])
        );
    }

    #[test]
    fn projected_paths() {
        // The token's path is reported on `projected.path`.
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - serviceAccountToken:\n          path: ''\n      - serviceAccountToken:\n          path: /abs\n")),
            pairs(&[("spec.volumes[0].projected.path", "Invalid"), ("spec.volumes[0].projected.path", "Required")])
        );
        // Two sources in one item: one Forbidden on the item; both sources are validated.
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - configMap:\n          name: c\n        secret:\n          name: s\n          items:\n          - key: ''\n            path: k\n")),
            pairs(&[("spec.volumes[0].projected.sources[0]", "Forbidden"), ("spec.volumes[0].projected.sources[0].secret.items[0].key", "Required")])
        );
        // A projected secret or configMap needs a name.
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - configMap:\n          items:\n          - key: k\n            path: k\n")),
            pairs(&[("spec.volumes[0].projected.sources[0].configMap.name", "Required")])
        );
        // A path used twice across sources.
        assert_eq!(
            errors_of(R, &v("  - name: a\n    projected:\n      sources:\n      - configMap:\n          name: c\n          items:\n          - key: k\n            path: same\n      - secret:\n          name: s\n          items:\n          - key: k\n            path: same\n      - downwardAPI:\n          items:\n          - path: same\n            fieldRef:\n              fieldPath: metadata.name\n")),
            pairs(&[("spec.volumes[0].projected", "Invalid"), ("spec.volumes[0].projected", "Invalid")])
        );
    }

    /// Image volumes: dropped with their mounts in 1.34 (ImageVolume off), the reference
    /// required in Pods from 1.35 and in templates from 1.37.
    #[test]
    fn image_volumes() {
        use crate::rules::pod::util::errors_of_version;
        use crate::KubeVersion;
        let pod = pod_with(
            "  containers:\n  - name: web\n    image: nginx:1.27\n    volumeMounts:\n    - name: v\n      mountPath: /v\n  volumes:\n  - name: v\n    image:\n      pullPolicy: Sometimes\n",
        );
        assert_eq!(errors_of_version(R, &pod, KubeVersion::new(34)), pairs(&[]));
        assert_eq!(errors_of_version("volume-mount-invalid", &pod, KubeVersion::new(34)), pairs(&[]));
        assert_eq!(
            errors_of_version(R, &pod, KubeVersion::new(35)),
            pairs(&[("spec.volumes[0].image.pullPolicy", "NotSupported"), ("spec.volumes[0].image.reference", "Required")])
        );
        let dep = |v: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n      volumes:\n      - name: v\n        image:\n          pullPolicy: {v}\n")
        };
        assert_eq!(errors_of_version(R, &dep("Always"), KubeVersion::new(36)), pairs(&[]));
        assert_eq!(
            errors_of_version(R, &dep("Always"), KubeVersion::new(37)),
            pairs(&[("spec.template.spec.volumes[0].image.reference", "Required")])
        );
    }

    /// `validateCSIVolumeSource`: the driver name's three checks, and the node publish secret's
    /// name, Invalid on `csi.name` (sic).
    #[test]
    fn csi() {
        let c = |body: &str| errors_of(R, &v(&format!("  - name: a\n    csi:\n{body}")));
        assert_eq!(
            c("      driver: ''\n"),
            pairs(&[("spec.volumes[0].csi.driver", "Invalid"), ("spec.volumes[0].csi.driver", "Required")])
        );
        assert_eq!(c(&format!("      driver: {}\n", "a".repeat(64))), pairs(&[("spec.volumes[0].csi.driver", "TooLong")]));
        assert_eq!(c("      driver: foo_bar\n"), pairs(&[("spec.volumes[0].csi.driver", "Invalid")]));
        assert_eq!(c("      driver: Foo.Com\n"), pairs(&[]));
        assert_eq!(
            c("      driver: foo.com\n      nodePublishSecretRef:\n        name: ''\n"),
            pairs(&[("spec.volumes[0].csi.nodePublishSecretRef.name", "Required")])
        );
        assert_eq!(
            c("      driver: foo.com\n      nodePublishSecretRef:\n        name: Bad_S\n"),
            pairs(&[("spec.volumes[0].csi.name", "Invalid")])
        );
        assert_eq!(c("      driver: foo.com\n      nodePublishSecretRef:\n        name: creds\n"), pairs(&[]));
    }

    /// `validateHostPathVolumeSource`: an empty path is Required and nothing more; the type's
    /// NotSupported lists the sorted set.
    #[test]
    fn host_path() {
        use crate::rules::pod::util::messages_of;
        assert_eq!(
            errors_of(R, &v("  - name: a\n    hostPath:\n      path: ''\n      type: Bogus\n")),
            pairs(&[("spec.volumes[0].hostPath.path", "Required")])
        );
        assert_eq!(
            messages_of(R, &v("  - name: a\n    hostPath:\n      path: /data\n      type: Bogus\n")),
            ["Unsupported value: \"Bogus\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""]
        );
    }

    /// `validateEphemeralVolumeSource`, `ValidatePersistentVolumeClaimTemplate` and
    /// `ValidatePersistentVolumeClaimSpec`, with the server's paths (`resources[storage]`, no
    /// `requests`; `accessModes` without the index).
    #[test]
    fn ephemeral_volumes() {
        use crate::rules::pod::util::messages_of;
        assert_eq!(
            errors_of(R, &v("  - name: a\n    ephemeral: {}\n")),
            pairs(&[("spec.volumes[0].ephemeral.volumeClaimTemplate", "Required")])
        );
        let t = "spec.volumes[0].ephemeral.volumeClaimTemplate";
        let req = |y: &str| errors_of(R, &v(&format!("  - name: a\n    ephemeral:\n      volumeClaimTemplate:\n{y}")));
        let want = |p: &[(&str, &str)]| {
            let mut v: Vec<(String, String)> = p.iter().map(|(a, b)| (format!("{t}.{a}"), (*b).to_string())).collect();
            v.sort();
            v
        };
        assert_eq!(req("        spec: {}\n"), want(&[("spec.accessModes", "Required"), ("spec.resources[storage]", "Required")]));
        assert_eq!(req("        metadata: {}\n"), want(&[("spec.accessModes", "Required"), ("spec.resources[storage]", "Required")]));
        assert_eq!(
            req("        spec:\n          accessModes: [Foo]\n          resources:\n            requests:\n              storage: 0\n          volumeMode: Bar\n          storageClassName: Bad_SC\n"),
            want(&[
                ("spec.accessModes", "NotSupported"),
                ("spec.resources[storage]", "Invalid"),
                ("spec.storageClassName", "Invalid"),
                ("spec.volumeMode", "NotSupported")
            ])
        );
        let ok = "        spec:\n          accessModes: [ReadWriteOnce]\n          resources:\n            requests:\n              storage: 1Gi\n";
        assert_eq!(req(ok), pairs(&[]));
        assert_eq!(
            req(&format!("        metadata:\n          name: x\n          uid: u\n          labels:\n            a b: c\n{ok}")),
            want(&[("metadata.labels", "Invalid"), ("metadata.name", "Forbidden"), ("metadata.uID", "Forbidden")])
        );
        assert_eq!(
            req("        spec:\n          accessModes: [ReadWriteOncePod, ReadWriteOnce]\n          resources:\n            requests:\n              storage: 1Gi\n"),
            want(&[("spec.accessModes", "Forbidden")])
        );
        let y = v("  - name: a\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [Foo]\n          resources:\n            requests:\n              storage: '0'\n");
        assert_eq!(
            messages_of(R, &y),
            [
                "Unsupported value: \"Foo\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
                "Invalid value: \"0\": must be greater than zero"
            ]
        );
    }

    /// `validateDataSource` / `validateDataSourceRef` and the two together, in a claim template.
    #[test]
    fn ephemeral_data_sources() {
        use crate::rules::pod::util::messages_of;
        let t = "spec.volumes[0].ephemeral.volumeClaimTemplate.spec";
        let y = |src: &str| {
            v(&format!("  - name: a\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources:\n            requests:\n              storage: 1Gi\n{src}"))
        };
        let errs = |src: &str| errors_of(R, &y(src));
        let at = |p: &str| format!("{t}{p}");
        // Name and kind required; no group, so the (empty) kind must be PersistentVolumeClaim.
        assert_eq!(
            errs("          dataSource: {apiGroup: ''}\n"),
            vec![
                (at(".dataSource"), "Invalid".to_string()),
                (at(".dataSource.kind"), "Required".to_string()),
                (at(".dataSource.name"), "Required".to_string())
            ]
        );
        assert_eq!(
            messages_of(R, &y("          dataSource: {kind: VolumeSnapshot, name: snap}\n")),
            ["Invalid value: \"VolumeSnapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup"]
        );
        assert_eq!(errs("          dataSource: {kind: PersistentVolumeClaim, name: src}\n"), pairs(&[]));
        assert_eq!(errs("          dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}\n"), pairs(&[]));
        assert_eq!(
            errs("          dataSourceRef: {apiGroup: Bad_Group, kind: Thing, name: x, namespace: Other_NS}\n"),
            vec![(at(".dataSourceRef.apiGroup"), "Invalid".to_string()), (at(".dataSourceRef.namespace"), "Invalid".to_string())]
        );
        // Both set: they must name the same object; an apiGroup left out is not an empty one.
        let both = "          dataSource: {kind: PersistentVolumeClaim, name: a}\n          dataSourceRef: {kind: PersistentVolumeClaim, name: b}\n";
        assert_eq!(errs(both), vec![(t.to_string(), "Invalid".to_string())]);
        assert_eq!(messages_of(R, &y(both)), [format!("Invalid value: {t}.dataSource: must match dataSourceRef")]);
        assert_eq!(errs(&both.replace("name: b", "name: a")), pairs(&[]));
        assert_eq!(errs(&both.replace("name: b", "name: a, apiGroup: ''")), vec![(t.to_string(), "Invalid".to_string())]);
        // With a namespace in the ref, dataSource may not be set at all.
        assert_eq!(
            messages_of(R, &y(&both.replace("name: b", "name: a, namespace: other"))),
            [format!("Invalid value: {t}.dataSource: may not be specified when dataSourceRef.namespace is specified")]
        );
        assert_eq!(errs("          dataSourceRef: {kind: PersistentVolumeClaim, name: a, namespace: other}\n"), pairs(&[]));
    }

    /// Pods only: the claim an ephemeral volume creates is `<pod>-<volume>`; another volume may
    /// not name it, and it must be a valid object name. Templates have no Pod name.
    #[test]
    fn ephemeral_claim_names() {
        use crate::rules::pod::util::messages_of;
        let eph = |name: &str| {
            format!("  - name: {name}\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources:\n            requests:\n              storage: 1Gi\n")
        };
        let y = v(&format!("{}  - name: b\n    persistentVolumeClaim:\n      claimName: web-a\n", eph("a")));
        assert_eq!(errors_of(R, &y), pairs(&[("spec.volumes[1].persistentVolumeClaim.claimName", "Invalid")]));
        // The volume stays registered: its mounts are fine.
        let y = y.replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    volumeMounts:\n    - name: b\n      mountPath: /b\n");
        assert_eq!(errors_of("volume-mount-invalid", &y), pairs(&[]));
        let long = "p".repeat(200);
        let y = v(&eph(&"v".repeat(63))).replace("name: web\n", &format!("name: {long}\n"));
        assert_eq!(errors_of(R, &y), pairs(&[("spec.volumes[0].name", "Invalid")]));
        assert_eq!(
            messages_of(R, &y),
            [format!("Invalid value: \"{}\": PVC name \"{long}-{}\": must be no more than 253 characters", "v".repeat(63), "v".repeat(63))]
        );
        let dep = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n      volumes:\n{}      - name: b\n        persistentVolumeClaim:\n          claimName: web-a\n",
            eph("a").lines().fold(String::new(), |acc, l| acc + "    " + l + "\n")
        );
        assert_eq!(errors_of(R, &dep), pairs(&[]));
    }

    /// `validateVolumeSource` counts `emptyDir` first, then `hostPath`, ... and spells two
    /// paths its own way.
    #[test]
    fn source_order() {
        assert_eq!(
            errors_of(R, &v("  - name: a\n    hostPath:\n      path: ''\n    emptyDir: {}\n")),
            pairs(&[("spec.volumes[0].hostPath", "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    configMap:\n      name: c\n    downwardAPI: {}\n    cephfs:\n      monitors: [m]\n")),
            pairs(&[("spec.volumes[0].configMap", "Forbidden"), ("spec.volumes[0].downwarAPI", "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &v("  - name: a\n    emptyDir: {}\n    cephfs:\n      monitors: [m]\n")),
            pairs(&[("spec.volumes[0].cephFS", "Forbidden")])
        );
    }
}
