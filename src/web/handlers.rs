//! The handlers: read the request, check access, call the catalogue on the blocking pool,
//! render a page. One function per route.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, extract::Query};
use maud::Markup;
use serde::Deserialize;

use crate::access::{self, Account, Session};
use crate::catalogue::{Catalogue, CatalogueError};
use crate::codes;
use crate::renewal::LinkError;
use crate::search::{Audience, Coverage, Filters, Place, SearchRequest, SearchResults, Sort};
use crate::submission::{Area, Kind, Vocabulary};

use super::AppState;
use super::pages::{self, AdminView, SearchView, Viewer};
use super::params::{SearchParams, unknown_place_sentence};

const COOKIE: &str = "portal_session";
const SECURE_COOKIE: &str = "__Host-portal_session";
const TEMPLATE: &str = include_str!("../../data/templates/submission-template.txt");

/// An error page with its status. A 4xx says what was wrong; a 5xx says only that something
/// went wrong, and is logged.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    title: &'static str,
    message: String,
    retry_after: Option<i64>,
}

impl AppError {
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        AppError {
            status,
            title,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A session asking for another export (or compendium) while its earlier ones are still
    /// being sent.
    pub fn too_many_streams() -> Self {
        let mut error = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Downloads under way",
            format!(
                "You already have {} downloads (exports or the compendium) being sent. Wait \
                 until one has finished, then try again.",
                super::streamed::STREAMS_PER_SESSION
            ),
        );
        error.retry_after = Some(10);
        error
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::new(
            StatusCode::BAD_REQUEST,
            "This request cannot be used",
            message,
        )
    }

    pub fn not_found() -> Self {
        AppError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing at this address. It may have expired or been withdrawn.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::new(StatusCode::FORBIDDEN, "Not allowed", message)
    }

    pub(super) fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "request failed");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Something went wrong on our side. Please try again; if it keeps happening, tell the ISU.",
        )
    }
}

impl From<CatalogueError> for AppError {
    fn from(error: CatalogueError) -> Self {
        match error {
            CatalogueError::NotFound(_) | CatalogueError::MessageNotFound(_) => {
                AppError::not_found()
            }
            CatalogueError::RenewalLink(link) => link.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> Self {
        let (status, title) = match error {
            LinkError::Malformed | LinkError::Forged => {
                (StatusCode::NOT_FOUND, "Not a valid renewal link")
            }
            LinkError::Expired(_) | LinkError::AlreadyUsed(_) => {
                (StatusCode::GONE, "This renewal link no longer works")
            }
            LinkError::NotRenewable { .. } => (StatusCode::CONFLICT, "Cannot be renewed"),
        };
        AppError::new(status, title, error.to_string())
    }
}

impl From<access::AccessError> for AppError {
    fn from(error: access::AccessError) -> Self {
        match error {
            access::AccessError::TooShort | access::AccessError::BadAdminName(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not accepted",
                error.to_string(),
            ),
            other => AppError::internal(other),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(status, "Too large", "What was sent is too large.")
        } else if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            AppError::new(
                status,
                "This form cannot be read",
                "Forms are sent as application/x-www-form-urlencoded. Go back, reload the page and try again.",
            )
        } else {
            AppError::new(
                StatusCode::BAD_REQUEST,
                "This form cannot be read",
                "The form that was sent is incomplete or malformed. Go back, reload the page and try again.",
            )
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = pages::error(
            self.status.as_u16(),
            self.title,
            &self.message,
            &Viewer { session: None },
        );
        let mut response = (self.status, page).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

type Result<T, E = AppError> = std::result::Result<T, E>;

/// Runs catalogue work on the blocking pool.
pub(super) async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Catalogue) -> T + Send + 'static,
) -> Result<T> {
    let catalogue = state.catalogue.clone();
    tokio::task::spawn_blocking(move || work(&catalogue))
        .await
        .map_err(AppError::internal)
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        SECURE_COOKIE
    } else {
        COOKIE
    }
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
    let Some(id) = session_cookie(&parts.headers, cookie_name(state)) else {
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

/// The page of `request`: from memory when a recent one still holds (looked up here, which
/// takes microseconds), else searched here too.
pub(super) async fn search_page(
    state: &AppState,
    request: SearchRequest,
) -> Result<Arc<SearchResults>> {
    Ok(found_page(state, request).await?.results)
}

/// A results page and how it was found, for the `Server-Timing` header.
pub(super) struct FoundPage {
    pub results: Arc<SearchResults>,
    /// Whether it was one of the pages kept in memory.
    kept: bool,
    /// The lookup of the kept page, or the search itself.
    took: Duration,
}

impl FoundPage {
    /// A `Server-Timing` value (milliseconds): `search` or `kept`, and `render`, the time the
    /// page took to render, so that what HTTP adds can be told from the search's own cost.
    fn server_timing(&self, render: Duration) -> String {
        let millis = |d: Duration| d.as_secs_f64() * 1000.0;
        let found = if self.kept { "kept" } else { "search" };
        format!(
            "{found};dur={:.3}, render;dur={:.3}",
            millis(self.took),
            millis(render)
        )
    }
}

/// [`search_page`], timed.
///
/// The search runs on the request's own task, not the blocking pool: a page's search takes
/// about a millisecond (a few at a million submissions), and handing it to another thread and
/// back cost more than a tenth of that in waking threads, at every request. Under load the
/// workers, one per core, each run their own search; an idle portal's search still uses every
/// core for a large pass (`SearchIndex::executor`).
pub(super) async fn found_page(state: &AppState, request: SearchRequest) -> Result<FoundPage> {
    let started = Instant::now();
    if let Some(results) = state.catalogue.kept_page(&request)? {
        return Ok(FoundPage {
            results,
            kept: true,
            took: started.elapsed(),
        });
    }
    let started = Instant::now();
    let results = state.catalogue.search_cached(&request)?;
    Ok(FoundPage {
        results,
        kept: false,
        took: started.elapsed(),
    })
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

pub(super) fn check_csrf(session: &Session, token: &str) -> Result<()> {
    if access::constant_time_eq(&session.csrf_token, token) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "This form has expired or did not come from this portal. Reload the page and try again.",
        ))
    }
}

/// The address the request came from (unspecified when served without connection info):
/// the peer's, or, when the peer is a trusted proxy, the last address in `X-Forwarded-For`
/// that is not itself a trusted proxy (what the proxy saw; a client can put anything before
/// it).
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let trusted = &state.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(ClientAddress(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let client = forwarded
            .iter()
            .rev()
            .map(|text| text.parse::<IpAddr>().ok())
            .find(|address| address.is_none_or(|a| !trusted.contains(&a)));
        // An entry that is not an address ends the trust: the proxy's peer stands for it.
        Ok(ClientAddress(client.flatten().unwrap_or(peer)))
    }
}

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

fn page(markup: Markup) -> Response {
    markup.into_response()
}

pub async fn landing(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Response {
    page(pages::landing(
        &state.config.isu_email,
        &Viewer {
            session: session.as_ref(),
        },
    ))
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        super::style::STYLESHEET,
    )
        .into_response()
}

/// A small icon, so browsers asking for one get it instead of an error.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b4f8a"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>"##,
    )
        .into_response()
}

pub async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cooperation-portal-template.txt\"",
            ),
        ],
        TEMPLATE,
    )
        .into_response()
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
    page(pages::login(None, &next))
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
    let mut error = AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        format!("{why} Wait {seconds} seconds and try again."),
    );
    error.retry_after = Some(seconds);
    error
}

const LOGIN_FAILED: &str = "Those details are not right. Check the password (and, for ISU staff, the admin name) and try again.";

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response> {
    let Form(form) = form?;
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
        return Err(too_many_attempts(
            "Many logins with the member password have failed in the last minute.",
            seconds,
        ));
    }
    if let Err(seconds) = state.throttle.attempt(address, now) {
        return Err(too_many_attempts(
            "Too many failed attempts from your address.",
            seconds,
        ));
    }
    // Only a few passwords are checked at once (each takes a core for a moment); the others
    // wait their turn, and give up rather than wait past the request's time-out.
    let permit = tokio::time::timeout(LOGIN_QUEUE, state.throttle.checks.acquire()).await;
    let Ok(Ok(_permit)) = permit else {
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
            let cookie = format!(
                "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                cookie_name(&state),
                session.id,
                state.config.timeouts.absolute.num_seconds(),
                if state.config.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            let mut response = Redirect::to(&next).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        None => {
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

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// Missing is the same as wrong: refused by the CSRF check (403), like any forged token.
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    Member(session): Member,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response> {
    let Form(form) = form?;
    check_csrf(&session, &form.csrf)?;
    let id = session.id.clone();
    blocking(&state, move |c| access::logout(c, &id)).await??;
    let cookie = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(&state),
        if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub async fn search(
    State(state): State<AppState>,
    Member(session): Member,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let params = SearchParams::parse(query.as_deref().unwrap_or(""))
        .map_err(|e| AppError::bad_request(e.0))?;
    let request = params
        .to_request()
        .map_err(|e| AppError::bad_request(e.0))?;
    let found = found_page(&state, request).await?;
    let results = &found.results;
    if params.page > 1 && results.hits.is_empty() {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "No such page",
            format!(
                "This search has {} results; there is no page {}.",
                results.total, params.page
            ),
        ));
    }
    let started = Instant::now();
    let markup = pages::search(
        &SearchView {
            params: &params,
            results,
        },
        &Viewer {
            session: Some(&session),
        },
    );
    let timing = found.server_timing(started.elapsed());
    let mut response = page(markup);
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("server-timing"), value);
    }
    Ok(response)
}

pub async fn detail(
    State(state): State<AppState>,
    Member(session): Member,
    Path(id): Path<String>,
) -> Result<Response> {
    if id.len() > 40 {
        return Err(AppError::not_found());
    }
    let is_admin = session.account.is_admin();
    let found = blocking(&state, move |c| -> Result<_, CatalogueError> {
        let submission = c.get(&id)?;
        let visible = submission.is_visible_to_members(c.now());
        if !visible && !is_admin {
            return Err(CatalogueError::NotFound(id));
        }
        let matches = if visible {
            c.matches(&id, 10)?
        } else {
            Vec::new()
        };
        let previous = c.previous_versions(&id)?.len();
        let trail = if is_admin { c.audit(&id)? } else { Vec::new() };
        Ok((submission, matches, previous, trail))
    })
    .await??;
    let (submission, matches, previous, trail) = found;
    let viewer = Viewer {
        session: Some(&session),
    };
    let panel =
        is_admin.then(|| super::review_pages::submission_actions(&submission, &trail, &viewer));
    Ok(page(pages::detail(
        &submission,
        &matches,
        previous,
        panel,
        &viewer,
    )))
}

#[derive(Debug, Deserialize)]
pub struct FindOffersQuery {
    country: Option<String>,
    area: Option<String>,
}

pub async fn find_offers(
    State(state): State<AppState>,
    Member(session): Member,
    query: Result<Query<FindOffersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let Query(query) = query.map_err(|_| AppError::bad_request("The address is malformed."))?;
    let country = match query.country.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(codes::country(text).ok_or_else(|| {
            AppError::bad_request(unknown_place_sentence(
                "country",
                text,
                &codes::suggest_countries(text),
            ))
        })?),
    };
    let area = match query.area.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Area::parse(text).map_err(|e| AppError::bad_request(e.to_string()))?),
    };
    let mut groups = Vec::new();
    if let Some(country) = country {
        for a in Area::ALL {
            if area.is_some_and(|chosen| chosen != *a) {
                continue;
            }
            let found = |coverage, limit| {
                let request = SearchRequest {
                    filters: Filters {
                        kinds: vec![Kind::Offer, Kind::FundingSource],
                        places: vec![Place::Country(country)],
                        areas: vec![*a],
                        coverage,
                        ..Filters::default()
                    },
                    sort: Sort::Newest,
                    limit,
                    audience: Audience::Members,
                    ..SearchRequest::default()
                };
                search_page(&state, request)
            };
            let written = found(Coverage::Written, pages::FIND_OFFERS_WRITTEN).await?;
            let open = found(Coverage::OpenToAll, pages::FIND_OFFERS_OPEN).await?;
            groups.push(pages::OffersInArea {
                area: *a,
                written: written.hits.clone(),
                written_total: written.total,
                open: open.hits.clone(),
                open_total: open.total,
            });
        }
    }
    Ok(page(pages::find_offers(
        country,
        area,
        &groups,
        &Viewer {
            session: Some(&session),
        },
    )))
}

#[derive(Debug, Deserialize)]
pub struct AdminQuery {
    changed: Option<String>,
}

pub async fn admin(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<AdminQuery>,
) -> Result<Response> {
    let message = query
        .changed
        .is_some()
        .then_some("The member password was changed; every member session has ended.");
    admin_page(&state, &session, message, None, StatusCode::OK).await
}

async fn admin_page(
    state: &AppState,
    session: &Session,
    message: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response> {
    let (passwords, logins) = blocking(state, |c| -> Result<_, access::AccessError> {
        Ok((access::password_ages(c)?, access::recent_logins(c, 50)?))
    })
    .await??;
    let view = AdminView {
        passwords: &passwords,
        rotation_days: state.config.rotation_days,
        now: state.catalogue.now(),
        logins: &logins,
        message,
        error,
    };
    Ok((
        status,
        pages::admin(
            &view,
            &Viewer {
                session: Some(session),
            },
        ),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    csrf: String,
    password: String,
    confirm: String,
}

pub async fn rotate_member_password(
    State(state): State<AppState>,
    Admin(session): Admin,
    form: Result<Form<RotateForm>, FormRejection>,
) -> Result<Response> {
    let Form(form) = form?;
    check_csrf(&session, &form.csrf)?;
    if form.password != form.confirm {
        return admin_page(
            &state,
            &session,
            None,
            Some("The two passwords differ; nothing was changed."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let password = form.password;
    let outcome = blocking(&state, move |c| {
        access::set_password(c, &Account::Member, &password)
    })
    .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin?changed=1").into_response()),
        Err(error @ access::AccessError::TooShort) => {
            admin_page(
                &state,
                &session,
                None,
                Some(&format!("{error}; nothing was changed.")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}
