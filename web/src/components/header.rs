//! The top bar: the gallery, share and reset, and the problem counts.

use kplay_core::Severity;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::examples::{self, GALLERY};
use crate::hooks::use_app;
use crate::state::Action;
use crate::{editor_js, startup};

#[function_component(Header)]
pub fn header() -> Html {
    let state = use_app();
    let link = use_state(String::new);
    let errors = state.count(Severity::Error);
    let warnings = state.count(Severity::Warning);
    let infos = state.count(Severity::Info);
    let pick = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(ex) = examples::find(&select.value()) {
                state.dispatch(Action::LoadExample(ex));
            }
            select.set_value("");
        })
    };
    let share = {
        let state = state.clone();
        let link = link.clone();
        Callback::from(move |_| {
            let data = editor_js::compress(&state.to_saved().to_json());
            let hash = format!("{}{data}", startup::SHARE_PREFIX);
            editor_js::replace_hash(&hash[1..]);
            link.set(editor_js::href());
        })
    };
    let reset = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::LoadExample(&GALLERY[0])))
    };
    html! {
        <header class="topbar">
            <h1 class="brand">{ "kplay" }<span class="tagline">{ "Kubernetes manifests, checked as the API server would" }</span></h1>
            <div class="controls">
                <label class="sr-only" for="gallery">{ "Examples" }</label>
                <select id="gallery" data-testid="gallery" onchange={pick}>
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for GALLERY.iter().map(|e| html! { <option value={e.id} title={e.about}>{ e.title }</option> }) }
                </select>
                <button data-testid="share" onclick={share} title="Put the whole workspace into the address (nothing is uploaded)">{ "Share" }</button>
                <button data-testid="reset" onclick={reset} title="Replace the files with the seed tutorial">{ "Reset" }</button>
                if !link.is_empty() {
                    <input class="share-link" data-testid="share-link" aria-label="Share link" readonly=true value={(*link).clone()} />
                }
            </div>
            <div class="counts" data-testid="counts" aria-live="polite">
                <span class="count count-error" data-testid="count-error" data-count={errors.to_string()}>{ plural(errors, "error") }</span>
                <span class="count count-warning" data-testid="count-warning" data-count={warnings.to_string()}>{ plural(warnings, "warning") }</span>
                <span class="count count-info" data-testid="count-info" data-count={infos.to_string()}>{ plural(infos, "info") }</span>
            </div>
        </header>
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 || word == "info" {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
