//! The YAML node tree: every node keeps its byte span and every scalar its style.

use crate::source::Span;

/// How a scalar was written. Only plain scalars are resolved to non-string types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl ScalarStyle {
    pub fn is_quoted(self) -> bool {
        !matches!(self, ScalarStyle::Plain)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The scalar's value after YAML unescaping and folding.
    pub value: String,
    pub style: ScalarStyle,
}

/// A scalar as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) reads it before it becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` that still fits in 64 bits.
    Uint(u64),
    Float(f64),
    Str(&'a str),
}

impl Resolved<'_> {
    /// The JSON type name kubectl would send, as the API server names it in decode errors.
    pub fn json_type(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "bool",
            Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => "number",
            Resolved::Str(_) => "string",
        }
    }

    /// The JSON text kubectl would send for this scalar (for messages).
    pub fn json_text(&self) -> String {
        match self {
            Resolved::Null => "null".into(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Uint(u) => u.to_string(),
            Resolved::Float(f) => format_go_float(*f),
            Resolved::Str(s) => format!("{s:?}"),
        }
    }
}

/// Formats a float the way Go's encoding/json does (shortest representation, exponent form only
/// for very large or very small magnitudes).
pub fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        // strconv writes e+21 and e-07; encoding/json then cleans "e-09" up to "e-9"
        // (floatEncoder), so a negative exponent keeps no leading zero.
        if let Some((m, e)) = s.split_once('e') {
            return match e.strip_prefix('-') {
                Some(digits) => format!("{m}e-{digits}"),
                None => format!("{m}e+{}", if e.len() < 2 { format!("0{e}") } else { e.to_string() }),
            };
        }
        s
    } else {
        format!("{f}")
    }
}

/// A map key as sigs.k8s.io/yaml writes it into JSON (`convertToJSONableObject`): go-yaml v2's
/// float keys go through `strconv.FormatFloat(f, 'g', -1, 32)`, that is rounded to 32 bits,
/// shortest digits, exponent form below 1e-4 and from 1e6 on (`1e+06`), and infinities and NaN
/// as YAML writes them (`.inf`, `-.inf`, `.nan`).
pub fn format_go_float32_key(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let e = format!("{f:e}");
    let Some((mantissa, exp)) = e.split_once('e') else { return e };
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// An explicit tag such as `!!str` or `!custom` (handle + suffix).
    pub tag: Option<Box<str>>,
    /// True for nodes added by defaulting (their span is the place they hang from).
    pub synthetic: bool,
}

impl Node {
    pub fn scalar(span: Span, value: impl Into<String>, style: ScalarStyle) -> Self {
        Node { span, kind: NodeKind::Scalar(Scalar { value: value.into(), style }), tag: None, synthetic: false }
    }

    pub fn map(span: Span, entries: Vec<Entry>) -> Self {
        Node { span, kind: NodeKind::Map(entries), tag: None, synthetic: false }
    }

    pub fn seq(span: Span, items: Vec<Node>) -> Self {
        Node { span, kind: NodeKind::Seq(items), tag: None, synthetic: false }
    }

    /// A defaulted node hanging from `span`.
    #[must_use]
    pub fn synthetic(mut self) -> Self {
        self.synthetic = true;
        self
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<Entry>> {
        match &mut self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar resolved with YAML 1.1 rules (see [`super::resolve`]).
    pub fn resolved(&self) -> Option<Resolved<'_>> {
        self.as_scalar().map(|s| super::resolve::resolve(s, self.tag.as_deref()))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.resolved(), Some(Resolved::Null))
    }

    /// The string value if this node is read as a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolved()? {
            Resolved::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text whatever type it resolves to (for messages and lenient lookups).
    pub fn text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.resolved()? {
            Resolved::Int(i) => Some(i),
            Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.resolved()? {
            Resolved::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.text() == Some(key))
    }

    /// The value for `key` in a mapping (null values included).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.iter_mut().find(|e| e.key.text() == Some(key)).map(|e| &mut e.value)
    }

    /// Follows a dotted path of mapping keys.
    pub fn path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// Sets `key` to `value` in a mapping, appending the entry if it is missing.
    pub fn set(&mut self, key: &str, value: Node) {
        let span = self.span;
        if let Some(m) = self.as_map_mut() {
            if let Some(e) = m.iter_mut().find(|e| e.key.text() == Some(key)) {
                e.value = value;
            } else {
                let key = Node::scalar(span, key, ScalarStyle::Plain).synthetic();
                m.push(Entry { key, value });
            }
        }
    }

    /// Removes `key` from a mapping.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|e| e.key.text() == Some(key))?;
        Some(m.remove(i).value)
    }

    /// Number of nodes in this subtree (used to bound alias expansion).
    pub fn count(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            n += 1;
            match &node.kind {
                NodeKind::Scalar(_) => {}
                NodeKind::Seq(items) => stack.extend(items.iter()),
                NodeKind::Map(entries) => {
                    for e in entries {
                        stack.push(&e.key);
                        stack.push(&e.value);
                    }
                }
            }
        }
        n
    }
}
