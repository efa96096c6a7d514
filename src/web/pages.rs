//! The pages, rendered with maud. Pure functions from data to HTML: no I/O, no decisions about
//! access. Everything user-supplied is escaped by maud; the only pre-escaped HTML is the search
//! snippet, which `Snippet::to_html` escapes itself.

use chrono::{DateTime, NaiveDate, Utc};
use maud::{Markup, PreEscaped, html};

use crate::access::Account;
use crate::codes;
use crate::matching::Match;
pub use crate::matching::amount_text;
use crate::search::{Coverage, Hit, escape_html};
use crate::store::LoginRecord;
use crate::submission::{Area, Kind, Submission, Vocabulary};
use crate::text::{self, thousands};

use super::frame::{Viewer, layout};
use super::params::SearchParams;

/// Text escaped as maud escapes it, but copied in runs between the characters it escapes
/// ([`escape_html`]) where maud copies byte by byte: for the texts a search page repeats for
/// every hit and every facet value.
pub(super) struct Text<'a>(pub(super) &'a str);

impl maud::Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        escape_html(self.0, buffer);
    }
}

/// The public landing page.
pub fn landing(isu_email: &str, viewer: &Viewer) -> Markup {
    layout(
        "Welcome",
        viewer,
        html! {
            h1 { "Cooperation Portal of the Convention on Cluster Munitions" }
            p {
                "The portal brings together what affected States need and what donors, "
                "international organisations and NGOs can offer: requests and project proposals, "
                "available resources and how to apply for them, ongoing projects shared as "
                "experience, and sources of funding."
            }
            h2 { "Who may use it" }
            p {
                "States Parties and Signatories to the Convention, international organisations and "
                "NGOs working on its implementation. Access is for members only: delegations log in "
                "with the shared access password, which the Implementation Support Unit (ISU) "
                "changes regularly."
            }
            h2 { "How to get access" }
            p {
                a href="/request-access" { "Request access" } " with your official e-mail address: "
                "once you confirm it and the ISU approves, the ISU sends you the access password, "
                "and each new one when it changes. Questions: write to the ISU at "
                a href={ "mailto:" (isu_email) } { (isu_email) } "."
            }
            h2 { "How to submit" }
            p {
                "Fill in the " a href="/template.txt" download { "submission template" }
                " (plain text, for any mail client) and e-mail it to "
                a href={ "mailto:" (isu_email) } { (isu_email) } ". The ISU reviews each "
                "submission before it is published; published submissions stay on the portal for a "
                "set time unless renewed."
            }
            p {
                "Members can instead fill in the same fields on the "
                a href="/submit" { "submission form" } " after logging in; the contact address "
                "given receives a link to confirm before the ISU reviews the submission."
            }
            @if viewer.session.is_some() {
                p { a.button href="/search" { "Search the portal" } }
            } @else {
                p { a.button href="/login" { "Log in" } }
            }
        },
    )
}

/// The login page: the member form and the ISU staff form.
pub fn login(error: Option<&str>, next: &str) -> Markup {
    layout(
        "Log in",
        &Viewer::nobody(),
        html! {
            h1 { "Log in" }
            @if let Some(error) = error {
                div.error-box role="alert" { (error) }
            }
            div.cards {
                section.card aria-labelledby="member-login" {
                    h2 #member-login { "Delegations and organisations" }
                    form method="post" action="/login" {
                        input type="hidden" name="next" value=(next);
                        label for="member-password" { "Access password" }
                        input #member-password type="password" name="password" required autofocus autocomplete="current-password";
                        p { button type="submit" { "Log in" } }
                    }
                }
                section.card aria-labelledby="admin-login" {
                    h2 #admin-login { "ISU staff" }
                    form method="post" action="/login" {
                        input type="hidden" name="next" value=(next);
                        label for="admin-name" { "Admin name" }
                        input #admin-name type="text" name="admin" required autocomplete="username";
                        label for="admin-password" { "Password" }
                        input #admin-password type="password" name="password" required autocomplete="current-password";
                        p { button type="submit" { "Log in" } }
                    }
                }
            }
            p.muted { "No access yet? See " a href="/" { "how to request it" } "." }
        },
    )
}

/// An error page; says what was wrong for a 4xx, nothing internal for a 5xx.
pub fn error(status: u16, title: &str, message: &str, viewer: &Viewer) -> Markup {
    layout(
        title,
        viewer,
        html! {
            h1 { (title) }
            p { (message) }
            p.muted { "Error " (status) ". " a href="/" { "Back to the start page" } }
        },
    )
}

/// One hit in a list of results: its title linked, submitter, places, amount, validity and
/// snippet.
pub(super) fn hit_item(hit: &Hit) -> Markup {
    let s = &hit.submission;
    html! {
        li.hit {
            h3 {
                span.kind { (s.kind.label()) }
                a href={ "/submissions/" (Text(&s.id)) } { (Text(&s.title)) }
            }
            p.meta {
                span { (Text(&s.submitter.organisation)) }
                span { (Text(&places_text(s))) }
                span { (Text(&amount_text(s))) }
                @if let Some(expiry) = s.timestamps.expires_at {
                    span.until { "valid until " (date(expiry)) }
                }
            }
            @if !hit.snippet.fragment.is_empty() {
                p.snippet { (PreEscaped(hit.snippet.to_html())) }
            }
        }
    }
}

/// Links to the pages of a list `pages` pages long (nothing when there is only one), the
/// `current` one marked: the first, the last and two either side of the current one, then
/// "Previous" and "Next". `href(page)` gives a page's address.
pub fn page_links(current: usize, pages: usize, href: impl Fn(usize) -> String) -> Markup {
    if pages <= 1 {
        return html! {};
    }
    let shown: Vec<usize> = (1..=pages)
        .filter(|p| *p == 1 || *p == pages || p.abs_diff(current) <= 2)
        .collect();
    html! {
        nav aria-label="Pages" {
            ul.pager {
                @if current > 1 {
                    li { a href=(Text(&href(current - 1))) rel="prev" { "Previous" } }
                }
                @for (i, page) in shown.iter().enumerate() {
                    @if i > 0 && shown[i - 1] + 1 != *page {
                        li { span aria-hidden="true" { "…" } }
                    }
                    li {
                        @if *page == current {
                            span aria-current="page" { (page) }
                        } @else {
                            a href=(Text(&href(*page))) { (page) }
                        }
                    }
                }
                @if current < pages {
                    li { a href=(Text(&href(current + 1))) rel="next" { "Next" } }
                }
            }
        }
    }
}

/// Countries, regions or "every country".
pub fn places_text(s: &Submission) -> String {
    let b = &s.beneficiaries;
    let mut text = String::new();
    let mut add = |part: &str| {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(part);
    };
    for country in &b.countries {
        add(codes::country(country).map_or(country.as_str(), |c| c.name));
    }
    for region in &b.regions {
        add(codes::region(region).map_or(region.as_str(), |r| r.name));
    }
    if b.global {
        add("Every country (global)");
    }
    text
}

/// Like [`places_text`], with each country linked to its country page.
pub fn places_links(s: &Submission) -> Markup {
    let b = &s.beneficiaries;
    let regions: Vec<String> = b
        .regions
        .iter()
        .map(|r| codes::region(r).map_or(r.clone(), |r| r.name.to_string()))
        .collect();
    let mut first = true;
    html! {
        @for code in &b.countries {
            @if !std::mem::take(&mut first) { ", " }
            a href={ "/countries/" (code) } { (codes::country(code).map_or(code.as_str(), |c| c.name)) }
        }
        @for region in &regions {
            @if !std::mem::take(&mut first) { ", " }
            (region)
        }
        @if b.global {
            @if !std::mem::take(&mut first) { ", " }
            "Every country (global)"
        }
    }
}

/// A day in words, kept on one line by the stylesheet: `<time datetime="2026-11-16">16 November
/// 2026</time>`.
pub(super) fn date(t: DateTime<Utc>) -> Markup {
    day(t.date_naive())
}

/// Like [`date`], for a day without a time.
pub(super) fn day(d: NaiveDate) -> Markup {
    html! { time datetime=(text::iso_date(d)) { (text::date_in_words(d)) } }
}

/// A moment to the minute, the day in words: `1 June 2026, 12:00 UTC`.
pub(super) fn date_time(t: DateTime<Utc>) -> Markup {
    html! {
        time datetime=(text::iso_minute(t)) { (text::moment_in_words(t)) }
    }
}

/// The detail page of one submission, with its matches.
pub fn detail(
    s: &Submission,
    matches: &[Match],
    previous_versions: usize,
    admin_panel: Option<Markup>,
    viewer: &Viewer,
) -> Markup {
    let matches_heading = match s.kind {
        Kind::Need => "Offers and funding sources that fit this need",
        Kind::Offer | Kind::FundingSource => "Needs this could serve",
        Kind::Project => "",
    };
    layout(
        &s.title,
        viewer,
        html! {
            p.muted { span.kind { (s.kind.label()) } (s.id) }
            h1 { (s.title) }
            @if let Some(panel) = admin_panel { (panel) }
            @if !s.summary.is_empty() { p { strong { (s.summary) } } }
            @if !matches_heading.is_empty() && !matches.is_empty() {
                p { a href="#matches" { (matches.len()) " " (if matches.len() == 1 { "match" } else { "matches" }) " ↓" } }
            }
            // At a desk the matches stand beside the submission instead of below it.
            div class=(if matches_heading.is_empty() { "detail" } else { "detail beside" }) {
            div {
            dl.fields {
                dt { "Submitted by" } dd { (s.submitter.organisation) }
                dt { "Submitter type" } dd { (s.submitter.kind.label())
                    @if let Some(c) = &s.submitter.country { " — " a href={ "/countries/" (c) } { (codes::country(c).map_or(c.as_str(), |c| c.name)) } } }
                dt { "Countries concerned" } dd { (places_links(s)) }
                dt { "Areas of work" } dd { (s.areas.iter().map(|a| a.label()).collect::<Vec<_>>().join("; ")) }
                @if !s.dac_sectors.is_empty() {
                    dt { "DAC sectors" }
                    dd { (s.dac_sectors.iter().map(|c| format!("{c} {}", codes::dac_sector_name(*c).unwrap_or(""))).collect::<Vec<_>>().join("; ")) }
                }
                dt { "Kinds of assistance" } dd { @if s.assistance.is_empty() { "Not stated" } @else { (s.assistance.iter().map(|a| a.label()).collect::<Vec<_>>().join("; ")) } }
                dt { "Funding" } dd {
                    (amount_text(s))
                    @if let Some(rate_date) = s.funding.as_ref().and_then(|f| f.rate_date) {
                        @if s.funding.as_ref().is_some_and(|f| f.currency != "USD") {
                            " " span.muted { "(converted at the rate of " (day(rate_date)) ")" }
                        }
                    }
                }
                dt { "Period" } dd { (period_text(s)) }
                dt { "Valid until" } dd { @if let Some(e) = s.timestamps.expires_at { (date(e)) } @else { "Not set" } }
                dt { "Contact" } dd {
                    (s.contact.name)
                    @if !s.contact.email.is_empty() { br; a href={ "mailto:" (s.contact.email) } { (s.contact.email) } }
                    @if let Some(phone) = &s.contact.phone { br; (phone) }
                }
            }
            @if !s.description.is_empty() {
                h2 { "Description" }
                div.text { (s.description) }
            }
            @if !s.how_to_apply.is_empty() {
                h2 { "How to apply" }
                div.text { (s.how_to_apply) }
            }
            @if !s.links.is_empty() {
                h2 { "Links" }
                ul { @for link in &s.links { li { (link_markup(link)) } } }
            }
            }
            @if !matches_heading.is_empty() {
                section.matches aria-labelledby="matches" {
                h2 #matches { (matches_heading) }
                p.muted {
                    "What fits works in one of the same areas, covers the place (the country, a "
                    "region around it, or every country) and, when both state an amount, is not "
                    "under a tenth of what a need asks. The best come first, those with too little "
                    "in common are left out: what is written about the same things, for the same "
                    "place rather than for every country, with a compatible kind of assistance, "
                    "ranks higher; an offer whose own conditions leave the need out (who may "
                    "apply, the smallest grant) ranks lower. General funding lines that name this "
                    "work come after the closer fits. Each one says why."
                }
                @if matches.is_empty() {
                    p { "No published submission fits it at the moment." }
                } @else {
                    ol.hits {
                        @for m in matches {
                            li.hit {
                                h3 {
                                    span.kind { (m.submission.kind.label()) }
                                    a href={ "/submissions/" (m.submission.id) } { (m.submission.title) }
                                }
                                p.meta {
                                    span { (m.submission.submitter.organisation) }
                                    span { (amount_text(&m.submission)) }
                                }
                                ul.reasons { @for reason in &m.reasons { li { (reason) } } }
                            }
                        }
                    }
                }
            }
                }
            }
            h2 { "Provenance" }
            dl.fields {
                dt { "Received" } dd { (date(s.timestamps.received_at)) }
                @if let Some(p) = s.timestamps.published_at { dt { "Published" } dd { (date(p)) } }
                dt { "Last updated" } dd { (date(s.timestamps.updated_at)) }
                @if let Some(r) = s.timestamps.renewed_at { dt { "Renewed" } dd { (date(r)) } }
                dt { "Source" } dd { (source_text(s)) }
                dt { "Version" } dd { (s.version) @if previous_versions > 0 { " (" (previous_versions) " earlier kept)" } }
            }
            (super::submit_pages::change_requests(s, viewer))
        },
    )
}

fn link_markup(link: &str) -> Markup {
    // Only web links become links; anything else is shown as text.
    if link.starts_with("https://") || link.starts_with("http://") {
        html! { a href=(link) rel="noopener noreferrer" { (link) } }
    } else {
        html! { (link) }
    }
}

pub(super) fn period_text(s: &Submission) -> String {
    match (s.period.start, s.period.end) {
        (Some(a), Some(b)) => format!("{} – {}", text::month_in_words(a), text::month_in_words(b)),
        (Some(a), None) => format!("From {}", text::month_in_words(a)),
        (None, Some(b)) => format!("Until {}", text::month_in_words(b)),
        (None, None) => "Not stated".to_string(),
    }
}

fn source_text(s: &Submission) -> String {
    use crate::submission::Source;
    let p = &s.provenance;
    let mut text = match p.source {
        Source::File => "Imported from a file".to_string(),
        Source::Email => "E-mailed template".to_string(),
        Source::Form => "Entered on the portal".to_string(),
        Source::Iati => "IATI activity".to_string(),
        Source::Demo => "Fictitious demo content".to_string(),
    };
    if let Some(id) = &p.iati_identifier {
        text.push_str(&format!(" {id}"));
    }
    if let Some(sender) = &p.sender {
        text.push_str(&format!(", from {sender}"));
    }
    text
}

/// How many of an area's offers written for the country "Find offers" lists; the rest are a
/// search away.
pub const FIND_OFFERS_WRITTEN: usize = 20;
/// How many of an area's offers open to every country "Find offers" lists.
pub const FIND_OFFERS_OPEN: usize = 5;

/// The offers and funding sources of one area for a country: the newest of those written for
/// it (naming it or a region around it) and of those open to every country, with their counts.
pub struct OffersInArea {
    pub area: Area,
    pub written: Vec<Hit>,
    pub written_total: u64,
    pub open: Vec<Hit>,
    pub open_total: u64,
}

/// "Find offers for my country": the form and, once a country is chosen, the offers and
/// funding sources that cover it, by area of work: those written for the country or its
/// region first, then a few of those open to every country, each list a link away from all
/// of it in the search.
pub fn find_offers(
    country: Option<&codes::Country>,
    area: Option<Area>,
    groups: &[OffersInArea],
    viewer: &Viewer,
) -> Markup {
    layout(
        "Find offers for my country",
        viewer,
        html! {
            h1 { "Find offers for my country" }
            form method="get" action="/find-offers" {
                label for="country" { "Country" }
                select #country name="country" required {
                    option value="" { "Choose a country" }
                    @for region in codes::regions().iter().filter(|r| r.parent.is_none()) {
                        optgroup label=(region.name) {
                            @for c in codes::countries().iter().filter(|c| c.region == region.code) {
                                option value=(c.alpha3) selected[country.is_some_and(|x| x.alpha3 == c.alpha3)] { (c.name) }
                            }
                        }
                    }
                }
                label for="area" { "Area of work (optional)" }
                select #area name="area" {
                    option value="" { "Every area" }
                    @for a in Area::ALL {
                        option value=(a.slug()) selected[area == Some(*a)] { (a.label()) }
                    }
                }
                p { button type="submit" { "Show offers" } }
            }
            @if let Some(country) = country {
                h2 { "Offers and funding sources for " (country.name) }
                p {
                    "By area of work, the newest first: those written for " (country.name)
                    " or a region around it, then those open to every country, which cover "
                    "every country's needs alike. A need's own page ranks what fits it best."
                }
                @if groups.iter().all(|g| g.written_total + g.open_total == 0) {
                    p.notice { "No published offer or funding source covers " (country.name) " at the moment." }
                }
                @for group in groups {
                    @if group.written_total + group.open_total > 0 {
                        (offers_in_area(country, group))
                    }
                }
            }
        },
    )
}

/// One area of "Find offers": its two lists, each with a link to all of it in the search.
fn offers_in_area(country: &codes::Country, group: &OffersInArea) -> Markup {
    let search = |coverage: Coverage| SearchParams {
        kind: vec![Kind::Offer.slug().into(), Kind::FundingSource.slug().into()],
        country: vec![country.alpha3.to_string()],
        area: vec![group.area.slug().to_string()],
        coverage,
        sort: "newest".to_string(),
        page: 1,
        ..SearchParams::default()
    };
    let more = |shown: usize, total: u64, coverage: Coverage, what: &str| {
        html! {
            @if total > shown as u64 {
                p { a href=(search(coverage).url()) { "All " (thousands(total)) " " (what) } }
            }
        }
    };
    html! {
        h3 { (group.area.label()) }
        h4 { "Written for " (country.name) " or its region (" (thousands(group.written_total)) ")" }
        @if group.written.is_empty() {
            p { "None at the moment." }
        } @else {
            ol.hits { @for hit in &group.written { (hit_item(hit)) } }
            (more(group.written.len(), group.written_total, Coverage::Written, "written for it, in the search"))
        }
        @if group.open_total > 0 {
            h4 { "Open to every country (" (thousands(group.open_total)) ")" }
            ol.hits { @for hit in &group.open { (hit_item(hit)) } }
            (more(group.open.len(), group.open_total, Coverage::OpenToAll, "open to every country, in the search"))
        }
    }
}

/// What the administration page shows.
pub struct AdminView<'a> {
    pub passwords: &'a [(Account, DateTime<Utc>)],
    pub rotation_days: u32,
    pub now: DateTime<Utc>,
    pub logins: &'a [LoginRecord],
    pub message: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// The administration page: password ages, member password rotation, the login log.
pub fn admin(view: &AdminView, viewer: &Viewer) -> Markup {
    let csrf = viewer.csrf();
    let member_changed = view
        .passwords
        .iter()
        .find(|(a, _)| *a == Account::Member)
        .map(|(_, t)| *t);
    let overdue = member_changed
        .is_some_and(|t| view.now - t > chrono::Duration::days(i64::from(view.rotation_days)));
    layout(
        "Administration",
        viewer,
        html! {
            h1 { "Administration" }
            @if let Some(message) = view.message { div.notice role="status" { (message) } }
            @if let Some(error) = view.error { div.error-box role="alert" { (error) } }
            h2 { "Member access password" }
            @if let Some(changed) = member_changed {
                p { "Last changed on " (date(changed)) " (" ((view.now - changed).num_days()) " days ago)." }
                @if overdue {
                    div.warning role="alert" {
                        "The member password is older than the rotation period of " (view.rotation_days)
                        " days. Change it: the new one goes to every focal point."
                    }
                }
            } @else {
                div.warning { "No member password is set: nobody can log in as a member." }
            }
            form method="post" action="/admin/member-password" {
                input type="hidden" name="csrf" value=(csrf);
                label for="new-password" { "New member password (at least 12 characters)" }
                input #new-password type="password" name="password" required minlength="12" autocomplete="new-password";
                label for="confirm-password" { "The same again" }
                input #confirm-password type="password" name="confirm" required minlength="12" autocomplete="new-password";
                p.muted {
                    "Changing it ends every member session at once. Feed addresses and API tokens "
                    "made before keep working (they are secrets of their own): revoke those that "
                    "should end on the " a href="/admin/tokens" { "tokens page" } "."
                }
                p { button type="submit" { "Change the member password" } }
            }
            p {
                "The new password goes at once to every focal point. "
                a href="/admin/access" { "Access requests" } " · "
                a href="/admin/focal-points" { "Focal points" }
            }
            h2 { "Admin accounts" }
            ul {
                @for (account, changed) in view.passwords {
                    @if let Account::Admin(name) = account {
                        li { (name) ": password set on " (date(*changed)) }
                    }
                }
            }
            p.muted { "Add or change admin accounts with " code { "portal set-password admin NAME" } "." }
            h2 { "Recent logins" }
            table.rows {
                thead { tr { th scope="col" { "Time (UTC)" } th scope="col" { "Address" } th scope="col" { "Account" } th scope="col" { "Result" } } }
                tbody {
                    @for record in view.logins {
                        tr {
                            td {
                                time datetime=(text::iso_moment(record.at)) {
                                    (text::moment_in_words_to_the_second(record.at))
                                }
                            }
                            td data-label="Address" { (record.address) }
                            td data-label="Account" { (account_name(&record.account)) }
                            td data-label="Result" { @if record.success { "success" } @else { "failed" } }
                        }
                    }
                }
            }
        },
    )
}

/// An account as the ISU's pages name it (the login log, who made a token): "member", or an
/// admin's name and role ("ada (ISU staff)").
pub(super) fn account_name(key: &str) -> String {
    match Account::from_key(key) {
        Some(Account::Member) => "member".to_string(),
        Some(Account::Admin(name)) => format!("{name} (ISU staff)"),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_date_reads_as_chrono_writes_it_in_a_time_element() {
        for (y, m, d) in [(2026, 1, 1), (2026, 12, 31), (2027, 3, 9), (999, 7, 4)] {
            let t = Utc.with_ymd_and_hms(y, m, d, 23, 59, 59).unwrap();
            assert_eq!(
                date(t).into_string(),
                format!(
                    r#"<time datetime="{}">{}</time>"#,
                    t.format("%Y-%m-%d"),
                    t.format("%-d %B %Y")
                )
            );
        }
    }

    #[test]
    fn text_is_escaped_as_maud_escapes_it() {
        let text = "Ärzte & <b>\"Müller\"</b> 'x' > y";
        let ours = html! { p { (Text(text)) } }.into_string();
        let maud = html! { p { (text) } }.into_string();
        assert_eq!(ours, maud);
    }
}
