//! Response bodies written on the blocking pool while they are sent: a piece is handed on as
//! soon as it is written, so a large body (an export, the compendium) never sits whole in
//! memory, and the writing never waits for the client. While a few pieces are on their way the
//! rest goes to an unnamed temporary file (gone when the response is), which is sent once they
//! have been taken: a client that reads slowly, or not at all, holds its connection until the
//! write deadline ([`super::listen::WRITE_STALL`]) ends it, but never a worker of the pool,
//! which every page needs.
//!
//! Each member may have [`STREAMS_PER_SESSION`] such bodies under way at once
//! ([`Streams::start`]); a further one is refused before anything is written.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, Write};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use tokio::io::AsyncReadExt;
use tokio::sync::{mpsc, oneshot};

/// Bytes gathered before they are sent on.
const CHUNK_BYTES: usize = 64 * 1024;
/// Pieces held in memory on their way to the client; beyond them the writing goes to a file.
const CHUNKS_IN_FLIGHT: usize = 4;
/// How many streamed bodies one session (or API token) may have under way at once.
pub const STREAMS_PER_SESSION: usize = 2;

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
    sender: mpsc::Sender<Bytes>,
    buffer: String,
    /// Once a piece did not fit in memory, this piece and every later one go here, in order.
    spill: Option<File>,
}

impl Chunks {
    /// Adds `text`; hands on what has gathered once it is a piece's worth.
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
        if self.sender.is_closed() {
            return Err(Stop::Gone);
        }
        if let Some(file) = &mut self.spill {
            let written = file.write_all(self.buffer.as_bytes());
            self.buffer.clear();
            return written
                .map_err(|e| Stop::Failed(format!("cannot write a temporary file: {e}")));
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        match self.sender.try_send(chunk) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Stop::Gone),
            Err(mpsc::error::TrySendError::Full(chunk)) => {
                let mut file = tempfile::tempfile()
                    .map_err(|e| Stop::Failed(format!("cannot make a temporary file: {e}")))?;
                file.write_all(&chunk)
                    .map_err(|e| Stop::Failed(format!("cannot write a temporary file: {e}")))?;
                self.spill = Some(file);
                Ok(())
            }
        }
    }

    /// The end of the writing: the file holding the rest, rewound, if there is one.
    fn finish(mut self) -> Result<Option<File>, Stop> {
        self.send()?;
        match self.spill.take() {
            None => Ok(None),
            Some(mut file) => {
                file.rewind()
                    .map_err(|e| Stop::Failed(format!("cannot read a temporary file: {e}")))?;
                Ok(Some(file))
            }
        }
    }
}

/// How the writing ended, handed to the sending side once the pieces in memory are taken.
struct Ending {
    /// The rest of the body, when it did not fit in memory.
    rest: Option<File>,
    /// Whether the writing failed: the body ends in an error after what was written.
    failed: bool,
}

/// Where the sending side reads next.
enum Source {
    Memory(mpsc::Receiver<Bytes>, oneshot::Receiver<Ending>),
    File(tokio::fs::File, bool),
    Failed,
    Done,
}

/// A body that `write` writes on the blocking pool as it is sent. `what` names it in the log
/// if it fails; `guard` is held until the body is sent or dropped.
pub fn body(
    what: &'static str,
    guard: StreamGuard,
    write: impl FnOnce(&mut Chunks) -> Result<(), Stop> + Send + 'static,
) -> Body {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let (ending_sender, ending) = oneshot::channel();
    tokio::task::spawn_blocking(move || {
        let mut chunks = Chunks {
            sender,
            buffer: String::new(),
            spill: None,
        };
        let outcome = write(&mut chunks).and_then(|()| chunks.finish());
        let ending = match outcome {
            Ok(rest) => Ending {
                rest,
                failed: false,
            },
            Err(Stop::Gone) => return,
            Err(Stop::Failed(error)) => {
                tracing::error!(%error, "{what} failed while it was sent");
                Ending {
                    rest: None,
                    failed: true,
                }
            }
        };
        let _ = ending_sender.send(ending);
    });
    let stream = futures_util::stream::unfold(
        (Source::Memory(receiver, ending), guard),
        move |(source, guard)| async move {
            let (item, next) = next_piece(source, what).await?;
            Some((item, (next, guard)))
        },
    );
    Body::from_stream(stream)
}

/// The next piece of a body and where to read after it; `None` at its end.
async fn next_piece(
    mut source: Source,
    what: &'static str,
) -> Option<(std::io::Result<Bytes>, Source)> {
    loop {
        source = match source {
            Source::Memory(mut receiver, ending) => match receiver.recv().await {
                Some(chunk) => return Some((Ok(chunk), Source::Memory(receiver, ending))),
                // The writing has ended (or its thread panicked: a failure).
                None => match ending.await {
                    Ok(Ending {
                        rest: Some(file),
                        failed,
                    }) => Source::File(tokio::fs::File::from_std(file), failed),
                    Ok(Ending { rest: None, failed }) if !failed => Source::Done,
                    _ => Source::Failed,
                },
            },
            Source::File(mut file, failed) => {
                let mut chunk = vec![0; CHUNK_BYTES];
                match file.read(&mut chunk).await {
                    Ok(0) if failed => Source::Failed,
                    Ok(0) => Source::Done,
                    Ok(n) => {
                        chunk.truncate(n);
                        return Some((Ok(Bytes::from(chunk)), Source::File(file, failed)));
                    }
                    Err(error) => {
                        tracing::error!(%error, "{what}: cannot read its temporary file");
                        Source::Failed
                    }
                }
            }
            Source::Failed => {
                let error = std::io::Error::other(format!("{what} failed"));
                return Some((Err(error), Source::Done));
            }
            Source::Done => return None,
        };
    }
}

/// The streamed bodies under way, by session (or API token).
#[derive(Debug, Default)]
pub struct Streams {
    under_way: Arc<Mutex<HashMap<String, usize>>>,
}

/// One streamed body under way for a session: counted until dropped.
#[derive(Debug)]
pub struct StreamGuard {
    under_way: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl Streams {
    /// Counts a new body for `key` (a session id, say), unless it already has
    /// [`STREAMS_PER_SESSION`] under way.
    pub fn start(&self, key: &str) -> Option<StreamGuard> {
        let mut under_way = self.under_way.lock().unwrap_or_else(|e| e.into_inner());
        let count = under_way.entry(key.to_string()).or_insert(0);
        if *count >= STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(StreamGuard {
            under_way: self.under_way.clone(),
            key: key.to_string(),
        })
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut under_way = self.under_way.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = under_way.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                under_way.remove(&self.key);
            }
        }
    }
}
