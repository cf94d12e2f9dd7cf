//! Commands over a queue page's polled messages held in Rust (`sqs_core::workbench`): the
//! filter's query, facets, the field names to complete, forgetting messages that were deleted or
//! moved, and dropping a page's store. Queries run on the blocking pool: 100,000 messages never
//! hold up the async runtime.

use std::collections::HashSet;

use sqs_core::workbench::{FacetAnswer, QueryAnswer, Workbench};
use sqs_core::CoreError;
use tauri::State;

use crate::error::CommandResult;

/// The most facet values asked for at once.
const MAX_TOP: u32 = 100;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> CommandResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::Internal(e.to_string()).into())
}

/// Which of the page's messages `query` matches (a bitmap by sequence number), or where the
/// query is wrong.
#[tauri::command]
pub async fn query_messages(
    workbench: State<'_, Workbench>,
    store_id: String,
    query: String,
) -> CommandResult<QueryAnswer> {
    let store = workbench.store(&store_id, false);
    blocking(move || {
        store
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .query(&query)
    })
    .await
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
    let store = workbench.store(&store_id, false);
    let top = top.clamp(1, MAX_TOP) as usize;
    blocking(move || {
        store
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .facet(&query, &field, top)
    })
    .await
}

/// The field names a query can use, from the page's messages.
#[tauri::command]
pub async fn message_fields(
    workbench: State<'_, Workbench>,
    store_id: String,
) -> CommandResult<Vec<String>> {
    let store = workbench.store(&store_id, false);
    blocking(move || store.read().unwrap_or_else(|e| e.into_inner()).fields()).await
}

/// A message's body indented as JSON (None when it is not JSON), formatted here rather than in
/// the window: a 1 MiB body never holds up the page's thread.
#[tauri::command]
pub async fn format_body(
    workbench: State<'_, Workbench>,
    store_id: String,
    message_id: String,
) -> CommandResult<Option<String>> {
    let store = workbench.store(&store_id, false);
    blocking(move || {
        store
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .pretty_body(&message_id)
    })
    .await
}

/// The page deleted or moved these messages: they leave its store.
#[tauri::command]
pub async fn forget_messages(
    workbench: State<'_, Workbench>,
    store_id: String,
    message_ids: Vec<String>,
) -> CommandResult<()> {
    let store = workbench.store(&store_id, false);
    let ids: HashSet<String> = message_ids.into_iter().collect();
    blocking(move || {
        store
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .forget(&ids)
    })
    .await
}

/// The page closed: its messages are dropped.
#[tauri::command]
pub fn drop_message_store(workbench: State<'_, Workbench>, store_id: String) {
    workbench.drop_store(&store_id);
}
