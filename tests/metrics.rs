//! Health checks and Prometheus metrics of the real `portal serve` on 127.0.0.1: `/healthz` and
//! `/readyz` without login and saying nothing else, `/readyz` naming the check that fails,
//! `/metrics` refused (the ordinary 404) through a proxy or with a wrong token, its figures
//! following what was done, and its text accepted by Prometheus's `promtool`.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::process::{collect, poll};
use common::tools::{self, CADDY, PROMTOOL};
use portal::submission::{Status, Vocabulary};

/// How long the portal may take to start before the test gives up.
const PATIENCE: Duration = Duration::from_secs(60);

/// A data folder of its own and a running `portal serve` on it, killed when dropped.
struct Portal {
    dir: tempfile::TempDir,
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Portal {
    /// A portal on a fresh data folder with `demo` demo submissions, started with `flags`.
    fn start(demo: usize, flags: &[&str]) -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = command(dir.path())
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--demo", &demo.to_string()])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let portal = Portal {
            dir,
            child,
            port,
            stdout,
            stderr,
        };
        // "listening on" is printed after the first round of expiries and reminders.
        let started = Instant::now();
        while !portal.stdout().contains("listening on") && started.elapsed() < PATIENCE {
            thread::sleep(Duration::from_millis(50));
        }
        assert!(
            portal.stdout().contains("listening on"),
            "the portal did not start\nstdout: {}\nstderr: {}",
            portal.stdout(),
            portal.stderr()
        );
        portal
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The member password the first start generated.
    fn member_password(&self) -> String {
        let shown = self.stdout();
        shown
            .lines()
            .find_map(|line| line.trim().strip_prefix("Member access password: "))
            .unwrap_or_else(|| panic!("no member password shown: {shown}"))
            .to_string()
    }

    /// A portal command, passed to the running portal over its control socket.
    fn portal(&self, args: &[&str]) -> Output {
        command(self.dir.path()).args(args).output().unwrap()
    }

    /// `GET path` with `headers`, on a connection of its own.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        get(self.port, path, headers)
    }

    /// `POST /login` with the form `body`.
    fn login(&self, body: &str) -> Reply {
        let request = format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.port,
            body.len()
        );
        exchange(self.port, &request)
    }

    /// Logs in as a member and returns the session cookie, `NAME=VALUE`.
    fn member_cookie(&self) -> String {
        let password = self.member_password();
        let reply = self.login(&format!("password={password}"));
        assert_eq!(reply.status, 303, "{}", reply.body);
        let cookie = reply.header("set-cookie").unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    /// The figures of `/metrics`, read from 127.0.0.1 without a proxy.
    fn scrape(&self) -> Figures {
        let reply = self.get("/metrics", &[]);
        assert_eq!(reply.status, 200, "{}", reply.body);
        Figures::parse(&reply.body)
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` with `headers` from 127.0.0.1 to `port`, on a connection of its own.
fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    exchange(port, &request)
}

fn exchange(port: u16, request: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    Reply::parse(&raw)
}

fn command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .current_dir(dir)
        .env("PORTAL_DATA_DIR", dir.join("data"))
        .env("PORTAL_INDEX_DIR", dir.join("index"))
        .env_remove("RUST_LOG");
    command
}

/// An HTTP answer: status, headers (names in lower case) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        let chunked = |headers: &Vec<(String, String)>| {
            headers
                .iter()
                .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
        };
        let body = if chunked(&headers) {
            unchunk(body)
        } else {
            body.to_string()
        };
        Reply {
            status: status.parse().unwrap(),
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unchunk(mut body: &str) -> String {
    let mut whole = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        whole.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    whole
}

/// The samples of a scrape, by their series (`name{labels}` as written).
struct Figures(BTreeMap<String, f64>);

impl Figures {
    fn parse(text: &str) -> Figures {
        Figures(
            text.lines()
                .filter(|line| !line.starts_with('#') && !line.is_empty())
                .map(|line| {
                    let (series, value) = line.rsplit_once(' ').unwrap();
                    (series.to_string(), value.parse().unwrap())
                })
                .collect(),
        )
    }

    /// One series' value, which must be there.
    fn value(&self, series: &str) -> f64 {
        *self
            .0
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in {:#?}", self.0))
    }

    /// The sum of every series of `name` whose labels include each of `labels` (`k="v"`).
    fn sum(&self, name: &str, labels: &[&str]) -> f64 {
        self.0
            .iter()
            .filter(|(series, _)| {
                let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
                series_name == name && labels.iter().all(|label| rest.contains(label))
            })
            .map(|(_, value)| value)
            .sum()
    }
}

/// The headers every page carries, which `/healthz` and `/readyz` must carry too.
const SECURITY_HEADERS: &[&str] = &[
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
    "cache-control",
];

#[test]
fn health_and_readiness_answer_without_login_and_say_nothing_else() {
    let portal = Portal::start(60, &[]);
    let landing = portal.get("/", &[]);
    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let reply = portal.get(path, &[]);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.body, body, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        for name in SECURITY_HEADERS {
            assert_eq!(reply.header(name), landing.header(name), "{path}: {name}");
        }
        assert_eq!(reply.header("set-cookie"), None, "{path}");
    }
    // Probes are not login attempts: after many, a login from the same address still works.
    for _ in 0..20 {
        assert_eq!(portal.get("/readyz", &[]).status, 200);
    }
    portal.member_cookie();
}

#[test]
fn readiness_names_the_check_that_fails() {
    // The outbox is a file, so every reminder's delivery fails: reminder delivery is stuck at
    // the first failure with --reminder-stuck-hours 0, not yet with the default of 24 hours.
    let outbox_file = tempfile::NamedTempFile::new().unwrap();
    let outbox = outbox_file.path().to_str().unwrap();
    let patient = Portal::start(200, &["--outbox", outbox]);
    let failed = patient.scrape().value("portal_reminders_failed_total");
    assert!(failed >= 1.0, "the demo has reminders due: {failed}");
    assert_eq!(patient.get("/readyz", &[]).status, 200);
    drop(patient);

    let strict = Portal::start(200, &["--outbox", outbox, "--reminder-stuck-hours", "0"]);
    let reply = strict.get("/readyz", &[]);
    assert_eq!(reply.status, 503);
    assert_eq!(reply.body, "not ready: reminders\n");
    for name in SECURITY_HEADERS {
        assert!(reply.header(name).is_some(), "{name}");
    }
    // The log is read from the portal's standard error on a thread of its own: give it time.
    let logged = poll(Duration::from_secs(10), || {
        strict
            .stderr()
            .contains("reminders not delivered 0 hours or more")
    });
    assert!(logged, "the reason goes to the log: {}", strict.stderr());
    assert_eq!(strict.get("/healthz", &[]).status, 200);

    // An index that has gone (its folder removed under the running portal) has seen nothing of
    // the store.
    let portal = Portal::start(60, &[]);
    assert_eq!(portal.get("/readyz", &[]).body, "ready\n");
    let index = portal.dir.path().join("index");
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        }
    }
    let reply = portal.get("/readyz", &[]);
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (503, "not ready: index\n")
    );
}

#[test]
fn metrics_are_refused_through_a_proxy_and_with_a_wrong_token() {
    let token_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token_file.path(), "s3cret-metrics-token-0123456789\n").unwrap();
    let portal = Portal::start(
        20,
        &["--metrics-token-file", token_file.path().to_str().unwrap()],
    );
    let nothing_here = portal.get("/no-such-page", &[]);
    assert_eq!(nothing_here.status, 404);

    let direct = portal.get("/metrics", &[]);
    assert_eq!(direct.status, 200, "{}", direct.body);
    assert_eq!(
        direct.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(
        direct
            .body
            .contains("# TYPE portal_http_requests_total counter")
    );

    let refused: &[&[(&str, &str)]] = &[
        &[("X-Forwarded-For", "192.0.2.7")],
        &[("Forwarded", "for=192.0.2.7;proto=https")],
        &[("X-Real-IP", "192.0.2.7")],
        &[("X-Forwarded-Proto", "https")],
        &[("Authorization", "Bearer not-the-token-but-long-enough")],
        &[
            ("Authorization", "Bearer not-the-token-but-long-enough"),
            ("X-Forwarded-For", "192.0.2.7"),
        ],
        &[("Authorization", "Bearer")],
    ];
    for headers in refused {
        let reply = portal.get("/metrics", headers);
        assert_eq!(reply.status, 404, "{headers:?}");
        // The ordinary 404 page: nothing says there is something here.
        assert_eq!(reply.body, nothing_here.body, "{headers:?}");
    }
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let authorization = format!("{scheme} s3cret-metrics-token-0123456789");
        let reply = portal.get(
            "/metrics",
            &[
                ("Authorization", &authorization),
                ("X-Forwarded-For", "192.0.2.7"),
            ],
        );
        assert_eq!(reply.status, 200, "{scheme}");
    }
    let figures = portal.scrape();
    assert!(figures.value("portal_http_requests_total{class=\"metrics\",status=\"404\"}") >= 7.0);
    assert!(figures.value("portal_http_requests_total{class=\"other\",status=\"404\"}") >= 1.0);
}

/// A Caddy reverse proxy on 127.0.0.1 in front of `upstream`, stopped when dropped.
struct Caddy {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Caddy {
    fn start(upstream: u16) -> Caddy {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // No admin endpoint (its fixed port would clash), no certificates; what it keeps goes
        // to the temporary folder.
        let config = format!(
            "{{\n  admin off\n  auto_https off\n}}\n\
             http://127.0.0.1:{port} {{\n  reverse_proxy 127.0.0.1:{upstream}\n}}\n"
        );
        let file = dir.path().join("Caddyfile");
        std::fs::write(&file, config).unwrap();
        let child = Command::new("caddy")
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&file)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let caddy = Caddy {
            child,
            port,
            _dir: dir,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() && started.elapsed() < PATIENCE {
            thread::sleep(Duration::from_millis(50));
        }
        caddy
    }
}

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs caddy: scripts/test installs it (Debian package caddy)"]
fn metrics_through_a_real_reverse_proxy_need_the_token() {
    tools::require(&[CADDY]);
    let token_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token_file.path(), "proxied-metrics-token-0123456789\n").unwrap();
    let portal = Portal::start(
        20,
        &["--metrics-token-file", token_file.path().to_str().unwrap()],
    );
    let caddy = Caddy::start(portal.port);
    // The same portal, reached through the proxy: a loopback peer that says it forwarded.
    let proxied = |path: &str, headers: &[(&str, &str)]| get(caddy.port, path, headers);
    let health = proxied("/healthz", &[]);
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let refused = proxied("/metrics", &[]);
    assert_eq!(refused.status, 404);
    assert_eq!(refused.body, proxied("/no-such-page", &[]).body);
    let wrong = proxied(
        "/metrics",
        &[("Authorization", "Bearer wrong-token-0123456789")],
    );
    assert_eq!(wrong.status, 404);
    let right = proxied(
        "/metrics",
        &[("Authorization", "Bearer proxied-metrics-token-0123456789")],
    );
    assert_eq!(right.status, 200, "{}", right.body);
    assert!(
        right
            .body
            .contains("portal_http_requests_total{class=\"metrics\",status=\"404\"} 2")
    );
    // Straight to the portal, the same machine needs no token.
    assert_eq!(portal.get("/metrics", &[]).status, 200);
}

#[test]
fn a_metrics_token_file_that_cannot_serve_stops_the_start_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, "tiny\n").unwrap();
    let missing = dir.path().join("missing");
    let cases = [
        (short, "is 4 characters long; use at least 16"),
        (missing.clone(), "cannot read the metrics token file"),
    ];
    for (file, expected) in cases {
        let output = command(dir.path())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .arg("--metrics-token-file")
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    }
    assert!(
        !dir.path().join("data").exists(),
        "nothing is opened before the settings are checked"
    );
}

#[test]
fn the_figures_follow_logins_searches_and_the_catalogue() {
    let portal = Portal::start(300, &[]);
    let wrong = portal.login("password=not-the-member-password");
    assert_eq!(wrong.status, 401);
    let cookie = portal.member_cookie();
    let searches = [
        "mine",
        "clearance",
        "victim",
        "risk education",
        "survey",
        "school",
    ];
    for (n, words) in searches.iter().enumerate() {
        let path = format!("/search?q={}&page=1", words.replace(' ', "+"));
        let reply = portal.get(&path, &[("Cookie", &cookie)]);
        assert_eq!(reply.status, 200, "{path}");
        // The same page again is answered from the pages kept: a result page, not a search.
        if n == 0 {
            assert_eq!(portal.get(&path, &[("Cookie", &cookie)]).status, 200);
        }
    }
    assert_eq!(
        portal.get("/statistics", &[("Cookie", &cookie)]).status,
        200
    );
    assert_eq!(portal.get("/static/style.css", &[]).status, 200);

    let figures = portal.scrape();
    let series = |labels: &str| format!("portal_http_requests_total{{{labels}}}");
    assert!(figures.value("portal_login_failures_total{account=\"member\"}") >= 1.0);
    assert_eq!(
        figures.value("portal_login_throttled_total{reason=\"address\"}"),
        0.0
    );
    assert!(figures.value(&series("class=\"login\",status=\"401\"")) >= 1.0);
    assert!(figures.value(&series("class=\"login\",status=\"303\"")) >= 1.0);
    assert!(figures.value(&series("class=\"search\",status=\"200\"")) >= 7.0);
    assert!(figures.value(&series("class=\"page\",status=\"200\"")) >= 1.0);
    assert!(figures.value(&series("class=\"static\",status=\"200\"")) >= 1.0);
    assert!(figures.value("portal_http_request_duration_seconds_count{class=\"search\"}") >= 7.0);
    let result_pages = figures.sum("portal_search_duration_seconds_count", &[]);
    let searched = figures.value("portal_search_duration_seconds_count{answer=\"searched\"}");
    assert!(result_pages >= 7.0, "{result_pages}");
    assert!(searched >= searches.len() as f64, "{searched}");
    assert!(figures.value("portal_search_duration_seconds_count{answer=\"kept\"}") >= 1.0);

    // The catalogue's own count, by the command line through the control socket.
    let stats = portal.portal(&["stats", "--json"]);
    assert!(stats.status.success(), "{stats:?}");
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(
        figures.sum("portal_submissions", &[]),
        stats["total"].as_f64().unwrap()
    );
    for (status, count) in stats["by_status"].as_object().unwrap() {
        let label = format!("status=\"{status}\"");
        assert_eq!(
            figures.sum("portal_submissions", &[&label]),
            count.as_f64().unwrap(),
            "{status}"
        );
    }
    for (kind, count) in stats["visible_by_kind"].as_object().unwrap() {
        let labels = [&format!("kind=\"{kind}\"")[..], "status=\"published\""];
        assert_eq!(
            figures.sum("portal_submissions", &labels),
            count.as_f64().unwrap(),
            "{kind}"
        );
    }
    assert_eq!(
        figures.value("portal_review_queue_submissions"),
        stats["by_status"]["pending"].as_f64().unwrap()
    );
    assert_eq!(figures.value("portal_review_queue_messages"), 0.0);
    assert_eq!(figures.value("portal_index_lag_changes"), 0.0);
    assert!(figures.value("portal_index_documents") > 0.0);

    // Every reminder the first round prepared was written to the outbox: one file each.
    let written =
        std::fs::read_dir(portal.data().join("outbox")).map_or(0, |files| files.count()) as f64;
    assert!(written > 0.0, "the demo has reminders due");
    assert_eq!(figures.value("portal_reminders_sent_total"), written);
    assert_eq!(figures.value("portal_reminders_prepared_total"), written);
    assert_eq!(figures.value("portal_reminders_failed_total"), 0.0);

    let resident = figures.value("process_resident_memory_bytes");
    assert!(resident > 1024.0 * 1024.0, "{resident}");
    let started = figures.value("process_start_time_seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        started > now - PATIENCE.as_secs_f64() * 2.0 && started <= now,
        "{started}"
    );
    eprintln!(
        "resident memory {:.1} MiB; {result_pages} result pages, {searched} searched",
        resident / 1024.0 / 1024.0
    );
}

#[test]
#[ignore = "needs promtool: scripts/test installs it (Debian package prometheus)"]
fn promtool_accepts_the_scraped_text() {
    tools::require(&[PROMTOOL]);
    let portal = Portal::start(100, &[]);
    assert_eq!(portal.login("password=wrong-password").status, 401);
    let cookie = portal.member_cookie();
    assert_eq!(
        portal
            .get("/search?q=clearance", &[("Cookie", &cookie)])
            .status,
        200
    );
    let text = portal.get("/metrics", &[]).body;
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let checked = promtool.wait_with_output().unwrap();
    let complaints = String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success() && complaints.trim().is_empty(),
        "promtool: {complaints}{}\n{text}",
        String::from_utf8_lossy(&checked.stdout)
    );
    // The check has something to check: every kind of figure is there.
    for kind in ["counter", "gauge", "histogram"] {
        assert!(text.contains(&format!(" {kind}\n")), "{kind}");
    }
}

#[test]
fn holdings_agree_with_the_statistics_when_some_are_archived() {
    let fixture = common::Fixture::varied_demo(400, 11);
    let catalogue = &fixture.catalogue;
    fixture.clock.advance(chrono::Duration::days(200));
    let archived = catalogue.purge_expired("test").unwrap();
    assert!(!archived.is_empty());
    // Some are published but past their expiry and not archived yet.
    fixture.clock.advance(chrono::Duration::days(60));
    let stats = catalogue.stats().unwrap();
    let holdings = catalogue.holdings().unwrap();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for ((_, status), count) in &holdings {
        *by_status.entry(status.clone()).or_default() += count;
    }
    assert_eq!(by_status, stats.by_status);
    assert!(
        by_status.contains_key("published-but-expired"),
        "{by_status:?}"
    );
    assert!(by_status.contains_key("expired"), "{by_status:?}");
    // By kind, the stored submissions themselves say the same.
    let mut stored: BTreeMap<(String, String), u64> = BTreeMap::new();
    let now = catalogue.now();
    catalogue
        .store()
        .read()
        .unwrap()
        .for_each(|s| {
            let status = if s.status == Status::Published
                && s.timestamps.expires_at.is_some_and(|e| e <= now)
            {
                "published-but-expired".to_string()
            } else {
                s.status.slug().to_string()
            };
            let kind = s.kind.slug().to_string();
            *stored.entry((kind, status)).or_default() += 1;
        })
        .unwrap();
    let named: BTreeMap<(String, String), u64> = holdings
        .into_iter()
        .map(|((kind, status), count)| ((kind.slug().to_string(), status), count))
        .collect();
    assert_eq!(named, stored);
}
