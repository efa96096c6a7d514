//! The inverse of the reader: a submission written out as a filled template, for an admin to
//! correct and send back through the same parser. It writes every label, empty ones
//! included.

use chrono::NaiveDate;

use portal_domain::codes;
use portal_domain::submission::{Submission, Vocabulary};

/// A submission written out as a filled template, for an admin to correct and send back
/// through the same parser.
pub fn to_template_text(s: &Submission) -> String {
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
    let mut lines = vec![
        format!("Kind: {}", s.kind.label()),
        format!("Title: {}", s.title),
        format!("Submitted by: {}", s.submitter.organisation),
        format!("Submitter type: {}", s.submitter.kind.label()),
        format!(
            "Submitter country: {}",
            s.submitter.country.clone().unwrap_or_default()
        ),
        format!("Countries concerned: {}", places.join(", ")),
        format!(
            "Areas of work: {}",
            join(s.areas.iter().map(|a| a.label()).collect())
        ),
        format!(
            "Kinds of assistance: {}",
            join(s.assistance.iter().map(|a| a.label()).collect())
        ),
    ];
    match &s.funding {
        Some(f) => {
            lines.push(format!("Amount: {}", f.amount));
            lines.push(format!("Currency: {}", f.currency));
        }
        None => {
            lines.push("Amount:".to_string());
            lines.push("Currency:".to_string());
        }
    }
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    lines.push(format!("Start date: {}", date(s.period.start)));
    lines.push(format!("End date: {}", date(s.period.end)));
    lines.push(format!("Contact name: {}", s.contact.name));
    lines.push(format!("Contact e-mail: {}", s.contact.email));
    lines.push(format!(
        "Contact phone: {}",
        s.contact.phone.clone().unwrap_or_default()
    ));
    lines.push(format!("Summary: {}", s.summary));
    lines.push(format!("Description: {}", s.description));
    lines.push(format!("How to apply: {}", s.how_to_apply));
    lines.push(format!("Links: {}", s.links.join(" ")));
    lines.join("\n") + "\n"
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
