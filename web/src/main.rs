//! The kplay playground: a Yew app that analyses the manifest being edited with `kplay_core`
//! and shows the diagnostics. It compiles natively too, so its state logic is unit-tested with
//! the rest of the workspace; only the browser build mounts it.

mod app;
mod components;
mod examples;
mod hooks;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
