//! `service-port-duplicate`: the same (protocol, port) twice in one Service.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats::{IntOrString, Values};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-port-duplicate",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "Two ports of a Service have the same `port` number and protocol.",
    docs: rule_docs!(
        r#"## What it does
Reports a Service port whose `(protocol, port)` pair was already used by an earlier port. The
same number with different protocols (DNS on TCP and UDP 53) is fine. The server prints the
pair as the Go struct it compares, as JSON from Kubernetes 1.34: `spec.ports[1]: Duplicate
value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}`
(before 1.34 in Go syntax: `core.ServicePort{Name:"", Protocol:"TCP", ...}`).

## Why is this bad?
The API server refuses the Service: the cluster IP cannot forward one port to two places.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: metrics
    port: 80
    targetPort: 9090
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
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: metrics
    port: 9090
    targetPort: 9090
```

## References
- Multi-port Services: <https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services>
"#
    ),
    spec: &["S-18"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let mut seen: Vec<(&str, i64, crate::source::Span)> = Vec::new();
    for (i, p) in super::ports(&spec) {
        let (n, c) = super::int_field(&p, "port");
        let proto = super::field_str(&p, "protocol").map_or("", |(_, v)| v);
        let span = c.as_ref().map_or_else(|| super::item_head(&p), crate::rules::Cur::span);
        if let Some(&(_, _, first)) = seen.iter().find(|(pr, num, _)| *pr == proto && *num == n) {
            let file = sink.file;
            sink.field_error_at(
                span,
                &format!("spec.ports[{i}]"),
                ErrorType::Duplicate,
                format!("Duplicate value: {}", go_port_key(ctx.values(), proto, n)),
            )
            .help("each (protocol, port) pair may appear once: change the port number or merge the entries")
            .secondary(file, first, "first used here");
        } else {
            seen.push((proto, n, span));
        }
    }
}

/// How `field.Duplicate(portPath, key)` prints the key `ValidateService` builds,
/// `core.ServicePort{Protocol: port.Protocol, Port: port.Port}`, every other field at its zero
/// value: the internal type has no `String()`, so `%#v` before 1.34 (the zero `TargetPort`
/// spelled out), JSON from 1.34 (Go field names; the zero `IntOrString` marshals as `0`).
fn go_port_key(values: Values, protocol: &str, port: i64) -> String {
    let target = match values {
        Values::GoSyntax => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_string(),
        Values::Json => values.int_or_string(IntOrString::Int(0)),
    };
    values.go_struct(
        "core.ServicePort",
        &[
            ("Name", values.string("")),
            ("Protocol", values.string(protocol)),
            ("AppProtocol", values.pointer("*string", None)),
            ("Port", port.to_string()),
            ("TargetPort", target),
            ("NodePort", "0".to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, run, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(
            hits(&svc("  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 80\n"), r),
            pairs(&[("spec.ports[1]", "Duplicate")])
        );
        assert!(hits(&svc("  ports:\n  - name: a\n    port: 53\n  - name: b\n    port: 53\n    protocol: UDP\n"), r).is_empty());
    }

    #[test]
    fn the_value_is_the_go_struct_key() {
        let msgs = |minor| -> Vec<String> {
            let a = run(&svc("  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 80\n    targetPort: 8080\n"), minor);
            a.diagnostics.iter().filter(|d| d.rule == super::RULE.name).map(|d| d.message.clone()).collect()
        };
        // `%#v` before 1.34, JSON from 1.34 (internal type: Go field names).
        assert_eq!(
            msgs(33),
            ["Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"]
        );
        assert_eq!(msgs(34), [r#"Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}"#]);
    }
}
