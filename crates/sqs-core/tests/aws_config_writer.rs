//! The AWS config writer (a new SSO profile from a portal URL) against the AWS CLI's own parser:
//! every file it writes is read back by botocore (from the test venv), which must find the
//! intended profile with the intended values and every profile that was there before. Each case
//! here was a defect of the writer that found sections by their exact text.

use std::path::Path;
use std::process::Command;

use sqs_core::sso::{new_session, profile_name_free, write_profile, NewProfile};

const URL: &str = "https://corp.awsapps.com/start";

fn profile() -> NewProfile {
    NewProfile {
        account_id: "111122223333".into(),
        role_name: "QueueAdmin".into(),
        region: "eu-west-1".into(),
    }
}

/// What botocore reads from the config file: the named profile's settings and the
/// sso-sessions, or its error.
fn botocore(path: &Path, profile: &str) -> serde_json::Value {
    let script = r#"
import json, sys, botocore.session
s = botocore.session.Session(profile=sys.argv[1])
try:
    print(json.dumps({"profile": s.get_scoped_config(), "sessions": s.full_config.get("sso_sessions", {}),
                      "profiles": sorted(s.full_config.get("profiles", {}))}))
except Exception as e:
    print(json.dumps({"error": repr(e)}))
"#;
    let out = Command::new(test_support::venv_bin("python"))
        .args(["-c", script, profile])
        .env("AWS_CONFIG_FILE", path)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            path.with_extension("no-credentials"),
        )
        .output()
        .expect("python from the test venv");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "botocore said: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn field_error(e: sqs_core::CoreError) -> (Option<String>, String) {
    let p = e.payload();
    (p.field, p.message)
}

#[tokio::test]
async fn a_profile_already_there_is_found_however_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for before in [
        "[profile corp] ; the team's account\nregion = us-east-2\n",
        "[profile  corp]\nregion = us-east-2\n",
        "[profile corp ]\nregion = us-east-2\n",
    ] {
        let path = dir.path().join("config");
        std::fs::write(&path, before).unwrap();
        assert_eq!(
            botocore(&path, "corp")["profile"]["region"],
            "us-east-2",
            "{before:?}"
        );
        let cfg = new_session(URL, "us-east-1", "corp").unwrap();
        let (field, message) = field_error(
            profile_name_free(&path, "corp", URL)
                .await
                .expect_err(before),
        );
        assert_eq!(field.as_deref(), Some("profile_name"));
        assert!(
            message.contains("already has a profile 'corp'"),
            "{message}"
        );
        assert!(write_profile(&path, &cfg, &profile()).await.is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            before,
            "left as it was"
        );
    }
}

#[tokio::test]
async fn default_is_refused_before_signing_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "[default]\nregion = us-west-2\n").unwrap();
    for name in ["default", "Default"] {
        let (field, message) = field_error(profile_name_free(&path, name, URL).await.unwrap_err());
        assert_eq!(field.as_deref(), Some("profile_name"));
        assert!(message.contains("every AWS tool uses"), "{message}");
    }
    assert_eq!(botocore(&path, "default")["profile"]["region"], "us-west-2");
}

#[tokio::test]
async fn an_sso_session_of_another_portal_is_refused_and_one_of_this_portal_is_shared() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let other = "[sso-session corp]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n";
    std::fs::write(&path, other).unwrap();
    let (_, message) = field_error(profile_name_free(&path, "corp", URL).await.unwrap_err());
    assert!(
        message.contains("https://other.awsapps.com/start"),
        "{message}"
    );
    let cfg = new_session(URL, "us-east-1", "corp").unwrap();
    assert!(write_profile(&path, &cfg, &profile()).await.is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), other);

    // The same portal: the session is used as it is, not written twice.
    let same = format!("[sso-session corp]\nsso_start_url = {URL}/\nsso_region = us-east-1\n");
    std::fs::write(&path, &same).unwrap();
    profile_name_free(&path, "corp", URL).await.unwrap();
    write_profile(&path, &cfg, &profile()).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("[sso-session corp]").count(), 1, "{text}");
    let read = botocore(&path, "corp");
    assert_eq!(read["profile"]["sso_session"], "corp", "{read}");
    assert_eq!(read["profile"]["sso_account_id"], "111122223333");
    assert_eq!(read["sessions"]["corp"]["sso_region"], "us-east-1");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlinked_config_stays_a_symlink_and_backups_never_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles-aws-config");
    let link = dir.path().join("config");
    std::fs::write(&real, "[profile keep]\nregion = ap-south-1\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut backups = Vec::new();
    for name in ["team-a", "team-b", "team-c"] {
        let cfg = new_session(URL, "us-east-1", name).unwrap();
        backups.push(
            write_profile(&link, &cfg, &profile())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a plain file"
    );
    let read = botocore(&link, "team-c");
    assert_eq!(
        read["profiles"],
        serde_json::json!(["keep", "team-a", "team-b", "team-c"]),
        "{read}"
    );
    assert_eq!(read["profile"]["sso_role_name"], "QueueAdmin");
    // Three saves within a second or two: three different copies, each of the file before it.
    backups.sort();
    backups.dedup();
    assert_eq!(backups.len(), 3, "{backups:?}");
    let kept: Vec<usize> = backups
        .iter()
        .map(|b| {
            std::fs::read_to_string(b)
                .unwrap()
                .matches("[profile ")
                .count()
        })
        .collect();
    let mut sorted = kept.clone();
    sorted.sort();
    assert_eq!(sorted, [1, 2, 3], "{kept:?}");
}
