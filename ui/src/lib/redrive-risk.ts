// Receiving is not free: each receive raises a message's receive count, and past the queue's
// maxReceiveCount SQS moves it to the dead-letter queue. This decides when to ask first.

/** Why a poll may push messages into the DLQ, or null when there is no such risk. */
export function pollRisk(maxReceives: number | null, seenCounts: number[], polledBefore: boolean): string | null {
  if (maxReceives === null) return null;
  const worst = seenCounts.length ? Math.max(...seenCounts) : 0;
  if (worst >= maxReceives) {
    return `Some messages were already received ${worst} times; the next receive moves them to the dead-letter queue (after ${maxReceives}).`;
  }
  if (seenCounts.length && worst === maxReceives - 1) {
    return `Some messages were received ${worst} times; one more receive moves them to the dead-letter queue (after ${maxReceives}).`;
  }
  if (!polledBefore && maxReceives <= 3) {
    return `This queue moves a message to its dead-letter queue after only ${maxReceives} receive${maxReceives === 1 ? '' : 's'}, and this poll counts as one.`;
  }
  return null;
}
