//! The real OS keychain on every platform the app ships for: Secret Service on Linux (run in
//! `scripts/with-keyring.sh` by the test command), Credential Manager on Windows and the macOS
//! Keychain (run by the release workflow's test jobs). Ignored by a plain `cargo test`.

use std::sync::Arc;

use sqs_core::connection::Secret;
use sqs_core::secrets::{self, KeyringStore, SecretStore};

#[tokio::test]
#[ignore = "needs the OS keychain: the test command runs it in scripts/with-keyring.sh, the release workflow on Windows and macOS"]
async fn the_os_keychain_keeps_a_secret_until_it_is_deleted() {
    let service = format!("sqs-pilot-roundtrip-{}", std::process::id());
    let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_service(&service));
    let backend = store.backend();
    assert!(
        !matches!(backend, "mock" | "unavailable"),
        "keyring used {backend}, not the OS keychain"
    );
    let account = "roundtrip#1".to_string();
    let secret = Secret::new(format!(
        "wJalrXUtnFEMI/{}/bPxRfiCYEXAMPLEKEY",
        std::process::id()
    ));
    secrets::set(store.clone(), account.clone(), secret.clone())
        .await
        .unwrap();
    let read = secrets::get(store.clone(), account.clone()).await.unwrap();
    assert_eq!(read.as_ref().map(Secret::expose), Some(secret.expose()));
    secrets::delete(store.clone(), account.clone())
        .await
        .unwrap();
    assert!(secrets::get(store.clone(), account.clone())
        .await
        .unwrap()
        .is_none());
    // Deleting what is not there is not an error.
    secrets::delete(store, account).await.unwrap();
}
