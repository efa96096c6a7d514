//! Clients that ask for large downloads and never read them: the real `portal serve` on
//! 127.0.0.1, with a catalogue whose JSON Lines export is several megabytes, more than the
//! connection's buffers hold. More stalled exports than the portal has workers must leave
//! every page (and the commands sent to the running portal) answering, and one member may
//! not start more than the bound of downloads at once.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const PASSWORD: &str = "slow-readers-password";
/// Stalled exports held open at once: more than the portal's 16 workers.
const STALLED: usize = 17;
/// Sessions they are spread over, two each (the bound per session).
const SESSIONS: usize = 9;
/// A safety net against a portal that no longer answers, not a measure of speed.
const ANSWER_LIMIT: Duration = Duration::from_secs(20);

struct Serving {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    data: PathBuf,
    index: PathBuf,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn portal(data: &Path, index: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .env("PORTAL_DATA_DIR", data)
        .env("PORTAL_INDEX_DIR", index)
        .env_remove("RUST_LOG");
    command
}

fn start() -> Serving {
    let dir = tempfile::tempdir().unwrap();
    let (data, index) = (dir.path().join("data"), dir.path().join("index"));
    let loaded = portal(&data, &index)
        .args(["demo", "--load", "--count", "5000"])
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    let mut set = portal(&data, &index)
        .args(["set-password", "member"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(set.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(set.wait().unwrap().success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = portal(&data, &index)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let serving = Serving {
        child,
        port,
        _dir: dir,
        data,
        index,
    };
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return serving;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the portal did not start");
}

/// Sends `request` and reads the whole answer (the connection is closed after it).
async fn exchange(port: u16, request: String) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(path: &str, cookie: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
}

/// The status code of an answer.
fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// Logs in as a member; the session's cookie.
async fn log_in(port: u16) -> String {
    let body = format!("password={PASSWORD}");
    let answer = exchange(
        port,
        format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: \
             close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    let cookie = answer
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .unwrap_or_else(|| panic!("no session: {answer}"));
    cookie.split(';').next().unwrap().to_string()
}

/// Asks for the export with a small receive window, reads its first bytes and then nothing.
async fn stalled_export(port: u16, cookie: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
    stream
        .write_all(get("/search/export.jsonl", cookie).as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 512];
    let read = stream.read(&mut head).await.unwrap();
    let head = String::from_utf8_lossy(&head[..read]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    stream
}

/// Every page (and a command to the running portal) answers while the stalled exports are
/// held: none of them waits on a worker that a stalled client holds.
async fn everything_answers(serving: &Serving, cookie: &str) {
    for path in [
        "/search?q=clearance",
        "/search?kind=offer&country=LAO",
        "/statistics",
        "/countries/LAO",
        "/find-offers?country=LAO",
    ] {
        let answer = tokio::time::timeout(ANSWER_LIMIT, exchange(serving.port, get(path, cookie)))
            .await
            .unwrap_or_else(|_| panic!("{path} did not answer while exports were stalled"));
        assert_eq!(
            status(&answer),
            200,
            "{path}: {}",
            &answer[..answer.len().min(300)]
        );
    }
    let (data, index) = (serving.data.clone(), serving.index.clone());
    let stats = tokio::time::timeout(
        ANSWER_LIMIT,
        tokio::task::spawn_blocking(move || portal(&data, &index).arg("stats").output().unwrap()),
    )
    .await
    .expect("portal stats did not answer while exports were stalled")
    .unwrap();
    assert!(stats.status.success(), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_export_readers_hold_no_worker_and_every_page_still_answers() {
    let serving = start();
    let mut cookies = Vec::new();
    for _ in 0..SESSIONS {
        cookies.push(log_in(serving.port).await);
    }
    let mut stalled = Vec::new();
    for i in 0..STALLED {
        stalled.push(stalled_export(serving.port, &cookies[i / 2]).await);
    }
    // Time for the exports to be written as far as they will go (not an assertion).
    tokio::time::sleep(Duration::from_secs(2)).await;

    everything_answers(&serving, &cookies[SESSIONS - 1]).await;

    // A third download for a session with two under way is refused, and says why.
    let third = exchange(serving.port, get("/compendium", &cookies[0])).await;
    assert_eq!(status(&third), 429, "{third}");
    assert!(third.contains("downloads"), "{third}");
    assert!(
        third.to_ascii_lowercase().contains("retry-after: "),
        "{third}"
    );

    // Once the stalled clients go, their sessions may download again.
    drop(stalled);
    let mut again = 0;
    for _ in 0..100 {
        again = status(&exchange(serving.port, get("/compendium", &cookies[0])).await);
        if again == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(again, 200);
}
