//! Moving submissions in and out: `import`, `export`, and the demo content (written out or
//! loaded).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use portal::catalogue::{Catalogue, ImportOptions};
use portal::demo::{self, DemoOptions};
use portal::review;
use portal::submission::Submission;

use super::{FAILURE, SUCCESS, Streams, progress_bar};

pub(super) fn import(
    catalogue: &Catalogue,
    streams: &mut Streams,
    files: &[PathBuf],
    publish: bool,
) -> Result<u8> {
    let options = ImportOptions { publish };
    let mut report = review::IntakeReport::default();
    let progress = progress_bar(streams, Some(files.len() as u64), "importing");
    for file in files {
        if catalogue.is_stopping() {
            report.stopped = true;
            break;
        }
        if file.as_os_str() == "-" {
            review::import_input(
                catalogue,
                streams.input,
                "standard input",
                options,
                &mut report,
            );
        } else {
            review::import_path(catalogue, file, options, &mut report);
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    for line in &report.filed {
        writeln!(streams.out, "{line}")?;
    }
    if report.filed_not_listed > 0 {
        writeln!(
            streams.out,
            "… and {} more messages (`portal queue` lists what waits)",
            report.filed_not_listed
        )?;
    }
    for (location, problem) in &report.problems {
        writeln!(streams.err, "{location}: {problem}")?;
    }
    for (location, warning) in &report.warnings {
        writeln!(streams.err, "{location}: warning: {warning}")?;
    }
    writeln!(
        streams.out,
        "{} stored, {} updated, {} duplicates, {} waiting for review of an update or renewal, {} need attention, {} not stored",
        report.stored,
        report.updated,
        report.duplicates,
        report.waiting,
        report.needs_attention,
        report
            .problems
            .len()
            .saturating_sub(report.needs_attention as usize)
    )?;
    if report.stopped {
        writeln!(
            streams.err,
            "The import stopped early because the portal is stopping: what is counted above is \
             stored; run the same import again to add the rest (what is already stored counts as \
             duplicates)."
        )?;
    }
    Ok(if report.failed_to_store || report.stopped {
        FAILURE
    } else {
        SUCCESS
    })
}

pub(super) fn export(
    catalogue: &Catalogue,
    streams: &mut Streams,
    out: Option<&Path>,
) -> Result<u8> {
    match out {
        Some(path) => {
            // Write to a temporary file and rename, so a failed export never leaves half a file.
            let temporary = path.with_extension("jsonl.tmp");
            let file = File::create(&temporary)
                .with_context(|| format!("cannot create {}", temporary.display()))?;
            let mut writer = BufWriter::new(file);
            let count = catalogue.export(&mut writer)?;
            writer.flush()?;
            std::fs::rename(&temporary, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                streams.err,
                "exported {count} submissions to {}",
                path.display()
            )?;
        }
        None => {
            catalogue.export(&mut *streams.out)?;
        }
    }
    Ok(SUCCESS)
}

pub fn write_demo(
    streams: &mut Streams,
    count: usize,
    seed: u64,
    out: Option<&Path>,
) -> Result<u8> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    write_json_lines(streams, demo::generate(&options), out)
}

pub(super) fn write_json_lines(
    streams: &mut Streams,
    submissions: impl Iterator<Item = Submission>,
    out: Option<&Path>,
) -> Result<u8> {
    let mut file;
    let writer: &mut dyn Write = match out {
        Some(path) => {
            file = BufWriter::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            );
            &mut file
        }
        None => &mut *streams.out,
    };
    for submission in submissions {
        serde_json::to_writer(&mut *writer, &submission)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    Ok(SUCCESS)
}

/// Loads `count` fictitious demo submissions (`demo --load`, `serve --demo N`).
pub fn load_demo(
    catalogue: &Catalogue,
    data_dir: &Path,
    streams: &mut Streams,
    count: usize,
    seed: u64,
) -> Result<u8> {
    let options = DemoOptions {
        count,
        seed,
        now: start_of_today(),
    };
    let records = demo::generate(&options)
        .enumerate()
        .map(|(i, mut submission)| {
            submission.provenance.file = Some(format!("seed {seed} record {}", i + 1));
            portal::catalogue::IncomingRecord {
                location: format!("demo record {}", i + 1),
                record: Ok(submission.into()),
            }
        });
    let progress = progress_bar(streams, Some(count as u64), "loading demo content");
    let report = catalogue.import(records, ImportOptions { publish: false }, &mut |n| {
        progress.set_position(n)
    })?;
    progress.finish_and_clear();
    for (location, error) in &report.rejected {
        writeln!(streams.err, "{location}: {error}")?;
    }
    let out = &mut *streams.out;
    writeln!(
        out,
        "Loaded {} fictitious demo submissions ({} updated, {} unchanged) into {}.",
        report.stored,
        report.updated,
        report.duplicates,
        data_dir.display()
    )?;
    writeln!(out, "Try:  portal search \"risk education\" --country Laos")?;
    writeln!(
        out,
        "      portal search --kind offer --area victim-assistance --sort amount"
    )?;
    writeln!(out, "      portal stats")?;
    Ok(SUCCESS)
}

/// Midnight UTC today: demo content made on the same day is the same.
pub(super) fn start_of_today() -> chrono::DateTime<chrono::Utc> {
    let today = chrono::Utc::now().date_naive();
    today.and_time(chrono::NaiveTime::MIN).and_utc()
}
