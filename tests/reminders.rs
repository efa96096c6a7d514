//! Reminders before expiry and renewal links: due at the configured days, prepared once (also
//! across restarts), written to the outbox or sent over SMTP (a real SMTP conversation with a
//! small server on 127.0.0.1), and the link in them renewing that one submission, once.
//! Time moves through the fixture's clock; nothing sleeps.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use common::{Fixture, need, offer};
use http_body_util::BodyExt;
use portal::catalogue::{Catalogue, Lifespans};
use portal::reminders::{self, Mailer, ReminderSettings};
use portal::renewal::LinkError;
use portal::store::{AuditEvent, Delivery, ReminderRecord};
use portal::submission::{Kind, Status};
use portal::web::{AppState, Config, app};
use tower::ServiceExt;

fn settings() -> ReminderSettings {
    ReminderSettings {
        public_url: "https://portal.example.org".into(),
        isu_email: "isu@example.org".into(),
        ..ReminderSettings::default()
    }
    .normalised()
    .unwrap()
}

fn outbox(fixture: &Fixture) -> Mailer {
    Mailer::Outbox(fixture.dir.path().join("outbox"))
}

fn outbox_files(fixture: &Fixture) -> Vec<String> {
    let dir = fixture.dir.path().join("outbox");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A day as the pages write it: in words, in a `<time>` element.
fn in_words(t: DateTime<Utc>) -> String {
    format!(
        r#"<time datetime="{}">{}</time>"#,
        t.format("%Y-%m-%d"),
        t.format("%-d %B %Y")
    )
}

fn expiry(fixture: &Fixture, id: &str) -> DateTime<Utc> {
    fixture
        .catalogue
        .get(id)
        .unwrap()
        .timestamps
        .expires_at
        .unwrap()
}

/// Runs the reminders and returns the stages delivered in this run, as `ID@DAYS`.
fn remind(fixture: &Fixture, mailer: &Mailer) -> Vec<String> {
    let run = reminders::run(&fixture.catalogue, &settings(), mailer).unwrap();
    run.delivered
        .iter()
        .map(|r| format!("{}@{}", r.id, r.stage_days))
        .collect()
}

/// The renewal link's token in a prepared message (decoding the transfer encoding).
fn link_token(reminder: &ReminderRecord) -> String {
    let message = mail_parser::MessageParser::default()
        .parse(reminder.message.as_bytes())
        .unwrap();
    let text = message.body_text(0).unwrap().into_owned();
    let start = text.find("https://portal.example.org/renew/").unwrap()
        + "https://portal.example.org/renew/".len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

fn only_reminder(fixture: &Fixture, id: &str) -> ReminderRecord {
    let reminders = fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .reminders(id)
        .unwrap();
    assert_eq!(reminders.len(), 1, "{reminders:#?}");
    reminders.into_iter().next().unwrap()
}

#[test]
fn reminders_are_due_at_thirty_and_seven_days_and_prepared_once_across_restarts() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Clearance in Xieng Khouang"));
    let expires = expiry(&fixture, &id);
    let mailer = outbox(&fixture);

    fixture
        .clock
        .set(expires - Duration::days(30) - Duration::seconds(1));
    assert!(
        remind(&fixture, &mailer).is_empty(),
        "not due a second early"
    );

    fixture.clock.set(expires - Duration::days(30));
    assert_eq!(remind(&fixture, &mailer), vec![format!("{id}@30")]);
    assert!(remind(&fixture, &mailer).is_empty(), "prepared once");

    // A restart forgets nothing: the reminder is in the store.
    let fixture = fixture.reopen();
    let mailer = outbox(&fixture);
    fixture.clock.advance(Duration::days(5));
    assert!(
        remind(&fixture, &mailer).is_empty(),
        "not again after a restart"
    );

    fixture.clock.set(expires - Duration::days(7));
    assert_eq!(remind(&fixture, &mailer), vec![format!("{id}@7")]);
    assert!(remind(&fixture, &mailer).is_empty());

    let date = expires.format("%Y-%m-%d");
    assert_eq!(
        outbox_files(&fixture),
        vec![
            format!("{id}-{date}-30d.eml"),
            format!("{id}-{date}-7d.eml")
        ]
    );
    let reminded = fixture
        .catalogue
        .audit(&id)
        .unwrap()
        .into_iter()
        .filter(|e| e.event == AuditEvent::Reminded)
        .count();
    assert_eq!(reminded, 2, "each reminder is in the audit trail");
}

#[test]
fn the_reminder_says_what_and_when_and_how_to_renew() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Victim assistance in Battambang"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(20));
    remind(&fixture, &outbox(&fixture));

    let reminder = only_reminder(&fixture, &id);
    assert_eq!(reminder.to.as_deref(), Some("contact@example.org"));
    let file = fixture
        .dir
        .path()
        .join("outbox")
        .join(format!("{id}-{}-30d.eml", expires.format("%Y-%m-%d")));
    let bytes = std::fs::read(&file).unwrap();
    let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(
        message.to().unwrap().first().unwrap().address(),
        Some("contact@example.org")
    );
    assert_eq!(
        message.from().unwrap().first().unwrap().address(),
        Some("isu@example.org")
    );
    let subject = message.subject().unwrap();
    assert!(subject.contains(&id), "{subject}");
    // Lines are wrapped at spaces: the words are read across line ends.
    let text = message
        .body_text(0)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        id.as_str(),
        "Victim assistance in Battambang",
        &expires.format("%-d %B %Y").to_string(),
        "moved to the archive",
        "https://portal.example.org/renew/",
        &format!("Renew: {id}"),
        "12 months",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
}

#[test]
fn a_submission_published_late_gets_only_the_nearest_reminder() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Short notice"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(5));
    assert_eq!(remind(&fixture, &outbox(&fixture)), vec![format!("{id}@7")]);
    assert!(remind(&fixture, &outbox(&fixture)).is_empty());
}

#[test]
fn a_renewal_starts_a_new_round_of_reminders() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Renewed in time"));
    let first_expiry = expiry(&fixture, &id);
    fixture.clock.set(first_expiry - Duration::days(10));
    assert_eq!(
        remind(&fixture, &outbox(&fixture)),
        vec![format!("{id}@30")]
    );

    fixture.catalogue.renew(&id).unwrap();
    let second_expiry = expiry(&fixture, &id);
    assert!(second_expiry > first_expiry);
    fixture.clock.set(first_expiry - Duration::days(3));
    assert!(
        remind(&fixture, &outbox(&fixture)).is_empty(),
        "the old expiry's 7-day reminder is no longer due"
    );
    fixture.clock.set(second_expiry - Duration::days(29));
    assert_eq!(
        remind(&fixture, &outbox(&fixture)),
        vec![format!("{id}@30")]
    );
}

#[test]
fn only_published_submissions_are_reminded() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Withdrawn"));
    let expires = expiry(&fixture, &id);
    fixture
        .catalogue
        .set_status(&id, Status::Withdrawn)
        .unwrap();
    fixture.clock.set(expires - Duration::days(1));
    assert!(remind(&fixture, &outbox(&fixture)).is_empty());
}

#[test]
fn a_submission_without_an_address_is_recorded_as_not_sent() {
    let fixture = Fixture::new();
    let mut nobody = offer("No contact address");
    nobody.contact.email = String::new();
    let id = fixture.add(nobody);
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(1));
    remind(&fixture, &outbox(&fixture));
    let reminder = only_reminder(&fixture, &id);
    assert!(
        matches!(reminder.delivery, Delivery::Undeliverable { .. }),
        "{:?}",
        reminder.delivery
    );
    assert!(outbox_files(&fixture).is_empty());
}

#[test]
fn a_failed_delivery_is_tried_again_and_not_prepared_twice() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Outbox blocked"));
    fixture
        .clock
        .set(expiry(&fixture, &id) - Duration::days(10));
    // A file where the outbox folder should be: writing fails.
    let blocked = fixture.dir.path().join("blocked");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let blocked_mailer = Mailer::Outbox(blocked.clone());
    remind(&fixture, &blocked_mailer);
    assert!(matches!(
        only_reminder(&fixture, &id).delivery,
        Delivery::Failed { attempts: 1, .. }
    ));
    remind(&fixture, &blocked_mailer);
    assert!(matches!(
        only_reminder(&fixture, &id).delivery,
        Delivery::Failed { attempts: 2, .. }
    ));
    assert_eq!(
        remind(&fixture, &outbox(&fixture)),
        vec![format!("{id}@30")]
    );
    assert!(matches!(
        only_reminder(&fixture, &id).delivery,
        Delivery::Written { .. }
    ));
}

/// One message an SMTP client handed over.
#[derive(Debug, Clone, Default)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A minimal SMTP server on 127.0.0.1 that accepts every message; returns its address and what
/// it received.
fn smtp_server() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let received = Arc::new(Mutex::new(Vec::new()));
    let inbox = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut message = Received::default();
            let reply = |stream: &mut std::net::TcpStream, text: &str| {
                stream.write_all(format!("{text}\r\n").as_bytes()).unwrap();
            };
            reply(&mut stream, "220 test SMTP");
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                let command = line.trim_end().to_string();
                line.clear();
                let upper = command.to_ascii_uppercase();
                if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    reply(&mut stream, "250 test");
                } else if upper.starts_with("MAIL FROM:") {
                    message.from = command[10..].trim().to_string();
                    reply(&mut stream, "250 OK");
                } else if upper.starts_with("RCPT TO:") {
                    message.to.push(command[8..].trim().to_string());
                    reply(&mut stream, "250 OK");
                } else if upper == "DATA" {
                    reply(&mut stream, "354 go on");
                    let mut data = String::new();
                    loop {
                        reader.read_line(&mut line).unwrap();
                        if line == ".\r\n" {
                            line.clear();
                            break;
                        }
                        data.push_str(&line);
                        line.clear();
                    }
                    message.data = data;
                    inbox.lock().unwrap().push(std::mem::take(&mut message));
                    reply(&mut stream, "250 queued");
                } else if upper == "QUIT" {
                    reply(&mut stream, "221 bye");
                    break;
                } else {
                    reply(&mut stream, "250 OK");
                }
            }
        }
    });
    (address, received)
}

#[test]
fn reminders_are_sent_over_smtp_when_a_server_is_set() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Sent by SMTP"));
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(7));
    let (address, received) = smtp_server();
    let mailer = Mailer::smtp(&format!("smtp://{address}")).unwrap();
    assert_eq!(remind(&fixture, &mailer), vec![format!("{id}@7")]);

    let reminder = only_reminder(&fixture, &id);
    assert!(
        matches!(&reminder.delivery, Delivery::Sent { server, .. } if *server == address),
        "{:?}",
        reminder.delivery
    );
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "<isu@example.org>");
    assert_eq!(received[0].to, vec!["<contact@example.org>".to_string()]);
    assert!(received[0].data.contains(&format!("Subject: Renew {id}")));
    assert!(outbox_files(&fixture).is_empty());
}

#[test]
fn an_smtp_server_that_does_not_answer_leaves_the_reminder_to_retry() {
    let fixture = Fixture::new();
    let id = fixture.add(need("SMTP down"));
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(7));
    // A port nobody listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    remind(&fixture, &mailer);
    assert!(matches!(
        only_reminder(&fixture, &id).delivery,
        Delivery::Failed { .. }
    ));
}

#[test]
fn a_renewal_link_renews_its_one_submission_once() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Renewed by link"));
    let other = fixture.add(need("Not renewed"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(7));
    remind(&fixture, &outbox(&fixture));
    let token = link_token(&only_reminder(&fixture, &id));

    fixture.clock.advance(Duration::days(2));
    let renewed = fixture.catalogue.renew_with_link(&token).unwrap();
    assert_eq!(renewed.id, id);
    assert_eq!(
        renewed.timestamps.expires_at,
        Some(
            fixture
                .catalogue
                .lifespans()
                .expiry(Kind::Need, fixture.catalogue.now())
        )
    );
    assert_eq!(expiry(&fixture, &other), expires, "nothing else changed");
    let last = fixture.catalogue.audit(&id).unwrap().pop().unwrap();
    assert_eq!(last.event, AuditEvent::Renewed);
    assert_eq!(last.actor, "contact (renewal link)");

    let again = fixture.catalogue.renew_with_link(&token).unwrap_err();
    assert!(
        matches!(
            again,
            portal::catalogue::CatalogueError::RenewalLink(LinkError::AlreadyUsed(_))
        ),
        "{again}"
    );
    // A changed id breaks the signature.
    let forged = token.replacen(&id, &other, 1);
    assert!(matches!(
        fixture.catalogue.renew_with_link(&forged).unwrap_err(),
        portal::catalogue::CatalogueError::RenewalLink(LinkError::Forged)
    ));
}

#[test]
fn a_renewal_link_restores_an_archived_submission_until_it_lapses() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Lapsed"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(7));
    remind(&fixture, &outbox(&fixture));
    let reminder = only_reminder(&fixture, &id);
    let token = link_token(&reminder);

    fixture.clock.set(expires + Duration::days(1));
    fixture.catalogue.purge_expired("test").unwrap();
    assert_eq!(fixture.catalogue.get(&id).unwrap().status, Status::Expired);
    let restored = fixture.catalogue.renew_with_link(&token).unwrap();
    assert_eq!(restored.status, Status::Published);

    // Another link, used after it stopped working.
    let second = fixture.add(need("Too late"));
    let second_expiry = expiry(&fixture, &second);
    fixture.clock.set(second_expiry - Duration::days(7));
    remind(&fixture, &outbox(&fixture));
    let late = link_token(&only_reminder(&fixture, &second));
    fixture
        .clock
        .set(only_reminder(&fixture, &second).link_valid_until);
    assert!(matches!(
        fixture.catalogue.renew_with_link(&late).unwrap_err(),
        portal::catalogue::CatalogueError::RenewalLink(LinkError::Expired(_))
    ));
}

#[test]
fn a_withdrawn_submission_cannot_be_renewed_by_link() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Withdrawn later"));
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(7));
    remind(&fixture, &outbox(&fixture));
    let token = link_token(&only_reminder(&fixture, &id));
    fixture
        .catalogue
        .set_status(&id, Status::Withdrawn)
        .unwrap();
    assert!(matches!(
        fixture.catalogue.renew_with_link(&token).unwrap_err(),
        portal::catalogue::CatalogueError::RenewalLink(LinkError::NotRenewable { .. })
    ));
    assert_eq!(
        fixture.catalogue.get(&id).unwrap().status,
        Status::Withdrawn
    );
}

async fn send(fixture: &Fixture, request: Request<Body>) -> (StatusCode, String) {
    let mut request = request;
    request.extensions_mut().insert(ConnectInfo(
        "127.0.0.1:40000".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let router = app(AppState::new(fixture.catalogue.clone(), Config::default()));
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "portal.test")
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_renewal_link_page_asks_first_and_renews_on_the_button_without_a_password() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Renewed on the web"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(7));
    remind(&fixture, &outbox(&fixture));
    let path = format!("/renew/{}", link_token(&only_reminder(&fixture, &id)));

    let (status, page) = send(&fixture, get(&path)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Renewed on the web") && page.contains("Renew for 12 months"));
    // In the portal's frame and styles, like every other page, its dates in words.
    assert!(
        page.contains(r#"<link rel="stylesheet" href="/static/style.css">"#)
            && page.contains(r#"<header class="site">"#)
            && page.contains(r#"<dl class="fields">"#),
        "{page}"
    );
    assert!(page.contains(&in_words(expires)), "{page}");
    let iso = expires.format("%Y-%m-%d").to_string();
    assert_eq!(
        page.matches(&iso).count(),
        page.matches(&format!("datetime=\"{iso}\"")).count(),
        "an ISO date in the text: {page}"
    );
    assert_eq!(
        expiry(&fixture, &id),
        expires,
        "opening the link changes nothing"
    );

    let (status, page) = send(&fixture, post(&path)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(expiry(&fixture, &id) > expires);
    assert!(
        page.contains(&format!(
            "valid until <strong>{}",
            in_words(expiry(&fixture, &id))
        )),
        "{page}"
    );

    let (status, page) = send(&fixture, post(&path)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("was already used"), "{page}");
    let (status, _) = send(&fixture, get(&path)).await;
    assert_eq!(status, StatusCode::GONE);

    let (status, page) = send(&fixture, get("/renew/NEED-2026-0001.1.2.3")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Not a valid renewal link"), "{page}");
}

#[tokio::test]
async fn the_expiring_soon_page_shows_what_was_sent_and_what_is_due() {
    let fixture = Fixture::new();
    access_for_admin(&fixture);
    let id = fixture.add(need("Expiring soon"));
    let expires = expiry(&fixture, &id);
    fixture.clock.set(expires - Duration::days(20));
    remind(&fixture, &outbox(&fixture));

    let cookie = login_admin(&fixture).await;
    let mut request = get("/admin/expiring");
    request
        .headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    let (status, page) = send(&fixture, request).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&id), "{page}");
    assert!(page.contains("30 days before: for contact@example.org, written to the outbox"));
    let due = in_words(expires - Duration::days(7));
    assert!(
        page.contains(&format!("7 days before: due {due}")),
        "{page}"
    );
}

const ADMIN_PASSWORD: &str = "an admin password for tests";

fn access_for_admin(fixture: &Fixture) {
    portal::access::set_password(
        &fixture.catalogue,
        &portal::access::Account::Admin("ada".into()),
        ADMIN_PASSWORD,
    )
    .unwrap();
}

async fn login_admin(fixture: &Fixture) -> String {
    let body =
        serde_urlencoded::to_string([("admin", "ada"), ("password", ADMIN_PASSWORD)]).unwrap();
    let mut request = post("/login");
    *request.body_mut() = Body::from(body);
    let mut request = request;
    request.extensions_mut().insert(ConnectInfo(
        "127.0.0.1:40000".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let router = app(AppState::new(fixture.catalogue.clone(), Config::default()));
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = response.headers().get(header::SET_COOKIE).unwrap();
    set.to_str().unwrap().split(';').next().unwrap().to_string()
}

#[test]
fn lifespans_are_configurable_per_kind() {
    let lifespans = Lifespans::parse("need=6, project=36").unwrap();
    assert_eq!(lifespans.months(Kind::Need), 6);
    assert_eq!(lifespans.months(Kind::Offer), 12, "not named: the default");
    assert_eq!(lifespans.months(Kind::Project), 36);
    for bad in ["need", "needs=3", "need=0", "need=many"] {
        assert!(Lifespans::parse(bad).is_err(), "{bad}");
    }

    let dir = tempfile::tempdir().unwrap();
    let clock = portal::clock::ManualClock::new(common::start_time());
    let paths = common::paths(&dir);
    let (mut catalogue, _) = Catalogue::open(&paths, Arc::new(clock.clone())).unwrap();
    catalogue.set_lifespans(lifespans);
    let report = catalogue
        .import(
            [portal::catalogue::IncomingRecord {
                location: "test".into(),
                record: Ok(portal::catalogue::ExportRecord {
                    submission: need("Six months"),
                    previous_versions: vec![],
                    audit: vec![],
                }),
            }],
            portal::catalogue::ImportOptions { publish: true },
            &mut |_| {},
        )
        .unwrap();
    let published = catalogue.get(&report.ids[0]).unwrap();
    assert_eq!(
        published.timestamps.expires_at,
        Some(common::start_time() + chrono::Months::new(6))
    );
}

#[test]
fn a_stopping_portal_leaves_reminders_outstanding_for_the_next_start() {
    let fixture = Fixture::new();
    let first = fixture.add(need("Clearance in Xieng Khouang"));
    fixture.add(need("Risk education in Savannakhet"));
    fixture
        .clock
        .set(expiry(&fixture, &first) - Duration::days(30));
    let mailer = outbox(&fixture);
    assert_eq!(
        reminders::prepare_due(&fixture.catalogue, &settings())
            .unwrap()
            .len(),
        2
    );
    fixture.catalogue.stop_background_work();
    assert!(
        reminders::deliver_outstanding(&fixture.catalogue, &mailer)
            .unwrap()
            .is_empty()
    );
    assert!(outbox_files(&fixture).is_empty());

    let fixture = fixture.reopen();
    let delivered = reminders::deliver_outstanding(&fixture.catalogue, &mailer).unwrap();
    assert_eq!(delivered.len(), 2);
    assert_eq!(outbox_files(&fixture).len(), 2);
}

/// Writes `contact` into a stored submission directly, as data stored before intake checked
/// contacts would hold it.
fn store_contact(fixture: &Fixture, id: &str, name: &str, email: &str) {
    fixture
        .catalogue
        .store()
        .write(|writer| -> Result<(), portal::store::StoreError> {
            let mut submission = writer.get(id)?.unwrap();
            submission.contact.name = name.into();
            submission.contact.email = email.into();
            writer.put(&mut submission)
        })
        .unwrap();
    fixture
        .catalogue
        .index()
        .catch_up(fixture.catalogue.store())
        .unwrap();
}

/// Regression (hardening): one contact address from before intake checked them, e.g.
/// `pat@[192.0.2.1]`, made every run fail with an error about the ISU's address, and no other
/// reminder was written.
#[test]
fn one_bad_contact_address_does_not_stop_the_other_reminders() {
    for email in [
        "pat@[192.0.2.1]",
        "\"evil@x.example\"@b.co",
        "a@b@example.org",
    ] {
        let fixture = Fixture::new();
        let first = fixture.add(need("First good one"));
        let bad = fixture.add(need("The bad one"));
        let second = fixture.add(offer("Second good one"));
        store_contact(&fixture, &bad, "Pat", email);
        fixture
            .clock
            .set(expiry(&fixture, &first) - Duration::days(1));

        let run = reminders::run(&fixture.catalogue, &settings(), &outbox(&fixture))
            .unwrap_or_else(|e| panic!("{email}: {e}"));
        let date = expiry(&fixture, &first).format("%Y-%m-%d");
        assert_eq!(
            outbox_files(&fixture),
            vec![
                format!("{first}-{date}-7d.eml"),
                format!("{second}-{date}-7d.eml")
            ],
            "{email}"
        );
        assert_eq!(run.prepared.len(), 3, "{email}");
        let reminder = only_reminder(&fixture, &bad);
        let Delivery::Undeliverable { reason } = &reminder.delivery else {
            panic!("{email}: {:?}", reminder.delivery);
        };
        assert!(reason.contains("contact's e-mail address"), "{reason}");
        let trail = fixture.catalogue.audit(&bad).unwrap();
        assert!(
            trail.iter().any(|e| e.event == AuditEvent::Reminded
                && e.note.as_deref().unwrap_or("").contains("not sent")),
            "{trail:?}"
        );
        // Nothing is tried again: the next run has nothing to do.
        assert!(remind(&fixture, &outbox(&fixture)).is_empty());
    }
}

/// Regression (hardening): a control character in the contact's name (stored before intake
/// refused it) is left out of the reminder, which still goes out.
#[test]
fn a_control_character_in_the_contact_name_is_left_out_of_the_reminder() {
    for name in ["Nul\0Name", "Bell\u{7}"] {
        let fixture = Fixture::new();
        let id = fixture.add(need("Named badly"));
        store_contact(&fixture, &id, name, "named@example.org");
        fixture.clock.set(expiry(&fixture, &id) - Duration::days(1));
        assert_eq!(remind(&fixture, &outbox(&fixture)), vec![format!("{id}@7")]);
        let reminder = only_reminder(&fixture, &id);
        assert!(!reminder.message.contains(name), "{name:?}");
        assert!(reminder.message.contains("Dear colleague,"));
    }
}

/// The ISU's own address, and only it, stops a run with the error that names it.
#[test]
fn only_a_bad_isu_address_is_blamed_on_the_isu() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Due"));
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(1));
    let bad = ReminderSettings {
        isu_email: "isu@[192.0.2.1]".into(),
        ..settings()
    };
    let error = reminders::run(&fixture.catalogue, &bad, &outbox(&fixture)).unwrap_err();
    assert!(
        error.to_string().contains("the ISU's e-mail address"),
        "{error}"
    );
}

/// Regression (hardening): reminders say they are MIME and sent by a program (no
/// out-of-office replies); a long title is cut after a whole word in the subject, and the
/// body's lines are broken at spaces only.
#[test]
fn a_reminder_has_mime_and_auto_submitted_headers_and_whole_words() {
    let fixture = Fixture::new();
    let title = "Comprehensive survey, clearance and explosive ordnance risk education \
                 for the contaminated districts of Xieng Khouang and Houaphanh provinces";
    let id = fixture.add(need(title));
    fixture.clock.set(expiry(&fixture, &id) - Duration::days(1));
    remind(&fixture, &outbox(&fixture));
    let reminder = only_reminder(&fixture, &id);
    let message = mail_parser::MessageParser::default()
        .parse(reminder.message.as_bytes())
        .unwrap();
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|value| value.trim().to_string())
    };
    assert_eq!(header("MIME-Version").as_deref(), Some("1.0"));
    assert_eq!(header("Auto-Submitted").as_deref(), Some("auto-generated"));

    let subject = message.subject().unwrap();
    let shown = subject.split_once(": ").unwrap().1;
    let cut = shown.strip_suffix('…').expect("a cut title ends with …");
    assert!(
        title.starts_with(cut) && title[cut.len()..].starts_with(' '),
        "cut inside a word: {subject}"
    );

    let body = message.body_text(0).unwrap();
    let words: Vec<&str> = title.split_whitespace().collect();
    for line in body.lines() {
        assert!(
            line.chars().count() <= 76 || !line.contains(' '),
            "a long line: {line}"
        );
    }
    let flowing = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flowing.contains(&words.join(" ")), "{body}");
}
