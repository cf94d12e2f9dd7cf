//! SQS's rules for queues, written once: attribute names, ranges and defaults, queue names, and the two JSON policies that wire a
//! dead-letter queue (RedrivePolicy on the source, RedriveAllowPolicy on the DLQ) as typed
//! structs. The core builds and reads them; the sandbox checks them with SQS's error codes.

use serde::{Deserialize, Serialize};

/// A queue attribute that is a whole number in a range, with SQS's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NumericAttribute {
    /// SQS's attribute name.
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

impl NumericAttribute {
    /// The values SQS accepts.
    pub const fn range(&self) -> std::ops::RangeInclusive<u32> {
        self.min..=self.max
    }
}

pub const DELAY_SECONDS: NumericAttribute = NumericAttribute {
    name: "DelaySeconds",
    min: 0,
    max: 900,
    default: 0,
};
pub const MAXIMUM_MESSAGE_SIZE: NumericAttribute = NumericAttribute {
    name: "MaximumMessageSize",
    min: 1024,
    max: 1_048_576,
    default: 1_048_576,
};
pub const MESSAGE_RETENTION_PERIOD: NumericAttribute = NumericAttribute {
    name: "MessageRetentionPeriod",
    min: 60,
    max: 1_209_600,
    default: 345_600,
};
pub const RECEIVE_MESSAGE_WAIT_TIME_SECONDS: NumericAttribute = NumericAttribute {
    name: "ReceiveMessageWaitTimeSeconds",
    min: 0,
    max: 20,
    default: 0,
};
pub const VISIBILITY_TIMEOUT: NumericAttribute = NumericAttribute {
    name: "VisibilityTimeout",
    min: 0,
    max: 43_200,
    default: 30,
};
pub const KMS_DATA_KEY_REUSE_PERIOD_SECONDS: NumericAttribute = NumericAttribute {
    name: "KmsDataKeyReusePeriodSeconds",
    min: 60,
    max: 86_400,
    default: 300,
};

/// Every numeric queue attribute.
pub const NUMERIC_ATTRIBUTES: [NumericAttribute; 6] = [
    DELAY_SECONDS,
    MAXIMUM_MESSAGE_SIZE,
    MESSAGE_RETENTION_PERIOD,
    RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
    VISIBILITY_TIMEOUT,
    KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
];

/// The numeric attribute with this SQS name.
pub fn numeric_attribute(name: &str) -> Option<NumericAttribute> {
    NUMERIC_ATTRIBUTES.into_iter().find(|a| a.name == name)
}

/// The names of the queue attributes that are not numbers.
pub mod attr {
    pub const SQS_MANAGED_SSE_ENABLED: &str = "SqsManagedSseEnabled";
    pub const KMS_MASTER_KEY_ID: &str = "KmsMasterKeyId";
    pub const POLICY: &str = "Policy";
    pub const REDRIVE_POLICY: &str = "RedrivePolicy";
    pub const REDRIVE_ALLOW_POLICY: &str = "RedriveAllowPolicy";
    pub const FIFO_QUEUE: &str = "FifoQueue";
    pub const CONTENT_BASED_DEDUPLICATION: &str = "ContentBasedDeduplication";
    pub const DEDUPLICATION_SCOPE: &str = "DeduplicationScope";
    pub const FIFO_THROUGHPUT_LIMIT: &str = "FifoThroughputLimit";
}

/// Every attribute a client may set on a queue.
pub const SETTABLE_ATTRIBUTES: [&str; 15] = [
    DELAY_SECONDS.name,
    MAXIMUM_MESSAGE_SIZE.name,
    MESSAGE_RETENTION_PERIOD.name,
    RECEIVE_MESSAGE_WAIT_TIME_SECONDS.name,
    VISIBILITY_TIMEOUT.name,
    KMS_DATA_KEY_REUSE_PERIOD_SECONDS.name,
    attr::SQS_MANAGED_SSE_ENABLED,
    attr::KMS_MASTER_KEY_ID,
    attr::POLICY,
    attr::REDRIVE_POLICY,
    attr::REDRIVE_ALLOW_POLICY,
    attr::FIFO_QUEUE,
    attr::CONTENT_BASED_DEDUPLICATION,
    attr::DEDUPLICATION_SCOPE,
    attr::FIFO_THROUGHPUT_LIMIT,
];

/// The attributes only a FIFO queue has.
pub const FIFO_ONLY_ATTRIBUTES: [&str; 3] = [
    attr::CONTENT_BASED_DEDUPLICATION,
    attr::DEDUPLICATION_SCOPE,
    attr::FIFO_THROUGHPUT_LIMIT,
];

/// DeduplicationScope's values: per queue (the default), per message group.
pub const DEDUPLICATION_SCOPES: [&str; 2] = ["queue", "messageGroup"];
/// FifoThroughputLimit's values: per queue (the default), per message group.
pub const FIFO_THROUGHPUT_LIMITS: [&str; 2] = ["perQueue", "perMessageGroupId"];

/// Whether an access policy is a JSON object (an IAM policy document).
pub fn policy_is_valid(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
}

/// The longest queue name, `.fifo` included.
pub const MAX_QUEUE_NAME: usize = 80;
/// The most source queues a byQueue RedriveAllowPolicy names.
pub const MAX_REDRIVE_SOURCES: usize = 10;
/// The bounds of a RedrivePolicy's maxReceiveCount.
pub const MAX_RECEIVE_COUNT: std::ops::RangeInclusive<u32> = 1..=1000;

/// Whether `name` is a valid queue name: 1–80 letters, digits, `-` and `_`, and for a FIFO
/// queue the `.fifo` suffix (counted in the 80).
pub fn queue_name_is_valid(name: &str, fifo: bool) -> bool {
    let base = if fifo {
        name.strip_suffix(".fifo")
    } else {
        Some(name)
    };
    name.len() <= MAX_QUEUE_NAME
        && base.is_some_and(|b| {
            !b.is_empty()
                && b.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// A queue's RedrivePolicy: after `max_receive_count` receives a message moves to the DLQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    /// SQS accepts it as a number or a string of digits.
    #[serde(deserialize_with = "number_or_string")]
    pub max_receive_count: u32,
}

/// Why a RedrivePolicy is not valid, in SQS's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedrivePolicyError {
    #[error("Redrive policy is not a valid JSON map.")]
    NotJson,
    #[error("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")]
    NoTarget,
    #[error("Redrive policy does not contain mandatory attribute: maxReceiveCount.")]
    NoMaxReceiveCount,
    #[error("Invalid value for maxReceiveCount: must be between 1 and 1000.")]
    MaxReceiveCountOutOfRange,
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Number(i64),
        Text(String),
    }
    match N::deserialize(d)? {
        N::Number(n) => u32::try_from(n).map_err(serde::de::Error::custom),
        N::Text(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

impl RedrivePolicy {
    /// Reads the attribute's JSON text, with SQS's reason when it is not valid.
    pub fn parse(text: &str) -> Result<RedrivePolicy, RedrivePolicyError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|_| RedrivePolicyError::NotJson)?;
        if !v.is_object() {
            return Err(RedrivePolicyError::NotJson);
        }
        if !v.get("deadLetterTargetArn").is_some_and(|a| a.is_string()) {
            return Err(RedrivePolicyError::NoTarget);
        }
        let p: RedrivePolicy = serde_json::from_value(v.clone()).map_err(|_| {
            // A whole number that does not fit (negative, huge) is out of range; anything
            // else is no count at all.
            let whole = match v.get("maxReceiveCount") {
                Some(serde_json::Value::Number(n)) => n.as_i64().is_some(),
                Some(serde_json::Value::String(t)) => t.trim().parse::<i64>().is_ok(),
                _ => false,
            };
            if whole {
                RedrivePolicyError::MaxReceiveCountOutOfRange
            } else {
                RedrivePolicyError::NoMaxReceiveCount
            }
        })?;
        if !MAX_RECEIVE_COUNT.contains(&p.max_receive_count) {
            return Err(RedrivePolicyError::MaxReceiveCountOutOfRange);
        }
        Ok(p)
    }

    /// The attribute's JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The dead-letter queue's name (the last part of its ARN).
    pub fn target_name(&self) -> &str {
        self.dead_letter_target_arn
            .rsplit(':')
            .next()
            .unwrap_or_default()
    }
}

/// A DLQ's RedriveAllowPolicy: which source queues may use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "redrivePermission", rename_all = "camelCase")]
pub enum RedriveAllowPolicy {
    AllowAll,
    DenyAll,
    ByQueue {
        #[serde(rename = "sourceQueueArns", default)]
        source_queue_arns: Vec<String>,
    },
}

impl RedriveAllowPolicy {
    /// Reads the attribute's JSON text; anything unreadable allows all, as SQS's default does.
    pub fn parse(text: &str) -> RedriveAllowPolicy {
        serde_json::from_str(text).unwrap_or(RedriveAllowPolicy::AllowAll)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the attribute's JSON text as SQS checks it on create and set, with SQS's reason
    /// when it is not valid.
    pub fn parse_strict(text: &str) -> Result<RedriveAllowPolicy, &'static str> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            redrive_permission: Option<String>,
            #[serde(default)]
            source_queue_arns: Vec<String>,
        }
        let raw: Raw = serde_json::from_str(text).map_err(|_| "not a JSON map.")?;
        let perm = raw
            .redrive_permission
            .ok_or("redrivePermission is required.")?;
        let arns = raw.source_queue_arns;
        match perm.as_str() {
            "allowAll" | "denyAll" if !arns.is_empty() => {
                Err("sourceQueueArns is only allowed with byQueue.")
            }
            "allowAll" => Ok(RedriveAllowPolicy::AllowAll),
            "denyAll" => Ok(RedriveAllowPolicy::DenyAll),
            "byQueue" if (1..=MAX_REDRIVE_SOURCES).contains(&arns.len()) => {
                Ok(RedriveAllowPolicy::ByQueue {
                    source_queue_arns: arns,
                })
            }
            "byQueue" => Err("byQueue needs 1 to 10 sourceQueueArns."),
            _ => Err("redrivePermission must be allowAll, denyAll or byQueue."),
        }
    }

    /// Whether the queue with this ARN may use the DLQ.
    pub fn allows(&self, source_arn: &str) -> bool {
        match self {
            RedriveAllowPolicy::AllowAll => true,
            RedriveAllowPolicy::DenyAll => false,
            RedriveAllowPolicy::ByQueue { source_queue_arns } => {
                source_queue_arns.iter().any(|a| a == source_arn)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_default_is_in_its_range_and_names_are_found() {
        for a in NUMERIC_ATTRIBUTES {
            assert!(a.range().contains(&a.default), "{a:?}");
            assert_eq!(numeric_attribute(a.name), Some(a));
        }
        assert_eq!(numeric_attribute("Policy"), None);
        assert_eq!(VISIBILITY_TIMEOUT.range(), 0..=43_200);
    }

    #[test]
    fn queue_names() {
        assert!(queue_name_is_valid("orders-2_b", false));
        assert!(queue_name_is_valid("orders.fifo", true));
        assert!(!queue_name_is_valid("orders.fifo", false));
        assert!(!queue_name_is_valid("orders", true));
        assert!(!queue_name_is_valid(".fifo", true));
        assert!(!queue_name_is_valid("", false));
        assert!(!queue_name_is_valid("a b", false));
        assert!(queue_name_is_valid(&"a".repeat(80), false));
        assert!(!queue_name_is_valid(&"a".repeat(81), false));
        assert!(queue_name_is_valid(
            &format!("{}.fifo", "a".repeat(75)),
            true
        ));
        assert!(!queue_name_is_valid(
            &format!("{}.fifo", "a".repeat(76)),
            true
        ));
    }

    #[test]
    fn redrive_policies_round_trip_and_say_what_is_wrong() {
        let p = RedrivePolicy::parse(
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:dlq","maxReceiveCount":"5"}"#,
        )
        .unwrap();
        assert_eq!((p.target_name(), p.max_receive_count), ("dlq", 5));
        assert_eq!(RedrivePolicy::parse(&p.to_json()).unwrap(), p);
        assert!(p.to_json().contains(r#""maxReceiveCount":5"#));
        use RedrivePolicyError::*;
        for (text, why) in [
            ("nope", NotJson),
            ("[1]", NotJson),
            (r#"{"maxReceiveCount":1}"#, NoTarget),
            (r#"{"deadLetterTargetArn":"a"}"#, NoMaxReceiveCount),
            (
                r#"{"deadLetterTargetArn":"a","maxReceiveCount":0}"#,
                MaxReceiveCountOutOfRange,
            ),
            (
                r#"{"deadLetterTargetArn":"a","maxReceiveCount":1001}"#,
                MaxReceiveCountOutOfRange,
            ),
            (
                r#"{"deadLetterTargetArn":"a","maxReceiveCount":-1}"#,
                MaxReceiveCountOutOfRange,
            ),
            (
                r#"{"deadLetterTargetArn":"a","maxReceiveCount":"x"}"#,
                NoMaxReceiveCount,
            ),
        ] {
            assert_eq!(RedrivePolicy::parse(text), Err(why), "{text}");
        }
    }

    #[test]
    fn redrive_allow_policies() {
        let by = RedriveAllowPolicy::parse(
            r#"{"redrivePermission":"byQueue","sourceQueueArns":["arn:a"]}"#,
        );
        assert!(by.allows("arn:a") && !by.allows("arn:b"));
        assert_eq!(RedriveAllowPolicy::parse(&by.to_json()), by);
        assert!(!RedriveAllowPolicy::parse(r#"{"redrivePermission":"denyAll"}"#).allows("arn:a"));
        assert!(RedriveAllowPolicy::parse("garbage").allows("arn:a"));
        assert_eq!(
            RedriveAllowPolicy::AllowAll.to_json(),
            r#"{"redrivePermission":"allowAll"}"#
        );
    }
}
