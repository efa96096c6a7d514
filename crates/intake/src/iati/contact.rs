//! The first contact-info, and the links: activity websites and document links.

use roxmltree::Node;

use portal_domain::submission::Contact;

use super::MAX_LINKS;
use super::texts::best_text;
use super::xml::{child, children, clean, own_text, push_new};

/// The first contact-info: person (organisation), e-mail, telephone; and a web address given as
/// the e-mail, which is no e-mail but still worth a link.
pub(super) fn contact(node: Node, notes: &mut Vec<String>) -> (Contact, Option<String>) {
    let Some(info) = child(node, "contact-info") else {
        return (Contact::default(), None);
    };
    let part = |name: &'static str| child(info, name).and_then(best_text);
    let name = match (part("person-name"), part("organisation")) {
        (Some(person), Some(org)) => format!("{person} ({org})"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    };
    let mut email = child(info, "email")
        .map(|e| clean(&own_text(e)))
        .unwrap_or_default();
    if let Some(rest) = email.strip_prefix("mailto:") {
        email = rest.to_string();
    }
    let mut page = None;
    if is_web_address(&email) {
        page = Some(std::mem::take(&mut email));
    } else if !email.is_empty() && !looks_like_email(&email) {
        notes.push(format!(
            "contact e-mail \"{email}\" is not an address: left out"
        ));
        email.clear();
    }
    let phone = child(info, "telephone")
        .map(|t| clean(&own_text(t)))
        .filter(|t| !t.is_empty());
    (Contact { name, email, phone }, page)
}

// The same test `Submission::validate` applies, so that a kept address always passes it.
use portal_domain::submission::looks_like_email;

/// Web addresses: activity websites, then document links; http(s) only, at most five.
pub(super) fn links(node: Node) -> Vec<String> {
    let websites = children(node, "activity-website").map(|w| clean(&own_text(w)));
    let documents = children(node, "document-link")
        .filter_map(|d| d.attribute("url"))
        .map(clean);
    let mut links = Vec::new();
    for url in websites.chain(documents) {
        if is_web_address(&url) {
            push_new(&mut links, url);
        }
        if links.len() == MAX_LINKS {
            break;
        }
    }
    links
}

/// An http(s) address without spaces.
fn is_web_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && lower.len() > "https://".len()
        && !text.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use crate::iati::testing::*;

    #[test]
    fn web_address_given_as_e_mail_becomes_a_link() {
        let a = one(&v2(
            r#"<contact-info><organisation><narrative>EU Delegation</narrative></organisation><email>http://ec.europa.eu/contact</email></contact-info>"#,
        ));
        assert_eq!(a.submission.contact.name, "EU Delegation");
        assert_eq!(a.submission.contact.email, "");
        assert_eq!(a.submission.links, vec!["http://ec.europa.eu/contact"]);
    }
}
