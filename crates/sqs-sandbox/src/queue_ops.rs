//! Queue operations: create, look up, list, attributes, delete, purge, tags, permissions.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::attributes::{self, check_queue_name, parse_redrive_policy, Attrs, COMPUTED, SETTABLE};
use crate::error::{SqsError, SqsResult};
use crate::request::Req;
use crate::sandbox::{Queue, Sandbox};
use crate::store::CachedSql;

/// SQS's rules for recreating and purging: 60 seconds.
const SIXTY_SECONDS_MS: i64 = 60_000;

impl Sandbox {
    /// Checks a RedrivePolicy against the queues that exist: the DLQ must exist, be of the
    /// same type, and allow this source.
    fn check_redrive_target(
        &self,
        conn: &Connection,
        source: &str,
        fifo: bool,
        policy: &str,
    ) -> SqsResult<()> {
        if policy.is_empty() {
            return Ok(());
        }
        let (arn, _) = parse_redrive_policy(policy)?;
        let dlq_name = self
            .name_from_arn(&arn)
            .ok_or_else(|| SqsError::invalid_parameter(format!("Value {arn} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.")))?;
        let dlq = Self::find_queue(conn, &dlq_name)?
            .ok_or_else(|| SqsError::invalid_parameter(format!("Value {arn} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.")))?;
        if dlq.fifo != fifo {
            return Err(SqsError::invalid_parameter(
                "Value for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.",
            ));
        }
        if let Some(allow) = dlq.attrs.get("RedriveAllowPolicy") {
            let source_arn = self.queue_arn(source);
            if !sqs_rules::RedriveAllowPolicy::parse(allow).allows(&source_arn) {
                return Err(SqsError::invalid_parameter(format!(
                    "Value for parameter RedrivePolicy is invalid. Reason: Queue {source_arn} is not allowed to use {arn} as a dead-letter queue (its RedriveAllowPolicy)."
                )));
            }
        }
        Ok(())
    }

    pub fn create_queue(&self, req: &Req) -> SqsResult<Value> {
        let name = req.str("QueueName")?.to_string();
        let given = req.str_map("Attributes")?;
        let fifo_attr = given
            .iter()
            .find(|(k, _)| k == "FifoQueue")
            .map(|(_, v)| v.eq_ignore_ascii_case("true"));
        let fifo = name.ends_with(".fifo");
        if fifo_attr == Some(true) && !fifo || fifo && fifo_attr != Some(true) {
            return Err(SqsError::invalid_parameter(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length (and FifoQueue must be true).",
            ));
        }
        check_queue_name(&name, fifo)?;
        let mut attrs = attributes::defaults(fifo);
        let mut requested = Attrs::new();
        for (k, v) in &given {
            let stored = attributes::validate(k, v, fifo, true)?;
            requested.insert(k.clone(), stored.clone());
            attrs.insert(k.clone(), stored);
        }
        let tags = req.str_map("tags")?;
        check_tags(&tags)?;
        let now = self.now_ms();
        let conn = self.db();
        if let Some(existing) = Self::find_queue(&conn, &name)? {
            let same = requested
                .iter()
                .all(|(k, v)| existing.attrs.get(k) == Some(v));
            return if same {
                Ok(json!({ "QueueUrl": self.queue_url(&name) }))
            } else {
                Err(SqsError::queue_name_exists(&name))
            };
        }
        let deleted: Option<i64> = conn
            .row(
                "SELECT deleted_at FROM deleted_queues WHERE name = ?1",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        if deleted.is_some_and(|d| now - d < SIXTY_SECONDS_MS) {
            return Err(SqsError::queue_deleted_recently());
        }
        if let Some(p) = attrs.get("RedrivePolicy") {
            self.check_redrive_target(&conn, &name, fifo, p)?;
        }
        let tag_map: Map<String, Value> = tags
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        conn.exec(
            "INSERT INTO queues (name, fifo, attrs, tags, created, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![name, fifo as i64, serde_json::to_string(&attrs).unwrap_or_default(), Value::Object(tag_map).to_string(), now],
        )?;
        conn.exec("DELETE FROM deleted_queues WHERE name = ?1", [&name])?;
        Ok(json!({ "QueueUrl": self.queue_url(&name) }))
    }

    pub fn get_queue_url(&self, req: &Req) -> SqsResult<Value> {
        let name = req.str("QueueName")?;
        Self::load_queue(&self.db(), name)?;
        Ok(json!({ "QueueUrl": self.queue_url(name) }))
    }

    pub fn list_queues(&self, req: &Req) -> SqsResult<Value> {
        let prefix = req.opt_str("QueueNamePrefix")?.unwrap_or("");
        let max = req.opt_i64("MaxResults")?;
        if let Some(m) = max {
            if !(1..=1000).contains(&m) {
                return Err(SqsError::invalid_parameter("Value for parameter MaxResults is invalid. Reason: must be between 1 and 1000."));
            }
        }
        let after = req.opt_str("NextToken")?.unwrap_or("");
        let limit = max.unwrap_or(1000);
        let conn = self.db();
        let mut stmt = conn.prepare_cached(
            "SELECT name FROM queues WHERE substr(name, 1, length(?1)) = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
        )?;
        let names: Vec<String> = stmt
            .query_map(params![prefix, after, limit + 1], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let more = names.len() as i64 > limit;
        let page: Vec<Value> = names
            .iter()
            .take(limit as usize)
            .map(|n| Value::String(self.queue_url(n)))
            .collect();
        let mut out = json!({ "QueueUrls": page });
        // Like SQS: a token only when MaxResults was given.
        if more && max.is_some() {
            out["NextToken"] = Value::String(names[limit as usize - 1].clone());
        }
        Ok(out)
    }

    /// The counts SQS reports as approximate: available, in flight, delayed.
    pub fn counts(conn: &Connection, queue: &str, now: i64) -> SqsResult<(i64, i64, i64)> {
        Self::expire(conn, queue, now)?;
        Ok(conn.row(
            "SELECT
                COALESCE(SUM(visible_at <= ?2), 0),
                COALESCE(SUM(visible_at > ?2 AND receipt IS NOT NULL), 0),
                COALESCE(SUM(visible_at > ?2 AND receipt IS NULL), 0)
             FROM messages WHERE queue = ?1",
            params![queue, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    pub fn get_queue_attributes(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let wanted = req.str_list("AttributeNames")?;
        let conn = self.db();
        let q = Self::load_queue(&conn, &name)?;
        let now = self.now_ms();
        let all = wanted.iter().any(|w| w == "All");
        for w in &wanted {
            if w != "All" && !COMPUTED.contains(&w.as_str()) && !SETTABLE.contains(&w.as_str()) {
                return Err(SqsError::invalid_attribute_name(w));
            }
        }
        let want = |n: &str| all || wanted.iter().any(|w| w == n);
        let mut out = Map::new();
        for (k, v) in &q.attrs {
            if want(k) && !v.is_empty() {
                out.insert(k.clone(), Value::String(v.clone()));
            }
        }
        let (available, in_flight, delayed) = Self::counts(&conn, &name, now)?;
        for (k, v) in [
            ("QueueArn", self.queue_arn(&name)),
            ("ApproximateNumberOfMessages", available.to_string()),
            (
                "ApproximateNumberOfMessagesNotVisible",
                in_flight.to_string(),
            ),
            ("ApproximateNumberOfMessagesDelayed", delayed.to_string()),
            ("CreatedTimestamp", (q.created / 1000).to_string()),
            ("LastModifiedTimestamp", (q.modified / 1000).to_string()),
        ] {
            if want(k) {
                out.insert(k.into(), Value::String(v));
            }
        }
        if out.is_empty() {
            return Ok(json!({}));
        }
        Ok(json!({ "Attributes": out }))
    }

    pub fn set_queue_attributes(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let given = req.str_map("Attributes")?;
        let conn = self.db();
        let mut q = Self::load_queue(&conn, &name)?;
        for (k, v) in &given {
            let stored = attributes::validate(k, v, q.fifo, false)?;
            if k == "RedrivePolicy" {
                self.check_redrive_target(&conn, &name, q.fifo, &stored)?;
            }
            if stored.is_empty() {
                q.attrs.remove(k);
            } else {
                q.attrs.insert(k.clone(), stored);
            }
        }
        conn.exec(
            "UPDATE queues SET attrs = ?2, modified = ?3 WHERE name = ?1",
            params![
                name,
                serde_json::to_string(&q.attrs).unwrap_or_default(),
                self.now_ms()
            ],
        )?;
        Ok(json!({}))
    }

    pub fn delete_queue(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let conn = self.db();
        Self::load_queue(&conn, &name)?;
        let tx = conn.unchecked_transaction()?;
        tx.exec("DELETE FROM queues WHERE name = ?1", [&name])?;
        tx.exec("DELETE FROM messages WHERE queue = ?1", [&name])?;
        tx.exec("DELETE FROM dedup WHERE queue = ?1", [&name])?;
        tx.exec(
            "INSERT OR REPLACE INTO deleted_queues (name, deleted_at) VALUES (?1, ?2)",
            params![name, self.now_ms()],
        )?;
        tx.commit()?;
        drop(conn);
        self.wake(&name);
        Ok(json!({}))
    }

    pub fn purge_queue(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let conn = self.db();
        let q: Queue = Self::load_queue(&conn, &name)?;
        let now = self.now_ms();
        if q.last_purge > 0 && now - q.last_purge < SIXTY_SECONDS_MS {
            return Err(SqsError::purge_in_progress(&self.queue_url(&name)));
        }
        conn.exec("DELETE FROM messages WHERE queue = ?1", [&name])?;
        conn.exec(
            "UPDATE queues SET last_purge = ?2 WHERE name = ?1",
            params![name, now],
        )?;
        Ok(json!({}))
    }

    /// Reads a JSON-map column (`tags`, `permissions`) of an existing queue.
    fn json_column(conn: &Connection, name: &str, column: &str) -> SqsResult<Map<String, Value>> {
        Self::load_queue(conn, name)?;
        let t: String = conn.row(
            &format!("SELECT {column} FROM queues WHERE name = ?1"),
            [name],
            |r| r.get(0),
        )?;
        Ok(serde_json::from_str(&t).unwrap_or_default())
    }

    fn set_json_column(
        conn: &Connection,
        name: &str,
        column: &str,
        map: Map<String, Value>,
    ) -> SqsResult<()> {
        conn.exec(
            &format!("UPDATE queues SET {column} = ?2 WHERE name = ?1"),
            params![name, Value::Object(map).to_string()],
        )?;
        Ok(())
    }

    pub fn tag_queue(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let new = req.str_map("Tags")?;
        check_tags(&new)?;
        let conn = self.db();
        let mut tags = Self::json_column(&conn, &name, "tags")?;
        for (k, v) in new {
            tags.insert(k, Value::String(v));
        }
        if tags.len() > 50 {
            return Err(SqsError::invalid_parameter(
                "Too many tags: a queue can have at most 50.",
            ));
        }
        Self::set_json_column(&conn, &name, "tags", tags)?;
        Ok(json!({}))
    }

    pub fn untag_queue(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let keys = req.str_list("TagKeys")?;
        let conn = self.db();
        let mut tags = Self::json_column(&conn, &name, "tags")?;
        for k in keys {
            tags.remove(&k);
        }
        Self::set_json_column(&conn, &name, "tags", tags)?;
        Ok(json!({}))
    }

    pub fn list_queue_tags(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let tags = Self::json_column(&self.db(), &name, "tags")?;
        if tags.is_empty() {
            return Ok(json!({}));
        }
        Ok(json!({ "Tags": tags }))
    }

    pub fn add_permission(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let label = req.str("Label")?.to_string();
        let accounts = req.str_list("AWSAccountIds")?;
        let actions = req.str_list("Actions")?;
        if accounts.is_empty() || actions.is_empty() {
            return Err(SqsError::missing_parameter(if accounts.is_empty() {
                "AWSAccountIds"
            } else {
                "Actions"
            }));
        }
        let conn = self.db();
        let mut perms = Self::json_column(&conn, &name, "permissions")?;
        if perms.contains_key(&label) {
            return Err(SqsError::invalid_parameter(format!(
                "Value {label} for parameter Label is invalid. Reason: Already exists."
            )));
        }
        perms.insert(label, json!({ "accounts": accounts, "actions": actions }));
        Self::set_json_column(&conn, &name, "permissions", perms)?;
        Ok(json!({}))
    }

    pub fn remove_permission(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let label = req.str("Label")?;
        let conn = self.db();
        let mut perms = Self::json_column(&conn, &name, "permissions")?;
        if perms.remove(label).is_none() {
            return Err(SqsError::invalid_parameter(format!(
                "Value {label} for parameter Label is invalid. Reason: can't find label."
            )));
        }
        Self::set_json_column(&conn, &name, "permissions", perms)?;
        Ok(json!({}))
    }

    pub fn list_dead_letter_source_queues(&self, req: &Req) -> SqsResult<Value> {
        let name = Self::name_from_url(req.str("QueueUrl")?)?;
        let conn = self.db();
        Self::load_queue(&conn, &name)?;
        let arn = self.queue_arn(&name);
        let mut stmt = conn.prepare_cached("SELECT name, attrs FROM queues ORDER BY name")?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let urls: Vec<Value> = rows
            .into_iter()
            .filter(|(_, attrs)| {
                let a: Attrs = serde_json::from_str(attrs).unwrap_or_default();
                a.get("RedrivePolicy")
                    .and_then(|p| parse_redrive_policy(p).ok())
                    .is_some_and(|(t, _)| t == arn)
            })
            .map(|(n, _)| Value::String(self.queue_url(&n)))
            .collect();
        Ok(json!({ "queueUrls": urls }))
    }
}

fn check_tags(tags: &[(String, String)]) -> SqsResult<()> {
    if tags.len() > 50 {
        return Err(SqsError::invalid_parameter(
            "Too many tags: a queue can have at most 50.",
        ));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(SqsError::invalid_parameter(format!(
                "Tag key '{k}' must be 1 to 128 characters."
            )));
        }
        if v.chars().count() > 256 {
            return Err(SqsError::invalid_parameter(format!(
                "The value of tag '{k}' must be at most 256 characters."
            )));
        }
        for (what, text) in [("key", k), ("value", v)] {
            if let Some(bad) = text.chars().find(|&c| !tag_char(c)) {
                return Err(SqsError::invalid_parameter(format!(
                    "Tag {what} {text:?} contains {bad:?}: tags may hold only letters, digits, spaces and _ . : / = + - @."
                )));
            }
        }
    }
    Ok(())
}

/// AWS's tag character rule, `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators (spaces), numbers
/// and seven marks. No control character can reach a tag, and so none reaches an XML answer.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || (c.is_whitespace() && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_aws_character_rules() {
        let tag = |k: &str, v: &str| check_tags(&[(k.to_string(), v.to_string())]);
        assert!(tag("team", "payments").is_ok());
        assert!(tag("cost-centre:eu/1", "a b_c.d=e+f@g").is_ok());
        assert!(tag("équipe", "été 2026").is_ok());
        for (k, v) in [
            ("team", "a\u{1}b"),
            ("te\u{0}am", "x"),
            ("team", "line\nbreak"),
            ("t", "<x>"),
        ] {
            let e = tag(k, v).unwrap_err();
            assert_eq!(e.legacy_code, "InvalidParameterValue", "{k:?} {v:?}");
            assert!(e.message.contains("only letters, digits"), "{}", e.message);
        }
    }
}
