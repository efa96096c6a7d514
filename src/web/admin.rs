//! The ISU's review handlers: the queue, publishing, rejecting, editing, correcting messages,
//! accepting updates and renewals, uploading files. Admins only; every form checks the CSRF
//! token.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Bytes;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::Session;
use crate::catalogue::{self, Catalogue, CatalogueError, ImportOptions};
use crate::review::{self, IntakeReport};
use crate::store::MessageOutcome;
use crate::submission::{Status, Submission};

use super::AppState;
use super::csrf::{self, checked_form};
use super::error::{AppError, Result};
use super::extract::Admin;
use super::forms::{FormBody, field, page_number, reason};
use super::frame;
use super::handlers::blocking;
use super::review_pages;

/// The largest file accepted by the upload form.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// How an admin appears in the audit trail.
fn actor(session: &crate::access::Session) -> String {
    session.account.to_string()
}

pub async fn renew_one(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let actor = actor(&session);
    let renewed = blocking(&state, move |c| c.renew_by(&actor, &id)).await??;
    let until = renewed
        .timestamps
        .expires_at
        .map(crate::text::iso_day)
        .unwrap_or_default();
    Ok(back_to_queue(&[
        ("done", "renewed"),
        ("id", &renewed.id),
        ("until", &until),
    ]))
}

pub async fn archive(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let page = page_number(query.page.as_deref())?;
    let offset = (page - 1) * review_pages::LISTED;
    let (archived, total) = blocking(&state, move |c| {
        c.archive_page(offset, review_pages::LISTED)
    })
    .await??;
    Ok(frame::page(Some(&session), |viewer| {
        review_pages::archive(
            &archived,
            total,
            page,
            done_message(&query).as_deref(),
            viewer,
        )
    }))
}

/// The ids a list's bulk form acts on: every one the page showed when its "all on this page"
/// button was pressed, else the ticked ones.
fn chosen_ids(pairs: Vec<(String, String)>) -> Vec<String> {
    let whole_page = field(&pairs, "all") == "page";
    let wanted = if whole_page { "shown" } else { "id" };
    pairs
        .into_iter()
        .filter(|(k, _)| k == wanted)
        .map(|(_, v)| v)
        .collect()
}

/// "1 submission", "3 submissions".
fn submissions(count: usize) -> String {
    if count == 1 {
        "1 submission".to_string()
    } else {
        format!("{count} submissions")
    }
}

/// Restores and renews the archived submissions chosen on the archive page; those restored
/// meanwhile (no longer archived) are left as they are.
pub async fn renew_selected(
    State(state): State<AppState>,
    Admin(session): Admin,
    FormBody(body): FormBody,
) -> Result<Response> {
    let chosen = Chosen {
        page: "/admin/archive",
        status: Status::Expired,
        done: "restored",
    };
    chosen
        .act(&state, &session, &body, |c, actor, id| {
            c.renew_by(actor, id)
        })
        .await
}

/// A bulk action on the submissions ticked on a page: each still in `status` is acted on, the
/// others (acted on by another admin meanwhile) skipped; then back to `page`, saying `done`,
/// how many and how many were skipped.
struct Chosen {
    page: &'static str,
    status: Status,
    done: &'static str,
}

impl Chosen {
    async fn act(
        self,
        state: &AppState,
        session: &Session,
        body: &Bytes,
        act: fn(&Catalogue, &str, &str) -> Result<Submission, CatalogueError>,
    ) -> Result<Response> {
        let ids = chosen_ids(checked_form(session, body)?);
        if ids.is_empty() {
            return Ok(back_with_notice(self.page, &[("done", "nothing-selected")]));
        }
        let actor = actor(session);
        let status = self.status;
        let (acted, skipped) = blocking(state, move |c| {
            each_with_status(c, &ids, status, |id| act(c, &actor, id))
        })
        .await??;
        Ok(back_with_notice(
            self.page,
            &[
                ("done", self.done),
                ("count", &acted.to_string()),
                ("skipped", &skipped.to_string()),
            ],
        ))
    }
}

/// "1 was", "3 were".
fn were(count: usize) -> String {
    if count == 1 {
        "1 was".to_string()
    } else {
        format!("{count} were")
    }
}

/// Does `act` to each of `ids` whose status is still `status` (another admin may have acted
/// on some since the page was shown); how many it did and how many it left.
fn each_with_status(
    c: &crate::catalogue::Catalogue,
    ids: &[String],
    status: Status,
    mut act: impl FnMut(&str) -> Result<Submission, CatalogueError>,
) -> Result<(usize, usize), CatalogueError> {
    let mut done = 0;
    for id in ids {
        if c.get(id)?.status == status {
            act(id)?;
            done += 1;
        }
    }
    Ok((done, ids.len() - done))
}

/// A list page's query: its page, and what was just done (shown once, after a redirect) as a
/// code with its numbers or id. The page shows a fixed sentence for each code and nothing for
/// an unknown one, so a link can never put words of its own on an admin's page.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
    page: Option<String>,
    id: Option<String>,
    until: Option<String>,
    number: Option<String>,
    outcome: Option<String>,
    count: Option<String>,
    skipped: Option<String>,
    updated: Option<String>,
    duplicates: Option<String>,
    waiting: Option<String>,
    attention: Option<String>,
    problems: Option<String>,
}

/// The sentence for what was just done, from the code and numbers in the query; `None` for a
/// code it does not know or numbers that are not numbers.
fn done_message(query: &ListQuery) -> Option<String> {
    let number = |value: &Option<String>| value.as_deref()?.parse::<usize>().ok();
    let id = || {
        query
            .id
            .as_deref()
            .filter(|id| crate::submission::parse_id(id).is_some())
    };
    let skipped = number(&query.skipped).unwrap_or(0);
    Some(match query.done.as_deref()? {
        "nothing-selected" => "Nothing was selected.".to_string(),
        "published" => {
            let mut message = format!("Published {}.", submissions(number(&query.count)?));
            if skipped > 0 {
                message.push_str(&format!(" {} no longer waiting.", were(skipped)));
            }
            message
        }
        "restored" => {
            let mut message = format!(
                "Restored and renewed {}.",
                submissions(number(&query.count)?)
            );
            if skipped > 0 {
                message.push_str(&format!(" {} no longer archived.", were(skipped)));
            }
            message
        }
        "published-one" => format!("Published {}.", id()?),
        "rejected" => format!("Rejected {}.", id()?),
        "renewed" => {
            let until: chrono::NaiveDate = query.until.as_deref()?.parse().ok()?;
            format!(
                "Renewed {}, valid until {}.",
                id()?,
                crate::text::date_in_words(until)
            )
        }
        "message" => format!(
            "Message {}: {}",
            number(&query.number)?,
            outcome_sentence(query.outcome.as_deref()?, id())?
        ),
        "imported" => {
            let mut message = format!(
                "{} stored, {} updated, {} duplicates, {} waiting for you, {} need attention",
                number(&query.count)?,
                number(&query.updated)?,
                number(&query.duplicates)?,
                number(&query.waiting)?,
                number(&query.attention)?,
            );
            let problems = number(&query.problems).unwrap_or(0);
            if problems > 0 {
                message.push_str(&format!(
                    ". {problems} could not be stored; `portal import` on the file names why"
                ));
            }
            message
        }
        _ => return None,
    })
}

/// What became of a message, from its outcome's code.
fn outcome_sentence(code: &str, id: Option<&str>) -> Option<String> {
    Some(match code {
        "stored" => format!("stored as {}, waiting for publication", id?),
        "update" => format!("an update of {}, waiting for you", id?),
        "renewal" => format!("a renewal of {}, waiting for you", id?),
        "accepted" => format!("accepted for {}", id?),
        "declined" => format!("declined for {}", id?),
        "set-aside" => "set aside".to_string(),
        "attention" => "still needs attention".to_string(),
        _ => return None,
    })
}

pub async fn queue(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let page = page_number(query.page.as_deref())?;
    let offset = (page - 1) * review_pages::LISTED;
    let queue = blocking(&state, move |c| {
        review::queue_page(c, offset, review_pages::LISTED)
    })
    .await??;
    Ok(frame::page(Some(&session), |viewer| {
        review_pages::queue(&queue, page, done_message(&query).as_deref(), viewer)
    }))
}

/// Back to the review queue, saying what was done (a code and its numbers, see `ListQuery`).
fn back_to_queue(notice: &[(&str, &str)]) -> Response {
    back_with_notice("/admin/queue", notice)
}

fn back_with_notice(path: &str, notice: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(notice).unwrap_or_default();
    Redirect::to(&format!("{path}?{query}")).into_response()
}

/// Publishes the pending submissions chosen on the queue page; those published or rejected
/// meanwhile are left as they are.
pub async fn publish_selected(
    State(state): State<AppState>,
    Admin(session): Admin,
    FormBody(body): FormBody,
) -> Result<Response> {
    let chosen = Chosen {
        page: "/admin/queue",
        status: Status::Pending,
        done: "published",
    };
    chosen
        .act(&state, &session, &body, |c, actor, id| {
            c.publish_by(actor, id)
        })
        .await
}

pub async fn publish_one(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let actor = actor(&session);
    let published = blocking(&state, move |c| c.publish_by(&actor, &id)).await??;
    Ok(back_to_queue(&[
        ("done", "published-one"),
        ("id", &published.id),
    ]))
}

pub async fn reject_one(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let reason = reason(
        &pairs,
        "Say why the submission is rejected; the reason is kept with it.",
    )?;
    let actor = actor(&session);
    let rejected = blocking(&state, move |c| review::reject(c, &actor, &id, &reason)).await??;
    Ok(back_to_queue(&[("done", "rejected"), ("id", &rejected.id)]))
}

pub async fn edit_form(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(id): Path<String>,
) -> Result<Response> {
    let submission = blocking(&state, move |c| c.get(&id)).await??;
    let text = review::to_template_text(&submission);
    Ok(frame::page(Some(&session), |viewer| {
        review_pages::edit(&submission, &text, &[], viewer)
    }))
}

pub async fn edit_save(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let text = field(&pairs, "text").to_string();
    let id_for_edit = id.clone();
    let text_for_edit = text.clone();
    let actor = actor(&session);
    let outcome = blocking(&state, move |c| {
        review::edit_from_template(c, &actor, &id_for_edit, &text_for_edit)
    })
    .await??;
    match outcome {
        Ok(saved) => Ok(Redirect::to(&format!("/submissions/{}", saved.id)).into_response()),
        Err(errors) => {
            let submission = blocking(&state, move |c| c.get(&id)).await??;
            Ok(frame::page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&session),
                |viewer| review_pages::edit(&submission, &text, &errors, viewer),
            ))
        }
    }
}

pub async fn message(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
) -> Result<Response> {
    let (record, raw, texts, letters) = blocking(
        &state,
        move |c| -> Result<_, crate::catalogue::CatalogueError> {
            let record = c
                .store()
                .read()?
                .message(number)?
                .ok_or_else(|| crate::catalogue::CatalogueError::MessageNotFound(number))?;
            let raw = review::raw_message(c, number)?;
            let texts = review::message_texts(c, number)?;
            let letters = crate::answers::letters_about_message(c, &record)?;
            Ok((record, raw, texts, letters))
        },
    )
    .await??;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let form_text = record.corrected_text.clone().unwrap_or_else(|| {
        texts
            .iter()
            .find_map(|t| crate::intake::template::extract_form(t))
            .or_else(|| texts.first().cloned())
            .unwrap_or_default()
    });
    Ok(frame::page(Some(&session), |viewer| {
        review_pages::message(&record, &raw, &texts, &form_text, &letters, viewer)
    }))
}

pub async fn retry(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let text = field(&pairs, "text").to_string();
    let record = blocking(&state, move |c| review::retry_message(c, number, &text)).await??;
    Ok(match &record.outcome {
        MessageOutcome::NeedsAttention { .. } => {
            Redirect::to(&format!("/admin/messages/{number}")).into_response()
        }
        other => message_notice(number, other),
    })
}

/// Back to the queue, saying what became of message `number`.
fn message_notice(number: u64, outcome: &MessageOutcome) -> Response {
    let (code, id) = match outcome {
        MessageOutcome::Imported { id } => ("stored", id.as_str()),
        MessageOutcome::UpdateProposed { id, .. } => ("update", id.as_str()),
        MessageOutcome::RenewalRequested { id } => ("renewal", id.as_str()),
        MessageOutcome::Accepted { id } => ("accepted", id.as_str()),
        MessageOutcome::Declined { id, .. } => ("declined", id.as_str()),
        MessageOutcome::Dismissed { .. } => ("set-aside", ""),
        MessageOutcome::AwaitingConfirmation { .. } => ("unconfirmed", ""),
        MessageOutcome::NeedsAttention { .. } | MessageOutcome::Received => ("attention", ""),
    };
    back_to_queue(&[
        ("done", "message"),
        ("number", &number.to_string()),
        ("outcome", code),
        ("id", id),
    ])
}

pub async fn accept(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let actor = actor(&session);
    let record = blocking(&state, move |c| review::accept_message(c, &actor, number)).await??;
    Ok(message_notice(number, &record.outcome))
}

pub async fn decline(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let reason = reason(&pairs, "Say why; the reason is kept with the message.")?;
    let record = blocking(&state, move |c| review::decline_message(c, number, &reason)).await??;
    Ok(message_notice(number, &record.outcome))
}

pub async fn upload(
    State(state): State<AppState>,
    Admin(session): Admin,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    let mut multipart = multipart.map_err(|_| {
        AppError::bad_request("The upload is malformed: send it from the upload form.")
    })?;
    let mut csrf = String::new();
    let mut publish = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    let unreadable = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too large",
                "Files up to 10 MiB can be uploaded; import larger ones with portal import.",
            )
        } else {
            AppError::bad_request("The upload is malformed.")
        }
    };
    while let Some(part) = multipart.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(ToString::to_string);
        let bytes = part.bytes().await.map_err(unreadable)?;
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "publish" => publish = true,
            "file" => {
                let file_name = file_name.unwrap_or_else(|| "upload".to_string());
                file = Some((format!("upload {file_name}"), bytes.to_vec()));
            }
            _ => {}
        }
    }
    csrf::check(&session, &csrf)?;
    let Some((origin, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::bad_request("Choose a file to upload."));
    };
    // If the request ends first (its time-out answered 408, or the client left), the import
    // stops at its next message or batch instead of running on for nobody.
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_when_dropped = CancelWhenDropped(cancelled.clone());
    let report = blocking(&state, move |c| {
        catalogue::cancellable(cancelled, || {
            let mut report = IntakeReport::default();
            review::import_bytes(c, &bytes, &origin, ImportOptions { publish }, &mut report)
                .map(|()| report)
        })
    })
    .await??;
    Ok(back_to_queue(&[
        ("done", "imported"),
        ("count", &report.stored.to_string()),
        ("updated", &report.updated.to_string()),
        ("duplicates", &report.duplicates.to_string()),
        ("waiting", &report.waiting.to_string()),
        ("attention", &report.needs_attention.to_string()),
        (
            "problems",
            &report
                .problems
                .len()
                .saturating_sub(report.needs_attention as usize)
                .to_string(),
        ),
    ]))
}

/// Sets its flag when dropped: with a request's future, when the request ends for any reason.
struct CancelWhenDropped(Arc<AtomicBool>);

impl Drop for CancelWhenDropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
