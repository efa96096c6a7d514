//! SQLite FTS5 (bundled): an external-content FTS5 table over `docs`, WAL, `optimize`, covering
//! B-tree indexes on the filter columns, facets by GROUP BY.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use portal::submission::Submission;
use rusqlite::{Connection, params};

use crate::plan::{self, FACETS, Plan, Row, Text};
use crate::{Outcome, file_size};

pub struct Sqlite {
    connection: Connection,
    path: PathBuf,
}

/// The portal stems English with Snowball (Porter 2); FTS5 has the original Porter stemmer,
/// the nearest it offers.
const FTS: &str = "CREATE VIRTUAL TABLE fts USING fts5(title, summary, description, submitter, \
     content='docs', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')";

/// Field weights as the portal boosts them: title 3, summary 1.5, description 1, submitter 1.5.
const RANK: &str = "bm25(fts, 3.0, 1.5, 1.0, 1.5)";

impl Sqlite {
    pub fn create(dir: &Path) -> Result<Sqlite> {
        let path = dir.join("bench.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let connection = Connection::open(&path).context("opening SQLite")?;
        connection.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;",
        )?;
        connection.execute_batch(plan::SCHEMA)?;
        connection.execute_batch(FTS)?;
        connection.set_prepared_statement_cache_capacity(1024);
        Ok(Sqlite { connection, path })
    }

    /// Inserts every row (in transactions of 10,000), the FTS entries with them, then builds
    /// the B-trees, optimises the FTS index and analyses.
    pub fn load(&mut self, rows: impl Iterator<Item = (Submission, String)>) -> Result<u64> {
        let mut done = 0u64;
        let mut transaction = self.connection.transaction()?;
        for (submission, record) in rows {
            done += 1;
            let row = Row {
                id: done as i64,
                submission: &submission,
                record,
            };
            insert(&transaction, &row)?;
            if done.is_multiple_of(10_000) {
                transaction.commit()?;
                transaction = self.connection.transaction()?;
            }
        }
        transaction.commit()?;
        self.connection.execute_batch(plan::INDEXES)?;
        self.connection
            .execute_batch("INSERT INTO fts(fts) VALUES('optimize'); ANALYZE;")?;
        self.connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(done)
    }

    /// Rebuilds the text index from the content table (re-tokenising everything), optimised.
    pub fn reindex(&mut self) -> Result<()> {
        self.connection.execute_batch(
            "INSERT INTO fts(fts) VALUES('rebuild'); INSERT INTO fts(fts) VALUES('optimize'); \
             PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        Ok(())
    }

    pub fn disk_bytes(&self) -> u64 {
        ["", "-wal", "-shm"]
            .iter()
            .map(|s| file_size(Path::new(&format!("{}{s}", self.path.display()))))
            .sum()
    }

    pub fn run(&mut self, plan: &Plan) -> Result<Outcome> {
        let (from, text, expression) = match &plan.text {
            Text::None => ("docs d".to_string(), String::new(), None),
            other => (
                "fts JOIN docs d ON d.id = fts.rowid".to_string(),
                "fts MATCH ?1 AND ".to_string(),
                Some(match_expression(other)),
            ),
        };
        let bind = |statement: &mut rusqlite::CachedStatement<'_>| -> Result<()> {
            if let Some(expression) = &expression {
                statement.raw_bind_parameter(1, expression)?;
            }
            Ok(())
        };
        let order = if plan.by_relevance {
            format!("{RANK}, d.id")
        } else {
            "d.published DESC, d.id".to_string()
        };
        let hits_sql = format!(
            "SELECT d.id FROM {from} WHERE {text}{} ORDER BY {order} LIMIT {} OFFSET {}",
            plan.conditions(None),
            plan.limit,
            plan.offset
        );
        let mut statement = self.connection.prepare_cached(&hits_sql)?;
        bind(&mut statement)?;
        let mut ids = Vec::with_capacity(plan.limit);
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            ids.push(row.get::<_, i64>(0)?);
        }
        drop(rows);
        drop(statement);
        let mut outcome = Outcome {
            total: None,
            hits: ids.len(),
            measured_ms: None,
        };
        if plan.count {
            let sql = format!(
                "SELECT count(*) FROM {from} WHERE {text}{}",
                plan.conditions(None)
            );
            let mut statement = self.connection.prepare_cached(&sql)?;
            bind(&mut statement)?;
            let mut rows = statement.raw_query();
            if let Some(row) = rows.next()? {
                outcome.total = Some(row.get::<_, i64>(0)? as u64);
            }
        }
        if plan.facets {
            for dimension in FACETS {
                let (join, expression) = plan::facet_group(dimension);
                let sql = format!(
                    "SELECT {expression}, count(*) FROM {from}{join} WHERE {text}{} GROUP BY 1",
                    plan.conditions(Some(dimension))
                );
                let mut statement = self.connection.prepare_cached(&sql)?;
                bind(&mut statement)?;
                let mut rows = statement.raw_query();
                let mut groups = 0;
                while let Some(row) = rows.next()? {
                    let _: (i64, i64) = (row.get(0)?, row.get(1)?);
                    groups += 1;
                }
                std::hint::black_box(groups);
            }
        }
        if plan.records && !ids.is_empty() {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT record FROM docs WHERE id IN ({})",
                vec!["?"; ids.len()].join(",")
            );
            let mut statement = self.connection.prepare_cached(&sql)?;
            let mut rows = statement.query(rusqlite::params_from_iter(list.iter()))?;
            while let Some(row) = rows.next()? {
                let record: String = row.get(0)?;
                let submission: Submission = serde_json::from_str(&record)?;
                std::hint::black_box(submission);
            }
        }
        Ok(outcome)
    }
}

fn insert(connection: &Connection, row: &Row<'_>) -> Result<()> {
    let s = row.submission;
    connection
        .prepare_cached(
            "INSERT INTO docs (id, kind, status, submitter_type, usd, has_funding, published, \
             expires, title, summary, description, submitter, record) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            row.id,
            row.kind(),
            row.status(),
            row.submitter_type(),
            row.usd(),
            i64::from(row.usd().is_some()),
            row.published(),
            row.expires(),
            s.title,
            s.summary,
            s.description,
            s.submitter.organisation,
            row.record,
        ])?;
    connection
        .prepare_cached(
            "INSERT INTO fts (rowid, title, summary, description, submitter) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            row.id,
            s.title,
            s.summary,
            s.description,
            s.submitter.organisation
        ])?;
    for (table, column, values) in [
        ("doc_place", "place", row.places()),
        ("doc_area", "area", row.areas()),
        ("doc_assistance", "assistance", row.assistance()),
    ] {
        let mut statement = connection.prepare_cached(&format!(
            "INSERT OR IGNORE INTO {table} ({column}, doc) VALUES (?1, ?2)"
        ))?;
        for value in values {
            statement.execute(params![value, row.id])?;
        }
    }
    Ok(())
}

/// The FTS5 query: every word (AND), the phrase, or any word in the three text columns.
fn match_expression(text: &Text) -> String {
    let quoted = |w: &str| format!("\"{}\"", w.replace('"', ""));
    match text {
        Text::None => String::new(),
        Text::All(words) => words
            .iter()
            .map(|w| quoted(w))
            .collect::<Vec<_>>()
            .join(" AND "),
        Text::Phrase(a, b) => quoted(&format!("{a} {b}")),
        Text::Any(words) => format!(
            "{{title summary description}} : ({})",
            words
                .iter()
                .map(|w| quoted(w))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
    }
}
