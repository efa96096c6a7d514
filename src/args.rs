//! The command line's arguments (clap): the subcommands and their flags.
//!
//! A subcommand is also what the control channel carries to the running portal (serde, as
//! JSON): `Command` and the argument types it holds serialise field by field, with the names of
//! the command line (`set-status`, `remind-days`), and refuse a field they do not know.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde::{Deserialize, Serialize};

use portal::catalogue::Lifespans;
use portal::reminders::{Mailer, ReminderSettings, Reminders};

mod mailbox;
mod tls;
pub use mailbox::MailboxArgs;
pub use tls::{Prepared, TlsArgs};

/// The Cooperation Portal of the Convention on Cluster Munitions.
#[derive(Debug, Parser)]
#[command(name = "portal", version, about)]
pub struct Args {
    /// Folder of the database (the source of truth).
    #[arg(long, global = true, env = "PORTAL_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Folder of the search index (disposable: rebuilt from the database when needed).
    #[arg(long, global = true, env = "PORTAL_INDEX_DIR", default_value = "index")]
    pub index_dir: PathBuf,
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
    pub lifespans: Lifespans,
    #[command(subcommand)]
    pub command: Command,
}

impl Args {
    /// Parses the command line (exiting with clap's message if it cannot), noting which
    /// reminder flags were given.
    pub fn read() -> Args {
        let matches = Args::command().get_matches();
        Args::from_matches(&matches).unwrap_or_else(|error| error.exit())
    }

    /// Parses `args` (the program's name first) as [`Args::read`] does.
    #[cfg(test)]
    pub fn try_read_from<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Args::from_matches(&Args::command().try_get_matches_from(args)?)
    }

    fn from_matches(matches: &ArgMatches) -> Result<Args, clap::Error> {
        let mut args = Args::from_arg_matches(matches)?;
        if let (Command::Remind(mail), Some(("remind", remind))) =
            (&mut args.command, matches.subcommand())
        {
            mail.given = MailArgs::given_in(remind);
        }
        Ok(args)
    }

    /// The subcommand, without the global flags (the running portal has its own folders).
    pub fn into_command(self) -> Command {
        self.command
    }
}

/// A subcommand with its arguments.
#[derive(Debug, PartialEq, Subcommand, Serialize, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case",
    deny_unknown_fields
)]
pub enum Command {
    /// Run the web portal; the other commands keep working, passed to it.
    ///
    /// While it runs, the other commands are passed to it through a socket in the data folder
    /// (`portal.sock`) that only the user running it can open. On the first start it makes a
    /// member password and an admin account `admin`, and prints their passwords once. Stop it
    /// with Ctrl-C or SIGTERM.
    Serve(Box<ServeArgs>),
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
        /// Write no answers to the senders of these e-mails (an old archive, say). Otherwise
        /// each sender gets a receipt or what needs correcting, as `PORTAL_ANSWERS` (or the
        /// running portal's `--answers`) says; the letters go out when the portal serves.
        #[arg(long)]
        #[serde(default)]
        no_answers: bool,
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
        /// Also upload it to S3-compatible object storage, s3://BUCKET/PREFIX, and verify it
        /// (settings from the AWS environment variables, as for `serve --backup-to`).
        #[arg(long, value_name = "s3://BUCKET/PREFIX")]
        #[serde(default)]
        to: Option<String>,
    },
    /// Bring back a backup made by `portal backup` or `serve --backup-every` (stop the portal
    /// first): a backup folder, a folder of scheduled backups (the newest), or
    /// s3://BUCKET/PREFIX[/backup-TIME] (the newest there unless named).
    ///
    /// Every file is checked against the backup's manifest (SHA-256) before anything is
    /// replaced. The current database is kept beside it as `portal.redb.before-restore-TIME`,
    /// and the index is set aside and rebuilt from the restored database.
    Restore {
        #[arg(value_name = "DIR|s3://BUCKET/PREFIX[/NAME]")]
        dir: PathBuf,
    },
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
#[derive(Debug, PartialEq, Subcommand, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
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
#[derive(Debug, PartialEq, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub mail: MailArgs,
    /// After how many days the member password is due for rotation.
    #[arg(long, env = "PORTAL_ROTATION_DAYS", default_value_t = 90)]
    pub rotation_days: u32,
    /// Rotate the member password on its own when it is older than --rotation-days: a new
    /// random one, sent at once to every focal point (checked every minute). The variable
    /// takes true or false.
    #[arg(long, env = "PORTAL_ROTATE_MEMBER_PASSWORD", value_parser = clap::builder::BoolishValueParser::new())]
    #[serde(default)]
    pub rotate_member_password: bool,
    /// Mark cookies Secure (set this when the portal is served over HTTPS); the variable
    /// takes true or false (or yes/no, on/off, 1/0).
    #[arg(long, env = "PORTAL_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// The address of a reverse proxy in front of the portal (repeat, or separate with
    /// commas, for several): only requests from it are believed about the client: its address
    /// (`Forwarded: for=` or `X-Forwarded-For`), which failed logins are counted by, and
    /// whether it came over HTTPS (`proto=` or `X-Forwarded-Proto`: Secure cookies, HSTS).
    /// Off by default: every peer is the client, and those headers are ignored.
    #[arg(
        long,
        env = "PORTAL_TRUSTED_PROXY",
        value_name = "ADDR",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// A file holding the token that lets a scraper read /metrics from elsewhere than this
    /// machine (`Authorization: Bearer TOKEN`); at least 16 visible characters. Without it,
    /// only a request straight from this machine (a loopback peer, no proxy's forwarding
    /// headers) may read /metrics.
    #[arg(long, env = "PORTAL_METRICS_TOKEN_FILE", value_name = "FILE")]
    pub metrics_token_file: Option<PathBuf>,
    /// /readyz answers 503 ("reminders") when a reminder whose delivery keeps failing is still
    /// not delivered this many hours after it was prepared (0: at its first failure).
    #[arg(long, env = "PORTAL_REMINDER_STUCK_HOURS", value_name = "HOURS", default_value_t = portal::health::REMINDER_STUCK_HOURS)]
    pub reminder_stuck_hours: u32,
    /// HTTPS: certificate files or ACME, and the redirecting plain-HTTP listener.
    #[command(flatten)]
    pub tls: TlsArgs,
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
    #[command(flatten)]
    pub backups: BackupArgs,
    /// Which answers go to people who send submissions by e-mail, comma-separated: receipt,
    /// attention (what needs correcting), published, rejected; or all, or none.
    #[arg(long, env = "PORTAL_ANSWERS", default_value = "all", value_parser = answers_value)]
    pub answers: String,
    /// The ISU's mailbox, read over IMAP.
    #[command(flatten)]
    pub mailbox: MailboxArgs,
}

/// Checks a value of `--answers` (and `PORTAL_ANSWERS`): unknown names are refused by name.
pub fn answers_value(text: &str) -> Result<String, String> {
    portal::answers::Which::parse(text).map(|_| text.to_string())
}

/// Backups on a schedule (`serve`).
#[derive(Debug, Clone, PartialEq, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BackupArgs {
    /// Make a consistent backup this often, e.g. 24h, 30m or 2s, into a new folder
    /// `backup-TIME` in --backup-dir (the first at once, unless the newest there is younger).
    #[arg(long, env = "PORTAL_BACKUP_EVERY", value_name = "DURATION", value_parser = portal::backups::parse_every, requires = "backup_dir")]
    pub backup_every: Option<std::time::Duration>,
    /// How many scheduled backups to keep (in the folder, and uploaded); older ones are removed.
    #[arg(long, env = "PORTAL_BACKUP_KEEP", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..))]
    pub backup_keep: u32,
    /// The folder of the scheduled backups. Only folders the portal made there (named
    /// `backup-TIME`, with a manifest) are ever removed.
    #[arg(
        long,
        env = "PORTAL_BACKUP_DIR",
        value_name = "DIR",
        requires = "backup_every"
    )]
    pub backup_dir: Option<PathBuf>,
    /// Also upload each backup to S3-compatible object storage, s3://BUCKET/PREFIX, and verify
    /// it. Endpoint, region and credentials come from the AWS environment variables
    /// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL; an http://
    /// endpoint only with AWS_ALLOW_HTTP=true).
    #[arg(
        long,
        env = "PORTAL_BACKUP_TO",
        value_name = "s3://BUCKET/PREFIX",
        requires = "backup_every"
    )]
    pub backup_to: Option<String>,
}

impl BackupArgs {
    /// The schedule these flags describe, if any; a bad S3 URL or setting is refused here.
    pub fn schedule(&self) -> Result<Option<portal::backups::Schedule>> {
        let (Some(every), Some(dir)) = (self.backup_every, &self.backup_dir) else {
            return Ok(None);
        };
        let remote = match &self.backup_to {
            Some(url) => Some(std::sync::Arc::new(portal::backups::s3::Remote::from_url(
                url,
            )?)),
            None => None,
        };
        Ok(Some(portal::backups::Schedule {
            every,
            keep: self.backup_keep as usize,
            dir: std::path::absolute(dir)?,
            remote,
        }))
    }
}

/// The ISU's address and how reminders are made and delivered (`serve` and `remind`).
#[derive(Debug, Clone, PartialEq, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MailArgs {
    /// The ISU's e-mail address: shown to the public for access requests and submissions;
    /// reminders come from it. The default is a placeholder: set it for real use.
    #[arg(long, env = "PORTAL_ISU_EMAIL", default_value = DEFAULT_ISU_EMAIL)]
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
        default_value = DEFAULT_REMIND_DAYS
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
    /// The flags above that were given (`--remind-days`, …), on the command line or in the
    /// environment, rather than left at their defaults: the running portal refuses those it
    /// cannot honour, also when they name a default (`--remind-days 30,7`) it does not use.
    /// Filled in by [`Args::read`].
    #[arg(skip)]
    pub given: Vec<String>,
}

/// The default of `--isu-email`.
pub const DEFAULT_ISU_EMAIL: &str = "isu@example.org";
/// The default of `--remind-days`.
pub const DEFAULT_REMIND_DAYS: &str = "30,7";

impl MailArgs {
    /// The flags given in `matches` (of `remind`), rather than left at their defaults.
    fn given_in(matches: &ArgMatches) -> Vec<String> {
        use clap::Args as _;
        MailArgs::augment_args(clap::Command::new("remind"))
            .get_arguments()
            .filter(|arg| {
                matches!(
                    matches.value_source(arg.get_id().as_str()),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                )
            })
            .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
            .collect()
    }

    /// Whether `flag` (`--remind-days`, …) was given, or has a value other than its default.
    pub fn sets(&self, flag: &str) -> bool {
        let other_than_default = match flag {
            "--remind-days" => {
                let days: Vec<String> = self.remind_days.iter().map(u32::to_string).collect();
                days.join(",") != DEFAULT_REMIND_DAYS
            }
            "--isu-email" => self.isu_email != DEFAULT_ISU_EMAIL,
            "--public-url" => self.public_url.is_some(),
            "--smtp-url" => self.smtp_url.is_some(),
            "--outbox" => self.outbox.is_some(),
            _ => false,
        };
        other_than_default || self.given.iter().any(|given| given == flag)
    }

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// The arguments of `portal search`.
#[derive(Debug, PartialEq, clap::Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
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
    #[serde(with = "amount_text")]
    pub min_usd: Option<f64>,
    #[arg(long)]
    #[serde(with = "amount_text")]
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

/// An amount on the wire as the text Rust writes it, which reads back as the same number:
/// JSON has no NaN or infinity (both read here), and a JSON number may read back a unit in the
/// last place off.
mod amount_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &Option<f64>, to: S) -> Result<S::Ok, S::Error> {
        match amount {
            Some(amount) => to.serialize_some(&amount.to_string()),
            None => to.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Option<f64>, D::Error> {
        Option::<String>::deserialize(from)?
            .map(|text| text.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_definitions_are_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
