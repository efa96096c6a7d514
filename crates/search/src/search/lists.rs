//! The ISU's lists read from the index's value table a page at a time: what has expired, what
//! expires soon (soonest first), what waits for review (oldest first).

use std::ops::Bound;

use chrono::{DateTime, Utc};
use tantivy::query::{BooleanQuery, Occur, RangeQuery};
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument, Term};

use crate::index::SearchIndex;
use crate::index::table::{self, Row, SegmentTable, row_time};
use portal_domain::submission::{Status, Vocabulary};

use super::{Result, document_id, term};

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

/// The ids of published submissions that expire after `now` and no later than `until`, the
/// soonest first, `limit` of them from `offset` on; and how many there are in all (for the
/// ISU's "expiring soon" page). Read from the index's value table: no record is read.
pub fn expiring_page(
    index: &SearchIndex,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    offset: usize,
    limit: usize,
) -> Result<(Vec<String>, usize)> {
    let (after, until) = (row_time(now.timestamp()), row_time(until.timestamp()));
    let published = Status::Published.ordinal() as u8;
    listed_by(index, offset, limit, |_, _, row| {
        (row.status == published && row.expires > after && row.expires <= until)
            .then_some(row.expires)
    })
}

/// The ids of pending submissions (waiting for the ISU's review), the longest waiting first,
/// `limit` of them from `offset` on; and how many there are in all. Read from the index's
/// value table: no record is read.
pub fn pending_ids(
    index: &SearchIndex,
    offset: usize,
    limit: usize,
) -> Result<(Vec<String>, usize)> {
    let pending = Status::Pending.ordinal() as u8;
    // A pending submission's publication time is when it was received.
    listed_by(index, offset, limit, |table, doc, row| {
        (row.status == pending).then_some(table.published[doc])
    })
}

/// The ids of the live documents for which `key` gives a value, in the order of that value
/// (then of their serials), `limit` of them from `offset` on; and how many there are.
fn listed_by(
    index: &SearchIndex,
    offset: usize,
    limit: usize,
    key: impl Fn(&SegmentTable, usize, &Row) -> Option<u32>,
) -> Result<(Vec<String>, usize)> {
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    let mut found: Vec<(u32, u64, DocAddress)> = table::live_rows(&searcher, &tables)
        .filter_map(|live| {
            let key = key(live.table, live.doc(), live.row)?;
            Some((key, live.serial(), live.address))
        })
        .collect();
    let total = found.len();
    found.sort_unstable_by_key(|(key, serial, _)| (*key, *serial));
    let mut ids = Vec::with_capacity(limit.min(total));
    for (_, serial, address) in found.into_iter().skip(offset).take(limit) {
        ids.extend(document_id(&searcher, index.fields(), address, serial)?);
    }
    Ok((ids, total))
}
