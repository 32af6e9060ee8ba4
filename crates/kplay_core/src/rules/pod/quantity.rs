//! Resource quantity values (`resource.Quantity`): the numeric value in milli-units after the
//! server's round-up to milli precision (`SetDefaults_ResourceList`), its canonical text
//! (`Quantity.String()`, used in messages and in the stored object) and comparisons.
//!
//! Whether a text decodes at all is the decode stage's business (`schema::quantity`); here a
//! text that does not parse is simply `None`. Values are kept in an `i128` of milli-units,
//! which covers every quantity up to ~1.7e35; larger values saturate (they are absurd anyway).

use std::cmp::Ordering;

/// How the quantity was written, which decides its canonical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// A parsed quantity rounded up (away from zero) to milli precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub milli: i128,
    pub format: Format,
    /// True when rounding to milli precision changed the value.
    pub rounded: bool,
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.milli.cmp(&other.milli))
    }
}

fn pow(base: i128, exp: u32) -> Option<i128> {
    base.checked_pow(exp)
}

impl Quantity {
    /// Parses the text of a quantity (a JSON string or number), `None` when it does not decode.
    pub fn parse(text: &str) -> Option<Quantity> {
        let s = text.trim();
        crate::schema::quantity::parse(s).ok()?;
        let b = s.as_bytes();
        let mut pos = 0;
        let negative = b.first() == Some(&b'-');
        if matches!(b.first(), Some(b'-' | b'+')) {
            pos = 1;
        }
        let mut digits = String::new();
        let mut frac = 0u32;
        let mut seen_dot = false;
        while pos < b.len() && (b[pos].is_ascii_digit() || b[pos] == b'.') {
            if b[pos] == b'.' {
                seen_dot = true;
            } else {
                digits.push(b[pos] as char);
                if seen_dot {
                    frac += 1;
                }
            }
            pos += 1;
        }
        let suffix = &s[pos..];
        // value = digits × 10^-frac × 10^dec × 2^bin
        let (dec, bin, format): (i32, u32, Format) = match suffix {
            "" => (0, 0, Format::DecimalSI),
            "n" => (-9, 0, Format::DecimalSI),
            "u" => (-6, 0, Format::DecimalSI),
            "m" => (-3, 0, Format::DecimalSI),
            "k" => (3, 0, Format::DecimalSI),
            "M" => (6, 0, Format::DecimalSI),
            "G" => (9, 0, Format::DecimalSI),
            "T" => (12, 0, Format::DecimalSI),
            "P" => (15, 0, Format::DecimalSI),
            "E" => (18, 0, Format::DecimalSI),
            "Ki" => (0, 10, Format::BinarySI),
            "Mi" => (0, 20, Format::BinarySI),
            "Gi" => (0, 30, Format::BinarySI),
            "Ti" => (0, 40, Format::BinarySI),
            "Pi" => (0, 50, Format::BinarySI),
            "Ei" => (0, 60, Format::BinarySI),
            e => (e[1..].parse::<i32>().ok()?, 0, Format::DecimalExponent),
        };
        let trimmed = digits.trim_start_matches('0');
        let mantissa: i128 = if trimmed.is_empty() {
            0
        } else if trimmed.len() > 36 {
            i128::MAX / 4
        } else {
            trimmed.parse().ok()?
        };
        // milli = mantissa × 2^bin × 10^(dec + 3 - frac), rounded up away from zero.
        let exp10 = dec + 3 - frac as i32;
        let scaled = mantissa.checked_mul(pow(2, bin)?);
        let (milli, rounded) = match scaled {
            None => (i128::MAX / 4, false),
            Some(v) if exp10 >= 0 => (pow(10, exp10 as u32).and_then(|p| v.checked_mul(p)).unwrap_or(i128::MAX / 4), false),
            Some(v) => match pow(10, (-exp10) as u32) {
                Some(d) => {
                    let q = v / d;
                    if v % d == 0 {
                        (q, false)
                    } else {
                        (q + 1, true)
                    }
                }
                // Far below a milli-unit: rounds up to one.
                None => (i128::from(v != 0), v != 0),
            },
        };
        Some(Quantity { milli: if negative { -milli } else { milli }, format, rounded })
    }

    pub fn is_negative(&self) -> bool {
        self.milli < 0
    }

    pub fn is_zero(&self) -> bool {
        self.milli == 0
    }

    /// True when the value is a whole number.
    pub fn is_integer(&self) -> bool {
        self.milli % 1000 == 0
    }

    /// The canonical text (`Quantity.String()` after rounding).
    pub fn canonical(&self) -> String {
        let sign = if self.milli < 0 { "-" } else { "" };
        let abs = self.milli.unsigned_abs();
        if abs == 0 {
            return "0".to_string();
        }
        // Binary SI only when the value is a whole number; fractions fall back to decimal SI.
        if self.format == Format::BinarySI && abs % 1000 == 0 {
            let mut v = abs / 1000;
            let mut i = 0;
            while i < 6 && v >= 1024 && v % 1024 == 0 {
                v /= 1024;
                i += 1;
            }
            if i > 0 || v < 1024 {
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i];
                return format!("{sign}{v}{suffix}");
            }
        }
        // Decimal: mantissa × 10^exp with exp a multiple of 3, the largest that keeps it whole.
        let mut v = abs;
        let mut exp: i32 = -3;
        while v % 1000 == 0 && exp < 18 {
            v /= 1000;
            exp += 3;
        }
        let suffix = if self.format == Format::DecimalExponent {
            if exp == 0 {
                String::new()
            } else {
                format!("e{exp}")
            }
        } else {
            match exp {
                -3 => "m",
                0 => "",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                _ => "E",
            }
            .to_string()
        };
        format!("{sign}{v}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).expect(s)
    }

    #[test]
    fn values_in_milli_units() {
        assert_eq!(q("1").milli, 1000);
        assert_eq!(q("500m").milli, 500);
        assert_eq!(q("0.5").milli, 500);
        assert_eq!(q("1Ki").milli, 1_024_000);
        assert_eq!(q("-64Mi").milli, -64 * 1024 * 1024 * 1000);
        assert_eq!(q("1e3").milli, 1_000_000);
        assert_eq!(q("2e-3").milli, 2);
        assert_eq!(q("1n").milli, 1);
        assert!(q("1n").rounded);
        assert_eq!(q("1.0001").milli, 1001);
        assert!(Quantity::parse("1GB").is_none());
        assert!(q("2") > q("1500m"));
    }

    #[test]
    fn canonical_text() {
        for (text, want) in [
            ("0.5", "500m"),
            ("1000m", "1"),
            ("1.5Gi", "1536Mi"),
            ("1024Mi", "1Gi"),
            ("512", "512"),
            ("1500000", "1500k"),
            ("-64Mi", "-64Mi"),
            ("1e3", "1e3"),
            ("100m", "100m"),
            ("1n", "1m"),
            ("0", "0"),
            ("0.5Ki", "512"),
        ] {
            assert_eq!(q(text).canonical(), want, "{text}");
        }
    }
}
