//! HTML to plain text, for messages whose only body is HTML.
//!
//! Small and safe rather than faithful: tags are dropped, `<script>`, `<style>`, `<head>` and
//! `<title>` content is dropped, block elements (`<p>`, `<div>`, `<li>`, `<tr>`, headings, …)
//! and `<br>` become line breaks, table cells are separated by a space, `<blockquote>` lines
//! get a `> ` prefix (so that quoted replies can be recognised and cut like in plain text),
//! and character references (`&eacute;`, `&#233;`, `&#xE9;`) are decoded. Runs in one pass,
//! never panics, and never fetches or runs anything.

use std::borrow::Cow;

/// Turns an HTML document (or fragment) into plain text, one line per block.
pub(super) fn html_to_text(html: &str) -> String {
    let document = Document::new(html);
    let mut writer = TextWriter::default();
    let mut pos = 0;
    while pos < html.len() {
        let Some(offset) = html[pos..].find('<') else {
            writer.text(&html[pos..]);
            break;
        };
        let start = pos + offset;
        writer.text(&html[pos..start]);
        pos = document.read_markup(start, &mut writer);
    }
    writer.finish()
}

/// The document, with what is looked up more than once.
struct Document<'a> {
    html: &'a str,
    /// A lower-case copy: same byte offsets (ASCII case only), so that end tags such as
    /// `</SCRIPT>` are found without lower-casing the rest of the document again and again.
    lower: String,
    /// Where the last `</title` and `</head` are: a document full of unclosed `<title>`s must
    /// not be searched to its end once per tag.
    last_title_end: Option<usize>,
    last_head_end: Option<usize>,
}

impl<'a> Document<'a> {
    fn new(html: &'a str) -> Self {
        let lower = html.to_ascii_lowercase();
        let last_title_end = lower.rfind("</title");
        let last_head_end = lower.rfind("</head");
        Document {
            html,
            lower,
            last_title_end,
            last_head_end,
        }
    }

    /// Reads the markup that starts with the `<` at `start`; returns where reading goes on.
    fn read_markup(&self, start: usize, writer: &mut TextWriter) -> usize {
        let html = self.html;
        let after = &html[start + 1..];
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !opens_tag {
            // A lone `<` (as in "a < b") is text.
            writer.text("<");
            return start + 1;
        }
        if after.starts_with("!--") {
            return match html[start + 4..].find("-->") {
                Some(end) => start + 4 + end + 3,
                None => html.len(),
            };
        }
        let Some(end) = tag_end(html, start) else {
            // An unclosed tag runs to the end of the document, as in a browser.
            return html.len();
        };
        let (name, closing) = tag_name(&self.lower[start + 1..end]);
        let next = end + 1;
        if closing {
            writer.end_tag(name);
            return next;
        }
        match name {
            // Raw text elements: their content is never shown.
            "script" | "style" => self.skip_past_end_tag(next, name).unwrap_or(html.len()),
            // Not shown either; but when their end tag is missing, the rest is kept.
            "title" if self.last_title_end.is_some_and(|last| last >= next) => {
                self.skip_past_end_tag(next, name).unwrap_or(next)
            }
            "head" if self.last_head_end.is_some_and(|last| last >= next) => {
                self.skip_past_end_tag(next, name).unwrap_or(next)
            }
            _ => {
                writer.start_tag(name);
                next
            }
        }
    }

    /// The position just after `</name…>` at or after `from`, if there is one.
    fn skip_past_end_tag(&self, from: usize, name: &str) -> Option<usize> {
        let end_tag = format!("</{name}");
        let found = from + self.lower[from..].find(&end_tag)?;
        let close = self.lower[found..]
            .find('>')
            .map_or(self.lower.len(), |offset| found + offset + 1);
        Some(close)
    }
}

/// The position of the `>` that closes the tag opened at `start`, skipping quoted attribute
/// values; falls back to the first `>` when a quote is never closed.
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut quote: Option<u8> = None;
    let mut previous = b'<';
    for (index, &byte) in bytes.iter().enumerate().skip(start + 1) {
        match quote {
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None if byte == b'>' => return Some(index),
            None if (byte == b'"' || byte == b'\'') && previous == b'=' => quote = Some(byte),
            None => {}
        }
        if !byte.is_ascii_whitespace() {
            previous = byte;
        }
    }
    html[start..].find('>').map(|offset| start + offset)
}

/// The lower-case element name of a tag's inside (`/p class=x` → `("p", true)`).
fn tag_name(inside: &str) -> (&str, bool) {
    let (closing, rest) = match inside.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inside),
    };
    let length = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    (&rest[..length], closing)
}

/// Builds the text: collapses white space like a browser, breaks lines at blocks, prefixes
/// quoted lines.
#[derive(Default)]
struct TextWriter {
    out: String,
    /// Nothing but line breaks written since the last line break (or since the start).
    at_line_start: bool,
    /// White space seen since the last character written.
    pending_space: bool,
    quote_depth: usize,
    pre_depth: usize,
    started: bool,
}

impl TextWriter {
    fn start_tag(&mut self, name: &str) {
        match name {
            "br" => self.line_break(),
            "td" | "th" => self.pending_space = true,
            "blockquote" => {
                self.block_break();
                self.quote_depth += 1;
            }
            "pre" => {
                self.block_break();
                self.pre_depth += 1;
            }
            _ if is_block(name) => self.block_break(),
            _ => {}
        }
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "td" | "th" => self.pending_space = true,
            "blockquote" => {
                self.block_break();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            "pre" => {
                self.block_break();
                self.pre_depth = self.pre_depth.saturating_sub(1);
            }
            _ if is_block(name) => self.block_break(),
            _ => {}
        }
    }

    /// Writes text found between tags.
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = decode_entities(raw);
        for c in decoded.chars() {
            if self.pre_depth > 0 {
                match c {
                    '\n' => self.line_break(),
                    '\r' => {}
                    _ => self.push_char(c),
                }
            } else if c.is_ascii_whitespace() {
                self.pending_space = true;
            } else {
                self.push_char(c);
            }
        }
    }

    fn push_char(&mut self, c: char) {
        if !self.started || self.at_line_start {
            for _ in 0..self.quote_depth {
                self.out.push_str("> ");
            }
            self.started = true;
            self.at_line_start = false;
        } else if self.pending_space {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push(c);
    }

    /// `<br>`: always a new line, even an empty one.
    fn line_break(&mut self) {
        self.out.push('\n');
        self.started = true;
        self.at_line_start = true;
        self.pending_space = false;
    }

    /// A block starts or ends: a new line unless one was just started.
    fn block_break(&mut self) {
        if self.started && !self.at_line_start {
            self.line_break();
        }
        self.pending_space = false;
    }

    /// Tidies the lines: non-breaking spaces become spaces, lines are trimmed at the end, at
    /// most one empty line in a row, none at the start or the end.
    fn finish(self) -> String {
        let mut result = String::with_capacity(self.out.len());
        let mut blank_lines = 0;
        for line in self.out.split('\n') {
            let line: String = line
                .chars()
                .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}'))
                .map(|c| if c == '\u{a0}' { ' ' } else { c })
                .collect();
            let line = line.trim_end();
            if line.trim().is_empty() {
                blank_lines += 1;
                continue;
            }
            if !result.is_empty() {
                result.push('\n');
                if blank_lines > 0 {
                    result.push('\n');
                }
            }
            blank_lines = 0;
            result.push_str(line);
        }
        if !result.is_empty() {
            result.push('\n');
        }
        result
    }
}

/// Elements shown as blocks: each starts on a new line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "address"
            | "center"
            | "figure"
            | "form"
            | "fieldset"
            | "body"
            | "html"
    )
}

/// Decodes character references: named ones from HTML 4 (Latin-1 letters, typography) and
/// numeric ones; anything else is left as written.
pub(super) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match read_entity(rest) {
            Some((decoded, length)) => {
                out.push(decoded);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Reads one character reference at the start of `text` (which starts with `&`): the
/// character and the length read.
fn read_entity(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(numeric) = body.strip_prefix('#') {
        // `prefix` is the length of `&#` or `&#x`.
        let (digits, radix, prefix) = match numeric.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (numeric, 10, 2),
        };
        let count = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        if count == 0 {
            return None;
        }
        let semicolon = usize::from(digits[count..].starts_with(';'));
        // Past eight digits the value is out of range anyway; this also avoids overflow.
        let value = if count > 8 {
            u32::MAX
        } else {
            u32::from_str_radix(&digits[..count], radix).ok()?
        };
        return Some((numeric_character(value), prefix + count + semicolon));
    }
    let length = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    if length == 0 || length > 10 || !body[length..].starts_with(';') {
        return None;
    }
    let decoded = named_character(&body[..length])?;
    Some((decoded, 1 + length + 1))
}

/// The character a numeric reference stands for, as browsers read it: 0x80–0x9F as
/// Windows-1252, invalid values as U+FFFD.
fn numeric_character(value: u32) -> char {
    if (0x80..=0x9f).contains(&value) {
        return super::charset::windows_1252_char(value as u8);
    }
    match char::from_u32(value) {
        Some('\0') | None => '\u{fffd}',
        Some(c) => c,
    }
}

/// The names of U+00A0 to U+00FF, in order.
const LATIN_1_NAMES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other named references common in e-mail.
const OTHER_NAMES: [(&str, char); 37] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("hellip", '…'),
    ("euro", '€'),
    ("trade", '™'),
    ("bull", '•'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("permil", '‰'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("oelig", 'œ'),
    ("OElig", 'Œ'),
    ("scaron", 'š'),
    ("Scaron", 'Š'),
    ("Yuml", 'Ÿ'),
    ("fnof", 'ƒ'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("minus", '−'),
    ("nbsp", '\u{a0}'),
];

fn named_character(name: &str) -> Option<char> {
    if let Some((_, c)) = OTHER_NAMES.iter().find(|(n, _)| *n == name) {
        return Some(*c);
    }
    let index = LATIN_1_NAMES.iter().position(|n| *n == name)?;
    // The index is below 96, so the value is within U+00A0..=U+00FF.
    char::from_u32(0xa0 + index as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, expected: &str) {
        assert_eq!(html_to_text(html), expected, "from {html:?}");
    }

    #[test]
    fn paragraphs_breaks_and_divs_become_lines() {
        check(
            "<p>Kind: need</p><p>Title: Prosthetics<br>workshop</p><div>Amount: 5</div>",
            "Kind: need\nTitle: Prosthetics\nworkshop\nAmount: 5\n",
        );
    }

    #[test]
    fn white_space_collapses_like_in_a_browser() {
        check(
            "  Title:\n   Mine   risk\teducation  ",
            "Title: Mine risk education\n",
        );
    }

    #[test]
    fn style_script_head_and_comments_are_dropped() {
        check(
            "<html><head><title>T</title><style>p { color: red; }</style></head>\
             <body><!-- note --><script>alert('x<p>')</script><p>Kind: offer</p></body></html>",
            "Kind: offer\n",
        );
        check("<STYLE type=text/css>b{}</STYLE>Text", "Text\n");
    }

    #[test]
    fn entities_are_decoded() {
        check(
            "Pays&nbsp;: C&ocirc;te d&#8217;Ivoire &amp; S&#xE9;n&eacute;gal &lt;b&gt; &unknown; &#150;",
            "Pays : Côte d’Ivoire & Sénégal <b> &unknown; –\n",
        );
        assert_eq!(
            decode_entities("&#0;&#99999999999;&#x"),
            "\u{fffd}\u{fffd}&#x"
        );
    }

    #[test]
    fn lists_and_tables_give_one_line_per_item_or_row() {
        check("<ul><li>one</li><li>two</li></ul>", "one\ntwo\n");
        check(
            "<table><tr><td>Title:</td><td>Demining</td></tr><tr><th>Amount:</th><td>7</td></tr></table>",
            "Title: Demining\nAmount: 7\n",
        );
    }

    #[test]
    fn blockquotes_are_marked_as_quoted() {
        check(
            "<div>Thanks</div><blockquote>On Monday you wrote:<br>Kind: need</blockquote>after",
            "Thanks\n> On Monday you wrote:\n> Kind: need\nafter\n",
        );
    }

    #[test]
    fn outlook_empty_paragraphs_give_one_blank_line() {
        check(
            "<p class=MsoNormal>Kind: need<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>\
             <p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Regards</p>",
            "Kind: need\n\nRegards\n",
        );
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        check(
            "<pre>Kind:  need\nTitle: x</pre>",
            "Kind:  need\nTitle: x\n",
        );
    }

    #[test]
    fn broken_markup_does_not_lose_text_or_panic() {
        check("a < b and c<d", "a < b and c\n");
        check("<p title=\"x>y\">quoted</p>", "quoted\n");
        check("<title>no end", "no end\n");
        check("<p>open", "open\n");
        check("<script>never closed", "");
        check("<!-- never closed", "");
        check("", "");
        check("<", "<\n");
        check("&", "&\n");
        check("é<br/>ü", "é\nü\n");
    }
}
