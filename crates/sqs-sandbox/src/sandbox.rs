//! The sandbox's state: the database, per-queue wake-ups for long polls, and identity
//! (region, account, base URL). Operations live in `queue_ops.rs`, `message_ops.rs`,
//! `redrive_ops.rs`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};
use tokio::sync::Notify;

use crate::attributes::Attrs;
use crate::clock::{Clock, SystemClock};
use crate::error::{SqsError, SqsResult};
use crate::store::CachedSql;

/// How the sandbox is set up.
#[derive(Debug, Clone)]
pub struct Config {
    pub region: String,
    pub account_id: String,
    /// None: in memory.
    pub data_dir: Option<PathBuf>,
    /// Messages in flight per queue before ReceiveMessage answers OverLimit (SQS: 120,000).
    pub max_in_flight: i64,
    /// Host names answered besides the loopback names and the listen address (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Threads of the sandbox's own runtime. One is the default: every operation takes the one
    /// SQLite connection anyway, and a second thread only added lock hand-offs (perf: CPU per
    /// batched message 20.6 µs with two threads, 14.7 µs with one, and more messages per second).
    pub worker_threads: usize,
    /// Where time is read (the real time unless a test moves a `ManualClock`).
    pub clock: Arc<dyn Clock>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            data_dir: None,
            max_in_flight: 120_000,
            allow_hosts: Vec::new(),
            worker_threads: 1,
            clock: Arc::new(SystemClock),
        }
    }
}

/// A queue row.
#[derive(Debug, Clone)]
pub struct Queue {
    pub name: String,
    pub fifo: bool,
    pub attrs: Attrs,
    pub created: i64,
    pub modified: i64,
    pub last_purge: i64,
}

impl Queue {
    pub fn num(&self, name: &str) -> i64 {
        self.attrs
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// The running sandbox's shared state.
pub struct Sandbox {
    pub config: Config,
    db: Mutex<Connection>,
    wakers: Mutex<HashMap<String, Arc<Notify>>>,
    base_url: Mutex<String>,
    /// Per queue: an upper bound of its messages in flight and when it was last counted (ms),
    /// so a receive does not count every in-flight row (see `in_flight_bound`).
    in_flight: Mutex<HashMap<String, (i64, i64)>>,
    /// How many times a ReceiveMessage looked for messages (each long-poll wake-up is one).
    receive_scans: std::sync::atomic::AtomicU64,
    /// Requests refused as possibly sent by a web page (host guard, a state-changing GET).
    refused: std::sync::atomic::AtomicU64,
    /// Message move tasks whose loop is alive (a cancelled task counts until its loop has ended).
    pub(crate) move_tasks_running: Arc<std::sync::atomic::AtomicUsize>,
}

impl Sandbox {
    /// How many message move tasks are still moving or finishing a step: once it is 0 after a
    /// cancel or a stop, nothing moves any more.
    pub fn move_tasks_running(&self) -> usize {
        self.move_tasks_running
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Milliseconds since the Unix epoch, by the sandbox's clock.
    pub fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }

    pub fn open(config: Config) -> rusqlite::Result<Arc<Sandbox>> {
        let db = crate::store::open(config.data_dir.as_deref())?;
        Ok(Arc::new(Sandbox {
            config,
            db: Mutex::new(db),
            wakers: Mutex::new(HashMap::new()),
            base_url: Mutex::new("http://127.0.0.1".into()),
            in_flight: Mutex::new(HashMap::new()),
            receive_scans: Default::default(),
            refused: Default::default(),
            move_tasks_running: Default::default(),
        }))
    }

    /// An upper bound of the messages in flight on `queue`, for the OverLimit check of a receive
    /// that may take `taking` more. Counting in-flight rows costs a scan, so the exact count is
    /// kept for up to a second and raised by what each receive may take; deletes only make the
    /// bound looser, and a bound near the limit is counted again, so the check never lets a
    /// queue past the limit.
    pub fn in_flight_bound(
        &self,
        conn: &Connection,
        queue: &str,
        now: i64,
        taking: i64,
    ) -> rusqlite::Result<i64> {
        let mut cache = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((bound, at)) = cache.get_mut(queue) {
            if now - *at < 1000 && *bound + taking < self.config.max_in_flight {
                let current = *bound;
                *bound += taking;
                return Ok(current);
            }
        }
        let exact: i64 = conn.row(
            "SELECT COUNT(*) FROM messages INDEXED BY messages_by_visibility
             WHERE queue = ?1 AND visible_at > ?2 AND receipt IS NOT NULL",
            rusqlite::params![queue, now],
            |r| r.get(0),
        )?;
        cache.insert(queue.to_string(), (exact + taking, now));
        Ok(exact)
    }

    /// How many times a ReceiveMessage has looked for messages: the cost of long polls that
    /// wake up for nothing shows here.
    pub fn receive_scans(&self) -> u64 {
        self.receive_scans
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn count_receive_scan(&self) {
        self.receive_scans
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many requests were refused as possibly sent by a web page.
    pub fn refused_requests(&self) -> u64 {
        self.refused.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn count_refused(&self) {
        self.refused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn set_base_url(&self, url: String) {
        *self.base_url.lock().unwrap_or_else(|e| e.into_inner()) = url;
    }

    pub fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The wake-up for long polls on a queue.
    pub fn waker(&self, queue: &str) -> Arc<Notify> {
        self.wakers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(queue.to_string())
            .or_default()
            .clone()
    }

    /// Wakes every long poll on a queue (the queue itself changed).
    pub fn wake(&self, queue: &str) {
        self.waker(queue).notify_waiters();
    }

    /// Wakes at most `messages` long polls on a queue: as many as the messages that became
    /// receivable can satisfy. A poll that takes a full batch passes the wake-up on (see
    /// `receive_message`), so no message waits while a poll sleeps.
    pub fn wake_for(&self, queue: &str, messages: usize) {
        let waker = self.waker(queue);
        for _ in 0..messages {
            waker.notify_one();
        }
    }

    pub fn queue_url(&self, name: &str) -> String {
        format!(
            "{}/{}/{}",
            self.base_url.lock().unwrap_or_else(|e| e.into_inner()),
            self.config.account_id,
            name
        )
    }

    pub fn queue_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:sqs:{}:{}:{}",
            self.config.region, self.config.account_id, name
        )
    }

    /// The queue name of an ARN of this sandbox.
    pub fn name_from_arn(&self, arn: &str) -> Option<String> {
        let prefix = format!(
            "arn:aws:sqs:{}:{}:",
            self.config.region, self.config.account_id
        );
        arn.strip_prefix(&prefix).map(str::to_string)
    }

    /// Resolves a QueueUrl by its path, whatever the host: `.../ACCOUNT/NAME`.
    pub fn name_from_url(url: &str) -> SqsResult<String> {
        let path = url
            .split("://")
            .nth(1)
            .map_or(url, |rest| rest.split_once('/').map_or("", |(_, p)| p));
        let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if name.is_empty() {
            return Err(SqsError::queue_does_not_exist());
        }
        Ok(name.to_string())
    }

    pub fn load_queue(conn: &Connection, name: &str) -> SqsResult<Queue> {
        Self::find_queue(conn, name)?.ok_or_else(SqsError::queue_does_not_exist)
    }

    pub fn find_queue(conn: &Connection, name: &str) -> SqsResult<Option<Queue>> {
        let q = conn
            .row(
                "SELECT name, fifo, attrs, created, modified, last_purge FROM queues WHERE name = ?1",
                [name],
                |r| {
                    let attrs: String = r.get(2)?;
                    Ok(Queue {
                        name: r.get(0)?,
                        fifo: r.get::<_, i64>(1)? != 0,
                        attrs: serde_json::from_str(&attrs).unwrap_or_default(),
                        created: r.get(3)?,
                        modified: r.get(4)?,
                        last_purge: r.get(5)?,
                    })
                },
            )
            .optional()?;
        Ok(q)
    }

    /// Drops messages past their retention period.
    pub fn expire(conn: &Connection, queue: &str, now: i64) -> SqsResult<()> {
        conn.exec(
            "DELETE FROM messages WHERE queue = ?1 AND expires_at <= ?2",
            rusqlite::params![queue, now],
        )?;
        Ok(())
    }
}
