//! Fault test: the sandbox's data directory on a tiny tmpfs that fills up. Sends then fail with
//! a sentence that says the disk is full, nothing stored before is damaged, and once space is
//! freed the sandbox works again. Needs root (to mount the tmpfs):
//! ignored by a plain `cargo test`, run by scripts/test.sh as root.

use test_support::{sdk_client, TinyDisk};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root to mount a tmpfs; scripts/test.sh runs it when root"]
async fn a_full_disk_refuses_sends_clearly_and_damages_nothing() {
    let disk = TinyDisk::mount(2048);
    let config = sqs_sandbox::Config {
        data_dir: Some(disk.path().join("sandbox")),
        ..Default::default()
    };
    let running = sqs_sandbox::start(config, "127.0.0.1", 0).await.unwrap();
    let sdk = sdk_client(&running.url);
    let q = test_support::create_queue(&sdk, "on-a-small-disk").await;
    let body = |i: usize| format!("{i:05} {}", "x".repeat(4000));
    let mut stored = 0;
    for i in 0..20 {
        sdk.send_message()
            .queue_url(&q)
            .message_body(body(i))
            .send()
            .await
            .unwrap();
        stored += 1;
    }

    disk.fill();
    // Sends go on being acknowledged until SQLite's WAL needs a page it cannot have.
    let mut refused = None;
    for _ in 0..500 {
        match sdk
            .send_message()
            .queue_url(&q)
            .message_body(body(stored))
            .send()
            .await
        {
            Ok(_) => stored += 1,
            Err(e) => {
                refused = Some(format!("{:?}", aws_sdk_sqs::error::DisplayErrorContext(&e)));
                break;
            }
        }
    }
    let refused = refused.expect("a send was refused once the disk was full");
    assert!(refused.contains("disk is full"), "{refused}");

    // A receive writes too (receipt, visibility): it is refused with the same sentence.
    let receive = sdk
        .receive_message()
        .queue_url(&q)
        .send()
        .await
        .unwrap_err();
    let receive = format!("{:?}", aws_sdk_sqs::error::DisplayErrorContext(&receive));
    assert!(receive.contains("disk is full"), "{receive}");

    // Once space is freed, everything acknowledged is there, whole.
    disk.free();
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < stored {
        let got = sdk
            .receive_message()
            .queue_url(&q)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .send()
            .await
            .unwrap();
        assert!(
            !got.messages().is_empty(),
            "{} of {stored} received",
            seen.len()
        );
        for m in got.messages() {
            let b = m.body().unwrap();
            let i: usize = b[..5].parse().unwrap();
            assert_eq!(b, body(i), "message {i} is whole");
            seen.insert(i);
        }
    }

    sdk.send_message()
        .queue_url(&q)
        .message_body("after freeing space")
        .send()
        .await
        .expect("sends work again once space is freed");
    running.stop().await;
}
