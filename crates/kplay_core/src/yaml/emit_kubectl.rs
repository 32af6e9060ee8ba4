//! Writes a [`Node`] tree as `kubectl get -o yaml` lays it out, for `kplay get -o yaml`.
//!
//! kubectl's YAML printer is sigs.k8s.io/yaml's `Marshal`: the object is written as JSON, the
//! JSON is read back by go-yaml v2 into generic maps (`JSONToYAML`) and those are written by
//! go-yaml v2's `Marshal`. So every value takes go-yaml v2's style for its Go type, and the
//! layout is that of go-yaml v2's emitter (a port of libyaml's) with its defaults. The facts
//! below are read from go-yaml v2 (`encode.go`, `emitterc.go`, `resolve.go`, `yamlprivateh.go`;
//! sigs.k8s.io/yaml vendors it as `goyaml.v2`); this is our own code written from them.
//!
//! Values (`encode.go`):
//! - A JSON number comes back from go-yaml v2's `resolve` as an `int`, a `uint64` or a
//!   `float64`, whichever parses first; ints are written in decimal (`intv`, `uintv`), floats by
//!   `strconv.FormatFloat(f, 'g', -1, 64)` (`floatv`): shortest digits, exponent form when the
//!   exponent is below -4 or from 6 on (`1e+06`, `1.5e-05`, `0.5`). So `1e20`, which Go's JSON
//!   writes `100000000000000000000`, prints `1e+20`.
//! - `true`, `false` and `null` are plain.
//! - A string (`stringv`) asks for the literal style when it contains `\n`, the plain style when
//!   `resolve` would read it back as a string (not `null`, `true`, `108`, `1.5`, `.inf`, a
//!   timestamp such as `2024-01-02`, ...) and it is not a YAML 1.1 base-60 float (`1:20`), and
//!   double quotes otherwise (`""`, `"108"`, `"true"`).
//!
//! Styles (`emitterc.go`, `yaml_emitter_analyze_scalar` and `yaml_emitter_select_scalar_style`):
//! the requested style is refused when the text would not read back the same in it. Plain is
//! refused for a leading or trailing space or line break, for `---` or `...` at the start, an
//! indicator (`#,[]{}&*!|>'"%@` and a backquote) at the start, `?`, `:` or `-` at the start
//! followed by a space (or the end), `: ` (or `:` at the end) inside, ` #` inside, any line
//! break, and any character it may not print; the scalar is then single-quoted. Single quotes
//! are refused for a space after a line break, a space before one, or a character not printable
//! (a tab, a control character, U+FEFF, anything above U+FFFD: go-yaml's `is_printable`), and
//! then the scalar is double-quoted, with escapes. The literal style is refused for a trailing
//! space, a space before a line break or a character not printable (double quotes then), and
//! in a simple key.
//!
//! Layout: indentation by 2 (`best_indent`); a block sequence that is a mapping's value is
//! written at the key's column ("indentless", `yaml_emitter_emit_block_sequence_item`); a
//! sequence or mapping in a sequence item starts on the item's line (`- - a`, `- name: x`);
//! empty collections are flow `[]` and `{}`. A key longer than 128 bytes or with a line break
//! is not a simple key (`yaml_emitter_check_simple_key`): it is written `? key` with the value
//! on a line `: value`. Plain, single- and double-quoted scalars outside keys are folded at a
//! space once the column is past 80 (`best_width`), the continuation indented two more than
//! the node that holds them (`yaml_emitter_write_plain_scalar` and the quoted writers); a
//! literal block is never folded and carries the chomping indicator of
//! `yaml_emitter_write_block_scalar_hints`: `|-` without a final line break, `|` with one,
//! `|+` with more than one, and an indentation indicator `2` when it starts with a space or a
//! line break.
//!
//! The width 80 is go-yaml v2.4's default: v2.3 had turned folding off, v2.4 turned it back on
//! and made "no folding" an opt-in (`FutureLineWrap`), which neither kubectl nor
//! sigs.k8s.io/yaml calls. U+2028 and U+2029 are line breaks to go-yaml (YAML 1.1): a string
//! with one is single-quoted with the character written raw, which go-yaml reads back as it was
//! but a YAML 1.2 reader (our loader) reads with the next line's indentation in it.

use super::node::{format_go_float, Node, NodeKind, Resolved};
use super::resolve::resolve_plain;

/// go-yaml v2's `best_indent`.
const INDENT: usize = 2;
/// go-yaml v2's `best_width`: scalars are folded at a space once the column is past it.
const WIDTH: usize = 80;
/// `yaml_emitter_check_simple_key`: a longer key (in bytes) is written `? key`.
const MAX_SIMPLE_KEY: usize = 128;

/// Emits `node` as kubectl's `-o yaml` would print it (go-yaml v2 through sigs.k8s.io/yaml):
/// one document, without `---`, ending with a line break.
pub fn to_yaml_kubectl(node: &Node) -> String {
    let mut e = Emitter { out: String::new(), column: 0, indent: None, whitespace: true, indention: true };
    e.node(node, false);
    // yaml_emitter_emit_document_end: an implicit end is a line break if the line has text.
    e.write_indent();
    e.out
}

/// The style a scalar asks for (`encode.go`) or is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// A scalar as go-yaml v2 would marshal it: its text and the style `encode.go` asks for.
fn scalar_of(n: &Node) -> (String, Style) {
    match n.resolved() {
        Some(Resolved::Str(s)) => (s.to_string(), string_style(s)),
        Some(Resolved::Null) | None => ("null".into(), Style::Plain),
        Some(Resolved::Bool(b)) => (b.to_string(), Style::Plain),
        Some(Resolved::Int(i)) => (i.to_string(), Style::Plain),
        Some(Resolved::Uint(u)) => (u.to_string(), Style::Plain),
        Some(Resolved::Float(f)) => (float_text(f), Style::Plain),
    }
}

/// `stringv`: literal with a line feed, plain when it reads back as the same string, else
/// double-quoted.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if matches!(resolve_plain(s), Resolved::Str(_)) && !is_go_timestamp(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// A float as it comes out of JSON and go-yaml v2: Go's JSON text, read back by `resolve`
/// (an integer when it has no fraction or exponent and fits 64 bits), then `intv`/`uintv` or
/// `floatv`.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let json = format_go_float(f);
    match resolve_plain(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(g) => format_go_g(g),
        _ => json,
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits that read back as `f`, in
/// exponent form (`d.ddde±XX`, two exponent digits at least) when the decimal exponent is
/// below -4 or at least 6 (for the shortest form Go decides with a precision of 6).
fn format_go_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let sci = format!("{:e}", f.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else { return sci };
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..6).contains(&exp) {
        format!("{sign}{}", f.abs())
    } else {
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp.unsigned_abs())
    }
}

/// `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, which go-yaml v2
/// quotes on the way out although it reads such values as strings.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: two digits when the first is 0-5, else one (what follows a group is
        // never a digit, so taking two whenever possible is what the expression matches).
        match (b.get(i), b.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(c)) if c.is_ascii_digit() => i += 2,
            (Some(c), _) if c.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's `parseTimestamp`: `time.Parse` with `2006-1-2T15:4:5.999999999Z07:00` (also
/// with a lower-case `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`, with `time.Parse`'s
/// range checks (month, day of that month, hour, minute, second, zone offset).
fn is_go_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = go_getnum(b, &mut i) else { return false };
    if !(1..=12).contains(&month) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = go_getnum(b, &mut i) else { return false };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return false;
    }
    let Some(&sep) = b.get(i) else { return true };
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let mut hms = [0; 3];
    for (k, v) in hms.iter_mut().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
        }
        let Some(n) = go_getnum(b, &mut i) else { return false };
        *v = n;
    }
    if hms[0] >= 24 || hms[1] >= 60 || hms[2] >= 60 {
        return false;
    }
    // Fractional seconds: a period or comma and any number of digits.
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if sep == b' ' {
        return i == b.len();
    }
    // Z07:00: `Z`, or a sign and hh:mm (offsets up to 24:60 are accepted).
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let z = &b[i + 1..];
            z.len() == 5
                && z[..2].iter().chain(&z[3..]).all(u8::is_ascii_digit)
                && z[2] == b':'
                && (z[0] - b'0') * 10 + (z[1] - b'0') <= 24
                && (z[3] - b'0') * 10 + (z[4] - b'0') <= 60
        }
        _ => false,
    }
}

/// Go's `time.getnum(s, false)`: one or two digits.
fn go_getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = u32::from(d0 - b'0');
    if let Some(d1) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        *i += 1;
        n = n * 10 + u32::from(d1 - b'0');
    }
    Some(n)
}

/// go-yaml's `is_break`: LF, CR, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's `is_blank`: a space or a tab.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// go-yaml's `is_printable` (the encoder sets `unicode`, so non-ASCII is not escaped for that):
/// LF, `0x20..=0x7E`, `0xA0..=0xD7FF` and `0xE000..=0xFFFD` but U+FEFF. A tab, CR, NEL and
/// everything above the Basic Multilingual Plane are not printable.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') && c != '\u{FEFF}'
}

/// What `yaml_emitter_analyze_scalar` finds a scalar may be written as (block context only:
/// kplay never writes a non-empty flow collection).
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(v: &[char]) -> Analysis {
    if v.is_empty() {
        return Analysis { multiline: false, plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
    }
    let starts = |p: &str| v.len() >= 3 && v[..3].iter().copied().eq(p.chars());
    let mut block_indicators = starts("---") || starts("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    for (i, &c) in v.iter().enumerate() {
        let followed_by_whitespace = v.get(i + 1).is_none_or(|&n| is_blank(n));
        let last = i + 1 == v.len();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    block_indicators = true;
                }
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        // is_blankz: a blank, a line break (or NUL) before the next character.
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis { multiline: line_breaks, plain_allowed: true, single_quoted_allowed: true, block_allowed: true };
    if leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators {
        a.plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    a
}

/// `yaml_emitter_select_scalar_style` in block context, for an untagged scalar.
fn select_style(requested: Style, a: Analysis, empty: bool, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.plain_allowed || (empty && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// The state of go-yaml v2's emitter that decides the layout.
struct Emitter {
    out: String,
    /// Characters since the last line break.
    column: usize,
    /// The current indentation (`None` before the root node: libyaml's -1).
    indent: Option<usize>,
    /// The last character written is a space or an indicator that counts as one.
    whitespace: bool,
    /// Only indentation (and `-`, `?` indicators) written on this line so far.
    indention: bool,
}

impl Emitter {
    /// `yaml_emitter_emit_node`; `mapping` is `mapping_context` (a mapping's value).
    fn node(&mut self, n: &Node, mapping: bool) {
        match &n.kind {
            NodeKind::Scalar(_) => {
                let (text, requested) = scalar_of(n);
                self.scalar(&text, requested, false);
            }
            // yaml_emitter_check_empty_sequence / _mapping: empty collections are flow.
            NodeKind::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            NodeKind::Map(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            NodeKind::Seq(items) => {
                let saved = self.indent;
                // A sequence that is a mapping's value, its key on the line, is indentless.
                self.increase_indent(false, mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false);
                }
                self.indent = saved;
            }
            NodeKind::Map(entries) => {
                let saved = self.indent;
                self.increase_indent(false, false);
                for e in entries {
                    self.write_indent();
                    let key = e.key.text().unwrap_or("");
                    let chars: Vec<char> = key.chars().collect();
                    let simple = !analyze(&chars).multiline && key.len() <= MAX_SIMPLE_KEY;
                    if simple {
                        self.scalar(key, string_style(key), true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar(key, string_style(key), false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(&e.value, true);
                }
                self.indent = saved;
            }
        }
    }

    /// `yaml_emitter_emit_flow_sequence_item` / `_mapping_key` for an empty collection.
    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// `yaml_emitter_emit_scalar`: the style, then the text two columns in from the node that
    /// holds it.
    fn scalar(&mut self, text: &str, requested: Style, simple_key: bool) {
        let v: Vec<char> = text.chars().collect();
        let style = select_style(requested, analyze(&v), v.is_empty(), simple_key);
        let saved = self.indent;
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain_or_single_quoted(&v, allow_breaks, false),
            Style::SingleQuoted => self.write_plain_or_single_quoted(&v, allow_breaks, true),
            Style::DoubleQuoted => self.write_double_quoted(&v, allow_breaks),
            Style::Literal => self.write_literal(&v),
        }
        self.indent = saved;
    }

    /// `yaml_emitter_increase_indent`.
    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indent = match self.indent {
            None => Some(if flow { INDENT } else { 0 }),
            Some(i) if !indentless => Some(i + INDENT),
            same => same,
        };
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// `write_break`: a line feed is a line break; another break character is written as it is
    /// and starts a line too.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    /// `yaml_emitter_write_indent`: a line break unless only indentation is on the line and it
    /// does not reach past the indentation, then spaces up to it.
    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// `yaml_emitter_write_indicator`.
    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Whether a space may end the line here (outside keys, past the width, not after a space);
    /// each writer adds its own conditions on the characters around it.
    fn folds_at(&self, allow_breaks: bool, spaces: bool) -> bool {
        allow_breaks && !spaces && self.column > WIDTH
    }

    /// `yaml_emitter_write_plain_scalar` and, `quoted`, `yaml_emitter_write_single_quoted_scalar`
    /// (the same but for the quotes, a quote doubled inside, and no fold at the first or last
    /// character, which a plain scalar never has a space at: its analysis refuses that).
    fn write_plain_or_single_quoted(&mut self, v: &[char], allow_breaks: bool, quoted: bool) {
        if quoted {
            self.write_indicator("'", true, false, false);
        } else if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in v.iter().enumerate() {
            if c == ' ' {
                let inner = i > 0 && i + 1 < v.len();
                if self.folds_at(allow_breaks, spaces) && inner && v[i + 1] != ' ' {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                // A lone line feed in a flow scalar would fold into a space: write two.
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if quoted && c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if quoted {
            self.write_indicator("'", false, false, false);
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_double_quoted_scalar`.
    fn write_double_quoted(&mut self, v: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        for (i, &c) in v.iter().enumerate() {
            if !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(s) => self.put(s),
                    None => {
                        let code = c as u32;
                        let (letter, digits) = match code {
                            0..=0xFF => ('x', 2),
                            0x100..=0xFFFF => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for ch in format!("{code:0digits$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if self.folds_at(allow_breaks, spaces) && i > 0 && i + 1 < v.len() {
                    self.write_indent();
                    // A space starting the next line would be taken as indentation: escape it.
                    if v[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_literal_scalar` with `yaml_emitter_write_block_scalar_hints`.
    fn write_literal(&mut self, v: &[char]) {
        self.write_indicator("|", true, false, false);
        if v.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&INDENT.to_string(), false, false, false);
        }
        let chomp = match v {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for &c in v {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected text written from go-yaml v2's rules; each test names the function it follows.

    use super::*;
    use crate::source::{SourceFile, Span};
    use crate::yaml::{load_file, Entry, Limits, ScalarStyle};
    use proptest::prelude::*;

    /// A string node (quoted, so it is a string whatever its text).
    fn s(v: &str) -> Node {
        Node::scalar(Span::default(), v, ScalarStyle::DoubleQuoted)
    }

    /// A plain scalar, resolved as YAML 1.1 does (a number, a boolean, null).
    fn p(v: &str) -> Node {
        Node::scalar(Span::default(), v, ScalarStyle::Plain)
    }

    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node::map(Span::default(), entries.into_iter().map(|(k, value)| Entry { key: s(k), value }).collect())
    }

    fn seq(items: Vec<Node>) -> Node {
        Node::seq(Span::default(), items)
    }

    /// `k: <v>` as printed, `v` a string.
    fn value(v: &str) -> String {
        to_yaml_kubectl(&map(vec![("k", s(v))]))
    }

    /// Each string with the text `k: <string>` prints as.
    fn values(cases: &[(&str, &str)]) {
        for (v, want) in cases {
            assert_eq!(value(v), *want, "{v:?}");
        }
    }

    /// The value as the JSON kubectl starts from would carry it, for comparing trees.
    fn json_of(n: &Node) -> String {
        match &n.kind {
            NodeKind::Scalar(_) => n.resolved().map_or_else(|| "null".into(), |r| r.json_text()),
            NodeKind::Seq(items) => format!("[{}]", items.iter().map(json_of).collect::<Vec<_>>().join(",")),
            NodeKind::Map(entries) => {
                let body: Vec<String> = entries.iter().map(|e| format!("{:?}:{}", e.key.text().unwrap_or(""), json_of(&e.value))).collect();
                format!("{{{}}}", body.join(","))
            }
        }
    }

    /// The printed text reads back (with our loader) as the same values, keys in the same order.
    fn assert_reads_back(n: &Node) -> String {
        let text = to_yaml_kubectl(n);
        let f = load_file(0, &SourceFile::new("out", text.clone()), &Limits::default());
        assert!(f.diagnostics.is_empty(), "{text}\n{:?}", f.diagnostics);
        let back = f.docs[0].root.as_ref().expect("a document");
        assert_eq!(json_of(back), json_of(n), "{text}");
        text
    }

    /// `yaml_emitter_emit_block_sequence_item`: `increase_indent(false, mapping_context &&
    /// !indention)`, so a sequence that is a mapping's value starts at the key's column; a
    /// mapping in an item starts on the `- ` line (`yaml_emitter_write_indent` pads to the
    /// mapping's indentation, one past the `-`).
    #[test]
    fn sequences_in_a_mapping_are_indentless() {
        let ports = seq(vec![map(vec![("name", s("http")), ("port", p("80"))]), map(vec![("name", s("https")), ("port", p("443"))])]);
        let n = map(vec![("ports", ports), ("list", seq(vec![s("a"), s("b")])), ("inner", map(vec![("x", seq(vec![s("c")]))]))]);
        assert_eq!(
            assert_reads_back(&n),
            "ports:\n- name: http\n  port: 80\n- name: https\n  port: 443\nlist:\n- a\n- b\ninner:\n  x:\n  - c\n"
        );
    }

    /// A sequence in a sequence is not in a mapping context, so it is indented by 2 and its
    /// first item shares the outer item's line; the same at the root.
    #[test]
    fn nested_sequences() {
        let n = map(vec![("a", seq(vec![seq(vec![s("x"), s("w")]), seq(vec![s("z")])])), ("b", seq(vec![seq(vec![])]))]);
        assert_eq!(assert_reads_back(&n), "a:\n- - x\n  - w\n- - z\nb:\n- []\n");
        let root = seq(vec![seq(vec![map(vec![("k", s("v")), ("l", s("w"))])]), s("c")]);
        assert_eq!(assert_reads_back(&root), "- - k: v\n    l: w\n- c\n");
    }

    /// `yaml_emitter_check_empty_sequence` / `_mapping`: empty collections take the flow style,
    /// `[`/`{` after a space (`write_indicator(.., need_whitespace)`).
    #[test]
    fn empty_containers() {
        let n = map(vec![("a", map(vec![])), ("b", seq(vec![])), ("c", seq(vec![map(vec![]), seq(vec![])]))]);
        assert_eq!(assert_reads_back(&n), "a: {}\nb: []\nc:\n- {}\n- []\n");
        assert_eq!(to_yaml_kubectl(&map(vec![])), "{}\n");
        assert_eq!(to_yaml_kubectl(&seq(vec![])), "[]\n");
        assert_eq!(to_yaml_kubectl(&s("x")), "x\n");
    }

    /// `stringv`: plain when `resolve` reads the text back as a string and it is no base-60
    /// float, else double-quoted.
    #[test]
    fn strings_that_would_read_as_another_type_are_double_quoted() {
        for v in ["108", "true", "yes", "Off", "null", "~", "", "1.5", ".5", "1e3", "0x1F", "0755", "-12", ".inf", "1:20", "+1_000"] {
            assert_eq!(value(v), format!("k: \"{v}\"\n"), "{v:?}");
        }
        // Timestamps (`parseTimestamp`: `time.Parse` with go-yaml's four layouts).
        for v in ["2024-01-02", "2024-01-02T03:04:05Z", "2024-1-2t3:4:5.25+01:00", "2024-02-29 10:00:00", "2024-01-02T03:04:05,5Z"] {
            assert_eq!(value(v), format!("k: \"{v}\"\n"), "{v:?}");
        }
        // Not timestamps (month, day out of range, no zone after `T`, extra text), not base-60.
        for v in [
            "2024-13-02",
            "2023-02-29",
            "2024-01-02T03:04:05",
            "2024-01-02x",
            "10:60",
            "1.2.3",
            "500m",
            "v1",
            "a:b",
            ":x",
            "?x",
            "-x",
            "a#b",
            "é",
        ] {
            assert_eq!(value(v), format!("k: {v}\n"), "{v:?}");
        }
    }

    /// `yaml_emitter_analyze_scalar` refuses plain (block context): leading `- `, `? `, `: `,
    /// an indicator first, `: ` or a final `:`, ` #`, `---`/`...` first, a leading or trailing
    /// space; `select_scalar_style` then takes single quotes, a quote doubled inside.
    #[test]
    fn plain_refused_single_quoted() {
        for v in [
            "- x", "-", "? x", ": x", "a: b", "a:", "a #b", "#x", "*x", "&x", "!x", "|x", ">x", "%x", "@x", "`x", "[x", "{x", ",x", "\"x",
            "---x", "...", " lead", "trail ",
        ] {
            assert_eq!(value(v), format!("k: '{v}'\n"), "{v:?}");
        }
        assert_eq!(value("'x"), "k: '''x'\n");
        assert_eq!(value("it's: x"), "k: 'it''s: x'\n");
    }

    /// Single quotes are refused for characters `is_printable` refuses (tab, controls, U+FEFF,
    /// above U+FFFD): double quotes with `yaml_emitter_write_double_quoted_scalar`'s escapes.
    #[test]
    fn special_characters_double_quoted() {
        values(&[
            ("a\tb", "k: \"a\\tb\"\n"),
            ("bell\u{7}\u{1b}\0", "k: \"bell\\a\\e\\0\"\n"),
            ("a\r", "k: \"a\\r\"\n"),
            ("\u{85}x\u{9f}", "k: \"\\Nx\\x9F\"\n"),
            ("bom\u{feff}", "k: \"bom\\uFEFF\"\n"),
            ("smile 😀", "k: \"smile \\U0001F600\"\n"),
            ("quote \" and \\ - x\t", "k: \"quote \\\" and \\\\ - x\\t\"\n"),
        ]);
        // Printable non-ASCII stays as it is (the encoder sets `unicode`).
        assert_eq!(value("café ü €"), "k: café ü €\n");
    }

    /// `stringv` asks for the literal style for a string with `\n`;
    /// `yaml_emitter_write_block_scalar_hints` writes `-` without a final break, nothing with
    /// one, `+` with more, and the indentation `2` first when the text starts with a space or a
    /// break. The text is indented two past the node that holds it.
    #[test]
    fn literal_blocks_and_chomping() {
        values(&[
            ("line one\nline two\n", "k: |\n  line one\n  line two\n"),
            ("a\nb", "k: |-\n  a\n  b\n"),
            ("a\n\n", "k: |+\n  a\n\n"),
            ("\n", "k: |2+\n\n"),
            (" lead\nx", "k: |2-\n   lead\n  x\n"),
            ("\nx\n", "k: |2\n\n  x\n"),
            ("a\n\nb\n", "k: |\n  a\n\n  b\n"),
        ]);
        let n = map(vec![("items", seq(vec![map(vec![("data", s("x: 1\ny: 2\n")), ("z", s("a\n  b"))])]))]);
        assert_eq!(assert_reads_back(&n), "items:\n- data: |\n    x: 1\n    y: 2\n  z: |-\n    a\n      b\n");
        assert_eq!(to_yaml_kubectl(&s("a\nb")), "|-\n  a\n  b\n");
    }

    /// The literal style is refused (`block_allowed`) for a trailing space or a space before a
    /// line break, and with `break_space` single quotes too: double quotes, `\n` escaped.
    #[test]
    fn literal_refused_double_quoted() {
        values(&[
            ("a \nb", "k: \"a \\nb\"\n"),
            ("a\nb ", "k: \"a\\nb \"\n"),
            ("a\r\nb", "k: \"a\\r\\nb\"\n"),
            ("a\tb\nc", "k: \"a\\tb\\nc\"\n"),
        ]);
        // A space after a break is fine for a literal block.
        assert_eq!(value("a\n b"), "k: |-\n  a\n   b\n");
    }

    fn words(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("word-{i:04}")).collect()
    }

    /// `yaml_emitter_write_plain_scalar`: at a space, once the column is past `best_width` (80)
    /// and the next character is no space, the line ends and the next starts at the scalar's
    /// indentation (the holder's plus 2). `k: ` and nine-character words: the space after the
    /// 8th word is at column 82, the first past 80; continuation lines hold 8 words (column 81).
    #[test]
    fn plain_folded_at_80() {
        let w = words(20);
        let text = w.join(" ");
        let line = |r: std::ops::Range<usize>| w[r].join(" ");
        let folded = format!("k: {}\n  {}\n  {}\n", line(0..8), line(8..16), line(16..20));
        assert_eq!(value(&text), folded);
        assert_reads_back(&map(vec![("k", s(&text))]));
        // Not before a double space, nor at its second space: the next single space.
        let text = format!("{}  {}", line(0..8), line(8..20));
        assert_eq!(value(&text), format!("k: {}  {}\n  {}\n  {}\n", line(0..8), w[8], line(9..17), line(17..20)));
        assert_reads_back(&map(vec![("k", s(&text))]));
    }

    /// A long annotation in a List item: the annotations mapping is at column 6, its value's
    /// continuation lines at 8. `      example.com/long: ` is 24 columns, so the first fold is
    /// after 6 words (column 83), then after 8 (column 87).
    #[test]
    fn long_annotation_folded() {
        let w = words(20);
        let line = |r: std::ops::Range<usize>| w[r].join(" ");
        let annotations = map(vec![("example.com/long", s(&w.join(" ")))]);
        let n = map(vec![("items", seq(vec![map(vec![("metadata", map(vec![("annotations", annotations)]))])]))]);
        let want = format!(
            "items:\n- metadata:\n    annotations:\n      example.com/long: {}\n        {}\n        {}\n",
            line(0..6),
            line(6..14),
            line(14..20)
        );
        assert_eq!(assert_reads_back(&n), want);
    }

    /// `yaml_emitter_write_single_quoted_scalar` and `_double_quoted_scalar` fold the same way
    /// (never at the first or last character); the double-quoted one escapes a space that would
    /// start the next line (`\ `).
    #[test]
    fn quoted_folded_at_80() {
        let w = words(20);
        let line = |r: std::ops::Range<usize>| w[r].join(" ");
        // `k: '- ` is 6 columns: the space after the 8th word is at 85.
        let text = format!("- {}", w.join(" "));
        assert_eq!(value(&text), format!("k: '- {}\n  {}\n  {}'\n", line(0..8), line(8..16), line(16..20)));
        assert_reads_back(&map(vec![("k", s(&text))]));
        // `k: "` is 4 columns: the space after the 8th word is at 83.
        let text = format!("{}\t", w.join(" "));
        assert_eq!(value(&text), format!("k: \"{}\n  {}\n  {}\\t\"\n", line(0..8), line(8..16), line(16..20)));
        assert_reads_back(&map(vec![("k", s(&text))]));
        let text = format!("{}  tail\t", line(0..8));
        assert_eq!(value(&text), format!("k: \"{}\n  \\ tail\\t\"\n", line(0..8)));
        assert_reads_back(&map(vec![("k", s(&text))]));
    }

    /// Keys: the same styles in a simple key (never folded); longer than 128 bytes or with a
    /// line break is no simple key (`yaml_emitter_check_simple_key`): `? key` then `: value`.
    #[test]
    fn keys() {
        let n = map(vec![("108", s("a")), ("", s("b")), ("- x", s("c")), ("a b", s("d")), ("tab\t", s("e")), ("true", p("true"))]);
        assert_eq!(assert_reads_back(&n), "\"108\": a\n\"\": b\n'- x': c\na b: d\n\"tab\\t\": e\n\"true\": true\n");
        let long_words = words(12).join(" ");
        assert_eq!(long_words.len(), 119);
        assert_eq!(to_yaml_kubectl(&map(vec![(&long_words, s("v"))])), format!("{long_words}: v\n"));
        let long = "k".repeat(129);
        let n = map(vec![(&long, s("v")), ("a\nb", map(vec![("x", s("y"))]))]);
        // (`y` is a YAML 1.1 boolean, so the string is quoted.)
        assert_eq!(assert_reads_back(&n), format!("? {long}\n: v\n? |-\n  a\n  b\n: x: \"y\"\n"));
    }

    /// Numbers as they come through JSON and go-yaml v2: an integer-valued float is an int in
    /// JSON (`3.0` is `3`), other floats go through `strconv.FormatFloat(f, 'g', -1, 64)`
    /// (`floatv`): exponent form below 1e-4 and from 1e6 on.
    #[test]
    fn numbers() {
        let cases = [
            ("42", "42"),
            ("-12", "-12"),
            ("0x10", "16"),
            ("18446744073709551615", "18446744073709551615"),
            ("0.5", "0.5"),
            ("3.0", "3"),
            ("-0.0", "0"),
            ("1000000.0", "1000000"),
            ("123456.5", "123456.5"),
            ("1234567.5", "1.2345675e+06"),
            ("0.0001", "0.0001"),
            ("1.5e-5", "1.5e-05"),
            ("1e-7", "1e-07"),
            ("1e20", "1e+20"),
            ("1e+21", "1e+21"),
            ("1.5e300", "1.5e+300"),
            (".inf", ".inf"),
            ("-.inf", "-.inf"),
            ("true", "true"),
            ("null", "null"),
        ];
        for (input, want) in cases {
            assert_eq!(to_yaml_kubectl(&map(vec![("k", p(input))])), format!("k: {want}\n"), "{input}");
        }
        // All but -0.0, which Go's JSON writes `-0` and go-yaml reads back as the integer 0.
        let finite: Vec<(String, Node)> =
            cases[..16].iter().filter(|(v, _)| *v != "-0.0").enumerate().map(|(i, (v, _))| (format!("n{i}"), p(v))).collect();
        assert_reads_back(&map(finite.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()));
    }

    #[test]
    fn go_g_format() {
        assert_eq!(format_go_g(1e6), "1e+06");
        assert_eq!(format_go_g(999_999.0), "999999");
        assert_eq!(format_go_g(-2.5e-5), "-2.5e-05");
        assert_eq!(format_go_g(0.00012), "0.00012");
        assert_eq!(format_go_g(1e100), "1e+100");
        assert_eq!(format_go_g(-0.0), "-0");
    }

    /// Characters a string may be made of, with the ones that change a style (our loader reads
    /// YAML 1.2, where U+2028 and U+2029 are no line breaks, so they are left out).
    fn piece() -> impl Strategy<Value = String> {
        let chars = vec![
            ' ', ' ', ' ', 'a', 'b', 'Z', '0', '1', '.', '-', ':', '#', '\'', '"', '\\', '?', ',', '[', '{', '&', '*', '!', '|', '>', '%',
            '@', '`', '~', '\n', '\n', '\t', '\r', '\u{85}', '\u{a0}', 'é', '\u{feff}', '😀', '\0',
        ];
        prop_oneof![
            proptest::collection::vec(proptest::sample::select(chars), 0..12).prop_map(String::from_iter),
            Just("word".to_string()),
            Just("true".to_string()),
            Just("108".to_string()),
            Just("2024-01-02".to_string()),
            Just("1:20".to_string()),
            Just("---".to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 0..16).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

        /// Whatever the strings, the printed YAML reads back to the same values.
        #[test]
        fn any_strings_read_back(k in text(), v in text(), w in text(), f in any::<f64>()) {
            let f = if f.is_finite() { format_go_float(f) } else { "1.5".into() };
            let inner = map(vec![(k.as_str(), s(&v)), ("n", p(&f))]);
            let n = map(vec![
                (v.as_str(), s(&k)),
                ("list", seq(vec![s(&w), seq(vec![s(&v), inner.clone()]), map(vec![])])),
                ("nested", map(vec![("deeper", map(vec![(w.as_str(), s(&v))]))])),
                ("k", inner),
            ]);
            let mut seen = std::collections::HashSet::new();
            // Duplicate keys would not read back as one mapping.
            let keys_unique = n.as_map().unwrap().iter().all(|e| seen.insert(e.key.text().unwrap_or("").to_string()));
            prop_assume!(keys_unique && k != "n");
            assert_reads_back(&n);
        }
    }
}
