// The words Rust's move uses for a message a Stop left where it was (sqs_core::redrive::
// STOPPED_BEFORE_MOVE; crates/sqs-core/tests/redrive.rs checks that the two agree).
export const STOPPED_BEFORE_MOVE = 'Stopped before it was moved: still where it was.';
