//! The frames of the control channel: a tag byte, a big-endian `u32` length, that many bytes.
//! What a command writes goes out in them ([`FrameWriter`]); its standard input comes in them
//! ([`FramedInput`]). Bytes only: it knows nothing of commands or sockets.

use std::io::{self, BufRead, Read, Write};

use tokio::sync::mpsc;

use crate::commands;

/// The most a frame carries; a command's output is cut into pieces of this size.
pub(super) const FRAME_BYTES: usize = 64 * 1024;

/// One piece of the running portal's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Part of what the command wrote to standard output.
    Out(Vec<u8>),
    /// Part of what it wrote to standard error.
    Err(Vec<u8>),
    /// Its exit code: the last frame.
    Code(u8),
}

impl Frame {
    pub(super) const OUT: u8 = b'o';
    pub(super) const ERR: u8 = b'e';
    pub(super) const CODE: u8 = b'c';
    /// Standard input, from the client; an empty one ends it.
    pub(super) const INPUT: u8 = b'i';

    /// Its tag and its bytes, as they go on the wire after the length.
    pub(super) fn parts(&self) -> (u8, &[u8]) {
        match self {
            Frame::Out(bytes) => (Frame::OUT, bytes),
            Frame::Err(bytes) => (Frame::ERR, bytes),
            Frame::Code(code) => (Frame::CODE, std::slice::from_ref(code)),
        }
    }

    /// The frames of a command that failed before running: a message and the failure code.
    pub(super) fn failure(message: &str) -> [Frame; 2] {
        [
            Frame::Err(format!("portal: {message}\n").into_bytes()),
            Frame::Code(commands::FAILURE),
        ]
    }
}

/// A frame's head: its tag, and the length of `bytes` as a big-endian `u32`.
pub(super) fn frame_head(tag: u8, bytes: &[u8]) -> io::Result<[u8; 5]> {
    let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    let mut head = [tag, 0, 0, 0, 0];
    head[1..].copy_from_slice(&length.to_be_bytes());
    Ok(head)
}

/// What a command writes to one of its streams, sent on as frames of at most [`FRAME_BYTES`].
pub(super) struct FrameWriter {
    make: fn(Vec<u8>) -> Frame,
    buffer: Vec<u8>,
    frames: mpsc::Sender<Frame>,
}

impl FrameWriter {
    pub(super) fn new(make: fn(Vec<u8>) -> Frame, frames: mpsc::Sender<Frame>) -> FrameWriter {
        FrameWriter {
            make,
            buffer: Vec::new(),
            frames,
        }
    }

    /// Sends what is buffered; fails once nobody reads any more (the client went away).
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::replace(&mut self.buffer, Vec::with_capacity(FRAME_BYTES));
        self.frames
            .blocking_send((self.make)(bytes))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let taken = bytes.len().min(FRAME_BYTES - self.buffer.len());
        self.buffer.extend_from_slice(&bytes[..taken]);
        if self.buffer.len() == FRAME_BYTES {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A piece of a command's standard input on its way from the connection to the command: bytes,
/// the end (no bytes), or why it could not be read.
pub(super) type InputPiece = io::Result<Vec<u8>>;

/// A command's standard input through the control channel: the client's input frames, as the
/// connection passes them on. Input that stops before its end reads as an error, however it
/// stopped, so a command never takes a part of its input for the whole.
pub(super) struct FramedInput {
    /// `None` once the input has ended, or when there is none.
    pieces: Option<mpsc::Receiver<InputPiece>>,
    piece: Vec<u8>,
    at: usize,
    /// Why it could not be read, told again at every read after.
    failure: Option<(io::ErrorKind, String)>,
}

impl FramedInput {
    pub(super) fn new(pieces: Option<mpsc::Receiver<InputPiece>>) -> FramedInput {
        FramedInput {
            pieces,
            piece: Vec::new(),
            at: 0,
            failure: None,
        }
    }
}

impl BufRead for FramedInput {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.at == self.piece.len() {
            if let Some((kind, message)) = &self.failure {
                return Err(io::Error::new(*kind, message.clone()));
            }
            let Some(pieces) = &mut self.pieces else {
                return Ok(&[]);
            };
            match pieces.blocking_recv() {
                Some(Ok(piece)) if piece.is_empty() => self.pieces = None,
                Some(Ok(piece)) => (self.piece, self.at) = (piece, 0),
                Some(Err(error)) => self.failure = Some((error.kind(), error.to_string())),
                None => {
                    self.failure = Some((
                        io::ErrorKind::UnexpectedEof,
                        "standard input was cut off before its end".to_string(),
                    ))
                }
            }
        }
        Ok(&self.piece[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.piece.len());
    }
}

impl Read for FramedInput {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let amount = available.len().min(buffer.len());
        buffer[..amount].copy_from_slice(&available[..amount]);
        self.consume(amount);
        Ok(amount)
    }
}
