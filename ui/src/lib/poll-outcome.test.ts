import { describe, expect, it } from 'vitest';
import { emptyPollReason } from './poll-outcome';

const c = (available: number, in_flight: number, delayed: number) => ({ available, in_flight, delayed, created: null, dead_letter_queue: null });

describe('emptyPollReason', () => {
  it('names delayed messages and the queue delay', () => {
    const s = emptyPollReason(c(0, 0, 1), 5);
    expect(s).toContain('1 message is delayed');
    expect(s).toContain('5 seconds');
  });
  it('names messages in flight', () => {
    expect(emptyPollReason(c(0, 3, 0), 0)).toContain('3 messages are in flight');
  });
  it('says when the queue is empty', () => {
    expect(emptyPollReason(c(0, 0, 0), 0)).toBe('Nothing received: the queue is empty.');
  });
});
