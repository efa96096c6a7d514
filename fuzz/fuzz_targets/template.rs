//! Fuzzes the e-mailed template parser: any text must give a submission or line-specific
//! errors, never a panic. Only the library's public functions are called.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_intake::template::{extract_form, looks_like_template, parse_template};

fuzz_target!(|data: &[u8]| {
    // The parser takes text; bytes that are not UTF-8 never reach it (e-mail intake decodes
    // them first), so they are skipped here rather than counted as findings.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = looks_like_template(text);
    // parse_template finds the form's bounds itself, so the extracted form is not parsed
    // again: that would halve the executions per second for little new coverage.
    let _ = extract_form(text);
    if let Err(errors) = parse_template(text) {
        // Formatting the errors is what the review queue shows; it must not panic either.
        for error in errors {
            let _ = error.to_string();
        }
    }
});
