//! Access to the application state from any component below `App`.

use yew::prelude::*;

use crate::state::AppState;

/// What `App` provides: the state and its dispatcher.
pub type AppContext = UseReducerHandle<AppState>;

/// The application state. Only components rendered inside `App` may call it.
#[hook]
pub fn use_app() -> AppContext {
    // `App` always provides the context; a component outside it is a programming error.
    use_context::<AppContext>().expect("use_app called outside App's context provider")
}
