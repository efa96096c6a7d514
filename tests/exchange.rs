//! The JSON Lines exchange format: export, import, and the round trip between them.

mod common;

use std::io::Cursor;

use common::{Fixture, need, offer};
use portal::catalogue::{ImportOptions, read_json_lines};

fn export(fixture: &Fixture) -> String {
    let mut out = Vec::new();
    fixture.catalogue.export(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn export_then_import_into_an_empty_store_gives_an_identical_export() {
    let fixture = Fixture::new();
    let report = fixture.import(vec![need("One"), offer("Two"), need("Three")]);
    fixture
        .catalogue
        .edit(&report.ids[0], |s| s.title = "One, edited".into())
        .unwrap();
    fixture.import_with(vec![need("Pending")], ImportOptions { publish: false });
    let first = export(&fixture);
    assert_eq!(first.lines().count(), 4);

    let empty = Fixture::new();
    let records = read_json_lines("export.jsonl", Cursor::new(first.clone()));
    let imported = empty
        .catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(imported.stored, 4, "{:?}", imported.rejected);
    assert_eq!(export(&empty), first);
    assert_eq!(
        empty
            .catalogue
            .previous_versions(&report.ids[0])
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_lines_are_reported_with_their_line_number_and_good_ones_stored() {
    let fixture = Fixture::new();
    let good = serde_json::to_string(&need("Good")).unwrap();
    let input = format!("{good}\n\nnot json\n{{\"kind\": \"wish\"}}\n{good}\n");
    let records = read_json_lines("file.jsonl", Cursor::new(input));
    let report = fixture
        .catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(report.stored, 2);
    let locations: Vec<&str> = report.rejected.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(locations, ["file.jsonl line 3", "file.jsonl line 4"]);
    assert!(
        report.rejected[1].1.contains("wish"),
        "{:?}",
        report.rejected[1]
    );
}

#[test]
fn a_minimal_hand_written_record_is_accepted() {
    let fixture = Fixture::new();
    let line = r#"{"kind":"offer","submitter":{"organisation":"DanChurchAid","type":"ngo"},"title":"Mine risk education trainers","beneficiaries":{"global":true},"areas":["clearance-and-risk-education"],"funding":{"amount":250000,"currency":"DKK"}}"#;
    let records = read_json_lines("hand.jsonl", Cursor::new(line));
    let report = fixture
        .catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let stored = fixture.catalogue.get(&report.ids[0]).unwrap();
    assert_eq!(stored.id, "OFFER-2026-0001");
    assert_eq!(stored.timestamps.received_at, common::start_time());
    assert!(stored.funding.unwrap().usd > 0.0);
}

#[test]
fn a_history_whose_key_is_spelled_with_escapes_is_still_read() {
    let fixture = Fixture::new();
    let report = fixture.import(vec![need("One")]);
    fixture
        .catalogue
        .edit(&report.ids[0], |s| s.title = "One, edited".into())
        .unwrap();
    let line = export(&fixture);
    assert!(line.contains("\"previous_versions\""), "{line}");
    // JSON lets a key be written in escapes; it names the same key.
    let escaped = line
        .replace("\"previous_versions\"", "\"\\u0070revious_versions\"")
        .replace("\"audit\"", "\"\\u0061udit\"");

    let empty = Fixture::new();
    let records = read_json_lines("escaped.jsonl", Cursor::new(escaped));
    let imported = empty
        .catalogue
        .import(records, ImportOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(imported.stored, 1, "{:?}", imported.rejected);
    assert_eq!(
        empty
            .catalogue
            .previous_versions(&report.ids[0])
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        empty.catalogue.audit(&report.ids[0]).unwrap(),
        fixture.catalogue.audit(&report.ids[0]).unwrap()
    );
}
