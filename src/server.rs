//! `portal serve`: the web portal and the control channel, in the one process that holds the
//! data folder. Glue only: the pages are `portal::web`, the commands `cli` and `control`.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use portal::access::{self, Account, SessionTimeouts};
use portal::catalogue::{Catalogue, CatalogueError, Lifespans, Paths};
use portal::clock::SystemClock;
use portal::index::OpenOutcome;
use portal::metrics::{Metrics, MetricsToken};
use portal::reminders::Reminders;
use portal::store::Delivery;
use portal::web::{AppState, Config};

use crate::args::{LogFormat, Prepared, ServeArgs};
use crate::commands;
use crate::control::{self, ControlSocket, Runner};

mod https;

/// Runs the portal until Ctrl-C or SIGTERM.
pub fn serve(paths: &Paths, lifespans: Lifespans, args: ServeArgs) -> Result<ExitCode> {
    start_logging(args.log_format);
    // Made first, so that the process's start time it gives is the process's.
    let metrics = Arc::new(Metrics::new());
    // Settings first: a mistyped one stops the start before anything is opened.
    let metrics_token = match &args.metrics_token_file {
        Some(file) => Some(MetricsToken::read(file).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let wanted = args.tls.https()?;
    let tls = wanted.prepare()?;
    let backups = args
        .backups
        .schedule()
        .context("the backup settings are not usable")?;
    let mailbox = args.mailbox.settings()?;
    let reminders = args
        .mail
        .reminders(&paths.data_dir, &wanted.default_public_url(&args.addr))
        .context("the reminder settings are not usable")?;
    // Links and the cross-origin check use its origin.
    portal::web::public_origin(&reminders.settings.public_url)
        .map_err(|why| anyhow::anyhow!("--public-url: {why}"))?;
    let (mut catalogue, outcome) =
        Catalogue::open(paths, Arc::new(SystemClock)).map_err(|error| match error {
            CatalogueError::InUse(_) => control::data_folder_taken(
                paths,
                error,
                "open that address, or stop that portal (Ctrl-C where it runs, or SIGTERM) \
                 before starting another; commands such as `import` and `queue` are passed to it",
            ),
            other => other.into(),
        })?;
    catalogue.set_lifespans(lifespans);
    portal::answers::Answers {
        which: portal::answers::Which::parse(&args.answers)
            .map_err(|why| anyhow::anyhow!("--answers: {why}"))?,
        isu_email: args.mail.isu_email.clone(),
    }
    .install(&mut catalogue);
    catalogue.set_search_cache_bytes(args.search_cache_mib.saturating_mul(1024 * 1024));
    if let OpenOutcome::Rebuilt { reason } = outcome
        && catalogue.store().read()?.count()? > 0
    {
        tracing::info!(%reason, "rebuilt the search index");
    }
    // Bind both sockets before anything else, so a port in use fails the start before any
    // password is made. Connections that come meanwhile wait until the portal is ready.
    let listener = std::net::TcpListener::bind(&args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let redirect = https::bind_redirect(args.tls.http_addr.as_deref())?;
    let socket = ControlSocket::bind(&paths.data_dir)?;
    if let Some(count) = args.demo
        && catalogue.store().read()?.count()? == 0
    {
        commands::with_local_streams(|streams| {
            commands::load_demo(&catalogue, &paths.data_dir, streams, count, 1)
        })?;
    }
    let created = access::ensure_initial_passwords(&catalogue)
        .context("cannot set up the first passwords")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Catalogue calls run on the blocking pool. Two cores gain nothing from hundreds of
        // threads, and every thread lets the allocator keep memory of its own.
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?;
    let ready = Ready {
        catalogue: Arc::new(catalogue),
        reminders: Arc::new(reminders),
        web: listener,
        tls,
        redirect,
        control: socket,
        new_passwords: created,
        metrics,
        metrics_token,
        backups,
        mailbox,
    };
    runtime.block_on(run(ready, &paths.data_dir, args))?;
    Ok(ExitCode::SUCCESS)
}

/// The most threads that run catalogue calls at once; more requests wait their turn.
const BLOCKING_THREADS: usize = 16;

/// What `serve` prepares before the async runtime starts.
struct Ready {
    catalogue: Arc<Catalogue>,
    reminders: Arc<Reminders>,
    web: std::net::TcpListener,
    /// HTTPS, its certificate read and checked.
    tls: Prepared,
    /// The plain-HTTP listener that redirects to HTTPS (`--http-addr`).
    redirect: Option<std::net::TcpListener>,
    control: ControlSocket,
    /// The passwords generated on the first start, shown once the portal is ready.
    new_passwords: Vec<(Account, String)>,
    metrics: Arc<Metrics>,
    metrics_token: Option<MetricsToken>,
    /// When and where to make backups (`--backup-every`), if at all.
    backups: Option<portal::backups::Schedule>,
    /// The ISU's mailbox (`--imap-url`), if any.
    mailbox: Option<portal::mailbox::Settings>,
}

/// Structured log lines on standard error; `RUST_LOG` chooses which (default `info`).
fn start_logging(format: LogFormat) {
    let filter = match EnvFilter::try_from_default_env() {
        Ok(filter) => filter,
        Err(error) => {
            if std::env::var_os(EnvFilter::DEFAULT_ENV).is_some() {
                eprintln!("portal: RUST_LOG is not understood ({error}); logging at info");
            }
            EnvFilter::new("info")
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal());
    let started = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if let Err(error) = started {
        eprintln!("portal: logging is not available: {error}");
    }
}

/// What the portal says on its standard output once it is ready: what it holds, where it
/// answers and, on the first start, the passwords generated. Printed last, after the start-up
/// work, so that nothing scrolls them away.
fn print_ready(address: &str, holdings: &str, new_passwords: &[(Account, String)]) {
    println!();
    println!("{holdings}");
    if !new_passwords.is_empty() {
        println!("First start: these passwords were generated and are shown only now.");
        for (account, password) in new_passwords {
            match account {
                Account::Member => println!("  Member access password: {password}"),
                Account::Admin(name) => {
                    println!("  Admin account '{name}' password: {password}")
                }
            }
        }
        println!(
            "Change them with `portal set-password member` and `portal set-password admin NAME` \
             (each reads the new password from standard input)."
        );
    }
    let login = if new_passwords.iter().any(|(a, _)| *a == Account::Member) {
        "log in with the member password above, or as admin"
    } else {
        "set or rotate passwords with `portal set-password member` or \
         `portal set-password admin NAME`"
    };
    println!("Cooperation Portal listening on {address} — {login}. It keeps running until Ctrl-C.");
    println!();
}

/// One line on what the catalogue holds: searchable, waiting, archived.
fn holdings(catalogue: &Catalogue) -> String {
    let stats = match catalogue.stats() {
        Ok(stats) => stats,
        Err(error) => return format!("(could not count the submissions: {error})"),
    };
    let status = |name: &str| stats.by_status.get(name).copied().unwrap_or(0);
    let thousands = portal::text::thousands;
    format!(
        "The catalogue holds {} submissions: {} searchable by members, {} waiting for review, \
         {} archived (expired), {} withdrawn or rejected.",
        thousands(stats.total),
        thousands(stats.visible_by_kind.values().sum()),
        thousands(status("pending")),
        thousands(status("expired") + status("published-but-expired")),
        thousands(status("withdrawn") + status("rejected")),
    )
}

/// Serves the web and the control channel until a signal, then stops both.
async fn run(ready: Ready, data_dir: &Path, args: ServeArgs) -> Result<()> {
    let shutdown = shutdown_signal()?;
    // SIGHUP reloads certificate files; without them it keeps its usual meaning.
    let hangups = match ready.tls {
        Prepared::Files(_) => Some(
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                .context("cannot listen for SIGHUP")?,
        ),
        _ => None,
    };
    let secure = !matches!(ready.tls, Prepared::Off);
    let web = ready.web;
    let listener = web
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(web))
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let address = listener.local_addr()?;
    let catalogue = ready.catalogue;
    let url = format!("{}://{address}/", if secure { "https" } else { "http" });
    let address_file = AddressFile::write(data_dir, &url);
    let reminders = ready.reminders;
    tracing::info!(
        %address,
        isu_email = %args.mail.isu_email,
        reminders = %reminders.mailer.describe(),
        answers = %args.answers,
        "listening"
    );

    let (stop, stopped) = watch::channel(false);
    let runner = Arc::new(Runner::new(
        catalogue.clone(),
        data_dir.to_path_buf(),
        reminders.clone(),
    ));
    let control = tokio::spawn(control::serve(ready.control, runner, stopped));
    // The search tables are built on first use; build them now, while the portal already
    // answers, so the first search does not wait for them.
    let warming = catalogue.index();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = warming.warm() {
            tracing::warn!(%error, "could not prepare the search tables ahead");
        }
    });
    // The first round of archiving and reminders runs now, and the portal says it is ready
    // (with the passwords of a first start) only after it, so that they stay on screen.
    let new_passwords = ready.new_passwords;
    let announcing = catalogue.clone();
    let on_first_round = move || {
        let holdings = holdings(&announcing);
        print_ready(&url, &holdings, &new_passwords);
    };
    let clean_up = tokio::spawn(look_after_lifespans(
        catalogue.clone(),
        reminders.clone(),
        ready.metrics.clone(),
        on_first_round,
    ));
    let letters = tokio::spawn(deliver_letters(catalogue.clone(), reminders.clone()));
    let rotating = tokio::spawn(portal::access_requests::look_after_rotation(
        catalogue.clone(),
        args.rotate_member_password.then_some(args.rotation_days),
        args.mail.isu_email.clone(),
    ));
    let stopping = catalogue.clone();
    let backing_up = ready.backups.map(|schedule| {
        tracing::info!(every = ?schedule.every, keep = schedule.keep, dir = %schedule.dir.display(),
            to = schedule.remote.as_ref().map(|r| r.url()), "backups scheduled");
        tokio::spawn(portal::backups::run_schedule(catalogue.clone(), schedule))
    });
    let reading_mail = ready.mailbox.map(|settings| {
        tracing::info!(mailbox = %settings.describe(), "reading the ISU's mailbox");
        tokio::spawn(portal::mailbox::run(catalogue.clone(), Arc::new(settings)))
    });

    let mut state = AppState::new(
        catalogue,
        Config {
            isu_email: args.mail.isu_email.clone(),
            rotation_days: args.rotation_days,
            secure_cookies: args.secure_cookies || secure,
            trusted_proxies: args.trusted_proxy.clone(),
            reminder_days: reminders.settings.days_before.clone(),
            reminder_delivery: reminders.mailer.describe(),
            public_url: reminders.settings.public_url.clone(),
            metrics_token: ready.metrics_token,
            reminder_stuck_after: chrono::Duration::hours(i64::from(args.reminder_stuck_hours)),
            ..Config::default()
        },
    );
    state.metrics = ready.metrics;
    let app = portal::web::app(state);
    // On the signal, long work (imports, archiving, reminders) is asked to stop at once, so
    // that the requests and commands the portal then waits for end within seconds.
    let signalled = stopping.clone();
    let (redirect_stop, redirect_stopping) = watch::channel(false);
    let redirecting = https::spawn_redirect(
        ready.redirect,
        &reminders.settings.public_url,
        redirect_stopping,
    )?;
    let shutdown = async move {
        shutdown.await;
        signalled.stop_background_work();
        let _ = redirect_stop.send(true);
    };
    https::serve_web(ready.tls, listener, app, data_dir, hangups, shutdown).await;
    if let Some(redirecting) = redirecting {
        let _ = redirecting.await;
    }

    // The web has stopped (normally on a signal); close the control channel too, after the
    // commands already running. Archiving and reminders stop after their current batch or
    // reminder (the rest waits for the next start; members never see what expired).
    stopping.stop_background_work();
    clean_up.abort();
    letters.abort();
    rotating.abort();
    if let Some(backing_up) = backing_up {
        backing_up.abort();
    }
    if let Some(reading_mail) = reading_mail {
        reading_mail.abort();
    }
    let _ = stop.send(true);
    match control.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::error!(error = %commands::error_line(&error), "the control channel failed")
        }
        Err(error) => tracing::error!(%error, "the control channel failed"),
    }
    drop(address_file);
    tracing::info!("stopped");
    Ok(())
}

/// The serving portal's address in the data folder ([`control::ADDRESS_FILE`]), removed when
/// it stops.
struct AddressFile(Option<std::path::PathBuf>);

impl AddressFile {
    fn write(data_dir: &Path, url: &str) -> AddressFile {
        let path = data_dir.join(control::ADDRESS_FILE);
        match std::fs::write(&path, format!("{url}\n")) {
            Ok(()) => AddressFile(Some(path)),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "cannot write the address file");
                AddressFile(None)
            }
        }
    }
}

impl Drop for AddressFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM. The handlers are installed at once, before anything is bound,
/// so a signal that comes as soon as the portal answers is never missed.
fn shutdown_signal() -> Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt =
        signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C (SIGINT)")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down");
    })
}

/// How often the portal looks for letters to deliver (answers, confirmation links): soon
/// enough that a person waiting for a link gets it at once.
const LETTER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// Every two seconds, for as long as the portal runs: delivers the outstanding letters with
/// the reminders' mailer.
async fn deliver_letters(catalogue: Arc<Catalogue>, reminders: Arc<Reminders>) {
    let mut ticks = tokio::time::interval(LETTER_INTERVAL);
    loop {
        ticks.tick().await;
        let (catalogue, reminders) = (catalogue.clone(), reminders.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            portal::mail::deliver_letters(&catalogue, &reminders.mailer)
        })
        .await;
        match outcome {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(%error, "delivering letters failed"),
            Err(error) => tracing::error!(%error, "the letter task failed"),
        }
    }
}

/// How often the portal archives expired submissions and sends the reminders due. Members
/// stop seeing a submission the second it expires whatever this is; it only tidies up.
const CLEAN_UP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Every minute, for as long as the portal runs: archives what expired, then prepares the
/// reminders due and delivers those outstanding. `on_first_round` runs once, after the first.
async fn look_after_lifespans(
    catalogue: Arc<Catalogue>,
    reminders: Arc<Reminders>,
    metrics: Arc<Metrics>,
    on_first_round: impl FnOnce() + Send + 'static,
) {
    let mut on_first_round = Some(on_first_round);
    let mut ticks = tokio::time::interval(CLEAN_UP_INTERVAL);
    loop {
        ticks.tick().await;
        let (catalogue, reminders) = (catalogue.clone(), reminders.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            let archived = catalogue.purge_expired("portal (expiry)");
            let reminded = reminders.run(&catalogue);
            // Sessions nobody came back to are removed here, not only when used again.
            match access::purge_ended_sessions(&catalogue, SessionTimeouts::default()) {
                Ok(0) => {}
                Ok(count) => tracing::debug!(count, "ended sessions removed"),
                Err(error) => tracing::warn!(%error, "cannot remove ended sessions"),
            }
            (archived, reminded)
        })
        .await;
        match outcome {
            Ok((archived, reminded)) => {
                if let Ok(run) = &reminded {
                    metrics.reminders(run);
                }
                log_round(archived, reminded)
            }
            Err(error) => tracing::error!(%error, "the expiry and reminder task failed"),
        }
        if let Some(announce) = on_first_round.take() {
            // What expired or fell due while the portal was stopped is dealt with.
            tracing::info!("expiries and reminders up to date");
            let _ = tokio::task::spawn_blocking(announce).await;
        }
    }
}

/// One line for what a round archived, one for the reminders it handled (each reminder on a
/// line of its own at debug level), and a warning for each delivery that failed.
fn log_round(
    archived: portal::catalogue::Result<Vec<String>>,
    reminded: portal::reminders::Result<portal::reminders::Run>,
) {
    match archived {
        Ok(ids) if !ids.is_empty() => {
            tracing::info!(count = ids.len(), "archived expired submissions")
        }
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "archiving expired submissions failed"),
    }
    let run = match reminded {
        Ok(run) => run,
        Err(error) => {
            tracing::error!(%error, "preparing or delivering reminders failed");
            return;
        }
    };
    let mut failed = 0;
    // A reminder whose contact cannot be addressed is recorded as not sent when prepared.
    for reminder in &run.prepared {
        if let Delivery::Undeliverable { reason } = &reminder.delivery {
            tracing::warn!(id = %reminder.id, %reason, "a reminder cannot be delivered");
        }
    }
    let unaddressed = run
        .prepared
        .iter()
        .filter(|r| matches!(r.delivery, Delivery::Undeliverable { .. }))
        .count();
    for reminder in &run.delivered {
        tracing::debug!(
            id = %reminder.id,
            stage_days = reminder.stage_days,
            delivery = ?reminder.delivery,
            "reminder"
        );
        match &reminder.delivery {
            Delivery::Failed {
                error, attempts, ..
            } => {
                failed += 1;
                tracing::warn!(id = %reminder.id, attempts, %error, "a reminder could not be delivered");
            }
            Delivery::Undeliverable { reason } => {
                failed += 1;
                tracing::warn!(id = %reminder.id, %reason, "a reminder cannot be delivered");
            }
            _ => {}
        }
    }
    if failed + unaddressed > 0 {
        tracing::warn!(
            prepared = run.prepared.len(),
            delivered = run.delivered.len() - failed,
            failed = failed + unaddressed,
            "reminders, some not delivered"
        );
    } else if !run.prepared.is_empty() || !run.delivered.is_empty() {
        tracing::info!(
            prepared = run.prepared.len(),
            delivered = run.delivered.len() - failed,
            failed,
            "reminders"
        );
    }
}
