//! The playground's autosave. Serialising the workspace and writing it to localStorage on
//! every keystroke of a long manifest costs the main thread about a millisecond, so the newest
//! state is written once typing pauses ([`AUTOSAVE_MS`]), and at once when the page is hidden or
//! left (`visibilitychange`, `pagehide`: a reload, a closed tab, a switch to another tab), then
//! with the editor's text if an edit is still in its debounce, so a reload loses nothing.
//! When the browser refuses to store it (storage full, or blocked as in some private modes),
//! the page says so once, with a notice, rather than losing the next reload's work silently.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::editor_js;
use crate::state::AppState;
use crate::timer::Timer;

/// How long typing must pause before the workspace is written, in ms.
const AUTOSAVE_MS: i32 = 500;

#[derive(Default)]
struct Autosave {
    /// The newest state of the page.
    latest: Option<AppState>,
    /// Whether `latest` has not been written yet.
    dirty: bool,
    listening: bool,
    /// Whether the last write failed (the notice is shown once per run of failures).
    failing: bool,
    /// Shows a notice on the page.
    notify: Option<Rc<dyn Fn(String)>>,
}

/// The notice shown when the browser refuses to store the workspace.
pub const REFUSED: &str = "Autosave failed: this browser refused to store your work (its storage is full or blocked), \
so a reload would lose your edits. Keep them with Share, or copy them out.";

thread_local! {
    static AUTOSAVE: RefCell<Autosave> = RefCell::default();
}

/// Remembers `state` as the one to write and returns the timer that writes it (an effect
/// drops it when the next change comes, which postpones the write). `notify` shows a notice.
///
/// Files an example, Reset, a share link or a file's removal just put in place of the user's
/// work ([`AppState::keeps_stored_work`]) are not written until they are changed: the stored
/// work stays (its last edits written first), so a look at an example or a link costs nothing.
pub fn later(state: AppState, notify: impl Fn(String) + 'static) -> Option<Timer> {
    let keep = state.keeps_stored_work();
    // The files put aside are the user's newest work: written now, unless the state before kept
    // older work stored (which stays). They hold even edits that reached the state in the same
    // render as the replacement, and so never reached this function (the editor's last
    // keystrokes, handed over before a file's removal).
    let put_aside = keep && AUTOSAVE.with(|a| a.borrow().latest.as_ref().is_some_and(|l| !l.keeps_stored_work()));
    if let Some(undo) = state.undo.as_ref().filter(|_| put_aside) {
        store(&undo.saved.to_json());
    }
    let listening = AUTOSAVE.with(|a| {
        let mut a = a.borrow_mut();
        a.latest = Some(state);
        a.notify = Some(Rc::new(notify));
        a.dirty = !keep;
        std::mem::replace(&mut a.listening, true)
    });
    if !listening {
        listen();
    }
    (!keep).then(|| Timer::new(AUTOSAVE_MS, || write(None)))
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
        store(&json);
    }
}

/// Writes `json` as the stored workspace; the first refused write of a run shows a notice.
fn store(json: &str) {
    let ok = editor_js::save(json);
    let notify = AUTOSAVE.with(|a| {
        let mut a = a.borrow_mut();
        let first_failure = !ok && !a.failing;
        a.failing = !ok;
        first_failure.then(|| a.notify.clone()).flatten()
    });
    if let Some(notify) = notify {
        notify(REFUSED.to_owned());
    }
}

fn listen() {
    let Some(w) = web_sys::window() else { return };
    let hidden = Closure::<dyn FnMut()>::new(|| {
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
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
