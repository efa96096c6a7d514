//! Statistics: counts and sums over the whole catalogue, read from the store (the source of
//! truth), for `portal stats`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{Result, Store};
use crate::submission::{Area, Kind, Status, Vocabulary};

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
        if kind == Kind::Need {
            for country in &submission.beneficiaries.countries {
                *stats.needs_by_country.entry(country.clone()).or_default() += 1;
            }
        }
    })?;
    Ok(stats)
}

/// The English label of an area slug, for display.
pub fn area_label(slug: &str) -> &str {
    Area::parse(slug).map_or(slug, |a| a.label())
}
