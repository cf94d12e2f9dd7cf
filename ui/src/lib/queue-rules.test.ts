import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, MAX_RECEIVES, durationRange, limit, sizeRange } from './queue-rules';

describe('queue rules generated from Rust', () => {
  it('gives the ranges and defaults in words', () => {
    expect(durationRange('VisibilityTimeout')).toBe('0 seconds – 12 hours, default 30 seconds');
    expect(durationRange('MessageRetentionPeriod')).toBe('1 minute – 14 days, default 4 days');
    expect(sizeRange('MaximumMessageSize')).toBe('1 KiB – 1 MiB, default 1 MiB');
    expect(limit('ReceiveMessageWaitTimeSeconds').max).toBe(20);
    expect(MAX_RECEIVES).toEqual({ min: 1, max: 1000 });
    expect(DEFAULT_SPEC.visibility_timeout_s).toBe(limit('VisibilityTimeout').default);
    expect(() => limit('Policy')).toThrow();
  });
});
