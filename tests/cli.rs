//! The `portal` command line, run as a user would run it.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn portal(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .env("PORTAL_DATA_DIR", dir.join("data"))
        .env("PORTAL_INDEX_DIR", dir.join("index"))
        .output()
        .expect("portal runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn demo_content_loads_and_is_searchable_and_matchable() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = portal(dir.path(), &["demo", "--load", "--count", "300"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(
        stdout(&loaded).contains("Loaded 300"),
        "{}",
        stdout(&loaded)
    );

    let found = portal(dir.path(), &["search", "clearance", "--json"]);
    assert!(found.status.success(), "{}", stderr(&found));
    let results: serde_json::Value = serde_json::from_str(&stdout(&found)).unwrap();
    assert!(results["total"].as_u64().unwrap() > 0);
    let hit = &results["hits"][0]["submission"];
    assert!(hit["title"].as_str().unwrap().starts_with("[Demo]"));

    let needs = portal(
        dir.path(),
        &["search", "--kind", "need", "--country", "Lao PDR", "--json"],
    );
    let needs: serde_json::Value = serde_json::from_str(&stdout(&needs)).unwrap();
    let need_id = needs["hits"][0]["submission"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let matched = portal(dir.path(), &["matches", &need_id]);
    assert!(matched.status.success(), "{}", stderr(&matched));
    assert!(
        stdout(&matched).contains("matches for"),
        "{}",
        stdout(&matched)
    );

    // Loading the same demo content again adds nothing new.
    let again = portal(dir.path(), &["demo", "--load", "--count", "300"]);
    assert!(stdout(&again).contains("Loaded 0"), "{}", stdout(&again));

    let stats = portal(dir.path(), &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(stats["total"], 300);
    assert_eq!(stats["published_by_quarter"].as_object().unwrap().len(), 12);
    let needs = stats["visible_by_kind"]["need"].as_u64().unwrap();
    let matched = stats["needs_with_match"].as_u64().unwrap();
    assert!(matched > 0 && matched <= needs, "{matched} of {needs}");
    let text = stdout(&portal(dir.path(), &["stats"]));
    assert!(
        text.contains(&format!(
            "Needs with at least one fitting offer or funding source: {matched} of {needs}"
        )),
        "{text}"
    );
}

#[test]
fn export_and_import_round_trip_through_files() {
    let first = tempfile::tempdir().unwrap();
    portal(first.path(), &["demo", "--load", "--count", "120"]);
    let exported = first.path().join("all.jsonl");
    let out = portal(
        first.path(),
        &["export", "--out", exported.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let second = tempfile::tempdir().unwrap();
    let imported = portal(second.path(), &["import", exported.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("120 stored"),
        "{}",
        stdout(&imported)
    );
    let again = second.path().join("again.jsonl");
    portal(second.path(), &["export", "--out", again.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn json_lines_are_read_line_by_line_and_a_line_not_utf8_loses_only_itself() {
    let first = tempfile::tempdir().unwrap();
    portal(first.path(), &["demo", "--load", "--count", "3"]);
    let exported = first.path().join("all.jsonl");
    portal(
        first.path(),
        &["export", "--out", exported.to_str().unwrap()],
    );
    let lines: Vec<Vec<u8>> = std::fs::read(&exported)
        .unwrap()
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(lines.len(), 3);
    // No .jsonl in the name: the content's opening brace says what it is.
    let mixed = first.path().join("records.data");
    let mut bytes = Vec::new();
    for line in [
        &lines[0][..],
        b"{\"title\": \"caf\xe9\"}",
        b"",
        &lines[1],
        &lines[2],
    ] {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
    }
    std::fs::write(&mixed, bytes).unwrap();

    let second = tempfile::tempdir().unwrap();
    let imported = portal(second.path(), &["import", mixed.to_str().unwrap()]);
    assert!(!imported.status.success());
    assert!(
        stderr(&imported).contains("records.data line 2: cannot be read"),
        "{}",
        stderr(&imported)
    );
    assert!(
        stdout(&imported).contains("3 stored"),
        "{}",
        stdout(&imported)
    );
}

#[test]
fn errors_are_one_clear_line_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let bad_country = portal(dir.path(), &["search", "--country", "Narnai"]);
    assert!(!bad_country.status.success());
    let message = stderr(&bad_country);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("Narnai"), "{message}");

    let bad_area = portal(dir.path(), &["search", "--area", "demining"]);
    assert!(!bad_area.status.success());
    assert!(
        stderr(&bad_area).contains("victim-assistance"),
        "{}",
        stderr(&bad_area)
    );

    let missing = portal(dir.path(), &["matches", "NEED-2026-9999"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no submission with id NEED-2026-9999"));

    let bad_file = dir.path().join("bad.jsonl");
    std::fs::write(&bad_file, "{\"kind\": \"need\"}\n").unwrap();
    let rejected = portal(dir.path(), &["import", bad_file.to_str().unwrap()]);
    assert!(!rejected.status.success());
    assert!(
        stderr(&rejected).contains("bad.jsonl line 1"),
        "{}",
        stderr(&rejected)
    );
}

#[test]
fn a_second_process_gets_one_clear_line_saying_the_data_folder_is_in_use() {
    let fixture = common::Fixture::new();
    let output = portal(fixture.dir.path(), &["search", "anything"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("is in use by another portal command"),
        "{message}"
    );
}

#[test]
fn a_backup_into_a_folder_that_is_not_empty_is_refused_naming_the_backup_folder_once() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = portal(dir.path(), &["demo", "--load", "--count", "20"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let target = dir.path().join("backup");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    let refused = portal(dir.path(), &["backup", target.to_str().unwrap()]);
    assert!(!refused.status.success());
    // Once "cannot use the data folder DIR: the backup folder is not empty; choose a new one:
    // the backup folder is not empty; choose a new one".
    assert_eq!(
        stderr(&refused).trim(),
        format!(
            "portal: cannot use the backup folder {}: the backup folder is not empty; choose a \
             new one",
            target.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(target.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn demo_output_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = portal(dir.path(), &["demo", "--count", "50", "--seed", "9"]);
    let b = portal(dir.path(), &["demo", "--count", "50", "--seed", "9"]);
    let c = portal(dir.path(), &["demo", "--count", "50", "--seed", "10"]);
    assert_eq!(stdout(&a).lines().count(), 50);
    assert_eq!(stdout(&a), stdout(&b));
    assert_ne!(stdout(&a), stdout(&c));
}

#[test]
fn remind_writes_the_due_reminders_to_the_outbox_once() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = portal(dir.path(), &["demo", "--load", "--count", "300"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let outbox = dir.path().join("outbox");
    let outbox_flag = format!("--outbox={}", outbox.display());

    let first = portal(dir.path(), &["remind", &outbox_flag]);
    assert!(first.status.success(), "{}", stderr(&first));
    let prepared: usize = stdout(&first)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        prepared > 0,
        "demo content has some submissions expiring soon"
    );
    let files = std::fs::read_dir(&outbox).unwrap().count();
    assert_eq!(files, prepared, "{}", stdout(&first));

    let second = portal(dir.path(), &["remind", &outbox_flag]);
    assert!(
        stdout(&second).starts_with("0 reminders prepared"),
        "{}",
        stdout(&second)
    );
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), files);
}

#[test]
fn a_mistyped_lifespan_or_reminder_setting_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = portal(dir.path(), &["--lifespans", "need=0", "purge"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("not a number of months"),
        "{}",
        stderr(&bad)
    );
    let bad = portal(dir.path(), &["remind", "--remind-days", "30,0"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("0 is not"), "{}", stderr(&bad));
}

#[test]
fn check_compares_the_index_with_the_database_and_fails_on_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    portal(
        dir.path(),
        &["demo", "--load", "--count", "60", "--seed", "1"],
    );
    let check = portal(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("database: 60 submissions")
            && stdout(&check).contains("the index agrees with the database"),
        "{}",
        stdout(&check)
    );
    let json = portal(dir.path(), &["check", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["stored"], 60);
    assert_eq!(report["store_seq"], report["indexed_seq"]);

    // Another catalogue's index, at the same change sequence: opened as it is, and caught by
    // the check.
    let other = tempfile::tempdir().unwrap();
    portal(
        other.path(),
        &["demo", "--load", "--count", "60", "--seed", "2"],
    );
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    std::fs::rename(other.path().join("index"), dir.path().join("index")).unwrap();
    let check = portal(dir.path(), &["check"]);
    assert!(!check.status.success());
    assert!(
        stdout(&check).contains("indexed with another status or expiry")
            || stdout(&check).contains("missing from the index"),
        "{}",
        stdout(&check)
    );
    assert!(
        stderr(&check).contains("portal reindex"),
        "{}",
        stderr(&check)
    );
    assert!(portal(dir.path(), &["reindex"]).status.success());
    assert!(portal(dir.path(), &["check"]).status.success());
}
