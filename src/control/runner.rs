//! The server side's runner: each command that arrives runs through the same
//! `commands::execute` as a run in a process of its own, one that changes the catalogue at a
//! time, with the running portal's own reminder settings.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use portal::catalogue::Catalogue;
use portal::reminders::Reminders;

use super::frames::{Frame, FrameWriter, FramedInput};
use super::{Request, command_name};
use crate::args::{Command, MailArgs};
use crate::commands::{self, Streams};

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

/// The flags of `portal remind` that choose how it reminds, in the order a refusal names them.
const REMINDER_FLAGS: [&str; 5] = [
    "--remind-days",
    "--isu-email",
    "--public-url",
    "--smtp-url",
    "--outbox",
];

impl Runner {
    pub fn new(catalogue: Arc<Catalogue>, data_dir: PathBuf, reminders: Arc<Reminders>) -> Runner {
        Runner {
            catalogue,
            data_dir,
            reminders,
            turn: Mutex::new(()),
        }
    }

    /// Runs one request with `input` as its standard input, sending what it writes as frames,
    /// its exit code last. Blocks: call it on the blocking pool.
    pub(super) fn run(
        &self,
        request: Request,
        mut input: FramedInput,
        frames: mpsc::Sender<Frame>,
    ) {
        let mut out = FrameWriter::new(Frame::Out, frames.clone());
        let mut err = FrameWriter::new(Frame::Err, frames.clone());
        let code = self.execute(request.command, &mut input, &mut out, &mut err);
        // If the client went away, nobody is left to tell.
        let _ = out.flush().and_then(|()| err.flush());
        let _ = frames.blocking_send(Frame::Code(code));
    }

    fn execute(
        &self,
        command: Command,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        if matches!(command, Command::Serve(_)) {
            let _ = writeln!(
                err,
                "portal: `portal serve` cannot be run through the control channel: a portal is \
                 already running on this data folder"
            );
            return commands::FAILURE;
        }
        let name = command_name(&command);
        let turn = changes_the_catalogue(&command)
            .then(|| self.turn.lock().unwrap_or_else(PoisonError::into_inner));
        // A command that waited for its turn runs only if someone still waits for it: a
        // `publish` whose client gave up (Ctrl-C) must not change the catalogue later, unseen.
        if turn.is_some() && self.catalogue.is_stopping() {
            tracing::info!(
                command = name.as_str(),
                "did not run a command from the control channel: its client went away (or the \
                 portal is stopping) while it waited for its turn"
            );
            // Nobody may be left to read this.
            let _ = writeln!(
                err,
                "portal: the command was not run: it waited for its turn while the client went \
                 away or the portal began to stop"
            );
            return commands::FAILURE;
        }
        let mut streams = Streams {
            input,
            input_is_terminal: false,
            out,
            err,
            progress: false,
        };
        let result = match command {
            Command::Remind(mail) => match self.unhonoured_reminder_flags(&mail) {
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
            command = name.as_str(),
            code,
            "ran a command from the control channel"
        );
        code
    }

    /// Why `portal remind`'s flags cannot be honoured: the running portal reminds with its own
    /// settings, so a flag given (`mail.given`, or a value other than the default) that asks
    /// for others is refused rather than ignored.
    fn unhonoured_reminder_flags(&self, mail: &MailArgs) -> Option<String> {
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
        let refused: Vec<&str> = REMINDER_FLAGS
            .into_iter()
            .filter(|flag| mail.sets(flag) && differs(flag))
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
