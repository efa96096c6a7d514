//! How names are compared: folded to lower-case ASCII words, keyed, and scored for misspellings.

use super::{CLOSE_ENOUGH, MAX_SUGGESTIONS};

/// Lower-cases `text` and folds accented Latin letters to plain ASCII ("Côte" → "cote").
pub(super) fn fold_lower(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(folded);
    }
    out
}

/// Splits `text` into folded, lower-case words of letters and digits. Apostrophes vanish
/// ("People's" → "peoples", "d'Ivoire" → "divoire"); every other non-alphanumeric character
/// separates words.
pub(super) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in fold_lower(text).chars() {
        if matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A word as it counts in a place name ("St" and "Saint" are the same).
fn name_word(word: &str) -> &str {
    if word == "st" { "saint" } else { word }
}

/// A name with case, accents, spaces and punctuation ignored: "Lao P.D.R." → "laopdr".
pub(super) fn compact_key(words: &[String]) -> String {
    words.iter().map(|w| name_word(w)).collect()
}

/// A name with word order and the words "the", "of", "and" also ignored:
/// "Congo, Democratic Republic of the" and "Democratic Republic of Congo" give the same key.
pub(super) fn bag_key(words: &[String]) -> String {
    let mut kept: Vec<&str> = words
        .iter()
        .map(|w| name_word(w))
        .filter(|w| !matches!(*w, "the" | "of" | "and"))
        .collect();
    kept.sort_unstable();
    kept.join(" ")
}

/// A currency word with a plural "s" dropped ("dollars" → "dollar", "Swiss" stays), words joined.
pub(super) fn currency_key(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                &w[..w.len() - 1]
            } else {
                w.as_str()
            }
        })
        .collect()
}

/// How likely `written` is a misspelling of `spelling` (both [`compact_key`]s), from 0 to 1:
/// their Jaro-Winkler similarity when a reader would take one for the other (a letter in four
/// typed wrong at most, or a long name nearly the same), otherwise 0. Jaro-Winkler alone
/// found "Narnia" close to "Armenia" and "Atlantis" to "Albania".
pub(super) fn misspelling_score(written: &str, spelling: &str) -> f64 {
    let similarity = strsim::jaro_winkler(written, spelling);
    let length = written.chars().count();
    let allowed_edits = match length {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let few_edits = strsim::osa_distance(written, spelling) <= allowed_edits;
    let long_and_alike = length >= 8 && similarity >= 0.88;
    if few_edits || long_and_alike {
        similarity.max(CLOSE_ENOUGH)
    } else {
        0.0
    }
}

/// Indices of the best scores at least [`CLOSE_ENOUGH`], best first (ties by index): a
/// suggestion far from what was written misleads more than it helps.
pub(super) fn best_few(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len())
        .filter(|&i| scores[i] >= CLOSE_ENOUGH)
        .collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.truncate(MAX_SUGGESTIONS);
    order
}
