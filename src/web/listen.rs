//! Serving the router on a TCP listener: one HTTP/1.1 connection per task, with a time-out on
//! reading a request's head and a graceful stop.
//!
//! `axum::serve` sets no timer on hyper, so a client that sends its headers a byte at a time
//! (slowloris) would hold a connection, and a task, for as long as it likes: the request
//! time-out (`Config::request_timeout`) only starts once the head has arrived. Here hyper gets
//! Tokio's timer and `header_read_timeout`, and each request carries the peer's address as
//! `ConnectInfo`, as `into_make_service_with_connect_info` would give it.
//!
//! A client that stops reading a response (a large export, say) would likewise hold its
//! connection forever: a write that makes no progress for [`WRITE_STALL`] ends the connection.
//!
//! With TLS (`serve_tls`), each connection's task does the handshake first, within
//! [`TLS_HANDSHAKE_TIMEOUT`], over the same write guard; the header-read time-out and the
//! graceful stop then work as for plain HTTP. A handshake that negotiates `acme-tls/1` is an
//! ACME CA validating a TLS-ALPN-01 challenge: it ends there.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

mod canned;
mod linger;

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use axum::response::Response;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use canned::{InFlight, OwnHeaders};
use linger::Lingering;

/// How long a client may take to send a request's line and headers (from the moment the
/// connection waits for them) before the connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a response may make no progress towards a client that does not read it before the
/// connection is closed.
pub const WRITE_STALL: Duration = Duration::from_secs(30);

/// How long a client may take over the TLS handshake before the connection is closed.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The ALPN name of TLS-ALPN-01 validation (RFC 8737).
const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

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
    serve_with(listener, app, None, header_read_timeout, shutdown).await
}

/// As [`serve`], over TLS with `tls`'s certificate (HTTPS).
pub async fn serve_tls(
    listener: TcpListener,
    app: Router,
    tls: Arc<rustls::ServerConfig>,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(tls);
    serve_with(listener, app, Some(acceptor), header_read_timeout, shutdown).await
}

async fn serve_with(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
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
        let in_flight = InFlight::default();
        let service = with_router_tracked(app.clone(), in_flight.clone()).map_request(
            move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let connection = Connection {
            in_flight,
            peer,
            stopping: stopping.clone(),
            closed: closed.clone(),
        };
        let service = TowerToHyperService::new(service);
        tokio::spawn(connection.run(stream, tls.clone(), service, header_read_timeout));
    }
    drop(listener);
    let _ = stop.send(true);
    drop(closed);
    all_closed.closed().await;
}

/// `app`, counting in `in_flight` the requests with it until their response is written.
fn with_router_tracked(
    app: Router,
    in_flight: InFlight,
) -> impl tower::Service<
    Request<Incoming>,
    Response = Response,
    Error = Infallible,
    Future = impl Future<Output = Result<Response, Infallible>> + Send,
> + Clone
+ Send {
    <Router as ServiceExt<Request<Incoming>>>::map_future(app, move |responding| {
        let entered = in_flight.enter();
        async move {
            let response: Response = responding.await?;
            // The count goes down when hyper drops the body: once written, or given up.
            Ok::<_, Infallible>(response.map(|body| {
                Body::new(body.map_err(move |error| {
                    let _still_in_flight = &entered;
                    error
                }))
            }))
        }
    })
}

/// One accepted connection and what it needs to stop.
struct Connection {
    /// The connection's requests with the router (`canned`).
    in_flight: InFlight,
    peer: SocketAddr,
    stopping: watch::Receiver<bool>,
    /// Dropped when the connection ends.
    closed: watch::Receiver<()>,
}

impl Connection {
    /// Serves the connection, after the TLS handshake if there is `tls`.
    async fn run<S>(
        mut self,
        stream: TcpStream,
        tls: Option<TlsAcceptor>,
        service: S,
        header_read_timeout: Duration,
    ) where
        S: hyper::service::Service<Request<Incoming>, Response = axum::response::Response> + Send,
        S::Future: Send + 'static,
        S::Error: std::error::Error + Send + Sync + 'static,
    {
        let stream = WriteDeadline::new(Lingering::new(stream), WRITE_STALL);
        let Some(acceptor) = tls else {
            return self.serve_http(stream, service, header_read_timeout).await;
        };
        let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream));
        let mut stream = tokio::select! {
            done = handshake => match done {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => {
                    tracing::debug!(peer = %self.peer, %error, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(peer = %self.peer, "TLS handshake took too long");
                    return;
                }
            },
            // Stopping: a connection still shaking hands has sent no request to finish.
            _ = self.stopping.changed() => return,
        };
        if stream.get_ref().1.alpn_protocol() == Some(ACME_TLS_ALPN) {
            // The CA has seen the challenge certificate; there is nothing more to say.
            let _ = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, stream.shutdown()).await;
            return;
        }
        self.serve_http(stream, service, header_read_timeout).await
    }

    /// HTTP/1.1 on `stream` until the client or the server ends it.
    async fn serve_http<S, T>(mut self, stream: T, service: S, header_read_timeout: Duration)
    where
        S: hyper::service::Service<Request<Incoming>, Response = axum::response::Response> + Send,
        S::Future: Send + 'static,
        S::Error: std::error::Error + Send + Sync + 'static,
        T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
        // Under TLS too: hyper's own answers get the headers in the plain text.
        let stream = OwnHeaders::new(stream, self.in_flight.clone());
        let mut served = pin!(builder.serve_connection(TokioIo::new(stream), service));
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

/// A connection whose writes fail with `TimedOut` once one has waited `limit` for the client
/// to take any of it. Reads are untouched (hyper times the reading of a request's head).
struct WriteDeadline<T> {
    inner: T,
    limit: Duration,
    /// Started when a write first finds the client's window full; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> WriteDeadline<T> {
    fn new(inner: T, limit: Duration) -> WriteDeadline<T> {
        WriteDeadline {
            inner,
            limit,
            stalled: None,
        }
    }

    /// What a write that `polled` returns, given how long the writes have waited.
    fn timed<R>(
        &mut self,
        context: &mut Context<'_>,
        polled: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let limit = self.limit;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(context) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took nothing of the response for too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteDeadline<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(context, buf);
        self.timed(context, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(context, bufs);
        self.timed(context, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(context);
        self.timed(context, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_shutdown(context);
        self.timed(context, polled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_the_client_takes_nothing_of_ends_after_the_limit() {
        // A pipe of 64 bytes that nobody reads: the first write fills it, the next waits.
        let (client, server) = tokio::io::duplex(64);
        let mut server = WriteDeadline::new(server, Duration::from_millis(200));
        let written = server.write_all(&[b'x'; 1024]).await;
        let error = written.expect_err("a write nobody reads must end");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        drop(client);
    }

    #[tokio::test]
    async fn a_slow_reader_that_keeps_reading_is_served_to_the_end() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut server = WriteDeadline::new(server, Duration::from_millis(500));
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            let mut piece = [0u8; 16];
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                match tokio::io::AsyncReadExt::read(&mut client, &mut piece).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => all.extend_from_slice(&piece[..n]),
                }
            }
            all.len()
        });
        server.write_all(&[b'x'; 4096]).await.unwrap();
        server.shutdown().await.unwrap();
        drop(server);
        assert_eq!(reader.await.unwrap(), 4096);
    }
}
