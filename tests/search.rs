//! Search: keywords, filters, facets, sorting, pagination, snippets and visibility.

mod common;

use chrono::Duration;
use common::{Fixture, need, offer};
use portal::catalogue::ImportOptions;
use portal::search::{Audience, Filters, Place, SearchRequest, SearchResults, Sort};
use portal::submission::{Area, Assistance, Kind, Status, SubmitterType};

fn search(fixture: &Fixture, text: &str, filters: Filters) -> SearchResults {
    fixture
        .catalogue
        .search(&SearchRequest {
            text: text.into(),
            filters,
            ..SearchRequest::default()
        })
        .unwrap()
}

fn titles(results: &SearchResults) -> Vec<String> {
    let mut titles: Vec<String> = results
        .hits
        .iter()
        .map(|h| h.submission.title.clone())
        .collect();
    titles.sort();
    titles
}

/// Checks which titles a keyword query returns.
fn check(fixture: &Fixture, text: &str, expected: &[&str]) {
    let results = search(fixture, text, Filters::default());
    assert_eq!(titles(&results), expected, "query {text:?}");
    assert_eq!(results.total as usize, expected.len(), "query {text:?}");
}

fn place(text: &str) -> Place {
    Place::parse(text).unwrap()
}

fn keyword_fixture() -> Fixture {
    let fixture = Fixture::new();
    let mut a = need("Battle area clearance in Xieng Khouang");
    a.description = "Clearing submunitions from rice fields near schools.".into();
    let mut b = need("Prosthetics workshop for survivors");
    b.description = "Physical rehabilitation and prosthetic limbs for survivors.".into();
    b.areas = vec![Area::VictimAssistance];
    let mut c = need("Risk education for children");
    c.description = "Explosive ordnance risk education in schools and villages.".into();
    fixture.import(vec![a, b, c]);
    fixture
}

#[test]
fn keywords_match_stemmed_words_in_any_text_field() {
    let fixture = keyword_fixture();
    check(
        &fixture,
        "prosthetic",
        &["Prosthetics workshop for survivors"],
    );
    check(
        &fixture,
        "SCHOOL",
        &[
            "Battle area clearance in Xieng Khouang",
            "Risk education for children",
        ],
    );
    check(&fixture, "Norway", &[]);
    // A search of nothing but small words is a search for them, not for everything.
    check(
        &fixture,
        "from",
        &["Battle area clearance in Xieng Khouang"],
    );
}

#[test]
fn phrases_and_boolean_operators_work() {
    let fixture = keyword_fixture();
    check(
        &fixture,
        "\"risk education\"",
        &["Risk education for children"],
    );
    check(&fixture, "\"education risk\"", &[]);
    check(&fixture, "schools -rice", &["Risk education for children"]);
    // Submunitions are explosive ordnance (the glossary): the risk education for children
    // about explosive ordnance is found too.
    check(
        &fixture,
        "prosthetics OR submunitions",
        &[
            "Battle area clearance in Xieng Khouang",
            "Prosthetics workshop for survivors",
            "Risk education for children",
        ],
    );
    check(
        &fixture,
        "schools AND rice",
        &["Battle area clearance in Xieng Khouang"],
    );
}

#[test]
fn keywords_reach_every_text_field_but_phrases_stay_within_one() {
    let fixture = Fixture::new();
    let mut a = need("Mine risk");
    a.summary = "Education for returnees.".into();
    a.description = "Marking of hazardous areas.".into();
    let mut b = need("Survey of hazardous areas");
    b.description = "Mine risk education in the border districts.".into();
    b.submitter.organisation = "Humanity Survey Group".into();
    fixture.import(vec![a, b]);
    // The title of one and the summary of the other: no phrase across two fields.
    check(
        &fixture,
        "\"risk education\"",
        &["Survey of hazardous areas"],
    );
    // Words in any field, the submitter's name included.
    check(&fixture, "returnees marking", &["Mine risk"]);
    check(&fixture, "humanity", &["Survey of hazardous areas"]);
    // No field syntax reaches the index: `title:` is a word like any other (once it asked the
    // title alone, and `title:*` failed the search). What has the word in its title ranks
    // first, and the word is marked in the snippet.
    let results = search(&fixture, "title:hazardous", Filters::default());
    let ranked: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.submission.title.as_str())
        .collect();
    assert_eq!(ranked, ["Survey of hazardous areas", "Mine risk"]);
    assert!(
        results.hits[1]
            .snippet
            .to_html()
            .contains("<b>hazardous</b>")
    );
    for text in [
        "title:*",
        "text:*",
        "id:*",
        "zzz:*",
        "status:published",
        "serial:1",
    ] {
        let results = fixture.catalogue.search(&SearchRequest {
            text: text.into(),
            ..SearchRequest::default()
        });
        assert!(results.is_ok(), "{text}: {results:?}");
    }
}

#[test]
fn words_in_the_title_rank_first() {
    let fixture = Fixture::new();
    // The word once in each, in a short text and in a title with a long text.
    let mut a = need("Clearance");
    a.description = "Prosthetics are out of scope.".into();
    let mut b = need("Prosthetics for survivors");
    b.description = "Technical survey, marking and fencing of the workshops, the storage \
        sites and the roads that lead to them, in the four northern provinces, with the \
        communities and the local authorities, over three years."
        .into();
    fixture.import(vec![a, b]);
    let results = search(&fixture, "prosthetics", Filters::default());
    let ranked: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.submission.title.as_str())
        .collect();
    assert_eq!(ranked, ["Prosthetics for survivors", "Clearance"]);
}

#[test]
fn malformed_queries_never_fail() {
    let fixture = keyword_fixture();
    for text in [
        "\"unclosed",
        "(((",
        "title:",
        "AND OR",
        "-",
        ")",
        "risk^^",
        "\u{0}",
    ] {
        let results = fixture.catalogue.search(&SearchRequest {
            text: text.into(),
            ..SearchRequest::default()
        });
        assert!(results.is_ok(), "query {text:?} failed: {results:?}");
    }
}

#[test]
fn snippets_highlight_the_matched_words() {
    let fixture = keyword_fixture();
    let results = search(&fixture, "prosthetic", Filters::default());
    let snippet = &results.hits[0].snippet;
    assert!(snippet.to_html().contains("<b>"), "{snippet:?}");
    let (start, end) = snippet.highlighted[0];
    assert!(
        snippet.fragment[start..end]
            .to_lowercase()
            .starts_with("prosthet")
    );
}

#[test]
fn a_country_filter_finds_that_country_its_regions_and_global_offers() {
    let fixture = Fixture::new();
    let lao = need("Lao need");
    let mut regional = offer("South-east Asia offer");
    regional.beneficiaries.global = false;
    regional.beneficiaries.regions = vec!["035".into()];
    let global = offer("Global offer");
    let mut iraq = need("Iraq need");
    iraq.beneficiaries.countries = vec!["IRQ".into()];
    fixture.import(vec![lao, regional, global, iraq]);

    let results = search(
        &fixture,
        "",
        Filters {
            places: vec![place("Laos")],
            ..Filters::default()
        },
    );
    assert_eq!(
        titles(&results),
        ["Global offer", "Lao need", "South-east Asia offer"]
    );

    let results = search(
        &fixture,
        "",
        Filters {
            places: vec![place("Asia")],
            ..Filters::default()
        },
    );
    assert_eq!(
        titles(&results),
        [
            "Global offer",
            "Iraq need",
            "Lao need",
            "South-east Asia offer"
        ]
    );

    let results = search(
        &fixture,
        "",
        Filters {
            places: vec![place("Western Asia")],
            ..Filters::default()
        },
    );
    assert_eq!(titles(&results), ["Global offer", "Iraq need"]);
}

#[test]
fn intermediate_regions_are_places_in_filters_and_matching() {
    // Once refused everywhere: "unknown country or region "011"".
    let fixture = Fixture::new();
    let mut guinea_bissau = need("Clearance in Guinea-Bissau");
    guinea_bissau.beneficiaries.countries = vec!["GNB".into()];
    let mut kenya = need("Clearance in Kenya");
    kenya.beneficiaries.countries = vec!["KEN".into()];
    let mut west = offer("Western Africa offer");
    west.beneficiaries.global = false;
    west.beneficiaries.regions = vec!["011".into()];
    let mut sub_saharan = offer("Sub-Saharan Africa offer");
    sub_saharan.beneficiaries.global = false;
    sub_saharan.beneficiaries.regions = vec!["202".into()];
    let ids = fixture
        .import(vec![guinea_bissau, kenya, west, sub_saharan])
        .ids;
    assert_eq!(ids.len(), 4);

    let found = |text: &str| {
        titles(&search(
            &fixture,
            "",
            Filters {
                places: vec![place(text)],
                ..Filters::default()
            },
        ))
    };
    // A country finds the regions at every level that hold it.
    assert_eq!(
        found("Guinea-Bissau"),
        [
            "Clearance in Guinea-Bissau",
            "Sub-Saharan Africa offer",
            "Western Africa offer"
        ]
    );
    assert_eq!(
        found("KEN"),
        ["Clearance in Kenya", "Sub-Saharan Africa offer"]
    );
    // A region finds its countries, the regions around it and those inside it.
    assert_eq!(
        found("011"),
        [
            "Clearance in Guinea-Bissau",
            "Sub-Saharan Africa offer",
            "Western Africa offer"
        ]
    );
    assert_eq!(found("Africa").len(), 4);

    // Matching: the Western Africa offer fits the need in Guinea-Bissau, not the one in Kenya.
    let matched = |id: &str| -> Vec<String> {
        let mut titles: Vec<String> = fixture
            .catalogue
            .matches(id, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.submission.title)
            .collect();
        titles.sort();
        titles
    };
    assert_eq!(
        matched(&ids[0]),
        ["Sub-Saharan Africa offer", "Western Africa offer"]
    );
    assert_eq!(matched(&ids[1]), ["Sub-Saharan Africa offer"]);
    assert_eq!(matched(&ids[2]), ["Clearance in Guinea-Bissau"]);
}

#[test]
fn filters_combine_within_and_across_dimensions() {
    let fixture = Fixture::new();
    let mut training = offer("Training offer");
    training.assistance = vec![Assistance::Training];
    training.submitter.kind = SubmitterType::Ngo;
    let mut money = offer("Money offer");
    money.assistance = vec![Assistance::Financial];
    let mut va = need("VA need");
    va.areas = vec![Area::VictimAssistance];
    fixture.import(vec![training, money, va]);

    let by = |filters: Filters| titles(&search(&fixture, "", filters));
    assert_eq!(
        by(Filters {
            kinds: vec![Kind::Offer],
            ..Filters::default()
        }),
        ["Money offer", "Training offer"]
    );
    assert_eq!(
        by(Filters {
            kinds: vec![Kind::Offer],
            assistance: vec![Assistance::Training],
            ..Filters::default()
        }),
        ["Training offer"]
    );
    assert_eq!(
        by(Filters {
            kinds: vec![Kind::Offer, Kind::Need],
            areas: vec![Area::VictimAssistance],
            ..Filters::default()
        }),
        ["VA need"]
    );
    assert_eq!(
        by(Filters {
            submitter_types: vec![SubmitterType::Ngo],
            ..Filters::default()
        }),
        ["Training offer"]
    );
}

#[test]
fn the_usd_range_filter_uses_converted_amounts() {
    let fixture = Fixture::new();
    let mut small = need("Small");
    small.funding.as_mut().unwrap().amount = 50_000.0;
    let mut euros = need("Euros");
    euros.funding.as_mut().unwrap().amount = 1_000_000.0;
    euros.funding.as_mut().unwrap().currency = "EUR".into();
    let mut none = need("No amount");
    none.funding = None;
    fixture.import(vec![small, euros, none]);

    let by = |min, max| {
        titles(&search(
            &fixture,
            "",
            Filters {
                min_usd: min,
                max_usd: max,
                ..Filters::default()
            },
        ))
    };
    assert_eq!(by(Some(100_000.0), None), ["Euros"]);
    assert_eq!(by(None, Some(100_000.0)), ["Small"]);
    assert_eq!(by(Some(10.0), Some(10_000_000.0)), ["Euros", "Small"]);
}

#[test]
fn facet_counts_apply_the_other_dimensions_filters_but_not_their_own() {
    let fixture = Fixture::new();
    let mut iraq_offer = offer("Iraq offer");
    iraq_offer.beneficiaries.global = false;
    iraq_offer.beneficiaries.countries = vec!["IRQ".into()];
    fixture.import(vec![
        need("Lao 1"),
        need("Lao 2"),
        offer("Global"),
        iraq_offer,
    ]);

    let results = search(
        &fixture,
        "",
        Filters {
            kinds: vec![Kind::Need],
            ..Filters::default()
        },
    );
    assert_eq!(results.total, 2);
    // The kind facet ignores the kind filter: it shows what choosing each kind would give.
    let kind_count = |k: Kind| results.facets.kind.iter().find(|(x, _)| *x == k).unwrap().1;
    assert_eq!(kind_count(Kind::Need), 2);
    assert_eq!(kind_count(Kind::Offer), 2);
    // The country facet applies the kind filter.
    assert_eq!(results.facets.country, vec![("LAO".to_string(), 2)]);
    assert_eq!(results.facets.global, 0);
}

#[test]
fn sorting_by_amount_newest_and_expiry() {
    let fixture = Fixture::new();
    let mut big = need("Big");
    big.funding.as_mut().unwrap().amount = 9_000_000.0;
    fixture.add(big);
    fixture.clock.advance(Duration::days(1));
    let mut small = need("Small");
    small.funding.as_mut().unwrap().amount = 10_000.0;
    fixture.add(small);
    fixture.clock.advance(Duration::days(1));
    let mut project = need("Project");
    project.kind = Kind::Project;
    project.funding.as_mut().unwrap().amount = 500_000.0;
    fixture.add(project);

    let order = |sort: Sort| -> Vec<String> {
        fixture
            .catalogue
            .search(&SearchRequest {
                sort,
                ..SearchRequest::default()
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.submission.title)
            .collect()
    };
    assert_eq!(order(Sort::LargestAmount), ["Big", "Project", "Small"]);
    assert_eq!(order(Sort::Newest), ["Project", "Small", "Big"]);
    // Needs live 12 months, projects 24: the project expires last.
    assert_eq!(order(Sort::ExpiringSoonest), ["Big", "Small", "Project"]);
}

#[test]
fn pagination_and_total() {
    let fixture = Fixture::new();
    fixture.import((0..25).map(|i| need(&format!("Need {i:02}"))).collect());
    let page = |offset| {
        fixture
            .catalogue
            .search(&SearchRequest {
                offset,
                limit: 10,
                sort: Sort::Newest,
                ..SearchRequest::default()
            })
            .unwrap()
    };
    assert_eq!(page(0).hits.len(), 10);
    assert_eq!(page(20).hits.len(), 5);
    assert_eq!(page(20).total, 25);
    assert!(page(500).hits.is_empty());
    let mut seen: Vec<String> = [0, 10, 20]
        .into_iter()
        .flat_map(|o| page(o).hits.into_iter().map(|h| h.submission.id))
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25);
}

#[test]
fn members_never_see_unpublished_or_expired_submissions() {
    let fixture = Fixture::new();
    let published = fixture.add(need("Published"));
    fixture.import_with(vec![need("Pending")], ImportOptions { publish: false });
    let withdrawn = fixture.add(need("Withdrawn"));
    fixture
        .catalogue
        .set_status(&withdrawn, Status::Withdrawn)
        .unwrap();

    let members = |fixture: &Fixture| titles(&search(fixture, "", Filters::default()));
    assert_eq!(members(&fixture), ["Published"]);

    // The boundary second: visible up to the second before expiry, gone at expiry, with no
    // clean-up job having run.
    let expiry = fixture
        .catalogue
        .get(&published)
        .unwrap()
        .timestamps
        .expires_at
        .unwrap();
    fixture.clock.set(expiry - Duration::seconds(1));
    assert_eq!(members(&fixture), ["Published"]);
    fixture.clock.set(expiry);
    assert!(members(&fixture).is_empty());

    // The ISU still sees everything.
    let admins = fixture
        .catalogue
        .search(&SearchRequest {
            audience: Audience::Admins,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(admins.total, 3);
}

#[test]
fn submissions_with_many_places_are_found_and_counted_by_each() {
    // More places than a search row holds inline: the rest are kept beside the rows.
    let fixture = Fixture::new();
    let mut wide = need("Regional clearance programme");
    wide.beneficiaries.countries = ["LAO", "KHM", "VNM", "IRQ", "SYR", "UKR", "COL", "BIH"]
        .map(String::from)
        .to_vec();
    wide.beneficiaries.regions = vec!["035".into()];
    let narrow = need("Lao need");
    fixture.import(vec![wide, narrow]);

    for (country, expected) in [
        ("LAO", vec!["Lao need", "Regional clearance programme"]),
        ("COL", vec!["Regional clearance programme"]),
        ("BIH", vec!["Regional clearance programme"]),
        ("AFG", vec![]),
    ] {
        let results = search(
            &fixture,
            "",
            Filters {
                places: vec![place(country)],
                ..Filters::default()
            },
        );
        assert_eq!(titles(&results), expected, "{country}");
    }
    let facets = search(&fixture, "", Filters::default()).facets;
    let count = |code: &str| {
        facets
            .country
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count("LAO"), 2);
    for code in ["KHM", "VNM", "IRQ", "SYR", "UKR", "COL", "BIH"] {
        assert_eq!(count(code), 1, "{code}");
    }
}

#[test]
fn a_submission_naming_every_country_and_region_keeps_them_all() {
    // Over 255 places (countries, regions, global): more than fit a byte.
    let fixture = Fixture::new();
    let mut everywhere = need("Every country named");
    everywhere.beneficiaries.countries = portal::codes::countries()
        .iter()
        .map(|c| c.alpha3.to_string())
        .collect();
    everywhere.beneficiaries.regions = portal::codes::regions()
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    everywhere.beneficiaries.global = true;
    let report = fixture.import(vec![everywhere]);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let last = portal::codes::countries().last().unwrap().alpha3;
    let results = search(
        &fixture,
        "",
        Filters {
            places: vec![place(last)],
            ..Filters::default()
        },
    );
    assert_eq!(titles(&results), vec!["Every country named"], "{last}");
    let counted = results.facets.country.iter().find(|(c, _)| c == last);
    assert_eq!(counted.map(|(_, n)| *n), Some(1), "{last}");
    assert_eq!(
        results.facets.global, 1,
        "the global mark, the last place value"
    );
}

#[test]
fn a_search_uses_every_core_only_while_the_portal_is_not_busy_searching() {
    let fixture = Fixture::new();
    // Two imports, two commits: two segments, which a search may spread over the cores.
    fixture.add(need("Battle area clearance"));
    fixture.add(need("Risk education for children"));
    let index = fixture.catalogue.index();
    index.set_parallel_from_docs(0);
    index.set_busy_for(std::time::Duration::from_secs(3600));
    let searcher = index.searcher();
    assert!(searcher.segment_readers().len() > 1);
    let every_core =
        |executor: &tantivy::Executor| matches!(executor, tantivy::Executor::ThreadPool(_));

    let this = index.searching();
    assert!(every_core(index.executor(&searcher, 1)));
    let other = index.searching();
    assert!(!every_core(index.executor(&searcher, 1)));
    drop(other);
    // Searches side by side mark the portal busy for a while: it is under load.
    assert!(!every_core(index.executor(&searcher, 1)));
    drop(this);

    index.set_busy_for(std::time::Duration::ZERO);
    let this = index.searching();
    let other = index.searching();
    assert!(!every_core(index.executor(&searcher, 1)));
    drop(other);
    assert!(every_core(index.executor(&searcher, 1)));
    drop(this);
}
