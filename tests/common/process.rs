//! The `portal` binary as a user runs it: commands on a data folder, and `portal serve` as a
//! child process that is stopped with SIGTERM (or killed when the test fails).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A data folder and an index folder in a temporary folder, and the environment every command
/// on them gets.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Site {
    pub fn new() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
            env: Vec::new(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .current_dir(self.dir.path())
            .env("PORTAL_DATA_DIR", self.path("data"))
            .env("PORTAL_INDEX_DIR", self.path("index"))
            .env_remove("RUST_LOG")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    pub fn portal(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn succeeds(&self, args: &[&str]) -> String {
        let output = self.portal(args);
        assert!(
            output.status.success(),
            "portal {args:?}\nstdout: {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    }

    /// Runs a command that must fail; returns its standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.portal(args);
        assert!(
            !output.status.success(),
            "portal {args:?} succeeded\nstdout: {}",
            text(&output.stdout)
        );
        text(&output.stderr)
    }

    /// Every submission as `portal export` writes it.
    pub fn export(&self) -> String {
        self.succeeds(&["export"])
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `portal serve`, killed when dropped (also when the test fails).
pub struct Server {
    child: Child,
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// `portal serve` on a free port with `flags`, once it says it is ready.
    pub fn start(site: &Site, flags: &[&str]) -> Server {
        let port = free_port();
        let mut child = site
            .command()
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let server = Server {
            child,
            port,
            stdout,
            stderr,
        };
        let ready = poll(Duration::from_secs(60), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
                && server.stdout().contains("listening on")
        });
        assert!(
            ready,
            "the portal did not start\nstdout: {}\nstderr: {}",
            server.stdout(),
            server.stderr()
        );
        server
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops it with SIGTERM and waits for it to end; it must end well.
    pub fn terminate(mut self) -> String {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let mut status = None;
        poll(Duration::from_secs(60), || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        let status =
            status.unwrap_or_else(|| panic!("the portal did not stop\nstderr: {}", self.stderr()));
        assert!(status.success(), "{status}\nstderr: {}", self.stderr());
        self.stderr()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `pipe` to its end on a thread of its own, so the child never blocks on a full pipe;
/// what it has read so far is in the returned text.
pub fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let writer = text.clone();
    thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            writer
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    text
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Tries `ready` every 100 ms until it holds or `patience` runs out.
pub fn poll(patience: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < patience {
        if ready() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    ready()
}

/// Copies a folder (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Any program the tests start (the portal, a proxy, a CA): its output collected, killed when
/// dropped (also when the test fails).
pub struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    pub fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends it the signal `name` (`TERM`, `HUP`).
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Whether it is still running, or what it said when it stopped.
    pub fn still_running(&mut self) -> Result<(), String> {
        match self.child.try_wait().unwrap() {
            None => Ok(()),
            Some(status) => Err(format!(
                "it stopped ({status})\nstdout: {}\nstderr: {}",
                self.stdout(),
                self.stderr()
            )),
        }
    }

    /// Stops it with SIGTERM and waits (up to `patience`) for it to end.
    pub fn terminate(&mut self, patience: Duration) -> std::process::ExitStatus {
        self.signal("TERM");
        let mut status = None;
        poll(patience, || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap_or_else(|| panic!("it did not stop\nstderr: {}", self.stderr()))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
