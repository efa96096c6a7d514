//! How long a published submission stays current, by kind.

use chrono::{DateTime, Months, Utc};

use crate::submission::{Kind, Status, Submission, Vocabulary};

/// How long a published submission stays current, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifespans {
    pub need_months: u32,
    pub offer_months: u32,
    pub project_months: u32,
    pub funding_source_months: u32,
}

impl Default for Lifespans {
    fn default() -> Self {
        Lifespans {
            need_months: 12,
            offer_months: 12,
            project_months: 24,
            funding_source_months: 24,
        }
    }
}

impl Lifespans {
    /// Reads `need=12,offer=12,project=24,funding-source=24`; kinds not named keep their
    /// default.
    pub fn parse(text: &str) -> std::result::Result<Lifespans, String> {
        let mut lifespans = Lifespans::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, months) = part
                .split_once('=')
                .ok_or_else(|| format!("\"{part}\" is not KIND=MONTHS, e.g. need=12"))?;
            let kind = Kind::parse(kind.trim()).map_err(|e| e.to_string())?;
            let months: u32 = months
                .trim()
                .parse()
                .ok()
                .filter(|m| (1..=120).contains(m))
                .ok_or_else(|| {
                    format!(
                        "\"{}\" for {} is not a number of months from 1 to 120",
                        months.trim(),
                        kind.slug()
                    )
                })?;
            match kind {
                Kind::Need => lifespans.need_months = months,
                Kind::Offer => lifespans.offer_months = months,
                Kind::Project => lifespans.project_months = months,
                Kind::FundingSource => lifespans.funding_source_months = months,
            }
        }
        Ok(lifespans)
    }

    pub fn months(&self, kind: Kind) -> u32 {
        match kind {
            Kind::Need => self.need_months,
            Kind::Offer => self.offer_months,
            Kind::Project => self.project_months,
            Kind::FundingSource => self.funding_source_months,
        }
    }

    /// Renews `submission` at `now`: published (again), valid for its kind's lifespan from now.
    pub fn renew(&self, submission: &mut Submission, now: DateTime<Utc>) {
        submission.status = Status::Published;
        if submission.timestamps.published_at.is_none() {
            submission.timestamps.published_at = Some(now);
        }
        submission.timestamps.renewed_at = Some(now);
        submission.timestamps.expires_at = Some(self.expiry(submission.kind, now));
    }

    /// When a submission of `kind` published or renewed at `from` expires.
    pub fn expiry(&self, kind: Kind, from: DateTime<Utc>) -> DateTime<Utc> {
        from.checked_add_months(Months::new(self.months(kind)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}
