//! Demo data: a deterministic generator of realistic, plainly fictitious submissions.
//!
//! The generator feeds demonstrations and the one-million-record benchmark. It streams: records
//! are made one at a time from a seeded [`ChaCha8Rng`], so a run depends only on the seed and
//! `now`, and the first N records of a longer run are the N records of a shorter one.
//!
//! The organisations are real (national mine action authorities of affected States, donor
//! ministries, international organisations, NGOs and funds), but every record is fictitious and
//! says so three times: the title starts with `[Demo] `, the description ends with
//! [`DEMO_NOTICE`], and the provenance source is [`Source::Demo`]. Contacts are invented people
//! at the reserved domains `example.org`, `example.net` and `example.com`; phone numbers are
//! zeros; links point at `example.org`.
//!
//! Texts are composed from templates with `{placeholders}` and the word lists below, in the
//! register of the field (land release, survey, EORE, victim assistance, stockpile destruction,
//! IMSMA, Article 7 reporting…), so that keyword search over demo data behaves as it would over
//! real submissions: a search for "prosthetics" finds victim assistance, not clearance.

/// A submission's structured parts and the words its texts share.
mod draft;
/// The generator: drafts, then their texts.
mod generator;
/// Who submits: organisations, affected States, contact names (a data table).
mod organisations;
/// Templates filled in from a draft, and English number, date and list formatting.
mod templates;
/// What submissions say, by area of work and kind (a data table).
mod texts;
/// How often each kind, status, area and amount comes up.
mod weights;

use chrono::{DateTime, Utc};

use portal_domain::submission::Submission;

use generator::Generator;

/// What every demo title starts with.
pub const DEMO_TITLE_PREFIX: &str = "[Demo] ";

/// The sentence every demo description ends with.
pub const DEMO_NOTICE: &str =
    "This is fictitious demo content generated for the Cooperation Portal.";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many submissions.
    pub count: usize,
    /// The seed: the same seed (and `now`) gives the same submissions.
    pub seed: u64,
    /// The moment the demo data is generated for: every timestamp is at or before it.
    pub now: DateTime<Utc>,
}

/// Yields `options.count` fictitious submissions, deterministic for `(seed, now)`: the first N
/// submissions of a run of 2N equal a run of N. Ids are left empty for the store to assign;
/// `funding.usd` and `funding.rate_date` are left for [`Submission::validate`] to fill in.
pub fn generate(options: &DemoOptions) -> impl ExactSizeIterator<Item = Submission> + use<> {
    let mut generator = Generator::new(options.seed, options.now);
    (0..options.count).map(move |_| generator.submission())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone};

    use portal_domain::submission::{
        Area::{
            ClearanceAndRiskEducation as CLEARANCE,
            InternationalCooperationAndAssistance as COOPERATION,
            StockpileDestruction as STOCKPILES,
            TransparencyAndNationalImplementation as TRANSPARENCY,
            UniversalisationAndAdvocacy as UNIVERSALISATION, VictimAssistance as VICTIMS,
        },
        Kind, Source, Status, SubmitterType,
    };

    use super::*;
    use crate::generator::{months_between, quarter_end_after};
    use crate::organisations::{AFFECTED, units_per_usd};
    use crate::templates::{Text, push_date, push_email_part, push_thousands};
    use crate::texts::{CROSS_CUTTING, HOW_TO_APPLY, HOW_TO_APPLY_MORE, area_text, kind_text};
    use crate::weights::EXPIRED_SHARE;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 15, 10, 30, 0).unwrap()
    }

    fn run(count: usize, seed: u64) -> Vec<Submission> {
        generate(&DemoOptions {
            count,
            seed,
            now: now(),
        })
        .collect()
    }

    fn json(records: &[Submission]) -> Vec<String> {
        records
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect()
    }

    #[test]
    fn same_seed_gives_the_same_records() {
        assert_eq!(json(&run(500, 7)), json(&run(500, 7)));
    }

    #[test]
    fn different_seeds_give_different_records() {
        let a = json(&run(50, 7));
        let b = json(&run(50, 8));
        assert!(a.iter().zip(&b).all(|(a, b)| a != b));
    }

    #[test]
    fn a_short_run_is_a_prefix_of_a_long_one() {
        let short = json(&run(300, 42));
        let long = json(&run(600, 42));
        assert_eq!(short[..], long[..300]);
        assert_eq!(
            generate(&DemoOptions {
                count: 600,
                seed: 1,
                now: now()
            })
            .len(),
            600
        );
    }

    #[test]
    fn every_record_is_valid() {
        for (i, mut submission) in run(3000, 3).into_iter().enumerate() {
            if let Err(invalid) = submission.validate() {
                panic!("record {i} is invalid: {invalid}\n{submission:#?}");
            }
            assert!(submission.funding.as_ref().is_none_or(|f| f.usd > 0.0));
        }
    }

    #[test]
    fn every_record_is_marked_as_demo() {
        for s in run(3000, 11) {
            assert!(s.id.is_empty());
            assert_eq!(s.version, 1);
            assert!(s.title.starts_with(DEMO_TITLE_PREFIX), "{}", s.title);
            assert!(s.description.ends_with(DEMO_NOTICE), "{}", s.description);
            assert_eq!(s.provenance.source, Source::Demo);
            let domain = s.contact.email.rsplit_once('@').unwrap().1;
            assert!(
                ["example.org", "example.net", "example.com"].contains(&domain),
                "{}",
                s.contact.email
            );
            assert!(s.contact.email.is_ascii());
            assert!(
                s.links
                    .iter()
                    .all(|l| l.starts_with("https://example.org/demo/"))
            );
            assert!(
                s.contact
                    .phone
                    .as_deref()
                    .is_none_or(|p| p.ends_with("000") || p.ends_with("00"))
            );
        }
    }

    #[test]
    fn every_text_is_filled_in() {
        for s in run(3000, 5) {
            for text in [&s.title, &s.summary, &s.description, &s.how_to_apply] {
                assert!(!text.contains('{') && !text.contains('}'), "{text}");
                assert!(!text.contains("  ") && !text.contains(" ."), "{text}");
                assert!(!text.contains('§'), "{text}");
            }
            // Only States Parties are told about their obligations under the Convention.
            let party = s.beneficiaries.countries.first().is_some_and(|c| {
                AFFECTED
                    .iter()
                    .any(|a| a.alpha3 == c && a.authority.kind == SubmitterType::StateParty)
            });
            if matches!(s.kind, Kind::Need | Kind::Project) && !party {
                for text in [&s.title, &s.summary, &s.description] {
                    assert!(!text.contains("Article "), "{text}");
                }
            }
            assert!(!s.summary.is_empty());
            assert_eq!(
                s.how_to_apply.is_empty(),
                matches!(s.kind, Kind::Need | Kind::Project)
            );
            // Sentences: 3–5 plus the notice. "U.S." has full stops of its own.
            let sentences = s.description.replace("U.S.", "US").matches(". ").count() + 1;
            assert!(
                (4..=6).contains(&sentences),
                "{sentences}: {}",
                s.description
            );
        }
    }

    #[test]
    fn every_template_uses_known_placeholders() {
        let draft = Generator::new(1, now()).draft();
        let picks = Generator::new(1, now()).picks(&draft);
        let text = Text {
            draft: &draft,
            picks: &picks,
        };
        let mut lists: Vec<&[&str]> = vec![CROSS_CUTTING, HOW_TO_APPLY, HOW_TO_APPLY_MORE];
        for area in [
            CLEARANCE,
            VICTIMS,
            STOCKPILES,
            COOPERATION,
            TRANSPARENCY,
            UNIVERSALISATION,
        ] {
            let t = area_text(area);
            lists.extend([t.topics, t.purposes, t.field, t.general, t.extras]);
        }
        for kind in [Kind::Need, Kind::Offer, Kind::Project, Kind::FundingSource] {
            let t = kind_text(kind);
            lists.extend([
                t.titles_local,
                t.titles_national,
                t.summaries_local,
                t.summaries_national,
                t.openers_local,
                t.openers_national,
                t.closers,
                t.closers_amount,
            ]);
            assert!(!t.titles_local.is_empty() && !t.closers_amount.is_empty());
            if matches!(kind, Kind::Offer | Kind::FundingSource) {
                assert!(!t.seconds.is_empty());
            }
        }
        for list in &lists {
            assert!(list.iter().any(|t| !t.starts_with('§')), "{list:?}");
            assert!(
                list.iter()
                    .all(|t| !t.trim_start_matches('§').contains('§'))
            );
        }
        for template in lists.into_iter().flatten() {
            let mut rest = *template;
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').expect(template) + open;
                let mut out = String::new();
                assert!(text.fill(&rest[open + 1..close], &mut out), "{template}");
                rest = &rest[close + 1..];
            }
        }
    }

    #[test]
    fn the_mix_is_roughly_as_specified() {
        let records = run(10_000, 99);
        let share = |f: &dyn Fn(&Submission) -> bool| {
            records.iter().filter(|s| f(s)).count() as f64 / records.len() as f64
        };
        let near = |actual: f64, wanted: f64| (actual - wanted).abs() < 0.025;
        assert!(near(share(&|s| s.kind == Kind::Need), 0.40));
        assert!(near(share(&|s| s.kind == Kind::Offer), 0.35));
        assert!(near(share(&|s| s.kind == Kind::Project), 0.15));
        assert!(near(share(&|s| s.kind == Kind::FundingSource), 0.10));
        assert!(near(share(&|s| s.status == Status::Published), 0.90));
        assert!(near(share(&|s| s.status == Status::Pending), 0.07));
        assert!(near(share(&|s| s.status == Status::Withdrawn), 0.03));
        assert!(near(share(&|s| s.funding.is_some()), 0.85));
        let frequent = share(&|s| {
            s.kind == Kind::Need
                && ["LAO", "VNM", "IRQ", "LBN", "UKR"]
                    .contains(&s.beneficiaries.countries[0].as_str())
        });
        assert!(frequent > 0.4 * 0.5, "{frequent}");
        // Most of the demo is current: searchable the day it is loaded.
        let current = share(&|s| s.is_visible_to_members(now()));
        assert!(current > 0.8, "{current}");
        let expired = share(&|s| !s.is_visible_to_members(now()) && s.status == Status::Published);
        assert!(near(expired, 0.90 * EXPIRED_SHARE), "{expired}");
        let soon = share(&|s| {
            s.is_visible_to_members(now())
                && s.timestamps.expires_at.unwrap() < now() + Duration::days(30)
        });
        assert!(soon > 0.03 && soon < 0.12, "{soon}");
    }

    #[test]
    fn dates_are_consistent() {
        let now = now();
        let today = now.date_naive();
        for s in run(3000, 13) {
            let t = &s.timestamps;
            assert!(t.received_at <= now && t.received_at >= now - Duration::days(3 * 365));
            assert!(t.updated_at >= t.received_at && t.updated_at <= now);
            match t.published_at {
                Some(published) => {
                    assert!(published >= t.received_at + Duration::days(1));
                    assert!(published <= t.received_at + Duration::days(20) + Duration::seconds(1));
                    assert!(published <= now - Duration::days(1));
                    assert!(t.expires_at.unwrap() > published);
                }
                None => assert_eq!(s.status, Status::Pending),
            }
            assert!(t.renewed_at.is_none());
            let (start, end) = (s.period.start.unwrap(), s.period.end.unwrap());
            assert!(start >= today - Duration::days(3653) && start <= today + Duration::days(366));
            let months = months_between(start, end);
            assert!((6..=48).contains(&months), "{start} {end}");
        }
    }

    #[test]
    fn amounts_are_plausible() {
        let mut usd: Vec<f64> = run(10_000, 17)
            .iter()
            .filter_map(|s| s.funding.as_ref())
            .map(|f| {
                assert!(f.amount > 0.0 && f.amount.fract() == 0.0);
                assert_eq!(f.usd, 0.0);
                f.amount / units_per_usd(&f.currency)
            })
            .collect();
        usd.sort_by(f64::total_cmp);
        let median = usd[usd.len() / 2];
        assert!((300_000.0..900_000.0).contains(&median), "{median}");
        assert!(usd[0] >= 15_000.0 && usd[usd.len() - 1] <= 60_000_000.0);
    }

    #[test]
    fn helpers_format_as_english_does() {
        let mut out = String::new();
        push_thousands(&mut out, 1_250_000);
        out.push(' ');
        push_thousands(&mut out, 7);
        out.push(' ');
        push_date(&mut out, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        assert_eq!(out, "1,250,000 7 31 March 2027");
        let mut email = String::new();
        push_email_part(&mut email, "Élodie");
        email.push('.');
        push_email_part(&mut email, "O'Connor da Silva Hodžić");
        assert_eq!(email, "elodie.oconnor-da-silva-hodzic");
        assert_eq!(
            quarter_end_after(NaiveDate::from_ymd_opt(2026, 5, 2).unwrap()),
            NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
        );
    }
}
