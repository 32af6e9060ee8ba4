//! Glue to the CodeMirror bundle (web/editor/index.js, loaded by index.html as `kplayEditor`)
//! and the browser's storage and location. Only the browser build calls these; natively they
//! compile but would panic if called, so components call them from effects and callbacks only.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = mount)]
    fn js_mount(parent: &web_sys::Element, on_change: &JsValue) -> JsValue;
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = show)]
    fn js_show(handle: &JsValue, key: &str, text: &str);
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = setDiagnostics)]
    fn js_set_diagnostics(handle: &JsValue, json: &str);
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = jump)]
    fn js_jump(handle: &JsValue, line: u32, column: u32);
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = pending)]
    fn js_pending(handle: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = splitter)]
    fn js_splitter(handle: &web_sys::Element, workspace: &web_sys::Element, remember: bool);
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = reportHeight)]
    fn js_report_height(handle: &JsValue);
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = compress)]
    pub fn compress(text: &str) -> String;
    #[wasm_bindgen(js_namespace = kplayEditor, js_name = decompress)]
    pub fn decompress(data: &str) -> Option<String>;
}

thread_local! {
    /// The one editor of the page (set by `mount`).
    static EDITOR: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Mounts the editor in `parent`; `on_change(key, text)` receives the user's edits.
pub fn mount(parent: &web_sys::Element, on_change: impl FnMut(String, String) + 'static) {
    let cb = Closure::<dyn FnMut(String, String)>::new(on_change);
    let handle = js_mount(parent, cb.as_ref());
    // The editor lives as long as the page.
    cb.forget();
    EDITOR.with(|e| *e.borrow_mut() = Some(handle));
}

fn with(f: impl FnOnce(&JsValue)) {
    EDITOR.with(|e| {
        if let Some(h) = e.borrow().as_ref() {
            f(h);
        }
    });
}

pub fn show(key: &str, text: &str) {
    with(|h| js_show(h, key, text));
}

pub fn set_diagnostics(json: &str) {
    with(|h| js_set_diagnostics(h, json));
}

/// The open file's text when the user's last edit is still in the editor's debounce.
pub fn pending() -> Option<String> {
    EDITOR.with(|e| e.borrow().as_ref().and_then(js_pending))
}

/// Makes `handle` the splitter of `workspace` (web/editor/splitter.js); `remember` keeps the
/// user's split in localStorage.
pub fn splitter(handle: &web_sys::Element, workspace: &web_sys::Element, remember: bool) {
    js_splitter(handle, workspace, remember);
}

/// Embeds: tells the embedding page the height that shows the whole file, now and whenever it
/// changes (web/editor/fit.js).
pub fn report_height() {
    with(js_report_height);
}

pub fn jump(line: u32, column: u32) {
    with(|h| js_jump(h, line, column));
}

const STORAGE_KEY: &str = "kplay.workspace.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_saved() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok().flatten()
}

/// Saves the workspace; false when the browser refused (storage full, blocked or absent).
pub fn save(json: &str) -> bool {
    storage().is_some_and(|s| s.set_item(STORAGE_KEY, json).is_ok())
}

pub fn hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Replaces the URL's fragment without a navigation or a history entry.
pub fn replace_hash(hash: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let url = if hash.is_empty() { path } else { format!("{path}#{hash}") };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
}

pub fn href() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}
