//! HTTPS: the certificate the portal serves and the rustls configuration its listener uses.
//! A certificate comes from PEM files (`CertificateFiles`, reloaded on SIGHUP and when the
//! files change) or from an ACME CA (`acme`). Knows nothing of HTTP, pages or the catalogue.

pub mod acme;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// The ALPN name of TLS-ALPN-01 validation (RFC 8737): a connection that negotiates it is a CA
/// checking the challenge certificate, and ends after the handshake.
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// What is wrong with a certificate, a key or a CA file, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{}: cannot read it: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {what}", path.display())]
    Unusable { path: PathBuf, what: String },
    #[error(
        "{} and {}: the private key does not belong to the certificate (the first in the file)",
        cert.display(),
        key.display()
    )]
    Mismatch { cert: PathBuf, key: PathBuf },
}

/// The crypto the portal's TLS uses (ring, already used for outgoing mail).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The listener's configuration: TLS 1.2 and 1.3, HTTP/1.1, the certificate from `resolver`;
/// with `acme`, TLS-ALPN-01 validation connections are accepted too.
pub fn server_config(resolver: Arc<dyn ResolvesServerCert>, acme: bool) -> Arc<ServerConfig> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        // The ring provider supports the default versions; this cannot fail.
        .expect("ring supports TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    if acme {
        config.alpn_protocols.push(ACME_TLS_ALPN.to_vec());
    }
    Arc::new(config)
}

/// The certificates in a PEM file (at least one), naming the file when there are none.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read(path)?;
    let unusable = |what: String| TlsError::Unusable {
        path: path.to_path_buf(),
        what,
    };
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| unusable(format!("not a PEM certificate file ({error})")))?;
    if chain.is_empty() {
        return Err(unusable(
            "no certificate in it: expected PEM blocks \"-----BEGIN CERTIFICATE-----\"".into(),
        ));
    }
    Ok(chain)
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A certificate chain and its private key in PEM files (`--tls-cert`, `--tls-key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl CertificateFiles {
    /// Reads and checks both files: a chain, a key of a kind rustls signs with, and the key
    /// belonging to the chain's first certificate.
    pub fn load(&self) -> Result<Arc<CertifiedKey>, TlsError> {
        let chain = read_certificates(&self.cert)?;
        let bytes = read(&self.key)?;
        let unusable = |what: String| TlsError::Unusable {
            path: self.key.clone(),
            what,
        };
        let key = PrivateKeyDer::from_pem_slice(&bytes).map_err(|error| match error {
            pem::Error::NoItemsFound => unusable(
                "no private key in it: expected a PEM block \"-----BEGIN PRIVATE KEY-----\" \
                 (or RSA PRIVATE KEY, EC PRIVATE KEY)"
                    .into(),
            ),
            other => unusable(format!("not a PEM private key file ({other})")),
        })?;
        let signing = provider()
            .key_provider
            .load_private_key(key)
            .map_err(|error| unusable(format!("the key cannot be used ({error})")))?;
        let certified = CertifiedKey::new(chain, signing);
        match certified.keys_match() {
            Ok(()) => Ok(Arc::new(certified)),
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                Ok(Arc::new(certified))
            }
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
                Err(TlsError::Mismatch {
                    cert: self.cert.clone(),
                    key: self.key.clone(),
                })
            }
            Err(other) => Err(TlsError::Unusable {
                path: self.cert.clone(),
                what: format!("the first certificate cannot be read ({other})"),
            }),
        }
    }

    /// When the files were last changed, and their sizes: a change of either means new files.
    fn stamp(&self) -> Stamp {
        let of = |path: &Path| {
            std::fs::metadata(path)
                .ok()
                .map(|m| (m.modified().ok(), m.len()))
        };
        Stamp(of(&self.cert), of(&self.key))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp(
    Option<(Option<SystemTime>, u64)>,
    Option<(Option<SystemTime>, u64)>,
);

/// The certificate from files, swapped for new files without a restart: on
/// [`reload`](FileCertificate::reload) (SIGHUP) or when [`watch`] sees the files change. New
/// files that cannot be used leave the served certificate as it was.
pub struct FileCertificate {
    files: CertificateFiles,
    current: RwLock<(Arc<CertifiedKey>, Stamp)>,
}

impl fmt::Debug for FileCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileCertificate")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

/// Whether a reload found new files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reloaded {
    Swapped,
    Unchanged,
}

impl FileCertificate {
    /// Loads the files, or says what is wrong with them.
    pub fn open(files: CertificateFiles) -> Result<Arc<FileCertificate>, TlsError> {
        let stamp = files.stamp();
        let key = files.load()?;
        Ok(Arc::new(FileCertificate {
            files,
            current: RwLock::new((key, stamp)),
        }))
    }

    pub fn files(&self) -> &CertificateFiles {
        &self.files
    }

    /// Reads the files again and serves them from the next handshake on; on an error the
    /// certificate served stays as it was.
    pub fn reload(&self) -> Result<Reloaded, TlsError> {
        let stamp = self.files.stamp();
        let key = self.files.load()?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = (key, stamp);
        Ok(Reloaded::Swapped)
    }

    /// Reloads if the files' times or sizes changed since the last load.
    pub fn reload_if_changed(&self) -> Result<Reloaded, TlsError> {
        let loaded = self.current.read().unwrap_or_else(|e| e.into_inner()).1;
        if self.files.stamp() == loaded {
            return Ok(Reloaded::Unchanged);
        }
        let outcome = self.reload();
        if outcome.is_err() {
            // Remember the bad files, so that they are reported once, not every minute.
            self.current.write().unwrap_or_else(|e| e.into_inner()).1 = self.files.stamp();
        }
        outcome
    }
}

impl ResolvesServerCert for FileCertificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .0
                .clone(),
        )
    }
}

/// How often [`watch`] looks at the files' modification times.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(60);

/// Reloads `certificate` on every SIGHUP (when `hangups` is given) and whenever its files
/// change, for as long as it runs; logs each swap, and each failure naming the file.
pub async fn watch(
    certificate: Arc<FileCertificate>,
    mut hangups: Option<tokio::signal::unix::Signal>,
) -> ! {
    let mut ticks = tokio::time::interval(WATCH_INTERVAL);
    ticks.tick().await;
    loop {
        let hangup = async {
            // A signal stream that has ended (no more signals can come) waits forever too.
            if let Some(signal) = &mut hangups
                && signal.recv().await.is_some()
            {
                return;
            }
            std::future::pending::<()>().await
        };
        let outcome = tokio::select! {
            _ = hangup => {
                tracing::info!("SIGHUP: reading the certificate files again");
                certificate.reload()
            }
            _ = ticks.tick() => certificate.reload_if_changed(),
        };
        let files = certificate.files();
        match outcome {
            Ok(Reloaded::Swapped) => tracing::info!(
                cert = %files.cert.display(),
                key = %files.key.display(),
                "serving the certificate from the files as they are now"
            ),
            Ok(Reloaded::Unchanged) => {}
            Err(error) => tracing::error!(
                error = %error,
                "the new certificate files cannot be used; still serving the previous certificate"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path, cert: &str, key: &str) -> CertificateFiles {
        let files = CertificateFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        std::fs::write(&files.cert, cert).unwrap();
        std::fs::write(&files.key, key).unwrap();
        files
    }

    fn made(name: &str) -> (String, String) {
        let made = rcgen::generate_simple_self_signed(vec![name.to_string()]).unwrap();
        (made.cert.pem(), made.key_pair.serialize_pem())
    }

    fn error(files: &CertificateFiles) -> String {
        files.load().map(|_| ()).unwrap_err().to_string()
    }

    #[test]
    fn a_certificate_and_its_key_load() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = made("portal.test");
        assert!(files(dir.path(), &cert, &key).load().is_ok());
    }

    #[test]
    fn what_is_wrong_with_the_files_is_said_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = made("portal.test");
        let (_, other_key) = made("other.test");
        let wrong = files(dir.path(), &key, &key);
        assert!(error(&wrong).contains("cert.pem: no certificate in it"));
        let wrong = files(dir.path(), &cert, &cert);
        assert!(error(&wrong).contains("key.pem: no private key in it"));
        let wrong = files(dir.path(), &cert, &other_key);
        assert!(error(&wrong).contains("the private key does not belong to the certificate"));
        let missing = CertificateFiles {
            cert: dir.path().join("none.pem"),
            key: dir.path().join("key.pem"),
        };
        assert!(error(&missing).contains("none.pem: cannot read it"));
    }

    #[test]
    fn bad_new_files_keep_the_certificate_served() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = made("portal.test");
        let served = FileCertificate::open(files(dir.path(), &cert, &key)).unwrap();
        let before = served.current.read().unwrap().0.cert[0].clone();
        std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
        assert!(served.reload().is_err());
        assert_eq!(served.current.read().unwrap().0.cert[0], before);
        let (cert, key) = made("portal.test");
        files(dir.path(), &cert, &key);
        assert_eq!(served.reload().unwrap(), Reloaded::Swapped);
        assert_ne!(served.current.read().unwrap().0.cert[0], before);
    }

    #[test]
    fn files_are_read_again_only_when_they_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = made("portal.test");
        let served = FileCertificate::open(files(dir.path(), &cert, &key)).unwrap();
        assert_eq!(served.reload_if_changed().unwrap(), Reloaded::Unchanged);
        // A new certificate for a longer name: another size, whatever the clock's resolution.
        let (cert, key) = made("a-longer-name.portal.test");
        files(dir.path(), &cert, &key);
        assert_eq!(served.reload_if_changed().unwrap(), Reloaded::Swapped);
        assert_eq!(served.reload_if_changed().unwrap(), Reloaded::Unchanged);
        // Bad files are reported once, then left alone until they change again.
        std::fs::write(dir.path().join("key.pem"), "no key\n").unwrap();
        assert!(served.reload_if_changed().is_err());
        assert_eq!(served.reload_if_changed().unwrap(), Reloaded::Unchanged);
    }
}
