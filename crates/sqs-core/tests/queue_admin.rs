//! Queue management through the core, against the sandbox and moto: create with every
//! attribute and read back equal, a new DLQ wired in, edit, tags, purge, delete.

use sqs_core::client::SqsClient;
use sqs_core::queue_admin::{
    create_queue, delete_queue, purge_queue, queue_details, update_queue, DeadLetter, Encryption,
    QueueSpec, RedriveAllow, Tag,
};
use test_support::Moto;

fn full_spec(name: &str, fifo: bool) -> QueueSpec {
    QueueSpec {
        name: name.into(),
        fifo,
        visibility_timeout_s: 45,
        retention_s: 86_400,
        delay_s: if fifo { 0 } else { 5 },
        max_message_bytes: 262_144,
        receive_wait_s: 10,
        encryption: Encryption::SqsManaged,
        dead_letter: DeadLetter::CreateNew {
            max_receive_count: 4,
        },
        redrive_allow: RedriveAllow::DenyAll,
        content_based_dedup: fifo,
        dedup_per_group: fifo,
        throughput_per_group: fifo,
        policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
        tags: vec![Tag {
            key: "team".into(),
            value: "payments".into(),
        }],
    }
}

async fn scenario(target: &str, client: &SqsClient, sandbox: bool) {
    for fifo in [false, true] {
        let name = if fifo { "adm-fifo" } else { "adm-std" };
        let spec = full_spec(name, fifo);
        let created = create_queue(client, &spec).await.unwrap();
        let dlq_url = created.dlq_url.clone().expect("a DLQ was created");
        assert!(
            dlq_url.ends_with(&if fifo {
                format!("{name}-dlq.fifo")
            } else {
                format!("{name}-dlq")
            }),
            "{target}: {dlq_url}"
        );

        let d = queue_details(client, &created.url).await.unwrap();
        let dlq = queue_details(client, &dlq_url).await.unwrap();
        let mut expected = spec.clone();
        expected.dead_letter = DeadLetter::Existing {
            arn: dlq.arn.clone(),
            max_receive_count: 4,
        };
        if !sandbox {
            // moto does not return RedriveAllowPolicy or this Policy with "All", nor keep
            // SqsManagedSseEnabled, FifoThroughputLimit and DeduplicationScope faithfully.
            expected.redrive_allow = d.spec.redrive_allow.clone();
            expected.policy = d.spec.policy.clone();
            expected.encryption = d.spec.encryption.clone();
            expected.dedup_per_group = d.spec.dedup_per_group;
            expected.throughput_per_group = d.spec.throughput_per_group;
        }
        assert_eq!(
            d.spec,
            expected,
            "{target}: read back equal ({})",
            if fifo { "FIFO" } else { "standard" }
        );
        assert_eq!(
            dlq.spec.retention_s, 1_209_600,
            "{target}: the DLQ keeps messages 14 days"
        );
        assert_eq!(dlq.spec.fifo, fifo);
        assert_eq!(
            dlq.dead_letter_sources,
            vec![created.url.clone()],
            "{target}"
        );

        // Edit: only what changed is sent; tags change too.
        let mut edited = d.spec.clone();
        edited.visibility_timeout_s = 120;
        edited.tags = vec![Tag {
            key: "owner".into(),
            value: "ana".into(),
        }];
        update_queue(client, &created.url, &d.spec, &edited)
            .await
            .unwrap();
        let after = queue_details(client, &created.url).await.unwrap();
        assert_eq!(after.spec.visibility_timeout_s, 120, "{target}");
        assert_eq!(after.spec.tags, edited.tags, "{target}");
        assert_eq!(
            after.spec.retention_s, 86_400,
            "{target}: untouched attributes stay"
        );
        let mut renamed = edited.clone();
        renamed.name = "other".into();
        assert!(
            update_queue(client, &created.url, &edited, &renamed)
                .await
                .is_err(),
            "{target}: the name is fixed"
        );

        // Purge empties it; a second purge within 60 s is explained (the sandbox follows SQS; moto allows it).
        let sdk = &client.sdk;
        let mut send = sdk.send_message().queue_url(&created.url).message_body("x");
        if fifo {
            send = send.message_group_id("g");
        }
        send.send().await.unwrap();
        purge_queue(client, &created.url).await.unwrap();
        let counts = queue_details(client, &created.url).await.unwrap().counts;
        assert_eq!(
            counts.available + counts.delayed + counts.in_flight,
            0,
            "{target}"
        );
        if sandbox {
            let e = purge_queue(client, &created.url).await.unwrap_err();
            assert!(e.to_string().contains("60 seconds"), "{e}");
        }
        delete_queue(client, &created.url).await.unwrap();
        assert_eq!(
            queue_details(client, &created.url)
                .await
                .unwrap_err()
                .kind(),
            sqs_core::ErrorKind::NotFound
        );
        if sandbox {
            let e = create_queue(
                client,
                &QueueSpec {
                    name: name.into(),
                    fifo,
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
            assert!(e.to_string().contains("60 seconds"), "{e}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manage_queues_on_the_sandbox() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    scenario("sandbox", &connect_local_ok(&running.url).await, true).await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manage_queues_on_moto() {
    let moto = Moto::start();
    scenario("moto", &connect_local_ok(&moto.endpoint()).await, false).await;
}

async fn connect_local_ok(url: &str) -> SqsClient {
    sqs_core::client::connect_local(url).await.expect("client")
}
