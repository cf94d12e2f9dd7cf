//! Starts the embedded local sandbox: on 127.0.0.1 only, a free port (or `$SQS_PILOT_SANDBOX_PORT`),
//! data under the app's data dir (or `$SQS_PILOT_DATA_DIR`).

use std::path::PathBuf;

/// Overrides the app's data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SQS_PILOT_DATA_DIR";

fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("dev", "sqs-pilot", "sqs-pilot")
        .map(|p| p.data_dir().to_path_buf())
}

/// Starts the sandbox; the error is a sentence for the sidebar.
pub async fn start() -> Result<sqs_sandbox::Running, String> {
    let dir = data_dir()
        .ok_or("no home directory to keep its data in")?
        .join("sandbox");
    let port = std::env::var("SQS_PILOT_SANDBOX_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let config = sqs_sandbox::Config {
        data_dir: Some(dir),
        ..Default::default()
    };
    let started = sqs_sandbox::start(config, "127.0.0.1", port)
        .await
        .map_err(|e| e.to_string());
    match &started {
        Ok(r) => tracing::info!("local sandbox listening on {}", r.url),
        Err(e) => tracing::warn!("local sandbox did not start: {e}"),
    }
    started
}
