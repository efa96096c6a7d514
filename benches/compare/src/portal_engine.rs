//! The portal itself, through its public API only: `Catalogue::open`, `import`, `search`,
//! `matches`, `reindex`, with the real store and index in a folder of their own.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use portal::catalogue::{Catalogue, ExportRecord, ImportOptions, IncomingRecord, Paths};
use portal::clock::ManualClock;
use portal_corpus::{BenchQuery, QueryClass};

use crate::{Outcome, folder_size};

pub struct PortalEngine {
    catalogue: Catalogue,
    paths: Paths,
    /// The id the store gave each corpus record, in corpus order.
    ids: Vec<String>,
}

impl PortalEngine {
    pub fn open(dir: &Path, now: DateTime<Utc>) -> Result<PortalEngine> {
        let paths = Paths {
            data_dir: dir.join("portal-data"),
            index_dir: dir.join("portal-index"),
        };
        for folder in [&paths.data_dir, &paths.index_dir] {
            let _ = std::fs::remove_dir_all(folder);
        }
        let (catalogue, _) = Catalogue::open(&paths, Arc::new(ManualClock::new(now)))
            .context("opening the catalogue")?;
        Ok(PortalEngine {
            catalogue,
            paths,
            ids: Vec::new(),
        })
    }

    /// Imports the JSON Lines file as `portal import` would (statuses kept).
    pub fn load(&mut self, corpus: &Path) -> Result<u64> {
        let file = std::io::BufReader::new(std::fs::File::open(corpus)?);
        let records = file.lines().enumerate().map(|(i, line)| IncomingRecord {
            location: format!("line {}", i + 1),
            record: line
                .map_err(|e| e.to_string())
                .and_then(|l| ExportRecord::from_json(&l).map_err(|e| e.to_string())),
        });
        let report = self
            .catalogue
            .import(records, ImportOptions::default(), &mut |_| {})?;
        anyhow::ensure!(
            report.rejected.is_empty(),
            "records refused: {:?}",
            &report.rejected[..report.rejected.len().min(3)]
        );
        self.ids = report.ids;
        Ok(self.ids.len() as u64)
    }

    pub fn reindex(&mut self) -> Result<()> {
        self.catalogue.reindex(&mut |_, _| {})?;
        Ok(())
    }

    pub fn disk_bytes(&self) -> u64 {
        folder_size(&self.paths.data_dir) + folder_size(&self.paths.index_dir)
    }

    /// One query, doing what the class names, as the peers do: the classes that ask for a page
    /// of hits and the count get the page as ids (`Catalogue::search_id_page`); browsing and the
    /// whole results page get the page's records, the count, every facet and snippets
    /// (`Catalogue::search`).
    pub fn run(&mut self, query: &BenchQuery) -> Result<Outcome> {
        if query.class == QueryClass::Matching {
            let id = query
                .need
                .and_then(|n| self.ids.get(n))
                .context("the need of a matching query is not in the corpus")?;
            let found = self.catalogue.matches(id, query.limit)?;
            return Ok(Outcome {
                total: None,
                hits: found.len(),
                measured_ms: None,
            });
        }
        let request = query.request();
        if matches!(query.class, QueryClass::Browse | QueryClass::WholePage) {
            let results = self.catalogue.search(&request)?;
            return Ok(Outcome {
                total: Some(results.total),
                hits: results.hits.len(),
                measured_ms: None,
            });
        }
        let page = self.catalogue.search_id_page(&request)?;
        Ok(Outcome {
            total: Some(page.total),
            hits: page.ids.len(),
            measured_ms: None,
        })
    }
}
