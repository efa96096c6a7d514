//! Texts and their languages: a text is its `<narrative>` children or its own text; English or
//! unstated texts are preferred. Title, summary, description, participating organisations.

use std::collections::HashSet;

use roxmltree::Node;

use super::xml::{children, clean, own_text};

/// The namespace roxmltree gives the `xml:` prefix.
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// About how long a summary may be, in characters.
const SUMMARY_CHARS: usize = 300;

/// The language of a text, as far as the file says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Language {
    English,
    /// No `xml:lang` on the text or above it.
    Unstated,
    /// Lower-cased code, e.g. "fr".
    Other(String),
}

impl Language {
    /// English and unstated texts are preferred to texts in other languages.
    fn preferred(&self) -> bool {
        !matches!(self, Language::Other(_))
    }
}

/// A text found in an element, with its language.
#[derive(Debug, Clone)]
struct Text {
    text: String,
    language: Language,
}

/// The texts of an element: one per `<narrative>` (2.0x), or its own text (1.0x). Empty texts
/// are left out.
fn texts(element: Node) -> Vec<Text> {
    let narratives: Vec<Node> = children(element, "narrative").collect();
    let sources = if narratives.is_empty() {
        vec![element]
    } else {
        narratives
    };
    sources
        .into_iter()
        .map(|n| Text {
            text: clean(&own_text(n)),
            language: language(n),
        })
        .filter(|t| !t.text.is_empty())
        .collect()
}

/// The texts of several elements, keeping the ones in the best language available: English or
/// unstated when there are any, else those in the first other language found (then `Some` of
/// that language's code, for a note).
fn best_texts(all: Vec<Text>) -> (Vec<Text>, Option<String>) {
    if all.iter().any(|t| t.language.preferred()) {
        let english: Vec<Text> = all.into_iter().filter(|t| t.language.preferred()).collect();
        return (english, None);
    }
    let Some(Language::Other(first)) = all.first().map(|t| t.language.clone()) else {
        return (Vec::new(), None);
    };
    let same: Vec<Text> = all
        .into_iter()
        .filter(|t| t.language == Language::Other(first.clone()))
        .collect();
    (same, Some(first))
}

/// The best single text of an element (English first), for names.
pub(super) fn best_text(element: Node) -> Option<String> {
    let all = texts(element);
    all.iter()
        .find(|t| t.language == Language::English)
        .or_else(|| all.iter().find(|t| t.language.preferred()))
        .or_else(|| all.first())
        .map(|t| t.text.clone())
}

/// The nearest language attribute on the node or above it. Any attribute named `lang` counts
/// (the XML namespace first), since some files bind another prefix to the URI "xml".
fn language(node: Node) -> Language {
    // IATI files nest a narrative at most six elements deep (result, iati-activities,
    // iati-activity, title, narrative); looking no further than this keeps absurdly deep input
    // from taking quadratic time.
    const MAX_DEPTH: usize = 32;
    for ancestor in node.ancestors().take(MAX_DEPTH).filter(|n| n.is_element()) {
        let mut found = None;
        for attribute in ancestor.attributes() {
            if attribute.name() == "lang" {
                if attribute.namespace() == Some(XML_NAMESPACE) || found.is_none() {
                    found = Some(attribute.value());
                }
                if attribute.namespace() == Some(XML_NAMESPACE) {
                    break;
                }
            }
        }
        if let Some(code) = found {
            let code = code.trim().to_ascii_lowercase();
            return if code.is_empty() {
                Language::Unstated
            } else if code == "en"
                || code == "eng"
                || code.starts_with("en-")
                || code.starts_with("en_")
            {
                Language::English
            } else {
                Language::Other(code)
            };
        }
    }
    Language::Unstated
}

/// A language code as an English name, for notes.
fn language_name(code: &str) -> String {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    let name = match primary {
        "fr" | "fra" | "fre" => "French",
        "es" | "spa" => "Spanish",
        "pt" | "por" => "Portuguese",
        "de" | "deu" | "ger" => "German",
        "sv" | "swe" => "Swedish",
        "nl" | "nld" | "dut" => "Dutch",
        "it" | "ita" => "Italian",
        "ar" | "ara" => "Arabic",
        "ru" | "rus" => "Russian",
        "zh" | "zho" | "chi" => "Chinese",
        "no" | "nb" | "nn" | "nor" => "Norwegian",
        "da" | "dan" => "Danish",
        "fi" | "fin" => "Finnish",
        "cs" | "ces" | "cze" => "Czech",
        "ja" | "jpn" => "Japanese",
        "ko" | "kor" => "Korean",
        _ => return format!("language \"{code}\""),
    };
    name.to_string()
}

/// The title: the first English (or unstated) narrative, else the first in any language.
pub(super) fn title(node: Node, notes: &mut Vec<String>) -> Option<String> {
    let all: Vec<Text> = children(node, "title").flat_map(texts).collect();
    let (best, other) = best_texts(all);
    let first = best.into_iter().next()?;
    if let Some(code) = other {
        notes.push(format!("title only in {}", language_name(&code)));
    }
    Some(first.text)
}

/// The summary and the description, from the description elements (see the module notes).
pub(super) fn descriptions(node: Node, notes: &mut Vec<String>) -> (String, String) {
    let mut general = Vec::new();
    let mut all = Vec::new();
    for element in children(node, "description") {
        let kind = element
            .attribute("type")
            .map(|t| t.trim().to_ascii_lowercase());
        let is_general = matches!(kind.as_deref(), None | Some("1" | "general"));
        for text in texts(element) {
            if is_general {
                general.push(text.clone());
            }
            all.push(text);
        }
    }
    let (chosen, other) = best_texts(all);
    if let Some(code) = &other {
        notes.push(format!("description only in {}", language_name(code)));
    }
    let summary_source = general
        .into_iter()
        .find(|t| match &other {
            None => t.language.preferred(),
            Some(code) => t.language == Language::Other(code.clone()),
        })
        .or_else(|| chosen.first().cloned());
    let summary = summary_source
        .map(|t| shorten(&t.text, SUMMARY_CHARS))
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let paragraphs: Vec<String> = chosen
        .into_iter()
        .map(|t| t.text)
        .filter(|text| seen.insert(text.clone()))
        .collect();
    (summary, paragraphs.join("\n\n"))
}

/// Cuts `text` to about `limit` characters at a word boundary, marking the cut with "…".
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(index, _)| index);
    let head = text.get(..cut).unwrap_or(text);
    // Cut at the last space, unless that would leave less than half the limit (one very long
    // word): then cut inside the word.
    let head = match head.rfind(' ') {
        Some(space)
            if head
                .get(..space)
                .is_some_and(|h| h.chars().count() >= limit / 2) =>
        {
            head.get(..space).unwrap_or(head)
        }
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–".contains(c));
    format!("{head}…")
}

/// "Participating organisations: Funding: X; Implementing: Y", or None when none is named.
pub(super) fn participants(node: Node) -> Option<String> {
    const ROLES: [&str; 4] = ["Funding", "Accountable", "Extending", "Implementing"];
    let mut by_role: [Vec<String>; 4] = Default::default();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    for org in children(node, "participating-org") {
        let role = org
            .attribute("role")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let index = match role.as_str() {
            "1" | "funding" => 0,
            "2" | "accountable" => 1,
            "3" | "extending" => 2,
            "4" | "implementing" => 3,
            _ => continue,
        };
        let name =
            best_text(org).or_else(|| org.attribute("ref").map(clean).filter(|r| !r.is_empty()));
        if let (Some(name), Some(names)) = (name, by_role.get_mut(index))
            && seen.insert((index, name.clone()))
        {
            names.push(name);
        }
    }
    let parts: Vec<String> = ROLES
        .iter()
        .zip(&by_role)
        .filter(|(_, names)| !names.is_empty())
        .map(|(role, names)| format!("{role}: {}", names.join(", ")))
        .collect();
    (!parts.is_empty()).then(|| format!("Participating organisations: {}", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn english_narrative_chosen_over_french() {
        let xml = r#"<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="fr">
  <iati-identifier>FR-3-1</iati-identifier>
  <reporting-org ref="FR-3" type="10"><narrative>AFD</narrative></reporting-org>
  <title><narrative>Déminage au Laos</narrative><narrative xml:lang="EN">Demining in Laos</narrative></title>
  <description type="1"><narrative>Texte français.</narrative><narrative xml:lang="en">English text.</narrative></description>
  <recipient-country code="LA"/>
 </iati-activity>
</iati-activities>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Demining in Laos");
        assert_eq!(a.submission.summary, "English text.");
        assert!(a.submission.description.starts_with("English text."));
        assert!(!has_note(&a, "only in"));
        assert_eq!(a.submission.submitter.country.as_deref(), Some("FRA"));
    }

    #[test]
    fn title_only_in_french_is_kept_with_a_note() {
        let xml = r#"<iati-activity xml:lang="fr"><iati-identifier>X-1</iati-identifier>
  <reporting-org ref="FR-3" type="10"><narrative>AFD</narrative></reporting-org>
  <title><narrative>Déminage</narrative></title></iati-activity>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Déminage");
        assert!(has_note(&a, "title only in French"), "{:?}", a.notes);
    }

    #[test]
    fn lang_attribute_in_another_namespace_counts() {
        let xml = r#"<iati-activities xmlns:ns2="xml"><iati-activity xml:lang="fr">
  <iati-identifier>CZ-1</iati-identifier>
  <reporting-org ref="CZ-ICO-1" type="21"><narrative>People in Need</narrative></reporting-org>
  <title><narrative ns2:lang="en">Covid response</narrative></title></iati-activity></iati-activities>"#;
        let a = one(xml);
        assert_eq!(a.submission.title, "Covid response");
        assert!(!has_note(&a, "only in"));
    }

    #[test]
    fn summary_is_cut_at_a_word() {
        let long = "word ".repeat(100);
        let short = shorten(long.trim(), SUMMARY_CHARS);
        assert!(short.chars().count() <= SUMMARY_CHARS + 1);
        assert!(short.ends_with("word…"), "{short}");
        assert_eq!(shorten("é".repeat(400).as_str(), 300).chars().count(), 301);
    }

    #[test]
    fn textual_and_numeric_roles() {
        let a = one(&v2(
            r#"<participating-org role="Funding"><narrative>Norway</narrative></participating-org>
  <participating-org role="4" ref="XM-1"/>
  <participating-org role="funding"><narrative>Norway</narrative></participating-org>"#,
        ));
        assert_eq!(
            a.submission.description,
            "Participating organisations: Funding: Norway; Implementing: XM-1"
        );
    }
}
