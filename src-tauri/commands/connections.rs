//! Commands for connections: list, save (secret to the keychain), remove, select, test.

use serde::Serialize;
use sqs_core::client;
use sqs_core::config::AppConfig;
use sqs_core::connection::{ConnectionInput, ConnectionView, SecretChange, SANDBOX_ID};
use sqs_core::profiles::{self, AwsProfile};
use sqs_core::regions::{Region, REGIONS};
use sqs_core::{connection_service, queues, CoreError};
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::state::AppState;

/// What the UI needs on start-up.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub connections: Vec<ConnectionView>,
    pub last_used: Option<String>,
    /// A one-time message for the user (e.g. the settings file was damaged and kept aside).
    pub notice: Option<String>,
    /// Which keychain backend stores secrets ("secret-service", "macos-keychain", ...).
    pub keychain: String,
    /// Why the local sandbox is not running (None when it runs; its URL is in its connection).
    pub sandbox_error: Option<String>,
    /// How far the first-launch tour got.
    pub tour: sqs_core::config::TourProgress,
}

/// The result of "Test connection".
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ConnectionTest {
    /// Where the test went ("SQS in eu-west-1" or the endpoint URL).
    pub target: String,
    /// Whether at least one queue is visible.
    pub has_queues: bool,
}

/// The built-in sandbox first, then the saved connections.
fn views(cfg: &AppConfig, sandbox_url: Option<&str>) -> Vec<ConnectionView> {
    std::iter::once(ConnectionView::sandbox(sandbox_url))
        .chain(cfg.connections.iter().map(ConnectionView::from))
        .collect()
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    tracing::debug!("app_status asked at {} ms", crate::since_start_ms());
    let keychain = state.keychain_backend().await.to_string();
    let cfg = state.config.lock().await;
    let notice = state.notice.lock().map(|mut n| n.take()).unwrap_or(None);
    let sandbox = state.sandbox_url();
    Ok(AppStatus {
        connections: views(&cfg, sandbox.as_deref().ok()),
        // First launch: the sandbox, so the app works with no AWS account.
        last_used: Some(
            cfg.last_used
                .clone()
                .unwrap_or_else(|| SANDBOX_ID.to_string()),
        ),
        notice,
        keychain,
        sandbox_error: sandbox.err(),
        tour: cfg.tour.clone(),
    })
}

#[tauri::command]
pub fn list_regions() -> Vec<Region> {
    REGIONS.to_vec()
}

#[tauri::command]
pub async fn list_profiles() -> Vec<AwsProfile> {
    profiles::list_profiles().await
}

/// Saves a new or edited connection; the core keeps the keychain and the settings file in step.
#[tauri::command]
pub async fn save_connection(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> CommandResult<ConnectionView> {
    let mut cfg = state.config.lock().await;
    let conn =
        connection_service::save(&mut cfg, &state.store, state.secrets.clone(), input).await?;
    state.forget_client(&conn.id).await;
    Ok(ConnectionView::from(&conn))
}

/// Removes a connection and its keychain entry.
#[tauri::command]
pub async fn remove_connection(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    let mut cfg = state.config.lock().await;
    connection_service::remove(&mut cfg, &state.store, state.secrets.clone(), &id).await?;
    state.forget_client(&id).await;
    Ok(())
}

/// Remembers the connection the user switched to.
#[tauri::command]
pub async fn select_connection(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    let mut cfg = state.config.lock().await;
    if id != SANDBOX_ID && cfg.find(&id).is_none() {
        return Err(CoreError::NotFound("This connection no longer exists.".into()).into());
    }
    if cfg.last_used.as_deref() == Some(&id) {
        return Ok(());
    }
    let mut next = cfg.clone();
    next.last_used = Some(id);
    state.store.save(&next)?;
    *cfg = next;
    Ok(())
}

/// Tries the form's settings (saved or not) with one ListQueues call.
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> CommandResult<ConnectionTest> {
    let existing = match input.id.as_deref() {
        Some(id) => Some(state.connection(id).await?),
        None => None,
    };
    let (conn, change) = input.into_connection(existing.as_ref())?;
    state.ensure_proxy().await;
    let secret = match change {
        SecretChange::Set(s) => Some(s),
        SecretChange::Remove => None,
        SecretChange::Keep => match &existing {
            Some(e) if conn.settings.uses_secret() => state.secret_of(e).await?,
            _ => None,
        },
    };
    let c = client::connect(&conn, secret.as_ref()).await?;
    let has_queues = queues::probe(&c).await?;
    Ok(ConnectionTest {
        target: c.target,
        has_queues,
    })
}

/// Who the connection signs in as (STS GetCallerIdentity with its credentials), on demand.
#[tauri::command]
pub async fn connection_identity(
    state: State<'_, AppState>,
    connection_id: String,
) -> CommandResult<sqs_core::identity::Identity> {
    let client = state.client(&connection_id).await?;
    Ok(sqs_core::identity::identity(&client).await?)
}

/// Assumes a profile's MFA-guarded role with the code the user typed; the session lives in
/// memory only (asked again after it expires or the app restarts).
#[tauri::command]
pub async fn mfa_sign_in(
    state: State<'_, AppState>,
    connection_id: String,
    code: String,
) -> CommandResult<()> {
    let conn = state.connection(&connection_id).await?;
    let sqs_core::connection::ConnectionSettings::Profile { profile, region } = &conn.settings
    else {
        return Err(
            CoreError::NotFound("This connection does not use an AWS profile.".into()).into(),
        );
    };
    let role = sqs_core::mfa::role(profile).await.ok_or_else(|| {
        CoreError::NotFound(format!(
            "The profile '{profile}' asks for no MFA code any more."
        ))
    })?;
    state.ensure_proxy().await;
    let client = sqs_core::mfa::connect(&role, &code, region.as_deref()).await?;
    state.remember_client(&connection_id, client).await;
    Ok(())
}
