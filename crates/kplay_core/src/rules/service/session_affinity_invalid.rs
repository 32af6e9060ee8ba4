//! `service-session-affinity-invalid`: unknown sessionAffinity or a bad ClientIP timeout.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const MAX_TIMEOUT: i64 = 86400;

pub static RULE: Rule = Rule {
    name: "service-session-affinity-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`sessionAffinity` is not ClientIP/None, or the ClientIP timeout is not in 1-86400 seconds.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.sessionAffinity` (`None`, the default, or `ClientIP`) and, for ClientIP,
`sessionAffinityConfig.clientIP.timeoutSeconds` (1 to 86400; defaulted to 10800 when absent).
With `None` a `sessionAffinityConfig` is silently dropped by defaulting, not rejected.

## Why is this bad?
The API server refuses the Service.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 0
  ports:
  - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 3600
  ports:
  - port: 80
```

## References
- Session stickiness: <https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity>
"#
    ),
    spec: &["S-12", "S-13", "S-14"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let affinity = super::field_str(&spec, "sessionAffinity");
    let value = affinity.as_ref().map_or("", |(_, v)| v);
    match &affinity {
        None => {
            sink.required(&spec, "sessionAffinity", formats::required("")).help("set `sessionAffinity: None` (the default)");
        }
        Some((c, "")) => {
            sink.field_error(c, ErrorType::Required, formats::required("")).help("set `sessionAffinity: None` (the default)");
        }
        Some((c, v)) if *v != "ClientIP" && *v != "None" => {
            sink.field_error(c, ErrorType::NotSupported, formats::not_supported(v, &["ClientIP", "None"]))
                .help("use `ClientIP` for sticky sessions by client address, or `None`");
        }
        _ => {}
    }
    let config = spec.field("sessionAffinityConfig");
    if value == "None" {
        // Unreachable for v1 input: defaulting removes the config when affinity is None.
        if let Some(c) = &config {
            sink.field_error_at(
                c.key_span(),
                "spec.sessionAffinityConfig",
                ErrorType::Forbidden,
                formats::forbidden("must not be set when session affinity is None"),
            )
            .help("remove `sessionAffinityConfig` or set `sessionAffinity: ClientIP`");
        }
        return;
    }
    if value != "ClientIP" {
        return;
    }
    let detail = "when session affinity type is ClientIP";
    let Some(config) = config else {
        sink.required(&spec, "sessionAffinityConfig", formats::required(detail));
        return;
    };
    let Some(client_ip) = config.field("clientIP") else {
        sink.required(&config, "clientIP", formats::required(detail));
        return;
    };
    let Some(timeout) = client_ip.field("timeoutSeconds") else {
        sink.required(&client_ip, "timeoutSeconds", formats::required(detail));
        return;
    };
    let n = timeout.i64().unwrap_or(0);
    if n <= 0 || n > MAX_TIMEOUT {
        sink.field_error(
            &timeout,
            ErrorType::Invalid,
            formats::invalid_num(n, &format!("must be greater than 0 and less than {MAX_TIMEOUT}")),
        )
        .help("use a timeout between 1 and 86400 seconds (default 10800, three hours)");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |s: &str| hits(&svc(&format!("{s}  ports:\n  - port: 80\n")), r);
        // svc-046, svc-010
        assert_eq!(t("  sessionAffinity: Sticky\n"), pairs(&[("spec.sessionAffinity", "NotSupported")]));
        assert!(t("  sessionAffinity: None\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 300\n").is_empty());
        let cip =
            |n: &str| t(&format!("  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: {n}\n"));
        assert_eq!(cip("0"), pairs(&[("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "Invalid")]));
        assert_eq!(cip("86401"), pairs(&[("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "Invalid")]));
        assert!(cip("86400").is_empty());
        assert!(t("  sessionAffinity: ClientIP\n").is_empty());
    }
}
