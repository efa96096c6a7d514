//! A search as a person writes it (the command line's flags, the search page's address): the
//! names of kinds, places, areas, kinds of assistance, submitter types and sorts, read into a
//! [`SearchRequest`], with an error naming the first value not understood. The one reader of
//! those names for a search: the command line and the web only choose their wording of errors.

use portal_domain::codes;
use portal_domain::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};
use portal_domain::vocabulary::UnknownValue;

use super::{Audience, Coverage, Filters, Place, SearchRequest, Sort};

/// The parts of a search as written; values are read by [`WrittenSearch::read`].
#[derive(Debug, Clone, Copy, Default)]
pub struct WrittenSearch<'a> {
    /// Keywords.
    pub text: &'a str,
    pub kinds: &'a [String],
    /// Countries (ISO alpha-3 or name) or regions (UN M49 code or name).
    pub places: &'a [String],
    pub areas: &'a [String],
    pub assistance: &'a [String],
    pub submitter_types: &'a [String],
    pub min_usd: Option<f64>,
    pub max_usd: Option<f64>,
    pub expiring_within_days: Option<u32>,
    pub renewed_within_days: Option<u32>,
    pub coverage: Coverage,
    /// A sort's name (`Sort::slug`); none for relevance.
    pub sort: Option<&'a str>,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
    /// The furthest offset that may be asked for, if any.
    pub max_offset: Option<usize>,
}

/// What in a written search cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WrittenSearchError {
    /// A kind, area, kind of assistance, submitter type or sort not known.
    #[error(transparent)]
    Unknown(#[from] UnknownValue),
    /// A country or region not known, with the places it may have meant.
    #[error("unknown country or region \"{value}\"{}", hint(suggestions))]
    UnknownPlace {
        value: String,
        suggestions: Vec<String>,
    },
    #[error("pages start at 1")]
    PageZero,
    /// Past `max_offset`.
    #[error("results are shown up to page {last_page}")]
    PastLastPage { last_page: usize },
}

fn hint(suggestions: &[String]) -> String {
    codes::did_you_mean(suggestions)
        .map(|question| format!("; {question}"))
        .unwrap_or_default()
}

impl WrittenSearch<'_> {
    /// The members' search these words describe. Places are read first, then the sort and the
    /// page, then the other filters in the order of the fields.
    pub fn read(&self) -> Result<SearchRequest, WrittenSearchError> {
        fn all<T: Vocabulary>(values: &[String]) -> Result<Vec<T>, WrittenSearchError> {
            values
                .iter()
                .map(|v| T::parse(v).map_err(WrittenSearchError::from))
                .collect()
        }
        let places = self
            .places
            .iter()
            .map(|v| {
                Place::parse(v).ok_or_else(|| WrittenSearchError::UnknownPlace {
                    value: v.clone(),
                    suggestions: codes::suggest_places(v),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let sort = match self.sort {
            Some(sort) => Sort::read(sort)?,
            None => Sort::Relevance,
        };
        if self.page == 0 {
            return Err(WrittenSearchError::PageZero);
        }
        let offset = (self.page - 1).saturating_mul(self.per_page);
        if let Some(max_offset) = self.max_offset
            && offset > max_offset
        {
            return Err(WrittenSearchError::PastLastPage {
                last_page: max_offset / self.per_page.max(1) + 1,
            });
        }
        Ok(SearchRequest {
            text: self.text.to_string(),
            filters: Filters {
                kinds: all::<Kind>(self.kinds)?,
                places,
                areas: all::<Area>(self.areas)?,
                assistance: all::<Assistance>(self.assistance)?,
                submitter_types: all::<SubmitterType>(self.submitter_types)?,
                min_usd: self.min_usd,
                max_usd: self.max_usd,
                expiring_within_days: self.expiring_within_days,
                renewed_within_days: self.renewed_within_days,
                coverage: self.coverage,
            },
            sort,
            offset,
            limit: self.per_page,
            audience: Audience::Members,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(search: WrittenSearch, expected: &str) {
        assert_eq!(search.read().unwrap_err().to_string(), expected);
    }

    #[test]
    fn what_is_not_understood_is_named_with_what_would_be() {
        let page = WrittenSearch {
            page: 1,
            per_page: 20,
            ..WrittenSearch::default()
        };
        check(
            WrittenSearch {
                sort: Some("cheapest"),
                ..page
            },
            "unknown sort \"cheapest\"; accepted: relevance, newest, expiring, amount",
        );
        let kinds = ["wish".to_string()];
        check(
            WrittenSearch {
                kinds: &kinds,
                ..page
            },
            "unknown kind \"wish\"; accepted: need, offer, project, funding-source",
        );
        check(WrittenSearch { page: 0, ..page }, "pages start at 1");
        check(
            WrittenSearch {
                page: 3,
                max_offset: Some(20),
                ..page
            },
            "results are shown up to page 2",
        );
        let request = WrittenSearch {
            sort: Some("amount"),
            page: 2,
            ..page
        }
        .read()
        .unwrap();
        assert_eq!((request.sort, request.offset), (Sort::LargestAmount, 20));
    }
}
