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

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use super::names;
use crate::search::FundingBand;

/// `usd` of a row that names no amount.
pub const NO_AMOUNT: f64 = f64::NAN;
/// `renewed` of a row never renewed.
pub const NEVER: i64 = i64::MIN;

/// One document's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Unix seconds; `i64::MAX` when it never expires.
    pub expires: i64,
    /// Unix seconds of publication (or receipt, when never published).
    pub published: i64,
    /// Unix seconds of the last renewal, or [`NEVER`].
    pub renewed: i64,
    /// The amount in USD, or [`NO_AMOUNT`].
    pub usd: f64,
    /// Where this row's places start in [`SegmentTable::places`].
    pub places_start: u32,
    pub places_len: u16,
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

/// The rows of one segment, indexed by document id.
#[derive(Debug)]
pub struct SegmentTable {
    pub rows: Vec<Row>,
    /// Every row's place values (country ordinals, regions, `GLOBAL_PLACE`), one after the
    /// other.
    pub places: Vec<u16>,
    /// A number unique to each submission (`index::serial`), to break ties in sorted pages.
    pub serials: Vec<u64>,
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

        let max_doc = segment.max_doc() as usize;
        let mut rows = Vec::with_capacity(max_doc);
        let mut places = Vec::with_capacity(max_doc * 2);
        let mut serials = Vec::with_capacity(max_doc);
        for doc in 0..segment.max_doc() {
            let places_start = places.len() as u32;
            places.extend(
                place
                    .values_for_doc(doc)
                    .filter_map(|value| u16::try_from(value).ok()),
            );
            let amount = usd.first(doc);
            rows.push(Row {
                expires: expires.first(doc).unwrap_or(i64::MAX),
                published: published.first(doc).unwrap_or(0),
                renewed: renewed.first(doc).unwrap_or(NEVER),
                usd: amount.unwrap_or(NO_AMOUNT),
                places_start,
                places_len: (places.len() - places_start as usize) as u16,
                status: small(&status, doc),
                kind: small(&kind, doc),
                submitter_type: small(&submitter_type, doc),
                areas: bits(&area, doc),
                assistance: bits(&assistance, doc),
                band: FundingBand::of(amount).position() as u8,
            });
            serials.push(serial.first(doc).unwrap_or(u64::MAX));
        }
        Ok(SegmentTable {
            rows,
            places,
            serials,
        })
    }

    /// The place values of document `doc`.
    pub fn places_of(&self, row: &Row) -> &[u16] {
        let start = row.places_start as usize;
        &self.places[start..start + usize::from(row.places_len)]
    }

    /// Bytes held, roughly.
    pub fn heap_size(&self) -> usize {
        self.rows.capacity() * size_of::<Row>()
            + self.places.capacity() * size_of::<u16>()
            + self.serials.capacity() * size_of::<u64>()
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
