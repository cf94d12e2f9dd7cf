//! Polling: many messages read with parallel long-polling receivers (Receive keeps them in flight,
//! Peek releases them when the poll ends), streamed to a `PollSink` as they arrive.

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sqs::types::MessageSystemAttributeName as Sys;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::message_send::{b64, AttributeValue};
use crate::messages::{change_visibility, MessageHandle};
use crate::CoreError;

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
    /// 1–100,000 messages (SQS keeps about 120,000 in flight per queue).
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

/// The most messages one poll takes: Peek holds them all in flight until it ends, and SQS
/// allows about 120,000 in flight per queue.
pub const MAX_POLL: u32 = 100_000;

/// How long a Peek hides what it received: 30 s, plus a second for every 100 messages asked
/// for (100,000 → about 17 minutes), within SQS's 12 hours. The poll releases them all when it
/// ends, so a longer hold costs nothing once it is over.
pub fn peek_hold_s(count: u32) -> u32 {
    (30 + count / 100).min(43_200)
}

/// Where polled messages go, a batch at a time; also says when the user pressed Stop.
pub trait PollSink: Send + Sync {
    fn deliver(&self, batch: Vec<ReceivedMessage>);
    fn cancelled(&self) -> bool;
    /// Every message is in; a Peek now releases `count` of them (the poll ends after that).
    fn releasing(&self, _count: usize) {}
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
    if !(1..=MAX_POLL).contains(&settings.count) {
        return Err(CoreError::field(
            "count",
            "Poll from 1 to 100,000 messages (SQS keeps at most about 120,000 in flight per queue).",
        ));
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
                // Hidden until the poll ends and releases them: long enough that the first ones
                // do not come back (and are received twice) while a large poll is still running.
                PollMode::Peek => Some(
                    settings
                        .visibility_s
                        .unwrap_or_else(|| peek_hold_s(settings.count))
                        .max(1),
                ),
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
        sink.releasing(handles.len());
        change_visibility(client, url, &handles, 0).await?;
    }
    for r in results {
        r?;
    }
    Ok(received.load(Ordering::SeqCst))
}
