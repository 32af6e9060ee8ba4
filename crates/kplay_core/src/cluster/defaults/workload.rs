//! Workload defaulting (`pkg/apis/apps/v1/defaults.go`, `pkg/apis/batch/v1/defaults.go`) and the
//! Job strategy's selector generation, which also runs before validation. Pod templates get
//! the PodSpec defaults of [`super::pod::pod_spec`] (without the Pod-only ones).

use super::pod::{bool_node, child_mut, default_nil, default_zero, int_node, is_nil, map_node, put, str_node};
use crate::analysis::Options;
use crate::model::Object;
use crate::source::Span;
use crate::yaml::Node;

pub fn workload(obj: &mut Object, opts: &Options) {
    let kind = obj.kind.clone();
    let name = obj.name.clone().unwrap_or_default();
    let root_span = obj.stored.span;
    let Some((anchor, spec)) = child_mut(&mut obj.stored, "spec") else {
        return;
    };
    let anchor = if anchor == Span::default() { root_span } else { anchor };
    match kind.as_str() {
        "Deployment" => deployment(spec, anchor),
        "ReplicaSet" => default_nil(spec, anchor, "replicas", |s| int_node(s, 1)),
        "ReplicationController" => replication_controller(spec, anchor),
        "StatefulSet" => stateful_set(spec, anchor, opts),
        "DaemonSet" => daemon_set(spec, anchor),
        "Job" => job(spec, anchor),
        "CronJob" => cron_job(spec, anchor),
        _ => {}
    }
    if kind == "CronJob" {
        if let Some((_, jt)) = child_mut(spec, "jobTemplate") {
            if let Some((_, js)) = child_mut(jt, "spec") {
                template(js, opts);
            }
        }
    } else {
        template(spec, opts);
    }
    if kind == "Job" {
        job_labels(&mut obj.stored, &name);
    }
    if kind == "ReplicationController" {
        replication_controller_labels(&mut obj.stored);
    }
}

/// `SetDefaults_ReplicationController` (pkg/apis/core/v1/defaults.go): with template labels, an
/// empty selector becomes those labels (and empty object labels, below); replicas default to 1.
fn replication_controller(spec: &mut Node, a: Span) {
    let labels = spec.path(&["template", "metadata", "labels"]).filter(|l| l.as_map().is_some()).cloned();
    if let Some(labels) = labels {
        if spec.get("selector").is_none_or(|s| s.as_map().is_none_or(<[_]>::is_empty)) {
            let mut v = labels.synthetic();
            v.span = spec.get("selector").map_or(a, |s| s.span);
            put(spec, a, "selector", v);
        }
    }
    default_nil(spec, a, "replicas", |s| int_node(s, 1));
}

/// The other half of `SetDefaults_ReplicationController`: empty `metadata.labels` become the
/// template's labels.
fn replication_controller_labels(root: &mut Node) {
    let Some(labels) = root.path(&["spec", "template", "metadata", "labels"]).filter(|l| l.as_map().is_some()).cloned() else {
        return;
    };
    let Some((ma, meta)) = child_mut(root, "metadata") else { return };
    if meta.get("labels").is_none_or(|l| l.as_map().is_none_or(<[_]>::is_empty)) {
        let mut v = labels.synthetic();
        v.span = meta.get("labels").map_or(ma, |l| l.span);
        put(meta, ma, "labels", v);
    }
}

/// PodSpec defaults for `spec.template.spec`.
fn template(spec: &mut Node, opts: &Options) {
    if let Some((_, t)) = child_mut(spec, "template") {
        if let Some((at, ps)) = child_mut(t, "spec") {
            super::pod::pod_spec(ps, at, false, opts);
        }
    }
}

fn deployment(spec: &mut Node, a: Span) {
    default_nil(spec, a, "replicas", |s| int_node(s, 1));
    default_nil(spec, a, "strategy", map_node);
    if let Some((sa, strategy)) = child_mut(spec, "strategy") {
        default_zero(strategy, sa, "type", |s| str_node(s, "RollingUpdate"));
        if strategy.get("type").and_then(Node::as_str) == Some("RollingUpdate") {
            default_nil(strategy, sa, "rollingUpdate", map_node);
            if let Some((ra, ru)) = child_mut(strategy, "rollingUpdate") {
                default_nil(ru, ra, "maxUnavailable", |s| str_node(s, "25%"));
                default_nil(ru, ra, "maxSurge", |s| str_node(s, "25%"));
            }
        }
    }
    default_nil(spec, a, "revisionHistoryLimit", |s| int_node(s, 10));
    default_nil(spec, a, "progressDeadlineSeconds", |s| int_node(s, 600));
}

fn stateful_set(spec: &mut Node, a: Span, opts: &Options) {
    default_zero(spec, a, "podManagementPolicy", |s| str_node(s, "OrderedReady"));
    default_nil(spec, a, "updateStrategy", map_node);
    if let Some((sa, us)) = child_mut(spec, "updateStrategy") {
        default_zero(us, sa, "type", |s| str_node(s, "RollingUpdate"));
        if us.get("type").and_then(Node::as_str) == Some("RollingUpdate") {
            default_nil(us, sa, "rollingUpdate", map_node);
            if let Some((ra, ru)) = child_mut(us, "rollingUpdate") {
                default_nil(ru, ra, "partition", |s| int_node(s, 0));
                // MaxUnavailableStatefulSet is on by default from 1.37.
                if opts.kube_version.at_least(37) {
                    default_nil(ru, ra, "maxUnavailable", |s| int_node(s, 1));
                }
            }
        }
    }
    default_nil(spec, a, "replicas", |s| int_node(s, 1));
    default_nil(spec, a, "revisionHistoryLimit", |s| int_node(s, 10));
    default_nil(spec, a, "persistentVolumeClaimRetentionPolicy", map_node);
    if let Some((pa, p)) = child_mut(spec, "persistentVolumeClaimRetentionPolicy") {
        default_zero(p, pa, "whenDeleted", |s| str_node(s, "Retain"));
        default_zero(p, pa, "whenScaled", |s| str_node(s, "Retain"));
    }
}

fn daemon_set(spec: &mut Node, a: Span) {
    default_nil(spec, a, "updateStrategy", map_node);
    if let Some((sa, us)) = child_mut(spec, "updateStrategy") {
        default_zero(us, sa, "type", |s| str_node(s, "RollingUpdate"));
        if us.get("type").and_then(Node::as_str) == Some("RollingUpdate") {
            default_nil(us, sa, "rollingUpdate", map_node);
            if let Some((ra, ru)) = child_mut(us, "rollingUpdate") {
                default_nil(ru, ra, "maxUnavailable", |s| int_node(s, 1));
                default_nil(ru, ra, "maxSurge", |s| int_node(s, 0));
            }
        }
    }
    default_nil(spec, a, "revisionHistoryLimit", |s| int_node(s, 10));
}

fn job(spec: &mut Node, a: Span) {
    if is_nil(spec, "completions") && is_nil(spec, "parallelism") {
        put(spec, a, "completions", int_node(a, 1));
    }
    default_nil(spec, a, "parallelism", |s| int_node(s, 1));
    if is_nil(spec, "backoffLimit") {
        let v = if is_nil(spec, "backoffLimitPerIndex") { 6 } else { i64::from(i32::MAX) };
        put(spec, a, "backoffLimit", int_node(a, v));
    }
    default_zero(spec, a, "completionMode", |s| str_node(s, "NonIndexed"));
    default_nil(spec, a, "suspend", |s| bool_node(s, false));
    let policy = if is_nil(spec, "podFailurePolicy") { "TerminatingOrFailed" } else { "Failed" };
    default_zero(spec, a, "podReplacementPolicy", |s| str_node(s, policy));
    default_nil(spec, a, "manualSelector", |s| bool_node(s, false));
}

/// The Job strategy's `PrepareForCreate`: without `manualSelector: true` the server generates
/// the selector and the template labels from the Job's uid (kplay uses a stable fake uid), and
/// the Job's own labels default to the template's.
fn job_labels(root: &mut Node, name: &str) {
    let uid = fake_uid(name);
    let Some((sa, spec)) = child_mut(root, "spec") else { return };
    let manual = spec.get("manualSelector").and_then(Node::as_bool) == Some(true);
    let mut template_labels = None;
    if !manual {
        // `generateSelector` keeps a selector the user wrote and only adds the uid to its
        // matchLabels (validation then says "`selector` not auto-generated" if it does not
        // select the generated labels).
        const UID_KEY: &str = "batch.kubernetes.io/controller-uid";
        if spec.get("selector").is_none_or(|x| x.as_map().is_none()) {
            let mut sel = map_node(sa);
            let mut ml = map_node(sa);
            put(&mut ml, sa, UID_KEY, str_node(sa, &uid));
            put(&mut sel, sa, "matchLabels", ml);
            put(spec, sa, "selector", sel);
        } else if let Some((xa, sel)) = child_mut(spec, "selector") {
            default_nil(sel, xa, "matchLabels", map_node);
            if let Some((ma, ml)) = child_mut(sel, "matchLabels") {
                if ml.get(UID_KEY).is_none() {
                    put(ml, ma, UID_KEY, str_node(ma, &uid));
                }
            }
        }
        if let Some((ta, t)) = child_mut(spec, "template") {
            default_nil(t, ta, "metadata", map_node);
            if let Some((ma, m)) = child_mut(t, "metadata") {
                default_nil(m, ma, "labels", map_node);
                if let Some((la, l)) = child_mut(m, "labels") {
                    for (k, v) in [
                        ("batch.kubernetes.io/controller-uid", uid.as_str()),
                        ("batch.kubernetes.io/job-name", name),
                        ("controller-uid", uid.as_str()),
                        ("job-name", name),
                    ] {
                        if l.get(k).is_none() {
                            put(l, la, k, str_node(la, v));
                        }
                    }
                }
            }
        }
    }
    if let Some(l) = spec.path(&["template", "metadata", "labels"]) {
        template_labels = Some(l.clone());
    }
    // SetDefaults_Job: `if labels != nil && len(obj.Labels) == 0 { obj.Labels = labels }`.
    let root_span = root.span;
    let Some((ma, meta)) = child_mut(root, "metadata") else { return };
    let ma = if ma == Span::default() { root_span } else { ma };
    let empty = meta.get("labels").is_none_or(|l| l.as_map().is_none_or(<[_]>::is_empty));
    if let (true, Some(l)) = (empty, template_labels) {
        put(meta, ma, "labels", l.synthetic());
    }
}

/// A deterministic uid-shaped string derived from the name.
fn fake_uid(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let h2 = h.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", h >> 32, (h >> 16) & 0xffff, h & 0xfff, (h2 >> 52) & 0xfff, h2 & 0xffff_ffff_ffff)
}

fn cron_job(spec: &mut Node, a: Span) {
    default_zero(spec, a, "concurrencyPolicy", |s| str_node(s, "Allow"));
    default_nil(spec, a, "suspend", |s| bool_node(s, false));
    default_nil(spec, a, "successfulJobsHistoryLimit", |s| int_node(s, 3));
    default_nil(spec, a, "failedJobsHistoryLimit", |s| int_node(s, 1));
}
