//! The live "how a queue works" view: producers send at a steady rate, consumer workers receive
//! in batches, "process" each message for a while and delete it — or fail it at a chosen rate,
//! so it comes back after the visibility timeout and, after maxReceiveCount, lands in the DLQ.
//! Every second a tick reports the simulator's exact counts beside the queue's approximate ones,
//! with the workers' log lines. It runs only when the user starts it, until Stop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::queues::{queue_counts, QueueCounts};
use crate::CoreError;

/// What to simulate.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct SimSettings {
    /// Messages produced per second (0–100).
    pub produce_per_s: u32,
    /// Stop producing after this many (None: until Stop).
    pub produce_limit: Option<u32>,
    /// The body; `{n}` becomes a counter and `{time}` the time sent.
    pub body_template: String,
    /// Consumer workers (0–10).
    pub consumers: u32,
    /// Messages per receive (1–10).
    pub batch_size: u32,
    /// How long a worker "processes" a message.
    pub processing_ms: u32,
    /// Share of messages whose processing fails (0–100 %): they are not deleted.
    pub failure_percent: u32,
    /// FIFO queues: the message group of produced messages.
    pub group_id: Option<String>,
}

/// One second of the simulation.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SimTick {
    /// Seconds since the start.
    pub second: u32,
    /// Totals since the start, counted by the simulator itself (exact).
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number")]
    pub deleted: u64,
    #[ts(type = "number")]
    pub failed: u64,
    /// Requests the simulator sent.
    #[ts(type = "number")]
    pub requests: u64,
    /// What SQS bills for them (each 64 KiB of a request is one), in US dollars after the
    /// free tier, at `usage.rs`'s prices.
    pub usd: f64,
    /// The queue's own approximate counts (None if they could not be read).
    pub queue: Option<QueueCounts>,
    /// Messages in the dead-letter queue (approximate), if the queue has one.
    #[ts(type = "number | null")]
    pub dlq: Option<i64>,
    /// The workers' log lines of this second.
    pub log: Vec<String>,
}

/// Where ticks go, and whether to stop.
pub trait SimSink: Send + Sync {
    fn tick(&self, t: SimTick);
    fn cancelled(&self) -> bool;
}

#[derive(Default)]
struct Totals {
    sent: AtomicU64,
    received: AtomicU64,
    deleted: AtomicU64,
    failed: AtomicU64,
    requests: AtomicU64,
    /// Billed requests: a send's 64 KiB chunks, one for every other request.
    billed: AtomicU64,
    log: Mutex<Vec<String>>,
}

impl Totals {
    /// One request sent, billed as `billed` requests.
    fn count_request(&self, billed: u64) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.billed.fetch_add(billed, Ordering::Relaxed);
    }

    fn log(&self, line: String) {
        let mut l = self.log.lock().unwrap_or_else(|e| e.into_inner());
        // A busy simulation keeps the last lines of each second, not thousands.
        if l.len() < 200 {
            l.push(line);
        }
    }
}

/// A small deterministic generator for the failure draw (no need for cryptographic quality).
struct XorShift(u64);
impl XorShift {
    fn percent(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 100) as u32
    }
}

impl SimSettings {
    pub fn validate(&self) -> Result<(), CoreError> {
        let check = |ok: bool, field: &str, msg: &str| {
            if ok {
                Ok(())
            } else {
                Err(CoreError::field(field, msg))
            }
        };
        check(
            self.produce_per_s <= 100,
            "produce_per_s",
            "Producers send 0 to 100 messages a second.",
        )?;
        check(
            self.consumers <= 10,
            "consumers",
            "0 to 10 consumer workers.",
        )?;
        check(
            (1..=10).contains(&self.batch_size),
            "batch_size",
            "A receive takes 1 to 10 messages.",
        )?;
        check(
            self.processing_ms <= 60_000,
            "processing_ms",
            "Processing takes at most 60 s.",
        )?;
        check(
            self.failure_percent <= 100,
            "failure_percent",
            "The failure rate is 0 to 100 %.",
        )?;
        check(
            !self.body_template.is_empty(),
            "body_template",
            "The body template is empty.",
        )
    }
}

async fn produce(
    client: SqsClient,
    url: String,
    s: SimSettings,
    totals: Arc<Totals>,
    stop: Arc<dyn Fn() -> bool + Send + Sync>,
) {
    if s.produce_per_s == 0 {
        return;
    }
    let every = Duration::from_secs_f64(1.0 / s.produce_per_s as f64);
    let mut next = tokio::time::Instant::now();
    let mut n: u64 = 0;
    while !stop() && s.produce_limit.is_none_or(|l| n < l as u64) {
        n += 1;
        let body = s
            .body_template
            .replace("{n}", &n.to_string())
            .replace("{time}", &chrono_like_now());
        let mut req = client
            .sdk
            .send_message()
            .queue_url(&url)
            .message_body(&body);
        if url.ends_with(".fifo") {
            req = req
                .message_group_id(s.group_id.clone().unwrap_or_else(|| "simulator".into()))
                .message_deduplication_id(uuid::Uuid::new_v4().to_string());
        }
        totals.count_request(crate::usage::billed_chunks(body.len()));
        match req.send().await {
            Ok(_) => {
                totals.sent.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => totals.log(format!(
                "producer: send failed: {}",
                CoreError::from_sdk(e, &client.target)
            )),
        }
        next += every;
        tokio::time::sleep_until(next).await;
    }
}

fn chrono_like_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    format!("{h:02}:{m:02}:{s:02} UTC")
}

async fn consume(
    worker: u32,
    client: SqsClient,
    url: String,
    s: SimSettings,
    totals: Arc<Totals>,
    stop: Arc<dyn Fn() -> bool + Send + Sync>,
) {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ ((worker as u64 + 1) * 0x2545_F491_4F6C_DD1D));
    while !stop() {
        totals.count_request(1);
        let r = client
            .sdk
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(s.batch_size as i32)
            .wait_time_seconds(1)
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
            )
            .send()
            .await;
        let msgs = match r {
            Ok(r) => r.messages.unwrap_or_default(),
            Err(e) => {
                totals.log(format!(
                    "worker {worker}: receive failed: {}",
                    CoreError::from_sdk(e, &client.target)
                ));
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        for m in msgs {
            totals.received.fetch_add(1, Ordering::Relaxed);
            let body = m.body().unwrap_or_default();
            let short: String = body.chars().take(60).collect();
            let count = m
                .attributes()
                .and_then(|a| {
                    a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
                })
                .cloned()
                .unwrap_or_else(|| "?".into());
            if s.processing_ms > 0 {
                tokio::time::sleep(Duration::from_millis(s.processing_ms as u64)).await;
            }
            if rng.percent() < s.failure_percent {
                totals.failed.fetch_add(1, Ordering::Relaxed);
                totals.log(format!(
                    "worker {worker}: FAILED \"{short}\" (receive {count}); not deleted, it comes back after the visibility timeout"
                ));
                continue;
            }
            totals.count_request(1);
            let del = client
                .sdk
                .delete_message()
                .queue_url(&url)
                .receipt_handle(m.receipt_handle().unwrap_or_default())
                .send()
                .await;
            match del {
                Ok(_) => {
                    totals.deleted.fetch_add(1, Ordering::Relaxed);
                    totals.log(format!("worker {worker}: Received message: {short}"));
                }
                Err(e) => totals.log(format!(
                    "worker {worker}: delete failed: {}",
                    CoreError::from_sdk(e, &client.target)
                )),
            }
        }
    }
}

/// Runs the simulation on `url` (and watches `dlq_url`, if any) until the sink says Stop.
/// Returns the last tick.
pub async fn run(
    client: &SqsClient,
    url: &str,
    dlq_url: Option<&str>,
    settings: &SimSettings,
    sink: Arc<dyn SimSink>,
) -> Result<SimTick, CoreError> {
    settings.validate()?;
    let totals = Arc::new(Totals::default());
    let stop_sink = sink.clone();
    let stop: Arc<dyn Fn() -> bool + Send + Sync> = Arc::new(move || stop_sink.cancelled());
    let mut tasks = vec![tokio::spawn(produce(
        client.clone(),
        url.to_string(),
        settings.clone(),
        totals.clone(),
        stop.clone(),
    ))];
    for w in 1..=settings.consumers {
        tasks.push(tokio::spawn(consume(
            w,
            client.clone(),
            url.to_string(),
            settings.clone(),
            totals.clone(),
            stop.clone(),
        )));
    }
    let start = Instant::now();
    let mut second = 0;
    let last = loop {
        tokio::time::sleep_until(tokio::time::Instant::from_std(
            start + Duration::from_secs(second as u64 + 1),
        ))
        .await;
        second += 1;
        let queue = queue_counts(client, url).await.ok();
        let dlq = match dlq_url {
            Some(d) => queue_counts(client, d)
                .await
                .ok()
                .map(|c| c.available + c.in_flight + c.delayed),
            None => None,
        };
        for _ in 0..1 + dlq_url.is_some() as u64 {
            totals.count_request(1);
        }
        let billed = totals.billed.load(Ordering::Relaxed);
        let tick = SimTick {
            second,
            sent: totals.sent.load(Ordering::Relaxed),
            received: totals.received.load(Ordering::Relaxed),
            deleted: totals.deleted.load(Ordering::Relaxed),
            failed: totals.failed.load(Ordering::Relaxed),
            requests: totals.requests.load(Ordering::Relaxed),
            usd: if url.ends_with(".fifo") {
                crate::usage::cost(0, billed)
            } else {
                crate::usage::cost(billed, 0)
            },
            queue,
            dlq,
            log: std::mem::take(&mut *totals.log.lock().unwrap_or_else(|e| e.into_inner())),
        };
        let stopping = sink.cancelled();
        sink.tick(tick.clone());
        if stopping {
            break tick;
        }
    };
    for t in tasks {
        let _ = t.await;
    }
    Ok(last)
}
