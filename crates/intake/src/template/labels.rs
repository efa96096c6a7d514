//! The template's fields and their labels: how each is written, its hint, what it accepts, and
//! how a line's label is recognised.

use portal_domain::submission::Area;

use super::form::is_quoted;
use super::places::PLACES_ACCEPTED;
use super::vocabulary::labels_of;

/// The template's fields, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Kind,
    Title,
    SubmittedBy,
    SubmitterType,
    SubmitterCountry,
    CountriesConcerned,
    AreasOfWork,
    KindsOfAssistance,
    Amount,
    Currency,
    StartDate,
    EndDate,
    ContactName,
    ContactEmail,
    ContactPhone,
    Summary,
    Description,
    HowToApply,
    Links,
}

pub(super) const FIELDS: [Field; 19] = [
    Field::Kind,
    Field::Title,
    Field::SubmittedBy,
    Field::SubmitterType,
    Field::SubmitterCountry,
    Field::CountriesConcerned,
    Field::AreasOfWork,
    Field::KindsOfAssistance,
    Field::Amount,
    Field::Currency,
    Field::StartDate,
    Field::EndDate,
    Field::ContactName,
    Field::ContactEmail,
    Field::ContactPhone,
    Field::Summary,
    Field::Description,
    Field::HowToApply,
    Field::Links,
];

/// Labels are at most this long (in bytes); a longer text before a colon is prose.
pub(super) const MAX_LABEL_BYTES: usize = 60;

impl Field {
    /// The label as the template writes it.
    pub(super) fn label(self) -> &'static str {
        match self {
            Field::Kind => "Kind",
            Field::Title => "Title",
            Field::SubmittedBy => "Submitted by",
            Field::SubmitterType => "Submitter type",
            Field::SubmitterCountry => "Submitter country",
            Field::CountriesConcerned => "Countries concerned",
            Field::AreasOfWork => "Areas of work",
            Field::KindsOfAssistance => "Kinds of assistance",
            Field::Amount => "Amount",
            Field::Currency => "Currency",
            Field::StartDate => "Start date",
            Field::EndDate => "End date",
            Field::ContactName => "Contact name",
            Field::ContactEmail => "Contact e-mail",
            Field::ContactPhone => "Contact phone",
            Field::Summary => "Summary",
            Field::Description => "Description",
            Field::HowToApply => "How to apply",
            Field::Links => "Links",
        }
    }

    /// The label's [`label_key`] and other ways of writing it. Kept short on purpose: a known
    /// label inside a long field starts a new field, so "Budget:" or "Country:" in a description
    /// must stay text.
    pub(super) fn spellings(self) -> &'static [&'static str] {
        match self {
            Field::Kind => &["kind"],
            Field::Title => &["title"],
            Field::SubmittedBy => &["submittedby"],
            Field::SubmitterType => &["submittertype", "typeofsubmitter"],
            Field::SubmitterCountry => &["submittercountry", "countryofsubmitter"],
            Field::CountriesConcerned => &["countriesconcerned", "countryconcerned"],
            Field::AreasOfWork => &["areasofwork", "areaofwork"],
            Field::KindsOfAssistance => &["kindsofassistance", "kindofassistance"],
            Field::Amount => &["amount"],
            Field::Currency => &["currency"],
            Field::StartDate => &["startdate"],
            Field::EndDate => &["enddate"],
            Field::ContactName => &["contactname"],
            Field::ContactEmail => &[
                "contactemail",
                "email",
                "contactemailaddress",
                "emailaddress",
            ],
            Field::ContactPhone => &["contactphone", "contacttelephone"],
            Field::Summary => &["summary"],
            Field::Description => &["description"],
            Field::HowToApply => &["howtoapply"],
            Field::Links => &["links", "link"],
        }
    }

    /// The field's name on a page (an input's name and id): its label in lower case, words
    /// joined by hyphens.
    pub(super) fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Title => "title",
            Field::SubmittedBy => "submitted-by",
            Field::SubmitterType => "submitter-type",
            Field::SubmitterCountry => "submitter-country",
            Field::CountriesConcerned => "countries-concerned",
            Field::AreasOfWork => "areas-of-work",
            Field::KindsOfAssistance => "kinds-of-assistance",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::StartDate => "start-date",
            Field::EndDate => "end-date",
            Field::ContactName => "contact-name",
            Field::ContactEmail => "contact-e-mail",
            Field::ContactPhone => "contact-phone",
            Field::Summary => "summary",
            Field::Description => "description",
            Field::HowToApply => "how-to-apply",
            Field::Links => "links",
        }
    }

    /// The longest value the template accepts, in characters.
    pub(super) fn max_chars(self) -> usize {
        if self.is_long() || self == Field::Links {
            super::fields::MAX_TEXT_CHARS
        } else {
            super::fields::MAX_LINE_CHARS
        }
    }

    /// Whether the field is free text that may run over several paragraphs.
    pub(super) fn is_long(self) -> bool {
        matches!(
            self,
            Field::Summary | Field::Description | Field::HowToApply
        )
    }

    /// The hint the blank template gives after the label (without its brackets), or "".
    pub(super) fn hint(self) -> &'static str {
        match self {
            Field::Kind => "need / offer / project / funding source",
            Field::SubmittedBy => "name of the ministry, authority, organisation",
            Field::SubmitterType => {
                "State Party / Signatory / international organisation / NGO / other"
            }
            Field::SubmitterCountry => "required for a State Party or Signatory",
            Field::CountriesConcerned => "one or more countries, or a region, or \"global\"",
            Field::AreasOfWork => {
                "clearance and risk education / victim assistance / stockpile destruction / \
                 international cooperation and assistance / transparency and national \
                 implementation / universalisation and advocacy"
            }
            Field::KindsOfAssistance => {
                "financial / technical expertise / equipment / training / exchange of \
                 information and good practice"
            }
            Field::Amount => "e.g. 1,200,000 or USD 1.2 million",
            Field::Currency => "e.g. USD, EUR, NOK",
            Field::StartDate => "e.g. 1 March 2027 or March 2027",
            Field::EndDate => "e.g. 28 February 2029",
            Field::ContactEmail => "e.g. name@example.org",
            Field::HowToApply => {
                "offers and funding sources: how to apply, requirements, deadlines"
            }
            Field::Links => "one per line, e.g. your latest Article 7 transparency report",
            _ => "",
        }
    }

    /// What a value of this field looks like, for "is empty" and "is missing" messages.
    pub(super) fn accepted(self) -> String {
        match self {
            Field::Kind => "write need, offer, project or funding source".to_string(),
            Field::Title => "write a short title".to_string(),
            Field::SubmittedBy => {
                "write the name of the ministry, authority or organisation".to_string()
            }
            Field::SubmitterType => {
                "write State Party, Signatory, international organisation, NGO or other".to_string()
            }
            Field::CountriesConcerned => PLACES_ACCEPTED.to_string(),
            Field::AreasOfWork => format!("write one or more of: {}", labels_of::<Area>()),
            _ => String::new(),
        }
    }
}

/// Finds a known label at the start of `line`: the text before the first colon outside
/// brackets, with bracketed hints, '*' marks, case, spaces and punctuation ignored. Returns the
/// field and the rest of the line after the colon.
pub(super) fn match_label(line: &str) -> Option<(Field, &str)> {
    let (label, value) = split_label(line)?;
    let key = label_key(label);
    FIELDS
        .iter()
        .copied()
        .find(|f| f.spellings().contains(&key.as_str()))
        .map(|f| (f, value))
}

/// Splits `line` at its first colon outside brackets, if that colon comes early enough to end
/// a label.
fn split_label(line: &str) -> Option<(&str, &str)> {
    if is_quoted(line) {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in line.char_indices() {
        if i > MAX_LABEL_BYTES {
            return None;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' | '：' if depth == 0 => {
                return Some((line.get(..i)?, line.get(i + c.len_utf8()..)?));
            }
            _ => {}
        }
    }
    None
}

/// A label reduced to lower-case letters and digits, without bracketed parts: "Contact E-mail *"
/// and "contact email (required)" both give "contactemail".
fn label_key(label: &str) -> String {
    let mut depth = 0usize;
    let mut key = String::new();
    for c in label.chars() {
        if key.len() > MAX_LABEL_BYTES {
            break;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && c.is_alphanumeric() => key.extend(c.to_lowercase()),
            _ => {}
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_matches_its_own_spelling() {
        for field in FIELDS {
            assert_eq!(field.spellings()[0], label_key(field.label()), "{field:?}");
            assert_eq!(
                match_label(&format!("{}: x", field.label())).map(|m| m.0),
                Some(field)
            );
        }
    }
}
