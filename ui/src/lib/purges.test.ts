// The 60-second purge rule is explained with the time left.
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { purge } from './purges';

(globalThis as unknown as { window: unknown }).window ??= globalThis;
afterEach(() => clearMocks());

describe('purge', () => {
  it('says how long to wait when this app purged less than a minute ago', async () => {
    let calls = 0;
    mockIPC(() => {
      calls++;
      if (calls > 1)
        throw { kind: 'Service', code: 'AWS.SimpleQueueService.PurgeQueueInProgress', message: 'A purge is in progress.' };
      return null;
    });
    let t = 1_000_000;
    await purge('c', 'http://q/1', () => t);
    t += 15_000;
    const e = await purge('c', 'http://q/1', () => t).catch((e: Error) => e);
    expect((e as Error).message).toBe('A purge is in progress. Try again in 45 seconds.');
  });
});
