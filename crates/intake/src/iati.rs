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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use roxmltree::{Document, Node, ParsingOptions};

use portal_domain::codes;
use portal_domain::submission::{
    Area, Assistance, Beneficiaries, Contact, Funding, Kind, Period, Provenance, Source, Status,
    Submission, Submitter, SubmitterType, Timestamps,
};

const IATI_REGIONS_CSV: &str = include_str!("../../../data/codes/iati-regions.csv");

/// The namespace roxmltree gives the `xml:` prefix.
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// About how long a summary may be, in characters.
const SUMMARY_CHARS: usize = 300;
/// How many links an activity keeps at most.
const MAX_LINKS: usize = 5;

/// The most attributes one element may have. IATI elements have a handful; the XML reader
/// checks every pair of an element's attributes for duplicates, so an element with hundreds of
/// thousands of them would take minutes of processor time.
pub const MAX_ATTRIBUTES_PER_ELEMENT: usize = 256;
/// The most nodes (elements, texts, comments) a file may have: far more than the largest file
/// `portal import` takes (256 MiB) holds in practice, and a bound on the memory a file can use.
pub const MAX_NODES: u32 = 20_000_000;

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

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

/// The file as text: UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark, or
/// ISO-8859-1 / windows-1252 when the XML declaration says so.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    let declaration = bytes
        .get(..bytes.len().min(200))
        .map(|head| String::from_utf8_lossy(head).to_ascii_lowercase())
        .unwrap_or_default();
    let declared_single_byte = declaration.starts_with("<?xml")
        && ["iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"]
            .iter()
            .any(|name| declaration.contains(name));
    if declared_single_byte {
        return Ok(Cow::Owned(bytes.iter().map(|b| windows_1252(*b)).collect()));
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let offset = e.valid_up_to();
        let before = bytes.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "not UTF-8 text: invalid byte at line {line} (byte {offset}); save the file as UTF-8 or declare its encoding"
        )
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'static, str>, String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| unit([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units)
        .map(Cow::Owned)
        .map_err(|_| "not UTF-16 text, though it starts with a UTF-16 byte-order mark".to_string())
}

/// A windows-1252 byte as a character (ISO-8859-1 is the same outside 0x80–0x9F).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Refuses a file with an element of more than [`MAX_ATTRIBUTES_PER_ELEMENT`] attributes,
/// before the XML reader sees it. One pass over the text: inside each start tag (outside
/// comments, CDATA sections, processing instructions and declarations) it counts the `=` signs
/// that are not within quotes.
fn check_attribute_counts(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = find_byte(bytes, at, b'<') {
        let rest = &bytes[found..];
        let skip_to = |end: &[u8]| {
            find_bytes(bytes, found, end).map_or(bytes.len(), |end_at| end_at + end.len())
        };
        at = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            skip_to(b">")
        } else {
            let (attributes, end) = count_attributes(bytes, found + 1);
            if attributes > MAX_ATTRIBUTES_PER_ELEMENT {
                let line = bytes[..found].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(format!(
                    "refused: the element at line {line} has more than {MAX_ATTRIBUTES_PER_ELEMENT} attributes, the most one element may have (IATI elements have a few)"
                ));
            }
            end
        };
    }
    Ok(())
}

/// The number of attributes in the start tag whose name begins at `from`, and where the tag ends.
fn count_attributes(bytes: &[u8], from: usize) -> (usize, usize) {
    let mut attributes = 0;
    let mut quote = None;
    for (offset, &byte) in bytes[from..].iter().enumerate() {
        match (quote, byte) {
            (Some(open), b) if b == open => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'=') => attributes += 1,
            (None, b'>') => return (attributes, from + offset + 1),
            (None, _) => {}
        }
    }
    (attributes, bytes.len())
}

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == wanted)
        .map(|p| from + p)
}

fn find_bytes(bytes: &[u8], from: usize, wanted: &[u8]) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .windows(wanted.len())
        .position(|w| w == wanted)
        .map(|p| from + p)
}

/// A parse error as the ISU should read it: what is wrong and where. roxmltree reports
/// end-of-input errors at 1:1, so for those the end of the file is named instead.
fn xml_error(text: &str, error: &roxmltree::Error) -> String {
    use roxmltree::Error;
    match error {
        Error::UnexpectedEndOfStream | Error::UnclosedRootNode => {
            let (line, column) = end_position(text);
            format!(
                "not readable XML: the file ends at line {line}, column {column} before its root element is closed (is it truncated?)"
            )
        }
        Error::NoRootNode => "not readable XML: there is no root element".to_string(),
        Error::NodesLimitReached => format!(
            "refused: the file has more than {MAX_NODES} XML nodes, the most one file may have; split it into smaller files"
        ),
        Error::DtdDetected => {
            "not readable XML: it has a DOCTYPE declaration, which IATI files do not use"
                .to_string()
        }
        _ => {
            let pos = error.pos();
            format!(
                "not readable XML at line {}, column {}: {error}",
                pos.row, pos.col
            )
        }
    }
}

/// Line and column (1-based, in characters) just after the last character.
fn end_position(text: &str) -> (usize, usize) {
    let line = text.matches('\n').count() + 1;
    let last_line = text.rsplit('\n').next().unwrap_or_default();
    (line, last_line.chars().count() + 1)
}

/// The name of the root element, after the XML declaration, processing instructions, comments
/// and a DOCTYPE.
fn root_name(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = rest.get(rest.find("?>")? + 2..)?;
        } else if rest.starts_with("<!--") {
            rest = rest.get(rest.find("-->")? + 3..)?;
        } else if rest.starts_with("<!") {
            rest = rest.get(rest.find('>')? + 1..)?;
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix('<')?;
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len());
    tag.get(..end).filter(|name| !name.is_empty())
}

// ---------------------------------------------------------------------------------------------
// One activity
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Texts and languages
// ---------------------------------------------------------------------------------------------

/// The language of a text, as far as the file says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Language {
    English,
    /// No `xml:lang` on the text or above it.
    Unstated,
    /// Lower-cased code, e.g. "fr".
    Other(String),
}

impl Language {
    /// English and unstated texts are preferred to texts in other languages.
    fn preferred(&self) -> bool {
        !matches!(self, Language::Other(_))
    }
}

/// A text found in an element, with its language.
#[derive(Debug, Clone)]
struct Text {
    text: String,
    language: Language,
}

/// The texts of an element: one per `<narrative>` (2.0x), or its own text (1.0x). Empty texts
/// are left out.
fn texts(element: Node) -> Vec<Text> {
    let narratives: Vec<Node> = children(element, "narrative").collect();
    let sources = if narratives.is_empty() {
        vec![element]
    } else {
        narratives
    };
    sources
        .into_iter()
        .map(|n| Text {
            text: clean(&own_text(n)),
            language: language(n),
        })
        .filter(|t| !t.text.is_empty())
        .collect()
}

/// The texts of several elements, keeping the ones in the best language available: English or
/// unstated when there are any, else those in the first other language found (then `Some` of
/// that language's code, for a note).
fn best_texts(all: Vec<Text>) -> (Vec<Text>, Option<String>) {
    if all.iter().any(|t| t.language.preferred()) {
        let english: Vec<Text> = all.into_iter().filter(|t| t.language.preferred()).collect();
        return (english, None);
    }
    let Some(Language::Other(first)) = all.first().map(|t| t.language.clone()) else {
        return (Vec::new(), None);
    };
    let same: Vec<Text> = all
        .into_iter()
        .filter(|t| t.language == Language::Other(first.clone()))
        .collect();
    (same, Some(first))
}

/// The best single text of an element (English first), for names.
fn best_text(element: Node) -> Option<String> {
    let all = texts(element);
    all.iter()
        .find(|t| t.language == Language::English)
        .or_else(|| all.iter().find(|t| t.language.preferred()))
        .or_else(|| all.first())
        .map(|t| t.text.clone())
}

/// The nearest language attribute on the node or above it. Any attribute named `lang` counts
/// (the XML namespace first), since some files bind another prefix to the URI "xml".
fn language(node: Node) -> Language {
    // IATI files nest a narrative at most six elements deep (result, iati-activities,
    // iati-activity, title, narrative); looking no further than this keeps absurdly deep input
    // from taking quadratic time.
    const MAX_DEPTH: usize = 32;
    for ancestor in node.ancestors().take(MAX_DEPTH).filter(|n| n.is_element()) {
        let mut found = None;
        for attribute in ancestor.attributes() {
            if attribute.name() == "lang" {
                if attribute.namespace() == Some(XML_NAMESPACE) || found.is_none() {
                    found = Some(attribute.value());
                }
                if attribute.namespace() == Some(XML_NAMESPACE) {
                    break;
                }
            }
        }
        if let Some(code) = found {
            let code = code.trim().to_ascii_lowercase();
            return if code.is_empty() {
                Language::Unstated
            } else if code == "en"
                || code == "eng"
                || code.starts_with("en-")
                || code.starts_with("en_")
            {
                Language::English
            } else {
                Language::Other(code)
            };
        }
    }
    Language::Unstated
}

/// A language code as an English name, for notes.
fn language_name(code: &str) -> String {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    let name = match primary {
        "fr" | "fra" | "fre" => "French",
        "es" | "spa" => "Spanish",
        "pt" | "por" => "Portuguese",
        "de" | "deu" | "ger" => "German",
        "sv" | "swe" => "Swedish",
        "nl" | "nld" | "dut" => "Dutch",
        "it" | "ita" => "Italian",
        "ar" | "ara" => "Arabic",
        "ru" | "rus" => "Russian",
        "zh" | "zho" | "chi" => "Chinese",
        "no" | "nb" | "nn" | "nor" => "Norwegian",
        "da" | "dan" => "Danish",
        "fi" | "fin" => "Finnish",
        "cs" | "ces" | "cze" => "Czech",
        "ja" | "jpn" => "Japanese",
        "ko" | "kor" => "Korean",
        _ => return format!("language \"{code}\""),
    };
    name.to_string()
}

/// The title: the first English (or unstated) narrative, else the first in any language.
fn title(node: Node, notes: &mut Vec<String>) -> Option<String> {
    let all: Vec<Text> = children(node, "title").flat_map(texts).collect();
    let (best, other) = best_texts(all);
    let first = best.into_iter().next()?;
    if let Some(code) = other {
        notes.push(format!("title only in {}", language_name(&code)));
    }
    Some(first.text)
}

/// The summary and the description, from the description elements (see the module notes).
fn descriptions(node: Node, notes: &mut Vec<String>) -> (String, String) {
    let mut general = Vec::new();
    let mut all = Vec::new();
    for element in children(node, "description") {
        let kind = element
            .attribute("type")
            .map(|t| t.trim().to_ascii_lowercase());
        let is_general = matches!(kind.as_deref(), None | Some("1" | "general"));
        for text in texts(element) {
            if is_general {
                general.push(text.clone());
            }
            all.push(text);
        }
    }
    let (chosen, other) = best_texts(all);
    if let Some(code) = &other {
        notes.push(format!("description only in {}", language_name(code)));
    }
    let summary_source = general
        .into_iter()
        .find(|t| match &other {
            None => t.language.preferred(),
            Some(code) => t.language == Language::Other(code.clone()),
        })
        .or_else(|| chosen.first().cloned());
    let summary = summary_source
        .map(|t| shorten(&t.text, SUMMARY_CHARS))
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let paragraphs: Vec<String> = chosen
        .into_iter()
        .map(|t| t.text)
        .filter(|text| seen.insert(text.clone()))
        .collect();
    (summary, paragraphs.join("\n\n"))
}

/// Cuts `text` to about `limit` characters at a word boundary, marking the cut with "…".
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(index, _)| index);
    let head = text.get(..cut).unwrap_or(text);
    // Cut at the last space, unless that would leave less than half the limit (one very long
    // word): then cut inside the word.
    let head = match head.rfind(' ') {
        Some(space)
            if head
                .get(..space)
                .is_some_and(|h| h.chars().count() >= limit / 2) =>
        {
            head.get(..space).unwrap_or(head)
        }
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–".contains(c));
    format!("{head}…")
}

/// "Participating organisations: Funding: X; Implementing: Y", or None when none is named.
fn participants(node: Node) -> Option<String> {
    const ROLES: [&str; 4] = ["Funding", "Accountable", "Extending", "Implementing"];
    let mut by_role: [Vec<String>; 4] = Default::default();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    for org in children(node, "participating-org") {
        let role = org
            .attribute("role")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let index = match role.as_str() {
            "1" | "funding" => 0,
            "2" | "accountable" => 1,
            "3" | "extending" => 2,
            "4" | "implementing" => 3,
            _ => continue,
        };
        let name =
            best_text(org).or_else(|| org.attribute("ref").map(clean).filter(|r| !r.is_empty()));
        if let (Some(name), Some(names)) = (name, by_role.get_mut(index))
            && seen.insert((index, name.clone()))
        {
            names.push(name);
        }
    }
    let parts: Vec<String> = ROLES
        .iter()
        .zip(&by_role)
        .filter(|(_, names)| !names.is_empty())
        .map(|(role, names)| format!("{role}: {}", names.join(", ")))
        .collect();
    (!parts.is_empty()).then(|| format!("Participating organisations: {}", parts.join("; ")))
}

// ---------------------------------------------------------------------------------------------
// Submitter
// ---------------------------------------------------------------------------------------------

/// The submitter, from the reporting organisation.
fn submitter(node: Node, notes: &mut Vec<String>) -> Option<Submitter> {
    let org = child(node, "reporting-org")?;
    let reference = org.attribute("ref").map(clean).filter(|r| !r.is_empty());
    let organisation = match best_text(org) {
        Some(name) => name,
        None => {
            let reference = reference.clone()?;
            notes.push(format!(
                "reporting organisation has no name: its identifier {reference} is shown instead"
            ));
            reference
        }
    };
    let secondary = org
        .attribute("secondary-reporter")
        .map(|v| v.trim().to_ascii_lowercase());
    if matches!(secondary.as_deref(), Some("1" | "true")) {
        notes.push(format!(
            "{organisation} is a secondary reporter: it published this activity for the organisations that carry it out (see the participating organisations)"
        ));
    }
    let kind = submitter_type(org.attribute("type").unwrap_or_default(), notes);
    let country = reference.as_deref().and_then(registration_country);
    Some(Submitter {
        organisation,
        kind,
        country,
    })
}

/// The submitter type from an IATI OrganisationType code or (1.0x) name.
fn submitter_type(code: &str, notes: &mut Vec<String>) -> SubmitterType {
    let code = code.trim().to_ascii_lowercase();
    match code.as_str() {
        "21"
        | "22"
        | "23"
        | "24"
        | "international ngo"
        | "national ngo"
        | "regional ngo"
        | "partner country based ngo"
        | "ngo" => SubmitterType::Ngo,
        "40" | "multilateral" => SubmitterType::InternationalOrganisation,
        "10" | "11" | "15" | "government" | "local government" | "other public sector" => {
            notes.push(
                "reporting organisation is a public body: submitter type other, as IATI does not say whether its state is a State Party or Signatory"
                    .to_string(),
            );
            SubmitterType::Other
        }
        _ => SubmitterType::Other,
    }
}

/// The alpha-3 code of the country whose registration agency an organisation identifier names
/// ("GB-CHC-285776" → GBR), when its prefix is an ISO alpha-2 country code. X… prefixes (XM
/// multilateral, XI IATI, …) are not countries; Kosovo's XK is.
fn registration_country(reference: &str) -> Option<String> {
    let prefix = reference.split('-').next()?.trim();
    let is_alpha2 = prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_alphabetic());
    let upper = prefix.to_ascii_uppercase();
    if !is_alpha2 || (upper.starts_with('X') && upper != "XK") {
        return None;
    }
    codes::country(&upper)
        .filter(|c| c.alpha2 == upper)
        .map(|c| c.alpha3.to_string())
}

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

/// What an IATI region stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RegionTarget {
    /// No place in particular (998).
    Global,
    /// One or more UN M49 codes.
    M49(Vec<&'static str>),
}

/// One row of `data/codes/iati-regions.csv`.
#[derive(Debug, Clone)]
struct IatiRegion {
    code: &'static str,
    target: RegionTarget,
    approximate: bool,
    name: &'static str,
}

static IATI_REGIONS: LazyLock<Vec<IatiRegion>> = LazyLock::new(|| {
    IATI_REGIONS_CSV
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with("code,"))
        .filter_map(|line| {
            let mut fields = line.splitn(4, ',');
            let code = fields.next()?.trim();
            let m49 = fields.next()?.trim();
            let approximate = fields.next()?.trim() == "yes";
            let name = fields.next()?.trim().trim_matches('"');
            let target = if m49 == "global" {
                RegionTarget::Global
            } else {
                RegionTarget::M49(m49.split_whitespace().collect())
            };
            Some(IatiRegion {
                code,
                target,
                approximate,
                name,
            })
        })
        .collect()
});

/// A DAC region code, any number of leading zeros.
fn iati_region(code: &str) -> Option<&'static IatiRegion> {
    let wanted = code.trim().trim_start_matches('0');
    IATI_REGIONS.iter().find(|r| r.code == wanted)
}

/// Recipient countries and regions (see the module notes).
fn places(node: Node, notes: &mut Vec<String>) -> Beneficiaries {
    let mut places = Beneficiaries::default();
    let mut without_percentage = 0;
    let mut recipients = 0;
    for element in children(node, "recipient-country") {
        recipients += 1;
        without_percentage += usize::from(percentage_missing(element));
        let code = element
            .attribute("code")
            .map(clean)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| clean(&own_text(element)));
        match codes::country(&code) {
            Some(country) => push_new(&mut places.countries, country.alpha3.to_string()),
            None => notes.push(format!("recipient country \"{code}\" unknown: skipped")),
        }
    }
    let mut unspecified = None;
    for element in children(node, "recipient-region") {
        recipients += 1;
        without_percentage += usize::from(percentage_missing(element));
        let code = clean(element.attribute("code").unwrap_or_default());
        let vocabulary = element
            .attribute("vocabulary")
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match vocabulary.as_str() {
            "" | "1" | "dac" => match iati_region(&code) {
                Some(region) => match &region.target {
                    RegionTarget::Global => unspecified = Some(region),
                    RegionTarget::M49(m49) => {
                        for target in m49 {
                            push_new(&mut places.regions, (*target).to_string());
                        }
                        if region.approximate {
                            notes.push(format!(
                                "region {} ({}) read as UN M49 {} (approximate)",
                                region.code,
                                region.name,
                                m49_names(m49)
                            ));
                        }
                    }
                },
                None => notes.push(format!("recipient region \"{code}\" unknown: skipped")),
            },
            "2" => match codes::region(&code) {
                Some(region) => push_new(&mut places.regions, region.code.to_string()),
                None => notes.push(format!(
                    "recipient region \"{code}\" (UN M49) not in the region list: skipped"
                )),
            },
            other => notes.push(format!(
                "region vocabulary {other} ignored (region \"{code}\")"
            )),
        }
    }
    if recipients > 1 && without_percentage > 0 {
        notes.push(format!(
            "{without_percentage} recipient countries or regions without percentage"
        ));
    }
    let named = !places.countries.is_empty() || !places.regions.is_empty();
    match unspecified {
        Some(region) if !named => {
            places.global = true;
            notes.push(format!(
                "region {} ({}) read as global",
                region.code,
                region.name.to_lowercase()
            ));
        }
        Some(region) => notes.push(format!(
            "region {} ({}) ignored next to the countries or regions named",
            region.code,
            region.name.to_lowercase()
        )),
        None if !named => {
            places.global = true;
            notes.push("no recipient country or region: shown as global".to_string());
        }
        None => {}
    }
    places
}

fn percentage_missing(element: Node) -> bool {
    element
        .attribute("percentage")
        .is_none_or(|p| p.trim().is_empty())
}

/// "030 Eastern Asia, 035 South-eastern Asia".
fn m49_names(codes_: &[&str]) -> String {
    codes_
        .iter()
        .map(|code| match codes::region(code) {
            Some(region) => format!("{} {}", region.code, region.name),
            None => (*code).to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Sectors and areas
// ---------------------------------------------------------------------------------------------

/// Areas of work and DAC 5-digit codes from the sectors (see the module notes).
fn sectors(node: Node, notes: &mut Vec<String>) -> (Vec<Area>, Vec<u32>) {
    let mut elements: Vec<Node> = children(node, "sector").collect();
    if elements.is_empty() {
        elements = children(node, "transaction")
            .flat_map(|t| children(t, "sector"))
            .collect();
    }
    let mut dac = Vec::new();
    let mut ignored_vocabularies: BTreeSet<String> = BTreeSet::new();
    for element in elements {
        let code = clean(element.attribute("code").unwrap_or_default());
        let vocabulary = clean(element.attribute("vocabulary").unwrap_or_default());
        if !matches!(vocabulary.to_ascii_lowercase().as_str(), "" | "1" | "dac") {
            ignored_vocabularies.insert(vocabulary);
            continue;
        }
        let number = code
            .parse::<u32>()
            .ok()
            .filter(|_| code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()));
        match number {
            Some(n) if codes::dac_sector_name(n).is_some() => push_new(&mut dac, n),
            Some(n) => notes.push(format!("DAC sector {n} unknown: ignored")),
            None if code.is_empty() => notes.push("a sector without a code: ignored".to_string()),
            None => notes.push(format!(
                "sector \"{code}\" is not a DAC 5-digit code: ignored"
            )),
        }
    }
    let ignored: Vec<String> = ignored_vocabularies.into_iter().collect();
    match ignored.as_slice() {
        [] => {}
        [one] => notes.push(format!("sector vocabulary {one} ignored")),
        many => notes.push(format!("sector vocabularies {} ignored", many.join(", "))),
    }
    let mut areas = Vec::new();
    for area in dac
        .iter()
        .filter_map(|code| codes::area_for_dac_sector(*code))
    {
        push_new(&mut areas, area);
    }
    if areas.is_empty() {
        areas.push(Area::InternationalCooperationAndAssistance);
        notes.push(
            "no sector maps to an area of work: filed under international cooperation and assistance"
                .to_string(),
        );
    }
    (areas, dac)
}

// ---------------------------------------------------------------------------------------------
// Funding
// ---------------------------------------------------------------------------------------------

/// The amount, and whether any budget or commitment carried a non-zero value.
struct Money {
    funding: Option<Funding>,
    seen: bool,
}

/// A value read from a budget or transaction.
struct Value {
    amount: f64,
    /// Upper-case ISO 4217, or None when neither the value nor the activity gives one.
    currency: Option<String>,
}

/// The amount from budgets, else commitments (see the module notes).
fn funding(node: Node, notes: &mut Vec<String>) -> Money {
    let default_currency = node
        .attribute("default-currency")
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let default_currency = default_currency.as_deref();
    let budgets = budget_values(node, default_currency, notes);
    let commitments = commitment_values(node, default_currency, notes);
    let seen = budgets.iter().chain(&commitments).any(|v| v.amount != 0.0);

    let budget_problem = match total(&budgets, "budget") {
        Total::Amount(funding, note) => {
            notes.extend(note);
            check_size(&funding, notes);
            return Money {
                funding: Some(funding),
                seen,
            };
        }
        Total::Nothing => None,
        Total::Unusable(reason) => Some(reason),
    };
    if budgets.is_empty()
        && let Some(code) = node.attribute("budget-not-provided")
    {
        notes.push(format!(
            "budget not provided: {}",
            budget_not_provided(code)
        ));
    }
    let before = match &budget_problem {
        Some(reason) => format!("budgets not usable ({reason})"),
        None => "no budget".to_string(),
    };
    let funding = match total(&commitments, "commitment") {
        Total::Amount(funding, note) => {
            notes.push(format!("{before}: amount from commitments"));
            notes.extend(note);
            check_size(&funding, notes);
            Some(funding)
        }
        Total::Nothing if budget_problem.is_some() => {
            notes.push(format!("{before}, no commitment: no amount"));
            None
        }
        Total::Nothing if reports_spending(node) => {
            notes.push(
                "no budget or commitment: no amount (disbursements or expenditures are reported, but they are not a funding amount)"
                    .to_string(),
            );
            None
        }
        Total::Nothing => {
            notes.push("no budget or commitment: no amount".to_string());
            None
        }
        Total::Unusable(reason) => {
            notes.push(format!(
                "{before}; commitments not usable ({reason}): no amount"
            ));
            None
        }
    };
    Money { funding, seen }
}

/// Notes an amount above USD 10 billion, more than any single mine action or development
/// project: most likely a value in another currency than the one stated. The amount is kept.
fn check_size(funding: &Funding, notes: &mut Vec<String>) {
    const IMPLAUSIBLE_USD: f64 = 10e9;
    let usd = funding.amount * codes::usd_rate(&funding.currency).unwrap_or(0.0);
    if usd > IMPLAUSIBLE_USD {
        notes.push(format!(
            "amount {} {} is over USD 10 billion: check the value and its currency",
            funding.amount, funding.currency
        ));
    }
}

/// The IATI BudgetNotProvided code list.
fn budget_not_provided(code: &str) -> String {
    match code.trim() {
        "1" => "commercial restrictions".to_string(),
        "2" => "legal restrictions".to_string(),
        "3" => "rapid onset emergency".to_string(),
        other => format!("code \"{other}\""),
    }
}

/// Budget values: per period, the revised budgets if the period has any, else the others.
fn budget_values(
    node: Node,
    default_currency: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    // (start, end) → (revised values, other values)
    let mut periods: BTreeMap<(String, String), (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for budget in children(node, "budget") {
        let Some(value) = value(budget, default_currency, "budget", notes) else {
            continue;
        };
        let bound = |name: &'static str| {
            child(budget, name)
                .map(|n| {
                    let iso = clean(n.attribute("iso-date").unwrap_or_default());
                    if iso.is_empty() {
                        clean(&own_text(n))
                    } else {
                        iso
                    }
                })
                .unwrap_or_default()
        };
        let key = (bound("period-start"), bound("period-end"));
        let revised = matches!(
            budget
                .attribute("type")
                .map(|t| t.trim().to_ascii_lowercase())
                .as_deref(),
            Some("2" | "revised")
        );
        let entry = periods.entry(key).or_default();
        if revised {
            entry.0.push(value);
        } else {
            entry.1.push(value);
        }
    }
    periods
        .into_values()
        .flat_map(|(revised, others)| if revised.is_empty() { others } else { revised })
        .collect()
}

/// Values of the commitment transactions (type 2 or C, as a code or as the element's text).
fn commitment_values(
    node: Node,
    default_currency: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    children(node, "transaction")
        .filter(|t| is_commitment(*t))
        .filter_map(|t| value(t, default_currency, "commitment", notes))
        .collect()
}

fn is_commitment(transaction: Node) -> bool {
    matches!(
        transaction_type(transaction).to_ascii_lowercase().as_str(),
        "2" | "c" | "commitment" | "commitments"
    )
}

/// A transaction's type: the `@code` of its transaction-type, else that element's text (some
/// publishers write the code as text).
fn transaction_type(transaction: Node) -> String {
    let Some(kind) = child(transaction, "transaction-type") else {
        return String::new();
    };
    kind.attribute("code")
        .map(clean)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| clean(&own_text(kind)))
}

/// Whether the activity reports disbursements or expenditures (types 3 and 4, or D and E).
fn reports_spending(node: Node) -> bool {
    children(node, "transaction").any(|t| {
        matches!(
            transaction_type(t).to_ascii_lowercase().as_str(),
            "3" | "4" | "d" | "e" | "disbursement" | "expenditure"
        )
    })
}

/// The `<value>` of a budget or transaction, with its currency; None (with a note) when it is
/// missing, empty or not a number.
fn value(
    parent: Node,
    default_currency: Option<&str>,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<Value> {
    let Some(element) = child(parent, "value") else {
        notes.push(format!("a {what} without a value: skipped"));
        return None;
    };
    let text = clean(&own_text(element));
    if text.is_empty() {
        notes.push(format!("a {what} with an empty value: skipped"));
        return None;
    }
    let amount = match text.parse::<f64>() {
        Ok(amount) if amount.is_finite() => amount,
        _ => {
            notes.push(format!("{what} value \"{text}\" is not a number: skipped"));
            return None;
        }
    };
    let currency = element
        .attribute("currency")
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .or_else(|| default_currency.map(str::to_string));
    Some(Value { amount, currency })
}

/// The outcome of adding up values.
enum Total {
    /// No values at all.
    Nothing,
    /// A positive amount, with a note when currencies were converted.
    Amount(Funding, Option<String>),
    /// Values that do not give an amount, and why.
    Unusable(String),
}

/// Adds up values: in their currency when they share one, else in USD.
fn total(values: &[Value], what: &str) -> Total {
    if values.is_empty() {
        return Total::Nothing;
    }
    let mut by_currency: BTreeMap<&str, f64> = BTreeMap::new();
    for value in values {
        let Some(currency) = value.currency.as_deref() else {
            return Total::Unusable(format!(
                "a {what} value has no currency and the activity no default-currency"
            ));
        };
        *by_currency.entry(currency).or_default() += value.amount;
    }
    let unknown: Vec<&str> = by_currency
        .keys()
        .copied()
        .filter(|c| codes::usd_rate(c).is_none())
        .collect();
    if !unknown.is_empty() {
        return Total::Unusable(format!(
            "currency {} is not in the exchange-rate table",
            unknown.join(", ")
        ));
    }
    let (amount, currency, note) = match by_currency.iter().next() {
        Some((currency, amount)) if by_currency.len() == 1 => {
            (*amount, (*currency).to_string(), None)
        }
        _ => {
            let usd: f64 = by_currency
                .iter()
                .map(|(c, a)| a * codes::usd_rate(c).unwrap_or(0.0))
                .sum();
            let names: Vec<&str> = by_currency.keys().copied().collect();
            let note = format!(
                "{what}s in {} converted to USD at the rates of {}",
                names.join(", "),
                codes::rates_date()
            );
            (usd, "USD".to_string(), Some(note))
        }
    };
    let amount = (amount * 100.0).round() / 100.0;
    if !amount.is_finite() || amount <= 0.0 {
        return Total::Unusable(format!("{what}s total {amount} {currency}"));
    }
    Total::Amount(
        Funding {
            amount,
            currency,
            usd: 0.0,
            rate_date: None,
        },
        note,
    )
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// Start and end from the activity dates (actual before planned).
fn period(node: Node, notes: &mut Vec<String>) -> Period {
    let start = activity_date(
        node,
        &[&["2", "start-actual"], &["1", "start-planned"]],
        notes,
    );
    let mut end = activity_date(node, &[&["4", "end-actual"], &["3", "end-planned"]], notes);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        notes.push(format!("end date {e} is before the start {s}: end dropped"));
        end = None;
    }
    Period { start, end }
}

/// The first readable date among the activity dates of the first type group that has one.
fn activity_date(node: Node, groups: &[&[&str]], notes: &mut Vec<String>) -> Option<NaiveDate> {
    for group in groups {
        for element in children(node, "activity-date") {
            let kind = element
                .attribute("type")
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if !group.contains(&kind.as_str()) {
                continue;
            }
            let iso = element.attribute("iso-date").unwrap_or_default();
            let text = own_text(element);
            match date(iso).or_else(|| date(&text)) {
                Some(d) if d < earliest_date() => notes.push(format!(
                    "activity date {d} ({kind}) looks like a placeholder: ignored"
                )),
                Some(d) => return Some(d),
                None => {
                    let shown = if iso.trim().is_empty() {
                        clean(&text)
                    } else {
                        clean(iso)
                    };
                    notes.push(if shown.is_empty() {
                        format!("activity date ({kind}) is empty: ignored")
                    } else {
                        format!("activity date \"{shown}\" ({kind}) is not a date: ignored")
                    });
                }
            }
        }
    }
    None
}

/// Dates before this are placeholders ("1900-01-01"), not when an aid activity ran: the DAC
/// reporting that IATI grew from starts in the 1960s.
fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A `YYYY-MM-DD` date, possibly followed by a time or zone.
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let head = text.get(..10)?;
    let rest = text.get(10..)?;
    if rest.starts_with(['T', 't', ' ', 'Z', '+', '-']) {
        NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
    } else {
        None
    }
}

/// `@last-updated-datetime` as UTC.
fn last_updated(node: Node, notes: &mut Vec<String>) -> Option<DateTime<Utc>> {
    let text = node.attribute("last-updated-datetime")?.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = datetime(text);
    if parsed.is_none() {
        notes.push(format!(
            "last-updated-datetime \"{text}\" is not a date and time: ignored"
        ));
    }
    parsed
}

fn datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = text.trim_end_matches(['Z', 'z']);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

// ---------------------------------------------------------------------------------------------
// Contact and links
// ---------------------------------------------------------------------------------------------

/// The first contact-info: person (organisation), e-mail, telephone; and a web address given as
/// the e-mail, which is no e-mail but still worth a link.
fn contact(node: Node, notes: &mut Vec<String>) -> (Contact, Option<String>) {
    let Some(info) = child(node, "contact-info") else {
        return (Contact::default(), None);
    };
    let part = |name: &'static str| child(info, name).and_then(best_text);
    let name = match (part("person-name"), part("organisation")) {
        (Some(person), Some(org)) => format!("{person} ({org})"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    };
    let mut email = child(info, "email")
        .map(|e| clean(&own_text(e)))
        .unwrap_or_default();
    if let Some(rest) = email.strip_prefix("mailto:") {
        email = rest.to_string();
    }
    let mut page = None;
    if is_web_address(&email) {
        page = Some(std::mem::take(&mut email));
    } else if !email.is_empty() && !looks_like_email(&email) {
        notes.push(format!(
            "contact e-mail \"{email}\" is not an address: left out"
        ));
        email.clear();
    }
    let phone = child(info, "telephone")
        .map(|t| clean(&own_text(t)))
        .filter(|t| !t.is_empty());
    (Contact { name, email, phone }, page)
}

// The same test `Submission::validate` applies, so that a kept address always passes it.
use portal_domain::submission::looks_like_email;

/// Web addresses: activity websites, then document links; http(s) only, at most five.
fn links(node: Node) -> Vec<String> {
    let websites = children(node, "activity-website").map(|w| clean(&own_text(w)));
    let documents = children(node, "document-link")
        .filter_map(|d| d.attribute("url"))
        .map(clean);
    let mut links = Vec::new();
    for url in websites.chain(documents) {
        if is_web_address(&url) {
            push_new(&mut links, url);
        }
        if links.len() == MAX_LINKS {
            break;
        }
    }
    links
}

/// An http(s) address without spaces.
fn is_web_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && lower.len() > "https://".len()
        && !text.contains(char::is_whitespace)
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// Whether the node is an element with this local name (any namespace).
fn is(node: Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// The element children with this local name.
fn children<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |n| is(*n, name))
}

/// The first element child with this local name.
fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

/// The element's own text (its text children, not its descendants').
fn own_text(node: Node) -> String {
    node.children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Trims and collapses runs of whitespace into one space.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a file that must hold exactly one readable activity.
    fn one(xml: &str) -> Activity {
        let mut all = parse_file(xml.as_bytes()).expect("file parses");
        assert_eq!(all.len(), 1, "one activity expected");
        all.remove(0).expect("activity is read")
    }

    /// A v2 activity with the given inner XML after identifier, reporting-org and title.
    fn v2(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="en" last-updated-datetime="2021-05-24T14:50:54Z">
  <iati-identifier>XI-TEST-1</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>Foreign Office</narrative></reporting-org>
  <title><narrative>Mine action in Laos</narrative></title>
  {inner}
 </iati-activity>
</iati-activities>"#
        )
    }

    fn has_note(activity: &Activity, part: &str) -> bool {
        activity.notes.iter().any(|n| n.contains(part))
    }

    #[test]
    fn english_narrative_chosen_over_french() {
        let xml = r#"<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="fr">
  <iati-identifier>FR-3-1</iati-identifier>
  <reporting-org ref="FR-3" type="10"><narrative>AFD</narrative></reporting-org>
  <title><narrative>Déminage au Laos</narrative><narrative xml:lang="EN">Demining in Laos</narrative></title>
  <description type="1"><narrative>Texte français.</narrative><narrative xml:lang="en">English text.</narrative></description>
  <recipient-country code="LA"/>
 </iati-activity>
</iati-activities>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Demining in Laos");
        assert_eq!(a.submission.summary, "English text.");
        assert!(a.submission.description.starts_with("English text."));
        assert!(!has_note(&a, "only in"));
        assert_eq!(a.submission.submitter.country.as_deref(), Some("FRA"));
    }

    #[test]
    fn title_only_in_french_is_kept_with_a_note() {
        let xml = r#"<iati-activity xml:lang="fr"><iati-identifier>X-1</iati-identifier>
  <reporting-org ref="FR-3" type="10"><narrative>AFD</narrative></reporting-org>
  <title><narrative>Déminage</narrative></title></iati-activity>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Déminage");
        assert!(has_note(&a, "title only in French"), "{:?}", a.notes);
    }

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
    fn budget_currency_other_than_default_is_converted() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <budget type="1"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/><value currency="USD">100</value></budget>
  <budget type="1"><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/><value>100</value></budget>"#));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!(funding.currency, "USD");
        let eur = codes::usd_rate("EUR").expect("EUR rate");
        assert!((funding.amount - (100.0 + 100.0 * eur)).abs() < 0.01);
        assert!(
            has_note(&a, "budgets in EUR, USD converted to USD"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn budget_in_one_other_currency_stays_in_it() {
        let a = one(&v2(
            r#"<recipient-country code="LA"/><budget><value currency="NZD">500</value></budget>"#,
        ));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!((funding.amount, funding.currency.as_str()), (500.0, "NZD"));
    }

    #[test]
    fn revised_budget_replaces_original_for_its_period_only() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <budget type="Original"><period-start iso-date="2004-04-01"/><period-end iso-date="2005-03-31"/><value>500</value></budget>
  <budget type="Original"><period-start iso-date="2005-04-01"/><period-end iso-date="2006-03-31"/><value>500</value></budget>
  <budget type="Revised"><period-start iso-date="2005-04-01"/><period-end iso-date="2006-03-31"/><value>300</value></budget>"#));
        assert_eq!(a.submission.funding.as_ref().map(|f| f.amount), Some(800.0));
    }

    #[test]
    fn no_budget_uses_commitments() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type code="2"/><value currency="NZD">300</value></transaction>
  <transaction><transaction-type code="2"/><value currency="NZD">200.5</value></transaction>
  <transaction><transaction-type code="3"/><value currency="NZD">9999</value></transaction>"#));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!((funding.amount, funding.currency.as_str()), (500.5, "NZD"));
        assert_eq!(a.submission.assistance, vec![Assistance::Financial]);
        assert!(
            has_note(&a, "no budget: amount from commitments"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn textual_commitment_type_counts() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type>2</transaction-type><value>70</value></transaction>
  <transaction><transaction-type>1</transaction-type><transaction-date iso-date="5000000"/><value/></transaction>"#));
        assert_eq!(a.submission.funding.as_ref().map(|f| f.amount), Some(70.0));
    }

    #[test]
    fn nothing_gives_no_amount_and_a_note() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type code="3"/><value>10</value></transaction>"#));
        assert_eq!(a.submission.funding, None);
        assert!(a.submission.assistance.is_empty());
        assert!(
            has_note(&a, "no budget or commitment: no amount"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn zero_budget_and_unknown_currency_give_no_amount() {
        let zero = one(&v2(
            r#"<recipient-country code="LA"/><budget><value>0</value></budget>"#,
        ));
        assert_eq!(zero.submission.funding, None);
        assert!(has_note(&zero, "budgets total 0 EUR"), "{:?}", zero.notes);
        let odd = one(&v2(
            r#"<recipient-country code="LA"/><budget><value currency="XYZ">10</value></budget>"#,
        ));
        assert_eq!(odd.submission.funding, None);
        assert!(has_note(&odd, "currency XYZ"), "{:?}", odd.notes);
    }

    #[test]
    fn region_289_is_sub_saharan_africa() {
        let a = one(&v2(r#"<recipient-region code="289" vocabulary="1"/>"#));
        assert_eq!(a.submission.beneficiaries.regions, vec!["202"]);
        assert!(!a.submission.beneficiaries.global);
    }

    #[test]
    fn region_998_is_global() {
        let a = one(&v2(r#"<recipient-region code="998"/>"#));
        assert!(a.submission.beneficiaries.global);
        assert!(a.submission.beneficiaries.regions.is_empty());
        assert!(has_note(&a, "region 998"), "{:?}", a.notes);
    }

    #[test]
    fn region_789_is_eastern_and_south_eastern_asia() {
        let a = one(&v2(r#"<recipient-region code="789" vocabulary="1"/>"#));
        assert_eq!(a.submission.beneficiaries.regions, vec!["030", "035"]);
    }

    #[test]
    fn no_place_is_global_with_a_note() {
        let a = one(&v2(""));
        assert!(a.submission.beneficiaries.global);
        assert!(has_note(
            &a,
            "no recipient country or region: shown as global"
        ));
    }

    #[test]
    fn unknown_country_is_skipped_with_a_note() {
        let a = one(&v2(
            r#"<recipient-country code="QQ"/><recipient-country code="KH"/>"#,
        ));
        assert_eq!(a.submission.beneficiaries.countries, vec!["KHM"]);
        assert!(has_note(&a, "\"QQ\" unknown"), "{:?}", a.notes);
        assert!(has_note(
            &a,
            "2 recipient countries or regions without percentage"
        ));
    }

    #[test]
    fn sector_15250_is_clearance_and_risk_education() {
        let a = one(&v2(
            r#"<sector code="15250" vocabulary="1"/><sector code="152" vocabulary="2"/><sector code="X1" vocabulary="99"/>"#,
        ));
        assert_eq!(a.submission.areas, vec![Area::ClearanceAndRiskEducation]);
        assert_eq!(a.submission.dac_sectors, vec![15250]);
        assert!(
            has_note(&a, "sector vocabularies 2, 99 ignored"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn no_mapped_sector_means_cooperation() {
        let a = one(&v2(r#"<sector code="11110"/>"#));
        assert_eq!(
            a.submission.areas,
            vec![Area::InternationalCooperationAndAssistance]
        );
        assert_eq!(a.submission.dac_sectors, vec![11110]);
        assert!(has_note(&a, "no sector maps to an area of work"));
    }

    #[test]
    fn textual_and_numeric_roles() {
        let a = one(&v2(
            r#"<participating-org role="Funding"><narrative>Norway</narrative></participating-org>
  <participating-org role="4" ref="XM-1"/>
  <participating-org role="funding"><narrative>Norway</narrative></participating-org>"#,
        ));
        assert_eq!(
            a.submission.description,
            "Participating organisations: Funding: Norway; Implementing: XM-1"
        );
    }

    #[test]
    fn government_reporter_is_other_with_a_note() {
        let a = one(&v2(""));
        assert_eq!(a.submission.submitter.kind, SubmitterType::Other);
        assert_eq!(a.submission.submitter.country.as_deref(), Some("GBR"));
        assert!(has_note(&a, "State Party"));
    }

    #[test]
    fn end_before_start_is_dropped() {
        let a = one(&v2(
            r#"<activity-date type="2" iso-date="2020-05-01"/><activity-date type="3" iso-date="2019-01-01"/><activity-date type="4" iso-date="nonsense"/>"#,
        ));
        assert_eq!(
            a.submission.period.start,
            NaiveDate::from_ymd_opt(2020, 5, 1)
        );
        assert_eq!(a.submission.period.end, None);
        assert!(has_note(&a, "end dropped"));
        assert!(has_note(&a, "\"nonsense\" (4) is not a date"));
    }

    #[test]
    fn lang_attribute_in_another_namespace_counts() {
        let xml = r#"<iati-activities xmlns:ns2="xml"><iati-activity xml:lang="fr">
  <iati-identifier>CZ-1</iati-identifier>
  <reporting-org ref="CZ-ICO-1" type="21"><narrative>People in Need</narrative></reporting-org>
  <title><narrative ns2:lang="en">Covid response</narrative></title></iati-activity></iati-activities>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Covid response");
        assert!(!has_note(&a, "only in"));
    }

    #[test]
    fn summary_is_cut_at_a_word() {
        let long = "word ".repeat(100);
        let short = shorten(long.trim(), SUMMARY_CHARS);
        assert!(short.chars().count() <= SUMMARY_CHARS + 1);
        assert!(short.ends_with("word…"), "{short}");
        assert_eq!(shorten("é".repeat(400).as_str(), 300).chars().count(), 301);
    }

    #[test]
    fn placeholder_date_gives_way_to_the_planned_one() {
        let a = one(&v2(
            r#"<activity-date type="2" iso-date="1900-01-01"/><activity-date type="1" iso-date="2011-02-01"/>"#,
        ));
        assert_eq!(
            a.submission.period.start,
            NaiveDate::from_ymd_opt(2011, 2, 1)
        );
        assert!(
            has_note(&a, "1900-01-01 (2) looks like a placeholder"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn web_address_given_as_e_mail_becomes_a_link() {
        let a = one(&v2(
            r#"<contact-info><organisation><narrative>EU Delegation</narrative></organisation><email>http://ec.europa.eu/contact</email></contact-info>"#,
        ));
        assert_eq!(a.submission.contact.name, "EU Delegation");
        assert_eq!(a.submission.contact.email, "");
        assert_eq!(a.submission.links, vec!["http://ec.europa.eu/contact"]);
    }

    #[test]
    fn value_without_any_currency_gives_no_amount() {
        let xml = r#"<iati-activity><iati-identifier>N-1</iati-identifier>
  <reporting-org ref="US-EIN-1" type="21" secondary-reporter="1"><narrative>NGO Aid Map</narrative></reporting-org>
  <title><narrative>Wells</narrative></title>
  <budget><value>10</value></budget><budget><value></value></budget><budget><value></value></budget>
  <transaction><transaction-type code="2"/><value>5</value></transaction></iati-activity>"#;
        let a = one(xml);
        assert_eq!(a.submission.funding, None);
        assert_eq!(a.submission.assistance, vec![Assistance::Financial]);
        assert!(
            has_note(&a, "a budget with an empty value: skipped (2×)"),
            "{:?}",
            a.notes
        );
        assert!(has_note(&a, "no default-currency"), "{:?}", a.notes);
        assert!(has_note(&a, "secondary reporter"), "{:?}", a.notes);
        assert_eq!(a.submission.submitter.country.as_deref(), Some("USA"));
    }

    #[test]
    fn last_updated_in_several_spellings() {
        for (text, expected) in [
            (
                "2019-11-01T00:00:00.0000000-07:00",
                "2019-11-01T07:00:00+00:00",
            ),
            ("2013-07-22 19:29:57", "2013-07-22T19:29:57+00:00"),
            ("2021-01-31T11:36:14.009Z", "2021-01-31T11:36:14.009+00:00"),
            ("2013-03-04T06:03:49.353", "2013-03-04T06:03:49.353+00:00"),
        ] {
            assert_eq!(
                datetime(text).map(|t| t.to_rfc3339()).as_deref(),
                Some(expected),
                "{text}"
            );
        }
        assert_eq!(datetime("yesterday"), None);
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
    fn truncated_file_names_line_and_column() {
        let xml = "<?xml version=\"1.0\"?>\n<iati-activities version=\"1.01\">\n\t//>>>\n";
        let err = parse_file(xml.as_bytes()).unwrap_err();
        assert!(err.contains("line 4, column 1"), "{err}");
        let err = parse_file(b"<iati-activities><iati-activity></iati-activities>").unwrap_err();
        assert!(err.contains("line 1, column"), "{err}");
    }

    #[test]
    fn other_xml_is_an_error_and_not_iati() {
        let xml = b"<?xml version=\"1.0\"?><html><body/></html>";
        assert!(!looks_like_iati(xml));
        assert!(parse_file(xml).unwrap_err().contains("<html>"));
        assert!(!looks_like_iati(b"<result><ok/></result>"));
        assert!(!looks_like_iati(b"Subject: hello\n\nbody"));
        assert!(!looks_like_iati(&[0xff, 0x00, 0x3c]));
    }

    #[test]
    fn latin1_declared_file_is_read() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><iati-activity><iati-identifier>L-1</iati-identifier><reporting-org ref=\"L\">L</reporting-org><title>D".to_vec();
        bytes.push(0xE9); // é
        bytes.extend_from_slice(b"minage</title></iati-activity>");
        let all = parse_file(&bytes).expect("parses");
        let title = all[0].as_ref().map(|a| a.submission.title.clone());
        assert_eq!(title.as_deref(), Ok("Déminage"));
    }

    #[test]
    fn region_table_is_complete_and_known() {
        // Every data row of the file is read: the 26 codes of the IATI Region codelist.
        assert_eq!(IATI_REGIONS.len(), 26);
        for region in IATI_REGIONS.iter() {
            if let RegionTarget::M49(codes_) = &region.target {
                assert!(!codes_.is_empty(), "{}", region.code);
                for code in codes_ {
                    assert!(codes::region(code).is_some(), "{} → {code}", region.code);
                }
            }
        }
        for code in [
            "289", "298", "189", "798", "689", "789", "619", "589", "89", "498", "489", "389",
            "380", "889", "998",
        ] {
            assert!(iati_region(code).is_some(), "{code}");
        }
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
