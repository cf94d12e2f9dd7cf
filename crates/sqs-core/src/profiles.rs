//! The named AWS profiles a user has, as the AWS SDK reads them (aws-config's own profile loader:
//! ~/.aws/config and ~/.aws/credentials, or the files AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
//! name), for the profile picker. The same loader then signs requests, so the two never disagree.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;
use ts_rs::TS;

/// One profile as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AwsProfile {
    pub name: String,
    /// The profile's own region, if it sets one.
    pub region: Option<String>,
    /// Signs in through IAM Identity Center (SSO).
    pub sso: bool,
    /// Assumes this role (with the credentials of `source_profile` or `credential_source`).
    pub role_arn: Option<String>,
    /// Assuming the role asks for a code from an MFA device.
    pub mfa: bool,
}

/// Every profile in the AWS files `fs` and `env` name, sorted by name. Missing or unreadable
/// files give no profiles.
async fn list_in(fs: &Fs, env: &Env) -> Vec<AwsProfile> {
    let Ok(set) = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None).await else {
        return Vec::new();
    };
    let mut all: Vec<AwsProfile> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|p| AwsProfile {
            name: p.name().to_string(),
            region: p.get("region").map(str::to_string),
            sso: p.get("sso_session").is_some() || p.get("sso_start_url").is_some(),
            role_arn: p.get("role_arn").map(str::to_string),
            mfa: p.get("mfa_serial").is_some(),
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// Every profile in the user's AWS files, sorted by name.
pub async fn list_profiles() -> Vec<AwsProfile> {
    list_in(&Fs::real(), &Env::real()).await
}

/// The profile with this name, if the user's AWS files have it.
pub async fn find(name: &str) -> Option<AwsProfile> {
    list_profiles().await.into_iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_profiles_from_both_files_as_the_sdk_does() {
        let fs = Fs::from_slice(&[
            (
                "/aws/config",
                "[default]\nregion = eu-west-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 1\n\n[sso-session corp]\nsso_start_url = https://x\n# [profile commented]\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
            ),
            (
                "/aws/credentials",
                "[ci]\naws_access_key_id = AKIA\naws_secret_access_key = s\n[default]\naws_secret_access_key = s\n",
            ),
        ]);
        let env = Env::from_slice(&[
            ("AWS_CONFIG_FILE", "/aws/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/aws/credentials"),
        ]);
        let all = list_in(&fs, &env).await;
        let names: Vec<_> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["admin", "ci", "default", "dev"]);
        let by = |n: &str| all.iter().find(|p| p.name == n).unwrap().clone();
        assert_eq!(by("default").region.as_deref(), Some("eu-west-1"));
        assert!(by("dev").sso);
        assert!(!by("ci").sso);
        assert_eq!(
            by("admin").role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/Admin")
        );
        assert!(by("admin").mfa && !by("default").mfa);
    }

    #[tokio::test]
    async fn no_files_no_profiles() {
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/nope"), ("HOME", "/nowhere")]);
        assert!(list_in(&Fs::from_slice(&[]), &env).await.is_empty());
    }
}
