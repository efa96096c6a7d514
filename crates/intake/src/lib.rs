//! Intake: what arrives from outside — e-mailed templates, mailboxes, IATI activity files —
//! turned into submissions. Parsing only: nothing here touches the store; the catalogue stores
//! every raw message before it is parsed.

/// E-mail messages: .eml files, mbox files, maildir folders; MIME, charsets, quoting.
pub mod email;
/// IATI activity XML (1.0x and 2.0x) as project submissions.
pub mod iati;
/// The e-mailed plain-text template: labels, values, line-specific errors.
pub mod template;
