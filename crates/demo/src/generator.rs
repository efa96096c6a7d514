//! The generator: from a seeded random number generator, one draft after another, its texts
//! written from the templates.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use portal_domain::submission::{
    Area, Assistance, Beneficiaries, Contact, Funding, Kind, Period, Status, Submission,
    SubmitterType, Timestamps,
};

use crate::draft::{Draft, Picks};
use crate::organisations::{
    AFFECTED, Affected, DONORS, EU, FUNDS, GENERIC_DEVICES, INTERNATIONAL, NGOS, Names,
    ORGANISATIONS, Org, REGIONS, units_per_usd,
};
use crate::templates::{Text, push_email_part, push_list};
use crate::texts::{
    CROSS_CUTTING, HOW_TO_APPLY, HOW_TO_APPLY_MORE, area_text, assistance_phrase, documents,
    is_local, kind_text,
};
use crate::weights::{
    AREA_WEIGHTS, DAY, EXPIRED_SHARE, KIND_WEIGHTS, MAX_USD, MEDIAN_USD, MIN_USD, SIGMA,
    STATUS_WEIGHTS, assistance_weights, related_areas,
};
use crate::{DEMO_NOTICE, DEMO_TITLE_PREFIX};

/// Holds the random number generator and the moment the data is generated for.
pub(crate) struct Generator {
    pub(crate) rng: ChaCha8Rng,
    pub(crate) now: DateTime<Utc>,
}

impl Generator {
    pub(crate) fn new(seed: u64, now: DateTime<Utc>) -> Generator {
        // Whole seconds keep timestamps readable; a representable `now` always has them.
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            now,
        }
    }

    pub(crate) fn submission(&mut self) -> Submission {
        let draft = self.draft();
        let picks = self.picks(&draft);
        let text = Text {
            draft: &draft,
            picks: &picks,
        };
        let title = self.title(&text);
        let summary = self.summary(&text);
        let description = self.description(&text);
        let how_to_apply = self.how_to_apply(&text);
        draft.finish(title, summary, description, how_to_apply)
    }

    // --- small helpers ------------------------------------------------------------------

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.rng.random_bool(probability)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// One of a list of words or templates.
    pub(crate) fn phrase(&mut self, items: &'static [&'static str]) -> &'static str {
        items[self.rng.random_range(0..items.len())]
    }

    /// One of a list whose entries marked `§` name the Convention's obligations and so are for
    /// States Parties only; the mark is removed. Every list has unmarked entries.
    pub(crate) fn phrase_for(
        &mut self,
        party: bool,
        items: &'static [&'static str],
    ) -> &'static str {
        loop {
            let item = self.phrase(items);
            match item.strip_prefix('§') {
                None => return item,
                Some(rest) if party => return rest,
                Some(_) => {}
            }
        }
    }

    /// An index other than `other` (when there is another).
    pub(crate) fn other_index(&mut self, len: usize, other: usize) -> usize {
        if len < 2 {
            return other;
        }
        (other + 1 + self.rng.random_range(0..len - 1)) % len
    }

    pub(crate) fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut ticket = self.rng.random_range(0..total);
        for item in items {
            let w = weight(item);
            if ticket < w {
                return item;
            }
            ticket -= w;
        }
        &items[items.len() - 1]
    }

    /// A value spread evenly on a logarithmic scale between `low` and `high`, rounded to `step`.
    pub(crate) fn log_uniform(&mut self, low: f64, high: f64, step: u64) -> u64 {
        let x = (low.ln() + self.rng.random::<f64>() * (high.ln() - low.ln())).exp();
        ((x / step as f64).round() as u64).max(1) * step
    }

    /// A standard normal value (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.rng.random::<f64>(); // in (0, 1], so the logarithm is finite
        let u2 = self.rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub(crate) fn seconds(&mut self, low: i64, high: i64) -> Duration {
        Duration::seconds(self.rng.random_range(low..high))
    }

    // --- the parts ----------------------------------------------------------------------

    pub(crate) fn draft(&mut self) -> Draft {
        let kind = self.weighted(KIND_WEIGHTS, |k| k.1).0;
        let status = self.weighted(STATUS_WEIGHTS, |s| s.1).0;
        let timestamps = self.timestamps(kind, status);
        let place = self.weighted(AFFECTED, |a| a.weight);
        let org = self.submitter(kind);
        let areas = self.areas(org.map_or(&[], |o| o.focus));
        let org = match org {
            Some(org) => org,
            None => self.national_submitter(place, areas[0]),
        };
        let dac_sectors = self.dac_sectors(&areas);
        let assistance = self.assistance(kind);
        let beneficiaries = self.beneficiaries(kind, place);
        let funding = self.funding(kind, org.currency);
        let period = self.period(kind, timestamps.received_at.date_naive());
        let contact = self.contact(org);
        let year = period.start.map_or(self.now.year(), |d| d.year());
        let links = self.links(kind, org, year);
        Draft {
            kind,
            status,
            org,
            place,
            areas,
            dac_sectors,
            assistance,
            beneficiaries,
            funding,
            period,
            contact,
            links,
            timestamps,
        }
    }

    /// Who submits an offer, project or funding source; `None` for a need, whose submitter
    /// depends on its area.
    pub(crate) fn submitter(&mut self, kind: Kind) -> Option<&'static Org> {
        let by_weight = |o: &Org| o.weight;
        Some(match kind {
            Kind::Need => return None,
            Kind::Offer => match self.rng.random_range(0..10) {
                0..5 => self.weighted(DONORS, by_weight),
                5 => &EU,
                6 => self.weighted(ORGANISATIONS, by_weight),
                _ => self.weighted(NGOS, by_weight),
            },
            Kind::Project => match self.rng.random_range(0..10) {
                0..7 => self.weighted(NGOS, by_weight),
                _ => self.weighted(ORGANISATIONS, by_weight),
            },
            Kind::FundingSource => match self.rng.random_range(0..10) {
                0..6 => self.weighted(FUNDS, by_weight),
                6 => &EU,
                _ => self.weighted(DONORS, by_weight),
            },
        })
    }

    /// The national authority, or for victim assistance often the ministry in charge.
    pub(crate) fn national_submitter(
        &mut self,
        place: &'static Affected,
        area: Area,
    ) -> &'static Org {
        match &place.ministry {
            Some(ministry) if area == Area::VictimAssistance && self.chance(0.6) => ministry,
            _ => &place.authority,
        }
    }

    /// The main area (from the submitter's focus, if it has one) and, for four in ten, one area
    /// closely related to it, which the description then speaks of too.
    pub(crate) fn areas(&mut self, focus: &'static [Area]) -> Vec<Area> {
        let primary = if focus.is_empty() {
            self.weighted(AREA_WEIGHTS, |a| a.1).0
        } else {
            *self.pick(focus)
        };
        let mut areas = vec![primary];
        if self.rng.random_range(0..10) >= 6 {
            areas.push(*self.pick(related_areas(primary)));
        }
        areas
    }

    pub(crate) fn dac_sectors(&mut self, areas: &[Area]) -> Vec<u32> {
        if areas.contains(&Area::ClearanceAndRiskEducation) && self.chance(0.5) {
            vec![15250]
        } else {
            Vec::new()
        }
    }

    pub(crate) fn assistance(&mut self, kind: Kind) -> Vec<Assistance> {
        let count = match self.rng.random_range(0..20) {
            0..11 => 1,
            11..17 => 2,
            _ => 3,
        };
        let mut kinds = Vec::with_capacity(count);
        if kind == Kind::FundingSource {
            // A funding source gives money, whatever it pays for.
            return vec![Assistance::Financial];
        }
        let weights = assistance_weights(kind);
        while kinds.len() < count {
            let assistance = self.weighted(weights, |a| a.1).0;
            if !kinds.contains(&assistance) {
                kinds.push(assistance);
            }
        }
        kinds
    }

    pub(crate) fn beneficiaries(&mut self, kind: Kind, place: &'static Affected) -> Beneficiaries {
        let mut beneficiaries = Beneficiaries::default();
        let (global, regional) = match kind {
            Kind::Need => {
                beneficiaries.countries.push(place.alpha3.to_string());
                return beneficiaries;
            }
            Kind::Project => {
                beneficiaries.countries.push(place.alpha3.to_string());
                if self.chance(0.15)
                    && let Some(neighbour) = self.neighbour(place)
                {
                    beneficiaries.countries.push(neighbour.to_string());
                }
                return beneficiaries;
            }
            Kind::Offer => (0.35, 0.35),
            Kind::FundingSource => (0.5, 0.3),
        };
        let draw = self.rng.random::<f64>();
        if draw < global {
            beneficiaries.global = true;
        } else if draw < global + regional {
            beneficiaries.regions.push(place.region.to_string());
            if self.chance(0.3) {
                let first = REGIONS
                    .iter()
                    .position(|r| r.0 == place.region)
                    .unwrap_or(0);
                let second = self.other_index(REGIONS.len(), first);
                if second != first {
                    beneficiaries.regions.push(REGIONS[second].0.to_string());
                }
            }
        } else {
            beneficiaries.countries.push(place.alpha3.to_string());
            let more = self.rng.random_range(0..4);
            for _ in 0..more {
                let country = self.weighted(AFFECTED, |a| a.weight).alpha3;
                if !beneficiaries.countries.iter().any(|c| c == country) {
                    beneficiaries.countries.push(country.to_string());
                }
            }
        }
        beneficiaries
    }

    /// Another affected State in the same region, if there is one.
    pub(crate) fn neighbour(&mut self, place: &Affected) -> Option<&'static str> {
        let is_neighbour = |a: &&Affected| a.region == place.region && a.alpha3 != place.alpha3;
        let count = AFFECTED.iter().filter(is_neighbour).count();
        if count == 0 {
            return None;
        }
        let n = self.rng.random_range(0..count);
        AFFECTED
            .iter()
            .filter(is_neighbour)
            .nth(n)
            .map(|a| a.alpha3)
    }

    pub(crate) fn funding(&mut self, kind: Kind, currency: &'static str) -> Option<Funding> {
        let (probability, factor) = match kind {
            Kind::Need => (0.9, 0.9),
            Kind::Offer => (0.75, 1.0),
            Kind::Project => (0.85, 1.5),
            Kind::FundingSource => (0.95, 3.0),
        };
        if !self.chance(probability) {
            return None;
        }
        let usd = ((MEDIAN_USD * factor).ln() + SIGMA * self.normal())
            .exp()
            .clamp(MIN_USD, MAX_USD);
        let amount = self.plausible(usd * units_per_usd(currency));
        Some(Funding {
            amount,
            currency: currency.to_string(),
            usd: 0.0,
            rate_date: None,
        })
    }

    /// Rounds an amount the way budgets are written: 1,250,000 rather than 1,237,412.
    pub(crate) fn plausible(&mut self, amount: f64) -> f64 {
        let magnitude = 10f64.powi(amount.log10().floor() as i32 - 1);
        let step = magnitude * *self.pick(&[0.5, 1.0, 2.5]);
        ((amount / step).round() * step).max(step).round()
    }

    pub(crate) fn period(&mut self, kind: Kind, received: NaiveDate) -> Period {
        let offset = match kind {
            Kind::Project => -self.rng.random_range(0..=6 * 365),
            _ => self.rng.random_range(-90..=365),
        };
        let today = self.now.date_naive();
        let earliest = today - Duration::days(3_600);
        let latest = today + Duration::days(365);
        let day = (received + Duration::days(offset)).clamp(earliest, latest);
        let start = day.with_day(1).unwrap_or(day);
        let months = self.rng.random_range(6..=48);
        let end = start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(start + Duration::days(30 * i64::from(months)));
        Period {
            start: Some(start),
            end: Some(end),
        }
    }

    pub(crate) fn timestamps(&mut self, kind: Kind, status: Status) -> Timestamps {
        let now = self.now;
        if status == Status::Pending {
            let received_at = now - self.seconds(0, 21 * DAY);
            return Timestamps {
                received_at,
                published_at: None,
                updated_at: received_at,
                expires_at: None,
                renewed_at: None,
            };
        }
        let months = match kind {
            Kind::Need | Kind::Offer => 12,
            Kind::Project | Kind::FundingSource => 24,
        };
        let lifespan = now
            .checked_sub_months(Months::new(months))
            .map_or(365 * i64::from(months / 12) * DAY, |start| {
                (now - start).num_seconds()
            });
        // Most published submissions are current, spread evenly over their lifespan (so some
        // expire within the month); a few expired up to half a year ago and are archived. The
        // random draws are the same two as ever, so every later choice (and the benchmark
        // corpus built on them) stays as it was.
        let draw = self.seconds(21 * DAY, 3 * 365 * DAY).num_seconds();
        let share = (draw - 21 * DAY) as f64 / (3 * 365 * DAY - 21 * DAY) as f64;
        let age = if share < EXPIRED_SHARE {
            let into = share / EXPIRED_SHARE;
            lifespan + DAY + (into * (179 * DAY) as f64) as i64
        } else {
            let into = (share - EXPIRED_SHARE) / (1.0 - EXPIRED_SHARE);
            DAY + (into * (lifespan - 2 * DAY) as f64) as i64
        };
        let published_at = now - Duration::seconds(age);
        let received_at = published_at - self.seconds(DAY, 20 * DAY + 1);
        let updated_at = if status == Status::Withdrawn {
            (published_at + self.seconds(7 * DAY, 180 * DAY)).min(now)
        } else {
            published_at
        };
        let expires_at = published_at
            .checked_add_months(Months::new(months))
            .unwrap_or(published_at + Duration::days(365 * i64::from(months / 12)));
        Timestamps {
            received_at,
            published_at: Some(published_at),
            updated_at,
            expires_at: Some(expires_at),
            renewed_at: None,
        }
    }

    pub(crate) fn contact(&mut self, org: &Org) -> Contact {
        let names = match org.names {
            Names::Mixed => *self.pick(INTERNATIONAL),
            names => names,
        };
        let (firsts, lasts) = names.lists();
        let first = *self.pick(firsts);
        let last = *self.pick(lasts);
        let domain = *self.pick(&[
            "example.org",
            "example.org",
            "example.org",
            "example.net",
            "example.com",
        ]);
        let mut name = String::with_capacity(first.len() + last.len() + 1);
        name.push_str(first);
        name.push(' ');
        name.push_str(last);
        let mut email = String::with_capacity(name.len() + domain.len() + 2);
        push_email_part(&mut email, first);
        email.push('.');
        push_email_part(&mut email, last);
        email.push('@');
        email.push_str(domain);
        let phone = self.chance(0.6).then(|| org.phone.to_string());
        Contact { name, email, phone }
    }

    pub(crate) fn links(&mut self, kind: Kind, org: &Org, year: i32) -> Vec<String> {
        let count = match self.rng.random_range(0..20) {
            0..6 => 0,
            6..15 => 1,
            _ => 2,
        };
        let documents = documents(kind);
        let first = self.rng.random_range(0..documents.len());
        let second = self.other_index(documents.len(), first);
        [first, second][..count]
            .iter()
            .map(|&i| {
                let mut link = format!("https://example.org/demo/{}/{}", org.slug, documents[i]);
                if self.chance(0.4) {
                    let _ = write!(link, "-{year}"); // writing to a String cannot fail
                }
                link
            })
            .collect()
    }

    pub(crate) fn picks(&mut self, draft: &Draft) -> Picks {
        let primary = draft.areas[0];
        let text = area_text(primary);
        let provinces = draft.place.provinces;
        let first = self.rng.random_range(0..provinces.len());
        let second = self.other_index(provinces.len(), first);
        let device = if self.chance(0.8) {
            *self.pick(draft.place.devices)
        } else {
            *self.pick(GENERIC_DEVICES)
        };
        let donor = if self.chance(0.1) {
            &EU
        } else {
            self.weighted(DONORS, |o| o.weight)
        };
        let party = match draft.kind {
            Kind::Need | Kind::Project => draft.place.authority.kind == SubmitterType::StateParty,
            Kind::Offer | Kind::FundingSource => true,
        };
        let (year, year_end, months) = match (draft.period.start, draft.period.end) {
            (Some(start), Some(end)) => (start.year(), end.year(), months_between(start, end)),
            _ => (self.now.year(), self.now.year() + 1, 12),
        };
        Picks {
            province: provinces[first],
            province2: provinces[second],
            topic: self.phrase_for(party, text.topics),
            purpose: self.phrase_for(party, text.purposes),
            device,
            donor,
            local: is_local(primary),
            party,
            m2: self.log_uniform(20_000.0, 3_000_000.0, 100),
            ha: self.log_uniform(5.0, 900.0, 1),
            people: self.log_uniform(500.0, 60_000.0, 10),
            villages: self.rng.random_range(5..=120),
            teams: self.rng.random_range(2..=16),
            items: self.log_uniform(150.0, 25_000.0, 1),
            stock: self.log_uniform(200.0, 20_000.0, 1),
            survivors: self.log_uniform(40.0, 3_000.0, 1),
            delay: self.rng.random_range(6..=18),
            women_pct: self.rng.random_range(25..=60),
            year,
            year_end,
            months,
            deadline: quarter_end_after(
                draft.timestamps.received_at.date_naive() + Duration::days(30),
            ),
        }
    }

    // --- the texts ----------------------------------------------------------------------

    pub(crate) fn title(&mut self, text: &Text) -> String {
        let words = kind_text(text.draft.kind);
        let list = if text.picks.local {
            words.titles_local
        } else {
            words.titles_national
        };
        let mut title = String::with_capacity(128);
        title.push_str(DEMO_TITLE_PREFIX);
        text.render(self.phrase(list), &mut title);
        title
    }

    pub(crate) fn summary(&mut self, text: &Text) -> String {
        let kind = text.draft.kind;
        let words = kind_text(kind);
        let list = if text.picks.local {
            words.summaries_local
        } else {
            words.summaries_national
        };
        let mut summary = String::with_capacity(256);
        text.render(self.phrase(list), &mut summary);
        if self.chance(0.5) {
            let seconds = match kind {
                Kind::Need | Kind::Project => area_text(text.draft.areas[0]).extras,
                Kind::Offer | Kind::FundingSource => words.seconds,
            };
            summary.push(' ');
            text.render(self.phrase_for(text.picks.party, seconds), &mut summary);
        }
        summary
    }

    /// Three to five sentences, then the demo notice.
    pub(crate) fn description(&mut self, text: &Text) -> String {
        let draft = text.draft;
        let words = kind_text(draft.kind);
        let sentences = |area: Area| {
            let words = area_text(area);
            match draft.kind {
                Kind::Need | Kind::Project => words.field,
                Kind::Offer | Kind::FundingSource => words.general,
            }
        };
        let party = text.picks.party;
        let body = sentences(draft.areas[0]);
        let first = self.phrase_for(party, body);
        // A second area always has a sentence of its own; then there is room for no other.
        let secondary = draft.areas.get(1).copied();
        let second = (secondary.is_none() && self.chance(0.5))
            .then(|| self.phrase_for(party, body))
            .filter(|s| *s != first);
        let cross = secondary.is_none() && second.is_none() && self.chance(0.4);

        let mut out = String::with_capacity(1024);
        let openers = if text.picks.local {
            words.openers_local
        } else {
            words.openers_national
        };
        text.render(self.phrase(openers), &mut out);
        for sentence in [Some(first), second].into_iter().flatten() {
            out.push(' ');
            text.render(sentence, &mut out);
        }
        // Every kind of assistance listed is named.
        out.push(' ');
        let opening = match draft.kind {
            Kind::Need => "The request covers ",
            Kind::Offer => "The offer covers ",
            Kind::Project => "The project provides ",
            Kind::FundingSource => "",
        };
        if opening.is_empty() {
            out.push_str("All support is financial, paid as grants in instalments.");
        } else {
            out.push_str(opening);
            push_list(
                &mut out,
                draft.assistance.iter().map(|a| assistance_phrase(*a)),
            );
            out.push('.');
        }
        if let Some(area) = secondary {
            out.push(' ');
            text.render(self.phrase_for(party, sentences(area)), &mut out);
        }
        if cross {
            out.push(' ');
            text.render(self.phrase(CROSS_CUTTING), &mut out);
        }
        out.push(' ');
        let closers = if draft.funding.is_some() && self.chance(0.5) {
            words.closers_amount
        } else {
            words.closers
        };
        text.render(self.phrase(closers), &mut out);
        out.push(' ');
        out.push_str(DEMO_NOTICE);
        out
    }

    pub(crate) fn how_to_apply(&mut self, text: &Text) -> String {
        if !matches!(text.draft.kind, Kind::Offer | Kind::FundingSource) {
            return String::new();
        }
        let mut out = String::with_capacity(256);
        text.render(self.phrase(HOW_TO_APPLY), &mut out);
        if self.chance(0.5) {
            out.push(' ');
            text.render(self.phrase(HOW_TO_APPLY_MORE), &mut out);
        }
        out
    }
}

/// Whole months from `start` to `end` (inclusive of the last partial month), at least one.
pub(crate) fn months_between(start: NaiveDate, end: NaiveDate) -> u32 {
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    u32::try_from(months).unwrap_or(1).max(1)
}

/// The last day of the quarter that `day` falls in.
pub(crate) fn quarter_end_after(day: NaiveDate) -> NaiveDate {
    let month = day.month().div_ceil(3) * 3;
    let last = if month == 3 || month == 12 { 31 } else { 30 };
    NaiveDate::from_ymd_opt(day.year(), month, last).unwrap_or(day)
}
