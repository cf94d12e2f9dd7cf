//! A profile whose `endpoint_url` is on this computer (LocalStack, the sandbox) is reached
//! directly even with an app proxy set, as a connection with a local endpoint is; a profile for
//! AWS goes through the proxy. A recording proxy (test-support) answers 407 and keeps what
//! reached it.

use sqs_core::client;
use sqs_core::connection::{Connection, ConnectionSettings};
use sqs_core::proxy::{self, AppProxy, ProxySettings};
use sqs_core::queues;
use test_support::RecordingProxy;

fn profile(name: &str) -> Connection {
    Connection {
        id: name.into(),
        name: name.into(),
        settings: ConnectionSettings::Profile {
            profile: name.into(),
            region: None,
        },
        secret_account: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_on_this_computer_is_reached_directly_with_an_app_proxy_set() {
    let sandbox = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    test_support::create_queue(&test_support::sdk_client(&sandbox.url), "local-one").await;
    let at_proxy = RecordingProxy::start("127.0.0.1", "407 Proxy Authentication Required");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        format!(
            "[profile localstack]\nregion = us-east-1\nendpoint_url = {}\n\n[profile aws]\nregion = eu-west-1\n",
            sandbox.url
        ),
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[localstack]\naws_access_key_id = test\naws_secret_access_key = test\n\n[aws]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    )
    .unwrap();
    test_support::use_aws_files(&config, &credentials);
    proxy::set_app_proxy(Some(AppProxy {
        settings: ProxySettings {
            url: at_proxy.url(),
            username: None,
            no_proxy: None,
        },
        password: None,
    }));

    let local = client::connect(&profile("localstack"), None).await.unwrap();
    let listed = queues::list_queues(&local, None).await.unwrap();
    assert_eq!(listed.len(), 1, "the sandbox answered directly");
    assert_eq!(
        at_proxy.count(),
        0,
        "a request to this computer went through the proxy: {:?}",
        at_proxy.seen()
    );

    let aws = client::connect(&profile("aws"), None).await.unwrap();
    assert!(
        queues::list_queues(&aws, None).await.is_err(),
        "a 407 listed queues"
    );
    let seen = at_proxy.seen();
    assert!(
        seen.iter()
            .any(|(l, _)| l.contains("sqs.eu-west-1.amazonaws.com")),
        "the AWS profile did not go through the proxy: {seen:?}"
    );
    proxy::set_app_proxy(None);
    sandbox.stop().await;
}
