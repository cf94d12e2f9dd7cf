//! SQS errors as the JSON protocol sends them: `__type` in the body and the legacy query code in
//! the `x-amzn-query-error` header, which is what SDKs read to name the error.

/// One SQS error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{type_name}: {message}")]
pub struct SqsError {
    /// The JSON protocol's error shape name (`QueueDoesNotExist`).
    pub type_name: &'static str,
    /// The legacy query-protocol code SDKs expose (`AWS.SimpleQueueService.NonExistentQueue`).
    pub legacy_code: &'static str,
    pub message: String,
    /// HTTP status; 400 for everything the sender did wrong.
    pub status: u16,
}

fn err(type_name: &'static str, legacy_code: &'static str, message: impl Into<String>) -> SqsError {
    SqsError {
        type_name,
        legacy_code,
        message: message.into(),
        status: 400,
    }
}

pub type SqsResult<T> = Result<T, SqsError>;

impl SqsError {
    pub fn queue_does_not_exist() -> Self {
        err(
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
            "The specified queue does not exist.",
        )
    }
    pub fn queue_name_exists(name: &str) -> Self {
        err(
            "QueueNameExists",
            "QueueAlreadyExists",
            format!("A queue already exists with the same name ({name}) and a different value for attribute(s)."),
        )
    }
    pub fn queue_deleted_recently() -> Self {
        err(
            "QueueDeletedRecently",
            "AWS.SimpleQueueService.QueueDeletedRecently",
            "You must wait 60 seconds after deleting a queue before you can create another queue with the same name.",
        )
    }
    pub fn purge_in_progress(name: &str) -> Self {
        err(
            "PurgeQueueInProgress",
            "AWS.SimpleQueueService.PurgeQueueInProgress",
            format!("Only one PurgeQueue operation on {name} is allowed every 60 seconds."),
        )
    }
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        err(
            "InvalidParameterValueException",
            "InvalidParameterValue",
            message,
        )
    }
    pub fn missing_parameter(name: &str) -> Self {
        err(
            "MissingParameter",
            "MissingParameter",
            format!("The request must contain the parameter {name}."),
        )
    }
    pub fn invalid_attribute_name(name: &str) -> Self {
        err(
            "InvalidAttributeName",
            "InvalidAttributeName",
            format!("Unknown Attribute {name}."),
        )
    }
    pub fn invalid_attribute_value(message: impl Into<String>) -> Self {
        err("InvalidAttributeValue", "InvalidAttributeValue", message)
    }
    pub fn invalid_message_contents(message: impl Into<String>) -> Self {
        err("InvalidMessageContents", "InvalidMessageContents", message)
    }
    pub fn receipt_handle_invalid(handle: &str) -> Self {
        err(
            "ReceiptHandleIsInvalid",
            "ReceiptHandleIsInvalid",
            format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
        )
    }
    pub fn message_not_inflight() -> Self {
        err(
            "MessageNotInflight",
            "AWS.SimpleQueueService.MessageNotInflight",
            "The message referred to isn't in flight.",
        )
    }
    pub fn empty_batch() -> Self {
        err(
            "EmptyBatchRequest",
            "AWS.SimpleQueueService.EmptyBatchRequest",
            "There should be at least one entry in the request.",
        )
    }
    pub fn too_many_entries(n: usize) -> Self {
        err(
            "TooManyEntriesInBatchRequest",
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            format!("Maximum number of entries per request are 10. You have sent {n}."),
        )
    }
    pub fn ids_not_distinct() -> Self {
        err(
            "BatchEntryIdsNotDistinct",
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "Two or more batch entries in the request have the same Id.",
        )
    }
    pub fn invalid_batch_entry_id(id: &str) -> Self {
        err(
            "InvalidBatchEntryId",
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            format!("A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. ({id})"),
        )
    }
    pub fn batch_too_long(size: usize) -> Self {
        err(
            "BatchRequestTooLong",
            "AWS.SimpleQueueService.BatchRequestTooLong",
            format!(
                "Batch requests cannot be longer than 1048576 bytes. You have sent {size} bytes."
            ),
        )
    }
    /// A request a web page may have sent (wrong Host, a page's Origin): 403, never answered.
    pub fn not_for_pages(message: impl Into<String>) -> Self {
        SqsError {
            status: 403,
            ..err("AccessDenied", "AccessDenied", message)
        }
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        err(
            "UnsupportedOperation",
            "AWS.SimpleQueueService.UnsupportedOperation",
            message,
        )
    }
    pub fn invalid_action(target: &str) -> Self {
        err(
            "InvalidAction",
            "InvalidAction",
            format!("The action or operation requested is invalid: {target}."),
        )
    }
    pub fn malformed(message: impl Into<String>) -> Self {
        err("SerializationException", "MalformedQueryString", message)
    }
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        err(
            "ResourceNotFoundException",
            "ResourceNotFoundException",
            message,
        )
    }
    pub fn over_limit(message: impl Into<String>) -> Self {
        err("OverLimit", "OverLimit", message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        SqsError {
            type_name: "InternalError",
            legacy_code: "InternalError",
            message: message.into(),
            status: 500,
        }
    }
}

impl From<rusqlite::Error> for SqsError {
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return SqsError::internal(
                "The sandbox's disk is full, so this was not stored. Free some space where the sandbox keeps its data and try again; everything stored before is intact.",
            );
        }
        SqsError::internal(format!("storage error: {e}"))
    }
}
