//! Xapian through a helper process: `xapian_engine.py`, run with Debian's Python and its
//! python3-xapian (Xapian 1.4), receives the documents and the plans as JSON lines on its
//! standard input and answers on its standard output.
//!
//! A query's time is the helper's own measurement around Xapian's work (building the query,
//! `Enquire::get_mset` with an exact count where the class asks for one, the facet counts,
//! reading the stored records), not the round trip: the pipe and Python's JSON are not charged
//! to Xapian. The whole results page's records are decoded here, as the SQL peers decode
//! theirs, and that time is added. Load and reindex are wall-clock through the helper, so they
//! include the pipe and Python's JSON (the helper's own indexing time goes to standard error).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use portal::submission::Submission;
use serde::Deserialize;
use serde_json::json;

use crate::plan::{Plan, Row, funding_band};
use crate::{Outcome, folder_size};

/// Debian's interpreter, where Debian's python3-xapian imports.
const PYTHON: &str = "/usr/bin/python3";

pub struct Xapian {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
    dir: PathBuf,
    /// The database folder that answers the queries (a reindex builds the next one).
    generation: u32,
}

#[derive(Deserialize)]
struct Committed {
    docs: u64,
    seconds: f64,
}

#[derive(Deserialize)]
struct Answer {
    ms: f64,
    total: Option<u64>,
    hits: usize,
    records: Vec<String>,
}

impl Xapian {
    pub fn start(dir: &Path) -> Result<Xapian> {
        let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("xapian_engine.py");
        let mut child = Command::new(PYTHON)
            .arg(&helper)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {PYTHON} {}", helper.display()))?;
        let input = BufWriter::new(child.stdin.take().context("the helper's input")?);
        let output = BufReader::new(child.stdout.take().context("the helper's output")?);
        Ok(Xapian {
            child,
            input,
            output,
            dir: dir.to_path_buf(),
            generation: 0,
        })
    }

    fn database(&self, generation: u32) -> PathBuf {
        self.dir.join(format!("xapian-{generation}"))
    }

    /// Indexes every row into a fresh database, commits, and makes it the one queried.
    pub fn load(&mut self, rows: impl Iterator<Item = (Submission, String)>) -> Result<u64> {
        let next = self.generation + 1;
        let path = self.database(next);
        self.ask(&json!({"op": "begin", "path": path}))?;
        let mut done = 0u64;
        for (submission, record) in rows {
            done += 1;
            let row = Row {
                id: done as i64,
                submission: &submission,
                record,
            };
            let s = row.submission;
            let doc = json!({
                "id": row.id,
                "kind": row.kind(),
                "status": row.status(),
                "submitter_type": row.submitter_type(),
                "usd": row.usd(),
                "band": funding_band(row.usd()),
                "published": row.published(),
                "expires": row.expires(),
                "title": s.title,
                "summary": s.summary,
                "description": s.description,
                "submitter": s.submitter.organisation,
                "places": row.places(),
                "areas": row.areas(),
                "assistance": row.assistance(),
                "record": row.record,
            });
            serde_json::to_writer(&mut self.input, &json!({"op": "add", "doc": doc}))?;
            self.input.write_all(b"\n")?;
        }
        let committed: Committed = serde_json::from_value(self.ask(&json!({"op": "commit"}))?)?;
        eprintln!(
            "xapian: {} documents, {:.1} s in Xapian's indexing calls and commit",
            committed.docs, committed.seconds
        );
        let _ = std::fs::remove_dir_all(self.database(self.generation));
        self.generation = next;
        Ok(done)
    }

    /// Xapian keeps no other copy of the texts here: a full reindex indexes every document
    /// again, from the corpus, into a new database that then replaces the old one.
    pub fn reindex(&mut self, rows: impl Iterator<Item = (Submission, String)>) -> Result<()> {
        self.load(rows).map(|_| ())
    }

    pub fn disk_bytes(&self) -> u64 {
        folder_size(&self.database(self.generation))
    }

    /// The helper's peak resident memory (VmHWM, kB).
    pub fn helper_peak_rss_kb(&mut self) -> Result<u64> {
        let answer = self.ask(&json!({"op": "memory"}))?;
        answer["peak_rss_kb"]
            .as_u64()
            .context("the helper's memory answer")
    }

    pub fn run(&mut self, plan: &Plan) -> Result<Outcome> {
        let answer: Answer =
            serde_json::from_value(self.ask(&json!({"op": "query", "plan": plan}))?)?;
        let started = Instant::now();
        for record in &answer.records {
            let submission: Submission = serde_json::from_str(record)?;
            std::hint::black_box(submission);
        }
        let decoding = started.elapsed().as_secs_f64() * 1000.0;
        Ok(Outcome {
            total: answer.total,
            hits: answer.hits,
            measured_ms: Some(answer.ms + decoding),
        })
    }

    fn ask(&mut self, request: &serde_json::Value) -> Result<serde_json::Value> {
        serde_json::to_writer(&mut self.input, request)?;
        self.input.write_all(b"\n")?;
        self.input.flush()?;
        let mut line = String::new();
        if self.output.read_line(&mut line)? == 0 {
            bail!("the Xapian helper stopped (see its error above)");
        }
        let answer: serde_json::Value = serde_json::from_str(&line)?;
        if let Some(error) = answer.get("error") {
            bail!("the Xapian helper: {error}");
        }
        Ok(answer)
    }
}

impl Drop for Xapian {
    fn drop(&mut self) {
        // Closing its input ends the helper.
        let _ = self.input.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
