//! The control channel: a Unix socket in the data folder through which the ISU's commands reach
//! the running portal, the one process that may open the database while it serves.
//!
//! Only the user who runs the portal can use it: the socket file is made 0600 right after it is
//! bound, and every connection's peer must have the socket file's owner's uid. One request per
//! connection:
//!
//! - request, one JSON line: `{"command": {"import": {"paths": ["/abs/file.jsonl", "-"],
//!   "publish": true}}, "input": true}`: the subcommand as `args::Command` serialises it (its
//!   name, then its arguments under the names of their flags; one without arguments is its name
//!   alone, `"command": "reindex"`), with relative file paths made absolute
//!   ([`for_running_portal`]), and whether standard input follows. A field that is not known,
//!   or one missing, is refused: a client of another version gets an error, not a command run
//!   without part of what it asked;
//! - standard input, if it follows: frames (a tag byte, a big-endian `u32` length, that many
//!   bytes), each `i` and of at most 64 KiB, and last an empty `i` frame, which ends it. Input
//!   cut off before that frame reads as an error, never as a shorter input;
//! - reply, frames as the command writes: `o` standard output, `e` standard error, and last `c`,
//!   one byte, the exit code. A connection that ends before its `c` frame means the portal
//!   stopped.
//!
//! Input and output stream through in frames, however large they are (an import of a million
//! records from standard input, an export of the whole catalogue): each side waits while the
//! other is behind, and neither holds them whole.
//!
//! Glue only: it knows nothing of the web. `client` is the side of a command-line invocation,
//! `socket` the serving portal's, `runner` runs what arrives, `frames` is the framing both share.

mod client;
mod frames;
mod runner;
mod socket;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::args::Command;

pub use client::{connect, for_running_portal};
pub use runner::Runner;
pub use socket::{ControlSocket, serve};

/// The socket's file name in the data folder.
pub const SOCKET_FILE: &str = "portal.sock";

/// The file in the data folder where the serving portal writes the address it answers on
/// (removed when it stops), so that a second `serve` can say where the first one is.
pub const ADDRESS_FILE: &str = "portal.address";

/// A command for the running portal. A field it does not know is refused rather than left
/// out: a client of another version then gets an error, not a command run without part of
/// what it asked.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The subcommand with its arguments, file paths absolute.
    pub command: Command,
    /// Whether standard input follows, for commands that read it (`import -`,
    /// `set-password`).
    #[serde(default)]
    pub input: bool,
}

/// The address of the portal serving `data_dir`, if one is serving and wrote it.
pub fn serving_address(data_dir: &Path) -> Option<String> {
    connect(data_dir).ok()??;
    let address = std::fs::read_to_string(data_dir.join(ADDRESS_FILE)).ok()?;
    Some(address.trim().to_string()).filter(|a| !a.is_empty())
}

/// Where the socket of the portal serving `data_dir` is.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_FILE)
}

/// The subcommand's name (`import`, `set-status`), as a request names it.
fn command_name(command: &Command) -> String {
    match serde_json::to_value(command) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(serde_json::Value::Object(fields)) => fields.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Why a command that cannot be passed to a running portal (`serve`, `restore`) finds the data
/// folder taken: a portal serving it (with its address, and `then`: what to do), or `in_use`.
pub fn data_folder_taken(
    paths: &portal::catalogue::Paths,
    in_use: portal::catalogue::CatalogueError,
    then: &str,
) -> anyhow::Error {
    match serving_address(&paths.data_dir) {
        Some(address) => anyhow::anyhow!(
            "a portal is already serving the data folder {} at {address}; {then}",
            paths.data_dir.display()
        ),
        None => in_use.into(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;
    use crate::args::Args;

    fn parse(args: &[&str]) -> Command {
        Args::try_read_from(std::iter::once("portal").chain(args.iter().copied()))
            .unwrap()
            .into_command()
    }

    /// One command of each kind (and each account of `set-password`), with its flags set.
    fn one_of_each() -> Vec<Command> {
        let lines: [&[&str]; 21] = [
            &[
                "serve",
                "--addr=0.0.0.0:9000",
                "--isu-email=isu@example.net",
                "--public-url=https://portal.example.org",
                "--remind-days=14,3",
                "--smtp-url=smtp://mail.example.org:25",
                "--outbox=/var/outbox",
                "--rotation-days=30",
                "--secure-cookies",
                "--trusted-proxy=10.0.0.1,::1",
                "--demo=5",
                "--search-cache-mib=0",
                "--log-format=json",
            ],
            &["import", "--publish", "/a/b.jsonl", "-", "/c d/-odd.jsonl"],
            &["purge"],
            &[
                "remind",
                "--remind-days=30,7",
                "--isu-email=isu@example.net",
                "--public-url=https://portal.example.org",
                "--smtp-url=smtps://user:secret@mail.example.org",
                "--outbox=/var/outbox",
            ],
            &["renew", "NEED-2026-0001", "OFFER-2026-0002"],
            &["queue", "--json"],
            &["export", "--out", "/tmp/all.jsonl"],
            &[
                "search",
                "--kind",
                "need,offer",
                "--kind=project",
                "--country",
                "Lao PDR",
                "--area",
                "victim-assistance",
                "--assistance",
                "training",
                "--submitter-type",
                "ngo",
                "--min-usd",
                "1000.1",
                "--max-usd",
                "NaN",
                "--expiring-within=30",
                "--renewed-within=7",
                "--sort",
                "amount",
                "--page",
                "3",
                "--per-page",
                "7",
                "--json",
                "--",
                "risk",
                "-word",
                "\"a phrase\"",
            ],
            &["matches", "NEED-2026-0001", "--limit", "3", "--json"],
            &["publish", "NEED-2026-0001", "OFFER-2026-0002"],
            &["set-status", "withdrawn", "NEED-2026-0001"],
            &["reindex"],
            &["backup", "/backups/today"],
            &["restore", "/backups/today"],
            &["check", "--json"],
            &["stats", "--json"],
            &["demo", "--load", "--count", "5", "--seed", "7"],
            &["demo", "--out", "/tmp/demo.jsonl"],
            &["set-password", "member"],
            &["set-password", "admin", "isu.staff"],
            &["set-password", "admin", "--", "-odd"],
        ];
        lines.into_iter().map(parse).collect()
    }

    #[test]
    fn every_command_survives_its_wire_form() {
        for (command, input) in one_of_each()
            .into_iter()
            .zip([false, true].into_iter().cycle())
        {
            let request = Request { command, input };
            let wire = serde_json::to_string(&request).unwrap();
            let again: Request = serde_json::from_str(&wire).unwrap();
            // NaN is not equal to itself: compare the amounts as text.
            assert_eq!(format!("{again:?}"), format!("{request:?}"), "{wire}");
            if !wire.contains("NaN") {
                assert_eq!(again, request, "{wire}");
            }
        }
    }

    #[test]
    fn every_subcommand_has_a_wire_form_under_its_own_name() {
        let subcommands: BTreeSet<String> = Args::command()
            .get_subcommands()
            .map(|subcommand| subcommand.get_name().to_string())
            .filter(|name| name != "help")
            .collect();
        let sent: BTreeSet<String> = one_of_each().iter().map(command_name).collect();
        assert_eq!(sent, subcommands);
    }

    #[test]
    fn a_request_reads_as_documented() {
        let request: Request = serde_json::from_str(
            r#"{"command": {"import": {"paths": ["/abs/file.jsonl", "-"], "publish": true}}, "input": true}"#,
        )
        .unwrap();
        assert_eq!(
            request.command,
            parse(&["import", "--publish", "/abs/file.jsonl", "-"])
        );
        assert!(request.input);
        let request: Request = serde_json::from_str(r#"{"command": "reindex"}"#).unwrap();
        assert_eq!(request.command, Command::Reindex);
    }

    #[test]
    fn relative_paths_are_made_absolute() {
        let here = std::env::current_dir().unwrap();
        let command = for_running_portal(parse(&["import", "some/file.jsonl", "-"])).unwrap();
        let expected = [here.join("some/file.jsonl"), PathBuf::from("-")];
        assert!(matches!(command, Command::Import { paths, .. } if paths == expected));
        let command = for_running_portal(parse(&["export", "--out", "all.jsonl"])).unwrap();
        assert_eq!(
            command,
            Command::Export {
                out: Some(here.join("all.jsonl"))
            }
        );
        let command = for_running_portal(parse(&["backup", "copy"])).unwrap();
        assert_eq!(
            command,
            Command::Backup {
                dir: here.join("copy"),
                to: None
            }
        );
        let command = for_running_portal(parse(&["remind", "--outbox", "out"])).unwrap();
        assert!(matches!(command, Command::Remind(mail) if mail.outbox == Some(here.join("out"))));
        let command = for_running_portal(parse(&["demo", "--out", "d.jsonl"])).unwrap();
        assert!(matches!(command, Command::Demo { out, .. } if out == Some(here.join("d.jsonl"))));
    }

    #[test]
    fn a_request_with_a_field_not_known_is_refused() {
        let error = serde_json::from_str::<Request>(r#"{"command": "reindex", "stdin": "{}"}"#)
            .unwrap_err();
        assert!(
            error.to_string().contains("unknown field `stdin`"),
            "{error}"
        );
        let error = serde_json::from_str::<Request>(
            r#"{"command": {"export": {"out": null, "gzip": true}}}"#,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("unknown field `gzip`"),
            "{error}"
        );
        let error =
            serde_json::from_str::<Request>(r#"{"args": ["import", "--", "-"]}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `args`"),
            "{error}"
        );
        let request: Request = serde_json::from_str(r#"{"command": {"export": {}}}"#).unwrap();
        assert!(!request.input);
    }

    #[test]
    fn serve_and_restore_are_never_sent() {
        assert!(for_running_portal(parse(&["serve"])).is_err());
        assert!(for_running_portal(parse(&["restore", "/backups/today"])).is_err());
    }

    #[test]
    fn reminder_flags_given_are_noted_also_at_their_defaults() {
        let Command::Remind(mail) = parse(&["remind", "--remind-days", "30,7"]) else {
            panic!("not a remind");
        };
        assert_eq!(mail.given, ["--remind-days"]);
        assert!(mail.sets("--remind-days"));
        assert!(!mail.sets("--isu-email"));
        let Command::Remind(mail) = parse(&["remind"]) else {
            panic!("not a remind");
        };
        assert!(mail.given.is_empty());
        assert!(!mail.sets("--remind-days"));
    }
}
