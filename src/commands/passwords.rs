//! `set-password`: the new password read from standard input, never from an argument.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result, bail};

use portal::access::{self, Account};
use portal::access_requests;
use portal::catalogue::Catalogue;

use crate::args::PasswordAccount;

use super::{SUCCESS, Streams};

pub fn read_password_from_stdin() -> Result<String> {
    let stdin = io::stdin();
    let input_is_terminal = stdin.is_terminal();
    read_password(&mut Streams {
        input: &mut stdin.lock(),
        input_is_terminal,
        out: &mut io::sink(),
        err: &mut io::stderr(),
        progress: false,
    })
}

pub(super) fn set_password(
    catalogue: &Catalogue,
    streams: &mut Streams,
    account: &PasswordAccount,
) -> Result<u8> {
    let account = match account {
        PasswordAccount::Member => Account::Member,
        PasswordAccount::Admin { name } => Account::admin(name)?,
    };
    let password = read_password(streams)?;
    let mut focal_points = 0;
    if account == Account::Member {
        // The letters come from the address the portal last served with.
        let isu_email = access_requests::remembered_isu_email(catalogue)?
            .unwrap_or_else(|| crate::args::DEFAULT_ISU_EMAIL.to_string());
        focal_points = access_requests::rotate_member_password(
            catalogue,
            &password,
            "command line",
            &isu_email,
        )?;
    } else {
        access::set_password(catalogue, &account, &password)?;
    }
    match &account {
        Account::Member => writeln!(
            streams.out,
            "The member password is set; every member session has ended.\n\
             A letter with it is queued for each of the {focal_points} focal point(s)."
        )?,
        Account::Admin(name) => writeln!(
            streams.out,
            "The password of admin account '{name}' is set; its sessions have ended."
        )?,
    }
    Ok(SUCCESS)
}

/// Reads a new password: one line of standard input, without its line ending. On a terminal it
/// asks for it first (what is typed is shown: no crate for hidden input is used).
pub fn read_password(streams: &mut Streams) -> Result<String> {
    if streams.input_is_terminal {
        write!(
            streams.err,
            "New password (at least {} characters; it is shown as you type): ",
            access::MIN_PASSWORD_CHARS
        )?;
        streams.err.flush()?;
    }
    let mut line = String::new();
    let read = streams
        .input
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    if read == 0 {
        bail!(
            "no password on standard input; type it, or pipe it in, e.g. \
             `portal set-password member < file-with-the-password`"
        );
    }
    let password = line
        .strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(&line);
    Ok(password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password_from(input: &str) -> Result<String> {
        read_password(&mut Streams {
            input: &mut input.as_bytes(),
            input_is_terminal: false,
            out: &mut io::sink(),
            err: &mut io::sink(),
            progress: false,
        })
    }

    #[test]
    fn a_password_is_one_line_without_its_line_ending() {
        assert_eq!(password_from("secret words\n").unwrap(), "secret words");
        assert_eq!(password_from("secret words\r\n").unwrap(), "secret words");
        assert_eq!(password_from("no newline").unwrap(), "no newline");
        assert_eq!(password_from("first\nsecond\n").unwrap(), "first");
        assert_eq!(password_from(" spaces kept \n").unwrap(), " spaces kept ");
        assert!(password_from("").is_err());
    }
}
