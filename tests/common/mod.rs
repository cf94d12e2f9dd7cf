//! Shared by the window tests and the app benchmark: tauri-driver + WebKitWebDriver driving the
//! real app under Xvfb (inside scripts/with-keyring.sh), with every WebDriver call bounded.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use test_support::{free_port, wait_for_port};

pub const WAIT: Duration = Duration::from_secs(20);

/// tauri-driver (and through it WebKitWebDriver and the app), killed on drop.
pub struct Driver {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Driver {
    /// tauri-driver's process id (the app runs below it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn artifacts() -> PathBuf {
    let dir = test_support::workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn tauri_driver_bin() -> PathBuf {
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

pub fn start_driver(config_dir: &Path, data_dir: &Path) -> Driver {
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

pub async fn open_app(driver: &Driver, binary: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": binary }),
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
pub async fn bounded<T>(
    what: &str,
    fut: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> Result<T> {
    match tokio::time::timeout(WAIT, fut).await {
        Ok(r) => r.with_context(|| what.to_string()),
        Err(_) => bail!("WebDriver did not answer within {WAIT:?}: {what}"),
    }
}

pub async fn css(c: &Client, sel: &str) -> Result<fantoccini::elements::Element> {
    eprintln!("e2e: waiting for {sel}");
    bounded(
        &format!("waiting for {sel}"),
        c.wait().at_most(WAIT).for_element(Locator::Css(sel)),
    )
    .await
}

pub async fn click(c: &Client, sel: &str) -> Result<()> {
    let e = css(c, sel).await?;
    eprintln!("e2e: clicking {sel}");
    bounded(&format!("clicking {sel}"), e.click()).await
}

pub async fn type_into(c: &Client, sel: &str, text: &str) -> Result<()> {
    let e = css(c, sel).await?;
    bounded(&format!("typing into {sel}"), e.send_keys(text)).await
}

/// The rendered text of the first element matching `sel`, read in the page (None if absent).
pub async fn text_of(c: &Client, sel: &str) -> Result<Option<String>> {
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
pub async fn text_contains(c: &Client, sel: &str, needle: &str) -> Result<String> {
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
pub async fn gone(c: &Client, sel: &str) -> Result<()> {
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
pub fn screenshot(name: &str) {
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

pub struct App {
    pub client: Client,
    pub driver: Driver,
    pub config_dir: tempfile::TempDir,
    _data_dir: tempfile::TempDir,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl App {
    /// The app built with these tests, on fresh settings and data.
    pub async fn open() -> App {
        Self::open_binary(Path::new(env!("CARGO_BIN_EXE_sqs-pilot"))).await
    }

    /// A given build of the app (the benchmark's release binary), on fresh settings and data.
    pub async fn open_binary(binary: &Path) -> App {
        let serial = SERIAL.lock().await;
        let config_dir = tempfile::tempdir().unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let driver = start_driver(config_dir.path(), data_dir.path());
        let client = open_app(&driver, binary).await;
        App {
            client,
            driver,
            config_dir,
            _data_dir: data_dir,
            _serial: serial,
        }
    }

    /// Closes the window; on failure saves a screenshot and fails with the driver's log.
    pub async fn finish(self, name: &str, result: Result<()>) {
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
pub async fn retype(c: &Client, sel: &str, text: &str) -> Result<()> {
    type_into(c, sel, "\u{E009}a\u{E009}\u{E003}").await?;
    type_into(c, sel, text).await
}
