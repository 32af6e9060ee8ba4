//! `pod-os-field-forbidden`: fields that do not apply to the pod's declared `spec.os.name`
//! (P-17), ported from `validateLinux` and `validateWindows`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static POD_OS_FIELD_FORBIDDEN: Rule = Rule {
    name: "pod-os-field-forbidden",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A pod declares `spec.os.name` and sets a field that only the other operating system has.",
    docs: rule_docs!(
        r#"## What it does
With `spec.os.name: windows`, reports the Linux-only fields: `hostPID`, `hostIPC`, `hostUsers`,
`shareProcessNamespace`, and in the pod's `securityContext` `appArmorProfile`,
`seLinuxOptions`, `seccompProfile`, `fsGroup`, `fsGroupChangePolicy`, `sysctls`, `runAsUser`,
`runAsGroup`, `supplementalGroups`, `supplementalGroupsPolicy` and `seLinuxChangePolicy`; in
each container's `securityContext` `appArmorProfile`, `seLinuxOptions`, `seccompProfile`,
`capabilities`, `readOnlyRootFilesystem`, `privileged`, `allowPrivilegeEscalation`,
`procMount`, `runAsUser` and `runAsGroup`. With `spec.os.name: linux`, reports
`windowsOptions` in the pod's or a container's `securityContext`. Nothing is checked when
`spec.os` is not set.

## Why is this bad?
The API server rejects the pod: `Forbidden: cannot be set for a windows pod` (or `windows
options cannot be set for a linux pod`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  os:
    name: windows
  containers:
    - name: web
      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
      securityContext:
        runAsUser: 1000
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  os:
    name: windows
  containers:
    - name: web
      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
      securityContext:
        windowsOptions:
          runAsUserName: ContainerUser
```

## References
- Pod OS: <https://kubernetes.io/docs/concepts/workloads/pods/#pod-os>
- `validateWindows` and `validateLinux` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-17"],
    check: Some(check),
};

const WINDOWS_MSG: &str = "cannot be set for a windows pod";
const LINUX_MSG: &str = "windows options cannot be set for a linux pod";

/// Pod fields on `spec` that the internal API keeps in the pod security context (`hostPID` and
/// `hostIPC` only when true; the others when set at all).
const WINDOWS_POD_FLAGS: &[&str] = &["hostPID", "hostIPC"];
const WINDOWS_POD_SET: &[&str] = &["hostUsers", "shareProcessNamespace"];
const WINDOWS_POD_SC: &[&str] = &[
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "runAsUser",
    "runAsGroup",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "seLinuxChangePolicy",
];
const WINDOWS_CONTAINER_SC: &[&str] = &[
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
];

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let os = spec.field("os").and_then(|o| o.field("name")).and_then(|n| n.text().map(str::to_string)).unwrap_or_default();
    let forbid = |sink: &mut Sink<'_>, c: &Cur<'_>, msg: &str| {
        sink.field_error(&whole(c), ErrorType::Forbidden, formats::forbidden(msg)).help("remove it, or change `spec.os.name`");
    };
    let sc = spec.field("securityContext");
    match os.as_str() {
        "windows" => {
            for f in WINDOWS_POD_FLAGS {
                if let Some(c) = spec.field(f).filter(|c| c.bool() == Some(true)) {
                    forbid(sink, &c, WINDOWS_MSG);
                }
            }
            for f in WINDOWS_POD_SET {
                if let Some(c) = spec.field(f) {
                    forbid(sink, &c, WINDOWS_MSG);
                }
            }
            if let Some(sc) = &sc {
                for f in WINDOWS_POD_SC {
                    if let Some(c) = sc.field(f) {
                        forbid(sink, &c, WINDOWS_MSG);
                    }
                }
                // `len(sysctls) > 0`.
                if let Some(c) = sc.field("sysctls").filter(|c| !c.is_empty()) {
                    forbid(sink, &c, WINDOWS_MSG);
                }
            }
            for (_, c) in containers(&spec) {
                let Some(csc) = c.field("securityContext") else { continue };
                for f in WINDOWS_CONTAINER_SC {
                    if let Some(x) = csc.field(f) {
                        forbid(sink, &x, WINDOWS_MSG);
                    }
                }
            }
        }
        "linux" => {
            if let Some(w) = sc.as_ref().and_then(|sc| sc.field("windowsOptions")) {
                forbid(sink, &w, LINUX_MSG);
            }
            for (_, c) in containers(&spec) {
                if let Some(w) = c.field("securityContext").and_then(|s| s.field("windowsOptions")) {
                    forbid(sink, &w, LINUX_MSG);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "pod-os-field-forbidden";

    #[test]
    fn table() {
        let win = pod_with("  os:\n    name: windows\n  hostPID: true\n  hostIPC: false\n  securityContext:\n    runAsUser: 1\n    seLinuxOptions:\n      level: s0\n    fsGroup: 1\n    sysctls:\n    - name: kernel.msgmax\n      value: '1'\n  containers:\n  - name: c\n    image: a:1\n    securityContext:\n      privileged: true\n      runAsGroup: 1\n      readOnlyRootFilesystem: true\n      windowsOptions:\n        runAsUserName: ContainerUser\n");
        assert_eq!(
            errors_of(R, &win),
            pairs(&[
                ("spec.containers[0].securityContext.privileged", "Forbidden"),
                ("spec.containers[0].securityContext.readOnlyRootFilesystem", "Forbidden"),
                ("spec.containers[0].securityContext.runAsGroup", "Forbidden"),
                ("spec.hostPID", "Forbidden"),
                ("spec.securityContext.fsGroup", "Forbidden"),
                ("spec.securityContext.runAsUser", "Forbidden"),
                ("spec.securityContext.seLinuxOptions", "Forbidden"),
                ("spec.securityContext.sysctls", "Forbidden")
            ])
        );
        let linux = pod_with("  os:\n    name: linux\n  securityContext:\n    windowsOptions:\n      runAsUserName: a\n  initContainers:\n  - name: i\n    image: a:1\n    securityContext:\n      windowsOptions:\n        hostProcess: false\n  containers:\n  - name: c\n    image: a:1\n");
        assert_eq!(
            errors_of(R, &linux),
            pairs(&[
                ("spec.initContainers[0].securityContext.windowsOptions", "Forbidden"),
                ("spec.securityContext.windowsOptions", "Forbidden")
            ])
        );
        // Without `spec.os` nothing is checked.
        let none = pod_with("  hostPID: true\n  containers:\n  - name: c\n    image: a:1\n    securityContext:\n      windowsOptions:\n        runAsUserName: a\n");
        assert_eq!(errors_of(R, &none), pairs(&[]));
    }
}
