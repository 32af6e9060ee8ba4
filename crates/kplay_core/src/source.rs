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

    /// Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD and remembering where
    /// they were, so that the loader can report them at the right place.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
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
        let prefix = &text[start..offset];
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

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let f = SourceFile::from_bytes("x", b"ab\xffc");
        assert_eq!(f.text, "ab\u{FFFD}c");
        assert_eq!(f.invalid_utf8, vec![2]);
    }
}
