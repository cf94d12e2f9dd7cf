//! Tries a proxy before it is saved ("Test" in the Network dialog): asks it, as the SDK's HTTPS
//! requests do, to open a tunnel (`CONNECT host:443`) to the SQS endpoint, with the user name and
//! password typed, and turns its answer into a sentence: it works, it wants a password, it
//! refused the password, it cannot reach AWS, nothing answers there. Nothing is saved and the
//! proxy in use does not change.

use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::connection::Secret;
use crate::proxy::{validate_proxy_url, ProxyInput};
use crate::CoreError;

/// How long the proxy has to accept the connection, and then to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// The SQS endpoint a trial asks the proxy for: the region's, or us-east-1's.
pub fn sqs_host(region: Option<&str>) -> String {
    let region = region
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or("us-east-1");
    format!("sqs.{region}.amazonaws.com:443")
}

/// Asks the proxy of `input` (with its password, or `stored` when none was typed) to open a
/// tunnel to `target` (`host:port`). Ok: a sentence saying it worked.
pub async fn try_proxy(
    input: &ProxyInput,
    stored: Option<Secret>,
    target: &str,
) -> Result<String, CoreError> {
    let url = validate_proxy_url(&input.url)?;
    let parsed = url::Url::parse(&url).map_err(|e| CoreError::field("proxy_url", e.to_string()))?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port_or_known_default().unwrap_or(80);
    let shown = url.clone();
    let unreachable = |why: &str| {
        CoreError::field(
            "proxy_url",
            format!("Nothing answers at {shown} ({why}). Check the proxy's address and port."),
        )
    };
    let mut stream = match tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((host.trim_matches(['[', ']']), port)),
    )
    .await
    {
        Err(_) => return Err(unreachable("no answer within 3 seconds")),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(unreachable("the connection was refused"))
        }
        Ok(Err(e)) => return Err(unreachable(&e.to_string())),
        Ok(Ok(s)) => s,
    };
    if parsed.scheme() == "https" {
        // Speaking TLS to the proxy itself is the SDK's part; here it answers, which is what
        // can be tried without it.
        return Ok(format!(
            "{shown} answers. (An https:// proxy is only tried this far: Save, then open a queue.)"
        ));
    }
    let user = input
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let password = input
        .password
        .clone()
        .filter(|p| !p.expose().is_empty())
        .or(stored);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(user) = user {
        let pair = format!(
            "{user}:{}",
            password.as_ref().map(Secret::expose).unwrap_or("")
        );
        let token = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    let answer = tokio::time::timeout(ANSWER_TIMEOUT, async {
        stream.write_all(request.as_bytes()).await?;
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        // The status line is all that is needed.
        while !head.contains(&b'\n') && head.len() < 8192 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(head)
    })
    .await;
    let head = match answer {
        Err(_) => {
            return Err(CoreError::Network(format!(
                "{shown} took the connection but did not answer within 15 seconds."
            )))
        }
        Ok(Err(e)) => {
            return Err(CoreError::Network(format!(
                "{shown} closed the connection ({e})."
            )))
        }
        Ok(Ok(h)) => h,
    };
    let line = String::from_utf8_lossy(&head);
    let line = line.lines().next().unwrap_or("");
    let status = line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|c| c.parse::<u16>().ok());
    let target_host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    match status {
        Some(200..=299) => Ok(format!(
            "The proxy works: it opened a connection to {target_host}."
        )),
        // 407 is the standard answer; tinyproxy (and some others) say 401.
        Some(401 | 407) if user.is_none() => Err(CoreError::field(
            "username",
            "The proxy asks for a user name and password: enter them, then Test again.",
        )),
        Some(401 | 407) => Err(CoreError::field(
            "password",
            "The proxy refused this user name or password: check them, then Test again.",
        )),
        Some(403) => Err(CoreError::Network(format!(
            "The proxy refuses connections to {target_host} (403). Ask whoever runs the network to allow it."
        ))),
        Some(code) => Err(CoreError::Network(format!(
            "The proxy answered but could not reach {target_host} ({code}): it may not reach the internet, or AWS is blocked from it."
        ))),
        None => Err(CoreError::field(
            "proxy_url",
            format!("{shown} answered, but not like an HTTP proxy. Check the address and port."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_asked_for_is_the_region_s() {
        assert_eq!(
            sqs_host(Some("eu-west-1")),
            "sqs.eu-west-1.amazonaws.com:443"
        );
        assert_eq!(sqs_host(None), "sqs.us-east-1.amazonaws.com:443");
        assert_eq!(
            sqs_host(Some("x/../evil")),
            "sqs.us-east-1.amazonaws.com:443"
        );
    }
}
