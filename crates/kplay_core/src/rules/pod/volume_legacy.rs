//! The in-tree and legacy volume sources of `volume-invalid` (`validateVolumeSource`'s
//! `validateGitRepoVolumeSource`, `validateISCSIVolumeSource`, ... `validateScaleIOVolumeSource`).
//! Most of their drivers left the tree long ago, but the API keeps the fields and the server
//! still validates them. The paths are the server's, two of them its own spellings:
//! `gcePersistentDisk` is checked under `persistentDisk`, `cephfs` stays lowercase.

use crate::diagnostic::ErrorType;
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, invalid_each, local_descending_path, text, whole};
use crate::rules::pod::volume::required;
use crate::rules::{Cur, Sink};

/// Validates the source `key` (the volume's first one) when it is one of these; false for the
/// sources `volume.rs` handles.
pub(super) fn check(sink: &mut Sink<'_>, key: &str, src: &Cur<'_>, v: &Cur<'_>, values: formats::Values) -> bool {
    match key {
        "gitRepo" => {
            required(sink, src, "repository", "set the repository to clone");
            if let Some(d) = src.field("directory") {
                local_descending_path(sink, &d, &d.path, d.text().unwrap_or(""));
            }
        }
        "gcePersistentDisk" => {
            let pd = Cur { path: v.child_path("persistentDisk"), ..src.clone() };
            required(sink, &pd, "pdName", "name the persistent disk");
            partition(sink, &pd);
        }
        "awsElasticBlockStore" => {
            required(sink, src, "volumeID", "set the EBS volume ID");
            partition(sink, src);
        }
        "iscsi" => iscsi(sink, src),
        "glusterfs" => {
            required(sink, src, "endpoints", "name the Endpoints of the Glusterfs cluster");
            required(sink, src, "path", "set the Glusterfs volume path");
        }
        "flocker" => {
            let (name, uuid) = (text(src, "datasetName"), text(src, "datasetUUID"));
            if name.is_empty() && uuid.is_empty() {
                sink.field_error(&whole(src), ErrorType::Required, formats::required("one of datasetName and datasetUUID is required"))
                    .help("set `datasetName` or `datasetUUID`");
            }
            if !name.is_empty() && !uuid.is_empty() {
                sink.field_error(
                    &whole(src),
                    ErrorType::Invalid,
                    formats::invalid("resource", "datasetName and datasetUUID can not be specified simultaneously"),
                )
                .help("keep one of `datasetName` and `datasetUUID`");
            }
            if name.contains('/') {
                sink.field_error(&child_or_parent(src, "datasetName"), ErrorType::Invalid, formats::invalid(name, "must not contain '/'"))
                    .help("use the dataset's name without `/`");
            }
        }
        "rbd" => {
            non_empty_list(sink, src, "monitors", "list the Ceph monitors");
            required(sink, src, "image", "name the RBD image");
        }
        "cinder" => {
            required(sink, src, "volumeID", "set the Cinder volume ID");
            secret_ref_name(sink, src);
        }
        "cephfs" => non_empty_list(sink, src, "monitors", "list the Ceph monitors"),
        "quobyte" => quobyte(sink, src),
        "fc" => fc(sink, src, values),
        "flexVolume" => {
            required(sink, src, "driver", "name the FlexVolume driver");
            for (k, o) in src.field("options").map(|o| o.entries().collect::<Vec<_>>()).unwrap_or_default() {
                // The key's namespace (before a `/`), lowered, may not be Kubernetes'.
                let ns = k.split_once('/').map_or(k, |(ns, _)| ns);
                let normalized = format!(".{}", crate::rules::pod::env_source::go_lower(ns));
                if normalized.ends_with(".kubernetes.io") || normalized.ends_with(".k8s.io") {
                    let at = Cur { node: o.key.unwrap_or(o.node), ..o.clone() };
                    sink.field_error(&at, ErrorType::Invalid, formats::invalid(k, "kubernetes.io and k8s.io namespaces are reserved"))
                        .help("use an option key outside the kubernetes.io and k8s.io namespaces");
                }
            }
        }
        "azureFile" => {
            required(sink, src, "secretName", "name the Secret with the storage account's key");
            required(sink, src, "shareName", "name the Azure file share");
        }
        "vsphereVolume" => {
            required(sink, src, "volumePath", "set the vSphere volume path");
        }
        "photonPersistentDisk" => {
            required(sink, src, "pdID", "set the Photon Controller disk ID");
        }
        "portworxVolume" => {
            required(sink, src, "volumeID", "set the Portworx volume ID");
        }
        "azureDisk" => azure_disk(sink, src),
        "storageos" => {
            if !required(sink, src, "volumeName", "name the StorageOS volume") {
                dns_label(sink, src, "volumeName");
            }
            dns_label(sink, src, "volumeNamespace");
            secret_ref_name(sink, src);
        }
        "scaleIO" => {
            required(sink, src, "gateway", "set the ScaleIO API gateway's address");
            required(sink, src, "system", "name the ScaleIO system");
            required(sink, src, "volumeName", "name the ScaleIO volume");
        }
        _ => return false,
    }
    true
}

/// `pdPartitionErrorMsg`: the check is 0..=255, the message says 1 to 255.
fn partition(sink: &mut Sink<'_>, src: &Cur<'_>) {
    if let Some(p) = src.field("partition") {
        if let Some(n) = p.i64().filter(|n| !(0..=255).contains(n)) {
            let at = Cur { path: src.child_path("partition"), ..p };
            sink.field_error(&at, ErrorType::Invalid, formats::invalid_num(n, &formats::inclusive_range_error(1, 255)))
                .help("use a partition number up to 255 (0 for the whole disk)");
        }
    }
}

fn non_empty_list(sink: &mut Sink<'_>, src: &Cur<'_>, key: &str, help: &str) {
    if src.field(key).is_none_or(|l| l.is_empty()) {
        sink.field_error(&child_or_parent(src, key), ErrorType::Required, formats::required("")).help(help);
    }
}

/// A `secretRef` that is set needs a name (`…secretRef.name`).
fn secret_ref_name(sink: &mut Sink<'_>, src: &Cur<'_>) {
    if let Some(r) = src.field("secretRef") {
        required(sink, &r, "name", "name the Secret");
    }
}

fn dns_label(sink: &mut Sink<'_>, src: &Cur<'_>, key: &str) {
    if let Some(c) = src.field(key) {
        let v = c.text().unwrap_or("");
        if !v.is_empty() {
            invalid_each(sink, &c, v, formats::dns1123_label_msgs(v), "use lowercase letters, digits and `-` (at most 63)");
        }
    }
}

/// `validateISCSIVolumeSource`.
fn iscsi(sink: &mut Sink<'_>, src: &Cur<'_>) {
    required(sink, src, "targetPortal", "set the iSCSI target portal (`host:port`)");
    if !required(sink, src, "iqn", "set the target's iSCSI Qualified Name") {
        let iqn = text(src, "iqn");
        let at = child_or_parent(src, "iqn");
        if let Some(msg) = iscsi_name_msg(iqn, "must be valid format starting with iqn, eui, or naa") {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(iqn, msg))
                .help("write the name as `iqn.YYYY-MM.domain:name`, `eui.` and 16 hex digits, or `naa.` and 32");
        }
    }
    if let Some(l) = src.field("lun") {
        if let Some(n) = l.i64().filter(|n| !(0..=255).contains(n)) {
            sink.field_error(&l, ErrorType::Invalid, formats::invalid_num(n, &formats::inclusive_range_error(0, 255)))
                .help("use a LUN from 0 to 255");
        }
    }
    let chap = ["chapAuthDiscovery", "chapAuthSession"].iter().any(|k| src.field(k).and_then(|b| b.bool()) == Some(true));
    if chap && src.field("secretRef").is_none() {
        sink.field_error(&child_or_parent(src, "secretRef"), ErrorType::Required, formats::required(""))
            .help("name the Secret with the CHAP credentials in `secretRef`");
    }
    if let Some(i) = src.field("initiatorName") {
        let name = i.text().unwrap_or("");
        // The server's path is lowercase here.
        let at = Cur { path: src.child_path("initiatorname"), ..i.clone() };
        if let Some(msg) = iscsi_name_msg(name, "must be valid format starting with iqn, eui, or naa") {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(name, msg))
                .help("write the initiator name as `iqn.YYYY-MM.domain:name`, `eui.` and 16 hex digits, or `naa.` and 32");
        }
    }
}

/// The iSCSI name checks: a prefix of `iqn`, `eui` or `naa` (else `no_prefix`), then that
/// prefix's format ("must be valid format").
fn iscsi_name_msg(name: &str, no_prefix: &'static str) -> Option<&'static str> {
    let valid = if name.starts_with("iqn") {
        is_iqn(name)
    } else if name.starts_with("eui") {
        fixed_alnum(name, 16)
    } else if name.starts_with("naa") {
        fixed_alnum(name, 32)
    } else {
        return Some(no_prefix);
    };
    (!valid).then_some("must be valid format")
}

/// `^eui.[[:alnum:]]{n}$` and `^naa.[[:alnum:]]{n}$`: the prefix, any character but a newline,
/// then exactly `n` ASCII letters or digits.
fn fixed_alnum(name: &str, n: usize) -> bool {
    let mut chars = name.chars().skip(3);
    chars.next().is_some_and(|c| c != '\n') && {
        let rest: Vec<char> = chars.collect();
        rest.len() == n && rest.iter().all(char::is_ascii_alphanumeric)
    }
}

/// `iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`, unanchored at the start: somewhere an
/// `iqn.YYYY-MM.` whose rest is a naming authority of letters, digits, `-` and `.`, a `:`, and a
/// name without `,;*&$|` or white space up to the end.
fn is_iqn(name: &str) -> bool {
    name.match_indices("iqn.").any(|(i, _)| {
        let b = &name.as_bytes()[i + 4..];
        let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        if !(digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'.')) {
            return false;
        }
        let rest = &name[i + 12..];
        let Some((authority, tail)) = rest.split_once(':') else { return false };
        !authority.is_empty()
            && authority.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            && !tail.is_empty()
            && !tail.chars().any(|c| ",;*&$|\t\n\x0c\r ".contains(c))
    })
}

/// `validateQuobyteVolumeSource`: a registry of `host:port` pairs (a tenant of at most 64
/// characters), and a volume.
fn quobyte(sink: &mut Sink<'_>, src: &Cur<'_>) {
    const PAIRS: &str = "must be a host:port pair or multiple pairs separated by commas";
    let registry = text(src, "registry");
    if registry.is_empty() {
        sink.field_error(&child_or_parent(src, "registry"), ErrorType::Required, formats::required(PAIRS))
            .help("set `registry`, e.g. `registry.example.com:7861`");
    } else if text(src, "tenant").len() >= 65 {
        sink.field_error(
            &child_or_parent(src, "tenant"),
            ErrorType::Required,
            formats::required("must be a UUID and may not exceed a length of 64 characters"),
        )
        .help("use the tenant's UUID");
    } else {
        // One error per pair that `net.SplitHostPort` refuses.
        for pair in registry.split(',') {
            if !split_host_port_ok(pair) {
                sink.field_error(&child_or_parent(src, "registry"), ErrorType::Invalid, formats::invalid(registry, PAIRS))
                    .help("write each registry as `host:port`, separated by commas");
            }
        }
    }
    required(sink, src, "volume", "name the Quobyte volume");
}

/// Whether Go's `net.SplitHostPort` accepts `s`: a last `:` before the port, a host with no
/// other `:` unless it is bracketed, brackets only around the host (the port is not checked).
fn split_host_port_ok(s: &str) -> bool {
    let Some(i) = s.rfind(':') else { return false };
    let host = &s[..i];
    if host.starts_with('[') {
        let Some(end) = s.find(']') else { return false };
        // `]` must close the host right before the port's colon.
        end + 1 == i && !s[1..].contains('[') && !s[end + 1..].contains(']')
    } else {
        !host.contains(':') && !s.contains('[') && !s.contains(']')
    }
}

/// `validateFCVolumeSource`.
fn fc(sink: &mut Sink<'_>, src: &Cur<'_>, values: formats::Values) {
    let list =
        |k: &str| -> Vec<&str> { src.field(k).map(|l| l.items().map(|(_, x)| x.text().unwrap_or("")).collect()).unwrap_or_default() };
    let (wwns, wwids) = (list("targetWWNs"), list("wwids"));
    let at = child_or_parent(src, "targetWWNs");
    if wwns.is_empty() && wwids.is_empty() {
        sink.field_error(&at, ErrorType::Required, formats::required("must specify either targetWWNs or wwids, but not both"))
            .help("set `targetWWNs` (with `lun`) or `wwids`");
    }
    if !wwns.is_empty() && !wwids.is_empty() {
        sink.field_error(
            &at,
            ErrorType::Invalid,
            format!(
                "Invalid value: {}: targetWWNs and wwids can not be specified simultaneously",
                values.string_slice(wwns.iter().copied())
            ),
        )
        .help("keep one of `targetWWNs` and `wwids`");
    }
    if !wwns.is_empty() {
        match src.field("lun") {
            None => {
                sink.field_error(
                    &child_or_parent(src, "lun"),
                    ErrorType::Required,
                    formats::required("lun is required if targetWWNs is specified"),
                )
                .help("set the `lun`, from 0 to 255");
            }
            Some(l) => {
                if let Some(n) = l.i64().filter(|n| !(0..=255).contains(n)) {
                    sink.field_error(&l, ErrorType::Invalid, formats::invalid_num(n, &formats::inclusive_range_error(0, 255)))
                        .help("use a LUN from 0 to 255");
                }
            }
        }
    }
}

/// `validateAzureDisk`, on the defaulted source (`cachingMode: ReadWrite`, `kind: Shared`):
/// a blob disk's URI starts with `https://`, a managed disk's with `/subscriptions/`.
fn azure_disk(sink: &mut Sink<'_>, src: &Cur<'_>) {
    const CACHING: &[&str] = &["None", "ReadOnly", "ReadWrite"];
    const KINDS: &[&str] = &["Dedicated", "Managed", "Shared"];
    required(sink, src, "diskName", "name the data disk");
    required(sink, src, "diskURI", "set the data disk's URI");
    if let Some(c) = src.field("cachingMode") {
        let v = c.text().unwrap_or("");
        if !CACHING.contains(&v) {
            sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, CACHING)).help("use `None`, `ReadOnly` or `ReadWrite`");
        }
    }
    let Some(k) = src.field("kind") else { return };
    let kind = k.text().unwrap_or("");
    if !KINDS.contains(&kind) {
        sink.field_error(&k, ErrorType::NotSupported, formats::not_supported(kind, KINDS)).help("use `Shared`, `Dedicated` or `Managed`");
    }
    let uri = text(src, "diskURI");
    let (prefix, supported) = if kind == "Managed" {
        ("/subscriptions/", "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}")
    } else {
        ("https://", "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd")
    };
    if !uri.starts_with(prefix) {
        sink.field_error(&child_or_parent(src, "diskURI"), ErrorType::NotSupported, formats::not_supported(uri, &[supported]))
            .help("write the disk's URI in the form the message shows (`kind` defaults to `Shared`, a blob disk)");
    }
}

#[cfg(test)]
mod tests {
    use super::{is_iqn, iscsi_name_msg, split_host_port_ok};
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "volume-invalid";

    fn v(src: &str) -> Vec<(String, String)> {
        errors_of(R, &pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: a\n{src}")))
    }

    /// `field.Invalid(fc.targetWWNs, fc.TargetWWNs, …)`: the list as `%#v` before 1.34, JSON from 1.34.
    #[test]
    fn fc_prints_the_wwn_list() {
        let y = pod_with("  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: a\n    fc: {targetWWNs: [w1, w2], lun: 1, wwids: [x]}\n");
        let msgs = |minor| crate::rules::pod::util::messages_of_version(R, &y, crate::KubeVersion::new(minor));
        assert_eq!(msgs(33), [r#"Invalid value: []string{"w1", "w2"}: targetWWNs and wwids can not be specified simultaneously"#]);
        assert_eq!(msgs(34), [r#"Invalid value: ["w1","w2"]: targetWWNs and wwids can not be specified simultaneously"#]);
    }

    #[test]
    fn sources() {
        let p = |s: &str| format!("spec.volumes[0].{s}");
        let want = |v: &[(&str, &str)]| {
            let owned: Vec<(String, &str)> = v.iter().map(|(a, b)| (p(a), *b)).collect();
            pairs(&owned.iter().map(|(a, b)| (a.as_str(), *b)).collect::<Vec<_>>())
        };
        assert_eq!(
            v("    gitRepo:\n      repository: ''\n      directory: /abs\n"),
            want(&[("gitRepo.directory", "Invalid"), ("gitRepo.repository", "Required")])
        );
        assert_eq!(
            v("    gcePersistentDisk:\n      pdName: ''\n      partition: 300\n"),
            want(&[("persistentDisk.partition", "Invalid"), ("persistentDisk.pdName", "Required")])
        );
        assert_eq!(
            v("    iscsi:\n      targetPortal: ''\n      iqn: foo\n      lun: 300\n"),
            want(&[("iscsi.iqn", "Invalid"), ("iscsi.lun", "Invalid"), ("iscsi.targetPortal", "Required")])
        );
        // With an initiator name, `<volume>:<targetPortal>` must stay within 64 characters.
        let long = format!(
            "    iscsi:\n      targetPortal: {}\n      iqn: iqn.2001-04.com.example:x\n      initiatorName: naa.x\n",
            "p".repeat(63)
        );
        assert_eq!(v(&long), want(&[("iscsi.initiatorname", "Invalid"), ("name", "Invalid")]));
        assert_eq!(v("    cephfs:\n      monitors: []\n"), want(&[("cephfs.monitors", "Required")]));
        assert_eq!(v("    rbd:\n      monitors: []\n"), want(&[("rbd.image", "Required"), ("rbd.monitors", "Required")]));
        assert_eq!(v("    flocker: {}\n"), want(&[("flocker", "Required")]));
        assert_eq!(v("    fc:\n      targetWWNs: [a]\n      wwids: [b]\n"), want(&[("fc.lun", "Required"), ("fc.targetWWNs", "Invalid")]));
        assert_eq!(
            v("    azureDisk:\n      diskName: d\n      diskURI: foo\n      cachingMode: Bad\n"),
            want(&[("azureDisk.cachingMode", "NotSupported"), ("azureDisk.diskURI", "NotSupported")])
        );
        assert_eq!(v("    azureDisk:\n      diskName: d\n      diskURI: https://a.blob.core.windows.net/c/d.vhd\n"), want(&[]));
        assert_eq!(v("    storageos:\n      volumeName: Bad_Name\n"), want(&[("storageos.volumeName", "Invalid")]));
        assert_eq!(v("    quobyte:\n      registry: host\n"), want(&[("quobyte.registry", "Invalid"), ("quobyte.volume", "Required")]));
        assert_eq!(
            v("    scaleIO:\n      secretRef:\n        name: s\n"),
            want(&[("scaleIO.gateway", "Required"), ("scaleIO.system", "Required"), ("scaleIO.volumeName", "Required")])
        );
        assert_eq!(
            v("    flexVolume:\n      driver: ''\n      options:\n        kubernetes.io/x: a\n        example.com/y: b\n"),
            want(&[("flexVolume.driver", "Required"), ("flexVolume.options[kubernetes.io/x]", "Invalid")])
        );
        for (src, path) in [
            ("    awsElasticBlockStore: {}\n", "awsElasticBlockStore.volumeID"),
            ("    cinder: {}\n", "cinder.volumeID"),
            ("    vsphereVolume: {}\n", "vsphereVolume.volumePath"),
            ("    photonPersistentDisk: {}\n", "photonPersistentDisk.pdID"),
            ("    portworxVolume: {}\n", "portworxVolume.volumeID"),
        ] {
            assert_eq!(v(src), want(&[(path, "Required")]), "{src}");
        }
    }

    #[test]
    fn iscsi_names() {
        assert!(is_iqn("iqn.2001-04.com.example:storage.disk2.sys1.xyz"));
        assert!(!is_iqn("iqn.2001-04.com.example"));
        assert!(!is_iqn("iqn.01-04.com.example:x"));
        assert!(!is_iqn("iqn.2001-04.com.example:a b"));
        assert_eq!(iscsi_name_msg("eui.02004567A425678D", "x"), None);
        assert_eq!(iscsi_name_msg("eui.02004567A425678", "x"), Some("must be valid format"));
        assert_eq!(iscsi_name_msg("naa.", "x"), Some("must be valid format"));
        assert_eq!(iscsi_name_msg("foo", "no prefix"), Some("no prefix"));
    }

    #[test]
    fn host_ports() {
        assert!(split_host_port_ok("host:7861"));
        assert!(split_host_port_ok("[::1]:7861"));
        assert!(split_host_port_ok("host:"));
        assert!(!split_host_port_ok("host"));
        assert!(!split_host_port_ok("::1:80"));
        assert!(!split_host_port_ok("[::1]x:80"));
    }
}
