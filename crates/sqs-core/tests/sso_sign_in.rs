//! Signing in to IAM Identity Center inside the app, against a stand-in for its OIDC and portal
//! APIs (crates/test-support) and moto for SQS: the device flow waits through
//! `authorization_pending` and `slow_down`, the token lands in the AWS CLI's cache under the CLI's
//! file name, and the profile then lists queues with the role's credentials (aws-config reading
//! that cache); an expired code says so; and the cache file is byte-for-byte what botocore (the
//! AWS CLI's library) writes for the same token. One test: HOME and AWS_CONFIG_FILE are the
//! process's.

use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use sqs_core::connection::{Connection, ConnectionSettings};
use sqs_core::{client, queues, sso};
use test_support::{sso_stub, Moto, SsoStub};

/// A profile signing in through the sso-session `corp`; the endpoints of the stand-in and moto
/// come from the environment (`AWS_ENDPOINT_URL_<SERVICE>`, as every SDK and the CLI read them).
fn write_config(dir: &std::path::Path, stub: &str, moto: &str) -> std::path::PathBuf {
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile dev]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\nregion = us-east-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            account = sso_stub::ACCOUNT_ID,
            role = sso_stub::ROLE_NAME,
        ),
    )
    .unwrap();
    std::env::set_var("AWS_ENDPOINT_URL_SSO_OIDC", stub);
    std::env::set_var("AWS_ENDPOINT_URL_SSO", stub);
    std::env::set_var("AWS_ENDPOINT_URL_SQS", moto);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_sign_in_fills_the_shared_cache_and_the_profile_then_works() {
    // Found before HOME moves to the test's own folder.
    let python = test_support::venv_bin("python");
    let stub = SsoStub::start();
    let moto = Moto::start();
    test_support::create_queue(&moto.sdk(), "seen-through-sso").await;
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &stub.url, &moto.endpoint());
    std::env::set_var("HOME", home.path());
    test_support::use_aws_files(&config, &home.path().join("none"));
    let cache_dir = sso::default_cache_dir().unwrap();
    assert!(cache_dir.starts_with(home.path()));

    // Before signing in, the profile cannot get credentials.
    let conn = Connection {
        id: "dev".into(),
        name: "Dev (SSO)".into(),
        settings: ConnectionSettings::Profile {
            profile: "dev".into(),
            region: None,
        },
        secret_account: None,
    };
    let c = client::connect(&conn, None).await.unwrap();
    let before = queues::list_queues(&c, None).await.unwrap_err();
    assert_eq!(
        before.kind(),
        sqs_core::error::ErrorKind::Credentials,
        "{before}"
    );

    // Sign in: pending, then told to slow down, then approved.
    let cfg = sso::config("dev").await.unwrap();
    let (pending, shown) = sso::start(&cfg).await.unwrap();
    assert_eq!(shown.user_code, "ABCD-EFGH");
    assert!(shown.verification_uri.starts_with("https://"));
    let started = Instant::now();
    let waiter = {
        let cache_dir = cache_dir.clone();
        tokio::spawn(async move {
            let never = AtomicBool::new(false);
            sso::finish(pending, &never, &cache_dir).await
        })
    };
    wait_for_polls(&stub, 1, started).await; // authorization_pending
    stub.slow_down(1);
    wait_for_polls(&stub, 2, started).await; // slow_down: the next poll comes five seconds later
    stub.approve();
    let token = waiter.await.unwrap().unwrap().expect("signed in");
    assert_eq!(token.access_token, sso_stub::access_token(1));
    assert!(
        started.elapsed().as_secs() >= 7,
        "slow_down adds five seconds to the interval: {:?}",
        started.elapsed()
    );

    // The token is in the CLI's cache file, under sha1("corp").
    let file = sso::cache_file(&cache_dir, &cfg);
    assert_eq!(
        file.file_name().unwrap().to_string_lossy(),
        format!("{}.json", sha1_hex("corp"))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the token file is private");
    }
    assert!(sso::cached(&cache_dir, &cfg).is_some());

    // The profile now works: aws-config reads the cache, the portal gives role credentials.
    let c = client::connect(&conn, None).await.unwrap();
    let names: Vec<String> = queues::list_queues(&c, None)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(names, ["seen-through-sso"]);
    assert!(stub
        .calls()
        .contains(&"GET /federation/credentials".to_string()));

    // An expired access token is refreshed with the refresh token (aws-config does it, and
    // writes the new token to the same cache), so the user need not sign in again.
    let mut stale: sso::CachedToken =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    stale.expires_at = "2020-01-01T00:00:00Z".into();
    sso::write_cache(&cache_dir, &cfg, &stale).unwrap();
    let c = client::connect(&conn, None).await.unwrap();
    assert_eq!(queues::list_queues(&c, None).await.unwrap().len(), 1);
    let refreshed: sso::CachedToken =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        refreshed.access_token,
        sso_stub::access_token(2),
        "refreshed in place"
    );
    assert!(sso::cached(&cache_dir, &cfg).is_some());

    // A code nobody approves in time.
    stub.expire();
    let (pending, _) = sso::start(&cfg).await.unwrap();
    let never = AtomicBool::new(false);
    let e = sso::finish(pending, &never, &cache_dir).await.unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");

    // Cancelled while waiting: no error, nothing written.
    let (pending, _) = sso::start(&cfg).await.unwrap();
    let cancelled = AtomicBool::new(true);
    assert!(sso::finish(pending, &cancelled, &cache_dir)
        .await
        .unwrap()
        .is_none());

    // A new user with only a start URL: sign in, pick the account and role the portal lists,
    // and the profile (with its sso-session) is added to the AWS config file after a backup.
    let fresh = sso::new_session("https://newco.awsapps.com/start", "us-east-1", "newco").unwrap();
    stub.approve();
    let (pending, _) = sso::start(&fresh).await.unwrap();
    let never = AtomicBool::new(false);
    assert!(sso::finish(pending, &never, &cache_dir)
        .await
        .unwrap()
        .is_some());
    let accounts = sso::accounts(&cache_dir, &fresh).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id, sso_stub::ACCOUNT_ID);
    let roles = sso::roles(&cache_dir, &fresh, &accounts[0].id)
        .await
        .unwrap();
    assert_eq!(roles, [sso_stub::ROLE_NAME]);
    let backup = sso::write_profile(
        &sso::config_path().unwrap(),
        &fresh,
        &sso::NewProfile {
            account_id: accounts[0].id.clone(),
            role_name: roles[0].clone(),
            region: "us-east-1".into(),
        },
    )
    .await
    .unwrap();
    assert!(
        backup.is_some_and(|b| b.exists()),
        "the old config was copied aside"
    );
    let newco = Connection {
        settings: ConnectionSettings::Profile {
            profile: "newco".into(),
            region: None,
        },
        ..conn.clone()
    };
    let c = client::connect(&newco, None).await.unwrap();
    assert_eq!(queues::list_queues(&c, None).await.unwrap().len(), 1);

    // botocore (the AWS CLI's library) refreshes our token and writes its own file; reading it
    // and writing it again as the app does gives the same bytes.
    let written_by_us = std::fs::read_to_string(&file).unwrap();
    let mut expired: sso::CachedToken = serde_json::from_str(&written_by_us).unwrap();
    expired.expires_at = "2020-01-01T00:00:00Z".into();
    sso::write_cache(&cache_dir, &cfg, &expired).unwrap();
    let out = Command::new(&python)
        .args([
            "-c",
            "import botocore.session, botocore.tokens as t\n\
             s = botocore.session.Session(profile='dev')\n\
             p = t.SSOTokenProvider(s)\n\
             print(p.load_token().get_frozen_token().token)",
        ])
        .env("AWS_ACCESS_KEY_ID", "unused")
        .env("AWS_SECRET_ACCESS_KEY", "unused")
        .output()
        .expect("the test venv's python (scripts/setup.sh test)");
    assert!(
        out.status.success(),
        "botocore could not refresh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        sso_stub::access_token(4),
        "botocore refreshed through the stand-in"
    );
    let by_botocore = std::fs::read_to_string(&file).unwrap();
    let parsed: sso::CachedToken = serde_json::from_str(&by_botocore).unwrap();
    assert_eq!(
        sso::cache_text(&parsed),
        by_botocore,
        "the app writes the CLI's format"
    );
    assert!(by_botocore.contains("\"refreshToken\": \"stub-refresh-token\""));
}

/// Waits until the app has polled CreateToken `n` times.
async fn wait_for_polls(stub: &SsoStub, n: usize, started: Instant) {
    let polls = || stub.calls().iter().filter(|c| *c == "POST /token").count();
    while polls() < n {
        assert!(
            started.elapsed().as_secs() < 20,
            "the app stopped polling: {:?}",
            stub.calls()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn sha1_hex(s: &str) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(s.as_bytes()))
}
