//! Commands for queues: the list and its counts, create, details, edit, purge, delete.

use sqs_core::queue_admin::{self, CreatedQueue, QueueDetails, QueueSpec, QueueSpecCheck};
use sqs_core::queues::{self, QueueRow, QueueStats};
use tauri::State;

use crate::commands::tour;
use crate::error::CommandResult;
use crate::state::AppState;
use sqs_core::config::TourStep;

/// Every queue of a connection (optionally only names starting with `prefix`).
#[tauri::command]
pub async fn list_queues(
    state: State<'_, AppState>,
    connection_id: String,
    prefix: Option<String>,
) -> CommandResult<Vec<QueueRow>> {
    tracing::debug!("list_queues asked at {} ms", crate::since_start_ms());
    let client = state.client(&connection_id).await?;
    let rows = queues::list_queues(&client, prefix.as_deref()).await?;
    tracing::debug!("list_queues answered at {} ms", crate::since_start_ms());
    Ok(rows)
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

/// The form's settings as SQS will get them and their first problem (no request is made).
#[tauri::command]
pub fn check_queue_spec(spec: QueueSpec) -> QueueSpecCheck {
    queue_admin::check_spec(&spec)
}

/// Creates a queue (and its new dead-letter queue, if the form asks for one).
#[tauri::command]
pub async fn create_queue(
    state: State<'_, AppState>,
    connection_id: String,
    spec: QueueSpec,
) -> CommandResult<CreatedQueue> {
    let client = state.client(&connection_id).await?;
    let created = queue_admin::create_queue(&client, &spec).await?;
    tour::mark(&state, TourStep::Created).await;
    Ok(created)
}

/// Everything the queue details page shows.
#[tauri::command]
pub async fn queue_details(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
) -> CommandResult<QueueDetails> {
    let client = state.client(&connection_id).await?;
    Ok(queue_admin::queue_details(&client, &url).await?)
}

/// Saves an edited queue: only the attributes and tags that changed are sent.
#[tauri::command]
pub async fn update_queue(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
    before: QueueSpec,
    after: QueueSpec,
) -> CommandResult<()> {
    let client = state.client(&connection_id).await?;
    Ok(queue_admin::update_queue(&client, &url, &before, &after).await?)
}

/// Deletes every message of a queue (the UI confirms first).
#[tauri::command]
pub async fn purge_queue(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
) -> CommandResult<()> {
    let client = state.client(&connection_id).await?;
    Ok(queue_admin::purge_queue(&client, &url).await?)
}

/// Deletes a queue (the UI asks for its name first).
#[tauri::command]
pub async fn delete_queue(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
) -> CommandResult<()> {
    let client = state.client(&connection_id).await?;
    Ok(queue_admin::delete_queue(&client, &url).await?)
}
