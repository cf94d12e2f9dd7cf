//! The embedded local sandbox: started on 127.0.0.1 only, on a free or fixed port (the setting,
//! or `$SQS_PILOT_SANDBOX_PORT`), with its data under the app's data dir (or `$SQS_PILOT_DATA_DIR`).

use std::path::PathBuf;

use sqs_core::config::SandboxSettings;

/// Overrides the app's data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SQS_PILOT_DATA_DIR";

fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("dev", "sqs-pilot", "sqs-pilot")
        .map(|p| p.data_dir().to_path_buf())
}

/// The app's data dir (the temp dir when there is no home to keep data in).
pub fn app_data_dir() -> PathBuf {
    data_dir().unwrap_or_else(|| std::env::temp_dir().join("sqs-pilot"))
}

/// Where the sandbox keeps its database.
pub fn sandbox_dir() -> Result<PathBuf, String> {
    Ok(data_dir()
        .ok_or("no home directory to keep its data in")?
        .join("sandbox"))
}

/// Starts the sandbox as the settings say; the error is a sentence for the UI.
pub async fn start(settings: &SandboxSettings) -> Result<sqs_sandbox::Running, String> {
    if !settings.enabled {
        return Err("it is turned off in its settings.".into());
    }
    let dir = sandbox_dir()?;
    let port = std::env::var("SQS_PILOT_SANDBOX_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .or(settings.port)
        .unwrap_or(0);
    let config = sqs_sandbox::Config {
        data_dir: Some(dir),
        ..Default::default()
    };
    let started = sqs_sandbox::start(config, "127.0.0.1", port)
        .await
        .map_err(|e| match e {
            sqs_sandbox::StartError::Bind { .. } => format!(
                "port {port} is taken. Pick another port in its settings, or leave the port empty for any free one."
            ),
            other => other.to_string(),
        });
    match &started {
        Ok(r) => tracing::info!("local sandbox listening on {}", r.url),
        Err(e) => tracing::warn!("local sandbox did not start: {e}"),
    }
    started
}
