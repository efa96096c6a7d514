//! `portal serve` and the control channel: while the portal runs, the ISU's commands are passed
//! to it and work as they do without it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::process::{collect, free_port};

/// How long the portal may take to start or stop before the test gives up.
const PATIENCE: Duration = Duration::from_secs(20);

/// A temporary folder with the data and index folders, and two working directories: the
/// server's and the commands', so relative paths would go wrong if they were not made absolute.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("server")).unwrap();
        std::fs::create_dir(dir.path().join("client")).unwrap();
        Folder { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, working_dir: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .current_dir(self.path(working_dir))
            .env("PORTAL_DATA_DIR", self.path("data"))
            .env("PORTAL_INDEX_DIR", self.path("index"))
            .env_remove("RUST_LOG");
        command
    }

    /// Runs a command from the client's working directory.
    fn portal(&self, args: &[&str]) -> Output {
        self.command("client").args(args).output().unwrap()
    }

    /// Starts a command from the client's working directory, its three streams piped.
    fn spawn(&self, args: &[&str]) -> Child {
        self.command("client")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs a command with `input` on its standard input.
    fn portal_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self.spawn(args);
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn socket(&self) -> PathBuf {
        self.path("data").join("portal.sock")
    }
}

/// A running `portal serve`, killed when dropped (also when the test fails).
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(folder: &Folder) -> Server {
        Server::start_with(folder, &[])
    }

    /// A portal serving `folder` with `flags` besides its address.
    fn start_with(folder: &Folder, flags: &[&str]) -> Server {
        let port = free_port();
        let mut child = folder
            .command("server")
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read both pipes all along, so the portal never blocks on a full one.
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let server = Server {
            child,
            port,
            stdout,
            stderr,
        };
        server.wait_until_ready(folder);
        server
    }

    fn wait_until_ready(&self, folder: &Folder) {
        let ready = poll(|| {
            folder.socket().exists()
                && TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.stdout().contains("listening on")
        });
        assert!(
            ready,
            "the portal did not start\nstdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops it as a service manager would, with SIGTERM, and waits for it to end.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let mut status = None;
        poll(|| {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap_or_else(|| panic!("the portal did not stop\nstderr: {}", self.stderr()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Tries `ready` every 50 ms until it holds or the patience runs out.
fn poll(mut ready: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if ready() {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    ready()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success and returns standard output.
fn succeeds(output: Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// Asserts failure with one line on standard error containing `expected`.
fn fails_with(output: Output, expected: &str) {
    assert!(!output.status.success(), "{}", stdout(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains(expected), "{message}");
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn commands_reach_the_running_portal_and_work_as_without_it() {
    let folder = Folder::new();
    let mut server = Server::start(&folder);

    succeeds(folder.portal(&["demo", "--count", "50", "--out", "demo.jsonl"]));
    let imported = succeeds(folder.portal(&["import", "--publish", "demo.jsonl"]));
    assert!(imported.contains("50 stored"), "{imported}");

    let found = succeeds(folder.portal(&["search", "--json"]));
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert!(found["total"].as_u64().unwrap() > 0, "{found}");
    let stats = succeeds(folder.portal(&["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["total"], 50);

    // A relative path is the command's, not the server's.
    let exported = folder.portal(&["export", "--out", "all.jsonl"]);
    succeeds(exported);
    assert_eq!(count_lines(&folder.path("client").join("all.jsonl")), 50);
    assert!(!folder.path("server").join("all.jsonl").exists());
    let to_stdout = succeeds(folder.portal(&["export"]));
    assert_eq!(to_stdout.lines().count(), 50);
    assert!(
        to_stdout.len() > 64 * 1024,
        "the export streams through in several frames"
    );

    // A client that stops reading half-way stops the export; the portal goes on answering.
    let mut reader = folder.spawn(&["export"]);
    let mut start = [0u8; 7];
    reader
        .stdout
        .take()
        .unwrap()
        .read_exact(&mut start)
        .unwrap();
    assert_eq!(&start, b"{\"id\":\"");
    let gone = reader.wait_with_output().unwrap();
    assert!(!gone.status.success());
    assert!(
        stderr(&gone).contains("cannot write to standard output"),
        "{}",
        stderr(&gone)
    );

    // Standard input travels with the command.
    let again = std::fs::read_to_string(folder.path("client").join("all.jsonl")).unwrap();
    let reimported = succeeds(folder.portal_with_input(&["import", "-"], &again));
    assert!(reimported.contains("0 stored"), "{reimported}");

    succeeds(folder.portal(&["reindex"]));
    let still_found = succeeds(folder.portal(&["search", "--json"]));
    let still_found: serde_json::Value = serde_json::from_str(&still_found).unwrap();
    assert_eq!(still_found["total"], found["total"]);

    // Errors come back as one line and a non-zero exit, as without the server.
    fails_with(folder.portal(&["search", "--country", "Narnai"]), "Narnai");
    fails_with(
        folder.portal(&["matches", "NEED-2026-9999"]),
        "no submission with id NEED-2026-9999",
    );

    assert_eq!(server.terminate().code(), Some(0), "{}", server.stderr());
    assert!(!folder.socket().exists(), "the socket file is removed");
    // Without the server, commands open the data folder themselves again.
    let stats = succeeds(folder.portal(&["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["total"], 50);
    assert_eq!(succeeds(folder.portal(&["export"])), to_stdout);
}

#[test]
fn passwords_are_set_through_the_running_portal_from_standard_input() {
    let folder = Folder::new();
    let _server = Server::start(&folder);

    let set = succeeds(folder.portal_with_input(
        &["set-password", "member"],
        "correct horse battery staple\n",
    ));
    assert!(
        set.contains("The member password is set; every member session has ended."),
        "{set}"
    );
    let admin = succeeds(folder.portal_with_input(
        &["set-password", "admin", "isu.staff"],
        "another long password\r\n",
    ));
    assert!(admin.contains("isu.staff"), "{admin}");

    fails_with(
        folder.portal_with_input(&["set-password", "member"], "short\n"),
        "the password is too short: use at least 12 characters",
    );
    fails_with(
        folder.portal_with_input(
            &["set-password", "admin", "no spaces"],
            "a long enough password\n",
        ),
        "admin name",
    );
    fails_with(
        folder.portal_with_input(&["set-password", "member"], ""),
        "no password on standard input",
    );
}

#[test]
fn the_first_start_shows_new_passwords_once_and_a_restart_none() {
    let folder = Folder::new();
    let mut first = Server::start(&folder);
    let shown = first.stdout();
    assert!(
        shown.contains("First start: these passwords were generated and are shown only now."),
        "{shown}"
    );
    let member = shown
        .lines()
        .find_map(|line| line.trim().strip_prefix("Member access password: "))
        .unwrap_or_else(|| panic!("{shown}"));
    assert_eq!(member.len(), 23, "{member}");
    assert!(
        shown.contains("Admin account 'admin' password: "),
        "{shown}"
    );
    assert_eq!(shown.matches(member).count(), 1, "{shown}");
    assert!(
        shown.contains("log in with the member password above"),
        "{shown}"
    );
    assert_eq!(first.terminate().code(), Some(0), "{}", first.stderr());

    let second = Server::start(&folder);
    let shown = second.stdout();
    assert!(!shown.contains("password:"), "{shown}");
    assert!(!shown.contains(member), "{shown}");
    assert!(shown.contains("portal set-password member"), "{shown}");
}

#[test]
fn a_second_portal_on_the_same_data_folder_is_told_where_the_first_one_serves() {
    let folder = Folder::new();
    let server = Server::start(&folder);
    let port = free_port().to_string();
    // Once "in use by another portal process, and no running portal answers on its control
    // socket", although the running portal answered commands through it.
    let serving = format!(
        "a portal is already serving the data folder {} at http://127.0.0.1:{}/",
        folder.path("data").display(),
        server.port
    );
    fails_with(
        folder.portal(&["serve", "--addr", &format!("127.0.0.1:{port}")]),
        &serving,
    );
    let backup = folder.path("backup");
    succeeds(folder.portal(&["backup", backup.to_str().unwrap()]));
    fails_with(
        folder.portal(&["restore", backup.to_str().unwrap()]),
        &format!("{serving}; stop it"),
    );
}

#[test]
fn a_stale_socket_file_neither_stops_a_start_nor_confuses_a_command() {
    let folder = Folder::new();
    let server = Server::start(&folder);
    // Killed without a chance to clean up, the portal leaves its socket file behind.
    drop(server);
    assert!(folder.socket().exists());
    succeeds(folder.portal(&["stats"]));
    let _server = Server::start(&folder);
    succeeds(folder.portal(&["stats"]));
}

#[test]
fn when_another_process_holds_the_data_folder_and_no_portal_answers_the_error_is_one_line() {
    let folder = Folder::new();
    let paths = portal::catalogue::Paths {
        data_dir: folder.path("data"),
        index_dir: folder.path("index"),
    };
    let _holder =
        portal::catalogue::Catalogue::open(&paths, Arc::new(portal::clock::SystemClock)).unwrap();
    fails_with(
        folder.portal(&["stats"]),
        "is in use by another portal command",
    );
    // A socket file nobody listens on any more changes nothing.
    drop(std::os::unix::net::UnixListener::bind(folder.socket()).unwrap());
    assert!(folder.socket().exists());
    fails_with(
        folder.portal(&["stats"]),
        "is in use by another portal command",
    );
    fails_with(
        folder.portal(&["serve", "--addr", &format!("127.0.0.1:{}", free_port())]),
        "is in use by another portal command",
    );
}

#[test]
fn a_backup_taken_while_the_portal_runs_restores_to_the_same_answers() {
    let folder = Folder::new();
    let mut server = Server::start(&folder);
    succeeds(folder.portal(&["demo", "--count", "80", "--out", "demo.jsonl"]));
    succeeds(folder.portal(&["import", "--publish", "demo.jsonl"]));
    let searches: [&[&str]; 3] = [
        &["search", "--json", "--per-page", "100"],
        &["search", "clearance", "--json"],
        &["search", "--kind", "need", "--sort", "amount", "--json"],
    ];
    let before: Vec<String> = searches
        .iter()
        .map(|args| succeeds(folder.portal(args)))
        .collect();

    let backed_up = succeeds(folder.portal(&["backup", "backup-1"]));
    assert!(
        backed_up.contains("backed up 80 submissions"),
        "{backed_up}"
    );
    assert!(folder.path("client").join("backup-1/portal.redb").exists());
    fails_with(folder.portal(&["backup", "backup-1"]), "not empty");
    fails_with(
        folder.portal(&["restore", "backup-1"]),
        "a portal is already serving the data folder",
    );

    // Changes after the backup…
    let found: serde_json::Value = serde_json::from_str(&before[0]).unwrap();
    let id = found["hits"][0]["submission"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    succeeds(folder.portal(&["set-status", "withdrawn", &id]));
    assert_ne!(succeeds(folder.portal(searches[0])), before[0]);
    assert_eq!(server.terminate().code(), Some(0), "{}", server.stderr());

    // …are undone by the restore, and every search answers as before.
    let restored = succeeds(folder.portal(&["restore", "backup-1"]));
    assert!(restored.contains("restored 80 submissions"), "{restored}");
    for (args, expected) in searches.iter().zip(&before) {
        assert_eq!(&succeeds(folder.portal(args)), expected, "{args:?}");
    }
}

#[test]
fn standard_input_streams_to_the_running_portal_and_input_cut_off_is_never_taken_for_whole() {
    let folder = Folder::new();
    let server = Server::start(&folder);
    succeeds(folder.portal(&["demo", "--count", "2500", "--out", "demo.jsonl"]));
    let lines = std::fs::read_to_string(folder.path("client").join("demo.jsonl")).unwrap();
    assert!(lines.len() > 20 * 64 * 1024, "the input takes many frames");

    // Any kind of content, told apart by its start as for a file.
    let imported = succeeds(folder.portal_with_input(&["import", "--publish", "-"], &lines));
    assert!(imported.contains("2500 stored"), "{imported}");
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/templates/example-need.txt"
    ))
    .unwrap();
    let filed = succeeds(folder.portal_with_input(&["import", "-"], &template));
    assert!(filed.contains("1 stored"), "{filed}");
    let empty = folder.portal_with_input(&["import", "-"], " \n");
    assert!(stderr(&empty).contains("standard input: is empty: nothing to import"));
    let empty = succeeds(empty);
    assert!(empty.contains("0 stored, 0 updated"), "{empty}");
    assert!(empty.contains("0 need attention"), "{empty}");

    // A client that goes away after 1,200 lines and half of the next: what came whole is
    // stored, and the import says its input was cut off rather than taking it for the whole.
    let mut sent: Vec<u8> = lines
        .lines()
        .take(1200)
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect();
    let next = lines.lines().nth(1200).unwrap();
    sent.extend_from_slice(&next.as_bytes()[..next.len() / 2]);
    let mut socket = std::os::unix::net::UnixStream::connect(folder.socket()).unwrap();
    socket
        .write_all(
            b"{\"command\":{\"import\":{\"paths\":[\"-\"],\"publish\":false}},\"input\":true}\n",
        )
        .unwrap();
    for piece in sent.chunks(50_000) {
        socket.write_all(b"i").unwrap();
        socket
            .write_all(&u32::try_from(piece.len()).unwrap().to_be_bytes())
            .unwrap();
        socket.write_all(piece).unwrap();
    }
    socket.shutdown(std::net::Shutdown::Write).unwrap();
    let (out, err, code) = read_reply(&mut socket);
    assert_eq!(code, 1, "out: {out}\nerr: {err}");
    assert!(out.contains("1200 stored"), "{out}");
    assert!(
        err.contains(
            "standard input line 1201: cannot be read: standard input was cut off before its end"
        ),
        "{err}"
    );

    let stats = succeeds(folder.portal(&["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["total"], 2500 + 1 + 1200);
    drop(server);
}

#[test]
fn an_import_may_read_its_input_from_an_export_through_the_same_portal() {
    let folder = Folder::new();
    let _server = Server::start(&folder);
    succeeds(folder.portal(&["demo", "--count", "300", "--load"]));
    // `portal export | portal import -`, the import's request first: it runs, and waits for
    // its input, which the export (a command of its own) has to give it.
    let mut import = folder.spawn(&["import", "-"]);
    thread::sleep(Duration::from_millis(500));
    let mut export = folder.spawn(&["export"]);
    let mut records = export.stdout.take().unwrap();
    let mut input = import.stdin.take().unwrap();
    thread::spawn(move || std::io::copy(&mut records, &mut input));
    let mut finished = None;
    let done = poll(|| {
        finished = import.try_wait().unwrap();
        finished.is_some()
    });
    if !done {
        let _ = export.kill();
        let _ = import.kill();
    }
    assert!(done, "the import still waits for its input");
    let imported = succeeds(import.wait_with_output().unwrap());
    assert!(imported.contains("300 duplicates"), "{imported}");
    assert!(export.wait().unwrap().success());
}

#[test]
fn a_client_that_stops_reading_does_not_hold_up_the_portal_stopping() {
    let folder = Folder::new();
    let mut server = Server::start(&folder);
    succeeds(folder.portal(&["demo", "--count", "2500", "--load"]));
    // An export far larger than what the pipe and the socket hold, to a reader that never reads.
    let mut stuck = folder.spawn(&["export"]);
    thread::sleep(Duration::from_secs(1));
    assert!(
        stuck.try_wait().unwrap().is_none(),
        "the export waits for its reader"
    );

    // Stopped within the test's patience: the portal gives the client a few seconds, not for
    // ever.
    assert_eq!(server.terminate().code(), Some(0), "{}", server.stderr());
    let mut start = [0u8; 7];
    stuck.stdout.take().unwrap().read_exact(&mut start).unwrap();
    assert_eq!(&start, b"{\"id\":\"");
    let _ = stuck.kill();
    let _ = stuck.wait();
}

/// Reads a reply's frames from the control socket: standard output, standard error, exit code.
fn read_reply(socket: &mut impl Read) -> (String, String, u8) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    loop {
        let mut head = [0u8; 5];
        socket.read_exact(&mut head).unwrap();
        let length = u32::from_be_bytes(head[1..].try_into().unwrap()) as usize;
        let mut bytes = vec![0; length];
        socket.read_exact(&mut bytes).unwrap();
        match head[0] {
            b'o' => out.extend(bytes),
            b'e' => err.extend(bytes),
            b'c' => {
                let text = |bytes| String::from_utf8(bytes).unwrap();
                return (text(out), text(err), bytes[0]);
            }
            tag => panic!("a frame tagged {tag}"),
        }
    }
}

#[test]
fn an_imported_message_is_named_by_the_id_it_was_stored_as() {
    let folder = Folder::new();
    let _server = Server::start(&folder);
    let template = include_str!("../data/templates/example-need.txt");
    let file = folder.path("need.txt");
    std::fs::write(&file, template).unwrap();
    // Once only "1 stored, …": the new id was found only at the end of `portal queue`.
    let imported = succeeds(folder.portal(&["import", file.to_str().unwrap()]));
    let line = imported
        .lines()
        .find(|line| line.contains("stored as NEED-"))
        .unwrap_or_else(|| panic!("{imported}"));
    assert!(line.ends_with(", waiting for review"), "{line}");
    let id = line
        .split_whitespace()
        .find(|word| word.starts_with("NEED-"))
        .unwrap()
        .trim_end_matches(',');

    let queue = succeeds(folder.portal(&["queue"]));
    assert!(queue.contains(id), "{queue}");
    assert!(queue.contains("1 submission waits for review"), "{queue}");
    assert!(queue.contains("0 messages wait"), "{queue}");

    let broken = template.replace("USD 1.2 million", "a lot");
    std::fs::write(&file, broken).unwrap();
    folder.portal(&["import", file.to_str().unwrap()]);
    let queue = succeeds(folder.portal(&["queue"]));
    // Once "1 messages wait".
    assert!(queue.contains("1 message waits"), "{queue}");
}

/// Regression (hardening): `portal remind --remind-days …` sent to a running portal used to
/// remind with the portal's own settings and say nothing of the flags; now flags asking for
/// other settings are refused by name, and those that agree are accepted.
#[test]
fn remind_flags_the_running_portal_cannot_honour_are_refused() {
    let folder = Folder::new();
    let _server = Server::start(&folder);
    fails_with(
        folder.portal(&["remind", "--remind-days", "14"]),
        "--remind-days cannot be honoured",
    );
    succeeds(folder.portal(&["remind", "--remind-days", "7,30"]));
    succeeds(folder.portal(&["remind"]));
}

/// Regression (hardening): a reminder flag given with its default value (`--remind-days 30,7`)
/// went unnoticed by a portal serving with other days, and the portal reminded with its own.
#[test]
fn a_remind_flag_given_with_its_default_value_is_compared_too() {
    let folder = Folder::new();
    let _server = Server::start_with(&folder, &["--remind-days", "14"]);
    fails_with(
        folder.portal(&["remind", "--remind-days", "30,7"]),
        "--remind-days cannot be honoured",
    );
    succeeds(folder.portal(&["remind", "--remind-days", "14"]));
    succeeds(folder.portal(&["remind"]));
}

#[test]
fn sigterm_during_a_large_import_stops_the_portal_within_seconds_keeping_what_was_stored() {
    let folder = Folder::new();
    succeeds(folder.portal(&["demo", "--count", "60000", "--out", "large.jsonl"]));
    let mut server = Server::start(&folder);
    let import = folder.spawn(&["import", "--publish", "large.jsonl"]);
    // Time for the import to be well under way (not an assertion).
    thread::sleep(Duration::from_secs(2));
    let signalled = Instant::now();
    let status = server.terminate();
    let took = signalled.elapsed();
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    eprintln!("the portal stopped {took:?} after SIGTERM, during an import of 60,000 records");

    let output = import.wait_with_output().unwrap();
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!output.status.success(), "{said}");
    assert!(said.contains("stopped early"), "{said}");
    let stored: u64 = said
        .split(" stored,")
        .next()
        .and_then(|before| before.rsplit(['\n', ' ']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(stored > 0 && stored < 60_000, "{said}");

    // What it stored is there, whole, and the index agrees with the database.
    succeeds(folder.portal(&["check"]));
    let stats = succeeds(folder.portal(&["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["total"].as_u64(), Some(stored));
}

#[test]
fn an_import_whose_client_is_interrupted_stops_keeping_what_it_stored() {
    let folder = Folder::new();
    succeeds(folder.portal(&["demo", "--count", "60000", "--out", "large.jsonl"]));
    let _server = Server::start(&folder);
    let mut import = folder.spawn(&["import", "--publish", "large.jsonl"]);
    // Time for the import to be well under way (not an assertion); then the client is killed,
    // as Ctrl-C would end it.
    thread::sleep(Duration::from_secs(2));
    import.kill().unwrap();
    let _ = import.wait();

    // What the catalogue holds stops growing, short of all: the import stopped.
    let total = || {
        let stats = succeeds(folder.portal(&["stats", "--json"]));
        serde_json::from_str::<serde_json::Value>(&stats).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let mut before = total();
    for _ in 0..40 {
        thread::sleep(Duration::from_millis(500));
        let now = total();
        if now == before {
            break;
        }
        before = now;
    }
    assert!(
        before < 60_000,
        "all {before} records were imported for nobody"
    );
    succeeds(folder.portal(&["check"]));
}

/// Regression (hardening): a command that waited behind a long import ran when its turn came,
/// although its client had given up meanwhile: a `publish` the ISU had cancelled with Ctrl-C
/// published later, unseen. Now a queued command whose client has gone is not run.
#[test]
fn a_queued_command_whose_client_went_away_is_not_run() {
    let folder = Folder::new();
    succeeds(folder.portal(&["demo", "--count", "60000", "--out", "large.jsonl"]));
    let mut server = Server::start(&folder);
    let template = folder.path("need.txt");
    std::fs::write(
        &template,
        include_str!("../data/templates/example-need.txt"),
    )
    .unwrap();
    let imported = succeeds(folder.portal(&["import", template.to_str().unwrap()]));
    let id = imported
        .split_whitespace()
        .find(|word| word.starts_with("NEED-"))
        .unwrap_or_else(|| panic!("{imported}"))
        .trim_end_matches(',')
        .to_string();

    // A long import holds the turn; a publish queues behind it, and its client gives up.
    let mut import = folder.spawn(&["import", "--publish", "large.jsonl"]);
    thread::sleep(Duration::from_secs(1));
    let mut publish = folder.spawn(&["publish", &id]);
    thread::sleep(Duration::from_secs(1));
    assert!(
        publish.try_wait().unwrap().is_none(),
        "the publish did not wait for its turn"
    );
    publish.kill().unwrap();
    let _ = publish.wait();
    // Then the import's client goes too, and the import stops: the publish's turn comes.
    import.kill().unwrap();
    let _ = import.wait();

    let dropped = poll(|| server.stderr().contains("did not run a command"));
    assert!(dropped, "{}", server.stderr());
    let queue = succeeds(folder.portal(&["queue"]));
    assert!(
        queue.contains(&id),
        "{id} was published for nobody:\n{queue}"
    );
    assert_eq!(server.terminate().code(), Some(0), "{}", server.stderr());
}
