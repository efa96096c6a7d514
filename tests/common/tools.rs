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

/// moto's S3 server (`python3 -m moto.server`), with boto3.
pub const MOTO: Tool = Tool::PythonModule {
    module: "moto.server, boto3",
    install: "pip install 'moto[server]'",
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
