//! Rules of the `meta` group: ObjectMeta of every modelled kind (name, namespace, labels,
//! annotations, owner references, finalizers). Each rule is one file; list it once in `RULES`.

use super::Rule;

pub mod annotations;
pub mod labels;
pub mod meta_fields;
pub mod name;
pub mod namespace;

pub static RULES: &[&Rule] = &[
    &name::METADATA_NAME_INVALID,
    &namespace::METADATA_NAMESPACE_INVALID,
    &labels::METADATA_LABELS_INVALID,
    &annotations::METADATA_ANNOTATIONS_INVALID,
    &meta_fields::METADATA_INVALID,
];
