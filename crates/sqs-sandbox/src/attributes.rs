//! Queue attributes: which exist, their defaults, and validation of new values with SQS's
//! errors. The names, ranges, defaults and values are `sqs_rules`'; this file maps them to SQS's
//! error codes.

use std::collections::BTreeMap;

use sqs_rules::attr;

use crate::error::{SqsError, SqsResult};

/// Attributes a queue stores (settable ones), by name.
pub type Attrs = BTreeMap<String, String>;

/// Read-only attributes computed on read.
pub const COMPUTED: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
];

/// Attributes a client may set.
pub const SETTABLE: &[&str] = &sqs_rules::SETTABLE_ATTRIBUTES;

/// The attributes of a new queue: those of a default `QueueSpec` of its type, so the app's
/// form and the sandbox agree on SQS's defaults.
pub fn defaults(fifo: bool) -> Attrs {
    sqs_rules::QueueSpec {
        fifo,
        ..Default::default()
    }
    .attributes(None)
}

/// One of the values an enumerated attribute takes.
fn one_of(name: &str, value: &str, values: &[&str]) -> SqsResult<String> {
    if values.contains(&value) {
        Ok(value.into())
    } else {
        Err(SqsError::invalid_attribute_value(format!(
            "{name} must be {}.",
            values.join(" or ")
        )))
    }
}

fn range(name: &str, value: &str, lo: i64, hi: i64) -> SqsResult<String> {
    match value.trim().parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n.to_string()),
        _ => Err(SqsError::invalid_attribute_value(format!(
            "Invalid value for the parameter {name}. Reason: must be an integer between {lo} and {hi}."
        ))),
    }
}

fn boolean(name: &str, value: &str) -> SqsResult<String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "false" => Ok(value.to_ascii_lowercase()),
        _ => Err(SqsError::invalid_attribute_value(format!(
            "Invalid value for the parameter {name}. Reason: must be true or false."
        ))),
    }
}

/// Parses a RedrivePolicy into (deadLetterTargetArn, maxReceiveCount).
pub fn parse_redrive_policy(value: &str) -> SqsResult<(String, i64)> {
    let p = sqs_rules::RedrivePolicy::parse(value).map_err(|why| {
        SqsError::invalid_attribute_value(format!(
            "Value {value} for parameter RedrivePolicy is invalid. Reason: {why}"
        ))
    })?;
    Ok((p.dead_letter_target_arn, p.max_receive_count as i64))
}

/// Checks one attribute for CreateQueue / SetQueueAttributes and returns the stored form.
/// Cross-queue rules (DLQ exists, same type) are checked by the caller.
pub fn validate(name: &str, value: &str, fifo: bool, creating: bool) -> SqsResult<String> {
    if !SETTABLE.contains(&name) {
        return Err(SqsError::invalid_attribute_name(name));
    }
    if sqs_rules::FIFO_ONLY_ATTRIBUTES.contains(&name) && !fifo {
        return Err(SqsError::invalid_attribute_name(&format!(
            "{name} (only FIFO queues have it)"
        )));
    }
    if let Some(a) = sqs_rules::numeric_attribute(name) {
        return range(name, value, a.min as i64, a.max as i64);
    }
    match name {
        attr::SQS_MANAGED_SSE_ENABLED => boolean(name, value),
        attr::KMS_MASTER_KEY_ID => Ok(value.to_string()),
        attr::POLICY => {
            if value.is_empty() || sqs_rules::policy_is_valid(value) {
                Ok(value.to_string())
            } else {
                Err(SqsError::invalid_attribute_value(
                    "Invalid value for the parameter Policy: not a JSON policy document.",
                ))
            }
        }
        attr::REDRIVE_POLICY => {
            if value.is_empty() {
                return Ok(String::new());
            }
            let (arn, max) = parse_redrive_policy(value)?;
            Ok(sqs_rules::RedrivePolicy {
                dead_letter_target_arn: arn,
                max_receive_count: max as u32,
            }
            .to_json())
        }
        attr::REDRIVE_ALLOW_POLICY => {
            sqs_rules::RedriveAllowPolicy::parse_strict(value).map_err(|why| {
                SqsError::invalid_attribute_value(format!(
                    "Value {value} for parameter RedriveAllowPolicy is invalid. Reason: {why}"
                ))
            })?;
            Ok(value.to_string())
        }
        attr::FIFO_QUEUE => {
            let v = boolean(name, value)?;
            if !creating {
                return Err(SqsError::invalid_attribute_name(
                    "FifoQueue (it can only be set when the queue is created)",
                ));
            }
            if (v == "true") != fifo {
                return Err(SqsError::invalid_parameter(
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
                ));
            }
            Ok(v)
        }
        attr::CONTENT_BASED_DEDUPLICATION => boolean(name, value),
        attr::DEDUPLICATION_SCOPE => one_of(name, value, &sqs_rules::DEDUPLICATION_SCOPES),
        attr::FIFO_THROUGHPUT_LIMIT => one_of(name, value, &sqs_rules::FIFO_THROUGHPUT_LIMITS),
        _ => Err(SqsError::invalid_attribute_name(name)),
    }
}

/// Checks a queue name: 1–80 of `A-Za-z0-9-_`, FIFO names end in `.fifo`.
pub fn check_queue_name(name: &str, fifo: bool) -> SqsResult<()> {
    let ok = sqs_rules::queue_name_is_valid(name, fifo);
    if ok {
        Ok(())
    } else if fifo {
        Err(SqsError::invalid_parameter(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
        ))
    } else {
        Err(SqsError::invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_from_the_sqs_reference() {
        assert!(validate("VisibilityTimeout", "43200", false, true).is_ok());
        assert_eq!(
            validate("VisibilityTimeout", "43201", false, true)
                .unwrap_err()
                .type_name,
            "InvalidAttributeValue"
        );
        assert!(validate("MaximumMessageSize", "1023", false, true).is_err());
        assert!(validate("MessageRetentionPeriod", "59", false, true).is_err());
        assert!(validate("DelaySeconds", "901", false, true).is_err());
        assert!(validate("ReceiveMessageWaitTimeSeconds", "21", false, true).is_err());
        assert_eq!(
            validate("Colour", "x", false, true).unwrap_err().type_name,
            "InvalidAttributeName"
        );
        assert!(validate("ContentBasedDeduplication", "true", false, true).is_err());
        assert!(validate("FifoQueue", "true", true, false).is_err());
    }

    #[test]
    fn redrive_policy_needs_a_target_and_a_count_in_range() {
        assert!(validate(
            "RedrivePolicy",
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:0:d","maxReceiveCount":"5"}"#,
            false,
            true
        )
        .is_ok());
        assert!(validate(
            "RedrivePolicy",
            r#"{"deadLetterTargetArn":"a","maxReceiveCount":0}"#,
            false,
            true
        )
        .is_err());
        assert!(validate("RedrivePolicy", r#"{"maxReceiveCount":3}"#, false, true).is_err());
    }

    #[test]
    fn names() {
        assert!(check_queue_name("orders_v2-x", false).is_ok());
        assert!(check_queue_name("a.fifo", true).is_ok());
        assert!(check_queue_name(".fifo", true).is_err());
        assert!(check_queue_name("has space", false).is_err());
        assert!(check_queue_name(&"a".repeat(81), false).is_err());
        assert!(check_queue_name(&format!("{}.fifo", "a".repeat(75)), true).is_ok());
        assert!(check_queue_name(&format!("{}.fifo", "a".repeat(76)), true).is_err());
    }
}
