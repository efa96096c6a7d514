//! Keywords as tantivy queries: one query per concept, its presence worth a constant (so hits
//! rank in tiers by how many concepts they hold), then BM25 by field weight.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::Place;
use super::keywords::{Keywords, Wording};
use crate::index::{Fields, GLOBAL_PLACE};
use portal_domain::codes;

/// What having one thing asked for adds to a hit's score: more than the words can add, so that
/// a score says how many of the things asked for a hit has (the score divided by this,
/// rounded down), and hits with more of them rank first.
pub const PRESENCE: f32 = 10_000.0;

/// How much a word weighs in each text field: the title most, the submitter's name least
/// (a name is not a topic: "Mine Clearance Trust" offering prosthetics is not about clearance).
const TITLE_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
const ORGANISATION_WEIGHT: f32 = 0.3;
/// What a submission for a country named in the keywords adds, against the words' score.
const COUNTRY_WEIGHT: f32 = 2.0;
/// What the wordings of a concept other than the best-scoring one add, as a share of their
/// scores.
pub const WORDINGS_TIE: f32 = 0.1;

/// The query for a search's keywords. Each concept (a word, a phrase, a term of the glossary
/// with its other names) counts [`PRESENCE`] when the title, summary or description has one
/// of its wordings (or, for a country, the submission is for it), plus the words' BM25 score
/// in each field at that field's weight; the submitter's name adds a little, never presence.
/// A hit needs one concept at least, every concept joined by `AND`, and none excluded.
pub fn keyword_query(fields: &Fields, keywords: &Keywords) -> Box<dyn Query> {
    let content = [
        (fields.title, TITLE_WEIGHT),
        (fields.summary, SUMMARY_WEIGHT),
        (fields.body, BODY_WEIGHT),
    ];
    // The concepts (one needed, those joined by `AND` all), and apart from them what only
    // ranks: the words of a term of several on their own, which make no hit by themselves.
    let mut concepts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut ranking_only: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for concept in &keywords.concepts {
        let mut present: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut wordings: Vec<Box<dyn Query>> = Vec::new();
        for wording in &concept.wordings {
            if !wording.counts {
                for (field, weight) in content {
                    let query = wording_query(field, wording);
                    ranking_only.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(query, weight * wording.weight)),
                    ));
                }
                continue;
            }
            let mut fields_scored: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, weight) in content {
                let query = wording_query(field, wording);
                present.push((Occur::Should, query.box_clone()));
                fields_scored.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, weight * wording.weight)),
                ));
            }
            wordings.push(Box::new(BooleanQuery::new(fields_scored)));
        }
        // The best wording counts; the others add a little (a text that says the same thing
        // five ways is not five times as relevant).
        let mut scored: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(DisjunctionMaxQuery::with_tie_breaker(
                wordings,
                WORDINGS_TIE,
            )),
        )];
        let typed = &concept.wordings[0];
        let query = wording_query(fields.organisation, typed);
        scored.push((
            Occur::Should,
            Box::new(BoostQuery::new(query, ORGANISATION_WEIGHT)),
        ));
        if let Some(country) = concept.country.and_then(codes::country) {
            // The country itself, or a region that holds it (at half the weight); not what
            // is open to every country, which is about no country in particular.
            let itself = codes::country_ordinal(country.alpha3);
            let regions: Vec<u64> = Place::Country(country)
                .covering_values()
                .into_iter()
                .filter(|&value| value != GLOBAL_PLACE && Some(value) != itself)
                .collect();
            for (places, weight) in [
                (itself.into_iter().collect::<Vec<_>>(), COUNTRY_WEIGHT),
                (regions, COUNTRY_WEIGHT / 2.0),
            ] {
                if places.is_empty() {
                    continue;
                }
                present.push((Occur::Should, any_term(fields.place, places.clone())));
                scored.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(any_term(fields.place, places), weight)),
                ));
            }
        }
        let presence = ConstScoreQuery::new(Box::new(BooleanQuery::new(present)), PRESENCE);
        scored.push((Occur::Should, Box::new(presence)));
        let occur = if concept.required {
            Occur::Must
        } else {
            Occur::Should
        };
        concepts.push((occur, Box::new(BooleanQuery::new(scored))));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = if concepts.is_empty() {
        vec![(Occur::Must, Box::new(AllQuery))]
    } else {
        vec![(Occur::Must, Box::new(BooleanQuery::new(concepts)))]
    };
    clauses.extend(ranking_only);
    for wording in &keywords.excluded {
        for field in [
            fields.title,
            fields.summary,
            fields.body,
            fields.organisation,
        ] {
            clauses.push((Occur::MustNot, wording_query(field, wording)));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// How many words may stand between the words of a loose wording.
const LOOSE_SLOP: u32 = 2;

/// One wording in one field: a word, or words that must stand together (or, when `loose`,
/// nearly together, in their order).
pub fn wording_query(field: Field, wording: &Wording) -> Box<dyn Query> {
    match &wording.words[..] {
        [] => Box::new(EmptyQuery),
        [word] => Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        )),
        words => {
            let mut phrase = PhraseQuery::new(
                words
                    .iter()
                    .map(|word| Term::from_field_text(field, word))
                    .collect(),
            );
            if wording.loose {
                phrase.set_slop(LOOSE_SLOP);
            }
            Box::new(phrase)
        }
    }
}

pub fn term(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Matches any of `values` in `field`.
pub fn any_term(field: Field, mut values: Vec<u64>) -> Box<dyn Query> {
    values.sort_unstable();
    values.dedup();
    if values.len() == 1 {
        return term(field, values[0]);
    }
    Box::new(BooleanQuery::new(
        values
            .into_iter()
            .map(|v| (Occur::Should, term(field, v)))
            .collect(),
    ))
}
