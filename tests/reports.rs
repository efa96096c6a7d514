//! The report pages (statistics, compendium, country pages) over HTTP, in process: access,
//! charts that agree with their tables, what counts (only what members can see), grouping and
//! totals, country look-up.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use common::http::Portal;
use common::{Fixture, need, offer};
use portal::catalogue::ImportOptions;
use portal::codes;
use portal::submission::{Area, Kind, Submission};

fn usd(amount: f64) -> Option<portal::submission::Funding> {
    Some(portal::submission::Funding {
        amount,
        currency: "USD".into(),
        usd: 0.0,
        rate_date: None,
    })
}

fn need_for(title: &str, countries: &[&str], area: Area, amount: f64) -> Submission {
    let mut s = need(title);
    s.beneficiaries.countries = countries.iter().map(|c| c.to_string()).collect();
    s.areas = vec![area];
    s.funding = usd(amount);
    s
}

/// The text of an HTML fragment without its tags.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The contents of every `<open ...>…</close>` in `html`, in order.
fn elements<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .map(|rest| {
            let body = rest.split_once('>').map_or(rest, |(_, b)| b);
            body.split(close).next().unwrap()
        })
        .collect()
}

/// One chart of a page: what its bars say, and what its table says, in the same words
/// ("label — series: value", or "label: value" with one series).
struct ChartReading {
    /// The bars' titles in each drawing of the chart (wide and narrow), in order.
    drawings: Vec<Vec<String>>,
    table: Vec<String>,
}

fn charts(page: &str) -> Vec<ChartReading> {
    page.split("<div class=\"chart\">")
        .skip(1)
        .map(|chunk| {
            let chunk = chunk.split("</table>").next().unwrap();
            let drawings = chunk
                .split("<svg")
                .skip(1)
                .map(|svg| {
                    let svg = svg.split("</svg>").next().unwrap();
                    elements(svg, "<g><title", "</title>")
                        .into_iter()
                        .map(text)
                        .collect()
                })
                .collect();
            let head = chunk.split("</thead>").next().unwrap();
            let series: Vec<String> = elements(head, "<th scope=\"col\"", "</th>")
                .into_iter()
                .skip(1)
                .map(text)
                .collect();
            let mut table = Vec::new();
            for row in elements(chunk, "<tr", "</tr>").into_iter().skip(1) {
                let label = text(elements(row, "<th scope=\"row\"", "</th>")[0]);
                for (i, value) in elements(row, "<td", "</td>").into_iter().enumerate() {
                    table.push(if series.len() > 1 {
                        format!("{label} — {}: {}", series[i], text(value))
                    } else {
                        format!("{label}: {}", text(value))
                    });
                }
            }
            ChartReading { drawings, table }
        })
        .collect()
}

#[tokio::test]
async fn report_pages_need_a_member_session() {
    let portal = Portal::new();
    for path in [
        "/statistics",
        "/compendium",
        "/countries/LAO",
        "/countries/Laos",
    ] {
        let reply = portal.get(path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().starts_with("/login?next="), "{path}");
    }
    let cookie = portal.login_member().await;
    let search = portal.get("/search", Some(&cookie)).await;
    assert!(search.body.contains("href=\"/statistics\""), "in the nav");
}

/// A small catalogue with something in several areas, countries and amounts.
fn varied(fixture: &Fixture) {
    fixture.import(vec![
        need_for(
            "Clearance in Lao PDR",
            &["LAO"],
            Area::ClearanceAndRiskEducation,
            1_000_000.0,
        ),
        need_for(
            "Survey in Lao PDR",
            &["LAO"],
            Area::ClearanceAndRiskEducation,
            400_000.0,
        ),
        need_for(
            "Prostheses in Iraq",
            &["IRQ"],
            Area::VictimAssistance,
            250_000.0,
        ),
        need_for(
            "Stockpile in Cambodia",
            &["KHM", "LAO"],
            Area::StockpileDestruction,
            90_000.0,
        ),
        offer("Global clearance offer"),
        {
            let mut o = offer("Victim assistance for Iraq");
            o.beneficiaries.global = false;
            o.beneficiaries.countries = vec!["IRQ".into()];
            o.areas = vec![Area::VictimAssistance];
            o.kind = Kind::FundingSource;
            o.funding = usd(20_000.0);
            o
        },
    ]);
}

#[tokio::test]
async fn every_chart_shows_the_numbers_its_table_shows() {
    let portal = Portal::new();
    varied(&portal.fixture);
    let page = portal.member_page("/statistics").await;
    let charts = charts(&page);
    assert_eq!(charts.len(), 5, "{page}");
    for chart in &charts {
        // Drawn wide for a desk and narrow for a phone, both with the table's numbers.
        assert_eq!(chart.drawings.len(), 2);
        for bars in &chart.drawings {
            assert!(!bars.is_empty());
            assert_eq!(bars, &chart.table);
        }
    }
    assert!(
        charts[0]
            .table
            .contains(&"Clearance and risk education — Needs: 2".to_string()),
        "{:?}",
        charts[0].table
    );
    assert!(
        charts[2]
            .table
            .contains(&"Clearance and risk education — Sought (USD): 1,400,000".to_string())
    );
    assert!(
        charts[3].table.contains(&"2026-Q2: 6".to_string()),
        "{:?}",
        charts[3].table
    );
    // The Iraq need asks for 250,000; a 20,000 fund is less than a tenth of it: no match.
    assert!(
        charts[4]
            .table
            .contains(&"Victim assistance — With a match: 0".to_string())
    );
    assert!(
        charts[4]
            .table
            .contains(&"Clearance and risk education — With a match: 2".to_string())
    );
    // The charts are images with a name (each drawing); the country table links to country
    // pages.
    assert_eq!(page.matches("role=\"img\" aria-labelledby=").count(), 10);
    assert!(page.contains("<a href=\"/countries/LAO\">"));
    assert!(page.contains("<a href=\"/compendium\">"));
}

#[tokio::test]
async fn needs_with_a_match_agree_with_matching() {
    let fixture = Fixture::new();
    varied(&fixture);
    let mut small = offer("Small regional offer");
    small.beneficiaries.global = false;
    small.beneficiaries.regions = vec!["035".into()];
    small.areas = vec![Area::StockpileDestruction];
    small.funding = usd(10_000.0);
    fixture.add(small);
    let stats = fixture.catalogue.stats().unwrap();
    let mut expected = 0;
    fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .for_each(|s| {
            if s.kind == Kind::Need && !fixture.catalogue.fits(&s.id, 1).unwrap().is_empty() {
                expected += 1;
            }
        })
        .unwrap();
    assert_eq!(stats.needs_with_match, expected);
    assert_eq!(
        expected, 3,
        "two in clearance, the stockpile need through its region"
    );
}

/// Imports a need now and publishes nothing else; returns its id.
fn pending(fixture: &Fixture, s: Submission) -> String {
    let report = fixture.import_with(vec![s], ImportOptions { publish: false });
    report.ids[0].clone()
}

#[tokio::test]
async fn expired_and_unpublished_submissions_count_nowhere() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    let old = fixture.add(need_for(
        "Old expired need",
        &["LAO"],
        Area::VictimAssistance,
        5.0e6,
    ));
    fixture.add(offer("Old expired offer"));
    fixture.clock.advance(Duration::days(200));
    let current = fixture.add(need_for(
        "Current need",
        &["LAO"],
        Area::ClearanceAndRiskEducation,
        300_000.0,
    ));
    let unpublished = pending(
        fixture,
        need_for("Unpublished need", &["LAO"], Area::VictimAssistance, 7.0e6),
    );
    fixture.clock.advance(Duration::days(200));

    let stats = fixture.catalogue.stats().unwrap();
    assert_eq!(stats.visible_by_kind.get("need"), Some(&1));
    assert_eq!(stats.visible_by_kind.get("offer"), None);
    assert_eq!(stats.needs_by_country.get("LAO"), Some(&1));
    assert_eq!(stats.usd_by_area.get("victim-assistance"), None);
    assert_eq!(stats.needs_with_match, 0);
    assert_eq!(stats.published_by_quarter.values().sum::<u64>(), 1);

    let statistics = portal.member_page("/statistics").await;
    assert!(!statistics.contains("5,000,000") && !statistics.contains("7,000,000"));
    for path in ["/compendium", "/countries/LAO"] {
        let page = portal.member_page(path).await;
        assert!(
            page.contains(&current) && page.contains("Current need"),
            "{path}"
        );
        for absent in [&old, &unpublished] {
            assert!(!page.contains(absent.as_str()), "{path} shows {absent}");
        }
        assert!(!page.contains("Old expired"), "{path}");
        assert!(!page.contains("Unpublished need"), "{path}");
    }
}

/// The rows of the compendium's contents table: (label, needs, USD).
fn contents(page: &str) -> Vec<(String, String, String)> {
    let table = page.split("<h2 id=\"contents\">").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    elements(table, "<tr", "</tr>")
        .into_iter()
        .skip(1)
        .map(|row| {
            let label = text(elements(row, "<th scope=\"row\"", "</th>")[0]);
            let cells: Vec<String> = elements(row, "<td", "</td>")
                .into_iter()
                .map(text)
                .collect();
            (label, cells[0].clone(), cells[1].clone())
        })
        .collect()
}

#[tokio::test]
async fn the_compendium_groups_by_country_then_area_with_totals() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    let lao_clearance = fixture.add(need_for(
        "Lao clearance",
        &["LAO"],
        Area::ClearanceAndRiskEducation,
        1_000_000.0,
    ));
    let lao_victims = fixture.add(need_for(
        "Lao victims",
        &["LAO"],
        Area::VictimAssistance,
        250_000.0,
    ));
    let shared = fixture.add(need_for(
        "Shared stockpile",
        &["KHM", "LAO"],
        Area::StockpileDestruction,
        500_000.0,
    ));
    let mut regional = need_for(
        "Regional exchange",
        &[],
        Area::InternationalCooperationAndAssistance,
        200_000.0,
    );
    regional.beneficiaries.regions = vec!["035".into()];
    let regional = fixture.add(regional);
    fixture.add(offer("An offer is not a need"));

    let page = portal.member_page("/compendium").await;
    let cambodia = codes::country("KHM").unwrap().name;
    let lao = codes::country("LAO").unwrap().name;
    assert_eq!(
        contents(&page),
        [
            (cambodia.to_string(), "1".into(), "500,000".into()),
            (lao.to_string(), "3".into(), "1,750,000".into()),
            (
                "Regional and global needs".into(),
                "1".into(),
                "200,000".into()
            ),
            (
                "All needs (each once)".into(),
                "4".into(),
                "1,950,000".into()
            ),
        ]
    );
    assert!(!page.contains("An offer is not a need"));
    // Contents link to the sections, which come in the same order, each with its areas.
    let at = |needle: &str| {
        page.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(
        page.contains("href=\"#country-KHM\"") && page.contains("href=\"#regional-and-global\"")
    );
    let khm = at("<section class=\"country-section\" id=\"country-KHM\"");
    let lao_at = at("<section class=\"country-section\" id=\"country-LAO\"");
    let elsewhere = at("id=\"regional-and-global\" aria-labelledby");
    assert!(khm < lao_at && lao_at < elsewhere);
    let lao_section = &page[lao_at..elsewhere];
    let clearance = lao_section
        .find("id=\"country-LAO-clearance-and-risk-education\"")
        .unwrap();
    let victims = lao_section
        .find("id=\"country-LAO-victim-assistance\"")
        .unwrap();
    let stockpile = lao_section
        .find("id=\"country-LAO-stockpile-destruction\"")
        .unwrap();
    assert!(clearance < victims && victims < stockpile);
    assert!(lao_section[clearance..victims].contains(&lao_clearance));
    assert!(lao_section[victims..stockpile].contains(&lao_victims));
    assert!(lao_section[stockpile..].contains(&shared));
    assert_eq!(
        page.matches(&format!(">{shared}<")).count(),
        2,
        "listed under both countries"
    );
    assert!(page[elsewhere..].contains(&regional));
    // Each need says who, how much, until when, whom to write to; countries link to their pages.
    assert!(lao_section.contains("National Regulatory Authority (Lao PDR)"));
    assert!(lao_section.contains("USD 1.0 million"));
    assert!(lao_section.contains("mailto:contact@example.org"));
    assert!(lao_section.contains("1 June 2027"));
    assert!(page.contains("<a href=\"/countries/KHM\">"));
}

#[tokio::test]
async fn a_country_page_shows_its_needs_what_fits_them_and_its_projects() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    let first = fixture.add(need_for(
        "First Lao need",
        &["LAO"],
        Area::ClearanceAndRiskEducation,
        1_000_000.0,
    ));
    let second = fixture.add(need_for(
        "Second Lao need",
        &["LAO"],
        Area::ClearanceAndRiskEducation,
        500_000.0,
    ));
    fixture.add(need_for(
        "Iraqi need",
        &["IRQ"],
        Area::ClearanceAndRiskEducation,
        500_000.0,
    ));
    let global = fixture.add(offer("Global offer"));
    let mut iraq_only = offer("Iraq-only offer");
    iraq_only.beneficiaries.global = false;
    iraq_only.beneficiaries.countries = vec!["IRQ".into()];
    fixture.add(iraq_only);
    let mut ongoing = need("Ongoing Lao project");
    ongoing.kind = Kind::Project;
    ongoing.period.end = NaiveDate::from_ymd_opt(2027, 12, 31);
    let ongoing = fixture.add(ongoing);
    let mut finished = need("Finished Lao project");
    finished.kind = Kind::Project;
    finished.period.end = NaiveDate::from_ymd_opt(2025, 12, 31);
    fixture.add(finished);

    let page = portal.member_page("/countries/LAO").await;
    assert!(page.contains(&first) && page.contains(&second));
    assert!(!page.contains("Iraqi need") && !page.contains("Iraq-only offer"));
    assert_eq!(
        page.matches(&format!("href=\"/submissions/{global}\""))
            .count(),
        1,
        "once"
    );
    assert!(page.contains("Fits 2 of the country"));
    assert!(page.contains(&ongoing) && !page.contains("Finished Lao project"));
    assert!(page.contains("<dt>Current needs</dt><dd>2</dd>"), "{page}");
    assert!(page.contains("<dt>Funding sought</dt><dd>USD 1.5 million</dd>"));
    assert!(
        page.contains(
            "<dt>Offers and funding sources that fit them</dt><dd>0 written for Lao People's \
             Democratic Republic or its region, 1 open to every country</dd>"
        ),
        "{page}"
    );
    assert!(page.contains("<dt>Ongoing projects</dt><dd>1</dd>"));

    // Detail pages link the country to this page.
    let detail = portal.member_page(&format!("/submissions/{first}")).await;
    assert!(detail.contains("<a href=\"/countries/LAO\">"));
}

#[tokio::test]
async fn a_country_name_redirects_to_its_code_and_an_unknown_one_is_not_found() {
    let portal = Portal::new();
    let cookie = portal.login_member().await;
    for path in [
        "/countries/Laos",
        "/countries/lao",
        "/countries/Lao%20PDR",
        "/countries/LA",
    ] {
        let reply = portal.get(path, Some(&cookie)).await;
        assert!(reply.status.is_redirection(), "{path}: {}", reply.status);
        assert_eq!(reply.location(), "/countries/LAO", "{path}");
    }
    let unknown = portal.get("/countries/Atlantis", Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.body.contains("No country or territory is called"),
        "{}",
        unknown.body
    );
    let region = portal.get("/countries/035", Some(&cookie)).await;
    assert_eq!(region.status, StatusCode::NOT_FOUND);
    let long = format!("/countries/{}", "x".repeat(5000));
    assert_eq!(
        portal.get(&long, Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_country_page_lists_at_most_a_hundred_offers_but_counts_them_all() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    fixture.add(need_for(
        "Lao need",
        &["LAO"],
        Area::ClearanceAndRiskEducation,
        100_000.0,
    ));
    fixture.import(
        (0..101)
            .map(|i| offer(&format!("Global offer {i}")))
            .collect(),
    );
    // One offer written for the region, after the global ones: it is listed first.
    let mut regional = offer("Offer for South-eastern Asia");
    regional.beneficiaries.global = false;
    regional.beneficiaries.regions = vec!["035".to_string()];
    fixture.add(regional);
    let page = portal.member_page("/countries/LAO").await;
    assert!(
        page.contains(
            "<dt>Offers and funding sources that fit them</dt><dd>1 written for Lao People's \
             Democratic Republic or its region, 101 open to every country</dd>"
        ),
        "{page}"
    );
    assert!(page.contains("The first 100 are listed here"));
    assert_eq!(page.matches("Fits 1 of the country").count(), 100);
    let first = page.find("Offer for South-eastern Asia").unwrap();
    assert!(first < page.find("Global offer").unwrap(), "{page}");
    assert_eq!(
        page.matches("<p class=\"meta\">Open to every country</p>")
            .count(),
        99
    );
    assert!(page.contains("href=\"/find-offers?country=LAO\""));
}

#[tokio::test]
async fn a_country_page_lists_at_most_a_hundred_needs_but_counts_and_sums_them_all() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    fixture.import(
        (0..102)
            .map(|i| {
                need_for(
                    &format!("Lao need {i}"),
                    &["LAO"],
                    Area::VictimAssistance,
                    100_000.0,
                )
            })
            .collect(),
    );
    let page = portal.member_page("/countries/LAO").await;
    assert!(
        page.contains("<dt>Current needs</dt><dd>102</dd>"),
        "{page}"
    );
    assert!(page.contains("<dt>Funding sought</dt><dd>USD 10.2 million</dd>"));
    assert!(page.contains("Current needs (102)"));
    assert!(page.contains("The first 100 by number are listed here"));
    assert!(page.contains("href=\"/search?kind=need&amp;country=LAO\""));
    assert_eq!(page.matches("Lao need ").count(), 100);
}
