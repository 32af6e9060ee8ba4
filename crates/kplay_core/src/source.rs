//! Source files, byte spans and the conversion from byte offsets to line and column.

use serde::Serialize;

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// An empty span at `at`.
    pub const fn point(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Index of a file inside one analysis (position in the slice given to [`crate::analyze`]).
pub type FileId = usize;

/// One input file. The core never reads files itself: hosts build these from what they read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offsets of invalid UTF-8 sequences found when the host decoded the file (in `text`,
    /// after replacement). Reported as diagnostics by the loader.
    pub invalid_utf8: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into(), invalid_utf8: Vec::new() }
    }

    /// Decodes a file's bytes as kubectl does (cli-runtime's `FileVisitor`, for files and stdin
    /// alike, reads through `unicode.BOMOverride(unicode.UTF8.NewDecoder())` from golang.org/x/text):
    /// a UTF-16 byte order mark (`FF FE` little-endian, `FE FF` big-endian) switches to UTF-16,
    /// whose text then keeps a leading U+FEFF here, as a UTF-8 file with a byte order mark does, so
    /// that the loader treats both alike. Anything else is UTF-8 with each invalid sequence
    /// replaced by U+FFFD; where they were is remembered, so that the loader can report them.
    /// Spans of a UTF-16 file are byte ranges into the decoded text; lines and columns (what
    /// every host shows) are those of the file.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
            return Self::new(name, decode_utf16(rest, u16::from_le_bytes));
        }
        if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
            return Self::new(name, decode_utf16(rest, u16::from_be_bytes));
        }
        let mut text = String::with_capacity(bytes.len());
        let mut invalid = Vec::new();
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                invalid.push(text.len() as u32);
                text.push('\u{FFFD}');
            }
        }
        Self { name: name.into(), text, invalid_utf8: invalid }
    }
}

/// UTF-16 text (after its byte order mark) as golang.org/x/text's UTF-16 decoder reads it, with
/// U+FEFF in front: an unpaired surrogate and an odd last byte become U+FFFD, and so does a
/// surrogate followed by a low surrogate that it does not pair with (the decoder takes the two
/// code units together: one U+FFFD for four bytes).
fn decode_utf16(src: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let at = |i: usize| unit([src[i], src[i + 1]]);
    let mut out = String::with_capacity(src.len() + 3);
    out.push('\u{feff}');
    let mut i = 0;
    while i < src.len() {
        if i + 1 == src.len() {
            out.push('\u{fffd}');
            break;
        }
        let x = at(i);
        if (0xD800..0xE000).contains(&x) {
            if i + 3 < src.len() && (0xDC00..0xE000).contains(&at(i + 2)) {
                let y = at(i + 2);
                let pair = (x < 0xDC00).then(|| 0x10000 + ((u32::from(x) - 0xD800) << 10) + (u32::from(y) - 0xDC00));
                out.push(pair.and_then(char::from_u32).unwrap_or('\u{fffd}'));
                i += 4;
            } else {
                out.push('\u{fffd}');
                i += 2;
            }
            continue;
        }
        out.push(char::from_u32(u32::from(x)).unwrap_or('\u{fffd}'));
        i += 2;
    }
    out
}

/// How columns are counted when converting a byte offset to a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnEncoding {
    /// Unicode scalar values (what the CLI prints).
    #[default]
    Chars,
    /// UTF-16 code units (what browser editors use).
    Utf16,
    /// Bytes.
    Utf8,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Start offsets of every line of a text, for byte -> line/column conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        Self { line_starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts[line.min(self.line_starts.len() - 1)]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based position of `offset` in `text`, columns counted in `enc`. Offsets inside a
    /// character or past the end are clamped to the nearest boundary before it.
    pub fn position(&self, text: &str, offset: u32, enc: ColumnEncoding) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset as u32);
        let start = self.line_starts[line] as usize;
        let mut prefix = &text[start..offset];
        if start == 0 {
            // Editors do not show a byte order mark: the first column is after it.
            prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        }
        let col = match enc {
            ColumnEncoding::Chars => prefix.chars().count(),
            ColumnEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            ColumnEncoding::Utf8 => prefix.len(),
        };
        Position { line: line as u32 + 1, column: col as u32 + 1 }
    }

    /// The text of 0-based `line` without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line) as usize;
        let end = self.line_starts.get(line + 1).map_or(text.len(), |&e| e as usize);
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_utf16() {
        let text = "a: b\nnäme: \u{1F600}x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(idx.position(text, x, ColumnEncoding::Chars), Position { line: 2, column: 8 });
        assert_eq!(idx.position(text, x, ColumnEncoding::Utf16), Position { line: 2, column: 9 });
        assert_eq!(idx.position(text, x, ColumnEncoding::Utf8), Position { line: 2, column: 12 });
        assert_eq!(idx.position(text, 0, ColumnEncoding::Chars), Position { line: 1, column: 1 });
        assert_eq!(idx.line_text(text, 1), "näme: \u{1F600}x");
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
        for u in text.encode_utf16() {
            bytes.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        bytes
    }

    /// kubectl's FileVisitor decodes a file with a UTF-16 byte order mark (BOMOverride).
    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "a: b\nnäme: \u{1F600}x\n";
        for big_endian in [false, true] {
            let f = SourceFile::from_bytes("x", &utf16(text, big_endian));
            assert_eq!(f.text, format!("\u{feff}{text}"));
            assert!(f.invalid_utf8.is_empty());
            let idx = LineIndex::new(&f.text);
            let x = f.text.find('x').unwrap() as u32;
            assert_eq!(idx.position(&f.text, x, ColumnEncoding::Chars), Position { line: 2, column: 8 });
            assert_eq!(idx.position(&f.text, x, ColumnEncoding::Utf16), Position { line: 2, column: 9 });
        }
        // golang.org/x/text's replacements: a lone surrogate, a low surrogate after another one
        // (both units become one U+FFFD), an odd last byte.
        let f = SourceFile::from_bytes("x", b"\xff\xfea\x00\x00\xd8b\x00\x00\xdc\x00\xdcc\x00\x00");
        assert_eq!(f.text, "\u{feff}a\u{fffd}b\u{fffd}c\u{fffd}");
    }

    /// The first column of a file with a byte order mark is the one after it.
    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let text = "\u{feff}a: b\n";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap() as u32;
        for enc in [ColumnEncoding::Chars, ColumnEncoding::Utf16, ColumnEncoding::Utf8] {
            assert_eq!(idx.position(text, b, enc), Position { line: 1, column: 4 });
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let f = SourceFile::from_bytes("x", b"ab\xffc");
        assert_eq!(f.text, "ab\u{FFFD}c");
        assert_eq!(f.invalid_utf8, vec![2]);
    }
}
