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
    start_driver_with(config_dir, data_dir, &[])
}

/// tauri-driver with extra environment for the app (e.g. `GTK_THEME=Adwaita:dark`).
pub fn start_driver_with(config_dir: &Path, data_dir: &Path, env: &[(&str, &str)]) -> Driver {
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
        .envs(env.iter().copied())
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
    // Already installed by an earlier window in this process: fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
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
    /// Window tests run one at a time; the benchmark's long phase runs two apps side by side.
    _serial: Option<tokio::sync::MutexGuard<'static, ()>>,
}

pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl App {
    /// The app built with these tests, on fresh settings and data.
    pub async fn open() -> App {
        Self::open_binary(Path::new(env!("CARGO_BIN_EXE_sqs-pilot"))).await
    }

    /// The app built with these tests, on fresh settings and data, with extra environment.
    pub async fn open_with(env: &[(&str, &str)]) -> App {
        Self::open_binary_with(Path::new(env!("CARGO_BIN_EXE_sqs-pilot")), env).await
    }

    /// A given build of the app (the benchmark's release binary), on fresh settings and data.
    pub async fn open_binary(binary: &Path) -> App {
        Self::open_binary_with(binary, &[]).await
    }

    /// A given build, not waiting for other windows to close (the benchmark runs two at once).
    pub async fn open_beside(binary: &Path) -> App {
        Self::start(binary, &[], None).await
    }

    async fn open_binary_with(binary: &Path, env: &[(&str, &str)]) -> App {
        let serial = SERIAL.lock().await;
        Self::start(binary, env, Some(serial)).await
    }

    async fn start(
        binary: &Path,
        env: &[(&str, &str)],
        serial: Option<tokio::sync::MutexGuard<'static, ()>>,
    ) -> App {
        let config_dir = tempfile::tempdir().unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let driver = start_driver_with(config_dir.path(), data_dir.path(), env);
        let client = open_app(&driver, binary).await;
        App {
            client,
            driver,
            config_dir,
            _data_dir: data_dir,
            _serial: serial,
        }
    }

    /// Quits the app and starts it again on the same settings and data (a relaunch).
    pub async fn relaunch(self) -> Result<App> {
        let App {
            client,
            driver,
            config_dir,
            _data_dir,
            _serial,
        } = self;
        bounded("closing the session", client.close()).await?;
        drop(driver);
        let driver = start_driver(config_dir.path(), _data_dir.path());
        let client = open_app(&driver, Path::new(env!("CARGO_BIN_EXE_sqs-pilot"))).await;
        Ok(App {
            client,
            driver,
            config_dir,
            _data_dir,
            _serial,
        })
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

/// WebDriver's codes for keys that are not characters.
pub mod keys {
    pub const RELEASE: &str = "\u{E000}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CTRL: &str = "\u{E009}";
    pub const ALT: &str = "\u{E00A}";
    pub const DELETE: &str = "\u{E017}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
}

/// Runs a script in the page and returns its value.
pub async fn js(c: &Client, script: &str) -> Result<serde_json::Value> {
    bounded(script, c.execute(script, vec![])).await
}

/// Describes the focused element ("BUTTON#poll-start", "BODY", …).
pub async fn focused(c: &Client) -> Result<String> {
    let v = js(
        c,
        "const e = document.activeElement; if (!e) return 'none'; \
         return e.tagName + (e.id ? '#' + e.id : '') + (e.getAttribute('aria-label') ? '[' + e.getAttribute('aria-label') + ']' : '');",
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Fails when keyboard focus was lost to the page body.
pub async fn focus_kept(c: &Client, after: &str) -> Result<String> {
    let f = focused(c).await?;
    if f == "BODY" || f == "none" || f == "HTML" {
        bail!("after {after}, focus fell to the page body");
    }
    Ok(f)
}

/// Types keys into whatever has focus, as a person at the keyboard does (WebDriver actions, not
/// an element's send-keys, which would focus an element itself). Ctrl, Shift and Alt stay down until
/// pressed again or until `keys::RELEASE`.
pub async fn press(c: &Client, keys: &str, what: &str) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut acts = KeyActions::new("keyboard".to_string());
    let mut held: Vec<char> = Vec::new();
    for ch in keys.chars() {
        match ch {
            '\u{E000}' => {
                for m in held.drain(..).rev() {
                    acts = acts.then(KeyAction::Up { value: m });
                }
            }
            '\u{E008}' | '\u{E009}' | '\u{E00A}' => {
                if let Some(i) = held.iter().position(|m| *m == ch) {
                    held.remove(i);
                    acts = acts.then(KeyAction::Up { value: ch });
                } else {
                    held.push(ch);
                    acts = acts.then(KeyAction::Down { value: ch });
                }
            }
            _ => {
                acts = acts
                    .then(KeyAction::Down { value: ch })
                    .then(KeyAction::Up { value: ch });
            }
        }
    }
    for m in held.drain(..).rev() {
        acts = acts.then(KeyAction::Up { value: m });
    }
    bounded(what, c.perform_actions(acts)).await?;
    Ok(())
}

/// Presses Tab (or Shift+Tab) until the focused element matches `sel`; focus must never fall to
/// the body on the way.
pub async fn tab_to(c: &Client, sel: &str, backwards: bool) -> Result<()> {
    let key = if backwards {
        format!("{}{}{}", keys::SHIFT, keys::TAB, keys::RELEASE)
    } else {
        keys::TAB.to_string()
    };
    for _ in 0..60 {
        if focus_matches(c, sel).await? {
            return Ok(());
        }
        press(c, &key, "Tab").await?;
        focus_kept(c, &format!("Tab towards {sel}")).await?;
    }
    bail!("Tab never reached {sel}; focus is on {}", focused(c).await?)
}

/// Whether the focused element matches `sel`.
async fn focus_matches(c: &Client, sel: &str) -> Result<bool> {
    let here = bounded(
        "matching focus",
        c.execute(
            "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
            vec![serde_json::json!(sel)],
        ),
    )
    .await?;
    Ok(here.as_bool() == Some(true))
}

/// Waits until the focused element matches `sel`.
pub async fn focus_on(c: &Client, sel: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        if focus_matches(c, sel).await? {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            bail!("focus never moved to {sel}; it is on {}", focused(c).await?);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An element's rectangle in the viewport: (left, top, right, bottom).
pub async fn rect(c: &Client, sel: &str) -> Result<(f64, f64, f64, f64)> {
    let v = bounded(
        sel,
        c.execute(
            "const e = document.querySelector(arguments[0]); if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];",
            vec![serde_json::json!(sel)],
        ),
    )
    .await?;
    let a = v
        .as_array()
        .with_context(|| format!("{sel} is not on the page"))?;
    let n = |i: usize| a[i].as_f64().unwrap_or(f64::NAN);
    Ok((n(0), n(1), n(2), n(3)))
}

/// The page's viewport size.
pub async fn viewport(c: &Client) -> Result<(f64, f64)> {
    let v = js(c, "return [window.innerWidth, window.innerHeight];").await?;
    Ok((
        v[0].as_f64().unwrap_or_default(),
        v[1].as_f64().unwrap_or_default(),
    ))
}

/// Resizes the window and waits until the page sees the new size.
pub async fn window_size(c: &Client, w: u32, h: u32) -> Result<()> {
    bounded("resizing the window", c.set_window_size(w, h)).await?;
    let start = Instant::now();
    loop {
        let (vw, vh) = viewport(c).await?;
        if (vw - w as f64).abs() < 2.0 && (vh - h as f64).abs() < 2.0 {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            bail!("the window is {vw}×{vh}, not {w}×{h}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs axe-core (the npm devDependency) in the window and fails on critical or serious
/// violations, naming each rule and the elements it found.
pub async fn axe(c: &Client, screen: &str) -> Result<()> {
    let loaded = js(c, "return typeof window.axe === 'object';").await?;
    if loaded.as_bool() != Some(true) {
        let src_path = test_support::workspace_root().join("ui/node_modules/axe-core/axe.min.js");
        let src = std::fs::read_to_string(&src_path)
            .with_context(|| format!("{} (run scripts/setup.sh test)", src_path.display()))?;
        bounded("loading axe-core", c.execute(&src, vec![])).await?;
    }
    let script = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(
  (r) => done(r.violations
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 160) + ')' : '')).join('; ')}`)),
  (e) => done(['axe failed: ' + e]));
"#;
    let v = match tokio::time::timeout(Duration::from_secs(60), c.execute_async(script, vec![]))
        .await
    {
        Ok(r) => r.context("running axe")?,
        Err(_) => bail!("axe did not finish within 60 s on {screen}"),
    };
    let all: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    // Moderate and minor findings are printed for the record; anything else fails (critical,
    // serious, or axe itself failing).
    let (found, lesser): (Vec<String>, Vec<String>) = all
        .into_iter()
        .partition(|f| !f.starts_with("moderate") && !f.starts_with("minor"));
    for f in &lesser {
        eprintln!("e2e: axe on {screen} (not failing): {f}");
    }
    eprintln!("e2e: axe on {screen}: {} critical/serious", found.len());
    if !found.is_empty() {
        bail!("axe on {screen}:\n{}", found.join("\n"));
    }
    Ok(())
}

/// Every process below `root` (WebKit's web and network processes are the app's children).
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The command name is in parentheses and may hold spaces: read after the last ')'.
            let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parent.push((pid, ppid));
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// PSS in MiB of each process below `root` (itself included), by command name.
pub fn pss_by_process(root: u32) -> Vec<(String, f64)> {
    descendants(root)
        .iter()
        .filter_map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let kb: f64 = rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())?;
            Some((name.trim().to_string(), kb / 1024.0))
        })
        .collect()
}

/// Text with digit grouping taken out (the locale decides it: `3,000`, `3 000`, `3.000`).
pub fn plain(text: &str) -> String {
    text.chars()
        .filter(|ch| !matches!(ch, ',' | '\u{a0}' | '\u{202f}' | '.'))
        .collect()
}

/// Waits until the element's text, with digit grouping taken out, contains `needle`.
pub async fn says(c: &Client, sel: &str, needle: &str) -> Result<()> {
    let start = std::time::Instant::now();
    loop {
        let text = text_of(c, sel).await?.unwrap_or_default();
        if plain(&text).contains(needle) {
            return Ok(());
        }
        anyhow::ensure!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "{sel} says {text:?}, expected {needle:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
