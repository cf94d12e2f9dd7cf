//! Signing in to IAM Identity Center (SSO) inside the app, the way the AWS Toolkits do: the OIDC
//! device authorization (RegisterClient, StartDeviceAuthorization, CreateToken polled at the
//! interval AWS gives, slower on `slow_down`), the user approving in their browser, and the token
//! written to the cache the AWS CLI and every SDK read (`~/.aws/sso/cache/<sha1>.json`, the same
//! name rule and format), so signing in here signs in the CLI too, and the other way round.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_sdk_ssooidc::error::ProvideErrorMetadata;
use aws_smithy_types::DateTime;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;
use ts_rs::TS;

use crate::CoreError;

use crate::sso_cache::cli_time;
pub use crate::sso_cache::{
    cache_file, cache_text, cached, default_cache_dir, write_cache, CachedToken,
};
pub use crate::sso_portal::{
    accounts, config_path, profile_name_free, roles, write_profile, NewProfile, SsoAccount,
};

/// The scope that lets a token list accounts and roles and get role credentials.
pub(crate) const ACCOUNT_SCOPE: &str = "sso:account:access";
/// What the app calls itself when it registers with IAM Identity Center.
const CLIENT_NAME: &str = "sqs-pilot";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Where a profile signs in: its sso-session (or the legacy keys in the profile itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConfig {
    /// The profile signing in; empty while a new one is being set up from a start URL.
    pub profile: String,
    pub start_url: String,
    pub region: String,
    /// The `[sso-session NAME]` the profile uses; none for a legacy profile.
    pub session_name: Option<String>,
    pub scopes: Vec<String>,
}

impl SsoConfig {
    /// The cache file's key: the session name, or the start URL for a legacy profile (the AWS
    /// CLI's rule).
    pub(crate) fn cache_key(&self) -> &str {
        self.session_name.as_deref().unwrap_or(&self.start_url)
    }
}

/// The SSO settings of `profile` in the files `fs`/`env` name.
async fn config_in(fs: &Fs, env: &Env, profile: &str) -> Result<SsoConfig, CoreError> {
    let set = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None)
        .await
        .map_err(|e| CoreError::Config(format!("The AWS config files could not be read: {e}")))?;
    let p = set.get_profile(profile).ok_or_else(|| {
        CoreError::Credentials(format!(
            "The AWS profile '{profile}' is not in ~/.aws/config any more."
        ))
    })?;
    let not_sso = || {
        CoreError::Credentials(format!(
            "The profile '{profile}' does not sign in with IAM Identity Center (it has no sso_session or sso_start_url)."
        ))
    };
    if let Some(name) = p.get("sso_session") {
        let s = set.sso_session(name).ok_or_else(|| {
            CoreError::Config(format!(
                "The profile '{profile}' names the sso-session '{name}', which ~/.aws/config does not have."
            ))
        })?;
        let field = |k: &str| {
            s.get(k).map(str::to_string).ok_or_else(|| {
                CoreError::Config(format!(
                    "The sso-session '{name}' in ~/.aws/config has no {k}."
                ))
            })
        };
        let scopes = s
            .get("sso_registration_scopes")
            .map(|v| {
                v.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_else(|| vec![ACCOUNT_SCOPE.to_string()]);
        return Ok(SsoConfig {
            profile: profile.to_string(),
            start_url: field("sso_start_url")?,
            region: field("sso_region")?,
            session_name: Some(name.to_string()),
            scopes,
        });
    }
    match (p.get("sso_start_url"), p.get("sso_region")) {
        (Some(url), Some(region)) => Ok(SsoConfig {
            profile: profile.to_string(),
            start_url: url.to_string(),
            region: region.to_string(),
            session_name: None,
            scopes: Vec::new(),
        }),
        _ => Err(not_sso()),
    }
}

/// The SSO settings of the user's `profile`.
pub async fn config(profile: &str) -> Result<SsoConfig, CoreError> {
    config_in(&Fs::real(), &Env::real(), profile).await
}

/// What the user must do: open the page and check the code.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeviceAuthorization {
    /// The page to open (with the code filled in).
    pub verification_uri: String,
    /// The code the page shows, to compare.
    pub user_code: String,
    /// Seconds the user has to approve.
    pub expires_in_s: u32,
}

/// A sign-in waiting for the user's approval. Its `Debug` hides the client secret and the
/// device code.
pub struct PendingSignIn {
    config: SsoConfig,
    client: aws_sdk_ssooidc::Client,
    client_id: String,
    client_secret: String,
    registration_expires_at: i64,
    device_code: String,
    interval: Duration,
    deadline: SystemTime,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("config", &self.config)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("registration_expires_at", &self.registration_expires_at)
            .field("device_code", &"***")
            .field("interval", &self.interval)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// An OIDC client for the profile's SSO region, honouring the profile's and the environment's
/// endpoint settings (`services`, `AWS_ENDPOINT_URL_SSO_OIDC`) and the app's proxy.
pub(crate) async fn sdk_config(cfg: &SsoConfig) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(cfg.region.clone()))
        .no_credentials()
        .http_client(crate::proxy::http_client(None));
    if !cfg.profile.is_empty() {
        loader = loader.profile_name(&cfg.profile);
    }
    loader.load().await
}

async fn oidc_client(cfg: &SsoConfig) -> aws_sdk_ssooidc::Client {
    aws_sdk_ssooidc::Client::new(&sdk_config(cfg).await)
}

fn sso_error<E: ProvideErrorMetadata + std::fmt::Debug>(what: &str, e: &E) -> CoreError {
    CoreError::Credentials(format!(
        "IAM Identity Center refused {what}: {}.",
        e.message().or(e.code()).unwrap_or("no reason given")
    ))
}

fn network_error<E, R>(what: &str, e: aws_sdk_ssooidc::error::SdkError<E, R>) -> CoreError
where
    E: ProvideErrorMetadata + std::error::Error + std::fmt::Debug + 'static,
    R: std::fmt::Debug + 'static,
{
    match e.as_service_error() {
        Some(se) => sso_error(what, se),
        None => {
            tracing::warn!(
                "IAM Identity Center unreachable: {}",
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            );
            CoreError::Network(format!(
                "IAM Identity Center could not be reached {what}. Check the network (and the proxy under Network)."
            ))
        }
    }
}

/// Registers the app and starts a device authorization: show the user the code and open the
/// page, then `finish` waits for their approval.
pub async fn start(cfg: &SsoConfig) -> Result<(PendingSignIn, DeviceAuthorization), CoreError> {
    let client = oidc_client(cfg).await;
    let mut reg = client
        .register_client()
        .client_name(CLIENT_NAME)
        .client_type("public");
    for s in &cfg.scopes {
        reg = reg.scopes(s);
    }
    let reg = reg
        .send()
        .await
        .map_err(|e| network_error("to register the app", e))?;
    let (client_id, client_secret) = (
        reg.client_id().unwrap_or_default().to_string(),
        reg.client_secret().unwrap_or_default().to_string(),
    );
    let auth = client
        .start_device_authorization()
        .client_id(&client_id)
        .client_secret(&client_secret)
        .start_url(&cfg.start_url)
        .send()
        .await
        .map_err(|e| network_error("to start the sign-in", e))?;
    let expires_in = auth.expires_in().max(1) as u64;
    let shown = DeviceAuthorization {
        verification_uri: auth
            .verification_uri_complete()
            .or(auth.verification_uri())
            .unwrap_or_default()
            .to_string(),
        user_code: auth.user_code().unwrap_or_default().to_string(),
        expires_in_s: expires_in as u32,
    };
    if !shown.verification_uri.starts_with("https://") {
        return Err(CoreError::Credentials(
            "IAM Identity Center answered with a sign-in page that is not https; it was not opened."
                .into(),
        ));
    }
    Ok((
        PendingSignIn {
            config: cfg.clone(),
            client,
            client_id,
            client_secret,
            registration_expires_at: reg.client_secret_expires_at(),
            device_code: auth.device_code().unwrap_or_default().to_string(),
            interval: Duration::from_secs(auth.interval().max(1) as u64),
            deadline: SystemTime::now() + Duration::from_secs(expires_in),
        },
        shown,
    ))
}

/// Waits for the user's approval (polling CreateToken at AWS's interval, five seconds slower on
/// each `slow_down`), then writes the token to the shared cache. `cancelled` stops the wait
/// (then the answer is `None`).
pub async fn finish(
    pending: PendingSignIn,
    cancelled: &AtomicBool,
    cache_dir: &Path,
) -> Result<Option<CachedToken>, CoreError> {
    let mut interval = pending.interval;
    loop {
        if cancelled.load(Ordering::SeqCst) {
            return Ok(None);
        }
        if SystemTime::now() > pending.deadline {
            return Err(expired());
        }
        tokio::time::sleep(interval).await;
        if cancelled.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let answer = pending
            .client
            .create_token()
            .client_id(&pending.client_id)
            .client_secret(&pending.client_secret)
            .grant_type(DEVICE_GRANT)
            .device_code(&pending.device_code)
            .send()
            .await;
        match answer {
            Ok(t) => {
                let now = DateTime::from(SystemTime::now()).secs();
                let token = CachedToken {
                    start_url: pending.config.start_url.clone(),
                    region: pending.config.region.clone(),
                    access_token: t.access_token().unwrap_or_default().to_string(),
                    expires_at: cli_time(now + i64::from(t.expires_in())),
                    client_id: Some(pending.client_id.clone()),
                    client_secret: Some(pending.client_secret.clone()),
                    registration_expires_at: Some(cli_time(pending.registration_expires_at)),
                    refresh_token: t.refresh_token().map(str::to_string),
                };
                write_cache(cache_dir, &pending.config, &token)?;
                return Ok(Some(token));
            }
            Err(e) => {
                let Some(se) = e.as_service_error() else {
                    return Err(network_error("to finish the sign-in", e));
                };
                match se.code() {
                    Some("AuthorizationPendingException" | "authorization_pending") => {}
                    Some("SlowDownException" | "slow_down") => interval += Duration::from_secs(5),
                    Some("ExpiredTokenException" | "expired_token") => return Err(expired()),
                    Some("AccessDeniedException" | "access_denied") => {
                        return Err(CoreError::Credentials(
                            "The sign-in was denied in the browser.".into(),
                        ))
                    }
                    _ => return Err(sso_error("the sign-in", se)),
                }
            }
        }
    }
}

fn expired() -> CoreError {
    CoreError::Credentials(
        "The sign-in code expired before it was approved. Sign in again for a new code.".into(),
    )
}

/// A sign-in for a profile that does not exist yet: the user gave the start URL, the SSO region
/// and the name the profile and its sso-session will have.
pub fn new_session(start_url: &str, region: &str, name: &str) -> Result<SsoConfig, CoreError> {
    let url = url::Url::parse(start_url.trim())
        .ok()
        .filter(|u| u.scheme() == "https" && u.host_str().is_some())
        .ok_or_else(|| {
            CoreError::field(
                "start_url",
                "Enter your AWS access portal URL, like https://my-company.awsapps.com/start.",
            )
        })?;
    if !crate::regions::is_region_id(region.trim()) {
        return Err(CoreError::field(
            "sso_region",
            "Enter the region of your IAM Identity Center, like us-east-1 (your administrator knows it).",
        ));
    }
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(CoreError::field(
            "profile_name",
            "Name the profile with letters, digits, '-' and '_', like my-company.",
        ));
    }
    Ok(SsoConfig {
        profile: String::new(),
        start_url: url.as_str().trim_end_matches('/').to_string(),
        region: region.trim().to_string(),
        session_name: Some(name.to_string()),
        scopes: vec![ACCOUNT_SCOPE.to_string()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::{Digest, Sha1};

    #[tokio::test]
    async fn profiles_name_their_sso_session_or_carry_legacy_keys() {
        let fs = Fs::from_slice(&[(
            "/aws/config",
            "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n\n[profile keys]\nregion = us-east-1\n",
        )]);
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/aws/config"), ("HOME", "/home/u")]);
        let dev = config_in(&fs, &env, "dev").await.unwrap();
        assert_eq!(dev.session_name.as_deref(), Some("corp"));
        assert_eq!(dev.region, "eu-west-1");
        assert_eq!(dev.scopes, ["sso:account:access"]);
        let old = config_in(&fs, &env, "old").await.unwrap();
        assert_eq!(old.session_name, None);
        assert_eq!(old.cache_key(), "https://old.awsapps.com/start");
        let e = config_in(&fs, &env, "keys").await.unwrap_err();
        assert!(e
            .to_string()
            .contains("does not sign in with IAM Identity Center"));
        // The CLI's file name: sha1 of the session name.
        assert_eq!(
            cache_file(Path::new("/c"), &dev),
            Path::new("/c").join(format!("{}.json", hex::encode(Sha1::digest(b"corp"))))
        );
    }

    #[test]
    fn a_pending_sign_in_prints_no_client_secret_and_no_device_code() {
        let client = aws_sdk_ssooidc::Client::from_conf(
            aws_sdk_ssooidc::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-1"))
                .build(),
        );
        let pending = PendingSignIn {
            config: SsoConfig {
                profile: "dev".into(),
                start_url: "https://corp.awsapps.com/start".into(),
                region: "eu-west-1".into(),
                session_name: Some("corp".into()),
                scopes: vec![],
            },
            client,
            client_id: "cid".into(),
            client_secret: "CLIENT-SECRET-VALUE".into(),
            registration_expires_at: 0,
            device_code: "DEVICE-CODE-VALUE".into(),
            interval: Duration::from_secs(5),
            deadline: SystemTime::UNIX_EPOCH,
        };
        let shown = format!("{pending:?} {pending:#?}");
        assert!(!shown.contains("CLIENT-SECRET-VALUE"), "{shown}");
        assert!(!shown.contains("DEVICE-CODE-VALUE"), "{shown}");
        assert!(shown.contains("corp.awsapps.com"), "{shown}");
    }
}
