//! The right-hand side: a view switcher over the problems list, the stored objects (what the
//! API server would keep: defaults, allocated ClusterIPs and node ports) and the rule pages
//! generated from the registry.

use kplay_core::yaml::emit::to_yaml;
use yew::prelude::*;

use crate::components::DiagnosticsPanel;
use crate::hooks::use_app;
use crate::state::{Action, Panel};

const PANELS: [(Panel, &str); 3] = [(Panel::Problems, "Problems"), (Panel::Objects, "Objects"), (Panel::Rules, "Rules")];

#[function_component(Panels)]
pub fn panels() -> Html {
    let state = use_app();
    html! {
        <section class="panels" aria-label="Views">
            <div class="views" role="tablist" aria-label="Views">
                { for PANELS.iter().filter(|&&(p, _)| crate::embed::offers(p, state.panel)).map(|&(p, label)| {
                    let show = {
                        let state = state.clone();
                        Callback::from(move |_| state.dispatch(Action::Show(p, None)))
                    };
                    html! {
                        <button role="tab" aria-selected={(state.panel == p).to_string()} data-testid={format!("view-{}", label.to_lowercase())}
                            class={classes!("view", (state.panel == p).then_some("active"))} onclick={show}>{ label }</button>
                    }
                }) }
            </div>
            <div class="view-body" role="tabpanel">
                { match state.panel {
                    Panel::Problems => html! { <DiagnosticsPanel /> },
                    Panel::Objects => html! { <Objects /> },
                    Panel::Rules => html! { <RuleDocs /> },
                } }
            </div>
        </section>
    }
}

#[function_component(Objects)]
fn objects() -> Html {
    let state = use_app();
    if state.analysis.objects.is_empty() {
        return html! { <p class="empty">{ "No objects yet." }</p> };
    }
    html! {
        <div class="objects" data-testid="objects">
            { for state.analysis.objects.iter().map(|o| {
                let file = state.files.get(o.file).map_or("", |f| f.name.as_str());
                let title = format!("{} {}/{}", o.kind, o.namespace, o.name.as_deref().unwrap_or("(no name)"));
                html! {
                    <details class="object" open=true>
                        <summary><strong>{ title }</strong><span class="muted">{ format!("  {file}, document {}", o.doc + 1) }</span></summary>
                        <pre class="yaml" data-testid="object-yaml">{ to_yaml(&o.stored) }</pre>
                    </details>
                }
            }) }
        </div>
    }
}

#[function_component(RuleDocs)]
fn rule_docs() -> Html {
    let state = use_app();
    let rules = kplay_core::rules::all();
    let selected = state.rule.as_deref().and_then(|n| rules.iter().find(|r| r.name == n));
    html! {
        <div class="rules">
            <nav class="rule-list" aria-label="Rules">
                <ul>
                    { for rules.iter().map(|r| {
                        let open = {
                            let state = state.clone();
                            let name = r.name;
                            Callback::from(move |_| state.dispatch(Action::Show(Panel::Rules, Some(name.to_owned()))))
                        };
                        let current = selected.is_some_and(|s| s.name == r.name);
                        html! { <li><button class={classes!("rule-link", current.then_some("active"))} onclick={open} title={r.summary}>{ r.name }</button></li> }
                    }) }
                </ul>
            </nav>
            <article class="rule-doc" data-testid="rule-doc">
                if let Some(r) = selected {
                    <h2>{ r.name }</h2>
                    <p class="muted">{ format!("{} · {}", r.severity.as_str(), r.summary) }</p>
                    <pre class="doc">{ r.docs }</pre>
                } else {
                    <p class="muted">{ format!("{} rules. Pick one, or click a rule name in a problem or a hover card.", rules.len()) }</p>
                }
            </article>
        </div>
    }
}
