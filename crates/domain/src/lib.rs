//! The Cooperation Portal's domain: what a submission is, its closed vocabularies, the code
//! lists it is checked against, and where "now" comes from. No storage, no index, no HTTP.
//!
//! Modules in dependency order: each uses only those above it.

/// Where "now" comes from (injected, so tests never sleep).
pub mod clock;
/// Code lists: countries and regions, currencies and exchange rates, DAC sectors.
pub mod codes;
/// The submission and its vocabularies; validation against the code lists.
pub mod submission;
/// How dates, moments and numbers are written: in words, in ISO 8601, with thousands separators.
pub mod text;
/// The closed vocabularies of a submission (kind, status, area…) and the bands of funding.
pub mod vocabulary;
