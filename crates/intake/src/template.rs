//! The e-mailed plain-text template (`data/templates/submission-template.txt`): `Label: value`
//! lines read into a [`Submission`], or into errors that each name the line, the field, what was
//! written and what would be accepted, with the nearest code-list entries as suggestions.
//!
//! This module reads text only. It never touches the store, never fills in ids, timestamps or
//! provenance (the caller does), and never panics on any input: it slices strings only at
//! boundaries that `char_indices`, `split` or `get` hand it, and unwraps nothing it is given.
//!
//! What it forgives, because people type it: labels in any case and spacing ("CONTACT EMAIL",
//! "e-mail"), the template's hints left in place, country names or codes, several values per
//! field separated by commas, semicolons, slashes or bullets, amounts such as "USD 1.2 million",
//! "1,200,000 EUR", "EUR 850 000" or "€2m", and dates such as "1 March 2027", "March 2027" or
//! "Q2 2027". Greetings before the form and signatures or quoted replies after it are ignored.

use std::fmt;

use chrono::{Months, NaiveDate};

use portal_domain::codes;
use portal_domain::submission::{
    Area, Assistance, Beneficiaries, Contact, FieldError, Funding, Kind, Period, Provenance,
    Status, Submission, Submitter, SubmitterType, Timestamps, Vocabulary,
};

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// One problem, on one line of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 1-based line number in the text given; 0 when the problem is not tied to a line, e.g. a
    /// missing label.
    pub line: usize,
    /// The label as the template names it, e.g. "Amount".
    pub field: String,
    /// What the sender wrote (trimmed, may be empty).
    pub written: String,
    /// What is wrong and what would be accepted.
    pub message: String,
    /// The nearest valid values, e.g. `KHM (Cambodia)`, best first.
    pub suggestions: Vec<String>,
}

impl TemplateError {
    fn new(line: usize, field: Field, written: &str, message: impl Into<String>) -> Self {
        TemplateError {
            line,
            field: field.label().to_string(),
            written: written.trim().to_string(),
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    fn suggesting(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }
}

/// `line 9: "Countries concerned": "Cambodja" is not a country or region; write … Did you mean
/// KHM (Cambodia)?` — the line is left out when it is 0, the written text when it is empty, and
/// a full stop is put before the suggestions when the message has none.
impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        if self.written.is_empty() {
            write!(f, "\"{}\" {}", self.field, self.message)?;
        } else {
            write!(
                f,
                "\"{}\": \"{}\" {}",
                self.field, self.written, self.message
            )?;
        }
        if !self.suggestions.is_empty() {
            if !self.message.ends_with(['.', '?', '!']) {
                f.write_str(".")?;
            }
            write!(f, " Did you mean {}?", or_list(&self.suggestions))?;
        }
        Ok(())
    }
}

impl std::error::Error for TemplateError {}

/// Reads a filled template. `Ok` holds a submission that passed `Submission::validate()`, with
/// status Pending, empty id, default timestamps and provenance (the caller fills those). `Err`
/// holds every problem found, not just the first, in line order (problems not tied to a line
/// last).
///
/// Text before the first label (greetings) and after the form (see [`extract_form`]) is ignored;
/// line numbers count from the start of `text` all the same, so they match what the sender sees.
pub fn parse_template(text: &str) -> Result<Submission, Vec<TemplateError>> {
    let lines = split_lines(text);
    let entries = match form_bounds(&lines) {
        Some((start, end)) => read_entries(&lines, start, end),
        None => Vec::new(),
    };
    let form = Form::new(entries);
    let mut errors = form.duplicates.clone();
    let mut submission = build(&form, &mut errors);
    let invalid = submission.validate().err().map(|e| e.0).unwrap_or_default();
    for error in invalid {
        let mapped = map_field_error(&form, &error);
        // The parser's own error about a field is the more precise one; validation repeats it
        // in its own words ("names no country…") when the parser dropped a bad value.
        if !errors.iter().any(|e| e.field == mapped.field) {
            errors.push(mapped);
        }
    }
    if errors.is_empty() {
        Ok(submission)
    } else {
        errors.sort_by_key(|e| (e.line == 0, e.line));
        Err(at_most_some_per_field(errors))
    }
}

/// Errors reported per field at most; a pasted wall of text gets a short answer.
const MAX_ERRORS_PER_FIELD: usize = 20;

/// Keeps the first [`MAX_ERRORS_PER_FIELD`] errors of each field and sums up the rest in one.
fn at_most_some_per_field(errors: Vec<TemplateError>) -> Vec<TemplateError> {
    let mut kept: Vec<TemplateError> = Vec::new();
    // Field, errors seen, the first error left out.
    let mut counts: Vec<(String, usize, Option<TemplateError>)> = Vec::new();
    for error in errors {
        let slot = match counts.iter().position(|(f, _, _)| *f == error.field) {
            Some(i) => i,
            None => {
                counts.push((error.field.clone(), 0, None));
                counts.len() - 1
            }
        };
        let Some((_, seen, first_left_out)) = counts.get_mut(slot) else {
            continue;
        };
        *seen += 1;
        if *seen <= MAX_ERRORS_PER_FIELD {
            kept.push(error);
        } else if first_left_out.is_none() {
            *first_left_out = Some(error);
        }
    }
    for (_, seen, first_left_out) in counts {
        if let Some(first) = first_left_out {
            kept.push(TemplateError {
                written: String::new(),
                message: format!(
                    "has {} more problems like the ones above; correct those first",
                    seen - MAX_ERRORS_PER_FIELD
                ),
                suggestions: Vec::new(),
                ..first
            });
        }
    }
    kept.sort_by_key(|e| (e.line == 0, e.line));
    kept
}

/// Whether `text` looks like a filled template at all (at least 3 known labels, one of them Kind
/// or Title) — used to find the form inside an e-mail body.
pub fn looks_like_template(text: &str) -> bool {
    let mut seen: Vec<Field> = Vec::new();
    for line in split_lines(text) {
        if let Some((field, _)) = match_label(line)
            && !seen.contains(&field)
        {
            seen.push(field);
        }
    }
    seen.len() >= 3 && (seen.contains(&Field::Kind) || seen.contains(&Field::Title))
}

/// The template's text from its first label on, without anything before it (greetings) and
/// without what follows the form: signatures, quoted replies (lines starting with '>', "-- "
/// signature separators, "On … wrote:" lines, "-----Original Message-----", "From: … Sent: …"
/// blocks, Outlook's line of underscores). These end the form only after the last label's
/// content, so a long field is never cut except at such a marker; a short last field (Links,
/// say) also ends at the first blank line after its value. A reply marker between two labels
/// ends the form only when the labels after it repeat ones already seen (a second, quoted copy
/// of the template). `None` when the text has no known label.
pub fn extract_form(text: &str) -> Option<String> {
    let lines = split_lines(text);
    let (start, end) = form_bounds(&lines)?;
    Some(lines.get(start..end)?.join("\n"))
}

// ---------------------------------------------------------------------------------------------
// Fields and labels
// ---------------------------------------------------------------------------------------------

/// The template's fields, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Kind,
    Title,
    SubmittedBy,
    SubmitterType,
    SubmitterCountry,
    CountriesConcerned,
    AreasOfWork,
    KindsOfAssistance,
    Amount,
    Currency,
    StartDate,
    EndDate,
    ContactName,
    ContactEmail,
    ContactPhone,
    Summary,
    Description,
    HowToApply,
    Links,
}

const FIELDS: [Field; 19] = [
    Field::Kind,
    Field::Title,
    Field::SubmittedBy,
    Field::SubmitterType,
    Field::SubmitterCountry,
    Field::CountriesConcerned,
    Field::AreasOfWork,
    Field::KindsOfAssistance,
    Field::Amount,
    Field::Currency,
    Field::StartDate,
    Field::EndDate,
    Field::ContactName,
    Field::ContactEmail,
    Field::ContactPhone,
    Field::Summary,
    Field::Description,
    Field::HowToApply,
    Field::Links,
];

/// Labels are at most this long (in bytes); a longer text before a colon is prose.
const MAX_LABEL_BYTES: usize = 60;

impl Field {
    /// The label as the template writes it.
    fn label(self) -> &'static str {
        match self {
            Field::Kind => "Kind",
            Field::Title => "Title",
            Field::SubmittedBy => "Submitted by",
            Field::SubmitterType => "Submitter type",
            Field::SubmitterCountry => "Submitter country",
            Field::CountriesConcerned => "Countries concerned",
            Field::AreasOfWork => "Areas of work",
            Field::KindsOfAssistance => "Kinds of assistance",
            Field::Amount => "Amount",
            Field::Currency => "Currency",
            Field::StartDate => "Start date",
            Field::EndDate => "End date",
            Field::ContactName => "Contact name",
            Field::ContactEmail => "Contact e-mail",
            Field::ContactPhone => "Contact phone",
            Field::Summary => "Summary",
            Field::Description => "Description",
            Field::HowToApply => "How to apply",
            Field::Links => "Links",
        }
    }

    /// The label's [`label_key`] and other ways of writing it. Kept short on purpose: a known
    /// label inside a long field starts a new field, so "Budget:" or "Country:" in a description
    /// must stay text.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Field::Kind => &["kind"],
            Field::Title => &["title"],
            Field::SubmittedBy => &["submittedby"],
            Field::SubmitterType => &["submittertype", "typeofsubmitter"],
            Field::SubmitterCountry => &["submittercountry", "countryofsubmitter"],
            Field::CountriesConcerned => &["countriesconcerned", "countryconcerned"],
            Field::AreasOfWork => &["areasofwork", "areaofwork"],
            Field::KindsOfAssistance => &["kindsofassistance", "kindofassistance"],
            Field::Amount => &["amount"],
            Field::Currency => &["currency"],
            Field::StartDate => &["startdate"],
            Field::EndDate => &["enddate"],
            Field::ContactName => &["contactname"],
            Field::ContactEmail => &[
                "contactemail",
                "email",
                "contactemailaddress",
                "emailaddress",
            ],
            Field::ContactPhone => &["contactphone", "contacttelephone"],
            Field::Summary => &["summary"],
            Field::Description => &["description"],
            Field::HowToApply => &["howtoapply"],
            Field::Links => &["links", "link"],
        }
    }

    /// Whether the field is free text that may run over several paragraphs.
    fn is_long(self) -> bool {
        matches!(
            self,
            Field::Summary | Field::Description | Field::HowToApply
        )
    }

    /// The hint the blank template gives after the label (without its brackets), or "".
    fn hint(self) -> &'static str {
        match self {
            Field::Kind => "need / offer / project / funding source",
            Field::SubmittedBy => "name of the ministry, authority, organisation",
            Field::SubmitterType => {
                "State Party / Signatory / international organisation / NGO / other"
            }
            Field::SubmitterCountry => "required for a State Party or Signatory",
            Field::CountriesConcerned => "one or more countries, or a region, or \"global\"",
            Field::AreasOfWork => {
                "clearance and risk education / victim assistance / stockpile destruction / \
                 international cooperation and assistance / transparency and national \
                 implementation / universalisation and advocacy"
            }
            Field::KindsOfAssistance => {
                "financial / technical expertise / equipment / training / exchange of \
                 information and good practice"
            }
            Field::Amount => "e.g. 1,200,000 or USD 1.2 million",
            Field::Currency => "e.g. USD, EUR, NOK",
            Field::StartDate => "e.g. 1 March 2027 or March 2027",
            Field::EndDate => "e.g. 28 February 2029",
            Field::ContactEmail => "e.g. name@example.org",
            Field::HowToApply => {
                "offers and funding sources: how to apply, requirements, deadlines"
            }
            Field::Links => "one per line, e.g. your latest Article 7 transparency report",
            _ => "",
        }
    }

    /// What a value of this field looks like, for "is empty" and "is missing" messages.
    fn accepted(self) -> String {
        match self {
            Field::Kind => "write need, offer, project or funding source".to_string(),
            Field::Title => "write a short title".to_string(),
            Field::SubmittedBy => {
                "write the name of the ministry, authority or organisation".to_string()
            }
            Field::SubmitterType => {
                "write State Party, Signatory, international organisation, NGO or other".to_string()
            }
            Field::CountriesConcerned => PLACES_ACCEPTED.to_string(),
            Field::AreasOfWork => format!("write one or more of: {}", labels_of::<Area>()),
            _ => String::new(),
        }
    }
}

/// Finds a known label at the start of `line`: the text before the first colon outside
/// brackets, with bracketed hints, '*' marks, case, spaces and punctuation ignored. Returns the
/// field and the rest of the line after the colon.
fn match_label(line: &str) -> Option<(Field, &str)> {
    let (label, value) = split_label(line)?;
    let key = label_key(label);
    FIELDS
        .iter()
        .copied()
        .find(|f| f.spellings().contains(&key.as_str()))
        .map(|f| (f, value))
}

/// Splits `line` at its first colon outside brackets, if that colon comes early enough to end
/// a label.
fn split_label(line: &str) -> Option<(&str, &str)> {
    if is_quoted(line) {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in line.char_indices() {
        if i > MAX_LABEL_BYTES {
            return None;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' | '：' if depth == 0 => {
                return Some((line.get(..i)?, line.get(i + c.len_utf8()..)?));
            }
            _ => {}
        }
    }
    None
}

/// A label reduced to lower-case letters and digits, without bracketed parts: "Contact E-mail *"
/// and "contact email (required)" both give "contactemail".
fn label_key(label: &str) -> String {
    let mut depth = 0usize;
    let mut key = String::new();
    for c in label.chars() {
        if key.len() > MAX_LABEL_BYTES {
            break;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && c.is_alphanumeric() => key.extend(c.to_lowercase()),
            _ => {}
        }
    }
    key
}

// ---------------------------------------------------------------------------------------------
// Finding the form and reading its fields
// ---------------------------------------------------------------------------------------------

/// The lines of `text`, without a leading byte-order mark.
fn split_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().collect()
}

/// The form's first line (its first label) and the line after its end, as indices into `lines`.
fn form_bounds(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| match_label(l).is_some())?;
    let (mut last_field, _) = match_label(lines.get(start)?)?;
    let mut seen = vec![last_field];
    let mut last_label = start;
    let mut pending_break: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if let Some((field, _)) = match_label(line) {
            if let Some(at) = pending_break
                && seen.contains(&field)
            {
                return Some((start, trim_blank_end(lines, start, at)));
            }
            seen.push(field);
            last_field = field;
            last_label = i;
            pending_break = None;
        } else if pending_break.is_none()
            && (is_reply_header(lines, i) || is_signature_separator(line))
        {
            pending_break = Some(i);
        }
    }
    let end = end_of_last_field(lines, last_label, last_field);
    Some((start, trim_blank_end(lines, start, end)))
}

/// Where the last field's content ends: at the first marker of a signature or quoted reply
/// after it, or (for a short field) at the first blank line after its value.
fn end_of_last_field(lines: &[&str], label_line: usize, field: Field) -> usize {
    let mut has_content = lines
        .get(label_line)
        .and_then(|l| match_label(l))
        .is_some_and(|(_, value)| !value.trim().is_empty());
    for (i, line) in lines.iter().enumerate().skip(label_line + 1) {
        if is_quoted(line) || is_signature_separator(line) || is_reply_header(lines, i) {
            return i;
        }
        if line.trim().is_empty() {
            if has_content && !field.is_long() {
                return i;
            }
        } else {
            has_content = true;
        }
    }
    lines.len()
}

/// Moves `end` back over blank lines, but not before `start + 1`.
fn trim_blank_end(lines: &[&str], start: usize, mut end: usize) -> usize {
    while end > start + 1 && lines.get(end - 1).is_some_and(|l| l.trim().is_empty()) {
        end -= 1;
    }
    end
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// "-- " (the signature separator), or a line of underscores (Outlook's reply separator).
fn is_signature_separator(line: &str) -> bool {
    let t = line.trim();
    t == "--" || (t.len() >= 8 && t.chars().all(|c| c == '_'))
}

/// The first line of a quoted or forwarded message's header: "-----Original Message-----",
/// "On … wrote:", "From: … / Sent: …", "Begin forwarded message:" and the like.
fn is_reply_header(lines: &[&str], i: usize) -> bool {
    let Some(line) = lines.get(i) else {
        return false;
    };
    let t = line.trim();
    let lower = t.to_lowercase();
    if (lower.contains("original message") || lower.contains("forwarded message"))
        && t.starts_with("--")
        || lower.starts_with("begin forwarded message")
    {
        return true;
    }
    let ends_wrote = |s: &str| {
        let s = s.trim().to_lowercase();
        ["wrote:", "a écrit :", "a écrit:", "schrieb:", "escribió:"]
            .iter()
            .any(|w| s.ends_with(w))
    };
    if starts_with_ignoring_case(t, "on ") || starts_with_ignoring_case(t, "le ") {
        let next_ends = lines
            .get(i + 1)
            .is_some_and(|n| n.trim().len() < 60 && ends_wrote(n));
        return ends_wrote(t) || next_ends;
    }
    if starts_with_ignoring_case(t, "from:") {
        return lines.iter().skip(i + 1).take(4).any(|n| {
            let n = n.trim();
            starts_with_ignoring_case(n, "sent:") || starts_with_ignoring_case(n, "date:")
        });
    }
    false
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// One line of a field's value (the rest of the label line, or a continuation line), trimmed.
#[derive(Debug, Clone)]
struct Piece {
    line: usize,
    text: String,
}

/// A label and everything written under it until the next label.
#[derive(Debug, Clone)]
struct Entry {
    field: Field,
    line: usize,
    pieces: Vec<Piece>,
}

/// Reads `lines[start..end]` into entries: a known label starts one, every other line continues
/// the current one (an unknown `Something:` line too). Hints are removed.
fn read_entries(lines: &[&str], start: usize, end: usize) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for (i, raw) in lines.iter().enumerate().take(end).skip(start) {
        let line = i + 1;
        if let Some((field, value)) = match_label(raw) {
            entries.push(Entry {
                field,
                line,
                pieces: vec![Piece {
                    line,
                    text: value.trim().to_string(),
                }],
            });
        } else if let Some(entry) = entries.last_mut() {
            entry.pieces.push(Piece {
                line,
                text: raw.trim().to_string(),
            });
        }
    }
    for entry in &mut entries {
        strip_hints(entry);
    }
    entries
}

/// Removes the template's hints in brackets from a value, even when they run over several
/// lines. The field's own hint goes wherever it is; another bracketed text goes only when it
/// opens a short field's value and reads like a hint ("(e.g. …)", "(a / b / c)").
fn strip_hints(entry: &mut Entry) {
    let mut flat: Vec<char> = Vec::new();
    for (i, piece) in entry.pieces.iter().enumerate() {
        if i > 0 {
            flat.push('\n');
        }
        flat.extend(piece.text.chars());
    }
    if !flat.contains(&'(') {
        return;
    }
    let closing = matching_brackets(&flat);
    let mut kept: Vec<char> = Vec::with_capacity(flat.len());
    let mut at_start = true;
    let mut i = 0;
    while let Some(&c) = flat.get(i) {
        if let Some(Some(close)) = closing.get(i)
            && *close - i <= MAX_HINT_CHARS
            && let Some(inner) = flat.get(i + 1..*close)
        {
            let inner: String = inner.iter().collect();
            if is_hint(entry.field, &inner, at_start) {
                // Keep the line breaks so that every piece keeps its line.
                kept.extend(inner.chars().filter(|c| *c == '\n'));
                i = close + 1;
                continue;
            }
        }
        if !c.is_whitespace() {
            at_start = false;
        }
        kept.push(c);
        i += 1;
    }
    let kept: String = kept.into_iter().collect();
    for (piece, text) in entry.pieces.iter_mut().zip(kept.split('\n')) {
        piece.text = text.trim().to_string();
    }
}

/// Hints are shorter than this (in characters); longer bracketed text is never compared, which
/// keeps deeply nested brackets from taking quadratic time.
const MAX_HINT_CHARS: usize = 400;

/// For every '(' in `chars`, the index of its matching ')', if any.
fn matching_brackets(chars: &[char]) -> Vec<Option<usize>> {
    let mut closing = vec![None; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop()
                    && let Some(slot) = closing.get_mut(o)
                {
                    *slot = Some(i);
                }
            }
            _ => {}
        }
    }
    closing
}

fn is_hint(field: Field, inner: &str, at_start: bool) -> bool {
    let k = key(inner);
    if !field.hint().is_empty() && k == key(field.hint()) {
        return true;
    }
    if field.is_long() || !at_start {
        return false;
    }
    k.is_empty()
        || k.starts_with("e g ")
        || k.starts_with("eg ")
        || k.starts_with("for example")
        || inner.contains(" / ")
}

/// The entries of a form, one per field, and the errors for fields given twice.
struct Form {
    entries: Vec<Entry>,
    duplicates: Vec<TemplateError>,
}

impl Form {
    /// Keeps, for each field, the first entry with a value (or the first entry when none has
    /// one); a second entry with a value is an error.
    fn new(all: Vec<Entry>) -> Form {
        let mut entries: Vec<Entry> = Vec::new();
        let mut duplicates = Vec::new();
        for entry in all {
            match entries.iter_mut().find(|e| e.field == entry.field) {
                None => entries.push(entry),
                Some(kept) if kept.is_empty() => *kept = entry,
                Some(_) if entry.is_empty() => {}
                Some(kept) => duplicates.push(TemplateError::new(
                    entry.line,
                    entry.field,
                    &entry.joined(),
                    format!(
                        "is given a second time (first on line {}); keep one \"{}\" line",
                        kept.line,
                        entry.field.label()
                    ),
                )),
            }
        }
        Form {
            entries,
            duplicates,
        }
    }

    fn get(&self, field: Field) -> Option<&Entry> {
        self.entries.iter().find(|e| e.field == field)
    }

    /// The entry, if it has a value.
    fn value(&self, field: Field) -> Option<&Entry> {
        self.get(field).filter(|e| !e.is_empty())
    }

    /// The line of the field's label, 0 when it is absent.
    fn line(&self, field: Field) -> usize {
        self.get(field).map_or(0, |e| e.line)
    }
}

impl Entry {
    /// Every piece with text, joined by single spaces.
    fn joined(&self) -> String {
        let parts: Vec<&str> = self
            .pieces
            .iter()
            .map(|p| p.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(" ")
    }

    fn is_empty(&self) -> bool {
        is_not_given(&self.joined())
    }

    /// Free text: lines kept, runs of blank lines made one paragraph break.
    fn long_text(&self) -> String {
        let mut out = String::new();
        let mut blank = false;
        for piece in &self.pieces {
            let text = piece.text.trim();
            if text.is_empty() {
                blank = !out.is_empty();
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank { "\n\n" } else { "\n" });
            }
            out.push_str(text);
            blank = false;
        }
        if is_not_given(&out) {
            String::new()
        } else {
            out
        }
    }

    /// The pieces with text, each with its line.
    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.pieces
            .iter()
            .map(|p| (p.line, p.text.trim()))
            .filter(|(_, t)| !t.is_empty())
    }

    /// The line a problem with the whole value belongs to: the first line with text.
    fn value_line(&self) -> usize {
        self.lines().next().map_or(self.line, |(line, _)| line)
    }

    fn error(&self, problem: Problem) -> TemplateError {
        self.error_at(self.value_line(), &self.joined(), problem)
    }

    fn error_at(&self, line: usize, written: &str, problem: Problem) -> TemplateError {
        TemplateError::new(line, self.field, written, problem.message)
            .suggesting(problem.suggestions)
    }
}

/// Whether a value says "nothing": empty, only dashes or dots, or "n/a", "none", "TBD"…
fn is_not_given(text: &str) -> bool {
    let t = text.trim();
    if t.chars()
        .all(|c| c.is_whitespace() || "-–—_./?*".contains(c))
    {
        return true;
    }
    matches!(
        key(t).as_str(),
        "n a"
            | "na"
            | "none"
            | "nil"
            | "not applicable"
            | "tbd"
            | "tba"
            | "tbc"
            | "to be determined"
            | "to be confirmed"
            | "unknown"
            | "ongoing"
            | "open"
            | "open ended"
    )
}

/// What is wrong with a value, before it is placed on a line.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    message: String,
    suggestions: Vec<String>,
}

impl Problem {
    fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    fn suggesting(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Building the submission
// ---------------------------------------------------------------------------------------------

/// Reads every field of the form into a submission, pushing a problem for each value it cannot
/// read. A field that could not be read is left empty (kind and submitter type get a stand-in),
/// so that validation can still look at the rest.
fn build(form: &Form, errors: &mut Vec<TemplateError>) -> Submission {
    let kind = required(form, Field::Kind, errors)
        .and_then(|e| record(parse_kind(&e.joined()).map_err(|p| e.error(p)), errors))
        .unwrap_or(Kind::Need);
    let title = required(form, Field::Title, errors).map_or_else(String::new, |e| e.joined());
    let organisation =
        required(form, Field::SubmittedBy, errors).map_or_else(String::new, |e| e.joined());
    let submitter_kind = required(form, Field::SubmitterType, errors)
        .and_then(|e| {
            record(
                parse_submitter_type(&e.joined()).map_err(|p| e.error(p)),
                errors,
            )
        })
        .unwrap_or(SubmitterType::Other);
    let country = form
        .value(Field::SubmitterCountry)
        .and_then(|e| record(parse_country(&e.joined()).map_err(|p| e.error(p)), errors));
    let beneficiaries = required(form, Field::CountriesConcerned, errors)
        .map(|e| parse_places(e, errors))
        .unwrap_or_default();
    let areas = required(form, Field::AreasOfWork, errors)
        .map(|e| parse_terms(e, AREA_WORDS, errors))
        .unwrap_or_default();
    let assistance = form
        .value(Field::KindsOfAssistance)
        .map(|e| parse_terms(e, ASSISTANCE_WORDS, errors))
        .unwrap_or_default();
    let funding = parse_funding(form, errors);
    let period = parse_period(form, errors);
    let contact = parse_contact(form, errors);
    let links = form
        .value(Field::Links)
        .map(|e| parse_links(e, errors))
        .unwrap_or_default();
    let text = |field| form.value(field).map_or_else(String::new, Entry::long_text);

    Submission {
        id: String::new(),
        kind,
        status: Status::Pending,
        version: 1,
        submitter: Submitter {
            organisation,
            kind: submitter_kind,
            country,
        },
        title,
        summary: text(Field::Summary),
        description: text(Field::Description),
        beneficiaries,
        areas,
        dac_sectors: Vec::new(),
        assistance,
        funding,
        period,
        contact,
        how_to_apply: text(Field::HowToApply),
        links,
        status_note: None,
        timestamps: Timestamps::default(),
        provenance: Provenance::default(),
    }
}

/// The entry of a required field, or an error saying it is missing or empty.
fn required<'a>(
    form: &'a Form,
    field: Field,
    errors: &mut Vec<TemplateError>,
) -> Option<&'a Entry> {
    match form.get(field) {
        None => {
            errors.push(TemplateError::new(
                0,
                field,
                "",
                format!(
                    "is missing; it is required: add a line \"{}: …\" and {}",
                    field.label(),
                    field.accepted()
                ),
            ));
            None
        }
        Some(entry) if entry.is_empty() => {
            errors.push(TemplateError::new(
                entry.line,
                field,
                "",
                format!("is empty; it is required: {}", field.accepted()),
            ));
            None
        }
        Some(entry) => Some(entry),
    }
}

/// The value of `result`, or `None` after recording its error.
fn record<T>(result: Result<T, TemplateError>, errors: &mut Vec<TemplateError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// Turns one of `validate()`'s errors into a template error on the line of the label it is
/// about (or of the closest label present, so that every error carries a line when it can).
fn map_field_error(form: &Form, error: &FieldError) -> TemplateError {
    let fields: &[Field] = match error.field {
        "title" => &[Field::Title],
        "submitter.organisation" => &[Field::SubmittedBy],
        "submitter.country" => &[Field::SubmitterCountry, Field::SubmitterType],
        "beneficiaries" | "beneficiaries.countries" | "beneficiaries.regions" => {
            &[Field::CountriesConcerned]
        }
        "areas" | "dac_sectors" => &[Field::AreasOfWork],
        "funding.amount" => &[Field::Amount],
        "funding.currency" => &[Field::Currency, Field::Amount],
        "period" => &[Field::EndDate, Field::StartDate],
        "contact.email" => &[Field::ContactEmail],
        _ => &[Field::Kind, Field::Title],
    };
    let main = fields.first().copied().unwrap_or(Field::Kind);
    let line = fields
        .iter()
        .map(|f| form.line(*f))
        .find(|line| *line > 0)
        .unwrap_or(0);
    let written = form.get(main).map(Entry::joined).unwrap_or_default();
    TemplateError::new(line, main, &written, error.message.clone())
}

// ---------------------------------------------------------------------------------------------
// Kind and submitter type
// ---------------------------------------------------------------------------------------------

const KIND_WORDS: &[(&str, Kind)] = &[
    ("needs", Kind::Need),
    ("request", Kind::Need),
    ("offers", Kind::Offer),
    ("projects", Kind::Project),
    ("funding sources", Kind::FundingSource),
    ("fund", Kind::FundingSource),
    ("funds", Kind::FundingSource),
    ("trust fund", Kind::FundingSource),
    ("funding", Kind::FundingSource),
];

const SUBMITTER_TYPE_WORDS: &[(&str, SubmitterType)] = &[
    ("states parties", SubmitterType::StateParty),
    ("state party to the convention", SubmitterType::StateParty),
    ("signatory state", SubmitterType::Signatory),
    ("signatory states", SubmitterType::Signatory),
    (
        "international organization",
        SubmitterType::InternationalOrganisation,
    ),
    ("io", SubmitterType::InternationalOrganisation),
    ("un agency", SubmitterType::InternationalOrganisation),
    ("united nations", SubmitterType::InternationalOrganisation),
    ("non governmental organisation", SubmitterType::Ngo),
    ("non governmental organization", SubmitterType::Ngo),
    ("nongovernmental organisation", SubmitterType::Ngo),
    ("nongovernmental organization", SubmitterType::Ngo),
    ("civil society", SubmitterType::Ngo),
    ("civil society organisation", SubmitterType::Ngo),
    ("civil society organization", SubmitterType::Ngo),
];

/// need / offer / project / funding source, and "fund", "trust fund" for the last.
fn parse_kind(text: &str) -> Result<Kind, Problem> {
    parse_one(text, KIND_WORDS)
}

/// State Party / Signatory / international organisation ("IO") / NGO / other.
fn parse_submitter_type(text: &str) -> Result<SubmitterType, Problem> {
    parse_one(text, SUBMITTER_TYPE_WORDS)
}

/// One value of a vocabulary: its slug or label, or one of `words` (compared as [`key`]s).
fn parse_one<T: Vocabulary>(text: &str, words: &[(&str, T)]) -> Result<T, Problem> {
    let cleaned = clean_item(text);
    let without_remark = remove_brackets(cleaned);
    for candidate in [cleaned, without_remark.as_str()] {
        let k = key(candidate);
        let k = ["a ", "an ", "the "]
            .iter()
            .find_map(|a| k.strip_prefix(*a))
            .unwrap_or(&k);
        if let Ok(value) = T::parse(k) {
            return Ok(value);
        }
        if let Some((_, value)) = words.iter().find(|(w, _)| key(w) == k) {
            return Ok(*value);
        }
    }
    Err(Problem::new(format!(
        "is not a {}; write one of: {}",
        T::WHAT,
        labels_of::<T>()
    ))
    .suggesting(nearest_labels::<T>(&key(cleaned))))
}

/// The labels of a vocabulary, lower-cased except for acronyms and "State Party", comma-joined.
fn labels_of<T: Vocabulary>() -> String {
    let labels: Vec<String> = T::ALL.iter().map(|v| readable_label(v.label())).collect();
    labels.join(", ")
}

fn readable_label(label: &str) -> String {
    if label.chars().skip(1).any(|c| c.is_uppercase()) {
        label.to_string()
    } else {
        label.to_lowercase()
    }
}

/// Labels of a vocabulary close to `text`, for suggestions.
fn nearest_labels<T: Vocabulary>(text: &str) -> Vec<String> {
    if !suggestable(text) {
        return Vec::new();
    }
    let mut scored: Vec<(f64, String)> = T::ALL
        .iter()
        .map(|v| {
            let label = readable_label(v.label());
            let label_key = key(&label);
            // Jaro-Winkler is harsh on short words with swapped letters ("NOG" for "NGO").
            let close = strsim::damerau_levenshtein(text, &label_key) <= 1;
            let score = strsim::jaro_winkler(text, &label_key);
            (if close { score.max(0.8) } else { score }, label)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(2).map(|(_, label)| label).collect()
}

// ---------------------------------------------------------------------------------------------
// Areas of work and kinds of assistance
// ---------------------------------------------------------------------------------------------

/// Words and phrases (as [`key`]s) that name an area of work, besides its label and slug.
const AREA_WORDS: &[(&str, Area)] = &[
    ("clearance", Area::ClearanceAndRiskEducation),
    ("demining", Area::ClearanceAndRiskEducation),
    ("de mining", Area::ClearanceAndRiskEducation),
    ("risk education", Area::ClearanceAndRiskEducation),
    ("eore", Area::ClearanceAndRiskEducation),
    ("mre", Area::ClearanceAndRiskEducation),
    ("land release", Area::ClearanceAndRiskEducation),
    ("survey", Area::ClearanceAndRiskEducation),
    ("victim assistance", Area::VictimAssistance),
    ("va", Area::VictimAssistance),
    ("assistance to victims", Area::VictimAssistance),
    ("victims", Area::VictimAssistance),
    ("survivors", Area::VictimAssistance),
    ("survivor assistance", Area::VictimAssistance),
    ("rehabilitation", Area::VictimAssistance),
    ("stockpile", Area::StockpileDestruction),
    ("stockpiles", Area::StockpileDestruction),
    ("cooperation", Area::InternationalCooperationAndAssistance),
    ("co operation", Area::InternationalCooperationAndAssistance),
    ("transparency", Area::TransparencyAndNationalImplementation),
    ("article 7", Area::TransparencyAndNationalImplementation),
    ("art 7", Area::TransparencyAndNationalImplementation),
    ("article 9", Area::TransparencyAndNationalImplementation),
    (
        "national implementation",
        Area::TransparencyAndNationalImplementation,
    ),
    ("universalisation", Area::UniversalisationAndAdvocacy),
    ("universalization", Area::UniversalisationAndAdvocacy),
    ("universality", Area::UniversalisationAndAdvocacy),
    ("advocacy", Area::UniversalisationAndAdvocacy),
];

/// Words and phrases (as [`key`]s) that name a kind of assistance, besides its label and slug.
const ASSISTANCE_WORDS: &[(&str, Assistance)] = &[
    ("finance", Assistance::Financial),
    ("financing", Assistance::Financial),
    ("money", Assistance::Financial),
    ("funding", Assistance::Financial),
    ("funds", Assistance::Financial),
    ("grant", Assistance::Financial),
    ("grants", Assistance::Financial),
    ("expertise", Assistance::TechnicalExpertise),
    ("technical assistance", Assistance::TechnicalExpertise),
    ("technical support", Assistance::TechnicalExpertise),
    ("advice", Assistance::TechnicalExpertise),
    ("advisory", Assistance::TechnicalExpertise),
    ("experts", Assistance::TechnicalExpertise),
    ("material", Assistance::Equipment),
    ("materials", Assistance::Equipment),
    ("materiel", Assistance::Equipment),
    ("training", Assistance::Training),
    ("trainings", Assistance::Training),
    ("capacity building", Assistance::Training),
    ("capacity development", Assistance::Training),
    ("information exchange", Assistance::InformationExchange),
    ("exchange of information", Assistance::InformationExchange),
    ("information sharing", Assistance::InformationExchange),
    ("good practice", Assistance::InformationExchange),
    ("good practices", Assistance::InformationExchange),
    ("best practices", Assistance::InformationExchange),
    ("lessons learned", Assistance::InformationExchange),
];

/// A list of vocabulary values, one problem per item it cannot read.
fn parse_terms<T: Vocabulary>(
    entry: &Entry,
    words: &[(&str, T)],
    errors: &mut Vec<TemplateError>,
) -> Vec<T> {
    let own = T::ALL
        .iter()
        .flat_map(|v| [(v.label(), *v), (v.slug(), *v)]);
    let phrases: Vec<(String, T)> = own
        .chain(words.iter().copied())
        .map(|(phrase, value)| (format!(" {} ", key(phrase)), value))
        .collect();
    let mut values = Vec::new();
    for (line, items) in list_items(entry) {
        for item in items {
            match parse_term(&item, &phrases) {
                Ok(found) => values.extend(found),
                Err(problem) => errors.push(entry.error_at(line, &item, problem)),
            }
        }
    }
    values
}

/// The values one list item names: its slug or label, or every value whose words it contains
/// ("victim assistance and risk education" names two areas). `phrases` are [`key`]s with a
/// space on either side, so that only whole words match ("VA" is not in "evaluation").
fn parse_term<T: Vocabulary>(item: &str, phrases: &[(String, T)]) -> Result<Vec<T>, Problem> {
    let padded = format!(" {} ", key(item));
    let mut found: Vec<T> = Vec::new();
    for (phrase, value) in phrases {
        if padded.contains(phrase.as_str()) && !found.contains(value) {
            found.push(*value);
        }
    }
    if !found.is_empty() {
        return Ok(found);
    }
    let article = if T::WHAT.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Err(Problem::new(format!(
        "is not {article} {}; write one or more of: {}",
        T::WHAT,
        labels_of::<T>()
    ))
    .suggesting(nearest_labels::<T>(&key(item))))
}

/// The items of a list field, line by line: a leading bullet or number removed, then split at
/// commas, semicolons, slashes, bullets and bars outside brackets.
fn list_items(entry: &Entry) -> Vec<(usize, Vec<String>)> {
    entry
        .lines()
        .map(|(line, text)| {
            let items = split_outside_brackets(strip_bullet(text), &[',', ';', '•', '·', '/', '|'])
                .into_iter()
                .map(|item| clean_item(item).to_string())
                .filter(|item| !item.is_empty())
                .collect();
            (line, items)
        })
        .collect()
}

/// `text` without a leading list mark: a bullet ("•", "-", "*", "·", …) or a number ("1.", "2)").
fn strip_bullet(text: &str) -> &str {
    let text = text.trim_start();
    let bullets = [
        '•', '-', '*', '·', '–', '—', '‣', '◦', '▪', '○', '■', '►', '→',
    ];
    if let Some(rest) = text.strip_prefix(bullets) {
        return rest.trim_start();
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits)
        && let Some(rest) = text.get(digits..)
        && let Some(rest) = rest.strip_prefix(['.', ')'])
        && rest.starts_with(char::is_whitespace)
    {
        return rest.trim_start();
    }
    text
}

/// Splits at any of `separators` that is not inside round or square brackets.
fn split_outside_brackets<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && separators.contains(&c) => {
                parts.extend(text.get(from..i));
                from = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.extend(text.get(from..));
    parts
}

/// An item without surrounding spaces, quotes, a trailing full stop, or a leading "and"/"&"
/// (as in "Laos, Cambodia, and Viet Nam").
fn clean_item(text: &str) -> &str {
    let mut t = text.trim();
    for prefix in ["and ", "& ", "or "] {
        if starts_with_ignoring_case(t, prefix) {
            t = t.get(prefix.len()..).unwrap_or(t).trim_start();
        }
    }
    t.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’' | '.' | '!')
    })
}

// ---------------------------------------------------------------------------------------------
// Countries, regions, "global"
// ---------------------------------------------------------------------------------------------

const PLACES_ACCEPTED: &str = "write countries by English name or ISO code (e.g. Lao PDR, Laos \
    or LAO), a UN M49 region (e.g. South-eastern Asia or 035), or \"global\"";

/// Where help goes: a country (ISO alpha-3), a UN M49 region, or everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Country(&'static str),
    Region(&'static str),
    Global,
}

/// Regions as people name them where M49 names them otherwise.
const REGION_ALIASES: &[(&str, &str)] = &[
    ("south east asia", "035"),
    ("southeast asia", "035"),
    ("latin america", "419"),
    ("sub saharan africa", "202"),
    ("subsaharan africa", "202"),
    ("central america and the caribbean", "419"),
];

/// Countries concerned: countries, regions or "global", one problem per item not understood.
fn parse_places(entry: &Entry, errors: &mut Vec<TemplateError>) -> Beneficiaries {
    let mut beneficiaries = Beneficiaries::default();
    let mut reported = 0;
    for (line, items) in list_items(entry) {
        let (places, unknown) = resolve_places(&items);
        for place in places {
            match place {
                Place::Country(code) => beneficiaries.countries.push(code.to_string()),
                Place::Region(code) => beneficiaries.regions.push(code.to_string()),
                Place::Global => beneficiaries.global = true,
            }
        }
        for text in unknown {
            let suggestions = if reported < MAX_SUGGESTED_PER_FIELD {
                suggest_places(&text)
            } else {
                Vec::new()
            };
            reported += 1;
            let problem = Problem::new(format!("is not a country or region; {PLACES_ACCEPTED}"))
                .suggesting(suggestions);
            errors.push(entry.error_at(line, &text, problem));
        }
    }
    beneficiaries
}

/// Reads the items of one line. Two or three items may be one name with commas ("Korea,
/// Republic of"), so the longest run that names a place wins; an item that is no place may be
/// several joined by "and", but "Bosnia and Herzegovina" is tried whole first.
fn resolve_places(items: &[String]) -> (Vec<Place>, Vec<String>) {
    let mut places = Vec::new();
    let mut unknown = Vec::new();
    let mut i = 0;
    'items: while i < items.len() {
        for run in (2..=3).rev() {
            if let Some(group) = items.get(i..i + run)
                && let Some(found) = place(&group.join(", "))
            {
                places.push(found);
                i += run;
                continue 'items;
            }
        }
        if let Some(item) = items.get(i) {
            resolve_and_list(item, &mut places, &mut unknown);
        }
        i += 1;
    }
    (places, unknown)
}

/// Reads "Laos and Cambodia", keeping names that contain "and" whole where they exist.
fn resolve_and_list(item: &str, places: &mut Vec<Place>, unknown: &mut Vec<String>) {
    if let Some(found) = place(item) {
        places.push(found);
        return;
    }
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    for word in item.split_whitespace() {
        if word.eq_ignore_ascii_case("and") || word == "&" {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(word);
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect();
    if parts.len() <= 1 {
        unknown.push(item.to_string());
        return;
    }
    let mut i = 0;
    'parts: while i < parts.len() {
        // The longest country name has three "and"s in it.
        for end in (i + 1..=(i + 4).min(parts.len())).rev() {
            if let Some(group) = parts.get(i..end)
                && let Some(found) = place(&group.join(" and "))
            {
                places.push(found);
                i = end;
                continue 'parts;
            }
        }
        if let Some(part) = parts.get(i) {
            unknown.push(part.clone());
        }
        i += 1;
    }
}

/// A single place: "global", a country (name, alias or code), or a region (name or M49 code);
/// a bracketed remark ("Lao PDR (Xieng Khouang province)") is ignored if need be.
fn place(text: &str) -> Option<Place> {
    let text = clean_item(text);
    if text.is_empty() {
        return None;
    }
    let k = key(text);
    if matches!(
        k.as_str(),
        "global"
            | "worldwide"
            | "world wide"
            | "world"
            | "the world"
            | "all countries"
            | "any country"
            | "everywhere"
            | "international"
    ) {
        return Some(Place::Global);
    }
    if let Some(country) = codes::country(text) {
        return Some(Place::Country(country.alpha3));
    }
    if let Some(region) = codes::region(text) {
        return Some(Place::Region(region.code));
    }
    if let Some((_, code)) = REGION_ALIASES.iter().find(|(alias, _)| *alias == k)
        && let Some(region) = codes::region(code)
    {
        return Some(Place::Region(region.code));
    }
    let without_brackets = remove_brackets(text);
    if without_brackets != text {
        return place(&without_brackets);
    }
    None
}

/// The nearest countries, then any region whose name is close.
fn suggest_places(text: &str) -> Vec<String> {
    if !suggestable(text) {
        return Vec::new();
    }
    codes::suggest_places(text)
}

/// The submitter's own country: one country, by name, alias or code.
fn parse_country(text: &str) -> Result<String, Problem> {
    let cleaned = clean_item(text);
    codes::country(cleaned)
        .or_else(|| codes::country(&remove_brackets(cleaned)))
        .map(|c| c.alpha3.to_string())
        .ok_or_else(|| {
            Problem::new(
                "is not a country; write one country by English name or ISO code, e.g. Lao PDR, \
                 Laos or LAO",
            )
            .suggesting(if suggestable(cleaned) {
                codes::suggest_countries(cleaned)
            } else {
                Vec::new()
            })
        })
}

/// `text` without anything in round brackets.
fn remove_brackets(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Amounts and currencies
// ---------------------------------------------------------------------------------------------

const AMOUNT_ACCEPTED: &str = "write e.g. 1200000 or USD 1.2 million";

/// Currency symbols that may stand before or after a number.
const CURRENCY_SYMBOLS: &[char] = &[
    '€', '£', '$', '¥', '₩', '₹', '₭', '៛', '฿', '₫', '₺', '₴', '₦', '₱', '₪', '₽', '¢',
];

/// Words for "thousand", "million", "billion" and their factors.
const MULTIPLIERS: &[(&str, f64)] = &[
    ("k", 1e3),
    ("thousand", 1e3),
    ("thousands", 1e3),
    ("m", 1e6),
    ("mn", 1e6),
    ("mln", 1e6),
    ("mio", 1e6),
    ("mill", 1e6),
    ("million", 1e6),
    ("millions", 1e6),
    ("b", 1e9),
    ("bn", 1e9),
    ("bln", 1e9),
    ("billion", 1e9),
    ("billions", 1e9),
];

/// Words around an amount that change nothing.
const AMOUNT_FILLERS: &[&str] = &[
    "a",
    "about",
    "approx",
    "approximately",
    "around",
    "ca",
    "circa",
    "some",
    "up",
    "to",
    "total",
    "of",
    "in",
    "estimated",
    "est",
    "max",
    "maximum",
];

/// Currency words and symbols (lower case, spaces and full stops removed) for unambiguous
/// currencies; a plural "s" is dropped before looking up.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("euro", "EUR"),
    ("$", "USD"),
    ("us$", "USD"),
    ("usd$", "USD"),
    ("$us", "USD"),
    ("dollar", "USD"),
    ("usdollar", "USD"),
    ("americandollar", "USD"),
    ("£", "GBP"),
    ("pound", "GBP"),
    ("sterling", "GBP"),
    ("poundsterling", "GBP"),
    ("poundssterling", "GBP"),
    ("britishpound", "GBP"),
    ("¥", "JPY"),
    ("yen", "JPY"),
    ("japaneseyen", "JPY"),
    ("swissfranc", "CHF"),
    ("sfr", "CHF"),
    ("norwegiankrone", "NOK"),
    ("norwegiankroner", "NOK"),
    ("swedishkrona", "SEK"),
    ("swedishkronor", "SEK"),
    ("krona", "SEK"),
    ("kronor", "SEK"),
    ("danishkrone", "DKK"),
    ("danishkroner", "DKK"),
    ("canadiandollar", "CAD"),
    ("c$", "CAD"),
    ("ca$", "CAD"),
    ("australiandollar", "AUD"),
    ("a$", "AUD"),
    ("au$", "AUD"),
    ("newzealanddollar", "NZD"),
    ("nz$", "NZD"),
    ("₩", "KRW"),
    ("₹", "INR"),
    ("₭", "LAK"),
    ("៛", "KHR"),
    ("฿", "THB"),
    ("₫", "VND"),
    ("₺", "TRY"),
    ("₴", "UAH"),
    ("₦", "NGN"),
    ("₱", "PHP"),
    ("₪", "ILS"),
    ("r$", "BRL"),
    ("zł", "PLN"),
];

/// Currency words that fit several currencies, most likely first.
const AMBIGUOUS_CURRENCIES: &[(&str, &[&str])] = &[
    ("kr", &["NOK", "SEK", "DKK"]),
    ("krone", &["NOK", "DKK"]),
    ("kroner", &["NOK", "DKK"]),
    ("franc", &["CHF", "XOF", "XAF"]),
];

/// What a currency text names.
#[derive(Debug, Clone, PartialEq)]
enum CurrencyMatch {
    Known(String),
    Ambiguous(&'static [&'static str]),
    Unknown,
}

/// Finds the currency a code, word or symbol names: an ISO 4217 code of the rate table, or one
/// of [`CURRENCY_WORDS`] ("US$", "€", "euros", "Swiss francs").
fn resolve_currency(text: &str) -> CurrencyMatch {
    let squashed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_lowercase)
        .collect();
    if squashed.len() == 3
        && squashed.chars().all(|c| c.is_ascii_alphabetic())
        && codes::usd_rate(&squashed).is_some()
    {
        return CurrencyMatch::Known(squashed.to_ascii_uppercase());
    }
    let singular = squashed
        .strip_suffix('s')
        .filter(|s| s.chars().count() > 2)
        .unwrap_or(&squashed);
    for word in [squashed.as_str(), singular] {
        if let Some((_, code)) = CURRENCY_WORDS.iter().find(|(w, _)| *w == word) {
            return CurrencyMatch::Known((*code).to_string());
        }
        if let Some((_, codes)) = AMBIGUOUS_CURRENCIES.iter().find(|(w, _)| *w == word) {
            return CurrencyMatch::Ambiguous(codes);
        }
    }
    CurrencyMatch::Unknown
}

/// The problem with a currency text that [`resolve_currency`] did not accept.
fn currency_problem(text: &str, found: &CurrencyMatch) -> Problem {
    match found {
        CurrencyMatch::Ambiguous(candidates) => Problem::new(format!(
            "could be several currencies; write the ISO code: {}",
            or_list(candidates)
        ))
        .suggesting(candidates.iter().map(|c| with_currency_name(c)).collect()),
        _ => {
            let message = match codes::currency_name(text.trim()) {
                Some(_) => "is a currency the portal has no exchange rate for; write the amount \
                            in a currency of its table, e.g. USD, EUR or GBP"
                    .to_string(),
                None => "is not a currency; write an ISO 4217 code, e.g. USD, EUR, GBP, CHF or \
                         NOK"
                .to_string(),
            };
            let suggestions = if suggestable(text) {
                codes::suggest_currencies(text)
            } else {
                Vec::new()
            };
            Problem::new(message).suggesting(suggestions)
        }
    }
}

fn with_currency_name(code: &str) -> String {
    match codes::currency_name(code) {
        Some(name) => format!("{code} ({name})"),
        None => code.to_string(),
    }
}

/// The Currency field: a code, symbol or currency name.
fn parse_currency(text: &str) -> Result<String, Problem> {
    let text = clean_item(text);
    let mut found = resolve_currency(text);
    if found == CurrencyMatch::Unknown {
        found = resolve_currency(&remove_brackets(text));
    }
    match found {
        CurrencyMatch::Known(code) => Ok(code),
        other => Err(currency_problem(text, &other)),
    }
}

/// A piece of an amount.
#[derive(Debug, Clone, PartialEq)]
enum AmountToken {
    /// Digits with the separators between them, as written.
    Number(String),
    Word(String),
    Symbol(char),
    Minus,
}

/// Splits an amount into numbers, words and symbols; `Err` with the first character that has
/// no place in an amount.
fn lex_amount(text: &str) -> Result<Vec<AmountToken>, char> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&d) = chars.get(i) {
                let continues = d.is_ascii_digit()
                    || (is_digit_separator(d)
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
                if !continues {
                    break;
                }
                number.push(d);
                i += 1;
            }
            tokens.push(AmountToken::Number(number));
            continue;
        }
        if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.get(i).filter(|d| d.is_alphabetic()) {
                word.push(d);
                i += 1;
            }
            tokens.push(AmountToken::Word(word));
            continue;
        }
        if CURRENCY_SYMBOLS.contains(&c) {
            tokens.push(AmountToken::Symbol(c));
        } else if matches!(c, '-' | '−' | '–') {
            tokens.push(AmountToken::Minus);
        } else if !(c.is_whitespace() || ",.;:~≈+()[]/*'\"=".contains(c)) {
            return Err(c);
        }
        i += 1;
    }
    Ok(tokens)
}

fn is_digit_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '\'' | '’' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'
    )
}

/// The Amount field: a positive number, perhaps with "thousand", "million" or "billion" (or k, m,
/// mn, bn) and a currency before or after it. `Ok(None)` when nothing is written.
fn parse_amount(text: &str) -> Result<(f64, Option<String>), Problem> {
    let text = remove_brackets(text);
    let tokens = lex_amount(&text).map_err(|c| {
        Problem::new(format!(
            "is not an amount: \"{c}\" has no place in one; {AMOUNT_ACCEPTED}"
        ))
    })?;
    let numbers: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, AmountToken::Number(_)))
        .map(|(i, _)| i)
        .collect();
    let at = match numbers.as_slice() {
        [] => return Err(Problem::new(format!("is not an amount; {AMOUNT_ACCEPTED}"))),
        [at] => *at,
        _ => {
            return Err(Problem::new(
                "has more than one number; write one amount, e.g. 1200000 or USD 1.2 million",
            ));
        }
    };
    if at > 0 && tokens.get(at - 1) == Some(&AmountToken::Minus) {
        return Err(Problem::new("is negative; write an amount above zero"));
    }
    let (factor, before, after) = amount_words(&tokens, at)?;
    let currency = amount_currency(&before, &after)?;
    let raw = match tokens.get(at) {
        Some(AmountToken::Number(raw)) => raw.as_str(),
        _ => "",
    };
    let value = read_number(raw, factor.is_some()).ok_or_else(|| {
        Problem::new(format!(
            "is not a number; group thousands by three (1,200,000 or 1 200 000) and write \
             decimals after one point or comma (1.5 million); {AMOUNT_ACCEPTED}"
        ))
    })? * factor.unwrap_or(1.0);
    if !value.is_finite() {
        return Err(Problem::new(format!("is too large; {AMOUNT_ACCEPTED}")));
    }
    if value <= 0.0 {
        return Err(Problem::new(
            "is zero; write an amount above zero, or leave Amount empty",
        ));
    }
    Ok((value, currency))
}

/// Sorts the words and symbols of an amount: the multiplier, and the currency text before and
/// after the number (fillers dropped). A word that is no multiplier but close to one ("millon")
/// is a problem of its own.
fn amount_words(
    tokens: &[AmountToken],
    at: usize,
) -> Result<(Option<f64>, String, String), Problem> {
    let mut factor = None;
    let mut before = String::new();
    let mut after = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let side = if i < at { &mut before } else { &mut after };
        match token {
            AmountToken::Word(word) => {
                let lower = word.to_lowercase();
                if let Some((_, f)) = MULTIPLIERS.iter().find(|(w, _)| *w == lower) {
                    if factor.is_some() {
                        return Err(Problem::new(format!(
                            "has two multipliers; {AMOUNT_ACCEPTED}"
                        )));
                    }
                    factor = Some(*f);
                } else if !AMOUNT_FILLERS.contains(&lower.as_str()) {
                    side.push(' ');
                    side.push_str(word);
                }
            }
            AmountToken::Symbol(c) => side.push(*c),
            AmountToken::Number(_) | AmountToken::Minus => {}
        }
    }
    Ok((factor, before.trim().to_string(), after.trim().to_string()))
}

/// The currency named before and/or after the number, if any; they must agree.
fn amount_currency(before: &str, after: &str) -> Result<Option<String>, Problem> {
    let mut currency: Option<String> = None;
    for text in [before, after] {
        if text.is_empty() {
            continue;
        }
        let code = currency_in(text)?;
        match &currency {
            Some(first) if *first != code => {
                return Err(Problem::new(format!(
                    "names two currencies, {first} and {code}; write one"
                )));
            }
            _ => currency = Some(code),
        }
    }
    Ok(currency)
}

/// Words around an amount this many or more are prose, not an amount.
const MAX_AMOUNT_WORDS: usize = 8;

/// The currency among the words on one side of an amount ("US dollars", "EUR"): the longest
/// run of words that names one. Any other word is a problem of its own.
fn currency_in(text: &str) -> Result<String, Problem> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = words.len();
    if n >= MAX_AMOUNT_WORDS {
        return Err(extra_words_problem(text));
    }
    for len in (1..=n).rev() {
        for from in 0..=n - len {
            let (Some(run), Some(head), Some(tail)) = (
                words.get(from..from + len),
                words.get(..from),
                words.get(from + len..),
            ) else {
                continue;
            };
            let found = resolve_currency(&run.join(" "));
            match found {
                CurrencyMatch::Known(code) if head.is_empty() && tail.is_empty() => {
                    return Ok(code);
                }
                CurrencyMatch::Known(_) => {
                    let rest = [head, tail].concat().join(" ");
                    return Err(
                        multiplier_typo(&rest).unwrap_or_else(|| extra_words_problem(&rest))
                    );
                }
                CurrencyMatch::Ambiguous(_) if len == n => {
                    return Err(currency_problem(text, &found));
                }
                _ => {}
            }
        }
    }
    Err(multiplier_typo(text).unwrap_or_else(|| currency_problem(text, &CurrencyMatch::Unknown)))
}

fn extra_words_problem(words: &str) -> Problem {
    Problem::new(format!(
        "is not an amount: \"{words}\" has no place in one; write the amount and its currency \
         only, e.g. USD 1200000 (remarks go in the Description)"
    ))
}

/// A problem for a word that looks like a misspelt "thousand", "million" or "billion".
fn multiplier_typo(text: &str) -> Option<Problem> {
    if !suggestable(text) {
        return None;
    }
    let lower = text.to_lowercase();
    let nearest = ["thousand", "million", "billion"]
        .into_iter()
        .map(|w| (strsim::jaro_winkler(&lower, w), w))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(
        Problem::new(format!(
            "is not an amount: \"{text}\" is not a word for one; accepted: thousand, million, \
             billion (or k, m, mn, bn), e.g. 1200000 or 1.2 million"
        ))
        .suggesting(vec![nearest.1.to_string()]),
    )
}

/// Reads digits with thousands separators and a decimal point or comma.
///
/// - Spaces, apostrophes ("300'000") and a separator used more than once group thousands.
/// - With both "," and "." the last one is the decimal mark ("1.200.000,50", "1,200,000.50").
/// - After space-grouped thousands, a single "," or "." is a decimal mark unless three digits
///   follow it ("1 200,000" is refused: it reads both ways).
/// - A single "," or "." is a decimal mark before a multiplier ("1,5 million", "12,5 million"),
///   and without one unless exactly three digits follow it: "1,200" and "1.200" are 1200 (money
///   is seldom written with three decimals), "1,5" and "1.25" are decimals.
///
/// Groups after the first must have three digits; `None` when they do not.
fn read_number(raw: &str, scaled: bool) -> Option<f64> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut separators: Vec<char> = Vec::new();
    for c in raw.chars() {
        if c.is_ascii_digit() {
            groups.last_mut()?.push(c);
        } else {
            separators.push(if matches!(c, ',' | '.') { c } else { ' ' });
            groups.push(String::new());
        }
    }
    let decimal = decimal_separator(&separators, &groups, scaled)?;
    let integer_groups = decimal.map_or(groups.len(), |d| d + 1);
    let integer = groups.get(..integer_groups)?;
    let grouping = separators.get(..integer_groups - 1)?;
    if let Some(first) = grouping.first()
        && (grouping.iter().any(|s| s != first)
            || !(1..=3).contains(&integer.first()?.len())
            || integer.iter().skip(1).any(|g| g.len() != 3))
    {
        return None;
    }
    let mut number: String = integer.concat();
    if let Some(d) = decimal {
        if d + 1 != separators.len() {
            return None;
        }
        number.push('.');
        number.push_str(groups.get(d + 1)?);
    }
    number.parse().ok()
}

/// The index (among `separators`) of the decimal mark, `Some(None)` when there is none, `None`
/// when the separators make no sense.
fn decimal_separator(
    separators: &[char],
    groups: &[String],
    scaled: bool,
) -> Option<Option<usize>> {
    let count = |c: char| separators.iter().filter(|s| **s == c).count();
    let Some(last) = separators.iter().rposition(|s| *s != ' ') else {
        return Some(None);
    };
    let mark = *separators.get(last)?;
    let other = if mark == ',' { '.' } else { ',' };
    if count(other) > 0 {
        return (count(mark) == 1).then_some(Some(last));
    }
    if count(mark) > 1 {
        return (!separators.contains(&' ')).then_some(None);
    }
    let three_after = groups.get(last + 1)?.len() == 3;
    if separators.contains(&' ') {
        // "850 000,50" has decimals; "1 200,000" could be read two ways.
        (!three_after).then_some(Some(last))
    } else if scaled || !three_after {
        Some(Some(last))
    } else {
        Some(None)
    }
}

/// Amount and Currency together: a funding, or `None` when no amount is written.
fn parse_funding(form: &Form, errors: &mut Vec<TemplateError>) -> Option<Funding> {
    let currency = form.value(Field::Currency).map(|entry| {
        let code = parse_currency(&entry.joined()).map_err(|p| entry.error(p));
        (entry, record(code, errors))
    });
    let amount_entry = form.value(Field::Amount)?;
    let amount = parse_amount(&amount_entry.joined()).map_err(|p| amount_entry.error(p));
    let (amount, written_currency) = record(amount, errors)?;
    let code = match (written_currency, currency) {
        (_, Some((_, None))) => return None,
        (Some(a), Some((entry, Some(c)))) if a != c => {
            errors.push(entry.error(Problem::new(format!(
                "does not agree with the currency on the Amount line ({a}); write one currency"
            ))));
            return None;
        }
        (_, Some((_, Some(c)))) => c,
        (Some(a), None) => a,
        (None, None) => {
            errors.push(amount_entry.error(Problem::new(
                "names no currency; write it with the amount (e.g. USD 1,200,000) or fill in \
                 Currency",
            )));
            return None;
        }
    };
    Some(Funding {
        amount,
        currency: code,
        usd: 0.0,
        rate_date: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const DATE_ACCEPTED: &str = "write e.g. 2027-03-01, 1 March 2027, March 2027, Q2 2027 or 2027";

/// Which end of a period a date is: a month, quarter or year stands for its first day at the
/// start and its last day at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Start,
    End,
}

/// A date as precisely as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Day(i32, u32, u32),
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

/// A piece of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateToken {
    /// A number and how many digits it was written with.
    Number(u32, usize),
    Month(u32),
    Quarter,
}

/// Month names and abbreviations in English, French and Spanish (the Convention's working
/// languages), without accents.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("fevrier", 2),
    ("février", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("aout", 8),
    ("août", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("decembre", 12),
    ("décembre", 12),
    ("diciembre", 12),
];

/// Words in dates that change nothing: ordinal endings, weekdays, "of", "de", "from", "by".
const DATE_FILLERS: &[&str] = &[
    "from",
    "until",
    "till",
    "by",
    "approx",
    "approximately",
    "about",
    "around",
    "ca",
    "circa",
    "st",
    "nd",
    "rd",
    "th",
    "er",
    "of",
    "the",
    "de",
    "del",
    "on",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// Start date or End date.
///
/// Day-month-year with slashes, dots or dashes ("01/03/2027") is read the international way, day
/// first; only when the second number cannot be a month ("03/25/2027") is it read month first.
fn parse_date(text: &str, bound: Bound) -> Result<NaiveDate, Problem> {
    let written = read_date(&remove_brackets(text))?;
    let (year, first_month, last_month, day) = match written {
        Written::Day(y, m, d) => (y, m, m, Some(d)),
        Written::Month(y, m) => (y, m, m, None),
        Written::Quarter(y, q) => (y, q * 3 - 2, q * 3, None),
        Written::Year(y) => (y, 1, 12, None),
    };
    if !(1950..=2100).contains(&year) {
        return Err(Problem::new(format!(
            "has the year {year}, which cannot be right; {DATE_ACCEPTED}"
        )));
    }
    let date = match (day, bound) {
        (Some(d), _) => NaiveDate::from_ymd_opt(year, first_month, d),
        (None, Bound::Start) => NaiveDate::from_ymd_opt(year, first_month, 1),
        (None, Bound::End) => last_day_of_month(year, last_month),
    };
    date.ok_or_else(|| Problem::new(format!("is not a date of the calendar; {DATE_ACCEPTED}")))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// Reads the tokens of a date into what was written, at its precision.
fn read_date(text: &str) -> Result<Written, Problem> {
    use DateToken::{Month, Number, Quarter};
    let tokens = lex_date(text)?;
    let year = |y: u32| i32::try_from(y).unwrap_or(0);
    let written = match tokens.as_slice() {
        [Number(y, 4)] => Written::Year(year(*y)),
        [Quarter, Number(q, 1), Number(y, 4)]
        | [Number(y, 4), Quarter, Number(q, 1)]
        | [Number(q, 1), Quarter, Number(y, 4)]
            if (1..=4).contains(q) =>
        {
            Written::Quarter(year(*y), *q)
        }
        [Month(m), Number(y, 4)] | [Number(y, 4), Month(m)] => Written::Month(year(*y), *m),
        [Number(y, 4), Number(m, 1..=2)] | [Number(m, 1..=2), Number(y, 4)]
            if (1..=12).contains(m) =>
        {
            Written::Month(year(*y), *m)
        }
        [Number(d, 1..=2), Month(m), Number(y, 4)]
        | [Month(m), Number(d, 1..=2), Number(y, 4)]
        | [Number(y, 4), Month(m), Number(d, 1..=2)] => Written::Day(year(*y), *m, *d),
        [Number(y, 4), Number(m, 1..=2), Number(d, 1..=2)] => Written::Day(year(*y), *m, *d),
        [Number(a, 1..=2), Number(b, 1..=2), Number(y, 4)] => {
            if *b > 12 && *a <= 12 {
                Written::Day(year(*y), *a, *b)
            } else {
                Written::Day(year(*y), *b, *a)
            }
        }
        _ => return Err(Problem::new(format!("is not a date; {DATE_ACCEPTED}"))),
    };
    Ok(written)
}

/// Splits a date into numbers, month names and quarter marks ("Q"); `Err` for any other word.
fn lex_date(text: &str) -> Result<Vec<DateToken>, Problem> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() {
            let digits: String = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .collect();
            i += digits.len();
            let value = if digits.len() <= 4 {
                digits.parse().ok()
            } else {
                None
            };
            let value =
                value.ok_or_else(|| Problem::new(format!("is not a date; {DATE_ACCEPTED}")))?;
            tokens.push(DateToken::Number(value, digits.len()));
        } else if c.is_alphabetic() {
            let word: String = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_alphabetic())
                .flat_map(|d| d.to_lowercase())
                .collect();
            i += word_length(&chars, i);
            if let Some(token) = date_word(&word)? {
                tokens.push(token);
            }
        } else {
            i += 1;
        }
    }
    Ok(tokens)
}

/// How many alphabetic characters start at `from` (lower-casing may change the count, so the
/// characters themselves are counted).
fn word_length(chars: &[char], from: usize) -> usize {
    chars
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_alphabetic())
        .count()
}

/// A word of a date: a month, a quarter mark, a filler (`None`), or a problem.
fn date_word(word: &str) -> Result<Option<DateToken>, Problem> {
    if let Some((_, m)) = MONTHS.iter().find(|(name, _)| *name == word) {
        return Ok(Some(DateToken::Month(*m)));
    }
    if word == "q" || word == "quarter" {
        return Ok(Some(DateToken::Quarter));
    }
    if DATE_FILLERS.contains(&word) {
        return Ok(None);
    }
    let nearest = MONTHS
        .iter()
        .filter(|_| suggestable(word))
        .filter(|(name, _)| name.len() > 3)
        .map(|(name, _)| (strsim::jaro_winkler(word, name), *name))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Err(Problem::new(format!(
        "is not a date: \"{word}\" is no month; {DATE_ACCEPTED}"
    ))
    .suggesting(
        nearest
            .map(|(_, name)| vec![capitalised(name)])
            .unwrap_or_default(),
    ))
}

/// Start date and End date; the end may not come before the start.
fn parse_period(form: &Form, errors: &mut Vec<TemplateError>) -> Period {
    let mut date = |field, bound| {
        let entry = form.value(field)?;
        record(
            parse_date(&entry.joined(), bound).map_err(|p| entry.error(p)),
            errors,
        )
    };
    let start = date(Field::StartDate, Bound::Start);
    let end = date(Field::EndDate, Bound::End);
    if let (Some(s), Some(e), Some(entry)) = (start, end, form.value(Field::EndDate))
        && e < s
    {
        errors.push(entry.error(Problem::new(format!(
            "is {e}, before the start date ({s}); write an end date after the start"
        ))));
        return Period { start, end: None };
    }
    Period { start, end }
}

// ---------------------------------------------------------------------------------------------
// Contact and links
// ---------------------------------------------------------------------------------------------

/// Contact name, e-mail and phone. The address is taken out of "Name <address>" or "mailto:";
/// a name given only there fills in a missing Contact name.
fn parse_contact(form: &Form, errors: &mut Vec<TemplateError>) -> Contact {
    let mut contact = Contact {
        name: form
            .value(Field::ContactName)
            .map_or_else(String::new, Entry::joined),
        email: String::new(),
        phone: form.value(Field::ContactPhone).map(Entry::joined),
    };
    if let Some(entry) = form.value(Field::ContactEmail) {
        match parse_email(&entry.joined()) {
            Ok((address, name)) => {
                contact.email = address;
                if contact.name.is_empty() {
                    contact.name = name.unwrap_or_default();
                }
            }
            Err(problem) => errors.push(entry.error(problem)),
        }
    }
    contact
}

/// An e-mail address out of "jane@example.org", "Jane Doe <jane@example.org>" or
/// "mailto:jane@example.org", with the display name when there is one. Several addresses: the
/// first is taken.
fn parse_email(text: &str) -> Result<(String, Option<String>), Problem> {
    let problem =
        || Problem::new("is not an e-mail address; write one address, e.g. name@example.org");
    let (name, rest) = match text.split_once('<') {
        Some((name, rest)) if rest.contains('@') => (Some(name), rest),
        _ => (None, text),
    };
    let address = rest
        .split(|c: char| c.is_whitespace() || "<>,;()\"[]".contains(c))
        .find(|t| t.contains('@'))
        .ok_or_else(problem)?;
    let address = address
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| address.get(7..))
        .unwrap_or(address)
        .trim_end_matches(['.', ':']);
    if !is_email(address) {
        return Err(problem());
    }
    let name = name
        .map(|n| n.trim().trim_matches(['"', '\'']).trim().to_string())
        .filter(|n| !n.is_empty());
    Ok((address.to_string(), name))
}

/// The check every intake path applies (`Submission::validate` applies it again).
use portal_domain::submission::looks_like_email as is_email;

/// Links: http(s) addresses, one or more per line. Words next to an address on its line are
/// taken as its description and left out; a line without any address is a problem.
fn parse_links(entry: &Entry, errors: &mut Vec<TemplateError>) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for (line, text) in entry.lines() {
        let text = strip_bullet(text);
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
            .map(|t| t.trim_start_matches(['(', '[', '"']))
            .map(|t| t.trim_end_matches([',', ';', '.', ')', ']', '"']))
            .filter(|t| !t.is_empty())
            .collect();
        let urls: Vec<&str> = tokens.iter().copied().filter(|t| is_url(t)).collect();
        if urls.is_empty() {
            if !is_not_given(text) {
                errors.push(entry.error_at(line, text, link_problem(&tokens)));
            }
            continue;
        }
        for url in urls {
            if !links.iter().any(|l| l == url) {
                links.push(url.to_string());
            }
        }
    }
    links
}

fn is_url(token: &str) -> bool {
    let rest = ["https://", "http://"]
        .iter()
        .find(|scheme| starts_with_ignoring_case(token, scheme))
        .and_then(|scheme| token.get(scheme.len()..));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    })
}

fn link_problem(tokens: &[&str]) -> Problem {
    let bare: Vec<String> = tokens
        .iter()
        .filter(|t| starts_with_ignoring_case(t, "www.") || t.contains(".org/"))
        .map(|t| format!("https://{t}"))
        .collect();
    Problem::new("is not a link; write full addresses starting with https://, one per line")
        .suggesting(bare)
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// Lower-case words of letters and digits joined by single spaces: "Funding-Source" →
/// "funding source".
fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’') {
            gap = true;
        }
    }
    out
}

/// Texts longer than this (in characters) get no suggestions: nothing is near them, and
/// comparing them with every code-list entry would take long.
const MAX_SUGGESTABLE_CHARS: usize = 60;

/// Problems in one field that get suggestions; the rest are reported without, so that a pasted
/// wall of text is answered quickly.
const MAX_SUGGESTED_PER_FIELD: usize = 10;

fn suggestable(text: &str) -> bool {
    text.chars().count() <= MAX_SUGGESTABLE_CHARS
}

/// "march" → "March".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "a", "a or b", "a, b or c".
fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const BLANK: &str = include_str!("../../../data/templates/submission-template.txt");
    const EXAMPLE: &str = include_str!("../../../data/templates/example-need.txt");

    /// A valid form (lines 1–6), with `changes` applied: a label of the base replaces its line,
    /// any other label is appended from line 7 on, in order.
    fn form(changes: &[(&str, &str)]) -> String {
        let base = [
            ("Kind", "need"),
            ("Title", "Clearance in two districts"),
            ("Submitted by", "Example Authority"),
            ("Submitter type", "NGO"),
            ("Countries concerned", "Laos"),
            ("Areas of work", "clearance"),
        ];
        let mut lines: Vec<String> = base
            .iter()
            .map(|(label, value)| {
                let value = changes
                    .iter()
                    .find(|(l, _)| l == label)
                    .map_or(*value, |(_, v)| *v);
                format!("{label}: {value}")
            })
            .collect();
        for (label, value) in changes {
            if !base.iter().any(|(l, _)| l == label) {
                lines.push(format!("{label}: {value}"));
            }
        }
        lines.join("\n")
    }

    fn parse_ok(text: &str) -> Submission {
        parse_template(text).unwrap_or_else(|errors| {
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("{text}\n---\n{}", shown.join("\n"))
        })
    }

    fn parse_err(text: &str) -> Vec<TemplateError> {
        match parse_template(text) {
            Ok(s) => panic!("{text}\n--- parsed, but should not have: {s:?}"),
            Err(errors) => errors,
        }
    }

    /// The one error about `field`, checked for its line and written text, with its message and
    /// suggestions containing the given parts.
    fn check_error(
        text: &str,
        (line, field, written): (usize, &str, &str),
        message_part: &str,
        suggestion_part: Option<&str>,
    ) -> TemplateError {
        let errors = parse_err(text);
        let about: Vec<&TemplateError> = errors.iter().filter(|e| e.field == field).collect();
        let [error] = about.as_slice() else {
            panic!("{text}\n--- expected one error about {field}, got {errors:#?}");
        };
        assert_eq!(
            (error.line, error.written.as_str()),
            (line, written),
            "{error}"
        );
        assert!(error.message.contains(message_part), "{error}");
        if let Some(part) = suggestion_part {
            assert!(
                error.suggestions.iter().any(|s| s.contains(part)),
                "{error}: no suggestion with {part}"
            );
        }
        (*error).clone()
    }

    fn check_amount(written: &str, amount: f64, currency: &str) {
        let s = parse_ok(&form(&[("Amount", written)]));
        let funding = s.funding.unwrap_or_else(|| panic!("{written}: no funding"));
        assert!(
            (funding.amount - amount).abs() < 1e-6,
            "{written}: {} instead of {amount}",
            funding.amount
        );
        assert_eq!(funding.currency, currency, "{written}");
        assert!(funding.usd > 0.0, "validate() filled in USD");
    }

    fn check_amount_error(written: &str, message_part: &str, suggestion: Option<&str>) {
        let text = form(&[("Amount", written)]);
        check_error(&text, (7, "Amount", written), message_part, suggestion);
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    fn check_dates(start: &str, end: &str, expected: (NaiveDate, NaiveDate)) {
        let s = parse_ok(&form(&[("Start date", start), ("End date", end)]));
        assert_eq!(
            (s.period.start, s.period.end),
            (Some(expected.0), Some(expected.1)),
            "{start} – {end}"
        );
    }

    fn check_places(written: &str, countries: &[&str], regions: &[&str], global: bool) {
        let s = parse_ok(&form(&[("Countries concerned", written)]));
        let b = &s.beneficiaries;
        assert_eq!(
            (b.countries.as_slice(), b.regions.as_slice(), b.global),
            (
                countries
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .as_slice(),
                regions
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .as_slice(),
                global
            ),
            "{written}"
        );
    }

    // --- The shipped templates ---------------------------------------------------------------

    #[test]
    fn the_filled_example_parses_cleanly() {
        let s = parse_ok(EXAMPLE);
        assert_eq!(s.kind, Kind::Need);
        assert_eq!(s.status, Status::Pending);
        assert!(s.id.is_empty());
        assert_eq!(s.timestamps, Timestamps::default());
        assert_eq!(s.provenance, Provenance::default());
        assert!(s.title.starts_with("[Example] "));
        assert_eq!(s.submitter.kind, SubmitterType::StateParty);
        assert_eq!(s.submitter.country.as_deref(), Some("LAO"));
        assert_eq!(s.beneficiaries.countries, ["LAO"]);
        assert_eq!(
            s.areas,
            [Area::ClearanceAndRiskEducation, Area::VictimAssistance]
        );
        assert_eq!(
            s.assistance,
            [
                Assistance::Financial,
                Assistance::Equipment,
                Assistance::Training
            ]
        );
        let funding = s.funding.as_ref().expect("funding");
        assert_eq!((funding.amount, funding.currency.as_str()), (1.2e6, "USD"));
        assert_eq!(s.period.start, Some(date(2027, 3, 1)));
        assert_eq!(s.period.end, Some(date(2029, 2, 28)));
        assert_eq!(s.contact.email, "jane.example@example.org");
        assert!(s.contact.email.ends_with("@example.org"));
        assert!(s.summary.contains("400 hectares"), "{}", s.summary);
        assert!(s.description.contains("\n\nThe funds"), "{}", s.description);
        assert!(
            s.description.contains("Note: the figures"),
            "{}",
            s.description
        );
        assert!(s.description.contains("fictitious"));
        assert!(s.how_to_apply.is_empty());
        assert_eq!(s.links.len(), 2);
        assert!(looks_like_template(EXAMPLE));
    }

    #[test]
    fn the_blank_template_asks_for_the_required_fields_and_ignores_its_hints() {
        let errors = parse_err(BLANK);
        let line_of = |label: &str| {
            BLANK
                .lines()
                .position(|l| l.starts_with(&format!("{label}:")))
                .map(|i| i + 1)
                .expect(label)
        };
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        let required = [
            "Kind",
            "Title",
            "Submitted by",
            "Submitter type",
            "Countries concerned",
            "Areas of work",
        ];
        let expected: Vec<(usize, &str)> = required.iter().map(|l| (line_of(l), *l)).collect();
        assert_eq!(got, expected, "{errors:#?}");
        for error in &errors {
            assert!(error.written.is_empty(), "{error}");
            assert!(
                error.message.starts_with("is empty; it is required"),
                "{error}"
            );
        }
        assert_eq!(
            errors[0].to_string(),
            format!(
                "line {}: \"Kind\" is empty; it is required: write need, offer, project or \
                 funding source",
                line_of("Kind")
            )
        );
        assert!(looks_like_template(BLANK));
    }

    #[test]
    fn the_blank_template_filled_in_below_its_hints_parses() {
        let filled = BLANK
            .replace("Kind: (", "Kind: offer (")
            .replace("Title:", "Title: Trainers")
            .replace("Submitted by: (", "Submitted by: DanChurchAid (")
            .replace("Submitter type: (", "Submitter type: NGO (")
            .replace("Countries concerned: (", "Countries concerned: global (")
            .replace(
                "  universalisation and advocacy)",
                "  universalisation and advocacy)\n  victim assistance",
            );
        let s = parse_ok(&filled);
        assert_eq!(s.kind, Kind::Offer);
        assert!(s.beneficiaries.global);
        assert_eq!(s.areas, [Area::VictimAssistance]);
        assert!(s.funding.is_none());
        assert!(s.links.is_empty());
        assert_eq!(s.period, Period::default());
    }

    // --- Labels and layout -------------------------------------------------------------------

    #[test]
    fn labels_ignore_case_spacing_marks_and_hints() {
        let text = "  KIND :   Offer\n\
                    title*: Trainers\n\
                    SUBMITTED   by: DanChurchAid\n\
                    Submitter Type (required): ngo\n\
                    countries  CONCERNED:global\n\
                    Areas of Work: victim assistance\n\
                    Contact E-Mail: jane@example.org\n\
                    Amount (e.g. 1,200,000): 250000 DKK\n\
                    Kind of assistance: training";
        let s = parse_ok(text);
        assert_eq!(s.kind, Kind::Offer);
        assert_eq!(s.title, "Trainers");
        assert_eq!(s.submitter.organisation, "DanChurchAid");
        assert_eq!(s.submitter.kind, SubmitterType::Ngo);
        assert_eq!(s.contact.email, "jane@example.org");
        assert_eq!(s.assistance, [Assistance::Training]);
        assert_eq!(s.funding.map(|f| f.currency), Some("DKK".to_string()));
    }

    #[test]
    fn every_spelling_of_e_mail_is_the_contact_e_mail() {
        for label in [
            "Contact e-mail",
            "Contact email",
            "contact e mail",
            "E-mail",
            "Email",
        ] {
            let s = parse_ok(&form(&[(label, "jane@example.org")]));
            assert_eq!(s.contact.email, "jane@example.org", "{label}");
        }
    }

    #[test]
    fn long_fields_run_over_lines_and_keep_unknown_labels_as_text() {
        let text = form(&[
            ("Summary", "First line\n  second line"),
            (
                "Description",
                "Para one.\nNote: keep this line.\nBudget: USD 5 (part of the text)\n\n\n\
                 Para two.",
            ),
            ("How to apply", "Write to us.\nDeadline: 1 May"),
        ]);
        let s = parse_ok(&text);
        assert_eq!(s.summary, "First line\nsecond line");
        assert_eq!(
            s.description,
            "Para one.\nNote: keep this line.\nBudget: USD 5 (part of the text)\n\nPara two."
        );
        assert_eq!(s.how_to_apply, "Write to us.\nDeadline: 1 May");
        assert!(s.funding.is_none(), "\"Budget:\" is no label");
    }

    #[test]
    fn short_fields_wrapped_by_the_mail_client_are_joined() {
        let s = parse_ok(&form(&[(
            "Title",
            "Survey and clearance of cluster munition remnants\n   in two northern districts",
        )]));
        assert_eq!(
            s.title,
            "Survey and clearance of cluster munition remnants in two northern districts"
        );
    }

    #[test]
    fn a_hint_left_in_place_counts_as_empty() {
        let text = form(&[("Kind", "(need / offer / project / funding source)")]);
        check_error(&text, (1, "Kind", ""), "is empty; it is required", None);
        let s = parse_ok(&form(&[(
            "Kind",
            "(need / offer / project / funding source) offer",
        )]));
        assert_eq!(s.kind, Kind::Offer);
        let s = parse_ok(&form(&[
            ("Amount", "(e.g. 1,200,000)"),
            ("Currency", "(e.g. USD)"),
        ]));
        assert!(s.funding.is_none());
        // A remark in brackets that is no hint stays.
        let s = parse_ok(&form(&[("Title", "Survey (phase 2 / 3)")]));
        assert_eq!(s.title, "Survey (phase 2 / 3)");
    }

    #[test]
    fn not_applicable_is_empty() {
        let s = parse_ok(&form(&[
            ("Amount", "n/a"),
            ("End date", "ongoing"),
            ("Links", "-"),
            ("Contact phone", "N/A"),
        ]));
        assert!(s.funding.is_none());
        assert_eq!(s.period.end, None);
        assert!(s.links.is_empty());
        assert_eq!(s.contact.phone, None);
    }

    #[test]
    fn text_before_the_first_label_is_ignored() {
        let text = format!(
            "Dear colleagues,\nSubject: our need\nPlease find it below.\n\n{}",
            form(&[])
        );
        let s = parse_ok(&text);
        assert_eq!(s.kind, Kind::Need);
        let errors = parse_err(&text.replace("Kind: need", "Kind: wish"));
        assert_eq!(errors[0].line, 5, "lines count from the start of the text");
    }

    #[test]
    fn a_required_label_missing_is_an_error_on_line_0() {
        let text = form(&[]).replace("Title: Clearance in two districts\n", "");
        let error = check_error(&text, (0, "Title", ""), "is missing", None);
        assert!(
            error.to_string().starts_with("\"Title\" is missing"),
            "{error}"
        );
    }

    #[test]
    fn a_field_given_twice_is_an_error() {
        let text = format!("{}\nTitle: Another title", form(&[]));
        check_error(
            &text,
            (7, "Title", "Another title"),
            "second time (first on line 2)",
            None,
        );
    }

    // --- Kind and submitter type -------------------------------------------------------------

    #[test]
    fn kinds_and_their_variants() {
        for (written, kind) in [
            ("need", Kind::Need),
            ("Need.", Kind::Need),
            ("OFFER", Kind::Offer),
            ("a project", Kind::Project),
            ("funding source", Kind::FundingSource),
            ("funding-source", Kind::FundingSource),
            ("Fund", Kind::FundingSource),
            ("Trust Fund", Kind::FundingSource),
            ("Need (a request for assistance)", Kind::Need),
        ] {
            assert_eq!(
                parse_ok(&form(&[("Kind", written)])).kind,
                kind,
                "{written}"
            );
        }
        let text = form(&[("Kind", "wish")]);
        check_error(
            &text,
            (1, "Kind", "wish"),
            "is not a kind; write one of: need",
            None,
        );
    }

    #[test]
    fn submitter_types_and_their_variants() {
        for (written, kind) in [
            ("State Party", SubmitterType::StateParty),
            ("state-party", SubmitterType::StateParty),
            ("Signatory", SubmitterType::Signatory),
            (
                "international organisation",
                SubmitterType::InternationalOrganisation,
            ),
            (
                "International Organization",
                SubmitterType::InternationalOrganisation,
            ),
            ("IO", SubmitterType::InternationalOrganisation),
            ("NGO", SubmitterType::Ngo),
            ("non-governmental organisation", SubmitterType::Ngo),
            ("Other", SubmitterType::Other),
        ] {
            let text = form(&[("Submitter type", written), ("Submitter country", "LAO")]);
            assert_eq!(parse_ok(&text).submitter.kind, kind, "{written}");
        }
        let text = form(&[("Submitter type", "NOG")]);
        check_error(
            &text,
            (4, "Submitter type", "NOG"),
            "is not a submitter type",
            Some("NGO"),
        );
    }

    #[test]
    fn a_state_party_needs_a_country_on_the_right_line() {
        let text = form(&[("Submitter type", "State Party")]);
        check_error(
            &text,
            (4, "Submitter country", ""),
            "is required for a State Party",
            None,
        );
        let text = form(&[("Submitter type", "State Party"), ("Submitter country", "")]);
        check_error(&text, (7, "Submitter country", ""), "is required", None);
        let text = form(&[
            ("Submitter type", "State Party"),
            ("Submitter country", "Laos"),
        ]);
        assert_eq!(parse_ok(&text).submitter.country.as_deref(), Some("LAO"));
        let text = form(&[("Submitter country", "Cambodja")]);
        check_error(
            &text,
            (7, "Submitter country", "Cambodja"),
            "is not a country",
            Some("KHM"),
        );
    }

    // --- Countries concerned -----------------------------------------------------------------

    #[test]
    fn countries_by_name_alias_or_code() {
        check_places("Lao PDR", &["LAO"], &[], false);
        check_places("Laos", &["LAO"], &[], false);
        check_places("LAO", &["LAO"], &[], false);
        check_places("Lao People's Democratic Republic", &["LAO"], &[], false);
        check_places("Viet Nam, kh", &["VNM", "KHM"], &[], false);
        check_places("Laos (Xieng Khouang province)", &["LAO"], &[], false);
    }

    #[test]
    fn several_countries_with_any_separator() {
        let expected = ["LAO", "KHM", "VNM"];
        check_places("Laos, Cambodia, Viet Nam", &expected, &[], false);
        check_places("Laos; Cambodia; Viet Nam", &expected, &[], false);
        check_places("Laos / Cambodia / Viet Nam", &expected, &[], false);
        check_places("Laos • Cambodia • Viet Nam", &expected, &[], false);
        check_places("Laos, Cambodia and Viet Nam", &expected, &[], false);
        check_places("Laos, Cambodia, and Viet Nam", &expected, &[], false);
        check_places("Laos & Cambodia & Vietnam", &expected, &[], false);
        check_places("\n- Laos\n- Cambodia\n- Viet Nam", &expected, &[], false);
        check_places("\n• Laos\n* Cambodia\n· Viet Nam", &expected, &[], false);
        check_places("\n1. Laos\n2) Cambodia\n3. Viet Nam", &expected, &[], false);
        check_places("Laos, Laos", &["LAO"], &[], false);
    }

    #[test]
    fn names_with_and_or_commas_are_read_whole() {
        check_places("Bosnia and Herzegovina", &["BIH"], &[], false);
        check_places(
            "Bosnia and Herzegovina and Serbia",
            &["BIH", "SRB"],
            &[],
            false,
        );
        check_places("Trinidad and Tobago", &["TTO"], &[], false);
        check_places(
            "Antigua and Barbuda and Saint Kitts and Nevis",
            &["ATG", "KNA"],
            &[],
            false,
        );
        check_places("Heard Island and McDonald Islands", &["HMD"], &[], false);
        check_places("Saint Vincent and the Grenadines", &["VCT"], &[], false);
        check_places("Sao Tome and Principe, Angola", &["STP", "AGO"], &[], false);
        check_places("Korea, Republic of; Laos", &["KOR", "LAO"], &[], false);
        check_places("Congo, Democratic Republic of the", &["COD"], &[], false);
        check_places("Congo, Chad", &["COG", "TCD"], &[], false);
    }

    #[test]
    fn regions_and_global() {
        check_places("South-eastern Asia", &[], &["035"], false);
        check_places("South East Asia", &[], &["035"], false);
        check_places("035", &[], &["035"], false);
        check_places("Laos, Africa", &["LAO"], &["002"], false);
        check_places("Latin America and the Caribbean", &[], &["419"], false);
        check_places("global", &[], &[], true);
        check_places("Worldwide", &[], &[], true);
        check_places("all countries", &[], &[], true);
    }

    #[test]
    fn an_unknown_country_names_its_line_and_the_nearest_codes() {
        let text = form(&[("Countries concerned", "Laos,\n  Cambodja and Narnia")]);
        let errors = parse_err(&text);
        let written: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.written.as_str()))
            .collect();
        assert_eq!(written, [(6, "Cambodja"), (6, "Narnia")], "{errors:#?}");
        let cambodja = &errors[0];
        assert_eq!(cambodja.field, "Countries concerned");
        assert!(cambodja.suggestions[0].starts_with("KHM ("), "{cambodja}");
        let shown = cambodja.to_string();
        assert!(
            shown.starts_with("line 6: \"Countries concerned\": \"Cambodja\" is not a country"),
            "{shown}"
        );
        assert!(shown.contains("Did you mean KHM (Cambodia)"), "{shown}");
    }

    // --- Areas of work and kinds of assistance -----------------------------------------------

    #[test]
    fn areas_by_label_slug_or_common_words() {
        use Area::*;
        for (written, areas) in [
            (
                "clearance-and-risk-education",
                vec![ClearanceAndRiskEducation],
            ),
            (
                "Clearance and risk education",
                vec![ClearanceAndRiskEducation],
            ),
            ("demining", vec![ClearanceAndRiskEducation]),
            ("EORE", vec![ClearanceAndRiskEducation]),
            ("mine risk education", vec![ClearanceAndRiskEducation]),
            ("VA", vec![VictimAssistance]),
            ("assistance to victims", vec![VictimAssistance]),
            ("stockpile", vec![StockpileDestruction]),
            ("cooperation", vec![InternationalCooperationAndAssistance]),
            ("Article 7", vec![TransparencyAndNationalImplementation]),
            (
                "national implementation",
                vec![TransparencyAndNationalImplementation],
            ),
            ("universalization", vec![UniversalisationAndAdvocacy]),
            ("advocacy", vec![UniversalisationAndAdvocacy]),
            (
                "victim assistance and risk education",
                vec![VictimAssistance, ClearanceAndRiskEducation],
            ),
            (
                "\n• clearance\n• victim assistance; stockpile destruction",
                vec![
                    ClearanceAndRiskEducation,
                    VictimAssistance,
                    StockpileDestruction,
                ],
            ),
        ] {
            let s = parse_ok(&form(&[("Areas of work", written)]));
            assert_eq!(s.areas, areas, "{written}");
        }
        let text = form(&[("Areas of work", "clearance, gardening")]);
        let error = check_error(
            &text,
            (6, "Areas of work", "gardening"),
            "is not an area of work; write one or more of: clearance and risk education",
            None,
        );
        assert!(
            error.message.contains("universalisation and advocacy"),
            "{error}"
        );
    }

    #[test]
    fn kinds_of_assistance_by_label_slug_or_common_words() {
        use Assistance::*;
        for (written, assistance) in [
            ("financial", vec![Financial]),
            ("money, grants", vec![Financial]),
            ("funding", vec![Financial]),
            ("technical-expertise", vec![TechnicalExpertise]),
            ("technical assistance; advice", vec![TechnicalExpertise]),
            ("equipment / material", vec![Equipment]),
            ("capacity building", vec![Training]),
            ("exchange of information", vec![InformationExchange]),
            ("good practice", vec![InformationExchange]),
            (
                "information exchange, training",
                vec![InformationExchange, Training],
            ),
        ] {
            let s = parse_ok(&form(&[("Kinds of assistance", written)]));
            assert_eq!(s.assistance, assistance, "{written}");
        }
        let text = form(&[("Kinds of assistance", "trainning")]);
        check_error(
            &text,
            (7, "Kinds of assistance", "trainning"),
            "is not a kind of assistance",
            Some("training"),
        );
    }

    // --- Amounts and currencies --------------------------------------------------------------

    #[test]
    fn amounts_with_the_currency_on_the_amount_line() {
        check_amount("USD 1.2 million", 1.2e6, "USD");
        check_amount("1,200,000 EUR", 1.2e6, "EUR");
        check_amount("EUR 850 000", 850_000.0, "EUR");
        check_amount("EUR 850\u{a0}000", 850_000.0, "EUR");
        check_amount("€2m", 2e6, "EUR");
        check_amount("$500k", 500_000.0, "USD");
        check_amount("US$ 75,000", 75_000.0, "USD");
        check_amount("1.2 million US dollars", 1.2e6, "USD");
        check_amount("CHF 300'000", 300_000.0, "CHF");
        check_amount("£40,000", 40_000.0, "GBP");
        check_amount("¥3,000,000", 3e6, "JPY");
        check_amount("approximately 2 billion yen", 2e9, "JPY");
        check_amount("NOK 1.5 mn", 1.5e6, "NOK");
        check_amount("1.200.000,50 EUR", 1_200_000.5, "EUR");
        check_amount("1,200,000.50 usd", 1_200_000.5, "USD");
        check_amount("250 000 euros", 250_000.0, "EUR");
        check_amount("USD 1,000,000 (one million)", 1e6, "USD");
        check_amount("3 Mio. EUR", 3e6, "EUR");
    }

    #[test]
    fn amounts_with_a_separate_currency_line() {
        let s = parse_ok(&form(&[("Amount", "2.5 mn"), ("Currency", "CHF")]));
        let funding = s.funding.expect("funding");
        assert_eq!((funding.amount, funding.currency.as_str()), (2.5e6, "CHF"));
        let s = parse_ok(&form(&[("Amount", "USD 10,000"), ("Currency", "usd")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("USD".to_string()));
        let s = parse_ok(&form(&[("Amount", "10000"), ("Currency", "Euro (EUR)")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("EUR".to_string()));
        let text = form(&[("Amount", "USD 10,000"), ("Currency", "EUR")]);
        check_error(
            &text,
            (8, "Currency", "EUR"),
            "does not agree with the currency on the Amount line (USD)",
            None,
        );
        let text = form(&[("Amount", "10,000")]);
        check_amount_error("10,000", "names no currency", None);
        drop(text);
    }

    #[test]
    fn decimal_commas_and_groups_of_three() {
        check_amount("1,5 million EUR", 1.5e6, "EUR");
        // The STYLE example calls "12,5 million" unreadable; it is unambiguous, so it is read
        // as 12.5 million (a comma before a multiplier is always a decimal comma).
        check_amount("12,5 million EUR", 12.5e6, "EUR");
        check_amount("1,250 million EUR", 1.25e6, "EUR");
        check_amount("1,200 USD", 1200.0, "USD");
        check_amount("1.200 EUR", 1200.0, "EUR");
        check_amount("1,5 EUR", 1.5, "EUR");
        check_amount("1250.75 USD", 1250.75, "USD");
        check_amount_error("12,50,000 USD", "is not a number", None);
        check_amount_error("1,200.000,5 USD", "is not a number", None);
        check_amount_error("1 200,000 USD", "is not a number", None);
    }

    #[test]
    fn amounts_that_cannot_be_read() {
        check_amount_error("-5000 USD", "is negative", None);
        check_amount_error("0 USD", "is zero", None);
        check_amount_error("USD", "is not an amount", None);
        let text = form(&[("Amount", "a lot")]);
        let error = parse_err(&text).remove(0);
        assert_eq!(
            error.to_string(),
            "line 7: \"Amount\": \"a lot\" is not an amount; write e.g. 1200000 or USD 1.2 million"
        );
        check_amount_error("1,000 - 2,000 USD", "more than one number", None);
        check_amount_error(
            "12.5 millon USD",
            "accepted: thousand, million",
            Some("million"),
        );
        check_amount_error(
            "12.5 millon",
            "accepted: thousand, million",
            Some("million"),
        );
        check_amount_error("5000 USD per year", "\"per year\" has no place", None);
        check_amount_error("kr 500 000", "could be several currencies", Some("NOK"));
        let text = form(&[("Amount", "kr 500 000")]);
        let error = parse_err(&text).remove(0);
        let codes: Vec<&str> = error.suggestions.iter().map(|s| &s[..3]).collect();
        assert_eq!(codes, ["NOK", "SEK", "DKK"]);
        check_amount_error("1e9 USD", "more than one number", None);
        check_amount_error("100 USD ½", "has no place", None);
    }

    #[test]
    fn currencies_that_cannot_be_read_get_suggestions() {
        let text = form(&[("Amount", "1000"), ("Currency", "EUT")]);
        let error = check_error(
            &text,
            (8, "Currency", "EUT"),
            "is not a currency",
            Some("EUR"),
        );
        assert!(
            error.to_string().contains("Did you mean EUR (Euro)"),
            "{error}"
        );
        // "EURO" names the euro unambiguously, so it is accepted rather than refused.
        let s = parse_ok(&form(&[("Amount", "1000"), ("Currency", "EURO")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("EUR".to_string()));
        let text = form(&[("Amount", "1000 dollarz")]);
        check_error(
            &text,
            (7, "Amount", "1000 dollarz"),
            "is not a currency",
            Some("USD"),
        );
        let text = form(&[("Amount", "1000"), ("Currency", "kr")]);
        check_error(
            &text,
            (8, "Currency", "kr"),
            "could be several",
            Some("SEK"),
        );
    }

    #[test]
    fn no_amount_is_no_funding() {
        assert!(parse_ok(&form(&[])).funding.is_none());
        assert!(parse_ok(&form(&[("Amount", "")])).funding.is_none());
        assert!(
            parse_ok(&form(&[("Currency", "USD")])).funding.is_none(),
            "a currency alone says nothing about money"
        );
    }

    // --- Dates -------------------------------------------------------------------------------

    #[test]
    fn full_dates_in_every_common_form() {
        let expected = (date(2027, 3, 1), date(2028, 12, 31));
        for start in [
            "2027-03-01",
            "2027/3/1",
            "1 March 2027",
            "1st March 2027",
            "1 Mar. 2027",
            "01-Mar-2027",
            "March 1, 2027",
            "Monday, 1 March 2027",
            "01/03/2027",
            "1.3.2027",
            "1er mars 2027",
            "1 de marzo de 2027",
        ] {
            check_dates(start, "2028-12-31", expected);
        }
    }

    #[test]
    fn day_and_month_are_read_day_first_unless_impossible() {
        check_dates(
            "01/03/2027",
            "03/01/2028",
            (date(2027, 3, 1), date(2028, 1, 3)),
        );
        check_dates(
            "03/25/2027",
            "12/31/2027",
            (date(2027, 3, 25), date(2027, 12, 31)),
        );
    }

    #[test]
    fn months_quarters_and_years_cover_their_whole_span() {
        check_dates(
            "March 2027",
            "March 2027",
            (date(2027, 3, 1), date(2027, 3, 31)),
        );
        check_dates(
            "Feb 2027",
            "February 2028",
            (date(2027, 2, 1), date(2028, 2, 29)),
        );
        check_dates("2027-03", "03/2027", (date(2027, 3, 1), date(2027, 3, 31)));
        check_dates("2027", "2028", (date(2027, 1, 1), date(2028, 12, 31)));
        check_dates("Q2 2027", "Q4 2027", (date(2027, 4, 1), date(2027, 12, 31)));
        check_dates(
            "2027-Q1",
            "2nd quarter 2027",
            (date(2027, 1, 1), date(2027, 6, 30)),
        );
        check_dates(
            "from March 2027 (approx.)",
            "until December 2028",
            (date(2027, 3, 1), date(2028, 12, 31)),
        );
    }

    #[test]
    fn dates_that_cannot_be_read() {
        let text = form(&[("Start date", "next spring")]);
        check_error(
            &text,
            (7, "Start date", "next spring"),
            "is not a date",
            None,
        );
        let text = form(&[("Start date", "Mrach 2027")]);
        check_error(
            &text,
            (7, "Start date", "Mrach 2027"),
            "no month",
            Some("March"),
        );
        let text = form(&[("Start date", "31 February 2027")]);
        check_error(
            &text,
            (7, "Start date", "31 February 2027"),
            "not a date of the calendar",
            None,
        );
        let text = form(&[("Start date", "1 March 20277")]);
        check_error(
            &text,
            (7, "Start date", "1 March 20277"),
            "is not a date",
            None,
        );
        let text = form(&[("Start date", "1 March 3027")]);
        check_error(
            &text,
            (7, "Start date", "1 March 3027"),
            "cannot be right",
            None,
        );
    }

    #[test]
    fn an_end_before_the_start_is_an_error_on_the_end_line() {
        let text = form(&[("Start date", "March 2027"), ("End date", "2026")]);
        check_error(
            &text,
            (8, "End date", "2026"),
            "before the start date (2027-03-01)",
            None,
        );
    }

    // --- Contact and links -------------------------------------------------------------------

    #[test]
    fn contact_addresses_in_every_common_form() {
        for written in [
            "jane@example.org",
            "Jane Doe <jane@example.org>",
            "\"Doe, Jane\" <jane@example.org>",
            "mailto:jane@example.org",
            "<mailto:jane@example.org>",
            "jane@example.org.",
        ] {
            let s = parse_ok(&form(&[("Contact e-mail", written)]));
            assert_eq!(s.contact.email, "jane@example.org", "{written}");
        }
        let s = parse_ok(&form(&[("Contact e-mail", "Jane Doe <jane@example.org>")]));
        assert_eq!(
            s.contact.name, "Jane Doe",
            "the display name fills in a missing name"
        );
        let s = parse_ok(&form(&[
            ("Contact name", "J. Doe"),
            ("Contact e-mail", "Jane Doe <jane@example.org>"),
            ("Contact phone", "+41 22 000 00 00"),
        ]));
        assert_eq!(s.contact.name, "J. Doe");
        assert_eq!(s.contact.phone.as_deref(), Some("+41 22 000 00 00"));
        let text = form(&[("Contact e-mail", "jane at example dot org")]);
        check_error(
            &text,
            (7, "Contact e-mail", "jane at example dot org"),
            "is not an e-mail address; write one address, e.g. name@example.org",
            None,
        );
        let text = form(&[("Contact e-mail", "jane@localhost")]);
        check_error(
            &text,
            (7, "Contact e-mail", "jane@localhost"),
            "is not an e-mail",
            None,
        );
    }

    #[test]
    fn links_one_per_line_or_separated() {
        let s = parse_ok(&form(&[(
            "Links",
            "https://example.org/a, https://example.org/b\n\
             - Article 7 report: <https://example.org/c.pdf>\n\
             http://example.org/d.",
        )]));
        assert_eq!(
            s.links,
            [
                "https://example.org/a",
                "https://example.org/b",
                "https://example.org/c.pdf",
                "http://example.org/d"
            ]
        );
        let text = form(&[("Links", "https://example.org/a\nwww.example.org/report")]);
        check_error(
            &text,
            (8, "Links", "www.example.org/report"),
            "is not a link",
            Some("https://www.example.org/report"),
        );
        let text = form(&[("Links", "see our website")]);
        check_error(
            &text,
            (7, "Links", "see our website"),
            "is not a link",
            None,
        );
    }

    // --- Errors ------------------------------------------------------------------------------

    #[test]
    fn errors_read_as_the_style_guide_shows() {
        let error = TemplateError {
            line: 7,
            field: "Amount".to_string(),
            written: "12,5 million".to_string(),
            message: "is not a number; write e.g. 12500000".to_string(),
            suggestions: Vec::new(),
        };
        assert_eq!(
            error.to_string(),
            "line 7: \"Amount\": \"12,5 million\" is not a number; write e.g. 12500000"
        );
        let error = TemplateError {
            suggestions: vec!["LAO (Lao People's Democratic Republic)".to_string()],
            ..error
        };
        assert!(
            error
                .to_string()
                .ends_with("12500000. Did you mean LAO (Lao People's Democratic Republic)?")
        );
    }

    #[test]
    fn every_problem_is_reported_in_line_order() {
        let text = "Kind: wish\nTitle: T\nSubmitted by: O\nSubmitter type: NGO\n\
                    Countries concerned: Cambodja\nAreas of work: gardening\n\
                    Amount: 12.5 millon USD\nStart date: soon";
        let errors = parse_err(text);
        let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            lines,
            [
                (1, "Kind"),
                (5, "Countries concerned"),
                (6, "Areas of work"),
                (7, "Amount"),
                (8, "Start date")
            ],
            "{errors:#?}"
        );
        let amount = &errors[3];
        assert!(
            amount.message.contains("accepted: thousand, million"),
            "{amount}"
        );
    }

    #[test]
    fn a_wall_of_bad_values_gets_a_short_answer() {
        let many: Vec<String> = (0..30).map(|i| format!("Narnia {i}")).collect();
        let text = form(&[("Countries concerned", &many.join(", "))]);
        let errors = parse_err(&text);
        assert_eq!(errors.len(), MAX_ERRORS_PER_FIELD + 1, "{errors:#?}");
        let last = errors.last().expect("summary");
        assert_eq!(last.line, 5);
        assert!(last.message.starts_with("has 10 more problems"), "{last}");
    }

    // --- Finding the form in an e-mail -------------------------------------------------------

    #[test]
    fn recognises_a_template() {
        assert!(looks_like_template(&form(&[])));
        assert!(looks_like_template("Title: x\nAmount: 5\nLinks:"));
        assert!(!looks_like_template("Amount: 5\nCurrency: USD\nLinks:"));
        assert!(!looks_like_template("Kind: need\nTitle: x"));
        assert!(!looks_like_template(
            "Dear ISU,\nplease find attached our report.\n"
        ));
        assert!(!looks_like_template(""));
    }

    #[test]
    fn extract_form_drops_greetings_and_signatures() {
        let body = format!(
            "Dear ISU,\n\nplease find our submission below.\n\n{}\nLinks: https://example.org/a\n\n\
             Best regards,\nJane\n",
            form(&[])
        );
        let extracted = extract_form(&body).expect("form");
        assert!(extracted.starts_with("Kind: need"), "{extracted}");
        assert!(
            extracted.ends_with("Links: https://example.org/a"),
            "{extracted}"
        );
        assert_eq!(parse_ok(&body).links, ["https://example.org/a"]);
        assert_eq!(extract_form("no form here\nat all"), None);
    }

    #[test]
    fn extract_form_cuts_at_every_reply_marker_after_the_last_field() {
        let form_text = form(&[("Description", "Line one.\n\nLine two.\nBest regards")]);
        for tail in [
            "-- \nJane Example\nExample Authority",
            "--\nJane",
            "> Kind: offer\n> Title: an older one",
            "On Mon, 1 Mar 2027 at 10:00, ISU <isu@example.org> wrote:\n> quoted",
            "On Mon, 1 Mar 2027 at 10:00, ISU <isu@example.org>\nwrote:\n> quoted",
            "-----Original Message-----\nFrom: ISU\nKind: (need / offer)",
            "From: ISU <isu@example.org>\nSent: Monday\nTo: Jane\nSubject: template",
            "________________________________\nFrom: ISU",
        ] {
            let body = format!("Hello,\n\n{form_text}\n\n{tail}\n");
            let extracted = extract_form(&body).expect("form");
            assert!(extracted.starts_with("Kind: need"), "{extracted}");
            assert!(
                extracted.ends_with("Line two.\nBest regards"),
                "a long field keeps everything up to the marker ({tail:?}):\n{extracted}"
            );
            let s = parse_ok(&body);
            assert_eq!(s.description, "Line one.\n\nLine two.\nBest regards");
            assert_eq!(s.kind, Kind::Need);
        }
    }

    #[test]
    fn markers_between_labels_do_not_cut_the_form() {
        let text = form(&[
            (
                "Description",
                "We quote the survey:\n> 61 areas were found\n--\nend of quote",
            ),
            ("Links", "https://example.org/a"),
        ]);
        let s = parse_ok(&text);
        assert!(s.description.contains("> 61 areas"), "{}", s.description);
        assert_eq!(s.links, ["https://example.org/a"]);
        // But a second copy of the template below a reply header is not read.
        let body = format!(
            "{}\n\n-----Original Message-----\nFrom: ISU\n\n{BLANK}",
            form(&[])
        );
        assert_eq!(parse_ok(&body).kind, Kind::Need);
        let extracted = extract_form(&body).expect("form");
        assert!(!extracted.contains("Original Message"), "{extracted}");
    }

    #[test]
    fn windows_line_endings_and_a_byte_order_mark() {
        let text = format!(
            "\u{feff}{}",
            form(&[("Summary", "one\ntwo")]).replace('\n', "\r\n")
        );
        let s = parse_ok(&text);
        assert_eq!(s.summary, "one\ntwo");
        assert_eq!(s.kind, Kind::Need);
    }

    // --- Robustness --------------------------------------------------------------------------

    /// A small deterministic generator (xorshift), so the test needs no crate and repeats.
    struct Xorshift(u64);

    impl Xorshift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
        }
    }

    fn exercise(text: &str) {
        let _ = parse_template(text);
        let _ = looks_like_template(text);
        if let Some(form) = extract_form(text) {
            let _ = parse_template(&form);
        }
    }

    #[test]
    fn never_panics_on_prefixes_or_mutations_of_the_example() {
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        for n in 0..=lines.len() {
            exercise(&lines[..n].join("\n"));
        }
        for n in 0..=EXAMPLE.len() {
            if let Some(prefix) = EXAMPLE.get(..n) {
                exercise(prefix);
            }
        }
        let pieces: &[&[u8]] = &[
            b"(",
            b")",
            b":",
            b",",
            b".",
            b"'",
            b"-",
            b"\n",
            b" and ",
            b"0",
            b"9",
            b"Q",
            "€".as_bytes(),
            "ü".as_bytes(),
            b"\xff",
            b"\xe2\x82",
            b"> ",
            b"-- \n",
            b"Kind: ",
            b"Amount: ",
            b"Start date: ",
            b"million",
            b"999999999999999999999",
        ];
        let mut rng = Xorshift(0x5eed_1234_abcd_ef01);
        for _ in 0..3000 {
            let mut bytes = EXAMPLE.as_bytes().to_vec();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if at < bytes.len() => {
                        bytes[at] = u8::try_from(rng.next() % 256).unwrap_or(0)
                    }
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    2 => {
                        let piece = pieces[rng.below(pieces.len())];
                        bytes.splice(at..at, piece.iter().copied());
                    }
                    _ => {
                        let end = (at + rng.below(40)).min(bytes.len());
                        let copy = bytes[at.min(end)..end].to_vec();
                        let to = rng.below(bytes.len() + 1);
                        bytes.splice(to..to, copy);
                    }
                }
            }
            exercise(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn never_panics_on_odd_values() {
        let odd = [
            "",
            " ",
            "(",
            ")",
            "((",
            "))(",
            ":",
            "::::",
            "€",
            "$$$",
            "1e400",
            "9".repeat(400).as_str(),
            "0,000,000",
            ",,,",
            "..",
            "1..2",
            "1,,2",
            "Q",
            "Q9 2027",
            "Q0 2027",
            "0/0/0000",
            "99/99/9999",
            "2027-13-45",
            "-",
            "—",
            "•",
            "and",
            "and and and",
            "Ünïcödé ⅷ",
            "\u{0}",
            format!("{}{}", "(".repeat(3000), ")".repeat(3000)).as_str(),
            format!("{}Laos{}", "(e.g. ".repeat(300), ")".repeat(300)).as_str(),
            "\t\t",
            "🙂 2027",
            "12\u{202f}500",
            "mailto:",
            "<@>",
            "a@b.c@d",
        ]
        .map(ToString::to_string);
        for value in &odd {
            for field in FIELDS {
                exercise(&form(&[(field.label(), value)]));
                exercise(&format!("{}: {value}", field.label()));
            }
        }
    }

    #[test]
    fn every_label_matches_its_own_spelling() {
        for field in FIELDS {
            assert_eq!(field.spellings()[0], label_key(field.label()), "{field:?}");
            assert_eq!(
                match_label(&format!("{}: x", field.label())).map(|m| m.0),
                Some(field)
            );
        }
    }
}
