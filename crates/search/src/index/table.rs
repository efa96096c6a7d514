//! The values that filter, count and sort search results, one compact row per document of a
//! segment, held in memory.
//!
//! Every search reads these values for each document that matches its keywords (to decide
//! visibility, apply the filters, count the facets and rank the page). Read from tantivy's
//! columns, each costs an index lookup and bit unpacking; from a row here it is one load.
//! Segments never change once written (deletions are tantivy's alive bitset), so a segment's
//! table is built once, when a searcher first meets the segment, and dropped with it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use super::names;
use crate::activities::{Activities, Work};
use portal_domain::submission::FundingBand;
use portal_domain::submission::{Area, Status, Vocabulary};

/// The amount of a document that names none.
pub const NO_AMOUNT: f64 = f64::NAN;
/// The renewal time of a document never renewed.
pub const NEVER: u32 = 0;
/// `expires` of a row that never expires.
pub const NO_EXPIRY: u32 = u32::MAX;

/// How many place values a row holds itself; more go to [`SegmentTable::spilled`].
const INLINE_PLACES: usize = 2;
/// `places_len` of a row whose places are spilled.
const SPILLED: u8 = u8::MAX;

/// A time as a row holds it: Unix seconds, kept within 1970 to 2106 (searches compare times
/// within that span; outside it, times are held at its ends).
pub fn row_time(seconds: i64) -> u32 {
    seconds.clamp(1, i64::from(NO_EXPIRY) - 1) as u32
}

/// What members may see at one time, told from rows: published, and not past its expiry.
#[derive(Debug, Clone, Copy)]
pub struct VisibleAt {
    published: u8,
    /// [`row_time`] of the time: a visible row expires after it.
    now: u32,
}

impl VisibleAt {
    pub fn new(now: DateTime<Utc>) -> VisibleAt {
        VisibleAt {
            published: Status::Published.ordinal() as u8,
            now: row_time(now.timestamp()),
        }
    }

    /// Whether members may see the document of `row`.
    #[inline]
    pub fn sees(self, row: &Row) -> bool {
        row.status == self.published && row.expires > self.now
    }
}

/// What every search reads of one document, in a quarter of a cache line: a search that
/// meets the document reads these 16 bytes, and a pass over neighbouring documents reads four
/// per line. What only some searches need (the amount, publication and renewal times, the
/// tie-breaking serial) is kept beside the rows, one column each.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(16))]
pub struct Row {
    /// [`row_time`] of the expiry; [`NO_EXPIRY`] when it never expires.
    pub expires: u32,
    /// The place values (country ordinals, regions, `GLOBAL_PLACE`) when they fit here;
    /// otherwise where their count and then they start in `spilled`, as two halves of a `u32`.
    places: [u16; INLINE_PLACES],
    /// How many are inline, or [`SPILLED`].
    places_len: u8,
    pub status: u8,
    pub kind: u8,
    pub submitter_type: u8,
    /// Areas of work, one bit per ordinal.
    pub areas: u8,
    /// Kinds of assistance, one bit per ordinal.
    pub assistance: u8,
    /// Position of the funding band in `FundingBand::ALL`.
    pub band: u8,
}

const _: () = assert!(size_of::<Row>() == 16, "a row is a quarter of a cache line");

impl Row {
    /// The areas of work whose bits are set, in the order of `Area::ALL`.
    pub fn areas(&self) -> impl Iterator<Item = Area> + use<> {
        let bits = self.areas;
        Area::ALL
            .iter()
            .copied()
            .filter(move |area| bits & (1 << area.ordinal()) != 0)
    }
}

/// A live document's row, with its table (for the columns beside the rows).
#[derive(Debug, Clone, Copy)]
pub struct LiveRow<'a> {
    pub address: DocAddress,
    pub table: &'a SegmentTable,
    pub row: &'a Row,
}

impl<'a> LiveRow<'a> {
    /// The document's position in its segment, for the table's columns.
    pub fn doc(&self) -> usize {
        self.address.doc_id as usize
    }

    /// Its place values.
    pub fn places(&self) -> &'a [u16] {
        self.table.places_of(self.row)
    }

    /// Its amount in USD, if it names one.
    pub fn usd(&self) -> Option<f64> {
        Some(self.table.usd[self.doc()]).filter(|usd| !usd.is_nan())
    }

    /// Its number unique to its submission (`index::serial`).
    pub fn serial(&self) -> u64 {
        self.table.serials[self.doc()]
    }
}

/// The row of every live document of `searcher`'s segments (`tables` is theirs, in the same
/// order), segment by segment, in document order.
pub fn live_rows<'a>(
    searcher: &'a Searcher,
    tables: &'a [Arc<SegmentTable>],
) -> impl Iterator<Item = LiveRow<'a>> {
    searcher
        .segment_readers()
        .iter()
        .zip(tables)
        .enumerate()
        .flat_map(|(ord, (segment, table))| {
            let alive = segment.alive_bitset();
            table.rows.iter().enumerate().filter_map(move |(doc, row)| {
                let doc = doc as DocId;
                alive
                    .is_none_or(|alive| alive.is_alive(doc))
                    .then(|| LiveRow {
                        address: DocAddress::new(ord as u32, doc),
                        table,
                        row,
                    })
            })
        })
}

/// The rows of one segment, indexed by document id.
#[derive(Debug)]
pub struct SegmentTable {
    pub rows: Vec<Row>,
    /// Each document's number unique to its submission (`index::serial`), to break ties in
    /// sorted pages: read only for documents that may enter a page.
    pub serials: Vec<u64>,
    /// The amount in USD, or [`NO_AMOUNT`]: for the amount filter and sort.
    pub usd: Vec<f64>,
    /// [`row_time`] of publication (or receipt, when never published): for the date sort.
    pub published: Vec<u32>,
    /// [`row_time`] of the last renewal, or [`NEVER`]: for the "renewed within" filter.
    pub renewed: Vec<u32>,
    /// What the texts name of the activities ([`Work`]): for matching.
    work: Vec<Work>,
    /// The place values of rows with more than fit inline, each row's count and then its
    /// values, one row's after the other.
    spilled: Vec<u16>,
}

impl SegmentTable {
    /// Reads every document's values from the segment's columns.
    pub fn build(segment: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let fast = segment.fast_fields();
        let kind = fast.u64(names::KIND)?;
        let status = fast.u64(names::STATUS)?;
        let submitter_type = fast.u64(names::SUBMITTER_TYPE)?;
        let place = fast.u64(names::PLACE)?;
        let area = fast.u64(names::AREA)?;
        let assistance = fast.u64(names::ASSISTANCE)?;
        let usd = fast.f64(names::USD)?;
        let published = fast.i64(names::PUBLISHED)?;
        let expires = fast.i64(names::EXPIRES)?;
        let renewed = fast.i64(names::RENEWED)?;
        let serial = fast.u64(names::SERIAL)?;
        let work_headline = fast.u64(names::WORK_HEADLINE)?;
        let work_body = fast.u64(names::WORK_BODY)?;
        let work_areas = fast.u64(names::WORK_AREAS)?;

        let docs = segment.max_doc() as usize;
        let mut rows = Vec::with_capacity(docs);
        let mut serials = Vec::with_capacity(docs);
        let mut usds = Vec::with_capacity(docs);
        let mut publications = Vec::with_capacity(docs);
        let mut renewals = Vec::with_capacity(docs);
        let mut works = Vec::with_capacity(docs);
        let mut spilled = Vec::new();
        let mut places: Vec<u16> = Vec::new();
        for doc in 0..segment.max_doc() {
            places.clear();
            places.extend(
                place
                    .values_for_doc(doc)
                    .filter_map(|value| u16::try_from(value).ok()),
            );
            places.truncate(usize::from(u16::MAX));
            let mut inline = [0; INLINE_PLACES];
            let places_len = if places.len() <= INLINE_PLACES {
                inline[..places.len()].copy_from_slice(&places);
                places.len() as u8
            } else {
                // Spilled: the count first, then the values.
                let at = spilled.len() as u32;
                inline = [(at >> 16) as u16, at as u16];
                spilled.push(places.len() as u16);
                spilled.extend_from_slice(&places);
                SPILLED
            };
            let amount = usd.first(doc);
            rows.push(Row {
                expires: expires
                    .first(doc)
                    .filter(|t| *t != i64::MAX)
                    .map_or(NO_EXPIRY, row_time),
                places: inline,
                places_len,
                status: small(&status, doc),
                kind: small(&kind, doc),
                submitter_type: small(&submitter_type, doc),
                areas: bits(&area, doc),
                assistance: bits(&assistance, doc),
                band: FundingBand::of(amount).position() as u8,
            });
            serials.push(serial.first(doc).unwrap_or(u64::MAX));
            usds.push(amount.unwrap_or(NO_AMOUNT));
            publications.push(row_time(published.first(doc).unwrap_or(0)));
            renewals.push(renewed.first(doc).map_or(NEVER, row_time));
            let activities =
                |column: &Column<u64>| Activities::from_bits(column.first(doc).unwrap_or(0));
            works.push(Work {
                headline: activities(&work_headline),
                body: activities(&work_body),
                areas: activities(&work_areas),
            });
        }
        Ok(SegmentTable {
            rows,
            serials,
            usd: usds,
            published: publications,
            renewed: renewals,
            work: works,
            spilled,
        })
    }

    /// What document `doc`'s texts name of the activities.
    pub fn work(&self, doc: DocId) -> Work {
        self.work.get(doc as usize).copied().unwrap_or_default()
    }

    /// The place values of a row.
    #[inline]
    pub fn places_of<'a>(&'a self, row: &'a Row) -> &'a [u16] {
        if row.places_len != SPILLED {
            &row.places[..usize::from(row.places_len)]
        } else {
            let at = (usize::from(row.places[0]) << 16) | usize::from(row.places[1]);
            let len = usize::from(self.spilled[at]);
            &self.spilled[at + 1..at + 1 + len]
        }
    }
}

/// A vocabulary ordinal as a byte (`u8::MAX` when absent or out of range).
fn small(column: &Column<u64>, doc: DocId) -> u8 {
    column
        .first(doc)
        .and_then(|v| u8::try_from(v).ok())
        .unwrap_or(u8::MAX)
}

/// Ordinals below 8 as one bit each.
fn bits(column: &Column<u64>, doc: DocId) -> u8 {
    column
        .values_for_doc(doc)
        .filter(|v| *v < 8)
        .fold(0, |acc, v| acc | (1 << v))
}

/// The tables of the segments searchers use, built on first use.
#[derive(Debug, Default)]
pub struct Tables {
    built: Mutex<HashMap<SegmentId, Arc<SegmentTable>>>,
}

impl Tables {
    /// The table of each of `searcher`'s segments, in segment order. Tables of segments the
    /// searcher no longer has are dropped.
    pub fn for_searcher(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<SegmentTable>>> {
        let segments = searcher.segment_readers();
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        let mut tables = Vec::with_capacity(segments.len());
        for segment in segments {
            let table = match built.get(&segment.segment_id()) {
                Some(table) => table.clone(),
                None => {
                    let table = Arc::new(SegmentTable::build(segment)?);
                    built.insert(segment.segment_id(), table.clone());
                    table
                }
            };
            tables.push(table);
        }
        // Merged-away segments: a searcher taken before the merge keeps its own Arcs.
        if built.len() > segments.len() {
            let current: Vec<SegmentId> = segments.iter().map(|s| s.segment_id()).collect();
            built.retain(|id, _| current.contains(id));
        }
        Ok(tables)
    }
}
