//! Backups on a schedule: a consistent copy of the store (`Catalogue::backup`) in a folder of
//! its own named by its moment (`backup-20261207T180000Z`), with a manifest of each file's size
//! and SHA-256, pruned to the newest N; uploaded to S3-compatible object storage and verified
//! (`backups/s3.rs`). A backup is written under a temporary name and renamed when whole, and
//! nothing is removed that this module did not make: its folders are known by name and manifest.

pub mod s3;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalogue::{Catalogue, CatalogueError};
use crate::text;

/// The manifest's file name, in each backup folder and beside each upload.
pub const MANIFEST: &str = "manifest.json";
/// What a manifest's `format` says.
const FORMAT: &str = "cooperation-portal backup 1";
/// The start of a backup folder's name; the moment (`20261207T180000Z`) follows.
const NAME_PREFIX: &str = "backup-";
/// The start of the name a backup is made under, before it is whole.
const PARTIAL_PREFIX: &str = ".partial-backup-";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the manifest cannot be read: {source}")]
    Manifest {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "{file}: does not match the backup's manifest ({what}); the backup is damaged, nothing was restored"
    )]
    Damaged { file: String, what: String },
    #[error("{0}")]
    NotABackup(String),
    #[error("{url}: {message}")]
    Remote { url: String, message: String },
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup holds: each file with its size and SHA-256, and what was copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub made_at: DateTime<Utc>,
    pub submissions: u64,
    /// The store's change sequence in the copy.
    pub seq: u64,
    pub files: Vec<ManifestFile>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// Describes every file in `dir` (a backup just made), and writes the manifest there.
    pub fn write_for(
        dir: &Path,
        backup: &crate::catalogue::Backup,
        now: DateTime<Utc>,
    ) -> Result<Manifest> {
        let mut files = Vec::new();
        for entry in fs::read_dir(dir).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == MANIFEST || !entry.file_type().map_err(io(dir))?.is_file() {
                continue;
            }
            let (bytes, sha256) = sha256_file(&entry.path())?;
            files.push(ManifestFile {
                name,
                bytes,
                sha256,
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let manifest = Manifest {
            format: FORMAT.to_string(),
            made_at: now,
            submissions: backup.submissions,
            seq: backup.seq,
            files,
        };
        let path = dir.join(MANIFEST);
        fs::write(&path, manifest.to_json()).map_err(io(&path))?;
        Ok(manifest)
    }

    pub fn to_json(&self) -> Vec<u8> {
        // A manifest is plain data: it always serialises.
        let mut json = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        json.push(b'\n');
        json
    }

    /// Reads a manifest; `origin` names it in errors.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Manifest> {
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|source| BackupError::Manifest {
                path: origin.to_string(),
                source,
            })?;
        if let Some(bad) = manifest
            .files
            .iter()
            .find(|f| f.name.is_empty() || f.name.contains('/') || f.name.starts_with('.'))
        {
            return Err(BackupError::NotABackup(format!(
                "{origin}: the manifest names {:?}, which is not a file of a backup",
                bad.name
            )));
        }
        if manifest.format != FORMAT {
            return Err(BackupError::NotABackup(format!(
                "{origin}: the manifest's format is {:?}, not {FORMAT:?}",
                manifest.format
            )));
        }
        Ok(manifest)
    }

    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let bytes = fs::read(&path).map_err(io(&path))?;
        Manifest::from_json(&bytes, &path.display().to_string())
    }

    /// Checks every file the manifest names in `dir`: its size and its SHA-256.
    pub fn check(&self, dir: &Path) -> Result<()> {
        for file in &self.files {
            let path = dir.join(&file.name);
            let (bytes, sha256) = match sha256_file(&path) {
                Ok(found) => found,
                Err(BackupError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    return Err(BackupError::Damaged {
                        file: file.name.clone(),
                        what: "it is missing".into(),
                    });
                }
                Err(other) => return Err(other),
            };
            if bytes != file.bytes {
                return Err(BackupError::Damaged {
                    file: file.name.clone(),
                    what: format!("{bytes} bytes, the manifest says {}", file.bytes),
                });
            }
            if sha256 != file.sha256 {
                return Err(BackupError::Damaged {
                    file: file.name.clone(),
                    what: format!("SHA-256 {sha256}, the manifest says {}", file.sha256),
                });
            }
        }
        Ok(())
    }

    /// The sum of the files' sizes.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// A file's size and SHA-256 (hex).
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut file = fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// The name of a backup made at `moment`.
pub fn backup_name(moment: DateTime<Utc>) -> String {
    format!("{NAME_PREFIX}{}", text::file_name_moment(moment))
}

/// The moment in a backup's name, if `name` is one this module makes.
pub fn moment_of(name: &str) -> Option<DateTime<Utc>> {
    let moment = name.strip_prefix(NAME_PREFIX)?;
    NaiveDateTime::parse_from_str(moment, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
        .filter(|t| backup_name(*t) == name)
}

/// `24h`, `30m`, `2s`, `1h 30m`: how often `serve` makes a backup.
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text.trim()).map_err(|error| {
        format!("{text:?} is not a duration ({error}); write e.g. 24h, 30m or 2s")
    })?;
    if every < Duration::from_secs(1) {
        return Err(format!(
            "{text:?} is too short: backups at least a second apart, e.g. 24h, 30m or 2s"
        ));
    }
    Ok(every)
}

/// A backup folder this module made: the name and the manifest.
#[derive(Debug, Clone)]
pub struct LocalBackup {
    pub name: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Makes a backup in `parent/backup-<now>/`: copied under a temporary name with its manifest,
/// then renamed, so that a folder under a backup's name is always whole.
pub fn make(catalogue: &Catalogue, parent: &Path, now: DateTime<Utc>) -> Result<LocalBackup> {
    std::os::unix::fs::DirBuilderExt::mode(fs::DirBuilder::new().recursive(true), 0o700)
        .create(parent)
        .map_err(io(parent))?;
    let name = backup_name(now);
    let dir = parent.join(&name);
    if dir.exists() {
        return Err(BackupError::NotABackup(format!(
            "{} exists already: one backup a second at most",
            dir.display()
        )));
    }
    let partial = parent.join(format!("{PARTIAL_PREFIX}{}", text::file_name_moment(now)));
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(io(&partial))?;
    }
    let made = catalogue
        .backup(&partial)
        .map_err(BackupError::from)
        .and_then(|backup| Manifest::write_for(&partial, &backup, now));
    let manifest = match made {
        Ok(manifest) => manifest,
        Err(error) => {
            let _ = fs::remove_dir_all(&partial);
            return Err(error);
        }
    };
    fs::rename(&partial, &dir).map_err(io(&dir))?;
    Ok(LocalBackup {
        name,
        dir,
        manifest,
    })
}

/// The backups this module made in `parent`, oldest first: folders named as a backup, with a
/// manifest.
pub fn list(parent: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(names),
        Err(error) => return Err(io(parent)(error)),
    };
    for entry in entries {
        let entry = entry.map_err(io(parent))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if moment_of(&name).is_some() && entry.path().join(MANIFEST).is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Removes all but the newest `keep` backups in `parent`, and what an interrupted backup left
/// there; returns the names removed. Anything else in `parent` is left alone.
pub fn prune(parent: &Path, keep: usize) -> Result<Vec<String>> {
    let names = list(parent)?;
    let old = names.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for name in &names[..old] {
        let dir = parent.join(name);
        // The manifest goes first: a folder without it is no longer taken for a backup.
        fs::remove_file(dir.join(MANIFEST)).map_err(io(&dir))?;
        fs::remove_dir_all(&dir).map_err(io(&dir))?;
        removed.push(name.clone());
    }
    for entry in fs::read_dir(parent).map_err(io(parent))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial_of_ours = name
            .strip_prefix('.')
            .is_some_and(|rest| moment_of(&rest.replacen("partial-", "", 1)).is_some());
        if partial_of_ours {
            fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
        }
    }
    Ok(removed)
}

/// Where `portal restore DIR` restores from: `DIR` itself when it holds a database (checked
/// against its manifest first, when it has one), or else the newest backup this module made in
/// it.
pub fn local_source(dir: &Path) -> Result<PathBuf> {
    let chosen = if dir.join(crate::catalogue::DATABASE_FILE).is_file() {
        dir.to_path_buf()
    } else {
        match list(dir)?.pop() {
            Some(newest) => dir.join(newest),
            None => return Ok(dir.to_path_buf()),
        }
    };
    if chosen.join(MANIFEST).is_file() {
        Manifest::read(&chosen)?.check(&chosen)?;
    }
    Ok(chosen)
}

/// When and where `portal serve` makes backups.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub every: Duration,
    pub keep: usize,
    pub dir: PathBuf,
    pub remote: Option<Arc<s3::Remote>>,
}

/// Makes a backup every `schedule.every` (the first one when the newest in the folder is that
/// old, or at once when there is none), prunes, uploads and verifies; for as long as the
/// portal runs. A failure is logged and the next round tries again.
pub async fn run_schedule(catalogue: Arc<Catalogue>, schedule: Schedule) {
    let newest = list(&schedule.dir)
        .ok()
        .and_then(|names| names.last().and_then(|n| moment_of(n)));
    let first = match newest {
        Some(moment) => {
            let age = (Utc::now() - moment).to_std().unwrap_or_default();
            schedule.every.saturating_sub(age)
        }
        None => Duration::ZERO,
    };
    tokio::time::sleep(first).await;
    let mut ticks = tokio::time::interval(schedule.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        round(&catalogue, &schedule).await;
    }
}

/// One scheduled backup: made and pruned on the blocking pool, then uploaded.
async fn round(catalogue: &Arc<Catalogue>, schedule: &Schedule) {
    let started = Instant::now();
    let (working, parent, keep) = (catalogue.clone(), schedule.dir.clone(), schedule.keep);
    let made = tokio::task::spawn_blocking(move || {
        let made = make(&working, &parent, Utc::now())?;
        let removed = prune(&parent, keep)?;
        Ok::<_, BackupError>((made, removed))
    })
    .await;
    let (made, removed) = match made {
        Ok(Ok(made)) => made,
        Ok(Err(error)) => {
            tracing::error!(%error, dir = %schedule.dir.display(), "the scheduled backup failed; trying again next round");
            return;
        }
        Err(error) => {
            tracing::error!(%error, "the scheduled backup task failed");
            return;
        }
    };
    tracing::info!(
        name = %made.name,
        bytes = made.manifest.bytes(),
        submissions = made.manifest.submissions,
        seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
        pruned = removed.len(),
        "backup made"
    );
    let Some(remote) = &schedule.remote else {
        return;
    };
    let started = Instant::now();
    match remote.upload(&made).await {
        Ok(()) => tracing::info!(
            name = %made.name,
            to = %remote.url(),
            bytes = made.manifest.bytes(),
            seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
            "backup uploaded and verified"
        ),
        Err(error) => {
            tracing::error!(%error, name = %made.name, "the backup's upload failed; the next round uploads its own");
            return;
        }
    }
    match remote.prune(schedule.keep).await {
        Ok(removed) if !removed.is_empty() => {
            tracing::info!(count = removed.len(), "old uploaded backups removed")
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "cannot remove old uploaded backups"),
    }
}

/// Runs `work` to its end from synchronous code: on the running portal's runtime when called
/// from its blocking pool, else on a runtime of its own.
pub fn block_on<T>(work: impl Future<Output = T>) -> Result<T> {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        return Ok(handle.block_on(work));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| BackupError::Io {
            path: PathBuf::from("(async runtime)"),
            source,
        })?;
    Ok(runtime.block_on(work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_carry_their_moment_and_nothing_else_is_taken_for_one() {
        let moment = Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 5).unwrap();
        assert_eq!(backup_name(moment), "backup-20261207T180005Z");
        assert_eq!(moment_of("backup-20261207T180005Z"), Some(moment));
        for other in [
            "backup-1",
            "backup-20261207T180005Z.old",
            "notes",
            "backup-20261307T180005Z",
        ] {
            assert_eq!(moment_of(other), None, "{other}");
        }
    }

    #[test]
    fn durations_are_read_with_units_and_bad_ones_named() {
        assert_eq!(parse_every("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_every("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_every("2s"), Ok(Duration::from_secs(2)));
        let error = parse_every("24").unwrap_err();
        assert!(error.contains("\"24\" is not a duration"), "{error}");
        assert!(parse_every("0s").unwrap_err().contains("too short"));
    }
}
