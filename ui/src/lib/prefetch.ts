// Start-up: the queue list of the connection used last is asked for while the page is still
// rendering, instead of after. The guess is remembered in this webview's storage; a wrong guess
// costs one listing that nobody reads.
import { api, type AppStatus, type QueueRow, type Region } from './api';

const LAST = 'sqs-pilot.last-connection';
let early: { id: string; list: Promise<QueueRow[]> } | null = null;

/** Starts listing the queues of the connection most likely to be shown first. */
export function prefetchFirstList(): void {
  const id = localStorage.getItem(LAST) ?? 'sandbox';
  const list = api.listQueues(id);
  list.catch(() => {}); // read (and reported) by whoever takes it
  early = { id, list };
}

/** The early listing for `id`, once; null when there is none. */
export function takePrefetched(id: string): Promise<QueueRow[]> | null {
  if (!early || early.id !== id) return null;
  const list = early.list;
  early = null;
  return list;
}

let firstStatus: Promise<[AppStatus, Region[]]> | null = null;

/** Asks for the app's status, the regions and the first list at once, before the page mounts
    (main.ts), so the answers travel while it renders. */
export function startEarly(): void {
  performance.mark('script');
  prefetchFirstList();
  firstStatus = Promise.all([api.appStatus(), api.listRegions()]);
  firstStatus.catch(() => {}); // read (and reported) by App
}

/** The early status and regions, once; asked for again after that (a retry). */
export function takeStatus(): Promise<[AppStatus, Region[]]> {
  const early = firstStatus;
  firstStatus = null;
  return early ?? Promise.all([api.appStatus(), api.listRegions()]);
}

/** Remembers which connection is shown, for the next start. */
export function rememberShown(id: string): void {
  localStorage.setItem(LAST, id);
}
