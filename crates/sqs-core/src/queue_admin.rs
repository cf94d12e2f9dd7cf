//! Queue management through the SDK: create (with an optional new dead-letter queue), read back,
//! update (only what changed), purge and delete. The settings themselves, their checks and their
//! encoding as SQS attributes are `sqs_rules::QueueSpec`.

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName as A;
use serde::Serialize;
use ts_rs::TS;

use crate::client::SqsClient;
use crate::CoreError;

pub use sqs_rules::{full_name, DeadLetter, Encryption, QueueSpec, RedriveAllow, Tag};

/// The attributes CreateQueue / SetQueueAttributes take, in the SDK's type.
fn sdk_attributes(spec: &QueueSpec, new_dlq_arn: Option<&str>) -> HashMap<A, String> {
    spec.attributes(new_dlq_arn)
        .into_iter()
        .map(|(k, v)| (A::from(k.as_str()), v))
        .collect()
}

/// Checks the settings; the error names the form field to fix.
pub fn validate(spec: &QueueSpec) -> Result<(), CoreError> {
    spec.validate().map_err(CoreError::from)
}

/// What the form's live checks and "show as code" read while the user types: the settings as
/// SQS will get them, and the first problem, exactly as create would report it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QueueSpecCheck {
    /// The queue's name with `.fifo` for FIFO queues.
    pub full_name: String,
    /// The attributes CreateQueue gets, by SQS name (a new DLQ's ARN as `<dlq-arn>`).
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The dead-letter queue "Create one for me" creates first.
    pub new_dlq_name: String,
    pub problem: Option<crate::error::ErrorPayload>,
}

/// Checks the settings without calling SQS.
pub fn check_spec(spec: &QueueSpec) -> QueueSpecCheck {
    QueueSpecCheck {
        full_name: spec.full_name(),
        attributes: spec.attributes(Some("<dlq-arn>")),
        new_dlq_name: spec.new_dead_letter_queue().full_name(),
        problem: validate(spec).err().map(|e| e.payload()),
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
    validate(spec)?;
    let mut dlq_url = None;
    let mut dlq_arn = None;
    if let DeadLetter::CreateNew { .. } = spec.dead_letter {
        let dlq_spec = spec.new_dead_letter_queue();
        let url = client
            .sdk
            .create_queue()
            .queue_name(dlq_spec.full_name())
            .set_attributes(Some(sdk_attributes(&dlq_spec, None)))
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
        .set_attributes(Some(sdk_attributes(spec, dlq_arn.as_deref())))
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

/// The settings of a queue from its attributes and tags.
pub fn spec_from_attributes(name: &str, a: &HashMap<A, String>, tags: Vec<Tag>) -> QueueSpec {
    QueueSpec::from_attributes(name, |k| a.get(&A::from(k)).map(String::as_str), tags)
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
    validate(after)?;
    let sdk_err = |e| CoreError::from_sdk(e, &client.target);
    let mut dlq_arn = None;
    if let DeadLetter::CreateNew { .. } = after.dead_letter {
        let created = create_queue(client, &after.new_dead_letter_queue()).await?;
        dlq_arn = Some(arn_of(client, &created.url).await?);
    }
    let old = sdk_attributes(before, None);
    let new = sdk_attributes(after, dlq_arn.as_deref());
    let mut changed: HashMap<A, String> = new
        .clone()
        .into_iter()
        .filter(|(k, v)| *k != A::FifoQueue && old.get(k) != Some(v))
        .collect();
    // Attributes that were set and are now gone are cleared.
    for k in old.keys() {
        if !new.contains_key(k) {
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

    #[test]
    fn the_forms_check_is_what_create_would_send_and_say() {
        let spec = QueueSpec {
            name: "orders".into(),
            fifo: true,
            dead_letter: DeadLetter::CreateNew {
                max_receive_count: 4,
            },
            ..Default::default()
        };
        let c = check_spec(&spec);
        assert_eq!(c.full_name, "orders.fifo");
        assert_eq!(c.new_dlq_name, "orders-dlq.fifo");
        assert!(c.problem.is_none());
        assert_eq!(
            sdk_attributes(&spec, Some("<dlq-arn>"))[&A::RedrivePolicy],
            c.attributes["RedrivePolicy"]
        );
        let bad = check_spec(&QueueSpec {
            name: "a b".into(),
            ..Default::default()
        });
        let p = bad.problem.expect("a bad name is a problem");
        assert_eq!(p.field.as_deref(), Some("name"));
        assert_eq!(p.message, "Only letters, digits, '-' and '_': not a space.");
    }
}
