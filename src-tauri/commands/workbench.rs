//! Commands over a queue page's polled messages held in Rust (`sqs_core::workbench`): the
//! filter's query (the matching numbers in the table's order), the rows the table draws, facets,
//! the field names to complete, whole messages and receipt handles by number, forgetting messages
//! that were deleted or moved, and dropping a page's store. All run on the blocking pool: 100,000
//! messages never hold up the async runtime.

use std::collections::HashSet;

use sqs_core::messages::ReceivedMessage;
use sqs_core::workbench::{
    FacetAnswer, HeldHandle, MessageRow, MessageStore, OpenedMessage, RowOrder, Workbench,
};
use sqs_core::CoreError;
use tauri::ipc::Response;
use tauri::State;

use crate::error::CommandResult;

/// The most facet values asked for at once.
const MAX_TOP: u32 = 100;
/// The most whole messages the window asks for at once.
const MAX_WHOLE: usize = 20_000;

/// Reads the page's store on the blocking pool.
async fn reading<T: Send + 'static>(
    workbench: &Workbench,
    store_id: &str,
    f: impl FnOnce(&MessageStore) -> T + Send + 'static,
) -> CommandResult<T> {
    let store = workbench.store(store_id, false);
    tokio::task::spawn_blocking(move || f(&store.read().unwrap_or_else(|e| e.into_inner())))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()).into())
}

/// Which of the page's messages `query` matches, in `order`, with the rows of the first
/// `first_rows`; or where the query is wrong. Answered as bytes (`QueryAnswer::to_bytes`): the
/// window reads 100,000 numbers in place instead of parsing them.
#[tauri::command]
pub async fn query_messages(
    workbench: State<'_, Workbench>,
    store_id: String,
    query: String,
    order: RowOrder,
    first_rows: u32,
) -> CommandResult<Response> {
    reading(&workbench, &store_id, move |s| {
        Response::new(s.query(&query, order, first_rows as usize).to_bytes())
    })
    .await
}

/// The rows the table draws, by sequence number, in the order asked (at most 1,000).
#[tauri::command]
pub async fn message_rows(
    workbench: State<'_, Workbench>,
    store_id: String,
    seqs: Vec<u32>,
) -> CommandResult<Vec<MessageRow>> {
    reading(&workbench, &store_id, move |s| s.rows(&seqs)).await
}

/// The most common values of `field` among the messages `query` matches.
#[tauri::command]
pub async fn message_facet(
    workbench: State<'_, Workbench>,
    store_id: String,
    query: String,
    field: String,
    top: u32,
) -> CommandResult<FacetAnswer> {
    let top = top.clamp(1, MAX_TOP) as usize;
    reading(&workbench, &store_id, move |s| s.facet(&query, &field, top)).await
}

/// The field names a query can use, from the page's messages.
#[tauri::command]
pub async fn message_fields(
    workbench: State<'_, Workbench>,
    store_id: String,
) -> CommandResult<Vec<String>> {
    reading(&workbench, &store_id, MessageStore::fields).await
}

/// A message for the pane, whole and with its body indented as JSON, in one answer: formatted
/// here rather than in the window, so a 1 MiB body never holds up the page's thread.
#[tauri::command]
pub async fn open_message(
    workbench: State<'_, Workbench>,
    store_id: String,
    message_id: String,
) -> CommandResult<Option<OpenedMessage>> {
    reading(&workbench, &store_id, move |s| s.opened(&message_id)).await
}

/// The page's polled messages with these numbers, whole (a copy, a move); at most 20,000 at
/// once.
#[tauri::command]
pub async fn stored_messages(
    workbench: State<'_, Workbench>,
    store_id: String,
    seqs: Vec<u32>,
) -> CommandResult<Vec<ReceivedMessage>> {
    if seqs.len() > MAX_WHOLE {
        return Err(CoreError::field(
            "selection",
            format!("Select at most {MAX_WHOLE} messages for this; for more, export them and import the file into the other queue."),
        )
        .into());
    }
    reading(&workbench, &store_id, move |s| s.get(&seqs)).await
}

/// The receipt handles of the page's messages with these numbers (delete, release, keep in
/// flight).
#[tauri::command]
pub async fn message_handles(
    workbench: State<'_, Workbench>,
    store_id: String,
    seqs: Vec<u32>,
) -> CommandResult<Vec<HeldHandle>> {
    reading(&workbench, &store_id, move |s| s.handles(&seqs)).await
}

/// The page deleted or moved these messages: they leave its store. Returns their numbers.
#[tauri::command]
pub async fn forget_messages(
    workbench: State<'_, Workbench>,
    store_id: String,
    message_ids: Vec<String>,
) -> CommandResult<Vec<u32>> {
    let store = workbench.store(&store_id, false);
    let ids: HashSet<String> = message_ids.into_iter().collect();
    tokio::task::spawn_blocking(move || {
        store
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .forget(&ids)
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()).into())
}

/// The page closed: its messages are dropped.
#[tauri::command]
pub fn drop_message_store(workbench: State<'_, Workbench>, store_id: String) {
    workbench.drop_store(&store_id);
}
