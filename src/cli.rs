//! The subcommands: argument types and one function each. Glue only: the work is in the library.
//!
//! Every data command runs against a catalogue it is given and reads and writes the streams it
//! is given, so the same function serves a run in this process and a command that the running
//! portal receives through its control channel (`control`).

use std::fs::File;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use portal::access::{self, Account};
use portal::catalogue::{Catalogue, CatalogueError, ImportOptions, Lifespans, Paths};
use portal::clock::SystemClock;
use portal::corpus::{self, CorpusOptions};
use portal::demo::{self, DemoOptions};
use portal::index::OpenOutcome;
use portal::matching::{amount_text, usd_text};
use portal::reminders::{Mailer, ReminderSettings, Reminders};
use portal::review;
use portal::search::{Audience, Filters, Place, SearchRequest, SearchResults, Sort};
use portal::stats;
use portal::store::Delivery;
use portal::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};

use crate::control;
use crate::server;

/// The exit code of a command that did what it was asked.
pub const SUCCESS: u8 = 0;
/// The exit code of a command that failed, or did only part of what it was asked.
pub const FAILURE: u8 = 1;

/// The Cooperation Portal of the Convention on Cluster Munitions.
#[derive(Debug, Parser)]
#[command(name = "portal", version, about)]
pub struct Args {
    /// Folder of the database (the source of truth).
    #[arg(long, global = true, env = "PORTAL_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Folder of the search index (disposable: rebuilt from the database when needed).
    #[arg(long, global = true, env = "PORTAL_INDEX_DIR", default_value = "index")]
    index_dir: PathBuf,
    /// How many months a published or renewed submission stays current, by kind, e.g.
    /// `need=12,offer=12,project=24,funding-source=24` (kinds not named keep these defaults).
    #[arg(
        long,
        global = true,
        env = "PORTAL_LIFESPANS",
        value_name = "KIND=MONTHS,…",
        value_parser = Lifespans::parse,
        default_value = "need=12,offer=12,project=24,funding-source=24"
    )]
    lifespans: Lifespans,
    #[command(subcommand)]
    command: Command,
}

impl Args {
    /// The subcommand, without the global flags (the running portal has its own folders).
    pub fn into_command(self) -> Command {
        self.command
    }
}

/// A subcommand with its arguments.
#[derive(Debug, PartialEq, Subcommand)]
pub enum Command {
    /// Run the web portal; the other commands keep working, passed to it.
    ///
    /// While it runs, the other commands are passed to it through a socket in the data folder
    /// (`portal.sock`) that only the user running it can open. On the first start it makes a
    /// member password and an admin account `admin`, and prints their passwords once. Stop it
    /// with Ctrl-C or SIGTERM.
    Serve(ServeArgs),
    /// Import files: e-mails (.eml, mbox files, maildir folders), filled templates (.txt),
    /// IATI activity XML, or JSON Lines (the exchange format of `export`); folders too.
    ///
    /// Every e-mail is stored raw before it is read; one that cannot be read waits in the
    /// review queue ("needs attention") with its errors. Importing the same message or
    /// activity twice creates nothing new. Exits non-zero only when something could not even
    /// be stored.
    Import {
        /// Files or folders to import; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Publish at once what reads cleanly (trusted bulk loads), and apply updates and
        /// renewals; otherwise new submissions wait for review.
        #[arg(long)]
        publish: bool,
    },
    /// Move every submission past its expiry to the archive now (the running portal does
    /// this every minute). Nothing is deleted: archived submissions can be restored.
    Purge,
    /// Prepare the reminders now due and deliver every outstanding one (the running portal
    /// does this every minute, with its own settings).
    ///
    /// A reminder goes to a submission's contact a set number of days before it expires,
    /// once, with a link that renews it. It is sent over SMTP if a server is set, or else
    /// written as an .eml file to the outbox folder, for the ISU to send.
    Remind(MailArgs),
    /// Renew submissions (also restores archived ones): valid for their kind's lifespan from now.
    Renew {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// List what waits for the ISU: submissions to review, proposed updates and renewals,
    /// and messages that need attention.
    Queue {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write every submission, with its earlier versions, as JSON Lines.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Search what members can see.
    Search(SearchArgs),
    /// Show the offers and funding sources that fit a need, or the needs that fit an offer.
    Matches {
        id: String,
        /// How many matches to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Publish submissions that wait for review.
    Publish {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Set the status of submissions (withdrawn, rejected, pending, published).
    SetStatus {
        status: String,
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Rebuild the search index from the database into a new folder, then swap it in.
    Reindex,
    /// Copy the database, consistently, into a new folder (also while the portal runs).
    ///
    /// The copy is one moment's state of every table: submissions with their versions and
    /// audit trails, raw messages, passwords, sessions, tokens and reminders. The index is not
    /// copied; `restore` rebuilds it.
    Backup {
        /// A new or empty folder.
        dir: PathBuf,
    },
    /// Bring back a backup made by `portal backup` (stop the portal first).
    ///
    /// The current database is kept beside it as `portal.redb.before-restore-TIME`, and the
    /// index is set aside and rebuilt from the restored database.
    Restore { dir: PathBuf },
    /// Check that the search index agrees with the database: the same ids, each once, with
    /// the status and expiry that decide what members see. Exits non-zero on any difference
    /// (`portal reindex` repairs it).
    Check {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Counts and sums over the catalogue.
    Stats {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write fictitious demo submissions as JSON Lines (to standard output or --out), or
    /// load them into the catalogue with --load.
    Demo {
        #[arg(long, default_value_t = 2000)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(long, conflicts_with = "load")]
        out: Option<PathBuf>,
        /// Import them into the catalogue (as published) instead of writing them out.
        #[arg(long)]
        load: bool,
    },
    /// Write the benchmark corpus as JSON Lines (to standard output or --out): fictitious
    /// submissions with Zipf-distributed texts over the field's own words, for `portal import`.
    Corpus {
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Set or rotate a password (read from standard input), ending the sessions that used the
    /// old one.
    ///
    /// The new password is one line of standard input, never an argument (where other users
    /// could see it): e.g. `portal set-password member < file`. On a terminal it is asked for,
    /// and what you type is shown on the screen: make sure nobody is watching.
    SetPassword {
        #[command(subcommand)]
        account: PasswordAccount,
    },
}

/// Whose password `set-password` sets.
#[derive(Debug, PartialEq, Subcommand)]
pub enum PasswordAccount {
    /// The access password all member delegations share; every member session ends.
    Member,
    /// An ISU admin account (created if it does not exist); its sessions end.
    Admin {
        /// 1 to 64 letters, digits, dots, hyphens or underscores.
        name: String,
    },
}

/// The flags of `portal serve`.
#[derive(Debug, PartialEq, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub mail: MailArgs,
    /// After how many days the member password is due for rotation.
    #[arg(long, env = "PORTAL_ROTATION_DAYS", default_value_t = 90)]
    pub rotation_days: u32,
    /// Mark cookies Secure (set this when the portal is served over HTTPS); the variable
    /// takes true or false (or yes/no, on/off, 1/0).
    #[arg(long, env = "PORTAL_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// The address of a reverse proxy in front of the portal (repeat for several): only
    /// requests from it are believed about the client's address (`X-Forwarded-For`), which
    /// failed logins are counted by. Off by default: every other peer is the client.
    #[arg(
        long,
        env = "PORTAL_TRUSTED_PROXY",
        value_name = "ADDR",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Load N fictitious demo submissions first (seed 1), as `demo --load` does, if the
    /// catalogue is empty.
    #[arg(long, value_name = "N")]
    pub demo: Option<usize>,
    /// MiB of recent search result pages kept in memory for the search pages and the API;
    /// a page is answered from memory until something is written or one of its submissions
    /// expires. 0 keeps none.
    #[arg(long, env = "PORTAL_SEARCH_CACHE_MIB", default_value_t = 128)]
    pub search_cache_mib: usize,
    /// How log lines (on standard error) are written; `RUST_LOG` chooses which, default
    /// `info`.
    #[arg(long, env = "PORTAL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The ISU's address and how reminders are made and delivered (`serve` and `remind`).
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct MailArgs {
    /// The ISU's e-mail address: shown to the public for access requests and submissions;
    /// reminders come from it. The default is a placeholder: set it for real use.
    #[arg(long, env = "PORTAL_ISU_EMAIL", default_value = "isu@example.org")]
    pub isu_email: String,
    /// The portal's address as members reach it, e.g. https://portal.example.org; renewal
    /// links in reminders start with it. Default: http:// and the address `serve` listens on.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days before expiry at which a reminder goes to the submission's contact.
    #[arg(
        long,
        env = "PORTAL_REMIND_DAYS",
        value_delimiter = ',',
        default_value = "30,7"
    )]
    pub remind_days: Vec<u32>,
    /// Send reminders through this SMTP server: smtp://host:25,
    /// smtp://user:password@host:587?tls=required or smtps://user:password@host. Without it,
    /// reminders are written as .eml files to the outbox folder.
    #[arg(long, env = "PORTAL_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Where reminders are written as .eml files when no SMTP server is set.
    /// Default: the outbox folder in the data folder.
    #[arg(long, env = "PORTAL_OUTBOX")]
    pub outbox: Option<PathBuf>,
}

impl MailArgs {
    /// The reminders these flags describe; links start with `public_url` unless the flags
    /// name one.
    pub fn reminders(&self, data_dir: &Path, default_public_url: &str) -> Result<Reminders> {
        let settings = ReminderSettings {
            days_before: self.remind_days.clone(),
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| default_public_url.to_string()),
            isu_email: self.isu_email.clone(),
            ..ReminderSettings::default()
        }
        .normalised()?;
        let mailer = match &self.smtp_url {
            Some(url) => Mailer::smtp(url)?,
            None => Mailer::Outbox(
                self.outbox
                    .clone()
                    .unwrap_or_else(|| data_dir.join("outbox")),
            ),
        };
        Ok(Reminders { settings, mailer })
    }
}

/// How `portal serve` writes its log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// The arguments of `portal search`.
#[derive(Debug, PartialEq, clap::Args)]
pub struct SearchArgs {
    /// Keywords: words, "phrases", AND, OR, -word.
    pub query: Vec<String>,
    /// need, offer, project or funding-source (repeatable).
    #[arg(long)]
    pub kind: Vec<String>,
    /// Beneficiary country (ISO alpha-3 or name) or region (UN M49 code or name) (repeatable).
    #[arg(long)]
    pub country: Vec<String>,
    /// Area of work, e.g. victim-assistance (repeatable).
    #[arg(long)]
    pub area: Vec<String>,
    /// Kind of assistance, e.g. training (repeatable).
    #[arg(long)]
    pub assistance: Vec<String>,
    /// Submitter type, e.g. state-party or ngo (repeatable).
    #[arg(long)]
    pub submitter_type: Vec<String>,
    #[arg(long)]
    pub min_usd: Option<f64>,
    #[arg(long)]
    pub max_usd: Option<f64>,
    /// Only what expires within this many days.
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// Only what was renewed within this many days.
    #[arg(long, value_name = "DAYS")]
    pub renewed_within: Option<u32>,
    /// relevance, newest, expiring or amount.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    #[arg(long, default_value_t = 20)]
    pub per_page: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

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

/// Runs the subcommand: `serve` serves; writing demo content needs no catalogue; every other
/// command runs here if the data folder is free, or is passed to the portal running on it.
pub fn run(args: Args) -> Result<ExitCode> {
    let paths = Paths {
        data_dir: args.data_dir,
        index_dir: args.index_dir,
    };
    match args.command {
        Command::Serve(serve_args) => server::serve(&paths, args.lifespans, serve_args),
        Command::Restore { dir } => {
            let restored =
                Catalogue::restore(&paths, &dir, chrono::Utc::now()).map_err(|e| match e {
                    CatalogueError::InUse(_) => data_folder_taken(
                        &paths,
                        e,
                        "stop it (Ctrl-C where it runs, or SIGTERM) before restoring a backup \
                         into its data folder",
                    ),
                    other => other.into(),
                })?;
            // Open once, so the index is rebuilt now rather than at the next start.
            let (catalogue, _) = Catalogue::open(&paths, Arc::new(SystemClock))?;
            let visible = catalogue.search(&SearchRequest::default())?.total;
            println!(
                "restored {} submissions (change {}) from {}; the index was rebuilt ({} visible to members)",
                restored.submissions,
                restored.seq,
                dir.display(),
                visible
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            count,
            seed,
            out,
            load: false,
        } => with_local_streams(|streams| write_demo(streams, count, seed, out.as_deref())),
        Command::Corpus { size, seed, out } => {
            with_local_streams(|streams| write_corpus(streams, size, seed, out.as_deref()))
        }
        command => match Catalogue::open(&paths, Arc::new(SystemClock)) {
            Ok((mut catalogue, outcome)) => {
                catalogue.set_lifespans(args.lifespans);
                if let OpenOutcome::Rebuilt { reason } = outcome
                    && catalogue.store().read()?.count()? > 0
                {
                    eprintln!("portal: rebuilt the search index because {reason}");
                }
                with_local_streams(|streams| execute(command, &catalogue, &paths.data_dir, streams))
            }
            Err(in_use @ CatalogueError::InUse(_)) => {
                match send_to_running_portal(&paths, &command)? {
                    Some(code) => Ok(code),
                    None => Err(in_use.into()),
                }
            }
            Err(other) => Err(other.into()),
        },
    }
}

/// Why a command that cannot be passed to a running portal (`serve`, `restore`) finds the data
/// folder taken: a portal serving it (with its address, and `then`: what to do), or `in_use`.
pub fn data_folder_taken(paths: &Paths, in_use: CatalogueError, then: &str) -> anyhow::Error {
    match control::serving_address(&paths.data_dir) {
        Some(address) => anyhow::anyhow!(
            "a portal is already serving the data folder {} at {address}; {then}",
            paths.data_dir.display()
        ),
        None => in_use.into(),
    }
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
        } => import(catalogue, streams, &files, publish),
        Command::Export { out } => export(catalogue, streams, out.as_deref()),
        Command::Search(search_args) => search(catalogue, streams, &search_args),
        Command::Matches { id, limit, json } => matches(catalogue, streams, &id, limit, json),
        Command::Publish { ids } => set_status(catalogue, streams, Status::Published, &ids),
        Command::SetStatus { status, ids } => {
            set_status(catalogue, streams, Status::parse(&status)?, &ids)
        }
        Command::Reindex => reindex(catalogue, streams),
        Command::Backup { dir } => {
            let backup = catalogue.backup(&dir)?;
            writeln!(
                streams.out,
                "backed up {} submissions ({} rows in {} tables, change {}) to {}",
                backup.submissions,
                backup.rows,
                backup.tables,
                backup.seq,
                backup.file.display()
            )?;
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
        Command::Corpus { size, seed, out } => write_corpus(streams, size, seed, out.as_deref()),
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

/// Passes the command to the portal running on the data folder, with what it needs of standard
/// input, and prints its answer. `None` when no portal answers there.
fn send_to_running_portal(paths: &Paths, command: &Command) -> Result<Option<ExitCode>> {
    let args = control::command_args(command)?;
    let Some(connection) = control::connect(&paths.data_dir)? else {
        return Ok(None);
    };
    // Standard input is read only now that a portal has answered, so nobody types a password
    // for nothing. A password is asked for here, where the terminal is; an import's input is
    // passed on as the command reads it.
    let input: Option<Box<dyn Read + Send>> = match command {
        Command::SetPassword { .. } => Some(Box::new(io::Cursor::new(
            read_password_from_stdin()? + "\n",
        ))),
        Command::Import { paths: files, .. } if files.iter().any(|f| f.as_os_str() == "-") => {
            Some(Box::new(io::stdin()))
        }
        _ => None,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let code = connection.send(args, input, &mut out, &mut io::stderr())?;
    out.flush().context("cannot write to standard output")?;
    Ok(Some(ExitCode::from(code)))
}

fn read_password_from_stdin() -> Result<String> {
    let stdin = io::stdin();
    let input_is_terminal = stdin.is_terminal();
    read_password(&mut Streams {
        input: &mut stdin.lock(),
        input_is_terminal,
        out: &mut io::sink(),
        err: &mut io::stderr(),
        progress: false,
    })
}

fn import(
    catalogue: &Catalogue,
    streams: &mut Streams,
    files: &[PathBuf],
    publish: bool,
) -> Result<u8> {
    let options = ImportOptions { publish };
    let mut report = review::IntakeReport::default();
    let progress = progress_bar(streams, Some(files.len() as u64), "importing");
    for file in files {
        if catalogue.is_stopping() {
            report.stopped = true;
            break;
        }
        if file.as_os_str() == "-" {
            review::import_input(
                catalogue,
                streams.input,
                "standard input",
                options,
                &mut report,
            );
        } else {
            review::import_path(catalogue, file, options, &mut report);
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    for line in &report.filed {
        writeln!(streams.out, "{line}")?;
    }
    if report.filed_not_listed > 0 {
        writeln!(
            streams.out,
            "… and {} more messages (`portal queue` lists what waits)",
            report.filed_not_listed
        )?;
    }
    for (location, problem) in &report.problems {
        writeln!(streams.err, "{location}: {problem}")?;
    }
    for (location, warning) in &report.warnings {
        writeln!(streams.err, "{location}: warning: {warning}")?;
    }
    writeln!(
        streams.out,
        "{} stored, {} updated, {} duplicates, {} waiting for review of an update or renewal, {} need attention, {} not stored",
        report.stored,
        report.updated,
        report.duplicates,
        report.waiting,
        report.needs_attention,
        report
            .problems
            .len()
            .saturating_sub(report.needs_attention as usize)
    )?;
    if report.stopped {
        writeln!(
            streams.err,
            "The import stopped early because the portal is stopping: what is counted above is \
             stored; run the same import again to add the rest (what is already stored counts as \
             duplicates)."
        )?;
    }
    Ok(if report.failed_to_store || report.stopped {
        FAILURE
    } else {
        SUCCESS
    })
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
            reminder.expires_at.format("%Y-%m-%d")
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
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        writeln!(streams.out, "{id}: renewed, valid until {until}")?;
    }
    Ok(SUCCESS)
}

fn show_queue(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let queue = review::queue(catalogue)?;
    if json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&queue)?)?;
        return Ok(SUCCESS);
    }
    writeln!(
        streams.out,
        "{} for review",
        agreeing(queue.pending.len(), "submission waits", "submissions wait")
    )?;
    for s in &queue.pending {
        writeln!(
            streams.out,
            "  {}  {}  ({}, received {})",
            s.id,
            s.title,
            s.submitter.organisation,
            s.timestamps.received_at.format("%Y-%m-%d")
        )?;
    }
    writeln!(
        streams.out,
        "{}",
        agreeing(queue.messages.len(), "message waits", "messages wait")
    )?;
    for m in &queue.messages {
        let state = match &m.outcome {
            portal::store::MessageOutcome::NeedsAttention { errors } => {
                format!("needs attention: {}", errors.join("; "))
            }
            portal::store::MessageOutcome::UpdateProposed { id, .. } => {
                format!("proposes an update of {id}")
            }
            portal::store::MessageOutcome::RenewalRequested { id } => {
                format!("asks to renew {id}")
            }
            _ => "received, not yet read".to_string(),
        };
        writeln!(
            streams.out,
            "  message {}  {}  from {}: {state}",
            m.number,
            m.origin,
            m.sender.as_deref().unwrap_or("(no sender)")
        )?;
    }
    Ok(SUCCESS)
}

fn export(catalogue: &Catalogue, streams: &mut Streams, out: Option<&Path>) -> Result<u8> {
    match out {
        Some(path) => {
            // Write to a temporary file and rename, so a failed export never leaves half a file.
            let temporary = path.with_extension("jsonl.tmp");
            let file = File::create(&temporary)
                .with_context(|| format!("cannot create {}", temporary.display()))?;
            let mut writer = BufWriter::new(file);
            let count = catalogue.export(&mut writer)?;
            writer.flush()?;
            std::fs::rename(&temporary, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                streams.err,
                "exported {count} submissions to {}",
                path.display()
            )?;
        }
        None => {
            catalogue.export(&mut *streams.out)?;
        }
    }
    Ok(SUCCESS)
}

fn search(catalogue: &Catalogue, streams: &mut Streams, args: &SearchArgs) -> Result<u8> {
    let request = search_request(args)?;
    let results = catalogue.search(&request)?;
    if args.json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&results)?)?;
    } else {
        print_results(streams.out, &results, &request)?;
    }
    Ok(SUCCESS)
}

fn search_request(args: &SearchArgs) -> Result<SearchRequest> {
    fn all<T: Vocabulary>(values: &[String]) -> Result<Vec<T>> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|v| T::parse(v).map_err(anyhow::Error::from))
            .collect()
    }
    let places = args
        .country
        .iter()
        .flat_map(|v| v.split(','))
        .map(|v| {
            Place::parse(v).with_context(|| {
                let hint = portal::codes::did_you_mean(&portal::codes::suggest_places(v))
                    .map(|question| format!("; {question}"))
                    .unwrap_or_default();
                format!("unknown country or region \"{v}\"{hint}")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let Some(sort) = Sort::parse(&args.sort) else {
        bail!(
            "unknown sort \"{}\"; accepted: relevance, newest, expiring, amount",
            args.sort
        );
    };
    if args.page == 0 {
        bail!("--page starts at 1");
    }
    Ok(SearchRequest {
        text: args.query.join(" "),
        filters: Filters {
            kinds: all::<Kind>(&args.kind)?,
            places,
            areas: all::<Area>(&args.area)?,
            assistance: all::<Assistance>(&args.assistance)?,
            submitter_types: all::<SubmitterType>(&args.submitter_type)?,
            min_usd: args.min_usd,
            max_usd: args.max_usd,
            expiring_within_days: args.expiring_within,
            renewed_within_days: args.renewed_within,
            ..Filters::default()
        },
        sort,
        offset: (args.page - 1).saturating_mul(args.per_page),
        limit: args.per_page,
        audience: Audience::Members,
    })
}

fn print_results(
    out: &mut dyn Write,
    results: &SearchResults,
    request: &SearchRequest,
) -> io::Result<()> {
    writeln!(
        out,
        "{} found; showing {}–{}",
        results.total,
        (request.offset + 1).min(results.total as usize),
        request.offset + results.hits.len()
    )?;
    for hit in &results.hits {
        let s = &hit.submission;
        writeln!(out)?;
        writeln!(out, "{}  {}  [{}]", s.id, s.title, s.kind.label())?;
        writeln!(
            out,
            "    {} · {} · {}{}",
            s.submitter.organisation,
            places_text(s),
            amount_text(s),
            valid_until_text(s)
        )?;
        let snippet = hit.snippet.fragment.replace('\n', " ");
        if !snippet.is_empty() {
            writeln!(out, "    {snippet}")?;
        }
    }
    let facets = &results.facets;
    writeln!(out)?;
    fn counted<T: std::fmt::Display>(items: &[(T, u64)]) -> Vec<String> {
        items
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(item, n)| format!("{item} {n}"))
            .collect()
    }
    facet_line(out, "kind", counted(&facets.kind))?;
    let mut countries: Vec<String> = facets
        .country
        .iter()
        .take(12)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    if facets.global > 0 {
        countries.push(format!("global {}", facets.global));
    }
    facet_line(out, "country", countries)?;
    facet_line(out, "area", counted(&facets.area))?;
    facet_line(out, "assistance", counted(&facets.assistance))?;
    facet_line(out, "submitter type", counted(&facets.submitter_type))?;
    facet_line(
        out,
        "funding",
        facets
            .funding
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(b, n)| format!("{} {n}", b.label()))
            .collect(),
    )
}

fn facet_line(out: &mut dyn Write, name: &str, items: Vec<String>) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "{name}: {}", items.join(", "))
}

fn places_text(s: &Submission) -> String {
    let b = &s.beneficiaries;
    let mut parts: Vec<String> = b.countries.clone();
    parts.extend(
        b.regions
            .iter()
            .map(|r| portal::codes::region(r).map_or(r.clone(), |region| region.name.to_string())),
    );
    if b.global {
        parts.push("global".to_string());
    }
    parts.join(", ")
}

fn valid_until_text(s: &Submission) -> String {
    s.timestamps
        .expires_at
        .map(|t| format!(" · valid until {}", t.format("%Y-%m-%d")))
        .unwrap_or_default()
}

fn matches(
    catalogue: &Catalogue,
    streams: &mut Streams,
    id: &str,
    limit: usize,
    json: bool,
) -> Result<u8> {
    let subject = catalogue.get(id)?;
    let found = catalogue.matches(id, limit)?;
    let out = &mut *streams.out;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        return Ok(SUCCESS);
    }
    writeln!(
        out,
        "{} matches for {}  {}",
        found.len(),
        subject.id,
        subject.title
    )?;
    for m in &found {
        let s = &m.submission;
        writeln!(out)?;
        writeln!(out, "{}  {}  [{}]", s.id, s.title, s.kind.label())?;
        writeln!(out, "    {} · {}", s.submitter.organisation, amount_text(s))?;
        for reason in &m.reasons {
            writeln!(out, "    - {reason}")?;
        }
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

fn check(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let check = catalogue.check_index()?;
    if json {
        writeln!(streams.out, "{}", serde_json::to_string_pretty(&check)?)?;
    } else {
        writeln!(
            streams.out,
            "database: {} submissions (change {}); index: {} documents (change {}); {} visible to members",
            check.stored, check.store_seq, check.indexed, check.indexed_seq, check.visible
        )?;
        for (what, ids) in [
            ("missing from the index", &check.missing),
            ("in the index but not to be indexed", &check.unexpected),
            ("indexed with another status or expiry", &check.stale),
            ("indexed more than once", &check.duplicated),
        ] {
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
                let more = ids.len() - shown.len();
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                writeln!(
                    streams.out,
                    "{} {what}: {}{more}",
                    ids.len(),
                    shown.join(", ")
                )?;
            }
        }
    }
    if check.agrees() {
        if !json {
            writeln!(streams.out, "the index agrees with the database")?;
        }
        Ok(SUCCESS)
    } else {
        writeln!(
            streams.err,
            "portal: the index disagrees with the database; `portal reindex` rebuilds it"
        )?;
        Ok(FAILURE)
    }
}

fn show_stats(catalogue: &Catalogue, streams: &mut Streams, json: bool) -> Result<u8> {
    let stats = catalogue.stats()?;
    let out = &mut *streams.out;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?;
        return Ok(SUCCESS);
    }
    writeln!(out, "{} submissions in all", stats.total)?;
    for (status, n) in &stats.by_status {
        writeln!(out, "  {status}: {n}")?;
    }
    writeln!(out, "Visible to members, by kind:")?;
    for (kind, n) in &stats.visible_by_kind {
        writeln!(out, "  {kind}: {n}")?;
    }
    writeln!(
        out,
        "By area of work (USD sought by needs / offered by offers and funding sources):"
    )?;
    for (area, balance) in &stats.usd_by_area {
        writeln!(
            out,
            "  {}: {} / {}",
            stats::area_label(area),
            usd_text(balance.sought),
            usd_text(balance.offered)
        )?;
    }
    let needs = stats.visible_by_kind.get("need").copied().unwrap_or(0);
    writeln!(
        out,
        "Needs with at least one fitting offer or funding source: {} of {needs}; with one \
         written for their country or region (not only open to every country): {} of {needs}",
        stats.needs_with_match, stats.needs_with_written_match,
    )?;
    for (area, matched) in &stats.matched_needs_by_area {
        writeln!(
            out,
            "  {}: {} of {}, {} written for their place",
            stats::area_label(area),
            matched.with_match,
            matched.needs,
            matched.with_written_match
        )?;
    }
    writeln!(
        out,
        "By country (needs / offers and funding sources naming it; {} more open to every country):",
        stats.offers_global
    )?;
    let countries: std::collections::BTreeSet<&String> = stats
        .needs_by_country
        .keys()
        .chain(stats.offers_by_country.keys())
        .collect();
    for country in countries {
        writeln!(
            out,
            "  {country}: {} / {}",
            stats.needs_by_country.get(country).copied().unwrap_or(0),
            stats.offers_by_country.get(country).copied().unwrap_or(0)
        )?;
    }
    writeln!(out, "Published, by quarter (visible now):")?;
    if stats.published_earlier > 0 {
        writeln!(out, "  earlier: {}", stats.published_earlier)?;
    }
    for (quarter, n) in &stats.published_by_quarter {
        writeln!(out, "  {quarter}: {n}")?;
    }
    Ok(SUCCESS)
}

fn write_demo(streams: &mut Streams, count: usize, seed: u64, out: Option<&Path>) -> Result<u8> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    write_json_lines(streams, demo::generate(&options), out)
}

/// The benchmark corpus, generated for its fixed date (`corpus::default_now`) so that every
/// benchmark sees the same records.
fn write_corpus(streams: &mut Streams, size: usize, seed: u64, out: Option<&Path>) -> Result<u8> {
    let options = CorpusOptions {
        size,
        seed,
        now: corpus::default_now(),
    };
    write_json_lines(streams, corpus::generate(&options), out)
}

fn write_json_lines(
    streams: &mut Streams,
    submissions: impl Iterator<Item = Submission>,
    out: Option<&Path>,
) -> Result<u8> {
    let mut file;
    let writer: &mut dyn Write = match out {
        Some(path) => {
            file = BufWriter::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            );
            &mut file
        }
        None => &mut *streams.out,
    };
    for submission in submissions {
        serde_json::to_writer(&mut *writer, &submission)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    Ok(SUCCESS)
}

/// Loads `count` fictitious demo submissions (`demo --load`, `serve --demo N`).
pub fn load_demo(
    catalogue: &Catalogue,
    data_dir: &Path,
    streams: &mut Streams,
    count: usize,
    seed: u64,
) -> Result<u8> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    let records = demo::generate(&options)
        .enumerate()
        .map(|(i, mut submission)| {
            submission.provenance.file = Some(format!("seed {seed} record {}", i + 1));
            portal::catalogue::IncomingRecord {
                location: format!("demo record {}", i + 1),
                record: Ok(submission.into()),
            }
        });
    let progress = progress_bar(streams, Some(count as u64), "loading demo content");
    let report = catalogue.import(records, ImportOptions { publish: false }, &mut |n| {
        progress.set_position(n)
    })?;
    progress.finish_and_clear();
    for (location, error) in &report.rejected {
        writeln!(streams.err, "{location}: {error}")?;
    }
    let out = &mut *streams.out;
    writeln!(
        out,
        "Loaded {} fictitious demo submissions ({} updated, {} unchanged) into {}.",
        report.stored,
        report.updated,
        report.duplicates,
        data_dir.display()
    )?;
    writeln!(out, "Try:  portal search \"risk education\" --country Laos")?;
    writeln!(
        out,
        "      portal search --kind offer --area victim-assistance --sort amount"
    )?;
    writeln!(out, "      portal stats")?;
    Ok(SUCCESS)
}

fn set_password(
    catalogue: &Catalogue,
    streams: &mut Streams,
    account: &PasswordAccount,
) -> Result<u8> {
    let account = match account {
        PasswordAccount::Member => Account::Member,
        PasswordAccount::Admin { name } => Account::admin(name)?,
    };
    let password = read_password(streams)?;
    access::set_password(catalogue, &account, &password)?;
    match &account {
        Account::Member => writeln!(
            streams.out,
            "The member password is set; every member session has ended."
        )?,
        Account::Admin(name) => writeln!(
            streams.out,
            "The password of admin account '{name}' is set; its sessions have ended."
        )?,
    }
    Ok(SUCCESS)
}

/// Reads a new password: one line of standard input, without its line ending. On a terminal it
/// asks for it first (what is typed is shown: no crate for hidden input is used).
pub fn read_password(streams: &mut Streams) -> Result<String> {
    if streams.input_is_terminal {
        write!(
            streams.err,
            "New password (at least {} characters; it is shown as you type): ",
            access::MIN_PASSWORD_CHARS
        )?;
        streams.err.flush()?;
    }
    let mut line = String::new();
    let read = streams
        .input
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    if read == 0 {
        bail!(
            "no password on standard input; type it, or pipe it in, e.g. \
             `portal set-password member < file-with-the-password`"
        );
    }
    let password = line
        .strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(&line);
    Ok(password.to_string())
}

/// Midnight UTC today: demo content made on the same day is the same.
fn start_of_today() -> chrono::DateTime<chrono::Utc> {
    let today = chrono::Utc::now().date_naive();
    today.and_time(chrono::NaiveTime::MIN).and_utc()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn password_from(input: &str) -> Result<String> {
        read_password(&mut Streams {
            input: &mut input.as_bytes(),
            input_is_terminal: false,
            out: &mut io::sink(),
            err: &mut io::sink(),
            progress: false,
        })
    }

    #[test]
    fn a_password_is_one_line_without_its_line_ending() {
        assert_eq!(password_from("secret words\n").unwrap(), "secret words");
        assert_eq!(password_from("secret words\r\n").unwrap(), "secret words");
        assert_eq!(password_from("no newline").unwrap(), "no newline");
        assert_eq!(password_from("first\nsecond\n").unwrap(), "first");
        assert_eq!(password_from(" spaces kept \n").unwrap(), " spaces kept ");
        assert!(password_from("").is_err());
    }

    #[test]
    fn the_argument_definitions_are_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
