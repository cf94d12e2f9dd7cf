//! Listing queues (every page, past 1,000) and reading the counts the queue list shows.

use aws_sdk_sqs::types::QueueAttributeName;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use ts_rs::TS;

use crate::client::SqsClient;
use crate::{CoreError, ErrorPayload};

/// ListQueues' page size; SQS returns NextToken only when MaxResults is set.
const PAGE_SIZE: i32 = 1000;
/// How many GetQueueAttributes calls run at once when filling the list's counts.
const STATS_CONCURRENCY: usize = 8;

/// One queue in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueRow {
    pub url: String,
    pub name: String,
    /// FIFO queues' names end in `.fifo`.
    pub fifo: bool,
}

/// The counts and dates shown beside a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueCounts {
    #[ts(type = "number")]
    pub available: i64,
    #[ts(type = "number")]
    pub in_flight: i64,
    #[ts(type = "number")]
    pub delayed: i64,
    /// Seconds since the Unix epoch.
    #[ts(type = "number | null")]
    pub created: Option<i64>,
    /// The name of the queue's dead-letter queue, if it has one.
    pub dead_letter_queue: Option<String>,
}

/// The DLQ's name from a RedrivePolicy attribute (`deadLetterTargetArn` ends in it).
pub fn dead_letter_name(redrive_policy: Option<&String>) -> Option<String> {
    let policy = sqs_rules::RedrivePolicy::parse(redrive_policy?).ok()?;
    Some(policy.target_name().to_string())
}

/// The counts of one queue, or why they could not be read.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QueueStats {
    pub url: String,
    pub counts: Option<QueueCounts>,
    pub error: Option<ErrorPayload>,
}

/// The queue's name: the last segment of its URL.
pub fn name_from_url(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(url)
        .to_string()
}

/// Every queue whose name starts with `prefix` (all when None), following NextToken to the end,
/// sorted by name.
pub async fn list_queues(
    client: &SqsClient,
    prefix: Option<&str>,
) -> Result<Vec<QueueRow>, CoreError> {
    let prefix = prefix.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = prefix {
        if p.len() > 80
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(CoreError::field(
                "prefix",
                "Queue names only contain letters, digits, '-', '_' and '.fifo', so no queue starts with that.",
            ));
        }
    }
    // The SDK's paginator follows NextToken; MaxResults must be set, or SQS stops at 1,000.
    let urls: Vec<String> = client
        .sdk
        .list_queues()
        .set_queue_name_prefix(prefix.map(str::to_string))
        .max_results(PAGE_SIZE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    let mut rows: Vec<QueueRow> = urls
        .into_iter()
        .map(|url| {
            let name = name_from_url(&url);
            QueueRow {
                fifo: name.ends_with(".fifo"),
                name,
                url,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows.dedup_by(|a, b| a.url == b.url);
    Ok(rows)
}

/// One cheap call that proves the connection works; tells whether any queue is visible.
pub async fn probe(client: &SqsClient) -> Result<bool, CoreError> {
    let resp = client
        .sdk
        .list_queues()
        .max_results(1)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    Ok(!resp.queue_urls().is_empty())
}

fn attr_i64(
    attrs: Option<&std::collections::HashMap<QueueAttributeName, String>>,
    name: QueueAttributeName,
) -> Option<i64> {
    let v = attrs?.get(&name)?;
    // Some servers send timestamps with a fraction ("1700000000.123").
    v.parse()
        .ok()
        .or_else(|| v.parse::<f64>().ok().map(|f| f as i64))
}

/// Reads the counts of one queue.
pub async fn queue_counts(client: &SqsClient, url: &str) -> Result<QueueCounts, CoreError> {
    let resp = client
        .sdk
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .attribute_names(QueueAttributeName::CreatedTimestamp)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    let a = resp.attributes();
    Ok(QueueCounts {
        available: attr_i64(a, QueueAttributeName::ApproximateNumberOfMessages).unwrap_or(0),
        in_flight: attr_i64(a, QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .unwrap_or(0),
        delayed: attr_i64(a, QueueAttributeName::ApproximateNumberOfMessagesDelayed).unwrap_or(0),
        created: attr_i64(a, QueueAttributeName::CreatedTimestamp),
        dead_letter_queue: dead_letter_name(
            a.and_then(|m| m.get(&QueueAttributeName::RedrivePolicy)),
        ),
    })
}

/// Reads the counts of many queues, a few at a time; one failing queue does not fail the rest.
pub async fn queue_stats(client: &SqsClient, urls: Vec<String>) -> Vec<QueueStats> {
    stream::iter(urls)
        .map(|url| async move {
            match queue_counts(client, &url).await {
                Ok(c) => QueueStats {
                    url,
                    counts: Some(c),
                    error: None,
                },
                Err(e) => QueueStats {
                    url,
                    counts: None,
                    error: Some(e.payload()),
                },
            }
        })
        .buffered(STATS_CONCURRENCY)
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::{dead_letter_name, name_from_url};

    #[test]
    fn dead_letter_queue_name_from_the_policy() {
        let p = r#"{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:orders-dlq","maxReceiveCount":5}"#.to_string();
        assert_eq!(dead_letter_name(Some(&p)).as_deref(), Some("orders-dlq"));
        assert_eq!(dead_letter_name(None), None);
        assert_eq!(dead_letter_name(Some(&"not json".to_string())), None);
    }

    #[test]
    fn name_is_the_last_path_segment() {
        assert_eq!(
            name_from_url("https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo"),
            "orders.fifo"
        );
        assert_eq!(
            name_from_url("http://localhost:4566/000000000000/q1/"),
            "q1"
        );
    }
}
