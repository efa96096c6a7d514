//! How much each counterpart shares the work of the subject: the activities inside the area
//! (`crate::activities`), read from the value table for the fits being weighed.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::{DocAddress, Searcher};

use crate::activities::{Activities, Work, rarity};
use crate::index::table::{SegmentTable, live_rows};
use portal_domain::submission::{Kind, Submission};

/// How much each counterpart of `subject` (among the `candidates` being weighed) shares its
/// work, as a factor from `apart` (none of it) to 1 (all of it, or nothing to tell).
#[derive(Debug, Default)]
pub struct WorkFit {
    shares: HashMap<DocAddress, f32>,
    /// The offers whose title or summary names one of the need's activities, or a whole area
    /// holding one: they say in a line that they do this work (a fund "for clearance, risk
    /// education and victim assistance"), however little else their texts share.
    in_a_line: Vec<DocAddress>,
}

impl WorkFit {
    /// Whether the counterpart's title or summary names the work the need is about.
    pub fn says_so_in_a_line(&self, address: &DocAddress) -> bool {
        self.in_a_line.contains(address)
    }

    /// The factor of the counterpart at `address`: 1 unless it names activities.
    pub fn factor(&self, address: &DocAddress) -> f32 {
        self.shares.get(address).copied().unwrap_or(1.0)
    }

    /// For a need, each offer's share of the need's activities, each activity weighing by its
    /// rarity in the catalogue (clearance, which most texts of the area name, weighs less than
    /// the information management a database request is about). For an offer, `apart` for
    /// each need whose activities it names none of.
    pub fn of(
        searcher: &Searcher,
        tables: &[Arc<SegmentTable>],
        subject: &Submission,
        apart: f32,
        candidates: &[DocAddress],
    ) -> WorkFit {
        let work = |address: &DocAddress| tables[address.segment_ord as usize].work(address.doc_id);
        let mut fit = WorkFit::default();
        if subject.kind == Kind::Need {
            let asked = Activities::asked(subject);
            if asked.is_empty() {
                return fit;
            }
            let documents = searcher.num_docs();
            let weighed: Vec<(Activities, f32)> = asked
                .each()
                .map(|one| (one, rarity(documents, naming(searcher, tables, one))))
                .collect();
            let whole: f32 = weighed.iter().map(|(_, w)| w).sum();
            for address in candidates {
                let work = work(address);
                let given = work.given();
                // Offers naming an activity: their share of the need's; those naming none, 1.
                if work.named().is_empty() && !given.meets(asked) {
                    continue;
                }
                let share: f32 = weighed
                    .iter()
                    .filter(|(one, _)| given.meets(*one))
                    .map(|(_, w)| w)
                    .sum();
                let share = if whole > 0.0 { share / whole } else { 1.0 };
                fit.shares.insert(*address, apart + (1.0 - apart) * share);
                if work.in_a_line().meets(asked) {
                    fit.in_a_line.push(*address);
                }
            }
            return fit;
        }
        let given = Activities::given(subject);
        if given.is_empty() {
            return fit;
        }
        // Needs whose headline names activities, none of them the offer's; and needs whose
        // headline names none, whose description names activities, none of them the offer's.
        for address in candidates {
            let Work { headline, body, .. } = work(address);
            let elsewhere = if headline.is_empty() {
                !body.is_empty() && !body.meets(given)
            } else {
                !headline.meets(given)
            };
            if elsewhere {
                fit.shares.insert(*address, apart);
            }
        }
        fit
    }
}

/// How many documents name `activity`, counted once for each state of the index (the counts do
/// not depend on the subject).
fn naming(searcher: &Searcher, tables: &[Arc<SegmentTable>], activity: Activities) -> u64 {
    type Counts = (u64, HashMap<Activities, u64>);
    static COUNTS: LazyLock<Mutex<Counts>> = LazyLock::new(|| Mutex::new((0, HashMap::new())));
    // The segments and their deletions name the state of the index, in any process.
    let mut hasher = DefaultHasher::new();
    searcher.generation().segments().hash(&mut hasher);
    let state = hasher.finish();
    let mut counts = COUNTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if counts.0 != state {
        *counts = (state, HashMap::new());
    }
    *counts.1.entry(activity).or_insert_with(|| {
        live_rows(searcher, tables)
            .filter(|live| live.table.work(live.address.doc_id).named().meets(activity))
            .count() as u64
    })
}
