//! Hooks shared by the components.

mod use_app;

pub use use_app::{use_app, AppContext};
