//! The top bar: the gallery, share and reset, the simulated cluster's node count and
//! kube-proxy mode, and the problem counts.

use std::rc::Rc;

use kplay_core::cluster::ProxyMode;
use kplay_core::Severity;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::flush_pending;
use crate::examples::{self, Example, GALLERY};
use crate::hooks::use_app;
use crate::persist::{Saved, SavedCluster, MAX_NODES};
use crate::state::{Action, AppState, ClusterChange};
use crate::{editor_js, startup};

/// A link made by Share: what it holds, and the generation of the files it was made from.
struct Shared {
    saved: Saved,
    generation: u32,
    url: String,
}

impl Shared {
    /// Whether the link still opens what the page shows (the open tab aside): the same files and
    /// cluster, and no example, Reset or Restore since.
    fn current(&self, state: &AppState) -> bool {
        let names_and_texts = self.saved.files.iter().map(|f| (f.name.as_str(), f.text.as_str()));
        self.generation == state.generation
            && state.files.iter().map(|f| (f.name.as_str(), f.text.as_str())).eq(names_and_texts)
            && self.saved.cluster.as_ref().map_or_else(SavedCluster::default, Clone::clone) == SavedCluster::from(&state.options.cluster)
    }
}

#[function_component(Header)]
pub fn header() -> Html {
    let state = use_app();
    let link = use_state(|| None::<Rc<Shared>>);
    {
        // Once the files or the cluster change, the link made by Share is old: the box goes, and
        // so does the address's fragment, so a reload opens the autosave rather than the link.
        // Compared once per revision, and only while there is a link.
        let link = link.clone();
        let current = (*state).clone();
        use_effect_with((state.revision, state.generation), move |_| {
            if link.as_ref().is_some_and(|l| !l.current(&current)) {
                link.set(None);
                if editor_js::hash().starts_with(startup::SHARE_PREFIX) {
                    editor_js::replace_hash("");
                }
            }
        });
    }
    let shown = link.as_ref().filter(|l| l.current(&state)).map(|l| l.url.clone());
    let errors = state.count(Severity::Error);
    let warnings = state.count(Severity::Warning);
    let infos = state.count(Severity::Info);
    // The example on the page while its files are unedited: the select shows it. The one
    // picked last first, as two examples may have the same files.
    let picked = use_mut_ref(|| None::<&'static Example>);
    let example = *use_memo((state.revision, state.generation), {
        let (files, picked) = (state.files.clone(), picked.clone());
        move |_| {
            let files = || files.iter().map(|f| (f.name.as_str(), f.text.as_str()));
            let picked = *picked.borrow();
            picked.filter(|e| e.is(files())).or_else(|| examples::unedited(&files())).map(|e| e.id)
        }
    });
    let gallery = use_node_ref();
    {
        // The select's value is the browser's: set it, not its options' `selected` attributes,
        // which stop counting once the user has picked an option.
        let gallery = gallery.clone();
        use_effect_with(example, move |example| {
            if let Some(select) = gallery.cast::<HtmlSelectElement>() {
                select.set_value(example.unwrap_or(""));
            }
        });
    }
    let pick = {
        let state = state.clone();
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            match examples::find(&select.value()) {
                Some(ex) => {
                    *picked.borrow_mut() = Some(ex);
                    state.dispatch(Action::LoadExample(ex));
                }
                None => select.set_value(example.unwrap_or("")),
            }
        })
    };
    let share = {
        let state = state.clone();
        let link = link.clone();
        Callback::from(move |_| {
            let mut saved = state.to_saved();
            // An edit still in the editor's debounce is on the page: the link holds it too (and
            // the state has it at once, so the link is current for the next render).
            if let (Some(text), Some(file)) = (editor_js::pending(), saved.files.get_mut(state.active)) {
                file.text = text;
                flush_pending(&state);
            }
            let data = editor_js::compress(&saved.to_json());
            let hash = format!("{}{data}", startup::SHARE_PREFIX);
            editor_js::replace_hash(&hash[1..]);
            link.set(Some(Rc::new(Shared { saved, generation: state.generation, url: editor_js::href() })));
        })
    };
    let reset = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::LoadExample(&GALLERY[0])))
    };
    let nodes = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(n) = v.parse() {
                state.dispatch(Action::Cluster(ClusterChange::NodeCount(n)));
            }
        })
    };
    let mode = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let m = match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                "nftables" => ProxyMode::Nftables,
                "ipvs" => ProxyMode::Ipvs,
                _ => ProxyMode::Iptables,
            };
            state.dispatch(Action::Cluster(ClusterChange::ProxyMode(m)));
        })
    };
    let c = &state.options.cluster;
    let overrides = c.overrides.pods.len() + c.overrides.nodes_down.len() + c.overrides.scale.len();
    let clear = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Cluster(ClusterChange::ClearOverrides)))
    };
    let close_link = {
        let link = link.clone();
        Callback::from(move |_| link.set(None))
    };
    // The whole link selected when the box gets focus, ready to copy.
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select());
    html! {
        // The link's box hangs below the bar, over the page, instead of in it: in the bar it
        // wrapped the bar to a second row at 1024 px and pushed the whole workspace down.
        <div class="topbar-wrap">
        <header class="topbar">
            <h1 class="brand">{ "kplay" }<span class="tagline">{ "Kubernetes manifests, checked as the API server would" }</span></h1>
            <div class="controls">
                <label class="sr-only" for="gallery">{ "Examples" }</label>
                <select id="gallery" data-testid="gallery" onchange={pick} ref={gallery}
                    title={if example.is_some() { "The example on the page, unedited" } else { "Replace the files with an example" }}>
                    <option value="" selected={example.is_none()}>{ "Examples…" }</option>
                    { for GALLERY.iter().map(|e| html! {
                        <option value={e.id} title={e.about} selected={example == Some(e.id)}>{ e.title }</option>
                    }) }
                </select>
                <button data-testid="share" onclick={share} title="Put the whole workspace into the address (nothing is uploaded)">{ "Share" }</button>
                <button data-testid="reset" onclick={reset} title="Replace the files with the seed tutorial">{ "Reset" }</button>
                <span class="cluster-controls" role="group" aria-label="Simulated cluster">
                    <label for="node-count" title="Nodes of the simulated cluster">{ "Nodes" }</label>
                    <select id="node-count" data-testid="node-count" onchange={nodes}>
                        { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == c.node_count}>{ n }</option> }) }
                    </select>
                    <label for="proxy-mode-select" title="kube-proxy's mode">{ "kube-proxy" }</label>
                    <select id="proxy-mode-select" data-testid="header-proxy-mode" onchange={mode}>
                        { for [(ProxyMode::Iptables, "iptables"), (ProxyMode::Nftables, "nftables"), (ProxyMode::Ipvs, "ipvs")].iter().map(|(m, n)| html! {
                            <option value={*n} selected={*m == c.proxy_mode}>{ *n }</option>
                        }) }
                    </select>
                    if overrides > 0 {
                        <button data-testid="clear-toggles" onclick={clear} title="Drop the pod and node toggles">{ plural(overrides, "toggle") + " ×" }</button>
                    }
                </span>
            </div>
            <div class="counts" data-testid="counts" aria-live="polite">
                <span class="count count-error" data-testid="count-error" data-count={errors.to_string()}>{ plural(errors, "error") }</span>
                <span class="count count-warning" data-testid="count-warning" data-count={warnings.to_string()}>{ plural(warnings, "warning") }</span>
                <span class="count count-info" data-testid="count-info" data-count={infos.to_string()}>{ plural(infos, "info") }</span>
            </div>
        </header>
        if let Some(url) = shown {
            <div class="share-pop" role="group" aria-label="Share">
                <input class="share-link" data-testid="share-link" aria-label="Share link" readonly=true value={url} onfocus={select_all}
                    title="The address now holds the whole workspace: copy it" />
                <button onclick={close_link} aria-label="Close the share link">{ "×" }</button>
            </div>
        }
        </div>
    }
}

/// `1 error`, `0 errors`, `2 warnings`; "info" has no plural.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 || word == "info" {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(plural(0, "warning"), "0 warnings");
        assert_eq!(plural(1, "warning"), "1 warning");
        assert_eq!(plural(2, "error"), "2 errors");
        assert_eq!(plural(3, "info"), "3 info");
    }
}
