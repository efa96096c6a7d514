//! The store: round trips, ids, versions, idempotent imports, validation errors.

mod common;

use common::{Fixture, need, offer};
use portal::catalogue::ImportOptions;
use portal::submission::{Kind, Status};

#[test]
fn a_submission_round_trips_through_the_store() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Clearance in Xieng Khouang"));
    let stored = fixture.catalogue.get(&id).unwrap();
    assert_eq!(stored.title, "Clearance in Xieng Khouang");
    assert_eq!(stored.kind, Kind::Need);
    assert_eq!(stored.version, 1);
    assert_eq!(stored.beneficiaries.countries, vec!["LAO"]);
    assert_eq!(stored.funding.as_ref().unwrap().usd, 1_000_000.0);
    assert!(stored.funding.as_ref().unwrap().rate_date.is_some());
}

#[test]
fn ids_are_human_readable_and_count_up_per_kind_and_year() {
    let fixture = Fixture::new();
    let report = fixture.import(vec![need("a"), need("b"), offer("c")]);
    assert_eq!(
        report.ids,
        vec!["NEED-2026-0001", "NEED-2026-0002", "OFFER-2026-0001"]
    );
}

#[test]
fn imported_ids_are_kept_and_never_given_out_again() {
    let fixture = Fixture::new();
    let mut given = need("given");
    given.id = "NEED-2026-0042".into();
    fixture.add(given);
    let next = fixture.add(need("next"));
    assert_eq!(next, "NEED-2026-0043");
}

#[test]
fn an_edit_keeps_the_previous_version() {
    let fixture = Fixture::new();
    let id = fixture.add(need("First title"));
    let edited = fixture
        .catalogue
        .edit(&id, |s| s.title = "Second title".into())
        .unwrap();
    assert_eq!(edited.version, 2);
    let previous = fixture.catalogue.previous_versions(&id).unwrap();
    assert_eq!(previous.len(), 1);
    assert_eq!(previous[0].title, "First title");
    assert_eq!(previous[0].version, 1);
}

#[test]
fn an_invalid_edit_changes_nothing() {
    let fixture = Fixture::new();
    let id = fixture.add(need("Stays"));
    let error = fixture
        .catalogue
        .edit(&id, |s| s.beneficiaries.countries = vec!["Narnia".into()])
        .unwrap_err();
    assert!(error.to_string().contains("Narnia"), "{error}");
    let stored = fixture.catalogue.get(&id).unwrap();
    assert_eq!(stored.beneficiaries.countries, vec!["LAO"]);
    assert_eq!(stored.version, 1);
}

#[test]
fn importing_the_same_record_twice_creates_nothing_new() {
    let fixture = Fixture::new();
    let mut record = need("Once");
    record.provenance.message_id = Some("<abc@example.org>".into());
    let first = fixture.import(vec![record.clone()]);
    let second = fixture.import(vec![record]);
    assert_eq!(first.stored, 1);
    assert_eq!(second.stored, 0);
    assert_eq!(second.duplicates, 1);
}

#[test]
fn a_changed_record_with_the_same_origin_becomes_a_new_version() {
    let fixture = Fixture::new();
    let mut record = need("Original");
    record.provenance.iati_identifier = Some("XM-DAC-1-1".into());
    let id = fixture.add(record.clone());
    record.title = "Updated".into();
    let report = fixture.import(vec![record]);
    assert_eq!(report.updated, 1);
    assert_eq!(report.ids, vec![id.clone()]);
    assert_eq!(fixture.catalogue.get(&id).unwrap().title, "Updated");
    assert_eq!(fixture.catalogue.get(&id).unwrap().version, 2);
}

#[test]
fn unknown_codes_are_rejected_with_suggestions_and_the_rest_is_stored() {
    let fixture = Fixture::new();
    let mut bad_country = need("bad country");
    bad_country.beneficiaries.countries = vec!["LOA".into()];
    let mut bad_currency = need("bad currency");
    bad_currency.funding.as_mut().unwrap().currency = "EUO".into();
    let report = fixture.import(vec![bad_country, need("good"), bad_currency]);
    assert_eq!(report.stored, 1);
    assert_eq!(report.rejected.len(), 2);
    let (where_1, country_error) = &report.rejected[0];
    assert_eq!(where_1, "record 1");
    assert!(country_error.contains("\"LOA\""), "{country_error}");
    assert!(country_error.contains("LAO"), "{country_error}");
    let (_, currency_error) = &report.rejected[1];
    assert!(currency_error.contains("\"EUO\""), "{currency_error}");
    assert!(currency_error.contains("EUR"), "{currency_error}");
}

#[test]
fn without_publish_new_submissions_wait_for_review() {
    let fixture = Fixture::new();
    let report = fixture.import_with(vec![need("waits")], ImportOptions { publish: false });
    let stored = fixture.catalogue.get(&report.ids[0]).unwrap();
    assert_eq!(stored.status, Status::Pending);
    assert!(stored.timestamps.expires_at.is_none());
}

#[test]
fn publishing_sets_the_expiry_from_the_lifespan_of_the_kind() {
    let fixture = Fixture::new();
    let id = fixture.add(need("published"));
    let stored = fixture.catalogue.get(&id).unwrap();
    assert_eq!(stored.status, Status::Published);
    assert_eq!(stored.timestamps.published_at, Some(common::start_time()));
    let expiry = stored.timestamps.expires_at.unwrap();
    assert_eq!(expiry.format("%Y-%m-%d").to_string(), "2027-06-01");
}

#[test]
fn a_second_process_on_the_same_data_folder_gets_a_clear_error() {
    let fixture = Fixture::new();
    let clock = fixture.clock.clone();
    let error = portal::catalogue::Catalogue::open(&fixture.paths(), std::sync::Arc::new(clock))
        .unwrap_err();
    assert!(error.to_string().contains("in use"), "{error}");
    // The first one still works.
    fixture.add(need("still works"));
}

/// Every folder and file under `folder` (the folder included): its path, whether it is a
/// folder, and its permission bits.
fn modes(folder: &std::path::Path) -> Vec<(std::path::PathBuf, bool, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(current) = folders.pop() {
        let mode = std::fs::metadata(&current).unwrap().permissions().mode() & 0o777;
        found.push((current.clone(), true, mode));
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file() {
                let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
                found.push((entry.path(), false, mode));
            }
        }
    }
    found
}

fn assert_private(folder: &std::path::Path) {
    for (path, is_folder, mode) in modes(folder) {
        let expected = if is_folder { 0o700 } else { 0o600 };
        assert_eq!(mode, expected, "{}: {mode:o}", path.display());
    }
}

/// The data folder holds password hashes, the index the text of pending submissions: an
/// existing data folder left open to others (0755, files 0644) is made private on start, and
/// what the portal writes afterwards is private too.
#[test]
fn the_data_and_index_folders_are_private_to_the_portals_user() {
    use std::fs::{self, Permissions};
    use std::os::unix::fs::PermissionsExt;

    let fixture = Fixture::new();
    fixture.add(need("Clearance in Xieng Khouang"));
    let paths = fixture.paths();
    let fixture = {
        // As an older version, or a careless copy, left them.
        for folder in [&paths.data_dir, &paths.index_dir] {
            fs::write(folder.join("notes.txt"), "private").unwrap();
            for (path, is_folder, _) in modes(folder) {
                let mode = if is_folder { 0o755 } else { 0o644 };
                fs::set_permissions(&path, Permissions::from_mode(mode)).unwrap();
            }
        }
        let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&paths.data_dir.join("portal.redb")), 0o644);
        fixture.reopen()
    };
    assert_private(&paths.data_dir);
    assert_private(&paths.index_dir);
    assert!(paths.data_dir.join("portal.redb").exists());

    // New index segments and database pages written after the start.
    fixture.import_with(
        (0..30).map(|i| need(&format!("Need {i}"))).collect(),
        ImportOptions { publish: false },
    );
    assert_private(&paths.data_dir);
    assert_private(&paths.index_dir);
}
