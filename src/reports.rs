//! Reports over what members can see now: the compendium (every current need, by country and
//! area of work) and a country's report (its needs, the offers and funding sources that fit
//! them, its ongoing projects). Each is read from the store in one pass, never one query per
//! need, so both stay fast with thousands of needs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::codes;
use crate::matching::{Counterpart, NeedFit};
use crate::store::{Result, Store};
use crate::submission::{Area, Kind, Submission, Vocabulary};

/// A count of needs and the USD they seek.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub needs: u64,
    pub usd_sought: f64,
}

impl Totals {
    fn add(&mut self, need: &Submission) {
        self.needs += 1;
        self.usd_sought += need.usd().unwrap_or(0.0);
    }
}

/// The needs of one country (or of no country in particular), by area of work.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// ISO alpha-3 code; empty for the section of regional and global needs.
    pub code: String,
    /// The country's name, or "Regional and global needs".
    pub name: String,
    /// By area of work in the Convention's order; each need under its first area, as
    /// positions in [`Compendium::needs`].
    pub areas: Vec<(Area, Vec<usize>)>,
    pub totals: Totals,
}

/// Every current need, grouped for printing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compendium {
    /// Every current need once, by id.
    pub needs: Vec<Submission>,
    /// A section per country named by at least one need, by name; then, if there are any, the
    /// needs that name no country (regional or global ones). A need naming several countries
    /// is listed under each.
    pub sections: Vec<Section>,
    /// Over every need once, however many countries it names.
    pub totals: Totals,
}

/// The name shown for the section of needs that name no country.
pub const REGIONAL_AND_GLOBAL: &str = "Regional and global needs";

/// The compendium of needs members can see at `now`.
pub fn compendium(store: &Store, now: DateTime<Utc>) -> Result<Compendium> {
    let mut needs = Vec::new();
    store.read()?.for_each(|s| {
        if s.kind == Kind::Need && s.is_visible_to_members(now) {
            needs.push(s);
        }
    })?;
    needs.sort_by(|a, b| a.id.cmp(&b.id));
    let mut by_country: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    let mut totals = Totals::default();
    for (position, need) in needs.iter().enumerate() {
        totals.add(need);
        if need.beneficiaries.countries.is_empty() {
            elsewhere.push(position);
        }
        for country in &need.beneficiaries.countries {
            by_country
                .entry(country.clone())
                .or_default()
                .push(position);
        }
    }
    let mut sections: Vec<Section> = by_country
        .into_iter()
        .map(|(code, members)| {
            let name = country_name(&code);
            section(code, name, &members, &needs)
        })
        .collect();
    sections.sort_by(|a, b| a.name.cmp(&b.name));
    if !elsewhere.is_empty() {
        sections.push(section(
            String::new(),
            REGIONAL_AND_GLOBAL.to_string(),
            &elsewhere,
            &needs,
        ));
    }
    Ok(Compendium {
        needs,
        sections,
        totals,
    })
}

fn section(code: String, name: String, members: &[usize], needs: &[Submission]) -> Section {
    let mut totals = Totals::default();
    let mut areas: Vec<(Area, Vec<usize>)> = Area::ALL.iter().map(|a| (*a, Vec::new())).collect();
    for &position in members {
        let need = &needs[position];
        totals.add(need);
        // Validation requires an area; a need without one would be listed under the first.
        let area = need.areas.first().copied().unwrap_or(Area::ALL[0]);
        areas[area.ordinal() as usize].1.push(position);
    }
    areas.retain(|(_, list)| !list.is_empty());
    Section {
        code,
        name,
        areas,
        totals,
    }
}

fn country_name(code: &str) -> String {
    codes::country(code).map_or_else(|| code.to_string(), |c| c.name.to_string())
}

/// An offer or funding source, with the needs of the country it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitting {
    pub submission: Submission,
    /// Ids of the country's needs it fits, in order.
    pub needs: Vec<String>,
}

/// What a country's page shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountryReport {
    /// Current needs naming the country, by id.
    pub needs: Vec<Submission>,
    /// Current offers and funding sources fitting at least one of those needs (as `matching`
    /// finds them), each once; those fitting the most needs first.
    pub offers: Vec<Fitting>,
    /// Current projects naming the country whose period has not ended, by id.
    pub projects: Vec<Submission>,
    pub totals: Totals,
}

/// The report for the country with ISO alpha-3 code `alpha3`, as members see it at `now`.
pub fn country_report(store: &Store, alpha3: &str, now: DateTime<Utc>) -> Result<CountryReport> {
    let mut report = CountryReport::default();
    let mut counterparts = Vec::new();
    let today = now.date_naive();
    store.read()?.for_each(|s| {
        if !s.is_visible_to_members(now) {
            return;
        }
        let names_country = s.beneficiaries.countries.iter().any(|c| c == alpha3);
        match s.kind {
            Kind::Need if names_country => report.needs.push(s),
            Kind::Project if names_country && s.period.end.is_none_or(|end| end >= today) => {
                report.projects.push(s);
            }
            Kind::Offer | Kind::FundingSource => counterparts.push(s),
            _ => {}
        }
    })?;
    report.needs.sort_by(|a, b| a.id.cmp(&b.id));
    report.projects.sort_by(|a, b| a.id.cmp(&b.id));
    for need in &report.needs {
        report.totals.add(need);
    }
    let fits: Vec<(&Submission, NeedFit)> =
        report.needs.iter().map(|n| (n, NeedFit::new(n))).collect();
    for candidate in counterparts {
        let counterpart = Counterpart::new(&candidate);
        let needs: Vec<String> = fits
            .iter()
            .filter(|(_, fit)| fit.fits(&counterpart))
            .map(|(need, _)| need.id.clone())
            .collect();
        if !needs.is_empty() {
            report.offers.push(Fitting {
                submission: candidate,
                needs,
            });
        }
    }
    report.offers.sort_by(|a, b| {
        b.needs
            .len()
            .cmp(&a.needs.len())
            .then_with(|| a.submission.id.cmp(&b.submission.id))
    });
    Ok(report)
}
