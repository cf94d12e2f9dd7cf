//! A stand-in for an HTTP proxy that records what reaches it: each request's first line and its
//! `Proxy-Authorization`, answered with a fixed status. For tests of what goes through a proxy
//! (and what must not), where tinyproxy cannot be configured (its `BasicAuth` takes only
//! `[-a-z0-9._]` passwords). Also stands in for a server that nothing should reach.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What reached it: (request line, `Proxy-Authorization` value or "").
pub type Seen = Arc<Mutex<Vec<(String, String)>>>;

pub struct RecordingProxy {
    pub port: u16,
    pub seen: Seen,
}

impl RecordingProxy {
    /// Listens on `host` (a free port) and answers every request with `status`
    /// (`"407 Proxy Authentication Required"`), from a thread that lives as long as the test.
    pub fn start(host: &str, status: &'static str) -> RecordingProxy {
        let listener = TcpListener::bind((host, 0)).expect("bind the recording proxy");
        let port = listener.local_addr().expect("its address").port();
        let seen: Seen = Arc::default();
        let keep = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                let mut auth = String::new();
                let mut line = String::new();
                let _ = reader.read_line(&mut first);
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    if let Some((name, value)) = line.split_once(':') {
                        if name.trim().eq_ignore_ascii_case("proxy-authorization") {
                            auth = value.trim().to_string();
                        }
                    }
                    line.clear();
                }
                keep.lock().unwrap().push((first.trim().to_string(), auth));
                let _ = (&stream).write_all(
                    format!(
                        "HTTP/1.1 {status}\r\nProxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                );
            }
        });
        RecordingProxy { port, seen }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many requests reached it so far.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// A copy of what reached it so far.
    pub fn seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }
}
