//! The Trace view: one request from a source to a target, hop by hop, with the rule that
//! matched at each hop (the core's `trace`, as `kplay trace` prints it).

use kplay_core::api::TraceSpec;
use yew::prelude::*;

use crate::components::pick::{setter, Pick};
use crate::hooks::use_app;
use crate::views;

#[function_component(TraceView)]
pub fn trace_view() -> Html {
    let state = use_app();
    let target = use_state(String::new);
    // Empty until the reader picks one: see `views::source_for`.
    let from = use_state(String::new);
    // Worked out again only when the model or the picks change, not on every keystroke.
    let choices = {
        let cluster = state.cluster.clone();
        use_memo(state.model_revision, move |_| (views::targets(&cluster), views::sources(&cluster)))
    };
    let (targets, sources) = (choices.0.clone(), choices.1.clone());
    let to = views::chosen(&targets, &target);
    let from_spec = views::source_for(&sources, &from, &to);
    let result = {
        let cluster = state.cluster.clone();
        use_memo((state.model_revision, to.clone(), from_spec.clone()), move |(_, to, from)| {
            views::run_trace(&cluster, &TraceSpec { to: to.clone(), from: Some(from.clone()), ..TraceSpec::default() })
        })
    };
    if targets.is_empty() {
        return html! { <p class="empty pad">{ "No Service, NodePort or Ingress to trace a request to." }</p> };
    }
    html! {
        <div class="trace pad" data-testid="trace">
            <div class="form-row">
                <Pick label="From" testid="trace-from" choices={sources} value={from_spec} onchange={setter(&from)} />
                <Pick label="To" testid="trace-target" choices={targets} value={to} onchange={setter(&target)} />
            </div>
            { match &*result {
                Err(e) => html! { <p class="error-text">{ e }</p> },
                Ok(t) => html! {
                    <>
                    <p data-testid="trace-outcome" data-outcome={t.outcome.as_str()}>
                        <strong>{ t.outcome.as_str() }</strong>
                        { t.http_status.map(|s| format!(" · HTTP {s}")).unwrap_or_default() }
                        { t.endpoint.as_ref().map(|e| format!(" · at {}:{}{}", e.ip, e.port, e.pod.as_ref().map(|p| format!(" (pod {p})")).unwrap_or_default())).unwrap_or_default() }
                        { if t.masqueraded { " · source masqueraded" } else { "" } }
                    </p>
                    <ol class="hops" data-testid="hops">
                        { for t.hops.iter().map(|h| html! {
                            <li class="hop" data-testid="hop">
                                <div><span class="hop-kind">{ h.kind.clone() }</span>{ " " }<strong>{ h.name.clone() }</strong>
                                    if let Some(n) = &h.node { <span class="muted">{ format!(" on {n}") }</span> }</div>
                                <div>{ h.detail.clone() }</div>
                                if let Some(r) = &h.rule { <code class="hop-rule">{ r.clone() }</code> }
                            </li>
                        }) }
                    </ol>
                    </>
                },
            } }
        </div>
    }
}
