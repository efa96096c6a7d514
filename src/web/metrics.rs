//! `GET /metrics` and the layer that counts every request. The figures are
//! [`crate::metrics::Metrics`]'; here is who may read them, and the route class of a path.
//!
//! Only a scraper on this machine that came straight to the portal may read them without a
//! token: the peer is a loopback address and the request carries no header a proxy adds
//! (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`, `Via`), since a reverse proxy on the same
//! machine is a loopback peer too. Anyone else needs `Authorization: Bearer TOKEN` with the
//! token of `portal serve --metrics-token-file`; a request with any other `Authorization` is
//! refused wherever it comes from. A refusal is the portal's ordinary 404, so it reveals
//! nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::{self, Metrics, MetricsToken};

use super::AppState;
use super::error::AppError;
use super::handlers::blocking;

/// What a request asks for, from its path alone: a fixed few classes, so the figures never
/// grow with the paths asked (nor name a submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RouteClass {
    /// Pages a member reads: the landing page, a submission, statistics, reports, renewal.
    Page,
    /// The search page.
    Search,
    Api,
    /// The CSV and JSON Lines exports of a search.
    Export,
    /// Atom feeds, and following a search as one.
    Feed,
    Admin,
    /// The stylesheet, icons and the template.
    Static,
    Login,
    /// `/healthz` and `/readyz`.
    Health,
    Metrics,
    /// Anything else (addresses that do not exist).
    Other,
}

impl RouteClass {
    pub(super) fn of(path: &str) -> RouteClass {
        match path {
            "/healthz" | "/readyz" => RouteClass::Health,
            "/metrics" => RouteClass::Metrics,
            "/login" | "/logout" => RouteClass::Login,
            "/search" => RouteClass::Search,
            "/search/export.csv" | "/search/export.jsonl" => RouteClass::Export,
            "/static/style.css" | "/favicon.svg" | "/favicon.ico" | "/template.txt" => {
                RouteClass::Static
            }
            "/" | "/find-offers" | "/statistics" | "/compendium" => RouteClass::Page,
            "/feeds" => RouteClass::Feed,
            "/admin" => RouteClass::Admin,
            _ if path.starts_with("/api/") => RouteClass::Api,
            _ if path.starts_with("/feeds/") => RouteClass::Feed,
            _ if path.starts_with("/admin/") => RouteClass::Admin,
            _ if ["/submissions/", "/countries/", "/renew/"]
                .iter()
                .any(|prefix| path.starts_with(prefix)) =>
            {
                RouteClass::Page
            }
            _ => RouteClass::Other,
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            RouteClass::Page => "page",
            RouteClass::Search => "search",
            RouteClass::Api => "api",
            RouteClass::Export => "export",
            RouteClass::Feed => "feed",
            RouteClass::Admin => "admin",
            RouteClass::Static => "static",
            RouteClass::Login => "login",
            RouteClass::Health => "health",
            RouteClass::Metrics => "metrics",
            RouteClass::Other => "other",
        }
    }
}

/// Counts every request by route class and status, with the time to its response's head.
pub(super) async fn record(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let class = RouteClass::of(request.uri().path());
    let response = next.run(request).await;
    metrics.request(class.label(), response.status().as_str(), started.elapsed());
    response
}

/// `GET /metrics`: the figures as Prometheus text, to those allowed; to others, a 404.
pub(super) async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|connected| connected.0);
    if !may_read(peer, request.headers(), state.config.metrics_token.as_ref()) {
        return AppError::not_found().into_response();
    }
    let figures = state.metrics.clone();
    match blocking(&state, move |catalogue| figures.render(catalogue)).await {
        Ok(Ok(text)) => ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response(),
        Ok(Err(error)) => AppError::internal(error).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Whether a request from `peer` with `headers` may read the figures. A request that says who
/// it is (`Authorization`) must carry the token, wherever it comes from.
fn may_read(peer: Option<SocketAddr>, headers: &HeaderMap, token: Option<&MetricsToken>) -> bool {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let offered = bearer_token(authorization);
        return token
            .zip(offered)
            .is_some_and(|(token, offered)| token.matches(offered));
    }
    let loopback = peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback());
    loopback && !forwarded(headers)
}

/// The token of `Bearer TOKEN` (the scheme in any case, as for the API), if that is what
/// `authorization` says.
fn bearer_token(authorization: &HeaderValue) -> Option<&str> {
    super::api::bearer_token(authorization.to_str().ok()?)
}

/// Whether a proxy says it passed the request on.
fn forwarded(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| {
        let name = name.as_str();
        name == "forwarded"
            || name == "x-real-ip"
            || name == "via"
            || name.starts_with("x-forwarded-")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_class_and_unknown_paths_are_other() {
        let check = |path: &str, expected: RouteClass| {
            assert_eq!(RouteClass::of(path), expected, "{path}");
        };
        check("/", RouteClass::Page);
        check("/submissions/NEED-2026-0001", RouteClass::Page);
        check("/countries/LAO", RouteClass::Page);
        check("/search", RouteClass::Search);
        check("/search/export.csv", RouteClass::Export);
        check("/api/search", RouteClass::Api);
        check("/api/submissions/NEED-2026-0001/matches", RouteClass::Api);
        check("/feeds/abc", RouteClass::Feed);
        check("/admin/queue", RouteClass::Admin);
        check("/static/style.css", RouteClass::Static);
        check("/login", RouteClass::Login);
        check("/readyz", RouteClass::Health);
        check("/metrics", RouteClass::Metrics);
        check("/wp-login.php", RouteClass::Other);
        check("/searching", RouteClass::Other);
        check("/administrator", RouteClass::Other);
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn loopback_without_a_proxy_or_the_token_may_read() {
        let local: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let local6: SocketAddr = "[::1]:40000".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:40000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:40000".parse().unwrap();
        let token = MetricsToken::new("a-token-of-sixteen-or-more").unwrap();
        let none = headers(&[]);
        for peer in [local, local6, mapped] {
            assert!(may_read(Some(peer), &none, None), "{peer}");
        }
        assert!(!may_read(Some(remote), &none, Some(&token)));
        assert!(!may_read(None, &none, Some(&token)));
        for proxied in [
            headers(&[("x-forwarded-for", "192.0.2.7")]),
            headers(&[("forwarded", "for=192.0.2.7")]),
            headers(&[("x-real-ip", "192.0.2.7")]),
            headers(&[("x-forwarded-proto", "https")]),
        ] {
            assert!(
                !may_read(Some(local), &proxied, Some(&token)),
                "{proxied:?}"
            );
        }
        let right = headers(&[
            ("authorization", "bearer a-token-of-sixteen-or-more"),
            ("x-forwarded-for", "192.0.2.7"),
        ]);
        assert!(may_read(Some(remote), &right, Some(&token)));
        assert!(!may_read(Some(remote), &right, None));
        let wrong = headers(&[("authorization", "Bearer not-the-token-at-all")]);
        assert!(!may_read(Some(local), &wrong, Some(&token)));
        for other in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer "] {
            let offered = headers(&[("authorization", other)]);
            assert!(!may_read(Some(local), &offered, Some(&token)), "{other}");
            assert!(!may_read(Some(local), &offered, None), "{other}");
        }
    }
}
