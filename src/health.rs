//! Whether the portal is ready to serve (`GET /readyz`): its store answers a read, its index
//! has caught up with the store, and reminder delivery is not stuck. Knows nothing of HTTP;
//! says which check failed, and why for the log.

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalogue::Catalogue;
use crate::store::Delivery;

/// One of the checks of readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A read transaction of the store opens and reads a table.
    Store,
    /// The index has seen the store's last change, or a write is catching it up now.
    Index,
    /// No reminder is stuck: still not delivered, its last attempt failed, the set number of
    /// hours or more after it was prepared (the portal tries every minute).
    Reminders,
}

impl Check {
    /// Its name, as `/readyz` says it.
    pub fn name(self) -> &'static str {
        match self {
            Check::Store => "store",
            Check::Index => "index",
            Check::Reminders => "reminders",
        }
    }
}

/// A check that failed, and why (for the log, not for whoever asks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub check: Check,
    pub detail: String,
}

/// The default of `portal serve --reminder-stuck-hours`.
pub const REMINDER_STUCK_HOURS: u32 = 24;

/// Every check that fails now; none when the portal is ready. `reminder_stuck_after`: how long
/// after it was prepared a reminder whose delivery keeps failing counts as stuck (zero: at the
/// first failure).
pub fn failures(catalogue: &Catalogue, reminder_stuck_after: TimeDelta) -> Vec<Failure> {
    let failed = |check, detail: String| vec![Failure { check, detail }];
    let reader = match catalogue.store().read() {
        Ok(reader) => reader,
        Err(error) => return failed(Check::Store, error.to_string()),
    };
    if let Err(error) = reader.count() {
        return failed(Check::Store, error.to_string());
    }
    let mut failures = Vec::new();
    match catalogue.index_position() {
        Ok(position) if position.caught_up() => {}
        Ok(position) => failures.push(Failure {
            check: Check::Index,
            detail: format!(
                "the index has seen the store's changes up to {} of {}, and no write is \
                 catching it up",
                position.indexed_seq, position.store_seq
            ),
        }),
        Err(error) => failures.push(Failure {
            check: Check::Index,
            detail: error.to_string(),
        }),
    }
    match reader.outstanding_reminders() {
        Ok(outstanding) => {
            let now = catalogue.now();
            let stuck = outstanding
                .iter()
                .filter(|r| is_stuck(&r.delivery, r.prepared_at, now, reminder_stuck_after));
            if let Some(first) = stuck.clone().next() {
                failures.push(Failure {
                    check: Check::Reminders,
                    detail: format!(
                        "{} reminders not delivered {} hours or more after they were prepared, \
                         the first for {} (prepared {})",
                        stuck.count(),
                        reminder_stuck_after.num_hours(),
                        first.id,
                        first.prepared_at.to_rfc3339()
                    ),
                });
            }
        }
        Err(error) => failures.push(Failure {
            check: Check::Reminders,
            detail: error.to_string(),
        }),
    }
    failures
}

/// Whether an outstanding reminder is stuck: its last attempt failed, and it was prepared
/// `after` or longer ago.
fn is_stuck(
    delivery: &Delivery,
    prepared_at: DateTime<Utc>,
    now: DateTime<Utc>,
    after: TimeDelta,
) -> bool {
    matches!(delivery, Delivery::Failed { .. }) && now - prepared_at >= after
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_reminder_is_stuck_when_its_delivery_failed_long_enough_after_it_was_prepared() {
        let prepared = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let failed = Delivery::Failed {
            at: prepared,
            error: "connection refused".into(),
            attempts: 3,
        };
        let day = TimeDelta::hours(24);
        let check = |delivery: &Delivery, hours_later: i64, after: TimeDelta| {
            is_stuck(
                delivery,
                prepared,
                prepared + TimeDelta::hours(hours_later),
                after,
            )
        };
        assert!(!check(&failed, 23, day));
        assert!(check(&failed, 24, day));
        assert!(check(&failed, 0, TimeDelta::zero()));
        // Not yet tried: the next round (a minute away) delivers it.
        assert!(!check(&Delivery::Prepared, 48, day));
    }
}
