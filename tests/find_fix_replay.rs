//! End-to-end, the dead-letter triage the workbench is for: 2,000 JSON orders in a queue, a
//! query typed into the filter finds exactly the failed gold orders from the EU (counted here
//! independently), "Select all matching" ticks exactly those, the export writes exactly those
//! lines, a selection the filter hides is said and left out, a mistake in the query is pointed
//! at (the table says it keeps the last filter that could be read), facets count the failure kinds, Delete removes exactly the matches (the SDK counts
//! what is left), and Move to queue… with a change sends exactly the chosen messages back, each
//! changed (previewed as a diff first), and deletes them here. Run inside scripts/with-keyring.sh (Xvfb, D-Bus, gnome-keyring).

mod common;

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use aws_sdk_sqs::types::{
    MessageAttributeValue, QueueAttributeName as A, SendMessageBatchRequestEntry,
};
use common::*;
use fantoccini::Client;

const N: usize = 2000;
const QUERY: &str = "status = failed and customer.tier = gold and @region = eu";

fn status(i: usize) -> &'static str {
    if i.is_multiple_of(3) {
        "failed"
    } else {
        "ok"
    }
}
fn tier(i: usize) -> &'static str {
    if i % 3 == 1 || i.is_multiple_of(7) {
        "gold"
    } else {
        "basic"
    }
}
fn region(i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        "eu"
    } else {
        "us"
    }
}
/// The orders the query must find, computed without the app.
fn wanted() -> Vec<usize> {
    (0..N)
        .filter(|&i| status(i) == "failed" && tier(i) == "gold" && region(i) == "eu")
        .collect()
}

async fn sandbox_sdk(c: &Client) -> Result<aws_sdk_sqs::Client> {
    css(c, r#".layout[data-started="true"]"#).await?;
    let url = text_of(c, ".queues .target").await?.unwrap_or_default();
    ensure!(
        url.starts_with("http://127.0.0.1:"),
        "sandbox endpoint: {url:?}"
    );
    Ok(test_support::sdk_client(&url))
}

async fn visible_count(sdk: &aws_sdk_sqs::Client, url: &str) -> Result<u64> {
    let a = sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await?;
    let get = |k: A| {
        a.attributes()
            .and_then(|m| m.get(&k))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok(get(A::ApproximateNumberOfMessages) + get(A::ApproximateNumberOfMessagesNotVisible))
}

/// Scrolls the message table a screenful at a time, waiting at each step until every row in
/// view has come from Rust, and collects each row's message id by its position (aria-rowindex).
const SCROLL_ALL: &str = r#"
const done = arguments[arguments.length - 1];
const sc = document.querySelector('#msg-table');
sc.scrollTop = 0;
const byRow = new Map();
const step = () => {
  const rows = [...sc.querySelectorAll('.spacer .mrow')];
  const top = sc.scrollTop, bottom = top + sc.clientHeight;
  const inView = rows.filter((r) => {
    const y = new DOMMatrix(getComputedStyle(r).transform).m42;
    return y + 32 > top && y < bottom;
  });
  if (inView.some((r) => !r.dataset.messageId)) return requestAnimationFrame(step);
  for (const r of inView) {
    byRow.set(Number(r.getAttribute('aria-rowindex')), r.dataset.messageId);
  }
  if (top + sc.clientHeight >= sc.scrollHeight - 1) {
    const keys = [...byRow.keys()].sort((a, b) => a - b);
    done({ ids: keys.map((k) => byRow.get(k)) });
  } else {
    sc.scrollTop = top + sc.clientHeight - 32;
    requestAnimationFrame(step);
  }
};
requestAnimationFrame(step);
"#;

async fn triage(c: &Client, export: &std::path::Path) -> Result<()> {
    let sdk = sandbox_sdk(c).await?;
    window_size(c, 1200, 760).await?;
    let url = test_support::create_queue(&sdk, "orders-dlq").await;
    for chunk in 0..N / 10 {
        let mut b = sdk.send_message_batch().queue_url(&url);
        for i in chunk * 10..chunk * 10 + 10 {
            b = b.entries(
                SendMessageBatchRequestEntry::builder()
                    .id(format!("e{i}"))
                    .message_body(format!(
                        r#"{{"order_id": {i}, "status": "{}", "customer": {{"tier": "{}"}}}}"#,
                        status(i),
                        tier(i)
                    ))
                    .message_attributes(
                        "region",
                        MessageAttributeValue::builder()
                            .data_type("String")
                            .string_value(region(i))
                            .build()?,
                    )
                    .build()?,
            );
        }
        ensure!(b.send().await?.failed().is_empty(), "a batch was refused");
    }
    let want = wanted();
    let want_n = want.len();
    ensure!(want_n > 40, "the data has {want_n} matches");

    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="orders-dlq"] .qname"#).await?;
    click(c, "#tab-messages").await?;
    retype(c, "#poll-count", &N.to_string()).await?;
    retype(c, "#poll-wait", "1").await?;
    click(c, "#poll-start").await?;
    says(c, "#poll-received", "2000 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;

    // The window holds numbers, not messages: the table asks Rust for the rows it draws. Scrolled
    // from top to bottom, every one of the 2,000 comes, each once.
    let seen = bounded(
        "scrolling through every row",
        c.execute_async(SCROLL_ALL, vec![]),
    )
    .await?;
    let ids: Vec<&str> = seen["ids"]
        .as_array()
        .context("ids")?
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    ensure!(
        ids.len() == N && unique.len() == N,
        "scrolling showed {} rows, {} different, of {N}",
        ids.len(),
        unique.len()
    );

    // A mistake is pointed at, and nothing is filtered by it. ("status" is answered first: typed
    // a key at a time, the last prefix answered before the mistake could be "statu".)
    retype(c, "#msg-filter", "status").await?;
    says(c, "#msg-match-count", "2000 of 2000 match").await?;
    gone(c, "#msg-match-count .stale").await?;
    type_into(c, "#msg-filter", " =").await?;
    text_contains(c, "#msg-filter-error", "Expected a value after '='").await?;
    axe(c, "a filter that cannot be read, the mistake marked (dark)").await?;
    // While it cannot be read, the table keeps the last filter that could, and says which.
    text_contains(
        c,
        "#msg-match-count",
        "“status”, the last filter that could be read",
    )
    .await?;

    // The query finds exactly the failed gold orders from the EU.
    retype(c, "#msg-filter", QUERY).await?;
    says(c, "#msg-match-count", &format!("{want_n} of 2000 match")).await?;
    gone(c, "#msg-filter-error").await?;

    // Facets: the failure kinds of what matches (all failed, all gold).
    click(c, "#msg-facets-toggle").await?;
    retype(c, "#facet-field", "status").await?;
    text_contains(
        c,
        r#"#facet-values [data-value="failed"] .n"#,
        &want_n.to_string(),
    )
    .await?;
    ensure!(
        js(
            c,
            "return document.querySelectorAll('#facet-values li').length"
        )
        .await?
            == 1,
        "the matches are all failed orders: one value"
    );

    screenshot("find-fix-replay-query.png");
    axe(c, "Messages with a query and its facets (dark)").await?;
    window_size(c, 800, 500).await?;
    js(
        c,
        "document.querySelector('#msg-table').scrollIntoView(); return 1",
    )
    .await?;
    click(c, "[data-message-id] .link").await?;
    css(c, "#msg-drawer").await?;
    screenshot("find-fix-replay-800x500.png");
    window_size(c, 1200, 760).await?;

    // Select all matching → exactly those; export writes exactly those lines.
    click(c, "#msg-select-all").await?;
    text_contains(c, "#msg-selected-count", &format!("{want_n} selected")).await?;
    click(c, "#msg-export").await?;
    text_contains(c, "#msg-outcome", "exported").await?;
    let text = std::fs::read_to_string(export).context("the export file")?;
    let mut ids: Vec<usize> = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let body: serde_json::Value = serde_json::from_str(v["body"].as_str().unwrap_or(""))?;
        ids.push(body["order_id"].as_u64().context("order_id")? as usize);
    }
    ids.sort();
    ensure!(
        ids == want,
        "the export holds {} lines, not exactly the {want_n} matches",
        ids.len()
    );

    // A selection the filter hides is said, and left out of the actions.
    retype(c, "#msg-filter", "customer.tier = basic").await?;
    text_contains(
        c,
        "#msg-hidden-selected",
        &format!("{want_n} selected are hidden by the filter and left out"),
    )
    .await?;
    text_contains(c, "#msg-delete", "Delete 0").await?;
    ensure!(
        js(c, "return document.getElementById('msg-delete').disabled").await? == true,
        "Delete acts on hidden messages"
    );

    // Back to the matches: Delete removes exactly them.
    retype(c, "#msg-filter", QUERY).await?;
    text_contains(c, "#msg-delete", &format!("Delete {want_n}")).await?;
    click(c, "#msg-delete").await?;
    text_contains(
        c,
        "dialog.confirm",
        &format!("Delete {want_n} messages from orders-dlq"),
    )
    .await?;
    click(c, "dialog.confirm button.danger").await?;
    text_contains(c, "#msg-outcome", &format!("{want_n} deleted")).await?;
    let start = Instant::now();
    loop {
        let left = visible_count(&sdk, &url).await?;
        if left == (N - want_n) as u64 {
            break;
        }
        ensure!(
            start.elapsed() < Duration::from_secs(30),
            "the queue holds {left}, expected {}",
            N - want_n
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    text_contains(c, "#msg-match-count", "0 of").await?;

    // Fix and replay: the failed basic orders from the US get status "retry" and go back to
    // the source queue; each copy is changed, each original deleted only after SQS had it.
    let source = test_support::create_queue(&sdk, "orders").await;
    let replay: Vec<usize> = (0..N)
        .filter(|&i| status(i) == "failed" && tier(i) == "basic" && region(i) == "us")
        .collect();
    retype(
        c,
        "#msg-filter",
        "status = failed and customer.tier = basic and @region = us",
    )
    .await?;
    says(
        c,
        "#msg-match-count",
        &format!("{} of {} match", replay.len(), N - want_n),
    )
    .await?;
    click(c, "#msg-select-all").await?;
    click(c, "#msg-move").await?;
    css(c, "#copy-target option").await?;
    js(
        c,
        &format!(
            "const s = document.getElementById('copy-target'); s.value = {:?}; s.dispatchEvent(new Event('change')); return 1",
            source
        ),
    )
    .await?;
    click(c, "#change-add").await?;
    type_into(c, r#"[aria-label="Change 1: field"]"#, "status").await?;
    type_into(
        c,
        r#"[aria-label="Change 1: new value (JSON, or text)"]"#,
        "\"retry\"",
    )
    .await?;
    text_contains(c, ".diff .add", "\"status\": \"retry\"").await?;
    text_contains(c, ".diff .del", "\"status\": \"failed\"").await?;
    screenshot("find-fix-replay-changes.png");
    axe(c, "Move with a change and its preview (dark)").await?;
    click(c, "#copy-send").await?;
    text_contains(c, "#copy-done", &format!("{} moved", replay.len())).await?;
    // The source holds exactly the changed copies.
    let mut got: Vec<usize> = Vec::new();
    let start = Instant::now();
    while got.len() < replay.len() && start.elapsed() < Duration::from_secs(30) {
        let r = sdk
            .receive_message()
            .queue_url(&source)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .send()
            .await?;
        for m in r.messages() {
            let body: serde_json::Value = serde_json::from_str(m.body().unwrap_or(""))?;
            ensure!(body["status"] == "retry", "a copy was not changed: {body}");
            got.push(body["order_id"].as_u64().context("order_id")? as usize);
        }
    }
    got.sort();
    ensure!(
        got == replay,
        "the source got {} copies, expected {}",
        got.len(),
        replay.len()
    );
    let left = visible_count(&sdk, &url).await?;
    ensure!(
        left == (N - want_n - replay.len()) as u64,
        "the dead-letter queue holds {left} after the move"
    );
    screenshot("find-fix-replay.png");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn a_query_finds_exactly_the_matches_and_actions_touch_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.jsonl");
    // In the dark theme: the workbench tests check the other screens in both.
    let app = App::open_with(&[
        ("SQS_PILOT_EXPORT_FILE", export.to_str().unwrap()),
        ("GTK_THEME", "Adwaita:dark"),
    ])
    .await;
    let result = triage(&app.client, &export).await;
    app.finish("find-fix-replay", result).await;
}
