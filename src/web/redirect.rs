//! Plain HTTP beside HTTPS (`serve --http-addr`): every request is sent, with 308, to the same
//! path on the portal's public https:// address. The address is the configured one, never the
//! request's `Host`, so nobody can make the portal redirect elsewhere.

use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};

/// The router of the plain-HTTP listener: redirects only, whatever the method or path.
pub fn redirect_to_https(public_url: &str) -> Router {
    let base = public_url.trim_end_matches('/').to_string();
    Router::new().fallback(move |uri: Uri| {
        let target = format!("{base}{}", uri.path_and_query().map_or("/", |p| p.as_str()));
        async move { Redirect::permanent(&target).into_response() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use tower::ServiceExt;

    #[tokio::test]
    async fn every_request_goes_to_the_same_path_on_the_public_address() {
        let app = redirect_to_https("https://portal.example.org/");
        let request = Request::post("/search?q=demining")
            .header(header::HOST, "elsewhere.example")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(
            response.headers()[header::LOCATION],
            "https://portal.example.org/search?q=demining"
        );
    }
}
