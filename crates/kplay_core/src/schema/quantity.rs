//! Resource quantities as the API server decodes them (`resource.ParseQuantity` in
//! k8s.io/apimachinery/pkg/api/resource/quantity.go): which texts fail to decode, and why.
//!
//! Ported from `parseQuantityString` and the suffixer rather than from the regular expression
//! quoted in the error message, because the parser is what decides: it accepts `-`, `.`, `1.`
//! and `+.5`, and tells a bad suffix (`1K`, `1mi`) from a bad format (`1 core`, `1GB`).

/// Why a quantity does not decode; the messages are the API server's. (`ErrNumeric`, "unable to
/// parse numeric part of quantity", needs a numeric part without digits longer than 18 places,
/// which the grammar cannot produce, so it is not modelled.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    Format,
    Suffix,
}

impl QuantityError {
    pub fn server_message(self) -> &'static str {
        match self {
            QuantityError::Format => "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        }
    }
}

/// Parses a quantity the way `Quantity.UnmarshalJSON` does with the text of a JSON string (after
/// trimming spaces) or of a JSON number.
pub fn parse(text: &str) -> Result<(), QuantityError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(QuantityError::Format);
    }
    if s == "0" {
        return Ok(());
    }
    // After the suffix, ParseQuantity only fails with ErrNumeric when the numeric part has no
    // digit and more than 18 places, which `split` cannot produce; so the suffix decides.
    if suffix_ok(suffix(s)?) {
        Ok(())
    } else {
        Err(QuantityError::Suffix)
    }
}

/// `parseQuantityString`: the suffix, or a format error.
fn suffix(s: &str) -> Result<&str, QuantityError> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        pos += 1;
    }
    // Leading zeros; a text of only a sign and zeros is zero.
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end && b[pos] == b'.' {
        pos += 1;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::Format);
    }
    Ok(&s[suffix_start..])
}

/// `suffixer.interpret`: decimal SI, binary SI, or a decimal exponent `e<int>` / `E<int>`.
fn suffix_ok(s: &str) -> bool {
    match s {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => true,
        _ => {
            let b = s.as_bytes();
            // strconv.ParseInt(s[1:], 10, 64): optional sign, digits, fits in int32.
            b.len() > 1 && matches!(b[0], b'e' | b'E') && s[1..].parse::<i64>().is_ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_server_accepts() {
        for ok in [
            "0", "1", "100m", "0.5", "1.5Gi", "128Mi", "1e3", "1E3", "2e-3", "1E", "1k", "+1", "-1", "-", ".", "1.", ".5", "  2Gi ",
            "500u", "1n", "007", "1e+3",
        ] {
            assert_eq!(parse(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn rejects_what_the_server_rejects() {
        let cases = [
            ("", QuantityError::Format),
            ("1 core", QuantityError::Format),
            ("1core", QuantityError::Format),
            ("1GB", QuantityError::Format),
            ("abc", QuantityError::Format),
            ("true", QuantityError::Format),
            ("1Gi2", QuantityError::Suffix),
            ("1..2", QuantityError::Format),
            ("1K", QuantityError::Suffix),
            ("1mi", QuantityError::Suffix),
            ("1e", QuantityError::Suffix),
            ("1Mm", QuantityError::Suffix),
            ("1e99999999999999999999", QuantityError::Suffix),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Err(want), "{text:?}");
        }
    }
}
