//! Rules of the `pod` group: PodSpec, containers, ports, env, resources, probes and volumes, for
//! Pods and for the pod templates of workloads (via `Ctx::pod_spec`). Each rule is one file;
//! list it once in `RULES`.
//!
//! StatefulSets are the exception: the API server does not validate their template's pod spec,
//! only the pods their controller creates from it. The pod rules still run on that template (on
//! the pod as the controller builds it: claim-template volumes, host name, subdomain) and report
//! server errors as usual; the pipeline then turns those the server does not return for the
//! StatefulSet into `statefulset-pod-invalid` warnings (see [`statefulset_pod_invalid`]).

use super::Rule;

pub mod admission;
pub mod affinity;
pub mod container_image;
pub mod container_name;
pub mod container_policy;
pub mod container_port;
pub mod dns_config;
pub mod env_source;
pub mod env_var_name;
pub mod ephemeral_container;
pub mod host_port;
pub mod image_tag;
pub mod os_fields;
pub mod pod_annotations;
pub mod pod_spec;
pub mod probe;
pub mod projection;
pub mod quantity;
pub mod resources;
pub mod restart_policy;
pub mod scheduling;
pub mod security_context;
pub mod statefulset_pod_invalid;
pub mod toleration;
pub mod util;
pub mod volume;
mod volume_legacy;
pub mod volume_mount;

pub static RULES: &[&Rule] = &[
    &pod_spec::POD_SPEC_INVALID,
    &pod_annotations::POD_ANNOTATION_INVALID,
    &container_name::CONTAINER_NAME_INVALID,
    &container_image::CONTAINER_IMAGE_INVALID,
    &container_policy::CONTAINER_POLICY_UNSUPPORTED,
    &container_port::CONTAINER_PORT_INVALID,
    &host_port::HOST_PORT_CONFLICT,
    &env_var_name::ENV_VAR_NAME_INVALID,
    &env_source::ENV_SOURCE_INVALID,
    &ephemeral_container::EPHEMERAL_CONTAINER_INVALID,
    &restart_policy::CONTAINER_RESTART_POLICY_INVALID,
    &resources::RESOURCES_INVALID,
    &probe::PROBE_INVALID,
    &volume::VOLUME_INVALID,
    &volume_mount::VOLUME_MOUNT_INVALID,
    &security_context::SECURITY_CONTEXT_INVALID,
    &os_fields::POD_OS_FIELD_FORBIDDEN,
    &toleration::TOLERATION_INVALID,
    &dns_config::DNS_CONFIG_INVALID,
    &scheduling::SCHEDULING_CONSTRAINT_INVALID,
    &affinity::AFFINITY_INVALID,
    &image_tag::IMAGE_TAG_LATEST,
    &statefulset_pod_invalid::STATEFULSET_POD_INVALID,
    &admission::SERVICE_ACCOUNT_NOT_FOUND,
    &admission::MIRROR_POD_REFUSED,
    &admission::PRIORITY_CLASS_REFUSED,
    &admission::RUNTIME_CLASS_REFUSED,
];
