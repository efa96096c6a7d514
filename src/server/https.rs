//! `portal serve` with HTTPS: the web served over TLS with the certificate from files or ACME,
//! the work that keeps the certificate current, and the plain-HTTP listener that redirects.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use portal::tls::acme::Acme;

use crate::args::Prepared;

/// Binds `--http-addr`, if given, before anything else is done.
pub fn bind_redirect(http_addr: Option<&str>) -> Result<Option<std::net::TcpListener>> {
    let Some(addr) = http_addr else {
        return Ok(None);
    };
    let listener = std::net::TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on {addr} (--http-addr)"))?;
    Ok(Some(listener))
}

/// The plain-HTTP listener's redirects to `public_url`, until `stopping` turns true.
pub fn spawn_redirect(
    listener: Option<std::net::TcpListener>,
    public_url: &str,
    mut stopping: watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(listener) = listener else {
        return Ok(None);
    };
    let address = listener.local_addr()?;
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener))
        .with_context(|| format!("cannot listen on {address} (--http-addr)"))?;
    tracing::info!(%address, to = %public_url, "redirecting plain HTTP to HTTPS");
    let app = portal::web::redirect_to_https(public_url);
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    Ok(Some(tokio::spawn(portal::web::serve(
        listener,
        app,
        portal::web::HEADER_READ_TIMEOUT,
        stopped,
    ))))
}

/// Serves `app` on `listener`, over TLS unless HTTPS is off, until `shutdown`. With
/// certificate files, they are read again on SIGHUP (`hangups`) and when they change; with
/// ACME, the certificate is ordered and renewed meanwhile.
pub async fn serve_web(
    https: Prepared,
    listener: TcpListener,
    app: Router,
    data_dir: &Path,
    hangups: Option<tokio::signal::unix::Signal>,
    shutdown: impl Future<Output = ()>,
) {
    let timeout = portal::web::HEADER_READ_TIMEOUT;
    let (config, upkeep) = match https {
        Prepared::Off => return portal::web::serve(listener, app, timeout, shutdown).await,
        Prepared::Files(certificate) => {
            let config = portal::tls::server_config(certificate.clone(), false);
            let upkeep = tokio::spawn(async move {
                portal::tls::watch(certificate, hangups).await;
            });
            (config, upkeep)
        }
        Prepared::Acme(settings, client) => {
            let acme = Acme::new(settings, client, data_dir);
            let config = acme.server_config();
            (config, tokio::spawn(acme.run()))
        }
    };
    portal::web::serve_tls(listener, app, Arc::clone(&config), timeout, shutdown).await;
    upkeep.abort();
}
