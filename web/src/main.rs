//! The kplay playground: a Yew app that analyses the files being edited with `kplay_core` and
//! shows the diagnostics in a CodeMirror editor and beside it. It compiles natively too, so its
//! state logic is unit-tested with the rest of the workspace; only the browser build mounts it.

mod app;
mod autosave;
mod components;
mod editor_js;
mod embed;
mod examples;
mod hooks;
mod map;
mod persist;
mod rule_docs;
mod startup;
mod state;
mod timer;
mod views;
mod worker;

fn main() {
    // The same wasm runs the analysis worker (web/src/worker.rs): there it serves jobs only.
    if worker::serve() {
        return;
    }
    yew::Renderer::<app::App>::new().render();
}
