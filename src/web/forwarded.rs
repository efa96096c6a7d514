//! Who sent a request, and over what: the client's address (throttling, the login log) and
//! whether the client's own connection was HTTPS (Secure cookies, HSTS), as [`Requester`].
//!
//! Only a peer named by `--trusted-proxy` is believed about either, through `Forwarded`
//! (RFC 7239) or `X-Forwarded-For` with `X-Forwarded-Proto`; from any other peer these
//! headers are ignored entirely. Both lists are read right to left, the way they were
//! written: each element was added by the proxy to its right, so an element is believed
//! only while every proxy after it is trusted. The first address that is not a trusted proxy
//! is the client; an element that names no address (`unknown`, an obfuscated `_name`, or
//! something unreadable) ends the trust, and the last trusted proxy reached stands for the
//! client. When a trusted peer sends both kinds of header and they name different clients
//! (a proxy that writes one and passes the client's own copy of the other through), neither is
//! believed: the peer stands for the client. This module decides nothing else.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use super::{AppState, Config};

/// The client of one request, as far as the portal believes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    /// The client's address: the peer's, or the one a trusted proxy names.
    pub address: IpAddr,
    /// The client reached the portal over HTTPS: it was started with `--secure-cookies`, or a
    /// trusted proxy says its client came over HTTPS. (A TLS listener of the portal's own sets
    /// `secure_cookies` too.) Cookies are then Secure and `__Host-` prefixed, and HSTS is sent.
    pub https: bool,
}

impl Requester {
    /// The one decision, made from the connection and the headers. The `identify` layer makes
    /// it once per request; everything else reads what it stored.
    pub fn of(extensions: &Extensions, headers: &HeaderMap, config: &Config) -> Requester {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let told = forwarded(peer, headers, &config.trusted_proxies);
        Requester {
            address: told.client,
            https: config.secure_cookies || told.https,
        }
    }

    /// The requester the `identify` layer stored, or (for a router without it) decided now.
    pub fn of_parts(parts: &Parts, config: &Config) -> Requester {
        parts
            .extensions
            .get::<Requester>()
            .copied()
            .unwrap_or_else(|| Requester::of(&parts.extensions, &parts.headers, config))
    }
}

impl FromRequestParts<AppState> for Requester {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Requester::of_parts(parts, &state.config))
    }
}

/// Decides the [`Requester`] of each request once, before anything else reads it.
pub(super) async fn identify(
    State(config): State<std::sync::Arc<Config>>,
    mut request: Request,
    next: Next,
) -> Response {
    let requester = Requester::of(request.extensions(), request.headers(), &config);
    request.extensions_mut().insert(requester);
    next.run(request).await
}

/// What the headers of a request say about its client, once trust has been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Told {
    client: IpAddr,
    https: bool,
}

/// The client and scheme a request from `peer` carries, believing only `trusted` proxies.
fn forwarded(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> Told {
    let peer = peer.to_canonical();
    let nothing = Told {
        client: peer,
        https: false,
    };
    if !is_trusted(trusted, peer) {
        return nothing;
    }
    let standard = headers
        .contains_key("forwarded")
        .then(|| from_forwarded(peer, header_values(headers, "forwarded"), trusted));
    let legacy = headers.contains_key("x-forwarded-for").then(|| {
        from_x_forwarded(
            peer,
            &header_values(headers, "x-forwarded-for"),
            &header_values(headers, "x-forwarded-proto"),
            trusted,
        )
    });
    match (standard, legacy) {
        (Some(told), None) | (None, Some(told)) => told,
        (Some(a), Some(b)) if a.client == b.client => Told {
            client: a.client,
            https: a.https || b.https,
        },
        (Some(a), Some(b)) => {
            tracing::debug!(forwarded = %a.client, x_forwarded_for = %b.client,
                "a trusted proxy's Forwarded and X-Forwarded-For disagree; neither is believed");
            Told {
                client: peer,
                https: a.https || b.https,
            }
        }
        // No client named; a proxy may still say the scheme.
        (None, None) => Told {
            client: peer,
            https: is_https(last_item(&header_values(headers, "x-forwarded-proto"))),
        },
    }
}

/// Every value of header `name`, in order, as one comma-separated list (RFC 9110 5.3); a
/// value that is not visible ASCII reads as a broken element, which ends the trust.
fn header_values(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|value| value.to_str().unwrap_or("\u{0}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn last_item(list: &str) -> Option<&str> {
    list.rsplit(',').next().map(str::trim)
}

fn is_https(proto: Option<&str>) -> bool {
    proto.is_some_and(|p| p.trim_matches('"').eq_ignore_ascii_case("https"))
}

/// RFC 7239: each element's `for=` names the node that connected to the proxy that added it,
/// and its `proto=` the scheme of that connection.
fn from_forwarded(peer: IpAddr, list: String, trusted: &[IpAddr]) -> Told {
    let mut reached = peer;
    for element in rfc7239::parse(&list).rev() {
        let Ok(element) = element else {
            return Told {
                client: reached,
                https: false,
            };
        };
        let https = is_https(element.protocol);
        match element.forwarded_for.as_ref().and_then(|node| node.ip()) {
            Some(address) if is_trusted(trusted, *address) => reached = address.to_canonical(),
            Some(address) => {
                return Told {
                    client: address.to_canonical(),
                    https,
                };
            }
            // `unknown`, an obfuscated name, or no `for=`: nothing further left is believed.
            None => {
                return Told {
                    client: reached,
                    https,
                };
            }
        }
    }
    // Every node named is a trusted proxy: the leftmost is the nearest to a client we know.
    Told {
        client: reached,
        https: false,
    }
}

/// `X-Forwarded-For`, with `X-Forwarded-Proto`: when both lists are as long, the scheme is
/// the one written beside the client; otherwise the last one, which the trusted peer wrote.
fn from_x_forwarded(peer: IpAddr, list: &str, protos: &str, trusted: &[IpAddr]) -> Told {
    let addresses: Vec<&str> = list.split(',').map(str::trim).collect();
    let protos: Vec<&str> = protos.split(',').map(str::trim).collect();
    let scheme_at = |index: usize| {
        if protos.len() == addresses.len() {
            is_https(protos.get(index).copied())
        } else {
            is_https(protos.last().copied())
        }
    };
    let mut reached = peer;
    for (index, text) in addresses.iter().enumerate().rev() {
        match parse_address(text) {
            Some(address) if is_trusted(trusted, address) => reached = address,
            Some(address) => {
                return Told {
                    client: address,
                    https: scheme_at(index),
                };
            }
            None => {
                return Told {
                    client: reached,
                    https: scheme_at(index),
                };
            }
        }
    }
    Told {
        client: reached,
        https: scheme_at(0),
    }
}

/// An address as proxies write it in `X-Forwarded-For`: bare, or (some do) with a port; an
/// IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|address| address.to_canonical())
}

/// Whether `address` is one of the trusted proxies; a dual-stack listener sees an IPv4 peer
/// as `::ffff:127.0.0.1`, which is 127.0.0.1.
fn is_trusted(trusted: &[IpAddr], address: IpAddr) -> bool {
    let address = address.to_canonical();
    trusted.iter().any(|t| t.to_canonical() == address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const PROXY: &str = "127.0.0.1";

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// What a request from `peer` with `headers` is believed to be, `PROXY` (and
    /// 10.0.0.1) trusted.
    fn told(peer: &str, headers: &[(&str, &str)]) -> (String, bool) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        let told = forwarded(ip(peer), &map, &[ip(PROXY), ip("10.0.0.1"), ip("::1")]);
        (told.client.to_string(), told.https)
    }

    fn check(headers: &[(&str, &str)], client: &str, https: bool) {
        assert_eq!(
            told(PROXY, headers),
            (client.to_string(), https),
            "{headers:?}"
        );
    }

    #[test]
    fn a_peer_that_is_not_trusted_is_the_client_whatever_it_says() {
        let lies = [
            ("forwarded", "for=198.51.100.7;proto=https"),
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ];
        assert_eq!(told("192.0.2.9", &lies), ("192.0.2.9".into(), false));
    }

    #[test]
    fn forwarded_names_the_client_and_its_scheme() {
        check(
            &[("forwarded", "for=192.0.2.60;proto=https")],
            "192.0.2.60",
            true,
        );
        check(
            &[("forwarded", "for=192.0.2.60;proto=http")],
            "192.0.2.60",
            false,
        );
        check(
            &[("forwarded", "For=192.0.2.60;PROTO=HTTPS")],
            "192.0.2.60",
            true,
        );
        check(&[("forwarded", "for=192.0.2.60")], "192.0.2.60", false);
        check(
            &[("forwarded", "for=\"192.0.2.60:4711\"")],
            "192.0.2.60",
            false,
        );
        check(
            &[("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https")],
            "2001:db8:cafe::17",
            true,
        );
        check(
            &[("forwarded", "for=\"[2001:db8::1]\"")],
            "2001:db8::1",
            false,
        );
        check(
            &[("forwarded", "proto=https;for=192.0.2.60;by=203.0.113.43")],
            "192.0.2.60",
            true,
        );
    }

    #[test]
    fn forwarded_is_read_right_to_left_through_trusted_proxies_only() {
        // The client wrote the first element itself; the proxy added the second.
        check(
            &[(
                "forwarded",
                "for=203.0.113.66, for=198.51.100.7;proto=https",
            )],
            "198.51.100.7",
            true,
        );
        // Two trusted proxies in a row: the element the outer one wrote names the client.
        check(
            &[(
                "forwarded",
                "for=203.0.113.66, for=198.51.100.7;proto=https, for=10.0.0.1;proto=http",
            )],
            "198.51.100.7",
            true,
        );
        // Several headers are one list, in order.
        check(
            &[
                ("forwarded", "for=203.0.113.66"),
                ("forwarded", "for=198.51.100.7;proto=https"),
            ],
            "198.51.100.7",
            true,
        );
        // Only trusted proxies named: the leftmost stands for the client.
        check(
            &[("forwarded", "for=\"[::1]\", for=10.0.0.1")],
            "::1",
            false,
        );
    }

    #[test]
    fn unknown_obfuscated_or_unreadable_elements_end_the_trust() {
        check(&[("forwarded", "for=unknown;proto=https")], PROXY, true);
        check(
            &[("forwarded", "for=_hidden, for=10.0.0.1")],
            "10.0.0.1",
            false,
        );
        check(
            &[("forwarded", "for=198.51.100.7, for=_gazonk")],
            PROXY,
            false,
        );
        check(&[("forwarded", "proto=https")], PROXY, true);
        for hostile in [
            "for=198.51.100.7,",
            "for=\"198.51.100.7, 203.0.113.1\"",
            "for=198.51.100.7 ;proto=https",
            "for=999.1.1.1",
            "for=2001:db8::1",
            "for=\"[2001:db8::1]:99999\"",
            "for=_bad-name!",
            "for",
            ";;;",
            "for=198.51.100.7;for",
            "=",
            "",
        ] {
            let (client, _) = told(PROXY, &[("forwarded", hostile)]);
            assert_eq!(client, PROXY, "{hostile:?}");
        }
        // Not visible ASCII: the whole header reads as broken.
        let mut map = HeaderMap::new();
        map.insert(
            "forwarded",
            HeaderValue::from_bytes(b"for=198.51.100.7\xff").unwrap(),
        );
        assert_eq!(forwarded(ip(PROXY), &map, &[ip(PROXY)]).client, ip(PROXY));
    }

    #[test]
    fn x_forwarded_for_and_proto() {
        check(
            &[("x-forwarded-for", "198.51.100.7")],
            "198.51.100.7",
            false,
        );
        check(
            &[
                ("x-forwarded-for", "198.51.100.7"),
                ("x-forwarded-proto", "https"),
            ],
            "198.51.100.7",
            true,
        );
        // What the client wrote itself is to the left of what the proxy added.
        check(
            &[("x-forwarded-for", "203.0.113.66, 198.51.100.7, 10.0.0.1")],
            "198.51.100.7",
            false,
        );
        check(&[("x-forwarded-for", "2001:db8::1")], "2001:db8::1", false);
        check(
            &[("x-forwarded-for", "[2001:db8::1]:80")],
            "2001:db8::1",
            false,
        );
        check(
            &[("x-forwarded-for", "198.51.100.7:4711")],
            "198.51.100.7",
            false,
        );
        // Proto lists as long as the address list are read beside the client; else the last.
        check(
            &[
                ("x-forwarded-for", "198.51.100.7, 10.0.0.1"),
                ("x-forwarded-proto", "https, http"),
            ],
            "198.51.100.7",
            true,
        );
        check(
            &[
                ("x-forwarded-for", "203.0.113.66, 198.51.100.7"),
                ("x-forwarded-proto", "https"),
            ],
            "198.51.100.7",
            true,
        );
        check(&[("x-forwarded-proto", "https")], PROXY, true);
        for hostile in ["", ",", "not an address", "198.51.100.7, junk", "1.2.3.4.5"] {
            let (client, _) = told(PROXY, &[("x-forwarded-for", hostile)]);
            assert_eq!(client, PROXY, "{hostile:?}");
        }
    }

    #[test]
    fn both_headers_are_believed_only_when_they_agree() {
        check(
            &[
                ("forwarded", "for=198.51.100.7;proto=https"),
                ("x-forwarded-for", "198.51.100.7"),
            ],
            "198.51.100.7",
            true,
        );
        // A proxy that writes X-Forwarded-For and passes the client's own Forwarded through.
        check(
            &[
                ("forwarded", "for=203.0.113.66"),
                ("x-forwarded-for", "198.51.100.7"),
            ],
            PROXY,
            false,
        );
    }

    #[test]
    fn an_ipv4_address_written_as_ipv6_is_the_ipv4_address() {
        // A portal listening on [::] sees its IPv4 proxy as ::ffff:127.0.0.1.
        let says = [("x-forwarded-for", "::ffff:198.51.100.7")];
        assert_eq!(
            told("::ffff:127.0.0.1", &says),
            ("198.51.100.7".into(), false)
        );
        let says = [(
            "forwarded",
            "for=\"[::ffff:198.51.100.7]\", for=\"[::ffff:10.0.0.1]\"",
        )];
        assert_eq!(
            told("::ffff:127.0.0.1", &says),
            ("198.51.100.7".into(), false)
        );
    }

    #[test]
    fn without_connection_information_the_client_is_unspecified() {
        let requester = Requester::of(&Extensions::new(), &HeaderMap::new(), &Config::default());
        assert_eq!(requester.address, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert!(!requester.https);
    }
}
