//! The Cooperation Portal's search: the tantivy index kept in step with the store, keyword
//! search with filters and facets, matching needs to offers, statistics and reports. It reads
//! the store and never writes it; it decides what members may see at query time.
//!
//! Modules in dependency order: each uses only those above it.

/// The activities inside the areas of work, and what a text names of them.
pub mod activities;
/// How the index reads words.
pub mod analysis;
/// The field's own vocabulary: what a search for one term also looks for.
pub mod glossary;
/// tantivy: the disposable index, kept in step with the store.
pub mod index;
/// Needs to offers and back, with reasons.
pub mod matching;
/// What a text says it does not do, left out of what it is taken to be about.
pub mod negation;
/// Reports over current needs: the compendium, a country's needs and what fits them.
pub mod reports;
/// Keyword search, filters, facets, sorting, visibility at query time.
pub mod search;
/// Counts and sums over the catalogue.
pub mod stats;
