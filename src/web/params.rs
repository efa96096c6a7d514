//! The search URL: every part of a search lives in the query string, so any search can be
//! bookmarked and shared. Reads it (refusing unknown values with a message naming them) and
//! writes it back, with one value added or removed, for the links of the filter panel.

use crate::codes;
use crate::search::written::{WrittenSearch, WrittenSearchError};
use crate::search::{Coverage, MAX_OFFSET, SearchRequest};

/// Hits per page on the search page.
pub const PAGE_SIZE: usize = 20;
/// The longest keyword text accepted.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most filter values (kinds, countries, areas …) one search takes. Every filter link on
/// the page repeats the whole search, so without a bound a long address would make a page
/// hundreds of times its size.
pub const MAX_FILTER_VALUES: usize = 40;
/// The longest filter value accepted (the longest country name is about 50 characters).
pub const MAX_VALUE_CHARS: usize = 100;

/// A search as the URL says it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    pub q: String,
    pub kind: Vec<String>,
    pub country: Vec<String>,
    pub area: Vec<String>,
    pub assistance: Vec<String>,
    pub submitter: Vec<String>,
    pub min_usd: Option<f64>,
    pub max_usd: Option<f64>,
    pub sort: String,
    pub page: usize,
    /// Only what expires within 30 days.
    pub expiring: bool,
    /// Only what was renewed within the last 30 days.
    pub renewed: bool,
    /// With a country or region: only what is written for it, or only what is open to every
    /// country.
    pub coverage: Coverage,
}

/// A part of the URL that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadParam(pub String);

impl SearchParams {
    /// Reads the query string. Unknown keys are ignored; bad values are refused.
    pub fn parse(query: &str) -> Result<SearchParams, BadParam> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| BadParam("The address of this search is malformed.".to_string()))?;
        let mut params = SearchParams {
            page: 1,
            ..SearchParams::default()
        };
        for (key, value) in pairs {
            let value = value.trim().to_string();
            if value.is_empty() {
                continue;
            }
            let listed = matches!(
                key.as_str(),
                "kind" | "country" | "area" | "assistance" | "submitter"
            );
            if listed && value.chars().count() > MAX_VALUE_CHARS {
                return Err(BadParam(format!(
                    "A filter value is too long: at most {MAX_VALUE_CHARS} characters, please."
                )));
            }
            match key.as_str() {
                "q" => params.q = value,
                "kind" => params.kind.push(value),
                "country" => params.country.push(value),
                "area" => params.area.push(value),
                "assistance" => params.assistance.push(value),
                "submitter" => params.submitter.push(value),
                "min_usd" => params.min_usd = Some(amount("min_usd", &value)?),
                "max_usd" => params.max_usd = Some(amount("max_usd", &value)?),
                "sort" => params.sort = value,
                "expiring" => params.expiring = true,
                "renewed" => params.renewed = true,
                "coverage" => {
                    params.coverage = Coverage::parse(&value).ok_or_else(|| {
                        BadParam(format!(
                            "Unknown coverage \"{value}\"; accepted: written (written for the \
                             place), open (open to every country), any."
                        ))
                    })?;
                }
                "page" => {
                    params.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                        BadParam(format!(
                            "\"{value}\" is not a page number; pages start at 1."
                        ))
                    })?;
                }
                _ => {}
            }
        }
        let values = params.kind.len()
            + params.country.len()
            + params.area.len()
            + params.assistance.len()
            + params.submitter.len();
        if values > MAX_FILTER_VALUES {
            return Err(BadParam(format!(
                "The search has too many filters: at most {MAX_FILTER_VALUES} values, please."
            )));
        }
        if params.q.chars().count() > MAX_QUERY_CHARS {
            return Err(BadParam(format!(
                "The search text is too long: at most {MAX_QUERY_CHARS} characters, please."
            )));
        }
        Ok(params)
    }

    /// The search the parameters describe, for members.
    pub fn to_request(&self) -> Result<SearchRequest, BadParam> {
        let written = WrittenSearch {
            text: &self.q,
            kinds: &self.kind,
            places: &self.country,
            areas: &self.area,
            assistance: &self.assistance,
            submitter_types: &self.submitter,
            min_usd: self.min_usd,
            max_usd: self.max_usd,
            expiring_within_days: self.expiring.then_some(30),
            renewed_within_days: self.renewed.then_some(30),
            coverage: self.coverage,
            sort: Some(self.sort.as_str()).filter(|sort| !sort.is_empty()),
            page: self.page,
            per_page: PAGE_SIZE,
            max_offset: Some(MAX_OFFSET),
        };
        written.read().map_err(|error| {
            BadParam(match error {
                WrittenSearchError::UnknownPlace { value, suggestions } => {
                    unknown_place_sentence("country or region", &value, &suggestions)
                }
                WrittenSearchError::PastLastPage { last_page } => format!(
                    "Results are shown up to page {last_page}; narrow the search to see the rest."
                ),
                other => sentence(&other.to_string()),
            })
        })
    }

    /// The query string, without the page unless it is past the first.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        pairs.extend(self.active_filters());
        if !self.sort.is_empty() {
            pairs.push(("sort", self.sort.clone()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The address of this search (all pages) at `path`, e.g. an export.
    pub fn url_at(&self, path: &str) -> String {
        let query = SearchParams {
            page: 1,
            ..self.clone()
        }
        .to_query();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }

    /// `/search?…`
    pub fn url(&self) -> String {
        let query = self.to_query();
        if query.is_empty() {
            "/search".to_string()
        } else {
            format!("/search?{query}")
        }
    }

    /// The same search on another page.
    pub fn with_page(&self, page: usize) -> SearchParams {
        SearchParams {
            page,
            ..self.clone()
        }
    }

    /// The same search without one filter value (back on page 1).
    pub fn without(&self, key: &str, value: &str) -> SearchParams {
        let mut next = self.with_page(1);
        let drop = |values: &mut Vec<String>| values.retain(|v| v != value);
        match key {
            "kind" => drop(&mut next.kind),
            "country" => drop(&mut next.country),
            "area" => drop(&mut next.area),
            "assistance" => drop(&mut next.assistance),
            "submitter" => drop(&mut next.submitter),
            "min_usd" => next.min_usd = None,
            "expiring" => next.expiring = false,
            "renewed" => next.renewed = false,
            "coverage" => next.coverage = Coverage::Any,
            "max_usd" => next.max_usd = None,
            "q" => next.q.clear(),
            _ => {}
        }
        next
    }

    /// Every active filter, as (key, value) pairs, for "remove this filter" links.
    pub fn active_filters(&self) -> Vec<(&'static str, String)> {
        let mut active = Vec::new();
        let lists = [
            ("kind", &self.kind),
            ("country", &self.country),
            ("area", &self.area),
            ("assistance", &self.assistance),
            ("submitter", &self.submitter),
        ];
        for (key, values) in lists {
            active.extend(values.iter().map(|v| (key, v.clone())));
        }
        if let Some(min) = self.min_usd {
            active.push(("min_usd", format_amount(min)));
        }
        if let Some(max) = self.max_usd {
            active.push(("max_usd", format_amount(max)));
        }
        if self.expiring {
            active.push(("expiring", "30".to_string()));
        }
        if self.renewed {
            active.push(("renewed", "30".to_string()));
        }
        if self.coverage != Coverage::Any {
            active.push(("coverage", self.coverage.slug().to_string()));
        }
        active
    }

    /// Whether `value` is chosen under `key` (compared the way the filter reads it).
    pub fn has(&self, key: &str, value: &str) -> bool {
        let values = match key {
            "kind" => &self.kind,
            "country" => &self.country,
            "area" => &self.area,
            "assistance" => &self.assistance,
            "submitter" => &self.submitter,
            _ => return false,
        };
        values.iter().any(|v| v.eq_ignore_ascii_case(value))
    }
}

fn amount(key: &str, value: &str) -> Result<f64, BadParam> {
    value
        .replace([',', '_', ' '], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            BadParam(format!(
                "\"{value}\" is not an amount for {key}; write a number of US dollars, e.g. 250000."
            ))
        })
}

fn format_amount(value: f64) -> String {
    // Whole amounts as integers: a float written to no decimal places takes the slow, exact
    // way. Every integer this large or smaller is exact in an i64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() != 0.0 {
        value.to_string()
    } else if value.abs() <= EXACT {
        (value as i64).to_string()
    } else {
        format!("{value:.0}")
    }
}

/// Capitalises the first letter and ends with a full stop.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// `Unknown country or region "Narnia".`, with "Did you mean …?" when something is close.
pub(crate) fn unknown_place_sentence(what: &str, text: &str, suggestions: &[String]) -> String {
    let shown: String = text.chars().take(100).collect();
    let mut out = format!("Unknown {what} \"{shown}\".");
    if let Some(question) = codes::did_you_mean(suggestions) {
        out.push(' ');
        out.push_str(&sentence(&question));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::Kind;

    #[test]
    fn a_search_url_round_trips() {
        let query =
            "q=risk+education&kind=offer&kind=need&country=LAO&min_usd=100000&sort=amount&page=2";
        let params = SearchParams::parse(query).unwrap();
        assert_eq!(params.kind, ["offer", "need"]);
        assert_eq!(params.page, 2);
        assert_eq!(SearchParams::parse(&params.to_query()).unwrap(), params);
        let request = params.to_request().unwrap();
        assert_eq!(request.offset, PAGE_SIZE);
        assert_eq!(request.filters.kinds, [Kind::Offer, Kind::Need]);
    }

    #[test]
    fn unknown_values_are_named() {
        let params = SearchParams::parse("kind=wish").unwrap();
        let error = params.to_request().unwrap_err().to_string();
        assert!(error.contains("\"wish\""), "{error}");
        let error = SearchParams::parse("page=0").unwrap_err().to_string();
        assert!(error.contains("pages start at 1"), "{error}");
        let error = SearchParams::parse("min_usd=lots").unwrap_err().to_string();
        assert!(error.contains("\"lots\""), "{error}");
    }

    #[test]
    fn without_removes_one_value_and_resets_the_page() {
        let params = SearchParams::parse("kind=offer&kind=need&page=3").unwrap();
        assert_eq!(params.without("kind", "need").to_query(), "kind=offer");
    }
}
