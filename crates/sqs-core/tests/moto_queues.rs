//! The core's queue listing and counts against moto, an SQS server nobody here wrote.

use futures::stream::{self, StreamExt};
use sqs_core::client::SqsClient;
use sqs_core::queues::{list_queues, probe, queue_stats};
use sqs_core::ErrorKind;
use test_support::Moto;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_every_queue_past_the_first_page_of_1000() {
    let moto = Moto::start();
    let sdk = moto.sdk();
    let names: Vec<String> = (0..1005).map(|i| format!("bulk-{i:04}")).collect();
    stream::iter(names.clone())
        .map(|n| {
            let sdk = sdk.clone();
            async move {
                sdk.create_queue()
                    .queue_name(n)
                    .send()
                    .await
                    .expect("create")
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    sdk.create_queue()
        .queue_name("other.fifo")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .unwrap();

    let client = connect_local_ok(&moto.endpoint()).await;
    let all = list_queues(&client, None).await.expect("list");
    assert_eq!(all.len(), 1006, "every queue, not just the first 1,000");
    let listed: Vec<_> = all
        .iter()
        .filter(|q| q.name.starts_with("bulk-"))
        .map(|q| q.name.clone())
        .collect();
    assert_eq!(listed, names, "sorted by name, none missing or doubled");
    let fifo = all.iter().find(|q| q.name == "other.fifo").unwrap();
    assert!(fifo.fifo);
    assert!(all
        .iter()
        .filter(|q| q.name != "other.fifo")
        .all(|q| !q.fifo));

    let some = list_queues(&client, Some("bulk-100")).await.unwrap();
    let some: Vec<_> = some.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        some,
        [
            "bulk-1000",
            "bulk-1001",
            "bulk-1002",
            "bulk-1003",
            "bulk-1004"
        ]
    );
}

#[tokio::test]
async fn counts_follow_messages_and_a_missing_queue_fails_alone() {
    let moto = Moto::start();
    let sdk = moto.sdk();
    let client = connect_local_ok(&moto.endpoint()).await;
    assert!(
        !probe(&client).await.unwrap(),
        "a fresh server has no queues"
    );

    let url = sdk
        .create_queue()
        .queue_name("counted")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for i in 0..3 {
        sdk.send_message()
            .queue_url(&url)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    sdk.receive_message()
        .queue_url(&url)
        .max_number_of_messages(1)
        .send()
        .await
        .unwrap();
    assert!(probe(&client).await.unwrap());

    let gone = format!("{}/123456789012/never-was", moto.endpoint());
    let stats = queue_stats(&client, vec![url.clone(), gone.clone()]).await;
    assert_eq!(stats.len(), 2);
    let counts = stats[0].counts.as_ref().expect("counts of the real queue");
    assert_eq!(
        (counts.available, counts.in_flight, counts.delayed),
        (2, 1, 0)
    );
    let created = counts.created.expect("created timestamp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - created).abs() < 600, "created {created}, now {now}");
    assert_eq!(stats[1].url, gone);
    assert_eq!(
        stats[1]
            .error
            .as_ref()
            .expect("error for the missing queue")
            .kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_dead_endpoint_is_a_network_error_that_says_what_to_do() {
    let port = test_support::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let client = connect_local_ok(&url).await;
    let started = std::time::Instant::now();
    let err = list_queues(&client, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&url) && msg.contains("Check that the server is running"),
        "{msg}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_url_that_is_not_sqs_is_reported_as_such() {
    // A web server that is not SQS, answering 200 with HTML.
    let port = test_support::free_port();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut s in listener.incoming().flatten().take(4) {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "<html>hello</html>";
            let _ = write!(s, "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    let client = connect_local_ok(&format!("http://127.0.0.1:{port}")).await;
    let err = list_queues(&client, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSqs, "{err}");
    assert!(err.to_string().contains("not like SQS"), "{err}");
}

async fn connect_local_ok(url: &str) -> SqsClient {
    sqs_core::client::connect_local(url).await.expect("client")
}
