//! Commands for the messages recently sent from the form: listed per queue, kept for local
//! endpoints and the sandbox and for AWS only when the user turns it on, forgotten on "Clear".
//! The file is written on the blocking pool, never on the async workers.

use std::sync::Arc;

use sqs_core::messages::OutgoingMessage;
use sqs_core::recent::{self, RecentMessages, RecentStore};
use sqs_core::CoreError;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Whether messages sent on this connection are kept, and whether it is an AWS connection.
async fn policy(state: &AppState, connection_id: &str) -> Result<(bool, bool), CoreError> {
    let conn = state.connection(connection_id).await?;
    let keep_for_aws = state.config.lock().await.keep_recent_for_aws;
    Ok(recent::kept_for(&conn.settings, keep_for_aws))
}

/// Remembers a message just sent, if this connection keeps them; a failure is only logged
/// (the message is sent).
pub async fn remember(
    state: &AppState,
    store: Arc<RecentStore>,
    connection_id: &str,
    url: String,
    message: OutgoingMessage,
) {
    match policy(state, connection_id).await {
        Ok((true, _)) => {}
        Ok((false, _)) => return,
        Err(e) => return tracing::warn!("{e}"),
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let written = tokio::task::spawn_blocking(move || store.remember(&url, &message, now)).await;
    match written {
        Ok(Err(e)) => tracing::warn!("{e}"),
        Err(e) => tracing::warn!("remembering a sent message failed: {e}"),
        Ok(Ok(())) => {}
    }
}

/// The messages recently sent to a queue from the form, newest first, and whether they are kept.
#[tauri::command]
pub async fn recent_messages(
    state: State<'_, AppState>,
    store: State<'_, Arc<RecentStore>>,
    connection_id: String,
    url: String,
) -> CommandResult<RecentMessages> {
    let (kept, aws) = policy(&state, &connection_id).await?;
    let store = store.inner().clone();
    let messages = if kept {
        tokio::task::spawn_blocking(move || store.list(&url))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(RecentMessages {
        messages,
        kept,
        aws,
    })
}

/// Forgets every recently sent message (the UI asks first).
#[tauri::command]
pub async fn clear_recent_messages(store: State<'_, Arc<RecentStore>>) -> CommandResult<()> {
    let store = store.inner().clone();
    tokio::task::spawn_blocking(move || store.clear())
        .await
        .map_err(|e| CoreError::Internal(format!("clearing recent messages failed: {e}")))??;
    Ok(())
}

/// Turns keeping sent messages for AWS connections on or off (off also forgets what was kept).
#[tauri::command]
pub async fn keep_recent_messages_for_aws(
    state: State<'_, AppState>,
    store: State<'_, Arc<RecentStore>>,
    keep: bool,
) -> CommandResult<()> {
    {
        let mut cfg = state.config.lock().await;
        let mut next = cfg.clone();
        next.keep_recent_for_aws = keep;
        state.store.save(&next)?;
        *cfg = next;
    }
    if !keep {
        clear_recent_messages(store).await?;
    }
    Ok(())
}
