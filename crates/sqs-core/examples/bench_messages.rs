//! Messages benchmark: sending 10,000 messages and receiving + deleting them with the app's core
//! (batches, parallel receivers) vs a plain boto3 loop (one call per message, as in the
//! tutorials) vs the AWS CLI (a sample of calls, extrapolated), all against the release sandbox
//! in the same run. Run with `bash bench/messages.sh`.

use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use sqs_core::bulk::{send_all, BulkProgress, BulkSink};
use sqs_core::client::connect;
use sqs_core::connection::{Connection, ConnectionSettings};
use sqs_core::messages::{
    delete_messages, poll, MessageHandle, OutgoingMessage, PollMode, PollSettings, PollSink,
    ReceivedMessage,
};

const N: u32 = 10_000;

struct Quiet;
impl BulkSink for Quiet {
    fn progress(&self, _: BulkProgress) {}
    fn cancelled(&self) -> bool {
        false
    }
}

#[derive(Default)]
struct Collect(Mutex<Vec<ReceivedMessage>>);
impl PollSink for Collect {
    fn deliver(&self, b: Vec<ReceivedMessage>) {
        self.0.lock().unwrap().extend(b);
    }
    fn cancelled(&self) -> bool {
        false
    }
}

const BOTO3: &str = r#"
import sys, time, boto3
url, n, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = boto3.client("sqs", endpoint_url=url.rsplit("/", 2)[0], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
t = time.time()
if what == "send":
    for i in range(n):
        c.send_message(QueueUrl=url, MessageBody=f"message {i}")
else:
    done = 0
    while done < n:
        r = c.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
        for m in r.get("Messages", []):
            c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            done += 1
print(time.time() - t)
"#;

fn python(venv: &std::path::Path, url: &str, n: u32, what: &str) -> f64 {
    let out = Command::new(venv.join("python"))
        .args(["-c", BOTO3, url, &n.to_string(), what])
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("seconds")
}

fn aws_cli(venv: &std::path::Path, endpoint: &str, args: &[&str]) -> String {
    let out = Command::new(venv.join("aws"))
        .args([
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--output",
            "json",
            "sqs",
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .output()
        .expect("aws");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::main]
async fn main() {
    let bin = std::env::args()
        .nth(1)
        .expect("usage: bench_messages PATH_TO_RELEASE_SQS_SANDBOX");
    let dir = tempfile::tempdir().unwrap();
    let (mut child, endpoint) = test_support::spawn_sandbox(std::path::Path::new(&bin), dir.path());
    let venv = test_support::venv_bin("python")
        .parent()
        .unwrap()
        .to_path_buf();
    let conn = Connection {
        id: "b".into(),
        name: "b".into(),
        settings: ConnectionSettings::Endpoint {
            url: endpoint.clone(),
            region: "us-east-1".into(),
            access_key_id: None,
        },
        secret_account: None,
    };
    let client = connect(&conn, None).await.unwrap();

    // The app's core.
    let q = test_support::create_queue(&client.sdk, "bench-core").await;
    let msgs: Vec<(u32, OutgoingMessage)> = (1..=N)
        .map(|i| {
            (
                i,
                OutgoingMessage {
                    body: format!("message {i}"),
                    ..Default::default()
                },
            )
        })
        .collect();
    let t = Instant::now();
    let report = send_all(&client, &q, msgs, vec![], 8, &Quiet)
        .await
        .unwrap();
    let core_send = t.elapsed().as_secs_f64();
    assert_eq!(report.sent, N);
    let t = Instant::now();
    let got = Collect::default();
    let settings = PollSettings {
        count: N,
        wait_s: 1,
        visibility_s: Some(300),
        mode: PollMode::Receive,
        receivers: 8,
    };
    poll(&client, &q, &settings, &got).await.unwrap();
    let handles: Vec<MessageHandle> = got
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|m| MessageHandle {
            message_id: m.message_id.clone(),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect();
    assert_eq!(handles.len() as u32, N);
    let outcomes = delete_messages(&client, &q, &handles).await.unwrap();
    let core_recv = t.elapsed().as_secs_f64();
    assert!(outcomes.iter().all(|o| o.ok));

    // A boto3 loop, one call per message.
    let qb = test_support::create_queue(&client.sdk, "bench-boto3").await;
    let boto_send = python(&venv, &qb, N, "send");
    let boto_recv = python(&venv, &qb, N, "receive");

    // The AWS CLI: 100 calls, extrapolated to 10,000 (a process per call).
    let qc = test_support::create_queue(&client.sdk, "bench-cli").await;
    let sample = 100;
    let t = Instant::now();
    for i in 0..sample {
        aws_cli(
            &venv,
            &endpoint,
            &[
                "send-message",
                "--queue-url",
                &qc,
                "--message-body",
                &format!("m{i}"),
            ],
        );
    }
    let cli_send = t.elapsed().as_secs_f64() * (N / sample) as f64;
    let t = Instant::now();
    for _ in 0..sample / 2 {
        let r = aws_cli(&venv, &endpoint, &["receive-message", "--queue-url", &qc]);
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        let h = v["Messages"][0]["ReceiptHandle"]
            .as_str()
            .unwrap()
            .to_string();
        aws_cli(
            &venv,
            &endpoint,
            &["delete-message", "--queue-url", &qc, "--receipt-handle", &h],
        );
    }
    let cli_recv = t.elapsed().as_secs_f64() * (N / (sample / 2)) as f64;
    child.kill().unwrap();
    child.wait().unwrap();

    println!("Messages benchmark — {N} messages against the release sandbox, same run");
    println!();
    println!("| figure | SQS Pilot core | boto3 loop | ratio | AWS CLI (100-call sample, extrapolated) | ratio |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| send {N} | {core_send:.2} s | {boto_send:.1} s | {:.0}× | {cli_send:.0} s | {:.0}× |",
        boto_send / core_send,
        cli_send / core_send
    );
    println!(
        "| receive + delete {N} | {core_recv:.2} s | {boto_recv:.1} s | {:.0}× | {cli_recv:.0} s | {:.0}× |",
        boto_recv / core_recv,
        cli_recv / core_recv
    );
}
