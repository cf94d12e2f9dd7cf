//! The error every command returns: the core's payload (`kind`, `message`, `code`, `field`).

use serde::Serialize;
use sqs_core::{CoreError, ErrorPayload};

/// Serialized to the UI as `{ kind, message, code?, field? }`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub ErrorPayload);

impl From<CoreError> for CommandError {
    fn from(e: CoreError) -> Self {
        tracing::warn!(kind = ?e.kind(), "{e}");
        CommandError(e.payload())
    }
}

/// What every command returns.
pub type CommandResult<T> = Result<T, CommandError>;
