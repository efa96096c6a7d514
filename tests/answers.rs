//! Answers to senders, end to end: e-mails imported into a serving portal (through its control
//! socket, as the ISU does) are answered over a real SMTP server (aiosmtpd, `tests/smtp-sink.py`)
//! or into the outbox; what arrives is parsed. The loop guards are tested by what does *not*
//! arrive: letters are delivered in the order they were written, so once a later answer has
//! arrived, an earlier one that should not exist would have arrived too.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use common::process::{Running, Server, Site, free_port, poll};
use common::tools::{self, AIOSMTPD};
use mail_parser::MessageParser;
use portal::answers::{Answers, Which};
use portal::catalogue::{Catalogue, ImportOptions};
use portal::clock::ManualClock;
use portal::mail::{Mailer, deliver_letters};
use portal::review::{self, Arrival, Received};

const ISU: &str = "isu@ccm.example.org";

/// A filled template: a need for Lao PDR of EUR 850,000.
const TEMPLATE: &str = "Kind: need
Title: Clearance in Xieng Khouang
Submitted by: National Regulatory Authority
Submitter type: State Party
Submitter country: Lao PDR
Countries concerned: Lao PDR
Areas of work: clearance and risk education
Amount: EUR 850 000
Start date: 1 March 2027
End date: February 2029
Contact name: Ana Pérez
Contact e-mail: ana.contact@example.org
Summary: Survey and clearance of farmland.
";

/// A template with a misspelt country (line 8 of the e-mail's text) and an amount that is no
/// number (line 10).
const TEMPLATE_WITH_ERRORS: &str = "Dear ISU,

please find our need below.

Kind: need
Title: Victim assistance in Savannakhet
Submitted by: Ministry of Health
Countries concerned: Cambodja
Areas of work: victim assistance
Amount: lots
Contact name: Bo Example

Best regards, Bo
";

/// An e-mail from `from` with `headers` (each ending in CRLF) and `body`.
fn email(from: &str, message_id: &str, headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {ISU}\r\nSubject: Our submission\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\
         Message-ID: <{message_id}>\r\n{headers}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{}",
        body.replace('\n', "\r\n")
    )
}

/// The SMTP server, writing each message it accepts to a folder.
struct Sink {
    port: u16,
    folder: PathBuf,
    _server: Running,
}

impl Sink {
    fn start(dir: &Path) -> Sink {
        tools::require(&[AIOSMTPD]);
        let port = free_port();
        let folder = dir.join("received");
        let mut command = Command::new("python3");
        command
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp-sink.py"))
            .arg(port.to_string())
            .arg(&folder)
            .stdin(Stdio::null());
        let server = Running::start(command);
        let up = poll(Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "the SMTP server did not start: {}", server.stderr());
        Sink {
            port,
            folder,
            _server: server,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    fn received(&self) -> Vec<String> {
        received_in(&self.folder, "eml")
    }

    /// Waits until at least `count` messages have arrived; returns them all.
    fn wait_for(&self, count: usize) -> Vec<String> {
        let arrived = poll(Duration::from_secs(60), || self.received().len() >= count);
        let received = self.received();
        assert!(
            arrived,
            "{} of {count} answers arrived: {received:#?}",
            received.len()
        );
        received
    }
}

/// The files of `folder` ending in `.ext`, in name order, read.
fn received_in(folder: &Path, ext: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect()
}

/// One answer as it arrived, parsed.
struct Answer {
    to: String,
    subject: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    auto_submitted: String,
    body: String,
}

fn parse(raw: &str) -> Answer {
    let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
    let header = |name: &str| {
        message
            .header_raw(name.to_string())
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    Answer {
        to: header("X-Envelope-To"),
        subject: message.subject().unwrap_or_default().to_string(),
        in_reply_to: message.in_reply_to().as_text().map(str::to_string),
        references: message
            .references()
            .as_text_list()
            .map(|l| l.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default(),
        auto_submitted: header("Auto-Submitted"),
        body: message
            .body_text(0)
            .unwrap_or_default()
            .replace("\r\n", "\n"),
    }
}

/// Writes `content` into the site's folder as `name`; returns its path.
fn write(site: &Site, name: &str, content: &str) -> String {
    let path = site.path(name);
    fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[test]
#[ignore = "needs aiosmtpd: scripts/test installs it (pip install aiosmtpd)"]
fn senders_get_a_receipt_what_to_correct_and_the_publication_but_programs_and_lists_nothing() {
    let site = Site::new();
    let sink = Sink::start(site.dir.path());
    let server = Server::start(&site, &["--smtp-url", &sink.url(), "--isu-email", ISU]);

    // A person's submission, a reply in a thread (References), Reply-To set.
    let good = email(
        "Ana Pérez <ana@example.org>",
        "good-1@mail.example.org",
        "Reply-To: Ana <ana.desk@example.org>\r\nReferences: <root@mail.example.org>\r\n",
        TEMPLATE,
    );
    let bad = email(
        "bo@example.org",
        "bad-1@mail.example.org",
        "",
        TEMPLATE_WITH_ERRORS,
    );
    // Programs and lists, each with a good template: filed, never answered.
    let auto_reply = email(
        "carl@example.org",
        "auto-1@mail.example.org",
        "Auto-Submitted: auto-replied\r\n",
        TEMPLATE,
    );
    let list = email(
        "dana@example.org",
        "list-1@mail.example.org",
        "List-Id: <cmr.lists.example.org>\r\n",
        TEMPLATE,
    );
    let bulk = email(
        "erik@example.org",
        "bulk-1@mail.example.org",
        "Precedence: bulk\r\n",
        TEMPLATE,
    );
    let bounce = email(
        "MAILER-DAEMON@mail.example.org",
        "bounce-1@mail.example.org",
        "Return-Path: <>\r\n",
        TEMPLATE,
    );
    let files = [
        write(&site, "1-good.eml", &good),
        write(&site, "2-bad.eml", &bad),
        write(&site, "3-auto.eml", &auto_reply),
        write(&site, "4-list.eml", &list),
        write(&site, "5-bulk.eml", &bulk),
        write(&site, "6-bounce.eml", &bounce),
    ];
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let imported = site.portal(&args);
    let out = common::process::text(&imported.stdout);
    assert!(out.contains("1-good.eml: stored as NEED-"), "{out}");

    // The same message again (same Message-ID), and a second message from Ana within the hour.
    let second = email(
        "Ana Pérez <ana@example.org>",
        "good-2@mail.example.org",
        "Reply-To: Ana <ana.desk@example.org>\r\n",
        &TEMPLATE.replace("Xieng Khouang", "Houaphanh"),
    );
    let again = [
        write(&site, "7-good-again.eml", &good),
        write(&site, "8-second.eml", &second),
    ];
    let out = site.succeeds(&["import", &again[0], &again[1]]);
    assert!(out.contains("8-second.eml: stored as NEED-"), "{out}");

    // The receipt and the "needs attention" answer.
    let received = sink.wait_for(2);
    let receipt = parse(&received[0]);
    assert_eq!(receipt.to, "ana.desk@example.org");
    let id = receipt
        .subject
        .strip_prefix("Received as ")
        .and_then(|s| s.strip_suffix(", waiting for review"))
        .unwrap_or_else(|| panic!("subject: {}", receipt.subject))
        .to_string();
    assert_eq!(
        receipt.in_reply_to.as_deref(),
        Some("good-1@mail.example.org")
    );
    assert_eq!(
        receipt.references,
        ["root@mail.example.org", "good-1@mail.example.org"]
    );
    assert_eq!(receipt.auto_submitted, "auto-replied");
    for shown in [
        "Kind: Need",
        "Title: Clearance in Xieng Khouang",
        "Countries concerned: Lao People's Democratic Republic (LAO)",
        "Amount: EUR 850,000 (about USD ",
        "Start date: 1 March 2027",
        "Contact: Ana Pérez <ana.contact@example.org>",
        "\n  Update: NEED-",
        ISU,
    ] {
        assert!(
            receipt.body.contains(shown),
            "{shown:?} in\n{}",
            receipt.body
        );
    }

    let attention = parse(&received[1]);
    assert_eq!(attention.to, "bo@example.org");
    assert_eq!(attention.subject, "Your submission needs a correction");
    assert_eq!(
        attention.in_reply_to.as_deref(),
        Some("bad-1@mail.example.org")
    );
    assert_eq!(attention.auto_submitted, "auto-replied");
    let body = &attention.body;
    assert!(
        body.contains("line 8: \"Countries concerned\": \"Cambodja\""),
        "{body}"
    );
    assert!(body.contains("Did you mean KHM (Cambodia)?"), "{body}");
    assert!(body.contains("line 10: \"Amount\": \"lots\""), "{body}");
    // The corrected template: the sender's values kept, the empty fields with their hints,
    // without the greeting and the signature.
    let template = body
        .split("---- template ----\n")
        .nth(1)
        .and_then(|t| t.split("---- end of template ----").next())
        .unwrap_or_else(|| panic!("no template in\n{body}"));
    assert!(
        template.starts_with("Kind: need\nTitle: Victim assistance in Savannakhet\n"),
        "{template}"
    );
    assert!(
        template.contains("\nCountries concerned: Cambodja\n"),
        "{template}"
    );
    assert!(
        template.contains("\nCurrency: (e.g. USD, EUR, NOK)\n"),
        "{template}"
    );
    assert!(!template.contains("Best regards"), "{template}");
    // Nothing of anyone else's submission.
    assert!(!body.contains("Xieng Khouang"), "{body}");

    // An admin publishes Ana's submission: the answer threads with her message.
    site.succeeds(&["publish", &id]);
    let received = sink.wait_for(3);
    let published = parse(&received[2]);
    assert_eq!(published.to, "ana.desk@example.org");
    assert_eq!(published.subject, format!("Published: {id}"));
    assert_eq!(
        published.in_reply_to.as_deref(),
        Some("good-1@mail.example.org")
    );
    let flat = published
        .body
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("It stays published until "),
        "{}",
        published.body
    );
    assert!(
        published.body.contains(&format!("\n  Renew: {id}\n")),
        "{}",
        published.body
    );
    assert!(
        published.body.contains(&format!("\n  Update: {id}\n")),
        "{}",
        published.body
    );

    // No answer to the program, the list, the bulk mail, the bounce, the duplicate or Ana's
    // second message within the hour: had any been written, it would have been written (and
    // delivered) before the publication.
    assert_eq!(sink.received().len(), 3, "{:#?}", sink.received());

    server.terminate();
}

#[test]
fn without_an_smtp_server_the_answers_go_to_the_outbox() {
    let site = Site::new();
    let server = Server::start(&site, &["--isu-email", ISU]);
    let file = write(
        &site,
        "good.eml",
        &email("ana@example.org", "outbox-1@mail.example.org", "", TEMPLATE),
    );
    site.succeeds(&["import", &file]);
    let outbox = site.data().join("outbox");
    let arrived = poll(Duration::from_secs(60), || {
        !received_in(&outbox, "eml").is_empty()
    });
    assert!(arrived, "no letter in the outbox\n{}", server.stderr());
    let letters = received_in(&outbox, "eml");
    assert_eq!(letters.len(), 1);
    let receipt = parse(&letters[0]);
    assert!(
        receipt.subject.starts_with("Received as NEED-"),
        "{}",
        receipt.subject
    );
    assert_eq!(
        receipt.in_reply_to.as_deref(),
        Some("outbox-1@mail.example.org")
    );
    assert_eq!(receipt.auto_submitted, "auto-replied");
    server.terminate();
}

#[test]
fn an_archive_imported_with_no_answers_gets_none_and_a_bad_setting_is_refused() {
    let site = Site::new();
    let old = write(
        &site,
        "old.eml",
        &email("old@example.org", "old-1@mail.example.org", "", TEMPLATE),
    );
    let new = write(
        &site,
        "new.eml",
        &email("new@example.org", "new-1@mail.example.org", "", TEMPLATE),
    );
    // Run here (no portal serves): the letters wait in the store for the next `serve`.
    site.succeeds(&["import", "--no-answers", &old]);
    site.succeeds(&["import", &new]);
    let refused = site.fails(&["serve", "--answers", "receipt,recipt"]);
    assert!(refused.contains("\"recipt\" is not an answer"), "{refused}");
    let refused = site
        .command()
        .env("PORTAL_ANSWERS", "sometimes")
        .args(["import", &new])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        common::process::text(&refused.stderr).contains("PORTAL_ANSWERS: \"sometimes\""),
        "{}",
        common::process::text(&refused.stderr)
    );

    let server = Server::start(&site, &["--isu-email", ISU]);
    let outbox = site.data().join("outbox");
    let arrived = poll(Duration::from_secs(60), || {
        !received_in(&outbox, "eml").is_empty()
    });
    assert!(arrived, "no letter in the outbox\n{}", server.stderr());
    let letters: Vec<Answer> = received_in(&outbox, "eml")
        .iter()
        .map(|l| parse(l))
        .collect();
    assert_eq!(letters.len(), 1);
    assert_eq!(
        letters[0].in_reply_to.as_deref(),
        Some("new-1@mail.example.org")
    );
    server.terminate();
}

/// A catalogue with answers on and a clock the test moves.
fn catalogue(dir: &tempfile::TempDir, clock: &ManualClock) -> Arc<Catalogue> {
    let paths = common::paths(dir);
    let (mut catalogue, _) = Catalogue::open(&paths, Arc::new(clock.clone())).unwrap();
    Answers {
        which: Which::ALL,
        isu_email: ISU.into(),
    }
    .install(&mut catalogue);
    Arc::new(catalogue)
}

fn receive(catalogue: &Catalogue, raw: &str) -> String {
    match review::receive_message(
        catalogue,
        raw.as_bytes(),
        "test",
        Arrival::Email,
        ImportOptions::default(),
    )
    .unwrap()
    {
        Received::Filed(record) => match record.outcome {
            portal::store::MessageOutcome::Imported { id } => id,
            other => panic!("{other:?}"),
        },
        Received::Duplicate => panic!("a duplicate"),
    }
}

#[test]
#[ignore = "needs aiosmtpd: scripts/test installs it (pip install aiosmtpd)"]
fn a_rejection_gives_the_admins_reason_and_an_hour_later_a_sender_is_answered_again() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start(dir.path());
    let clock = ManualClock::new(common::start_time());
    let catalogue = catalogue(&dir, &clock);
    let mailer = Mailer::smtp(&sink.url()).unwrap();

    let first = receive(
        &catalogue,
        &email("ana@example.org", "h-1@mail.example.org", "", TEMPLATE),
    );
    // 59 minutes later: not answered (the portal wrote to Ana less than an hour ago).
    clock.advance(TimeDelta::minutes(59));
    receive(
        &catalogue,
        &email("ana@example.org", "h-2@mail.example.org", "", TEMPLATE),
    );
    // Two hours later: answered again.
    clock.advance(TimeDelta::minutes(61));
    receive(
        &catalogue,
        &email("ana@example.org", "h-3@mail.example.org", "", TEMPLATE),
    );
    // A rejection follows the admin's action at once, however recent the last answer.
    review::reject(
        &catalogue,
        "admin",
        &first,
        "It duplicates NEED-2026-0001, which is already published.",
    )
    .unwrap();
    let delivered = deliver_letters(&catalogue, &mailer).unwrap();
    assert_eq!(delivered.len(), 3, "{delivered:#?}");
    let received: Vec<Answer> = sink.wait_for(3).iter().map(|r| parse(r)).collect();
    assert_eq!(
        received[0].in_reply_to.as_deref(),
        Some("h-1@mail.example.org")
    );
    assert_eq!(
        received[1].in_reply_to.as_deref(),
        Some("h-3@mail.example.org")
    );
    let rejected = &received[2];
    assert_eq!(rejected.subject, format!("Not published: {first}"));
    assert_eq!(
        rejected.in_reply_to.as_deref(),
        Some("h-1@mail.example.org")
    );
    assert!(
        rejected
            .body
            .contains("It duplicates NEED-2026-0001, which is already published."),
        "{}",
        rejected.body
    );
    // The message that was not answered says why, for the ISU.
    let messages = catalogue.store().read().unwrap().messages().unwrap();
    let unanswered = messages.iter().find(|m| m.number == 2).unwrap();
    assert!(
        unanswered
            .notes
            .iter()
            .any(|n| n.contains("less than an hour ago")),
        "{:?}",
        unanswered.notes
    );
}
