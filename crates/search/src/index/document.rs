//! What the index holds of a submission: the schema and its fields, and the
//! document of each submission (its texts, and its values as numbers: places, serials, dates).

use crate::activities::Work;
use crate::negation::affirmed;
use chrono::{Datelike, NaiveDate};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use portal_domain::codes;
use portal_domain::submission::{Kind, Status, Submission, Vocabulary, format_id, parse_id};

use super::TOKENIZER;

/// The `place` value that stands for "every country".
pub const GLOBAL_PLACE: u64 = 9_999;
/// `place` values from here on are UN M49 regions: `REGION_BASE + code`.
pub const REGION_BASE: u64 = 1_000;

/// The indexed fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// The texts a keyword may match, each in a field of its own so that each weighs as it
    /// should (a word of the title more than one of the description, the submitter's name
    /// least: names are not topics) and no phrase spans two.
    pub title: Field,
    pub summary: Field,
    /// The description and how to apply.
    pub body: Field,
    /// The submitter's organisation.
    pub organisation: Field,
    pub kind: Field,
    pub status: Field,
    /// Countries (ordinal in the code list), regions (`REGION_BASE + M49`) and `GLOBAL_PLACE`.
    pub place: Field,
    pub area: Field,
    pub assistance: Field,
    pub submitter_type: Field,
    pub usd: Field,
    /// Unix seconds; `published`, or `received` when never published.
    pub published: Field,
    /// Unix seconds; `i64::MAX` when it never expires.
    pub expires: Field,
    /// Unix seconds of the last renewal; absent when never renewed.
    pub renewed: Field,
    /// A number unique to each submission, from its id: breaks ties in sorted results so that
    /// pages are stable, also across rebuilds.
    pub serial: Field,
    /// A project's last day (days from the Common Era, [`period_end`]); `i64::MAX` when
    /// open-ended: tells an ongoing project without reading it. Absent for other kinds.
    pub ends: Field,
    /// What the texts name of the activities inside the areas ([`Work`]), as bits: the
    /// title and summary's, the description and how to apply's, the whole areas the title
    /// and summary name.
    pub work_headline: Field,
    pub work_body: Field,
    pub work_areas: Field,
}

/// Field names, as used with fast-field collectors.
pub mod names {
    pub const KIND: &str = "kind";
    pub const STATUS: &str = "status";
    pub const RENEWED: &str = "renewed";
    pub const PLACE: &str = "place";
    pub const AREA: &str = "area";
    pub const ASSISTANCE: &str = "assistance";
    pub const SUBMITTER_TYPE: &str = "submitter_type";
    pub const USD: &str = "usd";
    pub const PUBLISHED: &str = "published";
    pub const EXPIRES: &str = "expires";
    pub const SERIAL: &str = "serial";
    pub const WORK_HEADLINE: &str = "work_headline";
    pub const WORK_BODY: &str = "work_body";
    pub const WORK_AREAS: &str = "work_areas";
    pub const ENDS: &str = "ends";
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Searches filter and count on the value table (`index/table.rs`), read from the fast
    // fields; only matching looks up terms (kind, area, place), and the clean-up the status.
    // Range queries on a fast field read the column, so a field only ranged over needs no
    // terms: each distinct value would be one more term to index (an expiry second, a
    // renewal second: most of the index's terms).
    let term = || INDEXED | FAST;
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text.clone()),
        organisation: builder.add_text_field("organisation", text),
        kind: builder.add_u64_field(names::KIND, term()),
        status: builder.add_u64_field(names::STATUS, term()),
        place: builder.add_u64_field(names::PLACE, term()),
        area: builder.add_u64_field(names::AREA, term()),
        assistance: builder.add_u64_field(names::ASSISTANCE, FAST),
        submitter_type: builder.add_u64_field(names::SUBMITTER_TYPE, FAST),
        usd: builder.add_f64_field(names::USD, FAST),
        published: builder.add_i64_field(names::PUBLISHED, FAST),
        expires: builder.add_i64_field(names::EXPIRES, FAST),
        renewed: builder.add_i64_field(names::RENEWED, FAST),
        serial: builder.add_u64_field(names::SERIAL, FAST),
        work_headline: builder.add_u64_field(names::WORK_HEADLINE, FAST),
        work_body: builder.add_u64_field(names::WORK_BODY, FAST),
        work_areas: builder.add_u64_field(names::WORK_AREAS, FAST),
        ends: builder.add_i64_field(names::ENDS, FAST),
    };
    (builder.build(), fields)
}

/// Whether a submission belongs in the index: archived ones (expired and moved out by the
/// clean-up) do not; admins find them in the archive, read from the store.
pub fn is_indexed(submission: &Submission) -> bool {
    submission.status != Status::Expired
}

/// The index document of one submission.
pub fn document(fields: &Fields, submission: &Submission) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.id, &submission.id);
    doc.add_text(fields.title, &submission.title);
    // What a text says it does not do ("does not fund victim assistance") is no topic of it.
    doc.add_text(fields.summary, affirmed(&submission.summary));
    doc.add_text(fields.body, affirmed(&submission.description));
    if !submission.how_to_apply.is_empty() {
        doc.add_text(fields.body, affirmed(&submission.how_to_apply));
    }
    doc.add_text(fields.organisation, &submission.submitter.organisation);
    doc.add_u64(fields.kind, submission.kind.ordinal());
    doc.add_u64(fields.status, submission.status.ordinal());
    for place in places(submission) {
        doc.add_u64(fields.place, place);
    }
    for area in &submission.areas {
        doc.add_u64(fields.area, area.ordinal());
    }
    for assistance in &submission.assistance {
        doc.add_u64(fields.assistance, assistance.ordinal());
    }
    doc.add_u64(fields.submitter_type, submission.submitter.kind.ordinal());
    if let Some(usd) = submission.usd() {
        doc.add_f64(fields.usd, usd);
    }
    let timestamps = &submission.timestamps;
    let published = timestamps.published_at.unwrap_or(timestamps.received_at);
    doc.add_i64(fields.published, published.timestamp());
    doc.add_i64(
        fields.expires,
        timestamps.expires_at.map_or(i64::MAX, |t| t.timestamp()),
    );
    if let Some(renewed) = timestamps.renewed_at {
        doc.add_i64(fields.renewed, renewed.timestamp());
    }
    doc.add_u64(fields.serial, serial(&submission.id));
    let work = Work::of(submission);
    doc.add_u64(fields.work_headline, work.headline.bits());
    doc.add_u64(fields.work_body, work.body.bits());
    doc.add_u64(fields.work_areas, work.areas.bits());
    // Only the country page asks, and only of projects.
    if submission.kind == Kind::Project {
        doc.add_i64(fields.ends, period_end(submission.period.end));
    }
    doc
}

/// The `ends` value of a period's last day: days from the Common Era, `i64::MAX` for none.
pub fn period_end(end: Option<NaiveDate>) -> i64 {
    end.map_or(i64::MAX, |day| i64::from(day.num_days_from_ce()))
}

/// A number unique to each id in the portal's own form (`NEED-2026-0042`): kind, year and
/// number packed together, so that [`id_of_serial`] gives the id back without reading the
/// document. `u64::MAX` for any other id.
pub fn serial(id: &str) -> u64 {
    match parse_id(id) {
        Some((kind, year, number)) if is_formatted(id) => {
            (kind.ordinal() << 56) | (u64::from(year.unsigned_abs()) << 32) | u64::from(number)
        }
        _ => u64::MAX,
    }
}

/// Whether an id that [`parse_id`] reads is written exactly as [`format_id`] writes it (no
/// sign, a year of four digits, no zero in front of a number of more than four), checked
/// without writing the id out again: this runs for every submission indexed.
fn is_formatted(id: &str) -> bool {
    let mut parts = id.split('-').skip(1);
    let (Some(year), Some(number)) = (parts.next(), parts.next()) else {
        return false;
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4
        && digits(year)
        && digits(number)
        && (number.len() == 4 || !number.starts_with('0'))
}

/// The id a [`serial`] was made from; `None` for `u64::MAX` (an id of another form).
pub fn id_of_serial(serial: u64) -> Option<String> {
    let kind = *Kind::ALL.get(usize::try_from(serial >> 56).ok()?)?;
    let year = i32::try_from((serial >> 32) & 0xFF_FFFF).ok()?;
    let number = serial as u32;
    Some(format_id(kind, year, number))
}

/// The `place` values of a submission: its countries, its regions and whether it is global.
pub fn places(submission: &Submission) -> Vec<u64> {
    let beneficiaries = &submission.beneficiaries;
    let mut places: Vec<u64> = beneficiaries
        .countries
        .iter()
        .filter_map(|c| codes::country_ordinal(c))
        .collect();
    places.extend(beneficiaries.regions.iter().filter_map(|r| region_place(r)));
    if beneficiaries.global {
        places.push(GLOBAL_PLACE);
    }
    places
}

/// The `place` value of a UN M49 region code.
pub fn region_place(code: &str) -> Option<u64> {
    let region = codes::region(code)?;
    region.code.parse::<u64>().ok().map(|n| REGION_BASE + n)
}
