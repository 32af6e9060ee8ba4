//! CronJob `spec.schedule` as the API server checks it on create (`validateScheduleFormat` in
//! `pkg/apis/batch/validation/validation.go`): `cron.ParseStandard` of robfig/cron v3
//! (`vendor/github.com/robfig/cron/v3/parser.go`), whose error text is the message, then a
//! separate error when the schedule contains `TZ` (`allowTZInSchedule` is false on create).

/// The messages the server gives for `schedule` (non-empty), in its order.
pub fn schedule_errors(schedule: &str) -> Vec<String> {
    let mut msgs = Vec::new();
    if let Err(e) = parse_standard(schedule) {
        msgs.push(e);
    }
    if schedule.contains("TZ") {
        msgs.push("cannot use TZ or CRON_TZ in schedule, use timeZone field instead".to_string());
    }
    msgs
}

/// `Bounds` of a field: minimum, maximum and the names it accepts (lowercase).
struct Bounds {
    min: u64,
    max: u64,
    names: &'static [&'static str],
}

const MONTH_NAMES: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DOW_NAMES: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

// `spec.go`: minutes 0-59, hours 0-23, dom 1-31, months 1-12 (jan = 1), dow 0-6 (sun = 0).
const FIELDS: [Bounds; 5] = [
    Bounds { min: 0, max: 59, names: &[] },
    Bounds { min: 0, max: 23, names: &[] },
    Bounds { min: 1, max: 31, names: &[] },
    Bounds { min: 1, max: 12, names: MONTH_NAMES },
    Bounds { min: 0, max: 6, names: DOW_NAMES },
];

/// `Parser.Parse` with `Minute | Hour | Dom | Month | Dow | Descriptor`: `Ok` or the error text.
fn parse_standard(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("empty spec string".to_string());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // Without a space Go slices `spec[eq+1:-1]` and panics; the server answers with an
        // internal error, not a message, so only the TZ error is reported.
        let Some(i) = spec.find(' ') else { return Ok(()) };
        let eq = spec.find('=').unwrap_or(0);
        let name = &spec[eq + 1..i];
        if let Some(e) = load_location_error(name) {
            return Err(format!("provided bad location {name}: {e}"));
        }
        spec = spec[i..].trim();
    }
    if spec.starts_with('@') {
        return parse_descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" ")));
    }
    for (field, bounds) in fields.iter().zip(FIELDS.iter()) {
        for expr in field.split(',').filter(|e| !e.is_empty()) {
            range(expr, bounds)?;
        }
    }
    Ok(())
}

/// `getRange`: `*`/`?`, a number or name, `a-b`, each optionally `/step`.
fn range(expr: &str, r: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (r.min, r.max)
    } else {
        let start = int_or_name(low_and_high[0], r.names)?;
        match low_and_high.len() {
            1 => (start, start),
            2 => (start, int_or_name(low_and_high[1], r.names)?),
            _ => return Err(format!("too many hyphens: {expr}")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_uint(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if single {
                end = r.max;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < r.min {
        return Err(format!("beginning of range ({start}) below minimum ({}): {expr}", r.min));
    }
    if end > r.max {
        return Err(format!("end of range ({end}) above maximum ({}): {expr}", r.max));
    }
    if start > end {
        return Err(format!("beginning of range ({start}) beyond end of range ({end}): {expr}"));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

/// `parseIntOrName`: a name of the field after `strings.ToLower`, else [`parse_uint`]. The only
/// non-ASCII letters Go lowercases to ASCII are `İ` (to `i`) and the Kelvin sign (to `k`).
fn int_or_name(expr: &str, names: &[&str]) -> Result<u64, String> {
    let lower: String = expr
        .chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        // Months are numbered from 1, weekdays from 0.
        return Ok(i as u64 + u64::from(names.len() == 12));
    }
    parse_uint(expr)
}

/// `mustParseInt`: `strconv.Atoi`, then no negative numbers.
fn parse_uint(expr: &str) -> Result<u64, String> {
    let num = atoi(expr).map_err(|e| format!("failed to parse int from {expr}: strconv.Atoi: parsing {}: {e}", go_quote(expr)))?;
    if num < 0 {
        return Err(format!("negative number ({num}) not allowed: {expr}"));
    }
    Ok(num as u64)
}

/// `strconv.Atoi` (base 10, optional sign, no underscores).
fn atoi(s: &str) -> Result<i64, &'static str> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid syntax");
    }
    s.parse::<i64>().map_err(|_| "value out of range")
}

/// `strconv.Quote` for the strings that reach it here (no whitespace: fields are split on it).
fn go_quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `parseDescriptor`: the named schedules and `@every <duration>`.
fn parse_descriptor(d: &str) -> Result<(), String> {
    if matches!(d, "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly") {
        return Ok(());
    }
    if let Some(dur) = d.strip_prefix("@every ") {
        return parse_duration(dur).map_err(|e| format!("failed to parse duration {d}: {e}"));
    }
    Err(format!("unrecognized descriptor: {d}"))
}

/// `time.LoadLocation`'s error for a name, if any. kplay has no zone database: the names the
/// `timeZone` check knows stand in for it.
fn load_location_error(name: &str) -> Option<String> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return None;
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return Some("time: invalid location name".to_string());
    }
    let known = !name.eq_ignore_ascii_case("Local") && super::spec_fields::time_zone_msgs(name).is_empty();
    (!known).then(|| format!("unknown time zone {name}"))
}

/// `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`.
fn parse_duration(orig: &str) -> Result<(), String> {
    const LIMIT: u128 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        neg = s.starts_with('-');
        s = rest;
    }
    if s == "0" {
        return Ok(());
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // The integer part (`leadingInt` fails past 1<<63).
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u128 = 0;
        for &c in &b[..n] {
            v = v * 10 + u128::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        let pre = n > 0;
        s = &s[n..];
        // The fraction (`leadingFraction` stops adding digits that would overflow).
        let mut frac: f64 = 0.0;
        let mut post = false;
        if let Some(rest) = s.strip_prefix('.') {
            let m = rest.bytes().take_while(u8::is_ascii_digit).count();
            post = m > 0;
            let mut scale = 1.0;
            for c in rest.bytes().take(m) {
                scale *= 10.0;
                frac += f64::from(c - b'0') / scale;
            }
            s = &rest[m..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let u = s.bytes().take_while(|c| !(*c == b'.' || c.is_ascii_digit())).count();
        if u == 0 {
            return Err(format!("time: missing unit in duration {}", time_quote(orig)));
        }
        let unit_name = &s[..u];
        s = &s[u..];
        let unit: u128 = match unit_name {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {} in duration {}", time_quote(unit_name), time_quote(orig))),
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v = v * unit + (frac * unit as f64) as u128;
        if v > LIMIT {
            return Err(invalid());
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if !neg && total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(())
}

/// The `time` package's `quote`: ASCII as is (`"` and `\` escaped), other bytes as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        if !c.is_ascii() || (c as u32) < 0x20 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::schedule_errors;

    fn ok(s: &str) {
        assert_eq!(schedule_errors(s), Vec::<String>::new(), "{s}");
    }

    fn err(s: &str, want: &str) {
        assert_eq!(schedule_errors(s), vec![want.to_string()], "{s}");
    }

    #[test]
    fn accepted_like_parse_standard() {
        for s in [
            "* * * * *",
            "*/5 * * * *",
            "0 0 * * *",
            "59 23 31 12 6",
            "0 0 1 1 0",
            "0,15,30,45 * * * *",
            "0 9-17 * * 1-5",
            "0 9-17/2 * * MON-FRI",
            "0 0 * JAN,jul sun",
            "0 0 ? * ?",
            "5/15 * * * *",
            "*/61 * * * *",
            "0 0 1-31/7 * *",
            "*-5 * * * *",
            "+5 * * * *",
            "0 , * * *",
            "  0  0 * * *  ",
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
            "@every 1h30m",
            "@every 90s",
            "@every 1.5h",
            "@every 0",
            "@every 300ms",
        ] {
            ok(s);
        }
    }

    #[test]
    fn refused_with_the_parsers_message() {
        err("61 * * * *", "end of range (61) above maximum (59): 61");
        err("0 24 * * *", "end of range (24) above maximum (23): 24");
        err("0 0 0 * *", "beginning of range (0) below minimum (1): 0");
        err("0 0 32 * *", "end of range (32) above maximum (31): 32");
        err("0 0 * 13 *", "end of range (13) above maximum (12): 13");
        err("0 0 * * 7", "end of range (7) above maximum (6): 7");
        err("0 0 * * 5-7", "end of range (7) above maximum (6): 5-7");
        err("30-10 * * * *", "beginning of range (30) beyond end of range (10): 30-10");
        err("*/0 * * * *", "step of range should be a positive number: */0");
        err("1-2-3 * * * *", "too many hyphens: 1-2-3");
        err("*/2/3 * * * *", "too many slashes: */2/3");
        err("*/-5 * * * *", "negative number (-5) not allowed: -5");
        err("0 0 * * MON-FRY", "failed to parse int from FRY: strconv.Atoi: parsing \"FRY\": invalid syntax");
        ok("0 0 * * FR\u{130}");
        err("0 MON * * *", "failed to parse int from MON: strconv.Atoi: parsing \"MON\": invalid syntax");
        err("1- * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax");
        err(
            "99999999999999999999 * * * *",
            "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": value out of range",
        );
        err("0 0 * *", "expected exactly 5 fields, found 4: [0 0 * *]");
        err("0 0 0 * * *", "expected exactly 5 fields, found 6: [0 0 0 * * *]");
        err("every day", "expected exactly 5 fields, found 2: [every day]");
        err("   ", "expected exactly 5 fields, found 0: []");
        err(" @daily", "expected exactly 5 fields, found 1: [@daily]");
        err("@reboot", "unrecognized descriptor: @reboot");
        err("@every", "unrecognized descriptor: @every");
        err("@every 1", "failed to parse duration @every 1: time: missing unit in duration \"1\"");
        err("@every 1d", "failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\"");
        err("@every soon", "failed to parse duration @every soon: time: invalid duration \"soon\"");
        err("@every 1h ", "failed to parse duration @every 1h : time: unknown unit \"h \" in duration \"1h \"");
    }

    #[test]
    fn tz_in_the_schedule_is_refused_on_create() {
        let tz = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
        err("TZ=UTC 0 0 * * *", tz);
        err("CRON_TZ=Europe/Berlin 0 0 * * *", tz);
        err("TZ=Etc/UTC @daily", tz);
        err("TZ=UTC", tz);
        assert_eq!(
            schedule_errors("TZ=Mars/Olympus 0 0 * * *"),
            vec!["provided bad location Mars/Olympus: unknown time zone Mars/Olympus".to_string(), tz.to_string()]
        );
        assert_eq!(schedule_errors("TZ=UTC 61 0 * * *"), vec!["end of range (61) above maximum (59): 61".to_string(), tz.to_string()]);
        // `TZ` anywhere counts (strings.Contains), after the parser's own error.
        assert_eq!(schedule_errors("0 0 * * * TZ"), vec!["expected exactly 5 fields, found 6: [0 0 * * * TZ]".to_string(), tz.to_string()]);
    }
}
