//! Upgrades: the current binary on a data folder written by an earlier commit of this project
//! (`tests/data/upgrade-9bef38c/`, made as its README says). Every submission, the admin
//! account, the API and feed tokens and the prepared reminder survive; the index, left out of
//! the folder, is rebuilt once.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use common::process::{Server, Site, copy_dir};
use portal::access::{self, Account};
use portal::catalogue::{Catalogue, Paths};
use portal::clock::ManualClock;
use portal::store::Delivery;

const OLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/upgrade-9bef38c");

/// What the earlier commit was given and answered (passwords and tokens made for this test).
fn secrets() -> serde_json::Value {
    let text = std::fs::read_to_string(Path::new(OLD).join("secrets.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn secret(name: &str) -> String {
    secrets()[name]
        .as_str()
        .unwrap_or_else(|| panic!("secrets.json has no {name}"))
        .to_string()
}

/// One HTTP/1.1 request to the portal; returns the status line and headers, and the body.
fn request(port: u16, head: &str, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{head}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (headers, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (headers.to_string(), body.to_string())
}

fn status(headers: &str) -> u16 {
    headers.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Each exported line by id.
fn by_id(export: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    export
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            (record["id"].as_str().unwrap().to_string(), record)
        })
        .collect()
}

#[test]
fn a_data_folder_written_by_commit_9bef38c_keeps_everything_and_its_index_is_rebuilt_once() {
    let site = Site::new();
    copy_dir(&Path::new(OLD).join("data"), &site.data());
    assert!(!site.path("index").exists());

    // Every submission, with its versions and audit trail, as the earlier commit exported it:
    // each value it wrote is there unchanged (a later version may add fields).
    let first_open = site.portal(&["export"]);
    assert!(first_open.status.success());
    let told = common::process::text(&first_open.stderr);
    assert_eq!(
        told.matches("rebuilt the search index").count(),
        1,
        "{told}"
    );
    let old = by_id(&std::fs::read_to_string(Path::new(OLD).join("export.jsonl")).unwrap());
    let new = by_id(&common::process::text(&first_open.stdout));
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    let kinds: std::collections::BTreeSet<&str> =
        old.values().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 4, "every kind is in the old folder: {kinds:?}");
    for (id, record) in &old {
        for (key, value) in record.as_object().unwrap() {
            assert_eq!(&new[id][key], value, "{id}: {key}");
        }
    }
    site.succeeds(&["check"]);

    // The portal serves it without rebuilding again; the tokens and the admin password work.
    let server = Server::start(&site, &[]);
    let port = server.port;
    let api = |token: &str| {
        request(
            port,
            &format!("GET /api/search HTTP/1.1\r\nAuthorization: Bearer {token}"),
            "",
        )
    };
    let (headers, body) = api(&secret("api_token"));
    assert_eq!(status(&headers), 200, "{headers}\n{body}");
    assert!(body.contains("\"total\""), "{body}");
    let (headers, _) = api("not-a-token");
    assert_eq!(status(&headers), 401, "{headers}");
    let (headers, body) = request(
        port,
        &format!("GET /feeds/{} HTTP/1.1", secret("feed_token")),
        "",
    );
    assert_eq!(status(&headers), 200, "{headers}\n{body}");
    assert!(body.contains("<feed"), "{body}");
    let (headers, _) = request(port, "GET /feeds/not-a-token HTTP/1.1", "");
    assert_ne!(status(&headers), 200, "{headers}");
    let login = |password: &str| {
        request(
            port,
            "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
            &format!("admin={}&password={password}", secret("admin")),
        )
        .0
    };
    let accepted = login(&secret("admin_password"));
    assert_eq!(status(&accepted), 303, "{accepted}");
    assert!(
        accepted.to_ascii_lowercase().contains("set-cookie"),
        "{accepted}"
    );
    let refused = login("not-the-password");
    assert_ne!(status(&refused), 303, "{refused}");
    let log = server.terminate();
    assert!(!log.contains("rebuilt the search index"), "{log}");

    // The reminder prepared and written to the outbox by the earlier commit is still listed.
    let paths = Paths {
        data_dir: site.data(),
        index_dir: site.path("index"),
    };
    let clock = ManualClock::new(chrono::Utc::now());
    let (catalogue, _) = Catalogue::open(&paths, Arc::new(clock)).unwrap();
    let reminded = secret("reminded");
    let reminders = catalogue
        .store()
        .read()
        .unwrap()
        .reminders(&reminded)
        .unwrap();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert!(
        matches!(reminders[0].delivery, Delivery::Written { .. }),
        "{reminders:?}"
    );
    assert!(
        access::login(
            &catalogue,
            &Account::Member,
            &secret("member_password"),
            "127.0.0.1"
        )
        .unwrap()
        .is_some(),
        "the member password works too"
    );
}
