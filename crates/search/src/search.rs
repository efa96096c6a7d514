//! Search: keyword queries, filters, facet counts, sorting, pagination and snippets over the
//! index, with visibility decided at query time.
//!
//! A member never sees a submission that is not published or whose `expires_at` has passed,
//! whether or not any clean-up has run: every member query carries that condition. This module
//! reads the index and, for the hits it returns, the store; it never writes.

pub mod cache;
pub mod keywords;
mod lists;
mod page;
mod query;
pub mod written;

pub use lists::{expired_ids, expiring_ids, expiring_page, pending_ids};
pub use query::{PRESENCE, WORDINGS_TIE, any_term, keyword_query, term, wording_query};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::index::{Fields, GLOBAL_PLACE, SearchIndex, id_of_serial, region_place};
use keywords::Keywords;
use page::{Page, PageCollector, PageHit, Plan, Ranking};
use portal_domain::codes::{self, Country, Region};
pub use portal_domain::submission::FundingBand;
use portal_domain::submission::{Area, Assistance, Kind, Submission, SubmitterType};
use portal_store::{Reader, Store, StoreError};

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

    /// The `place` value of this place itself.
    pub fn value(&self) -> Option<u64> {
        match self {
            Place::Country(country) => codes::country_ordinal(country.alpha3),
            Place::Region(region) => region_place(region.code),
        }
    }

    /// The `place` values a submission may carry to count as covering this place.
    pub fn covering_values(&self) -> Vec<u64> {
        let mut values = vec![GLOBAL_PLACE];
        match self {
            Place::Country(country) => {
                values.extend(codes::country_ordinal(country.alpha3));
                values.extend(country.region_codes().filter_map(region_place));
            }
            Place::Region(region) => {
                values.extend(region_place(region.code));
                let around = codes::region_ancestors(region.code);
                let inside = codes::region_descendants(region.code);
                values.extend(
                    around
                        .iter()
                        .chain(&inside)
                        .filter_map(|r| region_place(r.code)),
                );
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
    /// With `places`: whether what is open to every country counts, or only it.
    pub coverage: Coverage,
}

/// Which submissions count as covering the places a search asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Coverage {
    /// Those naming the place or a region around it, and those open to every country.
    #[default]
    Any,
    /// Only those written for the place: naming it or a region around it.
    Written,
    /// Only those open to every country.
    OpenToAll,
}

impl Coverage {
    pub fn slug(self) -> &'static str {
        match self {
            Coverage::Any => "any",
            Coverage::Written => "written",
            Coverage::OpenToAll => "open",
        }
    }

    pub fn parse(text: &str) -> Option<Coverage> {
        [Coverage::Any, Coverage::Written, Coverage::OpenToAll]
            .into_iter()
            .find(|c| c.slug() == text)
    }
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

    /// [`Sort::parse`], or an error naming `text` and the sorts there are.
    pub fn read(text: &str) -> Result<Sort, portal_domain::vocabulary::UnknownValue> {
        Sort::parse(text).ok_or_else(|| portal_domain::vocabulary::UnknownValue {
            what: "sort",
            value: text.to_string(),
            accepted: Sort::ALL.map(|s| s.slug().to_string()).to_vec(),
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
        let mut html = String::with_capacity(self.fragment.len() + 7 * self.highlighted.len());
        let mut from = 0;
        for &(start, end) in &self.highlighted {
            if start < from || end > self.fragment.len() {
                continue;
            }
            escape_html(&self.fragment[from..start], &mut html);
            html.push_str("<b>");
            escape_html(&self.fragment[start..end], &mut html);
            html.push_str("</b>");
            from = end;
        }
        escape_html(&self.fragment[from..], &mut html);
        html
    }
}

/// Appends `text` to `out` with `&`, `<`, `>` and `"` escaped, as maud escapes text: the runs
/// between them copied whole, where maud copies byte by byte, and found eight bytes at a time.
pub fn escape_html(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Whole words of eight bytes without any of the four are skipped at once.
        if let Some(word) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            if !has_html_special(word) {
                at += 8;
                continue;
            }
        }
        let entity = match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => {
                at += 1;
                continue;
            }
        };
        // `at` is the index of an ASCII byte, so a character boundary.
        out.push_str(&text[from..at]);
        out.push_str(entity);
        at += 1;
        from = at;
    }
    out.push_str(&text[from..]);
}

/// Whether any of the eight bytes of `word` is `&`, `<`, `>` or `"`: the classic test for a
/// zero byte, applied twice. `"` (0x22) and `&` (0x26) differ only in the bit 0x04, `<`
/// (0x3C) and `>` (0x3E) only in the bit 0x02: with that bit set in every byte, each pair is
/// one byte value to take away.
fn has_html_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let quote_or_amp = (word | (ONES * 0x04)) ^ (ONES * u64::from(b'&'));
    let angle = (word | (ONES * 0x02)) ^ (ONES * u64::from(b'>'));
    (zero_byte(quote_or_amp) | zero_byte(angle)) & HIGHS != 0
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
    /// How the keywords were read, when there were any.
    pub keywords: Option<KeywordsRead>,
}

/// How a search read its keywords, for the page to explain its results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeywordsRead {
    /// What was asked for, as typed: a word, a phrase, or a term of the glossary.
    pub asked: Vec<String>,
    /// What the glossary added ("EORE" for "mine risk education").
    pub also_searched: Vec<String>,
    /// How many of the hits have everything asked for (or one of its other names); they come
    /// first, the others after them, those with more of it first.
    pub with_everything: u64,
}

/// Runs a search against the index, reading the hits' records from the store.
pub fn search(
    index: &SearchIndex,
    store: &Store,
    request: &SearchRequest,
    now: DateTime<Utc>,
) -> Result<SearchResults> {
    let searcher = index.searcher();
    let snapshot = store.read()?;
    Ok(search_in(index, &searcher, &snapshot, request, now)?.results)
}

/// A page of results, and how long it stays right if nothing is written meanwhile.
#[derive(Debug, Clone)]
pub struct Answer {
    pub results: SearchResults,
    /// The unix second from which the same search may give another page, because a submission
    /// it counted expires then; `None` when the search moves with the clock on its own (the
    /// "expiring within" and "renewed within" filters).
    pub holds_until: Option<i64>,
}

/// [`search`] over a given searcher and store snapshot.
pub fn search_in(
    index: &SearchIndex,
    searcher: &Searcher,
    snapshot: &Reader,
    request: &SearchRequest,
    now: DateTime<Utc>,
) -> Result<Answer> {
    let fields = index.fields();
    let limit = request.limit.clamp(1, MAX_PAGE_SIZE);
    let offset = request.offset.min(MAX_OFFSET);
    let (page, text_query) = run_plan(index, searcher, request, now, offset + limit, true)?;
    let keywords = text_query.as_ref().map(|(_, keywords)| KeywordsRead {
        asked: keywords
            .concepts
            .iter()
            .map(|c| c.wordings[0].shown.clone())
            .collect(),
        also_searched: keywords.also_searched(),
        with_everything: page.complete,
    });

    let snippets = match &text_query {
        Some((query, _)) => snippet_generator(index, &**query),
        None => None,
    };
    let mut hits = Vec::with_capacity(limit);
    for hit in page.best.into_iter().skip(offset) {
        let Some(id) = hit_id(searcher, fields, &hit)? else {
            continue;
        };
        let Some(submission) = snapshot.get(&id)? else {
            continue;
        };
        let snippet = make_snippet(snippets.as_ref(), &submission);
        hits.push(Hit {
            submission,
            score: hit.score,
            snippet,
        });
    }
    let moves_with_clock = request.filters.expiring_within_days.is_some()
        || request.filters.renewed_within_days.is_some();
    let holds_until = match request.audience {
        _ if moves_with_clock => None,
        // Members stop seeing a submission at its expiry, which the pass noted.
        Audience::Members => Some(i64::from(page.earliest_expiry)),
        Audience::Admins => Some(i64::MAX),
    };
    Ok(Answer {
        results: SearchResults {
            total: page.total,
            offset,
            hits,
            facets: page.counts.into_facets(),
            keywords,
        },
        holds_until,
    })
}

/// A page of hits as ids, with the exact count: what a caller needs that reads no records,
/// facets or snippets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdPage {
    /// How many submissions match in all.
    pub total: u64,
    pub offset: usize,
    pub ids: Vec<String>,
}

/// The page of `request` as ids, with the total; no facets are counted.
pub fn id_page(index: &SearchIndex, request: &SearchRequest, now: DateTime<Utc>) -> Result<IdPage> {
    let searcher = index.searcher();
    let limit = request.limit.clamp(1, MAX_PAGE_SIZE);
    let offset = request.offset.min(MAX_OFFSET);
    let (page, _) = run_plan(index, &searcher, request, now, offset + limit, false)?;
    let best = page.best.into_iter().skip(offset);
    Ok(IdPage {
        total: page.total,
        offset,
        ids: hit_ids(&searcher, index.fields(), best)?,
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
    let (page, _) = run_plan(index, &searcher, request, now, usize::MAX, false)?;
    hit_ids(&searcher, index.fields(), page.best)
}

fn hit_ids(
    searcher: &Searcher,
    fields: &Fields,
    hits: impl IntoIterator<Item = PageHit>,
) -> Result<Vec<String>> {
    let hits = hits.into_iter();
    let mut ids = Vec::with_capacity(hits.size_hint().0);
    for hit in hits {
        if let Some(id) = hit_id(searcher, fields, &hit)? {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A hit's submission id: from its serial, or, for an id of another form, its document.
fn hit_id(searcher: &Searcher, fields: &Fields, hit: &PageHit) -> Result<Option<String>> {
    document_id(searcher, fields, hit.address, hit.serial)
}

/// The submission id of the document at `address`, whose serial (`index::serial`) is
/// `serial`: worked out from the serial, or, for an id of another form, read from the
/// document.
pub fn document_id(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
    serial: u64,
) -> Result<Option<String>> {
    match id_of_serial(serial) {
        Some(id) => Ok(Some(id)),
        None => stored_id(searcher, fields, address),
    }
}

/// A keyword query with the keywords it was made from.
type ReadKeywords = (Box<dyn Query>, Keywords);

/// One pass over what the keywords match (everything when there are none): the total, the
/// facet counts (when `facets`) and the best `want` hits in order. Also gives the keyword
/// query and how the keywords were read, if there were any, for snippets and the page.
fn run_plan(
    index: &SearchIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    now: DateTime<Utc>,
    want: usize,
    facets: bool,
) -> Result<(Page, Option<ReadKeywords>)> {
    let _searching = index.searching();
    let keywords = keywords::parse(&request.text);
    let has_keywords = !keywords.is_empty();
    let ranking = Ranking::new(request.sort, has_keywords);
    let mut plan = Plan::new(&request.filters, request.audience, ranking, now);
    if !facets {
        plan = plan.without_facets();
    }
    if has_keywords {
        plan = plan.counting_concepts(keywords.concepts.len());
    }
    let collector = PageCollector::new(plan, index.tables(searcher)?, want);
    if has_keywords {
        let query = keyword_query(index.fields(), &keywords);
        let executor = index.executor(searcher, largest_doc_freq(searcher, &*query)?);
        // Scored whatever the order: a hit's score says how much of the query it has, and
        // hits with everything come first in every order.
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let page = collector.run(searcher, &*weight, executor)?;
        Ok((page, Some((query, keywords))))
    } else {
        let executor = index.executor(searcher, searcher.num_docs());
        Ok((collector.scan(searcher, executor)?, None))
    }
}

/// How many documents hold the most frequent word of `query`: a bound on how many the pass
/// meets (a conjunction meets fewer, a disjunction up to the sum).
fn largest_doc_freq(searcher: &Searcher, query: &dyn Query) -> Result<u64> {
    let mut terms = Vec::new();
    query.query_terms(&mut |term, _| terms.push(term.clone()));
    terms
        .iter()
        .try_fold(0, |largest, term| Ok(largest.max(searcher.doc_freq(term)?)))
}

/// The submission id of an indexed document.
fn stored_id(searcher: &Searcher, fields: &Fields, address: DocAddress) -> Result<Option<String>> {
    let doc: TantivyDocument = searcher.doc(address)?;
    Ok(doc
        .get_first(fields.id)
        .and_then(|v| v.as_str())
        .map(str::to_string))
}

/// What marks the words of `query` in a snippet of the summary and description: the words it
/// asks of the title, the summary or the body, small words left out.
fn snippet_generator(index: &SearchIndex, query: &dyn Query) -> Option<SnippetGenerator> {
    let fields = index.fields();
    // Every word asked counts the same. Weights from document frequencies would change when
    // segments are merged (the counts include deleted documents until then), and a page kept
    // in memory must show the snippet a fresh search would.
    let terms: std::collections::BTreeMap<String, f32> = words_of(fields, query)
        .into_iter()
        .filter(|word| !keywords::is_stop_word(word))
        .map(|word| (word, 1.0))
        .collect();
    let tokenizer = index.tantivy().tokenizer_for_field(fields.body).ok()?;
    Some(SnippetGenerator::new(terms, tokenizer, fields.body, 200))
}

/// The words (analysed terms) a query asks of the text fields, once each.
fn words_of(fields: &Fields, query: &dyn Query) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    query.query_terms(&mut |term, _| {
        if [fields.title, fields.summary, fields.body].contains(&term.field())
            && let Some(word) = term.value().as_str()
            && !words.iter().any(|w| w == word)
        {
            words.push(word.to_string());
        }
    });
    words
}

fn make_snippet(generator: Option<&SnippetGenerator>, submission: &Submission) -> Snippet {
    let text = if submission.summary.is_empty() {
        submission.description.clone()
    } else {
        format!("{}\n{}", submission.summary, submission.description)
    };
    if let Some(generator) = generator {
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

#[cfg(test)]
mod tests {
    use super::{escape_html, has_html_special};

    fn reference(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    #[test]
    fn html_is_escaped_wherever_the_special_characters_stand() {
        let filler = "abcdéfghijklmnopqrstuvwxyz0123456789";
        for special in ["&", "<", ">", "\"", "&<", "\"\""] {
            for at in 0..=filler.len() {
                if !filler.is_char_boundary(at) {
                    continue;
                }
                let text = format!("{}{special}{}", &filler[..at], &filler[at..]);
                let mut ours = String::new();
                escape_html(&text, &mut ours);
                assert_eq!(ours, reference(&text), "{text}");
            }
        }
        let mut plain = String::new();
        escape_html("", &mut plain);
        escape_html("no special characters in this one, ÄÖÜ", &mut plain);
        assert_eq!(plain, "no special characters in this one, ÄÖÜ");
    }

    #[test]
    fn a_word_has_a_special_character_exactly_when_one_of_its_bytes_is() {
        for filler in [0u8, b'a', 0x7f, 0xff] {
            for byte in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = byte;
                    let expected = bytes.iter().any(|b| b"&<>\"".contains(b));
                    let word = u64::from_le_bytes(bytes);
                    assert_eq!(has_html_special(word), expected, "{bytes:?}");
                }
            }
        }
    }
}
