//! Matching: for a need, the offers and funding sources that fit it; for an offer or a funding
//! source, the needs it could serve. Each match says why it matched.
//!
//! A fit shares an area of work, covers the need's place (the country itself, a region that
//! holds it, or everywhere), and names no amount below a tenth of the need's. Fits are ranked
//! by what their texts share (`topic`: the field's terms under any of their names, rare words
//! weighing more, boilerplate left out), times how closely they fit (`fit`): written for the
//! place itself rather than its region or every country, the kind of assistance asked for,
//! the amount. Only what members may see is ever matched.

mod activity;
mod conditions;
mod counting;
mod fit;
mod topic;

pub use crate::activities::{Activities, Work, rarity, same_work};
pub use conditions::{Applicants, Conditions};
pub use counting::{Counterpart, NeedFit, Offered};
pub use fit::{PlaceWeights, amount_fit, assistance_bits, assistance_fit};
pub use topic::{Topic, topic_words};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use crate::index::table::{SegmentTable, VisibleAt};
use crate::index::{self, GLOBAL_PLACE, SearchIndex};
use crate::search::{self, Place, Result};
use portal_domain::codes;
use portal_domain::submission::{Assistance, Kind, Submission, Vocabulary};
use portal_domain::text::thousands;
use portal_store::Store;

/// An offer worth at least this share of a need's amount is a meaningful contribution.
pub const SMALLEST_USEFUL_SHARE: f64 = 0.1;

/// One match and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub submission: Submission,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// How many fits, the best by their texts, are weighed by how closely they fit before the
/// best are chosen.
pub const WEIGHED: usize = 400;
/// What the text counts for a fit that shares no word: the other factors still order it.
pub const TEXT_FLOOR: f32 = 0.1;
/// A fit scoring less than this is not shown. A score is the share of the subject's own
/// texts' score that the fit's texts reach (at least [`TEXT_FLOOR`]), times how closely it
/// fits: below this it is more often not a fit than a fit.
pub const LEAST_SHOWN_SCORE: f32 = 0.08;
/// What a fit counts for when it shares the area but none of the activities the need is about
/// (`activity`): a partial fit at best, below a fit of the same text that does the same work.
/// One sharing some of them counts between this and 1, by the rarity of those it shares.
pub const ACTIVITY_ELSEWHERE: f32 = 0.35;
/// What a fit below [`LEAST_SHOWN_SCORE`] keeps of its score when it is shown all the same, as
/// a general line of funding or help: it names the need's work in its title or summary and
/// gives the kind of assistance asked for, but its texts share little with the need's (a
/// global trust fund "for clearance, risk education and victim assistance"). Shown after
/// every fit above the floor, in their own order.
pub const GENERAL_LINE_SHARE: f32 = 0.01;
/// What a fit counts for when the offer's own conditions leave the need out (only
/// governments may apply and the need is an NGO's; the smallest grant is above what the need
/// asks): shown only when the texts agree closely, and said so.
pub const CONDITIONS_UNMET: f32 = 0.35;

/// How many fits beyond those asked for are ranked, to make up for those left out (the
/// subject itself, the subject's own organisation's).
const SPARE: usize = 16;

/// Which fits [`matches`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Those scoring at least [`LEAST_SHOWN_SCORE`]: what the pages show.
    Best,
    /// Every fit, however low it scores (for counting, and for tests of what fits).
    Every,
}

/// The submissions that fit `subject`, best first, at most `limit`.
///
/// The index's terms find the counterparts of the right kinds, areas of work and places, and
/// the subject's topic ranks them; visibility and amount are read from the value table for
/// each document the ranking meets (only documents that could still enter the best are scored:
/// tantivy's pruning). The best by text are then weighed by how closely they fit.
pub fn matches(
    index: &SearchIndex,
    store: &Store,
    subject: &Submission,
    now: DateTime<Utc>,
    limit: usize,
    shown: Shown,
) -> Result<Vec<Match>> {
    let least = match shown {
        Shown::Best => LEAST_SHOWN_SCORE,
        Shown::Every => f32::NEG_INFINITY,
    };
    let searcher = index.searcher();
    let Some((ranked, topic)) = ranked_fits(index, &searcher, subject, now, limit + SPARE)? else {
        return Ok(Vec::new());
    };

    let tables = index.tables(&searcher)?;
    let snapshot = store.read()?;
    let mut found = Vec::new();
    for (score, address) in ranked {
        if score < least {
            break;
        }
        let serial = tables[address.segment_ord as usize].serials[address.doc_id as usize];
        let id = match index::id_of_serial(serial) {
            Some(id) => id,
            None => {
                let doc: TantivyDocument = searcher.doc(address)?;
                match doc.get_first(index.fields().id).and_then(|v| v.as_str()) {
                    Some(id) => id.to_string(),
                    None => continue,
                }
            }
        };
        if id == subject.id {
            continue;
        }
        if let Some(candidate) = snapshot.get(&id)? {
            // An organisation's own offer does not answer its own need.
            if same_organisation(
                &subject.submitter.organisation,
                &candidate.submitter.organisation,
            ) {
                continue;
            }
            let score = score * conditions_factor(subject, &candidate);
            if score >= least {
                found.push((score, candidate, address));
            }
        }
    }
    // The offers' conditions lowered some: best first again (a stable sort keeps the ranking's
    // order among equals). Reasons only for those shown.
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(limit);
    let subject_work = Work::of(subject);
    Ok(found
        .into_iter()
        .map(|(score, candidate, address)| {
            let work = tables[address.segment_ord as usize].work(address.doc_id);
            let reasons = reasons(subject, &candidate, &topic, subject_work, work);
            Match {
                submission: candidate,
                score,
                reasons,
            }
        })
        .collect())
}

/// How far the offer's own conditions let the need apply, from [`CONDITIONS_UNMET`] to 1.
fn conditions_factor(subject: &Submission, candidate: &Submission) -> f32 {
    let (need, offer) = if subject.kind == Kind::Need {
        (subject, candidate)
    } else {
        (candidate, subject)
    };
    Conditions::of(offer).fit(need, CONDITIONS_UNMET)
}

/// Whether two submitters are one organisation, or one is part of the other ("Cambodian Mine
/// Action Centre" and "Cambodian Mine Action Centre, Mine Detection Dog Training Centre").
fn same_organisation(a: &str, b: &str) -> bool {
    let squash = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (squash(a), squash(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short.len() >= 8 && long.contains(short.as_str())
}

/// Fits with their final scores, best first, and the subject's topic.
pub type RankedFits = (Vec<(Score, DocAddress)>, Topic);

/// The `want` best fits of `subject` with their final scores, best first, and its topic;
/// `None` when nothing can fit (a project, or no area of work).
pub fn ranked_fits(
    index: &SearchIndex,
    searcher: &Searcher,
    subject: &Submission,
    now: DateTime<Utc>,
    want: usize,
) -> Result<Option<RankedFits>> {
    let fields = index.fields();
    let Some(filters) = counterpart_filters(fields, subject) else {
        return Ok(None);
    };
    let topic = Topic::of(subject, searcher, fields)?;
    let query = topic::ranked_within(filters, &topic, fields);
    let tables = index.tables(searcher)?;
    let fit = RowFit::of(subject, now);
    let by_text = best_fits(searcher, &tables, &query, &fit, want.max(WEIGHED))?;
    let candidates: Vec<DocAddress> = by_text.iter().map(|(_, address)| *address).collect();
    let work = activity::WorkFit::of(searcher, &tables, subject, ACTIVITY_ELSEWHERE, &candidates);
    // The text's score as a share of what the subject's own texts score: a fit saying all the
    // subject says scores 1, whatever the subject's length.
    let own = own_score(index, searcher, subject, &topic)?;
    let best_text = if own > 0.0 {
        own
    } else {
        by_text.first().map_or(0.0, |(score, _)| *score)
    };
    let mut weighed: Vec<(Score, DocAddress, u64)> = by_text
        .into_iter()
        .map(|(text, address)| {
            let table = &tables[address.segment_ord as usize];
            let doc = address.doc_id as usize;
            let text = if best_text > 0.0 {
                (text / best_text).min(1.0)
            } else {
                0.0
            };
            let factor = work.factor(&address);
            let mut score =
                (TEXT_FLOOR + (1.0 - TEXT_FLOOR) * text) * fit.closeness(table, doc) * factor;
            if score < LEAST_SHOWN_SCORE
                && work.says_so_in_a_line(&address)
                && fit.gives_what_is_asked(table, doc)
            {
                score = LEAST_SHOWN_SCORE + score * GENERAL_LINE_SHARE;
            }
            (score, address, table.serials[doc])
        })
        .collect();
    // Best first; among equals, the smaller serial (the older id) first, as searches do.
    weighed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    weighed.truncate(want);
    Ok(Some((
        weighed.into_iter().map(|(s, a, _)| (s, a)).collect(),
        topic,
    )))
}

/// What the subject's own document scores on its topic: the score of a counterpart that says
/// everything the subject says, as the subject says it. 0 when it is not in the index.
fn own_score(
    index: &SearchIndex,
    searcher: &Searcher,
    subject: &Submission,
    topic: &Topic,
) -> Result<Score> {
    let fields = index.fields();
    let itself = tantivy::query::TermQuery::new(
        tantivy::Term::from_field_text(fields.id, &subject.id),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let query = topic::ranked_within(vec![Box::new(itself)], topic, fields);
    let top = tantivy::collector::TopDocs::with_limit(1).order_by_score();
    Ok(searcher
        .search(&query, &top)?
        .first()
        .map_or(0.0, |(score, _)| *score))
}

/// The conditions every fit of `subject` meets, as index terms: a counterpart kind, an area of
/// work in common, a place that fits; `None` when nothing can fit (a project, or no area of
/// work).
fn counterpart_filters(
    fields: &index::Fields,
    subject: &Submission,
) -> Option<Vec<Box<dyn Query>>> {
    let counterpart_kinds: &[Kind] = match subject.kind {
        Kind::Need => &[Kind::Offer, Kind::FundingSource],
        Kind::Offer | Kind::FundingSource => &[Kind::Need],
        Kind::Project => return None,
    };
    if subject.areas.is_empty() {
        return None;
    }
    let mut filters = vec![
        search::any_term(
            fields.kind,
            counterpart_kinds.iter().map(|k| k.ordinal()).collect(),
        ),
        search::any_term(
            fields.area,
            subject.areas.iter().map(|a| a.ordinal()).collect(),
        ),
    ];
    let places = counterpart_places(subject);
    if !places.is_empty() {
        filters.push(search::any_term(fields.place, places));
    }
    Some(filters)
}

/// What a counterpart must also be, read from its row in the value table (visible to members
/// now, naming an amount compatible with the subject's, or none), and how closely it fits.
#[derive(Debug, Clone)]
struct RowFit {
    visible: VisibleAt,
    /// The amounts in USD (inclusive) a counterpart naming one must stay within.
    usd: (f64, f64),
    subject_kind: Kind,
    subject_usd: Option<f64>,
    subject_assistance: u8,
    places: PlaceWeights,
}

impl RowFit {
    fn of(subject: &Submission, now: DateTime<Utc>) -> RowFit {
        // An offer must be worth a tenth of a need; a need may ask ten times an offer.
        let usd = match subject.usd().filter(|usd| *usd > 0.0) {
            None => (f64::NEG_INFINITY, f64::INFINITY),
            Some(usd) if subject.kind == Kind::Need => (usd * SMALLEST_USEFUL_SHARE, f64::INFINITY),
            Some(usd) => (f64::NEG_INFINITY, usd / SMALLEST_USEFUL_SHARE),
        };
        RowFit {
            visible: VisibleAt::new(now),
            usd,
            subject_kind: subject.kind,
            subject_usd: subject.usd(),
            subject_assistance: assistance_bits(&subject.assistance),
            places: PlaceWeights::of(subject),
        }
    }

    /// Whether document `doc` of `table` fits.
    fn admits(&self, table: &SegmentTable, doc: usize) -> bool {
        let Some(row) = table.rows.get(doc) else {
            return false;
        };
        let usd = table.usd[doc];
        self.visible.sees(row) && (usd.is_nan() || (usd >= self.usd.0 && usd <= self.usd.1))
    }

    /// Whether document `doc` of `table` gives the kind of assistance asked for, in an amount
    /// that is no small share of the need's (or names none).
    fn gives_what_is_asked(&self, table: &SegmentTable, doc: usize) -> bool {
        let Some(row) = table.rows.get(doc) else {
            return false;
        };
        let usd = Some(table.usd[doc]).filter(|u| !u.is_nan());
        self.subject_kind == Kind::Need
            && assistance_fit(self.subject_assistance, row.assistance) >= 1.0
            && amount_fit(self.subject_usd, usd) >= fit::AMOUNT_UNKNOWN
    }

    /// How closely document `doc` of `table` fits, from 0 to 1: the closeness of the places,
    /// times the fit of the kinds of assistance, times that of the amounts.
    fn closeness(&self, table: &SegmentTable, doc: usize) -> f32 {
        let Some(row) = table.rows.get(doc) else {
            return 0.0;
        };
        let usd = Some(table.usd[doc]).filter(|u| !u.is_nan());
        let (asked, given, need_usd, offer_usd) = if self.subject_kind == Kind::Need {
            (
                self.subject_assistance,
                row.assistance,
                self.subject_usd,
                usd,
            )
        } else {
            (
                row.assistance,
                self.subject_assistance,
                usd,
                self.subject_usd,
            )
        };
        self.places.closeness(table.places_of(row))
            * assistance_fit(asked, given)
            * amount_fit(need_usd, offer_usd)
    }
}

/// The `want` best documents `query` matches that `fit` admits, by score, best first; ties go
/// to the earlier document.
fn best_fits(
    searcher: &Searcher,
    tables: &[Arc<SegmentTable>],
    query: &dyn Query,
    fit: &RowFit,
    want: usize,
) -> Result<Vec<(Score, DocAddress)>> {
    if want == 0 {
        return Ok(Vec::new());
    }
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    // A min-heap of the best so far: the worst on top.
    let mut best: BinaryHeap<Reverse<(Ranked, Reverse<DocAddress>)>> = BinaryHeap::new();
    // Below this, a document cannot enter the best any more.
    let threshold = |best: &BinaryHeap<Reverse<(Ranked, Reverse<DocAddress>)>>| match best.peek() {
        Some(Reverse((Ranked(worst), _))) if best.len() == want => *worst,
        _ => Score::MIN,
    };
    for (ord, (segment, table)) in searcher.segment_readers().iter().zip(tables).enumerate() {
        let alive = segment.alive_bitset();
        weight.for_each_pruning(threshold(&best), segment, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) && fit.admits(table, doc as usize) {
                let address = DocAddress::new(ord as u32, doc);
                let candidate = Reverse((Ranked(score), Reverse(address)));
                if best.len() < want {
                    best.push(candidate);
                } else if let Some(mut worst) = best.peek_mut()
                    && candidate < *worst
                {
                    *worst = candidate;
                }
            }
            threshold(&best)
        })?;
    }
    Ok(best
        .into_sorted_vec()
        .into_iter()
        .map(|Reverse((Ranked(score), Reverse(address)))| (score, address))
        .collect())
}

/// A score, ordered (scores are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked(Score);

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The `place` values a counterpart may carry to fit `subject`; empty when any will do.
pub fn counterpart_places(subject: &Submission) -> Vec<u64> {
    let beneficiaries = &subject.beneficiaries;
    match subject.kind {
        // An offer fits a need when it covers one of the need's places.
        Kind::Need => wanted_places(&index::places(subject)),
        // A need fits an offer when its places lie within the offer's coverage.
        _ => {
            if beneficiaries.global {
                return Vec::new();
            }
            let mut values: Vec<u64> = index::places(subject)
                .into_iter()
                .filter(|v| *v != GLOBAL_PLACE)
                .collect();
            for region in &beneficiaries.regions {
                if let Some(Place::Region(region)) = Place::parse(region) {
                    values.extend(
                        codes::countries_in_region(region.code)
                            .into_iter()
                            .filter_map(|c| codes::country_ordinal(c.alpha3)),
                    );
                    for inside in codes::region_descendants(region.code) {
                        values.extend(index::region_place(inside.code));
                    }
                }
            }
            values
        }
    }
}

/// The `place` values an offer or a funding source may carry to fit a need carrying `places`
/// (its own values, as the index holds them): a value covering one of them, or everywhere.
/// Empty for a global need, which any place fits. Sorted.
fn wanted_places(places: &[u64]) -> Vec<u64> {
    if places.contains(&GLOBAL_PLACE) {
        return Vec::new();
    }
    let mut values: Vec<u64> = places
        .iter()
        .filter_map(|place| COVERING.get(place))
        .flatten()
        .copied()
        .collect();
    values.push(GLOBAL_PLACE);
    values.sort_unstable();
    values.dedup();
    values
}

/// For the `place` value of each country and region, the values covering it
/// ([`Place::covering_values`]), worked out once.
static COVERING: LazyLock<HashMap<u64, Vec<u64>>> = LazyLock::new(|| {
    let countries = codes::countries().iter().map(Place::Country);
    let regions = codes::regions().iter().map(Place::Region);
    countries
        .chain(regions)
        .filter_map(|place| Some((place.value()?, place.covering_values())))
        .collect()
});

/// Why `candidate` fits `subject`, in words a user understands; each reason true of both.
fn reasons(
    subject: &Submission,
    candidate: &Submission,
    topic: &Topic,
    subject_work: Work,
    candidate_work: Work,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let shared_areas: Vec<&str> = subject
        .areas
        .iter()
        .filter(|a| candidate.areas.contains(a))
        .map(|a| a.label())
        .collect();
    if !shared_areas.is_empty() {
        reasons.push(format!("Same area of work: {}", shared_areas.join(", ")));
    }
    let (need, offer) = if subject.kind == Kind::Need {
        (subject, candidate)
    } else {
        (candidate, subject)
    };
    let (need_work, offer_work) = if subject.kind == Kind::Need {
        (subject_work, candidate_work)
    } else {
        (candidate_work, subject_work)
    };
    if let Some(reason) = activity_reason(need_work, offer_work, offer) {
        reasons.push(reason);
    }
    reasons.push(coverage_reason(need, offer));
    reasons.push(assistance_reason(need, offer));
    reasons.push(amount_reason(need, offer));
    reasons.extend(conditions_reasons(need, offer));
    let shared = topic.shared_with(candidate, 6);
    if !shared.is_empty() {
        reasons.push(format!("Shared terms: {}", shared.join(", ")));
    }
    reasons
}

/// Whether the offer names the activities the need is about; `None` when either names none
/// (nothing to tell). The same test as the ranking's (`activity`).
fn activity_reason(need: Work, offer_work: Work, offer: &Submission) -> Option<String> {
    let asked = need.asked();
    let given = offer_work.given();
    if asked.is_empty() || given.is_empty() {
        return None;
    }
    let offer_kind = offer.kind.label().to_lowercase();
    let shared = asked.common(given);
    Some(if shared.is_empty() {
        format!(
            "Activity: the need is about {}; the {offer_kind} names none of it ({}): a partial fit at best",
            asked.names().join(", "),
            given.names().join(", ")
        )
    } else {
        format!("Activity: both about {}", shared.names().join(", "))
    })
}

/// What each side says of the kind of assistance, and whether what is given is what is asked.
fn assistance_reason(need: &Submission, offer: &Submission) -> String {
    let offer_kind = offer.kind.label().to_lowercase();
    let list = |kinds: &[Assistance]| -> String {
        let labels: Vec<String> = kinds.iter().map(|a| a.label().to_lowercase()).collect();
        labels.join(", ")
    };
    if need.assistance.is_empty() || offer.assistance.is_empty() {
        let silent = if need.assistance.is_empty() {
            "the need does not say what kind it asks for"
        } else {
            "the offer does not say what kind it gives"
        };
        return format!("Kind of assistance: {silent}");
    }
    let common: Vec<Assistance> = need
        .assistance
        .iter()
        .copied()
        .filter(|a| offer.assistance.contains(a))
        .collect();
    if !common.is_empty() {
        return format!("Kind of assistance: {} asked and given", list(&common));
    }
    let fit = assistance_fit(
        assistance_bits(&need.assistance),
        assistance_bits(&offer.assistance),
    );
    let verdict = if fit >= fit::ASSISTANCE_NEAR {
        "related, not the same"
    } else if fit >= fit::ASSISTANCE_PAID_FOR {
        "money that could pay for it, not what the need asks for"
    } else {
        "not what the need asks for"
    };
    format!(
        "Kind of assistance: the need asks for {}, the {offer_kind} gives {} ({verdict})",
        list(&need.assistance),
        list(&offer.assistance)
    )
}

/// What the offer's own conditions say of applying, as written there, and whether the need
/// meets them.
fn conditions_reasons(need: &Submission, offer: &Submission) -> Vec<String> {
    let conditions = Conditions::of(offer);
    let offer_kind = offer.kind.label().to_lowercase();
    let mut reasons = Vec::new();
    let who = match conditions.applicants {
        Applicants::Anyone => None,
        Applicants::Governments => Some("only governments"),
        Applicants::Organisations => Some("organisations, not governments"),
    };
    if let Some(who) = who {
        let verdict = if conditions.admits(need.submitter.kind) {
            "the need's submitter may"
        } else {
            "the need's submitter may not: not a fit unless another body applies"
        };
        reasons.push(format!(
            "Who may apply: the {offer_kind} says {who}; {verdict}"
        ));
    }
    if conditions.closed {
        reasons.push(format!(
            "Applying: the {offer_kind} works with partners it has chosen; ask them"
        ));
    }
    if let Some(least) = conditions.least_usd {
        reasons.push(format!(
            "Smallest grant: {}{}",
            usd_text(least),
            match need.usd() {
                Some(asked) if asked < least =>
                    format!(", more than the need asks ({})", usd_text(asked)),
                _ => String::new(),
            }
        ));
    }
    if let Some(most) = conditions.most_usd {
        reasons.push(format!("Largest grant: {}", usd_text(most)));
    }
    reasons
}

/// What the two amounts say, as true of both sides: each side's amount, or that it names none.
fn amount_reason(need: &Submission, offer: &Submission) -> String {
    let offer_kind = offer.kind.label().to_lowercase();
    match (need.usd(), offer.usd()) {
        (Some(asked), Some(offered)) => format!(
            "Amount: the need asks for {}, the {offer_kind} names {}",
            usd_text(asked),
            usd_text(offered)
        ),
        (Some(asked), None) => format!(
            "Amount: the need asks for {}; the {offer_kind} names no amount",
            usd_text(asked)
        ),
        (None, Some(offered)) => format!(
            "Amount: the need names no amount; the {offer_kind} names {}",
            usd_text(offered)
        ),
        (None, None) => "Amount: neither names one".to_string(),
    }
}

/// Where the offer's places meet the need's, and how closely: written for the country itself,
/// through a region that holds it, or open to every country.
fn coverage_reason(need: &Submission, offer: &Submission) -> String {
    let need_countries = &need.beneficiaries.countries;
    let direct: Vec<&str> = need_countries
        .iter()
        .filter(|c| offer.beneficiaries.countries.contains(c))
        .map(|c| country_name(c))
        .collect();
    if !direct.is_empty() {
        return format!("Place: written for {}", direct.join(", "));
    }
    let same_regions: Vec<&str> = need
        .beneficiaries
        .regions
        .iter()
        .filter(|r| offer.beneficiaries.regions.contains(r))
        .filter_map(|r| codes::region(r).map(|region| region.name))
        .collect();
    if !same_regions.is_empty() {
        return format!("Place: written for the region {}", same_regions.join(", "));
    }
    // The nearest region of the offer's that holds one of the need's countries or regions.
    let mut best: Option<(usize, String)> = None;
    for region in &offer.beneficiaries.regions {
        let Some(Place::Region(region)) = Place::parse(region) else {
            continue;
        };
        let depth = codes::region_ancestors(region.code).len();
        let inside: Vec<&str> = need_countries
            .iter()
            .filter(|c| codes::country(c).is_some_and(|x| x.is_in(region.code)))
            .map(|c| country_name(c))
            .collect();
        let regions_inside: Vec<&str> = need
            .beneficiaries
            .regions
            .iter()
            .filter(|r| {
                codes::region_ancestors(r)
                    .iter()
                    .any(|a| a.code == region.code)
            })
            .filter_map(|r| codes::region(r).map(|x| x.name))
            .collect();
        let places: Vec<&str> = inside.into_iter().chain(regions_inside).collect();
        if !places.is_empty() && best.as_ref().is_none_or(|(d, _)| depth > *d) {
            best = Some((
                depth,
                format!(
                    "Place: covers {} through the region {}",
                    places.join(", "),
                    region.name
                ),
            ));
        }
    }
    if let Some((_, reason)) = best {
        return reason;
    }
    if offer.beneficiaries.global {
        return "Place: open to every country, not written for this one".to_string();
    }
    if need.beneficiaries.global {
        return "Place: the need is for every country".to_string();
    }
    "Place: covers part of the need's region".to_string()
}

fn country_name(code: &str) -> &str {
    codes::country(code).map_or(code, |c| c.name)
}

/// An amount in USD, in words: `USD 1.2 million`, `USD 850,000`.
pub fn usd_text(usd: f64) -> String {
    if usd >= 1_000_000.0 {
        // In whole tenths of a million, halves up: a float written to one decimal place takes
        // the slow, exact way (and rounds 1.15 down, as the float is just below it), and a
        // results page writes an amount for every hit.
        let tenths = (usd / 100_000.0).round() as u64;
        format!("USD {}.{} million", tenths / 10, tenths % 10)
    } else {
        format!("USD {}", thousands(usd.round() as u64))
    }
}

/// A submission's amount in its own currency and in USD: `EUR 850,000 (USD 998,750)`, or
/// "No amount stated".
pub fn amount_text(s: &Submission) -> String {
    match &s.funding {
        Some(f) if f.currency == "USD" => usd_text(f.usd),
        Some(f) => format!(
            "{} {} ({})",
            f.currency,
            thousands(f.amount.round() as u64),
            usd_text(f.usd)
        ),
        None => "No amount stated".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::usd_text;

    #[test]
    fn millions_are_written_to_the_nearest_tenth_halves_up() {
        for (usd, text) in [
            (999_999.0, "USD 999,999"),
            (1_000_000.0, "USD 1.0 million"),
            (1_150_000.0, "USD 1.2 million"),
            (1_250_000.0, "USD 1.3 million"),
            (1_249_999.0, "USD 1.2 million"),
            (9_950_000.0, "USD 10.0 million"),
            (12_345_678.0, "USD 12.3 million"),
        ] {
            assert_eq!(usd_text(usd), text);
        }
    }
}
