//! What several of the core's integration tests build the same way: a connection to an SQS
//! endpoint URL with example access keys, and the secret that goes with it.
#![allow(dead_code)] // each test binary uses what it needs

use sqs_core::connection::{Connection, ConnectionSettings, KeyPair, Secret};

/// A stored connection to the SQS endpoint at `url` (AWS's documented example access key id).
pub fn endpoint_connection(url: &str) -> Connection {
    Connection {
        id: "remote".into(),
        name: "Remote".into(),
        settings: ConnectionSettings::Endpoint {
            url: url.into(),
            region: "us-east-1".into(),
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
        },
        secret_account: None,
    }
}

/// The keychain secret of such a connection (its secret key, no session token).
pub fn example_secret() -> Secret {
    KeyPair {
        secret_access_key: Secret::new("secret"),
        session_token: None,
    }
    .encode()
}
