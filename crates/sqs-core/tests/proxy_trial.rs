//! "Test" in the Network dialog, against a real proxy (tinyproxy, asking for a password): it
//! says the proxy works when the tunnel opens, tells a missing password from a wrong one, a
//! target the proxy cannot reach from a proxy that is not there, and saves nothing.

use sqs_core::connection::Secret;
use sqs_core::proxy::ProxyInput;
use sqs_core::proxy_trial::try_proxy;
use test_support::{free_port, Tinyproxy};

fn typed(url: &str, user: Option<&str>, password: Option<&str>) -> ProxyInput {
    ProxyInput {
        url: url.into(),
        username: user.map(str::to_string),
        password: password.map(Secret::new),
        no_proxy: None,
    }
}

#[tokio::test]
async fn a_proxy_is_tried_before_it_is_saved() {
    // Something for the proxy to open a tunnel to, and a port where nothing listens.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open = server.local_addr().unwrap().port();
    let closed = free_port();
    let proxy = Tinyproxy::start_allowing("alice", "s3cret-pass", &[open, closed]);
    let target = format!("127.0.0.1:{open}");

    let works = try_proxy(
        &typed(&proxy.url(), Some("alice"), Some("s3cret-pass")),
        None,
        &target,
    )
    .await
    .unwrap();
    assert!(works.contains("works"), "{works}");
    proxy.wait_for_log(&format!("CONNECT {target}"));

    // The stored password is used when none is typed.
    let stored = try_proxy(
        &typed(&proxy.url(), Some("alice"), None),
        Some(Secret::new("s3cret-pass")),
        &target,
    )
    .await;
    assert!(stored.is_ok(), "{stored:?}");

    let wrong = try_proxy(
        &typed(&proxy.url(), Some("alice"), Some("nope")),
        None,
        &target,
    )
    .await
    .unwrap_err();
    assert_eq!(
        wrong.payload().field.as_deref(),
        Some("password"),
        "{wrong}"
    );
    assert!(
        wrong
            .to_string()
            .contains("refused this user name or password"),
        "{wrong}"
    );

    let none = try_proxy(&typed(&proxy.url(), None, None), None, &target)
        .await
        .unwrap_err();
    assert_eq!(none.payload().field.as_deref(), Some("username"), "{none}");

    let unreachable = try_proxy(
        &typed(&proxy.url(), Some("alice"), Some("s3cret-pass")),
        None,
        &format!("127.0.0.1:{closed}"),
    )
    .await
    .unwrap_err();
    assert!(
        unreachable
            .to_string()
            .contains("could not reach 127.0.0.1"),
        "{unreachable}"
    );

    let dead = format!("http://127.0.0.1:{}", free_port());
    let nothing = try_proxy(&typed(&dead, None, None), None, &target)
        .await
        .unwrap_err();
    assert_eq!(
        nothing.payload().field.as_deref(),
        Some("proxy_url"),
        "{nothing}"
    );
    assert!(
        nothing.to_string().contains("Nothing answers at"),
        "{nothing}"
    );
    // The password never appears in what is said.
    for e in [&wrong, &none, &unreachable, &nothing] {
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
    drop(server);
}
