//! Who is asking: the access extractors (`MaybeSession`, `Member`, `Admin`) read the session
//! cookie and check the session (its name depends on whether the request came over HTTPS,
//! which `forwarded` decides). A page that needs a login sends a browser to the login page and
//! back.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::{self, Session};

use super::AppState;
use super::error::{AppError, Result};
use super::forwarded::Requester;
use super::handlers::blocking;

const COOKIE: &str = "portal_session";
const SECURE_COOKIE: &str = "__Host-portal_session";

/// The session cookie's name: `__Host-` prefixed (which browsers accept only with Secure)
/// when the request came over HTTPS.
pub(super) fn cookie_name(requester: Requester) -> &'static str {
    if requester.https {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// The `Set-Cookie` value that sets the session cookie to `value` for `max_age` seconds: named
/// and marked by [`cookie_name`]'s rule, the one place that decides both.
pub(super) fn session_cookie_header(requester: Requester, value: &str, max_age: i64) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        cookie_name(requester),
        if requester.https { "; Secure" } else { "" }
    )
}

fn session_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn current_session(parts: &Parts, state: &AppState) -> Result<Option<Session>> {
    let requester = Requester::of_parts(parts, &state.config);
    let Some(id) = session_cookie(&parts.headers, cookie_name(requester)) else {
        return Ok(None);
    };
    let timeouts = state.config.timeouts;
    // Mostly a read of an in-memory page of the store, done here; a session that must be
    // written (seen after a while, or ended) goes to the blocking pool.
    if let access::ReadSession::Answered(answer) =
        access::session_by_reading(&state.catalogue, &id, timeouts)?
    {
        return Ok(answer);
    }
    Ok(blocking(state, move |c| access::session(c, &id, timeouts)).await??)
}

/// The session, if the browser has a live one.
pub struct MaybeSession(pub Option<Session>);

/// A logged-in member or admin.
pub struct Member(pub Session);

/// A logged-in admin.
pub struct Admin(pub Session);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(MaybeSession(current_session(parts, state).await?))
    }
}

/// Where to send someone who is not logged in: the login page, then back here.
pub struct LoginRequired(String);

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        let target = format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", self.0.as_str())]).unwrap_or_default()
        );
        Redirect::to(&target).into_response()
    }
}

pub enum AccessRejection {
    Login(LoginRequired),
    Error(AppError),
}

impl IntoResponse for AccessRejection {
    fn into_response(self) -> Response {
        match self {
            AccessRejection::Login(login) => login.into_response(),
            AccessRejection::Error(error) => error.into_response(),
        }
    }
}

impl From<AppError> for AccessRejection {
    fn from(error: AppError) -> Self {
        AccessRejection::Error(error)
    }
}

fn login_required(parts: &Parts) -> AccessRejection {
    if parts.method == Method::GET || parts.method == Method::HEAD {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/search".to_string(), |p| p.as_str().to_string());
        AccessRejection::Login(LoginRequired(next))
    } else {
        AccessRejection::Error(AppError::forbidden("Log in first."))
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AccessRejection;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, AccessRejection> {
        match current_session(parts, state).await? {
            Some(session) => Ok(Member(session)),
            None => Err(login_required(parts)),
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AccessRejection;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, AccessRejection> {
        match current_session(parts, state).await? {
            Some(session) if session.account.is_admin() => Ok(Admin(session)),
            Some(_) => Err(AccessRejection::Error(AppError::forbidden(
                "This page is for ISU staff only.",
            ))),
            None => Err(login_required(parts)),
        }
    }
}
