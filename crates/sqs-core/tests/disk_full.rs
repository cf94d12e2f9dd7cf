//! Fault test: the settings and the recent-messages file on a tiny tmpfs that fills up. A save
//! fails with a sentence that says the disk is full, the file on disk stays whole (the old
//! version), no temporary file is left, and saving works again once space is freed. Needs
//! root (to mount the tmpfs): ignored by a plain `cargo test`, run by scripts/test.sh as root.

use sqs_core::config::{AppConfig, ConfigStore};
use sqs_core::connection::{Connection, ConnectionSettings};
use sqs_core::messages::OutgoingMessage;
use sqs_core::recent::RecentStore;
use test_support::TinyDisk;

fn config(n: usize) -> AppConfig {
    AppConfig {
        connections: (0..n)
            .map(|i| Connection {
                id: format!("c{i}"),
                name: format!("connection number {i} with a longer name"),
                settings: ConnectionSettings::Endpoint {
                    url: format!("http://127.0.0.1:{}", 5000 + i),
                    region: "us-east-1".into(),
                    access_key_id: None,
                },
                secret_account: None,
            })
            .collect(),
        ..Default::default()
    }
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
#[ignore = "needs root to mount a tmpfs; scripts/test.sh runs it when root"]
fn a_full_disk_never_leaves_the_settings_half_written() {
    let disk = TinyDisk::mount(256);
    let store = ConfigStore::new(disk.path().join("config"));
    store.save(&config(1)).unwrap();
    disk.fill();
    let e = store.save(&config(500)).unwrap_err();
    assert!(e.to_string().contains("disk is full"), "{e}");
    let loaded = store.load_or_recover();
    assert!(loaded.notice.is_none(), "{:?}", loaded.notice);
    assert_eq!(
        loaded.config.connections.len(),
        1,
        "the old settings, whole"
    );
    assert_eq!(files_in(&disk.path().join("config")), ["connections.json"]);

    let recent = RecentStore::new(&disk.path().join("data"));
    let big = OutgoingMessage {
        body: "x".repeat(60_000),
        ..Default::default()
    };
    let e = recent.remember("q", &big, 1).unwrap_err();
    assert!(e.to_string().contains("disk is full"), "{e}");

    disk.free();
    store.save(&config(500)).unwrap();
    assert_eq!(store.load_or_recover().config.connections.len(), 500);
    recent.remember("q", &big, 2).unwrap();
    assert_eq!(recent.list("q").len(), 1);
}
