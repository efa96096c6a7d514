//! How dates, moments and numbers are written, in one place: in words for people ("31 March
//! 2027", "1,234,567"), in ISO 8601 for machines (`2027-03-31`, `2027-03-31T12:00:00Z`).
//! Where two ways differ on purpose (a moment in a sentence and one in a list), both are here,
//! named for where they are used. Pure: no clock, no locale, always English.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A day as it is written in English prose: "31 March 2027" (as chrono's `%-d %B %Y`).
pub fn date_in_words(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[date.month0() as usize];
    format!("{} {month} {:04}", date.day(), date.year())
}

/// The day of a moment, in words: "31 March 2027".
pub fn day_in_words(t: DateTime<Utc>) -> String {
    date_in_words(t.date_naive())
}

/// A moment to the minute, in a list or a table: "1 June 2026, 12:00 UTC".
pub fn moment_in_words(t: DateTime<Utc>) -> String {
    format!("{}, {} UTC", day_in_words(t), t.format("%H:%M"))
}

/// A moment to the second, for logs shown to people: "1 June 2026, 12:00:05".
pub fn moment_in_words_to_the_second(t: DateTime<Utc>) -> String {
    format!("{}, {}", day_in_words(t), t.format("%H:%M:%S"))
}

/// A moment in a sentence: "1 June 2026 at 12:00 UTC".
pub fn moment_in_a_sentence(t: DateTime<Utc>) -> String {
    format!("{} at {} UTC", day_in_words(t), t.format("%H:%M"))
}

/// A month and its year: "March 2027" (periods of work).
pub fn month_in_words(date: NaiveDate) -> String {
    date.format("%B %Y").to_string()
}

/// A day in ISO 8601: `2027-03-31`.
pub fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The day of a moment in ISO 8601: `2027-03-31`.
pub fn iso_day(t: DateTime<Utc>) -> String {
    iso_date(t.date_naive())
}

/// A moment in ISO 8601 (RFC 3339), to the second, in UTC: `2027-03-31T12:00:05Z`.
pub fn iso_moment(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A moment in ISO 8601 to the minute, in UTC: `2027-03-31T12:00Z` (HTML `<time>`).
pub fn iso_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%MZ").to_string()
}

/// A moment in ISO 8601's basic format, for file names: `20270331T120005Z`.
pub fn file_name_moment(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let mut out = String::with_capacity(26);
    push_thousands(&mut out, n);
    out
}

/// Appends `n` with commas between its thousands: `1,234,567`.
pub fn push_thousands(out: &mut String, n: u64) {
    // The digits, last first, without a string of their own: a results page writes dozens.
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.reserve(len + len / 3);
    for place in (0..len).rev() {
        out.push(char::from(digits[place]));
        if place > 0 && place.is_multiple_of(3) {
            out.push(',');
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn moment() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 5).unwrap()
    }

    #[test]
    fn days_in_words_read_as_chrono_writes_them() {
        for (y, m, d) in [(2026, 1, 1), (2026, 12, 31), (2027, 3, 9), (999, 7, 4)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date_in_words(date), date.format("%-d %B %Y").to_string());
        }
    }

    #[test]
    fn moments_in_words() {
        assert_eq!(moment_in_words(moment()), "1 June 2026, 12:00 UTC");
        assert_eq!(
            moment_in_words_to_the_second(moment()),
            "1 June 2026, 12:00:05"
        );
        assert_eq!(moment_in_a_sentence(moment()), "1 June 2026 at 12:00 UTC");
        assert_eq!(month_in_words(moment().date_naive()), "June 2026");
    }

    #[test]
    fn iso_forms() {
        assert_eq!(iso_day(moment()), "2026-06-01");
        assert_eq!(iso_moment(moment()), "2026-06-01T12:00:05Z");
        assert_eq!(iso_minute(moment()), "2026-06-01T12:00Z");
        assert_eq!(file_name_moment(moment()), "20260601T120005Z");
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (123_456, "123,456"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }
}
