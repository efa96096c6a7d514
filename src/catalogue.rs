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

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::index::{IndexError, OpenOutcome, SearchIndex};
use crate::permissions;
use crate::renewal::{LinkError, LinkKey};
use crate::search::SearchError;
use crate::search::cache::{self, ResultCache};
use crate::store::{Store, StoreError};
use crate::submission::{Invalid, Status, Submission};

mod correspondent;
mod exchange;
mod import;
mod lifecycle;
mod lifespans;
mod queries;

pub use correspondent::{Correspondent, without_letters};
pub use exchange::{Backup, ExportRecord};
pub use import::{ImportOptions, ImportReport, IncomingRecord, read_json_lines};
pub use lifespans::Lifespans;
pub use queries::{IndexCheck, IndexPosition};

/// The database's file name, in the data folder and in a backup.
pub const DATABASE_FILE: &str = "portal.redb";
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
    #[error("no message {0}")]
    MessageNotFound(u64),
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
    /// Who writes letters about what is filed and changed (answers to senders), if anyone.
    correspondent: Option<Arc<dyn Correspondent>>,
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
                correspondent: None,
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

    /// Sets who writes letters about what is filed and changed (answers to senders).
    pub fn set_correspondent(&mut self, correspondent: Arc<dyn Correspondent>) {
        self.correspondent = Some(correspondent);
    }

    /// Who writes letters, unless there is no one or letters are off on this thread
    /// ([`without_letters`]).
    pub fn correspondent(&self) -> Option<&dyn Correspondent> {
        if correspondent::letters_off() {
            return None;
        }
        self.correspondent.as_deref()
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

    fn mark_published(&self, submission: &mut Submission, at: DateTime<Utc>) {
        submission.status = Status::Published;
        submission.timestamps.published_at = Some(at);
        if submission.timestamps.expires_at.is_none() {
            submission.timestamps.expires_at = Some(self.lifespans.expiry(submission.kind, at));
        }
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
