//! A submission's structured parts, chosen before its texts are written ([`Draft`]), and the
//! words and numbers its texts share ([`Picks`]).

use chrono::NaiveDate;

use portal_domain::submission::{
    Area, Assistance, Beneficiaries, Contact, Funding, Kind, Period, Provenance, Source, Status,
    Submission, Submitter, Timestamps,
};

use crate::organisations::{Affected, Org};

/// The structured parts of a submission, chosen before its texts are written.
pub(crate) struct Draft {
    pub(crate) kind: Kind,
    pub(crate) status: Status,
    pub(crate) org: &'static Org,
    /// The affected State the texts talk about.
    pub(crate) place: &'static Affected,
    pub(crate) areas: Vec<Area>,
    pub(crate) dac_sectors: Vec<u32>,
    pub(crate) assistance: Vec<Assistance>,
    pub(crate) beneficiaries: Beneficiaries,
    pub(crate) funding: Option<Funding>,
    pub(crate) period: Period,
    pub(crate) contact: Contact,
    pub(crate) links: Vec<String>,
    pub(crate) timestamps: Timestamps,
}

/// The words and numbers a submission's texts use, chosen once so that title, summary and
/// description agree.
pub(crate) struct Picks {
    pub(crate) province: &'static str,
    pub(crate) province2: &'static str,
    pub(crate) topic: &'static str,
    pub(crate) purpose: &'static str,
    pub(crate) device: &'static str,
    pub(crate) donor: &'static Org,
    /// Whether the primary area's work happens in provinces.
    pub(crate) local: bool,
    /// Whether texts may name the Convention's obligations: the State concerned is a party.
    pub(crate) party: bool,
    pub(crate) m2: u64,
    pub(crate) ha: u64,
    pub(crate) people: u64,
    pub(crate) villages: u64,
    pub(crate) teams: u64,
    pub(crate) items: u64,
    pub(crate) stock: u64,
    pub(crate) survivors: u64,
    pub(crate) delay: u64,
    pub(crate) women_pct: u64,
    pub(crate) year: i32,
    pub(crate) year_end: i32,
    pub(crate) months: u32,
    pub(crate) deadline: NaiveDate,
}

impl Draft {
    pub(crate) fn finish(
        self,
        title: String,
        summary: String,
        description: String,
        how_to_apply: String,
    ) -> Submission {
        Submission {
            id: String::new(),
            kind: self.kind,
            status: self.status,
            version: 1,
            submitter: Submitter {
                organisation: self.org.name.to_string(),
                kind: self.org.kind,
                country: self.org.country.map(str::to_string),
            },
            title,
            summary,
            description,
            beneficiaries: self.beneficiaries,
            areas: self.areas,
            dac_sectors: self.dac_sectors,
            assistance: self.assistance,
            funding: self.funding,
            period: self.period,
            contact: self.contact,
            how_to_apply,
            links: self.links,
            status_note: None,
            timestamps: self.timestamps,
            provenance: Provenance {
                source: Source::Demo,
                ..Provenance::default()
            },
        }
    }
}
