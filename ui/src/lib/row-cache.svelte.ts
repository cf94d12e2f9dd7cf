// The message table's rows, asked from Rust's store by number as they come into view and kept
// for a while: the window never holds every polled message, only the rows it has drawn lately
// (a row never changes while its message is held).
import type { MessageRow } from './api';

/** Rows kept; past this the oldest are dropped (asked again if scrolled back to). */
const KEEP = 3000;

export class RowCache {
  #rows = new Map<number, MessageRow>();
  /** Rows asked for and not yet answered, with the answer to wait for. */
  #pending = new Map<number, Promise<void>>();
  /** Bumped by `clear`: answers to an older question are dropped. */
  #generation = 0;
  #fetch: (seqs: number[]) => Promise<MessageRow[]>;
  /** Bumped when rows arrive: the table reads it to draw them. */
  version = $state(0);

  constructor(fetch: (seqs: number[]) => Promise<MessageRow[]>) {
    this.#fetch = fetch;
  }

  /** The row numbered `seq` if it is here (read `version` to be told when it comes). */
  get(seq: number): MessageRow | undefined {
    return this.#rows.get(seq);
  }

  /** Keeps rows that came with another answer (a query's first rows). */
  put(rows: MessageRow[]) {
    if (!rows.length) return;
    for (const r of rows) {
      this.#rows.delete(r.seq);
      this.#rows.set(r.seq, r);
    }
    if (this.#rows.size > KEEP) {
      let drop = this.#rows.size - KEEP;
      for (const k of this.#rows.keys()) {
        if (drop-- <= 0) break;
        this.#rows.delete(k);
      }
    }
    this.version++;
  }

  /** Asks for the rows among `seqs` that are neither here nor asked for; resolves when every
   * one of `seqs` is here or known to be gone. */
  async want(seqs: ArrayLike<number>): Promise<void> {
    const missing: number[] = [];
    const waits = new Set<Promise<void>>();
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i];
      if (this.#rows.has(seq)) continue;
      const p = this.#pending.get(seq);
      if (p) waits.add(p);
      else missing.push(seq);
    }
    if (missing.length) {
      const generation = this.#generation;
      const asked = this.#fetch(missing).then(
        (rows) => {
          if (generation === this.#generation) this.put(rows);
        },
        () => {},
      );
      const done = asked.finally(() => missing.forEach((s) => this.#pending.get(s) === done && this.#pending.delete(s)));
      missing.forEach((s) => this.#pending.set(s, done));
      waits.add(done);
    }
    await Promise.all(waits);
  }

  /** The row numbered `seq`, asked for if it is not here. */
  async row(seq: number): Promise<MessageRow | undefined> {
    await this.want([seq]);
    return this.#rows.get(seq);
  }

  /** Drops the rows of messages that left (deleted, moved). */
  forget(seqs: number[]) {
    seqs.forEach((s) => this.#rows.delete(s));
  }

  /** Drops every row (a new poll numbers its messages afresh). */
  clear() {
    this.#rows.clear();
    this.#pending.clear();
    this.#generation++;
    this.version++;
  }
}
