//! ReceiveMessage: the scan for visible messages (FIFO in group order, standard by visibility),
//! a message received too often moved to its dead-letter queue, long polls woken by sends, and
//! the answer with the system and message attributes asked for.

use std::future::Future;
use std::time::Duration;

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::attributes::parse_redrive_policy;
use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::{Queue, Sandbox};
use crate::store::CachedSql;
use crate::validate::{self, md5_of_attributes};

use crate::message_ops::receipt_for;

impl Sandbox {
    /// One receive attempt: takes up to `max` visible messages (FIFO: not from a group with a
    /// message in flight), moving to the DLQ those past maxReceiveCount.
    fn try_receive(
        &self,
        name: &str,
        max: i64,
        visibility_s: i64,
        now: i64,
    ) -> SqsResult<(Queue, Vec<Row>, Option<String>)> {
        let conn = self.db();
        let q = Self::load_queue(&conn, name)?;
        Self::expire(&conn, name, now)?;
        let redrive = q
            .attrs
            .get("RedrivePolicy")
            .and_then(|p| parse_redrive_policy(p).ok());
        let blocked: std::collections::HashSet<String> = if q.fifo {
            let mut s = conn.prepare_cached(
                "SELECT DISTINCT group_id FROM messages WHERE queue = ?1 AND visible_at > ?2 AND receipt IS NOT NULL AND group_id IS NOT NULL",
            )?;
            let groups = s
                .query_map(params![name, now], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            groups
        } else {
            Default::default()
        };
        let in_flight = self.in_flight_bound(&conn, name, now, max)?;
        let limit = self.config.max_in_flight;
        if in_flight >= limit {
            return Err(SqsError::over_limit(format!(
                "The queue has {in_flight} messages in flight, the most SQS allows is {limit}. Delete messages or let their visibility timeout end."
            )));
        }
        // FIFO skips messages of groups in flight, and a redrive policy moves some away: read
        // past `max` then. Otherwise the first `max` are the ones taken (each row read carries
        // its body: reading 110 for 10 was most of a receive's work).
        let scan = if q.fifo {
            1000
        } else if redrive.is_some() {
            max + 100
        } else {
            max
        };
        // FIFO: strictly in send order (rowid). Standard queues promise only best-effort order:
        // take the messages that became visible first, straight from the visibility index, so
        // messages in flight are never scanned.
        let sql = if q.fifo {
            "SELECT rowid, message_id, body, attrs, md5_body, trace_header, sent_at, receive_count, first_receive, group_id, dedup_id, seq, dlq_source
             FROM messages INDEXED BY messages_in_order WHERE queue = ?1 AND visible_at <= ?2 ORDER BY rowid LIMIT ?3"
        } else {
            "SELECT rowid, message_id, body, attrs, md5_body, trace_header, sent_at, receive_count, first_receive, group_id, dedup_id, seq, dlq_source
             FROM messages INDEXED BY messages_by_visibility WHERE queue = ?1 AND visible_at <= ?2 ORDER BY visible_at, rowid LIMIT ?3"
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let candidates: Vec<Row> = stmt
            .query_map(params![name, now, scan], |r| {
                Ok(Row {
                    rowid: r.get(0)?,
                    message_id: r.get(1)?,
                    body: r.get(2)?,
                    attrs: r.get(3)?,
                    md5_body: r.get(4)?,
                    trace: r.get(5)?,
                    sent_at: r.get(6)?,
                    receive_count: r.get(7)?,
                    first_receive: r.get(8)?,
                    group: r.get(9)?,
                    dedup: r.get(10)?,
                    seq: r.get(11)?,
                    dlq_source: r.get(12)?,
                    receipt: String::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let tx = conn.unchecked_transaction()?;
        let mut taken = Vec::new();
        let mut moved_to = None;
        for mut row in candidates {
            if taken.len() as i64 >= max {
                break;
            }
            if row.group.as_ref().is_some_and(|g| blocked.contains(g)) {
                continue;
            }
            if let Some((dlq_arn, max_receives)) = &redrive {
                if row.receive_count >= *max_receives {
                    if let Some(dlq) = self
                        .name_from_arn(dlq_arn)
                        .filter(|d| Self::find_queue(&tx, d).ok().flatten().is_some())
                    {
                        tx.exec(
                            "UPDATE messages SET queue = ?2, receipt = NULL, visible_at = ?3, dlq_source = ?4 WHERE rowid = ?1",
                            params![row.rowid, dlq, now, self.queue_arn(name)],
                        )?;
                        moved_to = Some(dlq);
                        continue;
                    }
                }
            }
            row.receipt = receipt_for(row.rowid);
            row.receive_count += 1;
            let first = row.first_receive.unwrap_or(now);
            row.first_receive = Some(first);
            tx.exec(
                "UPDATE messages SET receipt = ?2, receive_count = ?3, first_receive = ?4, visible_at = ?5 WHERE rowid = ?1",
                params![row.rowid, row.receipt, row.receive_count, first, now + visibility_s * 1000],
            )?;
            taken.push(row);
        }
        tx.commit()?;
        Ok((q, taken, moved_to))
    }

    /// When the next message of the queue becomes visible (delay or visibility timeout ending).
    fn next_visible(&self, name: &str, now: i64) -> SqsResult<Option<i64>> {
        Ok(self
            .db()
            .row(
                "SELECT MIN(visible_at) FROM messages WHERE queue = ?1 AND visible_at > ?2",
                params![name, now],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub async fn receive_message(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let max = req.opt_i64("MaxNumberOfMessages")?.unwrap_or(1);
        if !(1..=10).contains(&max) {
            return Err(SqsError::invalid_parameter(format!(
                "Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
            )));
        }
        let (vis, wait) = {
            let q = Self::load_queue(&self.db(), &name)?;
            (
                req.opt_i64("VisibilityTimeout")?
                    .unwrap_or_else(|| q.num("VisibilityTimeout")),
                req.opt_i64("WaitTimeSeconds")?
                    .unwrap_or_else(|| q.num("ReceiveMessageWaitTimeSeconds")),
            )
        };
        if !(0..=(sqs_rules::MAX_VISIBILITY_TIMEOUT as i64)).contains(&vis) {
            return Err(SqsError::invalid_parameter(format!(
                "Value {vis} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200."
            )));
        }
        if !(0..=20).contains(&wait) {
            return Err(SqsError::invalid_parameter(format!(
                "Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20."
            )));
        }
        let mut sys_names = req.str_list("MessageSystemAttributeNames")?;
        sys_names.extend(req.str_list("AttributeNames")?);
        let attr_names = req.str_list("MessageAttributeNames")?;
        let deadline = self.now_ms() + wait * 1000;
        // The wait also ends by the real time, so a test's stopped clock cannot hold a poll.
        let real_deadline = tokio::time::Instant::now() + Duration::from_secs(wait as u64);
        let waker = self.waker(&name);
        loop {
            let notified = waker.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let now = self.now_ms();
            self.count_receive_scan();
            let (q, rows, moved_to) = self.try_receive(&name, max, vis, now)?;
            if let Some(dlq) = moved_to {
                self.wake_for(&dlq, 1);
            }
            if !rows.is_empty() || now >= deadline || tokio::time::Instant::now() >= real_deadline {
                // More may be waiting (a full batch, or a wake-up meant for a message this scan
                // did not see): pass the wake-up on to one other long poll.
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                if rows.len() as i64 == max || notified.as_mut().poll(&mut cx).is_ready() {
                    self.wake_for(&name, 1);
                }
                let msgs: Vec<Value> = rows
                    .iter()
                    .map(|r| self.render(&q, r, &sys_names, &attr_names))
                    .collect();
                return Ok(json!({ "Messages": msgs }));
            }
            let until = match self.next_visible(&name, now)? {
                Some(t) => t.min(deadline),
                None => deadline,
            };
            let nap = Duration::from_millis((until - now).max(1) as u64);
            let _ = tokio::time::timeout_at(
                real_deadline.min(tokio::time::Instant::now() + nap),
                notified,
            )
            .await;
        }
    }

    fn render(&self, q: &Queue, r: &Row, sys_names: &[String], attr_names: &[String]) -> Value {
        let all_sys = sys_names.iter().any(|n| n == "All");
        let mut sys = Map::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                if all_sys || sys_names.iter().any(|n| n == k) {
                    sys.insert(k.into(), Value::String(v));
                }
            }
        };
        put("SenderId", Some(self.config.account_id.clone()));
        put("SentTimestamp", Some(r.sent_at.to_string()));
        put("ApproximateReceiveCount", Some(r.receive_count.to_string()));
        put(
            "ApproximateFirstReceiveTimestamp",
            r.first_receive.map(|t| t.to_string()),
        );
        put("AWSTraceHeader", r.trace.clone());
        put("DeadLetterQueueSourceArn", r.dlq_source.clone());
        if q.fifo {
            put("SequenceNumber", r.seq.clone());
            put("MessageDeduplicationId", r.dedup.clone());
        }
        put("MessageGroupId", r.group.clone());
        let stored: Map<String, Value> = serde_json::from_str(&r.attrs).unwrap_or_default();
        let wanted = |n: &str| {
            attr_names.iter().any(|p| {
                p == "All"
                    || p == ".*"
                    || p == n
                    || p.strip_suffix(".*")
                        .is_some_and(|pre| n.starts_with(&format!("{pre}.")))
            })
        };
        let chosen: Map<String, Value> = stored.into_iter().filter(|(k, _)| wanted(k)).collect();
        let mut m = json!({
            "MessageId": r.message_id,
            "ReceiptHandle": r.receipt,
            "MD5OfBody": r.md5_body,
            "Body": r.body,
        });
        if !sys.is_empty() {
            m["Attributes"] = Value::Object(sys);
        }
        if !chosen.is_empty() {
            let parsed = validate::message_attributes(Some(&Value::Object(chosen.clone())))
                .unwrap_or_default();
            if let Some(md5) = md5_of_attributes(&parsed) {
                m["MD5OfMessageAttributes"] = Value::String(md5);
            }
            m["MessageAttributes"] = Value::Object(chosen);
        }
        m
    }
}

/// A message row as receive reads it.
struct Row {
    rowid: i64,
    message_id: String,
    body: String,
    attrs: String,
    md5_body: String,
    trace: Option<String>,
    sent_at: i64,
    receive_count: i64,
    first_receive: Option<i64>,
    group: Option<String>,
    dedup: Option<String>,
    seq: Option<String>,
    dlq_source: Option<String>,
    receipt: String,
}
