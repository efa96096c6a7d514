//! Countries concerned and the submitter's country: countries, UN M49 regions, "global".

use portal_domain::codes;
use portal_domain::submission::Beneficiaries;

use super::TemplateError;
use super::form::{Entry, Problem, list_items};
use super::text::{MAX_SUGGESTED_PER_FIELD, clean_item, key, remove_brackets, suggestable};

pub(super) const PLACES_ACCEPTED: &str = "write countries by English name or ISO code (e.g. Lao PDR, Laos \
    or LAO), a UN M49 region (e.g. South-eastern Asia or 035), or \"global\"";

/// Where help goes: a country (ISO alpha-3), a UN M49 region, or everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Country(&'static str),
    Region(&'static str),
    Global,
}

/// Regions as people name them where M49 names them otherwise.
const REGION_ALIASES: &[(&str, &str)] = &[
    ("south east asia", "035"),
    ("southeast asia", "035"),
    ("latin america", "419"),
    ("sub saharan africa", "202"),
    ("subsaharan africa", "202"),
    ("central america and the caribbean", "419"),
];

/// Countries concerned: countries, regions or "global", one problem per item not understood.
pub(super) fn parse_places(entry: &Entry, errors: &mut Vec<TemplateError>) -> Beneficiaries {
    let mut beneficiaries = Beneficiaries::default();
    let mut reported = 0;
    for (line, items) in list_items(entry) {
        let (places, unknown) = resolve_places(&items);
        for place in places {
            match place {
                Place::Country(code) => beneficiaries.countries.push(code.to_string()),
                Place::Region(code) => beneficiaries.regions.push(code.to_string()),
                Place::Global => beneficiaries.global = true,
            }
        }
        for text in unknown {
            let suggestions = if reported < MAX_SUGGESTED_PER_FIELD {
                suggest_places(&text)
            } else {
                Vec::new()
            };
            reported += 1;
            let problem = Problem::new(format!("is not a country or region; {PLACES_ACCEPTED}"))
                .suggesting(suggestions);
            errors.push(entry.error_at(line, &text, problem));
        }
    }
    beneficiaries
}

/// Reads the items of one line. Two or three items may be one name with commas ("Korea,
/// Republic of"), so the longest run that names a place wins; an item that is no place may be
/// several joined by "and", but "Bosnia and Herzegovina" is tried whole first.
fn resolve_places(items: &[String]) -> (Vec<Place>, Vec<String>) {
    let mut places = Vec::new();
    let mut unknown = Vec::new();
    let mut i = 0;
    'items: while i < items.len() {
        for run in (2..=3).rev() {
            if let Some(group) = items.get(i..i + run)
                && let Some(found) = place(&group.join(", "))
            {
                places.push(found);
                i += run;
                continue 'items;
            }
        }
        if let Some(item) = items.get(i) {
            resolve_and_list(item, &mut places, &mut unknown);
        }
        i += 1;
    }
    (places, unknown)
}

/// Reads "Laos and Cambodia", keeping names that contain "and" whole where they exist.
fn resolve_and_list(item: &str, places: &mut Vec<Place>, unknown: &mut Vec<String>) {
    if let Some(found) = place(item) {
        places.push(found);
        return;
    }
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    for word in item.split_whitespace() {
        if word.eq_ignore_ascii_case("and") || word == "&" {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(word);
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect();
    if parts.len() <= 1 {
        unknown.push(item.to_string());
        return;
    }
    let mut i = 0;
    'parts: while i < parts.len() {
        // The longest country name has three "and"s in it.
        for end in (i + 1..=(i + 4).min(parts.len())).rev() {
            if let Some(group) = parts.get(i..end)
                && let Some(found) = place(&group.join(" and "))
            {
                places.push(found);
                i = end;
                continue 'parts;
            }
        }
        if let Some(part) = parts.get(i) {
            unknown.push(part.clone());
        }
        i += 1;
    }
}

/// A single place: "global", a country (name, alias or code), or a region (name or M49 code);
/// a bracketed remark ("Lao PDR (Xieng Khouang province)") is ignored if need be.
fn place(text: &str) -> Option<Place> {
    let text = clean_item(text);
    if text.is_empty() {
        return None;
    }
    let k = key(text);
    if matches!(
        k.as_str(),
        "global"
            | "worldwide"
            | "world wide"
            | "world"
            | "the world"
            | "all countries"
            | "any country"
            | "everywhere"
            | "international"
    ) {
        return Some(Place::Global);
    }
    if let Some(country) = codes::country(text) {
        return Some(Place::Country(country.alpha3));
    }
    if let Some(region) = codes::region(text) {
        return Some(Place::Region(region.code));
    }
    if let Some((_, code)) = REGION_ALIASES.iter().find(|(alias, _)| *alias == k)
        && let Some(region) = codes::region(code)
    {
        return Some(Place::Region(region.code));
    }
    let without_brackets = remove_brackets(text);
    if without_brackets != text {
        return place(&without_brackets);
    }
    None
}

/// The nearest countries, then any region whose name is close.
fn suggest_places(text: &str) -> Vec<String> {
    if !suggestable(text) {
        return Vec::new();
    }
    codes::suggest_places(text)
}

/// The submitter's own country: one country, by name, alias or code.
pub(super) fn parse_country(text: &str) -> Result<String, Problem> {
    let cleaned = clean_item(text);
    codes::country(cleaned)
        .or_else(|| codes::country(&remove_brackets(cleaned)))
        .map(|c| c.alpha3.to_string())
        .ok_or_else(|| {
            Problem::new(
                "is not a country; write one country by English name or ISO code, e.g. Lao PDR, \
                 Laos or LAO",
            )
            .suggesting(if suggestable(cleaned) {
                codes::suggest_countries(cleaned)
            } else {
                Vec::new()
            })
        })
}

#[cfg(test)]
mod tests {
    use crate::template::testing::*;

    fn check_places(written: &str, countries: &[&str], regions: &[&str], global: bool) {
        let s = parse_ok(&form(&[("Countries concerned", written)]));
        let b = &s.beneficiaries;
        assert_eq!(
            (b.countries.as_slice(), b.regions.as_slice(), b.global),
            (
                countries
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .as_slice(),
                regions
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .as_slice(),
                global
            ),
            "{written}"
        );
    }

    // --- Countries concerned -----------------------------------------------------------------

    #[test]
    fn countries_by_name_alias_or_code() {
        check_places("Lao PDR", &["LAO"], &[], false);
        check_places("Laos", &["LAO"], &[], false);
        check_places("LAO", &["LAO"], &[], false);
        check_places("Lao People's Democratic Republic", &["LAO"], &[], false);
        check_places("Viet Nam, kh", &["VNM", "KHM"], &[], false);
        check_places("Laos (Xieng Khouang province)", &["LAO"], &[], false);
    }

    #[test]
    fn several_countries_with_any_separator() {
        let expected = ["LAO", "KHM", "VNM"];
        check_places("Laos, Cambodia, Viet Nam", &expected, &[], false);
        check_places("Laos; Cambodia; Viet Nam", &expected, &[], false);
        check_places("Laos / Cambodia / Viet Nam", &expected, &[], false);
        check_places("Laos • Cambodia • Viet Nam", &expected, &[], false);
        check_places("Laos, Cambodia and Viet Nam", &expected, &[], false);
        check_places("Laos, Cambodia, and Viet Nam", &expected, &[], false);
        check_places("Laos & Cambodia & Vietnam", &expected, &[], false);
        check_places("\n- Laos\n- Cambodia\n- Viet Nam", &expected, &[], false);
        check_places("\n• Laos\n* Cambodia\n· Viet Nam", &expected, &[], false);
        check_places("\n1. Laos\n2) Cambodia\n3. Viet Nam", &expected, &[], false);
        check_places("Laos, Laos", &["LAO"], &[], false);
    }

    #[test]
    fn names_with_and_or_commas_are_read_whole() {
        check_places("Bosnia and Herzegovina", &["BIH"], &[], false);
        check_places(
            "Bosnia and Herzegovina and Serbia",
            &["BIH", "SRB"],
            &[],
            false,
        );
        check_places("Trinidad and Tobago", &["TTO"], &[], false);
        check_places(
            "Antigua and Barbuda and Saint Kitts and Nevis",
            &["ATG", "KNA"],
            &[],
            false,
        );
        check_places("Heard Island and McDonald Islands", &["HMD"], &[], false);
        check_places("Saint Vincent and the Grenadines", &["VCT"], &[], false);
        check_places("Sao Tome and Principe, Angola", &["STP", "AGO"], &[], false);
        check_places("Korea, Republic of; Laos", &["KOR", "LAO"], &[], false);
        check_places("Congo, Democratic Republic of the", &["COD"], &[], false);
        check_places("Congo, Chad", &["COG", "TCD"], &[], false);
    }

    #[test]
    fn regions_and_global() {
        check_places("South-eastern Asia", &[], &["035"], false);
        check_places("South East Asia", &[], &["035"], false);
        check_places("035", &[], &["035"], false);
        check_places("Laos, Africa", &["LAO"], &["002"], false);
        check_places("Latin America and the Caribbean", &[], &["419"], false);
        check_places("global", &[], &[], true);
        check_places("Worldwide", &[], &[], true);
        check_places("all countries", &[], &[], true);
    }

    #[test]
    fn an_unknown_country_names_its_line_and_the_nearest_codes() {
        let text = form(&[("Countries concerned", "Laos,\n  Cambodja and Narnia")]);
        let errors = parse_err(&text);
        let written: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.written.as_str()))
            .collect();
        assert_eq!(written, [(6, "Cambodja"), (6, "Narnia")], "{errors:#?}");
        let cambodja = &errors[0];
        assert_eq!(cambodja.field, "Countries concerned");
        assert!(cambodja.suggestions[0].starts_with("KHM ("), "{cambodja}");
        let shown = cambodja.to_string();
        assert!(
            shown.starts_with("line 6: \"Countries concerned\": \"Cambodja\" is not a country"),
            "{shown}"
        );
        assert!(shown.contains("Did you mean KHM (Cambodia)"), "{shown}");
    }
}
