//! Serving the router on a TCP listener: one HTTP/1.1 connection per task, with a time-out on
//! reading a request's head and a graceful stop.
//!
//! `axum::serve` sets no timer on hyper, so a client that sends its headers a byte at a time
//! (slowloris) would hold a connection, and a task, for as long as it likes: the request
//! time-out (`Config::request_timeout`) only starts once the head has arrived. Here hyper gets
//! Tokio's timer and `header_read_timeout`, and each request carries the peer's address as
//! `ConnectInfo`, as `into_make_service_with_connect_info` would give it.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// How long a client may take to send a request's line and headers (from the moment the
/// connection waits for them) before the connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long to wait before accepting again after the listener failed (out of file
/// descriptors, say), so a full table does not turn into a busy loop.
const ACCEPT_RETRY: Duration = Duration::from_millis(250);

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in progress finish, closes idle connections, and returns once every connection is
/// closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    // `stop` tells the connections to finish; each holds a `closed` receiver, so the sender
    // sees when the last one has gone.
    let (stop, stopping) = watch::channel(false);
    let (all_closed, closed) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        // Pages are written in one piece; there is nothing to gain from Nagle's delay.
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = Connection {
            stream,
            peer,
            stopping: stopping.clone(),
            closed: closed.clone(),
        };
        tokio::spawn(connection.run(TowerToHyperService::new(service), header_read_timeout));
    }
    drop(listener);
    let _ = stop.send(true);
    drop(closed);
    all_closed.closed().await;
}

/// One accepted connection and what it needs to stop.
struct Connection {
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    stopping: watch::Receiver<bool>,
    /// Dropped when the connection ends.
    closed: watch::Receiver<()>,
}

impl Connection {
    async fn run<S>(mut self, service: S, header_read_timeout: Duration)
    where
        S: hyper::service::Service<Request<Incoming>, Response = axum::response::Response> + Send,
        S::Future: Send + 'static,
        S::Error: std::error::Error + Send + Sync + 'static,
    {
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
        let mut served = pin!(builder.serve_connection(TokioIo::new(self.stream), service));
        let mut asked_to_stop = false;
        loop {
            tokio::select! {
                outcome = served.as_mut() => {
                    if let Err(error) = outcome {
                        tracing::debug!(peer = %self.peer, %error, "connection ended with an error");
                    }
                    break;
                }
                changed = self.stopping.changed(), if !asked_to_stop => {
                    asked_to_stop = true;
                    if changed.is_ok() {
                        served.as_mut().graceful_shutdown();
                    }
                }
            }
        }
        drop(self.closed);
    }
}
