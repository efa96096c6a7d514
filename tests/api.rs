//! The JSON API, exports and feeds: who may use them, responses checked against the OpenAPI
//! document, exports that parse back to the same rows with formulas neutralised, Atom feeds
//! that validate, and expired submissions absent from all of them.

mod common;

use axum::http::{StatusCode, header};
use chrono::Duration;
use common::http::{ADMIN, Portal, Reply};
use common::{need, offer};
use portal::access::{self, Account};
use portal::exports::{CSV_COLUMNS, MemberRecord};
use portal::store::TokenPurpose;
use serde_json::Value;

/// A member's session cookie, as headers.
async fn member(portal: &Portal) -> Vec<(header::HeaderName, String)> {
    vec![(header::COOKIE, portal.login_member().await)]
}

fn bearer(token: &str) -> Vec<(header::HeaderName, String)> {
    vec![(header::AUTHORIZATION, format!("Bearer {token}"))]
}

/// Checks a reply against the document's response schema for `path` (as templated there),
/// with a JSON Schema validator (OpenAPI 3.1's schemas are JSON Schema 2020-12): the whole
/// document is the root, so its `#/components/schemas/…` references resolve, and the
/// response's schema is reached by a `$ref` into it. Formats (date, date-time) are checked.
fn conforms(document: &Value, path: &str, reply: &Reply) {
    let status = reply.status.as_u16().to_string();
    let response = &document["paths"][path]["get"]["responses"][&status];
    assert!(
        !response.is_null(),
        "{path} answered {status}, which the document does not list"
    );
    let content_type = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let errors = violations(document, path, &status, &reply.json());
    assert!(errors.is_empty(), "{path} {status}:\n{}", errors.join("\n"));
}

/// What a JSON Schema validator finds wrong with `body` as the `status` answer of `path`.
fn violations(document: &Value, path: &str, status: &str, body: &Value) -> Vec<String> {
    // A JSON pointer to the response's schema, written as a URI fragment.
    let escaped = path
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D");
    let mut root = document.clone();
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    root["$ref"] =
        format!("#/paths/{escaped}/get/responses/{status}/content/application~1json/schema").into();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the document is not a valid schema: {e}"));
    validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

async fn openapi(portal: &Portal) -> Value {
    let reply = portal.get_with("/api/openapi.json", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let document = reply.json();
    assert_eq!(document["openapi"], "3.1.0");
    document
}

fn catalogue_with_content(portal: &Portal) -> (String, String) {
    let mut lao = need("Clearance of submunitions in Xieng Khouang");
    lao.summary = "Battle area clearance near schools".into();
    let need_id = portal.fixture.add(lao);
    let offer_id = portal
        .fixture
        .add(offer("Funding for clearance of submunitions"));
    let mut other = need("Victim assistance in Battambang");
    other.beneficiaries.countries = vec!["KHM".into()];
    other.description = "Rehabilitation and psychosocial support for survivors.".into();
    other.areas = vec![portal::submission::Area::VictimAssistance];
    other.funding.as_mut().unwrap().currency = "EUR".into();
    portal.fixture.add(other);
    (need_id, offer_id)
}

#[tokio::test]
async fn the_api_answers_members_and_tokens_only() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let document = openapi(&portal).await;

    let anonymous = portal.get_with("/api/search", &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthorized");
    conforms(&document, "/api/search", &anonymous);

    let wrong = portal
        .get_with("/api/search", &bearer(&"0".repeat(64)))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"]["code"], "invalid_token");

    // An admin issues a token on the tokens page; a script uses it; the admin revokes it.
    let admin = portal.login_admin().await;
    let csrf = portal.csrf(&admin).await;
    let issued = portal
        .post(
            "/admin/tokens",
            Some(&admin),
            &[("csrf", &csrf), ("label", "dashboard")],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let start = issued.body.find("<code class=\"token\">").unwrap() + 20;
    let token = issued.body[start..start + 64].to_string();
    let with_token = portal
        .get_with("/api/search?q=clearance", &bearer(&token))
        .await;
    assert_eq!(with_token.status, StatusCode::OK, "{}", with_token.body);
    conforms(&document, "/api/search", &with_token);

    let tokens = access::tokens(&portal.fixture.catalogue).unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].1.purpose, TokenPurpose::Api);
    let revoked = portal
        .post(
            &format!("/admin/tokens/{}/revoke", tokens[0].0),
            Some(&admin),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let after = portal.get_with("/api/search", &bearer(&token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // A member cannot issue tokens.
    let member = member(&portal).await;
    let member_cookie = member[0].1.clone();
    let member_csrf = portal.csrf(&member_cookie).await;
    let refused = portal
        .post(
            "/admin/tokens",
            Some(&member_cookie),
            &[("csrf", &member_csrf), ("label", "mine")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_response_matches_the_openapi_document() {
    let portal = Portal::new();
    let (need_id, offer_id) = catalogue_with_content(&portal);
    let document = openapi(&portal).await;
    let member = member(&portal).await;

    for query in [
        "",
        "?q=clearance",
        "?q=clearance&country=LAO&area=clearance-and-risk-education&min_usd=1000",
        "?kind=need&sort=amount&per_page=1&page=2",
        "?q=%22no+such+words%22",
    ] {
        let reply = portal
            .get_with(&format!("/api/search{query}"), &member)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
        conforms(&document, "/api/search", &reply);
    }
    let filtered = portal
        .get_with("/api/search?q=clearance&country=LAO", &member)
        .await
        .json();
    assert_eq!(filtered["total"], 2, "{filtered}");
    let countries = &filtered["facets"]["country"];
    assert!(
        countries
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "LAO" && c["name"].as_str().unwrap().contains("Lao")),
        "names beside codes: {countries}"
    );

    for bad in ["?kind=nonsense", "?per_page=1000", "?min_usd=lots"] {
        let reply = portal.get_with(&format!("/api/search{bad}"), &member).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.json()["error"]["code"], "bad_request");
        conforms(&document, "/api/search", &reply);
    }

    let detail = portal
        .get_with(&format!("/api/submissions/{need_id}"), &member)
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    conforms(&document, "/api/submissions/{id}", &detail);
    // The validator is not a formality: a null where no null may be, a date that is none,
    // a property the document does not name and a missing one are each found; a null
    // funding, country or period is allowed.
    let mut nulls = detail.json();
    nulls["funding"] = Value::Null;
    nulls["submitter_country"] = Value::Null;
    nulls["period_start"] = Value::Null;
    assert_eq!(
        violations(&document, "/api/submissions/{id}", "200", &nulls),
        Vec::<String>::new()
    );
    for (name, wrong) in [
        ("title", Value::Null),
        ("valid_until", Value::from("next spring")),
        ("surprise", Value::from(1)),
    ] {
        let mut body = detail.json();
        body[name] = wrong;
        assert!(
            !violations(&document, "/api/submissions/{id}", "200", &body).is_empty(),
            "{name}"
        );
    }
    let mut missing = detail.json();
    missing.as_object_mut().unwrap().remove("id");
    assert!(!violations(&document, "/api/submissions/{id}", "200", &missing).is_empty());
    assert_eq!(detail.json()["id"], need_id.as_str());

    let missing = portal
        .get_with("/api/submissions/NEED-1999-0001", &member)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    conforms(&document, "/api/submissions/{id}", &missing);

    let matches = portal
        .get_with(
            &format!("/api/submissions/{need_id}/matches?limit=5"),
            &member,
        )
        .await;
    assert_eq!(matches.status, StatusCode::OK, "{}", matches.body);
    conforms(&document, "/api/submissions/{id}/matches", &matches);
    let found = matches.json();
    assert!(
        found["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["submission"]["id"] == offer_id.as_str()),
        "{found}"
    );

    let unknown = portal.get_with("/api/nothing-here", &member).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"]["code"], "not_found");
}

/// Parses RFC 4180 CSV: quoted cells with doubled quotes, CRLF line ends.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "lines end in CRLF");
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        cell.is_empty() && row.is_empty(),
        "the last line ends in CRLF"
    );
    rows
}

#[tokio::test]
async fn exports_parse_back_to_the_searched_rows_with_formulas_neutralised() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let mut hostile = need("=HYPERLINK(\"http://evil.example\",\"click\")");
    hostile.summary = "+1, \"quoted\"\nsecond line".into();
    hostile.contact.name = "@SUM(A1:A9)".into();
    let hostile_id = portal.fixture.add(hostile);
    let member = member(&portal).await;

    let query = "q=clearance+OR+HYPERLINK&kind=need&sort=newest";
    let api = portal
        .get_with(&format!("/api/search?{query}&per_page=100"), &member)
        .await
        .json();
    let expected_ids: Vec<&str> = api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["submission"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(expected_ids.len(), 2, "{api}");

    let csv = portal
        .get_with(&format!("/search/export.csv?{query}"), &member)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let rows = parse_csv(&csv.body);
    assert_eq!(rows[0], CSV_COLUMNS.map(String::from).to_vec());
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, expected_ids, "the same rows, in the same order");
    let column = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let row = rows[1..].iter().find(|r| r[0] == hostile_id).unwrap();
    assert_eq!(
        row[column("title")],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(row[column("summary")], "'+1, \"quoted\"\nsecond line");
    assert_eq!(row[column("contact_name")], "'@SUM(A1:A9)");
    assert_eq!(row[column("countries")], "LAO");
    assert_eq!(
        row[column("country_names")],
        "Lao People's Democratic Republic"
    );
    assert_eq!(row[column("area_names")], "Clearance and risk education");
    assert_eq!(row[column("usd")], "1000000");
    assert!(!row[column("valid_until")].is_empty());

    let jsonl = portal
        .get_with(&format!("/search/export.jsonl?{query}"), &member)
        .await;
    assert_eq!(jsonl.status, StatusCode::OK);
    let records: Vec<MemberRecord> = jsonl
        .body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let jsonl_ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(jsonl_ids, expected_ids);
    let api_first: MemberRecord =
        serde_json::from_value(api["hits"][0]["submission"].clone()).unwrap();
    assert_eq!(records[0], api_first, "the same record as the API");

    let anonymous = portal
        .get_with(&format!("/search/export.csv?{query}"), &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "members only");
}

#[tokio::test]
async fn a_large_export_has_every_row() {
    let portal = Portal::new();
    let submissions: Vec<_> = (0..1_200)
        .map(|i| need(&format!("Bulk need number {i}")))
        .collect();
    portal.fixture.import(submissions);
    let member = member(&portal).await;
    let csv = portal.get_with("/search/export.csv?q=bulk", &member).await;
    assert_eq!(parse_csv(&csv.body).len(), 1 + 1_200);
}

/// An API token issued by the admin, as a script holds it.
fn api_token(portal: &Portal) -> String {
    access::issue_token(
        &portal.fixture.catalogue,
        TokenPurpose::Api,
        "script",
        &Account::Admin(ADMIN.into()),
    )
    .unwrap()
}

#[tokio::test]
async fn exports_have_the_description_and_links_as_the_json_lines_do() {
    let portal = Portal::new();
    let mut linked = need("Clearance of the Plain of Jars");
    linked.description = "-5 villages, \"surveyed\"".into();
    linked.links = vec![
        "https://example.org/plan".into(),
        "https://example.org/map".into(),
    ];
    let id = portal.fixture.add(linked);
    let member = member(&portal).await;

    let csv = portal.get_with("/search/export.csv?q=jars", &member).await;
    let rows = parse_csv(&csv.body);
    let column = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    assert_eq!(rows[0], CSV_COLUMNS.map(String::from).to_vec());
    assert_eq!(rows[1][0], id);
    assert_eq!(rows[1][column("description")], "'-5 villages, \"surveyed\"");
    assert_eq!(
        rows[1][column("links")],
        "https://example.org/plan; https://example.org/map"
    );
    for cell in rows.iter().flatten() {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
    }

    let jsonl = portal
        .get_with("/search/export.jsonl?q=jars", &member)
        .await;
    let record: MemberRecord = serde_json::from_str(jsonl.body.trim()).unwrap();
    assert_eq!(record.description, "-5 villages, \"surveyed\"");
    assert_eq!(record.links.len(), 2);
}

#[tokio::test]
async fn a_script_downloads_exports_with_an_api_token() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let token = api_token(&portal);

    for path in [
        "/search/export.csv?q=clearance",
        "/search/export.jsonl?q=clearance",
    ] {
        let reply = portal.get_with(path, &bearer(&token)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert!(
            reply.body.contains("Xieng Khouang"),
            "{path}: {}",
            reply.body
        );

        let wrong = portal.get_with(path, &bearer(&"0".repeat(64))).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(wrong.json()["error"]["code"], "invalid_token");

        // A browser without a session is still sent to the login page.
        let anonymous = portal.get_with(path, &[]).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path}");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let token = api_token(&portal);
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let headers = vec![(header::AUTHORIZATION, format!("{scheme} {token}"))];
        let api = portal.get_with("/api/search", &headers).await;
        assert_eq!(api.status, StatusCode::OK, "{scheme}: {}", api.body);
        let export = portal.get_with("/search/export.csv", &headers).await;
        assert_eq!(export.status, StatusCode::OK, "{scheme}: {}", export.body);
    }
    let basic = vec![(header::AUTHORIZATION, format!("Basic {token}"))];
    assert_eq!(
        portal.get_with("/api/search", &basic).await.status,
        StatusCode::UNAUTHORIZED
    );
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Checks the parts of RFC 4287 a feed reader relies on; returns the entries' titles.
fn validate_atom(xml: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = document.root_element();
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    assert_eq!(feed.tag_name().name(), "feed");
    fn child<'a, 'input>(
        node: roxmltree::Node<'a, 'input>,
        name: &str,
    ) -> Vec<roxmltree::Node<'a, 'input>> {
        node.children()
            .filter(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
            .collect()
    }
    let is_time = |node: roxmltree::Node| {
        chrono::DateTime::parse_from_rfc3339(node.text().unwrap_or("")).is_ok()
    };
    assert_eq!(child(feed, "id").len(), 1);
    assert_eq!(child(feed, "title").len(), 1);
    assert_eq!(child(feed, "updated").len(), 1);
    assert!(is_time(child(feed, "updated")[0]));
    let feed_has_author = !child(feed, "author").is_empty();
    let mut titles = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for entry in child(feed, "entry") {
        assert_eq!(child(entry, "id").len(), 1);
        assert!(ids.insert(child(entry, "id")[0].text().unwrap().to_string()));
        assert_eq!(child(entry, "title").len(), 1);
        assert_eq!(child(entry, "updated").len(), 1);
        assert!(is_time(child(entry, "updated")[0]));
        assert!(feed_has_author || !child(entry, "author").is_empty());
        assert!(
            child(entry, "link")
                .iter()
                .any(|l| l.attribute("rel") == Some("alternate"))
        );
        titles.push(child(entry, "title")[0].text().unwrap().to_string());
    }
    titles
}

/// A member follows the search `query`; returns the feed's secret path shown to them.
async fn follow(portal: &Portal, query: &str) -> String {
    let cookie = portal.login_member().await;
    let csrf = portal.csrf(&cookie).await;
    let made = portal
        .post(
            "/feeds",
            Some(&cookie),
            &[("csrf", &csrf), ("query", query)],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let start = made.body.find("/feeds/").unwrap();
    made.body[start..start + 7 + 64].to_string()
}

#[tokio::test]
async fn a_followed_search_is_an_atom_feed_with_a_secret_revocable_address() {
    let portal = Portal::new();
    let (need_id, _) = catalogue_with_content(&portal);
    let path = follow(&portal, "q=clearance&kind=need").await;

    // No session needed: the address is the credential.
    let feed = portal.get_with(&path, &[]).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(
        feed.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let titles = validate_atom(&feed.body);
    assert_eq!(
        titles,
        vec!["Need: Clearance of submunitions in Xieng Khouang".to_string()]
    );

    // A renewal is news again.
    portal.fixture.clock.advance(Duration::days(10));
    portal.fixture.catalogue.renew(&need_id).unwrap();
    let titles = validate_atom(&portal.get_with(&path, &[]).await.body);
    assert_eq!(
        titles,
        vec!["Renewed Need: Clearance of submunitions in Xieng Khouang".to_string()]
    );

    // Revoked by the ISU: gone.
    let key = access::tokens(&portal.fixture.catalogue).unwrap()[0]
        .0
        .clone();
    access::revoke_token(
        &portal.fixture.catalogue,
        &key,
        &Account::Admin(ADMIN.into()),
    )
    .unwrap();
    assert_eq!(
        portal.get_with(&path, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        portal
            .get_with(&format!("/feeds/{}", "a".repeat(64)), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_feed_names_its_own_address_and_language_and_answers_304_while_unchanged() {
    let portal = Portal::new();
    let (need_id, _) = catalogue_with_content(&portal);
    let path = follow(&portal, "q=clearance&kind=need").await;

    let first = portal.get_with(&path, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    let document = roxmltree::Document::parse(&first.body).unwrap();
    let feed = document.root_element();
    assert_eq!(
        feed.attribute((roxmltree::NS_XML_URI, "lang")),
        Some("en"),
        "{}",
        first.body
    );
    let self_link = feed
        .children()
        .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
        .expect("a rel=\"self\" link");
    assert_eq!(
        self_link.attribute("href"),
        Some(format!("http://127.0.0.1:8080{path}").as_str())
    );

    let etag = first.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let again = portal
        .get_with(&path, &[(header::IF_NONE_MATCH, etag.clone())])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.headers[header::ETAG], etag.as_str());

    // A stale tag gets the whole feed.
    let stale = portal
        .get_with(&path, &[(header::IF_NONE_MATCH, "\"0\"".to_string())])
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(
        stale.body, first.body,
        "the same feed while nothing changed"
    );

    // A renewal changes the feed, and its tag.
    portal.fixture.clock.advance(Duration::days(10));
    portal.fixture.catalogue.renew(&need_id).unwrap();
    let renewed = portal
        .get_with(&path, &[(header::IF_NONE_MATCH, etag.clone())])
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    assert_ne!(renewed.headers[header::ETAG], etag.as_str());
}

#[tokio::test]
async fn an_expired_submission_is_absent_from_the_api_exports_and_feeds() {
    let portal = Portal::new();
    let (need_id, offer_id) = catalogue_with_content(&portal);
    let feed_path = follow(&portal, "q=clearance").await;

    let expiry = portal
        .fixture
        .catalogue
        .get(&need_id)
        .unwrap()
        .timestamps
        .expires_at
        .unwrap();
    // The offer is renewed, so it outlives the need.
    portal.fixture.clock.set(expiry - Duration::days(1));
    portal.fixture.catalogue.renew(&offer_id).unwrap();
    portal.fixture.clock.set(expiry);
    // No clean-up has run: the query-time check alone must hide it.
    let member = member(&portal).await;

    let search = portal
        .get_with("/api/search?q=clearance", &member)
        .await
        .json();
    let ids: Vec<&str> = search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["submission"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![offer_id.as_str()]);
    assert_eq!(
        portal
            .get_with(&format!("/api/submissions/{need_id}"), &member)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        portal
            .get_with(&format!("/api/submissions/{need_id}/matches"), &member)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let offer_matches = portal
        .get_with(&format!("/api/submissions/{offer_id}/matches"), &member)
        .await;
    assert!(
        !offer_matches.body.contains(&need_id),
        "{}",
        offer_matches.body
    );
    let csv = portal
        .get_with("/search/export.csv?q=clearance", &member)
        .await;
    assert!(!csv.body.contains(&need_id));
    let jsonl = portal.get_with("/search/export.jsonl", &member).await;
    assert!(!jsonl.body.contains(&need_id));
    let feed = portal.get_with(&feed_path, &[]).await;
    validate_atom(&feed.body);
    assert!(!feed.body.contains(&need_id), "{}", feed.body);
}

#[tokio::test]
async fn an_unknown_country_suggests_only_what_is_close() {
    let portal = Portal::new();
    let member = member(&portal).await;
    let message = |reply: &Reply| {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Nothing on the lists is like these: no "Did you mean" (once "Did you mean ?" with an
    // empty list, and "ARM (Armenia)" for Narnia).
    for (query, shown) in [
        ("%C2%AE", "®"),
        ("Narnia", "Narnia"),
        ("Atlantis", "Atlantis"),
    ] {
        let reply = portal
            .get_with(&format!("/api/search?country={query}"), &member)
            .await;
        let text = message(&reply);
        assert_eq!(text, format!("Unknown country or region \"{shown}\"."));
    }
    let reply = portal
        .get_with("/api/search?country=Cambodja", &member)
        .await;
    assert_eq!(
        message(&reply),
        "Unknown country or region \"Cambodja\". Did you mean KHM (Cambodia)?"
    );
}
