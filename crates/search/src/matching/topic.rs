//! What a submission is about, for matching: the concepts of its title, summary and
//! description (words, and terms of the field's glossary with their other names), each weighed
//! by where and how often it is written and how rare it is in the catalogue. Words that half
//! the catalogue uses say nothing about a fit ("support", "communities", "safe") and are left
//! out; the submitter's name is never read (a name is not a topic).

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::index::Fields;
use crate::search::keywords::{self, Concept};
use crate::search::{self, Result};
use portal_domain::submission::Submission;

/// How many concepts of a submission rank its matches.
const MOST_CONCEPTS: usize = 40;
/// A word that this share of the catalogue or more has is boilerplate, once the catalogue is
/// large enough to tell (below [`TELLING_SIZE`] documents every word is kept).
const BOILERPLATE_SHARE: f64 = 0.3;
const TELLING_SIZE: u64 = 50;
/// How much a concept weighs by where the subject writes it.
const TITLE_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const DESCRIPTION_WEIGHT: f32 = 1.0;
/// How much a counterpart's fields weigh when it is ranked.
const FIELD_WEIGHTS: [f32; 3] = [3.0, 2.0, 1.0];

/// The words of what `subject` is about, as written (its title's, summary's and
/// description's concepts in their first wording, each once): what a plain full-text engine
/// would be given to find its matches.
pub fn topic_words(subject: &Submission) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for text in [&subject.title, &subject.summary, &subject.description] {
        for concept in keywords::concepts_of_text(text) {
            for word in concept.wordings[0].shown.split_whitespace() {
                if !words.iter().any(|w| w == word) {
                    words.push(word.to_string());
                }
            }
        }
    }
    words
}

/// The concepts that rank a submission's matches, with their weights.
#[derive(Debug, Clone, Default)]
pub struct Topic {
    pub concepts: Vec<(Concept, f32)>,
}

impl Topic {
    /// The topic of `subject`, its words' rarity taken from `searcher`'s catalogue.
    pub fn of(subject: &Submission, searcher: &Searcher, fields: &Fields) -> Result<Topic> {
        let mut weighed: Vec<(Concept, f32)> = Vec::new();
        for (text, weight) in [
            (&subject.title, TITLE_WEIGHT),
            (&subject.summary, SUMMARY_WEIGHT),
            (&subject.description, DESCRIPTION_WEIGHT),
        ] {
            for concept in keywords::concepts_of_text(text) {
                match weighed
                    .iter_mut()
                    .find(|(c, _)| c.wordings[0].words == concept.wordings[0].words)
                {
                    Some((_, total)) => *total += weight,
                    None => weighed.push((concept, weight)),
                }
            }
        }
        let documents = searcher.num_docs();
        let mut concepts = Vec::with_capacity(weighed.len());
        for (mut concept, weight) in weighed {
            // A country named in the text is a place, which the place weights see to.
            if concept.country.is_some() {
                continue;
            }
            let share = share_of_catalogue(searcher, fields.body, &concept, documents)?;
            if documents >= TELLING_SIZE && share >= BOILERPLATE_SHARE {
                continue;
            }
            // Written again, a concept counts for more, but less than twice as much.
            let weight = weight.sqrt();
            concept.required = false;
            concepts.push((concept, weight));
        }
        concepts.sort_by(|a, b| b.1.total_cmp(&a.1));
        concepts.truncate(MOST_CONCEPTS);
        Ok(Topic { concepts })
    }

    /// The ranking part of a matching query: each concept's wordings in the counterpart's
    /// title, summary and description, BM25 at the concept's and the field's weight.
    pub fn query(&self, fields: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
        let content = [fields.title, fields.summary, fields.body];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (concept, weight) in &self.concepts {
            let mut wordings: Vec<Box<dyn Query>> = Vec::new();
            for wording in &concept.wordings {
                let mut in_fields: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (field, field_weight) in content.into_iter().zip(FIELD_WEIGHTS) {
                    let query = search::wording_query(field, wording);
                    let boost = weight * field_weight * wording.weight;
                    in_fields.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
                }
                wordings.push(Box::new(BooleanQuery::new(in_fields)));
            }
            // A concept counts once, by its best wording.
            let best = DisjunctionMaxQuery::with_tie_breaker(wordings, search::WORDINGS_TIE);
            clauses.push((Occur::Should, Box::new(best)));
        }
        clauses
    }

    /// The topic's concepts that `other` also writes of (in its title, summary or
    /// description), as shown in a reason: "demining" or, where the other says it another
    /// way, "demining / land release". The weightiest first, at most `most`.
    pub fn shared_with(&self, other: &Submission, most: usize) -> Vec<String> {
        let theirs: Vec<Concept> = [&other.title, &other.summary, &other.description]
            .into_iter()
            .flat_map(|text| keywords::concepts_of_text(text))
            .collect();
        let mut shared = Vec::new();
        for (concept, _) in &self.concepts {
            let ours = &concept.wordings[0];
            let found = theirs.iter().find_map(|their| {
                concept
                    .wordings
                    .iter()
                    .find(|w| w.counts && w.words == their.wordings[0].words)
                    .map(|_| &their.wordings[0])
            });
            if let Some(their) = found {
                let said = if their.words == ours.words {
                    ours.shown.to_lowercase()
                } else {
                    format!(
                        "{} / {}",
                        ours.shown.to_lowercase(),
                        their.shown.to_lowercase()
                    )
                };
                if !shared.contains(&said) {
                    shared.push(said);
                }
            }
            if shared.len() >= most {
                break;
            }
        }
        shared
    }
}

/// The share of the catalogue's documents whose `field` holds the concept under one of its
/// names (the most frequent name's share: a lower bound; for a term of several words, its
/// rarest word's share: an upper bound).
fn share_of_catalogue(
    searcher: &Searcher,
    field: Field,
    concept: &Concept,
    documents: u64,
) -> Result<f64> {
    if documents == 0 {
        return Ok(0.0);
    }
    let mut most = 0;
    for wording in concept.wordings.iter().filter(|w| w.counts) {
        let mut rarest = u64::MAX;
        for word in &wording.words {
            let frequency = searcher.doc_freq(&Term::from_field_text(field, word))?;
            rarest = rarest.min(frequency);
        }
        most = most.max(rarest.min(documents));
    }
    Ok(most as f64 / documents as f64)
}

/// The whole query for a topic within `filters` (which must all hold, unscored).
pub fn ranked_within(filters: Vec<Box<dyn Query>>, topic: &Topic, fields: &Fields) -> BooleanQuery {
    let must = filters.into_iter().map(|filter| {
        let unscored = tantivy::query::ConstScoreQuery::new(filter, 0.0);
        (Occur::Must, Box::new(unscored) as Box<dyn Query>)
    });
    BooleanQuery::new(must.chain(topic.query(fields)).collect())
}
