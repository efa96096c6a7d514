//! The ISU's review pages: the queue, one message with its raw text beside the correction form,
//! the edit form. Pure functions from data to HTML, like `pages`.

use maud::{Markup, html};

use crate::review::Queue;
use crate::store::{LetterRecord, MessageOutcome, MessageRecord};
use crate::submission::{Submission, Vocabulary};

use super::frame::{Viewer, layout};
use super::pages::{amount_text, date, date_time, page_links, places_text};

/// How many submissions a page of the queue or the archive lists.
pub const LISTED: usize = 100;

fn outcome_text(outcome: &MessageOutcome) -> String {
    match outcome {
        MessageOutcome::Received => "Received, not yet read (the import was interrupted)".into(),
        MessageOutcome::Imported { id } => format!("Became {id}"),
        MessageOutcome::UpdateProposed { id, .. } => format!("Proposes an update of {id}"),
        MessageOutcome::RenewalRequested { id } => format!("Asks to renew {id}"),
        MessageOutcome::Accepted { id } => format!("Accepted for {id}"),
        MessageOutcome::Declined { id, reason } => format!("Declined for {id}: {reason}"),
        MessageOutcome::NeedsAttention { .. } => "Needs attention".into(),
        MessageOutcome::Dismissed { reason } => format!("Set aside: {reason}"),
        MessageOutcome::AwaitingConfirmation { until, .. } => format!(
            "Sent by the web form; its contact has not confirmed it (the link works until {})",
            crate::text::moment_in_a_sentence(*until)
        ),
    }
}

/// The buttons of a list's bulk form, above and below the list: one does `verb` to the ticked
/// rows, the other (`all=page`) to every row the page shows (the form's `shown` fields), so
/// that a whole page needs no ticking and no script.
fn bulk_buttons(verb: &str, shown: usize) -> Markup {
    html! {
        p.actions {
            button type="submit" { (verb) " the selected" }
            " "
            button.secondary type="submit" name="all" value="page" {
                @if shown == 1 { (verb) " the one on this page" } @else { (verb) " all " (shown) " on this page" }
            }
        }
    }
}

/// The review queue: what waits (with links to the parts below), the upload form, pending
/// submissions, then messages that need attention (a hundred of each a page).
pub fn queue(queue: &Queue, page: usize, message: Option<&str>, viewer: &Viewer) -> Markup {
    let first = (page - 1) * LISTED;
    let token = viewer.csrf();
    let shown = queue.pending.len();
    // One page number for both lists, as long as the longer needs.
    let pages = queue
        .pending_total
        .max(queue.messages_total)
        .div_ceil(LISTED);
    layout(
        "Review queue",
        viewer,
        html! {
            h1 { "Review queue" }
            @if let Some(message) = message { div.notice role="status" { (message) } }
            p {
                a href="#pending" { (queue.pending_total) " waiting for publication" }
                " · "
                a href="#messages" {
                    (queue.messages_total) " " (if queue.messages_total == 1 { "message" } else { "messages" }) " waiting"
                }
            }
            section.card aria-labelledby="upload" {
                h2 #upload { "Upload" }
                form method="post" action="/admin/upload" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(token);
                    label for="upload-file" { "E-mail (.eml), mailbox (mbox), filled template (.txt), IATI XML or JSON Lines, up to 10 MiB" }
                    input #upload-file type="file" name="file" required;
                    p { label { input type="checkbox" name="publish" value="1"; " Publish at once what reads cleanly (trusted files only)" } }
                    p { button type="submit" { "Import" } }
                }
            }
            h2 #pending { "Waiting for publication (" (queue.pending_total) ")" }
            @if queue.pending_total == 0 {
                p { "Nothing waits for publication." }
            } @else if queue.pending.is_empty() {
                p { "No submission on this page: " a href="/admin/queue" { "see the first" } "." }
            } @else {
                @if queue.pending_total > shown {
                    p { "Showing " (first + 1) "–" (first + shown) ", the longest waiting first." }
                }
                p.muted { "Open a submission to see it exactly as members will, and to publish, edit or reject it." }
                form method="post" action="/admin/queue/publish" {
                    input type="hidden" name="csrf" value=(token);
                    @for s in &queue.pending { input type="hidden" name="shown" value=(s.id); }
                    (bulk_buttons("Publish", shown))
                    table.rows {
                        thead { tr {
                            th scope="col" { "Select" }
                            th scope="col" { "Submission" }
                            th scope="col" { "Submitted by" }
                            th scope="col" { "Received" }
                        } }
                        tbody {
                            @for s in &queue.pending {
                                tr {
                                    td.select {
                                        input type="checkbox" name="id" value=(s.id) id={ "select-" (s.id) }
                                            aria-label={ "Select " (s.id) };
                                    }
                                    td {
                                        span.kind { (s.kind.label()) }
                                        a href={ "/submissions/" (s.id) } { (s.title) }
                                        br; span.muted { (s.id) " · " (places_text(s)) " · " (amount_text(s)) }
                                    }
                                    td data-label="Submitted by" { (s.submitter.organisation) }
                                    td data-label="Received" { (date(s.timestamps.received_at)) }
                                }
                            }
                        }
                    }
                    (bulk_buttons("Publish", shown))
                }
                (page_links(page, pages, |p| format!("/admin/queue?page={p}")))
            }
            h2 #messages { "Messages waiting (" (queue.messages_total) ")" }
            @if queue.messages_total == 0 {
                p { "No message waits." }
            } @else if queue.messages.is_empty() {
                p { "No message on this page: " a href="/admin/queue#messages" { "see the first" } "." }
            } @else {
                table.rows {
                    thead { tr {
                        th scope="col" { "Message" }
                        th scope="col" { "From" }
                        th scope="col" { "Received" }
                        th scope="col" { "State" }
                    } }
                    tbody {
                        @for m in &queue.messages {
                            tr {
                                td { a href={ "/admin/messages/" (m.number) } {
                                    "Message " (m.number) @if !m.subject.is_empty() { ": " (m.subject) }
                                } br; span.muted { (m.origin) } }
                                td data-label="From" { (m.sender.clone().unwrap_or_default()) }
                                td data-label="Received" { (date_time(m.received_at)) }
                                td data-label="State" { (outcome_text(&m.outcome)) }
                            }
                        }
                    }
                }
                (page_links(page, pages, |p| format!("/admin/queue?page={p}#messages")))
            }
        },
    )
}

/// The archive: expired submissions (a hundred a page), to restore and renew the ticked ones
/// or the whole page.
pub fn archive(
    archived: &[Submission],
    total: u64,
    page: usize,
    message: Option<&str>,
    viewer: &Viewer,
) -> Markup {
    let token = viewer.csrf();
    let first = (page - 1) * LISTED;
    let shown = archived.len();
    layout(
        "Archive",
        viewer,
        html! {
            h1 { "Archive (" (total) ")" }
            @if let Some(message) = message { div.notice role="status" { (message) } }
            p { "Submissions past their expiry. Members no longer see them; nothing is deleted. Renewing one restores it for its kind's full lifespan from today." }
            @if total == 0 {
                p { "The archive is empty." }
            } @else if archived.is_empty() {
                p { "No submission on this page: " a href="/admin/archive" { "see the first" } "." }
            } @else {
                @if total > shown as u64 {
                    p { "Showing " (first + 1) "–" (first + shown) ", the latest expired first." }
                }
                form method="post" action="/admin/archive/renew" {
                    input type="hidden" name="csrf" value=(token);
                    @for s in archived { input type="hidden" name="shown" value=(s.id); }
                    (bulk_buttons("Restore and renew", shown))
                    table.rows {
                        thead { tr {
                            th scope="col" { "Select" }
                            th scope="col" { "Submission" }
                            th scope="col" { "Expired" }
                        } }
                        tbody {
                            @for s in archived {
                                tr {
                                    td.select {
                                        input type="checkbox" name="id" value=(s.id) id={ "select-" (s.id) }
                                            aria-label={ "Select " (s.id) };
                                    }
                                    td { span.kind { (s.kind.label()) } a href={ "/submissions/" (s.id) } { (s.title) } br; span.muted { (s.id) " · " (s.submitter.organisation) } }
                                    td data-label="Expired" { @if let Some(expired) = s.timestamps.expires_at { (date(expired)) } }
                                }
                            }
                        }
                    }
                    (bulk_buttons("Restore and renew", shown))
                }
                (page_links(page, (total as usize).div_ceil(LISTED), |p| format!("/admin/archive?page={p}")))
            }
        },
    )
}

/// Admin actions on a submission's detail page, with its audit trail.
pub fn submission_actions(
    s: &Submission,
    trail: &[crate::store::AuditEntry],
    viewer: &Viewer,
) -> Markup {
    let token = viewer.csrf();
    html! {
        section.card aria-labelledby="review-actions" {
            h2 #review-actions { "Review (ISU)" }
            p { "Status: " strong { (s.status.label()) }
                @if let Some(note) = &s.status_note { " — " (note) } }
            @if matches!(s.status, crate::submission::Status::Published | crate::submission::Status::Expired) {
                form method="post" action={ "/admin/submissions/" (s.id) "/renew" } {
                    input type="hidden" name="csrf" value=(token);
                    button type="submit" { @if s.status == crate::submission::Status::Expired { "Restore and renew" } @else { "Renew" } }
                }
            }
            details {
                summary { "Audit trail (" (trail.len()) ")" }
                table.rows {
                    thead { tr { th scope="col" { "Time" } th scope="col" { "Event" } th scope="col" { "By" } } }
                    tbody {
                        @for entry in trail {
                            tr {
                                td { (date_time(entry.at)) }
                                td { (entry.event.label()) @if let Some(note) = &entry.note { " — " (note) } }
                                td data-label="By" { (entry.actor) }
                            }
                        }
                    }
                }
            }
            p { a href={ "/admin/submissions/" (s.id) "/edit" } { "Edit" } }
            @if s.status != crate::submission::Status::Published {
                form method="post" action={ "/admin/submissions/" (s.id) "/publish" } {
                    input type="hidden" name="csrf" value=(token);
                    button type="submit" { "Publish" }
                }
            }
            @if s.status == crate::submission::Status::Pending {
                form method="post" action={ "/admin/submissions/" (s.id) "/reject" } {
                    input type="hidden" name="csrf" value=(token);
                    label for="reason" { "Reason for rejecting" }
                    input #reason type="text" name="reason" required;
                    p { button.secondary type="submit" { "Reject" } }
                }
            }
        }
    }
}

/// One message: what became of it, its errors, the raw text, and the correction form.
pub fn message(
    record: &MessageRecord,
    raw: &str,
    texts: &[String],
    form_text: &str,
    letters: &[LetterRecord],
    viewer: &Viewer,
) -> Markup {
    let token = viewer.csrf();
    let number = record.number;
    layout(
        &format!("Message {number}"),
        viewer,
        html! {
            h1 { "Message " (number) @if !record.subject.is_empty() { ": " (record.subject) } }
            dl.fields {
                dt { "From" } dd { (record.sender.clone().unwrap_or_else(|| "not stated".into())) }
                dt { "Received" } dd { (date_time(record.received_at)) }
                dt { "Origin" } dd { (record.origin) }
                dt { "State" } dd { (outcome_text(&record.outcome)) }
            }
            @if !record.notes.is_empty() {
                ul { @for note in &record.notes { li { (note) } } }
            }
            section aria-labelledby="answers" {
                h2 #answers { "Answers to the sender" }
                @if letters.is_empty() {
                    p { "None written." }
                } @else {
                    table {
                        thead { tr { th { "Written" } th { "To" } th { "Subject" } th { "Delivery" } } }
                        tbody {
                            @for letter in letters {
                                tr {
                                    td { (date_time(letter.prepared_at)) }
                                    td { (letter.to) }
                                    td { (letter.subject) }
                                    td { (crate::answers::delivery_text(&letter.delivery)) }
                                }
                            }
                        }
                    }
                }
            }
            @if let MessageOutcome::NeedsAttention { errors } = &record.outcome {
                div.error-box role="alert" {
                    p { strong { "What could not be read" } }
                    ul { @for e in errors { li { (e) } } }
                }
            }
            @match &record.outcome {
                MessageOutcome::UpdateProposed { id, proposed } => {
                    h2 { "Proposed update of " a href={ "/submissions/" (id) } { (id) } }
                    p { "New title: " strong { (proposed.title) } }
                    pre.text { (crate::review::to_template_text(proposed)) }
                    (accept_decline(number, token))
                }
                MessageOutcome::RenewalRequested { id } => {
                    h2 { "Renewal of " a href={ "/submissions/" (id) } { (id) } }
                    (accept_decline(number, token))
                }
                MessageOutcome::NeedsAttention { .. } | MessageOutcome::Received => {
                    div.cards {
                        section.card aria-labelledby="correct" {
                            h2 #correct { "Correct and retry" }
                            form method="post" action={ "/admin/messages/" (number) "/retry" } {
                                input type="hidden" name="csrf" value=(token);
                                label for="text" { "Template text" }
                                textarea #text name="text" rows="28" { (form_text) }
                                p { button type="submit" { "Read it again" } }
                            }
                            form method="post" action={ "/admin/messages/" (number) "/decline" } {
                                input type="hidden" name="csrf" value=(token);
                                label for="dismiss-reason" { "Or set it aside, saying why" }
                                input #dismiss-reason type="text" name="reason" required;
                                p { button.secondary type="submit" { "Set aside" } }
                            }
                        }
                        section.card aria-labelledby="raw" {
                            h2 #raw { "The message as received" }
                            @for (i, text) in texts.iter().enumerate() {
                                h3 { "Text " (i + 1) }
                                pre.text { (text) }
                            }
                            details {
                                summary { "Raw message (" (raw.len()) " bytes)" }
                                pre.text { (raw) }
                            }
                        }
                    }
                }
                _ => {
                    details {
                        summary { "Raw message" }
                        pre.text { (raw) }
                    }
                }
            }
            p { a href="/admin/queue" { "Back to the review queue" } }
        },
    )
}

fn accept_decline(number: u64, token: &str) -> Markup {
    html! {
        form method="post" action={ "/admin/messages/" (number) "/accept" } {
            input type="hidden" name="csrf" value=(token);
            button type="submit" { "Accept" }
        }
        form method="post" action={ "/admin/messages/" (number) "/decline" } {
            input type="hidden" name="csrf" value=(token);
            label for="decline-reason" { "Reason for declining" }
            input #decline-reason type="text" name="reason" required;
            p { button.secondary type="submit" { "Decline" } }
        }
    }
}

/// The edit form: the submission as a template, read back by the same parser.
pub fn edit(s: &Submission, text: &str, errors: &[String], viewer: &Viewer) -> Markup {
    let token = viewer.csrf();
    layout(
        &format!("Edit {}", s.id),
        viewer,
        html! {
            h1 { "Edit " (s.id) }
            @if !errors.is_empty() {
                div.error-box role="alert" {
                    p { strong { "Nothing was saved:" } }
                    ul { @for e in errors { li { (e) } } }
                }
            }
            form method="post" action={ "/admin/submissions/" (s.id) "/edit" } {
                input type="hidden" name="csrf" value=(token);
                label for="text" { "The submission, in the template's words" }
                textarea #text name="text" rows="30" { (text) }
                p.muted { "Saving keeps the previous version." }
                p { button type="submit" { "Save" } }
            }
            p { a href={ "/submissions/" (s.id) } { "Back without saving" } }
        },
    )
}
