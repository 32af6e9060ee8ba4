//! The Map view: the routing map of the simulated cluster as SVG (Ingresses -> Services ->
//! EndpointSlices -> Pods), a legend, and below it the clicked box's stored object, its
//! diagnostics and, for pods, the readiness toggles. The model and layout are in `crate::map`.

use std::collections::HashMap;

use kplay_core::model::Acceptance;
use kplay_core::yaml::emit::to_yaml;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::pick::{setter, Pick};
use crate::components::Frozen;
use crate::hooks::use_app;
use crate::map::{self, Kind, Map, MapBox, MapEdge, LINE_H};
use crate::state::{Action, AppState, ClusterChange, Panel, MAX_SCALE};
use crate::views::Choice;

#[function_component(MapView)]
pub fn map_view() -> Html {
    let state = use_app();
    let system = use_state(|| false);
    let from = use_state(String::new);
    // Built and drawn again only when the model, the options or the selection change: while the
    // user types, the model stays until typing pauses (web/src/app.rs), so keystrokes skip this.
    let map = {
        let (cluster, analysis) = (state.cluster.clone(), state.analysis.clone());
        use_memo((state.model_revision, *system, (*from).clone()), move |(_, system, from)| {
            map::build(&cluster, &analysis.objects, *system, Some(from.as_str()))
        })
    };
    let drawing = {
        let (state, map) = (state.clone(), map.clone());
        use_memo((state.model_revision, *system, (*from).clone(), state.selected.clone()), move |_| {
            let dispatch = state.dispatcher();
            // Keyed by what they connect / show, so when a box comes or goes (an object refused
            // while typing) the others are moved and patched, not rewritten one by one.
            let mut seen = HashMap::new();
            html! {
                <>
                    { for map.edges.iter().filter_map(|e| edge(&map, e, &mut seen)) }
                    { for map.boxes.iter().map(|b| {
                        // Ids are unique per map; numbered anyway, as Yew requires unique keys.
                        let n = seen.entry(b.id.clone()).or_default();
                        *n += 1;
                        let selected = state.selected.as_deref() == Some(b.id.as_str());
                        let toggled = map::pod_ref(&b.id).is_some_and(|(ns, name)| state.pod_override(ns, name).is_some());
                        html! { <BoxView key={format!("{}#{n}", b.id)} b={b.clone()} {selected} {toggled} dispatch={dispatch.clone()} /> }
                    }) }
                    // Over the boxes: a long label (a broken link's reason) may reach into the
                    // column it crosses.
                    { for map.edges.iter().filter_map(|e| edge_label(&map, e, &mut seen)) }
                </>
            }
        })
    };
    let toggle_system = {
        let system = system.clone();
        Callback::from(move |_| system.set(!*system))
    };
    // Drawn no smaller than 70% (its text stays readable), so a narrow view scrolls sideways;
    // "fit" shrinks it to the view's width instead, for the whole picture at once.
    let fit = use_state(|| false);
    let toggle_fit = {
        let fit = fit.clone();
        Callback::from(move |_| fit.set(!*fit))
    };
    let nodes: Vec<Choice> = state.cluster.nodes.iter().map(|n| Choice { label: n.name.clone(), spec: n.name.clone() }).collect();
    let viewpoint = map.viewpoint.clone().unwrap_or_default();
    html! {
        <div class="map-view">
            <div class="map-bar">
                <Legend viewpoint={map.viewpoint.clone()} />
                <label class="check"><input type="checkbox" data-testid="map-system" checked={*system} onclick={toggle_system} />{ " system objects (kube-dns)" }</label>
                <label class="check" title="Shrink the map to the view's width (else a narrow view scrolls sideways)"><input type="checkbox" data-testid="map-fit" checked={*fit} onclick={toggle_fit} />{ " fit to width" }</label>
                if nodes.len() > 1 {
                    <Pick label="Shares from a client on" testid="map-viewpoint" choices={nodes} value={viewpoint} onchange={setter(&from)} />
                }
            </div>
            if map.boxes.is_empty() {
                <p class="empty">{ "Nothing to route yet: add a Service, a workload or an Ingress." }</p>
            } else {
                <svg class="map" data-testid="map" role="img" aria-label="Routing map: Ingresses, Services, EndpointSlices and Pods"
                    viewBox={format!("0 0 {} {}", map.width, map.height)} width="100%"
                    style={format!("min-width: {:.0}px; max-width: {:.0}px", if *fit { 0.0 } else { map.width * 0.7 }, map.width)}>
                    <defs>
                        <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                            <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
                        </marker>
                    </defs>
                    <Frozen html={drawing} />
                </svg>
            }
            <Details map={map.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    viewpoint: Option<String>,
}

#[function_component(Legend)]
fn legend(props: &LegendProps) -> Html {
    let item = |class: &str, text: &str| html! { <span class="legend-item"><span class={classes!("swatch", class.to_owned())}></span>{ text.to_owned() }</span> };
    let legend = html! {
        <div class="legend" data-testid="map-legend" aria-label="Legend">
            { item("kind-ingress", "Ingress") }
            { item("kind-service", "Service") }
            { item("kind-slice", "EndpointSlice") }
            { item("kind-pod", "Pod ready") }
            { item("health-not-ready", "not ready") }
            { item("health-terminating", "terminating") }
            { item("health-missing", "broken link / missing / refused") }
            { item("kind-node", "Node (dotted: runs on)") }
            <span class="legend-item muted" data-testid="map-shares-from">{ match &props.viewpoint {
                Some(n) => format!("line width: kube-proxy's share of new connections for a client on {n} (each Service's first port)"),
                None => "line width: traffic share".to_owned(),
            } }</span>
        </div>
    };
    // An embed is a few hundred pixels tall: its legend folds away, so the map gets the room.
    if crate::embed::mode().is_some() {
        html! { <details class="legend-fold"><summary>{ "Legend" }</summary>{ legend }</details> }
    } else {
        legend
    }
}

/// A link, keyed by the boxes it connects (`seen` numbers links between the same two boxes).
fn edge(map: &Map, e: &MapEdge, seen: &mut HashMap<String, usize>) -> Option<Html> {
    let (a, b) = (map.boxes.get(e.from)?, map.boxes.get(e.to)?);
    let pair = format!("{}>{}", a.id, b.id);
    let n = seen.entry(pair.clone()).or_default();
    *n += 1;
    let key = format!("{pair}#{n}");
    let (x1, y1) = a.out_point();
    let (x2, y2) = b.in_point();
    let mid = f64::midpoint(x1, x2);
    let d = format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}");
    if e.runs_on {
        return Some(html! {
            <g key={key} class="edge runs-on" data-testid="map-runs-on" data-from={a.id.clone()} data-to={b.id.clone()}>
                <title>{ format!("{} runs on {}", a.title, b.title) }</title>
                <path d={d} />
            </g>
        });
    }
    let width = e.share.map_or(1.5, |s| 1.0 + 5.0 * s);
    let tip = e.broken.clone().unwrap_or_else(|| format!("{} → {}", a.title, b.title));
    let class = classes!("edge", e.broken.is_some().then_some("broken"), (e.share == Some(0.0)).then_some("idle"));
    Some(html! {
        <g key={key} class={class} data-testid="map-edge" data-from={a.id.clone()} data-to={b.id.clone()} data-broken={e.broken.clone()}
            data-share={e.share.map(|s| format!("{s:.4}"))}>
            <title>{ tip }</title>
            <path d={d} stroke-width={format!("{width:.2}")} marker-end="url(#arrow)" />
        </g>
    })
}

/// A link's label, drawn after the boxes (with a halo in the page's colour), where the link
/// enters its target: a share above the line, a broken link's reason below it (a pod can have
/// both, from its slice and from the Service whose named port it lacks).
fn edge_label(map: &Map, e: &MapEdge, seen: &mut HashMap<String, usize>) -> Option<Html> {
    if e.label.is_empty() || e.runs_on {
        return None;
    }
    let (a, b) = (map.boxes.get(e.from)?, map.boxes.get(e.to)?);
    let pair = format!("label:{}>{}", a.id, b.id);
    let n = seen.entry(pair.clone()).or_default();
    *n += 1;
    let (x2, y2) = b.in_point();
    let y = if e.broken.is_some() { y2 + 13.0 } else { y2 - 4.0 };
    let class = classes!("edge-label", e.broken.is_some().then_some("broken"));
    Some(html! {
        <text key={format!("{pair}#{n}")} class={class} x={format!("{:.1}", x2 - 6.0)} y={format!("{y:.1}")} text-anchor="end">{ e.label.clone() }</text>
    })
}

#[derive(Properties, PartialEq)]
struct BoxProps {
    b: MapBox,
    selected: bool,
    /// A pod forced not ready from the map (its corner toggle is on).
    toggled: bool,
    /// Not the app context: a context consumer re-renders on every change of the state. A box
    /// whose props are unchanged is skipped, so a model rebuilt after typing (or a click that
    /// selects another box) patches only the boxes that changed on a map of hundreds.
    dispatch: UseReducerDispatcher<AppState>,
}

#[function_component(BoxView)]
fn box_view(props: &BoxProps) -> Html {
    let b = &props.b;
    let select = {
        let dispatch = props.dispatch.clone();
        let id = b.id.clone();
        Callback::from(move |()| dispatch.dispatch(Action::SelectBox(Some(id.clone()))))
    };
    // A focusable role=button answers Enter and Space as a click does.
    let onkeydown = {
        let select = select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                select.emit(());
            }
        })
    };
    let class =
        classes!("box", format!("kind-{}", b.kind.as_str()), format!("health-{}", b.health.as_str()), props.selected.then_some("selected"));
    // Pod titles leave room for the toggle in the corner, and keep their end: the generated
    // suffix is what tells a Deployment's pods apart.
    let title = match b.kind {
        Kind::Pod => truncate_middle(&b.title, 19),
        Kind::Node => truncate(&b.title, 14),
        _ => truncate(&b.title, 24),
    };
    let pod_toggle = (b.kind == Kind::Pod && !b.health.is_placeholder()).then(|| pod_toggle(&props.dispatch, b, props.toggled));
    html! {
        <g class={class} data-testid="map-box" data-id={b.id.clone()} data-kind={b.kind.as_str()} data-health={b.health.as_str()}
            onclick={select.reform(|_| ())} {onkeydown} tabindex="0" role="button" aria-label={format!("{} {}", b.kind.as_str(), b.title)}>
            <title>{ format!("{} {}\n{}", b.kind.as_str(), b.title, b.lines.join("\n")) }</title>
            <rect x={fmt(b.x)} y={fmt(b.y)} width={fmt(b.w)} height={fmt(b.h)} rx="5" />
            <text class="box-title" x={fmt(b.x + 8.0)} y={fmt(b.y + 15.0)}>{ title }</text>
            { for b.lines.iter().enumerate().map(|(i, l)| html! {
                <text class="box-line" x={fmt(b.x + 8.0)} y={fmt(b.y + 30.0 + LINE_H * i as f64)}>{ truncate(l, b.line_chars()) }</text>
            }) }
            { pod_toggle.unwrap_or_default() }
        </g>
    }
}

/// The ready switch in a pod box's corner: forces the pod not ready, or clears the toggle.
fn pod_toggle(dispatch: &UseReducerDispatcher<AppState>, b: &MapBox, toggled: bool) -> Html {
    let Some((namespace, name)) = map::pod_ref(&b.id) else { return html! {} };
    let onclick = {
        let dispatch = dispatch.clone();
        let (namespace, name) = (namespace.to_owned(), name.to_owned());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let ready = (!toggled).then_some(false);
            dispatch.dispatch(Action::Cluster(ClusterChange::Pod {
                namespace: namespace.clone(),
                name: name.clone(),
                ready,
                terminating: None,
            }));
        })
    };
    let tip = if toggled { "Undo the toggle (back to what the manifests say)" } else { "Mark this pod not ready" };
    html! {
        <g class={classes!("pod-toggle", toggled.then_some("on"))} data-testid="pod-toggle" onclick={onclick} role="button" aria-label={tip}>
            <title>{ tip }</title>
            <circle cx={fmt(b.x + b.w - 12.0)} cy={fmt(b.y + 11.0)} r="6" />
        </g>
    }
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// At most `n` characters: the start, "…" and the last six (a pod name's `-xxxxx`).
fn truncate_middle(s: &str, n: usize) -> String {
    const END: usize = 6;
    let count = s.chars().count();
    if count <= n {
        return s.to_owned();
    }
    let head: String = s.chars().take(n - END - 1).collect();
    let tail: String = s.chars().skip(count - END).collect();
    format!("{head}…{tail}")
}

#[derive(Properties)]
struct DetailsProps {
    map: std::rc::Rc<Map>,
}

/// The same memoised map (by pointer): comparing two maps box by box on every render of the
/// Map view cost ~0.1 ms per keystroke (CPU profile), and the map only changes with the model.
impl PartialEq for DetailsProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.map, &other.map)
    }
}

/// What the clicked box stands for: its manifest as stored, its diagnostics, its links.
#[function_component(Details)]
fn details(props: &DetailsProps) -> Html {
    let state = use_app();
    let Some(b) = state.selected.as_deref().and_then(|id| props.map.find(id)) else {
        return html! { <p class="muted map-hint">{ "Click a box to see its object and problems; the dot in a pod's corner marks it not ready." }</p> };
    };
    let object = b.object.and_then(|i| state.analysis.objects.get(i));
    let problems: Vec<_> = object
        .map(|o| {
            state
                .analysis
                .diagnostics
                .iter()
                .zip(state.model_rows.iter())
                .filter(|(d, _)| d.object.as_ref() == Some(&o.object_ref))
                .map(|(_, r)| r.clone())
                .collect()
        })
        .unwrap_or_default();
    let index = props.map.boxes.iter().position(|x| x.id == b.id);
    let broken: Vec<&str> =
        props.map.broken().filter(|e| Some(e.from) == index || Some(e.to) == index).filter_map(|e| e.broken.as_deref()).collect();
    let close = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SelectBox(None)))
    };
    let to_rules = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Show(Panel::Proxy, None)))
    };
    html! {
        <section class="map-details" data-testid="map-details">
            <header>
                <strong>{ format!("{} {}", b.kind.as_str(), b.title) }</strong>
                if b.kind == Kind::Service && !b.health.is_placeholder() {
                    <button onclick={to_rules} data-testid="show-chains">{ "Show its kube-proxy chains" }</button>
                }
                <button onclick={close} aria-label="Close">{ "×" }</button>
            </header>
            if b.kind == Kind::Pod && !b.health.is_placeholder() {
                <PodToggles id={b.id.clone()} />
            }
            if b.kind == Kind::Node {
                <NodeDetails id={b.id.clone()} />
            }
            if let Some(o) = object.filter(|o| o.acceptance == Acceptance::Accepted && matches!(o.kind.as_str(), "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController")) {
                <Scale namespace={o.namespace.clone()} kind={o.kind.clone()} name={o.name.clone().unwrap_or_default()} />
            }
            if !broken.is_empty() {
                <ul class="broken-list">{ for broken.iter().map(|r| html! { <li>{ *r }</li> }) }</ul>
            }
            if problems.is_empty() {
                <p class="muted">{ "No problems reported for this object." }</p>
            } else {
                <ul class="box-problems" data-testid="box-problems">
                    { for problems.iter().map(|r| html! {
                        <li class={format!("severity-{}", r.severity.as_str())}><span class="badge">{ r.severity.as_str() }</span>{ " " }<code>{ &r.rule }</code>{ format!(" {}", r.message) }</li>
                    }) }
                </ul>
            }
            if let Some(a) = object.and_then(|o| crate::components::panels::allocated(&state.cluster, o)) {
                <p class="allocated">{ a }</p>
            }
            if let Some(o) = object {
                <p class="muted">{ format!("{} {} as stored{}", o.kind, o.name.as_deref().unwrap_or("(no name)"), if b.kind == Kind::Pod && o.kind != "Pod" { " (the pod comes from it)" } else { "" }) }</p>
                <pre class="yaml" data-testid="box-yaml">{ to_yaml(&o.stored) }</pre>
            } else if !b.health.is_placeholder() && b.kind != Kind::Node {
                <p class="muted">{ "Made by the cluster (no manifest)." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PodTogglesProps {
    id: String,
}

/// Ready / terminating switches of one pod.
#[function_component(PodToggles)]
fn pod_toggles(props: &PodTogglesProps) -> Html {
    let state = use_app();
    let Some((ns, name)) = map::pod_ref(&props.id) else { return html! {} };
    let current = state.pod_override(ns, name).cloned().unwrap_or_default();
    let set = |ready: Option<bool>, terminating: Option<bool>| {
        let state = state.clone();
        let (ns, name) = (ns.to_owned(), name.to_owned());
        Callback::from(move |_| {
            state.dispatch(Action::Cluster(ClusterChange::Pod { namespace: ns.clone(), name: name.clone(), ready, terminating }));
        })
    };
    let not_ready = current.ready == Some(false);
    let terminating = current.terminating == Some(true);
    html! {
        <div class="pod-toggles">
            <label class="check"><input type="checkbox" data-testid="toggle-not-ready" checked={not_ready}
                onclick={set((!not_ready).then_some(false), current.terminating)} />{ " not ready" }</label>
            <label class="check"><input type="checkbox" data-testid="toggle-terminating" checked={terminating}
                onclick={set(current.ready, (!terminating).then_some(true))} />{ " terminating" }</label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NodeDetailsProps {
    id: String,
}

/// A node of the simulated cluster: its addresses, its pods and the switch that takes it down.
#[function_component(NodeDetails)]
fn node_details(props: &NodeDetailsProps) -> Html {
    let state = use_app();
    let Some(node) = props.id.strip_prefix("node/").and_then(|n| state.cluster.node(n)) else { return html! {} };
    let down = state.options.cluster.overrides.nodes_down.contains(&node.name);
    let onclick = {
        let state = state.clone();
        let name = node.name.clone();
        Callback::from(move |_| state.dispatch(Action::Cluster(ClusterChange::NodeDown(name.clone(), !down))))
    };
    let mut pods: Vec<String> = state
        .cluster
        .pods
        .iter()
        .filter(|p| p.node.as_deref() == Some(node.name.as_str()))
        .map(|p| map::short(&p.namespace, &p.name))
        .collect();
    kplay_core::sort::sort(&mut pods);
    html! {
        <div class="node-details" data-testid="node-details">
            <p>{ format!("Node {} in zone {}: InternalIP {}, pod CIDR {}, {} CPU allocatable, {}.", node.name, node.zone.as_deref().unwrap_or("-"), node.internal_ip,
                if node.pod_cidrs.is_empty() { "none".to_owned() } else { node.pod_cidrs.join(", ") },
                node.cpu, if node.ready { "Ready" } else { "NotReady" }) }</p>
            <label class="check"><input type="checkbox" data-testid="node-down" checked={down} onclick={onclick} />{ " down (its pods become not ready, new pods go elsewhere)" }</label>
            <p class="muted">{ if pods.is_empty() { "No pods run here.".to_owned() } else { format!("Pods here: {}", pods.join(", ")) } }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ScaleProps {
    namespace: String,
    kind: String,
    name: String,
}

/// `kubectl scale` for the workload a pod comes from.
#[function_component(Scale)]
fn scale(props: &ScaleProps) -> Html {
    let state = use_app();
    let current = state
        .cluster
        .workloads
        .iter()
        .find(|w| w.kind == props.kind && w.namespace == props.namespace && w.name == props.name)
        .map_or(0, |w| w.desired);
    let scaled = state.options.cluster.overrides.scale.iter().any(|s| s.kind == props.kind && s.name == props.name);
    let onchange = {
        let state = state.clone();
        let (namespace, kind, name) = (props.namespace.clone(), props.kind.clone(), props.name.clone());
        Callback::from(move |e: Event| match e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<i64>() {
            Ok(r) => state.dispatch(Action::Cluster(ClusterChange::Scale {
                namespace: namespace.clone(),
                kind: kind.clone(),
                name: name.clone(),
                replicas: Some(r),
            })),
            Err(_) => state.dispatch(Action::Notice(Some("Replicas is a whole number.".to_owned()))),
        })
    };
    let reset = {
        let state = state.clone();
        let (namespace, kind, name) = (props.namespace.clone(), props.kind.clone(), props.name.clone());
        Callback::from(move |_| {
            state.dispatch(Action::Cluster(ClusterChange::Scale {
                namespace: namespace.clone(),
                kind: kind.clone(),
                name: name.clone(),
                replicas: None,
            }));
        })
    };
    html! {
        <div class="form-row">
            <label>{ format!("{} {} replicas ", props.kind, props.name) }
                <input type="number" min="0" max={MAX_SCALE.to_string()} data-testid="scale" value={current.to_string()} onchange={onchange} />
            </label>
            if scaled {
                <button onclick={reset} data-testid="scale-reset">{ "back to the manifest's count" }</button>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_pod_names_keep_their_suffix() {
        assert_eq!(truncate_middle("web-5d8f7c9b6-abcde", 19), "web-5d8f7c9b6-abcde");
        let cut = truncate_middle("cart-7ccf7f65b6-rkxhj", 19);
        assert_eq!(cut, "cart-7ccf7f6…-rkxhj");
        assert_eq!(cut.chars().count(), 19);
        assert_eq!(truncate_middle("ééééééééééééééééééééééé", 19).chars().count(), 19);
        assert_eq!(truncate("kube-dns-service-long", 14), "kube-dns-serv…");
    }
}
