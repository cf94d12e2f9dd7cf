//! Commands for dead-letter redrive: start a message move task, follow it, cancel it; move
//! chosen messages (with progress and Stop).

use sqs_core::messages::EntryOutcome;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqs_core::redrive::{self, MoveItem, MoveProgress, MoveTask};
use sqs_core::transform::{self, Change, Preview, PreviewInput};
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::jobs::Jobs;
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

/// A move's progress to the window, and its stop flag from `stop_job`.
struct MoveChannel {
    channel: Channel<MoveProgress>,
    stop: Arc<AtomicBool>,
}

impl redrive::MoveSink for MoveChannel {
    fn progress(&self, p: MoveProgress) {
        // The window may be gone (the dialog closed): the move goes on regardless.
        let _ = self.channel.send(p);
    }
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Moves chosen messages to another queue: send each first, delete it here only once it is sent;
/// in rounds, with progress to `on_progress`, stopped between two by `stop_job(job_id)`.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn move_messages(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    connection_id: String,
    from_url: String,
    to_url: String,
    items: Vec<MoveItem>,
    changes: Vec<Change>,
    job_id: String,
    on_progress: Channel<MoveProgress>,
) -> CommandResult<Vec<EntryOutcome>> {
    let client = state.client(&connection_id).await?;
    let sink = MoveChannel {
        channel: on_progress,
        stop: jobs.flag_of(&job_id),
    };
    let out =
        redrive::move_selected_with(&client, &from_url, &to_url, items, &changes, &sink).await;
    jobs.finish(&job_id);
    Ok(out?)
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
