//! The sandbox's side of SQS's message rules: parsing message attributes from JSON, batch entry
//! ids, and mapping the shared rules (crate `sqs-rules`) to SQS's error codes.

use base64::Engine;
use serde_json::{Map, Value};
use sqs_rules::{Rule, RuleError};

use crate::error::{SqsError, SqsResult};

pub use sqs_rules::{md5_hex, md5_of_attributes, MessageAttr};

fn sqs_error(e: RuleError) -> SqsError {
    match e.rule {
        Rule::BodyCharacters => SqsError::invalid_message_contents(e.message),
        Rule::Parameter => SqsError::invalid_parameter(e.message),
    }
}

/// Checks a body: present, and only characters SQS allows.
pub fn check_body(body: &str) -> SqsResult<()> {
    if body.is_empty() {
        return Err(SqsError::missing_parameter("MessageBody"));
    }
    sqs_rules::check_body_characters(body).map_err(sqs_error)
}

/// The JSON form of an attribute, as SQS returns it.
pub fn attr_json(a: &MessageAttr) -> Value {
    let mut m = Map::new();
    m.insert("DataType".into(), Value::String(a.data_type.clone()));
    if let Some(s) = &a.string {
        m.insert("StringValue".into(), Value::String(s.clone()));
    }
    if let Some(b) = &a.binary {
        m.insert(
            "BinaryValue".into(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
        );
    }
    Value::Object(m)
}

/// Parses and validates the `MessageAttributes` member (≤10), sorted by name.
pub fn message_attributes(v: Option<&Value>) -> SqsResult<Vec<MessageAttr>> {
    let Some(v) = v else { return Ok(vec![]) };
    let Value::Object(m) = v else {
        return Err(SqsError::invalid_parameter(
            "MessageAttributes must be a map.",
        ));
    };
    sqs_rules::check_attribute_count(m.len()).map_err(sqs_error)?;
    let mut out = Vec::with_capacity(m.len());
    for (name, val) in m {
        let data_type = val
            .get("DataType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
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
        let attr = MessageAttr {
            name: name.clone(),
            data_type,
            string,
            binary,
        };
        attr.check().map_err(sqs_error)?;
        out.push(attr);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
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
