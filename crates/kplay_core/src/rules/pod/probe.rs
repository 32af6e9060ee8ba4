//! `probe-invalid`: liveness, readiness and startup probes and the lifecycle handlers of
//! containers and sidecars (PR-01..PR-13).
//!
//! Ported from `validateProbe`, `validateLivenessProbe`/`validateReadinessProbe`/
//! `validateStartupProbe`, `validateHandler`, `validateLifecycle` and `validateSleepAction`.
//! Init containers that are not sidecars may not have probes at all; that is reported by
//! `container-restart-policy-invalid` and their probes are not validated (as on the server).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, containers, enum_field, invalid_each, is_sidecar, text, whole, ContainerKind};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static PROBE_INVALID: Rule = Rule {
    name: "probe-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A probe or lifecycle handler has no handler, several handlers, or an invalid setting.",
    docs: rule_docs!(
        r#"## What it does
Checks `livenessProbe`, `readinessProbe`, `startupProbe` and `lifecycle.postStart`/`preStop`
of containers and sidecars: exactly one handler (`exec`, `httpGet`, `tcpSocket`, `grpc`;
`sleep` for lifecycle hooks), a non-empty `exec.command`, ports between 1 and 65535 or a valid
port name, `httpGet.scheme` `HTTP` or `HTTPS`, valid header names, non-negative timings,
`successThreshold: 1` for liveness and startup probes, a positive probe-level
`terminationGracePeriodSeconds` (not allowed at all on readiness probes), and a `sleep` no
longer than the pod's grace period.

## Why is this bad?
The API server rejects the object. A probe without a handler cannot run; a liveness probe
needing several successes would never mark a container healthy again in time.

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
      livenessProbe:
        periodSeconds: 5
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
      livenessProbe:
        httpGet:
          path: /healthz
          port: 80
        periodSeconds: 5
```

## References
- Configure liveness, readiness and startup probes: <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
- `validateProbe` and `validateHandler` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["PR-01", "PR-02", "PR-03", "PR-04", "PR-05", "PR-06", "PR-07", "PR-08", "PR-09", "PR-10", "PR-11", "PR-12", "PR-13"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let grace = spec.field("terminationGracePeriodSeconds").and_then(|g| g.i64());
    // PodLifecycleSleepActionAllowZero: beta (on) from 1.33.
    let sleep_zero = ctx.opts.kube_version.at_least(33);
    for (kind, c) in containers(&spec) {
        match kind {
            ContainerKind::Regular => {}
            ContainerKind::Init if is_sidecar(&c) => {}
            // Forbidden there (container-restart-policy-invalid / ephemeral rules).
            _ => continue,
        }
        if let Some(lc) = c.field("lifecycle") {
            for h in ["postStart", "preStop"] {
                if let Some(hc) = lc.field(h) {
                    handler(sink, &hc, true, grace, sleep_zero);
                }
            }
        }
        for p in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let Some(pc) = c.field(p) else { continue };
            handler(sink, &pc, false, grace, sleep_zero);
            for f in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] {
                if let Some(v) = pc.field(f) {
                    if let Some(n) = v.i64().filter(|n| *n < 0) {
                        sink.field_error(&v, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0"))
                            .help("use 0 or more (0 means the default)");
                    }
                }
            }
            if let Some(t) = pc.field("terminationGracePeriodSeconds") {
                if let Some(n) = t.i64().filter(|n| *n <= 0) {
                    sink.field_error(&t, ErrorType::Invalid, formats::invalid_num(n, "must be greater than 0"))
                        .help("use a positive number of seconds or remove the field");
                }
            }
            if p == "readinessProbe" {
                if let Some(t) = pc.field("terminationGracePeriodSeconds") {
                    sink.field_error(
                        &t,
                        ErrorType::Invalid,
                        // A *int64: `field.Error` prints it unquoted.
                        formats::invalid_num(
                            t.i64().map_or_else(|| t.text().unwrap_or("").to_string(), |n| n.to_string()),
                            "must not be set for readinessProbes",
                        ),
                    )
                    .help("remove `terminationGracePeriodSeconds`: a failing readiness probe does not restart the container");
                }
            } else if let Some(s) = pc.field("successThreshold") {
                if let Some(n) = s.i64().filter(|n| *n != 1) {
                    sink.field_error(&s, ErrorType::Invalid, formats::invalid_num(n, "must be 1"))
                        .help("liveness and startup probes succeed after one success; remove `successThreshold` or set it to 1");
                }
            }
        }
    }
}

/// `validateHandler`: the first handler is validated, further ones are Forbidden.
fn handler(sink: &mut Sink<'_>, h: &Cur<'_>, lifecycle: bool, grace: Option<i64>, sleep_zero: bool) {
    let kinds: &[&str] = if lifecycle { &["exec", "httpGet", "tcpSocket", "sleep"] } else { &["exec", "httpGet", "tcpSocket", "grpc"] };
    let mut n = 0;
    for k in kinds {
        let Some(a) = h.field(k) else { continue };
        if n > 0 {
            sink.field_error(&whole(&a), ErrorType::Forbidden, formats::forbidden("may not specify more than 1 handler type"))
                .help("keep one handler per probe or hook");
            continue;
        }
        n += 1;
        match *k {
            "exec" => {
                if a.field("command").is_none_or(|c| c.is_empty()) {
                    sink.field_error(&child_or_parent(&a, "command"), ErrorType::Required, formats::required(""))
                        .help("give the command to run, e.g. `command: [cat, /tmp/healthy]`");
                }
            }
            "httpGet" => {
                if text(&a, "path").is_empty() {
                    sink.field_error(&child_or_parent(&a, "path"), ErrorType::Required, formats::required(""))
                        .help("set `path`, e.g. `/healthz`");
                }
                port_num_or_name(sink, &a);
                enum_field(sink, &a, "scheme", &["HTTP", "HTTPS"], false);
                if a.field("scheme").is_none() {
                    sink.field_error(
                        &child_or_parent(&a, "scheme"),
                        ErrorType::NotSupported,
                        formats::not_supported("", &["HTTP", "HTTPS"]),
                    )
                    .help("set `scheme: HTTP` or `HTTPS`");
                }
                if let Some(hs) = a.field("httpHeaders") {
                    for (_, hd) in hs.items() {
                        let name = text(&hd, "name");
                        let at = Cur { path: hs.path.clone(), ..child_or_parent(&hd, "name") };
                        invalid_each(sink, &at, name, formats::http_header_name_msgs(name), "use letters, digits and `-` in header names");
                    }
                }
            }
            "tcpSocket" => port_num_or_name(sink, &a),
            "grpc" => {
                let at = child_or_parent(&a, "port");
                let p = a.field("port").and_then(|p| p.i64()).unwrap_or(0);
                for m in formats::port_num_msgs(p) {
                    sink.field_error(&at, ErrorType::Invalid, formats::invalid_num(p, &m)).help("use a port between 1 and 65535");
                }
            }
            _ => {
                // sleep: the pod's grace period bounds it (always set after defaulting).
                let Some(g) = grace else { continue };
                let secs = a.field("seconds").and_then(|s| s.i64()).unwrap_or(0);
                let bad = if sleep_zero { secs < 0 || secs > g } else { secs <= 0 || secs > g };
                if bad {
                    let msg = if sleep_zero {
                        format!("must be non-negative and less than terminationGracePeriodSeconds ({g})")
                    } else {
                        format!("must be greater than 0 and less than terminationGracePeriodSeconds ({g}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.")
                    };
                    sink.field_error(&whole(&a), ErrorType::Invalid, formats::invalid_num(secs, &msg))
                        .help("sleep for less than the pod's `terminationGracePeriodSeconds`");
                }
            }
        }
    }
    if n == 0 {
        sink.field_error(&whole(h), ErrorType::Required, formats::required("must specify a handler type")).help(if lifecycle {
            "add one of `exec`, `httpGet`, `tcpSocket` or `sleep`"
        } else {
            "add one of `exec`, `httpGet`, `tcpSocket` or `grpc`"
        });
    }
}

/// `ValidatePortNumOrName` for `port` of an httpGet/tcpSocket action.
fn port_num_or_name(sink: &mut Sink<'_>, a: &Cur<'_>) {
    let at = child_or_parent(a, "port");
    match a.field("port") {
        Some(p) if p.str().is_some() => {
            let v = p.str().unwrap_or("");
            invalid_each(
                sink,
                &p,
                v,
                formats::port_name_msgs(v),
                "use a port number or a container port name (at most 15 characters, with a letter)",
            );
        }
        p => {
            let n = p.and_then(|p| p.i64()).unwrap_or(0);
            for m in formats::port_num_msgs(n) {
                sink.field_error(&at, ErrorType::Invalid, formats::invalid_num(n, &m))
                    .help("use a port between 1 and 65535 or a port name");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, messages_of, pairs, pod_with};
    const R: &str = "probe-invalid";

    fn c(probe: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n{probe}"))
    }

    #[test]
    fn handlers() {
        let l = "spec.containers[0].livenessProbe";
        assert_eq!(errors_of(R, &c("    livenessProbe:\n      periodSeconds: 5\n")), pairs(&[(l, "Required")]));
        assert_eq!(
            errors_of(R, &c("    livenessProbe:\n      exec:\n        command: ['true']\n      tcpSocket:\n        port: 80\n")),
            pairs(&[("spec.containers[0].livenessProbe.tcpSocket", "Forbidden")])
        );
        assert_eq!(
            errors_of(R, &c("    livenessProbe:\n      httpGet:\n        port: 80\n        scheme: FTP\n")),
            pairs(&[("spec.containers[0].livenessProbe.httpGet.scheme", "NotSupported")])
        );
        assert_eq!(
            errors_of(R, &c("    readinessProbe:\n      httpGet:\n        port: http_x\n        httpHeaders:\n        - name: 'X Y'\n          value: z\n")),
            pairs(&[
                ("spec.containers[0].readinessProbe.httpGet.httpHeaders", "Invalid"),
                ("spec.containers[0].readinessProbe.httpGet.port", "Invalid")
            ])
        );
        assert_eq!(
            errors_of(R, &c("    startupProbe:\n      tcpSocket: {}\n")),
            pairs(&[("spec.containers[0].startupProbe.tcpSocket.port", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("    livenessProbe:\n      grpc:\n        port: 70000\n")),
            pairs(&[("spec.containers[0].livenessProbe.grpc.port", "Invalid")])
        );
        assert_eq!(errors_of(R, &c("    livenessProbe:\n      httpGet:\n        port: http\n")), pairs(&[]));
    }

    #[test]
    fn settings() {
        let ready = c("    readinessProbe:\n      tcpSocket:\n        port: 80\n      terminationGracePeriodSeconds: 0x0a\n      successThreshold: 3\n");
        assert_eq!(errors_of(R, &ready), pairs(&[("spec.containers[0].readinessProbe.terminationGracePeriodSeconds", "Invalid")]));
        // An *int64, printed unquoted by `field.Error`, as the number JSON carries.
        assert_eq!(messages_of(R, &ready), ["Invalid value: 10: must not be set for readinessProbes"]);
        assert_eq!(
            errors_of(
                R,
                &c("    livenessProbe:\n      tcpSocket:\n        port: 80\n      successThreshold: 2\n      periodSeconds: -1\n")
            ),
            pairs(&[
                ("spec.containers[0].livenessProbe.periodSeconds", "Invalid"),
                ("spec.containers[0].livenessProbe.successThreshold", "Invalid")
            ])
        );
        assert_eq!(
            errors_of(R, &c("    lifecycle:\n      preStop:\n        sleep:\n          seconds: 60\n      postStart: {}\n")),
            pairs(&[("spec.containers[0].lifecycle.postStart", "Required"), ("spec.containers[0].lifecycle.preStop.sleep", "Invalid")])
        );
        // Probes of plain init containers are not validated (they are forbidden elsewhere).
        let init = pod_with("  initContainers:\n  - name: init\n    image: busybox:1.36\n    livenessProbe: {}\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(errors_of(R, &init), pairs(&[]));
    }
}
