//! Logins under attack: a burst of wrong passwords from one address is throttled before the
//! passwords are checked; behind a trusted reverse proxy each client is counted by the address
//! the proxy names, so one attacker does not lock out everyone behind it, and a client that is
//! not the proxy cannot choose its address; the shared member password takes a ceiling of
//! failures a minute from every address together, while the admins' logins go on.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use common::http::{ADMIN_PASSWORD, HOST, MEMBER_PASSWORD, Portal, Reply};
use portal::access::MEMBER_FAILURES_PER_MINUTE;
use portal::web::Config;

/// A login POST from `peer`, with an `X-Forwarded-For` header when given.
async fn log_in(
    portal: &Portal,
    peer: &str,
    forwarded_for: Option<&str>,
    form: &[(&str, &str)],
) -> Reply {
    let body = serde_urlencoded::to_string(form).unwrap();
    let mut request = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    portal
        .send_from(peer, request.body(Body::from(body)).unwrap())
        .await
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_is_throttled_before_the_passwords_are_checked() {
    let portal = Portal::new();
    let tries = (0..20).map(|_| log_in(&portal, "10.1.0.1:1", None, &[("password", "guess")]));
    let replies = futures_util::future::join_all(tries).await;
    let checked = replies
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Only the free attempts were checked; the rest waited, whatever order they came in.
    assert_eq!((checked, throttled), (3, 17));
    // Another address logs in at once; this one after a moment, not a quarter of an hour.
    let other = log_in(
        &portal,
        "10.1.0.2:1",
        None,
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    portal.fixture.clock.advance(Duration::seconds(2));
    let again = log_in(
        &portal,
        "10.1.0.1:1",
        None,
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_by_the_address_it_names() {
    let proxy = "10.9.9.9";
    let portal = Portal::with_config(Config {
        trusted_proxies: vec![proxy.parse().unwrap()],
        ..Config::default()
    });
    let through_proxy = format!("{proxy}:443");
    for _ in 0..6 {
        log_in(
            &portal,
            &through_proxy,
            Some("203.0.113.66"),
            &[("password", "guess")],
        )
        .await;
    }
    let attacker = log_in(
        &portal,
        &through_proxy,
        Some("203.0.113.66"),
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(attacker.status, StatusCode::TOO_MANY_REQUESTS);
    // A member behind the same proxy is not locked out by the attacker's failures, even when
    // their own client prepends an address of its choosing.
    for forwarded in ["198.51.100.7", "203.0.113.66, 198.51.100.7"] {
        let member = log_in(
            &portal,
            &through_proxy,
            Some(forwarded),
            &[("password", MEMBER_PASSWORD)],
        )
        .await;
        assert_eq!(member.status, StatusCode::SEE_OTHER, "{forwarded}");
    }
    // A peer that is not the proxy cannot choose its address: its own failures count.
    for _ in 0..3 {
        log_in(
            &portal,
            "10.2.0.1:1",
            Some("198.51.100.99"),
            &[("password", "guess")],
        )
        .await;
    }
    let spoofing = log_in(
        &portal,
        "10.2.0.1:1",
        Some("198.51.100.100"),
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(spoofing.status, StatusCode::TOO_MANY_REQUESTS);
    // The login log names the client, not the proxy.
    let admin = portal.login_admin().await;
    let log = portal.get("/admin", Some(&admin)).await.body;
    assert!(
        log.contains("203.0.113.66") && log.contains("198.51.100.7"),
        "{log}"
    );
}

#[tokio::test]
async fn the_member_password_takes_a_ceiling_of_failures_from_every_address_together() {
    let portal = Portal::new();
    for i in 0..MEMBER_FAILURES_PER_MINUTE {
        let reply = log_in(
            &portal,
            &format!("10.3.{}.{}:1", i / 200, i % 200 + 1),
            None,
            &[("password", "guess")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    let member = log_in(
        &portal,
        "10.4.0.1:1",
        None,
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(member.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(member.body.contains("member password"), "{}", member.body);
    let wait: i64 = member.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // The admins still log in; and members after the minute.
    let admin = log_in(
        &portal,
        "10.4.0.2:1",
        None,
        &[("admin", "ada"), ("password", ADMIN_PASSWORD)],
    )
    .await;
    assert_eq!(admin.status, StatusCode::SEE_OTHER, "{}", admin.body);
    portal.fixture.clock.advance(Duration::seconds(61));
    let member = log_in(
        &portal,
        "10.4.0.1:1",
        None,
        &[("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(member.status, StatusCode::SEE_OTHER);
}
