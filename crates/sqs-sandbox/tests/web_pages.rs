//! A web page cannot touch or crash the sandbox: a real browser engine (Debian's headless
//! Chromium) loads a page from another site that aims an `<img>`, a form POST, `fetch`es and a
//! deeply nested parameter name at the sandbox. The sandbox must see each of those requests,
//! refuse every one, keep the queue and its message, and stay up.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_support::sdk_client;

/// The headless browser: `$SQS_PILOT_CHROMIUM`, else Debian's `chromium-headless-shell` or
/// `chromium` (scripts/setup.sh installs the first).
fn browser() -> PathBuf {
    if let Ok(p) = std::env::var("SQS_PILOT_CHROMIUM") {
        return PathBuf::from(p);
    }
    let candidates = [
        "/usr/bin/chromium-headless-shell",
        "/usr/lib/chromium/chrome-headless-shell",
        "/usr/lib/chromium-headless-shell/chrome-headless-shell",
        "/usr/bin/chromium",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("no headless Chromium found (looked at {candidates:?}): run scripts/setup.sh test, or set SQS_PILOT_CHROMIUM")
        })
}

/// The attacker's page, aimed at the sandbox on `sb` (its port) and its queue `q`.
fn attack_page(sb: u16, q: &str) -> String {
    let q = q.replace(':', "%3A").replace('/', "%2F");
    let deep = vec!["a"; 15_000].join(".");
    format!(
        r#"<!doctype html><html><body>
<img src="http://127.0.0.1:{sb}/?Action=DeleteQueue&QueueUrl={q}">
<img src="http://localhost:{sb}/?Action=PurgeQueue&QueueUrl={q}">
<img src="http://127.0.0.1:{sb}/?Action=SendMessage&QueueUrl={q}&MessageBody=from-img">
<iframe name="sink"></iframe>
<form id="f" target="sink" method="POST" action="http://127.0.0.1:{sb}/">
  <input name="Action" value="DeleteQueue"><input name="QueueUrl" value="{q_plain}">
</form>
<script>
  document.getElementById('f').submit();
  const form = 'application/x-www-form-urlencoded';
  fetch('http://127.0.0.1:{sb}/', {{ method: 'POST', mode: 'no-cors', headers: {{ 'Content-Type': form }},
    body: 'Action=SendMessage&QueueUrl={q}&MessageBody=from-fetch' }}).catch(() => {{}});
  fetch('http://127.0.0.1:{sb}/', {{ method: 'POST', mode: 'no-cors', headers: {{ 'Content-Type': form }},
    body: 'Action=ListQueues&{deep}=1' }}).catch(() => {{}});
  fetch('http://127.0.0.1:{sb}/', {{ method: 'POST', headers: {{ 'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': 'AmazonSQS.DeleteQueue' }}, body: JSON.stringify({{ QueueUrl: '{q_plain}' }}) }}).catch(() => {{}});
</script></body></html>"#,
        q_plain = q.replace("%3A", ":").replace("%2F", "/"),
    )
}

/// Serves `page` to every request on a free port, from a thread; returns the port.
fn serve(page: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = (&stream).write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )
                .as_bytes(),
            );
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_in_a_real_browser_changes_nothing_and_the_sandbox_lives() {
    let running = sqs_sandbox::start(sqs_sandbox::Config::default(), "127.0.0.1", 0)
        .await
        .unwrap();
    let sdk = sdk_client(&running.url);
    let q = test_support::create_queue(&sdk, "victim").await;
    sdk.send_message()
        .queue_url(&q)
        .message_body("keep me")
        .send()
        .await
        .unwrap();

    let page_port = serve(attack_page(running.addr.port(), &q));
    let profile = tempfile::tempdir().unwrap();
    let mut chrome = Command::new(browser())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            // The page comes from another site: a name that resolves to this machine.
            "--host-resolver-rules=MAP evil.test 127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("http://evil.test:{page_port}/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the headless browser");

    // 3 images, the form, 2 fetches and the JSON fetch's CORS preflight: every one reaches
    // the sandbox and is refused (before the fix the images' GETs were answered).
    let expected = 7;
    let start = Instant::now();
    while running.sandbox.refused_requests() < expected {
        assert!(
            start.elapsed() < Duration::from_secs(45),
            "the sandbox refused {} of the page's {expected} requests within 45 s",
            running.sandbox.refused_requests()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = chrome.kill();
    let _ = chrome.wait();

    // The queue and its one message are there, and nothing else arrived: the sandbox lives.
    let got = sdk
        .receive_message()
        .queue_url(&q)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .send()
        .await
        .expect("the sandbox still answers and the queue is still there");
    let bodies: Vec<&str> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["keep me"]);
    running.stop().await;
}
