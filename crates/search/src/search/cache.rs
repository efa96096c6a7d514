//! Recent pages of results, kept while they are still right.
//!
//! A page is right as long as nothing is written and no submission it counted expires, since
//! only a write or the clock changes what a search finds. So each page is kept under a tag of
//! the state it was computed from (the index generation and the store's change sequence) and
//! with the second from which it may differ ([`Answer::holds_until`](super::Answer)): a lookup
//! under another tag, or at or after that second, finds nothing, and the caller searches anew.
//! Searches that move with the clock on their own are never kept.
//!
//! The cache holds at most a budget of bytes (estimated); past it, the least recently used
//! pages go first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{SearchRequest, SearchResults};

/// The state a page was computed from: equal tags, equal catalogues. A greater tag is a later
/// state (a searcher is taken before the store snapshot, so a snapshot is never older than the
/// index it is paired with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Tag {
    /// Which index (a reindex makes a new one).
    pub index: u64,
    /// Which commit of that index the searcher saw.
    pub generation: u64,
    /// The store's change sequence in the snapshot the records were read from.
    pub seq: u64,
}

#[derive(Debug)]
struct Entry {
    results: Arc<SearchResults>,
    /// The unix seconds from which, and until which (excluded), the page holds.
    computed_at: i64,
    holds_until: i64,
    bytes: usize,
    last_used: u64,
}

#[derive(Debug, Default)]
struct Pages {
    tag: Tag,
    entries: HashMap<String, Entry>,
    bytes: usize,
    uses: u64,
}

/// Recent pages of results under one tag, within a byte budget; 0 keeps nothing.
#[derive(Debug)]
pub struct ResultCache {
    budget: usize,
    pages: Mutex<Pages>,
}

impl ResultCache {
    pub fn new(budget_bytes: usize) -> ResultCache {
        ResultCache {
            budget: budget_bytes,
            pages: Mutex::default(),
        }
    }

    /// Whether anything is ever kept.
    pub fn is_on(&self) -> bool {
        self.budget > 0
    }

    /// The page kept for `request` under `tag`, if it still holds at `now` (unix seconds).
    pub fn get(&self, tag: Tag, request: &SearchRequest, now: i64) -> Option<Arc<SearchResults>> {
        if !self.is_on() {
            return None;
        }
        let key = key(request);
        let mut pages = self.lock();
        if pages.tag != tag {
            return None;
        }
        pages.uses += 1;
        let uses = pages.uses;
        let entry = pages.entries.get_mut(&key)?;
        if entry.computed_at <= now && now < entry.holds_until {
            entry.last_used = uses;
            return Some(Arc::clone(&entry.results));
        }
        if let Some(stale) = pages.entries.remove(&key) {
            pages.bytes -= stale.bytes;
        }
        None
    }

    /// Keeps the page of `request`, computed under `tag` at `now`, until `holds_until`. A later
    /// tag drops every page kept under the earlier one; a page of an earlier state than the
    /// kept ones (a search that began before a write) is not kept.
    pub fn put(
        &self,
        tag: Tag,
        request: &SearchRequest,
        results: Arc<SearchResults>,
        now: i64,
        holds_until: i64,
    ) {
        let bytes = estimated_bytes(&results);
        if !self.is_on() || holds_until <= now || bytes > self.budget / 4 {
            return;
        }
        let key = key(request);
        let mut pages = self.lock();
        if tag < pages.tag {
            return;
        }
        if tag > pages.tag {
            pages.entries.clear();
            pages.bytes = 0;
            pages.tag = tag;
        }
        pages.uses += 1;
        let entry = Entry {
            results,
            computed_at: now,
            holds_until,
            bytes,
            last_used: pages.uses,
        };
        pages.bytes += bytes;
        if let Some(replaced) = pages.entries.insert(key, entry) {
            pages.bytes -= replaced.bytes;
        }
        if pages.bytes > self.budget {
            evict(&mut pages, self.budget / 4 * 3);
        }
    }

    /// How many pages are kept, and their estimated bytes.
    pub fn size(&self) -> (usize, usize) {
        let pages = self.lock();
        (pages.entries.len(), pages.bytes)
    }

    fn lock(&self) -> MutexGuard<'_, Pages> {
        // Every change to the pages is complete before the lock is released; a panic elsewhere
        // leaves them consistent.
        self.pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Drops the least recently used pages until at most `target` bytes are kept.
fn evict(pages: &mut Pages, target: usize) {
    let mut by_use: Vec<(u64, String)> = pages
        .entries
        .iter()
        .map(|(key, entry)| (entry.last_used, key.clone()))
        .collect();
    by_use.sort_unstable();
    for (_, key) in by_use {
        if pages.bytes <= target {
            break;
        }
        if let Some(entry) = pages.entries.remove(&key) {
            pages.bytes -= entry.bytes;
        }
    }
}

/// Every part of the request, written out: equal keys, equal requests.
fn key(request: &SearchRequest) -> String {
    format!("{request:?}")
}

/// A generous estimate of the heap a page holds.
fn estimated_bytes(results: &SearchResults) -> usize {
    let hits: usize = results
        .hits
        .iter()
        .map(|hit| {
            let s = &hit.submission;
            // The texts, plus the many short strings and lists of a record.
            1_024
                + s.title.len()
                + s.summary.len()
                + s.description.len()
                + s.how_to_apply.len()
                + hit.snippet.fragment.len()
                + s.links.iter().map(String::len).sum::<usize>()
        })
        .sum();
    let facets = &results.facets;
    let facet_entries = facets.kind.len()
        + facets.country.len()
        + facets.area.len()
        + facets.assistance.len()
        + facets.submitter_type.len()
        + facets.funding.len();
    1_024 + hits + facet_entries * 48
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> SearchRequest {
        SearchRequest {
            text: format!("word{n}"),
            ..SearchRequest::default()
        }
    }

    fn tag(generation: u64) -> Tag {
        Tag {
            index: 1,
            generation,
            seq: 7,
        }
    }

    #[test]
    fn pages_hold_until_their_second_and_only_under_their_tag() {
        let cache = ResultCache::new(1 << 20);
        let page = Arc::new(SearchResults::default());
        cache.put(tag(1), &request(0), page.clone(), 100, 200);
        assert!(cache.get(tag(1), &request(0), 100).is_some());
        assert!(cache.get(tag(1), &request(0), 199).is_some());
        assert!(cache.get(tag(1), &request(1), 150).is_none());
        assert!(cache.get(tag(2), &request(0), 150).is_none());
        // Not before it was computed (a clock set back), and not from its second on.
        assert!(cache.get(tag(1), &request(0), 99).is_none());
        assert!(cache.get(tag(1), &request(0), 200).is_none());
        assert_eq!(cache.size().0, 0, "a page past its second is dropped");
    }

    #[test]
    fn a_later_tag_replaces_the_pages_and_an_earlier_one_is_not_kept() {
        let cache = ResultCache::new(1 << 20);
        let page = Arc::new(SearchResults::default());
        cache.put(tag(2), &request(0), page.clone(), 0, i64::MAX);
        cache.put(tag(1), &request(1), page.clone(), 0, i64::MAX);
        assert_eq!(cache.size().0, 1);
        assert!(cache.get(tag(1), &request(1), 0).is_none());
        cache.put(tag(3), &request(2), page.clone(), 0, i64::MAX);
        assert!(cache.get(tag(2), &request(0), 0).is_none());
        assert!(cache.get(tag(3), &request(2), 0).is_some());
        assert_eq!(cache.size().0, 1);
    }

    #[test]
    fn past_the_budget_the_least_recently_used_pages_go() {
        let page = Arc::new(SearchResults::default());
        let each = estimated_bytes(&page);
        let cache = ResultCache::new(each * 10);
        for n in 0..10 {
            cache.put(tag(1), &request(n), page.clone(), 0, i64::MAX);
        }
        assert_eq!(cache.size(), (10, each * 10));
        // Page 0 is used again, so page 1 is now the least recently used.
        assert!(cache.get(tag(1), &request(0), 0).is_some());
        cache.put(tag(1), &request(10), page.clone(), 0, i64::MAX);
        let (count, bytes) = cache.size();
        assert!(bytes <= each * 10 / 4 * 3, "{bytes}");
        assert_eq!(count, bytes / each);
        assert!(cache.get(tag(1), &request(0), 0).is_some());
        assert!(cache.get(tag(1), &request(10), 0).is_some());
        assert!(cache.get(tag(1), &request(1), 0).is_none());
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = ResultCache::new(0);
        cache.put(tag(1), &request(0), Arc::default(), 0, i64::MAX);
        assert!(cache.get(tag(1), &request(0), 0).is_none());
    }
}
