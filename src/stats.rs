//! Statistics: counts and sums over the whole catalogue, read from the store (the source of
//! truth) in one pass, for `portal stats` and the statistics page. Only what members can see
//! at "now" counts, except in `total` and `by_status`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::matching::{Counterpart, NeedFit};
use crate::store::{Result, Store};
use crate::submission::{Area, Kind, Status, Submission, Vocabulary};

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
    /// By area of work: visible needs, and those with a fitting offer or funding source in
    /// that area.
    pub matched_needs_by_area: BTreeMap<String, MatchedNeeds>,
}

/// Needs in an area, and how many of them have a match there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchedNeeds {
    pub needs: u64,
    pub with_match: u64,
}

/// Funding sought against funding offered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct UsdBalance {
    pub sought: f64,
    pub offered: f64,
}

/// Computes the statistics as members would see the catalogue at `now`.
pub fn compute(store: &Store, now: DateTime<Utc>) -> Result<Stats> {
    let mut stats = Stats::default();
    let quarters = last_quarters(now, QUARTERS);
    for quarter in &quarters {
        stats.published_by_quarter.insert(quarter.clone(), 0);
    }
    let mut needs: Vec<Submission> = Vec::new();
    let mut counterparts: Vec<Submission> = Vec::new();
    store.read()?.for_each(|submission| {
        stats.total += 1;
        let visible = submission.is_visible_to_members(now);
        let status = if submission.status == Status::Published && !visible {
            "published-but-expired"
        } else {
            submission.status.slug()
        };
        *stats.by_status.entry(status.to_string()).or_default() += 1;
        if !visible {
            return;
        }
        let kind = submission.kind;
        *stats
            .visible_by_kind
            .entry(kind.slug().to_string())
            .or_default() += 1;
        for area in &submission.areas {
            *stats
                .visible_by_area
                .entry(area.slug().to_string())
                .or_default()
                .entry(kind.slug().to_string())
                .or_default() += 1;
            let share = submission.usd().unwrap_or(0.0) / submission.areas.len() as f64;
            let balance = stats
                .usd_by_area
                .entry(area.slug().to_string())
                .or_default();
            match kind {
                Kind::Need => balance.sought += share,
                Kind::Offer | Kind::FundingSource => balance.offered += share,
                Kind::Project => {}
            }
        }
        let by_country = match kind {
            Kind::Need => Some(&mut stats.needs_by_country),
            Kind::Offer | Kind::FundingSource => Some(&mut stats.offers_by_country),
            Kind::Project => None,
        };
        if let Some(by_country) = by_country {
            for country in &submission.beneficiaries.countries {
                *by_country.entry(country.clone()).or_default() += 1;
            }
        }
        if kind != Kind::Need && kind != Kind::Project && submission.beneficiaries.global {
            stats.offers_global += 1;
        }
        let published = submission
            .timestamps
            .published_at
            .unwrap_or(submission.timestamps.received_at);
        match stats.published_by_quarter.get_mut(&quarter_of(published)) {
            Some(count) => *count += 1,
            None if quarters.first().is_some_and(|q| quarter_of(published) < *q) => {
                stats.published_earlier += 1;
            }
            // Published "after now" cannot be visible; nothing to count.
            None => {}
        }
        match kind {
            Kind::Need => needs.push(submission),
            Kind::Offer | Kind::FundingSource => counterparts.push(submission),
            Kind::Project => {}
        }
    })?;
    count_matches(&mut stats, &needs, &counterparts);
    Ok(stats)
}

/// Needs with a fitting counterpart, overall and by area. Counterparts are grouped by area
/// first, and the search for one need stops at the first fit, so this stays cheap.
fn count_matches(stats: &mut Stats, needs: &[Submission], counterparts: &[Submission]) {
    let counterparts: Vec<Counterpart> = counterparts.iter().map(Counterpart::new).collect();
    let by_area: Vec<Vec<&Counterpart>> = Area::ALL
        .iter()
        .map(|area| {
            counterparts
                .iter()
                .filter(|c| c.submission.areas.contains(area))
                .collect()
        })
        .collect();
    for need in needs {
        let fit = NeedFit::new(need);
        let mut matched = false;
        for area in &need.areas {
            let in_area = by_area[area.ordinal() as usize]
                .iter()
                .any(|c| fit.fits_in(*area, c));
            let entry = stats
                .matched_needs_by_area
                .entry(area.slug().to_string())
                .or_default();
            entry.needs += 1;
            if in_area {
                entry.with_match += 1;
                matched = true;
            }
        }
        if matched {
            stats.needs_with_match += 1;
        }
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
