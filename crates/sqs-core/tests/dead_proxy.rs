//! A proxy that is not running is named as the proxy in the error, not reported as a server that
//! is down; its user name and password never appear. (Its own test binary: the app's proxy and
//! the environment are process-wide.)

mod common;

use common::{endpoint_connection, example_secret};
use sqs_core::connection::Secret;
use sqs_core::proxy::{self, AppProxy, ProxySettings};
use sqs_core::{client, queues};

/// A port on this computer nothing listens on.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Lists the queues of the endpoint at `url` and returns the failure's sentence.
async fn listing_fails(url: &str, secret: &Secret) -> String {
    let c = client::connect(&endpoint_connection(url), Some(secret))
        .await
        .unwrap();
    queues::list_queues(&c, None)
        .await
        .expect_err("nothing answers there")
        .payload()
        .message
}

#[tokio::test]
async fn a_dead_proxy_is_named_in_the_error() {
    let secret = example_secret();
    let port = dead_port();
    // TEST-NET-1: never this computer, so the request must go through the proxy.
    let target = "http://192.0.2.10:9324";

    proxy::set_app_proxy(Some(AppProxy {
        settings: ProxySettings {
            url: format!("http://127.0.0.1:{port}"),
            username: Some("alice".into()),
            no_proxy: None,
        },
        password: Some(Secret::new("pa55-word")),
    }));
    let m = listing_fails(target, &secret).await;
    assert!(
        m.contains(&format!(
            "through the proxy set under Network (http://127.0.0.1:{port})"
        )),
        "{m}"
    );
    assert!(!m.contains("pa55-word") && !m.contains("alice"), "{m}");

    // The environment's proxy, with credentials in its URL: named, the credentials left out.
    proxy::set_app_proxy(None);
    std::env::set_var("HTTP_PROXY", format!("http://bob:hunter2@127.0.0.1:{port}"));
    let m = listing_fails(target, &secret).await;
    assert!(
        m.contains(&format!(
            "through the proxy in HTTP_PROXY (http://127.0.0.1:{port})"
        )),
        "{m}"
    );
    assert!(!m.contains("hunter2") && !m.contains("bob"), "{m}");

    // A server on this computer is never reached through a proxy: a dead one is the server's fault.
    let local = format!("http://127.0.0.1:{}", dead_port());
    let m = listing_fails(&local, &secret).await;
    assert!(m.contains("Check that the server is running"), "{m}");
    std::env::remove_var("HTTP_PROXY");
}
