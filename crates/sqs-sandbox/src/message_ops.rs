//! Message operations: send (one and batch), receive with long polling and redrive to the DLQ,
//! delete and change visibility (one and batch).

use std::future::Future;
use std::time::Duration;

use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::attributes::parse_redrive_policy;
use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::{Queue, Sandbox};
use crate::store::CachedSql;
use crate::validate::{self, check_batch_ids, md5_hex, md5_of_attributes, MessageAttr};

const DEDUP_WINDOW_MS: i64 = 5 * 60_000;
const MAX_BATCH_BYTES: usize = 1_048_576;
const TWELVE_HOURS_S: i64 = 43_200;

fn receipt_for(rowid: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{rowid}:{}", uuid::Uuid::new_v4()))
}

fn rowid_of(handle: &str) -> SqsResult<i64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(handle)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').and_then(|(id, _)| id.parse().ok()))
        .ok_or_else(|| SqsError::receipt_handle_invalid(handle))
}

fn check_group_id(name: &str, v: &str) -> SqsResult<()> {
    if sqs_rules::fifo_id_is_valid(v) {
        Ok(())
    } else {
        Err(SqsError::invalid_parameter(format!(
            "Value {v} for parameter {name} is invalid. Reason: it must be 1-128 alphanumeric or punctuation characters."
        )))
    }
}

/// One message to store, validated.
struct Outgoing {
    body: String,
    attrs: Vec<MessageAttr>,
    delay_s: i64,
    group: Option<String>,
    dedup: Option<String>,
    trace: Option<String>,
}

impl Sandbox {
    fn outgoing(q: &Queue, req: &Req) -> SqsResult<Outgoing> {
        let body = req.str("MessageBody")?.to_string();
        validate::check_body(&body)?;
        let attrs = validate::message_attributes(req.value("MessageAttributes"))?;
        let size = body.len() + attrs.iter().map(MessageAttr::size).sum::<usize>();
        let max = q.num("MaximumMessageSize") as usize;
        if size > max {
            return Err(SqsError::invalid_parameter(format!(
                "One or more parameters are invalid. Reason: Message must be shorter than {max} bytes."
            )));
        }
        let delay = req.opt_i64("DelaySeconds")?;
        if q.fifo && delay.is_some_and(|d| d != 0) {
            return Err(SqsError::invalid_parameter(
                "Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
            ));
        }
        if let Some(d) = delay {
            if !(0..=sqs_rules::MAX_DELAY_SECONDS as i64).contains(&d) {
                return Err(SqsError::invalid_parameter(format!(
                    "Value {d} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
                )));
            }
        }
        let group = req.opt_str("MessageGroupId")?.map(str::to_string);
        let mut dedup = req.opt_str("MessageDeduplicationId")?.map(str::to_string);
        if let Some(g) = &group {
            check_group_id("MessageGroupId", g)?;
        }
        if q.fifo {
            if group.is_none() {
                return Err(SqsError::missing_parameter("MessageGroupId"));
            }
            if let Some(d) = &dedup {
                check_group_id("MessageDeduplicationId", d)?;
            } else if q.attrs.get("ContentBasedDeduplication").map(String::as_str) == Some("true") {
                dedup = Some(hex::encode(Sha256::digest(body.as_bytes())));
            } else {
                return Err(SqsError::invalid_parameter(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ));
            }
        } else if dedup.is_some() {
            return Err(SqsError::invalid_parameter(
                "Value for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.",
            ));
        }
        let trace = req
            .value("MessageSystemAttributes")
            .and_then(|m| m.get("AWSTraceHeader"))
            .and_then(|t| t.get("StringValue"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Outgoing {
            body,
            attrs,
            delay_s: delay.unwrap_or_else(|| q.num("DelaySeconds")),
            group,
            dedup,
            trace,
        })
    }

    /// Stores one message (or finds its duplicate) and returns the SendMessage result members.
    fn store_message(
        &self,
        conn: &Connection,
        q: &Queue,
        m: Outgoing,
        now: i64,
    ) -> SqsResult<Map<String, Value>> {
        let md5_body = md5_hex(m.body.as_bytes());
        let md5_attrs = md5_of_attributes(&m.attrs);
        let mut out = Map::new();
        out.insert("MD5OfMessageBody".into(), Value::String(md5_body.clone()));
        if let Some(a) = &md5_attrs {
            out.insert("MD5OfMessageAttributes".into(), Value::String(a.clone()));
        }
        let mut seq = None;
        if q.fifo {
            let scope = if q
                .attrs
                .get(sqs_rules::attr::DEDUPLICATION_SCOPE)
                .map(String::as_str)
                == Some(sqs_rules::DEDUPLICATION_SCOPES[1])
            {
                m.group.clone().unwrap_or_default()
            } else {
                String::new()
            };
            let dedup = m.dedup.clone().unwrap_or_default();
            conn.exec(
                "DELETE FROM dedup WHERE queue = ?1 AND expires_at <= ?2",
                params![q.name, now],
            )?;
            let dup: Option<(String, Option<String>)> = conn
                .row(
                    "SELECT message_id, seq FROM dedup WHERE queue = ?1 AND scope = ?2 AND dedup_id = ?3",
                    params![q.name, scope, dedup],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, s)) = dup {
                out.insert("MessageId".into(), Value::String(id));
                if let Some(s) = s {
                    out.insert("SequenceNumber".into(), Value::String(s));
                }
                return Ok(out);
            }
            let n: i64 = conn.row(
                "UPDATE queues SET seq = seq + 1 WHERE name = ?1 RETURNING seq",
                [&q.name],
                |r| r.get(0),
            )?;
            let s = format!("{:020}", n);
            let id = uuid::Uuid::new_v4().to_string();
            conn.exec(
                "INSERT INTO dedup (queue, scope, dedup_id, message_id, seq, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![q.name, scope, dedup, id, s, now + DEDUP_WINDOW_MS],
            )?;
            seq = Some(s);
            out.insert("MessageId".into(), Value::String(id));
        } else {
            out.insert(
                "MessageId".into(),
                Value::String(uuid::Uuid::new_v4().to_string()),
            );
        }
        let attrs_json: Map<String, Value> = m
            .attrs
            .iter()
            .map(|a| (a.name.clone(), validate::attr_json(a)))
            .collect();
        let size = m.body.len() + m.attrs.iter().map(MessageAttr::size).sum::<usize>();
        conn.exec(
            "INSERT INTO messages (queue, message_id, body, attrs, md5_body, md5_attrs, trace_header, sent_at, visible_at, expires_at, group_id, dedup_id, seq, size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                q.name,
                out["MessageId"].as_str(),
                m.body,
                Value::Object(attrs_json).to_string(),
                md5_body,
                md5_attrs,
                m.trace,
                now,
                now + m.delay_s * 1000,
                now + q.num("MessageRetentionPeriod") * 1000,
                m.group,
                m.dedup,
                seq,
                size as i64
            ],
        )?;
        if let Some(s) = seq {
            out.insert("SequenceNumber".into(), Value::String(s));
        }
        Ok(out)
    }

    pub fn send_message(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let out = {
            let conn = self.db();
            let q = Self::load_queue(&conn, &name)?;
            let m = Self::outgoing(&q, req)?;
            self.store_message(&conn, &q, m, self.now_ms())?
        };
        self.wake_for(&name, 1);
        Ok(Value::Object(out))
    }

    pub fn send_message_batch(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let entries = batch_entries(req)?;
        let total: usize = entries
            .iter()
            .map(|(_, e)| {
                e.opt_str("MessageBody").ok().flatten().map_or(0, str::len)
                    + e.value("MessageAttributes")
                        .map_or(0, |v| v.to_string().len())
            })
            .sum();
        if total > MAX_BATCH_BYTES {
            return Err(SqsError::batch_too_long(total));
        }
        let out = {
            let conn = self.db();
            let q = Self::load_queue(&conn, &name)?;
            let now = self.now_ms();
            let tx = conn.unchecked_transaction()?;
            let out = run_batch(&entries, |e| {
                Self::outgoing(&q, e).and_then(|m| self.store_message(&tx, &q, m, now))
            });
            tx.commit()?;
            out
        };
        self.wake_for(&name, successes(&out));
        Ok(out)
    }

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
        let scan = if q.fifo { 1000 } else { max + 100 };
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
        if !(0..=TWELVE_HOURS_S).contains(&vis) {
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

    fn delete_one(conn: &Connection, name: &str, handle: &str) -> SqsResult<()> {
        let rowid = rowid_of(handle)?;
        // Deleting with a stale handle succeeds without deleting (as SQS documents); deleting an
        // already deleted message succeeds.
        conn.exec(
            "DELETE FROM messages WHERE rowid = ?1 AND queue = ?2 AND receipt = ?3",
            params![rowid, name, handle],
        )?;
        Ok(())
    }

    pub fn delete_message(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let handle = req.str("ReceiptHandle")?;
        let conn = self.db();
        Self::load_queue(&conn, &name)?;
        Self::delete_one(&conn, &name, handle)?;
        Ok(json!({}))
    }

    pub fn delete_message_batch(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let entries = batch_entries(req)?;
        let conn = self.db();
        Self::load_queue(&conn, &name)?;
        let tx = conn.unchecked_transaction()?;
        let out = run_batch(&entries, |e| {
            Self::delete_one(&tx, &name, e.str("ReceiptHandle")?).map(|()| Map::new())
        });
        tx.commit()?;
        Ok(out)
    }

    fn change_visibility_one(
        conn: &Connection,
        name: &str,
        handle: &str,
        vt: i64,
        now: i64,
    ) -> SqsResult<()> {
        if !(0..=TWELVE_HOURS_S).contains(&vt) {
            return Err(SqsError::invalid_parameter(format!(
                "Value {vt} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200."
            )));
        }
        let rowid = rowid_of(handle)?;
        let row: Option<(Option<String>, i64, Option<i64>)> = conn
            .row(
                "SELECT receipt, visible_at, first_receive FROM messages WHERE rowid = ?1 AND queue = ?2",
                params![rowid, name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((receipt, visible_at, first)) = row else {
            return Err(SqsError::receipt_handle_invalid(handle));
        };
        if receipt.as_deref() != Some(handle) || visible_at <= now {
            return Err(SqsError::message_not_inflight());
        }
        if first.is_some_and(|f| now + vt * 1000 - f > TWELVE_HOURS_S * 1000) {
            return Err(SqsError::invalid_parameter(
                "Value for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            ));
        }
        conn.exec(
            "UPDATE messages SET visible_at = ?2 WHERE rowid = ?1",
            params![rowid, now + vt * 1000],
        )?;
        Ok(())
    }

    pub fn change_message_visibility(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let handle = req.str("ReceiptHandle")?;
        let vt = req
            .opt_i64("VisibilityTimeout")?
            .ok_or_else(|| SqsError::missing_parameter("VisibilityTimeout"))?;
        {
            let conn = self.db();
            Self::load_queue(&conn, &name)?;
            Self::change_visibility_one(&conn, &name, handle, vt, self.now_ms())?;
        }
        self.wake_for(&name, 1);
        Ok(json!({}))
    }

    pub fn change_message_visibility_batch(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let entries = batch_entries(req)?;
        let out = {
            let conn = self.db();
            Self::load_queue(&conn, &name)?;
            let now = self.now_ms();
            run_batch(&entries, |e| {
                let vt = e
                    .opt_i64("VisibilityTimeout")?
                    .ok_or_else(|| SqsError::missing_parameter("VisibilityTimeout"))?;
                Self::change_visibility_one(&conn, &name, e.str("ReceiptHandle")?, vt, now)
                    .map(|()| Map::new())
            })
        };
        self.wake_for(&name, successes(&out));
        Ok(out)
    }
}

/// The validated entries of a batch request with their ids.
fn batch_entries(req: &Req) -> SqsResult<Vec<(String, Req)>> {
    let entries = req.entries("Entries")?;
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| e.opt_str("Id").ok().flatten().unwrap_or(""))
        .collect();
    check_batch_ids(&ids)?;
    let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
    Ok(ids.into_iter().zip(entries).collect())
}

/// Runs one operation per entry; every entry ends in Successful or Failed, none is dropped.
fn run_batch(
    entries: &[(String, Req)],
    mut one: impl FnMut(&Req) -> SqsResult<Map<String, Value>>,
) -> Value {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (id, e) in entries {
        match one(e) {
            Ok(mut m) => {
                m.insert("Id".into(), Value::String(id.clone()));
                ok.push(Value::Object(m));
            }
            Err(err) => failed.push(batch_failure(id, &err)),
        }
    }
    json!({ "Successful": ok, "Failed": failed })
}

/// How many entries of a batch answer succeeded.
fn successes(out: &Value) -> usize {
    out["Successful"].as_array().map_or(0, Vec::len)
}

fn batch_failure(id: &str, err: &SqsError) -> Value {
    json!({ "Id": id, "SenderFault": err.status < 500, "Code": err.type_name, "Message": err.message })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_handles_round_trip_and_garbage_is_refused() {
        assert_eq!(rowid_of(&receipt_for(42)).unwrap(), 42);
        assert_eq!(
            rowid_of("not-a-handle").unwrap_err().type_name,
            "ReceiptHandleIsInvalid"
        );
    }
}
