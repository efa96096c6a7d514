//! Statistics: counts and sums over the whole catalogue, for `portal stats` and the statistics
//! page, read in one pass over the index's table of values (what every search reads), so that
//! they take milliseconds at a million submissions. Only what members can see at "now"
//! counts, except in `total` and `by_status`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::index::table::{self, NO_EXPIRY, row_time};
use crate::index::{self, GLOBAL_PLACE, SearchIndex};
use crate::matching::{NeedFit, Offered};
use portal_domain::codes;
use portal_domain::submission::{Area, Kind, Status, Vocabulary};
use portal_store::Store;

/// How many quarters, up to and including the current one, `published_by_quarter` covers.
pub const QUARTERS: u32 = 12;

/// Counts and sums over the catalogue at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Every submission the store holds, whatever its status.
    pub total: u64,
    /// By status; `published` counts those still current, `published-but-expired` the rest.
    pub by_status: BTreeMap<String, u64>,
    /// What members can see now, by kind.
    pub visible_by_kind: BTreeMap<String, u64>,
    /// What members can see now, by area of work and kind.
    pub visible_by_area: BTreeMap<String, BTreeMap<String, u64>>,
    /// USD sought by visible needs and offered by visible offers and funding sources, by area.
    pub usd_by_area: BTreeMap<String, UsdBalance>,
    /// Visible needs by beneficiary country (ISO alpha-3).
    pub needs_by_country: BTreeMap<String, u64>,
    /// Visible offers and funding sources naming the country (ISO alpha-3) as a beneficiary.
    pub offers_by_country: BTreeMap<String, u64>,
    /// Visible offers and funding sources open to every country.
    pub offers_global: u64,
    /// Visible submissions by the quarter they were published in ("2026-Q2"), for the last
    /// [`QUARTERS`] quarters, every quarter present (zero when none).
    pub published_by_quarter: BTreeMap<String, u64>,
    /// Visible submissions published before the first quarter of `published_by_quarter`.
    pub published_earlier: u64,
    /// Visible needs with at least one visible offer or funding source that fits them (as
    /// `matching` finds them).
    pub needs_with_match: u64,
    /// Of those, the needs with a fitting offer or funding source written for their place
    /// (naming their country or a region around it), not only ones open to every country.
    pub needs_with_written_match: u64,
    /// By area of work: visible needs, and those with a fitting offer or funding source in
    /// that area.
    pub matched_needs_by_area: BTreeMap<String, MatchedNeeds>,
}

/// Needs in an area, and how many of them have a match there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchedNeeds {
    pub needs: u64,
    pub with_match: u64,
    /// With a match written for their place, not only one open to every country.
    pub with_written_match: u64,
}

/// Funding sought against funding offered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct UsdBalance {
    pub sought: f64,
    pub offered: f64,
}

/// Computes the statistics as members would see the catalogue at `now`, from what every
/// search reads: the index's table of values, one row per document, in one pass (a
/// submission's record is never read). The store gives the total; the archived ones are those
/// it holds that the index leaves out.
pub fn compute(index: &SearchIndex, store: &Store, now: DateTime<Utc>) -> index::Result<Stats> {
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    let total = store.read()?.count()?;
    let mut counts = Counts::new(now);
    let mut offered = Offered::default();
    // What is written for a place, leaving out what is open to every country.
    let mut written = Offered::default();
    let mut needs: Vec<NeedFit> = Vec::new();
    let mut places: Vec<u64> = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    for live in table::live_rows(&searcher, &tables) {
        let (row, doc) = (live.row, live.doc());
        counts.indexed += 1;
        let status = usize::from(row.status);
        let published = row.status == counts.published;
        if !(published && row.expires > counts.now) {
            if published {
                counts.published_but_expired += 1;
            } else if status < counts.by_status.len() {
                counts.by_status[status] += 1;
            }
            continue;
        }
        counts.by_status[status] += 1;
        let Some(kind) = Kind::from_ordinal(u64::from(row.kind)) else {
            continue;
        };
        let usd = live.usd();
        places.clear();
        places.extend(live.places().iter().map(|p| u64::from(*p)));
        areas.clear();
        areas.extend(row.areas());
        counts.add_visible(kind, &areas, &places, usd, live.table.published[doc]);
        match kind {
            Kind::Need => needs.push(NeedFit::of_values(areas.clone(), &places, usd)),
            Kind::Offer | Kind::FundingSource => {
                offered.add(&areas, &places, usd);
                if !places.contains(&GLOBAL_PLACE) {
                    written.add(&areas, &places, usd);
                }
            }
            Kind::Project => {}
        }
    }
    let mut stats = counts.into_stats(total);
    count_matches(&mut stats, &needs, &offered, &written);
    Ok(stats)
}

/// How many submissions the catalogue holds of each kind in each status, the statuses named as
/// in [`Stats::by_status`] (`published-but-expired` apart from `published`). Cheap beside
/// [`compute`]: one pass over the index's table of values, and one over the keys of the store's
/// archive for the archived submissions the index leaves out, whose ids tell their kind.
pub fn holdings(
    index: &SearchIndex,
    store: &Store,
    now: DateTime<Utc>,
) -> index::Result<BTreeMap<(Kind, String), u64>> {
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    let now = row_time(now.timestamp());
    let published = Status::Published.ordinal() as u8;
    // By kind, then status ordinal; the last column counts the published but expired.
    let expired_column = Status::ALL.len();
    let mut counts = vec![vec![0u64; expired_column + 1]; Kind::ALL.len()];
    for live in table::live_rows(&searcher, &tables) {
        let row = live.row;
        let Some(kind) = Kind::from_ordinal(u64::from(row.kind)) else {
            continue;
        };
        let column = if row.status == published && row.expires <= now {
            expired_column
        } else {
            usize::from(row.status)
        };
        if let Some(count) = counts[kind.ordinal() as usize].get_mut(column) {
            *count += 1;
        }
    }
    let archived = Status::Expired.ordinal() as usize;
    store.read()?.for_each_archived_id(|id| {
        if let Some((kind, _, _)) = portal_domain::submission::parse_id(id) {
            counts[kind.ordinal() as usize][archived] += 1;
        }
    })?;
    let mut named = BTreeMap::new();
    for (kind, by_status) in Kind::ALL.iter().zip(counts) {
        for (column, count) in by_status.into_iter().enumerate() {
            let status = match Status::ALL.get(column) {
                Some(status) => status.slug(),
                None => "published-but-expired",
            };
            if count > 0 {
                named.insert((*kind, status.to_string()), count);
            }
        }
    }
    Ok(named)
}

/// What [`compute`] counts as it goes, by ordinal, before it names anything.
struct Counts {
    /// [`row_time`] of `now`.
    now: u32,
    /// The status ordinal of published submissions.
    published: u8,
    indexed: u64,
    by_status: Vec<u64>,
    published_but_expired: u64,
    by_kind: Vec<u64>,
    /// By area, then kind.
    by_area: Vec<Vec<u64>>,
    usd_by_area: Vec<UsdBalance>,
    /// By country ordinal.
    needs_by_country: Vec<u64>,
    offers_by_country: Vec<u64>,
    offers_global: u64,
    /// The first second of each of the last [`QUARTERS`] quarters, oldest first, and the first
    /// of the next one; with their names.
    quarter_starts: Vec<u32>,
    quarter_names: Vec<String>,
    by_quarter: Vec<u64>,
    published_earlier: u64,
}

impl Counts {
    fn new(now: DateTime<Utc>) -> Counts {
        let quarter_names = last_quarters(now, QUARTERS);
        let current = now.year() * 4 + (now.month0() / 3) as i32;
        let quarter_starts = (0..=QUARTERS as i32)
            .rev()
            .map(|back| quarter_start(current + 1 - back))
            .collect();
        Counts {
            now: row_time(now.timestamp()),
            published: Status::Published.ordinal() as u8,
            indexed: 0,
            by_status: vec![0; Status::ALL.len()],
            published_but_expired: 0,
            by_kind: vec![0; Kind::ALL.len()],
            by_area: vec![vec![0; Kind::ALL.len()]; Area::ALL.len()],
            usd_by_area: vec![UsdBalance::default(); Area::ALL.len()],
            needs_by_country: vec![0; codes::countries().len()],
            offers_by_country: vec![0; codes::countries().len()],
            offers_global: 0,
            quarter_starts,
            by_quarter: vec![0; quarter_names.len()],
            quarter_names,
            published_earlier: 0,
        }
    }

    /// Counts a submission members can see, published at `published` ([`row_time`]).
    fn add_visible(
        &mut self,
        kind: Kind,
        areas: &[Area],
        places: &[u64],
        usd: Option<f64>,
        published: u32,
    ) {
        let k = kind.ordinal() as usize;
        self.by_kind[k] += 1;
        for area in areas {
            let a = area.ordinal() as usize;
            self.by_area[a][k] += 1;
            let share = usd.unwrap_or(0.0) / areas.len() as f64;
            match kind {
                Kind::Need => self.usd_by_area[a].sought += share,
                Kind::Offer | Kind::FundingSource => self.usd_by_area[a].offered += share,
                Kind::Project => {}
            }
        }
        let by_country = match kind {
            Kind::Need => Some(&mut self.needs_by_country),
            Kind::Offer | Kind::FundingSource => Some(&mut self.offers_by_country),
            Kind::Project => None,
        };
        if let Some(by_country) = by_country {
            for place in places {
                if let Some(count) = by_country.get_mut(*place as usize) {
                    *count += 1;
                }
            }
        }
        if matches!(kind, Kind::Offer | Kind::FundingSource) && places.contains(&GLOBAL_PLACE) {
            self.offers_global += 1;
        }
        // `quarter_starts` holds one more start than there are quarters: the next one's.
        let after = self
            .quarter_starts
            .partition_point(|start| *start <= published);
        match after {
            0 => self.published_earlier += 1,
            // Published "after now" cannot be visible; nothing to count.
            n if n > self.by_quarter.len() => {}
            n => self.by_quarter[n - 1] += 1,
        }
    }

    fn into_stats(self, total: u64) -> Stats {
        let mut stats = Stats {
            total,
            ..Stats::default()
        };
        let archived = total.saturating_sub(self.indexed);
        for (status, count) in Status::ALL.iter().zip(self.by_status) {
            let count = if *status == Status::Expired {
                count + archived
            } else {
                count
            };
            if count > 0 {
                stats.by_status.insert(status.slug().to_string(), count);
            }
        }
        if self.published_but_expired > 0 {
            stats.by_status.insert(
                "published-but-expired".to_string(),
                self.published_but_expired,
            );
        }
        for (kind, count) in Kind::ALL.iter().zip(self.by_kind) {
            if count > 0 {
                stats.visible_by_kind.insert(kind.slug().to_string(), count);
            }
        }
        for ((area, by_kind), usd) in Area::ALL.iter().zip(self.by_area).zip(self.usd_by_area) {
            let by_kind: BTreeMap<String, u64> = Kind::ALL
                .iter()
                .zip(by_kind)
                .filter(|(_, count)| *count > 0)
                .map(|(kind, count)| (kind.slug().to_string(), count))
                .collect();
            if !by_kind.is_empty() {
                stats
                    .visible_by_area
                    .insert(area.slug().to_string(), by_kind);
                stats.usd_by_area.insert(area.slug().to_string(), usd);
            }
        }
        let named = |counts: Vec<u64>| -> BTreeMap<String, u64> {
            codes::countries()
                .iter()
                .zip(counts)
                .filter(|(_, count)| *count > 0)
                .map(|(country, count)| (country.alpha3.to_string(), count))
                .collect()
        };
        stats.needs_by_country = named(self.needs_by_country);
        stats.offers_by_country = named(self.offers_by_country);
        stats.offers_global = self.offers_global;
        stats.published_by_quarter = self
            .quarter_names
            .into_iter()
            .zip(self.by_quarter)
            .collect();
        stats.published_earlier = self.published_earlier;
        stats
    }
}

/// [`row_time`] of the first second of quarter `q` (counted as `year * 4 + quarter`, from 0).
fn quarter_start(q: i32) -> u32 {
    let first_day = NaiveDate::from_ymd_opt(q.div_euclid(4), q.rem_euclid(4) as u32 * 3 + 1, 1);
    first_day
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(NO_EXPIRY, |start| row_time(start.and_utc().timestamp()))
}

/// Needs with a fitting counterpart, overall and by area, and with one written for their place
/// (`written` holds the counterparts not open to every country): each need is looked up in
/// what the counterparts offer by area and place, never tried against them one by one.
fn count_matches(stats: &mut Stats, needs: &[NeedFit], offered: &Offered, written: &Offered) {
    for need in needs {
        let (mut matched, mut matched_written) = (false, false);
        for area in need.areas() {
            let entry = stats
                .matched_needs_by_area
                .entry(area.slug().to_string())
                .or_default();
            entry.needs += 1;
            if offered.fits_in(need, *area) {
                entry.with_match += 1;
                matched = true;
            }
            if written.fits_in(need, *area) {
                entry.with_written_match += 1;
                matched_written = true;
            }
        }
        stats.needs_with_match += u64::from(matched);
        stats.needs_with_written_match += u64::from(matched_written);
    }
}

/// The quarter a moment falls in, as "2026-Q2" (these sort in time order).
pub fn quarter_of(t: DateTime<Utc>) -> String {
    format!("{}-Q{}", t.year(), t.month0() / 3 + 1)
}

/// The last `count` quarters up to and including the one holding `now`, oldest first.
pub fn last_quarters(now: DateTime<Utc>, count: u32) -> Vec<String> {
    let current = now.year() * 4 + (now.month0() / 3) as i32;
    (0..count as i32)
        .rev()
        .map(|back| {
            let q = current - back;
            format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        })
        .collect()
}

/// The English label of an area slug, for display.
pub fn area_label(slug: &str) -> &str {
    Area::parse(slug).map_or(slug, |a| a.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn quarters_run_oldest_first_across_years() {
        let now = Utc.with_ymd_and_hms(2026, 2, 10, 0, 0, 0).unwrap();
        assert_eq!(quarter_of(now), "2026-Q1");
        assert_eq!(
            last_quarters(now, 5),
            ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
        );
        let december = Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(quarter_of(december), "2025-Q4");
        assert_eq!(last_quarters(december, 1), ["2025-Q4"]);
    }
}
