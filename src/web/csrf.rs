//! The CSRF check: every form a logged-in user posts carries the session's token in its `csrf`
//! field, compared in constant time. Forms are read as (name, value) pairs ([`checked_form`]);
//! the upload form, which is multipart, hands its token to [`check`]. Beside it, the origin of
//! `--public-url`, which the router's cross-origin check accepts besides the request's Host.

use axum::body::Bytes;

use crate::access::{self, Session};

use super::Config;
use super::error::{AppError, Result};
use super::forms::{field, form_pairs};

/// Refuses (403) a token that is not the session's.
pub(super) fn check(session: &Session, token: &str) -> Result<()> {
    if access::constant_time_eq(&session.csrf_token, token) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "This form has expired or did not come from this portal. Reload the page and try again.",
        ))
    }
}

/// A form's (name, value) pairs, once its CSRF token has been checked.
pub(super) fn checked_form(session: &Session, body: &Bytes) -> Result<Vec<(String, String)>> {
    let pairs = form_pairs(body)?;
    check(session, field(&pairs, "csrf"))?;
    Ok(pairs)
}

/// The origin of `--public-url` (`https://portal.example.org`), as browsers write `Origin`.
#[derive(Debug, Clone)]
pub(super) struct PublicOrigin(pub(super) Option<String>);

impl PublicOrigin {
    pub(super) fn of(config: &Config) -> PublicOrigin {
        PublicOrigin(public_origin(&config.public_url).ok())
    }
}

/// The origin of a public URL, as browsers write it in `Origin` (scheme, host, and the port
/// unless it is the scheme's default); an error that says what is wrong with the URL.
pub fn public_origin(public_url: &str) -> std::result::Result<String, String> {
    let wrong = |why: &str| {
        format!(
            "\"{public_url}\" {why}; write the address members use, e.g. https://portal.example.org"
        )
    };
    let parsed = url::Url::parse(public_url).map_err(|e| wrong(&format!("is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(wrong("is not an http:// or https:// address"));
    }
    Ok(parsed.origin().ascii_serialization())
}
