//! The intake pipeline and the ISU's review queue.
//!
//! A message is read for what identifies it (Message-ID, sender, subject; a message that cannot
//! be read is kept all the same), and its raw bytes are committed with that record, in their own
//! transaction, before anything is filed from it: nothing a sender wrote is lost whatever
//! happens next. Then it is filed: a new submission (pending review, or published with
//! `--publish`), a proposed update or renewal of an existing one (waiting for an admin), or
//! "needs attention" with its errors (waiting for an admin to correct the text and retry).
//! IATI files and JSON Lines go straight to the catalogue. `import` reads files and folders,
//! `filing` files one message; this module holds the queue.

use serde::Serialize;

use crate::catalogue::{Catalogue, CatalogueError, ImportOptions};
use crate::intake::{email, template};
use crate::store::{MessageOutcome, MessageRecord};
use crate::submission::{Status, Submission};

mod filing;
mod import;

pub use filing::{Arrival, Received, WEB_FORM_ORIGIN, message_key, receive_message};
use filing::{apply_update, file_message, save_record, template_as_message};
pub use import::{
    IntakeReport, MAX_FILE_BYTES, MAX_FILED_LINES, import_bytes, import_email, import_input,
    import_path,
};

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

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

/// Files a message its contact has just confirmed (see `form_intake`), exactly as an e-mail is
/// filed; a message no longer "received" is left as it is.
pub fn file_confirmed(catalogue: &Catalogue, number: u64) -> Result<MessageRecord> {
    let mut record = message_record(catalogue, number)?;
    if record.outcome != MessageOutcome::Received {
        return Ok(record);
    }
    let message = message_of(catalogue, &record)?;
    record.outcome = file_message(catalogue, &message, &record, None, ImportOptions::default())?;
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
