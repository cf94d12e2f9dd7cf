import { describe, expect, it } from 'vitest';
import { messageSize } from './message-rules';

describe('messageSize', () => {
  it('counts the body in UTF-8 bytes and every attribute part, as SQS does', () => {
    expect(messageSize('héllo', [])).toBe(6);
    expect(messageSize('x', [{ name: 'kind', data_type: 'String', value: 'order' }])).toBe(1 + 4 + 6 + 5);
    // base64 "AAEC/w==" is 4 bytes of data, not 8 characters
    expect(messageSize('', [{ name: 'b', data_type: 'Binary', value: 'AAEC/w==' }])).toBe(1 + 6 + 4);
  });
});
