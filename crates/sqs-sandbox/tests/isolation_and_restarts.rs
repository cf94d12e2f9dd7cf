//! The sandbox as a good neighbour on a desktop: long polls wake only when a message can satisfy
//! them, a stop ends everything it started, a move task a stop interrupted is reported as failed
//! after the restart (never "running" forever), and its files are private to the user.

use std::time::{Duration, Instant};

use aws_sdk_sqs::types::QueueAttributeName as A;
use test_support::sdk_client;

async fn start(dir: Option<&std::path::Path>) -> sqs_sandbox::Running {
    let config = sqs_sandbox::Config {
        data_dir: dir.map(|d| d.to_path_buf()),
        ..Default::default()
    };
    sqs_sandbox::start(config, "127.0.0.1", 0).await.unwrap()
}

async fn wait_until(what: &str, limit: Duration, mut ok: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !ok().await {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn count(sdk: &aws_sdk_sqs::Client, q: &str) -> i64 {
    let a = sdk
        .get_queue_attributes()
        .queue_url(q)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap();
    let a = a.attributes().unwrap();
    let n = |k: &A| a.get(k).unwrap().parse::<i64>().unwrap();
    n(&A::ApproximateNumberOfMessages) + n(&A::ApproximateNumberOfMessagesNotVisible)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_wakes_only_the_long_polls_it_can_satisfy() {
    let running = start(None).await;
    let sdk = sdk_client(&running.url);
    let q = test_support::create_queue(&sdk, "many-waiters").await;
    let waiters = 20;
    let polls: Vec<_> = (0..waiters)
        .map(|_| {
            let (sdk, q) = (sdk.clone(), q.clone());
            tokio::spawn(async move {
                sdk.receive_message()
                    .queue_url(q)
                    .wait_time_seconds(10)
                    .send()
                    .await
                    .unwrap()
                    .messages()
                    .len()
            })
        })
        .collect();
    let sb = running.sandbox.clone();
    wait_until(
        "every poll is waiting",
        Duration::from_secs(10),
        async || sb.receive_scans() >= waiters,
    )
    .await;
    let before = sb.receive_scans();
    for body in ["first", "second"] {
        sdk.send_message()
            .queue_url(&q)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    let mut received = 0;
    let mut polls = polls;
    while received < 2 {
        let (done, _, rest) = futures::future::select_all(polls).await;
        received += done.unwrap();
        polls = rest;
    }
    // Two messages: two polls woke (and at most a passed-on wake-up each), not all twenty.
    let woke = sb.receive_scans() - before;
    assert!(woke <= 4, "two sends woke {woke} long polls");
    for p in polls {
        p.abort();
    }
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_task_cut_off_by_a_stop_is_failed_after_the_restart_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(Some(dir.path())).await;
    let sdk = sdk_client(&running.url);
    let (_, dlq, dlq_arn) = test_support::queue_with_dlq(&sdk, "work", 3, 30).await;
    let dest = test_support::create_queue(&sdk, "elsewhere").await;
    let dest_arn = dlq_arn.replace(":work-dlq", ":elsewhere");
    for i in 0..30 {
        sdk.send_message()
            .queue_url(&dlq)
            .message_body(format!("{i}"))
            .send()
            .await
            .unwrap();
    }
    sdk.start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(&dest_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap();
    wait_until(
        "the task moved a message",
        Duration::from_secs(10),
        async || count(&sdk, &dest).await >= 1,
    )
    .await;
    let old = running.sandbox.clone();
    running.stop().await;
    // The stop ends the task with the sandbox's runtime: once its loop is gone nothing moves.
    wait_until(
        "the stopped sandbox's task has ended",
        Duration::from_secs(5),
        async || old.move_tasks_running() == 0,
    )
    .await;

    let running = start(Some(dir.path())).await;
    let sdk = sdk_client(&running.url);
    let (dlq, dest) = (
        dlq.replace(&dlq[..dlq.find("/000").unwrap()], &running.url),
        dest.replace(&dest[..dest.find("/000").unwrap()], &running.url),
    );
    let tasks = sdk
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .unwrap();
    let task = &tasks.results()[0];
    assert_eq!(task.status(), Some("FAILED"), "{task:?}");
    assert!(
        task.failure_reason()
            .unwrap_or("")
            .contains("start the redrive again"),
        "{task:?}"
    );
    let (left, moved) = (count(&sdk, &dlq).await, count(&sdk, &dest).await);
    assert_eq!(
        left + moved,
        30,
        "every message is in one of the two queues"
    );
    assert!(moved < 30, "the stop ended the task ({moved} moved)");
    // Neither the old task (its runtime is gone) nor a new one goes on moving.
    assert_eq!(
        running.sandbox.move_tasks_running(),
        0,
        "the restart started no task"
    );
    assert_eq!(count(&sdk, &dest).await, moved);
    // Redrive can start again and finishes the job.
    sdk.start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(&dest_arn)
        .send()
        .await
        .unwrap();
    wait_until(
        "the second task moved the rest",
        Duration::from_secs(10),
        async || count(&sdk, &dest).await == 30,
    )
    .await;
    running.stop().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_is_0700_and_the_database_files_0600() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("sandbox");
    // An older version's files with the default modes are tightened too.
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let running = start(Some(&dir)).await;
    let sdk = sdk_client(&running.url);
    let q = test_support::create_queue(&sdk, "private").await;
    sdk.send_message()
        .queue_url(&q)
        .message_body("secret order 42")
        .send()
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for f in [
        "sandbox.sqlite3",
        "sandbox.sqlite3-wal",
        "sandbox.sqlite3-shm",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    running.stop().await;
}
