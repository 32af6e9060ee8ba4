//! `dns-config-invalid`: `spec.dnsConfig` and its relation to `dnsPolicy: None` (P-05..P-07),
//! ported from `validatePodDNSConfig`.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{invalid_each, text, whole};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static DNS_CONFIG_INVALID: Rule = Rule {
    name: "dns-config-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`dnsConfig` is missing for `dnsPolicy: None`, or has invalid nameservers, searches or options.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.dnsConfig`: with `dnsPolicy: None` it must exist and list at least one nameserver;
at most 3 nameservers, each an IP address; at most 32 search domains, 2048 characters in all,
each a DNS subdomain (a trailing dot is fine; underscores allowed from 1.33); options need a
name.

## Why is this bad?
The API server rejects the object. With `dnsPolicy: None` the pod gets no DNS settings at all
except those in `dnsConfig`, so a resolver without nameservers could never resolve anything.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  dnsPolicy: None
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
  dnsPolicy: None
  dnsConfig:
    nameservers:
      - 10.96.0.10
    searches:
      - default.svc.cluster.local
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Pod's DNS config: <https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config>
- `validatePodDNSConfig` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-05", "P-06", "P-07"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let v = ctx.opts.kube_version;
    let cfg = spec.field("dnsConfig");
    let none = text(&spec, "dnsPolicy") == "None";
    if none {
        match &cfg {
            None => {
                let at = spec.field("dnsPolicy").unwrap_or_else(|| spec.clone());
                sink.field_error_at(
                    at.span(),
                    &spec.child_path("dnsConfig"),
                    ErrorType::Required,
                    formats::required("must provide `dnsConfig` when `dnsPolicy` is None"),
                )
                .help("add `dnsConfig` with `nameservers`, or use another `dnsPolicy`");
                return;
            }
            Some(c) if c.field("nameservers").is_none_or(|n| n.is_empty()) => {
                sink.required(c, "nameservers", formats::required("must provide at least one DNS nameserver when `dnsPolicy` is None"))
                    .help("list at least one nameserver IP");
                return;
            }
            Some(_) => {}
        }
    }
    let Some(cfg) = cfg else { return };
    if let Some(ns) = cfg.field("nameservers") {
        if ns.len() > 3 {
            // The bad value is the whole `[]string` (`%#v` before 1.34, JSON from 1.34).
            let list = ctx.values().string_slice(ns.items().map(|(_, x)| x.node.text().unwrap_or("")));
            sink.field_error(&whole(&ns), ErrorType::Invalid, format!("Invalid value: {list}: must not have more than 3 nameservers"))
                .help("list at most 3 nameservers");
        }
        // IsValidIPForLegacyField: strict (StrictIPCIDRValidation) from 1.36.
        let strict = v.at_least(36);
        for (_, n) in ns.items() {
            let t = n.text().unwrap_or("");
            invalid_each(sink, &n, t, formats::ip_msgs(t, strict), "use an IP address such as 10.96.0.10");
        }
    }
    if let Some(s) = cfg.field("searches") {
        let items: Vec<&str> = s.items().map(|(_, x)| x.node.text().unwrap_or("")).collect();
        let list = ctx.values().string_slice(items.iter().copied());
        if items.len() > 32 {
            sink.field_error(&whole(&s), ErrorType::Invalid, format!("Invalid value: {list}: must not have more than 32 search paths"))
                .help("list at most 32 search domains");
        }
        if items.join(" ").len() > 2048 {
            sink.field_error(
                &whole(&s),
                ErrorType::Invalid,
                format!("Invalid value: {list}: must not have more than 2048 characters (including spaces) in the search list"),
            )
            .help("shorten the search list");
        }
        // RelaxedDNSSearchValidation: beta (on) from 1.33.
        let relaxed = v.at_least(33);
        for (_, x) in s.items() {
            let raw = x.text().unwrap_or("");
            let d = raw.strip_suffix('.').unwrap_or(raw);
            let msgs = if relaxed {
                if raw == "." {
                    Vec::new()
                } else {
                    formats::dns1123_subdomain_with_underscore_msgs(d)
                }
            } else {
                formats::dns1123_subdomain_msgs(d)
            };
            invalid_each(sink, &x, d, msgs, "use a DNS domain such as `svc.cluster.local`");
        }
    }
    if let Some(o) = cfg.field("options") {
        for (_, x) in o.items() {
            if text(&x, "name").is_empty() {
                sink.field_error(&x, ErrorType::Required, formats::required("must not be empty"))
                    .help("give the option a `name`, e.g. `ndots`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "dns-config-invalid";

    fn p(extra: &str) -> String {
        pod_with(&format!("{extra}  containers:\n  - name: web\n    image: nginx:1.27\n"))
    }

    /// `validatePodDNSConfig`: `Required(options[i], "must not be empty")`.
    #[test]
    fn empty_option_name_message() {
        let y = p("  dnsConfig:\n    options:\n    - value: '2'\n");
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", &y)], &crate::Options::default());
        let msgs: Vec<&str> = a.diagnostics.iter().filter(|d| d.rule == R).map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["Required value: must not be empty"]);
    }

    /// `field.Invalid(nameservers, dnsConfig.Nameservers, …)`: the value is the whole list.
    #[test]
    fn too_many_nameservers_message_shows_the_list() {
        let y = p("  dnsConfig:\n    nameservers: [1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4]\n");
        // `%#v` before 1.34, JSON from 1.34.
        let msgs = |minor| crate::rules::pod::util::messages_of_version(R, &y, crate::KubeVersion::new(minor));
        assert_eq!(
            msgs(33),
            [r#"Invalid value: []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"}: must not have more than 3 nameservers"#]
        );
        assert_eq!(msgs(34), [r#"Invalid value: ["1.1.1.1","2.2.2.2","3.3.3.3","4.4.4.4"]: must not have more than 3 nameservers"#]);
    }

    #[test]
    fn table() {
        assert_eq!(errors_of(R, &p("  dnsPolicy: None\n")), pairs(&[("spec.dnsConfig", "Required")]));
        assert_eq!(
            errors_of(R, &p("  dnsPolicy: None\n  dnsConfig:\n    searches: [a.b]\n")),
            pairs(&[("spec.dnsConfig.nameservers", "Required")])
        );
        assert_eq!(
            errors_of(R, &p("  dnsConfig:\n    nameservers: [1.1.1.1, 2.2.2.2, 3.3.3.3, 'x']\n    searches: ['A.b', 'ns.svc.', '_srv.example.com']\n    options:\n    - value: '1'\n")),
            pairs(&[
                ("spec.dnsConfig.nameservers", "Invalid"),
                ("spec.dnsConfig.nameservers[3]", "Invalid"),
                ("spec.dnsConfig.options[0]", "Required"),
                ("spec.dnsConfig.searches[0]", "Invalid")
            ])
        );
        assert_eq!(errors_of(R, &p("  dnsPolicy: None\n  dnsConfig:\n    nameservers: [10.96.0.10]\n")), pairs(&[]));
    }
}
