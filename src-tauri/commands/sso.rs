//! Commands for signing in to IAM Identity Center (SSO) inside the app: start (register, show
//! the code, open the sign-in page in the system browser — https only, from Rust) and finish
//! (wait for the approval, write the shared token cache). The wait is a job: `stop_job` cancels it.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use sqs_core::sso::{self, DeviceAuthorization, PendingSignIn};
use sqs_core::CoreError;
use tauri::State;
use ts_rs::TS;

use crate::commands::jobs::Jobs;
use crate::error::CommandResult;
use crate::state::AppState;

/// Sign-ins waiting for the user's approval, by job id.
#[derive(Default)]
pub struct SignIns(Mutex<HashMap<String, PendingSignIn>>);

/// What the sign-in dialog shows while the user approves in the browser.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SignInStarted {
    pub authorization: DeviceAuthorization,
    /// Whether the page was opened in the browser (else the user opens the link).
    pub opened: bool,
}

/// Opens an https page in the system browser. In tests, `SQS_PILOT_OPEN_URL_LOG` names a file the
/// address is appended to instead, so no browser starts.
fn open_in_browser(url: &str) -> bool {
    if !url.starts_with("https://") {
        return false;
    }
    if let Some(log) = std::env::var_os("SQS_PILOT_OPEN_URL_LOG") {
        use std::io::Write;
        return std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut f| writeln!(f, "{url}"))
            .is_ok();
    }
    match open::that_detached(url) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("the browser could not be opened: {e}");
            false
        }
    }
}

/// Starts signing in for `profile`: returns the code to show and opens the page.
#[tauri::command]
pub async fn sso_start_sign_in(
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    jobs: State<'_, Jobs>,
    profile: String,
    job_id: String,
) -> CommandResult<SignInStarted> {
    state.ensure_proxy().await;
    let cfg = sso::config(&profile).await?;
    let (pending, authorization) = sso::start(&cfg).await?;
    jobs.start(&job_id);
    sign_ins
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(job_id, pending);
    let opened = open_in_browser(&authorization.verification_uri);
    Ok(SignInStarted {
        authorization,
        opened,
    })
}

/// Waits for the approval of a started sign-in; `false` if it was cancelled. Connections using
/// the profile reconnect with the new token.
#[tauri::command]
pub async fn sso_finish_sign_in(
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    jobs: State<'_, Jobs>,
    job_id: String,
) -> CommandResult<bool> {
    let pending = sign_ins
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&job_id)
        .ok_or_else(|| CoreError::NotFound("This sign-in has ended; start it again.".into()))?;
    let flag = jobs.start(&job_id);
    let result = async {
        let dir = sso::default_cache_dir()?;
        sso::finish(pending, &flag, &dir).await
    }
    .await;
    jobs.finish(&job_id);
    let signed_in = result?.is_some();
    if signed_in {
        state.forget_all_clients().await;
    }
    Ok(signed_in)
}
