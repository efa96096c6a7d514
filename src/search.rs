//! Search: keyword queries, filters, facet counts, sorting, pagination and snippets over the
//! index, with visibility decided at query time.
//!
//! A member never sees a submission that is not published or whose `expires_at` has passed,
//! whether or not any clean-up has run: every member query carries that condition. This module
//! reads the index and, for the hits it returns, the store; it never writes.

use std::collections::HashSet;
use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Collector, Count, SegmentCollector, SortKeyComputer, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::codes::{self, Country, Region};
use crate::index::{Fields, GLOBAL_PLACE, REGION_BASE, SearchIndex, names, region_place};
use crate::store::{Store, StoreError};
use crate::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};

/// The most hits one page may hold.
pub const MAX_PAGE_SIZE: usize = 100;
/// How deep pagination may go; past this a search asks the user to narrow it.
pub const MAX_OFFSET: usize = 10_000;

/// What can go wrong in a search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Who is asking: members see only what is published and current; the ISU sees everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    #[default]
    Members,
    Admins,
}

/// A place to filter by: a country (which also matches regional and global submissions that
/// cover it) or a region (which matches its countries, itself, and global submissions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Country(&'static Country),
    Region(&'static Region),
}

impl Place {
    /// Reads a country (code or name) or a region (M49 code or name).
    pub fn parse(text: &str) -> Option<Place> {
        codes::country(text)
            .map(Place::Country)
            .or_else(|| codes::region(text).map(Place::Region))
    }

    /// The `place` values a submission may carry to count as covering this place.
    pub fn covering_values(&self) -> Vec<u64> {
        let mut values = vec![GLOBAL_PLACE];
        match self {
            Place::Country(country) => {
                values.extend(codes::country_ordinal(country.alpha3));
                values.extend(region_place(country.subregion));
                values.extend(region_place(country.region));
            }
            Place::Region(region) => {
                values.extend(region_place(region.code));
                values.extend(region.parent.and_then(region_place));
                for sub in codes::regions()
                    .iter()
                    .filter(|r| r.parent == Some(region.code))
                {
                    values.extend(region_place(sub.code));
                }
                values.extend(
                    codes::countries_in_region(region.code)
                        .into_iter()
                        .filter_map(|c| codes::country_ordinal(c.alpha3)),
                );
            }
        }
        values.sort_unstable();
        values.dedup();
        values
    }

    pub fn code(&self) -> &'static str {
        match self {
            Place::Country(c) => c.alpha3,
            Place::Region(r) => r.code,
        }
    }
}

/// The filters of a search; values within one dimension are alternatives (OR), dimensions
/// combine (AND).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub kinds: Vec<Kind>,
    pub places: Vec<Place>,
    pub areas: Vec<Area>,
    pub assistance: Vec<Assistance>,
    pub submitter_types: Vec<SubmitterType>,
    pub min_usd: Option<f64>,
    pub max_usd: Option<f64>,
    /// Only what expires within this many days from now.
    pub expiring_within_days: Option<u32>,
    /// Only what was renewed within this many days before now.
    pub renewed_within_days: Option<u32>,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// Best text match first; newest first when there is no keyword.
    #[default]
    Relevance,
    Newest,
    ExpiringSoonest,
    LargestAmount,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::Newest,
        Sort::ExpiringSoonest,
        Sort::LargestAmount,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::ExpiringSoonest => "expiring",
            Sort::LargestAmount => "amount",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| {
            s.slug() == text.trim().to_ascii_lowercase()
                || format!("{s:?}").eq_ignore_ascii_case(text.trim())
        })
    }
}

/// A search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// Keywords: words, "phrases", AND / OR, -word. Empty browses everything.
    pub text: String,
    pub filters: Filters,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    pub audience: Audience,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            text: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
            audience: Audience::Members,
        }
    }
}

/// Preset bands of funding in USD, for the facet panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FundingBand {
    Under100k,
    From100kTo1m,
    From1mTo10m,
    Over10m,
    NotStated,
}

impl FundingBand {
    pub const ALL: [FundingBand; 5] = [
        FundingBand::Under100k,
        FundingBand::From100kTo1m,
        FundingBand::From1mTo10m,
        FundingBand::Over10m,
        FundingBand::NotStated,
    ];

    /// The USD range of the band, `[min, max)`.
    pub fn range(self) -> (Option<f64>, Option<f64>) {
        match self {
            FundingBand::Under100k => (None, Some(100_000.0)),
            FundingBand::From100kTo1m => (Some(100_000.0), Some(1_000_000.0)),
            FundingBand::From1mTo10m => (Some(1_000_000.0), Some(10_000_000.0)),
            FundingBand::Over10m => (Some(10_000_000.0), None),
            FundingBand::NotStated => (None, None),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FundingBand::Under100k => "Under USD 100,000",
            FundingBand::From100kTo1m => "USD 100,000 – 1 million",
            FundingBand::From1mTo10m => "USD 1 – 10 million",
            FundingBand::Over10m => "Over USD 10 million",
            FundingBand::NotStated => "No amount stated",
        }
    }

    fn of(usd: Option<f64>) -> FundingBand {
        match usd {
            None => FundingBand::NotStated,
            Some(x) if x < 100_000.0 => FundingBand::Under100k,
            Some(x) if x < 1_000_000.0 => FundingBand::From100kTo1m,
            Some(x) if x < 10_000_000.0 => FundingBand::From1mTo10m,
            Some(_) => FundingBand::Over10m,
        }
    }
}

/// Facet counts for every filter dimension, each counted with the other dimensions' active
/// filters applied (so a count says how many hits choosing that value would give, alone or
/// alongside the values already chosen in its own dimension).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub kind: Vec<(Kind, u64)>,
    /// Countries by ISO alpha-3, most hits first; only countries with hits.
    pub country: Vec<(String, u64)>,
    /// Submissions open to every country.
    pub global: u64,
    pub area: Vec<(Area, u64)>,
    pub assistance: Vec<(Assistance, u64)>,
    pub submitter_type: Vec<(SubmitterType, u64)>,
    pub funding: Vec<(FundingBand, u64)>,
}

/// A highlighted excerpt: the text and the byte ranges of the matched words in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    pub fragment: String,
    pub highlighted: Vec<(usize, usize)>,
}

impl Snippet {
    /// The fragment with matched words in `<b>`, everything else HTML-escaped.
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        let mut from = 0;
        for &(start, end) in &self.highlighted {
            if start < from || end > self.fragment.len() {
                continue;
            }
            html.push_str(&escape(&self.fragment[from..start]));
            html.push_str("<b>");
            html.push_str(&escape(&self.fragment[start..end]));
            html.push_str("</b>");
            from = end;
        }
        html.push_str(&escape(&self.fragment[from..]));
        html
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub submission: Submission,
    pub score: f32,
    pub snippet: Snippet,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many submissions match in all.
    pub total: u64,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// Runs a search against the index, reading the hits' records from the store.
pub fn search(
    index: &SearchIndex,
    store: &Store,
    request: &SearchRequest,
    now: DateTime<Utc>,
) -> Result<SearchResults> {
    let searcher = index.searcher();
    let fields = index.fields();
    let text_query = text_query(index, &request.text);
    let mut base = base_clauses(fields, request.audience, now, &*text_query);
    // Validity filters have no facet of their own: they narrow every count.
    base.extend(validity_clauses(fields, &request.filters, now));
    let filters = filter_clauses(fields, &request.filters);

    let main_query = and(base.iter().chain(filters.iter().map(|(_, q)| q)));
    let limit = request.limit.clamp(1, MAX_PAGE_SIZE);
    let offset = request.offset.min(MAX_OFFSET);

    // Dimensions without an active filter are counted over the main query's hits; each
    // dimension with one is counted by a query that leaves out just its own filter.
    let active: HashSet<Dimension> = filters.iter().map(|(d, _)| *d).collect();
    let passive: Vec<Dimension> = Dimension::ALL
        .into_iter()
        .filter(|d| !active.contains(d))
        .collect();
    let (addresses, total, mut counts) = top_docs(
        &searcher,
        &*main_query,
        request,
        !request.text.trim().is_empty(),
        (limit, offset),
        FacetCollector::new(&passive),
    )?;
    for dimension in &active {
        let others = and(base.iter().chain(
            filters
                .iter()
                .filter(|(d, _)| d != dimension)
                .map(|(_, q)| q),
        ));
        let dimension_counts = searcher.search(&*others, &FacetCollector::new(&[*dimension]))?;
        counts.absorb(dimension_counts);
    }

    // One generator per text field: a generator only knows the words that occur in its own
    // field, and the snippet text (summary and description) may match through either.
    let snippets: Vec<SnippetGenerator> = [fields.description, fields.summary, fields.title]
        .into_iter()
        .filter_map(|field| SnippetGenerator::create(&searcher, &*text_query, field).ok())
        .map(|mut generator| {
            generator.set_max_num_chars(200);
            generator
        })
        .collect();
    let snapshot = store.read()?;
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, address) in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) else {
            continue;
        };
        let Some(submission) = snapshot.get(id)? else {
            continue;
        };
        let snippet = make_snippet(&snippets, &submission);
        hits.push(Hit {
            submission,
            score,
            snippet,
        });
    }
    Ok(SearchResults {
        total,
        offset,
        hits,
        facets: counts.into_facets(),
    })
}

/// Every hit of `request`, ignoring its page, in its order: the ids only (for exports, which
/// then read the records in batches).
pub fn all_ids(
    index: &SearchIndex,
    request: &SearchRequest,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let searcher = index.searcher();
    let fields = index.fields();
    let text_query = text_query(index, &request.text);
    let mut base = base_clauses(fields, request.audience, now, &*text_query);
    base.extend(validity_clauses(fields, &request.filters, now));
    let filters = filter_clauses(fields, &request.filters);
    let main_query = and(base.iter().chain(filters.iter().map(|(_, q)| q)));
    let total = searcher.search(&*main_query, &Count)?;
    if total == 0 {
        return Ok(Vec::new());
    }
    let (addresses, _, _) = top_docs(
        &searcher,
        &*main_query,
        request,
        !request.text.trim().is_empty(),
        (total, 0),
        FacetCollector::new(&[]),
    )?;
    let mut ids = Vec::with_capacity(addresses.len());
    for (_, address) in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        if let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

fn make_snippet(generators: &[SnippetGenerator], submission: &Submission) -> Snippet {
    let text = if submission.summary.is_empty() {
        submission.description.clone()
    } else {
        format!("{}\n{}", submission.summary, submission.description)
    };
    for generator in generators {
        let snippet = generator.snippet(&text);
        if !snippet.is_empty() {
            // Mark text cut off at either end, shifting the highlights past the mark.
            let range = snippet.fragment_range();
            let lead = if range.start > 0 { "…" } else { "" };
            let tail = if range.end < text.len() { "…" } else { "" };
            return Snippet {
                fragment: format!("{lead}{}{tail}", snippet.fragment().trim_end()),
                highlighted: snippet
                    .highlighted()
                    .iter()
                    .map(|r| (r.start + lead.len(), r.end + lead.len()))
                    .collect(),
            };
        }
    }
    let mut fragment: String = text.chars().take(200).collect();
    if fragment.len() < text.len() {
        fragment.push('…');
    }
    Snippet {
        fragment,
        highlighted: Vec::new(),
    }
}

type Page = (Vec<(f32, DocAddress)>, u64, FacetCounts);

fn top_docs(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    has_keywords: bool,
    (limit, offset): (usize, usize),
    facets: FacetCollector,
) -> Result<Page> {
    let top = TopDocs::with_limit(limit).and_offset(offset);
    // Ties are broken by the submission's serial number, so pages are stable.
    let serial = (
        SortByStaticFastValue::<u64>::for_field(names::SERIAL),
        Order::Asc,
    );
    let by = |field: &str| SortByStaticFastValue::<i64>::for_field(field);
    match request.sort {
        Sort::Relevance if has_keywords => collect_page(
            searcher,
            query,
            top,
            ((SortBySimilarityScore, Order::Desc), serial),
            facets,
            |(score, _)| *score,
        ),
        Sort::Relevance | Sort::Newest => collect_page(
            searcher,
            query,
            top,
            ((by(names::PUBLISHED), Order::Desc), serial),
            facets,
            |_| 0.0,
        ),
        Sort::ExpiringSoonest => collect_page(
            searcher,
            query,
            top,
            ((by(names::EXPIRES), Order::Asc), serial),
            facets,
            |_| 0.0,
        ),
        Sort::LargestAmount => collect_page(
            searcher,
            query,
            top,
            (
                (
                    SortByStaticFastValue::<f64>::for_field(names::USD),
                    Order::Desc,
                ),
                serial,
            ),
            facets,
            |_| 0.0,
        ),
    }
}

/// Collects one page sorted by `key`, the total count and the facet counts in one pass.
fn collect_page<S>(
    searcher: &Searcher,
    query: &dyn Query,
    top: TopDocs,
    key: S,
    facets: FacetCollector,
    score_of: impl Fn(&S::SortKey) -> f32,
) -> Result<Page>
where
    S: SortKeyComputer + Send + 'static,
    S::SortKey: 'static + Clone + Send + Sync + std::fmt::Debug,
{
    let (docs, count, counts) = searcher.search(query, &(top.order_by(key), Count, facets))?;
    let docs = docs
        .into_iter()
        .map(|(key, address)| (score_of(&key), address))
        .collect();
    Ok((docs, count as u64, counts))
}

/// The ids of published submissions whose expiry has passed at `now` (for the clean-up).
pub fn expired_ids(index: &SearchIndex, now: DateTime<Utc>) -> Result<Vec<String>> {
    published_expiring_ids(index, Bound::Unbounded, Bound::Included(now))
}

/// The ids of published submissions that expire after `now` and no later than `until`
/// (for reminders and the ISU's "expiring soon" page).
pub fn expiring_ids(
    index: &SearchIndex,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<String>> {
    published_expiring_ids(index, Bound::Excluded(now), Bound::Included(until))
}

fn published_expiring_ids(
    index: &SearchIndex,
    from: Bound<DateTime<Utc>>,
    until: Bound<DateTime<Utc>>,
) -> Result<Vec<String>> {
    let fields = index.fields();
    let at = |t: DateTime<Utc>| Term::from_field_i64(fields.expires, t.timestamp());
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            term(fields.status, Status::Published.ordinal()),
        ),
        (
            Occur::Must,
            Box::new(RangeQuery::new(from.map(at), until.map(at))),
        ),
    ]);
    let searcher = index.searcher();
    let addresses = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
    let mut ids = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        if let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) {
            ids.push(id.to_string());
        }
    }
    ids.sort();
    Ok(ids)
}

/// The keyword query, parsed leniently: malformed syntax never fails a search.
pub fn text_query(index: &SearchIndex, text: &str) -> Box<dyn Query> {
    if text.trim().is_empty() {
        return Box::new(AllQuery);
    }
    let fields = index.fields();
    let mut parser = QueryParser::for_index(
        index.tantivy(),
        vec![
            fields.title,
            fields.summary,
            fields.description,
            fields.submitter,
        ],
    );
    parser.set_conjunction_by_default();
    parser.set_field_boost(fields.title, 3.0);
    parser.set_field_boost(fields.summary, 1.5);
    parser.set_field_boost(fields.submitter, 1.5);
    let (query, _errors) = parser.parse_query_lenient(text);
    query
}

/// The clauses every search carries: the keywords and, for members, visibility.
fn base_clauses(
    fields: &Fields,
    audience: Audience,
    now: DateTime<Utc>,
    text_query: &dyn Query,
) -> Vec<Box<dyn Query>> {
    let mut clauses = vec![text_query.box_clone()];
    if audience == Audience::Members {
        clauses.extend(visibility_clauses(fields, now));
    }
    clauses
}

/// Published, and not past `expires_at` at `now`.
pub fn visibility_clauses(fields: &Fields, now: DateTime<Utc>) -> Vec<Box<dyn Query>> {
    vec![
        term(fields.status, Status::Published.ordinal()),
        Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(fields.expires, now.timestamp())),
            Bound::Unbounded,
        )),
    ]
}

/// A filter dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dimension {
    Kind,
    Place,
    Area,
    Assistance,
    SubmitterType,
    Funding,
}

impl Dimension {
    const ALL: [Dimension; 6] = [
        Dimension::Kind,
        Dimension::Place,
        Dimension::Area,
        Dimension::Assistance,
        Dimension::SubmitterType,
        Dimension::Funding,
    ];
}

fn filter_clauses(fields: &Fields, filters: &Filters) -> Vec<(Dimension, Box<dyn Query>)> {
    let mut clauses = Vec::new();
    let mut any_of = |dimension, field, values: Vec<u64>| {
        if !values.is_empty() {
            clauses.push((dimension, any_term(field, values)));
        }
    };
    any_of(
        Dimension::Kind,
        fields.kind,
        filters.kinds.iter().map(|k| k.ordinal()).collect(),
    );
    any_of(
        Dimension::Place,
        fields.place,
        filters
            .places
            .iter()
            .flat_map(Place::covering_values)
            .collect(),
    );
    any_of(
        Dimension::Area,
        fields.area,
        filters.areas.iter().map(|a| a.ordinal()).collect(),
    );
    any_of(
        Dimension::Assistance,
        fields.assistance,
        filters.assistance.iter().map(|a| a.ordinal()).collect(),
    );
    any_of(
        Dimension::SubmitterType,
        fields.submitter_type,
        filters
            .submitter_types
            .iter()
            .map(|s| s.ordinal())
            .collect(),
    );
    if let Some(range) = usd_range(fields.usd, filters.min_usd, filters.max_usd) {
        clauses.push((Dimension::Funding, range));
    }
    clauses
}

/// The "expiring within N days" and "renewed within N days" filters.
fn validity_clauses(fields: &Fields, filters: &Filters, now: DateTime<Utc>) -> Vec<Box<dyn Query>> {
    let days = |n: u32| chrono::Duration::days(i64::from(n));
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    if let Some(n) = filters.expiring_within_days {
        clauses.push(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(fields.expires, now.timestamp())),
            Bound::Included(Term::from_field_i64(
                fields.expires,
                (now + days(n)).timestamp(),
            )),
        )));
    }
    if let Some(n) = filters.renewed_within_days {
        clauses.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(
                fields.renewed,
                (now - days(n)).timestamp(),
            )),
            Bound::Included(Term::from_field_i64(fields.renewed, now.timestamp())),
        )));
    }
    clauses
}

/// Submissions whose USD amount is within `[min, max]`.
pub fn usd_range(field: Field, min: Option<f64>, max: Option<f64>) -> Option<Box<dyn Query>> {
    if min.is_none() && max.is_none() {
        return None;
    }
    let bound = |value: Option<f64>| match value {
        Some(v) => Bound::Included(Term::from_field_f64(field, v)),
        None => Bound::Unbounded,
    };
    Some(Box::new(RangeQuery::new(bound(min), bound(max))))
}

pub fn term(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Matches any of `values` in `field`.
pub fn any_term(field: Field, mut values: Vec<u64>) -> Box<dyn Query> {
    values.sort_unstable();
    values.dedup();
    if values.len() == 1 {
        return term(field, values[0]);
    }
    Box::new(BooleanQuery::new(
        values
            .into_iter()
            .map(|v| (Occur::Should, term(field, v)))
            .collect(),
    ))
}

/// All of `clauses`; the first keeps its score, the rest only filter (they add nothing to it).
pub fn and<'a>(clauses: impl Iterator<Item = &'a Box<dyn Query>>) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = clauses
        .enumerate()
        .map(|(i, q)| {
            let query = if i == 0 {
                q.box_clone()
            } else {
                Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)) as Box<dyn Query>
            };
            (Occur::Must, query)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Counts of values per dimension, gathered while collecting hits.
#[derive(Debug, Clone, Default)]
struct FacetCounts {
    kind: Vec<u64>,
    place: Vec<u64>,
    global: u64,
    area: Vec<u64>,
    assistance: Vec<u64>,
    submitter_type: Vec<u64>,
    funding: Vec<u64>,
    counted: Vec<Dimension>,
}

impl FacetCounts {
    fn new(dimensions: &[Dimension]) -> Self {
        FacetCounts {
            kind: vec![0; Kind::ALL.len()],
            place: vec![0; codes::countries().len()],
            global: 0,
            area: vec![0; Area::ALL.len()],
            assistance: vec![0; Assistance::ALL.len()],
            submitter_type: vec![0; SubmitterType::ALL.len()],
            funding: vec![0; FundingBand::ALL.len()],
            counted: dimensions.to_vec(),
        }
    }

    fn add(&mut self, other: &FacetCounts) {
        let sum = |a: &mut Vec<u64>, b: &Vec<u64>| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        };
        sum(&mut self.kind, &other.kind);
        sum(&mut self.place, &other.place);
        sum(&mut self.area, &other.area);
        sum(&mut self.assistance, &other.assistance);
        sum(&mut self.submitter_type, &other.submitter_type);
        sum(&mut self.funding, &other.funding);
        self.global += other.global;
    }

    /// Takes over the dimensions `other` counted.
    fn absorb(&mut self, other: FacetCounts) {
        for dimension in &other.counted {
            match dimension {
                Dimension::Kind => self.kind = other.kind.clone(),
                Dimension::Place => {
                    self.place = other.place.clone();
                    self.global = other.global;
                }
                Dimension::Area => self.area = other.area.clone(),
                Dimension::Assistance => self.assistance = other.assistance.clone(),
                Dimension::SubmitterType => self.submitter_type = other.submitter_type.clone(),
                Dimension::Funding => self.funding = other.funding.clone(),
            }
        }
    }

    fn into_facets(self) -> Facets {
        fn pairs<T: Vocabulary>(counts: &[u64]) -> Vec<(T, u64)> {
            T::ALL.iter().copied().zip(counts.iter().copied()).collect()
        }
        let countries = codes::countries();
        let mut country: Vec<(String, u64)> = self
            .place
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (countries[i].alpha3.to_string(), *n))
            .collect();
        country.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Facets {
            kind: pairs(&self.kind),
            country,
            global: self.global,
            area: pairs(&self.area),
            assistance: pairs(&self.assistance),
            submitter_type: pairs(&self.submitter_type),
            funding: FundingBand::ALL
                .into_iter()
                .zip(self.funding.iter().copied())
                .collect(),
        }
    }
}

/// Counts facet values over the matching documents from fast fields.
#[derive(Debug, Clone)]
struct FacetCollector {
    dimensions: Vec<Dimension>,
}

impl FacetCollector {
    fn new(dimensions: &[Dimension]) -> Self {
        FacetCollector {
            dimensions: dimensions.to_vec(),
        }
    }
}

struct FacetSegmentCollector {
    counts: FacetCounts,
    kind: Option<Column<u64>>,
    place: Option<Column<u64>>,
    area: Option<Column<u64>>,
    assistance: Option<Column<u64>>,
    submitter_type: Option<Column<u64>>,
    usd: Option<Column<f64>>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        let wants = |d: Dimension| self.dimensions.contains(&d);
        let column = |d: Dimension, name: &str| -> tantivy::Result<Option<Column<u64>>> {
            if wants(d) {
                fast.u64(name).map(Some)
            } else {
                Ok(None)
            }
        };
        Ok(FacetSegmentCollector {
            counts: FacetCounts::new(&self.dimensions),
            kind: column(Dimension::Kind, names::KIND)?,
            place: column(Dimension::Place, names::PLACE)?,
            area: column(Dimension::Area, names::AREA)?,
            assistance: column(Dimension::Assistance, names::ASSISTANCE)?,
            submitter_type: column(Dimension::SubmitterType, names::SUBMITTER_TYPE)?,
            usd: if wants(Dimension::Funding) {
                Some(fast.f64(names::USD)?)
            } else {
                None
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut total = FacetCounts::new(&self.dimensions);
        for fruit in &fruits {
            total.add(fruit);
        }
        Ok(total)
    }
}

fn count_values(column: &Option<Column<u64>>, doc: DocId, counts: &mut [u64]) {
    if let Some(column) = column {
        for value in column.values_for_doc(doc) {
            if let Some(slot) = usize::try_from(value).ok().and_then(|i| counts.get_mut(i)) {
                *slot += 1;
            }
        }
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let counts = &mut self.counts;
        count_values(&self.kind, doc, &mut counts.kind);
        count_values(&self.area, doc, &mut counts.area);
        count_values(&self.assistance, doc, &mut counts.assistance);
        count_values(&self.submitter_type, doc, &mut counts.submitter_type);
        if let Some(place) = &self.place {
            for value in place.values_for_doc(doc) {
                if value == GLOBAL_PLACE {
                    counts.global += 1;
                } else if value < REGION_BASE
                    && let Some(slot) = counts.place.get_mut(value as usize)
                {
                    *slot += 1;
                }
            }
        }
        if let Some(usd) = &self.usd {
            let band = FundingBand::of(usd.first(doc));
            if let Some(i) = FundingBand::ALL.iter().position(|b| *b == band) {
                counts.funding[i] += 1;
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}
