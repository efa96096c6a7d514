//! One pass over the documents that match the keywords: visibility, filters, facet counts,
//! the total and the best hits of the page, all from the in-memory rows of `index::table`.
//!
//! Facets follow the usual "multi-select" rule: a dimension with an active filter is counted
//! as if its own filter were off (so its counts say what choosing another value would give),
//! every other dimension over the hits. A document that fails exactly one dimension's filter
//! therefore counts in that dimension only; one that fails none counts everywhere and is a hit.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Executor, Score, Searcher, SegmentReader};

use super::{Audience, Coverage, Facets, Filters, FundingBand, Place, Sort};
use crate::index::table::{NEVER, NO_EXPIRY, Row, SegmentTable, VisibleAt, row_time};
use crate::index::{GLOBAL_PLACE, REGION_BASE};
use portal_domain::codes;
use portal_domain::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};

/// Filter dimensions, as bit positions in a document's set of failed filters.
const KIND: u8 = 1 << 0;
const PLACE: u8 = 1 << 1;
const AREA: u8 = 1 << 2;
const ASSISTANCE: u8 = 1 << 3;
const SUBMITTER_TYPE: u8 = 1 << 4;
const FUNDING: u8 = 1 << 5;

/// A search's conditions, compiled for checking rows.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Members: only what they may see.
    visible: Option<VisibleAt>,
    /// `(after, until]`: the "expiring within N days" filter.
    expires_within: Option<(u32, u32)>,
    /// `[from, until]`: the "renewed within N days" filter.
    renewed_within: Option<(u32, u32)>,
    kinds: u8,
    /// One bit per place value; empty when there is no place filter.
    places: Vec<u64>,
    areas: u8,
    assistance: u8,
    submitter_types: u8,
    usd: Option<(f64, f64)>,
    /// Which dimensions have a filter.
    active: u8,
    ranking: Ranking,
    /// Whether to count the facets (a page of ids or an export needs none).
    facets: bool,
    /// How many things the keywords ask for (0 without keywords): a hit's score says how many
    /// it has ([`super::PRESENCE`] each), and those with more come first in every order.
    concepts: u32,
}

/// What orders the hits; the greater key first, ties broken by the smaller serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    Score,
    Newest,
    ExpiringSoonest,
    LargestAmount,
}

impl Ranking {
    pub fn new(sort: Sort, has_keywords: bool) -> Ranking {
        match sort {
            Sort::Relevance if has_keywords => Ranking::Score,
            Sort::Relevance | Sort::Newest => Ranking::Newest,
            Sort::ExpiringSoonest => Ranking::ExpiringSoonest,
            Sort::LargestAmount => Ranking::LargestAmount,
        }
    }

    /// The key of document `doc` (whose row is `row` and whose score is `score`); `tier`, how
    /// many of the keywords' concepts it has, goes before the order's own value.
    #[inline]
    fn key(self, table: &SegmentTable, doc: usize, row: &Row, score: Score, tier: u32) -> u64 {
        let tier = u64::from(tier.min(255));
        match self {
            Ranking::Score => u64::from(ordered_f32(score)),
            Ranking::Newest => (tier << 40) | u64::from(table.published[doc]),
            Ranking::ExpiringSoonest => (tier << 40) | u64::from(!row.expires),
            Ranking::LargestAmount => {
                let usd = table.usd[doc];
                // No amount sorts after every amount.
                let amount = if usd.is_nan() {
                    0
                } else {
                    (ordered_f64(usd) >> 8).max(1)
                };
                (tier << 56) | amount
            }
        }
    }
}

/// Order-preserving maps to unsigned integers.
fn ordered_f64(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn ordered_f32(value: f32) -> u32 {
    let bits = value.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | (1 << 31)
    }
}

impl Plan {
    pub fn new(
        filters: &Filters,
        audience: Audience,
        ranking: Ranking,
        now: DateTime<Utc>,
    ) -> Plan {
        let now_s = now.timestamp();
        let day = 86_400_i64;
        let mut places = Vec::new();
        let covered: Vec<u64> = filters
            .places
            .iter()
            .flat_map(Place::covering_values)
            .filter(|value| match filters.coverage {
                Coverage::Any => true,
                Coverage::Written => *value != GLOBAL_PLACE,
                Coverage::OpenToAll => *value == GLOBAL_PLACE,
            })
            .collect();
        if !covered.is_empty() {
            places = vec![0u64; (GLOBAL_PLACE as usize) / 64 + 1];
            for value in covered {
                if let Some(word) = places.get_mut(value as usize / 64) {
                    *word |= 1 << (value % 64);
                }
            }
        }
        let usd = match (filters.min_usd, filters.max_usd) {
            (None, None) => None,
            (min, max) => Some((
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            )),
        };
        let mut plan = Plan {
            visible: (audience == Audience::Members).then_some(VisibleAt::new(now)),
            expires_within: filters
                .expiring_within_days
                .map(|n| (row_time(now_s), row_time(now_s + i64::from(n) * day))),
            renewed_within: filters
                .renewed_within_days
                .map(|n| (row_time(now_s - i64::from(n) * day), row_time(now_s))),
            kinds: mask(&filters.kinds),
            places,
            areas: mask(&filters.areas),
            assistance: mask(&filters.assistance),
            submitter_types: mask(&filters.submitter_types),
            usd,
            active: 0,
            ranking,
            facets: true,
            concepts: 0,
        };
        for (dimension, on) in [
            (KIND, plan.kinds != 0),
            (PLACE, !plan.places.is_empty()),
            (AREA, plan.areas != 0),
            (ASSISTANCE, plan.assistance != 0),
            (SUBMITTER_TYPE, plan.submitter_types != 0),
            (FUNDING, plan.usd.is_some()),
        ] {
            if on {
                plan.active |= dimension;
            }
        }
        plan
    }

    /// The same plan without facet counts: only the total and the hits.
    /// Counts the hits that have all `concepts` things the keywords ask for, and ranks them
    /// first in every order.
    pub fn counting_concepts(mut self, concepts: usize) -> Plan {
        self.concepts = u32::try_from(concepts).unwrap_or(u32::MAX);
        self
    }

    pub fn without_facets(mut self) -> Plan {
        self.facets = false;
        self
    }

    /// Whether document `doc` (whose row is `row`) may be seen at all and passes the validity
    /// filters, which narrow every count.
    #[inline]
    fn admits(&self, table: &SegmentTable, doc: usize, row: &Row) -> bool {
        if let Some(visible) = self.visible
            && !visible.sees(row)
        {
            return false;
        }
        if let Some((after, until)) = self.expires_within
            && !(row.expires > after && row.expires <= until)
        {
            return false;
        }
        if let Some((from, until)) = self.renewed_within {
            let renewed = table.renewed[doc];
            if renewed == NEVER || renewed < from || renewed > until {
                return false;
            }
        }
        true
    }

    /// The dimensions whose filter document `doc` fails (`row` and `places` are its own).
    #[inline]
    fn failures(&self, table: &SegmentTable, doc: usize, row: &Row, places: &[u16]) -> u8 {
        if self.active == 0 {
            return 0;
        }
        let mut failed = 0;
        if self.kinds != 0 && !has_bit(self.kinds, row.kind) {
            failed |= KIND;
        }
        if self.areas != 0 && self.areas & row.areas == 0 {
            failed |= AREA;
        }
        if self.assistance != 0 && self.assistance & row.assistance == 0 {
            failed |= ASSISTANCE;
        }
        if self.submitter_types != 0 && !has_bit(self.submitter_types, row.submitter_type) {
            failed |= SUBMITTER_TYPE;
        }
        if let Some((min, max)) = self.usd {
            let usd = table.usd[doc];
            if !(usd >= min && usd <= max) {
                failed |= FUNDING;
            }
        }
        if !self.places.is_empty()
            && !places.iter().any(|p| {
                self.places
                    .get(usize::from(*p) / 64)
                    .is_some_and(|word| word & (1 << (p % 64)) != 0)
            })
        {
            failed |= PLACE;
        }
        failed
    }
}

fn mask<T: Vocabulary>(values: &[T]) -> u8 {
    values
        .iter()
        .map(|v| v.ordinal())
        .filter(|o| *o < 8)
        .fold(0, |acc, o| acc | (1 << o))
}

fn has_bit(mask: u8, ordinal: u8) -> bool {
    ordinal < 8 && mask & (1 << ordinal) != 0
}

/// Counts of values per dimension. Areas and kinds of assistance, of which a row may have
/// several, are counted by their set of bits (one increment per row) and spread over the
/// values at the end.
#[derive(Debug, Clone)]
pub struct FacetCounts {
    kind: [u64; 8],
    place: Vec<u64>,
    global: u64,
    area_sets: Box<[u64; 256]>,
    assistance_sets: Box<[u64; 256]>,
    submitter_type: [u64; 8],
    funding: [u64; 8],
}

impl FacetCounts {
    fn new() -> Self {
        FacetCounts {
            kind: [0; 8],
            place: vec![0; codes::countries().len()],
            global: 0,
            area_sets: Box::new([0; 256]),
            assistance_sets: Box::new([0; 256]),
            submitter_type: [0; 8],
            funding: [0; 8],
        }
    }

    /// Counts the row in the dimensions of `dimensions`.
    #[inline]
    fn count(&mut self, dimensions: u8, row: &Row, places: &[u16]) {
        if dimensions & KIND != 0 {
            bump(&mut self.kind, row.kind);
        }
        if dimensions & SUBMITTER_TYPE != 0 {
            bump(&mut self.submitter_type, row.submitter_type);
        }
        if dimensions & FUNDING != 0 {
            bump(&mut self.funding, row.band);
        }
        if dimensions & AREA != 0 {
            self.area_sets[usize::from(row.areas)] += 1;
        }
        if dimensions & ASSISTANCE != 0 {
            self.assistance_sets[usize::from(row.assistance)] += 1;
        }
        if dimensions & PLACE != 0 {
            for &place in places {
                if u64::from(place) == GLOBAL_PLACE {
                    self.global += 1;
                } else if u64::from(place) < REGION_BASE
                    && let Some(slot) = self.place.get_mut(usize::from(place))
                {
                    *slot += 1;
                }
            }
        }
    }

    fn add(&mut self, other: &FacetCounts) {
        fn sum(a: &mut [u64], b: &[u64]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        sum(&mut self.kind, &other.kind);
        sum(&mut self.place, &other.place);
        sum(&mut self.area_sets[..], &other.area_sets[..]);
        sum(&mut self.assistance_sets[..], &other.assistance_sets[..]);
        sum(&mut self.submitter_type, &other.submitter_type);
        sum(&mut self.funding, &other.funding);
        self.global += other.global;
    }

    pub fn into_facets(self) -> Facets {
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
            kind: pairs::<Kind>(&self.kind),
            country,
            global: self.global,
            area: pairs::<Area>(&spread(&self.area_sets)),
            assistance: pairs::<Assistance>(&spread(&self.assistance_sets)),
            submitter_type: pairs::<SubmitterType>(&self.submitter_type),
            funding: FundingBand::ALL
                .into_iter()
                .zip(self.funding.iter().copied())
                .collect(),
        }
    }
}

#[inline]
fn bump(counts: &mut [u64; 8], ordinal: u8) {
    if let Some(slot) = counts.get_mut(usize::from(ordinal)) {
        *slot += 1;
    }
}

/// Counts per set of bits to counts per bit.
fn spread(sets: &[u64; 256]) -> [u64; 8] {
    let mut counts = [0; 8];
    for (bits, n) in sets.iter().enumerate() {
        for (i, count) in counts.iter_mut().enumerate() {
            if bits & (1 << i) != 0 {
                *count += n;
            }
        }
    }
    counts
}

/// A candidate hit: greater `key` first, then smaller `serial`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    key: u64,
    serial: Reverse<u64>,
    segment: u32,
    doc: DocId,
}

/// The best `want` candidates seen so far.
#[derive(Debug)]
struct Best {
    want: usize,
    /// A min-heap: the worst kept candidate on top.
    heap: BinaryHeap<Reverse<Candidate>>,
}

impl Best {
    fn new(want: usize) -> Best {
        Best {
            want,
            heap: BinaryHeap::with_capacity(want.min(4096) + 1),
        }
    }

    /// Whether a candidate with `key` could enter (before its tie-break is read).
    #[inline]
    fn may_take(&self, key: u64) -> bool {
        self.heap.len() < self.want || self.heap.peek().is_some_and(|worst| key >= worst.0.key)
    }

    #[inline]
    fn offer(&mut self, candidate: Candidate) {
        if self.heap.len() < self.want {
            self.heap.push(Reverse(candidate));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && candidate > worst.0
        {
            *worst = Reverse(candidate);
        }
    }
}

/// One of the best hits.
#[derive(Debug, Clone, Copy)]
pub struct PageHit {
    /// 0 when not ranked by score.
    pub score: Score,
    pub address: DocAddress,
    /// Its `index::serial`, from which its id follows (`u64::MAX`: read it from the document).
    pub serial: u64,
}

/// What one pass yields.
#[derive(Debug)]
pub struct Page {
    /// How many documents pass every condition.
    pub total: u64,
    pub counts: FacetCounts,
    /// The best hits, best first.
    pub best: Vec<PageHit>,
    /// How many hits have every thing the keywords ask for (0 without keywords).
    pub complete: u64,
    /// The earliest expiry ([`row_time`]) among the documents the plan admitted: until then,
    /// with nothing written, the same search gives the same page.
    pub earliest_expiry: u32,
}

/// What one segment yields.
#[derive(Debug)]
pub struct SegmentPage {
    total: u64,
    complete: u64,
    counts: FacetCounts,
    best: Best,
    earliest_expiry: u32,
}

/// Runs a plan over the documents of a searcher's segments.
pub struct PageCollector {
    plan: Arc<Plan>,
    tables: Arc<[Arc<SegmentTable>]>,
    want: usize,
}

impl PageCollector {
    pub fn new(plan: Plan, tables: Vec<Arc<SegmentTable>>, want: usize) -> PageCollector {
        PageCollector {
            plan: Arc::new(plan),
            tables: tables.into(),
            want,
        }
    }

    /// Runs the plan over every live document `weight` matches; segments on `executor`.
    /// Ranked by score, tantivy's own loop scores each document (a loop here, scoring only
    /// the documents that pass the plan, was slower: it calls the scorer through a pointer);
    /// otherwise the documents come a block at a time, unscored.
    pub fn run(
        &self,
        searcher: &Searcher,
        weight: &dyn Weight,
        executor: &Executor,
    ) -> tantivy::Result<Page> {
        let segments = searcher.segment_readers();
        let fruits = map_segments(executor, segments, |ord, segment| {
            let mut collector = self.for_segment(ord, segment)?;
            let alive = segment.alive_bitset();
            if self.plan.ranking == Ranking::Score || self.plan.concepts > 0 {
                weight.for_each(segment, &mut |doc, score| {
                    if alive.is_none_or(|alive| alive.is_alive(doc)) {
                        collector.meet(doc, score);
                    }
                })?;
            } else {
                weight.for_each_no_score(segment, &mut |docs| {
                    for &doc in docs {
                        if alive.is_none_or(|alive| alive.is_alive(doc)) {
                            collector.meet(doc, 0.0);
                        }
                    }
                })?;
            }
            Ok(collector.harvest())
        })?;
        Ok(self.merge(fruits))
    }

    /// Runs the plan over every live document, for a search without keywords; segments on
    /// `executor`.
    pub fn scan(&self, searcher: &Searcher, executor: &Executor) -> tantivy::Result<Page> {
        let segments = searcher.segment_readers();
        let fruits = map_segments(executor, segments, |ord, segment| {
            let mut collector = self.for_segment(ord, segment)?;
            // Newest documents last in a segment, as they mostly are, would each push the
            // page's worst hit out when sorting by date: from the end, they come first.
            let alive = segment.alive_bitset();
            for doc in (0..segment.max_doc()).rev() {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    collector.meet(doc, 0.0);
                }
            }
            Ok(collector.harvest())
        })?;
        Ok(self.merge(fruits))
    }

    fn for_segment(
        &self,
        segment_ord: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentPass> {
        let table = self
            .tables
            .get(segment_ord as usize)
            .filter(|t| t.rows.len() == segment.max_doc() as usize)
            .cloned()
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError(format!(
                    "no value table for segment {segment_ord}"
                ))
            })?;
        Ok(SegmentPass {
            plan: self.plan.clone(),
            table,
            segment: segment_ord,
            total: 0,
            complete: 0,
            counts: FacetCounts::new(),
            best: Best::new(self.want),
            earliest_expiry: NO_EXPIRY,
        })
    }

    fn merge(&self, fruits: Vec<SegmentPage>) -> Page {
        let mut total = 0;
        let mut complete = 0;
        let mut counts = FacetCounts::new();
        let mut best = Best::new(self.want);
        let mut earliest_expiry = NO_EXPIRY;
        for fruit in fruits {
            total += fruit.total;
            complete += fruit.complete;
            earliest_expiry = earliest_expiry.min(fruit.earliest_expiry);
            counts.add(&fruit.counts);
            for Reverse(candidate) in fruit.best.heap {
                best.offer(candidate);
            }
        }
        Page {
            total,
            counts,
            best: ranked(best, self.plan.ranking),
            complete,
            earliest_expiry,
        }
    }
}

/// The plan's pass over one segment.
struct SegmentPass {
    plan: Arc<Plan>,
    table: Arc<SegmentTable>,
    segment: u32,
    total: u64,
    complete: u64,
    counts: FacetCounts,
    best: Best,
    earliest_expiry: u32,
}

/// Best first, with the score where the ranking is by score.
fn ranked(best: Best, ranking: Ranking) -> Vec<PageHit> {
    let mut candidates: Vec<Candidate> = best.heap.into_iter().map(|r| r.0).collect();
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    candidates
        .into_iter()
        .map(|c| PageHit {
            score: if ranking == Ranking::Score {
                f32::from_bits(unordered_f32(c.key as u32))
            } else {
                0.0
            },
            address: DocAddress::new(c.segment, c.doc),
            serial: c.serial.0,
        })
        .collect()
}

fn unordered_f32(bits: u32) -> u32 {
    if bits >> 31 == 1 {
        bits & !(1 << 31)
    } else {
        !bits
    }
}

impl SegmentPass {
    /// Checks one document against the plan: counts it, and offers it to the page.
    #[inline]
    fn meet(&mut self, doc: DocId, score: Score) {
        let table = &*self.table;
        let at = doc as usize;
        let Some(row) = table.rows.get(at) else {
            return;
        };
        let plan = &*self.plan;
        if !plan.admits(table, at, row) {
            return;
        }
        self.earliest_expiry = self.earliest_expiry.min(row.expires);
        let places = table.places_of(row);
        let failed = plan.failures(table, at, row, places);
        if failed == 0 {
            self.total += 1;
            if plan.facets {
                self.counts.count(u8::MAX, row, places);
            }
            let tier = if plan.concepts > 0 {
                (score / super::PRESENCE) as u32
            } else {
                0
            };
            if plan.concepts > 0 && tier >= plan.concepts {
                self.complete += 1;
            }
            let key = plan.ranking.key(table, at, row, score, tier);
            if self.best.may_take(key) {
                let serial = table.serials.get(at).copied();
                self.best.offer(Candidate {
                    key,
                    serial: Reverse(serial.unwrap_or(u64::MAX)),
                    segment: self.segment,
                    doc,
                });
            }
        } else if plan.facets && failed.is_power_of_two() {
            self.counts.count(failed, row, places);
        }
    }

    fn harvest(self) -> SegmentPage {
        SegmentPage {
            total: self.total,
            complete: self.complete,
            counts: self.counts,
            best: self.best,
            earliest_expiry: self.earliest_expiry,
        }
    }
}

/// Runs `pass` over every segment (with its ordinal). On a pool of threads, the calling
/// thread and as many of the pool's threads as there are other segments take the next segment
/// not yet taken, until none is left: the calling thread works rather than waiting, and only
/// the threads that will have work are woken. (tantivy's own `Executor::map` hands every
/// segment to the pool and has the caller wait, which wakes one more thread than there are
/// cores.)
fn map_segments<R: Send + Sync>(
    executor: &Executor,
    segments: &[SegmentReader],
    pass: impl Fn(u32, &SegmentReader) -> tantivy::Result<R> + Sync,
) -> tantivy::Result<Vec<R>> {
    let pool = match executor {
        Executor::ThreadPool(pool) if segments.len() > 1 => pool,
        _ => {
            return segments
                .iter()
                .enumerate()
                .map(|(ord, segment)| pass(ord as u32, segment))
                .collect();
        }
    };
    let next = AtomicUsize::new(0);
    let fruits: Vec<OnceLock<tantivy::Result<R>>> =
        segments.iter().map(|_| OnceLock::new()).collect();
    let work = || {
        loop {
            let ord = next.fetch_add(1, Ordering::Relaxed);
            let Some(segment) = segments.get(ord) else {
                break;
            };
            let _ = fruits[ord].set(pass(ord as u32, segment));
        }
    };
    pool.in_place_scope(|scope| {
        for _ in 0..pool.current_num_threads().min(segments.len() - 1) {
            scope.spawn(|_| work());
        }
        work();
    });
    fruits
        .into_iter()
        .map(|fruit| {
            fruit.into_inner().unwrap_or_else(|| {
                Err(tantivy::TantivyError::InternalError(
                    "a segment was not searched".to_string(),
                ))
            })
        })
        .collect()
}
