//! Queue management: the settings of a queue as the create/edit form holds them, their
//! validation (SQS's ranges, the authority the form mirrors), and create (with an optional new
//! dead-letter queue), read back, update (only what changed), purge and delete.

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName as A;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::CoreError;

/// How messages are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
pub enum RedriveAllow {
    AllowAll,
    DenyAll,
    ByQueue { source_arns: Vec<String> },
}

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Every setting of a queue, with SQS's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
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
            // SQS's defaults, from the one table.
            visibility_timeout_s: sqs_rules::VISIBILITY_TIMEOUT.default,
            retention_s: sqs_rules::MESSAGE_RETENTION_PERIOD.default,
            delay_s: sqs_rules::DELAY_SECONDS.default,
            max_message_bytes: sqs_rules::MAXIMUM_MESSAGE_SIZE.default,
            receive_wait_s: sqs_rules::RECEIVE_MESSAGE_WAIT_TIME_SECONDS.default,
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

fn range(
    field: &str,
    what: &str,
    v: u32,
    bounds: std::ops::RangeInclusive<u32>,
    unit: &str,
) -> Result<(), CoreError> {
    let (lo, hi) = (*bounds.start(), *bounds.end());
    if bounds.contains(&v) {
        Ok(())
    } else {
        Err(CoreError::field(
            field,
            format!("{what} must be from {lo} to {hi} {unit}."),
        ))
    }
}

/// A full queue name (`.fifo` added for FIFO).
pub fn full_name(name: &str, fifo: bool) -> String {
    let base = name.trim().trim_end_matches(".fifo");
    if fifo {
        format!("{base}.fifo")
    } else {
        base.to_string()
    }
}

impl QueueSpec {
    pub fn full_name(&self) -> String {
        full_name(&self.name, self.fifo)
    }

    /// Checks every field against SQS's limits; the error names the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        let name = self.full_name();
        let base = name.trim_end_matches(".fifo");
        if base.is_empty() {
            return Err(CoreError::field("name", "Give the queue a name."));
        }
        if !sqs_rules::queue_name_is_valid(&name, self.fifo) {
            return Err(CoreError::field(
                "name",
                "A queue name is 1–80 letters, digits, '-' and '_' (the .fifo suffix counts).",
            ));
        }
        range(
            "visibility_timeout_s",
            "The visibility timeout",
            self.visibility_timeout_s,
            sqs_rules::VISIBILITY_TIMEOUT.range(),
            "seconds (12 hours)",
        )?;
        range(
            "retention_s",
            "Message retention",
            self.retention_s,
            sqs_rules::MESSAGE_RETENTION_PERIOD.range(),
            "seconds (1 minute to 14 days)",
        )?;
        range(
            "delay_s",
            "The delivery delay",
            self.delay_s,
            sqs_rules::DELAY_SECONDS.range(),
            "seconds (15 minutes)",
        )?;
        range(
            "max_message_bytes",
            "The maximum message size",
            self.max_message_bytes,
            sqs_rules::MAXIMUM_MESSAGE_SIZE.range(),
            "bytes (1 KiB to 1 MiB)",
        )?;
        range(
            "receive_wait_s",
            "The receive wait time",
            self.receive_wait_s,
            sqs_rules::RECEIVE_MESSAGE_WAIT_TIME_SECONDS.range(),
            "seconds",
        )?;
        if let Encryption::Kms {
            key_id,
            reuse_period_s,
        } = &self.encryption
        {
            if key_id.trim().is_empty() {
                return Err(CoreError::field(
                    "kms_key_id",
                    "Enter the KMS key id, alias (alias/…) or ARN.",
                ));
            }
            range(
                "kms_reuse_period_s",
                "The data key reuse period",
                *reuse_period_s,
                sqs_rules::KMS_DATA_KEY_REUSE_PERIOD_SECONDS.range(),
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
                    return Err(CoreError::field(
                        "dead_letter_arn",
                        "Pick the dead-letter queue.",
                    ));
                }
                if arn.ends_with(".fifo") != self.fifo {
                    return Err(CoreError::field(
                        "dead_letter_arn",
                        "The dead-letter queue must be of the same type (FIFO with FIFO, standard with standard).",
                    ));
                }
                range(
                    "max_receive_count",
                    "Maximum receives",
                    *max_receive_count,
                    sqs_rules::MAX_RECEIVE_COUNT,
                    "",
                )?;
            }
            DeadLetter::CreateNew { max_receive_count } => {
                range(
                    "max_receive_count",
                    "Maximum receives",
                    *max_receive_count,
                    sqs_rules::MAX_RECEIVE_COUNT,
                    "",
                )?;
                if full_name(&format!("{}-dlq", base), self.fifo).len() > 80 {
                    return Err(CoreError::field(
                        "name",
                        "The name is too long to add -dlq for the new dead-letter queue.",
                    ));
                }
            }
        }
        if let RedriveAllow::ByQueue { source_arns } = &self.redrive_allow {
            if source_arns.is_empty() || source_arns.len() > 10 {
                return Err(CoreError::field(
                    "redrive_allow",
                    "List 1 to 10 source queues, or allow all / deny all.",
                ));
            }
        }
        if let Some(p) = &self.policy {
            if !p.trim().is_empty()
                && !serde_json::from_str::<serde_json::Value>(p).is_ok_and(|v| v.is_object())
            {
                return Err(CoreError::field(
                    "policy",
                    "The access policy must be a JSON object (an IAM policy document).",
                ));
            }
        }
        if self.tags.len() > 50 {
            return Err(CoreError::field(
                "tags",
                "A queue can have at most 50 tags.",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for t in &self.tags {
            if t.key.is_empty() || t.key.chars().count() > 128 {
                return Err(CoreError::field(
                    "tags",
                    "Each tag key is 1–128 characters.",
                ));
            }
            if t.value.chars().count() > 256 {
                return Err(CoreError::field(
                    "tags",
                    format!("The value of tag '{}' is over 256 characters.", t.key),
                ));
            }
            if !seen.insert(t.key.as_str()) {
                return Err(CoreError::field(
                    "tags",
                    format!("The tag key '{}' is there twice.", t.key),
                ));
            }
        }
        Ok(())
    }

    /// The attributes CreateQueue / SetQueueAttributes take, given the DLQ's ARN if any.
    pub fn attributes(&self, dlq_arn: Option<&str>) -> HashMap<A, String> {
        let mut a = HashMap::new();
        a.insert(A::VisibilityTimeout, self.visibility_timeout_s.to_string());
        a.insert(A::MessageRetentionPeriod, self.retention_s.to_string());
        a.insert(A::DelaySeconds, self.delay_s.to_string());
        a.insert(A::MaximumMessageSize, self.max_message_bytes.to_string());
        a.insert(
            A::ReceiveMessageWaitTimeSeconds,
            self.receive_wait_s.to_string(),
        );
        match &self.encryption {
            Encryption::SqsManaged => {
                a.insert(A::SqsManagedSseEnabled, "true".into());
            }
            Encryption::Kms {
                key_id,
                reuse_period_s,
            } => {
                a.insert(A::KmsMasterKeyId, key_id.trim().to_string());
                a.insert(A::KmsDataKeyReusePeriodSeconds, reuse_period_s.to_string());
            }
            Encryption::Off => {
                a.insert(A::SqsManagedSseEnabled, "false".into());
            }
        }
        let max = match &self.dead_letter {
            DeadLetter::None => None,
            DeadLetter::Existing {
                max_receive_count, ..
            }
            | DeadLetter::CreateNew { max_receive_count } => Some(*max_receive_count),
        };
        let target = match &self.dead_letter {
            DeadLetter::Existing { arn, .. } => Some(arn.as_str()),
            _ => dlq_arn,
        };
        if let (Some(arn), Some(max)) = (target, max) {
            let policy = sqs_rules::RedrivePolicy {
                dead_letter_target_arn: arn.to_string(),
                max_receive_count: max,
            };
            a.insert(A::RedrivePolicy, policy.to_json());
        }
        let allow = match &self.redrive_allow {
            RedriveAllow::AllowAll => sqs_rules::RedriveAllowPolicy::AllowAll,
            RedriveAllow::DenyAll => sqs_rules::RedriveAllowPolicy::DenyAll,
            RedriveAllow::ByQueue { source_arns } => sqs_rules::RedriveAllowPolicy::ByQueue {
                source_queue_arns: source_arns.clone(),
            },
        };
        if self.redrive_allow != RedriveAllow::AllowAll {
            a.insert(A::RedriveAllowPolicy, allow.to_json());
        }
        if self.fifo {
            a.insert(A::FifoQueue, "true".into());
            a.insert(
                A::ContentBasedDeduplication,
                self.content_based_dedup.to_string(),
            );
            a.insert(
                A::DeduplicationScope,
                if self.dedup_per_group {
                    "messageGroup"
                } else {
                    "queue"
                }
                .into(),
            );
            a.insert(
                A::FifoThroughputLimit,
                if self.throughput_per_group {
                    "perMessageGroupId"
                } else {
                    "perQueue"
                }
                .into(),
            );
        }
        if let Some(p) = self.policy.as_deref().filter(|p| !p.trim().is_empty()) {
            a.insert(A::Policy, p.to_string());
        }
        a
    }
}

/// What create returns.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CreatedQueue {
    pub url: String,
    /// The dead-letter queue made for it, if one was asked for.
    pub dlq_url: Option<String>,
}

async fn arn_of(client: &SqsClient, url: &str) -> Result<String, CoreError> {
    let r = client
        .sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::QueueArn)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    r.attributes()
        .and_then(|a| a.get(&A::QueueArn))
        .cloned()
        .ok_or_else(|| CoreError::Internal("the queue's ARN was not returned".into()))
}

/// Creates the queue (and first its new dead-letter queue, if asked for).
pub async fn create_queue(client: &SqsClient, spec: &QueueSpec) -> Result<CreatedQueue, CoreError> {
    spec.validate()?;
    let mut dlq_url = None;
    let mut dlq_arn = None;
    if let DeadLetter::CreateNew { .. } = spec.dead_letter {
        let base = spec.full_name();
        let dlq_spec = QueueSpec {
            name: format!("{}-dlq", base.trim_end_matches(".fifo")),
            fifo: spec.fifo,
            retention_s: 1_209_600,
            encryption: spec.encryption.clone(),
            ..Default::default()
        };
        let url = client
            .sdk
            .create_queue()
            .queue_name(dlq_spec.full_name())
            .set_attributes(Some(dlq_spec.attributes(None)))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?
            .queue_url
            .unwrap_or_default();
        dlq_arn = Some(arn_of(client, &url).await?);
        dlq_url = Some(url);
    }
    let tags: HashMap<String, String> = spec
        .tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    let url = client
        .sdk
        .create_queue()
        .queue_name(spec.full_name())
        .set_attributes(Some(spec.attributes(dlq_arn.as_deref())))
        .set_tags(if tags.is_empty() { None } else { Some(tags) })
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?
        .queue_url
        .unwrap_or_default();
    Ok(CreatedQueue { url, dlq_url })
}

/// A queue as its details page shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QueueDetails {
    pub url: String,
    pub arn: String,
    /// The settings read back, in the form's shape (name without `.fifo`).
    pub spec: QueueSpec,
    pub counts: crate::queues::QueueCounts,
    /// Seconds since the Unix epoch.
    #[ts(type = "number | null")]
    pub modified: Option<i64>,
    /// Queues whose dead-letter queue this is.
    pub dead_letter_sources: Vec<String>,
}

fn num(a: &HashMap<A, String>, k: A, default: u32) -> u32 {
    a.get(&k).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The settings of a queue from its attributes and tags.
pub fn spec_from_attributes(name: &str, a: &HashMap<A, String>, tags: Vec<Tag>) -> QueueSpec {
    let d = QueueSpec::default();
    let fifo = a.get(&A::FifoQueue).is_some_and(|v| v == "true") || name.ends_with(".fifo");
    let encryption = match a.get(&A::KmsMasterKeyId).filter(|k| !k.is_empty()) {
        Some(k) => Encryption::Kms {
            key_id: k.clone(),
            reuse_period_s: num(a, A::KmsDataKeyReusePeriodSeconds, 300),
        },
        None if a
            .get(&A::SqsManagedSseEnabled)
            .is_some_and(|v| v == "false") =>
        {
            Encryption::Off
        }
        None => Encryption::SqsManaged,
    };
    let dead_letter = a
        .get(&A::RedrivePolicy)
        .and_then(|p| sqs_rules::RedrivePolicy::parse(p).ok())
        .map_or(DeadLetter::None, |p| DeadLetter::Existing {
            arn: p.dead_letter_target_arn,
            max_receive_count: p.max_receive_count,
        });
    let redrive_allow = match a.get(&A::RedriveAllowPolicy) {
        None => RedriveAllow::AllowAll,
        Some(p) => match sqs_rules::RedriveAllowPolicy::parse(p) {
            sqs_rules::RedriveAllowPolicy::AllowAll => RedriveAllow::AllowAll,
            sqs_rules::RedriveAllowPolicy::DenyAll => RedriveAllow::DenyAll,
            sqs_rules::RedriveAllowPolicy::ByQueue { source_queue_arns } => RedriveAllow::ByQueue {
                source_arns: source_queue_arns,
            },
        },
    };
    QueueSpec {
        name: name.trim_end_matches(".fifo").to_string(),
        fifo,
        visibility_timeout_s: num(a, A::VisibilityTimeout, d.visibility_timeout_s),
        retention_s: num(a, A::MessageRetentionPeriod, d.retention_s),
        delay_s: num(a, A::DelaySeconds, d.delay_s),
        max_message_bytes: num(a, A::MaximumMessageSize, d.max_message_bytes),
        receive_wait_s: num(a, A::ReceiveMessageWaitTimeSeconds, d.receive_wait_s),
        encryption,
        dead_letter,
        redrive_allow,
        content_based_dedup: a
            .get(&A::ContentBasedDeduplication)
            .is_some_and(|v| v == "true"),
        dedup_per_group: a
            .get(&A::DeduplicationScope)
            .is_some_and(|v| v == "messageGroup"),
        throughput_per_group: a
            .get(&A::FifoThroughputLimit)
            .is_some_and(|v| v == "perMessageGroupId"),
        policy: a.get(&A::Policy).filter(|p| !p.is_empty()).cloned(),
        tags,
    }
}

/// Reads every attribute, the tags and the dead-letter sources of a queue.
pub async fn queue_details(client: &SqsClient, url: &str) -> Result<QueueDetails, CoreError> {
    let sdk_err = |e| CoreError::from_sdk(e, &client.target);
    let attrs = client
        .sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::All)
        .send()
        .await
        .map_err(sdk_err)?
        .attributes
        .unwrap_or_default();
    let mut tags: Vec<Tag> = client
        .sdk
        .list_queue_tags()
        .queue_url(url)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    let sources = client
        .sdk
        .list_dead_letter_source_queues()
        .queue_url(url)
        .send()
        .await
        .map(|r| r.queue_urls)
        .unwrap_or_default();
    let name = crate::queues::name_from_url(url);
    let get = |k: A| {
        attrs
            .get(&k)
            .and_then(|v| v.parse::<f64>().ok())
            .map(|f| f as i64)
    };
    Ok(QueueDetails {
        url: url.to_string(),
        arn: attrs.get(&A::QueueArn).cloned().unwrap_or_default(),
        counts: crate::queues::QueueCounts {
            available: get(A::ApproximateNumberOfMessages).unwrap_or(0),
            in_flight: get(A::ApproximateNumberOfMessagesNotVisible).unwrap_or(0),
            delayed: get(A::ApproximateNumberOfMessagesDelayed).unwrap_or(0),
            created: get(A::CreatedTimestamp),
            dead_letter_queue: crate::queues::dead_letter_name(attrs.get(&A::RedrivePolicy)),
        },
        modified: get(A::LastModifiedTimestamp),
        spec: spec_from_attributes(&name, &attrs, tags),
        dead_letter_sources: sources,
    })
}

/// Sends only what changed between `before` (as read) and `after` (as edited). Name and type
/// cannot change.
pub async fn update_queue(
    client: &SqsClient,
    url: &str,
    before: &QueueSpec,
    after: &QueueSpec,
) -> Result<(), CoreError> {
    if before.full_name() != after.full_name() || before.fifo != after.fifo {
        return Err(CoreError::field(
            "name",
            "A queue's name and type cannot change; create a new queue instead.",
        ));
    }
    after.validate()?;
    let sdk_err = |e| CoreError::from_sdk(e, &client.target);
    let mut dlq_arn = None;
    if let DeadLetter::CreateNew { .. } = after.dead_letter {
        let created = create_queue(
            client,
            &QueueSpec {
                name: format!("{}-dlq", after.name.trim_end_matches(".fifo")),
                fifo: after.fifo,
                retention_s: 1_209_600,
                ..Default::default()
            },
        )
        .await?;
        dlq_arn = Some(arn_of(client, &created.url).await?);
    }
    let old = before.attributes(None);
    let mut changed: HashMap<A, String> = after
        .attributes(dlq_arn.as_deref())
        .into_iter()
        .filter(|(k, v)| *k != A::FifoQueue && old.get(k) != Some(v))
        .collect();
    // Attributes that were set and are now gone are cleared.
    for k in old.keys() {
        if !after.attributes(dlq_arn.as_deref()).contains_key(k) {
            changed.insert(k.clone(), String::new());
        }
    }
    if !changed.is_empty() {
        client
            .sdk
            .set_queue_attributes()
            .queue_url(url)
            .set_attributes(Some(changed))
            .send()
            .await
            .map_err(sdk_err)?;
    }
    let removed: Vec<String> = before
        .tags
        .iter()
        .filter(|t| !after.tags.iter().any(|n| n.key == t.key))
        .map(|t| t.key.clone())
        .collect();
    if !removed.is_empty() {
        client
            .sdk
            .untag_queue()
            .queue_url(url)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    }
    let added: HashMap<String, String> = after
        .tags
        .iter()
        .filter(|t| !before.tags.contains(t))
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    if !added.is_empty() {
        client
            .sdk
            .tag_queue()
            .queue_url(url)
            .set_tags(Some(added))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    }
    Ok(())
}

/// Removes every message of the queue (SQS allows one purge a minute).
pub async fn purge_queue(client: &SqsClient, url: &str) -> Result<(), CoreError> {
    client
        .sdk
        .purge_queue()
        .queue_url(url)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    Ok(())
}

/// Deletes the queue and its messages.
pub async fn delete_queue(client: &SqsClient, url: &str) -> Result<(), CoreError> {
    client
        .sdk
        .delete_queue()
        .queue_url(url)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    Ok(())
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
            assert_eq!(e.payload().field.as_deref(), Some(field));
            assert!(e.to_string().contains(&hi.to_string()), "{e}");
            if lo > 0 {
                let mut s = spec();
                set(&mut s, lo - 1);
                assert!(s.validate().is_err(), "{field}={} accepted", lo - 1);
            }
        }
    }

    #[test]
    fn names_dlq_and_tags() {
        let mut s = spec();
        s.name = "bad name".into();
        assert_eq!(
            s.validate().unwrap_err().payload().field.as_deref(),
            Some("name")
        );
        let mut s = spec();
        s.fifo = true;
        assert_eq!(s.full_name(), "orders.fifo");
        s.name = "a".repeat(76);
        assert!(s.validate().is_err(), "76 + .fifo is 81");
        let mut s = spec();
        s.dead_letter = DeadLetter::Existing {
            arn: "arn:aws:sqs:us-east-1:1:d.fifo".into(),
            max_receive_count: 5,
        };
        assert_eq!(
            s.validate().unwrap_err().payload().field.as_deref(),
            Some("dead_letter_arn")
        );
        s.dead_letter = DeadLetter::CreateNew {
            max_receive_count: 1001,
        };
        assert_eq!(
            s.validate().unwrap_err().payload().field.as_deref(),
            Some("max_receive_count")
        );
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
        assert_eq!(
            s.validate().unwrap_err().payload().field.as_deref(),
            Some("policy")
        );
    }

    #[test]
    fn attributes_say_what_the_form_says() {
        let mut s = spec();
        s.fifo = true;
        s.content_based_dedup = true;
        s.dedup_per_group = true;
        s.throughput_per_group = true;
        s.dead_letter = DeadLetter::CreateNew {
            max_receive_count: 3,
        };
        s.redrive_allow = RedriveAllow::DenyAll;
        let a = s.attributes(Some("arn:aws:sqs:us-east-1:0:orders-dlq.fifo"));
        assert_eq!(a[&A::FifoQueue], "true");
        assert_eq!(a[&A::DeduplicationScope], "messageGroup");
        assert_eq!(a[&A::FifoThroughputLimit], "perMessageGroupId");
        assert!(
            a[&A::RedrivePolicy].contains("orders-dlq.fifo") && a[&A::RedrivePolicy].contains("3")
        );
        assert!(a[&A::RedriveAllowPolicy].contains("denyAll"));
    }
}
