//! Renewal links: a token in a reminder that lets a submission's contact renew that one
//! submission, once, until a date, without the member password.
//!
//! A token is `ID.UNTIL.NONCE.MAC`: the submission id, the Unix time it stops working, 16
//! random bytes, and an HMAC-SHA-256 over all three (and the word `renew`) with a key the
//! portal keeps in its store. Nothing about it can be changed without the key, so it names
//! one submission and one purpose. Using it records its nonce in the store in the same
//! transaction as the renewal: a second use finds it there. This module never writes.
//!
//! The same key signs the portal's other single-use links (a contact's confirmation, an
//! access request's confirmation): [`LinkKey::issue_for`] and [`LinkKey::verify_for`] put a
//! purpose other than `renew` under the signature, so a link made for one purpose never
//! works for another; their nonces are recorded as used in the same table.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::{Store, StoreError};

/// The purpose under the signature of a renewal link.
const RENEW: &str = "renew";
/// The name of the signing key in the store's secrets.
const KEY_NAME: &str = "renewal-link-key";

type HmacSha256 = Hmac<Sha256>;

/// What is wrong with a renewal link, in words its holder can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("This renewal link is incomplete or damaged; copy the whole link from the e-mail")]
    Malformed,
    #[error("This renewal link is not valid; copy the whole link from the e-mail")]
    Forged,
    #[error(
        "This renewal link stopped working on {}; ask the ISU to renew the submission",
        crate::text::day_in_words(*.0)
    )]
    Expired(DateTime<Utc>),
    #[error(
        "This renewal link was already used on {}; each link works once",
        crate::text::moment_in_a_sentence(*.0)
    )]
    AlreadyUsed(DateTime<Utc>),
    #[error("Submission {id} is {status} and cannot be renewed by link; ask the ISU about it")]
    NotRenewable { id: String, status: String },
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    pub valid_until: DateTime<Utc>,
    /// Identifies this one link, so its use can be recorded.
    pub nonce: String,
}

/// The key that signs and checks renewal links.
pub struct LinkKey {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    pub fn new(key: Vec<u8>) -> LinkKey {
        LinkKey { key }
    }

    /// The store's key, made (256 random bits) and kept on first use.
    pub fn from_store(store: &Store) -> Result<LinkKey, StoreError> {
        if let Some(key) = store.read()?.secret(KEY_NAME)? {
            return Ok(LinkKey::new(key));
        }
        store.write(|writer| -> Result<LinkKey, StoreError> {
            // Another thread may have made it meanwhile: the one in the store wins.
            if let Some(key) = writer.secret(KEY_NAME)? {
                return Ok(LinkKey::new(key));
            }
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).map_err(|e| StoreError::Random(e.to_string()))?;
            writer.put_secret(KEY_NAME, &key)?;
            Ok(LinkKey::new(key))
        })
    }

    /// A new link token for renewing `id`, working until `valid_until`.
    pub fn issue(&self, id: &str, valid_until: DateTime<Utc>) -> Result<String, StoreError> {
        self.issue_for(RENEW, id, valid_until)
    }

    /// A new link token for `purpose` (a word without `|`, such as `confirm-contact`) about
    /// `subject` (an id or a number, without `|`), working until `valid_until`.
    pub fn issue_for(
        &self,
        purpose: &str,
        subject: &str,
        valid_until: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
        Ok(self.sign(
            purpose,
            subject,
            valid_until.timestamp(),
            &hex::encode(nonce),
        ))
    }

    fn sign(&self, purpose: &str, subject: &str, until: i64, nonce: &str) -> String {
        let mac = self
            .mac(purpose, subject, until, nonce)
            .finalize()
            .into_bytes();
        format!("{subject}.{until}.{nonce}.{}", hex::encode(mac))
    }

    fn mac(&self, purpose: &str, subject: &str, until: i64, nonce: &str) -> HmacSha256 {
        // HMAC takes keys of any length.
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(format!("{purpose}|{subject}|{until}|{nonce}").as_bytes());
        mac
    }

    /// Checks a renewal token's signature and date (not whether it was used: that is in the
    /// store).
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claim, LinkError> {
        self.verify_for(RENEW, token, now)
    }

    /// Checks a token made by [`LinkKey::issue_for`] for `purpose`: its signature and date.
    /// The claim's `id` is the subject. The errors speak of a renewal link; a caller for
    /// another purpose says the same in its own words.
    pub fn verify_for(
        &self,
        purpose: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, LinkError> {
        let mut parts = token.trim().rsplitn(4, '.');
        let (Some(mac), Some(nonce), Some(until), Some(id)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Malformed);
        };
        let until: i64 = until.parse().map_err(|_| LinkError::Malformed)?;
        let mac = hex::decode(mac).map_err(|_| LinkError::Malformed)?;
        if nonce.len() != 32 || hex::decode(nonce).is_err() || id.is_empty() {
            return Err(LinkError::Malformed);
        }
        self.mac(purpose, id, until, nonce)
            .verify_slice(&mac)
            .map_err(|_| LinkError::Forged)?;
        let valid_until = DateTime::from_timestamp(until, 0).ok_or(LinkError::Malformed)?;
        if now >= valid_until {
            return Err(LinkError::Expired(valid_until));
        }
        Ok(Claim {
            id: id.to_string(),
            valid_until,
            nonce: nonce.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn key() -> LinkKey {
        LinkKey::new(b"a key for tests, thirty-two bytes".to_vec())
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_token_names_its_submission_until_its_date() {
        let token = key().issue("NEED-2026-0042", at(20)).unwrap();
        let claim = key().verify(&token, at(1)).unwrap();
        assert_eq!(claim.id, "NEED-2026-0042");
        assert_eq!(claim.valid_until, at(20));
        assert_eq!(claim.nonce.len(), 32);
    }

    #[test]
    fn a_token_stops_working_at_its_date() {
        let token = key().issue("NEED-2026-0042", at(20)).unwrap();
        assert!(
            key()
                .verify(&token, at(20) - chrono::Duration::seconds(1))
                .is_ok()
        );
        assert_eq!(
            key().verify(&token, at(20)),
            Err(LinkError::Expired(at(20)))
        );
    }

    #[test]
    fn changing_any_part_breaks_the_signature() {
        let token = key().issue("NEED-2026-0042", at(20)).unwrap();
        let other_id = token.replacen("NEED-2026-0042", "NEED-2026-0043", 1);
        assert_eq!(key().verify(&other_id, at(1)), Err(LinkError::Forged));
        let later = token.replacen(
            &at(20).timestamp().to_string(),
            &at(28).timestamp().to_string(),
            1,
        );
        assert_eq!(key().verify(&later, at(1)), Err(LinkError::Forged));
        let other_key = LinkKey::new(b"another key".to_vec());
        assert_eq!(other_key.verify(&token, at(1)), Err(LinkError::Forged));
    }

    #[test]
    fn a_token_works_only_for_its_purpose() {
        let token = key().issue_for("confirm-contact", "17", at(20)).unwrap();
        assert_eq!(
            key()
                .verify_for("confirm-contact", &token, at(1))
                .unwrap()
                .id,
            "17"
        );
        assert_eq!(
            key().verify_for("confirm-access", &token, at(1)),
            Err(LinkError::Forged)
        );
        assert_eq!(key().verify(&token, at(1)), Err(LinkError::Forged));
    }

    #[test]
    fn damaged_tokens_are_malformed_not_errors() {
        for token in ["", "abc", "NEED-1.2.3.4", "a.b.c.d", "x.1.zz.zz", "..."] {
            assert_eq!(
                key().verify(token, at(1)),
                Err(LinkError::Malformed),
                "{token}"
            );
        }
        let token = key().issue("NEED-2026-0042", at(20)).unwrap();
        let cut = &token[..token.len() - 2];
        assert_eq!(key().verify(cut, at(1)), Err(LinkError::Forged));
    }
}
