// The filter box's side of the message query: reading Rust's answer (the matching messages'
// numbers in the table's order, as bytes), the word being typed (for completion), and adding a
// facet's value to a query.
import type { QueryAnswer } from './api';

/** Reads `query_messages`'s bytes: a little-endian u32 length, that many bytes of JSON (padded
 * to a multiple of 4), then the matching numbers as u32s, read in place (little-endian, as every
 * platform the app runs on). */
export function readQueryAnswer(data: ArrayBuffer | number[]): { answer: QueryAnswer; order: Uint32Array } {
  const buf = data instanceof ArrayBuffer ? data : new Uint8Array(data).buffer;
  const len = new DataView(buf).getUint32(0, true);
  const answer = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, len))) as QueryAnswer;
  const at = 4 + len;
  return { answer, order: new Uint32Array(buf, at, (buf.byteLength - at) / 4) };
}

/** A membership table of `order` (index: a message's number; 1 when in it). */
export function membership(order: Uint32Array): Uint8Array {
  let size = 0;
  for (let i = 0; i < order.length; i++) if (order[i] >= size) size = order[i] + 1;
  const out = new Uint8Array(size);
  for (let i = 0; i < order.length; i++) out[order[i]] = 1;
  return out;
}

/** The word that ends at the caret (what completion replaces), and where it starts. */
export function wordAt(query: string, caret: number): { start: number; text: string } {
  let start = caret;
  while (start > 0 && !/[\s()=<>!~,]/.test(query[start - 1])) start--;
  return { start, text: query.slice(start, caret) };
}

/** Field names that complete the word being typed (not the word itself), at most `max`. */
export function completionsFor(word: string, fields: string[], max = 6): string[] {
  if (!word) return [];
  const w = word.toLowerCase();
  return fields.filter((f) => f.toLowerCase().startsWith(w) && f.toLowerCase() !== w).slice(0, max);
}

/** A value as the query language reads it back: bare when it is a plain word, quoted otherwise. */
export function literal(value: string): string {
  if (/^[\p{L}\p{N}_.:@/+-]+$/u.test(value) && !/^(and|or|not|in|exists|contains|matches)$/i.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The query with `field = value` (or `field contains value`) added, joined by `and`. */
export function withCondition(query: string, field: string, value: string, op: '=' | 'contains' = '='): string {
  const cond = `${field} ${op} ${literal(value)}`;
  const q = query.trim();
  if (!q) return cond;
  return /\bor\b|\|\|/i.test(q) ? `(${q}) and ${cond}` : `${q} and ${cond}`;
}
