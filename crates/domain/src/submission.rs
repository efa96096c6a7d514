//! The submission: what a delegation, organisation or the ISU puts on the portal.
//!
//! Plain domain types. This module knows nothing of redb, tantivy or HTTP; it checks its own
//! invariants (`Submission::validate`) against the code lists in [`crate::codes`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::codes;
pub use crate::vocabulary::{
    Area, Assistance, FundingBand, Kind, Status, SubmitterType, UnknownValue, Vocabulary,
};

/// The organisation behind a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitter {
    pub organisation: String,
    #[serde(rename = "type")]
    pub kind: SubmitterType,
    /// ISO 3166-1 alpha-3; optional for international organisations and NGOs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Where the help is meant to go: countries, regions (UN M49 codes), or everywhere.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Beneficiaries {
    /// ISO 3166-1 alpha-3 codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// UN M49 region or sub-region codes, e.g. `035` for South-eastern Asia.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Open to every country.
    #[serde(default)]
    pub global: bool,
}

/// An amount of money, with its value in US dollars from the shipped exchange-rate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    pub amount: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// The amount in USD, filled in on validation from [`codes::usd_rate`].
    #[serde(default)]
    pub usd: f64,
    /// The date of the exchange rate used for `usd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_date: Option<NaiveDate>,
}

/// When the activity runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Period {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

/// Whom to write to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// Where a submission came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A JSON Lines file.
    #[default]
    File,
    /// An e-mailed template.
    Email,
    /// A form on the portal.
    Form,
    /// An IATI activity.
    Iati,
    /// The demo generator: fictitious content.
    Demo,
}

/// Provenance: enough to trace a submission back to what its sender sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iati_identifier: Option<String>,
    /// When the source last changed it (IATI `last-updated-datetime`): a newer import updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_updated: Option<DateTime<Utc>>,
}

impl Provenance {
    /// A key that identifies the original across imports (Message-ID or IATI identifier), so
    /// that importing the same thing twice creates nothing new.
    pub fn external_key(&self) -> Option<String> {
        if let Some(id) = &self.iati_identifier {
            return Some(format!("iati:{}", id.trim()));
        }
        if let Some(id) = &self.message_id {
            return Some(format!("message-id:{}", id.trim()));
        }
        match (self.source, &self.file) {
            // Demo records are named by seed and position, so loading them twice adds nothing.
            (Source::Demo, Some(name)) => Some(format!("demo:{name}")),
            _ => None,
        }
    }
}

/// The moments in a submission's life. A record imported without them gets the import time
/// (the Unix epoch stands for "not given").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timestamps {
    pub received_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_at: Option<DateTime<Utc>>,
}

/// One need, offer, project or funding source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// Human-readable and stable, e.g. `NEED-2026-0042`. Empty until the store assigns one.
    #[serde(default)]
    pub id: String,
    pub kind: Kind,
    /// `pending` when not given.
    #[serde(default = "pending")]
    pub status: Status,
    /// 1 for the first version; every edit adds one and keeps the previous version.
    #[serde(default = "first_version")]
    pub version: u32,
    pub submitter: Submitter,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub beneficiaries: Beneficiaries,
    #[serde(default)]
    pub areas: Vec<Area>,
    /// OECD DAC 5-digit purpose codes, where a source gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dac_sectors: Vec<u32>,
    #[serde(default)]
    pub assistance: Vec<Assistance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    #[serde(default)]
    pub period: Period,
    #[serde(default)]
    pub contact: Contact,
    /// How to apply and what is required (offers and funding sources).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how_to_apply: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Why it has its status, when someone said so (e.g. the reason for a rejection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    #[serde(default)]
    pub timestamps: Timestamps,
    #[serde(default)]
    pub provenance: Provenance,
}

impl Default for Timestamps {
    fn default() -> Self {
        Timestamps {
            received_at: DateTime::UNIX_EPOCH,
            published_at: None,
            updated_at: DateTime::UNIX_EPOCH,
            expires_at: None,
            renewed_at: None,
        }
    }
}

fn first_version() -> u32 {
    1
}

fn pending() -> Status {
    Status::Pending
}

/// One thing wrong with a submission, naming the field and what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{field}\": {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Everything wrong with a submission, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Submission {
    /// Checks every field against the code lists and normalises what can be normalised:
    /// codes to upper case, duplicates removed, the USD amount computed from the shipped
    /// exchange-rate table. Returns every problem found, not just the first.
    pub fn validate(&mut self) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        let mut need_text = |field: &'static str, value: &str| {
            if value.trim().is_empty() {
                errors.push(FieldError::new(field, "is empty; it is required"));
            }
        };
        need_text("title", &self.title);
        need_text("submitter.organisation", &self.submitter.organisation);

        if !self.id.is_empty() {
            match parse_id(&self.id) {
                Some((kind, _, _)) if kind == self.kind => {}
                Some(_) => errors.push(FieldError::new(
                    "id",
                    format!(
                        "\"{}\" does not fit kind {}; its prefix must be {}",
                        self.id,
                        self.kind,
                        self.kind.id_prefix()
                    ),
                )),
                None => errors.push(FieldError::new(
                    "id",
                    format!(
                        "\"{}\" is not an id; write e.g. {}-2026-0042",
                        self.id,
                        self.kind.id_prefix()
                    ),
                )),
            }
        }

        if let Some(country) = &mut self.submitter.country {
            match codes::country(country) {
                Some(c) => *country = c.alpha3.to_string(),
                None => errors.push(unknown_country("submitter.country", country)),
            }
        }
        if self.submitter.country.is_none()
            && matches!(
                self.submitter.kind,
                SubmitterType::StateParty | SubmitterType::Signatory
            )
        {
            errors.push(FieldError::new(
                "submitter.country",
                "is required for a State Party or Signatory",
            ));
        }

        let beneficiaries = &mut self.beneficiaries;
        for country in &mut beneficiaries.countries {
            match codes::country(country) {
                Some(c) => *country = c.alpha3.to_string(),
                None => errors.push(unknown_country("beneficiaries.countries", country)),
            }
        }
        dedup_in_order(&mut beneficiaries.countries);
        for region in &beneficiaries.regions {
            if codes::region(region).is_none() {
                errors.push(FieldError::new(
                    "beneficiaries.regions",
                    format!(
                        "unknown region \"{region}\"; accepted: UN M49 codes, e.g. {}",
                        codes::regions()
                            .iter()
                            .take(4)
                            .map(|r| format!("{} ({})", r.code, r.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        dedup_in_order(&mut beneficiaries.regions);
        if beneficiaries.countries.is_empty()
            && beneficiaries.regions.is_empty()
            && !beneficiaries.global
        {
            errors.push(FieldError::new(
                "beneficiaries",
                "names no country or region and is not global; name at least one, or mark it global",
            ));
        }

        for sector in &self.dac_sectors {
            if codes::dac_sector_name(*sector).is_none() {
                errors.push(FieldError::new(
                    "dac_sectors",
                    format!("unknown DAC 5-digit sector code {sector}; e.g. 15250 (Removal of land mines and explosive remnants of war)"),
                ));
            }
        }
        for area in self
            .dac_sectors
            .iter()
            .filter_map(|s| codes::area_for_dac_sector(*s))
        {
            if !self.areas.contains(&area) {
                self.areas.push(area);
            }
        }
        dedup_in_order(&mut self.areas);
        dedup_in_order(&mut self.assistance);
        if self.areas.is_empty() {
            errors.push(FieldError::new(
                "areas",
                format!(
                    "names no area of work; accepted: {}",
                    Area::ALL
                        .iter()
                        .map(|a| a.slug())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }

        if let Some(funding) = &mut self.funding {
            funding.currency = funding.currency.trim().to_ascii_uppercase();
            if !funding.amount.is_finite() || funding.amount < 0.0 {
                errors.push(FieldError::new(
                    "funding.amount",
                    format!(
                        "{} is not an amount; write a positive number, e.g. 1200000",
                        funding.amount
                    ),
                ));
            }
            match codes::usd_rate(&funding.currency) {
                Some(rate) => {
                    funding.usd = (funding.amount * rate * 100.0).round() / 100.0;
                    funding.rate_date = Some(codes::rates_date());
                }
                None => {
                    let hint = codes::did_you_mean(&codes::suggest_currencies(&funding.currency))
                        .map(|question| format!("; {question}"))
                        .unwrap_or_default();
                    errors.push(FieldError::new(
                        "funding.currency",
                        format!(
                            "unknown or unsupported currency \"{}\"{hint}",
                            funding.currency
                        ),
                    ));
                }
            }
        }

        if let (Some(start), Some(end)) = (self.period.start, self.period.end)
            && end < start
        {
            errors.push(FieldError::new(
                "period",
                format!("ends ({end}) before it starts ({start})"),
            ));
        }
        self.contact.email = self.contact.email.trim().to_string();
        if !self.contact.email.is_empty() && !looks_like_email(&self.contact.email) {
            errors.push(FieldError::new(
                "contact.email",
                format!(
                    "{:?} is not an e-mail address; write one address, e.g. name@example.org",
                    self.contact.email
                ),
            ));
        }
        let contact_texts = [
            ("contact.name", Some(&self.contact.name)),
            ("contact.phone", self.contact.phone.as_ref()),
        ];
        for (field, text) in contact_texts {
            if let Some(c) = text.and_then(|t| control_character(t)) {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "holds the control character U+{:04X}; write it without",
                        u32::from(c)
                    ),
                ));
            }
        }
        if self.version == 0 {
            self.version = 1;
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors))
        }
    }

    /// Whether members may see it at `now`: published and not past its expiry.
    pub fn is_visible_to_members(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Published
            && self.timestamps.expires_at.is_none_or(|expiry| now < expiry)
    }

    /// The amount in USD, if the submission names one.
    pub fn usd(&self) -> Option<f64> {
        self.funding.as_ref().map(|f| f.usd)
    }
}

fn unknown_country(field: &'static str, value: &str) -> FieldError {
    let hint = codes::did_you_mean(&codes::suggest_countries(value))
        .map(|question| format!("; {question}"))
        .unwrap_or_default();
    FieldError::new(
        field,
        format!("unknown country \"{value}\"; use an ISO 3166-1 alpha-3 code{hint}"),
    )
}

/// Whether `text` is an e-mail address a reminder can be sent to: one `@`, a local part of
/// letters, digits, dots (not first, last or doubled) and ``!#$%&'*+-/=?^_`{|}~``, and a
/// domain of two or more dot-separated labels of letters, digits and inner hyphens. Quoted
/// local parts and bracketed IP addresses are refused: nobody writes them by hand, and they
/// hide a second `@` or a bare host. Every intake path (template, e-mail, JSON Lines, IATI)
/// applies this one check, through `Submission::validate` or before it.
pub fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.trim().split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && local.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 255
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// The first control character in `text` that is not a space, tab or line break, if any:
/// one in a contact's name would corrupt the headers of a reminder.
pub fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn dedup_in_order<T: PartialEq + Clone>(items: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::with_capacity(items.len());
    items.retain(|item| {
        if seen.contains(item) {
            false
        } else {
            seen.push(item.clone());
            true
        }
    });
}

/// Splits an id like `NEED-2026-0042` into its kind, year and number.
pub fn parse_id(id: &str) -> Option<(Kind, i32, u32)> {
    let mut parts = id.split('-');
    let kind = Kind::from_id_prefix(parts.next()?)?;
    let year: i32 = parts.next()?.parse().ok()?;
    let number = parts.next()?;
    if parts.next().is_some() || number.len() < 4 || !(1900..=9999).contains(&year) {
        return None;
    }
    Some((kind, year, number.parse().ok()?))
}

/// Days in words are written by [`crate::text`]; re-exported here, where callers found it.
pub use crate::text::date_in_words;

/// Formats an id from its parts.
pub fn format_id(kind: Kind, year: i32, number: u32) -> String {
    format!("{}-{year}-{number:04}", kind.id_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        assert_eq!(format_id(Kind::Need, 2026, 42), "NEED-2026-0042");
        assert_eq!(parse_id("NEED-2026-0042"), Some((Kind::Need, 2026, 42)));
        assert_eq!(
            parse_id("FUND-2027-12345"),
            Some((Kind::FundingSource, 2027, 12345))
        );
        assert_eq!(parse_id("NEED-2026-42"), None);
        assert_eq!(parse_id("WISH-2026-0042"), None);
    }

    #[test]
    fn vocabularies_parse_slugs_and_labels() {
        assert_eq!(Kind::parse("Funding source"), Ok(Kind::FundingSource));
        assert_eq!(Area::parse("victim_assistance"), Ok(Area::VictimAssistance));
        assert_eq!(
            SubmitterType::parse("State Party"),
            Ok(SubmitterType::StateParty)
        );
        let err = Assistance::parse("money").unwrap_err();
        assert!(err.to_string().contains("financial"), "{err}");
    }

    #[test]
    fn ordinals_round_trip() {
        for area in Area::ALL {
            assert_eq!(Area::from_ordinal(area.ordinal()), Some(*area));
        }
    }
}
