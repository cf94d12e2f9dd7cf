// Why a poll came back empty, in words, from the counts read right after it: delayed messages,
// messages in flight with another consumer, or an empty queue.
import type { QueueCounts } from './api';
import { count, duration } from './format';

/** A sentence for a poll that received nothing (null counts: the queue could not be read). */
export function emptyPollReason(counts: QueueCounts | null, queueDelayS: number): string {
  if (!counts) return 'Nothing received.';
  const parts: string[] = [];
  if (counts.delayed > 0) {
    const wait = queueDelayS > 0 ? ` (this queue delays every message ${duration(queueDelayS)})` : '';
    parts.push(
      `${count(counts.delayed)} ${counts.delayed === 1 ? 'message is' : 'messages are'} delayed: sent with a delay, not receivable yet${wait}. Poll again in a moment.`,
    );
  }
  if (counts.in_flight > 0) {
    parts.push(
      `${count(counts.in_flight)} ${counts.in_flight === 1 ? 'message is' : 'messages are'} in flight: received by a consumer (or an earlier Receive) and hidden until deleted or their visibility timeout ends.`,
    );
  }
  if (counts.available > 0) {
    parts.push(`SQS counts ${count(counts.available)} available; its counts are approximate and a short wait may miss them. Poll again, or raise Wait.`);
  }
  if (!parts.length) return 'Nothing received: the queue is empty.';
  return `Nothing received. ${parts.join(' ')}`;
}
