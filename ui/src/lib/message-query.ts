// The filter box's side of the message query: reading Rust's answer (a bitmap by sequence
// number), the word being typed (for completion), and adding a facet's value to a query.

/** Decodes the base64 bitmap of a query's answer. */
export function decodeBits(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether message `seq` is in the bitmap. */
export function hasBit(bits: Uint8Array, seq: number): boolean {
  return (bits[seq >> 3] ?? 0) & (1 << (seq & 7)) ? true : false;
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
