//! The activity's period (actual dates before planned ones) and its last-updated time.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use roxmltree::Node;

use portal_domain::submission::Period;

use super::xml::{children, clean, own_text};

/// Start and end from the activity dates (actual before planned).
pub(super) fn period(node: Node, notes: &mut Vec<String>) -> Period {
    let start = activity_date(
        node,
        &[&["2", "start-actual"], &["1", "start-planned"]],
        notes,
    );
    let mut end = activity_date(node, &[&["4", "end-actual"], &["3", "end-planned"]], notes);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        notes.push(format!("end date {e} is before the start {s}: end dropped"));
        end = None;
    }
    Period { start, end }
}

/// The first readable date among the activity dates of the first type group that has one.
fn activity_date(node: Node, groups: &[&[&str]], notes: &mut Vec<String>) -> Option<NaiveDate> {
    for group in groups {
        for element in children(node, "activity-date") {
            let kind = element
                .attribute("type")
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if !group.contains(&kind.as_str()) {
                continue;
            }
            let iso = element.attribute("iso-date").unwrap_or_default();
            let text = own_text(element);
            match date(iso).or_else(|| date(&text)) {
                Some(d) if d < earliest_date() => notes.push(format!(
                    "activity date {d} ({kind}) looks like a placeholder: ignored"
                )),
                Some(d) => return Some(d),
                None => {
                    let shown = if iso.trim().is_empty() {
                        clean(&text)
                    } else {
                        clean(iso)
                    };
                    notes.push(if shown.is_empty() {
                        format!("activity date ({kind}) is empty: ignored")
                    } else {
                        format!("activity date \"{shown}\" ({kind}) is not a date: ignored")
                    });
                }
            }
        }
    }
    None
}

/// Dates before this are placeholders ("1900-01-01"), not when an aid activity ran: the DAC
/// reporting that IATI grew from starts in the 1960s.
fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A `YYYY-MM-DD` date, possibly followed by a time or zone.
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let head = text.get(..10)?;
    let rest = text.get(10..)?;
    if rest.starts_with(['T', 't', ' ', 'Z', '+', '-']) {
        NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
    } else {
        None
    }
}

/// `@last-updated-datetime` as UTC.
pub(super) fn last_updated(node: Node, notes: &mut Vec<String>) -> Option<DateTime<Utc>> {
    let text = node.attribute("last-updated-datetime")?.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = datetime(text);
    if parsed.is_none() {
        notes.push(format!(
            "last-updated-datetime \"{text}\" is not a date and time: ignored"
        ));
    }
    parsed
}

fn datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = text.trim_end_matches(['Z', 'z']);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn end_before_start_is_dropped() {
        let a = one(&v2(
            r#"<activity-date type="2" iso-date="2020-05-01"/><activity-date type="3" iso-date="2019-01-01"/><activity-date type="4" iso-date="nonsense"/>"#,
        ));
        assert_eq!(
            a.submission.period.start,
            NaiveDate::from_ymd_opt(2020, 5, 1)
        );
        assert_eq!(a.submission.period.end, None);
        assert!(has_note(&a, "end dropped"));
        assert!(has_note(&a, "\"nonsense\" (4) is not a date"));
    }

    #[test]
    fn placeholder_date_gives_way_to_the_planned_one() {
        let a = one(&v2(
            r#"<activity-date type="2" iso-date="1900-01-01"/><activity-date type="1" iso-date="2011-02-01"/>"#,
        ));
        assert_eq!(
            a.submission.period.start,
            NaiveDate::from_ymd_opt(2011, 2, 1)
        );
        assert!(
            has_note(&a, "1900-01-01 (2) looks like a placeholder"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn last_updated_in_several_spellings() {
        for (text, expected) in [
            (
                "2019-11-01T00:00:00.0000000-07:00",
                "2019-11-01T07:00:00+00:00",
            ),
            ("2013-07-22 19:29:57", "2013-07-22T19:29:57+00:00"),
            ("2021-01-31T11:36:14.009Z", "2021-01-31T11:36:14.009+00:00"),
            ("2013-03-04T06:03:49.353", "2013-03-04T06:03:49.353+00:00"),
        ] {
            assert_eq!(
                datetime(text).map(|t| t.to_rfc3339()).as_deref(),
                Some(expected),
                "{text}"
            );
        }
        assert_eq!(datetime("yesterday"), None);
    }
}
