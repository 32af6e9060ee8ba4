//! Building [`Node`] trees from saphyr-parser events.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as PStyle, Span as PSpan};

use super::json;
use super::node::{format_go_float32_key, Entry, Node, NodeKind, Resolved, ScalarStyle};
use super::Limits;
use crate::diagnostic::{Diagnostic, ErrorType, Severity};
use crate::rules::yaml as r;
use crate::source::{FileId, SourceFile, Span};

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based index among the non-empty documents of the file.
    pub index: usize,
    /// The bytes of the document (from its `---` line, if any).
    pub span: Span,
    /// `None` when the document could not be parsed (a diagnostic says why) or is empty.
    pub root: Option<Node>,
}

#[derive(Debug, Clone, Default)]
pub struct LoadedFile {
    pub docs: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads every document of `file`. Never fails and never panics.
pub fn load_file(file_id: FileId, file: &SourceFile, limits: &Limits) -> LoadedFile {
    let mut out = LoadedFile::default();
    let text = file.text.as_str();
    // kubectl decodes a file without a byte order mark with golang.org/x/text's UTF-8 decoder,
    // which replaces each invalid sequence by U+FFFD and goes on; after a UTF-8 byte order mark
    // (`BOMOverride` passes the rest on unchanged) go-yaml's reader meets the bytes and refuses them.
    let after_bom = text.starts_with('\u{feff}');
    for &at in &file.invalid_utf8 {
        let span = Span::new(at, at + 3);
        out.diagnostics.push(if after_bom {
            Diagnostic::new(
                r::SYNTAX,
                Severity::Error,
                file_id,
                span,
                "invalid UTF-8 in a file that starts with a UTF-8 byte order mark: kubectl's YAML parser refuses it",
            )
            .with_help("save the file as UTF-8 (the invalid bytes are shown as U+FFFD here)")
        } else {
            Diagnostic::new(
                r::INVALID_UTF8,
                Severity::Warning,
                file_id,
                span,
                "the file is not valid UTF-8: kubectl replaces these bytes with U+FFFD (\u{fffd}) and sends that",
            )
            .with_help("save the file as UTF-8")
            .with_label_message("invalid byte sequence")
        });
    }
    if text.len() > limits.max_file_bytes {
        out.diagnostics.push(
            Diagnostic::new(
                r::LIMIT,
                Severity::Error,
                file_id,
                Span::point(0),
                format!("the file is {} bytes, over the limit of {} bytes; it was not analysed", text.len(), limits.max_file_bytes),
            )
            .with_help("split the manifests into several files, or raise `limits.max-file-bytes` in kplay.toml"),
        );
        return out;
    }
    let mut index = 0;
    let mut yaml_from = 0;
    let mut json_error = None;
    if let Some(start) = json::stream_start(text) {
        match load_json(file_id, text, start, limits, &mut out, &mut index) {
            JsonEnd::Done => return out,
            JsonEnd::Yaml { from, error } => (yaml_from, json_error) = (from, Some(error)),
        }
    }
    let first_diag = out.diagnostics.len();
    invalid_separators(file_id, text, yaml_from, &mut out.diagnostics);
    let mut first_doc = None;
    for seg in split_documents(text, yaml_from) {
        let seg_text = &text[seg.range()];
        if is_blank(seg_text) {
            continue;
        }
        first_doc.get_or_insert(seg);
        match admit(file_id, seg, seg_text, index, limits, &mut out) {
            Admit::Stop => break,
            Admit::Refused => {
                index += 1;
                continue;
            }
            Admit::Read => {}
        }
        let mut b = Builder::new(file_id, seg.start, seg_text, limits);
        let root = b.run();
        out.diagnostics.append(&mut b.diags);
        if root.is_none() && !b.failed {
            // Only comments or an explicit empty document: kubectl skips it.
            continue;
        }
        out.docs.push(Document { index, span: seg, root });
        index += 1;
    }
    // kubectl went on as YAML after a JSON error; when the first YAML document fails too, the
    // error it prints is the JSON one.
    if let (Some(e), Some(doc)) = (json_error, first_doc) {
        let inside = |d: &Diagnostic| d.rule == r::SYNTAX && d.primary.span.start >= doc.start && d.primary.span.start <= doc.end;
        let yaml_diags = out.diagnostics.split_off(first_diag);
        let failed = yaml_diags.iter().any(inside);
        out.diagnostics.extend(yaml_diags.into_iter().filter(|d| !(failed && inside(d))));
        if failed {
            out.diagnostics.push(json_syntax_error(file_id, &e));
        }
    }
    out
}

/// Where the JSON part of a stream left off.
enum JsonEnd {
    /// The file was read (as JSON, or up to an error that ends it).
    Done,
    /// kubectl reads on as YAML from `from`; `error` is the JSON error it met.
    Yaml { from: usize, error: json::JsonError },
}

/// Reads the JSON values of a stream into documents (`null` values are skipped, as
/// cli-runtime's `StreamVisitor` skips them).
fn load_json(file_id: FileId, text: &str, start: usize, limits: &Limits, out: &mut LoadedFile, index: &mut usize) -> JsonEnd {
    let stream = json::read_stream(text, start, limits);
    for d in stream.duplicates {
        out.diagnostics.push(duplicate_key(file_id, &d.key, d.again, d.first));
    }
    for value in stream.values {
        if value.is_null() {
            continue;
        }
        match admit(file_id, value.span, &text[value.span.range()], *index, limits, out) {
            Admit::Stop => return JsonEnd::Done,
            Admit::Refused => {}
            Admit::Read => out.docs.push(Document { index: *index, span: value.span, root: Some(value) }),
        }
        *index += 1;
    }
    if let Some((span, max)) = stream.too_deep {
        out.diagnostics.push(
            Diagnostic::new(
                r::LIMIT,
                Severity::Error,
                file_id,
                span,
                format!("nesting exceeds {max} levels; this JSON value was not analysed"),
            )
            .with_help("no Kubernetes object nests this deep; flatten the structure"),
        );
        return JsonEnd::Done;
    }
    match (stream.error, stream.yaml_from) {
        (Some(error), Some(from)) => JsonEnd::Yaml { from, error },
        (Some(error), None) => {
            out.diagnostics.push(json_syntax_error(file_id, &error));
            JsonEnd::Done
        }
        (None, _) => JsonEnd::Done,
    }
}

fn json_syntax_error(file_id: FileId, e: &json::JsonError) -> Diagnostic {
    Diagnostic::new(r::SYNTAX, Severity::Error, file_id, e.span, format!("JSON syntax error: {}", e.message))
        .with_help("kubectl reads input that starts with `{` as a stream of JSON values; fix the JSON here")
        .with_label_message("the JSON decoder stopped here")
}

/// Whether a document is read, after the limits on documents per file and document size.
enum Admit {
    Read,
    /// Over the size limit: reported, counted, not read.
    Refused,
    /// Over the document count: reported; nothing after it is read.
    Stop,
}

fn admit(file_id: FileId, seg: Span, seg_text: &str, index: usize, limits: &Limits, out: &mut LoadedFile) -> Admit {
    if index >= limits.max_documents {
        out.diagnostics.push(
            Diagnostic::new(
                r::LIMIT,
                Severity::Error,
                file_id,
                Span::new(seg.start, seg.start + 3.min(seg.len())),
                format!("the file has more than {} documents; the rest were not analysed", limits.max_documents),
            )
            .with_help("split the file, or raise `limits.max-documents` in kplay.toml"),
        );
        return Admit::Stop;
    }
    if seg.len() as usize > limits.max_document_bytes {
        out.diagnostics.push(
            Diagnostic::new(
                r::LIMIT,
                Severity::Error,
                file_id,
                Span::new(seg.start, seg.start + first_line_len(seg_text)),
                format!("this document is {} bytes, over the limit of {} bytes; it was not analysed", seg.len(), limits.max_document_bytes),
            )
            .with_help("the API server refuses request bodies over 3 MiB; split the document, or raise `limits.max-document-bytes`"),
        );
        out.docs.push(Document { index, span: seg, root: None });
        return Admit::Refused;
    }
    Admit::Read
}

/// The `duplicate-key` error: `key` is defined again at `again`, first at `first`.
fn duplicate_key(file: FileId, key: &str, again: Span, first: Span) -> Diagnostic {
    Diagnostic::new(r::DUPLICATE_KEY, Severity::Error, file, again, format!("the key `{key}` is already defined in this mapping"))
        .with_help("remove one of the two entries; with strict field validation the API server rejects duplicate fields")
        .with_label_message("defined again here")
        .with_secondary(file, first, "first defined here")
}

/// Length of the first line, at most 80 bytes, ending on a character boundary (found by the
/// yaml_load fuzz target: a multi-byte character across byte 80 split the span).
fn first_line_len(s: &str) -> u32 {
    let mut n = s.find('\n').unwrap_or(s.len()).min(80);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    n as u32
}

/// True for text with nothing but blanks, comments and document markers.
fn is_blank(s: &str) -> bool {
    s.lines().all(|l| {
        let t = l.trim_start_matches('\u{feff}').trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..." || (t.starts_with("--- #"))
    })
}

/// Splits `text` from `from` at lines that start with `---` followed by a blank or the end of
/// the line.
fn split_documents(text: &str, from: usize) -> Vec<Span> {
    let mut cuts = vec![from];
    let bytes = text.as_bytes();
    let mut line_start = from;
    loop {
        let rest = &bytes[line_start..];
        if line_start != from && rest.starts_with(b"---") && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
            cuts.push(line_start);
        }
        match memchr_nl(rest) {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| Span::new(w[0] as u32, w[1] as u32)).collect()
}

/// apimachinery's `YAMLReader.Read` (util/yaml/decoder.go) reads line by line, and a line that
/// starts with `---` may be followed only by spaces and a comment: anything else fails the whole
/// read with "invalid Yaml document separator: …". The JSON part of a stream (before `from`) is
/// read by the JSON decoder instead, which has no such rule.
fn invalid_separators(file_id: FileId, text: &str, from: usize, diags: &mut Vec<Diagnostic>) {
    let mut line_start = from;
    while line_start < text.len() {
        let end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = &text[line_start..end];
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']);
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let at = line_start + 3 + (rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']).len());
                diags.push(
                    Diagnostic::new(
                        r::SYNTAX,
                        Severity::Error,
                        file_id,
                        Span::new(at as u32, (at + trimmed.len()) as u32),
                        format!("invalid Yaml document separator: {trimmed}"),
                    )
                    .with_help("kubectl allows only a comment after `---`: put the document on the next line"),
                );
            }
        }
        line_start = end;
    }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// Converts saphyr's character indices to byte offsets in the original file.
struct Offsets<'a> {
    base: u32,
    text: &'a str,
    ascii: bool,
    /// Byte offset of every 64th character.
    checkpoints: Vec<u32>,
}

impl<'a> Offsets<'a> {
    fn new(base: u32, text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            for (n, (i, _)) in text.char_indices().enumerate() {
                if n % 64 == 0 {
                    checkpoints.push(i as u32);
                }
            }
        }
        Self { base, text, ascii, checkpoints }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.ascii {
            return self.base + char_index.min(self.text.len()) as u32;
        }
        let Some(&cp) = self.checkpoints.get(char_index / 64) else {
            return self.base + self.text.len() as u32;
        };
        let skip = char_index % 64;
        let off = self.text[cp as usize..].char_indices().nth(skip).map_or(self.text.len(), |(i, _)| cp as usize + i);
        self.base + off as u32
    }

    fn span(&self, s: &PSpan) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

enum Frame {
    Seq { start: u32, anchor: usize, tag: Option<Box<str>>, items: Vec<Node> },
    Map(MapFrame),
}

struct MapFrame {
    start: u32,
    anchor: usize,
    tag: Option<Box<str>>,
    entries: Vec<Entry>,
    key: Option<Node>,
    /// Each `<<` value, with the number of explicit entries written before it.
    merges: Vec<(usize, Node)>,
    index: Option<HashMap<String, usize>>,
}

struct Builder<'a> {
    file: FileId,
    offsets: Offsets<'a>,
    text: &'a str,
    limits: &'a Limits,
    diags: Vec<Diagnostic>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_budget: usize,
    alias_reported: bool,
    depth_reported: bool,
    /// Nesting count while skipping a subtree that is too deep.
    skipping: usize,
    skip_start: u32,
    root: Option<Node>,
    failed: bool,
    /// Path of the node being built, for duplicate-key field paths.
    docs_seen: usize,
}

impl<'a> Builder<'a> {
    fn new(file: FileId, base: u32, text: &'a str, limits: &'a Limits) -> Self {
        Self {
            file,
            offsets: Offsets::new(base, text),
            text,
            limits,
            diags: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_budget: limits.max_alias_nodes,
            alias_reported: false,
            depth_reported: false,
            skipping: 0,
            skip_start: 0,
            root: None,
            failed: false,
            docs_seen: 0,
        }
    }

    fn run(&mut self) -> Option<Node> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(ev) = parser.next_event() {
            match ev {
                Ok((event, span)) => {
                    if !self.event(event, &span) {
                        break;
                    }
                }
                Err(e) => {
                    let at = self.offsets.byte(e.marker().index());
                    let at = clamp_to_char(self.text, self.offsets.base, at);
                    let end = next_char_end(self.text, self.offsets.base, at);
                    let info = e.info().to_string();
                    if info.contains("recursion limit") {
                        self.diags.push(
                            Diagnostic::new(
                                r::LIMIT,
                                Severity::Error,
                                self.file,
                                Span::new(at, end),
                                "nesting exceeds the YAML parser's limit of 256 levels; this document was not analysed",
                            )
                            .with_help("no Kubernetes object nests this deep; flatten the structure"),
                        );
                        self.failed = true;
                        return None;
                    }
                    let mut d =
                        Diagnostic::new(r::SYNTAX, Severity::Error, self.file, Span::new(at, end), format!("YAML syntax error: {info}"))
                            .with_kubernetes("", ErrorType::Decode);
                    d.kubernetes = None;
                    let at_tab = self.text[(at - self.offsets.base) as usize..].starts_with('\t');
                    self.diags.push(d.with_help(syntax_help(&info, at_tab)).with_label_message("the parser stopped here"));
                    self.failed = true;
                    self.root = None;
                    return None;
                }
            }
        }
        if self.failed {
            return None;
        }
        self.root.take()
    }

    /// Handles one event; returns false to stop (end of the first document).
    fn event(&mut self, event: Event<'_>, span: &PSpan) -> bool {
        let sp = self.offsets.span(span);
        if self.skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.skipping -= 1;
                    if self.skipping == 0 {
                        let n = Node::scalar(Span::new(self.skip_start, sp.end.max(self.skip_start)), "", ScalarStyle::Plain);
                        self.push(n);
                    }
                }
                _ => {}
            }
            return true;
        }
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.docs_seen += 1;
                if self.docs_seen > 1 {
                    // A second document in one segment (after `...`): handled as its own
                    // segment would be, but we keep the first one only and say so.
                    self.diags.push(
                        Diagnostic::new(
                            r::SYNTAX,
                            Severity::Warning,
                            self.file,
                            sp,
                            "a second document follows `...` without a `---` line; it was ignored",
                        )
                        .with_help("start every document with a `---` line"),
                    );
                    return false;
                }
            }
            Event::DocumentEnd => {}
            Event::StreamEnd => return false,
            Event::Alias(id) => {
                let node = match self.anchors.get(&id) {
                    Some((node, count)) => {
                        if *count > self.alias_budget {
                            if !self.alias_reported {
                                self.alias_reported = true;
                                self.diags.push(
                                    Diagnostic::new(
                                        r::LIMIT,
                                        Severity::Error,
                                        self.file,
                                        sp,
                                        format!(
                                            "alias expansion exceeds {} nodes; the alias was not expanded",
                                            self.limits.max_alias_nodes
                                        ),
                                    )
                                    .with_help("this looks like an alias bomb; expand fewer aliases, or raise `limits.max-alias-nodes`"),
                                );
                            }
                            Node::scalar(sp, "", ScalarStyle::Plain)
                        } else {
                            self.alias_budget -= count;
                            // The copy is where the alias is: a problem in it points at `*name`,
                            // not at the anchored original.
                            let mut copy = node.clone();
                            respan(&mut copy, sp);
                            copy
                        }
                    }
                    None => {
                        // go-yaml ("unknown anchor referenced") and so kubectl stop at it: the
                        // document is not analysed.
                        self.failed = true;
                        self.diags.push(
                            Diagnostic::new(
                                r::SYNTAX,
                                Severity::Error,
                                self.file,
                                sp,
                                "this alias refers to an anchor that is not defined before it; the document was not analysed",
                            )
                            .with_help("define the anchor (`&name`) on a node that comes before the alias (`*name`)"),
                        );
                        Node::scalar(sp, "", ScalarStyle::Plain)
                    }
                };
                self.push(node);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    PStyle::Plain => ScalarStyle::Plain,
                    PStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    PStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    PStyle::Literal => ScalarStyle::Literal,
                    PStyle::Folded => ScalarStyle::Folded,
                };
                let sp = self.scalar_span(sp, style);
                let mut n = Node::scalar(sp, value.into_owned(), style);
                n.tag = tag.map(|t| tag_text(&t.handle, &t.suffix));
                self.check_tag(&n);
                if anchor != 0 {
                    self.anchors.insert(anchor, (n.clone(), 1));
                }
                self.push(n);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) if self.stack.len() >= self.limits.max_depth => {
                let _ = (anchor, tag);
                if !self.depth_reported {
                    self.depth_reported = true;
                    self.diags.push(
                        Diagnostic::new(
                            r::LIMIT,
                            Severity::Error,
                            self.file,
                            Span::new(sp.start, next_char_end(self.text, self.offsets.base, sp.start)),
                            format!("nesting exceeds {} levels; deeper content was not analysed", self.limits.max_depth),
                        )
                        .with_help("no Kubernetes object nests this deep; raise `limits.max-depth` if you really need it"),
                    );
                }
                self.skipping = 1;
                self.skip_start = sp.start;
            }
            Event::SequenceStart(anchor, tag) => {
                self.stack.push(Frame::Seq {
                    start: sp.start,
                    anchor,
                    tag: tag.map(|t| tag_text(&t.handle, &t.suffix)),
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.stack.push(Frame::Map(MapFrame {
                    start: sp.start,
                    anchor,
                    tag: tag.map(|t| tag_text(&t.handle, &t.suffix)),
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                    index: None,
                }));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, anchor, tag, items }) = self.stack.pop() {
                    let end = if sp.is_empty() { items.last().map_or(sp.end, |n| n.span.end) } else { sp.end };
                    let mut n = Node::seq(Span::new(start, end.max(start)), items);
                    n.tag = tag;
                    self.finish(n, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(m)) = self.stack.pop() {
                    let n = self.close_map(m, sp);
                    let anchor = n.1;
                    self.finish(n.0, anchor);
                }
            }
        }
        true
    }

    /// saphyr's scalar spans can run past the scalar (over trailing blanks and, for quoted
    /// scalars, a trailing comment): end quoted scalars at their closing quote and trim trailing
    /// white space from the others.
    fn scalar_span(&self, sp: Span, style: ScalarStyle) -> Span {
        let base = self.offsets.base;
        let (Some(start), Some(end)) = ((sp.start.checked_sub(base)).map(|x| x as usize), (sp.end.checked_sub(base)).map(|x| x as usize))
        else {
            return sp;
        };
        let Some(text) = self.text.get(start..end.min(self.text.len())) else { return sp };
        let b = text.as_bytes();
        let len = match style {
            ScalarStyle::DoubleQuoted if b.first() == Some(&b'"') => {
                let mut i = 1;
                let mut close = None;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            close = Some(i + 1);
                            break;
                        }
                        _ => i += 1,
                    }
                }
                close.unwrap_or(b.len())
            }
            ScalarStyle::SingleQuoted if b.first() == Some(&b'\'') => {
                let mut i = 1;
                let mut close = None;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        close = Some(i + 1);
                        break;
                    }
                    i += 1;
                }
                close.unwrap_or(b.len())
            }
            _ => text.trim_end_matches([' ', '\t', '\r', '\n']).len(),
        };
        Span::new(sp.start, sp.start + len as u32)
    }

    fn check_tag(&mut self, n: &Node) {
        if let Some(t) = n.tag.as_deref() {
            let known =
                matches!(t, "!!str" | "!!int" | "!!float" | "!!bool" | "!!null" | "!!binary" | "!!map" | "!!seq" | "!!timestamp" | "!");
            if !known {
                self.diags.push(
                    Diagnostic::new(
                        r::UNKNOWN_TAG,
                        Severity::Warning,
                        self.file,
                        n.span,
                        format!("the tag `{t}` means nothing to Kubernetes; the value is read as the string written after it"),
                    )
                    .with_help("remove the tag (kubectl's YAML library does not resolve it, so even `!custom 80` is the string \"80\")"),
                );
            }
        }
    }

    fn close_map(&mut self, m: MapFrame, end: Span) -> (Node, usize) {
        let MapFrame { start, anchor, tag, mut entries, merges, mut index, .. } = m;
        if !merges.is_empty() {
            // go-yaml v2's `decoder.mapping` applies keys in the order written, into one map: a
            // merge overwrites the keys set before it and is overwritten by those after it; in a
            // merged list (`decoder.merge`) earlier mappings win over later ones.
            let explicit = std::mem::take(&mut entries);
            let mut merges = merges.into_iter().peekable();
            let set = |entries: &mut Vec<Entry>, e: Entry| {
                let k = e.key.text().map(str::to_owned);
                match k.as_deref().and_then(|k| entries.iter().position(|x| x.key.text() == Some(k))) {
                    Some(i) => entries[i] = e,
                    None => entries.push(e),
                }
            };
            let count = explicit.len();
            let mut explicit = explicit.into_iter();
            for pos in 0..=count {
                while let Some((_, src)) = merges.next_if(|(at, _)| *at <= pos) {
                    let maps: Vec<Node> = match src.kind {
                        NodeKind::Map(_) => vec![src],
                        NodeKind::Seq(items) => items.into_iter().rev().collect(),
                        NodeKind::Scalar(_) => {
                            self.diags.push(
                                Diagnostic::new(
                                    r::MERGE,
                                    Severity::Error,
                                    self.file,
                                    src.span,
                                    "a merge key (`<<`) must be given a mapping or a list of mappings",
                                )
                                .with_help("merge an alias of a mapping, e.g. `<<: *defaults`"),
                            );
                            continue;
                        }
                    };
                    let mut bad = Vec::new();
                    for mm in maps {
                        match mm.kind {
                            NodeKind::Map(es) => {
                                for e in es {
                                    set(&mut entries, e);
                                }
                            }
                            _ => bad.push(
                                Diagnostic::new(
                                    r::MERGE,
                                    Severity::Error,
                                    self.file,
                                    mm.span,
                                    "a merge key (`<<`) list may only hold mappings",
                                )
                                .with_help("merge aliases of mappings, e.g. `<<: [*a, *b]`"),
                            ),
                        }
                    }
                    bad.reverse();
                    self.diags.append(&mut bad);
                }
                if let Some(e) = explicit.next() {
                    set(&mut entries, e);
                }
            }
            index = None;
        }
        let _ = index;
        let last_end = entries.iter().map(|e| e.value.span.end.max(e.key.span.end)).max().unwrap_or(start);
        let end_off = if end.is_empty() { last_end } else { end.end.max(last_end) };
        let mut n = Node::map(Span::new(start, end_off.max(start)), entries);
        n.tag = tag;
        (n, anchor)
    }

    fn finish(&mut self, n: Node, anchor: usize) {
        if anchor != 0 {
            let count = n.count();
            self.anchors.insert(anchor, (n.clone(), count));
        }
        self.push(n);
    }

    fn push(&mut self, n: Node) {
        let file = self.file;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() && !(n.is_null() && n.span.is_empty()) {
                    self.root = Some(n);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(n),
            Some(Frame::Map(m)) => match m.key.take() {
                None => m.key = Some(n),
                Some(key) => {
                    if key.as_scalar().is_some_and(|s| s.value == "<<" && !s.style.is_quoted()) {
                        m.merges.push((m.entries.len(), n));
                        return;
                    }
                    let key = match json_key(file, key) {
                        Ok((key, warning)) => {
                            self.diags.extend(warning);
                            key
                        }
                        Err(d) => {
                            self.diags.push(*d);
                            return;
                        }
                    };
                    let k = key.text().unwrap_or_default().to_owned();
                    if m.index.is_none() && m.entries.len() >= 16 {
                        m.index = Some(m.entries.iter().enumerate().filter_map(|(i, e)| e.key.text().map(|t| (t.to_owned(), i))).collect());
                    }
                    let dup = match &m.index {
                        Some(ix) => ix.get(&k).copied(),
                        None => m.entries.iter().position(|e| e.key.text() == Some(k.as_str())),
                    };
                    if let Some(i) = dup {
                        self.diags.push(duplicate_key(file, &k, key.span, m.entries[i].key.span));
                        // Go's decoders keep the last value.
                        m.entries[i].value = n;
                        return;
                    }
                    if let Some(ix) = &mut m.index {
                        ix.insert(k, m.entries.len());
                    }
                    m.entries.push(Entry { key, value: n });
                }
            },
        }
    }
}

/// The key as kubectl sends it: sigs.k8s.io/yaml's `convertToJSONableObject` writes go-yaml v2's
/// boolean, integer and float keys as JSON strings (`yes` is the key "true", `0755` is "493",
/// `1.10` is "1.1") and fails the document on any other key (a collection, null, or an integer
/// that only fits in a uint64). A converted key keeps its span and comes with a warning when its
/// text changed.
fn json_key(file: FileId, key: Node) -> Result<(Node, Option<Diagnostic>), Box<Diagnostic>> {
    let refuse =
        |message: String, help: &str| Box::new(Diagnostic::new(r::COMPLEX_KEY, Severity::Error, file, key.span, message).with_help(help));
    let Some(resolved) = key.resolved() else {
        return Err(refuse("a mapping key must be a plain string; JSON has no other kind of key".into(), "use a string key"));
    };
    let text = key.text().unwrap_or_default();
    let shown = quote_for_help(text);
    let converted = match resolved {
        Resolved::Str(_) => return Ok((key, None)),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Float(f) => format_go_float32_key(f),
        Resolved::Null => {
            let what = if text.is_empty() {
                "this mapping key is empty, which YAML reads as null".to_owned()
            } else {
                format!("the key `{text}` is null")
            };
            return Err(refuse(
                format!("{what}; kubectl cannot turn a null key into a JSON key and refuses the document (unsupported map key)"),
                &format!("write the key as a string, e.g. {shown}, or remove the entry"),
            ));
        }
        Resolved::Uint(_) => {
            return Err(refuse(
                format!("the key `{text}` is an integer above 9223372036854775807; kubectl cannot turn it into a JSON key and refuses the document (unsupported map key of type uint64)"),
                &format!("quote the key: {shown}"),
            ));
        }
    };
    let warning = (converted != text).then(|| {
        Diagnostic::new(
            r::NON_STRING_KEY,
            Severity::Warning,
            file,
            key.span,
            format!("the key `{text}` is read as the {}, so kubectl sends it as the key \"{converted}\"", describe_key(&resolved)),
        )
        .with_help(format!("quote the key to keep it as written: {shown}"))
    });
    Ok((Node::scalar(key.span, converted, ScalarStyle::DoubleQuoted), warning))
}

/// "boolean true", "number 493".
fn describe_key(r: &Resolved<'_>) -> String {
    match r {
        Resolved::Bool(b) => format!("boolean {b}"),
        other => format!("number {}", other.json_text()),
    }
}

/// `text` as a double-quoted YAML string.
fn quote_for_help(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The help for a syntax error, chosen from the parser's message so that it fits that error.
/// `at_tab`: the parser stopped at a tab character.
fn syntax_help(info: &str, at_tab: bool) -> &'static str {
    const TAB_ERRORS: &[&str] = &["tabs disallowed", "tab cannot be used", "found a tab", "start with a tab"];
    if info.contains("unprintable character") {
        "remove the control character here (a NUL byte usually means a file saved as UTF-16 without a byte order mark); save the file as UTF-8 text"
    } else if at_tab || TAB_ERRORS.iter().any(|t| info.contains(t)) {
        "YAML does not allow tabs for indentation; indent with spaces"
    } else {
        "fix the YAML syntax here; the other documents of the file were still analysed"
    }
}

/// Gives every node of `n` (keys included) the span `to`.
fn respan(n: &mut Node, to: Span) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        n.span = to;
        match &mut n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items.iter_mut()),
            NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&mut e.key);
                    stack.push(&mut e.value);
                }
            }
        }
    }
}

fn tag_text(handle: &str, suffix: &str) -> Box<str> {
    let handle = if handle == "tag:yaml.org,2002:" { "!!" } else { handle };
    format!("{handle}{suffix}").into_boxed_str()
}

fn clamp_to_char(text: &str, base: u32, at: u32) -> u32 {
    let mut rel = ((at - base) as usize).min(text.len());
    while !text.is_char_boundary(rel) {
        rel -= 1;
    }
    base + rel as u32
}

fn next_char_end(text: &str, base: u32, at: u32) -> u32 {
    let rel = (at - base) as usize;
    match text.get(rel..).and_then(|t| t.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => at + c.len_utf8() as u32,
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> LoadedFile {
        load_file(0, &SourceFile::new("t.yaml", text), &Limits::default())
    }

    #[test]
    fn spans_are_bytes_from_file_start_across_documents() {
        let text = "a: 1\n---\nname: \"héllo\"\nb: [x, y]\n";
        let f = load(text);
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(f.docs.len(), 2);
        let root = f.docs[1].root.as_ref().unwrap();
        let name = root.get("name").unwrap();
        assert_eq!(&text[name.span.range()], "\"héllo\"");
        assert_eq!(name.as_scalar().unwrap().style, ScalarStyle::DoubleQuoted);
        let b = root.get("b").unwrap();
        assert_eq!(&text[b.span.range()], "[x, y]");
        let y = &b.as_seq().unwrap()[1];
        assert_eq!(&text[y.span.range()], "y");
    }

    #[test]
    fn scalar_spans_end_at_the_scalar() {
        let text = "a: \"2\"   # c\nb: 'it''s'  \nc: plain text   # d\nd: |\n  lit\n\ne: [\"q\" , p ]\n";
        let f = load(text);
        let root = f.docs[0].root.as_ref().unwrap();
        let span_of = |k: &str| &text[root.get(k).unwrap().span.range()];
        assert_eq!(span_of("a"), "\"2\"");
        assert_eq!(span_of("b"), "'it''s'");
        assert_eq!(span_of("c"), "plain text");
        assert_eq!(span_of("d"), "lit");
        let e = root.get("e").unwrap().as_seq().unwrap();
        assert_eq!(&text[e[0].span.range()], "\"q\"");
    }

    /// The scalars of a flow sequence under `key`, as loaded.
    fn seq_of(f: &LoadedFile, key: &str) -> Vec<String> {
        let root = f.docs[0].root.as_ref().expect("a document");
        root.get(key).and_then(Node::as_seq).expect("a sequence").iter().filter_map(|n| n.text().map(str::to_owned)).collect()
    }

    #[test]
    fn double_quoted_escapes_are_go_yaml_v2s() {
        // kubectl's go-yaml v2 (a libyaml port) reads `\'` as a quote and refuses `\/`.
        let f = load("c: [\"echo \\'hi\\'\"]\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(seq_of(&f, "c"), ["echo 'hi'"]);
        let f = load("c: [\"a\\/b\"]\n");
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(f.diagnostics[0].rule, r::SYNTAX);
        assert!(f.diagnostics[0].message.contains("unknown escape character"), "{}", f.diagnostics[0].message);
    }

    #[test]
    fn indentation_is_not_checked_inside_flow_collections_or_quoted_scalars() {
        // go-yaml v2 checks indentation in block context only: these are what kubectl reads.
        for text in [
            "a:\n  command: [\n    \"sleep\", \"1\"\n  ]\n  x: 1\n",
            "a:\n  command: [\n    \"sleep\", \"1\"\n]\n",
            "a:\n  command: [\"sleep\",\n  \"1\"]\n",
            "a:\n  command: [\"sleep\",\n\"1\"]\n",
            "a:\n  command: {x: sleep,\nw: 1}\n",
        ] {
            let f = load(text);
            assert!(f.diagnostics.is_empty(), "{text:?}: {:?}", f.diagnostics);
            let a = f.docs[0].root.as_ref().and_then(|r| r.get("a")).expect("a");
            assert!(a.get("command").is_some(), "{text:?}");
        }
        let f = load("a:\n  d: \"a long\ntext continued\"\n  e: 1\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let a = f.docs[0].root.as_ref().and_then(|r| r.get("a")).expect("a");
        assert_eq!(a.get("d").and_then(Node::text), Some("a long text continued"));
        // Block context is still checked.
        assert_eq!(load("a:\n    b: 1\n  c: 2\n").diagnostics.len(), 1);
    }

    #[test]
    fn a_dash_where_a_key_belongs_is_reported_at_the_dash() {
        // libyaml / go-yaml: "did not find expected key" at the BLOCK-ENTRY's start mark.
        let text = "a:\n  b: 1\n  - c: 2\n";
        let f = load(text);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(f.diagnostics[0].primary.span.start as usize, text.find('-').unwrap());
        // An empty entry's null still sits after the dash.
        let text = "a:\n- \n- x\n";
        let f = load(text);
        let a = f.docs[0].root.as_ref().and_then(|r| r.get("a")).and_then(Node::as_seq).expect("a list");
        assert!(a[0].is_null());
        assert_eq!(a[0].span.start as usize, text.find("- ").unwrap() + 2);
    }

    #[test]
    fn syntax_error_keeps_other_documents() {
        let f = load("a: [1\n---\nb: 2\n");
        assert_eq!(f.diagnostics.len(), 1);
        assert_eq!(f.diagnostics[0].rule, r::SYNTAX);
        assert!(f.docs[0].root.is_none());
        assert!(f.docs[1].root.as_ref().unwrap().get("b").is_some());
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second_key() {
        let text = "a: 1\nb: 2\na: 3\n";
        let f = load(text);
        assert_eq!(f.diagnostics.len(), 1);
        let d = &f.diagnostics[0];
        assert_eq!(d.rule, r::DUPLICATE_KEY);
        assert_eq!(d.primary.span.start, 10);
        assert_eq!(f.docs[0].root.as_ref().unwrap().get("a").unwrap().as_i64(), Some(3));
    }

    /// sigs.k8s.io/yaml's `convertToJSONableObject`: bool, int and float keys become strings.
    #[test]
    fn non_string_keys_become_the_strings_kubectl_sends() {
        let text = "yes: a\nOff: b\n0755: c\n0x1F: d\n1.10: e\n1e6: f\n3.14159265358979: g\n1e-5: h\n80: i\n\"on\": j\n!!str y: k\n.inf: l\n-0.0: m\n";
        let f = load(text);
        let root = f.docs[0].root.as_ref().unwrap();
        let keys: Vec<&str> = root.as_map().unwrap().iter().map(|e| e.key.as_str().unwrap()).collect();
        assert_eq!(keys, ["true", "false", "493", "31", "1.1", "1e+06", "3.1415927", "1e-05", "80", "on", "y", ".inf", "-0"]);
        // Each key keeps the span of the key as written.
        let e = &root.as_map().unwrap()[2];
        assert_eq!(&text[e.key.span.range()], "0755");
        // A warning for each key whose text changed: not for `80`, `"on"`, `!!str y` or `.inf`.
        let warned: Vec<&str> =
            f.diagnostics.iter().filter(|d| d.rule == r::NON_STRING_KEY).map(|d| &text[d.primary.span.range()]).collect();
        assert_eq!(warned, ["yes", "Off", "0755", "0x1F", "1.10", "1e6", "3.14159265358979", "1e-5", "-0.0"]);
        let d = &f.diagnostics[0];
        assert_eq!(d.message, "the key `yes` is read as the boolean true, so kubectl sends it as the key \"true\"");
        assert_eq!(d.help.as_deref(), Some("quote the key to keep it as written: \"yes\""));
        assert_eq!(f.diagnostics.len(), warned.len(), "{:?}", f.diagnostics);
    }

    #[test]
    fn keys_that_become_the_same_string_are_duplicates() {
        let f = load("yes: a\ntrue: b\n");
        let d: Vec<_> = f.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(d, [r::NON_STRING_KEY, r::DUPLICATE_KEY]);
        assert_eq!(f.docs[0].root.as_ref().unwrap().get("true").and_then(Node::as_str), Some("b"));
    }

    #[test]
    fn null_and_uint64_keys_are_refused() {
        for (text, key) in [("~: a\n", "~"), ("null: a\n", "null"), ("18446744073709551615: a\n", "18446744073709551615")] {
            let f = load(text);
            assert_eq!(f.diagnostics.len(), 1, "{text:?}: {:?}", f.diagnostics);
            let d = &f.diagnostics[0];
            assert_eq!(d.rule, r::COMPLEX_KEY);
            assert_eq!(&text[d.primary.span.range()], key);
            assert!(d.message.contains("refuses the document"), "{}", d.message);
        }
    }

    /// apimachinery's YAMLOrJSONDecoder: input starting with `{` is a stream of JSON values.
    #[test]
    fn json_streams_are_read_like_yaml_or_json_decoder() {
        let names = |f: &LoadedFile| -> Vec<String> {
            f.docs.iter().filter_map(|d| d.root.as_ref()?.get("k")?.as_str().map(str::to_owned)).collect()
        };
        // Concatenated and one per line; `\/` is a JSON escape (go-yaml refuses it).
        let f = load("{\"k\": \"a\\/b\"}{\"k\": \"c\"}\n\n{\"k\": \"d\"}\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(names(&f), ["a/b", "c", "d"]);
        // One JSON value, then YAML documents.
        let f = load("{\"k\": \"a\"}\n---\nk: b\n---\nk: c\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(names(&f), ["a", "b", "c"]);
        // Not JSON, but YAML: kubectl reads it as YAML after the JSON decoder fails.
        let f = load("{\"k\": \"a\",}\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(names(&f), ["a"]);
        // `null` values are skipped.
        assert_eq!(load("{\"k\": \"a\"} null {\"k\": \"b\"}").docs.len(), 2);
    }

    #[test]
    fn a_json_syntax_error_is_the_json_decoders() {
        // Neither JSON nor YAML: kubectl prints the JSON error.
        let text = "{\"k\": \"a\",\n \"m\": \"b\" \"c\"}\n";
        let f = load(text);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        let d = &f.diagnostics[0];
        assert_eq!((d.rule, d.message.as_str()), (r::SYNTAX, "JSON syntax error: invalid character '\"' after object key:value pair"));
        assert_eq!(d.primary.span.start as usize, text.find("\"c").unwrap());
        // `[1 2]` is no JSON but YAML reads it (the string "1 2"), and so does kubectl.
        assert!(load("{\"m\": [1 2]}").diagnostics.is_empty());
        // After two values the stream is JSON: an error ends it, the values before it are read.
        let text = "{\"k\": \"a\"}\n{\"k\": \"b\"}\n---\nk: c\n";
        let f = load(text);
        assert_eq!(f.docs.len(), 2);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(f.diagnostics[0].message, "JSON syntax error: invalid character '-' in numeric literal");
        assert_eq!(f.diagnostics[0].primary.span.start as usize, text.find("--").unwrap() + 1);
    }

    #[test]
    fn json_duplicate_keys_are_reported_like_yaml_ones() {
        let text = "{\"a\": 1, \"b\": 2, \"a\": 3}";
        let f = load(text);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        let d = &f.diagnostics[0];
        assert_eq!(d.rule, r::DUPLICATE_KEY);
        assert_eq!(&text[d.primary.span.range()], "\"a\"");
        assert_eq!(d.primary.span.start, 17);
        assert_eq!(d.secondary[0].span.start, 1);
        assert_eq!(f.docs[0].root.as_ref().unwrap().get("a").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn content_after_a_separator_is_refused_like_yaml_reader() {
        let f = load("--- {apiVersion: v1}\n--- # fine\n---\t\na: 1\n----\n");
        let got: Vec<_> = f.diagnostics.iter().filter(|d| d.message.contains("separator")).map(|d| d.message.as_str()).collect();
        assert_eq!(got, ["invalid Yaml document separator: {apiVersion: v1}", "invalid Yaml document separator: -"]);
        assert_eq!(f.diagnostics[0].primary.span, Span::new(4, 20));
        assert!(load("{\"a\": 1}\n---x\n").diagnostics.iter().all(|d| !d.message.contains("separator")));
    }

    #[test]
    fn merge_keys_apply_in_key_order_like_go_yaml_v2() {
        let f = load("base: &b {x: 1, w: 2}\nc:\n  w: 3\n  <<: *b\n  x: 4\nd:\n  <<: [{x: 5}, *b]\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let root = f.docs[0].root.as_ref().unwrap();
        let c = root.get("c").unwrap();
        // The merge after `w: 3` overwrites it; `x: 4` after the merge overwrites the merged x.
        assert_eq!((c.get("w").unwrap().as_i64(), c.get("x").unwrap().as_i64()), (Some(2), Some(4)));
        assert_eq!(root.get("d").unwrap().get("x").unwrap().as_i64(), Some(5));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let f = load("base: &b {x: 1, w: 2}\nc:\n  <<: *b\n  w: 3\nd: *b\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let root = f.docs[0].root.as_ref().unwrap();
        let c = root.get("c").unwrap();
        assert_eq!(c.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(c.get("w").unwrap().as_i64(), Some(3));
        assert_eq!(root.get("d").unwrap().get("w").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn an_alias_copy_is_spanned_at_the_alias() {
        let text = "a: &x {k: v}\nb: *x\n";
        let f = load(text);
        let b = f.docs[0].root.as_ref().unwrap().get("b").unwrap();
        let at = text.find("*x").unwrap();
        for n in [b, b.get("k").unwrap(), &b.as_map().unwrap()[0].key] {
            assert_eq!(&text[n.span.range()], "*x", "{:?}", n.span);
        }
        let a = f.docs[0].root.as_ref().unwrap().get("a").unwrap();
        assert!(a.span.end as usize <= at, "the original keeps its span");
    }

    #[test]
    fn an_undefined_alias_stops_the_document() {
        let f = load("a: &x {k: *x}\n---\nb: 1\n");
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(f.diagnostics[0].rule, r::SYNTAX);
        assert!(f.docs[0].root.is_none());
        assert!(f.docs[1].root.is_some());
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let f = load(&s);
        assert!(f.diagnostics.iter().any(|d| d.rule == r::LIMIT && d.message.contains("alias expansion")));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let s = "[".repeat(100_000);
        let f = load(&s);
        assert!(f.diagnostics.iter().any(|d| d.rule == r::LIMIT || d.rule == r::SYNTAX));
        let s = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        let f = load(&s);
        assert!(f.diagnostics.iter().any(|d| d.rule == r::LIMIT && d.message.contains("nesting")));
    }

    #[test]
    fn crlf_bom_and_multibyte_positions() {
        let text = "\u{feff}a: b\r\nc: \"ü\"\r\nd: e\r\n";
        let f = load(text);
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let root = f.docs[0].root.as_ref().unwrap();
        let d = root.get("d").unwrap();
        assert_eq!(&text[d.span.range()], "e");
    }

    #[test]
    fn tabs_give_a_syntax_error_with_help() {
        let f = load("a:\n\tb: 1\n");
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(f.diagnostics[0].rule, r::SYNTAX);
        assert!(f.diagnostics[0].help.as_deref().unwrap().contains("tabs"), "{:?}", f.diagnostics[0].help);
    }

    /// go-yaml v2 (libyaml's scanner) skips a tab in block context only where no simple key may
    /// start, refuses one in a plain scalar's indentation, and takes it as white space in flow
    /// collections and quoted scalars.
    #[test]
    fn tabs_are_read_as_go_yaml_v2_reads_them() {
        for ok in [
            "a:\tb\n",
            "a: \tb\n",
            "a: b\t\n",
            "a: b\t# c\n",
            "a:\t\n  b: 1\n",
            "a\t: b\n",
            "a: 'x'\t\n",
            "a: [1, 2]\t\n",
            "a: [1,\t2]\n",
            "a: [1,\n\t2]\n",
            "a: {b:\t1}\n",
            "a: \"x\ty\"\n",
            "a: \"x\n\ty\"\n",
            "a: |\n  x\ty\n",
            "a:\n  b: x\n    \ty\n",
        ] {
            let f = load(ok);
            assert!(f.diagnostics.is_empty(), "{ok:?}: {:?}", f.diagnostics);
        }
        for (bad, line, col) in [
            ("\ta: 1\n", 0, 0),
            ("a:\n\tb: 1\n", 1, 0),
            ("- \ta\n", 0, 2),
            ("-\tname: x\n", 0, 1),
            ("a: \"b\"\n\t\nc: d\n", 1, 0),
            ("a: b\n\t\nc: d\n", 1, 0),
            ("a: 1\n\t# comment\nb: 2\n", 1, 0),
            ("a: x\n\ty\n", 1, 0),
            ("a: |\n\tx\n", 0, 3),
        ] {
            let f = load(bad);
            assert_eq!(f.diagnostics.len(), 1, "{bad:?}: {:?}", f.diagnostics);
            let d = &f.diagnostics[0];
            assert_eq!(d.rule, r::SYNTAX, "{bad:?}");
            let at = bad.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + col;
            assert_eq!(d.primary.span.start as usize, at, "{bad:?}: {}", d.message);
            assert!(d.help.as_deref().unwrap().contains("tabs"), "{bad:?}: {:?}", d.help);
        }
    }

    /// "unprintable" contains "tab": a NUL byte got the help about tab indentation.
    #[test]
    fn a_control_character_gets_a_help_about_control_characters() {
        let f = load("a: b\0\n");
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        let d = &f.diagnostics[0];
        assert!(d.message.contains("unprintable"), "{}", d.message);
        let help = d.help.as_deref().unwrap();
        assert!(!help.contains("tabs") && help.contains("control character"), "{help}");
    }

    /// Regression (yaml_load fuzz target): the oversized-document diagnostic cut its span at
    /// byte 80, inside a multi-byte character.
    #[test]
    fn oversized_document_span_ends_on_a_character_boundary() {
        let text = format!("k: {}\n{}", "é".repeat(60), "x: 1\n".repeat(100));
        let limits = Limits { max_document_bytes: 256, ..Limits::default() };
        let f = load_file(0, &SourceFile::new("t.yaml", text.as_str()), &limits);
        let d = f.diagnostics.iter().find(|d| d.rule == r::LIMIT).expect("a limit diagnostic");
        assert!(text.is_char_boundary(d.primary.span.end as usize), "{:?}", d.primary.span);
        assert!(d.primary.span.end > 70, "{:?}", d.primary.span);
    }
}
