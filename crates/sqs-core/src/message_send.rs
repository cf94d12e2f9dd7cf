//! Sending one message: the form's message (body, attributes, delay, FIFO ids) checked with
//! SQS's rules first, then sent; a FIFO send SQS dropped as a duplicate is told as such.

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
};
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::CoreError;

/// One message attribute as the form holds it; Binary values are base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttributeValue {
    pub name: String,
    /// `String`, `Number`, `Binary`, optionally with a suffix (`Number.float`).
    pub data_type: String,
    pub value: String,
}

/// A message to send.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutgoingMessage {
    pub body: String,
    pub attributes: Vec<AttributeValue>,
    /// Standard queues only: 0–900 s (FIFO queues use the queue's delay).
    pub delay_s: Option<u32>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub trace_header: Option<String>,
}

pub(crate) fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl OutgoingMessage {
    /// Checks the message as SQS will, for a queue of this type; the error names the field.
    pub fn validate(&self, fifo: bool) -> Result<Vec<sqs_rules::MessageAttr>, CoreError> {
        if self.body.is_empty() {
            return Err(CoreError::field(
                "body",
                "The body is empty; SQS needs at least one character.",
            ));
        }
        if let Some(problem) = sqs_rules::describe_bad_body_character(&self.body) {
            return Err(CoreError::field("body", problem));
        }
        sqs_rules::check_attribute_count(self.attributes.len())
            .map_err(|e| CoreError::field("attributes", e.message))?;
        let mut seen = std::collections::HashSet::new();
        let mut attrs = Vec::with_capacity(self.attributes.len());
        for a in &self.attributes {
            if !seen.insert(a.name.as_str()) {
                return Err(CoreError::field(
                    "attributes",
                    format!("The attribute name '{}' is used twice.", a.name),
                ));
            }
            let binary = a.data_type.starts_with("Binary");
            let attr = sqs_rules::MessageAttr {
                name: a.name.clone(),
                data_type: a.data_type.clone(),
                string: (!binary).then(|| a.value.clone()),
                binary: if binary {
                    Some(b64().decode(a.value.trim()).map_err(|_| {
                        CoreError::field(
                            "attributes",
                            format!("The Binary value of '{}' is not valid base64.", a.name),
                        )
                    })?)
                } else {
                    None
                },
            };
            attr.check()
                .map_err(|e| CoreError::field("attributes", e.message))?;
            attrs.push(attr);
        }
        if fifo {
            if self.delay_s.is_some_and(|d| d > 0) {
                return Err(CoreError::field("delay_s", "FIFO queues take no per-message delay; set the queue's delivery delay instead."));
            }
            match self.group_id.as_deref().map(str::trim) {
                None | Some("") => {
                    return Err(CoreError::field("group_id", "A FIFO queue needs a message group id: messages of one group are delivered in order."))
                }
                Some(g) if !sqs_rules::fifo_id_is_valid(g) => {
                    return Err(CoreError::field("group_id", "A message group id is 1–128 letters, digits and punctuation."))
                }
                _ => {}
            }
            if let Some(d) = self
                .dedup_id
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
            {
                if !sqs_rules::fifo_id_is_valid(d) {
                    return Err(CoreError::field(
                        "dedup_id",
                        "A deduplication id is 1–128 letters, digits and punctuation.",
                    ));
                }
            }
        } else if let Some(g) = self
            .group_id
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty() && !sqs_rules::fifo_id_is_valid(g))
        {
            // A standard queue's group id names a tenant (fair queues); same characters as FIFO's.
            let _ = g;
            return Err(CoreError::field(
                "group_id",
                "A message group id (tenant) is 1–128 letters, digits and punctuation.",
            ));
        } else if self
            .delay_s
            .is_some_and(|d| d > sqs_rules::MAX_DELAY_SECONDS)
        {
            return Err(CoreError::field(
                "delay_s",
                "The delay must be from 0 to 900 seconds (15 minutes).",
            ));
        }
        Ok(attrs)
    }
}

/// What SQS answered to a send.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SentMessage {
    pub message_id: String,
    pub sequence_number: Option<String>,
    pub md5_of_body: String,
    pub md5_of_attributes: Option<String>,
    /// SQS dropped this send as a duplicate of a message sent in the last five minutes (same
    /// deduplication id); `message_id` is that first message's.
    pub duplicate: bool,
}

/// Sends one message (FIFO rules when the queue's name ends in `.fifo`), and checks the MD5s.
pub async fn send_message(
    client: &SqsClient,
    url: &str,
    msg: &OutgoingMessage,
) -> Result<SentMessage, CoreError> {
    let attrs = msg.validate(url.ends_with(".fifo"))?;
    let mut req = client
        .sdk
        .send_message()
        .queue_url(url)
        .message_body(&msg.body);
    for a in &attrs {
        let mut v = MessageAttributeValue::builder().data_type(&a.data_type);
        v = match (&a.string, &a.binary) {
            (_, Some(b)) => v.binary_value(Blob::new(b.clone())),
            (Some(s), _) => v.string_value(s),
            _ => v,
        };
        req = req.message_attributes(
            &a.name,
            v.build().map_err(|e| CoreError::Internal(e.to_string()))?,
        );
    }
    if let Some(d) = msg.delay_s.filter(|d| *d > 0) {
        req = req.delay_seconds(d as i32);
    }
    req = req.set_message_group_id(msg.group_id.clone().filter(|g| !g.trim().is_empty()));
    req = req.set_message_deduplication_id(msg.dedup_id.clone().filter(|d| !d.trim().is_empty()));
    if let Some(t) = msg.trace_header.as_deref().filter(|t| !t.is_empty()) {
        let v = MessageSystemAttributeValue::builder()
            .data_type("String")
            .string_value(t)
            .build()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        req = req.message_system_attributes(MessageSystemAttributeNameForSends::AwsTraceHeader, v);
    }
    let r = req
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    let md5_body = sqs_rules::md5_hex(msg.body.as_bytes());
    if r.md5_of_message_body().is_some_and(|m| m != md5_body) {
        return Err(CoreError::Network("The body's checksum did not match: the message may have been changed on the way. Send it again.".into()));
    }
    let message_id = r.message_id().unwrap_or_default().to_string();
    let duplicate = url.ends_with(".fifo") && client.sent.seen_before(url, &message_id);
    Ok(SentMessage {
        message_id,
        sequence_number: r.sequence_number().map(str::to_string),
        md5_of_body: md5_body,
        md5_of_attributes: sqs_rules::md5_of_attributes(&attrs),
        duplicate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> OutgoingMessage {
        OutgoingMessage {
            body: "hello".into(),
            ..Default::default()
        }
    }

    #[test]
    fn fifo_rules_and_attribute_rules_name_the_field() {
        let field = |m: &OutgoingMessage, fifo| m.validate(fifo).unwrap_err().payload().field;
        assert_eq!(field(&msg(), true).as_deref(), Some("group_id"));
        let mut m = msg();
        m.group_id = Some("g".into());
        m.delay_s = Some(5);
        assert_eq!(field(&m, true).as_deref(), Some("delay_s"));
        let mut m = msg();
        m.delay_s = Some(901);
        assert_eq!(field(&m, false).as_deref(), Some("delay_s"));
        let mut m = msg();
        m.group_id = Some("g".into());
        m.dedup_id = Some("has space".into());
        assert_eq!(field(&m, true).as_deref(), Some("dedup_id"));
        let mut m = msg();
        m.body = "bad\u{0}".into();
        let said = m.validate(false).unwrap_err().to_string();
        assert!(
            said.contains("NUL character (U+0000) at line 1, column 4"),
            "{said}"
        );
        let mut m = msg();
        m.attributes = vec![AttributeValue {
            name: "AWS.x".into(),
            data_type: "String".into(),
            value: "v".into(),
        }];
        assert_eq!(field(&m, false).as_deref(), Some("attributes"));
        let mut m = msg();
        m.attributes = vec![AttributeValue {
            name: "b".into(),
            data_type: "Binary".into(),
            value: "not base64!".into(),
        }];
        assert!(m
            .validate(false)
            .unwrap_err()
            .to_string()
            .contains("base64"));
    }
}
