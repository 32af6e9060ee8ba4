//! The compact embed page: `embed.html?embed=1&view=<view>#e=<percent-encoded saved JSON>`, as
//! built by web/embed/embed.js inside a sandboxed iframe. It shows the editor, the problems and
//! the chosen view; it reads its files only from its own fragment (never from localStorage),
//! never autosaves, and reports the share link of its state to the embedding page with
//! `postMessage`, so the page's "open in the playground" link carries the edits.

use std::cell::OnceCell;

use wasm_bindgen::JsValue;

use crate::persist::Saved;
use crate::startup::{Start, MAX_FRAGMENT_CHARS};
use crate::state::Panel;

/// The prefix of the embed page's fragment.
pub const EMBED_PREFIX: &str = "#e=";
/// The `type` of the message sent to the embedding page (embed.js checks it).
pub const SHARE_MESSAGE: &str = "kplay:share";

/// The view an embed opens with, from the page's query string; `None` when not embedded.
pub fn parse_query(search: &str) -> Option<Panel> {
    let query = search.strip_prefix('?').unwrap_or(search);
    let mut embed = false;
    let mut view = Panel::Problems;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "embed" => embed = value == "1",
            "view" => view = panel(value).unwrap_or(Panel::Problems),
            _ => {}
        }
    }
    embed.then_some(view)
}

/// The views an embed may open with, by the names `data-view` uses.
pub fn panel(name: &str) -> Option<Panel> {
    match name {
        "map" => Some(Panel::Map),
        "problems" => Some(Panel::Problems),
        "objects" => Some(Panel::Objects),
        "traffic" => Some(Panel::Traffic),
        "trace" => Some(Panel::Trace),
        "proxy" | "kube-proxy" => Some(Panel::Proxy),
        "dns" => Some(Panel::Dns),
        "rules" | "docs" => Some(Panel::Rules),
        _ => None,
    }
}

/// What the embed page opens with: the files of its fragment, or the default example with a
/// notice saying why they could not be read.
pub fn decide(hash: &str) -> Start {
    let Some(data) = hash.strip_prefix(EMBED_PREFIX) else {
        return Start::Default(Some("This embed was given no files; the example is shown instead.".to_owned()));
    };
    if data.len() > MAX_FRAGMENT_CHARS * 3 {
        return Start::Default(Some("The embedded files are too large and were not opened.".to_owned()));
    }
    let Some(json) = percent_decode(data) else {
        return Start::Default(Some("The embedded files are damaged (bad percent-encoding or UTF-8).".to_owned()));
    };
    match Saved::from_json(&json) {
        Ok(saved) => Start::Saved(saved, None),
        Err(e) => Start::Default(Some(format!("The embedded files could not be opened: {e}."))),
    }
}

/// Undoes `encodeURIComponent`: `%XX` escapes to bytes, which must form UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

thread_local! {
    static MODE: OnceCell<Option<Panel>> = const { OnceCell::new() };
}

/// The embed view of this page (`None` for the full playground), read once from the address.
/// Browser only.
pub fn mode() -> Option<Panel> {
    MODE.with(|m| *m.get_or_init(|| web_sys::window().and_then(|w| w.location().search().ok()).and_then(|s| parse_query(&s))))
}

/// Whether the view switcher offers `p` while the page shows `current`: everything in the
/// playground; in an embed the problems, its own view, and whatever a link opened.
pub fn offers(p: Panel, current: Panel) -> bool {
    match mode() {
        None => true,
        Some(view) => p == Panel::Problems || p == view || p == current,
    }
}

/// Tells the embedding page the share link of `json` (the saved workspace). Browser only.
pub fn report(json: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let hash = format!("{}{}", crate::startup::SHARE_PREFIX, crate::editor_js::compress(json));
    if hash.len() > MAX_FRAGMENT_CHARS {
        return;
    }
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &JsValue::from_str("type"), &JsValue::from_str(SHARE_MESSAGE));
    let _ = js_sys::Reflect::set(&msg, &JsValue::from_str("hash"), &JsValue::from_str(&hash));
    // The embedding page may be any site: its origin cannot be named. The message holds only the
    // files that page put into the frame, plus the reader's edits.
    let _ = parent.post_message(&msg, "*");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::SavedFile;

    #[test]
    fn query_selects_embed_mode_and_view() {
        assert_eq!(parse_query(""), None);
        assert_eq!(parse_query("?view=objects"), None);
        assert_eq!(parse_query("?embed=0&view=objects"), None);
        assert_eq!(parse_query("?embed=1"), Some(Panel::Problems));
        assert_eq!(parse_query("?embed=1&view=objects"), Some(Panel::Objects));
        assert_eq!(parse_query("?view=rules&embed=1"), Some(Panel::Rules));
        assert_eq!(parse_query("?embed=1&view=<script>"), Some(Panel::Problems));
    }

    #[test]
    fn percent_decoding_undoes_encode_uri_component() {
        assert_eq!(percent_decode("a%20b%3Cscript%3E").as_deref(), Some("a b<script>"));
        assert_eq!(percent_decode("%C3%A9%F0%9F%98%80").as_deref(), Some("é😀"));
        assert_eq!(percent_decode("%"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
        assert_eq!(percent_decode("%C3"), None, "cut UTF-8");
    }

    fn encode(s: &str) -> String {
        s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
    }

    #[test]
    fn fragment_opens_the_files_or_falls_back_with_a_notice() {
        let saved = Saved {
            v: 1,
            files: vec![SavedFile { name: "a.yaml".into(), text: "<img src=x onerror=alert(1)>\n".into() }],
            active: 0,
            cluster: None,
        };
        assert_eq!(decide(&format!("#e={}", encode(&saved.to_json()))), Start::Saved(saved, None));
        for (hash, why) in [
            ("", "no files"),
            ("#s=abc", "no files"),
            ("#e=%", "damaged"),
            ("#e=%7B", "could not be opened"),
            ("#e=%7B%22v%22%3A1%7D", "could not be opened"),
        ] {
            let Start::Default(Some(n)) = decide(hash) else { panic!("{hash}: expected a fallback") };
            assert!(n.contains(why), "{hash}: {n}");
        }
        let long = format!("#e={}", "a".repeat(MAX_FRAGMENT_CHARS * 3 + 1));
        let Start::Default(Some(n)) = decide(&long) else { panic!("long fragment") };
        assert!(n.contains("too large"), "{n}");
    }
}
