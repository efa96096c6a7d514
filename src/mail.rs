//! Mail the portal writes: how it leaves (SMTP or the outbox folder), and letters.
//!
//! A *letter* is any e-mail the portal writes to one person other than a reminder: an answer
//! to a sender, a confirmation link, a password for a focal point. It is written whole and
//! stored (`store::LetterRecord`) in the same transaction as whatever it reports, then
//! delivered by [`deliver_letters`], which `portal serve` runs every few seconds; a failed
//! delivery stays outstanding and is tried again, so a restart neither forgets nor repeats one.
//!
//! Delivery is over SMTP when a server is configured, or else as `.eml` files written to an
//! outbox folder, for the ISU to send from its own mail client.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use lettre::address::Envelope;
use lettre::message::header::{ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Mailbox, Message};
use lettre::{Address, SmtpTransport, Transport};

use crate::catalogue::Catalogue;
use crate::store::{Delivery, LetterRecord, StoreError, Writer};
use crate::submission::looks_like_email;

/// How long an SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// The name letters come from, beside the ISU's address.
const SENDER_NAME: &str = "Cooperation Portal (ISU)";

/// What can go wrong when writing or sending mail.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "the SMTP address is not understood ({0}); write e.g. smtp://host:25, \
         smtp://user:password@host:587?tls=required or smtps://user:password@host"
    )]
    SmtpUrl(String),
    #[error("the ISU's e-mail address \"{0}\" is not a valid address to send mail from")]
    From(String),
    #[error("\"{0}\" is not an e-mail address the portal can write to")]
    To(String),
    #[error("the letter \"{subject}\" cannot be written: {reason}")]
    Message { subject: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T, E = MailError> = std::result::Result<T, E>;

/// How mail leaves the portal.
pub enum Mailer {
    /// `.eml` files in a folder, for the ISU to send.
    Outbox(PathBuf),
    /// An SMTP server.
    Smtp {
        transport: Box<SmtpTransport>,
        /// The server, for people (never its password).
        server: String,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Mailer {
    /// An SMTP mailer from a URL such as `smtp://host:25`,
    /// `smtp://user:password@host:587?tls=required` or `smtps://user:password@host`.
    pub fn smtp(url: &str) -> Result<Mailer> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| MailError::SmtpUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            server: server_of(url),
        })
    }

    /// How mail is delivered, in a sentence's end: "sent over SMTP via …".
    pub fn describe(&self) -> String {
        match self {
            Mailer::Outbox(dir) => format!("written to the outbox folder {}", dir.display()),
            Mailer::Smtp { server, .. } => format!("sent over SMTP via {server}"),
        }
    }

    /// Sends `message` (whole, RFC 5322, from the address in its `From`) to `to`, or writes it
    /// to the outbox as `outbox_name`; `previous` is the delivery so far, for counting
    /// attempts. Never fails: a failure is a delivery state.
    pub fn send(
        &self,
        to: &str,
        message: &str,
        outbox_name: &str,
        previous: &Delivery,
        now: DateTime<Utc>,
    ) -> Delivery {
        let attempts = match previous {
            Delivery::Failed { attempts, .. } => attempts + 1,
            _ => 1,
        };
        let failed = |error: String| Delivery::Failed {
            at: now,
            error,
            attempts,
        };
        match self {
            Mailer::Outbox(dir) => match write_to_outbox(dir, outbox_name, message) {
                Ok(file) => Delivery::Written { at: now, file },
                Err(error) => failed(format!("cannot write to {}: {error}", dir.display())),
            },
            Mailer::Smtp { transport, server } => {
                let Some(envelope) = envelope(to, message) else {
                    return Delivery::Undeliverable {
                        reason: "no valid address to send it to".into(),
                    };
                };
                match transport.send_raw(&envelope, message.as_bytes()) {
                    Ok(_) => Delivery::Sent {
                        at: now,
                        server: server.clone(),
                    },
                    Err(error) => failed(error.to_string()),
                }
            }
        }
    }
}

/// Whether a letter is a program's answer to a message (RFC 3834 `auto-replied`: an answer
/// to a sender) or written on its own (`auto-generated`: a confirmation link, a password).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auto {
    Replied,
    Generated,
}

/// A letter to be written: to whom, about what, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Why it is written, a short slug such as `receipt` (kept with it; shown to the ISU).
    pub purpose: &'static str,
    /// What it is about, when it is about one thing: a submission id, a request number.
    pub about: Option<String>,
    /// The addressee's name, if known (may be empty).
    pub to_name: String,
    pub to: String,
    pub subject: String,
    /// The plain text; paragraphs separated by blank lines. Use [`wrap`] for long lines.
    pub body: String,
    /// The message it answers: its Message-ID (with or without the angle brackets) and that
    /// message's own `References`, so mail programs thread the answer with it.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub auto: Auto,
}

/// Writes `letter` from `isu_email` and stores it in `writer`'s transaction, outstanding, to
/// be delivered by [`deliver_letters`]. Returns the stored record.
pub fn queue(
    writer: &mut Writer,
    isu_email: &str,
    letter: &Letter,
    now: DateTime<Utc>,
) -> Result<LetterRecord> {
    let message = write(isu_email, letter, now)?;
    let mut record = LetterRecord {
        number: 0,
        purpose: letter.purpose.to_string(),
        about: letter.about.clone(),
        to: letter.to.trim().to_string(),
        subject: letter.subject.clone(),
        message,
        prepared_at: now,
        delivery: Delivery::Prepared,
    };
    writer.put_new_letter(&mut record)?;
    Ok(record)
}

/// Whether the portal wrote to `address` less than `within` before `now`: the portal answers
/// an address at most once in such a span, so it never writes back and forth with another
/// program.
pub fn wrote_recently(
    writer: &Writer,
    address: &str,
    now: DateTime<Utc>,
    within: TimeDelta,
) -> Result<bool> {
    Ok(writer
        .last_letter_to(address.trim())?
        .is_some_and(|at| now - at < within))
}

/// The whole message of `letter` from `isu_email` at `now` (RFC 5322, ASCII: non-ASCII is
/// encoded).
pub fn write(isu_email: &str, letter: &Letter, now: DateTime<Utc>) -> Result<String> {
    let from = isu_address(isu_email)?;
    let to_text = letter.to.trim();
    let to: Address = match to_text.parse() {
        Ok(address) if looks_like_email(to_text) => address,
        _ => return Err(MailError::To(letter.to.clone())),
    };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
    let message_id = format!(
        "<{}.{}.{}@{}>",
        letter.purpose,
        now.timestamp(),
        hex::encode(nonce),
        from.domain()
    );
    let auto = match letter.auto {
        Auto::Replied => "auto-replied",
        Auto::Generated => "auto-generated",
    };
    let name = one_line(&letter.to_name, 100);
    let mut builder = Message::builder()
        .from(Mailbox::new(Some(SENDER_NAME.into()), from.clone()))
        .reply_to(Mailbox::new(None, from))
        .to(Mailbox::new((!name.is_empty()).then_some(name), to))
        .subject(one_line(&letter.subject, 200))
        .date(now.into())
        .message_id(Some(message_id))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        // Tells mail servers and clients it was sent by a program (RFC 3834): no
        // out-of-office replies to it.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            auto.to_string(),
        ));
    if let Some(answered) = letter.in_reply_to.as_deref().and_then(angle_id) {
        let mut references: Vec<String> = letter
            .references
            .iter()
            .filter_map(|r| angle_id(r))
            .collect();
        references.retain(|r| *r != answered);
        references.push(answered.clone());
        builder = builder
            .in_reply_to(answered)
            .references(references.join(" "));
    }
    let message = builder
        .body(letter.body.clone())
        .map_err(|error| MailError::Message {
            subject: letter.subject.clone(),
            reason: error.to_string(),
        })?;
    // The builder writes ASCII only (non-ASCII is encoded), so this is never lossy.
    Ok(String::from_utf8_lossy(&message.formatted()).into_owned())
}

/// Hands every outstanding letter to the mailer and records how it went. Stops early (the
/// rest stay outstanding) when the portal is stopping.
pub fn deliver_letters(catalogue: &Catalogue, mailer: &Mailer) -> Result<Vec<LetterRecord>> {
    let outstanding = catalogue.store().read()?.outstanding_letters()?;
    let mut delivered = Vec::with_capacity(outstanding.len());
    for mut letter in outstanding {
        if catalogue.is_stopping() {
            break;
        }
        let now = catalogue.now();
        if !due_again(&letter.delivery, now) {
            continue;
        }
        let name = format!("letter-{:06}-{}.eml", letter.number, letter.purpose);
        letter.delivery = mailer.send(&letter.to, &letter.message, &name, &letter.delivery, now);
        catalogue
            .store()
            .write(|writer| writer.put_letter(&letter))?;
        match &letter.delivery {
            Delivery::Failed {
                error, attempts, ..
            } => tracing::warn!(
                letter = letter.number,
                purpose = %letter.purpose,
                attempts,
                %error,
                "a letter could not be delivered; it is tried again"
            ),
            other => tracing::info!(
                letter = letter.number,
                purpose = %letter.purpose,
                delivery = ?other,
                "letter delivered"
            ),
        }
        delivered.push(letter);
    }
    Ok(delivered)
}

/// Whether a letter is due for (another) attempt: a failed one waits a minute for each
/// failed attempt, at most an hour, so a mail server that is down is not hammered.
fn due_again(delivery: &Delivery, now: DateTime<Utc>) -> bool {
    match delivery {
        Delivery::Failed { at, attempts, .. } => {
            now - *at >= TimeDelta::minutes(i64::from((*attempts).min(60)))
        }
        _ => true,
    }
}

/// The ISU's address, which mail comes from.
pub fn isu_address(isu_email: &str) -> Result<Address> {
    let text = isu_email.trim();
    match text.parse::<Address>() {
        Ok(address) if looks_like_email(text) => Ok(address),
        _ => Err(MailError::From(isu_email.to_string())),
    }
}

/// A Message-ID with its angle brackets, or `None` if it is empty or holds a space or a
/// control character (it would break the header).
fn angle_id(id: &str) -> Option<String> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    let fits = !bare.is_empty()
        && bare.len() <= 250
        && bare
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    fits.then(|| format!("<{bare}>"))
}

fn envelope(to: &str, message: &str) -> Option<Envelope> {
    let to: Address = to.parse().ok()?;
    let message = mail_parser::MessageParser::default().parse(message.as_bytes())?;
    let from: Address = message.from()?.first()?.address()?.parse().ok()?;
    Envelope::new(Some(from), vec![to]).ok()
}

/// Writes `message` into `dir` as `name`, whole or not at all. Returns the file's name.
fn write_to_outbox(dir: &Path, name: &str, message: &str) -> std::io::Result<String> {
    std::os::unix::fs::DirBuilderExt::mode(fs::DirBuilder::new().recursive(true), 0o700)
        .create(dir)?;
    let partial = dir.join(format!(".{name}.partial"));
    let mut file = fs::File::create(&partial)?;
    file.write_all(message.as_bytes())?;
    file.sync_all()?;
    fs::rename(&partial, dir.join(name))?;
    Ok(name.to_string())
}

/// The part of an SMTP URL that names the server, without credentials.
fn server_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    host.split(['/', '?']).next().unwrap_or(host).to_string()
}

/// `text` on one line, cut to at most `max` characters after a whole word, with "…" (a
/// single word longer than `max` is cut inside).
pub fn one_line(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let room: String = line.chars().take(max.saturating_sub(1)).collect();
    let whole_words = match line.chars().nth(room.chars().count()) {
        Some(' ') => room.as_str(),
        _ => room
            .rsplit_once(' ')
            .map_or(room.as_str(), |(words, _)| words),
    };
    let cut = whole_words.trim_end_matches([' ', ',', ';', ':', '-']);
    format!("{cut}…")
}

/// `text` wrapped at spaces into lines of at most `width` characters where the words allow
/// (a longer word, a link say, has a line of its own); words are never split.
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn letter() -> Letter {
        Letter {
            purpose: "receipt",
            about: Some("NEED-2026-0042".into()),
            to_name: "Ana Pérez".into(),
            to: "ana@example.org".into(),
            subject: "Received as NEED-2026-0042".into(),
            body: "Dear Ana,\n\nReceived.\n".into(),
            in_reply_to: Some("abc@mail.example.org".into()),
            references: vec!["<root@mail.example.org>".into()],
            auto: Auto::Replied,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
    }

    #[test]
    fn an_answer_threads_with_what_it_answers_and_says_it_is_automatic() {
        let message = write("isu@example.org", &letter(), now()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(message.as_bytes())
            .unwrap();
        assert_eq!(parsed.in_reply_to().as_text(), Some("abc@mail.example.org"));
        let references: Vec<String> = parsed
            .references()
            .as_text_list()
            .unwrap()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            references,
            ["root@mail.example.org", "abc@mail.example.org"]
        );
        assert!(
            message.contains("Auto-Submitted: auto-replied\r\n"),
            "{message}"
        );
        assert_eq!(
            parsed.to().unwrap().first().unwrap().name(),
            Some("Ana Pérez")
        );
        assert_eq!(
            parsed.body_text(0).unwrap(),
            "Dear Ana,\r\n\r\nReceived.\r\n"
        );
    }

    #[test]
    fn a_bad_address_or_message_id_is_refused_or_left_out() {
        let mut bad = letter();
        bad.to = "not an address".into();
        assert!(matches!(
            write("isu@example.org", &bad, now()),
            Err(MailError::To(_))
        ));
        let mut odd = letter();
        odd.in_reply_to = Some("a b\r\nBcc: x@example.org".into());
        let message = write("isu@example.org", &odd, now()).unwrap();
        assert!(!message.contains("In-Reply-To"), "{message}");
        assert!(!message.contains("Bcc"), "{message}");
    }

    #[test]
    fn the_server_is_named_without_its_password() {
        assert_eq!(
            server_of("smtps://isu:secret@mail.example.org:465"),
            "mail.example.org:465"
        );
        assert_eq!(server_of("smtp://relay:25?tls=required"), "relay:25");
    }

    #[test]
    fn long_titles_become_one_short_line() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdefghijkl", 5), "abcd…");
        assert_eq!(
            one_line("Clearance of cluster munition remnants", 20),
            "Clearance of…"
        );
        assert_eq!(one_line("Mine action, in Laos", 14), "Mine action…");
    }

    #[test]
    fn paragraphs_are_wrapped_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(
            wrap("see https://example.org/a-long-link ok", 10),
            "see\nhttps://example.org/a-long-link\nok"
        );
    }
}
