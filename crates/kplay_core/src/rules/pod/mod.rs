//! Rules of the `pod` group: PodSpec, containers, ports, env, resources, probes and volumes, for
//! Pods and for the pod templates of workloads (via `Ctx::pod_spec`). Each rule is one file;
//! list it once in `RULES`.

use super::Rule;

pub mod container_image;
pub mod container_name;
pub mod container_policy;
pub mod container_port;
pub mod env_var_name;
pub mod host_port;
pub mod image_tag;
pub mod pod_spec;
pub mod util;

pub static RULES: &[&Rule] = &[
    &pod_spec::POD_SPEC_INVALID,
    &container_name::CONTAINER_NAME_INVALID,
    &container_image::CONTAINER_IMAGE_INVALID,
    &container_policy::CONTAINER_POLICY_UNSUPPORTED,
    &container_port::CONTAINER_PORT_INVALID,
    &host_port::HOST_PORT_CONFLICT,
    &env_var_name::ENV_VAR_NAME_INVALID,
    &image_tag::IMAGE_TAG_LATEST,
];
