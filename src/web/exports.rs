//! Downloads of a search, exactly as filtered: CSV and JSON Lines, streamed in batches as they
//! are written, so a large export never sits whole in memory. Members download them with their
//! session, scripts with an API token, as for the JSON API.

use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::exports::{self, MemberRecord};
use crate::search::{MAX_PAGE_SIZE, SearchRequest};

use super::AppState;
use super::api::ApiCaller;
use super::error::AppError;
use super::extract::Member;
use super::handlers::blocking;
use super::params::SearchParams;
use super::streamed::{self, Stop};

type Result<T, E = AppError> = std::result::Result<T, E>;

/// Records read from the store per batch.
const BATCH: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
}

/// Who may download an export: a script sending an API token (`Authorization: Bearer TOKEN`;
/// a wrong one is answered 401 as by the API), or else a member's session (without one, the
/// login page). `key` names it for the bound on downloads under way (the session, or the
/// token).
pub struct Exporter {
    key: String,
}

impl FromRequestParts<AppState> for Exporter {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let key = format!("token {}", String::from_utf8_lossy(value.as_bytes()));
            ApiCaller::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            Ok(Exporter { key })
        } else {
            let Member(session) = Member::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            Ok(Exporter { key: session.id })
        }
    }
}

pub async fn csv(
    State(state): State<AppState>,
    exporter: Exporter,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    export(state, &exporter.key, query, Format::Csv).await
}

pub async fn json_lines(
    State(state): State<AppState>,
    exporter: Exporter,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    export(state, &exporter.key, query, Format::JsonLines).await
}

/// An export for `key` (a session or a token), unless it has too many under way already.
async fn export(
    state: AppState,
    key: &str,
    query: Option<String>,
    format: Format,
) -> Result<Response> {
    let params = SearchParams::parse(query.as_deref().unwrap_or(""))
        .map_err(|e| AppError::bad_request(e.0))?;
    let mut request: SearchRequest = params
        .to_request()
        .map_err(|e| AppError::bad_request(e.0))?;
    request.offset = 0;
    request.limit = MAX_PAGE_SIZE;
    let guard = state
        .streams
        .start(key)
        .ok_or_else(AppError::too_many_streams)?;
    // Which submissions, decided now (errors still get a page); their records follow as a
    // stream.
    let (ids, today) = blocking(&state, move |c| {
        c.search_ids(&request)
            .map(|ids| (ids, c.now().date_naive()))
    })
    .await??;

    let catalogue = state.catalogue.clone();
    let body = streamed::body("an export", guard, move |chunks| {
        if format == Format::Csv {
            chunks.push(&exports::csv_header())?;
        }
        for batch in ids.chunks(BATCH) {
            let submissions = catalogue
                .visible_submissions(batch)
                .map_err(|error| Stop::Failed(error.to_string()))?;
            for submission in &submissions {
                let record = MemberRecord::of(submission);
                chunks.push(&match format {
                    Format::Csv => exports::csv_line(&record),
                    Format::JsonLines => exports::json_line(&record),
                })?;
            }
        }
        Ok(())
    });

    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8; header=present", "csv"),
        Format::JsonLines => ("application/jsonl; charset=utf-8", "jsonl"),
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition =
        format!("attachment; filename=\"cooperation-portal-search-{today}.{extension}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
