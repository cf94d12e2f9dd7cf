//! Commands for dead-letter redrive: start a message move task, follow it, cancel it.

use sqs_core::messages::EntryOutcome;
use sqs_core::redrive::{self, MoveItem, MoveTask};
use sqs_core::transform::{self, Change, Preview, PreviewInput};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Starts moving a DLQ's messages back to their sources (or to `destination_arn`). Returns the
/// task's handle.
#[tauri::command]
pub async fn start_redrive(
    state: State<'_, AppState>,
    connection_id: String,
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<u32>,
) -> CommandResult<String> {
    let client = state.client(&connection_id).await?;
    Ok(redrive::start(&client, &source_arn, destination_arn.as_deref(), rate).await?)
}

/// The DLQ's recent move tasks, newest first.
#[tauri::command]
pub async fn list_redrives(
    state: State<'_, AppState>,
    connection_id: String,
    source_arn: String,
) -> CommandResult<Vec<MoveTask>> {
    let client = state.client(&connection_id).await?;
    Ok(redrive::list(&client, &source_arn).await?)
}

/// Cancels a running task; returns how many messages it had moved.
#[tauri::command]
pub async fn cancel_redrive(
    state: State<'_, AppState>,
    connection_id: String,
    handle: String,
) -> CommandResult<i64> {
    let client = state.client(&connection_id).await?;
    Ok(redrive::cancel(&client, &handle).await?)
}

/// Moves chosen messages to another queue: send each first, delete it here only once it is sent.
#[tauri::command]
pub async fn move_messages(
    state: State<'_, AppState>,
    connection_id: String,
    from_url: String,
    to_url: String,
    items: Vec<MoveItem>,
    changes: Vec<Change>,
) -> CommandResult<Vec<EntryOutcome>> {
    let client = state.client(&connection_id).await?;
    Ok(redrive::move_selected(&client, &from_url, &to_url, items, &changes).await?)
}

/// Each message before and after `changes`, as "Move to queue…" would send it (the preview).
#[tauri::command]
pub fn preview_changes(changes: Vec<Change>, messages: Vec<PreviewInput>) -> Vec<Preview> {
    let items: Vec<(String, sqs_core::messages::OutgoingMessage)> = messages
        .into_iter()
        .take(20)
        .map(|p| (p.message_id, p.message))
        .collect();
    transform::preview(&changes, &items)
}
