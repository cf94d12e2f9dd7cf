//! Redrive through the core's move tasks, on the sandbox (moto has no message move tasks):
//! everything comes back to its source, progress is reported, a cancelled task leaves every
//! message in exactly one of the two queues, and a second task on the same DLQ is explained.
//! Redrive of selected messages with injected send failures leaves each in exactly one queue.

mod common;

use std::time::{Duration, Instant};

use sqs_core::client::SqsClient;
use sqs_core::redrive;

async fn count(client: &SqsClient, url: &str) -> i64 {
    let c = sqs_core::queues::queue_counts(client, url).await.unwrap();
    c.available + c.in_flight + c.delayed
}

/// A source queue with a DLQ (max 1 receive) holding `n` dead messages. Returns (source, dlq url, dlq arn).
async fn poisoned(client: &SqsClient, name: &str, n: usize) -> (String, String, String) {
    let sdk = &client.sdk;
    let (source, dlq, dlq_arn) = test_support::queue_with_dlq(sdk, name, 1, 30).await;
    for i in 0..n {
        sdk.send_message()
            .queue_url(&source)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    // Receive and release at once, again and again: a message's second receive moves it to the DLQ.
    for _ in 0..500 {
        if count(client, &dlq).await == n as i64 {
            break;
        }
        sdk.receive_message()
            .queue_url(&source)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        count(client, &dlq).await,
        n as i64,
        "all {n} messages are dead"
    );
    (source, dlq, dlq_arn)
}

async fn wait_for_status(client: &SqsClient, dlq_arn: &str, want: &[&str]) -> redrive::MoveTask {
    let start = Instant::now();
    loop {
        let tasks = redrive::list(client, dlq_arn).await.unwrap();
        if let Some(t) = tasks.first().filter(|t| want.contains(&t.status.as_str())) {
            return t.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no task reached {want:?}: {tasks:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_all_cancel_and_one_task_at_a_time_on_the_sandbox() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .expect("sandbox");
    let client = sqs_core::client::connect_local(&running.url).await.unwrap();

    // Redrive all back to the source, at 10 a second.
    let (source, dlq, dlq_arn) = poisoned(&client, "rd-orders", 25).await;
    assert!(
        redrive::start(&client, &dlq_arn, None, Some(0))
            .await
            .is_err(),
        "rate 0 is refused"
    );
    let handle = redrive::start(&client, &dlq_arn, None, Some(10))
        .await
        .unwrap();
    assert!(!handle.is_empty());
    let again = redrive::start(&client, &dlq_arn, None, Some(10))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already running"), "{again}");
    let running_task = redrive::list(&client, &dlq_arn).await.unwrap();
    assert_eq!(running_task[0].status, "RUNNING");
    assert_eq!(running_task[0].to_move, Some(25));
    let done = wait_for_status(&client, &dlq_arn, &["COMPLETED"]).await;
    assert_eq!(done.moved, 25);
    assert_eq!(count(&client, &source).await, 25, "every message is back");
    assert_eq!(count(&client, &dlq).await, 0);

    // Cancel a slow one: every message is in exactly one of the two queues.
    let (source, dlq, dlq_arn) = poisoned(&client, "rd-slow", 30).await;
    let handle = redrive::start(&client, &dlq_arn, None, Some(1))
        .await
        .unwrap();
    // Cancel once the first step has moved something (1 message a second).
    let started = std::time::Instant::now();
    while count(&client, &source).await == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "nothing moved");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let moved = redrive::cancel(&client, &handle).await.unwrap();
    let t = wait_for_status(&client, &dlq_arn, &["CANCELLED"]).await;
    assert!(
        t.moved < 30 && moved < 30,
        "cancelled before the end: {t:?}"
    );
    // Once the task's loop has ended nothing moves any more: the counts are final.
    let started = std::time::Instant::now();
    while running.sandbox.move_tasks_running() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the task goes on"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (back, left) = (count(&client, &source).await, count(&client, &dlq).await);
    assert_eq!(
        back + left,
        30,
        "nothing lost or doubled: {back} back, {left} left"
    );
    assert_eq!(back, t.moved, "the task's count matches the queues");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_selected_sends_first_and_deletes_only_what_arrived() {
    use sqs_core::messages::{MessageHandle, OutgoingMessage};
    use sqs_core::redrive::{move_selected, MoveItem};
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .expect("sandbox");
    let client = sqs_core::client::connect_local(&running.url).await.unwrap();
    let (source, dlq, _) = poisoned(&client, "rs-orders", 6).await;
    let got = client
        .sdk
        .receive_message()
        .queue_url(&dlq)
        .max_number_of_messages(10)
        .visibility_timeout(60)
        .send()
        .await
        .unwrap();
    let msgs = got.messages();
    assert_eq!(msgs.len(), 6);
    // Two edited bodies SQS refuses (a NUL character): injected send failures.
    let items: Vec<MoveItem> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| MoveItem {
            handle: MessageHandle {
                message_id: m.message_id().unwrap().into(),
                receipt_handle: m.receipt_handle().unwrap().into(),
            },
            message: OutgoingMessage {
                body: if i < 2 {
                    "fixed\u{0}".into()
                } else {
                    format!("{} (fixed)", m.body().unwrap())
                },
                ..Default::default()
            },
        })
        .collect();
    let out = move_selected(&client, &dlq, &source, items, &[])
        .await
        .unwrap();
    assert_eq!(out.len(), 6, "one outcome each");
    let failed: Vec<_> = out.iter().filter(|o| !o.ok).collect();
    assert_eq!(failed.len(), 2);
    assert!(failed
        .iter()
        .all(|o| o.error.as_deref().unwrap().contains("still where it was")));
    // Every message is in exactly one place: 4 in the source (edited), 2 still in the DLQ.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&client, &source).await, 4);
    assert_eq!(count(&client, &dlq).await, 2);
    let back = client
        .sdk
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    assert!(back
        .messages()
        .iter()
        .all(|m| m.body().unwrap().ends_with("(fixed)")));
    running.stop().await;
}

/// A move told to stop after its first round leaves every message it did not reach where it
/// was, says so for each, and reports its progress as it goes: nothing lost, nothing doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_move_leaves_the_rest_where_they_were() {
    use sqs_core::redrive::{
        move_selected_with, MoveProgress, MoveSink, MOVE_ROUND, STOPPED_BEFORE_MOVE,
    };
    use std::sync::Mutex;

    /// Stops the move once it has said how far it is the first time.
    #[derive(Default)]
    struct StopAfterFirst(Mutex<Vec<MoveProgress>>);
    impl MoveSink for StopAfterFirst {
        fn progress(&self, p: MoveProgress) {
            self.0.lock().unwrap().push(p);
        }
        fn stopped(&self) -> bool {
            !self.0.lock().unwrap().is_empty()
        }
    }

    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .expect("sandbox");
    let client = sqs_core::client::connect_local(&running.url).await.unwrap();
    let from = test_support::create_queue(&client.sdk, "stop-from").await;
    let to = test_support::create_queue(&client.sdk, "stop-to").await;
    let total = 250;
    for i in 0..total {
        client
            .sdk
            .send_message()
            .queue_url(&from)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    let items = common::receive_move_items(&client, &from, total, 120).await;
    let sink = StopAfterFirst::default();
    let out = move_selected_with(&client, &from, &to, items, &[], &sink)
        .await
        .unwrap();
    assert_eq!(out.len(), total, "one outcome each");
    let moved = out.iter().filter(|o| o.ok).count();
    assert_eq!(moved, MOVE_ROUND, "one round, then the stop");
    assert!(out
        .iter()
        .filter(|o| !o.ok)
        .all(|o| o.error.as_deref() == Some(STOPPED_BEFORE_MOVE)));
    assert_eq!(
        *sink.0.lock().unwrap(),
        vec![MoveProgress {
            done: MOVE_ROUND as u32,
            total: total as u32
        }]
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&client, &to).await, MOVE_ROUND as i64);
    assert_eq!(
        count(&client, &from).await,
        (total - MOVE_ROUND) as i64,
        "the rest are still here"
    );
    running.stop().await;
}

/// The window tells "stopped" from "failed" by these words: its copy must be Rust's.
#[test]
fn the_window_knows_the_words_of_a_stopped_move() {
    let ui =
        std::fs::read_to_string(test_support::workspace_root().join("ui/src/lib/move-words.ts"))
            .unwrap();
    assert!(
        ui.contains(&format!("'{}'", sqs_core::redrive::STOPPED_BEFORE_MOVE)),
        "ui/src/lib/move-words.ts does not hold {:?}",
        sqs_core::redrive::STOPPED_BEFORE_MOVE
    );
}
