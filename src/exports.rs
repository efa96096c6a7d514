//! What members may take away: a submission as members see it (names beside codes), written
//! as CSV (RFC 4180, safe against formula injection) or as JSON Lines, and the same record in
//! the JSON API. Pure: no I/O beyond the writer it is given.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::codes;
use crate::submission::{Submission, Vocabulary};
use crate::text;

/// A code and its English name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// An amount in its own currency and in USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
    pub usd: f64,
    /// The date of the exchange rate used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_date: Option<NaiveDate>,
}

/// A submission as members see it: what the pages show, with codes and their names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub id: String,
    pub kind: Named,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub submitter: String,
    pub submitter_type: Named,
    pub submitter_country: Option<Named>,
    pub countries: Vec<Named>,
    pub regions: Vec<Named>,
    /// Open to every country.
    pub global: bool,
    pub areas: Vec<Named>,
    pub assistance: Vec<Named>,
    pub funding: Option<Money>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub contact_name: String,
    pub contact_email: String,
    pub how_to_apply: String,
    pub links: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub renewed_at: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

fn named<V: Vocabulary>(value: V) -> Named {
    Named {
        code: value.slug().to_string(),
        name: value.label().to_string(),
    }
}

fn country(code: &str) -> Named {
    Named {
        code: code.to_string(),
        name: codes::country(code).map_or_else(|| code.to_string(), |c| c.name.to_string()),
    }
}

fn region(code: &str) -> Named {
    Named {
        code: code.to_string(),
        name: codes::region(code).map_or_else(|| code.to_string(), |r| r.name.to_string()),
    }
}

impl MemberRecord {
    pub fn of(s: &Submission) -> MemberRecord {
        MemberRecord {
            id: s.id.clone(),
            kind: named(s.kind),
            title: s.title.clone(),
            summary: s.summary.clone(),
            description: s.description.clone(),
            submitter: s.submitter.organisation.clone(),
            submitter_type: named(s.submitter.kind),
            submitter_country: s.submitter.country.as_deref().map(country),
            countries: s
                .beneficiaries
                .countries
                .iter()
                .map(|c| country(c))
                .collect(),
            regions: s.beneficiaries.regions.iter().map(|r| region(r)).collect(),
            global: s.beneficiaries.global,
            areas: s.areas.iter().map(|a| named(*a)).collect(),
            assistance: s.assistance.iter().map(|a| named(*a)).collect(),
            funding: s.funding.as_ref().map(|f| Money {
                amount: f.amount,
                currency: f.currency.clone(),
                usd: f.usd,
                rate_date: f.rate_date,
            }),
            period_start: s.period.start,
            period_end: s.period.end,
            contact_name: s.contact.name.clone(),
            contact_email: s.contact.email.clone(),
            how_to_apply: s.how_to_apply.clone(),
            links: s.links.clone(),
            published_at: s.timestamps.published_at,
            renewed_at: s.timestamps.renewed_at,
            valid_until: s.timestamps.expires_at,
        }
    }
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 32] = [
    "id",
    "kind",
    "kind_name",
    "title",
    "summary",
    "description",
    "submitter",
    "submitter_type",
    "submitter_type_name",
    "submitter_country",
    "submitter_country_name",
    "countries",
    "country_names",
    "regions",
    "region_names",
    "global",
    "areas",
    "area_names",
    "assistance",
    "assistance_names",
    "amount",
    "currency",
    "usd",
    "period_start",
    "period_end",
    "contact_name",
    "contact_email",
    "how_to_apply",
    "links",
    "published_at",
    "renewed_at",
    "valid_until",
];

/// Several values in one cell.
const LIST_SEPARATOR: &str = "; ";

/// The header line of the CSV.
pub fn csv_header() -> String {
    csv_row(CSV_COLUMNS.map(Cow::Borrowed))
}

/// One CSV line (ending in CRLF) for `record`, its cells in [`CSV_COLUMNS`] order.
pub fn csv_line(record: &MemberRecord) -> String {
    let codes = |list: &[Named]| {
        list.iter()
            .map(|n| n.code.as_str())
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR)
    };
    let names = |list: &[Named]| {
        list.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR)
    };
    let date = |d: Option<NaiveDate>| d.map(text::iso_date).unwrap_or_default();
    let time = |t: Option<DateTime<Utc>>| t.map(text::iso_moment).unwrap_or_default();
    let funding = record.funding.as_ref();
    let cells: [String; 32] = [
        record.id.clone(),
        record.kind.code.clone(),
        record.kind.name.clone(),
        record.title.clone(),
        record.summary.clone(),
        record.description.clone(),
        record.submitter.clone(),
        record.submitter_type.code.clone(),
        record.submitter_type.name.clone(),
        record
            .submitter_country
            .as_ref()
            .map(|c| c.code.clone())
            .unwrap_or_default(),
        record
            .submitter_country
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        codes(&record.countries),
        names(&record.countries),
        codes(&record.regions),
        names(&record.regions),
        record.global.to_string(),
        codes(&record.areas),
        names(&record.areas),
        codes(&record.assistance),
        names(&record.assistance),
        funding.map(|f| number(f.amount)).unwrap_or_default(),
        funding.map(|f| f.currency.clone()).unwrap_or_default(),
        funding.map(|f| number(f.usd)).unwrap_or_default(),
        date(record.period_start),
        date(record.period_end),
        record.contact_name.clone(),
        record.contact_email.clone(),
        record.how_to_apply.clone(),
        record.links.join(LIST_SEPARATOR),
        time(record.published_at),
        time(record.renewed_at),
        time(record.valid_until),
    ];
    csv_row(cells.iter().map(|cell| neutralised(cell)))
}

/// A number without exponent or needless decimals: 1200000, 1234.5.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{:.2}", x)
    }
}

/// One CSV line of `cells`, written by the `csv` crate: RFC 4180, each cell quoted only when
/// it must be (a comma, a quote or a line break in it), the line ending in CRLF.
pub(crate) fn csv_row<'a>(cells: impl IntoIterator<Item = Cow<'a, str>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; an error would leave the line empty, never wrong.
    let written = writer.write_record(cells.into_iter().map(|cell| cell.into_owned()));
    let bytes = match (written, writer.into_inner()) {
        (Ok(()), Ok(bytes)) => bytes,
        _ => Vec::new(),
    };
    // Every cell was a `str`, and the writer adds only ASCII.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading apostrophe, which spreadsheets show as text.
pub(crate) fn neutralised(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// One JSON Lines line for `record`.
pub fn json_line(record: &MemberRecord) -> String {
    // A struct of strings, numbers and dates always serialises.
    let mut line = serde_json::to_string(record).unwrap_or_default();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cell` between two plain cells, as `csv_line` writes it, is `expected` on the line.
    fn check(cell: &str, expected: &str) {
        let line = csv_row(["a", cell, "b"].map(neutralised));
        assert_eq!(line, format!("a,{expected},b\r\n"), "{cell:?}");
    }

    #[test]
    fn cells_are_quoted_only_when_needed() {
        check("plain", "plain");
        check("a, b", "\"a, b\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("two\nlines", "\"two\nlines\"");
        check("", "");
    }

    #[test]
    fn the_header_is_the_columns_unquoted() {
        assert_eq!(csv_header(), format!("{}\r\n", CSV_COLUMNS.join(",")));
    }

    #[test]
    fn formulas_are_neutralised() {
        for (cell, expected) in [
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTAB", "'\tTAB"),
            ("\rCR", "\"'\rCR\""),
            ("a=b", "a=b"),
        ] {
            check(cell, expected);
        }
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(number(1_200_000.0), "1200000");
        assert_eq!(number(1234.5), "1234.50");
        assert_eq!(number(0.0), "0");
    }
}
