//! The rules' documentation text for the Docs view, loaded on demand. The page's wasm is built
//! without kplay_core's `rule-docs` feature (every `Rule::docs` is ""), so the text comes from
//! `kplay-rule-docs.js`, which `cargo xtask build` writes from the rule registry and which sets
//! `window.kplayRuleDocs = {"rule-name": "markdown", ...}`. The Docs view inserts that script
//! once, when it first shows a rule (a classic `<script src>` like the editor bundle: it loads in
//! the sandboxed frames of embeds, where fetch() of a JSON file would be refused). Only the
//! browser build calls these.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// The script's name in dist/ (index.html copies it there).
const SCRIPT: &str = "kplay-rule-docs.js";

#[wasm_bindgen]
extern "C" {
    /// `window.kplayRuleDocs`: the rule docs by rule name, once the script ran.
    type RuleDocs;
    #[wasm_bindgen(thread_local_v2, js_namespace = window, js_name = kplayRuleDocs)]
    static RULE_DOCS: Option<RuleDocs>;
    /// The Markdown of rule `name`, or undefined.
    #[wasm_bindgen(method, structural, indexing_getter)]
    fn get(this: &RuleDocs, name: &str) -> Option<String>;
}

/// Where loading the script stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nobody asked yet.
    Idle,
    /// The script element is in the page; its load event has not come.
    Loading,
    Loaded,
    /// The script could not be loaded or did not define the docs.
    Failed,
}

thread_local! {
    static STATUS: Cell<Status> = const { Cell::new(Status::Idle) };
    /// Who waits for the script's load or error event.
    static WAITING: RefCell<Vec<Callback<Status>>> = const { RefCell::new(Vec::new()) };
}

pub fn status() -> Status {
    STATUS.get()
}

/// Loads the script once; `done` receives `Loaded` or `Failed` when it settles (at once when it
/// has already).
pub fn load(done: Callback<Status>) {
    match status() {
        s @ (Status::Loaded | Status::Failed) => done.emit(s),
        Status::Loading => WAITING.with_borrow_mut(|w| w.push(done)),
        Status::Idle => {
            WAITING.with_borrow_mut(|w| w.push(done));
            STATUS.set(Status::Loading);
            if insert_script().is_err() {
                settle(Status::Failed);
            }
        }
    }
}

/// The documentation of rule `name`, when the script has loaded and has it.
pub fn text(name: &str) -> Option<String> {
    RULE_DOCS.with(|docs| docs.as_ref().and_then(|d| d.get(name)))
}

fn settle(status: Status) {
    STATUS.set(status);
    for done in WAITING.take() {
        done.emit(status);
    }
}

fn insert_script() -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let head = document.head().ok_or("no <head>")?;
    let script = document.create_element("script")?;
    // Reading the global before the script ran would cache "undefined" (thread_local_v2), so
    // nothing reads it until the load event.
    let on_load = Closure::once_into_js(|| settle(if RULE_DOCS.with(Option::is_some) { Status::Loaded } else { Status::Failed }));
    let on_error = Closure::once_into_js(|| settle(Status::Failed));
    script.add_event_listener_with_callback("load", on_load.unchecked_ref())?;
    script.add_event_listener_with_callback("error", on_error.unchecked_ref())?;
    script.set_attribute("src", SCRIPT)?;
    head.append_child(&script)?;
    Ok(())
}
