//! After an SSO sign-in with no profile yet: the accounts and roles the access portal offers
//! (ListAccounts, ListAccountRoles) and the profile written to the AWS config file, after a
//! backup, never over an existing one. What the file already holds is read by aws-config's own
//! parser (so `[profile  corp] ; note` is the profile `corp`, as the CLI reads it); the file is
//! rewritten where it really is (a symlinked config stays a symlink).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_smithy_types::DateTime;
use aws_types::os_shim_internal::{Env, Fs};
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

/// `~/…` as the CLI reads it in AWS_CONFIG_FILE: under the home folder.
fn expand_home(p: &str, home: &Path) -> PathBuf {
    match p.strip_prefix("~/").or_else(|| p.strip_prefix("~\\")) {
        Some(rest) => home.join(rest),
        None if p == "~" => home.to_path_buf(),
        None => PathBuf::from(p),
    }
}

/// The AWS config file the CLI and SDKs read (AWS_CONFIG_FILE, `~` expanded, else
/// ~/.aws/config).
pub fn config_path() -> Result<PathBuf, CoreError> {
    if let Some(p) = std::env::var("AWS_CONFIG_FILE")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(expand_home(&p, &crate::paths::home_dir()?));
    }
    Ok(crate::paths::home_dir()?.join(".aws").join("config"))
}

/// What the AWS files already name, as the SDK and the CLI read them: profiles (of the config
/// file at `path` and of the shared credentials file, which the SDK merges into the same
/// profiles) and sso-sessions with their start URL.
struct Existing {
    profiles: HashSet<String>,
    sessions: HashMap<String, Option<String>>,
}

async fn existing(path: &Path) -> Result<Existing, CoreError> {
    let mut vars: HashMap<String, String> = ["HOME", "USERPROFILE", "AWS_SHARED_CREDENTIALS_FILE"]
        .iter()
        .filter_map(|k| Some((k.to_string(), std::env::var(k).ok()?)))
        .collect();
    vars.insert(
        "AWS_CONFIG_FILE".into(),
        path.to_string_lossy().into_owned(),
    );
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::from(vars),
        &EnvConfigFiles::default(),
        None,
    )
    .await
    .map_err(|e| {
        CoreError::File(format!(
            "{} cannot be read as the AWS CLI reads it ({e}): fix it first, so nothing is added to a file the CLI refuses.",
            path.display()
        ))
    })?;
    Ok(Existing {
        profiles: set.profiles().map(str::to_string).collect(),
        sessions: set
            .sso_sessions()
            .map(|s| {
                let url = set
                    .sso_session(s)
                    .and_then(|x| x.get("sso_start_url"))
                    .map(|u| u.trim_end_matches('/').to_string());
                (s.to_string(), url)
            })
            .collect(),
    })
}

/// Whether a profile `name` (with an sso-session of the same name for `start_url`) can be added:
/// not `default` (what every tool uses when no profile is named), not a profile the files
/// already have, not an sso-session of that name for another portal (the two would share one
/// session and one token). Returns whether the sso-session is already there for this portal.
fn may_add(
    found: &Existing,
    path: &Path,
    name: &str,
    start_url: Option<&str>,
) -> Result<bool, CoreError> {
    let refuse = |m: String| Err(CoreError::field("profile_name", m));
    if name.eq_ignore_ascii_case("default") {
        return refuse("'default' is the profile every AWS tool uses when none is named: pick another name, so yours is not replaced.".into());
    }
    if found.profiles.contains(name) {
        return refuse(format!(
            "{} already has a profile '{name}': pick another name, or use that profile.",
            path.display()
        ));
    }
    match (found.sessions.get(name), start_url) {
        (None, _) => Ok(false),
        (Some(Some(url)), Some(want)) if url == want.trim_end_matches('/') => Ok(true),
        (Some(url), _) => refuse(format!(
            "{} already has an sso-session '{name}'{}: the new profile would share its sign-in. Pick another name.",
            path.display(),
            url.as_deref()
                .map(|u| format!(" for another portal ({u})"))
                .unwrap_or_default()
        )),
    }
}

/// Whether the AWS config file at `path` can take a profile `name` for the portal at
/// `start_url` (a missing file can): checked before a sign-in for a new profile starts, and
/// again when it is written.
pub async fn profile_name_free(path: &Path, name: &str, start_url: &str) -> Result<(), CoreError> {
    let found = existing(path).await?;
    may_add(&found, path, name.trim(), Some(start_url)).map(|_| ())
}

/// A name for a copy of `path` that no file has yet: `config.sqs-pilot-backup-SECS`, then
/// `-2`, `-3`… (two saves in one second must not overwrite the first copy).
fn backup_name(path: &Path) -> PathBuf {
    let secs = DateTime::from(SystemTime::now()).secs();
    let first = path.with_extension(format!("sqs-pilot-backup-{secs}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| path.with_extension(format!("sqs-pilot-backup-{secs}-{n}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Adds `[profile NAME]` and its `[sso-session NAME]` to the AWS config file (the CLI and every
/// SDK then have it too), after copying the file aside. Returns the copy's path, if there was a
/// file. An existing profile of that name is never changed.
pub async fn write_profile(
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
    // A symlinked config (dotfiles) is written where it points, and stays a symlink.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            CoreError::File(format!(
                "{} points to a file that cannot be found: {}",
                path.display(),
                crate::atomic_file::describe(&e)
            ))
        })?,
        _ => path.to_path_buf(),
    };
    let old = match std::fs::read_to_string(&target) {
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
    let session_there = may_add(&existing(path).await?, path, name, Some(&cfg.start_url))?;
    let mut add = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        add.push('\n');
    }
    add.push_str(&format!(
        "\n[profile {name}]\nsso_session = {name}\nsso_account_id = {}\nsso_role_name = {}\nregion = {}\n",
        p.account_id, p.role_name, p.region
    ));
    if !session_there {
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
            let copy = backup_name(path);
            crate::atomic_file::replace(&copy, |w| w.write_all(before.as_bytes()))
                .map_err(file_error)?;
            Some(copy)
        }
        None => {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            None
        }
    };
    crate::atomic_file::replace(&target, |w| {
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
    fn home_is_expanded_in_aws_config_file() {
        let home = Path::new("/home/ann");
        assert_eq!(expand_home("~/aws/cfg", home), home.join("aws/cfg"));
        assert_eq!(expand_home("/etc/aws", home), PathBuf::from("/etc/aws"));
        assert_eq!(expand_home("~bob/x", home), PathBuf::from("~bob/x"));
    }

    #[tokio::test]
    async fn a_new_profile_is_added_after_a_backup_and_never_over_another() {
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
            .await
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
        let again = write_profile(&path, &cfg, &p).await.unwrap_err();
        assert_eq!(again.payload().field.as_deref(), Some("profile_name"));
        let sneaky = NewProfile {
            role_name: "Admin\n[profile evil]".into(),
            ..p.clone()
        };
        assert!(write_profile(&path, &cfg, &sneaky).await.is_err());
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
