//! End-to-end, the queue page as a workbench: the seed console flow by keyboard alone (focus
//! never falls to the page body), the tour following the user, the layout at 1200×760 and at the
//! minimum window size (table and details pane never overlap; body and attributes in view),
//! axe-core on every main screen in light and dark, the "say what happened" sentences, and
//! Up/Down past the rows a virtualized table draws (focus follows the opened message).
//! Run inside scripts/with-keyring.sh (Xvfb, D-Bus, gnome-keyring) by the test command.

mod common;

use std::collections::HashMap;

use anyhow::{ensure, Context, Result};
use aws_sdk_sqs::types::QueueAttributeName as A;
use common::keys::*;
use common::*;
use fantoccini::Client;

/// The sandbox's endpoint, read from the queue list's header.
async fn sandbox_sdk(c: &Client) -> Result<aws_sdk_sqs::Client> {
    css(c, r#".layout[data-started="true"]"#).await?;
    text_contains(c, "main h1", "Local sandbox").await?;
    let url = text_of(c, ".queues .target").await?.unwrap_or_default();
    ensure!(
        url.starts_with("http://127.0.0.1:"),
        "sandbox endpoint: {url:?}"
    );
    Ok(test_support::sdk_client(&url))
}

async fn attributes(sdk: &aws_sdk_sqs::Client, url: &str) -> Result<HashMap<A, String>> {
    Ok(sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::All)
        .send()
        .await?
        .attributes()
        .cloned()
        .unwrap_or_default())
}

/// The table and the details pane side by side, never overlapping; the body and the attributes
/// inside the window.
async fn check_layout(c: &Client, size: &str) -> Result<()> {
    let (vw, vh) = viewport(c).await?;
    let table = rect(c, "#msg-table").await?;
    let pane = rect(c, "#msg-drawer").await?;
    ensure!(
        table.2 <= pane.0 + 0.5,
        "{size}: the table (right edge {}) runs under the details pane (left edge {})",
        table.2,
        pane.0
    );
    ensure!(
        table.2 - table.0 >= 200.0,
        "{size}: the table is only {} px wide",
        table.2 - table.0
    );
    ensure!(
        pane.2 <= vw + 0.5 && table.3 <= vh + 0.5,
        "{size}: the pane or table leaves the window"
    );
    for sel in ["#msg-body-view", "#msg-attrs"] {
        let r = rect(c, sel).await?;
        ensure!(
            r.1 >= 0.0 && r.1 + 16.0 <= vh && r.0 >= pane.0 && r.2 <= vw + 0.5,
            "{size}: {sel} is not in view ({r:?} in a {vw}×{vh} window)"
        );
    }
    let head = rect(c, "#msg-table .mrow.head").await?;
    ensure!(
        head.1 >= table.1 - 0.5 && head.3 <= pane.3,
        "{size}: the header is not on the table"
    );
    Ok(())
}

async fn keyboard_flow(c: &Client) -> Result<()> {
    let sdk = sandbox_sdk(c).await?;
    window_size(c, 1200, 760).await?;
    text_contains(c, "#tour", "step 1 of 4").await?;
    text_contains(c, "#tour-title", "Create a queue").await?;
    axe(c, "the empty queue list (light)").await?;
    // At launch the keyboard starts somewhere: on an empty list, the button that creates a queue.
    focus_on(c, "#create-first").await?;

    // Create my-queue with visibility 45 s and retention 2 days, by keyboard.
    press(c, &format!("{CTRL}{SHIFT}n{RELEASE}"), "Ctrl+Shift+N").await?;
    css(c, "dialog[open] #q-name").await?;
    focus_on(c, "#q-name").await?;
    press(c, "my-queue", "the name").await?;
    tab_to(c, "#q-visibility", false).await?;
    press(
        c,
        &format!("{CTRL}a{CTRL}{BACKSPACE}"),
        "select all, delete",
    )
    .await?;
    press(c, "45", "visibility 45").await?;
    tab_to(c, "#q-retention", false).await?;
    press(
        c,
        &format!("{CTRL}a{CTRL}{BACKSPACE}"),
        "select all, delete",
    )
    .await?;
    press(c, "2", "retention 2 days").await?;
    press(c, ENTER, "Enter submits").await?;

    // The new queue opens where the next step is: Messages, the body focused.
    css(c, r#"#tab-messages[aria-selected="true"]"#).await?;
    focus_on(c, "#msg-body").await?;
    text_contains(c, "#tour-title", "Send a message").await?;
    let url = sdk
        .get_queue_url()
        .queue_name("my-queue")
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    let a = attributes(&sdk, &url).await?;
    assert_eq!(a[&A::VisibilityTimeout], "45");
    assert_eq!(a[&A::MessageRetentionPeriod], "172800");
    assert_eq!(
        a.get(&A::SqsManagedSseEnabled).map(String::as_str),
        Some("true")
    );

    // Type a body, Ctrl+Enter sends; the counts strip follows at once.
    press(c, r#"{"hello": "queue"}"#, "the body").await?;
    press(c, &format!("{CTRL}{ENTER}{RELEASE}"), "Ctrl+Enter").await?;
    text_contains(c, "#msg-sent", "Sent: message id").await?;
    text_contains(c, "#count-available", "1").await?;
    focus_kept(c, "sending").await?;
    text_contains(c, "#tour-title", "Poll").await?;

    // Poll: focus stays on the button, which reads Stop while it runs.
    tab_to(c, "#poll-start", true).await?;
    // Its focus ring can be seen: on the filled blue button it once was blue on blue (1.2:1).
    let ring = ring_contrast(c, "#poll-start").await?;
    ensure!(
        ring >= 3.0,
        "the focus ring on Poll is {ring:.2}:1 against the button"
    );
    screenshot("focus-ring-poll.png");
    press(c, ENTER, "Poll").await?;
    text_contains(c, "#poll-received", "1 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    focus_on(c, "#poll-start").await?;
    text_contains(c, "#announcer", "1 received").await?;
    text_contains(c, "#tour-title", "Delete").await?;
    // The pane shows the first received message by itself.
    text_contains(c, "#msg-body-view", "\"hello\": \"queue\"").await?;

    // Open it, see the layout, close with Esc (focus returns to its row), open again.
    tab_to(c, "[data-message-id] .link", false).await?;
    press(c, ENTER, "open the message").await?;
    css(c, "#msg-drawer").await?;
    text_contains(c, "#msg-body-view", "\"hello\": \"queue\"").await?;
    check_layout(c, "1200×760").await?;
    focus_kept(c, "opening a message").await?;
    screenshot("workbench-1200x760.png");
    axe(c, "Messages after a poll, details open (light)").await?;
    // A 1024×640 screen (the send panel stays open, as the user left it).
    window_size(c, 1024, 640).await?;
    check_layout(c, "1024×640").await?;
    screenshot("workbench-1024x640.png");
    window_size(c, 1200, 760).await?;
    press(c, ESCAPE, "Esc").await?;
    gone(c, "#msg-drawer").await?;
    focus_on(c, "[data-message-id] .link").await?;
    press(c, ENTER, "open the message again").await?;
    css(c, "#msg-drawer").await?;

    // Delete it from the pane: the outcome is said, focus stays in the table.
    tab_to(c, "#msg-delete-one", false).await?;
    press(c, ENTER, "Delete").await?;
    text_contains(c, "#msg-outcome", "1 deleted.").await?;
    focus_kept(c, "deleting").await?;
    text_contains(c, "#announcer", "1 deleted.").await?;

    // The tour followed every step and ends with what was learned.
    css(c, r#"#tour[data-step="done"]"#).await?;
    text_contains(c, "#tour", "You ran a queue").await?;
    let left = attributes(&sdk, &url).await?;
    assert_eq!(left[&A::ApproximateNumberOfMessages], "0");
    assert_eq!(left[&A::ApproximateNumberOfMessagesNotVisible], "0");

    // Back to the list: focus returns to the queue's row.
    tab_to(c, "button.back", true).await?;
    press(c, ENTER, "back").await?;
    focus_on(c, r#"[data-queue-name="my-queue"] .qname"#).await?;

    // The minimum window: three messages, one opened; nothing overlaps, everything in view.
    for i in 0..3 {
        sdk.send_message()
            .queue_url(&url)
            .message_body(format!("small window {i}"))
            .message_attributes(
                "kind",
                aws_sdk_sqs::types::MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("small")
                    .build()?,
            )
            .send()
            .await?;
    }
    window_size(c, 800, 500).await?;
    press(c, ENTER, "open my-queue").await?;
    css(c, r#"#tab-messages[aria-selected="true"]"#).await?;
    click(c, "#poll-start").await?;
    text_contains(c, "#poll-received", "3 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    click(c, "[data-message-id] .link").await?;
    text_contains(c, "#msg-attrs", "small").await?;
    check_layout(c, "800×500").await?;
    for sel in [
        "#poll-start",
        "#send-toggle",
        "#queue-delete",
        "#tab-simulate",
    ] {
        let r = rect(c, sel).await?;
        let (vw, vh) = viewport(c).await?;
        ensure!(
            r.2 <= vw + 0.5 && r.3 <= vh + 0.5,
            "800×500: {sel} is out of reach ({r:?})"
        );
    }
    screenshot("workbench-800x500.png");
    axe(c, "Messages at 800×500 (light)").await?;

    // Keys that reach: Alt+M to the table, Alt+P polls again, Delete in the table deletes the
    // selected messages (three: asked first).
    press(c, &format!("{ALT}m{RELEASE}"), "Alt+M").await?;
    let f = focused(c).await?;
    ensure!(f.starts_with("DIV#msg-table"), "Alt+M focused {f}");
    press(c, &format!("{ALT}p{RELEASE}"), "Alt+P").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    text_contains(c, "#announcer", "3 received").await?;
    focus_on(c, "#poll-start").await?;
    click(c, "#msg-select-all").await?;
    text_contains(c, "#msg-selected-count", "3 selected").await?;
    press(c, &format!("{ALT}m{RELEASE}"), "Alt+M").await?;
    press(c, DELETE, "Delete").await?;
    text_contains(c, "dialog[open]", "Delete 3 messages").await?;
    click(c, "dialog[open] button.danger").await?;
    text_contains(c, "#msg-outcome", "3 deleted.").await?;
    let left = attributes(&sdk, &url).await?;
    assert_eq!(left[&A::ApproximateNumberOfMessages], "0");

    // Alt+← goes back to the list, to the queue's row; "?" lists every shortcut; Esc closes it.
    press(c, &format!("{ALT}\u{E012}{RELEASE}"), "Alt+←").await?;
    focus_on(c, r#"[data-queue-name="my-queue"] .qname"#).await?;
    press(c, "?", "?").await?;
    text_contains(c, "#shortcuts", "Back to the queue list").await?;
    text_contains(c, "#shortcuts", "Poll, or stop a poll").await?;
    axe(c, "the keyboard shortcuts (light)").await?;
    screenshot("workbench-shortcuts.png");
    press(c, ESCAPE, "Esc").await?;
    gone(c, "#shortcuts").await?;
    Ok(())
}

/// Every main screen through axe-core.
async fn screens(c: &Client, theme: &str) -> Result<()> {
    let sdk = sandbox_sdk(c).await?;
    window_size(c, 1200, 760).await?;
    let dark = js(
        c,
        "return matchMedia('(prefers-color-scheme: dark)').matches;",
    )
    .await?;
    ensure!(
        dark.as_bool() == Some(theme == "dark"),
        "the window is not in the {theme} theme"
    );
    axe(c, &format!("the empty list ({theme})")).await?;

    click(c, "#create-queue").await?;
    css(c, "dialog[open] #q-name").await?;
    axe(c, &format!("the create form ({theme})")).await?;
    click(c, "dialog[open] header button[aria-pressed]").await?;
    text_contains(c, "dialog[open]", "aws sqs create-queue").await?;
    axe(c, &format!("the create form with Show as code ({theme})")).await?;
    press(c, ESCAPE, "Esc closes the form").await?;
    gone(c, "dialog[open]").await?;

    let (source, _, _) = test_support::queue_with_dlq(&sdk, "axe-jobs", 5, 30).await;
    for i in 0..5 {
        sdk.send_message()
            .queue_url(&source)
            .message_body(format!(r#"{{"n": {i}}}"#))
            .send()
            .await?;
    }
    click(c, "#refresh-queues").await?;
    text_contains(
        c,
        r#"[data-queue-name="axe-jobs"] [data-col="available"]"#,
        "5",
    )
    .await?;
    axe(c, &format!("the list with queues ({theme})")).await?;

    click(c, r#"[data-queue-name="axe-jobs"] .qname"#).await?;
    click(c, "#poll-start").await?;
    // A queue whose DLQ takes messages after 3 receives asks first only when it must.
    text_contains(c, "#poll-received", "5 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    click(c, "[data-message-id] .link").await?;
    css(c, "#msg-drawer").await?;
    axe(
        c,
        &format!("Messages after a poll with the details open ({theme})"),
    )
    .await?;
    screenshot(&format!("workbench-{theme}.png"));

    click(c, "#tab-overview").await?;
    css(c, "#attr-visibility").await?;
    // The counts chart has axes and reads out its values (here by keyboard).
    text_contains(c, ".history .yaxis", "0").await?;
    text_contains(c, ".history .xaxis", "now").await?;
    js(c, "document.querySelector('.history svg').focus();").await?;
    press(c, "\u{E012}", "ArrowLeft on the chart").await?;
    text_contains(c, ".history .tip", "available: ").await?;
    screenshot(&format!("overview-{theme}.png"));
    axe(c, &format!("the queue's overview ({theme})")).await?;

    click(c, "#tab-simulate").await?;
    retype(c, "#sim-rate", "5").await?;
    click(c, "#sim-start").await?;
    css(c, "#sim-stop").await?;
    text_contains(c, "#sim-sent", "3").await?;
    screenshot(&format!("simulate-{theme}.png"));
    axe(c, &format!("Simulate running ({theme})")).await?;
    click(c, "#sim-stop").await?;
    css(c, "#sim-start").await?;

    click(c, "#queue-purge").await?;
    css(c, "dialog.confirm").await?;
    axe(c, &format!("the purge confirmation ({theme})")).await?;
    press(c, ESCAPE, "Esc").await?;
    gone(c, "dialog.confirm").await?;

    click(c, "nav .add").await?;
    css(c, "dialog[open] #conn-name").await?;
    axe(c, &format!("the connection form ({theme})")).await?;
    click(c, r#"dialog label:has(input[value="endpoint"])"#).await?;
    axe(
        c,
        &format!("the connection form, custom endpoint ({theme})"),
    )
    .await?;
    press(c, ESCAPE, "Esc").await?;
    gone(c, "dialog[open]").await?;

    click(c, "#about").await?;
    text_contains(c, "#about-version", "Version").await?;
    axe(c, &format!("About ({theme})")).await?;
    press(c, ESCAPE, "Esc").await?;
    gone(c, "dialog[open]").await?;
    Ok(())
}

/// Each case where the app used to do something else than meant, or say nothing.
async fn say_what_happened(c: &Client) -> Result<()> {
    let sdk = sandbox_sdk(c).await?;
    window_size(c, 1200, 760).await?;

    // The name is checked by Rust's rule as it is typed, and "show as code" shows the attributes
    // Rust encodes.
    click(c, "#create-queue").await?;
    type_into(c, "#q-name", "bad name").await?;
    text_contains(
        c,
        "dialog[open] [data-field=name] .err",
        "Only letters, digits",
    )
    .await?;
    retype(c, "#q-name", &"a".repeat(81)).await?;
    text_contains(
        c,
        "dialog[open] [data-field=name] .err",
        "81 characters; the most is 80",
    )
    .await?;
    click(c, "dialog[open] header button[aria-pressed]").await?;
    text_contains(c, "dialog[open] pre", r#""DelaySeconds":"0""#).await?;
    click(c, "dialog[open] header button[aria-pressed]").await?;

    // A name ending in .fifo picks FIFO, says so, and shows the ending once.
    retype(c, "#q-name", "payments.fifo").await?;
    text_contains(c, "#q-name-note", "makes this a FIFO queue").await?;
    let checked = js(c, "return document.querySelector('#q-type-fifo').checked && !document.querySelector('.suffix');").await?;
    ensure!(
        checked.as_bool() == Some(true),
        "FIFO is not picked, or .fifo shows twice"
    );
    click(c, "#q-submit").await?;
    css(c, r#"#tab-messages[aria-selected="true"]"#).await?;
    text_contains(c, "main h1", "payments.fifo").await?;
    let fifo_url = sdk
        .get_queue_url()
        .queue_name("payments.fifo")
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_string();

    // The same deduplication id twice: the second send is named a duplicate.
    type_into(c, "#msg-body", "pay 1").await?;
    type_into(c, "#msg-group", "g1").await?;
    type_into(c, "#msg-dedup", "same-id").await?;
    click(c, "#msg-send").await?;
    text_contains(c, "#msg-sent", "Sent: message id").await?;
    // Send is disabled while it sends, which used to drop the focus to the page: it comes back.
    let f = focus_kept(c, "Send").await?;
    ensure!(f == "BUTTON#msg-send", "after Send, focus is on {f}");
    click(c, "#msg-send").await?;
    text_contains(c, "#msg-sent", "dropped this as a duplicate").await?;
    let a = attributes(&sdk, &fifo_url).await?;
    assert_eq!(a[&A::ApproximateNumberOfMessages], "1", "SQS kept one");

    // Receive keeps messages for the queue's visibility timeout (45 s here), and says so.
    let url = sdk
        .create_queue()
        .queue_name("delayed")
        .attributes(A::VisibilityTimeout, "45")
        .attributes(A::DelaySeconds, "5")
        .attributes(A::MaximumMessageSize, "262144")
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    click(c, "button.back").await?;
    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="delayed"] .qname"#).await?;
    click(c, r#"input[name="mode"][value="receive"]"#).await?;
    text_contains(
        c,
        "#msg-outcome",
        "45 seconds, the queue’s visibility timeout",
    )
    .await?;
    click(c, r#"input[name="mode"][value="peek"]"#).await?;

    // A poll right after sending to a 5 s delay queue says why it is empty.
    type_into(c, "#msg-body", "later").await?;
    click(c, "#msg-send").await?;
    text_contains(c, "#msg-sent", "delays it 5 s").await?;
    retype(c, "#poll-wait", "0").await?;
    click(c, "#poll-start").await?;
    text_contains(c, "#msg-outcome", "1 message is delayed").await?;

    // Too big for the queue: said before any request, in words, and nothing is sent.
    js(c, "const t = document.querySelector('#msg-body'); t.value = 'x'.repeat(300 * 1024); t.dispatchEvent(new Event('input', { bubbles: true }));").await?;
    text_contains(c, "#msg-size", "300 KiB of 256 KiB").await?;
    click(c, "#msg-send").await?;
    text_contains(c, "#msg-send-error", "takes at most 256 KiB").await?;
    text_contains(c, "#msg-send-error", "Nothing was sent").await?;

    // A control character: which one, where, and what to do.
    js(c, "const t = document.querySelector('#msg-body'); t.value = 'line one\\nab\\u0001c'; t.dispatchEvent(new Event('input', { bubbles: true }));").await?;
    click(c, "#msg-send").await?;
    let said = text_contains(c, "#msg-send-error", "control character U+0001").await?;
    ensure!(
        said.contains("line 2, column 3") && !said.contains("#x"),
        "{said}"
    );
    let a = attributes(&sdk, &url).await?;
    assert_eq!(
        a[&A::ApproximateNumberOfMessagesDelayed],
        "1",
        "only the first send went out"
    );

    // The filter keeps its match when Enter is pressed; server search is its own button.
    click(c, "button.back").await?;
    // "Search server" is there, off, before anything is typed (appearing, it moved the page).
    css(c, "#server-search[disabled]").await?;
    type_into(c, "#queue-filter", "pay").await?;
    press(c, ENTER, "Enter in the filter").await?;
    text_contains(c, "#queue-count", "1 of").await?;
    let kept = js(c, "return document.querySelector('#queue-filter').value;").await?;
    ensure!(
        kept.as_str() == Some("pay"),
        "the filter box was emptied: {kept}"
    );
    css(c, "#server-search:not([disabled])").await?;
    Ok(())
}

/// The screen as RGB pixels (an X screenshot in binary PPM: width, height, rows of RGB).
fn screen_rgb() -> Result<(usize, usize, Vec<u8>)> {
    let out = std::process::Command::new("import")
        .args(["-window", "root", "-depth", "8", "ppm:-"])
        .output()
        .context("ImageMagick's import")?;
    let data = out.stdout;
    // "P6\n<w> <h>\n<max>\n" then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
            at += 1;
        }
        let start = at;
        while data.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    ensure!(
        fields[0] == "P6" && fields[3] == "255",
        "not a PPM: {fields:?}"
    );
    Ok((
        fields[1].parse()?,
        fields[2].parse()?,
        data[at + 1..].to_vec(),
    ))
}

/// WCAG contrast ratio of two sRGB colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let lum = |c: [u8; 3]| {
        let ch = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// How far a focused button's ring stands out from the button: the best contrast between its
/// fill (sampled 8 px inside its left edge, mid-height) and the pixels 1 to 5 px inside that
/// edge, where a ring drawn inside the button lies (outside it would be the page, whose
/// contrast with the fill says nothing about the ring).
async fn ring_contrast(c: &Client, sel: &str) -> Result<f64> {
    let (left, top, _, bottom) = rect(c, sel).await?;
    let (w, _, px) = screen_rgb()?;
    let at = |x: f64, y: f64| {
        let i = (y.round() as usize * w + x.round() as usize) * 3;
        [px[i], px[i + 1], px[i + 2]]
    };
    let y = (top + bottom) / 2.0;
    let fill = at(left + 8.0, y);
    Ok((1..=5)
        .map(|dx| contrast(fill, at(left + dx as f64, y)))
        .fold(0.0, f64::max))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn the_seed_console_flow_by_keyboard_with_the_tour_at_two_window_sizes() {
    let app = App::open().await;
    let result = keyboard_flow(&app.client).await;
    app.finish("workbench-keyboard", result).await;
}

/// Creates a queue through the form; the tour moves to "Send a message".
async fn tour_step_one(c: &Client) -> Result<()> {
    sandbox_sdk(c).await?;
    text_contains(c, "#tour", "step 1 of 4").await?;
    click(c, "#create-queue").await?;
    type_into(c, "#q-name", "relaunch").await?;
    click(c, "#q-submit").await?;
    text_contains(c, "main h1", "relaunch").await?;
    text_contains(c, "#tour", "step 2 of 4").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn the_tour_is_where_the_user_left_it_after_a_relaunch() {
    let app = App::open().await;
    let first = tour_step_one(&app.client).await;
    if first.is_err() {
        return app.finish("tour-relaunch", first).await;
    }
    let app = app.relaunch().await.expect("relaunch");
    let c = &app.client;
    let result = async {
        css(c, r#".layout[data-started="true"]"#).await?;
        // The sidebar never said "No connections yet" while the sandbox was there.
        text_contains(c, "#tour", "step 2 of 4").await?;
        text_contains(c, "#tour-title", "Send a message").await?;
        ensure!(
            text_of(c, "nav .hint").await?.is_none(),
            "the sidebar says there are no connections"
        );
        Ok(())
    }
    .await;
    app.finish("tour-relaunch", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn every_main_screen_passes_axe_in_the_light_theme() {
    let app = App::open_with(&[("GTK_THEME", "Adwaita")]).await;
    let result = screens(&app.client, "light").await;
    app.finish("axe-light", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn every_main_screen_passes_axe_in_the_dark_theme() {
    let app = App::open_with(&[("GTK_THEME", "Adwaita:dark")]).await;
    let result = screens(&app.client, "dark").await;
    app.finish("axe-dark", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn each_surprise_gets_a_sentence_that_says_what_happened() {
    let app = App::open().await;
    let result = say_what_happened(&app.client)
        .await
        .context("say what happened");
    app.finish("say-what-happened", result).await;
}

/// Up/Down past the rows drawn: the table scrolls, its row elements are reused for other
/// messages, and the keyboard focus stays on the opened message's row (never on the body, never
/// on a reused row now showing another message).
async fn arrow_keys_past_the_rows_drawn(c: &Client) -> Result<()> {
    let sdk = sandbox_sdk(c).await?;
    window_size(c, 1200, 760).await?;
    let url = test_support::create_queue(&sdk, "walk").await;
    for i in 0..60 {
        sdk.send_message()
            .queue_url(&url)
            .message_body(format!("walk {i:02}"))
            .send()
            .await?;
    }
    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="walk"] .qname"#).await?;
    click(c, "#tab-messages").await?;
    click(c, "#poll-start").await?;
    text_contains(c, "#poll-received", "60 received").await?;
    css(c, r#"#poll-start[data-polling="false"]"#).await?;
    click(c, r#"[data-message-id] .link"#).await?;
    css(c, "#msg-drawer").await?;
    // After each Down, and after the frames in which the table's scroll event lands, the
    // opened row is the next message and the focus is on that row (the rows are reused as the
    // table scrolls, so a row focused too early would show another message by then).
    const AFTER_FRAMES: &str = "const done = arguments[arguments.length - 1]; \
        requestAnimationFrame(() => requestAnimationFrame(() => { \
          const open = document.querySelector('.mrow.open'); \
          const at = document.activeElement && document.activeElement.closest('[data-message-id]'); \
          done({ row: open && open.getAttribute('aria-rowindex'), \
                 open: open && open.dataset.messageId, focused: at && at.dataset.messageId, \
                 scrolled: document.getElementById('msg-table').scrollTop }); }));";
    let mut state = serde_json::Value::Null;
    for i in 0..40 {
        press(c, "\u{E015}", &format!("Down ({})", i + 1)).await?;
        focus_kept(c, "Down").await?;
        state = bounded(
            "the table after Down",
            c.execute_async(AFTER_FRAMES, vec![]),
        )
        .await?;
        // Row index i + 3: the header is row 1 and the first message, opened by the click, row 2.
        ensure!(
            state["row"] == (i + 3).to_string().as_str(),
            "the opened row after {} × Down: {state}",
            i + 1
        );
        ensure!(
            !state["open"].is_null() && state["focused"] == state["open"],
            "after {} × Down the focus is not on the opened message's row: {state}",
            i + 1
        );
    }
    ensure!(
        state["scrolled"].as_f64().unwrap_or(0.0) > 0.0,
        "the table did not scroll: {state}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn arrow_keys_walk_past_the_rows_drawn_and_focus_follows_the_opened_message() {
    let app = App::open().await;
    let result = arrow_keys_past_the_rows_drawn(&app.client).await;
    app.finish("workbench-arrow-walk", result).await;
}
