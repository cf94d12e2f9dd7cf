//! Message files read as a stream, so a file of any size costs the memory of one line (or CSV
//! record) at a time: JSON Lines line by line (a line longer than any message can be is
//! reported, not buffered), CSV record by record with the file's own line numbers. The text
//! parsers in `message_files.rs` run on these same readers.

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

use crate::message_files::{csv_message, json_line, CsvColumns, ImportFormat};
use crate::messages::OutgoingMessage;

/// A line longer than this cannot hold a message (1 MiB at most, plus its JSON).
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// One line (or CSV record) of a file: a message, or why it is not one. Line numbers are 1-based.
pub type Item = (u32, Result<OutgoingMessage, String>);

/// The messages of a file, in file order.
pub fn items<R: Read + Send + 'static>(
    reader: R,
    format: ImportFormat,
) -> Box<dyn Iterator<Item = Item> + Send> {
    match format {
        ImportFormat::JsonLines => Box::new(JsonLines::new(std::io::BufReader::new(reader))),
        ImportFormat::Csv => Box::new(CsvRecords::new(reader)),
    }
}

/// Only the given lines of a file (to retry the ones that failed).
pub fn only_lines(
    items: Box<dyn Iterator<Item = Item> + Send>,
    lines: Vec<u32>,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let keep: std::collections::HashSet<u32> = lines.into_iter().collect();
    Box::new(items.filter(move |(l, _)| keep.contains(l)))
}

/// JSON Lines, one line at a time.
pub struct JsonLines<R> {
    reader: R,
    line: u32,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    pub fn new(reader: R) -> Self {
        JsonLines {
            reader,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// Reads one line into `buf` (without its end), keeping at most MAX_LINE_BYTES of it;
    /// returns whether it was cut, or None at the end of the file.
    fn next_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let mut cut = false;
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(any.then_some(cut));
            }
            any = true;
            let (take, end) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            let room = MAX_LINE_BYTES.saturating_sub(self.buf.len());
            cut |= take > room;
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            self.reader.consume(take + end as usize);
            if end {
                if self.buf.last() == Some(&b'\r') {
                    self.buf.pop();
                }
                return Ok(Some(cut));
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            self.line += 1;
            let cut = match self.next_line() {
                Ok(Some(cut)) => cut,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some((
                        self.line,
                        Err(format!("the file could not be read further: {e}")),
                    ));
                }
            };
            if cut {
                return Some((
                    self.line,
                    Err(format!(
                        "the line is longer than {} MiB, more than any message can be",
                        MAX_LINE_BYTES / (1024 * 1024)
                    )),
                ));
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t,
                Err(e) => {
                    return Some((
                        self.line,
                        Err(format!(
                            "not UTF-8 text (byte {} of the line)",
                            e.valid_up_to() + 1
                        )),
                    ))
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some((self.line, json_line(text)));
        }
        None
    }
}

/// Runs of blank lines seen by the CSV reader, by the byte where each starts: the csv crate
/// gives a record the position where its blank lines begin, so the file's line number of a
/// record is its position's line plus the blank lines there. Kept only until passed.
#[derive(Default)]
struct BlankRuns {
    runs: VecDeque<(u64, u32)>,
    offset: u64,
    line_start: u64,
    line_blank: bool,
    open: Option<(u64, u32)>,
}

impl BlankRuns {
    fn new() -> Self {
        BlankRuns {
            line_blank: true,
            ..Default::default()
        }
    }

    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' => {
                    if self.line_blank {
                        match &mut self.open {
                            Some((_, n)) => *n += 1,
                            None => self.open = Some((self.line_start, 1)),
                        }
                    }
                    self.line_start = self.offset + 1;
                    self.line_blank = true;
                }
                b'\r' => {}
                _ => {
                    if self.line_blank {
                        self.line_blank = false;
                        if let Some(run) = self.open.take() {
                            self.runs.push_back(run);
                        }
                    }
                }
            }
            self.offset += 1;
        }
    }

    /// Blank lines starting at byte `at` (a record's position); forgets the runs before it.
    fn at(&mut self, at: u64) -> u32 {
        while self.runs.front().is_some_and(|(s, _)| *s < at) {
            self.runs.pop_front();
        }
        match self.runs.front() {
            Some((s, n)) if *s == at => *n,
            _ => self.open.filter(|(s, _)| *s == at).map_or(0, |(_, n)| n),
        }
    }
}

/// Passes bytes through to the csv reader, noting the blank-line runs.
struct Noting<R> {
    inner: R,
    runs: Arc<Mutex<BlankRuns>>,
}

impl<R: Read> Read for Noting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .scan(&buf[..n]);
        Ok(n)
    }
}

/// CSV, one record at a time: a header row, then a message per record.
pub struct CsvRecords<R> {
    reader: csv::Reader<Noting<R>>,
    runs: Arc<Mutex<BlankRuns>>,
    columns: Option<Result<CsvColumns, String>>,
    record: csv::StringRecord,
    done: bool,
}

impl<R: Read> CsvRecords<R> {
    pub fn new(inner: R) -> Self {
        let runs = Arc::new(Mutex::new(BlankRuns::new()));
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(Noting {
                inner,
                runs: runs.clone(),
            });
        CsvRecords {
            reader,
            runs,
            columns: None,
            record: csv::StringRecord::new(),
            done: false,
        }
    }

    fn line_of(&self, pos: Option<&csv::Position>) -> u32 {
        pos.map_or(0, |p| {
            let blank = self
                .runs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .at(p.byte());
            p.line() as u32 + blank
        })
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        if self.columns.is_none() {
            let cols = match self.reader.headers() {
                Ok(h) => CsvColumns::new(h),
                Err(e) => Err(format!("the header row is not CSV ({e})")),
            };
            if let Err(reason) = &cols {
                self.done = true;
                return Some((1, Err(reason.clone())));
            }
            self.columns = Some(cols);
        }
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let line = self.line_of(self.record.position());
                    let Some(Ok(cols)) = &self.columns else {
                        return None;
                    };
                    return Some((line, csv_message(cols, &self.record)));
                }
                Err(e) => {
                    let line = self.line_of(e.position());
                    if e.is_io_error() {
                        self.done = true;
                        return Some((
                            line,
                            Err(format!("the file could not be read further: {e}")),
                        ));
                    }
                    return Some((line, Err(format!("not CSV ({e})"))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_any_message_is_reported_not_kept() {
        let mut text = String::from("{\"body\": \"a\"}\n");
        text.push_str(&"x".repeat(MAX_LINE_BYTES + 10));
        text.push_str("\n{\"body\": \"b\"}\r\n?\n");
        let mut bytes = text.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = 0xff;
        let got: Vec<Item> = JsonLines::new(&bytes[..]).collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].1.as_ref().unwrap().body, "a");
        assert!(got[1].1.as_ref().unwrap_err().contains("longer than 4 MiB"));
        assert_eq!(
            (got[2].0, got[2].1.as_ref().unwrap().body.as_str()),
            (3, "b")
        );
        assert!(got[3].1.as_ref().unwrap_err().contains("not UTF-8"));
    }

    #[test]
    fn csv_line_numbers_count_blank_lines_and_multi_line_cells() {
        let text = "body\n\n\none\n\"two\nlines\"\n\r\n\nthree\n";
        let got: Vec<(u32, String)> = CsvRecords::new(text.as_bytes())
            .map(|(l, m)| (l, m.unwrap().body))
            .collect();
        assert_eq!(
            got,
            [
                (4, "one".into()),
                (5, "two\nlines".into()),
                (9, "three".into())
            ]
        );
    }
}
