//! Bulk send: 10,000 lines where some are not messages, some break SQS's rules and some are
//! refused by the server — the report matches exactly what arrived in the queue.

use std::collections::BTreeSet;
use std::sync::Mutex;

use sqs_core::bulk::{send_all, BulkProgress, BulkSink};
use sqs_core::client::SqsClient;
use sqs_core::message_files::parse_json_lines;
use test_support::Moto;

#[derive(Default)]
struct Progress(Mutex<Vec<BulkProgress>>);

impl BulkSink for Progress {
    fn progress(&self, p: BulkProgress) {
        self.0.lock().unwrap().push(p);
    }
    fn cancelled(&self) -> bool {
        false
    }
}

/// `n` lines; every 97th is not JSON, every 89th has a NUL in its body, every 83rd is too big
/// for a queue whose maximum is 1 KiB. Returns the file and the line numbers that must fail.
fn file(n: u32) -> (String, BTreeSet<u32>) {
    let mut text = String::new();
    let mut bad = BTreeSet::new();
    for line in 1..=n {
        let l = if line % 97 == 0 {
            bad.insert(line);
            "{ not json".to_string()
        } else if line % 89 == 0 {
            bad.insert(line);
            format!(r#"{{"body": "nul\u0000{line}"}}"#)
        } else if line % 83 == 0 {
            bad.insert(line);
            format!(r#"{{"body": "{}"}}"#, "x".repeat(2000))
        } else {
            format!(
                r#"{{"body": "message {line}", "attributes": {{"n": {{"DataType": "Number", "StringValue": "{line}"}}}}}}"#
            )
        };
        text.push_str(&l);
        text.push('\n');
    }
    (text, bad)
}

async fn scenario(target: &str, client: &SqsClient, n: u32) {
    let url = client
        .sdk
        .create_queue()
        .queue_name("bulk")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::MaximumMessageSize,
            "1024",
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let (text, must_fail) = file(n);
    let (msgs, problems) = parse_json_lines(&text);
    let progress = Progress::default();
    let report = send_all(client, &url, msgs, problems, 8, &progress)
        .await
        .unwrap();
    let failed: BTreeSet<u32> = report.failed.iter().map(|p| p.line).collect();
    assert_eq!(
        failed, must_fail,
        "{target}: exactly the bad lines are reported"
    );
    assert_eq!(
        report.sent + report.failed.len() as u32,
        n,
        "{target}: every line accounted for"
    );
    let counts = sqs_core::queues::queue_counts(client, &url).await.unwrap();
    assert_eq!(
        counts.available, report.sent as i64,
        "{target}: the queue holds what was reported sent"
    );
    let last = *progress.0.lock().unwrap().last().unwrap();
    assert_eq!(
        (last.sent, last.failed, last.total),
        (report.sent, n - report.sent, n),
        "{target}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_lines_on_the_sandbox() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    scenario("sandbox", &connect_local_ok(&running.url).await, 10_000).await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_few_hundred_lines_on_moto() {
    // moto is slow with big queues; the same mix, smaller.
    let moto = Moto::start();
    scenario("moto", &connect_local_ok(&moto.endpoint()).await, 300).await;
}

async fn connect_local_ok(url: &str) -> SqsClient {
    sqs_core::client::connect_local(url).await.expect("client")
}
