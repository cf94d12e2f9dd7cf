//! Batch actions when SQS fails part of a batch or a whole request (aws-smithy-mocks: the
//! failure cases no real server can be made to produce on demand). Every message is accounted
//! for: deleted, or failed with its reason; none is reported deleted that was not.

use aws_sdk_sqs::operation::delete_message_batch::{
    DeleteMessageBatchError, DeleteMessageBatchOutput,
};
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchOutput;
use aws_sdk_sqs::types::error::InvalidAddress;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, DeleteMessageBatchResultEntry, SendMessageBatchResultEntry,
};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use sqs_core::bulk::{send_all, BulkProgress, BulkSink};
use sqs_core::client::SqsClient;
use sqs_core::messages::{delete_messages, MessageHandle, OutgoingMessage};

fn handles(n: usize) -> Vec<MessageHandle> {
    (0..n)
        .map(|i| MessageHandle {
            message_id: format!("m{i}"),
            receipt_handle: format!("h{i}"),
        })
        .collect()
}

fn ok_entry(id: &str) -> DeleteMessageBatchResultEntry {
    DeleteMessageBatchResultEntry::builder()
        .id(id)
        .build()
        .unwrap()
}

fn failed_entry(id: &str, code: &str, message: &str) -> BatchResultErrorEntry {
    BatchResultErrorEntry::builder()
        .id(id)
        .code(code)
        .message(message)
        .sender_fault(true)
        .build()
        .unwrap()
}

fn client(sdk: aws_sdk_sqs::Client) -> SqsClient {
    SqsClient::uncounted(sdk, "a mocked SQS")
}

#[tokio::test]
async fn a_partly_failed_delete_keeps_each_failure_with_its_reason() {
    // First chunk of 10: entry 3 refused, entry 7 missing from both lists; second chunk of 2: fine.
    let first = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .match_requests(|r| r.entries().len() == 10)
        .then_output(|| {
            let mut b = DeleteMessageBatchOutput::builder();
            for i in (0..10).filter(|i| *i != 3 && *i != 7) {
                b = b.successful(ok_entry(&i.to_string()));
            }
            b.failed(failed_entry(
                "3",
                "ReceiptHandleIsInvalid",
                "The receipt handle has expired.",
            ))
            .build()
            .unwrap()
        });
    let second = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .match_requests(|r| r.entries().len() == 2)
        .then_output(|| {
            DeleteMessageBatchOutput::builder()
                .successful(ok_entry("0"))
                .successful(ok_entry("1"))
                .set_failed(Some(vec![]))
                .build()
                .unwrap()
        });
    let sdk = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, [&first, &second]);
    let out = delete_messages(&client(sdk), "https://q", &handles(12))
        .await
        .unwrap();
    assert_eq!(out.len(), 12, "one outcome per message");
    let failed: Vec<(&str, &str)> = out
        .iter()
        .filter(|o| !o.ok)
        .map(|o| (o.message_id.as_str(), o.error.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].0, "m3");
    assert!(failed[0].1.contains("expired") && failed[0].1.contains("ReceiptHandleIsInvalid"));
    assert_eq!(failed[1].0, "m7");
    assert!(
        failed[1].1.contains("may still be there"),
        "{}",
        failed[1].1
    );
    assert_eq!(out.iter().filter(|o| o.ok).count(), 10);
}

#[tokio::test]
async fn a_refused_request_fails_its_own_entries_only() {
    let refused = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .match_requests(|r| r.entries()[0].receipt_handle() == "h0")
        .then_error(|| {
            DeleteMessageBatchError::InvalidAddress(
                InvalidAddress::builder()
                    .message("The address https://q is not valid for this endpoint.")
                    .meta(
                        aws_sdk_sqs::error::ErrorMetadata::builder()
                            .code("InvalidAddress")
                            .message("The address https://q is not valid for this endpoint.")
                            .build(),
                    )
                    .build(),
            )
        });
    let fine = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .match_requests(|r| r.entries()[0].receipt_handle() == "h10")
        .then_output(|| {
            let mut b = DeleteMessageBatchOutput::builder().set_failed(Some(vec![]));
            for i in 0..5 {
                b = b.successful(ok_entry(&i.to_string()));
            }
            b.build().unwrap()
        });
    let sdk = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, [&refused, &fine]);
    let out = delete_messages(&client(sdk), "https://q", &handles(15))
        .await
        .unwrap();
    assert_eq!(out.len(), 15);
    assert!(out[..10]
        .iter()
        .all(|o| !o.ok && o.error.as_deref().unwrap_or("").contains("not valid")));
    assert!(out[10..].iter().all(|o| o.ok));
}

struct Quiet;
impl BulkSink for Quiet {
    fn progress(&self, _: BulkProgress) {}
    fn cancelled(&self) -> bool {
        false
    }
}

#[tokio::test]
async fn bulk_send_reports_refused_entries_by_their_line() {
    let batch = mock!(aws_sdk_sqs::Client::send_message_batch).then_output(|| {
        let mut b = SendMessageBatchOutput::builder();
        for i in [0, 2] {
            b = b.successful(
                SendMessageBatchResultEntry::builder()
                    .id(i.to_string())
                    .message_id(format!("id{i}"))
                    .md5_of_message_body("x")
                    .build()
                    .unwrap(),
            );
        }
        b.failed(failed_entry("1", "InternalError", "try again later"))
            .build()
            .unwrap()
    });
    let sdk = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, [&batch]);
    let msgs = (0..3)
        .map(|i| {
            (
                i as u32 * 2 + 1,
                OutgoingMessage {
                    body: format!("b{i}"),
                    ..Default::default()
                },
            )
        })
        .collect();
    let report = send_all(&client(sdk), "https://q", msgs, vec![], 4, &Quiet)
        .await
        .unwrap();
    assert_eq!(report.sent, 2);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].line, 3, "entry 1 came from line 3");
    assert!(report.failed[0].reason.contains("try again later"));
}
