//! Answers to senders: a receipt with the fields as the portal read them, what needs
//! correcting (with the sender's template to send back), the publication and the rejection.
//!
//! Each answer is a letter (`mail::queue`) stored in the very transaction that stores what it
//! reports (the message's outcome, the submission's new status), through the catalogue's
//! [`Correspondent`] hook, so every front end that files or publishes (the import command, the
//! web, the control socket, a mailbox) answers the same way, and a crash neither loses nor
//! doubles one. It must never answer a program: see [`guards`] and the one-hour limit below.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use mail_parser::MessageParser;

use crate::catalogue::{Catalogue, Correspondent};
use crate::mail::{self, Auto, Letter, MailError};
use crate::store::{Delivery, LetterRecord, MessageOutcome, MessageRecord, StoreError, Writer};
use crate::submission::{Status, Submission};

pub mod guards;
mod texts;

/// An address the portal wrote to less than this long ago gets no automatic answer (a
/// receipt, a "needs attention"): two programs answering each other stop after one round.
pub const QUIET_SPAN: TimeDelta = TimeDelta::hours(1);

/// Which answers are written (`--answers receipt,attention,published,rejected`, `all`,
/// `none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Which {
    pub receipt: bool,
    pub attention: bool,
    pub published: bool,
    pub rejected: bool,
}

/// The names `--answers` accepts, besides `all` and `none`.
pub const NAMES: [&str; 4] = ["receipt", "attention", "published", "rejected"];

impl Which {
    pub const ALL: Which = Which {
        receipt: true,
        attention: true,
        published: true,
        rejected: true,
    };
    pub const NONE: Which = Which {
        receipt: false,
        attention: false,
        published: false,
        rejected: false,
    };

    /// Reads a list such as `receipt,published`, `all` or `none`; an unknown name is refused
    /// by name, with the names accepted.
    pub fn parse(text: &str) -> Result<Which, String> {
        let mut which = Which::NONE;
        let names: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(format!(
                "no answers named; write all, none, or some of {}",
                NAMES.join(", ")
            ));
        }
        for name in names {
            match name.to_ascii_lowercase().as_str() {
                "all" => which = Which::ALL,
                "none" => {}
                "receipt" => which.receipt = true,
                "attention" => which.attention = true,
                "published" => which.published = true,
                "rejected" => which.rejected = true,
                _ => {
                    return Err(format!(
                        "\"{name}\" is not an answer the portal writes; write all, none, or \
                         some of {}",
                        NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(which)
    }

    /// `receipt, published`, or `none`.
    pub fn describe(&self) -> String {
        let on: Vec<&str> = NAMES
            .iter()
            .zip([self.receipt, self.attention, self.published, self.rejected])
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect();
        if on.is_empty() {
            "none".into()
        } else {
            on.join(", ")
        }
    }
}

/// The answers a portal writes, from the ISU's address.
#[derive(Debug, Clone)]
pub struct Answers {
    pub which: Which,
    pub isu_email: String,
}

impl Answers {
    /// Hands these answers to `catalogue`, unless none is on.
    pub fn install(self, catalogue: &mut Catalogue) {
        if self.which != Which::NONE {
            catalogue.set_correspondent(Arc::new(self));
        }
    }
}

/// The message an answer answers: where the answer goes and what it threads with.
struct Original {
    to: String,
    message_id: Option<String>,
    references: Vec<String>,
}

/// Reads `raw` for whom to answer; `Err` with the reason when it must not be answered.
fn original(raw: &[u8]) -> Result<Original, String> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| "it could not be read as an e-mail".to_string())?;
    if let Some(reason) = guards::refusal(&message) {
        return Err(reason);
    }
    let to = guards::reply_address(&message)
        .ok_or_else(|| "it has no sender address to answer".to_string())?;
    let references = message
        .references()
        .as_text_list()
        .map(|list| list.iter().map(|r| r.to_string()).collect())
        .unwrap_or_default();
    Ok(Original {
        to,
        message_id: message.message_id().map(str::to_string),
        references,
    })
}

impl Answers {
    /// Queues `text` to `original` in `writer`'s transaction. A letter that cannot be written
    /// (an address the mail library refuses) is no reason to fail the filing: it is said in
    /// the returned note instead.
    fn queue(
        &self,
        writer: &mut Writer,
        purpose: &'static str,
        about: String,
        original: &Original,
        text: texts::Text,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let letter = Letter {
            purpose,
            about: Some(about),
            to_name: String::new(),
            to: original.to.clone(),
            subject: text.subject,
            body: text.body,
            in_reply_to: original.message_id.clone(),
            references: original.references.clone(),
            auto: Auto::Replied,
        };
        match mail::queue(writer, &self.isu_email, &letter, now) {
            Ok(record) => Ok(format!(
                "answered: {purpose} to {} (letter {})",
                record.to, record.number
            )),
            Err(MailError::Store(error)) => Err(error),
            Err(other) => {
                tracing::warn!(error = %other, purpose, "an answer could not be written");
                Ok(format!("no answer written: {other}"))
            }
        }
    }
}

/// What a message's letters are about, so its page can list them.
pub fn about_message(number: u64) -> String {
    format!("message {number}")
}

/// The letters written about a message: its receipt or "needs attention", and the
/// publication or rejection of the submission it became. Oldest first.
pub fn letters_about_message(
    catalogue: &Catalogue,
    record: &MessageRecord,
) -> Result<Vec<LetterRecord>, StoreError> {
    let mut abouts = vec![about_message(record.number)];
    if let MessageOutcome::Imported { id } = &record.outcome {
        abouts.push(id.clone());
    }
    catalogue.store().read()?.letters_about(&abouts)
}

/// A letter's delivery, in a few words, for the ISU.
pub fn delivery_text(delivery: &Delivery) -> String {
    match delivery {
        Delivery::Prepared => "waiting to be sent".into(),
        Delivery::Sent { at, server } => {
            format!("sent {} via {server}", crate::text::moment_in_words(*at))
        }
        Delivery::Written { at, file } => format!(
            "written to the outbox as {file}, {}",
            crate::text::moment_in_words(*at)
        ),
        Delivery::Failed {
            error, attempts, ..
        } => format!("not sent yet ({attempts} attempts failed: {error}); tried again"),
        Delivery::Undeliverable { reason } => format!("cannot be delivered: {reason}"),
    }
}

impl Correspondent for Answers {
    fn message_filed(
        &self,
        writer: &mut Writer,
        record: &mut MessageRecord,
        raw: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let proposed;
        let stored;
        let (purpose, on) = match &record.outcome {
            MessageOutcome::NeedsAttention { .. } => ("needs-attention", self.which.attention),
            MessageOutcome::Imported { .. }
            | MessageOutcome::Accepted { .. }
            | MessageOutcome::UpdateProposed { .. }
            | MessageOutcome::RenewalRequested { .. } => ("receipt", self.which.receipt),
            _ => return Ok(()),
        };
        if !on {
            return Ok(());
        }
        let original = match original(raw) {
            Ok(original) => original,
            Err(reason) => {
                record.notes.push(format!("no answer sent: {reason}"));
                return Ok(());
            }
        };
        if mail::wrote_recently(writer, &original.to, now, QUIET_SPAN).map_err(store_error)? {
            record.notes.push(format!(
                "no answer sent: the portal wrote to {} less than an hour ago (no mail loops)",
                original.to
            ));
            return Ok(());
        }
        let text = match &record.outcome {
            MessageOutcome::NeedsAttention { errors } => {
                let sent = sent_template(raw);
                texts::needs_attention(errors, sent.as_deref(), &self.isu_email)
            }
            MessageOutcome::Imported { id } | MessageOutcome::Accepted { id } => {
                let Some(submission) = writer.get(id)? else {
                    return Ok(());
                };
                stored = submission;
                let filed = if matches!(record.outcome, MessageOutcome::Accepted { .. }) {
                    texts::Filed::Updated(&stored)
                } else {
                    texts::Filed::New(&stored)
                };
                texts::receipt(&filed, &self.isu_email)
            }
            MessageOutcome::UpdateProposed { id, proposed: p } => {
                proposed = Submission {
                    id: id.clone(),
                    ..(**p).clone()
                };
                texts::receipt(&texts::Filed::Update(&proposed), &self.isu_email)
            }
            MessageOutcome::RenewalRequested { id } => {
                texts::receipt(&texts::Filed::Renewal(id), &self.isu_email)
            }
            _ => return Ok(()),
        };
        let note = self.queue(
            writer,
            purpose,
            about_message(record.number),
            &original,
            text,
            now,
        )?;
        record.notes.push(note);
        Ok(())
    }

    fn submission_changed(
        &self,
        writer: &mut Writer,
        before: &Submission,
        after: &Submission,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Only a first publication, and a rejection, are news to the sender; a renewal or an
        // edit of a published submission is not.
        let (purpose, text) = match (before.status, after.status) {
            (Status::Pending, Status::Published) if self.which.published => {
                ("published", texts::published(after, &self.isu_email))
            }
            (from, Status::Rejected) if from != Status::Rejected && self.which.rejected => {
                ("rejected", texts::rejected(after, &self.isu_email))
            }
            _ => return Ok(()),
        };
        // Only what came in a message is answered: bulk loads (JSON Lines, IATI, the demo)
        // were never written by their contacts. Answers caused by an admin's action are not
        // limited to one an hour: they answer no incoming mail, so they cannot loop.
        let Some(number) = writer.message_of_submission(&after.id)? else {
            return Ok(());
        };
        let raw = writer.raw_message(number)?.unwrap_or_default();
        let from_someone = MessageParser::default()
            .parse(&raw)
            .is_some_and(|m| m.from().is_some() || m.reply_to().is_some());
        let original = if from_someone {
            // A message that must not be answered (a program's, a list's) is not answered
            // later either.
            match original(&raw) {
                Ok(original) => original,
                Err(_) => return Ok(()),
            }
        } else if crate::submission::looks_like_email(&after.contact.email) {
            // A template handed in without headers: its contact is the one to tell.
            Original {
                to: after.contact.email.clone(),
                message_id: None,
                references: Vec::new(),
            }
        } else {
            return Ok(());
        };
        self.queue(writer, purpose, after.id.clone(), &original, text, now)?;
        Ok(())
    }
}

/// The text of the message that holds the form (for "needs attention"), if one does.
fn sent_template(raw: &[u8]) -> Option<String> {
    let message = crate::intake::email::parse_message(raw).ok()?;
    message
        .texts
        .iter()
        .find(|t| crate::intake::template::extract_form(t).is_some())
        .cloned()
}

fn store_error(error: MailError) -> StoreError {
    match error {
        MailError::Store(error) => error,
        other => StoreError::Random(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answers_are_named() {
        assert_eq!(Which::parse("all"), Ok(Which::ALL));
        assert_eq!(Which::parse("none"), Ok(Which::NONE));
        let some = Which::parse("receipt, Published").unwrap();
        assert_eq!(some.describe(), "receipt, published");
        let error = Which::parse("receipt,recipt").unwrap_err();
        assert!(error.contains("\"recipt\""), "{error}");
        assert!(Which::parse("").is_err());
    }
}
