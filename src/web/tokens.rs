//! Tokens: API tokens the ISU issues to scripts, and Atom feeds that follow a search through a
//! secret URL (made by any member, revocable by the ISU). A token is shown once, when made;
//! the store keeps only its SHA-256.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use sha2::{Digest, Sha256};

use crate::access::{self, Account};
use crate::search::Sort;
use crate::store::{StoredToken, TokenPurpose};
use crate::submission::{Submission, Vocabulary};
use crate::text;

use super::AppState;
use super::csrf::checked_form as checked;
use super::error::AppError;
use super::extract::{Admin, Member};
use super::forms::{FormBody, field};
use super::frame::{self, Viewer, layout};
use super::handlers::blocking;
use super::pages::{account_name, date, page_links};
use super::params::SearchParams;

type Result<T, E = AppError> = std::result::Result<T, E>;

/// How many feeds members may have at once (not revoked), all members together.
pub const MAX_MEMBER_FEEDS: usize = 200;
/// How many entries a feed carries.
const FEED_ENTRIES: usize = 50;
/// A renewal within this many days shows in a feed as a new entry.
const FEED_RENEWED_DAYS: u32 = 60;

/// How many tokens a page of `/admin/tokens` lists.
const TOKENS_LISTED: usize = 50;

#[derive(Debug, serde::Deserialize)]
pub struct TokensQuery {
    page: Option<usize>,
}

/// `GET /admin/tokens?page=N`: the API and feed tokens, newest first, a page at a time, with
/// revoke buttons and the issue form.
pub async fn list(
    State(state): State<AppState>,
    Admin(session): Admin,
    query: std::result::Result<
        axum::extract::Query<TokensQuery>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Result<Response> {
    let page = match query {
        Ok(axum::extract::Query(TokensQuery { page })) => page.unwrap_or(1).max(1),
        Err(_) => return Err(AppError::bad_request("The page number is not a number.")),
    };
    let tokens = blocking(&state, access::tokens).await??;
    let total = tokens.len();
    let shown: Vec<_> = tokens
        .into_iter()
        .skip((page - 1).saturating_mul(TOKENS_LISTED))
        .take(TOKENS_LISTED)
        .collect();
    Ok(frame::page(Some(&session), |viewer| {
        tokens_page(&shown, page, total, viewer)
    }))
}

/// `POST /admin/tokens`: issues an API token and shows it, once.
pub async fn issue(
    State(state): State<AppState>,
    Admin(session): Admin,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked(&session, &body)?;
    let label = field(&pairs, "label").trim().to_string();
    if label.is_empty() {
        return Err(AppError::bad_request(
            "Say what the token is for (e.g. \"UNMAS dashboard\"), so it can be recognised later.",
        ));
    }
    let account = session.account.clone();
    let token = blocking(&state, move |c| {
        access::issue_token(c, TokenPurpose::Api, &label, &account)
    })
    .await??;
    let base = &state.config.public_url;
    Ok(frame::page(Some(&session), |viewer| {
        layout(
            "API token issued",
            viewer,
            html! {
                h1 { "API token issued" }
                p.warning { "Copy it now: it is shown only this once. Whoever holds it can read everything members can read, until it is revoked." }
                p { code.token { (token) } }
                p { "Use it as a bearer token, e.g.:" }
                pre { "curl -H \"Authorization: Bearer " (token) "\" \\\n  \"" (base) "/api/search?q=victim+assistance&country=LAO\"" }
                p { "The API is described at " a href="/api/openapi.json" { "/api/openapi.json" } "." }
                p { a href="/admin/tokens" { "Back to the tokens" } }
            },
        )
    }))
}

/// `POST /admin/tokens/{key}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    Admin(session): Admin,
    Path(key): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response> {
    checked(&session, &body)?;
    let account = session.account.clone();
    let found = blocking(&state, move |c| access::revoke_token(c, &key, &account)).await??;
    if !found {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to("/admin/tokens").into_response())
}

fn tokens_page(
    tokens: &[(String, StoredToken)],
    page: usize,
    total: usize,
    viewer: &Viewer,
) -> Markup {
    layout(
        "API and feed tokens",
        viewer,
        html! {
            h1 { "API and feed tokens" }
            p { "API tokens let scripts read the JSON API; feed addresses let feed readers follow a search. Both see only what members see. Revoking one stops it at once." }
            form method="post" action="/admin/tokens" {
                input type="hidden" name="csrf" value=(viewer.csrf());
                label for="token-label" { "What the new API token is for" }
                input #token-label type="text" name="label" required maxlength="200";
                p { button type="submit" { "Issue an API token" } }
            }
            @if total == 0 {
                p { "No tokens yet." }
            } @else if tokens.is_empty() {
                p { "No token on this page: " a href="/admin/tokens" { "see the first" } "." }
            } @else {
                table.rows {
                    caption { "Every token issued, newest first (" (total) ")" }
                    thead { tr {
                        th scope="col" { "Token" }
                        th scope="col" { "For" }
                        th scope="col" { "Made" }
                        th scope="col" { "State" }
                    } }
                    tbody {
                        @for (key, token) in tokens {
                            tr {
                                td {
                                    @match &token.purpose {
                                        TokenPurpose::Api => "API",
                                        TokenPurpose::Feed { query } => {
                                            "Feed of "
                                            a href={ "/search?" (query) } { "this search" }
                                        }
                                    }
                                    br; span.muted { "key " (&key[..12.min(key.len())]) "…" }
                                }
                                td data-label="For" { (token.label) }
                                td data-label="Made" { (date(token.created_at)) " by " (account_name(&token.created_by)) }
                                td {
                                    @if let Some(at) = token.revoked_at {
                                        "revoked " (date(at))
                                    } @else {
                                        form method="post" action={ "/admin/tokens/" (key) "/revoke" } {
                                            input type="hidden" name="csrf" value=(viewer.csrf());
                                            button type="submit" aria-label={ "Revoke token " (&key[..12.min(key.len())]) } { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (page_links(page, total.div_ceil(TOKENS_LISTED), |p| format!("/admin/tokens?page={p}")))
            }
        },
    )
}

/// `POST /feeds`: a member follows a search; shows the feed's secret address, once.
pub async fn follow(
    State(state): State<AppState>,
    Member(session): Member,
    FormBody(body): FormBody,
) -> Result<Response> {
    let pairs = checked(&session, &body)?;
    let query = field(&pairs, "query").to_string();
    // The saved search must be one the search page accepts.
    let params = SearchParams::parse(&query).map_err(|e| AppError::bad_request(e.0))?;
    params
        .to_request()
        .map_err(|e| AppError::bad_request(e.0))?;
    let query = SearchParams { page: 1, ..params }.to_query();
    let label = match field(&pairs, "label").trim() {
        "" => describe(&query),
        label => label.to_string(),
    };
    let account = session.account.clone();
    let token = blocking(&state, move |c| -> access::Result<Option<String>> {
        // Members share one account: their feeds together are bounded, the ISU's are not.
        if account == Account::Member {
            let live = access::tokens(c)?
                .iter()
                .filter(|(_, t)| matches!(t.purpose, TokenPurpose::Feed { .. }))
                .filter(|(_, t)| t.created_by == account.key() && t.revoked_at.is_none())
                .count();
            if live >= MAX_MEMBER_FEEDS {
                return Ok(None);
            }
        }
        access::issue_token(c, TokenPurpose::Feed { query }, &label, &account).map(Some)
    })
    .await??;
    let Some(token) = token else {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many feeds",
            format!(
                "Members have {MAX_MEMBER_FEEDS} feeds already, the most there may be. Ask the \
                 ISU to revoke the feeds nobody reads any more, then try again."
            ),
        ));
    };
    let url = format!("{}/feeds/{token}", state.config.public_url);
    Ok(frame::page(Some(&session), |viewer| {
        layout(
            "Feed address",
            viewer,
            html! {
                h1 { "Follow this search in a feed reader" }
                p { "Add this address to your feed reader (Atom). It lists submissions that match the search as they are published or renewed, and needs no password:" }
                p { code.token { (url) } }
                p.warning { "Keep it to yourself: anyone with the address can read the feed. It is shown only now. The ISU can revoke it." }
                p { a href="/search" { "Back to the search" } }
            },
        )
    }))
}

fn describe(query: &str) -> String {
    if query.is_empty() {
        "Everything new".to_string()
    } else {
        format!("Search: {}", query.replace('&', ", ").replace('+', " "))
    }
}

/// `GET /feeds/{token}`: the Atom feed of a followed search. It carries an `ETag` (a digest of
/// the feed); a reader sending it back in `If-None-Match` gets 304 and no body while nothing in
/// the feed changed.
pub async fn feed(
    State(state): State<AppState>,
    Path(requested): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response> {
    let token = requested.trim_end_matches(".atom").to_string();
    let stored = blocking(&state, move |c| access::check_token(c, &token)).await??;
    let Some(StoredToken {
        purpose: TokenPurpose::Feed { query },
        label,
        created_at,
        ..
    }) = stored
    else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "No such feed",
            "This feed address is not valid or was revoked.",
        ));
    };
    let params = SearchParams::parse(&query).map_err(|e| AppError::bad_request(e.0))?;
    let mut request = params
        .to_request()
        .map_err(|e| AppError::bad_request(e.0))?;
    request.sort = Sort::Newest;
    request.offset = 0;
    request.limit = FEED_ENTRIES;
    let mut renewed = request.clone();
    renewed.filters.renewed_within_days = Some(FEED_RENEWED_DAYS);
    let entries = blocking(
        &state,
        move |c| -> Result<_, crate::catalogue::CatalogueError> {
            let mut entries: Vec<Submission> = c
                .search(&request)?
                .hits
                .into_iter()
                .map(|h| h.submission)
                .collect();
            for hit in c.search(&renewed)?.hits {
                if !entries.iter().any(|s| s.id == hit.submission.id) {
                    entries.push(hit.submission);
                }
            }
            entries.sort_by_key(|s| std::cmp::Reverse((event_time(s), s.id.clone())));
            entries.truncate(FEED_ENTRIES);
            Ok(entries)
        },
    )
    .await??;
    let base = &state.config.public_url;
    let xml = atom(&Feed {
        self_url: &format!("{base}/feeds/{requested}"),
        base,
        query: &query,
        label: &label,
        entries: &entries,
        made: created_at,
    });
    let etag = entity_tag(&xml);
    let mut response = if unchanged(&request_headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = xml.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}

/// A strong entity tag for a feed: the start of its SHA-256, quoted. The feed holds no clock
/// reading of its own, so the same entries give the same tag.
fn entity_tag(xml: &str) -> String {
    let digest = Sha256::digest(xml.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether the reader's `If-None-Match` names `etag` (or is `*`): the feed it holds is current.
/// Tags are compared weakly (RFC 9110 13.1.2), so a `W/` prefix a proxy added still matches.
fn unchanged(request_headers: &HeaderMap, etag: &str) -> bool {
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// When a submission last became news: its renewal, or else its publication.
fn event_time(s: &Submission) -> DateTime<Utc> {
    s.timestamps
        .renewed_at
        .or(s.timestamps.published_at)
        .unwrap_or(s.timestamps.received_at)
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What an Atom document is made of.
struct Feed<'a> {
    /// The portal's address, for links.
    base: &'a str,
    /// The feed's own address, as the reader asked for it.
    self_url: &'a str,
    query: &'a str,
    label: &'a str,
    entries: &'a [Submission],
    /// When the feed was made: its `updated` time while it has no entries.
    made: DateTime<Utc>,
}

/// An Atom (RFC 4287) document, in English.
fn atom(feed: &Feed) -> String {
    let Feed {
        base,
        self_url,
        query,
        label,
        entries,
        made,
    } = *feed;
    let updated = entries.iter().map(event_time).max().unwrap_or(made);
    let search_url = if query.is_empty() {
        format!("{base}/search")
    } else {
        format!("{base}/search?{query}")
    };
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
    xml.push_str(&format!(
        "  <title>Cooperation Portal: {}</title>\n",
        xml_escape(label)
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n",
        xml_escape(&format!("{base}/search?{query}#feed"))
    ));
    xml.push_str(&format!(
        "  <updated>{}</updated>\n",
        text::iso_moment(updated)
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&search_url)
    ));
    xml.push_str(
        "  <author><name>Implementation Support Unit, Convention on Cluster Munitions</name></author>\n",
    );
    xml.push_str("  <generator>Cooperation Portal</generator>\n");
    for s in entries {
        let at = event_time(s);
        let renewed = s.timestamps.renewed_at.is_some_and(|r| r == at);
        let url = format!("{base}/submissions/{}", s.id);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <id>{}</id>\n",
            xml_escape(&format!("{url}#{}", at.timestamp()))
        ));
        xml.push_str(&format!(
            "    <title>{}{}: {}</title>\n",
            if renewed { "Renewed " } else { "" },
            xml_escape(s.kind.label()),
            xml_escape(&s.title)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            text::iso_moment(at)
        ));
        if let Some(published) = s.timestamps.published_at {
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                text::iso_moment(published)
            ));
        }
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            xml_escape(&s.submitter.organisation)
        ));
        xml.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            s.kind.slug(),
            xml_escape(s.kind.label())
        ));
        for area in &s.areas {
            xml.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                area.slug(),
                xml_escape(area.label())
            ));
        }
        let until = s
            .timestamps
            .expires_at
            .map(|t| format!(" Valid until {}.", text::day_in_words(t)))
            .unwrap_or_default();
        xml.push_str(&format!(
            "    <summary type=\"text\">{}{}</summary>\n",
            xml_escape(&s.summary),
            xml_escape(&until)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_cleaned() {
        assert_eq!(
            xml_escape("<a href=\"x\">Tom & 'Jerry'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
    }
}
