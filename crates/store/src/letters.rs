//! The letters table: every e-mail the portal writes to someone other than a reminder's
//! contact (answers to senders, confirmation links, passwords for focal points), stored whole
//! before delivery, with what became of its delivery. What a letter says is decided by its
//! writer in the portal; delivery is `portal::mail`.

use chrono::{DateTime, Utc};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};

use super::{
    LAST_LETTER_TO, LETTERS, OUTSTANDING_LETTERS, Reader, Result, Writer, decode_json, encode_json,
};
use crate::Delivery;

/// The counter that numbers letters.
const LETTER_COUNTER: &str = "letters";

/// One letter: written once, delivered (or tried) until it is no longer outstanding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRecord {
    /// Its number, given by [`Writer::put_new_letter`].
    pub number: u64,
    /// Why it was written, a short slug such as `receipt` or `access-confirmation`.
    pub purpose: String,
    /// What it is about, when it is about one thing: a submission id, a message number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// The one address it goes to (lower case).
    pub to: String,
    pub subject: String,
    /// The whole message (RFC 5322), exactly as written: every delivery sends these bytes.
    pub message: String,
    pub prepared_at: DateTime<Utc>,
    pub delivery: Delivery,
}

impl Reader {
    pub fn letter(&self, number: u64) -> Result<Option<LetterRecord>> {
        let table = self.txn.open_table(LETTERS)?;
        let value = table.get(number)?;
        value.map(|v| decode_json("letter", v.value())).transpose()
    }

    /// The letters still to be delivered (or tried again), oldest first.
    pub fn outstanding_letters(&self) -> Result<Vec<LetterRecord>> {
        let keys = self.txn.open_table(OUTSTANDING_LETTERS)?;
        let table = self.txn.open_table(LETTERS)?;
        let mut records = Vec::new();
        for entry in keys.iter()? {
            let (key, _) = entry?;
            if let Some(value) = table.get(key.value())? {
                records.push(decode_json("letter", value.value())?);
            }
        }
        Ok(records)
    }

    /// The newest letters first, `limit` of them after skipping `offset`; and how many there
    /// are in all.
    pub fn letters_page(&self, offset: usize, limit: usize) -> Result<(Vec<LetterRecord>, u64)> {
        let table = self.txn.open_table(LETTERS)?;
        let total = table.len()?;
        let mut records = Vec::new();
        for entry in table.iter()?.rev().skip(offset).take(limit) {
            let (_, value) = entry?;
            records.push(decode_json("letter", value.value())?);
        }
        Ok((records, total))
    }

    /// The letters about any of `abouts` (a message's, a submission's), oldest first. Reads
    /// every letter: for one page about one message.
    pub fn letters_about(&self, abouts: &[String]) -> Result<Vec<LetterRecord>> {
        let table = self.txn.open_table(LETTERS)?;
        let mut records = Vec::new();
        for entry in table.iter()? {
            let (_, value) = entry?;
            let record: LetterRecord = decode_json("letter", value.value())?;
            if record.about.as_ref().is_some_and(|a| abouts.contains(a)) {
                records.push(record);
            }
        }
        Ok(records)
    }

    /// When a letter was last written to `address` (any case), if ever.
    pub fn last_letter_to(&self, address: &str) -> Result<Option<DateTime<Utc>>> {
        let table = self.txn.open_table(LAST_LETTER_TO)?;
        let value = table.get(address.to_lowercase().as_str())?;
        Ok(value.and_then(|v| DateTime::from_timestamp(v.value(), 0)))
    }
}

impl Writer<'_> {
    /// When a letter was last written to `address` (see [`Reader::last_letter_to`]).
    pub fn last_letter_to(&self, address: &str) -> Result<Option<DateTime<Utc>>> {
        let table = self.txn.open_table(LAST_LETTER_TO)?;
        let value = table.get(address.to_lowercase().as_str())?;
        Ok(value.and_then(|v| DateTime::from_timestamp(v.value(), 0)))
    }

    /// Stores a new letter under the next number (its `number` is set), outstanding, and
    /// notes the time it was written to its address. Returns the number.
    pub fn put_new_letter(&mut self, record: &mut LetterRecord) -> Result<u64> {
        let number = self.next_number(LETTER_COUNTER)?;
        record.number = number;
        record.to = record.to.to_lowercase();
        self.txn
            .open_table(LAST_LETTER_TO)?
            .insert(record.to.as_str(), record.prepared_at.timestamp())?;
        self.put_letter(record)?;
        Ok(number)
    }

    /// Stores a letter with a new delivery state, keeping the outstanding list in step.
    pub fn put_letter(&mut self, record: &LetterRecord) -> Result<()> {
        self.txn
            .open_table(LETTERS)?
            .insert(record.number, encode_json("letter", record)?.as_slice())?;
        let mut outstanding = self.txn.open_table(OUTSTANDING_LETTERS)?;
        if record.delivery.outstanding() {
            outstanding.insert(record.number, ())?;
        } else {
            outstanding.remove(record.number)?;
        }
        Ok(())
    }
}
