//! `portal`: the command line. Parses arguments, and runs the subcommand here or passes it to
//! the portal serving the same data folder.

mod args;
mod commands;
mod control;
mod server;

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use tempfile::TempDir;

use portal::catalogue::{Catalogue, CatalogueError, Paths};
use portal::clock::SystemClock;
use portal::index::OpenOutcome;
use portal::search::SearchRequest;

use args::{Args, Command};
use commands::{execute, read_password_from_stdin, with_local_streams, write_demo};
use control::data_folder_taken;

/// mimalloc instead of the system allocator (see `portal::Allocator`).
#[global_allocator]
static ALLOCATOR: portal::Allocator = portal::Allocator {};

fn main() -> ExitCode {
    // Whatever the portal writes (database, index, outbox, backups, exports) is its user's alone.
    portal::permissions::restrict_new_files();
    let args = Args::read();
    match run(args) {
        Ok(code) => code,
        Err(error) => {
            // One clear line: the error and its causes.
            eprintln!("{}", commands::error_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// Runs the subcommand: `serve` serves; writing demo content needs no catalogue; every other
/// command runs here if the data folder is free, or is passed to the portal running on it.
pub fn run(args: Args) -> Result<ExitCode> {
    let paths = Paths {
        data_dir: args.data_dir,
        index_dir: args.index_dir,
    };
    match args.command {
        Command::Serve(serve_args) => server::serve(&paths, args.lifespans, *serve_args),
        Command::Restore { dir } => {
            // A backup in object storage is downloaded and checked first, a local one checked
            // against its manifest: nothing is replaced before every file matches.
            let (source, _download) = backup_source(&paths, &dir)?;
            let restored =
                Catalogue::restore(&paths, &source, chrono::Utc::now()).map_err(|e| match e {
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
        command => match Catalogue::open(&paths, Arc::new(SystemClock)) {
            Ok((mut catalogue, outcome)) => {
                catalogue.set_lifespans(args.lifespans);
                // Answers written here (an import's receipts, a publication) go out when the
                // portal next serves.
                local_answers()?.install(&mut catalogue);
                if let OpenOutcome::Rebuilt { reason } = outcome
                    && catalogue.store().read()?.count()? > 0
                {
                    eprintln!("portal: rebuilt the search index because {reason}");
                }
                with_local_streams(|streams| execute(command, &catalogue, &paths.data_dir, streams))
            }
            Err(in_use @ CatalogueError::InUse(_)) => {
                match send_to_running_portal(&paths, command)? {
                    Some(code) => Ok(code),
                    None => Err(in_use.into()),
                }
            }
            Err(other) => Err(other.into()),
        },
    }
}

/// The answers a command run here writes (`PORTAL_ANSWERS`, default all), from the ISU's
/// address (`PORTAL_ISU_EMAIL`).
fn local_answers() -> Result<portal::answers::Answers> {
    let which = match std::env::var("PORTAL_ANSWERS") {
        Ok(text) => portal::answers::Which::parse(&text)
            .map_err(|why| anyhow::anyhow!("PORTAL_ANSWERS: {why}"))?,
        Err(_) => portal::answers::Which::ALL,
    };
    let isu_email = std::env::var("PORTAL_ISU_EMAIL")
        .unwrap_or_else(|_| crate::args::DEFAULT_ISU_EMAIL.to_string());
    Ok(portal::answers::Answers { which, isu_email })
}

/// The backup folder `portal restore FROM` restores from: a local one (see
/// `backups::local_source`), or one downloaded from `s3://…` into a temporary folder beside the
/// data folder (removed when the restore is done) and checked against its manifest.
fn backup_source(paths: &Paths, from: &std::path::Path) -> Result<(PathBuf, Option<TempDir>)> {
    let Some(url) = from.to_str().filter(|f| f.starts_with("s3://")) else {
        return Ok((portal::backups::local_source(from)?, None));
    };
    let remote = portal::backups::s3::Remote::from_url(url)?;
    let beside = std::path::absolute(&paths.data_dir)?;
    let parent = beside.parent().unwrap_or(std::path::Path::new("/"));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let download = tempfile::Builder::new()
        .prefix(".portal-restore-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot make a temporary folder in {}", parent.display()))?;
    let (name, manifest) = portal::backups::block_on(remote.download(download.path()))??;
    eprintln!(
        "downloaded {name} ({} bytes, {} submissions) from {url}; every file matches its manifest",
        manifest.bytes(),
        manifest.submissions
    );
    Ok((download.path().to_path_buf(), Some(download)))
}

/// Passes the command to the portal running on the data folder, with what it needs of standard
/// input, and prints its answer. `None` when no portal answers there.
fn send_to_running_portal(paths: &Paths, command: Command) -> Result<Option<ExitCode>> {
    let command = control::for_running_portal(command)?;
    let Some(connection) = control::connect(&paths.data_dir)? else {
        return Ok(None);
    };
    // Standard input is read only now that a portal has answered, so nobody types a password
    // for nothing. A password is asked for here, where the terminal is; an import's input is
    // passed on as the command reads it.
    let input: Option<Box<dyn Read + Send>> = match &command {
        Command::SetPassword { .. } => Some(Box::new(io::Cursor::new(
            read_password_from_stdin()? + "\n",
        ))),
        Command::Import { paths: files, .. } if files.iter().any(|f| f.as_os_str() == "-") => {
            Some(Box::new(io::stdin()))
        }
        _ => None,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let code = connection.send(command, input, &mut out, &mut io::stderr())?;
    out.flush().context("cannot write to standard output")?;
    Ok(Some(ExitCode::from(code)))
}
