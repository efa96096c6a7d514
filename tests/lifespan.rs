//! Lifespan: expiry at the boundary second, archiving, renewal before and after expiry,
//! restoring, the audit trail, and the "expiring soon" / "recently renewed" filters.

mod common;

use chrono::Duration;
use common::{Fixture, need, offer};
use portal::search::{Audience, Filters, SearchRequest};
use portal::store::AuditEvent;
use portal::submission::Status;

fn visible(fixture: &Fixture) -> Vec<String> {
    let mut ids: Vec<String> = fixture
        .catalogue
        .search(&SearchRequest::default())
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.submission.id)
        .collect();
    ids.sort();
    ids
}

fn events(fixture: &Fixture, id: &str) -> Vec<AuditEvent> {
    fixture
        .catalogue
        .audit(id)
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect()
}

#[test]
fn expired_submissions_vanish_at_once_and_are_archived_not_destroyed() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Expires"));
    let offer_id = fixture.add(offer("Stays"));
    let expiry = fixture
        .catalogue
        .get(&id)
        .unwrap()
        .timestamps
        .expires_at
        .unwrap();
    // Offers live 12 months too; renew the offer a day later so only the need expires.
    fixture.clock.advance(Duration::days(1));
    fixture.catalogue.renew(&offer_id).unwrap();

    fixture.clock.set(expiry - Duration::seconds(1));
    assert_eq!(visible(&fixture), [id.as_str(), offer_id.as_str()]);
    assert_eq!(fixture.catalogue.matches(&offer_id, 10).unwrap().len(), 1);
    fixture.clock.set(expiry);
    assert_eq!(visible(&fixture), [offer_id.as_str()]);
    assert!(fixture.catalogue.matches(&offer_id, 10).unwrap().is_empty());

    // The clean-up moves it to the archive: out of the index, still in the store.
    let archived = fixture.catalogue.purge_expired("test").unwrap();
    assert_eq!(archived, [id.as_str()]);
    let stored = fixture.catalogue.get(&id).unwrap();
    assert_eq!(stored.status, Status::Expired);
    let admins = fixture
        .catalogue
        .search(&SearchRequest {
            audience: Audience::Admins,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(admins.total, 1, "archived submissions leave the index");
    assert_eq!(fixture.catalogue.archive().unwrap().len(), 1);
    assert_eq!(events(&fixture, &id).last(), Some(&AuditEvent::Archived));
    // Exports still carry it, with its trail.
    let mut out = Vec::new();
    fixture.catalogue.export(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&id) && text.contains("\"archived\""));
    // A second clean-up finds nothing more.
    assert!(fixture.catalogue.purge_expired("test").unwrap().is_empty());
}

#[test]
fn a_stopping_portal_leaves_the_rest_of_an_archive_run_for_the_next_start() {
    let fixture = Fixture::new();
    fixture.import((0..3).map(|n| need(&format!("Expiring {n}"))).collect());
    fixture.clock.advance(Duration::days(400));
    fixture.catalogue.stop_background_work();
    assert!(fixture.catalogue.purge_expired("test").unwrap().is_empty());
    // Members do not see them meanwhile.
    let visible = fixture.catalogue.search(&SearchRequest::default()).unwrap();
    assert_eq!(visible.total, 0);
    let fixture = fixture.reopen();
    assert_eq!(fixture.catalogue.purge_expired("test").unwrap().len(), 3);
}

#[test]
fn renewal_before_expiry_extends_from_the_renewal_date() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Renewed early"));
    fixture.clock.advance(Duration::days(300));
    let renewed = fixture.catalogue.renew(&id).unwrap();
    let now = fixture.catalogue.now();
    assert_eq!(renewed.timestamps.renewed_at, Some(now));
    assert_eq!(
        renewed
            .timestamps
            .expires_at
            .unwrap()
            .format("%Y-%m-%d")
            .to_string(),
        now.checked_add_months(chrono::Months::new(12))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string()
    );
    assert!(events(&fixture, &id).contains(&AuditEvent::Renewed));
}

#[test]
fn renewal_after_expiry_restores_the_submission() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Renewed late"));
    fixture.clock.advance(Duration::days(400));
    fixture.catalogue.purge_expired("test").unwrap();
    assert!(visible(&fixture).is_empty());
    fixture.catalogue.renew_by("admin ada", &id).unwrap();
    assert_eq!(visible(&fixture), [id.as_str()]);
    let trail = fixture.catalogue.audit(&id).unwrap();
    let last: Vec<(AuditEvent, &str)> = trail
        .iter()
        .rev()
        .take(2)
        .map(|e| (e.event, e.actor.as_str()))
        .collect();
    assert!(
        last.contains(&(AuditEvent::Restored, "admin ada")),
        "{trail:?}"
    );
    assert!(
        last.contains(&(AuditEvent::Renewed, "admin ada")),
        "{trail:?}"
    );
}

#[test]
fn every_change_of_state_is_in_the_audit_trail_with_its_actor() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Tracked"));
    fixture
        .catalogue
        .edit_by("admin ada", &id, |s| s.title = "Tracked, edited".into())
        .unwrap();
    fixture
        .catalogue
        .set_status_by("command line", &id, Status::Withdrawn)
        .unwrap();
    let trail = fixture.catalogue.audit(&id).unwrap();
    let seen: Vec<(AuditEvent, &str)> = trail.iter().map(|e| (e.event, e.actor.as_str())).collect();
    assert_eq!(
        seen,
        [
            (AuditEvent::Received, "import"),
            (AuditEvent::Published, "import"),
            (AuditEvent::Edited, "admin ada"),
            (AuditEvent::Withdrawn, "command line"),
        ]
    );
}

#[test]
fn members_can_filter_expiring_soon_and_recently_renewed() {
    let fixture = Fixture::new();
    let old = fixture.add(need("Old"));
    fixture.clock.advance(Duration::days(200));
    let renewed = fixture.add(need("Renewed"));
    fixture.clock.advance(Duration::days(150));
    fixture.catalogue.renew(&renewed).unwrap();
    let fresh = fixture.add(offer("Fresh"));
    let by = |filters: Filters| {
        let mut ids: Vec<String> = fixture
            .catalogue
            .search(&SearchRequest {
                filters,
                ..SearchRequest::default()
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.submission.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        by(Filters {
            expiring_within_days: Some(30),
            ..Filters::default()
        }),
        [old]
    );
    assert_eq!(
        by(Filters {
            renewed_within_days: Some(30),
            ..Filters::default()
        }),
        [renewed]
    );
    assert_eq!(by(Filters::default()).len(), 3, "{fresh}");
}
