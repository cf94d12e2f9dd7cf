//! Errors are told apart by their types (the SDK's `CredentialsError`, the OS's and the
//! resolver's I/O errors), and each kind gets its sentence: a name that does not resolve, and a
//! profile whose credentials cannot be loaded. (A refused port: `moto_queues.rs`.)

use sqs_core::client::{connect, connect_local};
use sqs_core::connection::{Connection, ConnectionSettings};
use sqs_core::queues::list_queues;
use sqs_core::ErrorKind;

#[tokio::test]
async fn a_name_that_does_not_resolve_is_said_as_such() {
    // `.invalid` never resolves (RFC 2606).
    let client = connect_local("http://no-such-host.invalid:9324")
        .await
        .unwrap();
    let err = list_queues(&client, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert!(err.to_string().contains("could not be found"), "{err}");
}

#[tokio::test]
async fn a_profile_without_credentials_is_a_credentials_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile keyless]\nregion = eu-west-1\n").unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(&credentials, "").unwrap();
    // This test binary holds only tests that do not read these variables otherwise.
    test_support::use_aws_files(&config, &credentials);
    // No instance metadata service to fall back on either.
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let conn = Connection {
        id: "p".into(),
        name: "keyless".into(),
        settings: ConnectionSettings::Profile {
            profile: "keyless".into(),
            region: None,
        },
        secret_account: None,
    };
    let client = connect(&conn, None).await.unwrap();
    let err = list_queues(&client, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(
        err.to_string().contains("credentials could not be loaded"),
        "{err}"
    );
}
