//! The projected-volume sources that Kubernetes 1.37 validates for the first time:
//! `clusterTrustBundle` (ClusterTrustBundleProjection) and `podCertificate`
//! (PodCertificateRequest), both GA and on from 1.37. Before, their gates are off (beta, off by
//! default) and the pod strategy drops them on create (`dropDisabledClusterTrustBundleProjection`,
//! `dropDisabledPodCertificateProjection` in `pkg/api/pod/util.go`), so nothing of them is
//! validated; `volume-invalid` skips them then (see `volume::projected`).
//!
//! Ported from the two branches of `validateProjectionSources` and their helpers
//! `ValidateSignerName`, `IsKubernetesSignerName`, `ValidateClusterTrustBundleName`,
//! `extractSignerNameFromClusterTrustBundleName` (`pkg/apis/core/validation/names.go`) and
//! `ValidateUserAnnotations` (`pkg/apis/core/validation/validation.go`, read at k/k 2c2ca73f,
//! 2026-06, during the 1.37 cycle). Spec: `version-changes-1.35-1.37.md` §0.1 and §1.3 (1.37).

use crate::diagnostic::ErrorType;
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, invalid_each, label_selector, local_non_reserved_path, text, whole};
use crate::rules::{Cur, Sink};

/// The first release that validates (and keeps) the two sources.
pub const VALIDATED_FROM: u16 = 37;

/// `certificates.MaxMaxExpirationSeconds` (91 days) and `KubernetesMaxMaxExpirationSeconds`
/// (24 hours, for `kubernetes.io` signers).
const MAX_MAX_EXPIRATION: i64 = 91 * 24 * 60 * 60;
const KUBERNETES_MAX_MAX_EXPIRATION: i64 = 24 * 60 * 60;
const MIN_MAX_EXPIRATION: i64 = 60 * 60;

/// The key types `validateProjectionSources` accepts, in its order.
const KEY_TYPES: &[&str] = &["RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519"];

/// The file paths a source writes, in the order the server registers them for the
/// "conflicting duplicate paths" check: the field holding each and its text.
pub type ProjectedPaths<'a> = Vec<(Cur<'a>, &'a str)>;

/// The `clusterTrustBundle` branch: one of `name` or `signerName` (a name is a ClusterTrustBundle
/// object name, `<signer with : for />:<name>` when it names a signer's bundle, and takes no
/// `labelSelector`; a signer name is `<domain>/<path>` with an optional `labelSelector`), and a
/// `path` that is set, relative and without `..`. Returns the path (an empty one counts too).
pub fn cluster_trust_bundle<'a>(sink: &mut Sink<'_>, src: &Cur<'a>) -> ProjectedPaths<'a> {
    let name = src.field("name");
    let signer = src.field("signerName");
    let selector = src.field("labelSelector");
    match (&name, &signer) {
        (Some(_), Some(_)) => {
            // The bad value is the `*core.ClusterTrustBundleProjection`, which `field.Error`
            // prints as JSON (internal type: Go field names, no omitempty).
            sink.field_error(
                &whole(src),
                ErrorType::Invalid,
                format!("Invalid value: {}: only one of name and signerName may be used", ctb_json(src)),
            )
            .help("keep `name` to project one bundle, or `signerName` (with a `labelSelector`) to project a signer's bundles");
        }
        (Some(n), None) => {
            let v = n.text().unwrap_or("");
            if v.is_empty() {
                sink.field_error(n, ErrorType::Required, formats::required("must be a valid object name"))
                    .help("name a ClusterTrustBundle");
            }
            let msgs: Vec<String> = bundle_name_msgs(v).into_iter().map(|m| format!("not a valid clustertrustbundlename: {m}")).collect();
            invalid_each(
                sink,
                n,
                v,
                msgs,
                "use a ClusterTrustBundle's name: a DNS subdomain, prefixed with `<signer, / as :>:` for a signer's bundle",
            );
            if let Some(sel) = &selector {
                sink.field_error(
                    &whole(sel),
                    ErrorType::Invalid,
                    format!("Invalid value: {}: labelSelector must be unset if name is specified", label_selector_json(sel)),
                )
                .help("remove `labelSelector`, or select by `signerName` instead of `name`");
            }
        }
        (None, Some(s)) => {
            let v = s.text().unwrap_or("");
            if v.is_empty() {
                sink.field_error(s, ErrorType::Required, formats::required("must be a valid signer name"))
                    .help("name the signer, e.g. `example.com/my-signer`");
            }
            signer_name(sink, s, v);
            if let Some(sel) = &selector {
                label_selector(sink, sel);
            }
        }
        (None, None) => {
            sink.field_error(&whole(src), ErrorType::Required, formats::required("either name or signerName must be specified"))
                .help("add `name` (one ClusterTrustBundle) or `signerName` (a signer's bundles)");
        }
    }
    let path = child_or_parent(src, "path");
    let p = text(src, "path");
    if p.is_empty() {
        sink.field_error(&path, ErrorType::Required, formats::required("")).help("set `path`, the bundle's file name inside the volume");
    }
    local_non_reserved_path(sink, &path, p);
    vec![(path, p)]
}

/// The `podCertificate` branch: a valid `signerName`, domain-prefixed `userAnnotations` keys, a
/// supported `keyType`, `maxExpirationSeconds` between 3600 and 91 days (24 hours for
/// `kubernetes.io` signers), and at least one of the three file paths, each relative and
/// without `..`. Returns the paths that are set.
pub fn pod_certificate<'a>(sink: &mut Sink<'_>, src: &Cur<'a>) -> ProjectedPaths<'a> {
    let signer = text(src, "signerName");
    signer_name(sink, &child_or_parent(src, "signerName"), signer);
    if let Some(ua) = src.field("userAnnotations") {
        user_annotations(sink, &ua);
    }
    let key_type = text(src, "keyType");
    if !KEY_TYPES.contains(&key_type) {
        sink.field_error(&child_or_parent(src, "keyType"), ErrorType::NotSupported, formats::not_supported(key_type, KEY_TYPES))
            .help("use one of `RSA3072`, `RSA4096`, `ECDSAP256`, `ECDSAP384`, `ECDSAP521` or `ED25519`");
    }
    if let Some(m) = src.field("maxExpirationSeconds") {
        if let Some(n) = m.i64() {
            if n < MIN_MAX_EXPIRATION {
                sink.field_error(&m, ErrorType::Invalid, formats::invalid_num(n, "if provided, maxExpirationSeconds must be >= 3600"))
                    .help("use at least 3600 seconds (one hour)");
            }
            let max = if is_kubernetes_signer_name(signer) { KUBERNETES_MAX_MAX_EXPIRATION } else { MAX_MAX_EXPIRATION };
            if n > max {
                sink.field_error(
                    &m,
                    ErrorType::Invalid,
                    formats::invalid_num(n, &format!("if provided, maxExpirationSeconds must be <= {max}")),
                )
                .help(if max == KUBERNETES_MAX_MAX_EXPIRATION {
                    "`kubernetes.io` signers issue certificates for at most 24 hours (86400 seconds)"
                } else {
                    "use at most 7862400 seconds (91 days)"
                });
            }
        }
    }
    let mut paths = Vec::new();
    for key in ["credentialBundlePath", "keyPath", "certificateChainPath"] {
        let Some(c) = src.field(key) else { continue };
        let p = c.text().unwrap_or("");
        if p.is_empty() {
            continue;
        }
        local_non_reserved_path(sink, &c, p);
        paths.push((c, p));
    }
    if paths.is_empty() {
        sink.field_error(
            &whole(src),
            ErrorType::Required,
            formats::required("specify at least one of credentialBundlePath, keyPath, and certificateChainPath"),
        )
        .help("set `credentialBundlePath` (key and chain in one file), or `keyPath` and `certificateChainPath`");
    }
    paths
}

/// `ValidateSignerName`: `<domain>/<path>`, the domain DNS-1123 labels (at least two, at most
/// 253 characters), the path DNS-1123 subdomains separated by dots, at most 571 in all.
fn signer_name(sink: &mut Sink<'_>, at: &Cur<'_>, v: &str) {
    const HELP: &str = "use a signer name like `example.com/my-signer`";
    if v.is_empty() {
        sink.field_error(at, ErrorType::Required, formats::required("")).help(HELP);
        return;
    }
    let segments: Vec<&str> = v.split('/').collect();
    let [domain, path] = segments[..] else {
        let detail = "must be a fully qualified domain and path of the form 'example.com/signer-name'";
        sink.field_error(at, ErrorType::Invalid, formats::invalid(v, detail)).help(HELP);
        return;
    };
    if domain.len() > 253 {
        sink.field_error(at, ErrorType::TooLong, "Too long: may not be more than 253 bytes").help(HELP);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    // Only the first bad label is reported (later ones would read the same).
    if let Some((l, msgs)) = labels.iter().map(|l| (l, formats::dns1123_label_msgs(l))).find(|(_, m)| !m.is_empty()) {
        let msgs = msgs.into_iter().map(|m| format!("validating label {}: {m}", formats::quote(l))).collect();
        invalid_each(sink, at, domain, msgs, HELP);
    }
    if labels.len() < 2 {
        sink.field_error(
            at,
            ErrorType::Invalid,
            formats::invalid(domain, "should be a domain with at least two segments separated by dots"),
        )
        .help(HELP);
    }
    let parts = path.split('.');
    if let Some((l, msgs)) = parts.map(|l| (l, formats::dns1123_subdomain_msgs(l))).find(|(_, m)| !m.is_empty()) {
        let msgs = msgs.into_iter().map(|m| format!("validating label {}: {m}", formats::quote(l))).collect();
        invalid_each(sink, at, path, msgs, HELP);
    }
    // 253 (domain) + 1 + 253 + 63 + 1 (path: `<namespace>.<name>`).
    if v.len() > 571 {
        sink.field_error(at, ErrorType::TooLong, "Too long: may not be more than 571 bytes").help(HELP);
    }
}

/// `IsKubernetesSignerName`: the part before the first `/` is `kubernetes.io` or ends in
/// `.kubernetes.io`.
fn is_kubernetes_signer_name(v: &str) -> bool {
    let host = v.split('/').next().unwrap_or("");
    host == "kubernetes.io" || host.ends_with(".kubernetes.io")
}

/// `ValidateClusterTrustBundleName(extractSignerNameFromClusterTrustBundleName(name))`: a name
/// with a `:` is a signer's bundle, `<signer with / as :>:<DNS subdomain>`; otherwise a DNS
/// subdomain.
fn bundle_name_msgs(name: &str) -> Vec<String> {
    let Some(split) = name.rfind(':') else { return formats::dns1123_subdomain_msgs(name) };
    let signer = name[..split].replace(':', "/");
    let prefix = format!("{}:", signer.replace('/', ":"));
    match name.strip_prefix(&prefix) {
        Some(rest) => formats::dns1123_subdomain_msgs(rest),
        None => vec![format!("ClusterTrustBundle for signerName {signer} must be named with prefix {prefix}")],
    }
}

/// `ValidateUserAnnotations`: every key, lowered, is a domain-prefixed label key; the total size
/// is that of annotations. The server reports all on the map's path, without the key.
fn user_annotations(sink: &mut Sink<'_>, ua: &Cur<'_>) {
    const HELP: &str = "use keys of the form `example.com/name` (the signer documents the ones it reads)";
    let at = whole(ua);
    let mut total = 0usize;
    for e in ua.node.as_map().unwrap_or(&[]) {
        let k = e.key.text().unwrap_or("");
        total += k.len() + e.value.text().map_or(0, str::len);
        let key = crate::rules::pod::env_source::go_lower(k);
        let key_at = Cur::new(&e.key, ua.path.clone());
        if key.is_empty() {
            sink.field_error(&key_at, ErrorType::Required, formats::required("")).help(HELP);
            continue;
        }
        let msgs = formats::label_key_msgs(&key);
        if !msgs.is_empty() {
            invalid_each(sink, &key_at, &key, msgs, HELP);
        } else if key.split('/').count() != 2 {
            sink.field_error(
                &key_at,
                ErrorType::Invalid,
                formats::invalid(&key, "must be a domain-prefixed key (such as \"acme.io/foo\")"),
            )
            .help(HELP);
        }
    }
    if total > formats::ANNOTATIONS_TOTAL_MAX {
        sink.field_error(&at, ErrorType::TooLong, format!("Too long: may not be more than {} bytes", formats::ANNOTATIONS_TOTAL_MAX))
            .help("keep the annotations for the signer small");
    }
}

// ----- bad values as `field.Error` prints them: `json.Marshal` of the Go value -----

/// A string field as JSON, `null` when absent (a nil `*string`).
fn opt_str_json(parent: &Cur<'_>, key: &str) -> String {
    parent.field(key).map_or_else(|| "null".to_string(), |c| formats::go_json_string(c.text().unwrap_or("")))
}

/// The internal `core.ClusterTrustBundleProjection` (no JSON tags, so Go field names, nil
/// pointers as `null`). `User` (AtomicWriteVolumeUserFields, alpha in 1.37) is dropped on
/// create while its gate is off, so it is always `null`.
fn ctb_json(src: &Cur<'_>) -> String {
    let selector = src.field("labelSelector").map_or_else(|| "null".to_string(), |s| label_selector_json(&s));
    let optional = src.field("optional").and_then(|o| o.bool()).map_or_else(|| "null".to_string(), |b| b.to_string());
    format!(
        "{{\"Name\":{},\"SignerName\":{},\"LabelSelector\":{selector},\"Optional\":{optional},\"Path\":{},\"User\":null}}",
        opt_str_json(src, "name"),
        opt_str_json(src, "signerName"),
        formats::go_json_string(text(src, "path")),
    )
}

/// A `metav1.LabelSelector` as JSON (its tags: `matchLabels` and `matchExpressions`, both
/// omitted when empty; a requirement's `values` omitted when empty). Map keys sorted, as Go does.
fn label_selector_json(sel: &Cur<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(ml) = sel.field("matchLabels").filter(|m| !m.is_empty()) {
        let mut kv: Vec<(&str, &str)> =
            ml.node.as_map().unwrap_or(&[]).iter().map(|e| (e.key.text().unwrap_or(""), e.value.text().unwrap_or(""))).collect();
        crate::sort::sort(&mut kv);
        let kv: Vec<String> = kv.iter().map(|(k, v)| format!("{}:{}", formats::go_json_string(k), formats::go_json_string(v))).collect();
        parts.push(format!("\"matchLabels\":{{{}}}", kv.join(",")));
    }
    if let Some(me) = sel.field("matchExpressions").filter(|m| !m.is_empty()) {
        let reqs: Vec<String> = me
            .items()
            .map(|(_, r)| {
                let mut s = format!(
                    "{{\"key\":{},\"operator\":{}",
                    formats::go_json_string(text(&r, "key")),
                    formats::go_json_string(text(&r, "operator"))
                );
                if let Some(vals) = r.field("values").filter(|v| !v.is_empty()) {
                    let vs: Vec<String> = vals.items().map(|(_, v)| formats::go_json_string(v.text().unwrap_or(""))).collect();
                    s.push_str(&format!(",\"values\":[{}]", vs.join(",")));
                }
                s.push('}');
                s
            })
            .collect();
        parts.push(format!("\"matchExpressions\":[{}]", reqs.join(",")));
    }
    format!("{{{}}}", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pod::util::{errors_of_version, pairs, pod_with};
    use crate::KubeVersion;

    const R: &str = "volume-invalid";

    fn pod(sources: &str) -> String {
        pod_with(&format!(
            "  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: certs\n    projected:\n      sources:\n{sources}"
        ))
    }

    fn at(v: u16, yaml: &str) -> Vec<(String, String)> {
        errors_of_version(R, yaml, KubeVersion::new(v))
    }

    fn messages(v: u16, yaml: &str) -> Vec<String> {
        let opts = crate::Options { kube_version: KubeVersion::new(v), ..Default::default() };
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts);
        a.diagnostics.iter().filter(|d| d.rule == R).map(|d| d.message.clone()).collect()
    }

    const S: &str = "spec.volumes[0].projected.sources[0]";

    #[test]
    fn valid_sources_pass_at_every_version() {
        let ok = pod("      - clusterTrustBundle:\n          name: example.com:signer:bundle-1\n          path: ca.pem\n      - clusterTrustBundle:\n          signerName: example.com/signer\n          labelSelector:\n            matchLabels:\n              env: prod\n          path: ca-all.pem\n      - podCertificate:\n          signerName: example.com/signer\n          keyType: ED25519\n          maxExpirationSeconds: 86400\n          credentialBundlePath: creds.pem\n          userAnnotations:\n            example.com/team: web\n");
        for v in [34, 36, 37] {
            assert_eq!(at(v, &ok), pairs(&[]), "1.{v}");
        }
    }

    #[test]
    fn cluster_trust_bundle_errors_from_1_37() {
        let both = pod("      - clusterTrustBundle:\n          name: a\n          signerName: example.com/b\n          path: x\n");
        assert_eq!(at(37, &both), pairs(&[(&format!("{S}.clusterTrustBundle"), "Invalid")]));
        assert_eq!(
            messages(37, &both),
            ["Invalid value: {\"Name\":\"a\",\"SignerName\":\"example.com/b\",\"LabelSelector\":null,\"Optional\":null,\"Path\":\"x\",\"User\":null}: only one of name and signerName may be used"]
        );
        // Dropped before 1.37: nothing is validated.
        assert_eq!(at(36, &both), pairs(&[]));
        assert_eq!(at(34, &both), pairs(&[]));

        let neither = pod("      - clusterTrustBundle:\n          path: /abs\n");
        assert_eq!(
            at(37, &neither),
            pairs(&[(&format!("{S}.clusterTrustBundle"), "Required"), (&format!("{S}.clusterTrustBundle.path"), "Invalid")])
        );

        let named = pod("      - clusterTrustBundle:\n          name: ''\n          labelSelector:\n            matchLabels:\n              b: '2'\n              a: '1'\n");
        let p = format!("{S}.clusterTrustBundle");
        assert_eq!(
            at(37, &named),
            pairs(&[
                (&format!("{p}.labelSelector"), "Invalid"),
                (&format!("{p}.name"), "Invalid"),
                (&format!("{p}.name"), "Required"),
                (&format!("{p}.path"), "Required"),
            ])
        );
        let m = messages(37, &named);
        assert!(
            m.contains(
                &"Invalid value: {\"matchLabels\":{\"a\":\"1\",\"b\":\"2\"}}: labelSelector must be unset if name is specified".to_string()
            ),
            "{m:?}"
        );
        assert!(m.contains(&"Required value: must be a valid object name".to_string()), "{m:?}");

        // A signer's bundle is `<signer, / as :>:<name>`.
        let prefixed = pod("      - clusterTrustBundle:\n          name: a/b:Bad\n          path: x\n");
        assert_eq!(
            messages(37, &prefixed),
            ["Invalid value: \"a/b:Bad\": not a valid clustertrustbundlename: ClusterTrustBundle for signerName a/b must be named with prefix a:b:"]
        );
        let ok_prefix = pod("      - clusterTrustBundle:\n          name: example.com:s:Bad_Name\n          path: x\n");
        assert_eq!(at(37, &ok_prefix), pairs(&[(&format!("{p}.name"), "Invalid")]));

        let signer = pod("      - clusterTrustBundle:\n          signerName: ''\n          labelSelector:\n            matchExpressions:\n            - key: k\n              operator: Bad\n          path: x\n");
        assert_eq!(
            at(37, &signer),
            pairs(&[
                (&format!("{p}.labelSelector.matchExpressions[0].operator"), "Invalid"),
                (&format!("{p}.signerName"), "Required"),
                (&format!("{p}.signerName"), "Required"),
            ])
        );
    }

    #[test]
    fn signer_names() {
        let m = |s: &str| {
            messages(
                37,
                &pod(&format!("      - podCertificate:\n          signerName: '{s}'\n          keyType: ED25519\n          keyPath: k\n")),
            )
        };
        assert_eq!(
            m("example.com"),
            ["Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"]
        );
        assert_eq!(m("localhost/x"), ["Invalid value: \"localhost\": should be a domain with at least two segments separated by dots"]);
        assert_eq!(
            m("Ex.com/x"),
            ["Invalid value: \"Ex.com\": validating label \"Ex\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
        );
        assert_eq!(m("example.com/a.B"), ["Invalid value: \"a.B\": validating label \"B\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]);
        assert!(is_kubernetes_signer_name("kubernetes.io/kube-apiserver-client"));
        assert!(is_kubernetes_signer_name("beta.kubernetes.io/x"));
        assert!(!is_kubernetes_signer_name("notkubernetes.io/x"));
    }

    #[test]
    fn pod_certificate_errors_from_1_37() {
        let p = format!("{S}.podCertificate");
        let bad = pod("      - podCertificate:\n          signerName: kubernetes.io/x\n          keyType: RSA2048\n          maxExpirationSeconds: 90000\n          userAnnotations:\n            Team: a\n            example.com/ok: b\n");
        assert_eq!(
            at(37, &bad),
            pairs(&[
                (&p, "Required"),
                (&format!("{p}.keyType"), "NotSupported"),
                (&format!("{p}.maxExpirationSeconds"), "Invalid"),
                (&format!("{p}.userAnnotations"), "Invalid"),
            ])
        );
        let m = messages(37, &bad);
        for want in [
            "Required value: specify at least one of credentialBundlePath, keyPath, and certificateChainPath",
            "Unsupported value: \"RSA2048\": supported values: \"RSA3072\", \"RSA4096\", \"ECDSAP256\", \"ECDSAP384\", \"ECDSAP521\", \"ED25519\"",
            "Invalid value: 90000: if provided, maxExpirationSeconds must be <= 86400",
            "Invalid value: \"team\": must be a domain-prefixed key (such as \"acme.io/foo\")",
        ] {
            assert!(m.contains(&want.to_string()), "{want}\n{m:?}");
        }
        assert_eq!(at(36, &bad), pairs(&[]));

        let short = pod("      - podCertificate:\n          signerName: example.com/s\n          keyType: ECDSAP256\n          maxExpirationSeconds: 60\n          keyPath: ../k\n          certificateChainPath: /c\n");
        assert_eq!(
            at(37, &short),
            pairs(&[
                (&format!("{p}.certificateChainPath"), "Invalid"),
                (&format!("{p}.keyPath"), "Invalid"),
                (&format!("{p}.maxExpirationSeconds"), "Invalid"),
            ])
        );
        // 91 days for other signers.
        let long = pod("      - podCertificate:\n          signerName: example.com/s\n          keyType: ECDSAP256\n          maxExpirationSeconds: 7862401\n          keyPath: k\n");
        assert_eq!(messages(37, &long), ["Invalid value: 7862401: if provided, maxExpirationSeconds must be <= 7862400"]);
    }

    #[test]
    fn duplicate_paths_and_source_counts() {
        let dup = pod("      - configMap:\n          name: c\n          items:\n          - key: k\n            path: ca.pem\n      - clusterTrustBundle:\n          name: b\n          path: ca.pem\n      - podCertificate:\n          signerName: example.com/s\n          keyType: ED25519\n          keyPath: ca.pem\n          certificateChainPath: chain.pem\n");
        assert_eq!(at(37, &dup), pairs(&[("spec.volumes[0].projected", "Invalid"), ("spec.volumes[0].projected", "Invalid")]));
        assert_eq!(at(34, &dup), pairs(&[]));
        // Two empty bundle paths collide too.
        let empty = pod("      - clusterTrustBundle:\n          name: a\n      - clusterTrustBundle:\n          name: b\n");
        let r = |i: usize| format!("spec.volumes[0].projected.sources[{i}].clusterTrustBundle.path");
        assert_eq!(at(37, &empty), pairs(&[("spec.volumes[0].projected", "Invalid"), (&r(0), "Required"), (&r(1), "Required")]));
        // A second source in one item: Forbidden from 1.37; before, the bundle is dropped.
        let two = pod("      - configMap:\n          name: c\n        clusterTrustBundle:\n          name: b\n          path: ca.pem\n");
        assert_eq!(at(37, &two), pairs(&[(S, "Forbidden")]));
        assert_eq!(at(36, &two), pairs(&[]));
    }

    #[test]
    fn templates_too() {
        let d = crate::rules::pod::util::deployment_with(
            "  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: certs\n    projected:\n      sources:\n      - podCertificate:\n          signerName: example.com/s\n          keyType: ED25519\n",
        );
        assert_eq!(at(37, &d), pairs(&[("spec.template.spec.volumes[0].projected.sources[0].podCertificate", "Required")]));
        assert_eq!(at(34, &d), pairs(&[]));
    }
}
