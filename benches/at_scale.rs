//! Search timings at large sizes, on a catalogue kept between runs (loading a million
//! submissions takes minutes, so it is loaded once):
//!
//!     cargo bench --bench at_scale -- FOLDER [SIZE] [ROUNDS] [CLASS]
//!
//! The first run fills FOLDER with SIZE demo submissions (default 1,000,000), all published
//! at once; later runs reopen it. Each query class then runs ROUNDS times (default 30) and its
//! p50 and p99 are printed, with the time to open the catalogue and the process's peak memory.
//! CLASS, when given, runs only the classes whose name contains it (for profiling one).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use portal::catalogue::{Catalogue, ImportOptions, IncomingRecord, Paths};
use portal::clock::ManualClock;
use portal::demo::{self, DemoOptions};
use portal::search::{Filters, Place, SearchRequest, Sort};
use portal::submission::{Area, Kind};

/// The product's allocator, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: portal::Allocator = portal::Allocator {};

fn main() {
    // cargo bench passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(folder) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench at_scale -- FOLDER [SIZE] [ROUNDS] [CLASS]");
        return;
    };
    let size: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(30);
    let only = args.get(3).cloned().unwrap_or_default();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .expect("fixed date")
        .to_utc();
    let fresh = !folder.join("data").exists();
    let paths = Paths {
        data_dir: folder.join("data"),
        index_dir: folder.join("index"),
    };
    let started = Instant::now();
    let (catalogue, _) =
        Catalogue::open(&paths, Arc::new(ManualClock::new(now))).expect("catalogue opens");
    println!("open: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    if fresh {
        let options = DemoOptions {
            count: size,
            seed: 1,
            now,
        };
        let records = demo::generate(&options).map(|submission| IncomingRecord {
            location: String::new(),
            record: Ok(submission.into()),
        });
        let started = Instant::now();
        let report = catalogue
            .import(records, ImportOptions { publish: true }, &mut |_| {})
            .expect("import");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "import: {} submissions in {seconds:.1} s ({:.0}/s)",
            report.stored,
            report.stored as f64 / seconds
        );
    }
    let started = Instant::now();
    catalogue.index().warm().expect("search tables");
    println!(
        "search tables: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for (name, request) in cases().into_iter().filter(|(name, _)| name.contains(&only)) {
        let mut times = Vec::with_capacity(rounds);
        let mut total = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let results = catalogue.search(&request).expect("search");
            times.push(started.elapsed().as_secs_f64() * 1e3);
            total = results.total;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name:32} {total:>8} hits  p50 {:>7.2} ms  p99 {:>7.2} ms",
            times[times.len() / 2],
            times[(times.len() * 99 / 100).min(times.len() - 1)]
        );
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!("peak memory: {}", line.trim_start_matches("VmHWM:").trim());
    }
}

fn cases() -> Vec<(&'static str, SearchRequest)> {
    vec![
        (
            "keyword (two words)",
            SearchRequest {
                text: "prosthetic rehabilitation".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "common keyword",
            SearchRequest {
                text: "support".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "keyword + country + area + USD",
            SearchRequest {
                text: "clearance".into(),
                filters: Filters {
                    places: vec![Place::parse("LAO").expect("known country")],
                    areas: vec![Area::ClearanceAndRiskEducation],
                    min_usd: Some(100_000.0),
                    max_usd: Some(5_000_000.0),
                    ..Filters::default()
                },
                ..SearchRequest::default()
            },
        ),
        (
            "browse one kind",
            SearchRequest {
                filters: Filters {
                    kinds: vec![Kind::Offer],
                    ..Filters::default()
                },
                ..SearchRequest::default()
            },
        ),
        (
            "phrase",
            SearchRequest {
                text: "\"risk education\"".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "keyword sorted by date",
            SearchRequest {
                text: "survey".into(),
                sort: Sort::Newest,
                ..SearchRequest::default()
            },
        ),
        (
            "deep page (offset 1000)",
            SearchRequest {
                offset: 1000,
                ..SearchRequest::default()
            },
        ),
    ]
}
