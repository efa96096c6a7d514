//! Submissions sent by the web form: stored like an e-mail, held until their contact confirms.
//!
//! A member's posted form (already read by the template parser, so it is valid) is written as
//! a plain e-mail (`From:` the contact, `Subject:` "Submission by web form", "Update: ID" or
//! "Renew: ID", the filled template as its body) and stored as a received message whose
//! origin names the web form, the session and the client's address, filed as
//! [`MessageOutcome::AwaitingConfirmation`]. In the same transaction a letter with a signed,
//! single-use link (`/confirm/TOKEN`, purpose `confirm-contact`, its subject the message's
//! number) is queued to the contact. Only [`confirm`] files the message, with the same filing
//! code as an e-mail ([`review::file_confirmed`]); so a shared password cannot put anything in
//! the review queue in someone else's name.
//!
//! This module decides what to store; it never speaks HTTP and never publishes.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::catalogue::{Catalogue, CatalogueError};
use crate::mail::{self, Auto, Letter, MailError};
use crate::renewal::LinkError;
use crate::review;
use crate::store::{MessageOutcome, MessageRecord, StoreError, UsedRenewalLink};
use crate::submission::{Submission, Vocabulary};

/// The purpose under a confirmation link's signature.
pub const CONFIRM_CONTACT: &str = "confirm-contact";
pub use crate::review::WEB_FORM_ORIGIN;
/// How long a confirmation link works.
pub const LINK_DAYS: i64 = 7;

/// How many unconfirmed form submissions may be sent in an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormLimits {
    pub per_session: usize,
    pub per_address: usize,
    pub overall: usize,
}

impl Default for FormLimits {
    fn default() -> Self {
        FormLimits {
            per_session: 5,
            per_address: 10,
            overall: 100,
        }
    }
}

/// What the member asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A new submission; the link goes to the contact typed in the form.
    New,
    /// A new version of submission `id`; the link goes to its contact on file.
    Update(String),
    /// A renewal of submission `id`; the link goes to its contact on file.
    Renew(String),
}

/// A form as sent.
#[derive(Debug, Clone)]
pub struct FormArrival {
    pub request: Request,
    /// The filled template (for a renewal, empty).
    pub text: String,
    /// The submission the parser read from it (for a renewal, the current one).
    pub submission: Submission,
    /// The member session's id, kept only as a short hash in the message's origin.
    pub session_id: String,
    /// The client's address, as `Requester` decided it.
    pub client: String,
}

/// What was stored, for the page that says where the link went.
#[derive(Debug, Clone)]
pub struct Pending {
    pub number: u64,
    pub contact: String,
    pub until: DateTime<Utc>,
}

/// What a valid, unused confirmation link is about: nothing but its kind and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToConfirm {
    /// "A new need", "An update of NEED-2026-0001", "A renewal of …".
    pub what: String,
    pub title: String,
}

/// What can go wrong with a form submission or its confirmation.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("{0}")]
    TooMany(String),
    #[error("the contact e-mail \"{0}\" cannot be written to; correct it")]
    Contact(String),
    #[error(
        "This confirmation link is incomplete or not valid; copy the whole link from the e-mail"
    )]
    BadLink,
    #[error(
        "This confirmation link stopped working on {}; nothing was filed. Send the form again",
        crate::text::day_in_words(*.0)
    )]
    Expired(DateTime<Utc>),
    #[error(
        "This confirmation link was already used on {}; each link works once",
        crate::text::moment_in_a_sentence(*.0)
    )]
    Used(DateTime<Utc>),
    #[error(transparent)]
    Mail(MailError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<MailError> for FormError {
    fn from(error: MailError) -> Self {
        match error {
            MailError::To(address) => FormError::Contact(address),
            other => FormError::Mail(other),
        }
    }
}

impl From<LinkError> for FormError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::Expired(at) => FormError::Expired(at),
            LinkError::AlreadyUsed(at) => FormError::Used(at),
            _ => FormError::BadLink,
        }
    }
}

pub type Result<T, E = FormError> = std::result::Result<T, E>;

/// Where a form's link and letter go: the typed contact for a new submission, the contact on
/// file for an update or renewal.
fn contact_for(catalogue: &Catalogue, arrival: &FormArrival) -> Result<(String, String)> {
    match &arrival.request {
        Request::New => Ok((
            arrival.submission.contact.email.trim().to_string(),
            arrival.submission.contact.name.clone(),
        )),
        Request::Update(id) | Request::Renew(id) => {
            let current = catalogue.get(id)?;
            Ok((
                current.contact.email.trim().to_string(),
                current.contact.name,
            ))
        }
    }
}

/// A short, non-secret tag of a session for the message's origin.
fn session_tag(session_id: &str) -> String {
    let digest = Sha256::digest(session_id.as_bytes());
    hex::encode(&digest[..6])
}

/// Stores the form as a message awaiting its contact's confirmation and queues the letter
/// with the link, in one transaction; refuses when a limit is reached.
pub fn receive(
    catalogue: &Catalogue,
    isu_email: &str,
    public_url: &str,
    limits: FormLimits,
    arrival: FormArrival,
) -> Result<Pending> {
    let now = catalogue.now();
    let (contact, contact_name) = contact_for(catalogue, &arrival)?;
    if contact.is_empty() {
        return Err(FormError::Contact(contact));
    }
    let tag = session_tag(&arrival.session_id);
    let origin = format!(
        "{WEB_FORM_ORIGIN}; session {tag}; client {}",
        arrival.client
    );
    let subject = match &arrival.request {
        Request::New => "Submission by web form".to_string(),
        Request::Update(id) => format!("Update: {id}"),
        Request::Renew(id) => format!("Renew: {id}"),
    };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
    let message_id = format!("form.{}.{}@portal", now.timestamp(), hex::encode(nonce));
    let raw = format!(
        "From: {contact}\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{message_id}>\r\n\
         X-Portal-Origin: {origin}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        now.to_rfc2822(),
        arrival.text.replace('\n', "\r\n")
    );
    let until = now + Duration::days(LINK_DAYS);
    let record = MessageRecord {
        number: 0,
        received_at: now,
        origin: origin.clone(),
        key: format!("message-id:{message_id}"),
        sender: Some(contact.clone()),
        subject: subject.clone(),
        date: Some(now),
        corrected_text: None,
        notes: Vec::new(),
        outcome: MessageOutcome::AwaitingConfirmation {
            contact: contact.clone(),
            until,
        },
        updated_at: now,
    };
    let what = describe(&arrival.request, &arrival.submission);
    let title = arrival.submission.title.clone();
    let key = catalogue.link_key()?;
    let since = now - Duration::hours(1);
    let client_part = format!("; client {}", arrival.client);
    let session_part = format!("; session {tag};");
    let number = catalogue.store().write(|writer| -> Result<u64> {
        let recent: Vec<MessageRecord> = writer
            .messages_since(since)?
            .into_iter()
            .filter(|m| matches!(m.outcome, MessageOutcome::AwaitingConfirmation { .. }))
            .filter(|m| m.origin.starts_with(WEB_FORM_ORIGIN))
            .collect();
        let by_session = recent
            .iter()
            .filter(|m| m.origin.contains(&session_part))
            .count();
        let by_address = recent
            .iter()
            .filter(|m| m.origin.ends_with(&client_part))
            .count();
        if by_session >= limits.per_session {
            return Err(FormError::TooMany(format!(
                "This session has sent {by_session} forms in the last hour that are not yet \
                 confirmed, the most it may; confirm those by the links in their e-mails, or \
                 try again later"
            )));
        }
        if by_address >= limits.per_address || recent.len() >= limits.overall {
            return Err(FormError::TooMany(
                "Too many forms waiting for confirmation have been sent in the last hour; try \
                 again later, or e-mail the filled template to the ISU"
                    .to_string(),
            ));
        }
        let number = writer.add_message(raw.as_bytes(), record.clone())?;
        let token = key.issue_for(CONFIRM_CONTACT, &number.to_string(), until)?;
        let link = format!("{}/confirm/{token}", public_url.trim_end_matches('/'));
        let letter = Letter {
            purpose: CONFIRM_CONTACT,
            about: Some(format!("message {number}")),
            to_name: contact_name.clone(),
            to: contact.clone(),
            subject: format!("Please confirm: {what} on the Cooperation Portal"),
            body: confirmation_body(&what, &title, &link, until),
            in_reply_to: None,
            references: Vec::new(),
            auto: Auto::Generated,
        };
        mail::queue(writer, isu_email, &letter, now)?;
        Ok(number)
    })?;
    Ok(Pending {
        number,
        contact,
        until,
    })
}

fn describe(request: &Request, submission: &Submission) -> String {
    match request {
        Request::New => format!("a new {}", submission.kind.label().to_lowercase()),
        Request::Update(id) => format!("an update of {id}"),
        Request::Renew(id) => format!("a renewal of {id}"),
    }
}

fn confirmation_body(what: &str, title: &str, link: &str, until: DateTime<Utc>) -> String {
    let intro = mail::wrap(
        &format!(
            "Someone logged in to the Cooperation Portal of the Convention on Cluster Munitions \
             sent {what} and gave this address as its contact: \"{}\".",
            mail::one_line(title, 200)
        ),
        72,
    );
    let next = mail::wrap(
        &format!(
            "If you sent it, open this link and press the button to confirm; the \
             Implementation Support Unit (ISU) then reviews it before anything is published. \
             The link works once, until {}.",
            crate::text::moment_in_a_sentence(until)
        ),
        72,
    );
    let ignore = mail::wrap(
        "If you did not send it, ignore this e-mail: nothing is filed or published without \
         your confirmation.",
        72,
    );
    format!("{intro}\n\n{next}\n\n{link}\n\n{ignore}\n")
}

/// The message a confirmation token names, if the token is valid and unused and the message
/// still waits for it.
fn claimed(catalogue: &Catalogue, token: &str) -> Result<(crate::renewal::Claim, MessageRecord)> {
    let claim = catalogue
        .link_key()?
        .verify_for(CONFIRM_CONTACT, token, catalogue.now())?;
    let number: u64 = claim.id.parse().map_err(|_| FormError::BadLink)?;
    let reader = catalogue.store().read()?;
    if let Some(used) = reader.used_renewal_link(&claim.nonce)? {
        return Err(FormError::Used(used.used_at));
    }
    let record = reader.message(number)?.ok_or(FormError::BadLink)?;
    Ok((claim, record))
}

/// What a link would confirm (its kind and title only); changes nothing.
pub fn preview(catalogue: &Catalogue, token: &str) -> Result<ToConfirm> {
    let (_, record) = claimed(catalogue, token)?;
    let raw = review::raw_message(catalogue, record.number)?;
    let text = String::from_utf8_lossy(&raw);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let title = body
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let kind = body
        .lines()
        .find_map(|l| l.strip_prefix("Kind:"))
        .map(|t| t.trim().to_lowercase())
        .unwrap_or_default();
    let what = match record.subject.split_once(": ") {
        Some(("Update", id)) => format!("An update of {id}"),
        Some(("Renew", id)) => format!("A renewal of {id}"),
        _ => format!("A new {kind}"),
    };
    Ok(ToConfirm { what, title })
}

/// Confirms: marks the link used and takes the message out of "awaiting confirmation" in one
/// transaction, then files it as an e-mail is filed (review queue, proposed update or
/// renewal request). Returns the message's record as filed.
pub fn confirm(catalogue: &Catalogue, token: &str) -> Result<MessageRecord> {
    let (claim, record) = claimed(catalogue, token)?;
    let now = catalogue.now();
    let number = record.number;
    catalogue.store().write(|writer| -> Result<()> {
        let used = UsedRenewalLink {
            id: format!("message {number}"),
            used_at: now,
        };
        if let Some(earlier) = writer.use_renewal_link(&claim.nonce, &used)? {
            return Err(FormError::Used(earlier.used_at));
        }
        let mut record = writer.message(number)?.ok_or(FormError::BadLink)?;
        if !matches!(record.outcome, MessageOutcome::AwaitingConfirmation { .. }) {
            return Err(FormError::Used(record.updated_at));
        }
        // "Received" is what an interrupted import leaves: should filing below fail, the
        // message waits in the admin's queue instead of being lost or filed twice.
        record.outcome = MessageOutcome::Received;
        record.notes.push(format!(
            "contact confirmed by link on {}",
            crate::text::moment_in_a_sentence(now)
        ));
        record.updated_at = now;
        writer.put_message(&record)?;
        Ok(())
    })?;
    Ok(review::file_confirmed(catalogue, number)?)
}
