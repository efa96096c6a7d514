//! Response bodies written on the blocking pool while they are sent: a piece is handed on as
//! soon as it is written, and the writing waits while a few pieces are still on their way, so
//! a large body (an export, the compendium) never sits whole in memory.

use axum::body::{Body, Bytes};

/// Bytes gathered before they are sent on.
const CHUNK_BYTES: usize = 64 * 1024;
/// Pieces on their way to the client; the writing waits beyond this.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Why writing a body stopped short.
#[derive(Debug)]
pub enum Stop {
    /// The client went away: nobody is left to tell.
    Gone,
    /// Something failed: logged, and the response is cut off, so the client sees it is
    /// incomplete.
    Failed(String),
}

/// Where a body is written.
pub struct Chunks {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buffer: String,
}

impl Chunks {
    /// Adds `text`; sends what has gathered once it is a piece's worth.
    pub fn push(&mut self, text: &str) -> Result<(), Stop> {
        self.buffer.push_str(text);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<(), Stop> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| Stop::Gone)
    }
}

/// A body that `write` writes on the blocking pool as it is sent. `what` names it in the log
/// if it fails.
pub fn body(
    what: &'static str,
    write: impl FnOnce(&mut Chunks) -> Result<(), Stop> + Send + 'static,
) -> Body {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut chunks = Chunks {
            sender,
            buffer: String::new(),
        };
        match write(&mut chunks).and_then(|()| chunks.send()) {
            Ok(()) | Err(Stop::Gone) => {}
            Err(Stop::Failed(error)) => {
                tracing::error!(%error, "{what} failed while it was sent");
                let _ = chunks
                    .sender
                    .blocking_send(Err(std::io::Error::other(format!("{what} failed"))));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |context| receiver.poll_recv(context));
    Body::from_stream(stream)
}
