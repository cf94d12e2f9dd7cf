// When to warn before a poll on a queue with a dead-letter queue.
import { describe, expect, it } from 'vitest';
import { pollRisk } from './redrive-risk';

describe('pollRisk', () => {
  it('is silent without a redrive policy or far from the limit', () => {
    expect(pollRisk(null, [9], true)).toBeNull();
    expect(pollRisk(10, [1, 2], true)).toBeNull();
    expect(pollRisk(10, [], false)).toBeNull();
  });
  it('warns one receive before the limit and at it', () => {
    expect(pollRisk(5, [1, 4], true)).toContain('one more receive');
    expect(pollRisk(5, [5], true)).toContain('already received 5 times');
  });
  it('warns on a first poll when the limit is tiny', () => {
    expect(pollRisk(1, [], false)).toContain('after only 1 receive,');
  });
});
