//! Bulk send (import): messages read from a file (`message_files.rs`) sent with
//! SendMessageBatch and bounded concurrency, with progress and cancel. Every line ends up
//! either sent or in the report with its reason; nothing is dropped silently.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageAttributeValue, SendMessageBatchRequestEntry};
use serde::Serialize;
use ts_rs::TS;

use crate::client::SqsClient;
use crate::messages::OutgoingMessage;
use crate::CoreError;

pub use crate::message_files::LineProblem;

/// Progress of a bulk send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BulkProgress {
    pub sent: u32,
    pub failed: u32,
    pub total: u32,
}

/// The end of a bulk send.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BulkReport {
    pub sent: u32,
    /// Invalid lines and entries SQS refused, by line.
    pub failed: Vec<LineProblem>,
    /// True when the user stopped it; lines not reached are neither sent nor listed.
    pub cancelled: bool,
}

/// Where progress goes, and whether to stop.
pub trait BulkSink: Send + Sync {
    fn progress(&self, p: BulkProgress);
    fn cancelled(&self) -> bool;
}

fn entry(
    id: usize,
    m: &OutgoingMessage,
    attrs: &[sqs_rules::MessageAttr],
) -> Result<SendMessageBatchRequestEntry, String> {
    let mut e = SendMessageBatchRequestEntry::builder()
        .id(id.to_string())
        .message_body(&m.body);
    for a in attrs {
        let mut v = MessageAttributeValue::builder().data_type(&a.data_type);
        v = match (&a.string, &a.binary) {
            (_, Some(b)) => v.binary_value(Blob::new(b.clone())),
            (Some(s), _) => v.string_value(s),
            _ => v,
        };
        e = e.message_attributes(&a.name, v.build().map_err(|e| e.to_string())?);
    }
    if let Some(d) = m.delay_s.filter(|d| *d > 0) {
        e = e.delay_seconds(d as i32);
    }
    e = e
        .set_message_group_id(m.group_id.clone())
        .set_message_deduplication_id(m.dedup_id.clone());
    e.build().map_err(|e| e.to_string())
}

type Checked = (u32, OutgoingMessage, Vec<sqs_rules::MessageAttr>);

/// Shared counters of one bulk send.
struct Tally<'a> {
    sent: AtomicUsize,
    failed: AtomicUsize,
    total: u32,
    sink: &'a dyn BulkSink,
}

impl Tally<'_> {
    fn add(&self, sent: usize, failed: usize) {
        let s = self.sent.fetch_add(sent, Ordering::SeqCst) + sent;
        let f = self.failed.fetch_add(failed, Ordering::SeqCst) + failed;
        self.sink.progress(BulkProgress {
            sent: s as u32,
            failed: f as u32,
            total: self.total,
        });
    }
}

/// Sends one chunk of up to 10 with SendMessageBatch; returns the lines that failed.
async fn send_chunk(
    client: &SqsClient,
    url: &str,
    chunk: &[Checked],
    tally: &Tally<'_>,
) -> Result<Vec<LineProblem>, CoreError> {
    if tally.sink.cancelled() {
        return Ok(vec![]);
    }
    let mut lines: HashMap<String, u32> = HashMap::new();
    let mut entries = Vec::with_capacity(chunk.len());
    let mut local = Vec::new();
    for (i, (line, m, attrs)) in chunk.iter().enumerate() {
        match entry(i, m, attrs) {
            Ok(e) => {
                lines.insert(i.to_string(), *line);
                entries.push(e);
            }
            Err(reason) => local.push(LineProblem::fixed(*line, reason)),
        }
    }
    let answer = client
        .sdk
        .send_message_batch()
        .queue_url(url)
        .set_entries(Some(entries))
        .send()
        .await;
    let r = match answer {
        Ok(r) => r,
        Err(e) => {
            let err = CoreError::from_sdk(e, &client.target);
            if !matches!(
                err.kind(),
                crate::ErrorKind::Service | crate::ErrorKind::Validation
            ) {
                return Err(err);
            }
            // The whole batch was refused (some servers do that for one bad entry): send its
            // messages one by one so each gets its own outcome.
            let mut ok = 0;
            for (line, m, _) in chunk
                .iter()
                .filter(|(l, _, _)| lines.values().any(|x| x == l))
            {
                match crate::messages::send_message(client, url, m).await {
                    Ok(_) => ok += 1,
                    Err(e) => local.push(LineProblem {
                        line: *line,
                        reason: e.to_string(),
                        retry: matches!(
                            e.kind(),
                            crate::ErrorKind::Network | crate::ErrorKind::Throttled
                        ),
                    }),
                }
            }
            tally.add(ok, local.len());
            return Ok(local);
        }
    };
    let ok: Vec<&str> = r.successful().iter().map(|s| s.id()).collect();
    let reasons = crate::messages::batch_failures(r.failed(), "refused");
    for ((id, reason), entry) in reasons.into_iter().zip(r.failed()) {
        local.push(LineProblem {
            line: lines.get(&id).copied().unwrap_or(0),
            reason,
            // SQS marks an entry's fault: the sender's (its content) cannot succeed as it is.
            retry: !entry.sender_fault(),
        });
    }
    // An entry in neither list is reported, never silently dropped.
    for (id, line) in &lines {
        if !ok.contains(&id.as_str()) && !r.failed().iter().any(|f| f.id() == id) {
            local.push(LineProblem {
                line: *line,
                reason: "SQS did not answer for this entry".into(),
                retry: true,
            });
        }
    }
    tally.add(ok.len(), local.len());
    Ok(local)
}

/// Sends every message (checked first with SQS's rules) in batches of 10, `concurrency`
/// batches at a time, reporting progress after each batch.
pub async fn send_all(
    client: &SqsClient,
    url: &str,
    messages: Vec<(u32, OutgoingMessage)>,
    mut problems: Vec<LineProblem>,
    concurrency: usize,
    sink: &dyn BulkSink,
) -> Result<BulkReport, CoreError> {
    let fifo = url.ends_with(".fifo");
    let total = (messages.len() + problems.len()) as u32;
    let mut valid: Vec<Checked> = Vec::with_capacity(messages.len());
    for (line, m) in messages {
        match m.validate(fifo) {
            Ok(attrs) => valid.push((line, m, attrs)),
            Err(e) => problems.push(LineProblem::fixed(line, e.to_string())),
        }
    }
    let tally = Tally {
        sent: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        total,
        sink,
    };
    tally.add(0, problems.len());
    let chunks: Vec<&[Checked]> = valid.chunks(10).collect();
    for wave in chunks.chunks(concurrency.clamp(1, 16)) {
        if sink.cancelled() {
            break;
        }
        let results =
            futures::future::join_all(wave.iter().map(|c| send_chunk(client, url, c, &tally)))
                .await;
        for r in results {
            problems.extend(r?);
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok(BulkReport {
        sent: tally.sent.load(Ordering::SeqCst) as u32,
        failed: problems,
        cancelled: sink.cancelled(),
    })
}
