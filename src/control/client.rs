//! The client side of the control channel: a command made ready for the running portal (file
//! paths made absolute, what cannot be passed refused), sent with its standard input, and its
//! answer written out as it comes.

use std::io::{self, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::frames::{FRAME_BYTES, Frame, frame_head};
use super::{Request, socket_path};
use crate::args::Command;

/// `command` as the running portal is to run it: with relative file paths made absolute (its
/// working directory may differ from ours). Refuses what cannot be passed to it (`serve`,
/// `restore`), and a path that is not UTF-8, which the request cannot carry.
pub fn for_running_portal(command: Command) -> Result<Command> {
    // Every field that holds a path is named (no `..`), so a new one cannot be forgotten here
    // silently.
    Ok(match command {
        Command::Import {
            paths,
            publish,
            no_answers,
        } => Command::Import {
            paths: paths
                .into_iter()
                .map(|path| {
                    if path.as_os_str() == "-" {
                        Ok(path)
                    } else {
                        absolute(&path)
                    }
                })
                .collect::<Result<_>>()?,
            publish,
            no_answers,
        },
        Command::Export { out } => Command::Export {
            out: out.as_deref().map(absolute).transpose()?,
        },
        Command::Backup { dir, to } => Command::Backup {
            dir: absolute(&dir)?,
            to,
        },
        Command::Remind(mut mail) => {
            mail.outbox = mail.outbox.as_deref().map(absolute).transpose()?;
            Command::Remind(mail)
        }
        Command::Demo {
            count,
            seed,
            out,
            load,
        } => Command::Demo {
            count,
            seed,
            out: out.as_deref().map(absolute).transpose()?,
            load,
        },
        Command::Restore { .. } => {
            bail!(
                "stop the running portal first: a backup is restored into a data folder no portal uses"
            )
        }
        Command::Serve(_) => bail!("`portal serve` cannot be passed to a running portal"),
        other @ (Command::Purge
        | Command::Renew { .. }
        | Command::Queue { .. }
        | Command::Search(_)
        | Command::Matches { .. }
        | Command::Publish { .. }
        | Command::SetStatus { .. }
        | Command::Reindex
        | Command::Check { .. }
        | Command::Stats { .. }
        | Command::SetPassword { .. }) => other,
    })
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path)
        .with_context(|| format!("cannot tell where {} is", path.display()))?;
    if absolute.to_str().is_none() {
        bail!(
            "the path {} is not UTF-8, so it cannot be passed to the running portal",
            absolute.display()
        );
    }
    Ok(absolute)
}

/// An open connection to the running portal.
#[derive(Debug)]
pub struct Connection {
    stream: UnixStream,
    socket: PathBuf,
}

/// Connects to the portal serving `data_dir`; `None` when none listens there (no socket file,
/// or a stale one).
pub fn connect(data_dir: &Path) -> Result<Option<Connection>> {
    let socket = socket_path(data_dir);
    match UnixStream::connect(&socket) {
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
    /// Sends the command (as [`for_running_portal`] makes it) and `input` as its standard
    /// input, and writes the command's output to `out` and `err` as it comes, however long the
    /// command takes; returns its exit code.
    ///
    /// `input` is sent from a thread of its own while the output comes back, and only as fast
    /// as the command reads it. The command may end before reading all of it (a failure): that
    /// thread is then left to end with the process.
    pub fn send(
        self,
        command: Command,
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
            command,
            input: input.is_some(),
        };
        let mut line = serde_json::to_vec(&request)?;
        line.push(b'\n');
        (&self.stream).write_all(&line).with_context(lost)?;
        if let Some(input) = input {
            let socket = self.stream.try_clone().with_context(lost)?;
            std::thread::spawn(move || send_input(input, socket));
        }
        let mut reader = BufReader::new(&self.stream);
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
fn send_input(mut input: Box<dyn Read + Send>, mut socket: UnixStream) {
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

fn write_input_frame(socket: &mut UnixStream, bytes: &[u8]) -> io::Result<()> {
    socket.write_all(&frame_head(Frame::INPUT, bytes)?)?;
    socket.write_all(bytes)
}
