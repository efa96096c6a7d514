//! `portal`: the command line. Parses arguments and calls one function per subcommand.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            // One clear line: the error and its causes.
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("portal: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}
