//! What each answer says: plain, short English, as a careful ISU would write it. Each text is
//! about one sender's own message or submission and holds nothing of anyone else's.

use crate::codes;
use crate::intake::template;
use crate::mail::wrap;
use crate::submission::{Status, Submission, Vocabulary};
use crate::text::{date_in_words, day_in_words};

/// The width paragraphs are wrapped at.
const WIDTH: usize = 72;

/// A subject and a body.
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// What a message was filed as, for a receipt.
pub enum Filed<'a> {
    /// A new submission, waiting for review (or published at once by a trusted import).
    New(&'a Submission),
    /// A proposed update of an existing submission.
    Update(&'a Submission),
    /// An update applied at once (a trusted import with `--publish`).
    Updated(&'a Submission),
    /// A request to renew an existing submission.
    Renewal(&'a str),
}

fn paragraphs(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| p.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n"
}

fn closing(isu_email: &str) -> String {
    wrap(
        &format!(
            "This answer was written by the Cooperation Portal. Questions: write to the \
             Implementation Support Unit at {isu_email}."
        ),
        WIDTH,
    ) + "\n\nThe Implementation Support Unit\nConvention on Cluster Munitions"
}

/// The receipt: what the message was filed as, and the fields as the portal read them.
pub fn receipt(filed: &Filed<'_>, isu_email: &str) -> Text {
    let mut parts = vec!["Thank you for your message.".to_string()];
    let subject = match filed {
        Filed::New(s) if s.status == Status::Published => {
            parts.push(wrap(
                &format!(
                    "It was received and published as {}.{}",
                    s.id,
                    valid_until(s)
                ),
                WIDTH,
            ));
            format!("Published as {}", s.id)
        }
        Filed::New(s) => {
            parts.push(wrap(
                &format!(
                    "It was received as {}, waiting for review. The ISU checks each \
                     submission before members see it; you will hear from us when it is \
                     published.",
                    s.id
                ),
                WIDTH,
            ));
            format!("Received as {}, waiting for review", s.id)
        }
        Filed::Update(s) => {
            parts.push(wrap(
                &format!(
                    "It was received as an update of {}, waiting for review. The changes \
                     take effect once the ISU accepts them.",
                    s.id
                ),
                WIDTH,
            ));
            format!("Update of {} received, waiting for review", s.id)
        }
        Filed::Updated(s) => {
            parts.push(wrap(
                &format!("It was received and applied as an update of {}.", s.id),
                WIDTH,
            ));
            format!("Update of {} applied", s.id)
        }
        Filed::Renewal(id) => {
            parts.push(wrap(
                &format!(
                    "It was received as a request to renew {id}, waiting for the ISU to \
                     accept it."
                ),
                WIDTH,
            ));
            format!("Renewal of {id} received, waiting for review")
        }
    };
    if let Filed::New(s) | Filed::Update(s) | Filed::Updated(s) = filed {
        parts.push(wrap(
            "Please check the fields below as the portal read them (an amount or a \
             country read wrongly, say):",
            WIDTH,
        ));
        parts.push(fields(s));
        parts.push(wrap(
            "If something is wrong, send the corrected template with this subject:",
            WIDTH,
        ));
        parts.push(format!("  Update: {}", s.id));
    }
    parts.push(closing(isu_email));
    Text {
        subject,
        body: paragraphs(&parts),
    }
}

/// What needs correcting: each error on its line, then the sender's template to send back.
pub fn needs_attention(errors: &[String], sent_text: Option<&str>, isu_email: &str) -> Text {
    let mut parts = vec![
        "Thank you for your message.".to_string(),
        wrap(
            "The portal could not read it as a submission yet. This is what it found \
             (line numbers count from the top of the text you sent):",
            WIDTH,
        ),
    ];
    let listed: Vec<String> = errors
        .iter()
        .map(|e| {
            let wrapped = wrap(e, WIDTH - 4);
            format!("  - {}", wrapped.replace('\n', "\n    "))
        })
        .collect();
    parts.push(listed.join("\n"));
    match sent_text {
        Some(text) => {
            parts.push(wrap(
                "Please correct the template below (what you wrote is kept) and send it \
                 back in the body of a reply. A member of the ISU also looks at your message \
                 and may correct it for you.",
                WIDTH,
            ));
            parts.push(format!(
                "---- template ----\n{}---- end of template ----",
                template::refill_template(text)
            ));
        }
        None => parts.push(wrap(
            "A member of the ISU will look at your message. You may also send the filled \
             template again, in the body of the message or as a plain-text attachment.",
            WIDTH,
        )),
    }
    parts.push(closing(isu_email));
    Text {
        subject: "Your submission needs a correction".to_string(),
        body: paragraphs(&parts),
    }
}

/// Publication: the id, until when, how to renew and how to update.
pub fn published(s: &Submission, isu_email: &str) -> Text {
    let parts = vec![
        wrap(
            &format!(
                "Your submission {} \"{}\" is now published: members of the Cooperation \
                 Portal can see it.{}",
                s.id,
                crate::mail::one_line(&s.title, 120),
                valid_until(s)
            ),
            WIDTH,
        ),
        wrap(
            "To keep it published longer, send an e-mail with this subject before then \
             (a reminder with a link that renews it in one click also comes before it \
             expires):",
            WIDTH,
        ),
        format!("  Renew: {}", s.id),
        wrap(
            "To change it, send the corrected template with this subject:",
            WIDTH,
        ),
        format!("  Update: {}", s.id),
        closing(isu_email),
    ];
    Text {
        subject: format!("Published: {}", s.id),
        body: paragraphs(&parts),
    }
}

/// Rejection: the reason an admin gave.
pub fn rejected(s: &Submission, isu_email: &str) -> Text {
    let reason = s
        .status_note
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let mut parts = vec![wrap(
        &format!(
            "Your submission {} \"{}\" was not published.",
            s.id,
            crate::mail::one_line(&s.title, 120)
        ),
        WIDTH,
    )];
    parts.push(match reason {
        Some(reason) => format!("The reason the ISU gave:\n\n{}", indent(reason)),
        None => "The ISU gave no reason; write to us to ask.".to_string(),
    });
    parts.push(wrap(
        "You may send a corrected submission as a new e-mail with the filled template.",
        WIDTH,
    ));
    parts.push(closing(isu_email));
    Text {
        subject: format!("Not published: {}", s.id),
        body: paragraphs(&parts),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {}", wrap(line, WIDTH - 2).replace('\n', "\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn valid_until(s: &Submission) -> String {
    s.timestamps
        .expires_at
        .map(|at| format!(" It stays published until {}.", day_in_words(at)))
        .unwrap_or_default()
}

/// The fields as the portal read them, one per line.
pub fn fields(s: &Submission) -> String {
    let mut lines = vec![
        ("Kind", s.kind.label().to_string()),
        ("Title", s.title.clone()),
        ("Submitted by", s.submitter.organisation.clone()),
        ("Submitter type", s.submitter.kind.label().to_string()),
    ];
    if let Some(country) = &s.submitter.country {
        lines.push(("Submitter country", place(country)));
    }
    let mut places: Vec<String> = s.beneficiaries.countries.iter().map(|c| place(c)).collect();
    places.extend(
        s.beneficiaries.regions.iter().map(|r| {
            codes::region(r).map_or(r.clone(), |region| format!("{} ({})", region.name, r))
        }),
    );
    if s.beneficiaries.global {
        places.push("global".into());
    }
    lines.push(("Countries concerned", places.join("; ")));
    lines.push((
        "Areas of work",
        s.areas
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join("; "),
    ));
    if !s.assistance.is_empty() {
        lines.push((
            "Kinds of assistance",
            s.assistance
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    if let Some(f) = &s.funding {
        let usd = if f.currency == "USD" {
            String::new()
        } else {
            format!(" (about USD {})", money(f.usd))
        };
        lines.push(("Amount", format!("{} {}{usd}", f.currency, money(f.amount))));
    }
    if let Some(start) = s.period.start {
        lines.push(("Start date", date_in_words(start)));
    }
    if let Some(end) = s.period.end {
        lines.push(("End date", date_in_words(end)));
    }
    let mut contact = s.contact.name.clone();
    if !s.contact.email.is_empty() {
        contact = format!("{contact} <{}>", s.contact.email)
            .trim()
            .to_string();
    }
    if let Some(phone) = &s.contact.phone {
        contact = format!("{contact}, {phone}");
    }
    lines.push(("Contact", contact));
    lines
        .into_iter()
        .map(|(label, value)| format!("  {label}: {}", crate::mail::one_line(&value, 300)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A country code with its name: "Lao People's Democratic Republic (LAO)".
fn place(code: &str) -> String {
    codes::country(code).map_or(code.to_string(), |c| format!("{} ({})", c.name, c.alpha3))
}

/// An amount with thousands separators and at most two decimals: "1,200,000", "12.50".
fn money(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let fraction = (cents - whole * 100.0).abs() as u64;
    let grouped = crate::text::thousands(whole.abs() as u64);
    let sign = if amount < 0.0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_for_people() {
        assert_eq!(money(1_200_000.0), "1,200,000");
        assert_eq!(money(12.5), "12.50");
        assert_eq!(money(0.0), "0");
    }
}
