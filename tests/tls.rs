//! HTTPS in the `portal serve` binary: certificate files (login over HTTPS with `__Host-`
//! Secure cookies and HSTS, the plain-HTTP redirect, reload on SIGHUP), and certificates over
//! ACME from Debian's Pebble, Let's Encrypt's test CA, validated by TLS-ALPN-01 against the
//! portal itself. The client is rustls, checking the server's certificate against the root the
//! test made (or Pebble's).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use common::process::{Running, free_port, poll};

/// How long the portal may take to start, or to show a new certificate, before the test gives
/// up.
const PATIENCE: Duration = Duration::from_secs(30);
/// How long an ACME order from Pebble may take before the test gives up.
const ACME_PATIENCE: Duration = Duration::from_secs(120);
/// How long Pebble's certificates are valid in the ACME test: the portal renews them once a
/// third of that remains.
const CERTIFICATE_VALIDITY: Duration = Duration::from_secs(60);

/// A certificate authority made for the test, and the certificates it issues.
struct Authority {
    certificate: rcgen::Certificate,
    key: KeyPair,
}

/// A certificate and its key, as PEM, with the certificate's DER to compare with what a
/// server presents.
struct Issued {
    cert_pem: String,
    key_pem: String,
    der: Vec<u8>,
}

impl Authority {
    fn new() -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Portal test CA");
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        Authority { certificate, key }
    }

    /// A server certificate for `names` (domain names or IP addresses).
    fn issue(&self, names: &[&str]) -> Issued {
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let key = KeyPair::generate().unwrap();
        let certificate = params
            .signed_by(&key, &self.certificate, &self.key)
            .unwrap();
        Issued {
            cert_pem: certificate.pem(),
            key_pem: key.serialize_pem(),
            der: certificate.der().to_vec(),
        }
    }

    fn pem(&self) -> String {
        self.certificate.pem()
    }

    fn roots(&self) -> RootCertStore {
        roots(&self.pem())
    }
}

fn roots(pem: &str) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(certificate.unwrap()).unwrap();
    }
    assert!(!roots.is_empty(), "no certificate in {pem}");
    roots
}

/// What an HTTPS request got: the response's head and body as text, and the certificate the
/// server presented.
struct Fetched {
    response: String,
    certificate: Vec<u8>,
}

impl Fetched {
    fn status(&self) -> u16 {
        self.response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {}", self.response))
    }

    /// The first header `name` (lower case), if any.
    fn header(&self, name: &str) -> Option<String> {
        let head = self.response.split("\r\n\r\n").next().unwrap_or_default();
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim().eq_ignore_ascii_case(name)).then(|| value.trim().to_string())
        })
    }
}

/// Sends `request` over TLS to 127.0.0.1:`port`, naming `server_name` and trusting `roots`
/// alone; an error says why (a certificate that does not verify, say).
fn https(
    port: u16,
    server_name: &str,
    roots: &RootCertStore,
    request: &str,
) -> Result<Fetched, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(server_name.to_string()).map_err(|e| e.to_string())?;
    let connection = ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let tcp = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = StreamOwned::new(connection, tcp);
    tls.write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    match tls.read_to_end(&mut response) {
        Ok(_) => {}
        // Servers may close without TLS's close_notify once a `Connection: close` response
        // is complete.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    let certificate = tls
        .conn
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|c| c.to_vec())
        .ok_or("no certificate presented")?;
    Ok(Fetched {
        response: String::from_utf8_lossy(&response).into_owned(),
        certificate,
    })
}

fn get(path: &str, host: &str, cookie: Option<&str>) -> String {
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n")
}

/// Plain HTTP: the response's head and body.
fn http(port: u16, request: &str) -> String {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    tcp.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    response
}

/// A temporary folder for the portal's data and index and the files the test writes.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn portal(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .current_dir(self.dir.path())
            .env("PORTAL_DATA_DIR", self.path("data"))
            .env("PORTAL_INDEX_DIR", self.path("index"))
            .env_remove("RUST_LOG");
        command
    }
}

/// Waits until `portal` says it is ready on `port`.
fn wait_for_portal(portal: &Running, port: u16) {
    let ready = poll(PATIENCE, || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() && portal.stdout().contains("listening on")
    });
    assert!(
        ready,
        "the portal did not start\nstdout: {}\nstderr: {}",
        portal.stdout(),
        portal.stderr()
    );
}

fn member_password(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("Member access password: "))
        .unwrap_or_else(|| panic!("no member password shown: {stdout}"))
        .to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn with_certificate_files_members_log_in_over_https_and_a_new_certificate_is_served_after_sighup() {
    let folder = Folder::new();
    let authority = Authority::new();
    let first = authority.issue(&["localhost", "127.0.0.1"]);
    let cert = folder.write("cert.pem", &first.cert_pem);
    let key = folder.write("key.pem", &first.key_pem);
    let (port, http_port) = (free_port(), free_port());
    let public = format!("https://localhost:{port}");
    let mut command = folder.portal();
    command.args([
        "serve",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--http-addr",
        &format!("127.0.0.1:{http_port}"),
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
        "--public-url",
        &public,
    ]);
    let portal = Running::start(command);
    wait_for_portal(&portal, port);
    assert!(
        portal
            .stdout()
            .contains(&format!("https://127.0.0.1:{port}/")),
        "{}",
        portal.stdout()
    );
    let roots = authority.roots();
    let host = format!("localhost:{port}");

    // The login: a Secure, __Host- session cookie with Path=/ and no Domain.
    let password = member_password(&portal.stdout());
    let body = format!("password={password}");
    let login = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = https(port, "localhost", &roots, &login).unwrap();
    assert_eq!(answer.certificate, first.der);
    assert_eq!(answer.status(), 303, "{}", answer.response);
    let set_cookie = answer.header("set-cookie").unwrap();
    assert!(
        set_cookie.starts_with("__Host-portal_session="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/;"), "{set_cookie}");
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "{set_cookie}"
    );
    assert_eq!(
        answer.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    let cookie = set_cookie.split(';').next().unwrap();
    let search = https(
        port,
        "localhost",
        &roots,
        &get("/search", &host, Some(cookie)),
    )
    .unwrap();
    assert_eq!(search.status(), 200, "{}", search.response);
    assert!(search.header("strict-transport-security").is_some());
    // Without the cookie, the same page sends a browser to the login page.
    let anonymous = https(port, "localhost", &roots, &get("/search", &host, None)).unwrap();
    assert_ne!(anonymous.status(), 200, "{}", anonymous.response);

    // Plain HTTP: a permanent redirect to the public https:// address, whatever Host says.
    let redirected = http(
        http_port,
        &get("/search?q=demining", "elsewhere.example", None),
    );
    assert!(redirected.starts_with("HTTP/1.1 308"), "{redirected}");
    assert!(
        redirected.contains(&format!("location: {public}/search?q=demining\r\n")),
        "{redirected}"
    );

    // New files and SIGHUP: new connections get the new certificate.
    let renewed = authority.issue(&["localhost", "127.0.0.1"]);
    folder.write("cert.pem", &renewed.cert_pem);
    folder.write("key.pem", &renewed.key_pem);
    portal.signal("HUP");
    let swapped = poll(PATIENCE, || {
        https(port, "localhost", &roots, &get("/", &host, None))
            .is_ok_and(|fetched| fetched.certificate == renewed.der)
    });
    assert!(
        swapped,
        "still the old certificate\nstderr: {}",
        portal.stderr()
    );

    // A bad new file is reported by name, and the certificate served stays.
    folder.write("cert.pem", "not a certificate\n");
    portal.signal("HUP");
    let reported = poll(PATIENCE, || {
        portal.stderr().contains("cert.pem: no certificate in it")
    });
    assert!(reported, "stderr: {}", portal.stderr());
    let still = https(port, "localhost", &roots, &get("/", &host, None)).unwrap();
    assert_eq!(still.certificate, renewed.der);
    assert_eq!(still.status(), 200);
}

#[test]
fn bad_certificate_files_stop_the_start_naming_the_file_before_anything_is_bound() {
    let folder = Folder::new();
    let authority = Authority::new();
    let issued = authority.issue(&["localhost"]);
    let other = authority.issue(&["localhost"]);
    let cert = folder.write("cert.pem", &issued.cert_pem);
    let key = folder.write("key.pem", &issued.key_pem);
    let wrong_key = folder.write("other-key.pem", &other.key_pem);
    let port = free_port();
    let refused = |cert: &str, key: &str, expected: &str| {
        let output = folder
            .portal()
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--tls-cert", cert, "--tls-key", key])
            .output()
            .unwrap();
        assert!(!output.status.success());
        let said = stderr(&output);
        assert!(said.contains(expected), "expected {expected:?} in {said}");
        assert!(!folder.path("data").join("portal.redb").exists(), "{said}");
    };
    refused(&key, &key, &format!("{key}: no certificate in it"));
    refused(&cert, &cert, &format!("{cert}: no private key in it"));
    refused(
        &cert,
        &wrong_key,
        "the private key does not belong to the certificate",
    );
    let missing = folder.path("missing.pem");
    refused(
        missing.to_str().unwrap(),
        &key,
        &format!("{}: cannot read it", missing.display()),
    );
    let output = folder
        .portal()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--http-addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--http-addr redirects to HTTPS"));
}

/// What a read on a connection the client keeps silent on returns: closed by the server, or
/// still open when the test's patience ran out.
fn closed_by_server(read: std::io::Result<usize>) -> bool {
    match read {
        // The end, or a last answer (a time-out response) before the end.
        Ok(_) => true,
        Err(error) => !matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn a_client_silent_in_the_handshake_or_before_its_request_is_let_go() {
    let folder = Folder::new();
    let authority = Authority::new();
    let issued = authority.issue(&["localhost"]);
    let cert = folder.write("cert.pem", &issued.cert_pem);
    let key = folder.write("key.pem", &issued.key_pem);
    let port = free_port();
    let mut command = folder.portal();
    command.args(["serve", "--addr", &format!("127.0.0.1:{port}")]);
    command.args(["--tls-cert", &cert, "--tls-key", &key]);
    let portal = Running::start(command);
    wait_for_portal(&portal, port);

    // One connection sends nothing at all; the other completes the handshake and then sends
    // nothing.
    let started = Instant::now();
    let mut silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    silent.set_read_timeout(Some(PATIENCE)).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(authority.roots())
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let mut connection = ClientConnection::new(Arc::new(config), name).unwrap();
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    while connection.is_handshaking() {
        connection.complete_io(&mut tcp).unwrap();
    }
    let mut idle = StreamOwned::new(connection, tcp);

    let mut byte = [0u8; 1];
    assert!(
        closed_by_server(silent.read(&mut byte)),
        "a connection without a handshake was kept open"
    );
    eprintln!(
        "a connection without a handshake closed after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        closed_by_server(idle.read(&mut byte)),
        "a connection without a request was kept open"
    );
    eprintln!(
        "a connection without a request closed after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The portal still answers.
    let fetched = https(
        port,
        "localhost",
        &authority.roots(),
        &get("/", "localhost", None),
    );
    assert_eq!(fetched.unwrap().status(), 200);
}

/// Pebble (Debian's package `pebble`) on 127.0.0.1 with its DNS from pebble-challtestsrv (the
/// same package), which answers every name with 127.0.0.1: so Pebble validates the portal's
/// TLS-ALPN-01 challenge over a real connection, as Let's Encrypt would.
struct Pebble {
    _dns: Running,
    pebble: Running,
    directory: String,
    /// The CA of Pebble's own HTTPS (made by the test), for `--acme-directory-ca`.
    api_ca: String,
    api_roots: RootCertStore,
    management_port: u16,
}

impl Pebble {
    /// Pebble validating on the portal's ports, issuing certificates valid for `validity`.
    fn start(folder: &Folder, tls_port: u16, http_port: u16, validity: Duration) -> Pebble {
        let (dns_port, dns_management) = (free_port(), free_port());
        let mut dns = Command::new("pebble-challtestsrv");
        dns.args([
            "-dns01",
            &format!("127.0.0.1:{dns_port}"),
            "-management",
            &format!("127.0.0.1:{dns_management}"),
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-defaultIPv4",
            "127.0.0.1",
            "-defaultIPv6",
            "",
        ]);
        let dns = Running::start(dns);
        let authority = Authority::new();
        let api = authority.issue(&["127.0.0.1", "localhost"]);
        let (port, management_port) = (free_port(), free_port());
        let config = serde_json::json!({
            "pebble": {
                "listenAddress": format!("127.0.0.1:{port}"),
                "managementListenAddress": format!("127.0.0.1:{management_port}"),
                "certificate": folder.write("pebble-cert.pem", &api.cert_pem),
                "privateKey": folder.write("pebble-key.pem", &api.key_pem),
                "httpPort": http_port,
                "tlsPort": tls_port,
                "ocspResponderURL": "",
                "externalAccountBindingRequired": false,
                "certificateValidityPeriod": validity.as_secs()
            }
        });
        let config = folder.write("pebble.json", &config.to_string());
        let mut command = Command::new("pebble");
        command
            .args([
                "-config",
                &config,
                "-dnsserver",
                &format!("127.0.0.1:{dns_port}"),
            ])
            // No random wait of up to 15 s before each validation; the validation itself
            // still happens (PEBBLE_VA_ALWAYS_VALID is not set).
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env_remove("PEBBLE_VA_ALWAYS_VALID");
        let pebble = Running::start(command);
        let up = poll(PATIENCE, || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
                && TcpStream::connect(("127.0.0.1", management_port)).is_ok()
                && TcpStream::connect(("127.0.0.1", dns_port)).is_ok()
        });
        assert!(
            up,
            "pebble did not start\n{}\n{}",
            pebble.stderr(),
            dns.stderr()
        );
        Pebble {
            _dns: dns,
            pebble,
            directory: format!("https://127.0.0.1:{port}/dir"),
            api_ca: folder.write("pebble-api-ca.pem", &authority.pem()),
            api_roots: authority.roots(),
            management_port,
        }
    }

    /// The root Pebble issues under (it makes a new one at each start).
    fn issuing_root(&self) -> RootCertStore {
        let request = get("/roots/0", "127.0.0.1", None);
        let fetched = https(self.management_port, "127.0.0.1", &self.api_roots, &request)
            .unwrap_or_else(|e| panic!("pebble's management interface: {e}"));
        assert_eq!(fetched.status(), 200, "{}", fetched.response);
        let body = fetched.response.split("\r\n\r\n").nth(1).unwrap();
        roots(body)
    }
}

#[test]
#[ignore = "needs pebble: scripts/test installs it (Debian package pebble)"]
fn with_acme_the_portal_serves_a_certificate_from_pebble_and_keeps_it_for_restarts() {
    let folder = Folder::new();
    let (port, http_port) = (free_port(), free_port());
    // Certificates valid for a minute, so that the portal renews one while the test watches.
    let pebble = Pebble::start(&folder, port, http_port, CERTIFICATE_VALIDITY);
    let domain = "portal.test";
    let serve = || {
        let mut command = folder.portal();
        command.args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--http-addr",
            &format!("127.0.0.1:{http_port}"),
            "--acme-domain",
            domain,
            "--acme-contact",
            "mailto:isu@example.org",
            "--acme-directory",
            &pebble.directory,
            "--acme-directory-ca",
            &pebble.api_ca,
        ]);
        command
    };
    let started = Instant::now();
    let mut portal = Running::start(serve());
    wait_for_portal(&portal, port);
    let roots = pebble.issuing_root();
    let host = domain.to_string();
    let mut last_error = String::new();
    let mut served = None;
    let issued = poll(ACME_PATIENCE, || {
        match https(port, domain, &roots, &get("/", &host, None)) {
            Ok(fetched) => served = Some(fetched),
            Err(error) => last_error = error,
        }
        served.is_some()
    });
    assert!(
        issued,
        "no certificate from Pebble: {last_error}\nportal: {}\npebble: {}",
        portal.stderr(),
        pebble.pebble.stdout()
    );
    eprintln!(
        "from `serve --acme-domain` to the first certificate from Pebble: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let served = served.unwrap();
    // Pebble validated the domain itself, over a connection to the portal.
    let log = pebble.pebble.stdout();
    assert!(log.contains("set VALID by completed challenge"), "{log}");
    assert_eq!(served.status(), 200, "{}", served.response);
    assert!(served.header("strict-transport-security").is_some());
    // The public address is the domain's: plain HTTP redirects there.
    let redirected = http(http_port, &get("/search", "127.0.0.1", None));
    assert!(
        redirected.contains(&format!("location: https://{domain}/search\r\n")),
        "{redirected}"
    );

    // The account key and the certificate are kept in the data folder, for its user alone.
    let kept: Vec<PathBuf> = std::fs::read_dir(folder.path("data").join("acme"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for path in &kept {
        assert_eq!(mode(path) & 0o077, 0, "{}", path.display());
    }

    // A restart serves the kept certificate without a new order.
    assert!(portal.terminate(PATIENCE).success(), "{}", portal.stderr());
    let portal = Running::start(serve());
    wait_for_portal(&portal, port);
    let again = poll(PATIENCE, || {
        https(port, domain, &roots, &get("/", &host, None))
            .is_ok_and(|fetched| fetched.certificate == served.certificate)
    });
    assert!(again, "not the kept certificate\n{}", portal.stderr());
    // The log is read on a thread of its own: give it time to arrive.
    let logged = poll(Duration::from_secs(10), || {
        portal
            .stderr()
            .contains("serving the certificate kept from the last order")
    });
    assert!(logged, "{}", portal.stderr());

    // Before it expires, the portal orders a new one and serves it, without a restart.
    let renewing = Instant::now();
    let renewed = poll(CERTIFICATE_VALIDITY + ACME_PATIENCE, || {
        https(port, domain, &roots, &get("/", &host, None))
            .is_ok_and(|fetched| fetched.certificate != served.certificate)
    });
    assert!(renewed, "not renewed\n{}", portal.stderr());
    eprintln!(
        "renewed while serving after {:.1} s more",
        renewing.elapsed().as_secs_f64()
    );
    // The log is read on a thread of its own: give it time to arrive.
    let logged = poll(Duration::from_secs(10), || {
        portal
            .stderr()
            .contains("serving a new certificate from the ACME CA")
    });
    assert!(logged, "{}", portal.stderr());
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode()
}
