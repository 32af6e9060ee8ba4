//! Hooks shared by the components.

mod use_app;
mod use_rule_docs;

pub use use_app::{use_app, AppContext};
pub use use_rule_docs::use_rule_docs;
