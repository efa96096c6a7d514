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

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use portal_domain::submission::{
    Area, Assistance, Beneficiaries, Contact, Funding, Kind, Period, Provenance, Source, Status,
    Submission, Submitter, SubmitterType, Timestamps, date_in_words,
};

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

// ---------------------------------------------------------------------------------------------
// Who: organisations and affected States.
// ---------------------------------------------------------------------------------------------

/// A pool of first names and family names for contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Lao,
    Vietnamese,
    Khmer,
    Arabic,
    Afghan,
    SouthSlav,
    Albanian,
    Ukrainian,
    Somali,
    SouthSudanese,
    Spanish,
    Portuguese,
    Francophone,
    Nordic,
    German,
    Dutch,
    English,
    Japanese,
    French,
    Italian,
    /// International staff: any of the pools in [`INTERNATIONAL`].
    Mixed,
}

/// The pools an international organisation's staff are drawn from.
const INTERNATIONAL: &[Names] = &[
    Names::English,
    Names::French,
    Names::Nordic,
    Names::German,
    Names::Dutch,
    Names::Italian,
    Names::Japanese,
    Names::Spanish,
    Names::Arabic,
    Names::Ukrainian,
    Names::SouthSlav,
    Names::Khmer,
    Names::Francophone,
];

impl Names {
    /// First names and family names.
    #[rustfmt::skip]
    fn lists(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Names::Lao => (
                &["Bounmy", "Khamphet", "Souksavanh", "Phonesavanh", "Viengkham", "Somphone", "Bounthavy", "Chanthaly", "Thongsavath", "Manivanh", "Sengdao"],
                &["Phommachanh", "Sisavath", "Vongsay", "Keomany", "Inthavong", "Souvannaphoum", "Chanthavong", "Phimmasone", "Xayavong", "Douangmala"],
            ),
            Names::Vietnamese => (
                &["Minh", "Lan", "Thanh", "Hoa", "Quang", "Huong", "Tuan", "Linh", "Duc", "Mai", "Hai", "Ngoc"],
                &["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"],
            ),
            Names::Khmer => (
                &["Sokha", "Dara", "Sophea", "Vannak", "Chenda", "Rithy", "Sreymom", "Bopha", "Sambath", "Kosal"],
                &["Chea", "Sok", "Heng", "Prak", "Kim", "Meas", "Chhim", "Ouk", "Seng", "Yim"],
            ),
            Names::Arabic => (
                &["Ahmed", "Fatima", "Hassan", "Layla", "Omar", "Zainab", "Ali", "Nour", "Khaled", "Rania", "Yousef", "Maryam", "Samir", "Huda"],
                &["Al-Hashimi", "Haddad", "Khalil", "Mansour", "Saleh", "Al-Rubaie", "Nasser", "Hamdan", "Darwish", "Abboud", "Karam", "Al-Amin"],
            ),
            Names::Afghan => (
                &["Ahmad", "Farida", "Mohammad", "Mariam", "Abdul", "Shabnam", "Habib", "Zarghuna", "Rahim", "Nadia"],
                &["Rahimi", "Karimi", "Sultani", "Ahmadzai", "Safi", "Noori", "Hakimi", "Popal", "Wardak", "Stanekzai"],
            ),
            Names::SouthSlav => (
                &["Amir", "Jasmina", "Goran", "Ivana", "Dragan", "Selma", "Marko", "Ana", "Nermin", "Maja", "Tomislav", "Milena"],
                &["Hodžić", "Kovačević", "Petrović", "Horvat", "Begić", "Babić", "Jukić", "Vuković", "Delić", "Marić", "Radović", "Knežević"],
            ),
            Names::Albanian => (
                &["Arben", "Elira", "Besnik", "Drita", "Gentian", "Mirela", "Ilir", "Ermira"],
                &["Hoxha", "Shehu", "Dervishi", "Kola", "Berisha", "Gjoka", "Leka", "Marku"],
            ),
            Names::Ukrainian => (
                &["Olena", "Andrii", "Iryna", "Oleksandr", "Nataliia", "Dmytro", "Yuliia", "Serhii", "Oksana", "Taras", "Kateryna", "Mykola"],
                &["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko", "Oliinyk", "Lysenko", "Moroz", "Marchenko", "Savchenko"],
            ),
            Names::Somali => (
                &["Abdirahman", "Hodan", "Mohamed", "Amina", "Abdullahi", "Faduma", "Hassan", "Sahra", "Ismail", "Ifrah"],
                &["Warsame", "Farah", "Abdi", "Hussein", "Jama", "Osman", "Aden", "Nur", "Yusuf", "Guled"],
            ),
            Names::SouthSudanese => (
                &["Deng", "Achol", "Garang", "Nyandeng", "Majok", "Abuk", "Lual", "Akuol", "Rose", "James", "Grace"],
                &["Malual", "Akol", "Lado", "Wani", "Kuol", "Ladu", "Majok", "Lomoro", "Deng", "Garang"],
            ),
            Names::Spanish => (
                &["Camila", "Andrés", "Valentina", "Juan", "Daniela", "Carlos", "Lucía", "Felipe", "Paula", "Diego", "Isabel", "Javier"],
                &["Rodríguez", "Gómez", "Martínez", "Herrera", "Castro", "Vargas", "Rojas", "Muñoz", "Soto", "Fuentes", "Morales", "Reyes"],
            ),
            Names::Portuguese => (
                &["João", "Maria", "António", "Ana", "Manuel", "Fátima", "Domingos", "Isabel", "Paulo", "Teresa"],
                &["da Silva", "Santos", "Pereira", "Gomes", "Mendes", "Costa", "Fernandes", "Cabral", "Sanhá", "Tavares"],
            ),
            Names::Francophone => (
                &["Mahamat", "Achta", "Idriss", "Halimé", "Jean-Pierre", "Marie-Claire", "Patrick", "Aïcha", "Moussa", "Clarisse", "Cheikh", "Mariem"],
                &["Abakar", "Djibrine", "Mbuyi", "Kasongo", "Ilunga", "Tshibanda", "Ould Ahmed", "Haroun", "Ngarlem", "Mulumba", "Diallo"],
            ),
            Names::Nordic => (
                &["Ingrid", "Lars", "Kari", "Erik", "Sigrid", "Anders", "Astrid", "Nils", "Maja", "Mikkel", "Ida", "Henrik"],
                &["Hansen", "Johansen", "Larsen", "Nilsson", "Lindqvist", "Andersen", "Berg", "Haugen", "Virtanen", "Korhonen", "Nielsen", "Dahl"],
            ),
            Names::German => (
                &["Anna", "Jonas", "Katharina", "Lukas", "Sophie", "Felix", "Julia", "Matthias", "Lena", "Stefan"],
                &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann", "Keller", "Brunner"],
            ),
            Names::Dutch => (
                &["Sanne", "Daan", "Lotte", "Bram", "Eva", "Pieter", "Femke", "Joris", "Anouk", "Thijs"],
                &["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Peeters", "Janssens", "Maes", "van den Berg"],
            ),
            Names::English => (
                &["Sarah", "James", "Emma", "David", "Claire", "Michael", "Siobhan", "Tom", "Rachel", "Liam", "Hannah", "Aroha", "Ciarán", "Olivia"],
                &["Smith", "Murphy", "Taylor", "Brown", "O'Connor", "Walsh", "Wilson", "Thompson", "Campbell", "Clarke", "Ngata", "Kelly"],
            ),
            Names::Japanese => (
                &["Yuki", "Haruto", "Aiko", "Kenji", "Sakura", "Takeshi", "Emi", "Hiroshi", "Naoko", "Daisuke"],
                &["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"],
            ),
            Names::French => (
                &["Camille", "Julien", "Claire", "Mathieu", "Élodie", "Nicolas", "Léa", "Antoine", "Chloé", "Olivier"],
                &["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Rochat", "Favre", "Lefèvre", "Mercier"],
            ),
            Names::Italian => (
                &["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Elena", "Matteo"],
                &["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Conti"],
            ),
            // Resolved to one of `INTERNATIONAL` before use; English as a harmless fallback.
            Names::Mixed => Names::English.lists(),
        }
    }
}

/// An organisation that submits: a ministry, an authority, an international organisation, an
/// NGO or a fund.
#[derive(Debug, Clone, Copy)]
struct Org {
    /// The name as submitted, e.g. "Ministry of Foreign Affairs of Norway".
    name: &'static str,
    /// How texts refer to it after the first mention, e.g. "Norway", "HALO", "the GICHD".
    short: &'static str,
    /// For links under `https://example.org/demo/`.
    slug: &'static str,
    kind: SubmitterType,
    /// ISO 3166-1 alpha-3 of the State, or of an NGO's headquarters.
    country: Option<&'static str>,
    /// The currency its amounts are in.
    currency: &'static str,
    /// A fictitious number: country code, area code, zeros.
    phone: &'static str,
    names: Names,
    /// Whether running text puts "the" before the name.
    the: bool,
    /// The areas it mostly works in (repeats weigh more); empty for any.
    focus: &'static [Area],
    weight: u32,
}

#[allow(clippy::too_many_arguments)] // A table row: the arguments are the columns.
const fn org(
    name: &'static str,
    short: &'static str,
    slug: &'static str,
    kind: SubmitterType,
    country: Option<&'static str>,
    currency: &'static str,
    phone: &'static str,
    names: Names,
) -> Org {
    Org {
        name,
        short,
        slug,
        kind,
        country,
        currency,
        phone,
        names,
        the: true,
        focus: &[],
        weight: 1,
    }
}

impl Org {
    /// Running text uses the name without "the".
    const fn bare(self) -> Org {
        Org { the: false, ..self }
    }

    const fn focus(self, focus: &'static [Area]) -> Org {
        Org { focus, ..self }
    }

    const fn weight(self, weight: u32) -> Org {
        Org { weight, ..self }
    }
}

use Area::{
    ClearanceAndRiskEducation as CLEARANCE, InternationalCooperationAndAssistance as COOPERATION,
    StockpileDestruction as STOCKPILES, TransparencyAndNationalImplementation as TRANSPARENCY,
    UniversalisationAndAdvocacy as UNIVERSALISATION, VictimAssistance as VICTIMS,
};
use SubmitterType::{
    InternationalOrganisation as IO, Ngo as NGO, Other as OTHER, Signatory as SIGNATORY,
    StateParty as PARTY,
};

/// A State affected by cluster munition remnants or other explosive remnants of war.
#[derive(Debug)]
struct Affected {
    alpha3: &'static str,
    /// As running text names it, with "the" where English needs it.
    name: &'static str,
    weight: u32,
    /// UN M49 code of the region offers name when they target it.
    region: &'static str,
    /// The national mine action authority or centre.
    authority: Org,
    /// The ministry responsible for victim assistance, where it submits needs itself.
    ministry: Option<Org>,
    /// Provinces, governorates, oblasts, departments.
    provinces: &'static [&'static str],
    /// What is found there.
    devices: &'static [&'static str],
}

/// Remnants named where no specific type fits.
const GENERIC_DEVICES: &[&str] = &[
    "cluster munition remnants",
    "unexploded submunitions",
    "air-dropped submunitions",
    "unexploded submunitions and other explosive remnants of war",
];

#[rustfmt::skip]
static AFFECTED: &[Affected] = &[
    Affected {
        alpha3: "LAO",
        name: "Lao PDR",
        weight: 14,
        region: "035",
        authority: org("National Regulatory Authority for UXO/Mine Action Sector (Lao PDR)", "the NRA", "nra-lao", PARTY, Some("LAO"), "USD", "+856 21 000 000", Names::Lao),
        ministry: Some(org("Ministry of Labour and Social Welfare (Lao PDR)", "the Ministry of Labour and Social Welfare", "molsw-lao", PARTY, Some("LAO"), "USD", "+856 21 000 000", Names::Lao)),
        provinces: &["Xieng Khouang", "Savannakhet", "Houaphanh", "Khammouane", "Salavan", "Sekong", "Attapeu", "Champasak", "Luang Prabang", "Bolikhamxay"],
        devices: &["BLU-26 submunitions", "BLU-24 submunitions", "BLU-63 submunitions", "BLU-3 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "VNM",
        name: "Viet Nam",
        weight: 10,
        region: "035",
        authority: org("Viet Nam National Mine Action Centre (VNMAC)", "VNMAC", "vnmac", OTHER, Some("VNM"), "USD", "+84 24 000 0000", Names::Vietnamese),
        ministry: Some(org("Ministry of Labour, Invalids and Social Affairs (Viet Nam)", "MOLISA", "molisa", OTHER, Some("VNM"), "USD", "+84 24 000 0000", Names::Vietnamese)),
        provinces: &["Quang Tri", "Quang Binh", "Thua Thien Hue", "Quang Nam", "Quang Ngai", "Binh Dinh", "Nghe An", "Ha Tinh"],
        devices: &["BLU-26 submunitions", "BLU-24 submunitions", "BLU-3 submunitions", "BLU-61 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "KHM",
        name: "Cambodia",
        weight: 6,
        region: "035",
        authority: org("Cambodian Mine Action and Victim Assistance Authority (CMAA)", "the CMAA", "cmaa", OTHER, Some("KHM"), "USD", "+855 23 000 000", Names::Khmer),
        ministry: Some(org("Ministry of Social Affairs, Veterans and Youth Rehabilitation (Cambodia)", "MoSVY", "mosvy", OTHER, Some("KHM"), "USD", "+855 23 000 000", Names::Khmer)),
        provinces: &["Battambang", "Banteay Meanchey", "Pailin", "Oddar Meanchey", "Preah Vihear", "Kratie", "Stung Treng", "Ratanakiri", "Mondulkiri", "Kampong Cham"],
        devices: &["BLU-26 submunitions", "BLU-24 submunitions", "BLU-61 submunitions", "M42 and M46 DPICM submunitions"],
    },
    Affected {
        alpha3: "IRQ",
        name: "Iraq",
        weight: 12,
        region: "145",
        authority: org("Directorate of Mine Action (Iraq)", "the DMA", "dma-iraq", PARTY, Some("IRQ"), "USD", "+964 1 000 0000", Names::Arabic),
        ministry: Some(org("Ministry of Health and Environment (Iraq)", "the Ministry of Health and Environment", "moh-iraq", PARTY, Some("IRQ"), "USD", "+964 1 000 0000", Names::Arabic)),
        provinces: &["Ninewa", "Basra", "Anbar", "Salah al-Din", "Diyala", "Kirkuk", "Muthanna", "Dhi Qar", "Maysan", "Wasit", "Najaf"],
        devices: &["BLU-97 submunitions", "BLU-63 submunitions", "M42 and M46 DPICM submunitions", "M77 submunitions", "BL755 submunitions"],
    },
    Affected {
        alpha3: "LBN",
        name: "Lebanon",
        weight: 11,
        region: "145",
        authority: org("Lebanon Mine Action Centre (LMAC)", "LMAC", "lmac", PARTY, Some("LBN"), "USD", "+961 1 000 000", Names::Arabic),
        ministry: Some(org("Ministry of Social Affairs (Lebanon)", "the Ministry of Social Affairs", "mosa-lebanon", PARTY, Some("LBN"), "USD", "+961 1 000 000", Names::Arabic)),
        provinces: &["South Lebanon", "Nabatieh", "Bekaa", "Baalbek-Hermel", "Mount Lebanon", "Marjayoun", "Bint Jbeil", "Tyre"],
        devices: &["M42 and M46 DPICM submunitions", "M77 submunitions", "M85 submunitions", "BLU-63 submunitions"],
    },
    Affected {
        alpha3: "UKR",
        name: "Ukraine",
        weight: 12,
        region: "151",
        authority: org("National Mine Action Authority of Ukraine (Ministry of Economy)", "the NMAA", "nmaa-ukraine", OTHER, Some("UKR"), "USD", "+380 44 000 0000", Names::Ukrainian),
        ministry: Some(org("Ministry of Social Policy of Ukraine", "the Ministry of Social Policy", "mosp-ukraine", OTHER, Some("UKR"), "USD", "+380 44 000 0000", Names::Ukrainian)),
        provinces: &["Kharkiv", "Mykolaiv", "Kherson", "Donetsk", "Chernihiv", "Kyiv", "Sumy", "Zaporizhzhia", "Dnipropetrovsk"],
        devices: &["9N210 submunitions", "9N235 submunitions", "PTAB-1M bomblets", "ShOAB-0.5 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "AFG",
        name: "Afghanistan",
        weight: 5,
        region: "034",
        authority: org("Directorate of Mine Action Coordination (DMAC)", "the DMAC", "dmac", PARTY, Some("AFG"), "USD", "+93 20 000 0000", Names::Afghan),
        ministry: None,
        provinces: &["Helmand", "Kandahar", "Herat", "Paktya", "Ghazni", "Nangarhar", "Kabul", "Laghman", "Balkh"],
        devices: &["BLU-97 submunitions", "AO-2.5RT submunitions", "PTAB-2.5 bomblets", "cluster munition remnants"],
    },
    Affected {
        alpha3: "SYR",
        name: "Syria",
        weight: 5,
        region: "145",
        authority: org("Syrian Mine Action Centre (SMAC)", "SMAC", "smac", OTHER, Some("SYR"), "USD", "+963 11 000 0000", Names::Arabic),
        ministry: None,
        provinces: &["Idlib", "Aleppo", "Raqqa", "Deir ez-Zor", "Homs", "Hama", "Rural Damascus", "Daraa"],
        devices: &["AO-2.5RT submunitions", "ShOAB-0.5 submunitions", "PTAB-2.5M bomblets", "9N235 submunitions"],
    },
    Affected {
        alpha3: "YEM",
        name: "Yemen",
        weight: 4,
        region: "145",
        authority: org("Yemen Executive Mine Action Centre (YEMAC)", "YEMAC", "yemac", OTHER, Some("YEM"), "USD", "+967 1 000 000", Names::Arabic),
        ministry: None,
        provinces: &["Saada", "Hajjah", "Taiz", "Al Hudaydah", "Marib", "Al Jawf", "Aden", "Lahij"],
        devices: &["BLU-97 submunitions", "BLU-63 submunitions", "BLU-61 submunitions", "M77 submunitions"],
    },
    Affected {
        alpha3: "BIH",
        name: "Bosnia and Herzegovina",
        weight: 4,
        region: "039",
        authority: org("Bosnia and Herzegovina Mine Action Centre (BHMAC)", "BHMAC", "bhmac", PARTY, Some("BIH"), "EUR", "+387 33 000 000", Names::SouthSlav),
        ministry: None,
        provinces: &["Herzegovina-Neretva", "Tuzla", "Zenica-Doboj", "Una-Sana", "Central Bosnia", "Sarajevo", "Brčko District"],
        devices: &["KB-1 submunitions", "KB-2 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "HRV",
        name: "Croatia",
        weight: 1,
        region: "039",
        authority: org("Civil Protection Directorate of the Ministry of the Interior (Croatia)", "the Civil Protection Directorate", "cpd-croatia", PARTY, Some("HRV"), "EUR", "+385 1 000 0000", Names::SouthSlav),
        ministry: None,
        provinces: &["Lika-Senj", "Sisak-Moslavina", "Osijek-Baranja", "Zadar", "Karlovac", "Šibenik-Knin"],
        devices: &["KB-1 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "MNE",
        name: "Montenegro",
        weight: 1,
        region: "039",
        authority: org("Directorate for Emergency Management of the Ministry of the Interior (Montenegro)", "the Directorate for Emergency Management", "dem-montenegro", PARTY, Some("MNE"), "EUR", "+382 20 000 000", Names::SouthSlav),
        ministry: None,
        provinces: &["Podgorica", "Golubovci", "Rožaje", "Plav", "Nikšić"],
        devices: &["BLU-97 submunitions", "BL755 submunitions"],
    },
    Affected {
        alpha3: "ALB",
        name: "Albania",
        weight: 1,
        region: "039",
        authority: org("Albanian Mine and Munitions Coordination Office (AMMCO)", "AMMCO", "ammco", PARTY, Some("ALB"), "EUR", "+355 4 000 0000", Names::Albanian),
        ministry: None,
        provinces: &["Kukës", "Tropojë", "Has", "Gjirokastër"],
        devices: &["BLU-97 submunitions", "MK-118 Rockeye bomblets"],
    },
    Affected {
        alpha3: "TCD",
        name: "Chad",
        weight: 2,
        region: "202",
        authority: org("Haut Commissariat National au Déminage (HCND, Chad)", "the HCND", "hcnd", PARTY, Some("TCD"), "USD", "+235 22 00 00 00", Names::Francophone),
        ministry: None,
        provinces: &["Ennedi Ouest", "Ennedi Est", "Borkou", "Tibesti", "Lac", "Ouaddaï"],
        devices: &["PTAB-2.5 bomblets", "AO-1SCh submunitions", "BLU-63 submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "SOM",
        name: "Somalia",
        weight: 3,
        region: "202",
        authority: org("Somali Explosive Management Authority (SEMA)", "SEMA", "sema", PARTY, Some("SOM"), "USD", "+252 1 000 000", Names::Somali),
        ministry: None,
        provinces: &["Bay", "Bakool", "Gedo", "Hiraan", "Lower Shabelle", "Galgaduud", "Mudug", "Banadir"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "SDN",
        name: "Sudan",
        weight: 2,
        region: "015",
        authority: org("National Mine Action Centre (Sudan)", "the NMAC", "nmac-sudan", OTHER, Some("SDN"), "USD", "+249 183 000 000", Names::Arabic),
        ministry: None,
        provinces: &["Blue Nile", "South Kordofan", "Kassala", "North Darfur", "Khartoum", "West Kordofan"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "SSD",
        name: "South Sudan",
        weight: 3,
        region: "202",
        authority: org("National Mine Action Authority (South Sudan)", "the NMAA", "nmaa-south-sudan", PARTY, Some("SSD"), "USD", "+211 92 000 0000", Names::SouthSudanese),
        ministry: None,
        provinces: &["Central Equatoria", "Eastern Equatoria", "Western Equatoria", "Jonglei", "Unity", "Upper Nile"],
        devices: &["BL755 submunitions", "PTAB-1M bomblets", "AO-1SCh submunitions", "cluster munition remnants"],
    },
    Affected {
        alpha3: "COL",
        name: "Colombia",
        weight: 2,
        region: "419",
        authority: org("Descontamina Colombia (Office of the Commissioner for Peace)", "Descontamina Colombia", "descontamina", PARTY, Some("COL"), "USD", "+57 601 000 0000", Names::Spanish).bare(),
        ministry: None,
        provinces: &["Antioquia", "Meta", "Caquetá", "Cauca", "Nariño", "Norte de Santander", "Guaviare", "Bolívar"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "CHL",
        name: "Chile",
        weight: 1,
        region: "419",
        authority: org("National Demining Commission of Chile (CNAD)", "the CNAD", "cnad-chile", PARTY, Some("CHL"), "USD", "+56 2 0000 0000", Names::Spanish),
        ministry: None,
        provinces: &["Antofagasta", "Magallanes", "Tarapacá", "Arica y Parinacota", "Atacama"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "GNB",
        name: "Guinea-Bissau",
        weight: 1,
        region: "202",
        authority: org("National Mine Action Coordination Centre of Guinea-Bissau (CAAMI)", "CAAMI", "caami", PARTY, Some("GNB"), "USD", "+245 00 000 000", Names::Portuguese),
        ministry: None,
        provinces: &["Bafatá", "Gabú", "Oio", "Cacheu", "Biombo"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "MRT",
        name: "Mauritania",
        weight: 1,
        region: "202",
        authority: org("National Humanitarian Demining Programme for Development of Mauritania (PNDHD)", "the PNDHD", "pndhd", PARTY, Some("MRT"), "USD", "+222 00 00 00 00", Names::Francophone),
        ministry: None,
        provinces: &["Tiris Zemmour", "Adrar", "Dakhlet Nouadhibou", "Inchiri"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "AGO",
        name: "Angola",
        weight: 2,
        region: "202",
        authority: org("National Mine Action Agency of Angola (ANAM)", "ANAM", "anam-angola", SIGNATORY, Some("AGO"), "USD", "+244 222 000 000", Names::Portuguese),
        ministry: None,
        provinces: &["Cuando Cubango", "Moxico", "Bié", "Cuanza Sul", "Huambo", "Cunene"],
        devices: GENERIC_DEVICES,
    },
    Affected {
        alpha3: "COD",
        name: "the Democratic Republic of the Congo",
        weight: 1,
        region: "202",
        authority: org("Centre Congolais de Lutte Antimines (CCLAM)", "CCLAM", "cclam", SIGNATORY, Some("COD"), "USD", "+243 00 000 0000", Names::Francophone),
        ministry: None,
        provinces: &["Équateur", "Tshopo", "Ituri", "North Kivu", "South Kivu", "Kasaï"],
        devices: GENERIC_DEVICES,
    },
];

/// Donor States.
#[rustfmt::skip]
static DONORS: &[Org] = &[
    org("Ministry of Foreign Affairs of Norway", "Norway", "norway-mfa", PARTY, Some("NOR"), "NOK", "+47 22 00 00 00", Names::Nordic).weight(10),
    org("Federal Foreign Office of Germany", "Germany", "germany-ffo", PARTY, Some("DEU"), "EUR", "+49 30 0000 0000", Names::German).weight(9),
    org("Ministry of Foreign Affairs of the Netherlands", "the Netherlands", "netherlands-mfa", PARTY, Some("NLD"), "EUR", "+31 70 000 0000", Names::Dutch).weight(6),
    org("Swiss Federal Department of Foreign Affairs (FDFA)", "Switzerland", "swiss-fdfa", PARTY, Some("CHE"), "CHF", "+41 58 000 0000", Names::French).weight(6),
    org("Foreign, Commonwealth & Development Office (United Kingdom)", "the United Kingdom", "fcdo", PARTY, Some("GBR"), "GBP", "+44 20 0000 0000", Names::English).weight(8),
    org("Ministry of Foreign Affairs of Japan", "Japan", "mofa-japan", PARTY, Some("JPN"), "JPY", "+81 3 0000 0000", Names::Japanese).weight(7),
    org("Department of Foreign Affairs and Trade (Australia)", "Australia", "dfat", PARTY, Some("AUS"), "AUD", "+61 2 0000 0000", Names::English).weight(5),
    org("Ministry of Foreign Affairs and Trade of New Zealand", "New Zealand", "mfat", PARTY, Some("NZL"), "NZD", "+64 4 000 0000", Names::English).weight(3),
    org("Department of Foreign Affairs of Ireland", "Ireland", "dfa-ireland", PARTY, Some("IRL"), "EUR", "+353 1 000 0000", Names::English).weight(4),
    org("Federal Public Service Foreign Affairs of Belgium", "Belgium", "belgium-fps", PARTY, Some("BEL"), "EUR", "+32 2 000 00 00", Names::Dutch).weight(3),
    org("Federal Ministry for European and International Affairs of Austria", "Austria", "bmeia", PARTY, Some("AUT"), "EUR", "+43 1 000 0000", Names::German).weight(4),
    org("Italian Agency for Development Cooperation (AICS)", "Italy", "aics", PARTY, Some("ITA"), "EUR", "+39 06 0000 0000", Names::Italian).weight(3),
    org("Ministry for Europe and Foreign Affairs of France", "France", "france-meae", PARTY, Some("FRA"), "EUR", "+33 1 00 00 00 00", Names::French).weight(3),
    org("Global Affairs Canada", "Canada", "gac", PARTY, Some("CAN"), "CAD", "+1 343 000 0000", Names::English).bare().weight(4),
    org("Ministry of Foreign Affairs of Denmark", "Denmark", "denmark-mfa", PARTY, Some("DNK"), "DKK", "+45 00 00 00 00", Names::Nordic).weight(4),
    org("Swedish International Development Cooperation Agency (Sida)", "Sweden", "sida", PARTY, Some("SWE"), "SEK", "+46 8 000 000 00", Names::Nordic).weight(3),
    org("Ministry for Foreign Affairs of Finland", "Finland", "finland-mfa", OTHER, Some("FIN"), "EUR", "+358 9 000 0000", Names::Nordic).weight(2),
    org("Ministry of Foreign and European Affairs of Luxembourg", "Luxembourg", "luxembourg-mfea", PARTY, Some("LUX"), "EUR", "+352 00 00 00", Names::French).weight(2),
    org("U.S. Department of State (Office of Weapons Removal and Abatement)", "the United States", "pm-wra", OTHER, Some("USA"), "USD", "+1 202 000 0000", Names::English).weight(5),
];

#[rustfmt::skip]
const EUROPEAN_UNION: Org = org("European Union", "the EU", "eu", IO, None, "EUR", "+32 2 000 0000", Names::Mixed);

/// The European Union, as a donor alongside the States.
static EU: Org = EUROPEAN_UNION;

/// International organisations that implement and advise.
#[rustfmt::skip]
static ORGANISATIONS: &[Org] = &[
    org("United Nations Mine Action Service (UNMAS)", "UNMAS", "unmas", IO, None, "USD", "+1 212 000 0000", Names::Mixed).weight(4),
    org("United Nations Development Programme (UNDP)", "UNDP", "undp", IO, None, "USD", "+1 212 000 0000", Names::Mixed).focus(&[COOPERATION, COOPERATION, CLEARANCE, VICTIMS]).weight(3),
    org("Geneva International Centre for Humanitarian Demining (GICHD)", "the GICHD", "gichd", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[COOPERATION, COOPERATION, TRANSPARENCY, CLEARANCE]).weight(3),
    org("International Committee of the Red Cross (ICRC)", "the ICRC", "icrc", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[VICTIMS, VICTIMS, CLEARANCE]).weight(2),
    org("United Nations Children's Fund (UNICEF)", "UNICEF", "unicef", IO, None, "USD", "+1 212 000 0000", Names::Mixed).focus(&[CLEARANCE, VICTIMS]).weight(2),
];

/// NGOs that clear, educate, assist and campaign.
#[rustfmt::skip]
static NGOS: &[Org] = &[
    org("The HALO Trust", "HALO", "halo", NGO, Some("GBR"), "GBP", "+44 1848 000 000", Names::English).focus(&[CLEARANCE, CLEARANCE, STOCKPILES]).weight(5),
    org("Mines Advisory Group (MAG)", "MAG", "mag", NGO, Some("GBR"), "GBP", "+44 161 000 0000", Names::English).bare().focus(&[CLEARANCE, CLEARANCE, STOCKPILES]).weight(5),
    org("Norwegian People's Aid", "NPA", "npa", NGO, Some("NOR"), "NOK", "+47 22 00 00 00", Names::Nordic).bare().focus(&[CLEARANCE, CLEARANCE, STOCKPILES, COOPERATION]).weight(4),
    org("Humanity & Inclusion", "HI", "hi", NGO, Some("FRA"), "EUR", "+33 4 00 00 00 00", Names::French).bare().focus(&[VICTIMS, VICTIMS, CLEARANCE]).weight(4),
    org("DanChurchAid", "DCA", "dca", NGO, Some("DNK"), "DKK", "+45 00 00 00 00", Names::Nordic).bare().focus(&[CLEARANCE, CLEARANCE, VICTIMS]).weight(3),
    org("APOPO", "APOPO", "apopo", NGO, Some("BEL"), "EUR", "+32 3 000 00 00", Names::Dutch).bare().focus(&[CLEARANCE]).weight(2),
    org("Fondation Suisse de Déminage (FSD)", "FSD", "fsd", NGO, Some("CHE"), "CHF", "+41 22 000 0000", Names::French).bare().focus(&[CLEARANCE, CLEARANCE, VICTIMS]).weight(2),
    org("Cluster Munition Coalition (CMC)", "the CMC", "cmc", NGO, Some("CHE"), "CHF", "+41 22 000 0000", Names::Mixed).focus(&[UNIVERSALISATION, UNIVERSALISATION, TRANSPARENCY]).weight(1),
    org("Golden West Humanitarian Foundation", "Golden West", "golden-west", NGO, Some("USA"), "USD", "+1 310 000 0000", Names::English).bare().focus(&[STOCKPILES, STOCKPILES, CLEARANCE]).weight(1),
];

/// Trust funds and funding programmes.
#[rustfmt::skip]
static FUNDS: &[Org] = &[
    org("UN Voluntary Trust Fund for Assistance in Mine Action", "the Voluntary Trust Fund", "vtf", IO, None, "USD", "+1 212 000 0000", Names::Mixed).weight(3),
    org("ITF Enhancing Human Security", "ITF", "itf", NGO, Some("SVN"), "EUR", "+386 1 000 0000", Names::SouthSlav).bare().weight(3),
    org("MoveAbility Foundation (ICRC)", "MoveAbility", "moveability", IO, Some("CHE"), "CHF", "+41 22 000 0000", Names::Mixed).focus(&[VICTIMS]).weight(1),
    org("Sponsorship Programme of the Convention on Cluster Munitions", "the Sponsorship Programme", "sponsorship", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[UNIVERSALISATION, TRANSPARENCY, COOPERATION]).weight(1),
    org("UK Global Mine Action Programme (FCDO)", "the Global Mine Action Programme", "gmap", PARTY, Some("GBR"), "GBP", "+44 20 0000 0000", Names::English).focus(&[CLEARANCE, CLEARANCE, COOPERATION]).weight(2),
    org("Grant Assistance for Grassroots Human Security Projects (Government of Japan)", "Japan's grassroots grant scheme", "grassroots-japan", PARTY, Some("JPN"), "JPY", "+81 3 0000 0000", Names::Japanese).bare().focus(&[CLEARANCE, VICTIMS]).weight(2),
];

/// UN M49 regions offers and funds name, with their English names.
const REGIONS: &[(&str, &str)] = &[
    ("035", "South-eastern Asia"),
    ("145", "Western Asia"),
    ("034", "Southern Asia"),
    ("202", "Sub-Saharan Africa"),
    ("015", "Northern Africa"),
    ("039", "Southern Europe"),
    ("151", "Eastern Europe"),
    ("419", "Latin America and the Caribbean"),
];

/// Rough units of each currency per US dollar, only to make amounts look plausible (the store
/// computes the real USD value from the shipped rate table).
fn units_per_usd(currency: &str) -> f64 {
    match currency {
        "EUR" => 0.92,
        "GBP" => 0.79,
        "CHF" => 0.88,
        "NOK" => 10.6,
        "SEK" => 10.5,
        "DKK" => 6.9,
        "JPY" => 150.0,
        "AUD" => 1.52,
        "NZD" => 1.65,
        "CAD" => 1.37,
        _ => 1.0,
    }
}

// ---------------------------------------------------------------------------------------------
// What: texts per area of work and per kind.
// ---------------------------------------------------------------------------------------------

/// The words of one area of work.
struct AreaText {
    /// Noun phrases naming an activity; they follow "support for" and start titles.
    topics: &'static [&'static str],
    /// Infinitive clauses ("to release land…") that follow a request or an offer.
    purposes: &'static [&'static str],
    /// Sentences about work in a place (needs and projects).
    field: &'static [&'static str],
    /// Sentences about what support covers (offers and funding sources).
    general: &'static [&'static str],
    /// Short second sentences for the summaries of needs and projects.
    extras: &'static [&'static str],
}

static CLEARANCE_TEXT: AreaText = AreaText {
    topics: &[
        "non-technical survey of suspected hazardous areas",
        "technical survey of confirmed hazardous areas",
        "battle area clearance",
        "clearance of cluster munition remnants",
        "land release through survey and clearance",
        "explosive ordnance risk education (EORE)",
        "community liaison and risk education",
        "explosive ordnance disposal (EOD) spot tasks",
        "subsurface clearance of submunitions",
        "re-survey of legacy contamination data",
        "post-clearance impact assessment",
        "mechanical and animal-assisted technical survey",
    ],
    purposes: &[
        "to release land for farming, housing and safe movement",
        "§to meet the Article 4 clearance deadline",
        "to reduce the risk of new casualties among farmers and children",
        "to return cleared land to productive use",
        "to define the remaining contamination accurately",
    ],
    field: &[
        "{Device} have been found in {province} for decades, and residents still report new items to clearance teams every year.",
        "Non-technical survey in {villages} villages has identified {m2} square metres of suspected hazardous area.",
        "Technical survey and battle area clearance are expected to release {m2} square metres of land for agriculture and infrastructure.",
        "The work will be done by {teams} multi-task clearance teams, each with women searchers and a medic, in {province} and {province2}.",
        "Clearance operators in {province} have located and destroyed {items} items in recent years, most of them {device}.",
        "Explosive ordnance risk education (EORE) sessions will reach about {people} people, including children, farmers and scrap-metal collectors.",
        "Community liaison teams will meet villagers in {province2} to collect information on accidents and suspected areas before clearance starts.",
        "All land will be released through survey and clearance in line with the national mine action standards and recorded in IMSMA.",
        "Most recent casualties in {province} occurred during farming, lighting cooking fires or collecting scrap metal, and risk education targets these activities.",
        "Cleared land is handed over to local authorities and the community at a formal handover, followed by a post-clearance assessment.",
        "Evidence-based non-technical survey means that teams clear only land where contamination is confirmed, which has cut the cost per square metre.",
        "Large-loop detectors allow clearance teams to find submunitions buried well below the surface of farmland.",
        "Animal detection systems and mechanical assets will speed up technical survey on large areas of grazing land.",
    ],
    general: &[
        "Support can cover survey and clearance teams, detection equipment and personal protective equipment.",
        "Operators are expected to apply the land release approach of IMAS 07.11 and the national standards.",
        "Priority is given to clearance tasks that return land to productive use quickly and benefit the poorest communities.",
        "Explosive ordnance risk education should be integrated with survey and clearance and adapted to each audience.",
        "Proposals should state the area to be released through survey and clearance in square metres and the expected cost per square metre.",
        "Mine detection dogs and mechanical assets can be deployed to speed up technical survey where appropriate.",
        "Previous support of this kind in {country} helped release more than {m2} square metres through survey and clearance.",
    ],
    extras: &[
        "Some {people} people live in or near the suspected hazardous areas.",
        "So far {ha} hectares have been released to communities.",
        "The work covers {villages} villages.",
        "Operators have destroyed {items} submunitions in the area in recent years.",
    ],
};

static VICTIMS_TEXT: AreaText = AreaText {
    topics: &[
        "physical rehabilitation and prosthetics services",
        "psychosocial support and peer-to-peer counselling",
        "socio-economic inclusion of cluster munition survivors",
        "emergency medical response for cluster munition victims",
        "victim assistance data collection and needs assessment",
        "training of prosthetic and orthotic technicians",
        "inclusive education for children with disabilities",
        "livelihood and vocational training for survivors",
        "referral pathways for survivors and indirect victims",
    ],
    purposes: &[
        "to give survivors and indirect victims access to services on an equal basis with others",
        "to strengthen the national disability and health systems",
        "to improve the livelihoods of survivors and their families",
        "to ensure that no survivor is left behind",
    ],
    field: &[
        "About {survivors} cluster munition survivors are registered in {province}, many of them living far from the nearest rehabilitation centre.",
        "The project will provide prostheses, orthoses and mobility devices to {people} persons with disabilities, including survivors.",
        "Psychosocial support will be offered through trained peer supporters who are themselves survivors.",
        "Survivors will receive vocational training and small grants to start businesses such as tailoring, livestock raising and motorbike repair.",
        "A needs assessment in {villages} villages found that most survivors lack regular access to physical rehabilitation.",
        "Referral pathways link village health centres, the provincial hospital in {province} and social services, so that no survivor is left behind.",
        "First-aid training for village health volunteers in {province2} will help survivors of new accidents reach treatment sooner.",
        "Victim assistance is part of the national disability action plan and the health sector strategy.",
        "Indirect victims, including families of people killed or injured, are included in the support.",
        "Mobile outreach teams will repair and replace prostheses in remote districts of {province}.",
    ],
    general: &[
        "Support may cover physical rehabilitation, psychosocial support, and social and economic inclusion.",
        "Activities must be accessible to women, men, girls and boys with disabilities and respect their dignity.",
        "Proposals should be designed with survivors and the organisations that represent them.",
        "Expertise is available to train prosthetists and orthotists to ISPO standards.",
        "Victim assistance should be integrated into broader disability, health, education and employment frameworks.",
        "Data on survivors must be collected with informed consent and kept confidential.",
    ],
    extras: &[
        "Around {survivors} survivors are registered in the target area.",
        "The work will reach {people} persons with disabilities and their families.",
        "Services will be brought closer to survivors in {villages} remote villages.",
    ],
};

static STOCKPILES_TEXT: AreaText = AreaText {
    topics: &[
        "destruction of stockpiled cluster munitions",
        "demilitarisation of cluster munition stockpiles",
        "physical security and stockpile management (PSSM)",
        "inventory verification of cluster munition stockpiles",
        "safe storage and transport of munitions awaiting destruction",
        "environmental safeguards for open burning and open detonation",
    ],
    purposes: &[
        "§to complete stockpile destruction before the Article 3 deadline",
        "to remove the risk of unplanned explosions at munition sites",
        "to destroy the remaining stock safely and in an environmentally sound manner",
    ],
    field: &[
        "§The remaining stockpile of {stock} cluster munitions, containing some {items} submunitions, must be destroyed before the Article 3 deadline.",
        "The stockpile is stored at a depot that does not meet the International Ammunition Technical Guidelines (IATG).",
        "Destruction will take place by open detonation at a remote range, with environmental monitoring before and after.",
        "An inventory check will confirm the type, lot numbers and condition of every item in the stockpile before destruction.",
        "Stockpiled munitions will be moved to the demolition range in small consignments under escort.",
        "§Submunitions retained for training will be kept to the minimum absolutely necessary, as Article 3 on stockpile destruction requires.",
        "National ammunition technical officers will be trained so that future stockpile destruction can be done without outside help.",
    ],
    general: &[
        "Experts can help plan destruction, verify inventories and choose between open detonation and industrial demilitarisation.",
        "Equipment for stockpile destruction, such as cutting tools, lifting gear and fire-fighting kits can be provided.",
        "Stockpile destruction plans must meet the International Ammunition Technical Guidelines and national environmental rules.",
        "Support is reserved for States Parties working to meet their Article 3 stockpile destruction deadline.",
        "Physical security and stockpile management advice can be combined with destruction support.",
    ],
    extras: &[
        "The stockpile comprises {stock} cluster munitions containing about {items} submunitions.",
        "Destruction is planned over {months} months.",
    ],
};

static COOPERATION_TEXT: AreaText = AreaText {
    topics: &[
        "national mine action capacity development",
        "South–South cooperation between national authorities",
        "a country coalition of donors and operators",
        "resource mobilisation and donor coordination",
        "quality management systems",
        "information management with IMSMA Core",
        "review of the national mine action standards (NMAS)",
        "gender and diversity mainstreaming in national capacity development",
        "national mine action strategy development",
    ],
    purposes: &[
        "to strengthen national ownership of mine action",
        "to improve coordination between the national authority, operators and donors",
        "to make better use of scarce resources",
        "to share good practice between affected States",
    ],
    field: &[
        "The national authority coordinates {teams} operators and needs stronger capacity in planning, quality management and information management.",
        "A country coalition brings together {country}, its donors and operators around a shared plan.",
        "Staff of the national authority will be trained in IMSMA Core, data entry and map production.",
        "Quality management teams will carry out quality assurance visits and post-clearance inspections.",
        "The national mine action standards will be revised to reflect the latest IMAS.",
        "The national mine action strategy for {year}–{year_end} sets clear targets and a resource mobilisation plan.",
        "A study visit to a neighbouring affected State will allow staff to learn from its experience with land release.",
    ],
    general: &[
        "Peer-to-peer exchanges between national authorities have proved an efficient way to share good practice.",
        "Support covers advisers, training courses, study visits and online mentoring.",
        "The support is aligned with the Lausanne Action Plan and the national strategy of the receiving State.",
        "Capacity development is planned with the national authority and phased out as national capacity grows.",
        "Information management support includes IMSMA Core configuration, data cleaning and reporting tools.",
        "The country coalition approach can bring donors and operators together around one national plan.",
    ],
    extras: &[
        "The national authority works with {teams} operators.",
        "The support runs for {months} months.",
    ],
};

static TRANSPARENCY_TEXT: AreaText = AreaText {
    topics: &[
        "§Article 7 transparency reporting",
        "§national implementation legislation under Article 9",
        "consolidation of the national mine action database",
        "completion reporting and planning for residual contamination",
        "§preparation of an Article 4 extension request",
        "baseline surveys for accurate reporting",
    ],
    purposes: &[
        "§to meet the reporting obligations of Article 7",
        "to give States Parties an accurate picture of progress",
        "to put national implementation measures in place",
    ],
    field: &[
        "§The last Article 7 report of {country} did not include updated contamination figures for {province}.",
        "A consolidated national database will allow accurate reporting of land released, casualties and resources.",
        "§Draft national implementation legislation under Article 9 is before parliament and needs legal review.",
        "§The national authority will prepare its Article 7 report with data disaggregated by sex, age and disability.",
        "An inter-ministerial workshop will agree on the reporting process and who is responsible for each section.",
    ],
    general: &[
        "Expertise is available to help States prepare complete and timely Article 7 reports using the Guide to Reporting.",
        "Legal advisers can review draft national implementation measures under Article 9.",
        "Support can include short training sessions for reporting focal points and model reports.",
        "Help is available to define the remaining contamination accurately, so that figures in transparency reports can be trusted.",
    ],
    extras: &[
        "§The next Article 7 report is due by 30 April.",
        "The work involves {teams} ministries and agencies.",
    ],
};

static UNIVERSALISATION_TEXT: AreaText = AreaText {
    topics: &[
        "universalisation outreach to States not party",
        "parliamentary briefings on ratification of the Convention",
        "regional workshops on accession and ratification",
        "advocacy on the norm against cluster munitions",
        "civil society advocacy and awareness-raising",
    ],
    purposes: &[
        "to encourage more States to join the Convention",
        "to strengthen the norm against the use of cluster munitions",
        "to promote ratification and accession in the region",
    ],
    field: &[
        "§{Country} will host a regional workshop for States not yet party to the Convention.",
        "Parliamentarians and government officials will be briefed on the humanitarian impact of cluster munitions.",
        "Survivors will speak at national events to explain the human cost of cluster munitions and urge States not party to join.",
        "Media training will help civil society partners report on the Convention and its universalisation.",
    ],
    general: &[
        "Support is available for universalisation events, translations of Convention documents and travel of experts.",
        "Activities should target States not party in the region and promote ratification or accession.",
        "The Convention's Sponsorship Programme can help delegates from developing States attend formal meetings, which supports universalisation.",
        "Advocacy should condemn any new use of cluster munitions by any actor.",
    ],
    extras: &[
        "Delegates from {teams} States not party are expected.",
        "Survivors and civil society take part throughout.",
    ],
};

fn area_text(area: Area) -> &'static AreaText {
    match area {
        Area::ClearanceAndRiskEducation => &CLEARANCE_TEXT,
        Area::VictimAssistance => &VICTIMS_TEXT,
        Area::StockpileDestruction => &STOCKPILES_TEXT,
        Area::InternationalCooperationAndAssistance => &COOPERATION_TEXT,
        Area::TransparencyAndNationalImplementation => &TRANSPARENCY_TEXT,
        Area::UniversalisationAndAdvocacy => &UNIVERSALISATION_TEXT,
    }
}

/// Whether an area's work happens in provinces (rather than in capitals and conference rooms).
fn is_local(area: Area) -> bool {
    matches!(
        area,
        Area::ClearanceAndRiskEducation | Area::VictimAssistance
    )
}

/// The words of one kind of submission. "Local" lists name provinces, "national" ones do not.
struct KindText {
    titles_local: &'static [&'static str],
    titles_national: &'static [&'static str],
    summaries_local: &'static [&'static str],
    summaries_national: &'static [&'static str],
    /// Second summary sentences for kinds without area extras (offers, funding sources).
    seconds: &'static [&'static str],
    openers_local: &'static [&'static str],
    openers_national: &'static [&'static str],
    closers: &'static [&'static str],
    /// Closers that name the amount, used only when there is one.
    closers_amount: &'static [&'static str],
}

static NEED_TEXT: KindText = KindText {
    titles_local: &[
        "{Topic} in {province}, {country}",
        "Support needed for {topic} in {province}",
        "Request for {assistance}: {topic} in {province} and {province2}",
        "Resources needed for {topic} in {province}",
        "{Country}: partners sought for {topic} in {province}",
        "{Topic} for communities in {province} ({year}–{year_end})",
    ],
    titles_national: &[
        "{Country}: support needed for {topic}",
        "Request for {assistance}: {topic} in {country}",
        "{Topic} in {country}, {year}–{year_end}",
        "Partner sought for {topic} ({country})",
        "Strengthening {topic} in {country}",
    ],
    summaries_local: &[
        "{Org} requests {assistance} for {topic} in {province} {purpose}.",
        "{Country} is looking for partners to support {topic} in {province} and {province2} {purpose}.",
        "Support is needed for {topic} in {province} {purpose}.",
        "{Short} seeks {assistance} to scale up {topic} in {province} over the next {months} months.",
    ],
    summaries_national: &[
        "{Org} requests {assistance} for {topic} {purpose}.",
        "{Country} is looking for a partner to support {topic} over the next {months} months.",
        "Support is needed for {topic} in {country} {purpose}.",
    ],
    seconds: &[],
    openers_local: &[
        "{Org} seeks {assistance} for {topic} in {province} and neighbouring districts.",
        "In line with its national mine action strategy, {country} has made {topic} in {province} a priority for the coming {months} months.",
        "This request from {org} concerns {topic} in {province} and {province2}.",
        "{Country} needs additional support for {topic} in {province}, as national resources cover only part of the work planned for {year}.",
    ],
    openers_national: &[
        "{Org} seeks {assistance} for {topic}.",
        "In line with its national mine action strategy, {country} has made {topic} a priority for the coming {months} months.",
        "This request from {org} concerns {topic} {purpose}.",
        "{Country} needs additional support for {topic}, as national resources cover only part of the work planned for {year}.",
    ],
    closers: &[
        "{Org} invites interested donors and operators to contact the focal point below.",
        "Partners able to provide {assistance} are invited to contact the national authority.",
        "A detailed work plan and budget are available on request.",
        "Without additional support, the planned work will be delayed by at least {delay} months.",
    ],
    closers_amount: &[
        "The work is costed at {amount}, and partners may take on part of it.",
        "The estimated cost is {amount} over {months} months.",
    ],
};

static OFFER_TEXT: KindText = KindText {
    titles_local: OFFER_TITLES,
    titles_national: OFFER_TITLES,
    summaries_local: OFFER_SUMMARIES,
    summaries_national: OFFER_SUMMARIES,
    seconds: &[
        "Requests from States Parties are given priority.",
        "Support can start within three months of an agreed request.",
        "Local and women-led organisations are encouraged to apply.",
    ],
    openers_local: OFFER_OPENERS,
    openers_national: OFFER_OPENERS,
    closers: &[
        "Requests should come from, or be endorsed by, the national mine action authority.",
        "The offer is open until the end of {year_end}, subject to the availability of funds.",
        "Support is usually provided for up to {months} months, with the possibility of extension.",
        "Interested States are invited to contact {short} to discuss their needs.",
    ],
    closers_amount: &[
        "Up to {amount} is available for this offer.",
        "The indicative envelope is {amount}, to be shared among several requests.",
    ],
};

const OFFER_TITLES: &[&str] = &[
    "{Topic}: {assistance} available {where}",
    "{Short} offers support for {topic}",
    "{Assistance} for {topic} {where}",
    "Available from {short}: {topic}",
    "Support for {topic} {where}, {year}–{year_end}",
    "{Topic}: offer of {assistance}",
];

const OFFER_SUMMARIES: &[&str] = &[
    "{Org} can provide {assistance} for {topic} {where}.",
    "{Short} offers {assistance} {purpose}, with a focus on {topic}.",
    "{Assistance} for {topic} is available to national authorities and operators {where}.",
    "{Org} invites requests for {assistance} for work on {topic} {where}.",
];

const OFFER_OPENERS: &[&str] = &[
    "{Org} offers {assistance} for {topic} {where}.",
    "Drawing on many years of work in mine action, {short} can make {assistance} available for {topic}.",
    "{Short} is ready to support national authorities {where} with {topic}.",
    "As part of its cooperation under Article 6 of the Convention, {org} offers support for {topic}.",
];

static PROJECT_TEXT: KindText = KindText {
    titles_local: &[
        "{Topic} in {province}, {country} ({year}–{year_end})",
        "{Short}: {topic} in {province}",
        "Lessons from {topic} in {province}",
        "{Topic} for communities in {province} and {province2}",
        "{Country}: {topic} project in {province}",
    ],
    titles_national: &[
        "{Topic} in {country} ({year}–{year_end})",
        "{Short}: {topic} in {country}",
        "Lessons from {topic} in {country}",
        "{Country}: {topic} project",
    ],
    summaries_local: &[
        "{Org} is implementing {topic} in {province}, {country}, with funding from {donor}.",
        "A {months}-month project on {topic} in {province}, {purpose}.",
        "{Short} shares its experience of {topic} in {province} since {year}.",
    ],
    summaries_national: &[
        "{Org} is supporting {topic} in {country}, with funding from {donor}.",
        "A {months}-month project on {topic} in {country}, {purpose}.",
        "{Short} shares its experience of {topic} in {country} since {year}.",
    ],
    seconds: &[],
    openers_local: &[
        "Since {year}, {org} has carried out {topic} in {province}, {country}, with funding from {donor}.",
        "This {months}-month project, implemented by {short} in close cooperation with the national authority ({authority}), focuses on {topic} in {province} and {province2}.",
        "{Org} shares the experience of its project on {topic} in {province}, which runs from {year} to {year_end}.",
    ],
    openers_national: &[
        "Since {year}, {org} has supported {topic} in {country}, with funding from {donor}.",
        "This {months}-month project, implemented by {short} in close cooperation with the national authority ({authority}), focuses on {topic}.",
        "{Org} shares the experience of its project on {topic} in {country}, which runs from {year} to {year_end}.",
    ],
    closers: &[
        "Lessons learned are shared with other operators through the national technical working group.",
        "{Short} welcomes exchanges with States and operators facing similar challenges.",
        "A final evaluation is planned for {year_end}, and its findings will be published.",
    ],
    closers_amount: &[
        "The project budget is {amount}, funded by {donor}.",
        "The total budget of {amount} covers staff, equipment and operating costs.",
    ],
};

static FUND_TEXT: KindText = KindText {
    titles_local: FUND_TITLES,
    titles_national: FUND_TITLES,
    summaries_local: FUND_SUMMARIES,
    summaries_national: FUND_SUMMARIES,
    seconds: &[
        "Applications are accepted in English, French and Spanish.",
        "Priority is given to States Parties with obligations under Articles 3, 4 and 5 of the Convention.",
        "National and local organisations are eligible as well as international ones.",
    ],
    openers_local: FUND_OPENERS,
    openers_national: FUND_OPENERS,
    closers: &[
        "Priority is given to States Parties with outstanding obligations under the Convention.",
        "Applications are reviewed by a committee that meets twice a year.",
        "Co-funding from national budgets is encouraged but not required.",
    ],
    closers_amount: &[
        "The maximum grant is {amount} per project, for up to {months} months.",
        "A total of {amount} is available in this round.",
    ],
};

const FUND_TITLES: &[&str] = &[
    "{Short}: call for proposals on {topic}",
    "{year} funding round: {topic}",
    "Grants for {topic} {where}",
    "{Short} funding window for {topic}",
    "Small grants for {topic}",
    "Multi-year funding for {topic} {where}",
];

const FUND_SUMMARIES: &[&str] = &[
    "{Org} funds {topic} {where}.",
    "Grants are available for {topic} {purpose}.",
    "{Short} accepts proposals for {topic} from national authorities and operators {where}.",
    "{Org} offers multi-year grants {purpose}, including for {topic}.",
];

const FUND_OPENERS: &[&str] = &[
    "{Org} supports {topic} {where} through grants to national authorities, international organisations and civil society.",
    "The {year} funding round of {short} is open to proposals on {topic}.",
    "{Short} provides multi-year funding {purpose}.",
    "{Org} finances {topic} and related activities {where}.",
];

fn kind_text(kind: Kind) -> &'static KindText {
    match kind {
        Kind::Need => &NEED_TEXT,
        Kind::Offer => &OFFER_TEXT,
        Kind::Project => &PROJECT_TEXT,
        Kind::FundingSource => &FUND_TEXT,
    }
}

/// Sentences that apply to any area and kind.
const CROSS_CUTTING: &[&str] = &[
    "Gender and diversity considerations are mainstreamed throughout, and data are disaggregated by sex, age and disability.",
    "Activities are coordinated with the national authority and recorded in the national information management system.",
    "A monitoring and evaluation framework with baseline and end-line surveys measures outcomes as well as outputs.",
    "The approach follows the principle of \"do no harm\" and includes a complaints and feedback mechanism open to communities.",
    "Women make up {women_pct} per cent of the staff involved, including team leaders.",
    "The work contributes to the Sustainable Development Goals, in particular on poverty, health and peaceful societies.",
    "Localisation is a priority, and national organisations are involved from the design stage.",
    "Environmental risks are assessed before work starts, in line with IMAS 07.13 on environmental management.",
    "The action supports the implementation of the Lausanne Action Plan.",
];

/// First sentences of how to apply (offers and funding sources).
const HOW_TO_APPLY: &[&str] = &[
    "Send a concept note of at most five pages to {email} by the end of each quarter; proposals must include a budget in {currency} and a gender analysis.",
    "Requests must be submitted through the national mine action authority, using the application form at {link}.",
    "Applications are accepted on a rolling basis: write to {email} with a short description of the need and the expected results.",
    "Submit a full proposal, with a logical framework and a budget in {currency}, by {deadline}.",
    "The guidelines and the application form are published at {link}; the call closes on {deadline}.",
    "National authorities may request support by letter to {org}; operators must attach a letter of endorsement from the national authority.",
];

/// Optional second sentences of how to apply.
const HOW_TO_APPLY_MORE: &[&str] = &[
    "Late or incomplete applications will not be considered.",
    "Successful applicants report every six months on progress and expenditure.",
    "Applicants are informed of the decision within eight weeks.",
    "Only one proposal per organisation per round is accepted.",
    "Questions may be sent to {email}.",
];

/// Documents links point at, per kind.
fn documents(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Need => &[
            "work-plan",
            "needs-assessment",
            "national-strategy",
            "article-7-report",
            "project-proposal",
        ],
        Kind::Offer => &[
            "guidelines",
            "application-form",
            "concept-note-template",
            "offer",
        ],
        Kind::Project => &[
            "project-factsheet",
            "annual-report",
            "final-evaluation",
            "results",
        ],
        Kind::FundingSource => &[
            "call-for-proposals",
            "guidelines",
            "application-form",
            "eligibility-criteria",
        ],
    }
}

/// How running text names a kind of assistance.
fn assistance_phrase(assistance: Assistance) -> &'static str {
    match assistance {
        Assistance::Financial => "financial support",
        Assistance::TechnicalExpertise => "technical expertise",
        Assistance::Equipment => "equipment",
        Assistance::Training => "training",
        Assistance::InformationExchange => "exchange of experience",
    }
}

const KIND_WEIGHTS: &[(Kind, u32)] = &[
    (Kind::Need, 40),
    (Kind::Offer, 35),
    (Kind::Project, 15),
    (Kind::FundingSource, 10),
];

/// The share of published demo submissions that expired (up to half a year ago): the portal
/// archives them on its first round. The rest are current.
const EXPIRED_SHARE: f64 = 0.07;

const STATUS_WEIGHTS: &[(Status, u32)] = &[
    (Status::Published, 90),
    (Status::Pending, 7),
    (Status::Withdrawn, 3),
];

/// The areas that work in an area most often goes with: survey and clearance teams collect data
/// on casualties and refer survivors, destroyed stockpiles are reported under Article 7, and so
/// on. A submission's second area is one of these, never one its texts have no word for.
fn related_areas(area: Area) -> &'static [Area] {
    match area {
        Area::ClearanceAndRiskEducation => &[
            Area::VictimAssistance,
            Area::InternationalCooperationAndAssistance,
        ],
        Area::VictimAssistance => &[
            Area::ClearanceAndRiskEducation,
            Area::InternationalCooperationAndAssistance,
        ],
        Area::StockpileDestruction => &[Area::TransparencyAndNationalImplementation],
        Area::InternationalCooperationAndAssistance => &[
            Area::ClearanceAndRiskEducation,
            Area::TransparencyAndNationalImplementation,
        ],
        Area::TransparencyAndNationalImplementation => {
            &[Area::InternationalCooperationAndAssistance]
        }
        Area::UniversalisationAndAdvocacy => &[Area::TransparencyAndNationalImplementation],
    }
}

const AREA_WEIGHTS: &[(Area, u32)] = &[
    (Area::ClearanceAndRiskEducation, 40),
    (Area::VictimAssistance, 22),
    (Area::StockpileDestruction, 10),
    (Area::InternationalCooperationAndAssistance, 12),
    (Area::TransparencyAndNationalImplementation, 9),
    (Area::UniversalisationAndAdvocacy, 7),
];

fn assistance_weights(kind: Kind) -> &'static [(Assistance, u32)] {
    match kind {
        Kind::Need | Kind::FundingSource => &[
            (Assistance::Financial, 40),
            (Assistance::TechnicalExpertise, 20),
            (Assistance::Equipment, 15),
            (Assistance::Training, 15),
            (Assistance::InformationExchange, 10),
        ],
        Kind::Offer => &[
            (Assistance::Financial, 25),
            (Assistance::TechnicalExpertise, 30),
            (Assistance::Equipment, 15),
            (Assistance::Training, 20),
            (Assistance::InformationExchange, 10),
        ],
        Kind::Project => &[
            (Assistance::Financial, 20),
            (Assistance::TechnicalExpertise, 25),
            (Assistance::Equipment, 15),
            (Assistance::Training, 25),
            (Assistance::InformationExchange, 15),
        ],
    }
}

/// The median of requested or offered amounts, in US dollars.
const MEDIAN_USD: f64 = 500_000.0;
/// The spread of amounts (standard deviation of their logarithm).
const SIGMA: f64 = 1.2;
const MIN_USD: f64 = 20_000.0;
const MAX_USD: f64 = 50_000_000.0;

const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

/// Holds the random number generator and the moment the data is generated for.
struct Generator {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
}

/// The structured parts of a submission, chosen before its texts are written.
struct Draft {
    kind: Kind,
    status: Status,
    org: &'static Org,
    /// The affected State the texts talk about.
    place: &'static Affected,
    areas: Vec<Area>,
    dac_sectors: Vec<u32>,
    assistance: Vec<Assistance>,
    beneficiaries: Beneficiaries,
    funding: Option<Funding>,
    period: Period,
    contact: Contact,
    links: Vec<String>,
    timestamps: Timestamps,
}

/// The words and numbers a submission's texts use, chosen once so that title, summary and
/// description agree.
struct Picks {
    province: &'static str,
    province2: &'static str,
    topic: &'static str,
    purpose: &'static str,
    device: &'static str,
    donor: &'static Org,
    /// Whether the primary area's work happens in provinces.
    local: bool,
    /// Whether texts may name the Convention's obligations: the State concerned is a party.
    party: bool,
    m2: u64,
    ha: u64,
    people: u64,
    villages: u64,
    teams: u64,
    items: u64,
    stock: u64,
    survivors: u64,
    delay: u64,
    women_pct: u64,
    year: i32,
    year_end: i32,
    months: u32,
    deadline: NaiveDate,
}

impl Generator {
    fn new(seed: u64, now: DateTime<Utc>) -> Generator {
        // Whole seconds keep timestamps readable; a representable `now` always has them.
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            now,
        }
    }

    fn submission(&mut self) -> Submission {
        let draft = self.draft();
        let picks = self.picks(&draft);
        let text = Text {
            draft: &draft,
            picks: &picks,
        };
        let title = self.title(&text);
        let summary = self.summary(&text);
        let description = self.description(&text);
        let how_to_apply = self.how_to_apply(&text);
        draft.finish(title, summary, description, how_to_apply)
    }

    // --- small helpers ------------------------------------------------------------------

    fn chance(&mut self, probability: f64) -> bool {
        self.rng.random_bool(probability)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// One of a list of words or templates.
    fn phrase(&mut self, items: &'static [&'static str]) -> &'static str {
        items[self.rng.random_range(0..items.len())]
    }

    /// One of a list whose entries marked `§` name the Convention's obligations and so are for
    /// States Parties only; the mark is removed. Every list has unmarked entries.
    fn phrase_for(&mut self, party: bool, items: &'static [&'static str]) -> &'static str {
        loop {
            let item = self.phrase(items);
            match item.strip_prefix('§') {
                None => return item,
                Some(rest) if party => return rest,
                Some(_) => {}
            }
        }
    }

    /// An index other than `other` (when there is another).
    fn other_index(&mut self, len: usize, other: usize) -> usize {
        if len < 2 {
            return other;
        }
        (other + 1 + self.rng.random_range(0..len - 1)) % len
    }

    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut ticket = self.rng.random_range(0..total);
        for item in items {
            let w = weight(item);
            if ticket < w {
                return item;
            }
            ticket -= w;
        }
        &items[items.len() - 1]
    }

    /// A value spread evenly on a logarithmic scale between `low` and `high`, rounded to `step`.
    fn log_uniform(&mut self, low: f64, high: f64, step: u64) -> u64 {
        let x = (low.ln() + self.rng.random::<f64>() * (high.ln() - low.ln())).exp();
        ((x / step as f64).round() as u64).max(1) * step
    }

    /// A standard normal value (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.rng.random::<f64>(); // in (0, 1], so the logarithm is finite
        let u2 = self.rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    fn seconds(&mut self, low: i64, high: i64) -> Duration {
        Duration::seconds(self.rng.random_range(low..high))
    }

    // --- the parts ----------------------------------------------------------------------

    fn draft(&mut self) -> Draft {
        let kind = self.weighted(KIND_WEIGHTS, |k| k.1).0;
        let status = self.weighted(STATUS_WEIGHTS, |s| s.1).0;
        let timestamps = self.timestamps(kind, status);
        let place = self.weighted(AFFECTED, |a| a.weight);
        let org = self.submitter(kind);
        let areas = self.areas(org.map_or(&[], |o| o.focus));
        let org = match org {
            Some(org) => org,
            None => self.national_submitter(place, areas[0]),
        };
        let dac_sectors = self.dac_sectors(&areas);
        let assistance = self.assistance(kind);
        let beneficiaries = self.beneficiaries(kind, place);
        let funding = self.funding(kind, org.currency);
        let period = self.period(kind, timestamps.received_at.date_naive());
        let contact = self.contact(org);
        let year = period.start.map_or(self.now.year(), |d| d.year());
        let links = self.links(kind, org, year);
        Draft {
            kind,
            status,
            org,
            place,
            areas,
            dac_sectors,
            assistance,
            beneficiaries,
            funding,
            period,
            contact,
            links,
            timestamps,
        }
    }

    /// Who submits an offer, project or funding source; `None` for a need, whose submitter
    /// depends on its area.
    fn submitter(&mut self, kind: Kind) -> Option<&'static Org> {
        let by_weight = |o: &Org| o.weight;
        Some(match kind {
            Kind::Need => return None,
            Kind::Offer => match self.rng.random_range(0..10) {
                0..5 => self.weighted(DONORS, by_weight),
                5 => &EU,
                6 => self.weighted(ORGANISATIONS, by_weight),
                _ => self.weighted(NGOS, by_weight),
            },
            Kind::Project => match self.rng.random_range(0..10) {
                0..7 => self.weighted(NGOS, by_weight),
                _ => self.weighted(ORGANISATIONS, by_weight),
            },
            Kind::FundingSource => match self.rng.random_range(0..10) {
                0..6 => self.weighted(FUNDS, by_weight),
                6 => &EU,
                _ => self.weighted(DONORS, by_weight),
            },
        })
    }

    /// The national authority, or for victim assistance often the ministry in charge.
    fn national_submitter(&mut self, place: &'static Affected, area: Area) -> &'static Org {
        match &place.ministry {
            Some(ministry) if area == Area::VictimAssistance && self.chance(0.6) => ministry,
            _ => &place.authority,
        }
    }

    /// The main area (from the submitter's focus, if it has one) and, for four in ten, one area
    /// closely related to it, which the description then speaks of too.
    fn areas(&mut self, focus: &'static [Area]) -> Vec<Area> {
        let primary = if focus.is_empty() {
            self.weighted(AREA_WEIGHTS, |a| a.1).0
        } else {
            *self.pick(focus)
        };
        let mut areas = vec![primary];
        if self.rng.random_range(0..10) >= 6 {
            areas.push(*self.pick(related_areas(primary)));
        }
        areas
    }

    fn dac_sectors(&mut self, areas: &[Area]) -> Vec<u32> {
        if areas.contains(&Area::ClearanceAndRiskEducation) && self.chance(0.5) {
            vec![15250]
        } else {
            Vec::new()
        }
    }

    fn assistance(&mut self, kind: Kind) -> Vec<Assistance> {
        let count = match self.rng.random_range(0..20) {
            0..11 => 1,
            11..17 => 2,
            _ => 3,
        };
        let mut kinds = Vec::with_capacity(count);
        if kind == Kind::FundingSource {
            // A funding source gives money, whatever it pays for.
            return vec![Assistance::Financial];
        }
        let weights = assistance_weights(kind);
        while kinds.len() < count {
            let assistance = self.weighted(weights, |a| a.1).0;
            if !kinds.contains(&assistance) {
                kinds.push(assistance);
            }
        }
        kinds
    }

    fn beneficiaries(&mut self, kind: Kind, place: &'static Affected) -> Beneficiaries {
        let mut beneficiaries = Beneficiaries::default();
        let (global, regional) = match kind {
            Kind::Need => {
                beneficiaries.countries.push(place.alpha3.to_string());
                return beneficiaries;
            }
            Kind::Project => {
                beneficiaries.countries.push(place.alpha3.to_string());
                if self.chance(0.15)
                    && let Some(neighbour) = self.neighbour(place)
                {
                    beneficiaries.countries.push(neighbour.to_string());
                }
                return beneficiaries;
            }
            Kind::Offer => (0.35, 0.35),
            Kind::FundingSource => (0.5, 0.3),
        };
        let draw = self.rng.random::<f64>();
        if draw < global {
            beneficiaries.global = true;
        } else if draw < global + regional {
            beneficiaries.regions.push(place.region.to_string());
            if self.chance(0.3) {
                let first = REGIONS
                    .iter()
                    .position(|r| r.0 == place.region)
                    .unwrap_or(0);
                let second = self.other_index(REGIONS.len(), first);
                if second != first {
                    beneficiaries.regions.push(REGIONS[second].0.to_string());
                }
            }
        } else {
            beneficiaries.countries.push(place.alpha3.to_string());
            let more = self.rng.random_range(0..4);
            for _ in 0..more {
                let country = self.weighted(AFFECTED, |a| a.weight).alpha3;
                if !beneficiaries.countries.iter().any(|c| c == country) {
                    beneficiaries.countries.push(country.to_string());
                }
            }
        }
        beneficiaries
    }

    /// Another affected State in the same region, if there is one.
    fn neighbour(&mut self, place: &Affected) -> Option<&'static str> {
        let is_neighbour = |a: &&Affected| a.region == place.region && a.alpha3 != place.alpha3;
        let count = AFFECTED.iter().filter(is_neighbour).count();
        if count == 0 {
            return None;
        }
        let n = self.rng.random_range(0..count);
        AFFECTED
            .iter()
            .filter(is_neighbour)
            .nth(n)
            .map(|a| a.alpha3)
    }

    fn funding(&mut self, kind: Kind, currency: &'static str) -> Option<Funding> {
        let (probability, factor) = match kind {
            Kind::Need => (0.9, 0.9),
            Kind::Offer => (0.75, 1.0),
            Kind::Project => (0.85, 1.5),
            Kind::FundingSource => (0.95, 3.0),
        };
        if !self.chance(probability) {
            return None;
        }
        let usd = ((MEDIAN_USD * factor).ln() + SIGMA * self.normal())
            .exp()
            .clamp(MIN_USD, MAX_USD);
        let amount = self.plausible(usd * units_per_usd(currency));
        Some(Funding {
            amount,
            currency: currency.to_string(),
            usd: 0.0,
            rate_date: None,
        })
    }

    /// Rounds an amount the way budgets are written: 1,250,000 rather than 1,237,412.
    fn plausible(&mut self, amount: f64) -> f64 {
        let magnitude = 10f64.powi(amount.log10().floor() as i32 - 1);
        let step = magnitude * *self.pick(&[0.5, 1.0, 2.5]);
        ((amount / step).round() * step).max(step).round()
    }

    fn period(&mut self, kind: Kind, received: NaiveDate) -> Period {
        let offset = match kind {
            Kind::Project => -self.rng.random_range(0..=6 * 365),
            _ => self.rng.random_range(-90..=365),
        };
        let today = self.now.date_naive();
        let earliest = today - Duration::days(3_600);
        let latest = today + Duration::days(365);
        let day = (received + Duration::days(offset)).clamp(earliest, latest);
        let start = day.with_day(1).unwrap_or(day);
        let months = self.rng.random_range(6..=48);
        let end = start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(start + Duration::days(30 * i64::from(months)));
        Period {
            start: Some(start),
            end: Some(end),
        }
    }

    fn timestamps(&mut self, kind: Kind, status: Status) -> Timestamps {
        let now = self.now;
        if status == Status::Pending {
            let received_at = now - self.seconds(0, 21 * DAY);
            return Timestamps {
                received_at,
                published_at: None,
                updated_at: received_at,
                expires_at: None,
                renewed_at: None,
            };
        }
        let months = match kind {
            Kind::Need | Kind::Offer => 12,
            Kind::Project | Kind::FundingSource => 24,
        };
        let lifespan = now
            .checked_sub_months(Months::new(months))
            .map_or(365 * i64::from(months / 12) * DAY, |start| {
                (now - start).num_seconds()
            });
        // Most published submissions are current, spread evenly over their lifespan (so some
        // expire within the month); a few expired up to half a year ago and are archived. The
        // random draws are the same two as ever, so every later choice (and the benchmark
        // corpus built on them) stays as it was.
        let draw = self.seconds(21 * DAY, 3 * 365 * DAY).num_seconds();
        let share = (draw - 21 * DAY) as f64 / (3 * 365 * DAY - 21 * DAY) as f64;
        let age = if share < EXPIRED_SHARE {
            let into = share / EXPIRED_SHARE;
            lifespan + DAY + (into * (179 * DAY) as f64) as i64
        } else {
            let into = (share - EXPIRED_SHARE) / (1.0 - EXPIRED_SHARE);
            DAY + (into * (lifespan - 2 * DAY) as f64) as i64
        };
        let published_at = now - Duration::seconds(age);
        let received_at = published_at - self.seconds(DAY, 20 * DAY + 1);
        let updated_at = if status == Status::Withdrawn {
            (published_at + self.seconds(7 * DAY, 180 * DAY)).min(now)
        } else {
            published_at
        };
        let expires_at = published_at
            .checked_add_months(Months::new(months))
            .unwrap_or(published_at + Duration::days(365 * i64::from(months / 12)));
        Timestamps {
            received_at,
            published_at: Some(published_at),
            updated_at,
            expires_at: Some(expires_at),
            renewed_at: None,
        }
    }

    fn contact(&mut self, org: &Org) -> Contact {
        let names = match org.names {
            Names::Mixed => *self.pick(INTERNATIONAL),
            names => names,
        };
        let (firsts, lasts) = names.lists();
        let first = *self.pick(firsts);
        let last = *self.pick(lasts);
        let domain = *self.pick(&[
            "example.org",
            "example.org",
            "example.org",
            "example.net",
            "example.com",
        ]);
        let mut name = String::with_capacity(first.len() + last.len() + 1);
        name.push_str(first);
        name.push(' ');
        name.push_str(last);
        let mut email = String::with_capacity(name.len() + domain.len() + 2);
        push_email_part(&mut email, first);
        email.push('.');
        push_email_part(&mut email, last);
        email.push('@');
        email.push_str(domain);
        let phone = self.chance(0.6).then(|| org.phone.to_string());
        Contact { name, email, phone }
    }

    fn links(&mut self, kind: Kind, org: &Org, year: i32) -> Vec<String> {
        let count = match self.rng.random_range(0..20) {
            0..6 => 0,
            6..15 => 1,
            _ => 2,
        };
        let documents = documents(kind);
        let first = self.rng.random_range(0..documents.len());
        let second = self.other_index(documents.len(), first);
        [first, second][..count]
            .iter()
            .map(|&i| {
                let mut link = format!("https://example.org/demo/{}/{}", org.slug, documents[i]);
                if self.chance(0.4) {
                    let _ = write!(link, "-{year}"); // writing to a String cannot fail
                }
                link
            })
            .collect()
    }

    fn picks(&mut self, draft: &Draft) -> Picks {
        let primary = draft.areas[0];
        let text = area_text(primary);
        let provinces = draft.place.provinces;
        let first = self.rng.random_range(0..provinces.len());
        let second = self.other_index(provinces.len(), first);
        let device = if self.chance(0.8) {
            *self.pick(draft.place.devices)
        } else {
            *self.pick(GENERIC_DEVICES)
        };
        let donor = if self.chance(0.1) {
            &EU
        } else {
            self.weighted(DONORS, |o| o.weight)
        };
        let party = match draft.kind {
            Kind::Need | Kind::Project => draft.place.authority.kind == SubmitterType::StateParty,
            Kind::Offer | Kind::FundingSource => true,
        };
        let (year, year_end, months) = match (draft.period.start, draft.period.end) {
            (Some(start), Some(end)) => (start.year(), end.year(), months_between(start, end)),
            _ => (self.now.year(), self.now.year() + 1, 12),
        };
        Picks {
            province: provinces[first],
            province2: provinces[second],
            topic: self.phrase_for(party, text.topics),
            purpose: self.phrase_for(party, text.purposes),
            device,
            donor,
            local: is_local(primary),
            party,
            m2: self.log_uniform(20_000.0, 3_000_000.0, 100),
            ha: self.log_uniform(5.0, 900.0, 1),
            people: self.log_uniform(500.0, 60_000.0, 10),
            villages: self.rng.random_range(5..=120),
            teams: self.rng.random_range(2..=16),
            items: self.log_uniform(150.0, 25_000.0, 1),
            stock: self.log_uniform(200.0, 20_000.0, 1),
            survivors: self.log_uniform(40.0, 3_000.0, 1),
            delay: self.rng.random_range(6..=18),
            women_pct: self.rng.random_range(25..=60),
            year,
            year_end,
            months,
            deadline: quarter_end_after(
                draft.timestamps.received_at.date_naive() + Duration::days(30),
            ),
        }
    }

    // --- the texts ----------------------------------------------------------------------

    fn title(&mut self, text: &Text) -> String {
        let words = kind_text(text.draft.kind);
        let list = if text.picks.local {
            words.titles_local
        } else {
            words.titles_national
        };
        let mut title = String::with_capacity(128);
        title.push_str(DEMO_TITLE_PREFIX);
        text.render(self.phrase(list), &mut title);
        title
    }

    fn summary(&mut self, text: &Text) -> String {
        let kind = text.draft.kind;
        let words = kind_text(kind);
        let list = if text.picks.local {
            words.summaries_local
        } else {
            words.summaries_national
        };
        let mut summary = String::with_capacity(256);
        text.render(self.phrase(list), &mut summary);
        if self.chance(0.5) {
            let seconds = match kind {
                Kind::Need | Kind::Project => area_text(text.draft.areas[0]).extras,
                Kind::Offer | Kind::FundingSource => words.seconds,
            };
            summary.push(' ');
            text.render(self.phrase_for(text.picks.party, seconds), &mut summary);
        }
        summary
    }

    /// Three to five sentences, then the demo notice.
    fn description(&mut self, text: &Text) -> String {
        let draft = text.draft;
        let words = kind_text(draft.kind);
        let sentences = |area: Area| {
            let words = area_text(area);
            match draft.kind {
                Kind::Need | Kind::Project => words.field,
                Kind::Offer | Kind::FundingSource => words.general,
            }
        };
        let party = text.picks.party;
        let body = sentences(draft.areas[0]);
        let first = self.phrase_for(party, body);
        // A second area always has a sentence of its own; then there is room for no other.
        let secondary = draft.areas.get(1).copied();
        let second = (secondary.is_none() && self.chance(0.5))
            .then(|| self.phrase_for(party, body))
            .filter(|s| *s != first);
        let cross = secondary.is_none() && second.is_none() && self.chance(0.4);

        let mut out = String::with_capacity(1024);
        let openers = if text.picks.local {
            words.openers_local
        } else {
            words.openers_national
        };
        text.render(self.phrase(openers), &mut out);
        for sentence in [Some(first), second].into_iter().flatten() {
            out.push(' ');
            text.render(sentence, &mut out);
        }
        // Every kind of assistance listed is named.
        out.push(' ');
        let opening = match draft.kind {
            Kind::Need => "The request covers ",
            Kind::Offer => "The offer covers ",
            Kind::Project => "The project provides ",
            Kind::FundingSource => "",
        };
        if opening.is_empty() {
            out.push_str("All support is financial, paid as grants in instalments.");
        } else {
            out.push_str(opening);
            push_list(
                &mut out,
                draft.assistance.iter().map(|a| assistance_phrase(*a)),
            );
            out.push('.');
        }
        if let Some(area) = secondary {
            out.push(' ');
            text.render(self.phrase_for(party, sentences(area)), &mut out);
        }
        if cross {
            out.push(' ');
            text.render(self.phrase(CROSS_CUTTING), &mut out);
        }
        out.push(' ');
        let closers = if draft.funding.is_some() && self.chance(0.5) {
            words.closers_amount
        } else {
            words.closers
        };
        text.render(self.phrase(closers), &mut out);
        out.push(' ');
        out.push_str(DEMO_NOTICE);
        out
    }

    fn how_to_apply(&mut self, text: &Text) -> String {
        if !matches!(text.draft.kind, Kind::Offer | Kind::FundingSource) {
            return String::new();
        }
        let mut out = String::with_capacity(256);
        text.render(self.phrase(HOW_TO_APPLY), &mut out);
        if self.chance(0.5) {
            out.push(' ');
            text.render(self.phrase(HOW_TO_APPLY_MORE), &mut out);
        }
        out
    }
}

impl Draft {
    fn finish(
        self,
        title: String,
        summary: String,
        description: String,
        how_to_apply: String,
    ) -> Submission {
        Submission {
            id: String::new(),
            kind: self.kind,
            status: self.status,
            version: 1,
            submitter: Submitter {
                organisation: self.org.name.to_string(),
                kind: self.org.kind,
                country: self.org.country.map(str::to_string),
            },
            title,
            summary,
            description,
            beneficiaries: self.beneficiaries,
            areas: self.areas,
            dac_sectors: self.dac_sectors,
            assistance: self.assistance,
            funding: self.funding,
            period: self.period,
            contact: self.contact,
            how_to_apply,
            links: self.links,
            status_note: None,
            timestamps: self.timestamps,
            provenance: Provenance {
                source: Source::Demo,
                ..Provenance::default()
            },
        }
    }
}

/// Whole months from `start` to `end` (inclusive of the last partial month), at least one.
fn months_between(start: NaiveDate, end: NaiveDate) -> u32 {
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    u32::try_from(months).unwrap_or(1).max(1)
}

/// The last day of the quarter that `day` falls in.
fn quarter_end_after(day: NaiveDate) -> NaiveDate {
    let month = day.month().div_ceil(3) * 3;
    let last = if month == 3 || month == 12 { 31 } else { 30 };
    NaiveDate::from_ymd_opt(day.year(), month, last).unwrap_or(day)
}

// ---------------------------------------------------------------------------------------------
// Templates.
// ---------------------------------------------------------------------------------------------

/// What a template's placeholders are filled with.
struct Text<'a> {
    draft: &'a Draft,
    picks: &'a Picks,
}

impl Text<'_> {
    /// Appends `template` to `out` with every `{placeholder}` filled in. A placeholder that
    /// starts with a capital letter gets its value capitalised.
    fn render(&self, template: &str, out: &mut String) {
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
    fn fill(&self, key: &str, out: &mut String) -> bool {
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
fn push_org(out: &mut String, org: &Org) {
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

fn strip_the(text: &str) -> &str {
    text.strip_prefix("the ").unwrap_or(text)
}

/// "worldwide", "in South-eastern Asia", "in Lao PDR, Iraq and Lebanon".
fn push_where(out: &mut String, beneficiaries: &Beneficiaries) {
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

fn push_list<'a>(out: &mut String, items: impl ExactSizeIterator<Item = &'a str>) {
    let count = items.len();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == count { " and " } else { ", " });
        }
        out.push_str(item);
    }
}

fn country_name(alpha3: &str) -> &str {
    AFFECTED
        .iter()
        .find(|a| a.alpha3 == alpha3)
        .map_or(alpha3, |a| a.name)
}

fn region_name(code: &str) -> &str {
    REGIONS.iter().find(|r| r.0 == code).map_or(code, |r| r.1)
}

/// Numbers in running text: "two" to "nine" in words, "1,234,567" in figures.
fn push_number(out: &mut String, n: u64) {
    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    match WORDS.get(n as usize) {
        Some(word) => out.push_str(word),
        None => push_thousands(out, n),
    }
}

/// 1234567 → "1,234,567".
fn push_thousands(out: &mut String, n: u64) {
    let mut groups = [0u16; 7];
    let mut count = 0;
    let mut rest = n;
    loop {
        groups[count] = (rest % 1000) as u16;
        count += 1;
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", groups[count - 1]);
    for group in groups[..count - 1].iter().rev() {
        let _ = write!(out, ",{group:03}");
    }
}

/// "31 March 2027".
fn push_date(out: &mut String, date: NaiveDate) {
    out.push_str(&date_in_words(date));
}

/// Appends a name as the local part of an e-mail address: lower case ASCII, accents dropped,
/// spaces as hyphens, apostrophes left out ("O'Connor" → "oconnor", "da Silva" → "da-silva").
fn push_email_part(out: &mut String, name: &str) {
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
fn fold(c: char) -> Option<char> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
