//! wasm-bindgen bindings for JavaScript: type conversion only.
