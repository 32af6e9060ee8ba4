//! Rules of the `workload` group: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and
//! CronJob specs (selectors, templates, strategies, counts). The PodSpec rules of the `pod`
//! group apply to their templates. Each rule is one file; list it once in `RULES`.

use super::Rule;

pub mod cron;
pub mod selector;
pub mod spec_fields;
pub mod strategy;
pub mod template;

pub static RULES: &[&Rule] = &[
    &selector::WORKLOAD_SELECTOR_INVALID,
    &template::POD_TEMPLATE_INVALID,
    &strategy::UPDATE_STRATEGY_INVALID,
    &spec_fields::WORKLOAD_SPEC_INVALID,
];
