//! `workload-spec-invalid`: numeric and enum fields of workload specs: replicas, minReadySeconds,
//! history limits, progress deadline, StatefulSet podManagementPolicy and serviceName (1.33+), Job
//! counts, CronJob schedule, concurrency and time zone (D-01, D-16, D-17 and the same rules of the
//! other workloads).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static WORKLOAD_SPEC_INVALID: Rule = Rule {
    name: "workload-spec-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A workload spec field is negative, out of range or not a supported value.",
    docs: rule_docs!(
        r#"## What it does
Checks the workload-level fields: `replicas`, `minReadySeconds`, `revisionHistoryLimit` and
`progressDeadlineSeconds` may not be negative and the deadline must exceed `minReadySeconds`
(a Deployment's `deprecated.deployment.rollback.to` annotation, the old `rollbackTo`, may not
be a negative revision either);
StatefulSet `podManagementPolicy` is `OrderedReady` or `Parallel`, its
`persistentVolumeClaimRetentionPolicy` values `Retain` or `Delete` and `ordinals.start` not
negative (its `revisionHistoryLimit` is not checked), and from Kubernetes 1.33 a
StatefulSet `serviceName`, when set, is a DNS-1123 label; Job `parallelism`,
`completions`, `activeDeadlineSeconds`, `backoffLimit` and `ttlSecondsAfterFinished` may not be
negative; a CronJob needs a `schedule`, a known
`concurrencyPolicy`, non-negative limits and, if set, an IANA `timeZone` (not `Local`); its
`jobTemplate` may not set `selector` or `manualSelector: true` (the selector is generated).

The `schedule` is parsed as the server parses it (robfig/cron's `ParseStandard`), with the
parser's message: five fields, minute (0-59), hour (0-23), day of month (1-31), month (1-12 or
`JAN`-`DEC`) and day of week (0-6 or `SUN`-`SAT`: Sunday is `0`, not `7`), each `*`, `?`, a
number or name, a range `a-b`, a step `/n` and lists of these; or `@yearly`, `@annually`,
`@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` or `@every <duration>` (`@every 1h30m`).
A schedule with `TZ` in it (a `TZ=` or `CRON_TZ=` prefix) is refused on create: the zone goes
in `timeZone`.

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 30
  progressDeadlineSeconds: 10
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 30
  progressDeadlineSeconds: 600
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- Deployment spec: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec>
- CronJob: <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/>
"#
    ),
    spec: &["D-01", "D-16", "D-17", "D-18"],
    check: Some(check),
};

fn non_negative(sink: &mut Sink<'_>, parent: &Cur<'_>, name: &str) {
    if let Some(c) = parent.field(name) {
        if let Some(n) = c.i64().filter(|n| *n < 0) {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0"))
                .help(format!("use 0 or more for `{name}`"));
        }
    }
}

/// The annotation apps/v1 keeps the old `spec.rollbackTo` in (`appsv1.DeprecatedRollbackTo`);
/// its conversion is read at decode too (`crate::schema`, `rollback-annotation-invalid`).
pub(crate) const ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";

/// D-18: `Convert_v1_Deployment_To_apps_Deployment` turns a non-empty rollback annotation into
/// the internal `spec.rollbackTo.revision` (and drops the annotation), and `ValidateRollback`
/// reports a negative revision as `spec.rollback.version`, a path apps/v1 does not have: the
/// diagnostic points at the annotation's value. A value `ParseInt` refuses fails the conversion
/// itself, a 400 with no field: `rollback-annotation-invalid` (decode stage, `crate::schema`).
fn rollback_to(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(a) = ctx.root().field("metadata").and_then(|m| m.field("annotations")).and_then(|a| a.field(ROLLBACK_TO)) else {
        return;
    };
    let Some(n) = a.str().and_then(|s| s.parse::<i64>().ok()).filter(|n| *n < 0) else { return };
    let at = Cur::new(a.node, "spec.rollback.version");
    sink.field_error(&at, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0")).help(format!(
        "the annotation `{ROLLBACK_TO}` becomes the deprecated `spec.rollbackTo.revision`; remove it or use a revision of 0 or more"
    ));
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = ctx.root().field("spec") else { return };
    match ctx.kind() {
        "Deployment" => {
            for f in ["replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"] {
                non_negative(sink, &spec, f);
            }
            if let Some(p) = spec.field("progressDeadlineSeconds") {
                let min = spec.field("minReadySeconds").and_then(|m| m.i64()).unwrap_or(0);
                if let Some(n) = p.i64().filter(|n| *n <= min) {
                    sink.field_error(&p, ErrorType::Invalid, formats::invalid_num(n, "must be greater than minReadySeconds"))
                        .help(format!("set `progressDeadlineSeconds` above {min} (the default is 600)"));
                }
            }
            rollback_to(ctx, sink);
        }
        "ReplicaSet" | "ReplicationController" => {
            for f in ["replicas", "minReadySeconds"] {
                non_negative(sink, &spec, f);
            }
        }
        "StatefulSet" => {
            // `ValidateStatefulSetSpec` checks no revisionHistoryLimit; its retention policy
            // values are Retain or Delete, and `ordinals.start` is non-negative.
            if let Some(p) = spec.field("persistentVolumeClaimRetentionPolicy") {
                for f in ["whenDeleted", "whenScaled"] {
                    if let Some(w) = p.field(f) {
                        let v = w.text().unwrap_or("");
                        if !v.is_empty() && !matches!(v, "Retain" | "Delete") {
                            sink.field_error(&w, ErrorType::NotSupported, formats::not_supported(v, &["Retain", "Delete"]))
                                .help("use `Retain` (the default) or `Delete`");
                        }
                    }
                }
            }
            for f in ["replicas", "minReadySeconds"] {
                non_negative(sink, &spec, f);
            }
            if let Some(o) = spec.field("ordinals") {
                non_negative(sink, &o, "start");
            }
            if let Some(p) = spec.field("podManagementPolicy") {
                let v = p.text().unwrap_or("");
                if !matches!(v, "OrderedReady" | "Parallel") {
                    sink.field_error(&p, ErrorType::Invalid, formats::invalid(v, "must be 'OrderedReady' or 'Parallel'"))
                        .help("use `OrderedReady` (default) or `Parallel`");
                }
            }
            // From 1.33 (kubernetes/kubernetes#130233) a set `serviceName` must be a DNS-1123
            // label on create: it becomes the pods' `spec.subdomain`. Before, such a StatefulSet
            // was stored and its pods refused (`statefulset-pod-invalid`).
            if ctx.opts.kube_version.at_least(33) {
                if let Some(n) = spec.field("serviceName") {
                    let v = n.text().unwrap_or("");
                    if !v.is_empty() {
                        for m in formats::dns1123_label_msgs(v) {
                            sink.field_error(&n, ErrorType::Invalid, formats::invalid(v, &m)).help(
                                "use lowercase letters, digits and `-` (at most 63, no dots): the name of the headless Service that governs the pods",
                            );
                        }
                    }
                }
            }
        }
        "DaemonSet" => {
            for f in ["minReadySeconds", "revisionHistoryLimit"] {
                non_negative(sink, &spec, f);
            }
        }
        "Job" => job(sink, &spec),
        "CronJob" => {
            match spec.field("schedule") {
                None => {
                    sink.required(&spec, "schedule", formats::required("")).help("add a cron `schedule`, e.g. `\"*/5 * * * *\"`");
                }
                Some(s) => {
                    let v = s.text().unwrap_or("");
                    if v.is_empty() {
                        sink.field_error(&s, ErrorType::Required, formats::required("")).help("add a cron `schedule`");
                    } else {
                        for m in super::cron::schedule_errors(v) {
                            let help = if m.starts_with("cannot use TZ") {
                                "drop the `TZ=`/`CRON_TZ=` prefix and set the zone in `spec.timeZone` (e.g. `timeZone: Etc/UTC`)"
                            } else if m.contains("above maximum (6)") {
                                "the day of week is 0-6 or SUN-SAT: Sunday is `0` (or `SUN`), `7` is not accepted"
                            } else {
                                "use five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-6 or SUN-SAT), or a macro like `@hourly`"
                            };
                            sink.field_error(&s, ErrorType::Invalid, formats::invalid(v, &m)).help(help);
                        }
                    }
                }
            }
            if let Some(p) = spec.field("concurrencyPolicy") {
                let v = p.text().unwrap_or("");
                if !matches!(v, "Allow" | "Forbid" | "Replace") {
                    sink.field_error(&p, ErrorType::NotSupported, formats::not_supported(v, &["Allow", "Forbid", "Replace"]))
                        .help("use `Allow`, `Forbid` or `Replace`");
                }
            }
            if let Some(tz) = spec.field_or_null("timeZone").filter(|t| !t.node.is_null()) {
                let v = tz.text().unwrap_or("");
                for m in time_zone_msgs(v) {
                    sink.field_error(&tz, ErrorType::Invalid, formats::invalid(v, &m)).help(
                        "use an IANA time zone name such as `Europe/Berlin` or `Etc/UTC`, or remove `timeZone` for the controller's zone",
                    );
                }
            }
            for f in ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
                non_negative(sink, &spec, f);
            }
            if let Some(js) = spec.field("jobTemplate").and_then(|j| j.field("spec")) {
                job(sink, &js);
                // `ValidateJobTemplateSpec`: the Jobs' selectors are always generated.
                if let Some(sel) = js.field("selector").filter(|s| !s.node.is_null()) {
                    sink.field_error(&sel, ErrorType::Invalid, "Invalid value: `selector` will be auto-generated")
                        .help("remove `selector` from the job template: each Job gets a generated one");
                }
                if let Some(m) = js.field("manualSelector").filter(|m| m.bool() == Some(true)) {
                    sink.field_error(&m, ErrorType::NotSupported, r#"Unsupported value: true: supported values: "nil", "false""#)
                        .help("remove `manualSelector` from the job template");
                }
            }
        }
        _ => {}
    }
}

fn job(sink: &mut Sink<'_>, spec: &Cur<'_>) {
    // `validateJobSpec`: `ValidateNonnegativeField` for each, `activeDeadlineSeconds: 0` too.
    for f in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ] {
        non_negative(sink, spec, f);
    }
    let set = |f: &str| spec.field(f).filter(|c| !c.node.is_null());
    let per_index = set("backoffLimitPerIndex");
    let max_failed = set("maxFailedIndexes");
    if max_failed.is_some() && per_index.is_none() {
        sink.required(spec, "backoffLimitPerIndex", formats::required("when maxFailedIndexes is specified"))
            .help("set `backoffLimitPerIndex` (and `completionMode: Indexed`) to use `maxFailedIndexes`");
    }
    let mode = set("completionMode");
    let mode_v = mode.as_ref().and_then(Cur::text).unwrap_or("NonIndexed");
    if let Some(m) = &mode {
        if !matches!(mode_v, "NonIndexed" | "Indexed") {
            sink.field_error(m, ErrorType::NotSupported, formats::not_supported(mode_v, &["NonIndexed", "Indexed"]))
                .help("use `NonIndexed` (the default) or `Indexed`");
        }
    }
    if mode_v == "Indexed" {
        // Defaulting sets `completions: 1` when neither it nor `parallelism` is set.
        let completions = set("completions");
        if completions.is_none() {
            sink.required(spec, "completions", formats::required("when completion mode is Indexed"))
                .help("set `completions`: an Indexed Job runs one pod per index");
        }
        if let (Some(c), Some(m)) = (completions.as_ref().and_then(Cur::i64), &max_failed) {
            if let Some(n) = m.i64().filter(|n| *n > c) {
                sink.field_error(m, ErrorType::Invalid, formats::invalid_num(n, "must be less than or equal to completions"))
                    .help("use at most `completions` for `maxFailedIndexes`");
            }
        }
    } else {
        for c in [&per_index, &max_failed].into_iter().flatten() {
            let n = c.i64().unwrap_or(0);
            sink.field_error(c, ErrorType::Invalid, formats::invalid_num(n, "requires indexed completion mode"))
                .help("set `completionMode: Indexed` (with `completions`) to use per-index backoff");
        }
    }
}

/// `validateTimeZone` (batch): non-empty, not `Local`, and loadable by `time.LoadLocation`. kplay
/// has no time zone database, so "loadable" is approximated: `UTC`, the legacy single names and
/// `Area/Location` names under the IANA areas (an unknown city in a known area is accepted).
pub(super) fn time_zone_msgs(tz: &str) -> Vec<String> {
    const AREAS: &[&str] = &[
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
        "Etc",
        "US",
        "Canada",
        "Brazil",
        "Mexico",
        "Chile",
    ];
    const SINGLE: &[&str] = &[
        "UTC",
        "GMT",
        "UCT",
        "Universal",
        "Zulu",
        "Greenwich",
        "EST",
        "MST",
        "HST",
        "EST5EDT",
        "CST6CDT",
        "MST7MDT",
        "PST8PDT",
        "CET",
        "EET",
        "MET",
        "WET",
        "Japan",
        "Singapore",
        "Turkey",
        "Iran",
        "Israel",
        "Egypt",
        "Eire",
        "Cuba",
        "Hongkong",
        "Iceland",
        "Jamaica",
        "Libya",
        "Navajo",
        "Poland",
        "Portugal",
        "PRC",
        "ROC",
        "ROK",
        "NZ",
        "NZ-CHAT",
        "GB",
        "GB-Eire",
        "Kwajalein",
        "W-SU",
        "GMT0",
        "GMT+0",
        "GMT-0",
    ];
    if tz.is_empty() {
        return vec!["timeZone must be nil or non-empty string".to_string()];
    }
    let mut msgs = Vec::new();
    if tz.eq_ignore_ascii_case("Local") {
        msgs.push("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones".to_string());
    }
    let seg_ok = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'));
    let parts: Vec<&str> = tz.split('/').collect();
    let known = SINGLE.contains(&tz) || (parts.len() >= 2 && AREAS.contains(&parts[0]) && parts[1..].iter().all(|p| seg_ok(p)));
    if tz.contains("..") || tz.starts_with('/') || tz.starts_with('\\') {
        msgs.push("time: invalid location name".to_string());
    } else if !known && !tz.eq_ignore_ascii_case("Local") {
        msgs.push(format!("unknown time zone {tz}"));
    }
    msgs
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "workload-spec-invalid";

    #[test]
    fn statefulset_service_name_is_a_label_from_1_33() {
        use crate::rules::pod::util::errors_of_version;
        use crate::KubeVersion;
        let sts = |name: &str| {
            format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: {name}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        let label = pairs(&[("spec.serviceName", "Invalid")]);
        assert_eq!(errors_of_version(R, &sts("My_Svc"), KubeVersion::new(33)), label);
        assert_eq!(errors_of_version(R, &sts("web.svc"), KubeVersion::new(37)), label);
        assert_eq!(errors_of_version(R, &sts("My_Svc"), KubeVersion::new(32)), pairs(&[]), "kubernetes/kubernetes#130233 is in 1.33");
        assert_eq!(errors_of_version(R, &sts("web-headless"), KubeVersion::new(33)), pairs(&[]));
        assert_eq!(errors_of_version(R, &sts("''"), KubeVersion::new(33)), pairs(&[]), "serviceName is optional");
    }

    #[test]
    fn statefulset_fields() {
        let sts = |f: &str| {
            format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n{f}  serviceName: web\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        assert_eq!(errors_of(R, &sts("  revisionHistoryLimit: -1\n")), pairs(&[]), "not validated for StatefulSets");
        assert_eq!(errors_of(R, &sts("  ordinals:\n    start: -1\n")), pairs(&[("spec.ordinals.start", "Invalid")]));
        assert_eq!(
            errors_of(R, &sts("  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Keep\n    whenScaled: Delete\n")),
            pairs(&[("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "NotSupported")])
        );
    }

    #[test]
    fn time_zones() {
        let cj = |tz: &str| {
            format!("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '0 * * * *'\n  timeZone: {tz}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: c\n            image: busybox:1.36\n")
        };
        assert_eq!(errors_of(R, &cj("Europe/Berlin")), pairs(&[]));
        assert_eq!(errors_of(R, &cj("Etc/UTC")), pairs(&[]));
        assert_eq!(errors_of(R, &cj("Local")), pairs(&[("spec.timeZone", "Invalid")]));
        assert_eq!(errors_of(R, &cj("'Mars/Olympus'")), pairs(&[("spec.timeZone", "Invalid")]));
        assert_eq!(errors_of(R, &cj("''")), pairs(&[("spec.timeZone", "Invalid")]));
    }

    #[test]
    fn rollback_annotation() {
        // Convert_v1_Deployment_To_apps_Deployment: the annotation becomes spec.rollbackTo.revision.
        let dep = |v: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    deprecated.deployment.rollback.to: {v}\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        assert_eq!(errors_of(R, &dep("'-1'")), pairs(&[("spec.rollback.version", "Invalid")]));
        assert_eq!(errors_of(R, &dep("'3'")), pairs(&[]));
        assert_eq!(errors_of(R, &dep("'0'")), pairs(&[]));
        assert_eq!(errors_of(R, &dep("''")), pairs(&[]), "an empty annotation is ignored");
    }

    #[test]
    fn table() {
        let dep = |f: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n{f}  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        assert_eq!(
            errors_of(R, &dep("  minReadySeconds: 30\n  progressDeadlineSeconds: 10\n")),
            pairs(&[("spec.progressDeadlineSeconds", "Invalid")])
        );
        assert_eq!(errors_of(R, &dep("  replicas: -1\n")), pairs(&[("spec.replicas", "Invalid")]));
        assert_eq!(errors_of(R, &dep("  replicas: 0\n")), pairs(&[]));
        let cj = |f: &str| {
            format!("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n{f}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: t\n            image: busybox:1.36\n")
        };
        assert_eq!(errors_of(R, &cj("  schedule: '*/5 * * * *'\n")), pairs(&[]));
        let job = |f: &str| {
            format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n{f}  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34\n")
        };
        assert_eq!(errors_of(R, &job("  activeDeadlineSeconds: 0\n")), pairs(&[]), "ValidateNonnegativeField");
        // validateJobSpec: completion modes and per-index backoff.
        assert_eq!(errors_of(R, &job("  completionMode: Indexed\n  parallelism: 2\n")), pairs(&[("spec.completions", "Required")]));
        assert_eq!(errors_of(R, &job("  completionMode: Indexed\n")), pairs(&[]), "completions defaults to 1");
        assert_eq!(errors_of(R, &job("  completionMode: Ordered\n")), pairs(&[("spec.completionMode", "NotSupported")]));
        assert_eq!(errors_of(R, &job("  backoffLimitPerIndex: 2\n")), pairs(&[("spec.backoffLimitPerIndex", "Invalid")]));
        assert_eq!(
            errors_of(R, &job("  completionMode: Indexed\n  completions: 3\n  maxFailedIndexes: 4\n")),
            pairs(&[("spec.backoffLimitPerIndex", "Required"), ("spec.maxFailedIndexes", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &job("  completionMode: Indexed\n  completions: 3\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 2\n")),
            pairs(&[])
        );
        assert_eq!(errors_of(R, &job("  activeDeadlineSeconds: -1\n")), pairs(&[("spec.activeDeadlineSeconds", "Invalid")]));
        assert_eq!(
            errors_of(R, &cj("  schedule: 'every day'\n  concurrencyPolicy: Never\n")),
            pairs(&[("spec.concurrencyPolicy", "NotSupported"), ("spec.schedule", "Invalid")])
        );
        assert_eq!(errors_of(R, &cj("")), pairs(&[("spec.schedule", "Required")]));
        // ValidateJobTemplateSpec: no selector, no manualSelector: true.
        let cjt =
            |f: &str| cj("  schedule: '0 * * * *'\n").replace("    spec:\n      template:", &format!("    spec:\n{f}      template:"));
        assert_eq!(
            errors_of(R, &cjt("      selector:\n        matchLabels: {app: t}\n      manualSelector: true\n")),
            pairs(&[("spec.jobTemplate.spec.manualSelector", "NotSupported"), ("spec.jobTemplate.spec.selector", "Invalid")])
        );
        assert_eq!(errors_of(R, &cjt("      manualSelector: false\n")), pairs(&[]));
        // robfig/cron's ranges, and TZ in the schedule (its own error, after the parser's).
        assert_eq!(errors_of(R, &cj("  schedule: '0 0 * * 7'\n")), pairs(&[("spec.schedule", "Invalid")]));
        assert_eq!(errors_of(R, &cj("  schedule: 'TZ=UTC 0 0 * * *'\n")), pairs(&[("spec.schedule", "Invalid")]));
        assert_eq!(
            errors_of(R, &cj("  schedule: 'TZ=UTC 0 24 * * *'\n")),
            pairs(&[("spec.schedule", "Invalid"), ("spec.schedule", "Invalid")])
        );
        assert_eq!(errors_of(R, &cj("  schedule: '0 0 * * SUN'\n  timeZone: Etc/UTC\n")), pairs(&[]));
    }
}
