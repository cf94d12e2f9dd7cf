//! Redrive: moving a dead-letter queue's messages back to their source queues (or to another
//! queue) with SQS's message move tasks — start at a chosen rate, follow progress, cancel — and
//! moving chosen messages one by one (send first, then delete).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::client::SqsClient;
use crate::messages::{
    delete_messages, send_message, EntryOutcome, MessageHandle, OutgoingMessage, SentMessage,
};
use crate::CoreError;

/// SQS's ceiling for a move task's rate.
pub const MAX_RATE: u32 = 500;

/// A move task as ListMessageMoveTasks reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MoveTask {
    /// Only a running task has one (it is what Cancel needs).
    pub handle: Option<String>,
    /// RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED.
    pub status: String,
    pub source_arn: String,
    /// None: back to each message's source queue.
    pub destination_arn: Option<String>,
    #[ts(type = "number")]
    pub moved: i64,
    #[ts(type = "number | null")]
    pub to_move: Option<i64>,
    pub rate: Option<u32>,
    /// Milliseconds since the epoch.
    #[ts(type = "number")]
    pub started_at: i64,
    pub failure_reason: Option<String>,
}

/// Starts moving every message of the DLQ `source_arn` to `destination_arn` (None: back to the
/// queues they came from) at up to `rate` messages a second (None: as fast as SQS likes).
/// Returns the task's handle.
pub async fn start(
    client: &SqsClient,
    source_arn: &str,
    destination_arn: Option<&str>,
    rate: Option<u32>,
) -> Result<String, CoreError> {
    if let Some(r) = rate {
        if r == 0 || r > MAX_RATE {
            return Err(CoreError::field(
                "rate",
                format!("The rate is 1 to {MAX_RATE} messages a second."),
            ));
        }
    }
    let r = client
        .sdk
        .start_message_move_task()
        .source_arn(source_arn)
        .set_destination_arn(destination_arn.map(str::to_string))
        .set_max_number_of_messages_per_second(rate.map(|r| r as i32))
        .send()
        .await
        .map_err(|e| explain(CoreError::from_sdk(e, &client.target)))?;
    Ok(r.task_handle().unwrap_or_default().to_string())
}

/// SQS allows one running task per DLQ: say so, and what to do, instead of the bare code.
fn explain(e: CoreError) -> CoreError {
    match &e {
        CoreError::Service { code, message } if code.contains("UnsupportedOperation") && message.contains("already") => {
            CoreError::Service {
                code: code.clone(),
                message: "A redrive of this dead-letter queue is already running; SQS runs one at a time per queue. Wait for it to finish or cancel it, then start again.".into(),
            }
        }
        _ => e,
    }
}

/// The most recent move tasks of a DLQ (up to 10), newest first.
pub async fn list(client: &SqsClient, source_arn: &str) -> Result<Vec<MoveTask>, CoreError> {
    let r = client
        .sdk
        .list_message_move_tasks()
        .source_arn(source_arn)
        .max_results(10)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    Ok(r.results()
        .iter()
        .map(|t| MoveTask {
            handle: t.task_handle().map(str::to_string),
            status: t.status().unwrap_or("UNKNOWN").to_string(),
            source_arn: t.source_arn().unwrap_or(source_arn).to_string(),
            destination_arn: t.destination_arn().map(str::to_string),
            moved: t.approximate_number_of_messages_moved(),
            to_move: t.approximate_number_of_messages_to_move(),
            rate: t.max_number_of_messages_per_second().map(|r| r as u32),
            started_at: t.started_timestamp(),
            failure_reason: t.failure_reason().map(str::to_string),
        })
        .collect())
}

/// Asks a running task to stop; messages already moved stay moved. Returns how many were moved.
pub async fn cancel(client: &SqsClient, handle: &str) -> Result<i64, CoreError> {
    let r = client
        .sdk
        .cancel_message_move_task()
        .task_handle(handle)
        .send()
        .await
        .map_err(|e| CoreError::from_sdk(e, &client.target))?;
    Ok(r.approximate_number_of_messages_moved())
}

/// One message to move: its handle where it is now, and what to send (its body may be edited).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct MoveItem {
    pub handle: MessageHandle,
    pub message: OutgoingMessage,
}

/// A move's progress, as the window shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MoveProgress {
    /// Messages handled so far (moved, or failed and left where they were).
    pub done: u32,
    pub total: u32,
}

/// Where a move says how far it is, and how it is told to stop.
pub trait MoveSink: Send + Sync {
    fn progress(&self, progress: MoveProgress);
    /// Checked between rounds: true ends the move, leaving the rest where they are.
    fn stopped(&self) -> bool;
}

struct Unwatched;
impl MoveSink for Unwatched {
    fn progress(&self, _: MoveProgress) {}
    fn stopped(&self) -> bool {
        false
    }
}

/// Messages moved per round: each round's sends, then its deletes, then its progress.
pub const MOVE_ROUND: usize = 100;

/// What a message left out by a stop says.
pub const STOPPED_BEFORE_MOVE: &str = "Stopped before it was moved: still where it was.";

/// Moves chosen messages (from a DLQ, usually) to `to_url`, each changed by `changes` first (fix
/// before replay; a message a change cannot apply to is not moved): each is sent first, and
/// deleted from `from_url` only once its send succeeded. A failed send leaves the message where it was; a
/// failed delete leaves it in both queues and says so. A crash between the two steps can
/// likewise leave a copy in both — a duplicate, which SQS's at-least-once delivery allows — but
/// never a message in neither.
pub async fn move_selected(
    client: &SqsClient,
    from_url: &str,
    to_url: &str,
    items: Vec<MoveItem>,
    changes: &[crate::transform::Change],
) -> Result<Vec<EntryOutcome>, CoreError> {
    move_selected_with(client, from_url, to_url, items, changes, &Unwatched).await
}

/// [`move_selected`] in rounds of [`MOVE_ROUND`], saying after each how far it is and stopping
/// between two when `sink` says so: the messages not reached stay where they were, each with
/// [`STOPPED_BEFORE_MOVE`].
pub async fn move_selected_with(
    client: &SqsClient,
    from_url: &str,
    to_url: &str,
    items: Vec<MoveItem>,
    changes: &[crate::transform::Change],
    sink: &dyn MoveSink,
) -> Result<Vec<EntryOutcome>, CoreError> {
    let total = items.len();
    let mut out = Vec::with_capacity(total);
    let mut rest = items.into_iter();
    loop {
        if sink.stopped() {
            out.extend(rest.map(|it| EntryOutcome {
                message_id: it.handle.message_id,
                ok: false,
                error: Some(STOPPED_BEFORE_MOVE.into()),
            }));
            break;
        }
        let round: Vec<MoveItem> = rest.by_ref().take(MOVE_ROUND).collect();
        if round.is_empty() {
            break;
        }
        out.extend(move_round(client, from_url, to_url, round, changes).await?);
        sink.progress(MoveProgress {
            done: out.len() as u32,
            total: total as u32,
        });
    }
    Ok(out)
}

/// One round: every send (8 at a time), then the deletes of those sent.
async fn move_round(
    client: &SqsClient,
    from_url: &str,
    to_url: &str,
    items: Vec<MoveItem>,
    changes: &[crate::transform::Change],
) -> Result<Vec<EntryOutcome>, CoreError> {
    use futures::StreamExt;
    let sent: Vec<(MessageHandle, Result<SentMessage, CoreError>)> = futures::stream::iter(items)
        .map(|it| async move {
            let r = match crate::transform::apply(changes, &it.message) {
                Ok(changed) => send_message(client, to_url, &changed).await,
                Err(e) => Err(CoreError::field("changes", format!("not changed: {e}"))),
            };
            (it.handle, r)
        })
        .buffered(8)
        .collect()
        .await;
    let mut out = Vec::with_capacity(sent.len());
    let mut to_delete = Vec::new();
    for (h, r) in sent {
        match r {
            Ok(_) => to_delete.push(h),
            Err(e) => out.push(EntryOutcome {
                message_id: h.message_id,
                ok: false,
                error: Some(format!("Not moved, still where it was: {e}")),
            }),
        }
    }
    for o in delete_messages(client, from_url, &to_delete).await? {
        out.push(if o.ok {
            o
        } else {
            EntryOutcome {
                error: Some(format!(
                    "Sent, but not deleted here ({}): it is now in both queues; delete this copy by hand.",
                    o.error.unwrap_or_default()
                )),
                ..o
            }
        });
    }
    Ok(out)
}
