//! A note on disk of the import in progress, so that if the app dies mid-import (a crash, a
//! `kill -9`, a power cut) the next start can say which lines were sent. It is rewritten
//! (atomically, on the blocking pool) at most twice a second from the progress, and removed
//! when the import ends.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::atomic_file;
use crate::bulk::{BulkProgress, BulkSink};

const FILE: &str = "import-in-progress.json";

/// What the note holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportNote {
    /// The file's name (not its path).
    pub file: String,
    pub queue_url: String,
    /// Every line up to this one was sent or failed.
    pub done_up_to: u32,
    pub sent: u32,
    pub failed: u32,
}

impl ImportNote {
    /// What the user is told at the next start.
    pub fn sentence(&self) -> String {
        let queue = self.queue_url.rsplit('/').next().unwrap_or(&self.queue_url);
        if self.done_up_to == 0 {
            return format!(
                "An import of {} into {queue} was cut off when the app closed, before its first lines were confirmed. Check the queue before importing the file again.",
                self.file
            );
        }
        format!(
            "An import of {} into {queue} was cut off when the app closed: lines 1 to {} were handled ({} sent, {} not sent). Lines after {} may or may not have been sent: check the queue before importing them again.",
            self.file, self.done_up_to, self.sent, self.failed, self.done_up_to
        )
    }
}

/// The note's file: writes happen on the blocking pool (never on an async worker), so they
/// may finish out of order; a write older than the last one, or after the import ended, is
/// dropped.
struct NoteFile {
    path: PathBuf,
    /// (the done_up_to last written, the import has ended)
    state: Mutex<(Option<u32>, bool)>,
}

impl NoteFile {
    fn write(&self, note: &ImportNote) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (written, ended) = &mut *state;
        if *ended || written.is_some_and(|w| note.done_up_to < w) {
            return;
        }
        let Ok(json) = serde_json::to_vec(note) else {
            return;
        };
        if let Some(dir) = self.path.parent() {
            let _ = atomic_file::private_dir(dir);
        }
        match atomic_file::replace(&self.path, |w| w.write_all(&json)) {
            Ok(()) => *written = Some(note.done_up_to),
            Err(e) => tracing::warn!("the import's progress note could not be written: {e}"),
        }
    }

    /// Writes on the blocking pool when there is a runtime, else here.
    fn persist(self: &Arc<Self>, note: ImportNote) {
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let file = self.clone();
                rt.spawn_blocking(move || file.write(&note));
            }
            Err(_) => self.write(&note),
        }
    }

    fn end(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1 = true;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Passes progress on to another sink and keeps the note on disk up to date.
pub struct JournalSink<'a> {
    inner: &'a dyn BulkSink,
    file: Arc<NoteFile>,
    note: Mutex<(ImportNote, Option<Instant>)>,
}

impl<'a> JournalSink<'a> {
    /// Starts the note in `dir` for an import of `file` into `queue_url`.
    pub fn start(inner: &'a dyn BulkSink, dir: &Path, file: &str, queue_url: &str) -> Self {
        let note = ImportNote {
            file: file.into(),
            queue_url: queue_url.into(),
            ..Default::default()
        };
        let sink = JournalSink {
            inner,
            file: Arc::new(NoteFile {
                path: dir.join(FILE),
                state: Mutex::new((None, false)),
            }),
            note: Mutex::new((note.clone(), None)),
        };
        sink.file.persist(note);
        sink
    }

    /// The import ended (finished, stopped or failed with a report): the note goes, and no
    /// write still in flight brings it back.
    pub fn finish(self) {
        self.file.end();
    }
}

impl BulkSink for JournalSink<'_> {
    fn progress(&self, p: BulkProgress) {
        self.inner.progress(p);
        let mut guard = self.note.lock().unwrap_or_else(|e| e.into_inner());
        let (note, written) = &mut *guard;
        if p.done_up_to == note.done_up_to {
            return;
        }
        note.done_up_to = p.done_up_to;
        note.sent = p.sent;
        note.failed = p.failed;
        if written.is_none_or(|t| t.elapsed() >= Duration::from_millis(500)) {
            *written = Some(Instant::now());
            let note = note.clone();
            drop(guard);
            self.file.persist(note);
        }
    }

    fn cancelled(&self) -> bool {
        self.inner.cancelled()
    }
}

/// The note an import left behind when the app died, if any (it is removed: told once).
pub fn take_leftover(dir: &Path) -> Option<ImportNote> {
    let path = dir.join(FILE);
    let note = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let _ = std::fs::remove_file(&path);
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;
    impl BulkSink for Quiet {
        fn progress(&self, _: BulkProgress) {}
        fn cancelled(&self) -> bool {
            false
        }
    }

    #[test]
    fn a_finished_import_leaves_no_note_and_a_cut_off_one_says_where_it_got() {
        let dir = tempfile::tempdir().unwrap();
        let sink = JournalSink::start(&Quiet, dir.path(), "orders.jsonl", "http://h/1/orders");
        sink.progress(BulkProgress {
            sent: 40,
            failed: 2,
            total: 100,
            done_up_to: 42,
        });
        // The app dies here: the note is what the next start reads.
        let note = take_leftover(dir.path()).unwrap();
        assert_eq!((note.done_up_to, note.sent, note.failed), (42, 40, 2));
        let s = note.sentence();
        assert!(
            s.contains("lines 1 to 42") && s.contains("into orders"),
            "{s}"
        );
        assert!(take_leftover(dir.path()).is_none(), "told once");
        let sink = JournalSink::start(&Quiet, dir.path(), "orders.jsonl", "http://h/1/orders");
        sink.finish();
        assert!(take_leftover(dir.path()).is_none());
    }
}
