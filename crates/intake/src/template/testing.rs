//! What the template's tests share: the shipped templates, a valid form to change, and checks
//! of its errors.

pub(super) use chrono::NaiveDate;

pub(super) use portal_domain::submission::{
    Area, Assistance, Kind, Period, Provenance, Status, Submission, SubmitterType, Timestamps,
};

pub(super) use super::{TemplateError, extract_form, looks_like_template, parse_template};

pub(super) const BLANK: &str = include_str!("../../../../data/templates/submission-template.txt");
pub(super) const EXAMPLE: &str = include_str!("../../../../data/templates/example-need.txt");

/// A valid form (lines 1–6), with `changes` applied: a label of the base replaces its line,
/// any other label is appended from line 7 on, in order.
pub(super) fn form(changes: &[(&str, &str)]) -> String {
    let base = [
        ("Kind", "need"),
        ("Title", "Clearance in two districts"),
        ("Submitted by", "Example Authority"),
        ("Submitter type", "NGO"),
        ("Countries concerned", "Laos"),
        ("Areas of work", "clearance"),
    ];
    let mut lines: Vec<String> = base
        .iter()
        .map(|(label, value)| {
            let value = changes
                .iter()
                .find(|(l, _)| l == label)
                .map_or(*value, |(_, v)| *v);
            format!("{label}: {value}")
        })
        .collect();
    for (label, value) in changes {
        if !base.iter().any(|(l, _)| l == label) {
            lines.push(format!("{label}: {value}"));
        }
    }
    lines.join("\n")
}

pub(super) fn parse_ok(text: &str) -> Submission {
    parse_template(text).unwrap_or_else(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{text}\n---\n{}", shown.join("\n"))
    })
}

pub(super) fn parse_err(text: &str) -> Vec<TemplateError> {
    match parse_template(text) {
        Ok(s) => panic!("{text}\n--- parsed, but should not have: {s:?}"),
        Err(errors) => errors,
    }
}

/// The one error about `field`, checked for its line and written text, with its message and
/// suggestions containing the given parts.
pub(super) fn check_error(
    text: &str,
    (line, field, written): (usize, &str, &str),
    message_part: &str,
    suggestion_part: Option<&str>,
) -> TemplateError {
    let errors = parse_err(text);
    let about: Vec<&TemplateError> = errors.iter().filter(|e| e.field == field).collect();
    let [error] = about.as_slice() else {
        panic!("{text}\n--- expected one error about {field}, got {errors:#?}");
    };
    assert_eq!(
        (error.line, error.written.as_str()),
        (line, written),
        "{error}"
    );
    assert!(error.message.contains(message_part), "{error}");
    if let Some(part) = suggestion_part {
        assert!(
            error.suggestions.iter().any(|s| s.contains(part)),
            "{error}: no suggestion with {part}"
        );
    }
    (*error).clone()
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}
