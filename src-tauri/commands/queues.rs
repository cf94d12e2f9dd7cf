//! Commands for the queue list.

use sqs_core::queues::{self, QueueRow, QueueStats};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Every queue of a connection (optionally only names starting with `prefix`).
#[tauri::command]
pub async fn list_queues(
    state: State<'_, AppState>,
    connection_id: String,
    prefix: Option<String>,
) -> CommandResult<Vec<QueueRow>> {
    let client = state.client(&connection_id).await?;
    Ok(queues::list_queues(&client, prefix.as_deref()).await?)
}

/// Message counts for the queues the list currently shows.
#[tauri::command]
pub async fn queue_stats(
    state: State<'_, AppState>,
    connection_id: String,
    urls: Vec<String>,
) -> CommandResult<Vec<QueueStats>> {
    let client = state.client(&connection_id).await?;
    Ok(queues::queue_stats(&client, urls).await)
}
