//! The handlers of the members' report pages: statistics, the compendium, a country's page.
//! Each reads the store on the blocking pool; the compendium while it is sent.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::codes;

use super::AppState;
use super::error::AppError;
use super::extract::Member;
use super::frame::{Viewer, page};
use super::handlers::blocking;
use super::params::sentence;
use super::report_pages;
use super::streamed::{self, Stop};

pub async fn statistics(
    State(state): State<AppState>,
    Member(session): Member,
) -> Result<Response, AppError> {
    let (stats, now) = blocking(&state, |c| c.stats().map(|s| (s, c.now()))).await??;
    Ok(page(Some(&session), |viewer| {
        report_pages::statistics(&stats, now, viewer)
    }))
}

/// The compendium: planned first (so a failure still gets an error page), then written a
/// section at a time as its needs are read, while it is sent.
pub async fn compendium(
    State(state): State<AppState>,
    Member(session): Member,
) -> Result<Response, AppError> {
    let guard = state
        .streams
        .start(&session.id)
        .ok_or_else(AppError::too_many_streams)?;
    let compendium = blocking(&state, |c| c.compendium()).await??;
    let (before, after) = report_pages::compendium_frame(&compendium, &Viewer::of(&session));
    let catalogue = state.catalogue.clone();
    let body = streamed::body("the compendium", guard, move |chunks| {
        chunks.push(&before)?;
        for section in &compendium.sections {
            let areas = catalogue
                .compendium_section(&compendium, section, |need| {
                    report_pages::compendium_need(need).into_string()
                })
                .map_err(|error| Stop::Failed(error.to_string()))?;
            chunks.push(&report_pages::compendium_section(section, &areas).into_string())?;
        }
        chunks.push(&after)
    });
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// `/countries/LAO`; a name or another code (`Laos`, `la`) is sent to the canonical address.
pub async fn country(
    State(state): State<AppState>,
    Member(session): Member,
    Path(text): Path<String>,
) -> Result<Response, AppError> {
    let found = (text.len() <= 100).then(|| codes::country(&text)).flatten();
    let Some(country) = found else {
        return Err(unknown_country(&text));
    };
    if country.alpha3 != text {
        return Ok(Redirect::permanent(&format!("/countries/{}", country.alpha3)).into_response());
    }
    let code = country.alpha3;
    let listed = report_pages::LISTED;
    let report = blocking(&state, move |c| c.country_report(code, listed)).await??;
    Ok(page(Some(&session), |viewer| {
        report_pages::country(country, &report, viewer)
    }))
}

fn unknown_country(text: &str) -> AppError {
    let shown: String = text.chars().take(100).collect();
    let hint = match codes::did_you_mean(&codes::suggest_countries(&shown)) {
        Some(question) => format!(" {}", sentence(&question)),
        None => String::new(),
    };
    AppError::new(
        StatusCode::NOT_FOUND,
        "Unknown country",
        format!(
            "No country or territory is called \"{shown}\". Use its ISO 3166-1 alpha-3 code \
             (e.g. LAO) or its English name.{hint}"
        ),
    )
}
