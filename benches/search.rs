//! In-process benchmarks over the benchmark corpus (`portal_corpus`):
//! `cargo bench --bench search`. The corpus size comes from PORTAL_BENCH_SIZE (default 10000).
//!
//! - `search-N/<class>`: each iteration runs the next query of the class (they rotate), through
//!   `Catalogue::search` (or `Catalogue::matches` for matching);
//! - `import-N/json-lines`: the corpus as JSON Lines into a fresh store and index, as
//!   `portal import` reads it (throughput in submissions/s);
//! - `render-N/search-page`: the members' search page rendered to HTML from results already
//!   found, rotating through the pages of `RENDERED` (what the page adds to a search);
//! - `pages-N/…`: the 1,444 pages `scripts/load-test` asks for over HTTP
//!   (`scripts/lib/search-pages.txt`), in process, on N demo submissions as `serve --demo N`
//!   loads them: the search on one core (as under load), the search as an idle portal runs it
//!   (every core for a large pass), and the rendering. Beside the load test's figures, the
//!   difference is what HTTP adds.

use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use portal::access::{Account, Session};
use portal::catalogue::{Catalogue, ExportRecord, ImportOptions, IncomingRecord, Paths};
use portal::clock::ManualClock;
use portal::demo::{self, DemoOptions};
use portal::search::SearchResults;
use portal::web::frame::Viewer;
use portal::web::params::SearchParams;
use portal::web::search_pages::{self, SearchView};
use portal_corpus::{self as corpus, BenchQuery, CorpusOptions, QueryClass};

/// The product's allocator, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: portal::Allocator = portal::Allocator {};

fn corpus_size() -> usize {
    std::env::var("PORTAL_BENCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// The corpus as JSON Lines, the exchange format `portal import` reads.
fn json_lines(size: usize) -> Vec<String> {
    let options = CorpusOptions {
        size,
        seed: 1,
        now: corpus::default_now(),
    };
    corpus::generate(&options)
        .map(|s| serde_json::to_string(&s).expect("a submission serialises"))
        .collect()
}

fn open(dir: &std::path::Path) -> Catalogue {
    let paths = Paths {
        data_dir: dir.join("data"),
        index_dir: dir.join("index"),
    };
    let clock = Arc::new(ManualClock::new(corpus::default_now()));
    Catalogue::open(&paths, clock).expect("catalogue opens").0
}

/// Imports the lines as `portal import` would; returns the ids in corpus order.
fn import(catalogue: &Catalogue, lines: &[String]) -> Vec<String> {
    let records = lines.iter().enumerate().map(|(i, line)| IncomingRecord {
        location: format!("line {}", i + 1),
        record: ExportRecord::from_json(line).map_err(|e| e.to_string()),
    });
    let report = catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .expect("import");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    report.ids
}

fn searches(c: &mut Criterion) {
    let size = corpus_size();
    let lines = json_lines(size);
    let dir = tempfile::tempdir().expect("temporary folder");
    let catalogue = open(dir.path());
    let started = Instant::now();
    let ids = import(&catalogue, &lines);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {} submissions in {seconds:.2} s ({:.0}/s)",
        ids.len(),
        ids.len() as f64 / seconds
    );
    let queries = corpus::queries(1, corpus::default_now());
    let mut group = c.benchmark_group(format!("search-{size}"));
    for class in QueryClass::ALL {
        let of_class: Vec<&BenchQuery> = queries.iter().filter(|q| q.class == class).collect();
        let requests: Vec<_> = of_class.iter().map(|q| q.request()).collect();
        let mut next = 0usize;
        group.bench_function(class.label(), |b| {
            b.iter(|| {
                let i = next % of_class.len();
                next += 1;
                match of_class[i].need {
                    Some(need) => {
                        black_box(catalogue.matches(&ids[need], 10).expect("matches"));
                    }
                    None => {
                        black_box(catalogue.search(&requests[i]).expect("search"));
                    }
                }
            })
        });
    }
    group.finish();
}

fn imports(c: &mut Criterion) {
    let size = corpus_size();
    let lines = json_lines(size);
    // Read from a file, as an import does.
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    {
        let mut out = std::io::BufWriter::new(file.as_file());
        for line in &lines {
            writeln!(out, "{line}").expect("write");
        }
    }
    let mut group = c.benchmark_group(format!("import-{size}"));
    group.throughput(Throughput::Elements(size as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("json-lines", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let dir = tempfile::tempdir().expect("temporary folder");
                let catalogue = open(dir.path());
                let started = Instant::now();
                let text = std::fs::read_to_string(file.path()).expect("read");
                let lines: Vec<String> = text.lines().map(str::to_string).collect();
                black_box(import(&catalogue, &lines));
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
}

/// A member's session, for the page's header.
fn member_session() -> Session {
    Session {
        id: "bench".to_string(),
        account: Account::Member,
        csrf_token: "bench".to_string(),
    }
}

/// Search pages as members ask for them (the query strings of `scripts/lib/search-load.lua`'s
/// kind): keywords, phrases, filters, sorts and later pages.
const RENDERED: &[&str] = &[
    "q=clearance",
    "q=%22risk+education%22",
    "q=victim+assistance&kind=need",
    "q=survey+OR+demining&country=LAO",
    "kind=offer&sort=newest",
    "country=Asia&area=victim-assistance",
    "q=rehabilitation&assistance=financial&min_usd=100000",
    "page=3",
];

fn renders(c: &mut Criterion) {
    let size = corpus_size();
    let lines = json_lines(size);
    let dir = tempfile::tempdir().expect("temporary folder");
    let catalogue = open(dir.path());
    import(&catalogue, &lines);
    let pages: Vec<(SearchParams, SearchResults)> = RENDERED
        .iter()
        .map(|query| {
            let params = SearchParams::parse(query).expect("valid parameters");
            let request = params.to_request().expect("valid request");
            let results = catalogue.search(&request).expect("search");
            (params, results)
        })
        .collect();
    let session = member_session();
    let viewer = Viewer {
        session: Some(&session),
    };
    let mut group = c.benchmark_group(format!("render-{size}"));
    let mut next = 0usize;
    group.bench_function("search-page", |b| {
        b.iter(|| {
            let (params, results) = &pages[next % pages.len()];
            next += 1;
            let view = SearchView { params, results };
            black_box(search_pages::search(&view, &viewer).into_string())
        })
    });
    group.finish();
}

/// The pages `scripts/load-test` asks for, as paths (`/search?…`).
const LOAD_TEST_PAGES: &str = include_str!("../scripts/lib/search-pages.txt");

fn load_test_pages(c: &mut Criterion) {
    let size = corpus_size();
    let dir = tempfile::tempdir().expect("temporary folder");
    // As `serve --demo N` loads them (seed 1, made for midnight today, on the system's clock),
    // with what has expired archived, as the portal does in its first minute: the same
    // submissions the load test searches, when both run on the same day.
    let paths = Paths {
        data_dir: dir.path().join("data"),
        index_dir: dir.path().join("index"),
    };
    let catalogue = Catalogue::open(&paths, Arc::new(portal::clock::SystemClock))
        .expect("catalogue opens")
        .0;
    let options = DemoOptions {
        count: size,
        seed: 1,
        now: chrono::Utc::now()
            .date_naive()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc(),
    };
    let records = demo::generate(&options).map(|submission| IncomingRecord {
        location: String::new(),
        record: Ok(submission.into()),
    });
    catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .expect("import");
    catalogue.purge_expired("bench").expect("archive");
    let pages: Vec<(SearchParams, portal::search::SearchRequest)> = LOAD_TEST_PAGES
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|path| {
            let query = path.strip_prefix("/search?").expect("a search page");
            let params = SearchParams::parse(query).expect("valid parameters");
            let request = params.to_request().expect("valid request");
            (params, request)
        })
        .collect();
    let index = catalogue.index();
    // Each iteration asks for every page once: the figure is a round of all of them (its
    // throughput in pages a second), not a sample of some.
    let mut group = c.benchmark_group(format!("pages-{size}"));
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(10);
    for (name, parallel_from_docs) in [("search-every-core", 10_000), ("search-one-core", u64::MAX)]
    {
        index.set_parallel_from_docs(parallel_from_docs);
        group.bench_function(name, |b| {
            b.iter(|| {
                for (_, request) in &pages {
                    black_box(catalogue.search(request).expect("search"));
                }
            })
        });
    }
    let found: Vec<(&SearchParams, SearchResults)> = pages
        .iter()
        .map(|(params, request)| (params, catalogue.search(request).expect("search")))
        .collect();
    let session = member_session();
    let viewer = Viewer {
        session: Some(&session),
    };
    group.bench_function("render", |b| {
        b.iter(|| {
            for (params, results) in &found {
                let view = SearchView { params, results };
                black_box(search_pages::search(&view, &viewer).into_string());
            }
        })
    });
    group.bench_function("search-and-render-one-core", |b| {
        b.iter(|| {
            for (params, request) in &pages {
                let results = catalogue.search(request).expect("search");
                let view = SearchView {
                    params,
                    results: &results,
                };
                black_box(search_pages::search(&view, &viewer).into_string());
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = searches, imports, renders, load_test_pages
}
criterion_main!(benches);
