//! Every page type of the portal is accessible and valid HTML: axe-core in a real headless
//! Chromium (Debian's `chromium`) finds no violation, and the Nu HTML checker (`vnu.jar`, run
//! with the machine's `java`) finds no error. Every page also works at a desk's width (1280 px)
//! and a phone's (390 px): nothing scrolls sideways, the header band spans the page (on one row
//! at 1280 px), chart labels are at least 11 px high as drawn, no date breaks across lines, and
//! every focus indicator met while tabbing through a page has 3:1 contrast with its
//! surroundings.
//!
//! This file builds a catalogue with demo content, a pending submission, an archived one and a
//! message that needs attention, serves the real app on 127.0.0.1 and runs
//! `tests/browser/a11y.mjs`, which logs in through the login form as each account, opens each
//! page, runs axe and saves the HTML as served; then it runs the Nu checker on those files.
//! It needs Chromium, Node.js, Java and `npm ci` in tests/browser, so it is ignored by plain
//! `cargo test`; `scripts/test` installs them and runs it. Set PORTAL_A11Y_KEEP=DIR to keep the
//! saved pages with full-page screenshots at both widths (PORTAL_SCREENSHOTS=DIR puts the
//! screenshots alone there).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, need, offer, start_time, tools};
use portal::access::{self, Account};
use portal::catalogue::ImportOptions;
use portal::demo::{self, DemoOptions};
use portal::review::{self, Arrival, Received};
use portal::web::{AppState, Config};
use serde_json::{Value, json};

const MEMBER_PASSWORD: &str = "shared-access-password";
const ADMIN_NAME: &str = "isu";
const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// A safety net against a hung browser or checker, not a timed assertion.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);
const DEMO_RECORDS: usize = 400;
const EXAMPLE: &str = include_str!("../data/templates/example-need.txt");

/// The submissions and message the admin pages are checked with.
struct Content {
    need_id: String,
    offer_id: String,
    pending_id: String,
    message_number: u64,
    renewal_token: String,
    confirm_token: String,
}

/// Demo content, a need with an offer that fits it, an archived need, a pending need, and a
/// message whose amount cannot be read.
fn catalogue_with_content(fixture: &Fixture) -> Content {
    // Archived: published a year and a half ago, then purged.
    fixture
        .clock
        .set(start_time() - chrono::Duration::days(540));
    fixture.add(need("Survey of former battle areas in Savannakhet"));
    fixture.clock.set(start_time());
    fixture.catalogue.purge_expired("test").unwrap();

    let demo = demo::generate(&DemoOptions {
        count: DEMO_RECORDS,
        seed: 1,
        now: start_time(),
    });
    let report = fixture.import_with(demo.collect(), ImportOptions { publish: false });
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let mut lao = need("Clearance of submunitions in Xieng Khouang");
    lao.summary = "Battle area clearance around schools in Xieng Khouang province".into();
    let need_id = fixture.add(lao);
    let offer_id = fixture.add(offer("Funding for clearance of submunitions"));
    let pending = fixture.import_with(
        vec![need("Prosthetics workshop in Quang Tri")],
        ImportOptions { publish: false },
    );
    let broken = EXAMPLE.replace("USD 1.2 million", "a lot");
    let received = review::receive_message(
        &fixture.catalogue,
        broken.as_bytes(),
        "broken.txt",
        Arrival::Template,
        ImportOptions::default(),
    )
    .unwrap();
    let Received::Filed(record) = received else {
        panic!("the broken template was taken for a duplicate");
    };
    // Reminders written for what expires soon, a renewal link, an API token and a feed.
    portal::reminders::run(
        &fixture.catalogue,
        &portal::reminders::ReminderSettings::default()
            .normalised()
            .unwrap(),
        &portal::reminders::Mailer::Outbox(fixture.dir.path().join("outbox")),
    )
    .unwrap();
    let renewal_token = fixture
        .catalogue
        .link_key()
        .unwrap()
        .issue(&need_id, start_time() + chrono::Duration::days(400))
        .unwrap();
    let admin = portal::access::Account::Admin("isu".into());
    portal::access::issue_token(
        &fixture.catalogue,
        portal::store::TokenPurpose::Api,
        "dashboard",
        &admin,
    )
    .unwrap();
    portal::access::issue_token(
        &fixture.catalogue,
        portal::store::TokenPurpose::Feed {
            query: "q=clearance&country=LAO".into(),
        },
        "Search: clearance in Lao PDR",
        &portal::access::Account::Member,
    )
    .unwrap();
    // A form submission waiting for its contact's confirmation, and the link's token.
    let sent = fixture.catalogue.get(&need_id).unwrap();
    let pending_form = portal::form_intake::receive(
        &fixture.catalogue,
        "isu@example.org",
        "http://127.0.0.1",
        portal::form_intake::FormLimits::default(),
        portal::form_intake::FormArrival {
            request: portal::form_intake::Request::Renew(need_id.clone()),
            text: String::new(),
            submission: sent,
            session_id: "accessibility".into(),
            client: "127.0.0.1".into(),
        },
    )
    .unwrap();
    let confirm_token = fixture
        .catalogue
        .link_key()
        .unwrap()
        .issue_for(
            portal::form_intake::CONFIRM_CONTACT,
            &pending_form.number.to_string(),
            pending_form.until,
        )
        .unwrap();
    Content {
        need_id,
        offer_id,
        pending_id: pending.ids[0].clone(),
        message_number: record.number,
        renewal_token,
        confirm_token,
    }
}

/// Every page type, as the account that sees it, with the status it must answer.
fn pages(content: &Content) -> Vec<Value> {
    let Content {
        need_id,
        offer_id,
        pending_id,
        message_number,
        renewal_token,
        confirm_token,
    } = content;
    let page = |name: &str, account: &str, path: &str, status: u16| json!({ "name": name, "account": account, "path": path, "status": status });
    vec![
        page("landing", "anonymous", "/", 200),
        page("login", "anonymous", "/login?next=/search", 200),
        page("not-found-anonymous", "anonymous", "/no-such-page", 404),
        page("landing-member", "member", "/", 200),
        page("search", "member", "/search", 200),
        page(
            "search-filtered",
            "member",
            "/search?q=clearance&kind=offer&area=clearance-and-risk-education&country=LAO&sort=newest",
            200,
        ),
        page(
            "search-no-results",
            "member",
            "/search?q=zzzqqqxxx&kind=need&expiring=30",
            200,
        ),
        page(
            "detail-need-with-matches",
            "member",
            &format!("/submissions/{need_id}"),
            200,
        ),
        page(
            "detail-offer-with-matches",
            "member",
            &format!("/submissions/{offer_id}"),
            200,
        ),
        page("find-offers", "member", "/find-offers", 200),
        page("statistics", "member", "/statistics", 200),
        page("compendium", "member", "/compendium", 200),
        page("country-lao", "member", "/countries/LAO", 200),
        page("find-offers-lao", "member", "/find-offers?country=LAO", 200),
        page("not-found", "member", "/submissions/NEED-1999-0001", 404),
        page("admin-review-queue", "admin", "/admin/queue", 200),
        page("admin-archive", "admin", "/admin/archive", 200),
        page("admin-expiring", "admin", "/admin/expiring?days=400", 200),
        page("admin-tokens", "admin", "/admin/tokens", 200),
        page(
            "renewal-link",
            "anonymous",
            &format!("/renew/{renewal_token}"),
            200,
        ),
        page(
            "renewal-link-invalid",
            "anonymous",
            "/renew/NEED-2026-0001.1.2.3",
            404,
        ),
        page("admin-login-log", "admin", "/admin", 200),
        page(
            "admin-detail-pending",
            "admin",
            &format!("/submissions/{pending_id}"),
            200,
        ),
        page(
            "admin-edit",
            "admin",
            &format!("/admin/submissions/{pending_id}/edit"),
            200,
        ),
        page(
            "admin-message",
            "admin",
            &format!("/admin/messages/{message_number}"),
            200,
        ),
        page("submit-form", "member", "/submit", 200),
        page("submit-form-need", "member", "/submit/need", 200),
        page(
            "submit-update-form",
            "member",
            &format!("/submissions/{need_id}/update"),
            200,
        ),
        json!({
            "name": "submit-form-errors",
            "account": "member",
            "path": "/submit/need",
            "status": 422,
            "submit": {
                "button": "Send for confirmation",
                "fill": { "Title": "Clearance", "Countries concerned": "Cambodja" },
            },
        }),
        page(
            "confirm-link",
            "anonymous",
            &format!("/confirm/{confirm_token}"),
            200,
        ),
        page("confirm-link-invalid", "anonymous", "/confirm/1.2.3.4", 404),
    ]
}

/// Three access requests: 1 unconfirmed (the token of its confirmation link is returned), 2
/// approved (a focal point), 3 confirmed and waiting for the ISU.
fn access_requests_to_review(fixture: &Fixture) -> String {
    use portal::access_requests::{self as requests, Addresses, RequestForm};
    let catalogue = &fixture.catalogue;
    let addresses = Addresses {
        public_url: "http://portal.test",
        isu_email: "isu@example.org",
    };
    let until = start_time() + chrono::Duration::days(1);
    let key = catalogue.link_key().unwrap();
    for (name, email) in [
        ("Ana Silva", "ana@mofa.gov.la"),
        ("Bo Chen", "bo@ngo.example"),
        ("Cy Diallo", "cy@mission.example"),
    ] {
        let requester = RequestForm {
            name: name.into(),
            organisation: "Ministry of Foreign Affairs".into(),
            submitter_type: "state-party".into(),
            country: "LAO".into(),
            email: email.into(),
            role: "Desk officer".into(),
        }
        .check()
        .unwrap();
        requests::request(catalogue, requester, "192.0.2.1", &addresses).unwrap();
    }
    for number in [2, 3] {
        let token = key
            .issue_for(requests::CONFIRMATION_PURPOSE, &number.to_string(), until)
            .unwrap();
        requests::confirm(catalogue, &token).unwrap();
    }
    let admin = Account::Admin(ADMIN_NAME.into());
    requests::approve(catalogue, 2, &admin, "known to the ISU", "isu@example.org").unwrap();
    key.issue_for(requests::CONFIRMATION_PURPOSE, "1", until)
        .unwrap()
}

/// The pages of access on request: the public form, its errors, a confirmation link, and
/// the ISU's pages.
fn access_pages(token: &str) -> Vec<Value> {
    let page = |name: &str, account: &str, path: &str, status: u16| json!({ "name": name, "account": account, "path": path, "status": status });
    let mut errors = page("request-access-errors", "anonymous", "/request-access", 422);
    errors["send"] = json!("/request-access");
    vec![
        page("request-access", "anonymous", "/request-access", 200),
        errors,
        page(
            "request-access-confirm",
            "anonymous",
            &format!("/request-access/confirm/{token}"),
            200,
        ),
        page(
            "request-access-confirm-invalid",
            "anonymous",
            "/request-access/confirm/1.2.3.4",
            404,
        ),
        page("admin-access-requests", "admin", "/admin/access", 200),
        page(
            "admin-access-request-waiting",
            "admin",
            "/admin/access/3",
            200,
        ),
        page(
            "admin-access-request-approved",
            "admin",
            "/admin/access/2",
            200,
        ),
        page("admin-focal-points", "admin", "/admin/focal-points", 200),
        page("admin-focal-point", "admin", "/admin/focal-points/2", 200),
    ]
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn vnu_jar() -> PathBuf {
    browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

struct Run {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self, what: &str) -> String {
        let how = match self.status {
            Some(status) => format!("{what} failed ({status})"),
            None => format!(
                "{what} did not finish within {} s",
                SCRIPT_TIMEOUT.as_secs()
            ),
        };
        format!(
            "{how}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs a command with its output in files, polling so that a hung one is killed.
async fn run(command: &mut Command, output_dir: &Path, name: &str) -> Run {
    let stdout_path = output_dir.join(format!("{name}.stdout"));
    let stderr_path = output_dir.join(format!("{name}.stderr"));
    let mut child = command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
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
    Run {
        status,
        stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
    }
}

/// axe's violations, one paragraph per rule and page, each element on its own line; any page
/// on which axe did not run a single rule (an injection that silently failed); and what the
/// script found wrong with a page's layout at either width.
fn axe_failures(report: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for page in report.as_array().expect("axe.json is a list") {
        for problem in page["layout"].as_array().into_iter().flatten() {
            failures.push(format!(
                "layout: page {} ({}) {}",
                page["page"].as_str().unwrap_or("?"),
                page["path"].as_str().unwrap_or("?"),
                problem.as_str().unwrap_or("?"),
            ));
        }
        if page["passed"].as_u64().unwrap_or(0) == 0 {
            failures.push(format!(
                "axe: no rule ran on page {} ({})",
                page["page"].as_str().unwrap_or("?"),
                page["path"].as_str().unwrap_or("?"),
            ));
        }
        for violation in page["violations"].as_array().into_iter().flatten() {
            let mut text = format!(
                "axe: {} on page {} ({}) [{}]: {}",
                violation["rule"].as_str().unwrap_or("?"),
                page["page"].as_str().unwrap_or("?"),
                page["path"].as_str().unwrap_or("?"),
                violation["impact"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or(""),
            );
            for node in violation["nodes"].as_array().into_iter().flatten() {
                let _ = write!(
                    text,
                    "\n    {}  {}\n      {}",
                    node["target"].as_str().unwrap_or("?"),
                    node["html"].as_str().unwrap_or(""),
                    node["summary"]
                        .as_str()
                        .unwrap_or("")
                        .replace('\n', "\n      "),
                );
            }
            failures.push(text);
        }
    }
    failures
}

/// The Nu checker's errors, one per line with page, line and the offending extract.
fn vnu_failures(output: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(output.trim())
        .unwrap_or_else(|e| panic!("the Nu checker's output is not JSON ({e}):\n{output}"));
    report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let file = m["url"].as_str().unwrap_or("?");
            let page = file.rsplit('/').next().unwrap_or(file);
            format!(
                "html: {} line {}: {}\n    {}",
                page,
                m["lastLine"].as_u64().unwrap_or(0),
                m["message"].as_str().unwrap_or("?"),
                m["extract"]
                    .as_str()
                    .unwrap_or("")
                    .trim()
                    .replace('\n', " "),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium, Node.js, Java and npm ci in tests/browser: scripts/test installs them and runs it"]
async fn every_page_type_passes_axe_and_the_nu_html_checker() {
    tools::require(&[
        tools::CHROMIUM,
        tools::NODE,
        tools::JAVA,
        tools::PLAYWRIGHT,
        tools::AXE,
        tools::VNU,
    ]);

    let fixture = Fixture::new();
    let content = catalogue_with_content(&fixture);
    access::set_password(&fixture.catalogue, &Account::Member, MEMBER_PASSWORD).unwrap();
    let admin = Account::Admin(ADMIN_NAME.into());
    access::set_password(&fixture.catalogue, &admin, ADMIN_PASSWORD).unwrap();
    let access_token = access_requests_to_review(&fixture);
    let address = common::serve(AppState::new(fixture.catalogue.clone(), Config::default())).await;

    let output_dir = match std::env::var_os("PORTAL_A11Y_KEEP") {
        Some(dir) => PathBuf::from(dir),
        None => fixture.dir.path().join("pages"),
    };
    std::fs::create_dir_all(&output_dir).unwrap();
    let mut pages = pages(&content);
    pages.extend(access_pages(&access_token));
    let pages_file = fixture.dir.path().join("pages.json");
    let plan = json!({
        "accounts": {
            "member": { "password": MEMBER_PASSWORD },
            "admin": { "name": ADMIN_NAME, "password": ADMIN_PASSWORD },
        },
        "pages": pages,
    });
    std::fs::write(&pages_file, plan.to_string()).unwrap();

    let script = run(
        Command::new("node")
            .arg(browser_dir().join("a11y.mjs"))
            .arg(format!("http://{address}"))
            .arg(&pages_file)
            .arg(&output_dir),
        fixture.dir.path(),
        "a11y",
    )
    .await;
    assert!(
        script.status.is_some_and(|s| s.success()),
        "{}",
        script.describe("the browser script")
    );
    let axe_report: Value =
        serde_json::from_str(&std::fs::read_to_string(output_dir.join("axe.json")).unwrap())
            .unwrap();

    let html_files: Vec<PathBuf> = pages
        .iter()
        .map(|p| output_dir.join(format!("{}.html", p["name"].as_str().unwrap())))
        .collect();
    let vnu = run(
        Command::new("java")
            .arg("-jar")
            .arg(vnu_jar())
            .args(["--errors-only", "--format", "json"])
            .args(&html_files),
        fixture.dir.path(),
        "vnu",
    )
    .await;
    // The checker exits 1 when it found errors; its JSON report is on standard error.
    assert!(vnu.status.is_some(), "{}", vnu.describe("the Nu checker"));

    let mut failures = axe_failures(&axe_report);
    failures.extend(vnu_failures(&vnu.stderr));
    assert!(
        failures.is_empty(),
        "{} problems on {} pages:\n\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{}{} pages: no axe violation, no HTML error, no layout problem at 1280 and 390 px",
        script.stdout,
        pages.len()
    );
}
