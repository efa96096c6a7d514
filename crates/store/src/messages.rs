//! The message tables: every message received, kept byte for byte before anything is parsed,
//! and what became of it. What the outcomes mean is decided in `crate::review`.

use chrono::{DateTime, Utc};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};

use super::{
    MESSAGE_KEYS, MESSAGE_OF_SUBMISSION, MESSAGES, MESSAGES_RAW, Reader, Result, Writer,
    decode_json, encode_json,
};
use portal_domain::submission::Submission;

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum MessageOutcome {
    /// Stored, not yet parsed (only seen if the process died in between).
    Received,
    /// Became a new submission.
    Imported { id: String },
    /// Asks to change a submission; waits for an admin to accept it.
    UpdateProposed {
        id: String,
        proposed: Box<Submission>,
    },
    /// Asks to renew a submission; waits for an admin to accept it.
    RenewalRequested { id: String },
    /// An update or renewal an admin accepted.
    Accepted { id: String },
    /// An update or renewal an admin turned down.
    Declined { id: String, reason: String },
    /// Could not be read or parsed; waits for an admin to correct it.
    NeedsAttention { errors: Vec<String> },
    /// An admin set it aside: not a submission (e.g. an unrelated e-mail).
    Dismissed { reason: String },
}

impl MessageOutcome {
    /// Whether an admin still has to do something about it.
    pub fn waits_for_admin(&self) -> bool {
        matches!(
            self,
            MessageOutcome::Received
                | MessageOutcome::UpdateProposed { .. }
                | MessageOutcome::RenewalRequested { .. }
                | MessageOutcome::NeedsAttention { .. }
        )
    }
}

/// One message received and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub number: u64,
    pub received_at: DateTime<Utc>,
    /// Where it came from: the file (and position in an mbox), or "upload".
    pub origin: String,
    /// Message-ID or content hash.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateTime<Utc>>,
    /// The template text as an admin corrected it, if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_text: Option<String>,
    /// Worth knowing even when it parsed (odd charset, skipped attachment …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub outcome: MessageOutcome,
    pub updated_at: DateTime<Utc>,
}

impl Reader {
    pub fn message(&self, number: u64) -> Result<Option<MessageRecord>> {
        let table = self.txn.open_table(MESSAGES)?;
        let value = table.get(number)?;
        value.map(|v| decode_json("message", v.value())).transpose()
    }

    pub fn raw_message(&self, number: u64) -> Result<Option<Vec<u8>>> {
        let table = self.txn.open_table(MESSAGES_RAW)?;
        Ok(table.get(number)?.map(|v| v.value().to_vec()))
    }

    /// Every message record, newest first.
    pub fn messages(&self) -> Result<Vec<MessageRecord>> {
        let table = self.txn.open_table(MESSAGES)?;
        let mut records = Vec::new();
        for entry in table.range::<u64>(..)?.rev() {
            let (_, value) = entry?;
            records.push(decode_json("message", value.value())?);
        }
        Ok(records)
    }

    /// The message a submission was filed from, if it came in a message.
    pub fn message_of_submission(&self, id: &str) -> Result<Option<u64>> {
        let table = self.txn.open_table(MESSAGE_OF_SUBMISSION)?;
        Ok(table.get(id)?.map(|v| v.value()))
    }

    pub fn message_count(&self) -> Result<u64> {
        Ok(self.txn.open_table(MESSAGES)?.len()?)
    }
}

impl Writer<'_> {
    /// The message already stored under `key`, if any.
    pub fn message_for_key(&self, key: &str) -> Result<Option<u64>> {
        let table = self.txn.open_table(MESSAGE_KEYS)?;
        Ok(table.get(key)?.map(|v| v.value()))
    }

    /// Stores a new message, raw, and its first record; returns its number.
    pub fn add_message(&mut self, raw: &[u8], mut record: MessageRecord) -> Result<u64> {
        let number = {
            let table = self.txn.open_table(MESSAGES)?;
            table.last()?.map_or(1, |(k, _)| k.value() + 1)
        };
        record.number = number;
        self.txn.open_table(MESSAGES_RAW)?.insert(number, raw)?;
        self.txn
            .open_table(MESSAGE_KEYS)?
            .insert(record.key.as_str(), number)?;
        self.put_message(&record)?;
        Ok(number)
    }

    pub fn message(&self, number: u64) -> Result<Option<MessageRecord>> {
        let table = self.txn.open_table(MESSAGES)?;
        let value = table.get(number)?;
        value.map(|v| decode_json("message", v.value())).transpose()
    }

    pub fn raw_message(&self, number: u64) -> Result<Option<Vec<u8>>> {
        let table = self.txn.open_table(MESSAGES_RAW)?;
        Ok(table.get(number)?.map(|v| v.value().to_vec()))
    }

    /// The message a submission was filed from (see [`Reader::message_of_submission`]).
    pub fn message_of_submission(&self, id: &str) -> Result<Option<u64>> {
        let table = self.txn.open_table(MESSAGE_OF_SUBMISSION)?;
        Ok(table.get(id)?.map(|v| v.value()))
    }

    /// Replaces a message's record (never its raw bytes); a message that became a submission
    /// is noted as the one it was filed from.
    pub fn put_message(&mut self, record: &MessageRecord) -> Result<()> {
        let bytes = encode_json("message", record)?;
        self.txn
            .open_table(MESSAGES)?
            .insert(record.number, bytes.as_slice())?;
        if let MessageOutcome::Imported { id } = &record.outcome {
            self.txn
                .open_table(MESSAGE_OF_SUBMISSION)?
                .insert(id.as_str(), record.number)?;
        }
        Ok(())
    }
}
