//! Certificates from an ACME CA (RFC 8555; Let's Encrypt by default), by `rustls-acme`: the
//! account key and the certificate are kept in the data folder's `acme/` (files 0600, under
//! the process's umask) and reused on restart; a certificate is ordered when there is none and
//! renewed while the portal serves, once a third of its lifetime remains. The CA validates the
//! domain by TLS-ALPN-01 on the HTTPS listener itself, so that listener must be what the
//! domain's port 443 reaches.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use rustls::server::ResolvesServerCert;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, AcmeState, EventOk};

use super::TlsError;

/// Let's Encrypt's production directory, the default of `--acme-directory`.
pub const LETS_ENCRYPT: &str = rustls_acme::acme::LETS_ENCRYPT_PRODUCTION_DIRECTORY;

/// The folder of the data folder where the account key and certificates are kept.
pub const FOLDER: &str = "acme";

/// What the portal asks of the CA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcmeSettings {
    /// The domains on the certificate, the first one also its public address.
    pub domains: Vec<String>,
    /// Contact URLs for the account, e.g. `mailto:isu@example.org`.
    pub contact: Vec<String>,
    /// The CA's directory URL.
    pub directory: String,
    /// The root that the directory's own HTTPS is checked against, instead of the usual
    /// public roots: for test CAs such as Pebble.
    pub directory_ca: Option<PathBuf>,
}

/// A setting that cannot be used, said with the flag it came from.
#[derive(Debug, thiserror::Error)]
pub enum AcmeError {
    #[error("--acme-domain {0:?} is not a domain name: write e.g. portal.example.org")]
    Domain(String),
    #[error("--acme-contact {0:?} is not a contact URL: write e.g. mailto:isu@example.org")]
    Contact(String),
    #[error("--acme-directory {0:?} is not an https:// URL")]
    Directory(String),
    #[error("--acme-directory-ca {0}")]
    DirectoryCa(TlsError),
    #[error("--acme-directory-ca {}: no certificate in it can be used as a root ({what})", path.display())]
    Root { path: PathBuf, what: String },
}

impl AcmeSettings {
    /// Checks the settings and reads the directory's CA, before anything is bound.
    pub fn check(&self) -> Result<Arc<ClientConfig>, AcmeError> {
        for domain in &self.domains {
            let plausible = !domain.is_empty()
                && domain.len() <= 253
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                });
            if !plausible {
                return Err(AcmeError::Domain(domain.clone()));
            }
        }
        for contact in &self.contact {
            if !contact.starts_with("mailto:") || !contact.contains('@') {
                return Err(AcmeError::Contact(contact.clone()));
            }
        }
        if !self.directory.starts_with("https://") {
            return Err(AcmeError::Directory(self.directory.clone()));
        }
        let mut roots = RootCertStore::empty();
        match &self.directory_ca {
            Some(path) => {
                let certificates =
                    super::read_certificates(path).map_err(AcmeError::DirectoryCa)?;
                let (added, _ignored) = roots.add_parsable_certificates(certificates);
                if added == 0 {
                    return Err(AcmeError::Root {
                        path: path.clone(),
                        what: "none could be parsed".into(),
                    });
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        let client = ClientConfig::builder_with_provider(super::provider())
            .with_safe_default_protocol_versions()
            // The ring provider supports the default versions; this cannot fail.
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(client))
    }
}

/// The certificate kept up to date, and the work that does it.
pub struct Acme {
    state: AcmeState<std::io::Error, std::io::Error>,
    settings: AcmeSettings,
}

impl Acme {
    /// Prepares the ACME client; nothing is asked of the CA until [`Acme::run`].
    pub fn new(settings: AcmeSettings, client: Arc<ClientConfig>, data_dir: &Path) -> Acme {
        let state = AcmeConfig::new_with_client_config(&settings.domains, client)
            .contact(&settings.contact)
            .directory(&settings.directory)
            .cache(DirCache::new(data_dir.join(FOLDER)))
            .state();
        Acme { state, settings }
    }

    /// The listener's configuration: the certificate as it is now, or the TLS-ALPN-01
    /// challenge certificate for the CA's validation.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        let resolver: Arc<dyn ResolvesServerCert> = self.state.resolver();
        super::server_config(resolver, true)
    }

    /// Loads the kept certificate, orders one when there is none, renews it in time; forever,
    /// logging what happens. Failures are retried after a growing wait (at most about an hour).
    pub async fn run(mut self) {
        let domains = self.settings.domains.join(",");
        let directory = self.settings.directory.clone();
        while let Some(event) = self.state.next().await {
            match event {
                Ok(EventOk::DeployedCachedCert) => {
                    tracing::info!(%domains, "serving the certificate kept from the last order")
                }
                Ok(EventOk::DeployedNewCert) => {
                    tracing::info!(%domains, %directory, "serving a new certificate from the ACME CA")
                }
                Ok(EventOk::CertCacheStore) => tracing::debug!("certificate kept for restarts"),
                Ok(EventOk::AccountCacheStore) => tracing::debug!("ACME account key kept"),
                Err(error) => {
                    tracing::error!(%domains, %directory, %error, "ACME: no certificate this time; trying again later")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AcmeSettings {
        AcmeSettings {
            domains: vec!["portal.example.org".into()],
            contact: vec!["mailto:isu@example.org".into()],
            directory: LETS_ENCRYPT.into(),
            directory_ca: None,
        }
    }

    fn refused(change: impl FnOnce(&mut AcmeSettings)) -> String {
        let mut settings = settings();
        change(&mut settings);
        settings.check().map(|_| ()).unwrap_err().to_string()
    }

    #[test]
    fn settings_that_cannot_work_are_refused_by_flag() {
        assert!(settings().check().is_ok());
        assert!(
            refused(|s| s.domains = vec!["https://portal.org".into()]).contains("--acme-domain")
        );
        assert!(refused(|s| s.contact = vec!["isu@example.org".into()]).contains("mailto:"));
        assert!(refused(|s| s.directory = "http://ca.test/dir".into()).contains("https://"));
        assert!(
            refused(|s| s.directory_ca = Some("/nonexistent/ca.pem".into()))
                .contains("--acme-directory-ca /nonexistent/ca.pem: cannot read it")
        );
    }
}
