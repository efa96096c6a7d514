//! The members' submission form (issue 28, part 3), in process: a form submission is stored
//! like an e-mail and enters review only after its contact confirms by the mailed link; errors
//! stand beside their fields in the template's words; updates and renewals are confirmed by
//! the contact on file; every new route keeps the role, CSRF and origin boundary; limits.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use common::http::{HOST, Portal, Reply};
use common::need;

use portal::clock::Clock;
use portal::intake::email;
use portal::store::{LetterRecord, MessageOutcome, MessageRecord};
use portal::submission::{Source, Status};

/// A valid form of `kind` (a slug) with `changes` applied (input name, value).
fn form<'a>(
    csrf: &'a str,
    kind: &'a str,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", csrf),
        ("kind", kind),
        ("title", "Clearance in two northern districts"),
        ("submitted-by", "Example Authority"),
        ("submitter-type", "NGO"),
        ("countries-concerned", "Laos"),
        ("areas-of-work", "Clearance and risk education"),
        ("areas-of-work", "Victim assistance"),
        ("contact-name", "Jane Example"),
        ("contact-e-mail", "jane@example.org"),
        (
            "description",
            "First paragraph.\n\nTitle: a line that stays text.",
        ),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

fn letters(portal: &Portal) -> Vec<LetterRecord> {
    let reader = portal.fixture.catalogue.store().read().unwrap();
    reader.letters_page(0, 1000).unwrap().0
}

fn messages(portal: &Portal) -> Vec<MessageRecord> {
    let reader = portal.fixture.catalogue.store().read().unwrap();
    reader.messages().unwrap()
}

/// The `/confirm/…` path in a letter, read from its decoded text.
fn confirm_path(letter: &LetterRecord) -> String {
    let message = email::parse_message(letter.message.as_bytes()).unwrap();
    let text = message.texts.join("\n");
    let start = text.find("/confirm/").expect("a confirmation link");
    text[start..].split_whitespace().next().unwrap().to_string()
}

async fn post_as_browser(portal: &Portal, path: &str, origin: Option<&str>) -> Reply {
    let mut request = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    portal.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn a_need_sent_by_form_enters_review_only_after_its_contact_confirms() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;

    let page = portal.get("/submit/need", Some(&member)).await;
    assert_eq!(page.status, StatusCode::OK);
    for label in ["Countries concerned", "Areas of work", "Contact e-mail"] {
        assert!(page.body.contains(label), "{label}");
    }
    assert!(
        page.body.contains("value=\"Need\" checked"),
        "the kind is chosen"
    );
    assert!(!page.body.contains("<script"), "no scripts");

    let sent = portal
        .post("/submit/need", Some(&member), &form(&csrf, "Need", &[]))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("jane@example.org"), "{}", sent.body);
    assert!(
        sent.body.contains("Nothing is filed until"),
        "{}",
        sent.body
    );

    // Stored as a message, not filed: nothing in the catalogue, nothing in the queue.
    let stored = messages(&portal);
    assert_eq!(stored.len(), 1);
    assert!(
        matches!(&stored[0].outcome, MessageOutcome::AwaitingConfirmation { contact, .. } if contact == "jane@example.org"),
        "{:?}",
        stored[0].outcome
    );
    assert!(
        stored[0].origin.starts_with("web form; session "),
        "{}",
        stored[0].origin
    );
    assert!(
        stored[0].origin.ends_with("client 127.0.0.1"),
        "{}",
        stored[0].origin
    );
    let raw = portal::review::raw_message(&portal.fixture.catalogue, stored[0].number).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.contains("Title: Clearance in two northern districts"),
        "{raw}"
    );
    assert!(portal.fixture.stored().is_empty(), "nothing filed yet");
    // Not in the ISU's queue, and an admin's retry does not file it either.
    let admin = portal.login_admin().await;
    let admin_csrf = portal.csrf(&admin).await;
    let queue = portal.get("/admin/queue", Some(&admin)).await;
    assert!(
        !queue.body.contains("Submission by web form"),
        "{}",
        queue.body
    );
    let number = stored[0].number.to_string();
    portal
        .post(
            &format!("/admin/messages/{number}/retry"),
            Some(&admin),
            &[("csrf", &admin_csrf), ("text", &raw)],
        )
        .await;
    assert!(
        portal.fixture.stored().is_empty(),
        "a retry files nothing unconfirmed"
    );

    let letters = letters(&portal);
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].purpose, "confirm-contact");
    assert_eq!(letters[0].to, "jane@example.org");
    let path = confirm_path(&letters[0]);

    // GET shows what will be confirmed and changes nothing (mail scanners open links).
    for _ in 0..2 {
        let shown = portal.get(&path, None).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        assert!(shown.body.contains("Clearance in two northern districts"));
        assert!(shown.body.contains("A new need"), "{}", shown.body);
        assert!(
            !shown.body.contains("jane@example.org"),
            "reveals no address"
        );
        assert!(
            !shown.body.contains("Example Authority"),
            "reveals only kind and title"
        );
    }
    assert!(portal.fixture.stored().is_empty());

    let confirmed = portal.post(&path, None, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("waiting for review"),
        "{}",
        confirmed.body
    );
    let filed = portal.fixture.stored();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].status, Status::Pending);
    assert_eq!(filed[0].provenance.source, Source::Form);
    assert!(
        filed[0]
            .description
            .contains("Title∶ a line that stays text")
    );
    assert!(matches!(
        messages(&portal)[0].outcome,
        MessageOutcome::Imported { .. }
    ));

    // The ISU publishes it from the queue like any other.
    let queue = portal.get("/admin/queue", Some(&admin)).await;
    assert!(queue.body.contains(&filed[0].id), "{}", queue.body);
    let published = portal
        .post(
            &format!("/admin/submissions/{}/publish", filed[0].id),
            Some(&admin),
            &[("csrf", &admin_csrf)],
        )
        .await;
    assert!(published.status.is_redirection(), "{}", published.body);
    assert_eq!(
        portal.fixture.catalogue.get(&filed[0].id).unwrap().status,
        Status::Published
    );

    // A second use is refused and files nothing more.
    let again = portal.post(&path, None, &[]).await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.body);
    assert!(again.body.contains("already used"), "{}", again.body);
    assert_eq!(portal.get(&path, None).await.status, StatusCode::GONE);
    assert_eq!(portal.fixture.stored().len(), 1);
}

#[tokio::test]
async fn every_kind_can_be_sent() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    for (slug, label) in [
        ("offer", "Offer"),
        ("project", "Project"),
        ("funding-source", "Funding source"),
    ] {
        let page = portal.get(&format!("/submit/{slug}"), Some(&member)).await;
        assert_eq!(page.status, StatusCode::OK, "{slug}");
        let sent = portal
            .post(
                &format!("/submit/{slug}"),
                Some(&member),
                &form(&csrf, label, &[]),
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{slug}: {}", sent.body);
    }
    assert_eq!(letters(&portal).len(), 3);
    let plain = portal
        .post("/submit", Some(&member), &form(&csrf, "need", &[]))
        .await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
    assert_eq!(
        portal.get("/submit/wish", Some(&member)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn errors_stand_beside_their_fields_in_the_templates_words_and_values_are_kept() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    let reply = portal
        .post(
            "/submit",
            Some(&member),
            &form(
                &csrf,
                "Need",
                &[("countries-concerned", "Cambodja"), ("title", "")],
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &reply.body;
    // The same words as the template's line error, without the line.
    let expected = portal::intake::template::parse_template(
        "Kind: need\nTitle: x\nSubmitted by: A\nSubmitter type: NGO\nCountries concerned: Cambodja\nAreas of work: clearance",
    )
    .unwrap_err();
    let country_error = expected[0].to_string();
    assert!(country_error.starts_with("line 5: "), "{country_error}");
    let words = country_error.trim_start_matches("line 5: ");
    let escaped = words.replace('"', "&quot;");
    assert!(body.contains(&escaped), "{escaped}\n{body}");
    assert!(body.contains("KHM (Cambodia)"), "a suggestion");
    // Beside the field, tied to it for screen readers, and in the summary with a link.
    let at_error = body
        .find("id=\"countries-concerned-error\"")
        .expect("error beside");
    let at_input = body.find("id=\"countries-concerned\"").expect("input");
    assert!(at_error < at_input, "the error comes before its input");
    assert!(
        body.contains("aria-describedby=\"countries-concerned-hint countries-concerned-error\"")
    );
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(body.contains("There is a problem"));
    assert!(body.contains("href=\"#countries-concerned\""));
    assert!(body.contains("href=\"#title\""));
    assert!(
        body.contains("&quot;Title&quot; is empty; it is required"),
        "{body}"
    );
    assert!(body.contains("<title>Error: "));
    // The values are kept.
    assert!(body.contains("value=\"Cambodja\""));
    assert!(body.contains("value=\"Example Authority\""));
    assert!(body.contains("value=\"Victim assistance\" checked"));
    assert!(body.contains("First paragraph."));
    assert!(messages(&portal).is_empty(), "nothing stored");
    assert!(letters(&portal).is_empty(), "nothing mailed");
}

#[tokio::test]
async fn forged_and_expired_links_are_refused() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    portal
        .post("/submit", Some(&member), &form(&csrf, "Need", &[]))
        .await;
    let path = confirm_path(&letters(&portal)[0]);
    let mut forged = path.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    for bad in [forged.as_str(), "/confirm/1.2.3.4", "/confirm/nonsense"] {
        assert_eq!(
            portal.get(bad, None).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
        let posted = portal.post(bad, None, &[]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(posted.body.contains("not valid"), "{}", posted.body);
    }
    // A renewal link's token is not a confirmation link (another purpose under the signature).
    let key = portal.fixture.catalogue.link_key().unwrap();
    let renewal = key
        .issue("1", portal.fixture.clock.now() + Duration::days(1))
        .unwrap();
    assert_eq!(
        portal
            .post(&format!("/confirm/{renewal}"), None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    portal.fixture.clock.advance(Duration::days(8));
    let late = portal.post(&path, None, &[]).await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.body);
    assert!(late.body.contains("stopped working"), "{}", late.body);
    assert!(portal.fixture.stored().is_empty(), "never filed");
    assert!(matches!(
        messages(&portal)[0].outcome,
        MessageOutcome::AwaitingConfirmation { .. }
    ));
}

#[tokio::test]
async fn updates_and_renewals_are_confirmed_by_the_contact_on_file() {
    let portal = Portal::new();
    let mut original = need("Clearance in Xieng Khouang");
    original.contact.email = "focal.point@example.org".into();
    let id = portal.fixture.add(original);
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;

    let detail = portal
        .get(&format!("/submissions/{id}"), Some(&member))
        .await;
    assert!(
        detail
            .body
            .contains(&format!("href=\"/submissions/{id}/update\""))
    );
    assert!(
        detail
            .body
            .contains(&format!("action=\"/submissions/{id}/renew\""))
    );

    let prefilled = portal
        .get(&format!("/submissions/{id}/update"), Some(&member))
        .await;
    assert_eq!(prefilled.status, StatusCode::OK);
    assert!(
        prefilled
            .body
            .contains("value=\"Clearance in Xieng Khouang\"")
    );
    assert!(prefilled.body.contains("value=\"Need\" checked"));

    // The form's contact is changed: the link still goes to the address on file.
    let sent = portal
        .post(
            &format!("/submissions/{id}/update"),
            Some(&member),
            &form(
                &csrf,
                "Need",
                &[
                    ("title", "Clearance in Xieng Khouang, phase 2"),
                    ("contact-e-mail", "someone.else@example.net"),
                ],
            ),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("focal.point@example.org"));
    let renew = portal
        .post(
            &format!("/submissions/{id}/renew"),
            Some(&member),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(renew.status, StatusCode::OK, "{}", renew.body);
    let all = letters(&portal);
    assert_eq!(all.len(), 2);
    assert!(
        all.iter().all(|l| l.to == "focal.point@example.org"),
        "{all:?}"
    );
    assert_eq!(
        portal.fixture.catalogue.get(&id).unwrap().title,
        "Clearance in Xieng Khouang",
        "nothing changed before confirmation"
    );

    for letter in &all {
        let path = confirm_path(letter);
        let shown = portal.get(&path, None).await;
        assert!(shown.body.contains(&id), "{}", shown.body);
        assert_eq!(portal.post(&path, None, &[]).await.status, StatusCode::OK);
    }
    let outcomes: Vec<MessageOutcome> = messages(&portal).into_iter().map(|m| m.outcome).collect();
    assert!(outcomes.iter().any(|o| matches!(o, MessageOutcome::UpdateProposed { id: i, proposed } if *i == id && proposed.title.ends_with("phase 2"))), "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, MessageOutcome::RenewalRequested { id: i } if *i == id)),
        "{outcomes:?}"
    );
    assert_eq!(
        portal.fixture.catalogue.get(&id).unwrap().title,
        "Clearance in Xieng Khouang",
        "an update waits for the ISU"
    );
}

#[tokio::test]
async fn every_new_route_keeps_the_role_csrf_and_origin_boundary() {
    let portal = Portal::new();
    let id = portal.fixture.add(need("Boundary"));
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    let update = format!("/submissions/{id}/update");
    let renew = format!("/submissions/{id}/renew");
    for path in ["/submit", "/submit/need", update.as_str()] {
        let reply = portal.get(path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().starts_with("/login?next="), "{path}");
    }
    for path in ["/submit", "/submit/need", update.as_str(), renew.as_str()] {
        let body = form(&csrf, "Need", &[]);
        let anonymous = portal.post(path, None, &body).await;
        assert_eq!(anonymous.status, StatusCode::FORBIDDEN, "{path}");
        let wrong = form("not-the-token", "Need", &[]);
        let forged = portal.post(path, Some(&member), &wrong).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{path}");
        let mut missing = form(&csrf, "Need", &[]);
        missing.retain(|(n, _)| *n != "csrf");
        let without = portal.post(path, Some(&member), &missing).await;
        assert_eq!(without.status, StatusCode::FORBIDDEN, "{path}");
        let foreign = post_as_browser(&portal, path, Some("https://evil.example")).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{path}");
    }
    // The confirmation link needs no session but refuses another site's post too.
    portal
        .post("/submit", Some(&member), &form(&csrf, "Need", &[]))
        .await;
    let path = confirm_path(&letters(&portal)[0]);
    let foreign = post_as_browser(&portal, &path, Some("https://evil.example")).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert!(
        portal
            .fixture
            .stored()
            .iter()
            .all(|s| s.title == "Boundary")
    );
    assert_eq!(
        messages(&portal).len(),
        1,
        "only the one good post was stored"
    );
    // A hidden submission is no more reachable by its update form than by its page.
    let mut pending = need("Not published");
    pending.status = Status::Pending;
    let hidden = portal
        .fixture
        .import_with(
            vec![pending],
            portal::catalogue::ImportOptions { publish: false },
        )
        .ids[0]
        .clone();
    assert_eq!(
        portal
            .get(&format!("/submissions/{hidden}/update"), Some(&member))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn sizes_and_counts_are_limited() {
    let portal = Portal::new();
    let member = portal.login_member().await;
    let csrf = portal.csrf(&member).await;
    let long_title = "x".repeat(1_001);
    let too_long = portal
        .post(
            "/submit",
            Some(&member),
            &form(&csrf, "Need", &[("title", &long_title)]),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_long.body.contains("may be at most 1000"),
        "{}",
        too_long.body
    );

    let huge = "y".repeat(70 * 1024);
    let too_large = portal
        .post(
            "/submit",
            Some(&member),
            &form(&csrf, "Need", &[("description", &huge)]),
        )
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);

    for _ in 0..5 {
        let sent = portal
            .post("/submit", Some(&member), &form(&csrf, "Need", &[]))
            .await;
        assert_eq!(sent.status, StatusCode::OK);
    }
    let sixth = portal
        .post("/submit", Some(&member), &form(&csrf, "Need", &[]))
        .await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        sixth.body
    );
    assert!(sixth.body.contains("not yet confirmed"), "{}", sixth.body);
    // Another session from the same address may send until the address's limit.
    let other = portal.login_member().await;
    let other_csrf = portal.csrf(&other).await;
    for _ in 0..5 {
        let sent = portal
            .post("/submit", Some(&other), &form(&other_csrf, "Need", &[]))
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }
    let eleventh = portal
        .post("/submit", Some(&other), &form(&other_csrf, "Need", &[]))
        .await;
    assert_eq!(eleventh.status, StatusCode::TOO_MANY_REQUESTS);
    // An hour later the count starts again.
    portal.fixture.clock.advance(Duration::minutes(61));
    let later = portal
        .post("/submit", Some(&member), &form(&csrf, "Need", &[]))
        .await;
    assert_eq!(later.status, StatusCode::OK);
    assert_eq!(letters(&portal).len(), 11);
}
