//! Backup and restore in the library: a consistent copy of every table, restored into a data
//! folder nobody uses, with the index rebuilt from it.

mod common;

use std::sync::Arc;

use common::{Fixture, need, offer, paths};
use portal::access::{self, Account};
use portal::catalogue::{Catalogue, CatalogueError};
use portal::clock::ManualClock;
use portal::search::SearchRequest;

fn ids(catalogue: &Catalogue, text: &str) -> (u64, Vec<String>) {
    let results = catalogue
        .search(&SearchRequest {
            text: text.into(),
            limit: 100,
            ..SearchRequest::default()
        })
        .unwrap();
    (
        results.total,
        results.hits.into_iter().map(|h| h.submission.id).collect(),
    )
}

#[test]
fn a_restored_copy_answers_as_the_original_did_at_backup_time() {
    let fixture = Fixture::new();
    access::set_password(&fixture.catalogue, &Account::Member, "member password here").unwrap();
    let need_id = fixture.add(need("Clearance in Xieng Khouang"));
    fixture.add(offer("Funding for clearance"));
    fixture.catalogue.renew(&need_id).unwrap();
    let before = ids(&fixture.catalogue, "clearance");
    let trail = fixture.catalogue.audit(&need_id).unwrap();

    let backup_dir = fixture.dir.path().join("backup");
    let backup = fixture.catalogue.backup(&backup_dir).unwrap();
    assert_eq!(backup.submissions, 2);
    assert!(backup.tables >= 18);
    // Later changes are not in the copy.
    fixture.add(need("Added after the backup: clearance"));
    assert!(matches!(
        fixture.catalogue.backup(&backup_dir),
        Err(CatalogueError::BackupDir { .. })
    ));

    let elsewhere = tempfile::tempdir().unwrap();
    let restored_paths = paths(&elsewhere);
    Catalogue::restore(&restored_paths, &backup_dir, common::start_time()).unwrap();
    let clock = ManualClock::new(fixture.catalogue.now());
    let (restored, _) = Catalogue::open(&restored_paths, Arc::new(clock)).unwrap();
    assert_eq!(ids(&restored, "clearance"), before);
    assert_eq!(restored.audit(&need_id).unwrap(), trail);
    assert!(
        access::login(
            &restored,
            &Account::Member,
            "member password here",
            "127.0.0.1"
        )
        .unwrap()
        .is_some(),
        "passwords come back too"
    );
}

#[test]
fn restoring_into_a_folder_in_use_is_refused_and_changes_nothing() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Kept"));
    let backup_dir = fixture.dir.path().join("backup");
    fixture.catalogue.backup(&backup_dir).unwrap();
    let result = Catalogue::restore(&fixture.paths(), &backup_dir, common::start_time());
    assert!(
        matches!(result, Err(CatalogueError::InUse(_))),
        "{result:?}"
    );
    assert_eq!(fixture.catalogue.get(&id).unwrap().title, "Kept");
    assert!(
        Catalogue::restore(&fixture.paths(), fixture.dir.path(), common::start_time()).is_err()
    );
}
