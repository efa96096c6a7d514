//! What a text says it does not do: "The Trust does not fund victim assistance", "Clearance and
//! risk education are not funded", "we are not asking for cash". Such words name a topic the
//! submission is *not* about, so the index and matching read the text without them (the
//! stored text, and what members see, keep every word). Only statements of scope are taken
//! out: "villages never visited by a survey team" describes a need for survey, and stays.

/// Verbs of scope after which a negation excludes what follows, to the end of the clause:
/// "does not fund clearance", "not requesting training".
const EXCLUDING: &[&str] = &[
    "not fund",
    "not finance",
    "not cover",
    "not provide",
    "not support",
    "not offer",
    "not request",
    "not requesting",
    "not asking for",
    "not seeking",
    "not eligible for",
    "cannot fund",
    "cannot finance",
    "nor",
    "excluding",
    "except",
];

/// Endings by which a clause says that what it named before is left out: "victim assistance
/// is not funded", "is funded through other channels".
const EXCLUDED: &[&str] = &[
    "not funded",
    "not financed",
    "not covered",
    "not eligible",
    "not requested",
    "not included",
    "through other channels",
    "by other donors",
    "are excluded",
    "is excluded",
];

/// `text` without its statements of what it does not do; the text itself when it has none.
pub fn affirmed(text: &str) -> String {
    let lower = text.to_lowercase();
    if !lower.contains("not")
        && !lower.contains("nor ")
        && !lower.contains("except")
        && !lower.contains("other channels")
        && !lower.contains("excluded")
        && !lower.contains("other donors")
    {
        return text.to_string();
    }
    let mut kept = String::with_capacity(text.len());
    for clause in clauses(text) {
        kept.push_str(&affirmed_clause(clause));
    }
    kept
}

/// The clauses of a text, each with the punctuation that ends it (so that the text is the
/// clauses put back together).
fn clauses(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, next)| next.is_whitespace());
        if matches!(c, ';' | ':' | '!' | '?' | '\n') || (matches!(c, '.' | ',') && next_is_space) {
            let end = at + c.len_utf8();
            found.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        found.push(&text[start..]);
    }
    found
}

/// One clause without what it says is left out: from the excluding words to the clause's end
/// (or a "but", which turns back: "not asking for money but for expertise"), or the whole
/// clause when it ends by saying what it named is left out.
fn affirmed_clause(clause: &str) -> String {
    let lower = clause.to_lowercase();
    let words = |phrase: &str| -> Option<usize> {
        lower.match_indices(phrase).map(|(at, _)| at).find(|&at| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + phrase.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    };
    if EXCLUDED.iter().any(|phrase| words(phrase).is_some()) {
        // Keep the punctuation that ends it, so that words on either side do not run together.
        return clause
            .chars()
            .rev()
            .find(|c| !c.is_alphanumeric() && !c.is_whitespace())
            .map_or_else(String::new, |c| format!(" {c}"));
    }
    let Some(from) = EXCLUDING.iter().filter_map(|phrase| words(phrase)).min() else {
        return clause.to_string();
    };
    let resumes = lower[from..].find(" but ").map(|at| from + at);
    let mut kept = clause[..from].to_string();
    kept.push(' ');
    if let Some(at) = resumes {
        kept.push_str(&affirmed_clause(&clause[at..]));
    } else if let Some(end) = clause.chars().last().filter(|c| !c.is_alphanumeric()) {
        kept.push(end);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeezed(text: &str) -> String {
        affirmed(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn what_a_text_says_it_does_not_do_is_left_out() {
        assert_eq!(
            squeezed("It funds survey and clearance. The Trust does not fund victim assistance."),
            "It funds survey and clearance. The Trust does ."
        );
        assert_eq!(
            squeezed("It funds clearance. Victim assistance is funded through other channels."),
            "It funds clearance. ."
        );
        assert_eq!(
            squeezed("Clearance and risk education are not funded; survivors' groups are."),
            "; survivors' groups are."
        );
        assert_eq!(
            squeezed("We are not asking for money but for expertise in database design."),
            "We are but for expertise in database design."
        );
        assert_eq!(
            squeezed("It does not provide training beyond familiarisation, nor funding."),
            "It does , ."
        );
    }

    #[test]
    fn descriptions_of_a_need_stay() {
        for text in [
            "Many villages have never been visited by a survey team.",
            "Survivors who cannot afford transport to therapy.",
            "There is no mental health service in rural communes.",
            "Non-technical survey of the northern districts.",
            "Figures are not always consistent between reports.",
        ] {
            assert_eq!(affirmed(text), text);
        }
    }
}
