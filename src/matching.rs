//! Matching: for a need, the offers and funding sources that fit it; for an offer or a funding
//! source, the needs it could serve. Each match says why it matched.
//!
//! A fit shares an area of work, covers the need's place (the country itself, a region that
//! holds it, or everywhere), and has a compatible amount. Among fits, the ones whose texts
//! match best come first. Only what members may see is ever matched.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::codes;
use crate::index::table::{SegmentTable, VisibleAt};
use crate::index::{self, GLOBAL_PLACE, SearchIndex};
use crate::search::{self, Place, Result};
use crate::store::Store;
use crate::submission::{Area, Kind, Submission, Vocabulary};

/// An offer worth at least this share of a need's amount is a meaningful contribution.
pub const SMALLEST_USEFUL_SHARE: f64 = 0.1;
/// How many words of the submission's own text are used to rank its matches.
const RANKING_WORDS: usize = 40;

/// One match and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub submission: Submission,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// The submissions that fit `subject`, best first, at most `limit`.
///
/// The index's terms find the counterparts of the right kinds, areas of work and places, and
/// the subject's words rank them; visibility and amount, which would take range queries over
/// the whole index, are read from the value table for each document the ranking meets. Only
/// documents that could still enter the best are scored (tantivy's pruning).
pub fn matches(
    index: &SearchIndex,
    store: &Store,
    subject: &Submission,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Match>> {
    let words = significant_words(subject);
    let Some(query) = counterpart_query(index.fields(), subject, &words) else {
        return Ok(Vec::new());
    };
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    // One more, in case the subject itself comes back.
    let fit = RowFit::of(subject, now);
    let best = best_fits(&searcher, &tables, &query, &fit, limit + 1)?;
    let snapshot = store.read()?;
    let mut found = Vec::new();
    for (score, address) in best {
        let serial = tables[address.segment_ord as usize].serials[address.doc_id as usize];
        let id = match index::id_of_serial(serial) {
            Some(id) => id,
            None => {
                let doc: TantivyDocument = searcher.doc(address)?;
                match doc.get_first(index.fields().id).and_then(|v| v.as_str()) {
                    Some(id) => id.to_string(),
                    None => continue,
                }
            }
        };
        if id == subject.id {
            continue;
        }
        if let Some(candidate) = snapshot.get(&id)? {
            let reasons = reasons(subject, &candidate, &words);
            found.push(Match {
                submission: candidate,
                score,
                reasons,
            });
        }
    }
    found.truncate(limit);
    Ok(found)
}

/// The documents of `subject`'s counterpart kinds that share an area of work with it and carry
/// a place that fits, ranked by `words`; `None` when nothing can fit (a project, or no area of
/// work).
fn counterpart_query(
    fields: &index::Fields,
    subject: &Submission,
    words: &[String],
) -> Option<BooleanQuery> {
    let counterpart_kinds: &[Kind] = match subject.kind {
        Kind::Need => &[Kind::Offer, Kind::FundingSource],
        Kind::Offer | Kind::FundingSource => &[Kind::Need],
        Kind::Project => return None,
    };
    if subject.areas.is_empty() {
        return None;
    }
    let mut filters = vec![
        search::any_term(
            fields.kind,
            counterpart_kinds.iter().map(|k| k.ordinal()).collect(),
        ),
        search::any_term(
            fields.area,
            subject.areas.iter().map(|a| a.ordinal()).collect(),
        ),
    ];
    let places = counterpart_places(subject);
    if !places.is_empty() {
        filters.push(search::any_term(fields.place, places));
    }
    let filters = filters.into_iter().map(|filter| {
        let unscored = ConstScoreQuery::new(filter, 0.0);
        (Occur::Must, Box::new(unscored) as Box<dyn Query>)
    });
    let ranking = words.iter().map(|word| {
        let term = Term::from_field_text(fields.text, word);
        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
        (Occur::Should, Box::new(query) as Box<dyn Query>)
    });
    Some(BooleanQuery::new(filters.chain(ranking).collect()))
}

/// What a counterpart must also be, read from its row in the value table: visible to members
/// now, and naming an amount compatible with the subject's, or none.
#[derive(Debug, Clone, Copy)]
struct RowFit {
    visible: VisibleAt,
    /// The amounts in USD (inclusive) a counterpart naming one must stay within.
    usd: (f64, f64),
}

impl RowFit {
    fn of(subject: &Submission, now: DateTime<Utc>) -> RowFit {
        // An offer must be worth a tenth of a need; a need may ask ten times an offer.
        let usd = match subject.usd().filter(|usd| *usd > 0.0) {
            None => (f64::NEG_INFINITY, f64::INFINITY),
            Some(usd) if subject.kind == Kind::Need => (usd * SMALLEST_USEFUL_SHARE, f64::INFINITY),
            Some(usd) => (f64::NEG_INFINITY, usd / SMALLEST_USEFUL_SHARE),
        };
        RowFit {
            visible: VisibleAt::new(now),
            usd,
        }
    }

    /// Whether document `doc` of `table` fits.
    fn admits(&self, table: &SegmentTable, doc: usize) -> bool {
        let Some(row) = table.rows.get(doc) else {
            return false;
        };
        let usd = table.usd[doc];
        self.visible.sees(row) && (usd.is_nan() || (usd >= self.usd.0 && usd <= self.usd.1))
    }
}

/// The `want` best documents `query` matches that `fit` admits, by score, best first; ties go
/// to the earlier document.
fn best_fits(
    searcher: &Searcher,
    tables: &[Arc<SegmentTable>],
    query: &dyn Query,
    fit: &RowFit,
    want: usize,
) -> Result<Vec<(Score, DocAddress)>> {
    if want == 0 {
        return Ok(Vec::new());
    }
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    // A min-heap of the best so far: the worst on top.
    let mut best: BinaryHeap<Reverse<(Ranked, Reverse<DocAddress>)>> = BinaryHeap::new();
    // Below this, a document cannot enter the best any more.
    let threshold = |best: &BinaryHeap<Reverse<(Ranked, Reverse<DocAddress>)>>| match best.peek() {
        Some(Reverse((Ranked(worst), _))) if best.len() == want => *worst,
        _ => Score::MIN,
    };
    for (ord, (segment, table)) in searcher.segment_readers().iter().zip(tables).enumerate() {
        let alive = segment.alive_bitset();
        weight.for_each_pruning(threshold(&best), segment, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) && fit.admits(table, doc as usize) {
                let address = DocAddress::new(ord as u32, doc);
                let candidate = Reverse((Ranked(score), Reverse(address)));
                if best.len() < want {
                    best.push(candidate);
                } else if let Some(mut worst) = best.peek_mut()
                    && candidate < *worst
                {
                    *worst = candidate;
                }
            }
            threshold(&best)
        })?;
    }
    Ok(best
        .into_sorted_vec()
        .into_iter()
        .map(|Reverse((Ranked(score), Reverse(address)))| (score, address))
        .collect())
}

/// A score, ordered (scores are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked(Score);

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The filters of [`matches`] for one need, without the ranking, computed in memory: for
/// counting matches over the whole catalogue (statistics, country pages) with one read of the
/// store instead of one index query per need. Visibility is the caller's business; kinds and
/// areas are checked by [`NeedFit::fits`].
#[derive(Debug, Clone)]
pub struct NeedFit {
    areas: Vec<Area>,
    /// The `place` values (sorted) a counterpart must carry one of; `None` when the need is
    /// global.
    places: Option<Vec<u64>>,
    /// The smallest amount a counterpart naming one must name.
    smallest_usd: Option<f64>,
}

/// An offer or funding source, with its `place` values worked out once for many needs.
#[derive(Debug, Clone)]
pub struct Counterpart<'a> {
    pub submission: &'a Submission,
    places: Vec<u64>,
}

impl<'a> Counterpart<'a> {
    pub fn new(submission: &'a Submission) -> Counterpart<'a> {
        Counterpart {
            submission,
            places: index::places(submission),
        }
    }
}

impl NeedFit {
    /// The test for `need` (a need; anything else fits nothing).
    pub fn new(need: &Submission) -> NeedFit {
        let areas = if need.kind == Kind::Need {
            need.areas.clone()
        } else {
            Vec::new()
        };
        NeedFit::of_values(areas, &index::places(need), need.usd())
    }

    /// The test for a need with these areas of work, `place` values (as the index holds them:
    /// [`index::places`]) and amount in USD.
    pub fn of_values(areas: Vec<Area>, places: &[u64], usd: Option<f64>) -> NeedFit {
        let places = wanted_places(places);
        NeedFit {
            areas,
            places: (!places.is_empty()).then_some(places),
            smallest_usd: usd
                .filter(|usd| *usd > 0.0)
                .map(|usd| usd * SMALLEST_USEFUL_SHARE),
        }
    }

    /// The need's areas of work (none when it is not a need).
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The `place` values (sorted) a counterpart must carry one of; `None` when any place fits.
    pub fn places(&self) -> Option<&[u64]> {
        self.places.as_deref()
    }

    /// The smallest amount in USD a counterpart naming one must name.
    pub fn smallest_usd(&self) -> Option<f64> {
        self.smallest_usd
    }

    /// Whether `candidate`, an offer or a funding source, fits the need as [`matches`] would
    /// find it (sharing at least one area of work).
    pub fn fits(&self, candidate: &Counterpart) -> bool {
        self.areas.iter().any(|a| self.fits_in(*a, candidate))
    }

    /// Whether `candidate` fits the need through `area`: both name it, and place and amount fit.
    pub fn fits_in(&self, area: Area, candidate: &Counterpart) -> bool {
        let submission = candidate.submission;
        matches!(submission.kind, Kind::Offer | Kind::FundingSource)
            && self.areas.contains(&area)
            && submission.areas.contains(&area)
            && self.place_and_amount_fit(candidate)
    }

    fn place_and_amount_fit(&self, candidate: &Counterpart) -> bool {
        let place_fits = match &self.places {
            None => true,
            Some(wanted) => candidate
                .places
                .iter()
                .any(|p| wanted.binary_search(p).is_ok()),
        };
        let amount_fits = match (self.smallest_usd, candidate.submission.usd()) {
            (Some(smallest), Some(offered)) => offered >= smallest,
            _ => true,
        };
        place_fits && amount_fits
    }
}

/// Every offer and funding source of a set in sum, by area of work and `place` value: enough
/// to tell whether any of them fits a need (as [`NeedFit::fits_in`] would find one) without
/// trying them one by one, however many there are.
#[derive(Debug, Clone)]
pub struct Offered {
    /// By area ordinal: what the counterparts carrying each `place` value offer.
    by_place: Vec<HashMap<u64, Reach>>,
    /// By area ordinal: what every counterpart naming the area offers (for global needs).
    anywhere: Vec<Option<Reach>>,
}

/// What some counterparts offer: whether one of them names no amount, and the largest amount
/// named (in USD).
#[derive(Debug, Clone, Copy)]
struct Reach {
    open: bool,
    largest_usd: f64,
}

impl Reach {
    const NONE: Reach = Reach {
        open: false,
        largest_usd: f64::NEG_INFINITY,
    };

    fn with(self, usd: Option<f64>) -> Reach {
        match usd {
            None => Reach { open: true, ..self },
            Some(usd) => Reach {
                largest_usd: self.largest_usd.max(usd),
                ..self
            },
        }
    }

    /// Whether one of the counterparts fits a need whose smallest useful amount is `smallest`.
    fn enough_for(self, smallest: Option<f64>) -> bool {
        smallest.is_none_or(|smallest| self.open || self.largest_usd >= smallest)
    }
}

impl Default for Offered {
    fn default() -> Offered {
        Offered {
            by_place: vec![HashMap::new(); Area::ALL.len()],
            anywhere: vec![None; Area::ALL.len()],
        }
    }
}

impl Offered {
    /// Adds an offer or a funding source naming `areas`, carrying `places` (as the index holds
    /// them: [`index::places`]) and offering `usd`.
    pub fn add(&mut self, areas: &[Area], places: &[u64], usd: Option<f64>) {
        for area in areas {
            let a = area.ordinal() as usize;
            let anywhere = &mut self.anywhere[a];
            *anywhere = Some(anywhere.unwrap_or(Reach::NONE).with(usd));
            for place in places {
                let reach = self.by_place[a].entry(*place).or_insert(Reach::NONE);
                *reach = reach.with(usd);
            }
        }
    }

    /// Whether one of the counterparts added fits `need` through `area`.
    pub fn fits_in(&self, need: &NeedFit, area: Area) -> bool {
        if !need.areas.contains(&area) {
            return false;
        }
        let a = area.ordinal() as usize;
        let enough = |reach: Option<&Reach>| reach.is_some_and(|r| r.enough_for(need.smallest_usd));
        match &need.places {
            None => enough(self.anywhere[a].as_ref()),
            Some(wanted) => wanted.iter().any(|w| enough(self.by_place[a].get(w))),
        }
    }
}

/// The `place` values a counterpart may carry to fit `subject`; empty when any will do.
pub fn counterpart_places(subject: &Submission) -> Vec<u64> {
    let beneficiaries = &subject.beneficiaries;
    match subject.kind {
        // An offer fits a need when it covers one of the need's places.
        Kind::Need => wanted_places(&index::places(subject)),
        // A need fits an offer when its places lie within the offer's coverage.
        _ => {
            if beneficiaries.global {
                return Vec::new();
            }
            let mut values: Vec<u64> = index::places(subject)
                .into_iter()
                .filter(|v| *v != GLOBAL_PLACE)
                .collect();
            for region in &beneficiaries.regions {
                if let Some(Place::Region(region)) = Place::parse(region) {
                    values.extend(
                        codes::countries_in_region(region.code)
                            .into_iter()
                            .filter_map(|c| codes::country_ordinal(c.alpha3)),
                    );
                    for inside in codes::region_descendants(region.code) {
                        values.extend(index::region_place(inside.code));
                    }
                }
            }
            values
        }
    }
}

/// The `place` values an offer or a funding source may carry to fit a need carrying `places`
/// (its own values, as the index holds them): a value covering one of them, or everywhere.
/// Empty for a global need, which any place fits. Sorted.
fn wanted_places(places: &[u64]) -> Vec<u64> {
    if places.contains(&GLOBAL_PLACE) {
        return Vec::new();
    }
    let mut values: Vec<u64> = places
        .iter()
        .filter_map(|place| COVERING.get(place))
        .flatten()
        .copied()
        .collect();
    values.push(GLOBAL_PLACE);
    values.sort_unstable();
    values.dedup();
    values
}

/// For the `place` value of each country and region, the values covering it
/// ([`Place::covering_values`]), worked out once.
static COVERING: LazyLock<HashMap<u64, Vec<u64>>> = LazyLock::new(|| {
    let countries = codes::countries().iter().map(Place::Country);
    let regions = codes::regions().iter().map(Place::Region);
    countries
        .chain(regions)
        .filter_map(|place| Some((place.value()?, place.covering_values())))
        .collect()
});

/// The stemmed words of the subject's title and summary, without the most common ones.
fn significant_words(subject: &Submission) -> Vec<String> {
    words_with_originals(subject)
        .into_iter()
        .map(|(stem, _)| stem)
        .collect()
}

/// Each significant stem with the word as first written (`submunit` → `submunitions`), so
/// reasons show people words, not stems.
pub fn words_with_originals(subject: &Submission) -> Vec<(String, String)> {
    let mut analyzer = index::analyzer();
    let text = format!("{} {}", subject.title, subject.summary);
    let mut stream = analyzer.token_stream(&text);
    let mut words: Vec<(String, String)> = Vec::new();
    while let Some(token) = stream.next() {
        let stem = &token.text;
        if stem.len() > 2
            && !STOP_WORDS.contains(&stem.as_str())
            && !words.iter().any(|(s, _)| s == stem)
        {
            let original = text
                .get(token.offset_from..token.offset_to)
                .unwrap_or(stem)
                .to_lowercase();
            words.push((stem.clone(), original));
        }
        if words.len() >= RANKING_WORDS {
            break;
        }
    }
    words.sort();
    words
}

/// Words too common in this field to say anything about a match (stemmed forms).
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "this", "that", "are", "will", "its", "their", "our",
    "into", "over", "under", "all", "demo", "support", "project", "programm", "provid",
];

/// Why `candidate` fits `subject`, in words a user understands.
fn reasons(subject: &Submission, candidate: &Submission, words: &[String]) -> Vec<String> {
    let mut reasons = Vec::new();
    let shared_areas: Vec<&str> = subject
        .areas
        .iter()
        .filter(|a| candidate.areas.contains(a))
        .map(|a| a.label())
        .collect();
    if !shared_areas.is_empty() {
        reasons.push(format!("Same area of work: {}", shared_areas.join(", ")));
    }
    let (need, offer) = if subject.kind == Kind::Need {
        (subject, candidate)
    } else {
        (candidate, subject)
    };
    reasons.push(coverage_reason(need, offer));
    reasons.push(amount_reason(need, offer));
    let candidate_words = words_with_originals(candidate);
    let shared: Vec<&str> = candidate_words
        .iter()
        .filter(|(stem, _)| words.contains(stem))
        .map(|(_, original)| original.as_str())
        .take(6)
        .collect();
    if !shared.is_empty() {
        reasons.push(format!("Shared terms: {}", shared.join(", ")));
    }
    reasons
}

/// What the two amounts say, as true of both sides: each side's amount, or that it names none.
fn amount_reason(need: &Submission, offer: &Submission) -> String {
    let offer_kind = offer.kind.label().to_lowercase();
    match (need.usd(), offer.usd()) {
        (Some(asked), Some(offered)) => format!(
            "Amount: the need asks for {}, the {offer_kind} names {}",
            usd_text(asked),
            usd_text(offered)
        ),
        (Some(asked), None) => format!(
            "Amount: the need asks for {}; the {offer_kind} names no amount",
            usd_text(asked)
        ),
        (None, Some(offered)) => format!(
            "Amount: the need names no amount; the {offer_kind} names {}",
            usd_text(offered)
        ),
        (None, None) => "Amount: neither names one".to_string(),
    }
}

fn coverage_reason(need: &Submission, offer: &Submission) -> String {
    if offer.beneficiaries.global {
        return "Covers every country (global)".to_string();
    }
    let need_countries = &need.beneficiaries.countries;
    let direct: Vec<&str> = need_countries
        .iter()
        .filter(|c| offer.beneficiaries.countries.contains(c))
        .map(|c| country_name(c))
        .collect();
    if !direct.is_empty() {
        return format!("Covers {}", direct.join(", "));
    }
    for region in &offer.beneficiaries.regions {
        if let Some(Place::Region(region)) = Place::parse(region) {
            let inside: Vec<&str> = need_countries
                .iter()
                .filter(|c| {
                    codes::countries_in_region(region.code)
                        .iter()
                        .any(|x| x.alpha3 == String::as_str(c))
                })
                .map(|c| country_name(c))
                .collect();
            if !inside.is_empty() {
                return format!(
                    "Covers {} through the region {}",
                    inside.join(", "),
                    region.name
                );
            }
            if need.beneficiaries.regions.iter().any(|r| r == region.code) {
                return format!("Covers the region {}", region.name);
            }
        }
    }
    "Covers the same region".to_string()
}

fn country_name(code: &str) -> &str {
    codes::country(code).map_or(code, |c| c.name)
}

/// An amount in USD, in words: `USD 1.2 million`, `USD 850,000`.
pub fn usd_text(usd: f64) -> String {
    if usd >= 1_000_000.0 {
        // In whole tenths of a million, halves up: a float written to one decimal place takes
        // the slow, exact way (and rounds 1.15 down, as the float is just below it), and a
        // results page writes an amount for every hit.
        let tenths = (usd / 100_000.0).round() as u64;
        format!("USD {}.{} million", tenths / 10, tenths % 10)
    } else {
        format!("USD {}", thousands(usd.round() as u64))
    }
}

/// A submission's amount in its own currency and in USD: `EUR 850,000 (USD 998,750)`, or
/// "No amount stated".
pub fn amount_text(s: &Submission) -> String {
    match &s.funding {
        Some(f) if f.currency == "USD" => usd_text(f.usd),
        Some(f) => format!(
            "{} {} ({})",
            f.currency,
            thousands(f.amount.round() as u64),
            usd_text(f.usd)
        ),
        None => "No amount stated".to_string(),
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    // The digits, last first, without a string of their own: a results page writes dozens.
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(len + len / 3);
    for place in (0..len).rev() {
        out.push(char::from(digits[place]));
        if place > 0 && place.is_multiple_of(3) {
            out.push(',');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{thousands, usd_text};

    #[test]
    fn millions_are_written_to_the_nearest_tenth_halves_up() {
        for (usd, text) in [
            (999_999.0, "USD 999,999"),
            (1_000_000.0, "USD 1.0 million"),
            (1_150_000.0, "USD 1.2 million"),
            (1_250_000.0, "USD 1.3 million"),
            (1_249_999.0, "USD 1.2 million"),
            (9_950_000.0, "USD 10.0 million"),
            (12_345_678.0, "USD 12.3 million"),
        ] {
            assert_eq!(usd_text(usd), text);
        }
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (123_456, "123,456"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }
}
