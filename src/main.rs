//! `portal`: the command line. Parses arguments and calls one function per subcommand.

mod cli;
mod control;
mod server;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator (see `portal::Allocator`).
#[global_allocator]
static ALLOCATOR: portal::Allocator = portal::Allocator {};

fn main() -> ExitCode {
    // Whatever the portal writes (database, index, outbox, backups, exports) is its user's alone.
    portal::permissions::restrict_new_files();
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
