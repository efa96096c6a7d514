//! The control channel: a Unix socket in the data folder through which the ISU's commands reach
//! the running portal, the one process that may open the database while it serves.
//!
//! Only the user who runs the portal can use it: the socket file is made 0600 right after it is
//! bound, and every connection's peer must have the socket file's owner's uid. One request per
//! connection:
//!
//! - request, one JSON line: `{"args": ["import", "--publish", "--", "/abs/file.jsonl", "-"],
//!   "input": true}`: the arguments after the global flags, as `command_args` writes them
//!   (relative paths made absolute), and whether standard input follows;
//! - standard input, if it follows: frames (a tag byte, a big-endian `u32` length, that many
//!   bytes), each `i` and of at most 64 KiB, and last an empty `i` frame, which ends it. Input
//!   cut off before that frame reads as an error, never as a shorter input;
//! - reply, frames as the command writes: `o` standard output, `e` standard error, and last `c`,
//!   one byte, the exit code. A connection that ends before its `c` frame means the portal
//!   stopped.
//!
//! Input and output stream through in frames, however large they are (an import of a million
//! records from standard input, an export of the whole catalogue): each side waits while the
//! other is behind, and neither holds them whole.
//!
//! The commands run one at a time on the blocking pool, through the same `commands::execute` as a
//! run in a process of their own. Glue only: it knows nothing of the web.

use std::fs::{self, Permissions};
use std::io::{self, BufRead, BufReader as StdBufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener as StdUnixListener, UnixStream as StdUnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use portal::catalogue::Catalogue;
use portal::reminders::Reminders;

use crate::args::{self, Command, MailArgs, PasswordAccount, SearchArgs};
use crate::commands::{self, Streams};

/// The socket's file name in the data folder.
pub const SOCKET_FILE: &str = "portal.sock";
/// The largest request line accepted: arguments only (standard input follows in frames).
const MAX_REQUEST_BYTES: u64 = 1 << 20;

/// A command for the running portal. A field it does not know is refused rather than left
/// out: a client of another version then gets an error, not a command run without part of
/// what it asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The arguments after the global flags, from the subcommand on.
    pub args: Vec<String>,
    /// Whether standard input follows, for commands that read it (`import -`,
    /// `set-password`).
    #[serde(default)]
    pub input: bool,
}

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

/// The most a frame carries; a command's output is cut into pieces of this size.
const FRAME_BYTES: usize = 64 * 1024;
/// Frames on their way between the command and the socket: the command waits beyond this.
const FRAMES_IN_FLIGHT: usize = 8;
/// How long a stopping portal waits for a client to read the next frame of a command's output.
const STOPPING_PATIENCE: Duration = Duration::from_secs(5);

impl Frame {
    const OUT: u8 = b'o';
    const ERR: u8 = b'e';
    const CODE: u8 = b'c';
    /// Standard input, from the client; an empty one ends it.
    const INPUT: u8 = b'i';

    /// Its tag and its bytes, as they go on the wire after the length.
    fn parts(&self) -> (u8, &[u8]) {
        match self {
            Frame::Out(bytes) => (Frame::OUT, bytes),
            Frame::Err(bytes) => (Frame::ERR, bytes),
            Frame::Code(code) => (Frame::CODE, std::slice::from_ref(code)),
        }
    }

    /// The frames of a command that failed before running: a message and the failure code.
    fn failure(message: &str) -> [Frame; 2] {
        [
            Frame::Err(format!("portal: {message}\n").into_bytes()),
            Frame::Code(commands::FAILURE),
        ]
    }
}

/// What a command writes to one of its streams, sent on as frames of at most [`FRAME_BYTES`].
struct FrameWriter {
    make: fn(Vec<u8>) -> Frame,
    buffer: Vec<u8>,
    frames: mpsc::Sender<Frame>,
}

impl FrameWriter {
    fn new(make: fn(Vec<u8>) -> Frame, frames: mpsc::Sender<Frame>) -> FrameWriter {
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

/// The file in the data folder where the serving portal writes the address it answers on
/// (removed when it stops), so that a second `serve` can say where the first one is.
pub const ADDRESS_FILE: &str = "portal.address";

/// The address of the portal serving `data_dir`, if one is serving and wrote it.
pub fn serving_address(data_dir: &Path) -> Option<String> {
    connect(data_dir).ok()??;
    let address = std::fs::read_to_string(data_dir.join(ADDRESS_FILE)).ok()?;
    Some(address.trim().to_string()).filter(|a| !a.is_empty())
}

/// Where the socket of the portal serving `data_dir` is.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_FILE)
}

// The client side.

/// The arguments that make `args::Args` parse back into `command`, with relative file paths
/// made absolute (the running portal's working directory may differ from ours). Every value
/// is written `--flag=value` and positional values come after `--`, so values that begin with
/// `-` (`-word` in a query) keep their meaning.
pub fn command_args(command: &Command) -> Result<Vec<String>> {
    let mut args = Vec::new();
    let mut push = |arg: &str| args.push(arg.to_string());
    // Every field is named (no `..`), so a new field cannot be forgotten here silently.
    match command {
        Command::Import { paths, publish } => {
            push("import");
            flag(&mut push, "--publish", *publish);
            push("--");
            for path in paths {
                if path.as_os_str() == "-" {
                    push("-");
                } else {
                    push(&absolute_text(path)?);
                }
            }
        }
        Command::Export { out } => {
            push("export");
            if let Some(out) = out {
                push(&format!("--out={}", absolute_text(out)?));
            }
        }
        Command::Search(SearchArgs {
            query,
            kind,
            country,
            area,
            assistance,
            submitter_type,
            min_usd,
            max_usd,
            expiring_within,
            renewed_within,
            sort,
            page,
            per_page,
            json,
        }) => {
            push("search");
            for (name, values) in [
                ("--kind", kind),
                ("--country", country),
                ("--area", area),
                ("--assistance", assistance),
                ("--submitter-type", submitter_type),
            ] {
                for value in values {
                    push(&format!("{name}={value}"));
                }
            }
            if let Some(min) = min_usd {
                push(&format!("--min-usd={min}"));
            }
            if let Some(max) = max_usd {
                push(&format!("--max-usd={max}"));
            }
            if let Some(days) = expiring_within {
                push(&format!("--expiring-within={days}"));
            }
            if let Some(days) = renewed_within {
                push(&format!("--renewed-within={days}"));
            }
            push(&format!("--sort={sort}"));
            push(&format!("--page={page}"));
            push(&format!("--per-page={per_page}"));
            flag(&mut push, "--json", *json);
            push("--");
            query.iter().for_each(|word| push(word));
        }
        Command::Matches { id, limit, json } => {
            push("matches");
            push(&format!("--limit={limit}"));
            flag(&mut push, "--json", *json);
            push("--");
            push(id);
        }
        Command::Publish { ids } => {
            push("publish");
            push("--");
            ids.iter().for_each(|id| push(id));
        }
        Command::SetStatus { status, ids } => {
            push("set-status");
            push("--");
            push(status);
            ids.iter().for_each(|id| push(id));
        }
        Command::Reindex => push("reindex"),
        Command::Backup { dir } => {
            push("backup");
            push("--");
            push(&absolute_text(dir)?);
        }
        Command::Restore { .. } => {
            bail!(
                "stop the running portal first: a backup is restored into a data folder no portal uses"
            )
        }
        Command::Check { json } => {
            push("check");
            flag(&mut push, "--json", *json);
        }
        Command::Purge => push("purge"),
        // The running portal reminds with its own settings (`Runner`); the flags that differ
        // from the defaults go along, and the portal refuses those it cannot honour.
        Command::Remind(mail) => {
            push("remind");
            if mail.remind_days != [30, 7] {
                let days: Vec<String> = mail.remind_days.iter().map(u32::to_string).collect();
                push(&format!("--remind-days={}", days.join(",")));
            }
            if mail.isu_email != "isu@example.org" {
                push(&format!("--isu-email={}", mail.isu_email));
            }
            if let Some(url) = &mail.public_url {
                push(&format!("--public-url={url}"));
            }
            if let Some(url) = &mail.smtp_url {
                push(&format!("--smtp-url={url}"));
            }
            if let Some(dir) = &mail.outbox {
                push(&format!("--outbox={}", absolute_text(dir)?));
            }
        }
        Command::Renew { ids } => {
            push("renew");
            push("--");
            ids.iter().for_each(|id| push(id));
        }
        Command::Queue { json } => {
            push("queue");
            flag(&mut push, "--json", *json);
        }
        Command::Stats { json } => {
            push("stats");
            flag(&mut push, "--json", *json);
        }
        Command::Demo {
            count,
            seed,
            out,
            load,
        } => {
            push("demo");
            push(&format!("--count={count}"));
            push(&format!("--seed={seed}"));
            if let Some(out) = out {
                push(&format!("--out={}", absolute_text(out)?));
            }
            flag(&mut push, "--load", *load);
        }
        Command::SetPassword { account } => {
            push("set-password");
            match account {
                PasswordAccount::Member => push("member"),
                PasswordAccount::Admin { name } => {
                    push("admin");
                    push("--");
                    push(name);
                }
            }
        }
        Command::Serve(_) => bail!("`portal serve` cannot be passed to a running portal"),
    }
    Ok(args)
}

fn flag(push: &mut impl FnMut(&str), name: &str, set: bool) {
    if set {
        push(name);
    }
}

fn absolute_text(path: &Path) -> Result<String> {
    let absolute = std::path::absolute(path)
        .with_context(|| format!("cannot tell where {} is", path.display()))?;
    match absolute.to_str() {
        Some(text) => Ok(text.to_string()),
        None => bail!(
            "the path {} is not UTF-8, so it cannot be passed to the running portal",
            absolute.display()
        ),
    }
}

/// An open connection to the running portal.
#[derive(Debug)]
pub struct Connection {
    stream: StdUnixStream,
    socket: PathBuf,
}

/// Connects to the portal serving `data_dir`; `None` when none listens there (no socket file,
/// or a stale one).
pub fn connect(data_dir: &Path) -> Result<Option<Connection>> {
    let socket = socket_path(data_dir);
    match StdUnixStream::connect(&socket) {
        Ok(stream) => Ok(Some(Connection { stream, socket })),
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error).with_context(|| {
            format!(
                "the data folder is in use, and the running portal cannot be reached through {}",
                socket.display()
            )
        }),
    }
}

impl Connection {
    /// Sends the command (its `args`, as [`command_args`] writes them) and `input` as its
    /// standard input, and writes the command's output to `out` and `err` as it comes, however
    /// long the command takes; returns its exit code.
    ///
    /// `input` is sent from a thread of its own while the output comes back, and only as fast
    /// as the command reads it. The command may end before reading all of it (a failure): that
    /// thread is then left to end with the process.
    pub fn send(
        self,
        args: Vec<String>,
        input: Option<Box<dyn Read + Send>>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<u8> {
        let lost = || {
            format!(
                "the running portal did not answer through {} (is it stopping?)",
                self.socket.display()
            )
        };
        let request = Request {
            args,
            input: input.is_some(),
        };
        let mut line = serde_json::to_vec(&request)?;
        line.push(b'\n');
        (&self.stream).write_all(&line).with_context(lost)?;
        if let Some(input) = input {
            let socket = self.stream.try_clone().with_context(lost)?;
            std::thread::spawn(move || send_input(input, socket));
        }
        let mut reader = StdBufReader::new(&self.stream);
        let mut bytes = Vec::new();
        loop {
            let mut head = [0u8; 5];
            reader.read_exact(&mut head).with_context(lost)?;
            let [tag, length @ ..] = head;
            let length = u32::from_be_bytes(length) as usize;
            if length > FRAME_BYTES {
                bail!("{}: a frame of {length} bytes", lost());
            }
            bytes.resize(length, 0);
            reader.read_exact(&mut bytes).with_context(lost)?;
            match tag {
                Frame::OUT => out
                    .write_all(&bytes)
                    .context("cannot write to standard output")?,
                // Nothing better to do if standard error is gone.
                Frame::ERR => {
                    let _ = err.write_all(&bytes);
                }
                Frame::CODE if length == 1 => return Ok(bytes[0]),
                _ => bail!("{}: a frame tagged {tag}", lost()),
            }
        }
    }
}

/// Sends `input` as input frames, and the empty frame that ends them once it ends. A failure
/// to read it is told on standard error; the portal then finds the input cut off, and the
/// command fails.
fn send_input(mut input: Box<dyn Read + Send>, mut socket: StdUnixStream) {
    let mut buffer = vec![0; FRAME_BYTES];
    loop {
        let read = match input.read(&mut buffer) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                eprintln!("portal: cannot read standard input: {error}");
                // Nothing more to do if the socket is gone too.
                let _ = socket.shutdown(std::net::Shutdown::Write);
                return;
            }
        };
        // A failed write means the portal closed the connection: the command has ended, and its
        // answer says how.
        if write_input_frame(&mut socket, &buffer[..read]).is_err() || read == 0 {
            return;
        }
    }
}

fn write_input_frame(socket: &mut StdUnixStream, bytes: &[u8]) -> io::Result<()> {
    socket.write_all(&frame_head(Frame::INPUT, bytes)?)?;
    socket.write_all(bytes)
}

/// A frame's head: its tag, and the length of `bytes` as a big-endian `u32`.
fn frame_head(tag: u8, bytes: &[u8]) -> io::Result<[u8; 5]> {
    let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    let mut head = [tag, 0, 0, 0, 0];
    head[1..].copy_from_slice(&length.to_be_bytes());
    Ok(head)
}

// The server side.

/// The bound socket, its owner's only.
#[derive(Debug)]
pub struct ControlSocket {
    listener: StdUnixListener,
    file: SocketFile,
    /// The uid every peer must have: the socket file's owner's.
    owner: u32,
}

/// The socket file, removed when this is dropped.
#[derive(Debug)]
struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        // Nothing to do if it is already gone.
        let _ = fs::remove_file(&self.0);
    }
}

/// Removes a socket file left behind by a portal that did not stop cleanly. Call it only while
/// holding the data folder's lock, so it cannot belong to a running portal.
fn remove_stale_socket(data_dir: &Path) -> Result<()> {
    let path = socket_path(data_dir);
    match fs::symlink_metadata(&path) {
        Ok(metadata) if metadata.file_type().is_socket() => fs::remove_file(&path)
            .with_context(|| format!("cannot remove the stale socket {}", path.display())),
        Ok(_) => bail!(
            "{} is in the way of the control socket: it is not a socket; move it away",
            path.display()
        ),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("cannot look at {}", path.display())),
    }
}

impl ControlSocket {
    /// Binds the socket in the data folder (removing a stale one first) and makes it the
    /// owner's only. Call it only while holding the data folder's lock.
    pub fn bind(data_dir: &Path) -> Result<ControlSocket> {
        remove_stale_socket(data_dir)?;
        let path = socket_path(data_dir);
        let listener = StdUnixListener::bind(&path)
            .with_context(|| format!("cannot open the control socket {}", path.display()))?;
        // From here on, the file is removed when `file` is dropped, also if what follows fails.
        let file = SocketFile(path);
        // Someone may connect between the bind and this; the uid check on every connection
        // turns them away.
        fs::set_permissions(&file.0, Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict access to {}", file.0.display()))?;
        let owner = fs::metadata(&file.0)
            .with_context(|| format!("cannot look at {}", file.0.display()))?
            .uid();
        Ok(ControlSocket {
            listener,
            file,
            owner,
        })
    }
}

/// Runs the commands that arrive: those that change the catalogue one at a time, those that
/// only read it at once.
#[derive(Debug)]
pub struct Runner {
    catalogue: Arc<Catalogue>,
    data_dir: PathBuf,
    /// The running portal's reminders: `remind` uses them, whatever the client's flags say.
    reminders: Arc<Reminders>,
    /// Commands that change the catalogue run one after the other, as they would from one
    /// terminal: two reindexes or imports never overlap. (The web keeps serving meanwhile.)
    /// Commands that only read it do not wait for their turn, as the web does not: an import
    /// may be reading its input from one of them (`portal export | portal import -`).
    turn: Mutex<()>,
}

impl Runner {
    pub fn new(catalogue: Arc<Catalogue>, data_dir: PathBuf, reminders: Arc<Reminders>) -> Runner {
        Runner {
            catalogue,
            data_dir,
            reminders,
            turn: Mutex::new(()),
        }
    }

    /// Parses and runs one request with `input` as its standard input, sending what it writes
    /// as frames, its exit code last. Blocks: call it on the blocking pool.
    fn run(&self, request: Request, mut input: FramedInput, frames: mpsc::Sender<Frame>) {
        let mut out = FrameWriter::new(Frame::Out, frames.clone());
        let mut err = FrameWriter::new(Frame::Err, frames.clone());
        let code = self.execute(request, &mut input, &mut out, &mut err);
        // If the client went away, nobody is left to tell.
        let _ = out.flush().and_then(|()| err.flush());
        let _ = frames.blocking_send(Frame::Code(code));
    }

    fn execute(
        &self,
        request: Request,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        let command = match args::Args::try_parse_from(
            std::iter::once("portal".to_string()).chain(request.args.iter().cloned()),
        ) {
            Ok(args) => args.into_command(),
            Err(error) => {
                let text = error.render().to_string();
                let _ = if error.use_stderr() {
                    err.write_all(text.as_bytes())
                } else {
                    out.write_all(text.as_bytes())
                };
                return u8::try_from(error.exit_code()).unwrap_or(commands::FAILURE);
            }
        };
        if matches!(command, Command::Serve(_)) {
            let _ = writeln!(
                err,
                "portal: `portal serve` cannot be run through the control channel: a portal is \
                 already running on this data folder"
            );
            return commands::FAILURE;
        }
        let _turn = changes_the_catalogue(&command)
            .then(|| self.turn.lock().unwrap_or_else(PoisonError::into_inner));
        let mut streams = Streams {
            input,
            input_is_terminal: false,
            out,
            err,
            progress: false,
        };
        let result = match command {
            Command::Remind(mail) => match self.unhonoured_reminder_flags(&request.args, &mail) {
                Some(refusal) => Err(anyhow::anyhow!(refusal)),
                None => commands::remind(&self.catalogue, &mut streams, &self.reminders),
            },
            command => commands::execute(command, &self.catalogue, &self.data_dir, &mut streams),
        };
        let code = match result {
            Ok(code) => code,
            Err(error) => {
                // If the client went away, nobody reads this.
                let _ = writeln!(streams.err, "{}", commands::error_line(&error));
                commands::FAILURE
            }
        };
        tracing::info!(
            command = request.args.first().map_or("", String::as_str),
            code,
            "ran a command from the control channel"
        );
        code
    }
}

impl Runner {
    /// Why `portal remind`'s flags cannot be honoured: the running portal reminds with its own
    /// settings, so a flag sent (`args`) that asks for others is refused rather than ignored.
    fn unhonoured_reminder_flags(&self, args: &[String], mail: &MailArgs) -> Option<String> {
        let sent = |flag: &str| args.iter().any(|a| a.starts_with(&format!("{flag}=")));
        let own = &self.reminders;
        let theirs = mail
            .reminders(&self.data_dir, &own.settings.public_url)
            .ok();
        let differs = |flag: &str| -> bool {
            let Some(theirs) = &theirs else {
                return true;
            };
            match flag {
                "--remind-days" => theirs.settings.days_before != own.settings.days_before,
                "--isu-email" => theirs.settings.isu_email != own.settings.isu_email,
                "--public-url" => theirs.settings.public_url != own.settings.public_url,
                _ => theirs.mailer.describe() != own.mailer.describe(),
            }
        };
        let refused: Vec<&str> = [
            "--remind-days",
            "--isu-email",
            "--public-url",
            "--smtp-url",
            "--outbox",
        ]
        .into_iter()
        .filter(|flag| sent(flag) && differs(flag))
        .collect();
        if refused.is_empty() {
            return None;
        }
        let days: Vec<String> = own
            .settings
            .days_before
            .iter()
            .map(u32::to_string)
            .collect();
        Some(format!(
            "the running portal reminds with its own settings (days {}, from {}, {}); {} cannot \
             be honoured: restart `portal serve` with them, or stop it and run `portal remind` \
             alone",
            days.join(","),
            own.settings.isu_email,
            own.mailer.describe(),
            refused.join(", ")
        ))
    }
}

/// Whether `command` may change the catalogue (or, `check`, needs it to hold still); the
/// others only read it, and write to standard output what another command may be reading.
fn changes_the_catalogue(command: &Command) -> bool {
    !matches!(
        command,
        Command::Export { .. }
            | Command::Search(_)
            | Command::Matches { .. }
            | Command::Queue { .. }
            | Command::Stats { .. }
    )
}

/// A piece of a command's standard input on its way from the connection to the command: bytes,
/// the end (no bytes), or why it could not be read.
type InputPiece = io::Result<Vec<u8>>;

/// A command's standard input through the control channel: the client's input frames, as the
/// connection passes them on. Input that stops before its end reads as an error, however it
/// stopped, so a command never takes a part of its input for the whole.
struct FramedInput {
    /// `None` once the input has ended, or when there is none.
    pieces: Option<mpsc::Receiver<InputPiece>>,
    piece: Vec<u8>,
    at: usize,
    /// Why it could not be read, told again at every read after.
    failure: Option<(io::ErrorKind, String)>,
}

impl FramedInput {
    fn new(pieces: Option<mpsc::Receiver<InputPiece>>) -> FramedInput {
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

/// Answers connections until `stop` turns true, then waits for the commands already running and
/// removes the socket file.
pub async fn serve(
    socket: ControlSocket,
    runner: Arc<Runner>,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let ControlSocket {
        listener,
        file,
        owner,
    } = socket;
    listener
        .set_nonblocking(true)
        .context("cannot listen on the control socket")?;
    let listener =
        UnixListener::from_std(listener).context("cannot listen on the control socket")?;
    let mut conversations = JoinSet::new();
    // Each conversation watches for the stop too; this copy is the one handed to them.
    let for_conversations = stop.clone();
    tracing::info!(socket = %file.0.display(), "control channel open");
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conversations.spawn(converse(
                        stream,
                        runner.clone(),
                        owner,
                        for_conversations.clone(),
                    ));
                }
                Err(error) => {
                    // Mostly "too many open files": wait a little rather than spin.
                    tracing::warn!(%error, "cannot accept a control connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = conversations.join_next(), if !conversations.is_empty() => {}
        }
    }
    drop(listener);
    drop(file);
    while conversations.join_next().await.is_some() {}
    tracing::info!("control channel closed");
    Ok(())
}

/// Returns once `stop` is true, or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is dropped at once: it must not be held across an await.
    let _ = stop.wait_for(|stop| *stop).await.map(|_| ());
}

/// One connection: check the peer, read the request, run it with the input that follows,
/// pass on what it writes.
async fn converse(
    mut stream: UnixStream,
    runner: Arc<Runner>,
    owner: u32,
    mut stop: watch::Receiver<bool>,
) {
    let answered = match stream.peer_cred() {
        Ok(peer) if peer.uid() == owner => {
            let (from_client, mut to_client) = stream.split();
            let mut from_client = BufReader::new(from_client);
            // Until the request line is complete, stopping the portal drops the connection.
            let request = tokio::select! {
                request = read_request(&mut from_client) => request,
                () = stopped(&mut stop) => return,
            };
            let answered = match request {
                Ok(request) if request.input => {
                    let input = Some(&mut from_client);
                    run_and_relay(&mut to_client, input, None, stop, runner, request).await
                }
                Ok(request) => {
                    let client = Some(&mut from_client);
                    run_and_relay(&mut to_client, None, client, stop, runner, request).await
                }
                Err(message) => write_frames(&mut to_client, &Frame::failure(&message)).await,
            };
            answered.and(to_client.shutdown().await)
        }
        Ok(peer) => {
            tracing::warn!(
                uid = peer.uid(),
                "refused a control connection from another user"
            );
            let refusal =
                Frame::failure("the control channel serves only the user who runs the portal");
            let answered = write_frames(&mut stream, &refusal).await;
            answered.and(stream.shutdown().await)
        }
        Err(error) => {
            tracing::warn!(%error, "cannot tell who opened a control connection");
            return;
        }
    };
    if let Err(error) = answered {
        tracing::warn!(%error, "cannot answer on the control channel");
    }
}

/// Runs the request on the blocking pool, passes the client's input frames on to it as it
/// reads them (when `input` is where they come from), and writes its frames to the socket as
/// they come.
///
/// Once the portal is stopping, a client that takes more than [`STOPPING_PATIENCE`] to read a
/// frame is given up: the command's next write fails, and it ends, so the stop does not wait
/// for a client that stopped reading.
///
/// A command that takes no input watches `client` instead: the client sends nothing more, so
/// its end of the connection closing means it has gone (Ctrl-C), and the command's long work
/// (an import) stops at its next batch or message, keeping what it stored.
async fn run_and_relay<R: AsyncRead + Unpin>(
    to_client: &mut (impl AsyncWrite + Unpin),
    input: Option<&mut R>,
    client: Option<&mut R>,
    mut stop: watch::Receiver<bool>,
    runner: Arc<Runner>,
    request: Request,
) -> io::Result<()> {
    let (frames, mut outgoing) = mpsc::channel(FRAMES_IN_FLIGHT);
    let (pieces, relay) = match input {
        Some(from_client) => {
            let (pieces, command_input) = mpsc::channel(FRAMES_IN_FLIGHT);
            let relay = relay_input(from_client, pieces, stop.clone());
            (Some(command_input), Some(relay))
        }
        None => (None, None),
    };
    let input = FramedInput::new(pieces);
    let gone = Arc::new(AtomicBool::new(false));
    let cancelled = gone.clone();
    let command = tokio::task::spawn_blocking(move || {
        portal::catalogue::cancellable(cancelled, || runner.run(request, input, frames))
    });
    // The input is passed on beside the output, until it ends or the command does; or the
    // client is watched for its end.
    let relay = async {
        match (relay, client) {
            (Some(relay), _) => relay.await,
            (None, Some(client)) => {
                client_ends(client).await;
                gone.store(true, Ordering::Relaxed);
            }
            (None, None) => std::future::pending().await,
        }
    };
    // Boxed, so that it can be dropped (and the command's input with it) before the end.
    let mut relay = Box::pin(relay);
    let mut relaying = true;
    let mut ended = false;
    loop {
        let frame = tokio::select! {
            frame = outgoing.recv() => frame,
            () = &mut relay, if relaying => {
                relaying = false;
                continue;
            }
        };
        let Some(frame) = frame else { break };
        ended = matches!(frame, Frame::Code(_));
        let written = tokio::select! {
            written = write_frames(to_client, std::slice::from_ref(&frame)) => written,
            () = async {
                stopped(&mut stop).await;
                tokio::time::sleep(STOPPING_PATIENCE).await;
            } => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the portal is stopping, and the client does not read what the command writes",
            )),
        };
        if let Err(error) = written {
            // The command's next write fails, and it stops; so does its next read, the input
            // being cut off.
            drop(outgoing);
            drop(relay);
            let _ = command.await;
            return Err(error);
        }
    }
    if let Err(error) = command.await {
        tracing::error!(%error, "a command from the control channel failed");
    }
    if ended {
        Ok(())
    } else {
        let failure = Frame::failure("the command failed unexpectedly; see the portal's log");
        write_frames(to_client, &failure).await
    }
}

/// Returns once the client closes its end of the connection (or it fails). Whatever it sends
/// meanwhile is not asked for, and is dropped.
async fn client_ends(client: &mut (impl AsyncRead + Unpin)) {
    let mut ignored = [0u8; 256];
    while let Ok(read) = client.read(&mut ignored).await {
        if read == 0 {
            return;
        }
    }
}

/// Passes the client's input frames on to the command, up to and with the empty frame that
/// ends them. When the client goes away before it, sends something other than input, or the
/// portal stops, the command's input fails with the reason; when the command stops reading
/// (it has ended), so does this.
async fn relay_input(
    from_client: &mut (impl AsyncRead + Unpin),
    pieces: mpsc::Sender<InputPiece>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let piece = tokio::select! {
            piece = read_input_frame(from_client) => piece,
            () = stopped(&mut stop) => Err(io::Error::other("the portal is stopping")),
        };
        let last = !matches!(&piece, Ok(bytes) if !bytes.is_empty());
        if pieces.send(piece).await.is_err() || last {
            return;
        }
    }
}

/// One input frame's bytes (none for the frame that ends the input).
async fn read_input_frame(from_client: &mut (impl AsyncRead + Unpin)) -> io::Result<Vec<u8>> {
    let cut_off = |error: io::Error| match error.kind() {
        io::ErrorKind::UnexpectedEof => io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "standard input was cut off before its end: the command that sent it went away",
        ),
        _ => error,
    };
    let mut head = [0u8; 5];
    from_client.read_exact(&mut head).await.map_err(cut_off)?;
    let [tag, length @ ..] = head;
    let length = u32::from_be_bytes(length) as usize;
    if tag != Frame::INPUT || length > FRAME_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the client sent a frame tagged {tag} of {length} bytes instead of input"),
        ));
    }
    let mut bytes = vec![0; length];
    from_client.read_exact(&mut bytes).await.map_err(cut_off)?;
    Ok(bytes)
}

async fn read_request(from_client: &mut (impl AsyncBufReadExt + Unpin)) -> Result<Request, String> {
    let mut line = Vec::new();
    let mut reader = from_client.take(MAX_REQUEST_BYTES);
    reader
        .read_until(b'\n', &mut line)
        .await
        .map_err(|error| format!("cannot read the request: {error}"))?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() as u64 >= MAX_REQUEST_BYTES {
            format!("the request is larger than {MAX_REQUEST_BYTES} bytes")
        } else {
            "the request ended before its end of line".to_string()
        });
    }
    serde_json::from_slice(&line).map_err(|error| format!("the request is not understood: {error}"))
}

async fn write_frames(stream: &mut (impl AsyncWrite + Unpin), frames: &[Frame]) -> io::Result<()> {
    for frame in frames {
        let (tag, bytes) = frame.parts();
        stream.write_all(&frame_head(tag, bytes)?).await?;
        stream.write_all(bytes).await?;
    }
    Ok(())
}

/// Why a command that cannot be passed to a running portal (`serve`, `restore`) finds the data
/// folder taken: a portal serving it (with its address, and `then`: what to do), or `in_use`.
pub fn data_folder_taken(
    paths: &portal::catalogue::Paths,
    in_use: portal::catalogue::CatalogueError,
    then: &str,
) -> anyhow::Error {
    match serving_address(&paths.data_dir) {
        Some(address) => anyhow::anyhow!(
            "a portal is already serving the data folder {} at {address}; {then}",
            paths.data_dir.display()
        ),
        None => in_use.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Command {
        args::Args::try_parse_from(std::iter::once("portal").chain(args.iter().copied()))
            .unwrap()
            .into_command()
    }

    /// The command comes back unchanged from its wire form.
    fn check(args: &[&str]) {
        let command = parse(args);
        let wire = command_args(&command).unwrap();
        let again =
            args::Args::try_parse_from(std::iter::once("portal".to_string()).chain(wire.clone()))
                .unwrap()
                .into_command();
        assert_eq!(command, again, "{wire:?}");
    }

    #[test]
    fn commands_survive_their_wire_form() {
        check(&["import", "--publish", "/a/b.jsonl", "-", "/c d/e.jsonl"]);
        check(&["import", "--", "/a/-odd.jsonl"]);
        check(&["export"]);
        check(&["export", "--out", "/tmp/all.jsonl"]);
        check(&["search"]);
        check(&[
            "search",
            "--kind",
            "need,offer",
            "--kind=project",
            "--country",
            "Lao PDR",
            "--area",
            "victim-assistance",
            "--assistance",
            "training",
            "--submitter-type",
            "ngo",
            "--min-usd",
            "1000.5",
            "--max-usd",
            "1e9",
            "--sort",
            "amount",
            "--page",
            "3",
            "--per-page",
            "7",
            "--json",
            "--",
            "risk",
            "-word",
            "\"a phrase\"",
        ]);
        check(&["matches", "NEED-2026-0001", "--limit", "3", "--json"]);
        check(&["publish", "NEED-2026-0001", "OFFER-2026-0002"]);
        check(&["set-status", "withdrawn", "NEED-2026-0001"]);
        check(&["reindex"]);
        check(&["stats", "--json"]);
        check(&["demo", "--load", "--count", "5", "--seed", "7"]);
        check(&["set-password", "member"]);
        check(&["set-password", "admin", "isu.staff"]);
        check(&["set-password", "admin", "--", "-odd"]);
    }

    #[test]
    fn relative_paths_are_made_absolute() {
        let wire = command_args(&parse(&["import", "some/file.jsonl", "-"])).unwrap();
        let expected = std::env::current_dir().unwrap().join("some/file.jsonl");
        assert_eq!(wire[2..], [expected.to_str().unwrap(), "-"]);
        let wire = command_args(&parse(&["export", "--out", "all.jsonl"])).unwrap();
        let expected = std::env::current_dir().unwrap().join("all.jsonl");
        assert_eq!(wire[1], format!("--out={}", expected.display()));
    }

    #[test]
    fn a_request_with_a_field_not_known_is_refused() {
        let old_style = r#"{"args": ["import", "--", "-"], "stdin": "{}"}"#;
        let error = serde_json::from_str::<Request>(old_style).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `stdin`"),
            "{error}"
        );
        let request: Request = serde_json::from_str(r#"{"args": ["export"]}"#).unwrap();
        assert!(!request.input);
    }

    #[test]
    fn serve_is_never_sent() {
        assert!(command_args(&parse(&["serve"])).is_err());
    }
}
