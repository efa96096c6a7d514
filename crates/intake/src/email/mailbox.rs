//! Mailboxes: mbox files split into raw messages, maildir folders listed. Bytes and paths
//! only; no message is parsed here.

use std::fs;
use std::path::{Path, PathBuf};

/// Splits an mbox file into raw messages.
///
/// A message starts at a `From ` separator line (`From sender date`) at the start of the file
/// or after an empty line; the separator line is not part of the message, nor is the empty line
/// that ends each message. Lines escaped as `>From ` (or `>>From `, mboxrd) lose one `>`.
/// Both `\n` and `\r\n` line ends are read. Text before the first separator, if not blank,
/// is kept as a message of its own so that nothing is dropped silently.
pub fn split_mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut messages = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut after_blank_line = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if after_blank_line && is_separator_line(line) {
            finish_message(&mut messages, std::mem::take(&mut current));
            after_blank_line = false;
            continue;
        }
        current.extend_from_slice(unescape_from_line(line));
        after_blank_line = matches!(line, b"\n" | b"\r\n");
    }
    finish_message(&mut messages, current);
    messages
}

/// Whether the bytes look like an mbox: they start with a `From ` separator line (`From `,
/// a sender, then something with a time and a year, as `From a@b.org Mon Jan  5 10:00:00 2026`).
pub fn is_mbox(bytes: &[u8]) -> bool {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    is_separator_line(first_line)
}

/// The files of a maildir folder (`cur/` and `new/`, not `tmp/`), sorted by file name (which
/// in a maildir starts with the delivery time); hidden files are left out. `None` when `dir`
/// has no `cur/` and `new/` folders. An unreadable sub-folder counts as empty.
pub fn maildir_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let cur = dir.join("cur");
    let new = dir.join("new");
    if !cur.is_dir() || !new.is_dir() {
        return None;
    }
    let mut files: Vec<PathBuf> = [cur, new]
        .iter()
        .filter_map(|sub| fs::read_dir(sub).ok())
        .flat_map(|entries| entries.flatten())
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && !is_hidden(path))
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
    Some(files)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."))
}

/// Adds a message unless it is blank, without the empty line that separates it from the next.
fn finish_message(messages: &mut Vec<Vec<u8>>, mut message: Vec<u8>) {
    if message.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    if message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n\n") {
        message.truncate(message.len() - 1);
    }
    messages.push(message);
}

/// `>From ` (mboxrd: any number of `>`) loses one `>`; other lines are kept as they are.
fn unescape_from_line(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// `From sender date`: a sender without spaces, then a rest holding a time (`10:00`) and a
/// four-digit year. A body line such as "From the ministry, ..." is not one.
fn is_separator_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = rest.trim_ascii();
    let Some(space) = rest.iter().position(|&b| b == b' ') else {
        return false;
    };
    let date = &rest[space..];
    space > 0 && has_time(date) && has_four_digits(date)
}

fn has_time(text: &[u8]) -> bool {
    text.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

fn has_four_digits(text: &[u8]) -> bool {
    text.split(|b| !b.is_ascii_digit())
        .any(|run| run.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE: &[u8] = b"From alice@example.org Mon Jan  5 10:00:00 2026\n\
Subject: one\n\
\n\
Kind: need\n\
>From the ministry we ask for help.\n\
>>From here on, quoted.\n\
\n\
From bob@example.org Tue Jan  6 11:00:00 2026\n\
Subject: two\n\
\n\
From 2019 to 2021 we cleared 40 km2.\n\
\n\
From - Wed Jan  7 12:30:00 2026\n\
Subject: three\n\
\n\
body three\n";

    #[test]
    fn splits_three_messages_and_unescapes_from_lines() {
        let messages = split_mbox(THREE);
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(
            messages[0],
            b"Subject: one\n\nKind: need\nFrom the ministry we ask for help.\n>From here on, quoted.\n"
        );
        // A body line starting with "From " but without a date does not split the message.
        assert_eq!(
            messages[1],
            b"Subject: two\n\nFrom 2019 to 2021 we cleared 40 km2.\n"
        );
        assert_eq!(messages[2], b"Subject: three\n\nbody three\n");
    }

    #[test]
    fn reads_crlf_mboxes() {
        let crlf: Vec<u8> = String::from_utf8_lossy(THREE)
            .replace('\n', "\r\n")
            .into_bytes();
        let messages = split_mbox(&crlf);
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[2], b"Subject: three\r\n\r\nbody three\r\n");
        assert!(is_mbox(&crlf));
    }

    #[test]
    fn a_separator_needs_a_blank_line_before_it() {
        let bytes = b"From a@b Mon Jan  5 10:00:00 2026\nSubject: x\n\nline\nFrom c@d Mon Jan  5 10:00:00 2026\n";
        assert_eq!(split_mbox(bytes).len(), 1);
    }

    #[test]
    fn recognises_mboxes() {
        assert!(is_mbox(THREE));
        assert!(!is_mbox(b"Subject: hello\n\nbody"));
        assert!(!is_mbox(b"From the ministry of defence\n"));
        assert!(!is_mbox(b"From: alice@example.org\n"));
        assert!(!is_mbox(b""));
    }

    #[test]
    fn text_before_the_first_separator_is_kept() {
        let bytes =
            b"Subject: stray\n\nstray\n\nFrom a@b Mon Jan  5 10:00:00 2026\nSubject: x\n\ny\n";
        let messages = split_mbox(bytes);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], b"Subject: stray\n\nstray\n");
        assert!(split_mbox(b"").is_empty());
        assert!(split_mbox(b"\n\n").is_empty());
    }

    #[test]
    fn lists_a_maildir() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(maildir_files(dir.path()), None);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        fs::write(
            dir.path().join("new/1700000002.M2.host"),
            b"Subject: b\n\nb",
        )
        .unwrap();
        fs::write(
            dir.path().join("cur/1700000001.M1.host:2,S"),
            b"Subject: a\n\na",
        )
        .unwrap();
        fs::write(
            dir.path().join("tmp/1700000000.M0.host"),
            b"Subject: t\n\nt",
        )
        .unwrap();
        fs::write(dir.path().join("cur/.hidden"), b"x").unwrap();
        fs::create_dir(dir.path().join("cur/folder")).unwrap();
        let files = maildir_files(dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["1700000001.M1.host:2,S", "1700000002.M2.host"]);
    }
}
