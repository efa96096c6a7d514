//! The filters of matching without the ranking, in memory, for counting over the whole
//! catalogue: [`NeedFit`] (does a counterpart fit this need?) and [`Offered`] (what the
//! counterparts offer in sum, by area and place).

use std::collections::HashMap;

use portal_domain::submission::{Area, Kind, Submission, Vocabulary};

use super::{SMALLEST_USEFUL_SHARE, wanted_places};
use crate::index;

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
