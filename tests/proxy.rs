//! Behind a reverse proxy (issue 27): only a `--trusted-proxy` is believed about the client's
//! address (`Forwarded`, `X-Forwarded-For`) and scheme (`proto=`, `X-Forwarded-Proto`); a form
//! posted through a proxy that rewrites `Host` passes when its Origin is the `--public-url`.
//!
//! The first tests drive the router in process. The others run the shipped `deploy/Caddyfile`
//! and `deploy/nginx.conf` for real, on free ports of 127.0.0.1 with a local certificate, in
//! front of a real `portal serve --trusted-proxy 127.0.0.1`, and reach them with curl from
//! other loopback addresses (127.0.0.2, 127.0.0.3…: Linux routes all of 127/8 to lo), so each
//! client has an address of its own that only the proxy's header can tell the portal.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::http::{HOST, MEMBER_PASSWORD, Portal, Reply};
use common::process::{Running, free_port};
use common::tools::{self, CADDY, CURL, NGINX, OPENSSL};
use portal::web::{
    Config, HEADER_READ_TIMEOUT, MAX_UPLOAD_BYTES, REQUEST_TIMEOUT, STRICT_TRANSPORT_SECURITY,
    public_origin,
};

// In process: the router with a trusted proxy at 127.0.0.1.

const PROXY: &str = "127.0.0.1:50000";
const STRANGER: &str = "192.0.2.9:50000";
const PUBLIC_URL: &str = "https://portal.example.org";

fn behind_proxy() -> Portal {
    Portal::with_config(Config {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        public_url: PUBLIC_URL.into(),
        ..Config::default()
    })
}

/// A member login POST from `peer` with `headers` besides the form's own.
async fn log_in(portal: &Portal, peer: &str, headers: &[(&str, &str)], password: &str) -> Reply {
    let body = serde_urlencoded::to_string([("password", password)]).unwrap();
    let mut request = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    portal
        .send_from(peer, request.body(Body::from(body)).unwrap())
        .await
}

fn set_cookie(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::SET_COOKIE)
        .map_or("", |v| v.to_str().unwrap())
}

fn hsts(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_trusted_proxy_that_says_https_gets_secure_cookies_and_hsts() {
    let portal = behind_proxy();
    for says in [
        [
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ],
        [
            ("forwarded", "for=198.51.100.7;proto=https"),
            ("x-unrelated", "1"),
        ],
        [
            ("forwarded", "for=\"[2001:db8::7]:4711\";proto=https"),
            ("x-unrelated", "1"),
        ],
    ] {
        let reply = log_in(&portal, PROXY, &says, MEMBER_PASSWORD).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{says:?}: {}",
            reply.body
        );
        let cookie = set_cookie(&reply);
        assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert_eq!(hsts(&reply), Some(STRICT_TRANSPORT_SECURITY), "{says:?}");
        // The cookie works on the next request through the same proxy.
        let name_value = cookie.split(';').next().unwrap();
        let mut page = Request::get("/").header(header::HOST, HOST);
        for (name, value) in says {
            page = page.header(name, value);
        }
        let page = portal
            .send_from(
                PROXY,
                page.header(header::COOKIE, name_value)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(page.body.contains("name=\"csrf\""), "{says:?}");
    }
    // Over plain HTTP to the proxy: neither.
    let plain = [("forwarded", "for=198.51.100.8;proto=http")];
    let reply = log_in(&portal, PROXY, &plain, MEMBER_PASSWORD).await;
    assert!(set_cookie(&reply).starts_with("portal_session="));
    assert!(!set_cookie(&reply).contains("Secure"));
    assert_eq!(hsts(&reply), None);
}

#[tokio::test]
async fn the_same_headers_from_any_other_peer_are_ignored() {
    let portal = behind_proxy();
    let lies = [
        ("forwarded", "for=198.51.100.7;proto=https"),
        ("x-forwarded-for", "198.51.100.7"),
        ("x-forwarded-proto", "https"),
    ];
    let reply = log_in(&portal, STRANGER, &lies, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(set_cookie(&reply).starts_with("portal_session="));
    assert!(!set_cookie(&reply).contains("Secure"));
    assert_eq!(hsts(&reply), None);
    // Failures count against the stranger's own address, whatever address it names.
    for (n, named) in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
        .into_iter()
        .enumerate()
    {
        let says = [("x-forwarded-for", named), ("forwarded", "for=203.0.113.9")];
        let reply = log_in(&portal, STRANGER, &says, "wrong").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let says = [("x-forwarded-for", "203.0.113.4")];
    let reply = log_in(&portal, STRANGER, &says, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // The proxy's clients are not held up by it.
    let says = [("x-forwarded-for", "192.0.2.9")];
    let reply = log_in(&portal, PROXY, &says, MEMBER_PASSWORD).await;
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the same client"
    );
    let says = [("forwarded", "for=198.51.100.20")];
    let reply = log_in(&portal, PROXY, &says, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "another client");
}

#[tokio::test]
async fn a_trusted_proxys_forwarded_header_names_the_client_the_throttle_counts() {
    let portal = behind_proxy();
    // The client wrote its own element first; the proxy's (the last) names the real one.
    let attacker = [("forwarded", "for=203.0.113.5, for=\"[2001:db8::66]\"")];
    for _ in 0..3 {
        let reply = log_in(&portal, PROXY, &attacker, "wrong").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = log_in(&portal, PROXY, &attacker, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // Naming another first element does not make it another client.
    let again = [("forwarded", "for=203.0.113.6, for=\"[2001:db8::66]:1\"")];
    let reply = log_in(&portal, PROXY, &again, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let other = [("forwarded", "for=203.0.113.5, for=\"[2001:db8::67]\"")];
    let reply = log_in(&portal, PROXY, &other, MEMBER_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

/// Regression (issue 27): a proxy that passes its own Host on (nginx's default) left every
/// form refused, since the Origin the browser sent named the public host.
#[tokio::test]
async fn a_form_posted_through_a_proxy_that_rewrites_host_passes_when_it_comes_from_the_public_url()
{
    let portal = behind_proxy();
    let logout = |cookie: String, token: String, origin: &'static str| {
        let body = serde_urlencoded::to_string([("csrf", token)]).unwrap();
        Request::post("/logout")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", "198.51.100.7")
            .body(Body::from(body))
            .unwrap()
    };
    let cookie = portal.login_member().await;
    let token = portal.csrf(&cookie).await;
    for foreign in [
        "https://evil.example",
        "https://portal.example.org.evil.example",
        "http://portal.example.org",
        "https://portal.example.org:8443",
        "null",
    ] {
        let reply = portal
            .send_from(PROXY, logout(cookie.clone(), token.clone(), foreign))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{foreign}");
    }
    for public in ["https://portal.example.org", "HTTPS://Portal.Example.ORG"] {
        let cookie = portal.login_member().await;
        let token = portal.csrf(&cookie).await;
        let reply = portal.send_from(PROXY, logout(cookie, token, public)).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{public}: {}",
            reply.body
        );
    }
    // The request's own Host still counts, as before.
    let cookie = portal.login_member().await;
    let token = portal.csrf(&cookie).await;
    let reply = portal
        .send_from(PROXY, logout(cookie, token, "http://127.0.0.1:8080"))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

#[test]
fn the_public_url_gives_the_origin_browsers_send_or_says_what_is_wrong() {
    for (url, origin) in [
        ("https://portal.example.org", "https://portal.example.org"),
        ("https://Portal.Example.org/", "https://portal.example.org"),
        (
            "https://portal.example.org:443/x",
            "https://portal.example.org",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://[::1]:8443", "https://[::1]:8443"),
    ] {
        assert_eq!(public_origin(url).as_deref(), Ok(origin), "{url}");
    }
    for (url, says) in [
        ("portal.example.org", "is not a URL"),
        (
            "ftp://portal.example.org",
            "is not an http:// or https:// address",
        ),
        ("https://", "is not a URL"),
    ] {
        let error = public_origin(url).unwrap_err();
        assert!(error.contains(says), "{url}: {error}");
        assert!(error.contains("e.g. https://portal.example.org"), "{error}");
    }
}

// The real portal, and real proxies in front of it.

/// The shipped proxies let through what the portal takes, and wait as long as it does.
#[test]
fn the_shipped_configurations_match_the_portals_limits() {
    // The upload form's limit: its files and the rest of the form (web.rs).
    let largest_kib = (MAX_UPLOAD_BYTES + 64 * 1024) / 1024;
    let head = HEADER_READ_TIMEOUT.as_secs();
    let request = REQUEST_TIMEOUT.as_secs();
    for (file, settings) in [
        (
            "deploy/Caddyfile",
            vec![
                format!("int({{header.Content-Length}}) > {}", largest_kib * 1024),
                format!("max_size {largest_kib}KiB"),
                format!("read_header {head}s"),
                format!("read_body {request}s"),
            ],
        ),
        (
            "deploy/nginx.conf",
            vec![
                format!("client_max_body_size {largest_kib}k;"),
                format!("client_header_timeout {head}s;"),
                format!("client_body_timeout {request}s;"),
            ],
        ),
    ] {
        let text = shipped(file);
        for setting in settings {
            assert!(text.contains(&setting), "{file} should say {setting:?}");
        }
    }
}

/// Failed logins from one client before the test gives up waiting for it to be throttled.
const MOST_TRIES: usize = 12;

/// How long a program may take to start before the test gives up.
const PATIENCE: Duration = Duration::from_secs(30);

/// Tries `ready` every 100 ms until it holds or the patience runs out.
fn poll(mut ready: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if ready() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    ready()
}

/// `portal serve` on a free port of 127.0.0.1, in a data folder of its own, with `flags`.
struct PortalServer {
    _dir: tempfile::TempDir,
    port: u16,
    /// Killed when dropped.
    _process: Running,
    member_password: String,
    admin_password: String,
}

impl PortalServer {
    fn start(flags: &[&str]) -> PortalServer {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .current_dir(dir.path())
            .env("PORTAL_DATA_DIR", dir.path().join("data"))
            .env("PORTAL_INDEX_DIR", dir.path().join("index"))
            .env_remove("RUST_LOG")
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(flags);
        let mut process = Running::start(command);
        let ready = poll(|| process.stdout().contains("listening on"));
        process.still_running().unwrap();
        assert!(ready, "the portal did not start: {}", process.stderr());
        let shown = process.stdout();
        let password = |prefix: &str| {
            shown
                .lines()
                .find_map(|line| line.trim().strip_prefix(prefix))
                .unwrap_or_else(|| panic!("no {prefix:?} in {shown}"))
                .to_string()
        };
        PortalServer {
            member_password: password("Member access password: "),
            admin_password: password("Admin account 'admin' password: "),
            _dir: dir,
            port,
            _process: process,
        }
    }
}

/// An answer as curl gave it.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    body: String,
    /// curl's complaint when the exchange did not end cleanly (a server may answer before it
    /// has read a request, and then reset the stream: HTTP/2 allows it).
    cut_off: Option<String>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `name=value` of the cookie the answer sets.
    fn cookie(&self) -> &str {
        let set = self
            .header("set-cookie")
            .unwrap_or_else(|| panic!("no cookie set: {self:?}"));
        set.split(';').next().unwrap()
    }

    /// The CSRF token of the page's first form.
    fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = start + self.body[start..].find('"').unwrap();
        self.body[start..end].to_string()
    }
}

/// curl from a chosen loopback address to `base` (`https://127.0.0.1:PORT` or `http://…`),
/// trusting the CA certificate `ca` when given.
struct Client {
    base: String,
    ca: Option<PathBuf>,
}

impl Client {
    fn send(
        &self,
        from: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Answer {
        let body = (!form.is_empty()).then(|| serde_urlencoded::to_string(form).unwrap());
        let data: Vec<&str> = body.iter().flat_map(|b| ["--data", b.as_str()]).collect();
        let answer = self.send_with(from, method, path, headers, &data);
        if let Some(complaint) = &answer.cut_off {
            panic!("{complaint}");
        }
        answer
    }

    fn send_with(
        &self,
        from: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        extra: &[&str],
    ) -> Answer {
        let mut command = Command::new("curl");
        command
            .args(["--silent", "--show-error", "--include", "--noproxy", "*"])
            .args(["--max-time", "30", "--interface", from, "--request", method]);
        if let Some(ca) = &self.ca {
            command.arg("--cacert").arg(ca);
        }
        for (name, value) in headers {
            command.args(["--header", &format!("{name}: {value}")]);
        }
        command.args(extra);
        let output = command
            .arg(format!("{}{path}", self.base))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let cut_off = (!output.status.success()).then(|| {
            format!(
                "curl {method} {path} from {from}: {}{text}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {text} {cut_off:?}"));
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: body.to_string(),
            cut_off,
        }
    }

    fn get(&self, from: &str, path: &str, cookie: Option<&str>) -> Answer {
        let cookie: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
        self.send(from, "GET", path, &cookie, &[])
    }

    /// A form posted as a browser on the portal's own pages posts it: its Origin is the
    /// public URL.
    fn post(&self, from: &str, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Answer {
        self.post_from_origin(from, path, cookie, form, &self.base)
    }

    fn post_from_origin(
        &self,
        from: &str,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
        origin: &str,
    ) -> Answer {
        let mut headers = vec![("Origin", origin), ("Sec-Fetch-Site", "same-origin")];
        headers.extend(cookie.map(|c| ("Cookie", c)));
        self.send(from, "POST", path, &headers, form)
    }
}

/// Replaces `from` (which must be there) everywhere in a shipped configuration.
fn substitute(text: String, file: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "{file} no longer contains {from:?}: update tests/proxy.rs to match it"
    );
    text.replace(from, to)
}

fn shipped(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Logs in through the proxy at `client.base`, which fronts `portal`, as a browser would from
/// several loopback addresses, and checks what the portal makes of each client.
fn log_in_through_the_proxy(client: &Client, portal: &PortalServer) {
    let member = portal.member_password.as_str();
    // A member logs in: the cookie is Secure (and `__Host-`), as the proxy serves HTTPS.
    let login = client.post("127.0.0.4", "/login", None, &[("password", member)]);
    assert_eq!(login.status, 303, "{login:?}");
    let set = login.header("set-cookie").unwrap();
    assert!(set.starts_with("__Host-portal_session="), "{set}");
    assert!(set.contains("; Secure"), "{set}");
    assert!(
        login.header("strict-transport-security").is_some(),
        "{login:?}"
    );
    let cookie = login.cookie().to_string();

    // A form that needs the session's CSRF token, posted from the public origin, passes;
    // the same form from another origin does not.
    let page = client.get("127.0.0.4", "/", Some(&cookie));
    assert_eq!(page.status, 200, "{page:?}");
    let token = page.csrf();
    let foreign = client.post_from_origin(
        "127.0.0.4",
        "/logout",
        Some(&cookie),
        &[("csrf", &token)],
        "https://evil.example",
    );
    assert_eq!(foreign.status, 403, "{foreign:?}");
    // Following a search in a feed (a CSRF-protected form) gives an address under the public
    // URL, which works through the proxy.
    let feed = client.post(
        "127.0.0.4",
        "/feeds",
        Some(&cookie),
        &[
            ("csrf", &token),
            ("query", ""),
            ("label", "through the proxy"),
        ],
    );
    assert_eq!(feed.status, 200, "{feed:?}");
    let prefix = format!("{}/feeds/", client.base);
    let start = feed
        .body
        .find(&prefix)
        .unwrap_or_else(|| panic!("{}", feed.body))
        + prefix.len();
    let length = feed.body[start..]
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
        .unwrap();
    let path = format!("/feeds/{}", &feed.body[start..start + length]);
    let atom = client.get("127.0.0.6", &path, None);
    assert_eq!(atom.status, 200, "{path}: {atom:?}");
    assert!(atom.body.contains("<feed"), "{}", atom.body);
    let logout = client.post("127.0.0.4", "/logout", Some(&cookie), &[("csrf", &token)]);
    assert_eq!(logout.status, 303, "{logout:?}");
    let after = client.get("127.0.0.4", "/search", Some(&cookie));
    assert_eq!(after.status, 303, "the session has ended: {after:?}");

    // Client A fails until throttled (after three failures each wait doubles, so however
    // slow the machine a try soon falls inside one); client B, behind the same proxy, still
    // logs in.
    let mut statuses = Vec::new();
    while statuses.len() < MOST_TRIES && statuses.last() != Some(&429) {
        let attempt = client.post(
            "127.0.0.2",
            "/login",
            None,
            &[("password", "not it at all")],
        );
        statuses.push(attempt.status);
    }
    eprintln!("client A: {statuses:?}");
    let failed = statuses.iter().filter(|s| **s == 401).count();
    assert!(failed >= 3, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [401, 429].contains(s)),
        "{statuses:?}"
    );
    let b = client.post("127.0.0.3", "/login", None, &[("password", member)]);
    assert_eq!(b.status, 303, "client B is not held up by client A: {b:?}");

    // The login log names each client's own address, never the proxy's.
    let admin = client.post(
        "127.0.0.5",
        "/login",
        None,
        &[("admin", "admin"), ("password", &portal.admin_password)],
    );
    assert_eq!(admin.status, 303, "{admin:?}");
    let admin_cookie = admin.cookie().to_string();
    let page = client.get("127.0.0.5", "/admin", Some(&admin_cookie));
    assert_eq!(page.status, 200, "{page:?}");
    let logged = |address: &str| {
        page.body
            .matches(&format!("data-label=\"Address\">{address}<"))
            .count()
    };
    eprintln!(
        "login log: 127.0.0.2 ×{}, 127.0.0.3 ×{}, 127.0.0.4 ×{}, 127.0.0.5 ×{}, 127.0.0.1 ×{}",
        logged("127.0.0.2"),
        logged("127.0.0.3"),
        logged("127.0.0.4"),
        logged("127.0.0.5"),
        logged("127.0.0.1")
    );
    // Client A's checked failures (throttled tries are refused before the password is read,
    // and are not logged), B's and the member's login, the admin's.
    assert_eq!(logged("127.0.0.2"), failed, "{}", page.body);
    assert_eq!(logged("127.0.0.3"), 1);
    assert_eq!(logged("127.0.0.4"), 1);
    assert_eq!(logged("127.0.0.5"), 1);
    assert_eq!(
        logged("127.0.0.1"),
        0,
        "the proxy's address is never logged"
    );

    // The upload form's largest file reaches the portal through the proxy; a larger request
    // is refused by the proxy itself, before the portal reads it.
    let token = client
        .get("127.0.0.5", "/admin/queue", Some(&admin_cookie))
        .csrf();
    for (size, expected) in [
        (MAX_UPLOAD_BYTES, 303),
        (MAX_UPLOAD_BYTES + 128 * 1024, 413),
    ] {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "x".repeat(size)).unwrap();
        let cookie = format!("Cookie: {admin_cookie}");
        let origin = format!("Origin: {}", client.base);
        let csrf = format!("csrf={token}");
        let upload = format!("file=@{};filename=big.txt", file.path().display());
        let answer = client.send_with(
            "127.0.0.5",
            "POST",
            "/admin/upload",
            &[],
            &[
                "--header", &cookie, "--header", &origin, "--header", "Expect:", "--form", &csrf,
                "--form", &upload,
            ],
        );
        eprintln!(
            "a file of {size} bytes through the proxy: {} {:?} {}",
            answer.status,
            answer.header("server"),
            answer.body.chars().take(200).collect::<String>()
        );
        assert_eq!(answer.status, expected, "{size} bytes: {answer:?}");
        if expected == 413 {
            // Refused before it was read: the stream may be reset after the answer.
            assert!(
                !answer.body.contains("Cooperation Portal"),
                "{}",
                answer.body
            );
        } else {
            assert_eq!(answer.cut_off, None);
        }
    }

    // Without a session the portal refuses an upload before reading it; its answer must still
    // reach the client through the proxy (once nginx's 502: the portal closed the connection
    // with the body unread, and the reset lost the answer).
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "x".repeat(MAX_UPLOAD_BYTES)).unwrap();
    let origin = format!("Origin: {}", client.base);
    let upload = format!("file=@{};filename=big.txt", file.path().display());
    let answer = client.send_with(
        "127.0.0.5",
        "POST",
        "/admin/upload",
        &[],
        &[
            "--header",
            &origin,
            "--header",
            "Expect:",
            "--form",
            "csrf=none",
            "--form",
            &upload,
        ],
    );
    eprintln!(
        "an upload without a session through the proxy: {} {}",
        answer.status,
        answer.body.chars().take(200).collect::<String>()
    );
    assert!(
        matches!(answer.status, 303 | 403),
        "the portal's refusal did not reach the client: {answer:?}"
    );
}

/// Whether `client` gets the login page through the proxy yet.
fn answers(client: &Client) -> bool {
    let mut command = Command::new("curl");
    command.args(["--silent", "--output", "/dev/null", "--noproxy", "*"]);
    command.args(["--max-time", "5", "--write-out", "%{http_code}"]);
    if let Some(ca) = &client.ca {
        command.arg("--cacert").arg(ca);
    }
    let output = command.arg(format!("{}/login", client.base)).output();
    output.is_ok_and(|o| o.stdout == b"200")
}

#[test]
#[ignore = "needs caddy and curl: scripts/test installs them"]
fn caddy_from_deploy_fronts_the_portal_over_https_and_the_portal_sees_each_client() {
    tools::require(&[CADDY, CURL]);
    let caddy_port = free_port();
    let base = format!("https://127.0.0.1:{caddy_port}");
    let portal = PortalServer::start(&["--trusted-proxy", "127.0.0.1", "--public-url", &base]);

    // The shipped Caddyfile, for this machine: its own ports, a certificate from Caddy's
    // internal CA, listening on 127.0.0.1 only, no admin endpoint, everything Caddy stores in a
    // temporary folder.
    let home = tempfile::tempdir().unwrap();
    let file = "deploy/Caddyfile";
    let mut config = shipped(file);
    config = substitute(
        config,
        file,
        "portal.example.org {",
        &format!("127.0.0.1:{caddy_port} {{\n\ttls internal"),
    );
    config = substitute(
        config,
        file,
        "127.0.0.1:8080",
        &format!("127.0.0.1:{}", portal.port),
    );
    config = substitute(
        config,
        file,
        "\n{\n",
        &format!(
            "\n{{\n\tadmin off\n\tdefault_bind 127.0.0.1\n\tskip_install_trust\n\thttp_port {}\n",
            free_port()
        ),
    );
    let caddyfile = home.path().join("Caddyfile");
    std::fs::write(&caddyfile, &config).unwrap();
    let mut command = Command::new("caddy");
    command
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"));
    let mut caddy = Running::start(command);
    let client = Client {
        base,
        ca: Some(
            home.path()
                .join("data/caddy/pki/authorities/local/root.crt"),
        ),
    };
    let ready = poll(|| client.ca.as_ref().unwrap().exists() && answers(&client));
    caddy.still_running().unwrap();
    assert!(ready, "caddy did not serve the portal: {}", caddy.stderr());

    log_in_through_the_proxy(&client, &portal);
    caddy.still_running().unwrap();
}

#[test]
#[ignore = "needs nginx, openssl and curl: scripts/test installs them"]
fn nginx_from_deploy_fronts_the_portal_over_https_and_the_portal_sees_each_client() {
    tools::require(&[NGINX, OPENSSL, CURL]);
    let nginx_port = free_port();
    let base = format!("https://127.0.0.1:{nginx_port}");
    let portal = PortalServer::start(&["--trusted-proxy", "127.0.0.1", "--public-url", &base]);

    // A certificate for 127.0.0.1, its own CA.
    let prefix = tempfile::tempdir().unwrap();
    let (certificate, key) = (
        prefix.path().join("cert.pem"),
        prefix.path().join("key.pem"),
    );
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&certificate)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    // The shipped site, for this machine: its own ports and certificate, inside a main
    // configuration that keeps everything nginx writes in the temporary folder.
    let file = "deploy/nginx.conf";
    let mut site = shipped(file);
    for (from, to) in [
        ("listen 80;", format!("listen 127.0.0.1:{};", free_port())),
        ("listen [::]:80;", String::new()),
        (
            "listen 443 ssl;",
            format!("listen 127.0.0.1:{nginx_port} ssl;"),
        ),
        ("listen [::]:443 ssl;", String::new()),
        ("127.0.0.1:8080", format!("127.0.0.1:{}", portal.port)),
        (
            "/etc/letsencrypt/live/portal.example.org/fullchain.pem",
            certificate.display().to_string(),
        ),
        (
            "/etc/letsencrypt/live/portal.example.org/privkey.pem",
            key.display().to_string(),
        ),
    ] {
        site = substitute(site, file, from, &to);
    }
    let dir = prefix.path().display();
    std::fs::write(prefix.path().join("portal.conf"), site).unwrap();
    let main = format!(
        "daemon off;\nmaster_process off;\npid {dir}/nginx.pid;\nerror_log stderr;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  \
         proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fastcgi;\n  \
         uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n  \
         include {dir}/portal.conf;\n}}\n"
    );
    let main_path = prefix.path().join("nginx.conf");
    std::fs::write(&main_path, main).unwrap();
    let mut command = Command::new("/usr/sbin/nginx");
    command
        .arg("-p")
        .arg(prefix.path())
        .arg("-c")
        .arg(&main_path)
        .args(["-e", "stderr"]);
    let mut nginx = Running::start(command);
    let client = Client {
        base,
        ca: Some(certificate),
    };
    let ready = poll(|| answers(&client));
    nginx.still_running().unwrap();
    assert!(ready, "nginx did not serve the portal: {}", nginx.stderr());

    log_in_through_the_proxy(&client, &portal);
    nginx.still_running().unwrap();
}

/// An HTTP/1.1 request straight to the portal, from 127.0.0.1, read whole.
fn send_directly(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn headers_sent_straight_to_the_portal_by_a_peer_it_does_not_trust_are_ignored() {
    // Only 127.0.0.9 is trusted; these requests come from 127.0.0.1.
    let portal = PortalServer::start(&["--trusted-proxy", "127.0.0.9"]);
    let login = |password: &str, named: &str| {
        let body = serde_urlencoded::to_string([("password", password)]).unwrap();
        send_directly(
            portal.port,
            &format!(
                "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
                 X-Forwarded-For: {named}\r\nX-Forwarded-Proto: https\r\n\
                 Forwarded: for={named};proto=https\r\n\r\n{body}",
                portal.port,
                body.len()
            ),
        )
    };
    let cookie_of = |answer: &str| {
        let line = answer
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .unwrap_or_else(|| panic!("no cookie set: {answer}"));
        line.split(';').next().unwrap().to_string()
    };
    let member = portal.member_password.clone();
    let answer = login(&member, "198.51.100.1");
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("set-cookie: portal_session="), "{answer}");
    assert!(!lower.contains("secure"), "{answer}");
    assert!(!lower.contains("strict-transport-security"), "{answer}");
    // The admin logs in first (a throttled address could not).
    let body =
        serde_urlencoded::to_string([("admin", "admin"), ("password", &portal.admin_password)])
            .unwrap();
    let admin = send_directly(
        portal.port,
        &format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            portal.port,
            body.len()
        ),
    );
    assert!(admin.starts_with("HTTP/1.1 303"), "{admin}");
    let admin_cookie = cookie_of(&admin);
    // Each failure names another address; all count against the peer's own.
    // (After three failures each wait doubles: however slow the machine, a try soon falls
    // inside one.)
    let mut failed = 0;
    let mut throttled = false;
    for n in 2..2 + MOST_TRIES {
        let answer = login("not it at all", &format!("198.51.100.{n}"));
        if answer.starts_with("HTTP/1.1 429") {
            throttled = true;
            break;
        }
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        failed += 1;
    }
    assert!(
        throttled && failed >= 3,
        "{failed} failures, never throttled"
    );
    // The login log names the peer, never an address it named.
    let page = send_directly(
        portal.port,
        &format!(
            "GET /admin HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Cookie: {admin_cookie}\r\n\r\n",
            portal.port
        ),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert_eq!(
        page.matches("data-label=\"Address\">127.0.0.1<").count(),
        2 + failed,
        "{page}"
    );
    assert!(!page.contains("198.51.100."), "{page}");
}

#[test]
fn a_public_url_that_is_not_an_http_address_stops_the_start_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_portal"))
        .env("PORTAL_DATA_DIR", dir.path().join("data"))
        .env("PORTAL_INDEX_DIR", dir.path().join("index"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--public-url",
            "portal.example.org",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("--public-url: \"portal.example.org\" is not a URL"),
        "{error}"
    );
}
