//! Hyper's own answers with the portal's security headers.
//!
//! A request hyper cannot read (a malformed line, a path or headers too long) is answered by
//! hyper itself, 400, 414 or 431, before the router sees anything, so the security headers the
//! router adds to every response are missing from it. [`OwnHeaders`] adds them on the way out:
//! while no request of the connection is with the router (its `in_flight` count, kept by
//! [`InFlight`]), a response head that hyper writes is one of its own, and the headers are
//! put after its status line.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Counts the connection's requests that are with the router, from the moment it is called
/// until the response's body has been written (or dropped).
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<AtomicUsize>);

/// One request with the router; dropped when its response is done.
#[derive(Debug)]
pub struct Entered(Arc<AtomicUsize>);

impl InFlight {
    pub fn enter(&self) -> Entered {
        self.0.fetch_add(1, Ordering::Relaxed);
        Entered(self.0.clone())
    }

    fn none(&self) -> bool {
        self.0.load(Ordering::Relaxed) == 0
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A connection's stream that adds the security headers to the responses hyper writes itself.
pub struct OwnHeaders<T> {
    inner: T,
    in_flight: InFlight,
    /// A rewritten response head not yet written in full, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> OwnHeaders<T> {
    pub fn new(inner: T, in_flight: InFlight) -> OwnHeaders<T> {
        OwnHeaders {
            inner,
            in_flight,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> OwnHeaders<T> {
    /// Writes what is left of a rewritten head.
    fn drain(&mut self, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            let wrote = ready!(Pin::new(&mut self.inner).poll_write(context, &bytes[*written..]))?;
            if wrote == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += wrote;
            if *written == bytes.len() {
                self.pending = None;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` whole when it is a head of hyper's own, to write it with the headers added.
    fn take_own_head(&mut self, context: &mut Context<'_>, buf: &[u8]) -> Option<usize> {
        if !self.in_flight.none() {
            return None;
        }
        let rewritten = with_security_headers(buf)?;
        self.pending = Some((rewritten, 0));
        // What cannot be written now is written by the next write, flush or shutdown.
        if let Poll::Ready(Err(error)) = self.drain(context) {
            tracing::debug!(%error, "cannot write hyper's own answer");
        }
        Some(buf.len())
    }
}

/// `head` with the security headers after its status line, when it is a complete error head
/// (4xx or 5xx) without them; otherwise `None`.
fn with_security_headers(head: &[u8]) -> Option<Vec<u8>> {
    let status = head.strip_prefix(b"HTTP/1.1 ")?;
    if !matches!(status.first(), Some(b'4' | b'5')) {
        return None;
    }
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    let lower = head[..end].to_ascii_lowercase();
    if lower
        .windows(b"x-content-type-options".len())
        .any(|w| w == b"x-content-type-options")
    {
        return None;
    }
    let line_end = head.windows(2).position(|w| w == b"\r\n")? + 2;
    let mut rewritten = Vec::with_capacity(head.len() + 512);
    rewritten.extend_from_slice(&head[..line_end]);
    for (name, value) in super::super::SECURITY_HEADERS {
        rewritten.extend_from_slice(name.as_bytes());
        rewritten.extend_from_slice(b": ");
        rewritten.extend_from_slice(value.as_bytes());
        rewritten.extend_from_slice(b"\r\n");
    }
    rewritten.extend_from_slice(&head[line_end..]);
    Some(rewritten)
}

impl<T: AsyncRead + Unpin> AsyncRead for OwnHeaders<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for OwnHeaders<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(context))?;
        if let Some(taken) = self.take_own_head(context, buf) {
            return Poll::Ready(Ok(taken));
        }
        Pin::new(&mut self.inner).poll_write(context, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(context))?;
        if let Some(first) = bufs.iter().find(|buf| !buf.is_empty())
            && let Some(taken) = self.take_own_head(context, first)
        {
            return Poll::Ready(Ok(taken));
        }
        Pin::new(&mut self.inner).poll_write_vectored(context, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(context))?;
        Pin::new(&mut self.inner).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(context))?;
        Pin::new(&mut self.inner).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_s_own_error_head_gets_the_headers_after_its_status_line() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        let rewritten = String::from_utf8(with_security_headers(head).unwrap()).unwrap();
        assert!(rewritten.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(rewritten.contains("\r\nx-content-type-options: nosniff\r\n"));
        assert!(rewritten.contains("\r\npermissions-policy: "));
        assert!(rewritten.ends_with("content-length: 0\r\n\r\n"));
    }

    #[test]
    fn a_head_that_has_them_or_is_not_an_error_or_is_cut_is_left_alone() {
        let portal = b"HTTP/1.1 404 Not Found\r\nX-Content-Type-Options: nosniff\r\n\r\n";
        assert!(with_security_headers(portal).is_none());
        assert!(with_security_headers(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
        assert!(with_security_headers(b"HTTP/1.1 400 Bad Request\r\ncontent-le").is_none());
        assert!(with_security_headers(b"<!DOCTYPE html>").is_none());
    }
}
