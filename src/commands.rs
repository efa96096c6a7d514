//! The subcommands: argument types and one function each. Glue only: the work is in the library.
//!
//! Every data command runs against a catalogue it is given and reads and writes the streams it
//! is given, so the same function serves a run in this process and a command that the running
//! portal receives through its control channel (`control`).
//!
//! By family: `exchange` (import, export, demo content), `reports` (search, matches, queue,
//! check, stats), `passwords` (set-password); the catalogue's upkeep (publish, renew, purge,
//! remind, reindex, backup) is here.

mod exchange;
mod passwords;
mod reports;

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use portal::backups::{self, LocalBackup, Manifest, s3::Remote};
use portal::catalogue::Catalogue;
use portal::reminders::Reminders;
use portal::store::Delivery;
use portal::submission::{Status, Vocabulary};
use portal::text;

use crate::args::Command;

pub use exchange::{load_demo, write_demo};
pub use passwords::read_password_from_stdin;

use exchange::{export, import};
use passwords::set_password;
use reports::{check, matches, search, show_queue, show_stats};

/// The exit code of a command that did what it was asked.
pub const SUCCESS: u8 = 0;

/// The exit code of a command that failed, or did only part of what it was asked.
pub const FAILURE: u8 = 1;

/// Where a command reads and writes: this process's own streams, or buffers when the running
/// portal runs a command for the control channel.
pub struct Streams<'a> {
    /// Standard input (`import -`, `set-password`).
    pub input: &'a mut dyn BufRead,
    /// Whether standard input is a terminal, where a password must be asked for.
    pub input_is_terminal: bool,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Whether progress bars may be drawn (on standard error, when it is a terminal).
    pub progress: bool,
}

/// Runs a command that needs the catalogue. Errors are returned, not printed: the caller
/// prints them (`error_line`).
pub fn execute(
    command: Command,
    catalogue: &Catalogue,
    data_dir: &Path,
    streams: &mut Streams,
) -> Result<u8> {
    match command {
        Command::Import {
            paths: files,
            publish,
            no_answers: false,
        } => import(catalogue, streams, &files, publish),
        Command::Import {
            paths: files,
            publish,
            no_answers: true,
        } => portal::catalogue::without_letters(|| import(catalogue, streams, &files, publish)),
        Command::Export { out } => export(catalogue, streams, out.as_deref()),
        Command::Search(search_args) => search(catalogue, streams, &search_args),
        Command::Matches { id, limit, json } => matches(catalogue, streams, &id, limit, json),
        Command::Publish { ids } => set_status(catalogue, streams, Status::Published, &ids),
        Command::SetStatus { status, ids } => {
            set_status(catalogue, streams, Status::parse(&status)?, &ids)
        }
        Command::Reindex => reindex(catalogue, streams),
        Command::Backup { dir, to } => {
            // The S3 settings are checked before anything is copied.
            let remote = to.as_deref().map(Remote::from_url).transpose()?;
            let now = chrono::Utc::now();
            let backup = catalogue.backup(&dir)?;
            let manifest = Manifest::write_for(&dir, &backup, now)?;
            writeln!(
                streams.out,
                "backed up {} submissions ({} rows in {} tables, change {}) to {}",
                backup.submissions,
                backup.rows,
                backup.tables,
                backup.seq,
                backup.file.display()
            )?;
            if let Some(remote) = remote {
                let made = LocalBackup {
                    name: backups::backup_name(now),
                    dir: dir.clone(),
                    manifest,
                };
                backups::block_on(remote.upload(&made))??;
                writeln!(
                    streams.out,
                    "uploaded to {}/{} and verified",
                    remote.url(),
                    made.name
                )?;
            }
            Ok(SUCCESS)
        }
        Command::Restore { .. } => {
            bail!("`portal restore` cannot run inside a running portal: stop it first")
        }
        Command::Check { json } => check(catalogue, streams, json),
        Command::Queue { json } => show_queue(catalogue, streams, json),
        Command::Purge => purge(catalogue, streams),
        Command::Remind(mail) => {
            let reminders = mail.reminders(data_dir, DEFAULT_PUBLIC_URL)?;
            remind(catalogue, streams, &reminders)
        }
        Command::Renew { ids } => renew(catalogue, streams, &ids),
        Command::Stats { json } => show_stats(catalogue, streams, json),
        Command::Demo {
            count,
            seed,
            out,
            load: false,
        } => write_demo(streams, count, seed, out.as_deref()),
        Command::Demo {
            count,
            seed,
            load: true,
            ..
        } => load_demo(catalogue, data_dir, streams, count, seed),
        Command::SetPassword { account } => set_password(catalogue, streams, &account),
        Command::Serve(_) => bail!("`portal serve` cannot be run inside a running portal"),
    }
}

/// "1 message waits", "2 messages wait": a count with the words that agree with it.
fn agreeing(n: usize, one: &str, more: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { more })
}

/// An error and its causes, on one line, as `portal` prints it. A cause that its error's own
/// message already ends with (`"cannot use X: {source}"`) is not said twice.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::from("portal: ");
    let mut said = String::new();
    for cause in error.chain().map(|cause| cause.to_string()) {
        if !said.is_empty() && said.ends_with(&cause) {
            continue;
        }
        if !said.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&cause);
        said = cause;
    }
    line
}

/// Runs `work` with this process's standard streams, and flushes what it wrote.
pub fn with_local_streams(work: impl FnOnce(&mut Streams) -> Result<u8>) -> Result<ExitCode> {
    let stdin = io::stdin();
    let input_is_terminal = stdin.is_terminal();
    let mut input = stdin.lock();
    let mut out = BufWriter::new(io::stdout());
    let mut err = io::stderr();
    let result = work(&mut Streams {
        input: &mut input,
        input_is_terminal,
        out: &mut out,
        err: &mut err,
        progress: io::stderr().is_terminal(),
    });
    let flushed = out.flush();
    let code = result?;
    flushed.context("cannot write to standard output")?;
    Ok(ExitCode::from(code))
}

fn purge(catalogue: &Catalogue, streams: &mut Streams) -> Result<u8> {
    let archived = catalogue.purge_expired("command line (purge)")?;
    writeln!(
        streams.out,
        "{} expired submissions moved to the archive",
        archived.len()
    )?;
    for id in &archived {
        writeln!(streams.out, "  {id}")?;
    }
    Ok(SUCCESS)
}

/// Where renewal links point when nothing says otherwise: the address `serve` listens on by
/// default.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Prepares the reminders due and delivers the outstanding ones, saying what became of each.
pub fn remind(catalogue: &Catalogue, streams: &mut Streams, reminders: &Reminders) -> Result<u8> {
    let run = reminders.run(catalogue)?;
    writeln!(
        streams.out,
        "{} reminders prepared; {} delivered or tried; reminders are {}",
        run.prepared.len(),
        run.delivered.len(),
        reminders.mailer.describe()
    )?;
    let mut failed = false;
    for reminder in &run.delivered {
        let to = reminder.to.as_deref().unwrap_or("no address");
        let what = match &reminder.delivery {
            Delivery::Prepared => "prepared".to_string(),
            Delivery::Sent { server, .. } => format!("sent via {server}"),
            Delivery::Written { file, .. } => format!("written to the outbox as {file}"),
            Delivery::Failed { error, .. } => {
                failed = true;
                format!("not delivered, tried again later: {error}")
            }
            Delivery::Undeliverable { reason } => format!("not sent: {reason}"),
        };
        writeln!(
            streams.out,
            "  {} ({} days before {}), to {to}: {what}",
            reminder.id,
            reminder.stage_days,
            text::iso_day(reminder.expires_at)
        )?;
    }
    Ok(if failed { FAILURE } else { SUCCESS })
}

fn renew(catalogue: &Catalogue, streams: &mut Streams, ids: &[String]) -> Result<u8> {
    for id in ids {
        let renewed = catalogue.renew_by("command line (renew)", id)?;
        let until = renewed
            .timestamps
            .expires_at
            .map(text::iso_day)
            .unwrap_or_default();
        writeln!(streams.out, "{id}: renewed, valid until {until}")?;
    }
    Ok(SUCCESS)
}

fn set_status(
    catalogue: &Catalogue,
    streams: &mut Streams,
    status: Status,
    ids: &[String],
) -> Result<u8> {
    for id in ids {
        let submission = catalogue.set_status_by("command line", id, status)?;
        writeln!(
            streams.out,
            "{}: {}",
            submission.id,
            submission.status.label()
        )?;
    }
    Ok(SUCCESS)
}

fn reindex(catalogue: &Catalogue, streams: &mut Streams) -> Result<u8> {
    let total = catalogue.store().read()?.count()?;
    let progress = progress_bar(streams, Some(total), "indexing");
    let started = std::time::Instant::now();
    catalogue.reindex(&mut |done, _| progress.set_position(done))?;
    progress.finish_and_clear();
    writeln!(
        streams.err,
        "reindexed {total} submissions in {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    Ok(SUCCESS)
}

/// A progress bar on a terminal; nothing at all otherwise (nor for the control channel).
fn progress_bar(streams: &Streams, total: Option<u64>, what: &str) -> ProgressBar {
    if !streams.progress {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{msg} {pos} ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message(what.to_string());
    bar
}
