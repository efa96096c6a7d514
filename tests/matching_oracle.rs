//! Matching against a plain reference: for every need, offer and funding source of a demo
//! catalogue spread across several index segments with deletions, the matches the portal finds
//! (from its value table, with tantivy's pruning, weighed by how closely they fit) are
//! compared with what one tantivy query finds, with the conditions of a fit as index terms,
//! the subject's topic to rank, and each fit's closeness worked out from its stored record.

mod common;

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Mutex;

use common::{Fixture, need, offer};
use portal::index::{self, names};
use portal::matching::{
    ACTIVITY_ELSEWHERE, Activities, CONDITIONS_UNMET, Conditions, GENERAL_LINE_SHARE,
    LEAST_SHOWN_SCORE, PlaceWeights, SMALLEST_USEFUL_SHARE, TEXT_FLOOR, Topic, WEIGHED, amount_fit,
    assistance_bits, assistance_fit, counterpart_places, rarity,
};
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

/// A counterpart with the score the reference gives it.
struct Scored {
    id: String,
    text: f32,
    /// Before the offer's own conditions.
    score: f32,
    /// What the offer's own conditions leave of it.
    conditions: f32,
    organisation: String,
}

/// Every fit of `subject` by one plain tantivy query (every condition a term, range or column
/// of the index, the subject's topic to rank), each with its final score worked out from its
/// stored record: `(TEXT_FLOOR + (1 - TEXT_FLOOR) * min(1, text / own)) * closeness`.
fn reference(fixture: &Fixture, subject: &Submission) -> (Vec<Scored>, f32) {
    let index = fixture.catalogue.index();
    let counterpart_kinds: &[Kind] = match subject.kind {
        Kind::Need => &[Kind::Offer, Kind::FundingSource],
        Kind::Offer | Kind::FundingSource => &[Kind::Need],
        Kind::Project => return (Vec::new(), 0.0),
    };
    if subject.areas.is_empty() {
        return (Vec::new(), 0.0);
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
    let searcher = index.searcher();
    let topic = Topic::of(subject, &searcher, fields).unwrap();
    let within = |filters: Vec<Box<dyn Query>>| {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
            .into_iter()
            .map(|q| {
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
                )
            })
            .collect();
        clauses.extend(topic.query(fields));
        BooleanQuery::new(clauses)
    };
    let itself = TermQuery::new(
        Term::from_field_text(fields.id, &subject.id),
        IndexRecordOption::Basic,
    );
    let own = searcher
        .search(
            &within(vec![Box::new(itself)]),
            &TopDocs::with_limit(1).order_by_score(),
        )
        .unwrap()
        .first()
        .map_or(0.0, |(score, _)| *score);
    let every = TopDocs::with_limit(10_000).order_by_score();
    let found = searcher.search(&within(filters), &every).unwrap();
    let best_text = if own > 0.0 {
        own
    } else {
        found.first().map_or(0.0, |(score, _)| *score)
    };
    let weights = PlaceWeights::of(subject);
    let work = work_reference(fixture, &searcher, subject);
    let scored = found
        .into_iter()
        .filter_map(|(text, address)| {
            let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
            let id = doc.get_first(fields.id).and_then(|v| v.as_str()).unwrap();
            if id == subject.id {
                return None;
            }
            let candidate = fixture.catalogue.get(id).unwrap();
            let places: Vec<u16> = index::places(&candidate)
                .into_iter()
                .map(|p| p as u16)
                .collect();
            let (need, offer) = if subject.kind == Kind::Need {
                (subject, &candidate)
            } else {
                (&candidate, subject)
            };
            let assistance = assistance_fit(
                assistance_bits(&need.assistance),
                assistance_bits(&offer.assistance),
            );
            let amount = amount_fit(need.usd(), offer.usd());
            let closeness = weights.closeness(&places) * assistance * amount;
            let share = if best_text > 0.0 {
                (text / best_text).min(1.0)
            } else {
                0.0
            };
            let mut score =
                (TEXT_FLOOR + (1.0 - TEXT_FLOOR) * share) * closeness * work(&candidate);
            // A general line: below the floor, but naming the need's work in its title or
            // summary and giving the kind asked for, in no small share.
            let asked = Activities::asked(subject);
            let general = subject.kind == Kind::Need
                && !asked.is_empty()
                && Activities::headline(&candidate).meets(asked)
                && assistance >= 1.0
                && amount >= 0.9;
            if score < LEAST_SHOWN_SCORE && general {
                score = LEAST_SHOWN_SCORE + score * GENERAL_LINE_SHARE;
            }
            Some(Scored {
                id: id.to_string(),
                text,
                score,
                conditions: conditions(need, offer),
                organisation: candidate.submitter.organisation.clone(),
            })
        })
        .collect();
    (scored, best_text)
}

/// What the offer's own conditions (who may apply, the smallest and largest grant) leave of
/// a fit's score (read by the same code as the portal's: the conditions' reading has tests of
/// its own).
fn conditions(need: &Submission, offer: &Submission) -> f32 {
    Conditions::of(offer).fit(need, CONDITIONS_UNMET)
}

/// What each record of the index is about, does and names (`asked`, `given`, `named_by`), by
/// id, and how many records name each activity: worked out once for a catalogue of a given
/// size (the catalogue does not change while the subjects are checked).
#[derive(Default)]
struct WorkCache {
    documents: u64,
    by_id: HashMap<String, (Activities, Activities)>,
    naming: HashMap<Activities, u64>,
}

static WORK: Mutex<Option<WorkCache>> = Mutex::new(None);

fn work_cache(fixture: &Fixture, searcher: &tantivy::Searcher) {
    let mut cache = WORK.lock().unwrap();
    if cache
        .as_ref()
        .is_some_and(|c| c.documents == searcher.num_docs())
    {
        return;
    }
    let index = fixture.catalogue.index();
    let fields = index.fields();
    let every = searcher
        .search(&AllQuery, &TopDocs::with_limit(100_000).order_by_score())
        .unwrap();
    let mut fresh = WorkCache {
        documents: every.len() as u64,
        ..WorkCache::default()
    };
    for (_, address) in every {
        let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
        let id = doc.get_first(fields.id).and_then(|v| v.as_str()).unwrap();
        let record = fixture.catalogue.get(id).unwrap();
        for one in Activities::named_by(&record).each() {
            *fresh.naming.entry(one).or_default() += 1;
        }
        fresh.by_id.insert(
            id.to_string(),
            (Activities::asked(&record), Activities::given(&record)),
        );
    }
    *cache = Some(fresh);
}

/// How much of the subject's work each counterpart does, from the stored records: for a need,
/// the share of its activities (title and summary, else description) an offer names, each
/// weighing by how many records of the whole index name it; for an offer, whether a need's
/// activities include one it names.
fn work_reference(
    fixture: &Fixture,
    searcher: &tantivy::Searcher,
    subject: &Submission,
) -> impl Fn(&Submission) -> f32 {
    work_cache(fixture, searcher);
    let guard = WORK.lock().unwrap();
    let cache = guard.as_ref().unwrap();
    let asked = Activities::asked(subject);
    let given = Activities::given(subject);
    let weighed: Vec<(Activities, f32)> = asked
        .each()
        .map(|one| {
            let naming = cache.naming.get(&one).copied().unwrap_or(0);
            (one, rarity(cache.documents, naming))
        })
        .collect();
    let by_id: HashMap<String, (Activities, Activities)> = cache.by_id.clone();
    let kind = subject.kind;
    move |candidate: &Submission| {
        let (their_asked, their_given) = by_id[&candidate.id];
        if kind == Kind::Need {
            if asked.is_empty() || their_given.is_empty() {
                return 1.0;
            }
            let whole: f32 = weighed.iter().map(|(_, w)| w).sum();
            let share: f32 = weighed
                .iter()
                .filter(|(one, _)| their_given.meets(*one))
                .map(|(_, w)| w)
                .sum();
            ACTIVITY_ELSEWHERE + (1.0 - ACTIVITY_ELSEWHERE) * share / whole
        } else if given.is_empty() || their_asked.is_empty() || their_asked.meets(given) {
            1.0
        } else {
            ACTIVITY_ELSEWHERE
        }
    }
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

/// Whether two organisation names are one (as the portal tells them: one within the other).
fn same_organisation(a: &str, b: &str) -> bool {
    let squash = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (squash(a), squash(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short.len() >= 8 && long.contains(short.as_str())
}

/// Checks the portal's `limit` best matches of `subject` against the reference: each one a fit
/// with the reference's score, in order, none below the least shown score nor of the
/// subject's own organisation; and every fit the reference scores above the last one shown
/// (or, when fewer than `limit` are shown, above the least shown score) shown too, but for
/// those whose text ranked them out of the portal's pool of the best by text.
fn check(fixture: &Fixture, subject: &Submission, limit: usize) -> usize {
    let (expected, best_text) = reference(fixture, subject);
    let found: Vec<(String, f32)> = fixture
        .catalogue
        .matches(&subject.id, limit)
        .unwrap()
        .into_iter()
        .map(|m| (m.submission.id, m.score))
        .collect();
    let context = || format!("{} ({:?}), limit {limit}", subject.id, subject.kind);
    let by_id: std::collections::HashMap<&str, &Scored> =
        expected.iter().map(|s| (s.id.as_str(), s)).collect();
    assert!(found.len() <= limit, "{}", context());
    let mut previous = f32::INFINITY;
    for (id, score) in &found {
        let want = by_id
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{}: {id} is not a fit", context()));
        let want_score = want.score * want.conditions;
        assert!(
            (score - want_score).abs() < SAME_SCORE,
            "{}: {id} scores {score}, the reference {want_score}",
            context(),
        );
        assert!(*score >= LEAST_SHOWN_SCORE - SAME_SCORE, "{}", context());
        assert!(
            *score <= previous + SAME_SCORE,
            "{}: not in order",
            context()
        );
        assert!(
            !same_organisation(&subject.submitter.organisation, &want.organisation),
            "{}: {id} is the subject's own organisation's",
            context()
        );
        previous = *score;
        // Every match is visible: published, not expired.
        let candidate = fixture.catalogue.get(id).unwrap();
        assert_eq!(candidate.status, Status::Published, "{}", context());
    }
    // The portal weighs the best WEIGHED by text: below the text of the last of them, a fit
    // can score at most this.
    let mut texts: Vec<f32> = expected.iter().map(|s| s.text).collect();
    texts.sort_by(|a, b| b.total_cmp(a));
    let out_of_pool = texts
        .get(WEIGHED.max(limit + 16) - 1)
        .map_or(f32::NEG_INFINITY, |text| {
            TEXT_FLOOR + (1.0 - TEXT_FLOOR) * (text / best_text).min(1.0)
        });
    let floor = if found.len() == limit {
        found.last().map_or(LEAST_SHOWN_SCORE, |(_, s)| *s)
    } else {
        LEAST_SHOWN_SCORE
    };
    // The portal reads the offers' conditions of its best `limit + 16` before them: a fit
    // ranked below those may score more after them, unseen.
    let mut before: Vec<f32> = expected.iter().map(|s| s.score).collect();
    before.sort_by(|a, b| b.total_cmp(a));
    let past_conditions = before
        .get(limit + 16 - 1)
        .map_or(f32::NEG_INFINITY, |score| *score);
    for want in &expected {
        let shown = found.iter().any(|(id, _)| *id == want.id);
        let after = want.score * want.conditions;
        let above = after > floor + SAME_SCORE
            && want.score > out_of_pool
            && want.score > past_conditions + SAME_SCORE;
        let own = same_organisation(&subject.submitter.organisation, &want.organisation);
        assert!(
            shown || !above || own,
            "{}: {} scores {after} but is not shown",
            context(),
            want.id,
        );
    }
    found.len()
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
    let topic = "clearance of submunitions in rice fields";
    let large = add(
        &fixture,
        need(&format!("Large need: {topic}")),
        Some(50_000_000.0),
    );
    add(
        &fixture,
        need(&format!("Small need: {topic}")),
        Some(50_000.0),
    );
    let small = add(
        &fixture,
        offer(&format!("Small offer: {topic}")),
        Some(10_000.0),
    );
    let tenth = add(
        &fixture,
        offer(&format!("Tenth offer: {topic}")),
        Some(5_000_000.0),
    );
    let open = add(&fixture, offer(&format!("Open offer: {topic}")), None);
    let found: Vec<String> = fixture
        .catalogue
        .fits(&large, 5_000)
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
    let mut cut_short = 0;
    for (i, subject) in subjects.iter().enumerate() {
        // Small limits mostly (as the pages ask); every few, all of them.
        let limit = if i % 7 == 0 { 5_000 } else { 1 + i % 12 };
        let shown = check(&fixture, subject, limit);
        checked += 1;
        let fits = reference(&fixture, subject).0.len();
        cut_short += usize::from(shown < limit && shown < fits);
    }
    assert!(checked > 600, "{checked} subjects");
    assert!(
        cut_short > 10,
        "fits scoring below the least shown score are met too ({cut_short} subjects)"
    );
}
