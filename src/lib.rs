//! The Cooperation Portal of the Convention on Cluster Munitions: needs, offers, projects and
//! funding sources, kept in redb, searched with tantivy, matched to each other.
//!
//! The portal itself: the catalogue and the services over it (access, review, reminders,
//! renewal, exports) and the web. The layers below are crates of their own, re-exported here
//! under the names the portal has always used (see ARCHITECTURE.md for the graph):
//! `portal_domain` (clock, vocabulary, codes, submission), `portal_intake` (intake),
//! `portal_store` (store), `portal_search` (index, glossary, search, matching, stats, reports)
//! and `portal_demo` (demo).

pub use portal_demo as demo;
pub use portal_domain::{clock, codes, submission, text, vocabulary};
pub use portal_intake as intake;
pub use portal_search::{glossary, index, matching, reports, search, stats};
pub use portal_store as store;

/// Passwords, sessions, login throttling.
pub mod access;
/// Access on request: the public form's requests, their confirmation and review, the
/// focal-point list, and the member password sent to it on approval and each rotation.
pub mod access_requests;
/// Answers to senders (receipt, needs attention, published, rejected), queued as letters in
/// the transaction of what they report; never to a program or a list.
pub mod answers;
/// Backups on a schedule, in a folder and in S3-compatible object storage, with manifests.
pub mod backups;
/// The service front ends call: import, edit, publish, search, match, export, reindex.
pub mod catalogue;
/// What members take away: records with names beside codes, as CSV or JSON Lines.
pub mod exports;
/// Submissions sent by the web form: stored like an e-mail, filed only once their contact
/// confirms by a signed link.
pub mod form_intake;
/// Whether the portal is ready to serve: store, index, reminder delivery (`/readyz`).
pub mod health;
/// Mail the portal writes: SMTP or the outbox folder, and letters (answers, links, passwords)
/// stored whole before delivery.
pub mod mail;
/// The ISU's mailbox over IMAP: new messages imported as `portal import` would, then moved
/// to a folder or flagged; never deleted.
pub mod mailbox;
/// The figures for Prometheus: counters the code paths add to, gauges read when scraped.
pub mod metrics;
/// Who may read the portal's files: its own user alone (umask, and tightening on start).
pub mod permissions;
/// Reminders before expiry: which are due, their messages, their delivery (SMTP or outbox).
pub mod reminders;
/// Signed, expiring, single-use links: renewing one submission, and the other confirmations.
pub mod renewal;
/// The intake pipeline (raw messages first) and the ISU's review queue.
pub mod review;
/// HTTPS: certificates from PEM files (reloaded) or from an ACME CA, and the TLS settings.
pub mod tls;
/// The members' portal on the web (axum + maud).
pub mod web;

/// The allocator of the `portal` binary (and of the benchmarks, so that they measure what runs):
/// under a long-running `serve` with imports, glibc's per-thread arenas kept freed memory and
/// the resident size grew (found by `scripts/soak-test`); mimalloc hands freed pages back. Not
/// set here for every user of the library: the fuzz targets need the sanitiser's allocator.
pub type Allocator = mimalloc::MiMalloc;
