//! What the IATI tests share: a one-activity file, a v2 activity around some XML, notes.

pub(super) use chrono::NaiveDate;

pub(super) use portal_domain::submission::{Area, Assistance, SubmitterType};

pub(super) use super::{Activity, looks_like_iati, parse_file};

/// Parses a file that must hold exactly one readable activity.
pub(super) fn one(xml: &str) -> Activity {
    let mut all = parse_file(xml.as_bytes()).expect("file parses");
    assert_eq!(all.len(), 1, "one activity expected");
    all.remove(0).expect("activity is read")
}

/// A v2 activity with the given inner XML after identifier, reporting-org and title.
pub(super) fn v2(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="en" last-updated-datetime="2021-05-24T14:50:54Z">
  <iati-identifier>XI-TEST-1</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>Foreign Office</narrative></reporting-org>
  <title><narrative>Mine action in Laos</narrative></title>
  {inner}
 </iati-activity>
</iati-activities>"#
    )
}

pub(super) fn has_note(activity: &Activity, part: &str) -> bool {
    activity.notes.iter().any(|n| n.contains(part))
}
