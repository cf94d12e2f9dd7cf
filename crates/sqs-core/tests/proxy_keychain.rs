//! A proxy with a user name whose password the keychain cannot give (locked, not available):
//! requests still go through the proxy (without the password), never around it, and the load
//! says why. (Its own test binary: the app's proxy is process-wide.)

mod common;

use common::{endpoint_connection, example_secret};
use std::sync::Arc;

use sqs_core::config::AppConfig;
use sqs_core::connection::Secret;
use sqs_core::proxy::{self, ProxySettings};
use sqs_core::secrets::SecretStore;
use sqs_core::{client, queues, CoreError};

/// A keychain that answers every call with "not available" (the error path only).
struct Unavailable;

impl SecretStore for Unavailable {
    fn set(&self, _: &str, _: &Secret) -> Result<(), CoreError> {
        Err(CoreError::Keychain(
            "The system keychain is not available.".into(),
        ))
    }
    fn get(&self, _: &str) -> Result<Option<Secret>, CoreError> {
        Err(CoreError::Keychain(
            "The system keychain is not available.".into(),
        ))
    }
    fn delete(&self, _: &str) -> Result<(), CoreError> {
        Ok(())
    }
    fn backend(&self) -> &'static str {
        "unavailable (test)"
    }
}

#[tokio::test]
async fn a_keychain_that_cannot_be_read_never_sends_requests_around_the_proxy() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = AppConfig {
        proxy: Some(ProxySettings {
            url: format!("http://127.0.0.1:{port}"),
            username: Some("alice".into()),
            no_proxy: None,
        }),
        ..Default::default()
    };
    let e = proxy::load(&config, Arc::new(Unavailable))
        .await
        .expect_err("the password could not be read");
    assert!(e.payload().message.contains("not available"), "{e:?}");

    // A request to a server elsewhere goes to the (dead) proxy, not around it.
    let secret = example_secret();
    let c = client::connect(
        &endpoint_connection("http://192.0.2.10:9324"),
        Some(&secret),
    )
    .await
    .unwrap();
    let m = queues::list_queues(&c, None)
        .await
        .expect_err("nothing answers")
        .payload()
        .message;
    assert!(
        m.contains(&format!(
            "through the proxy set under Network (http://127.0.0.1:{port})"
        )),
        "{m}"
    );
}
