//! SendMessage and SendMessageBatch: a message checked by SQS's rules (body, attributes, delay,
//! FIFO group and deduplication ids, the batch size), stored, and the long polls it can satisfy
//! woken.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::{Queue, Sandbox};
use crate::store::CachedSql;
use crate::validate::{self, md5_hex, md5_of_attributes, MessageAttr};

use crate::message_ops::{batch_entries, run_batch, successes};

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
                params![q.name, scope, dedup, id, s, now + sqs_rules::DEDUPLICATION_INTERVAL_SECONDS as i64 * 1000],
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
        if total > sqs_rules::MAX_BATCH_BYTES {
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
}
