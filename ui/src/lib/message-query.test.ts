import { describe, expect, it } from 'vitest';
import { completionsFor, decodeBits, hasBit, literal, withCondition, wordAt } from './message-query';

describe('message query helpers', () => {
  it('reads the bitmap Rust sends', () => {
    // seqs 0, 2 and 9: bytes 0b00000101, 0b00000010
    const bits = decodeBits(btoa(String.fromCharCode(5, 2)));
    expect([0, 1, 2, 8, 9, 10, 64].map((s) => hasBit(bits, s))).toEqual([true, false, true, false, true, false, false]);
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
