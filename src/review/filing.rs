//! A message handed in: its raw bytes committed first, then filed as a new submission, a
//! proposed update or renewal, or "needs attention" with its errors.

use crate::catalogue::{Catalogue, ExportRecord, ImportOptions, IncomingRecord};
use crate::intake::{email, template};
use crate::store::{MessageOutcome, MessageRecord};
use crate::submission::{Source, Submission};

use super::Result;

/// The origin of every message sent by the web form starts with this (`form_intake` writes
/// it); its submissions are marked as coming from a form.
pub const WEB_FORM_ORIGIN: &str = "web form";

/// How a message arrived: a whole e-mail, or a template text on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Email,
    Template,
}

/// What became of a message handed in.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// Seen before (same Message-ID, or the same bytes): nothing new.
    Duplicate,
    Filed(Box<MessageRecord>),
}

/// Reads a message for its Message-ID, sender and subject, commits its raw bytes with that
/// record in their own transaction, and then files it (a message that cannot be read is stored
/// and filed as needing attention).
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
    let key = key_of(&parsed, raw);
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
    // The answer to the sender (a receipt, or what needs correcting) is stored with the
    // outcome: a crash before this commit leaves neither, after it both. A duplicate came
    // back above, before this, and is never answered again.
    catalogue.store().write(|writer| -> Result<()> {
        if arrival == Arrival::Email
            && let Some(correspondent) = catalogue.correspondent()
        {
            let now = record.updated_at;
            correspondent.message_filed(writer, &mut record, raw, now)?;
        }
        Ok(writer.put_message(&record)?)
    })?;
    Ok(Received::Filed(Box::new(record)))
}

/// The key an e-mail is known by in the store, which makes a second import of it a duplicate:
/// its Message-ID, or (without one, or when it cannot be read) a hash of its bytes.
pub fn message_key(raw: &[u8]) -> String {
    key_of(&email::parse_message(raw), raw)
}

fn key_of(parsed: &std::result::Result<email::Message, String>, raw: &[u8]) -> String {
    match parsed {
        Ok(message) => message
            .message_id
            .as_ref()
            .map(|id| format!("message-id:{id}"))
            .unwrap_or_else(|| email::content_key(raw)),
        Err(_) => email::content_key(raw),
    }
}

pub(super) fn template_as_message(raw: &[u8]) -> email::Message {
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

pub(super) fn save_record(catalogue: &Catalogue, record: &MessageRecord) -> Result<()> {
    catalogue
        .store()
        .write(|writer| -> Result<()> { Ok(writer.put_message(record)?) })
}

/// Finds the template in the message (or uses `corrected` text) and files the result.
pub(super) fn file_message(
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
    submission.provenance.source = if record.origin.starts_with(WEB_FORM_ORIGIN) {
        Source::Form
    } else if message.message_id.is_some() || message.sender.is_some() {
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
pub(super) fn apply_update(
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
