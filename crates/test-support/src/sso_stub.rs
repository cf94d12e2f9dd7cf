//! A small stand-in for IAM Identity Center, for tests: the OIDC calls of the device sign-in
//! (RegisterClient, StartDeviceAuthorization, CreateToken with `authorization_pending`,
//! `slow_down` and `expired_token`, and the refresh grant) and the SSO portal's ListAccounts,
//! ListAccountRoles and GetRoleCredentials, with AWS's JSON shapes, error codes and headers.
//! Plain HTTP on 127.0.0.1; every request is recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// What the stand-in answers next.
#[derive(Debug, Default)]
struct State {
    approved: bool,
    expired: bool,
    slow_downs: u32,
    calls: Vec<String>,
    issued: u32,
}

pub struct SsoStub {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// The access token the stand-in issues the `n`th time (1-based).
pub fn access_token(n: u32) -> String {
    format!("stub-access-token-{n}")
}

/// The account and role the portal lists.
pub const ACCOUNT_ID: &str = "111122223333";
pub const ROLE_NAME: &str = "QueueAdmin";

impl SsoStub {
    pub fn start() -> SsoStub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        SsoStub { url, state }
    }

    /// The user approves the sign-in in the browser (this and every later one).
    pub fn approve(&self) {
        let mut st = self.state.lock().unwrap();
        st.approved = true;
        st.expired = false;
    }

    /// The user never approved and the device code ran out.
    pub fn expire(&self) {
        self.state.lock().unwrap().expired = true;
    }

    /// The next `n` polls are told to slow down.
    pub fn slow_down(&self, n: u32) {
        self.state.lock().unwrap().slow_downs = n;
    }

    /// Every request so far, as `METHOD /path`.
    pub fn calls(&self) -> Vec<String> {
        self.state.lock().unwrap().calls.clone()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                break;
            }
            headers.push(h.trim().to_string());
        }
        let header = |name: &str| {
            headers.iter().find_map(|h| {
                let (k, v) = h.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
        };
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let path = target.split('?').next().unwrap_or("").to_string();
        let query = target
            .split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default();
        let (status, error_type, answer) = answer(
            state,
            &method,
            &path,
            &query,
            &body,
            header("x-amz-sso_bearer_token"),
        );
        let text = answer.to_string();
        let mut out = stream.try_clone().unwrap();
        let error_header = error_type
            .map(|t| format!("x-amzn-ErrorType: {t}\r\n"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\n{error_header}Content-Length: {}\r\n\r\n{text}",
            if status == 200 { "OK" } else { "Error" },
            text.len()
        );
    }
}

fn oidc_error(status: u16, kind: &'static str, code: &str) -> (u16, Option<&'static str>, Value) {
    (
        status,
        Some(kind),
        json!({ "error": code, "error_description": format!("stub: {code}") }),
    )
}

fn answer(
    state: &Mutex<State>,
    method: &str,
    path: &str,
    query: &str,
    body: &Value,
    bearer: Option<String>,
) -> (u16, Option<&'static str>, Value) {
    let mut st = state.lock().unwrap();
    st.calls.push(format!("{method} {path}"));
    let bearer_ok = bearer.is_some_and(|b| b.starts_with("stub-access-token-"));
    match (method, path) {
        ("POST", "/client/register") => (
            200,
            None,
            json!({
                "clientId": "stub-client-id",
                "clientSecret": "stub-client-secret",
                "clientIdIssuedAt": 1_700_000_000,
                "clientSecretExpiresAt": 1_900_000_000,
            }),
        ),
        ("POST", "/device_authorization") => (
            200,
            None,
            json!({
                "deviceCode": "stub-device-code",
                "userCode": "ABCD-EFGH",
                "verificationUri": "https://device.sso.example.com/",
                "verificationUriComplete": "https://device.sso.example.com/?user_code=ABCD-EFGH",
                "expiresIn": 600,
                "interval": 1,
            }),
        ),
        ("POST", "/token") => {
            let refresh = body["grantType"] == "refresh_token";
            if refresh {
                if body["refreshToken"] != "stub-refresh-token" {
                    return oidc_error(400, "InvalidGrantException", "invalid_grant");
                }
            } else if st.expired {
                return oidc_error(400, "ExpiredTokenException", "expired_token");
            } else if st.slow_downs > 0 {
                st.slow_downs -= 1;
                return oidc_error(400, "SlowDownException", "slow_down");
            } else if !st.approved {
                return oidc_error(
                    400,
                    "AuthorizationPendingException",
                    "authorization_pending",
                );
            }
            st.issued += 1;
            (
                200,
                None,
                json!({
                    "accessToken": access_token(st.issued),
                    "tokenType": "Bearer",
                    "expiresIn": 28_800,
                    "refreshToken": "stub-refresh-token",
                }),
            )
        }
        ("GET", _) if !bearer_ok => (
            401,
            Some("UnauthorizedException"),
            json!({ "message": "Session token not found or invalid" }),
        ),
        ("GET", "/assignment/accounts") => (
            200,
            None,
            json!({ "accountList": [
                { "accountId": ACCOUNT_ID, "accountName": "Queues (test)", "emailAddress": "queues@example.com" }
            ] }),
        ),
        ("GET", "/assignment/roles") => (
            200,
            None,
            json!({ "roleList": [ { "roleName": ROLE_NAME, "accountId": ACCOUNT_ID } ] }),
        ),
        ("GET", "/federation/credentials") if query.contains(ROLE_NAME) => (
            200,
            None,
            json!({ "roleCredentials": {
                "accessKeyId": "ASIASTUBROLEKEY00001",
                "secretAccessKey": "stub-role-secret",
                "sessionToken": "stub-role-session-token",
                "expiration": 4_102_444_800_000u64,
            } }),
        ),
        _ => (
            404,
            Some("ResourceNotFoundException"),
            json!({ "message": format!("stub: no {method} {path}") }),
        ),
    }
}
