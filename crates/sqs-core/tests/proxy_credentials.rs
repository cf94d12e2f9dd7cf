//! A proxy password with any characters reaches the proxy exactly, and with an app proxy set a
//! request never goes direct. A recording proxy (tinyproxy's config cannot hold such passwords)
//! answers 407 and keeps each request's `Proxy-Authorization`; a server standing in for AWS on
//! this machine's own address records anything that reaches it without the proxy. Before the
//! credentials were percent-encoded, a space or `"` made the proxy URL unparseable and requests
//! went straight to the endpoint.

mod common;

use common::{endpoint_connection, example_secret};
use std::time::{Duration, Instant};

use base64::Engine;
use sqs_core::client;
use sqs_core::connection::Secret;
use sqs_core::proxy::{self, AppProxy, ProxySettings};
use sqs_core::queues;
use test_support::{own_address, RecordingProxy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_password_reaches_the_proxy_exactly_and_nothing_goes_direct() {
    let at_proxy = RecordingProxy::start("127.0.0.1", "407 Proxy Authentication Required");
    let direct = RecordingProxy::start(&own_address(), "500 Internal Server Error");
    let direct_port = direct.port;
    let endpoint = endpoint_connection(&format!("http://{}:{direct_port}", own_address()));
    let secret = example_secret();
    for password in [
        "with space",
        "quo\"te",
        "sl/ash",
        "at@sign",
        "pct%41",
        "co:lon",
        "back\\slash",
        "all of \" / @ % : \\ ?#[]",
    ] {
        let before = at_proxy.count();
        proxy::set_app_proxy(Some(AppProxy {
            settings: ProxySettings {
                url: at_proxy.url(),
                username: Some("al ice@corp".into()),
                no_proxy: None,
            },
            password: Some(Secret::new(password)),
        }));
        let c = client::connect(&endpoint, Some(&secret)).await.unwrap();
        let refused = queues::list_queues(&c, None).await;
        assert!(refused.is_err(), "a 407 listed queues");
        let start = Instant::now();
        while at_proxy.count() == before {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "password {password:?}: no request reached the proxy; went direct: {:?}",
                direct.seen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let (request, auth) = at_proxy.seen().last().cloned().unwrap();
        assert!(request.contains(&direct_port.to_string()), "{request}");
        let token = auth
            .strip_prefix("Basic ")
            .unwrap_or_else(|| panic!("no basic auth: {auth:?}"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            format!("al ice@corp:{password}"),
            "the proxy got other credentials"
        );
        assert_eq!(
            direct.count(),
            0,
            "password {password:?}: a request went direct: {:?}",
            direct.seen()
        );
    }
    proxy::set_app_proxy(None);
}
