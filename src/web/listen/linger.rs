//! Closing a connection without losing the last answer.
//!
//! When the portal answers before reading a request's body (a refused upload) and then closes
//! the connection, the unread body left in the socket makes the kernel reset the connection
//! instead of closing it, and the reset can destroy the answer before the client (or a reverse
//! proxy, which then says 502) has read it. [`Lingering`] closes the way web servers do: on
//! drop it sends the end of the stream, then reads and drops what the client still sends, for
//! a little while, before the socket is closed.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// The longest a closed connection is read from, in all.
const LINGER: Duration = Duration::from_secs(2);
/// A client that sends nothing for this long has nothing more to send.
const LINGER_IDLE: Duration = Duration::from_millis(250);
/// The most read and dropped while lingering: a little more than the largest upload.
const LINGER_BYTES: usize = 16 * 1024 * 1024;

/// A connection's socket that lingers when dropped.
pub struct Lingering(Option<TcpStream>);

impl Lingering {
    pub fn new(stream: TcpStream) -> Lingering {
        Lingering(Some(stream))
    }

    fn stream(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(
            self.0
                .as_mut()
                .expect("a connection is used only until it is dropped"),
        )
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let Some(stream) = self.0.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(linger(stream));
    }
}

/// Ends the stream, then reads until the client closes, goes quiet, or the time or byte
/// budget is spent.
async fn linger(mut stream: TcpStream) {
    // Hyper may have ended the stream already; a second end is harmless.
    let _ = stream.shutdown().await;
    let mut dropped = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    let _ = tokio::time::timeout(LINGER, async {
        while dropped < LINGER_BYTES {
            match tokio::time::timeout(LINGER_IDLE, stream.read(&mut buffer)).await {
                Ok(Ok(read)) if read > 0 => dropped += read,
                _ => return,
            }
        }
    })
    .await;
}

impl AsyncRead for Lingering {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.stream().poll_read(context, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.stream().poll_write(context, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream().poll_write_vectored(context, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.as_ref().is_some_and(TcpStream::is_write_vectored)
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream().poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream().poll_shutdown(context)
    }
}
