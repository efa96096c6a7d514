//! The intake pipeline and the ISU's review queue.
//!
//! Every message is stored raw, in its own transaction, before anything is parsed, so nothing a
//! sender wrote is lost whatever happens next. Then it is parsed and filed: a new submission
//! (pending review, or published with `--publish`), a proposed update or renewal of an existing
//! one (waiting for an admin), or "needs attention" with its errors (waiting for an admin to
//! correct the text and retry). IATI files and JSON Lines go straight to the catalogue.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalogue::{
    Catalogue, CatalogueError, ExportRecord, ImportOptions, ImportReport, IncomingRecord,
};
use crate::intake::{email, iati, template};
use crate::store::{MessageOutcome, MessageRecord};
use crate::submission::{Source, Status, Submission};

/// The largest file `portal import` reads whole: any but JSON Lines, which it reads line by
/// line.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

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
        FileKind::Email => receive(catalogue, bytes, origin, Arrival::Email, options, report)?,
    }
    Ok(())
}

/// How a message arrived: a whole e-mail, or a template text on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Email,
    Template,
}

fn receive(
    catalogue: &Catalogue,
    raw: &[u8],
    origin: &str,
    arrival: Arrival,
    options: ImportOptions,
    report: &mut IntakeReport,
) -> Result<()> {
    match receive_message(catalogue, raw, origin, arrival, options)? {
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
    Ok(())
}

/// What became of a message handed in.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// Seen before (same Message-ID, or the same bytes): nothing new.
    Duplicate,
    Filed(Box<MessageRecord>),
}

/// Stores a message raw (in its own transaction), then parses and files it.
pub fn receive_message(
    catalogue: &Catalogue,
    raw: &[u8],
    origin: &str,
    arrival: Arrival,
    options: ImportOptions,
) -> Result<Received> {
    let parsed = match arrival {
        Arrival::Email => email::parse_message(raw),
        Arrival::Template => Ok(template_as_message(raw)),
    };
    let key = match &parsed {
        Ok(message) => message
            .message_id
            .as_ref()
            .map(|id| format!("message-id:{id}"))
            .unwrap_or_else(|| email::content_key(raw)),
        Err(_) => email::content_key(raw),
    };
    let now = catalogue.now();
    let mut record = MessageRecord {
        number: 0,
        received_at: now,
        origin: origin.to_string(),
        key: key.clone(),
        sender: parsed.as_ref().ok().and_then(|m| m.sender.clone()),
        subject: parsed
            .as_ref()
            .map(|m| m.subject.clone())
            .unwrap_or_default(),
        date: parsed.as_ref().ok().and_then(|m| m.date),
        corrected_text: None,
        notes: parsed.as_ref().map(|m| m.notes.clone()).unwrap_or_default(),
        outcome: MessageOutcome::Received,
        updated_at: now,
    };
    // Nothing a sender wrote is lost: the raw bytes are committed before any parsing result.
    let stored = catalogue.store().write(|writer| -> Result<Option<u64>> {
        if writer.message_for_key(&key)?.is_some() {
            return Ok(None);
        }
        Ok(Some(writer.add_message(raw, record.clone())?))
    })?;
    let Some(number) = stored else {
        return Ok(Received::Duplicate);
    };
    record.number = number;
    record.outcome = match parsed {
        Err(reason) => MessageOutcome::NeedsAttention {
            errors: vec![reason],
        },
        Ok(message) => file_message(catalogue, &message, &record, None, options)?,
    };
    record.updated_at = catalogue.now();
    save_record(catalogue, &record)?;
    Ok(Received::Filed(Box::new(record)))
}

fn template_as_message(raw: &[u8]) -> email::Message {
    email::Message {
        message_id: None,
        sender: None,
        date: None,
        subject: String::new(),
        texts: vec![String::from_utf8_lossy(raw).into_owned()],
        reference: None,
        notes: Vec::new(),
    }
}

fn save_record(catalogue: &Catalogue, record: &MessageRecord) -> Result<()> {
    catalogue
        .store()
        .write(|writer| -> Result<()> { Ok(writer.put_message(record)?) })
}

/// Finds the template in the message (or uses `corrected` text) and files the result.
fn file_message(
    catalogue: &Catalogue,
    message: &email::Message,
    record: &MessageRecord,
    corrected: Option<&str>,
    options: ImportOptions,
) -> Result<MessageOutcome> {
    let reference = message.reference.clone().or_else(|| {
        corrected.and_then(|text| email::find_reference(&record.subject, &[text.to_string()]))
    });
    if let Some(reference) = &reference
        && reference.action == email::Action::Renew
    {
        if catalogue.store().read()?.get(&reference.id)?.is_none() {
            return Ok(MessageOutcome::NeedsAttention {
                errors: vec![format!(
                    "asks to renew {}, but there is no submission with that id",
                    reference.id
                )],
            });
        }
        if options.publish {
            catalogue.renew(&reference.id)?;
            return Ok(MessageOutcome::Accepted {
                id: reference.id.clone(),
            });
        }
        return Ok(MessageOutcome::RenewalRequested {
            id: reference.id.clone(),
        });
    }
    let text = match corrected {
        Some(text) => Some(text.to_string()),
        // The whole text is parsed (the parser finds the form in it itself), so the line
        // numbers in errors are the ones the sender sees in their own message.
        None => message
            .texts
            .iter()
            .find(|t| template::extract_form(t).is_some_and(|f| template::looks_like_template(&f)))
            .cloned(),
    };
    let Some(text) = text else {
        return Ok(MessageOutcome::NeedsAttention {
            errors: vec![
                "no filled template found in the message (no \"Kind:\" / \"Title:\" labels in its text or .txt attachments)"
                    .to_string(),
            ],
        });
    };
    let mut submission = match template::parse_template(&text) {
        Ok(submission) => submission,
        Err(errors) => {
            return Ok(MessageOutcome::NeedsAttention {
                errors: errors.iter().map(ToString::to_string).collect(),
            });
        }
    };
    submission.provenance.source = if message.message_id.is_some() || message.sender.is_some() {
        Source::Email
    } else {
        Source::File
    };
    submission.provenance.message_id = message.message_id.clone();
    submission.provenance.sender = message.sender.clone();
    submission.provenance.file = Some(record.origin.clone());
    if let Some(reference) = reference {
        // An update: a new version of an existing submission, once an admin accepts it.
        let Ok(current) = catalogue.get(&reference.id) else {
            return Ok(MessageOutcome::NeedsAttention {
                errors: vec![format!(
                    "asks to update {}, but there is no submission with that id",
                    reference.id
                )],
            });
        };
        if current.kind != submission.kind {
            return Ok(MessageOutcome::NeedsAttention {
                errors: vec![format!(
                    "asks to update {} (a {}), but the template says Kind: {}",
                    reference.id,
                    current.kind.slug_label(),
                    submission.kind.slug_label()
                )],
            });
        }
        if options.publish {
            apply_update(catalogue, "import", &reference.id, &submission)?;
            return Ok(MessageOutcome::Accepted { id: reference.id });
        }
        return Ok(MessageOutcome::UpdateProposed {
            id: reference.id,
            proposed: Box::new(submission),
        });
    }
    // Idempotency by Message-ID is already ensured by the message key; the submission itself
    // carries no external key here, so a corrected retry creates it once.
    submission.provenance.message_id = None;
    let incoming = IncomingRecord {
        location: record.origin.clone(),
        record: Ok(ExportRecord {
            submission,
            previous_versions: Vec::new(),
            audit: Vec::new(),
        }),
    };
    let report = catalogue.import(std::iter::once(incoming), options, &mut |_| {})?;
    match (report.ids.first(), report.rejected.first()) {
        (Some(id), _) => Ok(MessageOutcome::Imported { id: id.clone() }),
        (None, Some((_, error))) => Ok(MessageOutcome::NeedsAttention {
            errors: vec![error.clone()],
        }),
        (None, None) => Ok(MessageOutcome::NeedsAttention {
            errors: vec!["the submission was not stored (a duplicate of an existing one?)".into()],
        }),
    }
}

trait KindLabel {
    fn slug_label(&self) -> String;
}

impl KindLabel for crate::submission::Kind {
    fn slug_label(&self) -> String {
        use crate::submission::Vocabulary;
        self.label().to_lowercase()
    }
}

/// Applies a proposed update: the sender's fields replace the current ones; the id, status,
/// timestamps and original provenance stay.
fn apply_update(
    catalogue: &Catalogue,
    actor: &str,
    id: &str,
    proposed: &Submission,
) -> Result<Submission> {
    let proposed = proposed.clone();
    catalogue.edit_by(actor, id, move |current| {
        let keep_status = current.status;
        let keep_timestamps = current.timestamps.clone();
        let keep_provenance = current.provenance.clone();
        let keep_version = current.version;
        *current = proposed;
        current.status = keep_status;
        current.timestamps = keep_timestamps;
        current.provenance = keep_provenance;
        current.version = keep_version;
    })
}

/// Re-reads a message with the text an admin corrected, and files it again.
pub fn retry_message(catalogue: &Catalogue, number: u64, corrected: &str) -> Result<MessageRecord> {
    let mut record = message_record(catalogue, number)?;
    if !matches!(
        record.outcome,
        MessageOutcome::NeedsAttention { .. } | MessageOutcome::Received
    ) {
        return Ok(record);
    }
    let message = message_of(catalogue, &record)?;
    record.corrected_text = Some(corrected.to_string());
    record.outcome = file_message(
        catalogue,
        &message,
        &record,
        Some(corrected),
        ImportOptions::default(),
    )?;
    record.updated_at = catalogue.now();
    save_record(catalogue, &record)?;
    Ok(record)
}

fn message_record(catalogue: &Catalogue, number: u64) -> Result<MessageRecord> {
    catalogue
        .store()
        .read()?
        .message(number)?
        .ok_or_else(|| CatalogueError::MessageNotFound(number))
}

/// The message parsed again from its raw bytes.
fn message_of(catalogue: &Catalogue, record: &MessageRecord) -> Result<email::Message> {
    let raw = raw_message(catalogue, record.number)?;
    Ok(email::parse_message(&raw).unwrap_or_else(|_| template_as_message(&raw)))
}

/// The raw bytes of a message, exactly as received.
pub fn raw_message(catalogue: &Catalogue, number: u64) -> Result<Vec<u8>> {
    catalogue
        .store()
        .read()?
        .raw_message(number)?
        .ok_or_else(|| CatalogueError::MessageNotFound(number))
}

/// The texts found in a message (decoded body, HTML as text, .txt attachments), for showing
/// beside the correction form.
pub fn message_texts(catalogue: &Catalogue, number: u64) -> Result<Vec<String>> {
    let record = message_record(catalogue, number)?;
    Ok(message_of(catalogue, &record)?.texts)
}

/// Accepts a proposed update or renewal, recorded in the audit trail as done by `actor`.
pub fn accept_message(catalogue: &Catalogue, actor: &str, number: u64) -> Result<MessageRecord> {
    let mut record = message_record(catalogue, number)?;
    let id = match &record.outcome {
        MessageOutcome::UpdateProposed { id, proposed } => {
            apply_update(catalogue, actor, id, proposed)?;
            id.clone()
        }
        MessageOutcome::RenewalRequested { id } => {
            catalogue.renew_by(actor, id)?;
            id.clone()
        }
        _ => return Ok(record),
    };
    record.outcome = MessageOutcome::Accepted { id };
    record.updated_at = catalogue.now();
    save_record(catalogue, &record)?;
    Ok(record)
}

/// Turns down a proposed update or renewal, or sets aside a message that is not a submission.
pub fn decline_message(catalogue: &Catalogue, number: u64, reason: &str) -> Result<MessageRecord> {
    let mut record = message_record(catalogue, number)?;
    record.outcome = match &record.outcome {
        MessageOutcome::UpdateProposed { id, .. } | MessageOutcome::RenewalRequested { id } => {
            MessageOutcome::Declined {
                id: id.clone(),
                reason: reason.to_string(),
            }
        }
        MessageOutcome::NeedsAttention { .. } | MessageOutcome::Received => {
            MessageOutcome::Dismissed {
                reason: reason.to_string(),
            }
        }
        _ => return Ok(record),
    };
    record.updated_at = catalogue.now();
    save_record(catalogue, &record)?;
    Ok(record)
}

/// What waits for the ISU.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Queue {
    /// Submissions waiting for review before publication, oldest first: those of the page
    /// asked for.
    pub pending: Vec<Submission>,
    /// How many submissions wait for review in all.
    pub pending_total: usize,
    /// Messages waiting: proposed updates and renewals, and those that need attention; those
    /// of the page asked for.
    pub messages: Vec<MessageRecord>,
    /// How many messages wait in all.
    pub messages_total: usize,
}

/// Everything that waits for an admin.
pub fn queue(catalogue: &Catalogue) -> Result<Queue> {
    queue_page(catalogue, 0, usize::MAX)
}

/// Everything that waits for an admin, with `limit` of the pending submissions from
/// `offset` on (the longest waiting first), and as many of the waiting messages. They are found in the index; each is read from
/// the store, and left out if it is no longer pending there.
pub fn queue_page(catalogue: &Catalogue, offset: usize, limit: usize) -> Result<Queue> {
    let (ids, pending_total) = crate::search::pending_ids(&catalogue.index(), offset, limit)
        .map_err(CatalogueError::from)?;
    let snapshot = catalogue.store().read()?;
    let mut pending = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(submission) = snapshot.get(id)?
            && submission.status == Status::Pending
        {
            pending.push(submission);
        }
    }
    let mut messages_total = 0;
    let mut messages = Vec::new();
    for message in snapshot.messages()? {
        if message.outcome.waits_for_admin() {
            if messages_total >= offset && messages.len() < limit {
                messages.push(message);
            }
            messages_total += 1;
        }
    }
    Ok(Queue {
        pending,
        pending_total,
        messages,
        messages_total,
    })
}

/// Rejects a pending submission, keeping it (and the reason) for the record.
pub fn reject(catalogue: &Catalogue, actor: &str, id: &str, reason: &str) -> Result<Submission> {
    let reason = reason.trim().to_string();
    catalogue.edit_by(actor, id, |s| {
        s.status = Status::Rejected;
        s.status_note = Some(reason);
    })
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

/// A submission written out as a filled template; written beside the template's reader.
pub use crate::intake::template::to_template_text;

/// Applies a corrected template to an existing submission (an admin's edit): the parsed
/// fields replace the current ones; id, status, timestamps and provenance stay.
pub fn edit_from_template(
    catalogue: &Catalogue,
    actor: &str,
    id: &str,
    text: &str,
) -> Result<std::result::Result<Submission, Vec<String>>> {
    match template::parse_template(text) {
        Ok(parsed) => Ok(Ok(apply_update(catalogue, actor, id, &parsed)?)),
        Err(errors) => Ok(Err(errors.iter().map(ToString::to_string).collect())),
    }
}
