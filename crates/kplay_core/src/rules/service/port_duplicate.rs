//! `service-port-duplicate`: the same (protocol, port) twice in one Service.

use crate::diagnostic::{ErrorType, Severity};
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
pair as the Go struct it compares: `spec.ports[1]: Duplicate value: core.ServicePort{Name:"",
Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, ...}`.

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
                format!("Duplicate value: {}", go_port_key(proto, n)),
            )
            .help("each (protocol, port) pair may appear once: change the port number or merge the entries")
            .secondary(file, first, "first used here");
        } else {
            seen.push((proto, n, span));
        }
    }
}

/// How `field.Duplicate(portPath, key)` prints the key `ValidateService` builds,
/// `core.ServicePort{Protocol: port.Protocol, Port: port.Port}`: the internal type has no
/// `String()`, so `field.Error` falls back to Go's `%#v`, every other field at its zero value.
fn go_port_key(protocol: &str, port: i64) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        crate::rules::formats::quote(protocol)
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
        let a = run(&svc("  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 80\n    targetPort: 8080\n"), 34);
        let msgs: Vec<&str> = a.diagnostics.iter().filter(|d| d.rule == super::RULE.name).map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"]
        );
    }
}
