//! The ISU's long lists, the review queue, the archive and "expiring soon", a page at a time: counts of the
//! whole, the order, the links between pages, a page number refused by name; the archive's
//! own table kept as submissions enter and leave it, and built for a store from before it.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::http::Portal;
use common::{Fixture, need};
use portal::catalogue::{Catalogue, ImportOptions};
use portal::submission::Status;

/// `count` needs titled "Need 1", "Need 2"…, each received a minute after the one before.
fn needs_a_minute_apart(fixture: &Fixture, count: usize, publish: bool) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 1..=count {
        let report =
            fixture.import_with(vec![need(&format!("Need {n}"))], ImportOptions { publish });
        ids.extend(report.ids);
        fixture.clock.advance(Duration::minutes(1));
    }
    ids
}

/// The store's archive table, as the tests change it behind the portal's back.
const ARCHIVE: redb::TableDefinition<(i64, &str), ()> = redb::TableDefinition::new("archive");

fn archived_ids(catalogue: &Catalogue) -> Vec<String> {
    catalogue
        .archive()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

fn newest_first(ids: Vec<String>) -> Vec<String> {
    ids.into_iter().rev().collect()
}

/// The ids of the submissions a list page links to, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("<a href=\"/submissions/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_review_queue_lists_a_hundred_at_a_time_the_longest_waiting_first() {
    let portal = Portal::new();
    let ids = needs_a_minute_apart(&portal.fixture, 230, false);
    let admin = portal.login_admin().await;

    let first = portal.get("/admin/queue", Some(&admin)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.body.contains("Waiting for publication (230)"),
        "{}",
        first.body
    );
    assert!(
        first
            .body
            .contains("Showing 1–100, the longest waiting first.")
    );
    assert_eq!(listed(&first.body), ids[..100]);
    assert_eq!(
        first.body.matches("type=\"checkbox\" name=\"id\"").count(),
        100
    );
    assert!(
        first
            .body
            .contains("href=\"/admin/queue?page=2\" rel=\"next\"")
    );
    assert!(first.body.contains("href=\"/admin/queue?page=3\""));

    let last = portal.get("/admin/queue?page=3", Some(&admin)).await;
    assert!(last.body.contains("Showing 201–230"));
    assert_eq!(listed(&last.body), ids[200..]);
    assert!(
        last.body
            .contains("href=\"/admin/queue?page=2\" rel=\"prev\"")
    );

    let beyond = portal.get("/admin/queue?page=9", Some(&admin)).await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.body.contains("No submission on this page"));

    for bad in ["0", "two", "-1"] {
        let reply = portal
            .get(&format!("/admin/queue?page={bad}"), Some(&admin))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            reply
                .body
                .contains("page&quot; must be a whole number from 1"),
            "{bad}"
        );
    }

    // Published ones leave the queue at once.
    portal.fixture.catalogue.publish(&ids[0]).unwrap();
    let after = portal.get("/admin/queue", Some(&admin)).await;
    assert!(after.body.contains("Waiting for publication (229)"));
    assert_eq!(listed(&after.body)[0], ids[1]);
}

#[tokio::test]
async fn the_archive_lists_a_hundred_at_a_time_the_latest_expired_first() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    let ids = needs_a_minute_apart(fixture, 130, true);
    fixture.clock.advance(Duration::days(400));
    assert_eq!(fixture.catalogue.purge_expired("test").unwrap().len(), 130);
    let admin = portal.login_admin().await;

    let first = portal.get("/admin/archive", Some(&admin)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Archive (130)"), "{}", first.body);
    assert!(
        first
            .body
            .contains("Showing 1–100, the latest expired first.")
    );
    let newest: Vec<String> = newest_first(ids.clone());
    assert_eq!(listed(&first.body), newest[..100]);
    let second = portal.get("/admin/archive?page=2", Some(&admin)).await;
    assert_eq!(listed(&second.body), newest[100..]);
    let bad = portal.get("/admin/archive?page=x", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // Restored, it leaves the archive; archived again, it comes back.
    fixture.catalogue.renew(&ids[0]).unwrap();
    let (page, total) = fixture.catalogue.archive_page(0, 1_000).unwrap();
    assert_eq!(total, 129);
    assert!(!page.iter().any(|s| s.id == ids[0]));
    fixture
        .catalogue
        .set_status(&ids[0], Status::Expired)
        .unwrap();
    let (page, total) = fixture.catalogue.archive_page(0, 1_000).unwrap();
    assert_eq!(total, 130);
    assert!(page.iter().any(|s| s.id == ids[0]));
}

#[tokio::test]
async fn expiring_soon_lists_a_hundred_at_a_time_the_soonest_first() {
    let portal = Portal::new();
    let fixture = &portal.fixture;
    let ids = needs_a_minute_apart(fixture, 130, true);
    // Needs live twelve months: ten days before the first expires, all do within thirty.
    fixture.clock.advance(Duration::days(355));
    let admin = portal.login_admin().await;

    let first = portal.get("/admin/expiring?days=30", Some(&admin)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Expiring soon (130)"), "{}", first.body);
    assert!(first.body.contains("Showing 1–100, the soonest first."));
    assert_eq!(listed(&first.body), ids[..100]);
    assert!(
        first
            .body
            .contains("href=\"/admin/expiring?days=30&amp;page=2\" rel=\"next\"")
    );
    let second = portal
        .get("/admin/expiring?days=30&page=2", Some(&admin))
        .await;
    assert_eq!(listed(&second.body), ids[100..]);
    let bad = portal.get("/admin/expiring?page=1.5", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[test]
fn a_store_from_before_the_archive_table_gets_one_on_opening() {
    let fixture = Fixture::new();
    let ids = needs_a_minute_apart(&fixture, 5, true);
    fixture.clock.advance(Duration::days(400));
    fixture.catalogue.purge_expired("test").unwrap();
    assert_eq!(archived_ids(&fixture.catalogue), newest_first(ids.clone()));
    let path = fixture.paths().data_dir.join("portal.redb");
    let dir = fixture.dir;
    drop(fixture.catalogue);

    // As a store written before the table existed.
    {
        let db = redb::Database::open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        assert!(txn.delete_table(ARCHIVE).unwrap());
        txn.commit().unwrap();
    }

    let catalogue = common::open(&common::paths(&dir), &fixture.clock);
    assert_eq!(archived_ids(&catalogue), newest_first(ids));
}

#[test]
fn an_archive_table_left_behind_by_an_older_portal_is_built_again() {
    let fixture = Fixture::new();
    let ids = needs_a_minute_apart(&fixture, 4, true);
    fixture.clock.advance(Duration::days(400));
    fixture.catalogue.purge_expired("test").unwrap();
    let path = fixture.paths().data_dir.join("portal.redb");
    let dir = fixture.dir;
    drop(fixture.catalogue);

    // As a portal from before the table would leave it: submissions changed (the change
    // sequence moved on), the archive table not.
    {
        let db = redb::Database::open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let counters: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("counters");
            let mut counters = txn.open_table(counters).unwrap();
            let seq = redb::ReadableTable::get(&counters, "seq")
                .unwrap()
                .unwrap()
                .value();
            counters.insert("seq", seq + 1).unwrap();
            let mut archive = txn.open_table(ARCHIVE).unwrap();
            archive.insert((0, "NEED-1999-0001"), ()).unwrap();
        }
        txn.commit().unwrap();
    }

    let catalogue = common::open(&common::paths(&dir), &fixture.clock);
    assert_eq!(archived_ids(&catalogue), newest_first(ids));
    assert_eq!(catalogue.archive_page(0, 10).unwrap().1, 4);
}

#[tokio::test]
async fn members_feeds_are_bounded_and_the_tokens_page_lists_fifty_at_a_time() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    for n in 0..portal::web::MAX_MEMBER_FEEDS {
        let label = format!("feed {n}");
        let reply = portal
            .post(
                "/feeds",
                Some(&member),
                &[("csrf", &csrf), ("query", "q=clearance"), ("label", &label)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{n}: {}", reply.body);
    }
    let refused = portal
        .post(
            "/feeds",
            Some(&member),
            &[("csrf", &csrf), ("query", "q=clearance")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Ask the"), "{}", refused.body);
    // The ISU's own feeds are not counted against the members'.
    let admin = portal.login_admin().await;
    let admin_csrf = portal.csrf(&admin).await;
    let own = portal
        .post(
            "/feeds",
            Some(&admin),
            &[("csrf", &admin_csrf), ("query", "q=survey")],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);

    // 201 tokens: five pages, fifty revoke buttons on the first, one on the last.
    let first = portal.get("/admin/tokens", Some(&admin)).await.body;
    assert!(first.contains("newest first (201)"), "{first}");
    assert_eq!(first.matches(">Revoke</button>").count(), 50);
    assert!(first.contains("href=\"/admin/tokens?page=5\""), "{first}");
    let last = portal.get("/admin/tokens?page=5", Some(&admin)).await.body;
    assert_eq!(last.matches(">Revoke</button>").count(), 1);
    let bad = portal.get("/admin/tokens?page=x", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_review_queue_lists_messages_a_hundred_at_a_time() {
    let portal = Portal::new();
    // 101 e-mails that hold no template: each waits for an admin.
    let mbox: String = (1..=101)
        .map(|n| {
            format!(
                "From sender{n}@example.org Mon Dec  7 10:00:00 2026\nFrom: sender{n}@example.org\n\
                 Subject: Question {n}\nMessage-ID: <q{n}@example.org>\n\nHello, how do we apply?\n\n"
            )
        })
        .collect();
    let mut report = portal::review::IntakeReport::default();
    portal::review::import_bytes(
        &portal.fixture.catalogue,
        mbox.as_bytes(),
        "questions.mbox",
        ImportOptions::default(),
        &mut report,
    )
    .unwrap();
    assert_eq!(report.needs_attention, 101, "{report:?}");
    let admin = portal.login_admin().await;
    let first = portal.get("/admin/queue", Some(&admin)).await.body;
    assert!(first.contains("Messages waiting (101)"), "{first}");
    assert_eq!(first.matches("href=\"/admin/messages/").count(), 100);
    assert!(
        first.contains("href=\"/admin/queue?page=2#messages\""),
        "{first}"
    );
    let second = portal.get("/admin/queue?page=2", Some(&admin)).await.body;
    assert_eq!(second.matches("href=\"/admin/messages/").count(), 1);
}

#[test]
fn sessions_nobody_came_back_to_are_removed_by_the_minute_round() {
    use portal::access::{self, Account, SessionTimeouts};
    let fixture = Fixture::new();
    access::set_password(
        &fixture.catalogue,
        &Account::Member,
        "a-long-member-password",
    )
    .unwrap();
    for _ in 0..3 {
        let session = access::login(
            &fixture.catalogue,
            &Account::Member,
            "a-long-member-password",
            "127.0.0.1",
        )
        .unwrap();
        assert!(session.is_some());
    }
    let timeouts = SessionTimeouts::default();
    assert_eq!(
        access::purge_ended_sessions(&fixture.catalogue, timeouts).unwrap(),
        0
    );
    fixture.clock.advance(timeouts.idle + Duration::minutes(1));
    assert_eq!(
        access::purge_ended_sessions(&fixture.catalogue, timeouts).unwrap(),
        3
    );
    assert_eq!(
        access::purge_ended_sessions(&fixture.catalogue, timeouts).unwrap(),
        0
    );
}
