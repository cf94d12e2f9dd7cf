//! End-to-end: the real app window under Xvfb, driven by tauri-driver + WebKitWebDriver, with a
//! real gnome-keyring and moto as the SQS server. Run by `make test` inside
//! scripts/with-keyring.sh; ignored by a plain `cargo test` (it needs that session).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use test_support::{free_port, wait_for_port, Moto};

const WAIT: Duration = Duration::from_secs(20);
const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";

/// tauri-driver (and through it WebKitWebDriver and the app), killed on drop.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn artifacts() -> PathBuf {
    let dir = test_support::workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tauri_driver_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("SQS_PILOT_TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let cached = PathBuf::from(std::env::var("HOME").unwrap_or_default())
        .join(".cache/sqs-pilot-tools/bin/tauri-driver");
    if cached.exists() {
        cached
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn start_driver(config_dir: &Path, data_dir: &Path) -> Driver {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "DISPLAY is not set: run inside scripts/with-keyring.sh"
    );
    let port = free_port();
    let native = free_port();
    let log = artifacts().join(format!("tauri-driver-{port}.log"));
    let child = Command::new(tauri_driver_bin())
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("SQS_PILOT_CONFIG_DIR", config_dir)
        .env("SQS_PILOT_DATA_DIR", data_dir)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start tauri-driver (run `scripts/setup.sh test`)");
    let driver = Driver { child, port, log };
    wait_for_port(port, Duration::from_secs(20), "tauri-driver");
    wait_for_port(native, Duration::from_secs(20), "WebKitWebDriver");
    driver
}

async fn open_app(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": env!("CARGO_BIN_EXE_sqs-pilot") }),
    );
    let mut builder = ClientBuilder::rustls().expect("tls");
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{}", driver.port);
    match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!(
            "no WebDriver session: {e}\n{}",
            std::fs::read_to_string(&driver.log).unwrap_or_default()
        ),
        Err(_) => panic!(
            "the app did not start within 60 s; tauri-driver log:\n{}",
            std::fs::read_to_string(&driver.log).unwrap_or_default()
        ),
    }
}

/// Every WebDriver call is bounded: a hung driver fails the test instead of hanging CI.
async fn bounded<T>(
    what: &str,
    fut: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> Result<T> {
    match tokio::time::timeout(WAIT, fut).await {
        Ok(r) => r.with_context(|| what.to_string()),
        Err(_) => bail!("WebDriver did not answer within {WAIT:?}: {what}"),
    }
}

async fn css(c: &Client, sel: &str) -> Result<fantoccini::elements::Element> {
    eprintln!("e2e: waiting for {sel}");
    bounded(
        &format!("waiting for {sel}"),
        c.wait().at_most(WAIT).for_element(Locator::Css(sel)),
    )
    .await
}

async fn click(c: &Client, sel: &str) -> Result<()> {
    let e = css(c, sel).await?;
    eprintln!("e2e: clicking {sel}");
    bounded(&format!("clicking {sel}"), e.click()).await
}

async fn type_into(c: &Client, sel: &str, text: &str) -> Result<()> {
    let e = css(c, sel).await?;
    bounded(&format!("typing into {sel}"), e.send_keys(text)).await
}

/// The rendered text of the first element matching `sel`, read in the page (None if absent).
async fn text_of(c: &Client, sel: &str) -> Result<Option<String>> {
    let v = bounded(
        sel,
        c.execute(
            "const e = document.querySelector(arguments[0]); return e ? (e.innerText || e.textContent) : null;",
            vec![serde_json::json!(sel)],
        ),
    )
    .await?;
    Ok(v.as_str().map(str::to_string))
}

/// Waits until the element's text contains `needle`.
async fn text_contains(c: &Client, sel: &str, needle: &str) -> Result<String> {
    eprintln!("e2e: waiting for {sel} to say {needle:?}");
    let start = Instant::now();
    loop {
        let text = text_of(c, sel).await?;
        if let Some(t) = &text {
            if t.contains(needle) {
                return Ok(t.clone());
            }
        }
        if start.elapsed() > WAIT {
            match text {
                Some(t) => bail!("{sel} says {t:?}, expected it to contain {needle:?}"),
                None => bail!("{sel} never appeared (waiting for {needle:?})"),
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until no element matches.
async fn gone(c: &Client, sel: &str) -> Result<()> {
    eprintln!("e2e: waiting for {sel} to go");
    let start = Instant::now();
    while bounded(sel, c.find(Locator::Css(sel))).await.is_ok() {
        if start.elapsed() > WAIT {
            bail!("{sel} is still there");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// A screenshot of the X screen the app runs on (WebKitWebDriver's own screenshot command hangs
/// under Xvfb with software rendering, and blocks every later command of the session).
fn screenshot(name: &str) {
    let path = artifacts().join(name);
    let ok = Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("e2e: could not save {}", path.display());
    }
}

fn keychain_dump() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", "sqs-pilot"])
        .output()
        .expect("secret-tool");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn add_endpoint_connection(
    c: &Client,
    name: &str,
    url: &str,
    keys: Option<(&str, &str)>,
) -> Result<()> {
    click(c, "nav .add").await?;
    css(c, "dialog[open]").await?;
    click(c, r#"dialog label:has(input[value="endpoint"])"#).await?;
    type_into(c, "#conn-name", name).await?;
    type_into(c, "#conn-endpoint", url).await?;
    if let Some((id, secret)) = keys {
        type_into(c, "#conn-key-id", id).await?;
        type_into(c, "#conn-secret", secret).await?;
    }
    Ok(())
}

async fn scenario(c: &Client, moto: &Moto, config_dir: &Path) -> Result<()> {
    let secret = format!("e2e/Secret+{}", std::process::id());
    css(c, r#".layout[data-started="true"]"#).await?;

    // First launch: the built-in sandbox is selected and running; a queue made in it by
    // another client shows up.
    text_contains(c, "main h1", "Local sandbox").await?;
    text_contains(c, "#sandbox-hint", "Running").await?;
    let sandbox_url = text_of(c, ".queues .target").await?.unwrap_or_default();
    assert!(
        sandbox_url.starts_with("http://127.0.0.1:"),
        "sandbox endpoint: {sandbox_url:?}"
    );
    test_support::sdk_client(&sandbox_url)
        .create_queue()
        .queue_name("e2e-in-sandbox")
        .send()
        .await?;
    click(c, "#refresh-queues").await?;
    text_contains(
        c,
        r#"[data-queue-name="e2e-in-sandbox"] [data-col="type"]"#,
        "Standard",
    )
    .await?;
    screenshot("e2e-sandbox.png");

    // Resetting the sandbox's data (after a confirmation) empties it.
    let settings = r#"dialog[aria-labelledby="sandbox-title"]"#;
    click(c, "#sandbox-settings").await?;
    text_contains(c, &format!("{settings} .state"), "Running at").await?;
    click(c, &format!("{settings} .danger")).await?;
    text_contains(c, "dialog.confirm h2", "Reset the local sandbox?").await?;
    click(c, "dialog.confirm .danger.solid").await?;
    gone(c, "dialog.confirm").await?;
    text_contains(c, &format!("{settings} .state"), "Running at").await?;
    click(c, &format!("{settings} .actions button:nth-of-type(2)")).await?; // Close
    gone(c, settings).await?;
    text_contains(c, ".queues", "No queues here yet").await?;
    let sandbox_url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let left = test_support::sdk_client(&sandbox_url)
        .list_queues()
        .send()
        .await?;
    assert!(
        left.queue_urls().is_empty(),
        "the sandbox still has {:?}",
        left.queue_urls()
    );

    // Add a connection to moto through the form, test it, save it.
    add_endpoint_connection(c, "moto e2e", &moto.endpoint(), Some((KEY_ID, &secret))).await?;
    click(c, "dialog .actions button:nth-of-type(1)").await?; // Test connection
    text_contains(c, "dialog .ok", "Connected to").await?;
    click(c, r#"dialog button[type="submit"]"#).await?;
    gone(c, "dialog[open]").await?;
    text_contains(c, "main h1", "moto e2e").await?;
    text_contains(c, ".queues", "No queues here yet").await?;

    // Queues made behind the app's back appear after a refresh, with the right types.
    let sdk = moto.sdk();
    eprintln!("e2e: creating queues with the SDK");
    sdk.create_queue().queue_name("e2e-orders").send().await?;
    sdk.create_queue()
        .queue_name("e2e-invoices.fifo")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await?;
    click(c, "#refresh-queues").await?;
    text_contains(
        c,
        r#"[data-queue-name="e2e-orders"] [data-col="type"]"#,
        "Standard",
    )
    .await?;
    text_contains(
        c,
        r#"[data-queue-name="e2e-invoices.fifo"] [data-col="type"]"#,
        "FIFO",
    )
    .await?;
    text_contains(c, "#queue-count", "2 queues").await?;
    text_contains(
        c,
        r#"[data-queue-name="e2e-orders"] [data-col="available"]"#,
        "0",
    )
    .await?;
    screenshot("e2e-queue-list.png");

    // The key id is shown masked; neither it nor the secret is anywhere in the page.
    text_contains(c, "nav li:nth-child(2) .name", "moto e2e").await?;
    let page = bounded("page source", c.source()).await?;
    assert!(!page.contains(&secret), "the secret reached the webview");
    assert!(
        !page.contains(KEY_ID),
        "the full key id reached the webview"
    );

    // The secret is in the keychain and in no file of the config dir.
    assert!(
        keychain_dump().contains(&secret),
        "secret not in gnome-keyring"
    );
    for entry in std::fs::read_dir(config_dir)?.flatten() {
        let text = String::from_utf8_lossy(&std::fs::read(entry.path())?).to_string();
        assert!(
            !text.contains(&secret),
            "secret written to {}",
            entry.path().display()
        );
    }

    // A dead endpoint shows the sentence; the app stays usable.
    let dead = format!("http://127.0.0.1:{}", free_port());
    add_endpoint_connection(c, "dead end", &dead, None).await?;
    click(c, r#"dialog button[type="submit"]"#).await?;
    gone(c, "dialog[open]").await?;
    let msg = text_contains(
        c,
        r#"[role="alert"][data-error-kind="Network"]"#,
        "Could not connect",
    )
    .await?;
    assert!(msg.contains(&dead), "the error names the endpoint: {msg}");
    screenshot("e2e-network-error.png");
    click(c, "nav li:nth-child(2) .item").await?;
    text_contains(c, "main h1", "moto e2e").await?;
    css(c, r#"[data-queue-name="e2e-orders"]"#).await?;

    // Removing the connection removes its keychain entry.
    click(c, "nav li:nth-child(2) .edit").await?;
    let placeholder = bounded(
        "key id placeholder",
        c.execute(
            "return document.querySelector('#conn-key-id').placeholder;",
            vec![],
        ),
    )
    .await?;
    assert_eq!(
        placeholder.as_str(),
        Some("AKIA…MPLE (unchanged)"),
        "the edit form shows the key id masked"
    );
    click(c, "dialog .danger").await?;
    text_contains(c, "dialog.confirm h2", "Remove moto e2e?").await?;
    click(c, "dialog.confirm .danger.solid").await?;
    text_contains(c, "main h1", "Local sandbox").await?;
    text_contains(c, "nav li:nth-child(2) .name", "dead end").await?;
    assert!(
        !keychain_dump().contains(&secret),
        "secret left in gnome-keyring after removal"
    );
    let cfg = std::fs::read_to_string(config_dir.join("connections.json"))?;
    assert!(
        !cfg.contains("moto e2e") && cfg.contains("dead end"),
        "{cfg}"
    );
    Ok(())
}

/// One app window with fresh settings and data; tests run one at a time (one display).
struct App {
    client: Client,
    driver: Driver,
    config_dir: tempfile::TempDir,
    _data_dir: tempfile::TempDir,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl App {
    async fn open() -> App {
        let serial = SERIAL.lock().await;
        let config_dir = tempfile::tempdir().unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let driver = start_driver(config_dir.path(), data_dir.path());
        let client = open_app(&driver).await;
        App {
            client,
            driver,
            config_dir,
            _data_dir: data_dir,
            _serial: serial,
        }
    }

    /// Closes the window; on failure saves a screenshot and fails with the driver's log.
    async fn finish(self, name: &str, result: Result<()>) {
        let shot = format!("e2e-failure-{name}.png");
        if result.is_err() {
            screenshot(&shot);
        }
        let _ = bounded("closing the session", self.client.close()).await;
        if let Err(e) = result {
            panic!(
                "{e:#}\nscreenshot: test-artifacts/{shot}\ntauri-driver log:\n{}",
                std::fs::read_to_string(&self.driver.log).unwrap_or_default()
            );
        }
    }
}

/// Replaces an input's text the way a person does (select all, delete, type), so the
/// framework sees input events.
async fn retype(c: &Client, sel: &str, text: &str) -> Result<()> {
    type_into(c, sel, "\u{E009}a\u{E009}\u{E003}").await?;
    type_into(c, sel, text).await
}

async fn queue_form_scenario(c: &Client) -> Result<()> {
    css(c, r#".layout[data-started="true"]"#).await?;
    text_contains(c, "main h1", "Local sandbox").await?;
    let sandbox_url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let sdk = test_support::sdk_client(&sandbox_url);

    // Create a FIFO queue with a new DLQ, content-based deduplication and a tag.
    click(c, "#create-queue").await?;
    type_into(c, "#q-name", "e2e-orders").await?;
    click(c, "fieldset.types label:nth-of-type(2) input").await?;
    retype(c, "#q-visibility", "45").await?;
    click(c, "#q-dlq-new").await?;
    click(c, "#q-content-dedup").await?;
    click(c, "#q-add-tag").await?;
    type_into(c, r#"[aria-label="Tag 1 key"]"#, "team").await?;
    type_into(c, r#"[aria-label="Tag 1 value"]"#, "payments").await?;
    screenshot("e2e-queue-form.png");
    click(c, "#q-submit").await?;
    text_contains(c, "main h1", "e2e-orders.fifo").await?;
    text_contains(c, "#attr-dlq", "e2e-orders-dlq.fifo").await?;
    screenshot("e2e-queue-details.png");

    // Every attribute is as entered, seen by the SDK.
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let url = sdk
        .get_queue_url()
        .queue_name("e2e-orders.fifo")
        .send()
        .await?
        .queue_url
        .unwrap_or_default();
    let attrs = |url: String| {
        let sdk = sdk.clone();
        async move {
            let r = sdk
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(A::All)
                .send()
                .await?;
            anyhow::Ok(r.attributes().cloned().unwrap_or_default())
        }
    };
    let a = attrs(url.clone()).await?;
    assert_eq!(a[&A::FifoQueue], "true");
    assert_eq!(a[&A::ContentBasedDeduplication], "true");
    assert_eq!(a[&A::VisibilityTimeout], "45");
    let policy: serde_json::Value = serde_json::from_str(&a[&A::RedrivePolicy])?;
    assert!(
        policy["deadLetterTargetArn"]
            .as_str()
            .unwrap_or("")
            .ends_with(":e2e-orders-dlq.fifo"),
        "{policy}"
    );
    assert_eq!(policy["maxReceiveCount"], 5);
    let tags = sdk.list_queue_tags().queue_url(&url).send().await?;
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("payments")
    );
    let dlq = sdk
        .get_queue_url()
        .queue_name("e2e-orders-dlq.fifo")
        .send()
        .await?
        .queue_url
        .unwrap_or_default();
    assert_eq!(
        attrs(dlq).await?[&A::MessageRetentionPeriod],
        "1209600",
        "the new DLQ keeps messages 14 days"
    );

    // Edit the visibility timeout.
    click(c, "#queue-edit").await?;
    retype(c, "#q-visibility", "120").await?;
    click(c, "#q-submit").await?;
    text_contains(c, "#attr-visibility", "2 minutes").await?;
    assert_eq!(attrs(url.clone()).await?[&A::VisibilityTimeout], "120");

    // Purge after a confirmation.
    sdk.send_message()
        .queue_url(&url)
        .message_body("to purge")
        .message_group_id("g")
        .send()
        .await?;
    text_contains(c, "#count-available", "1").await?;
    click(c, "#queue-purge").await?;
    text_contains(c, "dialog.confirm h2", "Purge e2e-orders.fifo?").await?;
    click(c, "dialog.confirm .danger.solid").await?;
    text_contains(c, ".notice", "Purge started").await?;
    text_contains(c, "#count-available", "0").await?;

    // Delete by typing the name.
    click(c, "#queue-delete").await?;
    type_into(c, "#type-to-confirm", "e2e-orders.fifo").await?;
    click(c, r#"dialog.confirm button[type="submit"]"#).await?;
    css(c, "#queue-count").await?;
    let gone = sdk
        .get_queue_url()
        .queue_name("e2e-orders.fifo")
        .send()
        .await;
    assert!(gone.is_err(), "the queue still exists");
    Ok(())
}

async fn messages_scenario(c: &Client) -> Result<()> {
    css(c, r#".layout[data-started="true"]"#).await?;
    text_contains(c, "main h1", "Local sandbox").await?;
    let sandbox_url = text_of(c, ".queues .target").await?.unwrap_or_default();
    let sdk = test_support::sdk_client(&sandbox_url);
    let url = test_support::create_queue(&sdk, "e2e-messages").await;
    click(c, "#refresh-queues").await?;
    click(c, r#"[data-queue-name="e2e-messages"] .qname"#).await?;
    click(c, "#tab-messages").await?;

    // Send one message with a String, a Number and a Binary attribute.
    type_into(c, "#msg-body", r#"{"order": 7}"#).await?;
    for (i, (name, ty, value)) in [
        ("kind", "String", "order"),
        ("total", "Number", "12.5"),
        ("thumb", "Binary", "AAEC/w=="),
    ]
    .into_iter()
    .enumerate()
    {
        click(c, "#msg-add-attr").await?;
        let n = i + 1;
        type_into(c, &format!(r#"[aria-label="Attribute {n} name"]"#), name).await?;
        retype(c, &format!(r#"[aria-label="Attribute {n} type"]"#), ty).await?;
        type_into(c, &format!(r#"[aria-label="Attribute {n} value"]"#), value).await?;
    }
    click(c, "#msg-send").await?;
    text_contains(c, "#msg-sent", "Sent: message id").await?;
    // It is offered again under "Recent messages".
    text_contains(c, "#msg-recent", r#"{"order": 7} (+3 attr.)"#).await?;

    // Peek it, open its details, see all three attributes.
    click(c, "#poll-start").await?;
    text_contains(c, "#poll-received", "1 received").await?;
    css(c, "#poll-start").await?; // the poll has ended
    click(c, "[data-message-id] .link").await?;
    let attrs = text_contains(c, "#msg-attrs", "thumb").await?;
    for want in [
        "kind", "String", "order", "total", "Number", "12.5", "Binary", "AAEC/w==",
    ] {
        assert!(attrs.contains(want), "{want} missing from {attrs:?}");
    }
    text_contains(c, "#msg-body-view", "\"order\": 7").await?;
    screenshot("e2e-message-details.png");

    // Send a copy to another queue: body and attributes arrive there.
    let copies = test_support::create_queue(&sdk, "e2e-copies").await;
    click(c, "#msg-copy-to").await?;
    click(c, r#"#copy-target option[value$="/e2e-copies"]"#).await?;
    click(c, "#copy-send").await?;
    text_contains(c, "#copy-done", "Sent to e2e-copies").await?;
    click(
        c,
        r#"dialog[aria-label="Send a copy to a queue"] button[type="button"]"#,
    )
    .await?;
    let copy = sdk
        .receive_message()
        .queue_url(&copies)
        .message_attribute_names("All")
        .wait_time_seconds(1)
        .send()
        .await?;
    let m = copy.messages().first().expect("the copy arrived");
    assert_eq!(m.body(), Some(r#"{"order": 7}"#));
    assert_eq!(m.message_attributes().map(|a| a.len()), Some(3));

    // Delete it from the table; the queue is empty.
    click(c, "[data-message-id] input[type=checkbox]").await?;
    click(c, "#msg-delete").await?;
    text_contains(c, "#msg-outcome", "1 deleted").await?;
    let left = sdk
        .receive_message()
        .queue_url(&url)
        .wait_time_seconds(1)
        .send()
        .await?;
    assert!(
        left.messages().is_empty(),
        "the message is still in the queue"
    );

    // Import a CSV file: a header and 25 rows, 2 of them (rows 9 and 18, lines 10 and 19) with
    // a cell too many; the preview says so, and exactly 23 arrive.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("import.csv");
    let mut text = String::from("body,source\n");
    for i in 1..=25 {
        if i % 9 == 0 {
            text.push_str("bad,row,extra\n");
        } else {
            text.push_str(&format!("imported {i},e2e\n"));
        }
    }
    std::fs::write(&path, text)?;
    let input = css(c, "#msg-import").await?;
    bounded(
        "choosing the file",
        input.send_keys(path.to_str().unwrap_or_default()),
    )
    .await?;
    let preview = text_contains(c, "#import-preview", "23 messages").await?;
    assert!(
        preview.contains("2 lines that will not be sent") && preview.contains("imported 1"),
        "{preview}"
    );
    click(c, "#import-send").await?;
    let report = text_contains(c, "#import-report", "23 sent").await?;
    assert!(
        report.contains("2 not sent") && report.contains("line 10") && report.contains("line 19"),
        "{report}"
    );
    screenshot("e2e-import.png");
    let counts = sdk
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await?;
    let available = counts
        .attributes()
        .and_then(|a| a.values().next().cloned())
        .unwrap_or_default();
    assert_eq!(
        available, "23",
        "the queue holds what the report says was sent"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn send_peek_inspect_and_delete_a_message_with_three_attribute_types() {
    let app = App::open().await;
    let result = messages_scenario(&app.client).await;
    app.finish("messages", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn create_edit_purge_and_delete_a_fifo_queue_through_the_form() {
    let app = App::open().await;
    let result = queue_form_scenario(&app.client).await;
    app.finish("queue-form", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus and gnome-keyring: make test runs it in scripts/with-keyring.sh"]
async fn sandbox_first_then_a_moto_connection_its_queues_and_a_dead_endpoint() {
    let moto = Moto::start();
    let app = App::open().await;
    let result = scenario(&app.client, &moto, app.config_dir.path()).await;
    app.finish("connections", result).await;
}
