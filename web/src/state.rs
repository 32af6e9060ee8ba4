//! The playground's one application state: the edited text and the analysis of it, changed
//! only through [`Action`]s so every view recomputes from the same data.

use std::rc::Rc;

use kplay_core::{analyze, Analysis, ColumnEncoding, Options, Severity, SourceFile};
use yew::Reducible;

use crate::examples;

/// The name the edited text has in diagnostics.
pub const FILE_NAME: &str = "manifest.yaml";

/// One line of the diagnostics list, with positions already converted for the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticRow {
    pub severity: Severity,
    pub rule: &'static str,
    /// 1-based line of the primary span's start.
    pub line: u32,
    /// 1-based column in UTF-16 code units, as browser editors count them.
    pub column: u32,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub files: Rc<[SourceFile]>,
    pub options: Rc<Options>,
    pub analysis: Rc<Analysis>,
    pub rows: Rc<[DiagnosticRow]>,
}

pub enum Action {
    /// The user edited the manifest.
    SetText(String),
}

impl AppState {
    pub fn new(text: &str, options: Options) -> Self {
        let files: Rc<[SourceFile]> = Rc::from(vec![SourceFile::new(FILE_NAME, text)]);
        let analysis = analyze(&files, &options);
        let rows = rows(&files, &analysis).into();
        Self { files, options: Rc::new(options), analysis: Rc::new(analysis), rows }
    }

    /// The text of the (single) edited file.
    pub fn text(&self) -> &str {
        self.files.first().map_or("", |f| f.text.as_str())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.rows.iter().filter(|r| r.severity == severity).count()
    }
}

/// States are compared by identity: every change builds a new analysis, so two states with the
/// same analysis are the same state, and comparing whole analyses on each render would be waste.
impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && Rc::ptr_eq(&self.options, &other.options)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new(examples::SEED_TUTORIAL, Options::default())
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SetText(text) => {
                if text == self.text() {
                    return self;
                }
                Rc::new(Self::new(&text, (*self.options).clone()))
            }
        }
    }
}

/// Converts the analysis' diagnostics to list rows, keeping the analysis' order.
pub fn rows(files: &[SourceFile], analysis: &Analysis) -> Vec<DiagnosticRow> {
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = match (files.get(d.primary.file), analysis.files.get(d.primary.file)) {
                (Some(file), Some(info)) => {
                    let p = info.line_index.position(&file.text, d.primary.span.start, ColumnEncoding::Utf16);
                    (p.line, p.column)
                }
                // A label pointing outside the inputs would be a core bug; show it without a
                // position rather than failing the page.
                _ => (0, 0),
            };
            DiagnosticRow { severity: d.severity, rule: d.rule, line, column, message: d.message.clone(), help: d.help.clone() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_yaml_gives_a_syntax_error_on_line_one() {
        let state = AppState::new("a: [", Options::default());
        let row = state.rows.iter().find(|r| r.rule == "yaml-syntax").expect("a yaml-syntax row");
        assert_eq!(row.severity, Severity::Error);
        assert_eq!(row.line, 1);
        assert!(row.column >= 1);
        assert_eq!(state.count(Severity::Error), state.rows.iter().filter(|r| r.severity == Severity::Error).count());
    }

    #[test]
    fn columns_are_counted_in_utf16_units() {
        // "é" is 2 bytes and 1 UTF-16 unit, "😀" is 4 bytes and 2 units: the error at the
        // unclosed bracket must land after 3 units, not after 6 bytes.
        let text = "é😀: [";
        let state = AppState::new(text, Options::default());
        let row = state.rows.iter().find(|r| r.rule == "yaml-syntax").expect("a yaml-syntax row");
        let idx = kplay_core::LineIndex::new(text);
        let d = state.analysis.diagnostics.iter().find(|d| d.rule == "yaml-syntax").expect("diagnostic");
        let expected = idx.position(text, d.primary.span.start, ColumnEncoding::Utf16);
        assert_eq!((row.line, row.column), (expected.line, expected.column));
        let bytes = idx.position(text, d.primary.span.start, ColumnEncoding::Utf8);
        if d.primary.span.start > 2 {
            assert!(row.column < bytes.column, "UTF-16 column {} should be below the byte column {}", row.column, bytes.column);
        }
    }

    #[test]
    fn editing_replaces_the_analysis_and_same_text_keeps_it() {
        let start = Rc::new(AppState::new("a: [", Options::default()));
        assert!(!start.rows.is_empty());
        let same = start.clone().reduce(Action::SetText("a: [".into()));
        assert!(Rc::ptr_eq(&start, &same));
        let fixed = start.reduce(Action::SetText("a: []\n".into()));
        assert_eq!(fixed.text(), "a: []\n");
        assert!(fixed.rows.iter().all(|r| r.rule != "yaml-syntax"));
    }

    #[test]
    fn the_default_state_analyses_the_seed_tutorial() {
        let state = AppState::default();
        assert_eq!(state.text(), examples::SEED_TUTORIAL);
        assert_eq!(state.analysis.files.len(), 1);
        assert_eq!(state.analysis.files[0].documents, 2);
    }
}
