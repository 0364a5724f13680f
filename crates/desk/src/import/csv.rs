//! CSV as real exports write it: UTF-8 with or without a byte-order mark, CRLF, LF or CR line
//! ends, comma or semicolon between cells (whichever the header uses), quoted cells holding
//! delimiters, doubled quotes and line breaks. Read whole from memory, within limits, because a
//! file from outside is checked before anything in it is believed.

use std::fmt;

/// The largest file read (a 100,000-user export with every field is about 30 MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most data rows read.
pub const MAX_ROWS: usize = 200_000;
/// The longest cell kept, in bytes (no P100 field is near it).
pub const MAX_CELL_BYTES: usize = 10_000;

/// A parsed file: the header's cells and each data row's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub delimiter: char,
}

/// One data row. `number` counts data rows from 1 under the header (a line break inside quotes
/// does not start a row; blank lines are not rows); `line` is the line of the file it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why a file cannot be read at all (a single bad row is the row's problem, not the file's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    Empty,
    TooLarge {
        bytes: usize,
    },
    TooManyRows,
    NotUtf8 {
        line: usize,
    },
    /// A quoted cell that never closes: everything after it would be one cell.
    UnclosedQuote {
        line: usize,
    },
    CellTooLong {
        line: usize,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Empty => write!(f, "the file is empty: a header row is needed"),
            CsvError::TooLarge { bytes } => write!(
                f,
                "the file is {bytes} bytes; at most {MAX_BYTES} are read (split it)"
            ),
            CsvError::TooManyRows => write!(f, "more than {MAX_ROWS} rows (split the file)"),
            CsvError::NotUtf8 { line } => write!(
                f,
                "line {line} is not UTF-8 text (save the file as UTF-8 CSV)"
            ),
            CsvError::UnclosedQuote { line } => {
                write!(f, "the quoted cell opened on line {line} never closes")
            }
            CsvError::CellTooLong { line } => write!(
                f,
                "a cell on line {line} is longer than {MAX_CELL_BYTES} bytes"
            ),
        }
    }
}

impl std::error::Error for CsvError {}

/// Reads a whole CSV file.
pub fn parse(bytes: &[u8]) -> Result<Table, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge { bytes: bytes.len() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| CsvError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
    })?;
    let delimiter = sniff(text);
    let mut records = Records::new(text, delimiter);
    let header = loop {
        match records.next_record()? {
            None => return Err(CsvError::Empty),
            Some((_, cells)) if is_blank(&cells) => continue,
            Some((_, cells)) => break cells,
        }
    };
    let mut rows = Vec::new();
    while let Some((line, cells)) = records.next_record()? {
        if is_blank(&cells) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        rows.push(Row {
            number: rows.len() + 1,
            line,
            cells,
        });
    }
    Ok(Table {
        header,
        rows,
        delimiter,
    })
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// `;` when the header line holds more semicolons than commas outside quotes, else `,`.
fn sniff(text: &str) -> char {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    delimiter: char,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: char) -> Self {
        Self {
            chars: text.chars().peekable(),
            delimiter,
            line: 1,
        }
    }

    /// The next record and the line it starts on; none at the end.
    fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>, CsvError> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        self.record().map(Some)
    }

    fn record(&mut self) -> Result<(usize, Vec<String>), CsvError> {
        let start = self.line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut at_cell_start = true;
        while let Some(c) = self.chars.next() {
            if quoted {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.chars.next();
                        cell.push('"');
                    }
                    '"' => quoted = false,
                    '\r' | '\n' => {
                        if c == '\r' && self.chars.peek() == Some(&'\n') {
                            self.chars.next();
                        }
                        self.line += 1;
                        cell.push('\n');
                    }
                    c => cell.push(c),
                }
            } else if c == '"' && at_cell_start {
                quoted = true;
            } else if c == self.delimiter {
                cells.push(std::mem::take(&mut cell));
                at_cell_start = true;
                continue;
            } else if c == '\r' || c == '\n' {
                if c == '\r' && self.chars.peek() == Some(&'\n') {
                    self.chars.next();
                }
                self.line += 1;
                cells.push(cell);
                return Ok((start, cells));
            } else {
                cell.push(c);
            }
            at_cell_start = false;
            if cell.len() > MAX_CELL_BYTES {
                return Err(CsvError::CellTooLong { line: self.line });
            }
        }
        if quoted {
            return Err(CsvError::UnclosedQuote { line: start });
        }
        cells.push(cell);
        Ok((start, cells))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    /// Every shape a real export takes, as (what the file holds, what must be read).
    #[test]
    fn the_hostile_table() {
        /// What the case is, the file's bytes, the rows to read.
        type Case<'a> = (&'a str, &'a [u8], &'a [&'a [&'a str]]);
        let cases: &[Case] = &[
            ("plain LF", b"a,b\n1,2\n", &[&["1", "2"]]),
            (
                "CRLF",
                b"a,b\r\n1,2\r\n3,4\r\n",
                &[&["1", "2"], &["3", "4"]],
            ),
            ("lone CR (old Mac)", b"a,b\r1,2\r", &[&["1", "2"]]),
            ("no final newline", b"a,b\n1,2", &[&["1", "2"]]),
            ("BOM", b"\xEF\xBB\xBFa,b\n1,2\n", &[&["1", "2"]]),
            (
                "semicolons (a European Excel)",
                b"a;b\n1,5;2\n",
                &[&["1,5", "2"]],
            ),
            (
                "quoted delimiter, doubled quotes",
                b"a,b\n\"Smith, Jr.\",\"say \"\"hi\"\"\"\n",
                &[&["Smith, Jr.", "say \"hi\""]],
            ),
            (
                "quoted line breaks stay in the cell",
                b"a,b\n\"12 Main St\r\nFlat 3\",x\n",
                &[&["12 Main St\nFlat 3", "x"]],
            ),
            (
                "non-Latin names",
                "a,b\nЗоя,李小龍\n".as_bytes(),
                &[&["Зоя", "李小龍"]],
            ),
            (
                "blank lines are not rows",
                b"a,b\n\n1,2\n\r\n,\n3,4\n",
                &[&["1", "2"], &["3", "4"]],
            ),
            ("empty cells", b"a,b,c\n,,\n1,,3\n", &[&["1", "", "3"]]),
            (
                "a quote inside a plain cell is text",
                b"a\n5\" screen\n",
                &[&["5\" screen"]],
            ),
            (
                "ragged rows are kept as they are",
                b"a,b\n1\n1,2,3\n",
                &[&["1"], &["1", "2", "3"]],
            ),
        ];
        for (what, bytes, want) in cases {
            let t = parse(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(t.header, ["a", "b", "c"][..t.header.len()], "{what}");
            let want: Vec<Vec<&str>> = want.iter().map(|r| r.to_vec()).collect();
            assert_eq!(cells(&t), want, "{what}");
        }
    }

    #[test]
    fn rows_count_data_rows_and_lines_count_lines() {
        let t = parse(b"a,b\n\"x\ny\",1\n\n2,3\n").unwrap();
        let at: Vec<(usize, usize)> = t.rows.iter().map(|r| (r.number, r.line)).collect();
        assert_eq!(at, [(1, 2), (2, 5)]);
        assert_eq!(t.delimiter, ',');
        assert_eq!(parse(b"a;b\n1;2").unwrap().delimiter, ';');
    }

    #[test]
    fn a_file_that_cannot_be_read_says_where() {
        assert_eq!(parse(b""), Err(CsvError::Empty));
        assert_eq!(parse(b"\n\r\n"), Err(CsvError::Empty));
        assert_eq!(
            parse(b"a\n\"open\n1\n"),
            Err(CsvError::UnclosedQuote { line: 2 })
        );
        assert_eq!(parse(b"a\n1\n\xFF\n"), Err(CsvError::NotUtf8 { line: 3 }));
        let long = format!("a\n{}\n", "x".repeat(MAX_CELL_BYTES + 1));
        assert_eq!(
            parse(long.as_bytes()),
            Err(CsvError::CellTooLong { line: 2 })
        );
        let many = format!("a\n{}", "1\n".repeat(MAX_ROWS + 1));
        assert_eq!(parse(many.as_bytes()), Err(CsvError::TooManyRows));
        assert!(
            parse(&vec![b'a'; MAX_BYTES + 1])
                .unwrap_err()
                .to_string()
                .contains("split")
        );
    }

    #[test]
    fn ten_thousand_rows() {
        let mut file = String::from("externalUserId;email\n");
        for i in 0..10_000 {
            file.push_str(&format!("u-{i};\"u{i}@example.com\"\r\n"));
        }
        let t = parse(file.as_bytes()).unwrap();
        assert_eq!(t.rows.len(), 10_000);
        assert_eq!(t.rows[9_999].cells, ["u-9999", "u9999@example.com"]);
        assert_eq!(t.rows[9_999].number, 10_000);
    }
}
