//! The field's own vocabulary (`data/glossary.txt`): which terms a search for one term also
//! looks for ("demining" also finds "land release" and "BAC"; "P&O" finds "prosthetics").
//!
//! Terms are kept as the index reads them (the words of [`crate::analysis::analyzer`]), so a
//! query's words are compared with them word for word. This module knows nothing of tantivy
//! queries: it says which terms, and how far from the one asked for.

use std::collections::HashMap;
use std::sync::LazyLock;

use tantivy::tokenizer::TokenStream;

const GLOSSARY: &str = include_str!("../../../data/glossary.txt");

/// How a term found through the glossary stands to the one asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same thing under another name.
    Synonym,
    /// A kind or a part of what was asked for.
    Narrower,
}

/// A term of the glossary: as written there, and as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub written: &'static str,
    pub words: Vec<String>,
}

/// A term to look for besides the one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub term: Term,
    pub relation: Relation,
}

/// One line of the glossary.
#[derive(Debug)]
struct Entry {
    /// For `a > b | c`, the broader term `a`; `None` for a line of synonyms.
    broader: Option<Term>,
    terms: Vec<Term>,
}

struct Glossary {
    entries: Vec<Entry>,
    /// Words of one country's own, by their words joined with spaces: the country's alpha-3.
    places: HashMap<String, &'static str>,
    /// Entries holding each term (by its words joined with spaces).
    by_words: HashMap<String, Vec<usize>>,
    /// The most words any term has.
    longest: usize,
}

static LOADED: LazyLock<Glossary> = LazyLock::new(|| load(GLOSSARY));

/// The words of `text` as the index reads them.
pub fn words(text: &str) -> Vec<String> {
    let mut analyzer = crate::analysis::analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(token.text.clone());
    }
    words
}

fn load(text: &'static str) -> Glossary {
    let mut entries = Vec::new();
    let mut places = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((term, country)) = line.split_once('@') {
            places.insert(words(term).join(" "), country.trim());
            continue;
        }
        let term = |written: &'static str| {
            let written = written.trim();
            Term {
                written,
                words: words(written),
            }
        };
        let (broader, rest) = match line.split_once('>') {
            Some((broader, rest)) => (Some(term(broader)), rest),
            None => (None, line),
        };
        let terms: Vec<Term> = rest
            .split('|')
            .map(term)
            .filter(|t| !t.words.is_empty())
            .collect();
        entries.push(Entry { broader, terms });
    }
    let mut by_words: HashMap<String, Vec<usize>> = HashMap::new();
    let mut longest = 0;
    for (i, entry) in entries.iter().enumerate() {
        for term in entry.broader.iter().chain(&entry.terms) {
            longest = longest.max(term.words.len());
            let list = by_words.entry(term.words.join(" ")).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    for term in places.keys() {
        longest = longest.max(term.split(' ').count());
    }
    Glossary {
        entries,
        places,
        by_words,
        longest,
    }
}

/// Whether these words (as the index reads them) are a term of the glossary.
pub fn is_term(words: &[String]) -> bool {
    let key = words.join(" ");
    LOADED.by_words.contains_key(&key) || LOADED.places.contains_key(&key)
}

/// The country (ISO alpha-3) whose own word these words are ("bombies": LAO), if any.
pub fn place_of(words: &[String]) -> Option<&'static str> {
    LOADED.places.get(&words.join(" ")).copied()
}

/// The most words a glossary term has: how far ahead a query need look for one.
pub fn longest_term() -> usize {
    LOADED.longest
}

/// What else to look for when `words` (a term, as the index reads it) is asked for: its
/// synonyms, and the narrower terms of an entry it or one of them heads, with their synonyms.
/// Each term once, synonyms first; the term itself is not among them.
pub fn expansions(words: &[String]) -> Vec<Expansion> {
    let glossary = &*LOADED;
    let key = words.join(" ");
    let Some(entries) = glossary.by_words.get(&key) else {
        return Vec::new();
    };
    let mut found: Vec<Expansion> = Vec::new();
    let add = |found: &mut Vec<Expansion>, term: &Term, relation: Relation| {
        if term.words != words && !found.iter().any(|e| e.term.words == term.words) {
            found.push(Expansion {
                term: term.clone(),
                relation,
            });
        }
    };
    // Synonyms before narrower terms, whichever line comes first.
    for &i in entries {
        let entry = &glossary.entries[i];
        if entry.broader.is_none() {
            for term in &entry.terms {
                add(&mut found, term, Relation::Synonym);
            }
        }
    }
    // The narrower terms of the term and of each of its other names ("mine clearance" finds
    // what "demining" does), each with its own other names ("survivors" brings "victims").
    let mut same: Vec<Vec<String>> = vec![words.to_vec()];
    same.extend(found.iter().map(|e| e.term.words.clone()));
    for entry in &glossary.entries {
        if entry
            .broader
            .as_ref()
            .is_some_and(|b| same.contains(&b.words))
        {
            for term in &entry.terms {
                add(&mut found, term, Relation::Narrower);
                for synonym in synonyms_of(glossary, &term.words) {
                    add(&mut found, synonym, Relation::Narrower);
                }
            }
        }
    }
    found
}

/// The other names of `words` in the glossary's lines of synonyms.
fn synonyms_of<'g>(glossary: &'g Glossary, words: &[String]) -> impl Iterator<Item = &'g Term> {
    let entries = glossary.by_words.get(&words.join(" "));
    entries
        .into_iter()
        .flatten()
        .map(|&i| &glossary.entries[i])
        .filter(|entry| entry.broader.is_none())
        .flat_map(|entry| entry.terms.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(text: &str) -> Vec<&'static str> {
        expansions(&words(text))
            .into_iter()
            .map(|e| e.term.written)
            .collect()
    }

    #[test]
    fn every_line_of_the_glossary_reads() {
        let glossary = &*LOADED;
        assert!(glossary.entries.len() >= 40, "{}", glossary.entries.len());
        for entry in &glossary.entries {
            assert!(
                entry.terms.len() + usize::from(entry.broader.is_some()) >= 2,
                "{entry:?}"
            );
        }
        assert!(glossary.longest >= 5);
    }

    #[test]
    fn synonyms_find_each_other_whatever_the_form() {
        assert!(expanded("demining").contains(&"land release"));
        assert!(expanded("Battle Area Clearance").contains(&"BAC"));
        assert!(expanded("EORE").contains(&"mine risk education"));
        assert!(expanded("survivor").contains(&"victims"));
        assert!(expanded("P&O").contains(&"prosthetics"));
        assert!(expanded("bombies").contains(&"unexploded submunitions"));
        assert!(!expanded("UXO").contains(&"submunitions"));
        assert!(expanded("submunitions").contains(&"cluster munition remnants"));
        assert!(expanded("demilitarization").contains(&"stockpile destruction"));
        assert!(expanded("IMSMA").contains(&"information management"));
        assert!(expanded("Article 7 reports").contains(&"transparency report"));
        assert!(expanded("nothing like this").is_empty());
        assert_eq!(place_of(&words("Bombies")), Some("LAO"));
        assert_eq!(place_of(&words("demining")), None);
    }

    #[test]
    fn a_broader_term_finds_the_narrower_ones_but_not_the_other_way() {
        let survey = expansions(&words("survey"));
        let nts = survey
            .iter()
            .find(|e| e.term.written == "NTS")
            .expect("survey finds NTS");
        assert_eq!(nts.relation, Relation::Narrower);
        assert!(!expanded("NTS").contains(&"survey"));
        let rehabilitation = expanded("physical rehabilitation");
        assert!(rehabilitation.contains(&"P&O"), "{rehabilitation:?}");
        assert!(!expanded("P&O").contains(&"physical rehabilitation"));
        // Through another name of the broader term, and to the narrower term's other names.
        assert!(expanded("mine clearance").contains(&"MDD"));
        assert!(expanded("victim assistance").contains(&"casualties"));
        assert!(!expanded("victims").contains(&"victim assistance"));
    }

    #[test]
    fn synonyms_come_before_narrower_terms_and_each_term_once() {
        let found = expansions(&words("mine detection dogs"));
        let first_narrower = found.iter().position(|e| e.relation == Relation::Narrower);
        let last_synonym = found.iter().rposition(|e| e.relation == Relation::Synonym);
        if let (Some(n), Some(s)) = (first_narrower, last_synonym) {
            assert!(s < n);
        }
        let mut seen: Vec<&Vec<String>> = found.iter().map(|e| &e.term.words).collect();
        let all = seen.len();
        seen.dedup();
        assert_eq!(seen.len(), all);
    }
}
