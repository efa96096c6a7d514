//! Whom an incoming message may be answered by a program at all (RFC 3834): never a program
//! itself (Auto-Submitted, bounces), a list or bulk mailing, or a message without a sender.

use mail_parser::Message;

use crate::submission::looks_like_email;

/// Why `message` must not be answered, if it must not: its headers say it was written by a
/// program, sent to a list or in bulk, or bounced. `None` when a person may be answered.
pub fn refusal(message: &Message<'_>) -> Option<String> {
    if let Some(value) = text(message, "Auto-Submitted") {
        let kind = value.split(';').next().unwrap_or("").trim();
        if !kind.eq_ignore_ascii_case("no") {
            return Some(format!(
                "it is marked \"Auto-Submitted: {kind}\" (written by a program)"
            ));
        }
    }
    if let Some(value) = text(message, "Precedence") {
        let value = value.trim().to_ascii_lowercase();
        if ["bulk", "list", "junk"].contains(&value.as_str()) {
            return Some(format!("it is marked \"Precedence: {value}\""));
        }
    }
    for list_header in ["List-Id", "List-Unsubscribe"] {
        if message.header(list_header).is_some() {
            return Some(format!(
                "it came through a mailing list (it has a {list_header} header)"
            ));
        }
    }
    if let Some(value) = text(message, "Return-Path") {
        let path = value
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        if path.is_empty() {
            return Some("its Return-Path is empty (a bounce or other automatic message)".into());
        }
    }
    let from = first_address(message.from());
    if let Some(address) = &from
        && is_system_mailbox(address)
    {
        return Some(format!("it comes from {address}, a mail system's mailbox"));
    }
    None
}

/// Where an answer to `message` goes: the first address of its Reply-To, or else of its From;
/// `None` when neither holds an address the portal can write to.
pub fn reply_address(message: &Message<'_>) -> Option<String> {
    first_address(message.reply_to())
        .or_else(|| first_address(message.from()))
        .filter(|address| !is_system_mailbox(address))
}

/// The addresses mail systems answer from, never people (RFC 2142 and bounces).
fn is_system_mailbox(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "noreply" | "no-reply" | "do-not-reply" | "donotreply"
    )
}

fn first_address(address: Option<&mail_parser::Address<'_>>) -> Option<String> {
    let address = address?.first()?.address()?.trim().to_string();
    looks_like_email(&address).then_some(address)
}

/// A header's value as written (unfolded, trimmed), if the message has the header.
fn text(message: &Message<'_>, name: &'static str) -> Option<String> {
    let raw = message.header_raw(name)?;
    Some(raw.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(headers: &str, refused: bool) {
        let raw = format!("{headers}Subject: need\r\nMessage-ID: <a@x.org>\r\n\r\nKind: need\r\n");
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        assert_eq!(refusal(&message).is_some(), refused, "{headers}");
    }

    #[test]
    fn people_are_answered() {
        check("From: Ana <ana@example.org>\r\n", false);
        check("From: ana@example.org\r\nAuto-Submitted: no\r\n", false);
        check(
            "From: ana@example.org\r\nReturn-Path: <ana@example.org>\r\n",
            false,
        );
        check(
            "From: ana@example.org\r\nPrecedence: first-class\r\n",
            false,
        );
    }

    #[test]
    fn programs_lists_and_bounces_are_not() {
        let from = "From: ana@example.org\r\n";
        check(&format!("{from}Auto-Submitted: auto-replied\r\n"), true);
        check(
            &format!("{from}Auto-Submitted: auto-generated; owner-email=x@y.org\r\n"),
            true,
        );
        check(&format!("{from}Precedence: bulk\r\n"), true);
        check(&format!("{from}Precedence: List\r\n"), true);
        check(&format!("{from}Precedence: junk\r\n"), true);
        check(&format!("{from}List-Id: <cmr.lists.example.org>\r\n"), true);
        check(
            &format!("{from}List-Unsubscribe: <mailto:leave@example.org>\r\n"),
            true,
        );
        check(&format!("{from}Return-Path: <>\r\n"), true);
        check("From: MAILER-DAEMON@mail.example.org\r\n", true);
        check("From: Postmaster <postmaster@example.org>\r\n", true);
    }

    #[test]
    fn the_answer_goes_to_reply_to_before_from() {
        let raw = "From: ana@example.org\r\nReply-To: Desk <desk@example.org>\r\n\r\nx\r\n";
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        assert_eq!(reply_address(&message).as_deref(), Some("desk@example.org"));
        let raw = "From: Ana <ana@example.org>\r\n\r\nx\r\n";
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        assert_eq!(reply_address(&message).as_deref(), Some("ana@example.org"));
    }
}
