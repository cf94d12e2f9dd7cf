// SQS allows one purge a minute per queue: remember when this app purged, to say how long to wait.
import { api, toApiError } from './api';

const lastPurge = new Map<string, number>();

/** Purges; a "purge in progress" error says how many seconds are left when this app started it. */
export async function purge(connectionId: string, url: string, now = Date.now): Promise<void> {
  try {
    await api.purgeQueue(connectionId, url);
    lastPurge.set(url, now());
  } catch (e) {
    const err = toApiError(e);
    const at = lastPurge.get(url);
    if (err.code?.includes('PurgeQueueInProgress') && at !== undefined) {
      const left = Math.max(1, 60 - Math.floor((now() - at) / 1000));
      throw Object.assign(err, { message: `${err.message} Try again in ${left} seconds.` });
    }
    throw err;
  }
}
