//! Clients nobody here wrote: boto3 and the AWS CLI (from the test venv) drive the sandbox
//! through create / send with attributes / receive / delete / DLQ / FIFO flows. boto3 checks
//! the MD5 digests of bodies and attributes itself. The conformance scenarios in
//! `clients/conformance.py` run twice, once per wire protocol: today's boto3 speaks JSON and the
//! pinned botocore 1.31.0 speaks the query (XML) protocol; moto runs the same file as referee.

use std::process::Command;

use test_support::{query_venv_bin, venv_bin, Moto};

const CONFORMANCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/conformance.py");

/// Runs the conformance scenarios with one venv's boto3 against `url`; returns what it printed.
fn conformance(python: std::path::PathBuf, url: String, referee: &str) -> String {
    run(Command::new(python).args([CONFORMANCE, &url, referee]))
}

async fn both_protocols(url: String, referee: &'static str) {
    let (json, query) = tokio::join!(
        tokio::task::spawn_blocking({
            let url = url.clone();
            move || conformance(venv_bin("python"), url, referee)
        }),
        tokio::task::spawn_blocking(move || conformance(query_venv_bin("python"), url, referee)),
    );
    let (json, query) = (json.unwrap(), query.unwrap());
    assert!(
        json.contains("protocol json") && json.contains("conformance ok"),
        "{json}"
    );
    assert!(
        query.contains("protocol query") && query.contains("conformance ok"),
        "{query}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conformance_scenarios_pass_on_both_protocols() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    both_protocols(running.url.clone(), "sandbox").await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_agrees_with_the_conformance_scenarios_on_both_protocols() {
    let moto = tokio::task::spawn_blocking(Moto::start).await.unwrap();
    both_protocols(moto.endpoint(), "moto").await;
}

const BOTO3_FLOW: &str = r#"
import json, sys, boto3
c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="any", aws_secret_access_key="any")
dlq = c.create_queue(QueueName="py-dlq")["QueueUrl"]
dlq_arn = c.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
q = c.create_queue(QueueName="py-work", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
c.send_message(QueueUrl=q, MessageBody="héllo", MessageAttributes={
    "s": {"DataType": "String", "StringValue": "v"},
    "n": {"DataType": "Number.int", "StringValue": "7"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}})
m = c.receive_message(QueueUrl=q, MessageAttributeNames=["All"], VisibilityTimeout=0)["Messages"][0]
assert m["Body"] == "héllo", m
assert m["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01\xff", m
assert c.receive_message(QueueUrl=q).get("Messages", []) == []
d = c.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"][0]
assert d["Attributes"]["DeadLetterQueueSourceArn"].endswith(":py-work"), d
c.delete_message(QueueUrl=dlq, ReceiptHandle=d["ReceiptHandle"])
f = c.create_queue(QueueName="py.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
for b in ["1", "2", "3"]:
    c.send_message(QueueUrl=f, MessageBody=b, MessageGroupId="g")
got = [x["Body"] for x in c.receive_message(QueueUrl=f, MaxNumberOfMessages=10)["Messages"]]
assert got == ["1", "2", "3"], got
try:
    c.get_queue_url(QueueName="missing")
    raise SystemExit("expected QueueDoesNotExist")
except c.exceptions.QueueDoesNotExist:
    pass
print("boto3 flow ok")
"#;

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (run scripts/setup.sh test)"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_runs_its_flows_against_the_sandbox() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let url = running.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        run(Command::new(venv_bin("python")).args(["-c", BOTO3_FLOW, &url]))
    })
    .await
    .unwrap();
    assert!(out.contains("boto3 flow ok"), "{out}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_cli_works_with_only_an_endpoint_url() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let url = running.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        let aws = |args: &[&str]| {
            run(Command::new(venv_bin("aws"))
                .args([
                    "--endpoint-url",
                    &url,
                    "--region",
                    "us-east-1",
                    "--output",
                    "json",
                    "sqs",
                ])
                .args(args)
                .env("AWS_ACCESS_KEY_ID", "any")
                .env("AWS_SECRET_ACCESS_KEY", "any"))
        };
        let created = aws(&["create-queue", "--queue-name", "cli-q"]);
        let q: serde_json::Value = serde_json::from_str(&created).unwrap();
        let q = q["QueueUrl"].as_str().unwrap().to_string();
        aws(&[
            "send-message",
            "--queue-url",
            &q,
            "--message-body",
            "from the cli",
            "--message-attributes",
            r#"{"k":{"DataType":"String","StringValue":"v"}}"#,
        ]);
        let got = aws(&[
            "receive-message",
            "--queue-url",
            &q,
            "--message-attribute-names",
            "All",
        ]);
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        let m = &v["Messages"][0];
        assert_eq!(m["Body"], "from the cli");
        assert_eq!(m["MessageAttributes"]["k"]["StringValue"], "v");
        aws(&[
            "delete-message",
            "--queue-url",
            &q,
            "--receipt-handle",
            m["ReceiptHandle"].as_str().unwrap(),
        ]);
        aws(&["list-queues"])
    })
    .await
    .unwrap();
    assert!(out.contains("cli-q"), "{out}");
    running.stop().await;
}
