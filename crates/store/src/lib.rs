//! The store: redb, the source of truth.
//!
//! Owns the database file and its tables. Every change goes through [`Store::write`], one write
//! transaction per operation, and bumps the change sequence in that same transaction, so the
//! search index can always tell what it has missed. This module knows nothing of tantivy.

use std::collections::BTreeMap;
use std::path::Path;

use redb::{
    Database, Durability, Key, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, Table, TableDefinition, Value,
};

use portal_domain::submission::{Kind, Status, Submission, format_id, parse_id};

/// Current version of every submission, as JSON, by id.
const SUBMISSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("submissions");
/// Every earlier version, as JSON, by (id, version).
const VERSIONS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("versions");
/// The latest change of each submission, by sequence number. Older entries of the same id are
/// removed, so the table holds one row per submission and stays small.
const CHANGES: TableDefinition<u64, &str> = TableDefinition::new("changes");
/// The sequence number of each submission's latest change, by id.
const CHANGED_AT: TableDefinition<&str, u64> = TableDefinition::new("changed_at");
/// Counters: `seq` (the last change) and `NEED-2026` style id counters.
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// External identity (Message-ID, IATI identifier) → submission id, for idempotent imports.
const EXTERNAL_KEYS: TableDefinition<&str, &str> = TableDefinition::new("external_keys");
/// The archived submissions (status expired), by expiry (Unix seconds; `i64::MIN` for none)
/// and id: the ISU's archive, read a page at a time. Kept by [`Writer::put`].
const ARCHIVE: TableDefinition<(i64, &str), ()> = TableDefinition::new("archive");

const SEQ: &str = "seq";
/// The change sequence the archive table was last kept at: behind [`SEQ`] when a portal from
/// before the table changed submissions, which has the table built again on opening.
const ARCHIVE_SEQ: &str = "archive-seq";

/// Password hashes (argon2id PHC strings), by account: `member` or `admin:NAME`.
const CREDENTIALS: TableDefinition<&str, &[u8]> = TableDefinition::new("credentials");
/// Live sessions, by the SHA-256 of their id (the id itself is only ever in the cookie).
const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
/// The log of login attempts, by sequence number.
const LOGINS: TableDefinition<u64, &[u8]> = TableDefinition::new("logins");
/// The audit trail: every change of state, by (submission id, entry number).
const AUDIT: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("audit");
/// Every message received, byte for byte, by message number.
const MESSAGES_RAW: TableDefinition<u64, &[u8]> = TableDefinition::new("messages_raw");
/// What became of each message (JSON), by message number.
const MESSAGES: TableDefinition<u64, &[u8]> = TableDefinition::new("messages");
/// Message-ID or content hash → message number, so a message is stored once.
const MESSAGE_KEYS: TableDefinition<&str, u64> = TableDefinition::new("message_keys");
/// Every reminder prepared, as JSON, by (submission id, expiry as Unix time, days before).
const REMINDERS: TableDefinition<(&str, i64, u32), &[u8]> = TableDefinition::new("reminders");
/// The keys of reminders whose delivery is still to be done.
const OUTSTANDING_REMINDERS: TableDefinition<(&str, i64, u32), ()> =
    TableDefinition::new("outstanding_reminders");
/// Renewal links already used, by their nonce: each works once.
const USED_RENEWAL_LINKS: TableDefinition<&str, &[u8]> = TableDefinition::new("used_renewal_links");
/// API tokens and feed tokens, by the SHA-256 of the token (the token itself is only ever
/// shown once, to whoever made it).
const ACCESS_TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("access_tokens");
/// Every letter the portal wrote (answers, confirmation links, passwords), as JSON, by number.
const LETTERS: TableDefinition<u64, &[u8]> = TableDefinition::new("letters");
/// The numbers of letters whose delivery is still to be done.
const OUTSTANDING_LETTERS: TableDefinition<u64, ()> = TableDefinition::new("outstanding_letters");
/// When a letter was last written to an address (lower case), as Unix time: the portal
/// answers an address at most so often, so two programs never write to each other for ever.
const LAST_LETTER_TO: TableDefinition<&str, i64> = TableDefinition::new("last_letter_to");
/// The message a submission was filed from (by submission id): its answers go to that message's
/// sender and thread with it.
const MESSAGE_OF_SUBMISSION: TableDefinition<&str, u64> =
    TableDefinition::new("message_of_submission");
/// Secrets the portal makes for itself (the key that signs renewal links), by name.
const SECRETS: TableDefinition<&str, &[u8]> = TableDefinition::new("secrets");
/// Requests for access made on the public form, as JSON, by number.
const ACCESS_REQUESTS: TableDefinition<u64, &[u8]> = TableDefinition::new("access_requests");
/// The focal-point list (approved requesters, removed ones kept), as JSON, by request number.
const FOCAL_POINTS: TableDefinition<u64, &[u8]> = TableDefinition::new("focal_points");

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is already open in another process")]
    AlreadyOpen,
    #[error("database error: {0}")]
    Database(#[from] redb::Error),
    #[error("stored record {id} cannot be read: {source}")]
    Corrupt {
        id: String,
        source: serde_json::Error,
    },
    #[error("cannot encode submission {id}: {source}")]
    Encode {
        id: String,
        source: serde_json::Error,
    },
    #[error("the system's random source failed: {0}")]
    Random(String),
    #[error("table {0} is not known to the backup, which would lose it")]
    UnknownTable(String),
}

macro_rules! from_redb {
    ($($ty:ty),+) => {$(
        impl From<$ty> for StoreError {
            fn from(error: $ty) -> Self {
                StoreError::Database(error.into())
            }
        }
    )+};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

impl From<redb::DatabaseError> for StoreError {
    fn from(error: redb::DatabaseError) -> Self {
        match error {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::AlreadyOpen,
            other => StoreError::Database(other.into()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// redb's page cache. Its default (1 GiB) would let a long-running portal grow towards that
/// much memory as imports touch pages; the operating system's file cache keeps the rest warm.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// The database.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens the database file, creating it and its tables if needed.
    pub fn open(path: &Path) -> Result<Store> {
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(path)?;
        let txn = db.begin_write()?;
        {
            txn.open_table(SUBMISSIONS)?;
            txn.open_table(VERSIONS)?;
            txn.open_table(CHANGES)?;
            txn.open_table(CHANGED_AT)?;
            txn.open_table(COUNTERS)?;
            txn.open_table(EXTERNAL_KEYS)?;
            txn.open_table(CREDENTIALS)?;
            txn.open_table(SESSIONS)?;
            txn.open_table(LOGINS)?;
            txn.open_table(AUDIT)?;
            txn.open_table(MESSAGES_RAW)?;
            txn.open_table(MESSAGES)?;
            txn.open_table(MESSAGE_KEYS)?;
            txn.open_table(REMINDERS)?;
            txn.open_table(OUTSTANDING_REMINDERS)?;
            txn.open_table(USED_RENEWAL_LINKS)?;
            txn.open_table(SECRETS)?;
            txn.open_table(ACCESS_TOKENS)?;
            txn.open_table(LETTERS)?;
            txn.open_table(OUTSTANDING_LETTERS)?;
            txn.open_table(LAST_LETTER_TO)?;
            txn.open_table(MESSAGE_OF_SUBMISSION)?;
            txn.open_table(ACCESS_REQUESTS)?;
            txn.open_table(FOCAL_POINTS)?;
            let has_archive = txn
                .list_tables()?
                .any(|t| redb::TableHandle::name(&t) == redb::TableHandle::name(&ARCHIVE));
            let counters = txn.open_table(COUNTERS)?;
            let counter = |key| -> Result<u64> { Ok(counters.get(key)?.map_or(0, |v| v.value())) };
            if !has_archive || counter(ARCHIVE_SEQ)? != counter(SEQ)? {
                // A store from before the archive table, or changed since by a portal from
                // before it: the table is built again from the records.
                drop(counters);
                let archived = fill_archive(&txn)?;
                if archived > 0 {
                    tracing::info!(archived, "archive table built from the stored submissions");
                }
            }
        }
        txn.commit()?;
        Ok(Store { db })
    }

    /// A consistent snapshot to read from.
    pub fn read(&self) -> Result<Reader> {
        Ok(Reader {
            txn: self.db.begin_read()?,
        })
    }

    /// Runs `work` in one write transaction and commits it if `work` succeeds; nothing is
    /// written if it fails. The commit is on disk when this returns.
    pub fn write<T, E>(&self, work: impl FnOnce(&mut Writer) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(Durability::Immediate, work)
    }

    /// [`Store::write`], committed for every reader at once but put on disk only by the next
    /// durable write ([`Store::write`], [`Store::persist`]): if the process stops before that,
    /// it is as if this had never run, and so is every other write of this kind since the
    /// last durable one. For the batches of one import: without writing out and syncing
    /// every batch's pages, and all of them on disk at its end.
    pub fn write_unsynced<T, E>(
        &self,
        work: impl FnOnce(&mut Writer) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(Durability::None, work)
    }

    /// Puts on disk every write committed by [`Store::write_unsynced`] so far.
    pub fn persist(&self) -> Result<()> {
        self.write(|_| Ok(()))
    }

    fn write_with<T, E>(
        &self,
        durability: Durability,
        work: impl FnOnce(&mut Writer) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut txn = self.db.begin_write().map_err(StoreError::from)?;
        txn.set_durability(durability).map_err(StoreError::from)?;
        let mut writer = Writer {
            txn: &txn,
            actor: "portal".to_string(),
            counters: BTreeMap::new(),
            tables: OpenTables::default(),
        };
        let value = work(&mut writer)?;
        writer.write_counters()?;
        // Closes the tables it holds open, which the commit needs.
        drop(writer);
        txn.commit().map_err(StoreError::from)?;
        Ok(value)
    }
}

/// Lists every archived submission in the archive table, and nothing else; returns how many.
fn fill_archive(txn: &redb::WriteTransaction) -> Result<u64> {
    txn.delete_table(ARCHIVE)?;
    let submissions = txn.open_table(SUBMISSIONS)?;
    let mut archive = txn.open_table(ARCHIVE)?;
    for entry in submissions.range::<&str>(..)? {
        let (id, value) = entry?;
        let submission = decode(id.value(), value.value())?;
        if submission.status == Status::Expired {
            archive.insert((archive_key(&submission), id.value()), ())?;
        }
    }
    let mut counters = txn.open_table(COUNTERS)?;
    let seq = counters.get(SEQ)?.map_or(0, |v| v.value());
    counters.insert(ARCHIVE_SEQ, seq)?;
    Ok(archive.len()?)
}

/// Where an archived submission stands in the archive table: its expiry.
fn archive_key(submission: &Submission) -> i64 {
    submission
        .timestamps
        .expires_at
        .map_or(i64::MIN, |t| t.timestamp())
}

/// A read snapshot.
pub struct Reader {
    txn: ReadTransaction,
}

impl Reader {
    /// The current version of a submission.
    pub fn get(&self, id: &str) -> Result<Option<Submission>> {
        let table = self.txn.open_table(SUBMISSIONS)?;
        let value = table.get(id)?;
        value.map(|v| decode(id, v.value())).transpose()
    }

    /// The sequence number of the last change.
    pub fn seq(&self) -> Result<u64> {
        let table = self.txn.open_table(COUNTERS)?;
        Ok(table.get(SEQ)?.map(|v| v.value()).unwrap_or(0))
    }

    /// The ids changed after `seq`, each once, with the sequence of its latest change.
    pub fn changes_since(&self, seq: u64) -> Result<Vec<(u64, String)>> {
        let table = self.txn.open_table(CHANGES)?;
        let mut changes = Vec::new();
        for entry in table.range(seq.saturating_add(1)..)? {
            let (seq, id) = entry?;
            changes.push((seq.value(), id.value().to_string()));
        }
        Ok(changes)
    }

    /// The submission imported earlier from the same original, if any.
    pub fn id_for_external_key(&self, key: &str) -> Result<Option<String>> {
        let table = self.txn.open_table(EXTERNAL_KEYS)?;
        Ok(table.get(key)?.map(|v| v.value().to_string()))
    }

    /// A page of the archive: `limit` archived submissions from `offset` on, the latest
    /// expired first; and how many there are in all.
    pub fn archive_page(&self, offset: usize, limit: usize) -> Result<(Vec<Submission>, u64)> {
        let table = self.txn.open_table(ARCHIVE)?;
        let mut page = Vec::with_capacity(limit.min(1_000));
        for entry in table.iter()?.rev().skip(offset).take(limit) {
            let (key, _) = entry?;
            if let Some(submission) = self.get(key.value().1)? {
                page.push(submission);
            }
        }
        Ok((page, table.len()?))
    }

    /// Calls `visit` with the id of every archived submission: the archive table's keys, no
    /// record read.
    pub fn for_each_archived_id(&self, mut visit: impl FnMut(&str)) -> Result<()> {
        let table = self.txn.open_table(ARCHIVE)?;
        for entry in table.iter()? {
            let (key, _) = entry?;
            visit(key.value().1);
        }
        Ok(())
    }

    /// How many submissions the store holds.
    pub fn count(&self) -> Result<u64> {
        let table = self.txn.open_table(SUBMISSIONS)?;
        Ok(table.len()?)
    }

    /// Calls `visit` with every submission, in id order.
    pub fn for_each(&self, mut visit: impl FnMut(Submission)) -> Result<()> {
        let table = self.txn.open_table(SUBMISSIONS)?;
        for entry in table.range::<&str>(..)? {
            let (id, value) = entry?;
            visit(decode(id.value(), value.value())?);
        }
        Ok(())
    }

    /// Every earlier version of a submission, oldest first.
    pub fn previous_versions(&self, id: &str) -> Result<Vec<Submission>> {
        let table = self.txn.open_table(VERSIONS)?;
        let mut versions = Vec::new();
        for entry in table.range((id, 0)..=(id, u32::MAX))? {
            let (_, value) = entry?;
            versions.push(decode(id, value.value())?);
        }
        Ok(versions)
    }
}

/// Writes within one transaction. Each method that changes a submission bumps the change
/// sequence, in the same transaction.
pub struct Writer<'txn> {
    txn: &'txn redb::WriteTransaction,
    /// Who the changes in this transaction are recorded as made by.
    actor: String,
    /// The counters this transaction has read or changed, written to their table once, before
    /// the commit: an import of thousands changes `seq` and an id counter for each submission.
    counters: BTreeMap<String, Counter>,
    tables: OpenTables<'txn>,
}

/// The tables a submission's change writes to, each opened at its first use in a transaction
/// and kept open to its end, instead of opened and closed again for each submission of an
/// import. Writer methods reach these tables only through here: redb refuses to open a table
/// twice at once.
#[derive(Default)]
struct OpenTables<'txn> {
    submissions: Option<Table<'txn, &'static str, &'static [u8]>>,
    versions: Option<Table<'txn, (&'static str, u32), &'static [u8]>>,
    audit: Option<Table<'txn, (&'static str, u64), &'static [u8]>>,
    changes: Option<Table<'txn, u64, &'static str>>,
    changed_at: Option<Table<'txn, &'static str, u64>>,
    external_keys: Option<Table<'txn, &'static str, &'static str>>,
    archive: Option<Table<'txn, (i64, &'static str), ()>>,
}

/// The table in `slot`, opened now if it is not yet.
fn opened<'slot, 'txn, K: Key + 'static, V: Value + 'static>(
    slot: &'slot mut Option<Table<'txn, K, V>>,
    txn: &'txn redb::WriteTransaction,
    definition: TableDefinition<K, V>,
) -> Result<&'slot mut Table<'txn, K, V>> {
    let table = match slot.take() {
        Some(table) => table,
        None => txn.open_table(definition)?,
    };
    Ok(slot.insert(table))
}

/// A counter's value in a write transaction, and whether the transaction changed it.
#[derive(Debug, Clone, Copy)]
struct Counter {
    value: u64,
    changed: bool,
}

impl<'txn> Writer<'txn> {
    fn submissions(&mut self) -> Result<&mut Table<'txn, &'static str, &'static [u8]>> {
        opened(&mut self.tables.submissions, self.txn, SUBMISSIONS)
    }

    fn versions(&mut self) -> Result<&mut Table<'txn, (&'static str, u32), &'static [u8]>> {
        opened(&mut self.tables.versions, self.txn, VERSIONS)
    }

    fn audit_table(&mut self) -> Result<&mut Table<'txn, (&'static str, u64), &'static [u8]>> {
        opened(&mut self.tables.audit, self.txn, AUDIT)
    }

    fn external_keys(&mut self) -> Result<&mut Table<'txn, &'static str, &'static str>> {
        opened(&mut self.tables.external_keys, self.txn, EXTERNAL_KEYS)
    }

    /// The current version of a submission.
    pub fn get(&mut self, id: &str) -> Result<Option<Submission>> {
        let value = self.submissions()?.get(id)?;
        value.map(|v| decode(id, v.value())).transpose()
    }

    /// The submission imported earlier from the same original, if any.
    pub fn id_for_external_key(&mut self, key: &str) -> Result<Option<String>> {
        let value = self.external_keys()?.get(key)?;
        Ok(value.map(|v| v.value().to_string()))
    }

    /// Gives out the next free id of `kind` in `year`, e.g. `NEED-2026-0043`.
    pub fn next_id(&mut self, kind: Kind, year: i32) -> Result<String> {
        let key = format!("{}-{year}", kind.id_prefix());
        let next = self.counter(&key)? + 1;
        self.set_counter(&key, next);
        // Numbers beyond u32 would take four billion submissions in one year.
        Ok(format_id(
            kind,
            year,
            u32::try_from(next).unwrap_or(u32::MAX),
        ))
    }

    /// Makes sure ids given out later never collide with `id`, which came from elsewhere
    /// (an export being restored).
    fn reserve_id(&mut self, id: &str) -> Result<()> {
        if let Some((kind, year, number)) = parse_id(id) {
            let key = format!("{}-{year}", kind.id_prefix());
            if u64::from(number) > self.counter(&key)? {
                self.set_counter(&key, u64::from(number));
            }
        }
        Ok(())
    }

    /// A counter's value in this transaction (0 when it was never set).
    fn counter(&mut self, key: &str) -> Result<u64> {
        if let Some(counter) = self.counters.get(key) {
            return Ok(counter.value);
        }
        let value = self
            .txn
            .open_table(COUNTERS)?
            .get(key)?
            .map_or(0, |v| v.value());
        let counter = Counter {
            value,
            changed: false,
        };
        self.counters.insert(key.to_string(), counter);
        Ok(value)
    }

    /// The next number of the sequence `key` (1 first), kept in this transaction's counters.
    fn next_number(&mut self, key: &str) -> Result<u64> {
        let next = self.counter(key)? + 1;
        self.set_counter(key, next);
        Ok(next)
    }

    /// Sets a counter read before with [`Writer::counter`]; it is written at the commit.
    fn set_counter(&mut self, key: &str, value: u64) {
        let counter = Counter {
            value,
            changed: true,
        };
        self.counters.insert(key.to_string(), counter);
    }

    /// Writes the counters this transaction changed.
    fn write_counters(&mut self) -> Result<()> {
        if !self.counters.values().any(|c| c.changed) {
            return Ok(());
        }
        let mut table = self.txn.open_table(COUNTERS)?;
        for (key, counter) in &self.counters {
            if counter.changed {
                table.insert(key.as_str(), counter.value)?;
            }
        }
        Ok(())
    }

    /// Stores `submission` as the current version. If a current version exists it is kept
    /// in the version history first, and `submission.version` becomes the next number.
    /// The id must be set.
    pub fn put(&mut self, submission: &mut Submission) -> Result<()> {
        self.put_with(submission, None)
    }

    /// Stores a submission restored from an export, with its audit trail as it was (instead
    /// of recording new events).
    pub fn put_restored(
        &mut self,
        submission: &mut Submission,
        trail: &[AuditEntry],
    ) -> Result<()> {
        self.put_with(submission, Some(trail))
    }

    fn put_with(
        &mut self,
        submission: &mut Submission,
        restored_trail: Option<&[AuditEntry]>,
    ) -> Result<()> {
        let id = submission.id.clone();
        let id = id.as_str();
        {
            let previous = self.submissions()?.get(id)?.map(|v| v.value().to_vec());
            let old = match previous {
                Some(previous_bytes) => {
                    let old = decode(id, &previous_bytes)?;
                    submission.version = old.version + 1;
                    self.versions()?
                        .insert((id, old.version), previous_bytes.as_slice())?;
                    Some(old)
                }
                None => None,
            };
            self.submissions()?
                .insert(id, encode(submission)?.as_slice())?;
            match restored_trail {
                Some(trail) => self.put_audit_entries(id, trail)?,
                None => {
                    let entries: Vec<AuditEntry> = audit::events(old.as_ref(), submission)
                        .into_iter()
                        .map(|event| AuditEntry {
                            at: submission.timestamps.updated_at,
                            event,
                            actor: self.actor.clone(),
                            note: None,
                        })
                        .collect();
                    self.put_audit_entries(id, &entries)?;
                }
            }
            self.file_in_archive(id, old.as_ref(), submission)?;
        }
        self.reserve_id(id)?;
        if let Some(key) = submission.provenance.external_key() {
            self.external_keys()?.insert(key.as_str(), id)?;
        }
        self.record_change(id)
    }

    /// Stores an earlier version as it was (restoring an export); changes nothing current.
    pub fn put_previous_version(&mut self, version: &Submission) -> Result<()> {
        let encoded = encode(version)?;
        self.versions()?
            .insert((version.id.as_str(), version.version), encoded.as_slice())?;
        Ok(())
    }

    /// Keeps the archive table: out goes the version replaced if it was archived, in comes the
    /// new one if it is.
    fn file_in_archive(
        &mut self,
        id: &str,
        old: Option<&Submission>,
        new: &Submission,
    ) -> Result<()> {
        let was = old.filter(|old| old.status == Status::Expired);
        if was.is_none() && new.status != Status::Expired {
            return Ok(());
        }
        let archive = opened(&mut self.tables.archive, self.txn, ARCHIVE)?;
        if let Some(old) = was {
            archive.remove((archive_key(old), id))?;
        }
        if new.status == Status::Expired {
            archive.insert((archive_key(new), id), ())?;
        }
        Ok(())
    }

    fn record_change(&mut self, id: &str) -> Result<()> {
        let seq = self.counter(SEQ)? + 1;
        self.set_counter(SEQ, seq);
        // Every change goes through `put_with`, which keeps the archive table.
        self.set_counter(ARCHIVE_SEQ, seq);
        let changed_at = opened(&mut self.tables.changed_at, self.txn, CHANGED_AT)?;
        let earlier = changed_at.insert(id, seq)?.map(|v| v.value());
        let changes = opened(&mut self.tables.changes, self.txn, CHANGES)?;
        if let Some(earlier) = earlier {
            changes.remove(earlier)?;
        }
        changes.insert(seq, id)?;
        Ok(())
    }
}

fn encode_json<T: serde::Serialize>(what: &str, value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| StoreError::Encode {
        id: what.to_string(),
        source,
    })
}

fn decode_json<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        id: what.to_string(),
        source,
    })
}

fn encode(submission: &Submission) -> Result<Vec<u8>> {
    serde_json::to_vec(submission).map_err(|source| StoreError::Encode {
        id: submission.id.clone(),
        source,
    })
}

fn decode(id: &str, bytes: &[u8]) -> Result<Submission> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        id: id.to_string(),
        source,
    })
}

mod access;
mod access_requests;
mod audit;
mod backup;
mod letters;
mod messages;
mod reminders;
pub use access::{LoginRecord, StoredCredential, StoredSession, StoredToken, TokenPurpose};
pub use access_requests::{
    AccessRequestRecord, FocalPoint, Removal, RequestState, Requester as AccessRequester,
};
pub use audit::{AuditEntry, AuditEvent};
pub use backup::BackupCount;
pub use letters::LetterRecord;
pub use messages::{MessageOutcome, MessageRecord};
pub use reminders::{Delivery, ReminderRecord, UsedRenewalLink};
