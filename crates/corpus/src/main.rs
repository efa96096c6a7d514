//! `portal-corpus`: writes the benchmark corpus as JSON Lines, for `portal import` and the
//! engine comparison (`scripts/compare-engines`). Not part of the product: the portal binary
//! carries neither this command nor the corpus vocabulary.
//!
//! `cargo run --release -p portal-corpus -- --size 100000 --seed 1 --out c100k.jsonl`

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;

use portal_corpus::{CorpusOptions, default_now, generate};

/// Write the benchmark corpus as JSON Lines (to standard output or --out): fictitious
/// submissions with Zipf-distributed texts over the field's own words, for `portal import`.
#[derive(Debug, Parser)]
#[command(name = "portal-corpus", version, about)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    size: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut writer: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    // Generated for the corpus's fixed date, so that every run with the same size and seed
    // writes the same bytes.
    let options = CorpusOptions {
        size: args.size,
        seed: args.seed,
        now: default_now(),
    };
    for submission in generate(&options) {
        serde_json::to_writer(&mut writer, &submission)?;
        writer.write_all(b"\n")?;
    }
    writer.flush().context("cannot write the corpus")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_definitions_are_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
