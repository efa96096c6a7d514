//! The closed lists: kind, submitter type, areas of work and kinds of assistance, by label, slug
//! or the words people use for them.

use portal_domain::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};

use super::TemplateError;

use super::form::{Entry, Problem, list_items};
use super::text::{clean_item, key, remove_brackets, suggestable};

const KIND_WORDS: &[(&str, Kind)] = &[
    ("needs", Kind::Need),
    ("request", Kind::Need),
    ("offers", Kind::Offer),
    ("projects", Kind::Project),
    ("funding sources", Kind::FundingSource),
    ("fund", Kind::FundingSource),
    ("funds", Kind::FundingSource),
    ("trust fund", Kind::FundingSource),
    ("funding", Kind::FundingSource),
];

const SUBMITTER_TYPE_WORDS: &[(&str, SubmitterType)] = &[
    ("states parties", SubmitterType::StateParty),
    ("state party to the convention", SubmitterType::StateParty),
    ("signatory state", SubmitterType::Signatory),
    ("signatory states", SubmitterType::Signatory),
    (
        "international organization",
        SubmitterType::InternationalOrganisation,
    ),
    ("io", SubmitterType::InternationalOrganisation),
    ("un agency", SubmitterType::InternationalOrganisation),
    ("united nations", SubmitterType::InternationalOrganisation),
    ("non governmental organisation", SubmitterType::Ngo),
    ("non governmental organization", SubmitterType::Ngo),
    ("nongovernmental organisation", SubmitterType::Ngo),
    ("nongovernmental organization", SubmitterType::Ngo),
    ("civil society", SubmitterType::Ngo),
    ("civil society organisation", SubmitterType::Ngo),
    ("civil society organization", SubmitterType::Ngo),
];

/// need / offer / project / funding source, and "fund", "trust fund" for the last.
pub(super) fn parse_kind(text: &str) -> Result<Kind, Problem> {
    parse_one(text, KIND_WORDS)
}

/// State Party / Signatory / international organisation ("IO") / NGO / other.
pub(super) fn parse_submitter_type(text: &str) -> Result<SubmitterType, Problem> {
    parse_one(text, SUBMITTER_TYPE_WORDS)
}

/// One value of a vocabulary: its slug or label, or one of `words` (compared as [`key`]s).
fn parse_one<T: Vocabulary>(text: &str, words: &[(&str, T)]) -> Result<T, Problem> {
    let cleaned = clean_item(text);
    let without_remark = remove_brackets(cleaned);
    for candidate in [cleaned, without_remark.as_str()] {
        let k = key(candidate);
        let k = ["a ", "an ", "the "]
            .iter()
            .find_map(|a| k.strip_prefix(*a))
            .unwrap_or(&k);
        if let Ok(value) = T::parse(k) {
            return Ok(value);
        }
        if let Some((_, value)) = words.iter().find(|(w, _)| key(w) == k) {
            return Ok(*value);
        }
    }
    Err(Problem::new(format!(
        "is not a {}; write one of: {}",
        T::WHAT,
        labels_of::<T>()
    ))
    .suggesting(nearest_labels::<T>(&key(cleaned))))
}

/// The labels of a vocabulary, lower-cased except for acronyms and "State Party", comma-joined.
pub(super) fn labels_of<T: Vocabulary>() -> String {
    let labels: Vec<String> = T::ALL.iter().map(|v| readable_label(v.label())).collect();
    labels.join(", ")
}

fn readable_label(label: &str) -> String {
    if label.chars().skip(1).any(|c| c.is_uppercase()) {
        label.to_string()
    } else {
        label.to_lowercase()
    }
}

/// Labels of a vocabulary close to `text`, for suggestions.
fn nearest_labels<T: Vocabulary>(text: &str) -> Vec<String> {
    if !suggestable(text) {
        return Vec::new();
    }
    let mut scored: Vec<(f64, String)> = T::ALL
        .iter()
        .map(|v| {
            let label = readable_label(v.label());
            let label_key = key(&label);
            // Jaro-Winkler is harsh on short words with swapped letters ("NOG" for "NGO").
            let close = strsim::damerau_levenshtein(text, &label_key) <= 1;
            let score = strsim::jaro_winkler(text, &label_key);
            (if close { score.max(0.8) } else { score }, label)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(2).map(|(_, label)| label).collect()
}

// ---------------------------------------------------------------------------------------------
// Areas of work and kinds of assistance
// ---------------------------------------------------------------------------------------------

/// Words and phrases (as [`key`]s) that name an area of work, besides its label and slug.
pub(super) const AREA_WORDS: &[(&str, Area)] = &[
    ("clearance", Area::ClearanceAndRiskEducation),
    ("demining", Area::ClearanceAndRiskEducation),
    ("de mining", Area::ClearanceAndRiskEducation),
    ("risk education", Area::ClearanceAndRiskEducation),
    ("eore", Area::ClearanceAndRiskEducation),
    ("mre", Area::ClearanceAndRiskEducation),
    ("land release", Area::ClearanceAndRiskEducation),
    ("survey", Area::ClearanceAndRiskEducation),
    ("victim assistance", Area::VictimAssistance),
    ("va", Area::VictimAssistance),
    ("assistance to victims", Area::VictimAssistance),
    ("victims", Area::VictimAssistance),
    ("survivors", Area::VictimAssistance),
    ("survivor assistance", Area::VictimAssistance),
    ("rehabilitation", Area::VictimAssistance),
    ("stockpile", Area::StockpileDestruction),
    ("stockpiles", Area::StockpileDestruction),
    ("cooperation", Area::InternationalCooperationAndAssistance),
    ("co operation", Area::InternationalCooperationAndAssistance),
    ("transparency", Area::TransparencyAndNationalImplementation),
    ("article 7", Area::TransparencyAndNationalImplementation),
    ("art 7", Area::TransparencyAndNationalImplementation),
    ("article 9", Area::TransparencyAndNationalImplementation),
    (
        "national implementation",
        Area::TransparencyAndNationalImplementation,
    ),
    ("universalisation", Area::UniversalisationAndAdvocacy),
    ("universalization", Area::UniversalisationAndAdvocacy),
    ("universality", Area::UniversalisationAndAdvocacy),
    ("advocacy", Area::UniversalisationAndAdvocacy),
];

/// Words and phrases (as [`key`]s) that name a kind of assistance, besides its label and slug.
pub(super) const ASSISTANCE_WORDS: &[(&str, Assistance)] = &[
    ("finance", Assistance::Financial),
    ("financing", Assistance::Financial),
    ("money", Assistance::Financial),
    ("funding", Assistance::Financial),
    ("funds", Assistance::Financial),
    ("grant", Assistance::Financial),
    ("grants", Assistance::Financial),
    ("expertise", Assistance::TechnicalExpertise),
    ("technical assistance", Assistance::TechnicalExpertise),
    ("technical support", Assistance::TechnicalExpertise),
    ("advice", Assistance::TechnicalExpertise),
    ("advisory", Assistance::TechnicalExpertise),
    ("experts", Assistance::TechnicalExpertise),
    ("material", Assistance::Equipment),
    ("materials", Assistance::Equipment),
    ("materiel", Assistance::Equipment),
    ("training", Assistance::Training),
    ("trainings", Assistance::Training),
    ("capacity building", Assistance::Training),
    ("capacity development", Assistance::Training),
    ("information exchange", Assistance::InformationExchange),
    ("exchange of information", Assistance::InformationExchange),
    ("information sharing", Assistance::InformationExchange),
    ("good practice", Assistance::InformationExchange),
    ("good practices", Assistance::InformationExchange),
    ("best practices", Assistance::InformationExchange),
    ("lessons learned", Assistance::InformationExchange),
];

/// A list of vocabulary values, one problem per item it cannot read.
pub(super) fn parse_terms<T: Vocabulary>(
    entry: &Entry,
    words: &[(&str, T)],
    errors: &mut Vec<TemplateError>,
) -> Vec<T> {
    let own = T::ALL
        .iter()
        .flat_map(|v| [(v.label(), *v), (v.slug(), *v)]);
    let phrases: Vec<(String, T)> = own
        .chain(words.iter().copied())
        .map(|(phrase, value)| (format!(" {} ", key(phrase)), value))
        .collect();
    let mut values = Vec::new();
    for (line, items) in list_items(entry) {
        for item in items {
            match parse_term(&item, &phrases) {
                Ok(found) => values.extend(found),
                Err(problem) => errors.push(entry.error_at(line, &item, problem)),
            }
        }
    }
    values
}

/// The values one list item names: its slug or label, or every value whose words it contains
/// ("victim assistance and risk education" names two areas). `phrases` are [`key`]s with a
/// space on either side, so that only whole words match ("VA" is not in "evaluation").
fn parse_term<T: Vocabulary>(item: &str, phrases: &[(String, T)]) -> Result<Vec<T>, Problem> {
    let padded = format!(" {} ", key(item));
    let mut found: Vec<T> = Vec::new();
    for (phrase, value) in phrases {
        if padded.contains(phrase.as_str()) && !found.contains(value) {
            found.push(*value);
        }
    }
    if !found.is_empty() {
        return Ok(found);
    }
    let article = if T::WHAT.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Err(Problem::new(format!(
        "is not {article} {}; write one or more of: {}",
        T::WHAT,
        labels_of::<T>()
    ))
    .suggesting(nearest_labels::<T>(&key(item))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::testing::*;

    // --- Kind and submitter type -------------------------------------------------------------

    #[test]
    fn kinds_and_their_variants() {
        for (written, kind) in [
            ("need", Kind::Need),
            ("Need.", Kind::Need),
            ("OFFER", Kind::Offer),
            ("a project", Kind::Project),
            ("funding source", Kind::FundingSource),
            ("funding-source", Kind::FundingSource),
            ("Fund", Kind::FundingSource),
            ("Trust Fund", Kind::FundingSource),
            ("Need (a request for assistance)", Kind::Need),
        ] {
            assert_eq!(
                parse_ok(&form(&[("Kind", written)])).kind,
                kind,
                "{written}"
            );
        }
        let text = form(&[("Kind", "wish")]);
        check_error(
            &text,
            (1, "Kind", "wish"),
            "is not a kind; write one of: need",
            None,
        );
    }

    #[test]
    fn submitter_types_and_their_variants() {
        for (written, kind) in [
            ("State Party", SubmitterType::StateParty),
            ("state-party", SubmitterType::StateParty),
            ("Signatory", SubmitterType::Signatory),
            (
                "international organisation",
                SubmitterType::InternationalOrganisation,
            ),
            (
                "International Organization",
                SubmitterType::InternationalOrganisation,
            ),
            ("IO", SubmitterType::InternationalOrganisation),
            ("NGO", SubmitterType::Ngo),
            ("non-governmental organisation", SubmitterType::Ngo),
            ("Other", SubmitterType::Other),
        ] {
            let text = form(&[("Submitter type", written), ("Submitter country", "LAO")]);
            assert_eq!(parse_ok(&text).submitter.kind, kind, "{written}");
        }
        let text = form(&[("Submitter type", "NOG")]);
        check_error(
            &text,
            (4, "Submitter type", "NOG"),
            "is not a submitter type",
            Some("NGO"),
        );
    }

    #[test]
    fn a_state_party_needs_a_country_on_the_right_line() {
        let text = form(&[("Submitter type", "State Party")]);
        check_error(
            &text,
            (4, "Submitter country", ""),
            "is required for a State Party",
            None,
        );
        let text = form(&[("Submitter type", "State Party"), ("Submitter country", "")]);
        check_error(&text, (7, "Submitter country", ""), "is required", None);
        let text = form(&[
            ("Submitter type", "State Party"),
            ("Submitter country", "Laos"),
        ]);
        assert_eq!(parse_ok(&text).submitter.country.as_deref(), Some("LAO"));
        let text = form(&[("Submitter country", "Cambodja")]);
        check_error(
            &text,
            (7, "Submitter country", "Cambodja"),
            "is not a country",
            Some("KHM"),
        );
    }

    // --- Areas of work and kinds of assistance -----------------------------------------------

    #[test]
    fn areas_by_label_slug_or_common_words() {
        use Area::*;
        for (written, areas) in [
            (
                "clearance-and-risk-education",
                vec![ClearanceAndRiskEducation],
            ),
            (
                "Clearance and risk education",
                vec![ClearanceAndRiskEducation],
            ),
            ("demining", vec![ClearanceAndRiskEducation]),
            ("EORE", vec![ClearanceAndRiskEducation]),
            ("mine risk education", vec![ClearanceAndRiskEducation]),
            ("VA", vec![VictimAssistance]),
            ("assistance to victims", vec![VictimAssistance]),
            ("stockpile", vec![StockpileDestruction]),
            ("cooperation", vec![InternationalCooperationAndAssistance]),
            ("Article 7", vec![TransparencyAndNationalImplementation]),
            (
                "national implementation",
                vec![TransparencyAndNationalImplementation],
            ),
            ("universalization", vec![UniversalisationAndAdvocacy]),
            ("advocacy", vec![UniversalisationAndAdvocacy]),
            (
                "victim assistance and risk education",
                vec![VictimAssistance, ClearanceAndRiskEducation],
            ),
            (
                "\n• clearance\n• victim assistance; stockpile destruction",
                vec![
                    ClearanceAndRiskEducation,
                    VictimAssistance,
                    StockpileDestruction,
                ],
            ),
        ] {
            let s = parse_ok(&form(&[("Areas of work", written)]));
            assert_eq!(s.areas, areas, "{written}");
        }
        let text = form(&[("Areas of work", "clearance, gardening")]);
        let error = check_error(
            &text,
            (6, "Areas of work", "gardening"),
            "is not an area of work; write one or more of: clearance and risk education",
            None,
        );
        assert!(
            error.message.contains("universalisation and advocacy"),
            "{error}"
        );
    }

    #[test]
    fn kinds_of_assistance_by_label_slug_or_common_words() {
        use Assistance::*;
        for (written, assistance) in [
            ("financial", vec![Financial]),
            ("money, grants", vec![Financial]),
            ("funding", vec![Financial]),
            ("technical-expertise", vec![TechnicalExpertise]),
            ("technical assistance; advice", vec![TechnicalExpertise]),
            ("equipment / material", vec![Equipment]),
            ("capacity building", vec![Training]),
            ("exchange of information", vec![InformationExchange]),
            ("good practice", vec![InformationExchange]),
            (
                "information exchange, training",
                vec![InformationExchange, Training],
            ),
        ] {
            let s = parse_ok(&form(&[("Kinds of assistance", written)]));
            assert_eq!(s.assistance, assistance, "{written}");
        }
        let text = form(&[("Kinds of assistance", "trainning")]);
        check_error(
            &text,
            (7, "Kinds of assistance", "trainning"),
            "is not a kind of assistance",
            Some("training"),
        );
    }
}
