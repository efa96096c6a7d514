//! How often: the mix of kinds, statuses, areas and kinds of assistance, which areas go
//! together, and the spread of amounts.

use portal_domain::submission::{Area, Assistance, Kind, Status};

pub(crate) const KIND_WEIGHTS: &[(Kind, u32)] = &[
    (Kind::Need, 40),
    (Kind::Offer, 35),
    (Kind::Project, 15),
    (Kind::FundingSource, 10),
];

/// The share of published demo submissions that expired (up to half a year ago): the portal
/// archives them on its first round. The rest are current.
pub(crate) const EXPIRED_SHARE: f64 = 0.07;

pub(crate) const STATUS_WEIGHTS: &[(Status, u32)] = &[
    (Status::Published, 90),
    (Status::Pending, 7),
    (Status::Withdrawn, 3),
];

/// The areas that work in an area most often goes with: survey and clearance teams collect data
/// on casualties and refer survivors, destroyed stockpiles are reported under Article 7, and so
/// on. A submission's second area is one of these, never one its texts have no word for.
pub(crate) fn related_areas(area: Area) -> &'static [Area] {
    match area {
        Area::ClearanceAndRiskEducation => &[
            Area::VictimAssistance,
            Area::InternationalCooperationAndAssistance,
        ],
        Area::VictimAssistance => &[
            Area::ClearanceAndRiskEducation,
            Area::InternationalCooperationAndAssistance,
        ],
        Area::StockpileDestruction => &[Area::TransparencyAndNationalImplementation],
        Area::InternationalCooperationAndAssistance => &[
            Area::ClearanceAndRiskEducation,
            Area::TransparencyAndNationalImplementation,
        ],
        Area::TransparencyAndNationalImplementation => {
            &[Area::InternationalCooperationAndAssistance]
        }
        Area::UniversalisationAndAdvocacy => &[Area::TransparencyAndNationalImplementation],
    }
}

pub(crate) const AREA_WEIGHTS: &[(Area, u32)] = &[
    (Area::ClearanceAndRiskEducation, 40),
    (Area::VictimAssistance, 22),
    (Area::StockpileDestruction, 10),
    (Area::InternationalCooperationAndAssistance, 12),
    (Area::TransparencyAndNationalImplementation, 9),
    (Area::UniversalisationAndAdvocacy, 7),
];

pub(crate) fn assistance_weights(kind: Kind) -> &'static [(Assistance, u32)] {
    match kind {
        Kind::Need | Kind::FundingSource => &[
            (Assistance::Financial, 40),
            (Assistance::TechnicalExpertise, 20),
            (Assistance::Equipment, 15),
            (Assistance::Training, 15),
            (Assistance::InformationExchange, 10),
        ],
        Kind::Offer => &[
            (Assistance::Financial, 25),
            (Assistance::TechnicalExpertise, 30),
            (Assistance::Equipment, 15),
            (Assistance::Training, 20),
            (Assistance::InformationExchange, 10),
        ],
        Kind::Project => &[
            (Assistance::Financial, 20),
            (Assistance::TechnicalExpertise, 25),
            (Assistance::Equipment, 15),
            (Assistance::Training, 25),
            (Assistance::InformationExchange, 15),
        ],
    }
}

/// The median of requested or offered amounts, in US dollars.
pub(crate) const MEDIAN_USD: f64 = 500_000.0;
/// The spread of amounts (standard deviation of their logarithm).
pub(crate) const SIGMA: f64 = 1.2;
pub(crate) const MIN_USD: f64 = 20_000.0;
pub(crate) const MAX_USD: f64 = 50_000_000.0;

pub(crate) const DAY: i64 = 86_400;
