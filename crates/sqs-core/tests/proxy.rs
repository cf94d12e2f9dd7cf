//! Through a real proxy (tinyproxy, with a user name and password): requests to an SQS server on
//! another address and to AWS go through it, from the app's proxy setting and from HTTP_PROXY;
//! requests to the sandbox on this computer never do; a wrong password is an error that says so.
//! One test: the proxy setting and the environment are the process's.

mod common;

use std::time::{Duration, Instant};

use common::{endpoint_connection, example_secret};
use sqs_core::client;
use sqs_core::connection::{Connection, ConnectionSettings, Secret};
use sqs_core::proxy::{self, AppProxy, ProxySettings};
use sqs_core::queues;
use test_support::{own_address, Moto, Tinyproxy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_go_through_the_proxy_except_to_this_computer() {
    let proxy = Tinyproxy::start("alice", "s3cret-pass");
    let moto = Moto::start_on("0.0.0.0");
    test_support::create_queue(&moto.sdk(), "through-the-proxy").await;
    let remote = format!("http://{}:{}", own_address(), moto.port);
    let sandbox = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let secret = example_secret();

    // The app's proxy setting, with its credentials.
    proxy::set_app_proxy(Some(AppProxy {
        settings: ProxySettings {
            url: proxy.url(),
            username: Some("alice".into()),
            no_proxy: None,
        },
        password: Some(Secret::new("s3cret-pass")),
    }));
    let c = client::connect(&endpoint_connection(&remote), Some(&secret))
        .await
        .unwrap();
    let listed = queues::list_queues(&c, None).await.unwrap();
    assert_eq!(listed.len(), 1, "moto answered through the proxy");
    proxy.wait_for_log(&remote);

    let local = client::connect_local(&sandbox.url).await.unwrap();
    queues::list_queues(&local, None).await.unwrap();
    let aws = Connection {
        id: "aws".into(),
        name: "AWS".into(),
        settings: ConnectionSettings::AccessKeys {
            region: "eu-west-1".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        },
        secret_account: None,
    };
    let c = client::connect(&aws, Some(&secret)).await.unwrap();
    let _offline = queues::list_queues(&c, None).await; // no internet here: only the path counts
    proxy.wait_for_log("sqs.eu-west-1.amazonaws.com");
    let sandbox_port = sandbox.addr.port().to_string();
    assert!(
        !proxy.log().contains(&format!(":{sandbox_port}")),
        "a request to the sandbox went through the proxy:\n{}",
        proxy.log()
    );

    // A wrong password: the proxy refuses, and the error is not a success.
    proxy::set_app_proxy(Some(AppProxy {
        settings: ProxySettings {
            url: proxy.url(),
            username: Some("alice".into()),
            no_proxy: None,
        },
        password: Some(Secret::new("wrong")),
    }));
    let c = client::connect(&endpoint_connection(&remote), Some(&secret))
        .await
        .unwrap();
    let refused = queues::list_queues(&c, None).await;
    assert!(refused.is_err(), "a refused proxy login listed queues");

    // No app setting: the environment's proxy (as the AWS CLI and SDKs read it), NO_PROXY honoured.
    proxy::set_app_proxy(None);
    let before = proxy.log().matches(&remote).count();
    std::env::set_var(
        "HTTP_PROXY",
        format!("http://alice:s3cret-pass@127.0.0.1:{}", proxy.port),
    );
    let c = client::connect(&endpoint_connection(&remote), Some(&secret))
        .await
        .unwrap();
    assert_eq!(queues::list_queues(&c, None).await.unwrap().len(), 1);
    let start = Instant::now();
    while proxy.log().matches(&remote).count() == before {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "HTTP_PROXY was not used"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::env::set_var("NO_PROXY", own_address());
    let after = proxy.log().matches(&remote).count();
    let c = client::connect(&endpoint_connection(&remote), Some(&secret))
        .await
        .unwrap();
    assert_eq!(queues::list_queues(&c, None).await.unwrap().len(), 1);
    assert_eq!(
        proxy.log().matches(&remote).count(),
        after,
        "a NO_PROXY host went through the proxy"
    );
    let local = client::connect_local(&sandbox.url).await.unwrap();
    queues::list_queues(&local, None).await.unwrap();
    assert!(!proxy.log().contains(&format!(":{sandbox_port}")));
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("NO_PROXY");
    sandbox.stop().await;
}
