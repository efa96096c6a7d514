//! The file as text (UTF-8, UTF-16 with a byte-order mark, or a declared Latin-1), the limits
//! checked before the XML reader sees it, and XML errors as the ISU should read them.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{MAX_ATTRIBUTES_PER_ELEMENT, MAX_NODES};

/// The file as text: UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark, or
/// ISO-8859-1 / windows-1252 when the XML declaration says so.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, UTF_16LE);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, UTF_16BE);
    }
    let declaration = bytes
        .get(..bytes.len().min(200))
        .map(|head| String::from_utf8_lossy(head).to_ascii_lowercase())
        .unwrap_or_default();
    let declared_single_byte = declaration.starts_with("<?xml")
        && ["iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"]
            .iter()
            .any(|name| declaration.contains(name));
    if declared_single_byte {
        return Ok(WINDOWS_1252.decode_without_bom_handling(bytes).0);
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let offset = e.valid_up_to();
        let before = bytes.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "not UTF-8 text: invalid byte at line {line} (byte {offset}); save the file as UTF-8 or declare its encoding"
        )
    })
}

/// UTF-16 in the byte order of `encoding`, strictly: an unpaired surrogate makes the file
/// unreadable. An odd last byte is dropped.
fn utf16(bytes: &[u8], encoding: &'static Encoding) -> Result<Cow<'static, str>, String> {
    let even = bytes.get(..bytes.len() & !1).unwrap_or_default();
    encoding
        .decode_without_bom_handling_and_without_replacement(even)
        .map(|text| Cow::Owned(text.into_owned()))
        .ok_or_else(|| {
            "not UTF-16 text, though it starts with a UTF-16 byte-order mark".to_string()
        })
}

/// Refuses a file with an element of more than [`MAX_ATTRIBUTES_PER_ELEMENT`] attributes,
/// before the XML reader sees it. One pass over the text: inside each start tag (outside
/// comments, CDATA sections, processing instructions and declarations) it counts the `=` signs
/// that are not within quotes.
pub(super) fn check_attribute_counts(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = find_byte(bytes, at, b'<') {
        let rest = &bytes[found..];
        let skip_to = |end: &[u8]| {
            find_bytes(bytes, found, end).map_or(bytes.len(), |end_at| end_at + end.len())
        };
        at = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            skip_to(b">")
        } else {
            let (attributes, end) = count_attributes(bytes, found + 1);
            if attributes > MAX_ATTRIBUTES_PER_ELEMENT {
                let line = bytes[..found].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(format!(
                    "refused: the element at line {line} has more than {MAX_ATTRIBUTES_PER_ELEMENT} attributes, the most one element may have (IATI elements have a few)"
                ));
            }
            end
        };
    }
    Ok(())
}

/// The number of attributes in the start tag whose name begins at `from`, and where the tag ends.
fn count_attributes(bytes: &[u8], from: usize) -> (usize, usize) {
    let mut attributes = 0;
    let mut quote = None;
    for (offset, &byte) in bytes[from..].iter().enumerate() {
        match (quote, byte) {
            (Some(open), b) if b == open => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'=') => attributes += 1,
            (None, b'>') => return (attributes, from + offset + 1),
            (None, _) => {}
        }
    }
    (attributes, bytes.len())
}

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == wanted)
        .map(|p| from + p)
}

fn find_bytes(bytes: &[u8], from: usize, wanted: &[u8]) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .windows(wanted.len())
        .position(|w| w == wanted)
        .map(|p| from + p)
}

/// A parse error as the ISU should read it: what is wrong and where. roxmltree reports
/// end-of-input errors at 1:1, so for those the end of the file is named instead.
pub(super) fn xml_error(text: &str, error: &roxmltree::Error) -> String {
    use roxmltree::Error;
    match error {
        Error::UnexpectedEndOfStream | Error::UnclosedRootNode => {
            let (line, column) = end_position(text);
            format!(
                "not readable XML: the file ends at line {line}, column {column} before its root element is closed (is it truncated?)"
            )
        }
        Error::NoRootNode => "not readable XML: there is no root element".to_string(),
        Error::NodesLimitReached => format!(
            "refused: the file has more than {MAX_NODES} XML nodes, the most one file may have; split it into smaller files"
        ),
        Error::DtdDetected => {
            "not readable XML: it has a DOCTYPE declaration, which IATI files do not use"
                .to_string()
        }
        _ => {
            let pos = error.pos();
            format!(
                "not readable XML at line {}, column {}: {error}",
                pos.row, pos.col
            )
        }
    }
}

/// Line and column (1-based, in characters) just after the last character.
fn end_position(text: &str) -> (usize, usize) {
    let line = text.matches('\n').count() + 1;
    let last_line = text.rsplit('\n').next().unwrap_or_default();
    (line, last_line.chars().count() + 1)
}

/// The name of the root element, after the XML declaration, processing instructions, comments
/// and a DOCTYPE.
pub(super) fn root_name(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = rest.get(rest.find("?>")? + 2..)?;
        } else if rest.starts_with("<!--") {
            rest = rest.get(rest.find("-->")? + 3..)?;
        } else if rest.starts_with("<!") {
            rest = rest.get(rest.find('>')? + 1..)?;
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix('<')?;
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len());
    tag.get(..end).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::iati::testing::*;

    #[test]
    fn truncated_file_names_line_and_column() {
        let xml = "<?xml version=\"1.0\"?>\n<iati-activities version=\"1.01\">\n\t//>>>\n";
        let err = parse_file(xml.as_bytes()).unwrap_err();
        assert!(err.contains("line 4, column 1"), "{err}");
        let err = parse_file(b"<iati-activities><iati-activity></iati-activities>").unwrap_err();
        assert!(err.contains("line 1, column"), "{err}");
    }

    #[test]
    fn other_xml_is_an_error_and_not_iati() {
        let xml = b"<?xml version=\"1.0\"?><html><body/></html>";
        assert!(!looks_like_iati(xml));
        assert!(parse_file(xml).unwrap_err().contains("<html>"));
        assert!(!looks_like_iati(b"<result><ok/></result>"));
        assert!(!looks_like_iati(b"Subject: hello\n\nbody"));
        assert!(!looks_like_iati(&[0xff, 0x00, 0x3c]));
    }

    #[test]
    fn latin1_declared_file_is_read() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><iati-activity><iati-identifier>L-1</iati-identifier><reporting-org ref=\"L\">L</reporting-org><title>D".to_vec();
        bytes.push(0xE9); // é
        bytes.extend_from_slice(b"minage</title></iati-activity>");
        let all = parse_file(&bytes).expect("parses");
        let title = all[0].as_ref().map(|a| a.submission.title.clone());
        assert_eq!(title.as_deref(), Ok("Déminage"));
    }
}
