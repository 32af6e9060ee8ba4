//! The root component: owns the application state and provides it to every component.

use yew::prelude::*;

use crate::components::{DiagnosticsPanel, Editor, Header};
use crate::hooks::AppContext;
use crate::state::AppState;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    html! {
        <ContextProvider<AppContext> context={state}>
            <div class="app">
                <Header />
                <main class="workspace">
                    <Editor />
                    <DiagnosticsPanel />
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}
