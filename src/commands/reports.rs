//! What the catalogue says: `search`, `matches`, `queue`, `check` and `stats`, as text or JSON.

use std::io::{self, Write};

use anyhow::Result;

use portal::catalogue::Catalogue;
use portal::matching::{amount_text, usd_text};
use portal::review;
use portal::search::written::{WrittenSearch, WrittenSearchError};
use portal::search::{Coverage, SearchRequest, SearchResults};
use portal::stats;
use portal::submission::{Submission, Vocabulary};
use portal::text;

use crate::args::SearchArgs;

use super::{FAILURE, SUCCESS, Streams, agreeing};

pub(super) fn show_queue(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let queue = review::queue(catalogue)?;
    if json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&queue)?)?;
        return Ok(SUCCESS);
    }
    writeln!(
        streams.out,
        "{} for review",
        agreeing(queue.pending.len(), "submission waits", "submissions wait")
    )?;
    for s in &queue.pending {
        writeln!(
            streams.out,
            "  {}  {}  ({}, received {})",
            s.id,
            s.title,
            s.submitter.organisation,
            text::iso_day(s.timestamps.received_at)
        )?;
    }
    writeln!(
        streams.out,
        "{}",
        agreeing(queue.messages.len(), "message waits", "messages wait")
    )?;
    for m in &queue.messages {
        let state = match &m.outcome {
            portal::store::MessageOutcome::NeedsAttention { errors } => {
                format!("needs attention: {}", errors.join("; "))
            }
            portal::store::MessageOutcome::UpdateProposed { id, .. } => {
                format!("proposes an update of {id}")
            }
            portal::store::MessageOutcome::RenewalRequested { id } => {
                format!("asks to renew {id}")
            }
            _ => "received, not yet read".to_string(),
        };
        writeln!(
            streams.out,
            "  message {}  {}  from {}: {state}",
            m.number,
            m.origin,
            m.sender.as_deref().unwrap_or("(no sender)")
        )?;
    }
    Ok(SUCCESS)
}

pub(super) fn search(
    catalogue: &Catalogue,
    streams: &mut Streams,
    args: &SearchArgs,
) -> Result<u8> {
    let request = search_request(args)?;
    let results = catalogue.search(&request)?;
    if args.json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&results)?)?;
    } else {
        print_results(streams.out, &results, &request)?;
    }
    Ok(SUCCESS)
}

pub(super) fn search_request(args: &SearchArgs) -> Result<SearchRequest> {
    // On the command line, a flag's values may also be given together: `--kind need,offer`.
    fn split(values: &[String]) -> Vec<String> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::to_string)
            .collect()
    }
    let (kinds, places, areas) = (split(&args.kind), split(&args.country), split(&args.area));
    let (assistance, submitter_types) = (split(&args.assistance), split(&args.submitter_type));
    let text = args.query.join(" ");
    let written = WrittenSearch {
        text: &text,
        kinds: &kinds,
        places: &places,
        areas: &areas,
        assistance: &assistance,
        submitter_types: &submitter_types,
        min_usd: args.min_usd,
        max_usd: args.max_usd,
        expiring_within_days: args.expiring_within,
        renewed_within_days: args.renewed_within,
        coverage: Coverage::Any,
        sort: Some(&args.sort),
        page: args.page,
        per_page: args.per_page,
        max_offset: None,
    };
    written.read().map_err(|error| match error {
        WrittenSearchError::PageZero => anyhow::anyhow!("--page starts at 1"),
        other => other.into(),
    })
}

pub(super) fn print_results(
    out: &mut dyn Write,
    results: &SearchResults,
    request: &SearchRequest,
) -> io::Result<()> {
    writeln!(
        out,
        "{} found; showing {}–{}",
        results.total,
        (request.offset + 1).min(results.total as usize),
        request.offset + results.hits.len()
    )?;
    for hit in &results.hits {
        let s = &hit.submission;
        writeln!(out)?;
        writeln!(out, "{}  {}  [{}]", s.id, s.title, s.kind.label())?;
        writeln!(
            out,
            "    {} · {} · {}{}",
            s.submitter.organisation,
            places_text(s),
            amount_text(s),
            valid_until_text(s)
        )?;
        let snippet = hit.snippet.fragment.replace('\n', " ");
        if !snippet.is_empty() {
            writeln!(out, "    {snippet}")?;
        }
    }
    let facets = &results.facets;
    writeln!(out)?;
    fn counted<T: std::fmt::Display>(items: &[(T, u64)]) -> Vec<String> {
        items
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(item, n)| format!("{item} {n}"))
            .collect()
    }
    facet_line(out, "kind", counted(&facets.kind))?;
    let mut countries: Vec<String> = facets
        .country
        .iter()
        .take(12)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    if facets.global > 0 {
        countries.push(format!("global {}", facets.global));
    }
    facet_line(out, "country", countries)?;
    facet_line(out, "area", counted(&facets.area))?;
    facet_line(out, "assistance", counted(&facets.assistance))?;
    facet_line(out, "submitter type", counted(&facets.submitter_type))?;
    facet_line(
        out,
        "funding",
        facets
            .funding
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(b, n)| format!("{} {n}", b.label()))
            .collect(),
    )
}

pub(super) fn facet_line(out: &mut dyn Write, name: &str, items: Vec<String>) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "{name}: {}", items.join(", "))
}

pub(super) fn places_text(s: &Submission) -> String {
    let b = &s.beneficiaries;
    let mut parts: Vec<String> = b.countries.clone();
    parts.extend(
        b.regions
            .iter()
            .map(|r| portal::codes::region(r).map_or(r.clone(), |region| region.name.to_string())),
    );
    if b.global {
        parts.push("global".to_string());
    }
    parts.join(", ")
}

pub(super) fn valid_until_text(s: &Submission) -> String {
    s.timestamps
        .expires_at
        .map(|t| format!(" · valid until {}", text::iso_day(t)))
        .unwrap_or_default()
}

pub(super) fn matches(
    catalogue: &Catalogue,
    streams: &mut Streams,
    id: &str,
    limit: usize,
    json: bool,
) -> Result<u8> {
    let subject = catalogue.get(id)?;
    let found = catalogue.matches(id, limit)?;
    let out = &mut *streams.out;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        return Ok(SUCCESS);
    }
    writeln!(
        out,
        "{} matches for {}  {}",
        found.len(),
        subject.id,
        subject.title
    )?;
    for m in &found {
        let s = &m.submission;
        writeln!(out)?;
        writeln!(out, "{}  {}  [{}]", s.id, s.title, s.kind.label())?;
        writeln!(out, "    {} · {}", s.submitter.organisation, amount_text(s))?;
        for reason in &m.reasons {
            writeln!(out, "    - {reason}")?;
        }
    }
    Ok(SUCCESS)
}

pub(super) fn check(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let check = catalogue.check_index()?;
    if json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&check)?)?;
    } else {
        writeln!(
            streams.out,
            "database: {} submissions (change {}); index: {} documents (change {}); {} visible to members",
            check.stored, check.store_seq, check.indexed, check.indexed_seq, check.visible
        )?;
        for (what, ids) in [
            ("missing from the index", &check.missing),
            ("in the index but not to be indexed", &check.unexpected),
            ("indexed with another status or expiry", &check.stale),
            ("indexed more than once", &check.duplicated),
        ] {
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
                let more = ids.len() - shown.len();
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                writeln!(
                    streams.out,
                    "{} {what}: {}{more}",
                    ids.len(),
                    shown.join(", ")
                )?;
            }
        }
    }
    if check.agrees() {
        if !json {
            writeln!(streams.out, "the index agrees with the database")?;
        }
        Ok(SUCCESS)
    } else {
        writeln!(
            streams.err,
            "portal: the index disagrees with the database; `portal reindex` rebuilds it"
        )?;
        Ok(FAILURE)
    }
}

pub(super) fn show_stats(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let stats = catalogue.stats()?;
    let out = &mut *streams.out;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?;
        return Ok(SUCCESS);
    }
    writeln!(out, "{} submissions in all", stats.total)?;
    for (status, n) in &stats.by_status {
        writeln!(out, "  {status}: {n}")?;
    }
    writeln!(out, "Visible to members, by kind:")?;
    for (kind, n) in &stats.visible_by_kind {
        writeln!(out, "  {kind}: {n}")?;
    }
    writeln!(
        out,
        "By area of work (USD sought by needs / offered by offers and funding sources):"
    )?;
    for (area, balance) in &stats.usd_by_area {
        writeln!(
            out,
            "  {}: {} / {}",
            stats::area_label(area),
            usd_text(balance.sought),
            usd_text(balance.offered)
        )?;
    }
    let needs = stats.visible_by_kind.get("need").copied().unwrap_or(0);
    writeln!(
        out,
        "Needs with at least one fitting offer or funding source: {} of {needs}; with one \
         written for their country or region (not only open to every country): {} of {needs}",
        stats.needs_with_match, stats.needs_with_written_match,
    )?;
    for (area, matched) in &stats.matched_needs_by_area {
        writeln!(
            out,
            "  {}: {} of {}, {} written for their place",
            stats::area_label(area),
            matched.with_match,
            matched.needs,
            matched.with_written_match
        )?;
    }
    writeln!(
        out,
        "By country (needs / offers and funding sources naming it; {} more open to every country):",
        stats.offers_global
    )?;
    let countries: std::collections::BTreeSet<&String> = stats
        .needs_by_country
        .keys()
        .chain(stats.offers_by_country.keys())
        .collect();
    for country in countries {
        writeln!(
            out,
            "  {country}: {} / {}",
            stats.needs_by_country.get(country).copied().unwrap_or(0),
            stats.offers_by_country.get(country).copied().unwrap_or(0)
        )?;
    }
    writeln!(out, "Published, by quarter (visible now):")?;
    if stats.published_earlier > 0 {
        writeln!(out, "  earlier: {}", stats.published_earlier)?;
    }
    for (quarter, n) in &stats.published_by_quarter {
        writeln!(out, "  {quarter}: {n}")?;
    }
    Ok(SUCCESS)
}
