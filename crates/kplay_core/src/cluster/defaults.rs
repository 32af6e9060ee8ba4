//! Server-side defaulting (`pkg/apis/*/v1/defaults.go`): fills `Object::stored`. One file per
//! API area; this module only dispatches on the kind.

use crate::admission::Lookups;
use crate::analysis::Options;
use crate::model::Object;

mod ingress;
mod label_keys;
mod pod;
mod service;
mod workload;
mod zero;

pub use pod::ControllerPodSpec;
pub(crate) use pod::{NameSlot, PodNamed, Step};

/// Applies the v1 defaults of the object's kind to `obj.stored`, after the Go zero values the
/// server's decoder gives missing or null structs ([`zero`]). A Pod also gets what the default
/// admission plugins add, with its priority from `lookups`.
pub fn apply(obj: &mut Object, opts: &Options, lookups: &Lookups) {
    zero::apply(obj, opts);
    match obj.kind.as_str() {
        "Pod" => pod::pod(obj, opts, lookups),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicationController" => {
            workload::workload(obj, opts);
        }
        "Service" => service::service(obj, opts),
        "Ingress" | "IngressClass" => ingress::ingress(obj, opts),
        "EndpointSlice" => service::endpoint_slice(obj, opts),
        _ => {}
    }
}
