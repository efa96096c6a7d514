//! A MIME part's text in UTF-8: charset fallbacks when the declared charset is missing,
//! unknown or wrong, line ends, control characters and format=flowed. Decoding only; which
//! parts are read is decided in `email`.

use encoding_rs::{UTF_8, WINDOWS_1252};
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Encoding, MessagePart, MimeHeaders, PartType};

use super::{Notes, clean_line};

/// A part's text in UTF-8, with normalised line ends and format=flowed lines joined.
///
/// mail-parser decodes the charsets it knows; when the charset is missing, unknown or says
/// UTF-8 but the bytes are not, it reads UTF-8 and replaces what does not fit. In those cases
/// the bytes are decoded again here: UTF-16 when they start with its byte-order mark, else
/// UTF-8 when they are, else Windows-1252 (a superset of Latin-1), with a note.
pub(super) fn part_text(
    parsed: &mail_parser::Message<'_>,
    part: &MessagePart<'_>,
    notes: &mut Notes,
) -> String {
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::trim)
        .filter(|charset| !charset.is_empty());
    let text = match &part.body {
        PartType::Text(text) | PartType::Html(text) => {
            text_in_charset(parsed, part, text, charset, notes)
        }
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
            decode_unlabelled(bytes, charset, notes)
        }
        _ => String::new(),
    };
    let text = normalise_text(&text, notes);
    let flowed = part.content_type().is_some_and(|ct| {
        ct.attribute("format")
            .is_some_and(|format| format.trim().eq_ignore_ascii_case("flowed"))
    });
    if flowed {
        let delete_space = part.content_type().is_some_and(|ct| {
            ct.attribute("delsp")
                .is_some_and(|delsp| delsp.trim().eq_ignore_ascii_case("yes"))
        });
        unflow(&text, delete_space)
    } else {
        text
    }
}

fn text_in_charset(
    parsed: &mail_parser::Message<'_>,
    part: &MessagePart<'_>,
    text: &str,
    charset: Option<&str>,
    notes: &mut Notes,
) -> String {
    let known = charset.is_some_and(|name| charset_decoder(name.as_bytes()).is_some());
    let utf8 = charset.is_some_and(is_utf8_name);
    if known && !utf8 {
        return text.to_string();
    }
    if !text.contains('\u{fffd}') {
        if let Some(name) = charset.filter(|_| !known && !utf8) {
            notes.add(format!(
                "charset {} is unknown; read as UTF-8",
                clean_line(name)
            ));
        }
        return text.to_string();
    }
    decode_unlabelled(&transfer_decoded(parsed, part), charset, notes)
}

/// Decodes bytes whose charset is missing, unknown or wrong: UTF-16 with a byte-order mark,
/// UTF-8 when valid, else Windows-1252.
fn decode_unlabelled(bytes: &[u8], charset: Option<&str>, notes: &mut Notes) -> String {
    if let Some(text) = decode_utf16_with_bom(bytes) {
        return text;
    }
    if let Some(name) = charset.filter(|name| !is_utf8_name(name))
        && let Some(decode) = charset_decoder(name.as_bytes())
    {
        return decode(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            notes.add(match charset {
                Some(name) if is_utf8_name(name) => {
                    "text said to be UTF-8 is not; read as Latin-1 (Windows-1252)".to_string()
                }
                Some(name) => format!(
                    "charset {} is unknown; read as Latin-1 (Windows-1252)",
                    clean_line(name)
                ),
                None => "no charset given and the text is not UTF-8; read as Latin-1 \
                         (Windows-1252)"
                    .to_string(),
            });
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()
        }
    }
}

/// UTF-16 after its byte-order mark, unpaired surrogates as U+FFFD; an odd last byte is
/// dropped. `None` without a UTF-16 byte-order mark.
fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (encoding, bom_length) = encoding_rs::Encoding::for_bom(bytes)?;
    if encoding == UTF_8 {
        return None;
    }
    let body = bytes.get(bom_length..)?;
    let even = body.get(..body.len() & !1)?;
    Some(encoding.decode_without_bom_handling(even).0.into_owned())
}

fn is_utf8_name(name: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
}

/// The bytes of a part's body after its transfer encoding (base64, quoted-printable) is undone.
/// Lenient: whatever cannot be decoded is kept as it is.
fn transfer_decoded(parsed: &mail_parser::Message<'_>, part: &MessagePart<'_>) -> Vec<u8> {
    let start = part.offset_body as usize;
    let end = (part.offset_end as usize).min(parsed.raw_message.len());
    let raw = parsed.raw_message.get(start..end).unwrap_or_default();
    match part.encoding {
        Encoding::Base64 => decode_base64_lenient(raw),
        Encoding::QuotedPrintable => decode_quoted_printable_lenient(raw),
        Encoding::None => raw.to_vec(),
    }
}

fn decode_base64_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in raw {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

fn decode_quoted_printable_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let byte = raw[index];
        if byte != b'=' {
            out.push(byte);
            index += 1;
            continue;
        }
        let rest = &raw[index + 1..];
        if rest.starts_with(b"\r\n") {
            index += 3; // a soft line break
        } else if rest.starts_with(b"\n") {
            index += 2;
        } else if let Some(value) = rest.get(..2).and_then(hex_byte) {
            out.push(value);
            index += 3;
        } else {
            out.push(b'=');
            index += 1;
        }
    }
    out
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

/// A byte read as Windows-1252: Latin-1 with printable characters in 0x80–0x9F (€, ’, “, – …).
pub(super) fn windows_1252_char(byte: u8) -> char {
    let byte = [byte];
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&byte);
    // Every byte is one character in Windows-1252; the replacement character is never reached.
    text.chars().next().unwrap_or('\u{fffd}')
}

/// Line ends as `\n`, a final one included; a leading byte-order mark and control characters other than tab and
/// line feed (NUL and the like, which no template holds) removed, with a note.
fn normalise_text(text: &str, notes: &mut Notes) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut removed = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            _ if c.is_control() => removed += 1,
            _ => out.push(c),
        }
    }
    if removed > 0 {
        notes.add("control characters (such as NUL) removed from the text");
    }
    // Every text ends with a line end, whether or not its MIME part did.
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Joins the lines of a format=flowed text (RFC 3676): a line ending in a space goes on in the
/// next line of the same quote depth; space-stuffing is undone.
fn unflow(text: &str, delete_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open_paragraph: Option<usize> = None;
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        if open_paragraph != Some(depth) {
            if open_paragraph.is_some() {
                out.push('\n');
            }
            if depth > 0 {
                out.push_str(&">".repeat(depth));
                out.push(' ');
            }
        }
        let soft_break = content.ends_with(' ') && content != "-- ";
        if soft_break {
            let kept = if delete_space {
                &content[..content.len() - 1]
            } else {
                content
            };
            out.push_str(kept);
            open_paragraph = Some(depth);
        } else {
            out.push_str(content);
            out.push('\n');
            open_paragraph = None;
        }
    }
    if open_paragraph.is_some() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_base64_skips_noise_and_stops_at_padding() {
        assert_eq!(
            decode_base64_lenient(b"S2lu\r\nZDog bmVlZA==ignored"),
            b"Kind: need"
        );
        assert_eq!(decode_base64_lenient(b"?!"), b"");
    }

    #[test]
    fn lenient_quoted_printable_keeps_what_it_cannot_decode() {
        assert_eq!(
            decode_quoted_printable_lenient(b"D=E9minage =\r\nsoft =ZZ=4"),
            b"D\xe9minage soft =ZZ=4"
        );
    }

    #[test]
    fn windows_1252_has_typographic_characters() {
        let text: String = [0x93u8, b'x', 0x94, 0x80, 0xe9]
            .iter()
            .map(|&b| windows_1252_char(b))
            .collect();
        assert_eq!(text, "“x”€é");
    }

    #[test]
    fn windows_1252_reads_every_byte_as_its_table_does() {
        const HIGH: [char; 32] = [
            '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
            '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
            '\u{9d}', 'ž', 'Ÿ',
        ];
        for byte in 0..=u8::MAX {
            let expected = match byte {
                0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
                _ => char::from(byte),
            };
            assert_eq!(windows_1252_char(byte), expected, "{byte:#04x}");
        }
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let mut notes = Notes::default();
        let text = decode_unlabelled(&all, None, &mut notes);
        assert_eq!(
            text,
            all.iter()
                .map(|&b| windows_1252_char(b))
                .collect::<String>()
        );
    }

    #[test]
    fn utf16_keeps_its_old_rules_for_odd_bytes_and_lone_surrogates() {
        // An odd last byte is dropped; an unpaired surrogate is U+FFFD.
        assert_eq!(
            decode_utf16_with_bom(&[0xff, 0xfe, b'K', 0, b'x']).as_deref(),
            Some("K")
        );
        assert_eq!(
            decode_utf16_with_bom(&[0xff, 0xfe, 0x00, 0xd8, b'K', 0]).as_deref(),
            Some("\u{fffd}K")
        );
        assert_eq!(decode_utf16_with_bom(b"\xef\xbb\xbfK"), None);
    }

    #[test]
    fn flowed_text_is_joined_but_signatures_and_quote_depths_are_kept_apart() {
        assert_eq!(unflow("a \nb\n-- \nsig\n", false), "a b\n-- \nsig\n");
        assert_eq!(unflow("> a \n>> b\n", false), "> a \n>> b\n");
        assert_eq!(unflow(" >stuffed\nend ", false), ">stuffed\nend \n");
    }

    #[test]
    fn text_is_normalised() {
        let mut notes = Notes::default();
        assert_eq!(normalise_text("\u{feff}a\r\nb\rc", &mut notes), "a\nb\nc\n");
        assert!(notes.0.is_empty());
        assert_eq!(normalise_text("a\0b", &mut notes), "ab\n");
        assert_eq!(notes.0.len(), 1);
    }

    #[test]
    fn utf16_needs_its_byte_order_mark() {
        assert_eq!(
            decode_utf16_with_bom(&[0xfe, 0xff, 0, b'K']).as_deref(),
            Some("K")
        );
        assert_eq!(decode_utf16_with_bom(b"K\0"), None);
    }
}
