//! The named AWS profiles a user has, read from ~/.aws/config and ~/.aws/credentials (or the
//! files AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name), for the profile picker.

use std::collections::BTreeMap;
use std::path::PathBuf;

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
}

fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

fn file_from_env(var: &str, default: &str) -> Option<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => Some(PathBuf::from(v)),
        None => home().map(|h| h.join(".aws").join(default)),
    }
}

/// Parses one INI-style AWS file. In the config file sections are `[profile NAME]` (and
/// `[default]`); in the credentials file they are `[NAME]`.
fn parse(text: &str, is_config: bool, into: &mut BTreeMap<String, AwsProfile>) {
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            current = if !is_config {
                Some(section.to_string())
            } else if section == "default" {
                Some("default".to_string())
            } else {
                section
                    .strip_prefix("profile")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| rest.trim().to_string())
            };
            if let Some(name) = &current {
                into.entry(name.clone()).or_insert_with(|| AwsProfile {
                    name: name.clone(),
                    region: None,
                    sso: false,
                });
            }
            continue;
        }
        let (Some(name), Some((key, value))) = (&current, line.split_once('=')) else {
            continue;
        };
        let Some(p) = into.get_mut(name) else {
            continue;
        };
        match key.trim() {
            "region" => p.region = Some(value.trim().to_string()),
            "sso_start_url" | "sso_session" => p.sso = true,
            _ => {}
        }
    }
}

/// Every profile in the user's AWS files, sorted by name. Missing files give no profiles.
pub fn list_profiles() -> Vec<AwsProfile> {
    let mut all = BTreeMap::new();
    if let Some(p) = file_from_env("AWS_CONFIG_FILE", "config") {
        if let Ok(t) = std::fs::read_to_string(p) {
            parse(&t, true, &mut all);
        }
    }
    if let Some(p) = file_from_env("AWS_SHARED_CREDENTIALS_FILE", "credentials") {
        if let Ok(t) = std::fs::read_to_string(p) {
            parse(&t, false, &mut all);
        }
    }
    all.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_from_both_files_with_sso_and_regions() {
        let mut all = BTreeMap::new();
        parse(
            "[default]\nregion = eu-west-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 1\n\n[sso-session corp]\nsso_start_url = https://x\n# [profile commented]\n[profilex]\n",
            true,
            &mut all,
        );
        parse(
            "[ci]\naws_access_key_id = AKIA\n[default]\naws_secret_access_key = s\n",
            false,
            &mut all,
        );
        let names: Vec<_> = all.keys().cloned().collect();
        assert_eq!(names, ["ci", "default", "dev"]);
        assert_eq!(all["default"].region.as_deref(), Some("eu-west-1"));
        assert!(all["dev"].sso);
        assert!(!all["ci"].sso);
    }
}
