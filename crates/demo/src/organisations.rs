//! Who submits (a data table, apart from a few constructors): the pools of contact names, the
//! organisations (donors, international organisations, NGOs, funds) and the affected States with
//! their authorities, provinces and remnants; the regions offers name; rough exchange rates.

use Area::{
    ClearanceAndRiskEducation as CLEARANCE, InternationalCooperationAndAssistance as COOPERATION,
    StockpileDestruction as STOCKPILES, TransparencyAndNationalImplementation as TRANSPARENCY,
    UniversalisationAndAdvocacy as UNIVERSALISATION, VictimAssistance as VICTIMS,
};
use SubmitterType::{
    InternationalOrganisation as IO, Ngo as NGO, Other as OTHER, Signatory as SIGNATORY,
    StateParty as PARTY,
};
use portal_domain::submission::{Area, SubmitterType};

/// A pool of first names and family names for contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
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
pub(crate) const INTERNATIONAL: &[Names] = &[
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
    pub(crate) fn lists(self) -> (&'static [&'static str], &'static [&'static str]) {
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
pub(crate) struct Org {
    /// The name as submitted, e.g. "Ministry of Foreign Affairs of Norway".
    pub(crate) name: &'static str,
    /// How texts refer to it after the first mention, e.g. "Norway", "HALO", "the GICHD".
    pub(crate) short: &'static str,
    /// For links under `https://example.org/demo/`.
    pub(crate) slug: &'static str,
    pub(crate) kind: SubmitterType,
    /// ISO 3166-1 alpha-3 of the State, or of an NGO's headquarters.
    pub(crate) country: Option<&'static str>,
    /// The currency its amounts are in.
    pub(crate) currency: &'static str,
    /// A fictitious number: country code, area code, zeros.
    pub(crate) phone: &'static str,
    pub(crate) names: Names,
    /// Whether running text puts "the" before the name.
    pub(crate) the: bool,
    /// The areas it mostly works in (repeats weigh more); empty for any.
    pub(crate) focus: &'static [Area],
    pub(crate) weight: u32,
}

#[allow(clippy::too_many_arguments)] // A table row: the arguments are the columns.
pub(crate) const fn org(
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
    pub(crate) const fn bare(self) -> Org {
        Org { the: false, ..self }
    }

    pub(crate) const fn focus(self, focus: &'static [Area]) -> Org {
        Org { focus, ..self }
    }

    pub(crate) const fn weight(self, weight: u32) -> Org {
        Org { weight, ..self }
    }
}

/// A State affected by cluster munition remnants or other explosive remnants of war.
#[derive(Debug)]
pub(crate) struct Affected {
    pub(crate) alpha3: &'static str,
    /// As running text names it, with "the" where English needs it.
    pub(crate) name: &'static str,
    pub(crate) weight: u32,
    /// UN M49 code of the region offers name when they target it.
    pub(crate) region: &'static str,
    /// The national mine action authority or centre.
    pub(crate) authority: Org,
    /// The ministry responsible for victim assistance, where it submits needs itself.
    pub(crate) ministry: Option<Org>,
    /// Provinces, governorates, oblasts, departments.
    pub(crate) provinces: &'static [&'static str],
    /// What is found there.
    pub(crate) devices: &'static [&'static str],
}

/// Remnants named where no specific type fits.
pub(crate) const GENERIC_DEVICES: &[&str] = &[
    "cluster munition remnants",
    "unexploded submunitions",
    "air-dropped submunitions",
    "unexploded submunitions and other explosive remnants of war",
];

#[rustfmt::skip]
pub(crate) static AFFECTED: &[Affected] = &[
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
pub(crate) static DONORS: &[Org] = &[
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
pub(crate) const EUROPEAN_UNION: Org = org("European Union", "the EU", "eu", IO, None, "EUR", "+32 2 000 0000", Names::Mixed);

/// The European Union, as a donor alongside the States.
pub(crate) static EU: Org = EUROPEAN_UNION;

/// International organisations that implement and advise.
#[rustfmt::skip]
pub(crate) static ORGANISATIONS: &[Org] = &[
    org("United Nations Mine Action Service (UNMAS)", "UNMAS", "unmas", IO, None, "USD", "+1 212 000 0000", Names::Mixed).weight(4),
    org("United Nations Development Programme (UNDP)", "UNDP", "undp", IO, None, "USD", "+1 212 000 0000", Names::Mixed).focus(&[COOPERATION, COOPERATION, CLEARANCE, VICTIMS]).weight(3),
    org("Geneva International Centre for Humanitarian Demining (GICHD)", "the GICHD", "gichd", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[COOPERATION, COOPERATION, TRANSPARENCY, CLEARANCE]).weight(3),
    org("International Committee of the Red Cross (ICRC)", "the ICRC", "icrc", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[VICTIMS, VICTIMS, CLEARANCE]).weight(2),
    org("United Nations Children's Fund (UNICEF)", "UNICEF", "unicef", IO, None, "USD", "+1 212 000 0000", Names::Mixed).focus(&[CLEARANCE, VICTIMS]).weight(2),
];

/// NGOs that clear, educate, assist and campaign.
#[rustfmt::skip]
pub(crate) static NGOS: &[Org] = &[
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
pub(crate) static FUNDS: &[Org] = &[
    org("UN Voluntary Trust Fund for Assistance in Mine Action", "the Voluntary Trust Fund", "vtf", IO, None, "USD", "+1 212 000 0000", Names::Mixed).weight(3),
    org("ITF Enhancing Human Security", "ITF", "itf", NGO, Some("SVN"), "EUR", "+386 1 000 0000", Names::SouthSlav).bare().weight(3),
    org("MoveAbility Foundation (ICRC)", "MoveAbility", "moveability", IO, Some("CHE"), "CHF", "+41 22 000 0000", Names::Mixed).focus(&[VICTIMS]).weight(1),
    org("Sponsorship Programme of the Convention on Cluster Munitions", "the Sponsorship Programme", "sponsorship", IO, None, "CHF", "+41 22 000 0000", Names::Mixed).focus(&[UNIVERSALISATION, TRANSPARENCY, COOPERATION]).weight(1),
    org("UK Global Mine Action Programme (FCDO)", "the Global Mine Action Programme", "gmap", PARTY, Some("GBR"), "GBP", "+44 20 0000 0000", Names::English).focus(&[CLEARANCE, CLEARANCE, COOPERATION]).weight(2),
    org("Grant Assistance for Grassroots Human Security Projects (Government of Japan)", "Japan's grassroots grant scheme", "grassroots-japan", PARTY, Some("JPN"), "JPY", "+81 3 0000 0000", Names::Japanese).bare().focus(&[CLEARANCE, VICTIMS]).weight(2),
];

/// UN M49 regions offers and funds name, with their English names.
pub(crate) const REGIONS: &[(&str, &str)] = &[
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
pub(crate) fn units_per_usd(currency: &str) -> f64 {
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
