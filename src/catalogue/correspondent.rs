//! The hook through which letters are written in the same transaction as the change they
//! report (answers to senders, `crate::answers`). The catalogue knows only that someone may want
//! to write; what they write, and to whom, is theirs.

use std::cell::Cell;

use chrono::{DateTime, Utc};

use crate::store::{MessageRecord, StoreError, Writer};
use crate::submission::Submission;

/// Writes letters about what the catalogue files and changes, inside the transaction that
/// stores the change, so that a crash neither loses nor doubles one.
pub trait Correspondent: Send + Sync + std::fmt::Debug {
    /// A message was filed: `record` holds its outcome and is stored after this returns, in
    /// the same transaction (notes added to it are kept). `raw` is the message as received.
    fn message_filed(
        &self,
        writer: &mut Writer,
        record: &mut MessageRecord,
        raw: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// A submission was changed from `before` to `after` (its status, say) and is being stored.
    fn submission_changed(
        &self,
        writer: &mut Writer,
        before: &Submission,
        after: &Submission,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

thread_local! {
    /// Set by [`without_letters`] while this thread imports an old archive.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` on this thread with no letters written by the correspondent (`portal import
/// --no-answers`: an old archive of e-mails must not answer people months later).
pub fn without_letters<T>(work: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            QUIET.with(|quiet| quiet.set(self.0));
        }
    }
    let _reset = Reset(QUIET.with(|quiet| quiet.replace(true)));
    work()
}

/// Whether letters are off on this thread ([`without_letters`]).
pub(super) fn letters_off() -> bool {
    QUIET.with(Cell::get)
}
