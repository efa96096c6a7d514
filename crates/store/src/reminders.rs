//! The reminder tables: every reminder prepared (once, with its full message), what became of
//! its delivery, the renewal links already used, and the secret that signs those links.
//! What is due and what a reminder says is decided in `crate::reminders`.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{
    OUTSTANDING_REMINDERS, REMINDERS, Reader, Result, SECRETS, USED_RENEWAL_LINKS, Writer,
    decode_json, encode_json,
};

/// Where a reminder is in its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Delivery {
    /// Prepared, not yet handed over (only seen between the two steps, or after a crash).
    Prepared,
    /// Handed to the SMTP server.
    Sent { at: DateTime<Utc>, server: String },
    /// Written as an .eml file to the outbox folder, for the ISU to send.
    Written { at: DateTime<Utc>, file: String },
    /// The last attempt failed; tried again later.
    Failed {
        at: DateTime<Utc>,
        error: String,
        attempts: u32,
    },
    /// Cannot be delivered (no address to send it to); shown to the ISU.
    Undeliverable { reason: String },
}

impl Delivery {
    /// Whether delivery is still to be done (or tried again).
    pub fn outstanding(&self) -> bool {
        matches!(self, Delivery::Prepared | Delivery::Failed { .. })
    }
}

/// One reminder: prepared once, for one expiry date of one submission, at one stage
/// (e.g. 30 days before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRecord {
    pub id: String,
    /// The expiry it reminds of; a renewal sets a new one, which gets reminders of its own.
    pub expires_at: DateTime<Utc>,
    /// How many days before the expiry it is due.
    pub stage_days: u32,
    pub prepared_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub subject: String,
    /// The whole message (RFC 5322), exactly as prepared: every delivery sends these bytes.
    pub message: String,
    /// Until when its renewal link works.
    pub link_valid_until: DateTime<Utc>,
    pub delivery: Delivery,
}

impl ReminderRecord {
    fn key(&self) -> (&str, i64, u32) {
        (
            self.id.as_str(),
            self.expires_at.timestamp(),
            self.stage_days,
        )
    }
}

/// A renewal link that has been used, by the link's nonce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedRenewalLink {
    pub id: String,
    pub used_at: DateTime<Utc>,
}

impl Reader {
    /// Every reminder of a submission, oldest expiry and largest stage first.
    pub fn reminders(&self, id: &str) -> Result<Vec<ReminderRecord>> {
        let table = self.txn.open_table(REMINDERS)?;
        let mut records = Vec::new();
        for entry in table.range((id, i64::MIN, 0)..=(id, i64::MAX, u32::MAX))? {
            let (_, value) = entry?;
            records.push(decode_json("reminder", value.value())?);
        }
        records.sort_by_key(|r: &ReminderRecord| (r.expires_at, std::cmp::Reverse(r.stage_days)));
        Ok(records)
    }

    /// The reminders whose delivery is still to be done.
    pub fn outstanding_reminders(&self) -> Result<Vec<ReminderRecord>> {
        let keys = self.txn.open_table(OUTSTANDING_REMINDERS)?;
        let table = self.txn.open_table(REMINDERS)?;
        let mut records = Vec::new();
        for entry in keys.range::<(&str, i64, u32)>(..)? {
            let (key, _) = entry?;
            if let Some(value) = table.get(key.value())? {
                records.push(decode_json("reminder", value.value())?);
            }
        }
        Ok(records)
    }

    /// How a renewal link was used, if it was.
    pub fn used_renewal_link(&self, nonce: &str) -> Result<Option<UsedRenewalLink>> {
        let table = self.txn.open_table(USED_RENEWAL_LINKS)?;
        let value = table.get(nonce)?;
        value
            .map(|v| decode_json("renewal link", v.value()))
            .transpose()
    }

    pub fn secret(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let table = self.txn.open_table(SECRETS)?;
        Ok(table.get(name)?.map(|v| v.value().to_vec()))
    }
}

impl Writer<'_> {
    /// Every reminder of a submission (see [`Reader::reminders`]).
    pub fn reminders(&self, id: &str) -> Result<Vec<ReminderRecord>> {
        let table = self.txn.open_table(REMINDERS)?;
        let mut records = Vec::new();
        for entry in table.range((id, i64::MIN, 0)..=(id, i64::MAX, u32::MAX))? {
            let (_, value) = entry?;
            records.push(decode_json("reminder", value.value())?);
        }
        Ok(records)
    }

    /// Stores a reminder (new, or with a new delivery state), keeping the list of outstanding
    /// deliveries in step.
    pub fn put_reminder(&mut self, record: &ReminderRecord) -> Result<()> {
        let key = record.key();
        self.txn
            .open_table(REMINDERS)?
            .insert(key, encode_json("reminder", record)?.as_slice())?;
        let mut outstanding = self.txn.open_table(OUTSTANDING_REMINDERS)?;
        if record.delivery.outstanding() {
            outstanding.insert(key, ())?;
        } else {
            outstanding.remove(key)?;
        }
        Ok(())
    }

    /// Records that a renewal link is used now, unless it was before: then returns that
    /// earlier use and records nothing.
    pub fn use_renewal_link(
        &mut self,
        nonce: &str,
        used: &UsedRenewalLink,
    ) -> Result<Option<UsedRenewalLink>> {
        let mut table = self.txn.open_table(USED_RENEWAL_LINKS)?;
        if let Some(earlier) = table.get(nonce)? {
            return Ok(Some(decode_json("renewal link", earlier.value())?));
        }
        table.insert(nonce, encode_json("renewal link", used)?.as_slice())?;
        Ok(None)
    }

    pub fn secret(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let table = self.txn.open_table(SECRETS)?;
        Ok(table.get(name)?.map(|v| v.value().to_vec()))
    }

    pub fn put_secret(&mut self, name: &str, value: &[u8]) -> Result<()> {
        self.txn.open_table(SECRETS)?.insert(name, value)?;
        Ok(())
    }
}
