// SQS's queue limits and a new queue's defaults, generated from Rust (sqs-rules and
// QueueSpec::default, by `cargo test --workspace export_bindings`): the form's ranges, its help
// and "show as code" read them here instead of restating them.
import rules from './bindings/queue-rules.json';
import { duration, size } from './format';
import type { QueueSpec } from './bindings/QueueSpec';

/** A new queue's settings: SQS's defaults. */
export const DEFAULT_SPEC: QueueSpec = rules.default_spec as QueueSpec;

export type Limit = { name: string; min: number; max: number; default: number };

/** The range and default of a numeric attribute, by its SQS name. */
export function limit(name: string): Limit {
  const found = rules.numeric.find((a) => a.name === name);
  if (!found) throw new Error(`no numeric queue attribute ${name}`);
  return found;
}

export const MAX_RECEIVES = { min: rules.max_receive_count[0], max: rules.max_receive_count[1] };

/** "0 seconds – 12 hours, default 30 seconds" for a duration attribute. */
export function durationRange(name: string): string {
  const l = limit(name);
  return `${duration(l.min)} – ${duration(l.max)}, default ${duration(l.default)}`;
}

/** "1 KiB – 1 MiB, default 1 MiB" for a size attribute. */
export function sizeRange(name: string): string {
  const l = limit(name);
  return `${size(l.min)} – ${size(l.max)}, default ${size(l.default)}`;
}
