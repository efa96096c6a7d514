//! Real messages from other parsers' test suites (odd MIME, broken headers, unusual charsets;
//! see tests/data/SOURCES.md): each one is read or refused with a reason, and none
//! makes the reader panic.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

use portal::intake::email::{Message, parse_message};

const REAL_MESSAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/realdata/eml");

/// Every file under the folder, sorted, sub-folders included.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// One line per message: what was read, or why not.
fn summary(outcome: &Result<Message, String>) -> String {
    match outcome {
        Ok(message) => format!(
            "ok, {} text(s), subject {:?}, sender {:?}{}",
            message.texts.len(),
            message.subject,
            message.sender.as_deref().unwrap_or("-"),
            if message.notes.is_empty() {
                String::new()
            } else {
                format!("; notes: {}", message.notes.join("; "))
            }
        ),
        Err(reason) => format!("refused: {reason}"),
    }
}

#[test]
fn every_real_message_is_read_or_refused_with_a_reason() {
    let files = files_under(Path::new(REAL_MESSAGES));
    assert!(
        files.len() > 50,
        "only {} files in {REAL_MESSAGES}",
        files.len()
    );
    let mut panicked = Vec::new();
    let mut read = 0;
    for path in &files {
        let raw = fs::read(path).unwrap();
        let name = path.strip_prefix(REAL_MESSAGES).unwrap_or(path).display();
        match panic::catch_unwind(|| parse_message(&raw)) {
            Ok(outcome) => {
                println!("{name}: {}", summary(&outcome));
                match outcome {
                    Ok(_) => read += 1,
                    Err(reason) => assert!(!reason.trim().is_empty(), "{name}: empty reason"),
                }
            }
            Err(_) => {
                println!("{name}: PANICKED");
                panicked.push(name.to_string());
            }
        }
    }
    assert!(panicked.is_empty(), "panicked on {panicked:?}");
    // The message files (not the COPYING notes) are e-mail, however odd.
    let messages = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .count();
    assert_eq!(read, messages, "every .eml file should be readable");
}

#[test]
fn real_messages_with_their_line_ends_changed_still_read() {
    for path in files_under(Path::new(REAL_MESSAGES)) {
        let raw = fs::read(&path).unwrap();
        let crlf: Vec<u8> = raw
            .iter()
            .flat_map(|&b| {
                if b == b'\n' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect();
        let lf: Vec<u8> = raw.iter().copied().filter(|&b| b != b'\r').collect();
        for variant in [crlf, lf] {
            let outcome = panic::catch_unwind(|| parse_message(&variant));
            assert!(outcome.is_ok(), "{}: panicked", path.display());
        }
    }
}
