//! Bulk send (import): messages read from a file as a stream (`import_stream.rs`) sent with
//! SendMessageBatch and bounded concurrency, with progress and cancel. The file is read on a
//! blocking thread only as fast as batches are sent (a few batches ahead), so memory stays
//! bounded whatever the file's size. Every line read ends up either sent or counted in the
//! report with its reason (the first 10,000 listed); nothing is dropped silently.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageAttributeValue, SendMessageBatchRequestEntry};
use serde::Serialize;
use ts_rs::TS;

use crate::client::SqsClient;
use crate::import_stream::Item;
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
    /// Every line up to this one was sent or failed (batches finish out of order).
    pub done_up_to: u32,
}

/// Problems listed in a report at most (the rest are counted).
pub const LISTED_PROBLEMS: usize = 10_000;

/// The end of a bulk send.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BulkReport {
    pub sent: u32,
    /// Invalid lines and entries SQS refused, by line (the first 10,000).
    pub failed: Vec<LineProblem>,
    /// All lines not sent, listed or not.
    pub failed_count: u32,
    /// True when the user stopped it.
    pub cancelled: bool,
    /// The last line read from the file: every line up to it was sent or is counted as failed;
    /// after a Stop, the lines after it were not sent.
    pub read_up_to: u32,
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
    done_up_to: std::sync::atomic::AtomicU32,
    total: u32,
    sink: &'a dyn BulkSink,
}

impl Tally<'_> {
    fn add(&self, sent: usize, failed: usize) {
        self.sent.fetch_add(sent, Ordering::SeqCst);
        self.failed.fetch_add(failed, Ordering::SeqCst);
        self.report();
    }

    fn report(&self) {
        self.sink.progress(BulkProgress {
            sent: self.sent.load(Ordering::SeqCst) as u32,
            failed: self.failed.load(Ordering::SeqCst) as u32,
            total: self.total,
            done_up_to: self.done_up_to.load(Ordering::SeqCst),
        });
    }

    /// Every line up to `line` is done: says so.
    fn done_up_to(&self, line: u32) {
        if self.done_up_to.fetch_max(line, Ordering::SeqCst) < line {
            self.report();
        }
    }
}

/// Sends one chunk of up to 10 with SendMessageBatch; returns the lines that failed.
async fn send_chunk(
    client: &SqsClient,
    url: &str,
    chunk: &[Checked],
    tally: &Tally<'_>,
) -> Result<Vec<LineProblem>, CoreError> {
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

/// Sends messages already in memory (tests, small lists): the same path as a file.
pub async fn send_all(
    client: &SqsClient,
    url: &str,
    messages: Vec<(u32, OutgoingMessage)>,
    problems: Vec<LineProblem>,
    concurrency: usize,
    sink: &dyn BulkSink,
) -> Result<BulkReport, CoreError> {
    let total = (messages.len() + problems.len()) as u32;
    let mut items: Vec<Item> = messages.into_iter().map(|(l, m)| (l, Ok(m))).collect();
    items.extend(problems.into_iter().map(|p| (p.line, Err(p.reason))));
    items.sort_by_key(|(l, _)| *l);
    send_items(
        client,
        url,
        Box::new(items.into_iter()),
        total,
        concurrency,
        sink,
    )
    .await
}

/// Problems seen so far: the first LISTED_PROBLEMS kept, all counted.
#[derive(Default)]
struct Problems {
    listed: Vec<LineProblem>,
    count: usize,
}

impl Problems {
    fn extend(&mut self, more: impl IntoIterator<Item = LineProblem>) {
        for p in more {
            self.count += 1;
            if self.listed.len() < LISTED_PROBLEMS {
                self.listed.push(p);
            }
        }
    }
}

/// One batch's send, owning its messages (so batches can be in flight together).
async fn send_owned(
    client: &SqsClient,
    url: &str,
    chunk: u64,
    batch: Vec<Checked>,
    tally: &Tally<'_>,
) -> (u64, Result<Vec<LineProblem>, CoreError>) {
    (chunk, send_chunk(client, url, &batch, tally).await)
}

/// The chunks read, in file order, until every chunk before them is done: the first line
/// that is not done yet is what a crash report can stand on.
#[derive(Default)]
struct Watermark {
    /// chunk number → (its last line, done)
    chunks: std::collections::BTreeMap<u64, (u32, bool)>,
}

impl Watermark {
    fn read(&mut self, chunk: u64, last_line: u32, done: bool) {
        self.chunks.insert(chunk, (last_line, done));
    }

    /// Marks a chunk done; returns the last line of the done run at the front, if it moved.
    fn done(&mut self, chunk: u64) -> Option<u32> {
        if let Some(c) = self.chunks.get_mut(&chunk) {
            c.1 = true;
        }
        let mut moved = None;
        while let Some((&k, &(last, true))) = self.chunks.iter().next() {
            self.chunks.remove(&k);
            moved = Some(last);
        }
        moved
    }
}

/// Sends the messages of a file's items, each checked first with SQS's rules, in batches of 10
/// with up to `concurrency` batches in flight. The items are read on a blocking thread that
/// stays at most `concurrency` batches ahead of the sends (back-pressure). `total` is the
/// number of items for the progress bar (from the preview).
pub async fn send_items(
    client: &SqsClient,
    url: &str,
    items: Box<dyn Iterator<Item = Item> + Send>,
    total: u32,
    concurrency: usize,
    sink: &dyn BulkSink,
) -> Result<BulkReport, CoreError> {
    use futures::StreamExt;
    let fifo = url.ends_with(".fifo");
    let concurrency = concurrency.clamp(1, 16);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Item>>(concurrency);
    let reader = tokio::task::spawn_blocking(move || {
        let mut items = items;
        loop {
            let mut chunk = Vec::with_capacity(10);
            let mut messages = 0;
            // Up to 10 messages; the lines that are not messages ride along (a run of bad
            // lines is handed on every 1,000 so progress keeps moving).
            while messages < 10 && chunk.len() < 1000 {
                match items.next() {
                    Some(item) => {
                        messages += item.1.is_ok() as usize;
                        chunk.push(item);
                    }
                    None => break,
                }
            }
            if chunk.is_empty() || tx.blocking_send(chunk).is_err() {
                break;
            }
        }
    });
    let tally = Tally {
        sent: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        done_up_to: Default::default(),
        total,
        sink,
    };
    let mut problems = Problems::default();
    let mut read_up_to = 0;
    let mut watermark = Watermark::default();
    let mut chunk_no = 0u64;
    let mut in_flight = futures::stream::FuturesUnordered::new();
    loop {
        while in_flight.len() < concurrency && !sink.cancelled() {
            let Some(chunk) = rx.recv().await else { break };
            chunk_no += 1;
            let mut batch = Vec::with_capacity(10);
            let mut bad = Vec::new();
            for (line, m) in chunk {
                read_up_to = line;
                match m.and_then(|m| match m.validate(fifo) {
                    Ok(attrs) => Ok((m, attrs)),
                    Err(e) => Err(e.to_string()),
                }) {
                    Ok((m, attrs)) => batch.push((line, m, attrs)),
                    Err(reason) => bad.push(LineProblem::fixed(line, reason)),
                }
            }
            if !bad.is_empty() {
                tally.add(0, bad.len());
                problems.extend(bad);
            }
            watermark.read(chunk_no, read_up_to, batch.is_empty());
            if batch.is_empty() {
                if let Some(line) = watermark.done(chunk_no) {
                    tally.done_up_to(line);
                }
            } else {
                in_flight.push(send_owned(client, url, chunk_no, batch, &tally));
            }
        }
        match in_flight.next().await {
            Some((chunk, done)) => {
                problems.extend(done?);
                if let Some(line) = watermark.done(chunk) {
                    tally.done_up_to(line);
                }
            }
            None => break,
        }
    }
    drop(rx); // the reader stops at its next hand-over
    let _ = reader.await;
    let mut failed = problems.listed;
    failed.sort_by_key(|p| p.line);
    Ok(BulkReport {
        sent: tally.sent.load(Ordering::SeqCst) as u32,
        failed,
        failed_count: problems.count as u32,
        cancelled: sink.cancelled(),
        read_up_to,
    })
}
