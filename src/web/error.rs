//! The web's one error type: what went wrong, as an error page with its status. A 4xx says what
//! was wrong; a 5xx says only that something went wrong, and is logged.

use axum::extract::rejection::FormRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::access;
use crate::catalogue::CatalogueError;
use crate::renewal::LinkError;

use super::frame::page_with_status;
use super::pages;

/// An error page with its status. A 4xx says what was wrong; a 5xx says only that something
/// went wrong, and is logged.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    title: &'static str,
    message: String,
    retry_after: Option<i64>,
}

impl AppError {
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        AppError {
            status,
            title,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A session asking for another export (or compendium) while its earlier ones are still
    /// being sent.
    pub fn too_many_streams() -> Self {
        AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Downloads under way",
            format!(
                "You already have {} downloads (exports or the compendium) being sent. Wait \
                 until one has finished, then try again.",
                super::streamed::STREAMS_PER_SESSION
            ),
        )
        .retry_after(10)
    }

    /// Refused for now: try again after `seconds` (sent as `Retry-After`).
    pub(super) fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// A body larger than the route accepts.
    pub(super) fn too_large() -> Self {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            "What was sent is too large.",
        )
    }

    /// A form without a field its handler needs, or one that is not a form at all.
    pub(super) fn incomplete_form() -> Self {
        AppError::new(
            StatusCode::BAD_REQUEST,
            "This form cannot be read",
            "The form that was sent is incomplete or malformed. Go back, reload the page and try again.",
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::new(
            StatusCode::BAD_REQUEST,
            "This request cannot be used",
            message,
        )
    }

    pub fn not_found() -> Self {
        AppError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing at this address. It may have expired or been withdrawn.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::new(StatusCode::FORBIDDEN, "Not allowed", message)
    }

    pub(super) fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "request failed");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Something went wrong on our side. Please try again; if it keeps happening, tell the ISU.",
        )
    }
}

impl From<CatalogueError> for AppError {
    fn from(error: CatalogueError) -> Self {
        match error {
            CatalogueError::NotFound(_) | CatalogueError::MessageNotFound(_) => {
                AppError::not_found()
            }
            CatalogueError::RenewalLink(link) => link.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> Self {
        let (status, title) = match error {
            LinkError::Malformed | LinkError::Forged => {
                (StatusCode::NOT_FOUND, "Not a valid renewal link")
            }
            LinkError::Expired(_) | LinkError::AlreadyUsed(_) => {
                (StatusCode::GONE, "This renewal link no longer works")
            }
            LinkError::NotRenewable { .. } => (StatusCode::CONFLICT, "Cannot be renewed"),
        };
        AppError::new(status, title, error.to_string())
    }
}

impl From<access::AccessError> for AppError {
    fn from(error: access::AccessError) -> Self {
        match error {
            access::AccessError::TooShort | access::AccessError::BadAdminName(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not accepted",
                error.to_string(),
            ),
            other => AppError::internal(other),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::too_large()
        } else if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            AppError::new(
                status,
                "This form cannot be read",
                "Forms are sent as application/x-www-form-urlencoded. Go back, reload the page and try again.",
            )
        } else {
            AppError::incomplete_form()
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = page_with_status(self.status, None, |viewer| {
            pages::error(self.status.as_u16(), self.title, &self.message, viewer)
        });
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub(super) type Result<T, E = AppError> = std::result::Result<T, E>;
