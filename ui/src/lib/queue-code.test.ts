// The "show as code" panel writes what Rust says the form will create, quoted for the shell and Python.
import { describe, expect, it } from 'vitest';
import type { QueueSpec, QueueSpecCheck } from './api';
import { DEFAULT_SPEC, boto3Call, cliCommand } from './queue-code';

const base: QueueSpec = { ...DEFAULT_SPEC, name: 'orders' };
const check = (full_name: string, attributes: Record<string, string> = { VisibilityTimeout: '30' }): QueueSpecCheck => ({
  full_name,
  attributes,
  new_dlq_name: `${full_name.replace(/\.fifo$/, '')}-dlq`,
  problem: null,
});

describe('queue code', () => {
  it('says to create the new dead-letter queue first', () => {
    const spec = { ...base, fifo: true, dead_letter: { mode: 'create_new', max_receive_count: 5 } } as QueueSpec;
    const c = { ...check('orders.fifo', { FifoQueue: 'true' }), new_dlq_name: 'orders-dlq.fifo' };
    expect(cliCommand(spec, c)).toContain('First create orders-dlq.fifo');
    expect(cliCommand(spec, c)).toContain(`--attributes '{"FifoQueue":"true"}'`);
    expect(cliCommand(base, check('orders'))).not.toContain('First create');
  });

  it('writes a CLI command and a boto3 call with the endpoint and tags', () => {
    const spec = { ...base, tags: [{ key: 'team', value: "o'neil" }] };
    const cli = cliCommand(spec, check('orders'), 'http://127.0.0.1:9324');
    expect(cli).toContain('--queue-name orders');
    expect(cli).toContain('--endpoint-url http://127.0.0.1:9324');
    expect(cli).toContain(`'\\''`); // the quote in the tag value is escaped for the shell
    const py = boto3Call(spec, check('orders'), 'http://127.0.0.1:9324');
    expect(py).toContain('QueueName="orders"');
    expect(py).toContain('"VisibilityTimeout": "30"');
    expect(py).toContain('endpoint_url="http://127.0.0.1:9324"');
  });

  it('quotes a name and an endpoint that would break the shell or Python', () => {
    const c = check('a b;rm -rf ~');
    const endpoint = 'http://h/"x\\$(id)';
    const cli = cliCommand(base, c, endpoint);
    expect(cli).toContain(`--queue-name 'a b;rm -rf ~'`);
    expect(cli).toContain(`--endpoint-url 'http://h/"x\\$(id)'`);
    const py = boto3Call(base, c, endpoint);
    expect(py).toContain('QueueName="a b;rm -rf ~"');
    expect(py).toContain('endpoint_url="http://h/\\"x\\\\$(id)"');
  });
});
