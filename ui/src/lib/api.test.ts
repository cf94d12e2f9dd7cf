// Unit tests of the typed API door: arguments reach the right command, errors keep their kind.
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { ApiError, api } from './api';

// The mocks install themselves on `window`; give node one.
(globalThis as unknown as { window: unknown }).window ??= globalThis;

afterEach(() => clearMocks());

describe('api', () => {
  it('sends camelCase arguments and returns the result', async () => {
    let seen: { cmd: string; args: unknown } | undefined;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return [{ url: 'http://x/1/a', name: 'a', fifo: false }];
    });
    const rows = await api.listQueues('c1', 'or');
    expect(seen).toEqual({ cmd: 'list_queues', args: { connectionId: 'c1', prefix: 'or' } });
    expect(rows[0].name).toBe('a');
  });

  it('turns a Rust error payload into an ApiError with its kind and field', async () => {
    mockIPC(() => {
      throw { kind: 'Validation', message: 'Give the connection a name.', field: 'name' };
    });
    const e = await api.saveConnection({ name: '', kind: 'endpoint' }).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).kind).toBe('Validation');
    expect((e as ApiError).field).toBe('name');
    expect((e as ApiError).message).toBe('Give the connection a name.');
  });
});
