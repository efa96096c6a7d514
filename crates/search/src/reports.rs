//! Reports over what members can see now: the compendium (every current need, by country and
//! area of work) and a country's report (its needs, the offers and funding sources that fit
//! them, its ongoing projects). Never one query per need, nor a pass over every stored
//! record: what they show is chosen in one pass over the index's table of values, and only
//! those records are read from the store, so that a country's report takes milliseconds with
//! a hundred thousand submissions.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tantivy::Searcher;
use tantivy::columnar::Column;

use crate::index::table::{self, LiveRow, SegmentTable, VisibleAt};
use crate::index::{self, Fields, GLOBAL_PLACE, REGION_BASE, SearchIndex};
use crate::matching::NeedFit;
use crate::search;
use portal_domain::codes;
use portal_domain::submission::{Area, Kind, Submission, Vocabulary};
use portal_store::{Reader, Store};

/// A count of needs and the USD they seek.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub needs: u64,
    pub usd_sought: f64,
}

impl Totals {
    fn add(&mut self, usd: f64) {
        self.needs += 1;
        self.usd_sought += usd;
    }
}

/// The needs of one country (or of no country in particular).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// ISO alpha-3 code; empty for the section of regional and global needs.
    pub code: String,
    /// The country's name, or "Regional and global needs".
    pub name: String,
    /// Its needs, as positions in [`Compendium::ids`] (so in the order of their ids).
    pub needs: Vec<usize>,
    pub totals: Totals,
}

/// Every current need, grouped for printing: which need goes in which section, and the
/// totals. The records are read a section at a time ([`Compendium::read_section`]), as the
/// page is written, so that no more than one is held at once however many there are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compendium {
    /// The id of every current need once, in order.
    pub ids: Vec<String>,
    /// A section per country named by at least one need, by name; then, if there are any, the
    /// needs that name no country (regional or global ones). A need naming several countries
    /// is listed under each.
    pub sections: Vec<Section>,
    /// Over every need once, however many countries it names.
    pub totals: Totals,
    /// The moment the compendium shows.
    pub now: DateTime<Utc>,
}

/// The name shown for the section of needs that name no country.
pub const REGIONAL_AND_GLOBAL: &str = "Regional and global needs";

/// The compendium of needs members can see at `now`, planned from the index's value table:
/// the needs' ids, the countries they name and their amounts. No record is read.
pub fn compendium(index: &SearchIndex, now: DateTime<Utc>) -> search::Result<Compendium> {
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    let visible = VisibleAt::new(now);
    let need = Kind::Need.ordinal() as u8;
    // (id, USD sought, country ordinals)
    let mut needs: Vec<(String, f64, Vec<u16>)> = Vec::new();
    for live in table::live_rows(&searcher, &tables) {
        let row = live.row;
        if row.kind != need || !visible.sees(row) {
            continue;
        }
        let Some(id) = search::document_id(&searcher, index.fields(), live.address, live.serial())?
        else {
            continue;
        };
        let countries = live
            .places()
            .iter()
            .copied()
            .filter(|place| u64::from(*place) < REGION_BASE)
            .collect();
        needs.push((id, live.usd().unwrap_or(0.0), countries));
    }
    needs.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut by_country: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    let mut totals = Totals::default();
    for (position, (_, usd, countries)) in needs.iter().enumerate() {
        totals.add(*usd);
        if countries.is_empty() {
            elsewhere.push(position);
        }
        for country in countries {
            by_country.entry(*country).or_default().push(position);
        }
    }
    let section = |code: String, name: String, members: Vec<usize>| {
        let mut totals = Totals::default();
        members.iter().for_each(|&p| totals.add(needs[p].1));
        Section {
            code,
            name,
            needs: members,
            totals,
        }
    };
    let mut sections: Vec<Section> = by_country
        .into_iter()
        .filter_map(|(ordinal, members)| {
            let country = codes::countries().get(usize::from(ordinal))?;
            Some(section(
                country.alpha3.to_string(),
                country.name.to_string(),
                members,
            ))
        })
        .collect();
    sections.sort_by(|a, b| a.name.cmp(&b.name));
    if !elsewhere.is_empty() {
        sections.push(section(
            String::new(),
            REGIONAL_AND_GLOBAL.to_string(),
            elsewhere,
        ));
    }
    Ok(Compendium {
        ids: needs.into_iter().map(|(id, _, _)| id).collect(),
        sections,
        totals,
        now,
    })
}

impl Compendium {
    /// The needs of `section` that members can still see, each as `show` makes it, by area of
    /// work in the Convention's order (each under its first area). Read from `store` one at a
    /// time, in one read transaction.
    pub fn read_section<T>(
        &self,
        store: &Store,
        section: &Section,
        mut show: impl FnMut(&Submission) -> T,
    ) -> search::Result<Vec<(Area, Vec<T>)>> {
        let snapshot = store.read()?;
        let mut areas: Vec<(Area, Vec<T>)> = Area::ALL.iter().map(|a| (*a, Vec::new())).collect();
        for &position in &section.needs {
            let Some(need) = snapshot
                .get(&self.ids[position])?
                .filter(|need| need.is_visible_to_members(self.now))
            else {
                continue;
            };
            // Validation requires an area; a need without one would be listed under the first.
            let area = need.areas.first().copied().unwrap_or(Area::ALL[0]);
            areas[area.ordinal() as usize].1.push(show(&need));
        }
        areas.retain(|(_, list)| !list.is_empty());
        Ok(areas)
    }
}

/// Where a country page lists an offer: open to every country after written for the place,
/// then by how many needs it fits, the most first.
type Rank = (bool, Reverse<usize>);

/// An offer or funding source, with the needs of the country it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitting {
    pub submission: Submission,
    /// How many of the country's needs it fits.
    pub fits: usize,
    /// Ids of the country's needs it fits, in order, when it fits no more than [`FEW_NEEDS`]
    /// (empty otherwise).
    pub needs: Vec<String>,
}

/// An offer fitting up to this many of a country's needs names them; beyond, only the count.
pub const FEW_NEEDS: usize = 5;

/// What a country's page shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountryReport {
    /// Current needs naming the country, by id: the first of them, as many as asked for
    /// (`totals` counts them all).
    pub needs: Vec<Submission>,
    /// The current offers and funding sources fitting the most of those needs (as `matching`
    /// finds them), at most as many as asked for: those written for the country or a region
    /// around it before those open to every country, then those fitting the most needs, then
    /// by id.
    pub offers: Vec<Fitting>,
    /// How many current offers and funding sources fit at least one of the needs.
    pub fitting_offers: u64,
    /// How many of those are open to every country rather than written for the country or a
    /// region around it.
    pub open_to_all: u64,
    /// Current projects naming the country whose period has not ended, by id: the first of
    /// them, as many as asked for.
    pub projects: Vec<Submission>,
    /// How many such projects there are.
    pub ongoing_projects: u64,
    pub totals: Totals,
}

/// The report for the country with ISO alpha-3 code `alpha3`, as members see it at `now`,
/// listing at most `listed` of its needs, of the offers and funding sources that fit them and
/// of its ongoing projects, and counting them all. What it shows is chosen in one pass over
/// the index's value table (what searches read); only the records it shows are read from the
/// store.
pub fn country_report(
    index: &SearchIndex,
    store: &Store,
    alpha3: &str,
    now: DateTime<Utc>,
    listed: usize,
) -> search::Result<CountryReport> {
    let Some(country) = codes::country_ordinal(alpha3).and_then(|c| u16::try_from(c).ok()) else {
        return Ok(CountryReport::default());
    };
    let searcher = index.searcher();
    let tables = index.tables(&searcher)?;
    let current = Current::find(&searcher, &tables, country, now);
    let reading = Reading {
        searcher: &searcher,
        fields: index.fields(),
        snapshot: store.read()?,
        now,
        listed,
    };
    let need_sets = NeedSets::new(&current.needs);
    let mut need_ids = Vec::with_capacity(need_sets.order.len());
    for &n in &need_sets.order {
        need_ids.push(reading.id(&current.needs[n])?.unwrap_or_default());
    }
    let (offers, fitting_offers, open_to_all) =
        reading.offers(&need_sets, &need_ids, &current.counterparts)?;
    let (projects, ongoing_projects) = reading.ongoing_projects(&current.projects)?;
    Ok(CountryReport {
        needs: reading.first_visible(need_ids)?,
        offers,
        fitting_offers,
        open_to_all,
        projects,
        ongoing_projects,
        totals: Totals {
            needs: current.needs.len() as u64,
            usd_sought: current.needs.iter().filter_map(|need| need.usd()).sum(),
        },
    })
}

/// What members can see now of a country, as the index's value table holds it: its needs and
/// projects, and every offer and funding source (their rows, nothing copied).
struct Current<'a> {
    needs: Vec<LiveRow<'a>>,
    projects: Vec<LiveRow<'a>>,
    counterparts: Vec<LiveRow<'a>>,
}

impl<'a> Current<'a> {
    /// One pass over the rows of `searcher`'s segments (`tables` theirs); `country` is the
    /// country's `place` value.
    fn find(
        searcher: &'a Searcher,
        tables: &'a [Arc<SegmentTable>],
        country: u16,
        now: DateTime<Utc>,
    ) -> Current<'a> {
        let visible = VisibleAt::new(now);
        let mut current = Current {
            needs: Vec::new(),
            projects: Vec::new(),
            counterparts: Vec::new(),
        };
        for live in table::live_rows(searcher, tables) {
            let row = live.row;
            if !visible.sees(row) {
                continue;
            }
            match Kind::from_ordinal(u64::from(row.kind)) {
                Some(Kind::Need) if live.places().contains(&country) => current.needs.push(live),
                Some(Kind::Project) if live.places().contains(&country) => {
                    current.projects.push(live);
                }
                Some(Kind::Offer | Kind::FundingSource) => current.counterparts.push(live),
                _ => {}
            }
        }
        current
    }
}

/// What the report reads the records it shows with.
struct Reading<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    snapshot: Reader,
    now: DateTime<Utc>,
    /// How many of each list it shows.
    listed: usize,
}

impl Reading<'_> {
    fn id(&self, found: &LiveRow) -> search::Result<Option<String>> {
        search::document_id(self.searcher, self.fields, found.address, found.serial())
    }

    /// The record of `id` if members can still see it (the store may be a moment ahead of the
    /// index).
    fn visible(&self, id: &str) -> search::Result<Option<Submission>> {
        Ok(self
            .snapshot
            .get(id)?
            .filter(|s| s.is_visible_to_members(self.now)))
    }

    /// The offers and funding sources fitting the most needs, those written for a place
    /// before those open to every country, then those fitting the most, then by id; how many
    /// fit any, and how many of those are open to every country. Counterparts naming the same areas and places fit
    /// the same needs but for the amount: their needs are joined once, and each one's amount
    /// cuts that set where it stops being enough.
    fn offers<'a>(
        &self,
        need_sets: &NeedSets,
        need_ids: &[String],
        counterparts: &[LiveRow<'a>],
    ) -> search::Result<(Vec<Fitting>, u64, u64)> {
        let alike = |live: &LiveRow<'a>| (live.row.areas, live.places());
        let mut order: Vec<&LiveRow<'a>> = counterparts.iter().collect();
        order.sort_unstable_by(|a, b| alike(a).cmp(&alike(b)));
        let mut fits = Vec::new();
        let mut ones_before = Vec::new();
        // (open to every country, needs fitted, the counterpart): the order they are listed in
        // is by the first two, the first one ascending, the second descending.
        let mut fitting: Vec<(bool, usize, &LiveRow<'a>)> = Vec::new();
        for group in order.chunk_by(|a, b| alike(a) == alike(b)) {
            need_sets.join(group[0], &mut fits);
            ones_before.clear();
            let mut ones = 0;
            for word in &fits {
                ones_before.push(ones);
                ones += word.count_ones() as usize;
            }
            if ones == 0 {
                continue;
            }
            for &counterpart in group {
                let count = counterpart.usd().map_or(ones, |usd| {
                    ones_below(&fits, &ones_before, need_sets.enough_for(usd)).unwrap_or(ones)
                });
                if count > 0 {
                    let open = counterpart.places().contains(&(GLOBAL_PLACE as u16));
                    fitting.push((open, count, counterpart));
                }
            }
        }
        let fitting_offers = fitting.len() as u64;
        let open_to_all = fitting.iter().filter(|(open, _, _)| *open).count() as u64;
        let rank =
            |(open, count, _): &(bool, usize, &LiveRow<'a>)| -> Rank { (*open, Reverse(*count)) };
        // Only those ranked as high as the last one listed can be listed: their ids, which
        // break ties, are worked out, not every one's.
        if fitting.len() > self.listed && self.listed > 0 {
            let (_, last, _) = fitting.select_nth_unstable_by_key(self.listed - 1, rank);
            let lowest = rank(last);
            fitting.retain(|candidate| rank(candidate) <= lowest);
        }
        let mut candidates: Vec<(Rank, String, usize, &LiveRow)> =
            Vec::with_capacity(fitting.len());
        for candidate in &fitting {
            if let Some(id) = self.id(candidate.2)? {
                candidates.push((rank(candidate), id, candidate.1, candidate.2));
            }
        }
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut offers = Vec::new();
        for (_, id, count, counterpart) in candidates.into_iter().take(self.listed) {
            let Some(submission) = self.visible(&id)? else {
                continue;
            };
            let mut needs = Vec::new();
            if count <= FEW_NEEDS {
                need_sets.fitting(counterpart, &mut fits);
                needs = ones(&fits).map(|i| need_ids[i].clone()).collect();
                needs.sort();
            }
            offers.push(Fitting {
                submission,
                fits: count,
                needs,
            });
        }
        Ok((offers, fitting_offers, open_to_all))
    }

    /// The first by id of the submissions with `ids` that members can still see, as many as
    /// listed.
    fn first_visible(&self, mut ids: Vec<String>) -> search::Result<Vec<Submission>> {
        ids.sort_unstable();
        let mut first = Vec::new();
        for id in &ids {
            if first.len() == self.listed {
                break;
            }
            first.extend(self.visible(id)?);
        }
        Ok(first)
    }

    /// The first of `projects` whose period has not ended, by id, and how many there are.
    /// Whether a project has ended is in the index (`ends`): only those listed are read.
    fn ongoing_projects(&self, projects: &[LiveRow]) -> search::Result<(Vec<Submission>, u64)> {
        let today = index::period_end(Some(self.now.date_naive()));
        let mut ends: HashMap<u32, Column<i64>> = HashMap::new();
        let mut ids = Vec::new();
        for project in projects {
            let segment = project.address.segment_ord;
            let column = match ends.entry(segment) {
                Entry::Occupied(column) => column.into_mut(),
                Entry::Vacant(slot) => {
                    let reader = self.searcher.segment_reader(segment);
                    slot.insert(reader.fast_fields().i64(index::names::ENDS)?)
                }
            };
            if column.first(project.address.doc_id).unwrap_or(i64::MAX) >= today {
                ids.extend(self.id(project)?);
            }
        }
        let ongoing = ids.len() as u64;
        Ok((self.first_visible(ids)?, ongoing))
    }
}

/// A country's needs as sets of bits, one bit per need, so that the needs an offer fits are
/// found by joining a few sets, never by trying each need: the needs of each area that any
/// place fits (global ones), and those that each `place` value fits. Bits are in the order of
/// the smallest amount a need takes ([`NeedFit`]), so that the needs an amount is enough for
/// are the bits below one position.
struct NeedSets {
    /// Positions in the needs given, in bit order.
    order: Vec<usize>,
    /// The smallest amount each need takes (0 when any), in bit order.
    smallest: Vec<f64>,
    /// By area ordinal.
    anywhere: Vec<Vec<u64>>,
    by_place: Vec<HashMap<u64, Vec<u64>>>,
}

impl NeedSets {
    fn new(needs: &[LiveRow]) -> NeedSets {
        let fits: Vec<NeedFit> = needs
            .iter()
            .map(|n| {
                let places: Vec<u64> = n.places().iter().map(|p| u64::from(*p)).collect();
                NeedFit::of_values(n.row.areas().collect(), &places, n.usd())
            })
            .collect();
        let mut order: Vec<usize> = (0..needs.len()).collect();
        let smallest_of = |n: usize| fits[n].smallest_usd().unwrap_or(0.0);
        order.sort_by(|a, b| smallest_of(*a).total_cmp(&smallest_of(*b)));
        let words = needs.len().div_ceil(64);
        let mut sets = NeedSets {
            smallest: order.iter().map(|n| smallest_of(*n)).collect(),
            anywhere: vec![vec![0; words]; Area::ALL.len()],
            by_place: vec![HashMap::new(); Area::ALL.len()],
            order,
        };
        for (bit, &n) in sets.order.iter().enumerate() {
            let (word, mask) = (bit / 64, 1u64 << (bit % 64));
            for area in fits[n].areas() {
                let a = area.ordinal() as usize;
                match fits[n].places() {
                    None => sets.anywhere[a][word] |= mask,
                    Some(wanted) => {
                        for place in wanted {
                            sets.by_place[a]
                                .entry(*place)
                                .or_insert_with(|| vec![0; words])[word] |= mask;
                        }
                    }
                }
            }
        }
        sets
    }

    /// Sets `fits` to the needs `counterpart` fits by its areas and places, whatever its
    /// amount.
    fn join(&self, counterpart: &LiveRow, fits: &mut Vec<u64>) {
        fits.clear();
        fits.resize(self.order.len().div_ceil(64), 0);
        for area in counterpart.row.areas() {
            let a = area.ordinal() as usize;
            let places = counterpart
                .places()
                .iter()
                .filter_map(|p| self.by_place[a].get(&u64::from(*p)));
            for set in std::iter::once(&self.anywhere[a]).chain(places) {
                for (word, bits) in fits.iter_mut().zip(set) {
                    *word |= bits;
                }
            }
        }
    }

    /// How many needs (the first bits) `usd` is enough for.
    fn enough_for(&self, usd: f64) -> usize {
        self.smallest.partition_point(|smallest| *smallest <= usd)
    }

    /// Sets `fits` to the needs `counterpart` fits (as [`NeedFit::fits`] would find them).
    fn fitting(&self, counterpart: &LiveRow, fits: &mut Vec<u64>) {
        self.join(counterpart, fits);
        // Needs taking more than the amount offered (when it names one) do not fit.
        if let Some(usd) = counterpart.usd() {
            let enough = self.enough_for(usd);
            for (word, bits) in fits.iter_mut().enumerate() {
                let from = word * 64;
                if from >= enough {
                    *bits = 0;
                } else if enough - from < 64 {
                    *bits &= (1u64 << (enough - from)) - 1;
                }
            }
        }
    }
}

/// How many bits are set among the first `first` of `bits`, given how many are set in the
/// words before each; `None` when `first` reaches past them.
fn ones_below(bits: &[u64], ones_before: &[usize], first: usize) -> Option<usize> {
    let (word, bit) = (first / 64, first % 64);
    let partial = (bits.get(word)? & ((1u64 << bit) - 1)).count_ones() as usize;
    Some(ones_before[word] + partial)
}

/// The positions of the bits set in bit order.
fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(word, &bits)| {
        (0..64)
            .filter(move |bit| bits & (1 << bit) != 0)
            .map(move |bit| word * 64 + bit)
    })
}
