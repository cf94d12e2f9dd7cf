// The "show as code" panel says exactly what the form will create.
import { describe, expect, it } from 'vitest';
import type { QueueSpec } from './api';
import { DEFAULT_SPEC, attributesOf, boto3Call, cliCommand, fullName } from './queue-code';

const base: QueueSpec = { ...DEFAULT_SPEC, name: 'orders' };

describe('queue code', () => {
  it('adds .fifo and the FIFO attributes', () => {
    const spec = { ...base, fifo: true, content_based_dedup: true, dead_letter: { mode: 'create_new', max_receive_count: 5 } } as QueueSpec;
    expect(fullName(spec)).toBe('orders.fifo');
    const a = attributesOf(spec, 'arn:aws:sqs:us-east-1:0:orders-dlq.fifo');
    expect(a.FifoQueue).toBe('true');
    expect(a.ContentBasedDeduplication).toBe('true');
    expect(cliCommand(spec)).toContain('First create orders-dlq.fifo');
    expect(JSON.parse(a.RedrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:0:orders-dlq.fifo', maxReceiveCount: 5 });
  });

  it('writes a CLI command and a boto3 call with the endpoint and tags', () => {
    const spec = { ...base, tags: [{ key: 'team', value: "o'neil" }] };
    const cli = cliCommand(spec, 'http://127.0.0.1:9324');
    expect(cli).toContain('--queue-name orders');
    expect(cli).toContain('--endpoint-url http://127.0.0.1:9324');
    expect(cli).toContain(`'\\''`); // the quote in the tag value is escaped for the shell
    const py = boto3Call(spec, 'http://127.0.0.1:9324');
    expect(py).toContain('QueueName="orders"');
    expect(py).toContain('"VisibilityTimeout": "30"');
    expect(py).toContain('endpoint_url="http://127.0.0.1:9324"');
  });

  it('quotes a name and an endpoint that would break the shell or Python', () => {
    const spec = { ...base, name: 'a b;rm -rf ~' };
    const endpoint = 'http://h/"x\\$(id)';
    const cli = cliCommand(spec, endpoint);
    expect(cli).toContain(`--queue-name 'a b;rm -rf ~'`);
    expect(cli).toContain(`--endpoint-url 'http://h/"x\\$(id)'`);
    const py = boto3Call(spec, endpoint);
    expect(py).toContain('QueueName="a b;rm -rf ~"');
    expect(py).toContain('endpoint_url="http://h/\\"x\\\\$(id)"');
  });
});
