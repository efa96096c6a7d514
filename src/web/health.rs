//! `GET /healthz` (the process answers) and `GET /readyz` (the checks of [`crate::health`]),
//! for load balancers and service managers: no login, plain text, nothing but the names of
//! the checks that failed (the reasons go to the log).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::health;

use super::AppState;
use super::handlers::blocking;

const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// `GET /healthz`: answers while the process serves requests; reads nothing.
pub(super) async fn healthz() -> Response {
    ([(header::CONTENT_TYPE, PLAIN_TEXT)], "ok\n").into_response()
}

/// `GET /readyz`: 200 `ready` when every check passes, else 503 with one line per failed
/// check, `not ready: NAME`.
pub(super) async fn readyz(State(state): State<AppState>) -> Response {
    let stuck_after = state.config.reminder_stuck_after;
    let failures = match blocking(&state, move |c| health::failures(c, stuck_after)).await {
        Ok(failures) => failures,
        Err(error) => return error.into_response(),
    };
    if failures.is_empty() {
        return ([(header::CONTENT_TYPE, PLAIN_TEXT)], "ready\n").into_response();
    }
    let mut body = String::new();
    for failure in &failures {
        tracing::warn!(check = failure.check.name(), detail = %failure.detail, "not ready");
        body.push_str("not ready: ");
        body.push_str(failure.check.name());
        body.push('\n');
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, PLAIN_TEXT)],
        body,
    )
        .into_response()
}
