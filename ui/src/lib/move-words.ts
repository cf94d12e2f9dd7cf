// The words Rust's move uses for a message a Stop left where it was (sqs_core::redrive::
// STOPPED_BEFORE_MOVE; crates/sqs-core/tests/redrive.rs checks that the two agree), and a move's
// outcomes told apart by them.
import type { EntryOutcome } from './api';

export const STOPPED_BEFORE_MOVE = 'Stopped before it was moved: still where it was.';

/** A move's outcomes: how many went, how many a Stop left untried, and the real failures. */
export function moveOutcomes(out: EntryOutcome[]): { ok: number; stopped: number; failed: EntryOutcome[] } {
  const stopped = out.filter((o) => o.error === STOPPED_BEFORE_MOVE).length;
  const failed = out.filter((o) => !o.ok && o.error !== STOPPED_BEFORE_MOVE);
  return { ok: out.length - stopped - failed.length, stopped, failed };
}
