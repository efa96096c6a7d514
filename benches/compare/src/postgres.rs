//! PostgreSQL through tokio-postgres: a stored tsvector column with a GIN index, the same
//! B-trees, VACUUM ANALYZE; relevance by `ts_rank`, or unranked.

use std::collections::HashMap;

use anyhow::{Context, Result};
use bytes::Bytes;
use futures_util::SinkExt;
use portal::submission::Submission;
use tokio::runtime::Runtime;
use tokio_postgres::{Client, NoTls, Statement};

use crate::Outcome;
use crate::plan::{self, FACETS, Plan, Row, Text};

pub struct Postgres {
    runtime: Runtime,
    client: Client,
    statements: HashMap<String, Statement>,
    /// Order by `ts_rank` (true) or leave the order of text hits to the engine (false).
    pub ranked: bool,
}

/// Snowball English (Porter 2, as the portal's stemmer) without a stop-word list (the portal
/// has none), on PostgreSQL's default parser.
const CONFIGURATION: &str = "
DROP TABLE IF EXISTS docs, doc_place, doc_area, doc_assistance;
DROP TEXT SEARCH CONFIGURATION IF EXISTS portal;
DROP TEXT SEARCH DICTIONARY IF EXISTS english_all;
CREATE TEXT SEARCH DICTIONARY english_all (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION portal (COPY = english);
ALTER TEXT SEARCH CONFIGURATION portal
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH english_all;
";

/// Title A, summary B, submitter C, description D: `ts_rank` weighs them 1, 0.4, 0.2, 0.1.
const TSV: &str = "ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('portal', title), 'A') || setweight(to_tsvector('portal', summary), 'B')
    || setweight(to_tsvector('portal', submitter), 'C')
    || setweight(to_tsvector('portal', description), 'D')) STORED";

const TABLES: [&str; 4] = ["docs", "doc_place", "doc_area", "doc_assistance"];

impl Postgres {
    pub fn connect(config: &str) -> Result<Postgres> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let client = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(config, NoTls)
                .await
                .context("connecting to PostgreSQL")?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    eprintln!("postgres connection: {e}");
                }
            });
            anyhow::Ok(client)
        })?;
        Ok(Postgres {
            runtime,
            client,
            statements: HashMap::new(),
            ranked: true,
        })
    }

    /// The process id of this connection's server backend, for its memory.
    pub fn backend_pid(&self) -> Result<i32> {
        let row = self
            .runtime
            .block_on(self.client.query_one("SELECT pg_backend_pid()", &[]))?;
        Ok(row.get(0))
    }

    /// Creates the tables, loads every row with COPY (in chunks of 5,000 rows), then builds the
    /// GIN index and the B-trees and runs VACUUM ANALYZE.
    pub fn load(&mut self, rows: impl Iterator<Item = (Submission, String)>) -> Result<u64> {
        let client = &self.client;
        self.runtime.block_on(async {
            client.batch_execute(CONFIGURATION).await?;
            client.batch_execute(plan::SCHEMA).await?;
            client.batch_execute(TSV).await?;
            anyhow::Ok(())
        })?;
        let mut done = 0u64;
        let mut buffers: [String; 4] = Default::default();
        for (submission, record) in rows {
            done += 1;
            let row = Row {
                id: done as i64,
                submission: &submission,
                record,
            };
            push_row(&mut buffers, &row);
            if done.is_multiple_of(5_000) {
                self.copy(&mut buffers)?;
            }
        }
        self.copy(&mut buffers)?;
        self.runtime.block_on(async {
            client
                .batch_execute("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
                .await?;
            client.batch_execute(plan::INDEXES).await?;
            client.batch_execute("VACUUM ANALYZE").await?;
            anyhow::Ok(())
        })?;
        Ok(done)
    }

    fn copy(&self, buffers: &mut [String; 4]) -> Result<()> {
        let client = &self.client;
        self.runtime.block_on(async {
            for (table, buffer) in TABLES.iter().zip(buffers.iter_mut()) {
                if buffer.is_empty() {
                    continue;
                }
                let columns = if *table == "docs" {
                    "(id, kind, status, submitter_type, usd, has_funding, published, expires, \
                     title, summary, description, submitter, record)"
                } else {
                    ""
                };
                let sink = client
                    .copy_in(&format!("COPY {table} {columns} FROM STDIN (FORMAT csv)"))
                    .await?;
                futures_util::pin_mut!(sink);
                sink.send(Bytes::from(std::mem::take(buffer))).await?;
                sink.finish().await?;
            }
            anyhow::Ok(())
        })
    }

    /// Rebuilds every index of the tables (the GIN index from the stored tsvectors: PostgreSQL
    /// does not re-tokenise here, which favours it).
    pub fn reindex(&mut self) -> Result<()> {
        self.runtime.block_on(self.client.batch_execute(
            "REINDEX TABLE docs; REINDEX TABLE doc_place; REINDEX TABLE doc_area; \
             REINDEX TABLE doc_assistance",
        ))?;
        Ok(())
    }

    pub fn disk_bytes(&self) -> Result<u64> {
        let row = self.runtime.block_on(self.client.query_one(
            "SELECT sum(pg_total_relation_size(c))::bigint FROM unnest(ARRAY['docs', 'doc_place', \
             'doc_area', 'doc_assistance']::regclass[]) c",
            &[],
        ))?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    pub fn run(&mut self, plan: &Plan) -> Result<Outcome> {
        let (from, text, parameter) = match &plan.text {
            Text::None => ("docs d".to_string(), String::new(), None),
            Text::All(words) => (
                "plainto_tsquery('portal', $1) q, docs d".to_string(),
                "d.tsv @@ q AND ".to_string(),
                Some(words.join(" ")),
            ),
            Text::Phrase(a, b) => (
                "phraseto_tsquery('portal', $1) q, docs d".to_string(),
                "d.tsv @@ q AND ".to_string(),
                Some(format!("{a} {b}")),
            ),
            // Weights A, B, D: title, summary, description (not the submitter), as matching.
            Text::Any(words) => (
                "to_tsquery('portal', $1) q, docs d".to_string(),
                "d.tsv @@ q AND ".to_string(),
                Some(
                    words
                        .iter()
                        .map(|w| format!("{}:ABD", w.replace(|c: char| !c.is_alphanumeric(), "")))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
            ),
        };
        let order = match (plan.by_relevance, self.ranked) {
            (true, true) => " ORDER BY ts_rank(d.tsv, q) DESC, d.id".to_string(),
            (true, false) => String::new(),
            (false, _) => " ORDER BY d.published DESC, d.id".to_string(),
        };
        let hits_sql = format!(
            "SELECT d.id FROM {from} WHERE {text}{}{order} LIMIT {} OFFSET {}",
            plan.conditions(None),
            plan.limit,
            plan.offset
        );
        let ids: Vec<i64> = self
            .query(&hits_sql, parameter.as_deref())?
            .iter()
            .map(|r| r.get(0))
            .collect();
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
            let rows = self.query(&sql, parameter.as_deref())?;
            outcome.total = rows.first().map(|r| r.get::<_, i64>(0) as u64);
        }
        if plan.facets {
            for dimension in FACETS {
                let (join, expression) = plan::facet_group(dimension);
                let sql = format!(
                    "SELECT ({expression})::bigint, count(*) FROM {from}{join} WHERE {text}{} \
                     GROUP BY 1",
                    plan.conditions(Some(dimension))
                );
                let rows = self.query(&sql, parameter.as_deref())?;
                std::hint::black_box(rows.len());
            }
        }
        if plan.records && !ids.is_empty() {
            let statement = self.prepare("SELECT record FROM docs WHERE id = ANY($1)")?;
            let rows = self
                .runtime
                .block_on(self.client.query(&statement, &[&ids]))?;
            for row in rows {
                let record: &str = row.get(0);
                let submission: Submission = serde_json::from_str(record)?;
                std::hint::black_box(submission);
            }
        }
        Ok(outcome)
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.runtime.block_on(self.client.prepare(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    fn query(&mut self, sql: &str, parameter: Option<&str>) -> Result<Vec<tokio_postgres::Row>> {
        let statement = self.prepare(sql)?;
        let rows = match parameter {
            Some(p) => self
                .runtime
                .block_on(self.client.query(&statement, &[&p]))?,
            None => self.runtime.block_on(self.client.query(&statement, &[]))?,
        };
        Ok(rows)
    }
}

/// Appends one submission's rows to the CSV buffers of the four tables.
fn push_row(buffers: &mut [String; 4], row: &Row<'_>) {
    let s = row.submission;
    let text = |value: &str| format!("\"{}\"", value.replace('"', "\"\""));
    let usd = row.usd().map(|u| u.to_string()).unwrap_or_default();
    let docs = &mut buffers[0];
    docs.push_str(&format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        row.id,
        row.kind(),
        row.status(),
        row.submitter_type(),
        usd,
        i64::from(row.usd().is_some()),
        row.published(),
        row.expires(),
        text(&s.title),
        text(&s.summary),
        text(&s.description),
        text(&s.submitter.organisation),
        text(&row.record),
    ));
    for (buffer, mut values) in
        buffers[1..]
            .iter_mut()
            .zip([row.places(), row.areas(), row.assistance()])
    {
        values.sort_unstable();
        values.dedup();
        for value in values {
            buffer.push_str(&format!("{value},{}\n", row.id));
        }
    }
}
