//! The HTTPS flags of `portal serve`: certificate files, or certificates over ACME, and the
//! plain-HTTP listener that redirects to HTTPS.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use portal::tls::CertificateFiles;
use portal::tls::acme::{self, AcmeSettings};

/// How `portal serve` does HTTPS.
#[derive(Debug, Clone, PartialEq, Default, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TlsArgs {
    /// Serve HTTPS on --addr with this certificate chain (PEM, the server's certificate first,
    /// then its intermediates). Read again on SIGHUP and when the file changes (looked at every
    /// minute), so a renewed certificate needs no restart.
    #[arg(
        long,
        env = "PORTAL_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS #8, RSA or EC).
    #[arg(
        long,
        env = "PORTAL_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS on --addr with a certificate for this domain from an ACME CA (Let's
    /// Encrypt unless --acme-directory says otherwise), ordered and renewed by the portal and
    /// kept in the data folder's acme/. The CA checks the domain by TLS-ALPN-01, so the
    /// domain's port 443 must reach --addr. Repeat, or separate with commas, for several.
    #[arg(
        long,
        env = "PORTAL_ACME_DOMAIN",
        value_name = "DOMAIN",
        value_delimiter = ',',
        conflicts_with = "tls_cert"
    )]
    pub acme_domain: Vec<String>,
    /// A contact for the ACME account, e.g. mailto:isu@example.org (the CA writes about
    /// expiring certificates and problems). Repeat for several.
    #[arg(
        long,
        env = "PORTAL_ACME_CONTACT",
        value_name = "URL",
        value_delimiter = ','
    )]
    pub acme_contact: Vec<String>,
    /// The ACME CA's directory URL.
    #[arg(long, env = "PORTAL_ACME_DIRECTORY", value_name = "URL", default_value = acme::LETS_ENCRYPT)]
    pub acme_directory: String,
    /// For test CAs only (such as Pebble): check the ACME directory's own HTTPS against this
    /// root certificate (PEM) instead of the usual public roots.
    #[arg(long, env = "PORTAL_ACME_DIRECTORY_CA", value_name = "FILE")]
    pub acme_directory_ca: Option<PathBuf>,
    /// Also answer plain HTTP here, redirecting every request (308) to the same path on the
    /// public https:// address; 0.0.0.0:80 in production. Needs HTTPS on.
    #[arg(long, env = "PORTAL_HTTP_ADDR", value_name = "ADDR")]
    pub http_addr: Option<String>,
}

/// Where the served certificate comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Https {
    Off,
    Files(CertificateFiles),
    Acme(AcmeSettings),
}

impl TlsArgs {
    /// What the flags ask for, or which flag is missing or out of place.
    pub fn https(&self) -> Result<Https> {
        let https = match (&self.tls_cert, &self.tls_key, self.acme_domain.is_empty()) {
            (Some(cert), Some(key), true) => Https::Files(CertificateFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            (None, None, false) => Https::Acme(AcmeSettings {
                domains: self.acme_domain.clone(),
                contact: self.acme_contact.clone(),
                directory: self.acme_directory.clone(),
                directory_ca: self.acme_directory_ca.clone(),
            }),
            (None, None, true) => Https::Off,
            (Some(_), None, _) => bail!("--tls-cert needs --tls-key, the certificate's key"),
            (None, Some(_), _) => bail!("--tls-key needs --tls-cert, the certificate"),
            (Some(_), Some(_), false) => {
                bail!("--tls-cert and --acme-domain exclude each other: choose one")
            }
        };
        if https == Https::Off {
            if self.http_addr.is_some() {
                bail!("--http-addr redirects to HTTPS: it needs --tls-cert or --acme-domain");
            }
            if !self.acme_contact.is_empty() || self.acme_directory_ca.is_some() {
                bail!("--acme-contact and --acme-directory-ca need --acme-domain");
            }
        }
        Ok(https)
    }
}

impl Https {
    pub fn is_on(&self) -> bool {
        !matches!(self, Https::Off)
    }

    /// The public address when none is configured: the first ACME domain, else the address
    /// listened on.
    pub fn default_public_url(&self, addr: &str) -> String {
        match self {
            Https::Off => format!("http://{addr}"),
            Https::Files(_) => format!("https://{addr}"),
            Https::Acme(settings) => format!("https://{}", settings.domains[0]),
        }
    }

    /// Reads and checks the files now, so that a bad one stops the start before anything is
    /// bound.
    pub fn prepare(&self) -> Result<Prepared> {
        Ok(match self {
            Https::Off => Prepared::Off,
            Https::Files(files) => Prepared::Files(
                portal::tls::FileCertificate::open(files.clone())
                    .context("the certificate files cannot be used")?,
            ),
            Https::Acme(settings) => Prepared::Acme(
                settings.clone(),
                settings
                    .check()
                    .context("the ACME settings cannot be used")?,
            ),
        })
    }
}

/// HTTPS as checked at the start.
pub enum Prepared {
    Off,
    Files(std::sync::Arc<portal::tls::FileCertificate>),
    Acme(AcmeSettings, std::sync::Arc<rustls::ClientConfig>),
}
