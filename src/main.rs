//! `portal`: the command line. Parses arguments and calls one function per subcommand.

mod cli;
mod control;
mod server;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: under a long-running `serve` with imports, glibc's
/// per-thread arenas kept freed memory and the resident size grew (found by
/// `scripts/soak-test`); mimalloc hands freed pages back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            // One clear line: the error and its causes.
            eprintln!("{}", cli::error_line(&error));
            ExitCode::FAILURE
        }
    }
}
