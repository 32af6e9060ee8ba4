//! The top bar: the name of the tool and the problem counts.

use kplay_core::Severity;
use yew::prelude::*;

use crate::hooks::use_app;

#[function_component(Header)]
pub fn header() -> Html {
    let state = use_app();
    let errors = state.count(Severity::Error);
    let warnings = state.count(Severity::Warning);
    let infos = state.count(Severity::Info);
    html! {
        <header class="topbar">
            <h1 class="brand">{ "kplay" }<span class="tagline">{ "Kubernetes manifests, checked as the API server would" }</span></h1>
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
