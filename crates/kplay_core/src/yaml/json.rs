//! JSON streams, read as kubectl reads them: apimachinery's `YAMLOrJSONDecoder`
//! (util/yaml/decoder.go) takes input whose first non-space character (within the first 4096
//! bytes, `GuessJSONStream`) is `{` as a stream of JSON values, decoded one after the other by
//! Go's `encoding/json` Decoder (`{...}{...}` or one per line, no `---`). When a value fails to
//! decode while at most one value was read, it goes back to the end of the last good value, skips
//! white space up to and including the first line break (`consumeWhitespace`) and reads the rest
//! as YAML; if that fails too, the JSON error is the one kubectl prints. After two values, a JSON
//! error ends the stream.

use super::node::{Entry, Node, ScalarStyle};
use super::Limits;
use crate::source::Span;

/// How far `GuessJSONStream` looks for the first non-space character.
const SNIFF_BYTES: usize = 4096;
/// `encoding/json`'s nesting limit (`maxNestingDepth`).
const GO_MAX_DEPTH: usize = 10_000;

/// The byte offset of the `{` that makes `text` a JSON stream, or None for YAML. A leading byte
/// order mark is not part of the stream (kubectl's reader drops it).
pub(super) fn stream_start(text: &str) -> Option<usize> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let sniffed = &text[bom..];
    let at = sniffed.len() - sniffed.trim_start_matches(char::is_whitespace).len();
    (at < SNIFF_BYTES && sniffed[at..].starts_with('{')).then_some(bom + at)
}

/// A JSON syntax error as `encoding/json` words it, at the offending byte.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JsonError {
    pub span: Span,
    pub message: String,
}

/// A duplicate key: the second key's span, the first one's, and the key.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Duplicate {
    pub key: String,
    pub again: Span,
    pub first: Span,
}

/// What the JSON part of a stream gave.
#[derive(Debug, Default)]
pub(super) struct Stream {
    /// Each value read, with its span.
    pub values: Vec<Node>,
    pub duplicates: Vec<Duplicate>,
    /// A value nested deeper than the limit: where, and the limit.
    pub too_deep: Option<(Span, usize)>,
    /// The error that stopped the JSON decoder, if any.
    pub error: Option<JsonError>,
    /// Where the YAML decoder takes over (after the first line break following the last good
    /// value); None when the stream ended as JSON or the error ends it.
    pub yaml_from: Option<usize>,
}

/// Reads the JSON values of `text` from `start` as the `YAMLOrJSONDecoder` does.
pub(super) fn read_stream(text: &str, start: usize, limits: &Limits) -> Stream {
    let mut out = Stream::default();
    let mut pos = start;
    let max_depth = limits.max_depth.min(GO_MAX_DEPTH);
    loop {
        let mut p = Parser { b: text.as_bytes(), text, i: pos, max_depth, duplicates: Vec::new(), too_deep: None };
        p.skip_ws();
        if p.i == text.len() {
            return out;
        }
        match p.value() {
            Ok(node) => {
                out.duplicates.append(&mut p.duplicates);
                pos = p.i;
                out.values.push(node);
            }
            Err(e) => {
                out.too_deep = p.too_deep;
                if out.too_deep.is_none() && out.values.len() <= 1 {
                    out.yaml_from = consume_whitespace(text, pos);
                }
                out.error = Some(e);
                return out;
            }
        }
    }
}

/// `json.Unmarshal`'s syntax check (`checkValid`) over a whole text, such as an annotation that
/// holds JSON: the one value it holds, with spans into `text`, or the error Go words: `unexpected
/// end of JSON input` where the text ends too early, `invalid character 'x' after top-level
/// value` after the value.
pub(crate) fn unmarshal(text: &str) -> Result<Node, String> {
    let max_depth = Limits::default().max_depth.min(GO_MAX_DEPTH);
    let mut p = Parser { b: text.as_bytes(), text, i: 0, max_depth, duplicates: Vec::new(), too_deep: None };
    let eof = |e: JsonError| if e.message == "unexpected EOF" { "unexpected end of JSON input".to_string() } else { e.message };
    p.skip_ws();
    let node = p.value().map_err(eof)?;
    p.skip_ws();
    if p.i < text.len() {
        return Err(p.invalid("after top-level value").message);
    }
    Ok(node)
}

/// `consumeWhitespace`: skips white space from `at` up to and including the first line break.
/// None when the text ends first (or holds a replacement character, which Go's `DecodeRune`
/// takes for an error): then there is no YAML part.
fn consume_whitespace(text: &str, at: usize) -> Option<usize> {
    for (i, c) in text[at..].char_indices() {
        if c == '\u{fffd}' {
            return None;
        }
        if !c.is_whitespace() {
            return Some(at + i);
        }
        if c == '\n' {
            return (at + i + 1 < text.len()).then_some(at + i + 1);
        }
    }
    None
}

/// An open collection while parsing.
enum Open {
    Array { start: usize, items: Vec<Node> },
    Object { start: usize, entries: Vec<Entry>, key: Option<Node> },
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    max_depth: usize,
    duplicates: Vec<Duplicate>,
    too_deep: Option<(Span, usize)>,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            self.i += 1;
        }
    }

    /// `invalid character 'c' <context>` at the current byte, or Go's unexpected EOF.
    fn invalid(&self, context: &str) -> JsonError {
        let Some(&c) = self.b.get(self.i) else {
            return JsonError { span: Span::point(self.i as u32), message: "unexpected EOF".into() };
        };
        let end = self.i + self.text[self.i..].chars().next().map_or(1, char::len_utf8);
        JsonError { span: Span::new(self.i as u32, end as u32), message: format!("invalid character {} {context}", quote_byte(c)) }
    }

    /// One JSON value from the current position (leading white space skipped), without
    /// recursion: collections are kept on a stack.
    fn value(&mut self) -> Result<Node, JsonError> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            self.skip_ws();
            let expect_key = matches!(stack.last(), Some(Open::Object { key: None, .. }));
            let mut done = if expect_key { self.key_or_close(&mut stack)? } else { self.scalar_or_open(&mut stack)? };
            // Close collections and move on to the next item, key or value.
            while let Some(node) = done.take() {
                match stack.last_mut() {
                    None => return Ok(node),
                    Some(Open::Array { items, .. }) => {
                        items.push(node);
                        self.skip_ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                let Some(Open::Array { start, items }) = stack.pop() else { unreachable!() };
                                done = Some(Node::seq(Span::new(start as u32, self.i as u32), items));
                            }
                            _ => return Err(self.invalid("after array element")),
                        }
                    }
                    Some(Open::Object { entries, key, .. }) => match key.take() {
                        None => {
                            // The node is a key: a colon must follow.
                            *key = Some(node);
                            self.skip_ws();
                            if self.b.get(self.i) != Some(&b':') {
                                return Err(self.invalid("after object key"));
                            }
                            self.i += 1;
                        }
                        Some(k) => {
                            let name = k.text().unwrap_or_default().to_owned();
                            match entries.iter_mut().find(|e| e.key.text() == Some(name.as_str())) {
                                Some(e) => {
                                    self.duplicates.push(Duplicate { key: name, again: k.span, first: e.key.span });
                                    // Go's decoders keep the last value.
                                    e.value = node;
                                }
                                None => entries.push(Entry { key: k, value: node }),
                            }
                            self.skip_ws();
                            match self.b.get(self.i) {
                                Some(b',') => {
                                    self.i += 1;
                                    self.skip_ws();
                                    if self.b.get(self.i) != Some(&b'"') {
                                        return Err(self.invalid("looking for beginning of object key string"));
                                    }
                                }
                                Some(b'}') => {
                                    self.i += 1;
                                    let Some(Open::Object { start, entries, .. }) = stack.pop() else { unreachable!() };
                                    done = Some(Node::map(Span::new(start as u32, self.i as u32), entries));
                                }
                                _ => return Err(self.invalid("after object key:value pair")),
                            }
                        }
                    },
                }
            }
        }
    }

    /// In an object where a key belongs: a key string, or `}` right after `{`.
    fn key_or_close(&mut self, stack: &mut Vec<Open>) -> Result<Option<Node>, JsonError> {
        match self.b.get(self.i) {
            Some(b'"') => self.string().map(Some),
            Some(b'}') if matches!(stack.last(), Some(Open::Object { entries, .. }) if entries.is_empty()) => {
                self.i += 1;
                let Some(Open::Object { start, entries, .. }) = stack.pop() else { unreachable!() };
                Ok(Some(Node::map(Span::new(start as u32, self.i as u32), entries)))
            }
            _ => Err(self.invalid("looking for beginning of object key string")),
        }
    }

    /// Where a value belongs: a scalar (returned), or an opening bracket (pushed; an empty
    /// array is returned at once).
    fn scalar_or_open(&mut self, stack: &mut Vec<Open>) -> Result<Option<Node>, JsonError> {
        let start = self.i;
        match self.b.get(self.i) {
            Some(b'{' | b'[') => {
                if stack.len() >= self.max_depth {
                    self.too_deep = Some((Span::new(start as u32, start as u32 + 1), self.max_depth));
                    return Err(JsonError { span: Span::new(start as u32, start as u32 + 1), message: "exceeded max depth".into() });
                }
                let open = self.b[self.i];
                self.i += 1;
                if open == b'[' {
                    self.skip_ws();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(Some(Node::seq(Span::new(start as u32, self.i as u32), Vec::new())));
                    }
                    stack.push(Open::Array { start, items: Vec::new() });
                } else {
                    stack.push(Open::Object { start, entries: Vec::new(), key: None });
                }
                Ok(None)
            }
            Some(b'"') => self.string().map(Some),
            Some(b'-' | b'0'..=b'9') => self.number().map(Some),
            Some(b't') => self.literal("true").map(Some),
            Some(b'f') => self.literal("false").map(Some),
            Some(b'n') => self.literal("null").map(Some),
            _ => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<Node, JsonError> {
        let start = self.i;
        for (k, &want) in word.as_bytes().iter().enumerate().skip(1) {
            self.i = start + k;
            if self.b.get(self.i) != Some(&want) {
                return Err(self.invalid(&format!("in literal {word} (expecting {})", quote_byte(want))));
            }
        }
        self.i = start + word.len();
        Ok(Node::scalar(Span::new(start as u32, self.i as u32), word, ScalarStyle::Plain))
    }

    /// A number as Go's scanner takes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    /// Its text is kept: YAML resolution of that text gives the same integer or float.
    fn number(&mut self) -> Result<Node, JsonError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - s
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.invalid("in numeric literal"));
            }
        }
        if self.b[self.i] == b'0' {
            self.i += 1;
        } else {
            digits(self);
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.invalid("in exponent of numeric literal"));
            }
        }
        Ok(Node::scalar(Span::new(start as u32, self.i as u32), &self.text[start..self.i], ScalarStyle::Plain))
    }

    /// A string, unescaped as Go's `unquote` does (a lone surrogate escape becomes U+FFFD).
    fn string(&mut self) -> Result<Node, JsonError> {
        let start = self.i;
        self.i += 1;
        let mut value = String::new();
        loop {
            let run = self.i;
            while self.b.get(self.i).is_some_and(|&c| c != b'"' && c != b'\\' && c >= 0x20) {
                self.i += 1;
            }
            value.push_str(&self.text[run..self.i]);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Node::scalar(Span::new(start as u32, self.i as u32), value, ScalarStyle::DoubleQuoted));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) && self.b.get(self.i + 1..self.i + 3) == Some(b"\\u") {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    // Not a pair: the first is replaced, the second read again.
                                    self.i = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            c.unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.invalid("in string escape code")),
                    };
                    value.push(c);
                    self.i += 1;
                }
                _ => return Err(self.invalid("in string literal")),
            }
        }
    }

    /// The four hex digits after `\u`; leaves `i` on the last one.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0;
        for _ in 0..4 {
            self.i += 1;
            let d = self.b.get(self.i).and_then(|&c| char::from(c).to_digit(16));
            let Some(d) = d else { return Err(self.invalid("in \\u hexadecimal character escape")) };
            v = v * 16 + d;
        }
        Ok(v)
    }
}

/// Go's `quoteChar`: the byte as a single-quoted Go character literal.
fn quote_byte(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let c = char::from(c);
            let q = match c {
                '\n' => "\\n".into(),
                '\r' => "\\r".into(),
                '\t' => "\\t".into(),
                '\\' => "\\\\".into(),
                '\u{7}' => "\\a".into(),
                '\u{8}' => "\\b".into(),
                '\u{b}' => "\\v".into(),
                '\u{c}' => "\\f".into(),
                c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\x{:02x}", c as u32),
                c if c.is_control() => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            };
            format!("'{q}'")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Stream {
        read_stream(text, stream_start(text).expect("a JSON stream"), &Limits::default())
    }

    /// `json.Unmarshal`'s wording: the end of the input and text after the value.
    #[test]
    fn unmarshal_errors() {
        assert_eq!(unmarshal(" [1, {\"a\": null}] ").map(|n| n.count()).ok(), Some(5));
        assert_eq!(unmarshal("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(unmarshal("[{\"a\": 1}").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(unmarshal("[] x").unwrap_err(), "invalid character 'x' after top-level value");
        assert_eq!(unmarshal("[a]").unwrap_err(), "invalid character 'a' looking for beginning of value");
        assert_eq!(unmarshal("{\"a\" 1}").unwrap_err(), "invalid character '1' after object key");
    }

    #[test]
    fn detection_is_by_the_first_non_space_character() {
        assert_eq!(stream_start("  \n{\"a\": 1}"), Some(3));
        assert_eq!(stream_start("\u{feff}{}"), Some(3));
        assert_eq!(stream_start("\u{a0}{}"), Some(2));
        assert_eq!(stream_start("a: {}"), None);
        assert_eq!(stream_start("[{}]"), None);
        assert_eq!(stream_start(&format!("{}{{}}", " ".repeat(4096))), None);
    }

    #[test]
    fn values_spans_and_strings() {
        let text = "{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\/\\n\", \"c\": {}}{\"d\":[]}";
        let s = read(text);
        assert_eq!(s.error, None);
        assert_eq!(s.values.len(), 2);
        let v = &s.values[0];
        assert_eq!(&text[v.span.range()], &text[..=text.find("}{").unwrap()]);
        let a = v.get("a").and_then(Node::as_seq).unwrap();
        assert_eq!(a.iter().map(|n| &text[n.span.range()]).collect::<Vec<_>>(), ["1", "-2.5e3", "true", "null"]);
        assert_eq!(a[1].resolved(), Some(super::super::Resolved::Float(-2500.0)));
        assert!(a[3].is_null());
        let b = v.get("b").unwrap();
        assert_eq!(b.as_str(), Some("xé\u{1F600}/\n"));
        assert_eq!(&text[b.span.range()], "\"x\\u00e9\\ud83d\\ude00\\/\\n\"");
        assert_eq!(&text[v.as_map().unwrap()[1].key.span.range()], "\"b\"");
        assert!(s.values[1].get("d").and_then(Node::as_seq).is_some_and(<[Node]>::is_empty));
    }

    #[test]
    fn go_error_messages() {
        for (text, message, at) in [
            ("{\"a\": 1,}", "invalid character '}' looking for beginning of object key string", 8),
            ("{\"a\" 1}", "invalid character '1' after object key", 5),
            ("{\"a\": 1 \"b\"}", "invalid character '\"' after object key:value pair", 8),
            ("{\"a\": [1 2]}", "invalid character '2' after array element", 9),
            ("{\"a\": tru}", "invalid character '}' in literal true (expecting 'e')", 9),
            ("{\"a\": 01}", "invalid character '1' after object key:value pair", 7),
            ("{\"a\": -x}", "invalid character 'x' in numeric literal", 7),
            ("{\"a\": 1.}", "invalid character '}' after decimal point in numeric literal", 8),
            ("{\"a\": \"\t\"}", "invalid character '\\t' in string literal", 7),
            ("{\"a\": \"\\x\"}", "invalid character 'x' in string escape code", 8),
            ("{\"a\": 'x'}", "invalid character '\\'' looking for beginning of value", 6),
            ("{\"a\": 1", "unexpected EOF", 7),
        ] {
            let s = read(text);
            let e = s.error.unwrap_or_else(|| panic!("{text}: no error"));
            assert_eq!((e.message.as_str(), e.span.start), (message, at), "{text}");
        }
    }

    #[test]
    fn yaml_takes_over_after_at_most_one_value() {
        // The first value fails: everything is read again as YAML from the start.
        assert_eq!(read("{\"a\": 1,}\n").yaml_from, Some(0));
        // One good value: YAML from the line after it.
        let text = "{\"a\": 1}\n---\nb: 2\n";
        let s = read(text);
        assert_eq!((s.values.len(), s.yaml_from), (1, Some(9)));
        // Two good values: the stream is JSON and the error ends it.
        let s = read("{}\n{}\n---\n");
        assert_eq!((s.values.len(), s.yaml_from), (2, None));
        assert!(s.error.is_some());
    }

    #[test]
    fn duplicates_keep_the_last_value() {
        let text = "{\"k\": 1, \"k\": 2}";
        let s = read(text);
        assert_eq!(s.duplicates.len(), 1);
        assert_eq!(s.duplicates[0].again.start, 9);
        assert_eq!(s.duplicates[0].first.start, 1);
        assert_eq!(s.values[0].get("k").and_then(Node::as_i64), Some(2));
    }

    #[test]
    fn deep_nesting_is_bounded_without_recursion() {
        let text = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let s = read(&text);
        assert!(s.too_deep.is_some());
        assert_eq!(s.yaml_from, None);
    }
}
