//! SARIF 2.1.0 through the serde-sarif types.

use std::collections::BTreeSet;

use kplay_core::report::Report;
use kplay_core::Severity;
use serde_sarif::sarif;

pub fn render(report: &Report) -> Result<String, String> {
    let used: BTreeSet<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
    let rules: Vec<sarif::ReportingDescriptor> = used
        .iter()
        .map(|name| {
            let summary = kplay_core::rules::find(name).map_or("", |r| r.summary);
            sarif::ReportingDescriptor::builder()
                .id(*name)
                .name(*name)
                .short_description(sarif::MultiformatMessageString::builder().text(summary).build())
                .help_uri(kplay_core::rules::docs_url(name))
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .diagnostics
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => sarif::ResultLevel::Error,
                Severity::Warning => sarif::ResultLevel::Warning,
                Severity::Info => sarif::ResultLevel::Note,
            };
            let region = sarif::Region::builder()
                .start_line(i64::from(d.range.start.line))
                .start_column(i64::from(d.range.start.column))
                .end_line(i64::from(d.range.end.line))
                .end_column(i64::from(d.range.end.column))
                .build();
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(sarif::ArtifactLocation::builder().uri(uri_reference(&d.file)).build())
                        .region(region)
                        .build(),
                )
                .build();
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            sarif::Result::builder()
                .rule_id(d.rule)
                .level(level)
                .message(sarif::Message::builder().text(text).build())
                .locations(vec![location])
                .build()
        })
        .collect();
    let tool = sarif::Tool::builder()
        .driver(
            sarif::ToolComponent::builder()
                .name("kplay")
                .version(env!("CARGO_PKG_VERSION"))
                .information_uri("https://github.com/kplay-dev/kplay")
                .rules(rules)
                .build(),
        )
        .build();
    // kplay counts columns in characters (`ColumnEncoding::Chars`): Unicode code points.
    let column_kind = serde_json::Value::String(sarif::ResultColumnKind::UnicodeCodePoints.to_string());
    let run = sarif::Run::builder().tool(tool).results(results).column_kind(column_kind).build();
    let log = sarif::Sarif::builder().version(sarif::Version::V2_1_0.to_string()).schema(sarif::SCHEMA_URL).runs(vec![run]).build();
    serde_json::to_string_pretty(&log).map_err(|e| format!("cannot write SARIF: {e}"))
}

/// A file name as a relative or absolute URI reference (SARIF §3.10 wants `uri` to be one, and
/// §3.4.3 an RFC 3986 one): `\\` becomes `/`, and every byte but the unreserved characters and
/// `/` is percent-encoded (`my file#1.yaml` -> `my%20file%231.yaml`, `<stdin>` -> `%3Cstdin%3E`).
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(b)),
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
