//! Bulk send: 10,000 lines where some are not messages, some break SQS's rules and some are
//! refused by the server — the report matches exactly what arrived in the queue.

use std::collections::BTreeSet;
use std::sync::Mutex;

use sqs_core::bulk::{send_all, send_items, BulkProgress, BulkSink};
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

/// Stops after `after` messages were sent.
struct StopAfter(u32, std::sync::atomic::AtomicU32);

impl BulkSink for StopAfter {
    fn progress(&self, p: BulkProgress) {
        self.1.store(p.sent, std::sync::atomic::Ordering::SeqCst);
    }
    fn cancelled(&self) -> bool {
        self.1.load(std::sync::atomic::Ordering::SeqCst) >= self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_streamed_and_a_stop_accounts_for_every_line_read() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let client = connect_local_ok(&running.url).await;
    let url = test_support::create_queue(&client.sdk, "streamed").await;
    let n = 50_000;
    // The queue takes 256 KiB, so only the lines that are not JSON or hold a NUL fail.
    let (text, _) = file(n);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    std::fs::write(&path, &text).unwrap();
    let items = sqs_core::import_stream::items(
        std::fs::File::open(&path).unwrap(),
        sqs_core::message_files::ImportFormat::JsonLines,
    );
    let sink = StopAfter(5_000, Default::default());
    let report = send_items(&client, &url, items, n, 8, &sink).await.unwrap();
    assert!(report.cancelled);
    let read = report.read_up_to;
    assert!(read < n, "it stopped early ({read} of {n} lines read)");
    // Every line read was sent or is counted as failed; nothing after it was sent.
    let bad_read = (1..=read).filter(|l| l % 97 == 0 || l % 89 == 0).count() as u32;
    assert_eq!(report.failed_count, bad_read);
    assert_eq!(report.sent + report.failed_count, read);
    let in_queue = test_support::available(&client.sdk, &url).await as u32;
    assert_eq!(
        in_queue, report.sent,
        "the queue holds what the report says was sent"
    );
    running.stop().await;
}

async fn connect_local_ok(url: &str) -> SqsClient {
    sqs_core::client::connect_local(url).await.expect("client")
}
