//! The statistics and the country reports, which are worked out from the index's table of
//! values, against a plain pass over the stored submissions: demo content spread over several
//! index segments with deletions, with pending, withdrawn, rejected, archived and
//! expired-but-not-yet-archived submissions among it. Needs with a match are checked against
//! matching itself.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use common::{Fixture, need, offer, start_time};
use portal::catalogue::ImportOptions;
use portal::demo::{self, DemoOptions};
use portal::matching::{Counterpart, NeedFit};
use portal::reports::FEW_NEEDS;
use portal::stats::{MatchedNeeds, Stats, UsdBalance, last_quarters, quarter_of};
use portal::submission::{Area, Kind, Status, Submission, Vocabulary};

const SIZE: usize = 1_200;

/// Demo submissions in three batches (the last left pending), some edited, withdrawn,
/// rejected and renewed; then time passes, the expired ones are archived, and more time
/// passes, so that some have expired without being archived yet.
fn fixture() -> Fixture {
    let fixture = Fixture::new();
    let generated: Vec<Submission> = demo::generate(&DemoOptions {
        count: SIZE,
        seed: 11,
        now: start_time(),
    })
    .collect();
    let batches: Vec<&[Submission]> = generated.chunks(SIZE / 3 + 1).collect();
    fixture.import_with(batches[0].to_vec(), ImportOptions { publish: true });
    fixture.import_with(batches[1].to_vec(), ImportOptions::default());
    let mut pending = batches[2].to_vec();
    for submission in &mut pending {
        submission.status = Status::Pending;
    }
    fixture.import_with(pending, ImportOptions { publish: false });
    // Needs larger than anything offered: only offers naming no amount could match them.
    let mut large = Vec::new();
    for (i, (country, area)) in [
        ("TUV", Area::StockpileDestruction),
        ("LAO", Area::StockpileDestruction),
        ("COL", Area::ClearanceAndRiskEducation),
        ("FJI", Area::TransparencyAndNationalImplementation),
    ]
    .into_iter()
    .enumerate()
    {
        let mut s = need(&format!("Very large need {i}"));
        s.beneficiaries.countries = vec![country.into()];
        s.areas = vec![area];
        if let Some(funding) = &mut s.funding {
            funding.amount = 5.0e12;
        }
        large.push(s);
    }
    // … and one very large offer for South-eastern Asia: it fits the need in Laos, not the one
    // in Tuvalu.
    let mut regional = offer("Very large regional offer");
    regional.beneficiaries.global = false;
    regional.beneficiaries.regions = vec!["035".into()];
    regional.areas = vec![Area::StockpileDestruction];
    if let Some(funding) = &mut regional.funding {
        funding.amount = 1.0e12;
    }
    large.push(regional);
    // … and one naming two countries, the second of them Fiji.
    let mut two = offer("Very large offer for two countries");
    two.beneficiaries.global = false;
    two.beneficiaries.countries = vec!["DNK".into(), "FJI".into()];
    two.areas = vec![Area::TransparencyAndNationalImplementation];
    if let Some(funding) = &mut two.funding {
        funding.amount = 1.0e12;
    }
    large.push(two);
    // … and needs the compendium lists apart: one for a region alone, one for the whole
    // world, and one for two countries whose first area comes after its second in the
    // Convention's order.
    let mut for_region = need("Need of a region alone");
    for_region.beneficiaries.countries.clear();
    for_region.beneficiaries.regions = vec!["035".into()];
    let mut for_world = need("Need of the whole world");
    for_world.beneficiaries.countries.clear();
    for_world.beneficiaries.global = true;
    let mut for_two = need("Need of two countries");
    for_two.beneficiaries.countries = vec!["KHM".into(), "LAO".into()];
    for_two.areas = vec![Area::VictimAssistance, Area::ClearanceAndRiskEducation];
    assert!(Area::VictimAssistance.ordinal() > Area::ClearanceAndRiskEducation.ordinal());
    // … and a funding source published four years ago and renewed since: current, and
    // published before the statistics' quarters.
    let mut lasting = offer("Long-standing trust fund");
    lasting.kind = Kind::FundingSource;
    lasting.status = Status::Published;
    lasting.timestamps.received_at = start_time() - Duration::days(4 * 365);
    lasting.timestamps.published_at = Some(start_time() - Duration::days(4 * 365 - 5));
    lasting.timestamps.renewed_at = Some(start_time() - Duration::days(30));
    lasting.timestamps.expires_at = Some(start_time() + Duration::days(700));
    large.extend([for_region, for_world, for_two, lasting]);
    fixture.import_with(large, ImportOptions { publish: true });

    let catalogue = &fixture.catalogue;
    let ids: Vec<String> = fixture.stored().into_iter().map(|s| s.id).collect();
    for id in ids.iter().step_by(13) {
        catalogue
            .edit(id, |s| s.title.push_str(" (revised)"))
            .unwrap();
    }
    for id in ids.iter().skip(5).step_by(37) {
        catalogue.set_status(id, Status::Withdrawn).unwrap();
    }
    for id in ids.iter().skip(7).step_by(43) {
        catalogue.set_status(id, Status::Rejected).unwrap();
    }
    // Without the offers and funding sources that name no amount, the very large needs
    // find no match.
    for s in fixture.stored() {
        if matches!(s.kind, Kind::Offer | Kind::FundingSource) && s.funding.is_none() {
            catalogue.set_status(&s.id, Status::Withdrawn).unwrap();
        }
    }
    for id in ids.iter().skip(3).step_by(29) {
        if catalogue.get(id).unwrap().status == Status::Published {
            catalogue.renew(id).unwrap();
        }
    }
    fixture.clock.advance(Duration::days(150));
    let archived = catalogue.purge_expired("test").unwrap();
    assert!(!archived.is_empty(), "some have expired and are archived");
    fixture.clock.advance(Duration::days(120));
    fixture
}

/// The statistics worked out plainly from the stored submissions, each counterpart tried
/// against each need.
fn expected(all: &[Submission], now: DateTime<Utc>) -> Stats {
    let mut stats = Stats {
        total: all.len() as u64,
        ..Stats::default()
    };
    for quarter in last_quarters(now, portal::stats::QUARTERS) {
        stats.published_by_quarter.insert(quarter, 0);
    }
    let first_quarter = stats.published_by_quarter.keys().next().unwrap().clone();
    let visible: Vec<&Submission> = all
        .iter()
        .filter(|s| s.is_visible_to_members(now))
        .collect();
    for s in all {
        let status = if s.status == Status::Published && !s.is_visible_to_members(now) {
            "published-but-expired"
        } else {
            s.status.slug()
        };
        *stats.by_status.entry(status.to_string()).or_default() += 1;
    }
    for s in &visible {
        let kind = s.kind.slug().to_string();
        *stats.visible_by_kind.entry(kind.clone()).or_default() += 1;
        for area in &s.areas {
            let area_slug = area.slug().to_string();
            *stats
                .visible_by_area
                .entry(area_slug.clone())
                .or_default()
                .entry(kind.clone())
                .or_default() += 1;
            let share = s.usd().unwrap_or(0.0) / s.areas.len() as f64;
            let balance: &mut UsdBalance = stats.usd_by_area.entry(area_slug).or_default();
            match s.kind {
                Kind::Need => balance.sought += share,
                Kind::Offer | Kind::FundingSource => balance.offered += share,
                Kind::Project => {}
            }
        }
        let by_country = match s.kind {
            Kind::Need => &mut stats.needs_by_country,
            Kind::Offer | Kind::FundingSource => &mut stats.offers_by_country,
            Kind::Project => continue,
        };
        for country in &s.beneficiaries.countries {
            *by_country.entry(country.clone()).or_default() += 1;
        }
        if s.kind != Kind::Need && s.beneficiaries.global {
            stats.offers_global += 1;
        }
    }
    for s in &visible {
        let published = s
            .timestamps
            .published_at
            .unwrap_or(s.timestamps.received_at);
        let quarter = quarter_of(published);
        match stats.published_by_quarter.get_mut(&quarter) {
            Some(count) => *count += 1,
            None if quarter < first_quarter => stats.published_earlier += 1,
            None => {}
        }
    }
    let visible_counterparts: Vec<&Submission> = visible
        .iter()
        .filter(|s| matches!(s.kind, Kind::Offer | Kind::FundingSource))
        .copied()
        .collect();
    let counterparts: Vec<Counterpart> = visible_counterparts
        .iter()
        .map(|s| Counterpart::new(s))
        .collect();
    for need in visible.iter().filter(|s| s.kind == Kind::Need) {
        let fit = NeedFit::new(need);
        let (mut matched, mut matched_written) = (false, false);
        for area in &need.areas {
            let in_area = counterparts.iter().any(|c| fit.fits_in(*area, c));
            // Written for a place: the counterpart is not open to every country.
            let written = counterparts
                .iter()
                .zip(visible_counterparts.iter())
                .any(|(c, s)| !s.beneficiaries.global && fit.fits_in(*area, c));
            let entry: &mut MatchedNeeds = stats
                .matched_needs_by_area
                .entry(area.slug().to_string())
                .or_default();
            entry.needs += 1;
            if in_area {
                entry.with_match += 1;
                matched = true;
            }
            if written {
                entry.with_written_match += 1;
                matched_written = true;
            }
        }
        stats.needs_with_match += u64::from(matched);
        stats.needs_with_written_match += u64::from(matched_written);
    }
    stats
}

fn assert_close(
    what: &str,
    actual: &BTreeMap<String, UsdBalance>,
    expected: &BTreeMap<String, UsdBalance>,
) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (key, want) in expected {
        let got = actual[key];
        for (a, b) in [(got.sought, want.sought), (got.offered, want.offered)] {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{what} {key}: {a} against {b}"
            );
        }
    }
}

#[test]
fn statistics_from_the_index_agree_with_a_pass_over_the_store() {
    let fixture = fixture();
    let now = fixture.catalogue.now();
    let all = fixture.stored();
    let want = expected(&all, now);
    let got = fixture.catalogue.stats().unwrap();

    // The content has what every count must tell apart.
    for status in [
        "pending",
        "published",
        "published-but-expired",
        "expired",
        "withdrawn",
        "rejected",
    ] {
        assert!(
            want.by_status.get(status).is_some_and(|n| *n > 0),
            "{status}: {:?}",
            want.by_status
        );
    }
    assert!(want.needs_with_match > 0);
    let needs = want.visible_by_kind["need"];
    assert!(want.needs_with_match < needs, "some needs have no match");
    assert!(
        want.needs_with_written_match < want.needs_with_match,
        "some needs have a match only among offers open to every country"
    );
    let large = |title: &str| {
        // Some titles were revised; which ones depends on the ids the demo content was given.
        let revised = format!("{title} (revised)");
        let need = all
            .iter()
            .find(|s| s.title == title || s.title == revised)
            .unwrap();
        !fixture.catalogue.fits(&need.id, 1).unwrap().is_empty()
    };
    assert!(
        large("Very large need 1"),
        "the regional offer fits the need in Laos"
    );
    assert!(
        !large("Very large need 0"),
        "nothing fits the need in Tuvalu"
    );
    assert!(want.published_earlier > 0);

    assert_eq!(got.total, want.total);
    assert_eq!(got.by_status, want.by_status);
    assert_eq!(got.visible_by_kind, want.visible_by_kind);
    assert_eq!(got.visible_by_area, want.visible_by_area);
    assert_close("USD by area", &got.usd_by_area, &want.usd_by_area);
    assert_eq!(got.needs_by_country, want.needs_by_country);
    assert_eq!(got.offers_by_country, want.offers_by_country);
    assert_eq!(got.offers_global, want.offers_global);
    assert_eq!(got.published_by_quarter, want.published_by_quarter);
    assert_eq!(got.published_earlier, want.published_earlier);
    assert_eq!(got.matched_needs_by_area, want.matched_needs_by_area);
    assert_eq!(got.needs_with_match, want.needs_with_match);
    assert_eq!(got.needs_with_written_match, want.needs_with_written_match);
}

#[test]
fn needs_with_a_match_are_those_matching_finds_a_counterpart_for() {
    let fixture = fixture();
    let now = fixture.catalogue.now();
    let with_match = fixture
        .stored()
        .iter()
        .filter(|s| s.kind == Kind::Need && s.is_visible_to_members(now))
        .filter(|s| !fixture.catalogue.fits(&s.id, 1).unwrap().is_empty())
        .count();
    assert_eq!(
        fixture.catalogue.stats().unwrap().needs_with_match,
        with_match as u64
    );
}

/// A country report worked out plainly: every counterpart tried against every need.
struct PlainReport {
    needs: Vec<String>,
    /// Each fitting offer's id and the ids of the needs it fits: those written for a place
    /// before those open to every country, then those fitting the most first.
    offers: Vec<(String, Vec<String>)>,
    /// How many of them are open to every country.
    open_to_all: u64,
    projects: Vec<String>,
    usd_sought: f64,
}

fn plain_report(all: &[Submission], alpha3: &str, now: DateTime<Utc>) -> PlainReport {
    let visible: Vec<&Submission> = all
        .iter()
        .filter(|s| s.is_visible_to_members(now))
        .collect();
    let names = |s: &Submission| s.beneficiaries.countries.iter().any(|c| c == alpha3);
    let needs: Vec<&Submission> = visible
        .iter()
        .copied()
        .filter(|s| s.kind == Kind::Need && names(s))
        .collect();
    let fits: Vec<(&Submission, NeedFit)> = needs.iter().map(|n| (*n, NeedFit::new(n))).collect();
    let mut offers: Vec<(bool, String, Vec<String>)> = visible
        .iter()
        .filter(|s| matches!(s.kind, Kind::Offer | Kind::FundingSource))
        .map(|s| {
            let counterpart = Counterpart::new(s);
            let mut fitted: Vec<String> = fits
                .iter()
                .filter(|(_, fit)| fit.fits(&counterpart))
                .map(|(need, _)| need.id.clone())
                .collect();
            fitted.sort();
            (s.beneficiaries.global, s.id.clone(), fitted)
        })
        .filter(|(_, _, fitted)| !fitted.is_empty())
        .collect();
    offers.sort_by(|a, b| {
        (a.0.cmp(&b.0))
            .then_with(|| b.2.len().cmp(&a.2.len()))
            .then_with(|| a.1.cmp(&b.1))
    });
    let open_to_all = offers.iter().filter(|(open, _, _)| *open).count() as u64;
    let offers = offers
        .into_iter()
        .map(|(_, id, fitted)| (id, fitted))
        .collect();
    let today = now.date_naive();
    let projects = visible
        .iter()
        .filter(|s| s.kind == Kind::Project && names(s))
        .filter(|s| s.period.end.is_none_or(|end| end >= today))
        .map(|s| s.id.clone())
        .collect();
    PlainReport {
        needs: needs.iter().map(|s| s.id.clone()).collect(),
        offers,
        open_to_all,
        projects,
        usd_sought: needs.iter().map(|s| s.usd().unwrap_or(0.0)).sum(),
    }
}

#[test]
fn country_reports_from_the_index_agree_with_a_pass_over_the_store() {
    let fixture = fixture();
    let now = fixture.catalogue.now();
    let all = fixture.stored();
    let stats = fixture.catalogue.stats().unwrap();
    let mut countries: Vec<(&String, &u64)> = stats.needs_by_country.iter().collect();
    countries.sort_by(|a, b| b.1.cmp(a.1));
    let mut checked: Vec<&str> = countries.iter().take(6).map(|(c, _)| c.as_str()).collect();
    // Tuvalu's one need finds no match, Fiji's only the offer naming it second; Iceland has
    // no need.
    checked.extend(["TUV", "FJI", "ISL"]);
    const LISTED: usize = 7;
    for alpha3 in checked {
        let want = plain_report(&all, alpha3, now);
        let got = fixture.catalogue.country_report(alpha3, LISTED).unwrap();
        let ids = |list: &[Submission]| list.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        let first = |list: &[String]| list.iter().take(LISTED).cloned().collect::<Vec<_>>();
        assert_eq!(ids(&got.needs), first(&want.needs), "{alpha3}: needs");
        assert_eq!(
            ids(&got.projects),
            first(&want.projects),
            "{alpha3}: projects"
        );
        assert_eq!(got.ongoing_projects, want.projects.len() as u64, "{alpha3}");
        assert_eq!(
            got.fitting_offers,
            want.offers.len() as u64,
            "{alpha3}: fitting offers"
        );
        assert_eq!(got.open_to_all, want.open_to_all, "{alpha3}: open to all");
        let listed: Vec<(String, usize, Vec<String>)> = got
            .offers
            .iter()
            .map(|f| (f.submission.id.clone(), f.fits, f.needs.clone()))
            .collect();
        // The ids of the needs an offer fits are given only when there are a few.
        let expected: Vec<(String, usize, Vec<String>)> = want
            .offers
            .into_iter()
            .take(LISTED)
            .map(|(id, needs)| {
                let few = if needs.len() <= FEW_NEEDS {
                    needs.clone()
                } else {
                    Vec::new()
                };
                (id, needs.len(), few)
            })
            .collect();
        assert_eq!(listed, expected, "{alpha3}: the offers listed");
        assert_eq!(got.totals.needs, want.needs.len() as u64);
        assert!((got.totals.usd_sought - want.usd_sought).abs() <= 1e-6 * want.usd_sought.max(1.0));
    }
}

#[test]
fn the_compendium_holds_every_visible_need_once_by_id_in_its_country_sections() {
    let fixture = fixture();
    let now = fixture.catalogue.now();
    let mut needs: Vec<Submission> = fixture
        .stored()
        .into_iter()
        .filter(|s| s.kind == Kind::Need && s.is_visible_to_members(now))
        .collect();
    needs.sort_by(|a, b| a.id.cmp(&b.id));
    let want: Vec<String> = needs.iter().map(|s| s.id.clone()).collect();
    let compendium = fixture.catalogue.compendium().unwrap();
    assert_eq!(compendium.ids, want);
    assert_eq!(compendium.totals.needs, want.len() as u64);
    let sought: f64 = needs.iter().map(|s| s.usd().unwrap_or(0.0)).sum();
    assert!((compendium.totals.usd_sought - sought).abs() <= 1e-6 * sought.max(1.0));

    // Each section, read as the page reads it: the needs naming its country (or none), each
    // under its first area, in the order of their ids.
    for section in &compendium.sections {
        let names_it = |need: &Submission| {
            if section.code.is_empty() {
                need.beneficiaries.countries.is_empty()
            } else {
                need.beneficiaries.countries.contains(&section.code)
            }
        };
        let mut expected: Vec<(Area, Vec<String>)> = Vec::new();
        for area in Area::ALL {
            let ids: Vec<String> = needs
                .iter()
                .filter(|need| names_it(need) && need.areas.first() == Some(area))
                .map(|need| need.id.clone())
                .collect();
            if !ids.is_empty() {
                expected.push((*area, ids));
            }
        }
        let got = fixture
            .catalogue
            .compendium_section(&compendium, section, |need| need.id.clone())
            .unwrap();
        assert_eq!(got, expected, "{}", section.name);
        let members = expected.iter().map(|(_, ids)| ids.len()).sum::<usize>();
        assert_eq!(section.totals.needs, members as u64, "{}", section.name);
    }
    // A section for each country named, and one for the needs naming none, last.
    let mut codes: Vec<&str> = needs
        .iter()
        .flat_map(|need| &need.beneficiaries.countries)
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .collect();
    assert!(codes.len() > 5, "the content names several countries");
    codes.push("");
    let mut got: Vec<&str> = compendium
        .sections
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(got.last(), Some(&""), "regional and global needs last");
    got.sort();
    codes.sort();
    assert_eq!(got, codes);
}
