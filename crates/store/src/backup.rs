//! A consistent copy of the whole store: every table, read in one read transaction (so it is
//! one moment's state even while writes go on), written to a new database file.

use std::path::Path;

use redb::{
    Database, Key, ReadTransaction, ReadableDatabase, TableDefinition, TableHandle, Value,
    WriteTransaction,
};

use super::{
    ACCESS_TOKENS, ARCHIVE, AUDIT, CHANGED_AT, CHANGES, COUNTERS, CREDENTIALS, EXTERNAL_KEYS,
    LAST_LETTER_TO, LETTERS, LOGINS, MESSAGE_KEYS, MESSAGE_OF_SUBMISSION, MESSAGES, MESSAGES_RAW,
    OUTSTANDING_LETTERS, OUTSTANDING_REMINDERS, REMINDERS, Result, SECRETS, SESSIONS, SUBMISSIONS,
    Store, StoreError, USED_RENEWAL_LINKS, VERSIONS,
};

/// What a backup copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupCount {
    pub tables: usize,
    pub rows: u64,
    /// The change sequence at the moment copied.
    pub seq: u64,
    names: Vec<String>,
}

fn copy<K: Key + 'static, V: Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    definition: TableDefinition<K, V>,
    count: &mut BackupCount,
) -> Result<()> {
    count.names.push(definition.name().to_string());
    let source = from.open_table(definition)?;
    let mut target = to.open_table(definition)?;
    for entry in redb::ReadableTable::iter(&source)? {
        let (key, value) = entry?;
        target.insert(key.value(), value.value())?;
        count.rows += 1;
    }
    count.tables += 1;
    Ok(())
}

impl Store {
    /// Copies every table, as of one moment, into a new database at `path` (which must not
    /// exist). Writers are not held up: the copy reads a snapshot.
    pub fn backup_to(&self, path: &Path) -> Result<BackupCount> {
        let from = self.db.begin_read()?;
        let target = Database::create(path)?;
        let to = target.begin_write()?;
        let mut count = BackupCount::default();
        copy(&from, &to, SUBMISSIONS, &mut count)?;
        copy(&from, &to, VERSIONS, &mut count)?;
        copy(&from, &to, CHANGES, &mut count)?;
        copy(&from, &to, CHANGED_AT, &mut count)?;
        copy(&from, &to, COUNTERS, &mut count)?;
        copy(&from, &to, EXTERNAL_KEYS, &mut count)?;
        copy(&from, &to, ARCHIVE, &mut count)?;
        copy(&from, &to, CREDENTIALS, &mut count)?;
        copy(&from, &to, SESSIONS, &mut count)?;
        copy(&from, &to, LOGINS, &mut count)?;
        copy(&from, &to, AUDIT, &mut count)?;
        copy(&from, &to, MESSAGES_RAW, &mut count)?;
        copy(&from, &to, MESSAGES, &mut count)?;
        copy(&from, &to, MESSAGE_KEYS, &mut count)?;
        copy(&from, &to, REMINDERS, &mut count)?;
        copy(&from, &to, OUTSTANDING_REMINDERS, &mut count)?;
        copy(&from, &to, USED_RENEWAL_LINKS, &mut count)?;
        copy(&from, &to, SECRETS, &mut count)?;
        copy(&from, &to, ACCESS_TOKENS, &mut count)?;
        copy(&from, &to, LETTERS, &mut count)?;
        copy(&from, &to, OUTSTANDING_LETTERS, &mut count)?;
        copy(&from, &to, LAST_LETTER_TO, &mut count)?;
        copy(&from, &to, MESSAGE_OF_SUBMISSION, &mut count)?;
        // A table added to the store but not to this list would be lost silently: refuse.
        for table in from.list_tables()? {
            if !count.names.iter().any(|n| n == table.name()) {
                return Err(StoreError::UnknownTable(table.name().to_string()));
            }
        }
        count.seq = {
            let counters = from.open_table(COUNTERS)?;
            redb::ReadableTable::get(&counters, super::SEQ)?.map_or(0, |v| v.value())
        };
        to.commit()?;
        Ok(count)
    }
}
