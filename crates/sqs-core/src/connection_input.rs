//! The connection form's input: checked field by field (names, key ids, endpoints, regions,
//! profiles) and turned into what is stored plus what must happen to the keychain entry.

use serde::Deserialize;
use ts_rs::TS;

use crate::connection::{Connection, ConnectionSettings, ConnectionType, KeyPair, Secret};
use crate::{regions, CoreError};

/// What the connection form sends. On edit, an empty key id or secret keeps the stored one.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ConnectionInput {
    #[ts(optional)]
    pub id: Option<String>,
    pub name: String,
    pub kind: ConnectionType,
    #[ts(optional)]
    pub region: Option<String>,
    #[ts(optional)]
    pub endpoint: Option<String>,
    #[ts(optional)]
    pub profile: Option<String>,
    #[ts(optional)]
    pub access_key_id: Option<String>,
    #[ts(optional)]
    pub secret_access_key: Option<Secret>,
    /// For temporary keys (`ASIA…`): the session token issued with them. Saved with the secret
    /// in the same keychain entry.
    #[serde(default)]
    #[ts(optional)]
    pub session_token: Option<Secret>,
}

/// What saving a connection must do to its keychain entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Set(Secret),
    Remove,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn validate_key_id(id: &str) -> Result<(), CoreError> {
    let ok = (16..=128).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(CoreError::field(
            "access_key_id",
            "An access key id is 16–128 letters and digits, like AKIAIOSFODNN7EXAMPLE.",
        ))
    }
}

/// Checks a custom endpoint URL: http(s), a host, no credentials or query in it.
pub fn validate_endpoint(url: &str) -> Result<String, CoreError> {
    let bad = |m: &str| CoreError::field("endpoint", m.to_string());
    let parsed = url::Url::parse(url.trim()).map_err(|_| {
        bad("Enter a URL like http://localhost:4566 (LocalStack) or http://127.0.0.1:9324.")
    })?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(bad("The endpoint must start with http:// or https://."));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("The endpoint URL needs a host name, like localhost."));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "Do not put credentials in the URL; use the key fields instead.",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad(
            "Leave out the part after ? or #: an SQS endpoint is a scheme, a host, a port and at most a path, like http://localhost:4566.",
        ));
    }
    // Stored as the URL parser writes it (lower-case scheme and host, no default port), without
    // a trailing slash.
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Temporary keys start with this; they only work with their session token.
const TEMPORARY_KEY_PREFIX: &str = "ASIA";

/// Puts the session token (if any) into the keychain entry with the secret, and says what is
/// missing when a temporary key comes without its token or a token without its secret.
fn with_session_token(
    change: SecretChange,
    settings: &ConnectionSettings,
    token: Option<Secret>,
) -> Result<SecretChange, CoreError> {
    let token = token.filter(|t| !t.expose().trim().is_empty());
    let key_id = match settings {
        ConnectionSettings::AccessKeys { access_key_id, .. } => Some(access_key_id.as_str()),
        ConnectionSettings::Endpoint { access_key_id, .. } => access_key_id.as_deref(),
        ConnectionSettings::Profile { .. } => None,
    };
    match (change, token) {
        (SecretChange::Set(secret), Some(t)) => Ok(SecretChange::Set(
            KeyPair {
                secret_access_key: secret,
                session_token: Some(Secret::new(t.expose().trim())),
            }
            .encode(),
        )),
        (SecretChange::Set(_), None)
            if key_id.is_some_and(|k| k.starts_with(TEMPORARY_KEY_PREFIX)) =>
        {
            Err(CoreError::field(
                "session_token",
                "Keys that start with ASIA are temporary: paste the session token that came with them (AWS_SESSION_TOKEN).",
            ))
        }
        (_, Some(_)) if key_id.is_none() => Err(CoreError::field(
            "session_token",
            "A session token belongs to an access key: enter the key id and secret that came with it.",
        )),
        (SecretChange::Keep, Some(_)) => Err(CoreError::field(
            "secret_access_key",
            "Enter the secret access key with the new session token: temporary keys come as a set.",
        )),
        (change, _) => Ok(change),
    }
}

impl ConnectionInput {
    /// Validates the form against the stored connection (on edit) and returns what to store.
    pub fn into_connection(
        self,
        existing: Option<&Connection>,
    ) -> Result<(Connection, SecretChange), CoreError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(CoreError::field("name", "Give the connection a name."));
        }
        if name.chars().count() > 64 {
            return Err(CoreError::field(
                "name",
                "Keep the name under 64 characters.",
            ));
        }
        let id = match (&self.id, existing) {
            (Some(id), Some(e)) if *id == e.id => id.clone(),
            (Some(_), _) => {
                return Err(CoreError::NotFound(
                    "This connection no longer exists. Close the form and add it again.".into(),
                ))
            }
            (None, _) => uuid::Uuid::new_v4().to_string(),
        };
        let existing_key = existing.and_then(|e| match &e.settings {
            ConnectionSettings::AccessKeys { access_key_id, .. } => Some(access_key_id.clone()),
            ConnectionSettings::Endpoint { access_key_id, .. } => access_key_id.clone(),
            ConnectionSettings::Profile { .. } => None,
        });
        let had_secret = existing.is_some_and(|e| e.settings.uses_secret());
        let new_key = non_empty(&self.access_key_id);
        let secret = self
            .secret_access_key
            .filter(|s| !s.expose().trim().is_empty())
            .map(|s| Secret::new(s.expose().trim()));
        if let Some(k) = &new_key {
            validate_key_id(k)?;
        }
        let region = non_empty(&self.region);

        let (settings, change) = match self.kind {
            ConnectionType::AccessKeys => {
                let region = region.ok_or_else(|| CoreError::field("region", "Pick a region."))?;
                regions::validate_aws_region(&region)?;
                let key = new_key
                    .or(existing_key)
                    .ok_or_else(|| CoreError::field("access_key_id", "Enter the access key id."))?;
                let change = match secret {
                    Some(s) => SecretChange::Set(s),
                    None if had_secret => SecretChange::Keep,
                    None => {
                        return Err(CoreError::field(
                            "secret_access_key",
                            "Enter the secret access key. It is stored in your system keychain, never in a file.",
                        ))
                    }
                };
                (
                    ConnectionSettings::AccessKeys {
                        region,
                        access_key_id: key,
                    },
                    change,
                )
            }
            ConnectionType::Profile => {
                let profile = non_empty(&self.profile)
                    .ok_or_else(|| CoreError::field("profile", "Pick an AWS profile."))?;
                if let Some(r) = &region {
                    regions::validate_aws_region(r)?;
                }
                let change = if had_secret {
                    SecretChange::Remove
                } else {
                    SecretChange::Keep
                };
                (ConnectionSettings::Profile { profile, region }, change)
            }
            ConnectionType::Sandbox => {
                return Err(CoreError::field(
                    "kind",
                    "The local sandbox is built in: it cannot be added, edited or removed.",
                ))
            }
            ConnectionType::Endpoint => {
                let url = validate_endpoint(self.endpoint.as_deref().unwrap_or(""))?;
                let region = region.unwrap_or_else(|| "us-east-1".to_string());
                regions::validate_region_format(&region)?;
                // Keys are optional here: local servers accept any.
                let key = new_key.or(existing_key);
                let change = match (&key, secret) {
                    (Some(_), Some(s)) => SecretChange::Set(s),
                    (Some(_), None) if had_secret => SecretChange::Keep,
                    (Some(_), None) => {
                        return Err(CoreError::field(
                            "secret_access_key",
                            "Enter the secret access key for this key id, or leave both empty.",
                        ))
                    }
                    (None, Some(_)) => {
                        return Err(CoreError::field(
                            "access_key_id",
                            "Enter the access key id that belongs to this secret.",
                        ))
                    }
                    (None, None) if had_secret => SecretChange::Remove,
                    (None, None) => SecretChange::Keep,
                };
                (
                    ConnectionSettings::Endpoint {
                        url,
                        region,
                        access_key_id: key,
                    },
                    change,
                )
            }
        };
        let change = with_session_token(change, &settings, self.session_token)?;
        let secret_account = existing.and_then(|e| e.secret_account.clone());
        Ok((
            Connection {
                id,
                name,
                settings,
                secret_account,
            },
            change,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{ConnectionView, SANDBOX_ID};

    fn input(kind: ConnectionType) -> ConnectionInput {
        ConnectionInput {
            id: None,
            name: "Prod".into(),
            kind,
            region: Some("eu-west-1".into()),
            endpoint: None,
            profile: None,
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
            secret_access_key: Some(Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            session_token: None,
        }
    }

    #[test]
    fn a_temporary_key_needs_its_session_token_and_keeps_it_with_the_secret() {
        let mut i = input(ConnectionType::AccessKeys);
        i.access_key_id = Some("ASIAIOSFODNN7EXAMPLE".into());
        let e = i.clone().into_connection(None).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("session_token"));
        assert!(e.to_string().contains("session token"), "{e}");
        i.session_token = Some(Secret::new(" FwoGZXIvYXdzEJr//token "));
        let (c, change) = i.into_connection(None).unwrap();
        let SecretChange::Set(entry) = change else {
            panic!("the secret and token are saved")
        };
        let pair = KeyPair::decode(&entry);
        assert_eq!(
            pair.secret_access_key.expose(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
        assert_eq!(
            pair.session_token.unwrap().expose(),
            "FwoGZXIvYXdzEJr//token"
        );
        let stored = serde_json::to_string(&c).unwrap();
        assert!(
            !stored.contains("FwoGZXIvYXdzEJr"),
            "no token in the settings file"
        );

        // A new token without the secret it came with is refused on edit.
        let mut edit = input(ConnectionType::AccessKeys);
        edit.id = Some(c.id.clone());
        edit.access_key_id = None;
        edit.secret_access_key = None;
        edit.session_token = Some(Secret::new("new-token"));
        let e = edit.into_connection(Some(&c)).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("secret_access_key"));
    }

    #[test]
    fn access_keys_need_a_secret_and_keep_it_out_of_the_stored_form() {
        let (c, change) = input(ConnectionType::AccessKeys)
            .into_connection(None)
            .unwrap();
        assert!(matches!(change, SecretChange::Set(_)));
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("wJalrXUtnFEMI"));
        assert!(json.contains("AKIAIOSFODNN7EXAMPLE"));

        let mut no_secret = input(ConnectionType::AccessKeys);
        no_secret.secret_access_key = None;
        let e = no_secret.into_connection(None).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("secret_access_key"));
    }

    #[test]
    fn editing_without_a_new_secret_keeps_the_old_one() {
        let (c, _) = input(ConnectionType::AccessKeys)
            .into_connection(None)
            .unwrap();
        let mut edit = input(ConnectionType::AccessKeys);
        edit.id = Some(c.id.clone());
        edit.name = "Production".into();
        edit.access_key_id = None;
        edit.secret_access_key = None;
        let (c2, change) = edit.into_connection(Some(&c)).unwrap();
        assert_eq!(change, SecretChange::Keep);
        assert_eq!(c2.id, c.id);
        assert_eq!(c2.name, "Production");
        assert_eq!(c2.settings, c.settings);
    }

    #[test]
    fn an_endpoint_is_stored_parsed_and_refused_with_a_query_or_fragment() {
        assert_eq!(
            validate_endpoint(" HTTP://LocalHost:4566/ ").unwrap(),
            "http://localhost:4566"
        );
        assert_eq!(
            validate_endpoint("https://sqs.eu-west-1.amazonaws.com:443/").unwrap(),
            "https://sqs.eu-west-1.amazonaws.com"
        );
        for bad in ["http://localhost:4566/?x=1", "http://localhost:4566/#top"] {
            let e = validate_endpoint(bad).unwrap_err();
            assert!(e.to_string().contains("after ? or #"), "{bad}: {e}");
        }
    }

    #[test]
    fn endpoint_keys_are_optional_but_paired() {
        let mut i = input(ConnectionType::Endpoint);
        i.endpoint = Some("http://localhost:4566/".into());
        i.access_key_id = None;
        i.secret_access_key = None;
        let (c, change) = i.clone().into_connection(None).unwrap();
        assert_eq!(change, SecretChange::Keep);
        assert_eq!(
            c.settings,
            ConnectionSettings::Endpoint {
                url: "http://localhost:4566".into(),
                region: "eu-west-1".into(),
                access_key_id: None
            }
        );
        i.secret_access_key = Some(Secret::new("x"));
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("access_key_id")
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut i = input(ConnectionType::Endpoint);
        i.endpoint = Some("localhost:4566".into());
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("endpoint")
        );
        let mut i = input(ConnectionType::AccessKeys);
        i.region = Some("mars-1".into());
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("region")
        );
        let mut i = input(ConnectionType::AccessKeys);
        i.name = "  ".into();
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("name")
        );
        let mut i = input(ConnectionType::AccessKeys);
        i.access_key_id = Some("short".into());
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("access_key_id")
        );
    }

    #[test]
    fn switching_to_a_profile_drops_the_secret() {
        let (c, _) = input(ConnectionType::AccessKeys)
            .into_connection(None)
            .unwrap();
        let mut edit = input(ConnectionType::Profile);
        edit.id = Some(c.id.clone());
        edit.profile = Some("dev".into());
        edit.region = None;
        let (_, change) = edit.into_connection(Some(&c)).unwrap();
        assert_eq!(change, SecretChange::Remove);
    }

    #[test]
    fn the_sandbox_cannot_be_saved_as_a_connection() {
        let mut i = input(ConnectionType::Sandbox);
        i.endpoint = Some("http://127.0.0.1:9324".into());
        assert_eq!(
            i.into_connection(None)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("kind")
        );
        let v = ConnectionView::sandbox(Some("http://127.0.0.1:9324"));
        assert_eq!(
            (v.id.as_str(), v.kind),
            (SANDBOX_ID, ConnectionType::Sandbox)
        );
    }

    #[test]
    fn view_masks_the_key_id_and_has_no_secret() {
        let (c, _) = input(ConnectionType::AccessKeys)
            .into_connection(None)
            .unwrap();
        let v = ConnectionView::from(&c);
        assert_eq!(v.key_id_masked.as_deref(), Some("AKIA…MPLE"));
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"));
        assert!(!json.contains("wJalrXUtnFEMI"));
    }
}
