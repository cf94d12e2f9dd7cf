//! End-to-end, a long import stays in the user's hands: started on a queue's page, it keeps
//! running with its progress and Stop when the user goes to Overview, folds the send panel or
//! opens another queue; the sidebar lists it with its own Stop; a second import into the same
//! queue cannot start on top; Stop from the sidebar ends it, and the report waits until read.
//! A poll goes on while Overview shows (listed in the sidebar); a move of thousands shows its
//! progress and Stop, goes on when its dialog is closed, and is stopped from the sidebar, where
//! its report waits; the queues agree with the report.
//! Run inside scripts/with-keyring.sh (Xvfb, D-Bus, gnome-keyring).

mod common;

use std::io::Write;

use anyhow::{ensure, Context, Result};
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

const MOVED: usize = 3_000;

async fn poll_and_move_stay(c: &Client) -> Result<()> {
    css(c, r#".layout[data-started="true"]"#).await?;
    let url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let sdk = test_support::sdk_client(&url);
    window_size(c, 1200, 760).await?;
    let from = test_support::create_queue(&sdk, "move-from").await;
    let to = test_support::create_queue(&sdk, "move-to").await;
    for chunk in 0..MOVED / 10 {
        let mut b = sdk.send_message_batch().queue_url(&from);
        for i in 0..10 {
            b = b.entries(
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(format!("m{i}"))
                    .message_body(format!("order {}", chunk * 10 + i))
                    .build()?,
            );
        }
        b.send().await?;
    }
    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="move-from"] .qname"#).await?;
    click(c, "#tab-messages").await?;
    click(c, r#"input[name="mode"][value="receive"]"#).await?;
    retype(c, "#poll-count", &MOVED.to_string()).await?;
    retype(c, "#poll-wait", "1").await?;
    click(c, "#poll-start").await?;
    // A look at Overview while it polls: the poll goes on, listed in the sidebar.
    click(c, "#tab-overview").await?;
    let listed = text_of(c, "#running-jobs").await?.unwrap_or_default();
    click(c, "#tab-messages").await?;
    // The table is still the poll's (before, the tab came back empty).
    says(c, "#poll-received", &format!("{MOVED} received")).await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    ensure!(
        listed.contains("Polling move-from") || listed.is_empty(),
        "the sidebar said {listed:?} during the poll"
    );

    click(c, "#msg-select-all").await?;
    click(c, "#msg-move").await?;
    css(c, "#copy-target option").await?;
    js(
        c,
        &format!(
            "const s = document.getElementById('copy-target'); s.value = {to:?}; s.dispatchEvent(new Event('change')); return 1"
        ),
    )
    .await?;
    click(c, "#copy-send").await?;
    // Closed while it runs: it goes on in the sidebar, where Stop ends it.
    let closed_while_running = css(c, "#move-stop").await.is_ok();
    click(c, "#copy-close").await?;
    gone(c, "dialog[open]").await?;
    if closed_while_running {
        let _ = click(c, r#"#running-jobs button[aria-label^="Stop: Moving"]"#).await;
    }
    says(c, "#running-jobs", "moved to move-to").await?;
    let report: String = plain(&text_of(c, "#running-jobs").await?.unwrap_or_default());
    screenshot("long-move-stopped.png");
    let moved: usize = report
        .split(" moved to move-to")
        .next()
        .and_then(|n| n.rsplit('\n').next())
        .map(|n| n.trim().to_string())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no count in {report:?}"))?;
    let stopped = MOVED - moved;
    if stopped > 0 {
        ensure!(
            report.contains(&format!("Stopped: {stopped} not moved")),
            "the report does not say how many the stop left: {report:?}"
        );
    }
    // The queues agree with the report: nothing lost, nothing doubled.
    let n = |q: String| {
        let sdk = sdk.clone();
        async move {
            let a = sdk
                .get_queue_attributes()
                .queue_url(q)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                .send()
                .await?;
            let get = |k: &str| {
                a.attributes()
                    .and_then(|m| {
                        m.get(&aws_sdk_sqs::types::QueueAttributeName::from(k))
                            .cloned()
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            anyhow::Ok(
                get("ApproximateNumberOfMessages") + get("ApproximateNumberOfMessagesNotVisible"),
            )
        }
    };
    ensure!(
        n(to.clone()).await? == moved,
        "move-to does not hold the {moved} moved"
    );
    ensure!(
        n(from.clone()).await? == stopped,
        "move-from does not hold the {stopped} left"
    );
    // The report waits until read.
    click(c, r#"#running-jobs button[aria-label^="Dismiss"]"#).await?;
    gone(c, "#running-jobs").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn a_poll_and_a_long_move_stay_in_hand_across_tabs_and_a_closed_dialog() {
    let app = App::open().await;
    let result = poll_and_move_stay(&app.client).await;
    app.finish("long-move", result).await;
}
