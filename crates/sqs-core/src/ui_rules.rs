//! SQS's queue rules as data for the UI, so the form's limits, help and "show as code" defaults
//! come from `sqs-rules` and `QueueSpec::default` instead of a copy in TypeScript. Written next
//! to the ts-rs bindings (`ui/src/lib/bindings/queue-rules.json`) by the test
//! `export_bindings_queue_rules`, which `cargo test --workspace export_bindings` runs; the test
//! command fails if the committed file is stale.

use serde::Serialize;

use crate::queue_admin::QueueSpec;

/// What the UI reads.
#[derive(Debug, Serialize)]
pub struct UiQueueRules {
    /// The numeric attributes by SQS name: range and default.
    pub numeric: Vec<sqs_rules::NumericAttribute>,
    pub max_receive_count: [u32; 2],
    pub max_queue_name: usize,
    /// A new queue's settings (SQS's defaults).
    pub default_spec: QueueSpec,
}

pub fn ui_queue_rules() -> UiQueueRules {
    UiQueueRules {
        numeric: sqs_rules::NUMERIC_ATTRIBUTES.to_vec(),
        max_receive_count: [
            *sqs_rules::MAX_RECEIVE_COUNT.start(),
            *sqs_rules::MAX_RECEIVE_COUNT.end(),
        ],
        max_queue_name: sqs_rules::MAX_QUEUE_NAME,
        default_spec: QueueSpec::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_bindings_queue_rules() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/bindings").to_string()
        });
        let dir = std::path::Path::new(&dir);
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(dir)
        };
        let path = dir.join("queue-rules.json");
        let json = serde_json::to_string_pretty(&ui_queue_rules()).unwrap() + "\n";
        if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
            std::fs::write(&path, json).unwrap();
        }
    }
}
