//! Text helpers the readers of every field share: list items, brackets, keys for comparing
//! words, and limits on suggestions.

pub(super) fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// `text` without a leading list mark: a bullet ("•", "-", "*", "·", …) or a number ("1.", "2)").
pub(super) fn strip_bullet(text: &str) -> &str {
    let text = text.trim_start();
    let bullets = [
        '•', '-', '*', '·', '–', '—', '‣', '◦', '▪', '○', '■', '►', '→',
    ];
    if let Some(rest) = text.strip_prefix(bullets) {
        return rest.trim_start();
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits)
        && let Some(rest) = text.get(digits..)
        && let Some(rest) = rest.strip_prefix(['.', ')'])
        && rest.starts_with(char::is_whitespace)
    {
        return rest.trim_start();
    }
    text
}

/// Splits at any of `separators` that is not inside round or square brackets.
pub(super) fn split_outside_brackets<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && separators.contains(&c) => {
                parts.extend(text.get(from..i));
                from = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.extend(text.get(from..));
    parts
}

/// An item without surrounding spaces, quotes, a trailing full stop, or a leading "and"/"&"
/// (as in "Laos, Cambodia, and Viet Nam").
pub(super) fn clean_item(text: &str) -> &str {
    let mut t = text.trim();
    for prefix in ["and ", "& ", "or "] {
        if starts_with_ignoring_case(t, prefix) {
            t = t.get(prefix.len()..).unwrap_or(t).trim_start();
        }
    }
    t.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’' | '.' | '!')
    })
}

/// `text` without anything in round brackets.
pub(super) fn remove_brackets(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Lower-case words of letters and digits joined by single spaces: "Funding-Source" →
/// "funding source".
pub(super) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’') {
            gap = true;
        }
    }
    out
}

/// Texts longer than this (in characters) get no suggestions: nothing is near them, and
/// comparing them with every code-list entry would take long.
const MAX_SUGGESTABLE_CHARS: usize = 60;

/// Problems in one field that get suggestions; the rest are reported without, so that a pasted
/// wall of text is answered quickly.
pub(super) const MAX_SUGGESTED_PER_FIELD: usize = 10;

pub(super) fn suggestable(text: &str) -> bool {
    text.chars().count() <= MAX_SUGGESTABLE_CHARS
}

/// "march" → "March".
pub(super) fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "a", "a or b", "a, b or c".
pub(super) fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
    }
}
