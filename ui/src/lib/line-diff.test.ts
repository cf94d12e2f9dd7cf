import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff';

describe('line diff', () => {
  it('marks the lines a change removed and added', () => {
    const before = '{\n  "status": "failed",\n  "id": 7\n}';
    const after = '{\n  "status": "retry",\n  "id": 7,\n  "fixed": true\n}';
    expect(lineDiff(before, after).map((l) => `${l.kind[0]} ${l.text}`)).toEqual([
      's {',
      'd   "status": "failed",',
      'd   "id": 7',
      'a   "status": "retry",',
      'a   "id": 7,',
      'a   "fixed": true',
      's }',
    ]);
    expect(lineDiff('a', 'a')).toEqual([{ kind: 'same', text: 'a' }]);
  });
});
