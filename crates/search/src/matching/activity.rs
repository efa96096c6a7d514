//! The activities inside an area of work (`data/activities.txt`): survey, clearance, EOD,
//! detection animals inside clearance; medical care, physical rehabilitation, psychosocial
//! support, economic inclusion, data and referral inside victim assistance; and so on.
//!
//! A need is about the activities its title and summary name (its description's, when they
//! name none); an offer or a funding source does every activity it names anywhere. A pair
//! whose need is about activities the offer never names shares the area, not the work: it is
//! ranked as a partial fit at best. This module reads texts and builds index queries; it
//! knows nothing of scores.

use std::collections::HashSet;
use std::sync::LazyLock;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use crate::glossary;
use crate::index::Fields;
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activities(u64);

impl Activities {
    /// The activities `text` names.
    pub fn of_text(text: &str) -> Activities {
        let words = glossary::words(text);
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
        let words = glossary::words(text);
        let bits = AREAS
            .iter()
            .filter(|area| names_any(&words, &area.terms))
            .fold(0, |bits, area| bits | area.covers.0);
        Activities(bits)
    }

    /// What a need is about: the activities of its title and summary, or of its description
    /// when they name none.
    pub fn asked(need: &Submission) -> Activities {
        let headline = Activities::of_text(&format!("{}\n{}", need.title, need.summary));
        if headline.is_empty() {
            Activities::of_text(&need.description)
        } else {
            headline
        }
    }

    /// What an offer or a funding source does: every activity it names, and every activity
    /// of a whole area its title or summary names.
    pub fn given(offer: &Submission) -> Activities {
        let named = Activities::of_text(&format!(
            "{}\n{}\n{}",
            offer.title, offer.summary, offer.description
        ));
        let areas = Activities::of_areas_in(&format!("{}\n{}", offer.title, offer.summary));
        Activities(named.0 | areas.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
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

/// Which counterparts of `subject` (among those `filters` find) do not share its work: the
/// documents to rank as partial fits at best. Empty when the subject names no activity.
pub fn elsewhere(
    searcher: &Searcher,
    fields: &Fields,
    subject: &Submission,
    filters: impl Fn() -> Vec<Box<dyn Query>>,
) -> Result<HashSet<DocAddress>> {
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
    if subject.kind == Kind::Need {
        let asked = Activities::asked(subject);
        if asked.is_empty() {
            return Ok(HashSet::new());
        }
        // Offers naming none of the need's activities, or none at all, anywhere.
        let sharing = found(asked, &everywhere, &headline)?;
        let naming = found(all(), &everywhere, &[])?;
        return Ok(naming.difference(&sharing).copied().collect());
    }
    let given = Activities::given(subject);
    if given.is_empty() {
        return Ok(HashSet::new());
    }
    // Needs whose headline names activities, none of them the offer's; and needs whose
    // headline names none, whose description names activities, none of them the offer's.
    let headline_any = found(all(), &headline, &[])?;
    let headline_shared = found(given, &headline, &[])?;
    let body_any = found(all(), &[fields.body], &[])?;
    let body_shared = found(given, &[fields.body], &[])?;
    let mut apart: HashSet<DocAddress> =
        headline_any.difference(&headline_shared).copied().collect();
    apart.extend(
        body_any
            .difference(&body_shared)
            .filter(|d| !headline_any.contains(d)),
    );
    Ok(apart)
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
