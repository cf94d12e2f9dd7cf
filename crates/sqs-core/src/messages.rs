//! Acting on received messages: delete and change visibility in batches where every entry ends
//! with an outcome. Sending is `message_send.rs`, polling `poll.rs`; both are re-exported here
//! so callers name one module for messages.

pub use crate::message_send::{send_message, AttributeValue, OutgoingMessage, SentMessage};
pub use crate::poll::{poll, PollMode, PollSettings, PollSink, ReceivedMessage};

use std::collections::HashMap;

use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::CoreError;

/// A message to act on: its id (for the outcome) and its latest receipt handle.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageHandle {
    pub message_id: String,
    pub receipt_handle: String,
}

/// What happened to one message of a batch action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EntryOutcome {
    pub message_id: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// Maps a batch answer (ids are positions in the chunk) to one outcome per entry, never dropping one.
fn outcomes(
    chunk: &[MessageHandle],
    ok_ids: Vec<String>,
    failed: Vec<(String, String)>,
) -> Vec<EntryOutcome> {
    let failed: HashMap<String, String> = failed.into_iter().collect();
    chunk
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let id = i.to_string();
            let (ok, error) = if ok_ids.contains(&id) {
                (true, None)
            } else {
                (
                    false,
                    Some(failed.get(&id).cloned().unwrap_or_else(|| {
                        "SQS did not answer for this message; it may still be there.".into()
                    })),
                )
            };
            EntryOutcome {
                message_id: h.message_id.clone(),
                ok,
                error,
            }
        })
        .collect()
}

/// How many batch requests a delete or visibility change sends at once.
const BATCH_CONCURRENCY: usize = 8;

/// Runs a batch action on chunks of 10, a few at a time; `send` gets the entries' (id, handle) and returns the
/// ids that succeeded and (id, reason) for those that failed.
async fn in_batches<F, Fut>(
    handles: &[MessageHandle],
    send: F,
) -> Result<Vec<EntryOutcome>, CoreError>
where
    F: Fn(Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<String>, Vec<(String, String)>), CoreError>>,
{
    let chunks: Vec<&[MessageHandle]> = handles.chunks(10).collect();
    let mut out = Vec::with_capacity(handles.len());
    // A few batches at a time: each is one request, so concurrency is what makes 10,000 quick.
    for wave in chunks.chunks(BATCH_CONCURRENCY) {
        let answers = futures::future::join_all(wave.iter().map(|chunk| {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, h)| (i.to_string(), h.receipt_handle.clone()))
                .collect();
            send(entries)
        }))
        .await;
        for (chunk, answer) in wave.iter().zip(answers) {
            match answer {
                Ok((ok, failed)) => out.extend(outcomes(chunk, ok, failed)),
                // The whole request failed: every entry of it says so; the others keep theirs.
                Err(e) => out.extend(chunk.iter().map(|h| EntryOutcome {
                    message_id: h.message_id.clone(),
                    ok: false,
                    error: Some(e.to_string()),
                })),
            }
        }
    }
    Ok(out)
}

/// The failed entries of a batch answer as (id, "message (code)"); `fallback` when SQS sent no message.
pub(crate) fn batch_failures(
    failed: &[BatchResultErrorEntry],
    fallback: &str,
) -> Vec<(String, String)> {
    failed
        .iter()
        .map(|f| {
            (
                f.id().to_string(),
                format!("{} ({})", f.message().unwrap_or(fallback), f.code()),
            )
        })
        .collect()
}

/// Deletes messages in batches of 10; each gets an outcome (a failed one keeps its reason).
pub async fn delete_messages(
    client: &SqsClient,
    url: &str,
    handles: &[MessageHandle],
) -> Result<Vec<EntryOutcome>, CoreError> {
    in_batches(handles, |entries| async move {
        let entries = entries
            .into_iter()
            .map(|(id, h)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(h)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let r = client
            .sdk
            .delete_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
        Ok((
            r.successful().iter().map(|s| s.id().to_string()).collect(),
            batch_failures(r.failed(), "failed"),
        ))
    })
    .await
}

/// Changes the visibility timeout of messages in batches of 10 (0 releases them at once).
pub async fn change_visibility(
    client: &SqsClient,
    url: &str,
    handles: &[MessageHandle],
    visibility_s: u32,
) -> Result<Vec<EntryOutcome>, CoreError> {
    if visibility_s > sqs_rules::MAX_VISIBILITY_TIMEOUT {
        return Err(CoreError::field(
            "visibility_s",
            "The visibility timeout is 0 s to 12 hours.",
        ));
    }
    in_batches(handles, |entries| async move {
        let entries = entries
            .into_iter()
            .map(|(id, h)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(h)
                    .visibility_timeout(visibility_s as i32)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let r = client
            .sdk
            .change_message_visibility_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, &client.target))?;
        Ok((
            r.successful().iter().map(|s| s.id().to_string()).collect(),
            batch_failures(r.failed(), "failed"),
        ))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_handle_is_taken_as_a_message_handle() {
        // The page passes the store's handles (`HeldHandle`: `seq` beside) to delete and
        // visibility as they are.
        let h: MessageHandle =
            serde_json::from_str(r#"{"seq": 7, "message_id": "m", "receipt_handle": "r"}"#)
                .unwrap();
        assert_eq!(
            (h.message_id.as_str(), h.receipt_handle.as_str()),
            ("m", "r")
        );
    }

    #[test]
    fn every_batch_entry_gets_an_outcome_even_without_an_answer() {
        let chunk: Vec<MessageHandle> = (0..3)
            .map(|i| MessageHandle {
                message_id: format!("m{i}"),
                receipt_handle: "r".into(),
            })
            .collect();
        let o = outcomes(
            &chunk,
            vec!["0".into()],
            vec![("1".into(), "ReceiptHandleIsInvalid".into())],
        );
        assert_eq!(o.len(), 3);
        assert!(o[0].ok);
        assert_eq!(o[1].error.as_deref(), Some("ReceiptHandleIsInvalid"));
        assert!(!o[2].ok && o[2].error.as_deref().unwrap().contains("did not answer"));
    }
}
