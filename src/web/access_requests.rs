//! The routes of access on request: the public form (`/request-access`, no session: a signed
//! form token, a honeypot, limits per client, overall and per e-mail address, and one answer
//! whatever the address), the confirmation link (GET shows a button, POST confirms), and the
//! ISU's pages of requests and focal points (admins only; every form checks the CSRF token).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access_requests::{
    self as service, AccessRequestError, Addresses, Limited, RequestForm,
};
use crate::renewal::LinkError;
use crate::store::AccessRequester;

use super::AppState;
use super::access_pages as pages;
use super::csrf::checked_form;
use super::error::{AppError, Result};
use super::extract::Admin;
use super::forms::{FormBody, field, form_pairs, reason};
use super::forwarded::Requester;
use super::frame;
use super::handlers::blocking;

impl From<AccessRequestError> for AppError {
    fn from(error: AccessRequestError) -> Self {
        match error {
            AccessRequestError::Link(link) => {
                let (status, title) = match link {
                    LinkError::Expired(_) | LinkError::AlreadyUsed(_) => {
                        (StatusCode::GONE, "This link no longer works")
                    }
                    _ => (StatusCode::NOT_FOUND, "Not a valid confirmation link"),
                };
                AppError::new(status, title, AccessRequestError::Link(link).to_string())
            }
            AccessRequestError::NotFound(_) => AppError::not_found(),
            error @ (AccessRequestError::NotWaiting { .. }
            | AccessRequestError::NoMemberPassword) => AppError::new(
                StatusCode::CONFLICT,
                "Not done",
                capitalised(&error.to_string()),
            ),
            AccessRequestError::Invalid(problems) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not accepted",
                problems.join("; "),
            ),
            AccessRequestError::Access(access) => access.into(),
            other => AppError::internal(other),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn request_form(pairs: &[(String, String)]) -> RequestForm {
    RequestForm {
        name: field(pairs, "name").to_string(),
        organisation: field(pairs, "organisation").to_string(),
        submitter_type: field(pairs, "submitter_type").to_string(),
        country: field(pairs, "country").to_string(),
        email: field(pairs, "email").to_string(),
        role: field(pairs, "role").to_string(),
    }
}

/// The public form.
pub async fn form(State(state): State<AppState>) -> Result<Response> {
    let token = blocking(&state, service::form_token).await??;
    Ok(pages::request_form(
        &RequestForm::default(),
        &token,
        &[],
        &state.config.isu_email,
    )
    .into_response())
}

/// A request sent from the form. Whatever the address (new, known, a focal point's), the
/// answer is the same page; a filled honeypot, an address over its daily share, or a full
/// store get it too, and nothing is stored or sent.
pub async fn send(
    State(state): State<AppState>,
    requester: Requester,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = form_pairs(&body)?;
    let token = field(&pairs, "form").to_string();
    let works = blocking(&state, move |c| service::form_token_works(c, &token)).await??;
    if !works {
        return Err(AppError::forbidden(
            "This form has expired or did not come from this portal. Reload the page and try again.",
        ));
    }
    let now = state.catalogue.now();
    if let Err(limited) = state.request_limits.admit(requester.address, now) {
        let why = match limited {
            Limited::Address => "Too many requests from your address in the last hour.",
            Limited::Overall => "The portal has had many requests for access in the last hour.",
        };
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            format!(
                "{why} Try again in an hour, or write to the ISU at {}.",
                state.config.isu_email
            ),
        )
        .retry_after(3600));
    }
    let sent = || pages::request_sent(&state.config.isu_email).into_response();
    if !field(&pairs, "website").is_empty() {
        tracing::info!(client = %requester.address, "access request dropped: honeypot filled");
        return Ok(sent());
    }
    let form = request_form(&pairs);
    let checked: AccessRequester = match form.check() {
        Ok(checked) => checked,
        Err(problems) => {
            let token = blocking(&state, service::form_token).await??;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::request_form(&form, &token, &problems, &state.config.isu_email),
            )
                .into_response());
        }
    };
    if !state.request_limits.admit_email(&checked.email, now) {
        tracing::info!("access request dropped: its e-mail address had its share today");
        return Ok(sent());
    }
    let client = requester.address.to_string();
    let config = state.config.clone();
    blocking(&state, move |c| {
        service::request(
            c,
            checked,
            &client,
            &Addresses {
                public_url: &config.public_url,
                isu_email: &config.isu_email,
            },
        )
    })
    .await??;
    Ok(sent())
}

/// Opening a confirmation link shows a button; it changes nothing.
pub async fn confirmation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let shown = token.clone();
    let record = blocking(&state, move |c| service::inspect_confirmation(c, &token)).await??;
    Ok(private(pages::confirm(&record, &shown).into_response()))
}

/// The button: confirms the request and uses the link up.
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    blocking(&state, move |c| service::confirm(c, &token)).await??;
    Ok(private(pages::confirmed().into_response()))
}

fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    number: Option<String>,
}

/// The sentence for what was just done; `None` for a code it does not know (a link can never
/// put words of its own on an admin's page).
fn done_message(query: &DoneQuery) -> Option<String> {
    let id = service::request_id(query.number.as_deref()?.parse().ok()?);
    Some(match query.done.as_deref()? {
        "approved" => format!("Approved {id}: the member password is on its way to the requester."),
        "declined" => format!("Declined {id}: the requester is told, with your note."),
        "edited" => format!("Saved {id}."),
        "removed" => format!("Removed {id} from the list: no further passwords go to it."),
        _ => return None,
    })
}

fn done(path: &str, code: &str, number: u64) -> Response {
    let query = serde_urlencoded::to_string([("done", code), ("number", &number.to_string())])
        .unwrap_or_default();
    Redirect::to(&format!("{path}?{query}")).into_response()
}

pub async fn requests(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let list = blocking(&state, service::confirmed_requests).await??;
    Ok(frame::page(Some(&session), |viewer| {
        pages::requests(&list, done_message(&query).as_deref(), viewer)
    }))
}

pub async fn request(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
) -> Result<Response> {
    let (record, trail) =
        blocking(&state, move |c| service::confirmed_request(c, number)).await??;
    Ok(frame::page(Some(&session), |viewer| {
        pages::request(&record, &trail, viewer)
    }))
}

pub async fn approve(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let note: String = field(&pairs, "note").trim().chars().take(500).collect();
    let admin = session.account.clone();
    let isu_email = state.config.isu_email.clone();
    blocking(&state, move |c| {
        service::approve(c, number, &admin, &note, &isu_email)
    })
    .await??;
    Ok(done("/admin/access", "approved", number))
}

pub async fn decline(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let note: String = reason(&pairs, "Say why; the note is sent to the requester.")?
        .chars()
        .take(2000)
        .collect();
    let admin = session.account.clone();
    let isu_email = state.config.isu_email.clone();
    blocking(&state, move |c| {
        service::decline(c, number, &admin, &note, &isu_email)
    })
    .await??;
    Ok(done("/admin/access", "declined", number))
}

pub async fn focal_points(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let list = blocking(&state, service::focal_points).await??;
    Ok(frame::page(Some(&session), |viewer| {
        pages::focal_points(&list, done_message(&query).as_deref(), viewer)
    }))
}

pub async fn focal_points_csv(
    State(state): State<AppState>,
    Admin(_session): Admin,
) -> Result<Response> {
    let csv = blocking(&state, service::focal_points_csv).await??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"focal-points.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

fn form_of(person: &AccessRequester) -> RequestForm {
    RequestForm {
        name: person.name.clone(),
        organisation: person.organisation.clone(),
        submitter_type: person.submitter_type.clone(),
        country: person.country.clone().unwrap_or_default(),
        email: person.email.clone(),
        role: person.role.clone(),
    }
}

pub async fn focal_point(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
) -> Result<Response> {
    let (focal_point, trail) = blocking(&state, move |c| {
        let focal_point = service::focal_point(c, number)?;
        let trail = c.store().read()?.audit(&service::request_id(number))?;
        Ok::<_, AccessRequestError>((focal_point, trail))
    })
    .await??;
    let form = form_of(&focal_point.person);
    Ok(frame::page(Some(&session), |viewer| {
        pages::focal_point(&focal_point, &form, &[], &trail, viewer)
    }))
}

pub async fn edit_focal_point(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let form = request_form(&pairs);
    match form.check() {
        Ok(person) => {
            let admin = session.account.clone();
            blocking(&state, move |c| {
                service::edit_focal_point(c, number, person, &admin)
            })
            .await??;
            Ok(done("/admin/focal-points", "edited", number))
        }
        Err(problems) => {
            let (focal_point, trail) = blocking(&state, move |c| {
                let focal_point = service::focal_point(c, number)?;
                let trail = c.store().read()?.audit(&service::request_id(number))?;
                Ok::<_, AccessRequestError>((focal_point, trail))
            })
            .await??;
            Ok(frame::page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&session),
                |viewer| pages::focal_point(&focal_point, &form, &problems, &trail, viewer),
            ))
        }
    }
}

pub async fn remove_focal_point(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(number): Path<u64>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let admin = session.account.clone();
    blocking(&state, move |c| {
        service::remove_focal_point(c, number, &admin)
    })
    .await??;
    Ok(done("/admin/focal-points", "removed", number))
}
