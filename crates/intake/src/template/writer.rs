//! The inverse of the reader: a submission written out as a filled template, for an admin to
//! correct and send back through the same parser. It writes every label, empty ones
//! included.

use chrono::NaiveDate;

use portal_domain::codes;
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
}
