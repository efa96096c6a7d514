//! Templates: `{placeholder}`s filled in from a draft and its picks, and the helpers that write
//! organisations, places, numbers, dates and e-mail addresses as English does.

use std::fmt::Write as _;

use chrono::NaiveDate;

use portal_domain::submission::{Assistance, Beneficiaries, date_in_words};
pub(crate) use portal_domain::text::push_thousands;

use crate::draft::{Draft, Picks};
use crate::organisations::{AFFECTED, Org, REGIONS};
use crate::texts::assistance_phrase;

/// What a template's placeholders are filled with.
pub(crate) struct Text<'a> {
    pub(crate) draft: &'a Draft,
    pub(crate) picks: &'a Picks,
}

impl Text<'_> {
    /// Appends `template` to `out` with every `{placeholder}` filled in. A placeholder that
    /// starts with a capital letter gets its value capitalised.
    pub(crate) fn render(&self, template: &str, out: &mut String) {
        // A byte loop: templates are short, and `{` and `}` are ASCII, so every slice taken at
        // them falls on a character boundary.
        let bytes = template.as_bytes();
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'{'
                && let Some(len) = bytes[i + 1..].iter().position(|&b| b == b'}')
            {
                out.push_str(&template[copied..i]);
                let key = &template[i + 1..i + 1 + len];
                if !self.fill(key, out) {
                    debug_assert!(false, "unknown placeholder {{{key}}}");
                    out.push_str(&template[i..i + len + 2]);
                }
                i += len + 2;
                copied = i;
            } else {
                i += 1;
            }
        }
        out.push_str(&template[copied..]);
    }

    /// Appends the value of `key`; false if there is no such placeholder.
    pub(crate) fn fill(&self, key: &str, out: &mut String) -> bool {
        let start = out.len();
        let draft = self.draft;
        let picks = self.picks;
        let number = |out: &mut String, n: u64| push_number(out, n);
        match key {
            "org" | "Org" => push_org(out, draft.org),
            "short" | "Short" => out.push_str(draft.org.short),
            "authority" => out.push_str(strip_the(draft.place.authority.short)),
            "country" | "Country" => out.push_str(draft.place.name),
            "province" => out.push_str(picks.province),
            "province2" => out.push_str(picks.province2),
            "topic" | "Topic" => out.push_str(picks.topic),
            "purpose" => out.push_str(picks.purpose),
            "device" | "Device" => out.push_str(picks.device),
            "assistance" | "Assistance" => {
                let first = draft
                    .assistance
                    .first()
                    .copied()
                    .unwrap_or(Assistance::Financial);
                out.push_str(assistance_phrase(first));
            }
            "where" => push_where(out, &draft.beneficiaries),
            "donor" => push_org(out, picks.donor),
            "m2" => number(out, picks.m2),
            "ha" => number(out, picks.ha),
            "people" => number(out, picks.people),
            "villages" => number(out, picks.villages),
            "teams" => number(out, picks.teams),
            "items" => number(out, picks.items),
            "stock" => number(out, picks.stock),
            "survivors" => number(out, picks.survivors),
            "delay" => number(out, picks.delay),
            "women_pct" => number(out, picks.women_pct),
            "months" => number(out, u64::from(picks.months)),
            "year" => {
                let _ = write!(out, "{}", picks.year); // writing to a String cannot fail
            }
            "year_end" => {
                let _ = write!(out, "{}", picks.year_end); // writing to a String cannot fail
            }
            "amount" => match &draft.funding {
                Some(funding) => {
                    out.push_str(&funding.currency);
                    out.push(' ');
                    push_thousands(out, funding.amount.round() as u64);
                }
                None => out.push_str("an amount to be agreed"),
            },
            "currency" => out.push_str(
                draft
                    .funding
                    .as_ref()
                    .map_or(draft.org.currency, |f| f.currency.as_str()),
            ),
            "email" => out.push_str(&draft.contact.email),
            "link" => match draft.links.first() {
                Some(link) => out.push_str(link),
                None => {
                    out.push_str("https://example.org/demo/");
                    out.push_str(draft.org.slug);
                    out.push_str("/apply");
                }
            },
            "deadline" => push_date(out, picks.deadline),
            _ => return false,
        }
        if key.starts_with(|c: char| c.is_ascii_uppercase())
            && let Some(first) = out.get_mut(start..start + 1)
        {
            first.make_ascii_uppercase();
        }
        true
    }
}

/// The organisation's name as running text has it: "the Ministry of…", "Norwegian People's Aid".
pub(crate) fn push_org(out: &mut String, org: &Org) {
    if let Some(rest) = org.name.strip_prefix("The ") {
        out.push_str("the ");
        out.push_str(rest);
    } else {
        if org.the {
            out.push_str("the ");
        }
        out.push_str(org.name);
    }
}

pub(crate) fn strip_the(text: &str) -> &str {
    text.strip_prefix("the ").unwrap_or(text)
}

/// "worldwide", "in South-eastern Asia", "in Lao PDR, Iraq and Lebanon".
pub(crate) fn push_where(out: &mut String, beneficiaries: &Beneficiaries) {
    if beneficiaries.global {
        out.push_str("worldwide");
        return;
    }
    out.push_str("in ");
    if beneficiaries.regions.is_empty() {
        push_list(
            out,
            beneficiaries
                .countries
                .iter()
                .map(|code| country_name(code)),
        );
    } else {
        push_list(
            out,
            beneficiaries.regions.iter().map(|code| region_name(code)),
        );
    }
}

pub(crate) fn push_list<'a>(out: &mut String, items: impl ExactSizeIterator<Item = &'a str>) {
    let count = items.len();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == count { " and " } else { ", " });
        }
        out.push_str(item);
    }
}

pub(crate) fn country_name(alpha3: &str) -> &str {
    AFFECTED
        .iter()
        .find(|a| a.alpha3 == alpha3)
        .map_or(alpha3, |a| a.name)
}

pub(crate) fn region_name(code: &str) -> &str {
    REGIONS.iter().find(|r| r.0 == code).map_or(code, |r| r.1)
}

/// Numbers in running text: "two" to "nine" in words, "1,234,567" in figures.
pub(crate) fn push_number(out: &mut String, n: u64) {
    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    match WORDS.get(n as usize) {
        Some(word) => out.push_str(word),
        None => push_thousands(out, n),
    }
}

/// "31 March 2027".
pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    out.push_str(&date_in_words(date));
}

/// Appends a name as the local part of an e-mail address: lower case ASCII, accents dropped,
/// spaces as hyphens, apostrophes left out ("O'Connor" → "oconnor", "da Silva" → "da-silva").
pub(crate) fn push_email_part(out: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            'a'..='z' | '0'..='9' | '-' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            ' ' => out.push('-'),
            _ => {
                if let Some(plain) = fold(c) {
                    out.push(plain);
                }
            }
        }
    }
}

/// The ASCII letter under an accented one in the names above.
pub(crate) fn fold(c: char) -> Option<char> {
    Some(match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' | 'č' | 'ć' => 'c',
        'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'š' => 's',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ž' => 'z',
        _ => return None,
    })
}
