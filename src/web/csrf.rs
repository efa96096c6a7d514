//! The CSRF check: every form a logged-in user posts carries the session's token in its `csrf`
//! field, compared in constant time. Forms are read as (name, value) pairs ([`checked_form`]);
//! the upload form, which is multipart, hands its token to [`check`].

use axum::body::Bytes;

use crate::access::{self, Session};

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
