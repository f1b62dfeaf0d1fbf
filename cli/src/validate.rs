//! `hypercheckout validate`: a request file checked offline.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::exit;

/// Every problem with the file at once; exit 0 when valid, 5 when not.
pub fn validate_file(path: &PathBuf, json: bool) -> ExitCode {
    let text = match crate::read_text(path) {
        Ok(text) => text,
        Err(code) => return code,
    };
    // Reading problems (`"amount": [1]`, an unknown mandate frequency) and rule violations
    // together: one problem must not hide the others.
    let violations = hypercheckout::validate_session_json(text);
    if json {
        let listed: Vec<_> = violations
            .iter()
            .map(|v| serde_json::json!({"field": v.field, "code": v.code, "message": v.message}))
            .collect();
        let value = serde_json::json!({
            "file": path.display().to_string(),
            "valid": violations.is_empty(),
            "violations": listed,
        });
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else if violations.is_empty() {
        let _ = writeln!(std::io::stdout(), "{}: valid", path.display());
    } else {
        eprintln!("{}: {} violation(s)", path.display(), violations.len());
        exit::print_violations(&violations);
    }
    if violations.is_empty() {
        exit::code(exit::OK)
    } else {
        exit::code(exit::INVALID_REQUEST)
    }
}
