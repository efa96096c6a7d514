//! A benchmark query for every peer: the same filters, counts and facets the portal computes,
//! written once as conditions, which the SQL peers read as plain SQL and Xapian as boolean
//! terms and value ranges; each engine supplies its own text match and ranking.

use portal_corpus::{BenchQuery, QueryClass};
use portal::index::GLOBAL_PLACE;
use portal::search::{Place, Sort};
use portal::submission::{Kind, Status, Submission, Vocabulary};
use serde::Serialize;

/// What the text must match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Text {
    /// Browse: no text.
    None,
    /// Every word, anywhere (title, summary, description, submitter).
    All(Vec<String>),
    /// Two adjacent words.
    Phrase(String, String),
    /// Any of the words, in title, summary or description (matching).
    Any(Vec<String>),
}

/// A filter dimension: facets leave out the filter of their own dimension, as the portal does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dimension {
    Kind,
    Place,
    Area,
    Assistance,
    SubmitterType,
    Funding,
    /// Visibility and matching's own conditions: never left out.
    Fixed,
}

pub const FACETS: [Dimension; 6] = [
    Dimension::Kind,
    Dimension::Place,
    Dimension::Area,
    Dimension::Assistance,
    Dimension::SubmitterType,
    Dimension::Funding,
];

/// One condition on a submission, engine-neutral.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// Has this status and expires after `now`.
    Visible { status: u64, now: i64 },
    /// One of these kinds.
    Kind { values: Vec<u64> },
    /// Carries one of these `place` values.
    Place { values: Vec<u64> },
    /// One of these areas.
    Area { values: Vec<u64> },
    /// States an amount, within the bounds (USD).
    Usd { min: Option<f64>, max: Option<f64> },
    /// States no amount, or at least this many USD (matching).
    NoUsdOrAtLeast { min: f64 },
}

impl Condition {
    /// The condition as SQL on `d` (the docs table) and the side tables.
    pub fn sql(&self) -> String {
        match self {
            Condition::Visible { status, now } => {
                format!("d.status = {status} AND d.expires > {now}")
            }
            Condition::Kind { values } if values.len() == 1 => format!("d.kind = {}", values[0]),
            Condition::Kind { values } => format!("d.kind IN ({})", list(values.iter().copied())),
            Condition::Place { values } => place_exists(values),
            Condition::Area { values } => area_exists(values),
            Condition::Usd { min, max } => {
                let mut condition = "d.has_funding = 1".to_string();
                if let Some(min) = min {
                    condition.push_str(&format!(" AND d.usd >= {min:.1}"));
                }
                if let Some(max) = max {
                    condition.push_str(&format!(" AND d.usd <= {max:.1}"));
                }
                condition
            }
            Condition::NoUsdOrAtLeast { min } => {
                format!("(d.has_funding = 0 OR d.usd >= {min:.4})")
            }
        }
    }
}

/// One query, engine-neutral, with what the peer must return.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub text: Text,
    /// The conditions, by dimension.
    pub filters: Vec<(Dimension, Condition)>,
    /// Relevance (when there is text) or newest first.
    pub by_relevance: bool,
    pub offset: usize,
    pub limit: usize,
    /// Count every hit.
    pub count: bool,
    /// Count every facet.
    pub facets: bool,
    /// Read and decode the stored records of the hits.
    pub records: bool,
}

fn list(values: impl IntoIterator<Item = u64>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Plan {
    /// The plan of `query`; `need` is the need of a matching query (validated, as stored).
    pub fn new(query: &BenchQuery, now: i64, need: Option<&Submission>) -> Plan {
        let mut filters = vec![(
            Dimension::Fixed,
            Condition::Visible {
                status: Status::Published.ordinal(),
                now,
            },
        )];
        if let Some(kind) = query.kind {
            let values = vec![kind.ordinal()];
            filters.push((Dimension::Kind, Condition::Kind { values }));
        }
        if let Some(place) = query.country.and_then(Place::parse) {
            let values = place.covering_values();
            filters.push((Dimension::Place, Condition::Place { values }));
        }
        if let Some(area) = query.area {
            let values = vec![area.ordinal()];
            filters.push((Dimension::Area, Condition::Area { values }));
        }
        if query.min_usd.is_some() || query.max_usd.is_some() {
            let (min, max) = (query.min_usd, query.max_usd);
            filters.push((Dimension::Funding, Condition::Usd { min, max }));
        }
        let mut text = if let Some((a, b)) = &query.phrase {
            Text::Phrase(a.clone(), b.clone())
        } else if query.words.is_empty() {
            Text::None
        } else {
            Text::All(query.words.clone())
        };
        if let (QueryClass::Matching, Some(need)) = (query.class, need) {
            matching_filters(need, &mut filters);
            text = Text::Any(portal::matching::topic_words(need));
        }
        let by_relevance = text != Text::None && query.sort == Sort::Relevance;
        Plan {
            text,
            filters,
            by_relevance,
            offset: query.offset,
            limit: query.limit,
            count: query.class != QueryClass::Matching,
            facets: matches!(query.class, QueryClass::Browse | QueryClass::WholePage),
            records: query.class == QueryClass::WholePage,
        }
    }

    /// The conditions as SQL, leaving out `except`'s own.
    pub fn conditions(&self, except: Option<Dimension>) -> String {
        self.filters
            .iter()
            .filter(|(d, _)| Some(*d) != except)
            .map(|(_, c)| c.sql())
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

fn place_exists(values: &[u64]) -> String {
    format!(
        "EXISTS (SELECT 1 FROM doc_place p WHERE p.doc = d.id AND p.place IN ({}))",
        list(values.iter().copied())
    )
}

fn area_exists(values: &[u64]) -> String {
    format!(
        "EXISTS (SELECT 1 FROM doc_area a WHERE a.doc = d.id AND a.area IN ({}))",
        list(values.iter().copied())
    )
}

/// The portal's matching filters for a need: offers and funding sources sharing an area,
/// covering one of its places (or everywhere), offering at least a tenth of its amount or no
/// amount.
fn matching_filters(need: &Submission, filters: &mut Vec<(Dimension, Condition)>) {
    let values = vec![Kind::Offer.ordinal(), Kind::FundingSource.ordinal()];
    filters.push((Dimension::Fixed, Condition::Kind { values }));
    let values: Vec<u64> = need.areas.iter().map(|a| a.ordinal()).collect();
    filters.push((Dimension::Fixed, Condition::Area { values }));
    let mut places: Vec<u64> = need
        .beneficiaries
        .countries
        .iter()
        .chain(&need.beneficiaries.regions)
        .filter_map(|c| Place::parse(c))
        .flat_map(|p| p.covering_values())
        .collect();
    places.push(GLOBAL_PLACE);
    places.sort_unstable();
    places.dedup();
    filters.push((Dimension::Fixed, Condition::Place { values: places }));
    if let Some(usd) = need.usd().filter(|u| *u > 0.0) {
        let min = usd * 0.1;
        filters.push((Dimension::Fixed, Condition::NoUsdOrAtLeast { min }));
    }
}

/// The funding band of an amount, as the facet groups it (4: no amount).
pub fn funding_band(usd: Option<f64>) -> u64 {
    match usd {
        None => 4,
        Some(u) if u < 100_000.0 => 0,
        Some(u) if u < 1_000_000.0 => 1,
        Some(u) if u < 10_000_000.0 => 2,
        Some(_) => 3,
    }
}

/// How a facet dimension is grouped: the join it needs and the grouped expression (the
/// funding band's CASE is `funding_band`).
pub fn facet_group(dimension: Dimension) -> (&'static str, &'static str) {
    match dimension {
        Dimension::Kind => ("", "d.kind"),
        Dimension::Place => (" JOIN doc_place fp ON fp.doc = d.id", "fp.place"),
        Dimension::Area => (" JOIN doc_area fa ON fa.doc = d.id", "fa.area"),
        Dimension::Assistance => (" JOIN doc_assistance fs ON fs.doc = d.id", "fs.assistance"),
        Dimension::SubmitterType => ("", "d.submitter_type"),
        Dimension::Funding | Dimension::Fixed => (
            "",
            "CASE WHEN d.has_funding = 0 THEN 4 WHEN d.usd < 100000 THEN 0 \
             WHEN d.usd < 1000000 THEN 1 WHEN d.usd < 10000000 THEN 2 ELSE 3 END",
        ),
    }
}

/// The flat row of one submission, for both peers.
pub struct Row<'a> {
    pub id: i64,
    pub submission: &'a Submission,
    pub record: String,
}

impl Row<'_> {
    pub fn kind(&self) -> i64 {
        self.submission.kind.ordinal() as i64
    }
    pub fn status(&self) -> i64 {
        self.submission.status.ordinal() as i64
    }
    pub fn submitter_type(&self) -> i64 {
        self.submission.submitter.kind.ordinal() as i64
    }
    pub fn usd(&self) -> Option<f64> {
        self.submission.usd()
    }
    pub fn published(&self) -> i64 {
        let t = &self.submission.timestamps;
        t.published_at.unwrap_or(t.received_at).timestamp()
    }
    pub fn expires(&self) -> i64 {
        self.submission
            .timestamps
            .expires_at
            .map_or(i64::MAX, |t| t.timestamp())
    }
    pub fn places(&self) -> Vec<i64> {
        portal::index::places(self.submission)
            .into_iter()
            .map(|p| p as i64)
            .collect()
    }
    pub fn areas(&self) -> Vec<i64> {
        self.submission
            .areas
            .iter()
            .map(|a| a.ordinal() as i64)
            .collect()
    }
    pub fn assistance(&self) -> Vec<i64> {
        self.submission
            .assistance
            .iter()
            .map(|a| a.ordinal() as i64)
            .collect()
    }
}

/// The tables and B-tree indexes both peers share (the text index is each engine's own).
pub const SCHEMA: &str = "
CREATE TABLE docs (
    id BIGINT PRIMARY KEY,
    kind BIGINT NOT NULL,
    status BIGINT NOT NULL,
    submitter_type BIGINT NOT NULL,
    usd DOUBLE PRECISION,
    has_funding BIGINT NOT NULL,
    published BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL,
    submitter TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE doc_place (place BIGINT NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (place, doc));
CREATE TABLE doc_area (area BIGINT NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (area, doc));
CREATE TABLE doc_assistance (assistance BIGINT NOT NULL, doc BIGINT NOT NULL,
    PRIMARY KEY (assistance, doc));
";

/// Built after the load: covering indexes for visibility, filters, sorting and facets.
pub const INDEXES: &str = "
CREATE INDEX docs_visible ON docs (status, expires, kind, published, usd, has_funding, submitter_type);
CREATE INDEX docs_kind ON docs (kind, status, expires, published);
CREATE INDEX docs_published ON docs (published, status, expires);
CREATE INDEX doc_place_doc ON doc_place (doc, place);
CREATE INDEX doc_area_doc ON doc_area (doc, area);
CREATE INDEX doc_assistance_doc ON doc_assistance (doc, assistance);
";
