//! Reminders before expiry: which are due, what they say, and their delivery.
//!
//! A set number of days before a published submission expires (by default 30 and 7), the
//! portal prepares a reminder to its contact: the id, the valid-until date, what happens then,
//! and how to renew, with a one-time renewal link (`crate::renewal`). Each reminder is
//! prepared once, for one expiry and one stage, and stored whole before delivery, so a
//! restart neither forgets nor repeats it; a renewal sets a new expiry, which gets reminders
//! of its own. When a submission is published with less time left than a stage, only the
//! nearest stage is sent.
//!
//! Delivery is over SMTP when a server is configured, or else as `.eml` files written to an
//! outbox folder, for the ISU to send from its own mail client. A failed delivery is tried
//! again on the next run.

use chrono::{DateTime, TimeDelta, Utc};
use lettre::Address;
use lettre::message::header::{ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Mailbox, Message};

use crate::catalogue::{Catalogue, CatalogueError};
pub use crate::mail::Mailer;
use crate::mail::{one_line, wrap};
use crate::search;
use crate::store::{AuditEntry, AuditEvent, Delivery, ReminderRecord, StoreError};
use crate::submission::{Status, Submission, Vocabulary, control_character, looks_like_email};
use crate::text;

/// Who reminders are recorded as made by, in the audit trail.
const ACTOR: &str = "portal (reminders)";

/// What can go wrong with reminders.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
    #[error("the reminder for {id} cannot be written: {reason}")]
    Message { id: String, reason: String },
    #[error("reminder days must be between 1 and 365; {0} is not")]
    Days(u32),
}

pub type Result<T, E = ReminderError> = std::result::Result<T, E>;

/// What reminders say and when they are due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSettings {
    /// Days before expiry at which a reminder is due, e.g. 30 and 7.
    pub days_before: Vec<u32>,
    /// The address members use to reach the portal; renewal links start with it.
    pub public_url: String,
    /// The ISU's address: reminders come from it, and replies go to it.
    pub isu_email: String,
    /// How long after the expiry a renewal link keeps working (renewing restores an archived
    /// submission).
    pub link_grace_days: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            days_before: vec![30, 7],
            public_url: "http://127.0.0.1:8080".into(),
            isu_email: "isu@example.org".into(),
            link_grace_days: 30,
        }
    }
}

impl ReminderSettings {
    /// Checks the days (1 to 365) and puts them largest first, without repeats.
    pub fn normalised(mut self) -> Result<ReminderSettings> {
        if let Some(&bad) = self.days_before.iter().find(|d| !(1..=365).contains(*d)) {
            return Err(ReminderError::Days(bad));
        }
        self.days_before.sort_unstable_by(|a, b| b.cmp(a));
        self.days_before.dedup();
        self.public_url = self.public_url.trim_end_matches('/').to_string();
        Ok(self)
    }

    /// The stage a submission expiring at `expires_at` is in at `now`: the smallest number of
    /// days before expiry that has been reached. `None` before the first stage or after expiry.
    pub fn stage(&self, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<u32> {
        if expires_at <= now {
            return None;
        }
        let left = expires_at - now;
        self.days_before
            .iter()
            .copied()
            .filter(|&days| left <= TimeDelta::days(i64::from(days)))
            .min()
    }

    fn furthest(&self) -> Option<u32> {
        self.days_before.iter().copied().max()
    }
}

/// The reminders' settings and their mailer: what `portal serve` runs every minute.
#[derive(Debug)]
pub struct Reminders {
    pub settings: ReminderSettings,
    pub mailer: Mailer,
}

impl Reminders {
    /// Prepares what is due, then delivers every outstanding reminder.
    pub fn run(&self, catalogue: &Catalogue) -> Result<Run> {
        run(catalogue, &self.settings, &self.mailer)
    }
}

/// What one run of the reminders did.
#[derive(Debug, Default)]
pub struct Run {
    /// Reminders prepared in this run.
    pub prepared: Vec<ReminderRecord>,
    /// Deliveries attempted in this run (of reminders prepared now or earlier), as they ended.
    pub delivered: Vec<ReminderRecord>,
}

/// Prepares what is due at the catalogue's "now", then delivers every outstanding reminder.
pub fn run(catalogue: &Catalogue, settings: &ReminderSettings, mailer: &Mailer) -> Result<Run> {
    isu_address(settings)?;
    let prepared = prepare_due(catalogue, settings)?;
    let delivered = deliver_outstanding(catalogue, mailer)?;
    Ok(Run {
        prepared,
        delivered,
    })
}

/// Prepares and stores each reminder now due that has not been prepared before.
pub fn prepare_due(
    catalogue: &Catalogue,
    settings: &ReminderSettings,
) -> Result<Vec<ReminderRecord>> {
    let Some(furthest) = settings.furthest() else {
        return Ok(Vec::new());
    };
    let now = catalogue.now();
    let until = now + TimeDelta::days(i64::from(furthest));
    let candidates = search::expiring_ids(&catalogue.index(), now, until)?;
    let mut prepared = Vec::new();
    for id in candidates {
        // A stopping portal prepares the rest at its next start.
        if catalogue.is_stopping() {
            break;
        }
        let due = {
            let reader = catalogue.store().read()?;
            match reader.get(&id)? {
                Some(submission) => due_stage(settings, &submission, &reader.reminders(&id)?, now)
                    .map(|stage| (submission, stage)),
                None => None,
            }
        };
        let Some((submission, stage)) = due else {
            continue;
        };
        // One submission's message that cannot be written is recorded with the reason; the
        // others go out all the same.
        let record = match compose(catalogue, settings, &submission, stage, now) {
            Err(ReminderError::Message { reason, .. }) => {
                unwritten(settings, &submission, stage, now, reason)
            }
            other => other?,
        };
        let unaddressable = !matches!(record.delivery, Delivery::Prepared);
        // Stored only if, inside the write, it is still due: never twice.
        let stored = catalogue.store().write(|writer| -> Result<bool> {
            let Some(current) = writer.get(&id)? else {
                return Ok(false);
            };
            if current.timestamps.expires_at != submission.timestamps.expires_at
                || due_stage(settings, &current, &writer.reminders(&id)?, now) != Some(stage)
            {
                return Ok(false);
            }
            writer.put_reminder(&record)?;
            if unaddressable {
                put_audit_note(writer, &record, now)?;
            }
            Ok(true)
        })?;
        if stored {
            prepared.push(record);
        }
    }
    Ok(prepared)
}

/// The stage of `submission` that is due at `now` and has no reminder yet (none of its own
/// stage or a nearer one, for the same expiry).
fn due_stage(
    settings: &ReminderSettings,
    submission: &Submission,
    reminders: &[ReminderRecord],
    now: DateTime<Utc>,
) -> Option<u32> {
    if submission.status != Status::Published {
        return None;
    }
    let expires_at = submission.timestamps.expires_at?;
    let stage = settings.stage(expires_at, now)?;
    let done = reminders
        .iter()
        .any(|r| r.expires_at == expires_at && r.stage_days <= stage);
    (!done).then_some(stage)
}

/// Hands every outstanding reminder to the mailer and records how it went.
pub fn deliver_outstanding(catalogue: &Catalogue, mailer: &Mailer) -> Result<Vec<ReminderRecord>> {
    let outstanding = catalogue.store().read()?.outstanding_reminders()?;
    let mut delivered = Vec::with_capacity(outstanding.len());
    for mut reminder in outstanding {
        // A stopping portal delivers the rest at its next start: they stay outstanding.
        if catalogue.is_stopping() {
            break;
        }
        let now = catalogue.now();
        reminder.delivery = match &reminder.to {
            None => Delivery::Undeliverable {
                reason: "the submission has no e-mail address".into(),
            },
            Some(to) => mailer.send(
                to,
                &reminder.message,
                &outbox_name(&reminder),
                &reminder.delivery,
                now,
            ),
        };
        catalogue.store().write(|writer| -> Result<()> {
            writer.put_reminder(&reminder)?;
            put_audit_note(writer, &reminder, now)
        })?;
        delivered.push(reminder);
    }
    Ok(delivered)
}

/// Notes in the submission's audit trail how a delivery ended (nothing for one to be tried
/// again).
fn put_audit_note(
    writer: &mut crate::store::Writer,
    reminder: &ReminderRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(note) = audit_note(reminder) {
        writer.set_actor(ACTOR);
        writer.put_audit_entry(
            &reminder.id,
            &AuditEntry {
                at: now,
                event: AuditEvent::Reminded,
                actor: ACTOR.to_string(),
                note: Some(note),
            },
        )?;
    }
    Ok(())
}

/// What the audit trail says of a delivery that ended (nothing for one to be tried again).
fn audit_note(reminder: &ReminderRecord) -> Option<String> {
    let stage = format!("{} days before expiry", reminder.stage_days);
    let to = reminder.to.as_deref().unwrap_or("nobody");
    match &reminder.delivery {
        Delivery::Sent { server, .. } => Some(format!("{stage}: sent to {to} via {server}")),
        Delivery::Written { file, .. } => {
            Some(format!("{stage}: to {to}, written to the outbox as {file}"))
        }
        Delivery::Undeliverable { reason } => Some(format!("{stage}: not sent, {reason}")),
        Delivery::Prepared | Delivery::Failed { .. } => None,
    }
}

/// The reminder for `submission` at `stage`: the whole message, with a fresh renewal link.
fn compose(
    catalogue: &Catalogue,
    settings: &ReminderSettings,
    submission: &Submission,
    stage: u32,
    now: DateTime<Utc>,
) -> Result<ReminderRecord> {
    let expires_at = submission
        .timestamps
        .expires_at
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let link_valid_until = expires_at + TimeDelta::days(i64::from(settings.link_grace_days));
    let token = catalogue
        .link_key()?
        .issue(&submission.id, link_valid_until)?;
    let link = format!("{}/renew/{token}", settings.public_url);
    let (to, unaddressable) = match recipient(submission) {
        Ok(to) => (to, None),
        Err(reason) => (None, Some(reason)),
    };
    let subject = format!(
        "Renew {} by {}: {}",
        submission.id,
        text::day_in_words(expires_at),
        one_line(&submission.title, 80)
    );
    let text = reminder_text(catalogue, settings, submission, &link, link_valid_until);
    let message = message_bytes(
        settings,
        submission,
        to.as_ref(),
        &subject,
        text,
        stage,
        now,
    )?;
    Ok(ReminderRecord {
        id: submission.id.clone(),
        expires_at,
        stage_days: stage,
        prepared_at: now,
        to: to.map(|(_, address)| address.to_string()),
        subject,
        message,
        link_valid_until,
        // A contact the message cannot be addressed to is recorded at once, with the reason,
        // for the ISU to see; the other reminders go out all the same.
        delivery: match unaddressable {
            Some(reason) => Delivery::Undeliverable { reason },
            None => Delivery::Prepared,
        },
    })
}

/// The record of a reminder whose message could not be written, with the reason.
fn unwritten(
    settings: &ReminderSettings,
    submission: &Submission,
    stage: u32,
    now: DateTime<Utc>,
    reason: String,
) -> ReminderRecord {
    let expires_at = submission
        .timestamps
        .expires_at
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    ReminderRecord {
        id: submission.id.clone(),
        expires_at,
        stage_days: stage,
        prepared_at: now,
        to: None,
        subject: String::new(),
        message: String::new(),
        link_valid_until: expires_at + TimeDelta::days(i64::from(settings.link_grace_days)),
        delivery: Delivery::Undeliverable {
            reason: format!("the message could not be written: {reason}"),
        },
    }
}

/// Who a reminder goes to: the contact, or else whoever sent the submission; `None` when
/// neither gives an address. An address the intake checks would refuse (stored before they
/// did) is the reason the reminder cannot be sent; a name with control characters is left out.
fn recipient(submission: &Submission) -> std::result::Result<Option<(String, Address)>, String> {
    let contact = &submission.contact;
    let email = contact.email.trim();
    let name = if control_character(&contact.name).is_some() {
        String::new()
    } else {
        contact.name.trim().to_string()
    };
    if !email.is_empty() {
        return match email.parse::<Address>() {
            Ok(address) if looks_like_email(email) => Ok(Some((name, address))),
            _ => Err(format!(
                "the contact's e-mail address {email:?} is not valid"
            )),
        };
    }
    let Some(sender) = submission.provenance.sender.as_deref() else {
        return Ok(None);
    };
    Ok(sender
        .parse::<Mailbox>()
        .ok()
        .filter(|m| looks_like_email(m.email.as_ref()))
        .map(|m| {
            let name = m.name.filter(|n| control_character(n).is_none());
            (name.unwrap_or_default(), m.email)
        }))
}

fn reminder_text(
    catalogue: &Catalogue,
    settings: &ReminderSettings,
    submission: &Submission,
    link: &str,
    link_valid_until: DateTime<Utc>,
) -> String {
    let expires_at = submission
        .timestamps
        .expires_at
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let name = submission.contact.name.trim();
    let greeting = if name.is_empty() || control_character(name).is_some() {
        "Dear colleague,".to_string()
    } else {
        format!("Dear {name},")
    };
    let months = catalogue.lifespans().months(submission.kind);
    let id = &submission.id;
    let isu = &settings.isu_email;
    let paragraphs = [
        format!(
            "The {kind} \"{title}\" ({id}) on the Cooperation Portal of the Convention on \
             Cluster Munitions is valid until {until}.",
            kind = submission.kind.label().to_lowercase(),
            title = one_line(&submission.title, 200),
            until = text::day_in_words(expires_at),
        ),
        "If it is not renewed by then, it disappears from the portal's search on that day and \
         is moved to the archive. Nothing is deleted: it can still be renewed afterwards."
            .to_string(),
        format!(
            "To keep it for another {months} months from the day you renew, open this link and \
             confirm:"
        ),
        link.to_string(),
        format!(
            "The link renews this one submission only. It works once, until {}, and needs no \
             password.",
            text::day_in_words(link_valid_until)
        ),
        format!(
            "You can also renew by e-mail: write to {isu} with the subject \"Renew: {id}\". To \
             change what it says, send the corrected template with the subject \
             \"Update: {id}\". If it is no longer current, you need do nothing, or ask the ISU \
             to withdraw it."
        ),
    ];
    // Each paragraph is wrapped at spaces, so no mail program breaks a line inside a word.
    let body: Vec<String> = paragraphs.iter().map(|p| wrap(p, 76)).collect();
    format!(
        "{greeting}\n\n{}\n\nImplementation Support Unit\nConvention on Cluster Munitions\n",
        body.join("\n\n")
    )
}

fn message_bytes(
    settings: &ReminderSettings,
    submission: &Submission,
    to: Option<&(String, Address)>,
    subject: &str,
    text: String,
    stage: u32,
    now: DateTime<Utc>,
) -> Result<String> {
    let from = isu_address(settings)?;
    let domain = from.domain().to_string();
    let mut builder = Message::builder()
        .from(Mailbox::new(
            Some("Cooperation Portal (ISU)".into()),
            from.clone(),
        ))
        .reply_to(Mailbox::new(None, from.clone()))
        .subject(subject)
        .date(now.into())
        .message_id(Some(format!(
            "<reminder.{}.{}.{stage}d@{domain}>",
            submission.id,
            submission
                .timestamps
                .expires_at
                .map_or(0, |t| t.timestamp())
        )))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        // Tells mail servers and clients it was sent by a program (RFC 3834): no
        // out-of-office replies to it.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ));
    // A reminder without an address is kept for the record all the same, addressed to the
    // ISU itself; it is never delivered.
    builder = match to {
        Some((name, address)) => {
            let name = (!name.is_empty()).then(|| one_line(name, 100));
            builder.to(Mailbox::new(name, address.clone()))
        }
        None => builder.to(Mailbox::new(None, from)),
    };
    let message = builder.body(text).map_err(|error| ReminderError::Message {
        id: submission.id.clone(),
        reason: error.to_string(),
    })?;
    // The builder writes ASCII only (non-ASCII is encoded), so this is never lossy.
    Ok(String::from_utf8_lossy(&message.formatted()).into_owned())
}

/// The ISU's address, which reminders come from.
fn isu_address(settings: &ReminderSettings) -> Result<Address> {
    Ok(crate::mail::isu_address(&settings.isu_email)?)
}

/// The outbox file of a reminder: `ID-YYYY-MM-DD-Nd.eml` (the expiry date and stage).
fn outbox_name(reminder: &ReminderRecord) -> String {
    format!(
        "{}-{}-{}d.eml",
        reminder.id,
        text::iso_day(reminder.expires_at),
        reminder.stage_days
    )
}

/// A submission about to expire, with the reminders of its current expiry.
pub type Expiring = (Submission, Vec<ReminderRecord>);

/// The submissions that expire within `days` from now, soonest first, each with the reminders
/// of its current expiry, `limit` of them from `offset` on; and how many there are in all (for
/// the ISU's "expiring soon" page).
pub fn expiring_soon(
    catalogue: &Catalogue,
    days: u32,
    offset: usize,
    limit: usize,
) -> Result<(Vec<Expiring>, usize)> {
    let now = catalogue.now();
    let (ids, total) = search::expiring_page(
        &catalogue.index(),
        now,
        now + TimeDelta::days(i64::from(days)),
        offset,
        limit,
    )?;
    let reader = catalogue.store().read()?;
    let mut list = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(submission) = reader.get(&id)? else {
            continue;
        };
        let expires_at = submission.timestamps.expires_at;
        let reminders = reader
            .reminders(&id)?
            .into_iter()
            .filter(|r| Some(r.expires_at) == expires_at)
            .collect();
        list.push((submission, reminders));
    }
    list.sort_by_key(|(s, _)| (s.timestamps.expires_at, s.id.clone()));
    Ok((list, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn settings() -> ReminderSettings {
        ReminderSettings::default().normalised().unwrap()
    }

    #[test]
    fn the_stage_is_the_nearest_reached() {
        let expiry = Utc.with_ymd_and_hms(2027, 6, 30, 0, 0, 0).unwrap();
        let days = |d: i64| expiry - TimeDelta::days(d);
        let check = |now, expected| assert_eq!(settings().stage(expiry, now), expected);
        check(days(31), None);
        check(days(30) - TimeDelta::seconds(1), None);
        check(days(30), Some(30));
        check(days(8), Some(30));
        check(days(7), Some(7));
        check(expiry - TimeDelta::seconds(1), Some(7));
        check(expiry, None);
    }

    #[test]
    fn days_are_checked_and_ordered() {
        let ordered = ReminderSettings {
            days_before: vec![7, 30, 7, 1],
            ..ReminderSettings::default()
        }
        .normalised()
        .unwrap();
        assert_eq!(ordered.days_before, vec![30, 7, 1]);
        let bad = ReminderSettings {
            days_before: vec![0],
            ..ReminderSettings::default()
        };
        assert!(matches!(bad.normalised(), Err(ReminderError::Days(0))));
    }
}
