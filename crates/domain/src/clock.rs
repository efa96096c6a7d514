//! Time, injected: the real clock in production, a settable one in tests, so that nothing
//! about expiry ever depends on sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; cloning shares the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    seconds: Arc<AtomicI64>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            seconds: Arc::new(AtomicI64::new(start.timestamp())),
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        self.seconds.store(to.timestamp(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.seconds.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        // Every stored value came from a valid DateTime, so it converts back.
        DateTime::from_timestamp(self.seconds.load(Ordering::SeqCst), 0).unwrap_or_default()
    }
}
