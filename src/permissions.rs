//! Who may read the portal's files: the user it runs as, and no one else. The data folder holds
//! password hashes and the control socket, the index folder the text of pending submissions.
//!
//! Two parts: a file-creation mask (umask 077) so that what the process creates from then on
//! (redb's file, tantivy's segments, the outbox, backups) is private from the start, and
//! [`tighten`], which makes an existing folder private when it was made more open (by an older
//! version, or by hand).

use std::fs::{self, Permissions};
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rustix::fs::Mode;

/// The mode of a private folder: its user may list, enter and change it.
pub const PRIVATE_FOLDER: u32 = 0o700;
/// The mode of a private file: its user may read and write it.
pub const PRIVATE_FILE: u32 = 0o600;

/// From now on, every file and folder this process creates is readable by its user alone
/// (umask 077). The mask belongs to the whole process, threads included.
pub fn restrict_new_files() {
    rustix::process::umask(Mode::from_raw_mode(0o077));
}

/// Makes `folder` and everything under it private: folders at most 0700, files at most 0600
/// (permissions are only ever taken away). Symbolic links are not followed. Returns how many
/// folders and files had to change.
pub fn tighten(folder: &Path) -> io::Result<usize> {
    let mut changed = 0;
    let mut folders = vec![folder.to_path_buf()];
    while let Some(current) = folders.pop() {
        changed += restrict(&current, PRIVATE_FOLDER)?;
        for entry in fs::read_dir(&current)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(entry.path());
            } else if !kind.is_symlink() {
                changed += restrict(&entry.path(), PRIVATE_FILE)?;
            }
        }
    }
    Ok(changed)
}

/// Takes from `path` every permission `allowed` does not give; 1 when that changed anything.
/// A file that disappeared meanwhile (tantivy deletes merged segments) counts as done.
fn restrict(path: &Path, allowed: u32) -> io::Result<usize> {
    let mode = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata.permissions().mode() & 0o7777,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    if mode & !allowed == 0 {
        return Ok(0);
    }
    match fs::set_permissions(path, Permissions::from_mode(mode & allowed)) {
        Ok(()) => Ok(1),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(error),
    }
}
