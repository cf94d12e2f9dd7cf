//! The token cache the AWS CLI and every SDK share: `~/.aws/sso/cache/<sha1>.json`, its file
//! name rule, the CLI's exact format (what Python's `json.dumps` writes), 0600, replaced
//! atomically.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::sso::SsoConfig;
use crate::CoreError;

/// The token as the AWS CLI writes it to its cache, field for field and in its order. Its `Debug`
/// names which secrets are there, never their values.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    pub start_url: String,
    pub region: String,
    pub access_token: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("CachedToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("access_token", &"***")
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("registration_expires_at", &self.registration_expires_at)
            .field("refresh_token", &hidden(&self.refresh_token))
            .finish()
    }
}

/// A time as the CLI writes it: `2026-12-02T10:11:12Z`.
pub(crate) fn cli_time(secs: i64) -> String {
    DateTime::from_secs(secs)
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

/// `~/.aws/sso/cache`, where the AWS CLI and SDKs keep SSO tokens.
pub fn default_cache_dir() -> Result<PathBuf, CoreError> {
    let home = crate::paths::home_dir()?;
    Ok(home.join(".aws").join("sso").join("cache"))
}

/// The cache file of a profile's sign-in: the SHA-1 of the session name (or start URL), in hex.
pub fn cache_file(cache_dir: &Path, cfg: &SsoConfig) -> PathBuf {
    cache_dir.join(format!(
        "{}.json",
        hex::encode(Sha1::digest(cfg.cache_key().as_bytes()))
    ))
}

/// JSON as Python's `json.dumps` writes it (what the AWS CLI's cache holds): `", "` between
/// members, `": "` after keys, on one line.
struct PythonJson;

impl serde_json::ser::Formatter for PythonJson {
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// The cache file's text for a token.
pub fn cache_text(token: &CachedToken) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonJson);
    token
        .serialize(&mut ser)
        .expect("a token always serializes");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the token where the CLI and SDKs look for it (0600, replaced atomically).
pub fn write_cache(
    cache_dir: &Path,
    cfg: &SsoConfig,
    token: &CachedToken,
) -> Result<(), CoreError> {
    std::fs::create_dir_all(cache_dir).map_err(|e| {
        CoreError::Config(format!("{} could not be created: {e}", cache_dir.display()))
    })?;
    let path = cache_file(cache_dir, cfg);
    crate::atomic_file::replace(&path, |w| w.write_all(cache_text(token).as_bytes())).map_err(|e| {
        CoreError::File(format!(
            "The sign-in could not be saved to {}: {}",
            path.display(),
            crate::atomic_file::describe(&e)
        ))
    })
}

/// The cached token of a profile's sign-in, if there is one that has not expired.
pub fn cached(cache_dir: &Path, cfg: &SsoConfig) -> Option<CachedToken> {
    let text = std::fs::read_to_string(cache_file(cache_dir, cfg)).ok()?;
    let token: CachedToken = serde_json::from_str(&text).ok()?;
    let expires = DateTime::from_str(&token.expires_at, Format::DateTime).ok()?;
    (expires.secs() > DateTime::from(SystemTime::now()).secs()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_text_is_what_json_dumps_writes() {
        let token = CachedToken {
            start_url: "https://corp.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            access_token: "at".into(),
            expires_at: cli_time(1_800_000_000),
            client_id: Some("cid".into()),
            client_secret: Some("cs".into()),
            registration_expires_at: Some(cli_time(1_900_000_000)),
            refresh_token: None,
        };
        assert_eq!(
            cache_text(&token),
            r#"{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "at", "expiresAt": "2027-01-15T08:00:00Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2030-03-17T17:46:40Z"}"#
        );
    }

    #[test]
    fn debug_names_the_secrets_but_never_prints_them() {
        let token = CachedToken {
            start_url: "https://corp.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            access_token: "ACCESS-TOKEN-VALUE".into(),
            expires_at: cli_time(1_800_000_000),
            client_id: Some("cid".into()),
            client_secret: Some("CLIENT-SECRET-VALUE".into()),
            registration_expires_at: None,
            refresh_token: Some("REFRESH-TOKEN-VALUE".into()),
        };
        for shown in [format!("{token:?}"), format!("{token:#?}")] {
            for secret in [
                "ACCESS-TOKEN-VALUE",
                "CLIENT-SECRET-VALUE",
                "REFRESH-TOKEN-VALUE",
            ] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(
                shown.contains("refresh_token: Some(\"***\")") || shown.contains("\"***\""),
                "{shown}"
            );
            assert!(shown.contains("corp.awsapps.com"), "{shown}");
        }
    }
}
