// Imports live here, not in the panel that started them: leaving the queue page, switching to
// Overview or folding the send panel unmounts the panel, but the import goes on, and its
// progress, its Stop and its report are where the user left them (and listed in the sidebar
// while it runs). One import per queue at a time (Rust refuses a second one as well).
import { api, toApiError, type BulkProgress, type BulkReport, type ChosenFile, type ImportPreview } from './api';

export type ImportState = {
  connectionId: string;
  url: string;
  file: ChosenFile | null;
  reading: boolean;
  preview: ImportPreview | null;
  job: string | null;
  progress: BulkProgress | null;
  started: number;
  report: BulkReport | null;
  error: string | null;
};

const states: Record<string, ImportState> = $state({});

function blank(connectionId: string, url: string): ImportState {
  return { connectionId, url, file: null, reading: false, preview: null, job: null, progress: null, started: 0, report: null, error: null };
}

/** The queue's import as it stands (a blank one, not kept, if none was started): safe to read
 * while rendering, since it changes nothing. */
export function importFor(connectionId: string, url: string): ImportState {
  return states[`${connectionId} ${url}`] ?? blank(connectionId, url);
}

/** The kept (reactive) state of the import `s` stands for, made on first use. */
function kept(s: ImportState): ImportState {
  const key = `${s.connectionId} ${s.url}`;
  states[key] ??= blank(s.connectionId, s.url);
  return states[key];
}

/** The imports sending now or with a report not yet closed, for the sidebar. */
export function importsToShow(): ImportState[] {
  return Object.values(states).filter((s) => s.job !== null || s.report !== null);
}

/** The queue's name, from its URL. */
export function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Asks which file to import, then reads what it holds. */
export async function pick(of: ImportState) {
  const s = kept(of);
  s.error = null;
  s.report = null;
  s.progress = null;
  try {
    const chosen = await api.chooseImportFile();
    if (!chosen) return;
    s.file = chosen;
    s.preview = null;
    s.reading = true;
    s.preview = await api.previewImport(chosen.id, chosen.format);
  } catch (err) {
    s.error = toApiError(err).message;
    s.file = null;
  } finally {
    s.reading = false;
  }
}

/** Sends the file (or only `onlyLines` of it); the report stays until the user closes it. */
export async function send(of: ImportState, onlyLines: number[] | null, onsent?: () => void) {
  const s = kept(of);
  if (!s.file || s.job) return;
  const total = onlyLines ? onlyLines.length : (s.preview?.messages ?? 0) + (s.preview?.problems ?? 0);
  const id = crypto.randomUUID();
  s.job = id;
  s.preview = null;
  s.report = null;
  s.error = null;
  s.progress = null;
  s.started = Date.now();
  try {
    s.report = await api.bulkSend(s.connectionId, s.url, id, s.file.id, s.file.format, onlyLines, total, (p) => (s.progress = p));
    if (s.report.sent) onsent?.();
  } catch (err) {
    s.error = toApiError(err).message;
  } finally {
    s.job = null;
  }
}

/** Messages a second since the import started. */
export function rate(s: ImportState): number {
  const p = s.progress;
  return p && s.started ? (p.sent + p.failed) / Math.max(0.001, (Date.now() - s.started) / 1000) : 0;
}

export function close(of: ImportState) {
  const s = kept(of);
  s.file = null;
  s.preview = null;
  s.report = null;
  s.error = null;
}
