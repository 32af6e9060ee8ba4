//! The JSON report shared by every host (`kplay check --format json`, the JavaScript library):
//! diagnostics with 1-based positions in a chosen column encoding. This is a contract other
//! tools rely on; change it only by adding fields.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, KubernetesError, ObjectRef, Severity};
use crate::source::{ColumnEncoding, Position, SourceFile, Span};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub diagnostics: Vec<ReportDiagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportLabel {
    pub file: String,
    pub range: Range,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDiagnostic {
    pub file: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub range: Range,
    pub object: Option<ObjectRef>,
    pub kubernetes: Option<KubernetesError>,
    pub labels: Vec<ReportLabel>,
}

/// Converts a span of file `file` to a range.
pub fn range(files: &[SourceFile], analysis: &Analysis, file: usize, span: Span, enc: ColumnEncoding) -> Range {
    let (start, end) = crate::analysis::span_positions(files, &analysis.files, file, span, enc);
    Range { start, end }
}

fn convert(files: &[SourceFile], analysis: &Analysis, d: &Diagnostic, enc: ColumnEncoding) -> ReportDiagnostic {
    let name = |f: usize| files.get(f).map_or_else(String::new, |s| s.name.clone());
    ReportDiagnostic {
        file: name(d.primary.file),
        rule: d.rule,
        severity: d.severity,
        message: d.message.clone(),
        help: d.help.clone(),
        range: range(files, analysis, d.primary.file, d.primary.span, enc),
        object: d.object.clone(),
        kubernetes: d.kubernetes.clone(),
        labels: d
            .secondary
            .iter()
            .map(|l| ReportLabel { file: name(l.file), range: range(files, analysis, l.file, l.span, enc), message: l.message.clone() })
            .collect(),
    }
}

/// The report of an analysis of `files`.
pub fn report(files: &[SourceFile], analysis: &Analysis, enc: ColumnEncoding) -> Report {
    Report {
        diagnostics: analysis.diagnostics.iter().map(|d| convert(files, analysis, d, enc)).collect(),
        summary: Summary {
            files: files.len(),
            objects: analysis.objects.len(),
            errors: analysis.count(Severity::Error),
            warnings: analysis.count(Severity::Warning),
            infos: analysis.count(Severity::Info),
        },
    }
}
