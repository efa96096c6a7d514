//! The intake pipeline's front: files, folders and standard input, sniffed (e-mail, mbox,
//! maildir, template, IATI, JSON Lines) and handed on: messages to filing, records to the
//! catalogue.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalogue::{Catalogue, ExportRecord, ImportOptions, ImportReport, IncomingRecord};
use crate::intake::{email, iati, template};
use crate::store::MessageOutcome;
use crate::submission::Submission;

use super::Result;
use super::filing::{Arrival, Received, receive_message};

/// The largest file `portal import` reads whole: any but JSON Lines, which it reads line by
/// line.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What an import did, over every file given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntakeReport {
    /// New submissions stored.
    pub stored: u64,
    /// Existing submissions changed (JSON Lines, newer IATI activities, accepted updates).
    pub updated: u64,
    /// Messages, records and activities seen before: nothing new.
    pub duplicates: u64,
    /// Updates and renewals waiting for an admin to accept them.
    pub waiting: u64,
    /// Messages stored but not understood: waiting for an admin to correct them.
    pub needs_attention: u64,
    /// What could not even be stored (unreadable files), or was refused (invalid records and
    /// activities), with where and why.
    pub problems: Vec<(String, String)>,
    /// What was stored without a part the sender wrote, with where and why: an IATI contact
    /// e-mail that is no address is left out, and the import says so.
    pub warnings: Vec<(String, String)>,
    /// Whether anything could not be stored at all (the command then exits non-zero).
    pub failed_to_store: bool,
    /// What became of each message (an e-mail or a template), one line each: the id it was
    /// stored as, or the submission it proposes to change. The first [`MAX_FILED_LINES`].
    pub filed: Vec<String>,
    /// Messages filed beyond those in `filed`.
    pub filed_not_listed: u64,
    /// Whether the import stopped short because the portal is stopping.
    pub stopped: bool,
}

/// How many messages an [`IntakeReport`] lists one by one.
pub const MAX_FILED_LINES: usize = 100;

impl IntakeReport {
    fn note_filed(&mut self, line: String) {
        if self.filed.len() < MAX_FILED_LINES {
            self.filed.push(line);
        } else {
            self.filed_not_listed += 1;
        }
    }

    /// Counts what a catalogue import did, its refused records among the problems.
    fn add(&mut self, imported: ImportReport) {
        self.stored += imported.stored;
        self.updated += imported.updated;
        self.duplicates += imported.duplicates;
        self.failed_to_store |= !imported.rejected.is_empty();
        self.problems.extend(imported.rejected);
        self.stopped |= imported.stopped;
    }
}

/// Imports a file or folder: JSON Lines, e-mails (.eml, mbox, maildir), filled templates
/// (.txt) or IATI XML, recognised by content. One file's failure never stops the rest.
pub fn import_path(
    catalogue: &Catalogue,
    path: &Path,
    options: ImportOptions,
    report: &mut IntakeReport,
) {
    if path.is_dir() {
        import_folder(catalogue, path, options, report);
        return;
    }
    let name = path.display().to_string();
    match File::open(path) {
        Ok(file) => {
            let mut input = BufReader::with_capacity(READ_BUFFER_BYTES, file);
            import_input(catalogue, &mut input, &name, options, report);
        }
        Err(error) => {
            report
                .problems
                .push((name, format!("cannot be read: {error}")));
            report.failed_to_store = true;
        }
    }
}

/// Imports what `input` holds (a file's content, standard input), recognised by content as
/// [`import_path`] does; `origin` names it in messages and provenance. JSON Lines are imported
/// as they are read, whatever their size; anything else is read whole, up to
/// [`MAX_FILE_BYTES`].
pub fn import_input(
    catalogue: &Catalogue,
    input: &mut dyn BufRead,
    origin: &str,
    options: ImportOptions,
    report: &mut IntakeReport,
) {
    let result = match open_input(input, origin) {
        Ok(Opened::JsonLines(lines)) => {
            import_json_lines(catalogue, lines, origin, options, report)
        }
        Ok(Opened::Whole(bytes)) => import_bytes(catalogue, &bytes, origin, options, report),
        Ok(Opened::Empty) => {
            // Nothing anyone wrote, so nothing to keep: said, but not a failure.
            let problem = "is empty: nothing to import".to_string();
            report.problems.push((origin.to_string(), problem));
            return;
        }
        Err(reason) => {
            report.problems.push((origin.to_string(), reason));
            report.failed_to_store = true;
            return;
        }
    };
    if let Err(error) = result {
        report
            .problems
            .push((origin.to_string(), error.to_string()));
        report.failed_to_store = true;
    }
}

/// How much of a file is read at a time.
const READ_BUFFER_BYTES: usize = 1 << 20;

/// An input opened for import: JSON Lines to be read as they are imported, anything else read
/// whole, or nothing but white space.
enum Opened<R> {
    JsonLines(R),
    Whole(Vec<u8>),
    Empty,
}

/// Reads the start of `input` to tell what it holds, then hands back JSON Lines to be read
/// from that start on, or reads anything else whole (up to [`MAX_FILE_BYTES`]).
fn open_input<R: BufRead>(
    mut input: R,
    name: &str,
) -> std::result::Result<Opened<impl BufRead>, String> {
    let cannot = |e: std::io::Error| format!("cannot be read: {e}");
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut input)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    if head.len() < HEAD_BYTES && head.iter().all(u8::is_ascii_whitespace) {
        return Ok(Opened::Empty);
    }
    let json_lines = is_json_lines(&head, name);
    let mut whole = std::io::Cursor::new(head).chain(input);
    if json_lines {
        return Ok(Opened::JsonLines(whole));
    }
    let mut bytes = Vec::new();
    (&mut whole)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "is larger than {} MiB, which only JSON Lines may be",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(Opened::Whole(bytes))
}

fn import_folder(
    catalogue: &Catalogue,
    dir: &Path,
    options: ImportOptions,
    report: &mut IntakeReport,
) {
    let files = match email::maildir_files(dir) {
        Some(files) => files,
        None => match fs::read_dir(dir) {
            Ok(entries) => {
                let mut files: Vec<_> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        !p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with('.'))
                    })
                    .collect();
                files.sort();
                files
            }
            Err(error) => {
                report.problems.push((
                    dir.display().to_string(),
                    format!("cannot be read: {error}"),
                ));
                report.failed_to_store = true;
                return;
            }
        },
    };
    for file in files {
        if catalogue.is_stopping() {
            report.stopped = true;
            return;
        }
        import_path(catalogue, &file, options, report);
    }
}

/// What a file holds, judged from its content (and, for ambiguous text, its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    JsonLines,
    Iati,
    Mbox,
    Template,
    Email,
}

/// How much of a file's start [`file_kind`] looks at.
const HEAD_BYTES: usize = 4096;

fn file_kind(bytes: &[u8], name: &str) -> FileKind {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD_BYTES)]);
    let trimmed = start.trim_start_matches('\u{feff}').trim_start();
    let lower = name.to_ascii_lowercase();
    if is_json_lines(bytes, name) {
        FileKind::JsonLines
    } else if iati::looks_like_iati(bytes) {
        FileKind::Iati
    } else if email::is_mbox(bytes) {
        FileKind::Mbox
    } else if lower.ends_with(".eml") || starts_with_mail_header(trimmed) {
        FileKind::Email
    } else if lower.ends_with(".txt") || template::looks_like_template(&start) {
        FileKind::Template
    } else {
        FileKind::Email
    }
}

/// Whether a file is JSON Lines, judged from its name or the start of its content.
fn is_json_lines(bytes: &[u8], name: &str) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD_BYTES)]);
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".jsonl")
        || lower.ends_with(".ndjson")
        || start
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
}

/// Whether the text opens with a header an e-mail has and a template does not.
fn starts_with_mail_header(text: &str) -> bool {
    const HEADERS: &[&str] = &[
        "from:",
        "to:",
        "subject:",
        "date:",
        "message-id:",
        "received:",
        "return-path:",
        "delivered-to:",
        "mime-version:",
        "content-type:",
        "x-",
        "reply-to:",
        "sender:",
    ];
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    HEADERS.iter().any(|h| first.starts_with(h))
}

/// Imports JSON Lines of submissions as they are read; `origin` names the file in messages.
fn import_json_lines(
    catalogue: &Catalogue,
    input: impl BufRead,
    origin: &str,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<()> {
    let records = crate::catalogue::read_json_lines(origin, input);
    report.add(catalogue.import(records, options, &mut |_| {})?);
    Ok(())
}

/// Imports one file's content; `origin` names it in messages and provenance.
pub fn import_bytes(
    catalogue: &Catalogue,
    bytes: &[u8],
    origin: &str,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<()> {
    match file_kind(bytes, origin) {
        FileKind::JsonLines => import_json_lines(catalogue, bytes, origin, options, report)?,
        FileKind::Iati => import_iati(catalogue, bytes, origin, options, report)?,
        FileKind::Mbox => {
            for (i, raw) in email::split_mbox(bytes).iter().enumerate() {
                if catalogue.is_stopping() {
                    report.stopped = true;
                    break;
                }
                let where_ = format!("{origin} message {}", i + 1);
                receive(catalogue, raw, &where_, Arrival::Email, options, report)?;
            }
        }
        FileKind::Template => {
            receive(catalogue, bytes, origin, Arrival::Template, options, report)?;
        }
        FileKind::Email => {
            receive(catalogue, bytes, origin, Arrival::Email, options, report)?;
        }
    }
    Ok(())
}

/// IATI: every activity read is imported (or updates an earlier import when its
/// last-updated-datetime is newer); every refused one is reported with its reason.
fn import_iati(
    catalogue: &Catalogue,
    bytes: &[u8],
    origin: &str,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<()> {
    let activities = match iati::parse_file(bytes) {
        Ok(activities) => activities,
        Err(reason) => {
            report.problems.push((origin.to_string(), reason));
            report.failed_to_store = true;
            return Ok(());
        }
    };
    let snapshot = catalogue.store().read()?;
    let mut records = Vec::new();
    for (i, activity) in activities.into_iter().enumerate() {
        let location = format!("{origin} activity {}", i + 1);
        match activity {
            Err(problem) => {
                report.failed_to_store = true;
                report.problems.push((
                    format!(
                        "{origin} activity {}{}",
                        problem.position,
                        problem
                            .identifier
                            .as_ref()
                            .map(|id| format!(" ({id})"))
                            .unwrap_or_default()
                    ),
                    problem.reason,
                ));
            }
            Ok(activity) => {
                report.warnings.extend(
                    activity
                        .notes
                        .iter()
                        .filter(|note| note.starts_with("contact e-mail"))
                        .map(|note| (location.clone(), note.clone())),
                );
                let mut submission = activity.submission;
                submission.provenance.file = Some(origin.to_string());
                submission.provenance.source_updated = activity.last_updated;
                if is_older_than_stored(catalogue, &snapshot, &submission)? {
                    report.duplicates += 1;
                    continue;
                }
                records.push(IncomingRecord {
                    location,
                    record: Ok(ExportRecord {
                        submission,
                        previous_versions: Vec::new(),
                        audit: Vec::new(),
                    }),
                });
            }
        }
    }
    report.add(catalogue.import(records, options, &mut |_| {})?);
    Ok(())
}

/// Whether an earlier import of the same IATI activity is as new or newer.
fn is_older_than_stored(
    catalogue: &Catalogue,
    snapshot: &crate::store::Reader,
    submission: &Submission,
) -> Result<bool> {
    let Some(key) = submission.provenance.external_key() else {
        return Ok(false);
    };
    let Some(id) = catalogue.id_for_external_key(&key)? else {
        return Ok(false);
    };
    let Some(stored) = snapshot.get(&id)? else {
        return Ok(false);
    };
    let newer = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
        (Some(a), Some(b)) => a > b,
        _ => false,
    };
    Ok(!newer(
        submission.provenance.source_updated,
        stored.provenance.source_updated,
    ) && stored.provenance.source_updated.is_some())
}

/// Imports one e-mail as `portal import` does an .eml file, counting it in `report`, and says
/// what became of it (the ISU's mailbox moves or flags the message by that).
pub fn import_email(
    catalogue: &Catalogue,
    raw: &[u8],
    origin: &str,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<Received> {
    receive(catalogue, raw, origin, Arrival::Email, options, report)
}

/// Hands one message to filing and counts what became of it in `report`.
fn receive(
    catalogue: &Catalogue,
    raw: &[u8],
    origin: &str,
    arrival: Arrival,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<Received> {
    let received = receive_message(catalogue, raw, origin, arrival, options)?;
    match &received {
        Received::Duplicate => report.duplicates += 1,
        Received::Filed(record) => match &record.outcome {
            MessageOutcome::Imported { id } => {
                report.stored += 1;
                let state = if options.publish {
                    "published"
                } else {
                    "waiting for review"
                };
                report.note_filed(format!("{origin}: stored as {id}, {state}"));
            }
            MessageOutcome::Accepted { id } => {
                report.updated += 1;
                report.note_filed(format!("{origin}: updated {id}"));
            }
            MessageOutcome::UpdateProposed { id, .. } => {
                report.waiting += 1;
                report.note_filed(format!(
                    "{origin}: proposes an update of {id}, waiting for an admin to accept it"
                ));
            }
            MessageOutcome::RenewalRequested { id } => {
                report.waiting += 1;
                report.note_filed(format!(
                    "{origin}: asks to renew {id}, waiting for an admin to accept it"
                ));
            }
            MessageOutcome::NeedsAttention { errors } => {
                report.needs_attention += 1;
                report.problems.push((
                    format!("{origin} (message {}, needs attention)", record.number),
                    errors.join("; "),
                ));
            }
            _ => {}
        },
    }
    Ok(received)
}
