//! Message-level rules SQS enforces: body characters and size, message attribute names, types
//! and values, batch entry ids, and the MD5 digests SQS returns.

use base64::Engine;
use md5::{Digest, Md5};
use serde_json::{Map, Value};

use crate::error::{SqsError, SqsResult};

/// Checks the body's characters (#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF).
pub fn check_body(body: &str) -> SqsResult<()> {
    if body.is_empty() {
        return Err(SqsError::missing_parameter("MessageBody"));
    }
    if let Some((i, c)) = body.char_indices().find(|(_, c)| !allowed_char(*c)) {
        return Err(SqsError::invalid_message_contents(format!(
            "Invalid binary character '#x{:X}' was found in the message body at byte {i}, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
            c as u32
        )));
    }
    Ok(())
}

fn allowed_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// A validated message attribute.
#[derive(Debug, Clone)]
pub struct MessageAttr {
    pub name: String,
    pub data_type: String,
    pub string: Option<String>,
    pub binary: Option<Vec<u8>>,
}

impl MessageAttr {
    /// Bytes the attribute counts towards the message size (name + type + value).
    pub fn size(&self) -> usize {
        self.name.len()
            + self.data_type.len()
            + self.string.as_ref().map_or(0, String::len)
            + self.binary.as_ref().map_or(0, Vec::len)
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("DataType".into(), Value::String(self.data_type.clone()));
        if let Some(s) = &self.string {
            m.insert("StringValue".into(), Value::String(s.clone()));
        }
        if let Some(b) = &self.binary {
            m.insert(
                "BinaryValue".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
            );
        }
        Value::Object(m)
    }
}

fn check_attr_name(name: &str) -> SqsResult<()> {
    let lower = name.to_ascii_lowercase();
    let bad = name.is_empty()
        || name.len() > 256
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        || name.starts_with('.')
        || name.ends_with('.')
        || name.contains("..")
        || lower.starts_with("aws.")
        || lower.starts_with("amazon.");
    if bad {
        return Err(SqsError::invalid_parameter(format!(
            "Message attribute name '{name}' is invalid: use 1-256 of A-Z a-z 0-9 _ - ., not starting or ending with '.', no '..', and not starting with 'AWS.' or 'Amazon.'."
        )));
    }
    Ok(())
}

fn check_number(name: &str, v: &str) -> SqsResult<()> {
    let bad = || {
        SqsError::invalid_parameter(format!(
            "Message attribute '{name}' has an invalid Number value '{v}'."
        ))
    };
    let t = v.trim_start_matches(['-', '+']);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().map_err(|_| bad())?),
        None => (t, 0),
    };
    if mantissa.is_empty()
        || mantissa.chars().filter(|c| *c == '.').count() > 1
        || !mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        || mantissa == "."
    {
        return Err(bad());
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.len() > 38 {
        return Err(bad());
    }
    // Magnitude: -10^128 .. 10^126.
    let int_len = mantissa
        .split('.')
        .next()
        .unwrap_or("")
        .trim_start_matches('0')
        .len() as i32;
    if !significant.is_empty() && int_len + exp > 127 {
        return Err(bad());
    }
    Ok(())
}

/// Parses and validates the `MessageAttributes` member (≤10).
pub fn message_attributes(v: Option<&Value>) -> SqsResult<Vec<MessageAttr>> {
    let Some(v) = v else { return Ok(vec![]) };
    let Value::Object(m) = v else {
        return Err(SqsError::invalid_parameter(
            "MessageAttributes must be a map.",
        ));
    };
    if m.len() > 10 {
        return Err(SqsError::invalid_parameter(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [10].",
            m.len()
        )));
    }
    let mut out = Vec::with_capacity(m.len());
    for (name, val) in m {
        check_attr_name(name)?;
        let dt = val.get("DataType").and_then(Value::as_str).ok_or_else(|| {
            SqsError::invalid_parameter(format!(
                "The message attribute '{name}' must contain a non-empty attribute type."
            ))
        })?;
        let (base, suffix) = dt.split_once('.').unwrap_or((dt, ""));
        if !matches!(base, "String" | "Number" | "Binary")
            || suffix.len() > 256
            || (dt.contains('.') && suffix.is_empty())
        {
            return Err(SqsError::invalid_parameter(format!(
                "The type of message attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
            )));
        }
        let string = val
            .get("StringValue")
            .and_then(Value::as_str)
            .map(str::to_string);
        let binary = match val.get("BinaryValue").and_then(Value::as_str) {
            Some(b64) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| {
                        SqsError::invalid_parameter(format!(
                            "The binary value of message attribute '{name}' is not valid base64."
                        ))
                    })?,
            ),
            None => None,
        };
        match base {
            "Binary" => {
                if binary.as_ref().is_none_or(Vec::is_empty) {
                    return Err(SqsError::invalid_parameter(format!(
                        "The message attribute '{name}' with type 'Binary' must use field 'Binary'."
                    )));
                }
            }
            _ => {
                let s = string.as_deref().unwrap_or("");
                if s.is_empty() {
                    return Err(SqsError::invalid_parameter(format!(
                        "The message attribute '{name}' with type '{base}' must use field 'String'."
                    )));
                }
                check_body(s).map_err(|_| {
                    SqsError::invalid_parameter(format!(
                        "The message attribute '{name}' contains characters SQS does not allow."
                    ))
                })?;
                if base == "Number" {
                    check_number(name, s)?;
                }
            }
        }
        out.push(MessageAttr {
            name: name.clone(),
            data_type: dt.to_string(),
            string,
            binary,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Lowercase hex MD5 of the body.
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// MD5 of message attributes as SQS computes it: for each attribute sorted by name, the
/// length-prefixed name, length-prefixed type, a transport byte (1 string, 2 binary) and the
/// length-prefixed value.
pub fn md5_of_attributes(attrs: &[MessageAttr]) -> Option<String> {
    if attrs.is_empty() {
        return None;
    }
    let mut sorted: Vec<&MessageAttr> = attrs.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut buf = Vec::new();
    let put = |buf: &mut Vec<u8>, bytes: &[u8]| {
        buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        buf.extend_from_slice(bytes);
    };
    for a in sorted {
        put(&mut buf, a.name.as_bytes());
        put(&mut buf, a.data_type.as_bytes());
        match &a.binary {
            Some(b) if a.data_type.starts_with("Binary") => {
                buf.push(2);
                put(&mut buf, b);
            }
            _ => {
                buf.push(1);
                put(&mut buf, a.string.as_deref().unwrap_or("").as_bytes());
            }
        }
    }
    Some(md5_hex(&buf))
}

/// Checks batch entry ids: 1–10 entries, ids of 1–80 `A-Za-z0-9-_`, all distinct.
pub fn check_batch_ids(ids: &[&str]) -> SqsResult<()> {
    if ids.is_empty() {
        return Err(SqsError::empty_batch());
    }
    if ids.len() > 10 {
        return Err(SqsError::too_many_entries(ids.len()));
    }
    for id in ids {
        if id.is_empty()
            || id.len() > 80
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(SqsError::invalid_batch_entry_id(id));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(SqsError::ids_not_distinct());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_characters_outside_the_xml_set_are_refused_with_their_position() {
        assert!(check_body("héllo \u{1F600}\n\t").is_ok());
        let e = check_body("ab\u{1}c").unwrap_err();
        assert_eq!(e.type_name, "InvalidMessageContents");
        assert!(
            e.message.contains("#x1") && e.message.contains("byte 2"),
            "{}",
            e.message
        );
        assert!(check_body("").is_err());
    }

    #[test]
    fn attribute_digest_matches_the_sqs_developer_guide_encoding() {
        // Reference value computed with the algorithm boto3 uses to verify responses.
        let attrs = message_attributes(Some(&serde_json::json!({
            "b": {"DataType": "Binary", "BinaryValue": "AQID"},
            "a": {"DataType": "String", "StringValue": "x"}
        })))
        .unwrap();
        let mut buf = Vec::new();
        for (n, t, tr, v) in [
            ("a", "String", 1u8, b"x".to_vec()),
            ("b", "Binary", 2u8, vec![1, 2, 3]),
        ] {
            buf.extend_from_slice(&(n.len() as u32).to_be_bytes());
            buf.extend_from_slice(n.as_bytes());
            buf.extend_from_slice(&(t.len() as u32).to_be_bytes());
            buf.extend_from_slice(t.as_bytes());
            buf.push(tr);
            buf.extend_from_slice(&(v.len() as u32).to_be_bytes());
            buf.extend_from_slice(&v);
        }
        assert_eq!(md5_of_attributes(&attrs).unwrap(), md5_hex(&buf));
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
    }

    #[test]
    fn attribute_rules() {
        let bad = |v: serde_json::Value| message_attributes(Some(&v)).is_err();
        assert!(bad(
            serde_json::json!({"AWS.x": {"DataType": "String", "StringValue": "v"}})
        ));
        assert!(bad(
            serde_json::json!({"a..b": {"DataType": "String", "StringValue": "v"}})
        ));
        assert!(bad(
            serde_json::json!({"n": {"DataType": "Number", "StringValue": "12x"}})
        ));
        assert!(bad(
            serde_json::json!({"n": {"DataType": "Text", "StringValue": "1"}})
        ));
        assert!(!bad(
            serde_json::json!({"n.v": {"DataType": "Number.float", "StringValue": "-1.5e3"}})
        ));
        let eleven: serde_json::Map<_, _> = (0..11)
            .map(|i| {
                (
                    format!("a{i}"),
                    serde_json::json!({"DataType": "String", "StringValue": "v"}),
                )
            })
            .collect();
        assert!(bad(serde_json::Value::Object(eleven)));
    }

    #[test]
    fn batch_ids() {
        assert_eq!(
            check_batch_ids(&[]).unwrap_err().type_name,
            "EmptyBatchRequest"
        );
        assert_eq!(
            check_batch_ids(&["a", "a"]).unwrap_err().type_name,
            "BatchEntryIdsNotDistinct"
        );
        assert_eq!(
            check_batch_ids(&["a b"]).unwrap_err().type_name,
            "InvalidBatchEntryId"
        );
        assert_eq!(
            check_batch_ids(&["x"; 11]).unwrap_err().type_name,
            "TooManyEntriesInBatchRequest"
        );
    }
}
