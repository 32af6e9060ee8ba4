//! The Docs view's access to the rule docs loaded on demand (web/src/rule_docs.rs).

use yew::prelude::*;

use crate::rule_docs::{self, Status};

/// Where the rule docs script stands; when `wanted` (a rule is shown) it is loaded once, and the
/// component renders again when it settles.
#[hook]
pub fn use_rule_docs(wanted: bool) -> Status {
    let status = use_state_eq(rule_docs::status);
    {
        let status = status.clone();
        use_effect_with(wanted, move |&wanted| {
            if wanted {
                rule_docs::load(Callback::from(move |s| status.set(s)));
            }
        });
    }
    *status
}
