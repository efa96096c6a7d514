//! The submission form's pages (maud, no scripts): the form generated from the template's own
//! field list (`intake::template::fields`), with each field's errors beside it in the
//! template's words and a summary at the top linking to them; the page saying where the
//! confirmation link went; the confirmation page a contact opens.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::intake::template::fields::{FieldSpec, Input, Required};

use super::frame::{Viewer, layout};

/// A field's problem, in the template's words, by the field's input name.
pub struct FieldError {
    pub name: &'static str,
    pub message: String,
}

/// What the form page shows.
pub struct FormPage<'a> {
    pub heading: String,
    pub intro: Markup,
    pub action: String,
    pub fields: &'a [FieldSpec],
    /// The values to show, by input name.
    pub values: &'a [(&'static str, String)],
    pub errors: &'a [FieldError],
    pub button: &'static str,
}

fn value_of<'a>(values: &'a [(&'static str, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Whether `choice` is among the comma-separated `value` (compared without case).
fn chosen(value: &str, choice: &str) -> bool {
    value
        .split([',', ';'])
        .any(|part| part.trim().eq_ignore_ascii_case(choice))
}

/// The id of a field's first input (what the error summary links to).
fn first_input_id(field: &FieldSpec) -> String {
    match field.input {
        Input::One(_) | Input::Many(_) => format!("{}-1", field.name),
        _ => field.name.to_string(),
    }
}

pub fn form_page(page: &FormPage, viewer: &Viewer) -> Markup {
    let title = if page.errors.is_empty() {
        page.heading.clone()
    } else {
        format!("Error: {}", page.heading)
    };
    layout(
        &title,
        viewer,
        html! {
            h1 { (page.heading) }
            @if !page.errors.is_empty() {
                div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                    h2 #error-summary-title { "There is a problem" }
                    ul {
                        @for error in page.errors {
                            @let target = page.fields.iter().find(|f| f.name == error.name)
                                .map_or(error.name.to_string(), first_input_id);
                            li { a href={ "#" (target) } { (error.message) } }
                        }
                    }
                }
            }
            (page.intro)
            form.submission method="post" action=(page.action) novalidate {
                input type="hidden" name="csrf" value=(viewer.csrf());
                @for field in page.fields {
                    (field_markup(field, value_of(page.values, field.name), page.errors))
                }
                p { button type="submit" { (page.button) } }
            }
        },
    )
}

fn required_note(field: &FieldSpec) -> &'static str {
    match field.required {
        Required::Yes => " (required)",
        Required::ForStates => " (required for a State Party or Signatory)",
        Required::No => " (optional)",
    }
}

fn field_markup(field: &FieldSpec, value: &str, errors: &[FieldError]) -> Markup {
    let mine: Vec<&FieldError> = errors.iter().filter(|e| e.name == field.name).collect();
    let invalid = !mine.is_empty();
    let hint_id = format!("{}-hint", field.name);
    let error_id = format!("{}-error", field.name);
    let mut described: Vec<&str> = Vec::new();
    if !field.help.is_empty() {
        described.push(&hint_id);
    }
    if invalid {
        described.push(&error_id);
    }
    let described = described.join(" ");
    let described = (!described.is_empty()).then_some(described);
    let hint = html! {
        @if !field.help.is_empty() { p.hint id=(hint_id) { (field.help) } }
    };
    let error = html! {
        @if invalid {
            p.error-message id=(error_id) {
                @for e in &mine { span.visually-hidden { "Error: " } (e.message) br; }
            }
        }
    };
    let label_text = html! { (field.label) span.note { (required_note(field)) } };
    html! {
        div.field.invalid[invalid] {
            @match &field.input {
                Input::One(choices) | Input::Many(choices) => {
                    @let many = matches!(field.input, Input::Many(_));
                    fieldset aria-describedby=[described.as_deref()] {
                        legend { (label_text) }
                        (hint)
                        (error)
                        @for (i, choice) in choices.iter().enumerate() {
                            @let id = format!("{}-{}", field.name, i + 1);
                            div.choice {
                                input type=(if many { "checkbox" } else { "radio" })
                                    id=(id) name=(field.name) value=(choice)
                                    checked[chosen(value, choice)];
                                label for=(id) { (choice) }
                            }
                        }
                    }
                }
                Input::Text => {
                    label for=(field.name) { (label_text) }
                    (hint)
                    (error)
                    textarea id=(field.name) name=(field.name) rows="6"
                        maxlength=(field.max_chars)
                        aria-invalid=[invalid.then_some("true")]
                        aria-describedby=[described.as_deref()] { (value) }
                }
                Input::Line | Input::Email => {
                    label for=(field.name) { (label_text) }
                    (hint)
                    (error)
                    input id=(field.name) name=(field.name)
                        type=(if field.input == Input::Email { "email" } else { "text" })
                        autocomplete=[(field.input == Input::Email).then_some("email")]
                        maxlength=(field.max_chars) value=(value)
                        aria-invalid=[invalid.then_some("true")]
                        aria-describedby=[described.as_deref()];
                }
            }
        }
    }
}

/// After a valid form: where the link went and what happens next.
pub fn sent(what: &str, contact: &str, until: DateTime<Utc>, viewer: &Viewer) -> Markup {
    layout(
        "Check the contact's e-mail",
        viewer,
        html! {
            h1 { "Check the contact's e-mail" }
            p {
                "We have e-mailed a link to confirm " (what) " to " strong { (contact) } "."
            }
            p {
                "Nothing is filed until the contact opens that link and presses "
                "\"Confirm\"; the Implementation Support Unit (ISU) then reviews it before "
                "it is published. The link works once, until "
                (crate::text::moment_in_a_sentence(until)) "."
            }
            p {
                "If the contact does not confirm in time, nothing is filed; the form is kept "
                "and can be sent again."
            }
            p { a href="/search" { "Back to the portal" } }
        },
    )
}

/// What a confirmation link will confirm, and the button that does it.
pub fn confirm_page(what: &str, title: &str, action: &str) -> Markup {
    layout(
        "Confirm a submission",
        &Viewer::nobody(),
        html! {
            h1 { "Confirm a submission" }
            p { (what) ", titled " strong { (title) } ", was sent to the Cooperation Portal with your address as its contact." }
            p {
                "If you sent it, confirm it: it then goes to the Implementation Support Unit "
                "(ISU) for review before it is published. If you did not, close this page; "
                "nothing is filed."
            }
            form method="post" action=(action) {
                button type="submit" { "Confirm" }
            }
        },
    )
}

/// After a confirmation.
pub fn confirmed(outcome: &str) -> Markup {
    layout(
        "Confirmed",
        &Viewer::nobody(),
        html! {
            h1 { "Thank you: confirmed" }
            p { (outcome) }
            p {
                "The Implementation Support Unit (ISU) reviews it before it is published or "
                "applied. You may close this page."
            }
        },
    )
}

/// On a submission's page: "Propose an update" and "Ask to renew", both confirmed by its
/// contact on file.
pub fn change_requests(s: &crate::submission::Submission, viewer: &Viewer) -> Markup {
    html! {
        @if viewer.session.is_some() && !s.contact.email.is_empty() {
            h2 { "Changes" }
            p {
                "An update or a renewal is confirmed by this submission's contact: we e-mail "
                "them a link, and the ISU reviews what they confirm."
            }
            p { a href={ "/submissions/" (s.id) "/update" } { "Propose an update" } }
            form method="post" action={ "/submissions/" (s.id) "/renew" } {
                input type="hidden" name="csrf" value=(viewer.csrf());
                button type="submit" { "Ask to renew" }
            }
        }
    }
}
