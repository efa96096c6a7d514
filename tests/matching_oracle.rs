//! Matching against a plain reference: for every need, offer and funding source of a demo
//! catalogue spread across several index segments with deletions, the matches the portal finds
//! (from its value table, with tantivy's pruning) are compared with what one tantivy query
//! finds, with the conditions of a fit as index terms and tantivy's own ranking.

mod common;

use std::ops::Bound;

use common::{Fixture, need, offer};
use portal::index::{SearchIndex, names};
use portal::matching::{SMALLEST_USEFUL_SHARE, counterpart_places, words_with_originals};
use portal::search;
use portal::submission::{Kind, Status, Submission, Vocabulary};
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, ExistsQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};

/// Scores closer than this are the same score (they are sums of the same terms, perhaps
/// added in another order).
const SAME_SCORE: f32 = 1e-4;

/// The fits of `subject` by one tantivy query, best first, with their scores: every condition
/// a term, range or column of the index, the subject's words to rank.
fn reference(index: &SearchIndex, subject: &Submission, limit: usize) -> Vec<(String, f32)> {
    let counterpart_kinds: &[Kind] = match subject.kind {
        Kind::Need => &[Kind::Offer, Kind::FundingSource],
        Kind::Offer | Kind::FundingSource => &[Kind::Need],
        Kind::Project => return Vec::new(),
    };
    if subject.areas.is_empty() {
        return Vec::new();
    }
    let fields = index.fields();
    let now = common::start_time();
    // Visible: published, and not past its expiry.
    let expires_after = Term::from_field_i64(fields.expires, now.timestamp());
    let mut filters: Vec<Box<dyn Query>> = vec![
        search::term(fields.status, Status::Published.ordinal()),
        Box::new(RangeQuery::new(
            Bound::Excluded(expires_after),
            Bound::Unbounded,
        )),
    ];
    filters.push(search::any_term(
        fields.kind,
        counterpart_kinds.iter().map(|k| k.ordinal()).collect(),
    ));
    filters.push(search::any_term(
        fields.area,
        subject.areas.iter().map(|a| a.ordinal()).collect(),
    ));
    let places = counterpart_places(subject);
    if !places.is_empty() {
        filters.push(search::any_term(fields.place, places));
    }
    if let Some(usd) = subject.usd().filter(|usd| *usd > 0.0) {
        let at = |usd: f64| Bound::Included(Term::from_field_f64(fields.usd, usd));
        let range = match subject.kind {
            Kind::Need => RangeQuery::new(at(usd * SMALLEST_USEFUL_SHARE), Bound::Unbounded),
            _ => RangeQuery::new(Bound::Unbounded, at(usd / SMALLEST_USEFUL_SHARE)),
        };
        filters.push(Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(range)),
            (Occur::Should, without_amount()),
        ])));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .into_iter()
        .map(|q| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
            )
        })
        .collect();
    for (word, _) in words_with_originals(subject) {
        let term = Term::from_field_text(fields.text, &word);
        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
        clauses.push((Occur::Should, Box::new(query)));
    }
    let searcher = index.searcher();
    let top = TopDocs::with_limit(limit).order_by_score();
    let found = searcher.search(&BooleanQuery::new(clauses), &top).unwrap();
    found
        .into_iter()
        .map(|(score, address)| {
            let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
            let id = doc.get_first(fields.id).and_then(|v| v.as_str()).unwrap();
            (id.to_string(), score)
        })
        .filter(|(id, _)| *id != subject.id)
        .collect()
}

/// The submissions that name no amount: every document without a value in the amount column.
fn without_amount() -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (
            Occur::MustNot,
            Box::new(ExistsQuery::new(names::USD.to_string(), false)),
        ),
    ]))
}

/// Checks the portal's `limit` best matches of `subject` against the reference's.
fn check(fixture: &Fixture, subject: &Submission, limit: usize) {
    let index = fixture.catalogue.index();
    let expected = reference(&index, subject, limit + 1);
    let found: Vec<(String, f32)> = fixture
        .catalogue
        .matches(&subject.id, limit)
        .unwrap()
        .into_iter()
        .map(|m| (m.submission.id, m.score))
        .collect();
    let expected = &expected[..expected.len().min(limit)];
    let context = || format!("{} ({:?}), limit {limit}", subject.id, subject.kind);
    assert_eq!(found.len(), expected.len(), "{}", context());
    // The same scores in the same order; ids may differ only among equal scores.
    for ((id, score), (expected_id, expected_score)) in found.iter().zip(expected) {
        assert!(
            (score - expected_score).abs() < SAME_SCORE,
            "{}: {id} {score} against {expected_id} {expected_score}",
            context()
        );
    }
    // Runs of equal scores hold the same ids, but for the last, which may be cut at another
    // member of a tie.
    let mut start = 0;
    while start < expected.len() {
        let run_score = expected[start].1;
        let end = start
            + expected[start..]
                .iter()
                .take_while(|(_, s)| (s - run_score).abs() < SAME_SCORE)
                .count();
        if end < expected.len() {
            let sorted = |list: &[(String, f32)]| {
                let mut ids: Vec<String> = list.iter().map(|(id, _)| id.clone()).collect();
                ids.sort();
                ids
            };
            assert_eq!(
                sorted(&found[start..end]),
                sorted(&expected[start..end]),
                "{}: score {run_score}",
                context()
            );
        }
        start = end;
    }
    // Every match is visible: published, not expired.
    for (id, _) in &found {
        let candidate = fixture.catalogue.get(id).unwrap();
        assert_eq!(candidate.status, Status::Published, "{}", context());
    }
}

/// Adds a published submission with `usd` as its amount (none for `None`).
fn add(fixture: &Fixture, mut submission: Submission, usd: Option<f64>) -> String {
    submission.status = Status::Published;
    match usd {
        Some(usd) => submission.funding.as_mut().unwrap().amount = usd,
        None => submission.funding = None,
    }
    fixture.add(submission)
}

#[test]
fn matches_are_the_fits_a_plain_query_finds_ranked_alike() {
    let fixture = Fixture::varied_demo(1_500, 11);
    // Amounts at and around the bounds, which the demo content hardly meets: an offer must
    // be worth a tenth of a need (or name no amount).
    let large = add(&fixture, need("Large need"), Some(50_000_000.0));
    add(&fixture, need("Small need"), Some(50_000.0));
    let small = add(&fixture, offer("Small offer"), Some(10_000.0));
    let tenth = add(&fixture, offer("Tenth offer"), Some(5_000_000.0));
    let open = add(&fixture, offer("Open offer"), None);
    let found: Vec<String> = fixture
        .catalogue
        .matches(&large, 5_000)
        .unwrap()
        .into_iter()
        .map(|m| m.submission.id)
        .collect();
    assert!(found.contains(&tenth) && found.contains(&open), "{found:?}");
    assert!(!found.contains(&small), "{found:?}");

    let subjects: Vec<Submission> = fixture
        .stored()
        .into_iter()
        .filter(|s| s.kind != Kind::Project)
        .collect();
    let mut checked = 0;
    let mut with_zero_scores = 0;
    for (i, subject) in subjects.iter().enumerate() {
        // Small limits mostly (as the pages ask); every few, all of them.
        let limit = if i % 7 == 0 { 5_000 } else { 1 + i % 12 };
        check(&fixture, subject, limit);
        checked += 1;
        let found = fixture.catalogue.matches(&subject.id, limit).unwrap();
        with_zero_scores += usize::from(found.iter().any(|m| m.score == 0.0));
    }
    assert!(checked > 600, "{checked} subjects");
    assert!(
        with_zero_scores > 10,
        "fits sharing no word are met too ({with_zero_scores} subjects)"
    );
}
