//! The search engine against a plain reference: hundreds of random searches (filters, sorts,
//! pages, audiences, validity filters) over demo submissions spread across several index
//! segments with deletions, each compared with what a straightforward pass over the stored
//! submissions gives: the total, every facet count and the order of the page.
//!
//! Keyword matching and scoring are tantivy's and are taken from a plain tantivy query of the
//! same keywords; everything the portal decides on top of them (visibility, filters, facets,
//! ranking, hits with every concept first in every order, and which documents it scores) is
//! checked here.

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use common::{Fixture, start_time};
use portal::codes;
use portal::index::{places, serial};
use portal::search::{self, Audience, Facets, Filters, FundingBand, Place, SearchRequest, Sort};
use portal::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tantivy::TantivyDocument;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;

const SIZE: usize = 1_500;
const SEARCHES: usize = 400;
const WORDS: [&str; 8] = [
    "clearance",
    "victim",
    "survey",
    "training",
    "risk education",
    "\"risk education\"",
    "support OR equipment",
    "prosthetic -training",
];

fn fixture() -> Fixture {
    Fixture::varied_demo(SIZE, 7)
}

/// The ids tantivy's own keyword query matches, each with tantivy's own score, with no
/// portal logic.
fn keyword_matches(fixture: &Fixture, text: &str) -> HashMap<String, f32> {
    let index = fixture.catalogue.index();
    let searcher = index.searcher();
    let query = search::keyword_query(index.fields(), &search::keywords::parse(text));
    let every = TopDocs::with_limit(SIZE * 4).order_by_score();
    let scored = searcher.search(&*query, &every).unwrap();
    assert!(scored.len() < SIZE * 4, "the limit holds every match");
    scored
        .into_iter()
        .map(|(score, address)| {
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            let id = doc
                .get_first(index.fields().id)
                .and_then(|v| v.as_str())
                .unwrap()
                .to_string();
            (id, score)
        })
        .collect()
}

fn random_request(rng: &mut ChaCha8Rng) -> SearchRequest {
    let mut filters = Filters::default();
    let some = |rng: &mut ChaCha8Rng| rng.random_bool(0.35);
    let pick = |rng: &mut ChaCha8Rng, n: usize| -> Vec<usize> {
        let count = rng.random_range(1..=2);
        (0..count).map(|_| rng.random_range(0..n)).collect()
    };
    if some(rng) {
        filters.kinds = pick(rng, Kind::ALL.len())
            .into_iter()
            .map(|i| Kind::ALL[i])
            .collect();
    }
    if some(rng) {
        filters.areas = pick(rng, Area::ALL.len())
            .into_iter()
            .map(|i| Area::ALL[i])
            .collect();
    }
    if some(rng) {
        filters.assistance = pick(rng, Assistance::ALL.len())
            .into_iter()
            .map(|i| Assistance::ALL[i])
            .collect();
    }
    if rng.random_bool(0.2) {
        filters.submitter_types = pick(rng, SubmitterType::ALL.len())
            .into_iter()
            .map(|i| SubmitterType::ALL[i])
            .collect();
    }
    if some(rng) {
        let names = [
            "LAO", "VNM", "IRQ", "UKR", "002", "142", "035", "SYR", "KHM", "019",
        ];
        filters.places = (0..rng.random_range(1..=2))
            .map(|_| Place::parse(names.choose(rng).unwrap()).unwrap())
            .collect();
    }
    if rng.random_bool(0.25) {
        let bounds = [
            None,
            Some(0.0),
            Some(50_000.0),
            Some(1_000_000.0),
            Some(3e6),
        ];
        filters.min_usd = *bounds.choose(rng).unwrap();
        filters.max_usd = *[None, Some(100_000.0), Some(5e6)].choose(rng).unwrap();
    }
    if rng.random_bool(0.1) {
        filters.expiring_within_days = Some(*[7, 30, 90].choose(rng).unwrap());
    }
    if rng.random_bool(0.1) {
        filters.renewed_within_days = Some(30);
    }
    SearchRequest {
        text: if rng.random_bool(0.5) {
            WORDS.choose(rng).unwrap().to_string()
        } else {
            String::new()
        },
        filters,
        sort: *Sort::ALL.choose(rng).unwrap(),
        offset: *[0, 0, 0, 20, 100].choose(rng).unwrap(),
        limit: *[20, 20, 5, 100].choose(rng).unwrap(),
        audience: if rng.random_bool(0.8) {
            Audience::Members
        } else {
            Audience::Admins
        },
    }
}

/// What the search should give, worked out the plain way.
struct Expected {
    total: u64,
    facets: Facets,
    /// Every hit in order, by the page's ranking (for relevance, by tantivy's own scores).
    order: Vec<String>,
}

fn expected(
    all: &[Submission],
    matched: Option<&HashMap<String, f32>>,
    request: &SearchRequest,
    now: DateTime<Utc>,
) -> Expected {
    let now_s = now.timestamp();
    let day = 86_400;
    let filters = &request.filters;
    let expires = |s: &Submission| s.timestamps.expires_at.map_or(i64::MAX, |t| t.timestamp());
    let base: Vec<&Submission> = all
        .iter()
        .filter(|s| s.status != Status::Expired)
        .filter(|s| matched.is_none_or(|m| m.contains_key(&s.id)))
        .filter(|s| {
            request.audience == Audience::Admins
                || (s.status == Status::Published && expires(s) > now_s)
        })
        .filter(|s| {
            filters
                .expiring_within_days
                .is_none_or(|n| expires(s) > now_s && expires(s) <= now_s + i64::from(n) * day)
        })
        .filter(|s| {
            filters.renewed_within_days.is_none_or(|n| {
                s.timestamps.renewed_at.is_some_and(|t| {
                    t.timestamp() >= now_s - i64::from(n) * day && t.timestamp() <= now_s
                })
            })
        })
        .collect();

    let covering: HashSet<u64> = filters
        .places
        .iter()
        .flat_map(Place::covering_values)
        .collect();
    // Which of the six dimensions' filters a submission fails.
    let fails = |s: &Submission| -> [bool; 6] {
        [
            !filters.kinds.is_empty() && !filters.kinds.contains(&s.kind),
            !covering.is_empty() && !places(s).iter().any(|p| covering.contains(p)),
            !filters.areas.is_empty() && !s.areas.iter().any(|a| filters.areas.contains(a)),
            !filters.assistance.is_empty()
                && !s.assistance.iter().any(|a| filters.assistance.contains(a)),
            !filters.submitter_types.is_empty()
                && !filters.submitter_types.contains(&s.submitter.kind),
            (filters.min_usd.is_some() || filters.max_usd.is_some())
                && !s.usd().is_some_and(|usd| {
                    filters.min_usd.is_none_or(|min| usd >= min)
                        && filters.max_usd.is_none_or(|max| usd <= max)
                }),
        ]
    };
    // Dimension d is counted over what passes every filter but d's own.
    let checked: Vec<(&Submission, [bool; 6], Vec<u64>)> =
        base.iter().map(|s| (*s, fails(s), places(s))).collect();
    let counted_in =
        |failed: &[bool; 6], d: usize| failed.iter().enumerate().all(|(i, f)| i == d || !f);
    let count = |d: usize, has: &dyn Fn(&Submission) -> bool| -> u64 {
        checked
            .iter()
            .filter(|(s, failed, _)| counted_in(failed, d) && has(s))
            .count() as u64
    };
    let countries = codes::countries();
    let mut per_country = vec![0u64; countries.len()];
    for (_, failed, places) in &checked {
        if counted_in(failed, 1) {
            for place in places {
                if let Some(n) = per_country.get_mut(*place as usize) {
                    *n += 1;
                }
            }
        }
    }
    let mut country: Vec<(String, u64)> = countries
        .iter()
        .zip(per_country)
        .map(|(c, n)| (c.alpha3.to_string(), n))
        .filter(|(_, n)| *n > 0)
        .collect();
    country.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let facets = Facets {
        kind: Kind::ALL
            .iter()
            .map(|k| (*k, count(0, &|s| s.kind == *k)))
            .collect(),
        country,
        global: count(1, &|s| s.beneficiaries.global),
        area: Area::ALL
            .iter()
            .map(|a| (*a, count(2, &|s| s.areas.contains(a))))
            .collect(),
        assistance: Assistance::ALL
            .iter()
            .map(|a| (*a, count(3, &|s| s.assistance.contains(a))))
            .collect(),
        submitter_type: SubmitterType::ALL
            .iter()
            .map(|t| (*t, count(4, &|s| s.submitter.kind == *t)))
            .collect(),
        funding: FundingBand::ALL
            .iter()
            .map(|b| (*b, count(5, &|s| FundingBand::of(s.usd()) == *b)))
            .collect(),
    };

    let mut hits: Vec<&Submission> = checked
        .iter()
        .filter(|(_, failed, _)| failed.iter().all(|f| !f))
        .map(|(s, _, _)| *s)
        .collect();
    let published = |s: &Submission| {
        s.timestamps
            .published_at
            .unwrap_or(s.timestamps.received_at)
            .timestamp()
    };
    let by_serial = |a: &&Submission, b: &&Submission| serial(&a.id).cmp(&serial(&b.id));
    // With keywords, what has more of the things asked for comes first in every order.
    let tier =
        |s: &Submission| matched.map_or(0, |scores| (scores[&s.id] / search::PRESENCE) as u32);
    let by_tier = |a: &&Submission, b: &&Submission| tier(b).cmp(&tier(a));
    match (request.sort, matched) {
        (Sort::Relevance, Some(scores)) => hits.sort_by(|a, b| {
            scores[&b.id]
                .total_cmp(&scores[&a.id])
                .then_with(|| by_serial(a, b))
        }),
        (Sort::Relevance | Sort::Newest, _) => hits.sort_by(|a, b| {
            by_tier(a, b)
                .then(published(b).cmp(&published(a)))
                .then_with(|| by_serial(a, b))
        }),
        (Sort::ExpiringSoonest, _) => hits.sort_by(|a, b| {
            by_tier(a, b)
                .then(expires(a).cmp(&expires(b)))
                .then_with(|| by_serial(a, b))
        }),
        (Sort::LargestAmount, _) => hits.sort_by(|a, b| {
            let amount = |s: &Submission| s.usd().unwrap_or(f64::NEG_INFINITY);
            by_tier(a, b)
                .then(amount(b).total_cmp(&amount(a)))
                .then_with(|| by_serial(a, b))
        }),
    }
    Expected {
        total: hits.len() as u64,
        facets,
        order: hits.iter().map(|s| s.id.clone()).collect(),
    }
}

#[test]
fn random_searches_agree_with_a_plain_pass_over_the_store() {
    let fixture = fixture();
    let all = fixture.stored();
    let now = start_time();
    assert!(
        fixture.catalogue.index().searcher().segment_readers().len() > 1,
        "the test wants several segments"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut nonempty = 0;
    for round in 0..SEARCHES {
        let request = random_request(&mut rng);
        let matched = (!request.text.is_empty()).then(|| keyword_matches(&fixture, &request.text));
        let want = expected(&all, matched.as_ref(), &request, now);
        let got = fixture.catalogue.search(&request).unwrap();
        let context = format!("search {round}: {request:?}");
        assert_eq!(got.total, want.total, "{context}");
        assert_eq!(got.facets, want.facets, "{context}");
        let page: Vec<String> = got.hits.iter().map(|h| h.submission.id.clone()).collect();
        let expected_page: Vec<String> = want
            .order
            .iter()
            .skip(request.offset)
            .take(request.limit)
            .cloned()
            .collect();
        assert_eq!(page, expected_page, "{context}");
        if let (Sort::Relevance, Some(scores)) = (request.sort, &matched) {
            for hit in &got.hits {
                assert_eq!(hit.score, scores[&hit.submission.id], "{context}");
            }
        }
        // The lean page (ids and count, no facets) is the same page.
        let lean = fixture.catalogue.search_id_page(&request).unwrap();
        assert_eq!(lean.total, got.total, "{context}");
        assert_eq!(lean.ids, page, "{context}");
        // The segments searched on every core give the same page as on one thread.
        let index = fixture.catalogue.index();
        index.set_parallel_from_docs(0);
        let parallel = fixture.catalogue.search(&request);
        index.set_parallel_from_docs(u64::MAX);
        assert_eq!(parallel.unwrap(), got, "{context}");
        if got.total > 0 {
            nonempty += 1;
        }
    }
    // The random searches are not all empty, nor all trivially full.
    assert!(
        nonempty > SEARCHES / 3,
        "only {nonempty} searches found anything"
    );
}

#[test]
fn exports_list_every_hit_in_the_page_order() {
    let fixture = fixture();
    let all = fixture.stored();
    let now = start_time();
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for _ in 0..40 {
        let mut request = random_request(&mut rng);
        if request.sort == Sort::Relevance {
            request.sort = Sort::Newest;
        }
        let matched = (!request.text.is_empty()).then(|| keyword_matches(&fixture, &request.text));
        let want = expected(&all, matched.as_ref(), &request, now);
        let ids = fixture.catalogue.search_ids(&request).unwrap();
        assert_eq!(ids, want.order, "{request:?}");
    }
}

#[test]
fn kept_pages_equal_fresh_searches_as_the_clock_passes_expiries_and_writes_arrive() {
    let fixture = fixture();
    let catalogue = &fixture.catalogue;
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let requests: Vec<SearchRequest> = (0..80).map(|_| random_request(&mut rng)).collect();
    let browse = SearchRequest::default();
    let ids: Vec<String> = fixture.stored().into_iter().map(|s| s.id).collect();
    let mut kept = 0;
    let mut merged_meanwhile = 0;
    let mut totals_moved_by_the_clock = 0;
    let mut last_total = catalogue.search(&browse).unwrap().total;
    for step in 0..16 {
        let wrote = step % 2 == 1;
        if wrote {
            // A write: an edit, a withdrawal and a renewal.
            let id = &ids[step * 7];
            catalogue
                .edit(id, |s| {
                    s.title = format!("Changed at step {step}: clearance")
                })
                .unwrap();
            catalogue
                .set_status(&ids[step * 11 + 1], Status::Withdrawn)
                .unwrap();
            if catalogue.get(&ids[step * 13 + 2]).unwrap().status == Status::Published {
                catalogue.renew(&ids[step * 13 + 2]).unwrap();
            }
        } else {
            // Only the clock: submissions expire, nothing is written.
            fixture.clock.advance(chrono::Duration::days(23));
        }
        for request in requests.iter().chain([&browse]) {
            let context = format!("step {step}: {request:?}");
            let index = catalogue.index();
            let generation = index.generation(&index.searcher());
            let first = catalogue.search_cached(request).unwrap();
            let again = catalogue.search_cached(request).unwrap();
            let fresh = catalogue.search(request).unwrap();
            // A background merge that lands in between moves searches to new segments:
            // BM25's document counts include deleted documents until then, so scores may
            // differ by a hair. The comparison holds within one generation of the index.
            if index.generation(&index.searcher()) != generation {
                merged_meanwhile += 1;
                continue;
            }
            assert_eq!(*first, fresh, "{context}");
            assert_eq!(*again, fresh, "{context}");
            if std::sync::Arc::ptr_eq(&first, &again) {
                kept += 1;
            }
        }
        let total = catalogue.search(&browse).unwrap().total;
        if !wrote && total != last_total {
            totals_moved_by_the_clock += 1;
        }
        last_total = total;
    }
    // The pages were kept (the second search of each answered from memory), and the clock
    // alone changed what members see, so a kept page that outlived an expiry would have failed.
    assert!(kept > 16 * 60, "only {kept} pages were kept");
    assert!(
        merged_meanwhile < 16 * 8,
        "merges landed during {merged_meanwhile} comparisons: too few were made"
    );
    assert!(
        totals_moved_by_the_clock >= 4,
        "expiries changed the catalogue at only {totals_moved_by_the_clock} steps"
    );
}
