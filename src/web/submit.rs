//! The submission form's routes: `/submit` and `/submit/{kind}` (members: a new submission),
//! `/submissions/{id}/update` and `/submissions/{id}/renew` (members: an update or renewal of
//! an existing one, confirmed by its contact on file), and `/confirm/{token}` (no session: the
//! contact confirms; GET shows, only POST changes anything). The storing and filing is
//! `form_intake`'s; the fields are the template's (`intake::template::fields`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::catalogue::CatalogueError;
use crate::form_intake::{self, FormArrival, FormError, Request};
use crate::intake::template::{self, fields};
use crate::store::MessageOutcome;
use crate::submission::{Kind, Submission, Vocabulary};

use super::AppState;
use super::csrf::checked_form;
use super::error::{AppError, Result};
use super::extract::Member;
use super::forms::FormBody;
use super::forwarded::Requester;
use super::frame::{page, page_with_status};
use super::handlers::blocking;
use super::submit_pages::{self, FieldError, FormPage};

impl From<FormError> for AppError {
    fn from(error: FormError) -> Self {
        match error {
            FormError::TooMany(message) => {
                AppError::new(StatusCode::TOO_MANY_REQUESTS, "Too many forms", message)
                    .retry_after(3600)
            }
            FormError::Contact(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "No contact to confirm",
                error.to_string(),
            ),
            FormError::BadLink => AppError::new(
                StatusCode::NOT_FOUND,
                "Not a valid confirmation link",
                error.to_string(),
            ),
            FormError::Expired(_) | FormError::Used(_) => AppError::new(
                StatusCode::GONE,
                "This confirmation link no longer works",
                error.to_string(),
            ),
            FormError::Catalogue(inner) => inner.into(),
            other => AppError::internal(other),
        }
    }
}

/// The kind a `/submit/{kind}` address names.
fn kind_of(slug: &str) -> Result<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.slug() == slug)
        .ok_or_else(AppError::not_found)
}

fn intro_new() -> maud::Markup {
    html! {
        p {
            "The same fields as the " a href="/template.txt" { "e-mail template" } ". "
            "When you send the form, we e-mail a link to the contact address you give; the "
            "submission goes to the Implementation Support Unit (ISU) for review only once "
            "the contact has confirmed it."
        }
    }
}

/// The posted values by field, check-box lists joined with commas.
fn posted_values(pairs: &[(String, String)]) -> Vec<(&'static str, String)> {
    fields::fields()
        .into_iter()
        .map(|field| {
            let given: Vec<&str> = pairs
                .iter()
                .filter(|(k, _)| k == field.name)
                .map(|(_, v)| v.as_str())
                .collect();
            (field.name, given.join(", "))
        })
        .collect()
}

/// The parser's errors placed on their fields, in its words (without line numbers: a form
/// has none).
/// The posted values, the filled template they make, and what the template's parser reads
/// from it: the submission, or its errors by field.
type Posted = (
    Vec<(&'static str, String)>,
    String,
    std::result::Result<Submission, Vec<FieldError>>,
);

fn read_posted(pairs: &[(String, String)]) -> Posted {
    let values = posted_values(pairs);
    let text = fields::form_text(&values);
    let read = template::parse_template(&text).map_err(field_errors);
    (values, text, read)
}

fn field_errors(errors: Vec<template::TemplateError>) -> Vec<FieldError> {
    let first = fields::fields().into_iter().next();
    errors
        .into_iter()
        .filter_map(|mut error| {
            let field = fields::field_by_label(&error.field).or_else(|| first.clone())?;
            error.line = 0;
            Some(FieldError {
                name: field.name,
                message: error.to_string(),
            })
        })
        .collect()
}

pub async fn new_form(State(_state): State<AppState>, Member(session): Member) -> Response {
    render_new(&session, None, &[], &[], StatusCode::OK)
}

pub async fn new_form_of_kind(
    Member(session): Member,
    Path(kind): Path<String>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    let values = [("kind", kind.label().to_string())];
    Ok(render_new(
        &session,
        Some(kind),
        &values,
        &[],
        StatusCode::OK,
    ))
}

fn render_new(
    session: &crate::access::Session,
    kind: Option<Kind>,
    values: &[(&'static str, String)],
    errors: &[FieldError],
    status: StatusCode,
) -> Response {
    let all = fields::fields();
    let (heading, action) = match kind {
        Some(kind) => (
            format!("Submit a {}", kind.label().to_lowercase()),
            format!("/submit/{}", kind.slug()),
        ),
        None => (
            "Submit a need, offer, project or funding source".to_string(),
            "/submit".to_string(),
        ),
    };
    page_with_status(status, Some(session), |viewer| {
        submit_pages::form_page(
            &FormPage {
                heading,
                intro: intro_new(),
                action,
                fields: &all,
                values,
                errors,
                button: "Send for confirmation",
            },
            viewer,
        )
    })
}

pub async fn send_new(
    State(state): State<AppState>,
    Member(session): Member,
    requester: Requester,
    FormBody(body): FormBody,
) -> Result<Response> {
    send_new_of(state, session, requester, None, body).await
}

pub async fn send_new_of_kind(
    State(state): State<AppState>,
    Member(session): Member,
    requester: Requester,
    Path(kind): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    send_new_of(state, session, requester, Some(kind), body).await
}

async fn send_new_of(
    state: AppState,
    session: crate::access::Session,
    requester: Requester,
    kind: Option<Kind>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let (values, text, read) = read_posted(&pairs);
    let submission = match read {
        Ok(submission) => submission,
        Err(errors) => {
            return Ok(render_new(
                &session,
                kind,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let what = format!("your {}", submission.kind.label().to_lowercase());
    let arrival = FormArrival {
        request: Request::New,
        text,
        submission,
        session_id: session.id.clone(),
        client: requester.address.to_string(),
    };
    receive(&state, &session, arrival, what).await
}

/// Stores a valid form as a message awaiting its contact's confirmation, and says where the
/// link went; `what` names what was sent ("your need", "the update of NEED-…").
async fn receive(
    state: &AppState,
    session: &crate::access::Session,
    arrival: FormArrival,
    what: String,
) -> Result<Response> {
    let config = state.config.clone();
    let pending = blocking(state, move |c| {
        form_intake::receive(
            c,
            &config.isu_email,
            &config.public_url,
            config.form_limits,
            arrival,
        )
    })
    .await??;
    Ok(page(Some(session), |viewer| {
        submit_pages::sent(&what, &pending.contact, pending.until, viewer)
    }))
}

/// The submission a member may propose an update of or ask to renew: one they can see (an
/// admin, any).
async fn visible_submission(
    state: &AppState,
    session: &crate::access::Session,
    id: String,
) -> Result<Submission> {
    if id.len() > 40 {
        return Err(AppError::not_found());
    }
    let is_admin = session.account.is_admin();
    Ok(blocking(state, move |c| -> Result<_, CatalogueError> {
        let submission = c.get(&id)?;
        if !submission.is_visible_to_members(c.now()) && !is_admin {
            return Err(CatalogueError::NotFound(id));
        }
        Ok(submission)
    })
    .await??)
}

fn intro_update(id: &str) -> maud::Markup {
    html! {
        p {
            "Change what should change and send the form. We e-mail a link to the contact "
            "on file for " (id) "; once they confirm, the ISU reviews the update before it "
            "replaces the published text."
        }
    }
}

fn render_update(
    session: &crate::access::Session,
    id: &str,
    values: &[(&'static str, String)],
    errors: &[FieldError],
    status: StatusCode,
) -> Response {
    let all = fields::fields();
    page_with_status(status, Some(session), |viewer| {
        submit_pages::form_page(
            &FormPage {
                heading: format!("Propose an update of {id}"),
                intro: intro_update(id),
                action: format!("/submissions/{id}/update"),
                fields: &all,
                values,
                errors,
                button: "Send for confirmation",
            },
            viewer,
        )
    })
}

pub async fn update_form(
    State(state): State<AppState>,
    Member(session): Member,
    Path(id): Path<String>,
) -> Result<Response> {
    let submission = visible_submission(&state, &session, id).await?;
    let values = template::to_form_values(&submission);
    Ok(render_update(
        &session,
        &submission.id,
        &values,
        &[],
        StatusCode::OK,
    ))
}

pub async fn send_update(
    State(state): State<AppState>,
    Member(session): Member,
    requester: Requester,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let current = visible_submission(&state, &session, id).await?;
    let (values, text, read) = read_posted(&pairs);
    let submission = match read {
        Ok(submission) => submission,
        Err(errors) => {
            return Ok(render_update(
                &session,
                &current.id,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let what = format!("the update of {}", current.id);
    let arrival = FormArrival {
        request: Request::Update(current.id.clone()),
        text,
        submission,
        session_id: session.id.clone(),
        client: requester.address.to_string(),
    };
    receive(&state, &session, arrival, what).await
}

pub async fn send_renewal(
    State(state): State<AppState>,
    Member(session): Member,
    requester: Requester,
    Path(id): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let current = visible_submission(&state, &session, id).await?;
    let what = format!("the renewal of {}", current.id);
    let arrival = FormArrival {
        request: Request::Renew(current.id.clone()),
        text: String::new(),
        submission: current,
        session_id: session.id.clone(),
        client: requester.address.to_string(),
    };
    receive(&state, &session, arrival, what).await
}

/// Tokens are short; anything much longer is not one of ours.
const MAX_TOKEN_BYTES: usize = 200;

pub async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(FormError::BadLink.into());
    }
    let action = format!("/confirm/{token}");
    let shown = blocking(&state, move |c| form_intake::preview(c, &token)).await??;
    Ok(submit_pages::confirm_page(&shown.what, &shown.title, &action).into_response())
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(FormError::BadLink.into());
    }
    let record = blocking(&state, move |c| form_intake::confirm(c, &token)).await??;
    let outcome = match &record.outcome {
        MessageOutcome::Imported { .. } => "Your submission is now waiting for review.",
        MessageOutcome::UpdateProposed { .. } => "Your update is now waiting for review.",
        MessageOutcome::RenewalRequested { .. } => {
            "Your renewal request is now waiting for review."
        }
        _ => "It is now with the ISU, who will look at it.",
    };
    Ok(submit_pages::confirmed(outcome).into_response())
}
