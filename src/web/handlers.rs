//! The members' handlers: the landing page, static files, search, a submission's page, "find
//! offers", the administration page; and what every handler shares: catalogue work on the
//! blocking pool, and the search behind every results page. One function per route.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::{self, Session};
use crate::catalogue::{Catalogue, CatalogueError};
use crate::codes;
use crate::search::{Audience, Coverage, Filters, Place, SearchRequest, SearchResults, Sort};
use crate::submission::{Area, Kind, Vocabulary};

use super::AppState;
use super::csrf::checked_form;
use super::error::{AppError, Result};
use super::extract::{Admin, MaybeSession, Member};
use super::forms::{FormBody, required};
use super::frame::{page, page_with_status};
use super::pages::{self, AdminView};
use super::params::{SearchParams, unknown_place_sentence};
use super::search_pages::{self, SearchView};

const TEMPLATE: &str = include_str!("../../data/templates/submission-template.txt");

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
        let took = started.elapsed();
        state.metrics.search(true, took);
        return Ok(FoundPage {
            results,
            kept: true,
            took,
        });
    }
    let started = Instant::now();
    let results = state.catalogue.search_cached(&request)?;
    let took = started.elapsed();
    state.metrics.search(false, took);
    Ok(FoundPage {
        results,
        kept: false,
        took,
    })
}

pub async fn landing(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Response {
    page(session.as_ref(), |viewer| {
        pages::landing(&state.config.isu_email, viewer)
    })
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
    let view = SearchView {
        params: &params,
        results,
    };
    let mut response = page(Some(&session), |viewer| search_pages::search(&view, viewer));
    let timing = found.server_timing(started.elapsed());
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
    Ok(page(Some(&session), |viewer| {
        let panel =
            is_admin.then(|| super::review_pages::submission_actions(&submission, &trail, viewer));
        pages::detail(&submission, &matches, previous, panel, viewer)
    }))
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
    Ok(page(Some(&session), |viewer| {
        pages::find_offers(country, area, &groups, viewer)
    }))
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
    Ok(page_with_status(status, Some(session), |viewer| {
        pages::admin(&view, viewer)
    }))
}

pub async fn rotate_member_password(
    State(state): State<AppState>,
    Admin(session): Admin,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked_form(&session, &body)?;
    let password = required(&pairs, "password")?.to_string();
    if password != required(&pairs, "confirm")? {
        return admin_page(
            &state,
            &session,
            None,
            Some("The two passwords differ; nothing was changed."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let actor = session.account.to_string();
    let isu_email = state.config.isu_email.clone();
    let outcome = blocking(&state, move |c| {
        crate::access_requests::rotate_member_password(c, &password, &actor, &isu_email)
    })
    .await?;
    match outcome {
        Ok(_) => Ok(Redirect::to("/admin?changed=1").into_response()),
        Err(crate::access_requests::AccessRequestError::Access(
            error @ access::AccessError::TooShort,
        )) => {
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
