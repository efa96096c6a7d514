//! Access on request (issue 28, part 4): the public form, the confirmation link, the ISU's
//! review, the focal-point list, and the member password sent on approval and on every
//! rotation. The portal runs in process; letters are delivered into an outbox folder and read
//! back from there as a person would. Time moves through the fixture's clock.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use common::http::{ADMIN, ADMIN_PASSWORD, HOST, MEMBER_PASSWORD, Portal, Reply};
use portal::access_requests::{self, RequestLimits};
use portal::mail::{self, Mailer};
use portal::store::{AuditEvent, RequestState, Store};
use portal::web::{AppState, Config, app};

/// One e-mail read from the outbox.
#[derive(Debug, Clone)]
struct Mail {
    to: String,
    subject: String,
    body: String,
}

/// The letters delivered since the last call (the outbox is emptied as it is read).
fn new_mail(portal: &Portal) -> Vec<Mail> {
    let dir = portal.fixture.dir.path().join("outbox");
    mail::deliver_letters(&portal.fixture.catalogue, &Mailer::Outbox(dir.clone())).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
            Mail {
                to: message
                    .to()
                    .unwrap()
                    .first()
                    .unwrap()
                    .address()
                    .unwrap()
                    .to_string(),
                subject: message.subject().unwrap_or_default().to_string(),
                body: message.body_text(0).unwrap().into_owned(),
            }
        })
        .collect()
}

/// The value of the hidden input `name` on `page`.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_string()
}

async fn form_token(portal: &Portal) -> String {
    let page = portal.get("/request-access", None).await;
    assert_eq!(page.status, StatusCode::OK);
    hidden(&page.body, "form")
}

fn fields(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Ana Silva".to_string()),
        ("organisation", "Ministry of Foreign Affairs".to_string()),
        ("submitter_type", "state-party".to_string()),
        ("country", "LAO".to_string()),
        ("email", email.to_string()),
        ("role", "Desk officer".to_string()),
        ("website", String::new()),
    ]
}

/// Posts the request form (fetched first, for its token) from `client`, with `changes`
/// to the fields of a good request for `email`.
async fn request_from(
    portal: &Portal,
    client: &str,
    email: &str,
    changes: &[(&'static str, &str)],
) -> Reply {
    let token = form_token(portal).await;
    let mut form = fields(email);
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        form.push((name, value.to_string()));
    }
    form.push(("form", token));
    post_from(
        portal,
        client,
        "/request-access",
        None,
        &form,
        &format!("http://{HOST}"),
    )
    .await
}

async fn post_from(
    portal: &Portal,
    client: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, String)],
    origin: &str,
) -> Reply {
    let body = serde_urlencoded::to_string(form).unwrap();
    let mut request = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    portal
        .send_from(client, request.body(Body::from(body)).unwrap())
        .await
}

const CLIENT: &str = "192.0.2.10:5000";

/// The path of the confirmation link in a letter.
fn link_in(letter: &Mail) -> String {
    let start = letter
        .body
        .find("/request-access/confirm/")
        .expect("a link");
    letter.body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Requests access for `email`, confirms it by its link, and returns the request's number.
async fn confirmed_request(portal: &Portal, client: &str, email: &str) -> u64 {
    let reply = request_from(portal, client, email, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let letters = new_mail(portal);
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].to, email);
    let link = link_in(&letters[0]);
    let confirmed = portal.post(&link, None, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let requests = portal
        .fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .access_requests()
        .unwrap();
    requests
        .iter()
        .find(|r| r.requester.email == email)
        .unwrap()
        .number
}

async fn approve(portal: &Portal, admin: &str, number: u64) -> Reply {
    let csrf = portal.csrf(admin).await;
    portal
        .post(
            &format!("/admin/access/{number}/approve"),
            Some(admin),
            &[("csrf", &csrf), ("note", "known to the ISU")],
        )
        .await
}

/// The member password in a letter.
fn password_in(letter: &Mail) -> String {
    let after = letter
        .body
        .split("The member password:")
        .nth(1)
        .expect("a password");
    after.split_whitespace().next().unwrap().to_string()
}

async fn logs_in(portal: &Portal, password: &str) -> bool {
    portal
        .post("/login", None, &[("password", password)])
        .await
        .status
        == StatusCode::SEE_OTHER
}

#[tokio::test]
async fn request_confirm_approve_and_every_rotation_reaches_the_focal_points() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;

    // The landing page says how to ask.
    let landing = portal.get("/", None).await.body;
    assert!(landing.contains(r#"<a href="/request-access">Request access</a>"#));

    let reply = request_from(&portal, CLIENT, "ana@mofa.gov.la", &[]).await;
    assert!(reply.body.contains("a message with a link is on its way"));
    let letters = new_mail(&portal);
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].to, "ana@mofa.gov.la");
    assert!(letters[0].subject.contains("Confirm your request"));
    let link = link_in(&letters[0]);

    // Unconfirmed, it is nowhere on the ISU's pages.
    let list = portal.get("/admin/access", Some(&admin)).await.body;
    assert!(!list.contains("ana@mofa.gov.la"), "{list}");
    assert_eq!(
        portal.get("/admin/access/1", Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );

    // Opening the link shows a button and changes nothing (mail scanners open links).
    for _ in 0..2 {
        let page = portal.get(&link, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Confirm the request"));
    }
    let list = portal.get("/admin/access", Some(&admin)).await.body;
    assert!(!list.contains("ana@mofa.gov.la"));

    let confirmed = portal.post(&link, None, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains("Request confirmed"));
    let list = portal.get("/admin/access", Some(&admin)).await.body;
    assert!(list.contains("ana@mofa.gov.la"), "{list}");
    assert!(list.contains("ACCESS-0001"));

    let approved = approve(&portal, &admin, 1).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let letters = new_mail(&portal);
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].to, "ana@mofa.gov.la");
    let first_password = password_in(&letters[0]);
    assert_eq!(first_password, MEMBER_PASSWORD);
    assert!(letters[0].body.contains("isu@example.org"));
    assert!(logs_in(&portal, &first_password).await);

    // The trail shows every step with its actor.
    let page = portal.get("/admin/access/1", Some(&admin)).await.body;
    for step in [
        "requested by requester",
        "confirmed by requester",
        "approved by admin ada",
        "password sent by admin ada",
    ] {
        assert!(page.contains(step), "{step}: {page}");
    }

    // A second focal point, and a third that is removed.
    let second = confirmed_request(&portal, "192.0.2.11:5000", "bo@ngo.example").await;
    assert_eq!(
        approve(&portal, &admin, second).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(new_mail(&portal).len(), 1);
    let third = confirmed_request(&portal, "192.0.2.12:5000", "cy@gone.example").await;
    assert_eq!(
        approve(&portal, &admin, third).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(new_mail(&portal).len(), 1);
    let csrf = portal.csrf(&admin).await;
    let removed = portal
        .post(
            &format!("/admin/focal-points/{third}/remove"),
            Some(&admin),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);

    // Rotation on the admin page: the two current focal points get the new password.
    let rotated = portal
        .post(
            "/admin/member-password",
            Some(&admin),
            &[
                ("csrf", &csrf),
                ("password", "a-new-member-password"),
                ("confirm", "a-new-member-password"),
            ],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::SEE_OTHER, "{}", rotated.body);
    let letters = new_mail(&portal);
    let mut to: Vec<&str> = letters.iter().map(|l| l.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["ana@mofa.gov.la", "bo@ngo.example"]);
    for letter in &letters {
        assert_eq!(password_in(letter), "a-new-member-password");
        assert!(
            letter.body.contains("takes effect at once"),
            "{}",
            letter.body
        );
        assert!(letter.body.contains("isu@example.org"));
    }
    assert!(!logs_in(&portal, MEMBER_PASSWORD).await);
    assert!(logs_in(&portal, "a-new-member-password").await);

    // Automatic rotation, when the password is older than the rotation period.
    let catalogue = &portal.fixture.catalogue;
    assert_eq!(
        access_requests::rotate_if_due(catalogue, 90, "isu@example.org").unwrap(),
        None
    );
    portal.fixture.clock.advance(Duration::days(90));
    assert_eq!(
        access_requests::rotate_if_due(catalogue, 90, "isu@example.org").unwrap(),
        Some(2)
    );
    let letters = new_mail(&portal);
    assert_eq!(letters.len(), 2);
    assert!(letters.iter().all(|l| l.to != "cy@gone.example"));
    let automatic = password_in(&letters[0]);
    assert_eq!(automatic, password_in(&letters[1]));
    assert!(logs_in(&portal, &automatic).await);
    assert!(!logs_in(&portal, "a-new-member-password").await);

    // The removed one's trail says so; the CSV lists all three.
    let trail = catalogue
        .store()
        .read()
        .unwrap()
        .audit(&access_requests::request_id(third))
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.event == AuditEvent::Removed && e.actor == "admin ada")
    );
    // (The admin's session ended in those 90 days.)
    let admin = portal.login_admin().await;
    let csv = portal.get("/admin/focal-points.csv", Some(&admin)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);
    assert!(csv.body.contains("cy@gone.example"));
}

#[tokio::test]
async fn declining_tells_the_requester_with_the_note() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let number = confirmed_request(&portal, CLIENT, "who@unknown.example").await;
    let csrf = portal.csrf(&admin).await;
    let declined = portal
        .post(
            &format!("/admin/access/{number}/decline"),
            Some(&admin),
            &[
                ("csrf", &csrf),
                ("reason", "Not a delegation to the Convention."),
            ],
        )
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let letters = new_mail(&portal);
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0]
            .body
            .contains("Not a delegation to the Convention.")
    );
    assert!(!letters[0].body.contains(MEMBER_PASSWORD));
    // Decided once: approving it now is refused.
    assert_eq!(
        approve(&portal, &admin, number).await.status,
        StatusCode::CONFLICT
    );
    let record = portal
        .fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .access_request(number)
        .unwrap()
        .unwrap();
    assert!(matches!(record.state, RequestState::Declined { .. }));
}

/// Every new admin route: anonymous, member, admin; and every POST without, with a wrong,
/// and with the right CSRF token, and from a foreign origin.
#[tokio::test]
async fn every_new_route_keeps_its_role_and_csrf_boundary() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let member = portal.login_member().await;
    let number = confirmed_request(&portal, CLIENT, "ana@mofa.gov.la").await;
    let other = confirmed_request(&portal, "192.0.2.20:1", "bo@ngo.example").await;
    assert_eq!(
        approve(&portal, &admin, other).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(new_mail(&portal).len(), 1);

    let pages = [
        "/admin/access".to_string(),
        format!("/admin/access/{number}"),
        "/admin/focal-points".to_string(),
        "/admin/focal-points.csv".to_string(),
        format!("/admin/focal-points/{other}"),
    ];
    for page in &pages {
        let anonymous = portal.get(page, None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{page}");
        assert!(anonymous.location().starts_with("/login?next="), "{page}");
        assert_eq!(
            portal.get(page, Some(&member)).await.status,
            StatusCode::FORBIDDEN,
            "{page}"
        );
        let seen = portal.get(page, Some(&admin)).await;
        assert_eq!(seen.status, StatusCode::OK, "{page}");
        assert!(
            seen.headers.contains_key("content-security-policy"),
            "{page}"
        );
    }

    let csrf = portal.csrf(&admin).await;
    let member_csrf = portal.csrf(&member).await;
    let edit = [
        ("name", "Bo Renamed"),
        ("organisation", "An NGO"),
        ("submitter_type", "ngo"),
        ("country", ""),
        ("email", "bo@ngo.example"),
        ("role", "Director"),
    ];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/admin/access/{number}/decline"),
            vec![("reason", "no")],
        ),
        (format!("/admin/access/{number}/approve"), vec![]),
        (format!("/admin/focal-points/{other}"), edit.to_vec()),
        (format!("/admin/focal-points/{other}/remove"), vec![]),
    ];
    let own_origin = format!("http://{HOST}");
    for (path, fields) in &posts {
        let with = |token: &str| {
            let mut form: Vec<(&str, String)> =
                fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
            form.push(("csrf", token.to_string()));
            form
        };
        let refused = [
            (None, with(""), own_origin.as_str(), "anonymous"),
            (
                Some(member.as_str()),
                with(&member_csrf),
                own_origin.as_str(),
                "member",
            ),
            (
                Some(admin.as_str()),
                with(""),
                own_origin.as_str(),
                "admin, no token",
            ),
            (
                Some(admin.as_str()),
                with(&member_csrf),
                own_origin.as_str(),
                "admin, wrong token",
            ),
            (
                Some(admin.as_str()),
                with(&csrf),
                "https://evil.example",
                "foreign origin",
            ),
        ];
        for (cookie, form, origin, who) in refused {
            let reply = post_from(&portal, CLIENT, path, cookie, &form, origin).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{path}, {who}: {}",
                reply.body
            );
        }
    }
    // Nothing of that changed anything.
    let read = portal.fixture.catalogue.store().read().unwrap();
    assert!(matches!(
        read.access_request(number).unwrap().unwrap().state,
        RequestState::Waiting { .. }
    ));
    assert!(read.focal_point(other).unwrap().unwrap().is_current());
    drop(read);
    // With the right token, each works.
    for (path, fields) in &posts[1..] {
        let mut form: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        form.push(("csrf", csrf.clone()));
        let reply = post_from(&portal, CLIENT, path, Some(&admin), &form, &own_origin).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{path}: {}",
            reply.body
        );
    }
    let edited = portal
        .fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .focal_point(other)
        .unwrap()
        .unwrap();
    assert_eq!(edited.person.name, "Bo Renamed");
    assert!(!edited.is_current());
    assert_eq!(new_mail(&portal).len(), 1, "the approval's password");

    // The public form: no token, a wrong one, a foreign origin.
    let mut form = fields("x@y.example");
    let no_token = post_from(&portal, CLIENT, "/request-access", None, &form, &own_origin).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    form.push(("form", "1.2.3.4".to_string()));
    let wrong = post_from(&portal, CLIENT, "/request-access", None, &form, &own_origin).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    form.pop();
    form.push(("form", form_token(&portal).await));
    let foreign = post_from(
        &portal,
        CLIENT,
        "/request-access",
        None,
        &form,
        "https://evil.example",
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    // An expired form token.
    portal
        .fixture
        .clock
        .advance(Duration::hours(access_requests::FORM_HOURS));
    let expired = post_from(&portal, CLIENT, "/request-access", None, &form, &own_origin).await;
    assert_eq!(expired.status, StatusCode::FORBIDDEN);
    assert!(new_mail(&portal).is_empty());
    // The confirmation's POST from a foreign origin.
    let reply = request_from(&portal, CLIENT, "late@x.example", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let link = link_in(&new_mail(&portal)[0]);
    let foreign = post_from(&portal, CLIENT, &link, None, &[], "https://evil.example").await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_filled_honeypot_looks_accepted_and_is_dropped() {
    let portal = Portal::new();
    let human = request_from(&portal, CLIENT, "human@x.example", &[]).await;
    assert_eq!(new_mail(&portal).len(), 1);
    let robot = request_from(
        &portal,
        "192.0.2.99:1",
        "robot@x.example",
        &[("website", "http://spam.example")],
    )
    .await;
    assert_eq!(robot.status, human.status);
    assert_eq!(robot.body, human.body);
    assert!(new_mail(&portal).is_empty());
    let stored = portal
        .fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .access_requests()
        .unwrap();
    assert_eq!(stored.len(), 1);
}

#[tokio::test]
async fn the_answer_is_the_same_for_a_known_and_an_unknown_address() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let number = confirmed_request(&portal, CLIENT, "ana@mofa.gov.la").await;
    assert_eq!(
        approve(&portal, &admin, number).await.status,
        StatusCode::SEE_OTHER
    );
    new_mail(&portal);
    let known = request_from(&portal, "192.0.2.30:1", "ana@mofa.gov.la", &[]).await;
    let unknown = request_from(&portal, "192.0.2.31:1", "nobody@new.example", &[]).await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    // Each address gets the same kind of letter: a link to confirm, no password.
    let letters = new_mail(&portal);
    assert_eq!(letters.len(), 2);
    assert!(
        letters
            .iter()
            .all(|l| l.subject.contains("Confirm") && !l.body.contains(MEMBER_PASSWORD))
    );
}

#[tokio::test]
async fn requests_are_limited_per_address_overall_and_per_email() {
    let mut portal = Portal::new();
    let state = AppState {
        request_limits: Arc::new(RequestLimits::new(2, 5, 1)),
        ..AppState::new(portal.fixture.catalogue.clone(), Config::default())
    };
    portal.router = app(state);
    for i in 0..2 {
        let reply = request_from(&portal, CLIENT, &format!("a{i}@x.example"), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let third = request_from(&portal, CLIENT, "a2@x.example", &[]).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.body.contains("from your address"));
    // The same e-mail address again, from elsewhere: the same answer, but nothing sent.
    let again = request_from(&portal, "192.0.2.40:1", "a0@x.example", &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(new_mail(&portal).len(), 2);
    // Overall: 5 an hour from everyone together.
    let fourth = request_from(&portal, "192.0.2.41:1", "b@x.example", &[]).await;
    assert_eq!(fourth.status, StatusCode::OK);
    let fifth = request_from(&portal, "192.0.2.42:1", "c@x.example", &[]).await;
    assert_eq!(fifth.status, StatusCode::OK);
    let sixth = request_from(&portal, "192.0.2.43:1", "d@x.example", &[]).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.body.contains("many requests for access"));
    // An hour later, the form takes requests again.
    portal.fixture.clock.advance(Duration::minutes(61));
    let later = request_from(&portal, "192.0.2.43:1", "d@x.example", &[]).await;
    assert_eq!(later.status, StatusCode::OK);
}

#[tokio::test]
async fn forged_expired_and_reused_links_do_not_confirm() {
    let portal = Portal::new();
    request_from(&portal, CLIENT, "ana@mofa.gov.la", &[]).await;
    let link = link_in(&new_mail(&portal)[0]);
    // Forged: another request's number under the same signature, or a changed signature.
    let other_number = link.replacen("/confirm/1.", "/confirm/2.", 1);
    let mut tampered = link.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    for forged in [
        other_number,
        tampered,
        "/request-access/confirm/garbage".to_string(),
    ] {
        assert_eq!(
            portal.get(&forged, None).await.status,
            StatusCode::NOT_FOUND,
            "{forged}"
        );
        assert_eq!(
            portal.post(&forged, None, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{forged}"
        );
    }
    // A renewal link's signature is no confirmation.
    let key = portal.fixture.catalogue.link_key().unwrap();
    let renewal = key
        .issue("1", portal.fixture.catalogue.now() + Duration::days(1))
        .unwrap();
    let path = format!("/request-access/confirm/{renewal}");
    assert_eq!(
        portal.post(&path, None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // Used once, then no more.
    assert_eq!(portal.post(&link, None, &[]).await.status, StatusCode::OK);
    let reused = portal.post(&link, None, &[]).await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.body.contains("already used"));
    assert_eq!(portal.get(&link, None).await.status, StatusCode::GONE);
    // Expired.
    request_from(&portal, CLIENT, "bo@ngo.example", &[]).await;
    let late = link_in(&new_mail(&portal)[0]);
    portal
        .fixture
        .clock
        .advance(Duration::hours(access_requests::CONFIRMATION_HOURS));
    let expired = portal.post(&late, None, &[]).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("stopped working"));
    let stored = portal
        .fixture
        .catalogue
        .store()
        .read()
        .unwrap()
        .access_request(2)
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, RequestState::Unconfirmed);
}

#[tokio::test]
async fn sizes_are_limited_and_each_problem_names_its_field() {
    let portal = Portal::new();
    let long = "x".repeat(access_requests::MAX_FIELD_CHARS + 1);
    let reply = request_from(&portal, CLIENT, "not-an-address", &[("name", &long)]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Name: at most 200 characters"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("Official e-mail: &quot;not-an-address&quot; is not an e-mail address"),
        "{}",
        reply.body
    );
    // The form comes back filled in, with a fresh token.
    assert!(reply.body.contains(r#"value="not-an-address""#));
    assert!(!hidden(&reply.body, "form").is_empty());
    let huge = "y".repeat(70 * 1024);
    let too_large = request_from(&portal, "192.0.2.50:1", "a@x.example", &[("role", &huge)]).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        portal
            .fixture
            .catalogue
            .store()
            .read()
            .unwrap()
            .access_requests()
            .unwrap()
            .is_empty()
    );
    assert!(new_mail(&portal).is_empty());
}

#[tokio::test]
async fn approving_needs_a_member_password_the_portal_kept() {
    let portal = Portal::new();
    let admin = portal.login_admin().await;
    let number = confirmed_request(&portal, CLIENT, "ana@mofa.gov.la").await;
    // As in a store from before the plain password was kept: none to send.
    portal
        .fixture
        .catalogue
        .store()
        .write(|w| w.put_secret(portal::access::MEMBER_PASSWORD_SECRET, b""))
        .unwrap();
    let refused = approve(&portal, &admin, number).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("set a new one"));
}

#[test]
fn a_backup_keeps_requests_and_focal_points() {
    let portal = Portal::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let admin = portal.login_admin().await;
        let number = confirmed_request(&portal, CLIENT, "ana@mofa.gov.la").await;
        assert_eq!(
            approve(&portal, &admin, number).await.status,
            StatusCode::SEE_OTHER
        );
    });
    let copy = portal.fixture.dir.path().join("copy.redb");
    portal.fixture.catalogue.store().backup_to(&copy).unwrap();
    let restored = Store::open(&copy).unwrap();
    let read = restored.read().unwrap();
    assert_eq!(read.access_requests().unwrap().len(), 1);
    assert_eq!(
        read.focal_points().unwrap()[0].person.email,
        "ana@mofa.gov.la"
    );
    assert!(!read.audit("ACCESS-0001").unwrap().is_empty());
    let _ = (ADMIN, ADMIN_PASSWORD);
}
