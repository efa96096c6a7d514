//! `portal serve`'s flags for the ISU's mailbox (`--imap-url` and the rest).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The ISU's mailbox, read over IMAP (`serve`).
#[derive(Debug, Clone, PartialEq, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MailboxArgs {
    /// Import the e-mails that arrive in this mailbox: imaps://USER@HOST[:PORT]/FOLDER (TLS),
    /// or imap://USER@HOST[:PORT]/FOLDER (STARTTLS, which the server must offer; mail is never
    /// read in plain text). FOLDER defaults to INBOX. An imported message is moved to
    /// --imap-folder-imported; one that needs attention stays, flagged. None is deleted.
    #[arg(long, env = "PORTAL_IMAP_URL", value_name = "URL")]
    pub imap_url: Option<String>,
    /// A file holding the mailbox's password (one line); or set PORTAL_IMAP_PASSWORD.
    #[arg(
        long,
        env = "PORTAL_IMAP_PASSWORD_FILE",
        value_name = "FILE",
        requires = "imap_url"
    )]
    pub imap_password_file: Option<PathBuf>,
    /// The folder imported messages are moved to (created if missing).
    #[arg(long, env = "PORTAL_IMAP_FOLDER_IMPORTED", default_value = "Imported")]
    pub imap_folder_imported: String,
    /// How often to look for new messages when the server has no IDLE (with IDLE, new
    /// messages are imported as they arrive, and the portal looks anyway this often).
    #[arg(long, env = "PORTAL_IMAP_POLL_EVERY", value_name = "DURATION", default_value = "60s", value_parser = portal::mailbox::parse_poll_every)]
    pub imap_poll_every: Duration,
    /// Trust only the CA certificates in this PEM file for the mailbox's server (a private
    /// CA); by default the usual public roots.
    #[arg(
        long,
        env = "PORTAL_IMAP_CA_FILE",
        value_name = "PEM",
        requires = "imap_url"
    )]
    pub imap_ca_file: Option<PathBuf>,
}

impl MailboxArgs {
    /// The checked settings, if a mailbox is given; a bad value is refused naming its flag.
    pub fn settings(&self) -> anyhow::Result<Option<portal::mailbox::Settings>> {
        let Some(url) = &self.imap_url else {
            return Ok(None);
        };
        let wanted = portal::mailbox::Wanted {
            url: url.clone(),
            password_file: self.imap_password_file.clone(),
            password_env: std::env::var("PORTAL_IMAP_PASSWORD").ok(),
            imported_folder: self.imap_folder_imported.clone(),
            poll_every: self.imap_poll_every,
            ca_file: self.imap_ca_file.clone(),
        };
        Ok(Some(wanted.check()?))
    }
}
