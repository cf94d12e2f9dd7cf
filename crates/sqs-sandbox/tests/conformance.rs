//! One conformance suite, run against the sandbox and against moto (an SQS server nobody here
//! wrote), through aws-sdk-sqs. Where moto differs from SQS, the test says so and checks SQS's
//! behaviour on the sandbox only.

use std::time::{Duration, Instant};

use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName as A,
    SendMessageBatchRequestEntry,
};
use aws_sdk_sqs::Client;
use test_support::{sdk_client, Moto};

struct Target {
    name: &'static str,
    sdk: Client,
    sandbox: bool,
    _moto: Option<Moto>,
    _sandbox: Option<sqs_sandbox::Running>,
}

async fn sandbox() -> Target {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    Target {
        name: "sandbox",
        sdk: sdk_client(&running.url),
        sandbox: true,
        _moto: None,
        _sandbox: Some(running),
    }
}

fn moto() -> Target {
    let m = Moto::start();
    Target {
        name: "moto",
        sdk: m.sdk(),
        sandbox: false,
        _moto: Some(m),
        _sandbox: None,
    }
}

async fn targets() -> Vec<Target> {
    vec![sandbox().await, moto()]
}

/// The service error code of a failed call.
fn code<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    r: Result<T, SdkError<E, R>>,
) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(SdkError::ServiceError(e)) => e.err().code().unwrap_or("(none)").to_string(),
        Err(e) => panic!("expected a service error, got {e:?}"),
    }
}

async fn arn(sdk: &Client, url: &str) -> String {
    sdk.get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&A::QueueArn]
        .clone()
}

async fn count(sdk: &Client, url: &str, attr: A) -> i64 {
    let r = sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(attr.clone())
        .send()
        .await
        .unwrap();
    r.attributes().unwrap()[&attr].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_are_created_idempotently_listed_in_pages_and_deleted() {
    for t in targets().await {
        let sdk = &t.sdk;
        let url = sdk
            .create_queue()
            .queue_name("conf-a")
            .attributes(A::VisibilityTimeout, "45")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let again = sdk
            .create_queue()
            .queue_name("conf-a")
            .attributes(A::VisibilityTimeout, "45")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        assert_eq!(
            url, again,
            "{}: same name + same attributes = same queue",
            t.name
        );
        let c = code(
            sdk.create_queue()
                .queue_name("conf-a")
                .attributes(A::VisibilityTimeout, "46")
                .send()
                .await,
        );
        assert_eq!(c, "QueueAlreadyExists", "{}", t.name);
        for i in 0..5 {
            sdk.create_queue()
                .queue_name(format!("conf-page-{i}"))
                .send()
                .await
                .unwrap();
        }
        let p1 = sdk
            .list_queues()
            .queue_name_prefix("conf-page-")
            .max_results(3)
            .send()
            .await
            .unwrap();
        assert_eq!(p1.queue_urls().len(), 3, "{}", t.name);
        let token = p1
            .next_token()
            .expect("a next token when MaxResults is set")
            .to_string();
        let p2 = sdk
            .list_queues()
            .queue_name_prefix("conf-page-")
            .max_results(3)
            .next_token(token)
            .send()
            .await
            .unwrap();
        assert_eq!(p2.queue_urls().len(), 2, "{}", t.name);
        let mut all: Vec<_> = p1
            .queue_urls()
            .iter()
            .chain(p2.queue_urls())
            .cloned()
            .collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 5, "{}: pages neither overlap nor miss", t.name);

        let got = sdk
            .get_queue_url()
            .queue_name("conf-a")
            .send()
            .await
            .unwrap();
        assert_eq!(got.queue_url(), Some(url.as_str()));
        assert!(
            sdk.get_queue_url()
                .queue_name("never-made")
                .send()
                .await
                .unwrap_err()
                .into_service_error()
                .is_queue_does_not_exist(),
            "{}",
            t.name
        );

        if t.sandbox {
            // moto accepts a visibility timeout above SQS's 12 hours.
            let c = code(
                sdk.set_queue_attributes()
                    .queue_url(&url)
                    .attributes(A::VisibilityTimeout, "43201")
                    .send()
                    .await,
            );
            assert_eq!(c, "InvalidAttributeValue");
        }

        sdk.delete_queue().queue_url(&url).send().await.unwrap();
        assert!(sdk
            .get_queue_url()
            .queue_name("conf-a")
            .send()
            .await
            .is_err());
        if t.sandbox {
            // moto lets a queue be recreated at once; SQS (and the sandbox) make you wait 60 s.
            assert_eq!(
                code(sdk.create_queue().queue_name("conf-a").send().await),
                "AWS.SimpleQueueService.QueueDeletedRecently"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_go_in_flight_come_back_and_are_deleted() {
    for t in targets().await {
        let sdk = &t.sdk;
        let url = test_support::create_queue(sdk, "conf-msgs").await;
        let sent = sdk
            .send_message()
            .queue_url(&url)
            .message_body("hello")
            .message_attributes(
                "kind",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("order")
                    .build()
                    .unwrap(),
            )
            .message_attributes(
                "n",
                MessageAttributeValue::builder()
                    .data_type("Number")
                    .string_value("42")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            sent.md5_of_message_body(),
            Some("5d41402abc4b2a76b9719d911017c592"),
            "{}",
            t.name
        );
        let r = sdk
            .receive_message()
            .queue_url(&url)
            .visibility_timeout(30)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        let m = &r.messages()[0];
        assert_eq!(m.body(), Some("hello"));
        assert_eq!(m.message_id(), sent.message_id());
        assert_eq!(
            m.message_attributes().unwrap()["n"].string_value(),
            Some("42"),
            "{}",
            t.name
        );
        assert_eq!(
            m.md5_of_message_attributes(),
            sent.md5_of_message_attributes(),
            "{}",
            t.name
        );
        assert_eq!(
            m.attributes().unwrap()[&MessageSystemAttributeName::ApproximateReceiveCount],
            "1"
        );
        assert_eq!(
            count(sdk, &url, A::ApproximateNumberOfMessagesNotVisible).await,
            1,
            "{}",
            t.name
        );
        assert!(
            sdk.receive_message()
                .queue_url(&url)
                .send()
                .await
                .unwrap()
                .messages()
                .is_empty(),
            "{}: in flight is invisible",
            t.name
        );

        // Releasing (visibility 0) makes it receivable again, with a higher receive count.
        sdk.change_message_visibility()
            .queue_url(&url)
            .receipt_handle(m.receipt_handle().unwrap())
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        let r2 = sdk
            .receive_message()
            .queue_url(&url)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        let m2 = &r2.messages()[0];
        assert_eq!(
            m2.attributes().unwrap()[&MessageSystemAttributeName::ApproximateReceiveCount],
            "2",
            "{}",
            t.name
        );
        sdk.delete_message()
            .queue_url(&url)
            .receipt_handle(m2.receipt_handle().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(count(sdk, &url, A::ApproximateNumberOfMessages).await, 0);
        assert_eq!(
            count(sdk, &url, A::ApproximateNumberOfMessagesNotVisible).await,
            0,
            "{}",
            t.name
        );
        assert_eq!(
            code(
                sdk.delete_message()
                    .queue_url(&url)
                    .receipt_handle("garbage")
                    .send()
                    .await
            ),
            "ReceiptHandleIsInvalid",
            "{}",
            t.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delayed_messages_wait_and_long_polls_wake_on_send() {
    for t in targets().await {
        let sdk = &t.sdk;
        let url = test_support::create_queue(sdk, "conf-delay").await;
        sdk.send_message()
            .queue_url(&url)
            .message_body("later")
            .delay_seconds(2)
            .send()
            .await
            .unwrap();
        assert_eq!(
            count(sdk, &url, A::ApproximateNumberOfMessagesDelayed).await,
            1,
            "{}",
            t.name
        );
        assert!(sdk
            .receive_message()
            .queue_url(&url)
            .send()
            .await
            .unwrap()
            .messages()
            .is_empty());

        let url2 = test_support::create_queue(sdk, "conf-poll").await;
        let scans_before = t._sandbox.as_ref().map(|r| r.sandbox.receive_scans());
        let poller = {
            let sdk = sdk.clone();
            let url2 = url2.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let r = sdk
                    .receive_message()
                    .queue_url(&url2)
                    .wait_time_seconds(10)
                    .send()
                    .await
                    .unwrap();
                (started.elapsed(), r.messages().len())
            })
        };
        match (&t._sandbox, scans_before) {
            // The sandbox says when the poll has looked once and is waiting.
            (Some(r), Some(before)) => {
                let started = Instant::now();
                while r.sandbox.receive_scans() == before {
                    assert!(
                        started.elapsed() < Duration::from_secs(5),
                        "the poll never came"
                    );
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            // moto cannot say; give the request a moment to arrive.
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
        sdk.send_message()
            .queue_url(&url2)
            .message_body("wake up")
            .send()
            .await
            .unwrap();
        let (took, n) = poller.await.unwrap();
        assert_eq!(n, 1, "{}", t.name);
        assert!(
            took < Duration::from_secs(5),
            "{}: the long poll returned after {took:?}",
            t.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_received_too_often_moves_to_the_dead_letter_queue() {
    for t in targets().await {
        let sdk = &t.sdk;
        let dlq = test_support::create_queue(sdk, "conf-dlq").await;
        let dlq_arn = arn(sdk, &dlq).await;
        let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"2"}}"#);
        let src = sdk
            .create_queue()
            .queue_name("conf-src")
            .attributes(A::RedrivePolicy, policy)
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        sdk.send_message()
            .queue_url(&src)
            .message_body("poison")
            .send()
            .await
            .unwrap();
        for _ in 0..2 {
            let r = sdk
                .receive_message()
                .queue_url(&src)
                .visibility_timeout(0)
                .send()
                .await
                .unwrap();
            assert_eq!(r.messages().len(), 1, "{}", t.name);
        }
        let r = sdk.receive_message().queue_url(&src).send().await.unwrap();
        assert!(
            r.messages().is_empty(),
            "{}: the third receive finds it gone",
            t.name
        );
        let d = sdk
            .receive_message()
            .queue_url(&dlq)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        assert_eq!(
            d.messages().len(),
            1,
            "{}: the message is in the DLQ",
            t.name
        );
        assert_eq!(d.messages()[0].body(), Some("poison"));
        if t.sandbox {
            // moto does not set DeadLetterQueueSourceArn.
            assert_eq!(
                d.messages()[0].attributes().unwrap()
                    [&MessageSystemAttributeName::DeadLetterQueueSourceArn],
                arn(sdk, &src).await
            );
        }
        let sources = sdk
            .list_dead_letter_source_queues()
            .queue_url(&dlq)
            .send()
            .await
            .unwrap();
        assert_eq!(
            sources.queue_urls(),
            std::slice::from_ref(&src),
            "{}",
            t.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifo_keeps_order_per_group_and_drops_duplicates() {
    for t in targets().await {
        let sdk = &t.sdk;
        let url = sdk
            .create_queue()
            .queue_name("conf.fifo")
            .attributes(A::FifoQueue, "true")
            .attributes(A::ContentBasedDeduplication, "true")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let mut ids = vec![];
        for body in ["a1", "a2", "a3"] {
            ids.push(
                sdk.send_message()
                    .queue_url(&url)
                    .message_body(body)
                    .message_group_id("a")
                    .send()
                    .await
                    .unwrap(),
            );
        }
        // A duplicate within 5 minutes is accepted but never delivered (checked below).
        sdk.send_message()
            .queue_url(&url)
            .message_body("a1")
            .message_group_id("a")
            .send()
            .await
            .unwrap();
        if t.sandbox {
            // moto sends no SequenceNumber.
            let seqs: Vec<_> = ids
                .iter()
                .map(|s| s.sequence_number().unwrap().to_string())
                .collect();
            let mut sorted = seqs.clone();
            sorted.sort();
            assert_eq!(seqs, sorted, "sequence numbers grow");
        }
        let r = sdk
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(2)
            .send()
            .await
            .unwrap();
        let bodies: Vec<_> = r.messages().iter().filter_map(|m| m.body()).collect();
        assert_eq!(bodies, ["a1", "a2"], "{}", t.name);
        let blocked = sdk.receive_message().queue_url(&url).send().await.unwrap();
        assert!(
            blocked.messages().is_empty(),
            "{}: group a is blocked while a message is in flight",
            t.name
        );
        for m in r.messages() {
            sdk.delete_message()
                .queue_url(&url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
        let next = sdk.receive_message().queue_url(&url).send().await.unwrap();
        assert_eq!(next.messages()[0].body(), Some("a3"), "{}", t.name);
        let h = next.messages()[0].receipt_handle().unwrap();
        sdk.delete_message()
            .queue_url(&url)
            .receipt_handle(h)
            .send()
            .await
            .unwrap();
        let after = sdk.receive_message().queue_url(&url).send().await.unwrap();
        assert!(
            after.messages().is_empty(),
            "{}: the duplicate of a1 was delivered",
            t.name
        );
        let c = code(
            sdk.send_message()
                .queue_url(&url)
                .message_body("x")
                .send()
                .await,
        );
        assert_eq!(
            c, "MissingParameter",
            "{}: MessageGroupId is required",
            t.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_are_validated_and_fail_per_entry() {
    for t in targets().await {
        let sdk = &t.sdk;
        let url = test_support::create_queue(sdk, "conf-batch").await;
        let entry = |id: &str, body: &str| {
            SendMessageBatchRequestEntry::builder()
                .id(id)
                .message_body(body)
                .build()
                .unwrap()
        };
        let c = code(
            sdk.send_message_batch()
                .queue_url(&url)
                .entries(entry("a", "1"))
                .entries(entry("a", "2"))
                .send()
                .await,
        );
        assert_eq!(
            c, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "{}",
            t.name
        );
        let mut eleven = sdk.send_message_batch().queue_url(&url);
        for i in 0..11 {
            eleven = eleven.entries(entry(&format!("e{i}"), "x"));
        }
        assert_eq!(
            code(eleven.send().await),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            "{}",
            t.name
        );
        let ok = sdk
            .send_message_batch()
            .queue_url(&url)
            .entries(entry("one", "1"))
            .entries(entry("two", "2"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.successful().len(), 2, "{}", t.name);
        if t.sandbox {
            // moto accepts bodies with characters SQS refuses.
            let mixed = sdk
                .send_message_batch()
                .queue_url(&url)
                .entries(entry("good", "fine"))
                .entries(entry("bad", "nul\u{0}"))
                .send()
                .await
                .unwrap();
            assert_eq!(mixed.successful().len(), 1);
            assert_eq!(mixed.failed().len(), 1);
            assert_eq!(mixed.failed()[0].id(), "bad");
            assert_eq!(mixed.failed()[0].code(), "InvalidMessageContents");
            let url2 = test_support::create_queue(sdk, "conf-purge").await;
            sdk.purge_queue().queue_url(&url2).send().await.unwrap();
            // moto allows purging again at once; SQS says a purge is in progress for 60 s.
            assert_eq!(
                code(sdk.purge_queue().queue_url(&url2).send().await),
                "AWS.SimpleQueueService.PurgeQueueInProgress"
            );
        }
        assert_eq!(
            count(sdk, &url, A::ApproximateNumberOfMessages).await,
            if t.sandbox { 3 } else { 2 }
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_task_returns_dead_letters_to_their_source() {
    // Only the sandbox: moto's message move tasks do not move messages.
    let t = sandbox().await;
    let sdk = &t.sdk;
    let dlq = test_support::create_queue(sdk, "mv-dlq").await;
    let dlq_arn = arn(sdk, &dlq).await;
    let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}"#);
    let src = sdk
        .create_queue()
        .queue_name("mv-src")
        .attributes(A::RedrivePolicy, policy)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for i in 0..5 {
        sdk.send_message()
            .queue_url(&src)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    for _ in 0..3 {
        sdk.receive_message()
            .queue_url(&src)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(count(sdk, &dlq, A::ApproximateNumberOfMessages).await, 5);
    let task = sdk
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            sdk.start_message_move_task()
                .source_arn(&dlq_arn)
                .send()
                .await
        ),
        "AWS.SimpleQueueService.UnsupportedOperation",
        "one running task per queue"
    );
    let started = Instant::now();
    loop {
        let l = sdk
            .list_message_move_tasks()
            .source_arn(&dlq_arn)
            .send()
            .await
            .unwrap();
        let r = &l.results()[0];
        if r.status() == Some("COMPLETED") {
            assert_eq!(r.approximate_number_of_messages_moved(), 5);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "task did not complete: {r:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // At 2 messages a second, 5 messages take at least two more seconds after the first step.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "moved faster than the rate: {:?}",
        started.elapsed()
    );
    assert_eq!(count(sdk, &src, A::ApproximateNumberOfMessages).await, 5);
    assert_eq!(count(sdk, &dlq, A::ApproximateNumberOfMessages).await, 0);
    assert!(
        sdk.cancel_message_move_task()
            .task_handle(task.task_handle().unwrap())
            .send()
            .await
            .is_err(),
        "a finished task cannot be cancelled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receiving_past_the_in_flight_limit_is_over_limit() {
    // The sandbox only, with the limit lowered from SQS's 120,000 so the test stays quick.
    let config = sqs_sandbox::Config {
        max_in_flight: 3,
        ..Default::default()
    };
    let running = sqs_sandbox::start(config, "127.0.0.1", 0).await.unwrap();
    let sdk = sdk_client(&running.url);
    let url = test_support::create_queue(&sdk, "busy").await;
    for i in 0..5 {
        sdk.send_message()
            .queue_url(&url)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    let r = sdk
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(3)
        .send()
        .await
        .unwrap();
    assert_eq!(r.messages().len(), 3);
    assert_eq!(
        code(sdk.receive_message().queue_url(&url).send().await),
        "OverLimit"
    );
    sdk.delete_message()
        .queue_url(&url)
        .receipt_handle(r.messages()[0].receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        sdk.receive_message()
            .queue_url(&url)
            .send()
            .await
            .unwrap()
            .messages()
            .len(),
        1,
        "room again after a delete"
    );
    running.stop().await;
}
