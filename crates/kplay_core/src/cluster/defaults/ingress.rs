//! Defaults for ingress objects (`pkg/apis/networking/v1/defaults.go`).

use super::pod::{child_mut, default_nil, str_node};
use crate::analysis::Options;
use crate::model::Object;

pub fn ingress(obj: &mut Object, opts: &Options) {
    let _ = opts;
    if obj.kind == "IngressClass" {
        ingress_class(obj);
    }
}

/// `SetDefaults_IngressClass`: a `spec.parameters` reference without `scope` (absent or null,
/// both a nil pointer in Go) gets `scope: Cluster`. Defaulting runs before validation, so the
/// "scope: Required value" of `validateIngressClassParametersReference` is unreachable for v1.
fn ingress_class(obj: &mut Object) {
    let Some((_, spec)) = child_mut(&mut obj.stored, "spec") else { return };
    let Some((anchor, params)) = child_mut(spec, "parameters") else { return };
    default_nil(params, anchor, "scope", |s| str_node(s, "Cluster"));
}
