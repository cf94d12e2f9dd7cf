//! Message files: JSON Lines and CSV read for import (with line-numbered problems and a
//! preview), and received messages written as JSON Lines for export. The export format is one
//! of the import formats, so an export can be sent again.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::messages::{AttributeValue, OutgoingMessage, ReceivedMessage};
use crate::CoreError;

/// A line that was not sent, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LineProblem {
    /// 1-based line number in the file.
    pub line: u32,
    pub reason: String,
    /// Sending it again may work (a network error, throttling, no answer); false when the line
    /// itself must change first (it does not parse, or SQS refused its content).
    pub retry: bool,
}

impl LineProblem {
    /// A problem with the line itself: retrying cannot help.
    pub fn fixed(line: u32, reason: impl Into<String>) -> Self {
        LineProblem {
            line,
            reason: reason.into(),
            retry: false,
        }
    }
}

/// A JSON parse error in words: what is wrong and where on the line, and what a line must be.
fn json_problem(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "it ends in the middle of a value",
        Category::Syntax => "unexpected text",
        Category::Data => "a value of the wrong kind",
        Category::Io => "it could not be read",
    };
    format!(
        "not JSON: {what} at column {} (each line must be one JSON object, like {{\"body\": \"hello\"}})",
        e.column()
    )
}

/// The formats a message file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportFormat {
    /// One JSON object per line: `{"body": …, "attributes": …, "group_id"?, "dedup_id"?, "delay_s"?}`.
    JsonLines,
    /// A header row, then one message per row; the `body` column is the body.
    Csv,
}

impl ImportFormat {
    /// The format a file name suggests (CSV for `.csv`, JSON Lines otherwise).
    pub fn from_file_name(name: &str) -> ImportFormat {
        if name.to_ascii_lowercase().ends_with(".csv") {
            ImportFormat::Csv
        } else {
            ImportFormat::JsonLines
        }
    }
}

/// Messages read from a file, each with its line number, and the lines that are not messages.
pub type Parsed = (Vec<(u32, OutgoingMessage)>, Vec<LineProblem>);

fn attributes_from(v: Option<&Value>) -> Result<Vec<AttributeValue>, String> {
    match v {
        None | Some(Value::Null) => Ok(vec![]),
        // Our export format: [{"name", "data_type", "value"}].
        Some(Value::Array(list)) => list
            .iter()
            .map(|a| {
                serde_json::from_value::<AttributeValue>(a.clone())
                    .map_err(|e| format!("bad attribute: {e}"))
            })
            .collect(),
        // The SQS API shape: {"name": {"DataType": …, "StringValue" | "BinaryValue": …}}.
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, a)| {
                let data_type = a
                    .get("DataType")
                    .and_then(Value::as_str)
                    .ok_or(format!("attribute '{name}' has no DataType"))?;
                let value = a
                    .get("StringValue")
                    .or_else(|| a.get("BinaryValue"))
                    .and_then(Value::as_str)
                    .ok_or(format!(
                        "attribute '{name}' has no StringValue or BinaryValue"
                    ))?;
                Ok(AttributeValue {
                    name: name.clone(),
                    data_type: data_type.into(),
                    value: value.into(),
                })
            })
            .collect(),
        Some(_) => Err("\"attributes\" must be a list or a map".into()),
    }
}

/// One JSON Lines line as a message: `{"body": …, "attributes": …, "group_id"?, "dedup_id"?,
/// "delay_s"?}`.
pub fn json_line(raw: &str) -> Result<OutgoingMessage, String> {
    let v = serde_json::from_str::<Value>(raw).map_err(|e| json_problem(&e))?;
    let body = v
        .get("body")
        .and_then(Value::as_str)
        .ok_or("no \"body\" text")?
        .to_string();
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(OutgoingMessage {
        body,
        attributes: attributes_from(v.get("attributes"))?,
        delay_s: v.get("delay_s").and_then(Value::as_u64).map(|d| d as u32),
        group_id: s("group_id"),
        dedup_id: s("dedup_id"),
        trace_header: None,
    })
}

/// Splits a file's items into messages and problems.
fn collect(items: impl Iterator<Item = crate::import_stream::Item>) -> Parsed {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (line, m) in items {
        match m {
            Ok(m) => ok.push((line, m)),
            Err(reason) => bad.push(LineProblem::fixed(line, reason)),
        }
    }
    (ok, bad)
}

/// Reads JSON Lines text (blank lines skipped): the messages with their line numbers and the
/// lines that are not messages.
pub fn parse_json_lines(text: &str) -> Parsed {
    collect(crate::import_stream::JsonLines::new(text.as_bytes()))
}

/// What each CSV column is for, read from the header row.
pub struct CsvColumns {
    headers: Vec<String>,
    body: usize,
}

fn role(h: &str) -> String {
    h.to_ascii_lowercase().replace(['_', ' ', '-'], "")
}

impl CsvColumns {
    /// The column named `body` (or the only column) is the body.
    pub fn new(header: &csv::StringRecord) -> Result<CsvColumns, String> {
        let headers: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
        let body = headers
            .iter()
            .position(|h| matches!(role(h).as_str(), "body" | "messagebody" | "message"))
            .or((headers.len() == 1).then_some(0))
            .ok_or_else(|| {
                format!(
                    "no body column: the header row has {}; name the column that holds the bodies \"body\"",
                    headers.join(", ")
                )
            })?;
        Ok(CsvColumns { headers, body })
    }
}

/// One CSV record as a message: `group_id`, `dedup_id` and `delay_s` columns are used as such;
/// every other non-empty cell becomes a String attribute named after its column
/// (`price:Number` gives a Number attribute named `price`).
pub fn csv_message(
    cols: &CsvColumns,
    record: &csv::StringRecord,
) -> Result<OutgoingMessage, String> {
    let mut m = OutgoingMessage {
        body: record.get(cols.body).unwrap_or_default().to_string(),
        ..Default::default()
    };
    for (i, cell) in record.iter().enumerate() {
        let Some(header) = cols.headers.get(i) else {
            return Err(format!(
                "{} cells, the header row has {}",
                record.len(),
                cols.headers.len()
            ));
        };
        if i == cols.body || cell.is_empty() {
            continue;
        }
        match role(header).as_str() {
            "groupid" | "messagegroupid" => m.group_id = Some(cell.to_string()),
            "dedupid" | "deduplicationid" | "messagededuplicationid" => {
                m.dedup_id = Some(cell.to_string())
            }
            "delays" | "delay" | "delayseconds" => match cell.trim().parse() {
                Ok(d) => m.delay_s = Some(d),
                Err(_) => return Err(format!("delay \"{cell}\" is not a whole number")),
            },
            _ => {
                let (name, data_type) = header.split_once(':').unwrap_or((header, "String"));
                m.attributes.push(AttributeValue {
                    name: name.trim().to_string(),
                    data_type: data_type.trim().to_string(),
                    value: cell.to_string(),
                });
            }
        }
    }
    Ok(m)
}

/// Reads CSV text: a header row, then a message per row (see `csv_message`). Line numbers are
/// the file's.
pub fn parse_csv(text: &str) -> Parsed {
    collect(crate::import_stream::CsvRecords::new(text.as_bytes()))
}

/// What a file holds, shown before anything is sent.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    pub format: ImportFormat,
    /// Messages found (each is still checked against SQS's rules when sent).
    pub messages: u32,
    /// Lines that are not messages.
    pub problems: u32,
    /// The first few messages.
    pub first: Vec<OutgoingMessage>,
    /// The first few problems.
    pub first_problems: Vec<LineProblem>,
}

/// Reads a file's items once and tells what it holds, without sending (a line at a time: the
/// counts and the first five of each kind are all that is kept).
pub fn preview(
    items: impl Iterator<Item = crate::import_stream::Item>,
    format: ImportFormat,
) -> ImportPreview {
    let mut p = ImportPreview {
        format,
        messages: 0,
        problems: 0,
        first: Vec::new(),
        first_problems: Vec::new(),
    };
    for (line, item) in items {
        match item {
            Ok(m) => {
                p.messages += 1;
                if p.first.len() < 5 {
                    p.first.push(m);
                }
            }
            Err(reason) => {
                p.problems += 1;
                if p.first_problems.len() < 5 {
                    p.first_problems.push(LineProblem::fixed(line, reason));
                }
            }
        }
    }
    p
}

/// One received message as a JSON Lines line: what import reads (`body`, `attributes`,
/// `group_id`) at the top, what SQS said about it under `system`. The dedup id stays under
/// `system`: sent again as such, SQS would drop the copy as a duplicate.
pub fn export_line(m: &ReceivedMessage) -> String {
    let mut line = json!({
        "body": m.body,
        "attributes": m.attributes,
        "system": {
            "message_id": m.message_id,
            "sent_at": m.sent_at,
            "first_received_at": m.first_received_at,
            "receive_count": m.receive_count,
            "sequence_number": m.sequence_number,
            "dedup_id": m.dedup_id,
            "dead_letter_source": m.dead_letter_source,
            "sender_id": m.sender_id,
        },
    });
    if let Some(g) = &m.group_id {
        line["group_id"] = json!(g);
    }
    line.to_string()
}

/// Writes messages as JSON Lines to `path`, through a temporary file renamed into place, so a
/// failed write never leaves half a file under the chosen name.
pub fn write_json_lines(path: &Path, messages: &[ReceivedMessage]) -> Result<(), CoreError> {
    crate::atomic_file::replace(path, |w| {
        for m in messages {
            writeln!(w, "{}", export_line(m))?;
        }
        Ok(())
    })
    .map_err(|e| {
        CoreError::File(format!(
            "Could not write {}: {}",
            path.display(),
            crate::atomic_file::describe(&e)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_attribute_shapes_and_bad_lines_by_number() {
        let text = concat!(
            r#"{"body": "a", "attributes": [{"name": "k", "data_type": "String", "value": "v"}]}"#,
            "\n\n",
            r#"{"body": "b", "attributes": {"n": {"DataType": "Number", "StringValue": "1"}}}"#,
            "\n",
            "not json\n",
            r#"{"nobody": 1}"#,
            "\n"
        );
        let (ok, bad) = parse_json_lines(text);
        assert_eq!(ok.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(ok[1].1.attributes[0].data_type, "Number");
        assert_eq!(bad.iter().map(|p| p.line).collect::<Vec<_>>(), [4, 5]);
        assert!(bad[0].reason.starts_with("not JSON"));
        // In words, with where and what a line must be; never serde's "expected ident".
        assert!(
            bad[0].reason.contains("at column 2") && bad[0].reason.contains("one JSON object"),
            "{}",
            bad[0].reason
        );
        assert!(
            !bad[0].reason.contains("expected ident"),
            "{}",
            bad[0].reason
        );
        assert!(bad[1].reason.contains("body"));
        assert!(
            bad.iter().all(|p| !p.retry),
            "a line that does not parse cannot succeed by retrying"
        );
    }

    #[test]
    fn csv_with_body_column_typed_attributes_and_bad_rows_by_line() {
        let text = "id,body,price:Number,group_id\n1,hello,3.5,\n2,\"multi\nline\",,g1\n\n3,third\n4,x,1,g,extra\n";
        let (ok, bad) = parse_csv(text);
        assert_eq!(ok.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [2, 3, 6]);
        assert_eq!(ok[0].1.body, "hello");
        let attrs = &ok[0].1.attributes;
        assert_eq!(attrs.len(), 2, "id and price: {attrs:?}");
        assert_eq!(
            (
                attrs[1].name.as_str(),
                attrs[1].data_type.as_str(),
                attrs[1].value.as_str()
            ),
            ("price", "Number", "3.5")
        );
        assert_eq!(ok[1].1.body, "multi\nline");
        assert_eq!(ok[1].1.group_id.as_deref(), Some("g1"));
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 7);
        assert!(
            bad[0].reason.contains("header row has 4"),
            "{}",
            bad[0].reason
        );
    }

    #[test]
    fn csv_without_a_body_column_says_which_to_name() {
        let (ok, bad) = parse_csv("a,b\n1,2\n");
        assert!(ok.is_empty());
        assert!(bad[0].reason.contains("\"body\""));
        let (ok, _) = parse_csv("text\nonly column\n");
        assert_eq!(ok[0].1.body, "only column");
    }

    #[test]
    fn an_export_reads_back_as_the_same_messages() {
        let m = ReceivedMessage {
            message_id: "id-1".into(),
            receipt_handle: "secret-ish handle".into(),
            body: "{\"a\": 1}\nsecond line".into(),
            attributes: vec![AttributeValue {
                name: "bin".into(),
                data_type: "Binary".into(),
                value: "AAE=".into(),
            }],
            sent_at: Some(1),
            first_received_at: None,
            receive_count: 3,
            group_id: Some("g".into()),
            dedup_id: Some("d".into()),
            sequence_number: None,
            dead_letter_source: None,
            sender_id: None,
            size: 10,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        write_json_lines(&path, &[m.clone(), m.clone()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("handle"), "receipt handles are not exported");
        let (ok, bad) = parse_json_lines(&text);
        assert!(bad.is_empty());
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].1.body, m.body);
        assert_eq!(ok[0].1.attributes, m.attributes);
        assert_eq!(ok[0].1.group_id.as_deref(), Some("g"));
        assert_eq!(
            ok[0].1.dedup_id, None,
            "a re-import is not dropped as a duplicate"
        );
    }

    #[test]
    fn retry_keeps_only_the_failed_lines_and_preview_counts_them() {
        let text = "{\"body\":\"a\"}\n{\"body\":\"b\"}\nx\n";
        let items = crate::import_stream::only_lines(
            crate::import_stream::items(std::io::Cursor::new(text), ImportFormat::JsonLines),
            vec![2, 3],
        );
        let p = preview(items, ImportFormat::JsonLines);
        assert_eq!((p.messages, p.problems), (1, 1));
        assert_eq!(p.first[0].body, "b");
        assert_eq!(p.first_problems[0].line, 3);
    }
}
