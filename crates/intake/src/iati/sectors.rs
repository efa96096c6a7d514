//! Sectors: DAC 5-digit codes and the areas of work they map to.

use std::collections::BTreeSet;

use roxmltree::Node;

use portal_domain::codes;
use portal_domain::submission::Area;

use super::xml::{children, clean, push_new};

/// Areas of work and DAC 5-digit codes from the sectors (see the module notes).
pub(super) fn sectors(node: Node, notes: &mut Vec<String>) -> (Vec<Area>, Vec<u32>) {
    let mut elements: Vec<Node> = children(node, "sector").collect();
    if elements.is_empty() {
        elements = children(node, "transaction")
            .flat_map(|t| children(t, "sector"))
            .collect();
    }
    let mut dac = Vec::new();
    let mut ignored_vocabularies: BTreeSet<String> = BTreeSet::new();
    for element in elements {
        let code = clean(element.attribute("code").unwrap_or_default());
        let vocabulary = clean(element.attribute("vocabulary").unwrap_or_default());
        if !matches!(vocabulary.to_ascii_lowercase().as_str(), "" | "1" | "dac") {
            ignored_vocabularies.insert(vocabulary);
            continue;
        }
        let number = code
            .parse::<u32>()
            .ok()
            .filter(|_| code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()));
        match number {
            Some(n) if codes::dac_sector_name(n).is_some() => push_new(&mut dac, n),
            Some(n) => notes.push(format!("DAC sector {n} unknown: ignored")),
            None if code.is_empty() => notes.push("a sector without a code: ignored".to_string()),
            None => notes.push(format!(
                "sector \"{code}\" is not a DAC 5-digit code: ignored"
            )),
        }
    }
    let ignored: Vec<String> = ignored_vocabularies.into_iter().collect();
    match ignored.as_slice() {
        [] => {}
        [one] => notes.push(format!("sector vocabulary {one} ignored")),
        many => notes.push(format!("sector vocabularies {} ignored", many.join(", "))),
    }
    let mut areas = Vec::new();
    for area in dac
        .iter()
        .filter_map(|code| codes::area_for_dac_sector(*code))
    {
        push_new(&mut areas, area);
    }
    if areas.is_empty() {
        areas.push(Area::InternationalCooperationAndAssistance);
        notes.push(
            "no sector maps to an area of work: filed under international cooperation and assistance"
                .to_string(),
        );
    }
    (areas, dac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn sector_15250_is_clearance_and_risk_education() {
        let a = one(&v2(
            r#"<sector code="15250" vocabulary="1"/><sector code="152" vocabulary="2"/><sector code="X1" vocabulary="99"/>"#,
        ));
        assert_eq!(a.submission.areas, vec![Area::ClearanceAndRiskEducation]);
        assert_eq!(a.submission.dac_sectors, vec![15250]);
        assert!(
            has_note(&a, "sector vocabularies 2, 99 ignored"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn no_mapped_sector_means_cooperation() {
        let a = one(&v2(r#"<sector code="11110"/>"#));
        assert_eq!(
            a.submission.areas,
            vec![Area::InternationalCooperationAndAssistance]
        );
        assert_eq!(a.submission.dac_sectors, vec![11110]);
        assert!(has_note(&a, "no sector maps to an area of work"));
    }
}
