//! The audit trail: every change of state of a submission, with time and actor, written in the
//! same transaction as the change itself, so the trail can never miss one.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{AUDIT, Reader, Result, Writer, decode_json, encode_json};
use portal_domain::submission::{Status, Submission};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditEvent {
    Received,
    Published,
    Edited,
    Renewed,
    Reminded,
    Expired,
    Archived,
    Restored,
    Withdrawn,
    Rejected,
    /// Sent back to the review queue.
    ReturnedToReview,
    /// An access request: made on the public form.
    Requested,
    /// An access request: confirmed by the link sent to its address.
    Confirmed,
    /// An access request: approved by an admin (its requester became a focal point).
    Approved,
    /// An access request: declined by an admin.
    Declined,
    /// A focal point: removed from the list (receives no further passwords).
    Removed,
    /// A focal point: sent the member password.
    PasswordSent,
}

impl AuditEvent {
    pub fn label(self) -> &'static str {
        match self {
            AuditEvent::Received => "received",
            AuditEvent::Published => "published",
            AuditEvent::Edited => "edited",
            AuditEvent::Renewed => "renewed",
            AuditEvent::Reminded => "reminded",
            AuditEvent::Expired => "expired",
            AuditEvent::Archived => "archived",
            AuditEvent::Restored => "restored",
            AuditEvent::Withdrawn => "withdrawn",
            AuditEvent::Rejected => "rejected",
            AuditEvent::ReturnedToReview => "returned to review",
            AuditEvent::Requested => "requested",
            AuditEvent::Confirmed => "confirmed",
            AuditEvent::Approved => "approved",
            AuditEvent::Declined => "declined",
            AuditEvent::Removed => "removed",
            AuditEvent::PasswordSent => "password sent",
        }
    }
}

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub event: AuditEvent,
    /// Who did it: an admin's name, the command line, an import, the portal itself.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The events a change from `old` to `new` stands for.
pub(super) fn events(old: Option<&Submission>, new: &Submission) -> Vec<AuditEvent> {
    let Some(old) = old else {
        let mut events = vec![AuditEvent::Received];
        if new.status == Status::Published {
            events.push(AuditEvent::Published);
        }
        return events;
    };
    let mut events = Vec::new();
    if old.status != new.status {
        events.push(match (old.status, new.status) {
            (Status::Expired, Status::Published) => AuditEvent::Restored,
            (_, Status::Published) => AuditEvent::Published,
            (_, Status::Expired) => AuditEvent::Archived,
            (_, Status::Withdrawn) => AuditEvent::Withdrawn,
            (_, Status::Rejected) => AuditEvent::Rejected,
            (_, Status::Pending) => AuditEvent::ReturnedToReview,
        });
    }
    if old.timestamps.renewed_at != new.timestamps.renewed_at && new.timestamps.renewed_at.is_some()
    {
        events.push(AuditEvent::Renewed);
    }
    let mut old_content = old.clone();
    old_content.status = new.status;
    old_content.status_note = new.status_note.clone();
    old_content.timestamps = new.timestamps.clone();
    old_content.version = new.version;
    if old_content != *new {
        events.push(AuditEvent::Edited);
    }
    events
}

impl Reader {
    /// A submission's trail, oldest first.
    pub fn audit(&self, id: &str) -> Result<Vec<AuditEntry>> {
        let table = self.txn.open_table(AUDIT)?;
        let mut entries = Vec::new();
        for entry in table.range((id, 0)..=(id, u64::MAX))? {
            let (_, value) = entry?;
            entries.push(decode_json("audit", value.value())?);
        }
        Ok(entries)
    }
}

impl Writer<'_> {
    /// Records the changes of this transaction as made by `actor`.
    pub fn set_actor(&mut self, actor: &str) {
        self.actor = actor.to_string();
    }

    /// Adds an entry to a submission's trail, stamped with the time of its last change.
    pub fn audit(&mut self, id: &str, event: AuditEvent, note: Option<String>) -> Result<()> {
        let at = self
            .get(id)?
            .map(|s| s.timestamps.updated_at)
            .unwrap_or_else(Utc::now);
        self.put_audit_entry(
            id,
            &AuditEntry {
                at,
                event,
                actor: self.actor.clone(),
                note,
            },
        )
    }

    /// Appends an entry as given (restoring an export).
    pub fn put_audit_entry(&mut self, id: &str, entry: &AuditEntry) -> Result<()> {
        self.put_audit_entries(id, std::slice::from_ref(entry))
    }

    /// Appends entries as given, in order.
    pub(super) fn put_audit_entries(&mut self, id: &str, entries: &[AuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let table = self.audit_table()?;
        let next = table
            .range((id, 0)..=(id, u64::MAX))?
            .next_back()
            .transpose()?
            .map_or(0, |(k, _)| k.value().1 + 1);
        for (number, entry) in (next..).zip(entries) {
            table.insert((id, number), encode_json("audit", entry)?.as_slice())?;
        }
        Ok(())
    }
}
