//! The routes of a submission's lifespan: the ISU's "expiring soon" page, and the renewal
//! links that reminders carry (public: the link itself is the credential, for one renewal).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::reminders;
use crate::renewal::LinkError;
use crate::submission::Status;

use super::AppState;
use super::error::{AppError, Result};
use super::extract::Admin;
use super::forms::{page_number, whole_number};
use super::frame;
use super::handlers::blocking;
use super::lifespan_pages::{self, ExpiringView};

/// How far ahead the "expiring soon" page looks unless told.
const DEFAULT_EXPIRING_DAYS: u32 = 60;

#[derive(Debug, Deserialize)]
pub struct ExpiringQuery {
    days: Option<String>,
    page: Option<String>,
}

pub async fn expiring(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(query): Query<ExpiringQuery>,
) -> Result<Response> {
    let days = whole_number(
        "days",
        query.days.as_deref(),
        1..=3650,
        DEFAULT_EXPIRING_DAYS,
    )?;
    let page = page_number(query.page.as_deref())?;
    let offset = (page - 1) * lifespan_pages::LISTED;
    let ((list, total), now) = blocking(&state, move |c| {
        reminders::expiring_soon(c, days, offset, lifespan_pages::LISTED).map(|l| (l, c.now()))
    })
    .await?
    .map_err(AppError::internal)?;
    let config = &state.config;
    Ok(frame::page(Some(&session), |viewer| {
        lifespan_pages::expiring(
            &list,
            &ExpiringView {
                days,
                total,
                page,
                now,
                reminder_days: &config.reminder_days,
                delivery: &config.reminder_delivery,
            },
            viewer,
        )
    }))
}

/// Opening a renewal link shows what it renews; it changes nothing.
pub async fn renewal_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let (claim, submission, used, months) = blocking(&state, move |c| {
        c.inspect_renewal_link(&token).map(|(claim, s, used)| {
            let months = c.lifespans().months(s.kind);
            (claim, s, used, months)
        })
    })
    .await??;
    if let Some(used) = used {
        return Err(LinkError::AlreadyUsed(used.used_at).into());
    }
    if !matches!(submission.status, Status::Published | Status::Expired) {
        return Err(LinkError::NotRenewable {
            id: submission.id,
            status: crate::submission::Vocabulary::slug(submission.status).to_string(),
        }
        .into());
    }
    Ok(private(
        lifespan_pages::renewal_confirm(&submission, months, claim.valid_until).into_response(),
    ))
}

/// The button on that page: renews the one submission and uses the link up.
pub async fn renew_by_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let renewed = blocking(&state, move |c| c.renew_with_link(&token)).await??;
    Ok(private(lifespan_pages::renewed(&renewed).into_response()))
}

/// Pages behind a renewal link are for its holder only: never stored by caches.
fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
