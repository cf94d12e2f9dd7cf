//! SQS's rules that depend on time, on a clock the test moves by hand (no sleeps): visibility
//! timeouts and their changes, delays, retention, the 60-second purge and re-create rules, and
//! FIFO's five-minute deduplication window.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_sdk_sqs::types::QueueAttributeName as A;
use aws_sdk_sqs::Client;
use sqs_sandbox::clock::ManualClock;
use test_support::sdk_client;

struct Timed {
    sdk: Client,
    clock: Arc<ManualClock>,
    _running: sqs_sandbox::Running,
}

async fn sandbox() -> Timed {
    let clock = Arc::new(ManualClock::new());
    let config = sqs_sandbox::Config {
        clock: clock.clone(),
        ..Default::default()
    };
    let running = sqs_sandbox::start(config, "127.0.0.1", 0).await.unwrap();
    Timed {
        sdk: sdk_client(&running.url),
        clock,
        _running: running,
    }
}

impl Timed {
    fn advance(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
    }

    async fn queue(&self, name: &str, attrs: &[(A, &str)]) -> String {
        let mut req = self.sdk.create_queue().queue_name(name);
        for (k, v) in attrs {
            req = req.attributes(k.clone(), *v);
        }
        req.send().await.unwrap().queue_url.unwrap()
    }

    async fn send(&self, url: &str, body: &str) -> String {
        self.sdk
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .unwrap()
            .message_id
            .unwrap()
    }

    /// The bodies a short receive gets now.
    async fn receive(&self, url: &str) -> Vec<String> {
        self.receive_handles(url)
            .await
            .into_iter()
            .map(|(b, _)| b)
            .collect()
    }

    async fn receive_handles(&self, url: &str) -> Vec<(String, String)> {
        self.sdk
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap()
            .messages()
            .iter()
            .map(|m| {
                (
                    m.body().unwrap_or_default().to_string(),
                    m.receipt_handle().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    async fn count(&self, url: &str, a: A) -> i64 {
        self.sdk
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(a.clone())
            .send()
            .await
            .unwrap()
            .attributes()
            .and_then(|m| m.get(&a))
            .and_then(|v| v.parse().ok())
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_message_comes_back_when_its_visibility_timeout_ends() {
    let t = sandbox().await;
    let url = t.queue("vis", &[(A::VisibilityTimeout, "30")]).await;
    t.send(&url, "job").await;
    assert_eq!(t.receive(&url).await, ["job"]);
    assert!(t.receive(&url).await.is_empty(), "in flight");
    t.advance(29);
    assert!(t.receive(&url).await.is_empty(), "still in flight at 29 s");
    assert_eq!(
        t.count(&url, A::ApproximateNumberOfMessagesNotVisible)
            .await,
        1
    );
    t.advance(2);
    let back = t.receive_handles(&url).await;
    assert_eq!(back.len(), 1, "visible again after 31 s");

    // Changing the visibility of a received message sets a new deadline from now.
    t.sdk
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&back[0].1)
        .visibility_timeout(100)
        .send()
        .await
        .unwrap();
    t.advance(99);
    assert!(t.receive(&url).await.is_empty(), "hidden for 100 s");
    t.advance(2);
    assert_eq!(t.receive(&url).await, ["job"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delayed_messages_appear_when_their_delay_ends() {
    let t = sandbox().await;
    let url = t.queue("late", &[(A::DelaySeconds, "60")]).await;
    t.send(&url, "queue delay").await;
    t.sdk
        .send_message()
        .queue_url(&url)
        .message_body("own delay")
        .delay_seconds(900)
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.count(&url, A::ApproximateNumberOfMessagesDelayed).await,
        2
    );
    t.advance(59);
    assert!(t.receive(&url).await.is_empty());
    t.advance(2);
    let got = t.receive_handles(&url).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "queue delay");
    t.sdk
        .delete_message()
        .queue_url(&url)
        .receipt_handle(&got[0].1)
        .send()
        .await
        .unwrap();
    t.advance(900 - 62);
    assert_eq!(
        t.count(&url, A::ApproximateNumberOfMessagesDelayed).await,
        1
    );
    t.advance(1);
    assert_eq!(
        t.count(&url, A::ApproximateNumberOfMessagesDelayed).await,
        0
    );
    assert_eq!(t.receive(&url).await, ["own delay"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_older_than_the_retention_period_are_gone() {
    let t = sandbox().await;
    let url = t.queue("short", &[(A::MessageRetentionPeriod, "60")]).await;
    t.send(&url, "old").await;
    t.advance(30);
    t.send(&url, "newer").await;
    t.advance(31);
    assert_eq!(t.count(&url, A::ApproximateNumberOfMessages).await, 1);
    assert_eq!(t.receive(&url).await, ["newer"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_or_a_deleted_name_waits_sixty_seconds() {
    let t = sandbox().await;
    let url = t.queue("purged", &[]).await;
    t.sdk.purge_queue().queue_url(&url).send().await.unwrap();
    t.advance(59);
    let again = t
        .sdk
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        again.code(),
        Some("AWS.SimpleQueueService.PurgeQueueInProgress")
    );
    t.advance(1);
    t.sdk.purge_queue().queue_url(&url).send().await.unwrap();

    t.sdk.delete_queue().queue_url(&url).send().await.unwrap();
    t.advance(59);
    let recreate = t
        .sdk
        .create_queue()
        .queue_name("purged")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        recreate.code(),
        Some("AWS.SimpleQueueService.QueueDeletedRecently")
    );
    t.advance(1);
    t.queue("purged", &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifo_drops_a_duplicate_for_five_minutes_only() {
    let t = sandbox().await;
    let url = t
        .queue(
            "orders.fifo",
            &[
                (A::FifoQueue, "true"),
                (A::ContentBasedDeduplication, "true"),
            ],
        )
        .await;
    let send = || async {
        t.sdk
            .send_message()
            .queue_url(&url)
            .message_body("same")
            .message_group_id("g")
            .send()
            .await
            .unwrap()
            .message_id
            .unwrap()
    };
    let first = send().await;
    t.advance(299);
    assert_eq!(send().await, first, "a duplicate within five minutes");
    assert_eq!(t.count(&url, A::ApproximateNumberOfMessages).await, 1);
    t.advance(2);
    assert_ne!(send().await, first, "a new message after five minutes");
    assert_eq!(t.count(&url, A::ApproximateNumberOfMessages).await, 2);
}
