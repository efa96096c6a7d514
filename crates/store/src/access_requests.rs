//! The access-request tables: requests for the member password made on the public form, and
//! the focal-point list (the approved requesters, who receive each new member password). What
//! the states mean and who may change them is decided in `portal::access_requests`; this
//! module only keeps them.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{ACCESS_REQUESTS, FOCAL_POINTS, Reader, Result, Writer, decode_json, encode_json};

/// The counter that numbers access requests.
const REQUEST_COUNTER: &str = "access-requests";

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum RequestState {
    /// Its confirmation link has not been used yet: admins do not see it.
    Unconfirmed,
    /// Confirmed by its link; waiting for an admin.
    Waiting { confirmed_at: DateTime<Utc> },
    Approved {
        by: String,
        at: DateTime<Utc>,
        #[serde(default)]
        note: String,
    },
    Declined {
        by: String,
        at: DateTime<Utc>,
        #[serde(default)]
        note: String,
    },
}

impl RequestState {
    pub fn label(&self) -> &'static str {
        match self {
            RequestState::Unconfirmed => "unconfirmed",
            RequestState::Waiting { .. } => "waiting",
            RequestState::Approved { .. } => "approved",
            RequestState::Declined { .. } => "declined",
        }
    }
}

/// Who asks for access, as they wrote it on the form (checked by the portal before storing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: String,
    pub organisation: String,
    /// A submitter type's slug (`state-party`, `ngo`, …).
    pub submitter_type: String,
    /// The State's ISO alpha-3 code, for a State Party or Signatory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The official e-mail address (as typed, trimmed).
    pub email: String,
    pub role: String,
}

/// One access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestRecord {
    /// Its number, given by [`Writer::put_new_access_request`].
    pub number: u64,
    pub requester: Requester,
    pub requested_at: DateTime<Utc>,
    /// The client address it came from.
    pub address: String,
    #[serde(flatten)]
    pub state: RequestState,
}

/// A focal point: an approved requester, who receives each new member password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocalPoint {
    /// The number of the request that made it one.
    pub number: u64,
    pub person: Requester,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    /// Removed from the list (kept, with who and when): receives no further passwords.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Removal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub by: String,
    pub at: DateTime<Utc>,
}

impl FocalPoint {
    pub fn is_current(&self) -> bool {
        self.removed.is_none()
    }
}

impl Reader {
    pub fn access_request(&self, number: u64) -> Result<Option<AccessRequestRecord>> {
        let table = self.txn.open_table(ACCESS_REQUESTS)?;
        let value = table.get(number)?;
        value
            .map(|v| decode_json("access request", v.value()))
            .transpose()
    }

    /// Every request, newest first.
    pub fn access_requests(&self) -> Result<Vec<AccessRequestRecord>> {
        let table = self.txn.open_table(ACCESS_REQUESTS)?;
        let mut all = Vec::new();
        for entry in table.iter()?.rev() {
            let (_, value) = entry?;
            all.push(decode_json("access request", value.value())?);
        }
        Ok(all)
    }

    pub fn focal_point(&self, number: u64) -> Result<Option<FocalPoint>> {
        let table = self.txn.open_table(FOCAL_POINTS)?;
        let value = table.get(number)?;
        value
            .map(|v| decode_json("focal point", v.value()))
            .transpose()
    }

    /// Every focal point ever approved (removed ones too), in the order approved requests
    /// were made.
    pub fn focal_points(&self) -> Result<Vec<FocalPoint>> {
        focal_points(&self.txn.open_table(FOCAL_POINTS)?)
    }
}

fn focal_points(table: &impl ReadableTable<u64, &'static [u8]>) -> Result<Vec<FocalPoint>> {
    let mut all = Vec::new();
    for entry in table.iter()? {
        let (_, value) = entry?;
        all.push(decode_json("focal point", value.value())?);
    }
    Ok(all)
}

impl Writer<'_> {
    pub fn access_request(&self, number: u64) -> Result<Option<AccessRequestRecord>> {
        let table = self.txn.open_table(ACCESS_REQUESTS)?;
        let value = table.get(number)?;
        value
            .map(|v| decode_json("access request", v.value()))
            .transpose()
    }

    /// Stores a new request under the next number (its `number` is set). Returns the number.
    pub fn put_new_access_request(&mut self, record: &mut AccessRequestRecord) -> Result<u64> {
        let number = self.next_number(REQUEST_COUNTER)?;
        record.number = number;
        self.put_access_request(record)?;
        Ok(number)
    }

    pub fn put_access_request(&mut self, record: &AccessRequestRecord) -> Result<()> {
        self.txn.open_table(ACCESS_REQUESTS)?.insert(
            record.number,
            encode_json("access request", record)?.as_slice(),
        )?;
        Ok(())
    }

    pub fn focal_point(&self, number: u64) -> Result<Option<FocalPoint>> {
        let table = self.txn.open_table(FOCAL_POINTS)?;
        let value = table.get(number)?;
        value
            .map(|v| decode_json("focal point", v.value()))
            .transpose()
    }

    /// Every focal point (see [`Reader::focal_points`]).
    pub fn focal_points(&self) -> Result<Vec<FocalPoint>> {
        focal_points(&self.txn.open_table(FOCAL_POINTS)?)
    }

    pub fn put_focal_point(&mut self, focal_point: &FocalPoint) -> Result<()> {
        self.txn.open_table(FOCAL_POINTS)?.insert(
            focal_point.number,
            encode_json("focal point", focal_point)?.as_slice(),
        )?;
        Ok(())
    }
}
