//! A queue's settings as one typed value (`QueueSpec`: what the app's form edits, what create and
//! update take, what details read back), checked against SQS's limits, and encoded to and decoded
//! from the string attributes SQS speaks. The app's core sends them; the sandbox builds a new
//! queue's defaults from them; the UI's "show as code" asks the core for them.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::queue_rules::{self as r, attr, RedriveAllowPolicy, RedrivePolicy, MAX_REDRIVE_SOURCES};

/// How messages are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Encryption {
    /// SSE-SQS: keys managed by SQS (the default for new queues).
    SqsManaged,
    /// SSE-KMS with a customer key (id, alias or ARN).
    Kms {
        key_id: String,
        reuse_period_s: u32,
    },
    Off,
}

/// Where messages go after too many receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum DeadLetter {
    None,
    /// An existing queue of the same type.
    Existing {
        arn: String,
        max_receive_count: u32,
    },
    /// Create `<name>-dlq` (same type, 14-day retention) first.
    CreateNew {
        max_receive_count: u32,
    },
}

/// Which queues may use this queue as their dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RedriveAllow {
    AllowAll,
    DenyAll,
    ByQueue { source_arns: Vec<String> },
}

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Every setting of a queue, with SQS's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct QueueSpec {
    /// Without `.fifo`: the suffix is added for FIFO queues.
    pub name: String,
    pub fifo: bool,
    pub visibility_timeout_s: u32,
    pub retention_s: u32,
    pub delay_s: u32,
    pub max_message_bytes: u32,
    pub receive_wait_s: u32,
    pub encryption: Encryption,
    pub dead_letter: DeadLetter,
    pub redrive_allow: RedriveAllow,
    pub content_based_dedup: bool,
    /// FIFO: deduplicate per message group instead of per queue.
    pub dedup_per_group: bool,
    /// FIFO: throughput limit per message group instead of per queue.
    pub throughput_per_group: bool,
    pub policy: Option<String>,
    pub tags: Vec<Tag>,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec {
            name: String::new(),
            fifo: false,
            visibility_timeout_s: r::VISIBILITY_TIMEOUT.default,
            retention_s: r::MESSAGE_RETENTION_PERIOD.default,
            delay_s: r::DELAY_SECONDS.default,
            max_message_bytes: r::MAXIMUM_MESSAGE_SIZE.default,
            receive_wait_s: r::RECEIVE_MESSAGE_WAIT_TIME_SECONDS.default,
            encryption: Encryption::SqsManaged,
            dead_letter: DeadLetter::None,
            redrive_allow: RedriveAllow::AllowAll,
            content_based_dedup: false,
            dedup_per_group: false,
            throughput_per_group: false,
            policy: None,
            tags: vec![],
        }
    }
}

/// A setting that breaks SQS's rules: which form field, and a sentence saying what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The retention of a dead-letter queue the app creates: the longest SQS allows (14 days).
pub const NEW_DLQ_RETENTION_S: u32 = r::MESSAGE_RETENTION_PERIOD.max;
/// The most tags a queue has.
pub const MAX_TAGS: usize = 50;
/// The longest tag key and value, in characters.
pub const MAX_TAG_KEY: usize = 128;
pub const MAX_TAG_VALUE: usize = 256;

/// A full queue name (`.fifo` added for FIFO).
pub fn full_name(name: &str, fifo: bool) -> String {
    let base = name.trim().trim_end_matches(".fifo");
    if fifo {
        format!("{base}.fifo")
    } else {
        base.to_string()
    }
}

/// The queue "Create one for me" makes as the dead-letter queue of `name`.
pub fn new_dlq_name(name: &str, fifo: bool) -> String {
    full_name(
        &format!("{}-dlq", name.trim().trim_end_matches(".fifo")),
        fifo,
    )
}

fn range(
    field: &'static str,
    what: &str,
    v: u32,
    a: &r::NumericAttribute,
    unit: &str,
) -> Result<(), FieldError> {
    if a.range().contains(&v) {
        Ok(())
    } else {
        Err(field_error(
            field,
            format!("{what} must be from {} to {} {unit}.", a.min, a.max),
        ))
    }
}

fn max_receives(v: u32) -> Result<(), FieldError> {
    let (lo, hi) = (*r::MAX_RECEIVE_COUNT.start(), *r::MAX_RECEIVE_COUNT.end());
    if r::MAX_RECEIVE_COUNT.contains(&v) {
        Ok(())
    } else {
        Err(field_error(
            "max_receive_count",
            format!("Maximum receives must be from {lo} to {hi}."),
        ))
    }
}

/// A boolean as SQS writes it.
fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

impl QueueSpec {
    pub fn full_name(&self) -> String {
        full_name(&self.name, self.fifo)
    }

    /// The dead-letter queue "Create one for me" makes: `<name>-dlq`, same type and
    /// encryption, the longest retention.
    pub fn new_dead_letter_queue(&self) -> QueueSpec {
        QueueSpec {
            name: new_dlq_name(&self.name, self.fifo),
            fifo: self.fifo,
            retention_s: NEW_DLQ_RETENTION_S,
            encryption: self.encryption.clone(),
            ..Default::default()
        }
    }

    /// Checks every field against SQS's limits; the error names the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        let name = self.full_name();
        if name.trim_end_matches(".fifo").is_empty() {
            return Err(field_error("name", "Give the queue a name."));
        }
        if !r::queue_name_is_valid(&name, self.fifo) {
            let n = name.chars().count();
            return Err(field_error(
                "name",
                if n > r::MAX_QUEUE_NAME {
                    format!(
                        "{n} characters; the most is {} (the .fifo suffix counts).",
                        r::MAX_QUEUE_NAME
                    )
                } else {
                    // Name what is wrong: "bad name!" has a space and a '!'.
                    let base = if self.fifo {
                        name.strip_suffix(".fifo").unwrap_or(&name)
                    } else {
                        &name
                    };
                    let mut bad: Vec<char> = base
                        .chars()
                        .filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                        .collect();
                    bad.dedup();
                    bad.sort_unstable();
                    bad.dedup();
                    let named: Vec<String> = bad
                        .iter()
                        .map(|c| match c {
                            ' ' => "a space".to_string(),
                            '\t' => "a tab".to_string(),
                            c => format!("'{c}'"),
                        })
                        .collect();
                    match named.as_slice() {
                        [] => "Only letters, digits, '-' and '_'.".to_string(),
                        [one] => format!("Only letters, digits, '-' and '_': not {one}."),
                        [init @ .., last] => format!(
                            "Only letters, digits, '-' and '_': not {} or {last}.",
                            init.join(", ")
                        ),
                    }
                },
            ));
        }
        range(
            "visibility_timeout_s",
            "The visibility timeout",
            self.visibility_timeout_s,
            &r::VISIBILITY_TIMEOUT,
            "seconds (12 hours)",
        )?;
        range(
            "retention_s",
            "Message retention",
            self.retention_s,
            &r::MESSAGE_RETENTION_PERIOD,
            "seconds (1 minute to 14 days)",
        )?;
        range(
            "delay_s",
            "The delivery delay",
            self.delay_s,
            &r::DELAY_SECONDS,
            "seconds (15 minutes)",
        )?;
        range(
            "max_message_bytes",
            "The maximum message size",
            self.max_message_bytes,
            &r::MAXIMUM_MESSAGE_SIZE,
            "bytes (1 KiB to 1 MiB)",
        )?;
        range(
            "receive_wait_s",
            "The receive wait time",
            self.receive_wait_s,
            &r::RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
            "seconds",
        )?;
        if let Encryption::Kms {
            key_id,
            reuse_period_s,
        } = &self.encryption
        {
            if key_id.trim().is_empty() {
                return Err(field_error(
                    "kms_key_id",
                    "Enter the KMS key id, alias (alias/…) or ARN.",
                ));
            }
            range(
                "kms_reuse_period_s",
                "The data key reuse period",
                *reuse_period_s,
                &r::KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
                "seconds",
            )?;
        }
        match &self.dead_letter {
            DeadLetter::None => {}
            DeadLetter::Existing {
                arn,
                max_receive_count,
            } => {
                if !arn.starts_with("arn:") {
                    return Err(field_error(
                        "dead_letter_arn",
                        "Pick the dead-letter queue.",
                    ));
                }
                if arn.ends_with(".fifo") != self.fifo {
                    return Err(field_error(
                        "dead_letter_arn",
                        "The dead-letter queue must be of the same type (FIFO with FIFO, standard with standard).",
                    ));
                }
                max_receives(*max_receive_count)?;
            }
            DeadLetter::CreateNew { max_receive_count } => {
                max_receives(*max_receive_count)?;
                if new_dlq_name(&self.name, self.fifo).len() > r::MAX_QUEUE_NAME {
                    return Err(field_error(
                        "name",
                        "The name is too long to add -dlq for the new dead-letter queue.",
                    ));
                }
            }
        }
        if let RedriveAllow::ByQueue { source_arns } = &self.redrive_allow {
            if source_arns.is_empty() || source_arns.len() > MAX_REDRIVE_SOURCES {
                return Err(field_error(
                    "redrive_allow",
                    format!(
                        "List 1 to {MAX_REDRIVE_SOURCES} source queues, or allow all / deny all."
                    ),
                ));
            }
        }
        if let Some(p) = &self.policy {
            if !p.trim().is_empty() && !r::policy_is_valid(p) {
                return Err(field_error(
                    "policy",
                    "The access policy must be a JSON object (an IAM policy document).",
                ));
            }
        }
        if self.tags.len() > MAX_TAGS {
            return Err(field_error(
                "tags",
                format!("A queue can have at most {MAX_TAGS} tags."),
            ));
        }
        let mut seen = HashSet::new();
        for t in &self.tags {
            if t.key.is_empty() || t.key.chars().count() > MAX_TAG_KEY {
                return Err(field_error(
                    "tags",
                    format!("Each tag key is 1–{MAX_TAG_KEY} characters."),
                ));
            }
            if t.value.chars().count() > MAX_TAG_VALUE {
                return Err(field_error(
                    "tags",
                    format!(
                        "The value of tag '{}' is over {MAX_TAG_VALUE} characters.",
                        t.key
                    ),
                ));
            }
            if !seen.insert(t.key.as_str()) {
                return Err(field_error(
                    "tags",
                    format!("The tag key '{}' is there twice.", t.key),
                ));
            }
        }
        Ok(())
    }

    /// The attributes CreateQueue / SetQueueAttributes take, by SQS name, given the new
    /// dead-letter queue's ARN if one was created.
    pub fn attributes(&self, new_dlq_arn: Option<&str>) -> BTreeMap<String, String> {
        let mut a = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            a.insert(k.to_string(), v);
        };
        put(
            r::VISIBILITY_TIMEOUT.name,
            self.visibility_timeout_s.to_string(),
        );
        put(
            r::MESSAGE_RETENTION_PERIOD.name,
            self.retention_s.to_string(),
        );
        put(r::DELAY_SECONDS.name, self.delay_s.to_string());
        put(
            r::MAXIMUM_MESSAGE_SIZE.name,
            self.max_message_bytes.to_string(),
        );
        put(
            r::RECEIVE_MESSAGE_WAIT_TIME_SECONDS.name,
            self.receive_wait_s.to_string(),
        );
        match &self.encryption {
            Encryption::SqsManaged => put(attr::SQS_MANAGED_SSE_ENABLED, flag(true)),
            Encryption::Kms {
                key_id,
                reuse_period_s,
            } => {
                put(attr::KMS_MASTER_KEY_ID, key_id.trim().to_string());
                put(
                    r::KMS_DATA_KEY_REUSE_PERIOD_SECONDS.name,
                    reuse_period_s.to_string(),
                );
            }
            Encryption::Off => put(attr::SQS_MANAGED_SSE_ENABLED, flag(false)),
        }
        let (target, max) = match &self.dead_letter {
            DeadLetter::None => (None, 0),
            DeadLetter::Existing {
                arn,
                max_receive_count,
            } => (Some(arn.as_str()), *max_receive_count),
            DeadLetter::CreateNew { max_receive_count } => (new_dlq_arn, *max_receive_count),
        };
        if let Some(arn) = target {
            let policy = RedrivePolicy {
                dead_letter_target_arn: arn.to_string(),
                max_receive_count: max,
            };
            put(attr::REDRIVE_POLICY, policy.to_json());
        }
        let allow = match &self.redrive_allow {
            RedriveAllow::AllowAll => None,
            RedriveAllow::DenyAll => Some(RedriveAllowPolicy::DenyAll),
            RedriveAllow::ByQueue { source_arns } => Some(RedriveAllowPolicy::ByQueue {
                source_queue_arns: source_arns.clone(),
            }),
        };
        if let Some(allow) = allow {
            put(attr::REDRIVE_ALLOW_POLICY, allow.to_json());
        }
        if self.fifo {
            put(attr::FIFO_QUEUE, flag(true));
            put(
                attr::CONTENT_BASED_DEDUPLICATION,
                flag(self.content_based_dedup),
            );
            put(
                attr::DEDUPLICATION_SCOPE,
                r::DEDUPLICATION_SCOPES[usize::from(self.dedup_per_group)].into(),
            );
            put(
                attr::FIFO_THROUGHPUT_LIMIT,
                r::FIFO_THROUGHPUT_LIMITS[usize::from(self.throughput_per_group)].into(),
            );
        }
        if let Some(p) = self.policy.as_deref().filter(|p| !p.trim().is_empty()) {
            put(attr::POLICY, p.to_string());
        }
        a
    }

    /// The settings of queue `name` from its attributes (as `get` finds them by SQS name) and
    /// tags. Anything missing or unreadable is SQS's default.
    pub fn from_attributes<'a>(
        name: &str,
        get: impl Fn(&str) -> Option<&'a str>,
        tags: Vec<Tag>,
    ) -> QueueSpec {
        let num = |a: r::NumericAttribute| {
            get(a.name)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(a.default)
        };
        let is = |k: &str, v: &str| get(k).is_some_and(|x| x == v);
        let encryption = match get(attr::KMS_MASTER_KEY_ID).filter(|k| !k.is_empty()) {
            Some(k) => Encryption::Kms {
                key_id: k.to_string(),
                reuse_period_s: num(r::KMS_DATA_KEY_REUSE_PERIOD_SECONDS),
            },
            None if is(attr::SQS_MANAGED_SSE_ENABLED, "false") => Encryption::Off,
            None => Encryption::SqsManaged,
        };
        let dead_letter = get(attr::REDRIVE_POLICY)
            .and_then(|p| RedrivePolicy::parse(p).ok())
            .map_or(DeadLetter::None, |p| DeadLetter::Existing {
                arn: p.dead_letter_target_arn,
                max_receive_count: p.max_receive_count,
            });
        let redrive_allow = match get(attr::REDRIVE_ALLOW_POLICY).map(RedriveAllowPolicy::parse) {
            None | Some(RedriveAllowPolicy::AllowAll) => RedriveAllow::AllowAll,
            Some(RedriveAllowPolicy::DenyAll) => RedriveAllow::DenyAll,
            Some(RedriveAllowPolicy::ByQueue { source_queue_arns }) => RedriveAllow::ByQueue {
                source_arns: source_queue_arns,
            },
        };
        QueueSpec {
            name: name.trim_end_matches(".fifo").to_string(),
            fifo: is(attr::FIFO_QUEUE, "true") || name.ends_with(".fifo"),
            visibility_timeout_s: num(r::VISIBILITY_TIMEOUT),
            retention_s: num(r::MESSAGE_RETENTION_PERIOD),
            delay_s: num(r::DELAY_SECONDS),
            max_message_bytes: num(r::MAXIMUM_MESSAGE_SIZE),
            receive_wait_s: num(r::RECEIVE_MESSAGE_WAIT_TIME_SECONDS),
            encryption,
            dead_letter,
            redrive_allow,
            content_based_dedup: is(attr::CONTENT_BASED_DEDUPLICATION, "true"),
            dedup_per_group: is(attr::DEDUPLICATION_SCOPE, r::DEDUPLICATION_SCOPES[1]),
            throughput_per_group: is(attr::FIFO_THROUGHPUT_LIMIT, r::FIFO_THROUGHPUT_LIMITS[1]),
            policy: get(attr::POLICY)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            tags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> QueueSpec {
        QueueSpec {
            name: "orders".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_range_boundary_is_accepted_and_one_past_it_refused() {
        type Setter = fn(&mut QueueSpec, u32);
        let cases: [(&str, Setter, u32, u32); 5] = [
            (
                "visibility_timeout_s",
                |s, v| s.visibility_timeout_s = v,
                0,
                43_200,
            ),
            ("retention_s", |s, v| s.retention_s = v, 60, 1_209_600),
            ("delay_s", |s, v| s.delay_s = v, 0, 900),
            (
                "max_message_bytes",
                |s, v| s.max_message_bytes = v,
                1024,
                1_048_576,
            ),
            ("receive_wait_s", |s, v| s.receive_wait_s = v, 0, 20),
        ];
        for (field, set, lo, hi) in cases {
            for ok in [lo, hi] {
                let mut s = spec();
                set(&mut s, ok);
                assert!(s.validate().is_ok(), "{field}={ok} refused");
            }
            let mut s = spec();
            set(&mut s, hi + 1);
            let e = s.validate().unwrap_err();
            assert_eq!(e.field, field);
            assert!(e.to_string().contains(&hi.to_string()), "{e}");
            if lo > 0 {
                let mut s = spec();
                set(&mut s, lo - 1);
                assert!(s.validate().is_err(), "{field}={} accepted", lo - 1);
            }
        }
    }

    #[test]
    fn a_bad_name_names_its_bad_characters() {
        let problem = |name: &str, fifo: bool| {
            QueueSpec {
                name: name.into(),
                fifo,
                ..Default::default()
            }
            .validate()
            .err()
            .map(|e| e.message)
        };
        assert_eq!(
            problem("bad name!", false).as_deref(),
            Some("Only letters, digits, '-' and '_': not a space or '!'.")
        );
        assert_eq!(
            problem("a.b/c.fifo", true).as_deref(),
            Some("Only letters, digits, '-' and '_': not '.' or '/'.")
        );
        assert_eq!(problem("ok_name-2", false), None);
    }

    #[test]
    fn names_dlq_and_tags() {
        let field = |s: &QueueSpec| s.validate().unwrap_err().field;
        let mut s = spec();
        s.name = "bad name".into();
        assert_eq!(field(&s), "name");
        let mut s = spec();
        s.fifo = true;
        assert_eq!(s.full_name(), "orders.fifo");
        assert_eq!(new_dlq_name("orders.fifo", true), "orders-dlq.fifo");
        s.name = "a".repeat(76);
        assert!(s.validate().is_err(), "76 + .fifo is 81");
        let mut s = spec();
        s.dead_letter = DeadLetter::Existing {
            arn: "arn:aws:sqs:us-east-1:1:d.fifo".into(),
            max_receive_count: 5,
        };
        assert_eq!(field(&s), "dead_letter_arn");
        s.dead_letter = DeadLetter::CreateNew {
            max_receive_count: 1001,
        };
        assert_eq!(field(&s), "max_receive_count");
        let mut s = spec();
        s.tags = vec![
            Tag {
                key: "team".into(),
                value: "a".into(),
            },
            Tag {
                key: "team".into(),
                value: "b".into(),
            },
        ];
        assert!(s.validate().unwrap_err().to_string().contains("twice"));
        let mut s = spec();
        s.policy = Some("{not json".into());
        assert_eq!(field(&s), "policy");
    }

    #[test]
    fn attributes_say_what_the_form_says_and_read_back_equal() {
        let mut s = spec();
        s.fifo = true;
        s.content_based_dedup = true;
        s.dedup_per_group = true;
        s.throughput_per_group = true;
        s.dead_letter = DeadLetter::CreateNew {
            max_receive_count: 3,
        };
        s.redrive_allow = RedriveAllow::DenyAll;
        s.encryption = Encryption::Kms {
            key_id: "alias/k".into(),
            reuse_period_s: 600,
        };
        s.policy = Some(r#"{"Version":"2012-10-17"}"#.into());
        let arn = "arn:aws:sqs:us-east-1:0:orders-dlq.fifo";
        let a = s.attributes(Some(arn));
        assert_eq!(a["FifoQueue"], "true");
        assert_eq!(a["DeduplicationScope"], "messageGroup");
        assert_eq!(a["FifoThroughputLimit"], "perMessageGroupId");
        assert_eq!(
            a["RedrivePolicy"],
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:0:orders-dlq.fifo","maxReceiveCount":3}"#
        );
        assert_eq!(
            a["RedriveAllowPolicy"],
            r#"{"redrivePermission":"denyAll"}"#
        );
        assert_eq!(a["KmsDataKeyReusePeriodSeconds"], "600");
        let back =
            QueueSpec::from_attributes("orders.fifo", |k| a.get(k).map(String::as_str), vec![]);
        let expected = QueueSpec {
            dead_letter: DeadLetter::Existing {
                arn: arn.into(),
                max_receive_count: 3,
            },
            ..s
        };
        assert_eq!(back, expected);
        // A queue with no attributes at all reads as SQS's defaults.
        assert_eq!(
            QueueSpec::from_attributes("orders", |_| None, vec![]),
            spec()
        );
    }

    #[test]
    fn a_default_queue_has_the_attributes_sqs_gives_a_new_queue() {
        let a = QueueSpec::default().attributes(None);
        for n in r::NUMERIC_ATTRIBUTES {
            if n != r::KMS_DATA_KEY_REUSE_PERIOD_SECONDS {
                assert_eq!(a[n.name], n.default.to_string(), "{}", n.name);
            }
        }
        assert_eq!(a["SqsManagedSseEnabled"], "true");
        assert!(!a.contains_key("FifoQueue"));
        for k in a.keys() {
            assert!(r::SETTABLE_ATTRIBUTES.contains(&k.as_str()), "{k}");
        }
    }
}
