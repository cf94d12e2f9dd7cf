//! Profiles whose role asks for a code from an MFA device (`role_arn` + `mfa_serial`, with
//! `source_profile`): the app asks the user for the code, assumes the role with it (STS
//! AssumeRole with SerialNumber and TokenCode, signed by the source profile's credentials), and
//! keeps the session's credentials in memory only, for as long as STS grants them.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

use crate::client::SqsClient;
use crate::CoreError;

/// What a profile with an MFA role needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaRole {
    pub profile: String,
    pub role_arn: String,
    pub mfa_serial: String,
    pub source_profile: String,
    pub session_name: Option<String>,
    pub duration_s: Option<i32>,
}

async fn role_in(fs: &Fs, env: &Env, profile: &str) -> Option<MfaRole> {
    let set = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None)
        .await
        .ok()?;
    let p = set.get_profile(profile)?;
    Some(MfaRole {
        profile: profile.to_string(),
        role_arn: p.get("role_arn")?.to_string(),
        mfa_serial: p.get("mfa_serial")?.to_string(),
        source_profile: p.get("source_profile")?.to_string(),
        session_name: p.get("role_session_name").map(str::to_string),
        duration_s: p.get("duration_seconds").and_then(|d| d.parse().ok()),
    })
}

/// The MFA role of the user's `profile`, if it has one.
pub async fn role(profile: &str) -> Option<MfaRole> {
    role_in(&Fs::real(), &Env::real(), profile).await
}

/// The error that makes the UI ask for a code.
pub fn code_needed(role: &MfaRole) -> CoreError {
    CoreError::MfaRequired(format!(
        "The profile '{}' assumes a role that asks for a code from your MFA device ({}). Enter the code it shows now.",
        role.profile, role.mfa_serial
    ))
}

/// Checks an MFA code: six digits.
pub fn validate_code(code: &str) -> Result<String, CoreError> {
    let code = code.trim();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code.to_string())
    } else {
        Err(CoreError::field(
            "mfa_code",
            "An MFA code is the 6 digits your device or app shows now.",
        ))
    }
}

/// Assumes the profile's role with the code; the client holds the session's credentials (in
/// memory only). Region and endpoints come from the profile, as for any profile connection.
pub async fn connect(
    role: &MfaRole,
    code: &str,
    region: Option<&str>,
) -> Result<SqsClient, CoreError> {
    let code = validate_code(code)?;
    let load = |profile: &str| {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .profile_name(profile)
            .http_client(crate::proxy::http_client(None));
        if let Some(r) = region {
            loader = loader.region(aws_config::Region::new(r.to_string()));
        }
        loader.load()
    };
    let source = load(&role.source_profile).await;
    let sts = aws_sdk_sts::Client::new(&source);
    let session = role
        .session_name
        .clone()
        .unwrap_or_else(|| format!("sqs-pilot-{}", std::process::id()));
    let answer = sts
        .assume_role()
        .role_arn(&role.role_arn)
        .role_session_name(session)
        .serial_number(&role.mfa_serial)
        .token_code(code)
        .set_duration_seconds(role.duration_s)
        .send()
        .await
        .map_err(|e| match e.as_service_error().map(|s| s.meta().code()) {
            Some(Some("AccessDenied")) => CoreError::field(
                "mfa_code",
                "AWS did not accept the code (it may have changed already): enter the one your device shows now.",
            ),
            _ => CoreError::from_sdk(e, "STS"),
        })?;
    let c = answer.credentials().ok_or_else(|| {
        CoreError::Credentials("STS returned no credentials for the role.".into())
    })?;
    let creds = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        std::time::SystemTime::try_from(*c.expiration()).ok(),
        "sqs-pilot-mfa",
    );
    let profile_cfg = load(&role.profile).await;
    let with_session = profile_cfg
        .to_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .build();
    crate::client::from_sdk_config(&with_session, &role.profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_role_with_mfa_serial_is_found_and_codes_are_six_digits() {
        let fs = Fs::from_slice(&[(
            "/aws/config",
            "[profile base]\nregion = eu-west-1\n[profile admin]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\nduration_seconds = 3600\n[profile plain]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = base\n",
        )]);
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/aws/config"), ("HOME", "/h")]);
        let r = role_in(&fs, &env, "admin").await.unwrap();
        assert_eq!(r.mfa_serial, "arn:aws:iam::1:mfa/me");
        assert_eq!(r.duration_s, Some(3600));
        assert!(role_in(&fs, &env, "plain").await.is_none());
        assert_eq!(validate_code(" 123456 ").unwrap(), "123456");
        for bad in ["12345", "1234567", "12a456", ""] {
            let e = validate_code(bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("mfa_code"));
        }
        assert_eq!(code_needed(&r).kind(), crate::error::ErrorKind::MfaRequired);
    }
}
