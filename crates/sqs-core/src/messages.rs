//! Messages: send with attributes (checked with SQS's rules first), poll many with parallel
//! long-polling receivers (Receive or Peek), delete and change visibility in batches where every
//! entry ends with an outcome.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry,
    DeleteMessageBatchRequestEntry, MessageAttributeValue, MessageSystemAttributeName as Sys,
    MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
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

fn b64() -> base64::engine::GeneralPurpose {
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

/// Receive keeps messages in flight; Peek releases them when the poll ends (their receive count
/// still grows: peeking is not free).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PollMode {
    Receive,
    Peek,
}

/// How to poll.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PollSettings {
    /// 1–10,000 messages.
    pub count: u32,
    /// Long-poll wait per receive, 0–20 s.
    pub wait_s: u32,
    /// In-flight time for Receive (the queue's own when None).
    pub visibility_s: Option<u32>,
    pub mode: PollMode,
    /// Receivers in parallel, 1–8.
    pub receivers: u32,
}

/// A received message with everything SQS tells about it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub attributes: Vec<AttributeValue>,
    /// Milliseconds since the epoch.
    #[ts(type = "number | null")]
    pub sent_at: Option<i64>,
    #[ts(type = "number | null")]
    pub first_received_at: Option<i64>,
    pub receive_count: u32,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub sequence_number: Option<String>,
    pub dead_letter_source: Option<String>,
    pub sender_id: Option<String>,
    pub size: u32,
}

/// Where polled messages go, a batch at a time; also says when the user pressed Stop.
pub trait PollSink: Send + Sync {
    fn deliver(&self, batch: Vec<ReceivedMessage>);
    fn cancelled(&self) -> bool;
}

fn convert(m: &aws_sdk_sqs::types::Message) -> ReceivedMessage {
    let sys = m.attributes().cloned().unwrap_or_default();
    let get = |k: Sys| sys.get(&k).cloned();
    let num = |k: Sys| get(k).and_then(|v| v.parse::<i64>().ok());
    let mut attributes: Vec<AttributeValue> = m
        .message_attributes()
        .map(|a| {
            a.iter()
                .map(|(name, v)| AttributeValue {
                    name: name.clone(),
                    data_type: v.data_type().to_string(),
                    value: match v.binary_value() {
                        Some(b) => b64().encode(b.as_ref()),
                        None => v.string_value().unwrap_or_default().to_string(),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let body = m.body().unwrap_or_default().to_string();
    let size = body.len()
        + attributes
            .iter()
            .map(|a| a.name.len() + a.data_type.len() + a.value.len())
            .sum::<usize>();
    ReceivedMessage {
        message_id: m.message_id().unwrap_or_default().to_string(),
        receipt_handle: m.receipt_handle().unwrap_or_default().to_string(),
        body,
        attributes,
        sent_at: num(Sys::SentTimestamp),
        first_received_at: num(Sys::ApproximateFirstReceiveTimestamp),
        receive_count: num(Sys::ApproximateReceiveCount).unwrap_or(0) as u32,
        group_id: get(Sys::MessageGroupId),
        dedup_id: get(Sys::MessageDeduplicationId),
        sequence_number: get(Sys::SequenceNumber),
        dead_letter_source: get(Sys::DeadLetterQueueSourceArn),
        sender_id: get(Sys::SenderId),
        size: size as u32,
    }
}

/// Receives up to `settings.count` messages with several receivers in parallel, handing each
/// batch to `sink` as it arrives. A receiver stops when a long poll comes back empty, when the
/// count is reached, or when the sink says Stop. In Peek mode the messages stay hidden while the
/// poll runs (so none is counted twice) and are all released at the end. Returns how many were
/// received.
pub async fn poll(
    client: &SqsClient,
    url: &str,
    settings: &PollSettings,
    sink: &dyn PollSink,
) -> Result<usize, CoreError> {
    if !(1..=10_000).contains(&settings.count) {
        return Err(CoreError::field("count", "Poll from 1 to 10,000 messages."));
    }
    if settings.wait_s > 20 {
        return Err(CoreError::field(
            "wait_s",
            "The wait time is 0 to 20 seconds.",
        ));
    }
    if settings
        .visibility_s
        .is_some_and(|v| v > sqs_rules::MAX_VISIBILITY_TIMEOUT)
    {
        return Err(CoreError::field(
            "visibility_s",
            "The visibility timeout is 0 s to 12 hours.",
        ));
    }
    let receivers = settings.receivers.clamp(1, 8) as usize;
    let peeked = std::sync::Mutex::new(Vec::<MessageHandle>::new());
    let reserved = AtomicUsize::new(0);
    let received = AtomicUsize::new(0);
    let total = settings.count as usize;
    let one = |_: usize| async {
        loop {
            if sink.cancelled() {
                return Ok::<(), CoreError>(());
            }
            // Reserve up to 10 of what is left, so receivers never overshoot the count.
            let want = loop {
                let r = reserved.load(Ordering::SeqCst);
                if r >= total {
                    return Ok(());
                }
                let n = (total - r).min(10);
                if reserved
                    .compare_exchange(r, r + n, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    break n;
                }
            };
            let mut req = client
                .sdk
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(want as i32)
                .wait_time_seconds(settings.wait_s as i32)
                .message_attribute_names("All")
                .message_system_attribute_names(Sys::All);
            let vis = match settings.mode {
                PollMode::Peek => Some(settings.visibility_s.unwrap_or(30).max(1)),
                PollMode::Receive => settings.visibility_s,
            };
            if let Some(v) = vis {
                req = req.visibility_timeout(v as i32);
            }
            let r = req
                .send()
                .await
                .map_err(|e| CoreError::from_sdk(e, &client.target))?;
            let msgs = r.messages();
            reserved.fetch_sub(want - msgs.len(), Ordering::SeqCst);
            if msgs.is_empty() {
                return Ok(());
            }
            received.fetch_add(msgs.len(), Ordering::SeqCst);
            let batch: Vec<ReceivedMessage> = msgs.iter().map(convert).collect();
            if settings.mode == PollMode::Peek {
                peeked
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(batch.iter().map(|m| MessageHandle {
                        message_id: m.message_id.clone(),
                        receipt_handle: m.receipt_handle.clone(),
                    }));
            }
            sink.deliver(batch);
        }
    };
    let results = futures::future::join_all((0..receivers).map(one)).await;
    // Release what was peeked even when a receiver failed.
    let handles = std::mem::take(&mut *peeked.lock().unwrap_or_else(|e| e.into_inner()));
    if !handles.is_empty() {
        change_visibility(client, url, &handles, 0).await?;
    }
    for r in results {
        r?;
    }
    Ok(received.load(Ordering::SeqCst))
}

/// A message to act on: its id (for the outcome) and its latest receipt handle.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct MessageHandle {
    pub message_id: String,
    pub receipt_handle: String,
}

/// What happened to one message of a batch action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EntryOutcome {
    pub message_id: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// Maps a batch answer (ids are positions in the chunk) to one outcome per entry, never dropping one.
fn outcomes(
    chunk: &[MessageHandle],
    ok_ids: Vec<String>,
    failed: Vec<(String, String)>,
) -> Vec<EntryOutcome> {
    let failed: HashMap<String, String> = failed.into_iter().collect();
    chunk
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let id = i.to_string();
            let (ok, error) = if ok_ids.contains(&id) {
                (true, None)
            } else {
                (
                    false,
                    Some(failed.get(&id).cloned().unwrap_or_else(|| {
                        "SQS did not answer for this message; it may still be there.".into()
                    })),
                )
            };
            EntryOutcome {
                message_id: h.message_id.clone(),
                ok,
                error,
            }
        })
        .collect()
}

/// How many batch requests a delete or visibility change sends at once.
const BATCH_CONCURRENCY: usize = 8;

/// Runs a batch action on chunks of 10, a few at a time; `send` gets the entries' (id, handle) and returns the
/// ids that succeeded and (id, reason) for those that failed.
async fn in_batches<F, Fut>(
    handles: &[MessageHandle],
    send: F,
) -> Result<Vec<EntryOutcome>, CoreError>
where
    F: Fn(Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<String>, Vec<(String, String)>), CoreError>>,
{
    let chunks: Vec<&[MessageHandle]> = handles.chunks(10).collect();
    let mut out = Vec::with_capacity(handles.len());
    // A few batches at a time: each is one request, so concurrency is what makes 10,000 quick.
    for wave in chunks.chunks(BATCH_CONCURRENCY) {
        let answers = futures::future::join_all(wave.iter().map(|chunk| {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, h)| (i.to_string(), h.receipt_handle.clone()))
                .collect();
            send(entries)
        }))
        .await;
        for (chunk, answer) in wave.iter().zip(answers) {
            match answer {
                Ok((ok, failed)) => out.extend(outcomes(chunk, ok, failed)),
                // The whole request failed: every entry of it says so; the others keep theirs.
                Err(e) => out.extend(chunk.iter().map(|h| EntryOutcome {
                    message_id: h.message_id.clone(),
                    ok: false,
                    error: Some(e.to_string()),
                })),
            }
        }
    }
    Ok(out)
}

/// The failed entries of a batch answer as (id, "message (code)"); `fallback` when SQS sent no message.
pub(crate) fn batch_failures(
    failed: &[BatchResultErrorEntry],
    fallback: &str,
) -> Vec<(String, String)> {
    failed
        .iter()
        .map(|f| {
            (
                f.id().to_string(),
                format!("{} ({})", f.message().unwrap_or(fallback), f.code()),
            )
        })
        .collect()
}

/// Deletes messages in batches of 10; each gets an outcome (a failed one keeps its reason).
pub async fn delete_messages(
    client: &SqsClient,
    url: &str,
    handles: &[MessageHandle],
) -> Result<Vec<EntryOutcome>, CoreError> {
    in_batches(handles, |entries| async move {
        let entries = entries
            .into_iter()
            .map(|(id, h)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(h)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let r = client
            .sdk
            .delete_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
        Ok((
            r.successful().iter().map(|s| s.id().to_string()).collect(),
            batch_failures(r.failed(), "failed"),
        ))
    })
    .await
}

/// Changes the visibility timeout of messages in batches of 10 (0 releases them at once).
pub async fn change_visibility(
    client: &SqsClient,
    url: &str,
    handles: &[MessageHandle],
    visibility_s: u32,
) -> Result<Vec<EntryOutcome>, CoreError> {
    if visibility_s > sqs_rules::MAX_VISIBILITY_TIMEOUT {
        return Err(CoreError::field(
            "visibility_s",
            "The visibility timeout is 0 s to 12 hours.",
        ));
    }
    in_batches(handles, |entries| async move {
        let entries = entries
            .into_iter()
            .map(|(id, h)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(h)
                    .visibility_timeout(visibility_s as i32)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let r = client
            .sdk
            .change_message_visibility_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
        Ok((
            r.successful().iter().map(|s| s.id().to_string()).collect(),
            batch_failures(r.failed(), "failed"),
        ))
    })
    .await
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

    #[test]
    fn every_batch_entry_gets_an_outcome_even_without_an_answer() {
        let chunk: Vec<MessageHandle> = (0..3)
            .map(|i| MessageHandle {
                message_id: format!("m{i}"),
                receipt_handle: "r".into(),
            })
            .collect();
        let o = outcomes(
            &chunk,
            vec!["0".into()],
            vec![("1".into(), "ReceiptHandleIsInvalid".into())],
        );
        assert_eq!(o.len(), 3);
        assert!(o[0].ok);
        assert_eq!(o[1].error.as_deref(), Some("ReceiptHandleIsInvalid"));
        assert!(!o[2].ok && o[2].error.as_deref().unwrap().contains("did not answer"));
    }
}
