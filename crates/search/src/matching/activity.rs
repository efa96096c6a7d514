//! The activities inside an area of work (`data/activities.txt`): survey, clearance, EOD,
//! detection animals inside clearance; medical care, physical rehabilitation, psychosocial
//! support, economic inclusion, data and referral inside victim assistance; and so on.
//!
//! A need is about the activities its title and summary name (its description's, when they
//! name none); an offer or a funding source does every activity it names anywhere. A pair
//! whose need is about activities the offer never names shares the area, not the work: it is
//! ranked as a partial fit at best. This module reads texts and builds index queries; it
//! knows nothing of scores.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use crate::glossary;
use crate::index::Fields;
use crate::negation::affirmed;
use crate::search::keywords::Wording;
use crate::search::{self, Result};
use portal_domain::submission::{Kind, Submission};

const ACTIVITIES: &str = include_str!("../../../../data/activities.txt");

/// One activity: its name and its terms as the index reads them.
#[derive(Debug)]
struct Activity {
    name: &'static str,
    terms: Vec<Vec<String>>,
}

/// A whole area: the terms that name it, and the activities an offer naming it does.
#[derive(Debug)]
struct Area {
    terms: Vec<Vec<String>>,
    covers: Activities,
}

static LOADED: LazyLock<Vec<Activity>> = LazyLock::new(|| load(ACTIVITIES));
static AREAS: LazyLock<Vec<Area>> = LazyLock::new(|| load_areas(ACTIVITIES, &LOADED));

fn terms(text: &str) -> Vec<Vec<String>> {
    text.split('|')
        .map(glossary::words)
        .filter(|words| !words.is_empty())
        .collect()
}

/// The `= terms > activities` lines; an activity name not in the file is left out (the unit
/// test below keeps the file right).
fn load_areas(text: &str, activities: &[Activity]) -> Vec<Area> {
    let mut areas = Vec::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix('=') else {
            continue;
        };
        let Some((named, covered)) = rest.split_once('>') else {
            continue;
        };
        let mut bits = 0;
        for name in covered.split(',').map(str::trim) {
            if let Some(i) = activities.iter().position(|a| a.name == name) {
                bits |= 1 << i;
            }
        }
        areas.push(Area {
            terms: terms(named),
            covers: Activities(bits),
        });
    }
    areas
}

fn load(text: &'static str) -> Vec<Activity> {
    let mut activities = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with('=') {
            continue;
        }
        // A line without a name is no activity; the unit test below keeps the file right.
        let Some((name, terms_text)) = line.split_once(':') else {
            continue;
        };
        activities.push(Activity {
            name: name.trim(),
            terms: terms(terms_text),
        });
    }
    activities
}

/// A set of activities, as bits of their place in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Activities(u64);

impl Activities {
    /// The activities `text` names.
    pub fn of_text(text: &str) -> Activities {
        let words = glossary::words(&affirmed(text));
        let mut bits = 0;
        for (i, activity) in LOADED.iter().enumerate() {
            if names_any(&words, &activity.terms) {
                bits |= 1 << i;
            }
        }
        Activities(bits)
    }

    /// The activities of the whole areas `text` names.
    fn of_areas_in(text: &str) -> Activities {
        let words = glossary::words(&affirmed(text));
        let bits = AREAS
            .iter()
            .filter(|area| names_any(&words, &area.terms))
            .fold(0, |bits, area| bits | area.covers.0);
        Activities(bits)
    }

    /// What a need is about: the activities of its title and summary, or of its description
    /// when they name none. Each field is read on its own, as the index holds it.
    pub fn asked(need: &Submission) -> Activities {
        let headline = Activities::of_text(&need.title).with(Activities::of_text(&need.summary));
        if headline.is_empty() {
            Activities::of_body(need)
        } else {
            headline
        }
    }

    /// What an offer or a funding source does: every activity it names, and every activity
    /// of a whole area its title or summary names.
    pub fn given(offer: &Submission) -> Activities {
        Activities::named_by(offer).with(Activities::headline(offer))
    }

    /// What a title and summary name: activities, and every activity of a whole area named.
    pub fn headline(submission: &Submission) -> Activities {
        Activities::of_text(&submission.title)
            .with(Activities::of_text(&submission.summary))
            .with(Activities::of_areas_in(&submission.title))
            .with(Activities::of_areas_in(&submission.summary))
    }

    /// Every activity a submission names, in its title, summary, description or how to apply.
    pub fn named_by(submission: &Submission) -> Activities {
        Activities::of_text(&submission.title)
            .with(Activities::of_text(&submission.summary))
            .with(Activities::of_body(submission))
    }

    /// The activities of what the index holds as a submission's body: its description and how
    /// to apply.
    fn of_body(submission: &Submission) -> Activities {
        Activities::of_text(&submission.description)
            .with(Activities::of_text(&submission.how_to_apply))
    }

    fn with(self, other: Activities) -> Activities {
        Activities(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Each activity on its own, in the file's order.
    pub fn each(self) -> impl Iterator<Item = Activities> {
        (0..LOADED.len())
            .filter(move |i| self.0 & (1 << i) != 0)
            .map(|i| Activities(1 << i))
    }

    /// The activities of both.
    pub fn common(self, other: Activities) -> Activities {
        Activities(self.0 & other.0)
    }

    pub fn meets(self, other: Activities) -> bool {
        self.0 & other.0 != 0
    }

    /// The activities' names, in the file's order.
    pub fn names(self) -> Vec<&'static str> {
        LOADED
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, a)| a.name)
            .collect()
    }

    /// A query for the documents naming one of these activities in one of `fields`, or,
    /// in one of `area_fields`, a whole area holding one of them.
    fn query(self, fields: &[Field], area_fields: &[Field]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let activities = LOADED
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, a)| (&a.terms, fields));
        let areas = AREAS
            .iter()
            .filter(|area| area.covers.meets(self))
            .map(|area| (&area.terms, area_fields));
        for (terms, fields) in activities.chain(areas) {
            for term in terms {
                let wording = Wording {
                    words: term.clone(),
                    shown: String::new(),
                    weight: 1.0,
                    counts: true,
                    loose: false,
                };
                for field in fields {
                    clauses.push((Occur::Should, search::wording_query(*field, &wording)));
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

fn names_any(words: &[String], terms: &[Vec<String>]) -> bool {
    terms
        .iter()
        .any(|term| words.windows(term.len()).any(|w| w == term.as_slice()))
}

/// Every activity of the file.
fn all() -> Activities {
    Activities((1u64 << LOADED.len()) - 1)
}

/// Whether a need asking for `asked` and an offer giving `given` share the work, not only the
/// area: true when either names no activity (nothing to tell).
pub fn same_work(asked: Activities, given: Activities) -> bool {
    asked.is_empty() || given.is_empty() || asked.meets(given)
}

/// How much an activity weighs in a catalogue of `documents` of which `naming` name it: the
/// rarer, the more.
pub fn rarity(documents: u64, naming: u64) -> f32 {
    (1.0 + documents as f32 / (naming as f32 + 1.0)).ln()
}

/// How much each counterpart of `subject` (among those `filters` find) shares its work, as a
/// factor from `apart` (none of it) to 1 (all of it, or nothing to tell).
#[derive(Debug, Default)]
pub struct WorkFit {
    shares: HashMap<DocAddress, f32>,
    /// The offers whose title or summary names one of the need's activities, or a whole area
    /// holding one: they say in a line that they do this work (a fund "for clearance, risk
    /// education and victim assistance"), however little else their texts share.
    headline: HashSet<DocAddress>,
}

impl WorkFit {
    /// Whether the counterpart's title or summary names the work the need is about.
    pub fn says_so_in_a_line(&self, address: &DocAddress) -> bool {
        self.headline.contains(address)
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
        fields: &Fields,
        subject: &Submission,
        apart: f32,
        filters: impl Fn() -> Vec<Box<dyn Query>>,
    ) -> Result<WorkFit> {
        let headline = [fields.title, fields.summary];
        let everywhere = [fields.title, fields.summary, fields.body];
        let found = |activities: Activities,
                     in_fields: &[Field],
                     area_fields: &[Field]|
         -> Result<HashSet<DocAddress>> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                filters().into_iter().map(|f| (Occur::Must, f)).collect();
            clauses.push((Occur::Must, activities.query(in_fields, area_fields)));
            Ok(searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?)
        };
        let mut shares = HashMap::new();
        if subject.kind == Kind::Need {
            let asked = Activities::asked(subject);
            if asked.is_empty() {
                return Ok(WorkFit::default());
            }
            let documents = searcher.num_docs();
            let mut weighed = Vec::new();
            for one in asked.each() {
                let named = searcher.search(&one.query(&everywhere, &[]), &Count)? as u64;
                weighed.push((
                    found(one, &everywhere, &headline)?,
                    rarity(documents, named),
                ));
            }
            let whole: f32 = weighed.iter().map(|(_, w)| w).sum();
            // Offers naming an activity: their share of the need's; those naming none, 1.
            let mut naming = found(all(), &everywhere, &[])?;
            naming.extend(weighed.iter().flat_map(|(docs, _)| docs.iter().copied()));
            for address in naming {
                let share: f32 = weighed
                    .iter()
                    .filter(|(docs, _)| docs.contains(&address))
                    .map(|(_, w)| w)
                    .sum();
                let share = if whole > 0.0 { share / whole } else { 1.0 };
                shares.insert(address, apart + (1.0 - apart) * share);
            }
            let headline = found(asked, &headline, &headline)?;
            return Ok(WorkFit { shares, headline });
        }
        let given = Activities::given(subject);
        if given.is_empty() {
            return Ok(WorkFit::default());
        }
        // Needs whose headline names activities, none of them the offer's; and needs whose
        // headline names none, whose description names activities, none of them the offer's.
        let headline_any = found(all(), &headline, &[])?;
        let headline_shared = found(given, &headline, &[])?;
        let body_any = found(all(), &[fields.body], &[])?;
        let body_shared = found(given, &[fields.body], &[])?;
        let elsewhere = headline_any.difference(&headline_shared).chain(
            body_any
                .difference(&body_shared)
                .filter(|d| !headline_any.contains(d)),
        );
        for address in elsewhere {
            shares.insert(*address, apart);
        }
        Ok(WorkFit {
            shares,
            headline: HashSet::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&'static str> {
        Activities::of_text(text).names()
    }

    #[test]
    fn every_line_of_the_file_is_an_activity_with_terms() {
        let lines = ACTIVITIES
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with('='))
            .count();
        assert_eq!(LOADED.len(), lines);
        let area_lines = ACTIVITIES.lines().filter(|l| l.starts_with('=')).count();
        assert_eq!(AREAS.len(), area_lines);
        for line in ACTIVITIES.lines().filter(|l| l.starts_with('=')) {
            let (_, covered) = line.split_once('>').expect("an area line names activities");
            for name in covered.split(',').map(str::trim) {
                assert!(
                    LOADED.iter().any(|a| a.name == name),
                    "{name}: no such activity"
                );
            }
        }
        assert!(LOADED.len() <= 64, "activities are bits of a u64");
        for activity in LOADED.iter() {
            assert!(!activity.terms.is_empty(), "{}", activity.name);
        }
    }

    #[test]
    fn activities_are_found_under_any_of_their_names() {
        assert_eq!(names("Two NTS teams in the north"), ["survey"]);
        assert_eq!(names("EORE in schools"), ["risk education"]);
        assert_eq!(
            names("P&O technicians and peer support"),
            ["physical rehabilitation", "psychosocial support"]
        );
        assert_eq!(
            names("Bomb disposal: spot tasks"),
            ["explosive ordnance disposal"]
        );
        assert!(names("Support for safe and sustainable communities").is_empty());
    }

    #[test]
    fn a_pair_shares_the_work_when_the_offer_names_an_activity_of_the_need() {
        let asked = Activities::of_text("Risk education in primary schools");
        let clearance = Activities::of_text("Grant for survey and clearance");
        let broad = Activities::of_text("Clearance, risk education and victim assistance");
        assert!(!same_work(asked, clearance));
        assert!(same_work(asked, broad));
        assert!(same_work(asked, Activities::default()));
        assert!(same_work(Activities::default(), clearance));
    }

    #[test]
    fn an_offer_naming_a_whole_area_in_its_headline_does_all_its_activities() {
        let mut offer: Submission = serde_json::from_str(
            r#"{"kind":"offer","submitter":{"organisation":"X","type":"ngo"},"title":"T"}"#,
        )
        .unwrap();
        offer.title = "Grants for victim assistance in the region".into();
        let peer_support = Activities::of_text("Peer support for survivors");
        assert!(same_work(peer_support, Activities::given(&offer)));
        offer.title = "Grants for the region".into();
        offer.description = "Some victim assistance among other things; clearance.".into();
        assert!(!same_work(peer_support, Activities::given(&offer)));
    }
}
