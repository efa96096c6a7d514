//! Contact name, e-mail and phone, and the Links field.

use portal_domain::submission::Contact;

use super::TemplateError;
use super::form::{Entry, Form, Problem, is_not_given};
use super::labels::Field;
use super::text::{starts_with_ignoring_case, strip_bullet};

/// Contact name, e-mail and phone. The address is taken out of "Name <address>" or "mailto:";
/// a name given only there fills in a missing Contact name.
pub(super) fn parse_contact(form: &Form, errors: &mut Vec<TemplateError>) -> Contact {
    let mut contact = Contact {
        name: form
            .value(Field::ContactName)
            .map_or_else(String::new, Entry::joined),
        email: String::new(),
        phone: form.value(Field::ContactPhone).map(Entry::joined),
    };
    if let Some(entry) = form.value(Field::ContactEmail) {
        match parse_email(&entry.joined()) {
            Ok((address, name)) => {
                contact.email = address;
                if contact.name.is_empty() {
                    contact.name = name.unwrap_or_default();
                }
            }
            Err(problem) => errors.push(entry.error(problem)),
        }
    }
    contact
}

/// An e-mail address out of "jane@example.org", "Jane Doe <jane@example.org>" or
/// "mailto:jane@example.org", with the display name when there is one. Several addresses: the
/// first is taken.
fn parse_email(text: &str) -> Result<(String, Option<String>), Problem> {
    let problem =
        || Problem::new("is not an e-mail address; write one address, e.g. name@example.org");
    let (name, rest) = match text.split_once('<') {
        Some((name, rest)) if rest.contains('@') => (Some(name), rest),
        _ => (None, text),
    };
    let address = rest
        .split(|c: char| c.is_whitespace() || "<>,;()\"[]".contains(c))
        .find(|t| t.contains('@'))
        .ok_or_else(problem)?;
    let address = address
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| address.get(7..))
        .unwrap_or(address)
        .trim_end_matches(['.', ':']);
    if !is_email(address) {
        return Err(problem());
    }
    let name = name
        .map(|n| n.trim().trim_matches(['"', '\'']).trim().to_string())
        .filter(|n| !n.is_empty());
    Ok((address.to_string(), name))
}

/// The check every intake path applies (`Submission::validate` applies it again).
use portal_domain::submission::looks_like_email as is_email;

/// Links: http(s) addresses, one or more per line. Words next to an address on its line are
/// taken as its description and left out; a line without any address is a problem.
pub(super) fn parse_links(entry: &Entry, errors: &mut Vec<TemplateError>) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for (line, text) in entry.lines() {
        let text = strip_bullet(text);
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
            .map(|t| t.trim_start_matches(['(', '[', '"']))
            .map(|t| t.trim_end_matches([',', ';', '.', ')', ']', '"']))
            .filter(|t| !t.is_empty())
            .collect();
        let urls: Vec<&str> = tokens.iter().copied().filter(|t| is_url(t)).collect();
        if urls.is_empty() {
            if !is_not_given(text) {
                errors.push(entry.error_at(line, text, link_problem(&tokens)));
            }
            continue;
        }
        for url in urls {
            if !links.iter().any(|l| l == url) {
                links.push(url.to_string());
            }
        }
    }
    links
}

fn is_url(token: &str) -> bool {
    let rest = ["https://", "http://"]
        .iter()
        .find(|scheme| starts_with_ignoring_case(token, scheme))
        .and_then(|scheme| token.get(scheme.len()..));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    })
}

fn link_problem(tokens: &[&str]) -> Problem {
    let bare: Vec<String> = tokens
        .iter()
        .filter(|t| starts_with_ignoring_case(t, "www.") || t.contains(".org/"))
        .map(|t| format!("https://{t}"))
        .collect();
    Problem::new("is not a link; write full addresses starting with https://, one per line")
        .suggesting(bare)
}

#[cfg(test)]
mod tests {
    use crate::template::testing::*;

    // --- Contact and links -------------------------------------------------------------------

    #[test]
    fn contact_addresses_in_every_common_form() {
        for written in [
            "jane@example.org",
            "Jane Doe <jane@example.org>",
            "\"Doe, Jane\" <jane@example.org>",
            "mailto:jane@example.org",
            "<mailto:jane@example.org>",
            "jane@example.org.",
        ] {
            let s = parse_ok(&form(&[("Contact e-mail", written)]));
            assert_eq!(s.contact.email, "jane@example.org", "{written}");
        }
        let s = parse_ok(&form(&[("Contact e-mail", "Jane Doe <jane@example.org>")]));
        assert_eq!(
            s.contact.name, "Jane Doe",
            "the display name fills in a missing name"
        );
        let s = parse_ok(&form(&[
            ("Contact name", "J. Doe"),
            ("Contact e-mail", "Jane Doe <jane@example.org>"),
            ("Contact phone", "+41 22 000 00 00"),
        ]));
        assert_eq!(s.contact.name, "J. Doe");
        assert_eq!(s.contact.phone.as_deref(), Some("+41 22 000 00 00"));
        let text = form(&[("Contact e-mail", "jane at example dot org")]);
        check_error(
            &text,
            (7, "Contact e-mail", "jane at example dot org"),
            "is not an e-mail address; write one address, e.g. name@example.org",
            None,
        );
        let text = form(&[("Contact e-mail", "jane@localhost")]);
        check_error(
            &text,
            (7, "Contact e-mail", "jane@localhost"),
            "is not an e-mail",
            None,
        );
    }

    #[test]
    fn links_one_per_line_or_separated() {
        let s = parse_ok(&form(&[(
            "Links",
            "https://example.org/a, https://example.org/b\n\
             - Article 7 report: <https://example.org/c.pdf>\n\
             http://example.org/d.",
        )]));
        assert_eq!(
            s.links,
            [
                "https://example.org/a",
                "https://example.org/b",
                "https://example.org/c.pdf",
                "http://example.org/d"
            ]
        );
        let text = form(&[("Links", "https://example.org/a\nwww.example.org/report")]);
        check_error(
            &text,
            (8, "Links", "www.example.org/report"),
            "is not a link",
            Some("https://www.example.org/report"),
        );
        let text = form(&[("Links", "see our website")]);
        check_error(
            &text,
            (7, "Links", "see our website"),
            "is not a link",
            None,
        );
    }
}
