//! How well a counterpart fits beyond its words: how closely its places meet (the country
//! itself, then the regions around it, then everywhere), whether it gives the kind of help
//! asked for, and how its amount compares. Each is a factor from 0 to 1 that multiplies the
//! text's weight in the ranking, read from the index's value table (no record is read).

use std::collections::HashMap;

use crate::index::{self, GLOBAL_PLACE, REGION_BASE};
use portal_domain::codes;
use portal_domain::submission::{Assistance, Kind, Submission, Vocabulary};

/// How closely a counterpart's places meet the need's: written for the place itself.
pub const SAME_PLACE: f32 = 1.0;
/// Through an intermediate region (011 Western Africa) or a sub-region (035 South-eastern
/// Asia) that holds it.
pub const NEAR_REGION: f32 = 0.85;
/// Through one of the five regions (002 Africa, 142 Asia…).
pub const WIDE_REGION: f32 = 0.75;
/// A counterpart for one country of a need that names a whole region.
pub const PART_OF_REGION: f32 = 0.7;
/// Open to every country: it fits, but was not written for this place.
pub const EVERYWHERE: f32 = 0.55;

/// A kind of assistance the other side does not ask for or give at all.
pub const ASSISTANCE_MISMATCH: f32 = 0.35;
/// Kinds that go together without being the same (training with expertise, say).
pub const ASSISTANCE_NEAR: f32 = 0.75;
/// Money for a need that asks for equipment, expertise or training: it could pay for them,
/// but is not what was asked (the other way round, equipment for a need asking for money, is
/// a mismatch).
pub const ASSISTANCE_PAID_FOR: f32 = 0.55;

/// An amount of a quarter of the need or less (but at least the tenth that fits at all).
pub const SMALL_SHARE: f32 = 0.7;
/// An amount between a quarter and the whole of the need.
pub const LARGE_SHARE: f32 = 0.9;
/// No amount on one side: not a bar, but not known to be enough.
pub const AMOUNT_UNKNOWN: f32 = 0.9;

/// For each place value a counterpart may carry, how closely it meets the subject's places.
#[derive(Debug, Clone, Default)]
pub struct PlaceWeights {
    weights: HashMap<u64, f32>,
    /// For any value not in `weights` (a global offer: every need is within it).
    otherwise: f32,
}

impl PlaceWeights {
    /// The weights of the counterparts of `subject`: offers and funding sources for a need,
    /// needs for an offer or a funding source.
    pub fn of(subject: &Submission) -> PlaceWeights {
        let places = index::places(subject);
        let global = places.contains(&GLOBAL_PLACE);
        let mut weights: HashMap<u64, f32> = HashMap::new();
        let mut raise = |value: Option<u64>, weight: f32| {
            if let Some(value) = value {
                let entry = weights.entry(value).or_insert(0.0);
                *entry = entry.max(weight);
            }
        };
        let is_need = subject.kind == Kind::Need;
        for &place in places.iter().filter(|p| **p != GLOBAL_PLACE) {
            raise(Some(place), SAME_PLACE);
            match (region_code(place), is_need) {
                // A need's country: an offer for a region that holds it, less closely the
                // wider the region.
                (None, true) => {
                    for code in country_of(place).into_iter().flat_map(|c| c.region_codes()) {
                        raise(index::region_place(code), region_closeness(code));
                    }
                }
                // An offer's country: only needs for that country.
                (None, false) => {}
                // A need's region: offers for a region around it, or for a part of it.
                (Some(code), true) => {
                    for around in codes::region_ancestors(&code) {
                        raise(
                            index::region_place(around.code),
                            region_closeness(around.code),
                        );
                    }
                    for value in places_inside(&code) {
                        raise(Some(value), PART_OF_REGION);
                    }
                }
                // An offer's region: needs for the places in it, as closely as the region is
                // near; needs for a wider region it is part of, in part.
                (Some(code), false) => {
                    let closeness = region_closeness(&code);
                    for value in places_inside(&code) {
                        raise(Some(value), closeness);
                    }
                    for around in codes::region_ancestors(&code) {
                        raise(index::region_place(around.code), PART_OF_REGION);
                    }
                }
            }
        }
        if is_need {
            // An offer open to every country fits any need, less closely than one written
            // for its place; a need open to every country is met by any offer.
            raise(
                Some(GLOBAL_PLACE),
                if global { SAME_PLACE } else { EVERYWHERE },
            );
        }
        PlaceWeights {
            weights,
            otherwise: if global { EVERYWHERE } else { 0.0 },
        }
    }

    /// How closely a counterpart carrying `places` meets the subject's places: the closest of
    /// them.
    pub fn closeness(&self, places: &[u16]) -> f32 {
        let start = if places.is_empty() {
            self.otherwise
        } else {
            0.0
        };
        places
            .iter()
            .map(|p| {
                self.weights
                    .get(&u64::from(*p))
                    .copied()
                    .unwrap_or(self.otherwise)
            })
            .fold(start, f32::max)
    }
}

/// How close a region is: one of the five regions is wide, a sub-region or an intermediate
/// region near.
fn region_closeness(code: &str) -> f32 {
    match codes::region(code) {
        Some(region) if region.parent.is_none() => WIDE_REGION,
        _ => NEAR_REGION,
    }
}

/// The place values of the regions and countries inside a region.
fn places_inside(code: &str) -> Vec<u64> {
    let regions = codes::region_descendants(code)
        .into_iter()
        .filter_map(|r| index::region_place(r.code));
    let countries = codes::countries_in_region(code)
        .into_iter()
        .filter_map(|c| codes::country_ordinal(c.alpha3));
    regions.chain(countries).collect()
}

/// The M49 code of a region's place value; `None` for a country or everywhere.
fn region_code(place: u64) -> Option<String> {
    (REGION_BASE..GLOBAL_PLACE)
        .contains(&place)
        .then(|| format!("{:03}", place - REGION_BASE))
}

fn country_of(place: u64) -> Option<&'static codes::Country> {
    codes::countries().get(usize::try_from(place).ok()?)
}

/// How well what one side gives meets what the other asks for, as bits of
/// `Assistance::ordinal`: 1 when they share a kind or either says none, less when the kinds
/// only go together or money is given for something else, [`ASSISTANCE_MISMATCH`] when
/// nothing asked for is given.
pub fn assistance_fit(asked: u8, given: u8) -> f32 {
    if asked == 0 || given == 0 || asked & given != 0 {
        return 1.0;
    }
    let near = |a: Assistance| -> u8 {
        let bit = |x: Assistance| 1u8 << x.ordinal();
        match a {
            Assistance::Training => bit(Assistance::TechnicalExpertise),
            Assistance::TechnicalExpertise => {
                bit(Assistance::Training) | bit(Assistance::InformationExchange)
            }
            Assistance::InformationExchange => bit(Assistance::TechnicalExpertise),
            Assistance::Financial | Assistance::Equipment => 0,
        }
    };
    let close = Assistance::ALL
        .iter()
        .filter(|a| asked & (1 << a.ordinal()) != 0)
        .any(|a| near(*a) & given != 0);
    let money = 1u8 << Assistance::Financial.ordinal();
    if close {
        ASSISTANCE_NEAR
    } else if given & money != 0 {
        ASSISTANCE_PAID_FOR
    } else {
        ASSISTANCE_MISMATCH
    }
}

/// The kinds of assistance of a submission as bits of `Assistance::ordinal`.
pub fn assistance_bits(kinds: &[Assistance]) -> u8 {
    kinds.iter().fold(0, |bits, a| bits | (1 << a.ordinal()))
}

/// How an offer's amount meets a need's, both in USD: the whole of it or more is 1; less
/// counts less (below a tenth it does not fit at all, which the filter sees to).
pub fn amount_fit(need_usd: Option<f64>, offer_usd: Option<f64>) -> f32 {
    match (need_usd.filter(|u| *u > 0.0), offer_usd) {
        (Some(asked), Some(offered)) if offered >= asked => 1.0,
        (Some(asked), Some(offered)) if offered >= asked / 4.0 => LARGE_SHARE,
        (Some(_), Some(_)) => SMALL_SHARE,
        (None, None) => 1.0,
        _ => AMOUNT_UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_domain::submission::{Beneficiaries, Kind};

    fn need_in(countries: &[&str], regions: &[&str]) -> Submission {
        let mut s: Submission = serde_json::from_str(
            r#"{"kind":"need","submitter":{"organisation":"X","type":"ngo"},"title":"T"}"#,
        )
        .unwrap();
        s.kind = Kind::Need;
        s.beneficiaries = Beneficiaries {
            countries: countries.iter().map(|c| c.to_string()).collect(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            global: false,
        };
        s
    }

    fn value(text: &str) -> u16 {
        let place = crate::search::Place::parse(text).unwrap();
        place.value().unwrap() as u16
    }

    #[test]
    fn the_country_itself_then_its_regions_then_everywhere() {
        let weights = PlaceWeights::of(&need_in(&["LAO"], &[]));
        assert_eq!(weights.closeness(&[value("LAO")]), SAME_PLACE);
        assert_eq!(weights.closeness(&[value("035")]), NEAR_REGION);
        assert_eq!(weights.closeness(&[value("142")]), WIDE_REGION);
        assert_eq!(weights.closeness(&[GLOBAL_PLACE as u16]), EVERYWHERE);
        assert_eq!(weights.closeness(&[value("KHM")]), 0.0);
        // The closest of several places counts.
        assert_eq!(
            weights.closeness(&[GLOBAL_PLACE as u16, value("LAO")]),
            SAME_PLACE
        );
        let west_africa = PlaceWeights::of(&need_in(&["GNB"], &[]));
        assert_eq!(west_africa.closeness(&[value("011")]), NEAR_REGION);
        assert_eq!(west_africa.closeness(&[value("202")]), NEAR_REGION);
        assert_eq!(west_africa.closeness(&[value("002")]), WIDE_REGION);
    }

    #[test]
    fn a_need_for_a_region_meets_its_countries_in_part() {
        let weights = PlaceWeights::of(&need_in(&[], &["035"]));
        assert_eq!(weights.closeness(&[value("035")]), SAME_PLACE);
        assert_eq!(weights.closeness(&[value("LAO")]), PART_OF_REGION);
        assert_eq!(weights.closeness(&[value("142")]), WIDE_REGION);
    }

    #[test]
    fn assistance_and_amounts() {
        let bits = |kinds: &[Assistance]| assistance_bits(kinds);
        let money = bits(&[Assistance::Financial]);
        let kit = bits(&[Assistance::Equipment]);
        let training = bits(&[Assistance::Training]);
        let experts = bits(&[Assistance::TechnicalExpertise]);
        assert_eq!(assistance_fit(money, money | kit), 1.0);
        assert_eq!(assistance_fit(money, kit), ASSISTANCE_MISMATCH);
        assert_eq!(assistance_fit(kit, training), ASSISTANCE_MISMATCH);
        assert_eq!(assistance_fit(kit, money), ASSISTANCE_PAID_FOR);
        assert_eq!(assistance_fit(experts, training), ASSISTANCE_NEAR);
        assert_eq!(assistance_fit(0, kit), 1.0);
        assert_eq!(amount_fit(Some(100.0), Some(150.0)), 1.0);
        assert_eq!(amount_fit(Some(100.0), Some(50.0)), LARGE_SHARE);
        assert_eq!(amount_fit(Some(100.0), Some(15.0)), SMALL_SHARE);
        assert_eq!(amount_fit(Some(100.0), None), AMOUNT_UNKNOWN);
        assert_eq!(amount_fit(None, Some(100.0)), AMOUNT_UNKNOWN);
    }
}
