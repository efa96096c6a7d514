//! The activities inside an area of work (`data/activities.txt`): survey, clearance, EOD,
//! detection animals inside clearance; medical care, physical rehabilitation, psychosocial
//! support, economic inclusion, data and referral inside victim assistance; and so on.
//!
//! A need is about the activities its title and summary name (its description's, when they
//! name none); an offer or a funding source does every activity it names anywhere. A pair
//! whose need is about activities the offer never names shares the area, not the work: it is
//! ranked as a partial fit at best (`matching`). This module reads texts; what each document
//! names is kept in the index ([`Work`]), so that matching reads it without reading texts.

use std::sync::LazyLock;

use crate::glossary;
use crate::negation::affirmed;
use portal_domain::submission::Submission;

const ACTIVITIES: &str = include_str!("../../../data/activities.txt");

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

    pub fn with(self, other: Activities) -> Activities {
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

    /// The bits, as the index keeps them.
    pub fn bits(self) -> u64 {
        self.0
    }

    pub fn from_bits(bits: u64) -> Activities {
        Activities(bits)
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
}

/// What one document names, for matching: kept in the index, one value each, so that a
/// match reads it from the value table (`index/table.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// The activities its title and summary name.
    pub headline: Activities,
    /// The activities its description and how to apply name.
    pub body: Activities,
    /// The activities of the whole areas its title and summary name.
    pub areas: Activities,
}

impl Work {
    pub fn of(submission: &Submission) -> Work {
        Work {
            headline: Activities::of_text(&submission.title)
                .with(Activities::of_text(&submission.summary)),
            body: Activities::of_body(submission),
            areas: Activities::of_areas_in(&submission.title)
                .with(Activities::of_areas_in(&submission.summary)),
        }
    }

    /// What it is about, as a need ([`Activities::asked`]).
    pub fn asked(self) -> Activities {
        if self.headline.is_empty() {
            self.body
        } else {
            self.headline
        }
    }

    /// Every activity its texts name.
    pub fn named(self) -> Activities {
        self.headline.with(self.body)
    }

    /// What it does, as an offer ([`Activities::given`]).
    pub fn given(self) -> Activities {
        self.named().with(self.areas)
    }

    /// What its title or summary says it does, activity by activity or a whole area.
    pub fn in_a_line(self) -> Activities {
        self.headline.with(self.areas)
    }
}

fn names_any(words: &[String], terms: &[Vec<String>]) -> bool {
    terms
        .iter()
        .any(|term| words.windows(term.len()).any(|w| w == term.as_slice()))
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
