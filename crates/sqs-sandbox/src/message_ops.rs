//! Message operations on received messages: delete and change visibility (one and batch), the
//! receipt handles they name, and the batch helpers every batch operation shares. Send is
//! `send_ops.rs`, receive `receive_ops.rs`.

use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::Sandbox;
use crate::store::CachedSql;
use crate::validate::check_batch_ids;

const TWELVE_HOURS_S: i64 = sqs_rules::MAX_VISIBILITY_TIMEOUT as i64;

pub(crate) fn receipt_for(rowid: i64) -> String {
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

impl Sandbox {
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
            // One transaction for the batch, as delete does: one commit instead of ten (a Peek
            // of 100,000 releases them in 10,000 batches).
            let tx = conn.unchecked_transaction()?;
            let out = run_batch(&entries, |e| {
                let vt = e
                    .opt_i64("VisibilityTimeout")?
                    .ok_or_else(|| SqsError::missing_parameter("VisibilityTimeout"))?;
                Self::change_visibility_one(&tx, &name, e.str("ReceiptHandle")?, vt, now)
                    .map(|()| Map::new())
            });
            tx.commit()?;
            out
        };
        self.wake_for(&name, successes(&out));
        Ok(out)
    }
}

/// The validated entries of a batch request with their ids.
pub(crate) fn batch_entries(req: &Req) -> SqsResult<Vec<(String, Req)>> {
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
pub(crate) fn run_batch(
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
pub(crate) fn successes(out: &Value) -> usize {
    out["Successful"].as_array().map_or(0, Vec::len)
}

fn batch_failure(id: &str, err: &SqsError) -> Value {
    json!({ "Id": id, "SenderFault": err.status < 500, "Code": err.type_name, "Message": err.message })
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
