//! The submitter, from the reporting organisation: name, type, country of registration.

use roxmltree::Node;

use portal_domain::codes;
use portal_domain::submission::{Submitter, SubmitterType};

use super::texts::best_text;
use super::xml::{child, clean};

/// The submitter, from the reporting organisation.
pub(super) fn submitter(node: Node, notes: &mut Vec<String>) -> Option<Submitter> {
    let org = child(node, "reporting-org")?;
    let reference = org.attribute("ref").map(clean).filter(|r| !r.is_empty());
    let organisation = match best_text(org) {
        Some(name) => name,
        None => {
            let reference = reference.clone()?;
            notes.push(format!(
                "reporting organisation has no name: its identifier {reference} is shown instead"
            ));
            reference
        }
    };
    let secondary = org
        .attribute("secondary-reporter")
        .map(|v| v.trim().to_ascii_lowercase());
    if matches!(secondary.as_deref(), Some("1" | "true")) {
        notes.push(format!(
            "{organisation} is a secondary reporter: it published this activity for the organisations that carry it out (see the participating organisations)"
        ));
    }
    let kind = submitter_type(org.attribute("type").unwrap_or_default(), notes);
    let country = reference.as_deref().and_then(registration_country);
    Some(Submitter {
        organisation,
        kind,
        country,
    })
}

/// The submitter type from an IATI OrganisationType code or (1.0x) name.
fn submitter_type(code: &str, notes: &mut Vec<String>) -> SubmitterType {
    let code = code.trim().to_ascii_lowercase();
    match code.as_str() {
        "21"
        | "22"
        | "23"
        | "24"
        | "international ngo"
        | "national ngo"
        | "regional ngo"
        | "partner country based ngo"
        | "ngo" => SubmitterType::Ngo,
        "40" | "multilateral" => SubmitterType::InternationalOrganisation,
        "10" | "11" | "15" | "government" | "local government" | "other public sector" => {
            notes.push(
                "reporting organisation is a public body: submitter type other, as IATI does not say whether its state is a State Party or Signatory"
                    .to_string(),
            );
            SubmitterType::Other
        }
        _ => SubmitterType::Other,
    }
}

/// The alpha-3 code of the country whose registration agency an organisation identifier names
/// ("GB-CHC-285776" → GBR), when its prefix is an ISO alpha-2 country code. X… prefixes (XM
/// multilateral, XI IATI, …) are not countries; Kosovo's XK is.
fn registration_country(reference: &str) -> Option<String> {
    let prefix = reference.split('-').next()?.trim();
    let is_alpha2 = prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_alphabetic());
    let upper = prefix.to_ascii_uppercase();
    if !is_alpha2 || (upper.starts_with('X') && upper != "XK") {
        return None;
    }
    codes::country(&upper)
        .filter(|c| c.alpha2 == upper)
        .map(|c| c.alpha3.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn government_reporter_is_other_with_a_note() {
        let a = one(&v2(""));
        assert_eq!(a.submission.submitter.kind, SubmitterType::Other);
        assert_eq!(a.submission.submitter.country.as_deref(), Some("GBR"));
        assert!(has_note(&a, "State Party"));
    }
}
