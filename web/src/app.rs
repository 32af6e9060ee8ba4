//! The root component: builds the first state (share link, autosave or the default example),
//! provides it to every component, autosaves it, and follows `#rule=` links from hover cards.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::components::{Editor, Header, Panels};
use crate::editor_js;
use crate::embed;
use crate::hooks::AppContext;
use crate::startup::{self, Start};
use crate::state::{Action, AppState, Panel};
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
        // coming back from the worker change nothing worth saving).
        let saved = (*state).clone();
        // Embeds never autosave (they would overwrite the playground's work); they tell the
        // embedding page their share link at once (its "open in the playground" link must be
        // current whenever it is clicked; embedded manifests are short).
        use_effect_with((state.revision, state.active, state.generation), move |_| {
            let timer = if embed::mode().is_some() {
                embed::report(&saved.to_saved().to_json());
                None
            } else {
                Some(autosave::later(saved))
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
                        <button onclick={dismiss} aria-label="Dismiss the notice">{ "×" }</button>
                    </div>
                }
                <main class="workspace">
                    <Editor />
                    <Panels />
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}

/// The playground's autosave. Serialising the workspace and writing it to localStorage on
/// every keystroke of a long manifest costs the main thread about a millisecond, so the newest
/// state is written once typing pauses ([`AUTOSAVE_MS`]), and at once when the page is hidden or
/// left (`visibilitychange`, `pagehide`: a reload, a closed tab, a switch to another tab), then
/// with the editor's text if an edit is still in its debounce, so a reload loses nothing.
mod autosave {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;

    use super::Timer;
    use crate::editor_js;
    use crate::state::AppState;

    /// How long typing must pause before the workspace is written, in ms.
    const AUTOSAVE_MS: i32 = 500;

    #[derive(Default)]
    struct Autosave {
        /// The newest state of the page.
        latest: Option<AppState>,
        /// Whether `latest` has not been written yet.
        dirty: bool,
        listening: bool,
    }

    thread_local! {
        static AUTOSAVE: RefCell<Autosave> = RefCell::default();
    }

    /// Remembers `state` as the one to write and returns the timer that writes it (an effect
    /// drops it when the next change comes, which postpones the write).
    pub fn later(state: AppState) -> Timer {
        let listening = AUTOSAVE.with(|a| {
            let mut a = a.borrow_mut();
            a.latest = Some(state);
            a.dirty = true;
            std::mem::replace(&mut a.listening, true)
        });
        if !listening {
            listen();
        }
        Timer::new(AUTOSAVE_MS, || write(None))
    }

    /// Writes the newest state if it is not written yet, or if the editor holds an edit the
    /// page has not seen (`pending`, the open file's text).
    fn write(pending: Option<String>) {
        let saved = AUTOSAVE.with(|a| {
            let mut a = a.borrow_mut();
            if !a.dirty && pending.is_none() {
                return None;
            }
            a.dirty = false;
            let state = a.latest.as_ref()?;
            let mut saved = state.to_saved();
            if let (Some(text), Some(file)) = (pending, saved.files.get_mut(state.active)) {
                file.text = text;
            }
            Some(saved.to_json())
        });
        if let Some(json) = saved {
            editor_js::save(&json);
        }
    }

    fn listen() {
        let Some(w) = web_sys::window() else { return };
        let hidden = Closure::<dyn FnMut()>::new(|| {
            let hidden =
                web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
            if hidden {
                write(editor_js::pending());
            }
        });
        let left = Closure::<dyn FnMut()>::new(|| write(editor_js::pending()));
        if let Some(d) = w.document() {
            let _ = d.add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
        }
        let _ = w.add_event_listener_with_callback("pagehide", left.as_ref().unchecked_ref());
        // Page-long listeners.
        hidden.forget();
        left.forget();
    }
}

/// A `setTimeout` that is cleared when dropped (effects drop theirs when their inputs change).
struct Timer {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn new(ms: i32, f: impl FnOnce() + 'static) -> Self {
        let mut f = Some(f);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let id = web_sys::window()
            .and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), ms).ok());
        Self { id, _callback: callback }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.id, web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
    }
}
