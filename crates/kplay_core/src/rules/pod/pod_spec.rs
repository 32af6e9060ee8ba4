//! `pod-spec-invalid`: PodSpec-level fields: containers required, restartPolicy, dnsPolicy,
//! activeDeadlineSeconds, name-like fields, os, image pull secrets, host aliases, ephemeral
//! containers on create (P-01..P-04, P-09..P-18, P-26, P-36).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{enum_field, invalid_each, pod_spec};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static POD_SPEC_INVALID: Rule = Rule {
    name: "pod-spec-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A pod-level field is missing, out of range or not a supported value.",
    docs: rule_docs!(
        r#"## What it does
Checks the PodSpec itself: at least one container; `restartPolicy` (`Always`, `OnFailure`,
`Never`); `dnsPolicy` (`ClusterFirstWithHostNet`, `ClusterFirst`, `Default`, `None`);
`activeDeadlineSeconds` between 1 and 2147483647; `hostname` and `subdomain` as DNS-1123 labels;
`hostnameOverride` (from Kubernetes 1.35) as a DNS subdomain of at most 64 characters, neither
with `setHostnameAsFQDN` nor with `hostNetwork`;
`nodeName`, `priorityClassName`, `runtimeClassName` and `serviceAccountName` as DNS subdomains;
`preemptionPolicy`; `os.name` (`linux` or `windows`, reported on `spec.os`); `imagePullSecrets`
entries with only a `name`; `hostAliases` with an IP address and DNS host names; and ephemeral
containers, which a Pod may not have on create.

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  dnsPolicy: Custom
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
spec:
  dnsPolicy: ClusterFirst
  containers:
    - name: web
      image: nginx:1.27
```

## References
- PodSpec: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec>
"#
    ),
    spec: &["P-01", "P-02", "P-03", "P-04", "P-09", "P-10", "P-11", "P-12", "P-13", "P-14", "P-15", "P-16", "P-17", "P-18", "P-26", "P-36"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = pod_spec(ctx) else { return };
    match spec.field("containers") {
        Some(c) if !c.is_empty() => {}
        Some(c) => {
            sink.field_error(&c, ErrorType::Required, formats::required("")).help("add at least one container");
        }
        None => {
            sink.required(&spec, "containers", formats::required("")).help("add `containers:` with at least one container");
        }
    }
    if spec.field("terminationGracePeriodSeconds").is_none() {
        sink.required(&spec, "terminationGracePeriodSeconds", formats::required(""))
            .help("set `terminationGracePeriodSeconds` (default 30)");
    }
    // `validateRestartPolicy` runs for templates too; the controller's own check of the value
    // (pod-template-invalid) comes on top, so a value that is no policy at all gets both.
    enum_field(sink, &spec, "restartPolicy", &["Always", "OnFailure", "Never"], true);
    enum_field(sink, &spec, "dnsPolicy", &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"], true);
    if let Some(a) = spec.field("activeDeadlineSeconds") {
        if let Some(n) = a.i64().filter(|n| !(1..=2_147_483_647).contains(n)) {
            sink.field_error(&a, ErrorType::Invalid, formats::invalid_num(n, &formats::inclusive_range_error(1, 2_147_483_647)))
                .help("use a number of seconds from 1 to 2147483647, or remove the field");
        }
    }
    // Up to 1.33 only the controller's pods are validated, with its hostname and subdomain;
    // from 1.34 the template itself is (`statefulset_pod_invalid::validated_on_create`).
    if ctx.kind() == "StatefulSet" && !super::statefulset_pod_invalid::validated_on_create(ctx.opts.kube_version) {
        statefulset_subdomain(ctx, sink);
    } else {
        for f in ["hostname", "subdomain"] {
            if let Some(c) = spec.field(f) {
                let v = c.text().unwrap_or("");
                if !v.is_empty() {
                    invalid_each(
                        sink,
                        &c,
                        v,
                        formats::dns1123_label_msgs(v),
                        "use lowercase letters, digits and `-` (at most 63, no dots)",
                    );
                }
            }
        }
    }
    // HostnameOverride (1.35+; dropped before): not with setHostnameAsFQDN or hostNetwork, at
    // most 64 characters, a DNS-1123 subdomain.
    if let Some(c) = spec.field("hostnameOverride").filter(|_| ctx.opts.kube_version.at_least(35)) {
        let v = c.text().unwrap_or("");
        if spec.field("setHostnameAsFQDN").and_then(|b| b.bool()) == Some(true) {
            sink.field_error(&c, ErrorType::Forbidden, formats::forbidden("may not be specified when setHostnameAsFQDN is true"))
                .help("remove `hostnameOverride` or `setHostnameAsFQDN`");
        }
        if spec.field("hostNetwork").and_then(|b| b.bool()) == Some(true) {
            sink.field_error(&c, ErrorType::Forbidden, formats::forbidden("may not be specified when hostNetwork is true"))
                .help("remove `hostnameOverride`: a pod on the host's network has the node's host name");
        }
        if v.len() > 64 {
            sink.field_error(&c, ErrorType::TooLong, "Too long: may not be more than 64 bytes").help("use at most 64 characters");
        }
        invalid_each(sink, &c, v, formats::dns1123_subdomain_msgs(v), "use lowercase letters, digits, `-` and `.`");
    }
    for f in ["serviceAccountName", "nodeName", "priorityClassName", "runtimeClassName"] {
        if let Some(c) = spec.field(f) {
            let v = c.text().unwrap_or("");
            if !v.is_empty() || f == "runtimeClassName" {
                invalid_each(sink, &c, v, formats::dns1123_subdomain_msgs(v), "use lowercase letters, digits, `-` and `.`");
            }
        }
    }
    if spec.field("preemptionPolicy").is_some() {
        enum_field(sink, &spec, "preemptionPolicy", &["Never", "PreemptLowerPriority"], false);
    }
    if let Some(os) = spec.field("os") {
        match os.field("name").and_then(|n| n.text().map(str::to_string)).filter(|n| !n.is_empty()) {
            None => {
                sink.required(&os, "name", formats::required("")).help("set `os.name` to `linux` or `windows`");
            }
            Some(n) if n != "linux" && n != "windows" => {
                sink.field_error_at(
                    os.field("name").map_or(os.span(), |c| c.span()),
                    &os.path,
                    ErrorType::NotSupported,
                    formats::not_supported(&n, &["linux", "windows"]),
                )
                .help("use `linux` or `windows`");
            }
            Some(_) => {}
        }
    }
    // P-18: only `name` may be set in an image pull secret reference.
    if let Some(ips) = spec.field("imagePullSecrets") {
        for (_, s) in ips.items() {
            if s.node.as_map().is_some_and(|m| m.iter().any(|e| e.key.text() != Some("name"))) {
                sink.field_error(&s, ErrorType::Invalid, formats::invalid("", "only name may be set"))
                    .help("keep only `name` in `imagePullSecrets` entries");
            }
        }
    }
    // P-26: host aliases (IsValidIPForLegacyField; strict from 1.36) and DNS subdomain names.
    if let Some(ha) = spec.field("hostAliases") {
        let strict = ctx.opts.kube_version.at_least(36);
        for (_, a) in ha.items() {
            let ip_cur = crate::rules::pod::util::child_or_parent(&a, "ip");
            let ip = crate::rules::pod::util::text(&a, "ip");
            invalid_each(sink, &ip_cur, ip, formats::ip_msgs(ip, strict), "use an IP address such as 10.1.2.3");
            if let Some(hn) = a.field("hostnames") {
                for (_, h) in hn.items() {
                    let v = h.text().unwrap_or("");
                    invalid_each(sink, &h, v, formats::dns1123_subdomain_msgs(v), "use a lowercase host name");
                }
            }
        }
    }
    if !ctx.is_template() {
        if let Some(e) = spec.field("ephemeralContainers").filter(|e| !e.is_empty()) {
            sink.field_error(&e, ErrorType::Forbidden, formats::forbidden("cannot be set on create"))
                .help("add ephemeral containers to a running pod with `kubectl debug`");
        }
    }
}

/// A StatefulSet's pods get `hostname: <name>-<ordinal>` and `subdomain: <spec.serviceName>`
/// from the controller (`initIdentity`), whatever the template says. Before 1.33 a `serviceName`
/// that is not a DNS label is stored and every pod is refused on `spec.subdomain` (from 1.33 the
/// StatefulSet itself is refused, by `workload-spec-invalid`). The error has the pod's path and
/// becomes a `statefulset-pod-invalid` warning.
fn statefulset_subdomain(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if ctx.opts.kube_version.at_least(33) {
        return;
    }
    let Some(c) = ctx.root().field("spec").and_then(|s| s.field("serviceName")) else { return };
    let v = c.text().unwrap_or("");
    if v.is_empty() {
        return;
    }
    for m in formats::dns1123_label_msgs(v) {
        sink.field_error_at(c.span(), "spec.subdomain", ErrorType::Invalid, formats::invalid(v, &m)).label(c.path.clone()).help(
            "use lowercase letters, digits and `-` (at most 63, no dots): the controller makes `serviceName` the pods' `spec.subdomain`",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs, pod_with};
    use crate::KubeVersion;
    const R: &str = "pod-spec-invalid";

    #[test]
    fn table() {
        let p = |extra: &str| pod_with(&format!("{extra}  containers:\n  - name: web\n    image: nginx:1.27\n"));
        assert_eq!(errors_of(R, &p("  dnsPolicy: Custom\n")), pairs(&[("spec.dnsPolicy", "NotSupported")]));
        assert_eq!(errors_of(R, &p("  activeDeadlineSeconds: 0\n")), pairs(&[("spec.activeDeadlineSeconds", "Invalid")]));
        assert_eq!(errors_of(R, &p("  restartPolicy: Sometimes\n")), pairs(&[("spec.restartPolicy", "NotSupported")]));
        assert_eq!(errors_of(R, &p("  os:\n    name: macos\n")), pairs(&[("spec.os", "NotSupported")]));
        assert_eq!(
            errors_of(R, &p("  ephemeralContainers:\n  - name: dbg\n    image: busybox:1.36\n")),
            pairs(&[("spec.ephemeralContainers", "Forbidden")])
        );
        assert_eq!(errors_of(R, &p("  hostname: web.1\n")), pairs(&[("spec.hostname", "Invalid")]));
        assert_eq!(errors_of(R, &p("")), pairs(&[]));
        assert_eq!(errors_of(R, &pod_with("  containers: []\n")), pairs(&[("spec.containers", "Required")]));
    }

    /// A template's restartPolicy goes through `validateRestartPolicy` (via
    /// `ValidatePodTemplateSpec`) before the controller's own check: a value that is no policy
    /// at all gets both NotSupported errors, a valid one the controller refuses only the second.
    #[test]
    fn template_restart_policy() {
        use crate::rules::pod::util::messages_of;
        let dep = |rp: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      restartPolicy: {rp}\n      containers:\n      - name: web\n        image: nginx:1.27\n")
        };
        assert_eq!(errors_of(R, &dep("Bogus")), pairs(&[("spec.template.spec.restartPolicy", "NotSupported")]));
        assert_eq!(messages_of(R, &dep("Bogus")), ["Unsupported value: \"Bogus\": supported values: \"Always\", \"OnFailure\", \"Never\""]);
        assert_eq!(errors_of("pod-template-invalid", &dep("Bogus")), pairs(&[("spec.template.spec.restartPolicy", "NotSupported")]));
        assert_eq!(errors_of(R, &dep("Never")), pairs(&[]));
    }

    /// `hostnameOverride`: dropped up to 1.34 (HostnameOverride off), validated from 1.35.
    #[test]
    fn hostname_override() {
        let p = |extra: &str| pod_with(&format!("{extra}  containers:\n  - name: web\n    image: nginx:1.27\n"));
        let bad = p("  hostnameOverride: Bad_Name\n  hostNetwork: true\n  setHostnameAsFQDN: true\n");
        assert_eq!(errors_of_version(R, &bad, KubeVersion::new(34)), pairs(&[]));
        assert_eq!(
            errors_of_version(R, &bad, KubeVersion::new(35)),
            pairs(&[("spec.hostnameOverride", "Forbidden"), ("spec.hostnameOverride", "Forbidden"), ("spec.hostnameOverride", "Invalid")])
        );
        let long = p(&format!("  hostnameOverride: {}\n", "a".repeat(65)));
        assert_eq!(errors_of_version(R, &long, KubeVersion::new(37)), pairs(&[("spec.hostnameOverride", "TooLong")]));
        assert_eq!(errors_of_version(R, &p("  hostnameOverride: web.example\n"), KubeVersion::new(35)), pairs(&[]));
    }
}
