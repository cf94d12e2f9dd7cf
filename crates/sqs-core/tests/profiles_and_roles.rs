//! AWS profiles as the SDK reads them, against moto (its STS and SQS): a profile that assumes a
//! role from a source profile lists queues as that role, the identity says so, and static keys
//! say which user they are. One test: AWS_CONFIG_FILE and friends are the process's.

use sqs_core::client;
use sqs_core::connection::{Connection, ConnectionSettings, KeyPair, Secret};
use sqs_core::{identity, profiles, queues};
use test_support::Moto;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_profile_assumes_its_role_and_the_identity_says_who() {
    let moto = Moto::start();
    test_support::create_queue(&moto.sdk(), "seen-by-the-role").await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    let endpoint = moto.endpoint();
    std::fs::write(
        &config,
        format!(
            "[profile base]\nregion = us-east-1\nendpoint_url = {endpoint}\n\n\
             [profile admin]\nrole_arn = arn:aws:iam::123456789012:role/QueueAdmin\nsource_profile = base\n\
             role_session_name = sqs-pilot-test\nregion = us-east-1\nendpoint_url = {endpoint}\n\n\
             [profile guarded]\nrole_arn = arn:aws:iam::123456789012:role/Guarded\nsource_profile = base\n\
             mfa_serial = arn:aws:iam::123456789012:mfa/alice\nrole_session_name = with-mfa\nregion = us-east-1\nendpoint_url = {endpoint}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    test_support::use_aws_files(&config, &credentials);

    let listed = profiles::list_profiles().await;
    let admin = listed
        .iter()
        .find(|p| p.name == "admin")
        .expect("admin listed");
    assert_eq!(
        admin.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/QueueAdmin")
    );

    let conn = Connection {
        id: "admin".into(),
        name: "Admin role".into(),
        settings: ConnectionSettings::Profile {
            profile: "admin".into(),
            region: None,
        },
        secret_account: None,
    };
    let c = client::connect(&conn, None).await.unwrap();
    let names: Vec<String> = queues::list_queues(&c, None)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(names, ["seen-by-the-role"]);
    let who = identity::identity(&c).await.unwrap();
    assert_eq!(who.account, "123456789012");
    assert!(
        who.arn.contains(":assumed-role/QueueAdmin/sqs-pilot-test"),
        "{who:?}"
    );
    assert_eq!(who.who, "role QueueAdmin (session sqs-pilot-test)");

    // Static keys at the same server: a user, not a role.
    let keys = Connection {
        id: "keys".into(),
        name: "Keys".into(),
        settings: ConnectionSettings::Endpoint {
            url: endpoint.clone(),
            region: "us-east-1".into(),
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
        },
        secret_account: None,
    };
    let secret = KeyPair {
        secret_access_key: Secret::new("s"),
        session_token: None,
    }
    .encode();
    let c = client::connect(&keys, Some(&secret)).await.unwrap();
    let who = identity::identity(&c).await.unwrap();
    assert!(who.who.starts_with("user "), "{who:?}");

    // A role behind MFA: the connection asks for the code, then works with the session made
    // from it (moto's STS takes any six digits; a malformed code never leaves the app).
    let guarded = Connection {
        id: "guarded".into(),
        name: "Guarded".into(),
        settings: ConnectionSettings::Profile {
            profile: "guarded".into(),
            region: None,
        },
        secret_account: None,
    };
    let e = client::connect(&guarded, None).await.unwrap_err();
    assert_eq!(e.kind(), sqs_core::error::ErrorKind::MfaRequired, "{e}");
    assert!(
        e.to_string()
            .contains("arn:aws:iam::123456789012:mfa/alice"),
        "{e}"
    );
    let role = sqs_core::mfa::role("guarded").await.unwrap();
    let bad = sqs_core::mfa::connect(&role, "12ab56", None)
        .await
        .unwrap_err();
    assert_eq!(bad.payload().field.as_deref(), Some("mfa_code"));
    let c = sqs_core::mfa::connect(&role, "123456", None).await.unwrap();
    assert_eq!(queues::list_queues(&c, None).await.unwrap().len(), 1);
    let who = identity::identity(&c).await.unwrap();
    assert_eq!(who.who, "role Guarded (session with-mfa)");

    // A profile that is gone says so.
    let gone = Connection {
        settings: ConnectionSettings::Profile {
            profile: "deleted".into(),
            region: None,
        },
        ..conn
    };
    let e = client::connect(&gone, None).await.unwrap_err();
    assert!(e.to_string().contains("'deleted'"), "{e}");
}
