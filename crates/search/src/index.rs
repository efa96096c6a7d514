//! The search index: tantivy, disposable, always rebuildable from the store.
//!
//! Owns the index folder, the schema, and keeping the index in step with the store: each
//! commit records in its payload the store sequence it reflects, and [`SearchIndex::catch_up`]
//! replays whatever the store changed since. A missing, stale-schema or damaged index is rebuilt.
//! A rebuild writes a new generation folder and then swaps the `CURRENT` pointer, so no reader
//! ever opens half an index. This module decides nothing about who may see what; see `search`.

pub use crate::analysis::analyzer;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::directory::{Directory, MmapDirectory, WatchCallback, WatchHandle};
use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{
    Executor, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

mod document;
use document::schema;
pub mod table;

pub use document::{
    Fields, GLOBAL_PLACE, REGION_BASE, document, id_of_serial, is_indexed, names, period_end,
    places, region_place, serial,
};

use portal_domain::codes;
use portal_domain::submission::Submission;
use portal_store::{Store, StoreError};

/// Bump when the schema or the meaning of an indexed value changes: an index built with another
/// version is rebuilt on open.
const SCHEMA_VERSION: u32 = 7;
const TOKENIZER: &str = "portal_en";
const CURRENT: &str = "CURRENT";
/// Heap for the long-lived writer of a running portal.
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Heap for a full rebuild.
const REBUILD_HEAP: usize = 256 * 1024 * 1024;

/// A segment is rewritten without its deleted documents (expired, withdrawn, replaced by an
/// edit) once it holds this many of them and they are [`PURGE_FROM_SHARE`] of it or more:
/// every search walks past deleted documents until then. Fewer cost a search next to nothing.
const PURGE_FROM_DELETED: u32 = 1_000;
/// A fifth: a search then reads at most a quarter more than it needs.
const PURGE_FROM_SHARE: f64 = 0.2;

/// From how many documents a pass goes over a search uses every core.
const PARALLEL_FROM_DOCS: u64 = 10_000;

/// After two searches last ran side by side, how long every search stays on its own thread:
/// the portal is then under load, and every core is busy already.
const BUSY_FOR: Duration = Duration::from_millis(50);

/// One search thread per core but one: the thread that asks searches too.
fn search_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index writer lock poisoned by an earlier panic")]
    Poisoned,
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// What an index commit records about itself.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    schema: String,
    seq: u64,
}

/// Identifies the schema and the code lists its numbers refer to.
fn schema_fingerprint() -> String {
    format!("v{SCHEMA_VERSION}/countries-{}", codes::countries().len())
}

/// Why the index was rebuilt when it was opened, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// It was there and current (after catching up `caught_up` changes).
    Opened { caught_up: usize },
    /// It was rebuilt from the store, for the reason given.
    Rebuilt { reason: String },
}

/// The index of one generation folder, with its reader and writer.
pub struct SearchIndex {
    root: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    tables: Arc<table::Tables>,
    /// Keeps [`take_merges`] called while the index is open.
    _merges: WatchHandle,
    /// Searches segments on every core, for large indexes.
    parallel: Executor,
    serial: Executor,
    /// Unique to this opening of an index in this process (a reindex opens a new one).
    instance: u64,
    /// From how many documents a pass goes over it uses every core ([`PARALLEL_FROM_DOCS`]).
    parallel_from_docs: AtomicU64,
    /// The searches running now, and when some last ran side by side.
    traffic: Traffic,
}

/// How many searches are running, and whether some ran side by side lately
/// ([`SearchIndex::searching`], [`SearchIndex::executor`]).
struct Traffic {
    in_flight: AtomicUsize,
    /// Microseconds since `since` until which the portal counts as busy.
    busy_until: AtomicU64,
    /// [`BUSY_FOR`] in microseconds, unless a test set another.
    busy_for: AtomicU64,
    since: Instant,
}

impl Traffic {
    fn new() -> Traffic {
        Traffic {
            in_flight: AtomicUsize::new(0),
            busy_until: AtomicU64::new(0),
            busy_for: AtomicU64::new(BUSY_FOR.as_micros() as u64),
            since: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.since.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Counts one more search; two at once mark the portal busy for [`BUSY_FOR`].
    fn start(&self) {
        if self.in_flight.fetch_add(1, Ordering::Relaxed) > 0 {
            let busy_for = self.busy_for.load(Ordering::Relaxed);
            let until = self.now().saturating_add(busy_for);
            self.busy_until.fetch_max(until, Ordering::Relaxed);
        }
    }

    fn end(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// No other search runs, and none ran side by side within [`BUSY_FOR`].
    fn alone(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) <= 1
            && self.now() >= self.busy_until.load(Ordering::Relaxed)
    }
}

/// A search running on a [`SearchIndex`], counted while it lives.
pub struct Searching<'a> {
    traffic: &'a Traffic,
}

impl Drop for Searching<'_> {
    fn drop(&mut self) {
        self.traffic.end();
    }
}

/// The next [`SearchIndex::instance`].
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index under `root` and brings it up to date with `store`; rebuilds it when it
    /// is missing, of another schema, damaged, or ahead of the store.
    pub fn open(root: &Path, store: &Store) -> Result<(SearchIndex, OpenOutcome)> {
        fs::create_dir_all(root)?;
        let reason = match Self::open_current(root) {
            Ok(Some(index)) => match index.payload() {
                Some(payload) if payload.schema != schema_fingerprint() => {
                    format!("it was built with schema {}", payload.schema)
                }
                Some(payload) if payload.seq > store.read()?.seq()? => {
                    "it is ahead of the store (was the data folder replaced?)".to_string()
                }
                None => "it records no store sequence".to_string(),
                Some(_) => {
                    let caught_up = index.catch_up(store)?;
                    return Ok((index, OpenOutcome::Opened { caught_up }));
                }
            },
            Ok(None) => "there was none".to_string(),
            Err(error) => format!("it could not be opened ({error})"),
        };
        let index = Self::rebuild(root, store, &mut |_, _| {})?;
        Ok((index, OpenOutcome::Rebuilt { reason }))
    }

    /// Builds a fresh index of everything in `store` in a new generation folder, then swaps it
    /// in and removes the older generations. `progress(done, total)` is called as it goes.
    pub fn rebuild(
        root: &Path,
        store: &Store,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SearchIndex> {
        fs::create_dir_all(root)?;
        let generation = next_generation(root)?;
        let folder = root.join(&generation);
        fs::create_dir_all(&folder)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(&folder, schema)?;
        index.tokenizers().register(TOKENIZER, analyzer());
        let snapshot = store.read()?;
        let total = snapshot.count()?;
        {
            let mut writer: IndexWriter = index.writer(REBUILD_HEAP)?;
            let mut done = 0u64;
            let mut failure = None;
            snapshot.for_each(|submission| {
                if failure.is_none()
                    && is_indexed(&submission)
                    && let Err(error) = writer.add_document(document(&fields, &submission))
                {
                    failure = Some(error);
                }
                done += 1;
                if done.is_multiple_of(1024) {
                    progress(done, total);
                }
            })?;
            if let Some(error) = failure {
                return Err(error.into());
            }
            progress(done, total);
            commit(&mut writer, snapshot.seq()?)?;
            writer.wait_merging_threads()?;
        }
        swap_current(root, &generation)?;
        remove_other_generations(root, &generation);
        Self::open_folder(root, &folder)
    }

    fn open_current(root: &Path) -> Result<Option<SearchIndex>> {
        let Ok(generation) = fs::read_to_string(root.join(CURRENT)) else {
            return Ok(None);
        };
        let folder = root.join(generation.trim());
        if !folder.is_dir() {
            return Ok(None);
        }
        Self::open_folder(root, &folder).map(Some)
    }

    fn open_folder(root: &Path, folder: &Path) -> Result<SearchIndex> {
        let directory = MmapDirectory::open(folder).map_err(tantivy::TantivyError::from)?;
        let index = Index::open(directory)?;
        let (expected, fields) = schema();
        if index.schema() != expected {
            return Err(tantivy::TantivyError::SchemaError("schema differs".into()).into());
        }
        index.tokenizers().register(TOKENIZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
        writer.set_merge_policy(Box::new(PurgingMergePolicy::default()));
        let tables = Arc::new(table::Tables::default());
        let merges = {
            let (watched, reader, tables) = (index.clone(), reader.clone(), tables.clone());
            index.directory().watch(WatchCallback::new(move || {
                if let Err(error) = take_merges(&watched, &reader, &tables) {
                    tracing::warn!(%error, "could not search the merged segments");
                }
            }))?
        };
        Ok(SearchIndex {
            root: root.to_path_buf(),
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            tables,
            _merges: merges,
            parallel: Executor::multi_thread(search_threads(), "portal-search-")?,
            serial: Executor::single_thread(),
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            parallel_from_docs: AtomicU64::new(PARALLEL_FROM_DOCS),
            traffic: Traffic::new(),
        })
    }

    fn payload(&self) -> Option<Payload> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// The store sequence the last commit reflects.
    pub fn indexed_seq(&self) -> u64 {
        self.payload().map(|p| p.seq).unwrap_or(0)
    }

    /// Applies every store change the index has not seen yet, commits, and makes it visible
    /// to new searchers. Returns how many submissions it re-indexed.
    pub fn catch_up(&self, store: &Store) -> Result<usize> {
        let mut writer = self.writer()?;
        let snapshot = store.read()?;
        let store_seq = snapshot.seq()?;
        let indexed = self.indexed_seq();
        if store_seq == indexed {
            return Ok(0);
        }
        let changes = snapshot.changes_since(indexed)?;
        for (_, id) in &changes {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
            if let Some(submission) = snapshot.get(id)?
                && is_indexed(&submission)
            {
                writer.add_document(document(&self.fields, &submission))?;
            }
        }
        commit(&mut writer, store_seq)?;
        self.reader.reload()?;
        drop(writer);
        self.warm()?;
        Ok(changes.len())
    }

    /// Starts a bulk load: the index catches up with `store` first, then holds its writer until
    /// [`Bulk::finish`]. The caller must let nothing else write to the store meanwhile (the
    /// catalogue's write gate), so that the sequence `finish` records covers exactly what was
    /// added.
    pub fn bulk(&self, store: &Store) -> Result<Bulk<'_>> {
        self.catch_up(store)?;
        Ok(Bulk {
            index: self,
            writer: self.writer()?,
            finished: false,
        })
    }

    /// Every live document of the last commit, with the values that decide who sees it: for
    /// checking the index against the store (`portal check`).
    pub fn entries(&self) -> Result<Vec<IndexedEntry>> {
        let searcher = self.searcher();
        let addresses = searcher.search(&AllQuery, &DocSetCollector)?;
        let mut entries = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let fast = searcher.segment_reader(address.segment_ord).fast_fields();
            let status = fast.u64("status")?.first(address.doc_id);
            let expires = fast.i64(names::EXPIRES)?.first(address.doc_id);
            entries.push(IndexedEntry {
                id: doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                status,
                expires,
            });
        }
        Ok(entries)
    }

    /// Which index this is, and which of its commits `searcher` sees: equal pairs, equal
    /// documents.
    pub fn generation(&self, searcher: &Searcher) -> (u64, u64) {
        (self.instance, searcher.generation().generation_id())
    }

    /// A searcher over the last commit; take a fresh one per request.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The value table of each of `searcher`'s segments, in segment order (built for
    /// segments seen for the first time).
    pub fn tables(
        &self,
        searcher: &Searcher,
    ) -> tantivy::Result<Vec<std::sync::Arc<table::SegmentTable>>> {
        self.tables.for_searcher(searcher)
    }

    /// Counts a search as running until the guard is dropped; [`SearchIndex::executor`] reads
    /// the count, and whether searches ran side by side lately.
    pub fn searching(&self) -> Searching<'_> {
        self.traffic.start();
        Searching {
            traffic: &self.traffic,
        }
    }

    /// Where to search `searcher`'s segments for a pass over about `docs` documents: on every
    /// core when there are several segments and enough documents to repay handing work to
    /// other threads (waking them costs about as much as passing over a few thousand
    /// documents), and no other search is running nor ran side by side with another within
    /// [`BUSY_FOR`]; on the caller's thread otherwise (a catalogue of a few thousand
    /// submissions, or a rare word in a large one, answers faster without the hand-over, and
    /// under load the searches running side by side keep the cores busy already: handing their
    /// passes to the same threads would only add waiting).
    pub fn executor(&self, searcher: &Searcher, docs: u64) -> &Executor {
        let from = self.parallel_from_docs.load(Ordering::Relaxed);
        if self.traffic.alone() && searcher.segment_readers().len() > 1 && docs >= from {
            &self.parallel
        } else {
            &self.serial
        }
    }

    /// Sets from how many documents a pass uses every core (0: always, with several
    /// segments), so that tests can check that both ways give the same results.
    pub fn set_parallel_from_docs(&self, docs: u64) {
        self.parallel_from_docs.store(docs, Ordering::Relaxed);
    }

    /// Sets how long searches side by side mark the portal busy ([`BUSY_FOR`]), and ends the
    /// present mark, so that tests need not wait for it.
    pub fn set_busy_for(&self, busy_for: Duration) {
        let micros = u64::try_from(busy_for.as_micros()).unwrap_or(u64::MAX);
        self.traffic.busy_for.store(micros, Ordering::Relaxed);
        self.traffic.busy_until.store(0, Ordering::Relaxed);
    }

    /// Builds the value tables of the current segments now, so the first search after an
    /// open or a commit does not wait for them.
    pub fn warm(&self) -> Result<()> {
        self.tables(&self.searcher())?;
        Ok(())
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The tantivy index, for building queries.
    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    /// Size of the current generation on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        let Ok(generation) = fs::read_to_string(self.root.join(CURRENT)) else {
            return 0;
        };
        folder_size(&self.root.join(generation.trim()))
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>> {
        self.writer.lock().map_err(|_| IndexError::Poisoned)
    }
}

/// tantivy's merges of segments of like size, and besides them the rewriting of a segment on
/// its own once enough of its documents are deleted ([`PURGE_FROM_DELETED`]): tantivy's own
/// policy rewrites none for its deletes alone, so expiries and edits would slow every search
/// for good. tantivy runs the merges in the background after a commit; [`take_merges`] makes
/// searches read their result.
#[derive(Debug, Default)]
struct PurgingMergePolicy {
    by_size: LogMergePolicy,
}

impl MergePolicy for PurgingMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut candidates = self.by_size.compute_merge_candidates(segments);
        let merging: Vec<SegmentId> = candidates.iter().flat_map(|c| c.0.clone()).collect();
        for segment in segments {
            let deleted = segment.num_deleted_docs();
            if deleted >= PURGE_FROM_DELETED
                && f64::from(deleted) >= PURGE_FROM_SHARE * f64::from(segment.max_doc())
                && !merging.contains(&segment.id())
            {
                candidates.push(MergeCandidate(vec![segment.id()]));
            }
        }
        candidates
    }
}

/// Called whenever the index's list of segments is saved: at each commit, which the writer
/// makes searchable itself, and when tantivy has merged segments in the background, which
/// nothing else would show to searches before the next commit. Then searches move to the
/// merged segments, their tables built first.
fn take_merges(index: &Index, reader: &IndexReader, tables: &table::Tables) -> tantivy::Result<()> {
    let mut saved = index.searchable_segment_ids()?;
    let mut searched: Vec<SegmentId> = reader
        .searcher()
        .segment_readers()
        .iter()
        .map(|segment| segment.segment_id())
        .collect();
    saved.sort();
    searched.sort();
    if saved != searched {
        reader.reload()?;
        tables.for_searcher(&reader.searcher())?;
    }
    Ok(())
}

/// A bulk load in progress: submissions are added as the store commits them (indexing runs on
/// tantivy's thread meanwhile), and become searchable at [`Bulk::finish`]. Dropped unfinished,
/// it discards what it added; the next catch-up indexes those changes from the store.
pub struct Bulk<'a> {
    index: &'a SearchIndex,
    writer: MutexGuard<'a, IndexWriter>,
    finished: bool,
}

impl Bulk<'_> {
    /// Adds (or replaces) the documents of submissions the store has just committed.
    pub fn add(&mut self, submissions: &[Submission]) -> Result<()> {
        let fields = &self.index.fields;
        for submission in submissions {
            self.writer
                .delete_term(Term::from_field_text(fields.id, &submission.id));
            if is_indexed(submission) {
                self.writer.add_document(document(fields, submission))?;
            }
        }
        Ok(())
    }

    /// Adds the documents of submissions new to the store, which have none to replace.
    pub fn add_new(&mut self, submissions: &[Submission]) -> Result<()> {
        let fields = &self.index.fields;
        for submission in submissions.iter().filter(|s| is_indexed(s)) {
            self.writer.add_document(document(fields, submission))?;
        }
        Ok(())
    }

    /// Commits, recording the store's sequence, and makes the load searchable.
    pub fn finish(mut self, store: &Store) -> Result<()> {
        let seq = store.read()?.seq()?;
        commit(&mut self.writer, seq)?;
        self.finished = true;
        self.index.reader.reload()?;
        let index = self.index;
        drop(self);
        index.warm()
    }
}

impl Drop for Bulk<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Keeps uncommitted documents out of whatever commit comes next.
            let _ = self.writer.rollback();
        }
    }
}

/// One indexed document: its id, and its status and expiry as the index holds them (`None`
/// when the document lacks the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedEntry {
    pub id: String,
    pub status: Option<u64>,
    pub expires: Option<i64>,
}

fn commit(writer: &mut IndexWriter, seq: u64) -> Result<()> {
    let payload = Payload {
        schema: schema_fingerprint(),
        seq,
    };
    let mut prepared = writer.prepare_commit()?;
    // A two-field struct of a string and a number always serialises.
    prepared.set_payload(&serde_json::to_string(&payload).unwrap_or_default());
    prepared.commit()?;
    Ok(())
}

fn next_generation(root: &Path) -> Result<String> {
    let highest = fs::read_dir(root)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()?
                .strip_prefix("gen-")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    Ok(format!("gen-{:06}", highest + 1))
}

/// Points `CURRENT` at `generation` atomically: write a temporary file, then rename it.
fn swap_current(root: &Path, generation: &str) -> Result<()> {
    let temporary = root.join(format!("{CURRENT}.tmp"));
    fs::write(&temporary, generation)?;
    fs::File::open(&temporary)?.sync_all()?;
    fs::rename(&temporary, root.join(CURRENT))?;
    if let Ok(dir) = fs::File::open(root) {
        // Persisting the rename is best effort: a lost rename only means one more rebuild.
        let _ = dir.sync_all();
    }
    Ok(())
}

fn remove_other_generations(root: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("gen-") && name != keep {
            // An old generation that cannot be removed now is removed after the next rebuild.
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn folder_size(folder: &Path) -> u64 {
    fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_domain::submission::{format_id, parse_id};

    #[test]
    fn a_serial_gives_back_the_id_it_was_made_from() {
        for id in [
            "NEED-2026-0042",
            "FUND-1999-123456",
            "PROJECT-9999-0000",
            "OFFER-2027-4294967295",
        ] {
            assert_eq!(id_of_serial(serial(id)).as_deref(), Some(id), "{id}");
        }
        // Ids of another form have no serial of their own: they are read from the document.
        for id in [
            "NEED-2026-00042",
            "NEED-2026-42",
            "need-2026-0042",
            "X",
            "NEED-+2026-0042",
            "NEED-02026-0042",
            "NEED-2026-+0042",
            "NEED-2026-+12345",
        ] {
            assert_eq!(serial(id), u64::MAX, "{id}");
        }
        // Exactly the ids that format_id writes back have a serial.
        for id in [
            "OFFER-2026-0007",
            "OFFER-2026-10000",
            "OFFER-2026-01000",
            "OFFER-1900-0000",
        ] {
            let formatted = parse_id(id).is_some_and(|(k, y, n)| format_id(k, y, n) == id);
            assert_eq!(serial(id) != u64::MAX, formatted, "{id}");
        }
        assert_eq!(id_of_serial(u64::MAX), None);
    }
}
