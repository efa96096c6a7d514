//! The search page: the keyword box, the filter panel with facet counts, the hits and the
//! pages of results. Pure, like every page module.

use maud::{Markup, html};

use crate::codes;
use crate::matching::usd_text;
use crate::search::{Coverage, FundingBand, SearchResults};
use crate::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};
use crate::text::thousands;

use super::frame::{Viewer, framed};
use super::pages::{Text, hit_item, page_links};
use super::params::{PAGE_SIZE, SearchParams};

/// How the keywords were read: what has everything asked for comes first, what the glossary
/// added.
fn keywords_read(read: &crate::search::KeywordsRead, total: u64) -> Markup {
    let asked = read.asked.join(", ");
    html! {
        p.keywords-read {
            @if read.asked.len() > 1 && total > 0 {
                @if read.with_everything == total {
                    "Every result has all of: " (asked) "."
                } @else {
                    (thousands(read.with_everything)) " of them " (if read.with_everything == 1 { "has" } else { "have" })
                    " all of: " (asked) "; they come first, then those with most of it."
                }
            }
            @if !read.also_searched.is_empty() {
                " Also searched, as the same thing in the field's words: "
                (read.also_searched.join(", ")) "."
            }
        }
    }
}

/// What the search page shows.
pub struct SearchView<'a> {
    pub params: &'a SearchParams,
    pub results: &'a SearchResults,
}

/// The search page: keyword box, filter panel with facet counts, hits, pages.
pub fn search(view: &SearchView, viewer: &Viewer) -> Markup {
    let params = view.params;
    let results = view.results;
    let title = if params.q.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {}", params.q)
    };
    // The results come after some forty filter controls: a link early in the page skips them.
    framed(
        &title,
        viewer,
        &[("#results", "Skip to results")],
        html! {
            h1 { "Search needs, offers, projects and funding sources" }
            form.searchbar method="get" action="/search" role="search" {
                div {
                    label for="q" { "Keywords" }
                    input #q type="search" name="q" value=(Text(&params.q))
                        placeholder="e.g. risk education, \"victim assistance\", survey -mechanical";
                }
                @for (key, value) in hidden_filters(params) {
                    input type="hidden" name=(key) value=(value);
                }
                div.sort {
                    label for="sort" { "Sort by" }
                    select #sort name="sort" {
                        @for (slug, label) in SORTS {
                            option value=(slug) selected[params.sort == *slug || (params.sort.is_empty() && *slug == "relevance")] { (label) }
                        }
                    }
                }
                button type="submit" { "Search" }
            }
            div.layout {
                (filter_panel(params, results))
                section aria-labelledby="results-heading" {
                    p.jump { a href="#filters" { "Filters ↓" } }
                    h2 #results-heading {
                        (thousands(results.total)) " " (if results.total == 1 { "result" } else { "results" })
                    }
                    @if let Some(read) = &results.keywords {
                        (keywords_read(read, results.total))
                    }
                    @if !params.active_filters().is_empty() {
                        p {
                            "Filters: "
                            @for (key, value) in params.active_filters() {
                                a.chip href=(Text(&params.without(key, &value).url())) aria-label={ "Remove filter " (filter_label(key, &value)) } {
                                    (filter_label(key, &value)) " ✕"
                                }
                                " "
                            }
                        }
                    }
                    @if results.hits.is_empty() {
                        (empty_result(params))
                    } @else {
                        // Focusable from "Skip to results", so that the next Tab is the first hit.
                        ol.hits #results tabindex="-1" start=(results.offset + 1) {
                            @for hit in &results.hits {
                                (hit_item(hit))
                            }
                        }
                        (pager(params, results.total))
                        p.downloads {
                            "Download all " (thousands(results.total)) " results: "
                            a href=(Text(&params.url_at("/search/export.csv"))) download { "CSV" }
                            " · "
                            a href=(Text(&params.url_at("/search/export.jsonl"))) download { "JSON Lines" }
                        }
                        @if let Some(session) = viewer.session {
                            form.inline method="post" action="/feeds" {
                                input type="hidden" name="csrf" value=(session.csrf_token);
                                input type="hidden" name="query" value=(Text(&SearchParams { page: 1, ..params.clone() }.to_query()));
                                button type="submit" { "Follow this search as a feed" }
                            }
                        }
                    }
                }
            }
        },
    )
}

const SORTS: &[(&str, &str)] = &[
    ("relevance", "Relevance"),
    ("newest", "Newest"),
    ("expiring", "Expiring soonest"),
    ("amount", "Largest amount"),
];

/// The filters carried by the keyword form, so searching again keeps them.
fn hidden_filters(params: &SearchParams) -> Vec<(&'static str, String)> {
    params.active_filters()
}

fn filter_label(key: &str, value: &str) -> String {
    let label = match key {
        "kind" => Kind::parse(value).map(|v| v.label().to_string()).ok(),
        "area" => Area::parse(value).map(|v| v.label().to_string()).ok(),
        "assistance" => Assistance::parse(value).map(|v| v.label().to_string()).ok(),
        "submitter" => SubmitterType::parse(value)
            .map(|v| v.label().to_string())
            .ok(),
        "country" => codes::country(value)
            .map(|c| c.name.to_string())
            .or_else(|| codes::region(value).map(|r| r.name.to_string())),
        "min_usd" => Some(format!("at least {}", usd_bound_text(value))),
        "max_usd" => Some(format!("at most {}", usd_bound_text(value))),
        "expiring" => Some("expiring within 30 days".to_string()),
        "renewed" => Some("renewed in the last 30 days".to_string()),
        "coverage" => match Coverage::parse(value) {
            Some(Coverage::Written) => Some("written for the place".to_string()),
            Some(Coverage::OpenToAll) => Some("open to every country".to_string()),
            _ => None,
        },
        _ => None,
    };
    label.unwrap_or_else(|| value.to_string())
}

/// A bound of the amount filter, written as amounts are everywhere ([`usd_text`]: `USD 100,000`,
/// `USD 2.5 million`), but with every digit when millions to one decimal would not be exact
/// (`USD 1,250,000`, not "USD 1.3 million").
fn usd_bound_text(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(usd) if usd.is_finite() && usd >= 0.0 => {
            let whole = usd.round();
            if whole >= 1_000_000.0 && whole % 100_000.0 != 0.0 {
                format!("USD {}", thousands(whole as u64))
            } else {
                usd_text(whole)
            }
        }
        _ => format!("USD {value}"),
    }
}

fn filter_panel(params: &SearchParams, results: &SearchResults) -> Markup {
    let facets = &results.facets;
    html! {
        form.filters #filters method="get" action="/search" aria-label="Filters" {
            @if !params.q.is_empty() {
                input type="hidden" name="q" value=(params.q);
            }
            @if !params.sort.is_empty() {
                input type="hidden" name="sort" value=(params.sort);
            }
            h2 { "Filter" }
            p.apply-top { button type="submit" { "Apply filters" } }
            (checkboxes("Kind", "kind", params, facets.kind.iter().map(|(v, n)| (v.slug(), v.label(), *n))))
            (countries(params, facets))
            (checkboxes("Area of work", "area", params, facets.area.iter().map(|(v, n)| (v.slug(), v.label(), *n))))
            (checkboxes("Kind of assistance", "assistance", params, facets.assistance.iter().map(|(v, n)| (v.slug(), v.label(), *n))))
            (checkboxes("Submitted by", "submitter", params, facets.submitter_type.iter().map(|(v, n)| (v.slug(), v.label(), *n))))
            fieldset {
                legend { "Funding (USD)" }
                ul.bands {
                    @for (band, count) in &facets.funding {
                        @if *band != FundingBand::NotStated {
                            li {
                                a href=(Text(&band_url(params, *band))) { (band.label()) }
                                span.count { (thousands(*count)) }
                            }
                        }
                    }
                }
                div.range {
                    div {
                        label for="min_usd" { "From" }
                        input #min_usd type="number" min="0" step="any" name="min_usd" value=[params.min_usd.map(|v| format!("{v:.0}"))];
                    }
                    div {
                        label for="max_usd" { "To" }
                        input #max_usd type="number" min="0" step="any" name="max_usd" value=[params.max_usd.map(|v| format!("{v:.0}"))];
                    }
                }
            }
            fieldset {
                legend { "Validity" }
                label for="f-expiring" {
                    input #f-expiring type="checkbox" name="expiring" value="30" checked[params.expiring];
                    span { "Expiring within 30 days" }
                }
                label for="f-renewed" {
                    input #f-renewed type="checkbox" name="renewed" value="30" checked[params.renewed];
                    span { "Renewed in the last 30 days" }
                }
            }
            // Chosen on a country's page or "Find offers"; a chip above the results removes it.
            @if params.coverage != Coverage::Any {
                input type="hidden" name="coverage" value=(params.coverage.slug());
            }
            button type="submit" { "Apply filters" }
        }
    }
}

fn band_url(params: &SearchParams, band: FundingBand) -> String {
    let (min, max) = band.range();
    let mut next = params.with_page(1);
    next.min_usd = min;
    next.max_usd = max;
    next.url()
}

fn checkboxes<'a>(
    legend: &str,
    key: &str,
    params: &SearchParams,
    values: impl Iterator<Item = (&'a str, &'a str, u64)>,
) -> Markup {
    html! {
        fieldset {
            legend { (legend) }
            @for (slug, label, count) in values {
                label for={ "f-" (Text(key)) "-" (Text(slug)) } {
                    input id={ "f-" (Text(key)) "-" (Text(slug)) } type="checkbox" name=(Text(key)) value=(Text(slug)) checked[params.has(key, slug)];
                    span { (Text(label)) }
                    span.count { (Text(&thousands(count))) }
                }
            }
        }
    }
}

/// Countries with hits, grouped by region; chosen ones always shown; nothing when there is
/// neither.
fn countries(params: &SearchParams, facets: &crate::search::Facets) -> Markup {
    let counted: Vec<(&codes::Country, u64)> = facets
        .country
        .iter()
        .filter_map(|(code, n)| codes::country(code).map(|c| (c, *n)))
        .collect();
    let mut by_region: Vec<(&str, Vec<(&codes::Country, u64)>)> = Vec::new();
    for region in codes::regions().iter().filter(|r| r.parent.is_none()) {
        let mut members: Vec<(&codes::Country, u64)> = counted
            .iter()
            .filter(|(c, _)| c.region == region.code)
            .copied()
            .collect();
        for chosen in &params.country {
            if let Some(c) = codes::country(chosen)
                && c.region == region.code
                && !members.iter().any(|(m, _)| m.alpha3 == c.alpha3)
            {
                members.push((c, 0));
            }
        }
        members.sort_by(|a, b| a.0.name.cmp(b.0.name));
        if !members.is_empty() {
            by_region.push((region.name, members));
        }
    }
    // A group with nothing in it is left out (chosen countries are always in it).
    if by_region.is_empty() && facets.global == 0 {
        return html! {};
    }
    html! {
        fieldset {
            legend { "Country" }
            @if facets.global > 0 {
                p.muted { "Open to every country: " (thousands(facets.global)) }
            }
            @for (region, members) in &by_region {
                details open[members.iter().any(|(c, _)| params.has("country", c.alpha3))] {
                    summary { (Text(region)) }
                    @for (country, count) in members {
                        label for={ "f-country-" (Text(country.alpha3)) } {
                            input id={ "f-country-" (Text(country.alpha3)) } type="checkbox" name="country" value=(Text(country.alpha3)) checked[params.has("country", country.alpha3)];
                            span { (Text(country.name)) }
                            span.count { (Text(&thousands(*count))) }
                        }
                    }
                }
            }
        }
    }
}

fn empty_result(params: &SearchParams) -> Markup {
    let active = params.active_filters();
    html! {
        div.notice #results tabindex="-1" {
            p { "Nothing matches this search." }
            @if !active.is_empty() {
                p { "Try without one of the filters:" }
                ul {
                    @for (key, value) in &active {
                        li { a href=(params.without(key, value).url()) { "without " (filter_label(key, value)) } }
                    }
                }
            }
            @if !params.q.is_empty() {
                p { "Or " a href=(params.without("q", "").url()) { "search without the keywords" } "." }
            }
        }
    }
}

fn pager(params: &SearchParams, total: u64) -> Markup {
    let pages = (total as usize).div_ceil(PAGE_SIZE);
    page_links(params.page, pages, |page| params.with_page(page).url())
}
