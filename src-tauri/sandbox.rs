//! The embedded local sandbox: started on 127.0.0.1 only, on a free or fixed port (the setting,
//! or `$SQS_PILOT_SANDBOX_PORT`), with its data under the app's data dir (or `$SQS_PILOT_DATA_DIR`).

use sqs_core::config::SandboxSettings;

/// Starts the sandbox as the settings say; the error is a sentence for the UI.
pub async fn start(settings: &SandboxSettings) -> Result<sqs_sandbox::Running, String> {
    if !settings.enabled {
        return Err("it is turned off in its settings.".into());
    }
    let dir = sqs_core::paths::sandbox_dir().map_err(|e| e.to_string())?;
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
