//! `ingressclass-controller-invalid`: an IngressClass without a valid controller name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const MAX_LEN: usize = 250;

pub static RULE: Rule = Rule {
    name: "ingressclass-controller-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.controller` of an IngressClass is missing, longer than 250, or not a domain-prefixed path like `k8s.io/ingress-nginx`.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.controller` of IngressClasses: required, at most 250 characters, and a
domain-prefixed path: a DNS subdomain, `/`, and a non-empty path of URL characters
(`example.com/ingress-controller`).

## Why is this bad?
The API server refuses the IngressClass; controllers find their classes by this name.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: ingress-nginx
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
```

## References
- IngressClass: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class>
"#
    ),
    spec: &[],
    check: Some(check),
};

/// `httpPathFmt`: `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`.
fn is_http_path(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&b))
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if ctx.kind() != "IngressClass" {
        return;
    }
    let root = ctx.root();
    let spec = root.field("spec");
    let c = spec.as_ref().and_then(|s| s.field("controller"));
    let v = c.as_ref().map_or("", super::s);
    let help = "name the controller as it announces itself, e.g. `k8s.io/ingress-nginx`";
    let Some(c) = c.filter(|_| !v.is_empty()) else {
        let d = match &spec {
            Some(s) => sink.required(s, "controller", formats::required("")),
            None => sink.field_error_at(ctx.obj.head_span(), "spec.controller", ErrorType::Required, formats::required("")),
        };
        d.help(help);
        return;
    };
    if v.len() > MAX_LEN {
        sink.field_error(&c, ErrorType::TooLong, format!("Too long: may not be more than {MAX_LEN} bytes")).help(help);
    }
    // `IsDomainPrefixedPath`.
    let (host, path) = v.split_once('/').unwrap_or((v, ""));
    if host.is_empty() || path.is_empty() {
        sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, "must be a domain-prefixed path (such as \"acme.io/foo\")"))
            .help(help);
        return;
    }
    for m in formats::dns1123_subdomain_msgs(host) {
        sink.field_error(&c, ErrorType::Invalid, formats::invalid(host, &m)).help(help);
    }
    if !is_http_path(path) {
        let msg = formats::regex_error("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+", &[]);
        sink.field_error(&c, ErrorType::Invalid, formats::invalid(path, &msg)).help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs};

    fn ic(spec: &str) -> String {
        format!("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n{spec}")
    }

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let c = "spec.controller";
        assert_eq!(hits(&ic("spec:\n  controller: ingress-nginx\n"), r), pairs(&[(c, "Invalid")]));
        assert_eq!(hits(&ic("spec:\n  controller: K8s.io/a b\n"), r), pairs(&[(c, "Invalid"), (c, "Invalid")]));
        assert_eq!(hits(&ic("spec: {}\n"), r), pairs(&[(c, "Required")]));
        assert_eq!(hits(&ic(""), r), pairs(&[(c, "Required")]));
        assert_eq!(hits(&ic(&format!("spec:\n  controller: example.com/{}\n", "a".repeat(250))), r), pairs(&[(c, "TooLong")]));
        assert!(hits(&ic("spec:\n  controller: k8s.io/ingress-nginx\n"), r).is_empty());
    }
}
