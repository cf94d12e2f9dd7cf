// The one message rule the form must know before Rust sees the message: how SQS counts a
// message's size against a queue's maximum (body plus every attribute's name, type and value).
import type { AttributeValue } from './api';

const encoder = new TextEncoder();

function base64Bytes(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - padding);
}

/** Bytes SQS counts for a message: the body, and each attribute's name, type and value. */
export function messageSize(body: string, attributes: AttributeValue[]): number {
  let n = encoder.encode(body).length;
  for (const a of attributes) {
    const value = a.data_type.startsWith('Binary') ? base64Bytes(a.value.trim()) : encoder.encode(a.value).length;
    n += encoder.encode(a.name).length + encoder.encode(a.data_type).length + value;
  }
  return n;
}
