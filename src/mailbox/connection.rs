//! A logged-in IMAP session over TLS: `imaps://` (TLS from the first byte) or `imap://`
//! (STARTTLS, which the server must offer). Knows nothing of messages or the catalogue.

use std::time::Duration;

use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::settings::{Security, Settings};
use super::{MailboxError, Result};

/// A logged-in session.
pub type Session = async_imap::Session<TlsStream<TcpStream>>;

/// How long connecting, TLS, the greeting and login may take together.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects, secures the connection and logs in.
pub async fn connect(settings: &Settings) -> Result<Session> {
    tokio::time::timeout(CONNECT_TIMEOUT, connect_now(settings))
        .await
        .map_err(|_| MailboxError::Timeout(format!("connecting to {}", settings.describe())))?
}

async fn connect_now(settings: &Settings) -> Result<Session> {
    let address = format!("{}:{}", settings.host, settings.port);
    let tcp = TcpStream::connect((settings.host.as_str(), settings.port))
        .await
        .map_err(|source| MailboxError::Connect {
            address: address.clone(),
            source,
        })?;
    let tcp = match settings.security {
        Security::Tls => tcp,
        Security::StartTls => {
            let mut plain = async_imap::Client::new(tcp);
            greeting(&mut plain).await?;
            // The server must say OK to STARTTLS; a NO or BAD (no STARTTLS) ends here, before
            // the password is sent.
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(MailboxError::NoStartTls)?;
            plain.into_inner()
        }
    };
    let tls = TlsConnector::from(settings.tls.clone())
        .connect(settings.server_name.clone(), tcp)
        .await
        .map_err(|source| MailboxError::Tls {
            host: settings.host.clone(),
            source,
        })?;
    let mut client = async_imap::Client::new(tls);
    if settings.security == Security::Tls {
        // After STARTTLS there is no second greeting.
        greeting(&mut client).await?;
    }
    client
        .login(&settings.user, &settings.password)
        .await
        .map_err(|(source, _)| MailboxError::Login {
            user: settings.user.clone(),
            source,
        })
}

async fn greeting<T>(client: &mut async_imap::Client<T>) -> Result<()>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(MailboxError::NoGreeting),
        Err(source) => Err(MailboxError::Imap {
            doing: "reading the greeting".into(),
            source: source.into(),
        }),
    }
}
