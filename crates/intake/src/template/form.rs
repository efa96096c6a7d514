//! Finding the form in a text and reading its fields: where it starts and ends (greetings,
//! signatures and quoted replies left out), which lines belong to which label, hints removed,
//! a field given twice.

use super::TemplateError;
use super::labels::{Field, match_label};
use super::text::{
    clean_item, key, split_outside_brackets, starts_with_ignoring_case, strip_bullet,
};

/// The lines of `text`, without a leading byte-order mark.
pub(super) fn split_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().collect()
}

/// The form's first line (its first label) and the line after its end, as indices into `lines`.
pub(super) fn form_bounds(lines: &[&str]) -> Option<(usize, usize)> {
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

pub(super) fn is_quoted(line: &str) -> bool {
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

/// One line of a field's value (the rest of the label line, or a continuation line), trimmed.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub(super) line: usize,
    pub(super) text: String,
}

/// A label and everything written under it until the next label.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) field: Field,
    pub(super) line: usize,
    pub(super) pieces: Vec<Piece>,
}

/// Reads `lines[start..end]` into entries: a known label starts one, every other line continues
/// the current one (an unknown `Something:` line too). Hints are removed.
pub(super) fn read_entries(lines: &[&str], start: usize, end: usize) -> Vec<Entry> {
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
pub(super) struct Form {
    pub(super) entries: Vec<Entry>,
    pub(super) duplicates: Vec<TemplateError>,
}

impl Form {
    /// Keeps, for each field, the first entry with a value (or the first entry when none has
    /// one); a second entry with a value is an error.
    pub(super) fn new(all: Vec<Entry>) -> Form {
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

    pub(super) fn get(&self, field: Field) -> Option<&Entry> {
        self.entries.iter().find(|e| e.field == field)
    }

    /// The entry, if it has a value.
    pub(super) fn value(&self, field: Field) -> Option<&Entry> {
        self.get(field).filter(|e| !e.is_empty())
    }

    /// The line of the field's label, 0 when it is absent.
    pub(super) fn line(&self, field: Field) -> usize {
        self.get(field).map_or(0, |e| e.line)
    }
}

impl Entry {
    /// Every piece with text, joined by single spaces.
    pub(super) fn joined(&self) -> String {
        let parts: Vec<&str> = self
            .pieces
            .iter()
            .map(|p| p.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(" ")
    }

    pub(super) fn is_empty(&self) -> bool {
        is_not_given(&self.joined())
    }

    /// Free text: lines kept, runs of blank lines made one paragraph break.
    pub(super) fn long_text(&self) -> String {
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
    pub(super) fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.pieces
            .iter()
            .map(|p| (p.line, p.text.trim()))
            .filter(|(_, t)| !t.is_empty())
    }

    /// The line a problem with the whole value belongs to: the first line with text.
    pub(super) fn value_line(&self) -> usize {
        self.lines().next().map_or(self.line, |(line, _)| line)
    }

    pub(super) fn error(&self, problem: Problem) -> TemplateError {
        self.error_at(self.value_line(), &self.joined(), problem)
    }

    pub(super) fn error_at(&self, line: usize, written: &str, problem: Problem) -> TemplateError {
        TemplateError::new(line, self.field, written, problem.message)
            .suggesting(problem.suggestions)
    }
}

/// Whether a value says "nothing": empty, only dashes or dots, or "n/a", "none", "TBD"…
pub(super) fn is_not_given(text: &str) -> bool {
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
pub(super) struct Problem {
    pub(super) message: String,
    pub(super) suggestions: Vec<String>,
}

impl Problem {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    pub(super) fn suggesting(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }
}

/// The items of a list field, line by line: a leading bullet or number removed, then split at
/// commas, semicolons, slashes, bullets and bars outside brackets.
pub(super) fn list_items(entry: &Entry) -> Vec<(usize, Vec<String>)> {
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

#[cfg(test)]
mod tests {
    use crate::template::testing::*;

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
}
