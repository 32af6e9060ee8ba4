//! The Traffic view: many requests to one target through the simulated kube-proxy rules (the
//! core's `simulate`), per-pod counts against the share the rules imply as bars, where each
//! client went (session affinity), and the pod toggles beside the rows they change.

use kplay_core::api::{SimulateSpec, TraceSpec};
use kplay_core::proxy::trace::Simulation;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::pick::{setter, Pick};
use crate::hooks::{use_app, AppContext};
use crate::state::{Action, ClusterChange};
use crate::views;

/// Clients whose individual picks are listed.
const CLIENTS_SHOWN: usize = 8;

#[function_component(Traffic)]
pub fn traffic() -> Html {
    let state = use_app();
    let target = use_state(String::new);
    // Empty until the reader picks one: see `views::source_for`.
    let from = use_state(String::new);
    let requests = use_state(|| "1000".to_owned());
    let clients = use_state(|| "1".to_owned());
    // Worked out again only when the model or the inputs change, not on every keystroke.
    let choices = {
        let cluster = state.cluster.clone();
        use_memo(state.model_revision, move |_| (views::targets(&cluster), views::sources(&cluster)))
    };
    let (targets, sources) = (choices.0.clone(), choices.1.clone());
    let to = views::chosen(&targets, &target);
    let from_spec = views::source_for(&sources, &from, &to);
    let number = |h: &UseStateHandle<String>| {
        Callback::from({
            let h = h.clone();
            move |e: Event| h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let parsed = (requests.trim().parse::<usize>(), clients.trim().parse::<usize>());
    let spec = match parsed {
        (Ok(r), Ok(c)) => Ok(SimulateSpec {
            trace: TraceSpec { to: to.clone(), from: Some(from_spec.clone()), ..TraceSpec::default() },
            requests: Some(r),
            clients: Some(c),
            interval_ms: 1,
        }),
        _ => Err("requests and clients are whole numbers".to_owned()),
    };
    let result = {
        let cluster = state.cluster.clone();
        // The spec follows from these inputs alone.
        let key = (state.model_revision, to.clone(), from_spec.clone(), (*requests).clone(), (*clients).clone());
        use_memo(key, move |_| spec.and_then(|s| views::run_simulation(&cluster, &s)))
    };
    if targets.is_empty() {
        return html! { <p class="empty pad">{ "No Service, NodePort or Ingress to send requests to." }</p> };
    }
    let affinity = to
        .strip_prefix("svc/")
        .and_then(|r| r.rsplit_once(':'))
        .and_then(|(p, _)| p.split_once('/'))
        .and_then(|(ns, n)| state.cluster.service(ns, n));
    let affinity = affinity.map(|s| match s.spec.session_affinity.as_deref() {
        Some("ClientIP") => {
            format!("Session affinity ClientIP ({} s): each client keeps its pod.", s.spec.session_affinity_timeout.unwrap_or(10_800))
        }
        _ => "No session affinity: every new connection picks again.".to_owned(),
    });
    html! {
        <div class="traffic pad" data-testid="traffic">
            <div class="form-row">
                <Pick label="To" testid="traffic-target" choices={targets.clone()} value={to.clone()} onchange={setter(&target)} />
                <Pick label="From" testid="traffic-from" choices={sources.clone()} value={from_spec.clone()} onchange={setter(&from)} />
                <label>{ "Requests " }<input type="number" min="1" data-testid="traffic-requests" value={(*requests).clone()} onchange={number(&requests)} /></label>
                <label>{ "Clients " }<input type="number" min="1" data-testid="traffic-clients" value={(*clients).clone()} onchange={number(&clients)} /></label>
            </div>
            { nodes_up(&state) }
            if let Some(a) = affinity {
                <p class="muted" data-testid="affinity">{ a }</p>
            }
            { match &*result {
                Err(e) => html! { <p class="error-text" data-testid="traffic-error">{ e }</p> },
                Ok(sim) => {
                    let total: u64 = sim.endpoints.iter().map(|e| e.count).sum();
                    html! {
                        <>
                        <p data-testid="traffic-summary" data-delivered={sim.delivered.to_string()} data-total={total.to_string()}>
                            { format!("{} requests from {} client{}: delivered {}, rejected {}, dropped {}, no route {}; masqueraded {}.",
                                sim.requests, sim.clients, if sim.clients == 1 { "" } else { "s" }, sim.delivered, sim.rejected, sim.dropped, sim.no_route, sim.masqueraded) }
                        </p>
                        if sim.endpoints.is_empty() {
                            <p class="muted">{ sim.sample.hops.last().map_or_else(String::new, |h| format!("No endpoint was reached; the first request ended at {}: {}", h.name, h.detail)) }</p>
                        } else {
                            <table class="bars">
                                <thead><tr><th>{ "Pod" }</th><th>{ "Endpoint" }</th><th>{ "Node" }</th><th class="num">{ "Requests" }</th><th>{ "Share (bar) vs expected (line)" }</th><th>{ "Ready" }</th></tr></thead>
                                <tbody>
                                    { for sim.endpoints.iter().map(|e| {
                                        let pod = e.endpoint.pod.clone().unwrap_or_else(|| "-".to_owned());
                                        let toggle = pod_ready_toggle(&state, e.endpoint.pod.as_deref());
                                        html! {
                                            <tr data-testid="traffic-row" data-pod={pod.clone()} data-count={e.count.to_string()}>
                                                <td>{ pod }</td>
                                                <td class="mono">{ format!("{}:{}", e.endpoint.ip, e.endpoint.port) }</td>
                                                <td class="nowrap">{ e.endpoint.node.clone().unwrap_or_default() }</td>
                                                <td class="num">{ e.count }</td>
                                                <td class="bar-cell">
                                                    <div class="bar" title={format!("{:.1}% of requests, {:.1}% expected", e.share * 100.0, e.expected_share * 100.0)}>
                                                        <div class="bar-fill" style={format!("width: {:.2}%", e.share * 100.0)}></div>
                                                        <div class="bar-expected" style={format!("left: {:.2}%", e.expected_share * 100.0)}></div>
                                                    </div>
                                                    <span class="bar-text">{ format!("{:.1}% / {:.1}%", e.share * 100.0, e.expected_share * 100.0) }</span>
                                                </td>
                                                <td>{ toggle }</td>
                                            </tr>
                                        }
                                    }) }
                                </tbody>
                            </table>
                        }
                        { toggled_pods(&state) }
                        { per_client(sim) }
                        </>
                    }
                }
            } }
        </div>
    }
}

/// Each client's picks in the same run as the bars (several clients only).
fn per_client(sim: &Simulation) -> Html {
    if sim.per_client.len() < 2 {
        return html! {};
    }
    let rows = views::per_client(sim, CLIENTS_SHOWN);
    let caption = if rows.len() < sim.per_client.len() {
        format!("Where each client went (first {} of {} clients)", rows.len(), sim.per_client.len())
    } else {
        format!("Where each of the {} clients went", rows.len())
    };
    html! {
        <table class="clients" data-testid="per-client">
            <caption>{ caption }</caption>
            <thead><tr><th>{ "Client" }</th><th class="num">{ "Requests" }</th><th>{ "Pods (requests)" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|r| {
                    let reached: u64 = r.hits.iter().map(|(_, n)| n).sum();
                    html! {
                        <tr data-testid="client-row" data-client={r.client.clone()} data-requests={r.requests.to_string()} data-reached={reached.to_string()}>
                            <td class="mono">{ r.client.clone() }</td>
                            <td class="num">{ r.requests }</td>
                            <td>{ r.hits.iter().map(|(p, n)| format!("{p} ({n})")).collect::<Vec<_>>().join(", ") }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// The "ready" switch of a traffic row's pod (an override in the cluster options).
fn pod_ready_toggle(state: &AppContext, pod: Option<&str>) -> Html {
    // The core names endpoint pods `NAMESPACE/NAME`.
    let found = pod.and_then(|p| {
        let (ns, name) = p.split_once('/').unwrap_or(("default", p));
        state.cluster.pod(ns, name)
    });
    let Some(pod) = found else { return html! {} };
    let overridden = state.pod_override(&pod.namespace, &pod.name).is_some_and(|o| o.ready == Some(false));
    let onclick = {
        let state = state.clone();
        let (namespace, name) = (pod.namespace.clone(), pod.name.clone());
        Callback::from(move |_| {
            let ready = (!overridden).then_some(false);
            state.dispatch(Action::Cluster(ClusterChange::Pod {
                namespace: namespace.clone(),
                name: name.clone(),
                ready,
                terminating: None,
            }));
        })
    };
    html! { <input type="checkbox" data-testid="row-ready" aria-label={format!("{} ready", pod.name)} checked={!overridden && pod.ready} onclick={onclick} /> }
}

/// Pods toggled not ready receive nothing, so they leave the table; they are listed here to be
/// made ready again.
fn toggled_pods(state: &AppContext) -> Html {
    let pods: Vec<_> =
        state.options.cluster.overrides.pods.iter().filter(|o| o.ready == Some(false) || o.terminating == Some(true)).collect();
    if pods.is_empty() {
        return html! {};
    }
    html! {
        <p class="toggled" data-testid="toggled-pods">{ "Toggled: " }
            { for pods.iter().map(|o| {
                let ns = o.namespace.clone().unwrap_or_else(|| "default".to_owned());
                let name = o.name.clone();
                let state = state.clone();
                let label = format!("{name} {}", if o.terminating == Some(true) { "terminating" } else { "not ready" });
                let undo = Callback::from(move |_| state.dispatch(Action::Cluster(ClusterChange::Pod { namespace: ns.clone(), name: name.clone(), ready: None, terminating: None })));
                html! { <button class="chip" onclick={undo} title="Back to what the manifests say">{ format!("{label} ×") }</button> }
            }) }
        </p>
    }
}

/// A switch per node: a node marked down is NotReady, its pods are not ready and nothing new is
/// scheduled there.
fn nodes_up(state: &AppContext) -> Html {
    let down = &state.options.cluster.overrides.nodes_down;
    html! {
        <div class="form-row nodes" role="group" aria-label="Nodes up">
            <span class="muted">{ "Nodes up:" }</span>
            { for state.cluster.nodes.iter().map(|n| {
                let is_down = down.contains(&n.name);
                let onclick = {
                    let state = state.clone();
                    let name = n.name.clone();
                    Callback::from(move |_| state.dispatch(Action::Cluster(ClusterChange::NodeDown(name.clone(), !is_down))))
                };
                html! { <label class="check"><input type="checkbox" data-testid="node-up" checked={!is_down} onclick={onclick} />{ format!(" {}", n.name) }</label> }
            }) }
        </div>
    }
}
