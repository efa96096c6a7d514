//! Intake: what arrives from outside — e-mailed templates, mailboxes, IATI activity files —
//! turned into submissions. Parsing only: nothing here touches the store; the catalogue stores
//! every raw message before it is parsed.
//!
//! The public API, all of it:
//!
//! - [`template`]: [`parse_template`](template::parse_template) (text → a validated submission
//!   or line-specific [`TemplateError`](template::TemplateError)s),
//!   [`looks_like_template`](template::looks_like_template),
//!   [`extract_form`](template::extract_form), and its inverse
//!   [`to_template_text`](template::to_template_text) / [`to_form_values`](template::to_form_values);
//!   [`template::fields`], the fields described for a form on a page (one list for the
//!   template and the form) and [`form_text`](template::fields::form_text), posted values as
//!   template text.
//! - [`email`]: [`parse_message`](email::parse_message) (raw bytes →
//!   [`Message`](email::Message) with its texts and `Update:`/`Renew:`
//!   [`Reference`](email::Reference)), [`find_reference`](email::find_reference),
//!   [`content_key`](email::content_key); mailboxes: [`is_mbox`](email::is_mbox),
//!   [`split_mbox`](email::split_mbox), [`maildir_files`](email::maildir_files).
//! - [`iati`]: [`parse_file`](iati::parse_file) (bytes → [`Activity`](iati::Activity) or
//!   [`ActivityProblem`](iati::ActivityProblem) per activity),
//!   [`looks_like_iati`](iati::looks_like_iati),
//!   [`MAX_ATTRIBUTES_PER_ELEMENT`](iati::MAX_ATTRIBUTES_PER_ELEMENT).
//!
//! Everything else is `pub(crate)` or narrower.

/// E-mail messages: .eml files, mbox files, maildir folders; MIME, charsets, quoting.
pub mod email;
/// IATI activity XML (1.0x and 2.0x) as project submissions.
pub mod iati;
/// The e-mailed plain-text template: labels, values, line-specific errors; and its writer.
pub mod template;
