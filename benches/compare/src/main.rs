//! The portal's search side by side with SQLite FTS5, PostgreSQL and Xapian, in one run, on the
//! same benchmark corpus and queries (`portal_corpus`).
//!
//! `compare-engines [--size N] [--seed S] [--rounds R] [--work DIR] [--postgres CONFIG]
//! [--engines portal,sqlite,postgres,xapian]` writes the corpus as JSON Lines, then loads and
//! queries each engine in a child process of its own (so each one's peak memory is its own),
//! and prints the comparison as Markdown tables: load and reindex, size on disk, peak memory,
//! p50 and p99 per query class with each peer's ratio to the portal, and whether hit counts
//! agree. `scripts/compare-engines` starts PostgreSQL on 127.0.0.1 and runs this. Xapian runs
//! in a Python helper (`xapian.rs` says how its time is measured).

mod plan;
mod portal_engine;
mod postgres;
mod sqlite;
mod xapian;

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use portal_corpus::{self as corpus, BenchQuery, CorpusOptions, QueryClass};
use portal::submission::Submission;
use serde::{Deserialize, Serialize};

use crate::plan::Plan;

/// The product's allocator, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: portal::Allocator = portal::Allocator {};

/// What one query returned: the exact count (when asked for) and how many hits the page held.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub total: Option<u64>,
    pub hits: usize,
    /// The query's time as the engine measured it (ms), where wall-clock around the call
    /// would charge the engine with another process's work (Xapian's helper).
    pub measured_ms: Option<f64>,
}

/// What one engine's child process measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Report {
    engine: String,
    docs: u64,
    load_seconds: f64,
    reindex_seconds: f64,
    disk_bytes: u64,
    rss_after_load_kb: u64,
    peak_rss_kb: u64,
    /// PostgreSQL: the peak resident memory of the server backend that ran the queries;
    /// Xapian: of its helper process.
    server_peak_rss_kb: Option<u64>,
    /// Milliseconds, per class in `QueryClass::ALL` order.
    latencies: Vec<Vec<f64>>,
    totals: Vec<Option<u64>>,
    hits: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Options {
    size: usize,
    seed: u64,
    rounds: usize,
    work: PathBuf,
    postgres: Option<String>,
    engines: Vec<String>,
    corpus: Option<PathBuf>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let child = args.first().is_some_and(|a| a == "child");
    if child {
        args.remove(0);
    }
    let options = parse(&args)?;
    if child {
        let engine = options.engines.first().context("child: which engine?")?;
        let corpus = options.corpus.as_deref().context("child: --corpus")?;
        for report in measure(engine, corpus, &options)? {
            println!("REPORT {}", serde_json::to_string(&report)?);
        }
        return Ok(());
    }
    compare(&options)
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        size: 100_000,
        seed: 1,
        rounds: 3,
        work: std::env::temp_dir().join("compare-engines"),
        postgres: None,
        engines: ["portal", "sqlite", "postgres", "xapian"]
            .map(String::from)
            .to_vec(),
        corpus: None,
    };
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--size" => options.size = value.parse().context("--size")?,
            "--seed" => options.seed = value.parse().context("--seed")?,
            "--rounds" => options.rounds = value.parse().context("--rounds")?,
            "--work" => options.work = PathBuf::from(value),
            "--postgres" => options.postgres = Some(value),
            "--corpus" => options.corpus = Some(PathBuf::from(value)),
            "--engines" => options.engines = value.split(',').map(str::to_string).collect(),
            other => bail!("unknown argument {other}"),
        }
        i += 2;
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------------
// The parent: corpus, children, tables.
// ---------------------------------------------------------------------------------------------

fn compare(options: &Options) -> Result<()> {
    std::fs::create_dir_all(&options.work)?;
    let corpus_path = options
        .work
        .join(format!("corpus-{}-{}.jsonl", options.size, options.seed));
    let started = Instant::now();
    {
        let mut out = BufWriter::new(std::fs::File::create(&corpus_path)?);
        for submission in corpus::generate(&corpus_options(options)) {
            serde_json::to_writer(&mut out, &submission)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    let generation = started.elapsed().as_secs_f64();
    eprintln!(
        "corpus: {} submissions in {generation:.1} s ({:.0}/s), {:.0} MB",
        options.size,
        options.size as f64 / generation,
        file_size(&corpus_path) as f64 / 1e6
    );

    let mut reports = Vec::new();
    for engine in &options.engines {
        if engine == "postgres" && options.postgres.is_none() {
            eprintln!("postgres: skipped (no --postgres connection given)");
            continue;
        }
        eprintln!("{engine}: loading and querying in a process of its own");
        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg("child")
            .args(["--engines", engine])
            .arg("--corpus")
            .arg(&corpus_path)
            .arg("--work")
            .arg(&options.work)
            .args(["--seed", &options.seed.to_string()])
            .args(["--size", &options.size.to_string()])
            .args(["--rounds", &options.rounds.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(config) = &options.postgres {
            command.args(["--postgres", config]);
        }
        let output = command.spawn()?.wait_with_output()?;
        if !output.status.success() {
            bail!("{engine} failed ({})", output.status);
        }
        for line in output.stdout.lines() {
            if let Some(json) = line?.strip_prefix("REPORT ") {
                reports.push(serde_json::from_str::<Report>(json)?);
            }
        }
    }
    let queries = corpus::queries(options.seed, corpus::default_now());
    print_tables(options, generation, &queries, &reports);
    Ok(())
}

fn corpus_options(options: &Options) -> CorpusOptions {
    CorpusOptions {
        size: options.size,
        seed: options.seed,
        now: corpus::default_now(),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn p50_p99(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (percentile(&sorted, 0.50), percentile(&sorted, 0.99))
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn print_tables(options: &Options, generation: f64, queries: &[BenchQuery], reports: &[Report]) {
    let size = options.size;
    println!(
        "\n## {size} submissions (seed {}), {} queries\n",
        options.seed,
        queries.len()
    );
    println!(
        "Corpus generation: {generation:.1} s ({:.0} submissions/s). Each query class is run \
         once to warm up, then {} rounds through all its queries; latencies are wall-clock per \
         query, in ms.\n",
        size as f64 / generation,
        options.rounds
    );
    println!(
        "| engine | load (s) | submissions/s | full reindex (s) | on disk (MB) | peak RSS (MB) |"
    );
    println!("|---|---|---|---|---|---|");
    for r in reports {
        if r.engine.ends_with("unranked") {
            continue;
        }
        let other = if r.engine == "xapian" {
            "helper"
        } else {
            "server"
        };
        let server = r
            .server_peak_rss_kb
            .map(|kb| format!(" + {other} {:.0}", kb as f64 / 1024.0))
            .unwrap_or_default();
        println!(
            "| {} | {:.1} | {:.0} | {:.1} | {:.0} | {:.0}{server} |",
            r.engine,
            r.load_seconds,
            r.docs as f64 / r.load_seconds,
            r.reindex_seconds,
            r.disk_bytes as f64 / 1e6,
            r.peak_rss_kb as f64 / 1024.0
        );
    }

    let portal = reports.iter().find(|r| r.engine == "portal");
    print!("\n| query class | n |");
    for r in reports {
        print!(" {} p50 / p99 |", r.engine);
        if portal.is_some() && r.engine != "portal" {
            print!(" × |");
        }
    }
    println!();
    print!("|---|---|");
    for r in reports {
        print!("---|");
        if portal.is_some() && r.engine != "portal" {
            print!("---|");
        }
    }
    println!();
    for (c, class) in QueryClass::ALL.iter().enumerate() {
        let n = queries.iter().filter(|q| q.class == *class).count();
        print!("| {} | {n} |", class.label());
        let base = portal.map(|p| p50_p99(&p.latencies[c]).0);
        for r in reports {
            let (p50, p99) = p50_p99(&r.latencies[c]);
            print!(" {} / {} |", ms(p50), ms(p99));
            if let (Some(base), true) = (base, r.engine != "portal") {
                print!(" {:.1} |", p50 / base);
            }
        }
        println!();
    }

    // Hit counts.
    let Some(portal) = portal else { return };
    println!(
        "\n| query class | queries | {} |",
        peer_names(reports).join(" agrees | ") + " agrees"
    );
    println!("|---|---|{}", "---|".repeat(peer_names(reports).len()));
    let mut differences = Vec::new();
    for class in QueryClass::ALL {
        let indices: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].class == class)
            .collect();
        print!("| {} | {} |", class.label(), indices.len());
        for r in reports.iter().filter(|r| is_peer(r)) {
            let agree = indices.iter().filter(|&&i| same(portal, r, i)).count();
            print!(" {agree} |");
            for &i in &indices {
                if !same(portal, r, i) {
                    differences.push((i, r.engine.clone()));
                }
            }
        }
        println!();
    }
    if !differences.is_empty() {
        println!("\nDisagreements (count, or hits on the page when there is no count):\n");
        println!("| query | portal | engine | theirs |");
        println!("|---|---|---|---|");
        for (i, engine) in differences.iter().take(40) {
            let r = reports.iter().find(|r| &r.engine == engine);
            let theirs = r.map(|r| shown(r, *i)).unwrap_or_default();
            println!(
                "| {} | {} | {engine} | {theirs} |",
                queries[*i].describe(),
                shown(portal, *i)
            );
        }
        if differences.len() > 40 {
            println!("\n({} more not shown)", differences.len() - 40);
        }
    }

    // Selectivity bands, as the portal counted them.
    println!("\n| band | queries | smallest share | largest share |");
    println!("|---|---|---|---|");
    for band in corpus::Band::ALL {
        let shares: Vec<f64> = queries
            .iter()
            .enumerate()
            .filter(|(_, q)| q.band == Some(band) && q.class != QueryClass::Filtered)
            .filter_map(|(i, _)| portal.totals[i])
            .map(|t| 100.0 * t as f64 / size as f64)
            .collect();
        let min = shares.iter().copied().fold(f64::INFINITY, f64::min);
        let max = shares.iter().copied().fold(0.0, f64::max);
        println!(
            "| {} | {} | {min:.3}% | {max:.3}% |",
            band.label(),
            shares.len()
        );
    }
}

fn is_peer(r: &Report) -> bool {
    r.engine != "portal" && !r.engine.ends_with("unranked")
}

fn peer_names(reports: &[Report]) -> Vec<String> {
    reports
        .iter()
        .filter(|r| is_peer(r))
        .map(|r| r.engine.clone())
        .collect()
}

fn same(a: &Report, b: &Report, i: usize) -> bool {
    match (a.totals[i], b.totals[i]) {
        (Some(x), Some(y)) => x == y,
        _ => a.hits[i] == b.hits[i],
    }
}

fn shown(r: &Report, i: usize) -> String {
    match r.totals[i] {
        Some(t) => t.to_string(),
        None => format!("{} hits", r.hits[i]),
    }
}

// ---------------------------------------------------------------------------------------------
// A child: one engine.
// ---------------------------------------------------------------------------------------------

enum Engine {
    Portal(portal_engine::PortalEngine),
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
    Xapian(xapian::Xapian),
}

impl Engine {
    fn run(&mut self, query: &BenchQuery, plan: &Plan) -> Result<Outcome> {
        match self {
            Engine::Portal(e) => e.run(query),
            Engine::Sqlite(e) => e.run(plan),
            Engine::Postgres(e) => e.run(plan),
            Engine::Xapian(e) => e.run(plan),
        }
    }
}

/// The corpus as validated submissions (amounts in USD filled in, as the portal stores them),
/// each with its stored JSON; the needs of matching queries are kept aside.
fn rows<'a>(
    corpus: &Path,
    wanted: &'a [usize],
    needs: &'a mut HashMap<usize, Submission>,
) -> Result<impl Iterator<Item = (Submission, String)> + 'a> {
    let file = std::io::BufReader::new(std::fs::File::open(corpus)?);
    Ok(file.lines().enumerate().map(move |(i, line)| {
        let line = line.unwrap_or_default();
        let mut submission: Submission =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("corpus line {}: {e}", i + 1));
        if let Err(e) = submission.validate() {
            panic!("corpus line {}: {e:?}", i + 1);
        }
        if wanted.contains(&i) {
            needs.insert(i, submission.clone());
        }
        let record = serde_json::to_string(&submission).unwrap_or_default();
        (submission, record)
    }))
}

fn measure(engine: &str, corpus: &Path, options: &Options) -> Result<Vec<Report>> {
    let now = corpus::default_now();
    let queries = corpus::queries(options.seed, now);
    let wanted: Vec<usize> = queries.iter().filter_map(|q| q.need).collect();
    let mut needs = HashMap::new();
    let dir = options.work.join(engine);
    std::fs::create_dir_all(&dir)?;

    let started = Instant::now();
    let (mut engine_state, docs) = match engine {
        "portal" => {
            let mut e = portal_engine::PortalEngine::open(&dir, now)?;
            let docs = e.load(corpus)?;
            (Engine::Portal(e), docs)
        }
        "sqlite" => {
            let mut e = sqlite::Sqlite::create(&dir)?;
            let docs = e.load(rows(corpus, &wanted, &mut needs)?)?;
            (Engine::Sqlite(e), docs)
        }
        "postgres" => {
            let config = options.postgres.as_deref().context("--postgres")?;
            let mut e = postgres::Postgres::connect(config)?;
            let docs = e.load(rows(corpus, &wanted, &mut needs)?)?;
            (Engine::Postgres(e), docs)
        }
        "xapian" => {
            let mut e = xapian::Xapian::start(&dir)?;
            let docs = e.load(rows(corpus, &wanted, &mut needs)?)?;
            (Engine::Xapian(e), docs)
        }
        other => bail!("unknown engine {other}"),
    };
    let load_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{engine}: loaded {docs} in {load_seconds:.1} s ({:.0}/s)",
        docs as f64 / load_seconds
    );
    let started = Instant::now();
    match &mut engine_state {
        Engine::Portal(e) => e.reindex()?,
        Engine::Sqlite(e) => e.reindex()?,
        Engine::Postgres(e) => e.reindex()?,
        Engine::Xapian(e) => e.reindex(rows(corpus, &wanted, &mut HashMap::new())?)?,
    }
    let reindex_seconds = started.elapsed().as_secs_f64();
    let disk_bytes = match &engine_state {
        Engine::Portal(e) => e.disk_bytes(),
        Engine::Sqlite(e) => e.disk_bytes(),
        Engine::Postgres(e) => e.disk_bytes()?,
        Engine::Xapian(e) => e.disk_bytes(),
    };
    let rss_after_load_kb = vm_hwm("self");
    let now_ts = now.timestamp();
    let plans: Vec<Plan> = queries
        .iter()
        .map(|q| Plan::new(q, now_ts, q.need.and_then(|n| needs.get(&n))))
        .collect();

    let variants: &[(&str, bool)] = match engine {
        "postgres" => &[("postgres", true), ("postgres unranked", false)],
        _ => &[(engine, true)],
    };
    let mut reports = Vec::new();
    for (name, ranked) in variants {
        if let Engine::Postgres(e) = &mut engine_state {
            e.ranked = *ranked;
        }
        let (latencies, totals, hits) = time_queries(&mut engine_state, &queries, &plans, options)?;
        let server_peak_rss_kb = match &mut engine_state {
            Engine::Postgres(e) => Some(vm_hwm(&e.backend_pid()?.to_string())),
            Engine::Xapian(e) => Some(e.helper_peak_rss_kb()?),
            _ => None,
        };
        reports.push(Report {
            engine: name.to_string(),
            docs,
            load_seconds,
            reindex_seconds,
            disk_bytes,
            rss_after_load_kb,
            peak_rss_kb: vm_hwm("self"),
            server_peak_rss_kb,
            latencies,
            totals,
            hits,
        });
    }
    Ok(reports)
}

type Timings = (Vec<Vec<f64>>, Vec<Option<u64>>, Vec<usize>);

/// One warm-up pass (which records counts), then `rounds` passes, interleaving the classes.
fn time_queries(
    engine: &mut Engine,
    queries: &[BenchQuery],
    plans: &[Plan],
    options: &Options,
) -> Result<Timings> {
    let mut totals = Vec::with_capacity(queries.len());
    let mut hits = Vec::with_capacity(queries.len());
    for (query, plan) in queries.iter().zip(plans) {
        let outcome = engine.run(query, plan).with_context(|| query.describe())?;
        totals.push(outcome.total);
        hits.push(outcome.hits);
    }
    let mut latencies = vec![Vec::new(); QueryClass::ALL.len()];
    for _ in 0..options.rounds {
        for (query, plan) in queries.iter().zip(plans) {
            let started = Instant::now();
            let outcome = std::hint::black_box(engine.run(query, plan)?);
            let elapsed = outcome
                .measured_ms
                .unwrap_or_else(|| started.elapsed().as_secs_f64() * 1000.0);
            let class = QueryClass::ALL
                .iter()
                .position(|c| *c == query.class)
                .unwrap_or(0);
            latencies[class].push(elapsed);
        }
    }
    Ok((latencies, totals, hits))
}

/// The peak resident memory (VmHWM, in kB) of a process (`self` or a pid).
fn vm_hwm(process: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

pub fn folder_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return file_size(path);
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                folder_size(&path)
            } else {
                file_size(&path)
            }
        })
        .sum()
}
