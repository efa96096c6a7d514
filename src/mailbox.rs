//! The ISU's mailbox over IMAP: `portal serve --imap-url` reads new messages from a folder,
//! imports each exactly as `portal import` imports an .eml file (review's `import_email`: raw
//! bytes committed first, Message-ID or content-hash idempotence), then moves it to the
//! imported folder, or, when it needs attention, leaves it where it is with a flag. It never
//! deletes a message, and never files one itself: what becomes of a message is review's.
//!
//! Exactly once: a message is imported before it is moved or flagged, and the store knows it
//! by its key ([`crate::review::message_key`]). If the portal stops between the two, the
//! message is read again at the next round, its import is a duplicate, and what the store
//! recorded for it decides the move or the flag.

mod connection;
mod settings;

use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;

use crate::catalogue::{Catalogue, ImportOptions};
use crate::review::{IntakeReport, Received, import_email, message_key};
use crate::store::MessageOutcome;

use connection::{Session, connect};
pub use settings::{Security, Settings, SettingsError, Wanted, parse_poll_every};

/// The keyword on a message that could not be imported cleanly (it needs attention in the
/// review queue); such a message stays in its folder and is not read again.
pub const NEEDS_ATTENTION: &str = "$PortalNeedsAttention";
/// The keyword on a message copied to the imported folder by a server without MOVE; such a
/// message is not read again.
pub const IMPORTED: &str = "$PortalImported";

/// The longest wait between two attempts after a failure.
const MAX_BACK_OFF: Duration = Duration::from_secs(300);
/// The longest one IDLE lasts (RFC 2177 asks clients to renew it within 29 minutes).
const MAX_IDLE: Duration = Duration::from_secs(29 * 60);

/// A failure to talk to the mailbox (the connection, the server's answers).
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error("cannot connect to {address}: {source}")]
    Connect {
        address: String,
        source: std::io::Error,
    },
    #[error("TLS with {host} failed: {source}")]
    Tls {
        host: String,
        source: std::io::Error,
    },
    #[error(
        "STARTTLS failed ({0}); the portal does not read mail in plain text: use imaps:// or a server with STARTTLS"
    )]
    NoStartTls(async_imap::error::Error),
    #[error("the server closed the connection before greeting")]
    NoGreeting,
    #[error("login as {user} refused: {source}")]
    Login {
        user: String,
        source: async_imap::error::Error,
    },
    #[error("{doing}: {source}")]
    Imap {
        doing: String,
        source: async_imap::error::Error,
    },
    #[error("{0} timed out")]
    Timeout(String),
    #[error("the import failed: {0}")]
    Import(String),
}

type Result<T, E = MailboxError> = std::result::Result<T, E>;

fn imap(doing: impl Into<String>) -> impl FnOnce(async_imap::error::Error) -> MailboxError {
    let doing = doing.into();
    move |source| MailboxError::Imap { doing, source }
}

/// Reads the mailbox until the task is aborted: connects, imports what is new, waits (IDLE or
/// the poll interval), and again; a failure is logged and tried again later, with a longer wait
/// each time (up to five minutes), so the server going away never stops the portal.
pub async fn run(catalogue: Arc<Catalogue>, settings: Arc<Settings>) {
    let mut back_off = Duration::from_secs(1);
    loop {
        match session(&catalogue, &settings, &mut back_off).await {
            Ok(()) => {}
            Err(error) => {
                tracing::warn!(mailbox = %settings.describe(), %error, retry_in = ?back_off,
                    "the mailbox failed; trying again later");
            }
        }
        tokio::time::sleep(back_off).await;
        back_off = (back_off * 2).min(MAX_BACK_OFF);
    }
}

/// One connection: rounds of import and waiting until something fails.
async fn session(
    catalogue: &Arc<Catalogue>,
    settings: &Settings,
    back_off: &mut Duration,
) -> Result<()> {
    let mut session = connect(settings).await?;
    let capabilities = session
        .capabilities()
        .await
        .map_err(imap("asking for the capabilities"))?;
    let idle = capabilities.has_str("IDLE");
    let moves = capabilities.has_str("MOVE");
    ensure_folder(&mut session, &settings.imported_folder).await?;
    let selected = session
        .select(&settings.folder)
        .await
        .map_err(imap(format!("opening {}", settings.folder)))?;
    let validity = selected.uid_validity.unwrap_or(0);
    tracing::info!(mailbox = %settings.describe(), idle, r#move = moves,
        messages = selected.exists, "connected to the ISU's mailbox");
    let mailbox = Mailbox {
        settings,
        moves,
        validity,
    };
    loop {
        mailbox.round(catalogue, &mut session).await?;
        // A round went through: the next failure starts waiting short again.
        *back_off = Duration::from_secs(1);
        session = if idle {
            wait_idle(session, settings.poll_every.min(MAX_IDLE)).await?
        } else {
            tokio::time::sleep(settings.poll_every).await;
            session
        };
    }
}

/// Creates the imported folder unless the server already has it.
async fn ensure_folder(session: &mut Session, folder: &str) -> Result<()> {
    let quoted = format!("\"{folder}\"");
    let found: Vec<_> = session
        .list(Some(""), Some(&quoted))
        .await
        .map_err(imap(format!("looking for the folder {folder}")))?
        .try_collect()
        .await
        .map_err(imap(format!("looking for the folder {folder}")))?;
    if found.is_empty() {
        session
            .create(folder)
            .await
            .map_err(imap(format!("creating the folder {folder}")))?;
        tracing::info!(folder, "created the folder for imported messages");
    }
    Ok(())
}

/// Waits in IDLE until the server says something changed, or `longest` passes.
async fn wait_idle(session: Session, longest: Duration) -> Result<Session> {
    let mut idle = session.idle();
    idle.init().await.map_err(imap("starting IDLE"))?;
    tracing::debug!("waiting in IDLE for new messages");
    let (waiting, _stop) = idle.wait_with_timeout(longest);
    waiting.await.map_err(imap("waiting in IDLE"))?;
    idle.done().await.map_err(imap("ending IDLE"))
}

/// The open folder and what the server can do.
struct Mailbox<'a> {
    settings: &'a Settings,
    moves: bool,
    validity: u32,
}

/// What to do with a message once the store has it.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Move,
    Flag,
}

impl Mailbox<'_> {
    /// Imports every message in the folder not yet flagged, oldest first.
    async fn round(&self, catalogue: &Arc<Catalogue>, session: &mut Session) -> Result<()> {
        let query = format!("UNDELETED UNKEYWORD {NEEDS_ATTENTION} UNKEYWORD {IMPORTED}");
        let mut uids: Vec<u32> = session
            .uid_search(&query)
            .await
            .map_err(imap("searching for new messages"))?
            .into_iter()
            .collect();
        uids.sort_unstable();
        for uid in uids {
            self.take(catalogue, session, uid).await?;
        }
        Ok(())
    }

    /// Fetches, imports, then moves or flags one message.
    async fn take(
        &self,
        catalogue: &Arc<Catalogue>,
        session: &mut Session,
        uid: u32,
    ) -> Result<()> {
        let fetching = format!("fetching message UID {uid}");
        let fetched: Vec<_> = session
            .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
            .await
            .map_err(imap(&fetching))?
            .try_collect()
            .await
            .map_err(imap(&fetching))?;
        let Some(raw) = fetched
            .iter()
            .find(|f| f.uid == Some(uid))
            .and_then(|f| f.body())
            .map(<[u8]>::to_vec)
        else {
            // Gone meanwhile (another client moved it): nothing to import.
            return Ok(());
        };
        let origin = format!(
            "imap://{}/{};UIDVALIDITY={};UID={uid}",
            self.settings.host, self.settings.folder, self.validity
        );
        let (next, line) = import(catalogue.clone(), raw, origin).await?;
        tracing::info!(uid, message = %line, "imported a message from the ISU's mailbox");
        fault_point().await;
        match next {
            Next::Move => self.put_away(session, uid).await,
            Next::Flag => {
                let flags = format!("+FLAGS ({NEEDS_ATTENTION} \\Flagged)");
                store_flags(session, uid, &flags).await?;
                tracing::warn!(
                    uid,
                    "the message needs attention: left in the mailbox, flagged"
                );
                Ok(())
            }
        }
    }

    /// Moves an imported message to the imported folder; without MOVE, copies it there and
    /// flags the original (never deleted).
    async fn put_away(&self, session: &mut Session, uid: u32) -> Result<()> {
        let folder = &self.settings.imported_folder;
        let doing = format!("moving message UID {uid} to {folder}");
        if self.moves {
            session
                .uid_mv(uid.to_string(), folder)
                .await
                .map_err(imap(doing))?;
        } else {
            session
                .uid_copy(uid.to_string(), folder)
                .await
                .map_err(imap(doing))?;
            store_flags(session, uid, &format!("+FLAGS ({IMPORTED})")).await?;
        }
        Ok(())
    }
}

async fn store_flags(session: &mut Session, uid: u32, flags: &str) -> Result<()> {
    let doing = format!("flagging message UID {uid}");
    let _: Vec<_> = session
        .uid_store(uid.to_string(), flags)
        .await
        .map_err(imap(&doing))?
        .try_collect()
        .await
        .map_err(imap(&doing))?;
    Ok(())
}

/// Imports one message on the blocking pool; says whether to move or flag it, and what became
/// of it in a line for the log.
async fn import(catalogue: Arc<Catalogue>, raw: Vec<u8>, origin: String) -> Result<(Next, String)> {
    tokio::task::spawn_blocking(move || {
        let mut report = IntakeReport::default();
        let received = import_email(
            &catalogue,
            &raw,
            &origin,
            ImportOptions::default(),
            &mut report,
        )
        .map_err(|e| MailboxError::Import(e.to_string()))?;
        let record = match received {
            Received::Filed(record) => *record,
            Received::Duplicate => {
                // Imported before (by an earlier round that stopped before the move, or
                // another way): what the store recorded then decides.
                let key = message_key(&raw);
                let snapshot = catalogue
                    .store()
                    .read()
                    .map_err(|e| MailboxError::Import(e.to_string()))?;
                let found = snapshot
                    .message_by_key(&key)
                    .map_err(|e| MailboxError::Import(e.to_string()))?;
                let Some(record) = found else {
                    return Err(MailboxError::Import(format!(
                        "{origin}: a duplicate, but no message has its key"
                    )));
                };
                let line = format!("{origin}: seen before as message {}", record.number);
                return Ok((next_for(&record.outcome), line));
            }
        };
        let line = report
            .filed
            .first()
            .cloned()
            .or_else(|| {
                report
                    .problems
                    .first()
                    .map(|(place, why)| format!("{place}: {why}"))
            })
            .unwrap_or_else(|| format!("{origin}: message {}", record.number));
        Ok((next_for(&record.outcome), line))
    })
    .await
    .map_err(|e| MailboxError::Import(e.to_string()))?
}

/// A message filed as needing attention, or whose filing never finished, is flagged; any other
/// (a submission waiting for review, an update or renewal waiting for an admin) is moved.
fn next_for(outcome: &MessageOutcome) -> Next {
    match outcome {
        MessageOutcome::NeedsAttention { .. } | MessageOutcome::Received => Next::Flag,
        _ => Next::Move,
    }
}

/// In debug builds only, `PORTAL_MAILBOX_FAULT=stop-before-move` makes the portal stop here,
/// after a message is imported and before it is moved, and wait to be killed: how
/// tests/mailbox.rs kills the portal at exactly that point.
async fn fault_point() {
    #[cfg(debug_assertions)]
    if std::env::var("PORTAL_MAILBOX_FAULT").as_deref() == Ok("stop-before-move") {
        tracing::warn!("fault point: stopping before the move, waiting to be killed");
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_needs_attention_stays_flagged() {
        let attention = MessageOutcome::NeedsAttention {
            errors: vec!["x".into()],
        };
        assert_eq!(next_for(&attention), Next::Flag);
        assert_eq!(next_for(&MessageOutcome::Received), Next::Flag);
        let imported = MessageOutcome::Imported { id: "N-1".into() };
        assert_eq!(next_for(&imported), Next::Move);
    }
}
