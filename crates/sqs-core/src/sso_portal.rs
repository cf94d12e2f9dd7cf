//! After an SSO sign-in with no profile yet: the accounts and roles the access portal offers
//! (ListAccounts, ListAccountRoles) and the profile written to the AWS config file, after a
//! backup, never over an existing one.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_smithy_types::DateTime;
use serde::Serialize;
use ts_rs::TS;

use crate::sso::{cached, sdk_config, SsoConfig, ACCOUNT_SCOPE};
use crate::CoreError;

/// An account the signed-in user may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SsoAccount {
    pub id: String,
    pub name: String,
    pub email: String,
}

async fn portal(cfg: &SsoConfig) -> aws_sdk_sso::Client {
    aws_sdk_sso::Client::new(&sdk_config(cfg).await)
}

fn token_of(cache_dir: &Path, cfg: &SsoConfig) -> Result<String, CoreError> {
    cached(cache_dir, cfg)
        .map(|t| t.access_token)
        .ok_or_else(|| CoreError::Credentials("The sign-in has expired: sign in again.".into()))
}

/// The accounts the signed-in user may use (ListAccounts, every page).
pub async fn accounts(cache_dir: &Path, cfg: &SsoConfig) -> Result<Vec<SsoAccount>, CoreError> {
    let token = token_of(cache_dir, cfg)?;
    let found = portal(cfg)
        .await
        .list_accounts()
        .access_token(token)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| CoreError::from_sdk(e, "IAM Identity Center"))?;
    Ok(found
        .into_iter()
        .map(|a| SsoAccount {
            id: a.account_id().unwrap_or_default().to_string(),
            name: a.account_name().unwrap_or_default().to_string(),
            email: a.email_address().unwrap_or_default().to_string(),
        })
        .collect())
}

/// The roles the user may take in an account (ListAccountRoles, every page).
pub async fn roles(
    cache_dir: &Path,
    cfg: &SsoConfig,
    account_id: &str,
) -> Result<Vec<String>, CoreError> {
    let token = token_of(cache_dir, cfg)?;
    let found = portal(cfg)
        .await
        .list_account_roles()
        .access_token(token)
        .account_id(account_id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| CoreError::from_sdk(e, "IAM Identity Center"))?;
    Ok(found
        .into_iter()
        .map(|r| r.role_name().unwrap_or_default().to_string())
        .collect())
}

/// The profile the user chose, as `~/.aws/config` will hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub account_id: String,
    pub role_name: String,
    /// The region SQS is used in.
    pub region: String,
}

/// The AWS config file the CLI and SDKs read (AWS_CONFIG_FILE, else ~/.aws/config).
pub fn config_path() -> Result<PathBuf, CoreError> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let home = directories::BaseDirs::new()
        .map(|b| b.home_dir().to_path_buf())
        .ok_or_else(|| CoreError::Config("The home folder could not be found.".into()))?;
    Ok(home.join(".aws").join("config"))
}

fn has_section(text: &str, header: &str) -> bool {
    text.lines().any(|l| l.trim() == header)
}

fn name_is_free(text: &str, path: &Path, name: &str) -> Result<(), CoreError> {
    if has_section(text, &format!("[profile {name}]")) {
        return Err(CoreError::field(
            "profile_name",
            format!(
                "{} already has a profile '{name}': pick another name, or use that profile.",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Whether the AWS config file at `path` has no profile `name` yet (a missing file has none):
/// checked before a sign-in for a new profile starts, and again when it is written.
pub fn profile_name_free(path: &Path, name: &str) -> Result<(), CoreError> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    name_is_free(&text, path, name.trim())
}

/// Adds `[profile NAME]` and its `[sso-session NAME]` to the AWS config file (the CLI and every
/// SDK then have it too), after copying the file aside. Returns the copy's path, if there was a
/// file. An existing profile of that name is never changed.
pub fn write_profile(
    path: &Path,
    cfg: &SsoConfig,
    p: &NewProfile,
) -> Result<Option<PathBuf>, CoreError> {
    let name = cfg.session_name.as_deref().unwrap_or_default();
    // What goes into the file is checked, so nothing the portal sends can add a line to it.
    let role_ok = !p.role_name.is_empty()
        && p.role_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if p.account_id.len() != 12 || !p.account_id.chars().all(|c| c.is_ascii_digit()) || !role_ok {
        return Err(CoreError::Validation {
            field: None,
            message: "IAM Identity Center named an account or role that cannot be written to the AWS config file.".into(),
        });
    }
    crate::regions::validate_aws_region(&p.region)?;
    let old = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(CoreError::File(format!(
                "{} could not be read: {}",
                path.display(),
                crate::atomic_file::describe(&e)
            )))
        }
    };
    let text = old.clone().unwrap_or_default();
    name_is_free(&text, path, name)?;
    let mut add = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        add.push('\n');
    }
    add.push_str(&format!(
        "\n[profile {name}]\nsso_session = {name}\nsso_account_id = {}\nsso_role_name = {}\nregion = {}\n",
        p.account_id, p.role_name, p.region
    ));
    if !has_section(&text, &format!("[sso-session {name}]")) {
        add.push_str(&format!(
            "\n[sso-session {name}]\nsso_start_url = {}\nsso_region = {}\nsso_registration_scopes = {ACCOUNT_SCOPE}\n",
            cfg.start_url, cfg.region
        ));
    }
    let file_error = |e: std::io::Error| {
        CoreError::File(format!(
            "{} could not be written: {}",
            path.display(),
            crate::atomic_file::describe(&e)
        ))
    };
    let backup = match &old {
        Some(before) => {
            let secs = DateTime::from(SystemTime::now()).secs();
            let copy = path.with_extension(format!("sqs-pilot-backup-{secs}"));
            crate::atomic_file::replace(&copy, |w| w.write_all(before.as_bytes()))
                .map_err(file_error)?;
            Some(copy)
        }
        None => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            None
        }
    };
    crate::atomic_file::replace(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(add.as_bytes())
    })
    .map_err(file_error)?;
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sso::new_session;

    #[test]
    fn a_new_profile_is_added_after_a_backup_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "[profile keep]\nregion = eu-west-1").unwrap();
        let cfg = new_session("https://corp.awsapps.com/start/", "us-east-1", "corp").unwrap();
        let p = NewProfile {
            account_id: "111122223333".into(),
            role_name: "QueueAdmin".into(),
            region: "eu-west-1".into(),
        };
        let backup = write_profile(&path, &cfg, &p)
            .unwrap()
            .expect("a copy of the old file");
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            "[profile keep]\nregion = eu-west-1"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "[profile keep]\nregion = eu-west-1\n\n[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = QueueAdmin\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        );
        let again = write_profile(&path, &cfg, &p).unwrap_err();
        assert_eq!(again.payload().field.as_deref(), Some("profile_name"));
        let sneaky = NewProfile {
            role_name: "Admin\n[profile evil]".into(),
            ..p.clone()
        };
        assert!(write_profile(&path, &cfg, &sneaky).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "unchanged");
        for (url, region, name, field) in [
            (
                "http://corp.awsapps.com/start",
                "us-east-1",
                "corp",
                "start_url",
            ),
            (
                "https://corp.awsapps.com/start",
                "moon",
                "corp",
                "sso_region",
            ),
            (
                "https://corp.awsapps.com/start",
                "us-east-1",
                "my corp",
                "profile_name",
            ),
        ] {
            let e = new_session(url, region, name).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some(field));
        }
    }
}
