//! Access: passwords, sessions and the throttling of failed logins.
//!
//! Members share one access password; ISU staff have named admin accounts. Passwords are kept
//! only as argon2id PHC strings (OWASP's minimum: 19 MiB, 2 iterations). Sessions live in the
//! store, keyed by the SHA-256 of their random 256-bit id, so the store never holds a usable id.
//! Hashing is slow on purpose: callers on async threads must run it with `spawn_blocking`.
//! This module knows nothing of HTTP.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::catalogue::Catalogue;
use crate::store::{
    LoginRecord, StoreError, StoredCredential, StoredSession, StoredToken, TokenPurpose, Writer,
};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Sessions seen within this long are not written again just to record the visit.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the password is too short: use at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error(
        "an admin name is 1 to 64 letters, digits, dots, hyphens or underscores; \"{0}\" is not"
    )]
    BadAdminName(String),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("the system's random source failed: {0}")]
    Random(String),
}

pub type Result<T, E = AccessError> = std::result::Result<T, E>;

/// Who a password or session belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    /// Any delegation, with the shared access password.
    Member,
    /// A named ISU staff member.
    Admin(String),
}

impl Account {
    /// Reads `member` or `admin:NAME`.
    pub fn from_key(key: &str) -> Option<Account> {
        match key {
            "member" => Some(Account::Member),
            other => other
                .strip_prefix("admin:")
                .map(|name| Account::Admin(name.to_string())),
        }
    }

    /// `member` or `admin:NAME`, as stored.
    pub fn key(&self) -> String {
        match self {
            Account::Member => "member".to_string(),
            Account::Admin(name) => format!("admin:{name}"),
        }
    }

    /// An admin account, if the name is acceptable.
    pub fn admin(name: &str) -> Result<Account> {
        let name = name.trim();
        let acceptable = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if acceptable {
            Ok(Account::Admin(name.to_string()))
        } else {
            Err(AccessError::BadAdminName(name.to_string()))
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Account::Admin(_))
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Account::Member => f.write_str("member access"),
            Account::Admin(name) => write!(f, "admin {name}"),
        }
    }
}

fn hasher() -> Argon2<'static> {
    // 19 MiB, 2 iterations, 1 lane: OWASP's recommended minimum for argon2id. The numbers are
    // valid constants, so `Params::new` cannot fail here.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AccessError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A random 256-bit token, hex-encoded.
pub fn random_token() -> Result<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// A random password people can type: 20 letters and digits in groups of five.
pub fn random_password() -> Result<String> {
    // No 0/O, 1/l/I: easy to read out and type.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes::<20>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The argon2id PHC string of `password`. Slow on purpose.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AccessError::Hashing(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccessError::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC string. Slow on purpose.
pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The store key of a session id: its SHA-256, so the store never holds a usable id.
pub fn session_key(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// The name under which the store's secrets keep the member password in plain text: it is a
/// shared secret meant to be handed out (to each approved focal point). Admin passwords are
/// never kept but as hashes.
pub const MEMBER_PASSWORD_SECRET: &str = "member-password";

/// Sets or rotates a password. Rotating the member password ends every member session at
/// once; rotating an admin's ends that admin's sessions.
pub fn set_password(catalogue: &Catalogue, account: &Account, password: &str) -> Result<()> {
    set_password_and(catalogue, account, password, |_, _| {
        Ok::<(), AccessError>(())
    })
}

/// [`set_password`], doing `also` (say, writing the new member password to the focal points)
/// in the same write transaction, at the same moment: all of it happens, or none.
pub fn set_password_and<T, E>(
    catalogue: &Catalogue,
    account: &Account,
    password: &str,
    also: impl FnOnce(&mut Writer, DateTime<Utc>) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<AccessError> + From<StoreError>,
{
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccessError::TooShort.into());
    }
    let hash = hash_password(password)?;
    let now = catalogue.now();
    let key = account.key();
    catalogue
        .store()
        .write(|writer| -> std::result::Result<T, E> {
            writer.put_credential(
                &key,
                &StoredCredential {
                    hash,
                    changed_at: now,
                },
            )?;
            writer.remove_sessions_where(|session| session.account == key)?;
            if *account == Account::Member {
                writer.put_secret(MEMBER_PASSWORD_SECRET, password.as_bytes())?;
            }
            also(writer, now)
        })
}

/// On first start: if no member password or no admin account exists, makes random ones, stores
/// their hashes, and returns them so they can be printed once.
pub fn ensure_initial_passwords(catalogue: &Catalogue) -> Result<Vec<(Account, String)>> {
    let existing = catalogue.store().read()?.credentials()?;
    let mut created = Vec::new();
    if !existing.iter().any(|(key, _)| key == "member") {
        created.push((Account::Member, random_password()?));
    }
    if !existing.iter().any(|(key, _)| key.starts_with("admin:")) {
        created.push((Account::Admin("admin".to_string()), random_password()?));
    }
    for (account, password) in &created {
        set_password(catalogue, account, password)?;
    }
    Ok(created)
}

/// When each password was last set.
pub fn password_ages(catalogue: &Catalogue) -> Result<Vec<(Account, DateTime<Utc>)>> {
    Ok(catalogue
        .store()
        .read()?
        .credentials()?
        .into_iter()
        .filter_map(|(key, c)| Account::from_key(&key).map(|a| (a, c.changed_at)))
        .collect())
}

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimeouts {
    /// Ended after this long without a request.
    pub idle: Duration,
    /// Ended this long after login, however active.
    pub absolute: Duration,
}

impl Default for SessionTimeouts {
    fn default() -> Self {
        SessionTimeouts {
            idle: Duration::hours(2),
            absolute: Duration::hours(12),
        }
    }
}

/// A session that a browser holds: its id (for the cookie) and what the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub account: Account,
    pub csrf_token: String,
}

/// Checks a password for `account`, records the attempt, and on success starts a new session
/// (always a new id). The same answer, `None`, for every kind of failure. Slow on purpose.
pub fn login(
    catalogue: &Catalogue,
    account: &Account,
    password: &str,
    address: &str,
) -> Result<Option<Session>> {
    let credential = catalogue.store().read()?.credential(&account.key())?;
    let success = match &credential {
        Some(credential) => verify_password(&credential.hash, password),
        None => {
            // Spend the same time on unknown accounts, so timing does not tell them apart.
            let _ = hash_password(password);
            false
        }
    };
    let now = catalogue.now();
    let session = if success {
        Some(Session {
            id: random_token()?,
            account: account.clone(),
            csrf_token: random_token()?,
        })
    } else {
        None
    };
    catalogue.store().write(|writer| -> Result<()> {
        writer.log_login(&LoginRecord {
            at: now,
            address: address.to_string(),
            account: account.key(),
            success,
        })?;
        if let Some(session) = &session {
            writer.put_session(
                &session_key(&session.id),
                &StoredSession {
                    account: account.key(),
                    created_at: now,
                    last_seen: now,
                    csrf_token: session.csrf_token.clone(),
                },
            )?;
        }
        Ok(())
    })?;
    Ok(session)
}

/// The live session with this id, if any: ended sessions (idle, absolute time-out, password
/// rotated, logged out) are `None`, and expired ones are removed.
pub fn session(
    catalogue: &Catalogue,
    id: &str,
    timeouts: SessionTimeouts,
) -> Result<Option<Session>> {
    let key = session_key(id);
    let Some(stored) = catalogue.store().read()?.session(&key)? else {
        return Ok(None);
    };
    let now = catalogue.now();
    if has_ended(&stored, now, timeouts) {
        catalogue
            .store()
            .write(|writer| writer.remove_session(&key))?;
        return Ok(None);
    }
    if needs_touch(&stored, now) {
        catalogue.store().write(|writer| -> Result<()> {
            if let Some(mut current) = writer.session(&key)? {
                current.last_seen = now;
                writer.put_session(&key, &current)?;
            }
            Ok(())
        })?;
    }
    Ok(live(id, stored))
}

/// What reading the store alone tells of a session (see [`session_by_reading`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadSession {
    /// The answer: no such session, or a live one seen recently.
    Answered(Option<Session>),
    /// Answering means writing (removing an ended session, or noting that it was seen),
    /// which [`session`] does.
    NeedsWrite,
}

/// [`session`] when it can be answered by reading alone.
pub fn session_by_reading(
    catalogue: &Catalogue,
    id: &str,
    timeouts: SessionTimeouts,
) -> Result<ReadSession> {
    let Some(stored) = catalogue.store().read()?.session(&session_key(id))? else {
        return Ok(ReadSession::Answered(None));
    };
    let now = catalogue.now();
    if has_ended(&stored, now, timeouts) || needs_touch(&stored, now) {
        return Ok(ReadSession::NeedsWrite);
    }
    Ok(ReadSession::Answered(live(id, stored)))
}

/// Removes every session that has ended (idle or past its absolute time-out), so that
/// sessions nobody uses again do not pile up; returns how many. A running portal does this
/// every minute.
pub fn purge_ended_sessions(catalogue: &Catalogue, timeouts: SessionTimeouts) -> Result<usize> {
    let now = catalogue.now();
    Ok(catalogue
        .store()
        .write(|writer| writer.remove_sessions_where(|stored| has_ended(stored, now, timeouts)))?)
}

fn has_ended(stored: &StoredSession, now: DateTime<Utc>, timeouts: SessionTimeouts) -> bool {
    now - stored.last_seen >= timeouts.idle || now - stored.created_at >= timeouts.absolute
}

fn needs_touch(stored: &StoredSession, now: DateTime<Utc>) -> bool {
    now - stored.last_seen >= Duration::seconds(TOUCH_INTERVAL_SECONDS)
}

fn live(id: &str, stored: StoredSession) -> Option<Session> {
    let account = Account::from_key(&stored.account)?;
    Some(Session {
        id: id.to_string(),
        account,
        csrf_token: stored.csrf_token,
    })
}

/// Ends a session.
pub fn logout(catalogue: &Catalogue, id: &str) -> Result<()> {
    let key = session_key(id);
    Ok(catalogue
        .store()
        .write(|writer| writer.remove_session(&key))?)
}

/// The most recent login attempts, newest first.
pub fn recent_logins(catalogue: &Catalogue, limit: usize) -> Result<Vec<LoginRecord>> {
    Ok(catalogue.store().read()?.recent_logins(limit)?)
}

/// Compares two strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Slows down failed logins per client address: after a few failures, each further attempt
/// must wait twice as long as the one before (up to a cap). An attempt counts as a failure
/// from the moment it is let through, before its password is checked, so a burst of attempts
/// at once is throttled like the same attempts one after the other; a correct password clears
/// its address. Only the address that failed is slowed for long. Besides, the shared member
/// password takes at most [`MEMBER_FAILURES_PER_MINUTE`] failures a minute from all addresses
/// together (beyond them every member login waits, at most a minute), and only
/// [`CONCURRENT_CHECKS`] passwords are checked at once, so logins cannot starve the pages.
#[derive(Debug)]
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, Failures>>,
    /// When the member password failed in the last minute, oldest first.
    member_failures: Mutex<std::collections::VecDeque<DateTime<Utc>>>,
    /// One permit per password check running.
    pub checks: tokio::sync::Semaphore,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            failures: Mutex::default(),
            member_failures: Mutex::default(),
            checks: tokio::sync::Semaphore::new(CONCURRENT_CHECKS),
        }
    }
}

/// Failures of the member password allowed in a minute, from every address together.
pub const MEMBER_FAILURES_PER_MINUTE: usize = 30;
/// Password checks (argon2, slow on purpose) run at once at most.
pub const CONCURRENT_CHECKS: usize = 2;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// Failures allowed before any waiting.
const FREE_FAILURES: u32 = 3;
/// The longest wait, in seconds.
const MAX_WAIT_SECONDS: i64 = 15 * 60;
/// How many addresses the throttle remembers at most; the oldest are forgotten first.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

impl Throttle {
    /// `Err(seconds)` when `address` must wait before trying again.
    fn check(&self, address: IpAddr, now: DateTime<Utc>) -> std::result::Result<(), i64> {
        let failures = self.lock();
        match failures.get(&address) {
            Some(f) if f.count >= FREE_FAILURES => {
                let wait = wait_seconds(f.count);
                let ready = f.last + Duration::seconds(wait);
                if now < ready {
                    Err((ready - now).num_seconds().max(1))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Lets an attempt from `address` through, counting it as a failure until
    /// [`Throttle::succeeded`] says otherwise; `Err(seconds)` when it must wait instead.
    pub fn attempt(&self, address: IpAddr, now: DateTime<Utc>) -> std::result::Result<(), i64> {
        self.check(address, now)?;
        self.failed(address, now);
        Ok(())
    }

    /// `Err(seconds)` while the member password has failed too often in the last minute.
    pub fn member_ceiling(&self, now: DateTime<Utc>) -> std::result::Result<(), i64> {
        let mut failures = self.member_failures();
        let minute_ago = now - Duration::minutes(1);
        while failures.front().is_some_and(|at| *at <= minute_ago) {
            failures.pop_front();
        }
        match failures.front() {
            Some(oldest) if failures.len() >= MEMBER_FAILURES_PER_MINUTE => {
                Err((*oldest - minute_ago).num_seconds().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure of the member password towards the ceiling.
    pub fn member_failed(&self, now: DateTime<Utc>) {
        let mut failures = self.member_failures();
        failures.push_back(now);
        while failures.len() > MEMBER_FAILURES_PER_MINUTE {
            failures.pop_front();
        }
    }

    fn member_failures(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::VecDeque<DateTime<Utc>>> {
        self.member_failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn failed(&self, address: IpAddr, now: DateTime<Utc>) {
        let mut failures = self.lock();
        if failures.len() >= MAX_TRACKED_ADDRESSES {
            let cutoff = now - Duration::seconds(MAX_WAIT_SECONDS);
            failures.retain(|_, f| f.last > cutoff);
        }
        let entry = failures.entry(address).or_insert(Failures {
            count: 0,
            last: now,
        });
        entry.count += 1;
        entry.last = now;
    }

    pub fn succeeded(&self, address: IpAddr) {
        self.lock().remove(&address);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Failures>> {
        // A panic while holding this lock leaves a consistent map; keep using it.
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// 1, 2, 4 … seconds after the free failures, capped.
fn wait_seconds(count: u32) -> i64 {
    let doublings = count.saturating_sub(FREE_FAILURES).min(20);
    (1i64 << doublings).min(MAX_WAIT_SECONDS)
}

/// Makes a token for `purpose` and returns it: the only time it is ever shown. The store keeps
/// its SHA-256.
pub fn issue_token(
    catalogue: &Catalogue,
    purpose: TokenPurpose,
    label: &str,
    created_by: &Account,
) -> Result<String> {
    let token = random_token()?;
    let stored = StoredToken {
        purpose,
        label: label.trim().chars().take(200).collect(),
        created_by: created_by.key(),
        created_at: catalogue.now(),
        revoked_at: None,
        revoked_by: None,
    };
    catalogue
        .store()
        .write(|writer| writer.put_token(&session_key(&token), &stored))?;
    Ok(token)
}

/// What a token may do, if it exists and has not been revoked.
pub fn check_token(catalogue: &Catalogue, token: &str) -> Result<Option<StoredToken>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let stored = catalogue.store().read()?.token(&session_key(token))?;
    Ok(stored.filter(|t| t.revoked_at.is_none()))
}

/// Revokes a token by its key (the SHA-256 shown on the admin page). False if there is none.
pub fn revoke_token(catalogue: &Catalogue, key: &str, by: &Account) -> Result<bool> {
    let now = catalogue.now();
    catalogue.store().write(|writer| -> Result<bool> {
        let Some(mut token) = writer.token(key)? else {
            return Ok(false);
        };
        if token.revoked_at.is_none() {
            token.revoked_at = Some(now);
            token.revoked_by = Some(by.key());
            writer.put_token(key, &token)?;
        }
        Ok(true)
    })
}

/// Every token ever issued, newest first, by key.
pub fn tokens(catalogue: &Catalogue) -> Result<Vec<(String, StoredToken)>> {
    Ok(catalogue.store().read()?.tokens()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong horse battery"));
        assert!(!verify_password("not a hash", "anything"));
    }

    #[test]
    fn random_passwords_are_long_and_differ() {
        let a = random_password().unwrap();
        assert_eq!(a.len(), 23);
        assert_ne!(a, random_password().unwrap());
    }

    #[test]
    fn the_throttle_waits_longer_after_each_failure_and_only_for_that_address() {
        let throttle = Throttle::default();
        let now = Utc::now();
        let one: IpAddr = "127.0.0.2".parse().unwrap();
        let other: IpAddr = "127.0.0.3".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(throttle.check(one, now).is_ok());
            throttle.failed(one, now);
        }
        assert_eq!(throttle.check(one, now), Err(1));
        throttle.failed(one, now);
        assert_eq!(throttle.check(one, now), Err(2));
        assert!(throttle.check(other, now).is_ok());
        assert!(throttle.check(one, now + Duration::seconds(2)).is_ok());
        throttle.succeeded(one);
        assert!(throttle.check(one, now).is_ok());
    }

    #[test]
    fn attempts_count_before_their_password_is_checked() {
        let throttle = Throttle::default();
        let now = Utc::now();
        let one: IpAddr = "127.0.0.2".parse().unwrap();
        // A burst: the first few go through, the next waits, before any answer is known.
        for _ in 0..FREE_FAILURES {
            assert!(throttle.attempt(one, now).is_ok());
        }
        assert_eq!(throttle.attempt(one, now), Err(1));
        // A correct password among them clears the address.
        throttle.succeeded(one);
        assert!(throttle.attempt(one, now).is_ok());
    }

    #[test]
    fn the_member_password_takes_a_ceiling_of_failures_a_minute_from_everyone() {
        let throttle = Throttle::default();
        let now = Utc::now();
        for i in 0..MEMBER_FAILURES_PER_MINUTE {
            assert!(throttle.member_ceiling(now).is_ok(), "{i}");
            throttle.member_failed(now);
        }
        assert_eq!(throttle.member_ceiling(now), Err(60));
        assert_eq!(
            throttle.member_ceiling(now + Duration::seconds(45)),
            Err(15)
        );
        assert!(throttle.member_ceiling(now + Duration::seconds(61)).is_ok());
    }

    #[test]
    fn admin_names_are_checked() {
        assert!(Account::admin("isu.staff-1").is_ok());
        assert!(Account::admin("no spaces").is_err());
        assert_eq!(
            Account::from_key("admin:x"),
            Some(Account::Admin("x".into()))
        );
    }
}
