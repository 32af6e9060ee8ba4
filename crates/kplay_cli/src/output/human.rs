//! The human format: rustc-style snippets rendered by codespan-reporting.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, LabelStyle, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Chars, Config};
use kplay_core::{Analysis, Severity, SourceFile};

/// Renders every diagnostic and a summary line.
pub fn render(files: &[SourceFile], analysis: &Analysis, color: bool) -> String {
    // Editors do not show a byte order mark, but codespan would count it as a column: the
    // snippets are drawn from the text after it, with the spans moved back by its length.
    let mut db = SimpleFiles::new();
    let mut bom = Vec::with_capacity(files.len());
    for f in files {
        let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
        bom.push(f.text.len() - text.len());
        db.add(f.name.clone(), text.to_owned());
    }
    let range = |file: usize, span: kplay_core::Span| {
        let b = bom.get(file).copied().unwrap_or(0);
        span.start.saturating_sub(b as u32) as usize..span.end.saturating_sub(b as u32) as usize
    };
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut writer: Box<dyn term::WriteStyle> =
            if color { Box::new(term::termcolor::Ansi::new(&mut buf)) } else { Box::new(term::termcolor::NoColor::new(&mut buf)) };
        for d in &analysis.diagnostics {
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let mut labels = vec![Label::new(LabelStyle::Primary, d.primary.file, range(d.primary.file, d.primary.span))
                .with_message(d.primary.message.clone())];
            for l in &d.secondary {
                labels.push(Label::new(LabelStyle::Secondary, l.file, range(l.file, l.span)).with_message(l.message.clone()));
            }
            let mut notes = Vec::new();
            if let Some(h) = &d.help {
                notes.push(format!("help: {h}"));
            }
            let diag = CsDiagnostic::new(severity).with_code(d.rule).with_message(d.message.clone()).with_labels(labels).with_notes(notes);
            // Rendering only fails on spans outside the files, which the core never produces;
            // fall back to a plain line rather than losing the diagnostic.
            if term::emit_to_write_style(&mut *writer, &config, &db, &diag).is_err() {
                buf_line(&mut *writer, d);
            }
        }
    }
    let mut out = String::from_utf8_lossy(&buf).into_owned();
    out.push_str(&summary(files.len(), analysis));
    out
}

fn buf_line(w: &mut dyn term::WriteStyle, d: &kplay_core::Diagnostic) {
    let _ = writeln!(w, "{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
}

/// `error: 2 errors, 1 warning and 0 infos in 3 files (5 objects)` or `ok: no problems ...`.
pub fn summary(files: usize, a: &Analysis) -> String {
    let (e, w, i) = (a.count(Severity::Error), a.count(Severity::Warning), a.count(Severity::Info));
    let plural = |n: usize, s: &str| if n == 1 { format!("{n} {s}") } else { format!("{n} {s}s") };
    let what = format!("in {} ({})", plural(files, "file"), plural(a.objects.len(), "object"));
    if e + w + i == 0 {
        format!("ok: no problems {what}\n")
    } else {
        let head = if e > 0 {
            "error"
        } else if w > 0 {
            "warning"
        } else {
            "ok"
        };
        format!("{head}: {}, {} and {} {what}\n", plural(e, "error"), plural(w, "warning"), plural(i, "info"))
    }
}
