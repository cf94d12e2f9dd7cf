//! A proxy password with any characters reaches the proxy exactly, and with an app proxy set a
//! request never goes direct. A recording proxy (tinyproxy's config cannot hold such passwords)
//! answers 407 and keeps each request's `Proxy-Authorization`; a server standing in for AWS on
//! this machine's own address records anything that reaches it without the proxy. Before the
//! credentials were percent-encoded, a space or `"` made the proxy URL unparseable and requests
//! went straight to the endpoint.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sqs_core::client;
use sqs_core::connection::{Connection, ConnectionSettings, KeyPair, Secret};
use sqs_core::proxy::{self, AppProxy, ProxySettings};
use sqs_core::queues;
use test_support::own_address;

/// What a recorder saw: each request's first line and its `Proxy-Authorization`.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Listens on `host`; keeps the request line and `Proxy-Authorization` of each request and
/// answers with `status`.
fn recorder(host: &str, status: &'static str) -> (u16, Seen) {
    let listener = TcpListener::bind((host, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut first = String::new();
            let mut auth = String::new();
            let mut line = String::new();
            let _ = reader.read_line(&mut first);
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(v) = line
                    .to_ascii_lowercase()
                    .strip_prefix("proxy-authorization:")
                    .map(|_| {
                        line.split_once(':')
                            .map(|x| x.1)
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    })
                {
                    auth = v;
                }
                line.clear();
            }
            keep.lock().unwrap().push((first.trim().to_string(), auth));
            let _ = (&stream).write_all(
                format!("HTTP/1.1 {status}\r\nProxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
            );
        }
    });
    (port, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_password_reaches_the_proxy_exactly_and_nothing_goes_direct() {
    let (proxy_port, at_proxy) = recorder("127.0.0.1", "407 Proxy Authentication Required");
    let (direct_port, direct) = recorder(&own_address(), "500 Internal Server Error");
    let endpoint = Connection {
        id: "remote".into(),
        name: "Remote".into(),
        settings: ConnectionSettings::Endpoint {
            url: format!("http://{}:{direct_port}", own_address()),
            region: "us-east-1".into(),
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
        },
        secret_account: None,
    };
    let secret = KeyPair {
        secret_access_key: Secret::new("secret"),
        session_token: None,
    }
    .encode();
    for password in [
        "with space",
        "quo\"te",
        "sl/ash",
        "at@sign",
        "pct%41",
        "co:lon",
        "back\\slash",
        "all of \" / @ % : \\ ?#[]",
    ] {
        let before = at_proxy.lock().unwrap().len();
        proxy::set_app_proxy(Some(AppProxy {
            settings: ProxySettings {
                url: format!("http://127.0.0.1:{proxy_port}"),
                username: Some("al ice@corp".into()),
                no_proxy: None,
            },
            password: Some(Secret::new(password)),
        }));
        let c = client::connect(&endpoint, Some(&secret)).await.unwrap();
        let refused = queues::list_queues(&c, None).await;
        assert!(refused.is_err(), "a 407 listed queues");
        let start = Instant::now();
        while at_proxy.lock().unwrap().len() == before {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "password {password:?}: no request reached the proxy; went direct: {:?}",
                direct.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let (request, auth) = at_proxy.lock().unwrap().last().cloned().unwrap();
        assert!(request.contains(&direct_port.to_string()), "{request}");
        let token = auth
            .strip_prefix("Basic ")
            .unwrap_or_else(|| panic!("no basic auth: {auth:?}"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            format!("al ice@corp:{password}"),
            "the proxy got other credentials"
        );
        assert!(
            direct.lock().unwrap().is_empty(),
            "password {password:?}: a request went direct: {:?}",
            direct.lock().unwrap()
        );
    }
    proxy::set_app_proxy(None);
}
