//! In-process search benchmarks over demo content: `cargo bench --bench search`.
//! The corpus size comes from PORTAL_BENCH_SIZE (default 10000).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use portal::catalogue::{Catalogue, ExportRecord, ImportOptions, IncomingRecord, Paths};
use portal::clock::ManualClock;
use portal::demo::{self, DemoOptions};
use portal::search::{Filters, Place, SearchRequest, Sort};
use portal::submission::{Area, Kind};

fn corpus_size() -> usize {
    std::env::var("PORTAL_BENCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn load(size: usize) -> (tempfile::TempDir, Catalogue) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .expect("fixed date")
        .to_utc();
    let paths = Paths {
        data_dir: dir.path().join("data"),
        index_dir: dir.path().join("index"),
    };
    let (catalogue, _) =
        Catalogue::open(&paths, Arc::new(ManualClock::new(now))).expect("catalogue opens");
    let options = DemoOptions {
        count: size,
        seed: 1,
        now,
    };
    let records = demo::generate(&options).map(|submission| IncomingRecord {
        location: String::new(),
        record: Ok(ExportRecord {
            submission,
            previous_versions: Vec::new(),
            audit: Vec::new(),
        }),
    });
    let started = Instant::now();
    let report = catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .expect("import");
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {} submissions in {seconds:.2} s ({:.0}/s)",
        report.stored,
        report.stored as f64 / seconds
    );
    (dir, catalogue)
}

fn searches(c: &mut Criterion) {
    let size = corpus_size();
    let (_dir, catalogue) = load(size);
    let mut group = c.benchmark_group(format!("search-{size}"));
    let cases = [
        (
            "keyword top-20",
            SearchRequest {
                text: "prosthetic rehabilitation".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "keyword + country + area + usd",
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
    ];
    for (name, request) in cases {
        group.bench_function(name, |b| {
            b.iter(|| black_box(catalogue.search(&request).expect("search")))
        });
    }
    let need_id = catalogue
        .search(&SearchRequest {
            filters: Filters {
                kinds: vec![Kind::Need],
                ..Filters::default()
            },
            limit: 1,
            ..SearchRequest::default()
        })
        .expect("search")
        .hits[0]
        .submission
        .id
        .clone();
    group.bench_function("matching for one need", |b| {
        b.iter(|| black_box(catalogue.matches(&need_id, 10).expect("matches")))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = searches
}
criterion_main!(benches);
