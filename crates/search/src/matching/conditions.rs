//! What an offer's or a funding source's own words make a condition of applying: who may apply
//! ("Only governments may apply", "We cannot fund governments"), whether it is open at all
//! ("works with pre-selected partners"), and the smallest and largest grant ("grants range
//! from USD 500,000 to USD 3 million", "projects below USD 500,000 are not considered",
//! "grants of up to EUR 50,000"). Matching reads them so that a need the offer cannot serve is
//! not shown as a fit because the texts agree. Read from sentences, in the ways donors write
//! them; a condition written otherwise is not seen (and the match stays as the texts rank it).

use super::fit::amount_fit;
use portal_domain::codes;
use portal_domain::submission::{Submission, SubmitterType};

/// Who may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Applicants {
    #[default]
    Anyone,
    /// Governments and their authorities only.
    Governments,
    /// Not governments: organisations (NGOs, operators, survivors' groups).
    Organisations,
}

/// The conditions an offer's texts set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Conditions {
    pub applicants: Applicants,
    /// Open only to partners it has chosen (no call for proposals).
    pub closed: bool,
    /// The smallest grant, in USD, when written as a bar ("projects below USD 500,000 are not
    /// considered", "minimum grant").
    pub least_usd: Option<f64>,
    /// The largest grant, in USD.
    pub most_usd: Option<f64>,
}

impl Conditions {
    /// The conditions of `offer`'s summary, description and how to apply.
    pub fn of(offer: &Submission) -> Conditions {
        let mut conditions = Conditions::default();
        let texts = [&offer.summary, &offer.description, &offer.how_to_apply];
        for sentence in texts.iter().flat_map(|text| sentences(text)) {
            conditions.read(&sentence);
        }
        conditions
    }

    fn read(&mut self, sentence: &str) {
        let lower = sentence.to_lowercase();
        let has = |phrase: &str| lower.contains(phrase);
        let government_words = [
            "governments",
            "government bodies",
            "government institutions",
            "national authorities",
            "state institutions",
        ];
        let refusal = [
            "cannot fund",
            "can not fund",
            "do not fund",
            "does not fund",
        ];
        if government_words.iter().any(|g| {
            has(&format!("only {g} may apply"))
                || has(&format!("only {g} can apply"))
                || has(&format!("{g} only"))
                || has(&format!("open only to {g}"))
        }) {
            self.applicants = Applicants::Governments;
        }
        let refused = refusal
            .iter()
            .any(|r| government_words.iter().any(|g| has(&format!("{r} {g}"))));
        let only_organisations = has("only")
            && has("may apply")
            && [
                "-led",
                "ngos",
                "non-governmental",
                "civil society",
                "operators",
            ]
            .iter()
            .any(|o| has(o))
            && !government_words.iter().any(|g| has(g));
        if refused || only_organisations {
            self.applicants = Applicants::Organisations;
        }
        if has("pre-selected partners")
            || has("preselected partners")
            || has("by invitation only")
            || has("does not accept unsolicited")
            || has("do not accept unsolicited")
        {
            self.closed = true;
        }
        let amounts = amounts_in(sentence);
        let about_grants = ["grant", "project", "award", "request", "allocation"]
            .iter()
            .any(|w| has(w));
        if !about_grants || amounts.is_empty() {
            return;
        }
        if has("range from") || has("ranging from") || (has(" from ") && amounts.len() >= 2) {
            // A range's lower end is a guide, not a bar (a smaller request may be combined
            // or scaled up); only a minimum written as one is.
            if let [_, most, ..] = amounts[..] {
                self.most_usd = Some(most);
                return;
            }
        }
        let below_is_refused = (has("below") || has("under") || has("less than")) && has("not");
        if below_is_refused || has("minimum") {
            self.least_usd = Some(amounts[0]);
        } else if has("up to") || has("maximum") || has("at most") {
            self.most_usd = Some(amounts[0]);
        }
    }

    /// How far these conditions let `need` apply: 1, times `unmet` when it may not apply or
    /// asks less than the smallest grant, times the amount's fit with the largest grant.
    pub fn fit(&self, need: &Submission, unmet: f32) -> f32 {
        let mut factor = 1.0;
        if !self.admits(need.submitter.kind) {
            factor *= unmet;
        }
        if let Some(asked) = need.usd().filter(|usd| *usd > 0.0) {
            if self.least_usd.is_some_and(|least| asked < least) {
                factor *= unmet;
            }
            if let Some(most) = self.most_usd {
                factor *= amount_fit(Some(asked), Some(most));
            }
        }
        factor
    }

    /// Whether a need from `submitter` may apply.
    pub fn admits(&self, submitter: SubmitterType) -> bool {
        let government = matches!(
            submitter,
            SubmitterType::StateParty | SubmitterType::Signatory
        );
        match self.applicants {
            Applicants::Anyone => true,
            Applicants::Governments => government,
            Applicants::Organisations => !government,
        }
    }
}

/// The sentences of a text.
fn sentences(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        // A full stop ends a sentence when a space or the end follows (not "1.5", "U.S.").
        let ends = matches!(c, '.' | ';' | '!' | '?')
            && chars.peek().is_none_or(|next| next.is_whitespace());
        if ends {
            found.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        found.push(current);
    }
    found
}

/// The amounts a sentence names as a currency code and a number ("USD 500,000", "EUR 1.5
/// million"), in USD, in their order; amounts in a currency without a rate are left out.
fn amounts_in(sentence: &str) -> Vec<f64> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let mut amounts = Vec::new();
    for (at, pair) in words.windows(2).enumerate() {
        let code = pair[0].trim_matches(|c: char| !c.is_ascii_alphabetic());
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let Some(rate) = codes::usd_rate(code) else {
            continue;
        };
        let digits: String = pair[1]
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let Ok(mut number) = digits.parse::<f64>() else {
            continue;
        };
        match words.get(at + 2).map(|w| w.to_lowercase()) {
            Some(w) if w.starts_with("million") => number *= 1_000_000.0,
            Some(w) if w.starts_with("billion") => number *= 1_000_000_000.0,
            _ => {}
        }
        amounts.push(number * rate);
    }
    amounts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Conditions {
        let mut conditions = Conditions::default();
        for sentence in sentences(text) {
            conditions.read(&sentence);
        }
        conditions
    }

    #[test]
    fn who_may_apply() {
        assert_eq!(
            read("Only governments may apply; grants must be part of a national plan.").applicants,
            Applicants::Governments
        );
        assert_eq!(
            read("We cannot fund governments.").applicants,
            Applicants::Organisations
        );
        // Work done through operators still serves the authority's request.
        assert_eq!(
            read("Operators apply in consortia. National authorities may propose priorities but do not apply directly.").applicants,
            Applicants::Anyone
        );
        assert_eq!(
            read("Only survivor-led or disability-led organisations may apply.").applicants,
            Applicants::Organisations
        );
        assert_eq!(
            read("Organisations in any country may apply.").applicants,
            Applicants::Anyone
        );
        assert!(read("The programme works with pre-selected partners.").closed);
        let only_governments = read("Only governments may apply.");
        assert!(only_governments.admits(SubmitterType::StateParty));
        assert!(!only_governments.admits(SubmitterType::Ngo));
    }

    #[test]
    fn the_smallest_and_largest_grant() {
        let range = read("Grants range from USD 500,000 to USD 3 million.");
        assert_eq!(range.least_usd, None);
        assert_eq!(range.most_usd, Some(3_000_000.0));
        let below = read("Projects below USD 500,000 are not considered.");
        assert_eq!(below.least_usd, Some(500_000.0));
        assert_eq!(below.most_usd, None);
        let up_to = read("Grants of up to USD 50,000 for organisations led by survivors.");
        assert_eq!(up_to.most_usd, Some(50_000.0));
        // A programme's total is no grant's size.
        assert_eq!(read("Total window USD 15 million.").most_usd, None);
        assert_eq!(read("Up to 1.5 tonnes.").most_usd, None);
    }
}
