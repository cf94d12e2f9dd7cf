//! Connections: what is stored (no secrets) and what the UI is shown. What the form sends and its
//! checks: `connection_input.rs` (re-exported here).

pub use crate::connection_input::{validate_endpoint, ConnectionInput, SecretChange};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::mask::mask_key_id;

/// A secret access key in memory. It cannot be serialized and never prints itself.
#[derive(Clone, Deserialize, PartialEq, Eq, TS)]
#[ts(type = "string")]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What one keychain entry holds: the secret access key and, for temporary keys (`ASIA…`), the
/// session token issued with it. Kept together so they are saved, replaced and removed as one.
/// Written as a small JSON object when there is a token, and as the bare key otherwise (so
/// entries saved by earlier versions read the same).
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPair {
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

#[derive(Serialize, Deserialize)]
struct StoredPair {
    secret_access_key: String,
    session_token: String,
}

impl KeyPair {
    /// The keychain entry's text.
    pub fn encode(&self) -> Secret {
        match &self.session_token {
            None => self.secret_access_key.clone(),
            Some(t) => Secret(
                serde_json::to_string(&StoredPair {
                    secret_access_key: self.secret_access_key.0.clone(),
                    session_token: t.0.clone(),
                })
                .unwrap_or_default(),
            ),
        }
    }

    /// Reads a keychain entry (a bare secret access key never starts with `{`).
    pub fn decode(entry: &Secret) -> KeyPair {
        match serde_json::from_str::<StoredPair>(&entry.0) {
            Ok(p) if entry.0.starts_with('{') => KeyPair {
                secret_access_key: Secret(p.secret_access_key),
                session_token: Some(Secret(p.session_token)),
            },
            _ => KeyPair {
                secret_access_key: entry.clone(),
                session_token: None,
            },
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The kinds of connection, as the UI names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectionType {
    /// An access key id + secret access key for AWS itself.
    AccessKeys,
    /// A named profile from ~/.aws/config or ~/.aws/credentials (incl. SSO).
    Profile,
    /// Any SQS-compatible endpoint (LocalStack, ElasticMQ, moto, ...).
    Endpoint,
    /// The local sandbox built into the app (never stored, never edited).
    Sandbox,
}

/// The id of the built-in local sandbox connection.
pub const SANDBOX_ID: &str = "sandbox";

/// The built-in sandbox as a connection the client code can use: a keyless endpoint.
pub fn sandbox_connection(url: &str) -> Connection {
    Connection {
        id: SANDBOX_ID.into(),
        name: "Local sandbox".into(),
        settings: ConnectionSettings::Endpoint {
            url: url.into(),
            region: "us-east-1".into(),
            access_key_id: None,
        },
        secret_account: None,
    }
}

/// How a stored connection reaches SQS. Holds no secret: secrets live in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectionSettings {
    AccessKeys {
        region: String,
        access_key_id: String,
    },
    Profile {
        profile: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String>,
    },
    Endpoint {
        url: String,
        region: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_key_id: Option<String>,
    },
}

impl ConnectionSettings {
    pub fn connection_type(&self) -> ConnectionType {
        match self {
            ConnectionSettings::AccessKeys { .. } => ConnectionType::AccessKeys,
            ConnectionSettings::Profile { .. } => ConnectionType::Profile,
            ConnectionSettings::Endpoint { .. } => ConnectionType::Endpoint,
        }
    }

    /// Whether this connection keeps a secret in the keychain.
    pub fn uses_secret(&self) -> bool {
        match self {
            ConnectionSettings::AccessKeys { .. } => true,
            ConnectionSettings::Endpoint { access_key_id, .. } => access_key_id.is_some(),
            ConnectionSettings::Profile { .. } => false,
        }
    }
}

/// A connection as stored in the app's config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub settings: ConnectionSettings,
    /// The keychain entry holding its secret, when it is not the id (each new secret gets a
    /// fresh entry, so the settings file decides which one is in use: `connection_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_account: Option<String>,
}

impl Connection {
    /// The keychain account of its secret.
    pub fn secret_account(&self) -> &str {
        self.secret_account.as_deref().unwrap_or(&self.id)
    }
}

/// A connection as the UI sees it: key id masked, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionView {
    pub id: String,
    pub name: String,
    pub kind: ConnectionType,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub profile: Option<String>,
    /// `AKIA…WXYZ`; the whole key id never goes to the webview.
    pub key_id_masked: Option<String>,
}

impl ConnectionView {
    /// The sidebar entry of the built-in sandbox (`url` None while it is not running).
    pub fn sandbox(url: Option<&str>) -> Self {
        ConnectionView {
            id: SANDBOX_ID.into(),
            name: "Local sandbox".into(),
            kind: ConnectionType::Sandbox,
            region: Some("us-east-1".into()),
            endpoint: url.map(str::to_string),
            profile: None,
            key_id_masked: None,
        }
    }
}

impl From<&Connection> for ConnectionView {
    fn from(c: &Connection) -> Self {
        let (region, endpoint, profile, key) = match &c.settings {
            ConnectionSettings::AccessKeys {
                region,
                access_key_id,
            } => (
                Some(region.clone()),
                None,
                None,
                Some(access_key_id.as_str()),
            ),
            ConnectionSettings::Profile { profile, region } => {
                (region.clone(), None, Some(profile.clone()), None)
            }
            ConnectionSettings::Endpoint {
                url,
                region,
                access_key_id,
            } => (
                Some(region.clone()),
                Some(url.clone()),
                None,
                access_key_id.as_deref(),
            ),
        };
        ConnectionView {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.settings.connection_type(),
            region,
            endpoint,
            profile,
            key_id_masked: key.map(mask_key_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_pair_round_trips_and_an_old_bare_secret_reads_as_one() {
        let pair = KeyPair {
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG"),
            session_token: Some(Secret::new("IQoJb3JpZ2luX2VjE\"quoted\"")),
        };
        assert!(KeyPair::decode(&pair.encode()) == pair);
        let bare = KeyPair::decode(&Secret::new("wJalrXUtnFEMI/K7MDENG"));
        assert_eq!(bare.secret_access_key.expose(), "wJalrXUtnFEMI/K7MDENG");
        assert!(bare.session_token.is_none());
        let no_token = KeyPair {
            secret_access_key: Secret::new("abc"),
            session_token: None,
        };
        assert_eq!(no_token.encode().expose(), "abc");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new("wJalrXUtnFEMI");
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }
}
