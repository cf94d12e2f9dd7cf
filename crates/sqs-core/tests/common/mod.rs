//! What several of the core's integration tests build the same way: a connection to an SQS
//! endpoint URL with example access keys, and the secret that goes with it; messages received
//! as the items a move takes.
#![allow(dead_code)] // each test binary uses what it needs

use sqs_core::client::SqsClient;
use sqs_core::connection::{Connection, ConnectionSettings, KeyPair, Secret};
use sqs_core::messages::{MessageHandle, OutgoingMessage};
use sqs_core::redrive::MoveItem;

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

/// Receives `n` messages of `url` (in flight for `visibility_s`) as the items a move takes: each
/// handle, and its body to send as it is.
pub async fn receive_move_items(
    client: &SqsClient,
    url: &str,
    n: usize,
    visibility_s: i32,
) -> Vec<MoveItem> {
    let mut items = Vec::new();
    while items.len() < n {
        let got = client
            .sdk
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(visibility_s)
            .send()
            .await
            .unwrap();
        items.extend(got.messages().iter().map(|m| MoveItem {
            handle: MessageHandle {
                message_id: m.message_id().unwrap().into(),
                receipt_handle: m.receipt_handle().unwrap().into(),
            },
            message: OutgoingMessage {
                body: m.body().unwrap().into(),
                ..Default::default()
            },
        }));
    }
    items
}
