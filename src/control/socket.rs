//! The server side of the control channel: the socket, its owner's only, and the
//! conversations on it: check the peer, read the request, run it on the blocking pool with the
//! input that follows, and pass on what it writes as it comes.

use std::fs::{self, Permissions};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixListener as StdUnixListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::frames::{FRAME_BYTES, Frame, FramedInput, InputPiece, frame_head};
use super::runner::Runner;
use super::{Request, socket_path};

/// The largest request line accepted: the command only (standard input follows in frames).
const MAX_REQUEST_BYTES: u64 = 1 << 20;
/// Frames on their way between the command and the socket: the command waits beyond this.
const FRAMES_IN_FLIGHT: usize = 8;
/// How long a stopping portal waits for a client to read the next frame of a command's output.
const STOPPING_PATIENCE: Duration = Duration::from_secs(5);

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
