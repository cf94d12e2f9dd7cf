//! The first-launch tour's progress, kept in the settings file (never in webview storage). The
//! commands that do a step (create, send, poll, delete) mark it, so any path counts.

use sqs_core::config::{TourProgress, TourStep};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Marks a step done; the file is written only the first time. A failed write is logged and
/// otherwise ignored: the user's action succeeded, and the tour is a help, not a record.
pub(crate) async fn mark(state: &AppState, step: TourStep) {
    let mut cfg = state.config.lock().await;
    let mut tour = cfg.tour.clone();
    if !tour.mark(step) {
        // Already done: the usual case, on every send and poll; nothing to copy or write.
        return;
    }
    let mut next = cfg.clone();
    next.tour = tour;
    match state.store.save(&next) {
        Ok(()) => *cfg = next,
        Err(e) => tracing::warn!("the tour's progress was not saved: {e}"),
    }
}

/// Where the tour stands.
#[tauri::command]
pub async fn tour_progress(state: State<'_, AppState>) -> CommandResult<TourProgress> {
    Ok(state.config.lock().await.tour.clone())
}

/// Closes the tour for good (Skip, or Done at the end).
#[tauri::command]
pub async fn close_tour(state: State<'_, AppState>) -> CommandResult<TourProgress> {
    let mut cfg = state.config.lock().await;
    let mut next = cfg.clone();
    next.tour.closed = true;
    state.store.save(&next)?;
    *cfg = next;
    Ok(cfg.tour.clone())
}
