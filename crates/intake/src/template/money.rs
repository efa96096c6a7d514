//! Amount and Currency: numbers as people write them (groups, decimal commas, "1.2 million"),
//! currency codes, symbols and words, and the two fields read together into a funding.

use portal_domain::codes;
use portal_domain::submission::Funding;

use super::TemplateError;
use super::assembly::record;
use super::form::{Form, Problem};
use super::labels::Field;
use super::text::{clean_item, or_list, remove_brackets, suggestable};

const AMOUNT_ACCEPTED: &str = "write e.g. 1200000 or USD 1.2 million";

/// Currency symbols that may stand before or after a number.
const CURRENCY_SYMBOLS: &[char] = &[
    '€', '£', '$', '¥', '₩', '₹', '₭', '៛', '฿', '₫', '₺', '₴', '₦', '₱', '₪', '₽', '¢',
];

/// Words for "thousand", "million", "billion" and their factors.
const MULTIPLIERS: &[(&str, f64)] = &[
    ("k", 1e3),
    ("thousand", 1e3),
    ("thousands", 1e3),
    ("m", 1e6),
    ("mn", 1e6),
    ("mln", 1e6),
    ("mio", 1e6),
    ("mill", 1e6),
    ("million", 1e6),
    ("millions", 1e6),
    ("b", 1e9),
    ("bn", 1e9),
    ("bln", 1e9),
    ("billion", 1e9),
    ("billions", 1e9),
];

/// Words around an amount that change nothing.
const AMOUNT_FILLERS: &[&str] = &[
    "a",
    "about",
    "approx",
    "approximately",
    "around",
    "ca",
    "circa",
    "some",
    "up",
    "to",
    "total",
    "of",
    "in",
    "estimated",
    "est",
    "max",
    "maximum",
];

/// Currency words and symbols (lower case, spaces and full stops removed) for unambiguous
/// currencies; a plural "s" is dropped before looking up.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("euro", "EUR"),
    ("$", "USD"),
    ("us$", "USD"),
    ("usd$", "USD"),
    ("$us", "USD"),
    ("dollar", "USD"),
    ("usdollar", "USD"),
    ("americandollar", "USD"),
    ("£", "GBP"),
    ("pound", "GBP"),
    ("sterling", "GBP"),
    ("poundsterling", "GBP"),
    ("poundssterling", "GBP"),
    ("britishpound", "GBP"),
    ("¥", "JPY"),
    ("yen", "JPY"),
    ("japaneseyen", "JPY"),
    ("swissfranc", "CHF"),
    ("sfr", "CHF"),
    ("norwegiankrone", "NOK"),
    ("norwegiankroner", "NOK"),
    ("swedishkrona", "SEK"),
    ("swedishkronor", "SEK"),
    ("krona", "SEK"),
    ("kronor", "SEK"),
    ("danishkrone", "DKK"),
    ("danishkroner", "DKK"),
    ("canadiandollar", "CAD"),
    ("c$", "CAD"),
    ("ca$", "CAD"),
    ("australiandollar", "AUD"),
    ("a$", "AUD"),
    ("au$", "AUD"),
    ("newzealanddollar", "NZD"),
    ("nz$", "NZD"),
    ("₩", "KRW"),
    ("₹", "INR"),
    ("₭", "LAK"),
    ("៛", "KHR"),
    ("฿", "THB"),
    ("₫", "VND"),
    ("₺", "TRY"),
    ("₴", "UAH"),
    ("₦", "NGN"),
    ("₱", "PHP"),
    ("₪", "ILS"),
    ("r$", "BRL"),
    ("zł", "PLN"),
];

/// Currency words that fit several currencies, most likely first.
const AMBIGUOUS_CURRENCIES: &[(&str, &[&str])] = &[
    ("kr", &["NOK", "SEK", "DKK"]),
    ("krone", &["NOK", "DKK"]),
    ("kroner", &["NOK", "DKK"]),
    ("franc", &["CHF", "XOF", "XAF"]),
];

/// What a currency text names.
#[derive(Debug, Clone, PartialEq)]
enum CurrencyMatch {
    Known(String),
    Ambiguous(&'static [&'static str]),
    Unknown,
}

/// Finds the currency a code, word or symbol names: an ISO 4217 code of the rate table, or one
/// of [`CURRENCY_WORDS`] ("US$", "€", "euros", "Swiss francs").
fn resolve_currency(text: &str) -> CurrencyMatch {
    let squashed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_lowercase)
        .collect();
    if squashed.len() == 3
        && squashed.chars().all(|c| c.is_ascii_alphabetic())
        && codes::usd_rate(&squashed).is_some()
    {
        return CurrencyMatch::Known(squashed.to_ascii_uppercase());
    }
    let singular = squashed
        .strip_suffix('s')
        .filter(|s| s.chars().count() > 2)
        .unwrap_or(&squashed);
    for word in [squashed.as_str(), singular] {
        if let Some((_, code)) = CURRENCY_WORDS.iter().find(|(w, _)| *w == word) {
            return CurrencyMatch::Known((*code).to_string());
        }
        if let Some((_, codes)) = AMBIGUOUS_CURRENCIES.iter().find(|(w, _)| *w == word) {
            return CurrencyMatch::Ambiguous(codes);
        }
    }
    CurrencyMatch::Unknown
}

/// The problem with a currency text that [`resolve_currency`] did not accept.
fn currency_problem(text: &str, found: &CurrencyMatch) -> Problem {
    match found {
        CurrencyMatch::Ambiguous(candidates) => Problem::new(format!(
            "could be several currencies; write the ISO code: {}",
            or_list(candidates)
        ))
        .suggesting(candidates.iter().map(|c| with_currency_name(c)).collect()),
        _ => {
            let message = match codes::currency_name(text.trim()) {
                Some(_) => "is a currency the portal has no exchange rate for; write the amount \
                            in a currency of its table, e.g. USD, EUR or GBP"
                    .to_string(),
                None => "is not a currency; write an ISO 4217 code, e.g. USD, EUR, GBP, CHF or \
                         NOK"
                .to_string(),
            };
            let suggestions = if suggestable(text) {
                codes::suggest_currencies(text)
            } else {
                Vec::new()
            };
            Problem::new(message).suggesting(suggestions)
        }
    }
}

fn with_currency_name(code: &str) -> String {
    match codes::currency_name(code) {
        Some(name) => format!("{code} ({name})"),
        None => code.to_string(),
    }
}

/// The Currency field: a code, symbol or currency name.
fn parse_currency(text: &str) -> Result<String, Problem> {
    let text = clean_item(text);
    let mut found = resolve_currency(text);
    if found == CurrencyMatch::Unknown {
        found = resolve_currency(&remove_brackets(text));
    }
    match found {
        CurrencyMatch::Known(code) => Ok(code),
        other => Err(currency_problem(text, &other)),
    }
}

/// A piece of an amount.
#[derive(Debug, Clone, PartialEq)]
enum AmountToken {
    /// Digits with the separators between them, as written.
    Number(String),
    Word(String),
    Symbol(char),
    Minus,
}

/// Splits an amount into numbers, words and symbols; `Err` with the first character that has
/// no place in an amount.
fn lex_amount(text: &str) -> Result<Vec<AmountToken>, char> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&d) = chars.get(i) {
                let continues = d.is_ascii_digit()
                    || (is_digit_separator(d)
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
                if !continues {
                    break;
                }
                number.push(d);
                i += 1;
            }
            tokens.push(AmountToken::Number(number));
            continue;
        }
        if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.get(i).filter(|d| d.is_alphabetic()) {
                word.push(d);
                i += 1;
            }
            tokens.push(AmountToken::Word(word));
            continue;
        }
        if CURRENCY_SYMBOLS.contains(&c) {
            tokens.push(AmountToken::Symbol(c));
        } else if matches!(c, '-' | '−' | '–') {
            tokens.push(AmountToken::Minus);
        } else if !(c.is_whitespace() || ",.;:~≈+()[]/*'\"=".contains(c)) {
            return Err(c);
        }
        i += 1;
    }
    Ok(tokens)
}

fn is_digit_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '\'' | '’' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'
    )
}

/// The Amount field: a positive number, perhaps with "thousand", "million" or "billion" (or k, m,
/// mn, bn) and a currency before or after it. `Ok(None)` when nothing is written.
fn parse_amount(text: &str) -> Result<(f64, Option<String>), Problem> {
    let text = remove_brackets(text);
    let tokens = lex_amount(&text).map_err(|c| {
        Problem::new(format!(
            "is not an amount: \"{c}\" has no place in one; {AMOUNT_ACCEPTED}"
        ))
    })?;
    let numbers: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, AmountToken::Number(_)))
        .map(|(i, _)| i)
        .collect();
    let at = match numbers.as_slice() {
        [] => return Err(Problem::new(format!("is not an amount; {AMOUNT_ACCEPTED}"))),
        [at] => *at,
        _ => {
            return Err(Problem::new(
                "has more than one number; write one amount, e.g. 1200000 or USD 1.2 million",
            ));
        }
    };
    if at > 0 && tokens.get(at - 1) == Some(&AmountToken::Minus) {
        return Err(Problem::new("is negative; write an amount above zero"));
    }
    let (factor, before, after) = amount_words(&tokens, at)?;
    let currency = amount_currency(&before, &after)?;
    let raw = match tokens.get(at) {
        Some(AmountToken::Number(raw)) => raw.as_str(),
        _ => "",
    };
    let value = read_number(raw, factor.is_some()).ok_or_else(|| {
        Problem::new(format!(
            "is not a number; group thousands by three (1,200,000 or 1 200 000) and write \
             decimals after one point or comma (1.5 million); {AMOUNT_ACCEPTED}"
        ))
    })? * factor.unwrap_or(1.0);
    if !value.is_finite() {
        return Err(Problem::new(format!("is too large; {AMOUNT_ACCEPTED}")));
    }
    if value <= 0.0 {
        return Err(Problem::new(
            "is zero; write an amount above zero, or leave Amount empty",
        ));
    }
    Ok((value, currency))
}

/// Sorts the words and symbols of an amount: the multiplier, and the currency text before and
/// after the number (fillers dropped). A word that is no multiplier but close to one ("millon")
/// is a problem of its own.
fn amount_words(
    tokens: &[AmountToken],
    at: usize,
) -> Result<(Option<f64>, String, String), Problem> {
    let mut factor = None;
    let mut before = String::new();
    let mut after = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let side = if i < at { &mut before } else { &mut after };
        match token {
            AmountToken::Word(word) => {
                let lower = word.to_lowercase();
                if let Some((_, f)) = MULTIPLIERS.iter().find(|(w, _)| *w == lower) {
                    if factor.is_some() {
                        return Err(Problem::new(format!(
                            "has two multipliers; {AMOUNT_ACCEPTED}"
                        )));
                    }
                    factor = Some(*f);
                } else if !AMOUNT_FILLERS.contains(&lower.as_str()) {
                    side.push(' ');
                    side.push_str(word);
                }
            }
            AmountToken::Symbol(c) => side.push(*c),
            AmountToken::Number(_) | AmountToken::Minus => {}
        }
    }
    Ok((factor, before.trim().to_string(), after.trim().to_string()))
}

/// The currency named before and/or after the number, if any; they must agree.
fn amount_currency(before: &str, after: &str) -> Result<Option<String>, Problem> {
    let mut currency: Option<String> = None;
    for text in [before, after] {
        if text.is_empty() {
            continue;
        }
        let code = currency_in(text)?;
        match &currency {
            Some(first) if *first != code => {
                return Err(Problem::new(format!(
                    "names two currencies, {first} and {code}; write one"
                )));
            }
            _ => currency = Some(code),
        }
    }
    Ok(currency)
}

/// Words around an amount this many or more are prose, not an amount.
const MAX_AMOUNT_WORDS: usize = 8;

/// The currency among the words on one side of an amount ("US dollars", "EUR"): the longest
/// run of words that names one. Any other word is a problem of its own.
fn currency_in(text: &str) -> Result<String, Problem> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = words.len();
    if n >= MAX_AMOUNT_WORDS {
        return Err(extra_words_problem(text));
    }
    for len in (1..=n).rev() {
        for from in 0..=n - len {
            let (Some(run), Some(head), Some(tail)) = (
                words.get(from..from + len),
                words.get(..from),
                words.get(from + len..),
            ) else {
                continue;
            };
            let found = resolve_currency(&run.join(" "));
            match found {
                CurrencyMatch::Known(code) if head.is_empty() && tail.is_empty() => {
                    return Ok(code);
                }
                CurrencyMatch::Known(_) => {
                    let rest = [head, tail].concat().join(" ");
                    return Err(
                        multiplier_typo(&rest).unwrap_or_else(|| extra_words_problem(&rest))
                    );
                }
                CurrencyMatch::Ambiguous(_) if len == n => {
                    return Err(currency_problem(text, &found));
                }
                _ => {}
            }
        }
    }
    Err(multiplier_typo(text).unwrap_or_else(|| currency_problem(text, &CurrencyMatch::Unknown)))
}

fn extra_words_problem(words: &str) -> Problem {
    Problem::new(format!(
        "is not an amount: \"{words}\" has no place in one; write the amount and its currency \
         only, e.g. USD 1200000 (remarks go in the Description)"
    ))
}

/// A problem for a word that looks like a misspelt "thousand", "million" or "billion".
fn multiplier_typo(text: &str) -> Option<Problem> {
    if !suggestable(text) {
        return None;
    }
    let lower = text.to_lowercase();
    let nearest = ["thousand", "million", "billion"]
        .into_iter()
        .map(|w| (strsim::jaro_winkler(&lower, w), w))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(
        Problem::new(format!(
            "is not an amount: \"{text}\" is not a word for one; accepted: thousand, million, \
             billion (or k, m, mn, bn), e.g. 1200000 or 1.2 million"
        ))
        .suggesting(vec![nearest.1.to_string()]),
    )
}

/// Reads digits with thousands separators and a decimal point or comma.
///
/// - Spaces, apostrophes ("300'000") and a separator used more than once group thousands.
/// - With both "," and "." the last one is the decimal mark ("1.200.000,50", "1,200,000.50").
/// - After space-grouped thousands, a single "," or "." is a decimal mark unless three digits
///   follow it ("1 200,000" is refused: it reads both ways).
/// - A single "," or "." is a decimal mark before a multiplier ("1,5 million", "12,5 million"),
///   and without one unless exactly three digits follow it: "1,200" and "1.200" are 1200 (money
///   is seldom written with three decimals), "1,5" and "1.25" are decimals.
///
/// Groups after the first must have three digits; `None` when they do not.
fn read_number(raw: &str, scaled: bool) -> Option<f64> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut separators: Vec<char> = Vec::new();
    for c in raw.chars() {
        if c.is_ascii_digit() {
            groups.last_mut()?.push(c);
        } else {
            separators.push(if matches!(c, ',' | '.') { c } else { ' ' });
            groups.push(String::new());
        }
    }
    let decimal = decimal_separator(&separators, &groups, scaled)?;
    let integer_groups = decimal.map_or(groups.len(), |d| d + 1);
    let integer = groups.get(..integer_groups)?;
    let grouping = separators.get(..integer_groups - 1)?;
    if let Some(first) = grouping.first()
        && (grouping.iter().any(|s| s != first)
            || !(1..=3).contains(&integer.first()?.len())
            || integer.iter().skip(1).any(|g| g.len() != 3))
    {
        return None;
    }
    let mut number: String = integer.concat();
    if let Some(d) = decimal {
        if d + 1 != separators.len() {
            return None;
        }
        number.push('.');
        number.push_str(groups.get(d + 1)?);
    }
    number.parse().ok()
}

/// The index (among `separators`) of the decimal mark, `Some(None)` when there is none, `None`
/// when the separators make no sense.
fn decimal_separator(
    separators: &[char],
    groups: &[String],
    scaled: bool,
) -> Option<Option<usize>> {
    let count = |c: char| separators.iter().filter(|s| **s == c).count();
    let Some(last) = separators.iter().rposition(|s| *s != ' ') else {
        return Some(None);
    };
    let mark = *separators.get(last)?;
    let other = if mark == ',' { '.' } else { ',' };
    if count(other) > 0 {
        return (count(mark) == 1).then_some(Some(last));
    }
    if count(mark) > 1 {
        return (!separators.contains(&' ')).then_some(None);
    }
    let three_after = groups.get(last + 1)?.len() == 3;
    if separators.contains(&' ') {
        // "850 000,50" has decimals; "1 200,000" could be read two ways.
        (!three_after).then_some(Some(last))
    } else if scaled || !three_after {
        Some(Some(last))
    } else {
        Some(None)
    }
}

/// Amount and Currency together: a funding, or `None` when no amount is written.
pub(super) fn parse_funding(form: &Form, errors: &mut Vec<TemplateError>) -> Option<Funding> {
    let currency = form.value(Field::Currency).map(|entry| {
        let code = parse_currency(&entry.joined()).map_err(|p| entry.error(p));
        (entry, record(code, errors))
    });
    let amount_entry = form.value(Field::Amount)?;
    let amount = parse_amount(&amount_entry.joined()).map_err(|p| amount_entry.error(p));
    let (amount, written_currency) = record(amount, errors)?;
    let code = match (written_currency, currency) {
        (_, Some((_, None))) => return None,
        (Some(a), Some((entry, Some(c)))) if a != c => {
            errors.push(entry.error(Problem::new(format!(
                "does not agree with the currency on the Amount line ({a}); write one currency"
            ))));
            return None;
        }
        (_, Some((_, Some(c)))) => c,
        (Some(a), None) => a,
        (None, None) => {
            errors.push(amount_entry.error(Problem::new(
                "names no currency; write it with the amount (e.g. USD 1,200,000) or fill in \
                 Currency",
            )));
            return None;
        }
    };
    Some(Funding {
        amount,
        currency: code,
        usd: 0.0,
        rate_date: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::template::testing::*;

    fn check_amount(written: &str, amount: f64, currency: &str) {
        let s = parse_ok(&form(&[("Amount", written)]));
        let funding = s.funding.unwrap_or_else(|| panic!("{written}: no funding"));
        assert!(
            (funding.amount - amount).abs() < 1e-6,
            "{written}: {} instead of {amount}",
            funding.amount
        );
        assert_eq!(funding.currency, currency, "{written}");
        assert!(funding.usd > 0.0, "validate() filled in USD");
    }

    fn check_amount_error(written: &str, message_part: &str, suggestion: Option<&str>) {
        let text = form(&[("Amount", written)]);
        check_error(&text, (7, "Amount", written), message_part, suggestion);
    }

    // --- Amounts and currencies --------------------------------------------------------------

    #[test]
    fn amounts_with_the_currency_on_the_amount_line() {
        check_amount("USD 1.2 million", 1.2e6, "USD");
        check_amount("1,200,000 EUR", 1.2e6, "EUR");
        check_amount("EUR 850 000", 850_000.0, "EUR");
        check_amount("EUR 850\u{a0}000", 850_000.0, "EUR");
        check_amount("€2m", 2e6, "EUR");
        check_amount("$500k", 500_000.0, "USD");
        check_amount("US$ 75,000", 75_000.0, "USD");
        check_amount("1.2 million US dollars", 1.2e6, "USD");
        check_amount("CHF 300'000", 300_000.0, "CHF");
        check_amount("£40,000", 40_000.0, "GBP");
        check_amount("¥3,000,000", 3e6, "JPY");
        check_amount("approximately 2 billion yen", 2e9, "JPY");
        check_amount("NOK 1.5 mn", 1.5e6, "NOK");
        check_amount("1.200.000,50 EUR", 1_200_000.5, "EUR");
        check_amount("1,200,000.50 usd", 1_200_000.5, "USD");
        check_amount("250 000 euros", 250_000.0, "EUR");
        check_amount("USD 1,000,000 (one million)", 1e6, "USD");
        check_amount("3 Mio. EUR", 3e6, "EUR");
    }

    #[test]
    fn amounts_with_a_separate_currency_line() {
        let s = parse_ok(&form(&[("Amount", "2.5 mn"), ("Currency", "CHF")]));
        let funding = s.funding.expect("funding");
        assert_eq!((funding.amount, funding.currency.as_str()), (2.5e6, "CHF"));
        let s = parse_ok(&form(&[("Amount", "USD 10,000"), ("Currency", "usd")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("USD".to_string()));
        let s = parse_ok(&form(&[("Amount", "10000"), ("Currency", "Euro (EUR)")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("EUR".to_string()));
        let text = form(&[("Amount", "USD 10,000"), ("Currency", "EUR")]);
        check_error(
            &text,
            (8, "Currency", "EUR"),
            "does not agree with the currency on the Amount line (USD)",
            None,
        );
        let text = form(&[("Amount", "10,000")]);
        check_amount_error("10,000", "names no currency", None);
        drop(text);
    }

    #[test]
    fn decimal_commas_and_groups_of_three() {
        check_amount("1,5 million EUR", 1.5e6, "EUR");
        // The STYLE example calls "12,5 million" unreadable; it is unambiguous, so it is read
        // as 12.5 million (a comma before a multiplier is always a decimal comma).
        check_amount("12,5 million EUR", 12.5e6, "EUR");
        check_amount("1,250 million EUR", 1.25e6, "EUR");
        check_amount("1,200 USD", 1200.0, "USD");
        check_amount("1.200 EUR", 1200.0, "EUR");
        check_amount("1,5 EUR", 1.5, "EUR");
        check_amount("1250.75 USD", 1250.75, "USD");
        check_amount_error("12,50,000 USD", "is not a number", None);
        check_amount_error("1,200.000,5 USD", "is not a number", None);
        check_amount_error("1 200,000 USD", "is not a number", None);
    }

    #[test]
    fn amounts_that_cannot_be_read() {
        check_amount_error("-5000 USD", "is negative", None);
        check_amount_error("0 USD", "is zero", None);
        check_amount_error("USD", "is not an amount", None);
        let text = form(&[("Amount", "a lot")]);
        let error = parse_err(&text).remove(0);
        assert_eq!(
            error.to_string(),
            "line 7: \"Amount\": \"a lot\" is not an amount; write e.g. 1200000 or USD 1.2 million"
        );
        check_amount_error("1,000 - 2,000 USD", "more than one number", None);
        check_amount_error(
            "12.5 millon USD",
            "accepted: thousand, million",
            Some("million"),
        );
        check_amount_error(
            "12.5 millon",
            "accepted: thousand, million",
            Some("million"),
        );
        check_amount_error("5000 USD per year", "\"per year\" has no place", None);
        check_amount_error("kr 500 000", "could be several currencies", Some("NOK"));
        let text = form(&[("Amount", "kr 500 000")]);
        let error = parse_err(&text).remove(0);
        let codes: Vec<&str> = error.suggestions.iter().map(|s| &s[..3]).collect();
        assert_eq!(codes, ["NOK", "SEK", "DKK"]);
        check_amount_error("1e9 USD", "more than one number", None);
        check_amount_error("100 USD ½", "has no place", None);
    }

    #[test]
    fn currencies_that_cannot_be_read_get_suggestions() {
        let text = form(&[("Amount", "1000"), ("Currency", "EUT")]);
        let error = check_error(
            &text,
            (8, "Currency", "EUT"),
            "is not a currency",
            Some("EUR"),
        );
        assert!(
            error.to_string().contains("Did you mean EUR (Euro)"),
            "{error}"
        );
        // "EURO" names the euro unambiguously, so it is accepted rather than refused.
        let s = parse_ok(&form(&[("Amount", "1000"), ("Currency", "EURO")]));
        assert_eq!(s.funding.map(|f| f.currency), Some("EUR".to_string()));
        let text = form(&[("Amount", "1000 dollarz")]);
        check_error(
            &text,
            (7, "Amount", "1000 dollarz"),
            "is not a currency",
            Some("USD"),
        );
        let text = form(&[("Amount", "1000"), ("Currency", "kr")]);
        check_error(
            &text,
            (8, "Currency", "kr"),
            "could be several",
            Some("SEK"),
        );
    }

    #[test]
    fn no_amount_is_no_funding() {
        assert!(parse_ok(&form(&[])).funding.is_none());
        assert!(parse_ok(&form(&[("Amount", "")])).funding.is_none());
        assert!(
            parse_ok(&form(&[("Currency", "USD")])).funding.is_none(),
            "a currency alone says nothing about money"
        );
    }
}
