//! The web portal over HTTP (in process, no network): access boundaries, sessions, CSRF,
//! throttling, headers, pages and bad input.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use common::http::{ADMIN, ADMIN_PASSWORD, HOST, MEMBER_PASSWORD, Portal, Reply};
use common::{need, offer};

use portal::catalogue::ImportOptions;
use portal::submission::Status;
use portal::web::Config;

#[tokio::test]
async fn the_landing_page_and_template_are_public() {
    let portal = Portal::new();
    let landing = portal.get("/", None).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("isu@example.org"));
    assert!(landing.body.contains("href=\"/template.txt\""));
    let template = portal.get("/template.txt", None).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.body.contains("Countries concerned:"));
    assert!(
        portal
            .get("/static/style.css", None)
            .await
            .body
            .contains("body")
    );
}

#[tokio::test]
async fn member_pages_need_a_session_and_admin_pages_an_admin() {
    let portal = Portal::new();
    for path in [
        "/search",
        "/search?q=x",
        "/find-offers",
        "/submissions/NEED-2026-0001",
        "/admin",
    ] {
        let reply = portal.get(path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().starts_with("/login?next="), "{path}");
    }
    let member = portal.login_member().await;
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        portal.get("/admin", Some(&member)).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = portal.csrf(&member).await;
    let rotate = portal
        .post(
            "/admin/member-password",
            Some(&member),
            &[
                ("csrf", &csrf),
                ("password", "x".repeat(20).as_str()),
                ("confirm", "x".repeat(20).as_str()),
            ],
        )
        .await;
    assert_eq!(rotate.status, StatusCode::FORBIDDEN);
    let admin = portal.login_admin().await;
    assert_eq!(
        portal.get("/admin", Some(&admin)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_sets_a_fresh_http_only_cookie_and_fails_with_one_message() {
    let portal = Portal::new();
    let reply = portal
        .post(
            "/login",
            None,
            &[("password", MEMBER_PASSWORD), ("next", "/find-offers")],
        )
        .await;
    assert_eq!(reply.location(), "/find-offers");
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("portal_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let second = portal.login_member().await;
    assert_ne!(reply.session_cookie(), second, "every login gets a new id");

    let wrong_member = portal.post("/login", None, &[("password", "nope")]).await;
    let wrong_admin = portal
        .post("/login", None, &[("admin", "ada"), ("password", "nope")])
        .await;
    let unknown_admin = portal
        .post(
            "/login",
            None,
            &[("admin", "bob"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    for reply in [&wrong_member, &wrong_admin, &unknown_admin] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(reply.body.contains("Those details are not right"));
        assert!(reply.headers.get(header::SET_COOKIE).is_none());
    }
    // An open redirect is refused (after the wait that three failures cost).
    portal.fixture.clock.advance(Duration::seconds(2));
    let evil = portal
        .post(
            "/login",
            None,
            &[("password", MEMBER_PASSWORD), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(evil.location(), "/search");
}

#[tokio::test]
async fn secure_cookies_use_the_host_prefix() {
    let portal = Portal::with_config(Config {
        secure_cookies: true,
        ..Config::default()
    });
    let reply = portal
        .post("/login", None, &[("password", MEMBER_PASSWORD)])
        .await;
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn failed_logins_are_slowed_per_address_only() {
    let portal = Portal::new();
    let attempt = |address: &'static str, password: &'static str| {
        let body = serde_urlencoded::to_string([("password", password)]).unwrap();
        let request = Request::post("/login")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        portal.send_from(address, request)
    };
    for _ in 0..3 {
        assert_eq!(
            attempt("10.0.0.1:1", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let slowed = attempt("10.0.0.1:1", MEMBER_PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(slowed.headers.get(header::RETRY_AFTER).is_some());
    // Another address is not locked out.
    assert_eq!(
        attempt("10.0.0.2:1", MEMBER_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Once the wait is over, the right password works again.
    portal.fixture.clock.advance(Duration::seconds(2));
    assert_eq!(
        attempt("10.0.0.1:1", MEMBER_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // The admin sees the log.
    let admin = portal.login_admin().await;
    let page = portal.get("/admin", Some(&admin)).await.body;
    assert!(
        page.contains("10.0.0.1") && page.contains("failed"),
        "{page}"
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_elsewhere_are_refused() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let no_token = portal
        .post("/logout", Some(&member), &[("csrf", "forged")])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::OK,
        "still logged in"
    );

    let csrf = portal.csrf(&member).await;
    let request = Request::post("/logout")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://elsewhere.example")
        .header(header::COOKIE, &member)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    assert_eq!(portal.send(request).await.status, StatusCode::FORBIDDEN);

    let logout = portal
        .post("/logout", Some(&member), &[("csrf", &csrf)])
        .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::SEE_OTHER,
        "logged out"
    );
}

#[tokio::test]
async fn rotating_the_member_password_ends_every_member_session() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let admin = portal.login_admin().await;
    let csrf = portal.csrf(&admin).await;
    let mismatch = portal
        .post(
            "/admin/member-password",
            Some(&admin),
            &[
                ("csrf", &csrf),
                ("password", "a-new-long-password"),
                ("confirm", "another-one-entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = portal
        .post(
            "/admin/member-password",
            Some(&admin),
            &[
                ("csrf", &csrf),
                ("password", "a-new-long-password"),
                ("confirm", "a-new-long-password"),
            ],
        )
        .await;
    assert_eq!(changed.location(), "/admin?changed=1");
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        portal.get("/admin", Some(&admin)).await.status,
        StatusCode::OK,
        "admins stay"
    );
    let old = portal
        .post("/login", None, &[("password", MEMBER_PASSWORD)])
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = portal
        .post("/login", None, &[("password", "a-new-long-password")])
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_admin_page_warns_about_an_old_member_password() {
    let portal = Portal::new();
    portal.fixture.clock.advance(Duration::days(91));
    // Sessions also time out; log in after moving the clock.
    let admin = portal.login_admin().await;
    let page = portal.get("/admin", Some(&admin)).await.body;
    assert!(
        page.contains("older than the rotation period of 90 days"),
        "{page}"
    );
}

/// The login log names the account tried once, clearly: "ada (ISU staff)" or "member".
#[tokio::test]
async fn the_login_log_names_each_account_once() {
    let portal = Portal::new();
    portal.login_member().await;
    let admin = portal.login_admin().await;
    let page = portal.get("/admin", Some(&admin)).await.body;
    let log = &page[page.find("Recent logins").expect("the login log")..];
    assert!(log.contains(">ada (ISU staff)</td>"), "{log}");
    assert!(log.contains(">member</td>"), "{log}");
    assert!(
        !log.contains("admin ada") && !log.contains("member access"),
        "{log}"
    );
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_time_outs() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    portal.fixture.clock.advance(Duration::minutes(119));
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::OK
    );
    portal.fixture.clock.advance(Duration::minutes(119));
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    portal.fixture.clock.advance(Duration::minutes(121));
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::SEE_OTHER,
        "idle time-out"
    );

    let member = portal.login_member().await;
    for _ in 0..13 {
        portal.fixture.clock.advance(Duration::minutes(59));
        let _ = portal.get("/search", Some(&member)).await;
    }
    assert_eq!(
        portal.get("/search", Some(&member)).await.status,
        StatusCode::SEE_OTHER,
        "absolute time-out"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    for reply in [
        portal.get("/", None).await,
        portal.get("/search", Some(&member)).await,
        portal.get("/nowhere", None).await,
    ] {
        let h = &reply.headers;
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert!(h.get(header::REFERRER_POLICY).is_some());
        assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
        let permissions = h.get("permissions-policy").unwrap().to_str().unwrap();
        for feature in ["camera=()", "microphone=()", "geolocation=()"] {
            assert!(permissions.contains(feature), "{permissions}");
        }
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "not over plain HTTP"
        );
    }
}

#[tokio::test]
async fn over_https_browsers_are_told_to_keep_to_https() {
    let portal = Portal::with_config(Config {
        secure_cookies: true,
        ..Config::default()
    });
    for reply in [
        portal.get("/", None).await,
        portal.get("/login", None).await,
        portal.get("/nowhere", None).await,
        portal.get("/search", None).await,
    ] {
        let hsts = reply.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap();
        assert!(hsts.starts_with("max-age="), "{hsts}");
        assert!(reply.headers.contains_key("permissions-policy"));
    }
}

/// Field syntax in keywords is read as words, on the page and in the API: no query a member
/// types reaches the index's own fields (a 500 before the keyword parser was rewritten), and
/// none filters on a field members must not see.
#[tokio::test]
async fn field_syntax_is_read_as_words_and_reveals_nothing() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    portal.fixture.import_with(
        vec![need("Pending survey of Sekong")],
        ImportOptions { publish: false },
    );
    let member = portal.login_member().await;
    let headers = [(header::COOKIE, member.clone())];
    for q in [
        "title:*",
        "text:*",
        "id:*",
        "zzz:*",
        "status:published",
        "status:pending",
        "kind:need AND status:*",
        "title:",
        ":*",
    ] {
        let query = serde_urlencoded::to_string([("q", q)]).unwrap();
        let page = portal.get(&format!("/search?{query}"), Some(&member)).await;
        assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
        assert!(
            !page.body.contains("Sekong"),
            "{q} found a pending submission"
        );
        let api = portal
            .get_with(&format!("/api/search?{query}"), &headers)
            .await;
        assert_eq!(api.status, StatusCode::OK, "{q}: {}", api.body);
        assert!(
            !api.body.contains("Sekong"),
            "{q} found a pending submission"
        );
    }
}

fn catalogue_with_content(portal: &Portal) -> (String, String) {
    let mut lao = need("Clearance of submunitions in Xieng Khouang");
    lao.summary = "Battle area clearance around schools".into();
    let need_id = portal.fixture.add(lao);
    let mut training = offer("Training for EOD technicians");
    training.assistance = vec![portal::submission::Assistance::Training];
    let offer_id = portal.fixture.add(training);
    portal
        .fixture
        .add(offer("Funding for clearance of submunitions"));
    portal.fixture.import_with(
        vec![need("Pending <script>alert(1)</script> need")],
        ImportOptions { publish: false },
    );
    (need_id, offer_id)
}

#[tokio::test]
async fn search_with_two_filters_shows_hits_facets_and_keeps_the_query_in_the_url() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let member = portal.login_member().await;
    let page = portal
        .get(
            "/search?q=submunitions&kind=offer&country=LAO",
            Some(&member),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // How long the search and the rendering took, for those who measure what HTTP adds.
    let timing = |page: &Reply| {
        page.headers["server-timing"]
            .to_str()
            .unwrap()
            .split([',', ';', '='])
            .map(|part| part.trim().to_string())
            .collect::<Vec<_>>()
    };
    let parts = timing(&page);
    assert_eq!(
        [&parts[0], &parts[1], &parts[3], &parts[4]],
        ["search", "dur", "render", "dur"]
    );
    assert!(parts[2].parse::<f64>().unwrap() > 0.0, "{parts:?}");
    let again = portal
        .get(
            "/search?q=submunitions&kind=offer&country=LAO",
            Some(&member),
        )
        .await;
    assert_eq!(
        timing(&again)[0],
        "kept",
        "the same page again is the kept one"
    );
    let body = page.body;
    // The word itself first; the other offer speaks of "cluster munition remnants", the same
    // thing in the glossary's words, and comes after it.
    assert!(body.contains("2 results"), "{body}");
    let first = body.find("Funding for clearance of submunitions").unwrap();
    let second = body.find("Training for EOD").unwrap();
    assert!(first < second, "{body}");
    assert!(body.contains("Also searched"), "{body}");
    assert!(body.contains("cluster munition remnants"), "{body}");
    // A keyboard skips the filters: the link comes right after "Skip to content".
    assert!(body.contains(
        r##"<a class="skip" href="#main">Skip to content</a><a class="skip" href="#results">Skip to results</a>"##
    ));
    assert!(body.contains(r#"<ol class="hits" id="results" tabindex="-1""#));
    assert!(body.contains("<b>submunitions</b>"), "snippets highlight");
    assert!(!body.contains("<b>of</b>"), "no stop word is highlighted");
    // The kind facet counts the need too (its own filter is left out of its counts).
    assert!(body.contains("name=\"kind\" value=\"need\""));
    assert!(body.contains("checked"));
    // The pending need (with markup in its title) never shows to members.
    assert!(!body.contains("Pending"));
    // An empty result suggests which filter to drop.
    let empty = portal
        .get("/search?q=submunitions&kind=project", Some(&member))
        .await
        .body;
    assert!(
        empty.contains("Nothing matches") && empty.contains("without Project"),
        "{empty}"
    );
    assert!(empty.contains(r#"id="results" tabindex="-1""#), "{empty}");
}

/// The amount filter's chips write amounts as results do ("USD 201,750", "USD 2.0 million"):
/// with separators, in millions when that is exact, every digit when it is not.
#[tokio::test]
async fn filter_chips_write_amounts_as_the_results_do() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let member = portal.login_member().await;
    let page = portal
        .get("/search?min_usd=100000&max_usd=1250000", Some(&member))
        .await
        .body;
    assert!(
        page.contains("USD 1.0 million"),
        "a result's amount: {page}"
    );
    for chip in ["at least USD 100,000", "at most USD 1,250,000"] {
        assert!(
            page.contains(&format!("aria-label=\"Remove filter {chip}\"")),
            "{chip}: {page}"
        );
    }
    assert!(!page.contains("USD 100000") && !page.contains("USD 1250000"));
    let band = portal
        .get("/search?min_usd=1000000&max_usd=10000000", Some(&member))
        .await
        .body;
    for chip in ["at least USD 1.0 million", "at most USD 10.0 million"] {
        assert!(band.contains(chip), "{chip}: {band}");
    }
}

/// A filter group with nothing to choose is left out of the panel, but what the member chose
/// stays there to be unticked.
#[tokio::test]
async fn an_empty_filter_group_is_left_out_but_a_chosen_value_stays() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let member = portal.login_member().await;
    let nothing = portal.get("/search?q=zzzqqqxxx", Some(&member)).await.body;
    assert!(nothing.contains("Nothing matches"), "{nothing}");
    assert!(!nothing.contains("<legend>Country</legend>"), "{nothing}");
    // The groups of fixed values stay: they say how many each value would find.
    assert!(nothing.contains("<legend>Kind</legend>"));
    let chosen = portal
        .get("/search?q=zzzqqqxxx&country=LAO", Some(&member))
        .await
        .body;
    assert!(chosen.contains("<legend>Country</legend>"), "{chosen}");
    assert!(
        chosen.contains("name=\"country\" value=\"LAO\" checked"),
        "{chosen}"
    );
}

#[tokio::test]
async fn the_detail_page_shows_every_field_and_the_matches() {
    let portal = Portal::new();
    let (need_id, _) = catalogue_with_content(&portal);
    let member = portal.login_member().await;
    let page = portal
        .get(&format!("/submissions/{need_id}"), Some(&member))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    for expected in [
        "Clearance of submunitions in Xieng Khouang",
        "Lao People",
        "contact@example.org",
        "Valid until",
        "Offers and funding sources that fit this need",
        "Funding for clearance of submunitions",
        "Same area of work",
    ] {
        assert!(body.contains(expected), "missing {expected}");
    }
    let pending = portal
        .get("/submissions/NEED-2026-0002", Some(&member))
        .await;
    assert_eq!(pending.status, StatusCode::NOT_FOUND);
    let admin = portal.login_admin().await;
    let as_admin = portal
        .get("/submissions/NEED-2026-0002", Some(&admin))
        .await;
    assert_eq!(as_admin.status, StatusCode::OK);
    assert!(as_admin.body.contains("Pending &lt;script&gt;"), "escaped");
    assert!(!as_admin.body.contains("<script>"));
}

#[tokio::test]
async fn find_offers_for_my_country_groups_by_area_written_for_it_first() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let mut regional = offer("Survey teams for South-eastern Asia");
    regional.beneficiaries.global = false;
    regional.beneficiaries.regions = vec!["035".to_string()];
    portal.fixture.add(regional);
    let mut elsewhere = offer("Survey teams for Iraq");
    elsewhere.beneficiaries.global = false;
    elsewhere.beneficiaries.countries = vec!["IRQ".to_string()];
    portal.fixture.add(elsewhere);
    let member = portal.login_member().await;
    let page = portal.get("/find-offers?country=Laos", Some(&member)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("Offers and funding sources for Lao"),
        "{body}"
    );
    assert!(
        body.contains("<h3>Clearance and risk education</h3>"),
        "{body}"
    );
    assert!(body.contains("or its region (1)</h4>"), "{body}");
    assert!(body.contains("Open to every country (2)</h4>"), "{body}");
    let regional = body.find("Survey teams for South-eastern Asia").unwrap();
    assert!(regional < body.find("Training for EOD").unwrap(), "{body}");
    assert!(!body.contains("Survey teams for Iraq"), "{body}");

    // The same split in the search, named by a filter chip that removes it.
    let written = portal
        .get(
            "/search?kind=offer&country=LAO&coverage=written",
            Some(&member),
        )
        .await;
    assert!(written.body.contains("1 result"), "{}", written.body);
    assert!(written.body.contains("written for the place"));
    assert!(written.body.contains("Survey teams for South-eastern Asia"));
    let open = portal
        .get(
            "/search?kind=offer&country=LAO&coverage=open",
            Some(&member),
        )
        .await;
    assert!(open.body.contains("2 results"), "{}", open.body);
    assert!(!open.body.contains("Survey teams"));
    let bad = portal
        .get("/search?country=LAO&coverage=somewhere", Some(&member))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Unknown coverage"), "{}", bad.body);
    let form_only = portal.get("/find-offers", Some(&member)).await;
    assert!(form_only.body.contains("<select"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_page_and_never_a_500() {
    let portal = Portal::new();
    catalogue_with_content(&portal);
    let member = portal.login_member().await;
    let long = format!("/search?q={}", "a".repeat(600));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (long, StatusCode::BAD_REQUEST, "too long"),
        ("/search?kind=wish".into(), StatusCode::BAD_REQUEST, "wish"),
        (
            "/search?country=Narnia".into(),
            StatusCode::BAD_REQUEST,
            "Narnia",
        ),
        (
            "/search?min_usd=lots".into(),
            StatusCode::BAD_REQUEST,
            "lots",
        ),
        (
            "/search?page=0".into(),
            StatusCode::BAD_REQUEST,
            "pages start at 1",
        ),
        (
            "/search?page=99".into(),
            StatusCode::NOT_FOUND,
            "no page 99",
        ),
        (
            "/search?page=999999".into(),
            StatusCode::BAD_REQUEST,
            "narrow the search",
        ),
        ("/search?q=%FF%FE".into(), StatusCode::OK, "result"),
        ("/search?q=%22unclosed".into(), StatusCode::OK, "result"),
        (
            "/submissions/NEED-2099-0001".into(),
            StatusCode::NOT_FOUND,
            "Not found",
        ),
        (
            "/submissions/..%2F..%2Fetc%2Fpasswd".into(),
            StatusCode::NOT_FOUND,
            "Not found",
        ),
        (
            "/find-offers?country=Atlantis".into(),
            StatusCode::BAD_REQUEST,
            "Atlantis",
        ),
        (
            "/find-offers?country=LAO&area=demining".into(),
            StatusCode::BAD_REQUEST,
            "demining",
        ),
    ];
    for (path, status, says) in cases {
        let reply = portal.get(&path, Some(&member)).await;
        assert_eq!(reply.status, status, "{path}");
        assert!(reply.body.contains(says), "{path}: {}", reply.body);
        assert!(
            reply.body.contains("<!DOCTYPE html>"),
            "{path}: an HTML page"
        );
    }
    // Malformed and oversized form bodies.
    let malformed = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("nopassword=1"))
        .unwrap();
    assert_eq!(portal.send(malformed).await.status, StatusCode::BAD_REQUEST);
    let huge = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("password={}", "x".repeat(200_000))))
        .unwrap();
    assert_eq!(
        portal.send(huge).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Tampered cookies are simply not a session.
    for cookie in [
        "portal_session=tampered",
        "portal_session=",
        &format!("portal_session={}", "a".repeat(64)),
    ] {
        assert_eq!(
            portal.get("/search", Some(cookie)).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

const EXAMPLE: &str = include_str!("../data/templates/example-need.txt");

fn import_text(portal: &Portal, text: &str, origin: &str) {
    let mut report = portal::review::IntakeReport::default();
    portal::review::import_bytes(
        &portal.fixture.catalogue,
        text.as_bytes(),
        origin,
        ImportOptions::default(),
        &mut report,
    )
    .unwrap();
}

#[tokio::test]
async fn the_review_queue_lets_an_admin_preview_publish_and_reject() {
    let portal = Portal::new();
    import_text(&portal, EXAMPLE, "example.txt");
    import_text(
        &portal,
        &EXAMPLE.replace("[Example] Survey", "[Example] Other"),
        "other.txt",
    );
    let member = portal.login_member().await;
    assert_eq!(
        portal.get("/admin/queue", Some(&member)).await.status,
        StatusCode::FORBIDDEN
    );

    let admin = portal.login_admin().await;
    let queue = portal.get("/admin/queue", Some(&admin)).await.body;
    assert!(queue.contains("Waiting for publication (2)"), "{queue}");
    // The preview is the detail page as members will see it, with the review actions.
    let preview = portal
        .get("/submissions/NEED-2026-0001", Some(&admin))
        .await
        .body;
    assert!(preview.contains("Review (ISU)") && preview.contains("Survey and clearance"));
    assert_eq!(
        portal
            .get("/submissions/NEED-2026-0001", Some(&member))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let csrf = portal.csrf(&admin).await;
    let published = portal
        .post(
            "/admin/queue/publish",
            Some(&admin),
            &[("csrf", &csrf), ("id", "NEED-2026-0001")],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert_eq!(
        portal
            .get("/submissions/NEED-2026-0001", Some(&member))
            .await
            .status,
        StatusCode::OK
    );

    let no_reason = portal
        .post(
            "/admin/submissions/NEED-2026-0002/reject",
            Some(&admin),
            &[("csrf", &csrf), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = portal
        .post(
            "/admin/submissions/NEED-2026-0002/reject",
            Some(&admin),
            &[("csrf", &csrf), ("reason", "Duplicate of NEED-2026-0001")],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let s = portal.fixture.catalogue.get("NEED-2026-0002").unwrap();
    assert_eq!(s.status, portal::submission::Status::Rejected);
    assert_eq!(
        s.status_note.as_deref(),
        Some("Duplicate of NEED-2026-0001")
    );
    // Forged tokens change nothing.
    let forged = portal
        .post(
            "/admin/queue/publish",
            Some(&admin),
            &[("csrf", "forged"), ("id", "NEED-2026-0002")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

fn status(portal: &Portal, id: &str) -> Status {
    portal.fixture.catalogue.get(id).unwrap().status
}

fn expires(portal: &Portal, id: &str) -> chrono::DateTime<chrono::Utc> {
    portal
        .fixture
        .catalogue
        .get(id)
        .unwrap()
        .timestamps
        .expires_at
        .unwrap()
}

/// The review queue's bulk form publishes every submission the page shows with one button (no
/// ticking a hundred boxes, no script), and leaves alone one published meanwhile; the upload
/// form comes before the long list.
#[tokio::test]
async fn the_review_queue_publishes_all_on_the_page_and_has_the_upload_form_above_the_list() {
    let portal = Portal::new();
    let ids = portal
        .fixture
        .import_with(
            (1..=3)
                .map(|n| need(&format!("Pending need {n}")))
                .collect(),
            ImportOptions { publish: false },
        )
        .ids;
    let admin = portal.login_admin().await;
    let page = portal.get("/admin/queue", Some(&admin)).await.body;
    let upload = page
        .find("action=\"/admin/upload\"")
        .expect("the upload form");
    let list = page.find("name=\"id\"").expect("the list");
    assert!(
        upload < list,
        "the upload form comes after the list: {page}"
    );
    assert!(page.contains(">Publish all 3 on this page<"), "{page}");
    assert_eq!(page.matches("type=\"hidden\" name=\"shown\"").count(), 3);

    // Another admin publishes one after the page was shown.
    portal.fixture.catalogue.publish(&ids[0]).unwrap();
    let first_expiry = expires(&portal, &ids[0]);
    portal.fixture.clock.advance(Duration::minutes(1));
    let csrf = portal.csrf(&admin).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("all", "page")];
    form.extend(ids.iter().map(|id| ("shown", id.as_str())));
    let reply = portal
        .post("/admin/queue/publish", Some(&admin), &form)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    for id in &ids {
        assert_eq!(status(&portal, id), Status::Published, "{id}");
    }
    assert_eq!(expires(&portal, &ids[0]), first_expiry, "published again");
    let after = portal.get(reply.location(), Some(&admin)).await.body;
    assert!(
        after.contains("Published 2 submissions. 1 was no longer waiting."),
        "{after}"
    );
    assert!(after.contains("Nothing waits for publication."));
}

/// Regression (hardening): the queue's notice was whatever text `done=` carried; now it is a
/// code the page turns into a fixed sentence, and an unknown code shows nothing.
#[tokio::test]
async fn the_queue_notice_is_a_fixed_sentence_for_a_known_code_only() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let page = |path: &'static str| {
        let portal = &portal;
        let admin = admin.clone();
        async move { portal.get(path, Some(&admin)).await.body }
    };
    let forged = page("/admin/queue?done=Your+session+expired%2C+log+in+at+evil.example").await;
    assert!(!forged.contains("evil.example"), "{forged}");
    assert!(!forged.contains("session expired"));
    let published = page("/admin/queue?done=published&count=3&skipped=1").await;
    assert!(
        published.contains("Published 3 submissions. 1 was no longer waiting."),
        "{published}"
    );
    let bad_count = page("/admin/queue?done=published&count=lots").await;
    assert!(!bad_count.contains("Published"), "{bad_count}");
    let one = page("/admin/queue?done=published-one&id=NEED-2026-0001").await;
    assert!(one.contains("Published NEED-2026-0001."), "{one}");
    let not_an_id = page("/admin/queue?done=rejected&id=click+here").await;
    assert!(!not_an_id.contains("click here"), "{not_an_id}");
}

/// The archive restores and renews the ticked submissions, or every one the page shows, with
/// one form: no wall of a "Restore and renew" button on each row.
#[tokio::test]
async fn the_archive_restores_and_renews_the_ticked_ones_or_all_on_the_page() {
    let portal = Portal::new();
    let ids: Vec<String> = (1..=3)
        .map(|n| portal.fixture.add(need(&format!("Archived need {n}"))))
        .collect();
    let expired = expires(&portal, &ids[0]);
    portal.fixture.clock.advance(Duration::days(400));
    portal.fixture.catalogue.purge_expired("test").unwrap();
    let admin = portal.login_admin().await;
    let page = portal.get("/admin/archive", Some(&admin)).await.body;
    assert_eq!(page.matches("type=\"checkbox\" name=\"id\"").count(), 3);
    assert!(page.contains(">Restore and renew the selected<"), "{page}");
    assert!(page.contains(">Restore and renew all 3 on this page<"));
    // Two bars of two buttons (above and below the list), and "Log out".
    assert_eq!(page.matches("<button").count(), 5, "{page}");
    assert!(
        page.contains(&format!(">{}</time>", expired.format("%-d %B %Y"))),
        "the expiry in words: {page}"
    );

    let csrf = portal.csrf(&admin).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("id", &ids[1])];
    form.extend(ids.iter().map(|id| ("shown", id.as_str())));
    let ticked = portal
        .post("/admin/archive/renew", Some(&admin), &form)
        .await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.body);
    assert!(ticked.location().starts_with("/admin/archive?done="));
    assert_eq!(
        ids.iter().map(|id| status(&portal, id)).collect::<Vec<_>>(),
        [Status::Expired, Status::Published, Status::Expired]
    );
    let renewed = expires(&portal, &ids[1]);
    let after = portal.get(ticked.location(), Some(&admin)).await.body;
    assert!(
        after.contains("Restored and renewed 1 submission."),
        "{after}"
    );
    assert!(after.contains("Archive (2)"));

    portal.fixture.clock.advance(Duration::minutes(1));
    form[1] = ("all", "page");
    let all = portal
        .post("/admin/archive/renew", Some(&admin), &form)
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    for id in &ids {
        assert_eq!(status(&portal, id), Status::Published, "{id}");
    }
    assert_eq!(expires(&portal, &ids[1]), renewed, "renewed twice");
    let after = portal.get(all.location(), Some(&admin)).await.body;
    assert!(
        after.contains("Restored and renewed 2 submissions. 1 was no longer archived."),
        "{after}"
    );
    assert!(after.contains("The archive is empty."));
}

#[tokio::test]
async fn a_message_needing_attention_shows_its_raw_text_and_can_be_corrected_in_the_browser() {
    let portal = Portal::new();
    import_text(
        &portal,
        &EXAMPLE.replace("Amount: USD 1.2 million", "Amount: a lot"),
        "bad.txt",
    );
    let admin = portal.login_admin().await;
    let queue = portal.get("/admin/queue", Some(&admin)).await.body;
    assert!(
        queue.contains("Messages waiting (1)") && queue.contains("Needs attention"),
        "{queue}"
    );
    let page = portal.get("/admin/messages/1", Some(&admin)).await.body;
    assert!(
        page.contains("Amount") && page.contains("a lot"),
        "errors shown: {page}"
    );
    assert!(page.contains("The message as received"));
    let csrf = portal.csrf(&admin).await;
    let retried = portal
        .post(
            "/admin/messages/1/retry",
            Some(&admin),
            &[("csrf", &csrf), ("text", EXAMPLE)],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert!(
        retried.location().starts_with("/admin/queue"),
        "{}",
        retried.location()
    );
    assert_eq!(
        portal::review::queue(&portal.fixture.catalogue)
            .unwrap()
            .pending
            .len(),
        1
    );
}

#[tokio::test]
async fn an_admin_can_edit_a_submission_through_the_template_and_the_old_version_is_kept() {
    let portal = Portal::new();
    import_text(&portal, EXAMPLE, "example.txt");
    let admin = portal.login_admin().await;
    let form = portal
        .get("/admin/submissions/NEED-2026-0001/edit", Some(&admin))
        .await
        .body;
    assert!(form.contains("Countries concerned: LAO"), "{form}");
    let csrf = portal.csrf(&admin).await;
    let text =
        portal::review::to_template_text(&portal.fixture.catalogue.get("NEED-2026-0001").unwrap())
            .replace("Title: [Example] Survey", "Title: [Example] Edited survey");
    let bad = portal
        .post(
            "/admin/submissions/NEED-2026-0001/edit",
            Some(&admin),
            &[("csrf", &csrf), ("text", &text.replace("LAO", "Narnia"))],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Narnia"));
    let saved = portal
        .post(
            "/admin/submissions/NEED-2026-0001/edit",
            Some(&admin),
            &[("csrf", &csrf), ("text", &text)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let s = portal.fixture.catalogue.get("NEED-2026-0001").unwrap();
    assert!(s.title.contains("Edited survey"));
    assert_eq!(s.version, 2);
    assert_eq!(s.status, portal::submission::Status::Pending);
}

/// Regression (hardening): every change an admin makes from the review pages names that
/// admin in the audit trail, not "portal".
#[tokio::test]
async fn publishing_in_bulk_and_editing_name_the_admin_in_the_audit_trail() {
    let portal = Portal::new();
    import_text(&portal, EXAMPLE, "example.txt");
    let admin = portal.login_admin().await;
    let csrf = portal.csrf(&admin).await;
    let id = "NEED-2026-0001";
    let text = portal::review::to_template_text(&portal.fixture.catalogue.get(id).unwrap())
        .replace("Title: [Example] Survey", "Title: [Example] Edited survey");
    let saved = portal
        .post(
            &format!("/admin/submissions/{id}/edit"),
            Some(&admin),
            &[("csrf", &csrf), ("text", &text)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let published = portal
        .post(
            "/admin/queue/publish",
            Some(&admin),
            &[("csrf", &csrf), ("id", id)],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let trail = portal.fixture.catalogue.audit(id).unwrap();
    let by_portal: Vec<_> = trail
        .iter()
        .filter(|e| e.actor == "portal")
        .map(|e| format!("{:?}", e.event))
        .collect();
    assert!(by_portal.is_empty(), "{trail:#?}");
    let by_admin = trail.iter().filter(|e| e.actor.contains(ADMIN)).count();
    assert!(by_admin >= 2, "{trail:#?}");
}

#[tokio::test]
async fn an_admin_can_upload_an_email_and_the_size_is_limited() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let csrf = portal.csrf(&admin).await;
    let upload = |file: Vec<u8>| {
        let boundary = "XyZ";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"need.eml\"\r\nContent-Type: message/rfc822\r\n\r\n"
        )
        .into_bytes();
        body.extend(file);
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        Request::post("/admin/upload")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &admin)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap()
    };
    let eml = format!(
        "From: delegation@example.org\r\nSubject: Our need\r\nMessage-ID: <up-1@example.org>\r\n\r\n{}",
        EXAMPLE.replace('\n', "\r\n")
    );
    let reply = portal.send(upload(eml.into_bytes())).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let after = portal.get(reply.location(), Some(&admin)).await.body;
    assert!(after.contains("1 stored, 0 updated"), "{after}");
    let too_big = portal.send(upload(vec![b'x'; 11 * 1024 * 1024])).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_upload_whose_request_timed_out_stops_importing() {
    let portal = Portal::with_config(Config {
        request_timeout: std::time::Duration::from_millis(500),
        ..Config::default()
    });
    let admin = portal.login_admin().await;
    let csrf = portal.csrf(&admin).await;
    // 20,000 short e-mails without a template: each is kept, waiting for an admin.
    const MESSAGES: usize = 20_000;
    let mbox: String = (1..=MESSAGES)
        .map(|n| {
            format!(
                "From s{n}@example.org Mon Dec  7 10:00:00 2026\nFrom: s{n}@example.org\n\
                 Subject: Question {n}\nMessage-ID: <t{n}@example.org>\n\nHow do we apply?\n\n"
            )
        })
        .collect();
    let boundary = "XyZ";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"questions.mbox\"\r\nContent-Type: application/mbox\r\n\r\n"
    )
    .into_bytes();
    body.extend(mbox.into_bytes());
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let request = Request::post("/admin/upload")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &admin)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let reply = portal.send(request).await;
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT, "{}", reply.body);
    // The import stops soon after: the count of messages kept stops growing, short of all.
    let kept = || {
        portal::review::queue(&portal.fixture.catalogue)
            .unwrap()
            .messages_total
    };
    let mut before = kept();
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let now = kept();
        if now == before {
            break;
        }
        before = now;
    }
    assert!(
        before < MESSAGES,
        "all {before} messages were imported for nobody"
    );
}
