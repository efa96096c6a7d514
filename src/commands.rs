//! The subcommands: argument types and one function each. Glue only: the work is in the library.
//!
//! Every data command runs against a catalogue it is given and reads and writes the streams it
//! is given, so the same function serves a run in this process and a command that the running
//! portal receives through its control channel (`control`).

use std::fs::File;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use portal::access::{self, Account};
use portal::catalogue::{Catalogue, ImportOptions};
use portal::demo::{self, DemoOptions};
use portal::matching::{amount_text, usd_text};
use portal::reminders::Reminders;
use portal::review;
use portal::search::{Audience, Filters, Place, SearchRequest, SearchResults, Sort};
use portal::stats;
use portal::store::Delivery;
use portal::submission::{Area, Assistance, Kind, Status, Submission, SubmitterType, Vocabulary};
use portal::text;

use crate::args::{Command, PasswordAccount, SearchArgs};

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

pub fn read_password_from_stdin() -> Result<String> {
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
            text::iso_day(s.timestamps.received_at)
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
        .map(|t| format!(" · valid until {}", text::iso_day(t)))
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

pub fn write_demo(
    streams: &mut Streams,
    count: usize,
    seed: u64,
    out: Option<&Path>,
) -> Result<u8> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    write_json_lines(streams, demo::generate(&options), out)
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
}
