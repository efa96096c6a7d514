//! The web portal answered in process (its router, no network), for the tests of pages, the
//! API and reports: a fixture with a member password and an admin account, requests as a
//! browser or a script sends them, and the answers read whole.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName, Request, StatusCode, header};
use http_body_util::BodyExt;
use portal::access::{self, Account};
use portal::web::{AppState, Config, app};
use serde_json::Value;
use tower::ServiceExt;

use super::Fixture;

pub const HOST: &str = "portal.test";
pub const MEMBER_PASSWORD: &str = "shared-access-password";
pub const ADMIN: &str = "ada";
pub const ADMIN_PASSWORD: &str = "isu-admin-password";

/// The address requests come from unless a test says otherwise.
const CLIENT: &str = "127.0.0.1:40000";

pub struct Portal {
    pub fixture: Fixture,
    pub router: Router,
}

/// An answer, its body read whole (as text, invalid UTF-8 replaced).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    /// The `name=value` of the cookie the answer sets.
    pub fn session_cookie(&self) -> String {
        let set = self
            .headers
            .get(header::SET_COOKIE)
            .expect("a cookie is set");
        set.to_str().unwrap().split(';').next().unwrap().to_string()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl Portal {
    pub fn new() -> Portal {
        Portal::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Portal {
        let fixture = Fixture::new();
        access::set_password(&fixture.catalogue, &Account::Member, MEMBER_PASSWORD).unwrap();
        access::set_password(
            &fixture.catalogue,
            &Account::Admin(ADMIN.into()),
            ADMIN_PASSWORD,
        )
        .unwrap();
        let router = app(AppState::new(fixture.catalogue.clone(), config));
        Portal { fixture, router }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        self.send_from(CLIENT, request).await
    }

    pub async fn send_from(&self, address: &str, mut request: Request<Body>) -> Reply {
        let address: SocketAddr = address.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GET as a browser, with a session cookie or none.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let cookie: Vec<_> = cookie
            .map(|c| (header::COOKIE, c.to_string()))
            .into_iter()
            .collect();
        self.get_with(path, &cookie).await
    }

    /// GET with the headers given (a cookie, a bearer token, an `Accept`).
    pub async fn get_with(&self, path: &str, headers: &[(HeaderName, String)]) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// POST of a form from the portal's own pages, with a session cookie or none.
    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut request = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Logs in with `form`, which must succeed; the session cookie.
    pub async fn login(&self, form: &[(&str, &str)]) -> String {
        let reply = self.post("/login", None, form).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply.session_cookie()
    }

    pub async fn login_member(&self) -> String {
        self.login(&[("password", MEMBER_PASSWORD)]).await
    }

    pub async fn login_admin(&self) -> String {
        self.login(&[("admin", ADMIN), ("password", ADMIN_PASSWORD)])
            .await
    }

    /// The session's CSRF token, read from the log-out form on the landing page.
    pub async fn csrf(&self, cookie: &str) -> String {
        let page = self.get("/", Some(cookie)).await.body;
        let marker = "name=\"csrf\" value=\"";
        let start = page.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = start + page[start..].find('"').unwrap();
        page[start..end].to_string()
    }

    /// A page a logged-in member sees, which must be there.
    pub async fn member_page(&self, path: &str) -> String {
        let cookie = self.login_member().await;
        let reply = self.get(path, Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        reply.body
    }
}
