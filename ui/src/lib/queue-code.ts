// "Show as code": the AWS CLI command and boto3 call that create the queue the form describes.
import type { QueueSpec } from './api';

/** A new queue's settings: SQS's defaults, generated from Rust. */
export { DEFAULT_SPEC } from './queue-rules';

/** The attributes CreateQueue gets, as SQS names them (mirrors QueueSpec::attributes in Rust). */
export function attributesOf(spec: QueueSpec, dlqArn = '<dlq-arn>'): Record<string, string> {
  const a: Record<string, string> = {
    VisibilityTimeout: String(spec.visibility_timeout_s),
    MessageRetentionPeriod: String(spec.retention_s),
    DelaySeconds: String(spec.delay_s),
    MaximumMessageSize: String(spec.max_message_bytes),
    ReceiveMessageWaitTimeSeconds: String(spec.receive_wait_s),
  };
  const e = spec.encryption;
  if (e.mode === 'sqs_managed') a.SqsManagedSseEnabled = 'true';
  if (e.mode === 'off') a.SqsManagedSseEnabled = 'false';
  if (e.mode === 'kms') {
    a.KmsMasterKeyId = e.key_id;
    a.KmsDataKeyReusePeriodSeconds = String(e.reuse_period_s);
  }
  const d = spec.dead_letter;
  if (d.mode !== 'none') {
    const arn = d.mode === 'existing' ? d.arn : dlqArn;
    a.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: d.max_receive_count });
  }
  const r = spec.redrive_allow;
  if (r.mode === 'deny_all') a.RedriveAllowPolicy = JSON.stringify({ redrivePermission: 'denyAll' });
  if (r.mode === 'by_queue')
    a.RedriveAllowPolicy = JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: r.source_arns });
  if (spec.fifo) {
    a.FifoQueue = 'true';
    a.ContentBasedDeduplication = String(spec.content_based_dedup);
    a.DeduplicationScope = spec.dedup_per_group ? 'messageGroup' : 'queue';
    a.FifoThroughputLimit = spec.throughput_per_group ? 'perMessageGroupId' : 'perQueue';
  }
  if (spec.policy && spec.policy.trim()) a.Policy = spec.policy;
  return a;
}

export function fullName(spec: QueueSpec): string {
  const base = spec.name.trim().replace(/\.fifo$/, '');
  return spec.fifo ? `${base}.fifo` : base;
}

/** A shell word: as it is when it holds only safe characters, otherwise single-quoted. */
function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_.:/@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Python string literal (a JSON string is one: quotes, backslashes and controls escaped). */
function pyString(s: string): string {
  return JSON.stringify(s);
}

function dlqNote(spec: QueueSpec, comment: string): string {
  if (spec.dead_letter.mode !== 'create_new') return '';
  const dlq = fullName({ ...spec, name: `${spec.name.replace(/\.fifo$/, '')}-dlq` });
  return `${comment} First create ${dlq} (retention 14 days); <dlq-arn> is its QueueArn.\n`;
}

/** `aws sqs create-queue …` for the form (with the endpoint for local servers). */
export function cliCommand(spec: QueueSpec, endpoint?: string | null): string {
  const parts = [`${dlqNote(spec, '#')}aws sqs create-queue`, `--queue-name ${shellQuote(fullName(spec))}`];
  parts.push(`--attributes ${shellQuote(JSON.stringify(attributesOf(spec)))}`);
  if (spec.tags.length) {
    parts.push(`--tags ${shellQuote(JSON.stringify(Object.fromEntries(spec.tags.map((t) => [t.key, t.value]))))}`);
  }
  if (endpoint) parts.push(`--endpoint-url ${shellQuote(endpoint)}`);
  return parts.join(' \\\n  ');
}

/** The same call in Python with boto3. */
export function boto3Call(spec: QueueSpec, endpoint?: string | null): string {
  const client = endpoint ? `boto3.client("sqs", endpoint_url=${pyString(endpoint)})` : 'boto3.client("sqs")';
  const attrs = JSON.stringify(attributesOf(spec), null, 4).replace(/\n/g, '\n    ');
  const tags = spec.tags.length
    ? `,\n    tags=${JSON.stringify(Object.fromEntries(spec.tags.map((t) => [t.key, t.value])))}`
    : '';
  return `${dlqNote(spec, '#')}import boto3\n\nsqs = ${client}\nsqs.create_queue(\n    QueueName=${pyString(fullName(spec))},\n    Attributes=${attrs}${tags},\n)`;
}
