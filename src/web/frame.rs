//! The frame of every page (head, skip links, the site header with its menu and log-out form,
//! the footer) and the one way a handler turns a page into a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::access::Session;

/// Who is looking, for the header: nobody, a member, or an admin (with the CSRF token for the
/// log-out form).
pub struct Viewer<'a> {
    pub session: Option<&'a Session>,
}

/// The frame of every page.
pub fn layout(title: &str, viewer: &Viewer, body: Markup) -> Markup {
    framed(title, viewer, &[], body)
}

/// The frame, with more links to skip to parts of the page (`(href, text)`), after "Skip to
/// content": the first stops of the keyboard, shown when they have the focus.
pub(super) fn framed(title: &str, viewer: &Viewer, skips: &[(&str, &str)], body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Cooperation Portal" }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                @for (href, text) in skips {
                    a.skip href=(href) { (text) }
                }
                header.site {
                    a.brand href="/" { "Cooperation Portal" }
                    @if let Some(session) = viewer.session {
                        nav aria-label="Main" {
                            ul {
                                li { a href="/search" { "Search" } }
                                li { a href="/find-offers" { "Find offers for my country" } }
                                li { a href="/statistics" { "Statistics" } }
                                @if viewer.is_admin() {
                                    li { a href="/admin/queue" { "Review queue" } }
                                    li { a href="/admin/expiring" { "Expiring soon" } }
                                    li { a href="/admin/archive" { "Archive" } }
                                    li { a href="/admin/tokens" { "API and feeds" } }
                                    li { a href="/admin" { "Administration" } }
                                }
                            }
                        }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(session.csrf_token);
                            button type="submit" { "Log out" }
                        }
                    } @else {
                        nav aria-label="Main" {
                            ul { li { a href="/login" { "Log in" } } }
                        }
                    }
                }
                main #main {
                    (body)
                }
                footer.site {
                    "Convention on Cluster Munitions · Cooperation Portal · members only"
                }
            }
        }
    }
}

impl<'a> Viewer<'a> {
    /// Someone not logged in, or a page that shows no menu of theirs (errors, renewal links).
    pub fn nobody() -> Viewer<'static> {
        Viewer { session: None }
    }

    /// The session's CSRF token, for the forms of its pages; empty for nobody.
    pub fn csrf(&self) -> &str {
        self.session.map_or("", |s| s.csrf_token.as_str())
    }

    /// Whether the viewer is ISU staff (the menu shows the ISU's pages).
    pub(super) fn is_admin(&self) -> bool {
        self.session.is_some_and(|s| s.account.is_admin())
    }

    /// The holder of `session`.
    pub fn of(session: &'a Session) -> Viewer<'a> {
        Viewer {
            session: Some(session),
        }
    }
}

/// A page for the holder of `session` (if any), rendered by `render`, as a response with
/// `status`. The security headers and `Cache-Control: no-store` are added for every response
/// by the middleware in `web`.
pub(super) fn page_with_status(
    status: StatusCode,
    session: Option<&Session>,
    render: impl FnOnce(&Viewer) -> Markup,
) -> Response {
    (status, render(&Viewer { session })).into_response()
}

/// [`page_with_status`] for a page shown with 200 OK.
pub(super) fn page(session: Option<&Session>, render: impl FnOnce(&Viewer) -> Markup) -> Response {
    page_with_status(StatusCode::OK, session, render)
}
