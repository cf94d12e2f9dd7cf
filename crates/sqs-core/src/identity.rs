//! Who a connection signs in as, on demand: STS GetCallerIdentity with the connection's own
//! credentials (account, ARN, and the role or user it names), the way `aws sts
//! get-caller-identity` answers it.

use serde::Serialize;
use ts_rs::TS;

use crate::client::SqsClient;
use crate::CoreError;

/// The identity behind a connection's credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    /// "role Admin", "user alice", "the account's root user": the ARN in words.
    pub who: String,
}

/// The ARN in words.
pub fn describe(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
    let mut parts = resource.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("assumed-role"), Some(role), Some(session)) => {
            format!("role {role} (session {session})")
        }
        (Some("user"), Some(user), _) => format!("user {user}"),
        (Some("federated-user"), Some(user), _) => format!("federated user {user}"),
        (Some("root"), _, _) => "the account's root user".to_string(),
        _ => resource.to_string(),
    }
}

/// Asks STS who the connection's credentials belong to.
pub async fn identity(client: &SqsClient) -> Result<Identity, CoreError> {
    let sts = client.sts.as_ref().ok_or_else(|| CoreError::Validation {
        field: None,
        message: "This connection signs no requests: it has no AWS identity.".into(),
    })?;
    let r = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    let arn = r.arn().unwrap_or_default().to_string();
    Ok(Identity {
        account: r.account().unwrap_or_default().to_string(),
        who: describe(&arn),
        arn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_in_words() {
        assert_eq!(
            describe("arn:aws:sts::123456789012:assumed-role/Admin/botocore-session-1"),
            "role Admin (session botocore-session-1)"
        );
        assert_eq!(
            describe("arn:aws:iam::123456789012:user/alice"),
            "user alice"
        );
        assert_eq!(
            describe("arn:aws:iam::123456789012:root"),
            "the account's root user"
        );
        assert_eq!(
            describe("arn:aws:sts::123456789012:federated-user/bob"),
            "federated user bob"
        );
    }
}
