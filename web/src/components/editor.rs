//! The manifest editor: for now a plain text area; every edit re-runs the analysis.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::{Action, FILE_NAME};

#[function_component(Editor)]
pub fn editor() -> Html {
    let state = use_app();
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            state.dispatch(Action::SetText(area.value()));
        })
    };
    html! {
        <section class="editor">
            <div class="tabs"><span class="tab active">{ FILE_NAME }</span></div>
            <textarea
                data-testid="editor"
                aria-label="Kubernetes manifest"
                spellcheck="false"
                autocomplete="off"
                value={state.text().to_owned()}
                {oninput}
            />
        </section>
    }
}
