//! The members' report pages: statistics (charts with their tables), the printable compendium
//! of current needs, and a country's page. Pure functions from data to HTML, like `pages`.

use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};

use crate::codes;
use crate::matching::usd_text;
use crate::reports::{Compendium, CountryReport, Section, Totals};
use crate::stats::{self, Stats};
use crate::submission::{Area, Kind, Submission, Vocabulary};
use crate::text::thousands;

use super::charts::{self, Chart, Row, bar_chart};
use super::frame::{Viewer, layout};
use super::pages::{amount_text, date, period_text, places_links};

/// How many countries the "by country" chart shows; the table after it lists every one.
pub const CHART_COUNTRIES: usize = 15;

fn kind_count(stats: &Stats, kind: Kind) -> u64 {
    stats.visible_by_kind.get(kind.slug()).copied().unwrap_or(0)
}

fn area_count(stats: &Stats, area: Area, kind: Kind) -> f64 {
    stats
        .visible_by_area
        .get(area.slug())
        .and_then(|by_kind| by_kind.get(kind.slug()))
        .copied()
        .unwrap_or(0) as f64
}

fn country_label(code: &str) -> String {
    codes::country(code).map_or_else(|| code.to_string(), |c| c.name.to_string())
}

/// Every country named by a current need, offer or funding source: (code, needs, offers),
/// most needs first, then most offers, then by name.
fn countries(stats: &Stats) -> Vec<(String, u64, u64)> {
    let mut codes: Vec<&String> = stats
        .needs_by_country
        .keys()
        .chain(stats.offers_by_country.keys())
        .collect();
    codes.sort();
    codes.dedup();
    let mut rows: Vec<(String, u64, u64)> = codes
        .into_iter()
        .map(|code| {
            (
                code.clone(),
                stats.needs_by_country.get(code).copied().unwrap_or(0),
                stats.offers_by_country.get(code).copied().unwrap_or(0),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.cmp(&a.2))
            .then_with(|| country_label(&a.0).cmp(&country_label(&b.0)))
    });
    rows
}

/// The statistics page.
pub fn statistics(stats: &Stats, now: DateTime<Utc>, viewer: &Viewer) -> Markup {
    let needs = kind_count(stats, Kind::Need);
    let by_area: Vec<Row> = Area::ALL
        .iter()
        .map(|a| {
            Row::new(
                a.label(),
                vec![
                    area_count(stats, *a, Kind::Need),
                    area_count(stats, *a, Kind::Offer),
                    area_count(stats, *a, Kind::FundingSource),
                ],
            )
        })
        .collect();
    let every_country = countries(stats);
    let by_country: Vec<Row> = every_country
        .iter()
        .take(CHART_COUNTRIES)
        .map(|(code, n, o)| {
            Row::new(country_label(code), vec![*n as f64, *o as f64])
                .linked(format!("/countries/{code}"))
        })
        .collect();
    let usd: Vec<Row> = Area::ALL
        .iter()
        .map(|a| {
            let balance = stats.usd_by_area.get(a.slug()).copied().unwrap_or_default();
            Row::new(a.label(), vec![balance.sought, balance.offered])
        })
        .collect();
    let mut quarters: Vec<Row> = Vec::new();
    if stats.published_earlier > 0 {
        let first = stats.published_by_quarter.keys().next().cloned();
        quarters.push(Row::new(
            format!("Before {}", first.unwrap_or_default()),
            vec![stats.published_earlier as f64],
        ));
    }
    quarters.extend(
        stats
            .published_by_quarter
            .iter()
            .map(|(q, n)| Row::new(q.clone(), vec![*n as f64])),
    );
    let matched: Vec<Row> = Area::ALL
        .iter()
        .map(|a| {
            let m = stats
                .matched_needs_by_area
                .get(a.slug())
                .copied()
                .unwrap_or_default();
            Row::new(
                a.label(),
                vec![
                    m.needs as f64,
                    m.with_match as f64,
                    m.with_written_match as f64,
                ],
            )
        })
        .collect();
    layout(
        "Statistics",
        viewer,
        html! {
            h1 { "Statistics" }
            p {
                "What members can see on " (date(now)) ": published submissions that have not "
                "expired. Amounts are in US dollars at the portal's dated exchange rates; a "
                "submission in several areas of work counts in each, its amount shared equally "
                "between them. Every chart is followed by a table of the same numbers."
            }
            dl.fields {
                dt { "Needs" } dd { (thousands(needs)) }
                dt { "Offers" } dd { (thousands(kind_count(stats, Kind::Offer))) }
                dt { "Funding sources" } dd { (thousands(kind_count(stats, Kind::FundingSource))) }
                dt { "Projects" } dd { (thousands(kind_count(stats, Kind::Project))) }
                dt { "Needs with at least one fitting offer or funding source" }
                dd { (thousands(stats.needs_with_match)) " of " (thousands(needs)) }
                dt { "… with one written for their country or region" }
                dd {
                    (thousands(stats.needs_with_written_match)) " of " (thousands(needs))
                    " (the others only with what is open to every country)"
                }
            }
            p { a href="/compendium" { "The compendium of every current need, for printing" } }

            h2 #by-area { "Needs and offers by area of work" }
            (bar_chart(&Chart {
                id: "chart-areas",
                title: "Current needs, offers and funding sources by area of work",
                label_heading: "Area of work",
                series: &["Needs", "Offers", "Funding sources"],
                rows: &by_area,
                format: charts::count,
            }))

            h2 #by-country { "Needs and offers by country" }
            p {
                "The " (CHART_COUNTRIES) " countries with the most current needs. Offers and "
                "funding sources count where they name the country; "
                (thousands(stats.offers_global)) " more are open to every country, and others "
                "cover whole regions. Each country's page shows what fits its needs."
            }
            (bar_chart(&Chart {
                id: "chart-countries",
                title: "Countries with the most current needs",
                label_heading: "Country",
                series: &["Needs", "Offers and funding sources"],
                rows: &by_country,
                format: charts::count,
            }))
            h3 #every-country { "Every country" }
            @if every_country.is_empty() {
                p { "No current submission names a country." }
            } @else {
                (charts::scroll_box("Current needs, offers and funding sources naming each country", html! { table.figures {
                    caption { "Current needs, offers and funding sources naming each country" }
                    thead { tr {
                        th scope="col" { "Country" }
                        th scope="col" { "Needs" }
                        th scope="col" { "Offers and funding sources" }
                    } }
                    tbody {
                        @for (code, n, o) in &every_country {
                            tr {
                                th scope="row" { a href={ "/countries/" (code) } { (country_label(code)) } }
                                td.number { (thousands(*n)) }
                                td.number { (thousands(*o)) }
                            }
                        }
                    }
                } }))
            }

            h2 #funding { "Funding sought and offered (USD)" }
            (bar_chart(&Chart {
                id: "chart-usd",
                title: "US dollars sought by needs and offered by offers and funding sources, by area of work",
                label_heading: "Area of work",
                series: &["Sought (USD)", "Offered (USD)"],
                rows: &usd,
                format: charts::usd,
            }))

            h2 #over-time { "Published over time" }
            p {
                "Current submissions by the quarter they were published in, over the last "
                (stats::QUARTERS / 4) " years."
            }
            (bar_chart(&Chart {
                id: "chart-quarters",
                title: "Current submissions by quarter of publication",
                label_heading: "Quarter",
                series: &["Published"],
                rows: &quarters,
                format: charts::count,
            }))

            h2 #matches { "Needs with a match" }
            p {
                "A need has a match in an area when a current offer or funding source in that "
                "area covers its place (its country, a region around it, or every country) and, "
                "when both state an amount, offers at least a tenth of what the need asks. An "
                "offer open to every country is a match for every need in its area, so the "
                "third bar counts only the matches written for the need's country or region."
            }
            (bar_chart(&Chart {
                id: "chart-matches",
                title: "Current needs, and those with a fitting offer or funding source, by area of work",
                label_heading: "Area of work",
                series: &["Needs", "With a match", "Written for their place"],
                rows: &matched,
                format: charts::count,
            }))
        },
    )
}

fn totals_text(totals: &Totals) -> String {
    format!(
        "{} {}, {} sought",
        thousands(totals.needs),
        if totals.needs == 1 { "need" } else { "needs" },
        usd_text(totals.usd_sought)
    )
}

/// The anchor of a compendium section.
fn section_anchor(section: &Section) -> String {
    if section.code.is_empty() {
        "regional-and-global".to_string()
    } else {
        format!("country-{}", section.code)
    }
}

/// Where the sections go in the compendium's frame.
const SECTIONS_GO_HERE: &str = "<!--sections-->";

/// The compendium (every current need, by country then area of work, for printing) without
/// its sections: the page up to where they go, and the page after them. The sections
/// ([`compendium_section`]) are written between the two as their needs are read.
pub fn compendium_frame(compendium: &Compendium, viewer: &Viewer) -> (String, String) {
    let page = layout(
        "Compendium of current needs",
        viewer,
        html! {
            div.compendium {
                h1 { "Compendium of current needs" }
                p {
                    "Every need members can see on " (date(compendium.now)) ", by country and area of work: "
                    strong { (totals_text(&compendium.totals)) } ". A need naming several "
                    "countries is listed under each of them and counted once in the overall "
                    "total; within a country, each need is listed under its first area of work."
                }
                p.noprint { "Print this page, or save it as PDF, from your browser's menu." }
                h2 #contents { "Contents" }
                @if compendium.sections.is_empty() {
                    p { "There are no current needs." }
                } @else {
                    (charts::scroll_box("Needs and funding sought, by country", html! { table.figures {
                        caption { "Needs and funding sought, by country" }
                        thead { tr {
                            th scope="col" { "Country" }
                            th scope="col" { "Needs" }
                            th scope="col" { "USD sought" }
                        } }
                        tbody {
                            @for section in &compendium.sections {
                                tr {
                                    th scope="row" { a href={ "#" (section_anchor(section)) } { (section.name) } }
                                    td.number { (thousands(section.totals.needs)) }
                                    td.number { (charts::usd(section.totals.usd_sought)) }
                                }
                            }
                        }
                        tfoot {
                            tr {
                                th scope="row" { "All needs (each once)" }
                                td.number { (thousands(compendium.totals.needs)) }
                                td.number { (charts::usd(compendium.totals.usd_sought)) }
                            }
                        }
                    } }))
                }
                (PreEscaped(SECTIONS_GO_HERE))
            }
        },
    )
    .into_string();
    // The marker is written once, above; nothing a member wrote can contain it unescaped.
    let (before, after) = page.split_once(SECTIONS_GO_HERE).unwrap_or((&page, ""));
    (before.to_string(), after.to_string())
}

/// One section of the compendium: its heading and totals, then its needs (each already
/// written by [`compendium_need`]) under their areas of work.
pub fn compendium_section(section: &Section, areas: &[(Area, Vec<String>)]) -> Markup {
    let anchor = section_anchor(section);
    html! {
        section.country-section #(anchor) aria-labelledby={ (anchor) "-heading" } {
            h2 id={ (anchor) "-heading" } { (section.name) }
            p.totals {
                (totals_text(&section.totals))
                @if !section.code.is_empty() {
                    " · " a href={ "/countries/" (section.code) } { "Country page" }
                }
            }
            @for (area, needs) in areas {
                h3 id={ (anchor) "-" (area.slug()) } { (area.label()) " (" (needs.len()) ")" }
                @for need in needs {
                    (PreEscaped(need))
                }
            }
        }
    }
}

/// One need as the compendium lists it.
pub fn compendium_need(s: &Submission) -> Markup {
    html! {
        article.need {
            h4 { span.id { (s.id) } " " a href={ "/submissions/" (s.id) } { (s.title) } }
            dl.fields {
                dt { "Submitted by" } dd { (s.submitter.organisation) }
                @if !s.summary.is_empty() { dt { "Summary" } dd { (s.summary) } }
                dt { "Countries concerned" } dd { (places_links(s)) }
                dt { "Areas of work" } dd { (s.areas.iter().map(|a| a.label()).collect::<Vec<_>>().join("; ")) }
                dt { "Amount" } dd { (amount_text(s)) }
                dt { "Period" } dd { (period_text(s)) }
                dt { "Contact" } dd {
                    (s.contact.name)
                    @if !s.contact.email.is_empty() { ", " a href={ "mailto:" (s.contact.email) } { (s.contact.email) } }
                    @if let Some(phone) = &s.contact.phone { ", " (phone) }
                }
                dt { "Valid until" } dd { @if let Some(e) = s.timestamps.expires_at { (date(e)) } @else { "Not set" } }
            }
        }
    }
}

/// A country's page: its needs, what fits them, its ongoing projects.
pub fn country(country: &codes::Country, report: &CountryReport, viewer: &Viewer) -> Markup {
    let region = codes::region(country.subregion)
        .or_else(|| codes::region(country.region))
        .map(|r| r.name);
    layout(
        country.name,
        viewer,
        html! {
            h1 { (country.name) }
            p.muted { (country.alpha3) @if let Some(region) = region { " · " (region) } }
            dl.fields {
                dt { "Current needs" } dd { (thousands(report.totals.needs)) }
                dt { "Funding sought" } dd { (usd_text(report.totals.usd_sought)) }
                dt { "Offers and funding sources that fit them" }
                dd {
                    (thousands(report.fitting_offers - report.open_to_all)) " written for " (country.name) " or its region"
                    @if report.open_to_all > 0 { ", " (thousands(report.open_to_all)) " open to every country" }
                }
                dt { "Ongoing projects" } dd { (thousands(report.ongoing_projects)) }
            }
            p {
                a href={ "/find-offers?country=" (country.alpha3) } { "Every offer and funding source open to " (country.name) }
                " · " a href={ "/search?kind=need&country=" (country.alpha3) } { "Search its needs" }
            }
            h2 #needs { "Current needs (" (report.totals.needs) ")" }
            @if report.needs.is_empty() {
                p { "No current need names " (country.name) "." }
            } @else {
                @if report.totals.needs > report.needs.len() as u64 {
                    p {
                        "The first " (report.needs.len()) " by number are listed here; "
                        a href={ "/search?kind=need&country=" (country.alpha3) } { "search every need of " (country.name) } "."
                    }
                }
                ol.hits { @for s in &report.needs { (item(s)) } }
            }
            h2 #offers { "Offers and funding sources that fit these needs (" (report.fitting_offers) ")" }
            p {
                "An offer or funding source fits a need when it works in one of the need's areas, "
                "covers its place (the country, a region around it, or every country) and, when "
                "both state an amount, offers at least a tenth of it. Those written for "
                (country.name) " or its region come first; those open to every country fit every "
                "country's needs and come after them."
            }
            @if report.offers.is_empty() {
                p { "None at the moment." }
            } @else {
                @if report.fitting_offers > report.offers.len() as u64 {
                    p {
                        "The first " (report.offers.len()) " are listed here; "
                        a href={ "/find-offers?country=" (country.alpha3) } { "see every offer and funding source open to " (country.name) ", by area" } "."
                    }
                }
                ol.hits {
                    @for fitting in &report.offers {
                        li.hit {
                            (item_heading(&fitting.submission))
                            (item_meta(&fitting.submission))
                            @if fitting.submission.beneficiaries.global {
                                p.meta { "Open to every country" }
                            }
                            @if !fitting.needs.is_empty() {
                                p.meta { "Fits " (fitting.fits) " of the country's needs: " (need_links(&fitting.needs)) }
                            } @else {
                                p.meta { "Fits " (fitting.fits) " of the country's needs" }
                            }
                        }
                    }
                }
            }
            h2 #projects { "Ongoing projects (" (report.ongoing_projects) ")" }
            @if report.projects.is_empty() {
                p { "No current project names " (country.name) "." }
            } @else {
                @if report.ongoing_projects > report.projects.len() as u64 {
                    p {
                        "The first " (report.projects.len()) " by number are listed here; "
                        a href={ "/search?kind=project&country=" (country.alpha3) } { "search every project for " (country.name) } "."
                    }
                }
                ol.hits { @for s in &report.projects { (item(s)) } }
            }
        },
    )
}

/// The country page lists at most this many needs, fitting offers and funding sources (those
/// fitting the most needs) and ongoing projects; the counts cover them all.
pub const LISTED: usize = 100;

fn need_links(ids: &[String]) -> Markup {
    html! {
        @for (i, id) in ids.iter().enumerate() {
            @if i > 0 { ", " }
            a href={ "/submissions/" (id) } { (id) }
        }
    }
}

fn item(s: &Submission) -> Markup {
    html! { li.hit { (item_heading(s)) (item_meta(s)) } }
}

fn item_heading(s: &Submission) -> Markup {
    html! {
        h3 {
            span.kind { (s.kind.label()) }
            a href={ "/submissions/" (s.id) } { (s.title) }
        }
    }
}

fn item_meta(s: &Submission) -> Markup {
    html! {
        p.meta {
            span { (s.id) }
            span { (s.submitter.organisation) }
            span { (amount_text(s)) }
            @if let Some(expiry) = s.timestamps.expires_at {
                span.until { "valid until " (date(expiry)) }
            }
        }
    }
}
