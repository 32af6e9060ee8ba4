//! Pod defaulting (`pkg/apis/core/v1/defaults.go`) and the default mutating admission plugins
//! that change a Pod before validation (ServiceAccount, Priority, DefaultTolerationSeconds, RuntimeClass).
//! [`pod_spec`] is shared with the workload templates.
//!
//! Go zero values count as unset: a missing, null or (for strings) empty field is defaulted, and
//! for non-pointer integers (probe timings) `0` is too. Added nodes are `synthetic` and carry the
//! span of the key they hang from, so a diagnostic about a defaulted value points there.

use crate::admission::Lookups;
use crate::analysis::Options;
use crate::model::Object;
use crate::rules::pod::volume::VOLUME_SOURCES;
use crate::source::Span;
use crate::yaml::{Entry, Node, NodeKind, Resolved, ScalarStyle};

pub fn pod(obj: &mut Object, opts: &Options, lookups: &Lookups) {
    let root_span = obj.stored.span;
    let Some((anchor, spec)) = child_mut(&mut obj.stored, "spec") else {
        return;
    };
    let anchor = if anchor == Span::default() { root_span } else { anchor };
    pod_spec(spec, anchor, true, opts);
    pod_only(spec, anchor, opts);
    // A label written `key:` (null) decodes to "" in the pod's labels, and counts.
    let labels = obj.stored.path(&["metadata", "labels"]).cloned();
    let label = |k: &str| labels.as_ref().and_then(|l| l.get(k)).map(|v| v.as_str().unwrap_or("").to_string());
    if let Some((_, spec)) = child_mut(&mut obj.stored, "spec") {
        super::label_keys::merge_into_selectors(spec, &label, opts);
    }
    let mirror = obj.stored.path(&["metadata", "annotations", "kubernetes.io/config.mirror"]).is_some();
    let Some((_, spec)) = child_mut(&mut obj.stored, "spec") else { return };
    admission(spec, anchor, obj.name.as_deref().unwrap_or(""), lookups, mirror);
}

/// A step of a path into a spec: a mapping's value for a key (its first entry of that key, the
/// one `put`, `child_mut` and `Node::set` change) or a list's item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Key(&'static str),
    Item(usize),
}

/// Where a scalar derived from the pod's name is in a spec, and what it holds.
pub(crate) type NameSlot = (Vec<Step>, PodNamed);

/// A scalar of a controller's pod that derives from the pod's name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PodNamed {
    /// The name of the token volume (`kube-api-access-<suffix>`), in `volumes` and in the mounts.
    TokenVolume,
    /// A StatefulSet volume's claim, `<claim template>-<pod name>` (`getPersistentVolumeClaimName`).
    Claim(String),
}

impl PodNamed {
    /// The scalar for the pod `pod_name`, hanging from `span`: the one place each is built, so
    /// that naming a shared spec per pod gives the node a per-pod build would have.
    pub(crate) fn node(&self, span: Span, pod_name: &str) -> Node {
        match self {
            PodNamed::TokenVolume => str_node(span, &token_volume_name(pod_name)),
            // Plain whatever the text, as the controller's Go struct marshals a string.
            PodNamed::Claim(template) => Node::scalar(span, format!("{template}-{pod_name}"), ScalarStyle::Plain).synthetic(),
        }
    }
}

/// The stored spec of the pods a controller creates from one template (its stored spec, with
/// what the controller sets on every pod): the API server's create path runs `SetDefaults_Pod`
/// and the default admission plugins on it, as on a Pod written by hand (`pod`):
/// enableServiceLinks, the service account and its token volume, priority, the
/// DefaultTolerationSeconds tolerations, and the pod's labels merged into its selectors for
/// `matchLabelKeys` (the Pod strategy's `PrepareForCreate`).
///
/// The pods of one template differ only in scalars derived from their names (the token
/// volume's, a StatefulSet's claims), so the defaulting runs once per template and each pod's
/// spec is the shared one with those scalars named for it ([`ControllerPodSpec::for_pod`]),
/// when it is shown: a copy of the spec per pod made the simulation of many replicas several
/// times slower, for output few runs print.
#[derive(Debug, Clone, PartialEq)]
pub struct ControllerPodSpec {
    /// Defaulted, with the pod-name dependent scalars built for an empty pod name.
    spec: Node,
    /// Where those scalars are, and what each holds.
    per_pod: Vec<NameSlot>,
}

impl ControllerPodSpec {
    /// Defaults `spec`, whose scalars at `per_pod` the controller derives from the pod's name.
    pub(crate) fn new(
        mut spec: Node,
        mut per_pod: Vec<NameSlot>,
        labels: &crate::model::typed::Labels,
        opts: &Options,
        lookups: &Lookups,
    ) -> Self {
        if spec.as_map().is_some() {
            let anchor = spec.span;
            pod_only(&mut spec, anchor, opts);
            super::label_keys::merge_into_selectors(&mut spec, &|k: &str| labels.get(k).cloned(), opts);
            per_pod.extend(admission(&mut spec, anchor, "", lookups, false));
        }
        ControllerPodSpec { spec, per_pod }
    }

    /// The stored spec of the pod `pod_name`.
    pub fn for_pod(&self, pod_name: &str) -> Node {
        let mut spec = self.spec.clone();
        for (path, named) in &self.per_pod {
            let at = path.iter().try_fold(&mut spec, |n, step| match step {
                Step::Key(k) => n.get_mut(k),
                Step::Item(i) => n.as_seq_mut()?.get_mut(*i),
            });
            if let Some(n) = at {
                *n = named.node(n.span, pod_name);
            }
        }
        spec
    }
}

// ----- node helpers -----

/// A string scalar; quoted when a plain scalar would read as another type.
pub(super) fn str_node(span: Span, s: &str) -> Node {
    let style = if matches!(crate::yaml::resolve::resolve_plain(s), Resolved::Str(_)) && !s.is_empty() {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    Node::scalar(span, s, style).synthetic()
}

pub(super) fn int_node(span: Span, i: i64) -> Node {
    Node::scalar(span, i.to_string(), ScalarStyle::Plain).synthetic()
}

pub(super) fn bool_node(span: Span, b: bool) -> Node {
    Node::scalar(span, if b { "true" } else { "false" }, ScalarStyle::Plain).synthetic()
}

pub(super) fn map_node(span: Span) -> Node {
    Node::map(span, Vec::new()).synthetic()
}

/// The value of `key` with its key's span, when it is a mapping or a list (not null).
pub(super) fn child_mut<'a>(map: &'a mut Node, key: &str) -> Option<(Span, &'a mut Node)> {
    let e = map.as_map_mut()?.iter_mut().find(|e| e.key.text() == Some(key))?;
    matches!(e.value.kind, NodeKind::Map(_) | NodeKind::Seq(_)).then_some((e.key.span, &mut e.value))
}

/// True when `key` is missing or null (a nil pointer in Go).
pub(super) fn is_nil(map: &Node, key: &str) -> bool {
    map.get(key).is_none_or(Node::is_null)
}

/// True when `key` holds Go's zero value: missing, null, `""` or `0`.
pub(super) fn is_zero(map: &Node, key: &str) -> bool {
    match map.get(key).and_then(Node::resolved) {
        None => map.get(key).is_none(),
        Some(Resolved::Null) => true,
        Some(Resolved::Str(s)) => s.is_empty(),
        Some(Resolved::Int(i)) => i == 0,
        Some(Resolved::Float(f)) => f == 0.0,
        _ => false,
    }
}

/// Sets `key` (replacing a null or zero value), with a synthetic key at `anchor`.
pub(super) fn put(map: &mut Node, anchor: Span, key: &str, value: Node) {
    let Some(m) = map.as_map_mut() else { return };
    if let Some(e) = m.iter_mut().find(|e| e.key.text() == Some(key)) {
        e.value = value;
    } else {
        m.push(Entry { key: Node::scalar(anchor, key, ScalarStyle::Plain).synthetic(), value });
    }
}

/// Defaults a pointer field (missing or null).
pub(super) fn default_nil(map: &mut Node, anchor: Span, key: &str, value: impl FnOnce(Span) -> Node) {
    if map.as_map().is_some() && is_nil(map, key) {
        put(map, anchor, key, value(anchor));
    }
}

/// Defaults a value field (missing, null, empty or zero).
pub(super) fn default_zero(map: &mut Node, anchor: Span, key: &str, value: impl FnOnce(Span) -> Node) {
    if map.as_map().is_some() && is_zero(map, key) {
        put(map, anchor, key, value(anchor));
    }
}

/// Calls `f` on every mapping item of the list `key`.
fn each_item(map: &mut Node, key: &str, mut f: impl FnMut(Span, &mut Node)) {
    each_item_at(map, key, |_, span, item| f(span, item));
}

/// [`each_item`], with the item's index in the list.
fn each_item_at(map: &mut Node, key: &str, mut f: impl FnMut(usize, Span, &mut Node)) {
    if let Some((_, list)) = child_mut(map, key) {
        if let Some(items) = list.as_seq_mut() {
            for (i, item) in items.iter_mut().enumerate().filter(|(_, i)| i.as_map().is_some()) {
                let span = item.span;
                f(i, span, item);
            }
        }
    }
}

// ----- PodSpec (pods and templates) -----

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// `SetDefaults_PodSpec` and everything nested in it. `is_pod` is false for templates.
pub(super) fn pod_spec(spec: &mut Node, anchor: Span, is_pod: bool, opts: &Options) {
    let _ = (is_pod, opts);
    if spec.as_map().is_none() {
        return;
    }
    // The deprecated `serviceAccount` is an alias: converting to the internal type takes it when
    // `serviceAccountName` is empty (`Convert_v1_PodSpec_To_core_PodSpec`).
    if is_zero(spec, "serviceAccountName") {
        if let Some(sa) = spec.get("serviceAccount").filter(|n| n.as_str().is_some_and(|s| !s.is_empty())).cloned() {
            let mut v = sa.clone().synthetic();
            v.span = sa.span;
            put(spec, sa.span, "serviceAccountName", v);
        }
    }
    default_zero(spec, anchor, "dnsPolicy", |s| str_node(s, "ClusterFirst"));
    default_zero(spec, anchor, "restartPolicy", |s| str_node(s, "Always"));
    default_nil(spec, anchor, "terminationGracePeriodSeconds", |s| int_node(s, 30));
    default_nil(spec, anchor, "securityContext", map_node);
    default_zero(spec, anchor, "schedulerName", |s| str_node(s, "default-scheduler"));
    for list in CONTAINER_LISTS {
        each_item(spec, list, |_, c| container(c));
    }
    each_item(spec, "volumes", |_, v| volume(v));
    if let Some((_, r)) = child_mut(spec, "resources") {
        resource_lists(r);
    }
    drop_disabled_fields(spec, opts);
}

/// The pod strategy's `dropDisabledFields` (`PrepareForCreate`, also for templates): fields of
/// feature gates that are off in the target version are removed before validation.
fn drop_disabled_fields(spec: &mut Node, opts: &Options) {
    let v = opts.kube_version;
    // ContainerRestartRules (alpha, off in 1.34; absent before, beta on from 1.35): a regular
    // container's restartPolicy and a non-Always init container restartPolicy are dropped.
    if v.at_least(34) && !v.at_least(35) {
        for list in CONTAINER_LISTS {
            each_item(spec, list, |_, c| {
                let keep = list == "initContainers" && c.get("restartPolicy").and_then(Node::text) == Some("Always");
                if !keep {
                    c.remove("restartPolicy");
                }
                c.remove("restartPolicyRules");
            });
        }
    }
    // InPlacePodVerticalScaling (alpha, off up to 1.32; beta on from 1.33): `dropDisabledFields`
    // clears `resizePolicy` of every container (regular, init and ephemeral), so none of it is
    // validated.
    if !v.at_least(33) {
        for list in CONTAINER_LISTS {
            each_item(spec, list, |_, c| {
                c.remove("resizePolicy");
            });
        }
    }
    // EnvFiles (beta, on from 1.35): `valueFrom.fileKeyRef` is dropped before.
    if !v.at_least(35) {
        for list in CONTAINER_LISTS {
            each_item(spec, list, |_, c| {
                each_item(c, "env", |_, e| {
                    if let Some((_, vf)) = child_mut(e, "valueFrom") {
                        vf.remove("fileKeyRef");
                    }
                });
            });
        }
    }
    // HostnameOverride (beta, on from 1.35): `hostnameOverride` is dropped before.
    // ImageVolume (beta on from 1.35; off in 1.34): `dropImageVolumes` removes image volumes
    // and every mount of them before, so neither is validated.
    if !v.at_least(35) {
        spec.remove("hostnameOverride");
        let mut image_volumes: Vec<String> = Vec::new();
        if let Some((_, vols)) = child_mut(spec, "volumes") {
            if let Some(items) = vols.as_seq_mut() {
                items.retain(|vol| {
                    if vol.as_map().is_none() || is_nil(vol, "image") {
                        return true;
                    }
                    image_volumes.push(vol.get("name").and_then(Node::text).unwrap_or("").to_string());
                    false
                });
            }
        }
        if !image_volumes.is_empty() {
            for list in CONTAINER_LISTS {
                each_item(spec, list, |_, c| {
                    if let Some((_, mounts)) = child_mut(c, "volumeMounts") {
                        if let Some(items) = mounts.as_seq_mut() {
                            items.retain(|m| !image_volumes.iter().any(|n| m.get("name").and_then(Node::text) == Some(n.as_str())));
                        }
                    }
                });
            }
        }
    }
    // ClusterTrustBundleProjection and PodCertificateRequest (beta, off up to 1.36; GA from
    // 1.37): `dropDisabledClusterTrustBundleProjection` and `dropDisabledPodCertificateProjection`
    // clear `clusterTrustBundle` and `podCertificate` in every projected source (the item stays).
    if !v.at_least(crate::rules::pod::projection::VALIDATED_FROM) {
        each_item(spec, "volumes", |_, vol| {
            if let Some((_, pj)) = child_mut(vol, "projected") {
                each_item(pj, "sources", |_, src| {
                    src.remove("clusterTrustBundle");
                    src.remove("podCertificate");
                });
            }
        });
    }
    // SELinuxChangePolicy (alpha, off in 1.32; beta on from 1.33; unknown before 1.32):
    // `dropSELinuxChangePolicy` removes `securityContext.seLinuxChangePolicy`.
    if !v.at_least(33) {
        if let Some((_, sc)) = child_mut(spec, "securityContext") {
            sc.remove("seLinuxChangePolicy");
        }
    }
    super::label_keys::drop_disabled(spec, opts);
    // ContainerStopSignals (alpha, off from 1.33 through 1.37; the field is unknown before):
    // `dropContainerStopSignals` removes a set `lifecycle.stopSignal`, and then a lifecycle left
    // with no handler becomes nil, so a plain init container with only a stop signal passes C-11.
    if v.at_least(33) {
        for list in CONTAINER_LISTS {
            each_item(spec, list, |_, c| {
                let Some((_, lc)) = child_mut(c, "lifecycle") else { return };
                if is_nil(lc, "stopSignal") {
                    return;
                }
                lc.remove("stopSignal");
                if lc.as_map().is_some_and(|m| m.iter().all(|e| e.value.is_null())) {
                    c.remove("lifecycle");
                }
            });
        }
    }
    // The alpha fields new in 1.37, all gates off (version-changes §1.3; unknown before 1.37):
    if v.at_least(37) {
        drop_alpha_137(spec);
    }
    // UserNamespacesSupport and ProcMountType (on by default from 1.33): `hostUsers` and
    // container `procMount` are dropped before.
    if !v.at_least(33) {
        spec.remove("hostUsers");
        for list in CONTAINER_LISTS {
            each_item(spec, list, |_, c| {
                if let Some((_, sc)) = child_mut(c, "securityContext") {
                    sc.remove("procMount");
                }
            });
        }
    }
}

/// The strategy's drops of the 1.37 alpha fields whose gates are off by default:
/// `spec.evictionResponders` (EvictionRequestAPI), `volumeMounts[].bindMountOptions`
/// (VolumeBindMountOptions), `emptyDir.mode` (EmptyDirVolumeMode), `httpGet.protocol`
/// (H2CContainerProbe), `grpc.mode` (GRPCContainerProbeTLS), and the owner fields of
/// AtomicWriteVolumeUserFields: `defaultUser` on configMap, secret, downwardAPI and projected
/// volumes and `user` on their items and projected sources.
fn drop_alpha_137(spec: &mut Node) {
    spec.remove("evictionResponders");
    for list in CONTAINER_LISTS {
        each_item(spec, list, |_, c| {
            each_item(c, "volumeMounts", |_, m| {
                m.remove("bindMountOptions");
            });
            let mut handlers: Vec<&mut Node> = Vec::new();
            let Some(map) = c.as_map_mut() else { return };
            for e in map.iter_mut() {
                match e.key.text() {
                    Some("livenessProbe" | "readinessProbe" | "startupProbe") => handlers.push(&mut e.value),
                    Some("lifecycle") => {
                        for h in e.value.as_map_mut().into_iter().flatten() {
                            if matches!(h.key.text(), Some("postStart" | "preStop")) {
                                handlers.push(&mut h.value);
                            }
                        }
                    }
                    _ => {}
                }
            }
            for h in handlers {
                if let Some((_, g)) = child_mut(h, "httpGet") {
                    g.remove("protocol");
                }
                if let Some((_, g)) = child_mut(h, "grpc") {
                    g.remove("mode");
                }
            }
        });
    }
    let drop_item_users = |src: &mut Node| {
        each_item(src, "items", |_, item| {
            item.remove("user");
        });
    };
    each_item(spec, "volumes", |_, vol| {
        if let Some((_, e)) = child_mut(vol, "emptyDir") {
            e.remove("mode");
        }
        for key in ["configMap", "secret", "downwardAPI", "projected"] {
            if let Some((_, src)) = child_mut(vol, key) {
                src.remove("defaultUser");
                drop_item_users(src);
            }
        }
        if let Some((_, pj)) = child_mut(vol, "projected") {
            each_item(pj, "sources", |_, source| {
                for key in ["configMap", "secret", "downwardAPI"] {
                    if let Some((_, s)) = child_mut(source, key) {
                        drop_item_users(s);
                    }
                }
                for key in ["serviceAccountToken", "clusterTrustBundle", "podCertificate"] {
                    if let Some((_, s)) = child_mut(source, key) {
                        s.remove("user");
                    }
                }
            });
        }
    });
}

/// `SetDefaults_ResourceList` for `limits` and `requests`: every quantity is rounded up to milli
/// precision, and the stored text is the canonical one (`0.5` becomes `500m`, `1.5Gi` `1536Mi`).
/// A plain YAML number is parsed from the JSON kubectl sends for it: `1e3` is the float 1000,
/// sent as `1000`, so it becomes `1k` (a quoted "1e3" keeps its exponent form).
fn resource_lists(res: &mut Node) {
    use crate::yaml::Resolved;
    for key in ["limits", "requests"] {
        let Some(list) = res.get_mut(key).and_then(Node::as_map_mut) else { continue };
        for e in list.iter_mut() {
            let Some(raw) = e.value.text() else { continue };
            let json = match e.value.resolved() {
                Some(n @ (Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_))) => Some(n.json_text()),
                _ => None,
            };
            let text = json.as_deref().unwrap_or(raw);
            let Some(q) = crate::rules::pod::quantity::Quantity::parse(text) else { continue };
            let canonical = q.canonical();
            if canonical != raw {
                let span = e.value.span;
                e.value = str_node(span, &canonical);
            }
        }
    }
}

/// `SetDefaults_Container` plus ports, probes, lifecycle handlers and env field refs.
fn container(c: &mut Node) {
    let anchor = c.get("name").map_or(c.span, |n| n.span);
    default_pull_policy(c, anchor, "image", "imagePullPolicy");
    default_zero(c, anchor, "terminationMessagePath", |s| str_node(s, "/dev/termination-log"));
    default_zero(c, anchor, "terminationMessagePolicy", |s| str_node(s, "File"));
    if let Some((_, r)) = child_mut(c, "resources") {
        resource_lists(r);
    }
    each_item(c, "ports", |span, p| {
        let at = p.get("containerPort").map_or(span, |n| n.span);
        default_zero(p, at, "protocol", |s| str_node(s, "TCP"));
    });
    for probe_key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some((at, p)) = child_mut(c, probe_key) {
            probe(p, at);
        }
    }
    if let Some((_, lc)) = child_mut(c, "lifecycle") {
        for h in ["postStart", "preStop"] {
            if let Some((at, handler)) = child_mut(lc, h) {
                http_get(handler, at);
            }
        }
    }
    each_item(c, "env", |_, e| {
        if let Some((_, vf)) = child_mut(e, "valueFrom") {
            if let Some((at, fr)) = child_mut(vf, "fieldRef") {
                default_zero(fr, at, "apiVersion", |s| str_node(s, "v1"));
            }
        }
    });
}

/// The pull policy `SetDefaults_Container` (`imagePullPolicy`) and `SetDefaults_ImageVolumeSource`
/// (`pullPolicy`) give when none is set: `Always` when the reference's tag is `latest` (no tag
/// and no digest counts as `latest`, as `parsers.ParseImageName` says), `IfNotPresent`
/// otherwise. The value hangs from the reference (`image_key`), else from `anchor`.
fn default_pull_policy(map: &mut Node, anchor: Span, image_key: &str, policy_key: &str) {
    if !is_zero(map, policy_key) {
        return;
    }
    let image = map.get(image_key).and_then(Node::text).unwrap_or("");
    let policy = if crate::rules::formats::image_tag(image).as_deref() == Some("latest") { "Always" } else { "IfNotPresent" };
    let at = map.get(image_key).map_or(anchor, |n| n.span);
    put(map, at, policy_key, str_node(at, policy));
}

/// `SetDefaults_Probe` (zero values only) and its handler's defaults.
fn probe(p: &mut Node, anchor: Span) {
    default_zero(p, anchor, "timeoutSeconds", |s| int_node(s, 1));
    default_zero(p, anchor, "periodSeconds", |s| int_node(s, 10));
    default_zero(p, anchor, "successThreshold", |s| int_node(s, 1));
    default_zero(p, anchor, "failureThreshold", |s| int_node(s, 3));
    http_get(p, anchor);
}

/// `SetDefaults_HTTPGetAction`: path `/`, scheme `HTTP`.
fn http_get(handler: &mut Node, _anchor: Span) {
    if let Some((at, h)) = child_mut(handler, "httpGet") {
        default_zero(h, at, "path", |s| str_node(s, "/"));
        default_zero(h, at, "scheme", |s| str_node(s, "HTTP"));
    }
}

/// `SetDefaults_Volume` and the source defaults (modes 0644, hostPath type, token expiry, image
/// volume pull policy).
fn volume(v: &mut Node) {
    let anchor = v.get("name").map_or(v.span, |n| n.span);
    if VOLUME_SOURCES.iter().all(|k| is_nil(v, k)) {
        put(v, anchor, "emptyDir", map_node(anchor));
    }
    for src in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some((at, s)) = child_mut(v, src) {
            default_nil(s, at, "defaultMode", |sp| int_node(sp, 420));
            if src == "downwardAPI" {
                each_item(s, "items", |_, item| field_ref_api_version(item));
            }
        }
    }
    if let Some((at, img)) = child_mut(v, "image") {
        default_pull_policy(img, at, "reference", "pullPolicy");
    }
    if let Some((at, hp)) = child_mut(v, "hostPath") {
        default_nil(hp, at, "type", |s| str_node(s, ""));
    }
    // The declarative defaults of two legacy sources (`+default=` in k8s.io/api).
    if let Some((at, d)) = child_mut(v, "azureDisk") {
        default_nil(d, at, "cachingMode", |s| str_node(s, "ReadWrite"));
        default_nil(d, at, "fsType", |s| str_node(s, "ext4"));
        default_nil(d, at, "readOnly", |s| bool_node(s, false));
        default_nil(d, at, "kind", |s| str_node(s, "Shared"));
    }
    if let Some((at, d)) = child_mut(v, "scaleIO") {
        default_zero(d, at, "storageMode", |s| str_node(s, "ThinProvisioned"));
        default_zero(d, at, "fsType", |s| str_node(s, "xfs"));
    }
    // SetDefaults_PersistentVolumeClaimSpec and the claim's resource lists, in an ephemeral
    // volume's claim template.
    if let Some((_, t)) = child_mut(v, "ephemeral").and_then(|(_, e)| child_mut(e, "volumeClaimTemplate")) {
        if let Some((at, s)) = child_mut(t, "spec") {
            default_nil(s, at, "volumeMode", |sp| str_node(sp, "Filesystem"));
            if let Some((_, r)) = child_mut(s, "resources") {
                resource_lists(r);
            }
        }
    }
    if let Some((_, pj)) = child_mut(v, "projected") {
        each_item(pj, "sources", |_, src| {
            if let Some((at, t)) = child_mut(src, "serviceAccountToken") {
                default_nil(t, at, "expirationSeconds", |s| int_node(s, 3600));
            }
            if let Some((_, d)) = child_mut(src, "downwardAPI") {
                each_item(d, "items", |_, item| field_ref_api_version(item));
            }
        });
    }
}

fn field_ref_api_version(item: &mut Node) {
    if let Some((at, fr)) = child_mut(item, "fieldRef") {
        default_zero(fr, at, "apiVersion", |s| str_node(s, "v1"));
    }
}

// ----- Pod-only defaults -----

/// `SetDefaults_Pod`: enableServiceLinks, requests from limits, hostNetwork host ports.
fn pod_only(spec: &mut Node, anchor: Span, opts: &Options) {
    default_nil(spec, anchor, "enableServiceLinks", |s| bool_node(s, true));
    let host_network = spec.get("hostNetwork").and_then(Node::as_bool) == Some(true);
    for list in ["containers", "initContainers"] {
        each_item(spec, list, |_, c| {
            requests_from_limits(c);
            if host_network {
                each_item(c, "ports", |_, p| {
                    if is_zero(p, "hostPort") {
                        if let Some(cp) = p.get("containerPort").cloned() {
                            if cp.as_i64().is_some() {
                                let mut v = cp.clone().synthetic();
                                v.span = cp.span;
                                put(p, cp.span, "hostPort", v);
                            }
                        }
                    }
                });
            }
        });
    }
    // After the containers' defaults, as in SetDefaults_Pod.
    if opts.kube_version.at_least(34) {
        pod_level_defaults(spec);
    }
}

/// `defaultHugePagePodLimits` then `defaultPodRequests` (PodLevelResources, on from 1.34), for
/// a pod whose pod-level resources are partly set. A hugepage limit the pod-level limits lack
/// (and its requests too) becomes the containers' aggregate limit. Then, with pod-level
/// limits, a missing pod-level request of cpu or memory becomes the containers' aggregate
/// request (`AggregateContainerRequests`: regular containers and sidecars add up, an init
/// container counts with the sidecars before it), or else, like hugepages, the pod-level limit.
fn pod_level_defaults(spec: &mut Node) {
    use crate::rules::pod::resources::{aggregate, is_hugepages, is_pod_level};
    let list_of = |spec: &Node, key: &str| spec.path(&["resources", key]).and_then(Node::as_map).map(<[Entry]>::to_vec).unwrap_or_default();
    if spec.get("resources").and_then(Node::as_map).is_none() {
        return;
    }
    let (limits, requests) = (list_of(spec, "limits"), list_of(spec, "requests"));
    let has = |list: &[Entry], k: &str| list.iter().any(|e| e.key.text() == Some(k));
    if !limits.is_empty() || !requests.is_empty() {
        let hugepages: Vec<_> =
            aggregate(spec, "limits").into_iter().filter(|(k, _, _)| is_hugepages(k) && !has(&requests, k) && !has(&limits, k)).collect();
        if !hugepages.is_empty() {
            let Some(lim) = resource_list_mut(spec, "limits") else { return };
            for (k, q, span) in &hugepages {
                put(lim, *span, k, str_node(*span, &q.canonical()));
            }
        }
    }
    let limits = list_of(spec, "limits");
    if limits.is_empty() {
        return;
    }
    let from_containers: Vec<_> =
        aggregate(spec, "requests").into_iter().filter(|(k, _, _)| matches!(k.as_str(), "cpu" | "memory")).collect();
    let Some(req) = resource_list_mut(spec, "requests") else { return };
    for (k, q, span) in &from_containers {
        if req.get(k).is_none() {
            put(req, *span, k, str_node(*span, &q.canonical()));
        }
    }
    for e in &limits {
        let Some(k) = e.key.text() else { continue };
        if is_pod_level(k) && req.get(k).is_none() {
            let mut v = e.value.clone().synthetic();
            v.span = e.value.span;
            put(req, e.key.span, k, v);
        }
    }
    if req.as_map().is_some_and(<[Entry]>::is_empty) {
        if let Some((_, res)) = child_mut(spec, "resources") {
            res.remove("requests");
        }
    }
}

/// `spec.resources.<key>` as a mapping, added (empty, at the `resources` key) when missing.
fn resource_list_mut<'a>(spec: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    let (res_at, res) = child_mut(spec, "resources")?;
    if is_nil(res, key) {
        put(res, res_at, key, map_node(res_at));
    }
    res.get_mut(key).filter(|r| r.as_map().is_some())
}

/// Each limit without a request becomes the request too (`SetDefaults_Pod`, Pods only).
fn requests_from_limits(c: &mut Node) {
    let Some((res_at, res)) = child_mut(c, "resources") else { return };
    let Some(limits) = res.get("limits").filter(|l| l.as_map().is_some_and(|m| !m.is_empty())).cloned() else {
        return;
    };
    if is_nil(res, "requests") {
        put(res, res_at, "requests", map_node(res_at));
    }
    let Some(req) = res.get_mut("requests") else { return };
    if req.as_map().is_none() {
        return;
    }
    for e in limits.as_map().unwrap_or(&[]) {
        let Some(k) = e.key.text() else { continue };
        if req.get(k).is_none() {
            let mut v = e.value.clone().synthetic();
            v.span = e.value.span;
            put(req, e.key.span, k, v);
        }
    }
}

// ----- default mutating admission (Pods only) -----

/// What the default admission plugins add before validation. Whether the ServiceAccount,
/// PriorityClass and RuntimeClass exist is checked by the rules of `rules::pod::admission`
/// (which refuse the Pod); the priority and preemption policy come from the class found in
/// `lookups` (the global default class when none is named). Returns where the pod's name shows
/// (the token volume's name).
fn admission(spec: &mut Node, anchor: Span, pod_name: &str, lookups: &Lookups, mirror: bool) -> Vec<NameSlot> {
    // ServiceAccount: serviceAccountName defaults to `default`; the deprecated alias mirrors it.
    // Not on a mirror pod (annotation `kubernetes.io/config.mirror`): the plugin's Admit leaves
    // the kubelet's pods unchanged (no account, no token volume).
    let per_pod = if mirror { Vec::new() } else { service_account(spec, anchor, pod_name) };
    priority(spec, anchor, lookups);
    default_toleration_seconds(spec, anchor);
    runtime_class(spec, anchor, lookups);
    per_pod
}

fn service_account(spec: &mut Node, anchor: Span, pod_name: &str) -> Vec<NameSlot> {
    default_zero(spec, anchor, "serviceAccountName", |s| str_node(s, "default"));
    if is_zero(spec, "serviceAccount") {
        if let Some(sa) = spec.get("serviceAccountName").cloned() {
            let mut v = sa.clone().synthetic();
            v.span = sa.span;
            put(spec, sa.span, "serviceAccount", v);
        }
    }
    // The token volume and its mounts, unless automounting is off.
    if spec.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false) {
        return Vec::new();
    }
    token_volume(spec, anchor, pod_name)
}

fn priority(spec: &mut Node, anchor: Span, lookups: &Lookups) {
    // Priority: the class's value and preemption policy; without a class, the global default
    // class's (whose name the Pod then gets), else 0 and PreemptLowerPriority. An unknown class
    // refuses the Pod (`priority-class-refused`), so nothing is filled in.
    let class = spec.get("priorityClassName").and_then(Node::as_str).unwrap_or("").to_string();
    if let Some(p) = lookups.priority(&class) {
        if class.is_empty() && !p.class.is_empty() {
            put(spec, anchor, "priorityClassName", str_node(anchor, p.class));
        }
        default_nil(spec, anchor, "priority", |s| int_node(s, p.value));
        default_nil(spec, anchor, "preemptionPolicy", |s| str_node(s, p.preemption_policy));
    }
}

/// DefaultTolerationSeconds: not-ready and unreachable NoExecute for 300 s, when absent.
fn default_toleration_seconds(spec: &mut Node, anchor: Span) {
    if spec.get("tolerations").is_some_and(|t| !t.is_null() && t.as_seq().is_none()) {
        return;
    }
    if is_nil(spec, "tolerations") {
        put(spec, anchor, "tolerations", Node::seq(anchor, Vec::new()).synthetic());
    }
    let Some(tols) = spec.get_mut("tolerations").and_then(Node::as_seq_mut) else { return };
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let present = tols.iter().any(|t| {
            let k = t.get("key").and_then(Node::as_str);
            let eff = t.get("effect").and_then(Node::as_str).unwrap_or("");
            (k == Some(key) || k.is_none_or(str::is_empty)) && (eff.is_empty() || eff == "NoExecute")
        });
        if !present {
            let mut t = map_node(anchor);
            put(&mut t, anchor, "key", str_node(anchor, key));
            put(&mut t, anchor, "operator", str_node(anchor, "Exists"));
            put(&mut t, anchor, "effect", str_node(anchor, "NoExecute"));
            put(&mut t, anchor, "tolerationSeconds", int_node(anchor, 300));
            tols.push(t);
        }
    }
}

/// RuntimeClass (`setOverhead`, `setScheduling` in plugin/pkg/admission/runtimeclass; after
/// DefaultTolerationSeconds in the plugins' order): the class's `overhead.podFixed` becomes the
/// Pod's `overhead`, its `scheduling.nodeSelector` is added to the Pod's node selector and its
/// tolerations are merged into the Pod's (`tolerations.MergeTolerations`). A Pod that wrote
/// another overhead or a conflicting selector value is refused (`runtime-class-refused`), so
/// what it wrote is left as it is.
fn runtime_class(spec: &mut Node, anchor: Span, lookups: &Lookups) {
    let Some(rc) = spec.get("runtimeClassName").and_then(Node::as_str).and_then(|n| lookups.runtime_class(n)) else { return };
    if let Some(fixed) = rc.overhead.as_ref().filter(|f| !f.is_empty()) {
        if is_nil(spec, "overhead") {
            let mut m = map_node(anchor);
            for (name, q) in fixed {
                let text = q.text().unwrap_or("");
                let canonical = crate::rules::pod::quantity::Quantity::parse(text).map_or_else(|| text.to_string(), |q| q.canonical());
                put(&mut m, anchor, name, str_node(anchor, &canonical));
            }
            put(spec, anchor, "overhead", m);
        }
    }
    if !rc.node_selector.is_empty() {
        if is_nil(spec, "nodeSelector") {
            put(spec, anchor, "nodeSelector", map_node(anchor));
        }
        if let Some(selector) = spec.get_mut("nodeSelector").filter(|m| m.as_map().is_some()) {
            for (k, v) in &rc.node_selector {
                if selector.get(k).is_none() {
                    put(selector, anchor, k, str_node(anchor, v));
                }
            }
        }
    }
    if !rc.scheduling {
        return;
    }
    if is_nil(spec, "tolerations") && rc.tolerations.is_empty() {
        return;
    }
    if is_nil(spec, "tolerations") {
        put(spec, anchor, "tolerations", Node::seq(anchor, Vec::new()).synthetic());
    }
    let Some(tols) = spec.get_mut("tolerations").and_then(Node::as_seq_mut) else { return };
    let first = std::mem::take(tols);
    *tols = merge_tolerations(first, rc.tolerations.iter().map(|t| anchored(t, anchor)).collect());
}

/// A copy of `n` (from another object, maybe another file) hanging from `at`, as defaulted.
fn anchored(n: &Node, at: Span) -> Node {
    let kind = match &n.kind {
        NodeKind::Scalar(s) => NodeKind::Scalar(s.clone()),
        NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(|i| anchored(i, at)).collect()),
        NodeKind::Map(entries) => {
            NodeKind::Map(entries.iter().map(|e| Entry { key: anchored(&e.key, at), value: anchored(&e.value, at) }).collect())
        }
    };
    Node { span: at, kind, tag: n.tag.clone(), synthetic: true }
}

/// The fields of a toleration that `MergeTolerations` compares.
#[derive(PartialEq)]
struct Tol {
    key: String,
    operator: String,
    value: String,
    effect: String,
    seconds: Option<i64>,
}

fn tol(n: &Node) -> Tol {
    let s = |k: &str| n.get(k).and_then(Node::text).unwrap_or("").to_string();
    Tol {
        key: s("key"),
        operator: s("operator"),
        value: s("value"),
        effect: s("effect"),
        seconds: n.get("tolerationSeconds").and_then(Node::as_i64),
    }
}

/// `isSuperset` (pkg/util/tolerations): whether `ss` tolerates everything `t` does.
fn is_superset(ss: &Tol, t: &Tol) -> bool {
    if ss == t {
        return true;
    }
    // An empty key with `Exists` matches every key and value.
    if t.key != ss.key && (!ss.key.is_empty() || ss.operator != "Exists") {
        return false;
    }
    // An empty effect matches every effect.
    if t.effect != ss.effect && !ss.effect.is_empty() {
        return false;
    }
    if ss.effect == "NoExecute" {
        if let Some(limit) = ss.seconds {
            if t.seconds.is_none_or(|s| s > limit) {
                return false;
            }
        }
    }
    match ss.operator.as_str() {
        "Equal" | "" => t.operator == "Equal" && t.value == ss.value,
        "Exists" => true,
        _ => false,
    }
}

/// `MergeTolerations` (pkg/util/tolerations): the Pod's tolerations then the class's, without
/// those another one tolerates a superset of (of equal ones, the first is kept).
fn merge_tolerations(first: Vec<Node>, second: Vec<Node>) -> Vec<Node> {
    let all: Vec<(Tol, Node)> = first.into_iter().chain(second).map(|n| (tol(&n), n)).collect();
    let mut keep = vec![false; all.len()];
    for (i, (t, _)) in all.iter().enumerate() {
        let redundant =
            (0..i).any(|m| keep[m] && is_superset(&all[m].0, t)) || all[i + 1..].iter().any(|(t2, _)| t2 != t && is_superset(t2, t));
        keep[i] = !redundant;
    }
    all.into_iter().zip(keep).filter(|(_, k)| *k).map(|((_, n), _)| n).collect()
}

const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// `kube-api-access-<suffix>`, the suffix derived from the pod name (deterministic).
fn token_volume_name(pod_name: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u32 = 2_166_136_261;
    for b in pod_name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    let suffix: String = (0..5).map(|i| ALPHABET[((h >> (i * 6)) % 27) as usize] as char).collect();
    format!("kube-api-access-{suffix}")
}

/// The projected token volume ([`token_volume_name`]) and a read-only mount in every container
/// that has none at the token path. Returns where the volume's name shows.
fn token_volume(spec: &mut Node, anchor: Span, pod_name: &str) -> Vec<NameSlot> {
    let name = |span: Span| PodNamed::TokenVolume.node(span, pod_name);
    let mut per_pod = Vec::new();
    let mut any = false;
    for list in ["containers", "initContainers"] {
        each_item_at(spec, list, |i, span, c| {
            let has = c
                .get("volumeMounts")
                .and_then(Node::as_seq)
                .is_some_and(|m| m.iter().any(|m| m.get("mountPath").and_then(Node::text) == Some(TOKEN_MOUNT_PATH)));
            if has || c.get("volumeMounts").is_some_and(|m| !m.is_null() && m.as_seq().is_none()) {
                return;
            }
            any = true;
            if is_nil(c, "volumeMounts") {
                put(c, span, "volumeMounts", Node::seq(span, Vec::new()).synthetic());
            }
            if let Some(mounts) = c.get_mut("volumeMounts").and_then(Node::as_seq_mut) {
                let mut m = map_node(span);
                put(&mut m, span, "name", name(span));
                put(&mut m, span, "mountPath", str_node(span, TOKEN_MOUNT_PATH));
                put(&mut m, span, "readOnly", bool_node(span, true));
                per_pod.push((
                    vec![Step::Key(list), Step::Item(i), Step::Key("volumeMounts"), Step::Item(mounts.len()), Step::Key("name")],
                    PodNamed::TokenVolume,
                ));
                mounts.push(m);
            }
        });
    }
    if !any {
        return per_pod;
    }
    if spec.get("volumes").is_some_and(|v| !v.is_null() && v.as_seq().is_none()) {
        return per_pod;
    }
    if is_nil(spec, "volumes") {
        put(spec, anchor, "volumes", Node::seq(anchor, Vec::new()).synthetic());
    }
    let Some(vols) = spec.get_mut("volumes").and_then(Node::as_seq_mut) else { return per_pod };
    let a = anchor;
    let mut token = map_node(a);
    put(&mut token, a, "expirationSeconds", int_node(a, 3607));
    put(&mut token, a, "path", str_node(a, "token"));
    let mut sat = map_node(a);
    put(&mut sat, a, "serviceAccountToken", token);
    let mut ca_item = map_node(a);
    put(&mut ca_item, a, "key", str_node(a, "ca.crt"));
    put(&mut ca_item, a, "path", str_node(a, "ca.crt"));
    let mut cm = map_node(a);
    put(&mut cm, a, "items", Node::seq(a, vec![ca_item]).synthetic());
    put(&mut cm, a, "name", str_node(a, "kube-root-ca.crt"));
    let mut cms = map_node(a);
    put(&mut cms, a, "configMap", cm);
    let mut fr = map_node(a);
    put(&mut fr, a, "apiVersion", str_node(a, "v1"));
    put(&mut fr, a, "fieldPath", str_node(a, "metadata.namespace"));
    let mut ns_item = map_node(a);
    put(&mut ns_item, a, "fieldRef", fr);
    put(&mut ns_item, a, "path", str_node(a, "namespace"));
    let mut dapi = map_node(a);
    put(&mut dapi, a, "items", Node::seq(a, vec![ns_item]).synthetic());
    let mut dapis = map_node(a);
    put(&mut dapis, a, "downwardAPI", dapi);
    let mut projected = map_node(a);
    put(&mut projected, a, "defaultMode", int_node(a, 420));
    put(&mut projected, a, "sources", Node::seq(a, vec![sat, cms, dapis]).synthetic());
    let mut vol = map_node(a);
    put(&mut vol, a, "name", name(a));
    put(&mut vol, a, "projected", projected);
    per_pod.push((vec![Step::Key("volumes"), Step::Item(vols.len()), Step::Key("name")], PodNamed::TokenVolume));
    vols.push(vol);
    per_pod
}

#[cfg(test)]
mod tests {
    use super::{admission, pod_only, ControllerPodSpec};
    use crate::admission::Lookups;
    use crate::analysis::{analyze, Options};
    use crate::source::SourceFile;
    use crate::yaml::Node;

    /// Specs whose token volume and mounts take each path of `token_volume`.
    const TEMPLATES: [&str; 4] = [
        "initContainers: [{name: i, image: busybox}]\n      containers: [{name: a, image: nginx}, {name: b, image: nginx, volumeMounts: null}]",
        "containers:\n      - {name: a, image: nginx, volumeMounts: [{name: t, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}\n      - {name: b, image: nginx, volumeMounts: [{name: t, mountPath: /t}]}\n      volumes: [{name: t, emptyDir: {}}]",
        "containers: [{name: a, image: nginx}]\n      volumes: {}",
        "automountServiceAccountToken: false\n      containers: [{name: a, image: nginx}]",
    ];

    /// Defaulting a template once and naming it per pod gives every pod the spec that
    /// defaulting a copy for that pod gives (spans, styles and all).
    #[test]
    fn a_shared_spec_named_per_pod_is_the_spec_defaulted_per_pod() {
        let opts = Options::default();
        let lookups = Lookups::default();
        for template in TEMPLATES {
            let text = format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  selector: {{matchLabels: {{app: w}}}}\n  template:\n    metadata: {{labels: {{app: w}}}}\n    spec:\n      {template}\n"
            );
            let a = analyze(&[SourceFile::new("t.yaml", &text)], &opts);
            let spec = a.objects[0].stored.path(&["spec", "template", "spec"]).cloned().expect("template spec");
            let shared = ControllerPodSpec::new(spec.clone(), Vec::new(), &crate::model::typed::Labels::new(), &opts, &lookups);
            let mut names = Vec::new();
            for pod in ["w-5d8f7c9b6-abcde", "w-5d8f7c9b6-xyz12", "w-0"] {
                let mut each = spec.clone();
                let anchor = each.span;
                pod_only(&mut each, anchor, &opts);
                let _ = admission(&mut each, anchor, pod, &lookups, false);
                let got = shared.for_pod(pod);
                // Not `assert_eq!`: the debug dump of two specs buries the case.
                assert!(got == each, "{template}\n{pod}: the shared spec named for the pod differs from its own");
                names.push(got.get("volumes").and_then(Node::as_seq).and_then(|v| v.last()).cloned());
            }
            if !template.contains("automount") && !template.contains("volumes: {}") {
                assert!(names[0] != names[1], "{template}: the pods' token volumes differ");
            }
        }
    }

    /// The stored Pod's spec, from `analyze` (defaults and admission applied).
    fn stored_spec(yaml: &str) -> crate::yaml::Node {
        stored_spec_at(yaml, crate::KubeVersion::DEFAULT)
    }

    /// [`stored_spec`] for the target version `v`.
    fn stored_spec_at(yaml: &str, v: crate::KubeVersion) -> crate::yaml::Node {
        let opts = crate::Options { kube_version: v, ..Default::default() };
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts);
        a.objects[0].stored.get("spec").cloned().expect("a spec")
    }

    /// `SetDefaults_ImageVolumeSource`: `pullPolicy` is `Always` for a reference whose tag is
    /// `latest` (none written means `latest`), `IfNotPresent` otherwise, like a container's
    /// `imagePullPolicy`; a written policy stays. Image volumes survive from 1.35 (ImageVolume on).
    #[test]
    fn image_volume_pull_policy_defaults() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - {name: a, image: {reference: foo}}\n  - {name: b, image: {reference: 'foo:1'}}\n  - {name: c, image: {reference: 'foo:latest'}}\n  - {name: d, image: {reference: 'foo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}}\n  - {name: e, image: {reference: foo, pullPolicy: Never}}\n  containers: [{name: c, image: 'nginx:1'}]\n";
        for minor in [35, 36, 37] {
            let spec = stored_spec_at(yaml, crate::KubeVersion::new(minor));
            let policies: Vec<Option<&str>> = spec.get("volumes").and_then(Node::as_seq).expect("volumes")[..5]
                .iter()
                .map(|v| v.path(&["image", "pullPolicy"]).and_then(Node::text))
                .collect();
            assert_eq!(policies, [Some("Always"), Some("IfNotPresent"), Some("Always"), Some("IfNotPresent"), Some("Never")], "1.{minor}");
        }
    }

    /// Fields whose feature gates are off in the target version are dropped on create
    /// (`dropDisabledFields`), so the stored object lacks them: the 1.37 alpha fields
    /// (version-changes §1.3) and `lifecycle.stopSignal` (ContainerStopSignals, alpha 1.33–1.37).
    #[test]
    fn alpha_fields_are_dropped_on_create() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  evictionResponders: [{name: x}]\n  volumes:\n  - {name: e, emptyDir: {mode: 0755}}\n  - {name: c, configMap: {name: x, defaultUser: 1000, items: [{key: a, path: a, user: 5}]}}\n  - {name: s, secret: {secretName: x, defaultUser: 1000, items: [{key: a, path: a, user: 5}]}}\n  - {name: d, downwardAPI: {defaultUser: 1000, items: [{path: a, user: 5, fieldRef: {fieldPath: metadata.name}}]}}\n  - name: p\n    projected:\n      defaultUser: 1000\n      sources:\n      - configMap: {name: x, items: [{key: a, path: a, user: 5}]}\n      - secret: {name: x, items: [{key: a, path: a, user: 5}]}\n      - downwardAPI: {items: [{path: b, user: 5, fieldRef: {fieldPath: metadata.name}}]}\n      - serviceAccountToken: {path: t, user: 5}\n  containers:\n  - name: c\n    image: nginx:1\n    volumeMounts: [{name: e, mountPath: /x, bindMountOptions: [noexec]}]\n    livenessProbe: {httpGet: {port: 80, protocol: HTTP2}}\n    readinessProbe: {grpc: {port: 80, mode: TLS}}\n    lifecycle:\n      stopSignal: SIGTERM\n      preStop: {httpGet: {port: 80, protocol: HTTP2}}\n";
        let gated = ["evictionResponders", "bindMountOptions", "mode: 493", "mode: TLS", "protocol", "defaultUser", "user:", "stopSignal"];
        let text = crate::yaml::emit::to_yaml(&stored_spec_at(yaml, crate::KubeVersion::new(37)));
        for f in gated {
            assert!(!text.contains(f), "1.37: `{f}` is stored:\n{text}");
        }
        assert!(text.contains("preStop"), "{text}");
        // Before 1.37 the alpha fields are unknown (the object is refused); stopSignal exists from 1.33.
        let stop = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1\n    lifecycle: {stopSignal: SIGTERM}\n";
        for minor in 33..=37 {
            let text = crate::yaml::emit::to_yaml(&stored_spec_at(stop, crate::KubeVersion::new(minor)));
            assert!(!text.contains("stopSignal") && !text.contains("lifecycle"), "1.{minor}: stopSignal is stored:\n{text}");
        }
        // A lifecycle with a handler stays; a null stop signal is not one that is set.
        let kept = stop.replace("{stopSignal: SIGTERM}", "{stopSignal: null, preStop: {sleep: {seconds: 1}}}");
        let text = crate::yaml::emit::to_yaml(&stored_spec_at(&kept, crate::KubeVersion::new(35)));
        assert!(text.contains("stopSignal: null") && text.contains("preStop"), "{text}");
    }

    /// `SetDefaults_PersistentVolumeClaimSpec` reaches an ephemeral volume's claim template, and
    /// its storage request is rounded like every resource list.
    #[test]
    fn ephemeral_claim_template_defaults() {
        let spec = stored_spec(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: a\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources:\n            requests:\n              storage: 1.5Gi\n",
        );
        let t = spec
            .get("volumes")
            .and_then(|v| v.as_seq())
            .and_then(|v| v[0].path(&["ephemeral", "volumeClaimTemplate", "spec"]))
            .expect("template");
        assert_eq!(t.get("volumeMode").and_then(|n| n.text()), Some("Filesystem"));
        assert_eq!(t.path(&["resources", "requests", "storage"]).and_then(|n| n.text()), Some("1536Mi"));
    }

    /// Projected `clusterTrustBundle` and `podCertificate` sources are kept from 1.37 (their
    /// gates GA) and cleared before (the source item stays, empty).
    #[test]
    fn trust_bundle_and_pod_certificate_sources_dropped_before_1_37() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n  volumes:\n  - name: certs\n    projected:\n      sources:\n      - clusterTrustBundle:\n          name: b\n          path: ca.pem\n      - podCertificate:\n          signerName: example.com/s\n          keyType: ED25519\n          keyPath: k\n";
        for (v, kept) in [(34, false), (36, false), (37, true)] {
            let opts = crate::Options { kube_version: crate::KubeVersion::new(v), ..Default::default() };
            let a = crate::analyze(&[crate::SourceFile::new("t.yaml", yaml)], &opts);
            let sources = a.objects[0]
                .stored
                .path(&["spec", "volumes"])
                .and_then(|v| v.as_seq())
                .and_then(|v| v[0].path(&["projected", "sources"]).cloned());
            let sources = sources.expect("sources");
            let items = sources.as_seq().expect("a list");
            assert_eq!(items.len(), 2, "1.{v}");
            assert_eq!(items[0].get("clusterTrustBundle").is_some(), kept, "1.{v}");
            assert_eq!(items[1].get("podCertificate").is_some(), kept, "1.{v}");
        }
    }
}
