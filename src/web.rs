//! The members' portal on the web: routes, access checks, security headers, errors.
//!
//! `app(state)` builds the whole router, apart from `main`, so tests drive it without a network.
//! Handlers live in `handlers`, `login`, `admin`, `reports`, `lifespan`, `tokens`, `api` and
//! `exports`; `health` answers `/healthz` and `/readyz`, `metrics` serves `/metrics` and counts
//! every request; pages (maud) in `pages`, `search_pages` and the other `*_pages`, inside the
//! frame of `frame`. What handlers share has a module each: `error` (the one error type),
//! `extract` (who is asking), `csrf`, `forms`. Calls into the catalogue run on the blocking
//! pool, but for the search pages' searches, which take about a millisecond and run on the
//! request's own task; nothing here touches redb or tantivy directly.

mod access_pages;
mod access_requests;
mod admin;
mod api;
mod charts;
mod csrf;
mod error;
mod exports;
mod extract;
mod forms;
mod forwarded;
pub mod frame;
mod handlers;
mod health;
mod lifespan;
mod lifespan_pages;
mod listen;
mod login;
mod metrics;
mod openapi;
pub mod pages;
pub mod params;
mod redirect;
mod report_pages;
mod reports;
mod review_pages;
pub mod search_pages;
mod streamed;
mod style;
mod submit;
mod submit_pages;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub use admin::MAX_UPLOAD_BYTES;
pub use csrf::public_origin;
pub use error::AppError;
pub use forwarded::Requester;
pub use listen::{HEADER_READ_TIMEOUT, serve, serve_tls};
pub use redirect::redirect_to_https;
pub use tokens::MAX_MEMBER_FEEDS;

use crate::access::{SessionTimeouts, Throttle};
use crate::catalogue::Catalogue;
use crate::metrics::{Metrics, MetricsToken};

/// How the portal is configured (by flags and environment variables of `portal serve`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The ISU's e-mail address, shown to the public for access requests and submissions.
    pub isu_email: String,
    /// After how many days the member password should be rotated; older ones are flagged.
    pub rotation_days: u32,
    /// Mark cookies Secure and `__Host-` prefixed (set when served over TLS); without it, only
    /// requests a trusted proxy says came over HTTPS get them (see `forwarded`).
    pub secure_cookies: bool,
    pub timeouts: SessionTimeouts,
    /// Days before expiry at which reminders are due, largest first (for the ISU's pages).
    pub reminder_days: Vec<u32>,
    /// How reminders are delivered, e.g. "written to the outbox folder …".
    pub reminder_delivery: String,
    /// The portal's address as members reach it, for links that leave it (feeds, examples).
    pub public_url: String,
    /// How long a request (reading its body included) may take before it is answered with 408.
    pub request_timeout: std::time::Duration,
    /// Reverse proxies whose `Forwarded` or `X-Forwarded-For` / `X-Forwarded-Proto` name the
    /// client and its scheme; no other peer's are read.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The token that opens `/metrics` to a scraper elsewhere than this machine, if any.
    pub metrics_token: Option<MetricsToken>,
    /// How long after it was prepared a reminder whose delivery keeps failing makes `/readyz`
    /// answer 503 (see [`crate::health`]).
    pub reminder_stuck_after: Duration,
    /// How many unconfirmed web-form submissions may be sent in an hour.
    pub form_limits: crate::form_intake::FormLimits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            isu_email: "isu@example.org".to_string(),
            rotation_days: 90,
            secure_cookies: false,
            timeouts: SessionTimeouts::default(),
            reminder_days: vec![30, 7],
            reminder_delivery: "written to the outbox folder".to_string(),
            public_url: "http://127.0.0.1:8080".to_string(),
            request_timeout: REQUEST_TIMEOUT,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            reminder_stuck_after: Duration::hours(i64::from(crate::health::REMINDER_STUCK_HOURS)),
            form_limits: crate::form_intake::FormLimits::default(),
        }
    }
}

impl Config {
    pub fn rotation_period(&self) -> Duration {
        Duration::days(i64::from(self.rotation_days))
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub catalogue: Arc<Catalogue>,
    pub config: Arc<Config>,
    pub throttle: Arc<Throttle>,
    /// The exports and compendiums under way, by session.
    pub streams: Arc<streamed::Streams>,
    /// The figures of `/metrics`.
    pub metrics: Arc<Metrics>,
    /// How many access requests the public form takes (per client, overall, per e-mail).
    pub request_limits: Arc<crate::access_requests::RequestLimits>,
}

impl AppState {
    pub fn new(catalogue: Arc<Catalogue>, config: Config) -> AppState {
        AppState {
            catalogue,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
            streams: Arc::new(streamed::Streams::default()),
            metrics: Arc::new(Metrics::new()),
            request_limits: Arc::default(),
        }
    }
}

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long a request may take before it is answered with 408, unless configured otherwise.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The whole web application.
pub fn app(state: AppState) -> Router {
    let request_timeout = state.config.request_timeout;
    Router::new()
        .route("/", get(handlers::landing))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/template.txt", get(handlers::template))
        .route("/static/style.css", get(handlers::stylesheet))
        .route("/favicon.svg", get(handlers::favicon))
        .route("/favicon.ico", get(handlers::favicon))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::scrape))
        .route("/search", get(handlers::search))
        .route("/api/search", get(api::search))
        .route("/api/submissions/{id}", get(api::submission))
        .route("/api/submissions/{id}/matches", get(api::matches))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{*rest}", get(api::unknown))
        .route("/search/export.csv", get(exports::csv))
        .route("/search/export.jsonl", get(exports::json_lines))
        .route("/submissions/{id}", get(handlers::detail))
        .route("/find-offers", get(handlers::find_offers))
        .route("/statistics", get(reports::statistics))
        .route("/compendium", get(reports::compendium))
        .route("/countries/{code}", get(reports::country))
        .route("/admin", get(handlers::admin))
        .route(
            "/admin/member-password",
            post(handlers::rotate_member_password),
        )
        .route(
            "/request-access",
            get(access_requests::form).post(access_requests::send),
        )
        .route(
            "/request-access/confirm/{token}",
            get(access_requests::confirmation).post(access_requests::confirm),
        )
        .route("/admin/access", get(access_requests::requests))
        .route("/admin/access/{number}", get(access_requests::request))
        .route(
            "/admin/access/{number}/approve",
            post(access_requests::approve),
        )
        .route(
            "/admin/access/{number}/decline",
            post(access_requests::decline),
        )
        .route("/admin/focal-points", get(access_requests::focal_points))
        .route(
            "/admin/focal-points.csv",
            get(access_requests::focal_points_csv),
        )
        .route(
            "/admin/focal-points/{number}",
            get(access_requests::focal_point).post(access_requests::edit_focal_point),
        )
        .route(
            "/admin/focal-points/{number}/remove",
            post(access_requests::remove_focal_point),
        )
        .route("/admin/queue", get(admin::queue))
        .route("/admin/queue/publish", post(admin::publish_selected))
        .route("/admin/submissions/{id}/publish", post(admin::publish_one))
        .route("/admin/submissions/{id}/reject", post(admin::reject_one))
        .route("/admin/submissions/{id}/renew", post(admin::renew_one))
        .route("/admin/archive", get(admin::archive))
        .route("/admin/archive/renew", post(admin::renew_selected))
        .route("/admin/expiring", get(lifespan::expiring))
        .route("/admin/tokens", get(tokens::list).post(tokens::issue))
        .route("/admin/tokens/{key}/revoke", post(tokens::revoke))
        .route("/feeds", post(tokens::follow))
        .route("/feeds/{token}", get(tokens::feed))
        .route(
            "/renew/{token}",
            get(lifespan::renewal_link).post(lifespan::renew_by_link),
        )
        .route(
            "/admin/submissions/{id}/edit",
            get(admin::edit_form).post(admin::edit_save),
        )
        .route("/admin/messages/{number}", get(admin::message))
        .route("/admin/messages/{number}/retry", post(admin::retry))
        .route("/admin/messages/{number}/accept", post(admin::accept))
        .route("/admin/messages/{number}/decline", post(admin::decline))
        .route(
            "/admin/upload",
            post(admin::upload).layer(DefaultBodyLimit::max(admin::MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/submit", get(submit::new_form).post(submit::send_new))
        .route(
            "/submit/{kind}",
            get(submit::new_form_of_kind).post(submit::send_new_of_kind),
        )
        .route(
            "/submissions/{id}/update",
            get(submit::update_form).post(submit::send_update),
        )
        .route("/submissions/{id}/renew", post(submit::send_renewal))
        .route(
            "/confirm/{token}",
            get(submit::confirm_page).post(submit::confirm),
        )
        .fallback(handlers::not_found)
        .layer(middleware::from_fn_with_state(
            csrf::PublicOrigin::of(&state.config),
            refuse_cross_origin_posts,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. Please try again.",
            )
            .into_response()
        }))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            state.config.clone(),
            forwarded::identify,
        ))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::record,
        ))
        .with_state(state)
}

/// One structured log line per request: method, path, status, time taken. Never the query
/// string's cookies or form bodies.
async fn log_request(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    if status >= 500 {
        tracing::error!(%method, %path, status, micros, "request");
    } else {
        tracing::info!(%method, %path, status, micros, "request");
    }
    response
}

/// The Content-Security-Policy: nothing from elsewhere, no scripts at all, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The Permissions-Policy: no page may use the camera, microphone, location or other device
/// features; the portal needs none of them.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// Strict-Transport-Security, sent when the portal is served over HTTPS: browsers then use
/// HTTPS alone for this host, for a year.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers on every response, whatever its status: those the portal writes, and those
/// hyper writes itself for a request it cannot read (`listen::canned`). Names in lower case.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", PERMISSIONS_POLICY),
];

/// Security headers on every response; member pages are never cached.
async fn security_headers(request: Request, next: Next) -> Response {
    let https = request
        .extensions()
        .get::<Requester>()
        .is_some_and(|requester| requester.https);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses (403) a form posted from another site: the Origin must be this host, or the
/// `--public-url` (a reverse proxy may pass its own Host on), and the browser must not say
/// the request is cross-site.
async fn refuse_cross_origin_posts(
    State(csrf::PublicOrigin(public)): State<csrf::PublicOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        let public_origin =
            origin.is_some_and(|o| public.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(o)));
        let origin_host = origin.map(|o| o.split_once("://").map_or(o, |(_, rest)| rest));
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let foreign_origin = !public_origin
            && match (origin_host, host) {
                (Some("null"), _) => true,
                (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
                (Some(_), None) => true,
                (None, _) => false,
            };
        if cross_site || foreign_origin {
            return AppError::forbidden("Forms can only be sent from the portal's own pages.")
                .into_response();
        }
    }
    next.run(request).await
}
