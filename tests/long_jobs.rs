//! End-to-end, a long import stays in the user's hands: started on a queue's page, it keeps
//! running with its progress and Stop when the user goes to Overview, folds the send panel or
//! opens another queue; the sidebar lists it with its own Stop; a second import into the same
//! queue cannot start on top; Stop from the sidebar ends it, and the report waits until read.
//! Run inside scripts/with-keyring.sh (Xvfb, D-Bus, gnome-keyring).

mod common;

use std::io::Write;

use anyhow::{ensure, Result};
use common::*;
use fantoccini::Client;

const LINES: usize = 300_000;

/// Opens the send panel (where the import lives) unless it is open.
async fn send_panel_open(c: &Client) -> Result<()> {
    let open = js(
        c,
        "return document.getElementById('send-toggle').getAttribute('aria-expanded')",
    )
    .await?;
    if open != "true" {
        click(c, "#send-toggle").await?;
    }
    Ok(())
}

async fn import_stays(c: &Client) -> Result<()> {
    css(c, r#".layout[data-started="true"]"#).await?;
    let url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let sdk = test_support::sdk_client(&url);
    window_size(c, 1200, 760).await?;
    test_support::create_queue(&sdk, "long-import").await;
    test_support::create_queue(&sdk, "elsewhere").await;
    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="long-import"] .qname"#).await?;
    click(c, "#tab-messages").await?;
    send_panel_open(c).await?;
    click(c, "#msg-import").await?;
    text_contains(c, "#import-preview", "300").await?;
    js(
        c,
        "document.getElementById('import-send').scrollIntoView({ block: 'nearest' }); return 1",
    )
    .await?;
    click(c, "#import-send").await?;
    css(c, "#import-stop").await?;
    text_contains(c, "#import-progress", "sent").await?;

    // Away to Overview: the sidebar shows it, with its own Stop.
    click(c, "#tab-overview").await?;
    text_contains(c, "#running-jobs", "Importing into long-import").await?;
    // Back: the panel has its progress and Stop again, and no second import can start.
    click(c, "#tab-messages").await?;
    send_panel_open(c).await?;
    css(c, "#import-stop").await?;
    ensure!(
        js(c, "return document.getElementById('msg-import').disabled").await? == true,
        "a second import can start on top of the running one"
    );
    // Another queue's page, then Stop from the sidebar.
    click(c, "button.back").await?;
    click(c, r#"[data-queue-name="elsewhere"] .qname"#).await?;
    text_contains(c, "#running-jobs", "Importing into long-import").await?;
    click(
        c,
        r#"#running-jobs button[aria-label="Stop the import into long-import"]"#,
    )
    .await?;
    text_contains(c, "#running-jobs", "Import into long-import stopped").await?;
    screenshot("long-import-stopped.png");
    // The report waits until read: OK dismisses it.
    click(c, r#"#running-jobs button[aria-label^="Dismiss"]"#).await?;
    gone(c, "#running-jobs").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn a_long_import_keeps_its_progress_and_stop_wherever_the_user_goes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for i in 0..LINES {
            writeln!(w, r#"{{"body": "message {i:07} {}"}}"#, "x".repeat(200)).unwrap();
        }
    }
    let app = App::open_with(&[("SQS_PILOT_IMPORT_FILE", file.to_str().unwrap())]).await;
    let result = import_stays(&app.client).await;
    app.finish("long-import", result).await;
}
