//! Where the ISU's mailbox is and how the portal reaches it: the URL, the password, the folder
//! imported messages go to, how often to look, and which certificates to trust. Every value is
//! checked here, at start, and a bad one is refused naming its flag.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, RootCertStore};

/// How the connection is made secure: there is no plain-text IMAP, on any host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `imaps://`: TLS from the first byte (port 993 by default).
    Tls,
    /// `imap://`: STARTTLS, required: a server that does not offer it is refused (port 143 by
    /// default).
    StartTls,
}

/// Everything the mailbox loop needs, checked.
#[derive(Clone)]
pub struct Settings {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The folder new messages arrive in (from the URL's path; `INBOX` without one).
    pub folder: String,
    /// The folder imported messages are moved to (created if missing).
    pub imported_folder: String,
    /// How often to look for new messages when the server has no IDLE, and how long one IDLE
    /// lasts at most before the portal looks anyway.
    pub poll_every: Duration,
    pub tls: Arc<ClientConfig>,
    pub server_name: ServerName<'static>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password.
        f.write_str(&self.describe())
    }
}

impl Settings {
    /// The mailbox as the log names it: `imaps://user@host:993/INBOX`, without the password.
    pub fn describe(&self) -> String {
        let scheme = match self.security {
            Security::Tls => "imaps",
            Security::StartTls => "imap",
        };
        format!(
            "{scheme}://{}@{}:{}/{}",
            self.user, self.host, self.port, self.folder
        )
    }
}

/// What `portal serve` was given for the mailbox, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub url: String,
    /// The password from a file (`--imap-password-file`)...
    pub password_file: Option<PathBuf>,
    /// ...or from the environment (`PORTAL_IMAP_PASSWORD`).
    pub password_env: Option<String>,
    pub imported_folder: String,
    pub poll_every: Duration,
    pub ca_file: Option<PathBuf>,
}

/// What is wrong with a mailbox setting, naming the flag.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "--imap-url: {0}; write e.g. imaps://isu@mail.example.org/INBOX (TLS) or imap://isu@mail.example.org/INBOX (STARTTLS)"
    )]
    Url(String),
    #[error(
        "the mailbox's password is missing: give --imap-password-file FILE or set PORTAL_IMAP_PASSWORD"
    )]
    NoPassword,
    #[error("--imap-password-file {}: {why}", path.display())]
    PasswordFile { path: PathBuf, why: String },
    #[error("--imap-folder-imported: {0}")]
    ImportedFolder(String),
    #[error("--imap-ca-file: {0}")]
    Ca(String),
}

impl Wanted {
    /// Checks every value and reads the password and CA files.
    pub fn check(&self) -> Result<Settings, SettingsError> {
        let url = url::Url::parse(self.url.trim())
            .map_err(|e| SettingsError::Url(format!("{:?} is not a URL ({e})", self.url)))?;
        let (security, default_port) = match url.scheme() {
            "imaps" => (Security::Tls, 993),
            "imap" => (Security::StartTls, 143),
            other => {
                return Err(SettingsError::Url(format!(
                    "the scheme {other:?} is not imaps or imap"
                )));
            }
        };
        let host = match url.host() {
            Some(url::Host::Domain(name)) => name.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(SettingsError::Url("no host".into())),
        };
        let user = decode(url.username());
        if user.is_empty() {
            return Err(SettingsError::Url(
                "no user: write it before the host, user@host".into(),
            ));
        }
        if url.password().is_some() {
            return Err(SettingsError::Url(
                "a password in the URL would show in the process list: use --imap-password-file or PORTAL_IMAP_PASSWORD".into(),
            ));
        }
        let path = decode(url.path().trim_start_matches('/'));
        let folder = if path.is_empty() {
            "INBOX".to_string()
        } else {
            path
        };
        check_folder(&folder).map_err(|why| SettingsError::Url(format!("folder: {why}")))?;
        check_folder(&self.imported_folder).map_err(SettingsError::ImportedFolder)?;
        if folder == self.imported_folder {
            return Err(SettingsError::ImportedFolder(format!(
                "{folder:?} is the folder new messages are read from; name another"
            )));
        }
        let password = self.password()?;
        let server_name = ServerName::try_from(host.clone())
            .map_err(|e| SettingsError::Url(format!("{host:?} is not a host name ({e})")))?;
        Ok(Settings {
            security,
            port: url.port().unwrap_or(default_port),
            host,
            user,
            password,
            folder,
            imported_folder: self.imported_folder.clone(),
            poll_every: self.poll_every,
            tls: client_config(self.ca_file.as_deref())?,
            server_name,
        })
    }

    fn password(&self) -> Result<String, SettingsError> {
        let password = match (&self.password_file, &self.password_env) {
            (Some(path), _) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| SettingsError::PasswordFile {
                        path: path.clone(),
                        why: format!("cannot read it: {e}"),
                    })?;
                // One line; the line end an editor adds is not part of the password.
                let password = text.trim_end_matches(['\r', '\n']).to_string();
                if password.is_empty() {
                    return Err(SettingsError::PasswordFile {
                        path: path.clone(),
                        why: "it is empty".into(),
                    });
                }
                password
            }
            (None, Some(password)) if !password.is_empty() => password.clone(),
            _ => return Err(SettingsError::NoPassword),
        };
        Ok(password)
    }
}

/// Percent-decoding of a URL's user and path (`isu%40example.org` is `isu@example.org`).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A folder name the portal can send as it is: printable ASCII (other names need IMAP's
/// modified UTF-7, which the portal does not write).
fn check_folder(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty".into());
    }
    if !name.chars().all(|c| c.is_ascii_graphic() || c == ' ') || name.contains(['"', '\\']) {
        return Err(format!(
            "{name:?}: write a name of printable ASCII letters, digits and punctuation (no quotes)"
        ));
    }
    Ok(())
}

/// The TLS client: the CA in `ca_file` alone, or the public web roots.
fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, SettingsError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certificates = crate::tls::read_certificates(path)
                .map_err(|e| SettingsError::Ca(e.to_string()))?;
            let (added, _ignored) = roots.add_parsable_certificates(certificates);
            if added == 0 {
                return Err(SettingsError::Ca(format!(
                    "{}: no certificate in it could be parsed",
                    path.display()
                )));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let client = ClientConfig::builder_with_provider(crate::tls::provider())
        .with_safe_default_protocol_versions()
        // The ring provider supports the default versions; this cannot fail.
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(client))
}

/// `--imap-poll-every`: a duration of at least a second, e.g. 60s, 5m.
pub fn parse_poll_every(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text.trim())
        .map_err(|error| format!("{text:?} is not a duration ({error}); write e.g. 60s or 5m"))?;
    if every < Duration::from_secs(1) {
        return Err(format!(
            "{text:?} is too short: at least a second, e.g. 60s or 5m"
        ));
    }
    Ok(every)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(url: &str) -> Wanted {
        Wanted {
            url: url.into(),
            password_env: Some("secret".into()),
            imported_folder: "Imported".into(),
            poll_every: Duration::from_secs(60),
            ..Wanted::default()
        }
    }

    fn error(url: &str) -> String {
        wanted(url).check().unwrap_err().to_string()
    }

    #[test]
    fn a_url_gives_security_host_port_user_and_folder() {
        let settings = wanted("imaps://isu%40example.org@mail.example.org/INBOX")
            .check()
            .unwrap();
        assert_eq!(settings.security, Security::Tls);
        assert_eq!(settings.port, 993);
        assert_eq!(settings.user, "isu@example.org");
        assert_eq!(settings.folder, "INBOX");
        let settings = wanted("imap://isu@127.0.0.1:1143").check().unwrap();
        assert_eq!(settings.security, Security::StartTls);
        assert_eq!(settings.port, 1143);
        assert_eq!(settings.folder, "INBOX");
        assert!(!format!("{settings:?}").contains("secret"));
    }

    #[test]
    fn bad_urls_are_refused_naming_the_flag_and_the_fault() {
        assert!(error("http://isu@host/INBOX").contains("--imap-url: the scheme \"http\""));
        assert!(error("imaps://host/INBOX").contains("no user"));
        assert!(error("imaps://isu:pw@host/INBOX").contains("password in the URL"));
        assert!(error("imaps://isu@host/Imported").contains("--imap-folder-imported"));
        assert!(error("imaps://isu@host/Boîte").contains("ASCII"));
    }

    #[test]
    fn a_password_is_required() {
        let mut wanted = wanted("imaps://isu@host/INBOX");
        wanted.password_env = None;
        assert!(
            wanted
                .check()
                .unwrap_err()
                .to_string()
                .contains("PORTAL_IMAP_PASSWORD")
        );
        wanted.password_file = Some("/nonexistent/password".into());
        assert!(
            wanted
                .check()
                .unwrap_err()
                .to_string()
                .contains("--imap-password-file /nonexistent/password: cannot read it")
        );
    }

    #[test]
    fn poll_intervals_are_durations_of_a_second_or_more() {
        assert_eq!(parse_poll_every("2s"), Ok(Duration::from_secs(2)));
        assert!(parse_poll_every("10ms").unwrap_err().contains("too short"));
        assert!(parse_poll_every("often").unwrap_err().contains("60s"));
    }
}
