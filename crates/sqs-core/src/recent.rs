//! Recently sent messages, kept per queue in the app's data dir so a body and its attributes can
//! be sent again. Only what the user typed into the send form is kept (never credentials); big
//! bodies are not kept, and the file stays small.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atomic_file;
use crate::connection::ConnectionSettings;
use crate::messages::{AttributeValue, OutgoingMessage};
use crate::CoreError;

/// Messages kept per queue.
pub const PER_QUEUE: usize = 10;
/// Queues kept (the least recently used is forgotten first).
pub const QUEUES: usize = 100;
/// Bodies larger than this are not kept.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A message as it was sent from the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentMessage {
    pub body: String,
    pub attributes: Vec<AttributeValue>,
    pub group_id: Option<String>,
}

/// What the send form shows: the recent messages, and whether they are kept for this connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RecentMessages {
    pub messages: Vec<RecentMessage>,
    /// Whether messages sent on this connection are kept.
    pub kept: bool,
    /// Whether it is an AWS connection (kept only when the user turned it on).
    pub aws: bool,
}

/// Whether messages sent on a connection are kept: always for local endpoints and the sandbox,
/// for AWS only when the user turned it on.
pub fn kept_for(settings: &ConnectionSettings, keep_for_aws: bool) -> (bool, bool) {
    let aws = !matches!(settings, ConnectionSettings::Endpoint { .. });
    (!aws || keep_for_aws, aws)
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    /// Queue URL → (last use in ms, messages, newest first).
    queues: BTreeMap<String, (i64, Vec<RecentMessage>)>,
}

/// The `recent-messages.json` file in a directory.
pub struct RecentStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl RecentStore {
    pub fn new(dir: &Path) -> Self {
        RecentStore {
            path: dir.join("recent-messages.json"),
            lock: Mutex::new(()),
        }
    }

    fn read(&self) -> File {
        // A damaged or missing file only loses the history: start again.
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The messages recently sent to a queue, newest first.
    pub fn list(&self, queue_url: &str) -> Vec<RecentMessage> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.read()
            .queues
            .remove(queue_url)
            .map(|(_, list)| list)
            .unwrap_or_default()
    }

    /// Forgets every recently sent message, on every queue.
    pub fn clear(&self) -> Result<(), CoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CoreError::File(format!(
                "Could not delete {}: {}",
                self.path.display(),
                atomic_file::describe(&e)
            ))),
            _ => Ok(()),
        }
    }

    /// Remembers a message sent to a queue (moved to the front if it was there already).
    pub fn remember(
        &self,
        queue_url: &str,
        m: &OutgoingMessage,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        if m.body.len() > MAX_BODY_BYTES {
            return Ok(());
        }
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.read();
        let entry = RecentMessage {
            body: m.body.clone(),
            attributes: m.attributes.clone(),
            group_id: m.group_id.clone(),
        };
        let (used, list) = file.queues.entry(queue_url.to_string()).or_default();
        *used = now_ms;
        list.retain(|e| e != &entry);
        list.insert(0, entry);
        list.truncate(PER_QUEUE);
        while file.queues.len() > QUEUES {
            let oldest = file
                .queues
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => file.queues.remove(&k),
                None => break,
            };
        }
        let fail = |e: std::io::Error| {
            CoreError::File(format!(
                "Could not save the recent messages in {}: {}",
                self.path.display(),
                atomic_file::describe(&e)
            ))
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        atomic_file::private_dir(dir).map_err(fail)?;
        let json = serde_json::to_vec(&file).map_err(|e| CoreError::Internal(e.to_string()))?;
        atomic_file::replace(&self.path, |w| w.write_all(&json)).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &str) -> OutgoingMessage {
        OutgoingMessage {
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn clear_forgets_everything_and_aws_is_kept_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let store = RecentStore::new(dir.path());
        store.remember("q1", &msg("a"), 1).unwrap();
        store.clear().unwrap();
        assert!(store.list("q1").is_empty());
        store.clear().unwrap();
        let aws = ConnectionSettings::AccessKeys {
            region: "eu-west-1".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        };
        let local = ConnectionSettings::Endpoint {
            url: "http://127.0.0.1:9324".into(),
            region: "us-east-1".into(),
            access_key_id: None,
        };
        assert_eq!(kept_for(&aws, false), (false, true));
        assert_eq!(kept_for(&aws, true), (true, true));
        assert_eq!(kept_for(&local, false), (true, false));
    }

    #[test]
    fn newest_first_no_repeats_capped_and_kept_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let store = RecentStore::new(dir.path());
        for i in 0..12 {
            store.remember("q1", &msg(&format!("m{i}")), i).unwrap();
        }
        store.remember("q1", &msg("m5"), 20).unwrap();
        store.remember("q2", &msg("other"), 21).unwrap();
        let again = RecentStore::new(dir.path());
        let list: Vec<String> = again.list("q1").into_iter().map(|m| m.body).collect();
        assert_eq!(list.len(), PER_QUEUE);
        assert_eq!(&list[..3], ["m5", "m11", "m10"]);
        assert_eq!(list.iter().filter(|b| *b == "m5").count(), 1);
        assert_eq!(again.list("q2")[0].body, "other");
        assert!(again.list("q3").is_empty());
    }

    #[test]
    fn big_bodies_are_not_kept_and_a_damaged_file_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = RecentStore::new(dir.path());
        store
            .remember("q", &msg(&"x".repeat(MAX_BODY_BYTES + 1)), 1)
            .unwrap();
        assert!(store.list("q").is_empty());
        std::fs::write(dir.path().join("recent-messages.json"), "{not json").unwrap();
        assert!(store.list("q").is_empty());
        store.remember("q", &msg("fine"), 2).unwrap();
        assert_eq!(store.list("q")[0].body, "fine");
    }
}
