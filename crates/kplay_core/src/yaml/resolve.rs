//! YAML 1.1 scalar resolution as sigs.k8s.io/yaml does it (go-yaml v2 `resolve`), so that
//! `yes` is a boolean, `0755` an octal integer and `1.10` the float 1.1, exactly as kubectl sends
//! them to the API server.

use super::node::{Resolved, Scalar};

/// Resolves a scalar as go-yaml v2's `decoder.scalar` and `resolve` do. An untagged quoted or
/// block scalar is a string; so is anything tagged `!!str` or `!!binary`. A scalar with another
/// resolvable tag (`!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp`) is resolved from its
/// text even when quoted (`!!int "80"` is the integer 80). Any other tag (`!custom`, the
/// non-specific `!`) is not resolvable (`resolvableTag`), so the value is the string as written.
pub fn resolve<'a>(s: &'a Scalar, tag: Option<&str>) -> Resolved<'a> {
    let v = s.value.as_str();
    match tag {
        None => {}
        Some("!!str" | "!!binary" | "tag:yaml.org,2002:str" | "tag:yaml.org,2002:binary") => {
            return Resolved::Str(v);
        }
        Some("!!null" | "tag:yaml.org,2002:null") => return Resolved::Null,
        Some(
            "!!int"
            | "!!float"
            | "!!bool"
            | "!!timestamp"
            | "tag:yaml.org,2002:int"
            | "tag:yaml.org,2002:float"
            | "tag:yaml.org,2002:bool"
            | "tag:yaml.org,2002:timestamp",
        ) => return resolve_plain(v),
        Some(_) => return Resolved::Str(v),
    }
    if s.style.is_quoted() {
        return Resolved::Str(v);
    }
    resolve_plain(v)
}

/// Resolves the text of a plain scalar.
pub fn resolve_plain(v: &str) -> Resolved<'_> {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Resolved::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = v.as_bytes()[0];
    match first {
        b'.' => {
            if let Some(f) = parse_go_float(v) {
                return Resolved::Float(f);
            }
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(v) {
                // go-yaml v2 keeps timestamp-looking values as strings when decoding into
                // interface{} (what YAMLToJSON does).
                return Resolved::Str(v);
            }
            let plain: String = v.chars().filter(|&c| c != '_').collect();
            if let Some(i) = parse_go_int(&plain) {
                return i;
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = parse_go_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(b) = plain.strip_prefix("0b") {
                if let Ok(i) = i64::from_str_radix(b, 2) {
                    return Resolved::Int(i);
                }
            } else if let Some(b) = plain.strip_prefix("-0b") {
                if let Ok(i) = i64::from_str_radix(b, 2) {
                    return Resolved::Int(-i);
                }
            }
        }
        _ => {}
    }
    Resolved::Str(v)
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`: optional sign, `0x`, `0o`, `0b`
/// or a leading `0` for octal.
fn parse_go_int(s: &str) -> Option<Resolved<'static>> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= (i64::MAX as u128) + 1 {
            return Some(Resolved::Int((-(mag as i128)) as i64));
        }
        return None;
    }
    if mag <= i64::MAX as u128 {
        Some(Resolved::Int(mag as i64))
    } else if mag <= u128::from(u64::MAX) {
        Some(Resolved::Uint(mag as u64))
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn parse_go_float(s: &str) -> Option<f64> {
    // Go's ParseFloat accepts what Rust's does for these shapes, plus a trailing '.'.
    let t = s.strip_suffix('.').unwrap_or(s);
    t.parse::<f64>().ok()
}

/// go-yaml v2's timestamp formats: `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2t15:4:5...`,
/// `2006-1-2 15:4:5.999999999`, `2006-1-2`. A cheap shape check: `YYYY-M-D` then optional time.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let (Some(m), Some(dt)) = (parts.next(), parts.next()) else { return false };
    if m.is_empty() || m.len() > 2 || !m.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let day_len = dt.bytes().take_while(u8::is_ascii_digit).count();
    if day_len == 0 || day_len > 2 {
        return false;
    }
    let time = &dt[day_len..];
    if time.is_empty() {
        return true;
    }
    let Some(t) = time.strip_prefix(['T', 't', ' ']) else { return false };
    // hh:mm:ss at least.
    let mut fields = t.splitn(3, ':');
    let (Some(h), Some(mi), Some(sec)) = (fields.next(), fields.next(), fields.next()) else { return false };
    (1..=2).contains(&h.len())
        && h.bytes().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&mi.len())
        && mi.bytes().all(|c| c.is_ascii_digit())
        && sec.bytes().next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &str) -> Resolved<'_> {
        resolve_plain(v)
    }

    #[test]
    fn yaml_1_1_scalars() {
        assert_eq!(r("yes"), Resolved::Bool(true));
        assert_eq!(r("Off"), Resolved::Bool(false));
        assert_eq!(r("y"), Resolved::Bool(true));
        assert_eq!(r("0755"), Resolved::Int(493));
        assert_eq!(r("0x1F"), Resolved::Int(31));
        assert_eq!(r("0o17"), Resolved::Int(15));
        assert_eq!(r("0b101"), Resolved::Int(5));
        assert_eq!(r("1_000"), Resolved::Int(1000));
        assert_eq!(r("-12"), Resolved::Int(-12));
        assert_eq!(r("08"), Resolved::Float(8.0));
        assert_eq!(r("1.10"), Resolved::Float(1.1));
        assert_eq!(r("1e3"), Resolved::Float(1000.0));
        assert_eq!(r("1."), Resolved::Float(1.0));
        assert_eq!(r(".5"), Resolved::Float(0.5));
        assert_eq!(r("~"), Resolved::Null);
        assert_eq!(r("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert!(matches!(r("99999999999999999999999"), Resolved::Float(_)));
        assert_eq!(r("2001-12-14"), Resolved::Str("2001-12-14"));
        assert_eq!(r("1.2.3"), Resolved::Str("1.2.3"));
        assert_eq!(r("my-image"), Resolved::Str("my-image"));
        assert_eq!(r("-"), Resolved::Str("-"));
        assert_eq!(r("+"), Resolved::Str("+"));
        assert_eq!(r("1e"), Resolved::Str("1e"));
        assert_eq!(r("500m"), Resolved::Str("500m"));
        assert_eq!(r("10Gi"), Resolved::Str("10Gi"));
    }

    #[test]
    fn tags_as_go_yaml_v2_resolves_them() {
        use super::super::node::ScalarStyle;
        let quoted = Scalar { value: "80".into(), style: ScalarStyle::DoubleQuoted };
        let plain = Scalar { value: "80".into(), style: ScalarStyle::Plain };
        // A resolvable tag makes even a quoted scalar resolve from its text.
        assert_eq!(resolve(&quoted, Some("!!int")), Resolved::Int(80));
        assert_eq!(resolve(&quoted, Some("!!float")), Resolved::Int(80));
        assert_eq!(resolve(&quoted, None), Resolved::Str("80"));
        assert_eq!(resolve(&plain, Some("!!str")), Resolved::Str("80"));
        // Tags go-yaml cannot resolve leave the string as written.
        assert_eq!(resolve(&plain, Some("!custom")), Resolved::Str("80"));
        assert_eq!(resolve(&plain, Some("!")), Resolved::Str("80"));
        assert_eq!(resolve(&plain, None), Resolved::Int(80));
    }

    #[test]
    fn go_float_format() {
        use super::super::node::format_go_float;
        assert_eq!(format_go_float(1.1), "1.1");
        assert_eq!(format_go_float(1000.0), "1000");
        assert_eq!(format_go_float(1e21), "1e+21");
        assert_eq!(format_go_float(1e-7), "1e-7");
        assert_eq!(format_go_float(-2.5e-12), "-2.5e-12");
        assert_eq!(format_go_float(3e22), "3e+22");
    }
}
