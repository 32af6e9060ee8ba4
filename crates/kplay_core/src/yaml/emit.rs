//! Writes a [`Node`] tree back as block YAML (for `--show-defaulted` and the stored-objects view).
//! Strings that would be read as another type are quoted, so the output reads back the same.
//!
//! [`to_yaml_kubectl`] is the other mode: the layout and scalar styles of `kubectl get -o yaml`
//! (go-yaml v2's emitter, see `emit_kubectl.rs`), for `kplay get -o yaml`.

use super::node::{Node, NodeKind, Resolved};
use super::resolve::resolve_plain;

pub use super::emit_kubectl::to_yaml_kubectl;

/// Emits `node` as a YAML document (without `---`).
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    emit(node, 0, &mut out, Ctx::Root);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    MapValue,
    SeqItem,
}

fn emit(node: &Node, indent: usize, out: &mut String, ctx: Ctx) {
    match &node.kind {
        NodeKind::Scalar(_) => {
            if ctx == Ctx::MapValue {
                out.push(' ');
            }
            out.push_str(&scalar_text(node));
            out.push('\n');
        }
        NodeKind::Seq(items) => {
            if items.is_empty() {
                out.push_str(if ctx == Ctx::MapValue { " []\n" } else { "[]\n" });
                return;
            }
            if ctx == Ctx::MapValue {
                out.push('\n');
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 || ctx != Ctx::SeqItem {
                    push_indent(out, indent);
                }
                out.push_str("- ");
                emit(item, indent + 2, out, Ctx::SeqItem);
            }
        }
        NodeKind::Map(entries) => {
            if entries.is_empty() {
                out.push_str(if ctx == Ctx::MapValue { " {}\n" } else { "{}\n" });
                return;
            }
            if ctx == Ctx::MapValue {
                out.push('\n');
            }
            for (i, e) in entries.iter().enumerate() {
                if i > 0 || ctx != Ctx::SeqItem {
                    push_indent(out, indent);
                }
                out.push_str(&key_text(&e.key));
                out.push(':');
                emit(&e.value, indent + 2, out, Ctx::MapValue);
            }
        }
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn key_text(n: &Node) -> String {
    let t = n.text().unwrap_or("");
    if needs_quotes(t) {
        quote(t)
    } else {
        t.to_string()
    }
}

/// The scalar as JSON would carry it, written so that YAML reads it back the same.
fn scalar_text(n: &Node) -> String {
    match n.resolved() {
        Some(Resolved::Str(s)) => {
            if needs_quotes(s) || !matches!(resolve_plain(s), Resolved::Str(_)) {
                quote(s)
            } else {
                s.to_string()
            }
        }
        Some(Resolved::Null) | None => "null".into(),
        Some(r) => r.json_text(),
    }
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.starts_with([' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'])
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.contains(['\n', '\t', '\r'])
        || s.ends_with(':')
        || s.chars().any(char::is_control)
}

fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if c.is_control() => q.push_str(&format!("\\u{:04x}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::{load_file, Limits};

    #[test]
    fn round_trips_types() {
        let text = "a: \"yes\"\nb: yes\nc: [1, \"2\", {d: e}]\nf: {}\ng:\n- - x\n  - yy\nh: 'a: b'\n";
        let f = load_file(0, &SourceFile::new("x", text), &Limits::default());
        let root = f.docs[0].root.as_ref().unwrap();
        let out = to_yaml(root);
        let g = load_file(0, &SourceFile::new("y", out.clone()), &Limits::default());
        assert!(g.diagnostics.is_empty(), "{out}");

        let back = g.docs[0].root.as_ref().unwrap();
        assert_eq!(back.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(back.get("b").unwrap().as_bool(), Some(true));
        assert_eq!(back.get("c").unwrap().as_seq().unwrap()[1].as_str(), Some("2"));
        assert_eq!(back.get("h").unwrap().as_str(), Some("a: b"));
        assert_eq!(back.path(&["c"]).unwrap().as_seq().unwrap()[2].get("d").unwrap().as_str(), Some("e"));
        assert_eq!(back.get("g").unwrap().as_seq().unwrap()[0].as_seq().unwrap()[1].as_str(), Some("yy"));
    }
}
