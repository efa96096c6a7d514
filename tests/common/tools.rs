//! Outside programs some tests need (a browser, Java, a mail server...). Such tests are
//! `#[ignore]`d with their reason, so plain `cargo test` lists them as ignored, never as passed;
//! `scripts/test` installs the programs and runs them with `--include-ignored`. A test that runs
//! while a program is missing fails with the command that installs it: it never returns early
//! and reports "ok".

use std::path::Path;
use std::process::Command;

/// Something a test needs, and how to get it.
pub enum Tool {
    /// A file that must exist (a program at a fixed path, an npm module's folder).
    File {
        path: &'static str,
        install: &'static str,
    },
    /// A Python module that `python3 -c 'import MODULE'` finds.
    PythonModule {
        module: &'static str,
        install: &'static str,
    },
    /// A program on the PATH that answers `program arg`.
    Program {
        program: &'static str,
        arg: &'static str,
        install: &'static str,
    },
}

impl Tool {
    fn missing(&self) -> Option<String> {
        match self {
            Tool::File { path, install } => {
                let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
                (!full.exists()).then(|| format!("{path} (install: {install})"))
            }
            Tool::PythonModule { module, install } => {
                let found = Command::new("python3")
                    .args(["-c", &format!("import {module}")])
                    .output()
                    .is_ok_and(|output| output.status.success());
                (!found).then(|| format!("python3 module {module} (install: {install})"))
            }
            Tool::Program {
                program,
                arg,
                install,
            } => {
                let answers = Command::new(program).arg(arg).output().is_ok();
                (!answers).then(|| format!("{program} (install: {install})"))
            }
        }
    }
}

/// Chromium as Debian installs it.
pub const CHROMIUM: Tool = Tool::File {
    path: "/usr/bin/chromium",
    install: "apt-get install chromium",
};
pub const NODE: Tool = Tool::Program {
    program: "node",
    arg: "--version",
    install: "apt-get install nodejs npm",
};
pub const JAVA: Tool = Tool::Program {
    program: "java",
    arg: "-version",
    install: "apt-get install default-jre-headless",
};
/// Prometheus's own checker of its text format (Debian's package prometheus).
pub const PROMTOOL: Tool = Tool::Program {
    program: "promtool",
    arg: "--version",
    install: "apt-get install prometheus",
};
pub const PLAYWRIGHT: Tool = Tool::File {
    path: "tests/browser/node_modules/playwright-core",
    install: "npm ci --prefix tests/browser --ignore-scripts",
};
pub const AXE: Tool = Tool::File {
    path: "tests/browser/node_modules/axe-core",
    install: "npm ci --prefix tests/browser --ignore-scripts",
};
pub const VNU: Tool = Tool::File {
    path: "tests/browser/node_modules/vnu-jar/build/dist/vnu.jar",
    install: "npm ci --prefix tests/browser --ignore-scripts",
};

/// Debian's Caddy, the reverse proxy of `deploy/Caddyfile`.
pub const CADDY: Tool = Tool::Program {
    program: "caddy",
    arg: "version",
    install: "apt-get install caddy",
};
/// Debian's nginx (in /usr/sbin, which a user's PATH may lack), the reverse proxy of
/// `deploy/nginx.conf`.
pub const NGINX: Tool = Tool::File {
    path: "/usr/sbin/nginx",
    install: "apt-get install nginx",
};
/// curl, a client that can bind to a chosen loopback address and trust a given CA.
pub const CURL: Tool = Tool::Program {
    program: "curl",
    arg: "--version",
    install: "apt-get install curl",
};
/// openssl, to make a certificate for a test's nginx.
pub const OPENSSL: Tool = Tool::Program {
    program: "openssl",
    arg: "version",
    install: "apt-get install openssl",
};
/// Debian's Dovecot IMAP server (in /usr/sbin), the ISU's mailbox in tests/mailbox.rs.
pub const DOVECOT: Tool = Tool::File {
    path: "/usr/sbin/dovecot",
    install: "apt-get install dovecot-imapd",
};
/// moto's S3 server (`python3 -m moto.server`), with boto3.
pub const MOTO: Tool = Tool::PythonModule {
    module: "moto.server, boto3",
    install: "pip install 'moto[server]'",
};

/// aiosmtpd's SMTP server (`tests/smtp-sink.py`), for the answers to senders.
pub const AIOSMTPD: Tool = Tool::PythonModule {
    module: "aiosmtpd.controller",
    install: "pip install aiosmtpd",
};

/// Fails the test, naming every missing tool and its install command, unless all are there.
pub fn require(tools: &[Tool]) {
    let missing: Vec<String> = tools.iter().filter_map(Tool::missing).collect();
    assert!(
        missing.is_empty(),
        "this test needs what is missing here: {}. `scripts/test` installs everything the tests \
         need and runs them all.",
        missing.join("; ")
    );
}
