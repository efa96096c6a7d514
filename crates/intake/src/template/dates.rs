//! Start date and End date: days, months, quarters and years in the forms people write them,
//! each end of the period at its own end of what was written.

use chrono::{Months, NaiveDate};

use portal_domain::submission::Period;

use super::TemplateError;
use super::assembly::record;
use super::form::{Form, Problem};
use super::labels::Field;
use super::text::{capitalised, remove_brackets, suggestable};

const DATE_ACCEPTED: &str = "write e.g. 2027-03-01, 1 March 2027, March 2027, Q2 2027 or 2027";

/// Which end of a period a date is: a month, quarter or year stands for its first day at the
/// start and its last day at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Start,
    End,
}

/// A date as precisely as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Day(i32, u32, u32),
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

/// A piece of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateToken {
    /// A number and how many digits it was written with.
    Number(u32, usize),
    Month(u32),
    Quarter,
}

/// Month names and abbreviations in English, French and Spanish (the Convention's working
/// languages), without accents.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("fevrier", 2),
    ("février", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("aout", 8),
    ("août", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("decembre", 12),
    ("décembre", 12),
    ("diciembre", 12),
];

/// Words in dates that change nothing: ordinal endings, weekdays, "of", "de", "from", "by".
const DATE_FILLERS: &[&str] = &[
    "from",
    "until",
    "till",
    "by",
    "approx",
    "approximately",
    "about",
    "around",
    "ca",
    "circa",
    "st",
    "nd",
    "rd",
    "th",
    "er",
    "of",
    "the",
    "de",
    "del",
    "on",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// Start date or End date.
///
/// Day-month-year with slashes, dots or dashes ("01/03/2027") is read the international way, day
/// first; only when the second number cannot be a month ("03/25/2027") is it read month first.
fn parse_date(text: &str, bound: Bound) -> Result<NaiveDate, Problem> {
    let written = read_date(&remove_brackets(text))?;
    let (year, first_month, last_month, day) = match written {
        Written::Day(y, m, d) => (y, m, m, Some(d)),
        Written::Month(y, m) => (y, m, m, None),
        Written::Quarter(y, q) => (y, q * 3 - 2, q * 3, None),
        Written::Year(y) => (y, 1, 12, None),
    };
    if !(1950..=2100).contains(&year) {
        return Err(Problem::new(format!(
            "has the year {year}, which cannot be right; {DATE_ACCEPTED}"
        )));
    }
    let date = match (day, bound) {
        (Some(d), _) => NaiveDate::from_ymd_opt(year, first_month, d),
        (None, Bound::Start) => NaiveDate::from_ymd_opt(year, first_month, 1),
        (None, Bound::End) => last_day_of_month(year, last_month),
    };
    date.ok_or_else(|| Problem::new(format!("is not a date of the calendar; {DATE_ACCEPTED}")))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// Reads the tokens of a date into what was written, at its precision.
fn read_date(text: &str) -> Result<Written, Problem> {
    use DateToken::{Month, Number, Quarter};
    let tokens = lex_date(text)?;
    let year = |y: u32| i32::try_from(y).unwrap_or(0);
    let written = match tokens.as_slice() {
        [Number(y, 4)] => Written::Year(year(*y)),
        [Quarter, Number(q, 1), Number(y, 4)]
        | [Number(y, 4), Quarter, Number(q, 1)]
        | [Number(q, 1), Quarter, Number(y, 4)]
            if (1..=4).contains(q) =>
        {
            Written::Quarter(year(*y), *q)
        }
        [Month(m), Number(y, 4)] | [Number(y, 4), Month(m)] => Written::Month(year(*y), *m),
        [Number(y, 4), Number(m, 1..=2)] | [Number(m, 1..=2), Number(y, 4)]
            if (1..=12).contains(m) =>
        {
            Written::Month(year(*y), *m)
        }
        [Number(d, 1..=2), Month(m), Number(y, 4)]
        | [Month(m), Number(d, 1..=2), Number(y, 4)]
        | [Number(y, 4), Month(m), Number(d, 1..=2)] => Written::Day(year(*y), *m, *d),
        [Number(y, 4), Number(m, 1..=2), Number(d, 1..=2)] => Written::Day(year(*y), *m, *d),
        [Number(a, 1..=2), Number(b, 1..=2), Number(y, 4)] => {
            if *b > 12 && *a <= 12 {
                Written::Day(year(*y), *a, *b)
            } else {
                Written::Day(year(*y), *b, *a)
            }
        }
        _ => return Err(Problem::new(format!("is not a date; {DATE_ACCEPTED}"))),
    };
    Ok(written)
}

/// Splits a date into numbers, month names and quarter marks ("Q"); `Err` for any other word.
fn lex_date(text: &str) -> Result<Vec<DateToken>, Problem> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() {
            let digits: String = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .collect();
            i += digits.len();
            let value = if digits.len() <= 4 {
                digits.parse().ok()
            } else {
                None
            };
            let value =
                value.ok_or_else(|| Problem::new(format!("is not a date; {DATE_ACCEPTED}")))?;
            tokens.push(DateToken::Number(value, digits.len()));
        } else if c.is_alphabetic() {
            let word: String = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_alphabetic())
                .flat_map(|d| d.to_lowercase())
                .collect();
            i += word_length(&chars, i);
            if let Some(token) = date_word(&word)? {
                tokens.push(token);
            }
        } else {
            i += 1;
        }
    }
    Ok(tokens)
}

/// How many alphabetic characters start at `from` (lower-casing may change the count, so the
/// characters themselves are counted).
fn word_length(chars: &[char], from: usize) -> usize {
    chars
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_alphabetic())
        .count()
}

/// A word of a date: a month, a quarter mark, a filler (`None`), or a problem.
fn date_word(word: &str) -> Result<Option<DateToken>, Problem> {
    if let Some((_, m)) = MONTHS.iter().find(|(name, _)| *name == word) {
        return Ok(Some(DateToken::Month(*m)));
    }
    if word == "q" || word == "quarter" {
        return Ok(Some(DateToken::Quarter));
    }
    if DATE_FILLERS.contains(&word) {
        return Ok(None);
    }
    let nearest = MONTHS
        .iter()
        .filter(|_| suggestable(word))
        .filter(|(name, _)| name.len() > 3)
        .map(|(name, _)| (strsim::jaro_winkler(word, name), *name))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Err(Problem::new(format!(
        "is not a date: \"{word}\" is no month; {DATE_ACCEPTED}"
    ))
    .suggesting(
        nearest
            .map(|(_, name)| vec![capitalised(name)])
            .unwrap_or_default(),
    ))
}

/// Start date and End date; the end may not come before the start.
pub(super) fn parse_period(form: &Form, errors: &mut Vec<TemplateError>) -> Period {
    let mut date = |field, bound| {
        let entry = form.value(field)?;
        record(
            parse_date(&entry.joined(), bound).map_err(|p| entry.error(p)),
            errors,
        )
    };
    let start = date(Field::StartDate, Bound::Start);
    let end = date(Field::EndDate, Bound::End);
    if let (Some(s), Some(e), Some(entry)) = (start, end, form.value(Field::EndDate))
        && e < s
    {
        errors.push(entry.error(Problem::new(format!(
            "is {e}, before the start date ({s}); write an end date after the start"
        ))));
        return Period { start, end: None };
    }
    Period { start, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::testing::*;

    fn check_dates(start: &str, end: &str, expected: (NaiveDate, NaiveDate)) {
        let s = parse_ok(&form(&[("Start date", start), ("End date", end)]));
        assert_eq!(
            (s.period.start, s.period.end),
            (Some(expected.0), Some(expected.1)),
            "{start} – {end}"
        );
    }

    // --- Dates -------------------------------------------------------------------------------

    #[test]
    fn full_dates_in_every_common_form() {
        let expected = (date(2027, 3, 1), date(2028, 12, 31));
        for start in [
            "2027-03-01",
            "2027/3/1",
            "1 March 2027",
            "1st March 2027",
            "1 Mar. 2027",
            "01-Mar-2027",
            "March 1, 2027",
            "Monday, 1 March 2027",
            "01/03/2027",
            "1.3.2027",
            "1er mars 2027",
            "1 de marzo de 2027",
        ] {
            check_dates(start, "2028-12-31", expected);
        }
    }

    #[test]
    fn day_and_month_are_read_day_first_unless_impossible() {
        check_dates(
            "01/03/2027",
            "03/01/2028",
            (date(2027, 3, 1), date(2028, 1, 3)),
        );
        check_dates(
            "03/25/2027",
            "12/31/2027",
            (date(2027, 3, 25), date(2027, 12, 31)),
        );
    }

    #[test]
    fn months_quarters_and_years_cover_their_whole_span() {
        check_dates(
            "March 2027",
            "March 2027",
            (date(2027, 3, 1), date(2027, 3, 31)),
        );
        check_dates(
            "Feb 2027",
            "February 2028",
            (date(2027, 2, 1), date(2028, 2, 29)),
        );
        check_dates("2027-03", "03/2027", (date(2027, 3, 1), date(2027, 3, 31)));
        check_dates("2027", "2028", (date(2027, 1, 1), date(2028, 12, 31)));
        check_dates("Q2 2027", "Q4 2027", (date(2027, 4, 1), date(2027, 12, 31)));
        check_dates(
            "2027-Q1",
            "2nd quarter 2027",
            (date(2027, 1, 1), date(2027, 6, 30)),
        );
        check_dates(
            "from March 2027 (approx.)",
            "until December 2028",
            (date(2027, 3, 1), date(2028, 12, 31)),
        );
    }

    #[test]
    fn dates_that_cannot_be_read() {
        let text = form(&[("Start date", "next spring")]);
        check_error(
            &text,
            (7, "Start date", "next spring"),
            "is not a date",
            None,
        );
        let text = form(&[("Start date", "Mrach 2027")]);
        check_error(
            &text,
            (7, "Start date", "Mrach 2027"),
            "no month",
            Some("March"),
        );
        let text = form(&[("Start date", "31 February 2027")]);
        check_error(
            &text,
            (7, "Start date", "31 February 2027"),
            "not a date of the calendar",
            None,
        );
        let text = form(&[("Start date", "1 March 20277")]);
        check_error(
            &text,
            (7, "Start date", "1 March 20277"),
            "is not a date",
            None,
        );
        let text = form(&[("Start date", "1 March 3027")]);
        check_error(
            &text,
            (7, "Start date", "1 March 3027"),
            "cannot be right",
            None,
        );
    }

    #[test]
    fn an_end_before_the_start_is_an_error_on_the_end_line() {
        let text = form(&[("Start date", "March 2027"), ("End date", "2026")]);
        check_error(
            &text,
            (8, "End date", "2026"),
            "before the start date (2027-03-01)",
            None,
        );
    }
}
