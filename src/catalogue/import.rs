//! Imports: records in batches, each one write transaction, the index following each batch.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::store::{StoreError, Writer};
use crate::submission::{Status, Submission};

use super::{Catalogue, ExportRecord, IMPORT_BATCH, Result};

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

impl Catalogue {
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
