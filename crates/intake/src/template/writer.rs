//! The inverse of the reader: a submission written out as a filled template, for an admin to
//! correct and send back through the same parser. It writes every label, empty ones
//! included.

use chrono::NaiveDate;

use portal_domain::codes;

use super::form::{Form, form_bounds, read_entries, split_lines};
use portal_domain::submission::{Submission, Vocabulary};

use super::fields::form_text;
use super::labels::{FIELDS, Field};

/// A submission written out as a filled template, for an admin to correct and send back
/// through the same parser.
pub fn to_template_text(s: &Submission) -> String {
    let values = to_form_values(s);
    form_text(&values)
}

/// A submission's values by field name (see [`fields`](super::fields::fields)), as a form
/// shows them: what [`to_template_text`] writes after each label.
pub fn to_form_values(s: &Submission) -> Vec<(&'static str, String)> {
    let b = &s.beneficiaries;
    let mut places: Vec<String> = b.countries.clone();
    places.extend(
        b.regions
            .iter()
            .map(|r| codes::region(r).map_or(r.clone(), |region| region.name.to_string())),
    );
    if b.global {
        places.push("global".to_string());
    }
    let join = |items: Vec<&str>| items.join(", ");
    let (amount, currency) = match &s.funding {
        Some(f) => (f.amount.to_string(), f.currency.clone()),
        None => (String::new(), String::new()),
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let value = |field: Field| -> String {
        match field {
            Field::Kind => s.kind.label().to_string(),
            Field::Title => s.title.clone(),
            Field::SubmittedBy => s.submitter.organisation.clone(),
            Field::SubmitterType => s.submitter.kind.label().to_string(),
            Field::SubmitterCountry => s.submitter.country.clone().unwrap_or_default(),
            Field::CountriesConcerned => places.join(", "),
            Field::AreasOfWork => join(s.areas.iter().map(|a| a.label()).collect()),
            Field::KindsOfAssistance => join(s.assistance.iter().map(|a| a.label()).collect()),
            Field::Amount => amount.clone(),
            Field::Currency => currency.clone(),
            Field::StartDate => date(s.period.start),
            Field::EndDate => date(s.period.end),
            Field::ContactName => s.contact.name.clone(),
            Field::ContactEmail => s.contact.email.clone(),
            Field::ContactPhone => s.contact.phone.clone().unwrap_or_default(),
            Field::Summary => s.summary.clone(),
            Field::Description => s.description.clone(),
            Field::HowToApply => s.how_to_apply.clone(),
            Field::Links => s.links.join("\n"),
        }
    };
    FIELDS.iter().map(|f| (f.name(), value(*f))).collect()
}

/// The form in `text` (a sender's message) written out again for the sender to correct and
/// send back: every label once, in template order, with what the sender wrote under it (its
/// lines kept, hints removed), and the blank template's hint where they wrote nothing. The
/// lines of a field given twice are those of its first entry with a value.
pub fn refill_template(text: &str) -> String {
    let lines = split_lines(text);
    let entries = form_bounds(&lines)
        .map(|(start, end)| read_entries(&lines, start, end))
        .unwrap_or_default();
    let form = Form::new(entries);
    let mut out = String::new();
    for field in FIELDS {
        let written: Vec<&str> = form
            .value(field)
            .map(|entry| entry.lines().map(|(_, text)| text).collect())
            .unwrap_or_default();
        out.push_str(field.label());
        out.push(':');
        match written.split_first() {
            Some((first, rest)) => {
                out.push(' ');
                out.push_str(first);
                for line in rest {
                    out.push('\n');
                    out.push_str(line);
                }
            }
            None if !field.hint().is_empty() => {
                out.push_str(" (");
                out.push_str(field.hint());
                out.push(')');
            }
            None => {}
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
    fn the_example_written_out_reads_back_the_same() {
        let parsed = parse_ok(EXAMPLE);
        let written = to_template_text(&parsed);
        assert!(
            written.starts_with("Kind: Need\nTitle: [Example] "),
            "{written}"
        );
        assert_eq!(parse_ok(&written), parsed, "{written}");
    }

    #[test]
    fn a_form_with_errors_is_written_back_with_the_senders_values() {
        let sent = "Dear ISU,\n\nKind: need\nTitle: Survey in Xieng Khouang\nCountries concerned: Laos\n  Cambodja\nAmount: lots\n\nBest, Ana\n";
        let refilled = refill_template(sent);
        assert!(
            refilled.starts_with("Kind: need\nTitle: Survey in Xieng Khouang\n"),
            "{refilled}"
        );
        assert!(
            refilled.contains("\nCountries concerned: Laos\nCambodja\n"),
            "{refilled}"
        );
        assert!(refilled.contains("\nAmount: lots\n"), "{refilled}");
        assert!(
            refilled.contains("\nCurrency: (e.g. USD, EUR, NOK)\n"),
            "{refilled}"
        );
        assert!(refilled.contains("\nContact name:\n"), "{refilled}");
        assert!(!refilled.contains("Dear ISU") && !refilled.contains("Best, Ana"));
        // Read again, it finds the same problems on the new lines, and nothing lost.
        let errors = crate::template::parse_template(&refilled).unwrap_err();
        assert!(errors.iter().any(|e| e.field == "Amount"), "{errors:?}");
    }
}
