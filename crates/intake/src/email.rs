//! E-mail messages, as delegations send their filled templates: `.eml` files, mbox files and
//! maildir folders read into [`Message`]s holding the texts that may contain the template,
//! the provenance (sender, date, Message-ID) and any `Update:`/`Renew:` reference.
//!
//! Reading only. This module does not look for the template's labels (that is
//! `intake::template`), does not store anything (the catalogue stores every raw message before
//! it calls [`parse_message`]) and never panics, whatever the bytes: a message it cannot read
//! comes back as an error saying why. The MIME work (multipart, transfer encodings, charsets,
//! RFC 2047 headers) is mail-parser's; choosing the texts, charset fallbacks, HTML to text,
//! mailboxes and references are ours.

mod charset;
mod html;
mod mailbox;

use std::panic::{self, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use mail_parser::{Addr, Address, HeaderName, MessageParser, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use portal_domain::submission::parse_id;

use charset::part_text;
use html::html_to_text;
pub use mailbox::{is_mbox, maildir_files, split_mbox};

/// The largest message read (bigger ones are refused with a reason, never parsed).
pub(crate) const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;
/// The largest .txt attachment considered as a template.
pub(crate) const MAX_ATTACHMENT_BYTES: usize = 1024 * 1024;
/// At most this many text attachments are read from one message; a template comes alone.
const MAX_TEXT_ATTACHMENTS: usize = 20;
/// Longest subject, sender or Message-ID kept (the longest line RFC 5322 allows).
const MAX_HEADER_CHARS: usize = 998;
/// How many lines at the top of each text may hold an `Update:`/`Renew:` reference.
const REFERENCE_LINES: usize = 5;

/// What a message asks for, when its subject (or body) names an existing submission id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new version of the submission (`Update: NEED-2026-0042`).
    Update,
    /// Another lifespan for the submission (`Renew: OFFER-2026-0007`).
    Renew,
}

/// A submission id named in a message, and what the message asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub action: Action,
    /// In the portal's form, upper case: `NEED-2026-0042`.
    pub id: String,
}

/// One message, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Without angle brackets, trimmed.
    pub message_id: Option<String>,
    /// "Name <addr>" or just the address, as the From header says (decoded).
    pub sender: Option<String>,
    pub date: Option<DateTime<Utc>>,
    /// Decoded, "" when none.
    pub subject: String,
    /// Texts that may hold the template, best first: the text/plain body (all text/plain parts
    /// of the main body joined), then an HTML body turned into text (only when there is no
    /// plain text), then each .txt attachment (text/plain attachment or filename ending .txt,
    /// within MAX_ATTACHMENT_BYTES), all decoded to UTF-8.
    pub texts: Vec<String>,
    pub reference: Option<Reference>,
    /// Things worth telling the ISU about this message even when it parses (e.g. "charset
    /// x-unknown read as Latin-1", "attachment too large, skipped").
    pub notes: Vec<String>,
}

/// Reads one raw message. Never panics, whatever the bytes. Err holds a reason a person can
/// act on ("not an e-mail message: no headers", "larger than 10 MiB").
pub fn parse_message(raw: &[u8]) -> Result<Message, String> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "larger than 10 MiB ({} bytes): not read; ask the sender to send the template as \
             plain text without large attachments",
            raw.len()
        ));
    }
    let raw = skip_to_headers(raw);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("empty: no headers and no text".to_string());
    }
    if !starts_with_header_line(raw) {
        return Err(
            "not an e-mail message: no headers (the first line is not \"Name: value\")".to_string(),
        );
    }
    // mail-parser is written not to panic, but it checks its own state with debug assertions
    // that odd input can trip in a debug build; one bad message must not end an import.
    match panic::catch_unwind(AssertUnwindSafe(|| read_message(raw))) {
        Ok(result) => result,
        Err(_) => Err("the MIME structure could not be read (the MIME parser failed)".to_string()),
    }
}

/// Finds `Update: ID` / `Renew: ID` (also "Renewal", "Re: Update -", case-insensitive, id like
/// NEED-2026-0042 / OFFER- / PROJECT- / FUND-) in the subject first, then in the first lines of
/// the body texts.
pub fn find_reference(subject: &str, texts: &[String]) -> Option<Reference> {
    reference_in_line(subject).or_else(|| {
        texts.iter().find_map(|text| {
            text.lines()
                .map(str::trim)
                // Quoted lines belong to an earlier message.
                .filter(|line| !line.is_empty() && !line.starts_with('>'))
                .take(REFERENCE_LINES)
                .find_map(reference_in_line)
        })
    })
}

/// A stable key for idempotency when a message has no Message-ID: "sha256:<hex of raw bytes>".
pub fn content_key(raw: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(raw))
}

// ----- Reading a message -------------------------------------------------------------------

/// Skips what may come before the headers in a saved message: a byte-order mark, empty lines
/// and an mbox `From ` envelope line.
fn skip_to_headers(raw: &[u8]) -> &[u8] {
    let mut raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    while let Some(rest) = raw
        .strip_prefix(b"\r\n")
        .or_else(|| raw.strip_prefix(b"\n"))
    {
        raw = rest;
    }
    // An mbox envelope line ("From sender date"), not a "From :" header.
    if raw.starts_with(b"From ") && !raw[5..].trim_ascii_start().starts_with(b":") {
        let line_end = raw
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| i + 1);
        raw = &raw[line_end..];
    }
    raw
}

/// `Name: value`, where the name is printable ASCII without spaces (white space before the
/// colon is tolerated, as the obsolete syntax allows).
fn starts_with_header_line(raw: &[u8]) -> bool {
    let name_length = raw
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    let after_name = &raw[name_length..];
    let after_space = after_name.trim_ascii_start();
    name_length > 0
        && after_space.starts_with(b":")
        && !after_name[..after_name.len() - after_space.len()].contains(&b'\n')
}

/// Headers that make bytes an e-mail message rather than some other "Name: value" text (such
/// as a template saved with the wrong extension).
const MESSAGE_HEADERS: [&str; 17] = [
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "received",
    "return-path",
    "delivered-to",
];

fn read_message(raw: &[u8]) -> Result<Message, String> {
    let parsed = MessageParser::default()
        .parse(raw)
        .ok_or("not an e-mail message: no headers")?;
    let has_message_header = parsed.root_part().headers().iter().any(|header| {
        let name = header.name();
        MESSAGE_HEADERS
            .iter()
            .any(|known| name.eq_ignore_ascii_case(known))
    });
    if !has_message_header {
        return Err(
            "not an e-mail message: none of the headers From, To, Subject, Date, \
                    Message-ID or Content-Type"
                .to_string(),
        );
    }
    let mut notes = Notes::default();
    let message_id = read_message_id(&parsed, &mut notes);
    let sender = read_sender(&parsed, &mut notes);
    let date = read_date(&parsed, &mut notes);
    let subject = read_subject(&parsed, &mut notes);
    let texts = read_texts(&parsed, &mut notes);
    let reference = find_reference(&subject, &texts);
    Ok(Message {
        message_id,
        sender,
        date,
        subject,
        texts,
        reference,
        notes: notes.0,
    })
}

/// Notes about a message, each said once.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn add(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.0.contains(&note) {
            self.0.push(note);
        }
    }
}

// ----- Headers -----------------------------------------------------------------------------

fn read_message_id(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<String> {
    let written = parsed.header_raw(HeaderName::MessageId);
    // The first <…> as written: mail-parser keeps the last when a header holds several.
    if let Some(id) = written.and_then(first_bracketed).map(clean_id)
        && !id.is_empty()
    {
        return Some(id);
    }
    if let Some(id) = parsed
        .message_id()
        .map(clean_id)
        .filter(|id| !id.is_empty())
    {
        return Some(id);
    }
    let written = written?;
    let id = clean_id(written.split_whitespace().next().unwrap_or_default());
    if id.is_empty() {
        notes.add("Message-ID header is empty; the message is known by its content");
        return None;
    }
    notes.add("Message-ID header has no angle brackets; kept as written");
    Some(id)
}

/// What is inside the first `<…>` of a header value.
fn first_bracketed(written: &str) -> Option<&str> {
    let inside = &written[written.find('<')? + 1..];
    Some(inside.find('>').map_or(inside, |close| &inside[..close]))
}

/// An id without angle brackets, white space or control characters, at most 998 characters.
fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(MAX_HEADER_CHARS)
        .collect()
}

fn read_sender(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<String> {
    let sender = find_sender(parsed, notes)?;
    Some(limit_length(sender, "sender", notes))
}

fn find_sender(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<String> {
    if let Some(sender) = parsed.from().and_then(format_address) {
        return Some(sender);
    }
    if let Some(written) = parsed.header_raw(HeaderName::From) {
        let sender = clean_line(written);
        if !sender.is_empty() {
            notes.add("From header is not a readable address; kept as written");
            return Some(sender);
        }
    }
    if let Some(sender) = parsed.sender().and_then(format_address) {
        notes.add("no From header; the sender is taken from the Sender header");
        return Some(sender);
    }
    notes.add("no sender: the From header is missing or empty");
    None
}

/// `Name <address>` for each address, joined with ", ".
fn format_address(address: &Address<'_>) -> Option<String> {
    let written: Vec<String> = address.iter().filter_map(format_addr).collect();
    (!written.is_empty()).then(|| written.join(", "))
}

fn format_addr(addr: &Addr<'_>) -> Option<String> {
    let name = addr
        .name
        .as_deref()
        .map(clean_line)
        .filter(|n| !n.is_empty());
    let address = addr
        .address
        .as_deref()
        .map(clean_line)
        .filter(|a| !a.is_empty());
    match (name, address) {
        (Some(name), Some(address)) => Some(format!("{name} <{address}>")),
        (None, Some(address)) => Some(address),
        (Some(name), None) => Some(name),
        (None, None) => None,
    }
}

fn read_date(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<DateTime<Utc>> {
    let date = parsed
        .date()
        .filter(|date| date.is_valid())
        .and_then(|date| DateTime::from_timestamp(date.to_timestamp(), 0));
    if let Some(written) = parsed
        .header_raw(HeaderName::Date)
        .filter(|_| date.is_none())
    {
        let written: String = clean_line(written).chars().take(100).collect();
        notes.add(format!(
            "Date header \"{written}\" is not a date; no date recorded"
        ));
    }
    date
}

fn read_subject(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> String {
    let subject = clean_line(parsed.subject().unwrap_or_default());
    limit_length(subject, "subject", notes)
}

/// A header value on one line: control characters and runs of white space become one space,
/// trimmed.
fn clean_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
    {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

/// Cuts a header value at 998 characters, with a note.
fn limit_length(value: String, what: &str, notes: &mut Notes) -> String {
    if value.chars().count() <= MAX_HEADER_CHARS {
        return value;
    }
    notes.add(format!(
        "{what} longer than {MAX_HEADER_CHARS} characters; cut"
    ));
    value.chars().take(MAX_HEADER_CHARS).collect()
}

// ----- Texts -------------------------------------------------------------------------------

fn read_texts(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Vec<String> {
    let mut texts = Vec::new();
    let plain = plain_body(parsed, notes);
    if !plain.trim().is_empty() {
        texts.push(plain);
    } else if let Some(html) = html_body(parsed, notes) {
        notes.add("no plain-text body; the HTML body was turned into text");
        texts.push(html);
    } else if let Some(text) = broken_multipart_body(parsed, notes) {
        texts.push(text);
    }
    texts.extend(attachment_texts(parsed, notes));
    note_attached_messages(parsed, notes);
    if texts.is_empty() {
        notes.add("no text found: no plain-text or HTML body and no .txt attachment");
    }
    texts
}

/// The text/plain parts of the main body, joined.
fn plain_body(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> String {
    let mut body = String::new();
    for part in body_parts(parsed, &parsed.text_body) {
        if matches!(part.body, PartType::Text(_)) && is_plain_text(part) {
            append_text(&mut body, &part_text(parsed, part, notes));
        }
    }
    body
}

/// The HTML parts of the main body turned into text, joined; None when there are none.
fn html_body(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<String> {
    let mut body = String::new();
    for part in body_parts(parsed, &parsed.html_body) {
        if matches!(part.body, PartType::Html(_)) {
            append_text(&mut body, &html_to_text(&part_text(parsed, part, notes)));
        }
    }
    (!body.trim().is_empty()).then_some(body)
}

/// A message that says it is multipart but whose boundary never comes: mail-parser keeps its
/// body as one text attachment; it is the sender's text all the same.
fn broken_multipart_body(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Option<String> {
    let part = parsed.parts.first()?;
    let is_multipart = part
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    if !is_multipart || !matches!(part.body, PartType::Text(_)) {
        return None;
    }
    let text = part_text(parsed, part, notes);
    if text.trim().is_empty() {
        return None;
    }
    notes.add("multipart message without its boundary; its body was read as plain text");
    Some(text)
}

fn body_parts<'m>(
    parsed: &'m mail_parser::Message<'m>,
    ids: &'m [u32],
) -> impl Iterator<Item = &'m MessagePart<'m>> {
    ids.iter().filter_map(|&id| parsed.parts.get(id as usize))
}

/// Each text/plain attachment and each attachment named *.txt, decoded.
fn attachment_texts(parsed: &mail_parser::Message<'_>, notes: &mut Notes) -> Vec<String> {
    let mut texts = Vec::new();
    for part in body_parts(parsed, &parsed.attachments) {
        if !is_text_attachment(part) {
            continue;
        }
        let name = attachment_label(part);
        if part.len() > MAX_ATTACHMENT_BYTES {
            notes.add(format!(
                "attachment {name} is larger than 1 MiB ({} bytes); skipped",
                part.len()
            ));
            continue;
        }
        if texts.len() == MAX_TEXT_ATTACHMENTS {
            notes.add(format!(
                "more than {MAX_TEXT_ATTACHMENTS} text attachments; only the first \
                 {MAX_TEXT_ATTACHMENTS} were read"
            ));
            break;
        }
        let text = part_text(parsed, part, notes);
        if !text.trim().is_empty() {
            texts.push(text);
        }
    }
    texts
}

fn is_text_attachment(part: &MessagePart<'_>) -> bool {
    let named_txt = part
        .attachment_name()
        .is_some_and(|name| name.trim().to_ascii_lowercase().ends_with(".txt"));
    match part.body {
        PartType::Text(_) => is_plain_text(part) || named_txt,
        PartType::Binary(_) | PartType::InlineBinary(_) => named_txt,
        _ => false,
    }
}

/// Whether a part is text/plain (a part without Content-Type is).
fn is_plain_text(part: &MessagePart<'_>) -> bool {
    part.content_type().is_none_or(|ct| {
        ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_none_or(|subtype| subtype.eq_ignore_ascii_case("plain"))
    })
}

/// How notes name an attachment: its file name in quotes, or "without a name".
fn attachment_label(part: &MessagePart<'_>) -> String {
    match part.attachment_name().map(clean_line) {
        Some(name) if !name.is_empty() => {
            format!("\"{}\"", name.chars().take(100).collect::<String>())
        }
        _ => "without a name".to_string(),
    }
}

/// Forwarded messages attached whole are not searched for a template: their sender is not the
/// message's sender. Saying so helps whoever looks at a message where nothing was found.
fn note_attached_messages(parsed: &mail_parser::Message<'_>, notes: &mut Notes) {
    let count = body_parts(parsed, &parsed.attachments)
        .filter(|part| matches!(part.body, PartType::Message(_)))
        .count();
    if count > 0 {
        notes.add(format!(
            "holds {count} attached message(s) (message/rfc822); their text was not read"
        ));
    }
}

/// Adds a text to a body being joined, on a new line.
fn append_text(body: &mut String, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    body.push_str(text);
}

// ----- References --------------------------------------------------------------------------

/// The first `update`/`renew`/`renewal` word in a line followed (after spaces, colons or
/// dashes) by a valid submission id.
fn reference_in_line(line: &str) -> Option<Reference> {
    const WORDS: [(&str, Action); 3] = [
        ("renewal", Action::Renew),
        ("renew", Action::Renew),
        ("update", Action::Update),
    ];
    let bytes = line.as_bytes();
    for start in 0..bytes.len() {
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        for (word, action) in WORDS {
            let end = start + word.len();
            let matches_word = bytes
                .get(start..end)
                .is_some_and(|candidate| candidate.eq_ignore_ascii_case(word.as_bytes()));
            if !matches_word || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                continue;
            }
            // The word is ASCII, so `end` falls on a character boundary.
            if let Some(id) = id_after(&line[end..]) {
                return Some(Reference { action, id });
            }
        }
    }
    None
}

/// A submission id at the start of `text`, after separators (spaces, `:`, `-`, `–`, `—`, `#`).
fn id_after(text: &str) -> Option<String> {
    let rest = text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '#')
    });
    let length = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    let id = rest[..length].trim_end_matches('-').to_ascii_uppercase();
    parse_id(&id).map(|_| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str =
        "Kind: need\nTitle: Prosthetics workshop\nSubmitted by: Ministry of Health\n";

    /// Parses a message that must be readable.
    fn read(raw: &str) -> Message {
        match parse_message(raw.as_bytes()) {
            Ok(message) => message,
            Err(reason) => panic!("not read: {reason}\n{raw}"),
        }
    }

    fn refused(raw: &[u8]) -> String {
        match parse_message(raw) {
            Ok(message) => panic!("read, but should not be: {message:?}"),
            Err(reason) => reason,
        }
    }

    fn has_note(message: &Message, part: &str) -> bool {
        message.notes.iter().any(|note| note.contains(part))
    }

    #[test]
    fn plain_text_body_gives_the_template_and_provenance() {
        let message = read(
            "From: \"Ana Silva\" <ana.silva@mfa.example.gov>\n\
             To: isu@example.org\n\
             Subject: Our need\n\
             Date: Tue, 7 Apr 2026 10:00:01 +0200\n\
             Message-ID: <abc.123@mfa.example.gov>\n\
             \n\
             Dear ISU,\n\
             \n\
             Kind: need\n\
             Title: Prosthetics workshop\n\
             \n\
             -- \n\
             Ana Silva, Ministry of Foreign Affairs\n",
        );
        assert_eq!(
            message.message_id.as_deref(),
            Some("abc.123@mfa.example.gov")
        );
        assert_eq!(
            message.sender.as_deref(),
            Some("Ana Silva <ana.silva@mfa.example.gov>")
        );
        assert_eq!(
            message.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-04-07T08:00:01+00:00")
        );
        assert_eq!(message.subject, "Our need");
        assert_eq!(message.texts.len(), 1);
        assert!(message.texts[0].contains("Kind: need\nTitle: Prosthetics workshop\n"));
        // The signature is still there: cutting it is the template reader's job.
        assert!(message.texts[0].ends_with("-- \nAna Silva, Ministry of Foreign Affairs\n"));
        assert_eq!(message.reference, None);
        assert!(message.notes.is_empty(), "{:?}", message.notes);
    }

    #[test]
    fn crlf_line_ends_become_line_feeds() {
        let message = read("From: a@b.org\r\nSubject: x\r\n\r\nKind: need\r\nTitle: T\r\n");
        assert_eq!(message.texts, ["Kind: need\nTitle: T\n"]);
    }

    #[test]
    fn html_only_body_is_turned_into_text() {
        let message = read(
            "From: a@b.org\n\
             Subject: html\n\
             MIME-Version: 1.0\n\
             Content-Type: text/html; charset=utf-8\n\
             \n\
             <html><head><style>p { margin: 0 }</style></head><body>\n\
             <p>Kind: need</p>\n\
             <p>Title: Risk education &amp; clearance</p>\n\
             <p>Countries concerned: C&ocirc;te d&#39;Ivoire<br>Amount: 12&nbsp;000</p>\n\
             </body></html>\n",
        );
        assert_eq!(
            message.texts,
            ["Kind: need\nTitle: Risk education & clearance\n\
              Countries concerned: Côte d'Ivoire\nAmount: 12 000\n"]
        );
        assert!(has_note(&message, "HTML body was turned into text"));
    }

    const ALTERNATIVE: &str = "From: a@b.org\n\
        Subject: both\n\
        MIME-Version: 1.0\n\
        Content-Type: multipart/alternative; boundary=\"alt\"\n\
        \n\
        --alt\n\
        Content-Type: text/plain; charset=us-ascii\n\
        \n\
        Kind: offer\n\
        --alt\n\
        Content-Type: text/html; charset=us-ascii\n\
        \n\
        <p>Kind: <b>need</b></p>\n\
        --alt--\n";

    #[test]
    fn multipart_alternative_prefers_plain_text() {
        let message = read(ALTERNATIVE);
        assert_eq!(message.texts, ["Kind: offer\n"]);
        assert!(message.notes.iter().all(|n| !n.contains("HTML")));
    }

    #[test]
    fn an_empty_plain_alternative_falls_back_to_html() {
        let message = read(&ALTERNATIVE.replace("Kind: offer\n", "\n"));
        assert_eq!(message.texts, ["Kind: need\n"]);
    }

    fn with_attachment(headers: &str, body: &str) -> String {
        format!(
            "From: a@b.org\n\
             Subject: see attachment\n\
             MIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"mix\"\n\
             \n\
             --mix\n\
             Content-Type: text/plain; charset=utf-8\n\
             \n\
             Please find our template attached.\n\
             --mix\n\
             {headers}\n\
             \n\
             {body}\n\
             --mix--\n"
        )
    }

    #[test]
    fn a_base64_txt_attachment_is_a_text() {
        let message = read(&with_attachment(
            "Content-Type: text/plain; charset=utf-8; name=\"need.txt\"\n\
             Content-Disposition: attachment; filename=\"need.txt\"\n\
             Content-Transfer-Encoding: base64",
            // TEMPLATE, base64-encoded.
            "S2luZDogbmVlZApUaXRsZTogUHJvc3RoZXRpY3Mgd29ya3Nob3AKU3VibWl0dGVkIGJ5OiBNaW5p\n\
             c3RyeSBvZiBIZWFsdGgK",
        ));
        assert_eq!(
            message.texts,
            ["Please find our template attached.\n", TEMPLATE]
        );
    }

    #[test]
    fn a_quoted_printable_txt_attachment_is_a_text() {
        let message = read(&with_attachment(
            "Content-Type: text/plain; charset=iso-8859-1\n\
             Content-Disposition: attachment; filename=\"besoin.txt\"\n\
             Content-Transfer-Encoding: quoted-printable",
            "Kind: need\nTitle: D=E9minage =E0 Bouak=E9 avec une ligne tr=\nop longue\n",
        ));
        assert_eq!(
            message.texts[1],
            "Kind: need\nTitle: Déminage à Bouaké avec une ligne trop longue\n"
        );
    }

    #[test]
    fn an_octet_stream_named_txt_is_a_text_and_other_binaries_are_not() {
        let message = read(&with_attachment(
            "Content-Type: application/octet-stream; name=\"form.TXT\"\n\
             Content-Transfer-Encoding: base64",
            "S2luZDogbmVlZAo=",
        ));
        assert_eq!(message.texts[1], "Kind: need\n");
        let message = read(&with_attachment(
            "Content-Type: application/pdf; name=\"form.pdf\"\n\
             Content-Transfer-Encoding: base64",
            "S2luZDogbmVlZAo=",
        ));
        assert_eq!(message.texts.len(), 1);
    }

    #[test]
    fn a_utf16_txt_attachment_with_byte_order_mark_is_decoded() {
        // "Kind: é\n" in UTF-16LE with a byte-order mark, as Notepad saves "Unicode".
        let message = read(&with_attachment(
            "Content-Type: application/octet-stream; name=\"need.txt\"\n\
             Content-Transfer-Encoding: base64",
            "//5LAGkAbgBkADoAIADpAAoA",
        ));
        assert_eq!(message.texts[1], "Kind: é\n");
    }

    #[test]
    fn an_attachment_over_the_limit_is_skipped_with_a_note() {
        let big = "A".repeat(MAX_ATTACHMENT_BYTES + 10);
        let message = read(&with_attachment(
            "Content-Type: text/plain; name=\"big.txt\"\n\
             Content-Disposition: attachment; filename=\"big.txt\"",
            &big,
        ));
        assert_eq!(message.texts.len(), 1);
        assert!(has_note(
            &message,
            "attachment \"big.txt\" is larger than 1 MiB"
        ));
    }

    #[test]
    fn an_attached_message_is_noted_not_read() {
        let message = read(&with_attachment(
            "Content-Type: message/rfc822",
            "From: c@d.org\nSubject: inner\n\nKind: need\n",
        ));
        assert_eq!(message.texts, ["Please find our template attached.\n"]);
        assert!(has_note(&message, "1 attached message(s)"));
    }

    fn body_in(content_type: &str, body: &[u8]) -> Message {
        let mut raw = format!("From: a@b.org\nSubject: charset\n{content_type}\n\n").into_bytes();
        raw.extend_from_slice(body);
        match parse_message(&raw) {
            Ok(message) => message,
            Err(reason) => panic!("not read: {reason}"),
        }
    }

    #[test]
    fn latin1_and_utf8_bodies_are_decoded() {
        let latin1 = body_in(
            "Content-Type: text/plain; charset=ISO-8859-1",
            b"Title: D\xe9minage\n",
        );
        assert_eq!(latin1.texts, ["Title: Déminage\n"]);
        assert!(latin1.notes.is_empty(), "{:?}", latin1.notes);
        let utf8 = body_in(
            "Content-Type: text/plain; charset=utf-8",
            "Title: Déminage – Laos\n".as_bytes(),
        );
        assert_eq!(utf8.texts, ["Title: Déminage – Laos\n"]);
        assert!(utf8.notes.is_empty(), "{:?}", utf8.notes);
    }

    #[test]
    fn text_that_is_not_what_its_charset_says_is_read_as_latin1_with_a_note() {
        let unknown = body_in(
            "Content-Type: text/plain; charset=x-unknown",
            b"Title: D\xe9minage \x80 5\n",
        );
        assert_eq!(unknown.texts, ["Title: Déminage € 5\n"]);
        assert!(has_note(
            &unknown,
            "charset x-unknown is unknown; read as Latin-1"
        ));

        let missing = body_in("MIME-Version: 1.0", b"Title: D\xe9minage\n");
        assert_eq!(missing.texts, ["Title: Déminage\n"]);
        assert!(has_note(&missing, "no charset given"));

        let false_utf8 = body_in(
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            b"Title: D=E9minage\n",
        );
        assert_eq!(false_utf8.texts, ["Title: Déminage\n"]);
        assert!(has_note(&false_utf8, "said to be UTF-8 is not"));

        let unknown_but_utf8 = body_in(
            "Content-Type: text/plain; charset=x-unknown",
            "Title: Déminage\n".as_bytes(),
        );
        assert_eq!(unknown_but_utf8.texts, ["Title: Déminage\n"]);
        assert!(has_note(&unknown_but_utf8, "unknown; read as UTF-8"));
    }

    #[test]
    fn format_flowed_lines_are_joined() {
        let message = body_in(
            "Content-Type: text/plain; charset=utf-8; format=flowed",
            b"Description: a long \nline that goes on\n> quoted \n> too\n-- \nsig\n",
        );
        assert_eq!(
            message.texts,
            ["Description: a long line that goes on\n> quoted too\n-- \nsig\n"]
        );
        let delsp = body_in(
            "Content-Type: text/plain; format=flowed; delsp=yes",
            b"Summary: Mine-clear \nance\n",
        );
        assert_eq!(delsp.texts, ["Summary: Mine-clearance\n"]);
    }

    #[test]
    fn control_characters_are_removed_with_a_note() {
        let message = body_in("MIME-Version: 1.0", b"Kind:\0 need\x07\n");
        assert_eq!(message.texts, ["Kind: need\n"]);
        assert!(has_note(&message, "control characters"));
    }

    #[test]
    fn an_encoded_subject_is_decoded_and_names_a_reference() {
        let message = read(
            "From: =?iso-8859-1?q?Jos=E9_P=E9rez?= <jose@example.org>\n\
             Subject: =?utf-8?q?Update:_NEED-2026-0042?=\n\
             \n\
             Kind: need\n",
        );
        assert_eq!(message.subject, "Update: NEED-2026-0042");
        assert_eq!(
            message.sender.as_deref(),
            Some("José Pérez <jose@example.org>")
        );
        assert_eq!(
            message.reference,
            Some(Reference {
                action: Action::Update,
                id: "NEED-2026-0042".to_string()
            })
        );
    }

    #[test]
    fn a_message_without_message_id_is_known_by_its_content() {
        let raw = "From: a@b.org\nSubject: x\n\nKind: need\n";
        let message = read(raw);
        assert_eq!(message.message_id, None);
        let key = content_key(raw.as_bytes());
        assert_eq!(key, content_key(raw.as_bytes()));
        assert_ne!(
            key,
            content_key(b"From: a@b.org\nSubject: y\n\nKind: need\n")
        );
        assert!(key.starts_with("sha256:") && key.len() == 7 + 64, "{key}");
        assert_eq!(
            content_key(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_malformed_message_id_is_kept_as_written() {
        let message = read("From: a@b.org\nMessage-ID: no-brackets@example.org\n\nx\n");
        assert_eq!(
            message.message_id.as_deref(),
            Some("no-brackets@example.org")
        );
        let message = read("From: a@b.org\nMessage-ID:  <two@x> <ids@y>\n\nx\n");
        assert_eq!(message.message_id.as_deref(), Some("two@x"));
    }

    #[test]
    fn missing_or_broken_headers_are_noted() {
        let message = read("Subject: only a subject\nDate: yesterday\n\nKind: need\n");
        assert_eq!(message.sender, None);
        assert_eq!(message.date, None);
        assert!(has_note(&message, "no sender"));
        assert!(has_note(
            &message,
            "Date header \"yesterday\" is not a date"
        ));
        let long = format!("From: a@b.org\nSubject: {}\n\nx\n", "word ".repeat(300));
        let message = read(&long);
        assert_eq!(message.subject.chars().count(), MAX_HEADER_CHARS);
        assert!(has_note(&message, "subject longer than 998 characters"));
    }

    #[test]
    fn a_message_over_10_mib_is_refused_unread() {
        let mut raw = b"From: a@b.org\nSubject: big\n\n".to_vec();
        raw.resize(11 * 1024 * 1024, b'x');
        assert!(refused(&raw).starts_with("larger than 10 MiB"));
    }

    #[test]
    fn what_is_not_a_message_is_refused_with_a_reason() {
        assert!(refused(b"").starts_with("empty"));
        assert!(refused(b"\n\n  \n").starts_with("empty"));
        assert!(refused(b"These test files are Copyright (c) 2003 Dovecot").contains("no headers"));
        assert!(refused(b"\x89PNG\r\n\x1a\n\0\0\0").contains("no headers"));
        // A template saved as .eml: "Name: value" lines, but no e-mail header among them.
        assert!(refused(TEMPLATE.as_bytes()).contains("none of the headers"));
    }

    #[test]
    fn a_message_without_any_text_says_so() {
        let message = read("From: a@b.org\nSubject: empty\n\n");
        assert!(message.texts.is_empty());
        assert!(has_note(&message, "no text found"));
    }

    #[test]
    fn an_mbox_envelope_line_and_a_byte_order_mark_are_skipped() {
        let message =
            read("\u{feff}From a@b.org Mon Jan  5 10:00:00 2026\nFrom: a@b.org\nSubject: s\n\nx\n");
        assert_eq!(message.sender.as_deref(), Some("a@b.org"));
        assert_eq!(message.subject, "s");
    }

    #[test]
    fn an_mbox_of_three_messages_is_read_message_by_message() {
        let mbox = b"From ana@example.org Mon Jan  5 10:00:00 2026\n\
From: ana@example.org\n\
Subject: Update: NEED-2026-0042\n\
Message-ID: <one@example.org>\n\
\n\
Kind: need\n\
>From the ministry: thanks.\n\
\n\
From bob@example.org Tue Jan  6 11:00:00 2026\n\
From: bob@example.org\n\
Subject: Renewal - OFFER-2026-0007\n\
\n\
Kind: offer\n\
\n\
From carla@example.org Wed Jan  7 12:00:00 2026\n\
From: carla@example.org\n\
Subject: new\n\
\n\
Kind: project\n";
        assert!(is_mbox(mbox));
        let messages: Vec<Message> = split_mbox(mbox)
            .iter()
            .map(|raw| parse_message(raw).unwrap())
            .collect();
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0].texts,
            ["Kind: need\nFrom the ministry: thanks.\n"]
        );
        assert_eq!(messages[0].message_id.as_deref(), Some("one@example.org"));
        assert_eq!(
            messages[1].reference,
            Some(Reference {
                action: Action::Renew,
                id: "OFFER-2026-0007".to_string()
            })
        );
        assert_eq!(messages[2].sender.as_deref(), Some("carla@example.org"));
        assert_eq!(messages[2].texts, ["Kind: project\n"]);
    }

    #[test]
    fn a_maildir_folder_is_read_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        std::fs::write(
            dir.path().join("cur/1767607200.M1P2.host:2,S"),
            "From: a@b.org\nSubject: first\n\nKind: need\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("new/1767693600.M3P4.host"),
            "From: c@d.org\nSubject: second\n\nKind: offer\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("tmp/1767700000.M5.host"), "half written").unwrap();
        let files = maildir_files(dir.path()).unwrap();
        let subjects: Vec<String> = files
            .iter()
            .map(|path| {
                parse_message(&std::fs::read(path).unwrap())
                    .unwrap()
                    .subject
            })
            .collect();
        assert_eq!(subjects, ["first", "second"]);
    }

    fn check_reference(subject: &str, body: &str, expected: Option<(Action, &str)>) {
        let found = find_reference(subject, &[body.to_string()]);
        let expected = expected.map(|(action, id)| Reference {
            action,
            id: id.to_string(),
        });
        assert_eq!(found, expected, "subject {subject:?}, body {body:?}");
    }

    #[test]
    fn references_are_found_in_the_subject_first() {
        use Action::{Renew, Update};
        check_reference(
            "Update: NEED-2026-0042",
            "",
            Some((Update, "NEED-2026-0042")),
        );
        check_reference(
            "Renew: OFFER-2026-0007",
            "",
            Some((Renew, "OFFER-2026-0007")),
        );
        check_reference(
            "RE: update - project-2025-0100",
            "",
            Some((Update, "PROJECT-2025-0100")),
        );
        check_reference(
            "Fwd: Renewal: FUND-2027-12345",
            "",
            Some((Renew, "FUND-2027-12345")),
        );
        check_reference("renew:NEED-2026-0042.", "", Some((Renew, "NEED-2026-0042")));
        check_reference(
            "Update: NEED-2026-0042",
            "Renew: OFFER-2026-0007",
            Some((Update, "NEED-2026-0042")),
        );
    }

    #[test]
    fn references_are_found_in_the_first_lines_of_the_body() {
        use Action::Renew;
        check_reference(
            "Our offer",
            "\nRenew: OFFER-2026-0007\nKind: offer\n",
            Some((Renew, "OFFER-2026-0007")),
        );
        let late = format!(
            "{}Renew: OFFER-2026-0007\n",
            "line\n".repeat(REFERENCE_LINES)
        );
        check_reference("Our offer", &late, None);
        check_reference("Our offer", "> Renew: OFFER-2026-0007\n", None);
    }

    #[test]
    fn only_real_references_count() {
        check_reference("Update NEED-2026-42", "", None);
        check_reference("Update: WISH-2026-0042", "", None);
        check_reference("Outdated: NEED-2026-0042", "", None);
        check_reference("Updates: NEED-2026-0042", "", None);
        check_reference("Update of NEED-2026-0042", "", None);
        check_reference("Update: NEED-2026-0042-b", "", None);
        check_reference("NEED-2026-0042", "", None);
        check_reference("Update: É NEED-2026-0042", "", None);
        check_reference(
            "ÉUpdate: NEED-2026-0042",
            "",
            Some((Action::Update, "NEED-2026-0042")),
        );
    }

    /// A few varied messages whose truncations and byte flips must never panic.
    fn fuzz_seeds() -> Vec<Vec<u8>> {
        vec![
            ALTERNATIVE.as_bytes().to_vec(),
            with_attachment(
                "Content-Type: text/plain; charset=x-unknown; name=\"a.txt\"\n\
                 Content-Transfer-Encoding: quoted-printable",
                "Kind: need=E9=\nTitle",
            )
            .into_bytes(),
            with_attachment(
                "Content-Type: message/rfc822",
                "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/html\n\n<p>a&#x1F600;<b\n--x--",
            )
            .into_bytes(),
            b"From: =?utf-8?b?w6k=?= <a@b>\nSubject: =?utf-16?q?=FF=FE?=\nDate: Mon, 32 Foo 99999 99:99\n\
              Content-Type: text/plain; format=flowed; charset=utf-16\nContent-Transfer-Encoding: base64\n\n//5LAGkA=\n"
                .to_vec(),
        ]
    }

    #[test]
    fn truncated_and_damaged_messages_never_panic() {
        // A fixed linear congruential generator: the same cases on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut cases = 0;
        for seed in fuzz_seeds() {
            for length in 0..=seed.len() {
                check_no_panic(&seed[..length]);
                cases += 1;
            }
            for _ in 0..600 {
                let mut damaged = seed.clone();
                for _ in 0..1 + next() % 4 {
                    let at = next() % damaged.len();
                    damaged[at] = match next() % 4 {
                        0 => b'\n',
                        1 => b'=',
                        2 => b'-',
                        _ => next() as u8,
                    };
                }
                check_no_panic(&damaged);
                cases += 1;
            }
        }
        assert!(cases > 3000, "{cases} cases");
    }

    fn check_no_panic(raw: &[u8]) {
        let outcome = std::panic::catch_unwind(|| parse_message(raw));
        match outcome {
            Ok(Err(reason)) => assert!(!reason.is_empty()),
            Ok(Ok(_)) => {}
            Err(_) => panic!("panicked on {:?}", String::from_utf8_lossy(raw)),
        }
        let _ = split_mbox(raw);
        let _ = is_mbox(raw);
        let _ = html_to_text(&String::from_utf8_lossy(raw));
    }
}
