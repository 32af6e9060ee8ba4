//! The kube-proxy view: the rules one node would hold in one mode (`iptables-save`,
//! `nft list ruleset`, `ipvsadm -Ln`), with the selected Service's lines marked.

use kplay_core::api::{parse_proxy_mode, proxy_rules};
use kplay_core::proxy::modes::Mode;
use yew::prelude::*;

use crate::components::pick::{setter, Pick};
use crate::components::Frozen;
use crate::hooks::use_app;
use crate::state::Action;
use crate::views::{self, Choice};

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Iptables => "iptables",
        Mode::Nftables => "nftables",
        Mode::Ipvs => "ipvs",
    }
}

#[function_component(ProxyView)]
pub fn proxy_view() -> Html {
    let state = use_app();
    let node = use_state(String::new);
    let mode = use_state(String::new);
    let cluster = &state.cluster;
    let nodes: Vec<Choice> = cluster.nodes.iter().map(|n| Choice { label: n.name.clone(), spec: n.name.clone() }).collect();
    let node_name = views::chosen(&nodes, &node);
    let default_mode: Mode = cluster.description.proxy_mode.into();
    // Empty until the user picks one: the cluster's mode (the header's) then.
    let mode_val = parse_proxy_mode(&mode).unwrap_or(default_mode);
    let modes: Vec<Choice> = [Mode::Iptables, Mode::Nftables, Mode::Ipvs]
        .iter()
        .map(|m| Choice { label: mode_name(*m).to_owned(), spec: mode_name(*m).to_owned() })
        .collect();
    let mut services: Vec<Choice> = vec![Choice { label: "(none)".to_owned(), spec: String::new() }];
    let mut svcs: Vec<_> = cluster.services.iter().collect();
    kplay_core::sort::sort_by_key(&mut svcs, |s| (s.builtin, s.namespace.clone(), s.name.clone()));
    services.extend(
        svcs.iter().map(|s| Choice { label: crate::map::short(&s.namespace, &s.name), spec: format!("svc/{}/{}", s.namespace, s.name) }),
    );
    let selected = state.selected.as_deref().filter(|s| s.starts_with("svc/")).unwrap_or("").to_owned();
    // The rules text of a node can be thousands of lines: built and drawn again only when the
    // model, the node, the mode or the highlighted Service change (not on every keystroke).
    let rules = {
        let cluster = state.cluster.clone();
        use_memo((state.model_revision, mode_val, node_name.clone(), selected.clone()), move |(_, mode, node, selected)| {
            rules_html(&cluster, *mode, node, selected)
        })
    };
    if nodes.is_empty() {
        return html! { <p class="empty pad">{ "The cluster has no nodes." }</p> };
    }
    let on_service = {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(Action::SelectBox((!v.is_empty()).then_some(v))))
    };
    html! {
        <div class="proxy pad" data-testid="proxy">
            <div class="form-row">
                <Pick label="Node" testid="proxy-node" choices={nodes.clone()} value={node_name.clone()} onchange={setter(&node)} />
                <Pick label="Mode" testid="proxy-mode" choices={modes} value={mode_name(mode_val).to_owned()} onchange={setter(&mode)} />
                <Pick label="Highlight" testid="proxy-service" choices={services} value={selected.clone()} onchange={on_service} />
            </div>
            <Frozen html={rules} />
        </div>
    }
}

/// The rules of `node` in `mode`, with the lines of the Service `selected` (`svc/NS/NAME`) marked.
fn rules_html(cluster: &kplay_core::cluster::Cluster, mode: Mode, node: &str, selected: &str) -> Html {
    let service = selected.strip_prefix("svc/").and_then(|r| r.split_once('/')).and_then(|(ns, n)| cluster.service(ns, n));
    match proxy_rules(cluster, mode, node) {
        Err(e) => html! { <p class="error-text">{ e }</p> },
        Ok(text) => {
            let marks = service.map(|s| {
                let ips: Vec<String> = s.cluster_ips.iter().map(ToString::to_string).collect();
                views::highlight(&text, &s.namespace, &s.name, &ips, mode)
            });
            let marked = marks.as_ref().map_or(0, |m| m.iter().filter(|x| **x).count());
            html! {
                <>
                if let Some(s) = service {
                    <p class="muted" data-testid="proxy-marked" data-count={marked.to_string()}>{ format!("{marked} lines belong to {}/{}.", s.namespace, s.name) }</p>
                }
                <pre class="rules-text" data-testid="proxy-rules">
                    { for text.lines().enumerate().map(|(i, l)| {
                        if marks.as_ref().is_some_and(|m| m.get(i).copied().unwrap_or(false)) {
                            html! { <><mark>{ l.to_owned() }</mark>{ "\n" }</> }
                        } else {
                            html! { { format!("{l}\n") } }
                        }
                    }) }
                </pre>
                </>
            }
        }
    }
}
