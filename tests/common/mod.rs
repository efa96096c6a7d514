//! Helpers shared by the integration tests: a catalogue in a temporary folder with a clock the
//! test controls, a small builder for submissions, and the web portal in process (`http`).
#![allow(dead_code)]

pub mod http;
pub mod process;
pub mod tools;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use portal::catalogue::{Catalogue, ImportOptions, ImportReport, IncomingRecord, Paths};
use portal::clock::ManualClock;
use portal::demo::{self, DemoOptions};
use portal::submission::{
    Area, Assistance, Beneficiaries, Contact, Funding, Kind, Period, Provenance, Status,
    Submission, Submitter, SubmitterType, Timestamps,
};
use tempfile::TempDir;

/// A catalogue in its own temporary folder, with a manual clock.
pub struct Fixture {
    pub dir: TempDir,
    pub clock: ManualClock,
    pub catalogue: Arc<Catalogue>,
}

/// 2026-06-01 12:00 UTC: "now" in the tests unless they move the clock.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start_time());
        let catalogue = open(&paths(&dir), &clock);
        Fixture {
            dir,
            clock,
            catalogue,
        }
    }

    pub fn paths(&self) -> Paths {
        paths(&self.dir)
    }

    /// `size` demo submissions (from `seed`) imported in three batches, then some edited,
    /// withdrawn and renewed, so the index has several segments and deleted documents.
    pub fn varied_demo(size: usize, seed: u64) -> Fixture {
        let fixture = Fixture::new();
        let generated: Vec<Submission> = demo::generate(&DemoOptions {
            count: size,
            seed,
            now: start_time(),
        })
        .collect();
        for batch in generated.chunks(size / 3 + 1) {
            fixture.import_with(batch.to_vec(), ImportOptions::default());
        }
        let catalogue = &fixture.catalogue;
        let ids: Vec<String> = fixture.stored().into_iter().map(|s| s.id).collect();
        for id in ids.iter().step_by(17) {
            catalogue
                .edit(id, |s| s.title.push_str(" (revised)"))
                .unwrap();
        }
        for id in ids.iter().skip(5).step_by(41) {
            catalogue.set_status(id, Status::Withdrawn).unwrap();
        }
        for id in ids.iter().skip(3).step_by(29) {
            let current = catalogue.get(id).unwrap();
            if current.status == Status::Published {
                catalogue.renew(id).unwrap();
            }
        }
        fixture
    }

    /// Closes and reopens the catalogue, as a restart would.
    pub fn reopen(self) -> Fixture {
        let Fixture {
            dir,
            clock,
            catalogue,
        } = self;
        drop(catalogue);
        let catalogue = open(&paths(&dir), &clock);
        Fixture {
            dir,
            clock,
            catalogue,
        }
    }

    /// Imports submissions, publishing them, and returns the report.
    pub fn import(&self, submissions: Vec<Submission>) -> ImportReport {
        self.import_with(submissions, ImportOptions { publish: true })
    }

    pub fn import_with(
        &self,
        submissions: Vec<Submission>,
        options: ImportOptions,
    ) -> ImportReport {
        let records = submissions
            .into_iter()
            .enumerate()
            .map(|(i, submission)| IncomingRecord {
                location: format!("record {}", i + 1),
                record: Ok(submission.into()),
            });
        self.catalogue
            .import(records, options, &mut |_| {})
            .unwrap()
    }

    /// Every stored submission, whatever its status, in id order.
    pub fn stored(&self) -> Vec<Submission> {
        let mut all = Vec::new();
        self.catalogue
            .store()
            .read()
            .unwrap()
            .for_each(|s| all.push(s))
            .unwrap();
        all
    }

    /// Imports one submission, published, and returns its id.
    pub fn add(&self, submission: Submission) -> String {
        let report = self.import(vec![submission]);
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        report.ids[0].clone()
    }
}

pub fn paths(dir: &TempDir) -> Paths {
    Paths {
        data_dir: dir.path().join("data"),
        index_dir: dir.path().join("index"),
    }
}

pub fn open(paths: &Paths, clock: &ManualClock) -> Arc<Catalogue> {
    Arc::new(Catalogue::open(paths, Arc::new(clock.clone())).unwrap().0)
}

/// A valid pending need for Lao PDR in clearance, USD 1,000,000. Change what the test needs.
pub fn need(title: &str) -> Submission {
    Submission {
        id: String::new(),
        kind: Kind::Need,
        status: Status::Pending,
        version: 1,
        submitter: Submitter {
            organisation: "National Regulatory Authority (Lao PDR)".into(),
            kind: SubmitterType::StateParty,
            country: Some("LAO".into()),
        },
        title: title.into(),
        summary: format!("{title}: summary."),
        description: "Survey and clearance of cluster munition remnants in contaminated villages."
            .into(),
        beneficiaries: Beneficiaries {
            countries: vec!["LAO".into()],
            regions: vec![],
            global: false,
        },
        areas: vec![Area::ClearanceAndRiskEducation],
        dac_sectors: vec![],
        assistance: vec![Assistance::Financial],
        funding: Some(Funding {
            amount: 1_000_000.0,
            currency: "USD".into(),
            usd: 0.0,
            rate_date: None,
        }),
        period: Period::default(),
        contact: Contact {
            name: "Test Contact".into(),
            email: "contact@example.org".into(),
            phone: None,
        },
        how_to_apply: String::new(),
        links: vec![],
        status_note: None,
        timestamps: Timestamps::default(),
        provenance: Provenance::default(),
    }
}

/// A valid pending offer from Norway, global, in clearance, USD 2,000,000.
pub fn offer(title: &str) -> Submission {
    let mut s = need(title);
    s.kind = Kind::Offer;
    s.submitter = Submitter {
        organisation: "Ministry of Foreign Affairs of Norway".into(),
        kind: SubmitterType::StateParty,
        country: Some("NOR".into()),
    };
    s.beneficiaries = Beneficiaries {
        countries: vec![],
        regions: vec![],
        global: true,
    };
    s.funding = Some(Funding {
        amount: 2_000_000.0,
        currency: "USD".into(),
        usd: 0.0,
        rate_date: None,
    });
    s.how_to_apply = "Send a concept note.".into();
    s
}

/// Serves the whole app on 127.0.0.1 at a free port, in the background, as `portal serve` does.
pub async fn serve(state: portal::web::AppState) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(portal::web::serve(
        listener,
        portal::web::app(state),
        portal::web::HEADER_READ_TIMEOUT,
        std::future::pending(),
    ));
    address
}
