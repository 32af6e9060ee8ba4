//! GitHub Actions workflow commands (`::error file=..,line=..,col=..::message`).

use kplay_core::report::Report;
use kplay_core::Severity;

/// Escapes data for a workflow command (percent, CR, LF) and, in properties, `:` and `,`.
fn escape(s: &str, property: bool) -> String {
    let mut o = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        o = o.replace(':', "%3A").replace(',', "%2C");
    }
    o
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut msg = d.message.clone();
        if let Some(k) = &d.kubernetes {
            if !k.field.is_empty() {
                msg = format!("{}: {msg}", k.field);
            }
        }
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape(&d.file, true),
            d.range.start.line,
            d.range.start.column,
            d.range.end.line,
            d.range.end.column,
            escape(&format!("kplay {}", d.rule), true),
            escape(&msg, false)
        ));
    }
    out
}
