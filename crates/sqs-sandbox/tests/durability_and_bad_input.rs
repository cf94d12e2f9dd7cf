//! The standalone `sqs-sandbox` binary: acknowledged messages survive `kill -9`, and bad
//! requests get SQS's errors without hurting the server or its data.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use test_support::sdk_client;

fn spawn(data_dir: &std::path::Path) -> (Child, String) {
    test_support::spawn_sandbox(
        std::path::Path::new(env!("CARGO_BIN_EXE_sqs-sandbox")),
        data_dir,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_kill_9_and_in_flight_ones_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn(dir.path());
    let sdk = sdk_client(&url);
    let q = test_support::create_queue(&sdk, "durable").await;
    let n = 500;
    for chunk in 0..n / 10 {
        let mut b = sdk.send_message_batch().queue_url(&q);
        for i in 0..10 {
            b = b.entries(
                SendMessageBatchRequestEntry::builder()
                    .id(format!("m{i}"))
                    .message_body(format!("{}", chunk * 10 + i))
                    .build()
                    .unwrap(),
            );
        }
        assert_eq!(b.send().await.unwrap().successful().len(), 10);
    }
    // Ten are in flight (2 s) when the server dies.
    let inflight = sdk
        .receive_message()
        .queue_url(&q)
        .max_number_of_messages(10)
        .visibility_timeout(2)
        .send()
        .await
        .unwrap();
    assert_eq!(inflight.messages().len(), 10);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let (mut child, url) = spawn(dir.path());
    let sdk = sdk_client(&url);
    let q = sdk
        .get_queue_url()
        .queue_name("durable")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while seen.len() < n && std::time::Instant::now() < deadline {
        let r = sdk
            .receive_message()
            .queue_url(&q)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for m in r.messages() {
            seen.insert(m.body().unwrap().to_string());
            sdk.delete_message()
                .queue_url(&q)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    assert_eq!(
        seen.len(),
        n,
        "every acknowledged message is back after kill -9, the in-flight ones after their timeout"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What is sent (name, X-Amz-Target, Content-Type, body) and the expected `__type` and legacy code.
type BadCase = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Vec<u8>,
    &'static str,
    &'static str,
);

/// Sends a raw HTTP request and returns (status, headers, body).
fn raw(url: &str, target: Option<&str>, content_type: &str, body: &[u8]) -> (u16, String, String) {
    let addr = url.trim_start_matches("http://");
    let mut head = format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    if let Some(t) = target {
        head.push_str(&format!("X-Amz-Target: {t}\r\n"));
    }
    head.push_str("\r\n");
    exchange(addr, head.as_bytes(), body)
}

/// Writes a request's head and body to `addr`, reads the whole answer: (status, headers, body).
fn exchange(addr: &str, head: &[u8], body: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(head).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, headers.to_ascii_lowercase(), body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_sqs_errors_and_hurt_nothing() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let sdk = sdk_client(&running.url);
    let q = test_support::create_queue(&sdk, "sturdy").await;
    sdk.send_message()
        .queue_url(&q)
        .message_body("keep me")
        .send()
        .await
        .unwrap();
    let url = running.url.clone();
    let json = "application/x-amz-json-1.0";
    let cases: Vec<BadCase> = vec![
        (
            "malformed JSON",
            Some("AmazonSQS.ListQueues"),
            json,
            b"{not json".to_vec(),
            "SerializationException",
            "MalformedQueryString",
        ),
        (
            "unknown target",
            Some("AmazonSQS.DropAllTables"),
            json,
            b"{}".to_vec(),
            "InvalidAction",
            "InvalidAction",
        ),
        (
            "no target",
            None,
            json,
            b"{}".to_vec(),
            "InvalidAction",
            "InvalidAction",
        ),
        (
            "neither protocol's content type",
            Some("AmazonSQS.ListQueues"),
            "text/plain",
            b"{}".to_vec(),
            "UnsupportedOperation",
            "AWS.SimpleQueueService.UnsupportedOperation",
        ),
        (
            "huge body",
            Some("AmazonSQS.SendMessage"),
            json,
            format!(
                r#"{{"QueueUrl":"{q}","MessageBody":"{}"}}"#,
                "x".repeat(4 * 1024 * 1024)
            )
            .into_bytes(),
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "body over the queue's maximum",
            Some("AmazonSQS.SendMessage"),
            json,
            format!(
                r#"{{"QueueUrl":"{q}","MessageBody":"{}"}}"#,
                "x".repeat(1024 * 1024 + 1)
            )
            .into_bytes(),
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "bad attribute value",
            Some("AmazonSQS.SetQueueAttributes"),
            json,
            format!(r#"{{"QueueUrl":"{q}","Attributes":{{"DelaySeconds":"901"}}}}"#).into_bytes(),
            "InvalidAttributeValue",
            "InvalidAttributeValue",
        ),
        (
            "missing parameter",
            Some("AmazonSQS.SendMessage"),
            json,
            format!(r#"{{"QueueUrl":"{q}"}}"#).into_bytes(),
            "MissingParameter",
            "MissingParameter",
        ),
        (
            "wrong member type",
            Some("AmazonSQS.ReceiveMessage"),
            json,
            format!(r#"{{"QueueUrl":"{q}","MaxNumberOfMessages":"many"}}"#).into_bytes(),
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
    ];
    for (what, target, ct, body, type_name, legacy) in cases {
        let u = url.clone();
        let (status, headers, resp) =
            tokio::task::spawn_blocking(move || raw(&u, target, ct, &body))
                .await
                .unwrap();
        assert_eq!(status, 400, "{what}: {resp}");
        assert!(
            resp.contains(&format!("\"__type\":\"com.amazonaws.sqs#{type_name}\"")),
            "{what}: {resp}"
        );
        assert!(
            headers.contains(&format!(
                "x-amzn-query-error: {};sender",
                legacy.to_ascii_lowercase()
            )),
            "{what}: {headers}"
        );
    }
    // Still up, data intact.
    let r = sdk.receive_message().queue_url(&q).send().await.unwrap();
    assert_eq!(r.messages()[0].body(), Some("keep me"));
    running.stop().await;
}

/// A ListQueues request with the given Host and optional Origin; returns (status, body).
fn list_queues_as(addr: &str, host: &str, origin: Option<&str>) -> (u16, String) {
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 2\r\nConnection: close\r\n"
    );
    if let Some(o) = origin {
        head.push_str(&format!("Origin: {o}\r\n"));
    }
    head.push_str("\r\n");
    let (status, _, body) = exchange(addr, head.as_bytes(), b"{}");
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_pages_cannot_reach_it_by_dns_rebinding_or_from_another_origin() {
    let running = sqs_sandbox::start(
        sqs_sandbox::Config {
            allow_hosts: vec!["sqs.test".into()],
            ..Default::default()
        },
        "127.0.0.1",
        0,
    )
    .await
    .unwrap();
    let addr = running.url.trim_start_matches("http://").to_string();
    let port = running.addr.port();
    let own = tokio::task::spawn_blocking({
        let addr = addr.clone();
        move || {
            [
                list_queues_as(&addr, &addr, None),
                list_queues_as(&addr, &format!("localhost:{port}"), None),
                list_queues_as(&addr, &format!("sqs.test:{port}"), None),
                // A rebound name: the page's own host name, resolved to 127.0.0.1.
                list_queues_as(&addr, &format!("attacker.example:{port}"), None),
                // Another origin posting to the right address.
                list_queues_as(&addr, &addr, Some("http://attacker.example")),
                // A preflight-less request from a page served by the sandbox's own address.
                list_queues_as(&addr, &addr, Some(&format!("http://{addr}"))),
            ]
        }
    })
    .await
    .unwrap();
    assert_eq!(own[0].0, 200, "{}", own[0].1);
    assert_eq!(own[1].0, 200, "{}", own[1].1);
    assert_eq!(own[2].0, 200, "an --allow-host name: {}", own[2].1);
    assert_eq!(own[3].0, 403, "{}", own[3].1);
    assert!(
        own[3].1.contains("AccessDenied") && own[3].1.contains("--allow-host"),
        "{}",
        own[3].1
    );
    assert_eq!(own[4].0, 403, "{}", own[4].1);
    assert!(own[4].1.contains("web pages"), "{}", own[4].1);
    assert_eq!(own[5].0, 200, "{}", own[5].1);
    running.stop().await;
}
