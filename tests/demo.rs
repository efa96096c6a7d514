//! The demo content agrees with itself: what a submission's title, summary and description say
//! matches its areas of work, its kinds of assistance and its submitter's type. The rules are
//! stated here in words of the field, independently of the generator's own tables, so that a
//! filter by area, assistance or submitter type shows what its texts lead one to expect.

use chrono::{TimeZone, Utc};
use portal::demo::{self, DemoOptions};
use portal::submission::{Area, Assistance, Kind, Submission, SubmitterType};

const COUNT: usize = 2_000;

fn generated(seed: u64) -> Vec<Submission> {
    demo::generate(&DemoOptions {
        count: COUNT,
        seed,
        now: Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
    })
    .collect()
}

/// Everything a reader sees of a submission's text, in lower case.
fn text(s: &Submission) -> String {
    format!("{} {} {}", s.title, s.summary, s.description).to_lowercase()
}

/// The title and the summary, in lower case: what a list of results shows. The submitter's
/// name is left out: "Geneva International Centre for Humanitarian Demining" says nothing of
/// what a submission is about.
fn headline(s: &Submission) -> String {
    format!("{} {}", s.title, s.summary)
        .replace(&s.submitter.organisation, "")
        .to_lowercase()
}

fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Words that show a text is about an area of work.
fn area_words(area: Area) -> &'static [&'static str] {
    match area {
        Area::ClearanceAndRiskEducation => &[
            "clearance",
            "technical survey",
            "re-survey",
            "demining",
            "land release",
            "release land",
            "risk education",
            "eore",
            "explosive ordnance disposal",
            "battle area",
            "hazardous area",
            "spot task",
        ],
        Area::VictimAssistance => &[
            "survivor",
            "victim",
            "rehabilitation",
            "prosthe",
            "orthot",
            "disabilit",
            "psychosocial",
        ],
        Area::StockpileDestruction => &[
            "stockpile",
            "demilitari",
            "stock of cluster munitions",
            "munitions awaiting destruction",
            "open detonation",
        ],
        Area::InternationalCooperationAndAssistance => &[
            "cooperation",
            "capacity",
            "coordination",
            "coalition",
            "south–south",
            "information management",
            "imsma",
            "quality management",
            "national mine action standards",
            "strategy",
            "partnership",
            "peer-to-peer",
            "study visit",
            "exchange of experience",
        ],
        Area::TransparencyAndNationalImplementation => &[
            "article 7",
            "transparency",
            "reporting",
            "national implementation",
            "article 9",
            "legislation",
            "database",
            "extension request",
            "completion",
        ],
        Area::UniversalisationAndAdvocacy => &[
            "universalisation",
            "accession",
            "ratification",
            "ratify",
            "not party",
            "not yet party",
            "advocacy",
            "norm against",
            "join the convention",
            "humanitarian impact",
        ],
    }
}

/// Words in a title or summary that name one area of work and no other.
fn headline_words(area: Area) -> &'static [&'static str] {
    match area {
        Area::ClearanceAndRiskEducation => {
            &["clearance", "demining", "land release", "risk education"]
        }
        Area::VictimAssistance => &["prosthe", "rehabilitation", "victim assistance"],
        Area::StockpileDestruction => &["stockpile"],
        Area::InternationalCooperationAndAssistance => &[],
        Area::TransparencyAndNationalImplementation => &["article 7", "transparency report"],
        Area::UniversalisationAndAdvocacy => &["universalisation", "accession", "ratification"],
    }
}

/// Words that show a text names a kind of assistance.
fn assistance_words(assistance: Assistance) -> &'static [&'static str] {
    match assistance {
        Assistance::Financial => &["financial", "funding", "fund", "grant", "budget"],
        Assistance::TechnicalExpertise => &["expertise", "expert", "advisers", "technical advice"],
        Assistance::Equipment => &["equipment"],
        Assistance::Training => &["training", "train "],
        Assistance::InformationExchange => &[
            "exchange",
            "experience",
            "lessons",
            "good practice",
            "study visit",
        ],
    }
}

/// Submitters whose names say they are part of a government.
fn is_government(name: &str) -> bool {
    [
        "Ministry",
        "Authority",
        "Directorate",
        "Mine Action Centre",
        "Department of",
        "Government of",
        "Commission",
        "Agency",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// Submitters whose names say they are an international organisation.
fn is_international(name: &str) -> bool {
    [
        "United Nations",
        "UN ",
        "Red Cross",
        "(ICRC)",
        "European Union",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// States that had neither signed nor joined the Convention at the time of writing: their
/// government bodies are neither a State Party nor a Signatory, which leaves "Other".
const NEITHER_PARTY_NOR_SIGNATORY: &[&str] =
    &["VNM", "KHM", "UKR", "SYR", "YEM", "SDN", "FIN", "USA"];

/// Every rule broken by `s`, in words.
fn broken_rules(s: &Submission) -> Vec<String> {
    let mut broken = Vec::new();
    let text = text(s);
    let headline = headline(s);
    for area in &s.areas {
        if !mentions(&text, area_words(*area)) {
            broken.push(format!("lists {area:?} but its text never mentions it"));
        }
    }
    for area in [
        Area::ClearanceAndRiskEducation,
        Area::VictimAssistance,
        Area::StockpileDestruction,
        Area::TransparencyAndNationalImplementation,
        Area::UniversalisationAndAdvocacy,
    ] {
        if mentions(&headline, headline_words(area)) && !s.areas.contains(&area) {
            broken.push(format!(
                "title or summary names {area:?}, which is not listed"
            ));
        }
    }
    if headline.contains("stockpile") && s.areas == [Area::VictimAssistance] {
        broken.push("stockpile work under victim assistance alone".into());
    }
    for assistance in &s.assistance {
        if !mentions(&text, assistance_words(*assistance)) {
            broken.push(format!("lists {assistance:?} but its text never names it"));
        }
    }
    for (words, assistance) in [
        (&["equipment"][..], Assistance::Equipment),
        (&["expertise"][..], Assistance::TechnicalExpertise),
        (&["financial support"][..], Assistance::Financial),
    ] {
        if mentions(&headline, words) && !s.assistance.contains(&assistance) {
            broken.push(format!(
                "title or summary names {assistance:?}, which is not listed"
            ));
        }
    }
    if text.contains("funding gap") && !s.assistance.contains(&Assistance::Financial) {
        broken.push("a funding gap without financial support asked for".into());
    }
    if s.kind == Kind::FundingSource && !s.assistance.contains(&Assistance::Financial) {
        broken.push("a funding source that is not financial".into());
    }
    let submitter = &s.submitter;
    let outside = submitter
        .country
        .as_deref()
        .is_some_and(|c| NEITHER_PARTY_NOR_SIGNATORY.contains(&c));
    let state = matches!(
        submitter.kind,
        SubmitterType::StateParty | SubmitterType::Signatory
    );
    if is_government(&submitter.organisation) {
        if outside && submitter.kind != SubmitterType::Other {
            broken.push(format!(
                "{} is the government of a State not party, yet {:?}",
                submitter.organisation, submitter.kind
            ));
        }
        if !outside && !state {
            broken.push(format!(
                "{} is part of a government, yet {:?}",
                submitter.organisation, submitter.kind
            ));
        }
    }
    if state && (outside || submitter.country.is_none()) {
        broken.push(format!(
            "{} is {:?} without being a State that has joined or signed",
            submitter.organisation, submitter.kind
        ));
    }
    if is_international(&submitter.organisation)
        && submitter.kind != SubmitterType::InternationalOrganisation
    {
        broken.push(format!(
            "{} is an international organisation, yet {:?}",
            submitter.organisation, submitter.kind
        ));
    }
    broken
}

#[test]
fn every_demo_submission_agrees_with_itself() {
    for seed in [1, 26] {
        let mut failures = Vec::new();
        for s in generated(seed) {
            for rule in broken_rules(&s) {
                failures.push(format!(
                    "{rule}: {} | {} | {:?} | {:?} | {}",
                    s.title, s.summary, s.areas, s.assistance, s.description
                ));
            }
        }
        let shown: Vec<&String> = failures.iter().take(12).collect();
        assert!(
            failures.is_empty(),
            "seed {seed}: {} broken rules, for example:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_rules_catch_what_a_user_reported() {
    let mut s = generated(1)
        .into_iter()
        .find(|s| s.kind == Kind::Offer)
        .unwrap();
    s.title = "[Demo] Equipment for clearance of cluster munition remnants".into();
    s.areas = vec![Area::UniversalisationAndAdvocacy, Area::VictimAssistance];
    s.assistance = vec![Assistance::Financial];
    let broken = broken_rules(&s).join("\n");
    assert!(broken.contains("names Equipment"), "{broken}");
    assert!(
        broken.contains("names ClearanceAndRiskEducation"),
        "{broken}"
    );
    s.submitter.organisation = "National Mine Action Authority (South Sudan)".into();
    s.submitter.country = Some("SSD".into());
    s.submitter.kind = SubmitterType::Other;
    assert!(
        broken_rules(&s)
            .iter()
            .any(|r| r.contains("part of a government")),
    );
}

#[test]
fn the_mix_of_areas_and_submitters_stays_varied() {
    let all = generated(7);
    for area in [
        Area::ClearanceAndRiskEducation,
        Area::VictimAssistance,
        Area::StockpileDestruction,
        Area::InternationalCooperationAndAssistance,
        Area::TransparencyAndNationalImplementation,
        Area::UniversalisationAndAdvocacy,
    ] {
        let share = all.iter().filter(|s| s.areas.contains(&area)).count() as f64 / COUNT as f64;
        assert!(share > 0.04, "{area:?}: {share}");
    }
    let several = all.iter().filter(|s| s.areas.len() > 1).count();
    assert!(several > COUNT / 10, "{several} with more than one area");
    for kind in [
        SubmitterType::StateParty,
        SubmitterType::Signatory,
        SubmitterType::InternationalOrganisation,
        SubmitterType::Ngo,
        SubmitterType::Other,
    ] {
        assert!(all.iter().any(|s| s.submitter.kind == kind), "{kind:?}");
    }
    for assistance in [
        Assistance::Financial,
        Assistance::TechnicalExpertise,
        Assistance::Equipment,
        Assistance::Training,
        Assistance::InformationExchange,
    ] {
        assert!(
            all.iter()
                .filter(|s| s.assistance.contains(&assistance))
                .count()
                > COUNT / 20,
            "{assistance:?}"
        );
    }
}
