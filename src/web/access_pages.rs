//! The pages of access on request: the public form and its answers, the confirmation link's
//! page, and the ISU's pages of requests and focal points. Pure functions from data to HTML.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::access_requests::{
    CONFIRMATION_HOURS, MAX_EMAIL_CHARS, MAX_FIELD_CHARS, RequestForm, affiliation, request_id,
};
use crate::codes;
use crate::store::{AccessRequestRecord, AuditEntry, FocalPoint, RequestState};
use crate::submission::{SubmitterType, Vocabulary};
use crate::text;

use super::frame::{Viewer, layout};

fn moment(t: DateTime<Utc>) -> Markup {
    html! { time datetime=(text::iso_moment(t)) { (text::moment_in_words(t)) } }
}

/// The fields of a requester, filled with `form`; shared by the public form and the ISU's
/// edit form.
fn person_fields(form: &RequestForm) -> Markup {
    let max_field = MAX_FIELD_CHARS.to_string();
    html! {
        p {
            label for="name" { "Your name" }
            input #name type="text" name="name" value=(form.name) required maxlength=(max_field) autocomplete="name";
        }
        p {
            label for="organisation" { "Organisation (ministry, mission, organisation)" }
            input #organisation type="text" name="organisation" value=(form.organisation) required maxlength=(max_field) autocomplete="organization";
        }
        p {
            label for="submitter_type" { "State or organisation type" }
            select #submitter_type name="submitter_type" required {
                option value="" { "Choose…" }
                @for kind in SubmitterType::ALL {
                    option value=(kind.slug()) selected[form.submitter_type == kind.slug()] { (kind.label()) }
                }
            }
        }
        p {
            label for="country" { "State (for a State Party or Signatory)" }
            select #country name="country" {
                option value="" { "Not a State" }
                @for country in codes::countries() {
                    option value=(country.alpha3) selected[form.country == country.alpha3] { (country.name) }
                }
            }
        }
        p {
            label for="email" { "Official e-mail address" }
            input #email type="email" name="email" value=(form.email) required maxlength=(MAX_EMAIL_CHARS.to_string()) autocomplete="email";
        }
        p {
            label for="role" { "Your role" }
            input #role type="text" name="role" value=(form.role) required maxlength=(max_field) autocomplete="organization-title";
        }
    }
}

fn problems_box(problems: &[String]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error-box role="alert" {
                p { "Please correct the following:" }
                ul { @for problem in problems { li { (problem) } } }
            }
        }
    }
}

/// The public request form; `problems` shown above it when it came back.
pub fn request_form(
    form: &RequestForm,
    form_token: &str,
    problems: &[String],
    isu_email: &str,
) -> Markup {
    layout(
        "Request access",
        &Viewer::nobody(),
        html! {
            h1 { "Request access" }
            p {
                "The portal is for delegations of States Parties and Signatories, international "
                "organisations and NGOs working on the Convention's implementation. Tell us who you "
                "are; we send a link to the address you give, to confirm it is yours. Once you "
                "confirm, the Implementation Support Unit (ISU) reviews the request and, if it "
                "approves, sends you the member password, and each new one after it changes."
            }
            (problems_box(problems))
            form method="post" action="/request-access" {
                input type="hidden" name="form" value=(form_token);
                (person_fields(form))
                div.trap {
                    label for="website" { "Leave this field empty (it is there to catch automated spam)" }
                    input #website type="text" name="website" value="" tabindex="-1" autocomplete="off";
                }
                p { button type="submit" { "Send the request" } }
            }
            p.muted {
                "Questions: write to the ISU at " a href={ "mailto:" (isu_email) } { (isu_email) } "."
            }
        },
    )
}

/// The answer to every request sent, whatever became of it.
pub fn request_sent(isu_email: &str) -> Markup {
    layout(
        "Request received",
        &Viewer::nobody(),
        html! {
            h1 { "Request received" }
            p {
                "Thank you. If the address you gave can receive mail, a message with a link is on "
                "its way to it. Open the link within " (CONFIRMATION_HOURS) " hours and press the "
                "button on its page to confirm the request; the ISU then reviews it."
            }
            p {
                "No message after an hour? Look in the spam folder, or write to the ISU at "
                a href={ "mailto:" (isu_email) } { (isu_email) } "."
            }
        },
    )
}

/// The page a confirmation link opens: a button, because opening a link changes nothing.
pub fn confirm(record: &AccessRequestRecord, token: &str) -> Markup {
    layout(
        "Confirm your request",
        &Viewer::nobody(),
        html! {
            h1 { "Confirm your request" }
            p {
                "A request for access to the portal was made for " strong { (record.requester.email) }
                ", from " (record.requester.organisation) ". Press the button to confirm it; "
                "the ISU then reviews it."
            }
            form method="post" action={ "/request-access/confirm/" (token) } {
                button type="submit" { "Confirm the request" }
            }
        },
    )
}

pub fn confirmed() -> Markup {
    layout(
        "Request confirmed",
        &Viewer::nobody(),
        html! {
            h1 { "Request confirmed" }
            p {
                "Thank you: the ISU reviews your request and writes to you, with the member "
                "password if it is approved."
            }
        },
    )
}

fn state_text(state: &RequestState) -> Markup {
    match state {
        RequestState::Unconfirmed => html! { "unconfirmed" },
        RequestState::Waiting { confirmed_at } => {
            html! { "waiting (confirmed " (moment(*confirmed_at)) ")" }
        }
        RequestState::Approved { by, at, .. } => html! { "approved by " (by) ", " (moment(*at)) },
        RequestState::Declined { by, at, .. } => html! { "declined by " (by) ", " (moment(*at)) },
    }
}

/// The ISU's list of confirmed requests.
pub fn requests(list: &[AccessRequestRecord], notice: Option<&str>, viewer: &Viewer) -> Markup {
    let waiting = list
        .iter()
        .filter(|r| matches!(r.state, RequestState::Waiting { .. }))
        .count();
    layout(
        "Access requests",
        viewer,
        html! {
            h1 { "Access requests" }
            @if let Some(notice) = notice { p.notice role="status" { (notice) } }
            p {
                (waiting) " waiting. Only requests confirmed from their e-mail address are listed. "
                a href="/admin/focal-points" { "The focal-point list" }
            }
            @if list.is_empty() {
                p { "No confirmed requests yet." }
            } @else {
                table.rows {
                    caption { "Confirmed requests, waiting ones first" }
                    thead { tr { th { "Request" } th { "Who" } th { "State or organisation type" } th { "State" } } }
                    tbody {
                        @for r in list {
                            tr {
                                td { a href={ "/admin/access/" (r.number) } { (request_id(r.number)) } }
                                td data-label="Who" { (r.requester.name) br; span.muted { (r.requester.organisation) " · " (r.requester.email) } }
                                td data-label="State or organisation type" { (affiliation(&r.requester)) }
                                td data-label="State" { (state_text(&r.state)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One request, its trail, and (while it waits) the forms to approve or decline it.
pub fn request(record: &AccessRequestRecord, trail: &[AuditEntry], viewer: &Viewer) -> Markup {
    let id = request_id(record.number);
    let r = &record.requester;
    layout(
        &id,
        viewer,
        html! {
            h1 { "Access request " (id) }
            dl {
                dt { "Name" } dd { (r.name) }
                dt { "Organisation" } dd { (r.organisation) }
                dt { "State or organisation type" } dd { (affiliation(r)) }
                dt { "Official e-mail" } dd { (r.email) }
                dt { "Role" } dd { (r.role) }
                dt { "Requested" } dd { (moment(record.requested_at)) " from " (record.address) }
                dt { "State" } dd { (state_text(&record.state)) }
                @match &record.state {
                    RequestState::Approved { note, .. } | RequestState::Declined { note, .. } if !note.is_empty() => {
                        dt { "Note" } dd { (note) }
                    }
                    _ => {}
                }
            }
            @if matches!(record.state, RequestState::Waiting { .. }) {
                section.card aria-labelledby="approve" {
                    h2 #approve { "Approve" }
                    p { "The requester becomes a focal point and is sent the current member password now, and each new one." }
                    form method="post" action={ "/admin/access/" (record.number) "/approve" } {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        p {
                            label for="approve-note" { "Note for the trail (optional, not sent)" }
                            input #approve-note type="text" name="note" maxlength="500";
                        }
                        button type="submit" { "Approve and send the password" }
                    }
                }
                section.card aria-labelledby="decline" {
                    h2 #decline { "Decline" }
                    form method="post" action={ "/admin/access/" (record.number) "/decline" } {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        p {
                            label for="decline-note" { "Why (sent to the requester, and kept in the trail)" }
                            textarea #decline-note name="reason" rows="3" maxlength="2000" required {}
                        }
                        button type="submit" { "Decline" }
                    }
                }
            }
            (trail_section(trail))
            p { a href="/admin/access" { "All access requests" } }
        },
    )
}

fn trail_section(trail: &[AuditEntry]) -> Markup {
    html! {
        section aria-labelledby="trail" {
            h2 #trail { "Audit trail" }
            ol {
                @for entry in trail {
                    li {
                        (moment(entry.at)) ": " (entry.event.label()) " by " (entry.actor)
                        @if let Some(note) = &entry.note { " (" (note) ")" }
                    }
                }
            }
        }
    }
}

/// The focal-point list.
pub fn focal_points(list: &[FocalPoint], notice: Option<&str>, viewer: &Viewer) -> Markup {
    let current = list.iter().filter(|f| f.is_current()).count();
    layout(
        "Focal points",
        viewer,
        html! {
            h1 { "Focal points" }
            @if let Some(notice) = notice { p.notice role="status" { (notice) } }
            p {
                (current) " current focal points receive each new member password. "
                a href="/admin/focal-points.csv" download { "Download the list (CSV)" } " · "
                a href="/admin/access" { "Access requests" }
            }
            @if list.is_empty() {
                p { "No focal points yet: they are added by approving access requests." }
            } @else {
                table.rows {
                    caption { "Focal points, current ones first" }
                    thead { tr { th { "Request" } th { "Who" } th { "State or organisation type" } th { "Status" } } }
                    tbody {
                        @for f in list {
                            tr {
                                td { a href={ "/admin/focal-points/" (f.number) } { (request_id(f.number)) } }
                                td data-label="Who" { (f.person.name) br; span.muted { (f.person.organisation) " · " (f.person.email) " · " (f.person.role) } }
                                td data-label="State or organisation type" { (affiliation(&f.person)) }
                                td data-label="Status" {
                                    @match &f.removed {
                                        Some(removal) => { "removed by " (removal.by) ", " (moment(removal.at)) }
                                        None => { "current, since " (moment(f.approved_at)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A focal point's page: its details to edit, removal, its trail.
pub fn focal_point(
    focal_point: &FocalPoint,
    form: &RequestForm,
    problems: &[String],
    trail: &[AuditEntry],
    viewer: &Viewer,
) -> Markup {
    let id = request_id(focal_point.number);
    layout(
        &format!("Focal point {id}"),
        viewer,
        html! {
            h1 { "Focal point " (id) }
            @if let Some(removal) = &focal_point.removed {
                p.notice { "Removed by " (removal.by) ", " (moment(removal.at)) ": receives no further passwords." }
            }
            (problems_box(problems))
            form method="post" action={ "/admin/focal-points/" (focal_point.number) } {
                input type="hidden" name="csrf" value=(viewer.csrf());
                (person_fields(form))
                p { button type="submit" { "Save" } }
            }
            @if focal_point.is_current() {
                section.card aria-labelledby="remove" {
                    h2 #remove { "Remove from the list" }
                    p { "A removed focal point receives no further passwords. The record and its trail are kept." }
                    form method="post" action={ "/admin/focal-points/" (focal_point.number) "/remove" } {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        button type="submit" { "Remove " (focal_point.person.name) }
                    }
                }
            }
            (trail_section(trail))
            p { a href="/admin/focal-points" { "All focal points" } }
        },
    )
}
