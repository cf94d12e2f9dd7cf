// "Show as code": the AWS CLI command and boto3 call that create the queue the form describes.
// The attributes and names come from Rust (`api.checkQueueSpec`, the same encoding create sends).
import type { QueueSpec, QueueSpecCheck } from './api';

/** A new queue's settings: SQS's defaults, generated from Rust. */
export { DEFAULT_SPEC } from './queue-rules';

/** A shell word: as it is when it holds only safe characters, otherwise single-quoted. */
function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_.:/@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Python string literal (a JSON string is one: quotes, backslashes and controls escaped). */
function pyString(s: string): string {
  return JSON.stringify(s);
}

function dlqNote(spec: QueueSpec, check: QueueSpecCheck, comment: string): string {
  if (spec.dead_letter.mode !== 'create_new') return '';
  return `${comment} First create ${check.new_dlq_name} (retention 14 days); <dlq-arn> is its QueueArn.\n`;
}

function tagsOf(spec: QueueSpec): Record<string, string> {
  return Object.fromEntries(spec.tags.map((t) => [t.key, t.value]));
}

/** `aws sqs create-queue …` for the form (with the endpoint for local servers). */
export function cliCommand(spec: QueueSpec, check: QueueSpecCheck, endpoint?: string | null): string {
  const parts = [`${dlqNote(spec, check, '#')}aws sqs create-queue`, `--queue-name ${shellQuote(check.full_name)}`];
  parts.push(`--attributes ${shellQuote(JSON.stringify(check.attributes))}`);
  if (spec.tags.length) parts.push(`--tags ${shellQuote(JSON.stringify(tagsOf(spec)))}`);
  if (endpoint) parts.push(`--endpoint-url ${shellQuote(endpoint)}`);
  return parts.join(' \\\n  ');
}

/** The same call in Python with boto3. */
export function boto3Call(spec: QueueSpec, check: QueueSpecCheck, endpoint?: string | null): string {
  const client = endpoint ? `boto3.client("sqs", endpoint_url=${pyString(endpoint)})` : 'boto3.client("sqs")';
  const attrs = JSON.stringify(check.attributes, null, 4).replace(/\n/g, '\n    ');
  const tags = spec.tags.length ? `,\n    tags=${JSON.stringify(tagsOf(spec))}` : '';
  return `${dlqNote(spec, check, '#')}import boto3\n\nsqs = ${client}\nsqs.create_queue(\n    QueueName=${pyString(check.full_name)},\n    Attributes=${attrs}${tags},\n)`;
}
