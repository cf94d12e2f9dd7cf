//! Helpers shared by the integration and end-to-end tests: a moto server on a free port (the
//! independent SQS referee), a real proxy (tinyproxy), free ports, and waiting for a port to
//! accept connections.

mod recording_proxy;
pub mod sso_stub;
mod tiny_disk;
pub use recording_proxy::RecordingProxy;
pub use sso_stub::SsoStub;
pub use tiny_disk::TinyDisk;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region};

/// The workspace root: the nearest folder holding `Cargo.lock` above the package under test
/// (read at run time, so a test binary built from another checkout of the same target dir still
/// finds this one).
pub fn workspace_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    start
        .ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .expect("a Cargo.lock above the package under test")
        .to_path_buf()
}

/// A program from the test venv that scripts/setup.sh makes (`$SQS_PILOT_CACHE/venv/bin`).
pub fn venv_bin(name: &str) -> PathBuf {
    venv_path("venv", name)
}

/// A program in the query-protocol venv (botocore 1.31.0, whose SQS model speaks XML).
pub fn query_venv_bin(name: &str) -> PathBuf {
    venv_path("venv-query", name)
}

fn venv_path(venv: &str, name: &str) -> PathBuf {
    let cache = std::env::var_os("SQS_PILOT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/sqs-pilot-tools")
        });
    cache.join(venv).join("bin").join(name)
}

/// Starts an `sqs-sandbox` binary on a free port with its data in `data_dir`, and returns it with
/// its endpoint (read from its first line, `listening on http://…`).
pub fn spawn_sandbox(bin: &std::path::Path, data_dir: &std::path::Path) -> (Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(bin)
        .args(["--port", "0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, url)
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Waits until something accepts TCP connections on the port, or panics after `limit`.
pub fn wait_for_port(port: u16, limit: Duration, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < limit,
            "{what} did not listen on port {port} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A moto server (`moto_server` from the test venv that scripts/setup.sh makes, or $SQS_PILOT_MOTO),
/// killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// Starts moto on a free port and waits until it answers. Panics with a hint if moto is missing.
    pub fn start() -> Moto {
        Moto::start_on("127.0.0.1")
    }

    /// The same, listening on `host` (`0.0.0.0`: every interface, so it can be reached by an
    /// address other than the loopback one).
    pub fn start_on(host: &str) -> Moto {
        let bin = std::env::var_os("SQS_PILOT_MOTO")
            .map(PathBuf::from)
            .unwrap_or_else(|| venv_bin("moto_server"));
        assert!(
            bin.exists(),
            "moto_server not found at {}: run `scripts/setup.sh test` (or set SQS_PILOT_MOTO)",
            bin.display()
        );
        // A "free" port can be taken by another server (tests run in parallel) before moto binds
        // it: make sure it is moto that answers, else try another port.
        for _ in 0..5 {
            let port = free_port();
            let child = Command::new(&bin)
                .args(["-H", host, "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto_server");
            let mut moto = Moto { child, port };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(30) {
                if let Ok(Some(_)) = moto.child.try_wait() {
                    break; // moto could not bind: retry elsewhere
                }
                if is_moto(port) {
                    return moto;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = moto.child.kill();
        }
        panic!("moto_server did not start (5 attempts)");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// moto's process id (the benchmark reads its CPU time).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A plain SDK client for the test's own setup (not the code under test).
    pub fn sdk(&self) -> aws_sdk_sqs::Client {
        sdk_client(&self.endpoint())
    }
}

/// Whether the server on this port is moto (its dashboard answers at /moto-api/).
fn is_moto(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    text.starts_with("http/1.") && text.contains(" 200 ") && text.contains("moto")
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates a queue with default attributes and returns its URL (test setup, panics on error).
pub async fn create_queue(sdk: &aws_sdk_sqs::Client, name: impl Into<String>) -> String {
    sdk.create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("create queue")
        .queue_url
        .expect("queue url")
}

/// A queue's ApproximateNumberOfMessages (visible messages), read with the SDK.
pub async fn available(sdk: &aws_sdk_sqs::Client, url: &str) -> u64 {
    let a = sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("queue attributes");
    a.attributes()
        .and_then(|m| m.values().next())
        .and_then(|v| v.parse().ok())
        .expect("ApproximateNumberOfMessages")
}

/// A queue wired to a new dead-letter queue `<name>-dlq` after `max_receives` receives, with the
/// given visibility timeout (seconds). Returns (queue URL, DLQ URL, DLQ ARN).
pub async fn queue_with_dlq(
    sdk: &aws_sdk_sqs::Client,
    name: &str,
    max_receives: u32,
    visibility_s: u32,
) -> (String, String, String) {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let dlq = create_queue(sdk, format!("{name}-dlq")).await;
    let dlq_arn = sdk
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(A::QueueArn)
        .send()
        .await
        .expect("DLQ attributes")
        .attributes()
        .and_then(|a| a.get(&A::QueueArn).cloned())
        .expect("DLQ ARN");
    let url = sdk
        .create_queue()
        .queue_name(name)
        .attributes(A::VisibilityTimeout, visibility_s.to_string())
        .attributes(
            A::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":{max_receives}}}"#),
        )
        .send()
        .await
        .expect("create queue with a DLQ")
        .queue_url
        .expect("queue url");
    (url, dlq, dlq_arn)
}

/// A plain SDK client for a local endpoint with throwaway keys.
pub fn sdk_client(endpoint: &str) -> aws_sdk_sqs::Client {
    let conf = aws_sdk_sqs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https(),
        )
        .build();
    aws_sdk_sqs::Client::from_conf(conf)
}

/// A real HTTP proxy (tinyproxy) on a free port, asking for a user name and password, writing
/// every request it carries to its log.
pub struct Tinyproxy {
    child: Child,
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Tinyproxy {
    pub fn start(user: &str, password: &str) -> Tinyproxy {
        Tinyproxy::start_allowing(user, password, &[])
    }

    /// The same, also opening tunnels (CONNECT) to `ports` besides 443.
    pub fn start_allowing(user: &str, password: &str, ports: &[u16]) -> Tinyproxy {
        let dir = tempfile::tempdir().unwrap();
        let more: String = ports.iter().map(|p| format!("ConnectPort {p}\n")).collect();
        let port = free_port();
        let log = dir.path().join("tinyproxy.log");
        let conf = dir.path().join("tinyproxy.conf");
        std::fs::write(
            &conf,
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 20\nLogFile \"{}\"\nLogLevel Info\nMaxClients 20\nAllow 127.0.0.1\nBasicAuth {user} {password}\nConnectPort 443\n{more}",
                log.display()
            ),
        )
        .unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy (apt package tinyproxy) must be installed: scripts/setup.sh test");
        wait_for_port(port, Duration::from_secs(10), "tinyproxy");
        Tinyproxy {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the proxy's log mentions `needle` (it writes after answering).
    pub fn wait_for_log(&self, needle: &str) {
        let start = Instant::now();
        while !self.log().contains(needle) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the proxy's log never mentions {needle}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// This machine's address on its network (not the loopback one), so a server here can be reached
/// the way a remote one is.
pub fn own_address() -> String {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    s.connect("192.0.2.254:9")
        .expect("a network interface besides the loopback");
    let ip = s.local_addr().unwrap().ip();
    assert!(!ip.is_loopback(), "no address besides the loopback one");
    ip.to_string()
}

/// Points this process's AWS SDK at the given config and credentials files and removes the
/// variables that would win over them (keys, session token, AWS_PROFILE). For test binaries
/// whose tests do not read these variables otherwise: the environment is the process's.
pub fn use_aws_files(config: &std::path::Path, credentials: &std::path::Path) {
    std::env::set_var("AWS_CONFIG_FILE", config);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", credentials);
    for v in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
    ] {
        std::env::remove_var(v);
    }
}
