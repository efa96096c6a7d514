//! The JSON API: search with facets, detail and matching, for members with a session and for
//! scripts with an API token (`Authorization: Bearer TOKEN`) an admin issued. The same rules
//! as the pages: only what members may see. Errors are JSON with a stable code and a message.
//! `/api/openapi.json` describes it all (`openapi.rs`); the tests check responses against it.

use axum::Json;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::access;
use crate::catalogue::CatalogueError;
use crate::codes;
use crate::exports::MemberRecord;
use crate::search::MAX_PAGE_SIZE;
use crate::store::TokenPurpose;
use crate::submission::Vocabulary;

use super::AppState;
use super::extract::MaybeSession;
use super::handlers::blocking;
use super::params::SearchParams;

/// An API error: a status, a stable code and a message for people.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "an API request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on the portal's side.",
        )
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED
            && let Ok(value) = "Bearer realm=\"Cooperation Portal\"".parse()
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

impl From<super::AppError> for ApiError {
    fn from(error: super::AppError) -> Self {
        ApiError::internal(format!("{error:?}"))
    }
}

impl From<CatalogueError> for ApiError {
    fn from(error: CatalogueError) -> Self {
        match error {
            CatalogueError::NotFound(id) => {
                ApiError::not_found(format!("There is no submission {id}."))
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<access::AccessError> for ApiError {
    fn from(error: access::AccessError) -> Self {
        ApiError::internal(error)
    }
}

type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A caller of the API: a member or admin session, or a valid API token.
pub struct ApiCaller;

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(bearer_token)
                .unwrap_or("")
                .to_string();
            let stored = blocking(state, move |c| access::check_token(c, &token))
                .await
                .map_err(ApiError::from)??;
            return match stored {
                Some(t) if t.purpose == TokenPurpose::Api => Ok(ApiCaller),
                _ => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "The API token is not valid or was revoked; ask the ISU for a new one.",
                )),
            };
        }
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, state)
            .await
            .map_err(ApiError::from)?;
        match session {
            Some(_) => Ok(ApiCaller),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Log in first, or send an API token as \"Authorization: Bearer TOKEN\".",
            )),
        }
    }
}

/// The token of an `Authorization: Bearer TOKEN` header. The scheme's name is read in any case
/// (`bearer`, `BEARER`), as RFC 7235 says it must be.
pub(super) fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// One value of a facet, with its count.
#[derive(Debug, Serialize)]
pub struct FacetValue {
    pub code: String,
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct FacetsBody {
    pub kind: Vec<FacetValue>,
    pub country: Vec<FacetValue>,
    /// Submissions open to every country.
    pub global: u64,
    pub area: Vec<FacetValue>,
    pub assistance: Vec<FacetValue>,
    pub submitter_type: Vec<FacetValue>,
    pub funding: Vec<FacetValue>,
}

#[derive(Debug, Serialize)]
pub struct HitBody {
    pub submission: MemberRecord,
    pub score: f32,
    /// An excerpt around the matched words, plain text.
    pub snippet: String,
}

#[derive(Debug, Serialize)]
pub struct SearchBody {
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<HitBody>,
    pub facets: FacetsBody,
}

#[derive(Debug, Serialize)]
pub struct MatchBody {
    pub submission: MemberRecord,
    pub score: f32,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct MatchesBody {
    pub id: String,
    pub matches: Vec<MatchBody>,
}

fn vocabulary<V: Vocabulary>(values: &[(V, u64)]) -> Vec<FacetValue> {
    values
        .iter()
        .map(|(v, count)| FacetValue {
            code: v.slug().to_string(),
            name: v.label().to_string(),
            count: *count,
        })
        .collect()
}

/// `GET /api/search`: the search page's parameters, plus `per_page` (1–100).
pub async fn search(
    State(state): State<AppState>,
    _caller: ApiCaller,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchBody>> {
    let query = query.unwrap_or_default();
    let params = SearchParams::parse(&query).map_err(|e| ApiError::bad_request(e.0))?;
    let per_page = count_param(&query, "per_page", 20)?;
    let mut request = params
        .to_request()
        .map_err(|e| ApiError::bad_request(e.0))?;
    request.limit = per_page;
    request.offset = (params.page.max(1) - 1).saturating_mul(per_page);
    if request.offset > crate::search::MAX_OFFSET {
        return Err(ApiError::bad_request(format!(
            "\"page\" goes past the deepest page served (results {} onwards); narrow the search or use the export",
            crate::search::MAX_OFFSET
        )));
    }
    let results = super::handlers::search_page(&state, request).await?;
    let facets = &results.facets;
    let body = SearchBody {
        total: results.total,
        page: params.page.max(1),
        per_page,
        hits: results
            .hits
            .iter()
            .map(|hit| HitBody {
                submission: MemberRecord::of(&hit.submission),
                score: hit.score,
                snippet: hit.snippet.fragment.clone(),
            })
            .collect(),
        facets: FacetsBody {
            kind: vocabulary(&facets.kind),
            country: facets
                .country
                .iter()
                .map(|(code, count)| FacetValue {
                    code: code.clone(),
                    name: codes::country(code).map_or_else(|| code.clone(), |c| c.name.into()),
                    count: *count,
                })
                .collect(),
            global: facets.global,
            area: vocabulary(&facets.area),
            assistance: vocabulary(&facets.assistance),
            submitter_type: vocabulary(&facets.submitter_type),
            funding: facets
                .funding
                .iter()
                .map(|(band, count)| FacetValue {
                    code: band.code().to_string(),
                    name: band.label().to_string(),
                    count: *count,
                })
                .collect(),
        },
    };
    Ok(Json(body))
}

/// A count from 1 to 100 in the query string, `default` when absent.
fn count_param(query: &str, name: &str, default: usize) -> Result<usize> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| ApiError::bad_request("The query string is malformed."))?;
    match pairs.iter().rev().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, value)) => value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "\"{name}\" must be a whole number from 1 to {MAX_PAGE_SIZE}; \"{value}\" is not"
                ))
            }),
    }
}

/// The submission members may see, or "not found" (also for what they may not see).
fn visible(c: &crate::catalogue::Catalogue, id: &str) -> Result<crate::submission::Submission> {
    let submission = c.get(id)?;
    if !submission.is_visible_to_members(c.now()) {
        return Err(ApiError::not_found(format!("There is no submission {id}.")));
    }
    Ok(submission)
}

/// `GET /api/submissions/{id}`
pub async fn submission(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<MemberRecord>> {
    let submission = blocking(&state, move |c| visible(c, &id)).await??;
    Ok(Json(MemberRecord::of(&submission)))
}

/// `GET /api/submissions/{id}/matches`
pub async fn matches(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<MatchesBody>> {
    let limit = count_param(&query.unwrap_or_default(), "limit", 10)?;
    let found = blocking(&state, move |c| -> Result<MatchesBody> {
        visible(c, &id)?;
        let matches = c.matches(&id, limit)?;
        Ok(MatchesBody {
            id,
            matches: matches
                .iter()
                .map(|m| MatchBody {
                    submission: MemberRecord::of(&m.submission),
                    score: m.score,
                    reasons: m.reasons.clone(),
                })
                .collect(),
        })
    })
    .await??;
    Ok(Json(found))
}

/// `GET /api/openapi.json`: public (it describes, it holds no data).
pub async fn openapi() -> Response {
    Json(super::openapi::document()).into_response()
}

/// Anything else under `/api/`.
pub async fn unknown() -> ApiError {
    ApiError::not_found("There is no such API endpoint; see /api/openapi.json.")
}
