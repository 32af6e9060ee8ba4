//! Strict decoding of one object against the field schema of its kind and Kubernetes version:
//! unknown fields, wrong JSON types (YAML 1.1 implicit typing included) and unparseable
//! quantities, as the API server's decoder (sigs.k8s.io/json with `fieldValidation=Strict`,
//! kubectl's default) rejects them with HTTP 400.
//!
//! Field paths: struct fields are joined with `.`, list items are `[i]` as in the server's strict
//! errors (`unknown field "spec.containers[0].imagePullpolicy"`), and map keys are `.key` as in the
//! decode vectors of the specification (`spec.containers[0].resources.limits.cpu`).

use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, ErrorType};
use crate::model::Object;
use crate::rules::decode as r;
use crate::rules::Rule;
use crate::yaml::{format_go_float, Node, NodeKind, Resolved};

use super::quantity;
use super::suggest;
use super::table::{DefId, Lookup, Table, Ty};

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Field(&'a str),
    Index(usize),
    Key(&'a str),
}

pub(super) struct Decoder<'a> {
    table: &'static Table,
    minor: u16,
    obj: &'a Object,
    path: Vec<Seg<'a>>,
    /// The Go struct holding the field being decoded, for the server's message.
    go_struct: Vec<&'static str>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Decoder<'a> {
    pub fn new(table: &'static Table, minor: u16, obj: &'a Object) -> Self {
        Decoder { table, minor, obj, path: Vec::new(), go_struct: Vec::new(), out: Vec::new() }
    }

    /// Decodes the whole object as definition `root`.
    pub fn run(&mut self, root: DefId) {
        let raw = &self.obj.raw;
        self.object(raw, root);
    }

    fn path(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Field(f) | Seg::Key(f) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(f);
                }
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
        }
        s
    }

    /// Go's error context: the struct field names only (`DeploymentSpec.spec.replicas`).
    fn go_field(&self) -> String {
        let fields: Vec<&str> = self
            .path
            .iter()
            .filter_map(|s| match s {
                Seg::Field(f) => Some(*f),
                _ => None,
            })
            .collect();
        format!("{}.{}", self.go_struct.last().copied().unwrap_or(""), fields.join("."))
    }

    fn emit(&mut self, rule: &'static Rule, span: crate::source::Span, message: String, help: String) {
        let path = self.path();
        self.out.push(
            Diagnostic::new(rule.name, rule.severity, self.obj.file, span, message)
                .with_help(help)
                .with_object(Some(self.obj.object_ref.clone()))
                .with_kubernetes(path, ErrorType::Decode),
        );
    }

    fn object(&mut self, node: &'a Node, id: DefId) {
        let def = self.table.def(id);
        let Some(entries) = node.as_map() else {
            self.mismatch(node, &Ty::Object(id));
            return;
        };
        self.go_struct.push(def.go_name());
        for e in entries {
            // The loader made every key the string kubectl sends (`yes` is "true").
            let Some(key) = e.key.as_str() else { continue };
            match def.prop(key, self.minor) {
                Lookup::Found(p) => {
                    self.path.push(Seg::Field(p.name));
                    self.value(&e.value, &p.ty);
                    self.path.pop();
                }
                Lookup::OtherVersions(p) => {
                    self.path.push(Seg::Field(p.name));
                    let (from, to) = (p.minors.first().unwrap_or(self.table.oldest), p.minors.last().unwrap_or(self.table.newest));
                    let when = if to >= self.table.newest {
                        format!("it was added in Kubernetes 1.{from}")
                    } else if from <= self.table.oldest {
                        format!("it was removed in Kubernetes 1.{}", to + 1)
                    } else if from == to {
                        format!("it exists only in Kubernetes 1.{from}")
                    } else {
                        format!("it exists in Kubernetes 1.{from} to 1.{to}")
                    };
                    let msg = format!(
                        "unknown field \"{}\": {} has no field `{}` in Kubernetes 1.{} ({when})",
                        self.path(),
                        def.go_name(),
                        p.name,
                        self.minor
                    );
                    let help = format!("remove `{}`, or check against a Kubernetes version that has it (the version is an option)", p.name);
                    self.emit(&r::UNKNOWN_FIELD, e.key.span, msg, help);
                    self.path.pop();
                }
                Lookup::Missing => self.unknown(&e.key, key, id),
            }
        }
        self.go_struct.pop();
    }

    fn unknown(&mut self, key_node: &'a Node, key: &str, id: DefId) {
        let def = self.table.def(id);
        let owned: &'a str = key_node.text().unwrap_or("");
        self.path.push(Seg::Field(owned));
        let path = {
            // The key as JSON spells it, which differs from the YAML text for `on:` or `1:`.
            let mut p = self.path();
            if owned != key {
                let cut = p.len() - owned.len();
                p.truncate(cut);
                p.push_str(key);
            }
            p
        };
        let read_as = match key_node.resolved() {
            Some(Resolved::Str(_)) | None => String::new(),
            Some(other) => format!(" (the key `{owned}` is read as the {})", describe(&other)),
        };
        let mut msg = format!("unknown field \"{path}\": {} has no field `{key}`{read_as}", def.go_name());
        let help = if let Some(s) = suggest::closest(key, def.names(self.minor)) {
            msg = format!("{msg}; did you mean `{s}`?");
            format!("rename it to `{s}`")
        } else if let Some((parent, inner)) = self.nested_home(id, key) {
            format!("`{key}` is a field of `{parent}` ({inner}): indent it under `{parent}:`")
        } else {
            format!("remove `{owned}`; the API server rejects fields {} does not have (strict field validation)", def.go_name())
        };
        let p = self.path.len();
        self.emit_at_path(&r::UNKNOWN_FIELD, key_node.span, msg, help, path);
        self.path.truncate(p - 1);
    }

    fn emit_at_path(&mut self, rule: &'static Rule, span: crate::source::Span, message: String, help: String, path: String) {
        self.out.push(
            Diagnostic::new(rule.name, rule.severity, self.obj.file, span, message)
                .with_help(help)
                .with_object(Some(self.obj.object_ref.clone()))
                .with_kubernetes(path, ErrorType::Decode),
        );
    }

    /// A child object of `id` (one level down) that has a field `key`: the usual mistake of a
    /// field written one level too high (`spec.template.containers`).
    fn nested_home(&self, id: DefId, key: &str) -> Option<(&'static str, &'static str)> {
        let def = self.table.def(id);
        def.props.iter().filter(|p| p.minors.contains(self.minor)).find_map(|p| {
            let Ty::Object(child) = p.ty else { return None };
            let child = self.table.def(child);
            matches!(child.prop(key, self.minor), Lookup::Found(_)).then_some((p.name, child.go_name()))
        })
    }

    fn value(&mut self, node: &'a Node, ty: &Ty) {
        // Resolved once: this is the hot path. JSON null leaves Go's zero value: accepted for
        // every field.
        let resolved = node.resolved();
        if matches!(resolved, Some(Resolved::Null)) {
            return;
        }
        match ty {
            Ty::Any => {}
            Ty::Object(id) => self.object(node, *id),
            Ty::Array(inner) => match node.as_seq() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.value(item, inner);
                        self.path.pop();
                    }
                }
                None => self.mismatch(node, ty),
            },
            Ty::Map(inner) => match node.as_map() {
                Some(entries) => {
                    for e in entries {
                        let Some(k) = e.key.text() else { continue };
                        self.path.push(Seg::Key(k));
                        self.value(&e.value, inner);
                        self.path.pop();
                    }
                }
                None => self.mismatch(node, ty),
            },
            Ty::Str => match resolved {
                Some(Resolved::Str(_)) => {}
                Some(other) if is_implicit(node) => self.implicit(node, &other),
                _ => self.mismatch(node, ty),
            },
            Ty::Time => match resolved {
                Some(Resolved::Str(s)) => {
                    if !is_rfc3339(s) {
                        let msg = format!(
                            "`{s}` is not an RFC 3339 time (the API server: parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\")"
                        );
                        self.emit(&r::FIELD_TYPE_MISMATCH, node.span, msg, "write a time like \"2024-05-01T12:00:00Z\"".into());
                    }
                }
                _ => self.mismatch(node, ty),
            },
            Ty::Int32 | Ty::Int64 | Ty::IntOrString => match resolved {
                Some(Resolved::Str(_)) if matches!(ty, Ty::IntOrString) => {}
                Some(n @ (Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_))) => {
                    let bits = if matches!(ty, Ty::Int64) { 64 } else { 32 };
                    if !fits_int(&n, bits) {
                        self.not_an_integer(node, &n, ty);
                    }
                }
                _ => self.mismatch(node, ty),
            },
            Ty::Number => match resolved {
                Some(Resolved::Int(_) | Resolved::Uint(_)) => {}
                Some(Resolved::Float(f)) if f.is_finite() => {}
                _ => self.mismatch(node, ty),
            },
            Ty::Bool => match resolved {
                Some(Resolved::Bool(_)) => {}
                _ => self.mismatch(node, ty),
            },
            Ty::Quantity => self.quantity(node),
        }
    }

    fn quantity(&mut self, node: &'a Node) {
        let text: Cow<'_, str> = match node.resolved() {
            Some(Resolved::Str(s)) => Cow::Borrowed(s),
            Some(n @ (Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_))) => Cow::Owned(n.json_text()),
            Some(Resolved::Bool(b)) => Cow::Owned(b.to_string()),
            Some(Resolved::Null) => return,
            None => {
                self.mismatch(node, &Ty::Quantity);
                return;
            }
        };
        let Err(e) = quantity::parse(&text) else { return };
        let shown = node.text().unwrap_or(&text);
        let read_as = match node.resolved() {
            Some(Resolved::Bool(b)) => format!(" (read as the boolean {b})"),
            _ => String::new(),
        };
        let why = match e {
            quantity::QuantityError::Suffix => "its unit is not one Kubernetes knows",
            quantity::QuantityError::Format => "it is not a number with an optional unit",
        };
        let msg = format!("`{shown}`{read_as} is not a resource quantity: {why} (the API server: {})", e.server_message());
        let help = quantity_help(shown);
        self.emit(&r::QUANTITY_INVALID, node.span, msg, help);
    }

    fn implicit(&mut self, node: &'a Node, resolved: &Resolved<'_>) {
        let text = node.text().unwrap_or("");
        let field = self.field_name();
        let msg = format!(
            "`{text}` is read as the {}, but `{field}` must be a string (YAML 1.1 typing of plain scalars, as kubectl does it)",
            describe(resolved)
        );
        let help = format!("quote it: \"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
        self.emit(&r::YAML_IMPLICIT_TYPE, node.span, msg, help);
    }

    /// The last field or key name of the current path (for messages).
    fn field_name(&self) -> String {
        let mut name = String::new();
        for seg in self.path.iter().rev() {
            match seg {
                Seg::Field(f) | Seg::Key(f) => {
                    name.insert_str(0, f);
                    return name;
                }
                Seg::Index(i) => name.insert_str(0, &format!("[{i}]")),
            }
        }
        name
    }

    fn not_an_integer(&mut self, node: &'a Node, n: &Resolved<'_>, ty: &Ty) {
        let field = self.field_name();
        let json = n.json_text();
        let (what, help) = match n {
            Resolved::Float(f) if f.is_finite() && f.fract() != 0.0 => ("not a whole number", "write a whole number".to_string()),
            _ if matches!(ty, Ty::Int32 | Ty::IntOrString) => {
                ("out of range for a 32-bit integer", "use a value between -2147483648 and 2147483647".to_string())
            }
            _ => ("out of range for a 64-bit integer", "use a smaller number".to_string()),
        };
        let go = if matches!(ty, Ty::IntOrString) {
            format!("json: cannot unmarshal number {json} into Go value of type int32")
        } else {
            format!("json: cannot unmarshal number {json} into Go struct field {} of type {}", self.go_field(), go_type(self.table, ty))
        };
        let msg = format!("`{field}` must be an integer, and {json} is {what} (the API server: {go})");
        self.emit(&r::FIELD_TYPE_MISMATCH, node.span, msg, help);
    }

    /// A JSON type the field's Go type cannot take.
    fn mismatch(&mut self, node: &'a Node, ty: &Ty) {
        let got = json_type(node);
        let field = self.field_name();
        let want = expected(ty);
        let go = match ty {
            Ty::IntOrString => format!("json: cannot unmarshal {got} into Go value of type int32"),
            Ty::Quantity => quantity::QuantityError::Format.server_message().to_string(),
            _ => format!("json: cannot unmarshal {got} into Go struct field {} of type {}", self.go_field(), go_type(self.table, ty)),
        };
        let quoted = node.as_scalar().is_some_and(|s| s.style.is_quoted());
        let text = node.text().unwrap_or("");
        let (shown, help) = match (ty, node.resolved()) {
            (Ty::Int32 | Ty::Int64 | Ty::Number | Ty::Bool, Some(Resolved::Str(s))) if quoted && unquoted_fits(s, ty) => {
                (format!("\"{s}\" is a string because it is quoted"), format!("remove the quotes: {s}"))
            }
            (Ty::Array(_), Some(res)) => {
                (format!("`{text}` is {}", with_article(&res)), format!("write a list: [{text}], or one `- {text}` item per line"))
            }
            (_, Some(res)) => (format!("`{text}` is {}", with_article(&res)), format!("write {want} here")),
            (_, None) if matches!(node.kind, NodeKind::Seq(_)) => {
                ("a list was given".to_string(), format!("write {want} here, not a list"))
            }
            (_, None) => ("a mapping was given".to_string(), format!("write {want} here, not a mapping (check the indentation)")),
        };
        let msg = format!("`{field}` must be {want}, but {shown} (the API server: {go})");
        self.emit(&r::FIELD_TYPE_MISMATCH, node.span, msg, help);
    }
}

/// True when the plain (unquoted, untagged) scalar was typed by YAML 1.1 resolution rather than by
/// the author.
fn is_implicit(node: &Node) -> bool {
    node.tag.is_none() && node.as_scalar().is_some_and(|s| !s.style.is_quoted())
}

/// Would this string, unquoted, have the type the field wants?
fn unquoted_fits(s: &str, ty: &Ty) -> bool {
    let r = crate::yaml::resolve::resolve_plain(s);
    match ty {
        Ty::Bool => matches!(r, Resolved::Bool(_)),
        Ty::Number => matches!(r, Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_)),
        _ => matches!(r, Resolved::Int(_)),
    }
}

/// Go's decoding of a JSON number into an integer: `strconv.ParseInt(text, 10, 64)` on the number's
/// JSON text (so `3.0`, which kubectl sends as `3`, is fine) and no overflow of the field's width.
fn fits_int(n: &Resolved<'_>, bits: u32) -> bool {
    let v = match n {
        Resolved::Int(i) => *i,
        Resolved::Float(f) if f.is_finite() => match format_go_float(*f).parse::<i64>() {
            Ok(i) => i,
            Err(_) => return false,
        },
        _ => return false,
    };
    bits == 64 || i32::try_from(v).is_ok()
}

fn describe(r: &Resolved<'_>) -> String {
    match r {
        Resolved::Null => "null".into(),
        Resolved::Bool(b) => format!("boolean {b}"),
        Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => format!("number {}", r.json_text()),
        Resolved::Str(s) => format!("string {s:?}"),
    }
}

/// "a string", "the boolean true", "the number 5", "null".
fn with_article(r: &Resolved<'_>) -> String {
    match r {
        Resolved::Str(_) => "a string".into(),
        Resolved::Null => "null".into(),
        other => format!("the {}", describe(other)),
    }
}

fn json_type(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Scalar(_) => node.resolved().map_or("string", |r| r.json_type()),
        NodeKind::Seq(_) => "array",
        NodeKind::Map(_) => "object",
    }
}

fn expected(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str => "a string",
        Ty::Int32 | Ty::Int64 => "an integer",
        Ty::Number => "a number",
        Ty::Bool => "a boolean (true or false)",
        Ty::IntOrString => "an integer or a string",
        Ty::Quantity => "a quantity (a number or a string such as 500m or 1Gi)",
        Ty::Time => "an RFC 3339 time string",
        Ty::Any => "any value",
        Ty::Object(_) => "a mapping",
        Ty::Array(_) => "a list",
        Ty::Map(_) => "a mapping",
    }
}

/// The Go type as the server's message names it (`int32`, `v1.PodSpec`, `[]v1.Container`).
fn go_type(table: &Table, ty: &Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Int32 => "int32".into(),
        Ty::Int64 => "int64".into(),
        Ty::Number => "float64".into(),
        Ty::Bool => "bool".into(),
        Ty::IntOrString => "intstr.IntOrString".into(),
        Ty::Quantity => "resource.Quantity".into(),
        Ty::Time => "v1.Time".into(),
        Ty::Any => "interface {}".into(),
        Ty::Object(id) => {
            let name = table.def(*id).name;
            // core.v1.PodSpec -> v1.PodSpec
            let mut parts = name.rsplitn(3, '.');
            match (parts.next(), parts.next()) {
                (Some(t), Some(v)) => format!("{v}.{t}"),
                _ => name.to_string(),
            }
        }
        Ty::Array(inner) => format!("[]{}", go_type(table, inner)),
        Ty::Map(inner) => format!("map[string]{}", go_type(table, inner)),
    }
}

/// A fix for the common unit mistakes.
fn quantity_help(text: &str) -> String {
    let t = text.trim();
    let fixes: &[(&str, &str)] =
        &[("GB", "G"), ("MB", "M"), ("KB", "k"), ("Kb", "k"), ("kb", "k"), ("K", "k"), ("mi", "Mi"), ("gi", "Gi"), ("ki", "Ki")];
    for (bad, good) in fixes {
        if let Some(num) = t.strip_suffix(bad) {
            if !num.is_empty() && quantity::parse(&format!("{num}{good}")).is_ok() {
                return format!("write `{num}{good}` (units: m, k, M, G, T, P, E and Ki, Mi, Gi, Ti, Pi, Ei)");
            }
        }
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    for unit in ["cores", "core", "cpus", "cpu"] {
        if let Some(num) = compact.strip_suffix(unit) {
            if !num.is_empty() && quantity::parse(num).is_ok() {
                return format!("write `{num}` (CPU is counted in cores without a unit; `500m` is half a core)");
            }
        }
    }
    "write a number with an optional unit: 500m, 2, 1.5, 128Mi, 1Gi, 10G".into()
}

/// `time.Parse(time.RFC3339, s)` for the shapes that matter: date, `T`, time, optional fraction,
/// `Z` or an offset.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if !matches!(b[10], b'T' | b't') || !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => b.len() == i + 6 && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_go_json() {
        assert!(fits_int(&Resolved::Int(80), 32));
        assert!(fits_int(&Resolved::Float(3.0), 32), "kubectl sends 3.0 as 3");
        assert!(!fits_int(&Resolved::Float(1.5), 32));
        assert!(!fits_int(&Resolved::Int(3_000_000_000), 32));
        assert!(fits_int(&Resolved::Int(3_000_000_000), 64));
        assert!(!fits_int(&Resolved::Float(1e21), 64));
        assert!(!fits_int(&Resolved::Uint(u64::MAX), 64));
    }

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2024-05-01T12:00:00Z"));
        assert!(is_rfc3339("2024-05-01T12:00:00.123+02:00"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("yesterday"));
    }

    #[test]
    fn quantity_help_suggests_units() {
        assert!(quantity_help("1GB").contains("`1G`"));
        assert!(quantity_help("512mi").contains("`512Mi`"));
        assert!(quantity_help("1 core").contains("`1`"));
    }
}
