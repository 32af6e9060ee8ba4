//! The right-hand side: a view switcher over the routing map, the problems list, the stored
//! objects (what the API server would keep: defaults, allocated ClusterIPs and node ports), the
//! traffic simulation, request traces, kube-proxy's rules, the DNS records and the rule pages
//! generated from the registry.

use kplay_core::cluster::Cluster;
use kplay_core::model::Object;
use kplay_core::yaml::emit::to_yaml;
use yew::prelude::*;

use crate::components::Frozen;
use crate::components::{DiagnosticsPanel, DnsView, MapView, ProxyView, TraceView, Traffic};
use crate::hooks::{use_app, use_rule_docs};
use crate::rule_docs::Status;
use crate::state::{Action, AppState, Panel};

/// The views in tab order with their labels; the test id is `view-` and the label in lower case
/// (`view-rules` for the rule pages, whose tab reads "Docs" since kube-proxy's rules came).
const PANELS: [(Panel, &str, &str); 8] = [
    (Panel::Map, "Map", "view-map"),
    (Panel::Problems, "Problems", "view-problems"),
    (Panel::Objects, "Objects", "view-objects"),
    (Panel::Traffic, "Traffic", "view-traffic"),
    (Panel::Trace, "Trace", "view-trace"),
    (Panel::Proxy, "kube-proxy", "view-kube-proxy"),
    (Panel::Dns, "DNS", "view-dns"),
    (Panel::Rules, "Docs", "view-rules"),
];

#[function_component(Panels)]
pub fn panels() -> Html {
    let state = use_app();
    html! {
        <section class="panels" aria-label="Views">
            <div class="views" role="tablist" aria-label="Views">
                { for PANELS.iter().filter(|&&(p, _, _)| crate::embed::offers(p, state.panel)).map(|&(p, label, testid)| {
                    let show = {
                        let state = state.clone();
                        Callback::from(move |_| state.dispatch(Action::Show(p, None)))
                    };
                    html! {
                        <button role="tab" aria-selected={(state.panel == p).to_string()} data-testid={testid}
                            class={classes!("view", (state.panel == p).then_some("active"))} onclick={show}>{ label }</button>
                    }
                }) }
            </div>
            <div class="view-body" role="tabpanel">
                { match state.panel {
                    Panel::Map => html! { <MapView /> },
                    Panel::Problems => html! { <DiagnosticsPanel /> },
                    Panel::Objects => html! { <Objects /> },
                    Panel::Traffic => html! { <Traffic /> },
                    Panel::Trace => html! { <TraceView /> },
                    Panel::Proxy => html! { <ProxyView /> },
                    Panel::Dns => html! { <DnsView /> },
                    Panel::Rules => html! { <RuleDocs /> },
                } }
            </div>
        </section>
    }
}

#[function_component(Objects)]
fn objects() -> Html {
    let state = use_app();
    // Every object's YAML: drawn again only when the model changes, not on every keystroke.
    let body = {
        let state = state.clone();
        use_memo(state.model_revision, move |_| objects_html(&state))
    };
    html! { <Frozen html={body} /> }
}

fn objects_html(state: &AppState) -> Html {
    if state.analysis.objects.is_empty() {
        return html! { <p class="empty">{ "No objects yet." }</p> };
    }
    html! {
        <div class="objects" data-testid="objects">
            { for state.analysis.objects.iter().map(|o| {
                // The file names of the model's revision (a tab renamed since shows on refresh).
                let file = state.files.get(o.file).map_or("", |f| f.name.as_str());
                let title = format!("{} {}/{}", o.kind, o.namespace, o.name.as_deref().unwrap_or("(no name)"));
                let allocated = allocated(&state.cluster, o);
                html! {
                    <details class="object" open=true>
                        <summary><strong>{ title }</strong><span class="muted">{ format!("  {file}, document {}", o.doc + 1) }</span></summary>
                        if let Some(a) = allocated {
                            <p class="allocated" data-testid="allocated">{ a }</p>
                        }
                        <pre class="yaml" data-testid="object-yaml">{ to_yaml(&o.stored) }</pre>
                    </details>
                }
            }) }
        </div>
    }
}

/// What the simulated cluster allocated for a Service (its ClusterIPs and node ports), which
/// the stored tree of the manifest does not hold.
pub fn allocated(cluster: &Cluster, o: &Object) -> Option<String> {
    if o.kind != "Service" {
        return None;
    }
    let s = cluster.service(&o.namespace, o.name.as_deref()?)?;
    let mut parts = Vec::new();
    if !s.cluster_ips.is_empty() {
        parts.push(format!("clusterIP: {}", s.cluster_ips.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")));
    }
    let ports: Vec<String> = s.ports.iter().filter_map(|p| p.node_port.map(|n| format!("{} → nodePort {n}", p.spec.port))).collect();
    if !ports.is_empty() {
        parts.push(ports.join(", "));
    }
    (!parts.is_empty()).then(|| format!("Allocated in the simulated cluster: {}", parts.join("; ")))
}

/// A rule's documentation as text (never markup), or where loading it stands.
fn doc_text(name: &str, status: Status) -> Html {
    match status {
        Status::Idle | Status::Loading => {
            html! { <p class="muted" data-testid="rule-doc-loading">{ "Loading the rule's documentation…" }</p> }
        }
        Status::Loaded => match crate::rule_docs::text(name) {
            Some(text) => html! { <pre class="doc">{ text }</pre> },
            None => {
                html! { <p class="error-text" data-testid="rule-doc-error">{ format!("The documentation of `{name}` is missing from the page's rule docs (kplay-rule-docs.js); the page may be half updated, reload it.") }</p> }
            }
        },
        Status::Failed => html! {
            <p class="error-text" data-testid="rule-doc-error">{ "The rules' documentation (kplay-rule-docs.js) could not be loaded. Check the connection and reload the page." }</p>
        },
    }
}

#[function_component(RuleDocs)]
fn rule_docs() -> Html {
    let state = use_app();
    let rules = kplay_core::rules::all();
    let selected = state.rule.as_deref().and_then(|n| rules.iter().find(|r| r.name == n));
    // The list (names, severities, summaries) is in the wasm; the text is loaded on demand.
    let docs = use_rule_docs(selected.is_some());
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
                    { doc_text(r.name, docs) }
                } else {
                    <p class="muted">{ format!("{} rules. Pick one, or click a rule name in a problem or a hover card.", rules.len()) }</p>
                }
            </article>
        </div>
    }
}
