//! A submission's life: edits, publication, renewal (also by link), status, archiving.

use crate::renewal::{Claim, LinkError, LinkKey};
use crate::search::{self};
use crate::store::{AuditEntry, UsedRenewalLink};
use crate::submission::{Status, Submission, Vocabulary};

use super::{Catalogue, CatalogueError, PURGE_BATCH, Result};

impl Catalogue {
    /// Changes a submission with `change`, keeping the previous version. The result must still
    /// be valid; nothing is stored otherwise.
    pub fn edit(&self, id: &str, change: impl FnOnce(&mut Submission)) -> Result<Submission> {
        self.edit_by("portal", id, change)
    }

    /// `edit`, recorded in the audit trail as done by `actor`.
    pub fn edit_by(
        &self,
        actor: &str,
        id: &str,
        change: impl FnOnce(&mut Submission),
    ) -> Result<Submission> {
        let _gate = self.write_gate();
        let now = self.now();
        let submission = self.store.write(|writer| -> Result<Submission> {
            writer.set_actor(actor);
            let mut submission = writer
                .get(id)?
                .ok_or_else(|| CatalogueError::NotFound(id.to_string()))?;
            let correspondent = self.correspondent();
            let before = correspondent.map(|_| submission.clone());
            change(&mut submission);
            submission.id = id.to_string();
            submission
                .validate()
                .map_err(|errors| CatalogueError::Invalid {
                    id: id.to_string(),
                    errors,
                })?;
            submission.timestamps.updated_at = now;
            writer.put(&mut submission)?;
            // A letter about the change (a publication, a rejection) is stored with it.
            if let (Some(correspondent), Some(before)) = (correspondent, before) {
                correspondent.submission_changed(writer, &before, &submission, now)?;
            }
            Ok(submission)
        })?;
        self.index().catch_up(&self.store)?;
        Ok(submission)
    }

    /// Publishes a submission: members see it from now until its lifespan runs out.
    pub fn publish(&self, id: &str) -> Result<Submission> {
        self.publish_by("portal", id)
    }

    /// `publish`, recorded as done by `actor`.
    pub fn publish_by(&self, actor: &str, id: &str) -> Result<Submission> {
        let now = self.now();
        let lifespans = self.lifespans;
        self.edit_by(actor, id, |s| {
            s.status = Status::Published;
            s.timestamps.published_at = Some(now);
            s.timestamps.expires_at = Some(lifespans.expiry(s.kind, now));
        })
    }

    /// Renews a submission: it stays (or is again) published, valid for its kind's lifespan
    /// from now.
    pub fn renew(&self, id: &str) -> Result<Submission> {
        self.renew_by("portal", id)
    }

    /// `renew`, recorded as done by `actor`.
    pub fn renew_by(&self, actor: &str, id: &str) -> Result<Submission> {
        let now = self.now();
        let lifespans = self.lifespans;
        self.edit_by(actor, id, |s| lifespans.renew(s, now))
    }

    /// The key that signs renewal links.
    pub fn link_key(&self) -> Result<&LinkKey> {
        if let Some(key) = self.link_key.get() {
            return Ok(key);
        }
        let key = LinkKey::from_store(&self.store)?;
        // Two threads may both read it; they read the same key, and the first one set wins.
        Ok(self.link_key.get_or_init(|| key))
    }

    /// What a renewal link would renew, without using it: the submission, and the earlier use
    /// of the link if there was one.
    pub fn inspect_renewal_link(
        &self,
        token: &str,
    ) -> Result<(Claim, Submission, Option<UsedRenewalLink>)> {
        let claim = self.link_key()?.verify(token, self.now())?;
        let reader = self.store.read()?;
        let submission = reader
            .get(&claim.id)?
            .ok_or_else(|| CatalogueError::NotFound(claim.id.clone()))?;
        let used = reader.used_renewal_link(&claim.nonce)?;
        Ok((claim, submission, used))
    }

    /// Renews the one submission a renewal link names, and uses the link up, in one
    /// transaction. Only a published or archived (expired) submission can be renewed so.
    pub fn renew_with_link(&self, token: &str) -> Result<Submission> {
        let now = self.now();
        let claim = self.link_key()?.verify(token, now)?;
        let lifespans = self.lifespans;
        let _gate = self.write_gate();
        let submission = self.store.write(|writer| -> Result<Submission> {
            writer.set_actor("contact (renewal link)");
            let mut submission = writer
                .get(&claim.id)?
                .ok_or_else(|| CatalogueError::NotFound(claim.id.clone()))?;
            if !matches!(submission.status, Status::Published | Status::Expired) {
                return Err(LinkError::NotRenewable {
                    id: claim.id.clone(),
                    status: submission.status.slug().to_string(),
                }
                .into());
            }
            let use_now = UsedRenewalLink {
                id: claim.id.clone(),
                used_at: now,
            };
            if let Some(earlier) = writer.use_renewal_link(&claim.nonce, &use_now)? {
                return Err(LinkError::AlreadyUsed(earlier.used_at).into());
            }
            lifespans.renew(&mut submission, now);
            submission.timestamps.updated_at = now;
            writer.put(&mut submission)?;
            Ok(submission)
        })?;
        self.index().catch_up(&self.store)?;
        Ok(submission)
    }

    /// The submission imported earlier from the same original (Message-ID, IATI identifier).
    pub fn id_for_external_key(&self, key: &str) -> Result<Option<String>> {
        Ok(self.store.read()?.id_for_external_key(key)?)
    }

    /// Sets a submission's status (withdrawn, rejected, pending …) without other changes.
    pub fn set_status(&self, id: &str, status: Status) -> Result<Submission> {
        self.set_status_by("portal", id, status)
    }

    /// `set_status`, recorded as done by `actor`.
    pub fn set_status_by(&self, actor: &str, id: &str, status: Status) -> Result<Submission> {
        if status == Status::Published {
            return self.publish_by(actor, id);
        }
        self.edit_by(actor, id, |s| s.status = status)
    }

    /// Moves every published submission past its expiry to the archive (status `expired`):
    /// out of the index, kept in the store, restorable. Members stopped seeing them the second
    /// they expired; this only tidies up. Returns the ids archived.
    ///
    /// After [`Catalogue::stop_background_work`], it stops between batches: what it archived
    /// so far is returned, the rest waits for the next run.
    pub fn purge_expired(&self, actor: &str) -> Result<Vec<String>> {
        let now = self.now();
        let due = search::expired_ids(&self.index(), now)?;
        let mut archived = Vec::with_capacity(due.len());
        // In batches, each one transaction and one index commit: a backlog of many thousands
        // (a catalogue restored after months) is archived in seconds, not one commit apiece.
        for batch in due.chunks(PURGE_BATCH) {
            if self.is_stopping() {
                break;
            }
            let _gate = self.write_gate();
            let done = self.store.write(|writer| -> Result<Vec<String>> {
                writer.set_actor(actor);
                let mut done = Vec::with_capacity(batch.len());
                for id in batch {
                    // Re-checked against the store: an id renewed meanwhile stays.
                    let Some(mut submission) = writer.get(id)? else {
                        continue;
                    };
                    if submission.status == Status::Published
                        && submission.timestamps.expires_at.is_some_and(|e| e <= now)
                    {
                        submission.status = Status::Expired;
                        submission.timestamps.updated_at = now;
                        writer.put(&mut submission)?;
                        done.push(id.clone());
                    }
                }
                Ok(done)
            })?;
            self.index().catch_up(&self.store)?;
            archived.extend(done);
        }
        Ok(archived)
    }

    /// The archive: expired submissions, newest expiry first.
    pub fn archive(&self) -> Result<Vec<Submission>> {
        Ok(self.archive_page(0, usize::MAX)?.0)
    }

    /// A page of the archive: `limit` archived submissions from `offset` on, the latest
    /// expired first; and how many there are in all.
    pub fn archive_page(&self, offset: usize, limit: usize) -> Result<(Vec<Submission>, u64)> {
        Ok(self.store.read()?.archive_page(offset, limit)?)
    }

    /// A submission's audit trail, oldest first.
    pub fn audit(&self, id: &str) -> Result<Vec<AuditEntry>> {
        Ok(self.store.read()?.audit(id)?)
    }
}
