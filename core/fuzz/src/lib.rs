//! Helpers shared by the fuzz targets in `fuzz_targets/`.

use std::collections::HashMap;

/// Reads a fuzz input as an HTTP-like answer, so seeds are readable and libFuzzer's text
/// mutations stay meaningful:
///
/// ```text
/// 200                         <- status (any integer; taken modulo 65536, else 200)
/// Content-Type: application/json
/// Retry-After: 7              <- up to 8 header lines, until an empty line
///
/// {"status": "NEW", ...}      <- the body: everything after the empty line
/// ```
///
/// Invalid UTF-8 is replaced (the SDK's parsers take `&str`).
pub fn http_answer(data: &[u8]) -> (u16, HashMap<String, String>, String) {
    let text = String::from_utf8_lossy(data);
    let mut rest: &str = &text;
    let mut next_line = || -> Option<&str> {
        if rest.is_empty() {
            return None;
        }
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = tail;
        Some(line.strip_suffix('\r').unwrap_or(line))
    };
    let status = next_line()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .map_or(200, |n| (n % 65536) as u16);
    let mut headers = HashMap::new();
    while let Some(line) = next_line() {
        if line.is_empty() {
            break;
        }
        if headers.len() < 8 {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            headers.insert(name.trim().to_owned(), value.trim().to_owned());
        }
    }
    (status, headers, rest.to_owned())
}

/// Formats an answer the way `http_answer` reads it (for the seed step and regressions).
pub fn format_answer(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    let mut out = format!("{status}\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(body);
    out
}

/// A small deterministic hash of the input, for choices a target makes from the whole input.
pub fn pick(data: &[u8]) -> usize {
    data.iter()
        .fold(0x9e37_79b9_usize, |h, &b| h.rotate_left(5) ^ usize::from(b))
}
