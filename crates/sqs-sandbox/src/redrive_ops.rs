//! Dead-letter redrive: message move tasks (start, list, cancel), moving messages from a DLQ
//! back to their source queues or to a chosen queue at the requested rate.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use crate::attributes::parse_redrive_policy;
use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::Sandbox;
use crate::store::CachedSql;

/// The rate when the caller gives none (SQS's ceiling).
const DEFAULT_RATE: i64 = 500;

impl Sandbox {
    fn is_dead_letter_queue(&self, arn: &str) -> SqsResult<bool> {
        let conn = self.db();
        let mut stmt = conn.prepare_cached("SELECT attrs FROM queues")?;
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(all.iter().any(|a| {
            serde_json::from_str::<crate::attributes::Attrs>(a)
                .ok()
                .and_then(|m| {
                    m.get("RedrivePolicy")
                        .and_then(|p| parse_redrive_policy(p).ok())
                })
                .is_some_and(|(t, _)| t == arn)
        }))
    }

    pub fn start_message_move_task(self: &Arc<Self>, req: &Req) -> SqsResult<Value> {
        let source_arn = req.str("SourceArn")?.to_string();
        let dest_arn = req.opt_str("DestinationArn")?.map(str::to_string);
        let rate = req.opt_i64("MaxNumberOfMessagesPerSecond")?;
        if rate.is_some_and(|r| !(1..=500).contains(&r)) {
            return Err(SqsError::invalid_parameter(
                "MaxNumberOfMessagesPerSecond must be between 1 and 500.",
            ));
        }
        let source = self
            .name_from_arn(&source_arn)
            .filter(|n| Self::find_queue(&self.db(), n).ok().flatten().is_some())
            .ok_or_else(|| {
                SqsError::resource_not_found(format!(
                    "The source queue {source_arn} does not exist."
                ))
            })?;
        if !self.is_dead_letter_queue(&source_arn)? {
            return Err(SqsError::invalid_parameter(format!(
                "Source queue {source_arn} must be configured as a dead-letter queue of another queue."
            )));
        }
        if let Some(d) = &dest_arn {
            let ok = self
                .name_from_arn(d)
                .is_some_and(|n| Self::find_queue(&self.db(), &n).ok().flatten().is_some());
            if !ok {
                return Err(SqsError::resource_not_found(format!(
                    "The destination queue {d} does not exist."
                )));
            }
        }
        let handle = {
            let conn = self.db();
            let running: Option<String> = conn
                .row(
                    "SELECT handle FROM move_tasks WHERE source_arn = ?1 AND status = 'RUNNING'",
                    [&source_arn],
                    |r| r.get(0),
                )
                .optional()?;
            if running.is_some() {
                return Err(SqsError::unsupported(format!(
                    "There is already a running message move task for {source_arn}."
                )));
            }
            let now = self.now_ms();
            let (available, _, _) = Self::counts(&conn, &source, now)?;
            let handle = base64::engine::general_purpose::STANDARD.encode(
                json!({ "taskId": uuid::Uuid::new_v4().to_string(), "sourceArn": source_arn })
                    .to_string(),
            );
            conn.exec(
                "INSERT INTO move_tasks (handle, source_arn, destination_arn, rate, status, to_move, started) VALUES (?1, ?2, ?3, ?4, 'RUNNING', ?5, ?6)",
                params![handle, source_arn, dest_arn, rate, available, now],
            )?;
            handle
        };
        let sandbox = self.clone();
        let h = handle.clone();
        let alive = TaskAlive::new(&self.move_tasks_running);
        tokio::spawn(async move {
            let _alive = alive;
            sandbox
                .run_move_task(h, source, dest_arn, rate.unwrap_or(DEFAULT_RATE))
                .await
        });
        Ok(json!({ "TaskHandle": handle }))
    }

    /// Moves messages in one-second steps of at most `rate`, until the DLQ is empty or the task is cancelled.
    async fn run_move_task(
        self: Arc<Self>,
        handle: String,
        source: String,
        dest_arn: Option<String>,
        rate: i64,
    ) {
        loop {
            let step_started = tokio::time::Instant::now();
            let result: SqsResult<bool> = (|| {
                let conn = self.db();
                let status: String = conn.row(
                    "SELECT status FROM move_tasks WHERE handle = ?1",
                    [&handle],
                    |r| r.get(0),
                )?;
                if status != "RUNNING" {
                    return Ok(true);
                }
                let now = self.now_ms();
                let mut stmt = conn.prepare_cached(
                    "SELECT rowid, dlq_source FROM messages WHERE queue = ?1 AND visible_at <= ?2 ORDER BY rowid LIMIT ?3",
                )?;
                let rows: Vec<(i64, Option<String>)> = stmt
                    .query_map(params![source, now, rate], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                drop(stmt);
                let tx = conn.unchecked_transaction()?;
                let mut moved = 0;
                for (rowid, origin) in &rows {
                    let target = dest_arn
                        .clone()
                        .or_else(|| origin.clone())
                        .and_then(|a| self.name_from_arn(&a));
                    let Some(target) =
                        target.filter(|t| Self::find_queue(&tx, t).ok().flatten().is_some())
                    else {
                        tx.exec(
                            "UPDATE move_tasks SET status = 'FAILED', failure = 'A message has no source queue to return to (it was not moved here by a redrive policy), or its source queue was deleted. Choose a destination queue.' WHERE handle = ?1",
                            [&handle],
                        )?;
                        tx.commit()?;
                        return Ok(true);
                    };
                    tx.exec(
                        "UPDATE messages SET queue = ?2, receipt = NULL, receive_count = 0, first_receive = NULL, visible_at = ?3, dlq_source = NULL WHERE rowid = ?1",
                        params![rowid, target, now],
                    )?;
                    moved += 1;
                }
                tx.exec(
                    "UPDATE move_tasks SET moved = moved + ?2 WHERE handle = ?1",
                    params![handle, moved],
                )?;
                let done = (rows.len() as i64) < rate;
                if done {
                    tx.exec(
                        "UPDATE move_tasks SET status = 'COMPLETED' WHERE handle = ?1",
                        [&handle],
                    )?;
                }
                tx.commit()?;
                Ok(done)
            })();
            match result {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => {
                    let _ = self.db().exec(
                        "UPDATE move_tasks SET status = 'FAILED', failure = ?2 WHERE handle = ?1",
                        params![handle, e.message],
                    );
                    return;
                }
            }
            tokio::time::sleep_until(step_started + Duration::from_secs(1)).await;
        }
    }

    pub fn list_message_move_tasks(&self, req: &Req) -> SqsResult<Value> {
        let source_arn = req.str("SourceArn")?;
        let max = req.opt_i64("MaxResults")?.unwrap_or(1);
        if !(1..=10).contains(&max) {
            return Err(SqsError::invalid_parameter(
                "MaxResults must be between 1 and 10.",
            ));
        }
        let conn = self.db();
        let mut stmt = conn.prepare_cached(
            "SELECT handle, destination_arn, rate, status, moved, to_move, started, failure FROM move_tasks WHERE source_arn = ?1 ORDER BY started DESC, rowid DESC LIMIT ?2",
        )?;
        let tasks: Vec<Value> = stmt
            .query_map(params![source_arn, max], |r| {
                let status: String = r.get(3)?;
                let mut t = json!({
                    "Status": status,
                    "SourceArn": source_arn,
                    "ApproximateNumberOfMessagesMoved": r.get::<_, i64>(4)?,
                    "ApproximateNumberOfMessagesToMove": r.get::<_, i64>(5)?,
                    "StartedTimestamp": r.get::<_, i64>(6)?,
                });
                if status == "RUNNING" {
                    t["TaskHandle"] = Value::String(r.get(0)?);
                }
                if let Some(d) = r.get::<_, Option<String>>(1)? {
                    t["DestinationArn"] = Value::String(d);
                }
                if let Some(rate) = r.get::<_, Option<i64>>(2)? {
                    t["MaxNumberOfMessagesPerSecond"] = json!(rate);
                }
                if let Some(f) = r.get::<_, Option<String>>(7)? {
                    t["FailureReason"] = Value::String(f);
                }
                Ok(t)
            })?
            .collect::<Result<_, _>>()?;
        Ok(json!({ "Results": tasks }))
    }

    pub fn cancel_message_move_task(&self, req: &Req) -> SqsResult<Value> {
        let handle = req.str("TaskHandle")?;
        let conn = self.db();
        let row: Option<(String, i64)> = conn
            .row(
                "SELECT status, moved FROM move_tasks WHERE handle = ?1",
                [handle],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((status, moved)) if status == "RUNNING" => {
                conn.exec(
                    "UPDATE move_tasks SET status = 'CANCELLED' WHERE handle = ?1",
                    [handle],
                )?;
                Ok(json!({ "ApproximateNumberOfMessagesMoved": moved }))
            }
            _ => Err(SqsError::resource_not_found(
                "The task handle does not name a running message move task.",
            )),
        }
    }
}

/// Counts a move task as running until its future ends or is dropped (a stop drops it).
struct TaskAlive(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl TaskAlive {
    fn new(count: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> TaskAlive {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        TaskAlive(count.clone())
    }
}

impl Drop for TaskAlive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
