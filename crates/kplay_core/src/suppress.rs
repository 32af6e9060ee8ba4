//! Suppressions: `# kplay: ignore[rule-a, rule-b]` comments (on the diagnostic's line or on a
//! comment line right before it) and the `kplay.dev/ignore: rule-a,rule-b` annotation on an
//! object (for generated files). Unknown rule names in either are reported, and so are
//! suppressions that suppressed nothing (as info).

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::suppress as r;
use crate::source::{FileId, LineIndex, SourceFile, Span};

/// The annotation that suppresses rules for one object.
pub const ANNOTATION: &str = "kplay.dev/ignore";

/// One suppressed rule name at one place.
#[derive(Debug, Clone)]
struct Suppression {
    file: FileId,
    /// Where the rule name is written.
    span: Span,
    rule: String,
    scope: Scope,
    used: bool,
}

#[derive(Debug, Clone)]
enum Scope {
    /// Diagnostics whose primary span starts on this 0-based line.
    Line(usize),
    /// Diagnostics about this object (inside its span).
    Object(Span),
}

/// Removes suppressed diagnostics and adds the suppressions' own diagnostics.
pub fn apply(files: &[SourceFile], lines: &[&LineIndex], objects: &[Object], inline: bool, diags: &mut Vec<Diagnostic>) {
    let mut sups = Vec::new();
    let mut extra = Vec::new();
    if inline {
        for (fid, f) in files.iter().enumerate() {
            if f.text.contains("kplay:") {
                inline_suppressions(fid, &f.text, lines[fid], &mut sups, &mut extra);
            }
        }
    }
    for o in objects {
        annotation_suppressions(o, &mut sups, &mut extra);
    }
    if sups.is_empty() && extra.is_empty() {
        return;
    }
    let known = |name: &str| crate::rules::find(name).is_some();
    for s in &sups {
        if !known(&s.rule) {
            let close = closest_rule(&s.rule);
            let mut d = Diagnostic::new(
                r::UNKNOWN_RULE.name,
                Severity::Warning,
                s.file,
                s.span,
                format!("`{}` is not a kplay rule, so this suppresses nothing", s.rule),
            );
            d.help = Some(match close {
                Some(c) => format!("did you mean `{c}`? `kplay rules` lists every rule"),
                None => "`kplay rules` lists every rule".into(),
            });
            extra.push(d);
        }
    }
    diags.retain(|d| {
        let line = lines.get(d.primary.file).map(|li| li.line_of(d.primary.span.start));
        let mut suppressed = false;
        for s in &mut sups {
            if s.file != d.primary.file || s.rule != d.rule || crate::rules::yaml::is_unreadable(d.rule) {
                continue;
            }
            let hit = match s.scope {
                Scope::Line(l) => Some(l) == line,
                Scope::Object(span) => span.start <= d.primary.span.start && d.primary.span.start <= span.end,
            };
            if hit {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    for s in sups.iter().filter(|s| !s.used && known(&s.rule)) {
        if crate::rules::yaml::is_unreadable(&s.rule) {
            extra.push(
                Diagnostic::new(
                    r::UNUSED.name,
                    Severity::Info,
                    s.file,
                    s.span,
                    format!("`{}` cannot be suppressed: input kplay cannot read is always an error", s.rule),
                )
                .with_help("fix the input instead"),
            );
            continue;
        }
        extra.push(
            Diagnostic::new(r::UNUSED.name, Severity::Info, s.file, s.span, format!("this suppression of `{}` suppresses nothing", s.rule))
                .with_help("remove it; the problem it was written for is gone"),
        );
    }
    diags.extend(extra);
}

fn inline_suppressions(fid: FileId, text: &str, li: &LineIndex, sups: &mut Vec<Suppression>, extra: &mut Vec<Diagnostic>) {
    for line in 0..li.line_count() {
        let lt = li.line_text(text, line);
        let Some(pos) = find_comment_directive(lt) else { continue };
        let base = li.line_start(line) as usize + pos;
        let rest = &lt[pos + "kplay:".len()..];
        let trimmed = rest.trim_start();
        let off = base + "kplay:".len() + (rest.len() - trimmed.len());
        let Some(args) = trimmed.strip_prefix("ignore") else {
            extra.push(malformed(fid, off, trimmed));
            continue;
        };
        let Some(inner) = args.strip_prefix('[').and_then(|a| a.find(']').map(|e| &a[..e])) else {
            extra.push(malformed(fid, off, trimmed));
            continue;
        };
        // A comment alone on its line applies to the next line; after code, to its own line.
        let own_line_is_comment = lt[..lt.find('#').unwrap_or(0)].trim().is_empty();
        let target = if own_line_is_comment { line + 1 } else { line };
        let mut cursor = off + "ignore[".len();
        for name in inner.split(',') {
            let lead = name.len() - name.trim_start().len();
            let n = name.trim();
            if !n.is_empty() {
                let start = cursor + lead;
                sups.push(Suppression {
                    file: fid,
                    span: Span::new(start as u32, (start + n.len()) as u32),
                    rule: n.to_string(),
                    scope: Scope::Line(target),
                    used: false,
                });
            }
            cursor += name.len() + 1;
        }
    }
}

/// Byte offset of `kplay:` in a `# kplay:` comment on the line.
fn find_comment_directive(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find('#') {
        let hash = from + i;
        let before_ok = hash == 0 || line[..hash].ends_with([' ', '\t']);
        let after = &line[hash + 1..];
        let t = after.trim_start();
        if before_ok && t.starts_with("kplay:") {
            return Some(hash + 1 + (after.len() - t.len()));
        }
        from = hash + 1;
    }
    None
}

fn malformed(fid: FileId, off: usize, text: &str) -> Diagnostic {
    let len = text.split_whitespace().next().map_or(0, str::len);
    Diagnostic::new(
        r::MALFORMED.name,
        Severity::Warning,
        fid,
        Span::new(off as u32, (off + len) as u32),
        "this `kplay:` comment is not a suppression kplay understands",
    )
    .with_help("write `# kplay: ignore[rule-name]` (several names separated by commas)")
}

fn annotation_suppressions(o: &Object, sups: &mut Vec<Suppression>, _extra: &mut [Diagnostic]) {
    let Some(v) = o.raw.path(&["metadata", "annotations", ANNOTATION]) else { return };
    let Some(text) = v.as_str() else { return };
    // Place each name inside the scalar when it is written plainly on one line.
    let quoted = v.as_scalar().is_some_and(|s| s.style.is_quoted());
    let mut cursor = 0usize;
    for name in text.split(',') {
        let lead = name.len() - name.trim_start().len();
        let n = name.trim();
        if !n.is_empty() {
            let start = v.span.start as usize + usize::from(quoted) + cursor + lead;
            let span = if start + n.len() <= v.span.end as usize { Span::new(start as u32, (start + n.len()) as u32) } else { v.span };
            sups.push(Suppression { file: o.file, span, rule: n.to_string(), scope: Scope::Object(o.span()), used: false });
        }
        cursor += name.len() + 1;
    }
}

/// The registered rule closest to `name` by edit distance, if close enough.
pub fn closest_rule(name: &str) -> Option<&'static str> {
    crate::rules::all().into_iter().map(|r| (edit_distance(name, r.name), r.name)).filter(|&(d, _)| d <= 3).min().map(|(_, n)| n)
}

/// Levenshtein distance.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, Options};

    fn run(text: &str, inline: bool) -> Vec<(&'static str, String)> {
        let files = vec![SourceFile::new("x.yaml", text)];
        let opts = Options { inline_ignores: inline, ..Options::default() };
        analyze(&files, &opts).diagnostics.into_iter().map(|d| (d.rule, text[d.primary.span.range()].to_string())).collect()
    }

    const DUP: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b";

    #[test]
    fn inline_comment_on_the_line_and_before() {
        let same = format!("{DUP} # kplay: ignore[duplicate-key]\n");
        assert!(run(&same, true).iter().all(|(r, _)| *r != "duplicate-key"), "{:?}", run(&same, true));
        let before = DUP.replace("  name: b", "  # kplay: ignore[duplicate-key]\n  name: b");
        assert!(run(&before, true).iter().all(|(r, _)| *r != "duplicate-key"));
        // Switched off, the comment does nothing.
        assert!(run(&same, false).iter().any(|(r, _)| *r == "duplicate-key"));
    }

    #[test]
    fn unknown_and_unused_names_are_reported() {
        let text = format!("{DUP} # kplay: ignore[duplicate-kye, yaml-syntax]\n");
        let got = run(&text, true);
        assert!(got.contains(&(r::UNKNOWN_RULE.name, "duplicate-kye".into())), "{got:?}");
        assert!(got.contains(&(r::UNUSED.name, "yaml-syntax".into())), "{got:?}");
        assert!(got.iter().any(|(r, _)| *r == "duplicate-key"));
    }

    #[test]
    fn unreadable_input_is_never_suppressed_disabled_or_downgraded() {
        let text = "# kplay: ignore[yaml-syntax]\nmetadata: {name: a\n";
        let got = run(text, true);
        assert!(got.iter().any(|(r, _)| *r == "yaml-syntax"), "{got:?}");
        assert!(got.iter().any(|(r, t)| *r == r::UNUSED.name && t == "yaml-syntax"), "{got:?}");
        let files = vec![SourceFile::new("x.yaml", text)];
        let mut opts = Options { disabled_rules: vec!["yaml-syntax".into()], ..Options::default() };
        assert!(analyze(&files, &opts).has_errors());
        opts.disabled_rules.clear();
        opts.severity_overrides.insert("yaml-syntax".into(), Severity::Warning);
        assert!(analyze(&files, &opts).has_errors());
    }

    #[test]
    fn malformed_directive_is_reported() {
        let got = run("a: 1 # kplay: ignroe[x]\n", true);
        assert!(got.iter().any(|(r, _)| *r == r::MALFORMED.name), "{got:?}");
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest_rule("duplicate-kye"), Some("duplicate-key"));
    }
}
