//! The closed vocabularies of a submission (kind, status, submitter type, area of work, kind of
//! assistance) and the bands of funding: each value with its stable slug and English label.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An affected state's request or project proposal.
    Need,
    /// A donor's available resources and how to apply.
    Offer,
    /// An ongoing project shared as experience.
    Project,
    /// A trust fund, regional body or other source of funding.
    FundingSource,
}

/// Where a submission stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pending,
    Published,
    Expired,
    Withdrawn,
    Rejected,
}

/// Who submitted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubmitterType {
    StateParty,
    Signatory,
    InternationalOrganisation,
    Ngo,
    Other,
}

/// The Convention's areas of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    ClearanceAndRiskEducation,
    VictimAssistance,
    StockpileDestruction,
    InternationalCooperationAndAssistance,
    TransparencyAndNationalImplementation,
    UniversalisationAndAdvocacy,
}

/// Kinds of assistance asked for or offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assistance {
    Financial,
    TechnicalExpertise,
    Equipment,
    Training,
    InformationExchange,
}

/// A closed set of values with a stable slug (used in JSON, URLs and the command line) and an
/// English label. The position in `ALL` is the value's number in the search index.
pub trait Vocabulary: Sized + Copy + Eq + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// What the set is called, for error messages ("kind", "area of work").
    const WHAT: &'static str;
    /// The slug, e.g. `funding-source`.
    fn slug(self) -> &'static str;
    /// The English label, e.g. `Funding source`.
    fn label(self) -> &'static str;

    /// Position in `ALL`.
    fn ordinal(self) -> u64 {
        // `ALL` lists every value, so the position always exists.
        Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as u64
    }

    /// The value at a position in `ALL`.
    fn from_ordinal(n: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(n).ok()?).copied()
    }

    /// Reads a slug or label, ignoring case, spaces, hyphens and underscores.
    fn parse(text: &str) -> Result<Self, UnknownValue> {
        let wanted = squash(text);
        Self::ALL
            .iter()
            .copied()
            .find(|v| squash(v.slug()) == wanted || squash(v.label()) == wanted)
            .ok_or_else(|| UnknownValue {
                what: Self::WHAT,
                value: text.to_string(),
                accepted: Self::ALL.iter().map(|v| v.slug().to_string()).collect(),
            })
    }
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value that is not in its vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{value}\"; accepted: {}", accepted.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub accepted: Vec<String>,
}

macro_rules! vocabulary {
    ($ty:ty, $what:literal, [$(($variant:ident, $slug:literal, $label:literal)),+ $(,)?]) => {
        impl Vocabulary for $ty {
            const ALL: &'static [Self] = &[$(<$ty>::$variant),+];
            const WHAT: &'static str = $what;
            fn slug(self) -> &'static str {
                match self { $(<$ty>::$variant => $slug),+ }
            }
            fn label(self) -> &'static str {
                match self { $(<$ty>::$variant => $label),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.slug())
            }
        }
        impl FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty as Vocabulary>::parse(s)
            }
        }
    };
}

vocabulary!(
    Kind,
    "kind",
    [
        (Need, "need", "Need"),
        (Offer, "offer", "Offer"),
        (Project, "project", "Project"),
        (FundingSource, "funding-source", "Funding source"),
    ]
);

vocabulary!(
    Status,
    "status",
    [
        (Pending, "pending", "Pending review"),
        (Published, "published", "Published"),
        (Expired, "expired", "Expired"),
        (Withdrawn, "withdrawn", "Withdrawn"),
        (Rejected, "rejected", "Rejected"),
    ]
);

vocabulary!(
    SubmitterType,
    "submitter type",
    [
        (StateParty, "state-party", "State Party"),
        (Signatory, "signatory", "Signatory"),
        (
            InternationalOrganisation,
            "international-organisation",
            "International organisation"
        ),
        (Ngo, "ngo", "NGO"),
        (Other, "other", "Other"),
    ]
);

vocabulary!(
    Area,
    "area of work",
    [
        (
            ClearanceAndRiskEducation,
            "clearance-and-risk-education",
            "Clearance and risk education"
        ),
        (VictimAssistance, "victim-assistance", "Victim assistance"),
        (
            StockpileDestruction,
            "stockpile-destruction",
            "Stockpile destruction"
        ),
        (
            InternationalCooperationAndAssistance,
            "international-cooperation-and-assistance",
            "International cooperation and assistance"
        ),
        (
            TransparencyAndNationalImplementation,
            "transparency-and-national-implementation",
            "Transparency and national implementation measures"
        ),
        (
            UniversalisationAndAdvocacy,
            "universalisation-and-advocacy",
            "Universalisation and advocacy"
        ),
    ]
);

vocabulary!(
    Assistance,
    "kind of assistance",
    [
        (Financial, "financial", "Financial"),
        (
            TechnicalExpertise,
            "technical-expertise",
            "Technical expertise"
        ),
        (Equipment, "equipment", "Equipment"),
        (Training, "training", "Training"),
        (
            InformationExchange,
            "information-exchange",
            "Exchange of information and good practice"
        ),
    ]
);

impl Kind {
    /// The prefix of this kind's ids, e.g. `NEED` in `NEED-2026-0042`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Kind::Need => "NEED",
            Kind::Offer => "OFFER",
            Kind::Project => "PROJECT",
            Kind::FundingSource => "FUND",
        }
    }

    /// The kind whose ids start with `prefix`.
    pub fn from_id_prefix(prefix: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.id_prefix() == prefix)
    }
}

/// Preset bands of funding in USD, for the facet panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FundingBand {
    #[serde(rename = "under-100k")]
    Under100k,
    #[serde(rename = "100k-1m")]
    From100kTo1m,
    #[serde(rename = "1m-10m")]
    From1mTo10m,
    #[serde(rename = "over-10m")]
    Over10m,
    #[serde(rename = "not-stated")]
    NotStated,
}

impl FundingBand {
    pub const ALL: [FundingBand; 5] = [
        FundingBand::Under100k,
        FundingBand::From100kTo1m,
        FundingBand::From1mTo10m,
        FundingBand::Over10m,
        FundingBand::NotStated,
    ];

    /// The USD range of the band, `[min, max)`.
    pub fn range(self) -> (Option<f64>, Option<f64>) {
        match self {
            FundingBand::Under100k => (None, Some(100_000.0)),
            FundingBand::From100kTo1m => (Some(100_000.0), Some(1_000_000.0)),
            FundingBand::From1mTo10m => (Some(1_000_000.0), Some(10_000_000.0)),
            FundingBand::Over10m => (Some(10_000_000.0), None),
            FundingBand::NotStated => (None, None),
        }
    }

    /// The band's code in the API and in JSON, e.g. `100k-1m` (its serde name too).
    pub fn code(self) -> &'static str {
        match self {
            FundingBand::Under100k => "under-100k",
            FundingBand::From100kTo1m => "100k-1m",
            FundingBand::From1mTo10m => "1m-10m",
            FundingBand::Over10m => "over-10m",
            FundingBand::NotStated => "not-stated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FundingBand::Under100k => "Under USD 100,000",
            FundingBand::From100kTo1m => "USD 100,000 – 1 million",
            FundingBand::From1mTo10m => "USD 1 – 10 million",
            FundingBand::Over10m => "Over USD 10 million",
            FundingBand::NotStated => "No amount stated",
        }
    }

    /// Position in `ALL`.
    pub fn position(self) -> usize {
        FundingBand::ALL
            .iter()
            .position(|b| *b == self)
            .unwrap_or(FundingBand::ALL.len() - 1)
    }

    pub fn of(usd: Option<f64>) -> FundingBand {
        match usd {
            None => FundingBand::NotStated,
            Some(x) if x < 100_000.0 => FundingBand::Under100k,
            Some(x) if x < 1_000_000.0 => FundingBand::From100kTo1m,
            Some(x) if x < 10_000_000.0 => FundingBand::From1mTo10m,
            Some(_) => FundingBand::Over10m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funding_band_has_one_name_in_json_and_the_api() {
        for band in FundingBand::ALL {
            let json = serde_json::to_string(&band).unwrap();
            assert_eq!(json, format!("\"{}\"", band.code()));
            assert_eq!(serde_json::from_str::<FundingBand>(&json).unwrap(), band);
        }
    }
}
