//! Temporary keys: a connection with a session token signs every request with it (the
//! `X-Amz-Security-Token` header SQS checks), read from the same keychain entry as the secret.
//! A small server records what arrives on the wire.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use sqs_core::client;
use sqs_core::connection::{Connection, ConnectionSettings, KeyPair, Secret};
use sqs_core::queues;

/// Answers one ListQueues with no queues and sends back the request's header lines.
fn one_request_server() -> (String, mpsc::Receiver<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            headers.push(line.trim().to_string());
        }
        let length: usize = headers
            .iter()
            .find_map(|h| {
                h.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = r#"{"QueueUrls":[]}"#;
        let mut out = stream;
        write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
        tx.send(headers).unwrap();
    });
    (url, rx)
}

fn connection(url: &str) -> Connection {
    Connection {
        id: "temp".into(),
        name: "Temporary keys".into(),
        settings: ConnectionSettings::Endpoint {
            url: url.into(),
            region: "eu-west-1".into(),
            access_key_id: Some("ASIAIOSFODNN7EXAMPLE".into()),
        },
        secret_account: None,
    }
}

fn header<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn a_session_token_is_sent_with_every_request_signed_by_its_key() {
    let (url, seen) = one_request_server();
    let entry = KeyPair {
        secret_access_key: Secret::new("tEmPsEcReT"),
        session_token: Some(Secret::new("FwoGZXIvYXdzEJr-session-token")),
    }
    .encode();
    let c = client::connect(&connection(&url), Some(&entry))
        .await
        .unwrap();
    assert!(queues::list_queues(&c, None).await.unwrap().is_empty());
    let headers = seen.recv().unwrap();
    assert_eq!(
        header(&headers, "x-amz-security-token"),
        Some("FwoGZXIvYXdzEJr-session-token"),
        "{headers:#?}"
    );
    let auth = header(&headers, "authorization").unwrap();
    assert!(auth.contains("Credential=ASIAIOSFODNN7EXAMPLE/"), "{auth}");
    assert!(
        auth.contains("x-amz-security-token"),
        "the token is signed: {auth}"
    );
    assert!(
        !headers.iter().any(|h| h.contains("tEmPsEcReT")),
        "the secret never travels"
    );
}

#[tokio::test]
async fn keys_without_a_token_send_none() {
    let (url, seen) = one_request_server();
    let entry = KeyPair {
        secret_access_key: Secret::new("plain"),
        session_token: None,
    }
    .encode();
    let c = client::connect(&connection(&url), Some(&entry))
        .await
        .unwrap();
    queues::list_queues(&c, None).await.unwrap();
    let headers = seen.recv().unwrap();
    assert_eq!(header(&headers, "x-amz-security-token"), None);
}
