//! The Cooperation Portal of the Convention on Cluster Munitions: needs, offers, projects and
//! funding sources, kept in redb, searched with tantivy, matched to each other.
//!
//! Modules in reading order; dependencies point down this list, never up.

/// Passwords, sessions, login throttling.
pub mod access;
/// The service front ends call: import, edit, publish, search, match, export, reindex.
pub mod catalogue;
/// Where "now" comes from (injected, so tests never sleep).
pub mod clock;
/// Code lists: countries and regions, currencies and exchange rates, DAC sectors.
pub mod codes;
/// The benchmark corpus (Zipf texts over the field's own words, at any size) and its queries.
pub mod corpus;
/// Deterministic, plainly fictitious demo submissions.
pub mod demo;
/// What members take away: records with names beside codes, as CSV or JSON Lines.
pub mod exports;
/// The field's own vocabulary: what a search for one term also looks for.
pub mod glossary;
/// tantivy: the disposable index, kept in step with the store.
pub mod index;
/// Parsing what arrives from outside: templates, e-mails, IATI files.
pub mod intake;
/// Needs to offers and back, with reasons.
pub mod matching;
/// Who may read the portal's files: its own user alone (umask, and tightening on start).
pub mod permissions;
/// Reminders before expiry: which are due, their messages, their delivery (SMTP or outbox).
pub mod reminders;
/// Signed, expiring, single-use links that renew one submission.
pub mod renewal;
/// Reports over current needs: the compendium, a country's needs and what fits them.
pub mod reports;
/// The intake pipeline (raw messages first) and the ISU's review queue.
pub mod review;
/// Keyword search, filters, facets, sorting, visibility at query time.
pub mod search;
/// Counts and sums over the catalogue.
pub mod stats;
/// redb: the source of truth, with a change sequence.
pub mod store;
/// The submission and its vocabularies; validation against the code lists.
pub mod submission;
/// The closed vocabularies of a submission (kind, status, area…) and the bands of funding.
pub mod vocabulary;
/// The members' portal on the web (axum + maud).
pub mod web;

/// The allocator of the `portal` binary (and of the benchmarks, so that they measure what runs):
/// under a long-running `serve` with imports, glibc's per-thread arenas kept freed memory and
/// the resident size grew (found by `scripts/soak-test`); mimalloc hands freed pages back. Not
/// set here for every user of the library: the fuzz targets need the sanitiser's allocator.
pub type Allocator = mimalloc::MiMalloc;
