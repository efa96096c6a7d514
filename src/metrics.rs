//! The portal's figures for Prometheus (`GET /metrics`): counters and histograms that the code
//! paths add to as they run (requests, searches, logins, reminders), gauges read from the
//! catalogue when scraped (submissions, the review queue, the index), and the process's memory
//! and start time. Owns the registry and the text it is written as; knows nothing of HTTP (the
//! web serves `/metrics` and decides who may read it).

use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use sha2::{Digest, Sha256};

use crate::catalogue::{Catalogue, CatalogueError};
use crate::reminders::Run;
use crate::store::Delivery;
use crate::submission::Vocabulary;

/// What can go wrong while the figures are read.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("the figures cannot be written: {0}")]
    Encode(#[from] prometheus::Error),
}

/// The content type of the text [`Metrics::render`] writes (Prometheus text format 0.0.4).
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Seconds: from half a millisecond (a static file) to the request time-out.
const REQUEST_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Seconds: a kept page takes microseconds, a search about a millisecond, a million a few.
const SEARCH_BUCKETS: &[f64] = &[
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5,
];

/// How a login was refused before its password was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// Too many failed attempts from the client's address.
    Address,
    /// The member password failed too often in the last minute, from every address together.
    MemberPassword,
    /// The password checks were all busy for longer than a login waits.
    Busy,
}

impl Throttled {
    fn label(self) -> &'static str {
        match self {
            Throttled::Address => "address",
            Throttled::MemberPassword => "member_password",
            Throttled::Busy => "busy",
        }
    }
}

/// Every figure the portal keeps, in one registry.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    searches: HistogramVec,
    login_failures: IntCounterVec,
    login_throttled: IntCounterVec,
    reminders_prepared: IntCounter,
    reminders_sent: IntCounter,
    reminders_failed: IntCounter,
    // Read when scraped.
    submissions: IntGaugeVec,
    review_submissions: IntGauge,
    review_messages: IntGauge,
    index_documents: IntGauge,
    index_lag: IntGauge,
    resident_memory: IntGauge,
    virtual_memory: IntGauge,
    start_time: Gauge,
    /// One scrape at a time: each sets the gauges it then reads.
    scraping: Mutex<()>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh registry with every figure at zero; the process counts as started now.
    pub fn new() -> Metrics {
        // The names, help texts, labels and buckets below are fixed and valid, and each name is
        // registered once into a registry of its own: none of the `expect`s can fail.
        let registry = Registry::new();
        let metrics = Metrics {
            requests: IntCounterVec::new(
                Opts::new(
                    "portal_http_requests_total",
                    "HTTP requests answered, by route class and status code.",
                ),
                &["class", "status"],
            )
            .expect("a valid counter"),
            request_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "portal_http_request_duration_seconds",
                    "Time from a request's arrival to its response's head, by route class.",
                )
                .buckets(REQUEST_BUCKETS.to_vec()),
                &["class"],
            )
            .expect("a valid histogram"),
            searches: HistogramVec::new(
                HistogramOpts::new(
                    "portal_search_duration_seconds",
                    "Members' result pages (search page, API, feeds) and the time each took: \
                     answer=\"searched\" ran a search, answer=\"kept\" found a recent page.",
                )
                .buckets(SEARCH_BUCKETS.to_vec()),
                &["answer"],
            )
            .expect("a valid histogram"),
            login_failures: IntCounterVec::new(
                Opts::new(
                    "portal_login_failures_total",
                    "Logins whose password (or admin name) was wrong, by account.",
                ),
                &["account"],
            )
            .expect("a valid counter"),
            login_throttled: IntCounterVec::new(
                Opts::new(
                    "portal_login_throttled_total",
                    "Logins refused before their password was checked, by reason.",
                ),
                &["reason"],
            )
            .expect("a valid counter"),
            reminders_prepared: IntCounter::new(
                "portal_reminders_prepared_total",
                "Reminders prepared by the portal's rounds.",
            )
            .expect("a valid counter"),
            reminders_sent: IntCounter::new(
                "portal_reminders_sent_total",
                "Reminders handed to the SMTP server or written to the outbox.",
            )
            .expect("a valid counter"),
            reminders_failed: IntCounter::new(
                "portal_reminders_failed_total",
                "Reminder deliveries that failed (each attempt; tried again next round), and \
                 reminders that cannot be delivered.",
            )
            .expect("a valid counter"),
            submissions: IntGaugeVec::new(
                Opts::new(
                    "portal_submissions",
                    "Submissions held, by kind and status (published-but-expired: not yet \
                     archived).",
                ),
                &["kind", "status"],
            )
            .expect("a valid gauge"),
            review_submissions: IntGauge::new(
                "portal_review_queue_submissions",
                "Submissions waiting for review before publication.",
            )
            .expect("a valid gauge"),
            review_messages: IntGauge::new(
                "portal_review_queue_messages",
                "Messages waiting for an admin: proposed updates and renewals, and those that \
                 need attention.",
            )
            .expect("a valid gauge"),
            index_documents: IntGauge::new(
                "portal_index_documents",
                "Documents in the search index.",
            )
            .expect("a valid gauge"),
            index_lag: IntGauge::new(
                "portal_index_lag_changes",
                "Changes of the store the search index has not seen yet (store sequence minus \
                 the index's).",
            )
            .expect("a valid gauge"),
            resident_memory: IntGauge::new(
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
            )
            .expect("a valid gauge"),
            virtual_memory: IntGauge::new(
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes.",
            )
            .expect("a valid gauge"),
            start_time: Gauge::new(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
            )
            .expect("a valid gauge"),
            registry,
            scraping: Mutex::new(()),
        };
        metrics.start_time.set(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0.0, |since| since.as_secs_f64()),
        );
        // The labels of a fixed few values are there from the start, at zero, so that a
        // rate or an alert over them has a series before the first event.
        for answer in ["searched", "kept"] {
            metrics.searches.with_label_values(&[answer]);
        }
        for account in ["member", "admin"] {
            metrics.login_failures.with_label_values(&[account]);
        }
        for why in [
            Throttled::Address,
            Throttled::MemberPassword,
            Throttled::Busy,
        ] {
            metrics.login_throttled.with_label_values(&[why.label()]);
        }
        metrics.register_all();
        metrics
    }

    fn register_all(&self) {
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(self.requests.clone()),
            Box::new(self.request_seconds.clone()),
            Box::new(self.searches.clone()),
            Box::new(self.login_failures.clone()),
            Box::new(self.login_throttled.clone()),
            Box::new(self.reminders_prepared.clone()),
            Box::new(self.reminders_sent.clone()),
            Box::new(self.reminders_failed.clone()),
            Box::new(self.submissions.clone()),
            Box::new(self.review_submissions.clone()),
            Box::new(self.review_messages.clone()),
            Box::new(self.index_documents.clone()),
            Box::new(self.index_lag.clone()),
            Box::new(self.resident_memory.clone()),
            Box::new(self.virtual_memory.clone()),
            Box::new(self.start_time.clone()),
        ];
        for collector in collectors {
            self.registry
                .register(collector)
                .expect("distinct metric names");
        }
    }

    /// Counts one answered request of `class` (one of a fixed few) with `status`, and its time.
    pub fn request(&self, class: &'static str, status: &str, took: Duration) {
        self.requests.with_label_values(&[class, status]).inc();
        self.request_seconds
            .with_label_values(&[class])
            .observe(took.as_secs_f64());
    }

    /// Counts one members' results page: searched, or found among the recent ones kept.
    pub fn search(&self, kept: bool, took: Duration) {
        let answer = if kept { "kept" } else { "searched" };
        self.searches
            .with_label_values(&[answer])
            .observe(took.as_secs_f64());
    }

    /// Counts a login whose password was wrong, for the member password or an admin.
    pub fn login_failed(&self, admin: bool) {
        let account = if admin { "admin" } else { "member" };
        self.login_failures.with_label_values(&[account]).inc();
    }

    /// Counts a login refused before its password was checked.
    pub fn login_throttled(&self, why: Throttled) {
        self.login_throttled.with_label_values(&[why.label()]).inc();
    }

    /// Counts what one round of reminders did: prepared, delivered, failed (as the log says).
    pub fn reminders(&self, run: &Run) {
        let not_delivered = |delivery: &Delivery| {
            matches!(
                delivery,
                Delivery::Failed { .. } | Delivery::Undeliverable { .. }
            )
        };
        // A reminder whose contact cannot be addressed is recorded as not sent when prepared.
        let unaddressed = run
            .prepared
            .iter()
            .filter(|r| matches!(r.delivery, Delivery::Undeliverable { .. }))
            .count();
        let failed = run
            .delivered
            .iter()
            .filter(|r| not_delivered(&r.delivery))
            .count();
        let sent = run.delivered.len() - failed;
        self.reminders_prepared.inc_by(run.prepared.len() as u64);
        self.reminders_sent.inc_by(sent as u64);
        self.reminders_failed.inc_by((failed + unaddressed) as u64);
    }

    /// Every figure as Prometheus text, the catalogue's read now (a pass over the index's
    /// table of values, the keys of the archive and the messages; no submission is read).
    pub fn render(&self, catalogue: &Catalogue) -> Result<String, MetricsError> {
        let _one_at_a_time = self
            .scraping
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.read_catalogue(catalogue)?;
        self.read_process();
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        // The encoder writes nothing but UTF-8 (names, escaped help and label values, numbers).
        Ok(String::from_utf8_lossy(&text).into_owned())
    }

    fn read_catalogue(&self, catalogue: &Catalogue) -> Result<(), MetricsError> {
        let holdings = catalogue.holdings()?;
        self.submissions.reset();
        for ((kind, status), count) in holdings {
            self.submissions
                .with_label_values(&[kind.slug(), status.as_str()])
                .set(gauge(count));
        }
        let queue = crate::review::queue_page(catalogue, 0, 0)?;
        self.review_submissions
            .set(gauge(queue.pending_total as u64));
        self.review_messages.set(gauge(queue.messages_total as u64));
        let position = catalogue.index_position()?;
        self.index_documents.set(gauge(position.documents));
        self.index_lag.set(gauge(position.lag()));
        Ok(())
    }

    fn read_process(&self) {
        // Linux's view of this process; elsewhere the figures stay at zero.
        let status = std::fs::read_to_string(Path::new("/proc/self/status")).unwrap_or_default();
        let kib = |field: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|rest| rest.trim().strip_suffix("kB"))
                .and_then(|number| number.trim().parse::<i64>().ok())
                .map_or(0, |kib| kib.saturating_mul(1024))
        };
        self.resident_memory.set(kib("VmRSS:"));
        self.virtual_memory.set(kib("VmSize:"));
    }
}

fn gauge(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The token that lets a scraper read `/metrics` from elsewhere than this machine
/// (`portal serve --metrics-token-file`). Only its SHA-256 is kept.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken([u8; 32]);

/// The shortest token accepted.
pub const MIN_TOKEN_CHARS: usize = 16;

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

impl MetricsToken {
    /// The token written in `file` (surrounding white space, such as the last line's end,
    /// left out).
    pub fn read(file: &Path) -> Result<MetricsToken, String> {
        let text = std::fs::read_to_string(file).map_err(|error| {
            format!(
                "cannot read the metrics token file {}: {error}",
                file.display()
            )
        })?;
        MetricsToken::new(text.trim()).map_err(|why| format!("{}: {why}", file.display()))
    }

    /// `token` itself: at least [`MIN_TOKEN_CHARS`] visible ASCII characters, no spaces.
    pub fn new(token: &str) -> Result<MetricsToken, String> {
        if let Some(bad) = token.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(format!(
                "the metrics token has {bad:?} in it; use visible ASCII characters without spaces \
                 (e.g. 32 random letters and digits)"
            ));
        }
        if token.len() < MIN_TOKEN_CHARS {
            return Err(format!(
                "the metrics token is {} characters long; use at least {MIN_TOKEN_CHARS} (e.g. \
                 32 random letters and digits)",
                token.len()
            ));
        }
        Ok(MetricsToken(Sha256::digest(token.as_bytes()).into()))
    }

    /// Whether `offered` is the token. The digests are compared, so the time taken tells
    /// nothing of the token itself.
    pub fn matches(&self, offered: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(offered.as_bytes()).into();
        digest == self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_matched_by_digest() {
        let token = MetricsToken::new("0123456789abcdefXYZ").unwrap();
        assert!(token.matches("0123456789abcdefXYZ"));
        assert!(!token.matches("0123456789abcdefXYz"));
        assert!(!token.matches(""));
        assert_eq!(format!("{token:?}"), "MetricsToken(…)");
        let short = MetricsToken::new("short").unwrap_err();
        assert!(
            short.contains("5 characters long; use at least 16"),
            "{short}"
        );
        let spaced = MetricsToken::new("0123456789 abcdef").unwrap_err();
        assert!(spaced.contains("' '"), "{spaced}");
    }

    #[test]
    fn counters_count_and_the_text_names_them() {
        let metrics = Metrics::new();
        metrics.request("search", "200", Duration::from_millis(3));
        metrics.request("search", "200", Duration::from_millis(4));
        metrics.login_failed(false);
        metrics.login_throttled(Throttled::Address);
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&metrics.registry.gather(), &mut text)
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("portal_http_requests_total{class=\"search\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("portal_http_request_duration_seconds_count{class=\"search\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("portal_login_failures_total{account=\"member\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("portal_login_throttled_total{reason=\"address\"} 1"),
            "{text}"
        );
    }
}
