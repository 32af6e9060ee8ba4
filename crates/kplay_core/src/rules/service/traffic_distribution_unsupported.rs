//! `service-traffic-distribution-unsupported`: an unknown `trafficDistribution` value.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-traffic-distribution-unsupported",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary:
        "`trafficDistribution` is not a value the cluster's version supports (PreferClose; from 1.34 also PreferSameZone, PreferSameNode).",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.trafficDistribution`. Kubernetes 1.31–1.33 accept only `PreferClose`; from 1.34
(PreferSameTrafficDistribution on by default) also `PreferSameZone` and `PreferSameNode`. In 1.30
the field is behind an alpha gate and silently dropped.

## Why is this bad?
The API server refuses the Service with "Unsupported value".

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  trafficDistribution: PreferLocal
  selector:
    app: web
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
  trafficDistribution: PreferSameZone
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Traffic distribution: <https://kubernetes.io/docs/concepts/services-networking/service/#traffic-distribution>
"#
    ),
    spec: &["S-30"],
    check: Some(check),
};

/// The values a version accepts (`None`: the field is dropped before validation).
pub(crate) fn supported(minor: u16) -> Option<&'static [&'static str]> {
    match minor {
        0..=30 => None,
        31..=33 => Some(&["PreferClose"]),
        _ => Some(&["PreferClose", "PreferSameZone", "PreferSameNode"]),
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some((c, v)) = super::field_str(&spec, "trafficDistribution") else { return };
    let Some(values) = supported(ctx.opts.kube_version.minor) else { return };
    if !values.contains(&v) {
        sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, values)).help(format!("use one of {}", values.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, hits_at, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let y = |v: &str| svc(&format!("  trafficDistribution: {v}\n  ports:\n  - port: 80\n"));
        // svc-061
        assert_eq!(hits(&y("Closest"), r), pairs(&[("spec.trafficDistribution", "NotSupported")]));
        assert!(hits(&y("PreferSameNode"), r).is_empty());
        assert_eq!(hits_at(&y("PreferSameNode"), r, 33), pairs(&[("spec.trafficDistribution", "NotSupported")]));
        assert!(hits_at(&y("Closest"), r, 30).is_empty());
    }
}
