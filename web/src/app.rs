//! The root component: builds the first state (share link, autosave or the default example),
//! provides it to every component, autosaves it, and follows `#rule=` links from hover cards.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::autosave;
use crate::components::{Editor, Header, Panels};
use crate::editor_js;
use crate::embed;
use crate::hooks::AppContext;
use crate::startup::{self, Start};
use crate::state::{Action, AppState, Panel};
use crate::timer::Timer;
use crate::worker;

/// How long typing must pause before a view's model is rebuilt on the main thread, in ms.
const REFRESH_PAUSE_MS: i32 = 400;

/// The state the page opens with.
fn initial() -> AppState {
    if let Some(view) = embed::mode() {
        // An embed reads only its own fragment: the playground's autosave is not its business.
        return AppState { panel: view, ..from_start(embed::decide(&editor_js::hash())) };
    }
    let stored = editor_js::load_saved();
    let hash = editor_js::hash();
    let start = startup::decide(&hash, stored.as_deref(), editor_js::decompress);
    if hash.starts_with(startup::SHARE_PREFIX) {
        // The link has been read; edits from here on are autosaved, so a reload keeps them.
        editor_js::replace_hash("");
    }
    from_start(start)
}

fn from_start(start: Start) -> AppState {
    match start {
        Start::Saved(saved, notice) => AppState { notice: notice.map(Rc::from), ..AppState::from_saved(&saved) },
        Start::Link(saved, replaced) => {
            let undo = replaced.and_then(|mine| AppState::undo_of(mine, 0));
            let notice = undo
                .is_some()
                .then(|| Rc::from("The share link's files replaced your own; yours stay saved in this browser until you change these."));
            AppState { notice, undo, ..AppState::from_saved(&saved) }
        }
        Start::Default(notice) => AppState { notice: notice.map(Rc::from), ..AppState::default() },
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial);
    {
        // The analysis worker starts with the page; its rows come back as actions.
        let rows = state.dispatcher();
        let failed = state.dispatcher();
        use_effect_with((), move |()| {
            worker::start(
                move |r| {
                    if let Some(e) = r.error {
                        // The page's own state was refused: analyse it here instead.
                        web_sys::console::warn_1(&format!("kplay analysis worker: {e}").into());
                        rows.dispatch(Action::Refresh);
                    } else {
                        rows.dispatch(Action::Rows { revision: r.revision, rows: r.rows });
                    }
                },
                move || failed.dispatch(Action::Refresh),
            );
        });
    }
    {
        // Each new revision goes to the worker; without one it is analysed here at once.
        let dispatcher = state.dispatcher();
        // Built in the effect, once per revision: the state renders more often than it changes.
        let current = (*state).clone();
        use_effect_with(state.revision, move |_| {
            let job = current.rows_stale().then(|| current.to_job());
            let timer = job.filter(|j| !worker::submit(j)).map(|_| Timer::new(0, move || dispatcher.dispatch(Action::Refresh)));
            move || drop(timer)
        });
    }
    {
        // A view that draws the cluster gets its model rebuilt once typing pauses.
        let dispatcher = state.dispatcher();
        let wanted = state.stale() && state.panel.needs_model();
        use_effect_with((state.revision, wanted), move |&(_, wanted)| {
            let timer = wanted.then(|| Timer::new(REFRESH_PAUSE_MS, move || dispatcher.dispatch(Action::Refresh)));
            move || drop(timer)
        });
    }
    {
        // Once per change of the files, options or open tab (not on every render: the rows
        // coming back from the worker change nothing worth saving), and when the files a
        // replacement put aside are let go (the notice dismissed): the new files are then the
        // ones a reload should open.
        let saved = (*state).clone();
        let dispatcher = state.dispatcher();
        // Embeds never autosave (they would overwrite the playground's work); they tell the
        // embedding page their share link at once (its "open in the playground" link must be
        // current whenever it is clicked; embedded manifests are short).
        use_effect_with((state.revision, state.active, state.generation, state.undo.is_some()), move |_| {
            let timer = if embed::mode().is_some() {
                embed::report(&saved.to_saved().to_json());
                None
            } else {
                autosave::later(saved, move |n| dispatcher.dispatch(Action::Notice(Some(n))))
            };
            move || drop(timer)
        });
    }
    {
        let state = state.clone();
        use_effect_with((), move |()| {
            let on_hash = Closure::<dyn FnMut()>::new(move || {
                let hash = editor_js::hash();
                if let Some(rule) = hash.strip_prefix("#rule=") {
                    state.dispatch(Action::Show(Panel::Rules, Some(rule.to_owned())));
                    editor_js::replace_hash("");
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
            }
            on_hash.forget();
        });
    }
    let (workspace, splitter) = (use_node_ref(), use_node_ref());
    {
        // The splitter between editor and views is plain DOM code (web/editor/splitter.js).
        let (workspace, splitter) = (workspace.clone(), splitter.clone());
        use_effect_with((), move |()| {
            if let (Some(w), Some(s)) = (workspace.cast::<web_sys::Element>(), splitter.cast::<web_sys::Element>()) {
                editor_js::splitter(&s, &w, embed::mode().is_none());
            }
        });
    }
    let restore = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Restore))
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Notice(None)))
    };
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <div class={classes!("app", embed::mode().is_some().then_some("embed"))}>
                <Header />
                if let Some(n) = &state.notice {
                    <div class="notice" role="status" data-testid="notice">
                        <span>{ n.to_string() }</span>
                        if state.undo.is_some() {
                            <button class="restore" data-testid="restore" onclick={restore}>{ "Bring back your files" }</button>
                        }
                        <button onclick={dismiss} aria-label="Dismiss the notice">{ "×" }</button>
                    </div>
                }
                <main class="workspace" ref={workspace}>
                    <Editor />
                    <div class="splitter" data-testid="splitter" ref={splitter}></div>
                    <Panels />
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}
