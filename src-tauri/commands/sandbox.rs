//! Commands for the built-in local sandbox: its status, its settings (on/off, port), and
//! resetting its data.

use serde::Serialize;
use sqs_core::config::SandboxSettings;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::state::AppState;

/// What the sandbox settings dialog shows.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct SandboxStatus {
    pub settings: SandboxSettings,
    /// The endpoint when it runs.
    pub url: Option<String>,
    /// Why it does not run.
    pub error: Option<String>,
    /// Where its data lives.
    pub data_dir: Option<String>,
}

async fn status(state: &AppState) -> SandboxStatus {
    let settings = state.config.lock().await.sandbox.clone();
    let (url, error) = match state.sandbox_url() {
        Ok(u) => (Some(u), None),
        Err(e) => (None, Some(e)),
    };
    let data_dir = sqs_core::paths::sandbox_dir()
        .ok()
        .map(|d| d.display().to_string());
    SandboxStatus {
        settings,
        url,
        error,
        data_dir,
    }
}

#[tauri::command]
pub async fn sandbox_status(state: State<'_, AppState>) -> CommandResult<SandboxStatus> {
    Ok(status(&state).await)
}

/// Saves the settings and restarts the sandbox with them.
#[tauri::command]
pub async fn configure_sandbox(
    state: State<'_, AppState>,
    settings: SandboxSettings,
) -> CommandResult<SandboxStatus> {
    settings.validate()?;
    {
        let mut cfg = state.config.lock().await;
        let mut next = cfg.clone();
        next.sandbox = settings;
        state.store.save(&next)?;
        *cfg = next;
    }
    state.restart_sandbox(false).await?;
    Ok(status(&state).await)
}

/// Deletes every queue and message of the sandbox (the UI asks first) and starts it afresh.
#[tauri::command]
pub async fn reset_sandbox(state: State<'_, AppState>) -> CommandResult<SandboxStatus> {
    state.restart_sandbox(true).await?;
    Ok(status(&state).await)
}
