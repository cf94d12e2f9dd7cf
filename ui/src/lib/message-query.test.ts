import { describe, expect, it } from 'vitest';
import { completionsFor, literal, membership, readQueryAnswer, withCondition, wordAt } from './message-query';

describe('message query helpers', () => {
  it('reads the answer Rust sends: JSON, then the numbers in place', () => {
    // What QueryAnswer::to_bytes writes: the length, the JSON padded to 4, then u32s.
    let json = JSON.stringify({ kind: 'matches', matched: 3, total: 9, first_rows: [] });
    while (json.length % 4) json += ' ';
    const bytes = new Uint8Array(4 + json.length + 12);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, json.length, true);
    bytes.set(new TextEncoder().encode(json), 4);
    [7, 0, 300000].forEach((n, i) => view.setUint32(4 + json.length + i * 4, n, true));
    const { answer, order } = readQueryAnswer(bytes.buffer);
    expect(answer).toEqual({ kind: 'matches', matched: 3, total: 9, first_rows: [] });
    expect([...order]).toEqual([7, 0, 300000]);
    expect([...readQueryAnswer([...bytes]).order]).toEqual([7, 0, 300000]);
    expect([...membership(new Uint32Array([2, 0]))]).toEqual([1, 0, 1]);
  });

  it('finds the word being typed and completes it', () => {
    expect(wordAt('status = failed and cust', 24)).toEqual({ start: 20, text: 'cust' });
    expect(wordAt('(@reg', 5)).toEqual({ start: 1, text: '@reg' });
    const fields = ['customer.tier', 'customer.id', '@region', 'status'];
    expect(completionsFor('cust', fields)).toEqual(['customer.tier', 'customer.id']);
    expect(completionsFor('status', fields)).toEqual([]);
    expect(completionsFor('', fields)).toEqual([]);
  });

  it('adds a facet value as a condition, quoted when needed', () => {
    expect(withCondition('', 'status', 'failed')).toBe('status = failed');
    expect(withCondition('@region = eu', 'why', 'bad input')).toBe('@region = eu and why = "bad input"');
    expect(withCondition('a = 1 or b = 2', 'c', 'x')).toBe('(a = 1 or b = 2) and c = x');
    expect(literal('and')).toBe('"and"');
    expect(literal('say "hi"')).toBe('"say \\"hi\\""');
  });
});
