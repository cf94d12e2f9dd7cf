//! Counts the requests the app sends on each connection (every attempt, as SQS bills them) and
//! turns them into an estimated cost at SQS prices, so people see why batching and long polling
//! matter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_sqs::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sqs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sqs::error::BoxError;
use serde::Serialize;
use ts_rs::TS;

/// SQS bills each 64 KiB of a request's payload as one request.
pub const BILLING_CHUNK: usize = 64 * 1024;
/// US East prices, per million requests after the free tier (first million each month free).
pub const USD_PER_MILLION_STANDARD: f64 = 0.40;
pub const USD_PER_MILLION_FIFO: f64 = 0.50;
pub const FREE_PER_MONTH: u64 = 1_000_000;

/// Requests sent so far on one connection.
#[derive(Debug, Default)]
pub struct Usage {
    requests: AtomicU64,
    billed_standard: AtomicU64,
    billed_fifo: AtomicU64,
}

/// What the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UsageView {
    #[ts(type = "number")]
    pub requests: u64,
    /// Billed requests (64 KiB chunks) on standard and FIFO queues.
    #[ts(type = "number")]
    pub billed_standard: u64,
    #[ts(type = "number")]
    pub billed_fifo: u64,
    /// What they would cost once the month's free million is used up, in US dollars.
    pub usd_after_free_tier: f64,
}

/// The cost of billed requests beyond the free tier.
pub fn cost(billed_standard: u64, billed_fifo: u64) -> f64 {
    billed_standard as f64 * USD_PER_MILLION_STANDARD / 1e6
        + billed_fifo as f64 * USD_PER_MILLION_FIFO / 1e6
}

/// How many requests SQS bills for a payload of `bytes`.
pub fn billed_chunks(bytes: usize) -> u64 {
    bytes.div_ceil(BILLING_CHUNK).max(1) as u64
}

impl Usage {
    pub fn record(&self, payload_bytes: usize, fifo: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let billed = if fifo {
            &self.billed_fifo
        } else {
            &self.billed_standard
        };
        billed.fetch_add(billed_chunks(payload_bytes), Ordering::Relaxed);
    }

    pub fn view(&self) -> UsageView {
        let s = self.billed_standard.load(Ordering::Relaxed);
        let f = self.billed_fifo.load(Ordering::Relaxed);
        UsageView {
            requests: self.requests.load(Ordering::Relaxed),
            billed_standard: s,
            billed_fifo: f,
            usd_after_free_tier: cost(s, f),
        }
    }
}

/// The SDK interceptor that feeds a `Usage`: it sees every attempt just before it is sent.
#[derive(Debug, Clone)]
pub struct RequestCounter(pub Arc<Usage>);

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "SqsPilotRequestCounter"
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let body = ctx.request().body().bytes().unwrap_or_default();
        self.0.record(body.len(), is_fifo_request(body));
        Ok(())
    }
}

/// The members of a request that name its queue.
#[derive(serde::Deserialize)]
struct Target {
    #[serde(rename = "QueueUrl")]
    queue_url: Option<String>,
    #[serde(rename = "QueueName")]
    queue_name: Option<String>,
}

/// Whether a request (its JSON body) is for a FIFO queue: decided by the queue it names, never
/// by what a message body happens to contain.
pub fn is_fifo_request(body: &[u8]) -> bool {
    serde_json::from_slice::<Target>(body).is_ok_and(|t| {
        t.queue_url
            .as_deref()
            .or(t.queue_name.as_deref())
            .is_some_and(|q| q.ends_with(".fifo"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_billing_is_decided_by_the_queue_not_the_message() {
        let standard = br#"{"QueueUrl":"http://h/1/orders","MessageBody":"see "x.fifo""}"#;
        assert!(!is_fifo_request(standard));
        assert!(is_fifo_request(
            br#"{"QueueUrl":"http://h/1/orders.fifo","MessageBody":"a"}"#
        ));
        assert!(is_fifo_request(br#"{"QueueName":"new.fifo"}"#));
        assert!(!is_fifo_request(br#"{"QueueNamePrefix":"x.fifo"}"#));
    }

    #[test]
    fn chunks_of_64_kib_and_prices() {
        assert_eq!(billed_chunks(0), 1);
        assert_eq!(billed_chunks(64 * 1024), 1);
        assert_eq!(billed_chunks(64 * 1024 + 1), 2);
        assert_eq!(billed_chunks(256 * 1024), 4);
        let u = Usage::default();
        for _ in 0..1_000 {
            u.record(100, false);
        }
        u.record(200 * 1024, true);
        let v = u.view();
        assert_eq!(
            (v.requests, v.billed_standard, v.billed_fifo),
            (1_001, 1_000, 4)
        );
        assert!((v.usd_after_free_tier - (1_000.0 * 0.4 + 4.0 * 0.5) / 1e6).abs() < 1e-12);
    }
}
