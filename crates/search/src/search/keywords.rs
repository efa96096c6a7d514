//! What a member typed in the keyword box, read into what to look for: the documented syntax
//! (words, `"phrases"`, `AND`, `OR`, `-word`) and nothing else. Everything else (field names,
//! wildcards, brackets, carets) is read as words, so no syntax of the index reaches it.
//!
//! Each thing asked for is a [`Concept`]: a word, a phrase, or a term of the field's glossary
//! (`data/glossary.txt`) found in the words ("mine risk education"), with the other names it
//! goes by. A search ranks first what has every concept, then what has most of them.

use crate::glossary::{self, Relation};
use portal_domain::codes;

/// How much a term found through the glossary weighs against the one typed.
pub const SYNONYM_WEIGHT: f32 = 0.6;
/// How much a narrower term found through the glossary weighs.
pub const NARROWER_WEIGHT: f32 = 0.5;
/// How much one word of a term of several weighs on its own ("fund" for "trust fund"): it
/// ranks, but does not count as having the term.
pub const PART_WEIGHT: f32 = 0.25;

/// One way of saying what a concept is: words that must stand together (a phrase) when there
/// are several.
#[derive(Debug, Clone, PartialEq)]
pub struct Wording {
    /// As the index reads them (lower case, folded, stemmed).
    pub words: Vec<String>,
    /// As shown to the user: what was typed, or the glossary's term.
    pub shown: String,
    pub weight: f32,
    /// Whether finding it counts as having the concept (a word of a term of several ranks, but
    /// does not count).
    pub counts: bool,
    /// Whether its words may stand a little apart ("clearance of the remaining cluster munition
    /// remnants" for "clearance of cluster munition remnants"): a term of the glossary may, a
    /// phrase typed in quotes may not.
    pub loose: bool,
}

/// One thing the search asks for, in all the wordings that count for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// The first wording is what was typed; the others come from the glossary or an `OR`.
    pub wordings: Vec<Wording>,
    /// Joined to the next or previous by `AND`: a hit must have it.
    pub required: bool,
    /// A country named in the words ("Cambodia", "Lao PDR"): submissions for it count too.
    pub country: Option<&'static str>,
}

impl Concept {
    /// The wordings found through the glossary, as shown to the user.
    pub fn also_searched(&self) -> impl Iterator<Item = &str> {
        self.wordings
            .iter()
            .filter(|w| w.weight < 1.0 && w.counts)
            .map(|w| w.shown.as_str())
    }
}

/// A keyword query, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keywords {
    pub concepts: Vec<Concept>,
    /// `-word`, `-"a phrase"`: nothing holding one of these is a hit.
    pub excluded: Vec<Wording>,
}

impl Keywords {
    /// Whether nothing is asked for (the search then browses, minus what is excluded).
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty() && self.excluded.is_empty()
    }

    /// Every term the glossary added, each once, in the order of the concepts.
    pub fn also_searched(&self) -> Vec<String> {
        let mut shown: Vec<String> = Vec::new();
        for concept in &self.concepts {
            for term in concept.also_searched() {
                if !shown.iter().any(|s| s.eq_ignore_ascii_case(term)) {
                    shown.push(term.to_string());
                }
            }
        }
        shown
    }
}

/// A piece of the query as typed.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Word { text: String, negated: bool },
    Phrase { text: String, negated: bool },
    And,
    Or,
}

/// Splits the query into words, phrases and the two operators. A quote without its pair runs
/// to the end; characters that are not letters, digits, `&`, `'`, `-` or `.` inside a word
/// separate words.
fn pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut chars = text.chars().peekable();
    let mut negated = false;
    let mut word = String::new();
    let flush = |word: &mut String, negated: &mut bool, pieces: &mut Vec<Piece>| {
        let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
        if !trimmed.is_empty() {
            pieces.push(match trimmed {
                "AND" if !*negated => Piece::And,
                "OR" if !*negated => Piece::Or,
                _ => Piece::Word {
                    text: trimmed.to_string(),
                    negated: *negated,
                },
            });
        }
        word.clear();
        *negated = false;
    };
    while let Some(c) = chars.next() {
        if c == '"' {
            if !word.is_empty() {
                flush(&mut word, &mut negated, &mut pieces);
            }
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            if !phrase.trim().is_empty() {
                pieces.push(Piece::Phrase {
                    text: phrase.trim().to_string(),
                    negated,
                });
            }
            negated = false;
        } else if c == '-' && word.is_empty() {
            // A minus in front of a word or a phrase excludes it; inside a word it joins.
            negated = chars.peek().is_some_and(|next| !next.is_whitespace());
        } else if c.is_alphanumeric() || matches!(c, '&' | '\'' | '-' | '.') {
            word.push(c);
        } else {
            flush(&mut word, &mut negated, &mut pieces);
        }
    }
    flush(&mut word, &mut negated, &mut pieces);
    pieces
}

/// Words too common to say what a search is about; left out of what is counted and ranked
/// (they still count inside a phrase or a glossary term). English function words.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "etc",
    "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me",
    "might", "more", "most", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "out", "over", "own", "per", "same", "shall", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
    "upon", "us", "very", "via", "was", "we", "were", "what", "when", "where", "whether", "which",
    "while", "who", "whom", "why", "will", "with", "within", "without", "would", "yet", "you",
    "your",
];

/// Words that every kind of submission uses whatever it is about: left out of what a
/// submission's text is taken to be about (matching), but kept in a search, where a member
/// typed them on purpose.
const GENERIC_WORDS: &[&str] = &[
    "activities",
    "activity",
    "ask",
    "asks",
    "based",
    "cost",
    "costs",
    "country",
    "countries",
    "current",
    "help",
    "include",
    "includes",
    "including",
    "need",
    "needs",
    "new",
    "offer",
    "offers",
    "plan",
    "plans",
    "programme",
    "program",
    "project",
    "projects",
    "provide",
    "provides",
    "request",
    "requests",
    "seek",
    "seeks",
    "support",
    "supports",
    "use",
    "used",
    "using",
    "well",
    "work",
    "works",
    "working",
    "year",
    "years",
    "month",
    "months",
];

/// A run of words typed without quotes or operators between them.
struct Run {
    /// Each word as typed, with the words the index reads in it.
    words: Vec<(String, Vec<String>)>,
    /// Whether this is a query (a country's alpha-3 code in capitals names it, every word
    /// counts) or prose (where "AND" is a word, not Andorra, and generic words and numbers
    /// say nothing of what it is about).
    codes: bool,
}

/// Reads a keyword query. Never fails: what cannot be read as syntax is read as words.
pub fn parse(text: &str) -> Keywords {
    let mut keywords = Keywords::default();
    // Concepts with what joins each to the previous one.
    let mut joined: Vec<(Concept, Option<Join>)> = Vec::new();
    let mut pending_join: Option<Join> = None;
    let mut run = Run {
        words: Vec::new(),
        codes: true,
    };

    for piece in pieces(text) {
        match piece {
            Piece::Word {
                text,
                negated: false,
            } => {
                let words = glossary::words(&text);
                if !words.is_empty() {
                    // An operator joins the word right after it, not the run before.
                    if pending_join.is_some() {
                        close_run(&mut run, &mut joined, &mut None);
                        run.words.push((text, words));
                        close_run(&mut run, &mut joined, &mut pending_join);
                    } else {
                        run.words.push((text, words));
                    }
                }
            }
            Piece::Phrase {
                text,
                negated: false,
            } => {
                close_run(&mut run, &mut joined, &mut None);
                let words = glossary::words(&text);
                if !words.is_empty() {
                    // A phrase in quotes is meant as typed: its words stand together, and
                    // none counts on its own.
                    let mut concept = concept_of(&text, words);
                    concept.wordings[0].loose = false;
                    concept.wordings.retain(|w| w.counts);
                    joined.push((concept, pending_join.take()));
                }
            }
            Piece::Word {
                text,
                negated: true,
            }
            | Piece::Phrase {
                text,
                negated: true,
            } => {
                let words = glossary::words(&text);
                if !words.is_empty() {
                    keywords.excluded.push(Wording {
                        words,
                        shown: text,
                        weight: 1.0,
                        counts: true,
                        loose: false,
                    });
                }
            }
            Piece::And => {
                close_run(&mut run, &mut joined, &mut None);
                pending_join = Some(Join::And);
            }
            Piece::Or => {
                close_run(&mut run, &mut joined, &mut None);
                pending_join = Some(Join::Or);
            }
        }
    }
    close_run(&mut run, &mut joined, &mut None);

    for (concept, join) in joined {
        match (join, keywords.concepts.last_mut()) {
            (Some(Join::Or), Some(previous)) => {
                // `a OR b`: one concept, either wording; its glossary terms too.
                for wording in concept.wordings {
                    if !previous.wordings.iter().any(|w| w.words == wording.words) {
                        previous.wordings.push(wording);
                    }
                }
                previous.country = previous.country.or(concept.country);
            }
            (Some(Join::And), Some(previous)) => {
                previous.required = true;
                keywords.concepts.push(Concept {
                    required: true,
                    ..concept
                });
            }
            _ => keywords.concepts.push(concept),
        }
    }
    keywords
}

/// The concepts of a text written as prose (a submission's title or description): every word
/// is a word, no syntax is read (a hyphen, a quote, "AND" are just text); glossary terms and
/// country names are found as in a query, stop words left out. A concept comes once for each
/// time it is written.
pub fn concepts_of_text(text: &str) -> Vec<Concept> {
    let mut run = Run {
        words: Vec::new(),
        codes: false,
    };
    let mut concepts = Vec::new();
    // What the text says it does not do is not what it is about.
    let text = crate::negation::affirmed(text);
    // Sentences and clauses end a run, so that no term spans two.
    for clause in text.split(['.', ';', ':', ',', '(', ')', '\n', '!', '?']) {
        for typed in clause.split_whitespace() {
            let typed = typed.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
            let words = glossary::words(typed);
            if !words.is_empty() {
                run.words.push((typed.to_string(), words));
            }
        }
        concepts.extend(concepts_of_run(&run));
        run.words.clear();
    }
    concepts
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    And,
    Or,
}

/// Ends a run of words: its concepts are added, the first joined to what came before by
/// `join`.
fn close_run(run: &mut Run, joined: &mut Vec<(Concept, Option<Join>)>, join: &mut Option<Join>) {
    for concept in concepts_of_run(run) {
        joined.push((concept, join.take()));
    }
    run.words.clear();
}

/// The most words a country's name has ("Democratic Republic of the Congo").
const LONGEST_COUNTRY_NAME: usize = 6;

/// The concepts of a run of words: the longest glossary terms and country names first, then
/// each remaining word that is not a stop word.
fn concepts_of_run(run: &Run) -> Vec<Concept> {
    let mut concepts = Vec::new();
    let words = &run.words;
    // A search of nothing but small words ("will", "with") is a search for them: leaving
    // them out would browse everything.
    let only_small = run.codes && words.iter().all(|(typed, _)| is_stop_word(typed));
    let left_out = |typed: &str| !only_small && is_stop_word(typed);
    let mut at = 0;
    while at < words.len() {
        let mut taken = None;
        let longest = glossary::longest_term().max(LONGEST_COUNTRY_NAME);
        for len in (1..=longest.min(words.len() - at)).rev() {
            let span = &words[at..at + len];
            if len == 1 && (left_out(&span[0].0) || (!run.codes && is_generic(&span[0].0))) {
                break;
            }
            let stems: Vec<String> = span.iter().flat_map(|(_, w)| w.clone()).collect();
            let typed = span
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if glossary::is_term(&stems) {
                let mut concept = concept_of(&typed, stems);
                // A word of one country's own ("bombies") asks about that country: a search
                // for it ranks first what is about both the thing and the country.
                if let Some(country) = concept.country.filter(|_| run.codes) {
                    concept.country = None;
                    concepts.push(concept);
                    concept = country_concept(country);
                }
                taken = Some((len, concept));
                break;
            }
            if let Some(country) = country_named(&typed, run.codes) {
                let mut concept = concept_of(&typed, stems);
                concept.country = Some(country);
                taken = Some((len, concept));
                break;
            }
        }
        match taken {
            Some((len, concept)) => {
                concepts.push(concept);
                at += len;
            }
            None => {
                let (typed, stems) = &words[at];
                if !left_out(typed) && (run.codes || !is_generic(typed)) {
                    concepts.push(concept_of(typed, stems.clone()));
                }
                at += 1;
            }
        }
    }
    concepts
}

/// Whether a word (as typed, or as the index reads it) is too common to say what a text is
/// about.
pub fn is_stop_word(typed: &str) -> bool {
    STOP_WORDS.contains(&typed.to_lowercase().as_str())
}

/// A generic word, or a number, which says nothing of what prose is about.
fn is_generic(typed: &str) -> bool {
    typed.chars().all(|c| !c.is_alphabetic())
        || GENERIC_WORDS.contains(&typed.to_lowercase().as_str())
}

/// The country a run of typed words names: a country's name or one of its other names
/// ("Lao PDR", "Viet Nam"), or its alpha-3 code typed in capitals ("KHM"); never a code in
/// small letters nor a two-letter code, which are too often words or acronyms of the field
/// ("VA", "QA").
fn country_named(typed: &str, codes_too: bool) -> Option<&'static str> {
    let country = codes::country(typed)?;
    let squashed: String = typed.chars().filter(|c| c.is_alphanumeric()).collect();
    if squashed.eq_ignore_ascii_case(country.alpha2) {
        return None;
    }
    if squashed.eq_ignore_ascii_case(country.alpha3) && (squashed != country.alpha3 || !codes_too) {
        return None;
    }
    if squashed == country.alpha3 && glossary::is_term(&glossary::words(typed)) {
        return None;
    }
    Some(country.alpha3)
}

/// The concept of a country, by its name (`alpha3` is a known code).
fn country_concept(alpha3: &'static str) -> Concept {
    let name = codes::country(alpha3).map_or(alpha3, |country| country.name);
    let mut concept = concept_of(name, glossary::words(name));
    concept.country = Some(alpha3);
    concept
}

/// A concept for `words` (read from `typed`), with what the glossary adds to it.
fn concept_of(typed: &str, words: Vec<String>) -> Concept {
    let mut wordings = vec![Wording {
        words: words.clone(),
        shown: typed.to_string(),
        weight: 1.0,
        counts: true,
        loose: glossary::is_term(&words),
    }];
    for expansion in glossary::expansions(&words) {
        let weight = match expansion.relation {
            Relation::Synonym => SYNONYM_WEIGHT,
            Relation::Narrower => NARROWER_WEIGHT,
        };
        wordings.push(Wording {
            words: expansion.term.words,
            shown: expansion.term.written.to_string(),
            weight,
            counts: true,
            loose: true,
        });
    }
    // The words of a term of several, each on its own: "fund" ranks for "trust fund".
    if words.len() > 1 {
        for word in &words {
            let said = wordings
                .iter()
                .any(|w| w.words.len() == 1 && w.words[0] == *word);
            if word.len() > 2 && !STOP_WORDS.contains(&word.as_str()) && !said {
                wordings.push(Wording {
                    words: vec![word.clone()],
                    shown: word.clone(),
                    weight: PART_WEIGHT,
                    counts: false,
                    loose: false,
                });
            }
        }
    }
    Concept {
        wordings,
        required: false,
        country: glossary::place_of(&words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keywords: &Keywords) -> Vec<String> {
        keywords
            .concepts
            .iter()
            .map(|c| c.wordings[0].shown.clone())
            .collect()
    }

    #[test]
    fn words_phrases_and_glossary_terms_are_concepts() {
        let read = parse("mine risk education for children in Lao PDR");
        assert_eq!(typed(&read), ["mine risk education", "children", "Lao PDR"]);
        assert_eq!(read.concepts[2].country, Some("LAO"));
        assert!(read.also_searched().contains(&"EORE".to_string()));
        let quoted = parse("\"battle area clearance\" Iraq");
        assert_eq!(typed(&quoted), ["battle area clearance", "Iraq"]);
        assert_eq!(quoted.concepts[1].country, Some("IRQ"));
        // A word of one country's own: the thing, and the country.
        let bombies = parse("bombies");
        assert_eq!(bombies.concepts.len(), 2);
        assert_eq!(bombies.concepts[0].country, None);
        assert_eq!(bombies.concepts[1].country, Some("LAO"));
    }

    #[test]
    fn operators_join_and_minus_excludes() {
        let read = parse("prosthetics OR submunitions");
        assert_eq!(read.concepts.len(), 1);
        let wordings: Vec<&str> = read.concepts[0]
            .wordings
            .iter()
            .map(|w| w.shown.as_str())
            .collect();
        assert!(wordings.contains(&"prosthetics") && wordings.contains(&"submunitions"));
        let both = parse("schools AND rice");
        assert!(both.concepts.iter().all(|c| c.required), "{both:?}");
        let without = parse("clearance -Ukraine");
        assert_eq!(typed(&without), ["clearance"]);
        assert_eq!(without.excluded[0].words, ["ukrain"]);
        let phrase_out = parse("survey -\"technical survey\"");
        assert_eq!(phrase_out.excluded[0].words.len(), 2);
    }

    #[test]
    fn no_syntax_of_the_index_gets_through() {
        for text in [
            "title:*",
            "text:*",
            "id:*",
            "zzz:*",
            "status:published",
            "risk^^",
            "(((",
            "*",
        ] {
            let read = parse(text);
            for concept in &read.concepts {
                for wording in &concept.wordings {
                    for word in &wording.words {
                        assert!(
                            word.chars().all(char::is_alphanumeric),
                            "{text:?}: {word:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(typed(&parse("title:survey")), ["title", "survey"]);
        assert!(parse("AND OR").is_empty());
        assert!(parse("-").is_empty());
        assert!(parse("\"unclosed").concepts.len() == 1);
    }

    #[test]
    fn acronyms_are_not_taken_for_countries() {
        for acronym in ["VA", "QA", "CM", "IM", "va"] {
            assert!(
                parse(acronym).concepts.iter().all(|c| c.country.is_none()),
                "{acronym}"
            );
        }
        assert_eq!(parse("KHM").concepts[0].country, Some("KHM"));
        assert_eq!(parse("khm").concepts[0].country, None);
        assert_eq!(parse("Cambodia").concepts[0].country, Some("KHM"));
    }

    #[test]
    fn prose_is_read_without_syntax() {
        let concepts = concepts_of_text(
            "Non-technical survey AND \"clearance\" in Lao PDR. Survivors -- and victims.",
        );
        let shown: Vec<&str> = concepts
            .iter()
            .map(|c| c.wordings[0].shown.as_str())
            .collect();
        assert_eq!(
            shown,
            [
                "Non-technical survey",
                "clearance",
                "Lao PDR",
                "Survivors",
                "victims"
            ]
        );
    }

    #[test]
    fn stop_words_are_left_out_but_kept_inside_terms() {
        assert_eq!(
            typed(&parse("small grants for NGOs")),
            ["small grants", "NGOs"]
        );
        assert_eq!(
            typed(&parse("\"gender and diversity\"")),
            ["gender and diversity"]
        );
        // Nothing but small words: those are what is asked for.
        assert_eq!(typed(&parse("the of for")), ["the", "of", "for"]);
        assert_eq!(typed(&parse("will")), ["will"]);
        assert_eq!(typed(&parse("with the survey")), ["survey"]);
    }
}
