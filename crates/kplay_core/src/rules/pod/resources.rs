//! `resources-invalid`: container and pod-level `resources` (R-01..R-11, P-39): resource names,
//! quantities, requests against limits, hugepages and resource claims.
//!
//! Ported from `validateResourceRequirements`, `validateContainerResourceName`,
//! `validateResourceName` and `validatePodResources` in `pkg/apis/core/validation`, with
//! `resourcehelper.AggregateContainerRequests` ([`aggregate`], which the pod-level defaults use
//! too). Quantities
//! are compared after the server's round-up to milli precision; texts that do not decode are
//! left to `quantity-invalid` (decode stage).

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::quantity::Quantity;
use crate::rules::pod::util::{child_or_parent, containers, invalid_each, invalid_each_at, text};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::source::Span;
use crate::yaml::Node;

pub static RESOURCES_INVALID: Rule = Rule {
    name: "resources-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A resource name or quantity in `resources` is not allowed, or a request exceeds its limit.",
    docs: rule_docs!(
        r#"## What it does
Checks `resources` of every container (and the pod-level `spec.resources`): resource names must
be standard (`cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`) or fully qualified
extended resources (`example.com/gpu`); quantities must not be negative; extended resources (and
quota counts such as `pods`, which containers may not request anyway) must be whole numbers;
extended resources must have a limit equal to the request; a request may not exceed its limit;
hugepages need `cpu` or `memory` too and must be a multiple of the page size; `claims` must name
claims of `spec.resourceClaims`, whose entries need unique DNS-label names and exactly one of
`resourceClaimName` and `resourceClaimTemplateName`. Pod-level resources (from Kubernetes 1.34) take only `cpu`,
`memory` and `hugepages-<size>` (a malformed name is reported once, as the server does) and must
cover the containers: each pod-level request at least the containers' aggregate request of that resource
(the regular containers and the sidecars add up; an init container needs its own request plus
the sidecars started before it), each pod-level `hugepages-<size>` limit at least the containers'
aggregate limit of that size (hugepages cannot be overcommitted), and no regular container's
limit above the pod-level limit. The pod's `overhead` is checked like a container's limits, and
the server reports it under `spec.overhead.limits[<name>]`.

## Why is this bad?
The API server rejects the object. A request above the limit cannot be satisfied by the kubelet,
and an unknown unqualified name such as `gpu` is never scheduled.

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
      resources:
        requests:
          cpu: "2"
        limits:
          cpu: "1"
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
      resources:
        requests:
          cpu: 500m
        limits:
          cpu: "1"
```

## References
- Resource management for pods and containers: <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
- `validateResourceRequirements` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["R-01", "R-02", "R-03", "R-04", "R-05", "R-06", "R-07", "R-08", "R-09", "R-10", "R-11", "P-39"],
    check: Some(check),
};

/// `standardResources` of `pkg/apis/core/helper` (names valid without a prefix anywhere).
const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

pub(crate) fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `IsQuotaHugePageResourceName`: `hugepages-` or the quota form `requests.hugepages-` (both count
/// as standard resource names, though only the first is a container resource).
fn is_quota_hugepages(name: &str) -> bool {
    is_hugepages(name) || name.starts_with("requests.hugepages-")
}

/// `IsSupportedPodLevelResource`: cpu, memory and hugepages.
pub(crate) fn is_pod_level(name: &str) -> bool {
    matches!(name, "cpu" | "memory") || is_hugepages(name)
}

/// A resource's aggregate over a pod's containers, with the span of the entry it came from (the
/// first one added, or the larger init container's).
pub(crate) type Aggregate = Vec<(String, Quantity, Span)>;

/// `resourcehelper.AggregateContainerRequests` / `AggregateContainerLimits` (`list` is
/// `requests` or `limits`) over `containers` and `initContainers`: the regular containers and
/// the sidecars (`restartPolicy: Always`) add up; an init container needs its own amount plus
/// the sidecars started before it; per resource the larger of the two. Only resources some
/// container lists take part; quantities that do not parse are left out.
pub(crate) fn aggregate(spec: &Node, list: &str) -> Aggregate {
    fn add(acc: &mut Aggregate, name: &str, q: Quantity, span: Span) {
        match acc.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, a, _)) => a.milli += q.milli,
            None => acc.push((name.to_string(), q, span)),
        }
    }
    fn max_into(acc: &mut Aggregate, other: &Aggregate) {
        for (n, q, span) in other {
            match acc.iter_mut().find(|(m, _, _)| m == n) {
                Some(e) if q.milli > e.1.milli => *e = (n.clone(), *q, *span),
                Some(_) => {}
                None => acc.push((n.clone(), *q, *span)),
            }
        }
    }
    let entries = |c: &Node| -> Aggregate {
        let mut out = Aggregate::new();
        for e in c.path(&["resources", list]).and_then(Node::as_map).unwrap_or(&[]) {
            if let (Some(k), Some(q)) = (e.key.text(), e.value.text().and_then(Quantity::parse)) {
                add(&mut out, k, q, e.value.span);
            }
        }
        out
    };
    let items = |key: &str| spec.get(key).and_then(Node::as_seq).unwrap_or(&[]);
    let mut total = Aggregate::new();
    for c in items("containers") {
        for (n, q, span) in entries(c) {
            add(&mut total, &n, q, span);
        }
    }
    let (mut sidecars, mut init) = (Aggregate::new(), Aggregate::new());
    for c in items("initContainers") {
        let own = entries(c);
        let needs = if c.get("restartPolicy").and_then(Node::text) == Some("Always") {
            for (n, q, span) in &own {
                add(&mut total, n, *q, *span);
                add(&mut sidecars, n, *q, *span);
            }
            sidecars.clone()
        } else {
            let mut needs = own;
            for (n, q, span) in &sidecars {
                add(&mut needs, n, *q, *span);
            }
            needs
        };
        max_into(&mut init, &needs);
    }
    max_into(&mut total, &init);
    total
}

fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`: not native, not `requests.`-prefixed, and `requests.<name>` is a
/// qualified name.
fn is_extended(name: &str) -> bool {
    !is_native(name) && !name.starts_with("requests.") && formats::qualified_name_msgs(&format!("requests.{name}")).is_empty()
}

/// `integerResources` of `pkg/apis/core/helper`: the object counts of quotas.
const INTEGER_RESOURCES: &[&str] = &[
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

/// `IsIntegerResourceName`: an object count or an extended resource.
fn is_integer_resource(name: &str) -> bool {
    INTEGER_RESOURCES.contains(&name) || is_extended(name)
}

fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

/// `validateResourceName`: qualified name, then (unprefixed) a standard resource.
fn resource_name_msgs(name: &str) -> Vec<String> {
    let msgs = formats::qualified_name_msgs(name);
    if !msgs.is_empty() {
        return msgs;
    }
    if !name.contains('/') && !STANDARD_RESOURCES.contains(&name) && !is_quota_hugepages(name) {
        return vec!["must be a standard resource type or fully qualified".to_string()];
    }
    Vec::new()
}

/// `validateContainerResourceName`.
fn container_resource_name_msgs(name: &str) -> Vec<String> {
    let mut msgs = resource_name_msgs(name);
    if !name.contains('/') {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_hugepages(name) {
            msgs.push("must be a standard resource for containers".to_string());
        }
    } else if !is_native(name) && !is_extended(name) {
        msgs.push("doesn't follow extended resource name standard".to_string());
    }
    msgs
}

/// The page size in bytes of `hugepages-<size>`, when it parses to a positive whole number.
fn hugepage_size(name: &str) -> Option<i128> {
    let q = Quantity::parse(name.strip_prefix("hugepages-")?)?;
    (q.milli > 0 && q.is_integer()).then_some(q.milli / 1000)
}

/// `Quantity.Value()`: rounded up to a whole number.
fn whole(q: &Quantity) -> i128 {
    let v = q.milli / 1000;
    if q.milli % 1000 > 0 {
        v + 1
    } else {
        v
    }
}

struct Level {
    /// Pod-level resources use other name rules and may not have claims.
    pod: bool,
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let claim_names: HashSet<&str> = spec
        .field("resourceClaims")
        .map(|rc| rc.items().filter_map(|(_, c)| c.field("name").and_then(|n| n.str()).filter(|n| !n.is_empty())).collect())
        .unwrap_or_default();
    if let Some(rc) = spec.field("resourceClaims") {
        pod_claims(sink, ctx.values(), &rc);
    }
    // Ephemeral containers too: `validateContainerCommon` checks their resources, and
    // `validateEphemeralContainers` then forbids them (`ephemeral-container-invalid`).
    for (_, c) in containers(&spec) {
        if let Some(r) = c.field("resources") {
            requirements(sink, &r, &Level { pod: false }, &claim_names);
        }
    }
    if let Some(o) = spec.field("overhead") {
        overhead(sink, &o);
    }
    // PodLevelResources: beta and on by default from 1.34.
    if ctx.opts.kube_version.at_least(34) {
        if let Some(r) = spec.field("resources") {
            if let Some(claims) = r.field("claims") {
                sink.field_error(
                    &crate::rules::pod::util::whole(&claims),
                    ErrorType::Forbidden,
                    formats::forbidden("claims cannot be set for Resources at pod-level"),
                )
                .help("declare resource claims on the containers");
            }
            requirements(sink, &r, &Level { pod: true }, &claim_names);
            pod_consistency(sink, &spec, &r);
        }
    }
}

/// The parsed entries of `limits` or `requests`.
fn list<'a>(r: &Cur<'a>, key: &str) -> Vec<(&'a str, Cur<'a>, Option<Quantity>)> {
    r.field(key).map_or_else(Vec::new, |l| l.entries().map(|(k, v)| (k, v.clone(), v.text().and_then(Quantity::parse))).collect())
}

fn requirements(sink: &mut Sink<'_>, r: &Cur<'_>, level: &Level, claims: &HashSet<&str>) {
    let lim_path = r.child_path("limits");
    let req_path = r.child_path("requests");
    let limits = list(r, "limits");
    let requests = list(r, "requests");
    let (mut cpu_mem, mut huge) = (false, false);
    for (is_limit, entries) in [(true, &limits), (false, &requests)] {
        for (name, v, q) in entries {
            name_and_value(sink, name, v, q.as_ref(), level);
            if is_hugepages(name) {
                huge = true;
                hugepage_multiple(sink, name, v, q.as_ref());
            }
            if matches!(*name, "cpu" | "memory") {
                cpu_mem = true;
            }
            if is_limit {
                continue;
            }
            let limit = limits.iter().find(|(n, _, _)| n == name);
            match (limit, q) {
                (Some((_, _, Some(l))), Some(q)) => {
                    if q.milli != l.milli && !overcommit_allowed(name) {
                        sink.field_error_at(
                            v.span(),
                            &req_path,
                            ErrorType::Invalid,
                            formats::invalid(&q.canonical(), &format!("must be equal to {name} limit of {}", l.canonical())),
                        )
                        .help(format!("set the request of `{name}` equal to its limit (it cannot be overcommitted)"));
                    } else if q.milli > l.milli {
                        sink.field_error_at(
                            v.span(),
                            &req_path,
                            ErrorType::Invalid,
                            formats::invalid(&q.canonical(), &format!("must be less than or equal to {name} limit of {}", l.canonical())),
                        )
                        .help(format!("lower the request of `{name}` or raise its limit"));
                    }
                }
                (None, _) if !overcommit_allowed(name) => {
                    sink.field_error_at(
                        v.key_span(),
                        &lim_path,
                        ErrorType::Required,
                        formats::required("Limit must be set for non overcommitable resources"),
                    )
                    .help(format!("add a limit for `{name}` equal to the request"));
                }
                _ => {}
            }
        }
    }
    if !cpu_mem && huge {
        sink.field_error_at(r.key_span(), &r.path, ErrorType::Forbidden, formats::forbidden("HugePages require cpu or memory"))
            .help("request `cpu` or `memory` together with hugepages");
    }
    if level.pod {
        return;
    }
    if let Some(cl) = r.field("claims") {
        claim_names(sink, &cl, claims);
    }
}

/// `validateResourceQuantityHugePageValue`: a hugepages quantity is a whole multiple of its page
/// size.
fn hugepage_multiple(sink: &mut Sink<'_>, name: &str, v: &Cur<'_>, q: Option<&Quantity>) {
    let Some(q) = q else { return };
    let divisible = hugepage_size(name).is_some_and(|size| whole(q) % size == 0);
    if !divisible {
        let c = q.canonical();
        sink.field_error(v, ErrorType::Invalid, formats::invalid(&c, &format!("{c} is not positive integer multiple of {name}")))
            .help("use a whole multiple of the page size");
    }
}

/// `validateOverhead`: `ValidateContainerResourceRequirements(&{Limits: overhead}, nil,
/// spec.overhead)`, so each entry is checked as a container limit and reported under
/// `spec.overhead.limits[<name>]` (sic: the field has no `limits`), and hugepages without `cpu`
/// or `memory` are Forbidden on `spec.overhead`. These are validation errors: the RuntimeClass
/// plugin's refusal of an overhead without a class comes after validation, only for a valid Pod.
fn overhead(sink: &mut Sink<'_>, o: &Cur<'_>) {
    let (mut cpu_mem, mut huge) = (false, false);
    for (name, v) in o.entries() {
        let v = Cur { path: format!("{}.limits[{name}]", o.path), ..v };
        let q = v.text().and_then(Quantity::parse);
        name_and_value(sink, name, &v, q.as_ref(), &Level { pod: false });
        if is_hugepages(name) {
            huge = true;
            hugepage_multiple(sink, name, &v, q.as_ref());
        }
        cpu_mem |= matches!(name, "cpu" | "memory");
    }
    if huge && !cpu_mem {
        sink.field_error_at(o.key_span(), &o.path, ErrorType::Forbidden, formats::forbidden("HugePages require cpu or memory"))
            .help("add `cpu` or `memory` to the overhead together with hugepages");
    }
}

/// `validatePodResourceClaims`: each claim's name is a unique DNS-1123 label, and it names
/// exactly one source, a ResourceClaim or a ResourceClaimTemplate (DNS subdomains).
fn pod_claims(sink: &mut Sink<'_>, values: formats::Values, list: &Cur<'_>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for (_, c) in list.items() {
        let name = text(&c, "name");
        let name_cur = child_or_parent(&c, "name");
        if name.is_empty() {
            sink.field_error(&name_cur, ErrorType::Required, formats::required(""))
                .help("name the claim, as the containers' `resources.claims` refer to it");
        } else if !seen.insert(name) {
            sink.field_error(&name_cur, ErrorType::Duplicate, formats::duplicate(name)).help("give each pod resource claim its own name");
        } else {
            invalid_each(sink, &name_cur, name, formats::dns1123_label_msgs(name), "use lowercase letters, digits and `-` (at most 63)");
        }
        let claim = c.field("resourceClaimName");
        let template = c.field("resourceClaimTemplateName");
        if claim.is_some() == template.is_some() {
            // `field.Invalid` prints the struct: `%#v` before 1.34 (a set pointer as an address),
            // JSON from 1.34 (a set pointer as its string).
            let ptr = |p: &Option<Cur<'_>>| values.pointer("*string", p.as_ref().map(|c| values.string(c.text().unwrap_or(""))));
            let value = values.go_struct(
                "core.PodResourceClaim",
                &[("Name", values.string(name)), ("ResourceClaimName", ptr(&claim)), ("ResourceClaimTemplateName", ptr(&template))],
            );
            let detail = if claim.is_some() {
                "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"
            } else {
                "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"
            };
            sink.field_error(&c, ErrorType::Invalid, format!("Invalid value: {value}: {detail}"))
                .help("set either `resourceClaimName` (an existing ResourceClaim) or `resourceClaimTemplateName` (a claim per pod)");
        }
        for f in [claim, template].into_iter().flatten() {
            let v = f.text().unwrap_or("");
            invalid_each(sink, &f, v, formats::dns1123_subdomain_msgs(v), "use the object's name: lowercase letters, digits, `-` and `.`");
        }
    }
}

/// `validateResourceClaimNames`, in its order: a name, then (unless the name alone was listed
/// before) the request as a DNS-1123 label and the `name/request` key against earlier entries,
/// then the name against `spec.resourceClaims`.
fn claim_names(sink: &mut Sink<'_>, cl: &Cur<'_>, pod_claims: &HashSet<&str>) {
    let mut names: HashSet<String> = HashSet::new();
    for (_, c) in cl.items() {
        let name = c.field("name").and_then(|n| n.text()).unwrap_or("");
        if name.is_empty() {
            sink.field_error(&c, ErrorType::Required, formats::required("")).help("name a claim of `spec.resourceClaims`");
            continue;
        }
        if names.contains(name) {
            sink.field_error(&c, ErrorType::Duplicate, formats::duplicate(name)).help("list each claim once");
        } else {
            let request = c.field("request").and_then(|n| n.text()).unwrap_or("");
            let mut key = name.to_string();
            if !request.is_empty() {
                if let Some(rq) = c.field("request") {
                    crate::rules::pod::util::invalid_each(sink, &rq, request, formats::dns1123_label_msgs(request), "use a DNS-1123 label");
                }
                key = format!("{name}/{request}");
            }
            if names.contains(&key) {
                sink.field_error(&c, ErrorType::Duplicate, formats::duplicate(&key)).help("list each claim once");
            } else if request.is_empty() {
                // One error per earlier `name/<request>` of the same claim.
                for k in &names {
                    if k.split_once('/').is_some_and(|(n, _)| n == name) {
                        sink.field_error(&c, ErrorType::Duplicate, formats::duplicate(name))
                            .help("a claim listed as a whole already covers its requests");
                    }
                }
            }
            names.insert(key);
        }
        if !pod_claims.contains(name) {
            // `field.NotFound` with a Detail set by hand: the names in sorted order.
            let mut known: Vec<&str> = pod_claims.iter().copied().collect();
            crate::sort::sort(&mut known);
            let detail = if known.is_empty() {
                "must be one of the names in pod.spec.resourceClaims which is empty".to_string()
            } else {
                format!("must be one of the names in pod.spec.resourceClaims: {}", known.join(", "))
            };
            sink.field_error(&c, ErrorType::NotFound, format!("{}: {detail}", formats::not_found(name)))
                .help("add the claim to `spec.resourceClaims` or fix the name");
        }
    }
}

/// Name rules and `ValidateResourceQuantityValue` for one entry.
fn name_and_value(sink: &mut Sink<'_>, name: &str, v: &Cur<'_>, q: Option<&Quantity>, level: &Level) {
    let at = Cur { node: v.key.unwrap_or(v.node), key: v.key, path: v.path.clone() };
    if level.pod {
        // `validatePodResourceName`: a malformed name stops there; a well-formed one must be
        // supported at pod level (`sets.List(SupportedPodLevelResources())`, hence `hugepages-`).
        let msgs = resource_name_msgs(name);
        if !msgs.is_empty() {
            invalid_each_at(sink, &at, &v.path, name, msgs, "use a standard resource name");
        } else if !is_pod_level(name) {
            sink.field_error_at(
                at.span(),
                &v.path,
                ErrorType::NotSupported,
                formats::not_supported(name, &["cpu", "hugepages-", "memory"]),
            )
            .help("pod-level resources support `cpu`, `memory` and `hugepages-<size>`; set other resources on the containers");
        }
    } else {
        let msgs = container_resource_name_msgs(name);
        invalid_each_at(
            sink,
            &at,
            &v.path,
            name,
            msgs,
            "use `cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>` or a fully qualified extended resource such as `example.com/gpu`",
        );
    }
    let Some(q) = q else { return };
    if q.is_negative() {
        sink.field_error(v, ErrorType::Invalid, formats::invalid(&q.canonical(), "must be greater than or equal to 0"))
            .help("use a quantity of 0 or more");
    }
    if is_integer_resource(name) && !q.is_integer() {
        sink.field_error(v, ErrorType::Invalid, formats::invalid(&q.canonical(), "must be an integer"))
            .help(format!("`{name}` is counted in whole units"));
    }
}

/// `validatePodResourceConsistency`: a pod request covers the containers' aggregate request of
/// that resource (resources the pod does not request, or no container requests, are skipped);
/// a pod hugepages limit covers the containers' aggregate limit of that size
/// (`AggregateContainerLimits`); no regular container's limit is above the pod limit.
fn pod_consistency(sink: &mut Sink<'_>, spec: &Cur<'_>, r: &Cur<'_>) {
    let pod_req = list(r, "requests");
    let pod_lim = list(r, "limits");
    let regular: Vec<Cur<'_>> = spec.field("containers").map(|l| l.items().map(|(_, c)| c).collect()).unwrap_or_default();
    for (name, agg, _) in aggregate(spec.node, "requests") {
        let Some((_, v, Some(q))) = pod_req.iter().find(|(n, _, _)| *n == name) else { continue };
        if agg.milli > q.milli {
            sink.field_error(
                v,
                ErrorType::Invalid,
                formats::invalid(
                    &q.canonical(),
                    &format!("must be greater than or equal to aggregate container requests of {}", agg.canonical()),
                ),
            )
            .help("raise the pod-level request or lower the containers' requests (the regular containers and sidecars add up; an init container counts with the sidecars before it)");
        }
    }
    // Hugepages cannot be overcommitted: the pod-level limit covers the containers' aggregate
    // limit too (k/k #131089, in 1.34, the first release kplay checks pod-level resources in).
    for (name, agg, _) in aggregate(spec.node, "limits") {
        if !is_hugepages(&name) {
            continue;
        }
        let Some((_, v, Some(q))) = pod_lim.iter().find(|(n, _, _)| *n == name) else { continue };
        if agg.milli > q.milli {
            sink.field_error(
                v,
                ErrorType::Invalid,
                formats::invalid(
                    &q.canonical(),
                    &format!("must be greater than or equal to aggregate container limits of {}", agg.canonical()),
                ),
            )
            .help("raise the pod-level hugepages limit or lower the containers' limits (hugepages cannot be overcommitted: the regular containers and sidecars add up)");
        }
    }
    for (name, _, q) in &pod_lim {
        let Some(q) = q else { continue };
        for (i, c) in regular.iter().enumerate() {
            let Some(cl) = c.field("resources").and_then(|r| r.field("limits")).and_then(|l| l.field(name)) else { continue };
            let Some(cq) = cl.text().and_then(Quantity::parse) else { continue };
            if cq.milli > q.milli {
                let path = format!("{}.containers[{i}][{name}].limits", r.path);
                sink.field_error_at(
                    cl.span(),
                    &path,
                    ErrorType::Invalid,
                    formats::invalid(&cq.canonical(), &format!("must be less than or equal to pod limits of {}", q.canonical())),
                )
                .help("a container limit may not exceed the pod-level limit");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "resources-invalid";

    /// `validateContainerCommon` checks an ephemeral container's resources too.
    #[test]
    fn ephemeral_container_resources() {
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n  ephemeralContainers:\n  - name: debug\n    image: a:1\n    resources:\n      limits:\n        cpu: 1\n      requests:\n        cpu: 2\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.ephemeralContainers[0].resources.requests", "Invalid")]));
    }

    fn c(res: &str) -> String {
        pod_with(&format!("  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n{res}"))
    }

    fn dep(res: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources:\n{res}"
        )
    }

    /// `standardResources` has `resourcequotas` but no `quota`, and `IsStandardResourceName` also
    /// takes the quota form `requests.hugepages-<size>`; neither is a container resource.
    #[test]
    fn standard_but_not_container_names() {
        assert_eq!(
            crate::rules::pod::util::messages_of(R, &c("      requests:\n        quota: 1\n")),
            [
                "Invalid value: \"quota\": must be a standard resource type or fully qualified",
                "Invalid value: \"quota\": must be a standard resource for containers",
            ]
        );
        assert_eq!(
            crate::rules::pod::util::messages_of(R, &c("      requests:\n        requests.hugepages-2Mi: 2Mi\n")),
            ["Invalid value: \"requests.hugepages-2Mi\": must be a standard resource for containers"]
        );
        // At pod level the quota form is a well-formed name that is not supported there.
        let y = pod_with("  resources:\n    requests:\n      requests.hugepages-2Mi: 2Mi\n  containers:\n  - name: web\n    image: a:1\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.resources.requests[requests.hugepages-2Mi]", "NotSupported")]));
    }

    #[test]
    fn names_and_values() {
        assert_eq!(
            errors_of(R, &c("      requests:\n        memory: -64Mi\n")),
            pairs(&[("spec.containers[0].resources.requests[memory]", "Invalid")])
        );
        // Pods copy the limit into the request first: both are reported.
        assert_eq!(
            errors_of(R, &c("      limits:\n        cpu: -1\n")),
            pairs(&[("spec.containers[0].resources.limits[cpu]", "Invalid"), ("spec.containers[0].resources.requests[cpu]", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("      requests:\n        gpu: 1\n")),
            pairs(&[("spec.containers[0].resources.requests[gpu]", "Invalid"), ("spec.containers[0].resources.requests[gpu]", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("      requests:\n        pods: 1\n")),
            pairs(&[("spec.containers[0].resources.requests[pods]", "Invalid")])
        );
        // `IsIntegerResourceName` covers the quota counts too, not only extended resources.
        for name in ["pods", "services", "secrets", "configmaps", "resourcequotas", "services.nodeports"] {
            assert_eq!(
                crate::rules::pod::util::messages_of(R, &c(&format!("      requests:\n        {name}: 500m\n"))),
                [
                    format!("Invalid value: \"{name}\": must be a standard resource for containers"),
                    "Invalid value: \"500m\": must be an integer".to_string()
                ],
                "{name}"
            );
        }
        assert_eq!(
            errors_of(R, &c("      requests:\n        example.com/gpu: 500m\n      limits:\n        example.com/gpu: 500m\n")),
            pairs(&[
                ("spec.containers[0].resources.limits[example.com/gpu]", "Invalid"),
                ("spec.containers[0].resources.requests[example.com/gpu]", "Invalid")
            ])
        );
        assert_eq!(errors_of(R, &c("      requests:\n        cpu: 100m\n        memory: 1Gi\n")), pairs(&[]));
    }

    #[test]
    fn requests_against_limits() {
        assert_eq!(
            errors_of(R, &c("      requests:\n        cpu: '2'\n      limits:\n        cpu: '1'\n")),
            pairs(&[("spec.containers[0].resources.requests", "Invalid")])
        );
        assert_eq!(errors_of(R, &c("      requests:\n        cpu: 1000m\n      limits:\n        cpu: '1'\n")), pairs(&[]));
        // Templates do not copy limits into requests: an extended resource needs both.
        assert_eq!(
            errors_of(R, &dep("          requests:\n            example.com/gpu: 1\n")),
            pairs(&[("spec.template.spec.containers[0].resources.limits", "Required")])
        );
        assert_eq!(
            errors_of(R, &dep("          requests:\n            example.com/gpu: 1\n          limits:\n            example.com/gpu: 2\n")),
            pairs(&[("spec.template.spec.containers[0].resources.requests", "Invalid")])
        );
    }

    #[test]
    fn hugepages_and_claims() {
        assert_eq!(
            errors_of(R, &dep("          limits:\n            hugepages-2Mi: 3Mi\n          requests:\n            hugepages-2Mi: 3Mi\n")),
            pairs(&[
                ("spec.template.spec.containers[0].resources", "Forbidden"),
                ("spec.template.spec.containers[0].resources.limits[hugepages-2Mi]", "Invalid"),
                ("spec.template.spec.containers[0].resources.requests[hugepages-2Mi]", "Invalid")
            ])
        );
        let y = pod_with(
            "  resourceClaims:\n  - name: gpu\n    resourceClaimName: gpu\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      claims:\n      - name: gpu\n      - name: gpu\n      - name: tpu\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[("spec.containers[0].resources.claims[1]", "Duplicate"), ("spec.containers[0].resources.claims[2]", "NotFound")])
        );
    }

    /// A plain `1e3` is the float 1000 in kubectl's YAML, sent as the JSON number 1000: the server's
    /// quantity is `1k`. Quoted, "2e3" stays a string and keeps its exponent form.
    #[test]
    fn exponent_numbers_are_json_numbers() {
        let y = c("      limits:\n        cpu: 1e3\n      requests:\n        cpu: 2E3\n");
        assert_eq!(crate::rules::pod::util::messages_of(R, &y), ["Invalid value: \"2k\": must be less than or equal to cpu limit of 1k"]);
        let y = c("      limits:\n        cpu: 1e3\n      requests:\n        cpu: \"2e3\"\n");
        assert_eq!(crate::rules::pod::util::messages_of(R, &y), ["Invalid value: \"2e3\": must be less than or equal to cpu limit of 1k"]);
    }

    /// `validatePodResources`: claims are forbidden at pod level, with the server's wording.
    #[test]
    fn pod_level_claims() {
        let y = pod_with("  resources:\n    limits:\n      cpu: \"1\"\n    claims:\n    - name: x\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.resources.claims", "Forbidden")]));
        assert_eq!(crate::rules::pod::util::messages_of(R, &y), ["Forbidden: claims cannot be set for Resources at pod-level"]);
    }

    /// `validatePodResourceClaims`: names (Required, Duplicate, DNS label) and exactly one
    /// source, printed as the struct `field.Invalid` gets.
    #[test]
    fn pod_resource_claims() {
        use crate::rules::pod::util::messages_of;
        let y = pod_with(
            "  resourceClaims:\n  - name: ''\n  - name: Bad_N\n    resourceClaimName: c\n    resourceClaimTemplateName: t\n  - name: ok\n  - name: ok\n    resourceClaimName: x_y\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.resourceClaims[0]", "Invalid"),
                ("spec.resourceClaims[0].name", "Required"),
                ("spec.resourceClaims[1]", "Invalid"),
                ("spec.resourceClaims[1].name", "Invalid"),
                ("spec.resourceClaims[2]", "Invalid"),
                ("spec.resourceClaims[3].name", "Duplicate"),
                ("spec.resourceClaims[3].resourceClaimName", "Invalid")
            ])
        );
        // `%#v` before 1.34 (set pointers as addresses), JSON from 1.34.
        let msgs = crate::rules::pod::util::messages_of_version(R, &y, crate::KubeVersion::new(33));
        assert!(msgs.contains(&"Invalid value: core.PodResourceClaim{Name:\"Bad_N\", ResourceClaimName:(*string)(0xc000…), ResourceClaimTemplateName:(*string)(0xc000…)}: at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified".to_string()), "{msgs:?}");
        assert!(msgs.contains(&"Invalid value: core.PodResourceClaim{Name:\"ok\", ResourceClaimName:(*string)(nil), ResourceClaimTemplateName:(*string)(nil)}: must specify one of: `resourceClaimName`, `resourceClaimTemplateName`".to_string()), "{msgs:?}");
        let msgs = messages_of(R, &y);
        assert!(msgs.contains(&r#"Invalid value: {"Name":"Bad_N","ResourceClaimName":"c","ResourceClaimTemplateName":"t"}: at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"#.to_string()), "{msgs:?}");
        assert!(msgs.contains(&r#"Invalid value: {"Name":"ok","ResourceClaimName":null,"ResourceClaimTemplateName":null}: must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"#.to_string()), "{msgs:?}");
        let ok = pod_with("  resourceClaims:\n  - name: gpu\n    resourceClaimTemplateName: gpu-template\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(errors_of(R, &ok), pairs(&[]));
    }

    /// `validateResourceClaimNames`: the NotFound detail names the pod's claims, sorted; a whole
    /// claim after one of its requests is a Duplicate of the name.
    #[test]
    fn claim_names_not_found_detail() {
        let msgs = |claims: &str, list: &str| {
            let y =
                pod_with(&format!("{claims}  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      claims:\n{list}"));
            crate::rules::pod::util::messages_of(R, &y)
        };
        assert_eq!(
            msgs("", "      - name: gpu\n"),
            ["Not found: \"gpu\": must be one of the names in pod.spec.resourceClaims which is empty"]
        );
        assert_eq!(
            msgs(
                "  resourceClaims:\n  - name: b\n    resourceClaimName: b\n  - name: a\n    resourceClaimName: a\n",
                "      - name: gpu\n"
            ),
            ["Not found: \"gpu\": must be one of the names in pod.spec.resourceClaims: a, b"]
        );
        assert_eq!(
            msgs(
                "  resourceClaims:\n  - name: a\n    resourceClaimName: a\n",
                "      - name: a\n        request: r1\n      - name: a\n      - name: a\n        request: r1\n"
            ),
            ["Duplicate value: \"a\"", "Duplicate value: \"a\""]
        );
    }

    /// `validatePodResourceName` stops after a malformed name; a well-formed one that pod-level
    /// resources do not support is NotSupported, with the server's list.
    #[test]
    fn pod_level_names() {
        use crate::rules::pod::util::messages_of;
        let p = |l: &str| pod_with(&format!("  resources:\n    limits:\n{l}  containers:\n  - name: web\n    image: nginx:1.27\n"));
        assert_eq!(errors_of(R, &p("      gpu: '1'\n")), pairs(&[("spec.resources.limits[gpu]", "Invalid")]));
        assert_eq!(errors_of(R, &p("      example.com/-foo: '1'\n")), pairs(&[("spec.resources.limits[example.com/-foo]", "Invalid")]));
        assert_eq!(
            messages_of(R, &p("      ephemeral-storage: 1Gi\n")),
            ["Unsupported value: \"ephemeral-storage\": supported values: \"cpu\", \"hugepages-\", \"memory\""]
        );
    }

    /// `validatePodResourceConsistency` compares with `AggregateContainerRequests`: init
    /// containers and sidecars count, and only resources both the pod and a container request.
    #[test]
    fn pod_level_aggregate() {
        use crate::rules::pod::util::messages_of;
        let y = pod_with(
            "  resources:\n    requests:\n      cpu: '1'\n  initContainers:\n  - name: i\n    image: busybox:1.36\n    resources:\n      requests:\n        cpu: '2'\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: 500m\n",
        );
        assert_eq!(errors_of(R, &y), pairs(&[("spec.resources.requests[cpu]", "Invalid")]));
        assert_eq!(messages_of(R, &y), ["Invalid value: \"1\": must be greater than or equal to aggregate container requests of 2"]);
        // A sidecar runs beside the regular containers: 600m + 500m.
        let y =
            y.replace("    image: busybox:1.36\n", "    image: busybox:1.36\n    restartPolicy: Always\n").replace("cpu: '2'", "cpu: 600m");
        assert_eq!(messages_of(R, &y), ["Invalid value: \"1\": must be greater than or equal to aggregate container requests of 1100m"]);
        // No container requests cpu: only the negative value is reported.
        let y = pod_with(
            "  resources:\n    requests:\n      cpu: '-1'\n      memory: 100Mi\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        memory: 10Mi\n",
        );
        assert_eq!(messages_of(R, &y), ["Invalid value: \"-1\": must be greater than or equal to 0"]);
    }

    /// `defaultPodRequests` takes the aggregate too (the larger init container here), and the
    /// pod's hugepage limit becomes its request: then the containers' 4Mi do not fit in 2Mi.
    #[test]
    fn pod_level_defaults() {
        let y = pod_with(
            "  resources:\n    limits:\n      cpu: '2'\n  initContainers:\n  - name: i\n    image: busybox:1.36\n    resources:\n      requests:\n        cpu: 1500m\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: 500m\n",
        );
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", &y)], &crate::Options::default());
        let req = a.objects[0].stored.path(&["spec", "resources", "requests", "cpu"]).and_then(|n| n.text());
        assert_eq!(req, Some("1500m"));
        assert_eq!(errors_of(R, &y), pairs(&[]));
        let y = pod_with(
            "  resources:\n    limits:\n      hugepages-2Mi: 2Mi\n      memory: 1Gi\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      limits:\n        hugepages-2Mi: 4Mi\n        memory: 1Gi\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.resources.containers[0][hugepages-2Mi].limits", "Invalid"),
                ("spec.resources.limits[hugepages-2Mi]", "Invalid"),
                ("spec.resources.requests[hugepages-2Mi]", "Invalid")
            ])
        );
    }

    /// `validatePodResourceConsistency` (k/k #131089): a pod-level hugepages limit covers the
    /// containers' aggregate limit, here a sidecar's and a container's 2Mi each; the pod-level
    /// request defaulted from the limit falls short of the aggregate request too.
    #[test]
    fn pod_level_hugepage_limits() {
        use crate::rules::pod::util::messages_of;
        let y = pod_with(
            "  resources:\n    limits:\n      hugepages-2Mi: 2Mi\n      memory: 2Gi\n  initContainers:\n  - name: proxy\n    image: nginx:1.27\n    restartPolicy: Always\n    resources:\n      limits:\n        hugepages-2Mi: 2Mi\n        memory: 1Gi\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      limits:\n        hugepages-2Mi: 2Mi\n        memory: 1Gi\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[("spec.resources.limits[hugepages-2Mi]", "Invalid"), ("spec.resources.requests[hugepages-2Mi]", "Invalid")])
        );
        assert!(messages_of(R, &y)
            .contains(&"Invalid value: \"2Mi\": must be greater than or equal to aggregate container limits of 4Mi".to_string()));
        // Enough at pod level, or no pod-level limit (then it defaults to the aggregate): valid.
        assert_eq!(errors_of(R, &y.replace("hugepages-2Mi: 2Mi\n      memory: 2Gi", "hugepages-2Mi: 4Mi\n      memory: 2Gi")), pairs(&[]));
        assert_eq!(errors_of(R, &y.replace("      hugepages-2Mi: 2Mi\n      memory: 2Gi", "      memory: 2Gi")), pairs(&[]));
    }

    #[test]
    fn pod_level() {
        // The pod-level request defaults to the containers' sum (2), above the pod limit (1).
        let y = pod_with(
            "  resources:\n    limits:\n      cpu: '1'\n  containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      limits:\n        cpu: '2'\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[("spec.resources.containers[0][cpu].limits", "Invalid"), ("spec.resources.requests", "Invalid")])
        );
    }

    /// `validateOverhead` checks `spec.overhead` as a container's limits, with the path
    /// `spec.overhead.limits[<name>]`: a negative quantity, an unqualified unknown name (two
    /// messages), a hugepages size that is not a multiple of the page, and hugepages without
    /// cpu or memory (Forbidden on `spec.overhead`).
    #[test]
    fn overhead_as_limits() {
        use crate::rules::pod::util::messages_of;
        let y = pod_with("  overhead:\n    cpu: '-1'\n    gpu: '1'\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.overhead.limits[cpu]", "Invalid"),
                ("spec.overhead.limits[gpu]", "Invalid"),
                ("spec.overhead.limits[gpu]", "Invalid")
            ])
        );
        assert!(messages_of(R, &y).contains(&"Invalid value: \"-1\": must be greater than or equal to 0".to_string()));
        let huge = pod_with("  overhead:\n    hugepages-2Mi: 3Mi\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(errors_of(R, &huge), pairs(&[("spec.overhead", "Forbidden"), ("spec.overhead.limits[hugepages-2Mi]", "Invalid")]));
        let ok = pod_with("  overhead:\n    cpu: 250m\n    memory: 120Mi\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        assert_eq!(errors_of(R, &ok), pairs(&[]));
    }
}
