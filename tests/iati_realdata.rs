//! IATI intake on the real files in `tests/data/realdata/iati/`: every file is read or refused
//! with a reason, every activity is counted, and every activity read validates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use portal::intake::iati::{self, Activity, ActivityProblem};
use portal::submission::Area;

const IATI_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/realdata/iati");

/// `<iati-activity>` elements in the 24 parseable files (`tests/data/SOURCES.md`, "Counts").
const ACTIVITIES_IN_REALDATA: usize = 1837;
/// Activities carrying DAC 15250, removal of land mines and ERW (same source).
const MINE_ACTION_ACTIVITIES: usize = 11;

fn xml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            xml_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "xml") {
            found.push(path);
        }
    }
}

/// A note with its numbers and quoted values blanked, so that notes of one kind count together.
fn note_kind(note: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in note.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if quoted {
                    out.push_str("\"…\"");
                }
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

struct FileResult {
    name: String,
    outcome: Result<Vec<Result<Activity, ActivityProblem>>, String>,
}

fn parse_all() -> (Vec<FileResult>, Duration) {
    let root = Path::new(IATI_DIR);
    let mut paths = Vec::new();
    xml_files(root, &mut paths);
    assert!(!paths.is_empty(), "no IATI files under {IATI_DIR}");
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            (name, std::fs::read(p).unwrap())
        })
        .collect();
    let started = Instant::now();
    let results = files
        .iter()
        .map(|(name, bytes)| FileResult {
            name: name.clone(),
            outcome: iati::parse_file(bytes),
        })
        .collect();
    (results, started.elapsed())
}

#[test]
fn every_real_file_is_read_or_refused_with_a_reason() {
    let (files, elapsed) = parse_all();
    let mut total = 0;
    let mut total_read = 0;
    let mut invalid = Vec::new();
    let mut note_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut mine_action = Vec::new();
    let mut drc_demining = None;

    println!(
        "\n{:<60} {:>6} {:>5} {:>7}  refusal reasons",
        "file", "acts", "read", "refused"
    );
    for file in &files {
        let activities = match &file.outcome {
            Err(reason) => {
                println!("{:<60} not read: {reason}", file.name);
                assert!(
                    file.name.ends_with("broken_truncated.xml"),
                    "{} should parse: {reason}",
                    file.name
                );
                assert!(reason.contains("line"), "{reason}");
                continue;
            }
            Ok(activities) => activities,
        };
        assert!(
            !file.name.ends_with("broken_truncated.xml"),
            "the truncated file must not parse"
        );
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        let mut read = 0;
        for result in activities {
            match result {
                Ok(activity) => {
                    read += 1;
                    for note in &activity.notes {
                        *note_kinds.entry(note_kind(note)).or_default() += 1;
                    }
                    let mut submission = activity.submission.clone();
                    let id = submission.provenance.iati_identifier.clone().unwrap();
                    if let Err(e) = submission.validate() {
                        invalid.push(format!("{} {id}: {e}", file.name));
                    }
                    if submission.dac_sectors.contains(&15250) {
                        mine_action.push((id.clone(), submission.areas.clone()));
                    }
                    if id == "GB-1-201745-103" {
                        drc_demining = Some(submission.clone());
                    }
                }
                Err(problem) => *reasons.entry(problem.reason.as_str()).or_default() += 1,
            }
        }
        let refused = activities.len() - read;
        let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{n}× {r}")).collect();
        println!(
            "{:<60} {:>6} {:>5} {:>7}  {}",
            file.name,
            activities.len(),
            read,
            refused,
            reasons.join("; ")
        );
        total += activities.len();
        total_read += read;
    }
    println!(
        "{:<60} {:>6} {:>5} {:>7}",
        "total",
        total,
        total_read,
        total - total_read
    );
    println!(
        "parsing {} files took {:.1} ms",
        files.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    let mut kinds: Vec<(&String, &usize)> = note_kinds.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("\nnotes, by kind:");
    for (kind, count) in kinds {
        println!("{count:>6}  {kind}");
    }

    let parsed = files.iter().filter(|f| f.outcome.is_ok()).count();
    assert_eq!(parsed, 24, "24 parseable files");
    assert_eq!(total, ACTIVITIES_IN_REALDATA);
    assert!(
        invalid.is_empty(),
        "activities that do not validate:\n{}",
        invalid.join("\n")
    );

    assert_eq!(mine_action.len(), MINE_ACTION_ACTIVITIES, "{mine_action:?}");
    for (id, areas) in &mine_action {
        assert!(areas.contains(&Area::ClearanceAndRiskEducation), "{id}");
    }
    let drc = drc_demining.expect("GB-1-201745-103 is read");
    assert_eq!(drc.title, "DRC De-mining Programme (MAG)");
    assert_eq!(drc.beneficiaries.countries, vec!["COD"]);
}

#[test]
fn truncated_file_is_an_error_naming_the_place() {
    let bytes = std::fs::read(format!("{IATI_DIR}/edge/broken_truncated.xml")).unwrap();
    let err = iati::parse_file(&bytes).unwrap_err();
    assert!(err.contains("line 4"), "{err}");
}

#[test]
fn every_real_file_looks_like_iati() {
    let mut paths = Vec::new();
    xml_files(Path::new(IATI_DIR), &mut paths);
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        assert!(iati::looks_like_iati(&bytes), "{}", path.display());
    }
}

/// An element with tens of thousands of attributes is refused before it is parsed: the XML
/// reader's duplicate-attribute check is quadratic (200,000 attributes took 35 s of processor
/// time), and no IATI element has more than a few.
#[test]
fn an_element_with_50000_attributes_is_refused_naming_the_limit() {
    let attributes: String = (0..50_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<iati-activities>\n<iati-activity{attributes}><iati-identifier>X-1</iati-identifier></iati-activity>\n</iati-activities>\n"
    );
    let error = iati::parse_file(xml.as_bytes()).unwrap_err();
    assert!(
        error.contains(&format!(
            "more than {} attributes",
            iati::MAX_ATTRIBUTES_PER_ELEMENT
        )),
        "{error}"
    );
    assert!(error.contains("line 3"), "{error}");
}

/// Attribute-like text in comments, CDATA and quoted values is not counted.
#[test]
fn equals_signs_outside_start_tags_do_not_count_as_attributes() {
    let many = "=".repeat(10_000);
    let xml = format!(
        "<iati-activities><!-- {many} --><iati-activity note=\"{many}\" other='{many}'><iati-identifier>X-1</iati-identifier><title><![CDATA[{many}]]></title><description>{many}</description></iati-activity></iati-activities>"
    );
    let activities = iati::parse_file(xml.as_bytes()).expect("an ordinary file");
    assert_eq!(activities.len(), 1);
}
