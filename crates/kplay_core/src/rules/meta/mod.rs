//! Rules of the `meta` group. Each rule is one file; list it once in `RULES`.

use super::Rule;

pub static RULES: &[&Rule] = &[];
