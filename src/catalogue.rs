//! The catalogue: the one service every front end (command line, web) calls.
//!
//! Owns the data folder (and its lock), the store and the index, and keeps the index in step:
//! every operation is one store transaction, then an index catch-up. If the process dies
//! between the two, the next start catches up from the store's change sequence.

use std::fs::{self, File, TryLockError};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};

use chrono::{DateTime, Datelike, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::index::{IndexError, OpenOutcome, SearchIndex};
use crate::matching::{self, Match, Shown};
use crate::permissions;
use crate::renewal::{Claim, LinkError, LinkKey};
use crate::reports::{self, Compendium, CountryReport, Section};
use crate::search::cache::{self, ResultCache};
use crate::search::{self, SearchError, SearchRequest, SearchResults};
use crate::stats::{self, Stats};
use crate::store::{AuditEntry, Store, StoreError, UsedRenewalLink, Writer};
use crate::submission::{Area, Invalid, Kind, Status, Submission, Vocabulary};
use crate::text;

const DATABASE_FILE: &str = "portal.redb";
const LOCK_FILE: &str = "portal.lock";
/// Records per write transaction in a bulk import.
const IMPORT_BATCH: usize = 2_000;
/// How many expired submissions one transaction archives.
const PURGE_BATCH: usize = 1_000;

/// What can go wrong in the catalogue.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error(
        "the data folder {0} is in use by another portal command (an import or a backup, say, or a portal still starting); try again when it has finished"
    )]
    InUse(PathBuf),
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot use the backup folder {path}: {source}")]
    BackupDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("no submission with id {0}")]
    NotFound(String),
    #[error("{id}: {errors}")]
    Invalid { id: String, errors: Invalid },
    #[error(transparent)]
    RenewalLink(#[from] LinkError),
}

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

/// Where the portal keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub index_dir: PathBuf,
}

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

/// How an import treats what it stores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Publish at once what is valid (trusted bulk loads); otherwise records keep their status,
    /// and records without one wait for review.
    pub publish: bool,
}

/// One record to import, with where it came from for error messages (`file.jsonl line 7`).
#[derive(Debug, Clone)]
pub struct IncomingRecord {
    pub location: String,
    pub record: std::result::Result<ExportRecord, String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub stored: u64,
    pub updated: u64,
    pub duplicates: u64,
    /// Records that could not be stored, each with its location and what was wrong.
    pub rejected: Vec<(String, String)>,
    /// The ids stored or updated, in order.
    #[serde(skip)]
    pub ids: Vec<String>,
    /// Whether the import stopped short because the portal is stopping: what it stored is
    /// kept, the rest was not read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
}

/// One line of the JSON Lines exchange format: a submission, with its earlier versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRecord {
    #[serde(flatten)]
    pub submission: Submission,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_versions: Vec<Submission>,
    /// Every change of state, with time and actor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditEntry>,
}

impl From<Submission> for ExportRecord {
    /// A submission on its own, without earlier versions or a trail (demo content, say).
    fn from(submission: Submission) -> ExportRecord {
        ExportRecord {
            submission,
            previous_versions: Vec::new(),
            audit: Vec::new(),
        }
    }
}

/// The history beside a submission on its line (any other key is skipped).
#[derive(Deserialize, Default)]
struct History {
    #[serde(default)]
    previous_versions: Vec<Submission>,
    #[serde(default)]
    audit: Vec<AuditEntry>,
}

impl ExportRecord {
    /// Reads one line of JSON Lines. The submission is read straight from the line, and its
    /// history in a second reading that skips everything else. serde's `flatten` would first
    /// copy every value of the line into a buffer, and its errors would point at the end of
    /// the line instead of at the wrong value.
    pub fn from_json(line: &str) -> serde_json::Result<ExportRecord> {
        let submission = serde_json::from_str::<Submission>(line)?;
        let History {
            previous_versions,
            audit,
        } = if may_hold_history(line) {
            serde_json::from_str(line)?
        } else {
            History::default()
        };
        Ok(ExportRecord {
            submission,
            previous_versions,
            audit,
        })
    }
}

/// Whether a line may have a history to read: only if it names one of its keys, or has an
/// escape that could spell one. A corpus or demo line has none, and is then read only once.
fn may_hold_history(line: &str) -> bool {
    line.contains("\"previous_versions\"") || line.contains("\"audit\"") || line.contains("\\u")
}

/// What one batch of an import stored: submissions new to the store, and new versions of
/// stored ones, each in the order stored.
#[derive(Default)]
struct StoredBatch {
    new: Vec<Submission>,
    updated: Vec<Submission>,
}

impl StoredBatch {
    /// Hands the batch to the index: the new ones first (they have no document yet), then
    /// the updates, each replacing whatever document its id has, even one added just before.
    fn index(&self, bulk: &mut crate::index::Bulk<'_>) -> Result<()> {
        bulk.add_new(&self.new)?;
        bulk.add(&self.updated)?;
        Ok(())
    }
}

/// The catalogue: store, index, clock and settings, for one data folder.
#[derive(Debug)]
pub struct Catalogue {
    store: Store,
    index: RwLock<Arc<SearchIndex>>,
    clock: Arc<dyn Clock>,
    lifespans: Lifespans,
    paths: Paths,
    /// Held by every write and by a reindex, so a reindex never swaps the index out from under
    /// a write's catch-up. Reads never take it.
    write_gate: Mutex<()>,
    /// The key of renewal links, read from the store (or made) on first use.
    link_key: OnceLock<LinkKey>,
    /// Recent pages of results for [`Catalogue::search_cached`].
    results: ResultCache,
    /// Set when the portal stops: long background work ends at its next batch.
    stopping: AtomicBool,
    _lock: File,
}

/// What one search reads, and the tag of that state.
struct SearchState {
    index: Arc<SearchIndex>,
    searcher: tantivy::Searcher,
    snapshot: crate::store::Reader,
    tag: cache::Tag,
}

/// The default budget of [`Catalogue::search_cached`]'s pages.
pub const SEARCH_CACHE_BYTES: usize = 128 * 1024 * 1024;

thread_local! {
    /// Set by [`cancellable`] while this thread works for a client that may go away.
    static CANCELLED: std::cell::RefCell<Option<Arc<AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `work` on this thread so that the long work in it (an import) stops at its next batch
/// or message, as on a signal, once `cancelled` is set: the client it runs for has gone (an
/// upload whose request timed out). What it stored is kept.
pub fn cancellable<T>(cancelled: Arc<AtomicBool>, work: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CANCELLED.with(|slot| *slot.borrow_mut() = None);
        }
    }
    CANCELLED.with(|slot| *slot.borrow_mut() = Some(cancelled));
    let _reset = Reset;
    work()
}

impl Catalogue {
    /// Opens the data folder (taking its lock), the store and the index; the index is caught
    /// up with the store, or rebuilt if it is missing, stale or damaged.
    pub fn open(paths: &Paths, clock: Arc<dyn Clock>) -> Result<(Catalogue, OpenOutcome)> {
        let data_dir_error = |source| CatalogueError::DataDir {
            path: paths.data_dir.clone(),
            source,
        };
        // The data folder holds the password hashes and the control socket, the index the text
        // of pending submissions: only the portal's own user may read either.
        permissions::restrict_new_files();
        std::os::unix::fs::DirBuilderExt::mode(fs::DirBuilder::new().recursive(true), 0o700)
            .create(&paths.data_dir)
            .map_err(data_dir_error)?;
        let lock = lock_data_dir(&paths.data_dir)?;
        let store = Store::open(&paths.data_dir.join(DATABASE_FILE)).map_err(|e| match e {
            StoreError::AlreadyOpen => CatalogueError::InUse(paths.data_dir.clone()),
            other => other.into(),
        })?;
        let (index, outcome) = SearchIndex::open(&paths.index_dir, &store)?;
        make_private(&paths.data_dir).map_err(data_dir_error)?;
        if let Err(error) = make_private(&paths.index_dir) {
            tracing::warn!(folder = %paths.index_dir.display(), %error, "cannot make the index folder private");
        }
        Ok((
            Catalogue {
                store,
                index: RwLock::new(Arc::new(index)),
                clock,
                lifespans: Lifespans::default(),
                paths: paths.clone(),
                write_gate: Mutex::new(()),
                link_key: OnceLock::new(),
                results: ResultCache::new(SEARCH_CACHE_BYTES),
                stopping: AtomicBool::new(false),
                _lock: lock,
            },
            outcome,
        ))
    }

    fn write_gate(&self) -> MutexGuard<'_, ()> {
        // The gate guards no data, so a poisoned one is as good as a clean one.
        self.write_gate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The folders this catalogue uses.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn set_lifespans(&mut self, lifespans: Lifespans) {
        self.lifespans = lifespans;
    }

    pub fn lifespans(&self) -> Lifespans {
        self.lifespans
    }

    /// How many bytes of recent result pages [`Catalogue::search_cached`] may keep; 0 keeps
    /// none.
    pub fn set_search_cache_bytes(&mut self, bytes: usize) {
        self.results = ResultCache::new(bytes);
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current index; a reindex swaps in a new one.
    pub fn index(&self) -> Arc<SearchIndex> {
        match self.index.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The current version of a submission, whatever its status.
    pub fn get(&self, id: &str) -> Result<Submission> {
        self.store
            .read()?
            .get(id)?
            .ok_or_else(|| CatalogueError::NotFound(id.to_string()))
    }

    /// Every earlier version of a submission, oldest first.
    pub fn previous_versions(&self, id: &str) -> Result<Vec<Submission>> {
        Ok(self.store.read()?.previous_versions(id)?)
    }

    /// Imports records: new ones are stored (and given ids), changed ones become new versions,
    /// identical ones are counted as duplicates, invalid ones are reported and skipped. The
    /// index is brought up to date once, at the end. `progress(done)` is called as it goes.
    /// After [`Catalogue::stop_background_work`] it stops at the next batch, keeping (and
    /// indexing) what it stored, and says so (`stopped`).
    pub fn import(
        &self,
        records: impl IntoIterator<Item = IncomingRecord>,
        options: ImportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport> {
        let _gate = self.write_gate();
        let index = self.index();
        // Each batch goes to the index as soon as the store has it, so indexing (on tantivy's
        // thread) overlaps with storing the next batch; nothing is searchable before `finish`.
        let mut bulk = index.bulk(&self.store)?;
        let mut report = ImportReport::default();
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        let mut done = 0u64;
        for record in records {
            // Between batches only: a short import (one message) always completes.
            if batch.is_empty() && done > 0 && self.is_stopping() {
                report.stopped = true;
                break;
            }
            batch.push(record);
            if batch.len() == IMPORT_BATCH {
                done += batch.len() as u64;
                // A fresh batch sized at once: one grown by doubling would copy its records
                // again and again, each time into memory the allocator had to fault in anew.
                let full = std::mem::replace(&mut batch, Vec::with_capacity(IMPORT_BATCH));
                let stored = self.import_batch(full, options, &mut report)?;
                stored.index(&mut bulk)?;
                progress(done);
            }
        }
        done += batch.len() as u64;
        let stored = self.import_batch(batch, options, &mut report)?;
        stored.index(&mut bulk)?;
        // The batches go on disk here, unless another write (a login to a running portal)
        // put some there first: an import stopped before this leaves nothing else behind.
        self.store.persist()?;
        progress(done);
        bulk.finish(&self.store)?;
        Ok(report)
    }

    /// Stores one batch in one transaction, on disk only with the import's last
    /// ([`Store::write_unsynced`]); returns what it stored and what it updated.
    fn import_batch(
        &self,
        batch: Vec<IncomingRecord>,
        options: ImportOptions,
        report: &mut ImportReport,
    ) -> Result<StoredBatch> {
        if batch.is_empty() {
            return Ok(StoredBatch::default());
        }
        let now = self.now();
        self.store.write_unsynced(|writer| -> Result<StoredBatch> {
            // Most of a batch is usually new: sized for it at once rather than grown by
            // doubling, each time into fresh memory.
            let mut stored = StoredBatch {
                new: Vec::with_capacity(batch.len()),
                updated: Vec::new(),
            };
            for incoming in batch {
                let record = match incoming.record {
                    Ok(record) => record,
                    Err(error) => {
                        report.rejected.push((incoming.location, error));
                        continue;
                    }
                };
                match self.import_one(writer, record, options, now) {
                    Ok(Imported::Stored(submission)) => {
                        report.stored += 1;
                        report.ids.push(submission.id.clone());
                        stored.new.push(*submission);
                    }
                    Ok(Imported::Updated(submission)) => {
                        report.updated += 1;
                        report.ids.push(submission.id.clone());
                        stored.updated.push(*submission);
                    }
                    Ok(Imported::Duplicate) => report.duplicates += 1,
                    Err(Rejected(error)) => report.rejected.push((incoming.location, error)),
                }
            }
            Ok(stored)
        })
    }

    fn import_one(
        &self,
        writer: &mut Writer,
        record: ExportRecord,
        options: ImportOptions,
        now: DateTime<Utc>,
    ) -> std::result::Result<Imported, Rejected> {
        let ExportRecord {
            mut submission,
            previous_versions,
            audit,
        } = record;
        writer.set_actor("import");
        submission.validate().map_err(|e| Rejected(e.to_string()))?;
        let timestamps = &mut submission.timestamps;
        if timestamps.received_at == DateTime::UNIX_EPOCH {
            timestamps.received_at = now;
        }
        if timestamps.updated_at == DateTime::UNIX_EPOCH {
            timestamps.updated_at = timestamps.received_at;
        }
        if options.publish && submission.status == Status::Pending {
            self.mark_published(&mut submission, now);
        } else if submission.status == Status::Published
            && submission.timestamps.published_at.is_none()
        {
            let received = submission.timestamps.received_at;
            self.mark_published(&mut submission, received);
        }

        let matched_by_id = !submission.id.is_empty();
        let existing_id = if submission.id.is_empty() {
            submission
                .provenance
                .external_key()
                .map(|key| writer.id_for_external_key(&key))
                .transpose()
                .map_err(store_failure)?
                .flatten()
        } else {
            Some(submission.id.clone())
        };
        let existing = match &existing_id {
            Some(id) => writer.get(id).map_err(store_failure)?,
            None => None,
        };
        match existing {
            Some(current) => {
                submission.id = current.id.clone();
                if !matched_by_id {
                    // The same original arriving again (an e-mail, an IATI activity): its
                    // content may change, but not where it stands in its life here.
                    submission.status = current.status;
                    submission.status_note = current.status_note.clone();
                    submission.timestamps = current.timestamps.clone();
                }
                if same_content(&current, &submission) {
                    return Ok(Imported::Duplicate);
                }
                submission.timestamps.updated_at = now;
                writer.put(&mut submission).map_err(store_failure)?;
                Ok(Imported::Updated(Box::new(submission)))
            }
            None => {
                if submission.id.is_empty() {
                    submission.id = writer
                        .next_id(submission.kind, submission.timestamps.received_at.year())
                        .map_err(store_failure)?;
                }
                for mut version in previous_versions {
                    version.id = submission.id.clone();
                    writer
                        .put_previous_version(&version)
                        .map_err(store_failure)?;
                }
                if audit.is_empty() {
                    writer.put(&mut submission).map_err(store_failure)?;
                } else {
                    writer
                        .put_restored(&mut submission, &audit)
                        .map_err(store_failure)?;
                }
                Ok(Imported::Stored(Box::new(submission)))
            }
        }
    }

    fn mark_published(&self, submission: &mut Submission, at: DateTime<Utc>) {
        submission.status = Status::Published;
        submission.timestamps.published_at = Some(at);
        if submission.timestamps.expires_at.is_none() {
            submission.timestamps.expires_at = Some(self.lifespans.expiry(submission.kind, at));
        }
    }

    /// Changes a submission with `change`, keeping the previous version. The result must still
    /// be valid; nothing is stored otherwise.
    pub fn edit(&self, id: &str, change: impl FnOnce(&mut Submission)) -> Result<Submission> {
        self.edit_by("portal", id, change)
    }

    /// `edit`, recorded in the audit trail as done by `actor`.
    pub fn edit_by(
        &self,
        actor: &str,
        id: &str,
        change: impl FnOnce(&mut Submission),
    ) -> Result<Submission> {
        let _gate = self.write_gate();
        let now = self.now();
        let submission = self.store.write(|writer| -> Result<Submission> {
            writer.set_actor(actor);
            let mut submission = writer
                .get(id)?
                .ok_or_else(|| CatalogueError::NotFound(id.to_string()))?;
            change(&mut submission);
            submission.id = id.to_string();
            submission
                .validate()
                .map_err(|errors| CatalogueError::Invalid {
                    id: id.to_string(),
                    errors,
                })?;
            submission.timestamps.updated_at = now;
            writer.put(&mut submission)?;
            Ok(submission)
        })?;
        self.index().catch_up(&self.store)?;
        Ok(submission)
    }

    /// Publishes a submission: members see it from now until its lifespan runs out.
    pub fn publish(&self, id: &str) -> Result<Submission> {
        self.publish_by("portal", id)
    }

    /// `publish`, recorded as done by `actor`.
    pub fn publish_by(&self, actor: &str, id: &str) -> Result<Submission> {
        let now = self.now();
        let lifespans = self.lifespans;
        self.edit_by(actor, id, |s| {
            s.status = Status::Published;
            s.timestamps.published_at = Some(now);
            s.timestamps.expires_at = Some(lifespans.expiry(s.kind, now));
        })
    }

    /// Renews a submission: it stays (or is again) published, valid for its kind's lifespan
    /// from now.
    pub fn renew(&self, id: &str) -> Result<Submission> {
        self.renew_by("portal", id)
    }

    /// `renew`, recorded as done by `actor`.
    pub fn renew_by(&self, actor: &str, id: &str) -> Result<Submission> {
        let now = self.now();
        let lifespans = self.lifespans;
        self.edit_by(actor, id, |s| lifespans.renew(s, now))
    }

    /// The key that signs renewal links.
    pub fn link_key(&self) -> Result<&LinkKey> {
        if let Some(key) = self.link_key.get() {
            return Ok(key);
        }
        let key = LinkKey::from_store(&self.store)?;
        // Two threads may both read it; they read the same key, and the first one set wins.
        Ok(self.link_key.get_or_init(|| key))
    }

    /// What a renewal link would renew, without using it: the submission, and the earlier use
    /// of the link if there was one.
    pub fn inspect_renewal_link(
        &self,
        token: &str,
    ) -> Result<(Claim, Submission, Option<UsedRenewalLink>)> {
        let claim = self.link_key()?.verify(token, self.now())?;
        let reader = self.store.read()?;
        let submission = reader
            .get(&claim.id)?
            .ok_or_else(|| CatalogueError::NotFound(claim.id.clone()))?;
        let used = reader.used_renewal_link(&claim.nonce)?;
        Ok((claim, submission, used))
    }

    /// Renews the one submission a renewal link names, and uses the link up, in one
    /// transaction. Only a published or archived (expired) submission can be renewed so.
    pub fn renew_with_link(&self, token: &str) -> Result<Submission> {
        let now = self.now();
        let claim = self.link_key()?.verify(token, now)?;
        let lifespans = self.lifespans;
        let _gate = self.write_gate();
        let submission = self.store.write(|writer| -> Result<Submission> {
            writer.set_actor("contact (renewal link)");
            let mut submission = writer
                .get(&claim.id)?
                .ok_or_else(|| CatalogueError::NotFound(claim.id.clone()))?;
            if !matches!(submission.status, Status::Published | Status::Expired) {
                return Err(LinkError::NotRenewable {
                    id: claim.id.clone(),
                    status: submission.status.slug().to_string(),
                }
                .into());
            }
            let use_now = UsedRenewalLink {
                id: claim.id.clone(),
                used_at: now,
            };
            if let Some(earlier) = writer.use_renewal_link(&claim.nonce, &use_now)? {
                return Err(LinkError::AlreadyUsed(earlier.used_at).into());
            }
            lifespans.renew(&mut submission, now);
            submission.timestamps.updated_at = now;
            writer.put(&mut submission)?;
            Ok(submission)
        })?;
        self.index().catch_up(&self.store)?;
        Ok(submission)
    }

    /// The submission imported earlier from the same original (Message-ID, IATI identifier).
    pub fn id_for_external_key(&self, key: &str) -> Result<Option<String>> {
        Ok(self.store.read()?.id_for_external_key(key)?)
    }

    /// Sets a submission's status (withdrawn, rejected, pending …) without other changes.
    pub fn set_status(&self, id: &str, status: Status) -> Result<Submission> {
        self.set_status_by("portal", id, status)
    }

    /// `set_status`, recorded as done by `actor`.
    pub fn set_status_by(&self, actor: &str, id: &str, status: Status) -> Result<Submission> {
        if status == Status::Published {
            return self.publish_by(actor, id);
        }
        self.edit_by(actor, id, |s| s.status = status)
    }

    /// Moves every published submission past its expiry to the archive (status `expired`):
    /// out of the index, kept in the store, restorable. Members stopped seeing them the second
    /// they expired; this only tidies up. Returns the ids archived.
    ///
    /// After [`Catalogue::stop_background_work`], it stops between batches: what it archived
    /// so far is returned, the rest waits for the next run.
    pub fn purge_expired(&self, actor: &str) -> Result<Vec<String>> {
        let now = self.now();
        let due = search::expired_ids(&self.index(), now)?;
        let mut archived = Vec::with_capacity(due.len());
        // In batches, each one transaction and one index commit: a backlog of many thousands
        // (a catalogue restored after months) is archived in seconds, not one commit apiece.
        for batch in due.chunks(PURGE_BATCH) {
            if self.is_stopping() {
                break;
            }
            let _gate = self.write_gate();
            let done = self.store.write(|writer| -> Result<Vec<String>> {
                writer.set_actor(actor);
                let mut done = Vec::with_capacity(batch.len());
                for id in batch {
                    // Re-checked against the store: an id renewed meanwhile stays.
                    let Some(mut submission) = writer.get(id)? else {
                        continue;
                    };
                    if submission.status == Status::Published
                        && submission.timestamps.expires_at.is_some_and(|e| e <= now)
                    {
                        submission.status = Status::Expired;
                        submission.timestamps.updated_at = now;
                        writer.put(&mut submission)?;
                        done.push(id.clone());
                    }
                }
                Ok(done)
            })?;
            self.index().catch_up(&self.store)?;
            archived.extend(done);
        }
        Ok(archived)
    }

    /// Asks long work (archiving a backlog, preparing and delivering reminders, imports) to
    /// stop at its next batch, message or reminder, because the portal is stopping.
    pub fn stop_background_work(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// Whether long work should stop: [`Catalogue::stop_background_work`] was called, or the
    /// client this thread works for has gone ([`cancellable`]).
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
            || CANCELLED.with(|cancelled| {
                cancelled
                    .borrow()
                    .as_ref()
                    .is_some_and(|flag| flag.load(Ordering::Relaxed))
            })
    }

    /// The archive: expired submissions, newest expiry first.
    pub fn archive(&self) -> Result<Vec<Submission>> {
        Ok(self.archive_page(0, usize::MAX)?.0)
    }

    /// A page of the archive: `limit` archived submissions from `offset` on, the latest
    /// expired first; and how many there are in all.
    pub fn archive_page(&self, offset: usize, limit: usize) -> Result<(Vec<Submission>, u64)> {
        Ok(self.store.read()?.archive_page(offset, limit)?)
    }

    /// A submission's audit trail, oldest first.
    pub fn audit(&self, id: &str) -> Result<Vec<AuditEntry>> {
        Ok(self.store.read()?.audit(id)?)
    }

    /// Searches.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        Ok(search::search(
            &self.index(),
            &self.store,
            request,
            self.now(),
        )?)
    }

    /// Searches, as [`Catalogue::search`], answering from a recent page of the same search
    /// while it still holds (nothing written since, and none of its submissions expired).
    pub fn search_cached(&self, request: &SearchRequest) -> Result<Arc<SearchResults>> {
        let state = self.search_state()?;
        let now = self.now();
        if let Some(results) = self.results.get(state.tag, request, now.timestamp()) {
            return Ok(results);
        }
        let answer =
            search::search_in(&state.index, &state.searcher, &state.snapshot, request, now)?;
        let results = Arc::new(answer.results);
        if let Some(holds_until) = answer.holds_until {
            let at = now.timestamp();
            self.results
                .put(state.tag, request, Arc::clone(&results), at, holds_until);
        }
        Ok(results)
    }

    /// The recent page of `request` that [`Catalogue::search_cached`] would answer with, if
    /// it holds one: no search, only lookups in memory (the store's sequence is one read).
    pub fn kept_page(&self, request: &SearchRequest) -> Result<Option<Arc<SearchResults>>> {
        if !self.results.is_on() {
            return Ok(None);
        }
        let state = self.search_state()?;
        Ok(self.results.get(state.tag, request, self.now().timestamp()))
    }

    /// The index, searcher and store snapshot a search reads, with their tag.
    fn search_state(&self) -> Result<SearchState> {
        let index = self.index();
        // The searcher first: the snapshot is then never older than it (see `cache::Tag`).
        let searcher = index.searcher();
        let snapshot = self.store.read()?;
        let (index_id, generation) = index.generation(&searcher);
        let tag = cache::Tag {
            index: index_id,
            generation,
            seq: snapshot.seq()?,
        };
        Ok(SearchState {
            index,
            searcher,
            snapshot,
            tag,
        })
    }

    /// The page of a search as ids, with the exact count: no records, facets or snippets.
    pub fn search_id_page(&self, request: &SearchRequest) -> Result<search::IdPage> {
        Ok(search::id_page(&self.index(), request, self.now())?)
    }

    /// The ids of every hit of a search, ignoring its page, in its order (for exports).
    pub fn search_ids(&self, request: &SearchRequest) -> Result<Vec<String>> {
        Ok(search::all_ids(&self.index(), request, self.now())?)
    }

    /// The current versions of `ids` that members may see now, in the order given (missing
    /// and no longer visible ones left out): one read snapshot for the batch.
    pub fn visible_submissions(&self, ids: &[String]) -> Result<Vec<Submission>> {
        let now = self.now();
        let reader = self.store.read()?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = reader.get(id)?
                && s.is_visible_to_members(now)
            {
                found.push(s);
            }
        }
        Ok(found)
    }

    /// The submissions that fit `id`, best first. Members' rules apply: an unpublished or
    /// expired subject has no matches shown.
    pub fn matches(&self, id: &str, limit: usize) -> Result<Vec<Match>> {
        let subject = self.get(id)?;
        Ok(matching::matches(
            &self.index(),
            &self.store,
            &subject,
            self.now(),
            limit,
            Shown::Best,
        )?)
    }

    /// Every fit of a submission, best first, at most `limit`: [`Catalogue::matches`] without
    /// leaving out those that score too low to be shown.
    pub fn fits(&self, id: &str, limit: usize) -> Result<Vec<Match>> {
        let subject = self.get(id)?;
        Ok(matching::matches(
            &self.index(),
            &self.store,
            &subject,
            self.now(),
            limit,
            Shown::Every,
        )?)
    }

    /// Counts and sums as members see the catalogue now.
    pub fn stats(&self) -> Result<Stats> {
        Ok(stats::compute(&self.index(), &self.store, self.now())?)
    }

    /// Every current need, by country: which need goes where, and the totals (no record read).
    pub fn compendium(&self) -> Result<Compendium> {
        Ok(reports::compendium(&self.index(), self.now())?)
    }

    /// The needs of one section of `compendium` that members can still see, each as `show`
    /// makes it, by area of work (see [`Compendium::read_section`]).
    pub fn compendium_section<T>(
        &self,
        compendium: &Compendium,
        section: &Section,
        show: impl FnMut(&Submission) -> T,
    ) -> Result<Vec<(Area, Vec<T>)>> {
        Ok(compendium.read_section(&self.store, section, show)?)
    }

    /// A country's current needs, the `listed` offers and funding sources that fit the most of
    /// them (and how many fit any), and its ongoing projects.
    pub fn country_report(&self, alpha3: &str, listed: usize) -> Result<CountryReport> {
        Ok(reports::country_report(
            &self.index(),
            &self.store,
            alpha3,
            self.now(),
            listed,
        )?)
    }

    /// Writes every submission, with its earlier versions, as JSON Lines. Returns how many.
    pub fn export(&self, out: &mut dyn Write) -> Result<u64> {
        let snapshot = self.store.read()?;
        let mut count = 0u64;
        let mut failure: Option<CatalogueError> = None;
        snapshot.for_each(|submission| {
            if failure.is_some() {
                return;
            }
            let result = snapshot
                .previous_versions(&submission.id)
                .map_err(CatalogueError::from)
                .and_then(|previous_versions| {
                    let audit = snapshot.audit(&submission.id)?;
                    let record = ExportRecord {
                        submission,
                        previous_versions,
                        audit,
                    };
                    write_json_line(out, &record)
                });
            match result {
                Ok(()) => count += 1,
                Err(error) => failure = Some(error),
            }
        })?;
        match failure {
            Some(error) => Err(error),
            None => Ok(count),
        }
    }

    /// Writes a consistent copy of the store (one moment's state, while the portal keeps
    /// running) to `dir`, which must be new or empty. The index is not copied: it is rebuilt
    /// from the store on restore.
    pub fn backup(&self, dir: &Path) -> Result<Backup> {
        let io = |source| CatalogueError::BackupDir {
            path: dir.to_path_buf(),
            source,
        };
        std::os::unix::fs::DirBuilderExt::mode(fs::DirBuilder::new().recursive(true), 0o700)
            .create(dir)
            .map_err(io)?;
        if fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the backup folder is not empty; choose a new one",
            )));
        }
        let partial = dir.join(format!("{DATABASE_FILE}.partial"));
        let count = self.store.backup_to(&partial)?;
        fs::rename(&partial, dir.join(DATABASE_FILE)).map_err(io)?;
        let submissions = Store::open(&dir.join(DATABASE_FILE))?.read()?.count()?;
        Ok(Backup {
            file: dir.join(DATABASE_FILE),
            tables: count.tables,
            rows: count.rows,
            seq: count.seq,
            submissions,
        })
    }

    /// Brings back a backup into `paths`' data folder, which no portal may be using. The
    /// current database is kept beside it (`portal.redb.before-restore-…`), and the index is
    /// set aside, to be rebuilt from the restored store on the next start.
    pub fn restore(paths: &Paths, backup_dir: &Path, now: DateTime<Utc>) -> Result<Backup> {
        let source = backup_dir.join(DATABASE_FILE);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CatalogueError::DataDir { path, source }
        };
        if !source.is_file() {
            return Err(CatalogueError::BackupDir {
                path: backup_dir.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("no {DATABASE_FILE} in it: not a backup made by `portal backup`"),
                ),
            });
        }
        std::os::unix::fs::DirBuilderExt::mode(fs::DirBuilder::new().recursive(true), 0o700)
            .create(&paths.data_dir)
            .map_err(io(&paths.data_dir))?;
        let _lock = lock_data_dir(&paths.data_dir)?;
        let incoming = paths.data_dir.join(format!("{DATABASE_FILE}.restoring"));
        fs::copy(&source, &incoming).map_err(io(&incoming))?;
        // Check that it opens as a store before anything is replaced.
        let (submissions, seq) = {
            let store = Store::open(&incoming)?;
            let reader = store.read()?;
            (reader.count()?, reader.seq()?)
        };
        let current = paths.data_dir.join(DATABASE_FILE);
        if current.exists() {
            let kept = paths.data_dir.join(format!(
                "{DATABASE_FILE}.before-restore-{}",
                text::file_name_moment(now)
            ));
            fs::rename(&current, &kept).map_err(io(&current))?;
        }
        fs::rename(&incoming, &current).map_err(io(&current))?;
        if paths.index_dir.exists() {
            let aside = paths.index_dir.with_file_name(format!(
                "index.before-restore-{}",
                text::file_name_moment(now)
            ));
            fs::rename(&paths.index_dir, &aside).map_err(io(&paths.index_dir))?;
        }
        Ok(Backup {
            file: current,
            tables: 0,
            rows: 0,
            seq,
            submissions,
        })
    }

    /// Rebuilds the index from scratch in a new folder and swaps it in.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let _gate = self.write_gate();
        let rebuilt = SearchIndex::rebuild(&self.paths.index_dir, &self.store, progress)?;
        // Drop the old index (and its writer lock) only after the new one is in place.
        let mut current = match self.index.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = Arc::new(rebuilt);
        drop(current);
        self.index().catch_up(&self.store)?;
        Ok(())
    }
}

/// What a backup or restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub file: PathBuf,
    pub tables: usize,
    pub rows: u64,
    /// The store's change sequence in the copy.
    pub seq: u64,
    pub submissions: u64,
}

/// How the index compares with the store, id by id (`portal check`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexCheck {
    /// The store's change sequence, and the one the index's last commit records.
    pub store_seq: u64,
    pub indexed_seq: u64,
    /// Submissions in the store, and documents in the index.
    pub stored: u64,
    pub indexed: u64,
    /// What members can find now, as the index says (every member query carries its rule).
    pub visible: u64,
    /// Ids the index should hold and does not.
    pub missing: Vec<String>,
    /// Ids the index holds and should not: unknown to the store, or archived.
    pub unexpected: Vec<String>,
    /// Ids indexed with another status or expiry than the store's.
    pub stale: Vec<String>,
    /// Ids indexed more than once.
    pub duplicated: Vec<String>,
}

impl IndexCheck {
    /// Whether the index holds exactly what the store says it should.
    pub fn agrees(&self) -> bool {
        self.store_seq == self.indexed_seq
            && self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.stale.is_empty()
            && self.duplicated.is_empty()
    }
}

impl Catalogue {
    /// Compares every indexed document with the store: the same ids, each once, with the
    /// status and expiry that decide what members see. Writes wait meanwhile, so a running
    /// portal is checked between two changes, never in the middle of one.
    pub fn check_index(&self) -> Result<IndexCheck> {
        use std::collections::BTreeMap;
        let _gate = self.write_gate();
        let index = self.index();
        let snapshot = self.store.read()?;
        let mut check = IndexCheck {
            store_seq: snapshot.seq()?,
            indexed_seq: index.indexed_seq(),
            ..IndexCheck::default()
        };
        let mut expected = BTreeMap::new();
        snapshot.for_each(|s| {
            check.stored += 1;
            if crate::index::is_indexed(&s) {
                let expires = s.timestamps.expires_at.map_or(i64::MAX, |t| t.timestamp());
                expected.insert(s.id.clone(), (s.status.ordinal(), expires));
            }
        })?;
        let now = self.now().timestamp();
        let published = Status::Published.ordinal();
        let mut seen = BTreeMap::new();
        for entry in index.entries()? {
            check.indexed += 1;
            if entry.status == Some(published) && entry.expires.is_some_and(|e| e > now) {
                check.visible += 1;
            }
            if seen.insert(entry.id.clone(), ()).is_some() {
                check.duplicated.push(entry.id);
                continue;
            }
            match expected.get(&entry.id) {
                None => check.unexpected.push(entry.id),
                Some((status, expires)) => {
                    if entry.status != Some(*status) || entry.expires != Some(*expires) {
                        check.stale.push(entry.id);
                    }
                }
            }
        }
        check.missing = expected
            .into_keys()
            .filter(|id| !seen.contains_key(id))
            .collect();
        // The index lists its documents in no particular order.
        check.unexpected.sort();
        check.stale.sort();
        check.duplicated.sort();
        Ok(check)
    }
}

enum Imported {
    Stored(Box<Submission>),
    Updated(Box<Submission>),
    Duplicate,
}

struct Rejected(String);

fn store_failure(error: StoreError) -> Rejected {
    Rejected(format!("could not be stored: {error}"))
}

/// Whether two versions say the same thing (ignoring version numbers and update times).
fn same_content(a: &Submission, b: &Submission) -> bool {
    let mut b = b.clone();
    b.version = a.version;
    b.timestamps.updated_at = a.timestamps.updated_at;
    *a == b
}

fn write_json_line(out: &mut dyn Write, record: &ExportRecord) -> Result<()> {
    let io = |e: std::io::Error| CatalogueError::DataDir {
        path: PathBuf::from("(export output)"),
        source: e,
    };
    serde_json::to_writer(&mut *out, record).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)
}

/// Makes `folder` and what it holds readable by the portal's user alone, saying so once in the
/// log when something was more open (an older version made files 0644).
fn make_private(folder: &Path) -> std::io::Result<()> {
    let changed = permissions::tighten(folder)?;
    if changed > 0 {
        tracing::warn!(
            folder = %folder.display(),
            changed,
            "made the folder and its files readable by the portal's user alone (0700 and 0600)"
        );
    }
    Ok(())
}

/// Takes the data folder's lock, so a second process gets a clear error instead of a damaged
/// store. The lock is released when the file is closed, also when the process is killed.
fn lock_data_dir(data_dir: &Path) -> Result<File> {
    let path = data_dir.join(LOCK_FILE);
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|source| CatalogueError::DataDir {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(CatalogueError::InUse(data_dir.to_path_buf()));
        }
        Err(TryLockError::Error(source)) => {
            return Err(CatalogueError::DataDir { path, source });
        }
    }
    // The pid is for people looking at the folder; failing to write it changes nothing.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = write!(file, "{}", std::process::id());
    Ok(file)
}

/// Reads JSON Lines of submissions, one record per non-blank line, naming `source` and the line
/// number in every error.
pub fn read_json_lines<R: std::io::BufRead>(
    source: &str,
    input: R,
) -> impl Iterator<Item = IncomingRecord> {
    let source = source.to_string();
    let mut lines = input.lines().enumerate();
    let mut broken = false;
    std::iter::from_fn(move || {
        loop {
            if broken {
                return None;
            }
            let (number, line) = lines.next()?;
            let location = format!("{source} line {}", number + 1);
            let record = match line {
                Err(error) => {
                    // Bytes that are not UTF-8 spoil their line only; any other error ends the
                    // reading, which could otherwise fail the same way for ever.
                    broken = error.kind() != std::io::ErrorKind::InvalidData;
                    Err(format!("cannot be read: {error}"))
                }
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => ExportRecord::from_json(&line).map_err(|e| e.to_string()),
            };
            return Some(IncomingRecord { location, record });
        }
    })
}
