//! Backups on a schedule (`portal serve --backup-every`): made whole into a folder of their
//! own, pruned to the newest N without touching anything else, each restorable; uploaded to S3
//! (moto's server, a real S3 API on 127.0.0.1), verified, and restored from there, a damaged
//! object refused by name.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::process::{Server, Site, free_port, poll, text};
use common::tools::{self, MOTO};

/// How long a test waits for backups to appear; it checks what it waits for, not the time.
const PATIENCE: Duration = Duration::from_secs(180);

/// The backup folders in `dir` (named `backup-…`), sorted.
fn backup_folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("backup-2"))
        .collect();
    names.sort();
    names
}

/// A site with demo content, some of it published and some waiting.
fn site_with_content() -> Site {
    let site = Site::new();
    site.succeeds(&[
        "demo",
        "--count",
        "60",
        "--seed",
        "3",
        "--out",
        "demo.jsonl",
    ]);
    site.succeeds(&["import", "--publish", "demo.jsonl"]);
    site.succeeds(&[
        "demo",
        "--count",
        "15",
        "--seed",
        "4",
        "--out",
        "more.jsonl",
    ]);
    site.succeeds(&["import", "more.jsonl"]);
    site
}

#[test]
fn scheduled_backups_are_made_pruned_to_the_newest_and_each_restores_every_submission() {
    let site = site_with_content();
    // What the portal did not make is never touched: a folder named almost like a backup but
    // without a manifest, another folder, a file.
    let dir = site.path("backups");
    std::fs::create_dir_all(dir.join("backup-20200101T000000Z")).unwrap();
    std::fs::write(dir.join("backup-20200101T000000Z/notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(dir.join("by-hand")).unwrap();
    std::fs::write(dir.join("README"), "kept").unwrap();

    let server = Server::start(
        &site,
        &[
            "--backup-every",
            "2s",
            "--backup-keep",
            "2",
            "--backup-dir",
            "backups",
        ],
    );
    // Taken once the portal has archived what expired (before it says it listens), through it.
    let before = site.export();
    let made = poll(PATIENCE, || {
        server.stderr().matches("backup made").count() >= 4
    });
    assert!(made, "four backups were not made\n{}", server.stderr());
    let log = server.terminate();
    assert!(log.contains("backups scheduled"), "{log}");
    assert!(!log.contains("backup failed"), "{log}");

    let mut folders = backup_folders(&dir);
    assert!(dir.join("backup-20200101T000000Z/notes.txt").exists());
    assert!(dir.join("by-hand").is_dir());
    assert_eq!(std::fs::read_to_string(dir.join("README")).unwrap(), "kept");
    assert!(
        std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("partial")),
        "no half-made backup is left"
    );
    folders.retain(|n| n != "backup-20200101T000000Z");
    assert_eq!(folders.len(), 2, "{folders:?}\n{log}");

    // Each one restores every submission into a fresh site, and the index agrees.
    for name in &folders {
        let fresh = Site::new();
        let restored = fresh.succeeds(&["restore", dir.join(name).to_str().unwrap()]);
        assert!(restored.contains("restored 75 submissions"), "{restored}");
        fresh.succeeds(&["check"]);
        assert_eq!(fresh.export(), before, "{name}");
    }
    // The folder of scheduled backups restores its newest one.
    let fresh = Site::new();
    fresh.succeeds(&["restore", dir.to_str().unwrap()]);
    assert_eq!(fresh.export(), before);

    // A damaged backup is refused by name, and nothing is replaced.
    let damaged = dir.join(&folders[0]).join("portal.redb");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let refused = site.fails(&["restore", dir.join(&folders[0]).to_str().unwrap()]);
    assert!(refused.contains("portal.redb"), "{refused}");
    assert!(
        refused.contains("does not match the backup's manifest"),
        "{refused}"
    );
    assert_eq!(site.export(), before);
}

#[test]
fn a_schedule_that_cannot_be_read_stops_the_start_with_its_reason() {
    let site = Site::new();
    let refused = site.fails(&["serve", "--backup-every", "24", "--backup-dir", "b"]);
    assert!(refused.contains("\"24\" is not a duration"), "{refused}");
    assert!(refused.contains("24h, 30m or 2s"), "{refused}");
    let refused = site.fails(&["serve", "--backup-every", "24h"]);
    assert!(refused.contains("--backup-dir"), "{refused}");
    let refused = site.fails(&[
        "serve",
        "--addr",
        &format!("127.0.0.1:{}", free_port()),
        "--backup-every",
        "1h",
        "--backup-dir",
        "b",
        "--backup-to",
        "https://bucket/prefix",
    ]);
    assert!(refused.contains("not an S3 URL"), "{refused}");
    assert!(!site.path("b").exists());
}

/// moto's S3 server on a free port of 127.0.0.1, stopped when dropped.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        tools::require(&[MOTO]);
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let up = poll(Duration::from_secs(60), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "moto's server did not start on port {port}");
        moto
    }

    /// Runs Python with boto3's S3 client as `s3` (on this server) and returns its output.
    fn python(&self, code: &str) -> String {
        let script = format!(
            "import boto3, sys\n\
             s3 = boto3.client('s3', endpoint_url='{}', region_name='us-east-1', \
             aws_access_key_id='testing', aws_secret_access_key='testing')\n{code}",
            self.endpoint
        );
        let output = Command::new("python3")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    }

    /// The environment the portal reads its S3 settings from.
    fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// The keys under `prefix`, sorted.
    fn keys(&self, prefix: &str) -> Vec<String> {
        let listed = self.python(&format!(
            "for page in s3.get_paginator('list_objects_v2').paginate(Bucket='portal-backups', Prefix='{prefix}'):\n    \
             [print(o['Key']) for o in page.get('Contents', [])]"
        ));
        let mut keys: Vec<String> = listed.lines().map(str::to_string).collect();
        keys.sort();
        keys
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs moto: scripts/test installs it (pip install 'moto[server]')"]
fn backups_uploaded_to_s3_restore_every_submission_and_a_damaged_one_is_refused_by_name() {
    let moto = Moto::start();
    moto.python("s3.create_bucket(Bucket='portal-backups')");
    let mut site = site_with_content();
    site.env = moto.env();

    let server = Server::start(
        &site,
        &[
            "--backup-every",
            "2s",
            "--backup-keep",
            "2",
            "--backup-dir",
            "backups",
            "--backup-to",
            "s3://portal-backups/site-a",
        ],
    );
    let before = site.export();
    // Uploads go on; old ones are pruned to the newest two (those with a manifest).
    let manifests = |keys: Vec<String>| {
        keys.into_iter()
            .filter(|k| k.ends_with("/manifest.json"))
            .count()
    };
    let pruned = poll(PATIENCE, || {
        server
            .stderr()
            .matches("backup uploaded and verified")
            .count()
            >= 3
            && manifests(moto.keys("site-a/")) == 2
    });
    assert!(pruned, "{}\n{:?}", server.stderr(), moto.keys(""));
    let log = server.terminate();
    assert!(!log.contains("upload failed"), "{log}");
    let keys = moto.keys("site-a/");
    assert!(keys.iter().any(|k| k.ends_with("/portal.redb")), "{keys:?}");
    eprintln!("uploaded: {keys:?}");

    // The data folder is lost; the newest upload brings every submission back.
    std::fs::remove_dir_all(site.data()).unwrap();
    std::fs::remove_dir_all(site.path("index")).unwrap();
    std::fs::remove_dir_all(site.path("backups")).unwrap();
    let restored = site.portal(&["restore", "s3://portal-backups/site-a"]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(
        text(&restored.stderr).contains("every file matches its manifest"),
        "{}",
        text(&restored.stderr)
    );
    assert!(text(&restored.stdout).contains("restored 75 submissions"));
    site.succeeds(&["check"]);
    assert_eq!(site.export(), before);

    // A one-off backup uploads too, and a restore may name the backup it wants.
    let first: serde_json::Value = serde_json::from_str(before.lines().next().unwrap()).unwrap();
    site.succeeds(&["set-status", "withdrawn", first["id"].as_str().unwrap()]);
    let uploaded = site.succeeds(&["backup", "one-off", "--to", "s3://portal-backups/site-b"]);
    assert!(uploaded.contains("and verified"), "{uploaded}");
    let name = moto.keys("site-b/")[0]
        .split('/')
        .nth(1)
        .unwrap()
        .to_string();
    let other = {
        let mut other = Site::new();
        other.env = moto.env();
        other
    };
    other.succeeds(&["restore", &format!("s3://portal-backups/site-b/{name}")]);
    other.succeeds(&["check"]);
    assert_eq!(other.export(), site.export());

    // An object changed after upload (same size, one byte flipped) is refused by name before
    // anything is replaced.
    let key = moto
        .keys("site-a/")
        .into_iter()
        .rfind(|k| k.ends_with("/portal.redb"))
        .unwrap();
    moto.python(&format!(
        "body = bytearray(s3.get_object(Bucket='portal-backups', Key='{key}')['Body'].read())\n\
         body[len(body) // 2] ^= 0xff\n\
         s3.put_object(Bucket='portal-backups', Key='{key}', Body=bytes(body))"
    ));
    let current = site.export();
    let refused = site.fails(&["restore", "s3://portal-backups/site-a"]);
    assert!(refused.contains("portal.redb"), "{refused}");
    assert!(
        refused.contains("does not match the backup's manifest"),
        "{refused}"
    );
    assert_eq!(site.export(), current);
    let leftovers: Vec<_> = std::fs::read_dir(site.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".portal-restore-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
