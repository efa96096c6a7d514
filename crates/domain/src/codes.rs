//! The code lists: countries (ISO 3166-1) with their UN M49 regions, currencies (ISO 4217) with
//! the shipped exchange-rate table, and OECD DAC sectors with their mapping onto the
//! Convention's areas of work.
//!
//! This module owns the tables under `data/codes/` (see `data/SOURCES.md` for where each comes
//! from). They are compiled into the binary with `include_str!` and parsed once, on first use, so
//! the portal runs from any folder. Lookups forgive case, accents, spacing, punctuation and (for
//! country names) word order; the `suggest_*` functions offer the nearest codes when a lookup
//! fails, for error messages.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::vocabulary::Area;

mod normalise;
mod table;

use normalise::{
    bag_key, best_few, compact_key, currency_key, fold_lower, misspelling_score, words,
};
use table::Table;

const COUNTRIES_CSV: &str = include_str!("../../../data/codes/countries.csv");
const COUNTRY_ALIASES_CSV: &str = include_str!("../../../data/codes/country-aliases.csv");
const REGIONS_CSV: &str = include_str!("../../../data/codes/regions.csv");
const CURRENCIES_CSV: &str = include_str!("../../../data/codes/currencies.csv");
const CURRENCY_ALIASES_CSV: &str = include_str!("../../../data/codes/currency-aliases.csv");
const EXCHANGE_RATES_CSV: &str = include_str!("../../../data/codes/exchange-rates.csv");
const DAC_SECTORS_CSV: &str = include_str!("../../../data/codes/dac-sectors.csv");
const DAC_AREAS_CSV: &str = include_str!("../../../data/codes/dac-areas.csv");

/// How many suggestions the `suggest_*` functions give at most.
const MAX_SUGGESTIONS: usize = 3;
/// Similarity (0–1) from which a suggestion counts as close; below it, the best few are still
/// given so that the user sees something.
const CLOSE_ENOUGH: f64 = 0.8;

/// A country or territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-3 code, e.g. "LAO" ("XKX" for Kosovo, as used by IATI).
    pub alpha3: &'static str,
    /// ISO 3166-1 alpha-2 code, e.g. "LA" ("XK" for Kosovo).
    pub alpha2: &'static str,
    /// Short English name, e.g. "Lao People's Democratic Republic".
    pub name: &'static str,
    /// UN M49 region code, e.g. "142" (Asia); empty for Antarctica and Taiwan.
    pub region: &'static str,
    /// UN M49 sub-region code, e.g. "035" (South-eastern Asia); empty where `region` is.
    pub subregion: &'static str,
    /// UN M49 intermediate region code, e.g. "011" (Western Africa), for the countries of
    /// Sub-Saharan Africa and of Latin America and the Caribbean; empty elsewhere.
    pub intermediate: &'static str,
}

impl Country {
    /// The codes of the regions holding it, smallest first: intermediate region (where there
    /// is one), sub-region, region.
    pub fn region_codes(&self) -> impl Iterator<Item = &'static str> + use<> {
        [self.intermediate, self.subregion, self.region]
            .into_iter()
            .filter(|code| !code.is_empty())
    }

    /// Whether it lies in the region with this M49 code (at any level).
    pub fn is_in(&self, region_code: &str) -> bool {
        self.region_codes().any(|code| code == region_code)
    }
}

/// A UN M49 region, sub-region or intermediate region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Three-digit M49 code, e.g. "035".
    pub code: &'static str,
    /// English name, e.g. "South-eastern Asia".
    pub name: &'static str,
    /// The region a sub-region belongs to, or the sub-region an intermediate region belongs
    /// to (e.g. 011 Western Africa → 202 Sub-Saharan Africa → 002 Africa).
    pub parent: Option<&'static str>,
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// Every country and territory, sorted by name (accents folded); the position of a country is
/// its stable ordinal (see [`country_ordinal`]).
pub fn countries() -> &'static [Country] {
    &COUNTRIES.list
}

/// Finds a country by alpha-3 or alpha-2 code, English name or a common alias ("Laos",
/// "Lao PDR", "DRC", "Ivory Coast", "UK", …), ignoring case, accents, spaces, punctuation and
/// word order ("Congo, Democratic Republic" = "Democratic Republic of the Congo").
pub fn country(text: &str) -> Option<&'static Country> {
    let table = &*COUNTRIES;
    // The codes stored in submissions, looked up for every page that shows them: at once.
    if let Some(&index) = table.by_alpha3.get(text) {
        return table.list.get(index);
    }
    let words = words(text);
    if words.is_empty() {
        return None;
    }
    let squashed = words.concat();
    let index = table
        .by_code
        .get(&squashed)
        .or_else(|| table.by_compact.get(&compact_key(&words)))
        .or_else(|| table.by_bag.get(&bag_key(&words)))?;
    table.list.get(*index)
}

/// The position of a country (by alpha-3 code, any case) in [`countries`].
pub fn country_ordinal(alpha3: &str) -> Option<u64> {
    let code = alpha3.trim().to_ascii_uppercase();
    COUNTRIES.by_alpha3.get(code.as_str()).map(|&i| i as u64)
}

/// The UN M49 regions (Africa, Americas, Asia, Europe, Oceania), then their sub-regions, then
/// the intermediate regions (of Sub-Saharan Africa and of Latin America and the Caribbean),
/// each group sorted by name.
pub fn regions() -> &'static [Region] {
    &REGIONS
}

/// Finds a region or sub-region by M49 code ("035" or "35") or English name, ignoring case,
/// accents, spaces and punctuation.
pub fn region(text: &str) -> Option<&'static Region> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let wanted: u32 = text.parse().ok()?;
        return REGIONS
            .iter()
            .find(|r| r.code.parse::<u32>().ok() == Some(wanted));
    }
    let key = compact_key(&words(text));
    if key.is_empty() {
        return None;
    }
    REGIONS.iter().find(|r| compact_key(&words(r.name)) == key)
}

/// The countries in a region (given as for [`region`]), at any level: a region includes the
/// countries of all its sub-regions and intermediate regions. Empty when the region is unknown.
pub fn countries_in_region(code: &str) -> Vec<&'static Country> {
    let Some(region) = region(code) else {
        return Vec::new();
    };
    COUNTRIES
        .list
        .iter()
        .filter(|c| c.is_in(region.code))
        .collect()
}

/// The regions a region lies in, nearest first (011 Western Africa: 202, then 002).
pub fn region_ancestors(code: &str) -> Vec<&'static Region> {
    let mut found = Vec::new();
    let mut next = region(code).and_then(|r| r.parent);
    while let Some(parent) = next.and_then(region) {
        if found.iter().any(|r: &&Region| r.code == parent.code) {
            break;
        }
        found.push(parent);
        next = parent.parent;
    }
    found
}

/// The regions inside a region, at every level (002 Africa: 015, 202, and 202's 011, 014…).
pub fn region_descendants(code: &str) -> Vec<&'static Region> {
    let Some(root) = region(code) else {
        return Vec::new();
    };
    REGIONS
        .iter()
        .filter(|r| {
            r.code != root.code && region_ancestors(r.code).iter().any(|a| a.code == root.code)
        })
        .collect()
}

/// Up to three countries close to `text`, formatted `LAO (Lao People's Democratic Republic)`,
/// best first. Codes, names and aliases are all compared; only close ones are suggested, so
/// the list is empty for a name like nothing on the list ("Narnia").
pub fn suggest_countries(text: &str) -> Vec<String> {
    let table = &*COUNTRIES;
    let words = words(text);
    if words.is_empty() {
        return Vec::new();
    }
    let squashed = words.concat();
    let key = compact_key(&words);
    let mut scores = vec![0.0_f64; table.list.len()];
    for (i, c) in table.list.iter().enumerate() {
        for code in [c.alpha3, c.alpha2] {
            let code = code.to_ascii_lowercase();
            let score = if code == squashed {
                1.0
            } else if squashed.len() <= 3 && strsim::osa_distance(&squashed, &code) <= 1 {
                // One letter off a code ("LOA", "KMH").
                strsim::jaro_winkler(&squashed, &code).max(CLOSE_ENOUGH)
            } else {
                0.0
            };
            scores[i] = scores[i].max(score);
        }
    }
    for (spelling, i) in &table.spellings {
        let mut score = misspelling_score(&key, spelling);
        if key.len() >= 4 && spelling.contains(key.as_str()) {
            score = score.max(CLOSE_ENOUGH + 0.05);
        }
        scores[*i] = scores[*i].max(score);
    }
    let best = best_few(&scores);
    best.into_iter()
        .filter_map(|i| table.list.get(i))
        .map(|c| format!("{} ({})", c.alpha3, c.name))
        .collect()
}

/// The nearest countries, then any region whose name is close, formatted as
/// [`suggest_countries`] does (`011 (Western Africa)` for a region). Empty when nothing is close.
pub fn suggest_places(text: &str) -> Vec<String> {
    let mut suggestions = suggest_countries(text);
    let key = compact_key(&words(text));
    if key.is_empty() {
        return suggestions;
    }
    for region in REGIONS.iter() {
        if strsim::jaro_winkler(&key, &compact_key(&words(region.name))) >= 0.88 {
            suggestions.push(format!("{} ({})", region.code, region.name));
        }
    }
    suggestions
}

/// "did you mean LAO (…), KHM (Cambodia) or VNM (Viet Nam)?", or `None` when there is
/// nothing to suggest.
pub fn did_you_mean(suggestions: &[String]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [rest @ .., last] => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

/// US dollars per one unit of `currency` (an ISO 4217 code, any case) in the shipped rate table;
/// `USD` gives 1.0. `None` for codes the table does not have.
pub fn usd_rate(currency: &str) -> Option<f64> {
    let code = currency.trim().to_ascii_uppercase();
    CURRENCIES.rates.get(code.as_str()).copied()
}

/// The date of the shipped exchange-rate table (its `# date:` line).
pub fn rates_date() -> NaiveDate {
    CURRENCIES.rates_date
}

/// Up to three currencies of the rate table close to `text`, formatted `EUR (Euro)`, best
/// first. Besides codes, recognises names ("euro", "dollars", "Swiss franc") and symbols
/// (€, $, £, ¥, …). Empty when nothing is close.
pub fn suggest_currencies(text: &str) -> Vec<String> {
    let table = &*CURRENCIES;
    let raw = text.trim();
    if raw.is_empty() {
        return Vec::new();
    }
    let query = words(raw);
    let squashed = query.concat();
    let key = currency_key(&query);
    let raw_lower = fold_lower(raw);

    let mut scores = vec![0.0_f64; table.rate_codes.len()];
    let position = |code: &str| table.rate_codes.iter().position(|c| *c == code);

    // Words and symbols: a match ranks by its order in the alias file.
    let mut rank = 0.0;
    for alias in &table.aliases {
        let matched = alias.raw == raw_lower || (!key.is_empty() && alias.key == key);
        if let (true, Some(i)) = (matched, position(alias.code)) {
            scores[i] = scores[i].max(0.99 - rank);
            rank += 0.001;
        }
    }
    if !squashed.is_empty() {
        for (i, code) in table.rate_codes.iter().enumerate() {
            let lower = code.to_ascii_lowercase();
            // A three-letter query is most likely a mistyped code; longer ones are words.
            let code_weight = if squashed.len() == 3 { 1.0 } else { 0.9 };
            let mut score = if lower == squashed {
                1.0
            } else {
                code_weight * strsim::jaro_winkler(&squashed, &lower)
            };
            if let Some(name) = table.names.get(code) {
                let name_words = words(name);
                score = score.max(strsim::jaro_winkler(&key, &currency_key(&name_words)));
                for word in &name_words {
                    let word_key = currency_key(std::slice::from_ref(word));
                    score = score.max(0.95 * strsim::jaro_winkler(&key, &word_key));
                }
            }
            scores[i] = scores[i].max(score);
        }
    }
    best_few(&scores)
        .into_iter()
        .filter_map(|i| table.rate_codes.get(i))
        .map(|code| match table.names.get(code) {
            Some(name) => format!("{code} ({name})"),
            None => (*code).to_string(),
        })
        .collect()
}

/// The English name of an ISO 4217 currency code (any case), from the IATI Currency codelist,
/// including withdrawn codes; e.g. "EUR" → "Euro".
pub fn currency_name(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    CURRENCIES.names.get(code.as_str()).copied()
}

/// The English name of an OECD DAC 5-digit purpose code, e.g. 15250 → "Removal of land mines
/// and explosive remnants of war". Covers every code of the IATI Sector codelist, withdrawn ones
/// included.
pub fn dac_sector_name(code: u32) -> Option<&'static str> {
    DAC.names.get(&code).copied()
}

/// The Convention area of work a DAC purpose code belongs to, if any (the short, reasoned list
/// in `data/codes/dac-areas.csv`; e.g. 15250 → clearance and risk education).
pub fn area_for_dac_sector(code: u32) -> Option<Area> {
    DAC.areas.get(&code).copied()
}

// ---------------------------------------------------------------------------------------------
// Countries and regions
// ---------------------------------------------------------------------------------------------

struct CountryTable {
    list: Vec<Country>,
    /// Lower-case alpha-2 and alpha-3 codes.
    by_code: HashMap<String, usize>,
    by_alpha3: HashMap<&'static str, usize>,
    /// [`compact_key`] of every name and alias.
    by_compact: HashMap<String, usize>,
    /// [`bag_key`] of every name and alias.
    by_bag: HashMap<String, usize>,
    /// Compact keys of every name and alias, for suggestions.
    spellings: Vec<(String, usize)>,
    /// Keys claimed by two different countries (the first keeps it); the tests require none.
    conflicts: Vec<String>,
    /// Number of aliases read.
    alias_count: usize,
}

static COUNTRIES: LazyLock<CountryTable> = LazyLock::new(load_countries);

fn load_countries() -> CountryTable {
    let table = Table::load("countries.csv", COUNTRIES_CSV);
    let [a3, a2, name, region, subregion, intermediate] = [
        "alpha3",
        "alpha2",
        "name",
        "region",
        "subregion",
        "intermediate",
    ]
    .map(|c| table.column(c));
    let mut list: Vec<Country> = table
        .rows
        .iter()
        .map(|r| Country {
            alpha3: r[a3],
            alpha2: r[a2],
            name: r[name],
            region: r[region],
            subregion: r[subregion],
            intermediate: r[intermediate],
        })
        .collect();
    list.sort_by_cached_key(|c| fold_lower(c.name));

    let mut t = CountryTable {
        by_code: HashMap::new(),
        by_alpha3: HashMap::new(),
        by_compact: HashMap::new(),
        by_bag: HashMap::new(),
        spellings: Vec::new(),
        conflicts: Vec::new(),
        alias_count: 0,
        list: Vec::new(),
    };
    for (i, c) in list.iter().enumerate() {
        for code in [c.alpha3, c.alpha2] {
            claim(
                &mut t.by_code,
                code.to_ascii_lowercase(),
                i,
                &mut t.conflicts,
            );
        }
        t.by_alpha3.insert(c.alpha3, i);
    }
    for (i, c) in list.iter().enumerate() {
        t.add_spelling(c.name, i);
    }
    let aliases = Table::load("country-aliases.csv", COUNTRY_ALIASES_CSV);
    let [alias, alpha3] = ["alias", "alpha3"].map(|c| aliases.column(c));
    for row in &aliases.rows {
        match t.by_alpha3.get(row[alpha3]) {
            Some(&i) => t.add_spelling(row[alias], i),
            None => t.conflicts.push(format!(
                "alias {:?} names unknown country {}",
                row[alias], row[alpha3]
            )),
        }
        t.alias_count += 1;
    }
    t.list = list;
    t
}

impl CountryTable {
    fn add_spelling(&mut self, text: &str, index: usize) {
        let words = words(text);
        let compact = compact_key(&words);
        if compact.is_empty() {
            return;
        }
        claim(
            &mut self.by_compact,
            compact.clone(),
            index,
            &mut self.conflicts,
        );
        claim(
            &mut self.by_bag,
            bag_key(&words),
            index,
            &mut self.conflicts,
        );
        self.spellings.push((compact, index));
    }
}

/// Maps `key` to `index` unless another index has it already (then records a conflict).
fn claim(map: &mut HashMap<String, usize>, key: String, index: usize, conflicts: &mut Vec<String>) {
    match map.get(&key) {
        Some(&other) if other != index => conflicts.push(format!("{key:?}: {other} and {index}")),
        Some(_) => {}
        None => {
            map.insert(key, index);
        }
    }
}

static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    let table = Table::load("regions.csv", REGIONS_CSV);
    let [code, name, parent] = ["code", "name", "parent"].map(|c| table.column(c));
    let list: Vec<Region> = table
        .rows
        .iter()
        .map(|r| Region {
            code: r[code],
            name: r[name],
            parent: Some(r[parent]).filter(|p| !p.is_empty()),
        })
        .collect();
    // Regions first, then sub-regions, then intermediate regions: by depth, then by name.
    let depth = |r: &Region| {
        let mut depth = 0;
        let mut parent = r.parent;
        while let Some(code) = parent.filter(|_| depth < 3) {
            depth += 1;
            parent = list.iter().find(|p| p.code == code).and_then(|p| p.parent);
        }
        depth
    };
    let mut keyed: Vec<(usize, String, Region)> = list
        .iter()
        .map(|r| (depth(r), fold_lower(r.name), r.clone()))
        .collect();
    keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    keyed.into_iter().map(|(_, _, r)| r).collect()
});

// ---------------------------------------------------------------------------------------------
// Currencies
// ---------------------------------------------------------------------------------------------

struct CurrencyAlias {
    /// As written, folded to lower case (for symbols).
    raw: String,
    /// [`currency_key`] (for words).
    key: String,
    code: &'static str,
}

struct CurrencyTable {
    /// Every ISO 4217 code of the IATI list → name.
    names: HashMap<&'static str, &'static str>,
    /// Codes of the rate table, in file order.
    rate_codes: Vec<&'static str>,
    rates: HashMap<&'static str, f64>,
    rates_date: NaiveDate,
    aliases: Vec<CurrencyAlias>,
}

static CURRENCIES: LazyLock<CurrencyTable> = LazyLock::new(|| {
    let list = Table::load("currencies.csv", CURRENCIES_CSV);
    let [code, name] = ["code", "name"].map(|c| list.column(c));
    let names = list.rows.iter().map(|r| (r[code], r[name])).collect();

    let rates_table = Table::load("exchange-rates.csv", EXCHANGE_RATES_CSV);
    let [currency, usd] = ["currency", "usd_per_unit"].map(|c| rates_table.column(c));
    let mut rate_codes = Vec::new();
    let mut rates = HashMap::new();
    for row in &rates_table.rows {
        let rate: f64 = row[usd].parse().unwrap_or_else(|_| {
            panic!(
                "compiled-in data/codes/exchange-rates.csv: bad rate {:?}",
                row[usd]
            )
        });
        rate_codes.push(row[currency]);
        rates.insert(row[currency], rate);
    }
    let rates_date = rates_table
        .comments
        .iter()
        .find_map(|c| c.strip_prefix("date:"))
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .expect("compiled-in data/codes/exchange-rates.csv needs a `# date: YYYY-MM-DD` line");

    let alias_table = Table::load("currency-aliases.csv", CURRENCY_ALIASES_CSV);
    let [alias, alias_code] = ["alias", "code"].map(|c| alias_table.column(c));
    let aliases = alias_table
        .rows
        .iter()
        .map(|r| CurrencyAlias {
            raw: fold_lower(r[alias]),
            key: currency_key(&words(r[alias])),
            code: r[alias_code],
        })
        .collect();
    CurrencyTable {
        names,
        rate_codes,
        rates,
        rates_date,
        aliases,
    }
});

// ---------------------------------------------------------------------------------------------
// DAC sectors
// ---------------------------------------------------------------------------------------------

struct DacTable {
    names: HashMap<u32, &'static str>,
    areas: HashMap<u32, Area>,
}

static DAC: LazyLock<DacTable> = LazyLock::new(|| {
    let parse_code = |file: &str, text: &str| -> u32 {
        text.parse()
            .unwrap_or_else(|_| panic!("compiled-in data/codes/{file}: bad DAC code {text:?}"))
    };
    let sectors = Table::load("dac-sectors.csv", DAC_SECTORS_CSV);
    let [code, name] = ["code", "name"].map(|c| sectors.column(c));
    let names = sectors
        .rows
        .iter()
        .map(|r| (parse_code("dac-sectors.csv", r[code]), r[name]))
        .collect();
    let mapping = Table::load("dac-areas.csv", DAC_AREAS_CSV);
    let [code, area] = ["code", "area"].map(|c| mapping.column(c));
    let areas = mapping
        .rows
        .iter()
        .map(|r| {
            let value: Area = r[area]
                .parse()
                .unwrap_or_else(|e| panic!("compiled-in data/codes/dac-areas.csv: {e}"));
            (parse_code("dac-areas.csv", r[code]), value)
        })
        .collect();
    DacTable { names, areas }
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn alpha3(text: &str) -> Option<&'static str> {
        country(text).map(|c| c.alpha3)
    }

    #[test]
    fn every_table_parses_completely() {
        let all = [
            ("countries.csv", COUNTRIES_CSV, 250),
            ("country-aliases.csv", COUNTRY_ALIASES_CSV, 200),
            ("regions.csv", REGIONS_CSV, 22),
            ("currencies.csv", CURRENCIES_CSV, 300),
            ("currency-aliases.csv", CURRENCY_ALIASES_CSV, 50),
            ("exchange-rates.csv", EXCHANGE_RATES_CSV, 40),
            ("dac-sectors.csv", DAC_SECTORS_CSV, 320),
            ("dac-areas.csv", DAC_AREAS_CSV, 5),
        ];
        for (file, text, at_least) in all {
            let table = Table::parse(file, text).expect("parses");
            assert!(
                table.rows.len() >= at_least,
                "{file}: only {} rows",
                table.rows.len()
            );
        }
        assert_eq!(countries().len(), 250);
        assert!(COUNTRIES.alias_count >= 200);
        assert!(COUNTRIES.conflicts.is_empty(), "{:?}", COUNTRIES.conflicts);
        // 5 regions, 17 sub-regions, 7 intermediate regions.
        assert_eq!(regions().len(), 29);
        assert!(CURRENCIES.names.len() >= 300);
        assert_eq!(CURRENCIES.rates.len(), CURRENCIES.rate_codes.len());
        assert!(CURRENCIES.rates.len() >= 40);
        assert!(DAC.names.len() >= 320);
        assert!(DAC.areas.len() >= 5);
    }

    #[test]
    fn country_rows_are_sound() {
        let mut seen = std::collections::HashSet::new();
        for c in countries() {
            assert_eq!(c.alpha3.len(), 3, "{c:?}");
            assert_eq!(c.alpha2.len(), 2, "{c:?}");
            assert!(c.alpha3.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(seen.insert(c.alpha3), "duplicate {}", c.alpha3);
            assert!(!c.name.is_empty());
            if c.region.is_empty() {
                assert!(["ATA", "TWN"].contains(&c.alpha3), "{c:?} has no region");
                assert!(c.subregion.is_empty());
            } else {
                let sub = region(c.subregion).expect("known sub-region");
                assert_eq!(sub.parent, Some(c.region), "{c:?}");
            }
        }
        let keys: Vec<String> = countries().iter().map(|c| fold_lower(c.name)).collect();
        assert!(
            keys.windows(2).all(|w| w[0] <= w[1]),
            "countries are sorted by name"
        );
        assert!(countries()[0].name.starts_with("Afghanistan"));
        assert_eq!(countries()[1].alpha3, "ALA", "Åland sorts as Aland");
    }

    #[test]
    fn finds_countries_by_code_name_and_alias() {
        for text in [
            "Laos",
            "Lao PDR",
            "LAO",
            "la",
            "lao",
            " Lao People's Democratic Republic ",
        ] {
            assert_eq!(alpha3(text), Some("LAO"), "{text}");
        }
        assert_eq!(alpha3("Viet Nam"), Some("VNM"));
        assert_eq!(alpha3("Vietnam"), Some("VNM"));
        let cases = [
            ("Syria", "SYR"),
            ("DRC", "COD"),
            ("DR Congo", "COD"),
            ("Congo, Democratic Republic", "COD"),
            ("Democratic Republic of Congo", "COD"),
            ("Congo", "COG"),
            ("Bosnia", "BIH"),
            ("Bosnia and Herzegovina", "BIH"),
            ("UK", "GBR"),
            ("U.K.", "GBR"),
            ("United Kingdom", "GBR"),
            ("USA", "USA"),
            ("United States", "USA"),
            ("Iran", "IRN"),
            ("South Korea", "KOR"),
            ("Korea, Republic of", "KOR"),
            ("North Korea", "PRK"),
            ("Palestine", "PSE"),
            ("occupied Palestinian territory", "PSE"),
            ("Türkiye", "TUR"),
            ("Turkiye", "TUR"),
            ("Turkey", "TUR"),
            ("Côte d'Ivoire", "CIV"),
            ("Cote d’Ivoire", "CIV"),
            ("Ivory Coast", "CIV"),
            ("Moldova", "MDA"),
            ("Bolivia", "BOL"),
            ("Tanzania", "TZA"),
            ("Kosovo", "XKX"),
            ("XK", "XKX"),
            ("xkx", "XKX"),
            ("ST", "STP"),
            ("St. Lucia", "LCA"),
            ("Guinea", "GIN"),
            ("Guinea Bissau", "GNB"),
            ("Niger", "NER"),
            ("Sudan", "SDN"),
            ("South Sudan", "SSD"),
        ];
        for (text, code) in cases {
            assert_eq!(alpha3(text), Some(code), "{text}");
        }
        assert_eq!(country("Narnia"), None);
        assert_eq!(country(""), None);
        assert_eq!(country(" - "), None);
    }

    #[test]
    fn ordinals_are_positions() {
        let lao = country_ordinal("LAO").expect("LAO");
        assert_eq!(countries()[lao as usize].alpha3, "LAO");
        assert_eq!(country_ordinal("lao"), Some(lao));
        assert_eq!(country_ordinal("LA"), None);
        assert_eq!(country_ordinal("XYZ"), None);
        for (i, c) in countries().iter().enumerate() {
            assert_eq!(country_ordinal(c.alpha3), Some(i as u64));
        }
    }

    #[test]
    fn suggests_countries() {
        assert!(
            suggest_countries("Lao")
                .iter()
                .any(|s| s.starts_with("LAO ("))
        );
        assert_eq!(
            suggest_countries("Lao")[0],
            "LAO (Lao People's Democratic Republic)"
        );
        assert!(
            suggest_countries("Cambodja")
                .iter()
                .any(|s| s.starts_with("KHM "))
        );
        assert!(
            suggest_countries("Bosnia-Herzegowina")
                .iter()
                .any(|s| s.starts_with("BIH "))
        );
        assert!(
            suggest_countries("Columbia")
                .iter()
                .any(|s| s.starts_with("COL "))
        );
        // Nothing close: nothing suggested (it once said "did you mean ARM (Armenia)?").
        for far in ["Narnia", "Atlantis", "®", "Utopia"] {
            assert_eq!(suggest_countries(far), Vec::<String>::new(), "{far}");
            assert_eq!(did_you_mean(&suggest_places(far)), None, "{far}");
        }
        assert!(suggest_countries("  ").is_empty());
        assert_eq!(
            did_you_mean(&suggest_places("Cambodja")).as_deref(),
            Some("did you mean KHM (Cambodia)?")
        );
    }

    #[test]
    fn intermediate_regions_sit_in_their_sub_regions() {
        // Once refused: "unknown country or region "011"".
        for (code, name, parent) in [
            ("011", "Western Africa", "202"),
            ("014", "Eastern Africa", "202"),
            ("017", "Middle Africa", "202"),
            ("018", "Southern Africa", "202"),
            ("029", "Caribbean", "419"),
            ("013", "Central America", "419"),
            ("005", "South America", "419"),
        ] {
            let found = region(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!((found.name, found.parent), (name, Some(parent)));
            assert_eq!(region(name).map(|r| r.code), Some(code));
        }
        let ancestors: Vec<&str> = region_ancestors("011").iter().map(|r| r.code).collect();
        assert_eq!(ancestors, ["202", "002"]);
        let inside: Vec<&str> = region_descendants("002").iter().map(|r| r.code).collect();
        for code in ["015", "202", "011", "014", "017", "018"] {
            assert!(inside.contains(&code), "{inside:?}");
        }
        assert!(region_descendants("011").is_empty());
        let west: Vec<&str> = countries_in_region("011")
            .iter()
            .map(|c| c.alpha3)
            .collect();
        assert!(west.contains(&"GNB") && west.contains(&"NGA"), "{west:?}");
        assert!(!west.contains(&"KEN"));
        assert!(countries_in_region("002").iter().any(|c| c.alpha3 == "GNB"));
        let colombia = country("COL").unwrap();
        assert_eq!(
            colombia.region_codes().collect::<Vec<_>>(),
            ["005", "419", "019"]
        );
        // Regions come first, then sub-regions, then intermediate regions.
        assert_eq!(regions()[0].parent, None);
        assert!(
            regions()
                .last()
                .is_some_and(|r| r.parent == Some("202") || r.parent == Some("419"))
        );
    }

    #[test]
    fn regions_and_their_countries() {
        assert_eq!(region("035").map(|r| r.name), Some("South-eastern Asia"));
        assert_eq!(region("35").map(|r| r.code), Some("035"));
        assert_eq!(region("south-eastern asia").map(|r| r.code), Some("035"));
        assert_eq!(region("Sub Saharan Africa").map(|r| r.code), Some("202"));
        assert_eq!(region("035").and_then(|r| r.parent), Some("142"));
        assert_eq!(region("142").map(|r| r.parent), Some(None));
        assert_eq!(region("999"), None);
        assert_eq!(region(""), None);
        let names: Vec<&str> = regions().iter().take(5).map(|r| r.name).collect();
        assert_eq!(names, ["Africa", "Americas", "Asia", "Europe", "Oceania"]);
        assert!(regions()[5..].iter().all(|r| r.parent.is_some()));
        let in_sea = countries_in_region("035");
        assert!(in_sea.iter().any(|c| c.alpha3 == "LAO"));
        assert!(in_sea.iter().all(|c| c.subregion == "035"));
        assert!(countries_in_region("142").iter().any(|c| c.alpha3 == "LAO"));
        assert!(countries_in_region("150").iter().any(|c| c.alpha3 == "XKX"));
        assert!(countries_in_region("nowhere").is_empty());
        let total: usize = regions()
            .iter()
            .filter(|r| r.parent.is_none())
            .map(|r| countries_in_region(r.code).len())
            .sum();
        assert_eq!(
            total,
            countries().len() - 2,
            "all but Antarctica and Taiwan"
        );
    }

    #[test]
    fn exchange_rates() {
        assert_eq!(usd_rate("usd"), Some(1.0));
        assert_eq!(usd_rate(" USD "), Some(1.0));
        let eur = usd_rate("EUR").expect("EUR");
        assert!(0.8 < eur && eur < 1.5, "{eur}");
        assert_eq!(usd_rate("XYZ"), None);
        assert_eq!(usd_rate(""), None);
        assert_eq!(
            rates_date(),
            NaiveDate::from_ymd_opt(2025, 12, 31).expect("date")
        );
        for code in &CURRENCIES.rate_codes {
            let rate = usd_rate(code).expect("rate");
            assert!(rate.is_finite() && rate > 0.0, "{code}");
            assert_eq!(code.len(), 3);
            assert!(currency_name(code).is_some(), "{code} has no name");
        }
        // Pegs agree with each other.
        let bgn = usd_rate("BGN").expect("BGN");
        assert!((bgn * 1.95583 - eur).abs() < 0.005);
    }

    #[test]
    fn currency_names_and_suggestions() {
        assert_eq!(currency_name("eur"), Some("Euro"));
        assert_eq!(currency_name("LAK"), Some("Lao Kip"));
        assert_eq!(currency_name("XYZ"), None);
        assert_eq!(
            currency_name("ESB"),
            Some("\"A\" Account (convertible Peseta Account)")
        );
        for alias in &CURRENCIES.aliases {
            assert!(
                usd_rate(alias.code).is_some(),
                "alias to {} without a rate",
                alias.code
            );
        }
        assert_eq!(suggest_currencies("EURO")[0], "EUR (Euro)");
        assert_eq!(suggest_currencies("euros")[0], "EUR (Euro)");
        assert_eq!(suggest_currencies("€")[0], "EUR (Euro)");
        assert_eq!(suggest_currencies("$")[0], "USD (US Dollar)");
        assert_eq!(suggest_currencies("dollars")[0], "USD (US Dollar)");
        assert_eq!(suggest_currencies("£")[0], "GBP (Pound Sterling)");
        assert_eq!(suggest_currencies("¥")[0], "JPY (Yen)");
        assert_eq!(suggest_currencies("swiss franc")[0], "CHF (Swiss Franc)");
        assert_eq!(suggest_currencies("kip")[0], "LAK (Lao Kip)");
        assert_eq!(suggest_currencies("EUT")[0], "EUR (Euro)");
        assert!(suggest_currencies("dollars").len() <= 3);
        assert!(suggest_currencies("").is_empty());
    }

    #[test]
    fn dac_sectors_and_areas() {
        assert_eq!(
            dac_sector_name(15250),
            Some("Removal of land mines and explosive remnants of war")
        );
        assert_eq!(dac_sector_name(99999), None);
        assert_eq!(
            area_for_dac_sector(15250),
            Some(Area::ClearanceAndRiskEducation)
        );
        assert_eq!(area_for_dac_sector(15240), Some(Area::StockpileDestruction));
        assert_eq!(area_for_dac_sector(12191), Some(Area::VictimAssistance));
        assert_eq!(area_for_dac_sector(11110), None);
        for code in DAC.areas.keys() {
            assert!(
                dac_sector_name(*code).is_some(),
                "mapped code {code} is not a DAC sector"
            );
        }
        assert!(DAC.names.keys().all(|c| (10000..100000).contains(c)));
    }

    #[test]
    fn csv_parser_handles_quotes_comments_and_errors() {
        let text = "# date: 2025-01-01\na,b\n\"x, y\",\"say \"\"hi\"\"\"\n\nplain,\"two\nlines\"\r\n# tail\n";
        let t = Table::parse("t.csv", text).expect("parses");
        assert_eq!(t.comments, ["date: 2025-01-01", "tail"]);
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(
            t.rows,
            [vec!["x, y", "say \"hi\""], vec!["plain", "two\nlines"]]
        );
        assert!(Table::parse("t.csv", "a,b\n1\n").is_err());
        assert!(Table::parse("t.csv", "a,b\n\"1,2\n").is_err());
        assert!(Table::parse("t.csv", "a,b\n\"1\"x,2\n").is_err());
        assert!(Table::parse("t.csv", "# only a comment\n").is_err());
    }
}
