//! The e-mailed plain-text template (`data/templates/submission-template.txt`): `Label: value`
//! lines read into a [`Submission`], or into errors that each name the line, the field, what was
//! written and what would be accepted, with the nearest code-list entries as suggestions.
//!
//! This module reads text only. It never touches the store, never fills in ids, timestamps or
//! provenance (the caller does), and never panics on any input: it slices strings only at
//! boundaries that `char_indices`, `split` or `get` hand it, and unwraps nothing it is given.
//!
//! What it forgives, because people type it: labels in any case and spacing ("CONTACT EMAIL",
//! "e-mail"), the template's hints left in place, country names or codes, several values per
//! field separated by commas, semicolons, slashes or bullets, amounts such as "USD 1.2 million",
//! "1,200,000 EUR", "EUR 850 000" or "€2m", and dates such as "1 March 2027", "March 2027" or
//! "Q2 2027". Greetings before the form and signatures or quoted replies after it are ignored.

/// The form's fields read into a submission; validation's errors placed on their lines.
mod assembly;
/// Contact name, e-mail and phone; Links.
mod contact;
/// Start date and End date.
mod dates;
/// The fields described for a form on a page, and posted values written back as template text.
pub mod fields;
/// Where the form starts and ends in a text, and which lines belong to which label.
mod form;
/// The fields, their labels and hints, and how a line's label is recognised.
mod labels;
/// Amount and Currency.
mod money;
/// Countries concerned and the submitter's country.
mod places;
/// Text helpers every field's reader shares.
mod text;
/// Kind, submitter type, areas of work and kinds of assistance.
mod vocabulary;
/// The inverse of the reader: a submission written out as a filled template.
mod writer;

pub use writer::{refill_template, to_form_values, to_template_text};

use std::fmt;

use portal_domain::submission::Submission;

use assembly::{build, map_field_error};
use form::{Form, form_bounds, read_entries, split_lines};
use labels::{Field, match_label};
use text::or_list;

/// One problem, on one line of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 1-based line number in the text given; 0 when the problem is not tied to a line, e.g. a
    /// missing label.
    pub line: usize,
    /// The label as the template names it, e.g. "Amount".
    pub field: String,
    /// What the sender wrote (trimmed, may be empty).
    pub written: String,
    /// What is wrong and what would be accepted.
    pub message: String,
    /// The nearest valid values, e.g. `KHM (Cambodia)`, best first.
    pub suggestions: Vec<String>,
}

impl TemplateError {
    fn new(line: usize, field: Field, written: &str, message: impl Into<String>) -> Self {
        TemplateError {
            line,
            field: field.label().to_string(),
            written: written.trim().to_string(),
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    fn suggesting(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }
}

/// `line 9: "Countries concerned": "Cambodja" is not a country or region; write … Did you mean
/// KHM (Cambodia)?` — the line is left out when it is 0, the written text when it is empty, and
/// a full stop is put before the suggestions when the message has none.
impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        if self.written.is_empty() {
            write!(f, "\"{}\" {}", self.field, self.message)?;
        } else {
            write!(
                f,
                "\"{}\": \"{}\" {}",
                self.field, self.written, self.message
            )?;
        }
        if !self.suggestions.is_empty() {
            if !self.message.ends_with(['.', '?', '!']) {
                f.write_str(".")?;
            }
            write!(f, " Did you mean {}?", or_list(&self.suggestions))?;
        }
        Ok(())
    }
}

impl std::error::Error for TemplateError {}

/// Reads a filled template. `Ok` holds a submission that passed `Submission::validate()`, with
/// status Pending, empty id, default timestamps and provenance (the caller fills those). `Err`
/// holds every problem found, not just the first, in line order (problems not tied to a line
/// last).
///
/// Text before the first label (greetings) and after the form (see [`extract_form`]) is ignored;
/// line numbers count from the start of `text` all the same, so they match what the sender sees.
pub fn parse_template(text: &str) -> Result<Submission, Vec<TemplateError>> {
    let lines = split_lines(text);
    let entries = match form_bounds(&lines) {
        Some((start, end)) => read_entries(&lines, start, end),
        None => Vec::new(),
    };
    let form = Form::new(entries);
    let mut errors = form.duplicates.clone();
    let mut submission = build(&form, &mut errors);
    let invalid = submission.validate().err().map(|e| e.0).unwrap_or_default();
    for error in invalid {
        let mapped = map_field_error(&form, &error);
        // The parser's own error about a field is the more precise one; validation repeats it
        // in its own words ("names no country…") when the parser dropped a bad value.
        if !errors.iter().any(|e| e.field == mapped.field) {
            errors.push(mapped);
        }
    }
    if errors.is_empty() {
        Ok(submission)
    } else {
        errors.sort_by_key(|e| (e.line == 0, e.line));
        Err(at_most_some_per_field(errors))
    }
}

/// Errors reported per field at most; a pasted wall of text gets a short answer.
const MAX_ERRORS_PER_FIELD: usize = 20;

/// Keeps the first [`MAX_ERRORS_PER_FIELD`] errors of each field and sums up the rest in one.
fn at_most_some_per_field(errors: Vec<TemplateError>) -> Vec<TemplateError> {
    let mut kept: Vec<TemplateError> = Vec::new();
    // Field, errors seen, the first error left out.
    let mut counts: Vec<(String, usize, Option<TemplateError>)> = Vec::new();
    for error in errors {
        let slot = match counts.iter().position(|(f, _, _)| *f == error.field) {
            Some(i) => i,
            None => {
                counts.push((error.field.clone(), 0, None));
                counts.len() - 1
            }
        };
        let Some((_, seen, first_left_out)) = counts.get_mut(slot) else {
            continue;
        };
        *seen += 1;
        if *seen <= MAX_ERRORS_PER_FIELD {
            kept.push(error);
        } else if first_left_out.is_none() {
            *first_left_out = Some(error);
        }
    }
    for (_, seen, first_left_out) in counts {
        if let Some(first) = first_left_out {
            kept.push(TemplateError {
                written: String::new(),
                message: format!(
                    "has {} more problems like the ones above; correct those first",
                    seen - MAX_ERRORS_PER_FIELD
                ),
                suggestions: Vec::new(),
                ..first
            });
        }
    }
    kept.sort_by_key(|e| (e.line == 0, e.line));
    kept
}

/// Whether `text` looks like a filled template at all (at least 3 known labels, one of them Kind
/// or Title) — used to find the form inside an e-mail body.
pub fn looks_like_template(text: &str) -> bool {
    let mut seen: Vec<Field> = Vec::new();
    for line in split_lines(text) {
        if let Some((field, _)) = match_label(line)
            && !seen.contains(&field)
        {
            seen.push(field);
        }
    }
    seen.len() >= 3 && (seen.contains(&Field::Kind) || seen.contains(&Field::Title))
}

/// The template's text from its first label on, without anything before it (greetings) and
/// without what follows the form: signatures, quoted replies (lines starting with '>', "-- "
/// signature separators, "On … wrote:" lines, "-----Original Message-----", "From: … Sent: …"
/// blocks, Outlook's line of underscores). These end the form only after the last label's
/// content, so a long field is never cut except at such a marker; a short last field (Links,
/// say) also ends at the first blank line after its value. A reply marker between two labels
/// ends the form only when the labels after it repeat ones already seen (a second, quoted copy
/// of the template). `None` when the text has no known label.
pub fn extract_form(text: &str) -> Option<String> {
    let lines = split_lines(text);
    let (start, end) = form_bounds(&lines)?;
    Some(lines.get(start..end)?.join("\n"))
}

/// What the tests of every part of the template share.
#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::testing::*;
    use labels::FIELDS;

    // --- The shipped templates ---------------------------------------------------------------

    #[test]
    fn the_filled_example_parses_cleanly() {
        let s = parse_ok(EXAMPLE);
        assert_eq!(s.kind, Kind::Need);
        assert_eq!(s.status, Status::Pending);
        assert!(s.id.is_empty());
        assert_eq!(s.timestamps, Timestamps::default());
        assert_eq!(s.provenance, Provenance::default());
        assert!(s.title.starts_with("[Example] "));
        assert_eq!(s.submitter.kind, SubmitterType::StateParty);
        assert_eq!(s.submitter.country.as_deref(), Some("LAO"));
        assert_eq!(s.beneficiaries.countries, ["LAO"]);
        assert_eq!(
            s.areas,
            [Area::ClearanceAndRiskEducation, Area::VictimAssistance]
        );
        assert_eq!(
            s.assistance,
            [
                Assistance::Financial,
                Assistance::Equipment,
                Assistance::Training
            ]
        );
        let funding = s.funding.as_ref().expect("funding");
        assert_eq!((funding.amount, funding.currency.as_str()), (1.2e6, "USD"));
        assert_eq!(s.period.start, Some(date(2027, 3, 1)));
        assert_eq!(s.period.end, Some(date(2029, 2, 28)));
        assert_eq!(s.contact.email, "jane.example@example.org");
        assert!(s.contact.email.ends_with("@example.org"));
        assert!(s.summary.contains("400 hectares"), "{}", s.summary);
        assert!(s.description.contains("\n\nThe funds"), "{}", s.description);
        assert!(
            s.description.contains("Note: the figures"),
            "{}",
            s.description
        );
        assert!(s.description.contains("fictitious"));
        assert!(s.how_to_apply.is_empty());
        assert_eq!(s.links.len(), 2);
        assert!(looks_like_template(EXAMPLE));
    }

    #[test]
    fn the_blank_template_asks_for_the_required_fields_and_ignores_its_hints() {
        let errors = parse_err(BLANK);
        let line_of = |label: &str| {
            BLANK
                .lines()
                .position(|l| l.starts_with(&format!("{label}:")))
                .map(|i| i + 1)
                .expect(label)
        };
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        let required = [
            "Kind",
            "Title",
            "Submitted by",
            "Submitter type",
            "Countries concerned",
            "Areas of work",
        ];
        let expected: Vec<(usize, &str)> = required.iter().map(|l| (line_of(l), *l)).collect();
        assert_eq!(got, expected, "{errors:#?}");
        for error in &errors {
            assert!(error.written.is_empty(), "{error}");
            assert!(
                error.message.starts_with("is empty; it is required"),
                "{error}"
            );
        }
        assert_eq!(
            errors[0].to_string(),
            format!(
                "line {}: \"Kind\" is empty; it is required: write need, offer, project or \
                 funding source",
                line_of("Kind")
            )
        );
        assert!(looks_like_template(BLANK));
    }

    #[test]
    fn the_blank_template_filled_in_below_its_hints_parses() {
        let filled = BLANK
            .replace("Kind: (", "Kind: offer (")
            .replace("Title:", "Title: Trainers")
            .replace("Submitted by: (", "Submitted by: DanChurchAid (")
            .replace("Submitter type: (", "Submitter type: NGO (")
            .replace("Countries concerned: (", "Countries concerned: global (")
            .replace(
                "  universalisation and advocacy)",
                "  universalisation and advocacy)\n  victim assistance",
            );
        let s = parse_ok(&filled);
        assert_eq!(s.kind, Kind::Offer);
        assert!(s.beneficiaries.global);
        assert_eq!(s.areas, [Area::VictimAssistance]);
        assert!(s.funding.is_none());
        assert!(s.links.is_empty());
        assert_eq!(s.period, Period::default());
    }

    // --- Errors ------------------------------------------------------------------------------

    #[test]
    fn errors_read_as_the_style_guide_shows() {
        let error = TemplateError {
            line: 7,
            field: "Amount".to_string(),
            written: "12,5 million".to_string(),
            message: "is not a number; write e.g. 12500000".to_string(),
            suggestions: Vec::new(),
        };
        assert_eq!(
            error.to_string(),
            "line 7: \"Amount\": \"12,5 million\" is not a number; write e.g. 12500000"
        );
        let error = TemplateError {
            suggestions: vec!["LAO (Lao People's Democratic Republic)".to_string()],
            ..error
        };
        assert!(
            error
                .to_string()
                .ends_with("12500000. Did you mean LAO (Lao People's Democratic Republic)?")
        );
    }

    #[test]
    fn every_problem_is_reported_in_line_order() {
        let text = "Kind: wish\nTitle: T\nSubmitted by: O\nSubmitter type: NGO\n\
                    Countries concerned: Cambodja\nAreas of work: gardening\n\
                    Amount: 12.5 millon USD\nStart date: soon";
        let errors = parse_err(text);
        let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            lines,
            [
                (1, "Kind"),
                (5, "Countries concerned"),
                (6, "Areas of work"),
                (7, "Amount"),
                (8, "Start date")
            ],
            "{errors:#?}"
        );
        let amount = &errors[3];
        assert!(
            amount.message.contains("accepted: thousand, million"),
            "{amount}"
        );
    }

    #[test]
    fn a_wall_of_bad_values_gets_a_short_answer() {
        let many: Vec<String> = (0..30).map(|i| format!("Narnia {i}")).collect();
        let text = form(&[("Countries concerned", &many.join(", "))]);
        let errors = parse_err(&text);
        assert_eq!(errors.len(), MAX_ERRORS_PER_FIELD + 1, "{errors:#?}");
        let last = errors.last().expect("summary");
        assert_eq!(last.line, 5);
        assert!(last.message.starts_with("has 10 more problems"), "{last}");
    }

    // --- Robustness --------------------------------------------------------------------------

    /// A small deterministic generator (xorshift), so the test needs no crate and repeats.
    struct Xorshift(u64);

    impl Xorshift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
        }
    }

    fn exercise(text: &str) {
        let _ = parse_template(text);
        let _ = looks_like_template(text);
        if let Some(form) = extract_form(text) {
            let _ = parse_template(&form);
        }
    }

    #[test]
    fn never_panics_on_prefixes_or_mutations_of_the_example() {
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        for n in 0..=lines.len() {
            exercise(&lines[..n].join("\n"));
        }
        for n in 0..=EXAMPLE.len() {
            if let Some(prefix) = EXAMPLE.get(..n) {
                exercise(prefix);
            }
        }
        let pieces: &[&[u8]] = &[
            b"(",
            b")",
            b":",
            b",",
            b".",
            b"'",
            b"-",
            b"\n",
            b" and ",
            b"0",
            b"9",
            b"Q",
            "€".as_bytes(),
            "ü".as_bytes(),
            b"\xff",
            b"\xe2\x82",
            b"> ",
            b"-- \n",
            b"Kind: ",
            b"Amount: ",
            b"Start date: ",
            b"million",
            b"999999999999999999999",
        ];
        let mut rng = Xorshift(0x5eed_1234_abcd_ef01);
        for _ in 0..3000 {
            let mut bytes = EXAMPLE.as_bytes().to_vec();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if at < bytes.len() => {
                        bytes[at] = u8::try_from(rng.next() % 256).unwrap_or(0)
                    }
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    2 => {
                        let piece = pieces[rng.below(pieces.len())];
                        bytes.splice(at..at, piece.iter().copied());
                    }
                    _ => {
                        let end = (at + rng.below(40)).min(bytes.len());
                        let copy = bytes[at.min(end)..end].to_vec();
                        let to = rng.below(bytes.len() + 1);
                        bytes.splice(to..to, copy);
                    }
                }
            }
            exercise(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn never_panics_on_odd_values() {
        let odd = [
            "",
            " ",
            "(",
            ")",
            "((",
            "))(",
            ":",
            "::::",
            "€",
            "$$$",
            "1e400",
            "9".repeat(400).as_str(),
            "0,000,000",
            ",,,",
            "..",
            "1..2",
            "1,,2",
            "Q",
            "Q9 2027",
            "Q0 2027",
            "0/0/0000",
            "99/99/9999",
            "2027-13-45",
            "-",
            "—",
            "•",
            "and",
            "and and and",
            "Ünïcödé ⅷ",
            "\u{0}",
            format!("{}{}", "(".repeat(3000), ")".repeat(3000)).as_str(),
            format!("{}Laos{}", "(e.g. ".repeat(300), ")".repeat(300)).as_str(),
            "\t\t",
            "🙂 2027",
            "12\u{202f}500",
            "mailto:",
            "<@>",
            "a@b.c@d",
        ]
        .map(ToString::to_string);
        for value in &odd {
            for field in FIELDS {
                exercise(&form(&[(field.label(), value)]));
                exercise(&format!("{}: {value}", field.label()));
            }
        }
    }
}
