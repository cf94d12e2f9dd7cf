//! Commands for signing in to IAM Identity Center (SSO) inside the app: start (register, show
//! the code, open the sign-in page in the system browser — https only, from Rust) and finish
//! (wait for the approval, write the shared token cache). The wait is a job: `stop_job` cancels it.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sqs_core::connection::{ConnectionInput, ConnectionType, ConnectionView};
use sqs_core::connection_service;
use sqs_core::sso::{self, DeviceAuthorization, PendingSignIn, SsoAccount};
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

/// Opens an https page in the system browser. In debug builds' tests, `SQS_PILOT_OPEN_URL_LOG`
/// names a file the address is appended to instead, so no browser starts.
fn open_in_browser(url: &str) -> bool {
    if !url.starts_with("https://") {
        return false;
    }
    if let Some(log) = crate::test_hooks::open_url_log() {
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

/// What the set-up form sends: the portal, its region, and the name the new profile gets.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewSsoSession {
    pub start_url: String,
    pub sso_region: String,
    pub profile_name: String,
}

fn session_of(s: &NewSsoSession) -> Result<sso::SsoConfig, CoreError> {
    sso::new_session(&s.start_url, &s.sso_region, &s.profile_name)
}

/// Registers a pending sign-in as a job and opens its page.
fn begin(
    sign_ins: &SignIns,
    jobs: &Jobs,
    job_id: String,
    pending: PendingSignIn,
    authorization: DeviceAuthorization,
) -> SignInStarted {
    jobs.start(&job_id);
    sign_ins
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(job_id, pending);
    let opened = open_in_browser(&authorization.verification_uri);
    SignInStarted {
        authorization,
        opened,
    }
}

/// Starts signing in to a portal for a profile that does not exist yet (set up from a start URL).
#[tauri::command]
pub async fn sso_start_new_session(
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    jobs: State<'_, Jobs>,
    session: NewSsoSession,
    job_id: String,
) -> CommandResult<SignInStarted> {
    state.ensure_proxy().await;
    let cfg = session_of(&session)?;
    sso::profile_name_free(&sso::config_path()?, &session.profile_name, &cfg.start_url).await?;
    let (pending, authorization) = sso::start(&cfg).await?;
    Ok(begin(&sign_ins, &jobs, job_id, pending, authorization))
}

/// The accounts the new session may use.
#[tauri::command]
pub async fn sso_accounts(session: NewSsoSession) -> CommandResult<Vec<SsoAccount>> {
    let cfg = session_of(&session)?;
    Ok(sso::accounts(&sso::default_cache_dir()?, &cfg).await?)
}

/// The roles the new session may take in an account.
#[tauri::command]
pub async fn sso_roles(session: NewSsoSession, account_id: String) -> CommandResult<Vec<String>> {
    let cfg = session_of(&session)?;
    Ok(sso::roles(&sso::default_cache_dir()?, &cfg, &account_id).await?)
}

/// Adds the chosen account and role to the AWS config as a profile (after a backup) and saves a
/// connection that uses it.
#[tauri::command]
pub async fn sso_save_profile(
    state: State<'_, AppState>,
    session: NewSsoSession,
    account_id: String,
    role_name: String,
    region: String,
) -> CommandResult<SavedProfile> {
    let cfg = session_of(&session)?;
    sqs_core::regions::validate_aws_region(&region)?;
    let path = sso::config_path()?;
    let backup = sso::write_profile(
        &path,
        &cfg,
        &sso::NewProfile {
            account_id,
            role_name,
            region: region.trim().to_string(),
        },
    )
    .await?;
    let input = ConnectionInput {
        id: None,
        name: session.profile_name.trim().to_string(),
        kind: ConnectionType::Profile,
        region: None,
        endpoint: None,
        profile: Some(session.profile_name.trim().to_string()),
        access_key_id: None,
        secret_access_key: None,
        session_token: None,
    };
    let mut config = state.config.lock().await;
    let conn =
        connection_service::save(&mut config, &state.store, state.secrets.clone(), input).await?;
    Ok(SavedProfile {
        connection: ConnectionView::from(&conn),
        config_file: path.display().to_string(),
        backup: backup.map(|b| b.display().to_string()),
    })
}

/// What setting up an SSO profile made.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SavedProfile {
    pub connection: ConnectionView,
    /// The AWS config file the profile was added to.
    pub config_file: String,
    /// Where the file was copied first, if it existed.
    pub backup: Option<String>,
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
    Ok(begin(&sign_ins, &jobs, job_id, pending, authorization))
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
    let flag = jobs.flag_of(&job_id);
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
