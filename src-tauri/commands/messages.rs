//! Commands for messages: send (remembered per queue: `recent.rs`), poll (streamed to the UI
//! in chunks over a channel, stoppable), delete, change visibility, and export to a file chosen
//! in a save dialog. Import from a file: `import.rs`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sqs_core::message_files;
use sqs_core::messages::{
    self, EntryOutcome, MessageHandle, OutgoingMessage, PollSettings, PollSink, ReceivedMessage,
    SentMessage,
};
use sqs_core::recent::RecentStore;
use sqs_core::workbench::{MessageStore, PolledBatch, Workbench};
use sqs_core::CoreError;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::jobs::Jobs;
use crate::commands::tour;
use crate::error::CommandResult;
use crate::state::AppState;
use sqs_core::config::TourStep;

/// Hands received messages to the page's store and to the window in chunks: whatever arrived in
/// the last 100 ms goes as one channel message, not one per receive of 10 (a poll of 10,000
/// would be a thousand IPC messages, each evaluated as a script by the page; chunks of 8 KiB and
/// more travel as data). A chunk says how many arrived and the store's number of the first: the
/// table then asks for the rows it draws.
struct ChannelSink {
    channel: Channel<PolledBatch>,
    store: Arc<std::sync::RwLock<MessageStore>>,
    stop: Arc<AtomicBool>,
    buffer: Mutex<Vec<ReceivedMessage>>,
}

impl ChannelSink {
    fn flush(&self) {
        // One flush at a time: the store's numbers and the window's order agree.
        let mut buffer = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        let messages = std::mem::take(&mut *buffer);
        if messages.is_empty() {
            return;
        }
        // Flattening a chunk's JSON and waiting for the store's lock are blocking work: the
        // runtime's other tasks move to another thread meanwhile.
        let first_seq = tokio::task::block_in_place(|| {
            self.store
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .add(&messages)
        });
        if self
            .channel
            .send(PolledBatch::of(first_seq, &messages))
            .is_err()
        {
            // The window is gone: stop receiving.
            self.stop.store(true, Ordering::SeqCst);
        }
    }
}

impl PollSink for ChannelSink {
    fn deliver(&self, batch: Vec<ReceivedMessage>) {
        self.buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(batch);
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
    fn releasing(&self, count: usize) {
        self.flush();
        let _ = self.channel.send(PolledBatch {
            releasing: count as u32,
            ..PolledBatch::of(0, &[])
        });
    }
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    recent: State<'_, Arc<RecentStore>>,
    connection_id: String,
    url: String,
    message: OutgoingMessage,
) -> CommandResult<SentMessage> {
    let client = state.client(&connection_id).await?;
    let sent = messages::send_message(&client, &url, &message).await?;
    tour::mark(&state, TourStep::Sent).await;
    crate::commands::recent::remember(&state, recent.inner().clone(), &connection_id, url, message)
        .await;
    Ok(sent)
}

/// Polls into the page's store (emptied first); each batch of received messages also goes to
/// `on_batch`. Returns how many were received.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn poll_messages(
    state: State<'_, AppState>,
    polls: State<'_, Jobs>,
    workbench: State<'_, Workbench>,
    connection_id: String,
    url: String,
    poll_id: String,
    store_id: String,
    settings: PollSettings,
    on_batch: Channel<PolledBatch>,
) -> CommandResult<usize> {
    let client = state.client(&connection_id).await?;
    let sink = Arc::new(ChannelSink {
        channel: on_batch,
        store: workbench.store(&store_id, true),
        stop: polls.start(&poll_id),
        buffer: Mutex::new(Vec::new()),
    });
    let flusher = {
        let sink = sink.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
            loop {
                tick.tick().await;
                sink.flush();
            }
        })
    };
    let result = messages::poll(&client, &url, &settings, sink.as_ref()).await;
    flusher.abort();
    sink.flush();
    polls.finish(&poll_id);
    if matches!(result, Ok(n) if n > 0) {
        tour::mark(&state, TourStep::Polled).await;
    }
    Ok(result?)
}

#[tauri::command]
pub async fn delete_messages(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
    handles: Vec<MessageHandle>,
) -> CommandResult<Vec<EntryOutcome>> {
    let client = state.client(&connection_id).await?;
    let outcomes = messages::delete_messages(&client, &url, &handles).await?;
    if outcomes.iter().any(|o| o.ok) {
        tour::mark(&state, TourStep::Deleted).await;
    }
    Ok(outcomes)
}

/// Changes how long messages stay in flight; 0 releases them now.
#[tauri::command]
pub async fn change_visibility(
    state: State<'_, AppState>,
    connection_id: String,
    url: String,
    handles: Vec<MessageHandle>,
    visibility_s: u32,
) -> CommandResult<Vec<EntryOutcome>> {
    let client = state.client(&connection_id).await?;
    Ok(messages::change_visibility(&client, &url, &handles, visibility_s).await?)
}

/// Asks where to save, then writes the page's polled messages with these ids (all of them when
/// none are given) as JSON Lines there, from the store: the window never sends them back. Returns the path written,
/// or None when the user cancelled the dialog. The webview never sees a file path it did not
/// get from here.
#[tauri::command]
pub async fn export_messages<R: Runtime>(
    app: AppHandle<R>,
    workbench: State<'_, Workbench>,
    store_id: String,
    seqs: Option<Vec<u32>>,
    suggested_name: String,
) -> CommandResult<Option<String>> {
    let store = workbench.store(&store_id, false);
    let path = match crate::test_hooks::export_file() {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let chosen = app
                .dialog()
                .file()
                .set_title("Export messages")
                .set_file_name(&suggested_name)
                .add_filter("JSON Lines", &["jsonl"])
                .blocking_save_file();
            let Some(chosen) = chosen else {
                return Ok(None);
            };
            chosen
                .into_path()
                .map_err(|e| CoreError::File(format!("That location cannot be written to: {e}")))?
        }
    };
    let written = path.clone();
    tokio::task::spawn_blocking(move || {
        let held = store.read().unwrap_or_else(|e| e.into_inner());
        let messages = match seqs {
            Some(seqs) => held.get(&seqs),
            None => held.all(),
        };
        drop(held);
        message_files::write_json_lines(&written, &messages)
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))??;
    Ok(Some(path.display().to_string()))
}
