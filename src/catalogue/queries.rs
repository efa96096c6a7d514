//! What the catalogue answers: searches, matches, statistics, reports, and the index check.

use std::sync::Arc;

use serde::Serialize;

use crate::index::SearchIndex;
use crate::matching::{self, Match, Shown};
use crate::reports::{self, Compendium, CountryReport, Section};
use crate::search::cache;
use crate::search::{self, SearchRequest, SearchResults};
use crate::stats::{self, Stats};
use crate::submission::{Area, Kind, Status, Submission, Vocabulary};

use super::{Catalogue, Result, SearchState};

impl Catalogue {
    /// Searches.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        Ok(search::search(
            &self.index(),
            &self.store,
            request,
            self.now(),
        )?)
    }

    /// Searches, as [`Catalogue::search`], answering from a recent page of the same search
    /// while it still holds (nothing written since, and none of its submissions expired).
    pub fn search_cached(&self, request: &SearchRequest) -> Result<Arc<SearchResults>> {
        let state = self.search_state()?;
        let now = self.now();
        if let Some(results) = self.results.get(state.tag, request, now.timestamp()) {
            return Ok(results);
        }
        let answer =
            search::search_in(&state.index, &state.searcher, &state.snapshot, request, now)?;
        let results = Arc::new(answer.results);
        if let Some(holds_until) = answer.holds_until {
            let at = now.timestamp();
            self.results
                .put(state.tag, request, Arc::clone(&results), at, holds_until);
        }
        Ok(results)
    }

    /// The recent page of `request` that [`Catalogue::search_cached`] would answer with, if
    /// it holds one: no search, only lookups in memory (the store's sequence is one read).
    pub fn kept_page(&self, request: &SearchRequest) -> Result<Option<Arc<SearchResults>>> {
        if !self.results.is_on() {
            return Ok(None);
        }
        let state = self.search_state()?;
        Ok(self.results.get(state.tag, request, self.now().timestamp()))
    }

    /// The index, searcher and store snapshot a search reads, with their tag.
    fn search_state(&self) -> Result<SearchState> {
        let index = self.index();
        // The searcher first: the snapshot is then never older than it (see `cache::Tag`).
        let searcher = index.searcher();
        let snapshot = self.store.read()?;
        let (index_id, generation) = index.generation(&searcher);
        let tag = cache::Tag {
            index: index_id,
            generation,
            seq: snapshot.seq()?,
        };
        Ok(SearchState {
            index,
            searcher,
            snapshot,
            tag,
        })
    }

    /// The page of a search as ids, with the exact count: no records, facets or snippets.
    pub fn search_id_page(&self, request: &SearchRequest) -> Result<search::IdPage> {
        Ok(search::id_page(&self.index(), request, self.now())?)
    }

    /// The ids of every hit of a search, ignoring its page, in its order (for exports).
    pub fn search_ids(&self, request: &SearchRequest) -> Result<Vec<String>> {
        Ok(search::all_ids(&self.index(), request, self.now())?)
    }

    /// The current versions of `ids` that members may see now, in the order given (missing
    /// and no longer visible ones left out): one read snapshot for the batch.
    pub fn visible_submissions(&self, ids: &[String]) -> Result<Vec<Submission>> {
        let now = self.now();
        let reader = self.store.read()?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = reader.get(id)?
                && s.is_visible_to_members(now)
            {
                found.push(s);
            }
        }
        Ok(found)
    }

    /// The submissions that fit `id`, best first. Members' rules apply: an unpublished or
    /// expired subject has no matches shown.
    pub fn matches(&self, id: &str, limit: usize) -> Result<Vec<Match>> {
        let subject = self.get(id)?;
        Ok(matching::matches(
            &self.index(),
            &self.store,
            &subject,
            self.now(),
            limit,
            Shown::Best,
        )?)
    }

    /// Every fit of a submission, best first, at most `limit`: [`Catalogue::matches`] without
    /// leaving out those that score too low to be shown.
    pub fn fits(&self, id: &str, limit: usize) -> Result<Vec<Match>> {
        let subject = self.get(id)?;
        Ok(matching::matches(
            &self.index(),
            &self.store,
            &subject,
            self.now(),
            limit,
            Shown::Every,
        )?)
    }

    /// Counts and sums as members see the catalogue now.
    pub fn stats(&self) -> Result<Stats> {
        Ok(stats::compute(&self.index(), &self.store, self.now())?)
    }

    /// How many submissions there are of each kind in each status (see [`stats::holdings`]).
    pub fn holdings(&self) -> Result<std::collections::BTreeMap<(Kind, String), u64>> {
        Ok(stats::holdings(&self.index(), &self.store, self.now())?)
    }

    /// Every current need, by country: which need goes where, and the totals (no record read).
    pub fn compendium(&self) -> Result<Compendium> {
        Ok(reports::compendium(&self.index(), self.now())?)
    }

    /// The needs of one section of `compendium` that members can still see, each as `show`
    /// makes it, by area of work (see [`Compendium::read_section`]).
    pub fn compendium_section<T>(
        &self,
        compendium: &Compendium,
        section: &Section,
        show: impl FnMut(&Submission) -> T,
    ) -> Result<Vec<(Area, Vec<T>)>> {
        Ok(compendium.read_section(&self.store, section, show)?)
    }

    /// A country's current needs, the `listed` offers and funding sources that fit the most of
    /// them (and how many fit any), and its ongoing projects.
    pub fn country_report(&self, alpha3: &str, listed: usize) -> Result<CountryReport> {
        Ok(reports::country_report(
            &self.index(),
            &self.store,
            alpha3,
            self.now(),
            listed,
        )?)
    }

    /// Rebuilds the index from scratch in a new folder and swaps it in.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let _gate = self.write_gate();
        let rebuilt = SearchIndex::rebuild(&self.paths.index_dir, &self.store, progress)?;
        // Drop the old index (and its writer lock) only after the new one is in place.
        let mut current = match self.index.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = Arc::new(rebuilt);
        drop(current);
        self.index().catch_up(&self.store)?;
        Ok(())
    }
}

/// Where the index stands against the store, read in a moment (not the id-by-id comparison
/// of [`Catalogue::check_index`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexPosition {
    /// The store's change sequence, and the one the index's last commit records.
    pub store_seq: u64,
    pub indexed_seq: u64,
    /// The documents the index holds.
    pub documents: u64,
    /// Whether a write was under way, so that the index may be behind only until its catch-up.
    pub writing: bool,
}

impl IndexPosition {
    /// How many changes of the store the index has not seen yet.
    pub fn lag(&self) -> u64 {
        self.store_seq.saturating_sub(self.indexed_seq)
    }

    /// Whether the index has seen every change of the store, or is seeing it now: behind while
    /// no write is under way means a catch-up failed.
    pub fn caught_up(&self) -> bool {
        self.writing || self.lag() == 0
    }
}

impl Catalogue {
    /// Where the index stands: read between two writes when none is under way (so a
    /// difference is real), else at once, without waiting for the write.
    pub fn index_position(&self) -> Result<IndexPosition> {
        let gate = match self.write_gate.try_lock() {
            Ok(gate) => Some(gate),
            // The gate guards no data, so a poisoned one is as good as a clean one.
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        };
        let index = self.index();
        let store_seq = self.store.read()?.seq()?;
        let position = IndexPosition {
            store_seq,
            indexed_seq: index.indexed_seq(),
            documents: index.searcher().num_docs(),
            writing: gate.is_none(),
        };
        drop(gate);
        Ok(position)
    }
}

/// How the index compares with the store, id by id (`portal check`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexCheck {
    /// The store's change sequence, and the one the index's last commit records.
    pub store_seq: u64,
    pub indexed_seq: u64,
    /// Submissions in the store, and documents in the index.
    pub stored: u64,
    pub indexed: u64,
    /// What members can find now, as the index says (every member query carries its rule).
    pub visible: u64,
    /// Ids the index should hold and does not.
    pub missing: Vec<String>,
    /// Ids the index holds and should not: unknown to the store, or archived.
    pub unexpected: Vec<String>,
    /// Ids indexed with another status or expiry than the store's.
    pub stale: Vec<String>,
    /// Ids indexed more than once.
    pub duplicated: Vec<String>,
}

impl IndexCheck {
    /// Whether the index holds exactly what the store says it should.
    pub fn agrees(&self) -> bool {
        self.store_seq == self.indexed_seq
            && self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.stale.is_empty()
            && self.duplicated.is_empty()
    }
}

impl Catalogue {
    /// Compares every indexed document with the store: the same ids, each once, with the
    /// status and expiry that decide what members see. Writes wait meanwhile, so a running
    /// portal is checked between two changes, never in the middle of one.
    pub fn check_index(&self) -> Result<IndexCheck> {
        use std::collections::BTreeMap;
        let _gate = self.write_gate();
        let index = self.index();
        let snapshot = self.store.read()?;
        let mut check = IndexCheck {
            store_seq: snapshot.seq()?,
            indexed_seq: index.indexed_seq(),
            ..IndexCheck::default()
        };
        let mut expected = BTreeMap::new();
        snapshot.for_each(|s| {
            check.stored += 1;
            if crate::index::is_indexed(&s) {
                let expires = s.timestamps.expires_at.map_or(i64::MAX, |t| t.timestamp());
                expected.insert(s.id.clone(), (s.status.ordinal(), expires));
            }
        })?;
        let now = self.now().timestamp();
        let published = Status::Published.ordinal();
        let mut seen = BTreeMap::new();
        for entry in index.entries()? {
            check.indexed += 1;
            if entry.status == Some(published) && entry.expires.is_some_and(|e| e > now) {
                check.visible += 1;
            }
            if seen.insert(entry.id.clone(), ()).is_some() {
                check.duplicated.push(entry.id);
                continue;
            }
            match expected.get(&entry.id) {
                None => check.unexpected.push(entry.id),
                Some((status, expires)) => {
                    if entry.status != Some(*status) || entry.expires != Some(*expires) {
                        check.stale.push(entry.id);
                    }
                }
            }
        }
        check.missing = expected
            .into_keys()
            .filter(|id| !seen.contains_key(id))
            .collect();
        // The index lists its documents in no particular order.
        check.unexpected.sort();
        check.stale.sort();
        check.duplicated.sort();
        Ok(check)
    }
}
