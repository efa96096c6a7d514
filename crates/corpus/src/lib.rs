//! The benchmark corpus and its queries: deterministic submissions at any size (10k, 100k, 1M)
//! whose texts behave like real text, and the fixed set of benchmark queries over them.
//!
//! Structure (kinds, statuses, submitters, skewed affected countries, areas, log-normal amounts)
//! comes from the demo generator ([`portal_demo`]); the texts are drawn from a ranked vocabulary
//! with Zipf frequencies and from bigrams that occur in the field's own texts, and the dates
//! spread over ten years. The vocabulary and bigram ranks are fixed files (`crates/corpus/data/`, made
//! by `scripts/corpus-vocabulary` from the treaty texts and IATI titles and descriptions of the
//! shared real data), so every size and seed has the same statistics: a word's share of
//! submissions depends on its rank only.
//!
//! It streams (one submission at a time, nothing kept) and the first N submissions of a longer
//! run equal a run of N. Every record is fictitious and marked as demo content, like the demo's.
//! This module knows nothing of the store, the index or any other engine.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Months, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tantivy::tokenizer::TokenStream;

use portal_demo::{self as demo, DEMO_NOTICE, DEMO_TITLE_PREFIX, DemoOptions};
use portal_domain::submission::{Area, Kind, Status, Submission, Timestamps, Vocabulary};
use portal_search::search::{Filters, Place, SearchRequest, Sort};

/// The ranked vocabulary: one word a line, most frequent first, after one comment line.
const VOCABULARY: &str = include_str!("../data/vocabulary.txt");
/// Bigrams that occur in the sources, most frequent first, after one comment line.
const BIGRAMS: &str = include_str!("../data/bigrams.txt");

/// The Zipf exponent of word and bigram frequencies (1 is classic Zipf).
const ZIPF_EXPONENT: f64 = 1.0;
/// The chance that the next words of a sentence are a bigram rather than one word.
const BIGRAM_SHARE: f64 = 0.25;
/// How far back dates go.
const YEARS: i64 = 10;
const DAY: i64 = 86_400;

/// The moment the benchmark corpus is generated for, unless told otherwise: every benchmark
/// uses it, so its figures do not depend on the day they were taken.
pub fn default_now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_793_491_200, 0).unwrap_or_default() // 2026-11-01T00:00:00Z
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusOptions {
    /// How many submissions.
    pub size: usize,
    /// The same seed (and `now`) gives the same submissions.
    pub seed: u64,
    /// Every timestamp is at or before it; published submissions expire after it.
    pub now: DateTime<Utc>,
}

/// Yields `options.size` fictitious submissions, deterministic for `(seed, now)`; the first N of
/// a longer run equal a run of N. Ids are left for the store to assign, amounts in USD for
/// [`Submission::validate`].
pub fn generate(options: &CorpusOptions) -> impl ExactSizeIterator<Item = Submission> + use<> {
    let structure = demo::generate(&DemoOptions {
        count: options.size,
        seed: options.seed,
        now: options.now,
    });
    // A second stream for the texts and dates, so they do not shift the demo's choices.
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x636f_7270_7573);
    let now = options.now;
    structure.map(move |mut submission| {
        rewrite(&mut submission, &mut rng, now);
        submission
    })
}

/// The ranked vocabulary, most frequent first.
pub fn vocabulary() -> &'static [&'static str] {
    &model().words
}

/// How many of the vocabulary's words are real (the rest are pseudo-words).
pub fn real_words() -> usize {
    model().real
}

/// The bigrams, most frequent first.
pub fn bigrams() -> &'static [(&'static str, &'static str)] {
    &model().bigrams
}

// ---------------------------------------------------------------------------------------------
// The text model.
// ---------------------------------------------------------------------------------------------

struct Model {
    words: Vec<&'static str>,
    real: usize,
    bigrams: Vec<(&'static str, &'static str)>,
    word_ranks: Zipf,
    bigram_ranks: Zipf,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut lines = VOCABULARY.lines();
        let header = lines.next().unwrap_or_default();
        // "# 8088 real words by frequency, then ..."
        let real = header
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let words: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
        let bigrams: Vec<(&str, &str)> = BIGRAMS
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(' '))
            .collect();
        Model {
            word_ranks: Zipf::new(words.len(), ZIPF_EXPONENT),
            bigram_ranks: Zipf::new(bigrams.len(), ZIPF_EXPONENT),
            words,
            real,
            bigrams,
        }
    })
}

/// Ranks 0..n drawn with probability proportional to 1 / (rank + 1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, exponent: f64) -> Zipf {
        let mut cumulative = Vec::with_capacity(n);
        let mut sum = 0.0;
        for rank in 1..=n {
            sum += 1.0 / (rank as f64).powf(exponent);
            cumulative.push(sum);
        }
        for c in &mut cumulative {
            *c /= sum;
        }
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let u: f64 = rng.random();
        self.cumulative
            .partition_point(|&c| c < u)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// Appends a sentence of at least `words` words: single words and, now and then, a bigram.
fn push_sentence(out: &mut String, rng: &mut ChaCha8Rng, words: usize, period: bool) {
    let model = model();
    let start = out.len();
    let mut written = 0;
    while written < words {
        if !out.is_empty() && out.len() > start {
            out.push(' ');
        }
        if rng.random_bool(BIGRAM_SHARE) {
            let (a, b) = model.bigrams[model.bigram_ranks.sample(rng)];
            out.push_str(a);
            out.push(' ');
            out.push_str(b);
            written += 2;
        } else {
            out.push_str(model.words[model.word_ranks.sample(rng)]);
            written += 1;
        }
    }
    // Capitalised first letter: the words are lowercase ASCII.
    if let Some(first) = out[start..].chars().next() {
        let upper = first.to_ascii_uppercase().to_string();
        out.replace_range(start..start + first.len_utf8(), &upper);
    }
    if period {
        out.push('.');
    }
}

/// Replaces the demo texts and dates of `submission` with the corpus's own.
fn rewrite(submission: &mut Submission, rng: &mut ChaCha8Rng, now: DateTime<Utc>) {
    let mut title = String::from(DEMO_TITLE_PREFIX);
    let words = rng.random_range(4..=10);
    push_sentence(&mut title, rng, words, false);
    let mut summary = String::new();
    let words = rng.random_range(12..=28);
    push_sentence(&mut summary, rng, words, true);
    let mut description = String::new();
    for _ in 0..rng.random_range(3..=6) {
        if !description.is_empty() {
            description.push(' ');
        }
        let words = rng.random_range(8..=22);
        push_sentence(&mut description, rng, words, true);
    }
    description.push(' ');
    description.push_str(DEMO_NOTICE);
    submission.title = title;
    submission.summary = summary;
    submission.description = description;
    submission.timestamps = timestamps(rng, submission.kind, submission.status, now);
}

/// Received over the last ten years; what is published was renewed as needed, so it is still
/// current at `now` (it expires within two years); what was withdrawn expired long ago.
fn timestamps(rng: &mut ChaCha8Rng, kind: Kind, status: Status, now: DateTime<Utc>) -> Timestamps {
    let seconds =
        |rng: &mut ChaCha8Rng, low: i64, high: i64| Duration::seconds(rng.random_range(low..high));
    if status == Status::Pending {
        let received_at = now - seconds(rng, 0, 21 * DAY);
        return Timestamps {
            received_at,
            published_at: None,
            updated_at: received_at,
            expires_at: None,
            renewed_at: None,
        };
    }
    let received_at = now - seconds(rng, 21 * DAY, YEARS * 365 * DAY);
    let published_at = received_at + seconds(rng, DAY, 20 * DAY + 1);
    let lifespan = Months::new(match kind {
        Kind::Need | Kind::Offer => 12,
        Kind::Project | Kind::FundingSource => 24,
    });
    let natural_expiry = published_at
        .checked_add_months(lifespan)
        .unwrap_or(published_at);
    if status == Status::Published {
        let expires_at = (now + seconds(rng, DAY, 730 * DAY)).max(natural_expiry);
        let renewed_at = expires_at
            .checked_sub_months(lifespan)
            .filter(|renewed| *renewed > published_at && *renewed <= now);
        Timestamps {
            received_at,
            published_at: Some(published_at),
            updated_at: renewed_at.unwrap_or(published_at),
            expires_at: Some(expires_at),
            renewed_at,
        }
    } else {
        Timestamps {
            received_at,
            published_at: Some(published_at),
            updated_at: (published_at + seconds(rng, 7 * DAY, 180 * DAY)).min(now),
            expires_at: Some(natural_expiry),
            renewed_at: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The queries.
// ---------------------------------------------------------------------------------------------

/// What a benchmark query exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryClass {
    /// Keywords, top 20 by relevance, with the exact count.
    Keyword,
    /// Keywords with a country, an area and a USD range.
    Filtered,
    /// No keywords, one kind (sometimes one area), with facet counts.
    Browse,
    /// A two-word phrase.
    Phrase,
    /// Keywords, newest first.
    ByDate,
    /// The whole results page: hits, count, every facet, the stored fields of 20 hits.
    WholePage,
    /// Page 51 (offset 1000).
    DeepPage,
    /// The offers and funding sources that fit one need.
    Matching,
}

impl QueryClass {
    pub const ALL: [QueryClass; 8] = [
        QueryClass::Keyword,
        QueryClass::Filtered,
        QueryClass::Browse,
        QueryClass::Phrase,
        QueryClass::ByDate,
        QueryClass::WholePage,
        QueryClass::DeepPage,
        QueryClass::Matching,
    ];

    /// A short name for tables.
    pub fn label(self) -> &'static str {
        match self {
            QueryClass::Keyword => "keyword top-20 + count",
            QueryClass::Filtered => "keyword + country + area + USD",
            QueryClass::Browse => "browse one kind + facets",
            QueryClass::Phrase => "phrase",
            QueryClass::ByDate => "keyword sorted by date",
            QueryClass::WholePage => "whole results page",
            QueryClass::DeepPage => "deep page (offset 1000)",
            QueryClass::Matching => "matching for one need",
        }
    }
}

/// How many submissions a query's text matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// At most 0.1% of submissions.
    Rare,
    /// About 1% (0.4% to 2.5%).
    OnePercent,
    /// Over 10%.
    Common,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Rare, Band::OnePercent, Band::Common];

    /// Whether `matched` of `size` submissions is within the band.
    pub fn holds(self, matched: u64, size: u64) -> bool {
        let share = matched as f64 / size.max(1) as f64;
        match self {
            Band::Rare => share <= 0.001,
            Band::OnePercent => (0.004..=0.025).contains(&share),
            Band::Common => share > 0.10,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Rare => "≤0.1%",
            Band::OnePercent => "~1%",
            Band::Common => ">10%",
        }
    }
}

/// One benchmark query, described so that any engine can run it: every word must occur (in the
/// title, summary, description or submitter), the phrase as adjacent words, filters combine,
/// and only what members see counts (published, not expired at the corpus's `now`).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchQuery {
    pub class: QueryClass,
    /// The band of the text's selectivity, when the query has text chosen by rank.
    pub band: Option<Band>,
    /// Words that must all occur (lowercase ASCII, as in the vocabulary).
    pub words: Vec<String>,
    /// Two words that must occur next to each other, in this order.
    pub phrase: Option<(String, String)>,
    pub kind: Option<Kind>,
    /// An ISO alpha-3 code: the country, its regions and global submissions cover it.
    pub country: Option<&'static str>,
    pub area: Option<Area>,
    pub min_usd: Option<f64>,
    pub max_usd: Option<f64>,
    /// Relevance, or newest first.
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// For matching: the position (from 0) in the corpus of the need to match.
    pub need: Option<usize>,
}

impl BenchQuery {
    fn new(class: QueryClass) -> BenchQuery {
        BenchQuery {
            class,
            band: None,
            words: Vec::new(),
            phrase: None,
            kind: None,
            country: None,
            area: None,
            min_usd: None,
            max_usd: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
            need: None,
        }
    }

    /// The portal's request for it (matching queries use [`portal_search::catalogue::Catalogue::matches`]
    /// with the need's id instead).
    pub fn request(&self) -> SearchRequest {
        let mut text = self.words.join(" ");
        if let Some((a, b)) = &self.phrase {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!("\"{a} {b}\""));
        }
        SearchRequest {
            text,
            filters: Filters {
                kinds: self.kind.into_iter().collect(),
                places: self.country.and_then(Place::parse).into_iter().collect(),
                areas: self.area.into_iter().collect(),
                min_usd: self.min_usd,
                max_usd: self.max_usd,
                ..Filters::default()
            },
            sort: self.sort,
            offset: self.offset,
            limit: self.limit,
            ..SearchRequest::default()
        }
    }

    /// One line for tables and logs, e.g. `phrase "risk education"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.words.is_empty() {
            parts.push(self.words.join(" "));
        }
        if let Some((a, b)) = &self.phrase {
            parts.push(format!("\"{a} {b}\""));
        }
        if let Some(kind) = self.kind {
            parts.push(format!("kind={kind:?}"));
        }
        if let Some(country) = self.country {
            parts.push(format!("country={country}"));
        }
        if let Some(area) = self.area {
            parts.push(format!("area={area:?}"));
        }
        if self.min_usd.is_some() || self.max_usd.is_some() {
            parts.push(format!(
                "usd={}..{}",
                self.min_usd.unwrap_or(0.0),
                self.max_usd.unwrap_or(f64::INFINITY)
            ));
        }
        if self.sort == Sort::Newest {
            parts.push("newest".into());
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        if let Some(need) = self.need {
            parts.push(format!("need #{need}"));
        }
        format!("{}: {}", self.class.label(), parts.join(", "))
    }
}

/// The vocabulary ranks (from 0) each band's words are taken from; at ~95 words per submission,
/// a word at rank r occurs in about 1 - exp(-6/r) of them.
fn band_ranks(band: Band) -> std::ops::Range<usize> {
    match band {
        Band::Rare => 12_000..40_000,
        Band::OnePercent => 400..1_200,
        Band::Common => 5..60,
    }
}

/// The bigram ranks phrase queries are taken from, per band.
fn phrase_ranks(band: Band) -> std::ops::Range<usize> {
    match band {
        Band::Rare => 2_000..6_000,
        Band::OnePercent => 100..400,
        Band::Common => 0..30,
    }
}

/// How many submissions at the start of the corpus the queries are checked against (their
/// words' shares there) and the matching queries pick their needs from; a prefix of every corpus
/// from 10k up.
const SAMPLE: usize = 4_000;

/// The share of the sample a candidate must match to represent its band: narrower than the
/// band itself, so that the band holds at every size.
fn sample_holds(band: Band, matched: usize) -> bool {
    let share = matched as f64 / SAMPLE as f64;
    match band {
        Band::Rare => (1..=2).contains(&matched),
        Band::OnePercent => (0.006..=0.016).contains(&share),
        Band::Common => share > 0.15,
    }
}

/// How many published submissions of the sample hold each stem, and each pair of adjacent
/// stems, as the portal's analyzer makes them.
struct SampleCounts {
    stems: HashMap<String, usize>,
    pairs: HashMap<(String, String), usize>,
}

impl SampleCounts {
    fn new(sample: &[Submission]) -> SampleCounts {
        let mut analyzer = portal_search::index::analyzer();
        let mut stems = HashMap::new();
        let mut pairs = HashMap::new();
        for submission in sample.iter().filter(|s| s.status == Status::Published) {
            let mut seen = HashSet::new();
            let mut seen_pairs = HashSet::new();
            for text in [
                &submission.title,
                &submission.summary,
                &submission.description,
                &submission.submitter.organisation,
            ] {
                let mut stream = analyzer.token_stream(text);
                let mut previous: Option<String> = None;
                while let Some(token) = stream.next() {
                    let stem = token.text.clone();
                    if let Some(previous) = previous.take() {
                        seen_pairs.insert((previous, stem.clone()));
                    }
                    seen.insert(stem.clone());
                    previous = Some(stem);
                }
            }
            for stem in seen {
                *stems.entry(stem).or_insert(0) += 1;
            }
            for pair in seen_pairs {
                *pairs.entry(pair).or_insert(0) += 1;
            }
        }
        SampleCounts { stems, pairs }
    }

    fn stem(word: &str) -> String {
        let mut analyzer = portal_search::index::analyzer();
        let mut stream = analyzer.token_stream(word);
        stream.next().map(|t| t.text.clone()).unwrap_or_default()
    }

    fn word(&self, word: &str) -> usize {
        self.stems.get(&Self::stem(word)).copied().unwrap_or(0)
    }

    fn phrase(&self, a: &str, b: &str) -> usize {
        self.pairs
            .get(&(Self::stem(a), Self::stem(b)))
            .copied()
            .unwrap_or(0)
    }
}

/// Countries the filtered queries use, the most affected first.
const FILTER_COUNTRIES: &[&str] = &[
    "LAO", "IRQ", "UKR", "LBN", "VNM", "KHM", "AFG", "SYR", "YEM", "BIH", "SOM", "SSD", "TCD",
    "COL", "SDN",
];

/// USD ranges the filtered queries use.
const USD_RANGES: &[(f64, f64)] = &[
    (100_000.0, 5_000_000.0),
    (50_000.0, 500_000.0),
    (250_000.0, 2_000_000.0),
    (1_000_000.0, 20_000_000.0),
];

/// The benchmark queries (over 200, all distinct: 226 for seed 1), deterministic for the corpus
/// `seed`.
///
/// Words come from the vocabulary ranks of their band, in rank order, keeping those whose share
/// of the first [`SAMPLE`] submissions is well inside the band: a word's share is that of its
/// stem, which other words of the vocabulary may share ("proposed", "proposal"), and words of
/// the demo notice and of submitters' names are in records regardless of rank. Phrases likewise
/// from the bigram ranks. Matching needs come from the same sample.
pub fn queries(seed: u64, now: DateTime<Utc>) -> Vec<BenchQuery> {
    let sample: Vec<Submission> = generate(&CorpusOptions {
        size: SAMPLE,
        seed,
        now,
    })
    .collect();
    let excluded = excluded_words(&sample);
    let counts = SampleCounts::new(&sample);
    let model = model();
    let pool = |band: Band| -> Vec<String> {
        let ranks = band_ranks(band);
        let step = if band == Band::Rare { 29 } else { 1 };
        ranks
            .step_by(step)
            .map(|r| model.words[r].to_string())
            .filter(|w| w.len() > 2 && !excluded.contains(w))
            .filter(|w| sample_holds(band, counts.word(w)))
            .collect()
    };
    let pools: Vec<(Band, Vec<String>)> = Band::ALL.iter().map(|&b| (b, pool(b))).collect();
    // Each class takes its words from its own stride through the pools, so classes differ.
    let mut taken = 0usize;
    let mut words_for = |band: Band, count: usize| -> Vec<String> {
        // `pools` follows `Band::ALL`, whose order is the declaration order.
        let pool = &pools[band as usize].1;
        let start = taken;
        taken += count;
        (0..count)
            .map(|i| pool[(start + i) % pool.len()].clone())
            .collect()
    };

    let mut queries = Vec::new();
    let mut with_words =
        |class: QueryClass, band: Band, count: usize, out: &mut Vec<BenchQuery>| {
            for word in words_for(band, count) {
                let mut query = BenchQuery::new(class);
                query.band = Some(band);
                query.words = vec![word];
                out.push(query);
            }
        };
    for band in Band::ALL {
        with_words(QueryClass::Keyword, band, 12, &mut queries);
        with_words(QueryClass::ByDate, band, 10, &mut queries);
        with_words(QueryClass::WholePage, band, 10, &mut queries);
    }
    for query in queries.iter_mut().filter(|q| q.class == QueryClass::ByDate) {
        query.sort = Sort::Newest;
    }
    // Filtered: a word of about 1% or over 10%, a country, an area and a USD range.
    let mut filtered = Vec::new();
    with_words(QueryClass::Filtered, Band::OnePercent, 15, &mut filtered);
    with_words(QueryClass::Filtered, Band::Common, 15, &mut filtered);
    for (i, query) in filtered.iter_mut().enumerate() {
        query.country = Some(FILTER_COUNTRIES[i % FILTER_COUNTRIES.len()]);
        query.area = Some(Area::ALL[i % Area::ALL.len()]);
        let (min, max) = USD_RANGES[i % USD_RANGES.len()];
        query.min_usd = Some(min);
        query.max_usd = Some(max);
    }
    queries.extend(filtered);
    // Deep pages: browsing everything or one kind, and the commonest words.
    let mut deep = vec![BenchQuery::new(QueryClass::DeepPage)];
    for kind in [Kind::Need, Kind::Offer] {
        let mut query = BenchQuery::new(QueryClass::DeepPage);
        query.kind = Some(kind);
        deep.push(query);
    }
    for word in &pools[2].1[..17.min(pools[2].1.len())] {
        let mut query = BenchQuery::new(QueryClass::DeepPage);
        query.band = Some(Band::Common);
        query.words = vec![word.clone()];
        deep.push(query);
    }
    for query in &mut deep {
        query.offset = 1000;
    }
    queries.extend(deep);
    // Browse: each kind, alone and within each area.
    for kind in Kind::ALL {
        for area in std::iter::once(None).chain(Area::ALL.iter().copied().map(Some)) {
            let mut query = BenchQuery::new(QueryClass::Browse);
            query.kind = Some(*kind);
            query.area = area;
            queries.push(query);
        }
    }
    // Phrases: bigrams of each band whose words are not left out, spread over its ranks.
    for band in Band::ALL {
        let candidates: Vec<(&str, &str)> = phrase_ranks(band)
            .map(|rank| model.bigrams[rank])
            .filter(|(a, b)| !excluded.contains(*a) && !excluded.contains(*b))
            .filter(|(a, b)| sample_holds(band, counts.phrase(a, b)))
            .collect();
        let step = (candidates.len() / 10).max(1);
        for &(a, b) in candidates.iter().step_by(step).take(10) {
            let mut query = BenchQuery::new(QueryClass::Phrase);
            query.band = Some(band);
            query.phrase = Some((a.to_string(), b.to_string()));
            queries.push(query);
        }
    }
    // Matching: published needs for a country, with an area, from the start of the corpus.
    let needs = sample
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.kind == Kind::Need && s.status == Status::Published && !s.beneficiaries.global
        })
        .map(|(i, _)| i)
        .take(30);
    for need in needs {
        let mut query = BenchQuery::new(QueryClass::Matching);
        query.need = Some(need);
        query.limit = 10;
        queries.push(query);
    }
    queries
}

/// Words whose share does not follow their rank: those of the demo notice and title prefix
/// (in every record) and of submitters' names (in every record of that submitter).
fn excluded_words(sample: &[Submission]) -> HashSet<String> {
    let mut text = format!("{DEMO_NOTICE} {DEMO_TITLE_PREFIX}");
    for submission in sample {
        text.push(' ');
        text.push_str(&submission.submitter.organisation);
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(size: usize, seed: u64) -> CorpusOptions {
        CorpusOptions {
            size,
            seed,
            now: default_now(),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_corpus_and_a_longer_run_starts_with_a_shorter_one() {
        let short: Vec<Submission> = generate(&options(300, 7)).collect();
        let long: Vec<Submission> = generate(&options(600, 7)).collect();
        assert_eq!(short[..], long[..300]);
        let other: Vec<Submission> = generate(&options(300, 8)).collect();
        assert_ne!(short, other);
    }

    #[test]
    fn the_vocabulary_is_large_ranked_and_without_duplicates() {
        let words = vocabulary();
        assert!((30_000..=50_000).contains(&words.len()), "{}", words.len());
        assert!(real_words() > 5_000 && real_words() < words.len());
        let unique: std::collections::HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), words.len());
        assert!(
            words
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        );
        assert_eq!(&words[..3], &["the", "and", "of"]);
        assert!(bigrams().len() > 1_000);
    }

    /// Occurrences of each vocabulary rank in the texts of `size` submissions.
    fn rank_counts(size: usize, seed: u64) -> Vec<u64> {
        let position: std::collections::HashMap<&str, usize> = vocabulary()
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i))
            .collect();
        let mut counts = vec![0u64; vocabulary().len()];
        for s in generate(&options(size, seed)) {
            let text = format!("{} {}", s.summary, s.description);
            for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
                if let Some(&rank) = position.get(word.to_ascii_lowercase().as_str()) {
                    counts[rank] += 1;
                }
            }
        }
        counts
    }

    #[test]
    fn word_frequencies_fall_with_rank_like_zipf() {
        let counts = rank_counts(3_000, 1);
        // Frequency times rank stays within a small factor of the same constant across three
        // orders of magnitude (ranks beyond the top few, where bigrams add to the counts).
        let bucket = |from: usize, to: usize| -> f64 {
            let sum: u64 = counts[from..to].iter().sum();
            sum as f64 / (to - from) as f64 * ((from + to) as f64 / 2.0)
        };
        let reference = bucket(100, 200);
        for (from, to) in [(1_000, 2_000), (10_000, 20_000)] {
            let ratio = bucket(from, to) / reference;
            assert!((0.5..2.0).contains(&ratio), "ranks {from}..{to}: {ratio}");
        }
        assert!(counts[0] > counts[100] * 50);
    }

    #[test]
    fn rank_shares_do_not_depend_on_the_size_or_seed() {
        let small = rank_counts(2_000, 1);
        let large = rank_counts(6_000, 2);
        for rank in [5, 50, 200] {
            let a = small[rank] as f64 / 2_000.0;
            let b = large[rank] as f64 / 6_000.0;
            assert!((a / b - 1.0).abs() < 0.35, "rank {rank}: {a} vs {b}");
        }
    }

    #[test]
    fn dates_spread_over_ten_years_and_published_ones_are_current() {
        let now = default_now();
        let mut oldest = now;
        for s in generate(&options(2_000, 3)) {
            let t = &s.timestamps;
            oldest = oldest.min(t.received_at);
            assert!(t.received_at <= now);
            if s.status == Status::Published {
                assert!(t.expires_at.is_some_and(|e| e > now));
                assert!(t.published_at.is_some_and(|p| p <= now));
            }
        }
        assert!(now - oldest > Duration::days(9 * 365));
    }

    #[test]
    fn there_are_over_200_distinct_queries_in_every_class() {
        let queries = queries(1, default_now());
        assert!(queries.len() >= 200, "{}", queries.len());
        for class in QueryClass::ALL {
            assert!(
                queries.iter().filter(|q| q.class == class).count() >= 20,
                "{class:?}"
            );
        }
        let mut seen: Vec<String> = queries.iter().map(BenchQuery::describe).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), queries.len());
    }

    /// The stemmed tokens of what the portal searches, as its analyzer makes them.
    fn tokens(analyzer: &mut tantivy::tokenizer::TextAnalyzer, s: &Submission) -> Vec<String> {
        let mut out = Vec::new();
        for text in [
            &s.title,
            &s.summary,
            &s.description,
            &s.submitter.organisation,
        ] {
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                out.push(token.text.clone());
            }
            out.push(String::new()); // No phrase spans two fields.
        }
        out
    }

    fn stem(analyzer: &mut tantivy::tokenizer::TextAnalyzer, word: &str) -> String {
        let mut stream = analyzer.token_stream(word);
        stream.next().map(|t| t.text.clone()).unwrap_or_default()
    }

    #[test]
    fn queries_hit_their_selectivity_bands_at_10k() {
        let size = 10_000;
        let now = default_now();
        let mut analyzer = portal_search::index::analyzer();
        let docs: Vec<Vec<String>> = generate(&options(size, 1))
            .filter(|s| s.status == Status::Published)
            .map(|s| tokens(&mut analyzer, &s))
            .collect();
        let mut wrong = Vec::new();
        for query in queries(1, now).iter().filter(|q| q.band.is_some()) {
            let matched = if let Some((a, b)) = &query.phrase {
                let (a, b) = (stem(&mut analyzer, a), stem(&mut analyzer, b));
                docs.iter()
                    .filter(|d| d.windows(2).any(|w| w[0] == a && w[1] == b))
                    .count()
            } else {
                let stems: Vec<String> =
                    query.words.iter().map(|w| stem(&mut analyzer, w)).collect();
                docs.iter()
                    .filter(|d| stems.iter().all(|s| d.contains(s)))
                    .count()
            };
            let band = query.band.unwrap_or(Band::Common);
            if !band.holds(matched as u64, size as u64) {
                wrong.push(format!("{} matched {matched}", query.describe()));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} outside their band: {wrong:#?}",
            wrong.len()
        );
    }
}
