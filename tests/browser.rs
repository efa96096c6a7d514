//! The portal end to end in a real headless Chromium (Debian's `chromium`), over HTTP on
//! 127.0.0.1: log in, search with two filters, open a detail page, follow a match, log out.
//!
//! The browser steps are in `tests/browser/e2e.mjs` (playwright-core driving /usr/bin/chromium);
//! this file builds the catalogue, serves the real app and runs the script. Without Chromium or
//! `npm ci` in tests/browser it is ignored by plain `cargo test`; `scripts/test` installs them and
//! runs it.
//! Set PORTAL_SCREENSHOTS=DIR to keep full-page screenshots of the pages it visits.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, need, offer, start_time, tools};
use portal::access::{self, Account};
use portal::catalogue::ImportOptions;
use portal::demo::{self, DemoOptions};
use portal::web::{AppState, Config};

const MEMBER_PASSWORD: &str = "shared-access-password";
/// A safety net against a hung browser, not a timed assertion.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);
const DEMO_RECORDS: usize = 400;

/// The known pair the script follows: a need in Lao PDR and a global offer that fits it.
struct KnownPair {
    need_id: String,
    offer_id: String,
}

/// Demo content for realism, plus one need with an offer that surely matches it.
fn catalogue_with_demo_content(fixture: &Fixture) -> KnownPair {
    let demo = demo::generate(&DemoOptions {
        count: DEMO_RECORDS,
        seed: 1,
        now: start_time(),
    });
    // Demo records carry their own status (most published, some pending or withdrawn).
    let report = fixture.import_with(demo.collect(), ImportOptions { publish: false });
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let mut lao = need("Clearance of submunitions in Xieng Khouang");
    lao.summary = "Battle area clearance around schools in Xieng Khouang province".into();
    let need_id = fixture.add(lao);
    let offer_id = fixture.add(offer("Funding for clearance of submunitions"));
    KnownPair { need_id, offer_id }
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

struct ScriptRun {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

/// Runs the browser script with its output in files, polling so a hung browser is killed.
async fn run_script(args: &[String], output_dir: &Path) -> ScriptRun {
    let stdout_path = output_dir.join("e2e.stdout");
    let stderr_path = output_dir.join("e2e.stderr");
    let mut child = Command::new("node")
        .arg(browser_dir().join("e2e.mjs"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("node starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ScriptRun {
        status,
        stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium, Node.js and npm ci in tests/browser: scripts/test installs them and runs it"]
async fn a_member_logs_in_searches_opens_a_submission_and_follows_a_match_in_chromium() {
    tools::require(&[tools::CHROMIUM, tools::NODE, tools::PLAYWRIGHT]);

    let fixture = Fixture::new();
    let known = catalogue_with_demo_content(&fixture);
    access::set_password(&fixture.catalogue, &Account::Member, MEMBER_PASSWORD).unwrap();
    let address = common::serve(AppState::new(fixture.catalogue.clone(), Config::default())).await;

    let started = Instant::now();
    let run = run_script(
        &[
            format!("http://{address}"),
            MEMBER_PASSWORD.to_string(),
            known.need_id,
            known.offer_id,
        ],
        fixture.dir.path(),
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    match run.status {
        Some(status) => assert!(
            status.success(),
            "the browser script failed ({status}) after {seconds:.1} s\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout,
            run.stderr
        ),
        None => panic!(
            "the browser script did not finish within {} s\n--- stdout\n{}\n--- stderr\n{}",
            SCRIPT_TIMEOUT.as_secs(),
            run.stdout,
            run.stderr
        ),
    }
    // The steps with their times; shown with --nocapture.
    eprintln!("{}browser script passed in {seconds:.1} s", run.stdout);
}
