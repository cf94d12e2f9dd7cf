//! Turns a stored connection (+ its secret) into an `aws_sdk_sqs::Client`, in one place, with
//! timeouts short enough that a dead endpoint becomes an error in seconds, not minutes.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::config::retry::RetryConfig;
use aws_sdk_sqs::config::timeout::TimeoutConfig;
use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region};

use crate::connection::{Connection, ConnectionSettings, KeyPair, Secret};
use crate::sent_ids::SentIds;
use crate::usage::{RequestCounter, Usage};
use crate::{profiles, CoreError};

/// Credentials sent to a custom endpoint when the connection has none (local servers accept any).
const LOCAL_KEY_ID: &str = "sqs-pilot-local";

/// An SQS client and a short description of where it goes, for error sentences.
#[derive(Clone, Debug)]
pub struct SqsClient {
    pub sdk: aws_sdk_sqs::Client,
    /// "SQS in eu-west-1" or the endpoint URL.
    pub target: String,
    /// The requests this client has sent (shown with their cost).
    pub usage: Arc<Usage>,
    /// FIFO message ids sent recently, to tell a send SQS dropped as a duplicate.
    pub sent: Arc<SentIds>,
    /// STS with the same credentials, region and endpoint: who the connection signs in as.
    pub sts: Option<aws_sdk_sts::Client>,
}

impl SqsClient {
    /// Wraps an SDK client that does not count its requests (tests with mocked responses).
    pub fn uncounted(sdk: aws_sdk_sqs::Client, target: impl Into<String>) -> SqsClient {
        SqsClient {
            sdk,
            target: target.into(),
            usage: Arc::default(),
            sent: Arc::default(),
            sts: None,
        }
    }
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(15))
        .operation_timeout(Duration::from_secs(30))
        .build()
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(2)
}

fn static_client(
    region: &str,
    key_id: &str,
    secret: &str,
    session_token: Option<&str>,
    endpoint: Option<&str>,
    target: String,
) -> SqsClient {
    let usage = Arc::new(Usage::default());
    let credentials = Credentials::new(
        key_id,
        secret,
        session_token.map(str::to_string),
        None,
        "sqs-pilot",
    );
    let http = crate::proxy::http_client(endpoint);
    let mut b = aws_sdk_sqs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials.clone())
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(http.clone())
        .interceptor(RequestCounter(usage.clone()));
    let mut sts = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(region.to_string()))
        .credentials_provider(credentials)
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(http);
    if let Some(url) = endpoint {
        b = b.endpoint_url(url);
        sts = sts.endpoint_url(url);
    }
    SqsClient {
        sdk: aws_sdk_sqs::Client::from_conf(b.build()),
        target,
        usage,
        sent: Arc::default(),
        sts: Some(aws_sdk_sts::Client::from_conf(sts.build())),
    }
}

/// Builds the client for a connection. `secret` is the keychain's entry for it, if any.
pub async fn connect(conn: &Connection, secret: Option<&Secret>) -> Result<SqsClient, CoreError> {
    match &conn.settings {
        ConnectionSettings::AccessKeys {
            region,
            access_key_id,
        } => {
            let secret = secret.ok_or_else(|| {
                CoreError::Credentials(format!(
                    "The secret access key of '{}' is not in the system keychain. Edit the connection and enter it again.",
                    conn.name
                ))
            })?;
            let pair = KeyPair::decode(secret);
            Ok(static_client(
                region,
                access_key_id,
                pair.secret_access_key.expose(),
                pair.session_token.as_ref().map(Secret::expose),
                None,
                format!("SQS in {region}"),
            ))
        }
        ConnectionSettings::Endpoint {
            url,
            region,
            access_key_id,
        } => {
            let pair = secret.map(KeyPair::decode);
            let (key, secret, token) = match (access_key_id, &pair) {
                (Some(k), Some(p)) => (
                    k.as_str(),
                    p.secret_access_key.expose(),
                    p.session_token.as_ref().map(Secret::expose),
                ),
                (Some(_), None) => {
                    return Err(CoreError::Credentials(format!(
                        "The secret access key of '{}' is not in the system keychain. Edit the connection and enter it again.",
                        conn.name
                    )))
                }
                (None, _) => (LOCAL_KEY_ID, LOCAL_KEY_ID, None),
            };
            Ok(static_client(
                region,
                key,
                secret,
                token,
                Some(url),
                url.clone(),
            ))
        }
        ConnectionSettings::Profile { profile, region } => {
            let Some(found) = profiles::find(profile).await else {
                return Err(CoreError::Credentials(format!(
                    "The AWS profile '{profile}' is not in ~/.aws/config or ~/.aws/credentials any more. Add it back, or edit this connection."
                )));
            };
            if found.mfa {
                if let Some(role) = crate::mfa::role(profile).await {
                    // The session is made with the user's code (`mfa::connect`), kept in memory.
                    return Err(crate::mfa::code_needed(&role));
                }
            }
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .profile_name(profile)
                .timeout_config(timeouts())
                .retry_config(retries())
                .http_client(crate::proxy::http_client(None));
            if let Some(r) = region {
                loader = loader.region(Region::new(r.clone()));
            }
            let cfg = loader.load().await;
            // A profile's own `endpoint_url` on this computer (LocalStack, the sandbox) is
            // reached directly, never through a proxy, as a connection's local endpoint is.
            let cfg = match cfg.endpoint_url().filter(|u| crate::proxy::is_local(u)) {
                Some(local) => {
                    let http = crate::proxy::http_client(Some(local));
                    cfg.to_builder().http_client(http).build()
                }
                None => cfg,
            };
            from_sdk_config(&cfg, profile)
        }
    }
}

/// The client for an SDK config loaded from `profile` (its credentials, region and endpoints).
pub fn from_sdk_config(cfg: &aws_config::SdkConfig, profile: &str) -> Result<SqsClient, CoreError> {
    let region = cfg.region().map(|r| r.to_string()).ok_or_else(|| {
        CoreError::field(
            "region",
            format!("The profile '{profile}' sets no region. Pick a region for this connection."),
        )
    })?;
    let usage = Arc::new(Usage::default());
    let conf = aws_sdk_sqs::config::Builder::from(cfg)
        .interceptor(RequestCounter(usage.clone()))
        .build();
    Ok(SqsClient {
        sdk: aws_sdk_sqs::Client::from_conf(conf),
        target: format!("SQS in {region}"),
        usage,
        sent: Arc::default(),
        sts: Some(aws_sdk_sts::Client::new(cfg)),
    })
}

/// A keyless client for a local SQS-compatible endpoint (the sandbox, moto in tests).
pub async fn connect_local(url: &str) -> Result<SqsClient, CoreError> {
    let conn = Connection {
        id: "local".into(),
        name: url.into(),
        settings: ConnectionSettings::Endpoint {
            url: url.into(),
            region: "us-east-1".into(),
            access_key_id: None,
        },
        secret_account: None,
    };
    connect(&conn, None).await
}
