//! The access tables: password hashes, sessions and the login log. Same rules as the rest of
//! the store; what they mean is decided in `crate::access`.

use chrono::{DateTime, Utc};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};

use super::{
    ACCESS_TOKENS, CREDENTIALS, LOGINS, Reader, Result, SESSIONS, Writer, decode_json, encode_json,
};

/// How many login attempts the log keeps; older ones are dropped.
const LOGIN_LOG_LIMIT: u64 = 10_000;

/// A password hash and when it was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// An argon2id PHC string.
    pub hash: String,
    pub changed_at: DateTime<Utc>,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    /// `member`, or `admin:NAME`.
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The token every form of this session must carry.
    pub csrf_token: String,
}

/// One login attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRecord {
    pub at: DateTime<Utc>,
    pub address: String,
    /// The account tried: `member` or `admin:NAME`.
    pub account: String,
    pub success: bool,
}

/// What a token lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "kebab-case")]
pub enum TokenPurpose {
    /// Read the JSON API, as a member would.
    Api,
    /// Read one Atom feed: the search with this query string.
    Feed { query: String },
}

/// An API or feed token, as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    #[serde(flatten)]
    pub purpose: TokenPurpose,
    /// What it is for, in the words of whoever made it.
    pub label: String,
    /// `member` or `admin:NAME`.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
}

impl Reader {
    pub fn token(&self, key: &str) -> Result<Option<StoredToken>> {
        let table = self.txn.open_table(ACCESS_TOKENS)?;
        let value = table.get(key)?;
        value.map(|v| decode_json("token", v.value())).transpose()
    }

    /// Every token, with its key, newest first.
    pub fn tokens(&self) -> Result<Vec<(String, StoredToken)>> {
        let table = self.txn.open_table(ACCESS_TOKENS)?;
        let mut all: Vec<(String, StoredToken)> = Vec::new();
        for entry in table.range::<&str>(..)? {
            let (key, value) = entry?;
            all.push((
                key.value().to_string(),
                decode_json("token", value.value())?,
            ));
        }
        all.sort_by_key(|(_, token)| std::cmp::Reverse(token.created_at));
        Ok(all)
    }

    pub fn credential(&self, account: &str) -> Result<Option<StoredCredential>> {
        let table = self.txn.open_table(CREDENTIALS)?;
        let value = table.get(account)?;
        value.map(|v| decode_json(account, v.value())).transpose()
    }

    /// Every account with a password, with when it was set.
    pub fn credentials(&self) -> Result<Vec<(String, StoredCredential)>> {
        let table = self.txn.open_table(CREDENTIALS)?;
        let mut all = Vec::new();
        for entry in table.range::<&str>(..)? {
            let (account, value) = entry?;
            all.push((
                account.value().to_string(),
                decode_json(account.value(), value.value())?,
            ));
        }
        Ok(all)
    }

    pub fn session(&self, key: &str) -> Result<Option<StoredSession>> {
        let table = self.txn.open_table(SESSIONS)?;
        let value = table.get(key)?;
        value.map(|v| decode_json("session", v.value())).transpose()
    }

    /// The newest login attempts first, at most `limit`.
    pub fn recent_logins(&self, limit: usize) -> Result<Vec<LoginRecord>> {
        let table = self.txn.open_table(LOGINS)?;
        let mut records = Vec::new();
        for entry in table.range::<u64>(..)?.rev().take(limit) {
            let (_, value) = entry?;
            records.push(decode_json("login", value.value())?);
        }
        Ok(records)
    }
}

impl Writer<'_> {
    pub fn token(&self, key: &str) -> Result<Option<StoredToken>> {
        let table = self.txn.open_table(ACCESS_TOKENS)?;
        let value = table.get(key)?;
        value.map(|v| decode_json("token", v.value())).transpose()
    }

    pub fn put_token(&mut self, key: &str, token: &StoredToken) -> Result<()> {
        self.txn
            .open_table(ACCESS_TOKENS)?
            .insert(key, encode_json("token", token)?.as_slice())?;
        Ok(())
    }

    pub fn put_credential(&mut self, account: &str, credential: &StoredCredential) -> Result<()> {
        let bytes = encode_json(account, credential)?;
        self.txn
            .open_table(CREDENTIALS)?
            .insert(account, bytes.as_slice())?;
        Ok(())
    }

    pub fn session(&self, key: &str) -> Result<Option<StoredSession>> {
        let table = self.txn.open_table(SESSIONS)?;
        let value = table.get(key)?;
        value.map(|v| decode_json("session", v.value())).transpose()
    }

    pub fn put_session(&mut self, key: &str, session: &StoredSession) -> Result<()> {
        let bytes = encode_json("session", session)?;
        self.txn
            .open_table(SESSIONS)?
            .insert(key, bytes.as_slice())?;
        Ok(())
    }

    pub fn remove_session(&mut self, key: &str) -> Result<()> {
        self.txn.open_table(SESSIONS)?.remove(key)?;
        Ok(())
    }

    /// Removes every session for which `ends` says so; returns how many.
    pub fn remove_sessions_where(
        &mut self,
        ends: impl Fn(&StoredSession) -> bool,
    ) -> Result<usize> {
        let mut table = self.txn.open_table(SESSIONS)?;
        let mut doomed = Vec::new();
        for entry in table.range::<&str>(..)? {
            let (key, value) = entry?;
            let session: StoredSession = decode_json("session", value.value())?;
            if ends(&session) {
                doomed.push(key.value().to_string());
            }
        }
        for key in &doomed {
            table.remove(key.as_str())?;
        }
        Ok(doomed.len())
    }

    pub fn log_login(&mut self, record: &LoginRecord) -> Result<()> {
        let mut table = self.txn.open_table(LOGINS)?;
        let next = table.last()?.map_or(1, |(k, _)| k.value() + 1);
        table.insert(next, encode_json("login", record)?.as_slice())?;
        if table.len()? > LOGIN_LOG_LIMIT {
            let oldest = table.first()?.map(|(k, _)| k.value());
            if let Some(oldest) = oldest {
                table.remove(oldest)?;
            }
        }
        Ok(())
    }
}
