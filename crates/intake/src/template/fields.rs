//! The template's fields described for a form on a page: for each, the name of its input, its
//! label and help text as the template writes them, the kind of input, its choices, whether it
//! is required and how long it may be. The form is generated from this list and its posted
//! values are written back into template text ([`form_text`]) and read by the same parser, so
//! a field added to the template appears on the page without a second definition.

use portal_domain::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};

use super::labels::{FIELDS, Field};

/// How a field is filled in on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Line,
    /// An e-mail address.
    Email,
    /// Free text over several lines (Summary, Description, How to apply, Links).
    Text,
    /// One of the choices (radio buttons).
    One(Vec<&'static str>),
    /// Any of the choices (check boxes); written comma-separated into the template.
    Many(Vec<&'static str>),
}

/// Whether a field must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// Required for a State Party or Signatory (Submitter country).
    ForStates,
}

/// One field of the template, as a form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// The input's name and id on a page, e.g. `submitted-by`.
    pub name: &'static str,
    /// The label as the template writes it, e.g. "Submitted by".
    pub label: &'static str,
    /// The template's hint after the label (without brackets), or "".
    pub help: &'static str,
    pub input: Input,
    pub required: Required,
    /// The longest value the template accepts, in characters.
    pub max_chars: usize,
}

/// The longest value of a one-line field, in characters.
pub const MAX_LINE_CHARS: usize = 1_000;
/// The longest value of a free-text field, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Every field of the template, in template order.
pub fn fields() -> Vec<FieldSpec> {
    FIELDS.iter().map(|f| spec(*f)).collect()
}

/// The field whose template label is `label` (as in [`TemplateError::field`](super::TemplateError)).
pub fn field_by_label(label: &str) -> Option<FieldSpec> {
    FIELDS.iter().find(|f| f.label() == label).map(|f| spec(*f))
}

pub(super) fn spec(field: Field) -> FieldSpec {
    let input = match field {
        Field::Kind => Input::One(labels_of(Kind::ALL)),
        Field::SubmitterType => Input::One(labels_of(SubmitterType::ALL)),
        Field::AreasOfWork => Input::Many(labels_of(Area::ALL)),
        Field::KindsOfAssistance => Input::Many(labels_of(Assistance::ALL)),
        Field::ContactEmail => Input::Email,
        Field::Links => Input::Text,
        f if f.is_long() => Input::Text,
        _ => Input::Line,
    };
    let required = match field {
        Field::Kind
        | Field::Title
        | Field::SubmittedBy
        | Field::SubmitterType
        | Field::CountriesConcerned
        | Field::AreasOfWork => Required::Yes,
        Field::SubmitterCountry => Required::ForStates,
        _ => Required::No,
    };
    FieldSpec {
        name: field.name(),
        label: field.label(),
        help: field.hint(),
        input,
        required,
        max_chars: field.max_chars(),
    }
}

/// The labels of a vocabulary, in display order.
fn labels_of<T: Vocabulary>(all: &'static [T]) -> Vec<&'static str> {
    all.iter().map(|v| v.label()).collect()
}

/// The filled template for `values` (input name → value, in any order; unknown names are
/// ignored): every field's label in template order, each value after its label. A value of
/// several lines goes on the lines below its label; a line of a free-text value that would
/// read as another label is indented so it stays text.
pub fn form_text(values: &[(&str, String)]) -> String {
    let mut out = String::new();
    for field in FIELDS {
        let value = values
            .iter()
            .find(|(name, _)| *name == field.name())
            .map_or("", |(_, v)| v.as_str());
        out.push_str(field.label());
        out.push(':');
        let lines: Vec<&str> = value.trim().lines().collect();
        match lines.as_slice() {
            [] => {}
            [one] => {
                out.push(' ');
                out.push_str(one.trim());
            }
            many => {
                for line in many {
                    out.push('\n');
                    let line = line.trim_end();
                    if super::labels::match_label(line).is_some() {
                        // A line such as "Title: …" inside a description would start another
                        // field; its first colon is written as the look-alike U+2236, which
                        // the label reader does not take for a colon, so it stays text.
                        out.push_str(&line.replacen(':', "\u{2236}", 1));
                    } else {
                        out.push_str(line);
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::testing::*;

    #[test]
    fn every_field_of_the_blank_template_is_described_in_order_with_its_hint() {
        let flat: String = BLANK.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut from = 0;
        for field in fields() {
            let written = if field.help.is_empty() {
                format!("{}:", field.label)
            } else {
                format!("{}: ({})", field.label, field.help)
            };
            let at = flat[from..]
                .find(&written)
                .unwrap_or_else(|| panic!("{written:?} is not in the template after {from}"));
            from += at + written.len();
        }
    }

    #[test]
    fn names_are_unique_and_fit_an_html_id() {
        let all = fields();
        for f in &all {
            assert!(
                f.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                f.name
            );
            assert_eq!(all.iter().filter(|g| g.name == f.name).count(), 1);
            assert_eq!(field_by_label(f.label).as_ref(), Some(f));
        }
    }

    #[test]
    fn a_form_written_from_values_parses() {
        let values = [
            ("kind", "Offer".to_string()),
            ("title", "Trainers".to_string()),
            ("submitted-by", "DanChurchAid".to_string()),
            ("submitter-type", "NGO".to_string()),
            ("countries-concerned", "Laos, Cambodia".to_string()),
            (
                "areas-of-work",
                "Victim assistance, Clearance and risk education".to_string(),
            ),
            (
                "description",
                "Two lines.\nTitle: stays text\n\nA second paragraph.".to_string(),
            ),
            (
                "links",
                "https://example.org/a\nhttps://example.org/b".to_string(),
            ),
        ];
        let text = form_text(&values);
        let s = parse_ok(&text);
        assert_eq!(s.kind, Kind::Offer);
        assert_eq!(s.title, "Trainers");
        assert_eq!(s.areas.len(), 2);
        assert!(s.description.contains("stays text"), "{}", s.description);
        assert!(s.description.contains("A second paragraph."));
        assert_eq!(s.links.len(), 2);
    }
}
