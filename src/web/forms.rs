//! Reading forms: a body read whole ([`FormBody`], with an error page when it is too large or
//! cut short), its (name, value) pairs, keeping repeated names (checkbox lists), and a field
//! by name. The CSRF check on top of them is in `csrf`.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use super::error::{AppError, Result};

/// A form's body, read whole; one too large or cut short gets an error page.
pub struct FormBody(pub(super) Bytes);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self> {
        Bytes::from_request(request, state)
            .await
            .map(FormBody)
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::too_large()
                } else {
                    AppError::bad_request(
                        "The form could not be read. Reload the page and try again.",
                    )
                }
            })
    }
}

/// A form body as (name, value) pairs, keeping repeated names (checkbox lists).
pub(super) fn form_pairs(body: &Bytes) -> Result<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body).map_err(|_| {
        AppError::bad_request("The form that was sent is malformed. Reload the page and try again.")
    })
}

/// The value of field `name`, empty when the form has none.
pub(super) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A field that must be in the form (it may be empty): missing, the form is incomplete.
pub(super) fn required<'a>(pairs: &'a [(String, String)], name: &str) -> Result<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(AppError::incomplete_form)
}

/// The `reason` field, trimmed, which must say something: `hint` tells the admin what (422).
pub(super) fn reason(pairs: &[(String, String)], hint: &str) -> Result<String> {
    let reason = field(pairs, "reason").trim();
    if reason.is_empty() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "A reason is needed",
            hint.to_string(),
        ));
    }
    Ok(reason.to_string())
}

/// The whole number `name` of a query (`?page=`, `?days=`) within `range`; `default` when it
/// is not given or empty.
pub(super) fn whole_number<T>(
    name: &str,
    text: Option<&str>,
    range: RangeInclusive<T>,
    default: T,
) -> Result<T>
where
    T: FromStr + PartialOrd + Display,
{
    match text.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse::<T>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                AppError::bad_request(format!(
                    "\"{name}\" must be a whole number from {} to {}; \"{text}\" is not",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// The page of a long list asked for (`?page=`, from 1; the first when not given).
pub(super) fn page_number(text: Option<&str>) -> Result<usize> {
    whole_number("page", text, 1..=1_000_000, 1)
}
