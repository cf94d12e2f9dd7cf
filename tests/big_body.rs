//! End-to-end, a 1 MiB body in the details pane: it is drawn a screenful at a time — JSON
//! indented by Rust, Text and Hex (16 bytes a row) — so the page never holds more than a few
//! dozen rows of it, whatever the view or the scroll position. Prints how long the pane took to
//! paint and the longest frame while switching and scrolling, against the same body laid out
//! whole in a `<pre>` as the pane did before (`bash bench/pane.sh` prints that as a table).
//! Run inside scripts/with-keyring.sh (Xvfb, D-Bus, gnome-keyring).

mod common;

use anyhow::{ensure, Result};
use common::*;
use fantoccini::Client;

/// Waits two frames, then answers with the longest gap between frames since `window.__gaps`
/// started, and how many body rows the page holds.
const SETTLE: &str = "const done = arguments[arguments.length - 1]; \
    requestAnimationFrame(() => requestAnimationFrame(() => done({ \
      longest: window.__longest || 0, rows: document.querySelectorAll('#msg-body-view .row').length, \
      total: Number(document.getElementById('msg-body-view').dataset.rows) })));";

/// Starts recording the longest gap between frames.
const WATCH: &str = "window.__longest = 0; let last = performance.now(); \
    const tick = (t) => { window.__longest = Math.max(window.__longest, t - last); last = t; \
      if (!window.__stop) requestAnimationFrame(tick); }; window.__stop = false; requestAnimationFrame(tick); return 1;";

async fn big_body(c: &Client) -> Result<()> {
    css(c, r#".layout[data-started="true"]"#).await?;
    let url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let sdk = test_support::sdk_client(&url);
    window_size(c, 1200, 760).await?;
    let q = test_support::create_queue(&sdk, "big-bodies").await;
    // ~1,000,000 characters of JSON: 12,000 items of a line each.
    let items: Vec<String> = (0..12_000)
        .map(|i| {
            format!(
                r#"{{"id":{i},"sku":"SKU-{i:06}","name":"item number {i} of the order","qty":{}}}"#,
                i % 7
            )
        })
        .collect();
    let body = format!(r#"{{"order":"big","items":[{}]}}"#, items.join(","));
    ensure!(
        body.len() > 900_000 && body.len() <= 1_048_576,
        "body of {} bytes",
        body.len()
    );
    sdk.send_message()
        .queue_url(&q)
        .message_body(&body)
        .send()
        .await?;

    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="big-bodies"] .qname"#).await?;
    click(c, "#tab-messages").await?;
    click(c, "#poll-start").await?;
    text_contains(c, "#poll-received", "1 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    // The pane opens on the first message by itself after a poll; close and open it by click.
    if css(c, "#msg-drawer").await.is_ok() {
        click(c, "#msg-drawer .close").await?;
        gone(c, "#msg-drawer").await?;
    }
    js(c, WATCH).await?;
    // Clicked in the page and timed there: from the click to the frame after the first rows of
    // the indented JSON are in the pane (no WebDriver round trips in the figure).
    let painted = bounded(
        "click → painted",
        c.execute_async(
            "const done = arguments[arguments.length - 1]; const t0 = performance.now(); \
             document.querySelector('[data-message-id] .link').click(); \
             const check = () => { const v = document.getElementById('msg-body-view'); \
               if (v && v.textContent.includes('\"order\": \"big\"')) requestAnimationFrame(() => done(performance.now() - t0)); \
               else requestAnimationFrame(check); }; requestAnimationFrame(check);",
            vec![],
        ),
    )
    .await?
    .as_f64()
    .unwrap_or(-1.0);
    let json = bounded("settle", c.execute_async(SETTLE, vec![])).await?;
    let json_rows = json["total"].as_u64().unwrap_or(0);
    ensure!(json_rows > 12_000 * 4, "JSON rows: {json}");
    ensure!(
        json["rows"].as_u64().unwrap_or(999) < 120,
        "the page holds {} rows of the body: it must draw only a screenful",
        json["rows"]
    );

    for (view, label) in [("Text", "text"), ("Hex", "hex"), ("JSON", "JSON")] {
        click(
            c,
            &format!(
                r#"#msg-drawer .views button:nth-child({})"#,
                match view {
                    "JSON" => 1,
                    "Text" => 2,
                    _ => 3,
                }
            ),
        )
        .await?;
        text_contains(c, "#msg-drawer .views [aria-pressed=\"true\"]", view).await?;
        let s = bounded("settle", c.execute_async(SETTLE, vec![])).await?;
        ensure!(s["rows"].as_u64().unwrap_or(999) < 120, "{label}: {s}");
        if view == "Hex" {
            let bytes = body.len() as u64;
            ensure!(
                s["total"].as_u64() == Some(bytes.div_ceil(16)),
                "hex rows: {s}"
            );
            let first = text_of(c, "#msg-body-view .row").await?.unwrap_or_default();
            ensure!(
                first.starts_with("000000  7b 22 6f 72 64 65 72 22 3a 22 62 69 67 22 2c 22  {\"order\":\"big\",\""),
                "the first hex row: {first:?}"
            );
            // Scroll to the end: the last row is drawn, and still only a screenful exists.
            js(c, "const v = document.getElementById('msg-body-view'); v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll')); return 1").await?;
            let s = bounded("settle", c.execute_async(SETTLE, vec![])).await?;
            ensure!(
                s["rows"].as_u64().unwrap_or(999) < 120,
                "hex at the end: {s}"
            );
            let last_offset = format!("{:06x}", (bytes - 1) / 16 * 16);
            text_contains(c, "#msg-body-view", &last_offset).await?;
        }
    }
    let end = bounded("settle", c.execute_async(SETTLE, vec![])).await?;
    let longest = end["longest"].as_f64().unwrap_or(-1.0);

    // The same body laid out whole in a <pre>, as the pane did before, in the same window.
    let old = bounded(
        "the old pane",
        c.execute_async(
            "const done = arguments[arguments.length - 1]; const text = arguments[0]; \
             window.__longest = 0; const pre = document.createElement('pre'); \
             pre.style.cssText = 'white-space: pre-wrap; overflow-wrap: anywhere; width: 360px; height: 400px; overflow: auto; font: 12px monospace'; \
             const t0 = performance.now(); pre.textContent = JSON.stringify(JSON.parse(text), null, 2); \
             document.body.appendChild(pre); \
             requestAnimationFrame(() => requestAnimationFrame(() => { const ms = performance.now() - t0; pre.remove(); done(ms); }));",
            vec![serde_json::json!(body)],
        ),
    )
    .await?;
    js(c, "window.__stop = true; return 1").await?;
    println!(
        "pane: 1 MiB body ({} bytes): click → painted {painted:.0} ms; longest frame while switching JSON/Text/Hex and scrolling {longest:.0} ms; the old whole-body <pre>: {:.0} ms to paint",
        body.len(),
        old.as_f64().unwrap_or(-1.0)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn a_one_mebibyte_body_is_drawn_a_screenful_at_a_time() {
    let app = App::open().await;
    let result = big_body(&app.client).await;
    app.finish("big-body", result).await;
}
