//! The index follows the store: after any sequence of operations, after a crash between store
//! commit and index commit, and after a rebuild, it answers exactly as the store says.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::{Fixture, need, offer};
use portal::codes;
use portal::search::{Audience, Filters, Place, SearchRequest};
use portal::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;

/// What the index holds: id → status, as indexed.
fn indexed(fixture: &Fixture) -> BTreeMap<String, u64> {
    let index = fixture.catalogue.index();
    let searcher = index.searcher();
    let fields = index.fields();
    let addresses = searcher.search(&AllQuery, &DocSetCollector).unwrap();
    let mut found = BTreeMap::new();
    for address in addresses {
        let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
        let id = doc
            .get_first(fields.id)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        let status_column = searcher
            .segment_reader(address.segment_ord)
            .fast_fields()
            .u64("status")
            .unwrap();
        let status = status_column.first(address.doc_id).unwrap();
        assert!(
            found.insert(id.clone(), status).is_none(),
            "{id} indexed twice"
        );
    }
    found
}

/// What the store holds: id → status.
fn stored(fixture: &Fixture) -> BTreeMap<String, u64> {
    let mut found = BTreeMap::new();
    fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .for_each(|s| {
            found.insert(s.id.clone(), s.status.ordinal());
        })
        .unwrap();
    found
}

fn assert_in_step(fixture: &Fixture) {
    assert_eq!(indexed(fixture), stored(fixture));
    let check = fixture.catalogue.check_index().unwrap();
    assert!(check.agrees(), "{check:?}");
}

/// A varied submission drawn from `rng`.
fn random_submission(rng: &mut ChaCha8Rng, n: usize) -> Submission {
    let mut s = if rng.random_bool(0.5) {
        need("x")
    } else {
        offer("x")
    };
    s.kind = Kind::ALL[rng.random_range(0..Kind::ALL.len())];
    s.title = format!(
        "Submission {n} {}",
        ["clearance", "survivors", "stockpile", "training"][n % 4]
    );
    let countries = ["LAO", "VNM", "KHM", "IRQ", "LBN", "UKR", "AFG", "BIH"];
    s.beneficiaries.countries = (0..rng.random_range(0..3))
        .map(|_| countries[rng.random_range(0..countries.len())].to_string())
        .collect();
    s.beneficiaries.regions = if rng.random_bool(0.2) {
        vec!["035".into()]
    } else {
        vec![]
    };
    s.beneficiaries.global =
        s.beneficiaries.countries.is_empty() && s.beneficiaries.regions.is_empty();
    s.areas = (0..rng.random_range(1..3))
        .map(|_| Area::ALL[rng.random_range(0..Area::ALL.len())])
        .collect();
    s.assistance = (0..rng.random_range(0..3))
        .map(|_| Assistance::ALL[rng.random_range(0..Assistance::ALL.len())])
        .collect();
    s.submitter.kind = SubmitterType::ALL[rng.random_range(0..SubmitterType::ALL.len())];
    if rng.random_bool(0.2) {
        s.funding = None;
    } else if let Some(f) = s.funding.as_mut() {
        f.amount = rng.random_range(5_000.0..20_000_000.0_f64).round();
    }
    s
}

#[test]
fn index_equals_store_after_any_sequence_of_imports_edits_and_withdrawals() {
    let fixture = Fixture::new();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut ids = Vec::new();
    for round in 0..30 {
        match rng.random_range(0..4) {
            0 => {
                let batch = (0..rng.random_range(1..20))
                    .map(|i| random_submission(&mut rng, round * 100 + i))
                    .collect();
                ids.extend(fixture.import(batch).ids);
            }
            1 if !ids.is_empty() => {
                let id = &ids[rng.random_range(0..ids.len())];
                fixture
                    .catalogue
                    .edit(id, |s| s.title.push_str(" (edited)"))
                    .unwrap();
            }
            2 if !ids.is_empty() => {
                let id = &ids[rng.random_range(0..ids.len())];
                fixture.catalogue.set_status(id, Status::Withdrawn).unwrap();
            }
            _ if !ids.is_empty() => {
                let id = &ids[rng.random_range(0..ids.len())];
                fixture.catalogue.publish(id).unwrap();
            }
            _ => {}
        }
        assert_in_step(&fixture);
    }
    assert!(ids.len() > 20);
}

#[test]
fn a_crash_between_store_commit_and_index_commit_is_caught_up_on_restart() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Before the crash"));
    // Write to the store only, as if the process died before the index commit.
    fixture
        .catalogue
        .store()
        .write(|writer| -> Result<(), portal::store::StoreError> {
            let mut s = writer.get(&id)?.unwrap();
            s.title = "After the crash".into();
            writer.put(&mut s)?;
            let mut other = need("Written but never indexed");
            other.id = writer.next_id(Kind::Need, 2026)?;
            writer.put(&mut other)
        })
        .unwrap();
    assert_ne!(indexed(&fixture), stored(&fixture));
    // `portal check` sees it too.
    let check = fixture.catalogue.check_index().unwrap();
    assert!(!check.agrees());
    assert_eq!(check.missing, ["NEED-2026-0002"]);
    assert_eq!(check.indexed_seq + 2, check.store_seq);

    let fixture = fixture.reopen();
    assert_in_step(&fixture);
    let results = fixture
        .catalogue
        .search(&SearchRequest {
            text: "crash".into(),
            audience: Audience::Admins,
            ..SearchRequest::default()
        })
        .unwrap();
    let titles: Vec<_> = results
        .hits
        .iter()
        .map(|h| h.submission.title.as_str())
        .collect();
    assert_eq!(titles, ["After the crash"]);
}

#[test]
fn the_check_names_every_id_the_index_has_wrong() {
    let fixture = Fixture::new();
    let ids = fixture
        .import((0..4).map(|i| need(&format!("Need {i}"))).collect())
        .ids;
    let check = fixture.catalogue.check_index().unwrap();
    assert!(check.agrees(), "{check:?}");
    assert_eq!((check.stored, check.indexed, check.visible), (4, 4, 4));
    // Store changes the index never saw: a withdrawal, a renewal, an archived one.
    fixture
        .catalogue
        .store()
        .write(|writer| -> Result<(), portal::store::StoreError> {
            for (id, status) in [(&ids[0], Status::Withdrawn), (&ids[2], Status::Expired)] {
                let mut s = writer.get(id)?.unwrap();
                s.status = status;
                writer.put(&mut s)?;
            }
            let mut s = writer.get(&ids[1])?.unwrap();
            s.timestamps.expires_at = Some(common::start_time() + Duration::days(900));
            writer.put(&mut s)
        })
        .unwrap();
    let check = fixture.catalogue.check_index().unwrap();
    assert!(!check.agrees());
    assert_eq!(check.stale, [ids[0].clone(), ids[1].clone()]);
    assert_eq!(check.unexpected, [ids[2].clone()]);
    assert!(check.missing.is_empty() && check.duplicated.is_empty());
    assert_eq!(check.visible, 4, "what the index would show members");
    let fixture = fixture.reopen();
    let check = fixture.catalogue.check_index().unwrap();
    assert!(check.agrees(), "{check:?}");
    assert_eq!((check.stored, check.indexed, check.visible), (4, 3, 2));
}

#[test]
fn a_missing_or_damaged_index_is_rebuilt_on_open() {
    let fixture = Fixture::new();
    fixture.import((0..10).map(|i| need(&format!("Need {i}"))).collect());
    let index_dir = fixture.paths().index_dir;
    let dir = fixture.dir;
    let clock = fixture.clock;
    drop(fixture.catalogue);

    // Damage: remove every file of the current generation but the pointer.
    let current = std::fs::read_to_string(index_dir.join("CURRENT")).unwrap();
    for entry in std::fs::read_dir(index_dir.join(current.trim())).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let fixture = Fixture {
        catalogue: common::open(&common::paths(&dir), &clock),
        dir,
        clock,
    };
    assert_in_step(&fixture);
    assert_eq!(indexed(&fixture).len(), 10);

    // Missing: remove the whole folder.
    let index_dir = fixture.paths().index_dir;
    let dir = fixture.dir;
    let clock = fixture.clock;
    drop(fixture.catalogue);
    std::fs::remove_dir_all(&index_dir).unwrap();
    let fixture = Fixture {
        catalogue: common::open(&common::paths(&dir), &clock),
        dir,
        clock,
    };
    assert_eq!(indexed(&fixture).len(), 10);
}

#[test]
fn a_rebuilt_index_answers_exactly_as_the_old_one() {
    let fixture = Fixture::new();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    fixture.import((0..300).map(|i| random_submission(&mut rng, i)).collect());
    let requests = [
        SearchRequest::default(),
        SearchRequest {
            text: "clearance".into(),
            ..SearchRequest::default()
        },
        SearchRequest {
            text: "survivors OR stockpile".into(),
            filters: Filters {
                kinds: vec![Kind::Need],
                ..Filters::default()
            },
            ..SearchRequest::default()
        },
        SearchRequest {
            filters: Filters {
                places: vec![Place::parse("LAO").unwrap()],
                min_usd: Some(100_000.0),
                ..Filters::default()
            },
            sort: portal::search::Sort::LargestAmount,
            ..SearchRequest::default()
        },
    ];
    let before: Vec<_> = requests
        .iter()
        .map(|r| fixture.catalogue.search(r).unwrap())
        .collect();
    let old_generation =
        std::fs::read_to_string(fixture.paths().index_dir.join("CURRENT")).unwrap();
    fixture.catalogue.reindex(&mut |_, _| {}).unwrap();
    let new_generation =
        std::fs::read_to_string(fixture.paths().index_dir.join("CURRENT")).unwrap();
    assert_ne!(
        old_generation, new_generation,
        "a reindex builds a new generation"
    );
    assert!(
        !fixture
            .paths()
            .index_dir
            .join(old_generation.trim())
            .exists()
    );
    let after: Vec<_> = requests
        .iter()
        .map(|r| fixture.catalogue.search(r).unwrap())
        .collect();
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.total, a.total);
        assert_eq!(b.facets, a.facets);
        let ids = |r: &portal::search::SearchResults| {
            r.hits
                .iter()
                .map(|h| h.submission.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(b), ids(a));
    }
}

/// Whether `s` covers `place` the way the search promises, computed from the record alone.
fn covers(s: &Submission, place: &Place) -> bool {
    let b = &s.beneficiaries;
    if b.global {
        return true;
    }
    match place {
        Place::Country(c) => {
            b.countries.iter().any(|x| x == c.alpha3)
                || b.regions.iter().any(|r| r == c.subregion || r == c.region)
        }
        Place::Region(r) => {
            let inside = codes::countries_in_region(r.code);
            b.countries
                .iter()
                .any(|x| inside.iter().any(|c| c.alpha3 == x))
                || b.regions.iter().any(|x| {
                    x == r.code
                        || Some(x.as_str()) == r.parent
                        || codes::region(x).and_then(|sub| sub.parent) == Some(r.code)
                })
        }
    }
}

#[test]
fn facet_counts_equal_a_brute_force_count_over_the_store() {
    let fixture = Fixture::new();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    fixture.import((0..400).map(|i| random_submission(&mut rng, i)).collect());
    // Some expire, some are withdrawn: the counts must follow members' visibility.
    fixture.clock.advance(Duration::days(200));
    fixture.import((400..500).map(|i| random_submission(&mut rng, i)).collect());
    fixture.clock.advance(Duration::days(200));
    let now = fixture.catalogue.now();
    let all = fixture.stored();

    let filter_sets = [
        Filters::default(),
        Filters {
            kinds: vec![Kind::Need],
            ..Filters::default()
        },
        Filters {
            places: vec![Place::parse("VNM").unwrap()],
            areas: vec![Area::VictimAssistance],
            ..Filters::default()
        },
        Filters {
            places: vec![Place::parse("Asia").unwrap()],
            assistance: vec![Assistance::Training, Assistance::Equipment],
            ..Filters::default()
        },
        Filters {
            submitter_types: vec![SubmitterType::Ngo],
            min_usd: Some(1_000_000.0),
            ..Filters::default()
        },
    ];
    for filters in filter_sets {
        let results = fixture
            .catalogue
            .search(&SearchRequest {
                filters: filters.clone(),
                ..SearchRequest::default()
            })
            .unwrap();
        let passes = |s: &Submission, skip: &str| {
            s.is_visible_to_members(now)
                && (skip == "kind" || filters.kinds.is_empty() || filters.kinds.contains(&s.kind))
                && (skip == "place"
                    || filters.places.is_empty()
                    || filters.places.iter().any(|p| covers(s, p)))
                && (skip == "area"
                    || filters.areas.is_empty()
                    || s.areas.iter().any(|a| filters.areas.contains(a)))
                && (skip == "assistance"
                    || filters.assistance.is_empty()
                    || s.assistance.iter().any(|a| filters.assistance.contains(a)))
                && (skip == "submitter"
                    || filters.submitter_types.is_empty()
                    || filters.submitter_types.contains(&s.submitter.kind))
                && (skip == "usd"
                    || (filters.min_usd.is_none() && filters.max_usd.is_none())
                    || s.usd().is_some_and(|u| {
                        filters.min_usd.is_none_or(|m| u >= m)
                            && filters.max_usd.is_none_or(|m| u <= m)
                    }))
        };
        let total = all.iter().filter(|s| passes(s, "")).count() as u64;
        assert_eq!(results.total, total, "{filters:?}");

        for (kind, count) in &results.facets.kind {
            let expected = all
                .iter()
                .filter(|s| passes(s, "kind") && s.kind == *kind)
                .count() as u64;
            assert_eq!(*count, expected, "kind {kind} with {filters:?}");
        }
        for (area, count) in &results.facets.area {
            let expected = all
                .iter()
                .filter(|s| passes(s, "area") && s.areas.contains(area))
                .count() as u64;
            assert_eq!(*count, expected, "area {area} with {filters:?}");
        }
        for (assistance, count) in &results.facets.assistance {
            let expected = all
                .iter()
                .filter(|s| passes(s, "assistance") && s.assistance.contains(assistance))
                .count() as u64;
            assert_eq!(*count, expected, "assistance {assistance} with {filters:?}");
        }
        for (submitter_type, count) in &results.facets.submitter_type {
            let expected = all
                .iter()
                .filter(|s| passes(s, "submitter") && s.submitter.kind == *submitter_type)
                .count() as u64;
            assert_eq!(
                *count, expected,
                "submitter type {submitter_type} with {filters:?}"
            );
        }
        let mut expected_countries: BTreeMap<String, u64> = BTreeMap::new();
        for s in all.iter().filter(|s| passes(s, "place")) {
            for c in &s.beneficiaries.countries {
                *expected_countries.entry(c.clone()).or_default() += 1;
            }
        }
        let got: BTreeMap<String, u64> = results.facets.country.iter().cloned().collect();
        assert_eq!(got, expected_countries, "countries with {filters:?}");
        let expected_global = all
            .iter()
            .filter(|s| passes(s, "place") && s.beneficiaries.global)
            .count() as u64;
        assert_eq!(results.facets.global, expected_global);
        let band_total: u64 = results.facets.funding.iter().map(|(_, n)| n).sum();
        assert_eq!(
            band_total,
            all.iter().filter(|s| passes(s, "usd")).count() as u64
        );
    }
}

#[test]
fn an_import_that_adds_and_then_updates_a_submission_indexes_only_its_last_version() {
    let fixture = Fixture::new();
    let mut first = need("Quokka words");
    first.id = "NEED-2026-0999".into();
    let mut second = first.clone();
    second.title = "Wombat words".into();
    second.summary = "Wombat words: summary.".into();
    let report = fixture.import(vec![first, offer("Another"), second]);
    assert_eq!((report.stored, report.updated), (2, 1), "{report:?}");
    assert_in_step(&fixture);
    let titles = |words: &str| -> Vec<String> {
        let request = SearchRequest {
            text: words.into(),
            audience: Audience::Admins,
            ..Default::default()
        };
        let page = fixture.catalogue.search(&request).unwrap();
        page.hits
            .into_iter()
            .map(|hit| hit.submission.title)
            .collect()
    };
    assert_eq!(titles("wombat"), ["Wombat words"]);
    assert!(titles("quokka").is_empty());
}

/// The deleted documents the index's searcher walks past.
fn deleted_in_search(fixture: &Fixture) -> u32 {
    let searcher = fixture.catalogue.index().searcher();
    searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.num_deleted_docs())
        .sum()
}

#[test]
fn a_segment_half_deleted_is_rewritten_in_the_background_and_searches_move_to_it() {
    let fixture = Fixture::new();
    let generated: Vec<Submission> = portal::demo::generate(&portal::demo::DemoOptions {
        count: 3_000,
        seed: 5,
        now: common::start_time(),
    })
    .collect();
    fixture.import(generated);
    // Every other submission withdrawn by one import: one commit deletes half the documents
    // of the index's one segment.
    let withdrawn: Vec<Submission> = fixture
        .stored()
        .into_iter()
        .step_by(2)
        .map(|mut submission| {
            submission.status = Status::Withdrawn;
            submission
        })
        .collect();
    fixture.import_with(withdrawn, portal::catalogue::ImportOptions::default());
    let requests = [
        SearchRequest::default(),
        SearchRequest {
            text: "clearance".into(),
            ..SearchRequest::default()
        },
    ];
    let before: Vec<_> = requests
        .iter()
        .map(|r| fixture.catalogue.search(r).unwrap())
        .collect();
    assert!(before[0].total > 0);
    // tantivy rewrites the segment in the background. Nothing is written meanwhile, so only
    // the index's own watch on its list of segments can move searches to the new one.
    let waited = std::time::Instant::now();
    while deleted_in_search(&fixture) > 0 {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(120),
            "searches still walk past {} deleted documents",
            deleted_in_search(&fixture)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The same submissions found and counted; a keyword's ranking may move a little, as the
    // words' statistics no longer count the deleted documents.
    let after: Vec<_> = requests
        .iter()
        .map(|r| fixture.catalogue.search(r).unwrap())
        .collect();
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1].total, before[1].total);
    assert_eq!(after[1].facets, before[1].facets);
    assert_in_step(&fixture);
}
