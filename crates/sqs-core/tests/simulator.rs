//! The simulator on the sandbox: with every message failing and maxReceiveCount 2, all of them
//! end in the dead-letter queue and none is deleted; with no failures, all are deleted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqs_core::simulator::{run, SimSettings, SimSink, SimTick};

/// Stops when `done` says so about a tick, or after 30 s.
struct Until {
    done: Box<dyn Fn(&SimTick) -> bool + Send + Sync>,
    stop: AtomicBool,
    started: Instant,
    ticks: Mutex<Vec<SimTick>>,
}

impl SimSink for Until {
    fn tick(&self, t: SimTick) {
        if (self.done)(&t) {
            self.stop.store(true, Ordering::SeqCst);
        }
        self.ticks.lock().unwrap().push(t);
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.started.elapsed() > Duration::from_secs(30)
    }
}

impl Until {
    /// Every worker log line of the run.
    fn log(&self) -> Vec<String> {
        let ticks = self.ticks.lock().unwrap();
        ticks.iter().flat_map(|t| t.log.clone()).collect()
    }
}

fn until(done: impl Fn(&SimTick) -> bool + Send + Sync + 'static) -> Arc<Until> {
    Arc::new(Until {
        done: Box::new(done),
        stop: AtomicBool::new(false),
        started: Instant::now(),
        ticks: Mutex::new(vec![]),
    })
}

fn settings(limit: u32, failure_percent: u32) -> SimSettings {
    SimSettings {
        produce_per_s: 20,
        produce_limit: Some(limit),
        body_template: "job {n}".into(),
        consumers: 2,
        batch_size: 5,
        processing_ms: 0,
        failure_percent,
        group_id: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_consumers_send_everything_to_the_dlq_and_healthy_ones_delete_it() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .expect("sandbox");
    let client = sqs_core::client::connect_local(&running.url).await.unwrap();
    let sdk = &client.sdk;
    let (source, dlq, _) = test_support::queue_with_dlq(sdk, "sim-work", 2, 1).await;

    // 100 % failure: each message is received twice, fails twice, then moves to the DLQ.
    let sink = until(|t| t.dlq == Some(10));
    let last = run(
        &client,
        &source,
        Some(&dlq),
        &settings(10, 100),
        sink.clone(),
    )
    .await
    .unwrap();
    assert_eq!(last.sent, 10);
    assert_eq!(last.deleted, 0, "a failing consumer deletes nothing");
    assert!(
        last.failed >= 20,
        "each message failed twice: {}",
        last.failed
    );
    assert_eq!(last.dlq, Some(10), "all ten are dead letters");
    let q = sqs_core::queues::queue_counts(&client, &source)
        .await
        .unwrap();
    assert_eq!(q.available + q.in_flight + q.delayed, 0);
    let log = sink.log();
    assert!(
        log.iter().any(|l| l.contains("FAILED \"job 1\"")),
        "{log:?}"
    );
    assert!(
        last.requests > 20,
        "requests are counted: {}",
        last.requests
    );
    // Small messages on a standard queue: each request is billed once, at the standard price.
    let expected = sqs_core::usage::cost(last.requests, 0);
    assert!(
        (last.usd - expected).abs() < 1e-12,
        "{} for {} requests, expected {expected}",
        last.usd,
        last.requests
    );

    // 0 % failure: everything produced is deleted, nothing more reaches the DLQ.
    let sink = until(|t| t.deleted == 15);
    let last = run(&client, &source, Some(&dlq), &settings(15, 0), sink.clone())
        .await
        .unwrap();
    assert_eq!((last.sent, last.deleted, last.failed), (15, 15, 0));
    assert_eq!(last.dlq, Some(10));
    let log = sink.log();
    assert!(
        log.iter().any(|l| l.contains("Received message: job ")),
        "{log:?}"
    );

    // Bad settings are refused with the field named.
    let mut bad = settings(1, 0);
    bad.batch_size = 11;
    let err = run(&client, &source, None, &bad, until(|_| true))
        .await
        .unwrap_err();
    assert_eq!(err.payload().field.as_deref(), Some("batch_size"));
    running.stop().await;
}
