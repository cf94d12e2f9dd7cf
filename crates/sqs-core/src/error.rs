//! The core's one error type, its stable `kind` for the UI, and the mapping from SDK errors.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use serde::Serialize;
use ts_rs::TS;

/// Stable categories the UI switches on. Renaming one is a breaking change for the frontend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum ErrorKind {
    /// Bad input; `field` names the form field when there is one.
    Validation,
    /// The queue or connection does not exist.
    NotFound,
    /// The credentials were rejected or lack permission.
    AccessDenied,
    /// Credentials could not be loaded (profile missing, SSO session expired, no key).
    Credentials,
    /// The profile's role asks for a code from an MFA device before it can be used.
    MfaRequired,
    /// The service asked us to slow down.
    Throttled,
    /// The endpoint could not be reached (down, wrong address, no network, timeout).
    Network,
    /// Something answered at the endpoint, but it does not speak SQS.
    NotSqs,
    /// The OS keychain is locked, unavailable or timed out.
    Keychain,
    /// The app's own configuration file could not be read or written.
    Config,
    /// A file the user chose could not be read or written.
    File,
    /// Any other error the service returned.
    Service,
    /// A bug or an unexpected state inside the app.
    Internal,
}

/// What crosses the bridge to the UI: a sentence for people and a kind for code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The core's error. Every message is a sentence a user can act on and never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{message}")]
    Validation {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    AccessDenied { code: String, message: String },
    #[error("{0}")]
    Credentials(String),
    #[error("{0}")]
    MfaRequired(String),
    #[error("{message}")]
    Throttled { code: String, message: String },
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    NotSqs(String),
    #[error("{0}")]
    Keychain(String),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    File(String),
    #[error("{message}")]
    Service { code: String, message: String },
    #[error("{0}")]
    Internal(String),
}

impl From<sqs_rules::FieldError> for CoreError {
    fn from(e: sqs_rules::FieldError) -> Self {
        CoreError::field(e.field, e.message)
    }
}

impl CoreError {
    /// A validation error tied to one form field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        CoreError::Validation {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::Validation { .. } => ErrorKind::Validation,
            CoreError::NotFound(_) => ErrorKind::NotFound,
            CoreError::AccessDenied { .. } => ErrorKind::AccessDenied,
            CoreError::Credentials(_) => ErrorKind::Credentials,
            CoreError::MfaRequired(_) => ErrorKind::MfaRequired,
            CoreError::Throttled { .. } => ErrorKind::Throttled,
            CoreError::Network(_) => ErrorKind::Network,
            CoreError::NotSqs(_) => ErrorKind::NotSqs,
            CoreError::Keychain(_) => ErrorKind::Keychain,
            CoreError::Config(_) => ErrorKind::Config,
            CoreError::File(_) => ErrorKind::File,
            CoreError::Service { .. } => ErrorKind::Service,
            CoreError::Internal(_) => ErrorKind::Internal,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        let (code, field) = match self {
            CoreError::Validation { field, .. } => (None, field.clone()),
            CoreError::AccessDenied { code, .. }
            | CoreError::Throttled { code, .. }
            | CoreError::Service { code, .. } => (Some(code.clone()), None),
            _ => (None, None),
        };
        ErrorPayload {
            kind: self.kind(),
            message: self.to_string(),
            code,
            field,
        }
    }

    /// Maps any SDK error to a sentence; `endpoint` names where we tried to go.
    pub fn from_sdk<E, R>(err: SdkError<E, R>, endpoint: &str) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                match e.code() {
                    Some(code) => from_service_code(code, e.message().unwrap_or("")),
                    // No error code at all: whatever answered does not speak SQS.
                    None => not_sqs(endpoint),
                }
            }
            SdkError::TimeoutError(_) => CoreError::Network(format!(
                "{endpoint} did not answer in time. Check your network connection and the endpoint address, then try again."
            )),
            SdkError::DispatchFailure(df) => {
                if let Some(ce) = df.as_connector_error() {
                    if ce.is_timeout() {
                        return CoreError::Network(format!(
                            "{endpoint} did not answer in time. Check your network connection and the endpoint address, then try again."
                        ));
                    }
                }
                let chain = error_chain(&err);
                if source_of::<CredentialsError>(&err).is_some() {
                    return CoreError::Credentials(credentials_sentence(&err, &chain));
                }
                match source_of::<std::io::Error>(&err) {
                    Some(io) if name_not_found(io) => CoreError::Network(format!(
                        "The address of {endpoint} could not be found. Check the region or endpoint URL and your network connection."
                    )),
                    _ => CoreError::Network(match crate::proxy::proxy_named_for(endpoint) {
                        Some(proxy) => format!(
                            "Could not connect to {endpoint} through {proxy}. Check that the proxy is running and its address is right (Network… in the sidebar), or your network connection."
                        ),
                        None => format!(
                            "Could not connect to {endpoint}. Check that the server is running and the address is right, or your network connection."
                        ),
                    }),
                }
            }
            SdkError::ConstructionFailure(_) => {
                let chain = error_chain(&err);
                if source_of::<CredentialsError>(&err).is_some() {
                    CoreError::Credentials(credentials_sentence(&err, &chain))
                } else {
                    CoreError::Internal(format!("The request could not be built: {chain}"))
                }
            }
            SdkError::ResponseError(_) => not_sqs(endpoint),
            _ => CoreError::Internal(error_chain(&err)),
        }
    }
}

/// Whether an I/O error is the resolver saying a name does not exist. On Unix getaddrinfo has
/// its own codes, which reach us without an OS error number; on Windows they are Winsock's
/// (WSAHOST_NOT_FOUND 11001, WSATRY_AGAIN 11002, WSANO_RECOVERY 11003, WSANO_DATA 11004).
fn name_not_found(io: &std::io::Error) -> bool {
    match io.raw_os_error() {
        None => true,
        Some(code) => cfg!(windows) && (11001..=11004).contains(&code),
    }
}

fn not_sqs(endpoint: &str) -> CoreError {
    CoreError::NotSqs(format!(
        "{endpoint} answered, but not like SQS. Check that the endpoint URL points to an SQS service (for LocalStack usually http://localhost:4566)."
    ))
}

/// What to do when credentials could not be loaded; an SSO profile without a valid sign-in (its
/// access token could not be loaded: a `TokenError` in the chain) is told to sign in.
fn credentials_sentence(err: &(dyn std::error::Error + 'static), chain: &str) -> String {
    if source_of::<aws_credential_types::provider::error::TokenError>(err).is_some() {
        "This profile is not signed in to IAM Identity Center (SSO), or its sign-in has expired. Press Sign in again: your browser opens the company sign-in page (the sign-in is shared with the AWS CLI).".to_string()
    } else {
        format!("The credentials could not be loaded: {chain}. Check the profile or the access keys of this connection.")
    }
}

/// The first error of type `T` in an error's chain of sources: errors are told apart by their
/// types, not by searching their text.
fn source_of<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        cur = e.source();
    }
    None
}

/// The error and its sources on one line, for the rare case no better sentence exists.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut src = err.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        src = s.source();
    }
    out
}

/// Maps an SQS/AWS error code and message to our kinds with a sentence that says what to do.
pub fn from_service_code(code: &str, message: &str) -> CoreError {
    let code_s = code.to_string();
    match code {
        "InvalidClientTokenId" | "UnrecognizedClientException" => CoreError::AccessDenied {
            code: code_s,
            message: "AWS does not know this access key id. Check the key id, or create a new access key in the IAM console.".into(),
        },
        "SignatureDoesNotMatch" | "IncompleteSignature" => CoreError::AccessDenied {
            code: code_s,
            message: "The secret access key does not match the key id. Re-enter the secret access key of this connection.".into(),
        },
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => CoreError::Credentials(
            "The session credentials have expired. Sign in again (an IAM Identity Center profile: press Sign in) and retry.".into(),
        ),
        "AccessDenied" | "AccessDeniedException" | "AuthorizationError" | "KMS.AccessDeniedException" => {
            CoreError::AccessDenied {
                code: code_s,
                message: format!(
                    "These credentials are not allowed to do this{}. Ask your AWS administrator for the SQS permission, or use another connection.",
                    if message.is_empty() { String::new() } else { format!(" ({message})") }
                ),
            }
        }
        "AWS.SimpleQueueService.QueueDeletedRecently" | "QueueDeletedRecently" => CoreError::Service {
            code: code_s,
            message: "SQS does not allow creating a queue within 60 seconds of deleting a queue with the same name. Wait a minute and try again, or pick another name.".into(),
        },
        "AWS.SimpleQueueService.PurgeQueueInProgress" | "PurgeQueueInProgress" => CoreError::Service {
            code: code_s,
            message: "This queue was purged less than 60 seconds ago; SQS allows one purge a minute. The earlier purge is still removing messages.".into(),
        },
        "QueueAlreadyExists" | "QueueNameExists" => CoreError::Validation {
            field: Some("name".into()),
            message: "A queue with this name already exists with different settings. Pick another name, or edit that queue.".into(),
        },
        "AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist" => CoreError::NotFound(
            "The queue does not exist (any more). Refresh the queue list.".into(),
        ),
        "Throttling" | "ThrottlingException" | "RequestThrottled" | "RequestLimitExceeded" => {
            CoreError::Throttled {
                code: code_s,
                message: "AWS is throttling requests from this account. Wait a moment and try again.".into(),
            }
        }
        "OptInRequired" => CoreError::AccessDenied {
            code: code_s,
            message: "This region is not enabled for the account. Enable it in the AWS console or pick another region.".into(),
        },
        _ => CoreError::Service {
            code: code_s,
            message: if message.is_empty() {
                format!("SQS answered with error {code}.")
            } else {
                format!("SQS answered: {message}")
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_keys_map_to_access_denied_with_advice() {
        let e = from_service_code(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
        assert_eq!(e.kind(), ErrorKind::AccessDenied);
        assert!(e.to_string().contains("access key id"));
        let e = from_service_code("SignatureDoesNotMatch", "");
        assert_eq!(e.kind(), ErrorKind::AccessDenied);
        assert!(e.to_string().contains("secret access key"));
    }

    #[test]
    fn missing_queue_and_throttling_have_their_kinds() {
        assert_eq!(
            from_service_code("AWS.SimpleQueueService.NonExistentQueue", "x").kind(),
            ErrorKind::NotFound
        );
        assert_eq!(
            from_service_code("ThrottlingException", "").kind(),
            ErrorKind::Throttled
        );
        assert_eq!(
            from_service_code("OptInRequired", "").kind(),
            ErrorKind::AccessDenied
        );
    }

    #[test]
    fn unknown_codes_keep_the_code_and_service_message() {
        let p = from_service_code(
            "InvalidParameterValue",
            "Value x for parameter y is invalid.",
        )
        .payload();
        assert_eq!(p.kind, ErrorKind::Service);
        assert_eq!(p.code.as_deref(), Some("InvalidParameterValue"));
        assert!(p.message.contains("Value x for parameter y is invalid."));
    }

    #[test]
    fn payload_serializes_with_stable_field_names() {
        let p = CoreError::field("name", "Give the connection a name.").payload();
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["kind"], "Validation");
        assert_eq!(v["field"], "name");
        assert_eq!(v["message"], "Give the connection a name.");
        assert!(v.get("code").is_none());
    }
}
