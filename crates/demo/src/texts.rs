//! What submissions say (a data table, apart from the lookups by area and kind): the words of
//! each area of work and each kind of submission, the sentences any of them may use, the
//! documents links point at.

use portal_domain::submission::{Area, Assistance, Kind};

/// The words of one area of work.
pub(crate) struct AreaText {
    /// Noun phrases naming an activity; they follow "support for" and start titles.
    pub(crate) topics: &'static [&'static str],
    /// Infinitive clauses ("to release land…") that follow a request or an offer.
    pub(crate) purposes: &'static [&'static str],
    /// Sentences about work in a place (needs and projects).
    pub(crate) field: &'static [&'static str],
    /// Sentences about what support covers (offers and funding sources).
    pub(crate) general: &'static [&'static str],
    /// Short second sentences for the summaries of needs and projects.
    pub(crate) extras: &'static [&'static str],
}

pub(crate) static CLEARANCE_TEXT: AreaText = AreaText {
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

pub(crate) static VICTIMS_TEXT: AreaText = AreaText {
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

pub(crate) static STOCKPILES_TEXT: AreaText = AreaText {
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

pub(crate) static COOPERATION_TEXT: AreaText = AreaText {
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

pub(crate) static TRANSPARENCY_TEXT: AreaText = AreaText {
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

pub(crate) static UNIVERSALISATION_TEXT: AreaText = AreaText {
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

pub(crate) fn area_text(area: Area) -> &'static AreaText {
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
pub(crate) fn is_local(area: Area) -> bool {
    matches!(
        area,
        Area::ClearanceAndRiskEducation | Area::VictimAssistance
    )
}

/// The words of one kind of submission. "Local" lists name provinces, "national" ones do not.
pub(crate) struct KindText {
    pub(crate) titles_local: &'static [&'static str],
    pub(crate) titles_national: &'static [&'static str],
    pub(crate) summaries_local: &'static [&'static str],
    pub(crate) summaries_national: &'static [&'static str],
    /// Second summary sentences for kinds without area extras (offers, funding sources).
    pub(crate) seconds: &'static [&'static str],
    pub(crate) openers_local: &'static [&'static str],
    pub(crate) openers_national: &'static [&'static str],
    pub(crate) closers: &'static [&'static str],
    /// Closers that name the amount, used only when there is one.
    pub(crate) closers_amount: &'static [&'static str],
}

pub(crate) static NEED_TEXT: KindText = KindText {
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

pub(crate) static OFFER_TEXT: KindText = KindText {
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

pub(crate) const OFFER_TITLES: &[&str] = &[
    "{Topic}: {assistance} available {where}",
    "{Short} offers support for {topic}",
    "{Assistance} for {topic} {where}",
    "Available from {short}: {topic}",
    "Support for {topic} {where}, {year}–{year_end}",
    "{Topic}: offer of {assistance}",
];

pub(crate) const OFFER_SUMMARIES: &[&str] = &[
    "{Org} can provide {assistance} for {topic} {where}.",
    "{Short} offers {assistance} {purpose}, with a focus on {topic}.",
    "{Assistance} for {topic} is available to national authorities and operators {where}.",
    "{Org} invites requests for {assistance} for work on {topic} {where}.",
];

pub(crate) const OFFER_OPENERS: &[&str] = &[
    "{Org} offers {assistance} for {topic} {where}.",
    "Drawing on many years of work in mine action, {short} can make {assistance} available for {topic}.",
    "{Short} is ready to support national authorities {where} with {topic}.",
    "As part of its cooperation under Article 6 of the Convention, {org} offers support for {topic}.",
];

pub(crate) static PROJECT_TEXT: KindText = KindText {
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

pub(crate) static FUND_TEXT: KindText = KindText {
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

pub(crate) const FUND_TITLES: &[&str] = &[
    "{Short}: call for proposals on {topic}",
    "{year} funding round: {topic}",
    "Grants for {topic} {where}",
    "{Short} funding window for {topic}",
    "Small grants for {topic}",
    "Multi-year funding for {topic} {where}",
];

pub(crate) const FUND_SUMMARIES: &[&str] = &[
    "{Org} funds {topic} {where}.",
    "Grants are available for {topic} {purpose}.",
    "{Short} accepts proposals for {topic} from national authorities and operators {where}.",
    "{Org} offers multi-year grants {purpose}, including for {topic}.",
];

pub(crate) const FUND_OPENERS: &[&str] = &[
    "{Org} supports {topic} {where} through grants to national authorities, international organisations and civil society.",
    "The {year} funding round of {short} is open to proposals on {topic}.",
    "{Short} provides multi-year funding {purpose}.",
    "{Org} finances {topic} and related activities {where}.",
];

pub(crate) fn kind_text(kind: Kind) -> &'static KindText {
    match kind {
        Kind::Need => &NEED_TEXT,
        Kind::Offer => &OFFER_TEXT,
        Kind::Project => &PROJECT_TEXT,
        Kind::FundingSource => &FUND_TEXT,
    }
}

/// Sentences that apply to any area and kind.
pub(crate) const CROSS_CUTTING: &[&str] = &[
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
pub(crate) const HOW_TO_APPLY: &[&str] = &[
    "Send a concept note of at most five pages to {email} by the end of each quarter; proposals must include a budget in {currency} and a gender analysis.",
    "Requests must be submitted through the national mine action authority, using the application form at {link}.",
    "Applications are accepted on a rolling basis: write to {email} with a short description of the need and the expected results.",
    "Submit a full proposal, with a logical framework and a budget in {currency}, by {deadline}.",
    "The guidelines and the application form are published at {link}; the call closes on {deadline}.",
    "National authorities may request support by letter to {org}; operators must attach a letter of endorsement from the national authority.",
];

/// Optional second sentences of how to apply.
pub(crate) const HOW_TO_APPLY_MORE: &[&str] = &[
    "Late or incomplete applications will not be considered.",
    "Successful applicants report every six months on progress and expenditure.",
    "Applicants are informed of the decision within eight weeks.",
    "Only one proposal per organisation per round is accepted.",
    "Questions may be sent to {email}.",
];

/// Documents links point at, per kind.
pub(crate) fn documents(kind: Kind) -> &'static [&'static str] {
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
pub(crate) fn assistance_phrase(assistance: Assistance) -> &'static str {
    match assistance {
        Assistance::Financial => "financial support",
        Assistance::TechnicalExpertise => "technical expertise",
        Assistance::Equipment => "equipment",
        Assistance::Training => "training",
        Assistance::InformationExchange => "exchange of experience",
    }
}
