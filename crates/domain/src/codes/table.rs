//! The compiled-in code lists read as tables of named columns.

/// A parsed CSV table: `#` comment lines (text after the `#`, trimmed), the header and the rows.
pub(super) struct Table {
    file: &'static str,
    pub(super) comments: Vec<&'static str>,
    pub(super) header: Vec<&'static str>,
    pub(super) rows: Vec<Vec<&'static str>>,
}

impl Table {
    /// Parses compiled-in CSV. Fields may be quoted ("a, b"; "" inside quotes is one quote);
    /// lines starting with `#` outside quotes are comments; blank lines are skipped. Every row
    /// must have as many fields as the header.
    pub(super) fn parse(file: &'static str, text: &'static str) -> Result<Table, String> {
        let mut comments = Vec::new();
        let mut records: Vec<(usize, Vec<&'static str>)> = Vec::new();
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut line = 1;
        while pos < bytes.len() {
            // At the start of a line.
            if bytes[pos] == b'#' {
                let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
                comments.push(text[pos + 1..end].trim());
                pos = end + 1;
                line += 1;
                continue;
            }
            let end_of_line = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
            if text[pos..end_of_line].trim().is_empty() {
                pos = end_of_line + 1;
                line += 1;
                continue;
            }
            let record_line = line;
            let mut fields = Vec::new();
            loop {
                let (field, next) = if bytes.get(pos) == Some(&b'"') {
                    let (field, next, newlines) = quoted_field(text, pos)
                        .ok_or_else(|| format!("{file}:{line}: unterminated quoted field"))?;
                    line += newlines;
                    (field, next)
                } else {
                    let end = text[pos..]
                        .find([',', '\n'])
                        .map_or(text.len(), |n| pos + n);
                    (text[pos..end].trim_end_matches('\r'), end)
                };
                fields.push(field);
                pos = next;
                match bytes.get(pos) {
                    Some(b',') => pos += 1,
                    Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => {
                        pos += 2;
                        break;
                    }
                    Some(b'\n') => {
                        pos += 1;
                        break;
                    }
                    None => break,
                    Some(_) => {
                        return Err(format!("{file}:{line}: text after a closing quote"));
                    }
                }
            }
            line += 1;
            records.push((record_line, fields));
        }
        let mut records = records.into_iter();
        let (_, header) = records
            .next()
            .ok_or_else(|| format!("{file}: no header row"))?;
        let mut rows = Vec::new();
        for (line, fields) in records {
            if fields.len() != header.len() {
                return Err(format!(
                    "{file}:{line}: {} fields where the header has {}",
                    fields.len(),
                    header.len()
                ));
            }
            rows.push(fields);
        }
        Ok(Table {
            file,
            comments,
            header,
            rows,
        })
    }

    /// Parses a compiled-in table, panicking with the file and line if it is malformed; the
    /// tests parse every table, so this cannot fire in a tested build.
    pub(super) fn load(file: &'static str, text: &'static str) -> Table {
        Table::parse(file, text)
            .unwrap_or_else(|e| panic!("compiled-in data is malformed: data/codes/{e}"))
    }

    /// The index of a column, panicking if a compiled-in table lacks it (tested).
    pub(super) fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| {
                panic!(
                    "compiled-in data/codes/{} has no column {name:?}",
                    self.file
                )
            })
    }
}

/// Reads the quoted field starting at `start` (a `"`). Returns the field, the position after
/// the closing quote and the number of line breaks inside; `None` if the quote is not closed.
pub(super) fn quoted_field(
    text: &'static str,
    start: usize,
) -> Option<(&'static str, usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = start + 1;
    let mut escaped = false;
    loop {
        match bytes.get(pos)? {
            b'"' if bytes.get(pos + 1) == Some(&b'"') => {
                escaped = true;
                pos += 2;
            }
            b'"' => break,
            _ => pos += 1,
        }
    }
    let inner = &text[start + 1..pos];
    let newlines = inner.matches('\n').count();
    let field: &'static str = if escaped {
        // Only fields with doubled quotes need a copy. Tables are parsed once and kept for the
        // life of the program, so leaking these few strings is what keeps them `'static`.
        inner.replace("\"\"", "\"").leak()
    } else {
        inner
    };
    Some((field, pos + 1, newlines))
}
