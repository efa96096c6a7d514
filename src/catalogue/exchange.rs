//! The exchange format (JSON Lines with history), and backups and restores of the data folder.

use std::fs::{self};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{AuditEntry, Store};
use crate::submission::Submission;
use crate::text;

use super::{Catalogue, CatalogueError, DATABASE_FILE, Paths, Result, lock_data_dir};

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

impl Catalogue {
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

fn write_json_line(out: &mut dyn Write, record: &ExportRecord) -> Result<()> {
    let io = |e: std::io::Error| CatalogueError::DataDir {
        path: PathBuf::from("(export output)"),
        source: e,
    };
    serde_json::to_writer(&mut *out, record).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)
}
