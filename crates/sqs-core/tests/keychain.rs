//! The real OS keychain: run inside a private D-Bus session with an unlocked gnome-keyring
//! (`scripts/with-keyring.sh`, used by `make test`). Ignored by a plain `cargo test` because it
//! needs that session; `make test` runs it with `--ignored`.

use std::process::Command;
use std::sync::Arc;

use sqs_core::config::{AppConfig, ConfigStore};
use sqs_core::connection::{ConnectionInput, ConnectionType, KeyPair, Secret, SecretChange};
use sqs_core::secrets::{self, KeyringStore, SecretStore};

fn secret_tool_search(service: &str) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", service])
        .output()
        .expect("secret-tool (package libsecret-tools) must be installed");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            hits.extend(files_containing(&p, needle));
        } else if std::fs::read(&p)
            .map(|b| String::from_utf8_lossy(&b).contains(needle))
            .unwrap_or(false)
        {
            hits.push(p);
        }
    }
    hits
}

#[test]
#[ignore = "needs a private D-Bus session with gnome-keyring: make test runs it"]
fn the_real_keychain_is_used_not_the_in_memory_mock() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run inside scripts/with-keyring.sh (a private D-Bus session)"
    );
    let store = KeyringStore::with_service("sqs-pilot-test-backend");
    assert_eq!(
        store.backend(),
        "secret-service",
        "keyring fell back to a store that is not the OS keychain"
    );
}

#[tokio::test]
#[ignore = "needs a private D-Bus session with gnome-keyring: make test runs it"]
async fn a_saved_secret_lives_only_in_the_keychain_and_is_removed_with_its_connection() {
    let service = format!("sqs-pilot-test-{}", std::process::id());
    let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_service(&service));
    let secret_text = format!("wJalrXUtnFEMI/K7MDENG/{}EXAMPLEKEY", std::process::id());

    // The same path the app takes: validate the form, then the secret to the keychain, the rest to the file.
    let input = ConnectionInput {
        id: None,
        name: "Production".into(),
        kind: ConnectionType::AccessKeys,
        region: Some("eu-west-1".into()),
        endpoint: None,
        profile: None,
        access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
        secret_access_key: Some(Secret::new(secret_text.clone())),
        session_token: None,
    };
    let (conn, change) = input.into_connection(None).unwrap();
    let SecretChange::Set(secret) = change else {
        panic!("expected a secret to store")
    };
    secrets::set(store.clone(), conn.id.clone(), secret)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg_store = ConfigStore::new(dir.path());
    cfg_store
        .save(&AppConfig {
            version: 1,
            connections: vec![conn.clone()],
            last_used: Some(conn.id.clone()),
            ..Default::default()
        })
        .unwrap();

    // Read back through our code, and through an independent client of the same keychain.
    let back = secrets::get(store.clone(), conn.id.clone())
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(back.expose(), secret_text);
    let listed = secret_tool_search(&service);
    assert!(
        listed.contains(&secret_text),
        "secret-tool does not see it in gnome-keyring: {listed}"
    );
    assert!(
        listed.contains(&conn.id),
        "the keychain entry is filed under the connection id: {listed}"
    );

    // Nowhere in the app's config dir.
    assert!(
        files_containing(dir.path(), &secret_text).is_empty(),
        "secret written to a file"
    );
    assert!(
        !files_containing(dir.path(), "AKIAIOSFODNN7EXAMPLE").is_empty(),
        "the key id is kept in the file"
    );

    // Removing deletes the entry; removing again is not an error.
    secrets::delete(store.clone(), conn.id.clone())
        .await
        .unwrap();
    assert!(secrets::get(store.clone(), conn.id.clone())
        .await
        .unwrap()
        .is_none());
    assert!(
        !secret_tool_search(&service).contains(&secret_text),
        "entry still in gnome-keyring"
    );
    secrets::delete(store, conn.id.clone()).await.unwrap();
}

#[tokio::test]
#[ignore = "needs a private D-Bus session with gnome-keyring: make test runs it"]
async fn a_session_token_is_kept_with_its_secret_in_one_keychain_entry_and_nowhere_else() {
    let service = format!("sqs-pilot-test-token-{}", std::process::id());
    let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_service(&service));
    let secret_text = format!("tEmPsEcReT/{}EXAMPLEKEY", std::process::id());
    let token_text = format!("IQoJb3JpZ2luX2VjEtoken{}//+=", std::process::id());
    let input = ConnectionInput {
        id: None,
        name: "SSO portal keys".into(),
        kind: ConnectionType::AccessKeys,
        region: Some("eu-west-1".into()),
        endpoint: None,
        profile: None,
        access_key_id: Some("ASIAIOSFODNN7EXAMPLE".into()),
        secret_access_key: Some(Secret::new(secret_text.clone())),
        session_token: Some(Secret::new(token_text.clone())),
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg_store = ConfigStore::new(dir.path());
    let mut cfg = AppConfig::default();
    let conn = sqs_core::connection_service::save(&mut cfg, &cfg_store, store.clone(), input)
        .await
        .unwrap();

    let entry = secrets::get(store.clone(), conn.secret_account().to_string())
        .await
        .unwrap()
        .expect("stored");
    let pair = KeyPair::decode(&entry);
    assert_eq!(pair.secret_access_key.expose(), secret_text);
    assert_eq!(pair.session_token.unwrap().expose(), token_text);
    let listed = secret_tool_search(&service);
    assert!(
        listed.contains(&token_text) && listed.contains(&secret_text),
        "gnome-keyring holds the secret and the token: {listed}"
    );
    for needle in [&secret_text, &token_text] {
        assert!(
            files_containing(dir.path(), needle).is_empty(),
            "a secret part was written to a file"
        );
    }

    sqs_core::connection_service::remove(&mut cfg, &cfg_store, store.clone(), &conn.id)
        .await
        .unwrap();
    assert!(
        !secret_tool_search(&service).contains(&token_text),
        "the token stays in gnome-keyring after the connection was removed"
    );
}
