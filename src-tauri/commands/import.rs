//! Commands for importing messages from a file of any size: the file is chosen in a native
//! dialog and read here in Rust (the webview gets a name and an id, never the contents or the
//! path), previewed on the blocking pool, and sent as a stream with progress and Stop; a note
//! of how far it got is kept on disk until it ends (`import_journal.rs`), so a crash is told.
//! In debug builds `SQS_PILOT_IMPORT_FILE` stands in for the dialog in the window tests
//! (`test_hooks.rs`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sqs_core::bulk::{self, BulkProgress, BulkReport};
use sqs_core::config::TourStep;
use sqs_core::import_journal::JournalSink;
use sqs_core::import_stream;
use sqs_core::message_files::{self, ImportFormat, ImportPreview};
use sqs_core::CoreError;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::commands::jobs::Jobs;
use crate::commands::tour;
use crate::error::CommandResult;
use crate::state::AppState;

/// The files the user chose, by the id the webview knows them by, and the queues an import is
/// sending into right now (one import per queue at a time).
#[derive(Default)]
pub struct ImportFiles(Mutex<HashMap<String, PathBuf>>, Mutex<HashSet<String>>);

/// A queue's claim on importing, given back when dropped (the import ended, however it ended).
struct Importing<'a> {
    running: &'a Mutex<HashSet<String>>,
    key: String,
}

impl Drop for Importing<'_> {
    fn drop(&mut self) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
    }
}

impl ImportFiles {
    /// Claims the queue for an import, or says one is already running into it.
    fn claim(&self, connection_id: &str, url: &str) -> Result<Importing<'_>, CoreError> {
        let key = format!("{connection_id} {url}");
        let mut running = self.1.lock().unwrap_or_else(|e| e.into_inner());
        if !running.insert(key.clone()) {
            return Err(CoreError::field(
                "import",
                "An import into this queue is already running. Stop it, or wait until it ends, before starting another.",
            ));
        }
        Ok(Importing {
            running: &self.1,
            key,
        })
    }

    fn path(&self, id: &str) -> Result<PathBuf, CoreError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
            .ok_or_else(|| {
                CoreError::File("Choose the file again: the app no longer has it.".into())
            })
    }
}

/// A file chosen for import, as the webview sees it.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ChosenFile {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Guessed from the name (CSV for `.csv`, JSON Lines otherwise).
    pub format: ImportFormat,
}

/// Asks which file to import; None when the user cancelled.
#[tauri::command]
pub async fn choose_import_file<R: Runtime>(
    app: AppHandle<R>,
    files: State<'_, ImportFiles>,
) -> CommandResult<Option<ChosenFile>> {
    let path = match crate::test_hooks::import_file() {
        Some(p) => PathBuf::from(p),
        None => {
            let chosen = app
                .dialog()
                .file()
                .set_title("Import messages")
                .add_filter("JSON Lines or CSV", &["jsonl", "json", "txt", "csv"])
                .blocking_pick_file();
            let Some(chosen) = chosen else {
                return Ok(None);
            };
            chosen
                .into_path()
                .map_err(|e| CoreError::File(format!("That file cannot be read: {e}")))?
        }
    };
    let bytes = std::fs::metadata(&path)
        .map_err(|e| CoreError::File(format!("{} cannot be read: {e}", path.display())))?
        .len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = uuid::Uuid::new_v4().to_string();
    files
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), path);
    Ok(Some(ChosenFile {
        id,
        format: ImportFormat::from_file_name(&name),
        name,
        bytes,
    }))
}

fn open(path: &PathBuf) -> Result<std::fs::File, CoreError> {
    std::fs::File::open(path)
        .map_err(|e| CoreError::File(format!("{} cannot be read: {e}", path.display())))
}

/// Reads the whole file once (on the blocking pool, a line at a time) and tells what it holds.
#[tauri::command]
pub async fn preview_import(
    files: State<'_, ImportFiles>,
    file_id: String,
    format: ImportFormat,
) -> CommandResult<ImportPreview> {
    let path = files.path(&file_id)?;
    let preview = tokio::task::spawn_blocking(move || -> Result<ImportPreview, CoreError> {
        Ok(message_files::preview(
            import_stream::items(open(&path)?, format),
            format,
        ))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("reading the file failed: {e}")))??;
    Ok(preview)
}

struct ProgressSink {
    channel: Channel<BulkProgress>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl bulk::BulkSink for ProgressSink {
    fn progress(&self, p: BulkProgress) {
        let _ = self.channel.send(p);
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Sends every message of the chosen file, or only `only_lines` of it (retrying the failed
/// ones), streaming it with progress; `stop_job(job_id)` stops reading, and what was read is
/// still sent and reported. `total` is the preview's count, for the progress bar.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn bulk_send(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    files: State<'_, ImportFiles>,
    connection_id: String,
    url: String,
    job_id: String,
    file_id: String,
    format: ImportFormat,
    only_lines: Option<Vec<u32>>,
    total: u32,
    on_progress: Channel<BulkProgress>,
) -> CommandResult<BulkReport> {
    let _importing = files.claim(&connection_id, &url)?;
    let client = state.client(&connection_id).await?;
    let path = files.path(&file_id)?;
    let file = open(&path)?;
    let items = import_stream::items(file, format);
    let items = match only_lines {
        Some(lines) => import_stream::only_lines(items, lines),
        None => items,
    };
    let progress = ProgressSink {
        channel: on_progress,
        stop: jobs.start(&job_id),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A note on disk of how far it got, in case the app dies before it ends.
    let sink = JournalSink::start(&progress, &sqs_core::paths::data_dir_or_temp(), &name, &url);
    let result = bulk::send_items(&client, &url, items, total, 8, &sink).await;
    sink.finish();
    jobs.finish(&job_id);
    if matches!(&result, Ok(r) if r.sent > 0) {
        tour::mark(&state, TourStep::Sent).await;
    }
    Ok(result?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_import_per_queue_at_a_time() {
        let files = ImportFiles::default();
        let first = files.claim("c", "http://h/1/q").unwrap();
        let again = files.claim("c", "http://h/1/q").err().expect("refused");
        assert!(again.to_string().contains("already running"), "{again}");
        assert!(
            files.claim("c", "http://h/1/other").is_ok(),
            "another queue"
        );
        drop(first);
        assert!(
            files.claim("c", "http://h/1/q").is_ok(),
            "free again once it ended"
        );
    }
}
