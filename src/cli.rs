//! The subcommands: argument types and one function each. Glue only: the work is in the library.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use portal::catalogue::{Catalogue, ImportOptions, Paths, read_json_lines};
use portal::clock::SystemClock;
use portal::demo::{self, DemoOptions};
use portal::index::OpenOutcome;
use portal::matching::{thousands, usd_text};
use portal::search::{Audience, Filters, Place, SearchRequest, SearchResults, Sort};
use portal::stats;
use portal::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import submissions from JSON Lines files (the exchange format of `export`).
    Import {
        /// Files to import; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Publish at once what is valid, instead of leaving new submissions for review.
        #[arg(long)]
        publish: bool,
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
}

#[derive(Debug, clap::Args)]
struct SearchArgs {
    /// Keywords: words, "phrases", AND, OR, -word.
    query: Vec<String>,
    /// need, offer, project or funding-source (repeatable).
    #[arg(long)]
    kind: Vec<String>,
    /// Beneficiary country (ISO alpha-3 or name) or region (UN M49 code or name) (repeatable).
    #[arg(long)]
    country: Vec<String>,
    /// Area of work, e.g. victim-assistance (repeatable).
    #[arg(long)]
    area: Vec<String>,
    /// Kind of assistance, e.g. training (repeatable).
    #[arg(long)]
    assistance: Vec<String>,
    /// Submitter type, e.g. state-party or ngo (repeatable).
    #[arg(long)]
    submitter_type: Vec<String>,
    #[arg(long)]
    min_usd: Option<f64>,
    #[arg(long)]
    max_usd: Option<f64>,
    /// relevance, newest, expiring or amount.
    #[arg(long, default_value = "relevance")]
    sort: String,
    #[arg(long, default_value_t = 1)]
    page: usize,
    #[arg(long, default_value_t = 20)]
    per_page: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<ExitCode> {
    let paths = Paths {
        data_dir: args.data_dir,
        index_dir: args.index_dir,
    };
    match args.command {
        Command::Import {
            paths: files,
            publish,
        } => import(&paths, &files, publish),
        Command::Export { out } => export(&paths, out.as_deref()),
        Command::Search(search_args) => search(&paths, search_args),
        Command::Matches { id, limit, json } => matches(&paths, &id, limit, json),
        Command::Publish { ids } => set_status(&paths, Status::Published, &ids),
        Command::SetStatus { status, ids } => set_status(&paths, Status::parse(&status)?, &ids),
        Command::Reindex => reindex(&paths),
        Command::Stats { json } => show_stats(&paths, json),
        Command::Demo {
            count,
            seed,
            out,
            load: false,
        } => write_demo(count, seed, out.as_deref()),
        Command::Demo {
            count,
            seed,
            load: true,
            ..
        } => load_demo(&paths, count, seed),
    }
}

fn open(paths: &Paths) -> Result<Catalogue> {
    let (catalogue, outcome) = Catalogue::open(paths, Arc::new(SystemClock))?;
    if let OpenOutcome::Rebuilt { reason } = outcome
        && catalogue.store().read()?.count()? > 0
    {
        eprintln!("portal: rebuilt the search index because {reason}");
    }
    Ok(catalogue)
}

fn import(paths: &Paths, files: &[PathBuf], publish: bool) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    let progress = progress_bar(None, "importing");
    let mut total = portal::catalogue::ImportReport::default();
    let mut unreadable = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let report = if name == "-" {
            let records = read_json_lines("standard input", io::stdin().lock());
            catalogue.import(records, ImportOptions { publish }, &mut |n| {
                progress.set_position(n)
            })?
        } else {
            match File::open(file) {
                Ok(handle) => {
                    let records = read_json_lines(&name, BufReader::new(handle));
                    catalogue.import(records, ImportOptions { publish }, &mut |n| {
                        progress.set_position(n)
                    })?
                }
                Err(error) => {
                    unreadable.push(format!("{name}: {error}"));
                    continue;
                }
            }
        };
        total.stored += report.stored;
        total.updated += report.updated;
        total.duplicates += report.duplicates;
        total.rejected.extend(report.rejected);
    }
    progress.finish_and_clear();
    for (location, error) in &total.rejected {
        eprintln!("{location}: {error}");
    }
    for line in &unreadable {
        eprintln!("{line}");
    }
    println!(
        "{} stored, {} updated, {} duplicates, {} rejected",
        total.stored,
        total.updated,
        total.duplicates,
        total.rejected.len() + unreadable.len()
    );
    Ok(if total.rejected.is_empty() && unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn export(paths: &Paths, out: Option<&Path>) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    let count = match out {
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
            eprintln!("exported {count} submissions to {}", path.display());
            count
        }
        None => {
            let stdout = io::stdout();
            let mut writer = BufWriter::new(stdout.lock());
            let count = catalogue.export(&mut writer)?;
            writer.flush()?;
            count
        }
    };
    let _ = count;
    Ok(ExitCode::SUCCESS)
}

fn search(paths: &Paths, args: SearchArgs) -> Result<ExitCode> {
    let request = search_request(&args)?;
    let catalogue = open(paths)?;
    let results = catalogue.search(&request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        print_results(&results, &request);
    }
    Ok(ExitCode::SUCCESS)
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
                format!(
                    "unknown country or region \"{v}\"; did you mean {}?",
                    portal::codes::suggest_countries(v).join(", ")
                )
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
        },
        sort,
        offset: (args.page - 1).saturating_mul(args.per_page),
        limit: args.per_page,
        audience: Audience::Members,
    })
}

fn print_results(results: &SearchResults, request: &SearchRequest) {
    println!(
        "{} found; showing {}–{}",
        results.total,
        (request.offset + 1).min(results.total as usize),
        request.offset + results.hits.len()
    );
    for hit in &results.hits {
        let s = &hit.submission;
        println!();
        println!("{}  {}  [{}]", s.id, s.title, s.kind.label());
        println!(
            "    {} · {} · {}{}",
            s.submitter.organisation,
            places_text(s),
            amount_text(s),
            valid_until_text(s)
        );
        let snippet = hit.snippet.fragment.replace('\n', " ");
        if !snippet.is_empty() {
            println!("    {snippet}");
        }
    }
    let facets = &results.facets;
    println!();
    let line = |name: &str, items: Vec<String>| {
        if !items.is_empty() {
            println!("{name}: {}", items.join(", "));
        }
    };
    line(
        "kind",
        facets
            .kind
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect(),
    );
    let mut countries: Vec<String> = facets
        .country
        .iter()
        .take(12)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    if facets.global > 0 {
        countries.push(format!("global {}", facets.global));
    }
    line("country", countries);
    line(
        "area",
        facets
            .area
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| format!("{a} {n}"))
            .collect(),
    );
    line(
        "assistance",
        facets
            .assistance
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| format!("{a} {n}"))
            .collect(),
    );
    line(
        "submitter type",
        facets
            .submitter_type
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| format!("{a} {n}"))
            .collect(),
    );
    line(
        "funding",
        facets
            .funding
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(b, n)| format!("{} {n}", b.label()))
            .collect(),
    );
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

fn amount_text(s: &Submission) -> String {
    match &s.funding {
        Some(f) if f.currency == "USD" => usd_text(f.usd),
        Some(f) => format!(
            "{} {} ({})",
            f.currency,
            thousands(f.amount.round() as u64),
            usd_text(f.usd)
        ),
        None => "no amount stated".to_string(),
    }
}

fn valid_until_text(s: &Submission) -> String {
    s.timestamps
        .expires_at
        .map(|t| format!(" · valid until {}", t.format("%Y-%m-%d")))
        .unwrap_or_default()
}

fn matches(paths: &Paths, id: &str, limit: usize, json: bool) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    let subject = catalogue.get(id)?;
    let found = catalogue.matches(id, limit)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} matches for {}  {}",
        found.len(),
        subject.id,
        subject.title
    );
    for m in &found {
        let s = &m.submission;
        println!();
        println!("{}  {}  [{}]", s.id, s.title, s.kind.label());
        println!("    {} · {}", s.submitter.organisation, amount_text(s));
        for reason in &m.reasons {
            println!("    - {reason}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn set_status(paths: &Paths, status: Status, ids: &[String]) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    for id in ids {
        let submission = catalogue.set_status(id, status)?;
        println!("{}: {}", submission.id, submission.status.label());
    }
    Ok(ExitCode::SUCCESS)
}

fn reindex(paths: &Paths) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    let total = catalogue.store().read()?.count()?;
    let progress = progress_bar(Some(total), "indexing");
    let started = std::time::Instant::now();
    catalogue.reindex(&mut |done, _| progress.set_position(done))?;
    progress.finish_and_clear();
    eprintln!(
        "reindexed {total} submissions in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn show_stats(paths: &Paths, json: bool) -> Result<ExitCode> {
    let catalogue = open(paths)?;
    let stats = stats::compute(catalogue.store(), catalogue.now())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} submissions in all", stats.total);
    for (status, n) in &stats.by_status {
        println!("  {status}: {n}");
    }
    println!("Visible to members, by kind:");
    for (kind, n) in &stats.visible_by_kind {
        println!("  {kind}: {n}");
    }
    println!("By area of work (USD sought by needs / offered by offers and funding sources):");
    for (area, balance) in &stats.usd_by_area {
        println!(
            "  {}: {} / {}",
            stats::area_label(area),
            usd_text(balance.sought),
            usd_text(balance.offered)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn write_demo(count: usize, seed: u64, out: Option<&Path>) -> Result<ExitCode> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    let mut writer: Box<dyn Write> = match out {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    for submission in demo::generate(&options) {
        serde_json::to_writer(&mut writer, &submission)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn load_demo(paths: &Paths, count: usize, seed: u64) -> Result<ExitCode> {
    let catalogue = open(paths)?;
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
                record: Ok(portal::catalogue::ExportRecord {
                    submission,
                    previous_versions: Vec::new(),
                }),
            }
        });
    let progress = progress_bar(Some(count as u64), "loading demo content");
    let report = catalogue.import(records, ImportOptions { publish: false }, &mut |n| {
        progress.set_position(n)
    })?;
    progress.finish_and_clear();
    for (location, error) in &report.rejected {
        eprintln!("{location}: {error}");
    }
    println!(
        "Loaded {} fictitious demo submissions ({} updated, {} unchanged) into {}.",
        report.stored,
        report.updated,
        report.duplicates,
        paths.data_dir.display()
    );
    println!("Try:  portal search \"risk education\" --country Laos");
    println!("      portal search --kind offer --area victim-assistance --sort amount");
    println!("      portal stats");
    Ok(ExitCode::SUCCESS)
}

/// Midnight UTC today: demo content made on the same day is the same.
fn start_of_today() -> chrono::DateTime<chrono::Utc> {
    let today = chrono::Utc::now().date_naive();
    today.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// A progress bar on a terminal; nothing at all otherwise.
fn progress_bar(total: Option<u64>, what: &str) -> ProgressBar {
    if !io::stderr().is_terminal() {
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
