//! Recipient countries and regions: ISO codes, DAC regions through
//! `data/codes/iati-regions.csv` to UN M49, M49 regions directly, or global.

use std::sync::LazyLock;

use roxmltree::Node;

use portal_domain::codes;
use portal_domain::submission::Beneficiaries;

const IATI_REGIONS_CSV: &str = include_str!("../../../../data/codes/iati-regions.csv");

use super::xml::{children, clean, own_text, push_new};

/// What an IATI region stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RegionTarget {
    /// No place in particular (998).
    Global,
    /// One or more UN M49 codes.
    M49(Vec<&'static str>),
}

/// One row of `data/codes/iati-regions.csv`.
#[derive(Debug, Clone)]
struct IatiRegion {
    code: &'static str,
    target: RegionTarget,
    approximate: bool,
    name: &'static str,
}

static IATI_REGIONS: LazyLock<Vec<IatiRegion>> = LazyLock::new(|| {
    IATI_REGIONS_CSV
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with("code,"))
        .filter_map(|line| {
            let mut fields = line.splitn(4, ',');
            let code = fields.next()?.trim();
            let m49 = fields.next()?.trim();
            let approximate = fields.next()?.trim() == "yes";
            let name = fields.next()?.trim().trim_matches('"');
            let target = if m49 == "global" {
                RegionTarget::Global
            } else {
                RegionTarget::M49(m49.split_whitespace().collect())
            };
            Some(IatiRegion {
                code,
                target,
                approximate,
                name,
            })
        })
        .collect()
});

/// A DAC region code, any number of leading zeros.
fn iati_region(code: &str) -> Option<&'static IatiRegion> {
    let wanted = code.trim().trim_start_matches('0');
    IATI_REGIONS.iter().find(|r| r.code == wanted)
}

/// Recipient countries and regions (see the module notes).
pub(super) fn places(node: Node, notes: &mut Vec<String>) -> Beneficiaries {
    let mut places = Beneficiaries::default();
    let mut without_percentage = 0;
    let mut recipients = 0;
    for element in children(node, "recipient-country") {
        recipients += 1;
        without_percentage += usize::from(percentage_missing(element));
        let code = element
            .attribute("code")
            .map(clean)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| clean(&own_text(element)));
        match codes::country(&code) {
            Some(country) => push_new(&mut places.countries, country.alpha3.to_string()),
            None => notes.push(format!("recipient country \"{code}\" unknown: skipped")),
        }
    }
    let mut unspecified = None;
    for element in children(node, "recipient-region") {
        recipients += 1;
        without_percentage += usize::from(percentage_missing(element));
        let code = clean(element.attribute("code").unwrap_or_default());
        let vocabulary = element
            .attribute("vocabulary")
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match vocabulary.as_str() {
            "" | "1" | "dac" => match iati_region(&code) {
                Some(region) => match &region.target {
                    RegionTarget::Global => unspecified = Some(region),
                    RegionTarget::M49(m49) => {
                        for target in m49 {
                            push_new(&mut places.regions, (*target).to_string());
                        }
                        if region.approximate {
                            notes.push(format!(
                                "region {} ({}) read as UN M49 {} (approximate)",
                                region.code,
                                region.name,
                                m49_names(m49)
                            ));
                        }
                    }
                },
                None => notes.push(format!("recipient region \"{code}\" unknown: skipped")),
            },
            "2" => match codes::region(&code) {
                Some(region) => push_new(&mut places.regions, region.code.to_string()),
                None => notes.push(format!(
                    "recipient region \"{code}\" (UN M49) not in the region list: skipped"
                )),
            },
            other => notes.push(format!(
                "region vocabulary {other} ignored (region \"{code}\")"
            )),
        }
    }
    if recipients > 1 && without_percentage > 0 {
        notes.push(format!(
            "{without_percentage} recipient countries or regions without percentage"
        ));
    }
    let named = !places.countries.is_empty() || !places.regions.is_empty();
    match unspecified {
        Some(region) if !named => {
            places.global = true;
            notes.push(format!(
                "region {} ({}) read as global",
                region.code,
                region.name.to_lowercase()
            ));
        }
        Some(region) => notes.push(format!(
            "region {} ({}) ignored next to the countries or regions named",
            region.code,
            region.name.to_lowercase()
        )),
        None if !named => {
            places.global = true;
            notes.push("no recipient country or region: shown as global".to_string());
        }
        None => {}
    }
    places
}

fn percentage_missing(element: Node) -> bool {
    element
        .attribute("percentage")
        .is_none_or(|p| p.trim().is_empty())
}

/// "030 Eastern Asia, 035 South-eastern Asia".
fn m49_names(codes_: &[&str]) -> String {
    codes_
        .iter()
        .map(|code| match codes::region(code) {
            Some(region) => format!("{} {}", region.code, region.name),
            None => (*code).to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn region_289_is_sub_saharan_africa() {
        let a = one(&v2(r#"<recipient-region code="289" vocabulary="1"/>"#));
        assert_eq!(a.submission.beneficiaries.regions, vec!["202"]);
        assert!(!a.submission.beneficiaries.global);
    }

    #[test]
    fn region_998_is_global() {
        let a = one(&v2(r#"<recipient-region code="998"/>"#));
        assert!(a.submission.beneficiaries.global);
        assert!(a.submission.beneficiaries.regions.is_empty());
        assert!(has_note(&a, "region 998"), "{:?}", a.notes);
    }

    #[test]
    fn region_789_is_eastern_and_south_eastern_asia() {
        let a = one(&v2(r#"<recipient-region code="789" vocabulary="1"/>"#));
        assert_eq!(a.submission.beneficiaries.regions, vec!["030", "035"]);
    }

    #[test]
    fn no_place_is_global_with_a_note() {
        let a = one(&v2(""));
        assert!(a.submission.beneficiaries.global);
        assert!(has_note(
            &a,
            "no recipient country or region: shown as global"
        ));
    }

    #[test]
    fn unknown_country_is_skipped_with_a_note() {
        let a = one(&v2(
            r#"<recipient-country code="QQ"/><recipient-country code="KH"/>"#,
        ));
        assert_eq!(a.submission.beneficiaries.countries, vec!["KHM"]);
        assert!(has_note(&a, "\"QQ\" unknown"), "{:?}", a.notes);
        assert!(has_note(
            &a,
            "2 recipient countries or regions without percentage"
        ));
    }

    #[test]
    fn region_table_is_complete_and_known() {
        // Every data row of the file is read: the 26 codes of the IATI Region codelist.
        assert_eq!(IATI_REGIONS.len(), 26);
        for region in IATI_REGIONS.iter() {
            if let RegionTarget::M49(codes_) = &region.target {
                assert!(!codes_.is_empty(), "{}", region.code);
                for code in codes_ {
                    assert!(codes::region(code).is_some(), "{} → {code}", region.code);
                }
            }
        }
        for code in [
            "289", "298", "189", "798", "689", "789", "619", "589", "89", "498", "489", "389",
            "380", "889", "998",
        ] {
            assert!(iati_region(code).is_some(), "{code}");
        }
    }
}
