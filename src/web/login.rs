//! Logging in and out: the login page and form (throttled, a few password checks at a time),
//! the session cookie, and where to go next.

use std::time::Duration;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::{self, Account};
use crate::metrics::Throttled;

use super::AppState;
use super::csrf::checked_form;
use super::error::{AppError, Result};
use super::extract::{MaybeSession, Member, session_cookie_header};
use super::forms::FormBody;
use super::forwarded::Requester;
use super::handlers::blocking;
use super::pages;

/// Only a path on this site, never another site or a header injection. Control characters
/// and spaces are refused too: a real path has them percent-encoded, and some (NUL, DEL) cannot
/// be put in a `Location` header at all.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/search".to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    MaybeSession(session): MaybeSession,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if session.is_some() {
        return Redirect::to(&next).into_response();
    }
    pages::login(None, &next).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    password: String,
    admin: Option<String>,
    next: Option<String>,
}

/// How long a login waits for its turn to have its password checked.
const LOGIN_QUEUE: Duration = Duration::from_secs(10);

/// A login refused before its password is checked: why, and how long to wait.
fn too_many_attempts(why: &str, seconds: i64) -> AppError {
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        format!("{why} Wait {seconds} seconds and try again."),
    )
    .retry_after(seconds)
}

const LOGIN_FAILED: &str = "Those details are not right. Check the password (and, for ISU staff, the admin name) and try again.";

pub async fn login(
    State(state): State<AppState>,
    requester: Requester,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response> {
    let Form(form) = form?;
    let address = requester.address;
    let now = state.catalogue.now();
    let next = safe_next(form.next.as_deref());
    let account = match form.admin.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => match Account::admin(name) {
            Ok(account) => account,
            // A malformed name is just another failed login.
            Err(_) => Account::Admin(String::new()),
        },
        _ => Account::Member,
    };
    let is_member = account == Account::Member;
    if is_member && let Err(seconds) = state.throttle.member_ceiling(now) {
        state.metrics.login_throttled(Throttled::MemberPassword);
        return Err(too_many_attempts(
            "Many logins with the member password have failed in the last minute.",
            seconds,
        ));
    }
    if let Err(seconds) = state.throttle.attempt(address, now) {
        state.metrics.login_throttled(Throttled::Address);
        return Err(too_many_attempts(
            "Too many failed attempts from your address.",
            seconds,
        ));
    }
    // Only a few passwords are checked at once (each takes a core for a moment); the others
    // wait their turn, and give up rather than wait past the request's time-out.
    let permit = tokio::time::timeout(LOGIN_QUEUE, state.throttle.checks.acquire()).await;
    let Ok(Ok(_permit)) = permit else {
        state.metrics.login_throttled(Throttled::Busy);
        return Err(too_many_attempts(
            "The portal is busy checking other logins.",
            LOGIN_QUEUE.as_secs() as i64,
        ));
    };
    let password = form.password;
    let address_text = address.to_string();
    let session = blocking(&state, move |c| {
        access::login(c, &account, &password, &address_text)
    })
    .await??;
    match session {
        Some(session) => {
            state.throttle.succeeded(address);
            let max_age = state.config.timeouts.absolute.num_seconds();
            Ok(redirect_setting_cookie(
                &next,
                requester,
                &session.id,
                max_age,
            ))
        }
        None => {
            state.metrics.login_failed(!is_member);
            if is_member {
                state.throttle.member_failed(now);
            }
            Ok((
                StatusCode::UNAUTHORIZED,
                pages::login(Some(LOGIN_FAILED), &next),
            )
                .into_response())
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    requester: Requester,
    Member(session): Member,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked_form(&session, &body)?;
    let id = session.id.clone();
    blocking(&state, move |c| access::logout(c, &id)).await??;
    Ok(redirect_setting_cookie("/", requester, "", 0))
}

/// A redirect to `target` that sets the session cookie to `value` for `max_age` seconds (an
/// empty value and 0 end it); Secure when the request came over HTTPS.
fn redirect_setting_cookie(
    target: &str,
    requester: Requester,
    value: &str,
    max_age: i64,
) -> Response {
    let cookie = session_cookie_header(requester, value, max_age);
    let mut response = Redirect::to(target).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
