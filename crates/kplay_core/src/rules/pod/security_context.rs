//! `security-context-invalid`: pod and container security contexts (P-30..P-34, C-14..C-17),
//! ported from `validatePodSpecSecurityContext`, `validateSysctls`, `validateHostUsers` and
//! `ValidateSecurityContext`.
//!
//! C-14 (`privileged: true` while the API server runs with `--allow-privileged=false`) is not
//! reported: kplay assumes a kubeadm/kind-like cluster, where the flag is true.

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, containers, invalid_each, local_descending_path, text, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static SECURITY_CONTEXT_INVALID: Rule = Rule {
    name: "security-context-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A pod or container security context has an out-of-range id, a bad sysctl or profile, or conflicting settings.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.securityContext` and every container's `securityContext`: user and group ids
between 0 and 2147483647; `shareProcessNamespace` not together with `hostPID`; sysctl names
valid, unique, and no network sysctl with `hostNetwork` nor IPC sysctl with `hostIPC` (in
`net/ipv4/ip_forward` form too: the server turns a name whose first separator is `/` into the
dot form first); `fsGroupChangePolicy`, `seccompProfile`, `appArmorProfile` and `procMount`
values; an AppArmor `localhostProfile` neither padded with whitespace nor longer than 4095
bytes; `seLinuxChangePolicy`; `windowsOptions` (`gmsaCredentialSpecName` a DNS subdomain,
`gmsaCredentialSpec` from 1 byte to 64 KiB, `runAsUserName` as `USER` or `DOMAIN\USER`: no
control characters, one backslash at most, a NetBIOS or DNS domain under 256 characters, a
user of 1 to 104 characters, not only dots and spaces, none of `"/\:;|=,+*?<>@[]`);
`allowPrivilegeEscalation: false` not with `privileged: true` or `CAP_SYS_ADMIN`; host
namespaces (and, from 1.34, containers' `volumeDevices`) not with `hostUsers: false`; and
Windows HostProcess pods (the pod's and containers' `hostProcess` agree, all containers or none
are HostProcess containers, and such pods use `hostNetwork: true`).

`seLinuxChangePolicy` by version: 1.30 and 1.31 do not know the field; in 1.32 its gate
(SELinuxChangePolicy, alpha) is off and the server drops it before validation; from 1.33 the
gate is on, and only `Recursive` is accepted, because a create allows `MountOption` only with
the SELinuxMount gate, which is beta but off by default (`useOnlyRecursiveSELinuxChangePolicy`
in `pkg/api/pod/util.go`; the gates' defaults were read in the 1.35 `kube_features.go`, the
last release kplay could read them in; 1.36 and 1.37 are assumed unchanged).

## Why is this bad?
The API server rejects the object.

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
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
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
      securityContext:
        allowPrivilegeEscalation: false
        runAsNonRoot: true
        runAsUser: 1000
```

## References
- Configure a security context: <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
- `validatePodSpecSecurityContext`, `ValidateSecurityContext`, `validateSELinuxChangePolicy` and
  `validateWindowsSecurityContextOptions` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-30", "P-31", "P-32", "P-33", "P-34", "C-14", "C-15", "C-16", "C-17"],
    check: Some(check),
};

const MAX_ID: i64 = 2_147_483_647;

fn id(sink: &mut Sink<'_>, c: &Cur<'_>) {
    if let Some(n) = c.i64().filter(|n| !(0..=MAX_ID).contains(n)) {
        sink.field_error(c, ErrorType::Invalid, formats::invalid_num(n, &formats::inclusive_range_error(0, MAX_ID)))
            .help("use an id from 0 to 2147483647");
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    host_process(sink, &spec);
    let flag = |k: &str| spec.field(k).and_then(|b| b.bool()) == Some(true);
    let (host_net, host_pid, host_ipc) = (flag("hostNetwork"), flag("hostPID"), flag("hostIPC"));
    let host_users = spec.field("hostUsers").and_then(|b| b.bool()) != Some(false);
    if let Some(sc) = spec.field("securityContext") {
        for f in ["fsGroup", "runAsUser", "runAsGroup"] {
            if let Some(c) = sc.field(f) {
                id(sink, &c);
            }
        }
        if let Some(g) = sc.field("supplementalGroups") {
            for (_, c) in g.items() {
                id(sink, &c);
            }
        }
        if let Some(sysctls) = sc.field("sysctls") {
            sysctl_list(sink, &sysctls, host_net, host_ipc);
        }
        if let Some(p) = sc.field("fsGroupChangePolicy") {
            let v = p.text().unwrap_or("");
            if !matches!(v, "OnRootMismatch" | "Always") {
                sink.field_error(&p, ErrorType::NotSupported, formats::not_supported(v, &["Always", "OnRootMismatch"]))
                    .help("use `OnRootMismatch` or `Always`");
            }
        }
        if let Some(p) = sc.field("supplementalGroupsPolicy") {
            let v = p.text().unwrap_or("");
            if !matches!(v, "Merge" | "Strict") {
                sink.field_error(&p, ErrorType::NotSupported, formats::not_supported(v, &["Merge", "Strict"]))
                    .help("use `Merge` or `Strict`");
            }
        }
        profile(sink, &sc, "seccompProfile", "seccomp");
        profile(sink, &sc, "appArmorProfile", "AppArmor");
        if let Some(p) = sc.field("seLinuxChangePolicy") {
            se_linux_change_policy(sink, &p);
        }
        if let Some(w) = sc.field("windowsOptions") {
            windows_options(sink, &w);
        }
    }
    // The internal type keeps shareProcessNamespace in the security context.
    if flag("shareProcessNamespace") && host_pid {
        let at = spec.field("shareProcessNamespace").unwrap_or_else(|| spec.clone());
        sink.field_error_at(
            at.span(),
            &format!("{}.shareProcessNamespace", spec.child_path("securityContext")),
            ErrorType::Invalid,
            // A *bool: `field.Error` prints it unquoted.
            formats::invalid_num(true, "ShareProcessNamespace and HostPID cannot both be enabled"),
        )
        .help("drop `shareProcessNamespace` or `hostPID`");
    }
    if !host_users {
        // kubernetes#132868 (v1.34.0, CHANGELOG-1.34) reworded the message and forbade volumeDevices.
        let v134 = ctx.opts.kube_version.at_least(34);
        let detail = if v134 { "when `hostUsers` is false" } else { "when `pod.Spec.HostUsers` is false" };
        // Paths as the server spells them (`HostPID`, `HostIPC`, sic).
        for (on, key, path) in
            [(host_net, "hostNetwork", "hostNetwork"), (host_pid, "hostPID", "HostPID"), (host_ipc, "hostIPC", "HostIPC")]
        {
            if on {
                let at = spec.field(key).unwrap_or_else(|| spec.clone());
                sink.field_error_at(at.span(), &spec.child_path(path), ErrorType::Forbidden, formats::forbidden(detail))
                    .help("host namespaces cannot be combined with a user namespace (`hostUsers: false`)");
            }
        }
        // Block devices cannot be ID-mapped into a user namespace: `validateHostUsers` forbids
        // any container's `volumeDevices` (an empty list is nil after decoding, so allowed).
        if v134 {
            for (_, c) in containers(&spec) {
                if let Some(d) = c.field("volumeDevices").filter(|d| d.items().next().is_some()) {
                    sink.field_error(&whole(&d), ErrorType::Forbidden, formats::forbidden(detail))
                        .help("mount the claim as a filesystem with `volumeMounts`, or drop `hostUsers: false`");
                }
            }
        }
    }
    for (_, c) in containers(&spec) {
        let Some(sc) = c.field("securityContext") else { continue };
        for f in ["runAsUser", "runAsGroup"] {
            if let Some(x) = sc.field(f) {
                id(sink, &x);
            }
        }
        if let Some(pm) = sc.field("procMount") {
            let v = pm.text().unwrap_or("");
            if !matches!(v, "Default" | "Unmasked") {
                sink.field_error(&pm, ErrorType::NotSupported, formats::not_supported(v, &["Default", "Unmasked"]))
                    .help("use `Default` or `Unmasked`");
            }
            if host_users && v == "Unmasked" {
                sink.field_error(&pm, ErrorType::Invalid, formats::invalid(v, "`hostUsers` must be false to use `Unmasked`"))
                    .help("set `hostUsers: false` on the pod, or use `procMount: Default`");
            }
        }
        profile(sink, &sc, "seccompProfile", "seccomp");
        if sc.field("allowPrivilegeEscalation").and_then(|b| b.bool()) == Some(false) {
            if sc.field("privileged").and_then(|b| b.bool()) == Some(true) {
                sink.field_error(
                    &whole(&sc),
                    ErrorType::Invalid,
                    formats::invalid("", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"),
                )
                .help("a privileged container can always escalate; drop one of the two");
            }
            let adds = sc.field("capabilities").and_then(|c| c.field("add"));
            for (_, cap) in adds.iter().flat_map(Cur::items) {
                if cap.text() == Some("CAP_SYS_ADMIN") {
                    sink.field_error(
                        &whole(&sc),
                        ErrorType::Invalid,
                        formats::invalid("", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"),
                    )
                    .help("CAP_SYS_ADMIN allows escalation; drop it or allow escalation");
                }
            }
        }
        if let Some(w) = sc.field("windowsOptions") {
            windows_options(sink, &w);
        }
        profile(sink, &sc, "appArmorProfile", "AppArmor");
    }
}

const TYPES: &[&str] = &["Localhost", "RuntimeDefault", "Unconfined"];

/// `validateSeccompProfileField` / `ValidateAppArmorProfileField`.
fn profile(sink: &mut Sink<'_>, sc: &Cur<'_>, key: &str, what: &str) {
    let Some(p) = sc.field(key) else { return };
    let apparmor = what == "AppArmor";
    let ty = text(&p, "type");
    match ty {
        "" => {
            sink.field_error(
                &child_or_parent(&p, "type"),
                ErrorType::Required,
                formats::required(&format!("type is required when {key} is set")),
            )
            .help("set `type`");
        }
        t if !TYPES.contains(&t) => {
            sink.field_error(&child_or_parent(&p, "type"), ErrorType::NotSupported, formats::not_supported(t, TYPES))
                .help("use `RuntimeDefault`, `Localhost` or `Unconfined`");
        }
        _ => {}
    }
    let lp = p.field("localhostProfile");
    if ty == "Localhost" {
        match lp {
            None => {
                sink.field_error(
                    &child_or_parent(&p, "localhostProfile"),
                    ErrorType::Required,
                    formats::required(&format!("must be set when {what} type is Localhost")),
                )
                .help("name the profile file on the node");
            }
            Some(l) if apparmor => apparmor_localhost_profile(sink, &l),
            Some(l) => {
                let v = l.text().unwrap_or("");
                local_descending_path(sink, &l, &l.path, v);
            }
        }
    } else if let Some(l) = lp {
        // AppArmor's switch has no such check for an empty or unknown type; seccomp checks every
        // other type. Go prints the seccomp profile struct (with a pointer address) as the
        // value, AppArmor the profile name.
        if !apparmor || matches!(ty, "RuntimeDefault" | "Unconfined") {
            let v = if apparmor { l.text().unwrap_or("") } else { "" };
            sink.field_error(&l, ErrorType::Invalid, formats::invalid(v, &format!("can only be set when {what} type is Localhost")))
                .help("remove `localhostProfile` or use `type: Localhost`");
        }
    }
}

/// `validateSELinuxChangePolicy` with `AllowOnlyRecursiveSELinuxChangePolicy`, which a create
/// sets whenever the SELinuxMount gate is off (`useOnlyRecursiveSELinuxChangePolicy`): beta but
/// off by default from 1.33 on, so only `Recursive` is accepted (`MountOption` needs the gate).
/// Before 1.33 the field never gets here: the SELinuxChangePolicy gate (alpha, off in 1.32)
/// drops it (`cluster::defaults`), and 1.30-1.31 do not know it.
fn se_linux_change_policy(sink: &mut Sink<'_>, p: &Cur<'_>) {
    let v = p.text().unwrap_or("");
    if v != "Recursive" {
        let help = if v == "MountOption" {
            "`MountOption` needs the SELinuxMount feature gate, off by default: use `Recursive` or remove the field"
        } else {
            "use `Recursive` or remove the field"
        };
        sink.field_error(p, ErrorType::NotSupported, formats::not_supported(v, &["Recursive"])).help(help);
    }
}

/// `validateWindowsSecurityContextOptions`: the GMSA credential spec's name (a DNS subdomain) and
/// content (1 byte to 64 KiB), and `runAsUserName` as `[DOMAIN\]USER`.
fn windows_options(sink: &mut Sink<'_>, w: &Cur<'_>) {
    if let Some(n) = w.field("gmsaCredentialSpecName") {
        let v = n.text().unwrap_or("");
        invalid_each(sink, &n, v, formats::dns1123_subdomain_msgs(v), "name a GMSACredentialSpec resource (a DNS subdomain)");
    }
    if let Some(c) = w.field("gmsaCredentialSpec") {
        let v = c.text().unwrap_or("");
        let msg = if v.is_empty() {
            Some("gmsaCredentialSpec cannot be an empty string")
        } else if v.len() > 64 * 1024 {
            Some("gmsaCredentialSpec size must be under 64 KiB")
        } else {
            None
        };
        if let Some(m) = msg {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, m))
                .help("set the GMSA credential spec's JSON (1 byte to 64 KiB), or remove the field");
        }
    }
    if let Some(u) = w.field("runAsUserName") {
        let v = u.text().unwrap_or("");
        invalid_each(sink, &u, v, run_as_user_name_msgs(v), "use a Windows user name, `USER` or `DOMAIN\\USER`");
    }
}

/// The messages `validateWindowsSecurityContextOptions` gives for a `runAsUserName`, in its order.
fn run_as_user_name_msgs(v: &str) -> Vec<String> {
    const DOMAIN_MAX: usize = 256;
    const USER_MAX: usize = 104;
    if v.is_empty() {
        return vec!["runAsUserName cannot be an empty string".into()];
    }
    // `[[:cntrl:]]`: ASCII control characters.
    if v.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return vec!["runAsUserName cannot contain control characters".into()];
    }
    let parts: Vec<&str> = v.split('\\').collect();
    if parts.len() > 2 {
        return vec!["runAsUserName cannot contain more than one backslash".into()];
    }
    let (domain, user) = if parts.len() == 2 { (Some(parts[0]), parts[1]) } else { (None, parts[0]) };
    let mut out = Vec::new();
    if domain.is_some_and(|d| d.len() >= DOMAIN_MAX) {
        out.push(format!("runAsUserName's Domain length must be under {DOMAIN_MAX} characters"));
    }
    if domain.is_some_and(|d| !netbios_domain(d) && !dns_domain(d)) {
        out.push("runAsUserName's Domain doesn't match the NetBios nor the DNS format".into());
    }
    if user.is_empty() {
        out.push("runAsUserName's User cannot be empty".into());
    } else if user.len() > USER_MAX {
        out.push(format!("runAsUserName's User length must not be longer than {USER_MAX} characters"));
    }
    if !user.is_empty() && user.bytes().all(|b| b == b'.' || b == b' ') {
        out.push("runAsUserName's User cannot contain only periods or spaces".into());
    }
    if user.contains(|c| "\"/\\:;|=,+*?<>@[]".contains(c)) {
        out.push(r#"runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]"#.into());
    }
    out
}

/// `^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`: 1 to 15 characters, none of `\/:*?"<>|`,
/// not starting with a dot.
fn netbios_domain(d: &str) -> bool {
    let n = d.chars().count();
    (1..=15).contains(&n) && !d.starts_with('.') && !d.contains(|c| "\\/:*?\"<>|".contains(c))
}

/// `^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?` labels joined by dots.
fn dns_domain(d: &str) -> bool {
    d.split('.').all(|l| {
        let b = l.as_bytes();
        (1..=63).contains(&b.len())
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    })
}

/// `PATH_MAX - 1`, the longest AppArmor `localhostProfile`.
const MAX_APPARMOR_PROFILE: usize = 4095;

/// `ValidateAppArmorProfileField` for `type: Localhost`: the name must not be padded with
/// whitespace (`strings.TrimSpace`; a name of only spaces is "padded" too), must not be empty,
/// and is at most 4095 bytes (checked independently).
fn apparmor_localhost_profile(sink: &mut Sink<'_>, l: &Cur<'_>) {
    let v = l.text().unwrap_or("");
    if v.trim() != v {
        sink.field_error(l, ErrorType::Invalid, formats::invalid(v, "must not be padded with whitespace"))
            .help("remove the leading and trailing whitespace from the profile name");
    } else if v.is_empty() {
        sink.field_error(l, ErrorType::Required, formats::required("must be set when AppArmor type is Localhost"))
            .help("name the profile loaded on the node");
    }
    if v.len() > MAX_APPARMOR_PROFILE {
        sink.field_error(l, ErrorType::TooLong, format!("Too long: may not be more than {MAX_APPARMOR_PROFILE} bytes"))
            .help("use a profile name of at most 4095 bytes");
    }
}

/// `^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`, at most 253.
fn valid_sysctl_name(s: &str) -> bool {
    let seg = |x: &str| {
        let b = x.as_bytes();
        !b.is_empty()
            && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
            && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
            && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
    };
    s.len() <= 253 && s.split(['.', '/']).all(seg)
}

fn sysctl_list(sink: &mut Sink<'_>, list: &Cur<'_>, host_net: bool, host_ipc: bool) {
    let mut seen = HashSet::new();
    for (_, s) in list.items() {
        let name = text(&s, "name");
        let at = child_or_parent(&s, "name");
        if name.is_empty() {
            sink.field_error(&at, ErrorType::Required, formats::required("")).help("name the sysctl, e.g. `net.core.somaxconn`");
        } else if !valid_sysctl_name(name) {
            sink.field_error(
                &at,
                ErrorType::Invalid,
                formats::invalid(name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"),
            )
            .help("use a sysctl name such as `net.core.somaxconn`");
        } else if seen.contains(name) {
            sink.field_error(&at, ErrorType::Duplicate, formats::duplicate(name)).help("set each sysctl once");
        }
        // `ValidateHostSysctl`, on every name (valid or not).
        match sysctl_namespace(name) {
            SysctlNs::Net if host_net => {
                sink.field_error(&at, ErrorType::Invalid, formats::invalid(name, "may not be specified when 'hostNetwork' is true"))
                    .help("a network sysctl cannot be set in the host's network namespace: drop the sysctl or `hostNetwork`");
            }
            SysctlNs::Ipc if host_ipc => {
                sink.field_error(&at, ErrorType::Invalid, formats::invalid(name, "may not be specified when 'hostIPC' is true"))
                    .help("an IPC sysctl cannot be set in the host's IPC namespace: drop the sysctl or `hostIPC`");
            }
            _ => {}
        }
        seen.insert(name);
    }
}

/// The kernel namespace of a sysctl (`utilsysctl.GetNamespace`).
#[derive(Debug, PartialEq, Eq)]
enum SysctlNs {
    Ipc,
    Net,
    Unknown,
}

/// The sysctls in the IPC namespace by name (`nameToNamespace`; not a prefix match).
const IPC_SYSCTLS: &[&str] = &[
    "kernel.sem",
    "kernel.shmall",
    "kernel.shmmax",
    "kernel.shmmni",
    "kernel.shm_rmid_forced",
    "kernel.shm",
    "kernel.msgmax",
    "kernel.msgmnb",
    "kernel.msgmni",
    "kernel.msg",
];

/// `utilsysctl.GetNamespace`: the name in dot form (`NormalizeName`: when its first separator
/// is `/`, `.` and `/` swap), cut at the first `*`, then the known IPC names, else the prefixes
/// `net.` and `fs.mqueue.`.
fn sysctl_namespace(name: &str) -> SysctlNs {
    let slash_form = name.find(['.', '/']).is_some_and(|i| name.as_bytes()[i] == b'/');
    let swap = |c: char| match c {
        '.' => '/',
        '/' => '.',
        c => c,
    };
    let normal: String = if slash_form { name.chars().map(swap).collect() } else { name.to_string() };
    let base = normal.split('*').next().unwrap_or("");
    if IPC_SYSCTLS.contains(&base) || base.starts_with("fs.mqueue.") {
        SysctlNs::Ipc
    } else if base.starts_with("net.") {
        SysctlNs::Net
    } else {
        SysctlNs::Unknown
    }
}

/// `validateWindowsHostProcessPod`: a pod's and a container's `hostProcess` agree when both are
/// set, and with any HostProcess container (set or inherited) every container is one and
/// `hostNetwork` is true. (The "disallowed by cluster policy" error needs
/// `--allow-privileged=false`, which kplay does not assume.)
fn host_process(sink: &mut Sink<'_>, spec: &Cur<'_>) {
    let hp = |sc: Option<Cur<'_>>| sc.and_then(|s| s.field("windowsOptions")).and_then(|w| w.field("hostProcess")).and_then(|h| h.bool());
    let pod = hp(spec.field("securityContext"));
    let all = containers(spec);
    let mut count = 0;
    for (_, c) in &all {
        let ch = c.field("securityContext").and_then(|s| s.field("windowsOptions")).and_then(|w| w.field("hostProcess"));
        let cv = ch.as_ref().and_then(Cur::bool);
        if let (Some(p), Some(v), Some(at)) = (pod, cv, &ch) {
            if p != v {
                sink.field_error(
                    at,
                    ErrorType::Invalid,
                    formats::invalid_num(v, &format!("pod hostProcess value must be identical if both are specified, was {p}")),
                )
                .help("set the same `hostProcess` on the pod and its containers, or only on the pod");
            }
        }
        if cv.or(pod) == Some(true) {
            count += 1;
        }
    }
    if count > 0 {
        if count != all.len() {
            sink.field_error_at(
                spec.key_span(),
                &spec.path,
                ErrorType::Invalid,
                formats::invalid("", "If pod contains any hostProcess containers then all containers must be HostProcess containers"),
            )
            .help("make every container a HostProcess container, or none");
        }
        if spec.field("hostNetwork").and_then(|b| b.bool()) != Some(true) {
            sink.field_error(
                &child_or_parent(spec, "hostNetwork"),
                ErrorType::Invalid,
                formats::invalid_num(false, "hostNetwork must be true if pod contains any hostProcess containers"),
            )
            .help("add `hostNetwork: true`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{deployment_with, errors_of, errors_of_version, messages_of, pairs, pod_with};
    use crate::KubeVersion;
    const R: &str = "security-context-invalid";

    fn p(extra: &str, csc: &str) -> String {
        pod_with(&format!("{extra}  containers:\n  - name: web\n    image: nginx:1.27\n{csc}"))
    }

    #[test]
    fn pod_level() {
        assert_eq!(
            errors_of(
                R,
                &p(
                    "  securityContext:\n    runAsUser: -1\n    supplementalGroups: [1, 3000000000]\n    fsGroupChangePolicy: Sometimes\n",
                    ""
                )
            ),
            pairs(&[
                ("spec.securityContext.fsGroupChangePolicy", "NotSupported"),
                ("spec.securityContext.runAsUser", "Invalid"),
                ("spec.securityContext.supplementalGroups[1]", "Invalid")
            ])
        );
        assert_eq!(
            errors_of(R, &p("  hostNetwork: true\n  securityContext:\n    sysctls:\n    - name: net.core.somaxconn\n      value: '1024'\n    - name: Bad\n      value: '1'\n", "")),
            pairs(&[("spec.securityContext.sysctls[0].name", "Invalid"), ("spec.securityContext.sysctls[1].name", "Invalid")])
        );
        let share = p("  shareProcessNamespace: true\n  hostPID: true\n", "");
        assert_eq!(errors_of(R, &share), pairs(&[("spec.securityContext.shareProcessNamespace", "Invalid")]));
        // In a template the path is the template's (`fldPath` is `spec.template.spec.securityContext`).
        assert_eq!(
            errors_of(
                R,
                &deployment_with("  shareProcessNamespace: true\n  hostPID: true\n  containers:\n  - name: web\n    image: nginx:1.27\n")
            ),
            pairs(&[("spec.template.spec.securityContext.shareProcessNamespace", "Invalid")])
        );
        assert_eq!(messages_of(R, &share), ["Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled"]);
        let hu = p("  hostUsers: false\n  hostNetwork: true\n  hostPID: true\n", "");
        assert_eq!(errors_of(R, &hu), pairs(&[("spec.HostPID", "Forbidden"), ("spec.hostNetwork", "Forbidden")]));
        assert_eq!(messages_of(R, &hu), ["Forbidden: when `hostUsers` is false"; 2]);
        // From 1.34 block devices are forbidden in a user namespace too (kubernetes#132868).
        let dev = pod_with(
            "  hostUsers: false\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: d\n  initContainers:\n  - name: i\n    image: a:1\n    volumeDevices:\n    - name: d\n      devicePath: /dev/xvda\n  containers:\n  - name: web\n    image: a:1\n    volumeDevices: []\n",
        );
        let dev_errors = pairs(&[("spec.initContainers[0].volumeDevices", "Forbidden")]);
        assert_eq!(errors_of(R, &dev), dev_errors);
        assert_eq!(errors_of_version(R, &dev, KubeVersion::new(33)), pairs(&[]));
        // Windows HostProcess pods (`validateWindowsHostProcessPod`).
        let hp = |extra: &str, c2: &str| {
            pod_with(&format!("{extra}  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      windowsOptions:\n        hostProcess: true\n  - name: b\n    image: b:1\n{c2}"))
        };
        assert_eq!(errors_of(R, &hp("", "")), pairs(&[("spec", "Invalid"), ("spec.hostNetwork", "Invalid")]));
        let mixed = hp(
            "  hostNetwork: true\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n",
            "    securityContext:\n      windowsOptions:\n        hostProcess: false\n",
        );
        assert_eq!(
            errors_of(R, &mixed),
            pairs(&[("spec", "Invalid"), ("spec.containers[1].securityContext.windowsOptions.hostProcess", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &hp("  hostNetwork: true\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n", "")),
            pairs(&[])
        );
        assert_eq!(errors_of_version(R, &hu, KubeVersion::new(32)), pairs(&[]));
        assert_eq!(
            errors_of(R, &p("  securityContext:\n    seccompProfile:\n      type: Localhost\n", "")),
            pairs(&[("spec.securityContext.seccompProfile.localhostProfile", "Required")])
        );
    }

    #[test]
    fn host_namespace_sysctls() {
        // `ValidateHostSysctl`: Go's wording; slash-form names are normalised first.
        let y = p(
            "  hostNetwork: true\n  hostIPC: true\n  securityContext:\n    sysctls:\n    - name: net.ipv4.ip_forward\n      value: '1'\n    - name: kernel.shm_rmid_forced\n      value: '1'\n    - name: net/ipv4/ip_forward\n      value: '1'\n    - name: kernel.shmfoo\n      value: '1'\n    - name: kernel.msgmax\n      value: '1'\n",
            "",
        );
        let s = "spec.securityContext.sysctls";
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                (&format!("{s}[0].name"), "Invalid"),
                (&format!("{s}[1].name"), "Invalid"),
                (&format!("{s}[2].name"), "Invalid"),
                (&format!("{s}[4].name"), "Invalid")
            ])
        );
        assert_eq!(
            messages_of(R, &y),
            [
                "Invalid value: \"net.ipv4.ip_forward\": may not be specified when 'hostNetwork' is true",
                "Invalid value: \"kernel.shm_rmid_forced\": may not be specified when 'hostIPC' is true",
                "Invalid value: \"net/ipv4/ip_forward\": may not be specified when 'hostNetwork' is true",
                "Invalid value: \"kernel.msgmax\": may not be specified when 'hostIPC' is true",
            ]
        );
        assert_eq!(super::sysctl_namespace("net/ipv4/conf/eno2.100/rp_filter"), super::SysctlNs::Net);
        assert_eq!(super::sysctl_namespace("kernel/shm_rmid_forced"), super::SysctlNs::Ipc);
        assert_eq!(super::sysctl_namespace("fs.mqueue.msg_max"), super::SysctlNs::Ipc);
        assert_eq!(super::sysctl_namespace("kernel.shm*"), super::SysctlNs::Ipc);
        assert_eq!(super::sysctl_namespace("kernel.domainname"), super::SysctlNs::Unknown);
        assert_eq!(super::sysctl_namespace("netfoo.x"), super::SysctlNs::Unknown);
        // Without the host namespaces nothing is refused.
        let ok = p("  securityContext:\n    sysctls:\n    - name: net/ipv4/ip_forward\n      value: '1'\n", "");
        assert_eq!(errors_of(R, &ok), pairs(&[]));
    }

    #[test]
    fn apparmor_profiles() {
        let pod =
            |v: &str| p(&format!("  securityContext:\n    appArmorProfile:\n      type: Localhost\n      localhostProfile: {v}\n"), "");
        let at = "spec.securityContext.appArmorProfile.localhostProfile";
        assert_eq!(errors_of(R, &pod("\" x \"")), pairs(&[(at, "Invalid")]));
        assert_eq!(messages_of(R, &pod("\" x \"")), ["Invalid value: \" x \": must not be padded with whitespace"]);
        // Only whitespace is "padded", not empty; empty is Required.
        assert_eq!(errors_of(R, &pod("\"  \"")), pairs(&[(at, "Invalid")]));
        assert_eq!(errors_of(R, &pod("\"\"")), pairs(&[(at, "Required")]));
        assert_eq!(errors_of(R, &pod("k8s-apparmor-example")), pairs(&[]));
        let long = "a".repeat(4096);
        assert_eq!(errors_of(R, &pod(&long)), pairs(&[(at, "TooLong")]));
        assert_eq!(messages_of(R, &pod(&long)), ["Too long: may not be more than 4095 bytes"]);
        assert_eq!(errors_of(R, &pod(&"a".repeat(4095))), pairs(&[]));
        assert_eq!(errors_of(R, &pod(&format!("\" {long}\""))), pairs(&[(at, "Invalid"), (at, "TooLong")]));
        // Container level, and in a template.
        let c = "    securityContext:\n      appArmorProfile:\n        type: Localhost\n        localhostProfile: \"x \"\n";
        assert_eq!(errors_of(R, &p("", c)), pairs(&[("spec.containers[0].securityContext.appArmorProfile.localhostProfile", "Invalid")]));
        let t = format!("  containers:\n  - name: web\n    image: nginx:1.27\n{c}");
        assert_eq!(
            errors_of(R, &deployment_with(&t)),
            pairs(&[("spec.template.spec.containers[0].securityContext.appArmorProfile.localhostProfile", "Invalid")])
        );
        // The other types: the profile name is the value; no check for an empty or unknown type.
        let other = |ty: &str| p(&format!("  securityContext:\n    appArmorProfile:\n      type: {ty}\n      localhostProfile: x\n"), "");
        assert_eq!(messages_of(R, &other("Unconfined")), ["Invalid value: \"x\": can only be set when AppArmor type is Localhost"]);
        assert_eq!(messages_of(R, &other("Bogus")).len(), 1);
        assert_eq!(messages_of(R, &other("\"\"")), ["Required value: type is required when appArmorProfile is set"]);
        let sc = p("  securityContext:\n    seccompProfile:\n      localhostProfile: x\n", "");
        assert_eq!(
            messages_of(R, &sc),
            [
                "Required value: type is required when seccompProfile is set",
                "Invalid value: \"\": can only be set when seccomp type is Localhost"
            ]
        );
    }

    #[test]
    fn selinux_change_policy() {
        let y = |v: &str| p(&format!("  securityContext:\n    seLinuxChangePolicy: {v}\n"), "");
        let at = "spec.securityContext.seLinuxChangePolicy";
        assert_eq!(errors_of(R, &y("MountOption")), pairs(&[(at, "NotSupported")]));
        assert_eq!(messages_of(R, &y("Bogus")), ["Unsupported value: \"Bogus\": supported values: \"Recursive\""]);
        assert_eq!(errors_of(R, &y("Recursive")), pairs(&[]));
        assert_eq!(errors_of_version(R, &y("MountOption"), KubeVersion::new(33)), pairs(&[(at, "NotSupported")]));
        assert_eq!(errors_of_version(R, &y("MountOption"), KubeVersion::new(37)), pairs(&[(at, "NotSupported")]));
        // 1.32: the SELinuxChangePolicy gate is off and the field is dropped before validation.
        assert_eq!(errors_of_version(R, &y("MountOption"), KubeVersion::new(32)), pairs(&[]));
        let t = deployment_with(
            "  securityContext:\n    seLinuxChangePolicy: MountOption\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
        assert_eq!(errors_of(R, &t), pairs(&[("spec.template.spec.securityContext.seLinuxChangePolicy", "NotSupported")]));
    }

    #[test]
    fn windows_options() {
        let at = "spec.securityContext.windowsOptions";
        let pod = |w: &str| p(&format!("  securityContext:\n    windowsOptions:\n{w}"), "");
        let user = |u: &str| messages_of(R, &pod(&format!("      runAsUserName: {u}\n")));
        assert_eq!(user("\"\""), ["Invalid value: \"\": runAsUserName cannot be an empty string"]);
        assert_eq!(user("'a\\b\\c'"), ["Invalid value: \"a\\\\b\\\\c\": runAsUserName cannot contain more than one backslash"]);
        assert_eq!(
            user("a@b"),
            ["Invalid value: \"a@b\": runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]"]
        );
        assert_eq!(user("'...'"), ["Invalid value: \"...\": runAsUserName's User cannot contain only periods or spaces"]);
        assert_eq!(user(&"u".repeat(105)).len(), 1);
        assert!(user(&"u".repeat(105))[0].ends_with("runAsUserName's User length must not be longer than 104 characters"));
        assert_eq!(user(&"u".repeat(104)).len(), 0);
        assert_eq!(user("\"a\\tb\""), ["Invalid value: \"a\\tb\": runAsUserName cannot contain control characters"]);
        assert_eq!(user("'dom\\'"), ["Invalid value: \"dom\\\\\": runAsUserName's User cannot be empty"]);
        assert!(user("'NT AUTHORITY\\NETWORK SERVICE'").is_empty());
        assert!(user("'example.com\\svc'").is_empty());
        assert!(user("ContainerAdministrator").is_empty());
        // A domain that is neither NetBios (15 characters at most) nor DNS, and a too long one.
        assert_eq!(user("'bad_domain_name_x\\u'").len(), 1);
        assert_eq!(user(&format!("'{}\\u'", "d".repeat(256))).len(), 2);
        assert_eq!(
            errors_of(R, &pod("      gmsaCredentialSpecName: Bad_\n      gmsaCredentialSpec: \"\"\n")),
            pairs(&[(&format!("{at}.gmsaCredentialSpec"), "Invalid"), (&format!("{at}.gmsaCredentialSpecName"), "Invalid")])
        );
        // Container level (ValidateSecurityContext), and in a template.
        let c = "    securityContext:\n      windowsOptions:\n        runAsUserName: \"\"\n";
        assert_eq!(errors_of(R, &p("", c)), pairs(&[("spec.containers[0].securityContext.windowsOptions.runAsUserName", "Invalid")]));
        let t = format!("  containers:\n  - name: web\n    image: nginx:1.27\n{c}");
        assert_eq!(
            errors_of(R, &deployment_with(&t)),
            pairs(&[("spec.template.spec.containers[0].securityContext.windowsOptions.runAsUserName", "Invalid")])
        );
    }

    #[test]
    fn container_level() {
        let c = "spec.containers[0].securityContext";
        assert_eq!(
            errors_of(
                R,
                &p("", "    securityContext:\n      privileged: true\n      allowPrivilegeEscalation: false\n      runAsGroup: -5\n")
            ),
            pairs(&[(c, "Invalid"), (&format!("{c}.runAsGroup"), "Invalid")])
        );
        assert_eq!(
            errors_of(R, &p("", "    securityContext:\n      procMount: Unmasked\n")),
            pairs(&[(&format!("{c}.procMount"), "Invalid")])
        );
        assert_eq!(
            errors_of(R, &p("", "    securityContext:\n      seccompProfile:\n        type: Strict\n")),
            pairs(&[(&format!("{c}.seccompProfile.type"), "NotSupported")])
        );
        assert_eq!(errors_of(R, &p("", "    securityContext:\n      runAsNonRoot: true\n      runAsUser: 1000\n")), pairs(&[]));
    }
}
