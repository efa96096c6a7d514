//! Access on request and the focal-point list.
//!
//! Anyone may ask for access on the public form; the portal stores the request (unconfirmed)
//! and writes to the address typed a signed, single-use, expiring link. The link's use
//! confirms the request, which then waits for an admin. An admin approves (the requester
//! becomes a *focal point* and is sent the current member password) or declines (a short
//! letter with the admin's note). Each rotation of the member password (admin page, command
//! line, or automatic every `--rotation-days` days) writes the new password to every current
//! focal point, in the transaction that sets it. Every step is in the audit trail under the
//! request's id (`ACCESS-0007`). Nothing a visitor types is sent anywhere but to the address
//! they typed, until an admin acts. This module knows nothing of HTTP.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::access::{self, AccessError, Account, MEMBER_PASSWORD_SECRET};
use crate::catalogue::Catalogue;
use crate::codes;
use crate::exports::{csv_row, neutralised};
use crate::mail::{self, Auto, Letter, MailError};
use crate::renewal::LinkError;
use crate::store::{
    AccessRequestRecord, AccessRequester, AuditEntry, AuditEvent, FocalPoint, Removal,
    RequestState, StoreError, UsedRenewalLink, Writer,
};
use crate::submission::{SubmitterType, Vocabulary};

/// The purpose under the signature of a confirmation link (and of its letter).
pub const CONFIRMATION_PURPOSE: &str = "access-confirmation";
/// The purpose under the signature of the request form's token.
const FORM_PURPOSE: &str = "access-form";
/// How long a confirmation link works.
pub const CONFIRMATION_HOURS: i64 = 48;
/// How long a request form, once shown, can be sent.
pub const FORM_HOURS: i64 = 4;
/// The longest name, organisation or role accepted, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// The longest e-mail address accepted (RFC 5321's limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Unconfirmed requests kept at most: beyond them the form still answers as always, but
/// stores nothing, so a flood cannot fill the store.
pub const MAX_UNCONFIRMED: usize = 2_000;
/// The name under which the store remembers the ISU's address `portal serve` last ran with,
/// for the letters of a rotation made on the command line.
const ISU_EMAIL_SETTING: &str = "isu-email";

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum AccessRequestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Catalogue(#[from] crate::catalogue::CatalogueError),
    #[error("{}", link_sentence(.0))]
    Link(LinkError),
    #[error("there is no access request {0}")]
    NotFound(String),
    #[error("access request {id} is {state}, not waiting: nothing was changed")]
    NotWaiting { id: String, state: &'static str },
    #[error(
        "the member password was set before the portal kept it to send; set a new one \
         (Administration, or `portal set-password member`), then approve"
    )]
    NoMemberPassword,
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
}

pub type Result<T, E = AccessRequestError> = std::result::Result<T, E>;

fn link_sentence(error: &LinkError) -> String {
    match error {
        LinkError::Malformed | LinkError::Forged => {
            "This confirmation link is not valid; copy the whole link from the e-mail".into()
        }
        LinkError::Expired(at) => format!(
            "This confirmation link stopped working on {}; send the request again",
            crate::text::day_in_words(*at)
        ),
        LinkError::AlreadyUsed(_) | LinkError::NotRenewable { .. } => {
            "This confirmation link was already used; the ISU has the request".into()
        }
    }
}

/// A request's id in the audit trail and on the ISU's pages: `ACCESS-0007`.
pub fn request_id(number: u64) -> String {
    format!("ACCESS-{number:04}")
}

/// The form's fields, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestForm {
    pub name: String,
    pub organisation: String,
    /// A submitter type's slug.
    pub submitter_type: String,
    /// A country's alpha-3 code, or empty.
    pub country: String,
    pub email: String,
    pub role: String,
}

impl RequestForm {
    /// The requester, or every problem, each naming its field.
    pub fn check(&self) -> Result<AccessRequester, Vec<String>> {
        let mut problems = Vec::new();
        let mut text = |label: &str, value: &str, max: usize| -> String {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if value.is_empty() {
                problems.push(format!("{label}: write it"));
            } else if value.chars().count() > max {
                problems.push(format!("{label}: at most {max} characters"));
            }
            value
        };
        let name = text("Name", &self.name, MAX_FIELD_CHARS);
        let organisation = text("Organisation", &self.organisation, MAX_FIELD_CHARS);
        let role = text("Role", &self.role, MAX_FIELD_CHARS);
        let email = text("Official e-mail", &self.email, MAX_EMAIL_CHARS);
        if !email.is_empty()
            && email.chars().count() <= MAX_EMAIL_CHARS
            && !crate::submission::looks_like_email(&email)
        {
            problems.push(format!(
                "Official e-mail: \"{email}\" is not an e-mail address; write e.g. name@ministry.gov"
            ));
        }
        let submitter_type = match SubmitterType::parse(&self.submitter_type) {
            Ok(kind) => Some(kind),
            Err(_) => {
                problems.push("State or organisation type: choose one from the list".into());
                None
            }
        };
        let country = match self.country.trim() {
            "" => None,
            code => match codes::country(code).filter(|c| c.alpha3 == code) {
                Some(country) => Some(country.alpha3.to_string()),
                None => {
                    problems.push("State: choose one from the list".into());
                    None
                }
            },
        };
        let needs_state = matches!(
            submitter_type,
            Some(SubmitterType::StateParty | SubmitterType::Signatory)
        );
        if needs_state && country.is_none() && self.country.trim().is_empty() {
            problems.push("State: choose the State you represent".into());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(AccessRequester {
            name,
            organisation,
            submitter_type: submitter_type.map_or("other", |k| k.slug()).to_string(),
            country,
            email,
            role,
        })
    }
}

/// A requester's State or organisation type, in words: "State Party: Lao People's …".
pub fn affiliation(requester: &AccessRequester) -> String {
    let kind = SubmitterType::parse(&requester.submitter_type)
        .map_or(requester.submitter_type.as_str(), |k| k.label());
    match requester.country.as_deref().and_then(codes::country) {
        Some(country) => format!("{kind}: {}", country.name),
        None => kind.to_string(),
    }
}

/// Where the portal is and who runs it, for the letters.
#[derive(Debug, Clone)]
pub struct Addresses<'a> {
    /// The portal's address as members reach it (links start with it).
    pub public_url: &'a str,
    /// The ISU's e-mail address: letters come from it and name it.
    pub isu_email: &'a str,
}

/// A token for the request form's hidden field: the form can be sent only with one, so a
/// post needs the page first. Not single-use; it expires.
pub fn form_token(catalogue: &Catalogue) -> Result<String> {
    let until = catalogue.now() + Duration::hours(FORM_HOURS);
    Ok(catalogue
        .link_key()?
        .issue_for(FORM_PURPOSE, "form", until)?)
}

/// Whether a form token is one the portal made and still works.
pub fn form_token_works(catalogue: &Catalogue, token: &str) -> Result<bool> {
    Ok(catalogue
        .link_key()?
        .verify_for(FORM_PURPOSE, token, catalogue.now())
        .is_ok())
}

/// Stores a checked request (unconfirmed) and queues the letter with its confirmation link
/// to the address typed, unless [`MAX_UNCONFIRMED`] requests already wait for confirmation:
/// then nothing is stored (and the caller answers the same). Returns the number if stored.
pub fn request(
    catalogue: &Catalogue,
    requester: AccessRequester,
    client: &str,
    addresses: &Addresses,
) -> Result<Option<u64>> {
    let now = catalogue.now();
    let key = catalogue.link_key()?;
    let unconfirmed = catalogue
        .store()
        .read()?
        .access_requests()?
        .iter()
        .filter(|r| r.state == RequestState::Unconfirmed)
        .count();
    if unconfirmed >= MAX_UNCONFIRMED {
        tracing::warn!(unconfirmed, "access request dropped: too many unconfirmed");
        return Ok(None);
    }
    let until = now + Duration::hours(CONFIRMATION_HOURS);
    catalogue.store().write(|writer| -> Result<Option<u64>> {
        let mut record = AccessRequestRecord {
            number: 0,
            requester,
            requested_at: now,
            address: client.to_string(),
            state: RequestState::Unconfirmed,
        };
        let number = writer.put_new_access_request(&mut record)?;
        let id = request_id(number);
        audit(writer, &id, now, AuditEvent::Requested, "requester", None)?;
        let token = key.issue_for(CONFIRMATION_PURPOSE, &number.to_string(), until)?;
        let link = format!(
            "{}/request-access/confirm/{token}",
            addresses.public_url.trim_end_matches('/')
        );
        let body = format!(
            "{}\n\n{link}\n\n{}\n\n{}",
            mail::wrap(
                &format!(
                    "Someone, perhaps you, asked for access to the Cooperation Portal of the \
                     Convention on Cluster Munitions with this address. To confirm the request, \
                     open this link and press the button on the page; it works once, until {}:",
                    crate::text::moment_in_a_sentence(until)
                ),
                72
            ),
            mail::wrap(
                "Once confirmed, the Implementation Support Unit (ISU) reviews the request \
                 and writes to you. If you did not ask for access, ignore this message: \
                 nothing more will be sent.",
                72
            ),
            mail::wrap(
                &format!("Questions: write to the ISU at {}.", addresses.isu_email),
                72
            ),
        );
        mail::queue(
            writer,
            addresses.isu_email,
            &Letter {
                purpose: CONFIRMATION_PURPOSE,
                about: Some(id),
                to_name: record.requester.name.clone(),
                to: record.requester.email.clone(),
                subject: "Confirm your request for access to the Cooperation Portal".into(),
                body,
                in_reply_to: None,
                references: Vec::new(),
                auto: Auto::Generated,
            },
            now,
        )?;
        Ok(Some(number))
    })
}

/// The request a confirmation link is for, if the link is valid, unused and the request
/// still unconfirmed. Changes nothing (mail scanners open links).
pub fn inspect_confirmation(catalogue: &Catalogue, token: &str) -> Result<AccessRequestRecord> {
    let now = catalogue.now();
    let claim = catalogue
        .link_key()?
        .verify_for(CONFIRMATION_PURPOSE, token, now)
        .map_err(AccessRequestError::Link)?;
    let reader = catalogue.store().read()?;
    if let Some(used) = reader.used_renewal_link(&claim.nonce)? {
        return Err(AccessRequestError::Link(LinkError::AlreadyUsed(
            used.used_at,
        )));
    }
    let number = claim.id.parse::<u64>().map_err(|_| link_forged())?;
    let record = reader.access_request(number)?.ok_or_else(link_forged)?;
    if record.state != RequestState::Unconfirmed {
        return Err(AccessRequestError::Link(LinkError::AlreadyUsed(now)));
    }
    Ok(record)
}

fn link_forged() -> AccessRequestError {
    AccessRequestError::Link(LinkError::Forged)
}

/// Confirms the request of a confirmation link and uses the link up, in one transaction.
pub fn confirm(catalogue: &Catalogue, token: &str) -> Result<AccessRequestRecord> {
    let now = catalogue.now();
    let claim = catalogue
        .link_key()?
        .verify_for(CONFIRMATION_PURPOSE, token, now)
        .map_err(AccessRequestError::Link)?;
    let number = claim.id.parse::<u64>().map_err(|_| link_forged())?;
    let id = request_id(number);
    catalogue
        .store()
        .write(|writer| -> Result<AccessRequestRecord> {
            let use_now = UsedRenewalLink {
                id: id.clone(),
                used_at: now,
            };
            if let Some(earlier) = writer.use_renewal_link(&claim.nonce, &use_now)? {
                return Err(AccessRequestError::Link(LinkError::AlreadyUsed(
                    earlier.used_at,
                )));
            }
            let mut record = writer.access_request(number)?.ok_or_else(link_forged)?;
            if record.state != RequestState::Unconfirmed {
                return Err(AccessRequestError::Link(LinkError::AlreadyUsed(now)));
            }
            record.state = RequestState::Waiting { confirmed_at: now };
            writer.put_access_request(&record)?;
            audit(writer, &id, now, AuditEvent::Confirmed, "requester", None)?;
            Ok(record)
        })
}

/// The confirmed requests, newest first: those waiting, then those decided.
pub fn confirmed_requests(catalogue: &Catalogue) -> Result<Vec<AccessRequestRecord>> {
    let mut all: Vec<AccessRequestRecord> = catalogue
        .store()
        .read()?
        .access_requests()?
        .into_iter()
        .filter(|r| r.state != RequestState::Unconfirmed)
        .collect();
    all.sort_by_key(|r| !matches!(r.state, RequestState::Waiting { .. }));
    Ok(all)
}

/// A confirmed request with its audit trail (an unconfirmed one is not shown to anyone).
pub fn confirmed_request(
    catalogue: &Catalogue,
    number: u64,
) -> Result<(AccessRequestRecord, Vec<AuditEntry>)> {
    let reader = catalogue.store().read()?;
    let record = reader
        .access_request(number)?
        .filter(|r| r.state != RequestState::Unconfirmed)
        .ok_or_else(|| AccessRequestError::NotFound(request_id(number)))?;
    let trail = reader.audit(&request_id(number))?;
    Ok((record, trail))
}

/// Approves a waiting request: its requester becomes a focal point and is sent the current
/// member password, in one transaction.
pub fn approve(
    catalogue: &Catalogue,
    number: u64,
    admin: &Account,
    note: &str,
    isu_email: &str,
) -> Result<FocalPoint> {
    let now = catalogue.now();
    let id = request_id(number);
    let actor = admin.to_string();
    catalogue.store().write(|writer| -> Result<FocalPoint> {
        let mut record = waiting(writer, number)?;
        let password = writer
            .secret(MEMBER_PASSWORD_SECRET)?
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .filter(|password| !password.is_empty())
            .ok_or(AccessRequestError::NoMemberPassword)?;
        record.state = RequestState::Approved {
            by: actor.clone(),
            at: now,
            note: note.to_string(),
        };
        writer.put_access_request(&record)?;
        let focal_point = FocalPoint {
            number,
            person: record.requester.clone(),
            approved_by: actor.clone(),
            approved_at: now,
            removed: None,
        };
        writer.put_focal_point(&focal_point)?;
        let note = (!note.is_empty()).then(|| note.to_string());
        audit(writer, &id, now, AuditEvent::Approved, &actor, note)?;
        let opening = "The Implementation Support Unit (ISU) has approved your request for \
                       access to the Cooperation Portal of the Convention on Cluster Munitions. \
                       You are now on the portal's list of focal points: when the password \
                       changes, the new one is sent to you.";
        send_password(writer, &focal_point, &password, opening, now, isu_email)?;
        audit(writer, &id, now, AuditEvent::PasswordSent, &actor, None)?;
        Ok(focal_point)
    })
}

/// Declines a waiting request and queues a short letter with the admin's note.
pub fn decline(
    catalogue: &Catalogue,
    number: u64,
    admin: &Account,
    note: &str,
    isu_email: &str,
) -> Result<AccessRequestRecord> {
    let now = catalogue.now();
    let id = request_id(number);
    let actor = admin.to_string();
    catalogue
        .store()
        .write(|writer| -> Result<AccessRequestRecord> {
            let mut record = waiting(writer, number)?;
            record.state = RequestState::Declined {
                by: actor.clone(),
                at: now,
                note: note.to_string(),
            };
            writer.put_access_request(&record)?;
            audit(
                writer,
                &id,
                now,
                AuditEvent::Declined,
                &actor,
                Some(note.to_string()),
            )?;
            let body = format!(
                "{}\n\n{}\n\n{}",
                mail::wrap(
                    "The Implementation Support Unit (ISU) has not approved your request for \
                     access to the Cooperation Portal of the Convention on Cluster Munitions.",
                    72
                ),
                mail::wrap(&format!("The ISU's note: {note}"), 72),
                mail::wrap(&format!("Questions: write to the ISU at {isu_email}."), 72),
            );
            mail::queue(
                writer,
                isu_email,
                &Letter {
                    purpose: "access-declined",
                    about: Some(id),
                    to_name: record.requester.name.clone(),
                    to: record.requester.email.clone(),
                    subject: "Your request for access to the Cooperation Portal".into(),
                    body,
                    in_reply_to: None,
                    references: Vec::new(),
                    auto: Auto::Generated,
                },
                now,
            )?;
            Ok(record)
        })
}

fn waiting(writer: &Writer, number: u64) -> Result<AccessRequestRecord> {
    let record = writer
        .access_request(number)?
        .ok_or_else(|| AccessRequestError::NotFound(request_id(number)))?;
    match record.state {
        RequestState::Waiting { .. } => Ok(record),
        RequestState::Unconfirmed => Err(AccessRequestError::NotFound(request_id(number))),
        ref other => Err(AccessRequestError::NotWaiting {
            id: request_id(number),
            state: other.label(),
        }),
    }
}

/// Every focal point, current ones first.
pub fn focal_points(catalogue: &Catalogue) -> Result<Vec<FocalPoint>> {
    let mut all = catalogue.store().read()?.focal_points()?;
    all.sort_by_key(|f| !f.is_current());
    Ok(all)
}

pub fn focal_point(catalogue: &Catalogue, number: u64) -> Result<FocalPoint> {
    catalogue
        .store()
        .read()?
        .focal_point(number)?
        .ok_or_else(|| AccessRequestError::NotFound(request_id(number)))
}

/// Changes a focal point's details (as checked by [`RequestForm::check`]).
pub fn edit_focal_point(
    catalogue: &Catalogue,
    number: u64,
    person: AccessRequester,
    admin: &Account,
) -> Result<FocalPoint> {
    let now = catalogue.now();
    let actor = admin.to_string();
    catalogue.store().write(|writer| -> Result<FocalPoint> {
        let mut focal_point = writer
            .focal_point(number)?
            .ok_or_else(|| AccessRequestError::NotFound(request_id(number)))?;
        let changed = changed_fields(&focal_point.person, &person);
        if changed.is_empty() {
            return Ok(focal_point);
        }
        focal_point.person = person;
        writer.put_focal_point(&focal_point)?;
        let note = format!("changed: {}", changed.join(", "));
        audit(
            writer,
            &request_id(number),
            now,
            AuditEvent::Edited,
            &actor,
            Some(note),
        )?;
        Ok(focal_point)
    })
}

fn changed_fields(old: &AccessRequester, new: &AccessRequester) -> Vec<&'static str> {
    [
        ("name", old.name != new.name),
        ("organisation", old.organisation != new.organisation),
        (
            "State or organisation type",
            old.submitter_type != new.submitter_type || old.country != new.country,
        ),
        ("e-mail", old.email != new.email),
        ("role", old.role != new.role),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}

/// Removes a focal point from the list (kept, with who and when): it receives no further
/// passwords.
pub fn remove_focal_point(catalogue: &Catalogue, number: u64, admin: &Account) -> Result<()> {
    let now = catalogue.now();
    let actor = admin.to_string();
    catalogue.store().write(|writer| -> Result<()> {
        let mut focal_point = writer
            .focal_point(number)?
            .ok_or_else(|| AccessRequestError::NotFound(request_id(number)))?;
        if focal_point.removed.is_some() {
            return Ok(());
        }
        focal_point.removed = Some(Removal {
            by: actor.clone(),
            at: now,
        });
        writer.put_focal_point(&focal_point)?;
        audit(
            writer,
            &request_id(number),
            now,
            AuditEvent::Removed,
            &actor,
            None,
        )
    })
}

/// Sets a new member password (ending every member session) and, in the same transaction,
/// queues a letter with it to every current focal point. Returns how many letters.
pub fn rotate_member_password(
    catalogue: &Catalogue,
    password: &str,
    actor: &str,
    isu_email: &str,
) -> Result<usize> {
    access::set_password_and(
        catalogue,
        &Account::Member,
        password,
        |writer, now| -> Result<usize> {
            let current: Vec<FocalPoint> = writer
                .focal_points()?
                .into_iter()
                .filter(FocalPoint::is_current)
                .collect();
            for focal_point in &current {
                let opening = format!(
                    "The member password of the Cooperation Portal of the Convention on \
                     Cluster Munitions has changed. The new password takes effect at once, \
                     from {}: the old one no longer works, and members who were logged in \
                     must log in again with the new one.",
                    crate::text::moment_in_a_sentence(now)
                );
                send_password(writer, focal_point, password, &opening, now, isu_email)?;
                audit(
                    writer,
                    &request_id(focal_point.number),
                    now,
                    AuditEvent::PasswordSent,
                    actor,
                    Some("after a rotation".into()),
                )?;
            }
            Ok(current.len())
        },
    )
}

/// Rotates the member password to a new random one when it is older than `rotation_days`
/// (and sends it to the focal points). Returns how many letters, if it rotated.
pub fn rotate_if_due(
    catalogue: &Catalogue,
    rotation_days: u32,
    isu_email: &str,
) -> Result<Option<usize>> {
    let Some(credential) = catalogue
        .store()
        .read()?
        .credential(&Account::Member.key())?
    else {
        return Ok(None);
    };
    if catalogue.now() - credential.changed_at < Duration::days(i64::from(rotation_days)) {
        return Ok(None);
    }
    let password = access::random_password()?;
    let letters = rotate_member_password(
        catalogue,
        &password,
        "portal (automatic rotation)",
        isu_email,
    )?;
    tracing::info!(letters, "member password rotated automatically");
    Ok(Some(letters))
}

/// For `portal serve`: remembers the ISU's address, then every minute, when `rotation_days`
/// is given, rotates the member password if it is due ([`rotate_if_due`]).
pub async fn look_after_rotation(
    catalogue: std::sync::Arc<Catalogue>,
    rotation_days: Option<u32>,
    isu_email: String,
) {
    let remembering = (catalogue.clone(), isu_email.clone());
    let remembered =
        tokio::task::spawn_blocking(move || remember_isu_email(&remembering.0, &remembering.1))
            .await;
    if !matches!(remembered, Ok(Ok(()))) {
        tracing::warn!("cannot remember the ISU's address for rotations on the command line");
    }
    let Some(days) = rotation_days else {
        return;
    };
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        ticks.tick().await;
        let (catalogue, isu_email) = (catalogue.clone(), isu_email.clone());
        match tokio::task::spawn_blocking(move || rotate_if_due(&catalogue, days, &isu_email)).await
        {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(%error, "rotating the member password failed"),
            Err(error) => tracing::error!(%error, "the rotation task failed"),
        }
    }
}

/// Remembers the ISU's address `portal serve` runs with, for rotations on the command line.
pub fn remember_isu_email(catalogue: &Catalogue, isu_email: &str) -> Result<()> {
    Ok(catalogue
        .store()
        .write(|writer| writer.put_secret(ISU_EMAIL_SETTING, isu_email.as_bytes()))?)
}

/// The ISU's address `portal serve` last ran with, if any.
pub fn remembered_isu_email(catalogue: &Catalogue) -> Result<Option<String>> {
    Ok(catalogue
        .store()
        .read()?
        .secret(ISU_EMAIL_SETTING)?
        .and_then(|bytes| String::from_utf8(bytes).ok()))
}

fn send_password(
    writer: &mut Writer,
    focal_point: &FocalPoint,
    password: &str,
    opening: &str,
    now: DateTime<Utc>,
    isu_email: &str,
) -> Result<()> {
    let body = format!(
        "{}\n\nThe member password:\n\n    {password}\n\n{}\n\n{}",
        mail::wrap(opening, 72),
        mail::wrap(
            "Share it only within your delegation or organisation. It is changed \
             regularly; each new one is sent to you the same way.",
            72
        ),
        mail::wrap(
            &format!(
                "Questions, a change of focal point, or to be taken off the list: write to \
                 the ISU at {isu_email}."
            ),
            72
        ),
    );
    mail::queue(
        writer,
        isu_email,
        &Letter {
            purpose: "member-password",
            about: Some(request_id(focal_point.number)),
            to_name: focal_point.person.name.clone(),
            to: focal_point.person.email.clone(),
            subject: "The Cooperation Portal's member password".into(),
            body,
            in_reply_to: None,
            references: Vec::new(),
            auto: Auto::Generated,
        },
        now,
    )?;
    Ok(())
}

fn audit(
    writer: &mut Writer,
    id: &str,
    at: DateTime<Utc>,
    event: AuditEvent,
    actor: &str,
    note: Option<String>,
) -> Result<()> {
    writer.put_audit_entry(
        id,
        &AuditEntry {
            at,
            event,
            actor: actor.to_string(),
            note,
        },
    )?;
    Ok(())
}

/// The focal-point list as CSV (current and removed), safe against formula injection.
pub fn focal_points_csv(catalogue: &Catalogue) -> Result<String> {
    let mut out = csv_row(
        [
            "request",
            "name",
            "organisation",
            "submitter_type",
            "country",
            "email",
            "role",
            "approved_at",
            "approved_by",
            "removed_at",
            "removed_by",
        ]
        .map(std::borrow::Cow::Borrowed),
    );
    for f in focal_points(catalogue)? {
        let p = &f.person;
        let removed_at = f
            .removed
            .as_ref()
            .map(|r| crate::text::iso_moment(r.at))
            .unwrap_or_default();
        let removed_by = f.removed.as_ref().map(|r| r.by.clone()).unwrap_or_default();
        let cells = [
            request_id(f.number),
            p.name.clone(),
            p.organisation.clone(),
            p.submitter_type.clone(),
            p.country.clone().unwrap_or_default(),
            p.email.clone(),
            p.role.clone(),
            crate::text::iso_moment(f.approved_at),
            f.approved_by.clone(),
            removed_at,
            removed_by,
        ];
        out.push_str(&csv_row(
            cells
                .iter()
                .map(|c| std::borrow::Cow::Owned(neutralised(c).into_owned())),
        ));
    }
    Ok(out)
}

/// How many requests the public form takes: per client address and overall per hour, and per
/// e-mail address per day. Kept in memory (a restart forgets them; the store's cap on
/// unconfirmed requests still holds).
#[derive(Debug)]
pub struct RequestLimits {
    pub per_address_per_hour: usize,
    pub overall_per_hour: usize,
    pub per_email_per_day: usize,
    by_address: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
    overall: Mutex<VecDeque<DateTime<Utc>>>,
    by_email: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl Default for RequestLimits {
    fn default() -> RequestLimits {
        RequestLimits {
            per_address_per_hour: 5,
            overall_per_hour: 100,
            per_email_per_day: 3,
            by_address: Mutex::default(),
            overall: Mutex::default(),
            by_email: Mutex::default(),
        }
    }
}

/// Which limit a request ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Address,
    Overall,
}

/// Addresses (client or e-mail) remembered at most; the oldest are forgotten beyond them.
const MAX_TRACKED: usize = 100_000;

impl RequestLimits {
    /// Limits other than the defaults (5 per client address and 100 in all per hour, 3 per
    /// e-mail address per day).
    pub fn new(
        per_address_per_hour: usize,
        overall_per_hour: usize,
        per_email_per_day: usize,
    ) -> RequestLimits {
        RequestLimits {
            per_address_per_hour,
            overall_per_hour,
            per_email_per_day,
            ..RequestLimits::default()
        }
    }

    /// Counts a post of the form from `client`; `Err` when it is over a limit (and then it is
    /// not counted).
    pub fn admit(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), Limited> {
        let hour_ago = now - Duration::hours(1);
        let mut overall = lock(&self.overall);
        prune(&mut overall, hour_ago);
        let mut by_address = lock(&self.by_address);
        if by_address.len() >= MAX_TRACKED {
            by_address.retain(|_, times| times.back().is_some_and(|t| *t > hour_ago));
        }
        let times = by_address.entry(client).or_default();
        prune(times, hour_ago);
        if times.len() >= self.per_address_per_hour {
            return Err(Limited::Address);
        }
        if overall.len() >= self.overall_per_hour {
            return Err(Limited::Overall);
        }
        times.push_back(now);
        overall.push_back(now);
        Ok(())
    }

    /// Counts a request for `email`; false when that address had its share today (the
    /// request is then dropped without a word, as if sent).
    pub fn admit_email(&self, email: &str, now: DateTime<Utc>) -> bool {
        let day_ago = now - Duration::days(1);
        let mut by_email = lock(&self.by_email);
        if by_email.len() >= MAX_TRACKED {
            by_email.retain(|_, times| times.back().is_some_and(|t| *t > day_ago));
        }
        let times = by_email.entry(email.trim().to_lowercase()).or_default();
        prune(times, day_ago);
        if times.len() >= self.per_email_per_day {
            return false;
        }
        times.push_back(now);
        true
    }
}

fn prune(times: &mut VecDeque<DateTime<Utc>>, before: DateTime<Utc>) {
    while times.front().is_some_and(|t| *t <= before) {
        times.pop_front();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves consistent counts; keep using them.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RequestForm {
        RequestForm {
            name: "Ana  Silva".into(),
            organisation: "Ministry of Foreign Affairs".into(),
            submitter_type: "state-party".into(),
            country: "LAO".into(),
            email: "ana@mofa.gov.la".into(),
            role: "Desk officer".into(),
        }
    }

    #[test]
    fn a_complete_form_is_a_requester() {
        let requester = form().check().unwrap();
        assert_eq!(requester.name, "Ana Silva");
        assert_eq!(requester.country.as_deref(), Some("LAO"));
        assert_eq!(
            affiliation(&requester),
            "State Party: Lao People's Democratic Republic"
        );
    }

    #[test]
    fn each_problem_names_its_field() {
        let wrong = RequestForm {
            name: "x".repeat(MAX_FIELD_CHARS + 1),
            email: "not an address".into(),
            submitter_type: "pirate".into(),
            country: "ATLANTIS".into(),
            ..form()
        };
        let problems = wrong.check().unwrap_err();
        assert!(problems[0].starts_with("Name: at most"), "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("Official e-mail:")));
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("State or organisation type:"))
        );
        assert!(problems.iter().any(|p| p.starts_with("State: choose one")));
    }

    #[test]
    fn a_state_party_names_its_state() {
        let problems = RequestForm {
            country: String::new(),
            ..form()
        }
        .check()
        .unwrap_err();
        assert_eq!(problems, ["State: choose the State you represent"]);
        let ngo = RequestForm {
            submitter_type: "ngo".into(),
            country: String::new(),
            ..form()
        };
        assert!(ngo.check().is_ok());
    }

    #[test]
    fn limits_count_per_address_overall_and_per_email() {
        let limits = RequestLimits {
            overall_per_hour: 7,
            ..RequestLimits::default()
        };
        let now = Utc::now();
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..5 {
            assert_eq!(limits.admit(one, now), Ok(()));
        }
        assert_eq!(limits.admit(one, now), Err(Limited::Address));
        assert_eq!(limits.admit(one, now + Duration::minutes(61)), Ok(()));
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        let later = now + Duration::minutes(61);
        for _ in 0..5 {
            assert_eq!(limits.admit(two, later), Ok(()));
        }
        let three: IpAddr = "192.0.2.3".parse().unwrap();
        assert_eq!(limits.admit(three, later), Ok(()));
        assert_eq!(limits.admit(three, later), Err(Limited::Overall));
        for _ in 0..3 {
            assert!(limits.admit_email("A@x.org", now));
        }
        assert!(!limits.admit_email("a@X.org ", now));
        assert!(limits.admit_email("a@x.org", now + Duration::days(1)));
    }
}
