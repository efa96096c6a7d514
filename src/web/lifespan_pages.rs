//! The pages of a submission's lifespan: the ISU's "expiring soon" page with the reminders
//! sent or written, and the public pages of a renewal link. Pure rendering, like `pages`.

use chrono::{DateTime, TimeDelta, Utc};
use maud::{Markup, html};

use crate::store::{Delivery, ReminderRecord};
use crate::submission::{Status, Submission, Vocabulary};

use super::frame::{Viewer, layout};
use super::pages::{date, date_time, page_links};

/// How many submissions a page of the "expiring soon" list shows.
pub const LISTED: usize = 100;

/// What the "expiring soon" page shows besides the list.
pub struct ExpiringView<'a> {
    pub days: u32,
    /// How many expire within `days`, of which the list shows page `page`.
    pub total: usize,
    pub page: usize,
    pub now: DateTime<Utc>,
    /// Days before expiry at which reminders are due, largest first.
    pub reminder_days: &'a [u32],
    /// How reminders are delivered, e.g. "written to the outbox folder …".
    pub delivery: &'a str,
}

/// The ISU's list of what expires soon, with each reminder's delivery.
pub fn expiring(
    list: &[(Submission, Vec<ReminderRecord>)],
    view: &ExpiringView,
    viewer: &Viewer,
) -> Markup {
    let token = viewer.csrf();
    let first = (view.page - 1) * LISTED;
    let stages: Vec<String> = view.reminder_days.iter().map(|d| format!("{d}")).collect();
    layout(
        "Expiring soon",
        viewer,
        html! {
            h1 { "Expiring soon (" (view.total) ")" }
            p {
                "Published submissions that expire within " (view.days) " days. "
                @if stages.is_empty() {
                    "No reminders are configured."
                } @else {
                    "Reminders go to each submission's contact " (stages.join(" and ")) " days before expiry and are "
                    (view.delivery) ". Each carries a link that renews that one submission, once."
                }
            }
            form.inline method="get" action="/admin/expiring" {
                label for="days" { "Expiring within (days)" }
                input #days type="number" name="days" min="1" max="3650" value=(view.days);
                button type="submit" { "Show" }
            }
            @if view.total == 0 {
                p { "Nothing expires in that time." }
            } @else if list.is_empty() {
                p { "No submission on this page: " a href={ "/admin/expiring?days=" (view.days) } { "see the first" } "." }
            } @else {
                @if view.total > list.len() {
                    p { "Showing " (first + 1) "–" (first + list.len()) ", the soonest first." }
                }
                table.rows {
                    thead { tr {
                        th scope="col" { "Submission" }
                        th scope="col" { "Valid until" }
                        th scope="col" { "Reminders" }
                        th scope="col" { "Renew" }
                    } }
                    tbody {
                        @for (s, reminders) in list {
                            tr {
                                td { span.kind { (s.kind.label()) } " " a href={ "/submissions/" (s.id) } { (s.title) } br; span.muted { (s.id) " · " (s.submitter.organisation) } }
                                td data-label="Valid until" {
                                    @if let Some(expires) = s.timestamps.expires_at {
                                        (date(expires)) br;
                                        span.muted { (days_left(expires, view.now)) }
                                    }
                                }
                                td data-label="Reminders" { (reminder_list(s, reminders, view)) }
                                td {
                                    form method="post" action={ "/admin/submissions/" (s.id) "/renew" } {
                                        input type="hidden" name="csrf" value=(token);
                                        button type="submit" aria-label={ "Renew " (s.id) } { "Renew" }
                                    }
                                }
                            }
                        }
                    }
                }
                (page_links(view.page, view.total.div_ceil(LISTED), |p| format!("/admin/expiring?days={}&page={p}", view.days)))
            }
        },
    )
}

/// Calendar days from today to the valid-until date shown beside it (both UTC), so that two
/// submissions valid until the same date always say the same.
pub(crate) fn days_left(expires: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match (expires.date_naive() - now.date_naive()).num_days() {
        ..=0 => "expires today".to_string(),
        1 => "1 day left (expires tomorrow)".to_string(),
        n => format!("{n} days left"),
    }
}

/// Each reminder of the current expiry, and the stages still to come.
fn reminder_list(s: &Submission, reminders: &[ReminderRecord], view: &ExpiringView) -> Markup {
    let expires = s.timestamps.expires_at;
    let nearest_done = reminders.iter().map(|r| r.stage_days).min();
    let upcoming: Vec<u32> = view
        .reminder_days
        .iter()
        .copied()
        .filter(|d| nearest_done.is_none_or(|done| *d < done))
        .filter(|d| expires.is_some_and(|e| e - TimeDelta::days(i64::from(*d)) > view.now))
        .collect();
    html! {
        ul.plain {
            @for r in reminders {
                li { (r.stage_days) " days before: " (delivery_text(r)) }
            }
            @for d in upcoming.iter().rev() {
                @if let Some(e) = expires {
                    li.muted { (d) " days before: due " (date(e - TimeDelta::days(i64::from(*d)))) }
                }
            }
            @if reminders.is_empty() && upcoming.is_empty() {
                li.muted { "none due" }
            }
        }
    }
}

fn delivery_text(r: &ReminderRecord) -> Markup {
    let to = r.to.as_deref().unwrap_or("no address");
    html! {
        @match &r.delivery {
            Delivery::Prepared => {
                "prepared " (date_time(r.prepared_at)) " for " (to) ", not yet delivered"
            }
            Delivery::Sent { at, server } => {
                "sent to " (to) " via " (server) ", " (date_time(*at))
            }
            Delivery::Written { at, file } => {
                "for " (to) ", written to the outbox as " span.file { (file) } ", " (date_time(*at))
            }
            Delivery::Failed { at, error, attempts } => {
                "for " (to) ": delivery failed " (attempts) " time(s), last " (date_time(*at))
                ": " (error) "; tried again every minute"
            }
            Delivery::Undeliverable { reason } => { "not sent: " (reason) }
        }
    }
}

/// The page a renewal link opens: what it renews, and the button that does it. Opening the
/// link changes nothing (mail scanners open links too); only the button does.
pub fn renewal_confirm(s: &Submission, months: u32, valid_until_link: DateTime<Utc>) -> Markup {
    let viewer = Viewer::nobody();
    layout(
        "Renew a submission",
        &viewer,
        html! {
            p.muted { span.kind { (s.kind.label()) } (s.id) }
            h1 { "Renew “" (s.title) "”" }
            dl.fields {
                dt { "Submitted by" } dd { (s.submitter.organisation) }
                @if let Some(expires) = s.timestamps.expires_at {
                    dt { @if s.status == Status::Expired { "Expired on" } @else { "Valid until" } }
                    dd { (date(expires)) }
                }
            }
            p {
                "Renewing keeps it on the portal for " (months) " months from today"
                @if s.status == Status::Expired { ", and brings it back from the archive" }
                ". This link works once, until " (date(valid_until_link)) "."
            }
            form method="post" {
                p { button type="submit" { "Renew for " (months) " months" } }
            }
            p.muted { "To change the submission instead, e-mail the corrected template to the ISU." }
        },
    )
}

/// The page after a renewal by link.
pub fn renewed(s: &Submission) -> Markup {
    let viewer = Viewer::nobody();
    layout(
        "Renewed",
        &viewer,
        html! {
            p.muted { span.kind { (s.kind.label()) } (s.id) }
            h1 { "Renewed" }
            div.notice role="status" {
                p {
                    "“" (s.title) "” is valid until "
                    strong { @if let Some(expires) = s.timestamps.expires_at { (date(expires)) } }
                    ". Thank you."
                }
            }
            p { "You will get a reminder again before that date." }
        },
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::days_left;

    #[test]
    fn days_left_count_calendar_days_to_the_date_shown() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 18, 30, 0).unwrap();
        // Both valid until 2026-12-10: the same words, whatever the hour (once "2 days left"
        // and "3 days left").
        let morning = Utc.with_ymd_and_hms(2026, 12, 10, 6, 0, 0).unwrap();
        let evening = Utc.with_ymd_and_hms(2026, 12, 10, 22, 0, 0).unwrap();
        assert_eq!(days_left(morning, now), "3 days left");
        assert_eq!(days_left(evening, now), "3 days left");
        let tomorrow = Utc.with_ymd_and_hms(2026, 12, 8, 1, 0, 0).unwrap();
        assert_eq!(days_left(tomorrow, now), "1 day left (expires tomorrow)");
        let tonight = Utc.with_ymd_and_hms(2026, 12, 7, 23, 0, 0).unwrap();
        assert_eq!(days_left(tonight, now), "expires today");
    }
}
