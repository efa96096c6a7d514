//! IATI activity XML (standard versions 1.0x and 2.0x) read into `project` submissions.
//!
//! This module owns the reading of one IATI file: finding every `<iati-activity>` in it, whatever
//! wraps it, and mapping each onto a [`Submission`] with notes for the reviewer. It must not store,
//! validate or date anything: the caller validates, sets the timestamps and decides, by
//! iati-identifier and `last-updated-datetime`, whether an activity is new, newer or a duplicate.
//!
//! # What is read, and how
//!
//! Both versions are read by one set of rules, element by element, because real files mix them
//! (even within one file): a text is the element's `<narrative>` children (2.0x) or, when it has
//! none, its own text (1.0x); every code list is read in both spellings (`2` or `C` for a
//! commitment, `1` or `Funding` for a role, `2` or `start-actual` for a date).
//!
//! - **Where activities are**: every `<iati-activity>` element anywhere in the document, in
//!   document order: under `<iati-activities>`, under a Datastore `<result>`, or as the root.
//!   Registry-record headers, `<query>` and `<ok>` are simply not looked at. Only an activity's
//!   direct children are read, so a `<title>` inside a `<document-link>` or `<result>` is not
//!   taken for the activity's title.
//! - **Language**: a text's language is the nearest `xml:lang` on it or above it (XML
//!   inheritance, so a 2.0x activity's default language applies to its narratives). Any attribute
//!   named `lang` counts, because some files declare a prefix bound to the URI "xml" instead of
//!   using `xml:lang`. English is `en`, `eng` or `en-…` in any case. A text with no language at
//!   all is taken as English (most such files are); a text in another language is used only when
//!   there is no English or unstated one, with a note ("title only in French").
//! - **Refused** (an [`ActivityProblem`]): no iati-identifier; no title in any language; a
//!   reporting organisation with neither a name nor a ref. Everything else is read as well as it
//!   can be, and every guess or gap is a note.
//! - **title**: the first English narrative. **summary**: the first English description, type 1
//!   (general) preferred, cut to about 300 characters at a word boundary. **description**: every
//!   English description (duplicates once), then a line naming the participating organisations
//!   by role ("Participating organisations: Funding: X; Implementing: Y"), so that they can be
//!   searched without a field of their own. Whitespace is trimmed and runs collapsed.
//! - **submitter**: the reporting organisation's name (its ref, with a note, when it has no
//!   name), also when it is a secondary reporter publishing for others (noted). Its type from
//!   the IATI OrganisationType code (or its name, in 1.0x files): NGOs (21–24) → NGO,
//!   multilateral (40) → international organisation, everything else → other.
//!   Governments (10, 11, 15) are "other" too, with a note: IATI does not say whether a state is
//!   a State Party or Signatory. The country comes only from an organisation identifier that
//!   starts with an ISO 3166 alpha-2 prefix ("GB-1", "SE-6", "NZ-1"; not XM, XI or other X…
//!   codes, which are not countries); it is the country of registration.
//! - **beneficiaries**: recipient countries (ISO alpha-2 → alpha-3; unknown codes noted and
//!   skipped); recipient regions of the DAC vocabulary (1, or none given) through
//!   `data/codes/iati-regions.csv` to UN M49 codes (approximate ones noted); regions of vocabulary
//!   2 (UN M49) directly; other vocabularies are ignored with a note. Region 998 "Developing
//!   countries, unspecified" (formerly "Bilateral, unspecified") names no place: alone it makes the
//!   activity global, next to countries or regions it is ignored. An activity with no usable
//!   country or region is shown as global, with a note, rather than refused: it still tells a
//!   reader what was done.
//! - **areas**: DAC 5-digit sectors (vocabulary 1, `DAC` or none; those on transactions when the
//!   activity has none) that [`codes::dac_sector_name`] knows go into `dac_sectors`, and through
//!   [`codes::area_for_dac_sector`] into areas. Other vocabularies (DAC 3-digit included) are
//!   ignored with a note. When no sector gives an area, the area is international cooperation and
//!   assistance (a project shared as experience is cooperation), with a note.
//! - **funding**: the sum of the budgets, taking for each period (same start and end) the revised
//!   budgets when there are any, else the original or untyped ones (real files give revised
//!   budgets for some years and originals for others, so "revised if any, else original" over the
//!   whole activity would drop years). When there is no usable budget: the sum of commitment
//!   transactions, with a note. A value's currency is its `@currency`, else the activity's
//!   `default-currency`. One currency: the amount in it. Several: each converted to USD with
//!   [`codes::usd_rate`] and the sum given in USD, with a note. A zero or negative total, a value
//!   without any currency, or a currency the rate table lacks gives no amount, with a note naming
//!   the reason. Empty or unreadable values are skipped with a note. Disbursements and expenditures
//!   are never taken for the amount (they are money spent, not the size of the project); when
//!   they are all there is, the note says so. An amount over USD 10 billion is kept but noted as
//!   suspect (a real file states JPY as USD). `usd` and `rate_date` are left for
//!   [`Submission::validate`]. **assistance** is financial when a budget or commitment has a
//!   non-zero value.
//! - **period**: start from the actual start date, else the planned one; end likewise. A date
//!   is `@iso-date`, else the element's text; anything after the `YYYY-MM-DD` (a time) is
//!   ignored; other texts, and placeholder dates before 1960 ("1900-01-01"), are ignored with a
//!   note. An end before the start is dropped with a note.
//! - **contact**: the first `<contact-info>`: person name (with the organisation in brackets) or
//!   organisation, e-mail (when it looks like one; a web address given as the e-mail becomes a
//!   link), telephone. **links**: `activity-website` and `document-link/@url`, http(s) only, at
//!   most five. **how_to_apply** stays empty.
//! - **last_updated**: `@last-updated-datetime` (RFC 3339; without a zone it is read as UTC; a
//!   bare date as midnight UTC).
//! - **notes** that repeat are given once, counted ("… (3×)").
//!
//! The file is read whole (IATI files are at most a few MB). Text is UTF-8 (a byte-order mark is
//! dropped), UTF-16 with a byte-order mark, or ISO-8859-1/windows-1252 when the XML declaration
//! says so. Nothing here panics on any input.

/// Contact and links.
mod contact;
/// The activity's period and its last-updated time.
mod dates;
/// The file: bytes to text, limits checked before the XML reader, XML errors as the ISU should
/// read them.
mod file;
/// The amount: budgets, else commitments, in one currency or in USD.
mod funding;
/// Recipient countries and regions (`data/codes/iati-regions.csv`).
mod places;
/// Sectors: DAC codes and areas of work.
mod sectors;
/// The submitter, from the reporting organisation.
mod submitter;
/// Texts and their languages: title, summary, description, participating organisations.
mod texts;
/// Small helpers for reading the XML tree.
mod xml;

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use roxmltree::{Document, Node, ParsingOptions};

use portal_domain::submission::{
    Assistance, Kind, Provenance, Source, Status, Submission, Timestamps,
};

use contact::{contact, links};
use dates::{last_updated, period};
use file::{check_attribute_counts, decode, root_name, xml_error};
use funding::funding;
use places::places;
use sectors::sectors;
use submitter::submitter;
use texts::{descriptions, participants, title};
use xml::{child, clean, is, own_text, push_new};

/// How many links an activity keeps at most.
const MAX_LINKS: usize = 5;

/// The most attributes one element may have. IATI elements have a handful; the XML reader
/// checks every pair of an element's attributes for duplicates, so an element with hundreds of
/// thousands of them would take minutes of processor time.
pub const MAX_ATTRIBUTES_PER_ELEMENT: usize = 256;
/// The most nodes (elements, texts, comments) a file may have: far more than the largest file
/// `portal import` takes (256 MiB) holds in practice, and a bound on the memory a file can use.
pub(crate) const MAX_NODES: u32 = 20_000_000;

/// One activity read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// A project submission: kind Project, status Pending, empty id, provenance.source =
    /// Source::Iati with iati_identifier set; timestamps default (the caller sets them); NOT yet
    /// validated (the caller calls validate()).
    pub submission: Submission,
    /// The activity's last-updated-datetime, when given: a newer one updates an earlier import.
    pub last_updated: Option<DateTime<Utc>>,
    /// What a reviewer should know: "no budget: amount from commitments", "no budget or
    /// commitment: no amount", "2 recipient countries without percentage", "sector vocabulary 99
    /// ignored", "title only in French" …
    pub notes: Vec<String>,
}

/// An activity element that could not be read as a submission, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityProblem {
    /// The activity's iati-identifier, when it has one.
    pub identifier: Option<String>,
    /// 1-based index of the activity in the file.
    pub position: usize,
    /// Why it was refused, e.g. "no title in any language".
    pub reason: String,
}

impl fmt::Display for ActivityProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.identifier {
            Some(id) => write!(f, "activity {} ({id}): {}", self.position, self.reason),
            None => write!(f, "activity {}: {}", self.position, self.reason),
        }
    }
}

/// What one file gave: every activity element found, each read or refused with a reason (e.g.
/// "no iati-identifier", "no title in any language"). Err only when the file is not readable XML
/// at all or holds no iati-activity element: the message names the file problem (with line and
/// column) so the ISU can act.
pub fn parse_file(bytes: &[u8]) -> Result<Vec<Result<Activity, ActivityProblem>>, String> {
    let text = decode(bytes)?;
    check_attribute_counts(&text)?;
    let options = ParsingOptions {
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let document =
        Document::parse_with_options(&text, options).map_err(|error| xml_error(&text, &error))?;
    let activities: Vec<Node> = document
        .descendants()
        .filter(|node| is(*node, "iati-activity"))
        .collect();
    if activities.is_empty() {
        return Err(format!(
            "no <iati-activity> element: the root element is <{}>, so this is not an IATI activity file",
            document.root_element().tag_name().name()
        ));
    }
    Ok(activities
        .into_iter()
        .enumerate()
        .map(|(index, node)| activity(node, index + 1))
        .collect())
}

/// Whether the bytes look like IATI XML: an `<iati-activities>`, `<iati-activity>` or Datastore
/// `<result>` root (one that holds an iati-activity somewhere) after the prolog and comments.
pub fn looks_like_iati(bytes: &[u8]) -> bool {
    let Ok(text) = decode(bytes) else {
        return false;
    };
    match root_name(&text) {
        Some("iati-activities" | "iati-activity") => true,
        Some("result") => text.contains("<iati-activit"),
        _ => false,
    }
}

/// Reads one `<iati-activity>` element.
fn activity(node: Node, position: usize) -> Result<Activity, ActivityProblem> {
    let identifier = child(node, "iati-identifier")
        .map(|n| clean(&own_text(n)))
        .filter(|id| !id.is_empty());
    let refuse = |reason: &str| ActivityProblem {
        identifier: identifier.clone(),
        position,
        reason: reason.to_string(),
    };
    let Some(iati_identifier) = identifier.clone() else {
        return Err(refuse("no iati-identifier"));
    };
    let mut notes = Vec::new();
    let Some(title) = title(node, &mut notes) else {
        return Err(refuse("no title in any language"));
    };
    let Some(submitter) = submitter(node, &mut notes) else {
        return Err(refuse(
            "no reporting organisation: reporting-org has no name and no ref",
        ));
    };
    let (summary, mut description) = descriptions(node, &mut notes);
    if let Some(line) = participants(node) {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&line);
    }
    let beneficiaries = places(node, &mut notes);
    let (areas, dac_sectors) = sectors(node, &mut notes);
    let money = funding(node, &mut notes);
    let assistance = if money.seen {
        vec![Assistance::Financial]
    } else {
        Vec::new()
    };
    let period = period(node, &mut notes);
    let (contact, contact_page) = contact(node, &mut notes);
    let mut links = links(node);
    if let Some(url) = contact_page {
        if links.len() < MAX_LINKS {
            notes.push(format!(
                "contact e-mail \"{url}\" is a web address: kept among the links"
            ));
            push_new(&mut links, url);
        } else {
            notes.push(format!(
                "contact e-mail \"{url}\" is a web address: left out"
            ));
        }
    }
    let last_updated = last_updated(node, &mut notes);

    let submission = Submission {
        id: String::new(),
        kind: Kind::Project,
        status: Status::Pending,
        version: 1,
        submitter,
        title,
        summary,
        description,
        beneficiaries,
        areas,
        dac_sectors,
        assistance,
        funding: money.funding,
        period,
        contact,
        how_to_apply: String::new(),
        links,
        status_note: None,
        timestamps: Timestamps::default(),
        provenance: Provenance {
            source: Source::Iati,
            iati_identifier: Some(iati_identifier),
            ..Provenance::default()
        },
    };
    Ok(Activity {
        submission,
        last_updated,
        notes: counted(notes),
    })
}

/// The notes with repeats folded into one, counted: "a budget with an empty value: skipped (3×)".
fn counted(notes: Vec<String>) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for note in &notes {
        *counts.entry(note.clone()).or_default() += 1;
    }
    let mut out = Vec::new();
    for note in notes {
        match counts.remove(&note) {
            Some(1) => out.push(note),
            Some(n) => out.push(format!("{note} ({n}×)")),
            None => {}
        }
    }
    out
}

/// What the tests of every part share.
#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn v1_activity() {
        let xml = r#"<?xml version="1.0"?>
<iati-activities version="1.01">
  <iati-activity xml:lang="en" default-currency="GBP" hierarchy="1" last-updated-datetime="2013-02-06T14:02:14+00:00">
    <reporting-org ref="GB-CHC-285908" type="21">World Vision UK</reporting-org>
    <iati-identifier>GB-CHC-285908-1</iati-identifier>
    <title xml:lang="sv">Minröjning</title>
    <title xml:lang="en">  DRC   De-mining
       Programme </title>
    <description type="General">Clearing mines.</description>
    <participating-org role="Funding" ref="GB-1">DFID</participating-org>
    <participating-org role="implementing">MAG</participating-org>
    <recipient-country code="CD">Congo, DR</recipient-country>
    <sector vocabulary="DAC" code="15250">Land mine clearance</sector>
    <activity-date type="start-planned" iso-date="2010-01-01"/>
    <activity-date type="start-actual" iso-date="2010-03-01"/>
    <activity-date type="end-planned">2012-12-31</activity-date>
    <transaction><transaction-type code="C">Commitment</transaction-type><value>1000</value></transaction>
    <transaction><transaction-type code="D">Disbursement</transaction-type><value>400</value></transaction>
    <contact-info><person-name>Jo Bloggs</person-name><email>jo@example.org</email></contact-info>
    <activity-website>http://www.example.org/drc</activity-website>
  </iati-activity>
</iati-activities>"#;
        let mut a = one(xml);
        let s = &a.submission;
        assert_eq!(s.title, "DRC De-mining Programme");
        assert_eq!(s.submitter.organisation, "World Vision UK");
        assert_eq!(s.submitter.kind, SubmitterType::Ngo);
        assert_eq!(s.submitter.country.as_deref(), Some("GBR"));
        assert_eq!(s.beneficiaries.countries, vec!["COD"]);
        assert_eq!(s.areas, vec![Area::ClearanceAndRiskEducation]);
        assert_eq!(s.dac_sectors, vec![15250]);
        assert_eq!(s.period.start, NaiveDate::from_ymd_opt(2010, 3, 1));
        assert_eq!(s.period.end, NaiveDate::from_ymd_opt(2012, 12, 31));
        let funding = s.funding.as_ref().expect("amount from commitments");
        assert_eq!((funding.amount, funding.currency.as_str()), (1000.0, "GBP"));
        assert!(
            s.description
                .ends_with("Participating organisations: Funding: DFID; Implementing: MAG"),
            "{}",
            s.description
        );
        assert_eq!(s.contact.name, "Jo Bloggs");
        assert_eq!(s.contact.email, "jo@example.org");
        assert_eq!(s.links, vec!["http://www.example.org/drc"]);
        assert_eq!(
            s.provenance.iati_identifier.as_deref(),
            Some("GB-CHC-285908-1")
        );
        assert_eq!(s.provenance.source, Source::Iati);
        assert_eq!(
            a.last_updated.map(|t| t.to_rfc3339()),
            Some("2013-02-06T14:02:14+00:00".to_string())
        );
        a.submission.validate().expect("valid");
    }

    #[test]
    fn datastore_result_wrapper() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/css" href="../art/activities.css"?>
<result><ok>True</ok>
 <iati-activities generated-datetime='2014-01-22T13:56:04'>
  <query><total-count>2</total-count><start>0</start><limit>50</limit></query>
  <iati-activity><iati-identifier>A-1</iati-identifier><reporting-org ref="44000" type="Multilateral">World Bank</reporting-org><title>One</title></iati-activity>
  <iati-activity><reporting-org ref="44000">World Bank</reporting-org><title>Two</title></iati-activity>
 </iati-activities>
</result>"#;
        assert!(looks_like_iati(xml.as_bytes()));
        let all = parse_file(xml.as_bytes()).expect("parses");
        assert_eq!(all.len(), 2);
        let first = all[0].as_ref().expect("first read");
        assert_eq!(first.submission.title, "One");
        assert_eq!(
            first.submission.submitter.kind,
            SubmitterType::InternationalOrganisation
        );
        assert_eq!(first.submission.submitter.country, None);
        assert_eq!(
            all[1],
            Err(ActivityProblem {
                identifier: None,
                position: 2,
                reason: "no iati-identifier".to_string()
            })
        );
    }

    #[test]
    fn bare_activity_root_after_a_comment() {
        let xml = r#"<!--
    An activity with a default currency on the activity tag
-->
<iati-activity default-currency="USD" last-updated-datetime="2012-09-25" xml:lang="en">
<reporting-org ref="47045" type="40">The Global Fund</reporting-org>
<iati-identifier>47045-ARM</iati-identifier>
<title xml:lang="en">HIV response in Armenia</title>
<recipient-country code="AM"/>
<budget><period-start iso-date="2012-01-01"/><value>250</value></budget>
</iati-activity>"#;
        assert!(looks_like_iati(xml.as_bytes()));
        let a = one(xml);
        assert_eq!(a.submission.title, "HIV response in Armenia");
        let funding = a.submission.funding.as_ref().expect("budget");
        assert_eq!((funding.amount, funding.currency.as_str()), (250.0, "USD"));
        assert_eq!(
            a.last_updated.map(|t| t.to_rfc3339()),
            Some("2012-09-25T00:00:00+00:00".to_string())
        );
    }

    #[test]
    fn missing_title_is_refused() {
        let xml = r#"<iati-activity><iati-identifier>Z-1</iati-identifier><reporting-org ref="Z">Z</reporting-org><title/></iati-activity>"#;
        let all = parse_file(xml.as_bytes()).expect("parses");
        assert_eq!(
            all,
            vec![Err(ActivityProblem {
                identifier: Some("Z-1".to_string()),
                position: 1,
                reason: "no title in any language".to_string()
            })]
        );
    }

    #[test]
    fn garbage_never_panics() {
        let samples: [&[u8]; 8] = [
            b"",
            b"<",
            b"<iati-activity",
            b"<?xml",
            b"<!--",
            b"<iati-activity><budget><value>1e400</value></budget></iati-activity>",
            b"\xFF\xFE<\x00",
            b"<iati-activity><iati-identifier>x</iati-identifier><title>t</title><reporting-org ref='GB'/><activity-date type='1' iso-date='2020-13-45T'/><recipient-region code='0000'/></iati-activity>",
        ];
        for sample in samples {
            let _ = looks_like_iati(sample);
            let _ = parse_file(sample);
        }
    }
}
